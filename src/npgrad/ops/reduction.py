"""Reductions: sum and mean (over everything, or over ``dim`` with ``keepdim``)."""
import numpy as np

from ..autograd.function import Function
from .._shape import norm_dims
from .. import _tensor as _t

__all__ = ["sum", "mean"]


def _expand_back(grad, ctx):
    """Undo a reduction's shape change: re-insert the reduced dims, then broadcast to the input shape."""
    if not ctx.keepdim and ctx.dims:
        grad = np.expand_dims(grad, ctx.dims)
    return np.broadcast_to(grad, ctx.shape)


def _sum_dtype(a):
    # torch sums bools and integers in int64; float16 accumulates in float32 and rounds once
    if a.dtype.kind in "biu":
        return np.int64
    if a.dtype == np.float16:
        return np.float32
    return None


class Sum(Function):
    _builtin = True
    _ctx_fields = ("dims", "keepdim", "shape")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        acc = _sum_dtype(a)
        out = a.sum(axis=dims, keepdims=keepdim, dtype=acc)
        return out.astype(np.float16) if a.dtype == np.float16 else out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.expand_as(self)   (after unsqueezing the summed dims)
        return _expand_back(grad, ctx), None, None


class SumDim(Sum):
    _node_name = "SumBackward1"


class Mean(Function):
    _builtin = True
    _ctx_fields = ("dims", "keepdim", "shape", "count")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        if a.dtype.kind != "f":
            name = {"i": "Long", "u": "Byte", "b": "Bool"}[a.dtype.kind]
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {name}")
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        n = 1
        for d in dims:
            n *= a.shape[d]
        ctx.count = n
        with np.errstate(invalid="ignore", divide="ignore"):
            if a.dtype == np.float16:
                return a.mean(axis=dims, keepdims=keepdim, dtype=np.float32).astype(np.float16)
            return a.mean(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.expand_as(self) / self.numel()   (numel of the reduced dims)
        return _expand_back(grad / ctx.count, ctx), None, None


class MeanDim(Mean):
    _node_name = "MeanBackward1"


def _dim_args(input, dim, keepdim, kw):
    if "axis" in kw:
        dim = kw.pop("axis")
    if "keepdims" in kw:
        keepdim = kw.pop("keepdims")
    if kw:
        raise TypeError(f"got an unexpected keyword argument '{next(iter(kw))}'")
    return dim, keepdim


def sum(input, dim=None, keepdim=False, *, dtype=None, **kw):
    """Sum of all elements, or over ``dim`` (an int or a tuple; negative dims count from the end)."""
    dim, keepdim = _dim_args(input, dim, keepdim, kw)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None or dim == () or dim == []:
        return Sum.apply(input, tuple(range(input._data.ndim)), False)
    return SumDim.apply(input, norm_dims(dim, input._data.ndim), keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, **kw):
    """Mean of all elements, or over ``dim``."""
    dim, keepdim = _dim_args(input, dim, keepdim, kw)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None or dim == () or dim == []:
        return Mean.apply(input, tuple(range(input._data.ndim)), False)
    return MeanDim.apply(input, norm_dims(dim, input._data.ndim), keepdim)


def bind_methods(T):
    T.sum = sum
    T.mean = mean
