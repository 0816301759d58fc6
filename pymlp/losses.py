"""Losses: mean squared error, binary cross-entropy and softmax cross-entropy.

Every loss is a mean over the batch. With ``A`` the network output and ``Y``
the targets, both of shape ``(n_samples, n_outputs)``:

``mse``
    ``mean((A - Y)**2)`` over samples *and* outputs. Per sample this is the
    legacy cost ``(1/n_outputs) * sum_k (a_k - y_k)**2``.
``binary_cross_entropy``
    ``-mean(Y*log(A) + (1-Y)*log(1-A))`` over samples and outputs; meant for
    sigmoid outputs and targets in [0, 1].
``cross_entropy``
    ``-sum_k Y_k*log(A_k)`` per sample, mean over samples; meant for a softmax
    output. ``Y`` may be one-hot (or any rows of probabilities) or a 1-D array
    of integer class labels.

A loss gives ``dA = dLoss/dA``. For the two pairs where the chain rule
collapses, sigmoid + binary cross-entropy and softmax + cross-entropy, it also
gives the fused ``delta = dLoss/dZ = (A - Y) / scale`` and computes its value
from the pre-activations ``Z``, so neither the value nor the gradient ever takes
``log(0)`` or divides by ``A*(1-A)``.
"""

import numpy as np

__all__ = ["Loss", "LOSS_NAMES", "get_loss"]

LOSS_NAMES = ("mse", "binary_cross_entropy", "cross_entropy")
_ALIASES = {
    "mean_squared_error": "mse",
    "bce": "binary_cross_entropy",
    "ce": "cross_entropy",
    "categorical_cross_entropy": "cross_entropy",
    "softmax_cross_entropy": "cross_entropy",
}


class Loss:
    """A loss function, the mean over a batch.

    Use :func:`get_loss` to obtain one by name.

    Attributes
    ----------
    name : str
        One of :data:`LOSS_NAMES`.
    """

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"Loss({self.name!r})"

    # targets

    def prepare_targets(self, Y, n_samples, n_outputs, dtype):
        """Validate targets and return them as a 2-D array of ``dtype``.

        Parameters
        ----------
        Y : array_like, shape (n_samples, n_outputs) or (n_samples,)
            Targets. A 1-D array is accepted when the network has one output,
            and, for ``cross_entropy``, as integer class labels.
        n_samples, n_outputs : int
            Rows of the inputs and width of the network output.
        dtype : numpy dtype

        Returns
        -------
        ndarray, shape (n_samples, n_outputs)
        """
        Y = _as_numeric(Y, "Y")
        if self.name == "cross_entropy" and Y.ndim == 1 and n_outputs > 1:
            Y = _one_hot(Y, n_outputs)
        elif Y.ndim == 1 and n_outputs == 1:
            Y = Y.reshape(-1, 1)
        if Y.ndim != 2 or Y.shape[1] != n_outputs:
            hint = (
                " For cross_entropy pass one-hot rows or 1-D integer labels."
                if self.name == "cross_entropy"
                else ""
            )
            raise ValueError(
                f"Y has shape {Y.shape}, expected ({n_samples}, {n_outputs}) "
                f"to match the network's {n_outputs} output(s).{hint}"
            )
        if Y.shape[0] != n_samples:
            raise ValueError(
                f"Y has {Y.shape[0]} rows but X has {n_samples}: "
                "pass one target row per input row."
            )
        if not np.isfinite(Y).all():
            raise ValueError("Y contains NaN or infinity; remove or impute them.")
        if self.name != "mse" and ((Y < 0).any() or (Y > 1).any()):
            raise ValueError(
                f"{self.name} expects targets in [0, 1], got values from "
                f"{Y.min():g} to {Y.max():g}; use loss='mse' for regression."
            )
        return np.ascontiguousarray(Y, dtype=dtype)

    # value and gradient

    def fuses_with(self, activation):
        """Whether ``delta = (A - Y) / scale`` is exact for this output activation."""
        if self.name == "cross_entropy":
            return activation.name == "softmax"
        if self.name == "binary_cross_entropy":
            return activation.name == "sigmoid"
        return False

    def value(self, A, Y, Z=None):
        """The loss, a float. ``Z`` enables the stable fused formulas.

        Parameters
        ----------
        A, Y : ndarray, shape (n_samples, n_outputs)
            Output activations and prepared targets.
        Z : ndarray, shape (n_samples, n_outputs), optional
            Pre-activations of the output layer; pass them only when
            :meth:`fuses_with` holds for the output activation.
        """
        n_samples = A.shape[0]
        if self.name == "mse":
            diff = A - Y
            return float(np.vdot(diff, diff)) / diff.size
        if self.name == "cross_entropy":
            if Z is not None:
                # log softmax = Z - logsumexp(Z), computed row-wise
                top = Z.max(axis=1, keepdims=True)
                with np.errstate(under="ignore"):  # exp(-big) -> 0 is intended
                    total = np.exp(Z - top).sum(axis=1, keepdims=True)
                lse = top + np.log(total)
                return float(np.vdot(Y, lse - Z)) / n_samples
            return float(-np.vdot(Y, _safe_log(A))) / n_samples
        if Z is not None:
            # -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y*z
            softplus = np.logaddexp(0.0, Z)
            return float(softplus.sum() - np.vdot(Y, Z)) / Z.size
        bce = Y * _safe_log(A) + (1 - Y) * _safe_log(1 - A)
        return float(-bce.sum()) / A.size

    def gradient(self, A, Y, out=None):
        """``dA = dLoss/dA``, shape (n_samples, n_outputs)."""
        if self.name == "mse":
            out = np.subtract(A, Y, out=out)
            out *= 2.0 / A.size
            return out
        if self.name == "cross_entropy":
            out = np.divide(Y, np.maximum(A, _tiny(A)), out=out)
            out *= -1.0 / A.shape[0]
            return out
        denom = np.maximum(A * (1 - A), _tiny(A))
        out = np.divide(A - Y, denom, out=out)
        out /= A.size
        return out

    def fused_delta(self, A, Y, out=None):
        """``delta = dLoss/dZ = (A - Y) / scale`` for the fused pairs."""
        out = np.subtract(A, Y, out=out)
        scale = A.shape[0] if self.name == "cross_entropy" else A.size
        out /= scale
        return out


_LOSSES = {name: Loss(name) for name in LOSS_NAMES}


def get_loss(spec):
    """Resolve a loss name (or a :class:`Loss`) to a :class:`Loss`.

    Parameters
    ----------
    spec : str or Loss
        ``"mse"``, ``"binary_cross_entropy"`` or ``"cross_entropy"``
        (aliases: ``"bce"``, ``"ce"``, ``"mean_squared_error"``,
        ``"categorical_cross_entropy"``).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    if isinstance(spec, Loss):
        return spec
    if not isinstance(spec, str):
        raise TypeError(
            f"loss must be a name from {list(LOSS_NAMES)}, got {type(spec).__name__}"
        )
    key = spec.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _LOSSES:
        raise ValueError(
            f"unknown loss {spec!r}: expected one of {', '.join(LOSS_NAMES)}"
        )
    return _LOSSES[key]


def _tiny(A):
    return np.finfo(A.dtype).tiny


def _safe_log(A):
    return np.log(np.maximum(A, _tiny(A)))


def _as_numeric(Y, name):
    try:
        Y = np.asarray(Y)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} could not be read as an array: {exc}") from None
    if Y.dtype == object or not (np.issubdtype(Y.dtype, np.number) or Y.dtype == bool):
        raise TypeError(
            f"{name} must hold numbers, got dtype {Y.dtype}; "
            "convert text columns to numbers first."
        )
    return Y


def _one_hot(labels, n_classes):
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
            raise ValueError(
                "1-D targets for cross_entropy must be integer class labels, "
                f"got non-integer values of dtype {labels.dtype}."
            )
        labels = labels.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"class labels must lie in [0, {n_classes - 1}] for a network with "
            f"{n_classes} outputs, got labels from {labels.min()} to {labels.max()}."
        )
    Y = np.zeros((labels.shape[0], n_classes))
    Y[np.arange(labels.shape[0]), labels] = 1.0
    return Y
