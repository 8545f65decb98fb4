"""``npgrad.cpu.amp``: torch's deprecated CPU spellings of ``npgrad.amp``."""
import warnings

from ..amp import autocast_mode as _ac
from ..amp.grad_scaler import GradScaler as _GradScaler
from .._warn import warn as _warn

__all__ = ["autocast", "GradScaler"]


class autocast(_ac.autocast):
    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        _warn("`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cpu', args...)` instead.", FutureWarning)
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_GradScaler):
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _warn("`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cpu', args...)` instead.", FutureWarning)
        super().__init__("cpu", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)
