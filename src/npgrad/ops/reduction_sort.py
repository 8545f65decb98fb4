"""Selection reductions: max/min (full, over a dim, or elementwise against a tensor), amax/amin, argmax/argmin,
median/nanmedian, mode, kthvalue, topk, sort/argsort/msort.

Gradients follow torch's tie rules: ``max()``, ``min()``, ``median()``, ``amax``, ``amin`` split the gradient
evenly among tied elements (a NaN result sends it to the NaN elements; ``amax``/``amin`` give NaN there);
the ``dim`` forms return ``(values, indices)`` and send each gradient to the returned index only.
"""
import sys

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, dispatch
from .._shape import norm_dim, UNSET, np_alias
from .. import _tensor as _t
from . import return_types
from .pointwise import maximum, minimum, where, refuse
from .reduction import axes, expand_back, keep
from .scatter import GatherAccum

__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "median", "nanmedian", "mode", "kthvalue",
           "topk", "sort", "argsort", "msort", "return_types"]

sys.modules.setdefault("npgrad.return_types", return_types)  # so pickle finds npgrad.return_types.max


def _arr(x):
    """The ndarray behind a saved value (a Tensor under create_graph): masks are constants of the data."""
    return x._data if isinstance(x, _t.Tensor) else x


def _one_hot(idx, dim, shape):
    """Boolean mask of ``shape`` that is True at ``idx`` (keepdim-shaped) along ``dim``."""
    n = shape[dim]
    pos = xp.arange(n).reshape((-1,) + (1,) * (len(shape) - dim - 1))
    return pos == idx


class _Evenly(Function):
    """Full max/min/median: a value chosen from the input; its gradient is split evenly among the elements
    equal to it (or among the NaN elements when it is NaN)."""
    _builtin = True

    @staticmethod
    def backward(ctx, grad):
        # self: evenly_distribute_backward(grad, self, result)
        a, out = ctx.saved_tensors
        ad, od = _arr(a), _arr(out)
        mask = (ad == od) | (xp.isnan(ad) & xp.isnan(od)) if is_float_np(ad.dtype) else ad == od
        return where(mask, grad / int(mask.sum()), 0.0)


def _evenly_op(name, node, pick):
    def forward(ctx, a):
        out = xp.asarray(pick(a))
        ctx.save_for_backward(a, out)
        return out
    return type(name, (_Evenly,), {"forward": staticmethod(forward), "_node_name": node, "__module__": __name__})


def _lower_median(a):
    if a.size == 0:
        return xp.asarray(np.nan, a.dtype)
    if is_float_np(a.dtype) and xp.isnan(a).any():
        return xp.asarray(np.nan, a.dtype)
    return xp.partition(a.reshape(-1), (a.size - 1) // 2)[(a.size - 1) // 2]


def _lower_nanmedian(a):
    v = a.reshape(-1)
    v = v[~xp.isnan(v)] if is_float_np(a.dtype) else v
    return _lower_median(v) if v.size else xp.asarray(np.nan, a.dtype)


MaxAll = _evenly_op("MaxAll", "MaxBackward1", xp.max)
MinAll = _evenly_op("MinAll", "MinBackward1", xp.min)
MedianAll = _evenly_op("MedianAll", "MedianBackward0", _lower_median)
NanmedianAll = _evenly_op("NanmedianAll", "NanmedianBackward0", _lower_nanmedian)


class _Select(Function):
    """``(values, indices)`` along one dim (max, min, median, kthvalue, mode): each value's gradient goes to
    the element at its index."""
    _builtin = True
    _nondiff_out = (1,)
    _ctx_fields = ("idx", "dim", "keepdim", "shape")

    @staticmethod
    def backward(ctx, grad, _gidx=None):
        # self: value_selecting_reduction_backward(grad, dim, indices, self.sizes(), keepdim)
        xp = ctx.xp
        if ctx.dim is None:  # 0-d input
            return grad, None, None, None
        g = grad if ctx.keepdim else xp.expand_dims(grad, ctx.dim)
        return where(_one_hot(ctx.idx, ctx.dim, ctx.shape), g, 0.0), None, None, None


def _select_op(name, node, index_fn):
    """A ``_Select`` whose forward finds the index with ``index_fn(a, dim)`` (keepdim-shaped int64)."""
    def forward(ctx, a, dim, keepdim, *extra):
        ctx.dim, ctx.keepdim, ctx.shape = dim, keepdim, a.shape
        if dim is None:
            ctx.idx = None
            return a.copy(), xp.zeros((), np.int64)
        idx = index_fn(a, dim, *extra).astype(np.int64, copy=False)
        ctx.idx = idx
        values = xp.take_along_axis(a, idx, dim)
        return keep(values, (dim,), keepdim), keep(idx, (dim,), keepdim)
    return type(name, (_Select,), {"forward": staticmethod(forward), "_node_name": node, "__module__": __name__})


def _median_index(a, dim, skip_nan=False):
    order = xp.argsort(a, axis=dim, kind="stable")  # NaN sorts last
    n = a.shape[dim]
    if not is_float_np(a.dtype):
        return xp.take(order, [(n - 1) // 2], axis=dim)
    nans = xp.isnan(a).sum(axis=dim, keepdims=True)
    if skip_nan:  # the lower median of the non-NaN values; an all-NaN slice gives its first NaN
        pos = xp.maximum(n - nans - 1, 0) // 2
    else:  # any NaN makes the median NaN: point at the first NaN
        pos = xp.where(nans > 0, n - nans, (n - 1) // 2)
    return xp.take_along_axis(order, pos, dim)


def _mode_index(a, dim):
    """Most frequent value (the smallest on a tie in frequency), at its last occurrence."""
    moved = xp.moveaxis(a, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = xp.empty(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        vals, counts = xp.unique(row, return_counts=True)
        v = vals[xp.argmax(counts)]
        out[r] = row.size - 1 - xp.argmax((row == v)[::-1])
    return xp.expand_dims(out.reshape(moved.shape[:-1]), dim)  # the other axes kept their order


def _kth_index(a, dim, k):
    order = xp.argsort(a, axis=dim, kind="stable")
    return xp.take(order, [k - 1], axis=dim)


MaxDim = _select_op("MaxDim", "MaxBackward0", lambda a, d: xp.expand_dims(xp.argmax(a, axis=d), d))
MinDim = _select_op("MinDim", "MinBackward0", lambda a, d: xp.expand_dims(xp.argmin(a, axis=d), d))
MedianDim = _select_op("MedianDim", "MedianBackward1", _median_index)
NanmedianDim = _select_op("NanmedianDim", "NanmedianBackward1", lambda a, d: _median_index(a, d, True))
ModeDim = _select_op("ModeDim", "ModeBackward0", _mode_index)
KthvalueDim = _select_op("KthvalueDim", "KthvalueBackward0", _kth_index)


class _Amax(Function):
    """amax/amin over dims: ties split the gradient evenly; a NaN slice gets NaN gradients (count 0)."""
    _builtin = True
    _ctx_fields = ("dims", "keepdim")

    @staticmethod
    def backward(ctx, grad):
        # self: scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim),
        #                           restore_reduced_dims(result, dim, keepdim) == self, dim)
        a, out = ctx.saved_tensors
        dims, kd = ctx.dims, ctx.keepdim
        mask = _arr(a) == expand_back(_arr(out), dims, kd, a.shape)
        g = expand_back(grad, dims, kd, a.shape)
        counts = mask.sum(axis=dims, keepdims=True).astype(_arr(a).dtype)
        return g / counts * mask, None, None


def _amax_op(name, np_fn):
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        out = np_fn(a, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(a, out)
        return out
    return type(name, (_Amax,), {"forward": staticmethod(forward), "__module__": __name__})


Amax = _amax_op("Amax", xp.max)
Amin = _amax_op("Amin", xp.min)


class Aminmax(Function):
    """``(min, max)`` over dims in one node, as torch records it; each gradient is split evenly among the
    elements tied at its value (as amin/amax)."""
    _builtin = True
    _ctx_fields = ("dims", "keepdim")

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        lo, hi = xp.min(a, axis=dims, keepdims=keepdim), xp.max(a, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(a, lo, hi)
        return lo, hi

    @staticmethod
    def backward(ctx, grad_min, grad_max):
        # self: amin's formula for grad_min + amax's formula for grad_max (scale_grad_by_count each)
        a, lo, hi = ctx.saved_tensors
        dims, kd = ctx.dims, ctx.keepdim
        total = None
        for g, r in ((grad_min, lo), (grad_max, hi)):
            if g is None:
                continue
            mask = _arr(a) == expand_back(_arr(r), dims, kd, a.shape)
            counts = mask.sum(axis=dims, keepdims=True).astype(_arr(a).dtype)
            part = expand_back(g, dims, kd, a.shape) / counts * mask
            total = part if total is None else total + part
        return total, None, None


def _sort_indices(a, dim, descending):
    """Stable sort order along ``dim``; NaN counts as the largest value (last ascending, first descending)."""
    if not descending:
        return xp.argsort(a, axis=dim, kind="stable")
    # sort the reversed array ascending and reverse back: descending, with ties kept in their original order
    n = a.shape[dim]
    rev = xp.argsort(xp.flip(a, dim), axis=dim, kind="stable")
    return (n - 1) - xp.flip(rev, dim)


class Sort(Function):
    """``(values, indices)`` of a sort (or the first ``k`` of one: topk); gradients scatter back."""
    _builtin = True
    _nondiff_out = (1,)
    _ctx_fields = ("idx", "dim", "shape")

    @staticmethod
    def forward(ctx, a, dim, descending, k):
        ctx.dim, ctx.shape = dim, a.shape
        if dim is None:  # 0-d
            ctx.idx = None
            return a.copy(), xp.zeros((), np.int64)
        idx = _sort_indices(a, dim, descending)
        if k is not None:
            idx = xp.take(idx, xp.arange(k), axis=dim)
        ctx.idx = idx
        return xp.take_along_axis(a, idx, dim), idx

    @staticmethod
    def backward(ctx, grad, _gidx=None):
        # self: value_selecting_reduction_backward(grad, dim, indices, self.sizes(), true)
        if ctx.dim is None:
            return grad, None, None, None
        return dispatch(GatherAccum, grad, ctx.shape, ctx.dim, ctx.idx), None, None, None


class SortStable(Sort):
    _node_name = "SortBackward1"  # torch's ``sort(input, *, stable, ...)`` overload


class Topk(Sort):
    pass


# ---------------------------------------------------------------------------------------------- functions
def _reduce_dim(name, input, dim):
    """Normalise one reduction dim; torch's IndexError when that dim is empty. None for a 0-d input."""
    a = input._data
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    d = norm_dim(dim, a.ndim)
    if a.ndim == 0:
        return None
    if a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return d


def _no_bool(name, a):
    if a.dtype == np.bool_:
        refuse(name, a.dtype)


def _full_reduction_check(name, input):
    if input._data.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           f"reduction dim with the 'dim' argument.")


def max(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """``max(input)``: the largest element (gradient split among ties); ``max(input, dim, keepdim)``:
    ``(values, indices)`` with the first index of each maximum; ``max(input, other)``: ``maximum``.

    Args:
        input (Tensor): the input tensor.
        dim (int or Tensor, optional): the dim to reduce, giving ``(values, indices)``; a Tensor here means
            ``maximum(input, other)``.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor (the largest element) or ``(values, indices)`` with ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 7], [5, 3]])
        >>> torch.max(x)
        tensor(7)
        >>> values, indices = torch.max(x, dim=1)
        >>> values, indices
        (tensor([7, 5]), tensor([1, 0]))
        >>> torch.max(x, torch.tensor([4, 4]))
        tensor([[4, 7],
                [5, 4]])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("max", dim, axis, None, keepdim, keepdims)
        if isinstance(axis, _t.Tensor):
            raise TypeError("max(): 'axis' must be an int (the other tensor of max(input, other) has no alias)")
    if isinstance(dim, _t.Tensor):
        return maximum(input, dim)
    if dim is None:
        _full_reduction_check("max", input)
        return MaxAll.apply(input)
    return return_types.max(*MaxDim.apply(input, _reduce_dim("max", input, dim), keepdim))


def min(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """``min(input)``, ``min(input, dim, keepdim)`` -> ``(values, indices)``, or ``minimum(input, other)``.

    Args:
        input (Tensor): the input tensor.
        dim (int or Tensor, optional): the dim to reduce, giving ``(values, indices)``; a Tensor here means
            ``minimum(input, other)``.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor (the smallest element) or ``(values, indices)`` with ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 7], [5, 3]])
        >>> torch.min(x)
        tensor(1)
        >>> values, indices = torch.min(x, dim=0)
        >>> values, indices
        (tensor([1, 3]), tensor([0, 1]))
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("min", dim, axis, None, keepdim, keepdims)
        if isinstance(axis, _t.Tensor):
            raise TypeError("min(): 'axis' must be an int (the other tensor of min(input, other) has no alias)")
    if isinstance(dim, _t.Tensor):
        return minimum(input, dim)
    if dim is None:
        _full_reduction_check("min", input)
        return MinAll.apply(input)
    return return_types.min(*MinDim.apply(input, _reduce_dim("min", input, dim), keepdim))


_NO_DIMS = ()  # amax/amin's default: every dim


def _amax_dims(name, input, dim):
    a = input._data
    dims = axes(dim, a.ndim)
    if a.size == 0:
        if dim is None or isinstance(dim, (tuple, list)) and len(dim) == 0:
            _full_reduction_check(name, input)
        for d in dims:
            if a.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return dims


def amax(input, dim=_NO_DIMS, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """Largest value over ``dim`` (all dims by default); ties share the gradient evenly.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s dtype, reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 5], [7, 3]])
        >>> torch.amax(x)
        tensor(7)
        >>> torch.amax(x, dim=0)
        tensor([7, 5])
        >>> torch.amax(x, dim=1, keepdim=True)
        tensor([[5],
                [7]])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("amax", dim, axis, _NO_DIMS, keepdim, keepdims)
    return Amax.apply(input, _amax_dims("amax", input, dim), keepdim)


def amin(input, dim=_NO_DIMS, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """Smallest value over ``dim`` (all dims by default); ties share the gradient evenly.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dim(s) to reduce; all of them when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s dtype, reduced over ``dim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 5], [7, 3]])
        >>> torch.amin(x)
        tensor(1)
        >>> torch.amin(x, dim=0)
        tensor([1, 3])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("amin", dim, axis, _NO_DIMS, keepdim, keepdims)
    return Amin.apply(input, _amax_dims("amin", input, dim), keepdim)


def aminmax(input, *, dim=None, keepdim=False, axis=UNSET, keepdims=UNSET):
    """``(min, max)`` over ``dim`` (or everything).

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to reduce; without it the whole tensor.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(min, max)``.

    Example:
        >>> import npgrad as torch
        >>> mn, mx = torch.aminmax(torch.tensor([[1, 5], [7, 3]]))
        >>> mn, mx
        (tensor(1), tensor(7))
        >>> torch.aminmax(torch.tensor([[1, 5], [7, 3]]), dim=1).max
        tensor([5, 7])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("aminmax", dim, axis, None, keepdim, keepdims)
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"aminmax(): argument 'dim' must be int, not {type(dim).__name__}")
    dims = _amax_dims("aminmax", input, () if dim is None else dim)
    return return_types.aminmax(*Aminmax.apply(input, dims, keepdim))


def _arg(name, np_fn, input, dim, keepdim):
    a = input._data
    _no_bool(f"{name}_cpu", a)
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = xp.asarray(np_fn(a.reshape(-1)), np.int64)
        return _t.make(r.reshape((1,) * a.ndim) if keepdim else r)
    d = _reduce_dim(name, input, dim)
    if d is None:
        return _t.make(xp.zeros((), np.int64))
    return _t.make(xp.asarray(np_fn(a, axis=d, keepdims=keepdim), np.int64))


def argmax(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """Index of the (first) largest element, flat or along ``dim``; NaN counts as the largest.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to reduce; without it the whole tensor.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: int64 indices (into the flattened tensor when ``dim`` is None).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 9, 3], [7, 2, 7]])
        >>> torch.argmax(x)
        tensor(1)
        >>> torch.argmax(x, dim=1)
        tensor([1, 0])
        >>> torch.argmax(x, dim=0, keepdim=True)
        tensor([[1, 0, 1]])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("argmax", dim, axis, None, keepdim, keepdims)
    return _arg("argmax", xp.argmax, input, dim, keepdim)


def argmin(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """Index of the (first) smallest element, flat or along ``dim``; NaN counts as the smallest.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to reduce; without it the whole tensor.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: int64 indices (into the flattened tensor when ``dim`` is None).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 9, 3], [0, 2, 7]])
        >>> torch.argmin(x)
        tensor(3)
        >>> torch.argmin(x, dim=1)
        tensor([0, 0])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("argmin", dim, axis, None, keepdim, keepdims)
    return _arg("argmin", xp.argmin, input, dim, keepdim)


def median(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """Lower median (the smaller middle value for an even count), NaN if any element is NaN.
    With ``dim``: ``(values, indices)``.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to reduce; without it the whole tensor.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor, or ``(values, indices)`` when ``dim`` is given.

    Example:
        >>> import npgrad as torch
        >>> torch.median(torch.tensor([4., 1., 3., 2.]))
        tensor(2.)
        >>> values, indices = torch.median(torch.tensor([[4., 1., 3.], [0., 9., 5.]]), dim=1)
        >>> values, indices
        (tensor([3., 5.]), tensor([2, 2]))
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("median", dim, axis, None, keepdim, keepdims)
    if dim is None:
        return MedianAll.apply(input)
    return return_types.median(*MedianDim.apply(input, _reduce_dim("median", input, dim), keepdim))


def nanmedian(input, dim=None, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """``median`` of the non-NaN elements (NaN only when all are NaN).

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to reduce; without it the whole tensor.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor, or ``(values, indices)`` when ``dim`` is given.

    Example:
        >>> import npgrad as torch
        >>> torch.nanmedian(torch.tensor([1.0, float('nan'), 3.0, 2.0]))
        tensor(2.)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("nanmedian", dim, axis, None, keepdim, keepdims)
    if dim is None:
        return NanmedianAll.apply(input)
    return return_types.nanmedian(*NanmedianDim.apply(input, _reduce_dim("nanmedian", input, dim), keepdim))


def mode(input, dim=-1, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """``(values, indices)``: the most frequent value along ``dim`` (smallest on a tie), at its last index.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to search along (default -1, the last).
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(values, indices)``; ``indices`` are int64 positions along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> values, indices = torch.mode(torch.tensor([[1, 2, 2, 3], [4, 4, 5, 5]]))
        >>> values
        tensor([2, 4])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("mode", dim, axis, -1, keepdim, keepdims)
    return return_types.mode(*ModeDim.apply(input, _reduce_dim("mode", input, dim), keepdim))


def kthvalue(input, k, dim=-1, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    """``(values, indices)``: the ``k``-th smallest element along ``dim`` (1-based).

    Args:
        input (Tensor): the input tensor.
        k (int): how many elements (or which one, 1-based, for ``kthvalue``).
        dim (int, optional): the dim to search along (default -1, the last).
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(values, indices)``; ``indices`` are int64 positions along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> values, indices = torch.kthvalue(torch.tensor([[3., 1., 2.], [6., 5., 4.]]), 2)
        >>> values
        tensor([2., 5.])
        >>> indices
        tensor([2, 1])
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("kthvalue", dim, axis, -1, keepdim, keepdims)
    d = _reduce_dim("kthvalue", input, dim)
    n = 1 if d is None else input._data.shape[d]
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {0 if d is None else d}")
    return return_types.kthvalue(*KthvalueDim.apply(input, d, keepdim, k))


def topk(input, k, dim=-1, largest=True, sorted=True, *, axis=UNSET):
    """``(values, indices)`` of the ``k`` largest (or smallest) elements along ``dim``, in sorted order.

    Args:
        input (Tensor): the input tensor.
        k (int): how many elements (or which one, 1-based, for ``kthvalue``).
        dim (int, optional): the dim to search along (default -1, the last).
        largest (bool, optional): the largest (True, default) or the smallest elements.
        sorted (bool, optional): return them in sorted order (default True).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(values, indices)``; ``indices`` are int64 positions along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> values, indices = torch.topk(torch.tensor([1, 7, 3, 9, 5]), 2)
        >>> values, indices
        (tensor([9, 7]), tensor([3, 1]))
        >>> torch.topk(torch.tensor([1, 7, 3, 9, 5]), 2, largest=False).values
        tensor([1, 3])
    """
    if axis is not UNSET:
        dim = np_alias("topk", dim, axis, -1)[0]
    a = input._data
    d = norm_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    return return_types.topk(*Topk.apply(input, d if a.ndim else None, largest, k))


def sort(input, dim=-1, descending=False, stable=None, *, axis=UNSET):
    """``(values, indices)`` sorted along ``dim``; ties keep their order; NaN sorts as the largest value.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to sort along (default -1, the last).
        descending (bool, optional): sort from largest to smallest (default False).
        stable (bool, optional): keep the order of equal elements (npgrad's sort always does).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(values, indices)``; ``indices`` are int64 positions along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> values, indices = torch.sort(torch.tensor([[3, 1, 2], [0, 5, 4]]))
        >>> values
        tensor([[1, 2, 3],
                [0, 4, 5]])
        >>> indices
        tensor([[1, 2, 0],
                [0, 2, 1]])
        >>> torch.sort(torch.tensor([3, 1, 2]), descending=True).values
        tensor([3, 2, 1])
    """
    if axis is not UNSET:
        dim = np_alias("sort", dim, axis, -1)[0]
    a = input._data
    d = norm_dim(dim, a.ndim)
    op = Sort if stable is None else SortStable
    return return_types.sort(*op.apply(input, d if a.ndim else None, descending, None))


def argsort(input, dim=-1, descending=False, stable=False, *, axis=UNSET):
    """Indices that sort ``input`` along ``dim`` (see ``sort``).

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to sort along (default -1, the last).
        descending (bool, optional): sort from largest to smallest (default False).
        stable (bool, optional): keep the order of equal elements (npgrad's sort always does).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: int64 indices, ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[3, 1, 2], [0, 5, 4]])
        >>> torch.argsort(x)
        tensor([[1, 2, 0],
                [0, 2, 1]])
        >>> torch.argsort(x, dim=0, descending=True)
        tensor([[0, 1, 1],
                [1, 0, 0]])
    """
    if axis is not UNSET:
        dim = np_alias("argsort", dim, axis, -1)[0]
    a = input._data
    d = norm_dim(dim, a.ndim)
    if a.ndim == 0:
        return _t.make(xp.zeros((), np.int64))
    return _t.make(_sort_indices(a, d, descending).astype(np.int64, copy=False))


def msort(input):
    """``sort(input, dim=0).values``.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.msort(torch.tensor([[3, 1], [1, 2], [2, 0]]))
        tensor([[1, 0],
                [2, 1],
                [3, 2]])
    """
    return sort(input, 0).values


_METHODS = [("max", max), ("min", min), ("amax", amax), ("amin", amin), ("aminmax", aminmax),
            ("argmax", argmax), ("argmin", argmin), ("median", median), ("nanmedian", nanmedian),
            ("mode", mode), ("kthvalue", kthvalue), ("topk", topk), ("sort", sort), ("argsort", argsort),
            ("msort", msort)]
