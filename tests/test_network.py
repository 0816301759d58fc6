"""Network forward/backward: exact gradients, shapes, dtypes, bad input."""

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pymlp
from pymlp import Dense, Network
from pymlp.activations import get_activation

x = sympy.Symbol("x")

HIDDEN_CHOICES = [
    "identity",
    "relu",
    "leaky_relu",
    "sigmoid",
    "tanh",
    "softplus",
    "elu",
    "gelu",
    "silu",
    sympy.sin(x),
    x**3 / (1 + x**2),
    sympy.Max(0.1 * x, x),
    1.7159 * sympy.tanh(2 * x / 3),
]
LEGACY_SIGMOID = 1 / (1 + sympy.exp(x))


# a deliberately simple second implementation: one sample at a time, every
# unit's activation and derivative lambdified here from its sympy expression


def _scalar_functions(activation):
    if activation.name == "softmax":
        return None
    expr = activation.expr
    f = sympy.lambdify(x, expr, "numpy")
    df = sympy.lambdify(x, sympy.diff(expr, x), "numpy")
    return lambda z: float(f(z)), lambda z: float(df(z))


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def reference_loss_and_gradients(net, X, Y, loss):
    X = np.asarray(X, float)
    Y = np.asarray(Y, float)
    n, n_out = X.shape[0], net.n_outputs
    if loss == "cross_entropy" and Y.ndim == 1:
        Y = np.eye(n_out)[Y.astype(int)]
    Y = Y.reshape(n, n_out)
    funcs = [[_scalar_functions(a) for a in layer.activations] for layer in net.layers]
    grads = [
        (np.zeros(layer.weights.shape), np.zeros(layer.units)) for layer in net.layers
    ]
    total = 0.0
    for s in range(n):
        a_list, z_list = [X[s]], []
        for layer, fs in zip(net.layers, funcs):
            z = layer.weights.astype(float) @ a_list[-1] + layer.bias
            if fs[0] is None:
                a = _softmax(z)
            else:
                a = np.array([f(zj) for (f, _), zj in zip(fs, z)])
            z_list.append(z)
            a_list.append(a)
        a, y = a_list[-1], Y[s]
        if loss == "mse":
            total += np.sum((a - y) ** 2) / (n * n_out)
            da = 2 * (a - y) / (n * n_out)
        elif loss == "binary_cross_entropy":
            total -= np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / (n * n_out)
            da = (a - y) / (a * (1 - a)) / (n * n_out)
        else:
            total -= np.sum(y * np.log(a)) / n
            da = -y / a / n
        for k in range(len(net.layers) - 1, -1, -1):
            fs, z, a = funcs[k], z_list[k], a_list[k + 1]
            if fs[0] is None:
                jac = np.diag(a) - np.outer(a, a)
                delta = jac.T @ da
            else:
                delta = da * np.array([df(zj) for (_, df), zj in zip(fs, z)])
            grads[k][0][:] += np.outer(delta, a_list[k])
            grads[k][1][:] += delta
            da = net.layers[k].weights.T @ delta
    return total, grads


@st.composite
def networks_and_data(draw):
    loss = draw(st.sampled_from(["mse", "binary_cross_entropy", "cross_entropy"]))
    depth = draw(st.integers(1, 4))
    n_in = draw(st.integers(1, 6))
    widths = [draw(st.integers(1, 16)) for _ in range(depth - 1)]
    layers = []
    for width in widths:
        if draw(st.booleans()):
            act = draw(st.sampled_from(HIDDEN_CHOICES))
        else:
            act = [draw(st.sampled_from(HIDDEN_CHOICES)) for _ in range(width)]
        layers.append(Dense(width, act))
    if loss == "cross_entropy":
        n_out = draw(st.integers(2, 5))
        layers.append(Dense(n_out, "softmax"))
    elif loss == "binary_cross_entropy":
        n_out = draw(st.integers(1, 4))
        layers.append(Dense(n_out, draw(st.sampled_from(["sigmoid", LEGACY_SIGMOID]))))
    else:
        n_out = draw(st.integers(1, 4))
        out_act = draw(st.sampled_from(HIDDEN_CHOICES + ["softmax", LEGACY_SIGMOID]))
        layers.append(Dense(n_out, out_act))
    seed = draw(st.integers(0, 2**16))
    net = Network(n_in, layers, seed=seed)
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 8))
    X = rng.normal(size=(n, n_in))
    if loss == "cross_entropy":
        Y = (
            rng.integers(0, n_out, n)
            if draw(st.booleans())
            else np.eye(n_out)[rng.integers(0, n_out, n)]
        )
    elif loss == "binary_cross_entropy":
        Y = rng.uniform(size=(n, n_out))
    else:
        Y = rng.normal(size=(n, n_out))
    return net, X, Y, loss


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks_and_data())
def test_gradients_match_finite_differences(case):
    net, X, Y, loss = case
    assert pymlp.gradcheck(net, X, Y, loss=loss, max_params=None) < 1e-6


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks_and_data())
def test_gradients_match_per_sample_reference(case):
    net, X, Y, loss = case
    value, grads = net.loss_and_gradients(X, Y, loss=loss)
    ref_value, ref_grads = reference_loss_and_gradients(net, X, Y, loss)
    assert value == pytest.approx(ref_value, rel=1e-9, abs=1e-12)
    for (dW, db), (rW, rb) in zip(grads, ref_grads):
        np.testing.assert_allclose(dW, rW, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(db, rb, rtol=1e-7, atol=1e-10)


def test_weights_are_views_into_the_flat_buffer():
    net = pymlp.MLP([3, 4, 2], seed=0)
    W = net.layers[0].weights
    assert W.shape == (4, 3) and net.layers[0].bias.shape == (4,)
    assert np.shares_memory(W, net.params)
    net.params[:] = 0.5
    assert (W == 0.5).all()
    net.layers[1].weights = np.ones((2, 4))
    assert net.layers[1].weights is not None and (net.layers[1].weights == 1).all()
    assert net.n_params == 4 * 3 + 4 + 2 * 4 + 2


def test_weights_setter_refuses_a_new_shape():
    net = pymlp.MLP([3, 4, 2], seed=0)
    with pytest.raises(ValueError, match=r"must keep its shape \(4, 3\)"):
        net.layers[0].weights = np.ones((3, 4))


def test_same_seed_gives_bitwise_identical_networks():
    a = pymlp.MLP([5, 7, 3], output="softmax", seed=42)
    b = pymlp.MLP([5, 7, 3], output="softmax", seed=42)
    c = pymlp.MLP([5, 7, 3], output="softmax", seed=43)
    assert a.params.tobytes() == b.params.tobytes()
    assert a.params.tobytes() != c.params.tobytes()


def test_initialisation_scales_follow_the_activation():
    relu = pymlp.MLP([400, 300, 1], activation="relu", seed=0)
    tanh = pymlp.MLP([400, 300, 1], activation="tanh", seed=0)
    assert relu.layers[0].weights.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert tanh.layers[0].weights.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert (relu.layers[0].bias == 0).all()


def test_float32_network_stays_float32_and_agrees_with_float64():
    net64 = pymlp.MLP([6, 8, 3], activation="tanh", output="softmax", seed=1)
    net32 = net64.copy(dtype="float32")
    X = np.random.default_rng(0).normal(size=(10, 6))
    out32 = net32.predict(X)
    assert out32.dtype == np.float32 and net32.params.dtype == np.float32
    np.testing.assert_allclose(out32, net64.predict(X), rtol=1e-5, atol=1e-6)
    value, grads = net32.loss_and_gradients(X, np.arange(10) % 3, "cross_entropy")
    assert all(dW.dtype == np.float32 and db.dtype == np.float32 for dW, db in grads)


def test_forward_reuses_buffers_and_predict_returns_fresh_arrays():
    net = pymlp.MLP([2, 3, 1], seed=0)
    X = np.ones((4, 2))
    assert net.forward(X) is net.forward(X)
    p1, p2 = net.predict(X), net.predict(X)
    assert p1 is not p2
    np.testing.assert_array_equal(p1, p2)


def test_predict_handles_more_rows_than_one_chunk():
    net = pymlp.MLP([2, 3, 2], seed=0)
    X = np.random.default_rng(0).normal(size=(20000, 2))
    out = net.predict(X)
    np.testing.assert_allclose(out[-5:], net.predict(X[-5:]), rtol=1e-12)


def test_mse_matches_the_legacy_cost_per_sample():
    net = pymlp.MLP([2, 3, 2], activation="tanh", seed=3)
    X, Y = np.array([[0.3, 0.3]]), np.array([[0.9, 0.1]])
    value, _ = net.loss_and_gradients(X, Y, "mse")
    out = net.predict(X)[0]
    assert value == pytest.approx(((out - Y[0]) ** 2).sum() / 2, rel=1e-14)


def test_fused_cross_entropy_never_takes_log_of_zero():
    net = Network(2, [Dense(3, "softmax")], seed=0)
    net.layers[0].weights = np.array([[1e4, 0], [0, 0], [-1e4, 0]])
    with np.errstate(all="raise"):
        value, grads = net.loss_and_gradients([[1.0, 0.0]], [2], "cross_entropy")
    assert np.isfinite(value) and value == pytest.approx(2e4)
    assert all(np.isfinite(dW).all() for dW, _ in grads)


def test_mixed_layer_groups_units_by_activation():
    layer = Dense(4, ["relu", "tanh", "relu", "tanh"])
    net = Network(3, [layer, Dense(1)], seed=0)
    X = np.random.default_rng(0).normal(size=(5, 3))
    net.predict(X)
    Z = X @ layer.weights.T + layer.bias
    expected = np.where([True, False, True, False], np.maximum(Z, 0), np.tanh(Z))
    np.testing.assert_allclose(layer._A, expected, rtol=1e-14)
    assert isinstance(layer.activation, list)


def test_add_units_keeps_outputs_when_new_columns_are_zero():
    net = pymlp.MLP([2, 3, 1], activation="tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(4, 2))
    before = net.predict(X)
    net.add_units(0, count=2, activation="relu", weights=[[0.5, 0.6], [0.7, 0.8]])
    assert net.sizes == [2, 5, 1]
    assert net.layers[0].weights.shape == (5, 2)
    np.testing.assert_array_equal(net.layers[0].weights[3:], [[0.5, 0.6], [0.7, 0.8]])
    np.testing.assert_allclose(net.predict(X), before, rtol=1e-14)
    net.add_inputs(1)
    assert net.layers[0].weights.shape == (5, 3)
    np.testing.assert_allclose(net.predict(np.c_[X, np.ones(4)]), before, rtol=1e-14)


# bad input: each says what was expected and what came


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.ones(3), ValueError, r"2-D array \(n_samples, 3\).*1-D.*reshape\(1, -1\)"),
        (np.ones((2, 4)), ValueError, r"4 features per row but the network takes 3"),
        (np.ones((0, 3)), ValueError, r"no rows"),
        ([[1.0, np.nan, 0.0]], ValueError, r"NaN or infinity"),
        ([[1.0, np.inf, 0.0]], ValueError, r"NaN or infinity"),
        ([["a", "b", "c"]], TypeError, r"must hold numbers, got dtype <U1"),
        (np.array([[1, None, 2]], dtype=object), TypeError, r"must hold numbers"),
        (np.ones((1, 3), complex), TypeError, r"must be real"),
    ],
)
def test_bad_inputs_are_refused(X, error, match):
    net = pymlp.MLP([3, 2, 1], seed=0)
    with pytest.raises(error, match=match):
        net.predict(X)


@pytest.mark.parametrize(
    "Y, loss, match",
    [
        (np.ones((3, 2)), "mse", r"Y has 3 rows but X has 2"),
        (np.ones((2, 3)), "mse", r"Y has shape \(2, 3\), expected \(2, 2\)"),
        ([[np.nan, 0], [0, 0]], "mse", r"Y contains NaN"),
        ([[2.0, 0], [0, 0]], "binary_cross_entropy", r"targets in \[0, 1\]"),
        ([0, 5], "cross_entropy", r"class labels must lie in \[0, 1\]"),
        ([0.5, 1.0], "cross_entropy", r"integer class labels"),
        (np.ones((2, 2)), "hinge", r"unknown loss 'hinge': expected one of mse"),
    ],
)
def test_bad_targets_are_refused(Y, loss, match):
    net = pymlp.MLP([3, 2, 2], output="softmax", seed=0)
    with pytest.raises(ValueError, match=match):
        net.loss_and_gradients(np.ones((2, 3)), Y, loss)


def test_bad_construction_is_refused():
    with pytest.raises(ValueError, match=r"units must be at least 1, got 0"):
        Dense(0)
    with pytest.raises(TypeError, match=r"units must be an integer"):
        Dense(2.5)
    with pytest.raises(ValueError, match=r"got 2 activations for 3 units"):
        Dense(3, ["relu", "tanh"])
    with pytest.raises(ValueError, match=r"cannot be mixed"):
        Dense(2, ["softmax", "relu"])
    with pytest.raises(ValueError, match=r"only supported in the output layer"):
        Network(2, [Dense(3, "softmax"), Dense(1)])
    with pytest.raises(ValueError, match=r"dtype must be one of float64, float32"):
        pymlp.MLP([2, 1], dtype="int8")
    with pytest.raises(ValueError, match=r"unknown init 'zeros'"):
        pymlp.MLP([2, 1], init="zeros")
    with pytest.raises(ValueError, match=r"at least one layer"):
        Network(2, [])
    with pytest.raises(TypeError, match=r"layers\[0\] must be a pymlp.Dense"):
        Network(2, ["relu"])
    layer = Dense(2)
    with pytest.raises(ValueError, match=r"appears twice"):
        Network(2, [layer, layer])
    with pytest.raises(RuntimeError, match=r"add it to a Network"):
        _ = Dense(2).weights


def test_any_sympy_expression_is_an_activation():
    net = Network(
        2, [Dense(3, sympy.tanh(x) * 1.7159), Dense(1, get_activation(x))], seed=0
    )
    X = np.random.default_rng(0).normal(size=(4, 2))
    Y = np.ones((4, 1))
    assert pymlp.gradcheck(net, X, Y) < 1e-6


def test_set_activation_changes_one_unit_and_refuses_mixing_softmax():
    net = pymlp.MLP([2, 3, 2], activation="relu", seed=0)
    layer = net.layers[0]
    layer.set_activation(1, "tanh")
    assert [a.name for a in layer.activations] == ["relu", "tanh", "relu"]
    X = np.random.default_rng(0).normal(size=(4, 2))
    net.predict(X)
    Z = X @ layer.weights.T + layer.bias
    np.testing.assert_allclose(layer._A[:, 1], np.tanh(Z[:, 1]), rtol=1e-14)
    with pytest.raises(ValueError, match=r"cannot be mixed"):
        layer.set_activation(0, "softmax")
    assert [a.name for a in layer.activations] == ["relu", "tanh", "relu"]
    with pytest.raises(IndexError, match=r"unit must be in \[0, 2\]"):
        layer.set_activation(3, "relu")


def test_add_units_with_a_seed_is_reproducible():
    a, b = pymlp.MLP([3, 4, 2], seed=0), pymlp.MLP([3, 4, 2], seed=0)
    a.add_units(0, count=3, activation="tanh", seed=7)
    b.add_units(0, count=3, activation="tanh", seed=7)
    assert a.params.tobytes() == b.params.tobytes()
    assert np.abs(a.layers[0].weights[4:]).sum() > 0
