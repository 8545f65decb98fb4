"""``npgrad.cpu``: torch.cpu's device module (the device npgrad computes on), and ``cpu.amp``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import amp  # noqa: F401

if TYPE_CHECKING:
    from typing import Any, Literal

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize", "is_initialized",
           "current_stream", "stream", "Stream", "Event", "StreamContext", "get_capabilities", "amp"]


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device: Any) -> None:
    """Only the CPU exists: nothing to switch to."""


def synchronize(device: Any = None) -> None:
    """CPU work is synchronous: nothing to wait for."""


class Stream:
    """The CPU's one stream (a no-op), as torch.cpu.Stream."""

    def __init__(self, priority: int = -1) -> None:
        pass

    def wait_stream(self, stream: Stream) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def query(self) -> bool:
        return True


class Event:
    def query(self) -> bool:
        return True

    def record(self, stream: Stream | None = None) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def wait(self, stream: Stream | None = None) -> None:
        pass


_current = Stream()


def current_stream(device: Any = None) -> Stream:
    return _current


class StreamContext:
    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream

    def __enter__(self) -> StreamContext:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        return False


def stream(stream: Stream | None) -> StreamContext:
    return StreamContext(stream)


def get_capabilities() -> dict[str, str]:
    from ..backends.cpu import get_cpu_capability
    return {"cpu_capability": get_cpu_capability()}
