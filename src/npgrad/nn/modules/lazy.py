"""Lazy modules: layers whose input size is read from the first batch (``torch.nn.modules.lazy``).

A lazy layer starts with ``UninitializedParameter``/``UninitializedBuffer`` placeholders. Its first forward calls
``initialize_parameters(*args)`` (a forward pre-hook), which materialises them with the input's sizes and resets
them as the eager layer would; the module then becomes its ``cls_to_become`` (``LazyLinear`` -> ``Linear``).
``load_state_dict`` materialises placeholders from the checkpoint's shapes first; ``state_dict`` of an
uninitialised module holds the placeholders themselves.

>>> import npgrad as torch
>>> fc = torch.nn.LazyLinear(3)
>>> fc
LazyLinear(in_features=0, out_features=3, bias=True)
>>> fc(torch.zeros(2, 5)).shape
npgrad.Size([2, 3])
>>> fc
Linear(in_features=5, out_features=3, bias=True)
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from ...autograd.grad_mode import no_grad
from ..parameter import UninitializedParameter, UninitializedBuffer, is_lazy
from ... import _creation, _dtype
from .linear import Linear
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..common_types import _device_t, _dtype_t, _size_any_t
    from .module import Module as _LazyBase
else:
    _LazyBase = object

__all__ = ["LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
           "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
           "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


def _lazy_load_hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    """Materialise each placeholder the checkpoint has a real tensor for, with the checkpoint's shape."""
    for name, param in itertools.chain(module._parameters.items(), module._buffers.items()):
        key = prefix + name
        if key in state_dict and param is not None and is_lazy(param):
            value = state_dict[key]
            if not is_lazy(value):
                with no_grad():
                    param.materialize(value.shape)


def _infer_parameters(module, args, kwargs=None):
    """The forward pre-hook of a lazy module: initialise from the first inputs, then become the eager class."""
    module.initialize_parameters(*args, **(kwargs or {}))
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    module._load_hook.remove()
    delattr(module, "_initialize_hook")
    delattr(module, "_load_hook")
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyModuleMixin(_LazyBase):
    """Mixed in before a Module class: parameters are ``UninitializedParameter`` until the first forward.

    Subclasses implement ``initialize_parameters(*inputs)`` and set ``cls_to_become``.

    Example::

        >>> import npgrad as torch
        >>> lin = torch.nn.LazyLinear(3)
        >>> isinstance(lin, torch.nn.modules.lazy.LazyModuleMixin), lin.has_uninitialized_params()
        (True, True)
        >>> lin(torch.ones(2, 4)).shape
        npgrad.Size([2, 3])
        >>> type(lin).__name__, lin.weight.shape
        ('Linear', npgrad.Size([3, 4]))
    """
    cls_to_become = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_hook = self.register_load_state_dict_pre_hook(_lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters, with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # placeholders go in as they are (detaching one would be an op on it)
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if (keep_vars or is_lazy(p)) else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if (keep_vars or is_lazy(b)) else b.detach()
        if self._has_extra_state():
            from .module import _EXTRA_STATE_KEY_SUFFIX
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # a placeholder loaded into a placeholder stays one (torch copies nothing there): hide those pairs from
        # the generic loader, which reads shapes
        skip = [prefix + n for n, v in itertools.chain(self._parameters.items(), self._buffers.items())
                if v is not None and is_lazy(v) and prefix + n in state_dict and is_lazy(state_dict[prefix + n])]
        if skip:
            for hook in list(self._load_state_dict_pre_hooks.values()):
                hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
            hooks, self._load_state_dict_pre_hooks = self._load_state_dict_pre_hooks, {}
            view = {k: v for k, v in state_dict.items() if k not in skip}
            try:
                super()._load_from_state_dict(view, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                              error_msgs)
            finally:
                self._load_state_dict_pre_hooks = hooks
            for k in skip:
                if k in missing_keys:
                    missing_keys.remove(k)
            return
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self) -> bool:
        """Whether any of this module's own parameters or buffers is still a placeholder."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(), self._buffers.values()))

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with `DataParallel`. Run a dummy "
                           "forward pass to correctly initialize the modules")


# ---------------------------------------------------------------------------------------------- linear
class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` whose ``in_features`` is the last size of its first input.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.LazyLinear(2)
        >>> m(torch.ones(4, 5)).shape
        npgrad.Size([4, 2])
        >>> type(m).__name__, m.weight.shape
        ('Linear', npgrad.Size([2, 5]))
    """
    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()


# ---------------------------------------------------------------------------------------------- convolutions
class _LazyConvXdMixin(LazyModuleMixin):
    _spatial = None

    def __init__(self, out_channels: int, kernel_size: _size_any_t, stride: _size_any_t, padding: str | _size_any_t,
                 dilation: _size_any_t, groups: int, bias: bool, padding_mode: str, device: _device_t, dtype: _dtype_t,
                 output_padding: _size_any_t | None = None) -> None:
        if output_padding is None:
            super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode)
        else:
            super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                             padding_mode)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def _get_in_channels(self, input):
        no_batch = self._spatial + 1
        if input.dim() not in (no_batch, no_batch + 1):
            raise RuntimeError(f"Expected {no_batch}D (unbatched) or {no_batch + 1}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == no_batch + 1 else input.shape[0]

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
            else:
                shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
            with no_grad():
                self.weight.materialize(shape)
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
            self.reset_parameters()


# Each lazy class's doctest: (input, output shape, weight shape or num_features), as torch prints them.
_EXAMPLES = {
    "LazyConv1d": ("torch.ones(1, 2, 8)", "[1, 4, 6]", "[4, 2, 3]"),
    "LazyConv2d": ("torch.ones(1, 2, 8, 8)", "[1, 4, 6, 6]", "[4, 2, 3, 3]"),
    "LazyConv3d": ("torch.ones(1, 2, 5, 5, 5)", "[1, 4, 3, 3, 3]", "[4, 2, 3, 3, 3]"),
    "LazyConvTranspose1d": ("torch.ones(1, 2, 5)", "[1, 4, 7]", "[2, 4, 3]"),
    "LazyConvTranspose2d": ("torch.ones(1, 2, 5, 5)", "[1, 4, 7, 7]", "[2, 4, 3, 3]"),
    "LazyConvTranspose3d": ("torch.ones(1, 2, 2, 2, 2)", "[1, 4, 4, 4, 4]", "[2, 4, 3, 3, 3]"),
    "LazyBatchNorm1d": ("torch.ones(4, 3)", "[4, 3]", "3"),
    "LazyBatchNorm2d": ("torch.ones(4, 3, 2, 2)", "[4, 3, 2, 2]", "3"),
    "LazyBatchNorm3d": ("torch.ones(2, 3, 2, 2, 2)", "[2, 3, 2, 2, 2]", "3"),
    "LazyInstanceNorm1d": ("torch.ones(2, 3, 4)", "[2, 3, 4]", "3"),
    "LazyInstanceNorm2d": ("torch.ones(2, 3, 4, 4)", "[2, 3, 4, 4]", "3"),
    "LazyInstanceNorm3d": ("torch.ones(2, 3, 2, 2, 2)", "[2, 3, 2, 2, 2]", "3"),
}


def _example(name, base, args, what):
    """The Example section of a lazy class: the module becomes ``base`` at its first call, sized by the input."""
    x, shape, size = _EXAMPLES[name]
    shown = f"npgrad.Size({size})" if what == "weight.shape" else size
    return (f"\n\n    Example::\n\n        >>> import npgrad as torch\n        >>> m = torch.nn.{name}({args})\n"
            f"        >>> m({x}).shape\n        npgrad.Size({shape})\n"
            f"        >>> type(m).__name__, m.{what}\n        ('{base.__name__}', {shown})\n")


def _lazy_conv(name, base, spatial):
    def __init__(self: Any, out_channels: int, kernel_size: _size_any_t, stride: _size_any_t = 1,
                 padding: str | _size_any_t = 0, dilation: _size_any_t = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: _device_t = None, dtype: _dtype_t = None) -> None:
        _LazyConvXdMixin.__init__(self, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                                  padding_mode, device, dtype)
    doc = f"``{base.__name__}`` whose ``in_channels`` is read from its first input (``input.shape[1]``)."
    doc += _example(name, base, "4, 3", "weight.shape")
    return type(name, (_LazyConvXdMixin, base), {"__init__": __init__, "cls_to_become": base, "_spatial": spatial,
                                                  "__doc__": doc, "__module__": __name__})


def _lazy_conv_transpose(name, base, spatial):
    def __init__(self: Any, out_channels: int, kernel_size: _size_any_t, stride: _size_any_t = 1,
                 padding: _size_any_t = 0, output_padding: _size_any_t = 0, groups: int = 1, bias: bool = True,
                 dilation: _size_any_t = 1, padding_mode: str = "zeros", device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        _LazyConvXdMixin.__init__(self, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                                  padding_mode, device, dtype, output_padding=output_padding)
    doc = f"``{base.__name__}`` whose ``in_channels`` is read from its first input (``input.shape[1]``)."
    doc += _example(name, base, "4, 3", "weight.shape")
    return type(name, (_LazyConvXdMixin, base), {"__init__": __init__, "cls_to_become": base, "_spatial": spatial,
                                                  "__doc__": doc, "__module__": __name__})


if TYPE_CHECKING:  # what the factories make, spelled out for the type checker
    class _LazyConvInit(_LazyConvXdMixin):
        def __init__(self, out_channels: int, kernel_size: _size_any_t, stride: _size_any_t = 1,
                     padding: str | _size_any_t = 0, dilation: _size_any_t = 1, groups: int = 1, bias: bool = True,
                     padding_mode: str = "zeros", device: _device_t = None, dtype: _dtype_t = None) -> None: ...

    class _LazyConvTransposeInit(_LazyConvXdMixin):
        def __init__(self, out_channels: int, kernel_size: _size_any_t, stride: _size_any_t = 1,
                     padding: _size_any_t = 0, output_padding: _size_any_t = 0, groups: int = 1, bias: bool = True,
                     dilation: _size_any_t = 1, padding_mode: str = "zeros", device: _device_t = None,
                     dtype: _dtype_t = None) -> None: ...

    class LazyConv1d(_LazyConvInit, Conv1d): ...
    class LazyConv2d(_LazyConvInit, Conv2d): ...
    class LazyConv3d(_LazyConvInit, Conv3d): ...
    class LazyConvTranspose1d(_LazyConvTransposeInit, ConvTranspose1d): ...
    class LazyConvTranspose2d(_LazyConvTransposeInit, ConvTranspose2d): ...
    class LazyConvTranspose3d(_LazyConvTransposeInit, ConvTranspose3d): ...
else:
    LazyConv1d = _lazy_conv("LazyConv1d", Conv1d, 1)
    LazyConv2d = _lazy_conv("LazyConv2d", Conv2d, 2)
    LazyConv3d = _lazy_conv("LazyConv3d", Conv3d, 3)
    LazyConvTranspose1d = _lazy_conv_transpose("LazyConvTranspose1d", ConvTranspose1d, 1)
    LazyConvTranspose2d = _lazy_conv_transpose("LazyConvTranspose2d", ConvTranspose2d, 2)
    LazyConvTranspose3d = _lazy_conv_transpose("LazyConvTranspose3d", ConvTranspose3d, 3)


# ---------------------------------------------------------------------------------------------- normalisation
class _LazyNormBase(LazyModuleMixin):
    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        super().__init__(0, eps, momentum, False, False, device, dtype)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = _creation.tensor(0, dtype=_dtype.int64)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    self.running_mean.materialize((self.num_features,))
                    self.running_var.materialize((self.num_features,))
            self.reset_parameters()


def _lazy_norm(name, base, affine, track):
    def __init__(self: Any, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = affine,
                 track_running_stats: bool = track, device: _device_t = None, dtype: _dtype_t = None) -> None:
        _LazyNormBase.__init__(self, eps, momentum, affine, track_running_stats, device, dtype)
    doc = f"``{base.__name__}`` whose ``num_features`` is read from its first input (``input.shape[1]``)."
    doc += _example(name, base, "", "num_features")
    return type(name, (_LazyNormBase, base), {"__init__": __init__, "cls_to_become": base, "__doc__": doc,
                                              "__module__": __name__})


if TYPE_CHECKING:
    class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d): ...
    class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d): ...
    class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d): ...
    class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d): ...
    class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d): ...
    class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d): ...
else:
    LazyBatchNorm1d = _lazy_norm("LazyBatchNorm1d", BatchNorm1d, True, True)
    LazyBatchNorm2d = _lazy_norm("LazyBatchNorm2d", BatchNorm2d, True, True)
    LazyBatchNorm3d = _lazy_norm("LazyBatchNorm3d", BatchNorm3d, True, True)
    LazyInstanceNorm1d = _lazy_norm("LazyInstanceNorm1d", InstanceNorm1d, True, True)
    LazyInstanceNorm2d = _lazy_norm("LazyInstanceNorm2d", InstanceNorm2d, True, True)
    LazyInstanceNorm3d = _lazy_norm("LazyInstanceNorm3d", InstanceNorm3d, True, True)
