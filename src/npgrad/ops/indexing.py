"""Indexing: ``__getitem__`` and ``__setitem__``, with torch's semantics and node names.

An index is split the way torch applies it: first the basic part (ints select, slices, ``None`` unsqueezes,
``...``), which gives a view; then, if there are index tensors (ints, lists, masks), advanced indexing on that
view, which gives a copy. Both parts are kept (``basic``, ``adv``), so one node does the whole index and its
gradient is ``grad`` scattered back into zeros of the input's shape (``IndexAccum``; ``np.add.at`` so
repeated indices add up). ``IndexAccum``'s own gradient is the same index again, so both directions stay
differentiable for higher-order gradients.

``x[i] = v`` writes in place and, when recording, rebases ``x.grad_fn`` onto a node named as torch names it:
``CopySlices`` (a write into part of ``x``), ``IndexPutBackward0`` (index tensors on all of ``x``),
``CopyBackwards``/``FillBackward3`` (all of ``x``). Writing into a view made while recording rebases the
view's base instead (the view then reads from the base through ``AsStridedBackward0``), as torch does.
Every view knows its base (``_x["base"]``, set by ``shape.track_view``); only views made while recording are
regenerated after a write into their base, other views keep their ``grad_fn`` (torch re-derives them lazily).
"""
import re
import warnings

import numpy as np
from .._dtype import is_float_np, SCALAR_NAMES, TENSOR_TYPES
from .._xp import xp

from ..autograd.function import Function, dispatch, version_lock as _version_lock
from ..autograd.grad_mode import state
from ..autograd import forward_ad as _fw
from .._shape import norm_dim, sum_to, takes_axis
from .. import _tensor as _t
from .shape import cast, track_view
from .._warn import warn as _warn

__all__ = ["select", "nonzero", "argwhere", "index_put"]

_FULL = slice(None)


class Index(Function):
    """``a[basic][adv]``: advanced (integer-array or mask) indexing, a copy."""
    _builtin = True
    _ctx_fields = ("shape", "basic", "adv")

    @staticmethod
    def forward(ctx, a, basic, adv=None):
        ctx.shape, ctx.basic, ctx.adv = a.shape, basic, adv
        v = view_at(a, basic)
        if adv is None:
            return v
        r = v[adv]
        if type(r) is not np.ndarray:  # 0-d index arrays give a NumPy scalar
            return xp.asarray(r)
        return r if r.flags.c_contiguous else r.copy()  # NumPy may lay mixed indexing out transposed

    @staticmethod
    def backward(ctx, grad):
        # self: index_backward(grad.new_zeros(self.sizes()), indices, grad)
        return dispatch(IndexAccum, grad, ctx.shape, ctx.basic, ctx.adv), None, None


class IndexTensor(Function):
    """``a[idx]`` with one integer index tensor: the index array is an argument of its own (not inside a tuple),
    so ``npgrad.compile`` records it as an input and replays the lookup with each call's indices."""
    _builtin = True
    _ctx_fields = ("shape", "basic", "adv")
    _node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, idx):
        ctx.shape, ctx.basic, ctx.adv = a.shape, (_FULL,), (idx,)
        r = a[idx]
        return r if r.flags.c_contiguous else r.copy()

    @staticmethod
    def backward(ctx, grad):
        # self: index_backward(grad.new_zeros(self.sizes()), indices, grad)
        return dispatch(IndexAccum, grad, ctx.shape, ctx.basic, ctx.adv), None


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
    """Zeros of ``shape`` with ``grad`` added at ``[basic][adv]``: the adjoint of indexing."""
    _builtin = True
    _ctx_fields = ("basic", "adv")
    _node_name = "IndexBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, basic, adv=None):
        ctx.basic, ctx.adv = basic, adv
        z = xp.zeros(shape, dtype=g.dtype)
        zv = view_at(z, basic)
        if adv is None:
            zv[...] = g
        elif all(isinstance(i, slice) or i.dtype == bool for i in adv):
            zv[adv] = g  # masks never repeat a position
        else:
            xp.add.at(zv, adv, g)
        return z

    @staticmethod
    def backward(ctx, grad):
        # grad: grad[indices]
        return dispatch(Index, grad, ctx.basic, ctx.adv), None, None, None


class MaskZero(Function):
    """``grad`` with zeros where ``mask`` is set (positions an in-place write replaced)."""
    _builtin = True
    _ctx_fields = ("mask",)

    @staticmethod
    def forward(ctx, g, mask):
        ctx.mask = mask
        return xp.where(mask, xp.zeros((), g.dtype), g)

    @staticmethod
    def backward(ctx, grad):
        # grad: grad.masked_fill(mask, 0)
        return dispatch(MaskZero, grad, ctx.mask), None


class CopySlices(Function):
    """``base`` after ``value`` was written into ``dst[basic][adv]`` (``dst``: base itself, or a view of it
    whose elements sit at the flat base positions ``pos``)."""
    _builtin = True
    _node_name = "CopySlices"
    _ctx_fields = ("mask", "basic", "adv", "vshape", "vdtype", "flat")

    @staticmethod
    def forward(ctx, base, value, dst, basic, adv, pos):
        _write(dst, basic, adv, value)
        ctx.vshape, ctx.vdtype = xp.shape(value), getattr(value, "dtype", None)
        mask = xp.zeros(base.shape, bool)
        ctx.flat = pos is not None
        if pos is None:
            ctx.basic, ctx.adv = basic, adv
            _write(mask, basic, adv, True)
        else:  # through a view: address the written positions in the flattened base
            target = view_at(pos, basic)
            target = target if adv is None else target[adv]
            ctx.basic, ctx.adv = (), (target,)
            mask.reshape(-1)[target] = True
        ctx.mask = mask
        return base

    @staticmethod
    def backward(ctx, grad):
        # self: grad.clone().index_put_(indices, zeros); value: grad[indices] summed to value's shape
        return _written_grads(ctx, grad, grad.reshape(-1) if ctx.flat else grad) + (None, None, None, None)


def _written_grads(ctx, grad, addressed):
    """The gradients of a write ``x[indices] = value`` (CopySlices, Written): ``grad`` with the written positions
    zeroed for ``x``; for ``value``, ``addressed[indices]`` (``grad`` as the indices address it) summed to its shape."""
    need = ctx.needs_input_grad
    gx = dispatch(MaskZero, grad, ctx.mask) if need[0] else None
    gv = None
    if need[1]:
        gv = cast(_sum_to_value(dispatch(Index, addressed, ctx.basic, ctx.adv), ctx.vshape), ctx.vdtype)
    return gx, gv


class IndexPut(CopySlices):
    _node_name = "IndexPutBackward0"


class Written(Function):
    """A copy of ``a`` with ``value`` written at ``[basic][adv]``: what ``x[i] = v`` computes when no gradient is
    recorded, as an op ``npgrad.compile`` can record (setitem then writes it back with ``inplace``)."""
    _builtin = True
    _ctx_fields = ("mask", "basic", "adv", "vshape", "vdtype")

    @staticmethod
    def forward(ctx, a, value, basic, adv):
        r = a.copy()
        _write(r, basic, adv, value)
        ctx.vshape, ctx.vdtype = xp.shape(value), getattr(value, "dtype", None)
        ctx.basic, ctx.adv = basic, adv
        ctx.mask = mask = xp.zeros(a.shape, bool)
        _write(mask, basic, adv, True)
        return r

    @staticmethod
    def backward(ctx, grad):
        # self: grad.clone().index_put_(indices, zeros); value: grad[indices] summed to value's shape
        return _written_grads(ctx, grad, grad) + (None, None)


class CopyBackwards(CopySlices):
    _node_name = "CopyBackwards"


class Fill(CopySlices):
    _node_name = "FillBackward3"


class AsStrided(Function):
    """A view of ``base`` re-derived after its base was written in place: elements at flat positions ``pos``."""
    _builtin, _view = True, True
    _ctx_fields = ("shape", "pos")

    @staticmethod
    def forward(ctx, base, view, pos):
        ctx.shape, ctx.pos = base.shape, pos
        return view

    @staticmethod
    def backward(ctx, grad):
        # self: as_strided_backward(grad, TensorGeometry(self), size, stride, storage_offset)
        flat = dispatch(IndexAccum, grad, (int(xp.prod(ctx.shape)),), (), (ctx.pos,))
        return flat.reshape(ctx.shape), None, None


def _cpp_name(self):
    """torch prints CopySlices and CopyBackwards with their C++ namespace in ``name()`` (``repr`` shows the bare
    class name); the other ops made from CopySlices keep the plain name."""
    n = type(self).__name__
    return "torch::autograd::" + n if n in ("CopySlices", "CopyBackwards") else n


# given to the node classes when they are made, on first use (reading ``_node_cls`` here would make them at import)
CopySlices._node_methods = {"name": _cpp_name}


def _sum_to_value(g, vshape):
    """The gradient of a broadcast value: summed to its shape (leading size-1 dims beyond the slot's too)."""
    gshape = tuple(g.shape)
    if gshape == vshape:
        return g
    core = vshape
    while len(core) > len(gshape) and core[0] == 1:
        core = core[1:]
    return sum_to(g, core).reshape(vshape)


def view_at(a, basic):
    """``a[basic]`` as an ndarray view even when it selects one element (NumPy would give a scalar copy)."""
    v = a[basic]
    return v if type(v) is np.ndarray else a[basic + (Ellipsis,)]


def _write(dst, basic, adv, value):
    region = view_at(dst, basic)
    if adv is None:
        region[...] = value
    else:
        region[adv] = value


# ---------------------------------------------------------------------------------------------- parsing
_INDEX_DTYPES = "iub"


def _bad(item):
    return IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                      f"indices (got {type(item).__name__})")


def _as_index_array(item):
    """A Tensor/list/range/ndarray index as an ndarray (bool masks stay bool).

    A Tensor keeps its dtype (torch refuses float and small-int index tensors); anything else is data that
    torch turns into a long tensor first, so floats truncate toward zero and any integer width is accepted,
    while bool data stays a mask (and a uint8 ndarray a deprecated byte mask)."""
    if isinstance(item, _t.Tensor):
        a = item._data
    else:
        if isinstance(item, (list, tuple, range)) and len(item) == 0:
            return xp.zeros(0, np.int64)
        if isinstance(item, np.ndarray):
            a = item
        else:
            a = _sequence_data(item)
        k = a.dtype.kind
        if k == "f" or (k in "iu" and a.dtype != np.int64 and a.dtype != np.uint8):
            a = a.astype(np.int64)
    k = a.dtype.kind
    if k not in _INDEX_DTYPES or a.dtype in (np.int8, np.int16):
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if a.dtype == np.uint8:
        _warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                      UserWarning)
        a = a.astype(bool)
    return a


def _sequence_data(item):
    """A (nested) list/tuple/range of numbers as an ndarray, refusing what torch's tensor constructor refuses."""
    seq = [x._data if isinstance(x, _t.Tensor) else x for x in item] if isinstance(item, (list, tuple)) else item
    try:
        a = xp.asarray(seq)
    except ValueError:
        # torch infers the shape from the first element: a sequence where it expects a number is a TypeError
        if not isinstance(seq[0], (list, tuple, range, np.ndarray)):
            bad = next(x for x in seq if isinstance(x, (list, tuple, range, np.ndarray)))
            raise TypeError(f"'{type(bad).__name__}' object cannot be interpreted as an integer") from None
        raise ValueError("expected sequences of equal length at every level of an index list") from None
    if a.dtype.kind in "biuf":
        return a
    for x in xp.ravel(xp.asarray(seq, dtype=object)) if a.dtype == object else xp.ravel(a):
        if isinstance(x, str):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        if not isinstance(x, (int, float, bool, np.number, np.bool_)):
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _seq_as_tuple(index):
    """torch reads a list (shorter than 32) holding sequences, arrays, slices, None, ... or Tensors as a tuple
    of indices."""
    if len(index) >= 32:
        return False
    for x in index:
        if isinstance(x, (list, tuple, range, np.ndarray, slice, _t.Tensor)) or x is None or x is Ellipsis:
            return True
    return False


def _parse(input, index, setting=False):
    """Split ``index`` into ``(basic, adv, cls)``: NumPy basic indices, advanced indices on the basic view
    (or None) and the node class torch would name. A lone slice always slices in ``x[s]`` but is skipped
    when full in ``x[s] = v`` (torch's two code paths differ there)."""
    shape = input._data.shape
    nd = len(shape)
    single = not isinstance(index, tuple)
    if single:
        if isinstance(index, list) and _seq_as_tuple(index):
            _warn("Using a non-tuple sequence for multidimensional indexing is deprecated; use "
                          "x[tuple(seq)] instead of x[seq].", UserWarning)
            items = tuple(index)
            single = False
        else:
            items = (index,)
    else:
        items = index
    # first pass: what each item is, and how many input dims it consumes
    kinds = []
    used = phantom = 0
    for it in items:
        if it is None:
            kinds.append(("none", None))
        elif it is Ellipsis:
            kinds.append(("ell", None))
        elif isinstance(it, bool):
            kinds.append(("bool", it))
        elif isinstance(it, (int, np.integer)):
            kinds.append(("int", int(it)))
            used += 1
        elif isinstance(it, slice):
            kinds.append(("slice", it))
            used += 1
        elif isinstance(it, (_t.Tensor, list, tuple, np.ndarray, range)):
            a = _as_index_array(it)
            if a.ndim == 0 and a.dtype == bool:
                kinds.append(("bool", bool(a)))
                if not isinstance(it, _t.Tensor):
                    phantom += 1  # torch counts a 0-d bool *array* as using a dim, then unsqueezes
            elif a.ndim == 0 and isinstance(it, (_t.Tensor, np.ndarray)):  # a 0-d index selects, as an int
                kinds.append(("int", int(a)))
                used += 1
            else:
                kinds.append(("arr", a))
                used += a.ndim if a.dtype == bool else 1
        else:
            if isinstance(it, str):
                raise TypeError(f"new(): invalid data type '{type(it).__name__}'")
            raise _bad(it)
    if used + phantom > nd:
        if nd == 0 and single and kinds[0][0] == "int":
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        if nd == 0 and single and kinds[0][0] == "slice":
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    basic = []
    adv = []        # one entry per dim of the basic view
    has_adv = False
    cls = None
    d = 0           # input dim the next item applies to
    ell_done = False
    for kind, it in kinds:
        if kind == "int":
            size = shape[d]
            if not -size <= it < size:
                raise IndexError(f"index {it} is out of bounds for dimension {d} with size {size}")
            basic.append(it)
            d += 1
            cls = Select
        elif kind == "slice":
            s = _check_slice(it)
            basic.append(s)
            adv.append(_FULL)
            if (single and not setting) or not _is_full(s, shape[d]):
                cls = Slice
            d += 1
        elif kind == "none":
            basic.append(None)
            adv.append(_FULL)
            cls = UnsqueezeIndex
        elif kind == "ell":
            n = 0 if ell_done else nd - used
            basic.extend([_FULL] * n)
            adv.extend([_FULL] * n)
            d += n
            ell_done = True
            if single:
                cls = Alias
        elif kind == "bool":
            cls = UnsqueezeIndex
            basic.append(None)  # a new dim of size 1 (True) or 0 (False)
            adv.append(xp.zeros(1 if it else 0, np.intp))
            has_adv = True
        else:  # index array
            if it.dtype == bool:
                k = it.ndim
                for j in range(k):
                    if it.shape[j] != shape[d + j]:
                        raise IndexError(f"The shape of the mask {list(it.shape)} at index {j} does not match the "
                                         f"shape of the indexed tensor {list(shape)} at index {d + j}")
                basic.extend([_FULL] * k)
                d += k
            else:
                size = shape[d]
                if it.size and (it.max() >= size or it.min() < -size):
                    bad = int(it.max()) if it.max() >= size else int(it.min())
                    raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {size}")
                basic.append(_FULL)
                d += 1
            adv.append(it)
            has_adv = True
    if has_adv and not setting:
        return tuple(basic), tuple(adv), Index
    if has_adv:
        return tuple(basic), tuple(adv), cls or Alias
    return tuple(basic), None, cls or Alias


def _check_slice(s):
    parts = []
    for p in (s.start, s.stop, s.step):
        if p is None or isinstance(p, (int, np.integer)):
            parts.append(p)
        elif isinstance(p, _t.Tensor) and p._data.ndim == 0 and p._data.dtype.kind in "iu":
            parts.append(int(p._data))
        else:
            raise TypeError("slice indices must be integers or None or have an __index__ method")
    if parts[2] is not None:
        if parts[2] == 0:
            raise ValueError("slice step cannot be zero")
        if parts[2] < 0:
            raise ValueError("step must be greater than zero")
    return slice(*parts)


def _is_full(s, size):
    """torch skips a slice that keeps the whole dim (``0:``/``:n``/``::1``) inside a tuple index."""
    return s.start in (None, 0) and s.step in (None, 1) and (s.stop is None or s.stop >= size)


def _np_index_error(e):
    msg = str(e).replace("axis", "dimension")
    m = re.match(r"shape mismatch: indexing arrays could not be broadcast together with shapes (.*)", msg)
    if m:
        shapes = re.findall(r"\(([^)]*)\)", m.group(1))
        msg = ("shape mismatch: indexing tensors could not be broadcast together with shapes " +
               ", ".join("[" + ", ".join(x for x in s.split(",") if x.strip()) + "]" for s in shapes))
    return IndexError(msg)


# ---------------------------------------------------------------------------------------------- getitem
def getitem(input, index):
    t = type(index)
    if t is int:  # fast path: x[i]
        shape = input._data.shape
        if not shape:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        if not -shape[0] <= index < shape[0]:
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {shape[0]}")
        return track_view(Select.apply(input, (index,)), input, Select)
    if t is _t.Tensor and index._data.dtype == np.int64 and index._data.ndim and input._data.ndim:
        a = index._data  # fast path: x[long_tensor]
        n = input._data.shape[0]
        if a.size and (a.max() >= n or a.min() < -n):
            bad = int(a.max()) if a.max() >= n else int(a.min())
            raise IndexError(f"index {bad} is out of bounds for dimension 0 with size {n}")
        return IndexTensor.apply(input, index)
    basic, adv, cls = _parse(input, index)
    try:
        out = cls.apply(input, basic, adv)
    except IndexError as e:
        raise _np_index_error(e) from None
    return out if adv is not None else track_view(out, input, cls)


@takes_axis
def select(input, dim, index):
    """Slices ``input`` at ``index`` along ``dim``, removing that dim.

    ``select(x, 0, i)`` is ``x[i]``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to slice.
        index (int): the position along ``dim`` (negative counts from the end).

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(6).reshape(2, 3)
        >>> torch.select(x, 1, -1)
        tensor([2, 5])
    """
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, nd)
    size = input._data.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input._data.shape)} at "
                         f"dimension {d}")
    return track_view(Select.apply(input, (_FULL,) * d + (index,)), input, Select)


# ---------------------------------------------------------------------------------------------- setitem
def _region_shape(a, basic, adv):
    try:
        v = view_at(a, basic)
        return v.shape if adv is None else xp.empty(v.shape, bool)[adv].shape
    except IndexError as e:
        raise _np_index_error(e) from None


def _check_value_shape(vshape, region, adv):
    """The value must broadcast to the written region (leading size-1 dims may be dropped), as in torch."""
    core = tuple(vshape)
    while len(core) > len(region) and core[0] == 1:
        core = core[1:]
    if adv is not None:
        ok = len(core) <= len(region) and all(c in (1, r) for c, r in zip(core[::-1], region[::-1]))
        if not ok:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to "
                               f"indexing result of shape {list(region)}")
        return
    if len(core) > len(region):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(vshape)}}}, size={list(region)}): the number of sizes "
                           f"provided ({len(region)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(vshape)})")
    lead = len(region) - len(core)
    for i, c in enumerate(core):
        r = region[lead + i]
        if c != 1 and c != r:
            raise RuntimeError(f"The expanded size of the tensor ({r}) must match the existing size ({c}) at "
                               f"non-singleton dimension {lead + i}.  Target sizes: {list(region)}.  Tensor "
                               f"sizes: {list(vshape)}")


def _positions(view, base):
    """Flat (C-order) index in ``base`` of every element of ``view`` (a view of the same memory)."""
    item = base.itemsize
    start = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // item
    voff = xp.full(view.shape, start, np.intp)
    for k, (n, st) in enumerate(zip(view.shape, view.strides)):
        voff += (xp.arange(n, dtype=np.intp) * (st // item)).reshape((-1,) + (1,) * (view.ndim - k - 1))
    if base.flags.c_contiguous:
        return voff
    boff = xp.zeros(base.shape, np.intp)
    for k, (n, st) in enumerate(zip(base.shape, base.strides)):
        boff += (xp.arange(n, dtype=np.intp) * (st // item)).reshape((-1,) + (1,) * (base.ndim - k - 1))
    lo = int(boff.min()) if boff.size else 0
    table = xp.full(int(boff.max()) - lo + 1 if boff.size else 1, -1, np.intp)
    table[boff.reshape(-1) - lo] = xp.arange(base.size)
    return table[voff - lo]


def _capturing():
    from ..compiler.capture import is_capturing
    return is_capturing()


def setitem(self, index, value):
    if isinstance(value, _t.Tensor):
        v = value._data
    elif isinstance(value, (int, float, np.integer)):  # torch refuses np.float32/np.bool_ values (np.float64 is a float)
        v = value
    else:
        raise TypeError(f"can't assign a {type(value).__name__} to a torch.{_kind(self)}")
    basic, adv, cls = _parse(self, index, setting=True)
    x = self._x
    if x and "ngview" in x:  # a view made under no_grad of a tensor that requires grad: torch's error
        from .shape import check_nograd_view
        check_nograd_view(self, isinstance(value, _t.Tensor) and value._req,
                          cls if adv is None and cls is not Alias else None)
    a = self._data
    region = _region_shape(a, basic, adv)
    if isinstance(value, _t.Tensor):
        if adv is not None and v.dtype != a.dtype and not (v.ndim == 0 and _single_mask(adv)):
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{_NAMES.get(a.dtype.name, a.dtype.name)} for the destination and "
                               f"{_NAMES.get(v.dtype.name, v.dtype.name)} for the source.")
        _check_value_shape(v.shape, region, adv)
    recording = state.enabled and (self._req or (isinstance(value, _t.Tensor) and value._req))
    if _fw._level is not None:  # forward AD: the indexed part of the tangent is written too
        _fw.setitem_tangent(self, value, lambda arr, val: _write(arr, basic, adv, val))
    if not a.flags.writeable or not a.flags.c_contiguous and 0 in a.strides:  # a stride-0 tensor, however made
        a = _writable(a, basic, adv)
    if not recording and not x and a is self._data and _capturing():
        # inside npgrad.compile's capture: the write as a recorded op (Written) and a recorded in-place copy
        from .inplace import inplace
        try:
            inplace(self, Written.apply(self, value, basic, adv))
        except IndexError as e:
            raise _np_index_error(e) from None
        _regenerate(self, None)
        return
    if not recording or not is_float_np(a.dtype):
        try:
            _write(a, basic, adv, v)
        except IndexError as e:
            raise _np_index_error(e) from None
        with _version_lock:
            self._vc[0] += 1
        _regenerate(self, None)
        return
    if _capturing():  # npgrad.compile does not replay a recorded x[i] = v: its capture falls back, naming why
        from ..compiler import capture
        rec = capture._active
        if rec is not None and rec.mine():
            rec.brk("x[i] = v with autograd recording (into or from a tensor that requires grad)")
    check_multi_view(self)
    x = self._x
    base = x.get("base") if x else None
    if base is not None and base._vc is not self._vc:
        base = None
    whole = cls is Alias and adv is None
    if self.grad_fn is None and self._req:
        raise RuntimeError(("a leaf Variable" if whole or (adv is not None and cls is Alias) else
                            "a view of a leaf Variable") + " that requires grad is being used in an in-place "
                           "operation.")
    if base is not None and base.grad_fn is None and (base._req or self._req):  # (torch: the base is a leaf)
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    val = value if isinstance(value, _t.Tensor) and value._req else v
    if base is None:
        if whole:
            # torch fills with a number or a 0-d tensor, and copies otherwise (always into a 0-d tensor)
            scalar = not isinstance(value, _t.Tensor) or value._data.ndim == 0
            op = Fill if scalar and a.ndim else CopyBackwards
        else:
            op = IndexPut if adv is not None and cls is Alias else CopySlices
        res = op.apply(self, val, a, basic, adv, None)
        _rebase(self, res)
        _regenerate(self, None)
        return
    pos = _positions(a, base._data)
    res = CopySlices.apply(base, val, a, basic, adv, pos)
    _rebase(base, res)
    view = AsStrided.apply(base, a, pos)  # the view now reads from the rebased base
    self.grad_fn, self._nr, self._req = view.grad_fn, 0, True
    _regenerate(self, self)


def _regenerate(t, skip):
    """The other views of ``t``'s base get torch's regenerated grad_fn (ops/inplace.py)."""
    x = t._x
    if x:
        from .inplace import regenerate_views
        regenerate_views(t, skip)


_NAMES = SCALAR_NAMES  # from npgrad/_dtype.py's one table


def _single_mask(adv):
    """``x[mask] = v`` with one boolean mask: torch takes its masked_fill path (any value dtype)."""
    arrays = [i for i in adv if not isinstance(i, slice)]
    return len(arrays) == 1 and arrays[0].dtype == bool


def check_multi_view(t):
    """torch forbids writing in place into one of several views returned together (split, unbind, chunk)."""
    fn = t.grad_fn
    if fn is not None and getattr(getattr(fn, "_fn", None), "_multi_view", False):
        op = fn.name().rstrip("0123456789").removesuffix("Backward")  # torch names the forward: Split, Unbind
        raise RuntimeError(f"Output {t._nr} of {op} is a view and is being modified inplace. This view is the "
                           "output of a function that returns multiple views. Such functions do not allow the output "
                           "views to be modified inplace. You should replace the inplace operation by an "
                           "out-of-place one.")


def _rebase(t, res):
    t.grad_fn, t._nr, t._req = res.grad_fn, 0, True
    with _version_lock:
        t._vc[0] += 1


def _writable(a, basic, adv):
    """A writable alias of a read-only view (``expand`` gives those): torch writes into it as long as no two
    written elements share memory."""
    region = view_at(a, basic)
    if region.size > 1 and any(st == 0 and n > 1 for n, st in zip(region.shape, region.strides)):
        raise RuntimeError(_t._OVERLAP)
    return a if a.flags.writeable else _t._writable_alias(a)


def _kind(t):
    return TENSOR_TYPES.get(t._data.dtype.name, "Tensor")


class IndexPutOp(Function):
    """``index_put``: a copy of ``a`` with ``v`` written (or, with ``accumulate``, added) at ``adv``."""
    _builtin = True
    _node_name = "IndexPutBackward0"
    _ctx_fields = ("adv", "mask", "vshape", "vdtype")

    @staticmethod
    def forward(ctx, a, v, adv, accumulate):
        out = a.copy()
        ctx.adv, ctx.vshape, ctx.vdtype, ctx.mask = adv, xp.shape(v), v.dtype, None
        if accumulate:
            xp.add.at(out, adv, xp.broadcast_to(v, out[adv].shape))
        else:
            out[adv] = v
            ctx.mask = xp.zeros(a.shape, bool)
            ctx.mask[adv] = True
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad.index_put(indices, zeros_like(values), accumulate) (grad itself when accumulating)
        # values: grad.index(indices) summed to values' shape
        need = ctx.needs_input_grad
        gs = None
        if need[0]:
            gs = grad if ctx.mask is None else dispatch(MaskZero, grad, ctx.mask)
        gv = None
        if need[1]:
            gv = cast(_sum_to_value(dispatch(Index, grad, (), ctx.adv), ctx.vshape), ctx.vdtype)
        return gs, gv, None, None


def index_put(input, indices, values, accumulate=False):
    """``input`` with ``values`` put at the index tensors ``indices`` (added up with ``accumulate=True``,
    repeated indices included).

    Args:
        input (Tensor): the input tensor.
        indices (tuple of Tensors): one index tensor per indexed dim.
        values (Tensor): the values, broadcast to the indexed shape.
        accumulate (bool, optional): add to the existing values instead of overwriting them (default False).

    Example:
        >>> import npgrad
        >>> npgrad.zeros(3).index_put((npgrad.tensor([0, 0, 2]),), npgrad.tensor(1.), accumulate=True)
        tensor([2., 0., 1.])
    """
    for i, x in enumerate(indices):
        if not isinstance(x, _t.Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(x).__name__}")
    adv = tuple(_as_index_array(x) for x in indices)
    a, v = input._data, values._data
    if v.dtype != a.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_NAMES.get(a.dtype.name, a.dtype.name)} for the destination and "
                           f"{_NAMES.get(v.dtype.name, v.dtype.name)} for the source.")
    used = sum(x.ndim if x.dtype == bool else 1 for x in adv)
    if used > a.ndim:
        raise IndexError(f"too many indices for tensor of dimension {a.ndim}")
    _check_value_shape(v.shape, _region_shape(a, (), adv), adv)
    try:
        return IndexPutOp.apply(input, values, adv, bool(accumulate))
    except IndexError as e:
        raise _np_index_error(e) from None


# ---------------------------------------------------------------------------------------------- in place
def inplace_method(op, name):
    """``x.op_(...)``: ``op`` computed out of place, then written into ``x``. Through a view made while
    recording, the write goes through ``setitem`` so that the view's base is rebased (torch's CopySlices)."""
    from .pointwise import inplace

    def method(self, *args, **kwargs):
        recording = state.enabled and (self._req or any(isinstance(a, _t.Tensor) and a._req for a in args))
        if not recording:
            res = op(_fw.carry_tangent(self, self.detach()), *args, **kwargs)
            _same_shape(self, res)
            return inplace(self, res)
        _t._inplace_check(self)
        check_multi_view(self)
        # record on a snapshot of the old value, so that nodes saving it never see the write
        old = _t.make(self._data.copy(), self.grad_fn, self._nr)
        old._req = self._req
        res = op(_fw.carry_tangent(self, old), *args, **kwargs)
        x = self._x
        if x and x.get("base") is not None:
            _same_shape(self, res)
            setitem(self, Ellipsis, res)
            return self
        return inplace(self, res)
    method.__name__ = name
    method.__doc__ = f"In-place ``{op.__name__}``: bumps ``_version``, rebases ``grad_fn`` when recording."
    return method


def _same_shape(self, res):
    if res._data.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(res._data.shape)}")


# ---------------------------------------------------------------------------------------------- nonzero
def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an ``(n, ndim)`` int64 tensor, or one 1-D tensor per dim.

    Args:
        input (Tensor): the input tensor.
        as_tuple (bool, optional): return one 1-D index tensor per dim instead of an ``(n, ndim)`` tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 0], [0, 3]])
        >>> torch.nonzero(x)
        tensor([[0, 0],
                [1, 1]])
        >>> torch.nonzero(x, as_tuple=True)
        (tensor([0, 1]), tensor([0, 1]))
    """
    a = input._data
    if as_tuple:
        return tuple(_t.make(i.astype(np.int64)) for i in xp.nonzero(a.reshape(1) if a.ndim == 0 else a))
    if a.ndim == 0:
        return _t.make(xp.zeros((1 if a else 0, 0), np.int64))
    return _t.make(xp.argwhere(a).astype(np.int64, copy=False))


def argwhere(input):
    """Indices of the nonzero elements of ``input``, one row per element.

    The same as ``nonzero(input)``.

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: an int64 tensor of shape ``(number of nonzeros, input.dim())``.

    Example:
        >>> import npgrad as torch
        >>> torch.argwhere(torch.tensor([[1, 0], [0, 3]]))
        tensor([[0, 0],
                [1, 1]])
    """
    return nonzero(input)
