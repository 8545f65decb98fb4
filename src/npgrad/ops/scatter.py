"""Index-driven ops: index_select, gather/scatter (add, reduce), index_add/copy/fill, masked_fill/select/scatter,
take/take_along_dim, and their in-place variants.

Each op that reads at indices has an adjoint that adds at the same indices into zeros (``gather`` <->
``GatherAccum``, ``index_select`` <-> ``IndexSelectAccum``, ``masked_select`` <-> ``MaskedAccum``); each is the
other's backward, so gradients of any order come from the same two forwards. Index arrays live on ``ctx`` as
constants (never differentiated), as in torch.

Differs from torch on purpose: ``scatter``/``scatter_add``/``scatter_reduce`` with a ``src`` larger than
``index`` (allowed; only its leading block is read) give ``src`` a gradient padded with zeros, where torch's
backward fails with a shape error. ``scatter(..., reduce=...)`` on tensors that require grad raises at once;
torch records a node that raises in backward.
"""
import warnings

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, dispatch
from ..autograd import function as _function  # [autocast] (its _extras count)
from ..autograd.grad_mode import state
from .._shape import norm_dim, sum_to, UNSET, np_alias, takes_axis
from .. import _tensor as _t
from .indexing import MaskZero, IndexAccum, Index, inplace_method, _NAMES
from .shape import expand, reshape
from .joining import np_dtype
from .._warn import warn as _warn

__all__ = ["index_select", "gather", "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
           "index_fill", "masked_fill", "masked_select", "masked_scatter", "take", "take_along_dim"]

_FULL = slice(None)


def _coords(index, dim):
    """The fancy index addressing, for every element of ``index``, position ``index`` along ``dim`` and the
    element's own position along the other dims (torch's scatter/gather addressing)."""
    nd = index.ndim
    if nd == 0:  # a 0-d index addresses one element of a 0-d input (seen through ``_one``)
        return (index,)
    out = []
    for k, n in enumerate(index.shape):
        out.append(index if k == dim else xp.arange(n).reshape((-1,) + (1,) * (nd - k - 1)))
    return tuple(out)


def _one(a):
    """A 0-d array as a 1-element view (torch's scatter/gather address a 0-d tensor as one element); others
    unchanged."""
    return a.reshape(1) if a.ndim == 0 else a


def _lead(src, shape):
    """The leading block of ``src`` the size of ``shape`` (scatter reads only that much of ``src``)."""
    if src.shape == tuple(shape):
        return src
    return src[tuple(slice(0, n) for n in shape)]


def _pad_to(g, shape):
    """``g`` (the size of an index) padded with zeros up to ``shape`` (the source it was read from)."""
    if tuple(g.shape) == tuple(shape):
        return g
    return dispatch(PadZeros, g, tuple(shape))


class PadZeros(Function):
    _builtin = True
    _ctx_fields = ("shape",)

    @staticmethod
    def forward(ctx, g, shape):
        ctx.shape = g.shape
        z = xp.zeros(shape, g.dtype)
        z[tuple(slice(0, n) for n in g.shape)] = g
        return z

    @staticmethod
    def backward(ctx, grad):
        # grad: grad[:index sizes]
        return dispatch(Index, grad, tuple(slice(0, n) for n in ctx.shape)), None


def _unchanged(ctx):
    """The version check of a saved index or mask (torch saves them): changed in place since the forward, it
    raises torch's error instead of giving a gradient computed from the new values."""
    if ctx._saved:
        ctx.saved_tensors


_tracked = _t._tracked


class Gather(Function):
    _builtin = True
    _ctx_fields = ("shape", "dim", "index")

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim, ctx.index = a.shape, dim, index
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        return xp.asarray(_one(a)[_coords(index, dim)])

    @staticmethod
    def backward(ctx, grad):
        # self: gather_backward(grad, self, dim, index, sparse_grad)
        _unchanged(ctx)
        return dispatch(GatherAccum, grad, ctx.shape, ctx.dim, ctx.index), None, None


class GatherAccum(Function):
    """Zeros of ``shape`` with ``grad`` added at the gather positions (``zeros.scatter_add``)."""
    _builtin = True
    _ctx_fields = ("dim", "index")
    _node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        z = xp.zeros(shape, g.dtype)
        xp.add.at(_one(z), _coords(index, dim), g)
        return z

    @staticmethod
    def backward(ctx, grad):
        # grad: grad.gather(dim, index)
        return dispatch(Gather, grad, ctx.dim, ctx.index), None, None, None


class ScatterValue(Function):
    _builtin = True
    _node_name = "ScatterBackward1"
    _ctx_fields = ("dim", "index")

    @staticmethod
    def forward(ctx, a, dim, index, value):
        ctx.dim, ctx.index = dim, index
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        out = xp.array(a)  # a copy, and an array even if a gradient arrives as a NumPy scalar
        _one(out)[_coords(index, dim)] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.scatter(dim, index, 0)
        _unchanged(ctx)
        return dispatch(ScatterValue, grad, ctx.dim, ctx.index, 0), None, None, None


class Scatter(Function):
    _builtin = True
    _ctx_fields = ("dim", "index", "sshape")

    @staticmethod
    def forward(ctx, a, src, dim, index):
        ctx.dim, ctx.index, ctx.sshape = dim, index, src.shape
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        out = xp.array(a)
        _one(out)[_coords(index, dim)] = _lead(src, index.shape)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.scatter(dim, index, 0); src: grad.gather(dim, index)
        _unchanged(ctx)
        need = ctx.needs_input_grad
        gs = dispatch(ScatterValue, grad, ctx.dim, ctx.index, 0) if need[0] else None
        gsrc = _pad_to(dispatch(Gather, grad, ctx.dim, ctx.index), ctx.sshape) if need[1] else None
        return gs, gsrc, None, None


class ScatterAdd(Function):
    _builtin = True
    _ctx_fields = ("dim", "index", "sshape")

    @staticmethod
    def forward(ctx, a, src, dim, index):
        ctx.dim, ctx.index, ctx.sshape = dim, index, src.shape
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        out = xp.array(a)
        xp.add.at(_one(out), _coords(index, dim), _lead(src, index.shape))
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad; src: grad.gather(dim, index)
        _unchanged(ctx)
        need = ctx.needs_input_grad
        gsrc = _pad_to(dispatch(Gather, grad, ctx.dim, ctx.index), ctx.sshape) if need[1] else None
        return grad if need[0] else None, gsrc, None, None


_UFUNC = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}


def _reduce_forward(a, src, dim, index, reduce, include_self):
    """The scatter_reduce value, the mask of scattered positions and the per-position counts."""
    coords = _coords(index, dim)
    s = _lead(src, index.shape)
    hit = xp.zeros(a.shape, bool)
    _one(hit)[coords] = True
    out = xp.array(a)
    if not include_self:
        if reduce in ("sum", "mean"):
            out[hit] = 0
        elif reduce == "prod":
            out[hit] = 1
        else:
            big = np.inf if is_float_np(a.dtype) else np.iinfo(a.dtype).max
            out[hit] = -big if reduce == "amax" else big
    _UFUNC[reduce].at(_one(out), coords, s)
    count = None
    if reduce == "mean":
        count = xp.zeros(a.shape, np.int64) + (1 if include_self else 0)
        xp.add.at(_one(count), coords, 1)
        safe = xp.maximum(count, 1)
        out = out / safe if is_float_np(a.dtype) else out // safe
        out = out.astype(a.dtype, copy=False)
    return out, hit, count


class ScatterReduce(Function):
    _builtin = True
    _ctx_fields = ("dim", "index", "reduce", "include_self", "hit", "count", "sshape")

    @staticmethod
    def forward(ctx, a, src, dim, index, reduce, include_self):
        out, hit, count = _reduce_forward(a, src, dim, index, reduce, include_self)
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self = dim, index, reduce, include_self
        ctx.hit, ctx.count, ctx.sshape = hit, count, src.shape
        ctx.save_for_backward(a, src, out, index)  # all four, as torch, whatever the reduction
        return out

    @staticmethod
    def backward(ctx, grad):
        # self, src: scatter_reduce_backward(grad, self, dim, index, src, reduce, include_self, result)
        a, src, out, _ = ctx.saved_tensors  # also the version check of all four
        dim, index, reduce, hit = ctx.dim, ctx.index, ctx.reduce, ctx.hit
        excluded = hit if not ctx.include_self else None  # self does not take part where src landed
        if reduce == "sum":
            gs, gsrc = grad, dispatch(Gather, grad, dim, index)
        elif reduce == "mean":
            n = xp.maximum(ctx.count, 1).astype(np_dtype(grad))
            gs = grad / n
            gsrc = dispatch(Gather, gs, dim, index)
        elif reduce == "prod":
            gs, gsrc = _prod_grads(grad, a, src, out, dim, index, ctx.include_self)
        else:
            gs, gsrc = _minmax_grads(grad, a, src, out, dim, index, excluded)
            excluded = None
        if excluded is not None:
            gs = dispatch(MaskZero, gs, excluded)
        return gs, _pad_to(gsrc, ctx.sshape), None, None, None, None


def _plain(x):
    return x._data if isinstance(x, _t.Tensor) else x


def _minmax_grads(grad, a, src, out, dim, index, excluded):
    # the gradient is shared evenly by every element equal to the result. Like torch, self counts in the share
    # even where include_self=False left it out (its own part is then dropped)
    a_, src_, out_ = _plain(a), _lead(_plain(src), index.shape), _plain(out)
    self_is = a_ == out_
    src_is = src_ == _one(out_)[_coords(index, dim)]
    n = self_is.astype(np.int64)
    xp.add.at(_one(n), _coords(index, dim), src_is)
    share = grad / xp.maximum(n, 1).astype(np_dtype(grad))
    gs = dispatch(MaskZero, share, ~self_is if excluded is None else ~self_is | excluded)
    gsrc = dispatch(MaskZero, dispatch(Gather, share, dim, index), ~src_is)
    return gs, gsrc


def _prod_grads(grad, a, src, out, dim, index, include_self):
    # d out / d self = product of the scattered sources; d out / d src_j = product of everything else.
    # Zeros are handled explicitly (result / x would be 0/0): a single zero gets the product of the others.
    from .pointwise import where
    a_, src_ = _plain(a), _plain(src)
    masked_self = where(_const(a_ == 0, a), 1, a)
    part = dispatch(ScatterReduce, masked_self, src, dim, index, "prod", include_self)
    gs = grad * part / masked_self
    s_lead = dispatch(Index, src, tuple(slice(0, n) for n in index.shape)) if src_.shape != index.shape else src
    s_lead_ = _lead(src_, index.shape)
    zero = s_lead_ == 0
    nz = xp.zeros(a_.shape, np.int64)
    xp.add.at(_one(nz), _coords(index, dim), zero)
    single = zero & (_one(nz)[_coords(index, dim)] == 1)
    if isinstance(grad, _t.Tensor) and (zero & ~single).any():
        raise RuntimeError("scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are "
                           "scattered to the same position in self")
    masked_src = where(_const(single, s_lead), 1, s_lead)
    part_src = dispatch(ScatterReduce, a, masked_src, dim, index, "prod", include_self)
    by_others = dispatch(Gather, grad * part_src, dim, index)
    by_ratio = dispatch(Gather, grad * out, dim, index) / where(_const(zero, s_lead), 1, s_lead)
    gsrc = where(_const(single, s_lead), by_others, by_ratio)
    return gs, gsrc


def _const(mask, like):
    """A boolean mask as an array (plain backward) or a Tensor (create_graph), to match ``like``."""
    return _t.make(mask) if isinstance(like, _t.Tensor) else mask


class IndexSelect(Function):
    _builtin = True
    _ctx_fields = ("shape", "dim", "index")

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim, ctx.index = a.shape, dim, index
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        if a.ndim == 0:  # a 0-d input reads as one element (index 0 or -1)
            return a.reshape(1)[index].reshape(())
        return xp.take(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # self: index_select_backward_symint(grad, self.sym_sizes(), dim, index)
        _unchanged(ctx)
        return dispatch(IndexSelectAccum, grad, ctx.shape, ctx.dim, ctx.index), None, None


class IndexSelectAccum(Function):
    _builtin = True
    _ctx_fields = ("dim", "index")
    _node_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, g, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        z = xp.zeros(shape, g.dtype)
        if z.ndim == 0:
            xp.add.at(z.reshape(1), index, g.reshape(-1))
        else:
            xp.add.at(z, (_FULL,) * dim + (index,), g)
        return z

    @staticmethod
    def backward(ctx, grad):
        # grad: grad.index_select(dim, index)
        return dispatch(IndexSelect, grad, ctx.dim, ctx.index), None, None, None


def _along(arr, dim, index):
    """``(target, at)``: ``target[at]`` addresses ``index`` along ``dim`` of ``arr`` (a 0-d ``arr`` as one
    element, through a 1-element view, as torch indexes it)."""
    if arr.ndim == 0:
        return arr.reshape(1), (index,)
    return arr, (_FULL,) * dim + (index,)


class IndexAdd(Function):
    _builtin = True
    _ctx_fields = ("dim", "index", "alpha")

    @staticmethod
    def forward(ctx, a, src, dim, index, alpha):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        out = xp.array(a)
        xp.add.at(*_along(out, dim, index), src * alpha if alpha != 1 else src)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad; source: maybe_multiply(grad.index_select(dim, index).expand_as(source), alpha)
        _unchanged(ctx)
        need = ctx.needs_input_grad
        gsrc = None
        if need[1]:
            gsrc = dispatch(IndexSelect, grad, ctx.dim, ctx.index)
            if ctx.alpha != 1:
                gsrc = gsrc * ctx.alpha
        return grad if need[0] else None, gsrc, None, None, None


class IndexCopy(Function):
    _builtin = True
    _ctx_fields = ("dim", "index", "mask")

    @staticmethod
    def forward(ctx, a, src, dim, index):
        ctx.dim, ctx.index = dim, index
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        out = xp.array(a)
        target, at = _along(out, dim, index)
        target[at] = src
        mask = xp.zeros(a.shape, bool)
        target, at = _along(mask, dim, index)
        target[at] = True
        ctx.mask = mask
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.index_fill(dim, index, 0); source: grad.index_select(dim, index).expand_as(source)
        _unchanged(ctx)
        need = ctx.needs_input_grad
        gs = dispatch(MaskZero, grad, ctx.mask) if need[0] else None
        gsrc = dispatch(IndexSelect, grad, ctx.dim, ctx.index) if need[1] else None
        return gs, gsrc, None, None


class IndexFill(Function):
    _builtin = True
    _ctx_fields = ("dim", "index", "mask")

    @staticmethod
    def forward(ctx, a, dim, index, value):
        ctx.dim, ctx.index = dim, index
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        mask = xp.zeros(a.shape, bool)
        target, at = _along(mask, dim, index)
        target[at] = True
        ctx.mask = mask
        return xp.where(mask, xp.asarray(value, a.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.index_fill(dim, index, 0); value: grad.index_select(dim, unique(index)).sum()
        _unchanged(ctx)
        need = ctx.needs_input_grad
        gs = dispatch(MaskZero, grad, ctx.mask) if need[0] else None
        gv = None
        if len(need) > 3 and need[3]:
            gv = dispatch(MaskZero, grad, ~ctx.mask).sum()
        return gs, None, None, gv


class IndexFillTensor(IndexFill):
    _node_name = "IndexFillBackward1"


class MaskedFill(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("mask",)

    @staticmethod
    def forward(ctx, a, mask, value):
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        ctx.save_for_backward(mask)  # saved as torch does: changing it in place fails backward
        mask = xp.broadcast_to(mask, shape)
        ctx.mask = mask
        return xp.where(mask, xp.asarray(value).astype(a.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.masked_fill(mask, 0); value: masked_fill_backward(grad, mask)
        _unchanged(ctx)
        need = ctx.needs_input_grad
        gs = dispatch(MaskZero, grad, ctx.mask) if need[0] else None
        gv = dispatch(MaskZero, grad, ~ctx.mask).sum() if len(need) > 2 and need[2] else None
        return gs, None, gv


class MaskedFillTensor(MaskedFill):
    _node_name = "MaskedFillBackward1"


class MaskedSelect(Function):
    _builtin = True
    _ctx_fields = ("mask", "shape")

    @staticmethod
    def forward(ctx, a, mask):
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        ctx.save_for_backward(mask)  # saved as torch does: changing it in place fails backward
        mask = xp.broadcast_to(mask, shape)
        ctx.mask, ctx.shape = mask, a.shape
        return xp.broadcast_to(a, shape)[mask]

    @staticmethod
    def backward(ctx, grad):
        # self: masked_select_backward(grad, self, mask)
        # (reduced by hand: the engine's unbroadcasting compares with the output's shape, 1-D here)
        _unchanged(ctx)
        return sum_to(dispatch(MaskedAccum, grad, ctx.mask), ctx.shape), None


class MaskedAccum(Function):
    """Zeros of the mask's shape with ``grad`` where the mask is set: the adjoint of ``masked_select``."""
    _builtin = True
    _ctx_fields = ("mask",)
    _node_name = "MaskedScatterBackward0"

    @staticmethod
    def forward(ctx, g, mask):
        ctx.mask = mask
        z = xp.zeros(mask.shape, g.dtype)
        z[mask] = g
        return z

    @staticmethod
    def backward(ctx, grad):
        # grad: grad.masked_select(mask)
        return dispatch(MaskedSelect, grad, ctx.mask), None


class MaskedScatter(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("mask", "sshape")

    @staticmethod
    def forward(ctx, a, mask, src):
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        ctx.save_for_backward(mask)  # saved as torch does: changing it in place fails backward
        mask = xp.broadcast_to(mask, shape)
        ctx.mask, ctx.sshape = mask, src.shape
        out = xp.array(xp.broadcast_to(a, shape))
        out[mask] = src.reshape(-1)[:int(mask.sum())]
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.masked_fill(mask, 0); source: masked_scatter_backward_symint(grad, mask, source.sym_sizes())
        _unchanged(ctx)
        need = ctx.needs_input_grad
        gs = dispatch(MaskZero, grad, ctx.mask) if need[0] else None
        gsrc = None
        if need[2]:
            flat = dispatch(MaskedSelect, grad, ctx.mask)
            size = int(xp.prod(ctx.sshape))
            gsrc = _pad_to(flat, (size,)).reshape(ctx.sshape)
        return gs, None, gsrc


class Take(Function):
    _builtin = True
    _ctx_fields = ("shape", "index")

    @staticmethod
    def forward(ctx, a, index):
        ctx.shape, ctx.index = a.shape, index
        ctx.save_for_backward(index)  # saved as torch does: changing it in place fails backward
        return a.reshape(-1)[index]

    @staticmethod
    def backward(ctx, grad):
        # self: take_backward(grad, self, index)
        _unchanged(ctx)
        n = int(xp.prod(ctx.shape))
        return dispatch(IndexAccum, grad, (n,), (), (ctx.index,)).reshape(ctx.shape), None


# ---------------------------------------------------------------------------------------------- checks
def _name(dt):
    return _NAMES.get(dt.name, dt.name)


def _arr(index):
    return index._data if isinstance(index, _t.Tensor) else xp.asarray(index)


def _long_index(index, name, allow_int32=False):
    a = _arr(index)
    if a.dtype != np.int64 and not (allow_int32 and a.dtype == np.int32):
        want = "int32 or int64" if allow_int32 else "int64"
        raise RuntimeError(f"{name}(): Expected dtype {want} for index")
    return a


def _out_of_range(idx, n):
    """The first index outside ``[-n, n)``, or None."""
    if idx.size and (idx.max() >= n or idx.min() < -n):
        return int(idx.max()) if idx.max() >= n else int(idx.min())
    return None


def _check_gather_like(name, a_shape, index, dim, src_shape=None):
    if index.ndim != len(a_shape) and not (index.ndim <= 1 and len(a_shape) <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           + ("input tensor" if name == "gather" else "self tensor"))
    for k in range(index.ndim):
        if src_shape is None:
            if k != dim and index.shape[k] > a_shape[k]:
                raise RuntimeError(f"Size does not match at dimension {k} expected index {list(index.shape)} to be "
                                   f"no larger than self {list(a_shape)} apart from dimension {dim}")
        elif index.shape[k] > src_shape[k] or (k != dim and index.shape[k] > a_shape[k]):
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(a_shape)} apart "
                               f"from dimension {dim} and to be no larger size than src {list(src_shape)}")
    n = a_shape[dim] if a_shape else 1
    bad = _out_of_range(index, n)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {n}")


def _same_dtype(input, source, msg):
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(msg.format(self=_name(input._data.dtype), src=_name(source._data.dtype)))


def _source_shape(input, source, d, name):
    a, s = input._data.shape, source._data.shape
    if name == "index_add" and not a and s:
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified "
                           f"dimension. Got self.shape = {list(a)} source.shape = {list(s)}")
    if len(a) == len(s) and any(a[k] != s[k] for k in range(len(a)) if k != d):
        if name == "index_add":
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified "
                               f"dimension. Got self.shape = {list(a)} source.shape = {list(s)}")
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
                           f"slice shape: {' '.join(str(a[k]) for k in range(len(a)) if k != d)} at dimension {d} "
                           f"and source slice shape: {' '.join(str(s[k]) for k in range(len(s)) if k != d)} at "
                           f"dimension 0.")


def _mask(mask, name):
    m = _arr(mask)
    if m.dtype != np.bool_:
        if name == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        kind = str(_t.make(m).dtype).split(".")[-1]
        if name == "masked_scatter_":
            kind = kind.capitalize()
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype {kind}")
    return m


# ---------------------------------------------------------------------------------------------- functions
@takes_axis
def index_select(input, dim, index):
    """Selects the entries of ``input`` at ``index`` along ``dim``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to index.
        index (Tensor): a 1-D int64 (or int32) tensor of indices into ``dim``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor (not a view); ``dim`` has ``len(index)`` entries.

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(6).reshape(3, 2)
        >>> torch.index_select(x, 0, torch.tensor([2, 0]))
        tensor([[4, 5],
                [0, 1]])
        >>> torch.index_select(x, 1, torch.tensor([1]))
        tensor([[1],
                [3],
                [5]])
    """
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    idx = _long_index(index, "index_select", True)
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    idx = idx.reshape(-1)
    if nd == 0 and idx.size > 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
    n = input._data.shape[d] if nd else 1
    bad = _out_of_range(idx, n)
    if bad is not None:  # torch's classes and wording: IndexError for 0-d/1-D inputs, RuntimeError otherwise
        if nd <= 1:
            raise IndexError(f"index out of range in self: index_select got index {bad} for dim {d} of size {n}")
        if n == 0:
            raise RuntimeError("index_select(): self indexing axis dim should be positive (dim "
                               f"{d} of the input has size 0, so no index can be selected)")
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
    return IndexSelect.apply(input, d, _tracked(index, idx))


@takes_axis
def gather(input, dim, index, *, sparse_grad=False):
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (and likewise for any dim); ``index`` may be
    smaller than ``input`` in the other dims.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim ``index`` indexes.
        index (Tensor): int64 indices, with as many dims as ``input``.
        sparse_grad (bool, optional): must be False (npgrad has no sparse gradients).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad
        >>> npgrad.tensor([[1, 2], [3, 4]]).gather(1, npgrad.tensor([[1], [0]]))
        tensor([[2],
                [3]])
    """
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    idx = _long_index(index, "gather", True)
    if nd == 0:  # one element: any index shape, values 0 or -1
        bad = _out_of_range(idx, 1)
        if bad is not None:
            raise RuntimeError(f"index {bad} is out of bounds for dimension 0 with size 1")
        return Gather.apply(input, 0, _tracked(index, idx))
    _check_gather_like("gather", input._data.shape, idx, d)
    return Gather.apply(input, d, _tracked(index, idx))


def _scatter_args(input, dim, index, src, name):
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    idx = _long_index(index, name, True)
    sshape = src._data.shape if isinstance(src, _t.Tensor) else None
    _check_gather_like(name, input._data.shape, idx, d, sshape)
    if isinstance(src, _t.Tensor) and src._data.dtype != input._data.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    return d, idx


@takes_axis
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Writes ``src`` (or ``value``) into a copy of ``input`` at the positions ``index`` gives along ``dim``.

    For ``dim=1``: ``out[i][index[i][j]] = src[i][j]``. Where ``index`` repeats a position, which write wins is not
    specified (as in torch).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim that ``index`` indexes.
        index (Tensor): int64 indices, with as many dims as ``input``.
        src (Tensor, optional): the values to write, at least ``index``'s shape.
        value (Number, optional): a single value to write instead of ``src``.
        reduce (str, optional): ``'add'`` or ``'multiply'`` to combine instead of overwrite (deprecated in torch; use
            ``scatter_reduce``).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.scatter(torch.zeros(2, 3), 1, torch.tensor([[2], [0]]), torch.tensor([[5.], [7.]]))
        tensor([[0., 0., 5.],
                [7., 0., 0.]])
        >>> torch.zeros(3).scatter(0, torch.tensor([1]), value=9.0)
        tensor([0., 9., 0.])
    """
    if src is None:
        src = value
    d, idx = _scatter_args(input, dim, index, src, "scatter")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
        if isinstance(src, _t.Tensor):
            _warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed "
                          "in a future PyTorch release. Use torch.scatter_reduce instead for more reduction "
                          "options.", UserWarning)
        if state.enabled and (input._req or (isinstance(src, _t.Tensor) and src._req)):
            raise RuntimeError("scatter(reduce=...) is not differentiable (as in torch); use scatter_reduce")
        out = input._data.copy()
        s = _lead(src._data, idx.shape) if isinstance(src, _t.Tensor) else src
        (xp.add if reduce == "add" else xp.multiply).at(_one(out), _coords(idx, d), s)
        return _t.make(out)
    if isinstance(src, _t.Tensor):
        return Scatter.apply(input, src, d, _tracked(index, idx))
    return ScatterValue.apply(input, d, _tracked(index, idx), src)


@takes_axis
def scatter_add(input, dim, index, src):
    """Adds ``src`` into a copy of ``input`` at the positions ``index`` gives along ``dim``; repeated positions
    accumulate.

    For ``dim=0``: ``out[index[i]] += src[i]``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim that ``index`` indexes.
        index (Tensor): int64 indices, with as many dims as ``input``.
        src (Tensor): the values to add.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.scatter_add(torch.zeros(3), 0, torch.tensor([0, 1, 0, 2]), torch.tensor([1., 2., 3., 4.]))
        tensor([4., 2., 4.])
    """
    d, idx = _scatter_args(input, dim, index, src, "scatter_add")
    return ScatterAdd.apply(input, src, d, _tracked(index, idx))


@takes_axis
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduce ``src`` into a copy of ``input`` at ``index`` along ``dim`` with ``sum``, ``prod``, ``mean``,
    ``amax`` or ``amin`` (``include_self=False``: positions that receive values forget ``input``'s).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim ``index`` indexes.
        index (Tensor): int64 indices, with as many dims as ``input``.
        src (Tensor): the values written in.
        reduce (str): ``'sum'``, ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``.
        include_self (bool, optional): whether ``input``'s own values take part (default True).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad
        >>> npgrad.zeros(2).scatter_reduce(0, npgrad.tensor([0, 0, 1]), npgrad.tensor([1., 3., 5.]), "amax")
        tensor([3., 5.])
    """
    if reduce not in _UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    d, idx = _scatter_args(input, dim, index, src, "scatter_reduce")
    return ScatterReduce.apply(input, src, d, _tracked(index, idx), reduce, bool(include_self))


@takes_axis
def index_add(input, dim, index, source, *, alpha=1):
    """Adds ``alpha * source`` into the rows of ``input`` chosen by ``index`` along ``dim`` (repeated indices
    accumulate).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to index.
        index (Tensor): a 1-D int64 (or int32) tensor of indices into ``dim``.
        source (Tensor): the values to add; ``source.shape[dim] == len(index)``.
        alpha (Number, optional): the multiplier for ``source`` (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.index_add(torch.zeros(3, 2), 0, torch.tensor([0, 2, 0]), torch.ones(3, 2))
        tensor([[2., 2.],
                [0., 0.],
                [1., 1.]])
    """
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    idx = _long_index(index, "index_add_", True).reshape(-1)
    _same_dtype(input, source, "index_add_(): self ({self}) and source ({src}) must have the same scalar type")
    ss = source._data.shape
    if source._data.ndim and nd and ss[d] != idx.size:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                           f"({ss[d]}), for dim: {d}")
    _source_shape(input, source, d, "index_add")
    if _out_of_range(idx, input._data.shape[d] if nd else 1) is not None:
        raise IndexError("index out of range in self")
    return IndexAdd.apply(input, source, d, _tracked(index, idx), alpha)


@takes_axis
def index_copy(input, dim, index, source):
    """Copies the rows of ``source`` into ``input`` at the positions ``index`` along ``dim``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to index.
        index (Tensor): a 1-D int64 (or int32) tensor of indices into ``dim``.
        source (Tensor): the values to copy; ``source.shape[dim] == len(index)``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.index_copy(torch.zeros(3, 2), 0, torch.tensor([2, 0]), torch.tensor([[1., 2.], [3., 4.]]))
        tensor([[3., 4.],
                [0., 0.],
                [1., 2.]])
    """
    if _function._extras:  # [autocast] index_copy is on torch's CPU promote list
        from ..amp.autocast_mode import promote_args
        input, source = promote_args(input, source)
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    idx = _arr(index)
    if idx.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {_name(idx.dtype)}")
    idx = idx.reshape(-1)
    _same_dtype(input, source, "index_copy_(): self and source expected to have the same dtype, but got (self) "
                               "{self} and (source) {src}")
    if source._data.ndim and source._data.shape[d] != idx.size:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) "
                         f"({source._data.shape[d]})")
    _source_shape(input, source, d, "index_copy")
    n = input._data.shape[d] if nd else 1
    bad = _out_of_range(idx, n)
    if bad is not None:
        raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {d} with size {n}")
    return IndexCopy.apply(input, source, d, _tracked(index, idx))


@takes_axis
def index_fill(input, dim, index, value):
    """Fills the rows of ``input`` chosen by ``index`` along ``dim`` with ``value``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to index.
        index (Tensor): a 1-D int64 (or int32) tensor of indices into ``dim``.
        value (Number or 0-d Tensor): the fill value.

    Returns:
        Tensor: a new tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.index_fill(torch.arange(6).reshape(2, 3), 1, torch.tensor([0, 2]), -1)
        tensor([[-1,  1, -1],
                [-1,  4, -1]])
    """
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    idx = _arr(index)
    if idx.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    idx = idx.reshape(-1)
    n = input._data.shape[d] if nd else 1
    bad = _out_of_range(idx, n)
    if bad is not None:
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    if isinstance(value, _t.Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return IndexFillTensor.apply(input, d, _tracked(index, idx), value)
    return IndexFill.apply(input, d, _tracked(index, idx), value)


def masked_fill(input, mask, value):
    """``input`` with ``value`` where the (broadcast) boolean ``mask`` is set.

    Args:
        input (Tensor): the input tensor.
        mask (Tensor): a bool tensor broadcastable to ``input``.
        value (Number or 0-d Tensor): the fill value.

    Example:
        >>> import npgrad
        >>> npgrad.zeros(3).masked_fill(npgrad.tensor([True, False, True]), 2.0)
        tensor([2., 0., 2.])
    """
    m = _mask(mask, "masked_fill_")
    if isinstance(value, _t.Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return MaskedFillTensor.apply(input, _tracked(mask, m), value)
    return MaskedFill.apply(input, _tracked(mask, m), value)


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True, in row-major order.

    Args:
        input (Tensor): the input tensor.
        mask (Tensor): a bool tensor broadcastable with ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a 1-D tensor (a copy).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, -2], [-3, 4]])
        >>> torch.masked_select(x, x > 0)
        tensor([1, 4])
    """
    return MaskedSelect.apply(input, _tracked(mask, _mask(mask, "masked_select")))


def masked_scatter(input, mask, source):
    """Copies consecutive elements of ``source`` into ``input`` where ``mask`` is True.

    Args:
        input (Tensor): the input tensor.
        mask (Tensor): a bool tensor broadcastable to ``input``'s shape.
        source (Tensor): at least as many elements as ``mask`` has True values.

    Returns:
        Tensor: a new tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> mask = torch.tensor([[True, False, True], [False, True, False]])
        >>> torch.masked_scatter(torch.zeros(2, 3), mask, torch.tensor([1., 2., 3., 4.]))
        tensor([[1., 0., 2.],
                [0., 3., 0.]])
    """
    m = _mask(mask, "masked_scatter_")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_name(input._data.dtype)} and {_name(source._data.dtype)}")
    shape = xp.broadcast_shapes(input._data.shape, m.shape)
    if int(xp.broadcast_to(m, shape).sum()) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, _tracked(mask, m), source)


def take(input, index):
    """Indexes ``input`` as if it were flattened to 1-D.

    Args:
        input (Tensor): the input tensor.
        index (Tensor): int64 indices into the flattened ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``index``'s shape, ``input``'s dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.take(torch.tensor([[4, 3, 5], [6, 7, 8]]), torch.tensor([0, 2, 5]))
        tensor([4, 5, 8])
    """
    idx = _arr(index)
    if idx.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_name(idx.dtype)}")
    n = input._data.size
    bad = _out_of_range(idx, n)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return Take.apply(input, _tracked(index, idx))


def take_along_dim(input, indices, dim=None, *, axis=UNSET):
    """``gather`` with ``input`` and ``indices`` broadcast against each other outside ``dim`` (flattened when
    ``dim`` is None): picks along ``dim`` what ``argmax``/``argsort`` return.

    Args:
        input (Tensor): the input tensor.
        indices (Tensor): int64 indices, broadcast against ``input`` outside ``dim``.
        dim (int, optional): the dim to index; the flattened tensor when omitted.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad
        >>> x = npgrad.tensor([[3., 1.], [0., 2.]])
        >>> x.take_along_dim(x.argmax(1, keepdim=True), 1)
        tensor([[3.],
                [2.]])
    """
    if axis is not UNSET:
        dim = np_alias("take_along_dim", dim, axis)[0]
    idx = _arr(indices)
    if idx.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {_name(idx.dtype)}")
    if dim is None:
        return Gather.apply(reshape(input, -1), 0, _tracked(indices, idx.reshape(-1)))
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    if idx.ndim != nd:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {nd} dimensions for input, and {idx.ndim} dimensions for indices")
    # broadcast input and indices against each other in every dim but ``dim``
    a_shape, i_shape = list(input._data.shape), list(idx.shape)
    a_shape[d] = i_shape[d] = 1
    b = list(xp.broadcast_shapes(tuple(a_shape), tuple(i_shape)))
    a_target = tuple(b[:d] + [input._data.shape[d]] + b[d + 1:])
    if a_target != input._data.shape:
        input = expand(input, a_target)
    # torch gathers with a broadcast copy of indices: changing indices in place afterwards is fine (no error, and
    # the gradient uses the indices of the forward)
    idx = xp.array(xp.broadcast_to(idx, tuple(b[:d] + [idx.shape[d]] + b[d + 1:])))
    return Gather.apply(input, d, idx)
