"""pymlp: fast multilayer perceptrons in numpy, activations as sympy expressions.

>>> import pymlp
>>> net = pymlp.MLP([64, 32, 10], activation="relu", output="softmax", seed=0)
"""

from . import datasets
from .activations import Activation, get_activation, x
from .gradcheck import gradcheck
from .io import load, load_optimizer, save
from .layers import Dense
from .losses import get_loss
from .network import MLP, Network
from .optimizers import (
    SGD,
    Adam,
    ConstantLR,
    CosineLR,
    ExponentialLR,
    Optimizer,
    ReduceLROnPlateau,
    StepLR,
)
from .training import DivergenceError, EarlyStopping, History, accuracy

__version__ = "0.1.0"

__all__ = [
    "SGD",
    "Activation",
    "Adam",
    "ConstantLR",
    "CosineLR",
    "Dense",
    "DivergenceError",
    "EarlyStopping",
    "ExponentialLR",
    "History",
    "MLP",
    "Network",
    "Optimizer",
    "ReduceLROnPlateau",
    "StepLR",
    "accuracy",
    "datasets",
    "get_activation",
    "get_loss",
    "gradcheck",
    "load",
    "load_optimizer",
    "save",
    "x",
]
