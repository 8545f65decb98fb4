"""Side-by-side timing: the same workload on npgrad and on torch, interleaved, several repeats, medians.

Absolute times on a shared machine mean little; the ratio npgrad/torch measured in one run is what carries
over. Every script prints a table and writes JSON under benchmarks/results/.
"""
import json
import os
import statistics
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def interleaved(workloads, repeats=7, warmup=1, inner=1, timer=time.perf_counter):
    """``workloads``: {framework: zero-arg callable}. Returns {framework: [seconds, ...]}.

    Each sample times ``inner`` back-to-back calls (an int, or {framework: int}) and records seconds per call.
    ``timer``: wall clock by default; ``time.process_time`` counts only this process's CPU time, which on a busy
    machine leaves out the time other processes held the core (meaningful for single-threaded runs)."""
    times = {k: [] for k in workloads}
    counts = inner if isinstance(inner, dict) else {k: inner for k in workloads}
    for _ in range(warmup):
        for fn in workloads.values():
            fn()
    for _ in range(repeats):
        for name, fn in workloads.items():
            n = counts[name]
            t = timer()
            for _ in range(n):
                fn()
            times[name].append((timer() - t) / n)
    return times


def summarise(name, times, unit_scale=1.0, unit="s", per=1):
    med = {k: statistics.median(v) / per * unit_scale for k, v in times.items()}
    ratio = med["npgrad"] / med["torch"] if med.get("torch") else float("nan")
    return {"workload": name, "unit": unit, "npgrad": med["npgrad"], "torch": med.get("torch"), "ratio": ratio}


def print_table(rows):
    print(f"{'workload':<44} {'npgrad':>12} {'torch':>12} {'ratio':>7}")
    for r in rows:
        t = "-" if r["torch"] is None else f"{r['torch']:.3f}"
        print(f"{r['workload']:<44} {r['npgrad']:>10.3f} {r['unit']:<2}{t:>10} {r['unit']:<2}{r['ratio']:>6.2f}x")


def save(name, rows):
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, name + ".json"), "w") as f:
        json.dump(rows, f, indent=2)
