"""Reductions: sum, mean, prod, var/std, logsumexp, norm, all/any, count_nonzero; softmax and log_softmax.

``dim`` is an int or a tuple (negative dims count from the end); ``keepdim`` keeps reduced dims as size 1.
float16 sums, means and norms accumulate in float32 and round once, as torch does. Selection reductions
(max, min, median, sort...) are in ``reduction_sort.py``, scans (cumsum, cummax, diff) in ``reduction_scan.py``.
"""
import builtins

import numpy as np
from .._xp import xp, xp_of

from .._dtype import is_float_np

from ..autograd.function import Function
from .._dtype import get_default_dtype
from .. import _dtype
from .._shape import norm_dim, norm_dims, UNSET, np_alias
from .. import _tensor as _t
from .pointwise import where, refuse, TYPE_NAMES
from . import shape as _S

_ndarray = np.ndarray
_ALL_DIMS = tuple(tuple(range(n)) for n in range(65))  # a full reduction's dims, by ndim (NumPy allows 64)

__all__ = ["sum", "nansum", "mean", "nanmean", "prod", "var", "std", "var_mean", "std_mean", "logsumexp",
           "all", "any", "count_nonzero", "softmax", "log_softmax"]


# ---------------------------------------------------------------------------------------------- helpers
def axes(dim, ndim, empty_means_all=True):
    """NumPy axes for torch's ``dim`` (None, an int, or a tuple/list; ``()`` reduces everything)."""
    if dim is None or (empty_means_all and isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = norm_dims(dim, ndim)
    return () if ndim == 0 else dims  # a 0-d tensor takes dim 0 / -1 and stays as it is


def count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def expand_back(grad, dims, keepdim, shape):
    """Undo a reduction's shape change: re-insert the reduced dims, then broadcast to the input shape."""
    if type(grad) is not _ndarray and isinstance(grad, np.generic):
        grad = xp.asarray(grad)  # (a 0-d array divided by a number, in mean's formula, is a NumPy scalar)
    if type(grad) is _ndarray:
        out = _broadcast_view(grad, dims, keepdim, shape)
        if out is not None:
            return out
    ns = xp_of(grad)  # NumPy, or txp on Tensors (create_graph)
    if not keepdim and dims and grad.ndim:  # (a 0-d gradient, of a full reduction, broadcasts as it is)
        grad = ns.expand_dims(grad, dims)
    return ns.broadcast_to(grad, shape)


def _broadcast_view(grad, dims, keepdim, shape):
    """``np.broadcast_to(grad with the reduced dims re-inserted, shape)`` for a C-contiguous array, made in C:
    a read-only view with stride 0 along the broadcast dims (NumPy's own broadcast_to costs ~5 us of Python per
    call, a quarter of a small reduction's backward). None when the fast way does not apply."""
    n = len(shape)
    if grad.ndim == 0:
        strides = (0,) * n
    else:
        if not keepdim and dims:
            kept = list(shape)
            for d in dims:
                kept[d] = 1
            if grad.size != _prod_of(kept):
                return None
            grad = grad.reshape(kept)
        gshape = grad.shape
        if len(gshape) != n:
            return None
        strides = []
        for k, t, s in zip(gshape, shape, grad.strides):
            if k == t:
                strides.append(s)
            elif k == 1:
                strides.append(0)
            else:
                return None
    if not grad.flags.c_contiguous:
        return None
    try:
        out = _ndarray(shape, grad.dtype, grad, 0, strides)
    except (TypeError, ValueError, BufferError):  # (a dtype without the buffer protocol, an empty grad...)
        return None
    out.flags.writeable = False  # as np.broadcast_to's: a write would reach every broadcast element
    return out


def _prod_of(shape):
    n = 1
    for k in shape:
        n *= k
    return n


def tensor_sum_to(g, axes, shape):
    """``_shape.sum_to`` on a Tensor (create_graph) that sums ``axes`` (sorted, non-negative; keepdim) and, when
    ``shape`` is given, drops the leading dims: torch's nodes (one ``SumBackward1``, one ``ViewBackward0``) from
    the ops themselves, without ``sum``'s and ``reshape``'s argument parsing. The sum is a fresh contiguous array,
    so the reshape is always a view. To a 0-d shape: one full ``SumBackward0``, as torch's sum_to."""
    if shape == ():
        return Sum.apply(g, axes, False)
    g = SumDim.apply(g, axes, True)
    if shape is None:
        return g
    return _S.track_view(_S.View.apply(g, shape), g, _S.View)


def keep(x, dims, keepdim):
    """A reduced array with keepdims=True, as the caller asked (drop the size-1 dims unless keepdim)."""
    return x if keepdim or not dims else xp.squeeze(x, dims)


def _float_only(name, a, what="floating point"):
    if not is_float_np(a.dtype):
        raise RuntimeError(f"{name}: Expected a {what} tensor as input. Got {TYPE_NAMES[a.dtype.name]}")


def _acc(a):
    """float16 computes in float32 and rounds once at the end (torch's accumulation type)."""
    return a.astype(np.float32) if _half(a.dtype) else a


def _half(d):
    """float16 or bfloat16 (ml_dtypes' kind 'V'): the types torch computes in float32 and rounds once."""
    return d.itemsize == 2 and (d.kind == "f" or d.kind == "V")


def _sum_dtype(a):
    # torch sums bools and integers in int64; float16 accumulates in float32 and rounds once
    if a.dtype.kind in "biu":
        return np.int64
    if _half(a.dtype):
        return np.float32
    return None


def _cast(input, dtype, fname="sum"):
    return input if dtype is None else input.to(_dtype.parse(dtype, fname))


def _result_as(r, dtype):
    """With ``dtype=`` the result has exactly that dtype (an integer or bool sum is not widened to int64)."""
    if dtype is None or r._data.dtype == _dtype.parse(dtype).np:
        return r
    return r.to(_dtype.parse(dtype))


# ---------------------------------------------------------------------------------------------- sum / mean
class Sum(Function):
    _builtin = True
    _ctx_fields = ("dims", "keepdim", "shape")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        out = xp.add.reduce(a, dims, _sum_dtype(a), None, keepdim)  # (a.sum(), without NumPy's Python wrapper)
        return out.astype(a.dtype) if _half(a.dtype) else out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.expand_as(self)   (after unsqueezing the summed dims)
        return expand_back(grad, ctx.dims, ctx.keepdim, ctx.shape), None, None


class SumDim(Sum):
    _node_name = "SumBackward1"


class Nansum(Function):
    _builtin = True
    _ctx_fields = ("dims", "keepdim")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(a)
        # (bfloat16 summed as float32: NumPy's nansum skips NaNs only in the types it knows as inexact)
        out = xp.nansum(a.astype(np.float32) if a.dtype.kind == "V" else a, axis=dims, keepdims=keepdim,
                        dtype=_sum_dtype(a))
        return out.astype(a.dtype) if _half(a.dtype) else out

    @staticmethod
    def backward(ctx, grad):
        # self: nansum_backward(grad.to(self.scalar_type()), self, dim, keepdim) = grad * self.isnan().logical_not()
        a, = ctx.saved_tensors
        return where(a == a, expand_back(grad, ctx.dims, ctx.keepdim, a.shape), 0.0), None, None


class Mean(Function):
    _builtin = True
    _ctx_fields = ("dims", "keepdim", "shape", "count")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        if not is_float_np(a.dtype):
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {TYPE_NAMES[a.dtype.name]}; pass dtype= or convert the "
                               "input with .float()")
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        ctx.count = count(a.shape, dims)
        if _half(a.dtype):
            return a.mean(axis=dims, keepdims=keepdim, dtype=np.float32).astype(a.dtype)
        if a.size == 0:  # NaN, as torch, without NumPy's empty-slice warning
            return xp.full(xp.sum(xp.zeros(a.shape), axis=dims, keepdims=keepdim).shape, np.nan, a.dtype)
        # the sum divided by the count in the input's own type, as torch's CPU mean (sum, then div_); NumPy's
        # mean divides in float64 and rounds again, through a Python wrapper that costs more than the sum
        return xp.add.reduce(a, dims, None, None, keepdim) / ctx.count

    @staticmethod
    def backward(ctx, grad):
        # self: grad.expand_as(self) / self.numel()   (numel of the reduced dims)
        return expand_back(grad / ctx.count, ctx.dims, ctx.keepdim, ctx.shape), None, None


class MeanDim(Mean):
    _node_name = "MeanBackward1"


def _reduce(op_all, op_dim, input, dim, keepdim):
    if not isinstance(input, _t.Tensor):
        raise TypeError(f"{op_all.__name__.lower()}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if dim is None and not keepdim:
        return op_all.apply(input, _ALL_DIMS[input._data.ndim], False)
    return op_dim.apply(input, axes(dim, input._data.ndim), keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """Sum of all elements, or over ``dim`` (an int or a tuple; negative dims count from the end).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: reduced over ``dim``; integer and bool inputs give int64.

    Example:
        >>> import npgrad
        >>> npgrad.tensor([[1., 2.], [3., 4.]]).sum(0)
        tensor([4., 6.])
    """
    if dim is None and dtype is None and not keepdim and axis is UNSET and keepdims is UNSET \
            and isinstance(input, _t.Tensor):  # the commonest call, x.sum(), straight to the op
        return Sum.apply(input, _ALL_DIMS[input._data.ndim], False)
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("sum", dim, axis, None, keepdim, keepdims)
    return _result_as(_reduce(Sum, SumDim, _cast(input, dtype), dim, keepdim), dtype)


def nansum(input, dim=None, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """``sum`` that treats NaN as zero (and gives it no gradient).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.nansum(torch.tensor([1.0, float('nan'), 3.0]))
        tensor(4.)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("nansum", dim, axis, None, keepdim, keepdims)
    input = _cast(input, dtype, "nansum")
    return _result_as(Nansum.apply(input, axes(dim, input._data.ndim), keepdim), dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """Mean of all elements, or over ``dim``; NaN for an empty tensor.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: floating point, reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1., 2.], [3., 5.]])
        >>> torch.mean(x)
        tensor(2.7500)
        >>> torch.mean(x, dim=0)
        tensor([2.0000, 3.5000])
        >>> torch.mean(x, dim=1, keepdim=True)
        tensor([[1.5000],
                [4.0000]])
    """
    if dim is None and dtype is None and not keepdim and axis is UNSET and keepdims is UNSET \
            and isinstance(input, _t.Tensor):  # the commonest call, x.mean(), straight to the op
        return Mean.apply(input, _ALL_DIMS[input._data.ndim], False)
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("mean", dim, axis, None, keepdim, keepdims)
    return _reduce(Mean, MeanDim, _cast(input, dtype), dim, keepdim)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """Mean of the non-NaN elements (recorded as nansum / count, as torch does).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: floating point, reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> torch.nanmean(torch.tensor([1.0, float('nan'), 3.0]))
        tensor(2.)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("nanmean", dim, axis, None, keepdim, keepdims)
    input = _cast(input, dtype)
    n = sum((input == input), dim, keepdim)
    return nansum(input, dim, keepdim) / n


# ---------------------------------------------------------------------------------------------- prod
def _half_prod(a, dims, keepdim):
    """torch multiplies half elements one after the other, rounding each partial product to half (no float32
    accumulator, unlike sum); ``dims`` is one dim or all of them."""
    if len(dims) == 1:
        out = xp.take(xp.multiply.accumulate(a, axis=dims[0], dtype=np.float16), [-1], axis=dims[0])
        return out if keepdim else xp.squeeze(out, dims[0])
    out = xp.multiply.accumulate(a.reshape(-1), dtype=np.float16)[-1]
    return xp.reshape(out, (1,) * a.ndim if keepdim else ())


class Prod(Function):
    _builtin = True
    _ctx_fields = ("dims", "keepdim")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        if a.dtype == np.float16 and a.size and dims:
            out = _half_prod(a, dims, keepdim)
        else:
            out = xp.prod(a, axis=dims, keepdims=keepdim, dtype=np.int64 if a.dtype.kind in "biu" else None)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: prod_backward(grad, self, result): grad * prod of the *other* elements, zeros handled exactly
        xp = ctx.xp
        a, out = ctx.saved_tensors
        dims, kd = ctx.dims, ctx.keepdim
        g = expand_back(grad, dims, kd, a.shape)
        ad = a._data if isinstance(a, _t.Tensor) else a
        if ad.ndim == 0:  # torch: a 0-d input passes the gradient through (even at NaN and inf)
            return g, None, None
        if not (ad == 0).any():  # the common case: grad * (result / self), rounded in torch's order
            return g * (expand_back(out, dims, kd, a.shape) / a), None, None
        # with zeros: the product of the others, as (product before) * (product after) - no division, and
        # differentiable again (double backward through a zero is exact too)
        from .reduction_scan import exclusive_cumprod
        x, axis = (a, dims[0]) if len(dims) == 1 else (xp.reshape(a, (-1,)), 0)
        others = exclusive_cumprod(x, axis) * xp.flip(exclusive_cumprod(xp.flip(x, axis), axis), axis)
        return g * xp.reshape(others, a.shape), None, None


class ProdDim(Prod):
    _node_name = "ProdBackward1"


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """Product of all elements, or along one ``dim`` (int64 for integer and bool inputs).

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 2], [3, 4]])
        >>> torch.prod(x)
        tensor(24)
        >>> torch.prod(x, dim=0)
        tensor([3, 8])
        >>> torch.prod(torch.tensor([1.5, 2.0]))
        tensor(3.)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("prod", dim, axis, None, keepdim, keepdims)
    input = _cast(input, dtype, "prod")
    nd = input._data.ndim
    if dim is None:
        return _result_as(Prod.apply(input, tuple(range(nd)), False), dtype)
    if not isinstance(dim, int):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    return _result_as(ProdDim.apply(input, axes(dim, nd), keepdim), dtype)


# ---------------------------------------------------------------------------------------------- var / std
def _var_forward(ctx, a, dims, correction, keepdim, full):
    if not is_float_np(a.dtype):
        raise RuntimeError("std and var only support floating point and complex dtypes; convert the input "
                           "with .float() first")
    ctx.dims, ctx.correction, ctx.keepdim, ctx.full = dims, correction, keepdim, full
    x = _acc(a)
    n = count(a.shape, dims)
    mean = x.sum(axis=dims, keepdims=True) / n  # not x.mean: no "empty slice" warning; NaN when empty
    dev = x - mean
    var = (dev * dev).sum(axis=dims, keepdims=True) / builtins.max(n - correction, 0)
    return var.astype(a.dtype, copy=False), mean.astype(a.dtype, copy=False)


def _var_backward(grad, a, dims, correction, keepdim, full):
    # var_backward: (2 / (N - correction)) * grad * (self - self.mean(dim, true));
    # full reduction with N <= correction: grad * where(self == mean, nan, inf)
    xp = xp_of(grad)  # NumPy, or txp on Tensors (create_graph)
    g = grad if keepdim or not dims else xp.expand_dims(grad, dims)
    n = count(a.shape, dims)
    mean = xp.sum(a, axis=dims, keepdims=True) / n
    # an explicit dim=() reduces everything, but torch's backward then counts one element (so, here too)
    dof = (1 if full == "empty" else n) - correction
    if full is True and dof <= 0:
        return g * where(a == mean, np.nan, np.inf)
    return (2.0 / dof if dof else np.inf) * g * (a - mean)


class Var(Function):
    _builtin = True
    _ctx_fields = ("dims", "correction", "keepdim", "full")

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim, full):
        var, _ = _var_forward(ctx, a, dims, correction, keepdim, full)
        ctx.save_for_backward(a)
        return keep(var, dims, keepdim)

    @staticmethod
    def backward(ctx, grad):
        # self: var_backward(grad, self, dim, correction, keepdim)
        a, = ctx.saved_tensors
        return _var_backward(grad, a, ctx.dims, ctx.correction, ctx.keepdim, ctx.full), None, None, None, None


def _std_grad(grad, out):
    # std_backward: var_backward(grad / (result * 2)).masked_fill_(result == 0, 0): a constant has gradient 0
    return where(out == 0, 0.0, grad / (out * 2))


class Std(Function):
    _builtin = True
    _ctx_fields = ("dims", "correction", "keepdim", "full")

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim, full):
        var, _ = _var_forward(ctx, a, dims, correction, keepdim, full)
        out = keep(xp.sqrt(var), dims, keepdim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: std_backward(result, grad, self, dim, correction, keepdim)
        a, out = ctx.saved_tensors
        return (_var_backward(_std_grad(grad, out), a, ctx.dims, ctx.correction, ctx.keepdim, ctx.full),
                None, None, None, None)


class VarMean(Function):
    _builtin = True
    _ctx_fields = ("dims", "correction", "keepdim", "full")

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim, full):
        var, mean = _var_forward(ctx, a, dims, correction, keepdim, full)
        ctx.save_for_backward(a)
        return keep(var, dims, keepdim), keep(mean, dims, keepdim)

    @staticmethod
    def backward(ctx, gvar, gmean):
        # self: var_mean_backward(grads[0], grads[1], self, dim, correction, keepdim)
        a, = ctx.saved_tensors
        dims, kd = ctx.dims, ctx.keepdim
        g = None
        if gvar is not None:
            g = _var_backward(gvar, a, dims, ctx.correction, kd, ctx.full)
        if gmean is not None:
            gm = expand_back(gmean / count(a.shape, dims), dims, kd, a.shape)
            g = gm if g is None else g + gm
        return g, None, None, None, None


class StdMean(Function):
    _builtin = True
    _ctx_fields = ("dims", "correction", "keepdim", "full")

    @staticmethod
    def forward(ctx, a, dims, correction, keepdim, full):
        var, mean = _var_forward(ctx, a, dims, correction, keepdim, full)
        std = keep(xp.sqrt(var), dims, keepdim)
        ctx.save_for_backward(a, std)
        return std, keep(mean, dims, keepdim)

    @staticmethod
    def backward(ctx, gstd, gmean):
        # self: std_mean_backward(grads[0], grads[1], self, result0, dim, correction, keepdim)
        a, std = ctx.saved_tensors
        dims, kd = ctx.dims, ctx.keepdim
        g = None
        if gstd is not None:
            g = _var_backward(_std_grad(gstd, std), a, dims, ctx.correction, kd, ctx.full)
        if gmean is not None:
            gm = expand_back(gmean / count(a.shape, dims), dims, kd, a.shape)
            g = gm if g is None else g + gm
        return g, None, None, None, None


def _var_args(input, dim, unbiased, keepdim, correction):
    """torch's overloads: ``var(x, dim, unbiased, keepdim)``, ``var(x, unbiased)``, ``var(x, dim, correction=)``."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError("var/std: cannot specify both unbiased and correction; use correction only")
    if correction is None:
        correction = 0 if unbiased is False else 1
    nd = input._data.ndim
    full = dim is None or nd == 0 or ("empty" if isinstance(dim, (tuple, list)) and not dim else False)
    return axes(dim, nd), correction, bool(keepdim), full


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=UNSET,
        keepdims=UNSET):
    """Variance over ``dim`` with ``correction`` (Bessel's 1 by default; ``unbiased=False`` means 0).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        unbiased (bool, optional): the older form of ``correction`` (True is 1, False is 0).
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        correction (int, optional): the difference between the sample count and the divisor (1, Bessel's correction,
            by default).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: floating point, reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1., 2., 3.], [2., 2., 2.]])
        >>> torch.var(x)
        tensor(0.4000)
        >>> torch.var(x, dim=1)
        tensor([1., 0.])
        >>> torch.var(x, dim=1, unbiased=False)
        tensor([0.6667, 0.0000])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("var", dim, axis, None, keepdim, keepdims)
    return Var.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=UNSET,
        keepdims=UNSET):
    """Standard deviation; the gradient of a constant slice is 0 (not NaN), as in torch.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        unbiased (bool, optional): the older form of ``correction`` (True is 1, False is 0).
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        correction (int, optional): the difference between the sample count and the divisor (1, Bessel's correction,
            by default).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: floating point, reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1., 2., 3.], [2., 2., 2.]])
        >>> torch.std(x)
        tensor(0.6325)
        >>> torch.std(x, dim=1)
        tensor([1., 0.])
        >>> torch.std(x, dim=1, correction=0)
        tensor([0.8165, 0.0000])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("std", dim, axis, None, keepdim, keepdims)
    return Std.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=UNSET,
             keepdims=UNSET):
    """``(var, mean)`` in one pass, one graph node.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        unbiased (bool, optional): the older form of ``correction`` (True is 1, False is 0).
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        correction (int, optional): the difference between the sample count and the divisor (1, Bessel's correction,
            by default).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.

    Returns:
        tuple of Tensors: ``(var, mean)``.

    Example:
        >>> import npgrad as torch
        >>> var, mean = torch.var_mean(torch.tensor([[1., 2.], [3., 6.]]), dim=0)
        >>> var, mean
        (tensor([2., 8.]), tensor([2., 4.]))
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("var_mean", dim, axis, None, keepdim, keepdims)
    return VarMean.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=UNSET,
             keepdims=UNSET):
    """``(std, mean)`` in one pass, one graph node.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        unbiased (bool, optional): the older form of ``correction`` (True is 1, False is 0).
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        correction (int, optional): the difference between the sample count and the divisor (1, Bessel's correction,
            by default).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.

    Returns:
        tuple of Tensors: ``(std, mean)``.

    Example:
        >>> import npgrad as torch
        >>> std, mean = torch.std_mean(torch.tensor([1., 2., 3., 4.]))
        >>> std, mean
        (tensor(1.2910), tensor(2.5000))
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("std_mean", dim, axis, None, keepdim, keepdims)
    return StdMean.apply(input, *_var_args(input, dim, unbiased, keepdim, correction))


# ---------------------------------------------------------------------------------------------- logsumexp
def _float_math(a):
    if not is_float_np(a.dtype):
        return a.astype(get_default_dtype().np)
    return a


class Logsumexp(Function):
    _builtin = True
    _ctx_fields = ("dims", "keepdim")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        a = _float_math(a)
        ctx.dims, ctx.keepdim = dims, keepdim
        x = _acc(a)
        # shift by the max for stability; an infinite max (all -inf, or a +inf) is not subtracted
        m = xp.max(x, axis=dims, keepdims=True, initial=-np.inf)
        m = xp.where(xp.isfinite(m), m, 0)
        out = keep((xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True)) + m).astype(a.dtype, copy=False),
                   dims, keepdim)
        ctx.save_for_backward(a, out)  # the output itself: under create_graph it carries this node
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: logsumexp_backward(grad, self, result, dim, keepdim) = grad * (self - result).exp()
        xp = ctx.xp
        a, out = ctx.saved_tensors
        if not ctx.keepdim and ctx.dims:
            grad, out = xp.expand_dims(grad, ctx.dims), xp.expand_dims(out, ctx.dims)
        return grad * xp.exp(a - out), None, None


def logsumexp(input, dim=UNSET, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """``log(sum(exp(input), dim))``, computed stably (exact at ``|x|`` up to the float range).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: floating point, reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> torch.logsumexp(torch.tensor([[0.0, 0.0], [1000.0, 1000.0]]), dim=1)
        tensor([6.9315e-01, 1.0007e+03])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("logsumexp", dim, axis, UNSET, keepdim, keepdims)
    if dim is UNSET:
        raise TypeError("logsumexp() missing 1 required positional argument: \"dim\"")
    nd = input._data.ndim
    if input._data.size and nd and isinstance(dim, (tuple, list)) and not dim and not keepdim:
        # torch 2.13 fails here (its result buffer keeps the reduced dims): same error, not a silent answer
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape {[1] * nd}; pass the dims "
                           f"to reduce explicitly")
    return Logsumexp.apply(input, axes(dim, nd), keepdim)


# ---------------------------------------------------------------------------------------------- norm
def all(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """True where every element (over ``dim``) is nonzero; uint8 inputs give uint8, as in torch.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: bool (uint8 for a uint8 input), reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[True, False], [True, True]])
        >>> torch.all(x)
        tensor(False)
        >>> torch.all(x, dim=1)
        tensor([False,  True])
        >>> torch.all(torch.tensor([1, 2, 3]))
        tensor(True)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("all", dim, axis, None, keepdim, keepdims)
    a = input._data
    r = xp.all(a, axis=axes(dim, a.ndim, empty_means_all=False), keepdims=keepdim)
    return _t.make(xp.asarray(r, np.uint8 if a.dtype == np.uint8 else np.bool_))


def any(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """True where some element (over ``dim``) is nonzero; uint8 inputs give uint8, as in torch.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: bool (uint8 for a uint8 input), reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[True, False], [False, False]])
        >>> torch.any(x)
        tensor(True)
        >>> torch.any(x, dim=1)
        tensor([ True, False])
        >>> torch.any(torch.tensor([0.0, 0.0]))
        tensor(False)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("any", dim, axis, None, keepdim, keepdims)
    a = input._data
    r = xp.any(a, axis=axes(dim, a.ndim, empty_means_all=False), keepdims=keepdim)
    return _t.make(xp.asarray(r, np.uint8 if a.dtype == np.uint8 else np.bool_))


def count_nonzero(input, dim=None, *, axis=UNSET):
    """Number of nonzero elements, in all or over ``dim`` (int64).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).

    Returns:
        Tensor: int64 counts.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[0, 1, 2], [0, 0, 3]])
        >>> torch.count_nonzero(x)
        tensor(3)
        >>> torch.count_nonzero(x, dim=0)
        tensor([0, 1, 2])
    """
    if axis is not UNSET:
        dim = np_alias("count_nonzero", dim, axis)[0]
    a = input._data
    return _t.make(xp.asarray(xp.count_nonzero(a, axis=axes(dim, a.ndim)), np.int64))


# ---------------------------------------------------------------------------------------------- softmax
def _softmax_input(input, dim, dtype, name):
    if dtype is not None:
        input = input.to(_dtype.parse(dtype, name))
    a = input._data
    if not is_float_np(a.dtype):
        refuse(f"{name}_lastdim_kernel_impl", a.dtype)
    if dim is None:
        raise TypeError(f"{name}() missing 1 required positional argument: \"dim\"")
    d = norm_dim(dim, a.ndim)
    return input, d if a.ndim else None


def _rowmax(x, dim):
    """``x.max(dim, keepdim=True)``; -inf along an empty dim. Along a short last dim of many rows (class scores:
    (64, 10)), NumPy's reduce runs row by row (~4-27 µs for 64 rows of 10, ~150 µs for 512); the rows of a
    transposed copy reduce elementwise instead (~1.5 µs, ~3 µs). The maximum is the same either way (NaN
    propagates alike; which of +0.0/-0.0 a row of zeros keeps may differ, which ``x - max`` cannot show after
    the log-sum-exp)."""
    n = x.shape[-1]
    if dim == x.ndim - 1 and 2 <= n <= 64 and x.size >= 16 * n:
        t = xp.ascontiguousarray(x.reshape(-1, n).T)
        return xp.maximum.reduce(t, axis=0).reshape(x.shape[:-1] + (1,))
    return xp.maximum.reduce(x, axis=dim, keepdims=True, initial=-np.inf)


class Softmax(Function):
    _builtin = True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        if dim is None:  # 0-d: one element, probability 1 (NaN for NaN and inf, as exp(x - x) in torch)
            out = xp.exp(a - a)
        else:
            x = _acc(a)
            e = xp.exp(x - _rowmax(x, dim))
            e /= xp.add.reduce(e, axis=dim, keepdims=True)
            out = e.astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: _softmax_backward_data(grad, result, dim, self.scalar_type())
        #       = result * (grad - (grad * result).sum(dim, true))
        out, = ctx.saved_tensors
        if ctx.dim is not None and type(grad) is np.ndarray and not _half(grad.dtype):
            r = grad * out  # the same arithmetic, reusing its temporaries
            r = xp.subtract(grad, xp.add.reduce(r, axis=ctx.dim, keepdims=True), out=r)
            r *= out
            return r, None
        xp_ = ctx.xp
        if ctx.dim is None:
            return out * (grad - grad * out), None
        if type(grad) is np.ndarray:  # half: torch computes in float32, rounds once
            o, g = out.astype(np.float32), grad.astype(np.float32)
            return (o * (g - xp_.sum(g * o, axis=ctx.dim, keepdims=True))).astype(grad.dtype), None
        return out * (grad - xp_.sum(grad * out, axis=ctx.dim, keepdims=True)), None


class LogSoftmax(Function):
    _builtin = True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        if dim is None:
            out = a - a  # 0-d: x - logsumexp(x), NaN for NaN and inf as in torch
        else:
            x = _acc(a)
            shifted = x - _rowmax(x, dim)
            lse = xp.add.reduce(xp.exp(shifted), axis=dim, keepdims=True)
            xp.log(lse, out=lse)
            if a.dtype.kind == "V":   # bfloat16: torch's kernel rounds log(sum) to bfloat16 before subtracting
                lse = lse.astype(a.dtype).astype(np.float32)
            shifted -= lse
            out = shifted.astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: _log_softmax_backward_data(grad, result, dim, self.scalar_type())
        #       = grad - result.exp() * grad.sum(dim, true)
        out, = ctx.saved_tensors
        if ctx.dim is not None and type(grad) is np.ndarray and not _half(grad.dtype):
            r = xp.exp(out)  # the same arithmetic in one new array
            r *= xp.add.reduce(grad, axis=ctx.dim, keepdims=True)
            return xp.subtract(grad, r, out=r), None
        xp_ = ctx.xp
        if ctx.dim is None:
            return grad - xp_.exp(out) * grad, None
        if type(grad) is np.ndarray:  # half: torch computes in float32, rounds once
            g = grad.astype(np.float32)
            res = g - xp_.exp(out.astype(np.float32)) * xp_.sum(g, axis=ctx.dim, keepdims=True)
            return res.astype(grad.dtype), None
        return grad - xp_.exp(out) * xp_.sum(grad, axis=ctx.dim, keepdims=True), None


def softmax(input, dim=None, dtype=None, *, _stacklevel=None, axis=UNSET):
    """``exp(x) / sum(exp(x), dim)``, computed stably; ``dtype`` casts the input first.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim the probabilities sum to 1 along.
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape, floating point.

    Example:
        >>> import npgrad as torch
        >>> torch.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
        tensor([0.0900, 0.2447, 0.6652])
        >>> torch.softmax(torch.tensor([[1.0, 1.0], [0.0, 1000.0]]), dim=1)
        tensor([[0.5000, 0.5000],
                [0.0000, 1.0000]])
    """
    if axis is not UNSET:
        dim = np_alias("softmax", dim, axis)[0]
    input, d = _softmax_input(input, dim, dtype, "softmax")
    return Softmax.apply(input, d)


def log_softmax(input, dim=None, dtype=None, *, _stacklevel=None, axis=UNSET):
    """``x - logsumexp(x, dim)``, computed stably; ``dtype`` casts the input first.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to normalize along.
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape, floating point.

    Example:
        >>> import npgrad as torch
        >>> torch.log_softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
        tensor([-2.4076, -1.4076, -0.4076])
    """
    if axis is not UNSET:
        dim = np_alias("log_softmax", dim, axis)[0]
    input, d = _softmax_input(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, d)


_METHODS = [("sum", sum), ("nansum", nansum), ("mean", mean), ("nanmean", nanmean), ("prod", prod),
            ("var", var), ("std", std), ("logsumexp", logsumexp), ("all", all), ("any", any),
            ("count_nonzero", count_nonzero), ("softmax", softmax), ("log_softmax", log_softmax)]
