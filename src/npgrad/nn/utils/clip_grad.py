"""Gradient clipping: ``clip_grad_norm_`` (by the total norm of all gradients) and ``clip_grad_value_``.

Both change ``.grad`` in place, outside autograd, as torch does under ``no_grad``.

>>> import npgrad as torch
>>> p = torch.nn.Parameter(torch.ones(4))
>>> p.grad = torch.full((4,), 3.0)
>>> torch.nn.utils.clip_grad_norm_([p], max_norm=1.0)
tensor(6.)
>>> p.grad
tensor([0.5000, 0.5000, 0.5000, 0.5000])
"""
from __future__ import annotations

import math
import types
import warnings
from typing import TYPE_CHECKING

import numpy as np

from ... import _creation
from ..._tensor import Tensor, make
from ..._warn import warn as _warn

if TYPE_CHECKING:
    from collections.abc import Iterable


__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _vector_norm(a, p):
    """``torch.linalg.vector_norm(a, p)`` of an array, in a's dtype (float16 accumulates in float32)."""
    dt = a.dtype
    x = np.abs(a.astype(np.float32) if dt.itemsize == 2 and dt.kind in "fV" else a).ravel()  # (bfloat16 too)
    if p == math.inf:
        r = x.max() if x.size else 0.0
    elif p == -math.inf:
        r = x.min() if x.size else math.inf
    elif p == 0:
        r = np.count_nonzero(x)
    elif p == 1:
        r = x.sum()
    elif p == 2:
        r = np.sqrt(np.dot(x, x))
    else:
        r = (x ** p).sum() ** (1.0 / p)
    return np.asarray(r, dtype=dt)


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float | str = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The norm of the per-tensor norms of ``tensors`` (all of them taken as one vector)."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _creation.tensor(0.0)
    norms = [_vector_norm(t._data, norm_type) for t in tensors]
    dtype = np.result_type(*norms)
    total = _vector_norm(np.stack([n.astype(dtype) for n in norms]), norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return make(total)


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Scale every ``.grad`` by ``min(1, max_norm / (total_norm + 1e-6))``."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    total = total_norm._data
    # torch evaluates max_norm / t as reciprocal(t) * max_norm, in the norm's dtype
    coef = np.reciprocal(total + total.dtype.type(1e-6)) * total.dtype.type(float(max_norm))
    coef = np.minimum(coef, total.dtype.type(1.0))
    for g in grads:
        g._data *= coef.astype(g._data.dtype)
        g._vc[0] += 1


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float | str = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Rescale the gradients so that their total ``norm_type``-norm is at most ``max_norm``; returns that norm.

    ``foreach`` is accepted and ignored (one code path on the CPU).
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            _warn("`parameters` is an empty generator, no gradient clipping will occur.")
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float | str = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Deprecated alias of ``clip_grad_norm_``."""
    _warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every ``.grad`` into ``[-clip_value, clip_value]`` in place (NaN stays NaN)."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        g = p.grad
        if g is not None:
            lo, hi = -clip_value, clip_value
            np.clip(g._data, lo, hi, out=g._data)
            g._vc[0] += 1
