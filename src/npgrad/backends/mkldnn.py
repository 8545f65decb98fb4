"""``npgrad.backends.mkldnn``: oneDNN's switch. npgrad does not use oneDNN, so it is not available."""
from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Iterator

enabled = True
deterministic = False


def is_available() -> bool:
    return False


@contextlib.contextmanager
def flags(enabled: bool = False, deterministic: bool = False) -> Iterator[None]:
    g = globals()
    old = (g["enabled"], g["deterministic"])
    g.update(enabled=enabled, deterministic=deterministic)
    try:
        yield
    finally:
        g["enabled"], g["deterministic"] = old
