"""``npgrad.amp``: automatic mixed precision's interface (``autocast``, ``GradScaler``), as ``torch.amp``.

npgrad runs every op in the dtype of its inputs. ``autocast`` therefore works exactly where torch's would do
nothing (``enabled=False``, a device that is not available, a dtype torch's CPU autocast refuses, each with
torch's warning); asked really to lower precision (CPU autocast to float16/bfloat16) it raises
``NotImplementedError`` rather than silently computing in float32. ``GradScaler`` is the real loss scaler.
"""
from .autocast_mode import autocast, is_autocast_available, custom_fwd, custom_bwd

__all__ = ["autocast", "GradScaler", "is_autocast_available", "custom_fwd", "custom_bwd", "OptState"]


def __getattr__(name):
    """``GradScaler`` and ``OptState`` (amp/grad_scaler.py) load on first use: ``import npgrad`` imports
    ``autocast`` from here."""
    if name in ("GradScaler", "OptState"):
        from . import grad_scaler
        return getattr(grad_scaler, name)
    raise AttributeError(f"module 'npgrad.amp' has no attribute '{name}'")
