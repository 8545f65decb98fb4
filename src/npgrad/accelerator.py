"""``npgrad.accelerator``: torch's device-generic accelerator API. npgrad has no accelerator, so it reports none
and refuses the calls that need one with torch's error.

>>> import npgrad as torch
>>> torch.accelerator.current_accelerator() is None
True
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Literal, NoReturn

__all__ = ["is_available", "device_count", "current_accelerator", "current_device_index", "current_device_idx",
           "set_device_index", "set_device_idx", "current_stream", "set_stream", "synchronize", "device_index",
           "empty_cache", "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved",
           "memory_stats", "reset_peak_memory_stats", "reset_accumulated_memory_stats", "get_memory_info"]

_NONE = "Cannot access accelerator device when none is available."


def _none(*args: Any, **kwargs: Any) -> NoReturn:
    raise RuntimeError(_NONE)


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def current_accelerator(check_available: bool = False) -> None:
    return None


current_device_index = current_device_idx = set_device_index = set_device_idx = _none
current_stream = set_stream = synchronize = _none
empty_cache = memory_allocated = max_memory_allocated = memory_reserved = max_memory_reserved = _none
memory_stats = reset_peak_memory_stats = reset_accumulated_memory_stats = get_memory_info = _none


class device_index:
    """``with torch.accelerator.device_index(i):`` - ``None`` is a no-op; an index needs a device."""

    def __init__(self, device: Any, /) -> None:
        self.idx = device

    def __enter__(self) -> device_index:
        if self.idx is not None:
            _none()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        return False
