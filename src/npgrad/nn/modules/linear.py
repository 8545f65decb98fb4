"""``Identity``, ``Linear``, ``Bilinear``.

>>> import npgrad as torch
>>> fc = torch.nn.Linear(3, 2)
>>> fc
Linear(in_features=3, out_features=2, bias=True)
>>> fc(torch.zeros(4, 3)).shape
npgrad.Size([4, 2])
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ... import _creation
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module
from ...ops.neural import linear as _linear

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..common_types import _device_t, _dtype_t

__all__ = ["Identity", "Linear", "Bilinear", "NonDynamicallyQuantizableLinear"]


def empty_param(shape, device=None, dtype=None, requires_grad=True):
    """An uninitialised Parameter of ``shape`` (filled by the layer's ``reset_parameters``)."""
    return Parameter(_creation.empty(*shape, dtype=dtype, device=device), requires_grad)


class Identity(Module):
    """Returns its input; takes and ignores any constructor arguments.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Identity(54, unused='ignored')
        >>> x = torch.tensor([1.0, 2.0])
        >>> m(x) is x
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias``; weight (out_features, in_features).

    Default init (torch's): weight ~ kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)); bias ~ same bound.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Linear(3, 2)
        >>> m.weight.shape, m.bias.shape
        (npgrad.Size([2, 3]), npgrad.Size([2]))
        >>> m(torch.ones(4, 3)).shape
        npgrad.Size([4, 2])
        >>> with torch.no_grad():
        ...     _ = m.weight.fill_(1.0), m.bias.fill_(0.5)
        >>> m(torch.tensor([[1.0, 2.0, 3.0]]))
        tensor([[6.5000, 6.5000]], grad_fn=<AddmmBackward0>)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = empty_param((out_features, in_features), device, dtype)
        if bias:
            self.bias = empty_param((out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return _linear(input, self.weight, self.bias)  # (F.linear without its out=/error wrapper)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under another name (MultiheadAttention's ``out_proj``, as in torch)."""


class Bilinear(Module):
    """``y[k] = x1 @ weight[k] @ x2 + bias[k]``; weight (out, in1, in2), init U(-1/sqrt(in1), 1/sqrt(in1)).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Bilinear(2, 3, 4)
        >>> m.weight.shape
        npgrad.Size([4, 2, 3])
        >>> m(torch.ones(5, 2), torch.ones(5, 3)).shape
        npgrad.Size([5, 4])
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: _device_t = None, dtype: _dtype_t = None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = empty_param((out_features, in1_features, in2_features), device, dtype)
        if bias:
            self.bias = empty_param((out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


_LAZY = ("LazyLinear",)


def __getattr__(name):
    # torch's path of the lazy variants (defined in lazy.py, which imports this module)
    if name in _LAZY:
        from . import lazy
        return getattr(lazy, name)
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
