"""W7 (Hessian-vector product) pass by pass, npgrad against torch: where the time of the workload goes.

    python benchmarks/w7_passes.py [--n N] [--callgrind] [--only npgrad|torch]

W7 (benchmarks/workloads.py ``w7_hvp``) is four passes per call: the forward (10 ops), ``autograd.grad(loss,
params, create_graph=True)`` (a backward that records its own graph), ``sum((g * v).sum() ...)`` (12 ops) and
``autograd.grad`` of that sum (a plain backward over both graphs). For each pass this prints

- the nodes it records (grad_fn names and count; the two grads walk what the first three recorded),
- its time per call (process CPU time, the passes interleaved in one loop; noisy on a shared machine: compare
  the ratio within one run),
- with ``--callgrind``, its machine instructions per call under valgrind's callgrind (deterministic): each pass
  is driven by its own C function of ``itertools`` (``starmap``/``filterfalse``/``takewhile``/``dropwhile``),
  which ``--toggle-collect`` names, as in benchmarks/instructions.py. torch's import under valgrind takes ~2 min.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PASSES = [("forward", "starmap_next"), ("create_graph grad", "filterfalse_next"), ("dot", "takewhile_next"),
          ("second grad", "dropwhile_next")]


def setup(m):
    """W7's tensors and its four passes as functions sharing one state dict."""
    import numpy as np
    g = np.random.default_rng(1)
    shapes = [(32, 16), (32,), (1, 32), (1,)]
    params = [m.nn.Parameter(m.from_numpy(g.standard_normal(s, dtype=np.float32))) for s in shapes]
    x = m.from_numpy(g.standard_normal((64, 16), dtype=np.float32))
    y = m.from_numpy(g.standard_normal((64, 1), dtype=np.float32))
    vs = [m.from_numpy(g.standard_normal(s, dtype=np.float32)) for s in shapes]
    w1, b1, w2, b2 = params
    s = {}

    def forward():
        out = m.tanh(x @ w1.T + b1) @ w2.T + b2
        s["loss"] = ((out - y) ** 2).mean()

    def cg():
        s["grads"] = m.autograd.grad(s["loss"], params, create_graph=True)

    def dot():
        s["dot"] = sum((gr * v).sum() for gr, v in zip(s["grads"], vs))

    def second():
        s["hv"] = m.autograd.grad(s["dot"], params)
    return [forward, cg, dot, second], s


def _walk(roots):
    seen, stack = {}, [r for r in roots if r is not None]
    while stack:
        n = stack.pop()
        if n not in seen:
            seen[n] = n.name()
            stack.extend(e[0] for e in n.next_functions if e[0] is not None)
    return seen


def recorded(m):
    """Per pass: Counter of the grad_fn names it recorded."""
    fns, s = setup(m)
    fns[0]()
    fwd = _walk([s["loss"].grad_fn])
    fns[1]()
    cg = {n: k for n, k in _walk([g.grad_fn for g in s["grads"]]).items() if n not in fwd}
    fns[2]()
    dot = {n: k for n, k in _walk([s["dot"].grad_fn]).items() if n not in fwd and n not in cg}
    return [Counter(fwd.values()), Counter(cg.values()), Counter(dot.values()), Counter()]


def times(m, n, repeats=3):
    """Per pass: the best of ``repeats`` mean process times (us) over ``n`` interleaved calls."""
    if m.__name__ == "torch":
        m.set_num_threads(1)
    fns, _ = setup(m)
    for f in fns * 20:
        f()
    best = [float("inf")] * 4
    clock = time.process_time
    for _ in range(repeats):
        tot = [0.0] * 4
        for _ in range(n):
            for i, f in enumerate(fns):
                t0 = clock()
                f()
                tot[i] += clock() - t0
        best = [min(b, t / n * 1e6) for b, t in zip(best, tot)]
    return best


CHILD = r'''
import itertools, gc, sys
sys.path.insert(0, {src!r}); sys.path.insert(0, {here!r})
import {fw} as m
from w7_passes import setup
if m.__name__ == "torch":
    m.set_num_threads(1)
fns, _ = setup(m)
for f in fns * 5:
    f()
gc.collect()
f0, f1, f2, f3 = fns
for _ in range({n}):
    list(itertools.starmap(f0, [()]))
    list(itertools.filterfalse(lambda i: f1(), [0]))
    list(itertools.takewhile(lambda i: f2() or True, [0]))
    list(itertools.dropwhile(lambda i: f3() or True, [0]))
'''


def instructions(fw, n):
    """Per pass: instructions per call under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        script, out = os.path.join(tmp, "child.py"), os.path.join(tmp, "cg.out")
        with open(script, "w") as f:
            f.write(CHILD.format(src=os.path.join(ROOT, "src"), here=HERE, fw=fw, n=n))
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--collect-atstart=no"]
        cmd += [f"--toggle-collect={c}" for _, c in PASSES]
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        subprocess.run(cmd + [sys.executable, script], check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True).stdout
    res = {}
    for line in ann.splitlines():
        for name, c in PASSES:
            if f":{c} [" in line:
                res[name] = int(line.split()[0].replace(",", "")) / n
    return [res.get(name, float("nan")) for name, _ in PASSES]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=500, help="timed calls per repeat (default 500)")
    p.add_argument("--callgrind", action="store_true", help="also count instructions per pass (valgrind)")
    p.add_argument("--cg-n", type=int, default=20, help="calls counted under callgrind (default 20)")
    p.add_argument("--only", choices=["npgrad", "torch"], default=None)
    a = p.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "src"))
    fws = [a.only] if a.only else ["npgrad", "torch"]
    mods = {fw: __import__(fw) for fw in fws}
    rec = {fw: recorded(mods[fw]) for fw in fws}
    t = {fw: times(mods[fw], a.n) for fw in fws}
    ins = {fw: instructions(fw, a.cg_n) for fw in fws} if a.callgrind else None
    for i, (name, _) in enumerate(PASSES):
        row = f"{name:<18}" + "".join(f"{fw} {t[fw][i]:7.1f} us  " for fw in fws)
        if len(fws) == 2:
            row += f"ratio {t['npgrad'][i] / t['torch'][i]:.2f}"
        if ins:
            row += "   instr " + "  ".join(f"{fw} {ins[fw][i]:,.0f}" for fw in fws)
            if len(fws) == 2:
                row += f"  ratio {ins['npgrad'][i] / ins['torch'][i]:.2f}"
        print(row)
        for fw in fws:
            if rec[fw][i]:
                print(f"    {fw} records {sum(rec[fw][i].values())}: "
                      + ", ".join(f"{k} {v}" for k, v in sorted(rec[fw][i].items())))
    total = {fw: sum(t[fw]) for fw in fws}
    print("total             " + "".join(f"{fw} {total[fw]:7.1f} us  " for fw in fws)
          + (f"ratio {total['npgrad'] / total['torch']:.2f}" if len(fws) == 2 else ""))
    if ins:
        tot = {fw: sum(ins[fw]) for fw in fws}
        print("instructions      " + "  ".join(f"{fw} {tot[fw]:,.0f}" for fw in fws)
              + (f"  ratio {tot['npgrad'] / tot['torch']:.2f}" if len(fws) == 2 else ""))


if __name__ == "__main__":
    main()
