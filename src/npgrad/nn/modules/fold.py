"""``Fold`` and ``Unfold`` (``torch.nn.modules.fold``): sliding blocks to columns and back, over
``F.fold``/``F.unfold``.

>>> import npgrad as torch
>>> torch.nn.Unfold(kernel_size=2)(torch.zeros(1, 3, 4, 4)).shape
npgrad.Size([1, 12, 9])
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..common_types import _size_any_t

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    """Sums columns ``(N, C*prod(kernel_size), L)`` back into an image of ``output_size``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Fold(output_size=(3, 3), kernel_size=2)
        >>> m(torch.ones(1, 4, 4))
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """

    def __init__(self, output_size: _size_any_t, kernel_size: _size_any_t, dilation: _size_any_t = 1,
                 padding: _size_any_t = 0, stride: _size_any_t = 1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """Extracts sliding blocks of an image ``(N, C, H, W)`` as columns ``(N, C*prod(kernel_size), L)``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Unfold(kernel_size=2)
        >>> m(torch.arange(9.0).reshape(1, 1, 3, 3))
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
    """

    def __init__(self, kernel_size: _size_any_t, dilation: _size_any_t = 1, padding: _size_any_t = 0,
                 stride: _size_any_t = 1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")
