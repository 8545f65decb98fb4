"""Replay: the compiled callable (guard key -> captured program), and the one node a replayed region hangs
its outputs on (``CompiledFunctionBackward``, torch's name for a compiled region)."""
from __future__ import annotations

from typing import Any, Callable

import collections
import sys

import numpy as np

from .._tensor import Tensor, make
from .._warn import warn as _warn
from .. import _dtype
from ..autograd.function import Function, fp_quiet, fp_restore
from ..autograd.grad_mode import state
from . import capture as _cap
from .capture import Recorder, GraphBreak, Unsupported
from .codegen import build
from . import dynamic as _dyn

__all__ = ["CompiledCallable", "CompiledFunction", "counters", "GraphBreakWarning"]


class GraphBreakWarning(UserWarning):
    """A call could not be captured whole: it runs eagerly (the message names the cause)."""


counters = collections.Counter({"captures": 0, "replays": 0, "graph_breaks": 0, "recompiles": 0})

_all_compiled = []   # weak references to every compiled callable (``reset`` clears their caches)


class CompiledFunction(Function):
    """A replayed region as one op: ``forward`` runs the generated forward, ``backward`` the generated
    backward; the region's differentiable outputs are its outputs, its input and outside tensors its inputs."""
    _builtin = True
    _node_name = "CompiledFunctionBackward"
    _ctx_fields = ("prog", "extra", "_outmeta")

    @staticmethod
    def forward(ctx: Any, prog: Any, *arrays: Any) -> Any:
        diff, other, saved = prog.fwd(arrays, prog._T)
        ctx.prog = prog
        ctx.extra = other
        ctx.save_for_backward(saved)
        if len(diff) == 1:
            return diff[0]
        ctx._outmeta = [(d.shape, d.dtype) for d in diff]
        return diff

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        # region inputs: the captured program's backward (each recorded op's formula, in reverse)
        saved, = ctx.saved_tensors
        if state.create:
            raise RuntimeError("create_graph=True through a compiled region (CompiledFunctionBackward) is not "
                               "supported by npgrad.compile: run that function uncompiled "
                               "(npgrad.compiler.disable) for higher-order gradients")
        return (None,) + ctx.prog.bwd(saved, grads)


_T_MARK = object()
_SCALARS = (bool, int, float, str, type(None), complex)


def _key_of(obj, flat, out):
    """Append ``obj``'s guard-key part to ``out`` and its tensors to ``flat``; False if it is unhashable."""
    if isinstance(obj, Tensor):
        d = obj._data
        out.append((_T_MARK, d.shape, d.dtype, obj._req))
        flat.append(obj)
        return True
    t = type(obj)
    if t in _SCALARS:
        out.append((t, obj))
        return True
    if t is tuple or t is list:
        out.append((t, len(obj)))
        for x in obj:
            if not _key_of(x, flat, out):
                return False
        return True
    if t is dict:
        out.append((t, tuple(obj)))
        for x in obj.values():
            if not _key_of(x, flat, out):
                return False
        return True
    try:
        hash(obj)
    except TypeError:
        return False
    out.append((t, obj))
    return True


def _describe_key_change(old, new):
    if old is None:
        return "a new guard key"
    if len(old) != len(new):
        return "the number of arguments"
    names = ["grad mode", "inference mode", "default dtype"]
    for i, (a, b) in enumerate(zip(old, new)):
        if a != b:
            if i < len(names):
                return f"{names[i]} ({a} -> {b})"
            if type(a) is tuple and a and a[0] is _T_MARK and type(b) is tuple and b and b[0] is _T_MARK:
                for what, x, y in (("shape", a[1], b[1]), ("dtype", a[2], b[2]), ("requires_grad", a[3], b[3])):
                    if x != y:
                        return f"a tensor argument's {what} ({x} -> {y})"
            return f"an argument's value ({a[-1]!r} -> {b[-1]!r})"
    return "the guard key"


class _Eager:
    """A guard key that falls back to eager for good (a graph break)."""
    __slots__ = ("cause",)

    def __init__(self, cause):
        self.cause = cause


class CompiledCallable:
    """What ``npgrad.compile(fn)`` returns: guard key -> captured program (or eager fallback)."""

    def __init__(self, fn: Callable[..., Any], fullgraph: bool = False, limit: int = 8,
                 name: str | None = None, dynamic: bool | None = None) -> None:
        import weakref
        self._fn = fn
        self._fullgraph = fullgraph
        self._limit = limit
        self._dynamic = dynamic   # torch's meaning: None automatic after a size change, True from the start
        self._dyn = set()         # (tensor argument, dim) pairs marked dynamic ("all" entries: every dim)
        self._dcache = {}         # dynamic guard key (marked sizes as None) -> [programs] or _Eager
        self._cache = {}
        self._retries = {}        # guard key -> captures retried after a module attribute assignment
        self._last_key = None
        self._breaks = []   # causes, for explain
        self._limit_warned = False
        self._name = name or getattr(fn, "__qualname__", None) or type(fn).__name__
        _all_compiled.append(weakref.ref(self))

    def reset(self) -> None:
        self._cache.clear()
        self._retries.clear()
        self._dcache.clear()
        self._dyn.clear()
        self._last_key = None
        self._breaks.clear()
        self._limit_warned = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _cap._active is not None or _stance[0] == "force_eager":
            return self._fn(*args, **kwargs)   # inside another capture: its recorder sees the ops
        flat = []
        key: Any = [state.enabled, state.inference, _dtype.get_default_dtype()]  # a list, then its tuple
        if not (_key_of(args, flat, key) and (not kwargs or _key_of(kwargs, flat, key))):
            self._break("an unhashable non-tensor argument (guards need hashable values)", None)
            return self._fn(*args, **kwargs)
        key = tuple(key)
        progs = self._cache.get(key)
        why = None
        if progs is not None:
            if type(progs) is _Eager:
                return self._fn(*args, **kwargs)
            for prog in progs:  # (usually one; more when a module attribute such as .training alternates)
                why = prog.guard(flat)
                if why is None:
                    if prog.size_causes is None:
                        counters["replays"] += 1
                        return _run(prog, flat)
                    try:
                        res = _run(prog, flat)
                    except _dyn.SizeGuard as e:
                        prog._T = None
                        why = prog.size_causes[e.index]
                        continue
                    counters["replays"] += 1
                    return res
        if self._dyn and self._dynamic is not False:   # sizes marked dynamic: the program for every size
            dkey = self._dkey(key)
            dprogs = self._dcache.get(dkey)
            if type(dprogs) is _Eager:
                return self._fn(*args, **kwargs)
            for prog in dprogs or ():
                why = prog.guard(flat)
                if why is None:
                    try:
                        res = _run(prog, flat)
                    except _dyn.SizeGuard as e:
                        prog._T = None
                        why = f"a size guard failed: {prog.size_causes[e.index]}"
                        continue
                    counters["replays"] += 1
                    return res
        return self._capture(key, flat, args, kwargs, why)

    def _dkey(self, key):
        """``key`` with the sizes marked dynamic left out (sizes 0 and 1 stay in it: they broadcast)."""
        out = list(key[:3])
        t = 0
        for part in key[3:]:
            if type(part) is tuple and part and part[0] is _T_MARK:
                sh = tuple(None if n not in (0, 1) and ((t, d) in self._dyn or (t, "all") in self._dyn) else n
                           for d, n in enumerate(part[1]))
                out.append((_T_MARK, sh, part[2], part[3]))
                t += 1
            else:
                out.append(part)
        return tuple(out)

    def _size_ref(self, key):
        """A program captured for a key that differs from ``key`` in tensor sizes only (none of them 0 or 1),
        and those sizes (tensor argument, dim); (None, sizes) when only a capture with a size 0 or 1 there
        differs so (the new capture records dynamically, to be confirmed by the next size); (None, None)."""
        pending = None
        for old, progs in list(self._cache.items()) + list(self._dcache.items()):
            if type(progs) is _Eager or not progs or len(old) != len(key) or old[:3] != key[:3]:
                continue
            dims = []
            small = False   # a size 0 or 1 on either side: a different program (broadcasting, contiguity)
            t = 0
            for a, b in zip(old[3:], key[3:]):
                if type(a) is tuple and a and a[0] is _T_MARK and type(b) is tuple and b and b[0] is _T_MARK:
                    if a[2:] != b[2:] or len(a[1]) != len(b[1]):
                        break
                    for d, (x, y) in enumerate(zip(a[1], b[1])):
                        if x != y:
                            if x is None or y is None:
                                continue
                            if x in (0, 1) or y in (0, 1):
                                small = True
                            if y not in (0, 1):
                                dims.append((t, d))
                    t += 1
                elif a != b:
                    break
            else:
                ref = progs[-1]
                if dims and getattr(ref, "sig", None) is not None:
                    if not small:
                        return ref, dims
                    pending = dims
        return None, pending

    def _break(self, cause, key):
        counters["graph_breaks"] += 1
        self._breaks.append(cause)
        if key is not None:
            self._cache[key] = _Eager(cause)
        _warn(f"npgrad.compile: graph break in {self._name}: {cause}; this call (and later calls with the same "
              f"guard key) run eagerly", GraphBreakWarning)

    def _n_programs(self):
        return sum(1 if type(v) is _Eager else len(v) for c in (self._cache, self._dcache) for v in c.values())

    def _capture(self, key, flat, args, kwargs, why):
        if self._n_programs() >= self._limit:
            if not self._limit_warned:
                self._limit_warned = True
                changed = why if why is not None else _describe_key_change(self._last_key, key)
                _warn(f"npgrad.compile: {self._name} hit the recompile limit ({self._limit}); the last guard "
                      f"that failed: {changed}; calls that match no captured program run eagerly", UserWarning)
            return self._fn(*args, **kwargs)
        if self._cache or self._dcache:
            counters["recompiles"] += 1
        rec = Recorder(flat, self._fullgraph)
        rec.name = self._name
        ref = None
        if self._dynamic is not False:
            rec.want_sig = True
            ref, dims = self._size_ref(key)
            if ref is not None and self._dynamic is None:   # automatic: the sizes that changed become dynamic
                self._dyn.update(dims)
            elif ref is not None:                             # dynamic=True: every size of every tensor
                self._dyn.update((t, "all") for t in range(len(flat)))
            rec.dynamic = self._dynamic is True or dims is not None
        try:
            result = _cap.capture(rec, self._fn, args, kwargs)
        except _cap.Busy:   # another thread captures right now: run eagerly; a later call captures
            if self._cache:
                counters["recompiles"] -= 1
            return self._fn(*args, **kwargs)
        except GraphBreak as e:
            raise Unsupported(f"npgrad.compile(fullgraph=True): cannot capture {self._name}: {e}") from None
        counters["captures"] += 1
        self._last_key = key
        prog = None
        if ref is not None and rec.dynamic and not rec.broken:
            _dyn.repair(ref.sig, rec)
        try:
            prog = _finish(rec, result, flat, key)
        except GraphBreak as e:
            if self._fullgraph:
                raise Unsupported(f"npgrad.compile(fullgraph=True): cannot capture {self._name}: {e}") from None
        except _dyn.NotDynamic as e:
            return self._not_dynamic(key, str(e), result, None)
        if prog is not None and not rec.broken and ref is not None and self._dyn:
            cause = _dyn.check(ref.sig, rec)
            if cause is not None:
                return self._not_dynamic(key, cause, result, prog)
            prog.desc = f"dynamic: one program for every size of {self._fmt_dyn()}" + \
                (f" (captured after a guard failed: {why})" if why is not None else "")
            self._dcache.setdefault(self._dkey(key), []).append(prog)
            return result
        if prog is None or rec.broken:
            cause = rec.broken or "the capture could not be completed"
            if self._fullgraph:
                raise Unsupported(f"npgrad.compile(fullgraph=True): cannot capture {self._name}: {cause}")
            if rec.attr_write and rec.broken == cause and self._retries.get(key, 0) < _ATTR_RETRIES:
                # a first call that caches a tensor on its module (word_language_model's `self.src_mask =
                # mask`): the next call finds it set and usually writes nothing; capture that one
                self._retries[key] = self._retries.get(key, 0) + 1
                counters["graph_breaks"] += 1
                self._breaks.append(f"{cause} (the next call with this guard key captures again)")
                _warn(f"npgrad.compile: graph break in {self._name}: {cause}; this call runs eagerly, the next "
                      f"call with the same guard key captures again", GraphBreakWarning)
                return result
            self._break(cause, key)
            return result
        if why is not None:
            prog.desc = f"captured after a guard failed: {why}"
        if rec.dynamic:
            prog.desc = ("dynamic capture, used for these sizes until a capture at other sizes confirms it"
                         + (f"; {prog.desc}" if prog.desc else ""))
        self._cache.setdefault(key, []).append(prog)
        return result

    def _fmt_dyn(self):
        parts = sorted(f"argument tensor {t}, " + ("every dim" if d == "all" else f"dim {d}") for t, d in self._dyn)
        return "; ".join(parts)

    def _not_dynamic(self, key, cause, result, prog):
        """Sizes changed but the call cannot be replayed size-generically: calls with other sizes of the
        dims marked dynamic run eagerly (one warning naming the cause); the programs captured for exact
        sizes still replay those sizes (``prog``, this call's, among them). Where a dynamic program already
        replays the other sizes (this capture was made because one of its size guards failed), ``prog`` is
        just one more program for these exact sizes."""
        if prog is not None:
            prog.desc = f"for these sizes only: {cause}"
            self._cache.setdefault(key, []).append(prog)
        dk = self._dkey(key)
        if type(self._dcache.get(dk)) is list:
            return result
        if self._fullgraph:   # no graph break: each size is captured as its own program, as with dynamic=False
            self._dynamic = False
            return result
        counters["graph_breaks"] += 1
        msg = f"dynamic shapes ({self._fmt_dyn()}): {cause}"
        self._breaks.append(msg)
        self._dcache[self._dkey(key)] = _Eager(msg)
        _warn(f"npgrad.compile: {self._name} cannot replay one program for every size ({self._fmt_dyn()}): "
              f"{cause}; calls with other sizes run eagerly", GraphBreakWarning)
        return result

    def explain(self) -> str:
        return explain_text(self)


def _run(prog, flat):
    """Replay ``prog`` on the input tensors ``flat``."""
    if prog.diff:
        prog._T = flat
        res = CompiledFunction.apply(prog, *flat, *prog.outside)
        prog._T = None
        if type(res) is tuple:
            node = res[0].grad_fn
            vals = list(res)
        else:
            node = res.grad_fn
            vals = [res]
        other = node.extra
        node.extra = None
    else:
        A = [t._data for t in flat]
        A += [t._data for t in prog.outside]
        fp = fp_quiet()
        try:
            diff, other, _ = prog.fwd(A, flat)
        finally:
            fp_restore(fp)
        vals = []
    vals.extend(make(a) for a in other)
    if state.inference:  # computed in inference mode: inference tensors, as eager makes them
        for v in vals:
            if v._x is None:
                v._x = {"inference": True}
    if prog.single is not None:
        return vals[0]
    return _unflatten(prog.out_spec, vals, flat, prog.outside, {})


def _unflatten(spec, vals, flat, outside, memo):
    kind = spec[0]
    if kind == "v":
        return vals[spec[1]]
    if kind == "in":
        return flat[spec[1]]
    if kind == "obj":
        return spec[1]
    if kind == "c":
        return spec[1]
    if kind == "seq":
        items = [_unflatten(s, vals, flat, outside, memo) for s in spec[2]]
        return spec[1](items) if spec[1] is not tuple else tuple(items)
    if kind == "dict":
        return {k: _unflatten(s, vals, flat, outside, memo) for k, s in spec[1]}
    if kind == "view":   # a view of an input: the recorded view ops applied to it, as eager mode does
        done = memo.get(id(spec))
        if done is not None:   # the same tensor returned twice
            return done
        t = flat[spec[2]] if spec[1] == "in" else outside[spec[2]]
        for cls, consts, k in spec[3]:
            base = t
            if cls is _DETACH:
                t = consts[0](t, *consts[1:]) if consts else t.detach()
                continue
            r = cls.apply(t, *consts)
            if getattr(cls, "_multi_view", False):   # split/chunk/unbind: pieces share the input's counter
                for piece in r:
                    piece._vc = base._vc
                t = r[k]
            else:
                t = _track_view(r if k is None else r[k], base)
        memo[id(spec)] = t
        return t
    raise AssertionError(kind)


_DETACHES = ("Tensor.detach", "npgrad.detach")
_DETACH = object()   # a view-chain step: Tensor.detach


def _track_view(res, base):
    from ..ops.shape import track_view
    return track_view(res, base)


def _view_chain(rec, s):
    """A returned tensor that is a view of a region input or outside tensor: the chain of recorded view ops
    (each a ``_view`` Function of that tensor and constants) from the input to it, as an output spec that
    replay re-applies to the current input (so the result shares its storage and version counter, has its
    own grad_fn and base, as eager mode's); None if it is not such a chain."""
    producer = {}
    for op in rec.ops:
        if op.kind == "fn" or (op.kind == "opaque" and op.cls in _DETACHES):
            for k, o in enumerate(op.outs):
                producer[o.id] = (op, k)
    steps = []
    while s.kind == "op":
        found = producer.get(s.id)
        if found is None:
            return None
        op, k = found
        if op.kind == "opaque":   # x.detach(): shares x's storage and version counter; re-run on the input
            if len(op.args) != 1 or op.kwargs or not isinstance(op.args[0], _cap.Slot) or op.dst != [None]:
                return None
            steps.append((_DETACH, (), None))
            s = op.args[0]
            continue
        if op.cls is _cap.ViewCall:   # unfold / as_strided: the function itself, on the current input
            if not isinstance(op.args[0], _cap.Slot) or any(isinstance(a, _cap.Slot) for a in op.args[1:]):
                return None
            steps.append((_DETACH, (op.args[1][1],) + tuple(a[1] for a in op.args[2:]), None))
            s = op.args[0]
            continue
        if not (op.cls._view or getattr(op.cls, "_multi_view", False)) or op.casts or not op.args or not isinstance(op.args[0], _cap.Slot) or \
                not op.targs[0] or any(op.targs[1:]) or any(isinstance(a, _cap.Slot) for a in op.args[1:]):
            return None
        steps.append((op.cls, tuple(a[1] for a in op.args[1:]), k if op.nout else None))
        s = op.args[0]
    if s.kind not in ("in", "out") or s.gid != s.id:
        return None
    return ("view", s.kind, s.index, steps[::-1])


def _finish(rec, result, flat, key):
    """Turn a finished capture into a program (raises GraphBreak / sets rec.broken on what cannot replay)."""
    rec.fullgraph = True   # from here on a break raises GraphBreak at once
    if rec.broken:
        return None
    rec.check_end(None)
    out_slots = []
    order = {}
    views = {}

    def spec_of(obj):
        if isinstance(obj, Tensor):
            for i, f in enumerate(flat):
                if f is obj:
                    return ("in", i)
            if any(o is obj for o in rec.outside):
                return ("obj", obj)
            s = rec.tmap.get(id(obj))
            if s is None:
                if id(obj) in rec.born:
                    rec.brk("the region returns a tensor made outside the recorded ops")
                return ("obj", obj)
            d = obj._data
            for t in rec.slots:
                if t.kind in ("in", "out") and np.may_share_memory(d, t.tensor._data):
                    chain = views.get(s.id) or _view_chain(rec, s)
                    views[s.id] = chain
                    if chain is None:
                        rec.brk("the region returns a view of one of its inputs (not made by view ops alone)")
                        break
                    return chain
            if s.id not in order:
                order[s.id] = len(out_slots)
                out_slots.append((s, obj))
            return ("slot", s.id)
        t = type(obj)
        if t in _SCALARS:
            return ("c", obj)
        from .._shape import Size
        if t is Size:
            return ("c", obj)
        if t is tuple or t is list:
            return ("seq", t, [spec_of(x) for x in obj])
        if t is dict:
            return ("dict", [(k, spec_of(v)) for k, v in obj.items()])
        rec.brk(f"the region returns a {t.__name__}")
    leak = _cap.escaped(rec, result)
    if leak is not None:
        rec.brk(f"a {list(leak.shape)} tensor made in the region is kept outside it (stored in a global, a "
                f"container or a closure: a side effect replay would skip)")
    del leak
    spec = spec_of(result)
    # modules called: hooks would not replay
    mods = list({id(m): m for m in rec.modules}.values())
    for m in mods:
        d = m.__dict__
        if d.get("_forward_hooks") or d.get("_forward_pre_hooks") or d.get("_backward_hooks") or \
                d.get("_backward_pre_hooks"):
            rec.brk(f"a hook on the module {type(m).__name__} (module hooks are not replayed)")
    _mh = sys.modules.get("npgrad.nn.modules._hooks")
    if _mh is not None and (_mh._global_forward_hooks or _mh._global_forward_pre_hooks):
        rec.brk("a global module hook (module hooks are not replayed)")
    guard_src, guard_ns = _guard_source(rec, mods)
    diff_set = set()
    if state.enabled:
        for s, t in out_slots:
            if t._req:
                diff_set.add(s.gid)
    slots = [s for s, _ in out_slots]
    input_pos = [rec.in_slot[id(t)] if rec.in_slot[id(t)].index == i else None for i, t in enumerate(flat)]
    if rec.dynamic:
        prog = _dyn.build(rec, slots, diff_set, len(flat), input_pos, key, guard_src, guard_ns)
        prog.size_causes = [c for c in prog.size_causes]
    else:
        prog = build(rec, slots, diff_set, len(flat), input_pos, key, guard_src, guard_ns)
        prog.size_causes = None
    prog.sig = _dyn.signature(rec) if getattr(rec, "want_sig", False) else None
    # the returned structure in terms of program values: diff outputs first, then the others
    pos = {s.id: k for k, s in enumerate(prog.diff + prog.other)}

    def remap(sp):
        if sp[0] == "slot":
            return ("v", pos[sp[1]])
        if sp[0] == "seq":
            return ("seq", sp[1], [remap(x) for x in sp[2]])
        if sp[0] == "dict":
            return ("dict", [(k, remap(v)) for k, v in sp[1]])
        return sp
    prog.out_spec = remap(spec)
    prog.single = True if prog.out_spec[0] == "v" and prog.out_spec[1] == 0 else None
    return prog


def _guard_source(rec, mods):
    """``guard(T)``: None when the captured program still applies, else what changed (straight-line code)."""
    ns = {}
    lines = ["def guard(T):"]
    owner = {}
    for m in mods:
        for table in ("_parameters", "_buffers"):
            for name, p in (m.__dict__.get(table) or {}).items():
                if p is not None:
                    owner.setdefault(id(p), (m, table, name))
    for k, m in enumerate(mods):
        d = m.__dict__
        ns[f"D{k}"] = d
        what = type(m).__name__
        for name, v in d.items():
            if name.startswith("_") or type(v) not in _SCALARS:
                continue
            ns[f"V{k}_{name}"] = v
            op = "is not" if v is None or type(v) is bool else "!="
            lines.append(f"    if D{k}.get({name!r}) {op} V{k}_{name}: return {what + '.' + name + ' changed'!r}")
        lines.append(f"    if D{k}['_forward_hooks'] or D{k}['_forward_pre_hooks']: "
                     f"return {'a hook was added to ' + what!r}")
    for s in rec.slots:
        if s.kind != "out":
            continue
        t = s.tensor
        k = s.index
        ns[f"P{k}"] = t
        ns[f"SH{k}"] = s.shape
        ns[f"DT{k}"] = s.dtype
        o = owner.get(id(t))
        if o is not None:
            m, table, name = o
            ns[f"Q{k}"] = m.__dict__[table]
            lines.append(f"    if Q{k}.get({name!r}) is not P{k}: return {type(m).__name__ + '.' + name + ' replaced'!r}")
        lines.append(f"    d = P{k}._data")
        lines.append(f"    if d.shape != SH{k} or d.dtype != DT{k} or P{k}._req is not {s.req}: "
                     f"return {'outside tensor ' + str(k) + ' changed shape, dtype or requires_grad'!r}")
    lines.append("    return None")
    return "\n".join(lines), ns


_stance = ["default"]
_ATTR_RETRIES = 2   # captures of one guard key that a module attribute assignment may send back to eager


def explain_text(compiled):
    out = [f"npgrad.compile: {compiled._name}: {len(compiled._cache) + len(compiled._dcache)} guard key(s)"]
    if compiled._dyn:
        out.append(f"dynamic={compiled._dynamic}: sizes marked dynamic: {compiled._fmt_dyn()} (a size shown as "
                   f"'*' in a guard key: one program for every value but 0 and 1; its size guards are checked "
                   f"in fwd)")
    for key, progs in list(compiled._cache.items()) + list(compiled._dcache.items()):
        out.append("")
        out.append(f"guard key: grad_enabled={key[0]}, inference={key[1]}, default_dtype={key[2]}, "
                   f"arguments={_fmt_args(key[3:])}")
        if type(progs) is _Eager:
            out.append(f"graph break (runs eagerly): {progs.cause}")
            continue
        for k, prog in enumerate(progs):
            out.append(f"# program {k}" + (f" ({prog.desc})" if prog.desc else ""))
            out.append(prog.source)
            if prog.size_causes:   # a dynamic program's size guards, by index (_SizeGuard(k)), and why each exists
                out.append("# size guards (checked by fwd; one that fails makes that call capture again):")
                out.extend(f"#   {i}: {c}" for i, c in enumerate(prog.size_causes))
    if compiled._breaks:
        out.append("")
        out.append("graph breaks:")
        out.extend(f"  - {c}" for c in compiled._breaks)
    return "\n".join(out)


def _fmt_args(parts):
    res = []
    for p in parts:
        if type(p) is tuple and p and p[0] is _T_MARK:
            shape = "[" + ", ".join("*" if n is None else str(n) for n in p[1]) + "]"
            res.append(f"Tensor(shape={shape}, dtype={p[2]}, requires_grad={p[3]})")
        elif type(p) is tuple and len(p) == 2 and p[0] in (tuple, list, dict):
            continue
        else:
            res.append(repr(p[-1]))
    return "[" + ", ".join(res) + "]"
