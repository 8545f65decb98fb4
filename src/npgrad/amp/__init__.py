"""``npgrad.amp``: automatic mixed precision (``autocast``, ``GradScaler``), as ``torch.amp``.

``autocast("cpu", dtype=npgrad.bfloat16)`` (the CPU default; ``float16`` too) runs the ops on torch's CPU
lower-precision list (matmul, linear, conv, ...) in that dtype, those on its float32 list (the losses, ...) in
float32, cat/stack/index_copy in their widest input type, and every other op in its inputs' dtype; the casts are
recorded (``ToCopyBackward0``) so the float32 parameters get float32 gradients (see ``autocast_mode``). Other
device types warn and disable themselves, as in torch without that device. bfloat16 needs the optional
``ml_dtypes`` package. ``GradScaler`` is the real loss scaler.
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
