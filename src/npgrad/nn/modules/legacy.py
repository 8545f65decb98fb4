"""Legacy layers torch still ships: ``NLLLoss2d`` (a deprecated ``NLLLoss``) and ``CrossMapLRN2d`` (Lua torch's
local response normalisation across channels)."""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

import npgrad as _ng
from ...autograd.function import Function, once_differentiable
from .loss import NLLLoss
from .module import Module
from ..._warn import warn as _warn

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["NLLLoss2d", "CrossMapLRN2d"]


class NLLLoss2d(NLLLoss):
    """Deprecated: ``NLLLoss`` under its old name (a FutureWarning when made, as torch).

    Example::

        >>> import warnings
        >>> import npgrad as torch
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     loss_fn = torch.nn.NLLLoss2d()
        >>> caught[0].category.__name__, isinstance(loss_fn, torch.nn.NLLLoss)
        ('FutureWarning', True)
        >>> logp = torch.log_softmax(torch.tensor([[[[1.0, 2.0]], [[0.0, 3.0]]]]), dim=1)
        >>> loss_fn(logp, torch.tensor([[[0, 1]]]))
        tensor(0.3133)
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None, ignore_index: int = -100,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        _warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see "
                      "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.", FutureWarning)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class _cross_map_lrn2d(Function):
    """``x * (k + alpha / size * S) ** -beta`` with S the sum of x^2 over neighbouring channels: channel c sums
    ``[c - p + 1, c + p - 1]`` (``p = int((size - 1) / 2 + 1)``, clipped to the channels), and channel 0 stays in
    every sum from c = p on (torch's running sum never subtracts it). The backward is torch's formula for this
    layer (a window of ``size`` ratios starting ``int(size - (size - 1) / 2)`` channels before c), not the exact
    derivative of the forward; like torch's, it is not differentiable again."""
    _node_name = "CrossMapLRN2dBackward"  # torch's Function is called CrossMapLRN2d

    @staticmethod
    def forward(ctx, input, size, alpha, beta, k):
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        x = input._data
        C = x.shape[1]
        p = int((size - 1) / 2 + 1)
        sq = x * x
        padded = np.pad(sq, ((0, 0), (p - 1, p - 1), (0, 0), (0, 0)))
        S = sum(padded[:, i:i + C] for i in range(2 * p - 1))
        if C > p:
            S[:, p:] += sq[:, :1]
        scale = S * (alpha / size) + k
        out = x * scale ** (-beta)
        ctx.size, ctx.alpha, ctx.beta, ctx.scale = size, alpha, beta, scale
        ctx.save_for_backward(input)
        return _ng.from_numpy(out.astype(x.dtype, copy=False))

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        # torch's CrossMapLRN2d backward: scale^-beta * g - 2 alpha beta / size * x * sum_window(g * out / scale)
        x = ctx.saved_tensors[0]._data
        g = grad_output._data
        size, scale = ctx.size, ctx.scale
        C = x.shape[1]
        pre = int(size - (size - 1) / 2)
        if pre + C > C + size - 1:
            raise RuntimeError(f"start ({pre}) + length ({C}) exceeds dimension size ({C + size - 1}).")
        out = x * scale ** (-ctx.beta)
        ratio = np.zeros((x.shape[0], C + size - 1) + x.shape[2:], x.dtype)
        ratio[:, pre:pre + C] = g * out / scale
        acc = sum(ratio[:, i:i + C] for i in range(size))
        gi = scale ** (-ctx.beta) * g - (2 * ctx.alpha * ctx.beta / size) * x * acc
        return _ng.from_numpy(gi.astype(x.dtype, copy=False)), None, None, None, None


class CrossMapLRN2d(Module):
    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input: Tensor) -> Tensor:
        return _cross_map_lrn2d.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


# torch's module paths (pickles name classes by them): torch.nn.modules.loss.NLLLoss2d and
# torch.nn.modules.normalization.CrossMapLRN2d
def _at_torch_paths():
    from . import loss, normalization
    for cls, mod in ((NLLLoss2d, loss), (CrossMapLRN2d, normalization)):
        cls.__module__ = mod.__name__
        setattr(mod, cls.__name__, cls)


_at_torch_paths()
