"""A compiled ``optimizer.step``: the update of SGD, Adam and AdamW generated as straight-line NumPy code.

``npgrad.compile(opt.step)`` returns a ``CompiledStep``. Its first call (and any call whose guard fails) runs
the optimizer's own eager ``step``, then generates a program from the state that step left:

- the parameters that have a gradient, grouped per parameter group and dtype into *segments*;
- a segment of several small parameters is updated *flat* (the foreach idea): the gradients are gathered with
  one ``np.concatenate(..., out=G)`` into a preallocated buffer, the optimizer state tensors (momentum buffers,
  ``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq``, ``step``) are moved into one flat array per kind (each state
  tensor's array becomes a view of it, so ``opt.state``, ``state_dict`` and an eager step see the same values),
  and every formula runs once per segment with ``out=``; only the final ``p -= update`` is one call per
  parameter (parameters keep their own arrays);
- a segment of large parameters (where gathering would cost a pass over memory) is updated parameter by
  parameter, still straight-line, in place, through preallocated scratch arrays (no allocation per step).

Every formula is the eager step's, in the same order and with the same Python-number constants, so results
equal eager to the bit. The hyperparameters (``lr``, ``momentum``, ``dampening``, ``weight_decay``, ``betas``,
``eps``) are read from the parameter groups on every call, so an LR scheduler takes effect; what changes the
generated code (``momentum != 0``, ``nesterov``, ``weight_decay != 0``, ``maximize``, ``amsgrad``, decoupled
decay, the branch of ``lerp`` that ``1 - beta1`` picks) is guarded, as are the identity of the groups, their
parameter lists, the state tensors, the parameters' shapes and dtypes and which of them have a gradient.
A failing guard runs that call eagerly and generates a new program (at most ``recompile_limit`` times).

Other optimizers, ``differentiable=True`` and subclasses with their own ``step`` run eagerly after one
``GraphBreakWarning`` naming why; a call with a ``closure`` runs eagerly.
"""
from __future__ import annotations

from typing import Any, Callable

import sys
import weakref

import numpy as np

from .._warn import warn as _warn

__all__ = ["CompiledStep"]

FLAT_MAX_MEAN_BYTES = 64 * 1024   # a segment is updated flat when its parameters average at most this size


class _NoProgram(Exception):
    """Internal: no program can be generated now (retry on a later call)."""


class _Break(Exception):
    """Internal: this optimizer's step cannot be compiled (eager for good, with a warning)."""


def _rule(opt):
    """'sgd' / 'adam', or raise _Break naming why the step has no compiled rule."""
    from ..optim import SGD, Adam
    name = type(opt).__name__
    if opt.defaults.get("differentiable"):
        raise _Break(f"{name}(differentiable=True) records its step in the autograd graph")
    step = type(opt).step
    if step is SGD.step:
        return "sgd"
    if step is Adam.step:
        return "adam"
    raise _Break(f"{name}.step has no compiled update rule (SGD, Adam and AdamW have one)")


class CompiledStep:
    """What ``npgrad.compile(optimizer.step)`` wraps: guard -> generated update, else eager step + generate."""

    def __init__(self, step: Callable[..., Any], limit: int = 8) -> None:
        from .runtime import _all_compiled
        self._step = step
        self._opt = step.__self__  # type: ignore[attr-defined]  # a bound Optimizer.step (compile checks)
        self._limit = limit
        self._prog: Any = None
        self._builds = 0
        self._eager: str | None = None      # the cause when this step runs eagerly for good
        self._breaks = []
        self._limit_warned = False
        self._name = f"{type(self._opt).__name__}.step"
        _all_compiled.append(weakref.ref(self))

    def reset(self) -> None:
        if self._prog is not None:
            self._prog.ns.clear()
        self._prog = None
        self._builds = 0
        self._eager = None
        self._breaks.clear()
        self._limit_warned = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from . import capture as _cap
        from .runtime import counters, _stance
        prog = self._prog
        if self._eager is not None or _cap._active is not None or _stance[0] == "force_eager" or args or kwargs:
            return self._step(*args, **kwargs)    # (inside a capture the recorder sees the step: a graph break)
        why = None
        if prog is not None:
            why = prog.guard()
            if why is None:
                counters["replays"] += 1
                from ..optim.optimizer import _hooked
                return _hooked(prog.run, self._opt, args, kwargs)
        try:
            kind = _rule(self._opt)
        except _Break as e:
            self._give_up(str(e))
            return self._step(*args, **kwargs)
        out = self._step(*args, **kwargs)
        if self._builds >= self._limit:
            if not self._limit_warned:
                self._limit_warned = True
                _warn(f"npgrad.compile: {self._name} hit the recompile limit ({self._limit}); the last guard that "
                      f"failed: {why}; later calls run eagerly", UserWarning)
            self._prog = None
            self._eager = f"the recompile limit ({self._limit}) was hit"
            return out
        had = prog is not None
        if had:   # its namespace (a cycle with its functions) holds the state arrays: freed now, so they may move
            prog.ns.clear()
        prog = self._prog = None
        try:
            new = _build(self._opt, kind)
        except _NoProgram:
            return out
        except _Break as e:
            self._give_up(str(e))
            return out
        if had:
            counters["recompiles"] += 1
            new.desc = f"generated after a guard failed: {why}"
        counters["captures"] += 1
        self._builds += 1
        self._prog = new
        return out

    def _give_up(self, cause):
        from .runtime import counters, GraphBreakWarning
        counters["graph_breaks"] += 1
        self._eager = cause
        self._prog = None
        self._breaks.append(cause)
        _warn(f"npgrad.compile: graph break in {self._name}: {cause}; it runs eagerly", GraphBreakWarning)

    def explain(self) -> str:
        out = [f"npgrad.compile: {self._name}"]
        if self._eager is not None:
            out.append(f"runs eagerly: {self._eager}")
        elif self._prog is None:
            out.append("no program yet (the first call runs eagerly and generates it)")
        else:
            if self._prog.desc:
                out.append(f"# {self._prog.desc}")
            out.append(self._prog.source)
        if self._breaks:
            out.append("")
            out.append("graph breaks:")
            out.extend(f"  - {c}" for c in self._breaks)
        return "\n".join(out)


class _StepProgram:
    def __init__(self, run, guard, source, ns):
        self.run, self.guard, self.source, self.ns = run, guard, source, ns
        self.desc = ""


_FLATS = {}   # id -> weak reference of the flat state arrays programs made (their views may be moved again)


def _flat_made(arr):
    key = id(arr)
    _FLATS[key] = weakref.ref(arr, lambda _, key=key: _FLATS.pop(key, None))


def _is_flat(a):
    r = _FLATS.get(id(a))
    return r is not None and r() is a


def _unaliased(t):
    """Only the tensor holds its array (no view of it, no NumPy alias; or a view of a flat array an earlier
    program made): it may be moved into a flat buffer."""
    a = t._data
    return (a.base is None or _is_flat(a.base)) and sys.getrefcount(a) <= 3   # (the slot, ``a``, the argument)


def _build(opt, kind):
    """Generate the update program of ``opt`` from its current groups, gradients and state."""
    from ..optim.optimizer import scalar
    from .._tensor import Tensor
    ns = {"_sub_scaled": _sub_scaled, "_np": np, "_cat": np.concatenate, "_mul": np.multiply, "_add": np.add, "_sub": np.subtract,
          "_neg": np.negative, "_div": np.divide, "_sqrt": np.sqrt, "_max": np.maximum, "_scalar": scalar,
          "OPT": opt, "PG": opt.param_groups, "ST": opt.state}
    groups = opt.param_groups
    g_lines = ["def guard():",
               f"    if OPT.param_groups is not PG or len(PG) != {len(groups)}: return 'the param_groups changed'",
               "    if OPT.state is not ST: return 'the optimizer state was replaced'",
               "    if OPT.defaults.get('differentiable'): return 'differentiable=True was set'"]
    r_lines = ["def run(opt):"]
    seen = set()
    nk = [0]

    def const(v, prefix="K"):
        name = f"{prefix}{nk[0]}"
        nk[0] += 1
        ns[name] = v
        return name
    for gi, grp in enumerate(groups):
        G = const(grp, "GR")
        g_lines.append(f"    if PG[{gi}] is not {G}: return 'parameter group {gi} was replaced'")
        params = grp["params"]
        L = const(params, "L")
        g_lines.append(f"    if {G}['params'] is not {L} or len({L}) != {len(params)}: "
                       f"return 'the parameter list of group {gi} changed'")
        pnames = []
        for i, p in enumerate(params):
            if id(p) in seen:
                raise _Break("a parameter listed twice in the optimizer")
            seen.add(id(p))
            pnames.append(const(p, "P"))
        if pnames:
            g_lines.append("    if " + " or ".join(f"{L}[{i}] is not {n}" for i, n in enumerate(pnames))
                           + f": return 'the parameters of group {gi} changed'")
        lr = scalar(grp["lr"])
        have = [p for p in params if p._grad is not None]
        none = [pnames[i] for i, p in enumerate(params) if p._grad is None]
        if none:
            g_lines.append("    if " + " or ".join(f"{n}._grad is not None" for n in none)
                           + f": return 'a parameter of group {gi} got a gradient'")
        if not have:
            continue
        got = [pnames[i] for i, p in enumerate(params) if p._grad is not None]
        g_lines.append("    if " + " or ".join(f"{n}._grad is None" for n in got)
                       + f": return 'a parameter of group {gi} has no gradient'")
        shapes = " or ".join(f"{n}._data.shape != {p._data.shape!r} or {n}._data.dtype != {const(p._data.dtype)}"
                             for n, p in zip(got, have))
        g_lines.append(f"    if {shapes}: return 'a parameter of group {gi} changed shape or dtype'")
        for p in have:
            if p._grad._data.dtype != p._data.dtype or p._grad._data.shape != p._data.shape:
                raise _Break("a gradient whose dtype or shape differs from its parameter's")
        # structure: what the generated code bakes in
        if kind == "sgd":
            flags = {"momentum_nz": grp["momentum"] != 0, "nesterov": bool(grp["nesterov"]),
                     "wd_nz": grp["weight_decay"] != 0, "maximize": bool(grp["maximize"])}
            g_lines.append(f"    if ({G}['momentum'] != 0) is not {flags['momentum_nz']} or bool({G}['nesterov']) is "
                           f"not {flags['nesterov']} or ({G}['weight_decay'] != 0) is not {flags['wd_nz']} or "
                           f"bool({G}['maximize']) is not {flags['maximize']}: "
                           f"return 'momentum, nesterov, weight_decay or maximize of group {gi} changed'")
            r_lines += [f"    grp = {G}", "    lr = _scalar(grp['lr'])"]
            if flags["momentum_nz"]:
                r_lines += ["    mom = grp['momentum']", "    c1 = 1 - grp['dampening']"]
            if flags["wd_nz"]:
                r_lines.append("    wd = grp['weight_decay']")
        else:
            b1 = scalar(grp["betas"][0])
            flags = {"amsgrad": bool(grp["amsgrad"]), "maximize": bool(grp["maximize"]),
                     "wd_nz": grp["weight_decay"] != 0,
                     "decoupled": bool(grp.get("decoupled_weight_decay", False)),
                     "lerp_small": abs(1 - b1) < 0.5}
            g_lines.append(f"    if bool({G}['amsgrad']) is not {flags['amsgrad']} or bool({G}['maximize']) is not "
                           f"{flags['maximize']} or ({G}['weight_decay'] != 0) is not {flags['wd_nz']} or "
                           f"bool({G}.get('decoupled_weight_decay', False)) is not {flags['decoupled']} or "
                           f"(abs(1 - _scalar({G}['betas'][0])) < 0.5) is not {flags['lerp_small']}: "
                           f"return 'amsgrad, maximize, weight_decay, decoupled decay or beta1 of group {gi} "
                           f"changed'")
            r_lines += [f"    grp = {G}", "    lr = _scalar(grp['lr'])", "    b1, b2 = grp['betas']",
                        "    b1 = _scalar(b1)", "    b2 = _scalar(b2)", "    w = 1 - b1", "    c2 = 1 - b2",
                        "    eps = grp['eps']"]
            if flags["wd_nz"]:
                r_lines.append("    wd = grp['weight_decay']")
                if flags["decoupled"]:
                    r_lines.append("    dec = 1 - lr * wd")
            if not flags["lerp_small"]:
                r_lines.append("    omw = 1 - w")
        # state: what each parameter needs, checked and guarded by identity
        keys = (["momentum_buffer"] if flags.get("momentum_nz") else []) if kind == "sgd" else \
            ["step", "exp_avg", "exp_avg_sq"] + (["max_exp_avg_sq"] if flags["amsgrad"] else [])
        state = {}
        for n, p in zip(got, have):
            sd = opt.state.get(p)
            if keys and sd is None:
                raise _NoProgram()
            tens = {}
            for key in keys:
                t = sd.get(key)
                if not isinstance(t, Tensor):
                    raise _NoProgram()
                if key == "step":
                    if t._data.shape != ():
                        raise _Break("a non-scalar step in the optimizer state")
                elif t._data.dtype != p._data.dtype or t._data.shape != p._data.shape:
                    raise _Break(f"an optimizer state tensor ({key}) whose dtype or shape differs from its "
                                 f"parameter's")
                tens[key] = t
            if keys:
                SD = const(sd, "SD")
                g_lines.append(f"    if ST.get({n}) is not {SD} or " + " or ".join(
                    f"{SD}.get({key!r}) is not {const(tens[key], 'S')}" for key in keys)
                    + f": return 'the optimizer state of a parameter of group {gi} changed'")
            state[n] = tens
        # segments: one per dtype
        by_dtype = {}
        for n, p in zip(got, have):
            by_dtype.setdefault(p._data.dtype, []).append((n, p))
        for dt, seg in by_dtype.items():
            sizes = [p._data.size for _, p in seg]
            flat = len(seg) > 1 and sum(sizes) * dt.itemsize <= FLAT_MAX_MEAN_BYTES * len(seg) and all(
                _unaliased(t) for n, _ in seg for t in state[n].values())
            if kind == "adam":
                steps = {state[n]["step"]._data.dtype for n, _ in seg}
                if len(steps) != 1 or len({float(state[n]["step"]._data) for n, _ in seg}) != 1:
                    flat = False
            if flat:
                _flat(r_lines, g_lines, seg, state, keys, dt, kind, flags, const)
            else:
                _each(r_lines, seg, state, dt, kind, flags, const)
    g_lines.append("    return None")
    r_lines = _localize(r_lines)
    if len(r_lines) == 1:
        r_lines.append("    pass")
    r_lines.append("    return None")
    src = "\n".join(r_lines) + "\n\n\n" + "\n".join(g_lines) + "\n"
    exec(compile(src, f"<npgrad.compile {type(opt).__name__}.step>", "exec"), ns)
    return _StepProgram(ns["run"], ns["guard"], src, ns)


def _localize(lines):
    """Arrays of the namespace written with an augmented assignment (``T3 *= w``) are read into locals first
    (Python would take the name for an unbound local)."""
    import re
    names = sorted({m.group(1) for ln in lines for m in [re.match(r"    ([A-Z]+\d+) [-+*/]= ", ln)] if m})
    if not names:
        return lines
    pat = re.compile(r"\b(" + "|".join(names) + r")\b")
    body = [pat.sub(lambda m: m.group(1).lower() + "_", ln) for ln in lines[1:]]
    return [lines[0]] + [f"    {n.lower()}_ = {n}" for n in names] + body


def _flat(r, g, seg, state, keys, dt, kind, flags, const):
    """One segment updated flat: gradients gathered, state moved into flat arrays, one call per formula."""
    sizes = [p._data.size for _, p in seg]
    total = sum(sizes)
    offs = np.cumsum([0] + sizes)
    tmp = np.empty(total, dt)
    G, T = const(np.empty(total, dt), "G"), const(tmp, "T")
    views = [const(tmp[offs[i]:offs[i + 1]].reshape(p._data.shape), "TV") for i, (_, p) in enumerate(seg)]
    flatname = {}
    for key in keys:
        if key == "step":
            st = np.empty(len(seg), state[seg[0][0]]["step"]._data.dtype)
            for i, (n, _) in enumerate(seg):
                t = state[n]["step"]
                st[i] = t._data
                t._data = st[i:i + 1].reshape(())
            name = const(st, "STEPS")
            _flat_made(st)
        else:
            arr = np.empty(total, dt)
            for i, (n, p) in enumerate(seg):
                t = state[n][key]
                v = arr[offs[i]:offs[i + 1]].reshape(p._data.shape)
                np.copyto(v, t._data)
                t._data = v
            name = const(arr, "F")
            _flat_made(arr)
        flatname[key] = name
        arrs = [const(state[n][key]._data, "SV") for n, _ in seg]
        g.append("    if " + " or ".join(f"{const(state[n][key], 'S')}._data is not {a}"
                                         for (n, _), a in zip(seg, arrs))
                 + f": return 'an optimizer state tensor ({key}) got another array'")
    grads = "".join(f"{n}._grad._data, " for n, _ in seg)
    r.append(f"    _cat(({grads}), axis=None, out={G})")
    if kind == "sgd":
        if flags["maximize"]:
            r.append(f"    _neg({G}, out={G})")
        if flags["wd_nz"]:
            r.append(f"    _cat(({''.join(f'{n}._data, ' for n, _ in seg)}), axis=None, out={T})")
            r.append(f"    {T} *= wd")
            r.append(f"    _add({G}, {T}, out={G})")
        upd = G
        if flags["momentum_nz"]:
            B = flatname["momentum_buffer"]
            r += [f"    {B} *= mom", f"    _mul({G}, c1, out={T})", f"    {B} += {T}"]
            if flags["nesterov"]:
                r += [f"    _mul({B}, mom, out={T})", f"    _add({G}, {T}, out={T})"]
                upd = T
            else:
                upd = B
        r.append(f"    _mul({upd}, lr, out={T})")
        r += [f"    {n}._data -= {v}" for (n, _), v in zip(seg, views)]
        bumps = [n for n, _ in seg] + ([const(state[n]["momentum_buffer"], "S") for n, _ in seg]
                                       if flags["momentum_nz"] else [])
    else:
        if flags["wd_nz"] and flags["decoupled"]:
            r += [f"    {n}._data *= dec" for n, _ in seg]
        if flags["maximize"]:
            r.append(f"    _neg({G}, out={G})")
        if flags["wd_nz"] and not flags["decoupled"]:
            r.append(f"    _cat(({''.join(f'{n}._data, ' for n, _ in seg)}), axis=None, out={T})")
            r.append(f"    {T} *= wd")
            r.append(f"    _add({G}, {T}, out={G})")
        S, M, V = flatname["step"], flatname["exp_avg"], flatname["exp_avg_sq"]
        g.append(f"    if {S}.min() != {S}.max(): return 'the step counts of a segment differ'")
        r += [f"    {S} += 1", f"    st = float({S}[0])", f"    _sub({G}, {M}, out={T})"]
        if flags["lerp_small"]:
            r += [f"    {T} *= w", f"    {M} += {T}"]
        else:
            r += [f"    {T} *= omw", f"    _sub({G}, {T}, out={M})"]
        r += [f"    {V} *= b2", f"    _mul({G}, c2, out={T})", f"    {T} *= {G}", f"    {V} += {T}",
              "    ss = lr / (1 - b1 ** st)", "    bc = (1 - b2 ** st) ** 0.5"]
        if flags["amsgrad"]:
            VM = flatname["max_exp_avg_sq"]
            r += [f"    _max({VM}, {V}, out={VM})", f"    _sqrt({VM}, out={T})"]
        else:
            r.append(f"    _sqrt({V}, out={T})")
        r += [f"    {T} /= bc", f"    {T} += eps", f"    _div({M}, {T}, out={T})", f"    {T} *= ss"]
        r += [f"    {n}._data -= {v}" for (n, _), v in zip(seg, views)]
        bumps = [n for n, _ in seg] + [const(state[n][k], "S") for k in keys if k != "step" for n, _ in seg]
    r += [f"    {b}._vc[0] += 1" for b in bumps]


_PIECE = 1 << 15   # elements per piece (optim.sgd.axpy's): the scaled piece stays in the cache


def _sub_scaled(p, g, lr, whole, piece):
    """``p -= g * lr`` in place, in pieces of ``piece``'s size so that ``p`` and ``g`` are read once (a
    whole-size product is written and read back otherwise: W2's 0.8 MB weight); the same multiply and
    subtract per element, so the same values. Non-contiguous operands: through ``whole``."""
    if not (p.flags.c_contiguous and g.flags.c_contiguous and g.shape == p.shape):
        np.multiply(g, lr, out=whole)
        p -= whole
        return
    pf, gf = p.reshape(-1), g.reshape(-1)
    n, k = pf.size, piece.size
    for i in range(0, n, k):
        j = i + k
        t = piece if j <= n else piece[:n - i]
        np.multiply(gf[i:j], lr, out=t)
        q = pf[i:j]
        np.subtract(q, t, out=q)


def _each(r, seg, state, dt, kind, flags, const):
    """One segment updated parameter by parameter: straight-line, in place, through two scratch arrays."""
    big = max(p._data.size for _, p in seg)
    ts, us = np.empty(big, dt), np.empty(big, dt)
    const(ts, "TB")
    const(us, "UB")
    for n, p in seg:
        shape = p._data.shape
        T = const(ts[:p._data.size].reshape(shape), "TV")
        U = const(us[:p._data.size].reshape(shape), "UV")
        r.append(f"    p = {n}._data")
        r.append(f"    g = {n}._grad._data")
        st = {k: const(v, "S") for k, v in state[n].items()}
        if kind == "sgd":
            if flags["maximize"]:
                r += [f"    _neg(g, out={U})", f"    g = {U}"]
            if flags["wd_nz"]:
                r += [f"    _mul(p, wd, out={T})", f"    _add(g, {T}, out={U})", f"    g = {U}"]
            if flags["momentum_nz"]:
                B = st["momentum_buffer"]
                r += [f"    b = {B}._data", "    b *= mom", f"    _mul(g, c1, out={T})", f"    b += {T}"]
                if flags["nesterov"]:
                    r += [f"    _mul(b, mom, out={T})", f"    _add(g, {T}, out={T})", f"    g = {T}"]
                else:
                    r.append("    g = b")
            if p._data.size > _PIECE:   # piece by piece through a small scratch (eager SGD's axpy): p and g read once
                r += [f"    _sub_scaled(p, g, lr, {T}, {const(np.empty(_PIECE, dt), 'PS')})", f"    {n}._vc[0] += 1"]
            else:
                r += [f"    _mul(g, lr, out={T})", f"    p -= {T}", f"    {n}._vc[0] += 1"]
            if flags["momentum_nz"]:
                r.append(f"    {st['momentum_buffer']}._vc[0] += 1")
            continue
        if flags["wd_nz"] and flags["decoupled"]:
            r.append("    p *= dec")
        if flags["maximize"]:
            r += [f"    _neg(g, out={U})", f"    g = {U}"]
        if flags["wd_nz"] and not flags["decoupled"]:
            r += [f"    _mul(p, wd, out={T})", f"    _add(g, {T}, out={U})", f"    g = {U}"]
        r += [f"    m = {st['exp_avg']}._data", f"    v = {st['exp_avg_sq']}._data",
              f"    s = {st['step']}._data", "    s += 1", f"    st = float({st['step']}._data)",
              f"    _sub(g, m, out={T})"]
        if flags["lerp_small"]:
            r += [f"    {T} *= w", f"    m += {T}"]
        else:
            r += [f"    {T} *= omw", f"    _sub(g, {T}, out=m)"]
        r += ["    v *= b2", f"    _mul(g, c2, out={T})", f"    {T} *= g", f"    v += {T}",
              "    ss = lr / (1 - b1 ** st)", "    bc = (1 - b2 ** st) ** 0.5"]
        if flags["amsgrad"]:
            r += [f"    vm = {st['max_exp_avg_sq']}._data", "    _max(vm, v, out=vm)", f"    _sqrt(vm, out={T})",
                  f"    {st['max_exp_avg_sq']}._vc[0] += 1"]
        else:
            r.append(f"    _sqrt(v, out={T})")
        r += [f"    {T} /= bc", f"    {T} += eps", f"    _div(m, {T}, out={T})", f"    {T} *= ss", f"    p -= {T}",
              f"    {n}._vc[0] += 1", f"    {st['exp_avg']}._vc[0] += 1", f"    {st['exp_avg_sq']}._vc[0] += 1"]
