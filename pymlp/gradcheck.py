"""Check a network's gradients against central finite differences.

This answers, for any network, the legacy author's question "is my formula
right?": every analytic gradient from the batched backward pass is compared
with ``(L(p + eps) - L(p - eps)) / (2 eps)`` computed in float64.
"""

import numpy as np

from .losses import get_loss

__all__ = ["gradcheck", "numerical_gradient"]


def numerical_gradient(net, X, Y, loss="mse", eps=1e-6, indices=None):
    """Central-difference gradient of the loss for chosen parameters.

    Parameters
    ----------
    net : Network
        Left unchanged (its parameters are restored exactly).
    X : array_like, shape (n_samples, input_size)
    Y : array_like, targets as for :meth:`Network.loss_and_gradients`
    loss : str or Loss
    eps : float
        Step of the central difference.
    indices : array of int, optional
        Positions in ``net.params`` to differentiate; all when None.

    Returns
    -------
    ndarray, shape (len(indices),)
    """
    loss = get_loss(loss)
    X = net._check_X(X)
    Y = loss.prepare_targets(Y, X.shape[0], net.n_outputs, net.dtype)
    if indices is None:
        indices = np.arange(net.n_params)
    params = net.params
    out = np.empty(len(indices))
    for n, i in enumerate(indices):
        saved = params[i]
        params[i] = saved + eps
        up = _loss_at(net, X, Y, loss)
        params[i] = saved - eps
        down = _loss_at(net, X, Y, loss)
        params[i] = saved
        out[n] = (up - down) / (2 * eps)
    return out


def gradcheck(net, X, Y, loss="mse", eps=1e-6, max_params=2000, seed=0):
    """Largest relative error between analytic and numerical gradients.

    The check runs on a float64 copy of ``net``, so float32 networks are
    checked at full precision and ``net`` itself is never touched.

    The error is ``max_i |g_i - n_i| / max(max_i |g_i|, max_i |n_i|)``: the
    largest discrepancy relative to the size of the gradient. (A ratio per
    entry would be dominated by the rounding noise of entries that are
    almost zero.) Both gradients zero gives 0.

    Parameters
    ----------
    net : Network
    X : array_like, shape (n_samples, input_size)
    Y : array_like
        Targets, as for :meth:`Network.loss_and_gradients`.
    loss : str or Loss
    eps : float
        Finite-difference step.
    max_params : int or None
        Check at most this many parameters, drawn at random (with ``seed``);
        None checks all of them.
    seed : int

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np, pymlp
    >>> net = pymlp.MLP([3, 4, 2], activation="tanh", seed=0)
    >>> rng = np.random.default_rng(0)
    >>> pymlp.gradcheck(net, rng.normal(size=(5, 3)), rng.normal(size=(5, 2))) < 1e-6
    True
    """
    net64 = net.copy(dtype="float64")
    net64.loss_and_gradients(X, Y, loss)
    analytic = net64.grads.copy()
    if max_params is None or net64.n_params <= max_params:
        indices = np.arange(net64.n_params)
    else:
        rng = np.random.default_rng(seed)
        indices = np.sort(rng.choice(net64.n_params, max_params, replace=False))
    numeric = numerical_gradient(net64, X, Y, loss, eps, indices)
    analytic = analytic[indices]
    scale = max(np.abs(analytic).max(), np.abs(numeric).max())
    if scale == 0.0:
        return 0.0
    return float(np.abs(analytic - numeric).max() / scale)


def _loss_at(net, X, Y, loss):
    A = net._forward(X)
    out = net.layers[-1]
    act = out.activation
    fused = not isinstance(act, list) and loss.fuses_with(act)
    if fused:
        return loss.value(A, Y, Z=out._Z)
    return loss.value(A, Y)
