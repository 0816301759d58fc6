"""The legacy per-neuron API of the original ``mlp`` module, over pymlp.

Every name of ``LEGACY_API.md`` is here: the symbols ``x``, ``y``, ``z``, the
activations ``Normal`` (identity), ``ReLU`` and ``Sigmoid`` (the legacy,
*decreasing* ``1/(1 + exp(x))``), ``train``, and the classes ``nsystem``,
``nlayer`` and ``nneuron``. The numbers live in a :class:`pymlp.Network`
(``nsystem.network``): a neuron's ``w``, ``b``, ``sig`` and ``f`` are live
views of its arrays, ``Activate`` is one vectorised forward pass and
``train`` one exact gradient step through the batched backward pass.
:func:`from_network` wraps an existing network in the same API.

Run a legacy script unchanged, with ``import mlp`` resolved to this package::

    python -m pymlp.compat script.py [args...]

Examples
--------
>>> from pymlp.compat import nsystem, ReLU, Sigmoid, train
>>> net = nsystem(seed=0)
>>> layers = net.CreateLayer(3, 2)
>>> hidden = net.CreateNeurons(4, layers[1], ReLU, 0)
>>> output = net.CreateNeurons(1, layers[2], Sigmoid, 0)
>>> train(net, [0.1, 0.1], [0])
>>> len(net.fastfeed([0.9, 0.9]))
1
"""

from ._system import (
    Normal,
    ReLU,
    Sigmoid,
    from_network,
    nlayer,
    nneuron,
    nsystem,
    train,
    x,
    y,
    z,
)
from ._views import WeightView
from .runner import run_script

__all__ = [
    "Normal",
    "ReLU",
    "Sigmoid",
    "WeightView",
    "from_network",
    "nlayer",
    "nneuron",
    "nsystem",
    "run_script",
    "train",
    "x",
    "y",
    "z",
]
