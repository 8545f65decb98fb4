"""``SyncBatchNorm``: batch normalisation whose statistics cover the batch of every rank.

In training, with a process group of more than one rank, the mean and variance are those of the concatenated
batch of all ranks: each rank computes its count, mean and sum of squared deviations (in float64), one
all-gather shares them, and every rank combines them the same way (Chan's parallel formula, exact for any
split). The running statistics use the total count (unbiased variance over all samples). Backward all-reduces
the two per-channel sums the input gradient needs; ``weight``/``bias`` gradients are the rank's own sums, which
DistributedDataParallel then averages - so DDP + SyncBatchNorm trains as BatchNorm on the whole batch.

Without a process group (or with one rank, or in eval mode) it is BatchNorm. Unlike torch 2.13, which refuses
CPU tensors in a synchronised forward ("SyncBatchNorm expected input tensor to be on GPU..."), npgrad runs it on
the CPU: that is where npgrad runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ... import _tensor as _t
from ...autograd.function import Function, once_differentiable
from ...distributed import _collectives as _coll
from ...distributed import distributed_c10d as _c10d
from .. import functional as F
from .batchnorm import _BatchNorm

if TYPE_CHECKING:
    from .module import Module
    from ..._tensor import Tensor
    from ..common_types import _device_t, _dtype_t

__all__ = ["SyncBatchNorm"]


class SyncBatchNorm(_BatchNorm):
    """BatchNorm over N-D input (at least 2-D, channels at dim 1) with statistics over all ranks of
    ``process_group`` (default: the world) in training mode.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.SyncBatchNorm(3)
        >>> m(torch.ones(4, 3)).shape
        npgrad.Size([4, 3])
        >>> net = torch.nn.SyncBatchNorm.convert_sync_batchnorm(torch.nn.Sequential(torch.nn.BatchNorm1d(3)))
        >>> type(net[0]).__name__
        'SyncBatchNorm'
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group: Any = None, device: _device_t = None,
                 dtype: _dtype_t = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _check_non_zero_input_channels(self, input):
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        self._check_non_zero_input_channels(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            factor = 1.0 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
        bn_training = self.training or (self.running_mean is None and self.running_var is None)
        running_mean = self.running_mean if not self.training or self.track_running_stats else None
        running_var = self.running_var if not self.training or self.track_running_stats else None
        need_sync = bn_training and self.training and _c10d.is_initialized()
        if need_sync:
            group = self.process_group if self.process_group else _c10d.group.WORLD
            need_sync = _c10d.get_world_size(group) > 1
        if not need_sync:
            return F.batch_norm(input, running_mean, running_var, self.weight, self.bias, bn_training, factor,
                                self.eps)
        return _SyncBatchNormFn.apply(input, self.weight, self.bias, running_mean, running_var, self.eps, factor,
                                      group)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """Replace every ``BatchNorm*d`` in ``module`` by a SyncBatchNorm sharing its parameters and buffers;
        a BatchNorm passed itself comes back as a new SyncBatchNorm."""
        out = module
        if isinstance(module, _BatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
                      process_group, bias=module.bias is not None)
            if module.affine:
                out.weight = module.weight
                out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, "qconfig"):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        del module
        return out


def _combine(stats, c):
    """Global (count, mean, M2) per channel from the ranks' rows of [count, mean(c), M2(c)] (float64)."""
    counts, means, m2s = stats[:, 0], stats[:, 1:1 + c], stats[:, 1 + c:]
    total = counts.sum()
    mean = (counts[:, None] * means).sum(axis=0) / max(total, 1.0)
    m2 = (m2s + counts[:, None] * (means - mean) ** 2).sum(axis=0)
    return total, mean, m2


class _SyncBatchNormFn(Function):
    """Batch normalisation with statistics reduced over the ranks of a process group (grad_fn
    ``SyncBatchNormBackward``, as torch's)."""

    @staticmethod
    def forward(ctx, input, weight, bias, running_mean, running_var, eps, momentum, group):
        x = input._data
        c = x.shape[1]
        axes = (0,) + tuple(range(2, x.ndim))
        cshape = (1, -1) + (1,) * (x.ndim - 2)
        n = x.size // c
        x64 = x.astype(np.float64)
        mine = np.zeros(1 + 2 * c, dtype=np.float64)
        mine[0] = n
        if n:
            mean = x64.mean(axis=axes)
            mine[1:1 + c] = mean
            mine[1 + c:] = ((x64 - mean.reshape(cshape)) ** 2).sum(axis=axes)
        world = _c10d.get_world_size(group)
        every = _t.make(np.zeros(world * mine.size, dtype=np.float64))
        _coll.all_gather_into_tensor(every, _t.make(mine), group=group)
        total, mean, m2 = _combine(every._data.reshape(world, -1), c)
        if total == 0:
            raise ValueError("SyncBatchNorm: every rank's input is empty; there is nothing to normalise")
        var = m2 / total
        invstd = 1.0 / np.sqrt(var + eps)
        if running_mean is not None:
            rm = running_mean._data
            rm *= 1 - momentum
            rm += (momentum * mean).astype(rm.dtype)
        if running_var is not None:
            rv = running_var._data
            rv *= 1 - momentum
            rv += (momentum * m2 / max(total - 1, 1)).astype(rv.dtype)
        acc = np.float32 if x.dtype == np.float16 else x.dtype
        mean_a = mean.astype(acc).reshape(cshape)
        invstd_a = invstd.astype(acc).reshape(cshape)
        y = (x.astype(acc, copy=False) - mean_a) * invstd_a
        if weight is not None:
            y = y * weight._data.reshape(cshape)
        if bias is not None:
            y = y + bias._data.reshape(cshape)
        ctx.save_for_backward(input, weight)
        ctx.stats = (mean_a, invstd_a, total, axes, cshape, group)
        return _t.make(y.astype(x.dtype, copy=False))

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        # input, weight, bias: dx = invstd * (g' - sum(g')/N - xhat * sum(g' * xhat)/N) with the sums over all
        # ranks (g' = grad * weight); dweight = sum(grad * xhat), dbias = sum(grad) over this rank's batch
        input, weight = ctx.saved_tensors
        mean, invstd, total, axes, cshape, group = ctx.stats
        need = ctx.needs_input_grad
        g = grad._data
        xhat = (input._data - mean) * invstd
        sums = np.zeros((2, mean.size), dtype=np.float64)
        sums[0] = g.sum(axis=axes, dtype=np.float64)
        sums[1] = (g * xhat).sum(axis=axes, dtype=np.float64)
        gw = _t.make(sums[1].astype(weight._data.dtype)) if weight is not None and need[1] else None
        gb = _t.make(sums[0].astype(input._data.dtype)) if need[2] else None
        gx = None
        if need[0]:
            every = _t.make(sums.reshape(-1).copy())
            _coll.all_reduce(every, group=group)
            tot = every._data.reshape(2, -1) / total
            w = 1.0 if weight is None else weight._data.reshape(cshape)
            gx = invstd * w * (g - tot[0].astype(g.dtype).reshape(cshape)
                               - xhat * tot[1].astype(g.dtype).reshape(cshape))
            gx = _t.make(gx.astype(input._data.dtype, copy=False))
        return gx, gw, gb, None, None, None, None, None


_SyncBatchNormFn.__name__ = _SyncBatchNormFn.__qualname__ = "SyncBatchNorm"
