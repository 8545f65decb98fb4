"""Subprocess side of the runner: measurements that need a fresh interpreter per framework.

    python benchmarks/_child.py peak FRAMEWORK WORKLOAD STEPS CFG_JSON
    python benchmarks/_child.py growth FRAMEWORK WARMUP STEPS
    python benchmarks/_child.py tcompile WORKLOAD STEPS CFG_JSON BACKEND CPU_TIME [FRESH_CACHE]

Prints one JSON object on its last line. Memory figures are in MiB, read from the kernel (Linux): the
process's peak resident set (VmHWM in /proc/self/status, the same figure as ``ru_maxrss`` but reset at exec and
resettable through /proc/self/clear_refs; ``ru_maxrss`` where /proc is missing) and VmRSS (resident now).
"""
import gc
import json
import os
import resource
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _status_mib(key):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def maxrss_mib():
    """The process's peak resident set. VmHWM where /proc has it: Linux's ru_maxrss survives exec, so a child
    forked from a big parent (the runner, with torch loaded) would report the parent's size."""
    r = _status_mib("VmHWM")
    return r if r is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


def rss_mib():
    r = _status_mib("VmRSS")
    return r if r is not None else maxrss_mib()


def reset_peak():
    """Reset the kernel's peak-RSS mark to the current RSS; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return _status_mib("VmHWM") is not None
    except OSError:
        return False


def import_framework(name):
    if name == "torch":
        import torch
        return torch
    import npgrad
    return npgrad


def _setup(name):
    m = import_framework(name)
    threads = os.environ.get("NPGRAD_BENCH_THREADS")
    if name == "torch" and threads:
        m.set_num_threads(int(threads))
    sys.path.insert(0, HERE)
    import workloads
    return m, workloads


def cmd_peak(name, workload, steps, cfg):
    """Peak memory of running ``workload`` ``steps`` times.

    ``import_maxrss``: the bare interpreter + numpy + framework (peak RSS right after the imports).
    ``maxrss``: peak RSS at the end (model, data, steps included); ``above_import`` = maxrss - import_maxrss.
    ``run_peak``: the peak during the steps alone above the resident set just before them (model and data
    excluded), after resetting the peak mark; against the earlier peak where the kernel does not allow it."""
    m, workloads = _setup(name)
    import_maxrss = maxrss_mib()
    fn = workloads.BUILDERS[workload](m, cfg)
    gc.collect()
    build_max = maxrss_mib()
    exact = reset_peak()
    before = rss_mib() if exact else build_max
    for _ in range(steps):
        fn()
    run_max = maxrss_mib()
    end_max = max(build_max, run_max)
    return {"import_maxrss": import_maxrss, "maxrss": end_max, "above_import": end_max - import_maxrss,
            "run_peak": run_max - before, "method": "reset VmHWM" if exact else "peak RSS"}


def cmd_growth(name, warmup, steps):
    """Resident-memory growth over ``steps`` W2 training steps after ``warmup`` steps (gc.collect() before each
    reading, so only memory that is still referenced counts), and the growth in gc-tracked objects."""
    m, workloads = _setup(name)
    fn = workloads.BUILDERS["W2"](m, {})
    for _ in range(warmup):
        fn()
    gc.collect()
    r0, n0 = rss_mib(), len(gc.get_objects())
    for _ in range(steps):
        fn()
    gc.collect()
    r1, n1 = rss_mib(), len(gc.get_objects())
    return {"growth": r1 - r0, "objects_growth": n1 - n0, "rss": r1}


def cmd_tcompile(base, steps, cfg, backend, cpu_time, cache_dir="", steady=True):
    """``workloads.COMPILED[base + "c"]`` built twice, with ``torch.compile(backend=...)`` and with
    ``npgrad.compile``: each one's first call (compilation / capture included) and the first ``steps`` calls in
    all, wall clock; then (``steady``) both in steady state, interleaved (process CPU time when ``cpu_time``).
    ``cache_dir``: every on-disk cache torch.compile uses (inductor's FX graph / AOTAutograd / compiled-kernel
    cache, triton's, anything under XDG_CACHE_HOME) lives under it - empty on a first child (cold: what a user
    sees running a new script), filled by it on a second (warm: the same script run again); "" leaves inductor's
    default cache as found. Both first results are compared."""
    import time
    import numpy as np
    if cache_dir:   # before torch is imported: it reads these once
        for var, sub in (("TORCHINDUCTOR_CACHE_DIR", "inductor"), ("TRITON_CACHE_DIR", "triton"),
                         ("XDG_CACHE_HOME", "xdg")):
            os.environ[var] = os.path.join(cache_dir, sub)
    torch, workloads = _setup("torch")
    import npgrad
    from _harness import interleaved
    builder = workloads.COMPILED[base + "c"]
    fns, out, first = {}, {}, {}
    for name, m, compile in (("torch", torch, lambda f: torch.compile(f, backend=backend)),
                             ("npgrad", npgrad, npgrad.compile)):
        try:
            fn = builder(m, cfg, compile=compile)
            t = time.perf_counter()
            first[name] = workloads.to_numpy(fn())
            t1 = time.perf_counter() - t
            for _ in range(steps - 1):
                fn()
            out[name] = {"first_s": t1, "e2e_s": time.perf_counter() - t}
            fns[name] = fn
        except Exception as exc:  # reported as the row's note
            msg = str(exc).strip().splitlines()
            out[name] = {"error": f"{type(exc).__name__}: {msg[0] if msg else ''}"[:140]}
    out["agree"] = len(first) == 2 and first["torch"].shape == first["npgrad"].shape and bool(
        np.allclose(first["torch"], first["npgrad"], rtol=2e-3, atol=1e-5))
    out["cache_files"] = _count_files(cache_dir) if cache_dir else None
    try:   # inductor's own count of cache hits and misses: whether the warm run really found its cache
        from torch._dynamo.utils import counters
        out["inductor_cache"] = {k: int(v) for k, v in counters["inductor"].items() if "cache" in k}
    except Exception:
        out["inductor_cache"] = {}
    if fns and steady:
        timer = time.process_time if cpu_time else time.perf_counter
        inner = {}
        for name, fn in fns.items():
            t = timer()
            fn()
            inner[name] = max(1, min(1000, int(cfg["sample_s"] / max(timer() - t, 1e-9)) + 1))
        times = interleaved(fns, repeats=cfg["repeats"]["tc"], warmup=0, inner=inner, timer=timer)
        for name, v in times.items():
            out[name].update(steady_s=sorted(v)[len(v) // 2], steady_min_s=min(v))
    return out


def _count_files(path):
    return sum(len(files) for _, _, files in os.walk(path))


def main(argv):
    kind, name = argv[0], argv[1]
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    if kind == "peak":
        out = cmd_peak(name, argv[2], int(argv[3]), json.loads(argv[4]))
    elif kind == "tcompile":
        out = cmd_tcompile(argv[1], int(argv[2]), json.loads(argv[3]), argv[4], bool(int(argv[5])),
                           argv[6] if len(argv) > 6 else "", bool(int(argv[7])) if len(argv) > 7 else True)
    elif kind == "growth":
        out = cmd_growth(name, int(argv[2]), int(argv[3]))
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
