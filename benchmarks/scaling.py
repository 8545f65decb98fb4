"""Data-parallel scaling (issue 18): DDP training steps at 1 and 2 ranks, started with npgrad's launcher.

    python benchmarks/scaling.py [--quick] [--rounds N] [--only digits,mlp] [--json PATH]

Two workloads:

- ``digits``: the step of ``examples/ddp_digits.py`` (the demo CNN, a global batch of 64 split across the ranks);
- ``mlp``: a larger MLP step (784-2048-2048-10, W3 of ``benchmarks/run.py``), 512 samples per rank.

Each runs as ``python -m npgrad.distributed.run --nproc-per-node W benchmarks/_scaling_child.py ...`` in three
settings: 1 rank with the threads ``init_process_group`` gives it (all the node's cores), 1 rank with one BLAS
thread (``OMP_NUM_THREADS=1``: the per-core baseline), and 2 ranks (threads sized by ``init_process_group``:
``cores // 2`` each). The settings are interleaved for ``--rounds`` rounds, since other jobs on a shared
machine slow some runs down; the table gives the best round and the median. Throughput is samples per second of
the whole job; the speed-up is the 2-rank throughput over a 1-rank throughput. The all-reduce cost per step is
given twice: an all-reduce of the gradients' size on its own, and what DDP spent launching and waiting for its
all-reduces inside the step (which includes waiting for the slower rank). Each row says the threads per rank it
ran under. Results also go to benchmarks/results/scaling.json. The exit status is 0 whatever the numbers.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHILD = os.path.join(HERE, "_scaling_child.py")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")
# workload -> (steps per block, blocks) for full and quick runs
SIZES = {"full": {"digits": (25, 4), "mlp": (3, 4)}, "quick": {"digits": (10, 2), "mlp": (1, 2)}}
SETTINGS = [("1 rank", 1, None), ("1 rank, 1 thread", 1, "1"), ("2 ranks", 2, None)]
TARGET = {"mlp": 1.6, "digits": 1.0}  # 2-rank throughput over 1 rank's (issue 18)


def run_one(workload, world, threads, steps, blocks, timeout=600):
    env = dict(os.environ)
    for k in THREAD_VARS:  # the settings, not the caller's shell, decide the threads
        env.pop(k, None)
    if threads is not None:
        env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = env["MKL_NUM_THREADS"] = threads
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(ROOT, "src")] + ([env["PYTHONPATH"]]
                                                                        if env.get("PYTHONPATH") else []))
    cmd = [sys.executable, "-m", "npgrad.distributed.run", "--nproc-per-node", str(world), CHILD, workload,
           str(steps), str(blocks)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)
    m = re.search(r"SCALING (\{.*\})", p.stdout)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return json.loads(m.group(1))


def _threads_txt(rep):
    per = [t.get("threads") for t in rep["threads"]]
    srcs = {t.get("source", "") for t in rep["threads"]}
    pools = rep["threads"][0].get("pools") or []
    actual = "/".join(str(n) for _, n in pools) or "?"
    how = "set by init_process_group" if srcs == {"npgrad.distributed"} else "; ".join(sorted(srcs))
    return f"{actual} BLAS thread(s) per rank ({how})" if per else "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke run: short blocks, one round")
    ap.add_argument("--rounds", type=int, default=None, help="interleaved rounds of the three settings (3)")
    ap.add_argument("--only", default="digits,mlp", help="comma-separated workloads (digits, mlp)")
    ap.add_argument("--json", default=os.path.join(HERE, "results", "scaling.json"))
    a = ap.parse_args(argv)
    sizes = SIZES["quick" if a.quick else "full"]
    rounds = a.rounds or (1 if a.quick else 3)
    workloads = [w.strip() for w in a.only.split(",") if w.strip()]
    bad = [w for w in workloads if w not in sizes]
    if bad:
        ap.error(f"unknown workload(s) {bad}; choose from {list(sizes)}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"scaling: DDP steps at 1 and 2 ranks on {os.cpu_count()} core(s), {rounds} interleaved round(s); "
          f"load average {load[0]:.1f} (other jobs on the cores make the spread wide)")
    results = {}
    for w in workloads:
        steps, blocks = sizes[w]
        runs = {name: [] for name, _, _ in SETTINGS}
        for _ in range(rounds):
            for name, world, threads in SETTINGS:
                runs[name].append(run_one(w, world, threads, steps, blocks))
        rows = {}
        for name, world, _ in SETTINGS:
            reps = runs[name]
            best = min(reps, key=lambda r: r["step_s_best"])
            tput = sorted(r["samples_per_step"] / r["step_s_best"] for r in reps)
            rows[name] = {"world": world, "throughput_best": tput[-1], "throughput_median": tput[len(tput) // 2],
                          "step_ms_best": 1e3 * best["step_s_best"],
                          "allreduce_alone_ms": 1e3 * min(r["allreduce_alone_s"] for r in reps),
                          "comm_in_step_ms": 1e3 * sorted(r["comm_in_step_s"] for r in reps)[len(reps) // 2],
                          "buckets": best["buckets"], "bucket_bytes": best["bucket_bytes"],
                          "cost_model": best["cost_model"], "threads": _threads_txt(best),
                          "samples_per_step": best["samples_per_step"], "rounds": reps}
        two = rows["2 ranks"]
        for base in ("1 rank", "1 rank, 1 thread"):
            b = rows[base]
            two[f"speedup_vs_{base}"] = {"best": two["throughput_best"] / b["throughput_best"],
                                         "median": two["throughput_median"] / b["throughput_median"]}
        results[w] = {"description": runs["2 ranks"][0]["description"], "params": runs["2 ranks"][0]["params"],
                      "target": TARGET[w], "rows": rows,
                      "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
        print(f"\n{w}: {results[w]['description']} ({results[w]['params']:,} parameters)")
        print(f"  {'setting':18s} {'samples/s best':>15s} {'median':>9s} {'step ms':>8s} {'all-reduce alone':>17s} "
              f"{'in step':>8s}  threads")
        for name, r in rows.items():
            print(f"  {name:18s} {r['throughput_best']:15.0f} {r['throughput_median']:9.0f} {r['step_ms_best']:8.1f} "
                  f"{r['allreduce_alone_ms']:14.2f} ms {r['comm_in_step_ms']:5.2f} ms  {r['threads']}")
        for base in ("1 rank", "1 rank, 1 thread"):
            s = two[f"speedup_vs_{base}"]
            print(f"  speed-up of 2 ranks over {base}: {s['best']:.2f}x best, {s['median']:.2f}x median "
                  f"(target >= {TARGET[w]}x)")
        print(f"  2-rank buckets: {two['buckets']}, cap {two['bucket_bytes'] / 2**20:.2f} MiB (cost model: "
              + ", ".join(f"{k} {v:.3g}" for k, v in two["cost_model"].items() if v is not None) + ")")
    os.makedirs(os.path.dirname(a.json) or ".", exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nwrote {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
