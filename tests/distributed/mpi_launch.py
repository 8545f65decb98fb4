"""Start real MPI jobs from the tests: find a launcher that matches mpi4py's MPI library and run scripts with it.

Open MPI refuses to run as root and to start more ranks than cores unless told (``--allow-run-as-root``,
``--oversubscribe``); MPICH's hydra needs neither. Every job runs in its own session with a timeout, and a job
that overruns it is killed as a whole (its process group), so a hanging collective fails the test instead of
hanging the suite.
"""
import functools
import os
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(HERE, "scripts")


THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")


def _env(threads="1"):
    """The jobs' environment: one BLAS thread per rank by default (ranks already share the cores); with
    ``threads=None`` no thread variable at all, as a user who sets none (init_process_group then chooses)."""
    env = dict(os.environ)
    paths = [os.path.join(ROOT, "src"), ROOT, SCRIPTS]
    env["PYTHONPATH"] = os.pathsep.join(paths + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    for k in THREAD_VARS:
        env.pop(k, None)
        if threads is not None and k in THREAD_VARS[:3]:
            env[k] = threads
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "MASTER_ADDR", "MASTER_PORT",
              "TORCHELASTIC_RUN_ID"):
        env.pop(k, None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _flavour(launcher):
    try:
        out = subprocess.run([launcher, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    if "Open MPI" in out or "OpenRTE" in out or "prterun" in out:
        return "openmpi"
    if "HYDRA" in out or "MPICH" in out or "Intel" in out:
        return "mpich"
    return "unknown"


@functools.lru_cache(maxsize=None)
def setup():
    """(launcher command prefix, None) when MPI jobs can run here, else (None, why not)."""
    try:
        import importlib.util
        if importlib.util.find_spec("mpi4py") is None:
            return None, "mpi4py is not installed (pip install mpi4py mpich; see docs/distributed.md)"
    except ImportError:
        return None, "mpi4py is not installed (pip install mpi4py mpich; see docs/distributed.md)"
    probe = subprocess.run([sys.executable, "-c", "from mpi4py import MPI; print(MPI.Get_library_version())"],
                           capture_output=True, text=True, timeout=60, env=_env())
    if probe.returncode != 0:
        return None, f"mpi4py cannot load an MPI library: {probe.stderr.strip().splitlines()[-1:]}"
    library = "openmpi" if "Open MPI" in probe.stdout else "mpich"
    bindir = os.path.dirname(sys.executable)
    candidates = [os.path.join(bindir, n) for n in ("mpiexec", "mpirun")]
    candidates += [shutil.which(n) for n in ("mpiexec", "mpirun")]
    for launcher in candidates:
        if launcher and os.path.exists(launcher) and _flavour(launcher) == library:
            cmd = [launcher]
            if library == "openmpi":
                cmd.append("--oversubscribe")
                if hasattr(os, "geteuid") and os.geteuid() == 0:
                    cmd.append("--allow-run-as-root")
            return cmd, None
    return None, f"no mpiexec/mpirun for mpi4py's MPI library ({library}) next to {sys.executable} or on PATH"


def mpirun(n, script, *args, timeout=60, threads="1", env=None):
    """Run ``python script args`` on ``n`` ranks; returns (exit code, stdout+stderr)."""
    cmd, why = setup()
    if cmd is None:
        raise RuntimeError(why)
    path = script if os.path.isabs(script) else os.path.join(SCRIPTS, script)
    return _run(cmd + ["-n", str(n), sys.executable, path, *map(str, args)], timeout, threads, env)


def launch(*argv, timeout=60, threads="1", env=None):
    """Run ``python -m npgrad.distributed.run argv...`` (the torchrun-style launcher); (exit code, output)."""
    cmd, why = setup()
    if cmd is None:
        raise RuntimeError(why)
    argv = [a if not str(a).endswith(".py") or os.path.isabs(a) else os.path.join(SCRIPTS, a) for a in argv]
    e = dict(env or {})
    e.setdefault("NPGRAD_MPIEXEC", cmd[0])
    return _run([sys.executable, "-m", "npgrad.distributed.run", *map(str, argv)], timeout, threads, e)


def _run(full, timeout, threads, extra):
    env = _env(threads)
    env.update(extra or {})
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            cwd=ROOT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the launcher and the ranks it started
        out, _ = proc.communicate()
        raise AssertionError(f"MPI job {' '.join(full)} did not finish within {timeout} s:\n{out}") from None
    return proc.returncode, out


def python(script, *args, env=None, timeout=60):
    """Run a script as one plain process (no launcher); returns (exit code, stdout+stderr)."""
    e = _env()
    e.update(env or {})
    path = script if os.path.isabs(script) else os.path.join(SCRIPTS, script)
    p = subprocess.run([sys.executable, path, *map(str, args)], capture_output=True, text=True, env=e, cwd=ROOT,
                       timeout=timeout)
    return p.returncode, p.stdout + p.stderr
