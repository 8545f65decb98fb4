"""Sets, sorted search and counting: ``unique``, ``unique_consecutive``, ``searchsorted``, ``bucketize``,
``histc``, ``histogram``, ``bincount``, ``isin``.

None of these has a derivative in torch. ``unique``/``unique_consecutive``/``histogram`` still record a node on an
input that requires grad (torch's names; their backward raises torch's error); the others return tensors outside
the graph.

>>> import npgrad
>>> npgrad.unique(npgrad.tensor([3, 1, 3, 2]), return_counts=True)
(tensor([1, 2, 3]), tensor([1, 1, 2]))
"""
import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function
from .. import _tensor as _t
from .._shape import norm_dim
from .pointwise import TYPE_NAMES
from .random_fill import NoDerivative
from . import return_types as _rt

__all__ = ["unique", "unique_consecutive", "searchsorted", "bucketize", "histc", "histogram", "bincount", "isin"]




class _Unrecorded(Function):
    """The values output of a set op: recorded under torch's node name, but without a derivative."""
    _builtin = True
    _ctx_fields = ("op",)

    @staticmethod
    def forward(ctx, a, values, op):
        ctx.op = op
        return values

    @staticmethod
    def backward(ctx, grad):
        # not implemented in torch either
        raise NotImplementedError(f"the derivative for '{ctx.op}' is not implemented.")


Unique2 = type("Unique2", (_Unrecorded,), {})
UniqueDim = type("UniqueDim", (_Unrecorded,), {})
UniqueConsecutive = type("UniqueConsecutive", (_Unrecorded,), {})


def _int64(a):
    return _t.make(xp.asarray(a, dtype=np.int64))


def _unique_dim(a, dim, consecutive):
    """Unique slices along ``dim``: each slice flattened to a row, rows compared lexicographically."""
    rows = xp.moveaxis(a, dim, 0)
    flat = rows.reshape(rows.shape[0], int(xp.prod(rows.shape[1:])))
    n = flat.shape[0]
    if consecutive:
        order = xp.arange(n)
    else:
        order = xp.lexsort(flat.T[::-1]) if flat.shape[1] else xp.arange(n)
    srt = flat[order]
    new = xp.ones(n, bool)
    if n:
        new[1:] = xp.any(srt[1:] != srt[:-1], axis=1)
    group = xp.cumsum(new) - 1
    inverse = xp.empty(n, np.int64)
    inverse[order] = group
    starts = xp.flatnonzero(new)
    counts = xp.diff(xp.append(starts, n))
    out = xp.moveaxis(rows[order[starts]], 0, dim)
    return out, inverse, counts


def _finish_unique(input, node, values, inverse, counts, return_inverse, return_counts):
    vals = node.apply(input, values, node._op) if input._req else _t.make(values)
    out = [vals]
    if return_inverse:
        out.append(_int64(inverse))
    if return_counts:
        out.append(_int64(counts))
    return vals if len(out) == 1 else tuple(out)


Unique2._op, UniqueDim._op, UniqueConsecutive._op = "_unique2", "unique_dim", "unique_consecutive"


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted; ``sorted=False`` gives sorted values too, as torch on CPU), with the
    index of each input element's value (``return_inverse``) and each value's count (``return_counts``).
    NaNs are never equal to each other, so each stays. With ``dim``, the distinct slices along ``dim``.

    Args:
        input (Tensor): the input tensor.
        sorted (bool, optional): sort the values (they always are, as in torch's CPU kernel).
        return_inverse (bool, optional): also return where each element of ``input`` went in the result.
        return_counts (bool, optional): also return how many times each value occurs.
        dim (int, optional): the dim whose slices are compared; the flattened tensor when omitted.

    Returns:
        Tensor, or a tuple with the inverse indices and/or counts.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([3, 1, 3, 2, 1])
        >>> torch.unique(x)
        tensor([1, 2, 3])
        >>> values, inverse, counts = torch.unique(x, return_inverse=True, return_counts=True)
        >>> inverse
        tensor([2, 0, 2, 1, 0])
        >>> counts
        tensor([2, 1, 2])
    """
    a = input._data
    if dim is not None:
        d = norm_dim(dim, a.ndim)
        values, inverse, counts = _unique_dim(a, d, False)
        return _finish_unique(input, UniqueDim, values, inverse, counts, return_inverse, return_counts)
    values, inverse, counts = xp.unique(a.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
    return _finish_unique(input, Unique2, values, inverse.reshape(a.shape), counts, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive values (or slices along ``dim``) into one.

    Args:
        input (Tensor): the input tensor.
        return_inverse (bool, optional): also return where each element of ``input`` went in the result.
        return_counts (bool, optional): also return how many times each value occurs.
        dim (int, optional): the dim whose slices are compared; the flattened tensor when omitted.

    Returns:
        Tensor, or a tuple with the inverse indices and/or counts.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1, 1, 2, 2, 3, 1, 1])
        >>> torch.unique_consecutive(x)
        tensor([1, 2, 3, 1])
        >>> torch.unique_consecutive(x, return_counts=True)
        (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 2]))
    """
    a = input._data
    if dim is None:
        flat = a.reshape(-1, 1)
        values, inverse, counts = _unique_dim(flat, 0, True)
        values, inverse = values.reshape(-1), inverse.reshape(a.shape)
    else:
        values, inverse, counts = _unique_dim(a, norm_dim(dim, a.ndim), True)
    return _finish_unique(input, UniqueConsecutive, values, inverse, counts, return_inverse, return_counts)


def _search(seq, vals, side, sorter=None):
    """``np.searchsorted`` row by row when ``seq`` has leading dims (they match ``vals``'s)."""
    if seq.ndim == 1:
        return xp.searchsorted(seq, vals, side=side, sorter=sorter)
    lead = seq.shape[:-1]
    s2 = seq.reshape(-1, seq.shape[-1])
    v2 = vals.reshape(s2.shape[0], -1)
    o2 = None if sorter is None else sorter.reshape(s2.shape)
    out = xp.stack([xp.searchsorted(s2[i], v2[i], side=side, sorter=None if o2 is None else o2[i])
                    for i in range(s2.shape[0])]) if s2.shape[0] else xp.zeros(v2.shape, np.int64)
    return out.reshape(lead + vals.shape[len(lead):])


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """For each value, the index where it would be inserted into ``sorted_sequence`` (the last dim; leading
    dims pair with ``input``'s) to keep it sorted: before equal values, or after them with ``right=True`` or
    ``side="right"``. ``sorter`` gives the order that sorts an unsorted sequence.

    Args:
        sorted_sequence (Tensor): values sorted along the last dim (1-D, or one sorted row per row of ``input``).
        input (Tensor or Number): the values to look up.
        out_int32 (bool, optional): int32 indices instead of int64.
        right (bool, optional): on a tie, the index after the equal values instead of before (default False).
        side (str, optional): ``'left'`` or ``'right'`` (another way to say ``right``).
        sorter (Tensor, optional): indices that sort ``sorted_sequence``, if it is not sorted itself.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> s = torch.tensor([1, 3, 5, 7])
        >>> torch.searchsorted(s, torch.tensor([3, 6, 9]))
        tensor([1, 3, 4])
        >>> torch.searchsorted(s, torch.tensor([3, 6, 9]), right=True)
        tensor([2, 3, 4])
    """
    if out is not None:
        raise TypeError("searchsorted(): out= is not supported by npgrad")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    scalar = not isinstance(input, _t.Tensor)
    vals = xp.asarray(input) if scalar else input._data
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if seq.ndim > 1 and (scalar or seq.shape[:-1] != vals.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           "dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}")
    srt = None
    if sorter is not None:
        srt = sorter._data
        if srt.shape != seq.shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got "
                               f"boundary tensor {list(seq.shape)}and got sorter tensor {list(srt.shape)}")
    res = _search(seq, vals, "right" if right else "left", srt)
    return _t.make(xp.asarray(res, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value among 1-D ``boundaries``: ``boundaries[i-1] < x <= boundaries[i]`` (``right=False``)
    or ``boundaries[i-1] <= x < boundaries[i]`` (``right=True``).

    Args:
        input (Tensor): the input tensor.
        boundaries (Tensor): 1-D, sorted bucket boundaries.
        out_int32 (bool, optional): int32 indices instead of int64.
        right (bool, optional): on a tie, the index after the equal values instead of before (default False).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> boundaries = torch.tensor([1, 3, 5])
        >>> torch.bucketize(torch.tensor([0, 1, 4, 6]), boundaries)
        tensor([0, 0, 2, 3])
        >>> torch.bucketize(torch.tensor([0, 1, 4, 6]), boundaries, right=True)
        tensor([0, 1, 2, 3])
    """
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def _float_only(kernel, a):
    if not is_float_np(a.dtype):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{TYPE_NAMES[a.dtype.name]}\'')


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts in ``bins`` equal bins over [min, max] (the data's range when both are 0; widened by 1 on each
    side when that range is a point); values outside are ignored, the last bin includes its right edge.

    Args:
        input (Tensor): the input tensor.
        bins (int, optional): the number of bins (default 100).
        min (Number, optional): the lower end of the range.
        max (Number, optional): the upper end of the range.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.histc(torch.tensor([1., 2., 1., 4.]), bins=4, min=0, max=4)
        tensor([0., 2., 1., 1.])
        >>> torch.histc(torch.tensor([1., 2., 1.]), bins=2)
        tensor([2., 1.])
    """
    a = input._data
    _float_only("histogram_cpu", a)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (xp.isfinite(lo) and xp.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    if a.dtype.kind == "V":  # bfloat16: torch's bin (x - min) * bins / (max - min), each step rounded to bfloat16
        x, L, H = a.reshape(-1), xp.asarray(lo, a.dtype), xp.asarray(hi, a.dtype)
        x = x[(x >= L) & (x <= H)]
        pos = xp.floor(((x - L) * xp.asarray(bins, a.dtype) / (H - L)).astype(np.float64)).astype(np.int64)
        counts = xp.bincount(xp.minimum(pos, bins - 1), minlength=bins)
    else:
        counts, _ = xp.histogram(a.reshape(-1), bins=bins, range=(lo, hi))
    return _t.make(counts.astype(a.dtype))


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """``(hist, bin_edges)``: ``bins`` equal bins over ``range`` (default: the data's range), or the given
    bin edges; ``weight`` weights each element, ``density`` normalises to a density.

    Args:
        input (Tensor): the input tensor.
        bins (int or Tensor): the number of equal bins, or the bin edges.
        range (tuple of floats, optional): the lower and upper end of the bins.
        weight (Tensor, optional): a weight per element.
        density (bool, optional): normalize so the histogram integrates to 1.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> hist, edges = torch.histogram(torch.tensor([1., 2., 1., 4.]), bins=3)
        >>> hist
        tensor([2., 1., 1.])
        >>> edges
        tensor([1., 2., 3., 4.])
    """
    a = input._data
    _float_only("histogram_cpu", a)
    if a.dtype.itemsize == 2 and a.dtype.kind in "fV" and range is None and not isinstance(bins, _t.Tensor):
        # torch's float16/bfloat16 histogram cannot find the data's range itself
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{'Half' if a.dtype.kind == 'f' else 'BFloat16'}'")
    w = None if weight is None else weight._data.reshape(-1)
    if isinstance(bins, _t.Tensor):
        edges = bins._data
        if edges.ndim != 1:
            raise RuntimeError(f"torch.histogram(): bins tensor should have one dimension, but got "
                               f"{edges.ndim} dimensions in the bins tensor")
        hist, edges = xp.histogram(a.reshape(-1), bins=edges, weights=w, density=density)
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        if range is None:
            rng = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
        else:
            rng = (float(range[0]), float(range[1]))
            if rng[0] > rng[1]:
                raise RuntimeError(f"torch.histogram(): min should not exceed max, but got min {rng[0]} max "
                                   f"{rng[1]}")
        if rng[0] == rng[1]:  # torch widens a point range by 1 on each side (NumPy by 0.5)
            rng = (rng[0] - 1, rng[1] + 1)
        hist, edges = xp.histogram(a.reshape(-1), bins=bins, range=rng, weights=w, density=density)
    hist, edges = hist.astype(a.dtype), xp.asarray(edges, a.dtype)
    if input._req:
        return _rt.histogram(*(NoDerivative.apply(input, hist, "histogram"),
                                 NoDerivative.apply(input, edges, "histogram")))
    return _rt.histogram(*(_t.make(hist), _t.make(edges)))


def bincount(input, weights=None, minlength=0):
    """How often each non-negative integer occurs in 1-D ``input`` (weighted by ``weights``); at least
    ``minlength`` bins. Float32 weights give float32 counts, other weights float64.

    Args:
        input (Tensor): the input tensor.
        weights (Tensor, optional): a weight per element of ``input``.
        minlength (int, optional): the least number of bins.

    Example:
        >>> import npgrad as torch
        >>> torch.bincount(torch.tensor([0, 1, 1, 3]))
        tensor([1, 2, 0, 1])
        >>> torch.bincount(torch.tensor([0, 1, 1]), weights=torch.tensor([0.5, 1.0, 2.0]))
        tensor([0.5000, 3.0000])
        >>> torch.bincount(torch.tensor([1]), minlength=4)
        tensor([0, 1, 0, 0])
    """
    a = input._data
    if a.dtype.kind not in "iu":
        if a.dtype.kind == "b":
            a = a.astype(np.int64)
        else:
            raise NotImplementedError(f'"bincount_cpu" not implemented for \'{TYPE_NAMES[a.dtype.name]}\'')
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _int64(xp.bincount(a, minlength=minlength))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = np.float32 if w.dtype == np.float32 else np.float64
    return _t.make(xp.bincount(a, weights=w, minlength=minlength).astype(dt))


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of ``elements`` is in ``test_elements`` (either may be a number); NaN is in nothing.

    Args:
        elements (Tensor or Number): the values to test.
        test_elements (Tensor or Number): the values to look for.
        assume_unique (bool, optional): both inputs hold unique values (a hint).
        invert (bool, optional): return the opposite (not in).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.isin(torch.tensor([[1, 2], [3, 4]]), torch.tensor([2, 3]))
        tensor([[False,  True],
                [ True, False]])
        >>> torch.isin(torch.tensor([1, 2]), 2, invert=True)
        tensor([ True, False])
    """
    if not isinstance(elements, _t.Tensor) and not isinstance(test_elements, _t.Tensor):
        raise TypeError("isin() received an invalid combination of arguments: expected at least one Tensor")
    e = elements._data if isinstance(elements, _t.Tensor) else xp.asarray(elements)
    t = test_elements._data if isinstance(test_elements, _t.Tensor) else xp.asarray(test_elements)
    return _t.make(xp.asarray(xp.isin(e, t.reshape(-1), invert=invert)))
