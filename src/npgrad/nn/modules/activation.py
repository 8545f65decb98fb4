"""Activation modules: thin wrappers over ``nn.functional`` with torch's constructor arguments and reprs.

>>> import npgrad as torch
>>> torch.nn.LeakyReLU(0.2)
LeakyReLU(negative_slope=0.2)
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ... import ops
from .. import functional as F
from .. import init
from .linear import empty_param
from .module import Module
from ...ops.pointwise_unary import Relu as _Relu
from ..._warn import warn as _warn

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..common_types import _device_t, _dtype_t

__all__ = ["Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh", "SiLU", "Mish",
           "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink", "LeakyReLU", "LogSigmoid", "Softplus",
           "Softshrink", "PReLU", "Softsign", "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax"]

_relu = _Relu.apply


def _inplace_suffix(inplace, first=False):
    if not inplace:
        return ""
    return "inplace=True" if first else ", inplace=True"


class _Inplace(Module):
    """An activation whose only option is ``inplace`` (repr ``ReLU()`` or ``ReLU(inplace=True)``)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return _inplace_suffix(self.inplace, first=True)


class _Plain(Module):
    """An activation without options; like torch, it accepts and ignores constructor arguments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()


class Threshold(Module):
    """``y = x if x > threshold else value``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Threshold(0.5, -1.0)
        >>> m(torch.tensor([0.1, 0.5, 2.0]))
        tensor([-1., -1.,  2.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace_suffix(self.inplace)}"


class ReLU(_Inplace):
    """``max(0, x)``; the gradient at 0 is 0.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.ReLU()
        >>> m(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
        >>> m(torch.tensor([-1.0, 2.0], requires_grad=True))
        tensor([0., 2.], grad_fn=<ReluBackward0>)
    """

    def forward(self, input: Tensor) -> Tensor:
        if self.inplace:
            return F.relu(input, inplace=True)
        return _relu(input)  # (the op itself: F.relu's wrappers add two calls)


class RReLU(Module):
    """Leaky ReLU with a random slope in [lower, upper] in training, their mean in eval.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.RReLU(0.1, 0.3).eval()
        >>> m(torch.tensor([-2.0, 1.0]))
        tensor([-0.4000,  1.0000])
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace_suffix(self.inplace)}"


class Hardtanh(Module):
    """``clamp(x, min_val, max_val)`` with gradient 0 at the bounds.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Hardtanh(-0.5, 0.5)
        >>> m(torch.tensor([-2.0, 0.25, 2.0]))
        tensor([-0.5000,  0.2500,  0.5000])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            _warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning)
            min_val = min_value
        if max_value is not None:
            _warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self.inplace)}"


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.ReLU6()
        >>> m(torch.tensor([-1.0, 3.0, 9.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_suffix(self.inplace, first=True)


class Sigmoid(_Plain):
    """Applies the logistic sigmoid :math:`1 / (1 + e^{-x})` elementwise.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Sigmoid()
        >>> m(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([0.2689, 0.5000, 0.7311])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.pointwise.sigmoid(input)


class Tanh(_Plain):
    """Applies the hyperbolic tangent elementwise.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Tanh()
        >>> m(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.7616,  0.0000,  0.7616])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.pointwise.tanh(input)


class Hardsigmoid(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Hardswish(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)


class SiLU(_Inplace):
    """``x * sigmoid(x)``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.SiLU()
        >>> m(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.2689,  0.0000,  0.7311])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)


class Mish(_Inplace):
    """``x * tanh(softplus(x))``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Mish()
        >>> m(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.3034,  0.0000,  0.8651])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, inplace=self.inplace)


class SELU(_Inplace):
    """Applies SELU elementwise: :math:`\\lambda\\,\\mathrm{elu}(x, \\alpha)` with torch's constants (``inplace`` as in
    :class:`ReLU`).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.SELU()
        >>> m(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-1.1113,  0.0000,  1.0507])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)


class ELU(Module):
    """``x if x > 0 else alpha * (exp(x) - 1)``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.ELU()
        >>> m(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.6321,  0.0000,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_suffix(self.inplace)}"


class CELU(ELU):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.CELU(alpha=2.0)
        >>> m(torch.tensor([-1.0, 2.0]))
        tensor([-0.7869,  2.0000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)


class GLU(Module):
    """Splits ``dim`` in halves a, b: ``a * sigmoid(b)``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.GLU()
        >>> m(torch.tensor([[1.0, 2.0, 0.0, 100.0]]))
        tensor([[0.5000, 2.0000]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class GELU(Module):
    """``x * Phi(x)`` (exact, erf) or its ``approximate='tanh'`` form.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.GELU(approximate='tanh')
        >>> m(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1588,  0.0000,  0.8412])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Hardshrink(Module):
    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    def forward(self, input: Tensor) -> Tensor:
        return F.softshrink(input, self.lambd)


class LeakyReLU(Module):
    """``x if x > 0 else negative_slope * x``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.LeakyReLU(0.1)
        >>> m(torch.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace_suffix(self.inplace)}"


class LogSigmoid(_Plain):
    """Applies :math:`\\log(1 / (1 + e^{-x}))` elementwise, computed stably.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.LogSigmoid()
        >>> m(torch.tensor([-100.0, 0.0, 1.0]))
        tensor([-100.0000,   -0.6931,   -0.3133])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Softplus(beta=2.0)
        >>> m(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([0.0635, 0.3466, 1.0635])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class PReLU(Module):
    """Leaky ReLU with a learnable slope: one shared (``num_parameters=1``) or one per channel (dim 1).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.PReLU(num_parameters=2, init=0.1)
        >>> m(torch.tensor([[-1.0, -2.0], [3.0, 4.0]]))
        tensor([[-0.1000, -0.2000],
                [ 3.0000,  4.0000]], grad_fn=<PreluKernelBackward0>)
        >>> [p.shape for p in m.parameters()]
        [npgrad.Size([2])]
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = empty_param((num_parameters,), device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softsign(_Plain):
    """Applies :math:`x / (1 + |x|)` elementwise.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Softsign()
        >>> m(torch.tensor([-3.0, 0.0, 1.0]))
        tensor([-0.7500,  0.0000,  0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Tanhshrink(_Plain):
    """Applies :math:`x - \\tanh(x)` elementwise.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Tanhshrink()
        >>> m(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.2384,  0.0000,  1.0360])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class _DimModule(Module):
    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(_DimModule):
    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax(_DimModule):
    """``exp(x) / sum(exp(x))`` along ``dim``.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Softmax(dim=1)
        >>> m(torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]))
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(_DimModule):
    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmax2d(_Plain):
    """Softmax over the channel dim of (N, C, H, W) or (C, H, W).

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.Softmax2d()
        >>> m(torch.zeros(1, 2, 1, 2))
        tensor([[[[0.5000, 0.5000]],
        <BLANKLINE>
                 [[0.5000, 0.5000]]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)


from .attention import MultiheadAttention  # noqa: E402,F401  (torch.nn.modules.activation.MultiheadAttention)
