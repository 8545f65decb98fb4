"""``npgrad.cpu``: torch.cpu's device module (the device npgrad computes on), and ``cpu.amp``."""
from . import amp  # noqa: F401

__all__ = ["is_available", "device_count", "current_device", "set_device", "synchronize", "is_initialized",
           "current_stream", "stream", "Stream", "Event", "StreamContext", "get_capabilities", "amp"]


def is_available():
    return True


def is_initialized():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def set_device(device):
    """Only the CPU exists: nothing to switch to."""


def synchronize(device=None):
    """CPU work is synchronous: nothing to wait for."""


class Stream:
    """The CPU's one stream (a no-op), as torch.cpu.Stream."""

    def __init__(self, priority=-1):
        pass

    def wait_stream(self, stream):
        pass

    def synchronize(self):
        pass

    def query(self):
        return True


class Event:
    def query(self):
        return True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass

    def wait(self, stream=None):
        pass


_current = Stream()


def current_stream(device=None):
    return _current


class StreamContext:
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def stream(stream):
    return StreamContext(stream)


def get_capabilities():
    from ..backends.cpu import get_cpu_capability
    return {"cpu_capability": get_cpu_capability()}
