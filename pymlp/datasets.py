"""Small data sets shipped with pymlp, and a train/test split.

``load_digits`` reads the UCI optical recognition of handwritten digits data
bundled in ``pymlp/data`` (see the README there for its source and licence);
``make_two_clusters`` draws the two-square toy task the original pymlp was
trained on; ``train_test_split`` splits any arrays by samples, optionally
keeping class proportions.
"""

import gzip
import hashlib
import io
import math
import numbers
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["load_digits", "make_two_clusters", "train_test_split"]

DIGITS_FILE = "digits.csv.gz"
# SHA-256 of the decompressed CSV text; guards against a damaged or altered file.
DIGITS_SHA256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"
DIGITS_SHAPE = (1797, 65)


def load_digits(return_images=False):
    """Load the UCI handwritten digits: 1797 images of 8x8 pixels, 10 classes.

    Each sample is a handwritten digit, scanned as a 32x32 bitmap and reduced
    to an 8x8 grid whose cells count the set pixels of a 4x4 block, so every
    value is an integer from 0 to 16. This is the test part of the UCI set.
    Source: E. Alpaydin and C. Kaynak, UCI Machine Learning Repository
    (1998), https://archive.ics.uci.edu/dataset/80, licence CC BY 4.0.

    Parameters
    ----------
    return_images : bool, default False
        Also return the samples as 8x8 images.

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        Pixel values 0..16, rows of the image read left to right, top first.
    y : ndarray of shape (1797,), int64
        The digit, 0..9.
    images : ndarray of shape (1797, 8, 8), float64
        Only with ``return_images``: ``X`` reshaped, a view sharing its memory.

    Raises
    ------
    ValueError
        If the bundled file is missing, damaged or does not hold the data set.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape
    ((1797, 64), (1797,))
    """
    table = _bundled_digits()
    X = table[:, :64].astype(np.float64)
    y = table[:, 64].copy()
    if return_images:
        return X, y, X.reshape(-1, 8, 8)
    return X, y


@lru_cache(maxsize=1)
def _bundled_digits():
    """The verified (1797, 65) int64 table from the package data; read once."""
    source = resources.files("pymlp") / "data" / DIGITS_FILE
    try:
        packed = source.read_bytes()
    except OSError as exc:
        raise ValueError(
            f"could not read the bundled digits file {DIGITS_FILE!r}: {exc}; "
            "reinstall pymlp"
        ) from exc
    table = _parse_digits(packed)
    table.setflags(write=False)
    return table


def _parse_digits(packed):
    """Decompress, verify and parse gzip CSV bytes into a (1797, 65) table."""
    try:
        text = gzip.decompress(packed)
    except (OSError, EOFError) as exc:
        raise ValueError(
            f"the digits file is damaged: expected gzip data, got an error "
            f"while decompressing ({exc}); reinstall pymlp"
        ) from exc

    digest = hashlib.sha256(text).hexdigest()
    if digest != DIGITS_SHA256:
        raise ValueError(
            f"the digits file is damaged: expected SHA-256 {DIGITS_SHA256}, "
            f"got {digest}; reinstall pymlp"
        )

    table = np.loadtxt(io.BytesIO(text), delimiter=",", dtype=np.int64, ndmin=2)
    if table.shape != DIGITS_SHAPE:
        raise ValueError(
            f"the digits file is damaged: expected a table of shape "
            f"{DIGITS_SHAPE}, got {table.shape}"
        )
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(
            "the digits file is damaged: expected pixels in 0..16 and labels "
            f"in 0..9, got pixels in {pixels.min()}..{pixels.max()} and labels "
            f"in {labels.min()}..{labels.max()}"
        )
    return table


def make_two_clusters(n_samples=1000, seed=None, low=(0.0, 0.3), high=(0.7, 1.0)):
    """Draw the legacy toy task: two squares of points, one per class.

    Half the points (``n_samples // 2``) are uniform in the square
    ``[low[0], low[1])**2`` with target 0, the rest uniform in
    ``[high[0], high[1])**2`` with target 1; the rows are then shuffled.

    Parameters
    ----------
    n_samples : int, default 1000
        Number of points, at least 2.
    seed : int, numpy.random.Generator or None, default None
        Passed to ``numpy.random.default_rng``; a fixed seed gives the same
        points every time.
    low, high : pair of float
        Lower and upper end of each coordinate of the class 0 and class 1
        square.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points.
    y : ndarray of shape (n_samples,), float64
        The targets, 0.0 or 1.0.

    Examples
    --------
    >>> X, y = make_two_clusters(100, seed=0)
    >>> X.shape, float(y.sum())
    ((100, 2), 50.0)
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}")
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    low = _interval(low, "low")
    high = _interval(high, "high")

    rng = np.random.default_rng(seed)
    n_low = n_samples // 2
    n_high = n_samples - n_low
    X = np.concatenate(
        [rng.uniform(*low, size=(n_low, 2)), rng.uniform(*high, size=(n_high, 2))]
    )
    y = np.concatenate([np.zeros(n_low), np.ones(n_high)])

    order = rng.permutation(n_samples)
    return X[order], y[order]


def _interval(bounds, name):
    """Check that ``bounds`` is a finite pair (a, b) with a < b; return it."""
    pair = np.asarray(bounds, dtype=np.float64)
    if pair.shape != (2,) or not np.all(np.isfinite(pair)) or pair[0] >= pair[1]:
        raise ValueError(
            f"{name} must be a pair (a, b) of finite numbers with a < b, got {bounds!r}"
        )
    return float(pair[0]), float(pair[1])


def train_test_split(X, Y, test_size=0.2, seed=None, stratify=None):
    """Split samples at random into a training and a test part.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
        Inputs; split along the first axis.
    Y : array_like of shape (n_samples, ...)
        Targets; split along the first axis with the same permutation.
    test_size : float or int, default 0.2
        A float in (0, 1) is the fraction of samples that go to the test part
        (rounded up); an int is their number, from 1 to ``n_samples - 1``.
    seed : int, numpy.random.Generator or None, default None
        Passed to ``numpy.random.default_rng``.
    stratify : array_like of shape (n_samples,) or None, default None
        Class labels. When given, each class is split in the same proportion
        as the whole (counts rounded by largest remainder so the test part
        still has the requested size where the next rule allows): every class
        with at least two samples has at least one in each part, and a class
        with a single sample goes to the training part.

    Returns
    -------
    X_train : ndarray of shape (n_samples - n_test, ...)
    X_test : ndarray of shape (n_test, ...)
    Y_train : ndarray of shape (n_samples - n_test, ...)
    Y_test : ndarray of shape (n_test, ...)

    Raises
    ------
    ValueError
        If the lengths of ``X``, ``Y`` and ``stratify`` differ, if there are
        fewer than two samples, or if ``test_size`` would leave a part empty.

    Examples
    --------
    >>> X, y = make_two_clusters(10, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, 0.3, seed=0)
    >>> X_train.shape, X_test.shape
    ((7, 2), (3, 2))
    """
    X = np.asarray(X)
    Y = np.asarray(Y)
    if X.ndim == 0 or Y.ndim == 0:
        raise ValueError(
            f"X and Y must be arrays with a samples axis, got X of shape "
            f"{X.shape} and Y of shape {Y.shape}"
        )
    n_samples = len(X)
    if len(Y) != n_samples:
        raise ValueError(
            f"X and Y must have the same number of samples: expected "
            f"{n_samples} rows in Y, got {len(Y)}"
        )
    if n_samples < 2:
        raise ValueError(f"need at least 2 samples to split, got {n_samples}")
    n_test = _test_count(test_size, n_samples)

    rng = np.random.default_rng(seed)
    if stratify is None:
        order = rng.permutation(n_samples)
        test, train = order[:n_test], order[n_test:]
    else:
        test, train = _stratified_indices(stratify, n_samples, n_test, rng)
    return X[train], X[test], Y[train], Y[test]


def _test_count(test_size, n_samples):
    """The number of test samples that ``test_size`` asks for, validated."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(
            f"test_size must be a float in (0, 1) or an int, "
            f"got {type(test_size).__name__}"
        )
    if isinstance(test_size, numbers.Integral):
        if not 1 <= test_size <= n_samples - 1:
            raise ValueError(
                f"test_size as a count must be from 1 to {n_samples - 1} for "
                f"{n_samples} samples, got {test_size}"
            )
        return int(test_size)
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size as a fraction must be in (0, 1), got {test_size}")
    n_test = math.ceil(test_size * n_samples)
    if n_test >= n_samples:
        raise ValueError(
            f"test_size={test_size} leaves no training samples out of "
            f"{n_samples}: expected a smaller fraction"
        )
    return n_test


def _stratified_indices(stratify, n_samples, n_test, rng):
    """Test and training indices with each class split in proportion."""
    labels = np.asarray(stratify)
    if labels.ndim != 1 or len(labels) != n_samples:
        raise ValueError(
            f"stratify must hold one label per sample: expected shape "
            f"({n_samples},), got {labels.shape}"
        )
    _, inverse = np.unique(labels, return_inverse=True)
    counts = np.bincount(inverse)
    take = _class_test_counts(counts, n_test)

    test, train = [], []
    for k, n_take in enumerate(take):
        members = rng.permutation(np.flatnonzero(inverse == k))
        test.append(members[:n_take])
        train.append(members[n_take:])
    return rng.permutation(np.concatenate(test)), rng.permutation(np.concatenate(train))


def _class_test_counts(counts, n_test):
    """Per-class test counts: proportional quotas, rounded by largest remainder.

    Each class with two or more samples gets from 1 to ``count - 1``; a class
    of one sample gets 0. Within those bounds the counts sum to ``n_test``.
    """
    quota = counts * (n_test / counts.sum())
    lowest = np.where(counts >= 2, 1, 0)
    highest = np.where(counts >= 2, counts - 1, 0)
    take = np.clip(np.floor(quota).astype(np.int64), lowest, highest)

    # hand out or take back single samples, largest rounding error first
    while take.sum() != n_test:
        error = quota - take
        if take.sum() < n_test:
            room = take < highest
            if not room.any():
                break
            take[np.argmax(np.where(room, error, -np.inf))] += 1
        else:
            room = take > lowest
            if not room.any():
                break
            take[np.argmin(np.where(room, error, np.inf))] -= 1
    return take
