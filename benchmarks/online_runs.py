"""Online learning (W3): one sample per step, SGD with learning rate 0.1.

The network is the legacy demo's: ReLU hidden layers and an output layer with
the legacy (decreasing) sigmoid ``1/(1 + exp(x))``, trained on the squared
error. scikit-learn's MLPRegressor has no choice of output activation, so its
output is the identity there. Each system gets its inputs in the form it
would be given them in use: prepared numpy rows for ``train_step``, the whole
arrays for ``fit``, Python lists for the legacy calls, prepared tensors for
PyTorch.
"""

import time
import warnings

import numpy as np

from . import machine, workloads
from .training_runs import Skipped, has_fit

LEARNING_RATE = 0.1
WARMUP_STEPS = 3


def run(system, sizes, config):
    """Seconds per step of ``system`` on a network of layer widths ``sizes``.

    Returns a dict: ``seconds_per_step``, ``steps`` and ``path``.
    """
    if system not in _STEPPERS:
        raise ValueError(
            f"unknown online system {system!r}: expected one of "
            f"{', '.join(workloads.ONLINE_SYSTEMS)}"
        )
    steps_by_system = config["steps"]
    steps = steps_by_system.get(system, steps_by_system["default"])
    X, Y = workloads.online_data(steps + WARMUP_STEPS, sizes[-1], config["seed"])
    seconds, path = _STEPPERS[system](tuple(sizes), X, Y, config["seed"])
    return {"seconds_per_step": seconds / steps, "steps": steps, "path": path}


def _timed(step, n_warmup, n_steps):
    """Call ``step(i)`` for the warm-up indices, then time the rest."""
    for i in range(n_warmup):
        step(i)
    start = time.perf_counter()
    for i in range(n_warmup, n_warmup + n_steps):
        step(i)
    return time.perf_counter() - start


def _pymlp_network(sizes, seed):
    import pymlp
    from pymlp.activations import LEGACY_SIGMOID

    layers = [pymlp.Dense(width, "relu") for width in sizes[1:-1]]
    layers.append(pymlp.Dense(sizes[-1], LEGACY_SIGMOID))
    return pymlp.Network(sizes[0], layers, seed=seed)


def _pymlp_train_step(sizes, X, Y, seed):
    import pymlp

    net = _pymlp_network(sizes, seed)
    optimizer = pymlp.SGD(LEARNING_RATE)
    loss = pymlp.get_loss("mse")
    rows_X = [np.ascontiguousarray(X[i : i + 1]) for i in range(len(X))]
    rows_Y = [np.ascontiguousarray(Y[i : i + 1]) for i in range(len(Y))]

    def step(i):
        net.train_step(rows_X[i], rows_Y[i], loss, optimizer)

    seconds = _timed(step, WARMUP_STEPS, len(X) - WARMUP_STEPS)
    return seconds, "net.train_step(X, Y, loss, SGD) on prepared rows"


def _pymlp_fit(sizes, X, Y, seed):
    import pymlp

    if not has_fit():
        raise Skipped("pymlp.training (net.fit) has not landed yet")
    net = _pymlp_network(sizes, seed)
    optimizer = pymlp.SGD(LEARNING_RATE)
    options = {"loss": "mse", "optimizer": optimizer, "batch_size": 1, "seed": seed}
    net.fit(X[:WARMUP_STEPS], Y[:WARMUP_STEPS], epochs=1, **options)
    rest_X, rest_Y = X[WARMUP_STEPS:], Y[WARMUP_STEPS:]
    start = time.perf_counter()
    net.fit(rest_X, rest_Y, epochs=1, **options)
    return time.perf_counter() - start, "net.fit(X, Y, epochs=1, batch_size=1)"


def _compat(sizes, X, Y, seed):
    try:
        from pymlp.compat import ReLU, Sigmoid, nsystem, train
    except ImportError as error:
        raise Skipped(f"pymlp.compat is not importable yet ({error})") from None

    system = nsystem()
    layers = system.CreateLayer(len(sizes), sizes[0])
    for layer, width in zip(layers[1:-1], sizes[1:-1]):
        system.CreateNeurons(width, layer, ReLU, 1)
    system.CreateNeurons(sizes[-1], layers[-1], Sigmoid, 1)
    rows_X, rows_Y = X.tolist(), Y.tolist()

    def step(i):
        train(system, rows_X[i], rows_Y[i])

    seconds = _timed(step, WARMUP_STEPS, len(X) - WARMUP_STEPS)
    return seconds, "pymlp.compat train(sys, x, y) with Python lists"


def _legacy(sizes, X, Y, seed):
    from .legacy_reference import LEGACY_SIGMOID, RELU, LegacySystem

    activations = [RELU] * (len(sizes) - 2) + [LEGACY_SIGMOID]
    system = LegacySystem(sizes, activations, seed=seed)
    rows_X, rows_Y = X.tolist(), Y.tolist()

    def step(i):
        system.train(rows_X[i], rows_Y[i])

    seconds = _timed(step, WARMUP_STEPS, len(X) - WARMUP_STEPS)
    return seconds, "benchmarks.legacy_reference.LegacySystem.train (scalar sympy)"


def _torch(sizes, X, Y, seed):
    try:
        import torch
    except ImportError as error:
        raise Skipped(f"PyTorch is not installed ({error})") from None
    machine.match_threads()
    torch.manual_seed(seed)
    modules = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        modules += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    model = torch.nn.Sequential(*modules[:-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    rows_X = [torch.as_tensor(X[i : i + 1]) for i in range(len(X))]
    rows_Y = [torch.as_tensor(Y[i : i + 1]) for i in range(len(Y))]

    def step(i):
        optimizer.zero_grad(set_to_none=True)
        # the legacy sigmoid 1/(1 + exp(z)) is sigmoid(-z)
        output = torch.sigmoid(-model(rows_X[i]))
        torch.mean((output - rows_Y[i]) ** 2).backward()
        optimizer.step()

    seconds = _timed(step, WARMUP_STEPS, len(X) - WARMUP_STEPS)
    return seconds, "torch float64, manual step with torch.optim.SGD"


def _sklearn(sizes, X, Y, seed):
    try:
        from sklearn.neural_network import MLPRegressor
    except ImportError as error:
        raise Skipped(f"scikit-learn is not installed ({error})") from None
    model = MLPRegressor(
        hidden_layer_sizes=tuple(sizes[1:-1]),
        activation="relu",
        solver="sgd",
        learning_rate_init=LEARNING_RATE,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=1,
        shuffle=False,
        random_state=seed,
    )
    rows_X = [X[i : i + 1] for i in range(len(X))]
    rows_Y = [Y[i : i + 1] for i in range(len(Y))]

    def step(i):
        model.partial_fit(rows_X[i], rows_Y[i])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds = _timed(step, WARMUP_STEPS, len(X) - WARMUP_STEPS)
    return seconds, "MLPRegressor.partial_fit per sample (identity output)"


_STEPPERS = {
    "pymlp-train_step": _pymlp_train_step,
    "pymlp-fit": _pymlp_fit,
    "compat": _compat,
    "legacy": _legacy,
    "torch": _torch,
    "sklearn": _sklearn,
}
