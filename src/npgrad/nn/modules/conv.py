"""Convolutions: ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d`` over ``nn.functional``.

>>> import npgrad as torch
>>> conv = torch.nn.Conv2d(3, 8, 3, padding=1)
>>> conv(torch.zeros(1, 3, 5, 5)).shape
npgrad.Size([1, 8, 5, 5])
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .. import functional as F
from .. import init
from .linear import empty_param
from .module import Module

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..._tensor import Tensor
    from ..common_types import _device_t, _dtype_t, _size_any_t

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _ntuple(n):
    def parse(x):
        if isinstance(x, (tuple, list)):
            return tuple(x)
        return (x,) * n
    return parse


_single, _pair, _triple = _ntuple(1), _ntuple(2), _ntuple(3)


class _ConvNd(Module):
    _functional = None  # F.conv1d ... set by each subclass

    def __init__(self, in_channels: int, out_channels: int, kernel_size: tuple[int, ...], stride: tuple[int, ...],
                 padding: str | tuple[int, ...], dilation: tuple[int, ...], transposed: bool,
                 output_padding: tuple[int, ...], groups: int, bias: bool, padding_mode: str,
                 device: _device_t = None, dtype: _dtype_t = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's argument for the non-zero padding modes: last dim first, (left, right) per dim
        nd = len(kernel_size)
        if isinstance(padding, str):
            pads = [0, 0] * nd
            if padding == "same":
                for i, (d, k) in enumerate(zip(dilation, kernel_size)):
                    total = d * (k - 1)
                    j = nd - 1 - i
                    pads[2 * j], pads[2 * j + 1] = total // 2, total - total // 2
            self._reversed_padding_repeated_twice = pads
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(padding) for _ in range(2)]
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = empty_param(shape, device, dtype)
        if bias:
            self.bias = empty_param((out_channels,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # torch's default: kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)); bias the same bound
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class _Conv(_ConvNd):
    _ntuple = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_any_t, stride: _size_any_t = 1,
                 padding: str | _size_any_t = 0, dilation: _size_any_t = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: _device_t = None, dtype: _dtype_t = None) -> None:
        t = type(self)._ntuple
        super().__init__(in_channels, out_channels, t(kernel_size), t(stride),
                         padding if isinstance(padding, str) else t(padding), t(dilation), False, t(0), groups, bias,
                         padding_mode, device, dtype)

    def _conv_forward(self, input, weight, bias):
        conv = type(self)._functional
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, type(self)._ntuple(0), self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) or (C_in, L); weight (out, in/groups, k).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Conv1d(2, 4, kernel_size=3, padding=1)
        >>> m.weight.shape
        npgrad.Size([4, 2, 3])
        >>> m(torch.ones(8, 2, 10)).shape
        npgrad.Size([8, 4, 10])
    """
    _ntuple = staticmethod(_single)
    _functional = staticmethod(lambda *a: F.conv1d(*a))


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) or (C_in, H, W); weight (out, in/groups, kh, kw).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Conv2d(3, 8, kernel_size=3, stride=2)
        >>> m.weight.shape
        npgrad.Size([8, 3, 3, 3])
        >>> m(torch.ones(1, 3, 9, 9)).shape
        npgrad.Size([1, 8, 4, 4])
        >>> m = torch.nn.Conv2d(1, 1, 2, bias=False)
        >>> with torch.no_grad():
        ...     _ = m.weight.fill_(1.0)
        >>> m(torch.arange(9.0).reshape(1, 1, 3, 3))
        tensor([[[[ 8., 12.],
                  [20., 24.]]]], grad_fn=<ConvolutionBackward0>)
    """
    _ntuple = staticmethod(_pair)
    _functional = staticmethod(lambda *a: F.conv2d(*a))


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W) or (C_in, D, H, W).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Conv3d(1, 2, kernel_size=(1, 3, 3), padding=(0, 1, 1))
        >>> m(torch.ones(1, 1, 4, 5, 5)).shape
        npgrad.Size([1, 2, 4, 5, 5])
    """
    _ntuple = staticmethod(_triple)
    _functional = staticmethod(lambda *a: F.conv3d(*a))


class _ConvTransposeNd(_ConvNd):
    _ntuple = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_any_t, stride: _size_any_t = 1,
                 padding: _size_any_t = 0, output_padding: _size_any_t = 0, groups: int = 1, bias: bool = True,
                 dilation: _size_any_t = 1, padding_mode: str = "zeros", device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        t = type(self)._ntuple
        super().__init__(in_channels, out_channels, t(kernel_size), t(stride), t(padding), t(dilation), True,
                         t(output_padding), groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation=None):
        """The output_padding that makes the output ``output_size`` (which must be reachable)."""
        if output_size is None:
            return _single(self.output_padding)
        has_batch = input.dim() == num_spatial_dims + 2
        non_spatial = 2 if has_batch else 1
        output_size = list(output_size)
        if len(output_size) == non_spatial + num_spatial_dims:
            output_size = output_size[non_spatial:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must have "
                             f"{num_spatial_dims} or {non_spatial + num_spatial_dims} elements (got "
                             f"{len(output_size)})")
        mins, maxs = [], []
        for d in range(num_spatial_dims):
            dil = dilation[d] if dilation is not None else 1
            size = (input.size(d + non_spatial) - 1) * stride[d] - 2 * padding[d] + dil * (kernel_size[d] - 1) + 1
            mins.append(size)
            maxs.append(size + stride[d] - 1)
        for size, lo, hi in zip(output_size, mins, maxs):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {mins} to "
                                 f"{maxs} (for an input of {input.size()[non_spatial:]})")
        return [s - lo for s, lo in zip(output_size, mins)]

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        if self.padding_mode != "zeros":
            raise ValueError(f"Only `zeros` padding mode is supported for {type(self).__name__}")
        nd = len(self.kernel_size)
        output_padding = self._output_padding(input, output_size, self.stride, self.padding, self.kernel_size, nd,
                                              self.dilation)
        return type(self)._functional(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                      self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution (the input-gradient of Conv1d); weight (in, out/groups, k).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.ConvTranspose1d(4, 2, kernel_size=2, stride=2)
        >>> m.weight.shape
        npgrad.Size([4, 2, 2])
        >>> m(torch.ones(1, 4, 5)).shape
        npgrad.Size([1, 2, 10])
    """
    _ntuple = staticmethod(_single)
    _functional = staticmethod(lambda *a: F.conv_transpose1d(*a))


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution; weight (in, out/groups, kh, kw).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.ConvTranspose2d(8, 3, kernel_size=3, stride=2, padding=1, output_padding=1)
        >>> m(torch.ones(1, 8, 4, 4)).shape
        npgrad.Size([1, 3, 8, 8])
    """
    _ntuple = staticmethod(_pair)
    _functional = staticmethod(lambda *a: F.conv_transpose2d(*a))


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.ConvTranspose3d(2, 1, kernel_size=2, stride=2)
        >>> m(torch.ones(1, 2, 2, 2, 2)).shape
        npgrad.Size([1, 1, 4, 4, 4])
    """
    _ntuple = staticmethod(_triple)
    _functional = staticmethod(lambda *a: F.conv_transpose3d(*a))


_LAZY = ("LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
              "LazyConvTranspose3d")


def __getattr__(name):
    # torch's path of the lazy variants (defined in lazy.py, which imports this module)
    if name in _LAZY:
        from . import lazy
        return getattr(lazy, name)
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
