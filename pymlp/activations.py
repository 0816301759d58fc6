"""Activation functions: sympy expressions in ``x`` turned into numpy kernels.

Every activation is written as a sympy expression in the module-level symbol
``x``. :func:`get_activation` turns a name, an expression, ``None`` or an
existing :class:`Activation` into an :class:`Activation`, which evaluates the
function, its derivative and the backward step on whole numpy arrays.

The registry
------------
``_REGISTRY`` maps each built-in name (``BUILTIN_NAMES``) to its expression;
softmax, the one activation that is not a function of a single ``x``, maps to
``None``. Names are resolved by one function, case-insensitively, with the
aliases ``"linear"`` (identity) and ``"swish"`` (silu).

Recognised expressions
----------------------
An expression is first compared with the expressions that have hand-written
numpy kernels: identity, ReLU, leaky ReLU ``Max(a*x, x)`` for any ``0 < a < 1``,
the sigmoid, the legacy decreasing sigmoid ``1/(1 + exp(x))``, tanh, softplus,
ELU, GELU and SiLU. The comparison is structural, not by name: an exact match
first, then, for an expression that agrees with a template at a few sample
points, a symbolic proof that the difference is zero. So
``exp(x)/(1 + exp(x))`` runs on the same stable kernel as ``"sigmoid"``, and
its ``name`` is ``"sigmoid"``. The hand-written kernels never overflow, and
where the derivative is cheaper from the output ``A = f(Z)`` (sigmoid, tanh)
they use it. GELU needs ``erf``, which numpy lacks: it uses scipy's when scipy is
installed (scipy is not a dependency) and otherwise runs Python's ``math.erf``
on each entry, exact but about 50 times slower than ``np.tanh``.

The generic path
----------------
Any other expression is differentiated once with sympy, and both the
expression and its derivative are compiled with ``sympy.lambdify`` for numpy.
The compiled functions run in float64 inside ``np.errstate(all="ignore")``
and the result is cast to the input's dtype. Entries that come out non-finite
for a finite input are then repaired:

* ``+inf`` or ``-inf`` (an overflow) saturates to ``+-np.finfo(dtype).max``;
* ``nan`` is replaced by the limit of the expression at ``+oo`` (for
  ``z > 0``) or ``-oo`` (for ``z <= 0``), computed once with ``sympy.limit``
  and cached; an infinite limit saturates as above, and a limit that does not
  exist or is not real gives 0. The limits are meant for the overflow of
  intermediate terms at large ``|z|``, e.g. ``exp(z)/(1 + exp(z))`` at
  ``z = 1e4``; a removable singularity at a finite point (``sin(x)/x`` at 0)
  is not detected and also gives the limit at ``-oo``.

Kinks
-----
Derivatives at a kink are the left derivative: ReLU'(0) = 0, leaky ReLU'(0) =
the slope ``a``, ELU'(0) = 1 (both sides agree). On the generic path every
``Heaviside(g(x))`` that sympy produces for ``Max``, ``Min`` or ``Heaviside``
is rewritten to take, where ``g = 0``, the value it has just left of the
point, which gives the same left derivatives; a ``Piecewise`` takes the
branch whose condition holds at the point, ``Abs'(0) = sign(0) = 0``, and
``DiracDelta`` terms (zero away from a single point) are dropped.

Examples
--------
>>> import numpy as np
>>> relu = get_activation("relu")
>>> relu(np.array([-1.0, 2.0]))
array([0., 2.])
>>> get_activation(sympy.Max(0, x)) is relu
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

__all__ = [
    "BUILTIN_NAMES",
    "LEGACY_SIGMOID",
    "Activation",
    "get_activation",
    "x",
]

x = sympy.Symbol("x")

# A real twin of x: with it sympy differentiates Abs to sign and takes limits
# on the real line. Expressions are stored in x and only compiled in _X_REAL.
_X_REAL = sympy.Symbol("x", real=True)

_REGISTRY: dict[str, sympy.Expr | None] = {
    "identity": x,
    "relu": sympy.Max(0, x),
    "leaky_relu": sympy.Max(0.01 * x, x),
    "sigmoid": 1 / (1 + sympy.exp(-x)),
    "tanh": sympy.tanh(x),
    "softplus": sympy.log(1 + sympy.exp(x)),
    "elu": sympy.Piecewise((x, x > 0), (sympy.exp(x) - 1, True)),
    "gelu": x / 2 * (1 + sympy.erf(x / sympy.sqrt(2))),
    "silu": x / (1 + sympy.exp(-x)),
    "softmax": None,
}
_ALIASES = {"linear": "identity", "swish": "silu"}

BUILTIN_NAMES: tuple[str, ...] = tuple(_REGISTRY)

LEGACY_SIGMOID = 1 / (1 + sympy.exp(x))
"""The legacy module's sigmoid, ``1/(1 + exp(x))``: a *decreasing* function."""

_NAME_OF = {expr: name for name, expr in _REGISTRY.items() if expr is not None}


# vectorised erf and erfc: numpy has none. scipy's compiled ones are used when
# scipy is installed (it is not a dependency); otherwise Python's math.erf runs
# on each entry, exact as well but some fifty times slower.
_ERF_UFUNC = np.frompyfunc(math.erf, 1, 1)
_ERFC_UFUNC = np.frompyfunc(math.erfc, 1, 1)


@functools.cache
def _compiled_erf():
    """scipy's (erf, erfc) ufuncs, or None without scipy."""
    try:
        from scipy.special import erf, erfc
    except ImportError:
        return None
    return erf, erfc


def _float_dtype(values: np.ndarray) -> np.dtype:
    """The dtype of ``values`` if floating, else float64."""
    return values.dtype if values.dtype.kind == "f" else np.dtype(np.float64)


def _erf(z):
    """Elementwise error function, exact to double precision."""
    z = np.asarray(z)
    compiled = _compiled_erf()
    with np.errstate(under="ignore"):
        if compiled is not None:
            return np.asarray(compiled[0](z), dtype=_float_dtype(z))
        return np.asarray(_ERF_UFUNC(z), dtype=_float_dtype(z))


def _erfc(z):
    """Elementwise complementary error function ``1 - erf(z)``, no cancellation."""
    z = np.asarray(z)
    compiled = _compiled_erf()
    with np.errstate(under="ignore"):
        if compiled is not None:
            return np.asarray(compiled[1](z), dtype=_float_dtype(z))
        return np.asarray(_ERFC_UFUNC(z), dtype=_float_dtype(z))


_LAMBDIFY_MODULES = [{"erf": _erf, "erfc": _erfc}, "numpy"]


# ---------------------------------------------------------------------------
# kernels
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kernels:
    """The three array routines behind an activation.

    ``value(Z, out)`` and ``backward(Z, A, dA, out)`` write into ``out`` (an
    array of Z's shape and dtype, possibly ``Z`` or ``dA`` itself) and return
    it; ``derivative(Z, A)`` returns a new array. ``A`` may be ``None``.
    """

    value: Callable
    derivative: Callable
    backward: Callable | None = None

    def run_backward(self, Z, A, dA, out):
        """delta = dA * f'(Z), written into ``out``."""
        if self.backward is not None:
            return self.backward(Z, A, dA, out)
        return np.multiply(dA, self.derivative(Z, A), out=out)


def _logistic(Z, sign=1.0, out=None):
    """Stable ``1/(1 + exp(-sign*Z))``, into ``out`` (may be Z) or a new array."""
    # Clipping z to +-90% of log(max float) keeps exp finite and its reciprocal
    # a normal number, so nothing overflows or underflows; below the clip the
    # true value is under 1e-277 (float64) or 1e-34 (float32). Elsewhere the
    # form has no cancellation: 1 + exp(-z) is either ~1 or ~exp(-z).
    limit = _EXP_CLIP[Z.dtype.char]
    t = np.clip(Z, -limit, limit, out=out)
    if sign > 0:
        np.negative(t, out=t)
    np.exp(t, out=t)
    t += 1.0
    return np.reciprocal(t, out=t)


_EXP_CLIP = {
    dtype.char: 0.9 * float(np.log(np.finfo(dtype).max))
    for dtype in map(np.dtype, (np.float16, np.float32, np.float64, np.longdouble))
}


def _logistic_slope(Z, sign=1.0):
    """Stable ``d/dz 1/(1 + exp(-sign*z)) = sign * e/(1 + e)**2``, e = exp(-|z|)."""
    e = np.abs(Z)
    np.negative(e, out=e)
    with np.errstate(under="ignore"):
        np.exp(e, out=e)
        denominator = np.square(e + 1)
        np.divide(e, denominator, out=e)
    if sign < 0:
        np.negative(e, out=e)
    return e


def _identity_value(Z, out):
    np.copyto(out, Z)
    return out


def _identity_derivative(Z, A):
    return np.ones_like(Z)


def _identity_backward(Z, A, dA, out):
    np.copyto(out, dA)
    return out


def _relu_value(Z, out):
    return np.maximum(Z, 0, out=out)


def _relu_derivative(Z, A):
    return (Z > 0).astype(Z.dtype)


def _relu_backward(Z, A, dA, out):
    return np.multiply(dA, Z > 0, out=out)


def _leaky_kernels(slope: float) -> _Kernels:
    """Kernels of ``Max(slope*x, x)`` for ``0 < slope < 1``."""

    def value(Z, out):
        return np.maximum(Z, slope * Z, out=out)

    def derivative(Z, A):
        d = np.full_like(Z, slope)
        d[Z > 0] = 1
        return d

    return _Kernels(value, derivative)


def _sigmoid_kernels(sign: float) -> _Kernels:
    """Kernels of ``1/(1 + exp(-sign*x))``; sign -1 is the legacy sigmoid."""

    def value(Z, out):
        return _logistic(Z, sign, out=out)

    def derivative(Z, A):
        if A is None:
            return _logistic_slope(Z, sign)
        # f' = sign * A * (1 - A)
        d = np.subtract(1, A)
        d *= A
        if sign < 0:
            np.negative(d, out=d)
        return d

    def backward(Z, A, dA, out):
        if A is None:
            return np.multiply(dA, _logistic_slope(Z, sign), out=out)
        # dA * sign * A * (1 - A), built in out unless out is dA itself
        slope = _scratch_like(A, out, dA)
        np.subtract(1, A, out=slope)
        slope *= A
        if sign < 0:
            np.negative(slope, out=slope)
        return np.multiply(dA, slope, out=out)

    return _Kernels(value, derivative, backward)


def _tanh_value(Z, out):
    return np.tanh(Z, out=out)


def _tanh_derivative(Z, A):
    if A is None:
        # sech(z)**2 = 4 e/(1 + e)**2 with e = exp(-2|z|): no overflow of cosh
        d = np.abs(Z)
        d *= -2
        with np.errstate(under="ignore"):
            np.exp(d, out=d)
            denominator = np.square(d + 1)
            d *= 4
            np.divide(d, denominator, out=d)
        return d
    d = np.square(A)
    return np.subtract(1, d, out=d)


def _tanh_backward(Z, A, dA, out):
    if A is None:
        return np.multiply(dA, _tanh_derivative(Z, A), out=out)
    # dA * (1 - A**2), built in out unless out is dA itself
    slope = _scratch_like(A, out, dA)
    np.square(A, out=slope)
    np.subtract(1, slope, out=slope)
    return np.multiply(dA, slope, out=out)


def _scratch_like(A, out, dA):
    """``out`` as a work array, or a new one when ``out`` is missing or is dA."""
    if out is None or np.may_share_memory(out, dA):
        return np.empty_like(A)
    return out


def _softplus_value(Z, out):
    # log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), which logaddexp computes
    with np.errstate(under="ignore"):
        return np.logaddexp(0, Z, out=out)


def _softplus_derivative(Z, A):
    return _logistic(Z)


def _elu_value(Z, out):
    # max(z, 0) + expm1(min(z, 0)): one term is zero on either side of 0
    with np.errstate(under="ignore"):
        negative_part = np.expm1(np.minimum(Z, 0))
    np.maximum(Z, 0, out=out)
    out += negative_part
    return out


def _elu_derivative(Z, A):
    # 1 for z > 0 and exp(z) otherwise, i.e. exp(min(z, 0)); both sides give 1 at 0
    with np.errstate(under="ignore"):
        return np.exp(np.minimum(Z, 0))


_SQRT_HALF = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _gelu_value(Z, out):
    # z * Phi(z) with Phi(z) = erfc(-z/sqrt(2))/2, accurate far into z < 0
    cdf = _erfc(Z * -_SQRT_HALF)
    cdf *= 0.5
    return np.multiply(Z, cdf, out=out)


def _gelu_derivative(Z, A):
    # Phi(z) + z * phi(z)
    with np.errstate(under="ignore"):
        density = np.exp(np.square(Z) * -0.5)
    density *= _INV_SQRT_2PI
    density *= Z
    cdf = _erfc(Z * -_SQRT_HALF)
    cdf *= 0.5
    cdf += density
    return cdf


def _silu_value(Z, out):
    return np.multiply(Z, _logistic(Z), out=out)


def _silu_derivative(Z, A):
    # s + z s (1 - s) = s (1 + z s(-z)), with s(-z) computed without cancellation
    d = np.multiply(Z, _logistic(Z, -1.0))
    d += 1
    d *= _logistic(Z)
    return d


def _softmax_value(Z, out):
    if Z.ndim == 0:
        raise ValueError(
            "softmax needs an array with at least one axis (it normalises over "
            "the last axis), got a 0-d array; pass Z of shape (n_samples, n_units)"
        )
    row_max = Z.max(axis=-1, keepdims=True)
    np.subtract(Z, row_max, out=out)
    with np.errstate(under="ignore"):
        np.exp(out, out=out)
    out /= out.sum(axis=-1, keepdims=True)
    return out


def _softmax_derivative(Z, A):
    raise TypeError(
        "softmax is not elementwise: its derivative is a Jacobian per row, not "
        "an array of Z's shape; use Activation.backward(Z, A, dA) for the "
        "Jacobian-vector product"
    )


def _softmax_backward(Z, A, dA, out):
    # J^T dA per row, J = diag(A) - A A^T:  A * (dA - <dA, A>)
    inner = np.einsum("...i,...i->...", dA, A)[..., np.newaxis]
    np.subtract(dA, inner, out=out)
    out *= A
    return out


_HAND_KERNELS: dict[sympy.Expr, _Kernels] = {
    _REGISTRY["identity"]: _Kernels(
        _identity_value, _identity_derivative, _identity_backward
    ),
    _REGISTRY["relu"]: _Kernels(_relu_value, _relu_derivative, _relu_backward),
    _REGISTRY["sigmoid"]: _sigmoid_kernels(1.0),
    LEGACY_SIGMOID: _sigmoid_kernels(-1.0),
    _REGISTRY["tanh"]: _Kernels(_tanh_value, _tanh_derivative, _tanh_backward),
    _REGISTRY["softplus"]: _Kernels(_softplus_value, _softplus_derivative),
    _REGISTRY["elu"]: _Kernels(_elu_value, _elu_derivative),
    _REGISTRY["gelu"]: _Kernels(_gelu_value, _gelu_derivative),
    _REGISTRY["silu"]: _Kernels(_silu_value, _silu_derivative),
}
_SOFTMAX_KERNELS = _Kernels(_softmax_value, _softmax_derivative, _softmax_backward)


# ---------------------------------------------------------------------------
# the generic compiled path
# ---------------------------------------------------------------------------


def _classify_limit(limit) -> float:
    """A sympy limit as a float: finite, +-inf, or nan when it is unusable."""
    if limit is sympy.oo:
        return math.inf
    if limit is sympy.S.NegativeInfinity:
        return -math.inf
    if isinstance(limit, sympy.Expr) and limit.is_number and limit.is_real:
        try:
            return float(limit)
        except TypeError:
            pass
    return math.nan


@dataclass
class _Compiled:
    """A lambdified expression in ``_X_REAL`` plus its limits at +-oo."""

    expr: sympy.Expr
    func: Callable
    _limits: dict[int, float] = field(default_factory=dict)

    def limit(self, side: int) -> float:
        """The limit at ``side * oo`` (side is +1 or -1), computed once."""
        if side not in self._limits:
            try:
                value = sympy.limit(self.expr, _X_REAL, side * sympy.oo)
            except (NotImplementedError, ValueError, TypeError, ArithmeticError):
                value = sympy.nan
            self._limits[side] = _classify_limit(value)
        return self._limits[side]

    def __call__(self, Z):
        """Evaluate on Z; a new array of Z's shape and dtype, finite where Z is."""
        with np.errstate(all="ignore"):
            raw = np.asarray(self.func(Z.astype(np.float64, copy=False)))
            result = np.broadcast_to(raw, Z.shape).astype(Z.dtype)
        bad = ~np.isfinite(result)
        if bad.any():
            self._repair(result, Z, bad)
        return result

    def _repair(self, result, Z, bad):
        """Saturate overflows and fill nan with the limit on z's side."""
        biggest = np.finfo(result.dtype).max
        is_nan = np.isnan(result)
        overflow = bad & ~is_nan
        result[overflow] = np.copysign(biggest, result[overflow])
        for side, where in ((1, is_nan & (Z > 0)), (-1, is_nan & (Z <= 0))):
            if where.any():
                limit = self.limit(side)
                fill = 0.0 if math.isnan(limit) else max(-biggest, min(biggest, limit))
                result[where] = fill


def _left_step(*args):
    """Heaviside(g) valued, where g = 0, as just left of the point."""
    g = args[0]
    left_of_zero = sympy.Heaviside(-sympy.diff(g, _X_REAL), 0)
    return sympy.Piecewise((1, g > 0), (0, g < 0), (left_of_zero, True))


_PROBE = np.linspace(-3.0, 3.0, 7) + 0.123


def _compile(expr: sympy.Expr, shown: sympy.Expr) -> _Compiled:
    """Lambdify ``expr`` (in _X_REAL) and check that it runs on an array."""
    try:
        func = sympy.lambdify(_X_REAL, expr, modules=_LAMBDIFY_MODULES)
        with np.errstate(all="ignore"):
            np.asarray(func(_PROBE), dtype=np.float64)
    except Exception as error:
        raise ValueError(
            f"could not compile activation {shown} for numpy: {expr} fails with "
            f"{type(error).__name__}: {error}; use functions numpy can evaluate"
        ) from error
    return _Compiled(expr, func)


def _generic_kernels(expr: sympy.Expr) -> _Kernels:
    """Differentiate ``expr`` once and compile value and derivative."""
    real_expr = expr.subs(x, _X_REAL)
    slope = sympy.diff(real_expr, _X_REAL)
    slope = slope.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    slope = slope.replace(sympy.Heaviside, _left_step)
    if slope.has(sympy.Derivative, sympy.Subs) or slope.atoms(AppliedUndef):
        raise ValueError(
            f"activation {expr} has no closed-form derivative: sympy gives "
            f"{slope.subs(_X_REAL, x)}; write the activation with functions "
            "sympy can differentiate"
        )
    value = _compile(real_expr, expr)
    derivative = _compile(slope, expr)

    def value_kernel(Z, out):
        np.copyto(out, value(Z))
        return out

    def derivative_kernel(Z, A):
        return derivative(Z)

    return _Kernels(value_kernel, derivative_kernel)


# ---------------------------------------------------------------------------
# recognising expressions
# ---------------------------------------------------------------------------

_SAMPLE_POINTS = (-2.3, -0.7, 0.4, 1.9)


def _samples(expr: sympy.Expr) -> tuple[complex, ...] | None:
    """Values of ``expr`` at a few points, or None if they are not numbers."""
    try:
        return tuple(complex(expr.evalf(subs={x: p})) for p in _SAMPLE_POINTS)
    except (TypeError, ValueError, ArithmeticError):
        return None


_TEMPLATE_SAMPLES: dict[sympy.Expr, tuple[complex, ...] | None] = {}


def _proved_equal(expr: sympy.Expr, template: sympy.Expr) -> bool:
    """Whether ``expr - template`` simplifies to zero."""
    difference = (expr - template).rewrite(sympy.exp)
    if sympy.expand(sympy.numer(sympy.together(difference))) == 0:
        return True
    return sympy.simplify(difference) == 0


def _matching_template(expr: sympy.Expr) -> sympy.Expr | None:
    """The hand-kernel template that ``expr`` equals when written differently."""
    got = _samples(expr)
    if got is None:
        return None
    for template in _HAND_KERNELS:
        if template not in _TEMPLATE_SAMPLES:
            _TEMPLATE_SAMPLES[template] = _samples(template)
        expected = _TEMPLATE_SAMPLES[template]
        if expected is None:
            continue
        pairs = zip(expected, got, strict=True)
        if all(abs(a - b) <= 1e-9 * (1 + abs(a)) for a, b in pairs) and (
            _proved_equal(expr, template)
        ):
            return template
    return None


def _leaky_slope(expr: sympy.Expr) -> float | None:
    """``a`` if ``expr`` is ``Max(a*x, x)`` with ``0 < a < 1``, else None."""
    if not isinstance(expr, sympy.Max) or len(expr.args) != 2 or x not in expr.args:
        return None
    other = expr.args[1] if expr.args[0] == x else expr.args[0]
    coefficient, rest = other.as_coeff_Mul()
    if rest != x or not coefficient.is_Number or not 0 < coefficient < 1:
        return None
    return float(coefficient)


_KERNEL_CACHE: dict[sympy.Expr, tuple[sympy.Expr, _Kernels]] = {}


def _kernels_for(expr: sympy.Expr) -> tuple[sympy.Expr, _Kernels]:
    """(canonical expression, kernels) for ``expr``; built once per expression."""
    if expr in _KERNEL_CACHE:
        return _KERNEL_CACHE[expr]
    if expr in _HAND_KERNELS:
        found = (expr, _HAND_KERNELS[expr])
    elif (slope := _leaky_slope(expr)) is not None:
        found = (expr, _leaky_kernels(slope))
    else:
        template = _matching_template(expr)
        if template is not None:
            found = (template, _HAND_KERNELS[template])
        else:
            found = (expr, _generic_kernels(expr))
    _KERNEL_CACHE[expr] = found
    return found


# ---------------------------------------------------------------------------
# resolving a spec
# ---------------------------------------------------------------------------


def _expected() -> str:
    return "expected a name from [" + ", ".join(BUILTIN_NAMES) + "]"


def _resolve(spec) -> sympy.Expr | None:
    """The expression for ``spec`` (None for softmax), validated."""
    if spec is None:
        return _REGISTRY["identity"]
    if isinstance(spec, str):
        key = spec.strip().lower()
        key = _ALIASES.get(key, key)
        if key not in _REGISTRY:
            raise ValueError(
                f"unknown activation {spec!r}: expected one of "
                f"{', '.join(BUILTIN_NAMES)} (or the aliases "
                f"{', '.join(_ALIASES)}), or a sympy expression in x"
            )
        return _REGISTRY[key]
    if not isinstance(spec, sympy.Expr):
        raise TypeError(
            f"could not interpret activation {spec!r}: {_expected()} or a sympy "
            f"expression in x, got {type(spec).__name__}"
        )

    # any symbol printed as x is taken to be x
    symbols = spec.free_symbols
    spec = spec.subs({s: x for s in symbols if s.name == "x" and s != x})
    others = sorted(str(s) for s in symbols if s.name != "x")
    if others:
        raise ValueError(
            f"activation {spec} has free symbols other than x: {', '.join(others)}; "
            "an activation must be an expression in x alone"
        )
    if x not in spec.free_symbols:
        raise ValueError(
            f"activation {spec} does not depend on x: a constant unit has a zero "
            "gradient and cannot learn; use an expression in x"
        )
    if spec.has(sympy.I):
        raise ValueError(
            f"activation {spec} is complex; an activation must be a real "
            "expression in x"
        )
    return spec


class Activation:
    """An activation function with vectorised value, derivative and backward.

    Parameters
    ----------
    spec : str or sympy.Expr
        A built-in name (see ``BUILTIN_NAMES``; case-insensitive, with the
        aliases ``"linear"`` and ``"swish"``) or a sympy expression in ``x``.
        Prefer :func:`get_activation`, which also accepts ``None`` and caches.

    Attributes
    ----------
    name : str
        The built-in name if the expression is recognised as one (``"relu"``
        for ``Max(0, x)``), otherwise ``str(expr)``.
    expr : sympy.Expr or None
        The expression in ``x``; a recognised expression is replaced by the
        registry's form (``exp(x)/(1 + exp(x))`` becomes ``1/(1 + exp(-x))``).
        None only for softmax.
    elementwise : bool
        False only for softmax, which normalises over the last axis.

    Notes
    -----
    Every method returns an array of Z's shape and dtype (float32 stays
    float32; a non-float Z is taken as float64), finite for finite Z. At a
    kink the derivative is the left derivative: ReLU'(0) = 0, leaky ReLU'(0)
    = its slope, ELU'(0) = 1. Two activations are equal when their
    expressions are.

    Examples
    --------
    >>> import numpy as np
    >>> sigmoid = Activation("sigmoid")
    >>> Z = np.array([[0.0, 2.0]])
    >>> A = sigmoid(Z)
    >>> bool(np.allclose(sigmoid.derivative(Z, A), A * (1 - A)))
    True
    """

    __slots__ = ("_name", "_expr", "_kernels", "_derivative_expr")

    def __init__(self, spec):
        expr = _resolve(spec)
        self._derivative_expr = None
        if expr is None:
            self._name, self._expr, self._kernels = "softmax", None, _SOFTMAX_KERNELS
            return
        self._expr, self._kernels = _kernels_for(expr)
        self._name = _NAME_OF.get(self._expr, str(self._expr))

    @property
    def name(self) -> str:
        """The built-in name, or ``str(expr)`` for any other expression."""
        return self._name

    @property
    def expr(self) -> sympy.Expr | None:
        """The sympy expression in ``x``; None for softmax."""
        return self._expr

    @property
    def elementwise(self) -> bool:
        """Whether the activation acts on each entry alone (all but softmax)."""
        return self._expr is not None

    @property
    def derivative_expr(self) -> sympy.Expr | None:
        """The symbolic derivative ``d expr / dx``; None for softmax."""
        if self._derivative_expr is None and self._expr is not None:
            self._derivative_expr = sympy.diff(self._expr, x)
        return self._derivative_expr

    def __call__(self, Z, out=None) -> np.ndarray:
        """Apply the activation: ``A = f(Z)``.

        Parameters
        ----------
        Z : array_like, shape (n_samples, n_units) or any shape
            Pre-activations. Softmax normalises over the last axis.
        out : ndarray of Z's shape, optional
            Where to write the result; may be ``Z`` itself.

        Returns
        -------
        A : ndarray, Z's shape and dtype
            The activations (``out`` if given).
        """
        Z = _as_float_array(Z)
        out = _output_for(Z, out, "out")
        if Z.ndim == 0 and self.elementwise:
            # the kernels work in place, which numpy does not do on 0-d arrays
            self._kernels.value(Z.reshape(1), out.reshape(1))
            return out
        return self._kernels.value(Z, out)

    def derivative(self, Z, A=None) -> np.ndarray:
        """The elementwise derivative ``f'(Z)``.

        Parameters
        ----------
        Z : array_like, any shape
            Pre-activations.
        A : array_like of Z's shape, optional
            ``f(Z)`` if already computed; sigmoid and tanh then use the cheap
            forms ``A*(1 - A)`` and ``1 - A**2``, exact up to rounding of
            order ``1e-16`` in absolute terms. Without ``A`` they use forms
            accurate in relative terms even where ``f'`` is tiny.

        Returns
        -------
        dZ : ndarray, Z's shape and dtype
            ``f'(Z)``; the left derivative at a kink.

        Raises
        ------
        TypeError
            For softmax, whose derivative is not elementwise.
        """
        Z = _as_float_array(Z)
        A = None if A is None else np.asarray(A)
        if Z.ndim == 0 and self.elementwise:
            A = None if A is None else A.reshape(1)
            return self.derivative(Z.reshape(1), A).reshape(())
        d = np.asarray(self._kernels.derivative(Z, A))
        if d.dtype != Z.dtype or d.shape != Z.shape:
            d = np.broadcast_to(d, Z.shape).astype(Z.dtype)
        return d

    def backward(self, Z, A, dA, out=None) -> np.ndarray:
        """Carry the gradient through the activation: ``delta = dLoss/dZ``.

        Parameters
        ----------
        Z : array_like, shape (n_samples, n_units) or any shape
            Pre-activations.
        A : array_like of Z's shape or None
            ``f(Z)``; recomputed from Z if None.
        dA : array_like of Z's shape
            ``dLoss/dA``.
        out : ndarray of Z's shape, optional
            Where to write ``delta``; may be ``dA`` itself (not ``A`` for
            softmax).

        Returns
        -------
        delta : ndarray, Z's shape and dtype
            ``dA * f'(Z)`` for an elementwise activation; for softmax, the
            Jacobian-vector product ``A * (dA - sum(dA * A, axis=-1))`` row by
            row.
        """
        Z = _as_float_array(Z)
        dA = np.asarray(dA)
        if dA.shape != Z.shape:
            raise ValueError(f"dA must have the shape of Z, {Z.shape}, got {dA.shape}")
        if A is not None:
            A = np.asarray(A)
        elif not self.elementwise:
            A = self._kernels.value(Z, np.empty_like(Z))
        out = _output_for(Z, out, "out")
        if Z.ndim == 0:
            A = None if A is None else A.reshape(1)
            self._kernels.run_backward(Z.reshape(1), A, dA.reshape(1), out.reshape(1))
            return out
        return self._kernels.run_backward(Z, A, dA, out)

    def __eq__(self, other):
        if not isinstance(other, Activation):
            return NotImplemented
        return self._name == other._name and self._expr == other._expr

    def __hash__(self):
        return hash(("Activation", self._name, self._expr))

    def __repr__(self):
        if self._name in _REGISTRY:
            return f"Activation({self._name!r})"
        return f"Activation({self._expr})"

    def __reduce__(self):
        spec = self._name if self._name in _REGISTRY else self._expr
        return (get_activation, (spec,))


def _as_float_array(Z) -> np.ndarray:
    """Z as an ndarray of a floating dtype (float64 unless already floating)."""
    Z = np.asarray(Z)
    return Z if Z.dtype.kind == "f" else Z.astype(np.float64)


def _output_for(Z, out, argument) -> np.ndarray:
    """``out`` checked against Z, or a new array like Z."""
    if out is None:
        return np.empty_like(Z)
    if not isinstance(out, np.ndarray) or out.shape != Z.shape:
        got = out.shape if isinstance(out, np.ndarray) else type(out).__name__
        raise ValueError(
            f"{argument} must be an ndarray of Z's shape {Z.shape}, got {got}"
        )
    return out


_ACTIVATIONS: dict[object, Activation] = {}


def get_activation(spec) -> Activation:
    """Resolve an activation spec to a cached :class:`Activation`.

    Parameters
    ----------
    spec : str, sympy.Expr, Activation or None
        A built-in name from ``BUILTIN_NAMES`` (case-insensitive; ``"linear"``
        means identity and ``"swish"`` silu), a sympy expression in ``x``, an
        Activation (returned as is) or None (identity).

    Returns
    -------
    Activation
        The same object for the same expression, so its kernels are built
        once however many units use it.

    Raises
    ------
    TypeError
        If ``spec`` is neither a string, a sympy expression, an Activation nor
        None.
    ValueError
        For an unknown name, an expression with free symbols other than ``x``
        or not depending on ``x``, or one whose derivative has no closed form
        or does not compile for numpy.

    Examples
    --------
    >>> get_activation("ReLU") is get_activation(sympy.Max(0, x))
    True
    >>> get_activation(1.7159 * sympy.tanh(2 * x / 3)).name
    '1.7159*tanh(2*x/3)'
    """
    if isinstance(spec, Activation):
        return spec
    expr = _resolve(spec)
    key = "softmax" if expr is None else expr
    if key in _ACTIVATIONS:
        return _ACTIVATIONS[key]
    activation = Activation(expr if expr is not None else "softmax")
    # a rewritten built-in shares the built-in's object
    canonical = "softmax" if activation.expr is None else activation.expr
    activation = _ACTIVATIONS.setdefault(canonical, activation)
    _ACTIVATIONS[key] = activation
    return activation
