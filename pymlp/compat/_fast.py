"""A lean one-sample forward and backward pass for the legacy per-call API.

Legacy scripts train one sample per call on networks of a few units, where
the general ``Network`` path spends most of its time on per-call
bookkeeping (buffer look-ups, activation grouping, loss objects). A
``StepPlan`` binds, once per network layout, the weight, bias and gradient
views and the (1, units) buffers, and then runs the same arithmetic as
``Network._forward`` and ``Network._backward`` with the mse loss:

    Z = A_prev @ W.T + b        A = f(Z)
    dA_out = (2 / n_out) * (A_out - y)
    delta = dA * f'(Z)      dW = delta.T @ A_prev      db = delta
    dA_prev = delta @ W

Gradients land in ``network.grads`` (same layout as ``params``), and the
step is ``params -= lr * grads``. A plan covers networks whose layers each
use one elementwise activation; others take the general path.

The legacy activations (identity, ReLU, the decreasing legacy sigmoid) and
the usual sigmoid get one-sample kernels of one to four numpy calls each;
any other activation runs through its :class:`~pymlp.activations.Activation`.
"""

from operator import attrgetter, is_

import numpy as np

from ..activations import LEGACY_SIGMOID, Activation, _logistic, get_activation

# the sigmoids share the stable clipped kernel of pymlp.activations
_ZERO = np.float64(0.0)
_ONE = np.float64(1.0)


def _identity_value(Z, A, scratch):
    np.positive(Z, out=A)


def _identity_backward(Z, A, dA, delta):
    np.positive(dA, out=delta)


def _relu_value(Z, A, scratch):
    np.maximum(Z, _ZERO, out=A)


def _relu_backward(Z, A, dA, delta):
    # sign(A) is 1 where z > 0 and 0 elsewhere (ReLU'(0) = 0)
    np.sign(A, out=delta)
    np.multiply(delta, dA, out=delta)


def _legacy_sigmoid_value(Z, A, scratch):
    _logistic(Z, -1.0, out=A)  # 1 / (1 + exp(z))


def _legacy_sigmoid_backward(Z, A, dA, delta):
    # f' = -A * (1 - A) = (A - 1) * A
    np.subtract(A, _ONE, out=delta)
    np.multiply(delta, A, out=delta)
    np.multiply(delta, dA, out=delta)


def _sigmoid_value(Z, A, scratch):
    _logistic(Z, 1.0, out=A)  # 1 / (1 + exp(-z))


def _sigmoid_backward(Z, A, dA, delta):
    # f' = A * (1 - A)
    np.subtract(_ONE, A, out=delta)
    np.multiply(delta, A, out=delta)
    np.multiply(delta, dA, out=delta)


_KERNELS = {
    get_activation("identity"): (_identity_value, _identity_backward),
    get_activation("relu"): (_relu_value, _relu_backward),
    get_activation(LEGACY_SIGMOID): (_legacy_sigmoid_value, _legacy_sigmoid_backward),
    get_activation("sigmoid"): (_sigmoid_value, _sigmoid_backward),
}


def _kernels(act):
    """(value, backward) for one sample: a dedicated pair or the Activation's."""
    found = _KERNELS.get(act)
    if found is not None:
        return found

    def value(Z, A, scratch):
        act(Z, out=A)

    def backward(Z, A, dA, delta):
        act.backward(Z, A, dA, out=delta)

    return value, backward


__all__ = ["StepPlan"]

_ACTIVATIONS = attrgetter("activations")


class StepPlan:
    """Views and buffers for one-sample steps on one network layout.

    Parameters
    ----------
    net : pymlp.Network
        A network whose layers each have one elementwise activation (see
        :meth:`supports`).
    """

    def __init__(self, net):
        self.net = net
        self.params = net.params
        self._activation_lists = [layer.activations for layer in net.layers]
        dtype = net.dtype
        self._scratch = np.empty_like(net.grads)
        self._stages = []
        start = 0
        for layer in net.layers:
            n_out, n_in = layer.weights.shape
            n_w = n_out * n_in
            dW = net.grads[start : start + n_w].reshape(n_out, n_in)
            db = net.grads[start + n_w : start + n_w + n_out]
            start += n_w + n_out
            value, backward = _kernels(layer.activation)
            Z, A, scratch = (np.empty((1, n_out), dtype) for _ in range(3))
            dA_prev = np.empty((1, n_in), dtype)
            # delta = dLoss/dZ is db for one sample: compute it there directly
            bias_row, delta = layer.bias.reshape(1, n_out), db.reshape(1, n_out)
            self._stages.append(
                (layer.weights, layer.weights.T, bias_row, dW)
                + (value, backward, Z, A, delta, scratch, dA_prev)
            )
        self.outputs = self._stages[-1][7]
        self._dA_out = np.empty_like(self.outputs)
        self._scale = np.float64(2.0 / self.outputs.size)
        self._X = None

    @staticmethod
    def supports(net):
        """Whether every layer has one elementwise activation."""
        return all(
            isinstance(layer.activation, Activation) and layer.activation.elementwise
            for layer in net.layers
        )

    def is_current(self, net):
        """Whether ``net`` still has the layout this plan was built for."""
        return (
            net is self.net
            and net.params is self.params
            and all(map(is_, map(_ACTIVATIONS, net.layers), self._activation_lists))
        )

    def activations(self):
        """``A`` of each layer from the last forward pass, shape (1, units)."""
        return [stage[7] for stage in self._stages]

    def forward(self, X):
        """Forward one sample, X of shape (1, input_size); returns A_out."""
        self._X = X
        for _, W_T, b, _, value, _, Z, A, _, scratch, _ in self._stages:
            np.dot(X, W_T, out=Z)
            np.add(Z, b, out=Z)
            value(Z, A, scratch)
            X = A
        return X

    def step(self, Y, learning_rate):
        """Gradient of the mse at the last forward pass, then one SGD step.

        Parameters
        ----------
        Y : ndarray, shape (1, n_outputs)
        learning_rate : float
        """
        # output layer: d/dA of (1/n_out) * sum (A - Y)**2
        dA = np.subtract(self.outputs, Y, out=self._dA_out)
        np.multiply(dA, self._scale, out=dA)

        # layers, last first
        last = len(self._stages) - 1
        for k in range(last, -1, -1):
            W, _, _, dW, _, backward, Z, A, delta, _, dA_prev = self._stages[k]
            backward(Z, A, dA, delta)
            A_prev = self._stages[k - 1][7] if k > 0 else self._X
            np.dot(delta.T, A_prev, out=dW)
            if k > 0:
                dA = np.dot(delta, W, out=dA_prev)

        # SGD, in place so every view of params stays valid
        np.multiply(self.net.grads, learning_rate, out=self._scratch)
        np.subtract(self.params, self._scratch, out=self.params)
