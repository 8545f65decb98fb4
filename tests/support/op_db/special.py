"""Op table entries: special functions (npgrad.lgamma & co. and npgrad.special), with torch's derivatives."""
import numpy as np

from . import OpInfo, NoGrad, unary, rand

NO_FD = dict(gradcheck=False, gradgrad=False)
NO = dict(grad=False, **NO_FD)
POS = (0.2, 4.0)
S = [(), (5,), (2, 3)]


def _gamma_domain(rng, dtype):
    return [((rand(rng, s, dtype, POS),), {}) for s in S] + [((rand(rng, (4,), dtype, (-2.9, -2.1)),), {}),
                                                              ((rand(rng, (4,), dtype, (-0.9, -0.1)),), {})]


def _poles(rng, dtype):
    return [((np.array([0.0, -0.0, -1.0, -2.0, 1.0, 2.0, 1e-30, 50.0, 200.0, np.inf, -np.inf, np.nan], dtype),), {})]


def _pair(da, db, a_grad=True, shapes=(((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)))):
    def samples(rng, dtype):
        out = []
        for sa, sb in shapes:
            a = rand(rng, sa, dtype, da)
            out.append(((a if a_grad else NoGrad(a), rand(rng, sb, dtype, db)), {}))
        return out
    return samples


def _xlog1py(rng, dtype):
    return _pair((-2, 2), (-0.9, 2))(rng, dtype) + [((rand(rng, (3,), dtype), 1.5), {})]


def _xlog1py_edges(rng, dtype):
    return [((np.array([0.0, 0.0, 1.0], dtype), np.array([-1.0, 0.5, -0.5], dtype)), {})]


def _ints(rng, dtype):
    return [((rng.integers(-20, 21, size=(2, 4)), rng.integers(-20, 21, size=(4,))), {}),
            ((np.array([0, 0, 7, -12]), np.array([0, 5, 0, 18])), {})]


def _heaviside(rng, dtype):
    x = rand(rng, (2, 4), dtype)
    x[0, :2] = 0
    return [((x, NoGrad(rand(rng, (4,), dtype))), {}), ((x, NoGrad(np.array(0.5, dtype))), {})]


def _ldexp_negative_int(rng, dtype):
    """torch's gradient for an integer exponent is grad * pow(2, other) in integer arithmetic: 0 where other < 0
    (not the true 2**other); npgrad gives torch's value, so no finite-difference check here."""
    return [((rand(rng, (2, 3), dtype), rng.integers(-3, 4, size=(3,))), {})]


def _ldexp(rng, dtype):
    return [((rand(rng, (2, 3), dtype), rng.integers(0, 4, size=(3,))), {}),
            ((rand(rng, (3,), dtype), rand(rng, (2, 3), dtype, (-2, 2))), {})]


def _frexp(rng, dtype):
    return [((rand(rng, s, dtype, (-40, 40)),), {}) for s in S]


def _poly(rng, dtype):
    return [((NoGrad(rand(rng, (2, 6), dtype, (-1.2, 1.2))), np.arange(-1, 11).reshape(2, 6)), {}),
            ((NoGrad(rand(rng, (6,), dtype, (-1.2, 1.2))), 4), {})]


def _special_all(m, x, n):
    s = m.special
    return tuple(getattr(s, k)(x, n) for k in (
        "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
        "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
        "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
        "laguerre_polynomial_l", "legendre_polynomial_p"))


def _bessels(m, x):
    s = m.special
    return (s.bessel_j0(x), s.bessel_j1(x), s.bessel_y0(x.abs() + 0.1), s.bessel_y1(x.abs() + 0.1),
            s.modified_bessel_i0(x), s.modified_bessel_i1(x), s.modified_bessel_k0(x.abs() + 0.1),
            s.modified_bessel_k1(x.abs() + 0.1), s.scaled_modified_bessel_k0(x.abs() + 0.1),
            s.scaled_modified_bessel_k1(x.abs() + 0.1), s.spherical_bessel_j0(x), s.airy_ai(x))


OPS = [
    OpInfo("lgamma", lambda m, a: m.lgamma(a), _gamma_domain),
    OpInfo("lgamma_method", lambda m, a: a.lgamma(), unary(POS)),
    OpInfo("digamma", lambda m, a: m.digamma(a), _gamma_domain),
    OpInfo("polygamma1", lambda m, a: m.polygamma(1, a), _gamma_domain, rtol=1e-6),  # torch's trigamma: ~1e-9
    OpInfo("polygamma2", lambda m, a: m.polygamma(2, a), unary(POS)),
    OpInfo("polygamma3_method", lambda m, a: a.polygamma(3), unary(POS), gradgrad=False),
    OpInfo("gamma_poles", lambda m, a: (m.lgamma(a), m.digamma(a)), _poles, check_name=False, **NO),
    OpInfo("mvlgamma", lambda m, a: (m.mvlgamma(a, 1), m.mvlgamma(a, 3), a.mvlgamma(2)), unary((2.0, 5.0)),
           check_name=False),
    OpInfo("special_multigammaln", lambda m, a: m.special.multigammaln(a, 2), unary((2.0, 5.0))),
    OpInfo("i0", lambda m, a: (m.i0(a), a.i0()), unary((-3, 3)), check_name=False),
    OpInfo("i0_large", lambda m, a: m.special.i0(a), unary((-40, 40), shapes=[(8,)])),
    OpInfo("special_i0e", lambda m, a: m.special.i0e(a), unary((-40, 40))),
    OpInfo("special_i1", lambda m, a: m.special.i1(a), unary((-35, 35))),
    OpInfo("special_i1e", lambda m, a: m.special.i1e(a), unary((-40, 40))),
    OpInfo("special_i1_zero", lambda m, a: (m.special.i1(a * 0), m.special.i1e(a * 0), m.special.i0e(a * 0)),
           unary(shapes=[(3,)]), check_name=False, **NO_FD),
    OpInfo("sinc", lambda m, a: (m.sinc(a), m.special.sinc(a), a.sinc()), unary((-3, 3)), check_name=False),
    OpInfo("sinc_zero", lambda m, a: m.sinc(a * 0), unary(shapes=[(3,)]), **NO_FD),
    OpInfo("special_erfcx", lambda m, a: m.special.erfcx(a), unary((-2, 6))),
    OpInfo("special_ndtri", lambda m, a: m.special.ndtri(a), unary((0.05, 0.95))),
    OpInfo("special_log_ndtr", lambda m, a: m.special.log_ndtr(a), unary((-6, 6))),
    OpInfo("special_log_ndtr_tail", lambda m, a: m.special.log_ndtr(a), unary((-40, -20), shapes=[(6,)])),
    # torch's composite ends in mul.Scalar (MulBackward1); npgrad's `* 0.5` records MulBackward0
    OpInfo("special_ndtr", lambda m, a: m.special.ndtr(a), unary((-4, 4)), check_name=False),
    OpInfo("special_entr", lambda m, a: m.special.entr(a), unary((0.1, 2.0))),
    OpInfo("special_entr_edges", lambda m, a: m.special.entr(a),
           lambda rng, dt: [((np.array([-1.0, 0.0, 0.5, np.inf, np.nan], dt),), {})], grad=False, **NO_FD),
    OpInfo("special_xlog1py", lambda m, a, b: m.special.xlog1py(a, b), _xlog1py),
    OpInfo("special_xlog1py_edges", lambda m, a, b: m.special.xlog1py(a, b), _xlog1py_edges, **NO_FD),
    OpInfo("special_xlog1py_number", lambda m, b: m.special.xlog1py(2.0, b), unary((-0.5, 2))),
    OpInfo("special_zeta", lambda m, a, b: m.special.zeta(a, b), _pair((1.5, 4), (0.5, 3), a_grad=False)),
    OpInfo("special_zeta_number", lambda m, b: m.special.zeta(2.0, b), unary((0.5, 3)), gradgrad=False),
    OpInfo("special_zeta_number_other", lambda m, b: m.special.zeta(b + 2, 1.5), unary((0.5, 3)), **NO),
    OpInfo("special_zeta_edges", lambda m, a, b: m.special.zeta(a, b),
           lambda rng, dt: [((np.array([2.0, 3, 1, 0.5, -1, 2], dt), np.array([1.0, -1.5, 2, 2, 2, -2], dt)), {})],
           **NO),
    OpInfo("special_gammainc", lambda m, a, x: (m.special.gammainc(a, x), m.special.gammaincc(a, x)),
           _pair((0.5, 5), (0.1, 8), a_grad=False), check_name=True),
    OpInfo("special_aliases", lambda m, a: (m.special.expit(a), m.special.logit(a.sigmoid()), m.special.erf(a),
                                            m.special.erfc(a), m.special.erfinv(a / 3), m.special.expm1(a),
                                            m.special.exp2(a), m.special.log1p(a.abs()), m.special.psi(a.abs() + 1),
                                            m.special.gammaln(a.abs() + 1), m.special.xlogy(a, a.abs() + 1),
                                            m.special.round(a * 3), m.special.logsumexp(a, -1),
                                            m.special.softmax(a, -1), m.special.log_softmax(a, -1)),
           unary(shapes=[(2, 3)]), check_name=False, gradgrad=False),
    OpInfo("special_polynomials", _special_all, _poly, **NO),
    # torch's Bessel kernels are off by up to ~6e-6 relative near zeros of the function (SciPy's agree with
    # mpmath to 1e-15), hence the wider tolerance
    OpInfo("special_bessel", _bessels, unary((-8, 8), shapes=[(10,)]), rtol=2e-5, atol=1e-7, **NO),
    OpInfo("heaviside", lambda m, a, v: (m.heaviside(a, v), a.heaviside(v)), _heaviside, **NO),
    OpInfo("gcd_lcm", lambda m, a, b: (m.gcd(a, b), m.lcm(a, b), a.gcd(b), a.lcm(b)), _ints, dtypes=(np.int64,),
           **NO),
    OpInfo("ldexp", lambda m, a, b: m.ldexp(a, b), _ldexp),
    OpInfo("ldexp_negative_int", lambda m, a, b: m.ldexp(a, b), _ldexp_negative_int, **NO_FD),
    OpInfo("ldexp_method", lambda m, a, b: a.ldexp(b), lambda rng, dt: _ldexp(rng, dt)[:1]),
    OpInfo("frexp", lambda m, a: tuple(m.frexp(a)), _frexp),
    OpInfo("frexp_method", lambda m, a: a.frexp().mantissa * 1, _frexp, check_name=False),
    OpInfo("nextafter", lambda m, a, b: (m.nextafter(a, b), a.nextafter(b)), _pair((-2, 2), (-2, 2)),
           check_name=False),
    OpInfo("special_int_input", lambda m, a: (m.lgamma(a.abs() + 1), m.digamma(a.abs() + 1), m.i0(a),
                                              m.special.i1e(a), m.special.ndtr(a), m.sinc(a)),
           lambda rng, dt: [((rng.integers(-3, 4, size=(5,)),), {})], dtypes=(np.int64,), check_name=False, **NO),
]
OPS.append(OpInfo("bessel_i_edges", lambda m, a: (m.i0(a), m.special.i0e(a), m.special.i1(a), m.special.i1e(a)),
                  lambda rng, dt: [((np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 40.0, -35.0], dt),), {})],
                  check_name=False, **NO))
