"""Tests for pymlp.datasets: the bundled digits, the toy clusters, the split."""

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymlp import datasets
from pymlp.datasets import load_digits, make_two_clusters, train_test_split

# --- digits ---------------------------------------------------------------


def test_digits_shapes_and_dtypes():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64


def test_digits_values_are_integers_from_0_to_16():
    X, y = load_digits()
    assert X.min() == 0.0 and X.max() == 16.0
    np.testing.assert_array_equal(X, np.round(X))
    assert set(np.unique(y)) == set(range(10))


def test_digits_has_about_180_samples_per_class():
    _, y = load_digits()
    counts = np.bincount(y, minlength=10)
    np.testing.assert_array_equal(
        counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    )


def test_digits_images_are_a_view_of_the_rows():
    X, y, images = load_digits(return_images=True)
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images[5, 2], X[5, 16:24])
    assert np.shares_memory(images, X)


def test_digits_calls_return_independent_arrays():
    X1, y1 = load_digits()
    X1[0, 0] = -1.0
    y1[0] = -1
    X2, y2 = load_digits()
    assert X2[0, 0] == 0.0 and y2[0] == 0


def test_digits_first_sample_is_a_zero():
    X, y, images = load_digits(return_images=True)
    assert y[0] == 0
    # a zero: ink on its left and right strokes, a hole in the middle
    strokes = np.concatenate([images[0, 2:6, 2], images[0, 2:6, 5]])
    assert images[0, 3:5, 3:5].mean() < 2 and strokes.mean() > 8


def _bundled_bytes():
    return (datasets.resources.files("pymlp") / "data" / "digits.csv.gz").read_bytes()


def test_digits_file_is_small_gzip():
    packed = _bundled_bytes()
    assert len(packed) <= 100_000
    assert packed[:2] == b"\x1f\x8b"


def test_damaged_gzip_is_refused():
    packed = bytearray(_bundled_bytes())
    with pytest.raises(ValueError, match="expected gzip data"):
        datasets._parse_digits(bytes(packed[: len(packed) // 2]))


def test_altered_values_fail_the_checksum():
    text = gzip.decompress(_bundled_bytes())
    altered = text.replace(b"0,0,5,13", b"0,0,5,14", 1)
    assert altered != text
    with pytest.raises(ValueError, match="expected SHA-256"):
        datasets._parse_digits(gzip.compress(altered))


def test_bundled_file_parses_to_the_expected_table():
    table = datasets._parse_digits(_bundled_bytes())
    assert table.shape == (1797, 65) and table.dtype == np.int64


# --- two clusters ---------------------------------------------------------


def test_two_clusters_is_deterministic_for_a_seed():
    X1, y1 = make_two_clusters(200, seed=7)
    X2, y2 = make_two_clusters(200, seed=7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make_two_clusters(200, seed=8)
    assert not np.array_equal(X1, X3)


def test_two_clusters_points_lie_in_their_square():
    X, y = make_two_clusters(1001, seed=0)
    assert X.shape == (1001, 2) and X.dtype == np.float64
    assert y.shape == (1001,) and y.dtype == np.float64
    assert (y == 0).sum() == 500 and (y == 1).sum() == 501
    low, high = X[y == 0], X[y == 1]
    assert low.min() >= 0.0 and low.max() < 0.3
    assert high.min() >= 0.7 and high.max() < 1.0


def test_two_clusters_are_shuffled():
    _, y = make_two_clusters(100, seed=0)
    assert 0 < y[:50].sum() < 50


def test_two_clusters_custom_squares():
    X, y = make_two_clusters(50, seed=1, low=(-2.0, -1.0), high=(3.0, 4.0))
    assert X[y == 0].max() < -1.0 and X[y == 1].min() >= 3.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 1}, ValueError, "at least 2, got 1"),
        ({"n_samples": 10.0}, TypeError, "must be an int, got float"),
        ({"low": (0.5, 0.1)}, ValueError, "low must be a pair"),
        ({"high": (0.0, 1.0, 2.0)}, ValueError, "high must be a pair"),
    ],
)
def test_two_clusters_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_two_clusters(**kwargs)


# --- train_test_split -----------------------------------------------------


def test_split_sizes_for_a_fraction_and_a_count():
    X = np.arange(20.0).reshape(10, 2)
    Y = np.arange(10)
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, 0.25, seed=0)
    assert X_train.shape == (7, 2) and X_test.shape == (3, 2)
    assert Y_train.shape == (7,) and Y_test.shape == (3,)
    X_train, X_test, _, _ = train_test_split(X, Y, 4, seed=0)
    assert len(X_train) == 6 and len(X_test) == 4


def test_split_keeps_rows_of_x_and_y_together():
    X = np.arange(30.0).reshape(15, 2)
    Y = X[:, 0] * 10
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, seed=3)
    np.testing.assert_array_equal(Y_train, X_train[:, 0] * 10)
    np.testing.assert_array_equal(Y_test, X_test[:, 0] * 10)


def test_split_is_deterministic_for_a_seed():
    X = np.arange(50)
    first = train_test_split(X, X, seed=11)
    second = train_test_split(X, X, seed=11)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(
    n_samples=st.integers(2, 60),
    fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_has_no_overlap_and_covers_everything(n_samples, fraction, seed):
    X = np.arange(n_samples)
    if np.ceil(fraction * n_samples) >= n_samples:
        with pytest.raises(ValueError, match="leaves no training samples"):
            train_test_split(X, X, fraction, seed=seed)
        return
    X_train, X_test, _, _ = train_test_split(X, X, fraction, seed=seed)
    assert len(X_test) == int(np.ceil(fraction * n_samples))
    assert len(np.intersect1d(X_train, X_test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([X_train, X_test])), X)


@settings(max_examples=100, deadline=None)
@given(
    labels=st.lists(st.integers(0, 5), min_size=2, max_size=80),
    fraction=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**32 - 1),
)
def test_stratified_split_keeps_class_proportions(labels, fraction, seed):
    y = np.array(labels)
    n_samples = len(y)
    n_test = int(np.ceil(fraction * n_samples))
    if n_test >= n_samples:
        return
    index = np.arange(n_samples)
    i_train, i_test, y_train, y_test = train_test_split(
        index, y, fraction, seed=seed, stratify=y
    )

    # every sample lands in exactly one part, with its own label
    np.testing.assert_array_equal(np.sort(np.concatenate([i_train, i_test])), index)
    np.testing.assert_array_equal(y[i_test], y_test)

    classes, counts = np.unique(y, return_counts=True)
    took = np.array([(y_test == c).sum() for c in classes])
    for count, n_took in zip(counts, took, strict=True):
        if count >= 2:
            assert 1 <= n_took <= count - 1
        else:
            assert n_took == 0

    # when no class needs the one-sample-per-part rule, each class is within
    # one sample of its exact share
    share = counts * n_test / n_samples
    if np.all((share >= 1) & (share <= counts - 1)):
        assert np.all(np.abs(took - share) < 1)

    lowest = (counts >= 2).sum()
    highest = np.where(counts >= 2, counts - 1, 0).sum()
    assert len(y_test) == min(max(n_test, lowest), highest)


def test_stratified_split_on_digits_is_proportional():
    X, y = load_digits()
    _, _, y_train, y_test = train_test_split(X, y, 0.2, seed=0, stratify=y)
    assert len(y_test) == 360
    test_counts = np.bincount(y_test, minlength=10)
    expected = np.bincount(y, minlength=10) * 0.2
    assert np.all(np.abs(test_counts - expected) < 1)


def test_stratify_accepts_string_labels():
    y = np.array(["a"] * 6 + ["b"] * 4)
    _, _, _, y_test = train_test_split(np.arange(10), y, 0.5, seed=0, stratify=y)
    assert sorted(y_test) == ["a"] * 3 + ["b"] * 2


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((np.zeros((5, 2)), np.zeros(4)), {}, ValueError, "5 rows in Y, got 4"),
        ((np.zeros(1), np.zeros(1)), {}, ValueError, "2 samples to split, got 1"),
        ((np.float64(1.0), np.zeros(1)), {}, ValueError, "samples axis"),
        ((np.zeros(5), np.zeros(5)), {"test_size": 0.0}, ValueError, r"in \(0, 1\)"),
        ((np.zeros(5), np.zeros(5)), {"test_size": 1.5}, ValueError, r"in \(0, 1\)"),
        ((np.zeros(5), np.zeros(5)), {"test_size": 5}, ValueError, "from 1 to 4"),
        ((np.zeros(5), np.zeros(5)), {"test_size": 0}, ValueError, "from 1 to 4"),
        ((np.zeros(5), np.zeros(5)), {"test_size": 0.9}, ValueError, "no training"),
        ((np.zeros(5), np.zeros(5)), {"test_size": "0.2"}, TypeError, "got str"),
        ((np.zeros(5), np.zeros(5)), {"test_size": True}, TypeError, "got bool"),
        (
            (np.zeros(5), np.zeros(5)),
            {"stratify": np.zeros(4)},
            ValueError,
            r"expected shape \(5,\), got \(4,\)",
        ),
    ],
)
def test_split_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_test_split(*args, **kwargs)
