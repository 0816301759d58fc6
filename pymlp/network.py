"""Network: a stack of dense layers over one flat parameter buffer.

All weights and biases live in one contiguous 1-D array, ``Network.params``;
each layer's ``weights`` and ``bias`` are views into it, laid out layer by
layer as ``W_0, b_0, W_1, b_1, ...``. Gradients live in ``Network.grads`` with
the same layout. An optimizer therefore updates the whole network in one pass,
and every view (a layer's arrays, a legacy neuron's ``w``) sees the update.

Forward, for each layer: ``Z = A_prev @ W.T + b`` and ``A = f(Z)``.
Backward, last layer first: ``delta = dA * f'(Z)`` (or the fused ``A - Y`` for
softmax + cross-entropy and sigmoid + binary cross-entropy), then
``dW = delta.T @ A_prev``, ``db = delta.sum(0)``, ``dA_prev = delta @ W``.
The only Python loop is over layers.
"""

import numpy as np

from .activations import Activation
from .layers import Dense, _check_init
from .losses import get_loss

__all__ = ["Network", "MLP"]

_DTYPES = {"float64": np.float64, "float32": np.float32}
_PREDICT_CHUNK = 8192


class Network:
    """A multilayer perceptron: dense layers applied in order.

    Parameters
    ----------
    input_size : int
        Number of input features.
    layers : list of Dense
        The layers, first to last; the last one is the output layer.
    seed : int or None
        Seed for the weight initialisation (``numpy.random.default_rng``).
        The same seed gives bitwise-identical networks.
    dtype : {"float64", "float32"}
        Floating-point type of parameters and computations.
    init : str
        Default weight initialisation, one of :data:`pymlp.layers.INIT_NAMES`;
        ``"auto"`` uses He for ReLU-like units and Glorot for the others.
        Biases start at zero.

    Attributes
    ----------
    params : ndarray, shape (n_params,)
        Every parameter, flat. ``layers[k].weights`` and ``layers[k].bias``
        are views into it.
    grads : ndarray, shape (n_params,)
        Gradients of the last backward pass, same layout as ``params``.
    metadata : dict
        Free-form JSON-able data saved with the model (training summary,
        preprocessing of the command line tool, ...).

    Examples
    --------
    >>> import numpy as np
    >>> net = Network(4, [Dense(8, "relu"), Dense(3, "softmax")], seed=0)
    >>> net.predict(np.ones((2, 4))).shape
    (2, 3)
    """

    def __init__(self, input_size, layers, seed=None, dtype="float64", init="auto"):
        if isinstance(input_size, bool) or not isinstance(
            input_size, (int, np.integer)
        ):
            raise TypeError(f"input_size must be an integer, got {input_size!r}")
        if input_size < 1:
            raise ValueError(f"input_size must be at least 1, got {input_size}")
        layers = list(layers)
        if not layers:
            raise ValueError("a Network needs at least one layer, got an empty list")
        for k, layer in enumerate(layers):
            if not isinstance(layer, Dense):
                raise TypeError(
                    f"layers[{k}] must be a pymlp.Dense, got {type(layer).__name__}"
                )
            if any(layer is other for other in layers[:k]):
                raise ValueError(
                    f"layers[{k}] appears twice in the list; create a new Dense "
                    "for each position"
                )
            if layer.n_in is not None:
                raise ValueError(
                    f"layers[{k}] already belongs to a network; create a new Dense"
                )
        for k, layer in enumerate(layers[:-1]):
            if any(not a.elementwise for a in layer.activations):
                raise ValueError(
                    f"layers[{k}] uses softmax, which is only supported in the "
                    "output layer; use relu or tanh for hidden layers"
                )
        _check_init(init)
        self.dtype = np.dtype(_resolve_dtype(dtype))
        self.input_size = int(input_size)
        self.layers = layers
        self.init = init
        self.metadata = {}
        self._out_grad = {}
        self._allocate(np.random.default_rng(seed))

    # shapes

    @property
    def sizes(self):
        """Layer widths, input first: ``[input_size, units_0, units_1, ...]``."""
        return [self.input_size] + [layer.units for layer in self.layers]

    @property
    def n_outputs(self):
        """Width of the output layer."""
        return self.layers[-1].units

    @property
    def n_params(self):
        """Total number of weights and biases."""
        return self.params.size

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Network(input_size={self.input_size}, layers=[{inner}])"

    # forward and backward

    def forward(self, X):
        """Run a batch forward and cache what :meth:`backward` needs.

        Parameters
        ----------
        X : array_like, shape (n_samples, input_size)

        Returns
        -------
        A : ndarray, shape (n_samples, n_outputs)
            The output activations, in a buffer the network reuses: copy it
            to keep it past the next forward pass.
        """
        return self._forward(self._check_X(X))

    def backward(self, Y, loss="mse"):
        """Back-propagate from the last :meth:`forward`; fill :attr:`grads`.

        Parameters
        ----------
        Y : array_like, shape (n_samples, n_outputs)
            Targets for the batch given to the last forward pass.
        loss : str or Loss

        Returns
        -------
        float
            The loss of that batch.
        """
        loss = get_loss(loss)
        A = self.layers[-1]._A
        Y = loss.prepare_targets(Y, A.shape[0], self.n_outputs, self.dtype)
        return self._backward(Y, loss)

    def loss_and_gradients(self, X, Y, loss="mse"):
        """The loss of a batch and the gradient of every parameter.

        Parameters
        ----------
        X : array_like, shape (n_samples, input_size)
        Y : array_like, shape (n_samples, n_outputs)
            Targets; for ``"cross_entropy"`` also 1-D integer class labels.
        loss : {"mse", "binary_cross_entropy", "cross_entropy"} or Loss

        Returns
        -------
        loss : float
        grads : list of (dW, db)
            One pair per layer, shaped like ``(weights, bias)``. They are
            views into :attr:`grads`, overwritten by the next backward pass:
            copy them to keep them.

        Examples
        --------
        >>> import numpy as np
        >>> net = MLP([3, 5, 2], output="softmax", seed=0)
        >>> value, grads = net.loss_and_gradients(np.ones((4, 3)), [0, 1, 1, 0],
        ...                                       loss="cross_entropy")
        >>> grads[0][0].shape
        (5, 3)
        """
        loss = get_loss(loss)
        X = self._check_X(X)
        Y = loss.prepare_targets(Y, X.shape[0], self.n_outputs, self.dtype)
        self._forward(X)
        value = self._backward(Y, loss)
        return value, [(layer._dW, layer._db) for layer in self.layers]

    def predict(self, X):
        """Outputs of the network for a batch of inputs.

        Parameters
        ----------
        X : array_like, shape (n_samples, input_size)

        Returns
        -------
        ndarray, shape (n_samples, n_outputs)
            A new array (not a reused buffer).
        """
        X = self._check_X(X)
        out = np.empty((X.shape[0], self.n_outputs), self.dtype)
        for start in range(0, X.shape[0], _PREDICT_CHUNK):
            stop = start + _PREDICT_CHUNK
            out[start:stop] = self._forward(X[start:stop])
        return out

    def train_step(self, X, Y, loss, optimizer):
        """One optimizer step on one batch; returns the batch loss before the step.

        A lean call for custom training loops: ``X`` must already be a 2-D
        array of the network's dtype and ``Y`` targets prepared by
        ``loss.prepare_targets`` (or any array of shape (n_samples, n_outputs)).
        """
        loss = get_loss(loss)
        self._forward(X)
        value = self._backward(Y, loss)
        optimizer.step(self.params, self.grads)
        return value

    def _forward(self, X):
        A = X
        for layer in self.layers:
            A = layer.forward(A)
        return A

    def _backward(self, Y, loss):
        out = self.layers[-1]
        act = out.activation
        need_dA = len(self.layers) > 1

        # output layer: fused delta where the chain rule collapses
        if isinstance(act, Activation) and loss.fuses_with(act):
            value = loss.value(out._A, Y, Z=out._Z)
            delta = loss.fused_delta(out._A, Y, out=self._output_grad(out._A.shape))
            dA = out.backward(delta=delta, need_dA_prev=need_dA)
        else:
            value = loss.value(out._A, Y)
            dA = loss.gradient(out._A, Y, out=self._output_grad(out._A.shape))
            dA = out.backward(dA=dA, need_dA_prev=need_dA)

        # hidden layers, last first; the input needs no gradient
        for k in range(len(self.layers) - 2, -1, -1):
            dA = self.layers[k].backward(dA=dA, need_dA_prev=k > 0)
        return value

    def _output_grad(self, shape):
        buf = self._out_grad.get(shape)
        if buf is None:
            if len(self._out_grad) >= 2:
                self._out_grad.pop(next(iter(self._out_grad)))
            buf = self._out_grad[shape] = np.empty(shape, self.dtype)
        return buf

    # training, persistence, copies

    def fit(self, X, Y, **kwargs):
        """Train the network; see :func:`pymlp.training.fit` for the arguments.

        Returns
        -------
        History
            Per-epoch loss, validation loss, metrics and learning rate.
        """
        from .training import fit

        return fit(self, X, Y, **kwargs)

    def save(self, path, optimizer=None):
        """Write the network to a ``.npz`` file; see :func:`pymlp.io.save`."""
        from .io import save

        save(self, path, optimizer=optimizer)

    def copy(self, dtype=None):
        """A new network with the same layers and a copy of the parameters."""
        dtype = self.dtype if dtype is None else _resolve_dtype(dtype)
        layers = [Dense(layer.units, layer.activations) for layer in self.layers]
        net = Network(self.input_size, layers, dtype=np.dtype(dtype).name)
        net.params[...] = self.params
        return net

    # growth (used by pymlp.compat, where legacy code adds neurons one by one)

    def add_inputs(self, count=1, weights=None):
        """Append ``count`` input features; the first layer gains columns.

        ``weights`` (shape ``(units_0, count)``) fills the new columns; zeros
        by default.
        """
        self._grow(-1, count, None, weights, None, None)

    def add_units(
        self,
        layer_index,
        count=1,
        activation=None,
        weights=None,
        next_weights=None,
        seed=None,
    ):
        """Append ``count`` units to a layer.

        Parameters
        ----------
        layer_index : int
        count : int
        activation : activation spec for the new units (identity if None)
        weights : array_like, shape (count, n_in), optional
            Their weights (the layer's initialisation by default); biases 0.
        next_weights : array_like, shape (units_next, count), optional
            The new columns of the next layer's weights; zeros by default, so
            the network's outputs do not change.
        seed : int or None
            Seed of the initialisation of the new rows when ``weights`` is None.

        Notes
        -----
        The parameter buffer is reallocated: views taken earlier go stale,
        and an optimizer's state must be reset.
        """
        self._grow(layer_index, count, activation, weights, next_weights, seed)

    def _grow(self, layer_index, count, activation, weights, next_weights, seed):
        if not isinstance(count, (int, np.integer)) or count < 1:
            raise ValueError(f"count must be a positive integer, got {count!r}")
        n_layers = len(self.layers)
        if not -1 <= layer_index < n_layers:
            raise IndexError(
                f"layer_index must be in [0, {n_layers - 1}], got {layer_index}"
            )
        old = [(layer.weights.copy(), layer.bias.copy()) for layer in self.layers]
        rng = np.random.default_rng(seed)
        if layer_index == -1:
            self.input_size += count
        else:
            layer = self.layers[layer_index]
            new = Dense(count, activation)
            layer.units += count
            layer.activations = layer.activations + new.activations
            layer._group_units()
        self._allocate(rng, keep=old)

        # fill the new rows and columns
        if layer_index == -1:
            if weights is not None:
                self.layers[0].weights[:, -count:] = weights
            return
        layer = self.layers[layer_index]
        if weights is not None:
            layer.weights[-count:] = weights
        if layer_index + 1 < n_layers and next_weights is not None:
            self.layers[layer_index + 1].weights[:, -count:] = next_weights

    def _allocate(self, rng, keep=None):
        """Lay out params and grads; initialise, or copy ``keep`` into place.

        With ``keep`` (old (W, b) per layer), the old values fill the top-left
        blocks, new rows get the layer's initialisation and new columns zeros.
        """
        sizes = self.sizes
        total = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes, sizes[1:]))
        self.params = np.zeros(total, self.dtype)
        self.grads = np.zeros(total, self.dtype)
        start = 0
        for k, (layer, n_in) in enumerate(zip(self.layers, sizes)):
            n_w = layer.units * n_in
            views = []
            for buf in (self.params, self.grads):
                W = buf[start : start + n_w].reshape(layer.units, n_in)
                b = buf[start + n_w : start + n_w + layer.units]
                views += [W, b]
            layer._bind(views[0], views[1], views[2], views[3])
            W_init = layer._initial_weights(rng, self.init)
            if keep is None:
                layer.weights[...] = W_init
            else:
                W_old, b_old = keep[k]
                rows, cols = W_old.shape
                layer.weights[rows:] = W_init[rows:]
                layer.weights[:rows, :cols] = W_old
                layer.bias[:rows] = b_old
            start += n_w + layer.units
        self._out_grad.clear()

    # validation

    def _check_X(self, X):
        X = _as_float_array(X, "X", self.dtype)
        if X.ndim != 2:
            hint = (
                " Reshape with X.reshape(1, -1) for a single sample."
                if X.ndim == 1
                else ""
            )
            raise ValueError(
                f"expected X as a 2-D array (n_samples, {self.input_size}), got a "
                f"{X.ndim}-D array of shape {X.shape}.{hint}"
            )
        if X.shape[1] != self.input_size:
            raise ValueError(
                f"X has {X.shape[1]} features per row but the network takes "
                f"{self.input_size}; pass arrays of shape (n_samples, "
                f"{self.input_size})."
            )
        if X.shape[0] == 0:
            raise ValueError("X has no rows; pass at least one sample.")
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or infinity; remove or impute them.")
        return X


def MLP(sizes, activation="relu", output=None, seed=None, dtype="float64", init="auto"):
    """Shorthand for a :class:`Network` of dense layers.

    Parameters
    ----------
    sizes : sequence of int
        ``[input_size, hidden_1, ..., outputs]``, at least two entries.
    activation : activation spec
        Activation of every hidden layer.
    output : activation spec, optional
        Activation of the output layer; identity when None.
    seed, dtype, init
        As for :class:`Network`.

    Examples
    --------
    >>> net = MLP([64, 128, 64, 10], activation="relu", output="softmax", seed=0)
    >>> net.sizes
    [64, 128, 64, 10]
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs the input size and at least one layer width, got {sizes}"
        )
    layers = [Dense(n, activation) for n in sizes[1:-1]]
    layers.append(Dense(sizes[-1], output))
    return Network(sizes[0], layers, seed=seed, dtype=dtype, init=init)


def _resolve_dtype(dtype):
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in _DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(_DTYPES)}, got {dtype!r}")
    return _DTYPES[name]


def _as_float_array(X, name, dtype):
    """Convert to a C-contiguous float array of ``dtype``, refusing non-numbers."""
    if isinstance(X, np.ndarray) and X.dtype == dtype and X.flags.c_contiguous:
        return X
    try:
        arr = np.asarray(X)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(
            f"{name} must hold numbers, got dtype {arr.dtype}; convert text "
            "columns to numbers first."
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}.")
    return np.ascontiguousarray(arr, dtype=dtype)
