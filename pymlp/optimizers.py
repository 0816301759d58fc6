"""Optimizers that update a network's flat parameter buffer, and learning-rate
schedules.

A `Network` keeps every weight and bias in one contiguous 1-D buffer
``params`` of shape ``(n_params,)``, with the gradients in a second buffer
``grads`` of the same shape and dtype. The fit loop calls
``optimizer.step(params, grads)`` once per mini-batch. Layer weights are views
into ``params``, so every update here is made in place: ``params`` is never
rebound, and ``grads`` is only read.

The update walks the buffer in chunks of `CHUNK_BYTES` bytes per array with
preallocated chunk-sized scratch arrays. The handful of elementwise
operations of one update then run on data that stays in the CPU cache, and a
step allocates nothing in proportion to the number of parameters.

A schedule is asked for the learning rate at the start of every epoch::

    lr = schedule.learning_rate(epoch, base_lr, metric)
    optimizer.lr = lr
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

__all__ = [
    "CHUNK_BYTES",
    "Optimizer",
    "SGD",
    "Adam",
    "optimizer_from_config",
    "get_optimizer",
    "LRSchedule",
    "ConstantLR",
    "StepLR",
    "ExponentialLR",
    "CosineLR",
    "ReduceLROnPlateau",
    "schedule_from_config",
    "get_schedule",
]

# Bytes per array in one chunk: 32768 float64 or 65536 float32 elements.
# Measured with Adam on a 670k-element buffer, 128-256 KiB was fastest for
# both dtypes (256 KiB best for float32): a chunk's arrays stay in L2 between
# the dozen elementwise operations; smaller chunks pay the ufunc call overhead
# more often, larger ones spill out of L2.
CHUNK_BYTES = 256 * 1024


# argument checks


def _check_real(name, value, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a float after checking it is finite and in range."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if not math.isfinite(value) or too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must be in {left}{lo}, {hi}{right}, got {value!r}.")
    return value


def _check_int(name, value, *, low):
    """Return ``value`` as an int after checking it is an integer >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    return int(value)


def _float_dtype_from_name(name, value):
    """Return the floating numpy dtype called ``value``, e.g. ``"float32"``."""
    try:
        dtype = np.dtype(value) if isinstance(value, str) else None
    except TypeError:
        dtype = None
    if dtype is None or dtype.kind != "f":
        raise ValueError(
            f"{name} must name a floating numpy dtype such as 'float64', got {value!r}."
        )
    return dtype


# optimizers


class Optimizer:
    """Base class of the optimizers: in-place updates of a flat buffer.

    Subclasses define the per-chunk update and name their state arrays; this
    class validates the buffers, binds the optimizer to the size and dtype of
    the first ``params`` it sees, walks the buffer in chunks and saves and
    restores state.

    Parameters
    ----------
    lr : float
        Learning rate, > 0.

    Attributes
    ----------
    lr : float
        Current learning rate. A schedule may assign any finite value >= 0
        between epochs.
    t : int
        Number of steps taken since construction or the last `reset`.
    chunk_size : int or None
        Elements updated per pass; None (the default) for `CHUNK_BYTES` worth
        of the buffer's dtype. Read when the state is allocated.
    """

    #: Names of the state arrays, each of shape ``(n_params,)``.
    _state_names: tuple[str, ...] = ()
    #: Number of chunk-sized scratch arrays the update needs.
    _n_scratch = 2

    def __init__(self, lr):
        self._lr = _check_real("lr", lr, low=0.0, low_open=True)
        self.chunk_size = None
        self.reset()

    @property
    def lr(self):
        """Current learning rate."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = _check_real("lr", value, low=0.0)

    def reset(self):
        """Forget the step count, the state arrays and the bound size/dtype."""
        self.t = 0
        self._size = None
        self._dtype = None
        self._chunk = None
        self._state = {}
        self._scratch = []

    def _bind(self, size, dtype):
        """Allocate zeroed state and scratch arrays for a buffer."""
        self._size = size
        self._dtype = np.dtype(dtype)
        self._chunk = self.chunk_size or max(1, CHUNK_BYTES // self._dtype.itemsize)
        self._state = {name: np.zeros(size, dtype=dtype) for name in self._state_names}
        n_scratch = min(size, self._chunk)
        self._scratch = [
            np.empty(n_scratch, dtype=dtype) for _ in range(self._n_scratch)
        ]

    def _check_buffers(self, params, grads):
        """Refuse buffers this optimizer cannot update, or was not built for."""
        if not isinstance(params, np.ndarray) or params.ndim != 1:
            raise ValueError(
                "params must be a 1-D numpy array (the network's flat buffer), "
                f"got {type(params).__name__} with shape {np.shape(params)}."
            )
        if params.dtype.kind != "f":
            raise ValueError(f"params must have a floating dtype, got {params.dtype}.")
        if not isinstance(grads, np.ndarray) or grads.shape != params.shape:
            raise ValueError(
                f"grads must be a numpy array of shape {params.shape} like params, "
                f"got shape {np.shape(grads)}."
            )
        if grads.dtype != params.dtype:
            raise ValueError(
                f"grads must have the dtype of params ({params.dtype}), "
                f"got {grads.dtype}."
            )
        if self._size is None:
            self._bind(params.shape[0], params.dtype)
        elif params.shape[0] != self._size or params.dtype != self._dtype:
            raise ValueError(
                f"{type(self).__name__} holds state for {self._size} parameters "
                f"of dtype {self._dtype}, got {params.shape[0]} of dtype "
                f"{params.dtype}. Call optimizer.reset() before using it on "
                "another network."
            )

    def step(self, params, grads):
        """Apply one update to ``params`` in place.

        Parameters
        ----------
        params : ndarray, shape (n_params,)
            Flat parameter buffer, floating dtype; modified in place.
        grads : ndarray, shape (n_params,)
            Gradient of the loss with respect to ``params``, same dtype.
            Read only.

        Raises
        ------
        ValueError
            If the buffers are not matching 1-D floating arrays, or differ in
            size or dtype from those of earlier steps (see `reset`).
        """
        self._check_buffers(params, grads)
        self.t += 1
        coefficients = self._coefficients()
        size, chunk = params.shape[0], self._chunk

        # small buffers go in one pass
        if size <= chunk:
            self._update(slice(0, size), params, grads, coefficients)
            return
        for start in range(0, size, chunk):
            span = slice(start, start + chunk)
            self._update(span, params[span], grads[span], coefficients)

    def _coefficients(self):
        """Scalars of the current step, computed once per step."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define its update coefficients."
        )

    def _update(self, span, params, grads, coefficients):
        """Update one chunk: ``params``, ``grads`` are the chunk's views."""
        raise NotImplementedError(f"{type(self).__name__} does not define its update.")

    def _scratch_for(self, n):
        """The scratch arrays cut to ``n`` elements."""
        return [buf[:n] for buf in self._scratch]

    # saving and restoring

    def state_dict(self):
        """Return the optimizer's state: json-able scalars and numpy arrays.

        Returns
        -------
        dict
            ``type``, ``lr``, ``t``, ``size`` and ``dtype`` (None before the
            first step), plus a copy of each state array, of shape
            ``(size,)``, once the state exists.
        """
        state = {
            "type": type(self).__name__,
            "lr": self._lr,
            "t": self.t,
            "size": self._size,
            "dtype": None if self._dtype is None else self._dtype.name,
        }
        for name, array in self._state.items():
            state[name] = array.copy()
        return state

    def load_state_dict(self, state):
        """Restore a state returned by `state_dict`.

        Parameters
        ----------
        state : dict
            As returned by `state_dict` of an optimizer of the same type and
            hyper-parameters. The arrays are copied.

        Raises
        ------
        ValueError
            If a key is missing or unexpected, or a value has the wrong type,
            shape or dtype. The optimizer is left unchanged.
        """
        if not isinstance(state, dict):
            raise ValueError(f"state must be a dict, got {type(state).__name__}.")
        name = type(self).__name__
        if state.get("type") != name:
            raise ValueError(
                f"state is for optimizer type {state.get('type')!r}, expected {name!r}."
            )
        size, dtype = state.get("size"), state.get("dtype")
        expected = {"type", "lr", "t", "size", "dtype"}
        if size is not None:
            expected |= set(self._state_names)
        if set(state) != expected:
            raise ValueError(
                f"{name} state must have keys {sorted(expected)}, got {sorted(state)}."
            )
        lr = _check_real("state['lr']", state["lr"], low=0.0)
        t = _check_int("state['t']", state["t"], low=0)
        if size is None:
            if dtype is not None:
                raise ValueError(
                    f"state['dtype'] must be None when state['size'] is None, "
                    f"got {dtype!r}."
                )
            self.reset()
            self._lr, self.t = lr, t
            return
        size = _check_int("state['size']", size, low=1)
        dtype = _float_dtype_from_name("state['dtype']", dtype)
        for key in self._state_names:
            array = state[key]
            if (
                not isinstance(array, np.ndarray)
                or array.shape != (size,)
                or array.dtype != dtype
            ):
                raise ValueError(
                    f"state[{key!r}] must be an array of shape ({size},) and dtype "
                    f"{dtype.name}, got {type(array).__name__} with shape "
                    f"{np.shape(array)} and dtype {getattr(array, 'dtype', None)}."
                )

        self.reset()
        self._bind(size, dtype)
        for key in self._state_names:
            self._state[key][...] = state[key]
        self._lr, self.t = lr, t

    def get_config(self):
        """Return the hyper-parameters as a json-able dict with a ``type`` key."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_config.")

    def __repr__(self):
        config = self.get_config()
        del config["type"]
        args = ", ".join(f"{key}={value!r}" for key, value in config.items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay.

    Follows PyTorch's conventions. With ``g = grads + weight_decay * params``
    and a velocity ``v`` starting at zero (so the first step has ``v = g``)::

        v = momentum * v + g
        params -= lr * (g + momentum * v)     # nesterov=True
        params -= lr * v                      # otherwise

    With ``momentum=0`` this is ``params -= lr * g`` and keeps no state.

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate, > 0.
    momentum : float, default 0.0
        Momentum factor in [0, 1).
    nesterov : bool, default False
        Use Nesterov momentum; requires ``momentum > 0``.
    weight_decay : float, default 0.0
        L2 penalty factor, >= 0, added to the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> params, grads = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    >>> SGD(lr=0.1).step(params, grads)
    >>> params
    array([0.95, 2.05])
    """

    def __init__(self, lr=0.01, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.momentum = _check_real(
            "momentum", momentum, low=0.0, high=1.0, high_open=True
        )
        if not isinstance(nesterov, bool | np.bool_):
            raise ValueError(f"nesterov must be True or False, got {nesterov!r}.")
        if nesterov and self.momentum == 0.0:
            raise ValueError(
                "nesterov=True needs momentum > 0, got momentum=0.0. "
                "Pass a momentum such as 0.9, or nesterov=False."
            )
        self.nesterov = bool(nesterov)
        self.weight_decay = _check_real("weight_decay", weight_decay, low=0.0)
        self._state_names = ("velocity",) if self.momentum else ()
        super().__init__(lr)

    def _coefficients(self):
        return self._lr

    def _update(self, span, params, grads, lr):
        a, b = self._scratch_for(params.shape[0])
        momentum, decay = self.momentum, self.weight_decay

        # L2 penalty joins the gradient
        if decay:
            np.multiply(params, decay, out=a)
            a += grads
            grads = a

        if momentum:
            velocity = self._state["velocity"][span]
            velocity *= momentum
            velocity += grads
            if self.nesterov:
                np.multiply(velocity, momentum, out=b)
                b += grads
                grads = b
            else:
                grads = velocity

        np.multiply(grads, lr, out=b)
        params -= b

    def get_config(self):
        return {
            "type": "SGD",
            "lr": self._lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }


class Adam(Optimizer):
    """Adam, with PyTorch's semantics.

    With ``g = grads + weight_decay * params`` (L2 penalty, not AdamW) and
    moments ``m``, ``v`` starting at zero, step ``t`` (from 1) does::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        params -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    The two bias corrections are folded into one step size and one epsilon
    per step: ``params -= s * m / (sqrt(v) + e)`` with
    ``s = lr * sqrt(1 - beta2**t) / (1 - beta1**t)`` and
    ``e = eps * sqrt(1 - beta2**t)``.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate, > 0.
    betas : pair of float, default (0.9, 0.999)
        Decay rates of the first and second moment, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator, >= 0.
    weight_decay : float, default 0.0
        L2 penalty factor, >= 0, added to the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> params, grads = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    >>> Adam(lr=0.1).step(params, grads)
    >>> params.round(6)
    array([0.9, 2.1])
    """

    _state_names = ("m", "v")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        if isinstance(betas, str) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}.")
        self.betas = (
            _check_real("betas[0]", betas[0], low=0.0, high=1.0, high_open=True),
            _check_real("betas[1]", betas[1], low=0.0, high=1.0, high_open=True),
        )
        self.eps = _check_real("eps", eps, low=0.0)
        self.weight_decay = _check_real("weight_decay", weight_decay, low=0.0)
        super().__init__(lr)

    def _coefficients(self):
        beta1, beta2 = self.betas
        root_correction2 = math.sqrt(1.0 - beta2**self.t)
        step_size = self._lr * root_correction2 / (1.0 - beta1**self.t)
        return step_size, self.eps * root_correction2

    def _update(self, span, params, grads, coefficients):
        step_size, eps = coefficients
        beta1, beta2 = self.betas
        m, v = self._state["m"][span], self._state["v"][span]
        a, b = self._scratch_for(params.shape[0])

        # L2 penalty joins the gradient
        if self.weight_decay:
            np.multiply(params, self.weight_decay, out=b)
            b += grads
            grads = b

        # moving averages of g and g**2
        m *= beta1
        np.multiply(grads, 1.0 - beta1, out=a)
        m += a
        v *= beta2
        np.multiply(grads, 1.0 - beta2, out=a)
        a *= grads
        v += a

        # params -= step_size * m / (sqrt(v) + eps)
        np.sqrt(v, out=a)
        a += eps
        np.divide(m, a, out=a)
        a *= step_size
        params -= a

    def get_config(self):
        return {
            "type": "Adam",
            "lr": self._lr,
            "betas": list(self.betas),
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }


_OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def optimizer_from_config(config):
    """Build an optimizer from the dict returned by its `get_config`.

    Raises
    ------
    ValueError
        If the type is unknown or a hyper-parameter is unknown or invalid.
    """
    return _from_config(config, _OPTIMIZERS.values(), "optimizer")


def _from_config(config, classes, what):
    """Instantiate ``config["type"]`` (a class name) with the other entries."""
    if not isinstance(config, dict) or "type" not in config:
        raise ValueError(
            f"{what} config must be a dict with a 'type' key, got {config!r}."
        )
    kwargs = dict(config)
    kind = kwargs.pop("type")
    by_name = {cls.__name__: cls for cls in classes}
    if kind not in by_name:
        raise ValueError(
            f"unknown {what} type {kind!r}: expected one of {sorted(by_name)}."
        )
    if isinstance(kwargs.get("betas"), list):  # JSON turns Adam's tuple into a list
        kwargs["betas"] = tuple(kwargs["betas"])
    try:
        return by_name[kind](**kwargs)
    except TypeError as error:
        raise ValueError(f"invalid {kind} config {config!r}: {error}.") from error


def get_optimizer(spec, lr=None):
    """Resolve an optimizer from an instance or a name.

    Parameters
    ----------
    spec : Optimizer or str
        An optimizer, returned as is, or a name from ``"sgd"``, ``"adam"``
        (any case), built with its default hyper-parameters.
    lr : float, optional
        Learning rate for an optimizer given by name. Refused with an
        instance, whose learning rate is already set.

    Returns
    -------
    Optimizer
    """
    if isinstance(spec, Optimizer):
        if lr is not None:
            raise ValueError(
                f"lr={lr!r} applies only to an optimizer given by name; set the "
                f"learning rate on the instance instead, e.g. {type(spec).__name__}"
                f"(lr={lr!r})."
            )
        return spec
    if isinstance(spec, str) and spec.lower() in _OPTIMIZERS:
        cls = _OPTIMIZERS[spec.lower()]
        return cls() if lr is None else cls(lr=lr)
    raise ValueError(
        f"could not interpret optimizer {spec!r}: expected an Optimizer instance "
        f"or a name from {sorted(_OPTIMIZERS)}."
    )


# learning-rate schedules


class LRSchedule:
    """Base class of the learning-rate schedules.

    The fit loop calls `learning_rate` at the start of every epoch and assigns
    the result to ``optimizer.lr``.
    """

    def learning_rate(self, epoch, base_lr, metric=None):
        """Return the learning rate for ``epoch``.

        Parameters
        ----------
        epoch : int
            0-based index of the epoch about to start.
        base_lr : float
            The optimizer's initial learning rate.
        metric : float or None
            Monitored loss of the previous epoch; None at epoch 0.

        Returns
        -------
        float
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not define learning_rate."
        )

    def reset(self):
        """Forget any state kept between epochs."""

    def get_config(self):
        """Return the arguments as a json-able dict with a ``type`` key."""
        return {"type": type(self).__name__}

    def __repr__(self):
        config = self.get_config()
        del config["type"]
        args = ", ".join(f"{key}={value!r}" for key, value in config.items())
        return f"{type(self).__name__}({args})"


class ConstantLR(LRSchedule):
    """The base learning rate at every epoch."""

    def learning_rate(self, epoch, base_lr, metric=None):
        return base_lr


class StepLR(LRSchedule):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs.

    ``lr = base_lr * gamma ** (epoch // step_size)``

    Parameters
    ----------
    step_size : int
        Epochs between two decays, >= 1.
    gamma : float, default 0.1
        Decay factor, > 0.
    """

    def __init__(self, step_size, gamma=0.1):
        self.step_size = _check_int("step_size", step_size, low=1)
        self.gamma = _check_real("gamma", gamma, low=0.0, low_open=True)

    def learning_rate(self, epoch, base_lr, metric=None):
        return base_lr * self.gamma ** (epoch // self.step_size)

    def get_config(self):
        return {"type": "StepLR", "step_size": self.step_size, "gamma": self.gamma}


class ExponentialLR(LRSchedule):
    """Multiply the rate by ``gamma`` every epoch: ``base_lr * gamma ** epoch``.

    Parameters
    ----------
    gamma : float
        Decay factor, > 0.
    """

    def __init__(self, gamma):
        self.gamma = _check_real("gamma", gamma, low=0.0, low_open=True)

    def learning_rate(self, epoch, base_lr, metric=None):
        return base_lr * self.gamma**epoch

    def get_config(self):
        return {"type": "ExponentialLR", "gamma": self.gamma}


class CosineLR(LRSchedule):
    """Half a cosine from ``base_lr`` at epoch 0 to ``min_lr`` at ``total_epochs``.

    ``lr = min_lr + (base_lr - min_lr) * (1 + cos(pi * epoch / total_epochs)) / 2``
    for ``epoch < total_epochs``, and ``min_lr`` afterwards.

    Parameters
    ----------
    total_epochs : int
        Length of the decay, >= 1.
    min_lr : float, default 0.0
        Final learning rate, >= 0.
    """

    def __init__(self, total_epochs, min_lr=0.0):
        self.total_epochs = _check_int("total_epochs", total_epochs, low=1)
        self.min_lr = _check_real("min_lr", min_lr, low=0.0)

    def learning_rate(self, epoch, base_lr, metric=None):
        if epoch >= self.total_epochs:
            return self.min_lr
        cosine = math.cos(math.pi * epoch / self.total_epochs)
        return self.min_lr + (base_lr - self.min_lr) * (1.0 + cosine) / 2.0

    def get_config(self):
        return {
            "type": "CosineLR",
            "total_epochs": self.total_epochs,
            "min_lr": self.min_lr,
        }


class ReduceLROnPlateau(LRSchedule):
    """Cut the rate when the monitored loss stops improving.

    The best metric so far is tracked; an epoch improves on it when its metric
    is lower than ``best - min_delta``. After ``patience`` epochs in a row
    without improvement, the current rate is multiplied by ``factor`` (never
    going below ``min_lr``) and the count starts again.

    Parameters
    ----------
    factor : float, default 0.1
        Reduction factor, in (0, 1).
    patience : int, default 10
        Epochs without improvement before a reduction, >= 0.
    min_delta : float, default 1e-4
        Smallest decrease of the metric counted as an improvement, >= 0.
    min_lr : float, default 0.0
        Lower bound of the learning rate, >= 0.
    """

    def __init__(self, factor=0.1, patience=10, min_delta=1e-4, min_lr=0.0):
        self.factor = _check_real(
            "factor", factor, low=0.0, high=1.0, low_open=True, high_open=True
        )
        self.patience = _check_int("patience", patience, low=0)
        self.min_delta = _check_real("min_delta", min_delta, low=0.0)
        self.min_lr = _check_real("min_lr", min_lr, low=0.0)
        self.reset()

    def reset(self):
        self.lr = None
        self.best = math.inf
        self.wait = 0

    def learning_rate(self, epoch, base_lr, metric=None):
        if self.lr is None:
            self.lr = base_lr
        if metric is None:
            return self.lr

        if metric < self.best - self.min_delta:
            self.best = metric
            self.wait = 0
            return self.lr
        self.wait += 1
        if self.wait >= self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.wait = 0
        return self.lr

    def get_config(self):
        return {
            "type": "ReduceLROnPlateau",
            "factor": self.factor,
            "patience": self.patience,
            "min_delta": self.min_delta,
            "min_lr": self.min_lr,
        }


_SCHEDULES = {
    "constant": ConstantLR,
    "step": StepLR,
    "exponential": ExponentialLR,
    "cosine": CosineLR,
    "plateau": ReduceLROnPlateau,
}
# names whose schedule has a required argument, with an example instance
_NEED_ARGUMENTS = {
    "step": "StepLR(step_size=10)",
    "exponential": "ExponentialLR(gamma=0.95)",
    "cosine": "CosineLR(total_epochs=100)",
}


def schedule_from_config(config):
    """Build a schedule from the dict returned by its `get_config`.

    Raises
    ------
    ValueError
        If the type is unknown or an argument is unknown or invalid.
    """
    return _from_config(config, _SCHEDULES.values(), "schedule")


def get_schedule(spec):
    """Resolve a learning-rate schedule.

    Parameters
    ----------
    spec : LRSchedule, str or None
        A schedule, returned as is; None for a constant rate; or a name from
        ``"constant"``, ``"plateau"`` (any case), built with default
        arguments. ``"step"``, ``"exponential"`` and ``"cosine"`` have a
        required argument: pass an instance instead.

    Returns
    -------
    LRSchedule
    """
    if isinstance(spec, LRSchedule):
        return spec
    if spec is None:
        return ConstantLR()
    if isinstance(spec, str):
        name = spec.lower()
        if name in _NEED_ARGUMENTS:
            raise ValueError(
                f"schedule {spec!r} has a required argument; pass an instance "
                f"such as {_NEED_ARGUMENTS[name]} instead of its name."
            )
        if name in _SCHEDULES:
            return _SCHEDULES[name]()
    raise ValueError(
        f"could not interpret schedule {spec!r}: expected an LRSchedule instance, "
        f"None or a name from {sorted(_SCHEDULES)}."
    )
