"""``autocast``: torch's CPU automatic mixed precision, as a context manager and decorator.

While CPU autocast is on (``autocast("cpu", dtype=...)``, bfloat16 unless told), every ``Function.apply`` goes
through ``_apply_extras`` (autocast is an "extra", npgrad/autograd/function.py), which calls ``cast_step``: an op
class found in ``_policy()`` gets its floating arguments cast as torch's CPU autocast casts them, each cast a
recorded ``.to`` (``ToCopyBackward0``) so gradients flow back to the float32 tensors in float32:

- ``"lower"`` (torch's CPU lower-precision list: mm, matmul, bmm, addmm, baddbmm, addbmm, conv*, conv_transpose*,
  prelu, two-operand einsum; linear and scaled_dot_product_attention reach these): float32/float16/bfloat16
  arguments go to the autocast dtype; float64 ones stay as they are.
- ``"fp32"`` (torch's CPU float32 list, for the ops npgrad has as one class: nll_loss, mse/smooth_l1/huber,
  binary_cross_entropy(_with_logits), soft/multi/multilabel margin losses, ctc_loss, prod, trace, cdist,
  inverse/cholesky, 3-d pooling, grid_sample, max_unpool): lower-precision arguments go to float32.
- ``"promote"`` (cat, stack, index_copy): lower-precision arguments go to the widest floating type among them.

Every other op runs on its inputs' dtypes. Each thread has its own setting, as in torch. Float32 leaves that
require grad are cast once per outermost autocast block (``cache_enabled``), as torch caches them.
"""
from __future__ import annotations

import functools
import threading
import warnings
from typing import TYPE_CHECKING, Any, Callable, Literal

if TYPE_CHECKING:
    from .._dtype import dtype as _DType

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "get_autocast_dtype",
           "set_autocast_enabled", "custom_fwd", "custom_bwd"]

_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class _Thread(threading.local):
    """This thread's autocast state (torch keeps it per thread too)."""

    def __init__(self):
        self.enabled = {}   # device_type -> bool, while an autocast block is active
        self.dtype = {}     # device_type -> the dtype autocast uses there
        self.nesting = 0    # autocast blocks entered and not left (the cast cache lives while it is > 0)
        self.cache = {}     # id(float32 leaf) -> (leaf, its lower-precision copy)


_tls = _Thread()


class _PerThread:
    """``_enabled`` / ``_dtype``: dict-like views of this thread's settings (npgrad/_switches.py writes ``_dtype``)."""

    def __init__(self, field):
        self._field = field

    def get(self, key, default=None):
        return getattr(_tls, self._field).get(key, default)

    def __getitem__(self, key):
        return getattr(_tls, self._field)[key]

    def __setitem__(self, key, value):
        if self._field == "enabled":
            _set_enabled(key, value)
        else:
            _tls.dtype[key] = value


_enabled = _PerThread("enabled")
_dtype = _PerThread("dtype")


def _set_enabled(device_type, flag):
    """Switch this thread's flag; CPU autocast on makes autocast an extra of ``Function.apply``."""
    flag = bool(flag)
    was = _tls.enabled.get(device_type, False)
    _tls.enabled[device_type] = flag
    if device_type == "cpu" and flag != was:
        from ..autograd import function
        if flag:
            function._autocast_step = cast_step
            function.extras_on()
        else:
            function.extras_off()


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

    torch has it as ``torch.amp.is_autocast_available``; npgrad also exposes it here. Only CPU autocast
    changes dtypes in npgrad (there is no other device).

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

    CPU autocast casts the inputs of the ops on torch's CPU lists (see ``npgrad.amp.autocast_mode``).

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

    CPU autocast casts the inputs of the ops on torch's CPU lists (see ``npgrad.amp.autocast_mode``).

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

    CPU autocast casts the inputs of the ops on torch's CPU lists (see ``npgrad.amp.autocast_mode``).

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
    _set_enabled(device_type, enabled)


class autocast:
    """``with npgrad.autocast("cpu"):`` / ``@npgrad.autocast("cpu", dtype=npgrad.float16)``: as torch.

    On the CPU the ops on torch's lower-precision list run in ``dtype`` (bfloat16 unless given; float16 too), those
    on its float32 list in float32, cat/stack/index_copy in their widest input type, every other op in its inputs'
    types. Another device type warns and disables itself, as torch does without that device.

    >>> import npgrad as torch
    >>> lin = torch.nn.Linear(2, 2)
    >>> with torch.autocast("cpu"):  # doctest: +SKIP
    ...     lin(torch.ones(1, 2)).dtype
    npgrad.bfloat16
    """

    def __init__(self, device_type: str, dtype: _DType | None = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type.split(":")[0] not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                               f"string: {device_type}")
        from .. import _switches
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else get_autocast_dtype(device_type)
        self._cache_enabled = _switches._autocast_cache[0] if cache_enabled is None else cache_enabled
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
                getattr(self.fast_dtype, "np")  # bfloat16 without ml_dtypes raises its clear error here
        self._enabled = enabled

    def __enter__(self) -> autocast:
        from .. import _switches
        self._prev = (_tls.enabled.get(self.device, False), _tls.dtype.get(self.device), _switches._autocast_cache[0])
        _tls.nesting += 1
        _tls.dtype[self.device] = self.fast_dtype
        _switches._autocast_cache[0] = bool(self._cache_enabled)
        _set_enabled(self.device, self._enabled)
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        from .. import _switches
        enabled, dt, cache = self._prev
        _tls.nesting -= 1
        if _tls.nesting == 0:
            _tls.cache.clear()  # torch clears its cast cache when the outermost block ends
        _set_enabled(self.device, enabled)
        if dt is None:
            _tls.dtype.pop(self.device, None)
        else:
            _tls.dtype[self.device] = dt
        _switches._autocast_cache[0] = cache
        return False

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorated


# ------------------------------------------------------------------------------------------------ the cast step
# torch's CPU lists, for the ops npgrad implements as one Function class (module, class names). An op made of
# several classes gets its casts where torch's does: F.linear is Addmm/Mm/Matmul, cross_entropy is log_softmax
# (its input's dtype) then nll_loss (float32), scaled_dot_product_attention is matmuls (lower) around a softmax.
_LISTS = {
    "lower": {"linalg": ("Mm", "Matmul", "MatmulTransposed", "MatmulTransposedEmpty", "Bmm", "Addmm", "Baddbmm",
                         "Addbmm"),
              "conv": ("Convolution", "ConvolutionTranspose"),
              "activation": ("Prelu",),
              "linalg_contract": ("Einsum",)},
    "fp32": {"loss": ("NllLoss", "NllLoss2d", "MseLoss", "SmoothL1Loss", "HuberLoss", "BinaryCrossEntropy",
                      "BinaryCrossEntropyWithLogits", "SoftMarginLoss"),
             "nn_extra": ("MultiMarginLoss", "MultilabelMarginLoss"),
             "ctc": ("CtcLoss",),
             "reduction": ("Prod", "ProdDim"),
             "joining": ("Trace",),
             "statistics": ("Cdist",),
             "linalg_decomp": ("LinalgInvEx", "LinalgCholeskyEx", "Cholesky"),
             "linalg_lu": ("CholeskySolve", "CholeskyInverse"),
             "pool": ("MaxPool3D", "MaxPool3DWithIndices", "AvgPool3D", "MaxUnpool"),
             "grid_sample": ("GridSampler2D", "GridSampler3D")},
    "promote": {"joining": ("Cat", "Stack"),
                "scatter": ("IndexCopy",)},
}
_POLICY = None  # op class -> "lower" | "fp32" | "promote", built on the first cast step


def _policy():
    global _POLICY
    if _POLICY is None:
        import importlib
        table = {}
        for kind, mods in _LISTS.items():
            for mod, names in mods.items():
                m = importlib.import_module(f"..ops.{mod}", __package__)
                for n in names:
                    table[getattr(m, n)] = kind
        _POLICY = table
    return _POLICY


def _eligible(t, Tensor):
    """torch's autocast eligibility: a floating tensor that is not float64."""
    if not isinstance(t, Tensor):
        return False
    d = t.dtype
    return d.is_floating_point and d.itemsize != 8


def _cast(t, to, Tensor):
    if not _eligible(t, Tensor) or t.dtype is to:
        return t
    from .. import _switches, float32
    if (_switches._autocast_cache[0] and t.dtype is float32 and to is not float32 and t.requires_grad
            and t.is_leaf and not t._is_view()):
        hit = _tls.cache.get(id(t))
        if hit is not None and hit[0] is t and hit[1].dtype is to:
            return hit[1]
        out = t.to(to)
        _tls.cache[id(t)] = (t, out)
        return out
    return t.to(to)


def _map(args, to, Tensor):
    out = []
    for a in args:
        if type(a) is list or type(a) is tuple:
            a = type(a)(_cast(x, to, Tensor) for x in a)
        else:
            a = _cast(a, to, Tensor)
        out.append(a)
    return out


def lower_args(*tensors):
    """For a function on torch's CPU lower-precision list that npgrad builds from several ops (linear, matmul,
    scaled_dot_product_attention): its tensor arguments cast to CPU autocast's dtype as torch casts them at the
    function (returned unchanged while CPU autocast is off in this thread). Callers test ``function._extras`` first."""
    if not _tls.enabled.get("cpu"):
        return tensors
    from .._tensor import Tensor
    to = _tls.dtype.get("cpu") or get_autocast_dtype("cpu")
    return tuple(_cast(t, to, Tensor) for t in tensors)


def call_without_autocast(fn, args, kwargs):
    """``fn(*args, **kwargs)`` with CPU autocast off in this thread for the call: torch does not autocast a call
    given ``out=`` (npgrad/_out.py runs those through here)."""
    if not _tls.enabled.get("cpu"):
        return fn(*args, **kwargs)
    with autocast("cpu", enabled=False):
        return fn(*args, **kwargs)


def fp32_args(*tensors):
    """For a function on torch's CPU float32 list whose dtype check runs before its op (multi_margin_loss,
    multilabel_margin_loss): its lower-precision tensors cast to float32 while CPU autocast is on here."""
    if not _tls.enabled.get("cpu"):
        return tensors
    from .._tensor import Tensor
    from .. import float32
    return tuple(_cast(t, float32, Tensor) for t in tensors)


def promote_args(*tensors):
    """For a function on torch's CPU promote list whose dtype check runs before its op (index_copy): its floating
    (not float64) tensors cast to the widest of their types while CPU autocast is on in this thread."""
    if not _tls.enabled.get("cpu"):
        return tensors
    from .._tensor import Tensor
    from .. import float32
    to = None
    for t in tensors:
        if _eligible(t, Tensor) and (to is None or t.dtype is float32):
            to = t.dtype
    return tensors if to is None else tuple(_cast(t, to, Tensor) for t in tensors)


def cast_step(cls, args, kwargs):
    """Autocast's part of ``_apply_extras``: ``(args, kwargs)`` for op ``cls``, cast as this thread's CPU autocast
    casts them (unchanged when CPU autocast is off here or ``cls`` is on none of the lists)."""
    if not _tls.enabled.get("cpu"):
        return args, kwargs
    kind = (_POLICY or _policy()).get(cls)
    if kind is None:
        return args, kwargs
    from .._tensor import Tensor
    from .. import float32
    if kind == "lower":
        to = _tls.dtype.get("cpu") or get_autocast_dtype("cpu")
    elif kind == "fp32":
        to = float32
    else:  # promote: the widest floating (not float64) type among the arguments
        to = None
        for a in list(args) + list(kwargs.values()):
            for t in (a if type(a) is list or type(a) is tuple else (a,)):
                if _eligible(t, Tensor) and (to is None or t.dtype is float32):
                    to = t.dtype
        if to is None:
            return args, kwargs
    args = tuple(_map(args, to, Tensor))
    if kwargs:
        kwargs = dict(zip(kwargs, _map(kwargs.values(), to, Tensor)))
    return args, kwargs


def custom_fwd(fwd: Callable[..., Any] | None = None, *, device_type: str | None = None,
               cast_inputs: _DType | None = None) -> Callable[..., Any]:
    """Decorator for a custom Function's ``forward``, as torch's: with ``cast_inputs``, inside an autocast block
    for ``device_type`` the floating tensor arguments are cast to ``cast_inputs`` and forward runs with autocast
    off; without it forward runs under the autocast state of its caller."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    if cast_inputs is None:
        return fwd

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        dev = device_type or "cuda"
        if not _tls.enabled.get(dev, False):
            return fwd(*args, **kwargs)
        from .._tensor import Tensor

        def conv(a):
            if isinstance(a, Tensor) and a.dtype.is_floating_point and a.dtype.itemsize != 8:
                return a.to(cast_inputs)
            return a
        args = [conv(a) for a in args]
        kwargs = {k: conv(v) for k, v in kwargs.items()}
        with autocast(device_type=dev, enabled=False):
            return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd: Callable[..., Any] | None = None, *, device_type: str | None = None) -> Callable[..., Any]:

    """Decorator for a custom Function's ``backward``: runs it unchanged."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
