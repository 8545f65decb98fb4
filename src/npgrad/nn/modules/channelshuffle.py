"""``ChannelShuffle`` (``torch.nn.modules.channelshuffle``): interleaves channel groups (ShuffleNet).

>>> import npgrad as torch
>>> torch.nn.ChannelShuffle(2)(torch.arange(4.0).reshape(1, 4, 1)).flatten()
tensor([0., 2., 1., 3.])
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """Splits the C channels of ``(N, C, *)`` into ``groups`` groups and interleaves them.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.ChannelShuffle(2)
        >>> m(torch.arange(4.0).reshape(1, 4, 1)).flatten()
        tensor([0., 2., 1., 3.])
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
