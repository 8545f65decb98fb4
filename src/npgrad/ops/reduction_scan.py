"""Scans along one dim: cumsum, cumprod, cummax/cummin (values and indices), and ``diff``.

A 0-d tensor scans as one element. Integer and bool inputs of cumsum/cumprod give int64, float16 cumsum
accumulates in float32 and rounds each partial sum once (``[6e4, 6e4, -6e4]`` -> ``[6e4, inf, 6e4]``).
"""
import numpy as np
from .._dtype import is_float_np
from .._xp import xp, xp_of

from ..autograd.function import Function, dispatch
from .._shape import norm_dim, UNSET, np_alias, required_dim
from .. import _tensor as _t, _dtype
from .pointwise import where
from .scatter import GatherAccum
from . import return_types

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "diff"]


def _revcumsum(g, dim):
    """Sum from each position to the end along ``dim`` (arrays or Tensors; float16/bfloat16 accumulate in
    float32)."""
    xp = xp_of(g)  # NumPy, or txp on Tensors (create_graph)
    if type(g) is np.ndarray and g.dtype.itemsize == 2 and g.dtype.kind in "fV":
        return xp.flip(xp.cumsum(xp.flip(g, dim), axis=dim, dtype=np.float32), dim).astype(g.dtype)
    return xp.flip(xp.cumsum(xp.flip(g, dim), axis=dim), dim)


def _scan_dim(input, dim):
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    return d if nd else None


class Cumsum(Function):
    _builtin = True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        if dim is None:
            return a.astype(np.int64) if a.dtype.kind in "biu" else a.copy()
        if a.dtype.itemsize == 2 and a.dtype.kind in "fV":  # float16/bfloat16 accumulate in float32, as torch
            return xp.cumsum(a, axis=dim, dtype=np.float32).astype(a.dtype)
        return xp.cumsum(a, axis=dim, dtype=np.int64 if a.dtype.kind in "biu" else None)

    @staticmethod
    def backward(ctx, grad):
        # self: cumsum_backward(grad.to(self.scalar_type()), dim) = grad.flip(dim).cumsum(dim).flip(dim)
        if ctx.dim is None:
            return grad, None
        return _revcumsum(grad, ctx.dim), None


class Cumprod(Function):
    _builtin = True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        if dim is None:
            out = a.astype(np.int64) if a.dtype.kind in "biu" else a.copy()
        elif a.dtype.itemsize == 2 and a.dtype.kind in "fV":  # torch accumulates half/bfloat16 in float32, rounding each partial
            out = xp.cumprod(a, dim, np.float32).astype(a.dtype)  # product once
        else:
            out = xp.cumprod(a, dim, np.int64 if a.dtype.kind in "biu" else None)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: cumprod_backward(grad.to(self.scalar_type()), self, dim, result)
        xp = ctx.xp
        a, out = ctx.saved_tensors
        dim = ctx.dim
        if dim is None:
            return grad, None
        ad = a._data if isinstance(a, _t.Tensor) else a
        if not (ad == 0).any():  # sum_{k >= i} grad_k * result_k / self_i
            return _revcumsum(grad * out, dim) / a, None
        # With zeros, divide by nothing: grad_i = prod_{j<i} self_j * sum_{k>=i} grad_k prod_{i<j<=k} self_j.
        # The inner products form an (n, n) table per slice; all of it stays differentiable (double backward).
        x, g = xp.swapaxes(a, dim, -1), xp.swapaxes(grad, dim, -1)
        n = ad.shape[dim]
        i, k = xp.arange(n)[:, None], xp.arange(n)[None, :]
        inner = xp.cumprod(where(k > i, x[..., None, :], 1.0), axis=-1)
        tail = xp.sum(where(k >= i, g[..., None, :] * inner, 0.0), axis=-1)
        return xp.swapaxes(exclusive_cumprod(x, -1) * tail, dim, -1), None


def exclusive_cumprod(x, axis):
    """``[1, x0, x0*x1, ...]`` along ``axis``: products of the elements before each one (no division, so
    exact with zeros); arrays or Tensors."""
    xp = xp_of(x)  # NumPy, or txp on Tensors (create_graph)
    ad = x._data if isinstance(x, _t.Tensor) else x
    n = ad.shape[axis]
    ones = xp.ones(ad.shape[:axis % ad.ndim] + (1,) + ad.shape[axis % ad.ndim + 1:], ad.dtype)
    lead = (slice(None),) * (axis % ad.ndim)
    return xp.cumprod(xp.concatenate([ones, x[lead + (slice(0, n - 1),)]], axis=axis), axis=axis)


class _CumExtreme(Function):
    """cummax/cummin: ``(values, indices)``; each value's gradient goes to the element it came from."""
    _builtin = True
    _nondiff_out = (1,)
    _ctx_fields = ("idx", "dim", "shape")

    @staticmethod
    def backward(ctx, grad, _gidx=None):
        # self: cummaxmin_backward(grad, self, indices, dim)
        if ctx.dim is None:
            return grad, None
        return dispatch(GatherAccum, grad, ctx.shape, ctx.dim, ctx.idx), None


def _cum_extreme(name, ufunc):
    def forward(ctx, a, dim):
        ctx.dim, ctx.shape = dim, a.shape
        if dim is None:  # 0-d, or empty
            ctx.idx = None
            return a.copy(), xp.zeros(a.shape, np.int64)
        values = ufunc.accumulate(a, axis=dim)
        hit = a == values
        if is_float_np(a.dtype):  # a NaN holds the running value from there on; each NaN becomes its index
            hit |= xp.isnan(a) & xp.isnan(values)
        pos = xp.arange(a.shape[dim]).reshape((-1,) + (1,) * (a.ndim - dim - 1))
        # the latest position that reached the running extreme: ties go to the last index, as in torch
        idx = xp.maximum.accumulate(xp.where(hit, pos, 0), axis=dim).astype(np.int64)
        ctx.idx = idx
        return values, idx
    return type(name, (_CumExtreme,), {"forward": staticmethod(forward), "__module__": __name__})


Cummax = _cum_extreme("Cummax", xp.maximum)
Cummin = _cum_extreme("Cummin", xp.minimum)


def cumsum(input, dim=UNSET, *, dtype=None, axis=UNSET):
    """Running sum along ``dim`` (int64 for integer and bool inputs unless ``dtype`` says otherwise).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to work along.
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.cumsum(torch.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  3,  6, 10])
        >>> torch.cumsum(torch.tensor([[1., 2.], [3., 4.]]), dim=0)
        tensor([[1., 2.],
                [4., 6.]])
    """
    if dim is UNSET or axis is not UNSET:
        dim = required_dim("cumsum", dim, axis)
    if dtype is not None:
        dtype = _dtype.parse(dtype, "cumsum")
        if dtype is _dtype.bool:
            raise NotImplementedError(f"\"cumsum_out_cpu\" not implemented for 'Bool'")
        input = input.to(dtype)
        r = Cumsum.apply(input, _scan_dim(input, dim))
        return r if r._data.dtype == dtype.np else r.to(dtype)
    return Cumsum.apply(input, _scan_dim(input, dim))


def cumprod(input, dim=UNSET, *, dtype=None, axis=UNSET):
    """Running product along ``dim``; exact gradients with zeros in the input.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to work along.
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.cumprod(torch.tensor([1., 2., 3., 4.]), dim=0)
        tensor([ 1.,  2.,  6., 24.])
        >>> torch.cumprod(torch.tensor([[1, 2], [3, 4]]), dim=1)
        tensor([[ 1,  2],
                [ 3, 12]])
    """
    if dim is UNSET or axis is not UNSET:
        dim = required_dim("cumprod", dim, axis)
    if dtype is not None:
        dtype = _dtype.parse(dtype, "cumprod")
        if dtype is _dtype.bool:
            raise NotImplementedError(f"\"cumprod_out_cpu\" not implemented for 'Bool'")
        input = input.to(dtype)
        r = Cumprod.apply(input, _scan_dim(input, dim))
        return r if r._data.dtype == dtype.np else r.to(dtype)
    return Cumprod.apply(input, _scan_dim(input, dim))


def _extreme_dim(input, dim):
    # torch skips the dim check of an empty input here (and only here): so do we
    return _scan_dim(input, dim) if input._data.size else None


def cummax(input, dim=UNSET, *, axis=UNSET):
    """``(values, indices)`` of the running maximum along ``dim`` (a tie takes the later index).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to work along.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(values, indices)``; ``indices`` are int64 positions along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> values, indices = torch.cummax(torch.tensor([1, 3, 2, 5, 4]), dim=0)
        >>> values
        tensor([1, 3, 3, 5, 5])
        >>> indices
        tensor([0, 1, 1, 3, 3])
    """
    dim = required_dim("cummax", dim, axis)
    return return_types.cummax(*Cummax.apply(input, _extreme_dim(input, dim)))


def cummin(input, dim=UNSET, *, axis=UNSET):
    """``(values, indices)`` of the running minimum along ``dim`` (a tie takes the later index).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to work along.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(values, indices)``; ``indices`` are int64 positions along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> values, indices = torch.cummin(torch.tensor([5, 3, 4, 1, 2]), dim=0)
        >>> values
        tensor([5, 3, 3, 1, 1])
        >>> indices
        tensor([0, 1, 1, 3, 3])
    """
    dim = required_dim("cummin", dim, axis)
    return return_types.cummin(*Cummin.apply(input, _extreme_dim(input, dim)))


def diff(input, n=1, dim=-1, prepend=None, append=None, *, axis=UNSET):
    """``n``-th forward difference along ``dim``, after joining ``prepend``/``append`` (recorded as sub).

    Args:
        input (Tensor): the input tensor.
        n (int, optional): how many times to difference (default 1).
        dim (int, optional): the dim (default -1, the last).
        prepend (Tensor, optional): values joined before ``input`` along ``dim`` first.
        append (Tensor, optional): values joined after ``input`` along ``dim`` first.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1, 4, 9, 16])
        >>> torch.diff(x)
        tensor([3, 5, 7])
        >>> torch.diff(x, n=2)
        tensor([2, 2])
        >>> torch.diff(x, prepend=torch.tensor([0]))
        tensor([1, 3, 5, 7])
    """
    if axis is not UNSET:
        dim = np_alias("diff", dim, axis, -1)[0]
    from .joining import cat
    from .shape import narrow
    from .comparison import ne
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = norm_dim(dim, nd)
    if prepend is not None or append is not None:
        input = cat([x for x in (prepend, input, append) if x is not None], d)
    for _ in range(n):
        size = input._data.shape[d]
        if size == 0:
            break
        hi, lo = narrow(input, d, 1, size - 1), narrow(input, d, 0, size - 1)
        input = ne(hi, lo) if input._data.dtype == np.bool_ else hi - lo  # bools differ by xor, as torch
    return input


_METHODS = [("cumsum", cumsum), ("cumprod", cumprod), ("cummax", cummax), ("cummin", cummin), ("diff", diff)]
