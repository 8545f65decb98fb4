"""Indexing: ``__getitem__`` (basic indices are views, advanced ones copies) and ``__setitem__``.

The gradient of an index is the gradient scattered back into zeros of the input's shape (``IndexAccum``,
with ``np.add.at`` so repeated indices add up). ``IndexAccum``'s own gradient is the same index again, so
both directions stay differentiable for higher-order gradients.
"""
import numpy as np

from ..autograd.function import Function, dispatch
from ..autograd.grad_mode import state
from .._shape import norm_dim, sum_to
from .. import _tensor as _t

__all__ = ["getitem", "setitem", "select", "index_select"]


class Index(Function):
    """Advanced (integer-array or mask) indexing: a copy."""
    _builtin = True
    _ctx_fields = ("shape", "index")

    @staticmethod
    def forward(ctx, a, index):
        ctx.shape, ctx.index = a.shape, index
        return a[index]

    @staticmethod
    def backward(ctx, grad):
        # self: index_backward(grad.new_zeros(self.sizes()), indices, grad)
        return dispatch(IndexAccum, grad, ctx.shape, ctx.index), None


class Select(Index):
    _view = True
    _node_name = "SelectBackward0"


class Slice(Index):
    _view = True
    _node_name = "SliceBackward0"


class UnsqueezeIndex(Index):
    _view = True
    _node_name = "UnsqueezeBackward0"


class Alias(Index):
    _view = True
    _node_name = "AliasBackward0"


class IndexAccum(Function):
    """Zeros of ``shape`` with ``grad`` added at ``index``: the adjoint of indexing."""
    _builtin = True
    _ctx_fields = ("index",)
    _node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape, index):
        ctx.index = index
        z = np.zeros(shape, dtype=g.dtype)
        if _is_basic(index):
            z[index] = g
        else:
            np.add.at(z, index, g)
        return z

    @staticmethod
    def backward(ctx, grad):
        # grad: grad[index]
        return dispatch(Index, grad, ctx.index), None, None


class IndexPut(Function):
    """Out-of-place ``x[index] = value``; ``setitem`` copies the result back in place (torch's CopySlices)."""
    _builtin = True
    _ctx_fields = ("index", "vshape")
    _node_name = "CopySlices"

    @staticmethod
    def forward(ctx, a, v, index):
        ctx.index = index
        ctx.vshape = np.shape(v)
        out = a.copy()
        out[index] = v
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.index_put(indices, zeros_like(values)); values: grad[indices] summed to values' shape
        need = ctx.needs_input_grad
        ga = gv = None
        if need[0]:
            keep = np.ones(grad.shape, dtype=bool)
            keep[ctx.index] = False
            ga = grad * keep
        if need[1]:
            gv = sum_to(dispatch(Index, grad, ctx.index), ctx.vshape)
        return ga, gv, None


def _is_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, slice, np.integer)) for i in items)


def _convert(index, shape):
    """Turn an index with Tensors and lists into one NumPy understands; also pick torch's node name."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    advanced = False
    last = None
    for i in items:
        if isinstance(i, _t.Tensor):
            a = i._data
            if a.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if a.ndim == 0 and a.dtype.kind in "iu":
                out.append(int(a))
                last = Select
                continue
            out.append(a)
            advanced = True
        elif isinstance(i, (list, np.ndarray)):
            a = np.asarray(i)
            if a.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(a)
            advanced = True
        elif isinstance(i, bool):
            out.append(i)
            advanced = True
        elif isinstance(i, (int, np.integer)):
            out.append(int(i))
            last = Select
        elif isinstance(i, slice):
            for part in (i.start, i.stop, i.step):
                if part is not None and not isinstance(part, (int, np.integer, _t.Tensor)):
                    raise TypeError("slice indices must be integers or None or have an __index__ method")
            s = slice(*(int(p) if isinstance(p, _t.Tensor) else p for p in (i.start, i.stop, i.step)))
            if s.step is not None and s.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(s)
            if s != slice(None):
                last = Slice
        elif i is None:
            out.append(None)
            last = UnsqueezeIndex
        elif i is Ellipsis:
            out.append(i)
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid tensor indices (got " + type(i).__name__ + ")")
    cls = Index if advanced else (last or Alias)
    return tuple(out), cls


def _check_bounds(index, shape):
    dim = 0
    items = [i for i in index if i is not None]
    n_ell = sum(1 for i in items if i is Ellipsis)
    consumed = sum(np.ndim(i) and i.dtype == bool and i.ndim or 1 for i in items if i is not Ellipsis)
    if consumed > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    for i in items:
        if i is Ellipsis:
            dim += len(shape) - consumed if n_ell else 0
            continue
        if isinstance(i, int) and not isinstance(i, bool):
            size = shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
        dim += (i.ndim if isinstance(i, np.ndarray) and i.dtype == bool else 1)


def getitem(input, index):
    idx, cls = _convert(index, input._data.shape)
    if len(idx) == 1 and not isinstance(index, tuple):
        idx = idx[0]
        items = (idx,)
    else:
        items = idx
    _check_bounds(items, input._data.shape)
    try:
        return cls.apply(input, idx)
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None


def select(input, dim, index):
    nd = input._data.ndim
    d = norm_dim(dim, nd)
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input._data.shape)} at "
                         f"dimension {d}")
    return Select.apply(input, (slice(None),) * d + (index,))


def index_select(input, dim, index):
    d = norm_dim(dim, input._data.ndim)
    idx = index._data if isinstance(index, _t.Tensor) else np.asarray(index)
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    return Index.apply(input, (slice(None),) * d + (idx.reshape(-1),))


def setitem(self, index, value):
    idx, _ = _convert(index, self._data.shape)
    if len(idx) == 1 and not isinstance(index, tuple):
        idx = idx[0]
    _t._inplace_check(self)
    recording = state.enabled and (self._req or (isinstance(value, _t.Tensor) and value._req))
    if recording:
        from .pointwise import inplace
        old = _t.make(self._data.copy(), self.grad_fn, self._nr)
        old._req = self._req
        if not isinstance(value, _t.Tensor):
            value = _t.make(np.asarray(value, dtype=self._data.dtype))
        inplace(self, IndexPut.apply(old, value, idx))
        return
    v = value._data if isinstance(value, _t.Tensor) else value
    self._data[idx] = v
    self._vc[0] += 1


def bind_methods(T):
    T.index_select = index_select
    T.select = select
