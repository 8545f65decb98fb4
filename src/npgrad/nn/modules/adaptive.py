"""``AdaptiveLogSoftmaxWithLoss`` (``torch.nn.modules.adaptive``): Grave et al.'s efficient softmax for large
vocabularies. The head scores the ``cutoffs[0]`` frequent classes and one entry per tail cluster; each tail cluster
scores its classes from a smaller projection (``in_features // div_value**(i + 1)`` wide).

>>> import npgrad as torch
>>> asm = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4, 8])
>>> out = asm(torch.randn(3, 8), torch.tensor([0, 5, 9]))
>>> out.output.shape, out.loss.shape
(npgrad.Size([3]), npgrad.Size([]))
"""
from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING

import npgrad as ng

from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..._tensor import Tensor
    from ..common_types import _device_t, _dtype_t

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """``forward(input, target)`` -> (log-probability of each target, mean negative log-likelihood);
    ``log_prob(input)`` gives every class's log-probability, ``predict(input)`` the most likely class.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4])
        >>> out = m(torch.ones(3, 8), torch.tensor([0, 5, 9]))
        >>> out.output.shape, out.loss.shape
        (npgrad.Size([3]), npgrad.Size([]))
        >>> torch.allclose(m.log_prob(torch.ones(2, 8)).exp().sum(dim=1), torch.ones(2))
        True
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                 head_bias: bool = False, device: _device_t = None, dtype: _dtype_t = None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                                        Linear(hidden, size, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for proj, out in self.tail:  # type: ignore[attr-defined]  # (each entry a 2-layer Sequential)
            proj.reset_parameters()
            out.reset_parameters()

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        if target_.dim() == 1:
            if input_.size(0) != target_.size(0):
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input_.dim() != 2:
                raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs with size",
                                   input_.size())
        elif target_.dim() == 0:
            if input_.dim() != 1:
                raise RuntimeError("0D target tensor expects 1D input tensors, but found inputs with size",
                                   input_.size())
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = target_.dim() > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = target_ if batched else target_.unsqueeze(0)
        n = target.size(0)
        # the head's entry each row reads: its own class in the shortlist, else its cluster's entry
        head_index = target.clone()
        output = input.new_zeros(n)
        covered = int(((target >= 0) & (target < self.shortlist_size)).sum())
        for i in range(self.n_clusters):
            lo, hi = self.cutoffs[i], self.cutoffs[i + 1]
            mask = (target >= lo) & (target < hi)
            rows = mask.nonzero().reshape(-1)
            if rows.numel() == 0:
                continue
            covered += rows.numel()
            head_index.index_fill_(0, rows, self.shortlist_size + i)
            logprob = F.log_softmax(self.tail[i](input.index_select(0, rows)), dim=1)
            picked = logprob.gather(1, (target[mask] - lo).unsqueeze(1)).squeeze(1)
            output = output.index_add(0, rows, picked)
        if covered != n:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{target.min().item()}, {target.max().item()}] were found. ")
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, head_index.unsqueeze(1)).squeeze()
        loss = (-output).mean()
        if not batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _get_full_log_prob(self, input, head_output):
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster = F.log_softmax(self.tail[i](input), dim=1)
            parts.append(cluster + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return ng.cat(parts, dim=1)

    def log_prob(self, input: Tensor) -> Tensor:
        """Log-probabilities of all ``n_classes`` classes, (N, n_classes) or (n_classes,)."""
        batched = input.dim() > 1
        x = input if batched else input.unsqueeze(0)
        out = self._get_full_log_prob(x, self.head(x))
        return out if batched else out.squeeze(0)

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class of each row (the full distribution is only computed for rows that need it)."""
        batched = input.dim() > 1
        x = input if batched else input.unsqueeze(0)
        head_output = self.head(x)
        output = ng.argmax(head_output, dim=1)
        outside = output >= self.shortlist_size
        if bool(outside.any()):
            if bool(outside.all()):
                output = ng.argmax(self._get_full_log_prob(x, head_output), dim=1)
            else:
                full = self._get_full_log_prob(x[outside], head_output[outside])
                output[outside] = ng.argmax(full, dim=1)
        return output if batched else output.squeeze(0)
