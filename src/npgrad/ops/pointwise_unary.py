"""Pointwise ops with one input: neg/abs/sign, the exp/log family, roots, trigonometric and hyperbolic
functions, sigmoid, reciprocal, relu. (erf, logit, rounding and nan_to_num are in ``pointwise_special.py``.)

Float math on integer or bool tensors computes in the default float dtype, as torch does (``_float_input``).
Each formula saves the result rather than the input where the derivative can use it (exp, sqrt, tanh...).
"""
import math

import numpy as np
from .._xp import xp
from .. import _tensor as _t

from .._dtype import is_float_np

from ..autograd.function import Function, dispatch
from .pointwise import Pow, where, refuse, zeros_of, float_input as _float_input

__all__ = ["neg", "negative", "positive", "abs", "absolute", "sign", "sgn", "exp", "exp2", "expm1", "log", "log2",
           "log10", "log1p", "sqrt", "rsqrt", "square", "sin", "cos", "tan", "asin", "arcsin", "acos", "arccos",
           "atan", "arctan", "sinh", "cosh", "tanh", "asinh", "arcsinh", "acosh", "arccosh", "atanh", "arctanh",
           "sigmoid", "reciprocal", "relu"]

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class Neg(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                               "to invert a mask, use the `~` or `logical_not()` operator instead.")
        return -a

    @staticmethod
    def backward(ctx, grad):
        # self: grad.neg()
        return -grad


class Abs(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            refuse("abs_cpu", a.dtype)
        ctx.save_for_backward(a)
        return xp.abs(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * self.sgn()   (0 at 0: the subgradient torch picks; 0 at NaN)
        a, = ctx.saved_tensors
        return grad * sgn_of(a)


class Sign(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            return a.copy()
        out = xp.sign(a, out=xp.empty_like(a))  # out=: an array even for 0-d input
        if is_float_np(a.dtype):
            out[out != out] = 0  # torch: sign(NaN) = 0 (so abs, norm(1)... give NaN a zero gradient)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return zeros_of(grad)


class Sgn(Sign):
    pass


def sgn_of(x):
    """``sign`` inside formulas (arrays or Tensors), with torch's sign(NaN) = 0."""
    return dispatch(Sign, x)


class Exp(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = xp.exp(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * result
        out, = ctx.saved_tensors
        return grad * out


class Exp2(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = xp.exp2(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * result * M_LN2
        out, = ctx.saved_tensors
        return grad * out * _LN2


class Expm1(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = xp.expm1(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (result + 1)
        out, = ctx.saved_tensors
        return grad * (out + 1)


class Log(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.log(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.div(self)
        a, = ctx.saved_tensors
        return grad / a


class Log2(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.log2(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (self * 0.6931471805599453)
        a, = ctx.saved_tensors
        return grad / (a * _LN2)


class Log10(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.log10(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (self * 2.3025850929940456)
        a, = ctx.saved_tensors
        return grad / (a * _LN10)


class Log1p(Function):
    _builtin = True
    _node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.log1p(a)

    @staticmethod
    def backward(ctx, grad):
        # self: log1p_backward(grad, self) = grad / (self + 1)
        a, = ctx.saved_tensors
        return grad / (a + 1)


class Sqrt(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = xp.sqrt(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (2 * result)
        out, = ctx.saved_tensors
        return grad / (2 * out)


class Rsqrt(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        if a.dtype.kind == "V":   # bfloat16 (ml_dtypes' kind): torch's vectorised kernel: in float32, rounded once
            out = (1 / xp.sqrt(a.astype(np.float32))).astype(a.dtype)
        else:
            out = 1 / xp.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: -0.5 * grad * result.pow(3)
        out, = ctx.saved_tensors
        return -0.5 * grad * (out * out * out)


class Sin(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.sin(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * self.cos()
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad * xp.cos(a)


class Cos(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.cos(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * -self.sin()
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad * -xp.sin(a)


class Tan(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = xp.tan(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (1 + result.pow(2))
        out, = ctx.saved_tensors
        return grad * (1 + out * out)


class Asin(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.arcsin(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (-self * self + 1).rsqrt()
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad / xp.sqrt(1 - a * a)


class Acos(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.arccos(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * -((-self * self + 1).rsqrt())
        xp = ctx.xp
        a, = ctx.saved_tensors
        return -grad / xp.sqrt(1 - a * a)


class Atan(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.arctan(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (self * self + 1)
        a, = ctx.saved_tensors
        return grad / (a * a + 1)


class Sinh(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.sinh(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * self.cosh()
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad * xp.cosh(a)


class Cosh(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.cosh(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * self.sinh()
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad * xp.sinh(a)


class Tanh(Function):
    _builtin = True
    _fp_safe = True  # no input sets a floating-point flag (NaN, inf, subnormals: tested), so no error state to set

    @staticmethod
    def forward(ctx, a):
        out = xp.tanh(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: tanh_backward(grad, result) = grad * (1 - result^2)
        out, = ctx.saved_tensors
        return tanh_backward(grad, out)


_ndarray = np.ndarray


def tanh_backward(grad, out):
    """torch's ``tanh_backward``: on arrays the formula itself; on Tensors (create_graph) one recorded op,
    ``TanhBackwardBackward0`` as in torch, instead of three (mul, rsub, mul) for the double backward to walk."""
    if type(grad) is _ndarray or not (isinstance(grad, _t.Tensor) or isinstance(out, _t.Tensor)):
        one = _ONES.get(out.dtype)  # (a 0-d one of out's dtype: NumPy converts a Python 1 on every call, ~2.7k
        return grad * ((1 if one is None else one) - out * out)  # instructions of this formula's ~11k)
    return TanhBackward.apply(grad, out)


class TanhBackward(Function):
    _builtin = True
    _node_name = "TanhBackwardBackward0"
    _saved_for = ((1,), (0, 1))  # grad_output is read by output's formula only

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(grad, out)
        return tanh_backward(grad, out)

    @staticmethod
    def backward(ctx, gg):
        # grad_output: tanh_backward(grad, output); output: -2 * output * grad_output * grad
        grad, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (tanh_backward(gg, out) if need[0] else None,
                -2 * out * grad * gg if need[1] else None)


class Asinh(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.arcsinh(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (self.pow(2) + 1).rsqrt()
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad / xp.sqrt(a * a + 1)


class Acosh(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.arccosh(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (self.pow(2) - 1).rsqrt()   (as (self - 1)(self + 1): no cancellation near 1)
        xp = ctx.xp
        a, = ctx.saved_tensors
        return grad / xp.sqrt((a - 1) * (a + 1))


class Atanh(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        return xp.arctanh(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * 1 / (1 - self.pow(2))
        a, = ctx.saved_tensors
        return grad / (1 - a * a)


_HALF = np.dtype(np.float16)


class Sigmoid(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        # 1 / (1 + exp(-x)), torch's form: exp(-x) = inf gives exactly 0 (no denormals below -88.7 in float32,
        # so log(sigmoid(-100)) is -inf as in torch), exp(-x) = 0 gives 1; no NaN for any |x|
        a = _float_input(a)
        dt = a.dtype
        one = _ONES.get(dt)
        if one is None or not a.ndim:
            if dt is _HALF or dt.kind == "V":  # (kind V: bfloat16)  # computed in float32 and rounded once, as torch does
                out = (1 / (1 + xp.exp(-a.astype(np.float32)))).astype(dt)
            elif a.ndim:
                one = _ONES[dt] = xp.ones((), dt)
                return Sigmoid.forward(ctx, a)
            else:  # (a ufunc gives a 0-d input's result as a scalar, which cannot be written into)
                out = 1 / (1 + xp.exp(-a))
            ctx.save_for_backward(out)
            return out
        # the same values written into one new array: 4 ufunc calls, no temporaries, and a 0-d one of a's dtype
        # instead of the Python 1 (NumPy converts a Python number on every call: ~40% of the instructions)
        out = xp.negative(a)
        xp.exp(out, out)
        xp.add(out, one, out)
        xp.reciprocal(out, out)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: sigmoid_backward(grad, result) = grad * (1 - result) * result   (torch's order: same half rounding)
        out, = ctx.saved_tensors
        return sigmoid_backward(grad, out)


_ONES = {np.dtype(t): xp.ones((), t) for t in (np.float32, np.float64)}  # dtype -> a 0-d array holding 1
# (Sigmoid's forward adds other dtypes it meets; tanh_backward and sigmoid_backward read it)


def sigmoid_backward(grad, out):
    """torch's ``sigmoid_backward``: on arrays the formula itself; on Tensors (create_graph) one recorded op,
    ``SigmoidBackwardBackward0`` as in torch, instead of three (rsub, mul, mul) for the double backward to walk."""
    if type(grad) is _ndarray or not (isinstance(grad, _t.Tensor) or isinstance(out, _t.Tensor)):
        one = _ONES.get(out.dtype)
        if one is not None:  # (the 0-d one spares NumPy converting a Python 1)
            return grad * (one - out) * out
        if out.dtype.kind == "V":  # bfloat16: torch computes in float32 and rounds once (float16: in half, as here)
            o = out.astype(np.float32)
            return (grad.astype(np.float32) * (1 - o) * o).astype(out.dtype)
        return grad * (1 - out) * out
    return SigmoidBackward.apply(grad, out)


class SigmoidBackward(Function):
    _builtin = True
    _node_name = "SigmoidBackwardBackward0"
    _saved_for = ((1,), (0, 1))  # grad_output is read by output's formula only

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(grad, out)
        return sigmoid_backward(grad, out)

    @staticmethod
    def backward(ctx, gg):
        # grad_output: sigmoid_backward(grad, output); output: grad * grad_output * (-2 * output + 1)
        grad, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (sigmoid_backward(gg, out) if need[0] else None,
                gg * grad * (-2 * out + 1) if need[1] else None)


class Reciprocal(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = xp.reciprocal(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: -grad * (result * result)
        out, = ctx.saved_tensors
        return -grad * (out * out)


class Relu(Function):
    _builtin = True
    _fp_safe = True  # maximum and the comparison set no floating-point flag (NaN, inf, subnormals: tested)

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise RuntimeError("Boolean inputs not supported for relu")
        out = xp.maximum(a, 0)
        if out.dtype != a.dtype:
            out = out.astype(a.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: threshold_backward(grad, result, 0) = grad * (result > 0); relu'(0) = 0, NaN passes through
        out, = ctx.saved_tensors
        if type(grad) is np.ndarray:
            return relu_grad(grad, out)
        return where(out <= 0, 0.0, grad)


def relu_grad(grad, out):
    """Relu's backward on arrays (also the compiled replay's): ``grad`` where ``out > 0``, +0.0 elsewhere."""
    if grad.ndim and grad.dtype == out.dtype and grad.shape == out.shape:
        bits = _INT_OF.get(grad.dtype.itemsize) if grad.dtype.kind in "fV" else None
        if bits is not None:
            return _threshold_bits(grad, out, bits)
    return where(out <= 0, 0.0, grad)


_INT_OF = {2: np.int16, 4: np.int32, 8: np.int64}


def _threshold_bits(grad, out, bits):
    """torch's ``threshold_backward(grad, out, 0)`` as a bit mask: ``grad`` where ``out > 0`` or NaN, +0.0 where
    ``out <= 0`` - each element either grad's exact bits (-0.0, NaN and inf pass unchanged) or all zero bits.
    (NumPy's ``where`` branches per element: ~20x slower on a ReLU's random mask; ``grad * mask`` gives -0.0
    for a negative grad and NaN for an infinite one where the mask is 0.) Four passes with no branch: the
    comparison, ``mask - 1`` in bytes (0 -> all ones, 1 -> 0), the mask widened to grad's size, and an AND."""
    m = xp.less_equal(out, 0).view(np.int8)
    xp.subtract(m, 1, out=m)
    keep = m.astype(bits)
    xp.bitwise_and(grad.view(bits), keep, out=keep)
    return keep.view(grad.dtype)


# ---------------------------------------------------------------------------------------------- functions
def neg(input):
    """Negative of each element of ``input``.

    ``out_i = -input_i``

    ``npgrad.negative`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype. Bool tensors are refused (use ``logical_not``).

    Example:
        >>> import npgrad as torch
        >>> torch.neg(torch.tensor([1, -2, 0]))
        tensor([-1,  2,  0])
    """
    return Neg.apply(input)


negative = neg


def positive(input):
    """``+input``: the tensor itself (torch returns it unchanged).

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1, -2])
        >>> torch.positive(x) is x
        True
    """
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def abs(input):
    """Absolute value of each element of ``input``.

    ``out_i = |input_i|``

    ``npgrad.absolute`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.abs(torch.tensor([-1, -2, 3]))
        tensor([1, 2, 3])
    """
    return Abs.apply(input)


absolute = abs


def sign(input):
    """Sign of each element of ``input``: -1, 0 or 1.

    ``out_i = sgn(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.sign(torch.tensor([-3.0, 0.0, 2.5]))
        tensor([-1.,  0.,  1.])
    """
    return Sign.apply(input)


def sgn(input):
    """Sign of each element; for real tensors the same as ``sign``.

    ``out_i = input_i / |input_i| (0 where input_i == 0)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.sgn(torch.tensor([-3, 0, 7]))
        tensor([-1,  0,  1])
    """
    return Sgn.apply(input)


def exp(input):
    """Exponential of each element of ``input``.

    ``out_i = e ** input_i``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.exp(torch.tensor([0.0, 1.0, -1.0]))
        tensor([1.0000, 2.7183, 0.3679])
    """
    return Exp.apply(input)


def exp2(input):
    """Base-2 exponential of each element of ``input``.

    ``out_i = 2 ** input_i``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.exp2(torch.tensor([0, 1, 3, -1]))
        tensor([1.0000, 2.0000, 8.0000, 0.5000])
    """
    return Exp2.apply(input)


def expm1(input):
    """``exp(input) - 1``, accurate for small ``input``.

    ``out_i = e ** input_i - 1``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.expm1(torch.tensor([1e-5, 1.0]))
        tensor([1.0000e-05, 1.7183e+00])
    """
    return Expm1.apply(input)


def log(input):
    """Natural logarithm of each element of ``input``.

    ``out_i = ln(input_i)``

    ``log(0)`` is ``-inf`` and negative values give ``nan``.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.log(torch.tensor([1.0, 2.7183, 0.0, -1.0]))
        tensor([0.0000, 1.0000,   -inf,    nan])
    """
    return Log.apply(input)


def log2(input):
    """Base-2 logarithm of each element of ``input``.

    ``out_i = log2(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.log2(torch.tensor([1.0, 2.0, 8.0, 0.5]))
        tensor([ 0.,  1.,  3., -1.])
    """
    return Log2.apply(input)


def log10(input):
    """Base-10 logarithm of each element of ``input``.

    ``out_i = log10(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.log10(torch.tensor([1.0, 10.0, 1000.0, 0.5]))
        tensor([ 0.0000,  1.0000,  3.0000, -0.3010])
    """
    return Log10.apply(input)


def log1p(input):
    """``log(1 + input)``, accurate for small ``input``.

    ``out_i = ln(1 + input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.log1p(torch.tensor([1e-5, 1.0]))
        tensor([9.9999e-06, 6.9315e-01])
    """
    return Log1p.apply(input)


def sqrt(input):
    """Square root of each element of ``input``.

    ``out_i = sqrt(input_i)``

    Negative values give ``nan``.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.sqrt(torch.tensor([4.0, 2.0, 0.0, -1.0]))
        tensor([2.0000, 1.4142, 0.0000,    nan])
    """
    return Sqrt.apply(input)


def rsqrt(input):
    """Reciprocal of the square root of each element of ``input``.

    ``out_i = 1 / sqrt(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.rsqrt(torch.tensor([4.0, 0.25, 0.0, -1.0]))
        tensor([0.5000, 2.0000,    inf,    nan])
    """
    return Rsqrt.apply(input)


def square(input):
    """``input ** 2`` (recorded as ``pow``; integers and bools give int64, as in torch).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.square(torch.tensor([-2.0, 0.5]))
        tensor([4.0000, 0.2500])
        >>> torch.square(torch.tensor([3]))
        tensor([9])
    """
    return Pow.apply(input, 2)


def sin(input):
    """Sine of each element of ``input`` (in radians).

    ``out_i = sin(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.sin(torch.tensor([0.0, 1.0, 1.5708]))
        tensor([0.0000, 0.8415, 1.0000])
    """
    return Sin.apply(input)


def cos(input):
    """Cosine of each element of ``input`` (in radians).

    ``out_i = cos(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.cos(torch.tensor([0.0, 1.0, 3.1416]))
        tensor([ 1.0000,  0.5403, -1.0000])
    """
    return Cos.apply(input)


def tan(input):
    """Tangent of each element of ``input`` (in radians).

    ``out_i = tan(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.tan(torch.tensor([0.0, 0.5, 1.0]))
        tensor([0.0000, 0.5463, 1.5574])
    """
    return Tan.apply(input)


def asin(input):
    """Inverse sine (in radians) of each element of ``input``.

    ``out_i = arcsin(input_i)``

    Values outside ``[-1, 1]`` give ``nan``.

    ``npgrad.arcsin`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.asin(torch.tensor([-1.0, 0.0, 0.5, 1.0]))
        tensor([-1.5708,  0.0000,  0.5236,  1.5708])
    """
    return Asin.apply(input)


def acos(input):
    """Inverse cosine (in radians) of each element of ``input``.

    ``out_i = arccos(input_i)``

    Values outside ``[-1, 1]`` give ``nan``.

    ``npgrad.arccos`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.acos(torch.tensor([1.0, 0.5, 0.0, -1.0]))
        tensor([0.0000, 1.0472, 1.5708, 3.1416])
    """
    return Acos.apply(input)


def atan(input):
    """Inverse tangent (in radians) of each element of ``input``.

    ``out_i = arctan(input_i)``

    ``npgrad.arctan`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.atan(torch.tensor([-1.0, 0.0, 1.0, 100.0]))
        tensor([-0.7854,  0.0000,  0.7854,  1.5608])
    """
    return Atan.apply(input)


def sinh(input):
    """Hyperbolic sine of each element of ``input``.

    ``out_i = sinh(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.sinh(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([-1.1752,  0.0000,  3.6269])
    """
    return Sinh.apply(input)


def cosh(input):
    """Hyperbolic cosine of each element of ``input``.

    ``out_i = cosh(input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.cosh(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([1.5431, 1.0000, 3.7622])
    """
    return Cosh.apply(input)


def tanh(input):
    """Hyperbolic tangent of each element of ``input``, squashing it into ``(-1, 1)``.

    ``out_i = tanh(input_i)``

    Its gradient is ``1 - tanh(x)**2``, written in terms of the result (``TanhBackward0`` saves the output).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([-2.0, 0.0, 0.5], requires_grad=True)
        >>> torch.tanh(x)
        tensor([-0.9640,  0.0000,  0.4621], grad_fn=<TanhBackward0>)
    """
    return Tanh.apply(input)


def asinh(input):
    """Inverse hyperbolic sine of each element of ``input``.

    ``out_i = arcsinh(input_i)``

    ``npgrad.arcsinh`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.asinh(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.8814,  0.0000,  1.4436])
    """
    return Asinh.apply(input)


def acosh(input):
    """Inverse hyperbolic cosine of each element of ``input``.

    ``out_i = arccosh(input_i)``

    Values below 1 give ``nan``.

    ``npgrad.arccosh`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.acosh(torch.tensor([1.0, 2.0, 10.0]))
        tensor([0.0000, 1.3170, 2.9932])
    """
    return Acosh.apply(input)


def atanh(input):
    """Inverse hyperbolic tangent of each element of ``input``.

    ``out_i = arctanh(input_i)``

    ``atanh(1)`` is ``inf``; values outside ``[-1, 1]`` give ``nan``.

    ``npgrad.arctanh`` is an alias.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.atanh(torch.tensor([-0.5, 0.0, 0.5, 1.0]))
        tensor([-0.5493,  0.0000,  0.5493,     inf])
    """
    return Atanh.apply(input)


arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


def sigmoid(input):
    """Logistic sigmoid of each element of ``input``.

    ``out_i = 1 / (1 + e ** -input_i)``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.sigmoid(torch.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1192, 0.5000, 0.8808])
    """
    return Sigmoid.apply(input)


def reciprocal(input):
    """Reciprocal of each element of ``input``.

    ``out_i = 1 / input_i``

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer and bool inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.reciprocal(torch.tensor([2.0, -0.5, 0.0]))
        tensor([ 0.5000, -2.0000,     inf])
    """
    return Reciprocal.apply(input)


def relu(input):
    """Rectified linear unit of each element: negative values become zero.

    ``out_i = max(0, input_i)``

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.relu(torch.tensor([-1.0, 0.0, 2.5]))
        tensor([0.0000, 0.0000, 2.5000])
    """
    return Relu.apply(input)


_METHODS = [("neg", neg), ("negative", neg), ("positive", positive), ("abs", abs), ("absolute", abs),
            ("sign", sign), ("sgn", sgn), ("exp", exp), ("exp2", exp2), ("expm1", expm1), ("log", log),
            ("log2", log2), ("log10", log10), ("log1p", log1p), ("sqrt", sqrt), ("rsqrt", rsqrt),
            ("square", square), ("sin", sin), ("cos", cos), ("tan", tan), ("asin", asin), ("arcsin", asin),
            ("acos", acos), ("arccos", acos), ("atan", atan), ("arctan", atan), ("sinh", sinh), ("cosh", cosh),
            ("tanh", tanh), ("asinh", asinh), ("arcsinh", asinh), ("acosh", acosh), ("arccosh", acosh),
            ("atanh", atanh), ("arctanh", atanh), ("sigmoid", sigmoid), ("reciprocal", reciprocal), ("relu", relu)]


class _NoInplaceDerivative:
    """torch records ``asinh_``/``acosh_``/``atanh_`` under their own node names but cannot differentiate
    them; so does npgrad (use the out-of-place op to get a gradient)."""

    @staticmethod
    def backward(ctx, grad):
        # not implemented in torch
        name = type(ctx).__name__[:-len("Backward1")].lower()
        raise NotImplementedError(f"the derivative for 'inplace version of {name}' is not implemented.")


class AsinhInplace(_NoInplaceDerivative, Asinh):
    _node_name = "AsinhBackward1"


class AcoshInplace(_NoInplaceDerivative, Acosh):
    _node_name = "AcoshBackward1"


class AtanhInplace(_NoInplaceDerivative, Atanh):
    _node_name = "AtanhBackward1"


from .pointwise_special import Erfc  # noqa: E402,F401  (imported from here by activation.py)
