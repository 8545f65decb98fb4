"""``PixelShuffle``, ``PixelUnshuffle``, ``Upsample`` (and its nearest/bilinear 2-D shorthands)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["PixelShuffle", "PixelUnshuffle", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class PixelShuffle(Module):
    """(N, C r^2, H, W) -> (N, C, H r, W r).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.PixelShuffle(2)
        >>> m(torch.ones(1, 8, 3, 3)).shape
        npgrad.Size([1, 2, 6, 6])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(N, C, H r, W r) -> (N, C r^2, H, W).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.PixelUnshuffle(2)
        >>> m(torch.ones(1, 2, 6, 6)).shape
        npgrad.Size([1, 8, 3, 3])
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class Upsample(Module):
    """``F.interpolate`` to ``size`` or by ``scale_factor`` with ``mode`` (nearest, linear, bilinear, ...).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Upsample(scale_factor=2, mode='nearest')
        >>> m(torch.tensor([[[1.0, 2.0]]]))
        tensor([[[1., 1., 2., 2.]]])
        >>> torch.nn.Upsample(size=5, mode='linear', align_corners=True)(torch.tensor([[[1.0, 2.0, 4.0]]]))
        tensor([[[1.0000, 1.5000, 2.0000, 3.0000, 4.0000]]])
    """

    def __init__(self, size: int | tuple[int, ...] | None = None, scale_factor: float | tuple[float, ...] | None = None,
                 mode: str = "nearest", align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def __setstate__(self, state):
        state.setdefault("recompute_scale_factor", True)
        super().__setstate__(state)

    def extra_repr(self) -> str:
        info = ("scale_factor=" + repr(self.scale_factor) if self.scale_factor is not None
                else "size=" + repr(self.size))
        return info + ", mode=" + repr(self.mode)


class UpsamplingNearest2d(Upsample):
    """Deprecated: nearest-neighbour upsampling of :math:`(N, C, H, W)`, :class:`Upsample` with
    ``mode='nearest'``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.UpsamplingNearest2d(scale_factor=2)
        >>> m(torch.tensor([[[[1.0, 2.0]]]]))
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.]]]])
    """

    def __init__(self, size: int | tuple[int, ...] | None = None,
                 scale_factor: float | tuple[float, ...] | None = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Deprecated: bilinear upsampling of :math:`(N, C, H, W)`, :class:`Upsample` with ``mode='bilinear',
    align_corners=True``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.UpsamplingBilinear2d(size=(1, 3))
        >>> m(torch.tensor([[[[0.0, 2.0]]]]))
        tensor([[[[0., 1., 2.]]]])
    """

    def __init__(self, size: int | tuple[int, ...] | None = None,
                 scale_factor: float | tuple[float, ...] | None = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
