"""``npgrad.backends.opt_einsum``: contraction-order switches for ``einsum`` (NumPy's ``optimize`` decides)."""
from __future__ import annotations
enabled = True
strategy = "auto"


def is_available() -> bool:
    """Whether the opt_einsum package is installed, as torch reports it."""
    import importlib.util
    return importlib.util.find_spec("opt_einsum") is not None
