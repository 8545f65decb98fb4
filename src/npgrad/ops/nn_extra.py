"""nn kernels issue 13 added: embedding_bag, channel_shuffle, the multi-class margin losses, gumbel_softmax.

Index-based gradients scatter and gather through ``pool.ScatterFlat``/``GatherFlat`` (each the other's derivative),
so every backward here is differentiable again under ``create_graph``.
"""
import math
import warnings

import numpy as np
from .._xp import xp

import npgrad as ng   # public ops, looked up at call time

from ..autograd.function import Function, dispatch
from ..autograd import function as _function  # [autocast] (its _extras count)
from .. import _tensor as _t, _dtype
from .pool import ScatterFlat, GatherFlat
from .loss import reduction_arg, _apply_reduction
from .._warn import warn as _warn

__all__ = ["embedding_bag", "channel_shuffle", "native_channel_shuffle", "multi_margin_loss",
           "multilabel_margin_loss", "gumbel_softmax"]


# ---------------------------------------------------------------------------------------------- embedding_bag
class EmbeddingBag(Function):
    """Per bag, the sum / mean / max of the looked-up rows of ``weight`` (``per_sample_weights`` scale each row in
    'sum'). ``coef`` is each element's factor (0 for ``padding_idx``, 1/bag count in 'mean'), ``gscale`` the
    extra gradient factor of ``scale_grad_by_freq``."""
    _builtin = True
    _ctx_fields = ("idx", "bag", "coef", "gscale", "mode", "vshape", "first")

    @staticmethod
    def forward(ctx, weight, per_sample_weights, idx, bag, nbags, mode, coef, gscale):
        V, D = weight.shape
        ctx.idx, ctx.bag, ctx.coef, ctx.gscale, ctx.mode, ctx.vshape = idx, bag, coef, gscale, mode, weight.shape
        rows = weight[idx]
        if mode == "max":
            keep = coef != 0
            out = xp.full((nbags, D), -np.inf, weight.dtype)
            xp.maximum.at(out, bag[keep], rows[keep])
            # the first element reaching each bag's maximum gets the gradient (torch's strict '>' scan)
            hit = rows[keep] == out[bag[keep]]
            pos = xp.where(hit, xp.nonzero(keep)[0][:, None], idx.size)
            first = xp.full((nbags, D), idx.size, np.int64)
            xp.minimum.at(first, bag[keep], pos)
            empty = first == idx.size
            out[empty] = 0
            ctx.first = first
            return out
        c = coef if per_sample_weights is None else coef * per_sample_weights
        out = xp.zeros((nbags, D), weight.dtype)
        xp.add.at(out, bag, rows * c[:, None].astype(weight.dtype, copy=False))
        ctx.save_for_backward(weight, per_sample_weights)
        return out

    @staticmethod
    def backward(ctx, grad):
        # weight: embedding_bag_backward(grad, indices, offset2bag, bag_size, max_indices, ...); per_sample_weights:
        # _embedding_bag_per_sample_weights_backward(grad, weight, indices, offsets, offset2bag, mode)
        V, D = ctx.vshape
        cols = xp.arange(D)
        if ctx.mode == "max":
            valid = ctx.first < ctx.idx.size
            b, d = xp.nonzero(valid)
            g = dispatch(GatherFlat, grad, b * D + d)
            pos = ctx.idx[ctx.first[valid]] * D + d
            return dispatch(ScatterFlat, g, pos, (V, D)), None, None, None, None, None, None, None
        weight, psw = ctx.saved_tensors
        g = dispatch(GatherFlat, grad, ctx.bag[:, None] * D + cols)         # each element's bag gradient (L, D)
        wpos = ctx.idx[:, None] * D + cols
        gw = gp = None
        if ctx.needs_input_grad[0]:
            c = ctx.coef * ctx.gscale
            rows = g * c[:, None]
            if psw is not None:
                rows = rows * psw.reshape(-1, 1)
            gw = dispatch(ScatterFlat, rows, wpos, (V, D))
        if ctx.needs_input_grad[1]:
            gp = (g * dispatch(GatherFlat, weight, wpos)).sum(1) * ctx.coef
        return gw, gp, None, None, None, None, None, None


def _index_kind(a):
    return _dtype.TENSOR_TYPES.get(a.dtype.name, "Tensor")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """``nn.functional.embedding_bag``: sums / means / maxima of bags of embeddings, without the (L, D) rows."""
    if not isinstance(input, _t.Tensor) or not isinstance(weight, _t.Tensor):
        raise TypeError("embedding_bag(): argument 'input' and 'weight' must be Tensor")
    if weight.dtype == ng.int64 and input.is_floating_point():
        _warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.")
        input, weight = weight, input
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        from .neural import embedding_renorm_
        with ng.no_grad():
            embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients are not supported by npgrad; use sparse=False")
    x = input._data
    if x.dtype not in (np.int64, np.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{_index_kind(x)} instead (while checking arguments for "
                           "embedding_bag)")
    V = weight.shape[0]
    if padding_idx is not None:
        if not -V <= padding_idx < V:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{V} through {V - 1}, but got "
                               f"{padding_idx}")
        padding_idx = padding_idx % V
    idx = x.reshape(-1).copy()   # a copy (its dtype kept, as torch's saved indices): in-place changes cannot reach it
    L = idx.size
    if x.ndim == 2:
        nbags, n = x.shape
        bag = xp.repeat(xp.arange(nbags), n)
    else:
        off = offsets._data
        if off.dtype not in (np.int64, np.int32):
            raise RuntimeError("Expected tensor for argument #2 'offsets' to have one of the following scalar "
                               f"types: Long, Int; but got torch.{_index_kind(off)} instead (while checking "
                               "arguments for embedding_bag)")
        off = off.astype(np.int64, copy=False)
        if off.size and off[0] != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                               f"from position 0. However, got {int(off[0])}")
        if off.size and off[-1] > L:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {L} but got offsets[-1] of "
                               f"{int(off[-1])}")
        if off.size > 1 and xp.any(xp.diff(off) < 0):
            raise RuntimeError("offsets must be non-decreasing")
        nbags = max(off.size - 1, 0) if include_last_offset else off.size
        starts = off[:nbags]
        bag = (xp.searchsorted(starts, xp.arange(L), side="right") - 1) if nbags else xp.zeros(L, np.int64)
        if not nbags:
            bag = bag[:0]
            idx = idx[:0]
    for k in range(idx.size) if idx.size and (idx.min() < 0 or idx.max() >= V) else ():
        if not 0 <= idx[k] < V:
            raise RuntimeError(f"Index {k} of input takes value {int(idx[k])} which is not in the valid range [0, {V})")
    dt = weight._data.dtype
    keep = xp.ones(idx.size, bool) if padding_idx is None else idx != padding_idx
    # include_last_offset with offsets[-1] < len(input): the last bag runs to the end of the input, as torch's
    # generic CPU kernel (float64) computes it forward and backward; its float32 'sum'/'mean' fast path stops the
    # sum at offsets[-1] (and its backward does not), which npgrad does not copy
    coef = keep.astype(dt)
    if mode == "mean":
        counts = xp.bincount(bag[keep], minlength=nbags)
        coef = coef / xp.maximum(counts, 1)[bag].astype(dt)
    gscale = xp.ones(idx.size, dt)
    if scale_grad_by_freq and mode != "max":
        freq = xp.bincount(idx[keep], minlength=V)
        gscale = (1.0 / xp.maximum(freq[idx], 1)).astype(dt)
    psw = per_sample_weights
    if psw is not None:
        psw = psw.reshape(-1)
    return EmbeddingBag.apply(weight, psw, idx, bag, nbags, mode, coef.astype(dt, copy=False), gscale)



# ---------------------------------------------------------------------------------------------- channel_shuffle
class ChannelShuffle(Function):
    """(N, g*k, *) -> channels regrouped as (N, k*g, *): channel ``i*k + j`` moves to ``j*g + i``."""
    _builtin = True
    _ctx_fields = ("groups",)

    @staticmethod
    def forward(ctx, x, groups):
        ctx.groups = groups
        n, c = x.shape[:2]
        rest = x.shape[2:]
        return xp.ascontiguousarray(xp.swapaxes(x.reshape((n, groups, c // groups) + rest), 1, 2)).reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        # self: channel_shuffle(grad, C / groups)
        return dispatch(ChannelShuffle, grad, grad.shape[1] // ctx.groups), None


def channel_shuffle(input, groups):
    """``nn.functional.channel_shuffle``: interleave the ``groups`` channel groups of ``(N, C, *)``."""
    if not isinstance(input, _t.Tensor):
        raise TypeError(f"channel_shuffle(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if not isinstance(groups, int) or isinstance(groups, bool):
        raise TypeError(f"channel_shuffle(): argument 'groups' (position 2) must be int, not "
                        f"{type(groups).__name__}")
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    return ChannelShuffle.apply(input, groups)


native_channel_shuffle = channel_shuffle


# ---------------------------------------------------------------------------------------------- margin losses
def _reduce_scale(grad, reduction, n):
    if reduction == "none":
        return grad.reshape(-1, 1)
    return grad / n if reduction == "mean" else grad


class MultiMarginLoss(Function):
    """``sum_{i != y} w[y] * max(0, margin - x[y] + x[i])**p / C`` per sample."""
    _builtin = True
    _ctx_fields = ("coef", "onehot", "flat_y", "p", "margin", "reduction", "vec")

    @staticmethod
    def forward(ctx, x, y, p, margin, weight, reduction):
        vec = x.ndim <= 1
        x2 = x.reshape(1, -1) if vec else x
        n, c = x2.shape
        rows = xp.arange(n)
        onehot = xp.zeros((n, c), bool)
        onehot[rows, y] = True
        z = margin - x2[rows, y][:, None] + x2
        active = (z > 0) & ~onehot
        w = xp.ones(n, x.dtype) if weight is None else weight[y].astype(x.dtype, copy=False)
        coef = (active * (w / c)[:, None]).astype(x.dtype)
        loss = ((z ** p if p == 2 else z) * coef).sum(1).astype(x.dtype, copy=False)
        ctx.coef, ctx.onehot, ctx.flat_y, ctx.p, ctx.margin = coef, onehot, rows * c + y, p, margin
        ctx.reduction, ctx.vec = reduction, vec
        ctx.save_for_backward(x)
        if reduction == "mean":
            return xp.asarray(loss.mean(), x.dtype)
        if reduction == "sum":
            return xp.asarray(loss.sum(), x.dtype)
        return loss.reshape(()) if vec else loss

    @staticmethod
    def backward(ctx, grad):
        # self: multi_margin_loss_backward(grad, self, target, p, margin, weight, reduction)
        x, = ctx.saved_tensors
        g = ctx.coef
        if ctx.p == 2:
            x2 = x.reshape(1, -1) if ctx.vec else x
            z = x2 - dispatch(GatherFlat, x2, ctx.flat_y).reshape(-1, 1) + ctx.margin
            g = z * (2 * ctx.coef)
            gi = g - g.sum(1).reshape(-1, 1) * ctx.onehot
        else:
            gi = g - g.sum(1)[:, None] * ctx.onehot
        gi = _reduce_scale(grad, ctx.reduction, gi.shape[0]) * gi
        return gi.reshape(x.shape), None, None, None, None, None


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """``nn.functional.multi_margin_loss``: the multi-class hinge loss of scores (N, C) for classes (N,)."""
    reduction = reduction_arg(reduction, size_average, reduce)
    if _function._extras:  # [autocast] on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, weight = fp32_args(input, weight)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    x, y = input._data, target._data
    if y.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {_scalar_name(y)}")
    c = x.shape[-1] if x.ndim else 1
    n = x.shape[0] if x.ndim == 2 else 1
    if x.ndim > 2 or (x.ndim == 2 and (y.ndim != 1 or y.shape[0] != n)) or (x.ndim < 2 and y.size != 1):
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got {list(y.shape)}. Input has "
                           f"shape {list(x.shape)}.")
    if weight is not None and weight.shape[0] != c:
        raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(weight.shape)}")
    if x.dtype.itemsize == 2 and x.dtype.kind in "fV":  # torch has no float16/bfloat16 kernel
        raise NotImplementedError(f"\"multi_margin_loss_cpu_kernel\" not implemented for "
                                  f"'{'Half' if x.dtype.kind == 'f' else 'BFloat16'}'")
    yf = y.reshape(-1)
    if yf.size and (yf.min() < 0 or yf.max() >= c):
        raise RuntimeError("target out of range")
    return MultiMarginLoss.apply(input, yf, p, float(margin), weight, reduction)


def _scalar_name(a):
    return _dtype.SCALAR_NAMES.get(a.dtype.name, a.dtype.name)


class MultilabelMarginLoss(Function):
    """``sum_{j target, i not target} max(0, 1 - (x[y_j] - x[i])) / C`` per sample (targets end at -1)."""
    _builtin = True
    _ctx_fields = ("dx", "reduction", "shape")

    @staticmethod
    def forward(ctx, x, y, reduction):
        vec = x.ndim <= 1
        x2 = x.reshape(1, -1) if vec else x
        y2 = y.reshape(1, -1) if vec else y
        n, c = x2.shape
        stop = xp.cumsum(y2 < 0, axis=1) > 0                # from the first -1 on, nothing is a target
        valid = ~stop
        ty = xp.where(valid, y2, 0)
        is_target = xp.zeros((n, c), bool)
        rr = xp.repeat(xp.arange(n), c)
        is_target[rr[valid.ravel()], ty[valid]] = True
        xy = xp.take_along_axis(x2, ty, axis=1)
        z = 1 - xy[:, :, None] + x2[:, None, :]              # (n, j, i)
        m = valid[:, :, None] & ~is_target[:, None, :] & (z > 0)
        loss = ((z * m).sum((1, 2)) / c).astype(x.dtype, copy=False)
        dx = (m.sum(1) / c).astype(x.dtype)                    # d loss / d x[i], i not a target
        xp.add.at(dx, (xp.repeat(xp.arange(n), c), ty.ravel()), -(m.sum(2) / c).astype(x.dtype).ravel())
        ctx.dx, ctx.reduction, ctx.shape = dx, reduction, x.shape
        if reduction == "mean":
            return xp.asarray(loss.mean(), x.dtype)
        if reduction == "sum":
            return xp.asarray(loss.sum(), x.dtype)
        return loss.reshape(()) if vec else loss

    @staticmethod
    def backward(ctx, grad):
        # self: multilabel_margin_loss_backward(grad, self, target, reduction, is_target)
        g = _reduce_scale(grad, ctx.reduction, ctx.dx.shape[0]) * ctx.dx
        return g.reshape(ctx.shape), None, None


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``nn.functional.multilabel_margin_loss``: hinge loss between each target class (listed in ``target``,
    ended by -1) and each non-target class."""
    reduction = reduction_arg(reduction, size_average, reduce)
    if _function._extras:  # [autocast] on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, = fp32_args(input)
    x, y = input._data, target._data
    if y.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {_scalar_name(y)}")
    if x.ndim > 2 or y.shape != x.shape:
        raise RuntimeError(f"inconsistent target size: {list(y.shape)} for input of size: {list(x.shape)}")
    if x.dtype.itemsize == 2 and x.dtype.kind in "fV":  # torch has no float16/bfloat16 kernel
        raise NotImplementedError(f"\"multilabel_margin_loss_forward_out_frame\" not implemented for "
                                  f"'{'Half' if x.dtype.kind == 'f' else 'BFloat16'}'")
    c = x.shape[-1] if x.ndim else 1
    if y.size and (y.min() < -1 or y.max() >= c):
        raise RuntimeError("argument #2 'target' is out of range")
    return MultilabelMarginLoss.apply(input, y, reduction)


# ---------------------------------------------------------------------------------------------- gumbel_softmax
def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Samples from the Gumbel-softmax distribution; ``hard=True`` returns one-hot samples whose gradient is the
    soft sample's (straight-through). Composite, as torch's."""
    from ..random import rng
    if eps != 1e-10:
        _warn("`eps` parameter is deprecated and has no effect.")
    u = rng(None).exponential(size=logits.shape).astype(logits._data.dtype)
    gumbels = ng.tensor(-xp.log(u))
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = ng.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
