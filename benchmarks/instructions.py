"""Machine instructions per op, npgrad against torch: the W1 op kinds, one backward node, one W6 step.

    python benchmarks/instructions.py [--n N] [--only npgrad|torch] [--json PATH]

Timings on a shared machine are noisy; instruction counts are not. Each framework runs in a child process under
valgrind's callgrind (``perf stat -e instructions`` needs hardware counters, which this VM does not expose).
Collection is off except inside one C function of CPython per phase: every phase's calls are driven by a different
C iterator of ``itertools``/``functools`` (``starmap``, ``takewhile``, ``reduce`` ...) that neither framework uses
itself, ``--toggle-collect`` names those C functions, and ``--dump-after=os_getppid`` (called after each phase)
writes each phase's count to its own file - imports, setup and the warm-up calls (run before, in plain loops) are
never counted. The same run with an empty callable measures each iterator's own cost, which is subtracted:
per op = (phase count - empty count) / calls. Cycle-collector passes inside a phase count (they are part of what
an op costs); each phase starts right after a ``gc.collect()``.

Phases: ``y * 0.9``, ``y + x``, ``y.tanh()``, ``y.sigmoid()``, ``y.exp()`` on 16 float32 elements with a graph
recorded (each result kept alive, as in W1's chain); ``backward`` runs ``.backward()`` over prebuilt graphs of the
five ops (plus sum), divided by the nodes run; ``W6 step`` is one step of the W6 workload (50-step tanh RNN,
forward and backward). Torch's count under valgrind takes minutes (its import alone); npgrad's seconds.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# phase -> the C function whose inclusive cost is that phase (the iterator that calls the step)
PHASES = [("mul by scalar", "starmap_next"), ("add", "filterfalse_next"), ("tanh", "takewhile_next"),
          ("sigmoid", "dropwhile_next"), ("exp", "accumulate_next"), ("backward per node", "functools_reduce"),
          ("W6 step", "groupby_next")]
# (itertools' and functools' C iterators: neither framework calls them while it runs an op - a nested call of a
# toggled function would switch collection off inside the phase; builtins map/filter are avoided for that reason)
NODES_PER_GRAPH = 7  # the five ops, sum, and the leaf's AccumulateGrad

CHILD = r'''
import functools, gc, itertools, os, sys
sys.path.insert(0, {src!r}); sys.path.insert(0, {bench!r})
import numpy as np
fw, n, n6 = {fw!r}, {n}, {n6}
m = __import__(fw)
if fw == "torch":
    m.set_num_threads(1)
from workloads import w6_rnn
x = m.tensor(np.linspace(-1, 1, 16, dtype=np.float32), requires_grad=True)
y = x * 1.0
keep = []
steps = {{"mul by scalar": lambda: y * 0.9, "add": lambda: y + x, "tanh": lambda: y.tanh(),
         "sigmoid": lambda: y.sigmoid(), "exp": lambda: y.exp()}}

def graph():
    z = ((((x * 0.9) + x).tanh()).sigmoid()).exp()
    return z.sum()

w6 = w6_rnn(m, {{}})
empty = lambda *a: True   # the iterators' own cost per call
def drive(it, fn, k):  # fn called k times from the C function of ``it``; every call returns True
    if it == "starmap":
        list(itertools.starmap(fn, [(i,) for i in range(k)]))
    elif it == "filterfalse":
        list(itertools.filterfalse(lambda i: not fn(i), range(k)))
    elif it == "takewhile":
        list(itertools.takewhile(fn, range(k)))
    elif it == "dropwhile":
        list(itertools.dropwhile(fn, range(k)))
    elif it == "accumulate":  # (the first element is passed through: k + 1 elements make k calls)
        list(itertools.accumulate(range(k + 1), lambda a, b: fn(b - 1)))
    elif it == "reduce":
        functools.reduce(lambda a, b: fn(b - 1), range(k + 1))
    elif it == "groupby":
        list(itertools.groupby(range(k), key=fn))

def op(step):
    def f(i):
        keep.append(step())
        return True
    return f

iters = ["starmap", "filterfalse", "takewhile", "dropwhile", "accumulate", "reduce", "groupby"]
mode = sys.argv[1]
for name, it in zip(list(steps) + ["backward per node", "W6 step"], iters):
    if name in steps:
        fn, k = op(steps[name]), n
    elif name == "backward per node":
        graphs = [graph() for _ in range(n // {nodes} + 3)]
        fn, k = (lambda i: graphs[i].backward() or True), n // {nodes}
    else:
        fn, k = (lambda i: w6() is not None), n6
    for i in range(0 if mode == "empty" else 1 if name == "W6 step" else 3):  # warm-up, not counted
        fn(k + i) if name == "backward per node" else fn(i)
    keep.clear()
    gc.collect()  # every phase starts with the collector's counts at zero (its passes inside a phase count)
    drive(it, empty if mode == "empty" else fn, k)
    keep.clear()
    os.getppid()  # callgrind dumps the counts so far here (--dump-after=os_getppid): one file per phase
'''


def measure(fw, n, n6):
    """{phase: instructions per call} for framework ``fw``."""
    totals = {}
    for mode in ("empty", "ops"):
        with tempfile.TemporaryDirectory() as tmp:
            script = os.path.join(tmp, "child.py")
            with open(script, "w") as f:
                f.write(CHILD.format(src=os.path.join(ROOT, "src"), bench=HERE, fw=fw, n=n, n6=n6,
                                     nodes=NODES_PER_GRAPH))
            cg = os.path.join(tmp, "cg.out")
            cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}", "--dump-after=os_getppid"]
            cmd += [f"--toggle-collect={fn}" for _, fn in PHASES]
            env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
            subprocess.run(cmd + [sys.executable, script, mode], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            totals[mode] = [_summary(f"{cg}.{k + 1}") for k in range(len(PHASES))]
    k = {"backward per node": (n // NODES_PER_GRAPH) * NODES_PER_GRAPH, "W6 step": n6}
    return {name: (totals["ops"][i] - totals["empty"][i]) / k.get(name, n) for i, (name, _) in enumerate(PHASES)}


def _summary(path):
    """The instructions counted in one callgrind dump (its ``summary:`` line)."""
    with open(path) as f:
        for line in f:
            if line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError(f"no summary in {path}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=700, help="calls per op phase (default 700)")
    p.add_argument("--n6", type=int, default=2, help="W6 steps (default 2)")
    p.add_argument("--only", choices=["npgrad", "torch"], default=None)
    p.add_argument("--json", default=os.path.join(HERE, "results", "instructions.json"))
    a = p.parse_args()
    fws = [a.only] if a.only else ["npgrad", "torch"]
    res = {fw: measure(fw, a.n, a.n6) for fw in fws}
    print(f"{'per call (instructions)':<22}" + "".join(f"{fw:>14}" for fw in fws)
          + (f"{'ratio':>8}" if len(fws) == 2 else ""))
    for name, _ in PHASES:
        row = f"{name:<22}" + "".join(f"{res[fw][name]:>14,.0f}" for fw in fws)
        if len(fws) == 2 and res["torch"][name]:
            row += f"{res['npgrad'][name] / res['torch'][name]:>8.2f}"
        print(row)
    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
