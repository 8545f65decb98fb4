"""``npgrad.mps``: Apple's Metal device, as a torch build without MPS answers."""
from __future__ import annotations

__all__ = ["is_available", "device_count", "manual_seed", "seed", "synchronize", "empty_cache",
           "current_allocated_memory", "driver_allocated_memory", "recommended_max_memory"]


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """No-op without an MPS device, as in torch."""


def seed() -> None:
    """No-op without an MPS device, as in torch."""


def synchronize() -> None:
    raise RuntimeError("Cannot execute deviceSynchronize() without MPS backend.")


def empty_cache() -> None:
    raise RuntimeError("Cannot execute emptyCache() without MPS backend.")


def current_allocated_memory() -> int:
    raise RuntimeError("Cannot execute getCurrentAllocatedMemory() without MPS backend.")


def driver_allocated_memory() -> int:
    raise RuntimeError("Cannot execute getDriverAllocatedMemory() without MPS backend.")


def recommended_max_memory() -> int:
    raise RuntimeError("Cannot execute getRecommendedMaxMemory() without MPS backend.")
