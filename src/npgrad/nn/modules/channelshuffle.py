"""``ChannelShuffle`` (``torch.nn.modules.channelshuffle``): interleaves channel groups (ShuffleNet).

>>> import npgrad as torch
>>> torch.nn.ChannelShuffle(2)(torch.arange(4.0).reshape(1, 4, 1)).flatten()
tensor([0., 2., 1., 3.])
"""
from __future__ import annotations

from .. import functional as F
from .module import Module

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..._tensor import Tensor
    from ..parameter import Parameter
    from ..common_types import (_device_t, _dtype_t, _ratio_2_t, _ratio_3_t, _ratio_any_t, _size_1_t, _size_2_t,
                                _size_3_t, _size_any_opt_t, _size_any_t)

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
