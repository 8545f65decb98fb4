"""Special-function kernels on float64 NumPy arrays, NumPy only, to ~1e-14 relative: log-gamma, digamma, the
Hurwitz zeta and polygamma, modified Bessel I0/I1 (and exponentially scaled), the normal distribution's log-CDF,
inverse CDF and erfcx, the regularised incomplete gamma functions, and the orthogonal polynomials.

The ops in ``special.py`` call these; they hold no autograd logic. The methods are the textbook ones (Lanczos,
the asymptotic series, Euler-Maclaurin summation, Laplace's continued fraction, Newton's method), each noted where
it is used. Bessel J/Y/K and Airy functions use SciPy when it is installed (the optional ``special`` extra).
"""
import math

import numpy as np
from .._xp import xp

from .pointwise_special import _erf_erfc

_SQRT_PI = math.sqrt(math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)

# Lanczos approximation, g = 7, nine terms (the widely published table): Gamma to ~1e-15 relative for x >= 0.5
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)

# Bernoulli numbers B_2, B_4, ..., B_24 (for the asymptotic and Euler-Maclaurin series)
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
        -174611 / 330, 854513 / 138, -236364091 / 2730)


def _sinpi(x):
    """sin(pi x) with the argument reduced exactly first, so it is 0 at every integer."""
    r = x - 2.0 * xp.round(x / 2.0)  # in [-1, 1]
    return xp.sin(np.pi * r)


def _tanpi(x):
    r = x - xp.round(x)  # tan has period 1
    return xp.tan(np.pi * r)


def _lanczos_lgamma(x):
    """log Gamma(x) for x >= 0.5 (Lanczos), in place where it can: a few passes over the array."""
    z = x - 1.0
    s = xp.full_like(z, _LANCZOS[0])
    tmp = xp.empty_like(z)
    for k in range(1, 9):
        xp.add(z, k, out=tmp)
        xp.divide(_LANCZOS[k], tmp, out=tmp)
        s += tmp
    t = z + (_LANCZOS_G + 0.5)
    out = xp.log(t)
    out *= z + 0.5
    out -= t
    out += xp.log(s)
    out += _LOG_SQRT_2PI
    out[(x == 1.0) | (x == 2.0)] = 0.0  # exact zeros, which the approximation only gets to ~1e-16
    return out


def lgamma(x):
    """log|Gamma(x)|: Lanczos for x >= 0.5, the reflection formula below; +inf at the poles."""
    x = xp.asarray(x, np.float64)
    shape = x.shape
    x = x.reshape(-1)  # 1-D inside: NumPy turns 0-d results into scalars, which masks cannot write
    out = xp.empty_like(x)
    big = x >= 0.5
    if big.all():
        out = _lanczos_lgamma(x)
    else:
        out[big] = _lanczos_lgamma(x[big])
        small = ~big
        xs = x[small]
        out[small] = xp.log(np.pi / xp.abs(_sinpi(xs))) - _lanczos_lgamma(1.0 - xs)
    out[xp.isinf(x) | ((x <= 0) & (x == xp.floor(x)))] = np.inf
    return out.reshape(shape)


def digamma(x):
    """psi(x): recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic series; reflection
    psi(1 - x) - pi / tan(pi x) for x < 0. As torch: -inf at +0, +inf at -0, NaN at negative integers."""
    x = xp.asarray(x, np.float64)
    shape = x.shape
    x = x.reshape(-1)  # 1-D inside (see lgamma)
    neg = x < 0
    y = xp.where(neg, 1.0 - x, x)
    acc = xp.zeros_like(y)
    small = y < 10
    if small.any():  # psi(y) = psi(y + 10) - sum_{k<10} 1 / (y + k): every small element shifted past 10
        ys = y[small]
        a = xp.zeros_like(ys)
        tmp = xp.empty_like(ys)
        for k in range(10):
            xp.add(ys, k, out=tmp)
            xp.divide(1.0, tmp, out=tmp)
            a -= tmp
        acc[small], y[small] = a, ys + 10.0
    y2 = 1.0 / (y * y)
    poly = xp.zeros_like(y)
    for k in range(8, 0, -1):  # sum_k B_2k / (2k y^2k), by Horner in 1/y^2
        poly *= y2
        poly += _B2K[k - 1] / (2 * k)
    psi = acc + xp.log(y) - 0.5 / y - poly * y2
    if neg.any():
        xn = x[neg]
        psi[neg] -= np.pi / _tanpi(xn)
        psi[neg & (x == xp.floor(x))] = np.nan
    zero = x == 0
    if zero.any():
        psi[zero] = xp.where(xp.signbit(x[zero]), np.inf, -np.inf)
    psi[x == np.inf] = np.inf
    psi[x == -np.inf] = np.nan
    return psi.reshape(shape)


# (2k)! / B_2k for k = 1..12: the Euler-Maclaurin correction denominators of the zeta tail
_EM_DEN = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)
_EPS_HALF = 2.0 ** -53
_ZETA_MAX_TERMS = 1 << 22  # direct terms at most (q below -4e6 with an integer s is summed only this far)


def _zeta_long_sum(x, a, b, total):
    """The direct terms of one element whose k + q is still <= 9 after the vectorised steps: chunks of terms,
    summed in order (cumsum adds sequentially), up to the first term below half an ulp of the sum.
    Returns (a, last term, sum, stopped)."""
    n_done = 0
    while a <= 9.0 and n_done < _ZETA_MAX_TERMS:
        n = int(min(xp.floor(9.0 - a) + 1.0, 1 << 16))
        avals = xp.cumsum(xp.concatenate(([a], xp.ones(n))))[1:]
        bs = xp.power(avals, -x)
        sums = xp.cumsum(xp.concatenate(([total], bs)))[1:]
        stop = xp.flatnonzero((-_EPS_HALF * sums < bs) & (bs < _EPS_HALF * sums))
        if stop.size:
            j = stop[0]
            return avals[j], bs[j], sums[j], True
        a, b, total, n_done = avals[-1], bs[-1], sums[-1], n_done + n
    return a, b, total, False


def zeta(s, q):
    """Hurwitz zeta sum_k (k + q)^-s, as torch (Cephes): s == 1 gives inf, s < 1 NaN, q a non-positive integer
    (or -inf) inf, q < 0 with a non-integer s NaN. Otherwise direct terms (at least nine, until k + q > 9, each
    element stopping once a term is below half an ulp of the sum), then the integral, half a term and up to twelve
    Bernoulli corrections. The edge cases answer at once, with no summation."""
    s, q = xp.broadcast_arrays(xp.asarray(s, np.float64), xp.asarray(q, np.float64))
    shape = s.shape
    s, q = s.ravel(), q.ravel()
    out = xp.full(s.shape, np.nan)
    out[(s == 1) | ((s > 1) | xp.isnan(s)) & (q <= 0) & (q == xp.floor(q))] = np.inf
    # what is left to sum: s > 1 (or NaN), and q > 0, NaN, or a negative non-integer with an integer s
    idx = xp.flatnonzero(~(s == 1) & ~(s < 1) & ~((q <= 0) & ((q == xp.floor(q)) | (s != xp.floor(s)))))
    x, a = s[idx], q[idx].copy()
    total = xp.power(a, -x)
    b = xp.zeros_like(a)
    done = xp.zeros(a.shape, bool)
    live = xp.arange(a.size)
    for i in range(1, 41):  # vectorised steps; the few elements with q < -30 finish one by one below
        if i > 9:  # after nine terms, only the elements with k + q <= 9 go on
            live = live[a[live] <= 9.0]
        if live.size == 0:
            break
        a[live] += 1.0
        b[live] = xp.power(a[live], -x[live])
        total[live] += b[live]
        stop = (-_EPS_HALF * total[live] < b[live]) & (b[live] < _EPS_HALF * total[live])
        done[live[stop]] = True
        live = live[~stop]
    for e in live:
        a[e], b[e], total[e], done[e] = _zeta_long_sum(x[e], a[e], b[e], total[e])
    rest = xp.flatnonzero(~done)
    xr, w, br, sr = x[rest], a[rest], b[rest], total[rest]
    sr = sr + br * w / (xr - 1.0) - 0.5 * br
    fac, k = xp.ones_like(xr), 0.0
    going = xp.ones(xr.shape, bool)
    for den in _EM_DEN:
        fac = fac * (xr + k)
        br = br / w
        t = fac * br / den
        sr = xp.where(going, sr + t, sr)
        going &= ~(xp.abs(t / sr) < _EPS_HALF)
        if not going.any():
            break
        k += 1.0
        fac = fac * (xr + k)
        br = br / w
        k += 1.0
    total[rest] = sr
    out[idx] = total
    return out.reshape(shape)


def polygamma(n, x):
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1; digamma for n = 0."""
    if n == 0:
        return digamma(x)
    return (-1.0) ** (n + 1) * math.factorial(n) * zeta(n + 1.0, x)


def _bessel_i(x, nu, scaled):
    """I_nu(|x|) (nu = 0, 1), times exp(-|x|) when scaled: the power series below |x| = 30 (all terms positive,
    so no cancellation), the asymptotic (Hankel) series above; each stops once its terms are below 1e-17."""
    ax = xp.abs(xp.asarray(x, np.float64))
    out = xp.empty_like(ax)
    small = ax < 30
    xs = ax[small]
    q = xs * xs / 4
    term = xp.ones_like(xs) if nu == 0 else xs / 2
    total = term.copy()
    for k in range(1, 200):
        term = term * q / (k * (k + nu))
        total = total + term
        if k % 8 == 0 and not xp.any(term > 1e-17 * total):
            break
    out[small] = total * xp.exp(-xs) if scaled else total
    xl = ax[~small]
    mu = 4.0 * nu * nu
    t = xp.ones_like(xl)
    asym = t.copy()
    for k in range(1, 40):
        t = -t * (mu - (2 * k - 1) ** 2) / (k * 8.0 * xl)
        asym = asym + t
        if not xp.any(xp.abs(t) > 1e-17 * xp.abs(asym)):
            break
    asym = asym / xp.sqrt(2 * np.pi * xl)
    out[~small] = asym if scaled else asym * xp.exp(xl)
    return xp.where(ax == np.inf, 0.0 if scaled else np.nan, out)  # torch (Cephes): i0(inf) is NaN


def i0(x):
    return _bessel_i(x, 0, False)


def i0e(x):
    return _bessel_i(x, 0, True)


def i1(x):
    x = xp.asarray(x, np.float64)
    v = _bessel_i(x, 1, False)
    return xp.where(x < 0, -v, v)  # odd; i1(-0.0) is +0.0, as torch


def i1e(x):
    x = xp.asarray(x, np.float64)
    v = _bessel_i(x, 1, True)
    return xp.where(x < 0, -v, v)


def erfcx(x):
    """exp(x^2) erfc(x): Laplace's continued fraction for x >= 1 (no overflow), exp(x^2) erfc(x) below, and
    2 exp(x^2) - erfcx(-x) for x < 0 (inf once exp(x^2) overflows)."""
    x = xp.asarray(x, np.float64)
    ax = xp.abs(x)
    big = ax >= 1
    xl = xp.where(big, ax, 1.0)
    f = xl.copy()
    for k in range(170, 0, -1):
        f = xl + (k / 2) / f
    cf = 1.0 / (_SQRT_PI * f)
    xs = xp.where(big, 0.0, ax)
    direct = xp.exp(xs * xs) * _erf_erfc(xs)[1]
    pos = xp.where(big, cf, direct)
    return xp.where(x < 0, 2 * xp.exp(x * x) - pos, pos)


def log_ndtr(x):
    """log Phi(x) = log(erfcx(-x / sqrt 2) / 2) - x^2 / 2: no underflow far in the left tail."""
    x = xp.asarray(x, np.float64)
    z = -x / math.sqrt(2)
    right = x > 0
    # right tail: log1p(-Phi(-x)) keeps the tiny difference from 0
    left = xp.log(erfcx(xp.where(right, 0.0, z)) / 2) - xp.where(right, 0.0, x * x) / 2
    phi_neg = erfcx(xp.where(right, -z, 0.0)) / 2 * xp.exp(-xp.where(right, x * x, 0.0) / 2)
    return xp.where(right, xp.log1p(-phi_neg), left)


def ndtri(p):
    """The standard normal quantile: Newton's method on log Phi(x) = log p from the tail asymptote
    x ~ -sqrt(-2 log p - log(-2 log p) - log 2 pi), in the lower half (the upper half by symmetry)."""
    p = xp.asarray(p, np.float64)
    upper = p > 0.5
    q = xp.where(upper, 1.0 - p, p)
    q = xp.where((q > 0) & (q <= 0.5), q, 0.25)
    t = -2 * xp.log(q)
    x = -xp.sqrt(xp.maximum(t - xp.log(t) - math.log(2 * math.pi), 0.0))
    x = xp.where(q > 0.1, -math.sqrt(2) * 0.886 * (0.5 - q) * 2.5, x)  # central start
    lq = xp.log(q)
    for _ in range(30):
        ratio = math.sqrt(2 / math.pi) / erfcx(-x / math.sqrt(2))  # d/dx log Phi(x)
        step = (log_ndtr(x) - lq) / ratio
        x = x - step
    x = xp.where(upper, -x, x)
    x = xp.where(p == 0, -np.inf, xp.where(p == 1, np.inf, x))
    x = xp.where(p == 0.5, 0.0, x)
    return xp.where((p < 0) | (p > 1) | xp.isnan(p), np.nan, x)


def gammainc(a, x):
    """The regularised lower incomplete gamma P(a, x): the series for x < a + 1, 1 - Q from Legendre's
    continued fraction (modified Lentz) otherwise."""
    a, x = xp.broadcast_arrays(xp.asarray(a, np.float64), xp.asarray(x, np.float64))
    p, q = _gamma_pq(a, x)
    return p


def gammaincc(a, x):
    a, x = xp.broadcast_arrays(xp.asarray(a, np.float64), xp.asarray(x, np.float64))
    return _gamma_pq(a, x)[1]


def _gamma_pq(a, x):
    pre = xp.exp(a * xp.log(xp.where(x > 0, x, 1.0)) - x - lgamma(a))
    use_series = x < a + 1
    # series: P = pre * sum_n x^n / (a (a+1) ... (a+n))
    ap = a.copy()
    term = 1.0 / a
    total = term.copy()
    for _ in range(500):
        ap = ap + 1
        term = term * x / ap
        total = total + term
    p_series = pre * total
    # continued fraction for Q (modified Lentz)
    tiny = 1e-300
    b = x + 1.0 - a
    c = xp.full_like(b, 1.0 / tiny)
    d = 1.0 / xp.where(b == 0, tiny, b)
    h = d.copy()
    for i in range(1, 500):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = xp.where(xp.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = xp.where(xp.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h = h * d * c
    q_cf = pre * h
    p = xp.where(use_series, p_series, 1.0 - q_cf)
    q = xp.where(use_series, 1.0 - p_series, q_cf)
    zero = x == 0
    p, q = xp.where(zero, 0.0, p), xp.where(zero, 1.0, q)
    inf = xp.isposinf(x)
    p, q = xp.where(inf, 1.0, p), xp.where(inf, 0.0, q)
    bad = (a < 0) | (x < 0) | xp.isnan(a) | xp.isnan(x)
    a0 = (a == 0) & (x > 0)
    p, q = xp.where(a0, 1.0, p), xp.where(a0, 0.0, q)
    return xp.where(bad, np.nan, p), xp.where(bad, np.nan, q)


# ---------------------------------------------------------------------------------------------- polynomials
def _recurrence(x, n, p0, p1, step):
    """P_n(x) from P_0, P_1 and P_{k+1} = step(k, x, P_k, P_{k-1}), per element of the integer array n."""
    n = xp.broadcast_to(n, xp.broadcast_shapes(xp.shape(x), xp.shape(n)))
    x = xp.broadcast_to(x, n.shape)
    out = xp.where(n == 0, p0(x), p1(x))
    top = int(xp.max(n, initial=0))
    prev, cur = p0(x), p1(x)
    for k in range(1, top):
        prev, cur = cur, step(k, x, cur, prev)
        out = xp.where(n == k + 1, cur, out)
    return xp.where(n < 0, 0.0, out)


def _ones(x):
    return xp.ones_like(x)


def polynomial(kind, x, n):
    """Orthogonal polynomial ``kind`` of degree n at x (float64 arrays; n integral valued)."""
    x = xp.asarray(x, np.float64)
    n = xp.asarray(n, np.float64)
    bad_n = xp.isnan(n)
    n = xp.where(bad_n, -1, xp.trunc(n)).astype(np.int64)
    if kind.startswith("shifted_"):
        kind, x = kind[len("shifted_"):], 2 * x - 1
    if kind == "chebyshev_polynomial_t":
        out = _recurrence(x, n, _ones, lambda v: v, lambda k, v, c, p: 2 * v * c - p)
    elif kind == "chebyshev_polynomial_u":
        out = _recurrence(x, n, _ones, lambda v: 2 * v, lambda k, v, c, p: 2 * v * c - p)
    elif kind == "chebyshev_polynomial_v":
        out = _recurrence(x, n, _ones, lambda v: 2 * v - 1, lambda k, v, c, p: 2 * v * c - p)
    elif kind == "chebyshev_polynomial_w":
        out = _recurrence(x, n, _ones, lambda v: 2 * v + 1, lambda k, v, c, p: 2 * v * c - p)
    elif kind == "hermite_polynomial_h":
        out = _recurrence(x, n, _ones, lambda v: 2 * v, lambda k, v, c, p: 2 * v * c - 2 * k * p)
    elif kind == "hermite_polynomial_he":
        out = _recurrence(x, n, _ones, lambda v: v, lambda k, v, c, p: v * c - k * p)
    elif kind == "laguerre_polynomial_l":
        out = _recurrence(x, n, _ones, lambda v: 1 - v,
                          lambda k, v, c, p: ((2 * k + 1 - v) * c - k * p) / (k + 1))
    elif kind == "legendre_polynomial_p":
        out = _recurrence(x, n, _ones, lambda v: v, lambda k, v, c, p: ((2 * k + 1) * v * c - k * p) / (k + 1))
    else:
        raise ValueError(kind)
    return xp.where(bad_n, np.nan, out)


# ---------------------------------------------------------------------------------------------- SciPy-backed
def scipy_special(name):
    """A SciPy kernel for the functions NumPy alone does not give to float64 accuracy here (Bessel J/Y/K,
    Airy); SciPy is the optional ``special`` extra."""
    try:
        import scipy.special as sc
    except ImportError:
        raise ImportError(f"npgrad.special.{name} needs SciPy: install the optional extra with "
                          f"`pip install npgrad[special]` (or `pip install scipy`)") from None
    return sc
