"""Distances and statistics: ``cdist``, ``pdist``, ``dist``, ``cov``, ``corrcoef``, ``quantile``,
``nanquantile``, ``trapezoid``, ``cumulative_trapezoid``, ``gradient``, ``logcumsumexp``.

The distance ops are Functions with torch's backward (gradient 0 where a distance is 0); ``cov``, ``corrcoef``,
``quantile``, the trapezoid rules and ``gradient`` are composites of existing ops written the way torch writes
them, so their derivatives (and mostly their node names) come out as torch's.

>>> import npgrad
>>> npgrad.cdist(npgrad.tensor([[0.0, 0.0]]), npgrad.tensor([[3.0, 4.0]]))
tensor([[5.]])
"""
import math

import numpy as np
from .._dtype import is_float_np
from .._xp import xp, xp_of

from ..autograd.function import Function, dispatch
from ..autograd import function as _function  # [autocast] (its _extras count)
from .. import _tensor as _t
from .._shape import norm_dim, UNSET, np_alias, required_dim
from .pointwise import where
from .._warn import warn as _warn

__all__ = ["cdist", "pdist", "dist", "cov", "corrcoef", "quantile", "nanquantile", "trapezoid", "trapz",
           "cumulative_trapezoid", "gradient", "logcumsumexp"]


# ---------------------------------------------------------------------------------------------- distances
def _pnorm(diff, p, axis):
    """The p-norm of ``diff`` along ``axis`` (arrays)."""
    ad = xp.abs(diff)
    if p == 0:
        return xp.sum(ad != 0, axis=axis).astype(diff.dtype)
    if p == 1:
        return xp.sum(ad, axis=axis)
    if p == 2:
        return xp.sqrt(xp.sum(ad * ad, axis=axis))
    if p == math.inf:
        return xp.max(ad, axis=axis, initial=0.0) if ad.size else xp.zeros(xp.delete(ad.shape, axis), ad.dtype)
    return xp.sum(ad ** p, axis=axis) ** (1.0 / p)


def _dnorm(diff, dist, p):
    """d dist / d diff, elementwise (``dist`` broadcast against ``diff``); 0 where the distance is 0."""
    xp = xp_of(diff)  # NumPy, or txp on Tensors (create_graph)
    if p == 0:
        return diff * 0
    if p == 1:
        return xp.sign(diff)
    zero = dist == 0
    if p == 2:
        return where(zero, 0.0, diff / where(zero, 1.0, dist))
    if p == math.inf:
        return xp.sign(diff) * (xp.abs(diff) == dist)
    ad = xp.abs(diff)
    safe = where(ad == 0, 1.0, ad)
    g = xp.sign(diff) * where(ad == 0, 0.0, safe ** (p - 1)) / where(zero, 1.0, dist) ** (p - 1)
    return where(zero, 0.0, g)


class Cdist(Function):
    """Distances between the rows of ``x1`` (..., P, M) and ``x2`` (..., R, M): (..., P, R)."""
    _builtin = True
    _ctx_fields = ("p",)

    @staticmethod
    def forward(ctx, x1, x2, p):
        ctx.p = p
        out = _pnorm(x1[..., :, None, :] - x2[..., None, :, :], p, -1)
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # x1: _cdist_backward(grad, x1, x2, p, result); x2: the same with x1 and x2 swapped
        xp = ctx.xp
        x1, x2, out = ctx.saved_tensors
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        g = grad[..., None] * _dnorm(diff, out[..., None], ctx.p)
        need = ctx.needs_input_grad
        return (xp.sum(g, axis=-2) if need[0] else None), (-xp.sum(g, axis=-3) if need[1] else None), None


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between each row of ``x1`` and each row of ``x2`` (batch dims broadcast).

    Args:
        x1 (Tensor): ``(*, P, M)`` rows.
        x2 (Tensor): ``(*, R, M)`` rows.
        p (float, optional): the order of the norm (default 2).
        compute_mode (str, optional): torch's choice of algorithm for p=2; npgrad accepts its values.

    Returns:
        Tensor: ``(*, P, R)`` distances.

    Example:
        >>> import npgrad as torch
        >>> torch.cdist(torch.tensor([[0., 0.], [1., 1.]]), torch.tensor([[3., 4.], [0., 1.], [1., 1.]]))
        tensor([[5.0000, 1.0000, 1.4142],
                [3.6056, 1.0000, 0.0000]])
    """
    if _function._extras:  # [autocast] on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        x1, x2 = fp32_args(x1, x2)
    if x1.dim() < 2 or x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1.dim() < 2 else 2} got: "
                           f"{min(x1.dim(), x2.dim())}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    for t in (x1, x2):
        if not is_float_np(t._data.dtype):
            raise RuntimeError(f"cdist only supports floating-point dtypes, X{1 if t is x1 else 2} got: "
                               f"{str(t.dtype).split('.')[-1].capitalize()}")
    for t in (x1, x2):  # torch has no float16 or bfloat16 kernel
        if t._data.dtype.itemsize == 2 and t._data.dtype.kind in "fV":
            raise NotImplementedError(f"\"cdist\" not implemented for '{'Half' if t._data.dtype.kind == 'f' else 'BFloat16'}'")
    if compute_mode not in ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    lead = xp.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    a = x1 if tuple(x1.shape[:-2]) == lead else x1.expand(*lead, *x1.shape[-2:])
    b = x2 if tuple(x2.shape[:-2]) == lead else x2.expand(*lead, *x2.shape[-2:])
    return Cdist.apply(a, b, float(p))


class Pdist(Function):
    """The distances between all pairs of rows i < j of an (N, M) matrix, in row-major order of (i, j)."""
    _builtin = True
    _ctx_fields = ("p", "i", "j")

    @staticmethod
    def forward(ctx, x, p):
        i, j = xp.triu_indices(x.shape[0], 1)
        ctx.p, ctx.i, ctx.j = p, i, j
        out = _pnorm(x[i] - x[j], p, -1)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: _pdist_backward(grad, self, p, result)
        xp = ctx.xp
        from .shape_extra import _iadd
        x, out = ctx.saved_tensors
        i, j = ctx.i, ctx.j
        ii, jj = (_t.make(i), _t.make(j)) if isinstance(x, _t.Tensor) else (i, j)
        g = grad[:, None] * _dnorm(x[ii] - x[jj], out[:, None], ctx.p)
        return _iadd(xp.shape(x), 0, i, g) - _iadd(xp.shape(x), 0, j, g), None


def pdist(input, p=2):
    """Pairwise ``p``-norm distances between the rows of a 2-D tensor (the upper triangle of ``cdist(input, input)``,
    row-major).

    Args:
        input (Tensor): an ``(N, M)`` tensor.
        p (float, optional): the norm's order (default 2).

    Returns:
        Tensor: ``N * (N - 1) / 2`` distances.

    Example:
        >>> import npgrad as torch
        >>> torch.pdist(torch.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]))
        tensor([ 5., 10.,  5.])
    """
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    if not is_float_np(input._data.dtype):
        raise RuntimeError("pdist only supports floating-point dtypes")
    if input._data.dtype.itemsize == 2 and input._data.dtype.kind in "fV":  # torch has no float16/bfloat16 kernel
        raise NotImplementedError(f"\"pdist\" not implemented for '{'Half' if input._data.dtype.kind == 'f' else 'BFloat16'}'")
    return Pdist.apply(input, float(p))


class Dist(Function):
    """The p-norm of ``input - other`` (broadcast), a 0-d tensor."""
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("p",)

    @staticmethod
    def forward(ctx, a, b, p):
        ctx.p = p
        diff = a - b
        out = xp.asarray(_pnorm(diff.reshape(-1), p, 0), diff.dtype)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: norm_backward(grad, self - other, p, result); other: -self's
        a, b, out = ctx.saved_tensors
        g = grad * _dnorm(a - b, out, ctx.p)
        need = ctx.needs_input_grad
        return (g if need[0] else None), (-g if need[1] else None), None


def dist(input, other, p=2):
    """``norm(input - other, p)`` (0 gradient at equal inputs).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): broadcast against ``input``.
        p (float, optional): the order of the norm (default 2).

    Example:
        >>> import npgrad as torch
        >>> torch.dist(torch.tensor([0., 0.]), torch.tensor([3., 4.]))
        tensor(5.)
        >>> torch.dist(torch.tensor([0., 0.]), torch.tensor([3., 4.]), p=1)
        tensor(7.)
    """
    if not isinstance(other, _t.Tensor):
        raise TypeError(f"dist(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    _shapes_ok(input, other)
    return Dist.apply(input, other, float(p))


def _shapes_ok(a, b):
    from .._shape import broadcast_shapes
    broadcast_shapes(a.shape, b.shape)  # torch's RuntimeError for shapes that do not broadcast
    return True


# ---------------------------------------------------------------------------------------------- cov, corrcoef
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in ``input``'s rows (observations in columns), as torch.cov.

    Args:
        input (Tensor): the input tensor.
        correction (int, optional): the difference between the sample count and the divisor (1, Bessel's correction,
            by default).
        fweights (Tensor, optional): integer frequency weights, one per observation.
        aweights (Tensor, optional): observation weights.

    Example:
        >>> import npgrad as torch
        >>> torch.cov(torch.tensor([[0., 1., 2.], [2., 1., 0.]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    import warnings
    from .linalg import mm
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    x = input.view(1, -1) if input.dim() < 2 else input
    n = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.dim() > 1 or fweights._data.dtype.kind not in "iu":
            raise RuntimeError("cov(): expected fweights to have one or fewer dimensions and integral dtype")
        if fweights.numel() != n:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are observations in the "
                               f"input but got {fweights.numel()} != {n}")
        if (fweights._data < 0).any():
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.dim() > 1 or not is_float_np(aweights._data.dtype):
            raise RuntimeError("cov(): expected aweights to have one or fewer dimensions and floating point dtype")
        if aweights.numel() != n:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are observations in the "
                               f"input but got {aweights.numel()} != {n}")
        if (aweights._data < 0).any():
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if not is_float_np(x._data.dtype):
        x = x.float() if w is None or not is_float_np(w._data.dtype) else x.to(w.dtype)
    if w is None:
        avg = x.mean(1)
        w_sum = n
        norm_factor = n - correction
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if aweights is None:
            norm_factor = w_sum - correction
        else:
            norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    nf = float(norm_factor) if not isinstance(norm_factor, _t.Tensor) else float(norm_factor.item())
    if nf <= 0:
        _warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning)
        norm_factor = 0.0 if not isinstance(norm_factor, _t.Tensor) else norm_factor.clamp_min(0)
    xm = x - avg.unsqueeze(1)
    c = mm(xm, (xm if w is None else xm * w).t())
    return (c / norm_factor).squeeze()


def corrcoef(input):
    """Pearson correlation coefficients of the variables in ``input``'s rows, clamped to [-1, 1].

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.corrcoef(torch.tensor([[1., 2., 3., 4.], [2., 4., 6., 8.1], [4., 3., 2., 1.]]))
        tensor([[ 1.0000,  0.9999, -1.0000],
                [ 0.9999,  1.0000, -0.9999],
                [-1.0000, -0.9999,  1.0000]])
    """
    from .pointwise_ternary import clamp
    from .joining import diag
    c = cov(input)
    if c.dim() == 0:
        return c / c
    stddev = diag(c).sqrt()
    c = c / stddev.unsqueeze(1)
    c = c / stddev.unsqueeze(0)
    return clamp(c, -1, 1)


# ---------------------------------------------------------------------------------------------- quantiles
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    from .reduction_sort import sort
    if _function._extras:  # [autocast] quantile and nanquantile are on torch's CPU float32 list
        from ..amp.autocast_mode import fp32_args
        input, q = fp32_args(input, q)
    a = input._data
    if a.dtype.kind != "f" or a.dtype == np.float16:  # torch has no half quantile
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    scalar_q = not isinstance(q, _t.Tensor)
    if scalar_q:
        qs = xp.asarray([q], np.float64)
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
    else:
        if q.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q._data.dtype != a.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qs = q._data.reshape(-1).astype(np.float64)
        if xp.any((qs < 0) | (qs > 1)):
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        scalar_q = q.dim() == 0
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if dim is None:
        x = input.reshape(-1)
        d = 0
    else:
        d = norm_dim(dim, max(input.dim(), 1))
        x = input if input.dim() else input.reshape(1)
    x = x.movedim(d, -1) if x.dim() > 1 else x
    srt = sort(x, -1).values  # NaN sorts last
    s = srt._data
    n = s.shape[-1]
    nan = xp.isnan(s)
    valid = (n - nan.sum(-1)) if ignore_nan else xp.full(s.shape[:-1], n)
    any_nan = nan.any(-1)
    # ranks per (q, row): q * (valid - 1)
    rank = qs.reshape((-1,) + (1,) * (s.ndim - 1)) * (xp.maximum(valid, 1) - 1)
    if not ignore_nan:  # a slice with a NaN picks its last sorted element, a NaN (which then gets the gradient)
        rank = xp.where(any_nan, n - 1, rank)
    lo = xp.floor(rank).astype(np.int64)
    hi = xp.ceil(rank).astype(np.int64)
    if interpolation == "lower":
        hi = lo
    elif interpolation == "higher":
        lo = hi
    elif interpolation == "nearest":
        lo = hi = xp.round(rank).astype(np.int64)  # half to even, as torch's round
    lo, hi = xp.clip(lo, 0, n - 1), xp.clip(hi, 0, n - 1)
    frac = rank - xp.floor(rank) if interpolation == "linear" else xp.full(rank.shape, 0.5)
    # gather along the sorted axis: values (nq, *rows)
    src = srt.unsqueeze(0).expand(len(qs), *srt.shape)
    v_lo = src.gather(-1, _t.make(lo[..., None])).squeeze(-1)
    v_hi = src.gather(-1, _t.make(hi[..., None])).squeeze(-1)
    if interpolation in ("lower", "higher", "nearest"):
        out = v_lo
    else:
        w = _t.make(xp.asarray(frac, a.dtype))
        out = v_lo.lerp(v_hi, w)
    if keepdim:
        if dim is None:
            out = out.reshape((len(qs),) + (1,) * input.dim())
        else:
            out = out.unsqueeze(d + 1) if input.dim() else out
    if scalar_q:
        out = out.squeeze(0)
    return out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None, axis=UNSET,
             keepdims=UNSET):
    """The ``q``-th quantiles of ``input`` (all of it, or along ``dim``); a 1-D ``q`` adds a leading dim.
    A NaN in a slice makes that slice's quantiles NaN.

    Args:
        input (Tensor): the input tensor.
        q (float or Tensor): the quantile(s), in ``[0, 1]``.
        dim (int, optional): the dim to reduce; the flattened tensor when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        interpolation (str, optional): ``'linear'`` (default), ``'lower'``, ``'higher'``, ``'nearest'`` or
            ``'midpoint'``, for a quantile between two elements.
        out (Tensor, optional): the tensor to write the result into.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([0., 1., 2., 3.])
        >>> torch.quantile(x, 0.5)
        tensor(1.5000)
        >>> torch.quantile(x, torch.tensor([0.25, 0.75]))
        tensor([0.7500, 2.2500])
        >>> torch.quantile(x, 0.4, interpolation='nearest')
        tensor(1.)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("quantile", dim, axis, None, keepdim, keepdims)
    if out is not None:
        raise TypeError("quantile(): out= is not supported by npgrad")
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None, axis=UNSET,
                keepdims=UNSET):
    """``quantile`` ignoring NaNs (a slice of NaNs only gives NaN).

    Args:
        input (Tensor): the input tensor.
        q (float or Tensor): the quantile(s), in ``[0, 1]``.
        dim (int, optional): the dim to reduce; the flattened tensor when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        interpolation (str, optional): ``'linear'`` (default), ``'lower'``, ``'higher'``, ``'nearest'`` or
            ``'midpoint'``, for a quantile between two elements.
        out (Tensor, optional): the tensor to write the result into.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        keepdims (bool, optional): NumPy's name for ``keepdim``.

    Example:
        >>> import npgrad as torch
        >>> torch.nanquantile(torch.tensor([1.0, float('nan'), 3.0, 2.0]), 0.5)
        tensor(2.)
    """
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("nanquantile", dim, axis, None, keepdim, keepdims)
    if out is not None:
        raise TypeError("nanquantile(): out= is not supported by npgrad")
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


# ---------------------------------------------------------------------------------------------- integration
class _MulScalar(Function):
    """``tensor * number`` as aten's mul.Scalar (torch's composites record it as MulBackward1)."""
    _builtin = True
    _node_name = "MulBackward1"
    _ctx_fields = ("other",)

    @staticmethod
    def forward(ctx, x, other):
        ctx.other = other
        return (x * other).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: mul_tensor_backward(grad, other, self.scalar_type())
        return grad * ctx.other, None


_DIV = []


def _div_scalar():
    """loss.py's ``tensor / number`` node (DivBackward1), as a subclass whose node shows ``_saved_other`` (here
    trapezoid's double 2.0; made on first use, so that importing this module does not load loss.py)."""
    if not _DIV:
        from .loss import _DivScalar as Base
        _DIV.append(type("_DivScalar", (Base,), {"__module__": __name__, "_node_name": "DivBackward1"}))
    return _DIV[0]


def _scaled(t, s, div=False):
    """``t * s`` (``t / s``) as torch's C++ composites record it: MulBackward1 (DivBackward1) on a float tensor."""
    if not is_float_np(t._data.dtype):
        return t / s if div else t * s
    if div:
        return _div_scalar().apply(t, float(s))
    return _MulScalar.apply(t, s)


def _pair_sums(y, d):
    """``y[:-1] + y[1:]`` along ``d`` (in torch's order: two SliceBackward0 into AddBackward0)."""
    lead = (slice(None),) * d
    return y[lead + (slice(None, -1),)] + y[lead + (slice(1, None),)]


def _spacings(x, y, d):
    """``x[1:] - x[:-1]`` along ``d``, a 1-D ``x`` first viewed along ``d`` of ``y`` (torch's ``x.view``)."""
    if x.dim() == 1 and y.dim() > 1:
        x = x.view([-1 if i == d else 1 for i in range(y.dim())])
        d2 = d
    else:
        d2 = d if x.dim() == y.dim() else x.dim() - 1
    lead = (slice(None),) * d2
    return x[lead + (slice(1, None),)] - x[lead + (slice(None, -1),)]


def trapezoid(y, x=None, *, dx=None, dim=-1, axis=UNSET):
    """The trapezoid rule along ``dim``: spacing ``dx`` (default 1) or sample points ``x``.

    Args:
        y (Tensor): the values to integrate.
        x (Tensor, optional): the sample points (default: spaced by ``dx``).
        dx (float, optional): the spacing of the sample points when ``x`` is not given (default 1).
        dim (int, optional): the dim to integrate along (default -1).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).

    Example:
        >>> import npgrad as torch
        >>> y = torch.tensor([1., 2., 3.])
        >>> torch.trapezoid(y)
        tensor(4.)
        >>> torch.trapezoid(y, dx=0.5)
        tensor(2.)
        >>> torch.trapezoid(y, torch.tensor([0., 1., 3.]))
        tensor(6.5000)
    """
    if axis is not UNSET:
        dim = np_alias("trapezoid", dim, axis, -1)[0]
    d = norm_dim(dim, max(y.dim(), 1))
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments: give x or dx, not both")
    if y.shape[d] == 0:  # torch: zeros, recording nothing
        return y.detach().sum(d) * 0
    # torch's formulas (and nodes): (pairs * spacings).sum(d) / 2, or (sum - (first + last) * 0.5) * dx
    if isinstance(x, _t.Tensor):
        return _scaled((_pair_sums(y, d) * _spacings(x, y, d)).sum(d), 2.0, div=True)
    step = 1.0 if x is None and dx is None else (x if x is not None else dx)
    ends = y.select(d, 0) + y.select(d, -1)
    return _scaled(y.sum(d) - _scaled(ends, 0.5), step)


def trapz(y, x=None, *, dx=None, dim=-1):
    """The old name of ``trapezoid``.

    Args:
        y (Tensor): the values to integrate.
        x (Tensor, optional): the sample points (default: spaced by ``dx``).
        dx (float, optional): the spacing of the sample points when ``x`` is not given (default 1).
        dim (int, optional): the dim to integrate along (default -1).

    Example:
        >>> import npgrad as torch
        >>> torch.trapz(torch.tensor([1., 2., 3.]))
        tensor(4.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1, axis=UNSET):
    """The running trapezoid rule along ``dim`` (one fewer element than ``y`` along it).

    Args:
        y (Tensor): the values to integrate.
        x (Tensor, optional): the sample points (default: spaced by ``dx``).
        dx (float, optional): the spacing of the sample points when ``x`` is not given (default 1).
        dim (int, optional): the dim to integrate along (default -1).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).

    Example:
        >>> import npgrad as torch
        >>> torch.cumulative_trapezoid(torch.tensor([1., 2., 3., 4.]))
        tensor([1.5000, 4.0000, 7.5000])
        >>> torch.cumulative_trapezoid(torch.tensor([1., 2., 3.]), dx=0.5)
        tensor([0.7500, 2.0000])
    """
    if axis is not UNSET:
        dim = np_alias("cumulative_trapezoid", dim, axis, -1)[0]
    from .reduction_scan import cumsum
    d = norm_dim(dim, max(y.dim(), 1))
    if isinstance(x, _t.Tensor):
        return _scaled(cumsum(_pair_sums(y, d) * _spacings(x, y, d), d), 2.0, div=True)
    step = 1.0 if x is None and dx is None else (x if x is not None else dx)
    return cumsum(_scaled(_pair_sums(y, d), step / 2), d)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Central differences in the interior and one-sided (first or second order) differences at the edges,
    along each dim in ``dim`` (all by default): one tensor per dim. ``spacing`` is a number, one number per
    dim, or one coordinate tensor per dim.

    Args:
        input (Tensor): the input tensor.
        spacing (Number, list or tuple, optional): the sample spacing per dim, or the coordinates.
        dim (int or list of ints, optional): the dims to differentiate along (all by default).
        edge_order (int, optional): 1 or 2, the order of the one-sided differences at the edges.

    Returns:
        tuple of Tensors: one derivative per dim in ``dim``.

    Example:
        >>> import npgrad as torch
        >>> grads = torch.gradient(torch.tensor([1., 4., 9., 16.]))
        >>> grads
        (tensor([3., 4., 6., 7.]),)
        >>> torch.gradient(torch.tensor([0., 1., 4.]), spacing=0.5)
        (tensor([2., 4., 6.]),)
    """
    from .joining import cat
    if edge_order not in (1, 2):
        raise RuntimeError(f"torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(range(input.dim())) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    dims = [norm_dim(d, input.dim()) for d in dims]
    if isinstance(spacing, (int, float)):
        spacing = [spacing] * len(dims)
    else:
        spacing = list(spacing)
        if len(spacing) == 1 and len(dims) > 1 and not isinstance(spacing[0], _t.Tensor):
            spacing = spacing * len(dims)
    if len(spacing) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                           f"arguments to have the same length, but got a spacing argument of length "
                           f"{len(spacing)} and a dim argument of length {len(dims)}.")
    outs = []
    for d, h in zip(dims, spacing):
        n = input.shape[d]
        if n < edge_order + 1:
            raise RuntimeError(f"torch.gradient expected each dimension size to be at least edge_order+1")
        y = input if is_float_np(input._data.dtype) else input.float()

        def sl(start, length, t=y, d=d):
            return t.narrow(d, start, length)
        if isinstance(h, _t.Tensor):
            shape = [-1 if i == d else 1 for i in range(input.dim())]
            xs = h._data.astype(y._data.dtype)
            with np.errstate(all="ignore"):  # coordinates with inf/NaN or repeats give inf/NaN, silently as torch
                hd = xp.diff(xs)
                h1, h2 = hd[:-1], hd[1:]  # the steps left and right of each interior point
                a = _t.make((-h2 / (h1 * (h1 + h2))).reshape(shape))
                b = _t.make(((h2 - h1) / (h1 * h2)).reshape(shape))
                c = _t.make((h1 / (h2 * (h1 + h2))).reshape(shape))
            interior = a * sl(0, n - 2) + b * sl(1, n - 2) + c * sl(2, n - 2)
            if edge_order == 1:
                first = (sl(1, 1) - sl(0, 1)) / float(hd[0])
                last = (sl(n - 1, 1) - sl(n - 2, 1)) / float(hd[-1])
            else:
                d1, d2 = float(hd[0]), float(hd[1])
                first = (-(2 * d1 + d2) / (d1 * (d1 + d2)) * sl(0, 1) + (d1 + d2) / (d1 * d2) * sl(1, 1)
                         - d1 / (d2 * (d1 + d2)) * sl(2, 1))
                e1, e2 = float(hd[-1]), float(hd[-2])
                last = (e1 / (e2 * (e1 + e2)) * sl(n - 3, 1) - (e2 + e1) / (e2 * e1) * sl(n - 2, 1)
                        + (2 * e1 + e2) / (e1 * (e1 + e2)) * sl(n - 1, 1))
        else:
            h = float(h)
            interior = (sl(2, n - 2) - sl(0, n - 2)) / (2 * h)
            if edge_order == 1:
                first = (sl(1, 1) - sl(0, 1)) / h
                last = (sl(n - 1, 1) - sl(n - 2, 1)) / h
            else:
                first = (-1.5 * sl(0, 1) + 2 * sl(1, 1) - 0.5 * sl(2, 1)) / h
                last = (0.5 * sl(n - 3, 1) - 2 * sl(n - 2, 1) + 1.5 * sl(n - 1, 1)) / h
        outs.append(cat([first, interior, last], d))
    return tuple(outs)


# ---------------------------------------------------------------------------------------------- logcumsumexp
class Logcumsumexp(Function):
    _builtin = True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = xp.logaddexp.accumulate(a, axis=dim) if a.ndim else a.copy()
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: logcumsumexp_backward(grad, self, result, dim)
        # d out_j / d x_i = exp(x_i - out_j) for j >= i (never above 1: out_j >= x_i), so the gradient is the
        # matrix W_ij = exp(x_i - out_j) [j >= i] times grad along dim: linear in grad, as forward AD needs
        xp = ctx.xp
        a, out = ctx.saved_tensors
        d = ctx.dim
        if xp.ndim(a) == 0:
            return grad, None
        n = xp.shape(a)[d]
        x, o, g = _last(a, d), _last(out, d), _last(grad, d)
        o = where(o == -np.inf, 0.0, o)  # out is -inf only where every input so far is: their gradient is 0
        upper = xp.triu(xp.ones((n, n), bool))
        W = xp.exp(where(upper, xp.expand_dims(x, -1) - xp.expand_dims(o, -2), -np.inf))
        gx = (W @ xp.expand_dims(g, -1))[..., 0]
        return _unlast(gx, d), None


def _last(x, d):
    return x.movedim(d, -1) if isinstance(x, _t.Tensor) else xp.moveaxis(x, d, -1)


def _unlast(x, d):
    return x.movedim(-1, d) if isinstance(x, _t.Tensor) else xp.moveaxis(x, -1, d)


def logcumsumexp(input, dim=UNSET, *, axis=UNSET):
    """log(cumsum(exp(input), dim)), computed stably.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to work along.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.logcumsumexp(torch.tensor([0.0, 0.0, 1000.0]), dim=0)
        tensor([0.0000e+00, 6.9315e-01, 1.0000e+03])
    """
    dim = required_dim("logcumsumexp", dim, axis)
    if not is_float_np(input._data.dtype):
        raise RuntimeError("logcumsumexp(): expected a floating point input")
    return Logcumsumexp.apply(input, norm_dim(dim, max(input.dim(), 1)))
