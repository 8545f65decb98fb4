"""Smoke test of the benchmark suite (benchmarks/run.py): it runs, and its JSON has the documented shape.

Timings are never checked here: the targets are goals for the engine, reported by `make bench`, not assertions.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benchmarks")
ROW_KEYS = {"id", "workload", "unit", "npgrad", "torch", "ratio", "target", "target_kind", "status", "note"}


def _env():
    return dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))


def test_quick_run_writes_results(tmp_path):
    out = tmp_path / "bench.json"
    p = subprocess.run([sys.executable, os.path.join(BENCH, "run.py"), "--quick", "--only", "W1,W7",
                        "--json", str(out)], capture_output=True, text=True, env=_env(), timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text())
    meta = data["meta"]
    assert meta["quick"] is True
    assert meta["threads"] == meta["torch_threads"] == meta["numpy_blas_threads"]
    assert meta["numpy_blas"] and meta["timer"]
    assert [r["id"] for r in data["rows"]] == ["W1", "W7"]
    for row in data["rows"]:
        assert ROW_KEYS <= set(row), row
        assert row["status"] in ("pass", "short", "unsupported"), row
        assert row["target_kind"] == "ratio" and row["target"] > 0
        assert row["torch"] > 0
        if row["status"] != "unsupported":
            assert row["npgrad"] > 0 and abs(row["ratio"] - row["npgrad"] / row["torch"]) < 1e-9
            assert len(row["samples"]["npgrad"]) == len(row["samples"]["torch"]) == meta["config"]["repeats"][row["id"]]
            # the two frameworks computed the same values on the first call (identical weights and inputs)
            assert "differ" not in row["note"], row["note"]
        # every row is printed with its target and a mark
        line = next(ln for ln in p.stdout.splitlines() if ln.startswith(row["id"] + " "))
        assert ("pass" in line or "SHORT" in line or "unsupported" in line) and (
            row["status"] == "unsupported" or f"<={row['target']:g}x" in line), line


def test_unknown_workload_is_a_usage_error():
    p = subprocess.run([sys.executable, os.path.join(BENCH, "run.py"), "--only", "W2,W99"],
                       capture_output=True, text=True, env=_env(), timeout=60)
    assert p.returncode == 2 and "W99" in p.stderr


def test_memory_child_reports_peak_and_growth():
    def child(*argv):
        p = subprocess.run([sys.executable, os.path.join(BENCH, "_child.py"), *argv], capture_output=True,
                           text=True, env=_env(), timeout=120)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout.strip().splitlines()[-1])

    peak = child("peak", "npgrad", "W4", "1", json.dumps({"w4_ops": 2000}))
    assert set(peak) == {"import_maxrss", "maxrss", "above_import", "run_peak", "method"}
    assert peak["maxrss"] >= peak["import_maxrss"] > 0 and peak["run_peak"] >= 0
    growth = child("growth", "npgrad", "1", "2")
    assert set(growth) == {"growth", "objects_growth", "rss"} and growth["rss"] > 0


def test_quick_run_compiled_rows(tmp_path):
    """W10, a compiled row with its capture-cost row, and a torch.compile row (backend 'eager' keeps it fast)."""
    out = tmp_path / "bench.json"
    p = subprocess.run([sys.executable, os.path.join(BENCH, "run.py"), "--quick", "--only", "W10,W1c,W1tc",
                        "--torch-compile-backend", "eager", "--json", str(out)],
                       capture_output=True, text=True, env=_env(), timeout=300)
    assert p.returncode == 0, p.stderr
    rows = {r["id"]: r for r in json.loads(out.read_text())["rows"]}
    assert list(rows) == ["W10", "W1c", "W1c-cap", "W1tc", "W1tc-e2e", "W1tc-e2e-warm"], list(rows)
    for rid, row in rows.items():
        assert ROW_KEYS <= set(row), row
        assert row["status"] in (("info",) if rid.endswith("-warm") else ("pass", "short")), row
        assert row["npgrad"] > 0 and "differ" not in row["note"], row
        line = next(ln for ln in p.stdout.splitlines() if ln.startswith(rid + " "))
        assert ("info" if rid.endswith("-warm") else "pass") in line or "SHORT" in line, line
    for rid in ("W10", "W1c", "W1tc", "W1tc-e2e"):
        assert rows[rid]["target_kind"] == "ratio" and rows[rid]["torch"] > 0
        assert abs(rows[rid]["ratio"] - rows[rid]["npgrad"] / rows[rid]["torch"]) < 1e-9
    # the compiled rows ran replays (not an eager pass-through), and say so
    assert rows["W1c"]["compiler_counters"]["replays"] > 0 and "replays" in rows["W1c"]["note"], rows["W1c"]
    cap = rows["W1c-cap"]
    assert cap["target_kind"] == "abs" and cap["target"] == 20 and cap["torch"] is None
    assert abs(cap["npgrad"] - cap["first_call_s"] / cap["eager_step_s"]) < 1e-9
    child = rows["W1tc"]["child"]
    assert child["agree"] and child["torch"]["first_s"] > 0 and child["npgrad"]["e2e_s"] >= child["npgrad"]["first_s"]
    assert "backend=eager" in rows["W1tc"]["note"]
    # the first-steps rows: a cold cache (judged, target 0.2) and a warm one (no target), each its own child
    cold, warm = rows["W1tc-e2e"], rows["W1tc-e2e-warm"]
    assert cold["target"] == 0.2 and warm["target"] is None and warm["target_kind"] == "info"
    assert "cold cache" in cold["note"] and "warm cache" in warm["note"]
    assert cold["child"] is not warm["child"] and "steady_s" not in cold["child"]["torch"]


def test_no_torch_compile_flag_drops_those_rows():
    import importlib.util
    spec = importlib.util.spec_from_file_location("npgrad_bench_run", os.path.join(BENCH, "run.py"))
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    every = run.parse_args([]).only
    assert {"W10", "W1c", "W2c", "W5c", "W6c", "W10c", "W1tc", "W10tc"} <= set(every)
    assert not any(w.endswith("tc") for w in run.parse_args(["--no-torch-compile"]).only)
    assert run.parse_args(["--only", "w2C,w10"]).only == ["W2c", "W10"]
