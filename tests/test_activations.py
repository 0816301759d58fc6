"""Tests of pymlp.activations: kernels, derivatives, stability and resolution."""

import math
import pickle
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from pymlp import activations
from pymlp.activations import (
    BUILTIN_NAMES,
    LEGACY_SIGMOID,
    Activation,
    get_activation,
    x,
)

ELEMENTWISE = [name for name in BUILTIN_NAMES if name != "softmax"]
KINKED = {"relu", "leaky_relu", "elu"}
CUSTOM = [
    sympy.sin(x),
    x**3 / (1 + x**2),
    sympy.Max(0.1 * x, x),
    1.7159 * sympy.tanh(2 * x / 3),
]
EXTREME_EXTRAS = [sympy.exp(x), sympy.exp(x) / (1 + sympy.exp(x)), LEGACY_SIGMOID]
EXTREMES = np.array([-1e4, -1e3, -50.0, 0.0, 50.0, 1e3, 1e4])

# The generic forms of some built-ins lose relative accuracy where the value
# is tiny (1 + erf(z/sqrt(2)) for z << 0, log(1 + exp(z)) for z << 0), so the
# built-in and generic kernels agree to rtol 1e-10 plus an absolute 1e-12.
RTOL, ATOL = 1e-10, 1e-12


def generic(expr):
    """The generic compiled kernels of ``expr``, bypassing recognition."""
    return activations._generic_kernels(expr)


def generic_value(expr, Z):
    return generic(expr).value(Z, np.empty_like(Z))


def central_difference(activation, Z, h=1e-6):
    return (activation(Z + h) - activation(Z - h)) / (2 * h)


def away_from_kink(name):
    values = st.floats(-30, 30, allow_nan=False)
    if name in KINKED:
        values = values.filter(lambda v: abs(v) > 1e-6)
    return arrays(np.float64, array_shapes(max_dims=2, max_side=6), elements=values)


# built-in kernels against the generic compiled form of their expression


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_builtin_kernel_matches_generic_form(name, data):
    Z = data.draw(away_from_kink(name))
    activation = get_activation(name)
    reference = generic(activation.expr)

    np.testing.assert_allclose(
        activation(Z), generic_value(activation.expr, Z), rtol=RTOL, atol=ATOL
    )
    np.testing.assert_allclose(
        activation.derivative(Z), reference.derivative(Z, None), rtol=RTOL, atol=ATOL
    )


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_builtin_uses_hand_written_kernel(name):
    activation = get_activation(name)
    assert "_generic_kernels" not in activation._kernels.value.__qualname__
    assert activation.name == name
    assert activation.expr == activations._REGISTRY[name]


# derivatives against central finite differences

GRID = np.linspace(-6.0, 6.0, 61) + 0.0123  # never on the kink at 0


@pytest.mark.parametrize("spec", ELEMENTWISE + CUSTOM, ids=str)
def test_derivative_matches_central_differences(spec):
    activation = get_activation(spec)
    np.testing.assert_allclose(
        activation.derivative(GRID),
        central_difference(activation, GRID),
        rtol=1e-6,
        atol=1e-8,
    )


@pytest.mark.parametrize("spec", CUSTOM, ids=str)
def test_generic_derivative_matches_central_differences(spec):
    kernels = generic(spec)
    h = 1e-6
    slope = (generic_value(spec, GRID + h) - generic_value(spec, GRID - h)) / (2 * h)
    np.testing.assert_allclose(
        kernels.derivative(GRID, None), slope, rtol=1e-6, atol=1e-8
    )


# extremes: finite, and no floating-point warning anywhere


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "spec", BUILTIN_NAMES + tuple(CUSTOM) + tuple(EXTREME_EXTRAS), ids=str
)
def test_extremes_are_finite_without_warnings(spec, dtype):
    activation = get_activation(spec)
    Z = EXTREMES.astype(dtype)
    dA = np.ones_like(Z)

    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        A = activation(Z)
        delta = activation.backward(Z, A, dA)
        delta_without_A = activation.backward(Z, None, dA)
        results = [A, delta, delta_without_A]
        if activation.elementwise:
            results += [activation.derivative(Z), activation.derivative(Z, A)]

    for result in results:
        assert result.dtype == dtype
        assert np.all(np.isfinite(result))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", CUSTOM + EXTREME_EXTRAS, ids=str)
def test_generic_path_is_finite_without_warnings(spec, dtype):
    kernels = generic(spec)
    Z = EXTREMES.astype(dtype)

    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        A = kernels.value(Z, np.empty_like(Z))
        slope = kernels.derivative(Z, None)

    assert A.dtype == dtype and slope.dtype == dtype
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(slope))


def test_generic_sigmoid_uses_limit_where_it_overflows():
    expr = sympy.exp(x) / (1 + sympy.exp(x))
    Z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    np.testing.assert_allclose(generic_value(expr, Z), [0, 0, 0.5, 1, 1], atol=1e-300)
    np.testing.assert_allclose(generic(expr).derivative(Z, None), [0, 0, 0.25, 0, 0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_generic_overflow_saturates_with_sign(dtype):
    biggest = np.finfo(dtype).max
    Z = np.array([-1e3, 1e3], dtype=dtype)
    np.testing.assert_array_equal(get_activation(sympy.exp(x))(Z), [0, biggest])
    # nan from inf/inf with an infinite limit
    ratio = get_activation(sympy.exp(2 * x) / (1 + sympy.exp(x)))
    assert ratio(Z)[1] == biggest
    # an odd function whose overflow is negative on the left
    cube = get_activation(x**3 * sympy.exp(x**2))
    np.testing.assert_array_equal(cube(Z), [-biggest, biggest])


def test_generic_nan_without_limit_is_zero():
    oscillating = get_activation(sympy.sin(sympy.exp(x)))
    Z = np.array([1e3, 1.0])
    np.testing.assert_allclose(oscillating(Z), [0.0, np.sin(np.e)])


# dtype and shape


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("spec", ELEMENTWISE + CUSTOM + [3 * x, sympy.exp(x)], ids=str)
def test_value_and_derivative_keep_shape_and_dtype(spec, shape, dtype):
    activation = get_activation(spec)
    Z = np.random.default_rng(0).normal(size=shape).astype(dtype)
    A = activation(Z)

    for result in (A, activation.derivative(Z), activation.derivative(Z, A)):
        assert isinstance(result, np.ndarray)
        assert result.shape == shape
        assert result.dtype == dtype
    delta = activation.backward(Z, A, np.ones_like(Z))
    assert delta.shape == shape and delta.dtype == dtype


def test_constant_derivative_is_a_full_array():
    Z = np.zeros((3, 4), dtype=np.float32)
    for spec in (3 * x, "identity", x / 2 - 1):
        slope = get_activation(spec).derivative(Z)
        assert slope.shape == (3, 4) and slope.dtype == np.float32
        slope[0, 0] = 7.0  # writable, not a broadcast view


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
def test_softmax_keeps_shape_and_dtype(shape, dtype):
    softmax = get_activation("softmax")
    Z = np.random.default_rng(1).normal(size=shape).astype(dtype)
    A = softmax(Z)
    delta = softmax.backward(Z, A, np.ones_like(Z))
    assert A.shape == delta.shape == shape
    assert A.dtype == delta.dtype == dtype


def test_integer_input_is_taken_as_float64():
    A = get_activation("relu")(np.array([-2, 3]))
    assert A.dtype == np.float64
    np.testing.assert_array_equal(A, [0.0, 3.0])


# kinks


def test_relu_derivative_is_zero_at_kink():
    relu = get_activation("relu")
    np.testing.assert_array_equal(
        relu.derivative(np.array([-1.0, 0.0, 1.0])), [0, 0, 1]
    )
    np.testing.assert_array_equal(
        relu.backward(np.zeros(2), np.zeros(2), np.ones(2)), [0, 0]
    )


def test_leaky_relu_derivative_is_slope_at_kink():
    leaky = get_activation("leaky_relu")
    np.testing.assert_allclose(
        leaky.derivative(np.array([-1.0, 0.0, 1.0])), [0.01, 0.01, 1]
    )


def test_elu_derivative_is_one_at_kink():
    assert get_activation("elu").derivative(np.array(0.0)) == 1.0


@pytest.mark.parametrize("kernels", ["recognised", "generic"])
def test_custom_leaky_derivative_at_and_away_from_kink(kernels):
    expr = sympy.Max(0.1 * x, x)
    Z = np.array([-2.0, -1e-9, 0.0, 1e-9, 2.0])
    if kernels == "generic":
        slope = generic(expr).derivative(Z, None)
    else:
        slope = get_activation(expr).derivative(Z)
    np.testing.assert_allclose(slope, [0.1, 0.1, 0.1, 1.0, 1.0], rtol=1e-15)


def test_generic_kinks_take_the_left_derivative():
    Z = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(
        generic(sympy.Max(0, x)).derivative(Z, None), [0, 0, 1]
    )
    np.testing.assert_array_equal(
        generic(sympy.Min(0, x)).derivative(Z, None), [1, 1, 0]
    )
    np.testing.assert_array_equal(
        generic(x * sympy.Heaviside(x)).derivative(Z, None), [0, 0, 1]
    )
    np.testing.assert_array_equal(
        get_activation(sympy.Abs(x)).derivative(Z), [-1, 0, 1]
    )


# recognition and caching


def test_legacy_sigmoid_is_recognised_and_decreasing():
    legacy = get_activation(LEGACY_SIGMOID)
    assert legacy._kernels is activations._HAND_KERNELS[LEGACY_SIGMOID]
    Z = np.linspace(-5, 5, 11)
    A = legacy(Z)
    assert np.all(np.diff(A) < 0)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(Z)), rtol=1e-14)
    np.testing.assert_allclose(legacy.derivative(Z, A), -A * (1 - A), rtol=1e-14)
    np.testing.assert_allclose(legacy.derivative(Z), -A * (1 - A), rtol=1e-12)
    rewritten = get_activation(sympy.exp(-x) / (1 + sympy.exp(-x)))
    assert rewritten is legacy


def test_rewritten_builtins_are_recognised():
    assert get_activation(sympy.Max(0, x)).name == "relu"
    assert get_activation(sympy.Max(x, 0)) is get_activation("relu")
    sigmoid = get_activation(sympy.exp(x) / (1 + sympy.exp(x)))
    assert sigmoid is get_activation("sigmoid")
    ratio = (sympy.exp(x) - sympy.exp(-x)) / (sympy.exp(x) + sympy.exp(-x))
    assert get_activation(ratio) is get_activation("tanh")
    assert get_activation(sympy.Max(0.01 * x, x)).name == "leaky_relu"


def test_other_leaky_slopes_use_the_leaky_kernel():
    leaky = get_activation(sympy.Max(x, 0.25 * x))
    assert leaky.name == str(sympy.Max(0.25 * x, x))
    assert "_leaky_kernels" in leaky._kernels.value.__qualname__
    np.testing.assert_allclose(leaky(np.array([-4.0, 4.0])), [-1.0, 4.0])


def test_get_activation_caches_objects():
    expr = x**3 / (1 + x**2)
    assert get_activation(expr) is get_activation(x**3 / (1 + x**2))
    assert get_activation("ReLU") is get_activation("relu")
    assert (
        get_activation("linear") is get_activation(None) is get_activation("identity")
    )
    assert get_activation("Swish") is get_activation("silu")
    assert get_activation("softmax") is get_activation("SOFTMAX")
    activation = Activation(sympy.sin(x))
    assert get_activation(activation) is activation


def test_equality_hash_and_repr():
    assert Activation("relu") == get_activation(sympy.Max(0, x))
    assert hash(Activation("relu")) == hash(get_activation("relu"))
    assert Activation("softmax") == get_activation("softmax")
    assert Activation("relu") != Activation("tanh")
    assert Activation("softmax") != Activation("identity")
    assert repr(get_activation("relu")) == "Activation('relu')"
    assert repr(get_activation(sympy.sin(x))) == "Activation(sin(x))"


def test_pickle_returns_the_cached_object():
    for spec in ("relu", "softmax", 1.7159 * sympy.tanh(2 * x / 3)):
        activation = get_activation(spec)
        assert pickle.loads(pickle.dumps(activation)) is activation


def test_attributes_of_builtins():
    softmax = get_activation("softmax")
    assert softmax.expr is None and not softmax.elementwise
    assert softmax.derivative_expr is None
    tanh = get_activation("tanh")
    assert tanh.elementwise
    assert sympy.simplify(tanh.derivative_expr - (1 - sympy.tanh(x) ** 2)) == 0


def test_symbol_named_x_with_assumptions_is_x():
    real_x = sympy.Symbol("x", real=True)
    assert get_activation(sympy.Max(0, real_x)) is get_activation("relu")


# derivatives from the cached output


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_derivative_from_output_equals_derivative_from_input(name):
    activation = get_activation(name)
    Z = np.linspace(-40, 40, 161)
    A = activation(Z)
    np.testing.assert_allclose(
        activation.derivative(Z, A), activation.derivative(Z), rtol=1e-12, atol=1e-15
    )
    dA = np.cos(Z)
    np.testing.assert_allclose(
        activation.backward(Z, A, dA), dA * activation.derivative(Z), atol=1e-15
    )


# out= buffers


@pytest.mark.parametrize("spec", BUILTIN_NAMES + (sympy.sin(x),), ids=str)
def test_out_buffers_are_written(spec):
    activation = get_activation(spec)
    Z = np.random.default_rng(2).normal(size=(4, 3))
    dA = np.random.default_rng(3).normal(size=(4, 3))
    A = activation(Z)
    expected = activation.backward(Z, A, dA)

    out = np.empty_like(Z)
    assert activation(Z, out=out) is out
    np.testing.assert_array_equal(out, A)
    delta = np.empty_like(Z)
    assert activation.backward(Z, A, dA, out=delta) is delta
    np.testing.assert_allclose(delta, expected, rtol=1e-15)

    # in place: the gradient buffer becomes delta, Z becomes A
    in_place = dA.copy()
    activation.backward(Z, A, in_place, out=in_place)
    np.testing.assert_allclose(in_place, expected, rtol=1e-15)
    Z_copy = Z.copy()
    activation(Z_copy, out=Z_copy)
    np.testing.assert_allclose(Z_copy, A, rtol=1e-15)


def test_out_of_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"out must be an ndarray of Z's shape \(3,\)"):
        get_activation("relu")(np.zeros(3), out=np.zeros(4))
    with pytest.raises(ValueError, match=r"dA must have the shape of Z"):
        get_activation("relu").backward(np.zeros(3), None, np.zeros(2))


# softmax


def test_softmax_rows_sum_to_one():
    Z = np.random.default_rng(4).normal(scale=5, size=(6, 10))
    A = get_activation("softmax")(Z)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-14)
    assert np.all(A > 0)


def test_softmax_is_stable_at_extremes():
    Z = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4], [-1e4, -1e4, -1e4]])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        A = get_activation("softmax")(Z)
    np.testing.assert_allclose(A, [[1, 0, 0], [1 / 3] * 3, [1 / 3] * 3], rtol=1e-15)


def test_softmax_backward_is_jacobian_vector_product():
    rng = np.random.default_rng(5)
    softmax = get_activation("softmax")
    Z, dA = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    A = softmax(Z)
    delta = softmax.backward(Z, A, dA)
    for row in range(5):
        a = A[row]
        jacobian = np.diag(a) - np.outer(a, a)  # dA_i/dZ_j
        np.testing.assert_allclose(delta[row], jacobian.T @ dA[row], rtol=1e-12)
    np.testing.assert_allclose(softmax.backward(Z, None, dA), delta, rtol=1e-15)


def test_softmax_refuses_elementwise_derivative_and_scalars():
    softmax = get_activation("softmax")
    with pytest.raises(TypeError, match="softmax is not elementwise"):
        softmax.derivative(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="at least one axis"):
        softmax(np.float64(1.0))


# bad specs


def test_other_free_symbols_are_refused():
    with pytest.raises(ValueError, match=r"x \+ y has free symbols other than x: y"):
        get_activation(x + sympy.Symbol("y"))


def test_undefined_function_is_refused():
    with pytest.raises(ValueError, match=r"g\(x\) has no closed-form derivative"):
        get_activation(sympy.Function("g")(x))


def test_expression_numpy_cannot_evaluate_is_refused():
    with pytest.raises(ValueError, match=r"could not compile activation besselj"):
        get_activation(sympy.besselj(0, x))


def test_constant_and_complex_expressions_are_refused():
    with pytest.raises(ValueError, match="does not depend on x"):
        get_activation(sympy.Integer(2))
    with pytest.raises(ValueError, match="is complex"):
        get_activation(sympy.I * x)


def test_unknown_name_lists_known_names():
    with pytest.raises(
        ValueError, match=r"unknown activation 'relux': expected one of identity, relu"
    ):
        get_activation("relux")


@pytest.mark.parametrize("spec", [3, 2.5, [x], {"name": "relu"}, sympy.Eq(x, 1)])
def test_non_expression_is_a_type_error(spec):
    with pytest.raises(TypeError, match="could not interpret activation .*expected a"):
        get_activation(spec)


def test_erf_fallback_and_compiled_erf_agree(monkeypatch):
    from pymlp import activations

    z = np.linspace(-30.0, 30.0, 1001)
    compiled = activations._compiled_erf()
    monkeypatch.setattr(activations, "_compiled_erf", lambda: None)
    erf, erfc = activations._erf(z), activations._erfc(z)
    assert erf.dtype == np.float64 and erf.shape == z.shape
    np.testing.assert_allclose(erf, [math.erf(v) for v in z], rtol=0, atol=0)
    np.testing.assert_allclose(erfc, [math.erfc(v) for v in z], rtol=0, atol=0)
    if compiled is None:
        pytest.skip("scipy is not installed: only the fallback exists")
    np.testing.assert_allclose(compiled[0](z), erf, rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(compiled[1](z), erfc, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize(
    "spec", ["sigmoid", "tanh", LEGACY_SIGMOID, "relu", "softplus"]
)
def test_backward_into_dA_itself_equals_backward_into_a_new_array(spec):
    act = get_activation(spec)
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(6, 5)) * 5
    A = act(Z)
    dA = rng.normal(size=Z.shape)
    expected = act.backward(Z, A, dA)
    separate = act.backward(Z, A, dA, out=np.empty_like(Z))
    in_place = act.backward(Z, A, dA, out=dA)
    np.testing.assert_array_equal(separate, expected)
    np.testing.assert_array_equal(in_place, expected)
