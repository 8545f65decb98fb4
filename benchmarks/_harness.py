"""Side-by-side timing: the same workload on npgrad and on torch, interleaved, several repeats, medians.

Absolute times on a shared machine mean little; the ratio npgrad/torch measured in one run is what carries
over. Every script prints a table and writes JSON under benchmarks/results/.
"""
import json
import os
import statistics
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def interleaved(workloads, repeats=7, warmup=1):
    """``workloads``: {framework: zero-arg callable}. Returns {framework: [seconds, ...]}."""
    times = {k: [] for k in workloads}
    for _ in range(warmup):
        for fn in workloads.values():
            fn()
    for _ in range(repeats):
        for name, fn in workloads.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
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
