"""``npgrad.cuda.amp``: torch's deprecated CUDA spellings of ``npgrad.amp`` (CUDA is never available here, so
both disable themselves with torch's warnings)."""
from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ..._dtype import dtype as _DType

from ...amp import autocast_mode as _ac, grad_scaler as _gs
from ..._warn import warn as _warn

__all__ = ["autocast", "GradScaler", "custom_fwd", "custom_bwd"]


class autocast(_ac.autocast):
    def __init__(self, enabled: bool = True, dtype: _DType | None = None, cache_enabled: bool = True) -> None:
        _warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning)
        from ... import float16
        super().__init__("cuda", dtype=float16 if dtype is None else dtype, enabled=enabled,
                         cache_enabled=cache_enabled)


class GradScaler(_gs.GradScaler):
    def __init__(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        _warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning)
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval, enabled=enabled)


def custom_fwd(fwd: Callable[..., Any] | None = None, *, cast_inputs: _DType | None = None) -> Callable[..., Any]:
    return _ac.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs) if fwd is not None else \
        functools.partial(custom_fwd, cast_inputs=cast_inputs)


def custom_bwd(bwd: Callable[..., Any]) -> Callable[..., Any]:

    return _ac.custom_bwd(bwd, device_type="cuda")
