"""Dynamic shapes: one program for every size of a dimension (``npgrad.compile(dynamic=None/True)``).

A *dynamic* capture runs with ``Recorder.dynamic`` on: every size read from a region input or a recorded op's
output (``x.shape``, ``x.size(1)``, ``x.numel()``) is a ``capture.SymInt``, an int that carries the expression
computing it on replay from the replay's own arrays (``v3.shape[1]``); arithmetic keeps the expression, and an
op or creation function given one gets the expression in its generated call instead of the number
(``view(B, T, C)``, ``arange(0, T)``, ``bias[:, :, :T, :T]``). Comparing a size or turning it into a plain
value (``range(T)``, ``len(x)``, ``math.sqrt(T)``) records a *size guard* the replay checks before it runs
anything that depends on it.

``build`` generates that program without the static codegen's shape-specialised rewrites: every op calls its
own ``forward``/``backward``, and every broadcast gradient is reduced to the shape its input has on this replay.

``signature``/``check``: a size that reaches an op through code the recorder cannot follow (a float computed
from ``T``, a NumPy array of it) would be baked in as a constant. So a dynamic program is only trusted for other
sizes once it has been compared with a capture of the same call at another size: the same ops in the same
order, every constant equal, every recorded expression giving that capture's number from that capture's shapes,
and every size guard holding there too. What fails names the cause, and calls with other sizes run eagerly.
"""
from __future__ import annotations

from typing import Any, Collection, Sequence

import re

import numpy as np

from .._shape import Size
from . import capture as _cap
from .capture import SymInt, has_sym, plain
from .codegen import Program, _const, _fit, _generic_call, _live_grads, _mk

__all__ = ["NotDynamic", "SizeGuard", "build", "signature", "repair", "check"]

_RANDOM = ("rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like", "randint_like",
           "bernoulli", "multinomial", "dropout mask")


class NotDynamic(Exception):
    """Internal: this call cannot be replayed size-generically (the message names the cause)."""


class SizeGuard(Exception):
    """Internal: raised by a dynamic program's forward when a size guard fails (the call runs otherwise)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def _dconst(v, ns):
    """Source for a constant argument: SymInts as their expressions, everything else as ``codegen._const``."""
    if not has_sym(v):
        return _const(v, ns)
    t = type(v)
    if t is SymInt:
        return v.src
    if t is slice:
        return f"slice({_dconst(v.start, ns)}, {_dconst(v.stop, ns)}, {_dconst(v.step, ns)})"
    inner = "".join(_dconst(x, ns) + ", " for x in v)
    if t is list:
        return f"[{inner}]"
    if t is tuple:
        return f"({inner})"
    if t is Size:
        return f"_Size(({inner}))"
    raise NotDynamic(f"a size inside a {t.__name__} argument")


def _arg(a, casts, i, ns):
    if isinstance(a, _cap.Slot):
        if casts and i in casts:
            return f"{a.arr}.astype({_const(casts[i], ns)})"
        return a.arr
    return _dconst(a[1], ns)


def build(rec: Any, out_slots: Sequence[Any], diff_set: Collection[Any], n_flat: int, input_pos: Sequence[Any],
          key: Any, guard_src: str, guard_ns: dict[str, Any]) -> Any:
    """The size-generic program of dynamic recorder ``rec`` (``codegen.build``'s interface)."""
    ns: dict[str, Any] = {"_new": object.__new__, "_np": np, "_fit": _fit, "_copyto": np.copyto,
                          "_asarray": np.asarray, "_mk": _mk, "_Size": Size, "_SizeGuard": SizeGuard}
    ns.update(guard_ns)
    prog: Any = Program()
    prog.outside = list(rec.outside)
    prog.n_in = n_flat
    prog.out_slots = out_slots
    ops = rec.ops
    lines = ["def fwd(A, T):"]
    made = {}
    for s in rec.slots:
        if s.kind == "in" and s.gid == s.id:
            lines.append(f"    {s.arr} = A[{s.index}]")
            made[s.arr] = 0
        elif s.kind == "out":
            lines.append(f"    {s.arr} = A[{n_flat + s.index}]")
            made[s.arr] = 0
    for j, op in enumerate(ops):
        for o in op.outs:
            made.setdefault(o.arr, j + 1)
    # each size guard runs as soon as every array it reads exists: before anything that depends on it
    guards = list(rec.size_guards.items())
    at: dict[int, list[int]] = {}
    for k, (src, _) in enumerate(guards):
        names = re.findall(r"\bv\d+\b", src)
        if any(n not in made for n in names):
            raise NotDynamic(f"a size guard on a value the program does not make ({src})")
        at.setdefault(max((made[n] for n in names), default=0), []).append(k)
    prog.size_causes = [f"{cause}: {src}" for src, cause in guards]
    side: list[str | None] = [None]

    def emit(pos):
        for k in at.get(pos, ()):
            if side[0] is not None:
                raise NotDynamic(f"a size guard ({guards[k][0]}) is checked after {side[0]}, a side effect a "
                                 f"failed check could not undo")
            lines.append(f"    if not ({guards[k][0]}): raise _SizeGuard({k})")
    emit(0)
    live = _live_grads(ops, out_slots, diff_set)
    saved_names = []
    for j, op in enumerate(ops):
        if op.kind == "copy":
            lines.append(f"    _copyto({op.dst.arr}, {op.src.arr}, casting='unsafe')")
            if op.bump is not None:
                where = f"T[{op.bump.index}]" if op.bump.kind == "in" else f"O[{op.bump.index}]"
                lines.append(f"    {where}._vc[0] += 1")
                side[0] = side[0] or "an in-place write into a region input or outside tensor"
        elif op.kind in ("create", "opaque"):
            ns[f"C{j}"] = op.fn
            args = [f"_mk({a.arr})" if isinstance(a, _cap.Slot) else _dconst(a[1], ns) for a in op.args]
            args += [f"{k}=_mk({a.arr})" if isinstance(a, _cap.Slot) else f"{k}={_dconst(a[1], ns)}"
                     for k, a in op.kwargs.items()]
            lines.append(f"    r = C{j}({', '.join(args)})")
            if op.kind == "create":
                lines.append(f"    {op.outs[0].arr} = r._data")
                if op.cls in _RANDOM:
                    side[0] = side[0] or f"a random draw ({op.cls})"
            else:
                for o, p in zip(op.outs, op.dst):
                    lines.append(f"    {o.arr} = r._data" if p is None else f"    {o.arr} = r[{p}]._data")
        else:
            args = [_arg(a, op.casts, i, ns) for i, a in enumerate(op.args)]
            res = ", ".join(o.arr for o in op.outs) + ("," if op.nout == 1 else "")
            _generic_call(j, op, args, res, j in live, ns, lines, saved_names)
            if j in live:   # the shapes backward reduces each input's gradient to, as they are on this replay
                shapes = [a.arr for i, a in enumerate(op.args) if isinstance(a, _cap.Slot) and op.needs[i]]
                outs = [o.arr for o in op.outs] if op.nout else []
                lines.append(f"    m{j} = ({''.join(n + '.shape, ' for n in shapes + outs)})")
                saved_names.append(f"m{j}")
        emit(j + 1)
    diff_out = [s for s in out_slots if s.gid in diff_set or s.id in diff_set]
    other_out = [s for s in out_slots if s not in diff_out]
    prog.diff, prog.other = diff_out, other_out
    lines.insert(1, f"    # dynamic: sizes read from the arrays on every replay; {len(guards)} size guard(s)")
    lines.append(f"    return ({''.join(s.arr + ', ' for s in diff_out)}), "
                 f"({''.join(s.arr + ', ' for s in other_out)}), ({''.join(n + ', ' for n in saved_names)})")
    b = ["def bwd(S, G):"]
    if saved_names:
        b.append(f"    {''.join(n + ', ' for n in saved_names)}= S")
    have = set()

    def acc(gid, expr):
        if gid in have:
            b.append(f"    g{gid} = g{gid} + {expr}")
        else:
            b.append(f"    g{gid} = {expr}")
            have.add(gid)
    for k, s in enumerate(diff_out):
        acc(s.gid, f"G[{k}]")
    for j in range(len(ops) - 1, -1, -1):
        if j not in live:
            continue
        op = ops[j]
        targets = [(i, a) for i, a in enumerate(op.args) if isinstance(a, _cap.Slot) and op.needs[i]]
        gouts = []
        for k, o in enumerate(op.outs):
            if o.id in have:
                gouts.append(f"g{o.id}")
            elif op.nout and "_outmeta" in op.cls._ctx_fields:
                gouts.append(f"_np.zeros(m{j}[{len(targets) + k}], {_const(o.dtype, ns)})")
            else:
                gouts.append("None")
        if all(g == "None" for g in gouts):
            continue
        ns[f"B{j}"] = op.cls.backward
        b.append(f"    r = B{j}(c{j}, {', '.join(gouts)})")
        b.append("    if type(r) is not tuple: r = (r,)")
        for t, (i, a) in enumerate(targets):
            acc(a.gid, f"_fit(r[{i}], m{j}[{t}], {_const(a.dtype, ns)})")
    rets = []
    for i in range(n_flat):
        s = input_pos[i]
        rets.append(f"g{s.gid}" if s is not None and s.req and s.gid in have else "None")
    for s in rec.slots:
        if s.kind == "out":
            rets.append(f"g{s.gid}" if s.req and s.gid in have else "None")
    b.append(f"    return ({''.join(r + ', ' for r in rets)})")
    ns["O"] = prog.outside
    src = "\n".join(lines) + "\n\n\n" + "\n".join(b) + "\n\n\n" + guard_src + "\n"
    exec(compile(src, f"<npgrad.compile {getattr(rec, 'name', 'program')} (dynamic)>", "exec"), ns)
    prog.fwd, prog.bwd, prog.guard = ns["fwd"], ns["bwd"], ns["guard"]
    prog.source = src
    prog.key = key
    prog.ns = ns
    prog.dynamic = True
    return prog


# ---------------------------------------------------------------------------------------------- validation
class Signature:
    """What ``check`` compares a dynamic capture with: the tape's ops and constants, and every slot's shape."""
    __slots__ = ("ops", "shapes", "kinds")

    def __init__(self, rec):
        self.ops = [_op_sig(op) for op in rec.ops]
        self.shapes = {s.arr: s.shape for s in rec.slots}
        self.kinds = [s.kind for s in rec.slots]


def signature(rec: Any) -> Signature:
    return Signature(rec)


def _loose(v):
    """``v`` with its SymInts cut from their recorder (a signature outlives the capture: it must not keep the
    capture's tensors alive); they keep their value and expression."""
    t = type(v)
    if t is SymInt:
        return _cap._sym(None, int.__int__(v), v.src)
    if t is slice and has_sym(v):
        return slice(_loose(v.start), _loose(v.stop), _loose(v.step))
    if isinstance(v, (tuple, list)) and has_sym(v):
        return type(v)(_loose(x) for x in v)
    return v


def _op_sig(op):
    if op.kind == "copy":
        return ("copy", None, (("s", op.dst.arr), ("s", op.src.arr)), (), None)  # (five entries as every op's)
    ident = op.cls if op.kind == "fn" else op.fn
    args = tuple(("s", a.arr) if isinstance(a, _cap.Slot) else ("c", _loose(a[1])) for a in op.args)
    kw = tuple((k, ("s", a.arr) if isinstance(a, _cap.Slot) else ("c", _loose(a[1])))
               for k, a in (op.kwargs or {}).items()) if op.kind != "fn" else ()
    return (op.kind, ident, args, kw, op.casts if op.kind == "fn" else None)


class _Shape:
    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape


def _eval(v, env):
    """A recorded constant at the other capture's sizes: each SymInt's expression evaluated on its shapes."""
    t = type(v)
    if t is SymInt:
        return _ANY if v.src == "-1" else eval(v.src, {}, env)   # (a -1 the op infers: right at any size)
    if t is slice:
        return slice(_eval(v.start, env), _eval(v.stop, env), _eval(v.step, env))
    if isinstance(v, (tuple, list)) and has_sym(v):
        return type(v)(_eval(x, env) for x in v)
    return v


class _Any:
    __slots__ = ()


_ANY = _Any()


def _same(a, b):
    if a is _ANY:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and \
            a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if type(a) is not type(b) and not (isinstance(a, int) and isinstance(b, int)):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is float and a != a:
        return b != b
    try:
        return bool(a == b)
    except Exception:
        return a is b


def _name(o):
    ident = o[1]
    return getattr(ident, "__name__", None) or str(ident)


def repair(old: Signature, rec: Any) -> None:
    """Shapes npgrad's own functions compute from plain sizes (``F.linear`` on a 3-D input flattens it to
    ``(B*T, C)`` and back): a ``view``/``reshape`` target that differs from the other capture's in exactly one
    entry gets -1 there, which the op's reshape infers on every replay (the entry the element count decides,
    the others being the same at both sizes); ``check`` then compares the rest as usual."""
    if len(rec.ops) != len(old.ops):
        return
    _repair_shapes(old, rec)
    from ..ops.shape import View
    for op, o in zip(rec.ops, old.ops):
        if op.kind != "fn" or not issubclass(op.cls, View) or o[1] is not op.cls or len(op.args) != 2 or \
                isinstance(op.args[1], _cap.Slot) or o[2][1][0] != "c":
            continue
        a, b = op.args[1][1], o[2][1][1]
        if type(a) is not tuple or type(b) is not tuple or len(a) != len(b) or any(x == -1 for x in plain(a)):
            continue
        diff = [k for k, (x, y) in enumerate(zip(a, b)) if type(x) is not SymInt and int(x) != int(y)]
        if len(diff) == 1:
            k = diff[0]
            op.args[1] = ("c", a[:k] + (_cap._sym(rec, int(a[k]), "-1"),) + a[k + 1:])


def _repair_shapes(old, rec):
    """A whole shape passed as plain ints (dropout's mask made for ``x._data.shape``): where it equals, at both
    sizes, the shape of one array the program has made by then (the latest such), it becomes that array's
    ``.shape`` read on every replay."""
    new_shapes = {}
    made = []   # (arr, shape) in the order the program makes them
    for s in rec.slots:
        if s.kind in ("in", "out") and s.arr not in new_shapes:
            new_shapes[s.arr] = s.shape
            made.append(s.arr)
    for j, (op, o) in enumerate(zip(rec.ops, old.ops)):
        if op.kind != "copy" and (o[1] is (op.cls if op.kind == "fn" else op.fn)):
            olds = list(o[2]) + [x for _, x in o[3]]
            news = [(None, i, a) for i, a in enumerate(op.args)] + \
                [(k, None, a) for k, a in ((op.kwargs or {}) if op.kind != "fn" else {}).items()]
            if len(olds) == len(news):
                for (k, i, a), b in zip(news, olds):
                    if isinstance(a, _cap.Slot) or b[0] != "c":
                        continue
                    v, w = a[1], b[1]
                    if not (isinstance(v, tuple) and isinstance(w, tuple) and len(v) == len(w) and v != w
                            and not has_sym(v) and all(type(x) is int for x in v + tuple(w))):
                        continue
                    for arr in reversed(made):
                        if new_shapes[arr] == tuple(v) and old.shapes.get(arr) == tuple(w):
                            sym = tuple(_cap._sym(rec, n, f"{arr}.shape[{d}]") for d, n in enumerate(v))
                            val = ("c", type(v)(sym) if type(v) is not tuple else sym)
                            if k is None:
                                op.args[i] = val
                            else:
                                op.kwargs[k] = val
                            break
        for out in op.outs:
            if out.arr not in new_shapes:
                new_shapes[out.arr] = out.shape
                made.append(out.arr)


def check(old: Signature, rec: Any) -> str | None:
    """None when the dynamic capture ``rec`` reproduces the capture ``old`` made at other sizes, else the
    cause (what made the program depend on a size)."""
    if len(rec.ops) != len(old.ops) or [s.kind for s in rec.slots] != old.kinds:
        return (f"the recorded ops change with the size ({len(old.ops)} ops at one size, {len(rec.ops)} at "
                f"another: a Python loop or branch over a size)")
    env = {arr: _Shape(sh) for arr, sh in old.shapes.items()}
    for j, (op, o) in enumerate(zip(rec.ops, old.ops)):
        n = _op_sig(op)
        if n[0] != o[0] or n[1] is not o[1] or len(n[2]) != len(o[2]) or [k for k, _ in n[3]] != [k for k, _ in o[3]] \
                or n[4] != o[4]:
            return f"the recorded ops change with the size (step {j}: {_name(o)} at one size, {_name(n)} at another)"
        for (ka, a), (kb, b) in zip(list(n[2]) + [x for _, x in n[3]], list(o[2]) + [x for _, x in o[3]]):
            if ka != kb or (ka == "s" and a != b):
                return f"the recorded ops change with the size (step {j}, {_name(n)}: its inputs differ)"
            if ka == "c":
                try:
                    va = _eval(a, env)
                except Exception:
                    va = None
                if not _same(va, plain(b)):
                    return (f"{_name(n)} (step {j}) gets a constant that changes with the size ({plain(b)!r} at "
                            f"one size, {plain(a)!r} at another), computed by code the recorder cannot follow")
    for src, cause in rec.size_guards.items():
        try:
            ok = bool(eval(src, {}, env))
        except Exception:
            ok = False
        if not ok:
            return f"{cause} (the program checks {src}, which fails at the other size)"
    return None
