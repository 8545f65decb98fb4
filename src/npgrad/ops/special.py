"""Special functions with their derivatives: lgamma, digamma, polygamma, mvlgamma, i0/i0e/i1/i1e, sinc, erfcx,
ndtri, log_ndtr, entr, xlog1py, zeta, gammainc/gammaincc, and the number helpers heaviside, gcd, lcm, ldexp,
frexp, nextafter. ``npgrad.special`` names them as ``torch.special`` does; the kernels are NumPy code in
``special_math.py`` (float64 inside, cast back to the input's dtype).

>>> import npgrad
>>> x = npgrad.tensor([3.0], requires_grad=True)
>>> npgrad.lgamma(x).backward()   # d/dx log Gamma(x) = digamma(x)
>>> x.grad
tensor([0.9228])
"""
import math

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, dispatch
from .. import _tensor as _t
from .pointwise import where, zeros_of, float_input, TYPE_NAMES
from .random_fill import NoDerivative
from . import special_math as S
from . import return_types as _rt

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma", "i0", "sinc", "heaviside", "gcd", "lcm", "ldexp",
           "frexp", "nextafter", "i0_", "sinc_", "gcd_", "lcm_", "ldexp_", "xlogy_"]

_SQRT_2PI = math.sqrt(2 * math.pi)


def _f64(fn, a, *rest):
    """Evaluate a float64 kernel on a float (or integer, as the default float) array; cast back."""
    a = float_input(a)
    return xp.asarray(fn(a.astype(np.float64), *rest)).astype(a.dtype, copy=False)


class _Unary(Function):
    """One-input special function: ``_kernel`` on float64; the subclass gives backward."""
    _builtin = True

    @classmethod
    def _run(cls, ctx, a):
        ctx.save_for_backward(a)
        return _f64(cls._kernel, a)


class Lgamma(_Unary):
    _kernel = staticmethod(S.lgamma)

    @staticmethod
    def forward(ctx, a):
        return Lgamma._run(ctx, a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * digamma(self)
        a, = ctx.saved_tensors
        return grad * dispatch(Digamma, a)


class Digamma(_Unary):
    _kernel = staticmethod(S.digamma)

    @staticmethod
    def forward(ctx, a):
        return Digamma._run(ctx, a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * polygamma(1, self)
        a, = ctx.saved_tensors
        return grad * dispatch(Polygamma, a, 1)


class Polygamma(Function):
    _builtin = True
    _ctx_fields = ("n",)

    @staticmethod
    def forward(ctx, a, n):
        ctx.n = n
        ctx.save_for_backward(a)
        return _f64(lambda x: S.polygamma(n, x), a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * polygamma(n + 1, self)
        a, = ctx.saved_tensors
        return grad * dispatch(Polygamma, a, ctx.n + 1), None


class Mvlgamma(Function):
    """log of the multivariate gamma function: p(p-1)/4 log(pi) + sum_{i<p} lgamma(x - i/2)."""
    _builtin = True
    _ctx_fields = ("p",)

    @staticmethod
    def forward(ctx, a, p):
        ctx.p = p
        ctx.save_for_backward(a)

        def kernel(x):
            return p * (p - 1) / 4 * math.log(math.pi) + sum(S.lgamma(x - i / 2) for i in range(p))
        return _f64(kernel, a)

    @staticmethod
    def backward(ctx, grad):
        # self: mvlgamma_backward(grad, self, p)  (grad * sum_i digamma(self - i/2))
        a, = ctx.saved_tensors
        total = dispatch(Digamma, a)
        for i in range(1, ctx.p):
            total = total + dispatch(Digamma, a - i / 2)
        return grad * total, None


class I0(_Unary):
    _kernel = staticmethod(S.i0)

    @staticmethod
    def forward(ctx, a):
        return I0._run(ctx, a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * at::special_i1(self)
        a, = ctx.saved_tensors
        return grad * dispatch(SpecialI1, a)


class SpecialI0E(_Unary):
    _kernel = staticmethod(S.i0e)

    @staticmethod
    def forward(ctx, a):
        out = _f64(S.i0e, a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (at::special_i1e(self) - self.sgn() * result)
        xp = ctx.xp
        a, out = ctx.saved_tensors
        return grad * (dispatch(SpecialI1E, a) - xp.sign(a) * out)


class SpecialI1(_Unary):
    _kernel = staticmethod(S.i1)

    @staticmethod
    def forward(ctx, a):
        out = _f64(S.i1, a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: i1_backward(grad, self, result)  (i0(x) - result / x; 1/2 at x = 0)
        a, out = ctx.saved_tensors
        _no_bf16("i1_backward", a, suffix="")
        zero = a == 0
        safe = where(zero, 1.0, a)
        return grad * where(zero, 0.5, dispatch(I0, a) - out / safe)


class SpecialI1E(_Unary):
    _kernel = staticmethod(S.i1e)

    @staticmethod
    def forward(ctx, a):
        out = _f64(S.i1e, a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: i1e_backward(grad, self, result)  (i0e(x) - result (sgn(x) + 1/x); 1/2 at x = 0)
        xp = ctx.xp
        a, out = ctx.saved_tensors
        _no_bf16("i1e_backward", a, suffix="")
        zero = a == 0
        safe = where(zero, 1.0, a)
        g = dispatch(SpecialI0E, a) - out * (xp.sign(a) + 1 / safe)
        return grad * where(zero, 0.5, g)


def _sinc(x):
    px = np.pi * x
    return xp.where(x == 0, 1.0, xp.sin(px) / px)


class Sinc(_Unary):
    _kernel = staticmethod(_sinc)

    @staticmethod
    def forward(ctx, a):
        return Sinc._run(ctx, a)

    @staticmethod
    def backward(ctx, grad):
        # self: sinc_backward(grad, self)  ((pi x cos(pi x) - sin(pi x)) / (pi x^2); 0 at x = 0)
        xp = ctx.xp
        a, = ctx.saved_tensors
        zero = a == 0
        px = np.pi * where(zero, 1.0, a)
        return grad * where(zero, 0.0, (px * xp.cos(px) - xp.sin(px)) / (px * where(zero, 1.0, a)))


class SpecialErfcx(_Unary):
    _kernel = staticmethod(S.erfcx)

    @staticmethod
    def forward(ctx, a):
        out = _f64(S.erfcx, a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: (2.0 * self * result - 2.0 / sqrt(M_PI)) * grad
        a, out = ctx.saved_tensors
        return (2.0 * a * out - 2.0 / math.sqrt(math.pi)) * grad


class SpecialNdtri(_Unary):
    @staticmethod
    def forward(ctx, a):
        out = _f64(S.ndtri, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * std::sqrt(2 * M_PI) * (result.square() / 2).exp()
        xp = ctx.xp
        out, = ctx.saved_tensors
        return grad * _SQRT_2PI * xp.exp(out * out / 2)


class SpecialLogNdtr(_Unary):
    @staticmethod
    def forward(ctx, a):
        out = _f64(S.log_ndtr, a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad / std::sqrt(2 * M_PI) * (result + self.pow(2) / 2).neg().exp()
        xp = ctx.xp
        a, out = ctx.saved_tensors
        return grad / _SQRT_2PI * xp.exp(-(out + a * a / 2))


def _entr(x):
    return xp.where(x > 0, -x * xp.log(xp.where(x > 0, x, 1.0)),
                    xp.where(x == 0, 0.0, xp.where(x < 0, -np.inf, x)))


class SpecialEntr(_Unary):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _f64(_entr, a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (-(1 + self.log()))
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad * (-(1 + xp.log(a)))


# ---------------------------------------------------------------------------------------------- two inputs
class SpecialXlog1py(Function):
    _builtin, _promote, _broadcast = True, "float", True
    _node_name = "SpecialXlog1PyBackward0"

    @staticmethod
    def forward(ctx, a, b):
        dt = (a if isinstance(a, np.ndarray) else b).dtype
        a, b = xp.asarray(a, dt), xp.asarray(b, dt)  # a Python number as the tensor's dtype
        ctx.save_for_backward(a, b)
        return xp.asarray(xp.where((a == 0) & (b == b), 0.0, a * xp.log1p(b)), dt)

    @staticmethod
    def backward(ctx, grad):
        # self: at::xlog1py(grad, other).masked_fill((self == 0.) & (other <= -1.), 0.);
        # other: grad * self / (other + 1)
        xp = ctx.xp
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = None
        if need[0]:
            # at::xlog1py(grad, other) is grad * log1p(other), but 0 where grad == 0; that matters only where
            # log1p(other) is infinite (other == -1), so the formula stays linear in grad elsewhere
            g = grad * xp.log1p(b)
            g = where((b == -1) & (grad == 0), 0.0, g)
            ga = where((a == 0) & (b <= -1), 0.0, g)
        return ga, grad * a / (b + 1) if need[1] else None


class SpecialXlog1pyNumberSelf(SpecialXlog1py):
    _node_name = "SpecialXlog1PyBackward1"


class SpecialXlog1pyNumberOther(SpecialXlog1py):
    _node_name = "SpecialXlog1PyBackward2"


class SpecialZeta(Function):
    """Hurwitz zeta(x, q); torch differentiates in q only (in x its derivative is not implemented)."""
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        dt = (x if isinstance(x, np.ndarray) else q).dtype
        return xp.asarray(S.zeta(xp.asarray(x, np.float64), xp.asarray(q, np.float64))).astype(dt)

    @staticmethod
    def backward(ctx, grad):
        # self: not_implemented("zeta"); other: grad * -self * special_zeta(self + 1., other)
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, grad * -x * dispatch(SpecialZeta, x + 1.0, q)


class SpecialZetaNumberSelf(SpecialZeta):
    _node_name = "SpecialZetaBackward1"


class SpecialZetaNumberOther(SpecialZeta):
    _node_name = "SpecialZetaBackward2"


class Igamma(Function):
    """The regularised lower incomplete gamma P(a, x); differentiable in x only, as torch."""
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        dt = (a if isinstance(a, np.ndarray) else x).dtype
        return xp.asarray(S.gammainc(xp.asarray(a, np.float64), xp.asarray(x, np.float64))).astype(dt)

    @staticmethod
    def backward(ctx, grad):
        # self: not_implemented("igamma: input"); other: grad * exp((self - 1) * log(other) - other - lgamma(self))
        xp = ctx.xp
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        return None, grad * xp.exp((a - 1) * xp.log(x) - x - dispatch(Lgamma, a))


class Igammac(Function):
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        dt = (a if isinstance(a, np.ndarray) else x).dtype
        return xp.asarray(S.gammaincc(xp.asarray(a, np.float64), xp.asarray(x, np.float64))).astype(dt)

    @staticmethod
    def backward(ctx, grad):
        # self: not_implemented("igammac: input"); other: -grad * exp((self - 1) * log(other) - other - lgamma(self))
        xp = ctx.xp
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igammac: input' is not implemented.")
        return None, -grad * xp.exp((a - 1) * xp.log(x) - x - dispatch(Lgamma, a))


class Ldexp(Function):
    """``input * 2 ** other``."""
    _builtin, _broadcast = True, True
    _ctx_fields = ("int_other",)

    @staticmethod
    def forward(ctx, a, b):
        from .._dtype import result_np
        dt = np.dtype(result_np([a, b]))
        dt = dt if is_float_np(dt) else float_input(xp.zeros(0, np.int64)).dtype
        ctx.int_other = xp.asarray(b) if xp.asarray(b).dtype.kind in "iub" else None
        out = xp.asarray(a, dt) * xp.exp2(xp.asarray(b, np.float64)).astype(dt)
        ctx.save_for_backward(b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * at::pow(2, other); other: grad * result * ln(2)
        xp = ctx.xp
        b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        e = ctx.int_other
        if e is not None:
            # torch's pow(2, other) of an integer tensor is integer arithmetic: 0 for negative exponents
            dt = grad._data.dtype if isinstance(grad, _t.Tensor) else grad.dtype
            p = xp.where(e < 0, 0, 2 ** xp.maximum(e, 0).astype(np.int64)).astype(dt)
            return grad * p, None
        p = xp.exp2(b)
        return grad * p if need[0] else None, grad * out * math.log(2) if need[1] else None


class Frexp(Function):
    """``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent`` and ``0.5 <= |mantissa| < 1``."""
    _builtin = True
    _nondiff_out = (1,)
    _ctx_fields = ("dt",)

    @staticmethod
    def forward(ctx, a):
        m, e = xp.frexp(a)
        e = e.astype(np.int32)
        ctx.dt = a.dtype
        ctx.save_for_backward(e)
        return m, e

    @staticmethod
    def backward(ctx, grad, grad_exponent=None):
        # self: grad / exponent.exp2()
        e, = ctx.saved_tensors
        e = e._data if isinstance(e, _t.Tensor) else e
        return grad * xp.exp2(-e.astype(ctx.dt))


class Nextafter(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)  # as torch (its formula reads them only for their sizes)
        return xp.nextafter(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: zeros_like(other)
        ctx.saved_tensors  # the in-place check torch makes
        return grad, zeros_of(grad) if ctx.needs_input_grad[1] else None


# ---------------------------------------------------------------------------------------------- functions
def _float_only(name, t):
    if not (is_float_np(t._data.dtype) or t._data.dtype.kind in 'iub'):
        raise TypeError(f"{name}(): expected a real tensor")


def lgamma(input):
    """log|Gamma(x)|, +inf at the poles.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.lgamma(torch.tensor([0.5, 1.0, 5.0]))
        tensor([0.5724, 0.0000, 3.1781])
    """
    return Lgamma.apply(input)


def digamma(input):
    """The logarithmic derivative of Gamma: -inf at +0, NaN at negative integers.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.digamma(torch.tensor([1.0, 0.5, 2.0]))
        tensor([-0.5772, -1.9635,  0.4228])
    """
    return Digamma.apply(input)


def polygamma(n, input):
    """The n-th derivative of digamma (n >= 0).

    Args:
        n (int): the derivative's order (0 is digamma).
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.polygamma(1, torch.tensor([1.0, 2.0]))
        tensor([1.6449, 0.6449])
    """
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(input, int(n))


def mvlgamma(input, p):
    """The log of the multivariate gamma function of dimension ``p``.

    Args:
        input (Tensor): the input tensor.
        p (int): the dimension.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.mvlgamma(torch.tensor([2.5, 3.0]), p=2)
        tensor([0.8570, 1.5502])
    """
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return Mvlgamma.apply(input, int(p))


def i0(input):
    """Modified Bessel function of the first kind, order 0.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.i0(torch.tensor([0.0, 1.0, 2.0]))
        tensor([1.0000, 1.2661, 2.2796])
    """
    return I0.apply(input)


def i0e(input):
    return SpecialI0E.apply(input)


def i1(input):
    return SpecialI1.apply(input)


def i1e(input):
    return SpecialI1E.apply(input)


def sinc(input):
    """sin(pi x) / (pi x), 1 at 0.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.sinc(torch.tensor([0.0, 0.5, -0.25]))
        tensor([1.0000, 0.6366, 0.9003])
    """
    return Sinc.apply(input)


def _no_bf16(kernel, *xs, suffix="_cpu"):
    """torch's CPU build has no bfloat16 kernel for erfcx, ndtri, log_ndtr, zeta, the Bessel and polynomial
    families, nor i1/i1e's backward: NotImplementedError naming the kernel, as torch."""
    for x in xs:
        d = getattr(x, "_data", x)
        if getattr(d, "dtype", None) is not None and d.dtype.kind == "V":
            raise NotImplementedError(f"\"{kernel}{suffix}\" not implemented for 'BFloat16'")


def erfcx(input):
    _no_bf16("erfcx", input)
    return SpecialErfcx.apply(input)


def ndtri(input):
    _no_bf16("ndtri", input)
    return SpecialNdtri.apply(input)


def log_ndtr(input):
    _no_bf16("log_ndtr", input)
    return SpecialLogNdtr.apply(input)


def entr(input):
    return SpecialEntr.apply(input)


def _two(name, op, self_num, other_num, input, other):
    if not isinstance(input, _t.Tensor) and not isinstance(other, _t.Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments: expected a Tensor")
    if not isinstance(input, _t.Tensor):
        return self_num.apply(input, other)
    if not isinstance(other, _t.Tensor):
        return other_num.apply(input, other)
    return op.apply(input, other)


def xlog1py(input, other):
    """x * log1p(y), 0 where x == 0 (unless y is NaN)."""
    return _two("special_xlog1py", SpecialXlog1py, SpecialXlog1pyNumberSelf, SpecialXlog1pyNumberOther,
                input, other)


def zeta(input, other):
    """The Hurwitz zeta function sum_k (k + other)^-input."""
    _no_bf16("zeta", input, other)
    return _two("special_zeta", SpecialZeta, SpecialZetaNumberSelf, SpecialZetaNumberOther, input, other)


def gammainc(input, other):
    return Igamma.apply(input, other)


def gammaincc(input, other):
    return Igammac.apply(input, other)


def heaviside(input, values):
    """0 where x < 0, ``values`` where x == 0, 1 where x > 0 (no derivative, as torch).

    Args:
        input (Tensor): the input tensor.
        values (Tensor or Number): the value where ``input`` is 0.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    if not isinstance(values, _t.Tensor):
        raise TypeError(f"heaviside(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    a, v = input._data, values._data
    if a.dtype != v.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    out = xp.where(a == 0, v, (a > 0).astype(a.dtype)).astype(a.dtype)
    if input._req or values._req:
        return NoDerivative.apply(input if input._req else values, out, "heaviside")
    return _t.make(xp.asarray(out))


def _int_op(name, kernel, input, other):
    a = input._data
    b = other._data if isinstance(other, _t.Tensor) else xp.asarray(other)
    for x in (a, b):
        if x.dtype.kind not in "iu":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{TYPE_NAMES[x.dtype.name]}\'')
    from .._dtype import result_np
    return _t.make(xp.asarray(kernel(a, b)).astype(result_np([a, b])))


def gcd(input, other):
    """Greatest common divisor of integers (non-negative; gcd(0, 0) = 0).

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.gcd(torch.tensor([12, 7, 0]), torch.tensor([18, 3, 5]))
        tensor([6, 1, 5])
    """
    return _int_op("gcd", xp.gcd, input, other)


def lcm(input, other):
    """Least common multiple of integers (non-negative).

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.lcm(torch.tensor([4, 6, 0]), torch.tensor([6, 4, 5]))
        tensor([12, 12,  0])
    """
    return _int_op("lcm", xp.lcm, input, other)


def ldexp(input, other):
    """``input * 2 ** other``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.ldexp(torch.tensor([1.0, 3.0]), torch.tensor([2, -1]))
        tensor([4.0000, 1.5000])
    """
    return Ldexp.apply(input, other)


def frexp(input):
    """``(mantissa, exponent)``: ``input = mantissa * 2 ** exponent``, exponent int32.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(mantissa, exponent)``; the exponent is int32.

    Example:
        >>> import npgrad as torch
        >>> mantissa, exponent = torch.frexp(torch.tensor([8.0, 0.5, -3.0]))
        >>> mantissa
        tensor([ 0.5000,  0.5000, -0.7500])
        >>> exponent.tolist(), exponent.dtype == torch.int32
        ([4, 0, 2], True)
    """
    if not is_float_np(input._data.dtype):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return _rt.frexp(*Frexp.apply(input))


def nextafter(input, other):
    """The next float after ``input`` towards ``other``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.nextafter(torch.tensor([1.0]), torch.tensor([2.0])) - 1.0
        tensor([1.1921e-07])
    """
    return Nextafter.apply(input, other)


_METHODS = [("lgamma", lgamma), ("digamma", digamma), ("mvlgamma", mvlgamma), ("i0", i0), ("sinc", sinc),
            ("heaviside", heaviside), ("gcd", gcd), ("lcm", lcm), ("ldexp", ldexp), ("nextafter", nextafter)]


# Tensor.polygamma(n): the tensor is polygamma's second argument
def polygamma_method(self, n):
    """``npgrad.polygamma(n, self)``: the ``n``-th derivative of the digamma function at each element.

    Args:
        n (int): the order (0 is digamma).

    Returns:
        Tensor: ``self``'s shape, floating-point dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.tensor([1.0, 2.0]).polygamma(1)
        tensor([1.6449, 0.6449])
    """
    return polygamma(n, self)


def polygamma_method_(self, n):
    """In-place version of :meth:`Tensor.polygamma`: writes ``polygamma(n, self)`` into ``self`` and returns
    ``self``.

    Args:
        n (int): the order (0 is digamma).

    Returns:
        Tensor: ``self``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0])
        >>> x.polygamma_(1)
        tensor([1.6449, 0.6449])
        >>> x
        tensor([1.6449, 0.6449])
    """
    from .inplace import _inplace_method
    return _inplace_method(polygamma_method)(self, n)


polygamma_method.__name__ = polygamma_method.__qualname__ = "polygamma"
polygamma_method_.__name__ = polygamma_method_.__qualname__ = "polygamma_"


# torch.<name>_ functions: the in-place methods called as functions
def i0_(input):
    """In-place version of :func:`i0`: the modified Bessel function of the first kind, order 0.

    Args:
        input (Tensor): a floating-point tensor, overwritten.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([0.0, 1.0, 2.0])
        >>> torch.i0_(a)
        tensor([1.0000, 1.2661, 2.2796])
    """
    return input.i0_()


def sinc_(input):
    """In-place version of :func:`sinc`: the normalized sinc ``sin(pi x) / (pi x)`` (1 at 0).

    Args:
        input (Tensor): a floating-point tensor, overwritten.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([0.0, 0.5, 0.25])
        >>> torch.sinc_(a)
        tensor([1.0000, 0.6366, 0.9003])
    """
    return input.sinc_()


def gcd_(input, other):
    """In-place version of :func:`gcd`: writes the greatest common divisor into ``input``.

    Args:
        input (Tensor): an integer tensor, overwritten.
        other (Tensor): an integer tensor, broadcast to ``input``'s shape.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([6, 10, 0])
        >>> torch.gcd_(a, torch.tensor([4, 15, 7]))
        tensor([2, 5, 7])
        >>> a
        tensor([2, 5, 7])
    """
    return input.gcd_(other)


def lcm_(input, other):
    """In-place version of :func:`lcm`: writes the least common multiple into ``input``.

    Args:
        input (Tensor): an integer tensor, overwritten.
        other (Tensor): an integer tensor, broadcast to ``input``'s shape.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([6, 10, 0])
        >>> torch.lcm_(a, torch.tensor([4, 15, 7]))
        tensor([12, 30,  0])
        >>> a
        tensor([12, 30,  0])
    """
    return input.lcm_(other)


def ldexp_(input, other):
    """In-place version of :func:`ldexp`: ``input * 2 ** other``.

    Args:
        input (Tensor): a floating-point tensor, overwritten.
        other (Tensor): the exponents, broadcast to ``input``'s shape.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([1.0, 3.0])
        >>> torch.ldexp_(a, torch.tensor([2, -1]))
        tensor([4.0000, 1.5000])
    """
    return input.ldexp_(other)


def xlogy_(input, other):
    """In-place version of :func:`xlogy`: ``input * log(other)``, zero where ``input`` is zero.

    Args:
        input (Tensor): a floating-point tensor, overwritten.
        other (Tensor or Number): broadcast to ``input``'s shape.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([0.0, 1.0, 2.0])
        >>> torch.xlogy_(a, torch.tensor([0.0, 3.0, 4.0]))
        tensor([0.0000, 1.0986, 2.7726])
    """
    return input.xlogy_(other)
