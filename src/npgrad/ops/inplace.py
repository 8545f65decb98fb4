"""The in-place machinery: ``x.add_(y)``, ``x.exp_()``, ``x.fill_(v)``... are the out-of-place op plus
``inplace(self, result)``, which writes the result into self's storage, bumps ``_version`` and rebases
``grad_fn`` onto the op's node. ``_inplace_method(op)`` builds the method from the function, with torch's leaf
check; an op that saved ``self`` gets a copy of its old value (``keep_old_self``), so its backward still sees
it, and no other op copies anything.

Every write goes to ``_tensor._write_target``: a tensor whose elements share memory (expand, stride 0) refuses
with torch's RuntimeError. After the write, views taken earlier from the same base get torch's regenerated
``grad_fn`` (``regenerate_views``), and under forward AD the tangent is written in place too.
"""
import numbers

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, _Saved, version_lock as _version_lock
from ..autograd.grad_mode import state
from ..autograd import forward_ad as _fw
from ..autograd.graph import saved_hooks_stack
from .. import _tensor as _t
from .pointwise import TYPE_NAMES, zeros_of

__all__ = []


def _cast_error(rd, sd):
    raise RuntimeError(f"result type {TYPE_NAMES[rd.name]} can't be cast to the desired output type "
                       f"{TYPE_NAMES[sd.name]}")


def inplace(self, result, overlap_ok=False):
    """Make ``self`` hold ``result`` in place: same storage, version bumped, ``grad_fn`` rebased to the op.
    A ``self`` whose elements share memory refuses (torch's error), except with ``overlap_ok`` (fill, zero)."""
    if result._data.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(result._data.shape)}")
    rd, sd = result._data.dtype, self._data.dtype
    # torch refuses to store a float result in an integer tensor, or an integer one in a bool tensor
    if rd != sd and (is_float_np(rd) and not is_float_np(sd) or rd.kind in "iu" and sd.kind == "b"):
        _cast_error(rd, sd)
    x = self._x
    if x and "ngview" in x:  # a view made under no_grad of a tensor that requires grad: torch's error
        from .shape import check_nograd_view
        check_nograd_view(self, result.grad_fn is not None)
    if result.grad_fn is not None and x and x.get("base") is not None and x["base"]._vc is self._vc:
        from .indexing import setitem  # a view written in place: its base is rebased (CopySlices), as in torch
        setitem(self, Ellipsis, result)
        return self
    dst = _t._write_target(self._data, overlap_ok)
    src = result._data
    if dst.shape != src.shape:  # fill_/zero_ of an expanded tensor: each memory location once
        src = src[_t._distinct(self._data)]
    xp.copyto(dst, src, casting="unsafe")
    with _version_lock:
        self._vc[0] += 1
    fn = result.grad_fn
    if fn is not None:
        self.grad_fn = fn
        self._nr = result._nr
        self._req = True
        # the op's saved result *is* self now: later in-place changes of self must fail its backward
        saved = fn._saved
        if saved and any(type(e) is _Saved and e.output_nr >= 0 for e in saved):
            fn._saved = tuple(_Saved(e.data, e.tensor, e.output_nr, self._vc)
                              if type(e) is _Saved and e.output_nr >= 0 else e for e in saved)
    if x:  # a base with views, or a view written outside the graph: the other views are regenerated
        regenerate_views(self)
    if _fw._level is not None:  # forward AD: the tangent is written in place too
        _fw.inplace_tangent(self, result)
    return self


def regenerate_views(t, skip=None):
    """After an in-place write into ``t`` (a base, or a view of one), every other live view of the base made
    while recording gets torch's regenerated ``grad_fn``: ``AsStridedBackward0`` of the base as it is now, so
    its gradient flows through the write (it kept the node of the base as it was before)."""
    from .indexing import AsStrided, _positions
    from ..autograd.grad_mode import enable_grad
    x = t._x
    root = x.get("base") if x else None
    root = t if root is None else root
    rx = root._x
    views = rx.get("views") if rx else None
    if not views:
        return
    live = []
    for ref in views:
        v = ref()
        if v is None:
            continue
        live.append(ref)
        if v is skip or v._vc is not root._vc or not root._req:
            continue
        with enable_grad():  # torch regenerates whatever the grad mode of the write
            r = AsStrided.apply(root, v._data, _positions(v._data, root._data))
        v.grad_fn, v._nr, v._req = r.grad_fn, 0, True
    rx["views"] = live


def keep_old_self(fn, self):
    """``fn`` was just recorded on ``self``, which is about to be overwritten: what it saved of ``self`` gets a
    copy of the old value (torch's ``original_self``). The only copy an in-place op makes, and only when its
    formula reads ``self`` (``clamp_``, ``sin_``); ``add_``, ``mul_(2)``, ``exp_``, ``relu_`` copy nothing."""
    saved = fn._saved if fn is not None else None
    if not saved:
        return
    data = self._data
    out = []
    for e in saved:
        if type(e) is _Saved and e.output_nr < 0:
            d = e.data
            shares = type(d) is np.ndarray and xp.may_share_memory(d, data)
            if e.tensor is self:  # (d may be a promoted copy already) the old self, still in the graph
                old = _t.make(d.copy() if shares else d, self.grad_fn, self._nr)
                old._req, old._acc = self._req, self._acc
                e = _Saved(old._data, old, -1, old._vc)
            elif e.tensor is None and shares:  # an array made from self inside forward (a view): copied
                e = _Saved(d.copy(), None, -1, None)
        out.append(e)
    fn._saved = tuple(out)


def _inplace_method(op, overlap_ok=False):
    def method(self, *args, **kwargs):
        _t._inplace_check(self)
        if state.enabled and (self._req or any(isinstance(a, _t.Tensor) and a._req
                                               for a in (*args, *kwargs.values()))):
            if saved_hooks_stack() or any(a is self for a in (*args, *kwargs.values())):
                # pack hooks must see the old value itself; y.mul_(y) saves y as the other operand too, which
                # the write changes (torch's error at backward): record on a snapshot of the old value
                old = _t.make(self._data.copy(), self.grad_fn, self._nr)
                old._req = self._req
                return inplace(self, op(_fw.carry_tangent(self, old), *args, **kwargs), overlap_ok)
            res = op(self, *args, **kwargs)
            keep_old_self(res.grad_fn, self)
            return inplace(self, res, overlap_ok)
        return inplace(self, op(self, *args, **kwargs), overlap_ok)
    method.__name__ = op.__name__ + "_"
    method.__doc__ = f"In-place ``{op.__name__}``: bumps ``_version``, rebases ``grad_fn`` when recording."
    return method


class Fill(Function):
    """What ``fill_(number)`` records: the old values are gone, so no gradient reaches them."""
    _builtin = True
    _node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, a, value):
        return xp.full(a.shape, value, a.dtype)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return zeros_of(grad), None


class FillTensor(Function):
    """``fill_(value)`` with a 0-d tensor ``value``: every element's gradient flows to it."""
    _builtin = True
    _node_name = "FillBackward3"

    @staticmethod
    def forward(ctx, a, value):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        return xp.full(a.shape, value, a.dtype)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad); value: grad.sum()
        return zeros_of(grad), grad.sum() if ctx.needs_input_grad[1] else None


class Zero(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        return xp.zeros_like(a)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return zeros_of(grad)


class Copy(Function):
    """``self.copy_(src)``: src broadcast to self's shape and cast to self's dtype."""
    _builtin, _broadcast = True, True  # _broadcast: a src that does not broadcast gets torch's RuntimeError
    _node_name = "torch::autograd::CopyBackwards"
    _ctx_fields = ("src_dtype",)

    @staticmethod
    def forward(ctx, a, src):
        ctx.src_dtype = src.dtype
        return xp.broadcast_to(src, a.shape).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad); src: grad (reduced to src's shape, cast to its dtype)
        return zeros_of(grad), grad if is_float_np(ctx.src_dtype) else None


def _fill(self, value):
    if isinstance(value, _t.Tensor):
        return FillTensor.apply(self, value)
    if not isinstance(value, (numbers.Number, np.generic)) or isinstance(value, complex):
        raise TypeError(f"fill_(): argument 'value' (position 1) must be Number or Tensor, not "
                        f"{type(value).__name__}")
    return Fill.apply(self, value)


def _copy(self, src, non_blocking=False):
    if not isinstance(src, _t.Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}")
    return Copy.apply(self, src)


def _zero(self):
    return Zero.apply(self)


_fill.__name__, _copy.__name__, _zero.__name__ = "fill", "copy", "zero"


def full_like_op(self, value):
    """Kept for callers of the old name: what ``fill_`` records on a tensor in the graph."""
    return _fill(self, value)


# methods named like the function; ``T.name_`` in-place variants are made from the same list
