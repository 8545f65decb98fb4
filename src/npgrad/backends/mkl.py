"""``npgrad.backends.mkl``: whether NumPy's BLAS is Intel's MKL."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Literal


@functools.lru_cache(maxsize=None)
def is_available() -> bool:
    import numpy as np
    try:
        info = np.show_config(mode="dicts")
    except TypeError:  # NumPy < 1.25
        return False
    blas = (info or {}).get("Build Dependencies", {}).get("blas", {})
    return "mkl" in str(blas.get("name", "")).lower()


class verbose:
    """``with torch.backends.mkl.verbose(level):`` - MKL's verbose log; a no-op context here."""
    VERBOSE_OFF = 0
    VERBOSE_ON = 1

    def __init__(self, enable: int) -> None:
        self.enable = enable

    def __enter__(self) -> verbose:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        return False
