"""Losses. Fused Functions where torch has a fused kernel (and its grad_fn name) or stability needs one:
nll_loss, mse_loss, smooth_l1/huber, binary_cross_entropy(_with_logits), soft_margin_loss; the others are
composites of recorded ops, as in torch (their grad_fn is the last op: MeanBackward0, SubBackward0, ...).

``reduction`` is 'none' | 'mean' | 'sum' (torch's top-level functions also take aten's 0 | 1 | 2). The losses
torch also has at top level take torch's (aten's) signature here; ``nn.functional`` maps its legacy
``size_average``/``reduce`` arguments onto them.
"""
import math
import numbers
import warnings

import numpy as np
from .._dtype import is_float_np, SCALAR_NAMES
from .._xp import xp

import npgrad as ng   # public ops, looked up at call time (their home modules are free to move)

from ..autograd.function import Function, dispatch
from ..autograd import function as _function  # [autocast] (its _extras count)
from ..autograd.grad_mode import is_grad_enabled
from .. import _tensor as _t
from .reduction import LogSoftmax as _LogSoftmax
from .._warn import warn as _warn

__all__ = ["binary_cross_entropy_with_logits", "kl_div", "cosine_embedding_loss", "margin_ranking_loss",
           "hinge_embedding_loss", "poisson_nll_loss", "triplet_margin_loss"]

_REDUCTIONS = ("none", "mean", "sum")


def reduction_arg(reduction, size_average=None, reduce=None):
    """The reduction as a string; accepts torch's legacy size_average/reduce and aten's 0/1/2."""
    if size_average is not None or reduce is not None:
        _warn("size_average and reduce args will be deprecated, please use reduction='" +
                      legacy_reduction(size_average, reduce) + "' instead.", UserWarning)
        return legacy_reduction(size_average, reduce)
    if isinstance(reduction, int) and not isinstance(reduction, bool) and 0 <= reduction <= 2:
        return _REDUCTIONS[reduction]
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def legacy_reduction(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


_TYPE_NAMES = SCALAR_NAMES  # from npgrad/_dtype.py's one table


def _apply_reduction(loss, reduction):
    if reduction == "mean":
        return ng.mean(loss)
    if reduction == "sum":
        return ng.sum(loss)
    return loss


def _where(cond, a, b):
    return ng.where(cond, a, b)


def _reduce_np(loss, reduction):
    dt = loss.dtype
    acc = np.float32 if dt.itemsize == 2 and dt.kind in "fV" else dt  # float16/bfloat16 sum in float32, as torch
    if reduction == "mean":
        return xp.asarray(xp.mean(loss, dtype=acc), dt) if loss.size else xp.asarray(np.nan, dt)
    if reduction == "sum":
        return xp.asarray(xp.sum(loss, dtype=acc), dt)
    return loss


def _grad_scale(grad, reduction, n):
    """The upstream gradient of a reduced loss, per element (the engine broadcasts a 0-d one)."""
    return grad / n if reduction == "mean" else grad


def _check_tensor(fname, name, pos, t):
    if not isinstance(t, _t.Tensor):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be Tensor, not {type(t).__name__}")


def _size_warning(input, target):
    if target._data.shape != input._data.shape:
        _warn(f"Using a target size (torch.Size({list(target._data.shape)})) that is different to the "
                      f"input size (torch.Size({list(input._data.shape)})). This will likely lead to incorrect "
                      f"results due to broadcasting. Please ensure they have the same size.", UserWarning)


def _broadcast_check(input, target):
    try:
        return xp.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        a, b = input._data.shape, target._data.shape
        for i in range(1, min(len(a), len(b)) + 1):
            if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
                raise RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                                   f"non-singleton dimension {max(len(a), len(b)) - i}") from None
        raise


# ---------------------------------------------------------------------------------------------- nll / cross entropy
class NllLoss(Function):
    """``-weight[t] * input[n, t, ...]`` per element; 'mean' divides by the summed weights of the non-ignored
    targets (NaN when they sum to 0, as torch)."""
    _builtin = True
    _ctx_fields = ("reduction", "total", "t", "w", "shape")

    @staticmethod
    def forward(ctx, x, target, weight, reduction, ignore_index):
        valid = target != ignore_index
        if weight is None and x.ndim == 2 and reduction != "none" and valid.all():
            # (N, C) with every target counted and no weight: the weights are all ones, left out
            n = x.shape[0]
            rows = _rows(n)
            s = -(x[rows, target].sum(dtype=x.dtype))  # (= the sum of the negated picks: negation is exact)
            total = xp.asarray(n, x.dtype)
            ctx.reduction, ctx.total, ctx.t, ctx.w, ctx.shape = reduction, total, target.copy(), None, x.shape
            return s if reduction == "sum" else (s / total).astype(x.dtype)
        t = xp.where(valid, target, 0)
        w = valid.astype(x.dtype) if weight is None else xp.where(valid, weight[t], 0).astype(x.dtype)
        # (index arrays and array methods rather than take_along_axis / np.sum: a few µs of NumPy's Python each)
        picked = x[t] if x.ndim == 1 else x[_rows(x.shape[0]), t] if x.ndim == 2 else \
            xp.take_along_axis(x, t[:, None], 1)[:, 0]
        loss = -(w * picked)
        total = w.sum(dtype=x.dtype)
        ctx.reduction, ctx.total, ctx.t, ctx.w, ctx.shape = reduction, total, t, w, x.shape
        if reduction == "none":
            return loss
        s = loss.sum(dtype=x.dtype)
        if reduction == "sum":
            return s
        return (s / total).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        # self: nll_loss_backward(grad, self, target, weight, reduction, ignore_index, total_weight)
        #   = -weight[target] * grad at each target position (/ total_weight for 'mean'), zero elsewhere
        w = ctx.w
        if w is None and type(grad) is np.ndarray:  # all weights 1, (N, C): torch's -(grad / total) at the targets
            res = _zeros(ctx.shape, ctx.total.dtype)
            res[_rows(ctx.shape[0]), ctx.t] = -(grad / ctx.total) if ctx.reduction == "mean" else -grad
            return res, None, None, None, None
        if w is None:
            w = xp.ones(ctx.shape[0], ctx.total.dtype)
        coef = _zeros(ctx.shape, w.dtype)   # a constant (an array in both passes): the loss is linear in the input
        if ctx.reduction == "mean":   # no target counted (all ignored): torch's gradient is 0, not 0/0
            w = w / ctx.total if ctx.total else _zeros(w.shape, w.dtype)
        if len(ctx.shape) == 1:
            coef[ctx.t] = -w
            return grad * coef, None, None, None, None
        if len(ctx.shape) == 2:
            coef[_rows(ctx.shape[0]), ctx.t] = -w
        else:
            _put_along_axis(coef, ctx.t[:, None], (-w)[:, None], 1)
        if ctx.reduction == "none":
            grad = grad[:, None]
        return grad * coef, None, None, None, None


_ROWS: dict = {}


def _rows(n):
    """``arange(n)``, the row index of an (N, C) pick, kept for the sizes seen (read-only: shared)."""
    r = _ROWS.get(n)
    if r is None:
        r = xp.arange(n)
        r.flags.writeable = False
        if len(_ROWS) < 64:
            _ROWS[n] = r
    return r


_zeros, _put_along_axis = xp.zeros, xp.put_along_axis  # (backward builds its constant as an array)


class NllLoss2d(NllLoss):
    _node_name = "NllLoss2DBackward0"


def _long_target(target):
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_TYPE_NAMES.get(target._data.dtype.name, target._data.dtype.name)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class indices, for (N, C), (C,) or (N, C, d1, ...) log-probabilities."""
    reduction = reduction_arg(reduction, size_average, reduce)
    _check_tensor("nll_loss", "target", 2, target)
    x, t = input._data, target._data
    if x.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if x.ndim == 1 and t.ndim == 1 and t.size == 1:
        t = t.reshape(())
    if (x.ndim == 1 and t.ndim != 0) or (x.ndim >= 2 and t.shape[:1] != x.shape[:1]):
        if x.ndim == 2 and t.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size "
                         f"({t.shape[0] if t.ndim else 0}).")
    if x.ndim > 2 and t.shape != x.shape[:1] + x.shape[2:]:
        raise RuntimeError(f"Expected target size {list(x.shape[:1] + x.shape[2:])}, got {list(t.shape)}")
    if x.ndim == 2 and t.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    _long_target(target)
    if not is_float_np(x.dtype):
        raise NotImplementedError("\"nll_loss_forward_reduce_cuda_kernel_2d_index\" not implemented for 'Long'")
    c = x.shape[1] if x.ndim > 1 else x.shape[0]
    w = None
    if weight is not None:
        w = weight._data
        if w.size != c:
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(w.shape)}")
        if w.dtype != x.dtype:
            raise RuntimeError(f"expected scalar type {_TYPE_NAMES[x.dtype.name]} but found "
                               f"{_TYPE_NAMES[w.dtype.name]}")
        w = w.reshape(-1)
    if t.size and (xp.minimum.reduce(t, None) < 0 or xp.maximum.reduce(t, None) >= c):  # (the mask only when
        # some target is out of range; the ufuncs' reduce: no Python wrapper)
        bad = (t != ignore_index) & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")
    t = t.astype(np.int64, copy=False)
    if x.ndim <= 2:
        return NllLoss.apply(input, t, w, reduction, ignore_index)
    if x.ndim == 4:
        return NllLoss2d.apply(input, t, w, reduction, ignore_index)
    # torch folds other K-dim inputs into (N, C, d1, rest) for its 2-d kernel; 'none' views the result back
    n, rest = x.shape[0], x.shape[2:]
    x4 = input.reshape(n, c, rest[0], -1)
    out = NllLoss2d.apply(x4, t.reshape(n, rest[0], -1), w, reduction, ignore_index)
    return out.reshape((n,) + rest) if reduction == "none" else out


class _DivScalar(Function):
    """``tensor / number`` as aten's div.Scalar (torch's composites record it as DivBackward1)."""
    _builtin = True
    _node_name = "DivBackward1"
    _ctx_fields = ("other",)

    @staticmethod
    def forward(ctx, x, other):
        ctx.other = other
        return (x / other).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / other
        return grad / ctx.other, None


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """``nll_loss(log_softmax(input, 1), target)`` for class indices; probability targets (same shape as the
    input) give ``-sum(target * log_softmax(input))``. ``label_smoothing`` mixes in the uniform distribution."""
    if _function._extras:  # [autocast] cross_entropy is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target, weight = fp32_args(input, target, weight)
    reduction = reduction_arg(reduction, size_average, reduce)
    _check_tensor("cross_entropy", "target", 2, target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x, t = input._data, target._data
    if x.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    cdim = 1 if x.ndim > 1 else 0
    c = x.shape[cdim]
    # (float input: the op itself, dim already checked; other dtypes get log_softmax's own error)
    logp = _LogSoftmax.apply(input, cdim) if is_float_np(x.dtype) else ng.log_softmax(input, cdim)
    wb = None
    if weight is not None:
        wb = weight.reshape((c,) + (1,) * (x.ndim - cdim - 1))   # broadcast along the class dim
    if is_float_np(t.dtype):   # class probabilities
        if t.shape != x.shape:
            raise RuntimeError(f"Expected target size {list(x.shape)}, got {list(t.shape)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / c
        terms = logp * target
        if wb is not None:
            terms = terms * wb
        if reduction == "none":
            return -ng.sum(terms, cdim)
        total = -ng.sum(terms)
        if reduction == "sum":
            return total
        return _DivScalar.apply(total, x.size / c if x.size else 0.0)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0:
        return nll
    # smoothing term: -sum over classes of (weighted) log-probabilities, zero at ignored targets
    smooth = -ng.sum(logp if wb is None else logp * wb, cdim)
    ignored = t == ignore_index
    smooth = ng.where(_t.make(ignored), 0.0, smooth)
    if reduction == "mean":
        if weight is not None:
            smooth = ng.sum(smooth) / float(weight._data.reshape(-1)[t[~ignored]].sum())
        else:
            smooth = ng.sum(smooth) / float((~ignored).sum()) if ignored.any() else ng.mean(smooth)
    elif reduction == "sum":
        smooth = ng.sum(smooth)
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / c)


def _neg(x):
    return -x


# ---------------------------------------------------------------------------------------------- regression
class MseLoss(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("reduction", "n")

    @staticmethod
    def forward(ctx, x, y, reduction):
        d = x - y
        ctx.reduction, ctx.n = reduction, d.size
        ctx.save_for_backward(x, y)   # the inputs, not d: d's dependence on them matters in double backward
        return _reduce_np(d * d, reduction)

    @staticmethod
    def backward(ctx, grad):
        # self: mse_loss_backward(grad, self, target, reduction) = 2 * (self - target) * grad (/ n for mean)
        # target: -mse_loss_backward(...)
        x, y = ctx.saved_tensors
        g = 2 * _grad_scale(grad, ctx.reduction, ctx.n) * (x - y)
        need = ctx.needs_input_grad
        return g if need[0] else None, -g if need[1] else None, None


class SmoothL1Loss(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("reduction", "n", "beta")

    @staticmethod
    def forward(ctx, x, y, reduction, beta):
        d = x - y
        ctx.reduction, ctx.n, ctx.beta = reduction, d.size, beta
        ctx.save_for_backward(x, y)
        ad = xp.abs(d)
        return _reduce_np(xp.where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta).astype(d.dtype), reduction)

    @staticmethod
    def backward(ctx, grad):
        # self: smooth_l1_loss_backward(grad, self, target, reduction, beta): d / beta inside, sign(d) outside
        xp = ctx.xp
        x, y = ctx.saved_tensors
        d = x - y
        b = ctx.beta
        g = _grad_scale(grad, ctx.reduction, ctx.n) * _where(xp.abs(d) < b, d / b, xp.sign(d))
        need = ctx.needs_input_grad
        return g if need[0] else None, -g if need[1] else None, None, None


class HuberLoss(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("reduction", "n", "delta")

    @staticmethod
    def forward(ctx, x, y, reduction, delta):
        d = x - y
        ctx.reduction, ctx.n, ctx.delta = reduction, d.size, delta
        ctx.save_for_backward(x, y)
        ad = xp.abs(d)
        return _reduce_np(xp.where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta)).astype(d.dtype), reduction)

    @staticmethod
    def backward(ctx, grad):
        # self: huber_loss_backward(grad, self, target, reduction, delta): d inside, delta * sign(d) outside
        xp = ctx.xp
        x, y = ctx.saved_tensors
        d = x - y
        g = _grad_scale(grad, ctx.reduction, ctx.n) * _where(xp.abs(d) < ctx.delta, d, xp.sign(d) * ctx.delta)
        need = ctx.needs_input_grad
        return g if need[0] else None, -g if need[1] else None, None, None


def _regression_args(fname, input, target):
    _check_tensor(fname, "target", 2, target)
    _size_warning(input, target)
    _broadcast_check(input, target)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    reduction = reduction_arg(reduction, size_average, reduce)
    _regression_args("mse_loss", input, target)
    if weight is not None:
        d = input - target
        loss = weight * (d * d)
        return _apply_reduction(loss, reduction)
    return MseLoss.apply(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """``|input - target|``, reduced: a composite, as torch (AbsBackward0 / MeanBackward0 / SumBackward0)."""
    if _function._extras:  # [autocast] l1_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target = fp32_args(input, target)
    reduction = reduction_arg(reduction, size_average, reduce)
    _regression_args("l1_loss", input, target)
    loss = ng.abs(input - target)
    if weight is not None:
        loss = weight * loss
    return _apply_reduction(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = reduction_arg(reduction, size_average, reduce)
    _regression_args("smooth_l1_loss", input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:   # torch falls back to l1_loss
        return l1_loss(input, target, reduction=reduction)
    return SmoothL1Loss.apply(input, target, reduction, float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    reduction = reduction_arg(reduction)
    _regression_args("huber_loss", input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        return _apply_reduction(weight * HuberLoss.apply(input, target, "none", float(delta)), reduction)
    return HuberLoss.apply(input, target, reduction, float(delta))


# ---------------------------------------------------------------------------------------------- binary
class BinaryCrossEntropy(Function):
    _builtin = True
    _ctx_fields = ("reduction", "n")

    @staticmethod
    def forward(ctx, x, y, w, reduction):
        ctx.reduction, ctx.n = reduction, x.size
        ctx.save_for_backward(x, y, w)
        # torch clamps each log at -100, so a saturated prediction costs 100, not inf
        loss = -(y * xp.maximum(xp.log(x), -100) + (1 - y) * xp.maximum(xp.log1p(-x), -100))
        if w is not None:
            loss = loss * w
        return _reduce_np(loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        # self: binary_cross_entropy_backward(grad, self, target, weight, reduction)
        #       = grad * weight * (self - target) / max(self * (1 - self), 1e-12)
        # target: binary_cross_entropy_target_backward(...) = -grad * weight * logit(self)
        xp = ctx.xp
        x, y, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        g = _grad_scale(grad, ctx.reduction, ctx.n)
        if w is not None:
            g = g * w
        gx = gy = None
        if need[0]:
            gx = g * (x - y) / xp.maximum(x * (1 - x), 1e-12)
        if need[1]:
            gy = -g * (xp.log(x) - xp.log1p(-x))
        return gx, gy, None, None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """``-(t log p + (1 - t) log(1 - p))`` on probabilities, each log clamped at -100 as in torch."""
    reduction = reduction_arg(reduction, size_average, reduce)
    _check_tensor("binary_cross_entropy", "target", 2, target)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size (torch.Size({list(target._data.shape)})) that is different to the "
                         f"input size (torch.Size({list(input._data.shape)})) is deprecated. Please ensure they "
                         f"have the same size.")
    x = input._data
    if x.size and (xp.any(x < 0) or xp.any(x > 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    w = None
    if weight is not None:
        w = xp.broadcast_to(weight._data, x.shape)
        if weight._req and is_grad_enabled():
            raise RuntimeError("the derivative for 'weight' is not implemented.")
    return BinaryCrossEntropy.apply(input, target, _t._tracked(weight, w), reduction)  # weight version-checked


def _softplus_neg(x):
    """log(1 + exp(-x)) without overflow, on arrays or Tensors."""
    return xp.logaddexp(0, -x)


class BinaryCrossEntropyWithLogits(Function):
    _builtin = True
    _ctx_fields = ("reduction", "count")

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction):
        ctx.reduction, ctx.count = reduction, x.size
        ctx.save_for_backward(x, y, weight, pos_weight)
        sp = _softplus_neg(x)
        loss = (1 - y) * x + (sp if pos_weight is None else (1 + (pos_weight - 1) * y) * sp)
        if weight is not None:
            loss = loss * weight
        return _reduce_np(loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        # self: ((1 + (pos_weight - 1) * target) * (sigmoid(self) - 1) + 1 - target) * weight * grad
        # target: (-self + (pos_weight - 1) * log1p(exp(-self))) * weight * grad
        from .activation import LogSigmoid, _sigmoid
        x, y, weight, pos_weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        grad = _grad_scale(grad, ctx.reduction, ctx.count)
        if weight is not None:
            grad = grad * weight
        gx = gy = None
        if need[0]:
            sig_m1 = _sigmoid(x) - 1
            gx = grad * ((sig_m1 if pos_weight is None else (1 + (pos_weight - 1) * y) * sig_m1) + 1 - y)
        if need[1]:
            gy = grad * (-x if pos_weight is None else -(pos_weight - 1) * dispatch(LogSigmoid, x) - x)
        return gx, gy, None, None, None


def _binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction="mean"):
    """Sigmoid + binary cross-entropy in one stable step (``log(1 + exp(-x))`` via ``logaddexp``).
    ``nn.functional``'s form (``reduction`` a string); ``npgrad.binary_cross_entropy_with_logits`` is ATen's."""
    reduction = reduction_arg(reduction)
    _check_tensor("binary_cross_entropy_with_logits", "target", 2, target)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size (torch.Size({list(target._data.shape)})) must be the same as input size "
                         f"(torch.Size({list(input._data.shape)}))")
    x = input._data
    for name, t in (("weight", weight), ("pos_weight", pos_weight)):
        if t is not None:
            if t._req and is_grad_enabled():
                raise RuntimeError(f"The function 'binary_cross_entropy_with_logits' is not differentiable with "
                                   f"respect to argument '{name}'. This input cannot have requires_grad True.")
            try:
                xp.broadcast_shapes(t._data.shape, x.shape)
            except ValueError:
                raise RuntimeError(f"The size of {name} {list(t._data.shape)} can't be broadcast to the input "
                                   f"shape {list(x.shape)}") from None
    w = None if weight is None else xp.broadcast_to(weight._data, x.shape)
    pw = None if pos_weight is None else xp.broadcast_to(pos_weight._data, x.shape)
    return BinaryCrossEntropyWithLogits.apply(input, target, _t._tracked(weight, w), _t._tracked(pos_weight, pw),
                                              reduction)  # the weights are version-checked, as torch saves them


class SoftMarginLoss(Function):
    _builtin = True
    _ctx_fields = ("reduction", "n")

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.reduction, ctx.n = reduction, x.size
        ctx.save_for_backward(x, y)
        return _reduce_np(xp.logaddexp(0, -y * x).astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        # self: soft_margin_loss_backward(grad, self, target, reduction) = -grad * target * sigmoid(-target * x)
        from .activation import _sigmoid
        x, y = ctx.saved_tensors
        g = _grad_scale(grad, ctx.reduction, ctx.n)
        need = ctx.needs_input_grad
        s = _sigmoid(-y * x)
        return -g * y * s if need[0] else None, -g * x * s if need[1] else None, None


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = reduction_arg(reduction, size_average, reduce)
    _regression_args("soft_margin_loss", input, target)
    if target._req and is_grad_enabled():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument "
                           "'target'. This input cannot have requires_grad True.")
    shape = xp.broadcast_shapes(input._data.shape, target._data.shape)
    return SoftMarginLoss.apply(input.expand(shape), target.expand(shape), reduction)


# ---------------------------------------------------------------------------------------------- composites
def _kl_div(input, target, reduction="mean", log_target=False):
    """``nn.functional``'s kl_div (``reduction`` a string; 'batchmean' divides the sum by the batch size);
    ``npgrad.kl_div`` is ATen's."""
    if _function._extras:  # [autocast] kl_div is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target = fp32_args(input, target)
    if reduction == "batchmean":
        red = "batchmean"
    else:
        red = reduction_arg(reduction)
        if red == "mean" and isinstance(reduction, str):
            _warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          UserWarning)
    if log_target:
        loss = ng.exp(target) * (target - input)
    else:
        loss = ng.xlogy(target, target) - target * input
    if red == "batchmean":
        if input._data.ndim == 0:
            return ng.sum(loss)
        return ng.sum(loss) / input._data.shape[0]
    return _apply_reduction(loss, red)


def _clamp_min0(x):
    return ng.clamp_min(x, 0)


def _margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``max(0, -target * (input1 - input2) + margin)``, reduced.
    ``nn.functional``'s form (``reduction`` a string); ``npgrad.margin_ranking_loss`` is ATen's."""
    if _function._extras:  # [autocast] margin_ranking_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input1, input2, target = fp32_args(input1, input2, target)
    reduction = reduction_arg(reduction)
    shapes = {input1._data.ndim, input2._data.ndim, target._data.ndim}
    if len(shapes) != 1:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: torch.Size({list(input1._data.shape)}), input2: "
                           f"torch.Size({list(input2._data.shape)}), target: torch.Size({list(target._data.shape)}) ")
    loss = _clamp_min0(-target * (input1 - input2) + margin)
    return _apply_reduction(loss, reduction)


def _hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """``input`` where target is 1, ``max(0, margin - input)`` where it is -1 (torch adds both terms).
    ``nn.functional``'s form (``reduction`` a string); ``npgrad.hinge_embedding_loss`` is ATen's."""
    if _function._extras:  # [autocast] hinge_embedding_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target = fp32_args(input, target)
    reduction = reduction_arg(reduction)
    t = target._data
    zeros = _t.make(xp.zeros((), input._data.dtype))
    margin_term = ng.where(_t.make(t != 1), _clamp_min0(margin - input), zeros)
    self_term = ng.where(_t.make(t != -1), input, zeros)
    return _apply_reduction(margin_term + self_term, reduction)


def _cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``1 - cos`` for target 1, ``max(0, cos - margin)`` for target -1 (cos along the last dim, with the
    ``nn.functional``'s form (``reduction`` a string); ``npgrad.cosine_embedding_loss`` is ATen's."""
    if _function._extras:  # [autocast] cosine_embedding_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input1, input2, target = fp32_args(input1, input2, target)
    reduction = reduction_arg(reduction)
    a, b = input1._data, input2._data
    if a.shape != b.shape:
        raise RuntimeError(f"cosine_embedding_loss: Input1 and input2 must have same shape, but got "
                           f"{list(a.shape)} and {list(b.shape)}")
    dim = a.ndim - 1
    if target._data.ndim != dim or (dim == 1 and target._data.shape[0] != a.shape[0]):
        raise RuntimeError(f"{dim}D target tensor expects {dim + 1}D input tensors, but found inputs with sizes "
                           f"{list(a.shape)} and {list(b.shape)}.")
    prod = ng.sum(input1 * input2, dim)
    m1 = ng.sum(input1 * input1, dim) + 1e-12
    m2 = ng.sum(input2 * input2, dim) + 1e-12
    cos = prod / ng.sqrt(m1 * m2)
    zeros = _t.make(xp.zeros((), a.dtype))
    t = target._data
    pos = ng.where(_t.make(t == 1), 1 - cos, zeros)
    neg = ng.where(_t.make(t == -1), _clamp_min0(cos - margin), zeros)
    return _apply_reduction(pos + neg, reduction)


def _triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction="mean"):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the pairwise distance (``swap``: the smaller of
    ``nn.functional``'s form (``reduction`` a string); ``npgrad.triplet_margin_loss`` is ATen's."""
    if _function._extras:  # [autocast] triplet_margin_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        anchor, positive, negative = fp32_args(anchor, positive, negative)
    from .norm import pairwise_distance
    reduction = reduction_arg(reduction)
    dims = {anchor._data.ndim, positive._data.ndim, negative._data.ndim}
    if len(dims) != 1:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor._data.ndim}D, positive {positive._data.ndim}D, and "
                           f"negative {negative._data.ndim}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ng.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    loss = _clamp_min0(d_pos - d_neg + margin)
    return _apply_reduction(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """``max(margin + d(a, p) - d(a, n), 0)`` with any ``distance_function`` (pairwise_distance by default)."""
    from .norm import pairwise_distance
    reduction = reduction_arg(reduction)
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                         f"instead")
    d = pairwise_distance if distance_function is None else distance_function
    d_pos, d_neg = d(anchor, positive), d(anchor, negative)
    if swap:
        d_neg = ng.minimum(d_neg, d(positive, negative))
    return _apply_reduction(_clamp_min0(margin + d_pos - d_neg), reduction)


def _poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """Poisson negative log-likelihood: ``exp(input) - target * input`` (log_input) or
    ``nn.functional``'s form (``reduction`` a string); ``npgrad.poisson_nll_loss`` is ATen's."""
    if _function._extras:  # [autocast] poisson_nll_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target = fp32_args(input, target)
    reduction = reduction_arg(reduction)
    if log_input:
        loss = ng.exp(input) - target * input
    else:
        loss = input - target * ng.log(input + eps)
    if full:   # Stirling's approximation of log(target!), where target > 1 (differentiable in target)
        big = _t.make(target._data > 1)
        safe = ng.where(big, target, 1.0)
        stirling = safe * ng.log(safe) - safe + 0.5 * ng.log(2 * math.pi * safe)
        loss = loss + ng.where(big, stirling, 0.0)
    return _apply_reduction(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """``0.5 * (log(var) + (input - target)^2 / var)`` (+ 0.5 log(2 pi) with ``full``). ``var`` is clamped
    to ``eps`` in value only (torch clamps a clone under no_grad)."""
    if isinstance(var, (int, float)):
        var = _t.make(xp.full(input._data.shape, var, input._data.dtype))
    x, v = input._data, var._data
    if v.shape != x.shape:
        if x.shape[:-1] == v.shape:
            var = var.unsqueeze(-1)
        elif not (x.shape[:-1] == v.shape[:-1] and v.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if xp.any(var._data < 0):
        raise ValueError("var has negative entry/entries")
    with np.errstate(all="ignore"):  # inf - inf is NaN, silently as in torch
        bump = xp.maximum(var._data, eps) - var._data
    var = var + _t.make(bump.astype(var._data.dtype, copy=False))
    d = input - target
    loss = (ng.log(var) + d * d / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """``-mean over classes of (t log sigmoid(x) + (1 - t) log sigmoid(-x))``, then reduced over the batch."""
    from .activation import logsigmoid
    reduction = reduction_arg(reduction, size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    c = input._data.shape[input._data.ndim - 1]
    loss = ng.sum(loss, input._data.ndim - 1) / c
    if reduction == "none":
        return loss
    return ng.mean(loss) if reduction == "mean" else ng.sum(loss)


# ---------------------------------------------------------------------------------------------- torch.* (ATen) forms
def _aten_reduction(name, reduction, position):
    """ATen's integer reduction as 0 none, 1 mean, 2 sum (any other int is none, as torch; its top-level losses
    take no string, bool or float). An int, so that kl_div's 'mean' warning stays nn.functional's."""
    if reduction.__class__ is int or (isinstance(reduction, numbers.Integral) and not isinstance(reduction, bool)):
        return 1 if reduction == 1 else (2 if reduction == 2 else 0)
    raise TypeError(f"{name}(): argument 'reduction' (position {position}) must be int, not "
                    f"{type(reduction).__name__}")


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """Sigmoid + binary cross-entropy in one stable step (``log(1 + exp(-x))`` via ``logaddexp``).

    Args:
        input (Tensor): the logits.
        target (Tensor): the targets, in ``[0, 1]``, ``input``'s shape.
        weight (Tensor, optional): a rescaling weight broadcast to ``input``.
        pos_weight (Tensor, optional): the weight of the positive examples, per class.
        reduction (int): ATen's 0 (none, the default), 1 (mean) or 2 (sum); any other int is none,
            as torch.

    Example:
        >>> import npgrad as torch
        >>> torch.binary_cross_entropy_with_logits(torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0]))
        tensor([0.6931, 2.1269])
    """
    return _binary_cross_entropy_with_logits(input, target, weight, pos_weight, 
                                             _aten_reduction('binary_cross_entropy_with_logits', reduction, 5))


def kl_div(input, target, reduction=0, *, log_target=False):
    """Pointwise ``target * (log(target) - input)`` (input holds log-probabilities). A composite, as torch; a
    zero target gives 0 (and a NaN target gradient).

    Args:
        input (Tensor): log-probabilities.
        target (Tensor): probabilities (or log-probabilities with ``log_target``).
        reduction (int): ATen's 0 (none, the default), 1 (mean) or 2 (sum); any other int is none,
            as torch.
        log_target (bool, optional): ``target`` holds log-probabilities (default False).

    Example:
        >>> import npgrad as torch
        >>> log_p = torch.tensor([0.25, 0.75]).log()
        >>> q = torch.tensor([0.5, 0.5])
        >>> torch.kl_div(log_p, q, 0)
        tensor([ 0.3466, -0.2027])
    """
    if _function._extras:  # [autocast] kl_div is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target = fp32_args(input, target)
    return _kl_div(input, target, _aten_reduction('kl_div', reduction, 3), log_target)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """``max(0, -target * (input1 - input2) + margin)``, reduced.

    Args:
        input1 (Tensor): the first input.
        input2 (Tensor): the second input.
        target (Tensor): 1 (``input1`` should rank higher) or -1.
        margin (float, optional): the margin of the loss.
        reduction (int): ATen's 0 (none, the default), 1 (mean) or 2 (sum); any other int is none,
            as torch.

    Example:
        >>> import npgrad as torch
        >>> x1 = torch.tensor([1.0, 2.0, 3.0])
        >>> x2 = torch.tensor([2.0, 2.0, 1.0])
        >>> torch.margin_ranking_loss(x1, x2, torch.tensor([1., 1., -1.]), 0.5, 0)
        tensor([1.5000, 0.5000, 2.5000])
    """
    if _function._extras:  # [autocast] margin_ranking_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input1, input2, target = fp32_args(input1, input2, target)
    return _margin_ranking_loss(input1, input2, target, margin, _aten_reduction('margin_ranking_loss', reduction, 5))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """``input`` where target is 1, ``max(0, margin - input)`` where it is -1 (torch adds both terms).

    Args:
        input (Tensor): the input tensor.
        target (Tensor): 1 or -1 for each element.
        margin (float, optional): the margin of the loss.
        reduction (int): ATen's 0 (none, the default), 1 (mean) or 2 (sum); any other int is none,
            as torch.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([0.3, -0.5, 2.0])
        >>> y = torch.tensor([1., -1., -1.])
        >>> torch.hinge_embedding_loss(x, y, 1.0, 0)
        tensor([0.3000, 1.5000, 0.0000])
    """
    if _function._extras:  # [autocast] hinge_embedding_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target = fp32_args(input, target)
    return _hinge_embedding_loss(input, target, margin, _aten_reduction('hinge_embedding_loss', reduction, 4))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """``1 - cos`` for target 1, ``max(0, cos - margin)`` for target -1 (cos along the last dim, with the
    squared norms bumped by 1e-12 as torch does).

    Args:
        input1 (Tensor): the first input.
        input2 (Tensor): the second input.
        target (Tensor): 1 or -1 for each pair.
        margin (float, optional): the margin of the loss.
        reduction (int): ATen's 0 (none, the default), 1 (mean) or 2 (sum); any other int is none,
            as torch.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([[1., 0.], [0., 1.]])
        >>> b = torch.tensor([[1., 0.], [1., 0.]])
        >>> torch.cosine_embedding_loss(a, b, torch.tensor([1, -1]), 0.0, 0)
        tensor([0., 0.])
    """
    if _function._extras:  # [autocast] cosine_embedding_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input1, input2, target = fp32_args(input1, input2, target)
    return _cosine_embedding_loss(input1, input2, target, margin, 
                                  _aten_reduction('cosine_embedding_loss', reduction, 5))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction=0):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the pairwise distance (``swap``: the smaller of
    d(a, n) and d(p, n)).

    Args:
        anchor (Tensor): the anchors.
        positive (Tensor): the positive examples.
        negative (Tensor): the negative examples.
        margin (float, optional): the margin of the loss.
        p (float, optional): the order of the norm (default 2).
        eps (float, optional): a small value for numerical stability.
        swap (bool, optional): use the positive-negative distance when it is smaller (default False).
        reduction (int): ATen's 0 (none, the default), 1 (mean) or 2 (sum); any other int is none,
            as torch.

    Example:
        >>> import npgrad as torch
        >>> a = torch.tensor([[0., 0.], [1., 1.]])
        >>> p = torch.tensor([[0., 1.], [1., 1.]])
        >>> n = torch.tensor([[3., 4.], [1., 2.]])
        >>> torch.triplet_margin_loss(a, p, n, 1.0, 2, 1e-6, False, 0)
        tensor([0.0000e+00, 2.4438e-06])
    """
    if _function._extras:  # [autocast] triplet_margin_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        anchor, positive, negative = fp32_args(anchor, positive, negative)
    return _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, 
                                _aten_reduction('triplet_margin_loss', reduction, 8))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """Poisson negative log-likelihood: ``exp(input) - target * input`` (log_input) or
    ``input - target * log(input + eps)``; ``full`` adds Stirling's term where target > 1.

    Args:
        input (Tensor): the predicted rates (their logs with ``log_input``).
        target (Tensor): the observed counts.
        log_input (bool): ``input`` is the log of the rate.
        full (bool): add the Stirling term.
        eps (float): added inside the log when ``log_input`` is False.
        reduction (int): ATen's 0 (none, the default), 1 (mean) or 2 (sum); any other int is none,
            as torch.

    Example:
        >>> import npgrad as torch
        >>> torch.poisson_nll_loss(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0]), True, False, 1e-8, 1)
        tensor(0.8591)
    """
    if _function._extras:  # [autocast] poisson_nll_loss is on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, target = fp32_args(input, target)
    return _poisson_nll_loss(input, target, log_input, full, eps, _aten_reduction('poisson_nll_loss', reduction, 6))
