"""Mini-batch training of one system on W1 or W2: seconds per epoch, accuracy.

A run builds the network from its seed, trains one untimed warm-up epoch,
then times ``epochs`` further epochs as one block, so that a library's
per-call overhead (validation, setup) counts once per call as it does in use:
pymlp is one ``net.fit(..., epochs=epochs)`` call, scikit-learn one
``partial_fit`` per epoch (``partial_fit`` keeps the Adam state between
epochs, which ``warm_start`` with ``max_iter=1`` would not), PyTorch an
explicit loop over shuffled batches. The held-out accuracy is measured after
the last epoch.
"""

import importlib.util
import time
import warnings

import numpy as np

from . import machine, workloads

LEARNING_RATE = 1e-3


class Skipped(Exception):
    """A system that cannot run here; the message says why."""


def run(system, workload, config, epochs=None, warmup=True):
    """Train ``system`` on ``workload`` ("W1" or "W2") once.

    Returns a dict: ``seconds_per_epoch``, ``accuracy``, ``epochs``, ``path``
    (how the system trained), ``threads`` and the peak resident memory in MiB
    after loading the data (``rss_data_mib``) and after training
    (``rss_peak_mib``).
    """
    if workload == "W1":
        data = workloads.digits(config.get("rows"), config["seed"])
        sizes, batch_size = workloads.W1_SIZES, 200
    elif workload == "W2":
        data = workloads.teacher_data(config["rows"], config["seed"])
        sizes, batch_size = workloads.W2_SIZES, 256
    else:
        raise ValueError(f"workload must be 'W1' or 'W2', got {workload!r}")
    epochs = config["epochs"] if epochs is None else epochs
    family, dtype = _parse(system)
    trainer = _TRAINERS[family]
    rss_data = machine.peak_rss_mib()
    result = trainer(data, sizes, batch_size, epochs, dtype, config["seed"], warmup)
    result["epochs"] = epochs
    result["rss_data_mib"] = rss_data
    result["rss_peak_mib"] = machine.peak_rss_mib()
    return result


def _parse(system):
    """("pymlp" | "sklearn" | "torch" | "torch-fused", "float64" | "float32")."""
    family, _, suffix = system.rpartition("-")
    dtypes = {"f64": "float64", "f32": "float32"}
    if family not in _TRAINERS or suffix not in dtypes:
        raise ValueError(
            f"unknown training system {system!r}: expected one of "
            f"{', '.join(workloads.TRAINING_SYSTEMS)}"
        )
    return family, dtypes[suffix]


def _accuracy(scores, y):
    return float(np.mean(np.argmax(scores, axis=1) == y))


# pymlp


def has_fit():
    """Whether pymlp's training module (``net.fit``) is installed."""
    return importlib.util.find_spec("pymlp.training") is not None


def _train_pymlp(data, sizes, batch_size, epochs, dtype, seed, warmup):
    import pymlp

    X, y, X_test, y_test = data
    X = np.ascontiguousarray(X, dtype=dtype)
    net = pymlp.MLP(sizes, activation="relu", output="softmax", seed=seed, dtype=dtype)
    optimizer = pymlp.Adam(LEARNING_RATE)
    train = _fit_epochs if has_fit() else _train_step_epochs
    if warmup:
        train(net, optimizer, X, y, 1, batch_size, seed + 1)

    start = time.perf_counter()
    train(net, optimizer, X, y, epochs, batch_size, seed + 2)
    seconds = time.perf_counter() - start
    return {
        "seconds_per_epoch": seconds / epochs,
        "accuracy": _accuracy(net.predict(X_test), y_test),
        "path": "net.fit" if has_fit() else "net.train_step loop (no net.fit yet)",
        "threads": {"blas": machine.blas_threads()},
    }


def _fit_epochs(net, optimizer, X, y, epochs, batch_size, seed):
    net.fit(
        X,
        y,
        loss="cross_entropy",
        optimizer=optimizer,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        seed=seed,
    )


def _train_step_epochs(net, optimizer, X, y, epochs, batch_size, seed):
    """Stand-in for ``net.fit`` while pymlp has none: shuffled batches."""
    Y = np.eye(net.n_outputs, dtype=net.dtype)[y]
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            net.train_step(X[batch], Y[batch], "cross_entropy", optimizer)


# scikit-learn


def _train_sklearn(data, sizes, batch_size, epochs, dtype, seed, warmup):
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError as error:
        raise Skipped(f"scikit-learn is not installed ({error})") from None

    X, y, X_test, y_test = data
    X = np.ascontiguousarray(X, dtype=dtype)
    model = MLPClassifier(
        hidden_layer_sizes=tuple(sizes[1:-1]),
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=batch_size,
        learning_rate_init=LEARNING_RATE,
        shuffle=True,
        random_state=seed,
        early_stopping=False,
    )
    classes = np.arange(sizes[-1])
    if not warmup:
        epochs -= 1

    # tiny test sizes make scikit-learn warn that it clips the batch size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.partial_fit(X, y, classes=classes)  # builds the model: untimed
        start = time.perf_counter()
        for _ in range(epochs):
            model.partial_fit(X, y)
        seconds = time.perf_counter() - start
    return {
        "seconds_per_epoch": seconds / max(epochs, 1),
        "accuracy": float(model.score(X_test, y_test)),
        "path": "MLPClassifier.partial_fit, one call per epoch",
        "threads": {"blas": machine.blas_threads()},
    }


# PyTorch


def _import_torch():
    try:
        import torch
    except ImportError as error:
        raise Skipped(f"PyTorch is not installed ({error})") from None
    machine.match_threads()
    return torch


def _train_torch(data, sizes, batch_size, epochs, dtype, seed, warmup, fused=False):
    torch = _import_torch()
    X, y, X_test, y_test = data
    torch_dtype = getattr(torch, dtype)
    torch.manual_seed(seed)
    model = _torch_mlp(torch, sizes, torch_dtype)
    optimizer = _torch_adam(torch, model, fused)
    criterion = torch.nn.CrossEntropyLoss()
    X = torch.as_tensor(X, dtype=torch_dtype)
    y = torch.as_tensor(y, dtype=torch.int64)
    generator = torch.Generator().manual_seed(seed)

    def train(n_epochs):
        for _ in range(n_epochs):
            order = torch.randperm(len(X), generator=generator)
            for start in range(0, len(X), batch_size):
                batch = order[start : start + batch_size]
                optimizer.zero_grad(set_to_none=True)
                criterion(model(X[batch]), y[batch]).backward()
                optimizer.step()

    if warmup:
        train(1)
    start = time.perf_counter()
    train(epochs)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        scores = model(torch.as_tensor(X_test, dtype=torch_dtype)).numpy()
    return {
        "seconds_per_epoch": seconds / epochs,
        "accuracy": _accuracy(scores, y_test),
        "path": f"torch.optim.Adam(fused={fused}), manual loop",
        "threads": {"blas": machine.blas_threads(), "torch": torch.get_num_threads()},
    }


def _train_torch_fused(*args):
    return _train_torch(*args, fused=True)


def _torch_mlp(torch, sizes, dtype):
    modules = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        modules += [torch.nn.Linear(n_in, n_out, dtype=dtype), torch.nn.ReLU()]
    return torch.nn.Sequential(*modules[:-1])


def _torch_adam(torch, model, fused):
    """torch.optim.Adam, refusing ``fused=True`` with a note where unsupported."""
    if not fused:
        return torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    try:
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, fused=True)
        # some versions accept the flag and fail only at the first CPU step
        for param in model.parameters():
            param.grad = torch.zeros_like(param)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    except (RuntimeError, TypeError, ValueError) as error:
        raise Skipped(
            f"torch {torch.__version__} has no fused Adam on CPU ({error})"
        ) from None
    # the probe step moved nothing (zero gradients) but started Adam's clock
    return torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, fused=True)


_TRAINERS = {
    "pymlp": _train_pymlp,
    "sklearn": _train_sklearn,
    "torch": _train_torch,
    "torch-fused": _train_torch_fused,
}
