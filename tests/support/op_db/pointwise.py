"""Op table entries: pointwise ops (see the package docstring).

Unary math, binary ops with broadcasting and Python numbers on either side, ternary ops (where, clamp, lerp,
addcmul/addcdiv), comparisons and logical ops, integer and bool inputs. Entries with ``_ties`` or edge values
(NaN, inf, exact ties) compare with torch but skip finite differences, which do not exist there.
"""
import numpy as np

from . import OpInfo, NoGrad, unary, binary, rand

POS = (0.2, 2.0)
UNIT = (-0.9, 0.9)
INTS = (np.int64, np.int32)
NO_FD = dict(gradcheck=False, gradgrad=False)  # not differentiable at the sampled points (ties, kinks, NaN)


def _int_unary(rng, dtype):
    return [((rng.integers(-3, 4, size=s).astype(dtype),), {}) for s in [(), (4,), (2, 3)]]


def _bool_unary(rng, dtype):
    return [((rng.integers(0, 2, size=s).astype(bool),), {}) for s in [(4,), (2, 3)]]


def _int_binary(rng, dtype):
    pairs = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]
    return [((rng.integers(-5, 6, size=a).astype(dtype), rng.integers(1, 4, size=b).astype(dtype)), {})
            for a, b in pairs] + [((rng.integers(-5, 6, size=(2, 3)).astype(dtype), 3), {})]


def _mixed_dtypes(rng, dtype):
    """Promotion: float tensor with int / bool / 0-d / float16 operands and Python numbers."""
    f = rand(rng, (2, 3), dtype)
    return [((f, rng.integers(1, 4, size=(2, 3)) * rng.choice([-1, 1], size=(2, 3))), {}),
            ((rng.integers(1, 4, size=(3,)), f), {}),
            ((f, np.array(2)), {}), ((f, rand(rng, (), np.float64)), {}),
            ((rand(rng, (2, 3), np.float16), NoGrad(rand(rng, (3,), dtype))), {})]


def _scalar_first(rng, dtype):
    return [((rand(rng, s, dtype, POS),), {}) for s in [(), (3,), (2, 3)]]


def _ties(rng, dtype):
    """Exact ties and a NaN: maximum/minimum split ties evenly and pass a NaN's gradient to both sides."""
    a = np.array([1.0, 2.0, np.nan, 3.0, -1.0], dtype)
    b = np.array([1.0, 1.5, 0.5, 3.0, np.nan], dtype)
    return [((a, b), {}), ((a.reshape(5, 1)[:3], b[:3]), {})]


def _clamp_scalar(rng, dtype):
    x = rand(rng, (2, 3), dtype, (-3, 3))
    return [((x,), {"min": -1.0, "max": 1.5}), ((x,), {"min": 0.5}), ((x,), {"max": -0.5}),
            ((x, -1.0, 2.0), {}), ((rand(rng, (), dtype, (-3, 3)),), {"min": 0.0, "max": 1.0}),
            ((x,), {"min": 1.0, "max": -1.0})]


def _clamp_tensor(rng, dtype):
    x = rand(rng, (2, 3), dtype, (-3, 3))
    lo, hi = rand(rng, (3,), dtype, (-2, 0)), rand(rng, (2, 1), dtype, (0, 2))
    return [((x, lo, hi), {}), ((x, lo, None), {}), ((x, None, hi), {}), ((x, hi, lo), {}),
            ((rand(rng, (3,), dtype, (-3, 3)), NoGrad(rand(rng, (2, 3), dtype, (-1, 0))), None), {})]


def _clamp_edges(rng, dtype):
    """Bounds inclusive (gradient 1 at a bound), NaN input (gradient 0), tensor bound tied with the input."""
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, np.nan], dtype)
    return [((x, 0.0, 1.0), {}), ((x, np.zeros(6, dtype), np.ones(6, dtype)), {})]


def _lerp(rng, dtype):
    a, b = rand(rng, (2, 3), dtype), rand(rng, (3,), dtype)
    return [((a, b, 0.3), {}), ((a, b, 0.8), {}), ((a, b, rand(rng, (2, 1), dtype, (0, 1))), {}),
            ((rand(rng, (3,), dtype), rand(rng, (2, 3), dtype), rand(rng, (), dtype, (0, 1))), {})]


def _addc(rng, dtype):
    return [((rand(rng, (2, 3), dtype), rand(rng, (3,), dtype), rand(rng, (2, 1), dtype, POS)), {}),
            ((rand(rng, (3,), dtype), rand(rng, (2, 3), dtype), rand(rng, (2, 3), dtype, POS)), {"value": 0.5}),
            ((rand(rng, (), dtype), rand(rng, (3,), dtype), rand(rng, (), dtype, POS)), {"value": -2})]


def _where(rng, dtype):
    c = rng.integers(0, 2, size=(2, 3)).astype(bool)
    return [((c, rand(rng, (2, 3), dtype), rand(rng, (3,), dtype)), {}),
            ((c[:, :1], rand(rng, (3,), dtype), rand(rng, (2, 1), dtype)), {}),
            ((c, rand(rng, (2, 3), dtype), 0.5), {}), ((c, 2.0, rand(rng, (2, 3), dtype)), {})]


def _where_fn(m, c, x, y):
    return m.where(m.tensor(c), x, y)


def _nan_inf(rng, dtype):
    x = rand(rng, (2, 4), dtype)
    x[0, 1], x[1, 2], x[1, 3] = np.nan, np.inf, -np.inf
    return [((x,), {"nan": 1.5, "posinf": 9.0, "neginf": -9.0}), ((x,), {"nan": -1.0, "posinf": 1e3})]


def _round_dec(rng, dtype):
    x = rand(rng, (2, 3), dtype, (-50, 50))
    return [((x,), {"decimals": 1}), ((x,), {"decimals": 2}), ((x,), {"decimals": -1})]


def _special_values(rng, dtype):
    """Signed zeros, infinities and NaN through the unary ops (values only)."""
    return [((np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-8, -3.5], dtype),), {})]


def _compare(rng, dtype):
    a = rand(rng, (2, 3), dtype)
    b = a.copy()
    b[0, 1] += 1
    return [((a, b), {}), ((a, rand(rng, (3,), dtype)), {}), ((a, 0.5), {}), ((a, NoGrad(a[0])), {})]


def _isclose(rng, dtype):
    a = np.array([1.0, 2.0, np.nan, np.inf, -np.inf, 1e-9], dtype)
    b = np.array([1.0 + 1e-7, 2.1, np.nan, np.inf, np.inf, 0.0], dtype)
    return [((a, b), {}), ((a, b), {"equal_nan": True}), ((a, b), {"rtol": 0.1, "atol": 0.0})]


def _bits(rng, dtype):
    ints = [((rng.integers(0, 8, size=(2, 3)), rng.integers(0, 8, size=(3,))), {})]
    bools = [((rng.integers(0, 2, size=(2, 3)).astype(bool), rng.integers(0, 2, size=(3,)).astype(bool)), {})]
    return ints + bools + [((rng.integers(0, 2, size=(3,)).astype(bool), rng.integers(0, 8, size=(3,))), {})]


def _logical(rng, dtype):
    x = rand(rng, (2, 3), dtype)
    x[0, 0] = 0
    return [((x, rng.integers(0, 2, size=(3,))), {}), ((rng.integers(0, 2, size=(2, 3)).astype(bool), x), {})]


def _div_mode(rng, dtype):
    a, b = rand(rng, (2, 3), dtype, (-5, 5)), rand(rng, (3,), dtype, POS)
    return [((a, b), {"rounding_mode": "floor"}), ((a, -b), {"rounding_mode": "trunc"}),
            ((a, 1.5), {"rounding_mode": "floor"}), ((a, -1.5), {"rounding_mode": "trunc"})]


def _float_unary(name, fn, domain=(-2.0, 2.0), **kw):
    return OpInfo(name, fn, unary(domain), **kw)


OPS = [
    # ------------------------------------------------------------------ unary math
    _float_unary("sign", lambda m, a: m.sign(a)),
    _float_unary("sgn", lambda m, a: a.sgn(), grad=False),  # torch's zero gradient is a ZeroTensor
    _float_unary("exp2", lambda m, a: m.exp2(a)),
    _float_unary("expm1", lambda m, a: a.expm1()),
    _float_unary("log2", lambda m, a: m.log2(a), POS),
    _float_unary("log10", lambda m, a: a.log10(), POS),
    _float_unary("log1p", lambda m, a: m.log1p(a), (-0.8, 2.0)),
    _float_unary("rsqrt", lambda m, a: m.rsqrt(a), POS),
    _float_unary("square", lambda m, a: m.square(a)),
    _float_unary("sin", lambda m, a: m.sin(a)),
    _float_unary("cos", lambda m, a: a.cos()),
    _float_unary("tan", lambda m, a: m.tan(a), (-1.2, 1.2)),
    _float_unary("asin", lambda m, a: m.asin(a), UNIT),
    _float_unary("arccos", lambda m, a: m.arccos(a), UNIT),
    _float_unary("atan", lambda m, a: m.atan(a)),
    _float_unary("sinh", lambda m, a: m.sinh(a)),
    _float_unary("cosh", lambda m, a: a.cosh()),
    _float_unary("asinh", lambda m, a: m.asinh(a)),
    _float_unary("acosh", lambda m, a: m.acosh(a), (1.1, 3.0)),
    _float_unary("atanh", lambda m, a: m.arctanh(a), UNIT),
    _float_unary("logit", lambda m, a: m.logit(a), (0.05, 0.95)),
    OpInfo("logit_eps", lambda m, a: a.logit(eps=0.2), unary((-0.3, 1.3))),
    _float_unary("erf", lambda m, a: m.erf(a), (-3.0, 3.0)),
    _float_unary("erfc", lambda m, a: m.erfc(a), (-3.0, 3.0)),
    _float_unary("erfinv", lambda m, a: m.erfinv(a), (-0.95, 0.95)),
    _float_unary("floor", lambda m, a: m.floor(a)),
    _float_unary("ceil", lambda m, a: a.ceil()),
    _float_unary("round", lambda m, a: m.round(a)),
    OpInfo("round_decimals", lambda m, a, **kw: m.round(a, **kw), _round_dec),
    _float_unary("trunc", lambda m, a: m.trunc(a)),
    _float_unary("fix", lambda m, a: a.fix()),
    _float_unary("frac", lambda m, a: m.frac(a)),
    _float_unary("reciprocal", lambda m, a: m.reciprocal(a), POS),
    _float_unary("deg2rad", lambda m, a: m.deg2rad(a)),
    _float_unary("rad2deg", lambda m, a: a.rad2deg()),
    _float_unary("positive", lambda m, a: m.positive(a) * 1),
    OpInfo("nan_to_num", lambda m, a, **kw: m.nan_to_num(a, **kw), _nan_inf),
    OpInfo("nan_to_num_defaults", lambda m, a: a.nan_to_num(), lambda rng, dt: [(_nan_inf(rng, dt)[0][0], {})],
           grad=False, **NO_FD),  # the dtype's extremes: a gradient check would overflow its weights
    OpInfo("erf_tails", lambda m, a: m.erf(a) + m.erfc(a) * 2, unary((-6.0, 6.0), shapes=[(64,)])),
    OpInfo("erfinv_tails", lambda m, a: m.erfinv(a), unary((-0.99999, 0.99999), shapes=[(64,)])),
    OpInfo("unary_special_values",
           lambda m, a: (m.exp(a), m.expm1(a), m.sqrt(a), m.sign(a), m.abs(a), m.floor(a), m.tanh(a),
                         m.sigmoid(a), m.atan(a), m.erf(a), m.erfc(a), m.reciprocal(a), m.log1p(a)),
           _special_values, check_name=False, **NO_FD),
    OpInfo("unary_int", lambda m, a: (m.exp(a), m.sin(a), m.sqrt(a.abs()), m.erf(a), m.sigmoid(a),
                                      m.log1p(a.abs()), m.rsqrt(a.abs() + 1), m.atan(a)),
           _int_unary, dtypes=INTS, grad=False, **NO_FD),
    OpInfo("unary_int_exact", lambda m, a: (m.neg(a), m.abs(a), m.sign(a), m.square(a), m.floor(a),
                                            m.round(a), m.trunc(a), m.relu(a), m.nan_to_num(a)),
           _int_unary, dtypes=INTS, grad=False, **NO_FD),
    OpInfo("unary_bool", lambda m, a: (m.exp(a), m.sign(a).float(), m.square(a).float(), m.sqrt(a),
                                       m.sigmoid(a), m.nan_to_num(a).float()),
           _bool_unary, dtypes=(np.bool_,), grad=False, **NO_FD),
    OpInfo("unary_float16", lambda m, a: (m.exp(a), m.sin(a), m.erf(a), m.sigmoid(a), m.tanh(a),
                                          m.log1p(a.abs()), m.erfinv(a / 3)),
           unary(), dtypes=(np.float16,), grad=False, **NO_FD),
    # ------------------------------------------------------------------ binary
    OpInfo("sub_number_first", lambda m, a: m.sub(2.5, a), _scalar_first),
    OpInfo("sub_alpha", lambda m, a, b: m.sub(a, b, alpha=0.5), binary(scalars=(1.5,))),
    OpInfo("rsub_fn", lambda m, a: m.rsub(a, 2.0, alpha=2), _scalar_first),
    OpInfo("add_number_first", lambda m, a: m.add(1.5, a, alpha=2), _scalar_first),
    OpInfo("div_number_first", lambda m, a: m.div(2.0, a), _scalar_first),
    OpInfo("true_divide", lambda m, a, b: m.true_divide(a, b), binary(other_domain=POS)),
    OpInfo("div_rounding", lambda m, a, b, **kw: m.div(a, b, **kw), _div_mode),
    OpInfo("floor_divide", lambda m, a, b: a // b, binary(other_domain=POS), grad=False, **NO_FD),
    OpInfo("fmod", lambda m, a, b: m.fmod(a, b), binary((-5, 5), POS, scalars=(1.5, -1.5))),
    OpInfo("remainder", lambda m, a, b: m.remainder(a, b), binary((-5, 5), POS, scalars=(1.5, -1.5))),
    OpInfo("mod_negative", lambda m, a, b: a % -b, binary((-5, 5), POS, scalars=())),
    OpInfo("rmod", lambda m, a: 5.5 % a, _scalar_first, grad=False, **NO_FD),
    OpInfo("float_power", lambda m, a, b: m.float_power(a, b), binary(POS, scalars=(2, 0.5))),
    OpInfo("maximum", lambda m, a, b: m.maximum(a, b), binary(scalars=())),
    OpInfo("minimum", lambda m, a, b: a.minimum(b), binary(scalars=())),
    OpInfo("fmax", lambda m, a, b: m.fmax(a, b), binary(scalars=())),
    OpInfo("fmin", lambda m, a, b: m.fmin(a, b), binary(scalars=())),
    OpInfo("maximum_ties", lambda m, a, b: m.maximum(a, b), _ties, **NO_FD),
    OpInfo("minimum_ties", lambda m, a, b: m.minimum(a, b), _ties, **NO_FD),
    OpInfo("fmax_ties", lambda m, a, b: m.fmax(a, b), _ties, **NO_FD),
    OpInfo("fmin_ties", lambda m, a, b: m.fmin(a, b), _ties, **NO_FD),
    OpInfo("atan2", lambda m, a, b: m.atan2(a, b), binary(scalars=())),
    OpInfo("atan2_origin", lambda m, a, b: m.arctan2(a, b),
           lambda rng, dt: [((np.zeros(2, dt), np.zeros(2, dt)), {})], **NO_FD),
    OpInfo("hypot", lambda m, a, b: m.hypot(a, b), binary(scalars=())),
    OpInfo("logaddexp", lambda m, a, b: m.logaddexp(a, b), binary((-5, 5), scalars=())),
    OpInfo("logaddexp2", lambda m, a, b: a.logaddexp2(b), binary((-5, 5), scalars=())),
    # (second derivative: torch's formula gives NaN where exp(|a - b|) overflows; tests/ops/test_logaddexp_grad.py)
    OpInfo("logaddexp_large", lambda m, a, b: m.logaddexp(a * 1e3, b * 1e3), binary(scalars=()), gradgrad=False),
    OpInfo("copysign", lambda m, a, b: m.copysign(a, b), binary(scalars=(-2.0, 3)), gradgrad=False),
    OpInfo("xlogy", lambda m, a, b: m.xlogy(a, b), binary(other_domain=POS, scalars=(2.0,))),
    OpInfo("binary_mixed_dtypes", lambda m, a, b: ((a + b).double(), (a * b).double(),
                                                           (a - b).double(), (a / b).double()),
           _mixed_dtypes, check_name=False, rtol=1e-4),  # float64 0-d operand: gradient summed in float32
    OpInfo("binary_int", lambda m, a, b: (a + b, a - b, a * b, a // b, a % b, m.fmod(a, b), a ** 2,
                                          m.maximum(a, b * 1) if isinstance(b, m.Tensor) else a,
                                                  m.div(a, b, rounding_mode="trunc")),
           _int_binary, dtypes=INTS, grad=False, **NO_FD),
    OpInfo("binary_int_float_result", lambda m, a, b: (a / b, m.true_divide(a, b) * 2, a * 1.5,
                                                       m.copysign(a, b), a ** 0.5),
           _int_binary, dtypes=INTS, grad=False, **NO_FD),
    # ------------------------------------------------------------------ ternary
    OpInfo("where", _where_fn, _where),
    OpInfo("where_method", lambda m, c, x, y: x.where(m.tensor(c), y), lambda rng, dt: _where(rng, dt)[:3]),
    OpInfo("clamp", lambda m, a, *r, **kw: m.clamp(a, *r, **kw), _clamp_scalar),
    OpInfo("clip", lambda m, a, *r, **kw: a.clip(*r, **kw), _clamp_scalar),
    OpInfo("clamp_tensor", lambda m, a, lo, hi: m.clamp(a, lo, hi), _clamp_tensor),
    OpInfo("clamp_min", lambda m, a: m.clamp_min(a, 0.2), unary()),
    OpInfo("clamp_max_tensor", lambda m, a, b: m.clamp_max(a, b), binary(scalars=())),
    OpInfo("clamp_edges", lambda m, a, lo, hi: m.clamp(a, lo, hi), _clamp_edges, **NO_FD),
    OpInfo("lerp", lambda m, a, b, w: m.lerp(a, b, w), _lerp),
    OpInfo("addcmul", lambda m, a, b, c, **kw: m.addcmul(a, b, c, **kw), _addc),
    OpInfo("addcdiv", lambda m, a, b, c, **kw: a.addcdiv(b, c, **kw), _addc),
    # ------------------------------------------------------------------ comparisons and logic (no gradient)
    OpInfo("comparisons", lambda m, a, b: (a == b, a != b, a < b, a <= b, m.gt(a, b), m.ge(a, b),
                                           m.greater(a, b), m.less_equal(a, b)), _compare,
           grad=False, **NO_FD),
    OpInfo("isclose", lambda m, a, b, **kw: m.isclose(a, b, **kw), _isclose, grad=False, **NO_FD),
    OpInfo("allclose_equal", lambda m, a, b: (m.allclose(a, b), m.allclose(a, a, equal_nan=True),
                                              m.equal(a, b), m.equal(a, a), m.equal(a[:2], a)),
           lambda rng, dt: _isclose(rng, dt)[:1], grad=False, **NO_FD),
    OpInfo("predicates", lambda m, a: (m.isnan(a), m.isinf(a), m.isfinite(a), m.isposinf(a),
                                       m.isneginf(a), m.signbit(a)),
           _special_values, grad=False, **NO_FD),
    OpInfo("logical", lambda m, a, b: (m.logical_and(a, b), m.logical_or(a, b), m.logical_xor(a, b),
                                       m.logical_not(a).expand(2, 3)), _logical, grad=False, **NO_FD),
    OpInfo("bitwise", lambda m, a, b: (a & b, a | b, a ^ b, ~(a & b)), _bits, dtypes=(np.int64,),
           grad=False, **NO_FD),
]
