"""Special pointwise functions and rounding: logit, erf/erfc/erfinv (NumPy only, accurate to ~1e-15), floor/
ceil/round (half to even, optional decimals)/trunc/frac, nan_to_num, deg2rad/rad2deg.
"""
import builtins
import math

import numpy as np
from .._xp import xp

from .._dtype import is_float_np

from ..autograd.function import Function, dispatch
from .pointwise import where, refuse, zeros_of, float_input as _float_input

__all__ = ["logit", "erf", "erfc", "erfinv", "floor", "ceil", "round", "trunc", "fix", "frac", "nan_to_num",
           "deg2rad", "rad2deg"]

_SQRT_PI = math.sqrt(math.pi)
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class Logit(Function):
    """``log(p / (1 - p))``; with ``eps`` the input is first clamped to ``[eps, 1 - eps]``."""
    _builtin = True
    _ctx_fields = ("eps",)

    @staticmethod
    def forward(ctx, a, eps):
        a = _float_input(a)
        ctx.eps = eps
        ctx.save_for_backward(a)
        x = a if eps is None else xp.clip(a, xp.asarray(eps, a.dtype), xp.asarray(1 - eps, a.dtype)).astype(a.dtype, copy=False)
        return xp.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        # self: logit_backward(grad, self, eps)
        a, = ctx.saved_tensors
        eps = ctx.eps
        g = grad / (a * (1 - a))
        if eps is None:  # outside [0, 1] the derivative does not exist: NaN, as torch
            return where((a < 0) | (a > 1), np.nan, g), None
        return where((a < eps) | (a > 1 - eps), 0.0, g), None  # clamped region: constant


_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_ERFC_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)


def _horner(coeffs, z):
    """coeffs[0]*z^(n-1) + ... + coeffs[-1], evaluated in place on one fresh array."""
    out = z * coeffs[0]
    for c in coeffs[1:-1]:
        out += c
        out *= z
    out += coeffs[-1]
    return out


def _exp_neg_sq(x):
    """exp(-x*x) for x >= 0 without the rounding of x*x magnifying into the tail's relative error: x = m + f
    with m a multiple of 1/32 (m*m exact), so x*x = m*m + (2m + f)*f and exp splits into two factors."""
    m = xp.floor(x * 32.0 + 0.5)
    m *= 1.0 / 32.0
    f = x - m
    u1 = 2.0 * m
    u1 += f
    u1 *= f
    m *= m
    m *= -1.0
    xp.exp(m, out=m)
    u1 *= -1.0
    xp.exp(u1, out=u1)
    m *= u1
    return m


def _erfc_pos(a):
    """erfc of a float64 array a >= 1 (or nan/inf): exp(-a^2) times a rational in a (Cody/Cephes), P/Q below
    8, R/S beyond; the whole is taken at min(a, 30) (erfc underflows to 0 past ~27.3, so that only keeps
    inf from making nan)."""
    ac = xp.minimum(a, 30.0)
    z = _exp_neg_sq(ac)
    mid = ac < 8.0
    if mid.all():
        z *= _horner(_ERFC_P, ac)
        z /= _horner(_ERFC_Q, ac)
        return z
    far = ~mid
    r = xp.empty_like(ac)
    am, af = ac[mid], ac[far]
    r[mid] = _horner(_ERFC_P, am) / _horner(_ERFC_Q, am)
    r[far] = _horner(_ERFC_R, af) / _horner(_ERFC_S, af)
    z *= r
    return z


_BLOCK64 = 16000  # float64 elements per block of _erf_erfc (its work arrays stay in L2)


def _erf_erfc(x, want=(True, True)):
    """erf and erfc of a float64 array, to ~1e-15 relative, with NumPy only (Cody 1969 / Cephes rationals).

    |x| < 1: erf = x T(x^2)/U(x^2), erfc = 1 - erf. |x| >= 1: erfc = exp(-x^2) P(|x|)/Q(|x|) (|x| < 8) or
    exp(-x^2) R(|x|)/S(|x|), erf = 1 - erfc; exp(-x^2) is split so erfc keeps its relative accuracy far into
    the tail (erfc(26) ~ 1e-296). Odd/even symmetry gives x < 0. `want` = (erf?, erfc?) skips the unused one
    (its slot is None). Works in _BLOCK64 pieces, the regions joined by exact 0/1 factors (no masks).
    """
    want_erf, want_erfc = want
    x1 = x.reshape(-1)
    e = xp.empty_like(x1) if want_erf else None
    c = xp.empty_like(x1) if want_erfc else None
    n = x1.size
    for i in range(0, n, _BLOCK64):
        k = min(_BLOCK64, n - i)
        _erf_erfc64_block(x1[i:i + k], None if e is None else e[i:i + k], None if c is None else c[i:i + k])
    return (None if e is None else e.reshape(x.shape)), (None if c is None else c.reshape(x.shape))


def _erf_erfc64_block(x, e, c):
    """erf into e and erfc into c (either may be None) of a 1-d float64 block x (see _erf_erfc)."""
    a = xp.abs(x)
    small = a < 1.0
    n = int(xp.count_nonzero(small))
    k = a.size
    es = None
    if n:
        u = xp.minimum(a, 1.0)
        if n != k:
            u *= small  # zero outside |x| < 1: that branch then adds exactly 0 there
        z = u * u
        es = _horner(_ERF_T, z)
        es *= u
        es /= _horner(_ERF_U, z)  # erf(|x|) where |x| < 1, 0 elsewhere
        if n == k:
            if e is not None:
                xp.copysign(es, x, out=e)
            if c is not None:
                xp.copysign(es, x, out=c)
                xp.subtract(1.0, c, out=c)
            return
    b = xp.clip(a, 1.0, 30.0)  # nan stays nan; erfc underflows to 0 past ~27.3
    cb = _exp_neg_sq(b)
    mid = b < 8.0
    nm = int(xp.count_nonzero(mid))
    r = None
    if nm:
        r = _horner(_ERFC_P, b)
        r /= _horner(_ERFC_Q, b)
        if nm != k:
            r *= mid
    if nm != k:
        rf = _horner(_ERFC_R, b)
        rf /= _horner(_ERFC_S, b)
        if r is None:
            r = rf
        else:
            xp.logical_not(mid, out=mid)
            rf *= mid
            r += rf
    cb *= r  # erfc(|x|) where |x| >= 1 or nan
    big = None
    if n:
        big = xp.logical_not(small)
        cb *= big
    if e is not None:
        xp.subtract(1.0, cb, out=e)
        if n:
            e *= big
            e += es
        xp.copysign(e, x, out=e)
    if c is not None:
        neg = x < 0.0
        if n:
            neg &= big
            pos = big & ~neg
        else:
            pos = ~neg
        xp.subtract(2.0, cb, out=c)
        c *= neg
        cb *= pos
        c += cb
        if n:
            xp.copysign(es, x, out=es)
            xp.subtract(1.0, es, out=es)
            es *= small
            c += es


# float32 erf/erfc: own minimax fits (Lawson's iteratively reweighted least squares against float64 erf/erfcx),
# evaluated in float32 with in-place Horner steps, one branch-free formula per region and the regions joined
# by 0/1 factors (exact: each value is kept or zeroed) instead of masks, np.where or indexing (all ~20x a pass).
_ERF32_Q = (7.85384836490266e-05, -0.0008010188466869295, 0.005188326817005873, -0.026853810995817184,
            0.1128358542919159, -0.3761262595653534, 0.12837916612625122)
# |x| < 1: erf = x + x Q(x^2) (Q(0) = 2/sqrt(pi) - 1: the leading x is exact, so tiny x stay ~0.5 ulp)
_ERF32_R = (-0.0003938002628274262, -0.0008255761349573731, -0.0020104297436773777, 0.0019270966295152903,
            -0.00781164551153779, 0.025164643302559853, -0.0742964893579483, 0.21080681681632996)
# 1 <= a <= 4: erfc(a) = exp(-a^2) R(a - 2.5) (R ~ erfcx); erf = 1 - erfc rounds to 1 in float32 past ~3.92
_ERFCX_P = (0.04252679576439386, 0.26906527085275495, 0.8096928716749882, 1.3069170769301908, 1.000007137029428)
_ERFCX_Q = (0.07537647289278399, 0.4769186704906508, 1.472597526295998, 2.5573731089170737, 2.435369477481791, 1.0)
# 0.47 <= a <= 10.1: erfcx(a) = P(a)/Q(a) to 1e-9, evaluated in float64 (erfc's float32 tail, see _erfc32)


def _horner_into(coeffs, z, out):
    """_horner's polynomial written into out (no fresh array: a new 1 MB array costs page faults, ~a pass)."""
    xp.multiply(z, coeffs[0], out=out)
    for c in coeffs[1:-1]:
        out += c
        out *= z
    out += coeffs[-1]
    return out


_BLOCK = 32000  # float32 elements per block: a block's five work arrays stay in L2 (1 MB arrays spill: ~1.5-2x)


def _erf32_abs_block(w, x, r, scale=None):
    """erf(|x| * scale) of a 1-d float32 block x into r (~1.3 ulp; the sign is the caller's); w = (a, u, z,
    small) are work arrays of x's size (float32, small bool). |x| < 1: s = u + u Q(u^2) with u = min(|x|, 1)
    zeroed outside (that branch then adds exactly 0 there); |x| >= 1 (and nan: min(nan, 4) is nan):
    1 - exp(-b^2) R(b - 2.5), b = min(|x|, 4), zeroed by the 0/1 factor outside."""
    a, u, z, small = w
    xp.abs(x, out=a)
    if scale is not None:
        a *= scale
    xp.less(a, 1.0, out=small)
    n = int(xp.count_nonzero(small))
    k = a.size
    if n:
        xp.minimum(a, 1.0, out=u)
        if n != k:
            u *= small
        xp.multiply(u, u, out=z)
        _horner_into(_ERF32_Q, z, r)
        r *= u
        r += u
        if n == k:
            return r
        xp.logical_not(small, out=small)
    b = xp.minimum(a, 4.0, out=a)
    xp.multiply(b, b, out=u)
    xp.negative(u, out=u)
    xp.exp(u, out=u)
    b -= 2.5
    big = z if n else r
    _horner_into(_ERF32_R, b, big)
    big *= u
    xp.subtract(1.0, big, out=big)
    if n:
        big *= small
        r += big
    return r


def _by_blocks(block, x, n_out=1):
    """Run block(w, x_part, *out_parts) over the float32 array x in _BLOCK pieces, w = (a, u, z, small) work
    arrays made once; returns the n_out float32 results (x's shape): one array, or a list when n_out > 1."""
    x1 = x.reshape(-1)
    outs = [xp.empty_like(x1) for _ in range(n_out)]
    n = x1.size
    m = min(n, _BLOCK)
    if m:
        work = (xp.empty(m, np.float32), xp.empty(m, np.float32), xp.empty(m, np.float32), xp.empty(m, np.bool_))
        for i in range(0, n, m):
            k = min(m, n - i)
            block(tuple(v[:k] for v in work), x1[i:i + k], *(o[i:i + k] for o in outs))
    outs = [o.reshape(x.shape) for o in outs]
    return outs[0] if n_out == 1 else outs


def _or_sign32(w, x, r):
    """r = copysign(r, x) for r >= 0 (erf(|x|)): x's sign bit OR-ed into r's, two integer passes (np.copysign
    is ~3x a pass); the work array w[0] holds the bits."""
    bits = w[0].view(np.int32)
    xp.bitwise_and(x.view(np.int32), np.int32(-2 ** 31), out=bits)
    xp.bitwise_or(r.view(np.int32), bits, out=r.view(np.int32))


def _erf32_block(w, x, r):
    _erf32_abs_block(w, x, r)
    _or_sign32(w, x, r)


def _erf32(x):
    """erf of a float32 array, ~1.3 ulp (see _erf32_abs_block), odd by x's sign bit (-0.0 stays -0.0)."""
    return _by_blocks(_erf32_block, x)


def _phi32_block(w, x, r):
    """The standard normal CDF 0.5 (1 + erf(x / sqrt 2)) of a float32 block, torch's float32 formula."""
    _erf32_abs_block(w, x, r, _SQRT1_2)
    _or_sign32(w, x, r)
    r += 1.0
    r *= 0.5


def _gelu32_block(w, x, r):
    """Exact GELU x Phi(x) of a float32 block."""
    _phi32_block(w, x, r)
    r *= x


def _add_x_pdf32(w, x, r):
    """r += x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi) (gelu_backward's second term), float32 block."""
    u = w[1]
    xp.multiply(x, x, out=u)
    u *= -0.5
    xp.exp(u, out=u)
    u *= x
    u *= _INV_SQRT_2PI
    r += u


def _gelu_dx32_block(w, x, r):
    """Exact GELU's derivative Phi(x) + x phi(x) of a float32 block."""
    _phi32_block(w, x, r)
    _add_x_pdf32(w, x, r)


def _gelu_both32_block(w, x, r, d):
    """Exact GELU (into r) and its derivative (into d) of a float32 block from one erf; each bit-equal to
    _gelu32_block's and _gelu_dx32_block's (the compiled path's inlined gelu)."""
    _phi32_block(w, x, d)
    xp.multiply(d, x, out=r)
    _add_x_pdf32(w, x, d)


def _phi32(x):
    """0.5 (1 + erf(x / sqrt 2)) of a float32 array (see _phi32_block)."""
    return _by_blocks(_phi32_block, x)


def _gelu32(x, with_dx=False):
    """Exact GELU of a float32 array in one blocked pass of the erf kernel; with_dx: [gelu, derivative]."""
    if with_dx:
        return _by_blocks(_gelu_both32_block, x, 2)
    return _by_blocks(_gelu32_block, x)


def _gelu_dx32(x):
    """Phi(x) + x phi(x) of a float32 array in one blocked pass (see _gelu_dx32_block)."""
    return _by_blocks(_gelu_dx32_block, x)


def _erfc32_block(w, x, r):
    """erfc of a float32 block, ~1 ulp relative into the tail (erfc(9) ~ 4e-37): 1 - erf(x) for x < 0.47 (there
    erfc > 0.5, in [1, 2] for x < 0), exp(-x^2) P(x)/Q(x) beyond, in float64: x*x of a float32 is exact there,
    and a float32 Horner would lose ~5 ulp (its rounding errors add up when no term dominates)."""
    a, u, z, small = w
    n = int(xp.count_nonzero(x < 0.47))
    if n:
        _erf32_block(w, x, r)
        xp.subtract(1.0, r, out=r)
        if n == x.size:
            return
        xp.less(x, 0.47, out=small)
        r *= small
    b = xp.clip(x, 0.47, 10.1, out=a).astype(np.float64)  # nan stays nan; erfc(10.1) rounds to 0 in float32
    e = b * b
    xp.negative(e, out=e)
    xp.exp(e, out=e)
    e *= _horner(_ERFCX_P, b)
    e /= _horner(_ERFCX_Q, b)
    if n:
        u[...] = e
        xp.logical_not(small, out=small)
        u *= small
        r += u
    else:
        r[...] = e


def _erfc32(x):
    """erfc of a float32 array (see _erfc32_block)."""
    return _by_blocks(_erfc32_block, x)


def _erfinv(y):
    """Inverse error function of a float64 array: Winitzki's closed form (error ~2e-3) refined by two Halley
    steps on erf(x) = y, to ~2e-15 relative. For |y| > 0.5 the residual is taken as (1 - |y|) - erfc(x), so
    that values near 1 keep their precision."""
    ay = xp.abs(y)
    a = 0.147
    ln = xp.log1p(-ay * ay)
    t = 2 / (np.pi * a) + ln / 2
    x = xp.sqrt(xp.sqrt(t * t - ln / a) - t)
    tail = ay > 0.5
    for _ in range(2):
        e, c = _erf_erfc(x)
        f = xp.where(tail, (1 - ay) - c, e - ay)
        d = (2 / _SQRT_PI) * xp.exp(-x * x)
        x = x - f / (d + x * f)  # Halley: f'' = -2x f'
    x = xp.where(ay == 1, np.inf, xp.where(ay > 1, np.nan, x))
    return xp.copysign(x, y)


def _special(fn, a):
    """Evaluate a float64 helper for any float dtype and cast back."""
    a = _float_input(a)
    return fn(a.astype(np.float64)).astype(a.dtype, copy=False)


def _erf_any(a):
    """erf of a float array: float64 by _erf_erfc, every narrower float by the float32 kernel (torch computes
    half and bfloat16 in float32 too) and rounded once."""
    if a.dtype == np.float64:
        return _erf_erfc(a, (True, False))[0]
    return _erf32(a.astype(np.float32, copy=False)).astype(a.dtype, copy=False)


def _erfc_any(a):
    """erfc of a float array, as _erf_any."""
    if a.dtype == np.float64:
        return _erf_erfc(a, (False, True))[1]
    return _erfc32(a.astype(np.float32, copy=False)).astype(a.dtype, copy=False)


class Erf(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return _erf_any(a)

    @staticmethod
    def backward(ctx, grad):
        # self: 2.0 / sqrt(M_PI) * exp(-(self.pow(2))) * grad
        xp = ctx.xp
        a, = ctx.saved_tensors
        return (2 / _SQRT_PI) * xp.exp(-(a * a)) * grad


class Erfc(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return _erfc_any(a)

    @staticmethod
    def backward(ctx, grad):
        # self: -2.0 / sqrt(M_PI) * exp(-(self.pow(2))) * grad
        xp = ctx.xp
        a, = ctx.saved_tensors
        return (-2 / _SQRT_PI) * xp.exp(-(a * a)) * grad


class Erfinv(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)  # torch saves self and recomputes erfinv: the result may change in place
        return _special(_erfinv, a)

    @staticmethod
    def backward(ctx, grad):
        # self: 0.5 * sqrt(M_PI) * exp(self.erfinv().pow(2)) * grad
        xp = ctx.xp
        a, = ctx.saved_tensors
        out = dispatch(Erfinv, a)
        return (0.5 * _SQRT_PI) * xp.exp(out * out) * grad


class _Rounding(Function):
    """floor/ceil/round/trunc: piecewise constant, so the gradient is zero; integers pass unchanged."""
    _builtin = True

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return zeros_of(grad)


def _rounding_op(name, np_fn):
    def forward(ctx, a):
        if not is_float_np(a.dtype):
            if a.dtype == np.bool_:
                refuse(f"{name.lower()}_vml_cpu", a.dtype)
            return a.copy()
        return np_fn(a)
    return type(name, (_Rounding,), {"forward": staticmethod(forward), "__module__": __name__})


Floor = _rounding_op("Floor", xp.floor)
Ceil = _rounding_op("Ceil", xp.ceil)
Round = _rounding_op("Round", xp.rint)  # half to even, as torch
Trunc = _rounding_op("Trunc", xp.trunc)
class RoundDecimals(_Rounding):
    _node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, a, decimals):
        if not is_float_np(a.dtype):
            refuse("round_cpu", a.dtype)
        # torch scales by 10**|decimals| in the op-math type (float32 for float16) and rounds half to even
        x = a.astype(np.float32) if a.dtype.itemsize == 2 and a.dtype.kind in "fV" else a  # (bfloat16 too)
        ten = x.dtype.type(10.0 ** builtins.abs(decimals))
        out = xp.rint(x * ten) / ten if decimals >= 0 else xp.rint(x / ten) * ten
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return zeros_of(grad), None


class Frac(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if not is_float_np(a.dtype):
            refuse("frac_cpu", a.dtype)
        return a - xp.trunc(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad
        return grad


class NanToNum(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        if not is_float_np(a.dtype):
            return a.copy()
        ctx.save_for_backward(a)
        if a.dtype.kind == "V":  # bfloat16: NumPy's nan_to_num leaves types it does not know as inexact alone
            fi = np.finfo(a.dtype)
            return xp.nan_to_num(a.astype(np.float32), nan=nan, posinf=fi.max if posinf is None else posinf,
                                 neginf=fi.min if neginf is None else neginf).astype(a.dtype)
        return xp.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * at::isfinite(self)
        xp = ctx.xp
        a, = ctx.saved_tensors
        return where(xp.isfinite(a), grad, 0.0), None, None, None


class Deg2rad(Function):
    _builtin = True
    _node_name = "Deg2RadBackward0"

    @staticmethod
    def forward(ctx, a):
        if not is_float_np(a.dtype):
            refuse("deg2rad", a.dtype)
        return a * a.dtype.type(math.pi / 180)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * M_PI / 180
        return grad * (math.pi / 180)


class Rad2deg(Function):
    _builtin = True
    _node_name = "Rad2DegBackward0"

    @staticmethod
    def forward(ctx, a):
        if not is_float_np(a.dtype):
            refuse("rad2deg", a.dtype)
        return a * a.dtype.type(180 / math.pi)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * 180 / M_PI
        return grad * (180 / math.pi)


def logit(input, eps=None):
    """``log(p / (1 - p))``; ``eps`` clamps ``p`` to ``[eps, 1 - eps]`` first (gradient 0 outside).

    Args:
        input (Tensor): the input tensor.
        eps (float, optional): clamp ``input`` to ``[eps, 1 - eps]`` first (None: no clamping).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.logit(torch.tensor([0.25, 0.5, 0.9]))
        tensor([-1.0986,  0.0000,  2.1972])
        >>> torch.logit(torch.tensor([0.0, 1.0]), eps=1e-6)
        tensor([-13.8155,  13.8023])
    """
    return Logit.apply(input, eps)


def erf(input):
    """Gauss error function of each element.

    ``out_i = 2 / sqrt(pi) * integral from 0 to input_i of e ** (-t ** 2) dt``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.erf(torch.tensor([0.0, -1.0, 10.0]))
        tensor([ 0.0000, -0.8427,  1.0000])
    """
    return Erf.apply(input)


def erfc(input):
    """Complementary error function of each element.

    ``out_i = 1 - erf(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.erfc(torch.tensor([0.0, -1.0, 10.0]))
        tensor([1.0000e+00, 1.8427e+00, 1.4013e-45])
    """
    return Erfc.apply(input)


def erfinv(input):
    """Inverse error function of each element (defined on ``[-1, 1]``).

    ``erf(erfinv(input_i)) = input_i``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.erfinv(torch.tensor([0.0, 0.5, -1.0]))
        tensor([0.0000, 0.4769,   -inf])
    """
    return Erfinv.apply(input)


def floor(input):
    """Largest integer less than or equal to each element.

    ``out_i = floor(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype. Integer inputs are returned unchanged.

    Example:
        >>> import npgrad as torch
        >>> torch.floor(torch.tensor([-1.5, -0.2, 0.2, 1.0]))
        tensor([-2., -1.,  0.,  1.])
    """
    return Floor.apply(input)


def ceil(input):
    """Smallest integer greater than or equal to each element.

    ``out_i = ceil(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype. Integer inputs are returned unchanged.

    Example:
        >>> import npgrad as torch
        >>> torch.ceil(torch.tensor([-1.5, -0.2, 0.2, 1.0]))
        tensor([-1., -0.,  1.,  1.])
    """
    return Ceil.apply(input)


def round(input, *, decimals=0):
    """Round half to even; ``decimals`` rounds to that many decimal places (negative: tens, hundreds...).

    Args:
        input (Tensor): the input tensor.
        decimals (int, optional): the number of decimal places (default 0; negative rounds to tens, hundreds, ...).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5, 1.2345]))
        tensor([0., 2., 2., -0., 1.])
        >>> torch.round(torch.tensor([1.2345, 123.45]), decimals=2)
        tensor([  1.2300, 123.4500])
        >>> torch.round(torch.tensor([1234.5]), decimals=-2)
        tensor([1200.])
    """
    if decimals:
        return RoundDecimals.apply(input, int(decimals))
    return Round.apply(input)


def trunc(input):
    """Each element rounded toward zero (its fractional part dropped).

    ``out_i = trunc(input_i)``

    ``npgrad.fix`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.trunc(torch.tensor([-1.7, -0.2, 0.2, 1.7]))
        tensor([-1., -0.,  0.,  1.])
    """
    return Trunc.apply(input)


fix = trunc


def frac(input):
    """Fractional part of each element, keeping its sign.

    ``out_i = input_i - trunc(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype. Only floating-point inputs are accepted.

    Example:
        >>> import npgrad as torch
        >>> torch.frac(torch.tensor([-1.75, 0.5, 2.0]))
        tensor([-0.7500,  0.5000,  0.0000])
    """
    return Frac.apply(input)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace NaN with ``nan`` and infinities with ``posinf``/``neginf`` (default: the dtype's extremes).

    Args:
        input (Tensor): the input tensor.
        nan (Number, optional): the value for NaN (default 0).
        posinf (Number, optional): the value for +inf (default: the dtype's largest).
        neginf (Number, optional): the value for -inf (default: the dtype's smallest).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([float('nan'), float('inf'), -float('inf'), 1.5])
        >>> torch.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0)
        tensor([ 0.0000,  9.0000, -9.0000,  1.5000])
    """
    return NanToNum.apply(input, nan, posinf, neginf)


def deg2rad(input):
    """Each element converted from degrees to radians.

    ``out_i = input_i * pi / 180``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.deg2rad(torch.tensor([180.0, -90.0, 360.0]))
        tensor([ 3.1416, -1.5708,  6.2832])
    """
    return Deg2rad.apply(input)


def rad2deg(input):
    """Each element converted from radians to degrees.

    ``out_i = input_i * 180 / pi``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.rad2deg(torch.tensor([3.142, -1.571, 6.283]))
        tensor([180.0233, -90.0117, 359.9894])
    """
    return Rad2deg.apply(input)


_METHODS = [("logit", logit), ("erf", erf), ("erfc", erfc), ("erfinv", erfinv), ("floor", floor), ("ceil", ceil),
            ("round", round), ("trunc", trunc), ("fix", fix), ("frac", frac), ("nan_to_num", nan_to_num),
            ("deg2rad", deg2rad), ("rad2deg", rad2deg)]
