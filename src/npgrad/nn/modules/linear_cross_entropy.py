"""``nn.LinearCrossEntropyLoss``: a Linear layer (C * prod(out_features) outputs) whose logits go straight into
cross entropy, as torch's. Pickles name it by torch's path, ``nn.modules.loss`` (re-exported there)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .. import functional as F
from .linear import Linear
from .loss import _WeightedLoss

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..._tensor import Tensor
    from ..common_types import _device_t, _dtype_t

__all__ = ["LinearCrossEntropyLoss"]


class LinearCrossEntropyLoss(_WeightedLoss):
    """``F.linear_cross_entropy(input, linear.weight, target, ...)`` with the layer's own ``linear``.

    Example::

        >>> import npgrad as torch
        >>> loss_fn = torch.nn.LinearCrossEntropyLoss(2, 3)  # in_features=2, num_classes=3
        >>> with torch.no_grad():
        ...     _ = loss_fn.linear.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
        >>> x = torch.tensor([[1.0, 2.0], [0.5, -1.0]])
        >>> loss_fn(x, torch.tensor([2, 0]))
        tensor(0.4360, grad_fn=<NllLossBackward0>)
        >>> torch.nn.functional.cross_entropy(loss_fn.linear(x), torch.tensor([2, 0]))
        tensor(0.4360, grad_fn=<NllLossBackward0>)
    """
    __constants__ = ["num_classes", "out_features", "reduction", "ignore_index", "label_smoothing"]

    def __init__(self, in_features: int, num_classes: int, *, out_features: Sequence[int] = (), bias: bool = False,
                 device: _device_t = None, dtype: _dtype_t = None, reduction: str = "mean",
                 weight: Tensor | None = None, ignore_index: int | None = None, label_smoothing: float = 0.0,
                 options: Any = None) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        if options is not None:
            raise NotImplementedError("LinearCrossEntropyLoss: options (the chunked path) is not implemented by "
                                      "npgrad; pass options=None")
        super().__init__(weight=weight, size_average=None, reduce=None, reduction=reduction)
        self.num_classes = num_classes
        self.out_features = tuple(out_features)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        self.linear = Linear(in_features, math.prod(self.out_features) * num_classes, bias=bias, device=device,
                             dtype=dtype)
        self.options = options

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        w = self.linear.weight.reshape((self.num_classes,) + self.out_features + (self.linear.in_features,))
        b = None if self.linear.bias is None else self.linear.bias.reshape((self.num_classes,) + self.out_features)
        return F.linear_cross_entropy(input, w, target, linear_bias=b, weight=self.weight, reduction=self.reduction,
                                      ignore_index=self.ignore_index, label_smoothing=self.label_smoothing,
                                      options=self.options)

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")


LinearCrossEntropyLoss.__module__ = "npgrad.nn.modules.loss"   # torch.nn.modules.loss.LinearCrossEntropyLoss
