"""Pointwise ops with two inputs: arithmetic with broadcasting and torch's type promotion, and ``where``.

Binary ops set ``_promote``/``_broadcast``: ``Function.apply`` casts the operands to torch's result dtype and
the engine reduces each gradient back to its input's shape and dtype (``_shape.sum_to``), so no formula here
deals with broadcasting. Python numbers may stand on either side (``2 - x``, ``torch.sub(2, x)``): they stay
weak scalars, as torch's wrapped numbers do.

The rest of the family: ``pointwise_unary.py`` (exp, log, trig...), ``pointwise_special.py`` (erf family,
logit, rounding), ``pointwise_ternary.py`` (clamp, lerp, addcmul/addcdiv), ``comparison.py`` (comparisons and
logical ops) and ``inplace.py`` (the in-place machinery every ``x.op_()`` goes through).
"""
import operator as _op

import numpy as np
from .._xp import xp, xp_of

from .._dtype import is_float_np

from ..autograd.function import Function, dispatch
from .._dtype import result_np, get_default_dtype, SCALAR_NAMES
from .. import _tensor as _t

__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide", "rdiv",
           "floor_divide", "fmod", "remainder", "pow", "rpow", "float_power", "maximum", "minimum", "fmax", "fmin",
           "atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "copysign", "xlogy", "where"]

_LN2 = float(xp.log(2.0))

# torch's names of scalar types, for error messages
TYPE_NAMES = SCALAR_NAMES  # from npgrad/_dtype.py's one table


def refuse(kernel, dtype):
    """torch's error for a kernel that has no implementation for an input dtype (e.g. ``hypot`` on Long)."""
    name = TYPE_NAMES[np.dtype(dtype).name]
    fix = ("convert the input to an integer dtype first (e.g. x.long())" if is_float_np(np.dtype(dtype)) else
           "convert the input to a floating point dtype first (e.g. x.float())")
    raise NotImplementedError(f'"{kernel}" not implemented for \'{name}\'; {fix}')


def zeros_of(grad):
    """``zeros_like(grad)`` in a backward formula: exact zeros even where grad is inf or NaN (``grad * 0`` would
    give NaN there, torch gives 0); a constant on Tensors under create_graph, as torch's zeros_like is."""
    if isinstance(grad, _t.Tensor):
        return _t.make(xp.zeros(grad._data.shape, grad._data.dtype))
    return xp.zeros(xp.shape(grad), grad.dtype)  # an ndarray, or a NumPy scalar for a 0-d gradient


def float_input(a):
    """Float math on integer or bool arrays computes in the default float dtype, as torch does."""
    d = a.dtype
    return a if d.kind == "f" or is_float_np(d) else a.astype(get_default_dtype().np)


_HALF = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_F32_NUMBERS = {}  # Python float -> 0-d float32 array holding it (opmath; at most 256 kept)


def opmath(op, a, b):
    """``op(a, b)`` for ``mul``/``div`` (``operator`` functions: arrays, or Tensors under create_graph). torch's
    CPU kernels multiply or divide a half tensor by a Python float in float32 with the number as given, and round
    once; NumPy would round the number to half first (``x.half() * 0.1`` would differ in a third of the
    elements). add/sub (and a number divided by a tensor) do round the number to half in torch: not here.
    A float32 array meets the number as a kept 0-d float32 array (the value NumPy rounds it to anyway): NumPy
    converts a Python number on every call, about half of a 16-element multiply's cost."""
    if type(b) is float:
        d = getattr(a, "dtype", None)
        if d is _F32 and b:  # (not 0.0: -0.0 == 0.0 would share an entry)
            c = _F32_NUMBERS.get(b)
            if c is None and len(_F32_NUMBERS) < 256:
                c = _F32_NUMBERS[b] = xp.asarray(b, _F32)
            if c is not None:
                return op(a, c)
        elif d is _HALF:
            return op(a, np.float32(b)).astype(_HALF)
    return op(a, b)


def _ints(*values):
    """All integer or bool (arrays, or Python ints and bools)."""
    return all(isinstance(v, int) or getattr(v, "dtype", np.dtype("f")).kind in "iub" for v in values)


def _int_zero_division(a, b):
    # integer division by zero has no value: torch raises rather than returning garbage
    if _ints(a) and xp.any(xp.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


class Add(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("alpha",)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return xp.add(a, b) if alpha == 1 else a + alpha * b

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: grad * alpha
        return grad, grad if ctx.alpha == 1 else grad * ctx.alpha, None


class Sub(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("alpha",)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return xp.subtract(a, b) if alpha == 1 else a - alpha * b

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: -grad * alpha
        if not ctx.needs_input_grad[1]:  # (x - target): no negation to compute, or to record under create_graph
            return grad, None, None
        return grad, -grad if ctx.alpha == 1 else -grad * ctx.alpha, None


class Rsub(Function):
    """``other - alpha * self`` with a Python number ``other`` (what ``2 - x`` records in torch)."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "RsubBackward1"
    _ctx_fields = ("alpha",)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return xp.subtract(b, a) if alpha == 1 else b - alpha * a

    @staticmethod
    def backward(ctx, grad):
        # self: -grad * alpha
        return -grad if ctx.alpha == 1 else -grad * ctx.alpha, None, None


class RsubTensor(Function):
    """``torch.rsub(input, other)`` with a tensor ``other``: ``other - alpha * input``, torch's own node."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "RsubBackward0"
    _ctx_fields = ("alpha",)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return xp.subtract(b, a) if alpha == 1 else b - alpha * a

    @staticmethod
    def backward(ctx, grad):
        # self: -grad * alpha; other: grad
        need = ctx.needs_input_grad
        return ((-grad if ctx.alpha == 1 else -grad * ctx.alpha) if need[0] else None), (grad if need[1] else None), None


class Mul(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _saved_for = ((1,), (0,))  # self is read only by other's formula and the reverse: x * 2 saves no x

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if type(b) is float and a.dtype is _HALF:  # see opmath (inlined: the hottest op)
            return (a * np.float32(b)).astype(_HALF)
        return xp.multiply(a, b)  # inf * 0 is NaN, silently, as in torch

    @staticmethod
    def backward(ctx, grad):
        # self: grad * other; other: grad * self
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (opmath(_op.mul, grad, b) if need[0] else None), (opmath(_op.mul, grad, a) if need[1] else None)


class Div(Function):
    _builtin, _promote, _broadcast = True, "float", True
    _saved_for = ((1,), (0, 1))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if type(b) is float and a.dtype is _HALF:  # see opmath
            return (a / np.float32(b)).astype(_HALF)
        return xp.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / other; other: -grad * ((self / other) / other)   (torch's order: same rounding in half)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return opmath(_op.truediv, grad, b) if need[0] else None, -grad * ((a / b) / b) if need[1] else None


class DivRounded(Function):
    """``div`` with ``rounding_mode``: piecewise constant, so its gradient is zero."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "DivBackward2"
    _ctx_fields = ("mode",)

    @staticmethod
    def forward(ctx, a, b, mode):
        ctx.mode = mode
        if not isinstance(a, np.ndarray):  # div(number, tensor): the number in the promoted dtype
            a = xp.asarray(a, b.dtype)
        if a.dtype == np.bool_ and mode == "floor":
            refuse("div_floor_cpu", a.dtype)
        _int_zero_division(a, b)
        if mode == "floor":
            # np.floor_divide rounds like Python's // (and torch): floor of the exact quotient
            return xp.floor_divide(a, b)
        if _ints(a):  # C-style truncation without a trip through float (exact for large int64)
            q = xp.floor_divide(a, b)
            return q + ((q < 0) & (q * b != a))
        return xp.trunc(xp.true_divide(a, b))

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad); other: zeros_like(grad)
        return zeros_of(grad), zeros_of(grad), None


class NotDifferentiable(Function):
    """Ops torch records but cannot differentiate (``floor_divide``, ``number % tensor``): backward raises."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "NotImplemented"  # torch's node class; its name() carries the C++ namespace
    _node_methods = {"name": lambda self: "torch::autograd::NotImplemented"}
    _ctx_fields = ("op", "mode")  # mode: set by DivRounded.forward, which floor_divide runs

    @staticmethod
    def forward(ctx, a, b, op):
        ctx.op = op
        if op == "floor_divide":
            return DivRounded.forward(ctx, a, b, "floor")
        return Remainder.forward(ctx, a, b)

    @staticmethod
    def backward(ctx, grad):
        # not implemented in torch either
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented")


class Fmod(Function):
    """``fmod(self, other)``: C's remainder, with the sign of ``self``."""
    _builtin, _promote, _broadcast = True, "same", True
    _saved_for = ((1,), (1,))  # only other's formula reads them

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype == np.bool_:
            refuse("fmod_cpu", a.dtype)
        _int_zero_division(a, b)
        ctx.save_for_backward(a, b)
        return xp.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: -grad * self.div(other, rounding_mode="trunc")
        a, b = ctx.saved_tensors
        if not ctx.needs_input_grad[1]:
            return grad, None
        return grad, -grad * dispatch(DivRounded, a, b, "trunc")


class FmodTensor(Fmod):
    _node_name = "FmodBackward1"


class Remainder(Function):
    """``remainder(self, other)``: Python's ``%``, with the sign of ``other``."""
    _builtin, _promote, _broadcast = True, "same", True
    _saved_for = ((1,), (1,))  # only other's formula reads them

    @staticmethod
    def forward(ctx, a, b):
        if getattr(a, "dtype", None) == np.bool_ or getattr(b, "dtype", None) == np.bool_ and isinstance(a, bool):
            refuse("remainder_cpu", np.bool_)
        _int_zero_division(a, b)
        ctx.save_for_backward(a, b)
        r = xp.remainder(a, b)
        if is_float_np(r.dtype):
            zero = r == 0
            if zero.any():   # a zero result keeps the dividend's sign (fmod's), as torch; NumPy gives the divisor's
                r = xp.where(zero, xp.copysign(r, a), r)
        return r

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: -grad * self.div(other, rounding_mode="floor")
        a, b = ctx.saved_tensors
        if not ctx.needs_input_grad[1]:
            return grad, None
        return grad, -grad * dispatch(DivRounded, a, b, "floor")


class RemainderTensor(Remainder):
    _node_name = "RemainderBackward1"


_POW_FAST = (np.float32, np.float64)


class Pow(Function):
    """``self ** exponent`` with a Python number exponent."""
    _builtin, _promote = True, "same"
    _ctx_fields = ("exponent",)

    @staticmethod
    def forward(ctx, a, exponent):
        ctx.exponent = exponent
        ctx.save_for_backward(a)
        if a.dtype.kind in "iu" and isinstance(exponent, int) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if a.dtype == np.bool_:  # bool ** bool (NumPy has no such loop): x ** True is x, x ** False is 1
            return a.copy() if exponent else xp.ones_like(a)
        if a.dtype.type in _POW_FAST and exponent in (3, -2, -0.5):  # torch's special cases, bit for bit (and
            one = a.dtype.type(1)                                    # NumPy's float power takes ~140 ns/element)
            return a * a * a if exponent == 3 else one / (a * a) if exponent == -2 else one / xp.sqrt(a)
        return xp.power(a, exponent)

    @staticmethod
    def backward(ctx, grad):
        # self: exponent == 0 ? zeros : grad * exponent * self.pow(exponent - 1)
        a, = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:
            return zeros_of(grad), None
        if e == 2:
            return grad * 2 * a, None
        return grad * opmath(_op.mul, a ** (e - 1), e), None  # torch's grouping and scalar rounding in half


class PowTensor(Function):
    """``self ** exponent`` with both tensors."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "PowBackward1"
    _saved_for = ((0, 1), (0, 1), (1,))  # the result only for the exponent's formula

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind in "iu" and b.dtype.kind in "iu" and xp.any(b < 0):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        out = xp.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * exponent * self.pow(exponent - 1)
        # exponent: grad * (result * self.log()).masked_fill_((self == 0) & (exponent >= 0), 0)
        xp = ctx.xp
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = gb = None
        if need[0]:
            ga = where(b == 0, 0.0, grad * (b * a ** (b - 1)))  # torch's grouping: the same rounding in half
        if need[1]:
            gb = grad * where((a == 0) & (b >= 0), 0.0, out * xp.log(a))
        return ga, gb


class RPow(Function):
    """``number ** self`` with a Python number base."""
    _builtin = True
    _node_name = "PowBackward2"
    _ctx_fields = ("base",)

    @staticmethod
    def forward(ctx, a, base):
        ctx.base = base
        rt = result_np([a, base])
        out = xp.power(xp.asarray(base, rt), a.astype(rt, copy=False))
        ctx.save_for_backward(a, out)  # torch saves the exponent too: changing it in place fails backward
        return out

    @staticmethod
    def backward(ctx, grad):
        # exponent: grad * (result * log(self)).masked_fill_((self == 0) & (exponent >= 0), 0)
        _, out = ctx.saved_tensors
        if ctx.base == 0:  # result * log(0) = result * -inf, masked to 0 where exponent >= 0 (result 0 or 1)
            return grad * where((out == 0) | (out == 1), 0.0, out * -np.inf), None
        return grad * out * float(xp.log(ctx.base)) if ctx.base > 0 else grad * out * np.nan, None


class Maximum(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
        # other: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)
        a, b = ctx.saved_tensors
        half = where(a == b, grad / 2, grad)  # a tie splits evenly; a NaN on either side passes grad to both
        return where(a < b, 0.0, half), where(a > b, 0.0, half)


class Minimum(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)
        # other: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
        a, b = ctx.saved_tensors
        half = where(a == b, grad / 2, grad)
        return where(a > b, 0.0, half), where(a < b, 0.0, half)


class Fmax(Function):
    """``fmax``: like ``maximum`` but a NaN loses to a number."""
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.fmax(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.masked_fill((self >= other).logical_or_(other.isnan()).logical_not_(), 0)
        # other: grad.masked_fill((self >= other).logical_or_(other.isnan()), 0)
        a, b = ctx.saved_tensors
        pick_a = (a >= b) | (b != b)  # a tie goes to self
        return where(pick_a, grad, 0.0), where(pick_a, 0.0, grad)


class Fmin(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.fmin(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.masked_fill((self <= other).logical_or_(other.isnan()).logical_not_(), 0)
        # other: grad.masked_fill((self <= other).logical_or_(other.isnan()), 0)
        a, b = ctx.saved_tensors
        pick_a = (a <= b) | (b != b)
        return where(pick_a, grad, 0.0), where(pick_a, 0.0, grad)


class Atan2(Function):
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * other / (self^2 + other^2); other: grad * -self / (self^2 + other^2)
        a, b = ctx.saved_tensors
        den = a * a + b * b
        recip = 1.0 / den  # torch's order (grad * other) * recip: the same rounding in half
        # at the origin torch gives 0, not 0/0
        return where(den == 0, 0.0, (grad * b) * recip), where(den == 0, 0.0, (grad * -a) * recip)


class Hypot(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        out = xp.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * self / result; other: grad * other / result   (NaN at the origin, as in torch)
        a, b, out = ctx.saved_tensors
        return grad * a / out, grad * b / out


class Logaddexp(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)  # not the result: torch's formula does not read it
        return xp.logaddexp(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (1 + exp(other - self)); other: grad / (1 + exp(self - other))
        # (written as torch's formula, not as a sigmoid: under create_graph its derivative is then torch's too,
        # NaN where exp overflows, |self - other| > ~709 in float64, ~88 in float32)
        xp = ctx.xp
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad / (1 + xp.exp(b - a)) if need[0] else None), (grad / (1 + xp.exp(a - b)) if need[1] else None)


class Logaddexp2(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return xp.logaddexp2(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (1 + pow(2, other - self)); other: grad / (1 + pow(2, self - other))
        # (torch's formula as written, for torch's second derivative: see Logaddexp)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad / (1 + 2.0 ** (b - a)) if need[0] else None), (grad / (1 + 2.0 ** (a - b)) if need[1] else None)


class Copysign(Function):
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, a, b):
        out = xp.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: copysign_tensor_self_backward(grad, self, result); other: zeros_like(other)
        a, out = ctx.saved_tensors
        ratio = where(a == 0, 0.0, out / a)
        return grad * ratio, zeros_of(grad) if ctx.needs_input_grad[1] else None


class CopysignScalar(Copysign):
    _node_name = "CopysignBackward1"


def _log(x):
    """log of an array/Tensor, or of a Python number as a Python float (a NumPy float64 scalar would
    upcast a float32 gradient)."""
    xp = xp_of(x)  # NumPy, or txp on Tensors (create_graph)
    if isinstance(x, (int, float)):
        return float(xp.log(np.float64(x)))
    return xp.log(x)


class Xlogy(Function):
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        dt = (a if isinstance(a, np.ndarray) else b).dtype
        # 0 * log(0) counts as 0; a NaN in other stays NaN
        return xp.asarray(xp.where((a == 0) & (b == b), 0.0, a * xp.log(b)), dt)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * at::xlogy((self != 0), other); other: grad * self / other
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = where((a == 0) & (b == b), 0.0, grad * _log(b)) if need[0] else None
        return ga, grad * a / b if need[1] else None


class XlogyNumberSelf(Xlogy):
    _node_name = "XlogyBackward1"


class XlogyNumberOther(Xlogy):
    _node_name = "XlogyBackward2"


class Where(Function):
    """``where(condition, input, other)``: the gradient goes to the side the condition picked."""
    _builtin, _broadcast = True, True

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)  # saved, so changing the condition in place afterwards fails backward
        rt = result_np([a, b])
        return xp.where(cond, a, b).astype(rt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: where(condition, grad, 0); other: where(condition, 0, grad)
        c, = ctx.saved_tensors
        return None, where(c, grad, 0.0), where(c, 0.0, grad)


# ---------------------------------------------------------------------------------------------- functions
def _check_tensor(name, input, other):
    """Ops torch only defines for two tensors (``maximum``, ``atan2``...) refuse Python numbers."""
    for pos, (arg, what) in enumerate(((input, "input"), (other, "other")), 1):
        if not isinstance(arg, _t.Tensor):
            raise TypeError(f"{name}(): argument '{what}' (position {pos}) must be Tensor, not "
                            f"{type(arg).__name__}")


def _float_only(kernel, *tensors):
    for t in tensors:
        if not is_float_np(t._data.dtype):
            refuse(kernel, t._data.dtype)


def add(input, other, *, alpha=1):
    """Adds ``other``, scaled by ``alpha``, to ``input``.

    ``out_i = input_i + alpha * other_i``

    Broadcasting and type promotion follow torch: an int tensor plus a Python float gives the default float dtype.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        alpha (Number, optional): the multiplier for ``other`` (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([1.0, 2.0, 3.0])
        >>> torch.add(a, 10)
        tensor([11., 12., 13.])
        >>> torch.add(a, torch.tensor([[1.0], [2.0]]), alpha=0.5)
        tensor([[1.5000, 2.5000, 3.5000],
                [2.0000, 3.0000, 4.0000]])
    """
    if alpha.__class__ is not int:
        _check_alpha(input, other, alpha)
    elif alpha != 1 and _is_bool(input) and _is_bool(other):
        alpha = bool(alpha)  # a bool result: torch's alpha * other is a logical and (NumPy's would be an integer)
    if not isinstance(input, _t.Tensor):
        if alpha == 1:
            input, other = other, input  # number + tensor: addition commutes, as torch records it
        else:
            return Add.apply(input, other, alpha)
    if alpha != 1:
        return Add.apply(input, other, alpha)
    return Add.apply(input, other)


def _check_alpha(input, other, alpha):
    """torch's alpha rules for add/sub/rsub: a bool alpha only with a bool result, a floating-point one (even 1.0)
    only with a floating result."""
    dt = result_np([x._data if isinstance(x, _t.Tensor) else x for x in (input, other)])
    if isinstance(alpha, (bool, np.bool_)):
        if dt != np.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (float, np.floating)) and dt.kind in "iub":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def _is_bool(x):
    return isinstance(x, bool) or isinstance(x, _t.Tensor) and x._data.dtype == np.bool_


def _bool_sub(input, other):
    """torch refuses subtraction with any bool operand (a Python bool counts as one)."""
    a, b = _is_bool(input), _is_bool(other)
    if a and b:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if a or b:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


def sub(input, other, *, alpha=1):
    """Subtracts ``other``, scaled by ``alpha``, from ``input``.

    ``out_i = input_i - alpha * other_i``

    Bool operands are refused, as in torch (use ``logical_xor`` or ``~``).

    ``npgrad.subtract`` is an alias.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        alpha (Number, optional): the multiplier for ``other`` (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.sub(torch.tensor([5, 7]), torch.tensor([1, 2]), alpha=2)
        tensor([3, 3])
    """
    _bool_sub(input, other)
    if alpha.__class__ is not int:
        _check_alpha(input, other, alpha)
    if alpha != 1:
        return Sub.apply(input, other, alpha)
    return Sub.apply(input, other)


subtract = sub


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (``2 - x`` in torch records ``RsubBackward1``).

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): what ``input`` is subtracted from.
        alpha (Number, optional): the multiplier for ``input`` (default 1).

    Example:
        >>> import npgrad as torch
        >>> torch.rsub(torch.tensor([1, 2]), torch.tensor([10, 10]))
        tensor([9, 8])
        >>> torch.rsub(torch.tensor([1, 2]), 10, alpha=2)
        tensor([8, 6])
    """
    if alpha.__class__ is not int:
        _check_alpha(input, other, alpha)
    if isinstance(other, _t.Tensor):
        _bool_sub(other, input)
        return RsubTensor.apply(input, other) if alpha == 1 else RsubTensor.apply(input, other, alpha)
    _bool_sub(input, other)
    return Rsub.apply(input, other) if alpha == 1 else Rsub.apply(input, other, alpha)


def mul(input, other):
    """Multiplies ``input`` by ``other`` element by element.

    ``out_i = input_i * other_i``

    ``npgrad.multiply`` is an alias.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.mul(torch.tensor([1.0, 2.0, 3.0]), 100)
        tensor([100., 200., 300.])
        >>> torch.mul(torch.tensor([[1], [2]]), torch.tensor([3, 4]))
        tensor([[3, 4],
                [6, 8]])
    """
    if not isinstance(input, _t.Tensor):
        input, other = other, input
    return Mul.apply(input, other)


multiply = mul


def div(input, other, *, rounding_mode=None):
    """Divides ``input`` by ``other`` element by element.

    ``out_i = input_i / other_i``

    ``rounding_mode=None`` is true division; ``'trunc'`` rounds toward zero, ``'floor'`` toward minus infinity.

    ``npgrad.divide`` and ``npgrad.true_divide`` are aliases.

    Args:
        input (Tensor): the dividend.
        other (Tensor or Number): the divisor, broadcast against ``input``.
        rounding_mode (str, optional): ``None``, ``'trunc'`` or ``'floor'``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: true division always gives a floating-point result (integer inputs give the default float dtype); with
            ``rounding_mode`` the promoted dtype of the operands.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([7, -7])
        >>> torch.div(a, 2)
        tensor([ 3.5000, -3.5000])
        >>> torch.div(a, 2, rounding_mode='trunc')
        tensor([ 3, -3])
        >>> torch.div(a, 2, rounding_mode='floor')
        tensor([ 3, -4])
    """
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    return DivRounded.apply(input, other, rounding_mode)


divide = true_divide = div


def rdiv(input, other):
    """``other / input`` for a Python number ``other``: ``reciprocal(input) * other``, as torch records it.

    Args:
        input (Tensor): the input tensor.
        other (Number): the numerator.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0, 4.0])
        >>> 8 / x
        tensor([8., 4., 2.])
    """
    if isinstance(other, _t.Tensor):
        return div(other, input)
    return mul(reciprocal(input), other)


def floor_divide(input, other):
    """``input // other``: rounds toward minus infinity; torch records it but cannot differentiate it.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.floor_divide(torch.tensor([7, -7]), 2)
        tensor([ 3, -4])
        >>> torch.floor_divide(torch.tensor([7.5, -7.5]), 2)
        tensor([ 3., -4.])
    """
    return NotDifferentiable.apply(input, other, "floor_divide")


def fmod(input, other):
    """C-style remainder of ``input / other``: the result has the sign of the dividend.

    ``out_i = input_i - trunc(input_i / other_i) * other_i``

    Args:
        input (Tensor): the dividend.
        other (Tensor or Number): the divisor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.fmod(torch.tensor([-3.0, -2.0, 2.0, 3.0]), 2)
        tensor([-1., -0.,  0.,  1.])
        >>> torch.fmod(torch.tensor([5, -5]), 3)
        tensor([ 2, -2])
    """
    if not isinstance(input, _t.Tensor):
        raise TypeError(f"fmod(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if isinstance(other, _t.Tensor):
        return FmodTensor.apply(input, other)
    return Fmod.apply(input, other)


def remainder(input, other):
    """Python-style modulus of ``input / other``: the result has the sign of the divisor.

    ``out_i = input_i - floor(input_i / other_i) * other_i``

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.remainder(torch.tensor([-3.0, -1.5, 2.0, 3.0]), 2)
        tensor([1.0000, 0.5000, 0.0000, 1.0000])
        >>> torch.remainder(torch.tensor([5, -5]), 3)
        tensor([2, 1])
    """
    if not isinstance(input, _t.Tensor):  # number % tensor: recorded, not differentiable (as in torch)
        return NotDifferentiable.apply(input, other, "remainder")
    if isinstance(other, _t.Tensor):
        return RemainderTensor.apply(input, other)
    return Remainder.apply(input, other)


def pow(input, exponent):
    """Raises each element of ``input`` to the power ``exponent``.

    ``out_i = input_i ** exponent_i``

    Either operand may be a Python number. Integer tensors raised to negative integer powers are refused, as in torch.

    Args:
        input (Tensor or Number): the base.
        exponent (Tensor or Number): the exponent, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.pow(torch.tensor([1.0, 2.0, 3.0]), 2)
        tensor([1., 4., 9.])
        >>> torch.pow(2, torch.tensor([0, 1, 10]))
        tensor([   1,    2, 1024])
    """
    if not isinstance(input, _t.Tensor):
        return rpow(exponent, input)
    if input._data.dtype == np.bool_ and isinstance(exponent, _t.Tensor) and exponent._data.dtype == np.bool_:
        refuse("pow", np.bool_)
    if isinstance(exponent, _t.Tensor):
        return PowTensor.apply(input, exponent)
    return Pow.apply(input, exponent)


def rpow(input, base):
    """``base ** input`` for a Python number ``base``.

    Args:
        input (Tensor): the input tensor.
        base (Number): the base.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([0, 1, 3])
        >>> 2 ** x
        tensor([1, 2, 8])
    """
    if isinstance(base, _t.Tensor):
        return pow(base, input)
    if isinstance(base, bool) and input._data.dtype == np.bool_:
        refuse("pow", np.bool_)
    return RPow.apply(input, base)


def float_power(input, exponent):
    """``pow`` computed in float64 (torch's ``float_power``).

    Args:
        input (Tensor): the input tensor.
        exponent (Tensor or Number): the exponent, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.float_power(torch.tensor([2, 3]), 2).tolist()
        [4.0, 9.0]
        >>> torch.float_power(torch.tensor([4.0]), 0.5).dtype == torch.float64
        True
    """
    if isinstance(input, _t.Tensor):
        input = input.double()
    if isinstance(exponent, _t.Tensor):
        exponent = exponent.double()
    return pow(input, exponent)


def maximum(input, other):
    """Element-wise maximum of ``input`` and ``other`` (NaN wins, unlike ``fmax``).



    Where the two are equal the gradient is split evenly between them, as in torch.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.maximum(torch.tensor([1.0, 5.0, float('nan')]), torch.tensor([2.0, 3.0, 0.0]))
        tensor([2., 5., nan])
    """
    _check_tensor("maximum", input, other)
    return Maximum.apply(input, other)


def minimum(input, other):
    """Element-wise minimum of ``input`` and ``other`` (NaN wins, unlike ``fmin``).

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.minimum(torch.tensor([1.0, 5.0, float('nan')]), torch.tensor([2.0, 3.0, 0.0]))
        tensor([1., 3., nan])
    """
    _check_tensor("minimum", input, other)
    return Minimum.apply(input, other)


def fmax(input, other):
    """Element-wise maximum that ignores NaN: if exactly one of the pair is NaN, the other is returned.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.fmax(torch.tensor([1.0, float('nan'), 3.0]), torch.tensor([2.0, 0.0, float('nan')]))
        tensor([2., 0., 3.])
    """
    _check_tensor("fmax", input, other)
    return Fmax.apply(input, other)


def fmin(input, other):
    """Element-wise minimum that ignores NaN: if exactly one of the pair is NaN, the other is returned.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.fmin(torch.tensor([1.0, float('nan'), 3.0]), torch.tensor([2.0, 0.0, float('nan')]))
        tensor([1., 0., 3.])
    """
    _check_tensor("fmin", input, other)
    return Fmin.apply(input, other)


def atan2(input, other):
    """Element-wise arctangent of ``input / other``, using both signs to pick the quadrant.

    ``out_i = atan2(input_i, other_i)``

    ``npgrad.arctan2`` is an alias.

    Args:
        input (Tensor): the y coordinates.
        other (Tensor): the x coordinates, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: angles in radians in ``[-pi, pi]``, broadcast shape, floating-point dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.atan2(torch.tensor([1.0, 1.0, -1.0]), torch.tensor([1.0, -1.0, -1.0]))
        tensor([ 0.7854,  2.3562, -2.3562])
    """
    _check_tensor("atan2", input, other)
    return Atan2.apply(input, other)


arctan2 = atan2


def hypot(input, other):
    """Hypotenuse of the right triangle with legs ``input`` and ``other``.

    ``out_i = sqrt(input_i ** 2 + other_i ** 2)``

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: broadcast shape, floating-point dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.hypot(torch.tensor([3.0, 5.0]), torch.tensor([4.0, 12.0]))
        tensor([ 5., 13.])
    """
    _check_tensor("hypot", input, other)
    _float_only("hypot_cpu", input, other)
    return Hypot.apply(input, other)


def logaddexp(input, other):
    """Logarithm of the sum of exponentials, computed without overflow.

    ``out_i = log(exp(input_i) + exp(other_i))``

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: broadcast shape, floating-point dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.logaddexp(torch.tensor([-1.0, 1000.0]), torch.tensor([-1.0, 1000.0]))
        tensor([-3.0685e-01,  1.0007e+03])
    """
    _check_tensor("logaddexp", input, other)
    _float_only("logaddexp_cpu", input, other)
    return Logaddexp.apply(input, other)


def logaddexp2(input, other):
    """Base-2 logarithm of the sum of powers of two, computed without overflow.

    ``out_i = log2(2 ** input_i + 2 ** other_i)``

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: broadcast shape, floating-point dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.logaddexp2(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 3.0]))
        tensor([2., 4.])
    """
    _check_tensor("logaddexp2", input, other)
    _float_only("logaddexp2_cpu", input, other)
    return Logaddexp2.apply(input, other)


def copysign(input, other):
    """Magnitude of ``input`` with the sign of ``other``, element by element.

    ``out_i = copysign(input_i, other_i)``

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: broadcast shape; always floating-point (integer inputs give the default float dtype).

    Example:
        >>> import npgrad as torch
        >>> torch.copysign(torch.tensor([1.0, -2.0, 3.0]), torch.tensor([-1.0, 1.0, -0.0]))
        tensor([-1.,  2., -3.])
    """
    if isinstance(other, _t.Tensor):
        return Copysign.apply(input, other)
    return CopysignScalar.apply(input, other)


def xlogy(input, other):
    """``input * log(other)``, with 0 where ``input == 0`` (unless ``other`` is NaN).

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.xlogy(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([0.0, 3.0, 4.0]))
        tensor([0.0000, 1.0986, 2.7726])
    """
    if not isinstance(input, _t.Tensor):
        return XlogyNumberSelf.apply(input, other)
    return Xlogy.apply(input, other) if isinstance(other, _t.Tensor) else XlogyNumberOther.apply(input, other)


def where(condition, input=None, other=None):
    """``where(c, x, y)`` picks from x where c, else y; on arrays (inside formulas) it stays on arrays.

    Args:
        condition (Tensor): a bool tensor.
        input (Tensor or Number, optional): the values where ``condition`` is True.
        other (Tensor or Number, optional): the values where it is False; without both, ``where(condition)`` is
            ``nonzero(condition, as_tuple=True)``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([-1.0, 2.0, -3.0])
        >>> torch.where(x > 0, x, torch.zeros(3))
        tensor([0., 2., 0.])
        >>> torch.where(x > 0, x, 0.0)
        tensor([0., 2., 0.])
        >>> torch.where(x > 0)
        (tensor([1]),)
    """
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    c = condition._data if isinstance(condition, _t.Tensor) else condition
    if isinstance(condition, _t.Tensor) and c.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{TYPE_NAMES[c.dtype.name]}")
    if not isinstance(input, _t.Tensor) and not isinstance(other, _t.Tensor):
        if isinstance(condition, _t.Tensor):  # where(mask, 1.0, 0.0): numbers in, a new tensor out
            return _t.make(Where.forward(Where._node_cls.__new__(Where._node_cls), c, input, other))
        return dispatch(Where, c, input, other)  # inside a plain backward formula: arrays in, array out
    return Where.apply(condition, input, other)


_METHODS = [("add", add), ("sub", sub), ("subtract", sub), ("mul", mul), ("multiply", mul), ("div", div),
            ("divide", div), ("true_divide", true_divide), ("floor_divide", floor_divide), ("fmod", fmod),
            ("remainder", remainder), ("pow", pow), ("float_power", float_power), ("maximum", maximum),
            ("minimum", minimum), ("fmax", fmax), ("fmin", fmin), ("atan2", atan2), ("arctan2", atan2),
            ("hypot", hypot), ("logaddexp", logaddexp), ("logaddexp2", logaddexp2), ("copysign", copysign),
            ("xlogy", xlogy)]
_NO_INPLACE = {"maximum", "minimum", "fmax", "fmin", "logaddexp", "logaddexp2", "multiply", "divide", "subtract"}


def where_method(self, condition, other):
    """``Tensor.where(condition, y)``: ``where(condition, self, y)``."""
    return where(condition, self, other)


where_method.__name__ = where_method.__qualname__ = "where"


# The Tensor dunders (``-x``, ``x == y``, ``~m``...) and older callers reach these through this module.
from .inplace import inplace, _inplace_method, full_like_op  # noqa: E402,F401
from .pointwise_ternary import clamp, clip, clamp_min, clamp_max, lerp, addcmul, addcdiv  # noqa: E402,F401
from .pointwise_unary import (neg, abs, exp, log, sqrt, tanh, sigmoid, relu, reciprocal,  # noqa: E402,F401
                              sign, square, log1p, expm1)
from .comparison import (eq, ne, lt, le, gt, ge, logical_not, bitwise_not, bitwise_and, bitwise_or,  # noqa: E402,F401
                         bitwise_xor)
