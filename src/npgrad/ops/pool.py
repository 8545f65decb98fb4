"""Pooling: max/avg (1-3 spatial dims, padding, dilation, ceil_mode), adaptive avg/max, max_unpool, lp_pool.

Window ops run over strided views of the (padded) input, one per kernel offset, so no patch matrix is copied.
Max pooling's gradient goes to each window's first maximum (``WindowScatter``); indices are only built when
asked for. Index-based ops (adaptive max pooling, max_unpool, embedding) scatter with ``ScatterFlat``. Each
scatter's derivative is the matching gather and vice versa, so double backward works. Adaptive average
pooling is separable: one averaging matrix per spatial dim (``Separable``), which also serves interpolation
and the non-constant pads.
"""
import functools
import itertools
import math

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd import function as _function  # [autocast] (its _extras count)
from ..autograd.function import Function, dispatch
from .. import _tensor as _t
import npgrad as ng   # public ops, looked up at call time

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "avg_pool1d",
           "adaptive_avg_pool1d", "adaptive_max_pool1d"]


# ---------------------------------------------------------------------------------------------- scatter / gather
class ScatterFlat(Function):
    """``out.view(-1)[index] += src`` into zeros of ``shape`` (index: flat positions, same shape as src)."""
    _builtin = True
    _node_name = "ScatterAddBackward0"
    _ctx_fields = ("index", "unique")

    @staticmethod
    def forward(ctx, src, index, shape, unique=False):
        ctx.index, ctx.unique = index, unique
        size = math.prod(shape)
        if unique:   # no two sources share a position (non-overlapping windows): plain assignment
            out = xp.zeros(size, src.dtype)
            out[index.ravel()] = src.ravel()
        else:
            out = xp.bincount(index.ravel(), weights=src.ravel(), minlength=size).astype(src.dtype, copy=False)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        # src: grad.view(-1).gather(index)
        return dispatch(GatherFlat, grad, ctx.index), None, None, None


class GatherFlat(Function):
    """``x.view(-1)[index]``."""
    _builtin = True
    _node_name = "GatherBackward0"
    _ctx_fields = ("index", "shape")

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.shape = index, x.shape
        return x.reshape(-1)[index]

    @staticmethod
    def backward(ctx, grad):
        # self: zeros(self.sizes()).view(-1).index_add_(index, grad)
        return dispatch(ScatterFlat, grad, ctx.index, ctx.shape), None


def _batch(x, nd):
    """An unbatched (C, *spatial) array as a batch of one (a view); batched arrays unchanged."""
    return x[None] if x.ndim == nd + 1 else x


def _global_index(idx, spatial):
    """Per-plane flat indices (N, C, *O) -> flat positions in the whole (N, C, *spatial) input."""
    planes = math.prod(idx.shape[:2])
    base = (xp.arange(planes, dtype=np.int64) * math.prod(spatial)).reshape(idx.shape[:2] + (1,) * (idx.ndim - 2))
    return idx + base


# ---------------------------------------------------------------------------------------------- max pooling
def _pool_out(S, K, stride, pad, dil, ceil):
    out = []
    for s, k, st, p, d in zip(S, K, stride, pad, dil):
        span = s + 2 * p - d * (k - 1) - 1
        o = (span + (st - 1 if ceil else 0)) // st + 1
        if ceil and (o - 1) * st >= s + p:   # the last window must start inside the input or left padding
            o -= 1
        out.append(o)
    return tuple(out)


def _offset_views(xpad, K, stride, dil, O):
    """For each kernel offset: (offset tuple, strided view (N, C, *O) of the padded input at that offset)."""
    return [(k, xpad[idx]) for k, idx in _offset_index(tuple(K), tuple(stride), tuple(dil), tuple(O))]


@functools.lru_cache(maxsize=256)
def _offset_index(K, stride, dil, O):
    return tuple((k, (slice(None), slice(None)) + tuple(
        slice(k[i] * dil[i], k[i] * dil[i] + stride[i] * (O[i] - 1) + 1, stride[i]) for i in range(len(K))))
        for k in itertools.product(*map(range, K)))


def _pad_to(x, pad, O, K, stride, dil, fill):
    """Pad each spatial dim by ``pad`` on the left and as much as the last window needs on the right."""
    S = x.shape[2:]
    hi = [max(0, (o - 1) * st + d * (k - 1) + 1 - (s + p)) for s, p, o, k, st, d in zip(S, pad, O, K, stride, dil)]
    if not any(pad) and not any(hi):
        return xp.ascontiguousarray(x)
    xpad = xp.full(x.shape[:2] + tuple(s + p + h for s, p, h in zip(S, pad, hi)), fill, x.dtype)
    xpad[(slice(None), slice(None)) + tuple(slice(p, p + s) for s, p in zip(S, pad))] = x
    return xpad


def _window_max(xb, geo):
    """Max over each window: one elementwise maximum per kernel offset over strided views (no patch copy)."""
    K, stride, pad, dil, O = geo
    fill = -np.inf if is_float_np(xb.dtype) else np.iinfo(xb.dtype).min
    views = [v for _, v in _offset_views(_pad_to(xb, pad, O, K, stride, dil, fill), K, stride, dil, O)]
    best = views[0].copy()
    for v in views[1:]:
        xp.maximum(best, v, out=best)   # propagates NaN
    return best, views


def _first_max_masks(views, best, geo, xb):
    """Per kernel offset, where that offset holds its window's first maximum (a NaN counts as the maximum;
    padding never does, even when the window's maximum is -inf)."""
    nan = is_float_np(best.dtype) and xp.isnan(best).any()
    K, stride, pad, dil, O = geo
    valid = None
    if any(pad) and is_float_np(best.dtype) and xp.isneginf(best).any():
        inside = _pad_to(xp.ones(xb.shape[:2] + xb.shape[2:], bool), pad, O, K, stride, dil, False)
        valid = [v for _, v in _offset_views(inside, K, stride, dil, O)]
    masks = []
    found = None
    for i, v in enumerate(views):
        hit = v == best
        if nan:
            hit |= xp.isnan(v) & xp.isnan(best)
        if valid is not None:
            hit &= valid[i]
        if found is None:
            found = hit.copy()
        else:
            hit &= ~found
            found |= hit
        masks.append(hit)
    return masks


class _Geo(tuple):
    """A pooling geometry tuple (unpacked as a plain tuple) that also keeps torch's arguments as the caller gave
    them (``args``: stride as given, ceil_mode, ...), for ``grad_fn._saved_*`` (autograd/saved_attrs.py)."""

    def __new__(cls, geo, args):
        g = tuple.__new__(cls, geo)
        g.args = args
        return g


def _flat_indices(masks, geo, S):
    """torch's indices: the flat position (within each plane) of each window's first maximum."""
    K, stride, pad, dil, O = geo
    nd = len(K)
    strides = [math.prod(S[i + 1:]) for i in range(nd)]
    flat = xp.zeros(masks[0].shape, np.int64)
    for k, m in zip(xp.ndindex(*K), masks):
        xp.putmask(flat, m, sum(k[i] * dil[i] * strides[i] for i in range(nd)))
    for i in range(nd):
        o = (xp.arange(O[i]) * stride[i] - pad[i]) * strides[i]
        flat += o.reshape((-1,) + (1,) * (nd - 1 - i))
    return flat


class WindowScatter(Function):
    """Each output's gradient into its window at the masked (first-maximum) offset: max pooling's input
    gradient. Its own derivative is ``WindowGather`` (and vice versa), which makes max pooling twice
    differentiable."""
    _builtin = True
    _node_name = "MaxPool2DWithIndicesBackwardBackward0"
    _ctx_fields = ("masks", "geo", "shape")

    @staticmethod
    def forward(ctx, g, masks, geo, shape):
        ctx.masks, ctx.geo, ctx.shape = masks, geo, shape
        K, stride, pad, dil, O = geo
        gb = _batch(g, len(K))
        S = shape[-len(K):]
        acc = xp.zeros(gb.shape[:2] + tuple(s + p + max(0, (o - 1) * st + d * (k - 1) + 1 - (s + p))
                                            for s, p, o, k, st, d in zip(S, pad, O, K, stride, dil)), g.dtype)
        finite = bool(xp.isfinite(gb).all()) if is_float_np(gb.dtype) else True
        tmp = xp.empty_like(gb)
        for (_, v), m in zip(_offset_views(acc, K, stride, dil, O), masks):
            # v views acc, so overlapping windows accumulate. A multiply by the mask is branch-free (np.where
            # on a random mask is ~20x slower); it is exact unless the gradient holds an inf or NaN
            v += xp.multiply(gb, m, out=tmp) if finite else xp.where(m, gb, 0)
        out = acc[(slice(None), slice(None)) + tuple(slice(p, p + s) for s, p in zip(S, pad))]
        out = xp.ascontiguousarray(out).reshape(shape)
        out += 0.0   # -0.0 (a negative gradient times a False mask) -> 0.0, as torch's zeros
        return out

    @staticmethod
    def backward(ctx, grad):
        # grad: the gradient at each window's first maximum
        return dispatch(_WINDOW_GATHER[len(ctx.geo[0])], grad, ctx.masks, ctx.geo), None, None, None


class WindowGather(Function):
    """Each window's value at its masked offset (the adjoint of ``WindowScatter``)."""
    _builtin = True
    _node_name = "MaxPool2DWithIndicesBackward0"
    _ctx_fields = ("masks", "geo", "shape")

    @staticmethod
    def forward(ctx, x, masks, geo):
        ctx.masks, ctx.geo, ctx.shape = masks, geo, x.shape
        K, stride, pad, dil, O = geo
        xb = _batch(x, len(K))
        xpad = _pad_to(xb, pad, O, K, stride, dil, 0)
        out = xp.zeros(masks[0].shape, x.dtype)
        for (_, v), m in zip(_offset_views(xpad, K, stride, dil, O), masks):
            out = xp.where(m, v, out)
        return out[0] if xb is not x else out

    @staticmethod
    def backward(ctx, grad):
        # self: scatter of grad back to the masked offsets
        return dispatch(_WINDOW_SCATTER[len(ctx.geo[0])], grad, ctx.masks, ctx.geo, ctx.shape), None, None


class WindowScatter3D(WindowScatter):
    _node_name = "MaxPool3DWithIndicesBackwardBackward0"


class WindowGather3D(WindowGather):
    _node_name = "MaxPool3DWithIndicesBackward0"


# the node torch names for each number of spatial dims (1-d pooling runs through the 2-d op, as in torch)
_WINDOW_SCATTER = {2: WindowScatter, 3: WindowScatter3D}
_WINDOW_GATHER = {2: WindowGather, 3: WindowGather3D}


class MaxPool(Function):
    """Max pooling (values only). Backward finds each window's first maximum from the saved input and
    output, so the forward pays for no index bookkeeping."""
    _builtin = True
    _node_name = "MaxPool2DWithIndicesBackward0"
    _ctx_fields = ("geo",)

    @staticmethod
    def forward(ctx, x, geo):
        ctx.geo = geo
        xb = _batch(x, len(geo[0]))
        out = _tiled_max(xb, geo) if _tiles(geo, xb.shape) else _window_max(xb, geo)[0]
        out = out[0] if xb is not x else out
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: max_pool_with_indices_backward(grad, self, ..., indices): grad to each window's first maximum
        x, out = ctx.saved_tensors
        if type(grad) is np.ndarray:
            gx = _tiled_scatter(x, out, grad, ctx.geo)
            if gx is not None:
                return gx, None
        return dispatch(_WINDOW_SCATTER[len(ctx.geo[0])], grad, _masks_of(x, out, ctx.geo), ctx.geo, x.shape), None


def _masks_of(x, out, geo):
    xa = x if type(x) is np.ndarray else x._data
    oa = out if type(out) is np.ndarray else out._data
    xb = _batch(xa, len(geo[0]))
    K, stride, pad, dil, O = geo
    fill = -np.inf if is_float_np(xb.dtype) else np.iinfo(xb.dtype).min
    views = [v for _, v in _offset_views(_pad_to(xb, pad, O, K, stride, dil, fill), K, stride, dil, O)]
    return _first_max_masks(views, oa if xb is xa else oa[None], geo, xb)


def _tiles(geo, shape):
    """Whether the windows tile the input exactly: stride == kernel, no padding or dilation, no remainder."""
    K, stride, pad, dil, O = geo
    return (not any(pad) and all(d == 1 for d in dil) and tuple(stride) == tuple(K)
            and all(o * k == s for o, k, s in zip(O, K, shape[-len(K):])))


def _tiled_max(xb, geo):
    """The window maxima of a tiled input, one spatial dim at a time from the last: the phase-j view of a dim
    (``[..., j::k, :, ...]``) has long regular runs, unlike one kernel offset's view. Reducing the inner dims
    first keeps the first maximum in scan order, as the offset-by-offset maximum does."""
    K = geo[0]
    m = xb
    for d in range(len(K) - 1, -1, -1):
        if K[d] == 1:
            continue
        src, pre = m, (slice(None),) * (2 + d)
        m = xp.maximum(src[pre + (slice(0, None, K[d]),)], src[pre + (slice(1, None, K[d]),)])
        for j in range(2, K[d]):
            xp.maximum(m, src[pre + (slice(j, None, K[d]),)], out=m)
    return m.copy() if m is xb else m


def _tiled_scatter(x, out, grad, geo):
    """Max pooling's input gradient when the windows tile the input exactly (stride == kernel, no padding or
    dilation): each kernel offset's first-maximum mask times the gradient, written straight into that offset's
    strided view of the result (no zero fill, no accumulation). None when that does not apply (overlapping or
    partial windows, a NaN maximum, a non-finite gradient): the general ``WindowScatter`` then runs."""
    K, stride, pad, dil, O = geo
    xa = x if type(x) is np.ndarray else x._data
    oa = out if type(out) is np.ndarray else out._data
    nd = len(K)
    if not is_float_np(grad.dtype) or not _tiles(geo, xa.shape):
        return None
    if xp.isnan(oa).any() or not xp.isfinite(grad).all():
        return None
    xb, ob, gb = _batch(xa, nd), _batch(oa, nd), _batch(grad, nd)
    gx = xp.empty(xb.shape, grad.dtype)
    found = None
    n = math.prod(K)
    for i, ((_, v), (_, gv)) in enumerate(zip(_offset_views(xb, K, stride, dil, O),
                                              _offset_views(gx, K, stride, dil, O))):
        if found is None:
            hit = found = v == ob
        elif i < n - 1:
            hit = v == ob
            xp.greater(hit, found, out=hit)   # hit and not found: only the window's first maximum
        else:   # with no NaN every window holds its maximum, so the last offset has it where no other did
            hit = xp.logical_not(found, out=found)
        xp.multiply(gb, hit, out=gv)
        if found is not hit:
            found |= hit
    gx += 0.0   # -0.0 (a negative gradient times a False mask) -> 0.0
    return gx.reshape(xa.shape)


class MaxPoolWithIndices(MaxPool):
    """Max pooling returning torch's flat indices too."""
    _node_name = "MaxPool2DWithIndicesBackward0"
    _nondiff_out = (1,)

    @staticmethod
    def forward(ctx, x, geo):
        ctx.geo = geo
        xb = _batch(x, len(geo[0]))
        out, views = _window_max(xb, geo)
        idx = _flat_indices(_first_max_masks(views, out, geo, xb), geo, xb.shape[2:])
        if xb is not x:
            out, idx = out[0], idx[0]
        ctx.save_for_backward(x, out)
        return out, idx

    @staticmethod
    def backward(ctx, grad, _):
        return MaxPool.backward(ctx, grad)


class MaxPool3D(MaxPool):
    _node_name = "MaxPool3DWithIndicesBackward0"


class MaxPool3DWithIndices(MaxPoolWithIndices):
    _node_name = "MaxPool3DWithIndicesBackward0"


def _tup(v, n, name, fname):
    if isinstance(v, int):
        return (v,) * n
    v = tuple(v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"{fname}: {name} must either be a single int, or a tuple of {n} ints")
    return v


def _pool_args(fname, input, nd, kernel_size, stride, padding, dilation):
    x = input._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{fname}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor for input with "
                           f"possibly 0 batch size and non-zero dimensions for input, but got: {list(x.shape)}")
    K = _tup(kernel_size, nd, "kernel_size", fname)
    stride = K if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        _tup(stride, nd, "stride", fname)
    pad = _tup(padding, nd, "padding", fname)
    dil = _tup(dilation, nd, "dilation", fname)
    if any(k <= 0 for k in K):
        raise RuntimeError(f"{fname}: kernel_size must be greater than zero, but got " +
                           " ".join(f"k{i}: {k}" for i, k in enumerate(K)))
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{fname}: stride must be greater than zero")
    if any(d <= 0 for d in dil):
        raise RuntimeError(f"{fname}: dilation must be greater than zero")
    if any(p > k // 2 for p, k in zip(pad, K)):
        raise RuntimeError("pad should be at most half of effective kernel size, but got pad=" + str(pad[0]) +
                           ", kernel_size=" + str(K[0]) + " and dilation=" + str(dil[0]))
    return K, stride, pad, dil


def _given(stride, nd):
    """The stride as torch's node shows it: () when not given, else one int per dim."""
    if stride is None:
        return ()
    return tuple(int(v) for v in stride) if isinstance(stride, (tuple, list)) else (int(stride),) * nd


def _max_pool(nd, fname, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    stride_arg = _given(stride, nd)
    K, stride, pad, dil = _pool_args(fname, input, nd, kernel_size, stride, padding, dilation)
    if nd == 1:   # through the 2-d op, as torch (grad_fn SqueezeBackward1)
        x = ng.unsqueeze(input, -2)
        res = _max_pool(2, fname, x, (1,) + K, (1,) + stride, (0,) + pad, (1,) + dil, ceil_mode, return_indices)
        if return_indices:
            return ng.squeeze(res[0], -2), _t.make(xp.squeeze(res[1]._data, -2))
        return ng.squeeze(res, -2)
    S = input._data.shape[-nd:]
    O = _pool_out(S, K, stride, pad, dil, ceil_mode)
    if any(o <= 0 for o in O):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, input._data.shape[-nd - 1:]))}). Calculated "
                           f"output size: ({'x'.join(map(str, (input._data.shape[-nd - 1],) + O))}). Output size "
                           f"is too small")
    geo = _Geo((K, stride, pad, dil, O), {"stride": stride_arg, "ceil_mode": bool(ceil_mode)})
    if return_indices:
        return (MaxPool3DWithIndices if nd == 3 else MaxPoolWithIndices).apply(input, geo)
    return (MaxPool3D if nd == 3 else MaxPool).apply(input, geo)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(1, "max_pool1d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over each window; with ``return_indices`` also the flat index (per plane) of the first maximum.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size (int or tuple of ints): the size of the window.
        stride (int or tuple of ints, optional): the step of the window (default ``kernel_size``).
        padding (int or tuple of ints, optional): implicit -inf padding on each side (default 0).
        dilation (int or tuple of ints, optional): the spacing between kernel elements (default 1).
        ceil_mode (bool, optional): round the output size up instead of down (default False).
        return_indices (bool, optional): also return the indices of the maxima.

    Example:
        >>> import npgrad as torch
        >>> torch.max_pool2d(torch.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _max_pool(2, "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool(3, "max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


# ---------------------------------------------------------------------------------------------- average pooling
def _avg_divisor(S, K, stride, pad, O, include_pad, override):
    """torch's divisor per output position: the window clipped to the padded input (count_include_pad) or to
    the input itself; separable, so an outer product of per-dim counts."""
    if override:
        return override
    div = xp.ones((), np.int64)
    for i, (s, k, st, p, o) in enumerate(zip(S, K, stride, pad, O)):
        start = xp.arange(o) * st - p
        end = xp.minimum(start + k, s + p)
        n = end - start if include_pad else xp.minimum(end, s) - xp.maximum(start, 0)
        div = xp.multiply.outer(div, n)
    return div


def _avg_sum(x, K, stride, pad, O):
    xpad = _pad_to(x, pad, O, K, stride, (1,) * len(K), 0)
    total = None
    for _, v in _offset_views(xpad, K, stride, (1,) * len(K), O):
        total = v.copy() if total is None else total + v   # first copy: never alias the input
    return total


def _avg_spread(g, K, stride, pad, O, S):
    """Adjoint of the window sum: add each output's gradient over its window, then drop the padding."""
    shape = g.shape[:2] + tuple(s + p + max(0, (o - 1) * st + k - (s + p))
                                for s, p, o, k, st in zip(S, pad, O, K, stride))
    acc = xp.zeros(shape, g.dtype)
    for _, v in _offset_views(acc, K, stride, (1,) * len(K), O):
        v += g   # basic-slice views of acc: writes land in acc
    return acc[(slice(None), slice(None)) + tuple(slice(p, p + s) for s, p in zip(S, pad))]


class AvgPool(Function):
    """Window mean; ``geo`` = (K, stride, pad, O, divisor) with the divisor precomputed per output position."""
    _builtin = True
    _node_name = "AvgPool2DBackward0"
    _ctx_fields = ("geo", "S")

    @staticmethod
    def forward(ctx, x, geo):
        K, stride, pad, O, div = geo
        xb = _batch(x, len(K))
        ctx.geo, ctx.S = geo, xb.shape[2:]
        out = (_avg_sum(xb, K, stride, pad, O) / xp.asarray(div, x.dtype)).astype(x.dtype, copy=False)
        return out[0] if xb is not x else out

    @staticmethod
    def backward(ctx, grad):
        # self: avg_pool_backward(grad, self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor)
        return dispatch(_AVG_POOL_GRAD[len(ctx.geo[0])], grad, ctx.geo, ctx.S), None


class AvgPool3D(AvgPool):
    _node_name = "AvgPool3DBackward0"


class AvgPoolGrad(Function):
    """The adjoint of ``AvgPool`` (its input gradient); its own derivative is ``AvgPool`` again."""
    _builtin = True
    _node_name = "AvgPool2DBackwardBackward0"
    _ctx_fields = ("geo",)

    @staticmethod
    def forward(ctx, g, geo, S):
        ctx.geo = geo
        K, stride, pad, O, div = geo
        gb = _batch(g, len(K))
        out = xp.ascontiguousarray(_avg_spread(gb / xp.asarray(div, g.dtype), K, stride, pad, O, S))
        return out[0] if gb is not g else out

    @staticmethod
    def backward(ctx, grad):
        # grad_output: avg_pool(grad, ...)
        return dispatch(AvgPool3D if len(ctx.geo[0]) == 3 else AvgPool, grad, ctx.geo), None, None


class AvgPoolGrad3D(AvgPoolGrad):
    _node_name = "AvgPool3DBackwardBackward0"


_AVG_POOL_GRAD = {2: AvgPoolGrad, 3: AvgPoolGrad3D}


def _avg_pool(nd, fname, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    n = input._data.ndim
    if nd > 1 and n < nd + 1:   # torch indexes dim -(nd + 1) first
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(n, 1)}, {max(n, 1) - 1}], "
                         f"but got {-(nd + 1)})")
    stride_arg = _given(stride, nd)
    K, stride, pad, _ = _pool_args(fname, input, nd, kernel_size, stride, padding, 1)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if nd == 1:
        x = ng.unsqueeze(input, -2)
        out = _avg_pool(2, fname, x, (1,) + K, (1,) + stride, (0,) + pad, ceil_mode, count_include_pad, None)
        return ng.squeeze(out, -2)
    S = input._data.shape[-nd:]
    O = _pool_out(S, K, stride, pad, (1,) * nd, ceil_mode)
    if any(o <= 0 for o in O):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, input._data.shape[-nd - 1:]))}). Calculated "
                           f"output size: ({'x'.join(map(str, (input._data.shape[-nd - 1],) + O))}). Output size "
                           f"is too small")
    if not is_float_np(input._data.dtype):
        raise NotImplementedError(f"\"avg_pool{nd}d\" not implemented for 'Long'")
    if nd == 3 and _function._extras:  # [autocast] avg_pool3d is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, = fp32_args(input)
    if nd == 3:
        if input._data.dtype.itemsize == 2 and input._data.dtype.kind in "fV":  # torch has no float16/bfloat16 kernel
            raise NotImplementedError(f"\"avg_pool3d_out_frame\" not implemented for "
                                      f"'{'Half' if input._data.dtype.kind == 'f' else 'BFloat16'}'")
    geo = _Geo((K, stride, pad, O, _avg_divisor(S, K, stride, pad, O, count_include_pad, divisor_override)),
               {"stride": stride_arg, "ceil_mode": bool(ceil_mode), "count_include_pad": bool(count_include_pad),
                "divisor_override": divisor_override})
    return (AvgPool3D if nd == 3 else AvgPool).apply(input, geo)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return _avg_pool(1, "avg_pool1d", input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool(2, "avg_pool2d", input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool(3, "avg_pool3d", input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``(sum over the window of x ** p) ** (1 / p)``: a composite of avg_pool, as torch (PowBackward0)."""
    return _lp_pool(avg_pool1d, input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool2d, input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(avg_pool3d, input, norm_type, kernel_size, stride, ceil_mode, 3)


def _lp_pool(pool, input, norm_type, kernel_size, stride, ceil_mode, nd):
    K = _tup(kernel_size, nd, "kernel_size", "lp_pool")
    out = pool(input ** norm_type, K, stride, 0, ceil_mode)
    out = ng.sign(out) * ng.relu(ng.abs(out))
    return (out * math.prod(K)) ** (1.0 / norm_type)


# ---------------------------------------------------------------------------------------------- separable maps
def _apply_mats(x, mats):
    """Multiply ``x`` along its last ``len(mats)`` dims by the matrices (out_i, in_i)."""
    nd = len(mats)
    finite = not is_float_np(x.dtype) or bool(xp.isfinite(x).all())
    dt = x.dtype
    if dt.kind == "V":  # bfloat16: float32 weights and sums, rounded once at the end, as torch's opmath
        x = x.astype(np.float32)
    for i, M in enumerate(mats):
        axis = x.ndim - nd + i
        M = M.astype(x.dtype, copy=False)
        if not finite:
            x = _apply_taps(x, M, axis)
        elif axis == x.ndim - 1:
            x = x @ M.T
        else:
            x = xp.swapaxes(xp.swapaxes(x, axis, -1) @ M.T, axis, -1)
    return xp.ascontiguousarray(x if x.dtype == dt else x.astype(dt))


def _apply_taps(x, M, axis):
    """``M`` applied along ``axis`` through its nonzero entries only, so an inf or NaN reaches just the outputs
    whose window holds it (a dense matmul would spread 0 * inf = NaN over the whole row)."""
    rows, cols = xp.nonzero(M)
    counts = xp.bincount(rows, minlength=M.shape[0])
    T = max(int(counts.max()) if counts.size else 0, 1)
    idx = xp.zeros((M.shape[0], T), np.int64)
    valid = xp.zeros((M.shape[0], T), bool)
    slot = xp.arange(rows.size) - xp.repeat(xp.cumsum(counts) - counts, counts)
    idx[rows, slot], valid[rows, slot] = cols, True
    x = xp.moveaxis(x, axis, -1)
    out = None
    for t in range(T):
        term = xp.where(valid[:, t], x[..., idx[:, t]] * M[xp.arange(M.shape[0]), idx[:, t]], 0)
        out = term if out is None else out + term
    return xp.moveaxis(out.astype(x.dtype, copy=False), -1, axis)


class Separable(Function):
    """``x`` times one constant matrix per trailing spatial dim: adaptive average pooling and linear/nearest/
    cubic interpolation are all this map (with different matrices), and its adjoint is the transposed map."""
    _builtin = True
    _node_name = "AdaptiveAvgPool2DBackward0"
    _ctx_fields = ("mats",)

    @staticmethod
    def forward(ctx, x, mats):
        ctx.mats = mats
        return _apply_mats(x, mats)

    @staticmethod
    def backward(ctx, grad):
        # self: the transposed map, grad times mats[i].T along each spatial dim
        return dispatch(Separable, grad, tuple(M.T for M in ctx.mats)), None


def _separable(name, node_name=None):
    return type(name, (Separable,), {"_node_name": node_name or name + "Backward0", "__module__": __name__})


class _AdaptiveAvgSeparable(Separable):
    """Adaptive average pooling: the separable map, keeping the input as torch's node does (``_saved_self``;
    an in-place change of it before backward then raises, as in torch)."""

    @staticmethod
    def forward(ctx, x, mats):
        ctx.save_for_backward(x)
        ctx.mats = mats
        return _apply_mats(x, mats)


_SEPARABLE = {n: type(n, (_AdaptiveAvgSeparable,), {"_node_name": n + "Backward0", "__module__": __name__})
              for n in ("AdaptiveAvgPool2D", "AdaptiveAvgPool3D")}
_SEPARABLE.update({n: _separable(n) for n in (
    "UpsampleNearest1D", "UpsampleNearest2D", "UpsampleNearest3D",
    "UpsampleNearestExact1D", "UpsampleNearestExact2D", "UpsampleNearestExact3D", "UpsampleLinear1D",
    "UpsampleBilinear2D", "UpsampleTrilinear3D", "UpsampleBicubic2D")})


def _bins(s, o):
    start = (xp.arange(o) * s) // o
    end = -((-(xp.arange(o) + 1) * s) // o)   # ceil((i + 1) * s / o)
    return start, end


def _adaptive_avg_matrix(s, o):
    start, end = _bins(s, o)
    cols = xp.arange(s)
    inside = (cols >= start[:, None]) & (cols < end[:, None])
    return inside / (end - start)[:, None]


def _adaptive_size(fname, input, nd, output_size):
    x = input._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{fname}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {list(x.shape)}")
    if isinstance(output_size, int):
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) != nd:
        raise RuntimeError(f"{fname}: internal error: output_size.size() must be {nd}")
    S = x.shape[-nd:]
    return tuple(s if o is None else int(o) for o, s in zip(output_size, S))


def _adaptive_avg(nd, fname, input, output_size):
    if nd == 1:
        out_size = _adaptive_size(fname, input, 1, output_size)
        return ng.squeeze(_adaptive_avg(2, fname, ng.unsqueeze(input, -2), (1,) + out_size), -2)
    O = _adaptive_size(fname, input, nd, output_size)
    if all(o == 1 for o in O):   # torch takes the mean here (grad_fn MeanBackward1)
        return ng.mean(input, tuple(range(-nd, 0)), keepdim=True)
    S = input._data.shape[-nd:]
    mats = tuple(_adaptive_avg_matrix(s, o) for s, o in zip(S, O))
    return _SEPARABLE[f"AdaptiveAvgPool{nd}D"].apply(input, mats)


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg(1, "adaptive_avg_pool1d", input, output_size)


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg(2, "adaptive_avg_pool2d", input, output_size)


def adaptive_avg_pool3d(input, output_size):
    if _function._extras:  # [autocast] adaptive_avg_pool3d is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, = fp32_args(input)
    return _adaptive_avg(3, "adaptive_avg_pool3d", input, output_size)


# ---------------------------------------------------------------------------------------------- adaptive max
class AdaptiveMaxPool(Function):
    _builtin = True
    _node_name = "AdaptiveMaxPool2DBackward0"
    _nondiff_out = (1,)
    _ctx_fields = ("gidx", "shape")

    @staticmethod
    def forward(ctx, x, O):
        nd = len(O)
        shape = x.shape
        x = _batch(x, nd)
        S = x.shape[2:]
        # per dim: (o, kmax) input coordinates of each bin, padded by repeating the bin's last coordinate
        # (a repeat never changes the max nor which index comes first)
        coords = []
        for s, o in zip(S, O):
            start, end = _bins(s, o)
            kmax = int((end - start).max())
            c = xp.minimum(start[:, None] + xp.arange(kmax), end[:, None] - 1)
            coords.append(c)
        index = [slice(None), slice(None)]
        for i, c in enumerate(coords):   # outer indexing: dims (o0, k0, o1, k1, ...)
            shp = [1] * (2 * nd)
            shp[2 * i], shp[2 * i + 1] = c.shape
            index.append(c.reshape(shp))
        win = x[tuple(index)]                                   # (N, C, o0, k0, o1, k1, ...)
        perm = (0, 1) + tuple(range(2, 2 + 2 * nd, 2)) + tuple(range(3, 3 + 2 * nd, 2))
        win = win.transpose(perm).reshape(x.shape[:2] + tuple(O) + (-1,))
        k = xp.argmax(win, axis=-1)   # first maximum; NaN counts as the maximum, as in torch
        out = xp.take_along_axis(win, k[..., None], -1)[..., 0]
        kidx = xp.unravel_index(k, tuple(c.shape[1] for c in coords))
        flat = xp.zeros(k.shape, np.int64)
        for i, c in enumerate(coords):
            o = xp.arange(O[i]).reshape((-1,) + (1,) * (nd - 1 - i))
            flat = flat * S[i] + c[o, kidx[i]]
        ctx.gidx, ctx.shape = _global_index(flat, S), shape
        return (out, flat) if len(shape) == x.ndim else (out[0], flat[0])

    @staticmethod
    def backward(ctx, grad, _):
        # self: adaptive_max_pool_backward(grad, self, result1) = scatter of grad to the argmax positions
        return dispatch(ScatterFlat, grad, ctx.gidx, ctx.shape), None


class AdaptiveMaxPool3D(AdaptiveMaxPool):
    _node_name = "AdaptiveMaxPool3DBackward0"


def _adaptive_max(nd, fname, input, output_size, return_indices):
    if nd == 1:
        out_size = _adaptive_size(fname, input, 1, output_size)
        out, idx = _adaptive_max(2, fname, ng.unsqueeze(input, -2), (1,) + out_size, True)
        out, idx = ng.squeeze(out, -2), _t.make(xp.squeeze(idx._data, -2))
        return (out, idx) if return_indices else out
    O = _adaptive_size(fname, input, nd, output_size)
    if any(s == 0 for s in input._data.shape[-nd:]):
        raise RuntimeError(f"{fname}(): Expected input to have non-zero size for non-batch dimensions, but input "
                           f"has sizes {list(input._data.shape)} with dimension {input._data.ndim - 1} being empty")
    out, idx = (AdaptiveMaxPool3D if nd == 3 else AdaptiveMaxPool).apply(input, O)
    return (out, idx) if return_indices else out


def adaptive_max_pool1d(input, output_size):
    """``torch.adaptive_max_pool1d``: (values, indices) always (``nn.functional``'s returns the values only
    unless ``return_indices``).

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        output_size (int): the output length.

    Returns:
        tuple of Tensors: ``(values, indices)``.

    Example:
        >>> import npgrad as torch
        >>> values, indices = torch.adaptive_max_pool1d(torch.tensor([[[1., 5., 2., 4., 3., 0.]]]), 2)
        >>> values
        tensor([[[5., 4.]]])
        >>> indices
        tensor([[[1, 3]]])
    """
    return _adaptive_max(1, "adaptive_max_pool1d", input, output_size, True)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max(2, "adaptive_max_pool2d", input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    if _function._extras:  # [autocast] adaptive_max_pool3d is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, = fp32_args(input)
    return _adaptive_max(3, "adaptive_max_pool3d", input, output_size, return_indices)


# ---------------------------------------------------------------------------------------------- max_unpool
class MaxUnpool(ScatterFlat):
    _node_name = "MaxUnpool2DBackward0"
    _ctx_fields = ("index", "unique", "plane")  # type: ignore[assignment]
    _nd = 2

    @classmethod
    def forward(cls, ctx, src, index, shape, unique=False):
        ctx.plane = math.prod(shape[-cls._nd:])  # one output plane's size: torch's indices count within it
        return ScatterFlat.forward(ctx, src, index, shape, unique)


class MaxUnpool3D(MaxUnpool):
    _node_name = "MaxUnpool3DBackward0"
    _nd = 3


def _max_unpool(nd, fname, input, indices, kernel_size, stride, padding, output_size):
    K = _tup(kernel_size, nd, "kernel_size", fname)
    stride = K if stride is None else _tup(stride, nd, "stride", fname)
    pad = _tup(padding, nd, "padding", fname)
    x = input._data
    S_in = x.shape[-nd:]
    default = tuple((s - 1) * st - 2 * p + k for s, st, p, k in zip(S_in, stride, pad, K))
    if output_size is None:
        out = default
    else:
        out = tuple(output_size)[-nd:]
        for o, d, st in zip(out, default, stride):
            if not (d - st < o < d + st):
                raise ValueError(f"invalid output_size \"{list(output_size)}\" (dim {list(out).index(o)} must be "
                                 f"between {d - st} and {d + st})")
    if nd == 1:
        res = _max_unpool(2, fname, ng.unsqueeze(input, -2), _t.make(indices._data[..., None, :]), (1,) + K,
                          (1,) + stride, (0,) + pad, (1,) + out)
        return ng.squeeze(res, -2)
    idx = indices._data
    if idx.shape != x.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(x.shape)}) "
                           f"but got indices tensor with shape: {list(idx.shape)}")
    batch = x.shape[:-nd]
    planes = math.prod(batch)
    size = math.prod(out)
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise RuntimeError(f"Found an invalid max index: {int(idx.max() if idx.max() >= size else idx.min())} "
                           f"(output volumes are of size {'x'.join(map(str, out))}")
    gidx = idx.reshape(planes, -1) + (xp.arange(planes, dtype=np.int64) * size)[:, None]
    # unique=True: an index that appears twice is written, not summed (one of the values wins, as in torch)
    return (MaxUnpool3D if nd == 3 else MaxUnpool).apply(input, gidx.reshape(idx.shape), batch + out, True)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(1, "max_unpool1d", input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(2, "max_unpool2d", input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(3, "max_unpool3d", input, indices, kernel_size, stride, padding, output_size)
