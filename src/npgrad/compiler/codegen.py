"""Codegen: one straight-line Python function per captured program, built as source from the tape and
``exec``'d once (the source is kept for ``explain``).

``fwd(A, T)`` runs each recorded op's ``forward`` staticmethod on raw ndarrays in recorded order (``A``: the
arrays of the region's input tensors, then of the outside tensors it reads), with no Tensor, no promotion check
(dtypes are guarded; the casts the capture saw are written out), no graph. It returns the differentiable
outputs, the other outputs and ``S``: what backward needs (the ops' ctx objects, and the saved arrays of inlined
ops).

``bwd(S, G)`` runs the recorded ops' ``backward`` formulas in reverse on raw arrays, gradients accumulated with
``+`` into one local per value, broadcast gradients reduced with the shapes recorded at capture, ops whose
inputs need no gradient left out at generation time. It returns one gradient per entry of ``A`` (None where
none is needed).

Hot ops (``INLINE``) are written out as their NumPy calls instead of calls of ``forward``/``backward``, so one
recorded op costs about one NumPy call.
"""
from __future__ import annotations

from typing import Any, Collection, Sequence

import re
import sys

import numpy as np

from .._shape import sum_to
from . import capture as _cap
from . import inline as _inline
from .inline import INLINE

__all__ = ["build"]


def _fit(g, shape, dtype):
    """A gradient reduced to its input's shape and cast to its dtype (the engine's ``_fit_grad``)."""
    if g.shape != shape:
        g = sum_to(g, shape)
    if g.dtype != dtype:
        g = g.astype(dtype)
    return g


class Program:
    """A captured program: generated ``fwd``/``bwd``/``guard``, their source, and what replay needs."""
    ns: dict[str, Any]      # the generated functions' namespace, set by build

    def __init__(self):
        self.fwd = self.bwd = self.guard = None
        self.source = ""
        self.outside = []
        self.n_in = 0
        self.out_spec = None
        self.out_slots = []
        self.diff = []          # positions in out_slots of the differentiable outputs
        self.other = []
        self.key = None
        self.desc = ""
        self._T = None


def _expr(a, casts, i, ns):
    if isinstance(a, _cap.Slot):
        if casts and i in casts:
            return f"{a.arr}.astype({_const(casts[i], ns)})"
        return a.arr
    return _const(a[1], ns)


def _const(v, ns):
    if v is None or type(v) in (bool, int) or (type(v) is float and np.isfinite(v)):
        return repr(v)
    name = f"K{len(ns)}"
    ns[name] = v
    return name


def build(rec: Any, out_slots: Sequence[Any], diff_set: Collection[Any], n_flat: int, input_pos: Sequence[Any], key: Any,
          guard_src: str, guard_ns: dict[str, Any], inline: bool = True) -> Any:
    """Generate the program from recorder ``rec``.

    ``out_slots``: the slots the call returns (program outputs); ``diff_set``: the slot ids among them whose
    tensors require grad; ``n_flat``: how many input tensors the call passes; ``input_pos``: flattened position
    -> input slot (None for a repeated tensor)."""
    ns = {"_new": object.__new__, "_np": np, "_fit": _fit, "_copyto": np.copyto, "_asarray": np.asarray,
          "_take": _take, "_prod_into": _prod_into,
          "_mat2_grad_t": _mat2_grad_t}
    ns.update(guard_ns)
    if inline and not INLINE:
        _inline._load()
    ns.update(_inline.HELPERS)

    def kname(v):
        return _const(v, ns)
    prog = Program()
    prog.outside = list(rec.outside)
    prog.n_in = n_flat
    prog.out_slots = out_slots
    lines = ["def fwd(A, T):"]
    for s in rec.slots:
        if s.kind == "in" and s.gid == s.id:
            lines.append(f"    {s.arr} = A[{s.index}]")
        elif s.kind == "out":
            lines.append(f"    {s.arr} = A[{n_flat + s.index}]")
    # which ops' backward runs: those with a node whose outputs reach a differentiable output or outputs
    ops = _cse_views(rec.ops, out_slots)
    live = _live_grads(ops, out_slots, diff_set)
    hoist = _hoist_products(ops) if inline else {}
    cont = _contiguous_operands(ops, hoist) if inline else {}
    folded, skip = _fold_bias(ops, hoist, out_slots) if inline else ({}, {})
    reuse = _Reuse(ops, out_slots) if inline and REUSE else None
    saved_names = []
    inl = {}
    for j, op in enumerate(ops):
        if op.kind == "copy":
            lines.append(f"    _copyto({op.dst.arr}, {op.src.arr}, casting='unsafe')")
            if op.bump is not None:
                where = f"T[{op.bump.index}]" if op.bump.kind == "in" else f"O[{op.bump.index}]"
                lines.append(f"    {where}._vc[0] += 1")
            continue
        if reuse is not None:
            reuse.seen(op)
        if op.kind == "opaque":
            ns[f"C{j}"] = op.fn
            args = [f"_mk({a.arr})" if isinstance(a, _cap.Slot) else _const(a[1], ns) for a in op.args]
            args += [f"{k}=_mk({a.arr})" if isinstance(a, _cap.Slot) else f"{k}={_const(a[1], ns)}"
                     for k, a in op.kwargs.items()]
            lines.append(f"    r = C{j}({', '.join(args)})")
            for o, p in zip(op.outs, op.dst):
                lines.append(f"    {o.arr} = r._data" if p is None else f"    {o.arr} = r[{p}]._data")
            continue
        if op.kind == "create":
            ns[f"C{j}"] = op.fn
            args = [f"_mk({a.arr})" if isinstance(a, _cap.Slot) else _const(a[1], ns) for a in op.args]
            args += [f"{k}=_mk({a.arr})" if isinstance(a, _cap.Slot) else f"{k}={_const(a[1], ns)}"
                     for k, a in op.kwargs.items()]
            lines.append(f"    {op.outs[0].arr} = C{j}({', '.join(args)})._data")
            continue
        if id(op) in skip:   # a bias add folded into the stacked product (``_fold_bias``): the same array
            src = skip[id(op)]
            lines.append(f"    {op.outs[0].arr} = {src}")
            if reuse is not None:
                reuse.alias(op.outs[0].arr, src)
            inl[j] = INLINE[op.cls]   # its backward (the add's: the gradient passed on, summed for the bias)
            continue
        args = [_expr(a, op.casts, i, ns) for i, a in enumerate(op.args)]
        in_bwd = j in live
        tpl = INLINE.get(op.cls) if inline else None
        res = ", ".join(o.arr for o in op.outs) + ("," if op.nout == 1 else "")
        if tpl is not None and id(op) in cont and args[1] == op.args[1].arr:
            name = op.args[1].arr + "c"
            if cont[id(op)]:   # the first product that reads it: copy it once
                lines.append(f"    {name} = _np.ascontiguousarray({args[1]})")
            args[1] = name
        if tpl is not None:
            code = tpl.forward(op, args, res, f"s{j}", in_bwd, kname)
            if code is not None and id(op) in cont and len(code[0]) == 1 and args[1].endswith("c"):
                m = _PROD.fullmatch(code[0][0])   # a row-major copy: _prod's plain-matmul branch, written out
                if m is not None and m.group(4) is None:
                    code = [f"{m.group(1)} = _np.matmul({m.group(2)}, {m.group(3)})"], code[1]
            if code is not None and id(op) in hoist:
                first, lo, hi, group = hoist[id(op)]
                if op is group[0]:
                    x0 = group[0].args[0]
                    pool = _pool_name(ns)
                    pre = [f"x{first} = _np.concatenate(({''.join(g.args[0].arr + ', ' for g in group)}), "
                           f"out=_take({pool}, {(x0.shape[0] * len(group), x0.shape[1])!r}, "
                           f"{_const(x0.dtype, ns)}))",
                           f"h{first} = _prod(x{first}, {op.args[1].arr}{folded.get(id(group[0]), '')})",
                           f"{pool}.append(x{first})"]
                else:
                    pre = []
                code = pre + [f"{res} = h{first}[{lo}:{hi}]"], code[1]
            if code is not None:
                if reuse is not None:
                    code = reuse.rewrite(j, op, code, saved_names, id(op) in hoist), code[1]
                    reuse.placed(op, code[0], len(lines))
                lines.extend("    " + ln for ln in code[0])
                if in_bwd:
                    saved_names.extend(n for n in code[1] if n not in saved_names)
                inl[j] = tpl
                for o in op.outs:
                    if o.shape == ():
                        lines.append(f"    {o.arr} = _asarray({o.arr})")
                continue
        if reuse is not None:
            reuse.generic(op)
        _generic_call(j, op, args, res, in_bwd, ns, lines, saved_names)
    diff_out = [s for s in out_slots if s.gid in diff_set or s.id in diff_set]
    other_out = [s for s in out_slots if s not in diff_out]
    prog.diff = diff_out
    prog.other = other_out
    held = reuse.recycle(lines, saved_names, ns) if reuse is not None and RECYCLE else None
    if reuse is not None and reuse.count:
        lines.insert(1, f"    # buffer reuse: {reuse.count} elementwise op(s) write into an operand no longer needed (out=)")
    if held is not None:
        lines.insert(1, f"    # recycled: {len(held)} saved array(s) come from a pool refilled when backward is done")
        ns["H"] = type("Held", (_Held,), {"__slots__": (), "back": held})
        saved_expr = f"H(({''.join(n + ', ' for n in saved_names)}))"
    else:
        saved_expr = f"({''.join(n + ', ' for n in saved_names)})"
    lines.append(f"    return ({''.join(s.arr + ', ' for s in diff_out)}), "
                 f"({''.join(s.arr + ', ' for s in other_out)}), {saved_expr}")
    # ------------------------------------------------------------------------------------------ backward
    b = ["def bwd(S, G):"]
    if saved_names:
        b.append(f"    {''.join(n + ', ' for n in saved_names)}= S")
    have = set()
    pending = {}   # gid -> [(m1, grad, m2)]: weight gradients m1.T @ grad of one matrix, summed as one product
    alias = {}     # gradient variable -> the variable it was assigned from (``g398 = g401``)
    stacks = {}    # tuple of stacked variables -> the variable holding them
    pooled = []    # (pool, variable): buffers handed back to their pool before bwd returns
    direct = []    # stacked gradients that may be written straight into their stack (``_stack_direct``)
    fdirect = []   # stacked forward values, the same (``_stack_forward``)
    meta_a = {s.arr: (s.shape, s.dtype) for s in rec.slots}
    meta_g = {f"g{s.id}": (s.shape, s.dtype) for s in rec.slots}

    def stacked(names, meta):
        """``np.concatenate(names)`` (once per distinct list), into a buffer kept between replays (a pool:
        fresh 1-2 MB arrays cost page faults on every call)."""
        key = tuple(names)
        if key in stacks:
            return stacks[key]
        ms = [meta.get(n) for n in names]
        if any(x is None for x in ms) or len({x[1] for x in ms}) != 1 or len({x[0][1:] for x in ms}) != 1 \
                or any(len(x[0]) != 2 for x in ms):
            return f"_np.concatenate(({''.join(n + ', ' for n in names)}))"
        shape = (sum(x[0][0] for x in ms), ms[0][0][1])
        pool, var = _pool_name(ns), f"st{len(stacks)}"
        b.append(f"    {var} = _np.concatenate(({''.join(n + ', ' for n in names)}), "
                 f"out=_take({pool}, {shape!r}, {_const(ms[0][1], ns)}))")
        pooled.append((pool, var))
        if meta is meta_a:
            fdirect.append((var, list(names), [x[0][0] for x in ms], shape, _const(ms[0][1], ns), pool))
        if meta is meta_g:
            direct.append((var, list(names), [x[0][0] for x in ms], f"_take({pool}, {shape!r}, "
                                                                    f"{_const(ms[0][1], ns)})"))
        stacks[key] = var
        return var

    def acc(gid, expr):
        if type(expr) is tuple:  # ("mat2", m1, grad, m2) from an inlined mm/addmm
            pending.setdefault(gid, []).append(expr[1:])
            have.add(gid)
            return
        m = _SUM0.fullmatch(expr)
        if m is not None:        # a broadcast gradient summed over its leading axis (a bias): summed as one
            pending.setdefault(gid, []).append((m.group(1),))
            have.add(gid)
            return
        flush(gid)
        if gid in have:
            b.append(f"    g{gid} = g{gid} + {expr}")
            alias.pop(f"g{gid}", None)   # no longer the array it was assigned from
        else:
            b.append(f"    g{gid} = {expr}")
            if expr[:1] == "g" and expr[1:].isdigit():
                alias[f"g{gid}"] = alias.get(expr, expr)
            have.add(gid)

    def flush(gid):
        """Emit the pending weight gradients of ``gid``: sum_t m1_t.T @ g_t as one product of the stacked
        rows when they share m2 (an unrolled loop's weight), else one product each."""
        items = pending.pop(gid, None)
        if not items:
            return
        first = True
        groups = {}
        sums = [it[0] for it in items if len(it) == 1]
        for it in items:
            if len(it) == 3:
                groups.setdefault(it[2], []).append(it[:2])
        if sums:
            if len(sums) == 1:
                expr = f"({sums[0]}).sum(axis=(0,))"
            else:   # one matrix-vector product with ones: 4x faster than sum(axis=0) on 1600x128 float32
                st = stacked([alias.get(g_, g_) for g_ in sums], meta_g)
                n_rows = sum(meta_g[alias.get(g_, g_)][0][0] for g_ in sums) \
                    if all(alias.get(g_, g_) in meta_g for g_ in sums) else None
                dt = meta_g.get(alias.get(sums[0], sums[0]), (None, None))[1]
                if n_rows is not None and st.startswith("st") and dt in (np.float32, np.float64):
                    expr = f"{_const(np.ones(n_rows, dt), ns)} @ {st}"
                else:
                    expr = f"{st}.sum(axis=0)"
            assigned = any(ln.startswith(f"    g{gid} = ") for ln in b)
            b.append(f"    g{gid} = g{gid} + {expr}" if assigned else f"    g{gid} = {expr}")
            alias.pop(f"g{gid}", None)
            first = False
        for m2, pairs in groups.items():
            if len(pairs) == 1:
                expr = f"_mat2_grad({pairs[0][0]}, {pairs[0][1]}, {m2})"
            else:
                expr = (f"_mat2_grad({stacked([m for m, _ in pairs], meta_a)}, "
                        f"{stacked([alias.get(g_, g_) for _, g_ in pairs], meta_g)}, {m2})")
            if first and not any(ln.startswith(f"    g{gid} = ") for ln in b):
                b.append(f"    g{gid} = {expr}")
            else:
                b.append(f"    g{gid} = g{gid} + {expr}")
            alias.pop(f"g{gid}", None)
            first = False
    for k, s in enumerate(diff_out):
        acc(s.gid, f"G[{k}]")
    for j in range(len(ops) - 1, -1, -1):
        if j not in live:
            continue
        op = ops[j]
        gouts = []
        for k, o in enumerate(op.outs):
            if o.id in have:
                flush(o.id)
                gouts.append(f"g{o.id}")
            elif op.nout and "_outmeta" in op.cls._ctx_fields and op.outmeta[k] is not None:
                gouts.append(f"_np.zeros({_const(op.outmeta[k][0], ns)}, {_const(op.outmeta[k][1], ns)})")
            else:
                gouts.append("None")
        if all(g == "None" for g in gouts):
            continue
        targets = []
        for i, a in enumerate(op.args):
            if isinstance(a, _cap.Slot) and op.needs[i]:
                m = op.meta[i] if op.meta is not None else None
                targets.append((i, a, m))
        if j in inl:
            for ln, gid, expr in inl[j].backward(op, gouts, targets, f"s{j}", kname):
                if ln is not None:
                    b.append("    " + ln)
                if gid is not None:
                    acc(gid, expr)
            continue
        ns[f"B{j}"] = op.cls.backward
        b.append(f"    r = B{j}(c{j}, {', '.join(gouts)})")
        b.append("    if type(r) is not tuple: r = (r,)")
        for i, a, m in targets:
            expr = f"r[{i}]"
            if m is not None:
                expr = f"_fit({expr}, {_const(m[0], ns)}, {_const(m[1], ns)})"
            acc(a.gid, expr)
    for gid in list(pending):
        flush(gid)
    rets = []
    for i in range(n_flat):
        s = input_pos[i]
        rets.append(f"g{s.gid}" if s is not None and s.req and s.gid in have else "None")
    for s in rec.slots:
        if s.kind == "out":
            rets.append(f"g{s.gid}" if s.req and s.gid in have else "None")
    _stack_direct(b, direct, rets)
    changed = _stack_forward(lines, b, fdirect, saved_names, pooled, {saved_names[p] for p, _ in held or ()})
    _direct_mat1(lines, b)
    if changed:
        unpack = f"    {''.join(n + ', ' for n in saved_names)}= S"
        b[1] = unpack
        ret = lines[-1]
        k = ret.rindex(")")
        if held is not None:   # H((...)): the tuple's closing parenthesis is the one before the last
            k = ret.rindex(")", 0, k)
        lines[-1] = ret[:k] + "".join(n + ", " for n in saved_names[len(saved_names) - changed:]) + ret[k:]
    b.extend(f"    {pool}.append({var})" for pool, var in pooled)
    b.append(f"    return ({''.join(r + ', ' for r in rets)})")
    _own_layout(b, ns)
    bsrc = "\n".join(b)
    ns["O"] = prog.outside
    ns["_mk"] = _mk
    fsrc = "\n".join(lines)
    src = fsrc + "\n\n\n" + bsrc + "\n\n\n" + guard_src + "\n"
    exec(compile(src, f"<npgrad.compile {getattr(rec, 'name', 'program')}>", "exec"), ns)
    prog.fwd, prog.bwd, prog.guard = ns["fwd"], ns["bwd"], ns["guard"]
    prog.source = src
    prog.key = key
    prog.ns = ns
    return prog


_MAT1 = re.compile(r"    (g\d+) = _mat1_grad\((g\d+), (v\d+), (v\d+)\)")
_SBOUT = re.compile(r"    (v\d+) = _np\.tanh\(\w+, out=SB\w+\[\d+:\d+\]\)")


def _direct_mat1(lines, b):
    """``_mat1_grad(g, W.T, h)`` (the input gradient ``g @ W``) for an ``h`` the forward wrote into a stacked
    array's row block (so row-major, never a transposed operand) is one ``matmul`` when ``W`` is row-major
    (checked once per replay): the branch ``_mat1_grad`` and ``_prod`` take then, without their two calls
    and checks per product (50 in W6)."""
    rowmajor = {m.group(1) for m in map(_SBOUT.fullmatch, lines) if m is not None}
    if not rowmajor:
        return
    done = set()
    for k, ln in enumerate(b):
        m = _MAT1.fullmatch(ln)
        if m is None or m.group(4) not in rowmajor:
            continue
        w = m.group(3)
        if w not in done:
            done.add(w)
            first = k
        b[k] = (f"    {m.group(1)} = _np.matmul({m.group(2)}, {w}m) if {w}m is not None "
                f"else _mat1_grad({m.group(2)}, {w}, {m.group(4)})")
    for w in sorted(done):
        at = next(k for k, ln in enumerate(b) if f"{w}m is not None" in ln)
        b.insert(at, f"    {w}m = {w}.mT if {w}.ndim == 2 and {w}.mT.flags.c_contiguous and "
                     f"{w}.dtype.kind == 'f' and {w}.dtype.itemsize >= 4 else None")


_INPUT = re.compile(r"    v\d+ = A\[\d+\]")
_TANH_FWD = re.compile(r"    (v\d+) = _np\.tanh\((\w+)(?:, out=(\w+))?\)")


def _stack_forward(lines, b, fdirect, saved, pooled, recycled):
    """A stack of forward values (an unrolled tanh RNN's ``h_t``, the left operand of the stacked weight
    gradient) whose members the forward makes with one ``tanh`` line each: the forward writes each straight
    into its row block of one array made per replay (``np.empty``: glibc hands back the freed block, no page
    faults; never pooled, so a returned or kept view is harmless; not for saved arrays recycled through a
    pool, ``_Reuse.recycle``), saved for backward, which copies in the
    members that are inputs (``h0``) and uses it instead of concatenating (W6: 0.8 MB per replay). Returns
    how many arrays the saved names grew by."""
    added = 0
    for var, names, rows, shape, dt, pool in fdirect:
        if len(set(names)) != len(names) or recycled.intersection(names):   # (those stay the pool's)
            continue
        cat = next((k for k, ln in enumerate(b) if ln.startswith(f"    {var} = _np.concatenate(")), None)
        if cat is None:
            continue
        defs, copies = {}, []
        lo = 0
        for n, r in zip(names, rows):
            at = [k for k, ln in enumerate(lines) if ln.startswith(f"    {n} = ")]
            if len(at) == 1 and _TANH_FWD.fullmatch(lines[at[0]]):
                defs[n] = (at[0], lo, lo + r)
            elif len(at) == 1 and _INPUT.fullmatch(lines[at[0]]) and n in saved:   # an input (h0): copied
                copies.append((n, lo, lo + r))
            else:
                defs = None
                break
            lo += r
        if not defs:
            continue
        buf = f"SB{var}"
        for n, (k, a, z) in defs.items():
            m = _TANH_FWD.fullmatch(lines[k])
            lines[k] = f"    {n} = _np.tanh({m.group(2)}, out={buf}[{a}:{z}])"
        lines.insert(min(k for k, _, _ in defs.values()), f"    {buf} = _np.empty({shape!r}, {dt})")
        saved.append(buf)
        added += 1
        b[cat] = f"    {var} = {buf}"
        for n, a, z in copies:
            b.insert(cat, f"    {buf}[{a}:{z}] = {n}")
        pooled[:] = [(p, v) for p, v in pooled if v != var]
    return added


def _stack_direct(b, direct, rets):
    """A stack of per-step gradients each made by one ``_tanh_bwd`` line (an unrolled tanh RNN's ``g_t``): each
    is written by ``_tanh_bwd_into`` straight into its row block of the stack's buffer, taken from the pool
    before the first of them, and the concatenation goes (W6: 0.8 MB copied per replay). Only when each is
    assigned once, none is returned (nor an alias of it: the buffer goes back to its pool when bwd returns)."""
    for var, names, rows, take in direct:
        cat = next((k for k, ln in enumerate(b) if ln.startswith(f"    {var} = _np.concatenate(")), None)
        if cat is None:
            continue
        defs = {}
        ok = True
        for n in names:
            at = [k for k, ln in enumerate(b) if ln.startswith(f"    {n} = ")]
            if len(at) != 1 or at[0] > cat or not (b[at[0]].startswith(f"    {n} = _tanh_bwd(")
                                                   or _TANH_EXPR.fullmatch(b[at[0]])):
                ok = False
                break
            defs[n] = at[0]
        if not ok or len(set(names)) != len(names):
            continue
        # every name reachable from a returned gradient by ``gA = gB`` aliases must not be one of them
        alias = {}
        for ln in b:
            m = _ALIAS.fullmatch(ln)
            if m is not None:
                alias[m.group(1)] = m.group(2)

        def root(v):
            while v in alias:
                v = alias[v]
            return v
        if any(root(r) in defs for r in rets):
            continue
        lo = 0
        for n, r in zip(names, rows):
            ln = b[defs[n]]
            m = _TANH_EXPR.fullmatch(ln)
            if m is not None:   # g * (one - y * y) below 1,024 elements: the same three ufuncs
                ln = f"    {n} = _tanh_bwd({m.group(2)}, {m.group(4)}, {m.group(3)})"
            b[defs[n]] = ln[:-1].replace("_tanh_bwd(", "_tanh_bwd_into(", 1) + f", {var}[{lo}:{lo + r}])"
            lo += r
        first = min(defs.values())
        b[cat] = ""
        b.insert(first, f"    {var} = {take}")
    b[:] = [ln for ln in b if ln]


_ALIAS = re.compile(r"    (g\d+) = (g\d+)")
_TANH_EXPR = re.compile(r"    (g\d+) = (g\d+) \* \((K\d+) - (v\d+) \* \4\)")
_MAT2 = re.compile(r"    (g\d+) = _mat2_grad\((\w+), (\w+), (\w+)\)")
_TRANS = re.compile(r"    (g\d+) = _np\.transpose\((g\d+)(?:, (K\d+))?\)")


def _own_layout(b, ns):
    """A weight gradient in the weight's own layout: ``gW = transpose(_mat2_grad(m1, g, W.T))`` (nn.Linear's
    ``x @ W.T``) becomes one product ``g.T @ m1`` written row-major, a fresh array the engine hands to ``.grad``
    as it is (a transposed view would be copied there: 0.8 MB for W2's first layer). The same BLAS call as
    ``_mat2_grad`` makes, so the same values."""
    defs = {}
    for k, ln in enumerate(b):
        m = _MAT2.fullmatch(ln)
        if m is not None:
            defs[m.group(1)] = (k, m)
    if not defs:
        return
    text = "\n".join(b)
    for k, ln in enumerate(b):
        m = _TRANS.fullmatch(ln)
        if m is None or m.group(2) not in defs or m.group(3) is not None and ns.get(m.group(3)) != (1, 0):
            continue
        j, d = defs[m.group(2)]
        if j > k or len(re.findall(rf"\b{m.group(2)}\b", text)) != 2:
            continue
        b[j] = f"    {m.group(1)} = _mat2_grad_t({d.group(2)}, {d.group(3)}, {d.group(4)})"
        b[k] = ""
    b[:] = [ln for ln in b if ln]


def _mat2_grad_t(m1, grad, m2):
    """``_mat2_grad(m1, grad, m2).T`` as a fresh array: ``grad.T @ m1`` (row-major) when ``m2`` is transposed
    (the product ``_mat2_grad`` computes, before its ``.mT``)."""
    la = _LA[0] if _LA else _la()
    if la._transposed(m2):
        return grad.mT @ m1
    return np.transpose(la._mat2_grad(m1, grad, m2))


REUSE = True   # buffer reuse in the generated forward (``_Reuse``); a switch for measuring it

_FRESH = {"Add", "Sub", "Mul", "Div", "Neg", "Tanh", "Sigmoid", "Exp", "Relu", "Mm", "Addmm", "LogSoftmax",
          "Softmax", "Sum", "SumDim", "Mean", "MeanDim"}   # inlined ops whose result is a new array
_SAFE_READERS = _FRESH                                   # inlined ops that keep no view of their operands
_SUM0 = re.compile(r"\((g\d+)\)\.sum\(axis=\(0,\)\)")
_UFUNC = {"+": "add", "-": "subtract", "*": "multiply", "/": "true_divide"}
_BINARY = re.compile(r"(\w+) = (\w+) ([-+*/]) (\w+)")
_UNARY = re.compile(r"(\w+) = _np\.(tanh|exp)\((\w+)\)")
_NEG = re.compile(r"(\w+) = -(\w+)")
_RELU = re.compile(r"(\w+) = _np\.maximum\((\w+), 0\)")


class _Reuse:
    """Buffer reuse in the generated forward: an elementwise op (add, sub, mul, div, neg, tanh, exp, relu)
    whose operand is a new array made earlier in the same replay by an inlined op, read for the last time here,
    not saved for backward, not returned, never viewed and read only by inlined ops that keep no reference,
    writes its result into that operand (``out=``), so a chain of elementwise ops allocates one array, not one
    per op. The same NumPy ufunc computes the same values; each replay still makes its own arrays, so replays
    alive at once share nothing. Not on tapes with in-place writes."""

    def __init__(self, ops, out_slots):
        self.off = any(op.kind == "copy" for op in ops)
        self.last = {}
        self.meta = {}
        for j, op in enumerate(ops):
            args = list(op.args) + (list(op.kwargs.values()) if op.kind in ("create", "opaque") else []) \
                if op.kind != "copy" else []
            for a in args:
                if isinstance(a, _cap.Slot):
                    self.last[a.arr] = j
                    self.meta[a.arr] = (a.shape, a.dtype)
        self.outs = {s.arr for s in out_slots}
        self.fresh = set()
        self.unsafe = set()
        self.count = 0
        self.root = {}   # variable -> the variable whose array it is (made by ``out=``)
        self.site = {}   # variable -> (forward line, shape, dtype) of the op that made its array

    def seen(self, op):
        """A create/opaque op: its tensor arguments may be kept."""
        if op.kind not in ("create", "opaque"):
            return
        for a in list(op.args) + list(op.kwargs.values()):
            if isinstance(a, _cap.Slot):
                self.unsafe.add(a.arr)

    def alias(self, new, old):
        """``new = old``: the same array under a second name."""
        if old in self.fresh:
            self.fresh.add(new)
        if old in self.unsafe:
            self.unsafe.add(new)
        self.root[new] = self.root.get(old, old)
        if old in self.site:
            self.site[new] = self.site[old]

    def generic(self, op):
        """An op run through its own ``forward``: it may save or view its arguments."""
        for a in op.args:
            if isinstance(a, _cap.Slot):
                self.unsafe.add(a.arr)

    def rewrite(self, j, op, code, saved, hoisted):
        lines = code[0]
        name = op.cls.__name__
        if name not in _SAFE_READERS:
            for a in op.args:
                if isinstance(a, _cap.Slot):
                    self.unsafe.add(a.arr)
        if self.off or hoisted or len(op.outs) != 1 or op.nout or len(lines) != 1:
            return lines
        o = op.outs[0]
        if o.shape == ():
            return lines
        new = None
        ln = lines[0]
        m = _BINARY.fullmatch(ln) if name in ("Add", "Sub", "Mul", "Div") else None
        if m:
            res, a, sign, b = m.groups()
            t = self._target((a, b), j, o, saved, code[1])
            if t is not None:
                new = f"{res} = _np.{_UFUNC[sign]}({a}, {b}, out={t})"
        elif name in ("Tanh", "Exp") and _UNARY.fullmatch(ln):
            res, fn, a = _UNARY.fullmatch(ln).groups()
            t = self._target((a,), j, o, saved, code[1])
            if t is not None:
                new = f"{res} = _np.{fn}({a}, out={t})"
        elif name == "Neg" and _NEG.fullmatch(ln):
            res, a = _NEG.fullmatch(ln).groups()
            t = self._target((a,), j, o, saved, code[1])
            if t is not None:
                new = f"{res} = _np.negative({a}, out={t})"
        elif name == "Relu" and _RELU.fullmatch(ln):
            res, a = _RELU.fullmatch(ln).groups()
            t = self._target((a,), j, o, saved, code[1])
            if t is not None:
                new = f"{res} = _np.maximum({a}, 0, out={t})"
        if name in _FRESH:
            self.fresh.add(o.arr)
        if new is None:
            return lines
        self.count += 1
        return [new]

    def placed(self, op, code, at):
        """Note where a one-line elementwise op that makes a new array was written (line ``at`` of the
        forward), and which array an ``out=`` result is (its storage's first name)."""
        if len(code) != 1 or len(op.outs) != 1 or op.nout or op.outs[0].shape == ():
            return
        o = op.outs[0]
        m = _OUT.search(code[0])
        if m is not None:
            self.root[o.arr] = self.root.get(m.group(1), m.group(1))
            return
        if op.cls.__name__ in _FRESH and o.dtype.kind == "f" and o.dtype.itemsize >= 4 \
                and _ufunc_form(code[0], "X") is not None:
            self.site[o.arr] = (at, o.shape, o.dtype)

    def recycle(self, lines, saved, ns):
        """Saved arrays recycled between replays: an array saved for backward that an elementwise op made
        (possibly under later names, through ``out=``) is taken from a pool kept by the program, by ``list.pop``
        (so replays alive at once get different arrays); ``_Held.__del__`` returns it once the replay's saved
        values are dropped (backward done without retain_graph, or the graph freed) and nothing else refers
        to it (not returned, not viewed, not kept). Returns ((position in S, pool), ...) or None."""
        if self.off:
            return None
        back = []
        pools = {}
        done = set()
        for pos, n in enumerate(saved):
            r = self.root.get(n, n)
            site = self.site.get(r)
            if site is None or r in done:
                continue
            at, shape, dtype = site
            if int(np.prod(shape)) * dtype.itemsize < RECYCLE_MIN_BYTES:
                continue
            key = (shape, dtype)
            if key not in pools:
                pools[key] = _pool_name(ns)
            pool = pools[key]
            new = _ufunc_form(lines[at][4:], f"_take({pool}, {shape!r}, {_const(dtype, ns)})")
            if new is None:
                continue
            lines[at] = "    " + new
            done.add(r)
            back.append((pos, ns[pool]))
        return tuple(back) or None

    def _target(self, names, j, o, saved, own_saved):
        for n in names:
            if n in self.fresh and n not in self.unsafe and self.last.get(n) == j and n not in self.outs \
                    and n not in saved and n not in own_saved and self.meta.get(n) == (o.shape, o.dtype):
                return n
        return None


def _ufunc_form(ln, out):
    """A one-line elementwise op ``v = expr`` rewritten as its NumPy ufunc writing into ``out`` (the same
    ufunc, so the same values), or None."""
    m = _BINARY.fullmatch(ln)
    if m:
        res, a, sign, b = m.groups()
        return f"{res} = _np.{_UFUNC[sign]}({a}, {b}, out={out})"
    m = _UNARY.fullmatch(ln)
    if m:
        res, fn, a = m.groups()
        return f"{res} = _np.{fn}({a}, out={out})"
    m = _NEG.fullmatch(ln)
    if m:
        return f"{m.group(1)} = _np.negative({m.group(2)}, out={out})"
    m = _RELU.fullmatch(ln)
    if m:
        return f"{m.group(1)} = _np.maximum({m.group(2)}, 0, out={out})"
    m = _PROD.fullmatch(ln)
    if m:
        return f"{m.group(1)} = _prod_into({m.group(2)}, {m.group(3)}, {m.group(4) or None}, {out})"
    m = _MATMUL.fullmatch(ln)
    if m:
        return f"{m.group(1)} = _np.matmul({m.group(2)}, {m.group(3)}, out={out})"
    m = _DIVEXPR.fullmatch(ln)
    if m:
        return f"{m.group(1)} = _np.true_divide({m.group(2)}, {m.group(3)}, out={out})"
    return None


RECYCLE = True            # saved arrays recycled between replays (``_Held``); a switch for measuring it
RECYCLE_MIN_BYTES = 65536  # below this malloc hands back a freed block as fast as a pool (measured)
_POOL_CAP = 64            # arrays a pool keeps at most
_OUT = re.compile(r"out=(\w+)\)$")
_PROD = re.compile(r"(\w+) = _prod\((\w+), (\w+)(?:, (\w+))?\)")
_MATMUL = re.compile(r"(\w+) = _np\.matmul\((\w+), (\w+)\)")
_DIVEXPR = re.compile(r"(\w+) = (\w+) / (\(.*\))")


_LA = []


def _la():
    from ..ops import linalg
    _LA.append(linalg)
    return linalg


def _prod_into(a, b, add, out):
    """``_prod(a, b, add)`` (ops/linalg.py) for float32/float64, written into ``out``: the same branch, the
    same BLAS calls and the same additions, so the same values."""
    la = _LA[0] if _LA else _la()
    if a.dtype is la._F32 and b.ndim == 2 == a.ndim and b.flags.f_contiguous and not b.flags.c_contiguous and \
            la._few_rows(a.shape[0], a.shape[1], b.shape[1]) and b.dtype is la._F32:
        t = np.matmul(b.T, a.T)
        if add is None:
            np.copyto(out, t.T)
        else:
            np.add(t.T, add, out=out)
        return out
    np.matmul(a, b, out=out)
    if add is not None:
        out += add
    return out


def _refs_base():
    a = np.empty(1)
    h = (a,)
    del a
    return sys.getrefcount(h[0])


class _Held(tuple):
    """What a replay's forward saved for its backward; arrays at positions ``back`` (pos, pool) came from a
    pool, and go back to it when this tuple is dropped, unless something else still refers to one (a returned
    tensor, a view - a view keeps its base -, a user's reference): then it is simply left to be freed."""
    __slots__ = ()
    back = ()

    def __del__(self, _rc=sys.getrefcount):
        for pos, pool in self.back:
            if _rc(self[pos]) == _BASE and len(pool) < _POOL_CAP:
                pool.append(self[pos])


_BASE = _refs_base()


def _pool_name(ns):
    name = f"PL{len(ns)}"
    ns[name] = []
    return name


def _take(pool, shape, dtype):
    """A buffer from ``pool`` (a list; pop is atomic, so threads replaying at once get different ones)."""
    try:
        return pool.pop()
    except IndexError:
        return np.empty(shape, dtype)


def _mk(a):
    from .._tensor import make
    return make(a)


def _generic_call(j, op, args, res, in_bwd, ns, lines, saved_names):
    """Write op ``j``'s own ``forward`` called on arrays: its context ``c{j}`` (a node-shaped object backward's
    formula reads, kept with the saved values) when backward needs it, else a reusable dummy ``X{j}``."""
    ns[f"F{j}"] = op.cls.forward
    ns[f"N{j}"] = op.cls._node_cls
    if in_bwd:
        ns[f"E{j}"] = tuple((True, 0) if n else (None, 0) for n in op.needs)
        lines.append(f"    c{j} = _new(N{j}); c{j}._saved = (); c{j}._edges = E{j}")
        ctx = f"c{j}"
        saved_names.append(ctx)
    else:
        ns[f"X{j}"] = _dummy_ctx(op.cls)
        ctx = f"X{j}"
    lines.append(f"    {res} = F{j}({', '.join([ctx] + args)})")
    for o in op.outs:  # NumPy hands back scalars for 0-d results; Tensors hold 0-d arrays (as make does)
        if o.shape == ():
            lines.append(f"    {o.arr} = _asarray({o.arr})")


def _dummy_ctx(cls):
    c = object.__new__(cls._node_cls)
    c._saved = ()
    c._edges = ()
    return c


_VIEWS = ("T", "Permute", "Transpose", "View")


def _cse_views(ops, out_slots):
    """The same view of the same value taken twice (``w.T`` in every step of an unrolled loop) is taken once:
    later uses read the first view, and its gradient accumulates in one place (one transpose backward, not one
    per step). Views only: they read no values, so an in-place write in between cannot change them."""
    seen = {}
    keep = []
    outs = {id(s) for s in out_slots}
    for op in ops:
        if op.kind == "fn" and op.cls.__name__ in _VIEWS and op.cls._view and len(op.outs) == 1 \
                and id(op.outs[0]) not in outs and isinstance(op.args[0], _cap.Slot):
            try:
                key = (op.cls, op.args[0].arr, op.args[0].gid, tuple(a[1] for a in op.args[1:]), op.needs)
                hash(key)
            except TypeError:
                keep.append(op)
                continue
            first = seen.get(key)
            if first is not None and first.outs[0].shape == op.outs[0].shape:
                o = op.outs[0]
                o.arr, o.gid = first.outs[0].arr, first.outs[0].gid
                continue
            seen[key] = op
        keep.append(op)
    return keep


def _hoist_products(ops):
    """``x_t @ W`` for many region inputs or outside tensors ``x_t`` of one shape and one ``W`` (an unrolled
    loop's input projection): one product of the stacked ``x_t`` at the first one, each result a row block of
    it. Only on tapes without in-place writes (nothing can change ``W`` between the products)."""
    if any(op.kind == "copy" for op in ops):
        return {}
    from ..ops import linalg
    groups = {}
    for op in ops:
        if op.kind != "fn" or op.cls is not linalg.Mm or op.casts:
            continue
        x, w = op.args[0], op.args[1]
        if not (isinstance(x, _cap.Slot) and isinstance(w, _cap.Slot) and x.kind in ("in", "out")
                and x.gid == x.id and len(x.shape) == 2 and x.dtype == w.dtype and x.dtype.kind == "f"
                and x.dtype.itemsize >= 4):
            continue
        groups.setdefault((w.arr, x.shape, x.dtype), []).append(op)
    out = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        n = group[0].args[0].shape[0]
        for k, op in enumerate(group):
            out[id(op)] = (ops.index(group[0]), k * n, (k + 1) * n, group)
    return out


def _fold_bias(ops, hoist, out_slots):
    """An unrolled RNN's ``x_t @ W_ih.T + h @ W_hh.T + b``: when every product of a stacked group (``_hoist_products``)
    is added to one other value and that sum then to the same 1-D bias ``b`` (a region input or outside tensor),
    each value read only there, the bias is added once into the stacked product (``_prod(x, W, b)``, one
    broadcast add over all steps) and the per-step bias adds become aliases: 50 adds fewer in W6. This
    reassociates ``(p + q) + b`` as ``(p + b) + q``, so the values agree with eager to rounding, not bit for bit
    (as the stacked products do). Returns ({id(first op of the group): ", b"}, {id(bias add op): variable})."""
    if not hoist:
        return {}, {}
    from ..ops import pointwise as pw
    uses = {}
    for op in ops:
        args = list(op.args) + (list(op.kwargs.values()) if op.kind in ("create", "opaque") else []) \
            if op.kind != "copy" else [op.src, op.dst]
        for a in args:
            if isinstance(a, _cap.Slot):
                uses.setdefault(a.arr, []).append(op)
    outs = {s.arr for s in out_slots}

    def plain_add(op):
        return op.kind == "fn" and op.cls is pw.Add and not op.casts and len(op.outs) == 1 and \
            (len(op.args) < 3 or op.args[2][1] == 1) and all(isinstance(a, _cap.Slot) for a in op.args[:2])

    def only_use(arr):
        u = uses.get(arr, [])
        return u[0] if len(u) == 1 and arr not in outs else None
    folded, skip = {}, {}
    seen = set()
    for first, lo, hi, group in hoist.values():
        if id(group[0]) in seen:
            continue
        seen.add(id(group[0]))
        bias, plan = None, []
        for op in group:
            o = op.outs[0]
            a = only_use(o.arr)
            if a is None or not plain_add(a) or a.outs[0].shape != o.shape or a.outs[0].dtype != o.dtype:
                break
            b = only_use(a.outs[0].arr)
            if b is None or not plain_add(b) or b.outs[0].shape != o.shape:
                break
            k = 0 if b.args[0].arr == a.outs[0].arr else 1
            other = b.args[1 - k]
            if b.args[k].arr != a.outs[0].arr or other.kind not in ("in", "out") or other.gid != other.id \
                    or other.shape != o.shape[-1:] or other.dtype != o.dtype or len(o.shape) != 2 \
                    or (bias is not None and other.arr != bias):
                break
            bias = other.arr
            plan.append((b, a.outs[0].arr))
        else:
            folded[id(group[0])] = f", {bias}"
            for b, src in plan:
                skip[id(b)] = src
    return folded, skip


def _contiguous_operands(ops, hoist):
    """A transposed (column-major) matrix that is the right operand of many products (``h @ W.T`` in every
    step of an unrolled loop) is copied to row-major once per replay, and the products read the copy: OpenBLAS
    runs ``x @ W`` with a row-major ``W`` markedly faster than with a column-major one for few rows (measured
    8.5 vs 14 us for 32x128 @ 128x128 float32). Forward only (backward keeps the view's layout choices); not
    on tapes with in-place writes. Returns id(op) -> whether it is the first product reading the copy."""
    if any(op.kind == "copy" for op in ops):
        return {}
    from ..ops import linalg
    uses = {}
    for op in ops:
        if op.kind != "fn" or op.cls is not linalg.Mm or op.casts or id(op) in hoist:
            continue
        w = op.args[1]
        if not isinstance(w, _cap.Slot) or len(w.shape) != 2 or w.dtype.kind != "f" or w.dtype.itemsize < 4:
            continue
        d = w.tensor._data
        if d.flags.c_contiguous or not d.flags.f_contiguous or d.base is None:
            continue
        uses.setdefault(w.arr, []).append(op)
    out = {}
    for group in uses.values():
        if len(group) >= 4:
            for k, op in enumerate(group):
                out[id(op)] = k == 0
    return out


def _live_grads(ops, out_slots, diff_set):
    """Indices of the ops whose backward must run: they have a node, some input needs a gradient, and some
    output's gradient reaches them from a differentiable region output."""
    reach = set(diff_set)
    live = set()
    for j in range(len(ops) - 1, -1, -1):
        op = ops[j]
        if op.kind != "fn" or op.needs is None or not any(op.needs):
            continue
        if not any(o.gid in reach or o.id in reach for o in op.outs):
            continue
        live.add(j)
        for i, a in enumerate(op.args):
            if isinstance(a, _cap.Slot) and op.needs[i]:
                reach.add(a.gid)
    return live
