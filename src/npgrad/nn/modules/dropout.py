"""Dropout modules: active in training mode, the identity in eval mode.

>>> import npgrad as torch
>>> d = torch.nn.Dropout(0.5).eval()
>>> bool((d(torch.ones(4)) == 1).all())
True
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes each element with probability ``p`` and scales the rest by ``1 / (1 - p)`` (training only).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Dropout(p=0.5)
        >>> y = m(torch.ones(8))
        >>> set(y.tolist()) <= {0.0, 2.0}
        True
        >>> _ = m.eval()
        >>> m(torch.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of (N, C, L) or (C, L).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Dropout1d(0.5)
        >>> y = m(torch.ones(1, 4, 3))
        >>> bool(((y == 0) | (y == 2)).all())
        True
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Dropout2d(0.5)
        >>> m(torch.ones(2, 3, 4, 4)).shape
        npgrad.Size([2, 3, 4, 4])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's mean and variance.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.AlphaDropout(0.2)
        >>> m(torch.ones(2, 3)).shape
        npgrad.Size([2, 3])
        >>> _ = m.eval()
        >>> m(torch.tensor([1.0, -1.0]))
        tensor([ 1., -1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    def forward(self, input: Tensor) -> Tensor:
        return F.feature_alpha_dropout(input, self.p, self.training)
