"""``npgrad.backends.openmp``: npgrad runs no OpenMP kernels of its own."""
from __future__ import annotations


def is_available() -> bool:
    return False
