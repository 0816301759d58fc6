"""Epoch times of ``pymlp.fit`` against scikit-learn and PyTorch, in one run.

1. Digits (``sklearn.datasets.load_digits``, X/16, stratified 80/20 split):
   pymlp 64-100-10 relu/softmax against ``MLPClassifier(hidden_layer_sizes=
   (100,))``, both Adam(1e-3), batch 200, no L2 penalty, shuffled. sklearn is
   timed one ``fit`` call per epoch (``max_iter=1, warm_start=True``), and so
   is pymlp (``fit(..., epochs=1)`` with one Adam instance kept across calls),
   so both sides pay their per-call checks every epoch. Held-out accuracy
   after the last epoch is reported for both. Target: pymlp <= 0.6x sklearn.
2. 784-512-512-10 relu/softmax, batch 256, cross-entropy, Adam(1e-3), on
   synthetic data (Gaussian inputs labelled by a random linear teacher), in
   float64 and float32: pymlp against a ``torch.nn.Sequential`` trained with
   ``torch.optim.Adam`` (default, and ``fused=True`` where the CPU build
   supports it), same rows, same batch size, a new shuffle every epoch, torch
   using as many threads as numpy's BLAS. Target: pymlp <= 1.0x torch.

Systems alternate epoch by epoch (A B A B ...) so they share the machine's
load; each figure is the median [min-max] over all timed epochs, and each
ratio is given for the medians and for the fastest epochs (the figure least
disturbed by other work on the machine). Section 2 ends with the fastest time
of each piece of one step, to show where the time goes.

Run: ``python -m benchmarks.fit_speed [--quick]``.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np

import pymlp
from pymlp.datasets import train_test_split
from pymlp.optimizers import Adam
from pymlp.training import accuracy

_OPENBLAS_TUNING = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
TORCH_SIZES = (784, 512, 512, 10)


# measurement helpers


def _summary(times):
    times = np.asarray(times)
    return float(np.median(times)), float(times.min()), float(times.max())


def _fmt_time(times):
    med, low, high = _summary(times)
    if med < 1.0:
        return f"{med * 1e3:8.2f} ms [{low * 1e3:.2f}-{high * 1e3:.2f}]"
    return f"{med:8.3f} s  [{low:.3f}-{high:.3f}]"


def _fmt_values(values):
    med, low, high = _summary(values)
    return f"{med:.4f} [{low:.4f}-{high:.4f}]"


def _timed(run, *args):
    start = time.perf_counter()
    run(*args)
    return time.perf_counter() - start


def pymlp_epoch(net, optimizer, X, y, batch_size, seed):
    """One epoch of pymlp: one fit call, as a user would make it."""
    net.fit(
        X,
        y,
        loss="cross_entropy",
        optimizer=optimizer,
        epochs=1,
        batch_size=batch_size,
        seed=seed,
    )


def blas_threads():
    """Threads of numpy's BLAS, from threadpoolctl (None when unavailable)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [
        pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"
    ]
    return max(counts) if counts else None


# 1. scikit-learn on digits


def digits_vs_sklearn(epochs, repeats):
    """Per-epoch times and final accuracies of pymlp and MLPClassifier."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=0, stratify=y)
    times = {"pymlp": [], "sklearn": []}
    scores = {"pymlp": [], "sklearn": []}

    for repeat in range(repeats):
        net = pymlp.MLP([64, 100, 10], activation="relu", output="softmax", seed=repeat)
        optimizer = Adam(1e-3)
        clf = MLPClassifier(
            hidden_layer_sizes=(100,),
            activation="relu",
            solver="adam",
            learning_rate_init=1e-3,
            batch_size=200,
            alpha=0.0,
            early_stopping=False,
            max_iter=1,
            warm_start=True,
            tol=0.0,
            n_iter_no_change=10**9,
            shuffle=True,
            random_state=np.random.RandomState(repeat),
        )

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for epoch in range(epochs):
                seed = repeat * 100_000 + epoch
                args = (net, optimizer, X_train, y_train, 200, seed)
                times["pymlp"].append(_timed(pymlp_epoch, *args))
                times["sklearn"].append(_timed(clf.fit, X_train, y_train))

        scores["pymlp"].append(accuracy(net, X_test, y_test))
        scores["sklearn"].append(float(clf.score(X_test, y_test)))
    return times, scores


# 2. PyTorch on a 784-512-512-10 network


def teacher_data(n_samples, seed=0):
    """Gaussian inputs; labels are the arg-max of a random linear map."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, TORCH_SIZES[0]))
    teacher = rng.normal(size=(TORCH_SIZES[0], TORCH_SIZES[-1]))
    return X, np.argmax(X @ teacher, axis=1)


class TorchTrainer:
    """The same network and loop in PyTorch: shuffled batches, Adam, CE."""

    def __init__(self, torch, X, y, dtype, fused, seed, batch_size):
        self.torch = torch
        torch.manual_seed(seed)
        tdtype = torch.float64 if dtype == "float64" else torch.float32
        nn = torch.nn
        self.model = nn.Sequential(
            nn.Linear(784, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        ).to(tdtype)
        extra = {"fused": True} if fused else {}
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3, **extra)
        self.loss = nn.CrossEntropyLoss()
        self.X = torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))
        self.y = torch.from_numpy(y.astype(np.int64))
        self.batch_size = batch_size
        self.generator = torch.Generator().manual_seed(seed)
        self.X_buf = torch.empty((batch_size, X.shape[1]), dtype=tdtype)
        self.y_buf = torch.empty(batch_size, dtype=torch.int64)

    def epoch(self):
        torch, n_samples = self.torch, self.X.shape[0]
        order = torch.randperm(n_samples, generator=self.generator)
        for start in range(0, n_samples, self.batch_size):
            idx = order[start : start + self.batch_size]
            if idx.shape[0] == self.batch_size:
                Xb = torch.index_select(self.X, 0, idx, out=self.X_buf)
                yb = torch.index_select(self.y, 0, idx, out=self.y_buf)
            else:
                Xb, yb = self.X[idx], self.y[idx]
            self.optimizer.zero_grad()
            self.loss(self.model(Xb), yb).backward()
            self.optimizer.step()

    def accuracy(self, X, y):
        with self.torch.no_grad():
            out = self.model(self.torch.from_numpy(X.astype(self.X.numpy().dtype)))
        return float((out.argmax(dim=1).numpy() == y).mean())


def fused_adam_support(torch, dtype):
    """None if ``Adam(fused=True)`` steps on CPU for ``dtype``, else the error."""
    tdtype = torch.float64 if dtype == "float64" else torch.float32
    try:
        weight = torch.nn.Parameter(torch.zeros(3, dtype=tdtype))
        optimizer = torch.optim.Adam([weight], lr=1e-3, fused=True)
        weight.sum().backward()
        optimizer.step()
    except (RuntimeError, TypeError, ValueError) as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


def mlp_vs_torch(torch, dtype, n_samples, epochs, batch_size=256):
    """Per-epoch times and held-out accuracies of pymlp and torch variants."""
    X, y = teacher_data(n_samples + 2000)
    X_test, y_test = X[n_samples:], y[n_samples:]
    X, y = X[:n_samples].astype(dtype), y[:n_samples]
    net = pymlp.MLP(
        TORCH_SIZES, activation="relu", output="softmax", seed=0, dtype=dtype
    )
    optimizer = Adam(1e-3)
    systems = {"pymlp": None}
    systems["torch"] = TorchTrainer(torch, X, y, dtype, False, 0, batch_size)
    fused_error = fused_adam_support(torch, dtype)
    if fused_error is None:
        systems["torch fused"] = TorchTrainer(torch, X, y, dtype, True, 0, batch_size)

    times = {name: [] for name in systems}
    for epoch in range(epochs):
        for name, trainer in systems.items():
            if trainer is None:
                args = (net, optimizer, X, y, batch_size, epoch)
                times[name].append(_timed(pymlp_epoch, *args))
            else:
                times[name].append(_timed(trainer.epoch))

    scores = {"pymlp": accuracy(net, X_test, y_test)}
    for name, trainer in systems.items():
        if trainer is not None:
            scores[name] = trainer.accuracy(X_test, y_test)
    return times, scores, fused_error


def step_breakdown(torch, dtype, batch_size=256, repeats=30):
    """Fastest time (s) of each piece of one training step, pymlp and torch.

    The minimum over ``repeats`` calls is the figure least disturbed by other
    load on the machine.
    """
    from pymlp.losses import get_loss

    X, y = teacher_data(4 * batch_size, seed=1)
    X = X.astype(dtype)
    loss = get_loss("cross_entropy")
    Y = loss.prepare_targets(y, X.shape[0], TORCH_SIZES[-1], np.dtype(dtype))
    idx = np.random.default_rng(0).permutation(X.shape[0])[:batch_size]
    X_buf = np.empty((batch_size, X.shape[1]), X.dtype)
    Y_buf = np.empty((batch_size, Y.shape[1]), Y.dtype)
    net = pymlp.MLP(
        TORCH_SIZES, activation="relu", output="softmax", seed=0, dtype=dtype
    )
    optimizer = Adam(1e-3)
    backup = np.empty_like(net.params)
    torch_fit = TorchTrainer(torch, X, y, dtype, False, 0, batch_size)
    Xt, yt = torch_fit.X[:batch_size], torch_fit.y[:batch_size]
    fused = None
    if fused_adam_support(torch, dtype) is None:
        fused = torch.optim.Adam(torch_fit.model.parameters(), lr=1e-3, fused=True)

    def gather():
        np.take(X, idx, axis=0, out=X_buf, mode="clip")
        np.take(Y, idx, axis=0, out=Y_buf, mode="clip")

    def forward_backward():
        net._forward(X_buf)
        net._backward(Y_buf, loss)

    def torch_forward_backward():
        torch_fit.optimizer.zero_grad()
        torch_fit.loss(torch_fit.model(Xt), yt).backward()

    pieces = {
        "pymlp batch gather (np.take x2)": gather,
        "pymlp parameter backup (np.copyto)": lambda: np.copyto(backup, net.params),
        "pymlp forward + backward": forward_backward,
        "pymlp Adam step": lambda: optimizer.step(net.params, net.grads),
        "torch forward + backward": torch_forward_backward,
        "torch Adam step": torch_fit.optimizer.step,
    }
    if fused is not None:
        pieces["torch Adam(fused=True) step"] = fused.step
    gather()  # fill the batch buffers before the first forward pass
    forward_backward()
    torch_forward_backward()
    best = dict.fromkeys(pieces, np.inf)
    for _ in range(repeats):
        for name, piece in pieces.items():
            best[name] = min(best[name], _timed(piece))
    return best


# report


def _reexec_without_openblas_tuning(argv):
    """Restart this process once with the OpenBLAS tuning variables unset."""
    if not any(name in os.environ for name in _OPENBLAS_TUNING):
        return
    env = {k: v for k, v in os.environ.items() if k not in _OPENBLAS_TUNING}
    print(f"re-running without {', '.join(_OPENBLAS_TUNING)}", flush=True)
    os.execve(
        sys.executable, [sys.executable, "-m", "benchmarks.fit_speed", *argv], env
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows and repeats")
    args = parser.parse_args(argv)
    _reexec_without_openblas_tuning(argv)

    threads = blas_threads()
    print(f"numpy {np.__version__}, pymlp {pymlp.__version__}, BLAS threads {threads}")

    # 1. scikit-learn
    epochs, repeats = (10, 2) if args.quick else (40, 3)
    try:
        import sklearn
    except ImportError:
        print("scikit-learn is not installed: skipping the digits comparison")
    else:
        print(
            f"\n[1] digits 1437 train / 360 test rows, 64-100-10 relu/softmax, "
            f"Adam 1e-3, batch 200, alpha 0; sklearn {sklearn.__version__} "
            f"MLPClassifier(hidden_layer_sizes=(100,)); {epochs} epochs x "
            f"{repeats} repeats, one fit call per epoch on both sides"
        )
        times, scores = digits_vs_sklearn(epochs, repeats)
        for name in times:
            print(
                f"  {name:12s} epoch {_fmt_time(times[name])}   "
                f"held-out accuracy {_fmt_values(scores[name])}"
            )
        ours, ours_min, _ = _summary(times["pymlp"])
        theirs, theirs_min, _ = _summary(times["sklearn"])
        print(
            f"  ratio pymlp/sklearn: {ours / theirs:.3f} median, "
            f"{ours_min / theirs_min:.3f} fastest epoch  (target <= 0.6)"
        )

    # 2. PyTorch
    n_samples, epochs = (4000, 4) if args.quick else (20000, 5)
    try:
        import torch
    except ImportError:
        print("\nPyTorch is not installed: skipping the 784-512-512-10 comparison")
        return
    torch_threads = threads or os.cpu_count()
    torch.set_num_threads(torch_threads)
    print(
        f"\n[2] 784-512-512-10 relu/softmax, {n_samples} synthetic rows, batch 256, "
        f"Adam 1e-3, {epochs} epochs; torch {torch.__version__} with "
        f"{torch.get_num_threads()} threads (numpy BLAS: {threads})"
    )
    for dtype in ("float64", "float32"):
        times, scores, fused_error = mlp_vs_torch(torch, dtype, n_samples, epochs)
        print(f"  {dtype}:")
        if fused_error is not None:
            print(f"    torch Adam(fused=True) unavailable on CPU: {fused_error}")
        for name in times:
            print(
                f"    {name:12s} epoch {_fmt_time(times[name])}   "
                f"held-out accuracy {scores[name]:.4f}"
            )
        ours, ours_min, _ = _summary(times["pymlp"])
        for name in times:
            if name != "pymlp":
                med, low, _ = _summary(times[name])
                print(
                    f"    ratio pymlp/{name}: {ours / med:.3f} median, "
                    f"{ours_min / low:.3f} fastest epoch  (target <= 1.0)"
                )
        print("    one step, fastest of 30 calls:")
        for name, seconds in step_breakdown(torch, dtype).items():
            print(f"      {name:36s} {seconds * 1e3:7.3f} ms")


if __name__ == "__main__":
    main()
