"""The workloads: their data, their sizes in the quick and full runs, their FLOPs.

W1  digits (1797 x 64, X/16, stratified split), 64-100-10, Adam 1e-3, batch 200
W2  synthetic 20000 x 784 labelled by a random teacher, 784-512-512-10,
    Adam 1e-3, batch 256
W3  online learning, 2-4-2 and 2-4-4-2, batch 1, SGD 0.1, mean squared error
kernels  activation value and backward on a 256 x 512 array
memory   peak resident memory of one W2 training run
core     one loss_and_gradients against inline numpy (benchmarks.core_step)

Every function here is deterministic given its seed, so each worker process
rebuilds exactly the same data; the data sets are cached per process and must
not be modified.
"""

from functools import lru_cache

import numpy as np

WORKLOADS = ("W1", "W2", "W3", "kernels", "memory", "core")

W1_SIZES = (64, 100, 10)
W2_SIZES = (784, 512, 512, 10)
W3_SIZES = ((2, 4, 2), (2, 4, 4, 2))

# systems timed on each workload; the first of each dtype is the baseline
TRAINING_SYSTEMS = (
    "pymlp-f64",
    "pymlp-f32",
    "sklearn-f64",
    "torch-f64",
    "torch-f32",
    "torch-fused-f64",
    "torch-fused-f32",
)
ONLINE_SYSTEMS = (
    "pymlp-train_step",
    "pymlp-fit",
    "compat",
    "legacy",
    "torch",
    "sklearn",
)


def presets(quick):
    """Sizes, epochs, steps and rounds of every workload, as a JSON-able dict."""
    if quick:
        return {
            "W1": {"rows": None, "epochs": 2, "rounds": 3, "seed": 0},
            "W2": {
                "rows": 2560,
                "epochs": 1,
                "rounds": 2,
                "seed": 0,
                "gemm": {"size": 1024, "repeats": 3},
            },
            "W3": {
                "steps": {"default": 300, "legacy": 3, "sklearn": 100},
                "rounds": 3,
                "seed": 0,
            },
            "kernels": {"shape": [256, 512], "repeats": 30, "rounds": 3},
            "memory": {"rows": 2560, "seed": 0},
            "core": {"repeats": 10, "rounds": 2},
        }
    return {
        "W1": {"rows": None, "epochs": 10, "rounds": 5, "seed": 0},
        "W2": {
            "rows": 20000,
            "epochs": 3,
            "rounds": 4,
            "seed": 0,
            "gemm": {"size": 2048, "repeats": 5},
        },
        "W3": {
            "steps": {"default": 2000, "legacy": 10, "sklearn": 500},
            "rounds": 5,
            "seed": 0,
        },
        "kernels": {"shape": [256, 512], "repeats": 100, "rounds": 5},
        "memory": {"rows": 20000, "seed": 0},
        "core": {"repeats": 30, "rounds": 3},
    }


@lru_cache(maxsize=2)
def digits(rows=None, seed=0):
    """Digits scaled to [0, 1], split 80/20 stratified: X, y, X_test, y_test.

    scikit-learn's ``load_digits`` when it is installed, else pymlp's bundled
    copy of the same UCI data. ``rows`` keeps a stratified subset first.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        from pymlp.datasets import load_digits
    from pymlp.datasets import train_test_split

    X, y = load_digits(return_X_y=True) if _is_sklearn(load_digits) else load_digits()
    X = np.asarray(X, dtype=np.float64) / 16.0
    y = np.asarray(y, dtype=np.int64)
    if rows is not None and rows < len(y):
        _, X, _, y = train_test_split(X, y, test_size=rows, seed=seed, stratify=y)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, seed=seed, stratify=y
    )
    return X_train, y_train, X_test, y_test


def _is_sklearn(loader):
    return loader.__module__.startswith("sklearn")


@lru_cache(maxsize=2)
def teacher_data(rows, seed=0, sizes=W2_SIZES):
    """Synthetic inputs labelled by a random tanh teacher: X, y, X_test, y_test.

    Inputs are standard normal; the label is the argmax of a random
    ``in -> 64 -> classes`` tanh network, so a student can learn it. The test
    part has ``max(rows // 10, 100)`` further rows.
    """
    rng = np.random.default_rng(seed)
    n_in, n_classes = sizes[0], sizes[-1]
    W1 = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, 64))
    W2 = rng.normal(0.0, 1.0 / np.sqrt(64), (64, n_classes))
    n_test = max(rows // 10, 100)
    X = rng.normal(size=(rows + n_test, n_in))
    y = np.argmax(np.tanh(X @ W1) @ W2, axis=1)
    return X[:rows], y[:rows], X[rows:], y[rows:]


def online_data(steps, n_outputs, seed=0):
    """The legacy two-cluster task: inputs near (0.15, 0.15) or (0.85, 0.85).

    Returns X of shape (steps, 2) and Y of shape (steps, n_outputs), whose
    first column is the class (0 or 1) and the others its complement.
    """
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, steps)
    X = rng.uniform(0.0, 0.3, (steps, 2)) + 0.7 * label[:, None]
    Y = np.empty((steps, n_outputs))
    Y[:, 0] = label
    Y[:, 1:] = 1 - label[:, None]
    return X, Y


def training_flops(sizes, n_samples):
    """FLOPs of the matrix products of one training pass over ``n_samples``.

    A product of (n, a) by (a, b) counts 2*n*a*b. Per layer: forward
    ``A_prev @ W.T``, ``dW = delta.T @ A_prev`` and ``dA_prev = delta @ W``,
    except that the first layer needs no ``dA_prev``.
    """
    pairs = list(zip(sizes, sizes[1:]))
    per_sample = sum(3 * 2 * n_in * n_out for n_in, n_out in pairs)
    per_sample -= 2 * pairs[0][0] * pairs[0][1]
    return per_sample * n_samples


def batch_sizes(n_samples, batch_size):
    """The batch sizes of one epoch: full batches, then the remainder."""
    full, rest = divmod(n_samples, batch_size)
    return [batch_size] * full + ([rest] if rest else [])
