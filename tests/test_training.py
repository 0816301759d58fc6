"""The fit loop: learning, batching, validation, early stopping, schedules,
determinism, divergence, interrupts, output and argument checks."""

import sys

import numpy as np
import pytest

import pymlp
from pymlp import training
from pymlp.datasets import load_digits, make_two_clusters, train_test_split
from pymlp.optimizers import SGD, Adam, LRSchedule, StepLR
from pymlp.training import (
    DivergenceError,
    EarlyStopping,
    History,
    accuracy,
    fit,
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X / 16.0, y


def _digits_net(seed=0, hidden=32):
    return pymlp.MLP([64, hidden, 10], activation="relu", output="softmax", seed=seed)


def _regression(n=200, seed=0):
    """Three inputs, two smooth targets."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 3))
    Y = np.column_stack([np.sin(2 * X[:, 0]) + X[:, 1], X[:, 1] * X[:, 2]])
    return X, Y


def _snapshots():
    """A callback that keeps a copy of the parameters after every epoch."""
    copies = []

    def record(net):
        def callback(epoch, logs):
            copies.append(net.params.copy())

        return callback

    return copies, record


# learning


def test_digits_reach_95_percent_on_held_out_rows(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=0, stratify=y)
    net = _digits_net(seed=1)
    history = net.fit(
        X_train,
        y_train,
        loss="cross_entropy",
        optimizer=Adam(3e-3),
        epochs=30,
        batch_size=32,
        seed=1,
    )
    assert accuracy(net, X_test, y_test) >= 0.95
    assert history.epochs_run == 30
    assert history.loss[-1] < history.loss[0] / 5
    assert history.accuracy[-1] > 0.97


def test_multi_output_regression_learns_both_outputs():
    X, Y = _regression()
    net = pymlp.MLP([3, 16, 2], activation="tanh", seed=0)
    net.fit(X, Y, optimizer=Adam(1e-2), epochs=150, batch_size=16, seed=0)
    residual = ((net.predict(X) - Y) ** 2).mean(axis=0)
    baseline = Y.var(axis=0)
    # each output explains at least 95% of its variance
    assert np.all(residual < 0.05 * baseline)


def test_shuffling_beats_class_sorted_order_with_online_sgd():
    X, y = make_two_clusters(400, seed=0)
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    final = {}
    for shuffle in (True, False):
        net = pymlp.MLP([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
        net.fit(X, y, optimizer=SGD(0.1), epochs=5, batch_size=1, shuffle=shuffle)
        final[shuffle] = net.loss_and_gradients(X, y, "mse")[0]
    # observed: about half the loss (0.0014 against 0.0031 for seed 0)
    assert final[True] < 0.7 * final[False]


def test_binary_cross_entropy_records_thresholded_accuracy():
    X, y = make_two_clusters(200, seed=1)
    net = pymlp.MLP([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    history = net.fit(
        X,
        y,
        loss="binary_cross_entropy",
        optimizer=Adam(1e-2),
        epochs=20,
        validation_split=0.25,
        seed=0,
    )
    assert history.val_accuracy[-1] == 1.0
    assert accuracy(net, X, y) == 1.0
    assert len(history.accuracy) == 20


def test_mse_records_no_accuracy():
    X, Y = _regression(40)
    history = pymlp.MLP([3, 4, 2], seed=0).fit(X, Y, epochs=2, validation_split=0.2)
    assert history.accuracy == [] and history.val_accuracy == []
    assert len(history.val_loss) == 2


# batching


def _sgd_by_hand(net, X, Y, loss, lr, slices):
    for rows in slices:
        _, _ = net.loss_and_gradients(X[rows], Y[rows], loss)
        net.params -= lr * net.grads


def test_in_order_batches_keep_the_last_partial_batch():
    X, Y = _regression(7)
    net = pymlp.MLP([3, 5, 2], activation="tanh", seed=0)
    expected = net.copy()
    fit(net, X, Y, optimizer=SGD(0.1), epochs=1, batch_size=3, shuffle=False)
    _sgd_by_hand(expected, X, Y, "mse", 0.1, [slice(0, 3), slice(3, 6), slice(6, 7)])
    np.testing.assert_allclose(net.params, expected.params, rtol=1e-12, atol=1e-15)


def test_online_fit_on_one_sample_is_one_sgd_step():
    X, Y = _regression(1)
    net = pymlp.MLP([3, 5, 2], activation="tanh", seed=0)
    expected = net.copy()
    history = net.fit(X, Y, optimizer=SGD(0.05), epochs=1, batch_size=1)
    _sgd_by_hand(expected, X, Y, "mse", 0.05, [slice(0, 1)])
    np.testing.assert_allclose(net.params, expected.params, rtol=1e-12, atol=1e-15)
    assert history.epochs_run == 1 and len(history.loss) == 1


def test_batch_larger_than_data_is_one_full_batch_step():
    X, Y = _regression(10)
    net = pymlp.MLP([3, 5, 2], activation="tanh", seed=0)
    expected = net.copy()
    net.fit(X, Y, optimizer=SGD(0.05), epochs=2, batch_size=1000, seed=3)
    _sgd_by_hand(expected, X, Y, "mse", 0.05, [slice(None), slice(None)])
    np.testing.assert_allclose(net.params, expected.params, rtol=1e-10, atol=1e-14)


def test_float32_network_trains_in_float32(digits):
    X, y = digits
    net = pymlp.MLP([64, 16, 10], output="softmax", seed=0, dtype="float32")
    history = net.fit(X[:300], y[:300], loss="cross_entropy", epochs=3, seed=0)
    assert net.params.dtype == np.float32
    assert history.loss[-1] < history.loss[0]


# validation


def _spy_split(monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        parts = train_test_split(*args, **kwargs)
        calls.append(parts)
        return parts

    monkeypatch.setattr(training, "train_test_split", spy)
    return calls


def test_validation_split_is_stratified_and_deterministic(digits, monkeypatch):
    X, y = digits
    calls = _spy_split(monkeypatch)
    for _ in range(2):
        _digits_net().fit(
            X, y, loss="cross_entropy", epochs=1, validation_split=0.25, seed=7
        )
    (X_a, X_val_a, _, Y_val_a), (X_b, X_val_b, _, Y_val_b) = calls
    assert X_val_a.shape[0] == int(np.ceil(0.25 * len(y)))
    np.testing.assert_array_equal(X_val_a, X_val_b)
    np.testing.assert_array_equal(X_a, X_b)

    held_out = np.bincount(Y_val_a.argmax(axis=1), minlength=10)
    expected = np.bincount(y, minlength=10) * 0.25
    assert np.all(np.abs(held_out - expected) <= 1.0)


def test_validation_split_differs_between_seeds(digits, monkeypatch):
    X, y = digits
    calls = _spy_split(monkeypatch)
    for seed in (1, 2):
        _digits_net().fit(
            X, y, loss="cross_entropy", epochs=1, validation_split=0.2, seed=seed
        )
    assert not np.array_equal(calls[0][1], calls[1][1])


def test_validation_data_matches_a_direct_evaluation(digits):
    X, y = digits
    net = _digits_net()
    history = net.fit(
        X[:1000],
        y[:1000],
        loss="cross_entropy",
        epochs=2,
        validation_data=(X[1000:], y[1000:]),
        seed=0,
    )
    value, _ = net.loss_and_gradients(X[1000:], y[1000:], "cross_entropy")
    assert history.val_loss[-1] == pytest.approx(value, rel=1e-12)
    assert history.val_accuracy[-1] == accuracy(net, X[1000:], y[1000:])


# early stopping


def _overfitting_run(digits, **stopping):
    """A big net on 60 rows: validation loss falls, then climbs."""
    X, y = digits
    net = _digits_net(hidden=64)
    copies, record = _snapshots()
    history = net.fit(
        X[:60],
        y[:60],
        loss="cross_entropy",
        optimizer=Adam(1e-2),
        epochs=200,
        batch_size=16,
        validation_data=(X[1000:1400], y[1000:1400]),
        seed=0,
        early_stopping=EarlyStopping(**stopping),
        callbacks=[record(net)],
    )
    return net, history, copies


def test_early_stopping_restores_the_best_weights(digits):
    net, history, copies = _overfitting_run(digits, patience=4)
    best = history.best_epoch
    assert history.stopped_early
    assert history.epochs_run == best + 4 + 1 < 200
    assert best == int(np.argmin(history.val_loss))
    np.testing.assert_array_equal(net.params, copies[best])
    assert not np.array_equal(net.params, copies[-1])


def test_early_stopping_without_restore_keeps_the_last_weights(digits):
    net, history, copies = _overfitting_run(digits, patience=3, restore_best=False)
    assert history.stopped_early
    np.testing.assert_array_equal(net.params, copies[-1])


def test_early_stopping_honours_min_delta(digits):
    # no later epoch can beat the first by 100: stop after patience epochs
    net, history, copies = _overfitting_run(digits, patience=2, min_delta=100.0)
    assert history.best_epoch == 0
    assert history.epochs_run == 3
    np.testing.assert_array_equal(net.params, copies[0])


def test_early_stopping_shorthands_and_monitor():
    X, Y = _regression(30)
    net = pymlp.MLP([3, 4, 2], seed=0)
    history = net.fit(X, Y, epochs=3, early_stopping=True)
    assert history.best_epoch is not None
    history = net.fit(X, Y, epochs=3, early_stopping=1, optimizer=SGD(1e-9))
    assert history.best_epoch == 0 or history.epochs_run == 3
    with pytest.raises(ValueError, match="no validation rows.*validation_split"):
        net.fit(X, Y, early_stopping=EarlyStopping(monitor="val_loss"))
    with pytest.raises(ValueError, match="only recorded for cross_entropy"):
        net.fit(
            X, Y, validation_split=0.2, early_stopping=EarlyStopping(monitor="accuracy")
        )


def test_callback_returning_true_stops_training():
    X, Y = _regression(30)
    seen = []

    def stop_at_two(epoch, logs):
        seen.append((epoch, sorted(logs)))
        return epoch == 2

    history = pymlp.MLP([3, 4, 2], seed=0).fit(X, Y, epochs=10, callbacks=[stop_at_two])
    assert history.epochs_run == 3 and history.stopped_early
    assert seen[0] == (0, ["epoch_time", "loss", "lr"])


# schedules


def test_schedule_values_are_recorded_and_base_lr_restored():
    X, Y = _regression(30)
    optimizer = Adam(1e-2)
    history = pymlp.MLP([3, 4, 2], seed=0).fit(
        X, Y, optimizer=optimizer, epochs=5, lr_schedule=StepLR(2, gamma=0.5)
    )
    assert history.lr == [1e-2, 1e-2, 5e-3, 5e-3, 2.5e-3]
    assert optimizer.lr == 1e-2


def test_schedule_sees_previous_validation_loss():
    class Recorder(LRSchedule):
        def __init__(self):
            self.calls = []

        def learning_rate(self, epoch, base_lr, metric=None):
            self.calls.append((epoch, base_lr, metric))
            return base_lr / (epoch + 1)

    X, Y = _regression(50)
    schedule = Recorder()
    history = pymlp.MLP([3, 4, 2], seed=0).fit(
        X, Y, optimizer=SGD(0.1), epochs=4, validation_split=0.2, lr_schedule=schedule
    )
    assert [c[0] for c in schedule.calls] == [0, 1, 2, 3]
    assert all(c[1] == 0.1 for c in schedule.calls)
    assert [c[2] for c in schedule.calls] == [None] + history.val_loss[:3]
    assert history.lr == [0.1, 0.05, 0.1 / 3, 0.025]


def test_without_schedule_the_learning_rate_is_left_alone():
    X, Y = _regression(30)
    optimizer = SGD(0.1)

    def halve(epoch, logs):
        optimizer.lr = optimizer.lr / 2

    history = pymlp.MLP([3, 4, 2], seed=0).fit(
        X, Y, optimizer=optimizer, epochs=3, callbacks=[halve]
    )
    assert history.lr == [0.1, 0.05, 0.025]


# determinism


def _seeded_run(digits, seed):
    X, y = digits
    net = _digits_net()
    history = net.fit(
        X[:500],
        y[:500],
        loss="cross_entropy",
        epochs=3,
        batch_size=20,
        validation_split=0.2,
        seed=seed,
    )
    return net.params, history.as_dict()


def test_same_seed_gives_bitwise_identical_weights_and_history(digits):
    params_a, history_a = _seeded_run(digits, 11)
    params_b, history_b = _seeded_run(digits, 11)
    assert params_a.tobytes() == params_b.tobytes()
    del history_a["epoch_time"], history_b["epoch_time"]
    assert history_a == history_b


def test_different_seeds_give_different_weights(digits):
    params_a, _ = _seeded_run(digits, 11)
    params_b, _ = _seeded_run(digits, 12)
    assert not np.array_equal(params_a, params_b)


# divergence and interrupts


def _recording_steps(optimizer):
    """Wrap optimizer.step to keep a copy of params before every step."""
    before = []
    step = optimizer.step

    def recording_step(params, grads):
        before.append(params.copy())
        step(params, grads)

    optimizer.step = recording_step
    return before


def test_divergence_raises_and_keeps_the_last_finite_weights():
    X, Y = _regression(64)
    net = pymlp.MLP([3, 8, 2], activation="tanh", seed=0)
    optimizer = SGD(lr=1e3)
    before = _recording_steps(optimizer)
    with pytest.raises(DivergenceError, match=r"epoch \d+/50.*smaller learning rate"):
        net.fit(X, Y, optimizer=optimizer, epochs=50, batch_size=8, seed=0)
    assert len(before) >= 2
    assert np.isfinite(net.params).all()
    np.testing.assert_array_equal(net.params, before[-1])


def test_divergence_error_is_a_floating_point_error():
    assert issubclass(DivergenceError, FloatingPointError)


def test_interrupt_inside_an_update_undoes_the_partial_step():
    X, Y = _regression(40)
    net = pymlp.MLP([3, 8, 2], activation="tanh", seed=0)
    optimizer = SGD(0.1)
    step = optimizer.step
    before = []

    def interrupted_step(params, grads):
        before.append(params.copy())
        if len(before) == 5:
            params[: params.size // 2] -= 1.0  # half an update, then Ctrl-C
            raise KeyboardInterrupt
        step(params, grads)

    optimizer.step = interrupted_step
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, Y, optimizer=optimizer, epochs=3, batch_size=8, seed=0)
    np.testing.assert_array_equal(net.params, before[-1])


def test_interrupt_from_a_callback_keeps_the_finished_epoch():
    X, Y = _regression(40)
    net = pymlp.MLP([3, 8, 2], activation="tanh", seed=0)
    copies = []

    def interrupt(epoch, logs):
        copies.append(net.params.copy())
        if epoch == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        net.fit(X, Y, epochs=5, callbacks=[interrupt], seed=0)
    np.testing.assert_array_equal(net.params, copies[-1])


# output


def test_verbose_0_prints_nothing(capsys):
    X, Y = _regression(30)
    pymlp.MLP([3, 4, 2], seed=0).fit(X, Y, epochs=2, validation_split=0.2)
    assert capsys.readouterr() == ("", "")


def test_verbose_1_prints_one_line_per_epoch(capsys):
    X, Y = _regression(30)
    pymlp.MLP([3, 4, 2], seed=0).fit(X, Y, epochs=3, validation_split=0.2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3") and "val_loss" in lines[0]


def test_verbose_2_prints_epoch_lines_without_a_bar(capsys):
    X, y = make_two_clusters(40, seed=0)
    net = pymlp.MLP([2, 3, 1], output="sigmoid", seed=0)
    net.fit(X, y, loss="binary_cross_entropy", epochs=2, verbose=2)
    out, err = capsys.readouterr()
    assert out.splitlines()[1].startswith("epoch 2/2") and "accuracy" in out
    assert err == ""


def test_history_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    X, y = make_two_clusters(40, seed=0)
    net = pymlp.MLP([2, 3, 1], output="sigmoid", seed=0)
    history = net.fit(
        X,
        y,
        loss="binary_cross_entropy",
        epochs=3,
        validation_split=0.25,
        early_stopping=2,
    )
    path = tmp_path / "curves.png"
    history.plot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_plot_without_matplotlib_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    history = History()
    with pytest.raises(ImportError, match=r'pip install "pymlp\[plot\]"'):
        history.plot(tmp_path / "curves.png")


def test_history_as_dict_is_plain_data():
    X, y = make_two_clusters(40, seed=0)
    net = pymlp.MLP([2, 3, 1], output="sigmoid", seed=0)
    data = net.fit(X, y, loss="bce", epochs=2).as_dict()
    assert data["epochs_run"] == 2 and data["stopped_early"] is False
    assert all(type(v) is float for v in data["loss"] + data["accuracy"])


# argument checks


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 0}, ValueError, "epochs must be >= 1, got 0"),
        ({"epochs": 2.5}, TypeError, "epochs must be an integer"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"batch_size": True}, TypeError, "batch_size must be an integer"),
        (
            {"validation_split": 1.0},
            ValueError,
            r"validation_split must be in \[0, 1\)",
        ),
        ({"validation_split": "0.1"}, TypeError, "validation_split must be a float"),
        ({"validation_split": 0.999}, ValueError, "leaves no training rows"),
        (
            {"validation_split": 0.1, "validation_data": ([[0.0] * 3], [[0.0] * 2])},
            ValueError,
            "either validation_data or validation_split",
        ),
        ({"validation_data": [1, 2, 3]}, TypeError, "validation_data must be a pair"),
        ({"shuffle": "yes"}, TypeError, "shuffle must be True or False"),
        ({"verbose": 3}, ValueError, "verbose must be 0"),
        ({"callbacks": [1]}, TypeError, r"callbacks\[0\] must be callable"),
        ({"callbacks": print}, TypeError, "wrap a single one in a list"),
        ({"early_stopping": "yes"}, TypeError, "early_stopping must be"),
        ({"early_stopping": -1}, ValueError, "patience must be >= 0"),
        ({"seed": -1}, TypeError, "seed must be"),
        ({"loss": "hinge"}, ValueError, "unknown loss 'hinge'"),
        ({"optimizer": "rmsprop"}, ValueError, "could not interpret optimizer"),
        ({"lr_schedule": "weekly"}, ValueError, "lr_schedule: could not interpret"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    X, Y = _regression(20)
    with pytest.raises(error, match=match):
        pymlp.MLP([3, 4, 2], seed=0).fit(X, Y, **kwargs)


def test_bad_data_is_refused():
    X, Y = _regression(20)
    net = pymlp.MLP([3, 4, 2], seed=0)
    with pytest.raises(ValueError, match="Y has 19 rows but X has 20"):
        net.fit(X, Y[:19])
    with pytest.raises(ValueError, match="X has 2 features"):
        net.fit(X[:, :2], Y)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        net.fit(X_nan, Y)


def test_an_optimizer_bound_to_another_network_is_refused():
    X, Y = _regression(20)
    optimizer = Adam()
    pymlp.MLP([3, 4, 2], seed=0).fit(X, Y, optimizer=optimizer, epochs=1)
    with pytest.raises(ValueError, match=r"optimizer.reset\(\)"):
        pymlp.MLP([3, 7, 2], seed=0).fit(X, Y, optimizer=optimizer, epochs=1)


def test_early_stopping_arguments_are_checked():
    with pytest.raises(ValueError, match="patience must be >= 0"):
        EarlyStopping(patience=-2)
    with pytest.raises(TypeError, match="patience must be an integer"):
        EarlyStopping(patience=1.5)
    with pytest.raises(ValueError, match="min_delta must be a finite number"):
        EarlyStopping(min_delta=-1.0)
    with pytest.raises(ValueError, match="monitor must be one of"):
        EarlyStopping(monitor="val_acc")


def test_accuracy_of_labels_one_hot_and_binary_outputs():
    net = pymlp.MLP([2, 3], output="softmax", seed=0)
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, -1.0]])
    predicted = net.predict(X).argmax(axis=1)
    assert accuracy(net, X, predicted) == 1.0
    assert accuracy(net, X, np.eye(3)[(predicted + 1) % 3]) == 0.0
    binary = pymlp.MLP([2, 1], output="sigmoid", seed=0)
    truth = binary.predict(X)[:, 0] > 0.5
    assert accuracy(binary, X, truth.astype(float)) == 1.0
    with pytest.raises(TypeError, match="multilabel must be True or False"):
        accuracy(net, X, predicted, multilabel="no")
