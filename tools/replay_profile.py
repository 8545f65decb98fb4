"""Per-line profile of a compiled program's replay (issue 16): every line of the generated ``fwd`` and ``bwd``
timed in place (``time.perf_counter`` around each statement), summed over many calls of a step function.

    from tools.replay_profile import profile
    profile(compiled_callable, step, n=50)      # prints the lines by their best call's time

The instrumented functions are generated from ``prog.source`` into the program's own namespace and swapped in
for the run, then restored; the timers add about 0.1 us per line, so lines of a few us read high.
"""
import time


def _instrument(src, name, acc):
    out = []
    lines = src.split("\n")
    for ln in lines:
        if ln.startswith("def "):
            out.append(ln)
            out.append("    _t = _pc()")
            continue
        s = ln.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("return"):
            out.append(ln)
            continue
        k = len(acc)
        acc.append([s, 0.0, 0, 1e9])
        out.append(ln)
        out.append(f"    _t2 = _pc(); _a = _ACC{name}[{k}]; _a[1] += _t2 - _t; _a[2] += 1; "
                   f"_a[3] = min(_a[3], _t2 - _t); _t = _pc()")
    return "\n".join(out)


def _split(src):
    """The ``fwd`` and ``bwd`` sources of a program."""
    parts = {}
    cur = None
    for ln in src.split("\n"):
        if ln.startswith("def "):
            cur = ln[4:ln.index("(")]
            parts[cur] = []
        if cur is not None:
            parts[cur].append(ln)
    return {k: "\n".join(v) for k, v in parts.items()}


def profile(compiled, step, n=50, top=30, warm=3):
    """Run ``step`` ``n`` times with every program of ``compiled`` instrumented; print the ``top`` lines."""
    for _ in range(warm):
        step()
    compiled = compiled.__dict__.get("_npgrad_compiled", compiled)   # an OptimizedModule's callable
    progs = [p for ps in compiled._cache.values() if type(ps) is list for p in ps]
    saved = []
    rows = []
    for p in progs:
        parts = _split(p.source)
        saved.append((p, p.fwd, p.bwd))
        for fname in ("fwd", "bwd"):
            acc = []
            code = _instrument(parts[fname], fname, acc)
            p.ns["_pc"] = time.perf_counter
            p.ns["_ACC" + fname] = acc
            exec(compile(code, f"<profile {fname}>", "exec"), p.ns)
            setattr(p, fname, p.ns[fname])
            rows.extend((fname, a) for a in acc)
    try:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        total = (time.perf_counter() - t0) / n
    finally:
        for p, f, b in saved:
            p.fwd, p.bwd = f, b
            # the namespace's fwd/bwd are the originals again (bwd may be looked up by name)
            p.ns["fwd"], p.ns["bwd"] = f, b
    per = {"fwd": 0.0, "bwd": 0.0}
    best = {"fwd": 0.0, "bwd": 0.0}
    for fname, a in rows:
        per[fname] += a[1] / n
        best[fname] += a[3] * a[2] / n
    print(f"step {total * 1e6:.0f} us; fwd lines {per['fwd'] * 1e6:.0f} us (best {best['fwd'] * 1e6:.0f}), "
          f"bwd lines {per['bwd'] * 1e6:.0f} us (best {best['bwd'] * 1e6:.0f}); per line: mean, best call")
    rows.sort(key=lambda r: -r[1][3] * r[1][2])
    for fname, (s, t, c, b) in rows[:top]:
        print(f"{t / n * 1e6:9.1f} {b * c / n * 1e6:9.1f} us  {fname}  {s[:105]}")
    return rows
