"""npgrad vs torch benchmark suite (issue 8): every workload on both frameworks in one invocation, interleaved.

    python benchmarks/run.py [--quick] [--only W2,W5] [--threads N] [--wall] [--repeats N] [--profile] [--json PATH]

Prints, per workload, the median per framework, the ratio npgrad/torch and its target with a pass/short mark, and
writes the same as JSON (default benchmarks/results/bench.json). Absolute times depend on the machine and on what
else runs on it; the ratio, measured in one run with the two frameworks interleaved, is what carries over.
Targets are goals for the engine, not assertions: the exit status is 0 whatever the ratios.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# What each row measures: id -> (title, unit, target, kind). kind "ratio": npgrad/torch <= target;
# "abs": npgrad's own value <= target (in unit).
ROWS = {
    "W1": ("op overhead: 200 elementwise ops on 16 floats, fwd+bwd", "us/op", 1.0, "ratio"),
    "W2": ("small MLP 784-256-10, batch 64, SGD step", "ms", 1.0, "ratio"),
    "W3": ("large MLP 784-2048-2048-10, batch 512, SGD step", "ms", 1.05, "ratio"),
    "W4": ("deep graph: {w4_ops:,}-op scalar chain + backward", "s", 1.2, "ratio"),
    "W4-mem": ("deep graph: peak memory of the run", "MiB", 1.0, "ratio"),
    "W5": ("small CNN, batch 32 of 28x28, Adam step", "ms", 1.5, "ratio"),
    "W6": ("tanh RNN, hidden 128, batch 32, 50 steps, fwd+bwd", "ms", 1.1, "ratio"),
    "W7": ("Hessian-vector product, 16-32-1 MLP, double grad", "ms", 1.5, "ratio"),
    "W8": ("import time: python -c 'import X' (best of {w8_runs})", "ms", 0.08, "ratio"),
    "W9-peak": ("W3 peak memory above interpreter+import", "MiB", 1.0, "ratio"),
    "W9-growth": ("RSS growth over {w9_steps} W2 steps (npgrad <= 1 MiB)", "MiB", 1.0, "abs"),
}
WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9"]

# repeats (samples per framework), the minimum seconds of one sample (calls are looped to fill it), sizes.
CONFIG = {
    "full": {"repeats": {"W1": 15, "W2": 11, "W3": 7, "W4": 5, "W5": 9, "W6": 9, "W7": 15},
             "sample_s": 0.05, "w1_ops": 200, "w4_ops": 200_000, "w8_runs": 5, "w9_w3_steps": 3,
             "w9_warmup": 10, "w9_steps": 50},
    "quick": {"repeats": {"W1": 3, "W2": 3, "W3": 2, "W4": 2, "W5": 3, "W6": 3, "W7": 3},
              "sample_s": 0.01, "w1_ops": 200, "w4_ops": 20_000, "w8_runs": 2, "w9_w3_steps": 1,
              "w9_warmup": 2, "w9_steps": 10},
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smoke run: few repeats, a 20,000-op deep chain")
    p.add_argument("--only", default="", help="comma-separated workloads, e.g. W2,W5 (default: all)")
    p.add_argument("--threads", type=int, default=None,
                   help="BLAS/OpenMP threads, the same for both frameworks (default 1; see configure_threads)")
    p.add_argument("--wall", action="store_true",
                   help="time wall clock even with one thread (default there: the process's CPU time)")
    p.add_argument("--repeats", type=int, default=None, help="override every in-process workload's repeats")
    p.add_argument("--profile", action="store_true",
                   help="cProfile the npgrad side of each workload that misses its target; writes "
                        "benchmarks/results/profile_<W>.txt (W8: python -X importtime)")
    p.add_argument("--json", default=None, help="where to write the results (default benchmarks/results/bench.json)")
    a = p.parse_args(argv)
    only = [w.strip().upper() for w in a.only.split(",") if w.strip()]
    bad = [w for w in only if w not in WORKLOADS]
    if bad:
        p.error(f"unknown workload(s) {', '.join(bad)}; choose from {', '.join(WORKLOADS)}")
    a.only = only or WORKLOADS
    return a


def configure_threads(n):
    """Same thread count for NumPy's BLAS and torch: set before NumPy or torch is imported (they read it once).

    Default 1: on a shared machine (ours: 2 cores, several developers) both OpenBLAS's and torch's OpenMP worker
    threads spin-wait for a busy core, and a step that takes 1 ms on one thread took 50-90 ms on two, which turns
    the comparison into noise. Pass --threads N on a quiet machine to compare multi-threaded BLAS."""
    n = 1 if n is None else max(1, n)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ["NPGRAD_BENCH_THREADS"] = str(n)   # read by _child.py for torch.set_num_threads
    return n


def main(argv=None):
    args = parse_args(argv)
    threads = configure_threads(args.threads)
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    sys.path.insert(0, HERE)
    from _suite import Suite   # imports numpy, torch and npgrad: after the thread variables are set
    suite = Suite(args, threads, CONFIG["quick" if args.quick else "full"], ROWS)
    suite.run()


if __name__ == "__main__":
    main()
