"""npgrad vs torch benchmark suite (issue 8): every workload on both frameworks in one invocation, interleaved.

    python benchmarks/run.py [--quick] [--only W2,W5c] [--threads N] [--wall] [--repeats N] [--profile] [--json PATH]
                             [--no-torch-compile] [--torch-compile-backend inductor]

Prints, per workload, the median per framework, the ratio npgrad/torch and its target with a pass/short mark, and
writes the same as JSON (default benchmarks/results/bench.json). Absolute times depend on the machine and on what
else runs on it; the ratio, measured in one run with the two frameworks interleaved, is what carries over.
Targets are goals for the engine, not assertions: the exit status is 0 whatever the ratios.

Compiled rows (issue 16): ``W1c``... run the workload through ``npgrad.compile`` against torch eager in the same
run; ``W1c-cap`` is the capture cost, npgrad's first compiled call over one eager npgrad step. ``W1tc``... compare
``npgrad.compile`` with ``torch.compile`` in child processes (both compiled there; torch.compile needs a C++
compiler): end to end over the first ``tc_steps`` steps including the first call (wall clock), once with every
torch.compile cache in a new empty directory (``W1tc-e2e``, cold: a user's first run of a script; the target is
judged there) and once more on the cache that run left (``W1tc-e2e-warm``, warm: the script run again; no
target), and steady state (``W1tc``). ``--no-torch-compile`` skips those rows.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# What each row measures: id -> (title, unit, target, kind); targets are issue 15's. kind "ratio": npgrad/torch <= target;
# "abs": npgrad's own value <= target (in unit).
ROWS = {
    "W1": ("op overhead: 200 elementwise ops on 16 floats, fwd+bwd", "us/op", 0.8, "ratio"),
    "W2": ("small MLP 784-256-10, batch 64, SGD step", "ms", 0.9, "ratio"),
    "W3": ("large MLP 784-2048-2048-10, batch 512, SGD step", "ms", 1.0, "ratio"),
    "W4": ("deep graph: {w4_ops:,}-op scalar chain + backward", "s", 1.0, "ratio"),
    "W4-mem": ("deep graph: peak memory of the run", "MiB", 0.7, "ratio"),
    "W5": ("small CNN, batch 32 of 28x28, Adam step", "ms", 1.0, "ratio"),
    "W6": ("tanh RNN, hidden 128, batch 32, 50 steps, fwd+bwd", "ms", 0.9, "ratio"),
    "W7": ("Hessian-vector product, 16-32-1 MLP, double grad", "ms", 1.0, "ratio"),
    "W8": ("import time: python -c 'import X' (best of {w8_runs})", "ms", 0.08, "ratio"),
    "W9-peak": ("W3 peak memory above interpreter+import", "MiB", 1.0, "ratio"),
    "W9-growth": ("RSS growth over {w9_steps} W2 steps (npgrad <= 1 MiB)", "MiB", 1.0, "abs"),
    "W10": ("inference: W2's model, batch 64, eval + inference_mode", "ms", 0.8, "ratio"),
    "W11": ("2-layer GPT (n_embd 64, block 32, batch 16), AdamW step", "ms", None, "info"),
    "W1c": ("W1 compiled (npgrad.compile vs torch eager)", "us/op", 0.3, "ratio"),
    "W2c": ("W2 compiled: model+loss, SGD step (vs torch eager)", "ms", 0.85, "ratio"),
    "W5c": ("W5 compiled: model+loss, Adam step (vs torch eager)", "ms", 0.9, "ratio"),
    "W6c": ("W6 compiled: unrolled RNN + loss (vs torch eager)", "ms", 0.6, "ratio"),
    "W10c": ("W10 compiled: the model (vs torch eager)", "ms", 0.85, "ratio"),
    "W11c": ("W11 compiled: GPT+loss, AdamW step (vs torch eager)", "ms", None, "info"),
}
COMPILED = ["W1c", "W2c", "W5c", "W6c", "W10c", "W11c"]
for _c in COMPILED:
    ROWS[_c + "-cap"] = (f"{_c} capture cost: first call / npgrad eager step", "x", 20, "abs")
for _c, _t in (("W1", 2.0), ("W2", 1.0), ("W5", 1.0), ("W6", 1.0), ("W10", 1.0)):
    ROWS[_c + "tc"] = (f"{_c} npgrad.compile vs torch.compile, steady state", ROWS[_c][1], _t, "ratio")
    ROWS[_c + "tc-e2e"] = (f"{_c} vs torch.compile, first {{tc_steps:,}} steps, cold cache", "s", 0.2, "ratio")
    ROWS[_c + "tc-e2e-warm"] = (f"{_c} vs torch.compile, first {{tc_steps:,}} steps, warm cache", "s", None, "info")
TORCH_COMPILE = ["W1tc", "W2tc", "W5tc", "W6tc", "W10tc"]
WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10", "W11"] + COMPILED + TORCH_COMPILE

# repeats (samples per framework), the minimum seconds of one sample (calls are looped to fill it), sizes.
CONFIG = {
    "full": {"repeats": {"W1": 15, "W2": 11, "W3": 7, "W4": 5, "W5": 9, "W6": 9, "W7": 15, "W10": 11, "W11": 7,
                         "W1c": 15, "W2c": 11, "W5c": 9, "W6c": 9, "W10c": 11, "W11c": 7, "tc": 7},
             "sample_s": 0.05, "w1_ops": 200, "w4_ops": 200_000, "w8_runs": 5, "w9_w3_steps": 3,
             "w9_warmup": 10, "w9_steps": 50, "tc_steps": 1000},
    "quick": {"repeats": {"W1": 3, "W2": 3, "W3": 2, "W4": 2, "W5": 3, "W6": 3, "W7": 3, "W10": 3, "W11": 3,
                          "W1c": 3, "W2c": 3, "W5c": 3, "W6c": 3, "W10c": 3, "W11c": 3, "tc": 3},
              "sample_s": 0.01, "w1_ops": 200, "w4_ops": 20_000, "w8_runs": 2, "w9_w3_steps": 1,
              "w9_warmup": 2, "w9_steps": 10, "tc_steps": 20},
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
    p.add_argument("--no-torch-compile", action="store_true",
                   help="skip the torch.compile rows (W1tc...): they need g++ and take minutes")
    p.add_argument("--torch-compile-backend", default="inductor",
                   help="torch.compile's backend in the W*tc rows (default inductor; 'eager' for a fast smoke run)")
    a = p.parse_args(argv)
    canonical = {w.upper(): w for w in WORKLOADS}
    only = [w.strip().upper() for w in a.only.split(",") if w.strip()]
    bad = [w for w in only if w not in canonical]
    if bad:
        p.error(f"unknown workload(s) {', '.join(bad)}; choose from {', '.join(WORKLOADS)}")
    a.only = [canonical[w] for w in only] or WORKLOADS
    if a.no_torch_compile:
        a.only = [w for w in a.only if w not in TORCH_COMPILE]
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
