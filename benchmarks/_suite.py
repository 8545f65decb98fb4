"""The runner's machinery (see run.py): environment report, timing, subprocess measurements, table, JSON."""
import cProfile
import datetime
import gc
import io
import json
import math
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

import npgrad
import workloads
from _harness import RESULTS, interleaved

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "src"))
FRAMEWORKS = {"npgrad": npgrad, "torch": torch}


def _short(exc):
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return text if len(text) <= 140 else text[:137] + "..."


def blas_report(threads):
    """What BLAS NumPy runs (and with how many threads), what torch uses, and the OpenBLAS variables."""
    info = {"threads": threads, "torch_threads": torch.get_num_threads(),
            "torch_blas": "MKL" if torch.backends.mkl.is_available() else "other",
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
    try:
        import threadpoolctl
        for lib in threadpoolctl.threadpool_info():
            if lib.get("user_api") == "blas" and "torch" not in lib.get("filepath", ""):
                info["numpy_blas"] = (f"{lib.get('internal_api')} {lib.get('version')} "
                                      f"({lib.get('architecture')} kernels, {lib.get('threading_layer')})")
                info["numpy_blas_threads"] = lib.get("num_threads")
                info["checked_with"] = "threadpoolctl"
                break
    except ImportError:
        pass
    if "numpy_blas" not in info:
        try:
            blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            info["numpy_blas"] = f"{blas.get('name')} {blas.get('version')} (build config; runtime kernel unknown)"
        except Exception:   # older NumPy without mode="dicts"
            info["numpy_blas"] = "unknown"
        info["numpy_blas_threads"] = threads
        info["checked_with"] = "environment variables (threadpoolctl not installed)"
    return info


class Suite:
    def __init__(self, args, threads, cfg, rows):
        self.args, self.cfg, self.row_defs = args, dict(cfg), rows
        if args.repeats:
            self.cfg["repeats"] = {k: args.repeats for k in cfg["repeats"]}
        torch.set_num_threads(threads)
        self.env = blas_report(threads)
        # one thread: CPU time (the other developers' processes on the shared cores do not count against either
        # side); several threads: wall time (CPU time would charge parallel work, and spinning, several times)
        self.cpu_time = threads == 1 and not args.wall
        self.timer = time.process_time if self.cpu_time else time.perf_counter
        self.env["timer"] = "process CPU time" if self.cpu_time else "wall clock"
        self.rows = []
        self.profiles = {}

    # ---- reporting -----------------------------------------------------------------------------------------
    def header(self):
        e = self.env
        print(f"npgrad {npgrad.__version__} vs torch {torch.__version__} | numpy {np.__version__} | "
              f"Python {platform.python_version()} | {platform.machine()}, {os.cpu_count()} cores"
              f"{' | QUICK' if self.args.quick else ''}")
        print(f"threads: NumPy BLAS = {e['numpy_blas_threads']}, torch = {e['torch_threads']} "
              f""
              f"(OMP/OPENBLAS/MKL_NUM_THREADS={e['threads']} set before import, --threads to change; "
              f"checked with {e['checked_with']})")
        print(f"NumPy BLAS: {e['numpy_blas']}; torch BLAS: {e['torch_blas']}")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        e["load_average"] = load
        if e["threads"] > 1 and load > (os.cpu_count() or 1) / 2:
            print(f"warning: load average {load:.1f} on {os.cpu_count()} cores: multi-threaded timings are "
                  "unreliable while other processes run (use --threads 1)")
        if e["OPENBLAS_CORETYPE"] or e["OPENBLAS_L2_SIZE"]:
            print(f"note: OPENBLAS_CORETYPE={e['OPENBLAS_CORETYPE']} OPENBLAS_L2_SIZE={e['OPENBLAS_L2_SIZE']} are "
                  "set: NumPy's OpenBLAS runs an older kernel, which slows W3 (unset both for this command)")
        print(f"timing: {e['timer']} ({'--wall for wall clock' if self.cpu_time else 'perf_counter'}); "
              "ratio = npgrad/torch of the medians of interleaved repeats (lower is better); "
              "min: ratio of the fastest samples\n")
        print(f"{'id':<16}{'workload':<56}{'npgrad':>13}{'torch':>13}{'ratio':>8}{'min':>7}  {'target':<8}")
        sys.stdout.flush()

    def add(self, rid, npg=None, tor=None, status=None, note="", extra=None):
        title, unit, target, kind = self.row_defs[rid]
        title = title.format(**self.cfg)
        ratio = npg / tor if (npg is not None and tor) else None
        if status is None and kind == "info":   # measured, no target (e.g. torch.compile with a warm cache)
            status = "info"
        elif status is None:
            value = ratio if kind == "ratio" else npg
            status = "pass" if value is not None and value <= target else "short"
        row = {"id": rid, "workload": title, "unit": unit, "npgrad": npg, "torch": tor, "ratio": ratio,
               "target": target, "target_kind": kind, "status": status, "note": note}
        if extra:
            row.update(extra)
        self.rows.append(row)
        self._print_row(row)

    @staticmethod
    def _fmt(v, unit):
        if v is None:
            return "-"
        digits = 3 if abs(v) < 10 else 2 if abs(v) < 100 else 1 if abs(v) < 10000 else 0
        return f"{v:.{digits}f} {unit.split('/')[0]}"

    @staticmethod
    def _fmt_ratio(x):
        return f"{x:.3f}x" if x < 0.1 else f"{x:.2f}x"

    def _print_row(self, r):
        tgt = ("-" if r["target"] is None else
               f"<={r['target']:g}x" if r["target_kind"] == "ratio" else f"<={r['target']:g}{r['unit']}")
        if r["status"] in ("unsupported", "error"):
            line = f"{r['id']:<16}{r['workload']:<56}{r['status']}: {r['note']}"
            if r["torch"] is not None:
                line += f" (torch {self._fmt(r['torch'], r['unit'])})"
        else:
            ratio = "-" if r["ratio"] is None or r["target_kind"] not in ("ratio", "info") \
                else self._fmt_ratio(r["ratio"])
            rmin = self._fmt_ratio(r["ratio_min"]) if r.get("ratio_min") is not None else "-"
            mark = {"pass": "pass", "info": "info"}.get(r["status"], "SHORT")
            line = (f"{r['id']:<16}{r['workload']:<56}{self._fmt(r['npgrad'], r['unit']):>13}"
                    f"{self._fmt(r['torch'], r['unit']):>13}{ratio:>8}{rmin:>7}  {tgt:<8} {mark}")
            if r["note"]:
                line += f"  ({r['note']})"
        print(line)
        sys.stdout.flush()

    # ---- in-process workloads ------------------------------------------------------------------------------
    def timed(self, wid, per=1, builders=None):
        """Build the workload on both frameworks, check they agree on the first call, time them interleaved.
        ``builders``: {framework: builder} (default: ``workloads.BUILDERS[wid]`` for both). Returns the first
        call's time per framework (for npgrad.compile: the capture)."""
        unit = self.row_defs[wid][1]
        builders = builders or {name: workloads.BUILDERS[wid] for name in FRAMEWORKS}
        fns, first, warm, note = {}, {}, {}, ""
        for name, m in FRAMEWORKS.items():
            try:
                fns[name] = builders[name](m, self.cfg)
                t = self.timer()
                out = fns[name]()      # also the warm-up call
                warm[name] = self.timer() - t
                first[name] = workloads.to_numpy(out)
            except Exception as exc:   # a workload npgrad cannot run yet is reported, not fatal
                fns.pop(name, None)
                if name == "npgrad":
                    note = _short(exc)
                else:
                    self.add(wid, status="error", note=f"torch failed: {_short(exc)}")
                    return warm
        if len(first) == 2:
            a, b = first["npgrad"], first["torch"]
            if a.shape != b.shape or not np.allclose(a, b, rtol=2e-3, atol=1e-5):
                err = float(np.max(np.abs(a.astype(np.float64) - b))) if a.shape == b.shape else float("nan")
                note = f"results differ from torch (max abs diff {err:.3g})"
        # calibrate: loop calls so that one sample lasts at least sample_s
        inner = {}
        for name, fn in fns.items():
            dt = warm[name]
            # long calls need no second look; short ones are timed warm (a compiled row's first call is its capture:
            # always timed again, else a slow capture - W1c's, with the first capture's one-time module loads -
            # leaves one call per sample)
            if dt < self.cfg["sample_s"] or wid in workloads.COMPILED:
                t = self.timer()
                fn()
                dt = self.timer() - t
            inner[name] = max(1, min(1000, math.ceil(self.cfg["sample_s"] / max(dt, 1e-9))))
        gc.collect()
        times = interleaved(fns, repeats=self.cfg["repeats"][wid], warmup=0, inner=inner, timer=self.timer)
        med = {k: statistics.median(v) / per * workloads_scale(unit) for k, v in times.items()}
        extra = {"samples": {k: [x / per * workloads_scale(unit) for x in v] for k, v in times.items()},
                 "calls_per_sample": inner}
        if len(times) == 2:
            extra["ratio_min"] = min(times["npgrad"]) / min(times["torch"])
        if "npgrad" not in fns:
            self.add(wid, None, med.get("torch"), status="unsupported", note=note, extra=extra)
        else:
            if wid in workloads.COMPILED:
                counts = _compiler_counts()
                extra["compiler_counters"] = counts
                note = "; ".join(x for x in (note, ", ".join(f"{k} {v}" for k, v in counts.items())) if x)
            self.add(wid, med["npgrad"], med["torch"], note=note, extra=extra)
            if self.args.profile and self.rows[-1]["status"] == "short":
                self.profile(wid, fns["npgrad"], statistics.median(times["npgrad"]))
        return warm

    # ---- compiled rows -------------------------------------------------------------------------------------
    def compiled(self, wid):
        """npgrad.compile on the workload against torch eager on it, then the capture cost: npgrad's first
        compiled call over one eager npgrad step (median of a few, after a warm-up call)."""
        base = wid[:-1]
        per = self.cfg["w1_ops"] + 1 if base == "W1" else 1
        _compiler_reset()
        # a process's first capture loads what npgrad loads on first use (capture.py: _lazy.load_all, once per
        # process): timed here on its own and named in the note, so that the first compiled row's capture cost
        # is the capture's
        t = self.timer()
        from npgrad import _lazy
        _lazy.load_all()
        loads = self.timer() - t
        warm = self.timed(wid, per, {"npgrad": workloads.COMPILED[wid], "torch": workloads.BUILDERS[base]})
        row = next((r for r in self.rows if r["id"] == wid and r["status"] in ("pass", "short", "info")), None)
        if "npgrad" not in warm or row is None:
            return
        eager = workloads.BUILDERS[base](npgrad, self.cfg)
        eager()
        samples = []
        for _ in range(max(3, self.cfg["repeats"][base] // 2)):
            t = self.timer()
            eager()
            samples.append(self.timer() - t)
        step = statistics.median(samples)
        compiled_s = row["npgrad"] * per / workloads_scale(self.row_defs[wid][1])
        self.add(wid + "-cap", warm["npgrad"] / step, None,
                 note=f"first call {warm['npgrad'] * 1e3:.1f} ms, eager step {step * 1e3:.2f} ms, "
                      f"compiled {step / compiled_s:.2f}x eager's speed"
                      + (f"; the process's first capture also loads npgrad's lazy modules: {loads * 1e3:.0f} ms, "
                         f"timed apart" if loads > 1e-3 else ""),
                 extra={"first_call_s": warm["npgrad"], "eager_step_s": step})

    def torch_compile(self, wid):
        """npgrad.compile against torch.compile in child processes (see _child.py tcompile): a first child with
        every torch.compile cache in a new empty directory (cold: a user's first run of a script), then a second
        one on the cache the first left (warm: the same script run again), which also measures steady state.
        The first-steps target is judged on the cold row (the issue's first calls of 6-23 s are cold)."""
        import shutil
        import tempfile
        base = wid[:-2]
        per = self.cfg["w1_ops"] + 1 if base == "W1" else 1
        scale = workloads_scale(self.row_defs[wid][1])
        cache = tempfile.mkdtemp(prefix="npgrad_bench_tc_cache_")
        runs = {}
        try:
            for mode, steady in (("cold", 0), ("warm", 1)):
                try:
                    runs[mode] = self._child("tcompile", base, self.cfg["tc_steps"], json.dumps(self.cfg),
                                             self.args.torch_compile_backend, int(self.cpu_time), cache, steady,
                                             timeout=900)
                except Exception as exc:
                    runs[mode] = {"failed": _short(exc)}
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        warm = runs["warm"]
        if "failed" in warm:
            self.add(wid, status="error", note=f"child failed: {warm['failed']}")
        else:
            t, o = warm.get("torch"), warm.get("npgrad")
            if "error" in t:
                self.add(wid, status="error", note=f"torch.compile failed: {t['error']}")
            elif "error" in o:
                self.add(wid, None, t["steady_s"] * scale / per, status="unsupported", note=o["error"])
            else:
                agree = "" if warm["agree"] else "; results differ from torch.compile"
                self.add(wid, o["steady_s"] * scale / per, t["steady_s"] * scale / per,
                         note=f"torch.compile backend={self.args.torch_compile_backend}{agree}",
                         extra={"ratio_min": o["steady_min_s"] / t["steady_min_s"], "child": warm})
        for mode, rid in (("cold", wid + "-e2e"), ("warm", wid + "-e2e-warm")):
            out = runs[mode]
            if "failed" in out:
                self.add(rid, status="error", note=f"child failed: {out['failed']}")
                continue
            t, o = out.get("torch"), out.get("npgrad")
            if "error" in t or "error" in o:
                self.add(rid, status="error", note=t.get("error") or o.get("error"))
                continue
            ic = out.get("inductor_cache") or {}
            hits = f", fx graph cache {ic.get('fxgraph_cache_hit', 0)} hit(s) {ic.get('fxgraph_cache_miss', 0)} " \
                   f"miss(es)" if ic else ""
            self.add(rid, o["e2e_s"], t["e2e_s"],
                     note=f"first call: npgrad {o['first_s'] * 1e3:.0f} ms, torch.compile {t['first_s']:.1f} s "
                          f"({mode} cache: {out.get('cache_files') or 0} files after{hits}); wall",
                     extra={"child": out})

    def profile(self, wid, fn, seconds_per_call):
        calls = max(1, min(1000, math.ceil(0.5 / max(seconds_per_call, 1e-9))))   # ~0.5 s of work, unprofiled
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(calls):
            fn()
        prof.disable()
        out = io.StringIO()
        st = pstats.Stats(prof, stream=out)
        out.write(f"# {wid}: npgrad side, {calls} calls, sorted by own time\n")
        st.sort_stats("tottime").print_stats(30)
        out.write(f"\n# {wid}: sorted by cumulative time\n")
        st.sort_stats("cumulative").print_stats(25)
        self._save_profile(wid, out.getvalue())

    def _save_profile(self, wid, text):
        os.makedirs(RESULTS, exist_ok=True)
        path = os.path.join(RESULTS, f"profile_{wid}.txt")
        with open(path, "w") as f:
            f.write(text)
        self.profiles[wid] = path
        print(f"{'':<16}profile of the npgrad side: {os.path.relpath(path)}")

    # ---- subprocess workloads ------------------------------------------------------------------------------
    def _child(self, *argv, timeout=600):
        env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
        p = subprocess.run([sys.executable, os.path.join(HERE, "_child.py"), *map(str, argv)],
                           capture_output=True, text=True, env=env, timeout=timeout)
        if p.returncode != 0:
            lines = (p.stderr or p.stdout).strip().splitlines()
            raise RuntimeError(lines[-1] if lines else f"exit status {p.returncode}")
        return json.loads(p.stdout.strip().splitlines()[-1])

    def _both(self, *argv):
        out, err = {}, {}
        for name in FRAMEWORKS:
            try:
                out[name] = self._child(argv[0], name, *argv[1:])
            except Exception as exc:
                err[name] = _short(exc)
        return out, err

    def _add_pair(self, rid, out, err, key, extra_keys=()):
        if "torch" in err:
            self.add(rid, status="error", note=f"torch failed: {err['torch']}")
        elif "npgrad" in err:
            self.add(rid, None, out["torch"][key], status="unsupported", note=err["npgrad"])
        else:
            extra = {f"{k}_{fw}": out[fw][k] for fw in out for k in extra_keys}
            self.add(rid, out["npgrad"][key], out["torch"][key], extra=extra)

    def w4(self):
        self.timed("W4", per=1)
        out, err = self._both("peak", "W4", 1, json.dumps(self.cfg))
        self._add_pair("W4-mem", out, err, "run_peak", ("method",))

    def w8(self):
        """`python -c "import X"` (interpreter start included), alternating, best of w8_runs: the child's CPU time
        (user + system, from wait4) when timing CPU time, else wall time; the other figure goes to the JSON.

        Bytecode: torch and numpy come installed with their .pyc files. npgrad runs from src/, so the children may
        write its .pyc (PYTHONDONTWRITEBYTECODE is dropped for them; __pycache__ is git-ignored) and one untimed
        import of each module comes first: otherwise every run would compile npgrad's sources anew (~200 ms)."""
        env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        names = list(FRAMEWORKS) + ["numpy"]   # numpy alone: the floor under npgrad's import
        wall = {k: [] for k in names}
        cpu = {k: [] for k in names}
        stmt = {k: [] for k in names}
        code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
        try:
            for name in names:
                subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, env=env, timeout=300)
            for _ in range(self.cfg["w8_runs"]):
                for name in names:
                    t, r = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
                    p = subprocess.run([sys.executable, "-c", code.format(name)], capture_output=True,
                                       text=True, env=env, timeout=300)
                    wall[name].append((time.perf_counter() - t) * 1e3)
                    r2 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu[name].append((r2.ru_utime - r.ru_utime + r2.ru_stime - r.ru_stime) * 1e3)
                    if p.returncode != 0:
                        lines = p.stderr.strip().splitlines()
                        self.add("W8", status="unsupported" if name != "torch" else "error",
                                 note=f"import {name} failed: {lines[-1] if lines else p.returncode}")
                        return
                    stmt[name].append(float(p.stdout.strip()) * 1e3)
        except Exception as exc:
            self.add("W8", status="error", note=_short(exc))
            return
        main = cpu if self.cpu_time else wall
        extra = {"import_statement_wall_ms": {k: min(v) for k, v in stmt.items()},
                 "samples_cpu": cpu, "samples_wall": wall,
                 "ratio_wall": min(wall["npgrad"]) / min(wall["torch"])}
        self.add("W8", min(main["npgrad"]), min(main["torch"]),
                 note=f"wall {min(wall['npgrad']):.0f} vs {min(wall['torch']):.0f} ms; "
                      f"python -c 'import numpy' alone: {min(main['numpy']):.0f} ms", extra=extra)
        if self.args.profile and self.rows[-1]["status"] == "short":
            p = subprocess.run([sys.executable, "-X", "importtime", "-c", "import npgrad"], capture_output=True,
                               text=True, env=env)   # after the timed runs: npgrad's .pyc files exist
            rows = [ln.split("|") for ln in p.stderr.splitlines()[1:] if ln.count("|") == 2]
            rows = sorted(((int(c), int(s), n.rstrip()) for s, c, n in
                           ((r[0].split(":")[-1], r[1], r[2]) for r in rows)), reverse=True)
            text = "# W8: python -X importtime -c 'import npgrad', by cumulative us (self us)\n"
            text += "\n".join(f"{c:>10} {s:>10} {n}" for c, s, n in rows[:40]) + "\n"
            self._save_profile("W8", text)

    def w9(self):
        out, err = self._both("peak", "W3", self.cfg["w9_w3_steps"], json.dumps(self.cfg))
        self._add_pair("W9-peak", out, err, "above_import", ("import_maxrss", "maxrss", "run_peak"))
        if "npgrad" in out and "torch" in out:
            o = out
            self.rows[-1]["note"] = (f"peak RSS {o['npgrad']['maxrss']:.0f} vs {o['torch']['maxrss']:.0f} MiB; "
                                     f"bare import {o['npgrad']['import_maxrss']:.0f} vs "
                                     f"{o['torch']['import_maxrss']:.0f} MiB")
            print(f"{'':<16}({self.rows[-1]['note']})")
        out, err = self._both("growth", self.cfg["w9_warmup"], self.cfg["w9_steps"])
        self._add_pair("W9-growth", out, err, "growth", ("objects_growth",))
        if "npgrad" in out:
            self.rows[-1]["note"] = f"npgrad gc-tracked objects: {out['npgrad']['objects_growth']:+d}"
            print(f"{'':<16}({self.rows[-1]['note']})")

    # ---- driver --------------------------------------------------------------------------------------------
    def run(self):
        self.header()
        started = time.perf_counter()
        for wid in self.args.only:
            gc.collect()
            try:
                if wid == "W1":
                    self.timed("W1", per=self.cfg["w1_ops"] + 1)   # the chain's ops and the final sum
                elif wid in workloads.COMPILED:
                    self.compiled(wid)
                elif wid.endswith("tc"):
                    self.torch_compile(wid)
                elif wid == "W4":
                    self.w4()
                elif wid == "W8":
                    self.w8()
                elif wid == "W9":
                    self.w9()
                else:
                    self.timed(wid)
            except Exception as exc:   # a failure after the first call (e.g. in a later step): report, go on
                rid = {"W9": "W9-peak"}.get(wid, wid)
                if not any(r["id"] == rid for r in self.rows):
                    self.add(rid, status="error", note=_short(exc))
        elapsed = time.perf_counter() - started
        counts = {s: sum(r["status"] == s for r in self.rows) for s in ("pass", "short", "unsupported", "error")}
        print(f"\ntargets: {counts['pass']} met, {counts['short']} short, {counts['unsupported']} unsupported, "
              f"{counts['error']} errors ({elapsed:.0f} s)")
        self.save(elapsed)

    def save(self, elapsed):
        meta = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "quick": self.args.quick,
                "npgrad": npgrad.__version__, "torch": torch.__version__, "numpy": np.__version__,
                "python": platform.python_version(), "machine": platform.machine(), "cores": os.cpu_count(),
                "elapsed_s": elapsed, "config": self.cfg, **self.env}
        path = self.args.json or os.path.join(RESULTS, "bench.json")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            json.dump({"meta": meta, "rows": self.rows, "profiles": self.profiles}, f, indent=2)
        print(f"results: {os.path.relpath(path)}")


def workloads_scale(unit):
    return {"us/op": 1e6, "ms": 1e3, "s": 1.0, "x": 1.0}[unit]


def _compiler_counts():
    counters = getattr(npgrad.compiler, "counters", None)
    return {} if counters is None else {k: int(counters[k]) for k in ("captures", "replays", "graph_breaks")
                                        if k in counters}


def _compiler_reset():
    npgrad.compiler.reset()
