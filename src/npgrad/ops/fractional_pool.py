"""Fractional max pooling (Graham, 2014): max over windows whose starts follow a random pseudo-sequence.

Per (sample, channel) and spatial dim, torch's sequence from a sample ``u`` in [0, 1):
``alpha = (in - k) / (out - 1)``, ``start[i] = int((i + u) * alpha) - int(u * alpha)`` and the last window ends at
the input's end; computed in the input's floating type, as torch does, so given the same ``_random_samples`` the
windows are torch's. Samples are ordered (W, H) in 2-D and (T, H, W) in 3-D, as torch reads them. The maximum goes
to the first of tied elements, or to the last NaN.
"""
import numpy as np
from .._dtype import is_float_np
from .._xp import xp

import npgrad as ng   # public ops, looked up at call time

from .. import _tensor as _t
from .pool import GatherFlat

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices"]


class FractionalMaxPool2D(GatherFlat):
    """``input.view(-1)[index]`` at the windows' maxima; the gradient scatters back (differentiable again)."""
    _node_name = "FractionalMaxPool2DBackward0"


class FractionalMaxPool3D(GatherFlat):
    _node_name = "FractionalMaxPool3DBackward0"


def _intervals(u, size, out, k, dt):
    """Window starts (..., out) from samples ``u`` (...), in the floating type ``dt``."""
    u = u.astype(dt)
    seq = xp.empty(u.shape + (out,), np.int64)
    if out > 1:
        alpha = dt.type(size - k) / dt.type(out - 1)
        i = xp.arange(out - 1).astype(dt)
        seq[..., :-1] = ((i + u[..., None]) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)[..., None]
    if out > 0:
        seq[..., -1] = size - k
    return seq


def _tuple(v, n, name):
    if isinstance(v, (tuple, list)):
        if len(v) != n:
            raise RuntimeError(f"fractional_max_pool{n}d: {name} must either be a single int, or a tuple of {n} "
                               "ints")
        return tuple(v)
    return (v,) * n


def _fractional(nd, input, kernel_size, output_size, output_ratio, return_indices, _random_samples):
    name = f"fractional_max_pool{nd}d"
    if not isinstance(input, _t.Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    x = input._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(x.shape)}")
    if not is_float_np(x.dtype):
        raise RuntimeError(f'"{name}_out_frame" not implemented for \'{x.dtype.name}\'')
    batched = x.ndim == nd + 2
    xb = x if batched else x[None]
    N, C = xb.shape[:2]
    spatial = xb.shape[2:]
    k = tuple(int(v) for v in _tuple(kernel_size, nd, "kernel_size"))
    if output_size is None:
        ratio = _tuple(output_ratio, nd, "output_ratio")
        output_size = [int(s * r) for s, r in zip(spatial, ratio)]
    out = tuple(int(v) for v in _tuple(output_size, nd, "output_size"))
    dims = ("time", "height", "width")[3 - nd:] if nd == 3 else ("height", "width")
    for d, (s, o, kk) in enumerate(zip(spatial, out, k)):
        if o + kk - 1 > s:
            raise RuntimeError(f"{name}_out(): pool {dims[d]} {kk} too large relative to input {dims[d]} {s}")
    if _random_samples is None:
        from ..random import rng
        samples = rng(None).random((N, C, nd)).astype(x.dtype)
    else:
        samples = _random_samples._data
        if samples.shape[:2] != (N, C) or samples.shape[-1] != nd or samples.ndim != 3:
            raise RuntimeError(f"{name}_out(): expected _random_samples of shape [{N}, {C}, {nd}], got "
                               f"{list(samples.shape)}")
    order = (1, 0) if nd == 2 else (0, 1, 2)          # which sample each spatial dim reads (2-D: W first)
    starts = [_intervals(samples[..., order[d]], spatial[d], out[d], k[d], x.dtype) for d in range(nd)]
    # flat in-plane index of every window element: (N, C, *out, prod(k))
    strides = [int(xp.prod(spatial[d + 1:])) for d in range(nd)]
    flat = xp.zeros((N, C) + out + (1,), np.int64)
    for d in range(nd):
        shape = [N, C] + [1] * nd
        shape[2 + d] = out[d]
        pos = starts[d].reshape(shape)[..., None] + _window_offsets(k, d)
        flat = flat + pos * strides[d]
    plane = int(xp.prod(spatial))
    vals = xp.take_along_axis(xb.reshape(N, C, plane), flat.reshape(N, C, -1), axis=2).reshape(flat.shape)
    nan = xp.isnan(vals)
    best = xp.argmax(vals, axis=-1)
    if nan.any():
        last_nan = vals.shape[-1] - 1 - xp.argmax(nan[..., ::-1], axis=-1)
        best = xp.where(nan.any(-1), last_nan, best)
    idx = xp.take_along_axis(flat, best[..., None], axis=-1)[..., 0]            # (N, C, *out)
    gidx = idx + (xp.arange(N * C).reshape(N, C) * plane).reshape((N, C) + (1,) * nd)
    if not batched:
        gidx, idx = gidx[0], idx[0]
    cls = FractionalMaxPool2D if nd == 2 else FractionalMaxPool3D
    result = cls.apply(input, gidx)
    if return_indices:
        return result, ng.tensor(idx)
    return result


def _window_offsets(k, d):
    """Offsets along dim ``d`` of each of the prod(k) window elements (row-major over the window)."""
    grids = xp.meshgrid(*[xp.arange(v) for v in k], indexing="ij")
    return grids[d].reshape(-1)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    return _fractional(2, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(2, input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, True, _random_samples)
