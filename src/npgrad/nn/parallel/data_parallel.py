"""``DataParallel``: torch's single-process multi-GPU wrapper. With no GPU (always, in npgrad) torch's
DataParallel keeps ``device_ids`` empty and calls the wrapped module directly; so does this one, so
``model = nn.DataParallel(model)`` runs unchanged and state_dict keys carry torch's ``module.`` prefix."""
from __future__ import annotations

from typing import Any, Sequence

from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    def __init__(self, module: Module, device_ids: Sequence[Any] | None = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        if device_ids:
            raise AssertionError("Torch not compiled with CUDA enabled")
        self.module = module
        self.device_ids = []
        self.dim = dim
        self.output_device = None
        self.src_device_obj = None

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs: Any, device_ids: Sequence[Any] | None = None, output_device: Any = None,
                  dim: int = 0, module_kwargs: dict[str, Any] | None = None) -> Any:
    """The functional form: with no GPU, ``module(*inputs, **module_kwargs)``."""
    if device_ids:
        raise AssertionError("Torch not compiled with CUDA enabled")
    if not isinstance(inputs, tuple):
        inputs = (inputs,)
    return module(*inputs, **(module_kwargs or {}))
