"""``autocast``: torch's context manager and decorator, without a lower-precision mode (see ``npgrad.amp``)."""
from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING, Any, Callable, Literal

if TYPE_CHECKING:
    from .._dtype import dtype as _DType

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "get_autocast_dtype",
           "set_autocast_enabled", "custom_fwd", "custom_bwd"]

_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
_enabled = {}                                # device_type -> bool, while an autocast block is active
_dtype = {}                                  # device_type -> the dtype autocast would use there


def _default_dtype(device_type):
    from .. import _dtype as D
    if device_type == "cpu":
        return getattr(D, "bfloat16", None) or _Missing("npgrad.bfloat16")
    return D.float16


class _Missing:
    """Stands for a dtype npgrad does not have (bfloat16 before it lands): named, never used to compute."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast supports ``device_type`` (``'cpu'`` is the one npgrad runs on).

    torch has it as ``torch.amp.is_autocast_available``; npgrad also exposes it here. npgrad does not implement
    autocast's mixed precision: turning it on raises ``NotImplementedError`` (cast the model and inputs explicitly
    instead; see :doc:`/differences`).

    Args:
        device_type (str): a device type such as ``'cpu'``.

    Returns:
        bool: True for the device types torch's autocast knows.

    Example:
        >>> import npgrad as torch
        >>> torch.amp.is_autocast_available('cpu')
        True
    """
    return device_type in ("cpu", "cuda", "mps", "xpu", "hpu", "xla", "mtia", "maia", "privateuseone")


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether autocast is on for ``device_type`` (``'cuda'`` when it is not given, as in torch).

    npgrad does not implement autocast's mixed precision: turning it on raises ``NotImplementedError`` (cast the model
    and inputs explicitly instead; see :doc:`/differences`).

    Args:
        device_type (str, optional): the device type.

    Returns:
        bool: the setting.

    Example:
        >>> import npgrad as torch
        >>> torch.is_autocast_enabled('cpu')
        False
    """
    return _enabled.get(device_type or "cuda", False)


def get_autocast_dtype(device_type: str) -> Any:
    """The dtype autocast uses for ``device_type``: ``bfloat16`` for the CPU, ``float16`` for CUDA unless changed.

    npgrad does not implement autocast's mixed precision: turning it on raises ``NotImplementedError`` (cast the model
    and inputs explicitly instead; see :doc:`/differences`).

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        npgrad.dtype: the dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.get_autocast_dtype('cpu') == torch.bfloat16
        True
    """
    return _dtype.get(device_type) or _default_dtype(device_type)


def set_autocast_enabled(device_type: Any, enabled: bool | None = None) -> None:
    """Turns autocast on or off for ``device_type``; prefer the ``autocast`` context manager, which restores it.

    npgrad does not implement autocast's mixed precision: turning it on raises ``NotImplementedError`` (cast the model
    and inputs explicitly instead; see :doc:`/differences`).

    Args:
        device_type (str): the device type (torch's older form ``set_autocast_enabled(enabled)`` means CUDA).
        enabled (bool): the setting.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_autocast_enabled('cpu', False)
        >>> torch.is_autocast_enabled('cpu')
        False
    """
    if enabled is None:  # the old one-argument form set the CUDA flag
        device_type, enabled = "cuda", device_type
    if enabled:
        raise NotImplementedError("npgrad does not implement autocast mixed precision: its ops run in their "
                                  "inputs' dtype; cast the model and inputs explicitly instead")
    _enabled[device_type] = False


class autocast:
    """``with npgrad.autocast("cpu", enabled=False):`` or ``@npgrad.autocast("cuda")``: as torch.

    >>> import npgrad as torch
    >>> with torch.autocast("cuda"):  # no CUDA: torch warns and disables autocast, so does npgrad
    ...     pass  # doctest: +SKIP
    """

    def __init__(self, device_type: str, dtype: _DType | None = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type.split(":")[0] not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                               f"string: {device_type}")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else get_autocast_dtype(device_type)
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        if enabled and device_type != "cpu":
            if device_type == "cuda":
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.")
            else:
                warnings.warn(f"User specified an unsupported autocast device_type '{device_type}'")
            enabled = False
        elif enabled:
            if str(self.fast_dtype).rsplit(".", 1)[-1] not in ("float16", "bfloat16"):
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                              "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.")
                enabled = False
            else:
                raise NotImplementedError(
                    f"npgrad does not implement autocast to {self.fast_dtype}: its ops run in their inputs' dtype. "
                    f"Use autocast(..., enabled=False), or cast the model and inputs to the dtype you want.")
        self._enabled = enabled

    def __enter__(self) -> autocast:
        self._prev = (_enabled.get(self.device, False), _dtype.get(self.device))
        _enabled[self.device] = self._enabled
        _dtype[self.device] = self.fast_dtype
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        _enabled[self.device], _dtype[self.device] = self._prev
        return False

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorated


def custom_fwd(fwd: Callable[..., Any] | None = None, *, device_type: str | None = None,
               cast_inputs: _DType | None = None) -> Callable[..., Any]:
    """Decorator for a custom Function's ``forward``: runs it unchanged (npgrad's autocast never lowers dtypes)."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd: Callable[..., Any] | None = None, *, device_type: str | None = None) -> Callable[..., Any]:

    """Decorator for a custom Function's ``backward``: runs it unchanged."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
