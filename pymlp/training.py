"""The fit loop: mini-batches, shuffling, validation, early stopping, history.

:func:`fit` checks its inputs once, holds out validation rows once, and then
runs epochs of mini-batches through :meth:`Network.train_step`. Outside that
call a step does only a handful of numpy calls on preallocated buffers:

- gather the batch rows with ``np.take(..., out=buffer)`` (or slice them when
  ``shuffle=False``);
- copy the parameters into a backup buffer, so that a non-finite loss or a
  ``KeyboardInterrupt`` in the middle of an update can put back the weights of
  the last complete, finite step;
- note the batch predictions for the running training accuracy.

Validation loss and accuracy take one chunked forward pass per epoch.
"""

import math
import numbers
import time

import numpy as np

from .datasets import train_test_split
from .losses import get_loss
from .optimizers import get_optimizer, get_schedule

__all__ = ["fit", "History", "EarlyStopping", "DivergenceError", "accuracy"]

# rows per forward pass when evaluating the validation set
_EVAL_CHUNK = 4096
_MONITORS = ("auto", "loss", "val_loss", "accuracy", "val_accuracy")


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss.

    Attributes
    ----------
    epoch, batch : int
        0-based indices of the epoch and batch whose loss was not finite.
    """

    def __init__(self, message, epoch=None, batch=None):
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch


class History:
    """What happened during :func:`fit`, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Mean training loss over the batches of each epoch (measured before
        each batch's update, as the weights move during the epoch).
    val_loss : list of float
        Validation loss at the end of each epoch; empty without validation.
    accuracy, val_accuracy : list of float
        Training accuracy (running, like ``loss``) and validation accuracy, for
        ``cross_entropy`` (arg-max class) and ``binary_cross_entropy``
        (each output thresholded at 0.5); empty for other losses.
    lr : list of float
        Learning rate used in each epoch.
    epoch_time : list of float
        Wall time of each epoch in seconds, validation included.
    epochs_run : int
        Number of epochs completed.
    best_epoch : int or None
        With early stopping, the 0-based epoch whose monitored value was best;
        None without early stopping.
    stopped_early : bool
        True when training ended before ``epochs`` epochs, through early
        stopping or a callback.
    """

    _SERIES = ("loss", "val_loss", "accuracy", "val_accuracy", "lr", "epoch_time")

    def __init__(self):
        for name in self._SERIES:
            setattr(self, name, [])
        self.epochs_run = 0
        self.best_epoch = None
        self.stopped_early = False

    def __repr__(self):
        last = f", loss={self.loss[-1]:.4g}" if self.loss else ""
        if self.val_loss:
            last += f", val_loss={self.val_loss[-1]:.4g}"
        return f"History(epochs_run={self.epochs_run}{last})"

    def as_dict(self):
        """Everything as a JSON-able dict of lists and scalars (copies)."""
        data = {name: list(getattr(self, name)) for name in self._SERIES}
        data["epochs_run"] = self.epochs_run
        data["best_epoch"] = self.best_epoch
        data["stopped_early"] = self.stopped_early
        return data

    def plot(self, path):
        """Write the loss (and accuracy) curves to a PNG file.

        Parameters
        ----------
        path : str or os.PathLike
            Where to write the image.

        Raises
        ------
        ImportError
            If matplotlib is not installed.
        """
        try:
            import matplotlib.figure
        except ImportError as exc:
            raise ImportError(
                "History.plot needs matplotlib; install it with "
                'pip install "pymlp[plot]"'
            ) from exc

        panels = [("loss", self.loss, self.val_loss)]
        if self.accuracy:
            panels.append(("accuracy", self.accuracy, self.val_accuracy))
        fig = matplotlib.figure.Figure(
            figsize=(5 * len(panels), 3.6), layout="constrained"
        )
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        epochs = np.arange(1, self.epochs_run + 1)
        for ax, (name, train, val) in zip(axes, panels):
            ax.plot(epochs, train, label=name)
            if val:
                ax.plot(epochs, val, label=f"val_{name}")
            if self.best_epoch is not None:
                ax.axvline(self.best_epoch + 1, color="grey", ls=":", label="best")
            ax.set_xlabel("epoch")
            ax.set_ylabel(name)
            ax.legend()
        fig.savefig(path, format="png")


class EarlyStopping:
    """Stop training when a monitored value stops improving.

    An epoch improves on the best value so far when its loss is lower than
    ``best - min_delta`` (or its accuracy higher than ``best + min_delta``).
    Training stops after ``patience`` epochs in a row without improvement.

    Parameters
    ----------
    patience : int, default 10
        Epochs without improvement to wait before stopping, >= 0.
    min_delta : float, default 0.0
        Smallest change that counts as an improvement, >= 0.
    monitor : {"auto", "loss", "val_loss", "accuracy", "val_accuracy"}
        ``"auto"`` watches ``val_loss`` when there is validation data and
        ``loss`` otherwise.
    restore_best : bool, default True
        When training ends, write the parameters of the best epoch back into
        the network (in place).

    Examples
    --------
    >>> stop = EarlyStopping(patience=5, min_delta=1e-4)
    """

    def __init__(self, patience=10, min_delta=0.0, monitor="auto", restore_best=True):
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral):
            raise TypeError(
                f"patience must be an integer >= 0, got {patience!r}; pass a "
                "whole number of epochs such as 10"
            )
        if patience < 0:
            raise ValueError(f"patience must be >= 0, got {patience}")
        if (
            isinstance(min_delta, bool)
            or not isinstance(min_delta, numbers.Real)
            or not math.isfinite(min_delta)
            or min_delta < 0
        ):
            raise ValueError(
                f"min_delta must be a finite number >= 0, got {min_delta!r}"
            )
        if monitor not in _MONITORS:
            raise ValueError(
                f"monitor must be one of {', '.join(_MONITORS)}, got {monitor!r}"
            )
        if not isinstance(restore_best, bool | np.bool_):
            raise TypeError(f"restore_best must be True or False, got {restore_best!r}")
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.monitor = monitor
        self.restore_best = bool(restore_best)

    def __repr__(self):
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
            f"monitor={self.monitor!r}, restore_best={self.restore_best})"
        )


class _BestTracker:
    """The state of one EarlyStopping during one fit."""

    def __init__(self, stopping, monitor, params):
        self.stopping = stopping
        self.monitor = monitor
        self.sign = -1.0 if monitor.endswith("accuracy") else 1.0
        self.best = math.inf
        self.best_epoch = None
        self.wait = 0
        self.best_params = np.empty_like(params) if stopping.restore_best else None

    def update(self, epoch, value, params):
        """Record an epoch; return True when patience has run out."""
        value = self.sign * value
        if value < self.best - self.stopping.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.best_params is not None:
                np.copyto(self.best_params, params)
            return False
        self.wait += 1
        return self.wait >= self.stopping.patience

    def restore(self, params):
        if self.best_params is not None and self.best_epoch is not None:
            params[...] = self.best_params


def fit(
    net,
    X,
    Y,
    loss="mse",
    optimizer="adam",
    epochs=10,
    batch_size=32,
    shuffle=True,
    seed=None,
    validation_data=None,
    validation_split=0.0,
    early_stopping=None,
    lr_schedule=None,
    callbacks=(),
    verbose=0,
):
    """Train a network with mini-batch gradient descent.

    Parameters
    ----------
    net : Network
        Trained in place.
    X : array_like, shape (n_samples, input_size)
    Y : array_like, shape (n_samples, n_outputs) or (n_samples,)
        Targets; for ``cross_entropy`` also 1-D integer class labels.
    loss : {"mse", "binary_cross_entropy", "cross_entropy"} or Loss
    optimizer : Optimizer or {"adam", "sgd"}
        A name builds a fresh optimizer with default settings; pass an
        instance to set its learning rate or keep its state between calls.
    epochs : int
        Passes over the training rows, >= 1.
    batch_size : int
        Rows per step, >= 1; the last batch of an epoch may be smaller, and a
        batch size above ``n_samples`` gives one batch per epoch.
    shuffle : bool
        Visit the rows in a new random order every epoch; otherwise in order.
    seed : int, numpy.random.Generator or None
        Seeds the shuffling and the validation split. The same seed (and the
        same initial network) gives bitwise-identical weights and history.
    validation_data : pair (X_val, Y_val), optional
        Rows to evaluate at the end of every epoch.
    validation_split : float in [0, 1)
        Fraction of the rows to hold out for validation instead, chosen once
        before training; stratified by class for ``cross_entropy`` and for
        ``binary_cross_entropy`` with one output.
    early_stopping : EarlyStopping, bool, int or None
        ``True`` means ``EarlyStopping()``, an int its patience.
    lr_schedule : LRSchedule, str or None
        At the start of epoch ``e`` (0-based) the optimizer's learning rate
        becomes ``lr_schedule.learning_rate(e, base_lr, metric)``, with
        ``base_lr`` the rate at the start of the call and ``metric`` the
        previous epoch's ``val_loss`` (``loss`` without validation). The
        optimizer gets ``base_lr`` back when fit returns. Without a schedule
        the learning rate is left alone.
    callbacks : sequence of callables
        Each is called as ``callback(epoch, logs)`` at the end of every epoch,
        ``epoch`` 0-based and ``logs`` a dict with this epoch's ``loss``,
        ``lr``, ``epoch_time`` and, where recorded, ``val_loss``,
        ``accuracy`` and ``val_accuracy``. A callback that returns True stops
        training after this epoch.
    verbose : {0, 1, 2}
        0 prints nothing; 1 shows a progress bar over each epoch's batches
        and one summary line per epoch; 2 only the summary lines.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        When a batch loss is NaN or infinite. The network then holds the
        weights of the last step whose loss was finite; the optimizer's
        moment estimates have seen the non-finite gradient, so call
        ``optimizer.reset()`` before training on with it.
    KeyboardInterrupt
        Re-raised after making sure the interrupted step was either fully
        applied or not at all (the optimizer's state may hold part of it).

    Examples
    --------
    >>> import pymlp
    >>> from pymlp.datasets import load_digits
    >>> X, y = load_digits()
    >>> net = pymlp.MLP([64, 32, 10], output="softmax", seed=0)
    >>> history = fit(net, X / 16, y, loss="cross_entropy", epochs=3,
    ...               validation_split=0.2, seed=0)
    >>> history.epochs_run, len(history.val_accuracy)
    (3, 3)
    """
    loss = get_loss(loss)
    optimizer = get_optimizer(optimizer)
    schedule = _resolve_schedule(lr_schedule)
    epochs = _check_count("epochs", epochs, "such as 10")
    batch_size = _check_count("batch_size", batch_size, "such as 32")
    if not isinstance(shuffle, bool | np.bool_):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    stopping = _resolve_early_stopping(early_stopping)
    callbacks = _check_callbacks(callbacks)
    verbose = _check_verbose(verbose)
    rng = _make_rng(seed)

    # data, checked and converted once
    X = net._check_X(X)
    Y = loss.prepare_targets(Y, X.shape[0], net.n_outputs, net.dtype)
    kind = _task_kind(loss)
    X, Y, validation = _validation_rows(
        net, loss, kind, X, Y, validation_data, validation_split, rng
    )
    optimizer._check_buffers(net.params, net.grads)

    tracker = None
    if stopping is not None:
        monitor = _resolve_monitor(stopping.monitor, validation is not None, kind)
        tracker = _BestTracker(stopping, monitor, net.params)
    if schedule is not None:
        schedule.reset()
    runner = _EpochRunner(net, X, Y, loss, optimizer, batch_size, shuffle, rng, kind)
    history = History()
    base_lr = optimizer.lr
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            _run_epochs(
                runner,
                history,
                epochs,
                validation,
                schedule,
                base_lr,
                tracker,
                callbacks,
                verbose,
            )
    finally:
        if schedule is not None:
            optimizer.lr = base_lr
    return history


def _run_epochs(
    runner, history, epochs, validation, schedule, base_lr, tracker, callbacks, verbose
):
    """The epoch loop of :func:`fit`, filling ``history``."""
    net, optimizer, loss, kind = runner.net, runner.optimizer, runner.loss, runner.kind
    metric = None
    for epoch in range(epochs):
        if schedule is not None:
            optimizer.lr = schedule.learning_rate(epoch, base_lr, metric)
        start = time.perf_counter()
        train_loss, train_acc = runner.run(epoch, epochs, verbose == 1)
        logs = {"loss": train_loss}
        if train_acc is not None:
            logs["accuracy"] = train_acc
        if validation is not None:
            logs["val_loss"], val_acc = _evaluate(net, *validation, loss, kind)
            if val_acc is not None:
                logs["val_accuracy"] = val_acc
        logs["lr"] = optimizer.lr
        logs["epoch_time"] = time.perf_counter() - start
        for name, value in logs.items():
            getattr(history, name).append(value)
        history.epochs_run = epoch + 1
        metric = logs.get("val_loss", train_loss)

        # stopping rules: patience, then every callback
        stop = False
        if tracker is not None:
            stop = tracker.update(epoch, logs[tracker.monitor], net.params)
            history.best_epoch = tracker.best_epoch
        for callback in callbacks:
            if callback(epoch, dict(logs)):
                stop = True
        if verbose:
            _write(_summary(epoch, epochs, logs))
        if stop:
            history.stopped_early = epoch + 1 < epochs
            break

    if tracker is not None:
        tracker.restore(net.params)
        if verbose and history.stopped_early and tracker.best_params is not None:
            _write(f"restored the weights of epoch {tracker.best_epoch + 1}")


class _EpochRunner:
    """The mini-batches of one epoch, over buffers allocated once."""

    def __init__(self, net, X, Y, loss, optimizer, batch_size, shuffle, rng, kind):
        n_samples = X.shape[0]
        self.net, self.X, self.Y = net, X, Y
        self.loss, self.optimizer, self.rng = loss, optimizer, rng
        self.kind = kind
        self.size = min(batch_size, n_samples)
        self.n_batches = -(-n_samples // self.size)
        self.backup = np.empty_like(net.params)

        # batch buffers: a full batch and the last, partial one
        self.order = np.arange(n_samples) if shuffle else None
        if shuffle:
            last = n_samples - (self.n_batches - 1) * self.size
            self.full = _batch_buffers(X, Y, self.size)
            self.last = self.full if last == self.size else _batch_buffers(X, Y, last)

        # running accuracy: predictions kept per row, compared once per epoch
        self.labels = self.pred = None
        if kind is not None:
            self.labels = _labels(Y, kind)
            dtype = np.intp if kind == "classes" else bool
            self.pred = np.empty(self.labels.shape, dtype)
            self.seen = np.empty_like(self.labels) if shuffle else None
            self.hits = np.empty(self.labels.shape, bool)

    def run(self, epoch, epochs, progress):
        """Train one epoch; return (mean loss, accuracy or None)."""
        bar = _progress_bar(epoch, epochs, self.n_batches) if progress else None
        if self.order is not None:
            self.rng.shuffle(self.order)
        try:
            total = self._batches(epoch, epochs, bar)
        finally:
            if bar is not None:
                bar.close()
        return total / self.X.shape[0], self._accuracy()

    def _batches(self, epoch, epochs, bar):
        net, params, backup = self.net, self.net.params, self.backup
        X, Y, order, size, pred = self.X, self.Y, self.order, self.size, self.pred
        out = net.layers[-1]
        postfix_every = max(1, self.n_batches // 20)
        total = 0.0
        stepping = False
        try:
            for batch in range(self.n_batches):
                start = batch * size
                stop = start + size

                # the batch rows
                if order is None:
                    Xb, Yb = X[start:stop], Y[start:stop]
                else:
                    idx = order[start:stop]
                    Xb, Yb = self.full if idx.shape[0] == size else self.last
                    np.take(X, idx, axis=0, out=Xb, mode="clip")
                    np.take(Y, idx, axis=0, out=Yb, mode="clip")

                # one step, undoable until it has fully returned
                np.copyto(backup, params)
                stepping = True
                value = net.train_step(Xb, Yb, self.loss, self.optimizer)
                stepping = False
                if not math.isfinite(value):
                    params[...] = backup
                    raise self._divergence(epoch, epochs, batch, value)
                total += value * Xb.shape[0]

                if pred is not None:
                    _predict_into(out._A, self.kind, pred[start:stop])
                if bar is not None:
                    bar.update()
                    if batch % postfix_every == 0:
                        bar.set_postfix_str(f"loss {value:.4g}", refresh=False)
        except BaseException:
            # Ctrl-C (or any error) inside the update: undo the partial step
            if stepping:
                params[...] = backup
            raise
        return total

    def _accuracy(self):
        if self.pred is None:
            return None
        labels = self.labels
        if self.order is not None:
            labels = np.take(self.labels, self.order, axis=0, out=self.seen)
        np.equal(self.pred, labels, out=self.hits)
        return int(np.count_nonzero(self.hits)) / self.hits.size

    def _divergence(self, epoch, epochs, batch, value):
        finite = np.isfinite(self.net.params).all()
        state = (
            "the weights are those of the last finite step"
            if finite
            else "the weights are those of the last finite step, but already "
            "hold nan or inf"
        )
        return DivergenceError(
            f"training diverged at epoch {epoch + 1}/{epochs}, batch "
            f"{batch + 1}/{self.n_batches}: the loss became {value}; {state}; "
            f"try a smaller learning rate (now {self.optimizer.lr:g})",
            epoch=epoch,
            batch=batch,
        )


def accuracy(net, X, Y, multilabel=False):
    """Fraction of correctly classified samples.

    Parameters
    ----------
    net : Network
    X : array_like, shape (n_samples, input_size)
    Y : array_like, shape (n_samples, n_outputs) or (n_samples,)
        Integer class labels or one-hot rows for a multi-output network; 0/1
        targets for a single-output network.
    multilabel : bool, default False
        Treat every output as its own yes/no prediction. A network with one
        output always is.

    Returns
    -------
    float
        With several classes, the share of rows whose arg-max output is the
        target class; for yes/no outputs (thresholded at 0.5), the share of
        correct entries.

    Examples
    --------
    >>> import pymlp
    >>> net = pymlp.MLP([2, 3], output="softmax", seed=0)
    >>> 0.0 <= accuracy(net, [[0.0, 1.0], [1.0, 0.0]], [0, 2]) <= 1.0
    True
    """
    if not isinstance(multilabel, bool | np.bool_):
        raise TypeError(f"multilabel must be True or False, got {multilabel!r}")
    X = net._check_X(X)
    binary = multilabel or net.n_outputs == 1
    kind = "binary" if binary else "classes"
    loss = get_loss("binary_cross_entropy" if binary else "cross_entropy")
    Y = loss.prepare_targets(Y, X.shape[0], net.n_outputs, net.dtype)
    labels = _labels(Y, kind)
    hits = _predict_into(net.predict(X), kind) == labels
    return int(np.count_nonzero(hits)) / hits.size


# evaluation helpers


def _task_kind(loss):
    """ "classes", "binary" or None: how accuracy is measured for a loss."""
    if loss.name == "cross_entropy":
        return "classes"
    if loss.name == "binary_cross_entropy":
        return "binary"
    return None


def _labels(Y, kind):
    """Target classes (n_samples,) or yes/no entries (n_samples, n_outputs)."""
    if kind == "classes":
        return np.argmax(Y, axis=1)
    return Y > 0.5


def _predict_into(A, kind, out=None):
    """Predicted classes or yes/no entries of the outputs ``A``."""
    if kind == "classes":
        return np.argmax(A, axis=1, out=out)
    return np.greater(A, 0.5, out=out)


def _evaluate(net, X, Y, labels, loss, kind):
    """Loss and accuracy (or None) of a whole set, one chunked forward pass."""
    out = net.layers[-1]
    act = out.activation
    fused = not isinstance(act, list) and loss.fuses_with(act)
    n_samples = X.shape[0]
    total, correct = 0.0, 0
    for start in range(0, n_samples, _EVAL_CHUNK):
        stop = start + _EVAL_CHUNK
        A = net._forward(X[start:stop])
        Yc = Y[start:stop]
        value = loss.value(A, Yc, Z=out._Z) if fused else loss.value(A, Yc)
        total += value * A.shape[0]
        if kind is not None:
            correct += int(
                np.count_nonzero(_predict_into(A, kind) == labels[start:stop])
            )
    accuracy = None if kind is None else correct / labels.size
    return total / n_samples, accuracy


def _batch_buffers(X, Y, rows):
    return np.empty((rows, X.shape[1]), X.dtype), np.empty((rows, Y.shape[1]), Y.dtype)


# argument checks


def _check_count(name, value, example):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer >= 1, got {value!r} "
            f"({type(value).__name__}); pass a whole number {example}"
        )
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}; pass a number {example}")
    return int(value)


def _check_verbose(verbose):
    if isinstance(verbose, bool | np.bool_):
        return int(verbose)
    if not isinstance(verbose, numbers.Integral) or verbose not in (0, 1, 2):
        raise ValueError(
            f"verbose must be 0 (silent), 1 (progress bar and epoch lines) or 2 "
            f"(epoch lines), got {verbose!r}"
        )
    return int(verbose)


def _check_callbacks(callbacks):
    if callable(callbacks):
        raise TypeError(
            "callbacks must be a sequence of callables; wrap a single one in a "
            "list: callbacks=[callback]"
        )
    try:
        callbacks = list(callbacks)
    except TypeError:
        raise TypeError(
            f"callbacks must be a sequence of callables, got {callbacks!r}"
        ) from None
    for k, callback in enumerate(callbacks):
        if not callable(callback):
            raise TypeError(
                f"callbacks[{k}] must be callable as callback(epoch, logs), got "
                f"{callback!r}"
            )
    return callbacks


def _resolve_schedule(spec):
    if spec is None:
        return None
    try:
        return get_schedule(spec)
    except ValueError as exc:
        raise ValueError(f"lr_schedule: {exc}") from None


def _resolve_early_stopping(spec):
    if spec is None or spec is False:
        return None
    if spec is True:
        return EarlyStopping()
    if isinstance(spec, EarlyStopping):
        return spec
    if isinstance(spec, numbers.Integral) and not isinstance(spec, bool):
        if spec < 0:
            raise ValueError(f"early_stopping as a patience must be >= 0, got {spec}")
        return EarlyStopping(patience=int(spec))
    raise TypeError(
        f"early_stopping must be an EarlyStopping, True, an integer patience or "
        f"None, got {spec!r}"
    )


def _resolve_monitor(monitor, has_validation, kind):
    if monitor == "auto":
        return "val_loss" if has_validation else "loss"
    if monitor.startswith("val_") and not has_validation:
        raise ValueError(
            f"early stopping monitors {monitor!r} but fit has no validation "
            "rows; pass validation_data or validation_split, or monitor "
            f"{monitor[4:]!r}"
        )
    if monitor.endswith("accuracy") and kind is None:
        raise ValueError(
            f"early stopping monitors {monitor!r}, which is only recorded for "
            "cross_entropy and binary_cross_entropy; monitor 'loss' or "
            "'val_loss' instead"
        )
    return monitor


def _make_rng(seed):
    if isinstance(seed, bool):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed}")
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"seed must be a non-negative int, a numpy Generator or None, got "
            f"{seed!r} ({exc})"
        ) from None


def _validation_rows(net, loss, kind, X, Y, validation_data, split, rng):
    """Training rows and ``(X_val, Y_val, val_labels)`` (or None)."""
    if isinstance(split, bool) or not isinstance(split, numbers.Real):
        raise TypeError(f"validation_split must be a float in [0, 1), got {split!r}")
    if not 0.0 <= split < 1.0:
        raise ValueError(
            f"validation_split must be in [0, 1), got {split}; pass for example "
            "0.1 to hold out a tenth of the rows"
        )
    if validation_data is not None and split > 0.0:
        raise ValueError(
            "pass either validation_data or validation_split, not both; got "
            f"validation_data and validation_split={split}"
        )

    if validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise TypeError(
                "validation_data must be a pair (X_val, Y_val), got "
                f"{type(validation_data).__name__}"
            )
        X_val = net._check_X(validation_data[0])
        Y_val = loss.prepare_targets(
            validation_data[1], X_val.shape[0], net.n_outputs, net.dtype
        )
    elif split > 0.0:
        n_samples = X.shape[0]
        n_val = math.ceil(split * n_samples)
        if n_val >= n_samples:
            raise ValueError(
                f"validation_split={split} leaves no training rows out of "
                f"{n_samples}; pass a smaller fraction or more rows"
            )
        strata = None
        if kind == "classes" or (kind == "binary" and Y.shape[1] == 1):
            strata = _labels(Y, kind).reshape(n_samples)
        X, X_val, Y, Y_val = train_test_split(
            X, Y, test_size=n_val, seed=rng, stratify=strata
        )
    else:
        return X, Y, None
    labels = None if kind is None else _labels(Y_val, kind)
    return X, Y, (X_val, Y_val, labels)


# output


def _progress_bar(epoch, epochs, n_batches):
    from tqdm.auto import tqdm

    return tqdm(
        total=n_batches, desc=f"epoch {epoch + 1}/{epochs}", unit="batch", leave=False
    )


def _write(line):
    from tqdm import tqdm

    tqdm.write(line)


def _summary(epoch, epochs, logs):
    parts = [f"epoch {epoch + 1}/{epochs}"]
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        if name in logs:
            parts.append(f"{name} {logs[name]:.4f}")
    parts.append(f"lr {logs['lr']:.3g}")
    parts.append(f"{logs['epoch_time']:.2f}s")
    return "  ".join(parts)
