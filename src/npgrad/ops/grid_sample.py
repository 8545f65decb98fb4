"""Spatial sampling: ``grid_sample`` (4-D and 5-D; bilinear/nearest, and bicubic in 4-D; zeros/border/reflection
padding) and ``affine_grid``.

grid_sample reads, for each output location, the input at the (x, y[, z]) of ``grid`` in [-1, 1] (x indexes the
last dim). The source coordinate goes through torch's unnormalise -> pad (clip / reflect, with their derivative
factor) steps; bilinear then blends the 2**k neighbouring pixels, out-of-range neighbours reading 0; bicubic blends 4x4 taps
with torch's cubic convolution weights (A = -0.75), the padding rule applied to each tap. Under create_graph the
backward runs as recorded ops, so double backward works as torch 2.13's.
"""
import itertools
import warnings

import numpy as np
from .._dtype import is_float_np, SCALAR_NAMES
from .._xp import xp

import npgrad as ng   # public ops, looked up at call time

from ..autograd.function import Function
from .. import _tensor as _t
from .._warn import warn as _warn

__all__ = ["grid_sample", "affine_grid"]

_MODES = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")


def _reflect(x, twice_low, twice_high):
    """Reflect ``x`` into [twice_low/2, twice_high/2]; returns the coordinate and its derivative (+-1 or 0)."""
    if twice_low == twice_high:
        return xp.zeros_like(x), xp.zeros_like(x)
    lo = twice_low / 2
    span = (twice_high - twice_low) / 2
    d = x - lo
    sign = xp.where(d < 0, -1.0, 1.0)
    d = xp.abs(d)
    extra = xp.fmod(d, span)
    flips = xp.floor(d / span)
    even = xp.fmod(flips, 2) == 0
    out = xp.where(even, extra + lo, span - extra + lo)
    return out, sign * xp.where(even, 1.0, -1.0)


def _clip(x, size):
    """Clip to [0, size - 1]; derivative 0 outside (torch's clip_coordinates_set_grad)."""
    inside = (x > 0) & (x < size - 1)
    return xp.clip(x, 0, size - 1), inside.astype(x.dtype)


def _source_index(coord, size, padding, align_corners):
    """The input-pixel coordinate of normalised ``coord`` and d(result)/d(coord)."""
    if align_corners:
        scale = (size - 1) / 2
        x = (coord + 1) * scale
    else:
        scale = size / 2
        x = ((coord + 1) * size - 1) / 2
    grad = xp.full_like(x, scale)
    if padding == "border":
        x, g = _clip(x, size)
        grad = grad * g
    elif padding == "reflection":
        if align_corners:
            x, g = _reflect(x, 0, 2 * (size - 1))
        else:
            x, g = _reflect(x, -1, 2 * size - 1)
        grad = grad * g
        x, g = _clip(x, size)
        grad = grad * g
    return x, grad


_A = -0.75   # the cubic convolution constant torch's bicubic uses


def _cubic1(x):
    return ((_A + 2) * x - (_A + 3)) * x * x + 1


def _cubic2(x):
    return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A


def _dcubic1(x):
    return (3 * (_A + 2) * x - 2 * (_A + 3)) * x


def _dcubic2(x):
    return (3 * _A * x - 10 * _A) * x + 8 * _A


def _taps(mode, t):
    """The interpolation weights of the taps along one dim at fraction ``t`` and their derivatives in ``t``
    (arrays or recorded Tensors alike): nearest one tap, bilinear two, bicubic four."""
    if mode == "nearest":
        return [1.0], [0.0]
    if mode == "bilinear":
        return [1 - t, t], [-1.0, 1.0]
    u = 1 - t
    return ([_cubic2(t + 1), _cubic1(t), _cubic1(u), _cubic2(u + 1)],
            [_dcubic2(t + 1), _dcubic1(t), -_dcubic1(u), -_dcubic2(u + 1)])


def _pad_index(p, size, padding, align_corners):
    """An integer tap position after the padding rule (bicubic pads each tap, not the source coordinate)."""
    if padding == "border":
        return xp.clip(p, 0, size - 1)
    if padding == "reflection":
        p = _reflect(p, 0, 2 * (size - 1))[0] if align_corners else _reflect(p, -1, 2 * size - 1)[0]
        return xp.clip(p, 0, size - 1)
    return p


def _corners(src, sizes, mode, padding="zeros", align_corners=False):
    """The taps each output reads: ``(corners, frac)``, a corner per combination of per-dim taps as
    (flat index into the spatial dims, in-range mask, weight, d weight / d coord per dim, tap per dim), and
    the per-dim fraction each weight is a polynomial of."""
    k = len(sizes)
    strides = [int(xp.prod(sizes[i + 1:])) for i in range(k)]
    if mode == "nearest":
        pos = [xp.rint(s) for s in src]    # round half to even, as torch's nearbyint
        ok = xp.ones(src[0].shape, bool)
        flat = xp.zeros(src[0].shape, np.int64)
        for p, n, st in zip(pos, sizes, strides):
            ok &= (p >= 0) & (p <= n - 1)
            flat += xp.clip(p, 0, n - 1).astype(np.int64) * st
        return [(flat, ok, xp.ones_like(src[0]), None, (0,) * k)], [xp.zeros_like(s) for s in src]
    lo = [xp.floor(s) for s in src]
    frac = [s - f for s, f in zip(src, lo)]
    first = 0 if mode == "bilinear" else -1
    weights = [_taps(mode, fr) for fr in frac]
    out = []
    for corner in itertools.product(range(len(weights[0][0])), repeat=k):
        ok = xp.ones(src[0].shape, bool)
        flat = xp.zeros(src[0].shape, np.int64)
        for c, f, n, st in zip(corner, lo, sizes, strides):
            p = f + (first + c)
            if mode == "bicubic":
                p = _pad_index(p, n, padding, align_corners)
            ok &= (p >= 0) & (p <= n - 1)
            flat += xp.clip(p, 0, n - 1).astype(np.int64) * st
        ws = [weights[d][0][c] for d, c in enumerate(corner)]
        w = xp.prod(ws, axis=0)
        dws = []
        for i, c in enumerate(corner):
            others = [ws[j] for j in range(k) if j != i]
            rest = xp.prod(others, axis=0) if others else xp.ones_like(w)
            dws.append(weights[i][1][c] * rest)
        out.append((flat, ok, w, dws, corner))
    return out, frac


def _unnormalize(coord, size, align_corners):
    """Bicubic's source coordinate: unnormalised only (the padding rule applies per tap) and its derivative."""
    scale = (size - 1) / 2 if align_corners else size / 2
    x = (coord + 1) * scale if align_corners else ((coord + 1) * size - 1) / 2
    return x, xp.full_like(x, scale)


class _GridSampler(Function):
    _builtin = True
    _ctx_fields = ("corners", "frac", "dsrc", "shape", "mode", "padding", "align_corners")

    @staticmethod
    def forward(ctx, input, grid, mode, padding, align_corners):
        N, C = input.shape[:2]
        sizes = input.shape[2:]
        k = len(sizes)
        P = int(xp.prod(grid.shape[1:-1]))
        g = grid.reshape(N, P, k)
        src, dsrc = [], []
        for i in range(k):                      # grid's last dim is (x, y[, z]): reversed spatial order
            if mode == "bicubic":
                s_, d = _unnormalize(g[..., k - 1 - i], sizes[i], align_corners)
            else:
                s_, d = _source_index(g[..., k - 1 - i], sizes[i], padding, align_corners)
            src.append(s_)
            dsrc.append(d)
        corners, frac = _corners(src, sizes, mode, padding, align_corners)
        flat_in = input.reshape(N, C, -1)
        out = xp.zeros((N, C, P), input.dtype)
        for flat, ok, w, _, _ in corners:
            vals = xp.take_along_axis(flat_in, xp.broadcast_to(flat[:, None, :], (N, C, P)), axis=2)
            out += vals * (w * ok)[:, None, :].astype(input.dtype, copy=False)
        ctx.corners, ctx.frac, ctx.dsrc, ctx.shape, ctx.mode = corners, frac, dsrc, input.shape, mode
        ctx.padding, ctx.align_corners = padding, align_corners
        ctx.save_for_backward(input, grid)   # versioned: changing either in place before backward raises, as torch
        return out.reshape((N, C) + grid.shape[1:-1])

    @staticmethod
    def backward(ctx, grad):
        # input, grid: grid_sampler_2d_backward(grad, input, grid, interpolation_mode, padding_mode, align_corners)
        if isinstance(grad, _t.Tensor):
            return _recorded_backward(ctx, grad)
        saved_input = ctx.saved_tensors[0]   # unpacked whatever is needed: an in-place change raises, as in torch
        N, C = ctx.shape[:2]
        sizes = ctx.shape[2:]
        k = len(sizes)
        S = int(xp.prod(sizes))
        g = grad.reshape(N, C, -1)
        P = g.shape[2]
        gin = ggrid = None
        if ctx.needs_input_grad[0]:
            base = (xp.arange(N)[:, None, None] * C + xp.arange(C)[None, :, None]) * S
            acc = xp.zeros(N * C * S, grad.dtype)
            for flat, ok, w, _, _ in ctx.corners:
                contrib = g * (w * ok)[:, None, :]
                acc += xp.bincount((base + flat[:, None, :]).ravel(), weights=contrib.ravel(),
                                   minlength=N * C * S).astype(grad.dtype, copy=False)
            gin = acc.reshape(ctx.shape)
        if ctx.needs_input_grad[1]:
            ggrid = xp.zeros((N, P, k), grad.dtype)
            if ctx.mode != "nearest":
                flat_in = saved_input.reshape(N, C, -1)
                dsrc = xp.zeros((k, N, P), grad.dtype)
                for flat, ok, _, dws, _ in ctx.corners:
                    vals = xp.take_along_axis(flat_in, xp.broadcast_to(flat[:, None, :], (N, C, P)), axis=2)
                    gv = (g * vals).sum(1) * ok
                    for i in range(k):
                        dsrc[i] += gv * dws[i]
                for i in range(k):
                    ggrid[..., k - 1 - i] = dsrc[i] * ctx.dsrc[i]
            ggrid = ggrid.reshape(grad.shape[:1] + grad.shape[2:] + (k,))
        return gin, ggrid, None, None, None


def _recorded_backward(ctx, grad):
    """The same two formulas as recorded ops (create_graph), differentiable in ``grad``, ``input`` and ``grid``:
    the tap fractions are the grid's coordinates through the (piecewise linear) unnormalise/pad map, so their
    derivative is ``dsrc`` and their second derivative zero, as in torch's double backward."""
    input, grid = ctx.saved_tensors
    N, C = ctx.shape[:2]
    sizes = ctx.shape[2:]
    k = len(sizes)
    S = int(xp.prod(sizes))
    g = grad.reshape(N, C, -1)
    P = g.shape[2]
    gT = grid.reshape(N, P, k)
    dt = grad._data.dtype
    dsrc = [ng.tensor(d.astype(dt, copy=False)) for d in ctx.dsrc]
    fr = []
    for i in range(k):
        coord = gT[..., k - 1 - i]
        fr.append(ng.tensor(ctx.frac[i].astype(dt, copy=False)) + dsrc[i] * (coord - coord.detach()))
    taps = [_taps(ctx.mode, t) for t in fr]
    need_in, need_grid = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
    gin = ng.zeros(N, C, S, dtype=grad.dtype) if need_in else None
    dsum = [None] * k
    flat_in = input.reshape(N, C, S)
    for flat, ok, _, _, corner in ctx.corners:
        okt = ng.tensor(ok.astype(dt))
        ws = [taps[d][0][c] for d, c in enumerate(corner)]
        w = okt
        for x in ws:
            w = w * x
        idx = ng.tensor(xp.ascontiguousarray(xp.broadcast_to(flat[:, None, :], (N, C, P))))
        if need_in:
            gin = gin.scatter_add(2, idx, g * w.unsqueeze(1))
        if need_grid and ctx.mode != "nearest":
            gv = (g * flat_in.gather(2, idx)).sum(1) * okt
            for i in range(k):
                d = taps[i][1][corner[i]]
                for j in range(k):
                    if j != i:
                        d = d * ws[j]
                term = gv * d
                dsum[i] = term if dsum[i] is None else dsum[i] + term
    ggrid = None
    if need_grid:
        if ctx.mode == "nearest":
            ggrid = ng.zeros(N, P, k, dtype=grad.dtype) * grid.reshape(N, P, k)   # zero, and recorded
        else:
            ggrid = ng.stack([dsum[k - 1 - j] * dsrc[k - 1 - j] for j in range(k)], -1)
        ggrid = ggrid.reshape(tuple(grad.shape[:1]) + tuple(grad.shape[2:]) + (k,))
    return (None if gin is None else gin.reshape(ctx.shape)), ggrid, None, None, None


class GridSampler2D(_GridSampler):
    _aten = "grid_sampler_2d"


class GridSampler3D(_GridSampler):
    _aten = "grid_sampler_3d"


def _dtype_name(t):
    return SCALAR_NAMES.get(t._data.dtype.name, t._data.dtype.name)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """``nn.functional.grid_sample``: ``input`` (N, C, [D,] H, W) read at ``grid`` (N, [Do,] Ho, Wo, k)."""
    if not isinstance(input, _t.Tensor) or not isinstance(grid, _t.Tensor):
        raise TypeError("grid_sample(): argument 'input' and 'grid' must be Tensor")
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in _PADDINGS:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        _warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.")
        align_corners = False
    x, g = input._data, grid._data
    if x.dtype != g.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                           f"{_dtype_name(input)} and grid has {_dtype_name(grid)}")
    if x.ndim not in (4, 5) or g.ndim != x.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(x.shape)} and grid with sizes {list(g.shape)}")
    if x.shape[0] != g.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(x.shape)} and grid with sizes {list(g.shape)}")
    k = x.ndim - 2
    if g.shape[-1] != k:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {k} in last dimension, but got grid with "
                           f"sizes {list(g.shape)}")
    if any(s == 0 for s in x.shape[2:]):
        raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                           f"sizes {list(x.shape)} with dimension {2 + [s for s in x.shape[2:]].index(0)} being "
                           "empty")
    if not is_float_np(x.dtype):
        raise RuntimeError(f'"grid_sampler_{k}d_cpu" not implemented for \'{_dtype_name(input)}\'')
    if mode == "bicubic" and k == 3:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    cls = GridSampler2D if k == 2 else GridSampler3D
    return cls.apply(input, grid, mode, padding_mode, bool(align_corners))


# ---------------------------------------------------------------------------------------------- affine_grid
def _base_grid(size, align_corners, dtype):
    """(prod(spatial), k + 1) rows of [x, y(, z), 1] over the output's spatial dims (x fastest)."""
    spatial = size[2:]
    axes = []
    for n in spatial:
        a = xp.linspace(-1, 1, n, dtype=np.float64) if n > 1 else xp.zeros(1)
        if not align_corners:
            a = a * (n - 1) / n
        axes.append(a.astype(dtype))
    mesh = xp.meshgrid(*axes, indexing="ij")            # dims in (D,) H, W order
    cols = [m.reshape(-1) for m in reversed(mesh)]      # x (W) first
    cols.append(xp.ones(cols[0].shape, dtype))
    return xp.stack(cols, axis=1)


class AffineGridGenerator(Function):
    """``grid[n, p] = base[p] @ theta[n].T``."""
    _builtin = True
    _ctx_fields = ("base", "shape", "size", "align_corners")

    @staticmethod
    def forward(ctx, theta, size, align_corners):
        base = _base_grid(size, align_corners, theta.dtype)
        ctx.base, ctx.shape, ctx.size, ctx.align_corners = base, theta.shape, size, align_corners
        out = xp.matmul(base, xp.swapaxes(theta, 1, 2)).astype(theta.dtype, copy=False)  # (N, P, k); bfloat16's
        # matmul returns float32
        return out.reshape(tuple(size[:1]) + tuple(size[2:]) + (theta.shape[1],))

    @staticmethod
    def backward(ctx, grad):
        # theta: affine_grid_generator_backward(grad, size, align_corners)
        N, k = ctx.shape[0], ctx.shape[1]
        g = grad.reshape(N, -1, k)
        if isinstance(grad, _t.Tensor):     # create_graph: the same product, recorded
            return g.transpose(1, 2) @ ng.tensor(ctx.base), None, None
        return xp.matmul(xp.swapaxes(g, 1, 2), ctx.base), None, None


def affine_grid(theta, size, align_corners=None):
    """``nn.functional.affine_grid``: the sampling grid (N, [D,] H, W, k) of affine maps ``theta`` (N, k, k + 1)."""
    if align_corners is None:
        _warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.")
        align_corners = False
    if not isinstance(theta, _t.Tensor):
        raise TypeError(f"affine_grid(): argument 'theta' must be Tensor, not {type(theta).__name__}")
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(s) for s in size]
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {ng.Size(size)}. "
                             f"Got {theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {ng.Size(size)}. "
                             f"Got {theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {ng.Size(size)}.")
    if align_corners and min(spatial) == 1:
        _warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {ng.Size(size)}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"Expected size[0] to be {theta.shape[0]} (theta's batch size), but got {size[0]}")
    return AffineGridGenerator.apply(theta, tuple(size), bool(align_corners))
