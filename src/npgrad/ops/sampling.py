"""Padding and resampling: ``pad`` (constant/reflect/replicate/circular), ``interpolate`` (nearest,
nearest-exact, linear, bilinear, trilinear, bicubic, area), ``pixel_shuffle``/``pixel_unshuffle``.

Every non-constant pad and every interpolation mode is a separable linear map: one constant (out, in) matrix
per spatial dim (a 0/1 selection for pads and nearest, two taps per row for linear, four for cubic), applied by
``pool.Separable``, whose adjoint (the gradient) is the transposed map.
"""
import math

import numpy as np
from .._xp import xp

from ..autograd.function import Function, dispatch
from ..autograd import function as _function  # [autocast] (its _extras count)
from .. import _tensor as _t
from .pool import _SEPARABLE, _separable, _adaptive_avg

__all__ = ["constant_pad_nd", "pixel_shuffle", "pixel_unshuffle"]


# ---------------------------------------------------------------------------------------------- pad
class ConstantPadNd(Function):
    """Pad (or, with negative amounts, crop) the trailing dims; ``pads`` = ((lo, hi), ...) from the last dim."""
    _builtin = True
    _ctx_fields = ("pads",)

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        nd = len(pads)
        lead = x.ndim - nd
        dims = [x.shape[lead + i] for i in range(nd)]
        plist = pads[::-1]   # first padded dim first
        shape = x.shape[:lead] + tuple(s + lo + hi for s, (lo, hi) in zip(dims, plist))
        out = xp.full(shape, value, x.dtype)
        src = [slice(None)] * lead
        dst = [slice(None)] * lead
        for s, (lo, hi) in zip(dims, plist):
            src.append(slice(max(-lo, 0), s - max(-hi, 0)))
            dst.append(slice(max(lo, 0), max(lo, 0) + max(s - max(-lo, 0) - max(-hi, 0), 0)))
        out[tuple(dst)] = x[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: constant_pad_nd_backward(grad, pad) = grad cropped back (a pad by the negated amounts)
        return dispatch(ConstantPadNd, grad, tuple((-lo, -hi) for lo, hi in ctx.pads), 0), None, None


def _index_matrix(idx, s):
    """(out, s) 0/1 matrix selecting ``idx[i]`` for output ``i``."""
    m = xp.zeros((len(idx), s))
    m[xp.arange(len(idx)), idx] = 1.0
    return m


_PAD_NAMES = {"reflect": "ReflectionPad{}D", "replicate": "ReplicationPad{}D", "circular": "CircularPad"}
for _nd in (1, 2, 3):
    for _n in ("ReflectionPad{}D".format(_nd), "ReplicationPad{}D".format(_nd)):
        _SEPARABLE[_n] = _separable(_n)
# torch pads circularly by copying slices into a new tensor: its grad_fn is CopySlices
_SEPARABLE["CircularPad"] = _separable("CircularPad", "torch::autograd::CopySlices")


def _pad_index(s, lo, hi, mode):
    i = xp.arange(-lo, s + hi)
    if mode == "reflect":
        period = 2 * (s - 1)
        i = xp.abs(i) % period if period else xp.zeros_like(i)
        return xp.where(i >= s, period - i, i)
    if mode == "replicate":
        return xp.clip(i, 0, s - 1)
    # circular: negative amounts crop first, then the wrap-around comes from the cropped range (as torch)
    base = xp.arange(max(-lo, 0), s - max(-hi, 0))
    return base[xp.arange(-max(lo, 0), base.size + max(hi, 0)) % max(base.size, 1)]


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims; ``pad`` lists (left, right) pairs starting from the last dim."""
    if not isinstance(input, _t.Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    pad = [int(p) for p in pad]
    x = input._data
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if mode == "constant":
        if n > x.ndim:
            raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but "
                               f"got padding length {len(pad)} and input of dimension {x.ndim}")
        pads = tuple((pad[2 * i], pad[2 * i + 1]) for i in range(n))
        for i, (lo, hi) in enumerate(pads):
            if x.shape[x.ndim - 1 - i] + lo + hi < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        return ConstantPadNd.apply(input, pads, 0 if value is None else value)
    if mode not in _PAD_NAMES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if _function._extras and (mode == "replicate" or (mode == "reflect" and n < 3)):  # [autocast] replication_pad*
        from ..amp.autocast_mode import fp32_args  # and reflection_pad1d/2d are on torch's CPU float32 list
        input, = fp32_args(input)
        x = input._data
    if n not in (1, 2, 3) or x.ndim not in (n + 1, n + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {x.ndim}D input tensor.\nSupported combinations for "
            "non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: "
            "padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 "
            "dimensions)")
    mats = []
    for i in range(n):   # matrices from the first padded dim to the last
        lo, hi = pad[2 * (n - 1 - i)], pad[2 * (n - 1 - i) + 1]
        d = x.ndim - n + i
        s = x.shape[d]
        if mode == "reflect" and (lo >= s or hi >= s):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {d} of input {list(x.shape)}")
        if mode == "circular" and (lo > s or hi > s):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if s + lo + hi < 0 or (mode == "replicate" and s == 0):
            raise RuntimeError(f"input tensor has size 0 or negative output size in dimension {d}")
        mats.append(_index_matrix(_pad_index(s, lo, hi, mode), s))
    return _SEPARABLE[_PAD_NAMES[mode].format(n)].apply(input, tuple(mats))



def constant_pad_nd(input, pad, value=0):
    """Pads ``input`` with ``value``: ``pad`` gives (before, after) amounts, last dim first.

    The same as ``nn.functional.pad(input, pad, mode='constant', value=value)``.

    Args:
        input (Tensor): the input tensor.
        pad (sequence of ints): ``(left, right, top, bottom, ...)``; negative amounts crop.
        value (Number, optional): the fill value (default 0).

    Returns:
        Tensor: the padded tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.constant_pad_nd(torch.ones(2, 2), (1, 0, 0, 1), value=5.0)
        tensor([[5., 1., 1.],
                [5., 1., 1.],
                [5., 5., 5.]])
    """
    return globals()["pad"](input, pad, "constant", value)


# ---------------------------------------------------------------------------------------------- interpolate
def _src_scale(s, o, scale, align_corners):
    """torch's coordinate scale (area_pixel_compute_scale)."""
    if align_corners:
        return (s - 1) / (o - 1) if o > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else s / o


def _nearest_matrix(s, o, scale, exact):
    r = _src_scale(s, o, scale, False)
    d = xp.arange(o)
    src = xp.floor((d + 0.5) * r) if exact else xp.floor(d * r)
    return _index_matrix(xp.minimum(src.astype(np.int64), s - 1), s)


def _linear_matrix(s, o, scale, align_corners):
    r = _src_scale(s, o, scale, align_corners)
    d = xp.arange(o)
    src = d * r if align_corners else xp.maximum(r * (d + 0.5) - 0.5, 0.0)
    i0 = xp.minimum(xp.floor(src).astype(np.int64), s - 1)
    i1 = xp.minimum(i0 + 1, s - 1)
    l1 = src - i0
    m = xp.zeros((o, s))
    xp.add.at(m, (d, i0), 1 - l1)
    xp.add.at(m, (d, i1), l1)
    return m


def _cubic_matrix(s, o, scale, align_corners, A=-0.75):
    r = _src_scale(s, o, scale, align_corners)
    d = xp.arange(o)
    src = d * r if align_corners else r * (d + 0.5) - 0.5
    i = xp.floor(src).astype(np.int64)
    t = src - i

    def near(x):   # |x| <= 1
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def far(x):    # 1 < |x| < 2
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A

    m = xp.zeros((o, s))
    for k, w in zip((-1, 0, 1, 2), (far(t + 1), near(t), near(1 - t), far(2 - t))):
        xp.add.at(m, (d, xp.clip(i + k, 0, s - 1)), w)
    return m


_MODE_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial dims ``(N, C, *spatial)`` to ``size`` or by ``scale_factor``."""
    x = input._data
    nd = x.ndim - 2
    modes = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
    if mode not in modes:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.ndim}D) for the "
                                  f"modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if align_corners is not None and mode not in ("linear", "bilinear", "bicubic", "trilinear"):
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by npgrad yet; resize without it")
    if nd not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.ndim}D) for the "
                                  f"modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != nd:
        need = _MODE_DIMS[mode] + 2
        raise NotImplementedError(f"Got {x.ndim}D input, but {mode} mode needs {need}D input")
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None else
                         "either size or scale_factor should be defined")
    S = x.shape[2:]
    _check_resample_args(size, scale_factor, recompute_scale_factor, mode)
    if size is not None:
        sizes = (size,) * nd if isinstance(size, int) else tuple(size)
        if len(sizes) != nd:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(S)} and output size of {list(sizes)}. Please provide input "
                             f"tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        scales = (None,) * nd
    else:
        scales = (float(scale_factor),) * nd if isinstance(scale_factor, (int, float)) else \
            tuple(float(f) for f in scale_factor)
        if len(scales) != nd:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(S)} and scale_factor of shape {list(scales)}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, "
                             f"...,sK) format.")
        sizes = tuple(int(math.floor(s * f)) for s, f in zip(S, scales))
        if recompute_scale_factor:
            scales = (None,) * nd
    if any(o < 0 for o in sizes) or any(i <= 0 for i in S) or (mode != "area" and any(o <= 0 for o in sizes)):
        dims = "DHW"[3 - nd:]
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({', '.join(f'{d}: {i}' for d, i in zip(dims, S))}) and output "
                           f"({', '.join(f'{d}: {o}' for d, o in zip(dims, sizes))})")
    if align_corners is None:
        align_corners = False
    if mode == "area":
        return _adaptive_avg(nd, "adaptive_avg_pool", input, sizes)
    if mode in ("nearest", "nearest-exact"):
        mats = tuple(_nearest_matrix(s, o, f, mode == "nearest-exact") for s, o, f in zip(S, sizes, scales))
        name = ("UpsampleNearestExact{}D" if mode == "nearest-exact" else "UpsampleNearest{}D").format(nd)
    elif mode == "bicubic":
        mats = tuple(_cubic_matrix(s, o, f, align_corners) for s, o, f in zip(S, sizes, scales))
        name = "UpsampleBicubic2D"
    else:
        mats = tuple(_linear_matrix(s, o, f, align_corners) for s, o, f in zip(S, sizes, scales))
        name = {1: "UpsampleLinear1D", 2: "UpsampleBilinear2D", 3: "UpsampleTrilinear3D"}[nd]
    return _SEPARABLE[name].apply(input, mats)


def _check_resample_args(size, scale_factor, recompute_scale_factor, mode):
    """Types as torch's upsample kernels take them (ints for size, numbers for scale_factor), at the boundary."""
    def ints(v):
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    def numbers(v):
        return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
    kernel = f"upsample_{mode}"
    if size is not None and not (ints(size) or (isinstance(size, (tuple, list)) and all(ints(v) for v in size))):
        raise TypeError(f"{kernel}(): argument 'output_size' must be tuple of ints, not {type(size).__name__}")
    if scale_factor is not None and not (numbers(scale_factor) or (isinstance(scale_factor, (tuple, list)) and
                                                                   all(numbers(v) for v in scale_factor))):
        raise TypeError(f"{kernel}(): argument 'scale_factors' must be tuple of floats, not "
                        f"{type(scale_factor).__name__}")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------------------------------------- pixel shuffle
class PixelShuffle(Function):
    """(*, C r^2, H, W) -> (*, C, H r, W r): a reshape and a permutation, undone by the reverse in backward."""
    _builtin = True
    _ctx_fields = ("r", "inverse")

    @staticmethod
    def forward(ctx, x, r, inverse=False):
        ctx.r, ctx.inverse = r, inverse
        return _shuffle(x, r, inverse)

    @staticmethod
    def backward(ctx, grad):
        # self: pixel_unshuffle(grad, upscale_factor)
        return dispatch(PixelUnshuffle if not ctx.inverse else PixelShuffle, grad, ctx.r, not ctx.inverse), None, None


class PixelUnshuffle(PixelShuffle):
    pass


def _shuffle(x, r, inverse):
    lead = x.shape[:-3]
    c, h, w = x.shape[-3:]
    n = len(lead)
    if not inverse:
        y = x.reshape(lead + (c // (r * r), r, r, h, w))
        y = y.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
        return xp.ascontiguousarray(y).reshape(lead + (c // (r * r), h * r, w * r))
    y = x.reshape(lead + (c, h // r, r, w // r, r))
    y = y.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return xp.ascontiguousarray(y).reshape(lead + (c * r * r, h // r, w // r))


def pixel_shuffle(input, upscale_factor):
    x = input._data
    r = int(upscale_factor)
    if x.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{x.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if x.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={x.shape[-3]} is not divisible by {r * r}")
    return PixelShuffle.apply(input, r, False)


def pixel_unshuffle(input, downscale_factor):
    x = input._data
    r = int(downscale_factor)
    if x.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{x.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    if x.shape[-2] % r or x.shape[-1] % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by downscale_factor, but "
                           f"input.size(-2)={x.shape[-2]} and input.size(-1)={x.shape[-1]}")
    return PixelUnshuffle.apply(input, r, True)
