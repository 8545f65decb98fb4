"""Per-op cost of W1's ops, eager vs npgrad.compile vs torch eager, and what the compiled step runs.

    python benchmarks/compile_ops.py [--ops 40] [--repeats 7] [--no-source]

For each op of W1's chain (``y * 0.9``, ``y + x``, ``tanh``, ``sigmoid``, ``exp``) a chain of ``--ops`` of that op
alone on 16 floats, summed, then backward: microseconds per op (forward + backward) for npgrad eager, npgrad
compiled (replay) and torch eager, interleaved in one process on one thread (CPU time), and the ratios. Then the
generated source ``npgrad.compiler.explain`` shows for the mixed W1 chain (the first lines of the forward and
backward programs), so a reader sees what each op costs as code. Writes benchmarks/results/compile_ops.json.
"""
import argparse
import os
import statistics
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import npgrad  # noqa: E402
from _harness import interleaved, save  # noqa: E402

OPS = {
    "mul (y * 0.9)": lambda y, x: y * 0.9,
    "add (y + x)": lambda y, x: y + x,
    "tanh": lambda y, x: y.tanh(),
    "sigmoid": lambda y, x: y.sigmoid(),
    "exp (of y * 0.1)": lambda y, x: (y * 0.1).exp(),
}


def chain(op, n):
    def f(x):
        y = x
        for _ in range(n):
            y = op(y, x)
        return y.sum()
    return f


def runner(m, f):
    x0 = np.linspace(-1, 1, 16, dtype=np.float32)

    def run():
        x = m.tensor(x0, requires_grad=True)
        f(x).backward()
        return x.grad
    return run


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ops", type=int, default=40, help="ops per chain")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--no-source", action="store_true", help="do not print the generated source")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    rows = []
    print(f"{'op':<20}{'npgrad eager':>14}{'compiled':>11}{'torch eager':>13}{'eager/torch':>13}"
          f"{'compiled/torch':>16}{'compiled/eager':>16}   (us per op, fwd+bwd)")
    for name, op in OPS.items():
        per = a.ops * (2 if name.startswith("exp") else 1) + 1   # the exp chain is two ops a step; the sum
        fns = {"eager": runner(npgrad, chain(op, a.ops)),
               "compiled": runner(npgrad, npgrad.compile(chain(op, a.ops))),
               "torch": runner(torch, chain(op, a.ops))}
        for fn in fns.values():
            fn()
            fn()
        inner = {}
        for k, fn in fns.items():
            t = time.process_time()
            fn()
            inner[k] = max(1, int(0.03 / max(time.process_time() - t, 1e-9)))
        times = interleaved(fns, repeats=a.repeats, warmup=0, inner=inner, timer=time.process_time)
        us = {k: statistics.median(v) / per * 1e6 for k, v in times.items()}
        row = {"workload": name, "unit": "us/op", **us, "eager_ratio": us["eager"] / us["torch"],
               "compiled_ratio": us["compiled"] / us["torch"], "compiled_vs_eager": us["compiled"] / us["eager"]}
        rows.append(row)
        print(f"{name:<20}{us['eager']:>14.2f}{us['compiled']:>11.2f}{us['torch']:>13.2f}"
              f"{row['eager_ratio']:>12.2f}x{row['compiled_ratio']:>15.2f}x{row['compiled_vs_eager']:>15.2f}x")
    save("compile_ops", rows)
    if not a.no_source:
        import workloads
        f = npgrad.compile(workloads._w1_chain(2))
        x = npgrad.tensor(np.linspace(-1, 1, 16, dtype=np.float32), requires_grad=True)
        f(x).backward()
        text = npgrad.compiler.explain(f)
        print(f"\nnpgrad.compiler.explain of W1's chain, 2 rounds of its 5 ops ({len(text.splitlines())} lines):\n")
        print(text)


if __name__ == "__main__":
    main()
