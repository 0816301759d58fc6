"""Dense layers: a weight matrix, a bias vector and one activation per unit.

Vocabulary, used throughout pymlp:

``weights`` / ``W``
    shape ``(units, n_in)``; row ``j`` holds unit ``j``'s weights.
``bias`` / ``b``
    shape ``(units,)``.
``Z``, ``A``
    pre-activations ``A_prev @ W.T + b`` and activations ``f(Z)``, both
    ``(n_samples, units)``.
``delta``
    ``dLoss/dZ``, ``(n_samples, units)``.
``dW``, ``db``
    gradients, the same shapes as ``weights`` and ``bias``.

A layer does not own its parameters: the :class:`~pymlp.network.Network`
allocates one flat buffer for all of them and hands each layer views into it,
so an optimizer updates the whole network in one pass and the arrays a user
(or a legacy neuron) holds see every update.
"""

import numpy as np

from .activations import Activation, get_activation

__all__ = ["Dense", "INIT_NAMES"]

INIT_NAMES = ("auto", "he_normal", "he_uniform", "glorot_normal", "glorot_uniform")

# Activations that zero or damp half the line: He initialisation keeps the
# variance of their outputs steady; everything else gets Glorot.
_HE_FAMILY = {"relu", "leaky_relu", "elu", "gelu", "silu"}


class Dense:
    """A fully connected layer.

    Parameters
    ----------
    units : int
        Number of units (outputs) of the layer.
    activation : str, sympy expression, Activation, None, or list of them
        One activation for every unit, or a list with one entry per unit.
        Names are those of :data:`pymlp.activations.BUILTIN_NAMES`; any sympy
        expression in ``x`` works too. ``None`` means identity.
    init : str, optional
        Weight initialisation for this layer, overriding the network's:
        one of :data:`INIT_NAMES`. ``"auto"`` picks He for ReLU-like units
        and Glorot for the rest.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> layer = Dense(16, sympy.tanh(x) * 1.7159)
    >>> mixed = Dense(3, ["relu", "tanh", x**3])
    """

    def __init__(self, units, activation="relu", init=None):
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)):
            raise TypeError(f"units must be an integer, got {units!r}")
        if units < 1:
            raise ValueError(f"units must be at least 1, got {units}")
        if init is not None:
            _check_init(init)
        self.units = int(units)
        self.init = init
        self.n_in = None
        self._weights = self._bias = self._dW = self._db = None
        self._buffers = {}
        if isinstance(activation, (list, tuple)):
            if len(activation) != units:
                raise ValueError(
                    f"got {len(activation)} activations for {units} units: pass "
                    "one activation, or a list with one entry per unit"
                )
            self.activations = [get_activation(a) for a in activation]
        else:
            self.activations = [get_activation(activation)] * self.units
        self._group_units()

    # parameters: views into the network's flat buffers

    @property
    def weights(self):
        """ndarray, shape (units, n_in): row ``j`` is unit ``j``'s weights."""
        self._require_built()
        return self._weights

    @weights.setter
    def weights(self, value):
        self._require_built()
        _assign(self._weights, value, "weights")

    @property
    def bias(self):
        """ndarray, shape (units,)."""
        self._require_built()
        return self._bias

    @bias.setter
    def bias(self, value):
        self._require_built()
        _assign(self._bias, value, "bias")

    @property
    def activation(self):
        """The layer's activation, or the list of per-unit activations if mixed."""
        if len(self._groups) == 1:
            return self._groups[0][0]
        return list(self.activations)

    def set_activation(self, unit, activation):
        """Give one unit a new activation (any spec :func:`get_activation` takes).

        Parameters
        ----------
        unit : int
            Index of the unit, ``0 <= unit < units``.
        activation : str, sympy expression, Activation or None
        """
        if not -self.units <= unit < self.units:
            raise IndexError(
                f"unit must be in [0, {self.units - 1}] for a layer of {self.units} "
                f"units, got {unit}"
            )
        activations = list(self.activations)
        activations[unit] = get_activation(activation)
        previous, self.activations = self.activations, activations
        try:
            self._group_units()
        except ValueError:
            self.activations = previous
            self._group_units()
            raise

    @property
    def n_params(self):
        """Number of parameters, ``units * (n_in + 1)``."""
        return self.units * (self.n_in + 1)

    def __repr__(self):
        act = self.activation
        act = act.name if isinstance(act, Activation) else [a.name for a in act]
        return f"Dense({self.units}, {act!r})"

    # forward and backward

    def forward(self, A_prev):
        """Compute ``A = f(A_prev @ W.T + b)`` and cache what backward needs.

        Parameters
        ----------
        A_prev : ndarray, shape (n_samples, n_in)

        Returns
        -------
        A : ndarray, shape (n_samples, units)
            A buffer owned by the layer, overwritten by the next forward pass
            with the same batch size.
        """
        Z, A, _, _ = self._buffers_for(A_prev.shape[0])
        np.matmul(A_prev, self._weights.T, out=Z)
        Z += self._bias
        self._apply(Z, A)
        self._A_prev, self._Z, self._A = A_prev, Z, A
        return A

    def backward(self, dA=None, delta=None, need_dA_prev=True):
        """Back-propagate through the layer, writing ``dW`` and ``db``.

        Pass either ``dA = dLoss/dA`` or an already computed
        ``delta = dLoss/dZ`` (the fused output-layer case).

        Returns
        -------
        dA_prev : ndarray, shape (n_samples, n_in), or None
            ``dLoss/dA_prev``; None when ``need_dA_prev`` is false.
        """
        _, _, delta_buf, dA_prev = self._buffers_for(self._Z.shape[0])
        if delta is None:
            delta = self._delta(dA, delta_buf)

        # parameter gradients
        np.matmul(delta.T, self._A_prev, out=self._dW)
        np.add.reduce(delta, axis=0, out=self._db)

        if not need_dA_prev:
            return None
        return np.matmul(delta, self._weights, out=dA_prev)

    # internals

    def _group_units(self):
        """Group unit indices by activation; contiguous runs become slices."""
        groups = {}
        for j, act in enumerate(self.activations):
            groups.setdefault(act, []).append(j)
        self._groups = []
        for act, idx in groups.items():
            if len(groups) > 1 and not act.elementwise:
                raise ValueError(
                    f"{act.name} couples the units of a layer and cannot be mixed "
                    "with other activations in one layer; give it its own layer"
                )
            if idx == list(range(idx[0], idx[-1] + 1)):
                sel = slice(idx[0], idx[-1] + 1)
            else:
                sel = np.asarray(idx)
            self._groups.append((act, sel))

    def _apply(self, Z, A):
        if len(self._groups) == 1:
            self._groups[0][0](Z, out=A)
            return
        for act, sel in self._groups:
            A[:, sel] = act(Z[:, sel])

    def _delta(self, dA, out):
        if len(self._groups) == 1:
            return self._groups[0][0].backward(self._Z, self._A, dA, out=out)
        for act, sel in self._groups:
            out[:, sel] = act.backward(self._Z[:, sel], self._A[:, sel], dA[:, sel])
        return out

    def _bind(self, weights, bias, dW, db):
        """Attach views into the network's parameter and gradient buffers."""
        self.n_in = weights.shape[1]
        self._weights, self._bias, self._dW, self._db = weights, bias, dW, db
        self._buffers.clear()

    def _buffers_for(self, n_samples):
        """(Z, A, delta, dA_prev) buffers for a batch size, reused between calls."""
        bufs = self._buffers.get(n_samples)
        if bufs is None:
            if len(self._buffers) >= 2:  # a full batch and a last partial one
                self._buffers.pop(next(iter(self._buffers)))
            dtype = self._weights.dtype
            shape = (n_samples, self.units)
            bufs = (
                np.empty(shape, dtype),
                np.empty(shape, dtype),
                np.empty(shape, dtype),
                np.empty((n_samples, self.n_in), dtype),
            )
            self._buffers[n_samples] = bufs
        return bufs

    def _initial_weights(self, rng, init):
        """Draw a (units, n_in) float64 weight matrix, one row per unit."""
        init = self.init or init
        n_in, n_out = self.n_in, self.units
        W = np.empty((n_out, n_in))
        for act, sel in self._groups:
            rows = np.arange(n_out)[sel]
            scheme = init
            if scheme == "auto":
                he = act.name in _HE_FAMILY
                scheme = "he_normal" if he else "glorot_uniform"
            W[rows] = _draw(rng, scheme, (rows.size, n_in), n_in, n_out)
        return W

    def _require_built(self):
        if self._weights is None:
            raise RuntimeError(
                "this layer has no weights yet: add it to a Network, which sets "
                "its input size and allocates its parameters"
            )


def _draw(rng, scheme, shape, n_in, n_out):
    if scheme == "he_normal":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), shape)
    if scheme == "he_uniform":
        limit = np.sqrt(6.0 / n_in)
    elif scheme == "glorot_normal":
        return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), shape)
    else:
        limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, shape)


def _check_init(init):
    if init not in INIT_NAMES:
        raise ValueError(
            f"unknown init {init!r}: expected one of {', '.join(INIT_NAMES)}"
        )


def _assign(view, value, name):
    value = np.asarray(value)
    if value.shape != view.shape:
        raise ValueError(
            f"{name} must keep its shape {view.shape}, got an array of shape "
            f"{value.shape}"
        )
    view[...] = value
