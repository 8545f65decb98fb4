"""Pointwise ops with three operands or bounds: ``clamp``/``clip`` (number or tensor bounds), ``clamp_min``,
``clamp_max``, ``lerp``, ``addcmul``, ``addcdiv``. All broadcast; the engine reduces each gradient back to its
input's shape and dtype.
"""
import numpy as np
from .._xp import xp

from ..autograd.function import Function
from .._dtype import result_np
from .. import _tensor as _t
from .pointwise import where, refuse, _float_only

__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv"]


class Clamp(Function):
    """``clamp`` with number bounds (either may be None): gradient 1 inside, bounds included, 0 outside."""
    _builtin, _broadcast = True, True
    _node_name = "ClampBackward1"
    _ctx_fields = ("lo", "hi")

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.lo, ctx.hi = lo, hi
        ctx.save_for_backward(a)
        rt = result_np([a, lo, hi])
        if rt == np.bool_:
            refuse("clamp_scalar_cpu" if lo is not None and hi is not None else
                   "clamp_min_scalar_cpu" if lo is not None else "clamp_max_scalar_cpu", rt)
        out = a.astype(rt, copy=False)
        if lo is not None:
            out = xp.maximum(out, xp.asarray(lo, rt))
        if hi is not None:
            out = xp.minimum(out, xp.asarray(hi, rt))
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: clamp_backward(grad, self, min, max) = grad * ((self >= min) & (self <= max))   (0 at NaN)
        a, = ctx.saved_tensors
        lo, hi = ctx.lo, ctx.hi
        if lo is None:
            mask = a <= hi
        elif hi is None:
            mask = a >= lo
        else:
            mask = (a >= lo) & (a <= hi)
        return where(mask, grad, 0.0), None, None


class ClampMin(Clamp):
    _node_name = "ClampMinBackward0"


class ClampMax(Clamp):
    _node_name = "ClampMaxBackward0"


class ClampTensor(Function):
    """``clamp`` with tensor bounds: the gradient goes to whichever of self/min/max the output came from;
    a tie goes to self, and with ``min > max`` the output is ``max``."""
    _builtin, _broadcast = True, True
    _node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, a, lo, hi):
        rt = result_np([x for x in (a, lo, hi) if x is not None])
        a = a.astype(rt, copy=False)
        ctx.save_for_backward(a, lo, hi)
        out = a
        if lo is not None:
            out = xp.maximum(out, lo.astype(rt, copy=False))
        if hi is not None:
            out = xp.minimum(out, hi.astype(rt, copy=False))
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: where((self >= min).logical_and_(self <= max), grad, 0)
        # min: where((self < min).logical_and_(min < max), grad, 0)
        # max: where((self > max).logical_or_(max < min), grad, 0)
        a, lo, hi = ctx.saved_tensors
        if lo is None:
            return where(a <= hi, grad, 0.0), None, where(a > hi, grad, 0.0)
        if hi is None:
            return where(a >= lo, grad, 0.0), where(a < lo, grad, 0.0), None
        inside = (a >= lo) & (a <= hi)
        return (where(inside, grad, 0.0), where((a < lo) & (lo < hi), grad, 0.0),
                where((a > hi) | (hi < lo), grad, 0.0))


class ClampMinTensor(ClampTensor):
    _node_name = "ClampMinBackward1"


class ClampMaxTensor(ClampTensor):
    _node_name = "ClampMaxBackward1"


class Lerp(Function):
    """``lerp(self, end, weight)`` with a number weight."""
    _builtin, _broadcast = True, True
    _ctx_fields = ("w",)

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.w = w
        # torch's two-sided form: exact at weight 0 and at weight 1
        return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (1 - weight); end: grad * weight
        return grad * (1 - ctx.w), grad * ctx.w, None


class LerpTensor(Function):
    """``lerp(self, end, weight)`` with a tensor weight."""
    _builtin, _broadcast = True, True
    _node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        d = b - a
        return xp.where(xp.abs(w) < 0.5, a + w * d, b - d * (1 - w))

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (1 - weight); end: grad * weight; weight: grad * (end - self)
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * (1 - w) if need[0] else None, grad * w if need[1] else None,
                grad * (b - a) if need[2] else None)


class Addcmul(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("value",)

    @staticmethod
    def forward(ctx, a, t1, t2, value):
        rt = result_np([a, t1, t2])
        ctx.value = value
        t1, t2 = t1.astype(rt, copy=False), t2.astype(rt, copy=False)
        ctx.save_for_backward(t1, t2)
        # integer inputs take the value as an integer, as torch does
        prod = t1 * t2 if value == 1 else t1 * t2 * (int(value) if rt.kind in "iub" else value)
        return (a.astype(rt, copy=False) + prod).astype(rt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: grad; tensor1: grad * tensor2 * value; tensor2: grad * tensor1 * value
        t1, t2 = ctx.saved_tensors
        need, v = ctx.needs_input_grad, ctx.value
        return (grad, grad * t2 * v if need[1] else None, grad * t1 * v if need[2] else None, None)


class Addcdiv(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("value",)

    @staticmethod
    def forward(ctx, a, t1, t2, value):
        if t1.dtype.kind in "iub" and t2.dtype.kind in "iub":
            raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release "
                               "addcdiv will perform a true division of tensor1 and tensor2. Use "
                               "(input + value * torch.trunc(tensor1 / tensor2)) for the historic integer "
                               "behavior, or (input + value * tensor1 / tensor2) for true division.")
        rt = result_np([a, t1, t2])
        ctx.value = value
        t1, t2 = t1.astype(rt, copy=False), t2.astype(rt, copy=False)
        ctx.save_for_backward(t1, t2)
        return (a.astype(rt, copy=False) + value * (t1 / t2)).astype(rt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: grad; tensor1: grad * value / tensor2; tensor2: -grad * value * tensor1 / (tensor2 * tensor2)
        t1, t2 = ctx.saved_tensors
        need, v = ctx.needs_input_grad, ctx.value
        return (grad, grad * v / t2 if need[1] else None,
                -grad * v * t1 / (t2 * t2) if need[2] else None, None)


def clamp(input, min=None, max=None):
    """Limit ``input`` to ``[min, max]`` (two numbers or two tensors; one may be None). Gradient 1 at the
    bounds.

    Args:
        input (Tensor): the input tensor.
        min (Number or Tensor, optional): the lower bound (None for none).
        max (Number or Tensor, optional): the upper bound (None for none).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([-2.0, 0.5, 3.0])
        >>> torch.clamp(x, min=-1.0, max=1.0)
        tensor([-1.0000,  0.5000,  1.0000])
        >>> torch.clamp(x, min=0.0)
        tensor([0.0000, 0.5000, 3.0000])
        >>> torch.clamp(x, torch.tensor([0.0, 0.0, 0.0]), torch.tensor([1.0, 0.2, 5.0]))
        tensor([0.0000, 0.2000, 3.0000])
    """
    _t.tensor_arg(input, "clamp", "input")
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    min, max = (b.item() if isinstance(b, np.generic) else b for b in (min, max))  # NumPy scalars: numbers
    if isinstance(min, _t.Tensor) or isinstance(max, _t.Tensor):
        for b in (min, max):
            if b is not None and not isinstance(b, _t.Tensor):
                raise TypeError(f"clamp(): min and max must both be tensors or both be numbers, got "
                                f"{type(min).__name__} and {type(max).__name__}; wrap the number with "
                                f"torch.tensor(...)")
        return ClampTensor.apply(input, min, max)
    return Clamp.apply(input, min, max)


clip = clamp


def clamp_min(input, min):
    """Clamps every element of ``input`` to at least ``min``.

    ``out_i = max(input_i, min)``; same as ``clamp(input, min=min)``.

    Args:
        input (Tensor): the input tensor.
        min (Number or Tensor): the lower bound.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape (promoted with ``min``'s type).

    Example:
        >>> import npgrad as torch
        >>> torch.clamp_min(torch.tensor([-2.0, 0.5, 3.0]), 0.0)
        tensor([0.0000, 0.5000, 3.0000])
    """
    if isinstance(min, _t.Tensor):
        return ClampMinTensor.apply(input, min, None)
    return ClampMin.apply(input, min, None)


def clamp_max(input, max):
    """Clamps every element of ``input`` to at most ``max``.

    ``out_i = min(input_i, max)``; same as ``clamp(input, max=max)``.

    Args:
        input (Tensor): the input tensor.
        max (Number or Tensor): the upper bound.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape (promoted with ``max``'s type).

    Example:
        >>> import npgrad as torch
        >>> torch.clamp_max(torch.tensor([-2.0, 0.5, 3.0]), 1.0)
        tensor([-2.0000,  0.5000,  1.0000])
    """
    if isinstance(max, _t.Tensor):
        return ClampMaxTensor.apply(input, None, max)
    return ClampMax.apply(input, None, max)


def _same_dtype(input, what, t):
    if t._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected dtype {input.dtype.name.replace('float32', 'float')} for `{what}` but got "
                           f"dtype {t.dtype.name.replace('float64', 'double')}; cast it with .to(input.dtype)")


def lerp(input, end, weight):
    """``input + weight * (end - input)``; ``input``, ``end`` (and a tensor ``weight``) share one float dtype.

    Args:
        input (Tensor): the input tensor.
        end (Tensor): the end points.
        weight (float or Tensor): the interpolation weight.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.25)
        tensor([ 2.5000, 12.5000])
        >>> torch.lerp(torch.zeros(2), torch.ones(2), torch.tensor([0.1, 0.9]))
        tensor([0.1000, 0.9000])
    """
    _same_dtype(input, "end", end)
    _float_only("lerp_kernel_scalar", input)
    if isinstance(weight, _t.Tensor):
        _same_dtype(input, "weight", weight)
        return LerpTensor.apply(input, end, weight)
    return Lerp.apply(input, end, weight)


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``, broadcast over all three.

    Args:
        input (Tensor): the input tensor.
        tensor1 (Tensor): the first tensor of the product (or the numerator).
        tensor2 (Tensor): the second tensor of the product (or the denominator).
        value (Number, optional): the multiplier (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.addcmul(torch.ones(3), torch.tensor([1., 2., 3.]), torch.tensor([2., 2., 2.]), value=0.5)
        tensor([2., 3., 4.])
    """
    return Addcmul.apply(input, tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``, broadcast over all three.

    Args:
        input (Tensor): the input tensor.
        tensor1 (Tensor): the first tensor of the product (or the numerator).
        tensor2 (Tensor): the second tensor of the product (or the denominator).
        value (Number, optional): the multiplier (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.addcdiv(torch.ones(3), torch.tensor([1., 2., 3.]), torch.tensor([2., 2., 2.]), value=0.5)
        tensor([1.2500, 1.5000, 1.7500])
    """
    return Addcdiv.apply(input, tensor1, tensor2, value)


_METHODS = [("clamp", clamp), ("clip", clip), ("clamp_min", clamp_min), ("clamp_max", clamp_max), ("lerp", lerp),
            ("addcmul", addcmul), ("addcdiv", addcdiv)]
