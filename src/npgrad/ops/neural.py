"""Neural-network ops with fused, numerically stable formulas (losses first)."""
import numpy as np

from ..autograd.function import Function
from .. import _tensor as _t
from ..autograd.grad_mode import is_grad_enabled

__all__ = ["binary_cross_entropy_with_logits"]  # npgrad.* names; nn.functional picks its own

_REDUCTIONS = ("none", "mean", "sum")


def _softplus_neg(x):
    """log(1 + exp(-x)) without overflow, on arrays or Tensors."""
    return np.logaddexp(0, -x)


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
        if reduction == "mean":
            return np.mean(loss, dtype=loss.dtype)
        if reduction == "sum":
            return np.sum(loss, dtype=loss.dtype)
        return loss

    @staticmethod
    def backward(ctx, grad):
        # self: ((1 + (pos_weight - 1) * target) * (sigmoid(self) - 1) + 1 - target) * weight * grad
        # target: (-self + (pos_weight - 1) * log1p(exp(-self))) * weight * grad
        x, y, weight, pos_weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        if ctx.reduction == "mean":
            grad = grad / ctx.count
        if weight is not None:
            grad = grad * weight
        gx = gy = None
        if need[0]:
            sig_m1 = np.exp(-np.logaddexp(0, -x)) - 1
            gx = grad * ((sig_m1 if pos_weight is None else (1 + (pos_weight - 1) * y) * sig_m1) + 1 - y)
        if need[1]:
            gy = grad * (-x if pos_weight is None else (pos_weight - 1) * _softplus_neg(x) - x)
        return gx, gy, None, None, None


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable step (``log(1 + exp(-x))`` via ``logaddexp``)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if not isinstance(target, _t.Tensor):
        raise TypeError(f"binary_cross_entropy_with_logits(): argument 'target' (position 2) must be Tensor, "
                        f"not {type(target).__name__}")
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})"
                         .replace("npgrad.Size", "torch.Size"))
    x = input._data
    for name, t in (("weight", weight), ("pos_weight", pos_weight)):
        if t is not None:
            if t._req and is_grad_enabled():
                raise RuntimeError(f"The function 'binary_cross_entropy_with_logits' is not differentiable with "
                                   f"respect to argument '{name}'. This input cannot have requires_grad True.")
            try:
                np.broadcast_shapes(t._data.shape, x.shape)
            except ValueError:
                raise RuntimeError(f"The size of {name} {list(t._data.shape)} can't be broadcast to the input "
                                   f"shape {list(x.shape)}") from None
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)


def _legacy_reduction(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")
