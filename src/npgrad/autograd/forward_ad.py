"""Forward-mode AD: dual tensors carry a tangent, and every op on them computes the tangent of its result.

>>> import npgrad
>>> import npgrad.autograd.forward_ad as fwAD
>>> x = npgrad.tensor([1.0, 2.0])
>>> with fwAD.dual_level():
...     d = fwAD.make_dual(x, npgrad.tensor([1.0, 0.0]))
...     y = (d * d).sum()
...     fwAD.unpack_dual(y).tangent
tensor(2.)

How a built-in op's JVP is found: no op file writes one. Every op's ``backward`` is linear in the incoming
gradient ``u``, so ``J^T u`` can be recorded on a dummy ``u`` (the same differentiable formula that serves
``create_graph``), and ``J v = d<J^T u, v>/du`` is one more reverse pass (the "double-vjp trick"). This works
for every op automatically, including ops added later, at the price of two small backward passes per op;
the tangent is itself differentiable when the primal requires grad (reverse-over-forward). User
``Function``s provide ``jvp(ctx, *tangents)`` instead, as in torch.

While a dual level is open, ``Function.apply`` runs through ``function._apply_extras`` (which calls
``_apply_dual`` here); outside one, nothing in the op path knows forward AD exists. Only one level can be
open at a time (torch: "Nested forward mode AD is not supported at the moment").

Views and in-place ops, as torch: the tangent of a view is the same view of its base's tangent (same memory),
and an in-place op writes the new tangent into the existing tangent's memory (``x.mul_(2)`` doubles the
tangent tensor given to ``make_dual``; writing through a view updates the base's tangent, and a plain tensor
written with a dual value gets a tangent, zero elsewhere). ``inplace_tangent``/``setitem_tangent`` are called by
the in-place machinery (ops/inplace.py, ops/indexing.py) only while a level is open.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .._tensor import Tensor

import weakref
from collections import namedtuple

import numpy as np
from .._dtype import is_float_np

from . import function as _fn
from .grad_mode import state, creating as _creating

__all__ = ["dual_level", "make_dual", "unpack_dual", "enter_dual_level", "exit_dual_level", "UnpackedDualTensor"]

_level = None    # the open dual level (0), or None
_busy = 0        # > 0 while a JVP is being computed: ops inside it carry no tangents
_holders = []    # weak references to the tensors that got a tangent at the open level


def _active():
    return _level is not None and not _busy


def enter_dual_level() -> int:
    """Open a dual level (prefer ``with dual_level():``); returns its number."""
    global _level
    if _level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _level = 0
    _fn.extras_on()
    return _level


def exit_dual_level(*, level: int | None = None) -> None:
    """Close the level: every tangent made in it is dropped."""
    global _level
    if _level is None or (level is not None and level != _level):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. "
                           "This is not supported.")
    for ref in _holders:
        t = ref()
        if t is not None and t._x is not None:
            t._x.pop("fw_grad", None)
    _holders.clear()
    _level = None
    _fn.extras_off()


class dual_level:
    """Context manager for forward AD: tangents exist only inside it.

    >>> import npgrad, npgrad.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     y = fwAD.make_dual(npgrad.tensor(3.0), npgrad.tensor(1.0)).exp()
    ...     round(fwAD.unpack_dual(y).tangent.item(), 4)
    20.0855
    """

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: Any) -> Literal[False]:
        exit_dual_level()
        return False


UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])


def _tangent(t):
    x = t._x
    return x.get("fw_grad") if x is not None else None


def _set_tangent(t, tangent):
    if t._x is None:
        t._x = {}
    t._x["fw_grad"] = tangent
    _holders.append(weakref.ref(t))


def _check_level(level, what):
    if level is not None and level != _level:
        raise RuntimeError(f"Invalid level given to {what}")


class _Alias(_fn.Function):
    """A view of the same data (the primal of a dual tensor)."""
    _builtin, _view = True, True
    _node_name = "AliasBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.view()

    @staticmethod
    def backward(ctx, grad):
        # self: grad
        return grad


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of ``tensor`` carrying ``tangent`` (same shape) as its forward gradient."""
    if _level is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    _check_level(level, "_make_dual")
    if not is_float_np(tensor._data.dtype):
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not is_float_np(tangent._data.dtype):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if _tangent(tensor) is not None:
        raise RuntimeError(f"Making a dual Tensor based on a Tensor that already has a forward gradient at the same "
                           f"level {_level} is not supported.")
    if tangent._data.shape != tensor._data.shape:
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {list(tensor._data.shape)} while the "
                           f"given forward gradient is of size {list(tangent._data.shape)}.")
    global _busy
    _busy += 1
    try:
        if tensor._req and state.enabled:
            dual = tensor.view_as(tensor)
        else:
            dual = _fn.make(tensor._data, None, 0, tensor._vc)
    finally:
        _busy -= 1
    _set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> Any:
    """``(primal, tangent)``: a view of the value without its tangent, and the tangent (None when it has none)."""
    _check_level(level, "_fw_primal")
    tangent = _tangent(tensor) if _level is not None else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    global _busy
    _busy += 1
    try:
        primal = _Alias.apply(tensor)
    finally:
        _busy -= 1
    return UnpackedDualTensor(primal, tangent)


# ---------------------------------------------------------------------------------------------- ops on duals
class _Mark(_fn.Node):
    """Stands in for "needs a gradient" on inputs that carry a tangent but do not require grad."""
    __slots__ = ()

    def __init__(self):
        _fn.init_node(self)
        self._edges = ()
        self._saved = ()
        self._nout = 0


def _apply_dual(cls, args, kwargs):
    """``cls.apply`` when some input may carry a tangent: the usual result, plus the tangents of its outputs."""
    T = _fn.Tensor
    tangents = [_tangent(a) if isinstance(a, T) else None for a in args]
    if kwargs and not cls._builtin:
        return _apply_dual_custom(cls, args, kwargs)
    if all(t is None for t in tangents):
        res = _fn._plain_apply(cls, args, kwargs)
        if cls._view:
            _remember_base(res, args)
        return res
    if not cls._builtin:
        return _apply_dual_custom(cls, args, kwargs)
    res, ctx = _forward_keep_ctx(cls, args)
    outs = res if type(res) is tuple else (res,)
    diff = [isinstance(o, T) and is_float_np(o._data.dtype) and i not in cls._nondiff_out
            for i, o in enumerate(outs)]
    if not any(diff):
        return res
    if cls._view and type(res) is not tuple and not tangents[0]._req:
        # a view's tangent is the same view of the input's tangent (in-place writes then reach both)
        m = _mirror(res._data, args[0]._data, tangents[0]._data)
        if m is not None:
            _remember_base(res, args)
            _set_tangent(res, _fn.make(m))
            return res
    jvps = _jvp_by_double_vjp(ctx, args, tangents, outs, diff)
    for o, j in zip(outs, jvps):
        if j is not None:
            _set_tangent(o, j)
    return res


def _forward_keep_ctx(cls, args):
    """``Function.apply`` for a built-in, keeping the node (with its saved values) even when nothing records."""
    T = _fn.Tensor
    make = _fn.make
    arrays = [a._data if isinstance(a, T) else a for a in args]
    req = state.enabled and any(isinstance(a, T) and a._req for a in args)
    if cls._promote is not None:
        _fn._promote(arrays, cls._promote)
    ctx = cls._node_cls.__new__(cls._node_cls)
    ctx._saved = ()
    fp = _fn.fp_quiet()
    try:
        out = cls.forward(ctx, *arrays)
    finally:
        _fn.fp_restore(fp)
    _fn.init_node(ctx)
    ctx._edges = tuple((_fn._edge(a) if req else (None, 0)) if isinstance(a, T) else None for a in args)
    ctx._seq = _fn._next_seq()  # numbered after its edges' nodes (see graph.next_seq)
    multi = type(out) is tuple
    outs = out if multi else (out,)
    ctx._nout = len(outs) if multi else 0
    res = []
    for i, o in enumerate(outs):
        node = ctx if req and is_float_np(o.dtype) and i not in cls._nondiff_out else None
        r = make(o, node, i)
        if cls._view and isinstance(args[0], T) and np.may_share_memory(o, arrays[0]):
            r._vc = args[0]._vc
        res.append(r)
    res = tuple(res) if multi else res[0]
    if ctx._saved:
        ctx._saved = _fn._pack(ctx._saved, args, arrays, outs, res)
    if cls._broadcast:
        ctx._meta = _fn._broadcast_meta(args, outs[0])
    return res, ctx


def _jvp_by_double_vjp(ctx, args, tangents, outs, diff):
    """``J v`` for each output: differentiate ``sum_i <J_i^T u, v_i>`` with respect to the dummy ``u``."""
    global _busy
    from . import grad as _grad
    T = _fn.Tensor
    make = _fn.make
    mark = _Mark()
    real_edges = ctx._edges
    ctx._edges = tuple(e if e is None or t is None or e[0] is not None else (mark, 0)
                       for e, t in zip(real_edges, tangents))
    keep_graph = state.enabled and (any(isinstance(a, T) and a._req for a in args)
                                    or any(t is not None and t._req for t in tangents))
    us = [make(np.zeros(o._data.shape, o._data.dtype)).requires_grad_(True) if d else None
          for o, d in zip(outs, diff)]
    _busy += 1
    prev = state.enabled, state.create
    _creating.append(None)  # (backward helper) see grad_mode.creating
    try:
        state.enabled = state.create = True
        gins = ctx._run(us if ctx._nout else us[:1], True)
        total = None
        for g, v in zip(gins, tangents):
            if g is None or v is None:
                continue
            term = (g * v).sum()
            total = term if total is None else total + term
        live = [u for u in us if u is not None]
        if total is None or not total._req:
            jv = [None] * len(live)
        else:
            state.enabled, state.create = prev
            jv = _grad(total, live, allow_unused=True, create_graph=keep_graph)
    finally:
        state.enabled, state.create = prev
        _creating.pop()
        ctx._edges = real_edges
        _busy -= 1
    it = iter(jv)
    result = []
    for o, u in zip(outs, us):
        if u is None:
            result.append(None)
            continue
        j = next(it)
        result.append(make(np.zeros(o._data.shape, o._data.dtype)) if j is None else j)
    return result


def _apply_dual_custom(cls, args, kwargs):
    """A user Function under forward AD: its ``jvp(ctx, *tangents)`` gives the output tangents."""
    T = _fn.Tensor
    make = _fn.make
    inputs = _fn._bind_inputs(cls, args, kwargs, cls.setup_context is _fn.Function.setup_context) \
        if kwargs else args
    tangents = [_tangent(a) if isinstance(a, T) else None for a in inputs]
    if all(t is None for t in tangents):
        return _fn._apply_custom(cls, args, kwargs)
    if cls.jvp is _fn.Function.jvp:
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")
    global _busy
    _busy += 1  # the user's forward sees plain tensors' values; its jvp gives the tangents
    try:
        res, ctx = _fn._apply_custom(cls, args, kwargs, want_ctx=True)
    finally:
        _busy -= 1
    full = [None if not isinstance(a, T) else t if t is not None else make(np.zeros_like(a._data))
            for a, t in zip(inputs, tangents)]
    _busy += 1
    saved = ctx._saved
    try:
        fw_saved = ctx.__dict__.get("_fw_saved")
        if fw_saved is not None:
            ctx._saved = fw_saved
        out_t = cls.jvp(ctx, *full)
    finally:
        ctx._saved = saved
        _busy -= 1
    outs = res if type(res) is tuple else (res,)
    out_t = out_t if type(out_t) is tuple else (out_t,)
    if len(out_t) != len(outs):
        raise RuntimeError(f"Function {cls.__name__} returned an incorrect number of forward gradients (expected "
                           f"{len(outs)}, got {len(out_t)})")
    for o, t in zip(outs, out_t):
        if isinstance(o, T) and t is not None and is_float_np(o._data.dtype):
            if t._data.shape != o._data.shape:
                raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the "
                                   f"original Tensor, this is not supported. Tensor is of size "
                                   f"{list(o._data.shape)} while the given forward gradient is of size "
                                   f"{list(t._data.shape)}.")
            _set_tangent(o, t)
    return res


# ---------------------------------------------------------------------------------------------- views, in place
class _Interface:
    """What ``np.asarray`` reads to build an array on given memory; keeps that memory's array alive."""
    __slots__ = ("__array_interface__", "base")

    def __init__(self, interface, base):
        self.__array_interface__ = interface
        self.base = base


def _mirror(view, primal, tangent):
    """``view`` (an array on ``primal``'s memory) as the same view of ``tangent``'s memory, or None when the
    tangent is not laid out like the primal."""
    if tangent.shape != primal.shape or tangent.strides != primal.strides or tangent.dtype != primal.dtype:
        return None
    offset = view.__array_interface__["data"][0] - primal.__array_interface__["data"][0]
    interface = dict(view.__array_interface__)
    interface["data"] = (tangent.__array_interface__["data"][0] + offset, not tangent.flags.writeable)
    interface["strides"] = view.strides
    return np.asarray(_Interface(interface, tangent))


def _remember_base(res, args):
    """A view made while a level is open remembers its base, for writes into it with a dual value."""
    a = args[0] if args else None
    if not isinstance(a, _fn.Tensor) or not isinstance(res, _fn.Tensor) or not np.may_share_memory(res._data,
                                                                                                    a._data):
        return
    x = a._x
    root = x.get("fw_base", a) if x else a
    if res._x is None:
        res._x = {}
    res._x["fw_base"] = root


def _tangent_storage(t):
    """``t``'s tangent for an in-place write, made (zeros) if missing: for a view, the same view of its base's
    tangent, so the write reaches the base."""
    cur = _tangent(t)
    if cur is not None:
        return cur
    root = _root(t)
    if root is not None and root is not t and np.may_share_memory(t._data, root._data):
        rt = _tangent(root)
        if rt is None and root._data.flags.c_contiguous:
            rt = _fn.make(np.zeros(root._data.shape, root._data.dtype))
            _set_tangent(root, rt)
        m = None if rt is None else _mirror(t._data, root._data, rt._data)
        if m is not None:
            cur = _fn.make(m)
    if cur is None:
        cur = _fn.make(np.zeros(t._data.shape, t._data.dtype))
    _set_tangent(t, cur)
    return cur


def _needs_tangent(t, new):
    if new is not None or _tangent(t) is not None:
        return True
    root = _root(t)
    return root is not None and _tangent(root) is not None


def _root(t):
    """The base ``t`` is a view of (made while a level was open, or while recording), or None."""
    x = t._x
    if not x:
        return None
    root = x.get("fw_base")
    return x.get("base") if root is None else root


def carry_tangent(src, dst):
    """``dst`` (a snapshot or detached alias of ``src`` that an in-place op computes on) with ``src``'s tangent."""
    x = src._x
    if x and _level is not None:
        t = x.get("fw_grad")
        if t is not None:
            if dst._x is None:
                dst._x = {}
            dst._x["fw_grad"] = t
    return dst


def inplace_tangent(self, result):
    """After ``self`` was overwritten in place by ``result``: ``self``'s tangent becomes ``result``'s (zero when it
    has none), written into the existing tangent's memory as torch does."""
    if not is_float_np(self._data.dtype):
        return
    new = _tangent(result)
    if not _needs_tangent(self, new):
        return
    cur = _tangent_storage(self)
    if new is not None and (new._req or cur._req):  # a differentiable tangent: replaced, not written into
        _set_tangent(self, new)
        return
    from .._tensor import _write_target
    dst = _write_target(cur._data)
    if new is None:
        dst[...] = 0
    else:
        np.copyto(dst, np.broadcast_to(new._data, dst.shape), casting="unsafe")


def setitem_tangent(self, value, write):
    """``self[index] = value`` while a level is open: the indexed part of ``self``'s tangent becomes ``value``'s
    tangent (zero for a plain value); ``write(array, v)`` writes ``v`` at the index."""
    if not is_float_np(self._data.dtype):
        return
    new = _tangent(value) if isinstance(value, _fn.Tensor) else None
    if not _needs_tangent(self, new):
        return
    cur = _tangent_storage(self)
    from .._tensor import _write_target
    write(_write_target(cur._data), 0.0 if new is None else new._data)
