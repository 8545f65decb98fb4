"""``npgrad.cuda``: torch.cuda as a CPU-only torch build answers it.

npgrad computes on the CPU, so this module says what ``torch.cuda`` says in a build without CUDA: nothing is
available (``is_available()`` is False, ``device_count()`` is 0), seeding and cache calls are no-ops, memory
counters read 0, and anything that needs a device raises torch's ``AssertionError("Torch not compiled with CUDA
enabled")``. Scripts written as ``device = "cuda" if torch.cuda.is_available() else "cpu"`` thus run on the CPU.

>>> import npgrad as torch
>>> "cuda" if torch.cuda.is_available() else "cpu"
'cpu'
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import amp  # noqa: F401  (torch.cuda.amp.GradScaler / autocast)

__all__ = ["is_available", "device_count", "current_device", "get_device_name", "get_device_capability",
           "get_device_properties", "manual_seed", "manual_seed_all", "seed", "seed_all", "initial_seed",
           "synchronize", "empty_cache", "is_initialized", "init", "memory_allocated", "max_memory_allocated",
           "memory_reserved", "max_memory_reserved", "memory_cached", "memory_stats", "reset_peak_memory_stats",
           "reset_max_memory_allocated", "set_device", "device", "device_of", "Stream", "Event", "current_stream",
           "default_stream", "stream", "is_bf16_supported", "is_tf32_supported", "get_rng_state",
           "set_rng_state", "get_rng_state_all", "set_rng_state_all", "get_arch_list", "mem_get_info",
           "ipc_collect", "set_per_process_memory_fraction", "OutOfMemoryError", "amp", "nvtx"]

if TYPE_CHECKING:
    from typing import Any, Iterable, Literal, NoReturn

    from npgrad._tensor import Tensor

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def _lazy_init() -> NoReturn:
    raise AssertionError(_NOT_COMPILED)


class OutOfMemoryError(RuntimeError):
    """Raised by torch when a device allocation fails; never raised by npgrad (kept for ``except`` clauses)."""


def is_available() -> bool:
    """False: npgrad has no CUDA device."""
    return False


def _is_compiled() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def init() -> None:
    _lazy_init()


def current_device() -> int:
    _lazy_init()


def get_device_name(device: Any = None) -> str:
    _lazy_init()


def get_device_capability(device: Any = None) -> tuple[int, int]:
    _lazy_init()


def get_device_properties(device: Any = None) -> Any:
    _lazy_init()


def get_arch_list() -> list[str]:
    return []


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def is_tf32_supported() -> bool:
    return False


# -------------------------------------------------------------------------- RNG: no device generators to seed
def manual_seed(seed: int) -> None:
    """No-op, as in torch without CUDA (seeding is lazy there and never happens)."""


def manual_seed_all(seed: int) -> None:
    """No-op, as in torch without CUDA."""


def seed() -> None:
    """No-op, as in torch without CUDA."""


def seed_all() -> None:
    """No-op, as in torch without CUDA."""


def initial_seed() -> int:
    _lazy_init()


def get_rng_state(device: Any = "cuda") -> Tensor:
    _lazy_init()


def set_rng_state(new_state: Tensor, device: Any = "cuda") -> None:
    _lazy_init()


def get_rng_state_all() -> list[Tensor]:
    return []


def set_rng_state_all(new_states: Iterable[Tensor]) -> None:
    for state in new_states:  # one per device: there are none
        set_rng_state(state)


# -------------------------------------------------------------------------- synchronisation and memory
def synchronize(device: Any = None) -> None:
    _lazy_init()


def empty_cache() -> None:
    """No-op: there is no device cache to empty."""


def ipc_collect() -> None:
    _lazy_init()


def mem_get_info(device: Any = None) -> tuple[int, int]:
    _lazy_init()


def set_per_process_memory_fraction(fraction: float, device: Any = None) -> None:
    _lazy_init()


def memory_allocated(device: Any = None) -> int:
    return 0


def max_memory_allocated(device: Any = None) -> int:
    return 0


def memory_reserved(device: Any = None) -> int:
    return 0


def max_memory_reserved(device: Any = None) -> int:
    return 0


def memory_cached(device: Any = None) -> int:
    return 0


def memory_stats(device: Any = None) -> dict[str, Any]:
    import collections
    return collections.OrderedDict()


def reset_peak_memory_stats(device: Any = None) -> None:
    _lazy_init()


def reset_max_memory_allocated(device: Any = None) -> None:
    _lazy_init()


def set_device(device: Any) -> None:
    _lazy_init()


class device:
    """``with torch.cuda.device(i):`` - entering it raises, as in torch without CUDA."""

    def __init__(self, device: Any) -> None:
        self.idx = device

    def __enter__(self) -> device:
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc: object) -> Literal[False]:
        return False


class device_of(device):
    """``torch.cuda.device_of(tensor)``: a no-op context for a CPU tensor (its device index is -1)."""

    def __init__(self, obj: Any) -> None:
        self.idx = -1

    def __enter__(self) -> device_of:
        return self


class Stream:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("torch.cuda.Stream requires CUDA support")


class Event:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("Tried to instantiate dummy base class Event")


def current_stream(device: Any = None) -> Stream:
    _lazy_init()


def default_stream(device: Any = None) -> Stream:
    _lazy_init()


class stream:
    """``with torch.cuda.stream(s):`` - a no-op for ``None``, as in torch."""

    def __init__(self, stream: Any) -> None:
        if stream is not None:
            _lazy_init()
        self.stream = stream

    def __enter__(self) -> stream:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        return False


class _Nvtx:
    """``torch.cuda.nvtx``: markers for NVIDIA's profiler; absent in a CPU build."""

    def _missing(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")

    range_push = range_pop = mark = range = range_start = range_end = _missing


nvtx = _Nvtx()


# torch.cuda.FloatTensor and the other legacy CUDA tensor types (constructing one raises)
def __getattr__(name: str) -> Any:
    from .._legacy import cuda_types
    if name in cuda_types:
        return cuda_types[name]
    raise AttributeError(f"module 'npgrad.cuda' has no attribute '{name}'")
