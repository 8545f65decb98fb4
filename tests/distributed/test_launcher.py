"""The torchrun-style launcher (python -m npgrad.distributed.run / npgradrun), env:// rendezvous, and the per-rank
thread pools that init_process_group sizes - through real MPI jobs, and the launcher's command line in-process."""
import json
import os
import re
import subprocess
import sys

import pytest

from npgrad.distributed import run as launcher
from npgrad.distributed import _threads
from npgrad.distributed.distributed_c10d import _parse_init_method

from .mpi_launch import ROOT, launch, mpirun, setup


def _reports(out, n):
    reps = sorted((json.loads(m) for m in re.findall(r"REPORT (\{.*?\})(?=REPORT|RESTORED|\n|$)", out)), key=lambda r: r["rank"])
    assert [r["rank"] for r in reps] == list(range(n)), out
    return reps


def _restored(out):
    return [json.loads(m) for m in re.findall(r"RESTORED (\[.*?\])", out)]


def _share(n):
    return max(1, _threads.node_cores() // n)


@pytest.mark.mpi
def test_launcher_exports_torchs_variables(backend="gloo"):
    rc, out = launch("--nproc-per-node", 2, "--master-port", 29511, "launched.py", backend, "--flag", "x y",
                     threads=None)
    assert rc == 0, out
    for r, rep in enumerate(_reports(out, 2)):
        env = rep["env"]
        assert env["RANK"] == env["ROLE_RANK"] == env["LOCAL_RANK"] == str(r), out
        assert env["WORLD_SIZE"] == env["LOCAL_WORLD_SIZE"] == env["ROLE_WORLD_SIZE"] == "2", out
        assert env["GROUP_RANK"] == "0" and env["GROUP_WORLD_SIZE"] == "1" and env["ROLE_NAME"] == "default", out
        assert env["MASTER_ADDR"] == "127.0.0.1" and env["MASTER_PORT"] == "29511" and env["TORCHELASTIC_RUN_ID"]
        assert rep["argv"][1:] == [backend, "--flag", "x y"] and rep["argv"][0].endswith("launched.py"), out
        assert rep["main"] == "__main__" and rep["torchelastic"] is True, out
        # no thread variable set: each rank gets its share of the cores, logged once per node
        assert rep["threads"] == [_share(2)] and rep["chosen"]["source"] == "npgrad.distributed", out
    assert out.count("BLAS/OpenMP thread pools set to") == 1, out


@pytest.mark.mpi
def test_plain_mpiexec_sizes_threads_and_env_init_works_without_variables():
    """The README's way: mpiexec -n 2 python script.py, no variable set by hand."""
    rc, out = mpirun(2, "launched.py", "gloo", threads=None)
    assert rc == 0, out
    for rep in _reports(out, 2):
        assert rep["env"]["RANK"] is None and rep["threads"] == [_share(2)], out
        assert rep["chosen"]["local_ranks"] == 2 and rep["chosen"]["cores"] == _threads.node_cores(), out
    assert "thread pools set to %d thread(s) per rank" % _share(2) in out, out
    restored = _restored(out)
    assert len(restored) == 2 and all(r != [_share(2)] or _share(2) == _threads.node_cores() for r in restored)


@pytest.mark.mpi
@pytest.mark.parametrize("how", ["env", "threadpoolctl"])
def test_the_users_thread_settings_win(how):
    if how == "env":
        rc, out = mpirun(2, "launched.py", "mpi", threads=None, env={"OPENBLAS_NUM_THREADS": "2"})
        want, source = [2], "user: OPENBLAS_NUM_THREADS=2"
    else:
        rc, out = mpirun(2, "launched.py", "mpi", "--limit-first", threads=None)
        want, source = [1], "user: thread pools already limited"
    assert rc == 0, out
    for rep in _reports(out, 2):
        assert rep["threads"] == want and rep["chosen"]["source"].startswith(source), out
        assert rep["chosen"]["threads"] is None
    assert "thread pools set to" not in out, out


@pytest.mark.mpi
def test_launcher_runs_modules_and_passes_the_exit_status():
    rc, out = launch("--nproc_per_node=2", "-m", "launched", "mpi", threads=None,
                     env={"PYTHONPATH": os.pathsep.join([os.path.join(ROOT, "src"),
                                                         os.path.join(ROOT, "tests", "distributed", "scripts")])})
    assert rc == 0, out
    assert all(r["main"] == "__main__" for r in _reports(out, 2)), out
    rc, out = launch("--nproc-per-node", 2, "fail.py", "raise", timeout=60)
    assert rc != 0 and "boom: rank-specific failure" in out, out


def _cmd(*argv):
    return launcher.build_command(launcher._parser().parse_args([str(a) for a in argv]))


def test_launcher_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("NPGRAD_MPIEXEC", sys.executable)  # a program that is surely there; flavour: mpich
    monkeypatch.setattr(launcher, "flavour", lambda exe: "mpich")
    cmd = _cmd("--nproc-per-node", 3, "train.py", "--lr", "0.1")
    assert cmd[:5] == [sys.executable, "-n", "3", "-ppn", "3"], cmd
    assert cmd[5:8] == [sys.executable, launcher.HELPER, "3"] and cmd[-3:] == ["train.py", "--lr", "0.1"], cmd
    hosts = tmp_path / "hosts"
    hosts.write_text("node1\nnode2\n")
    cmd = _cmd("--nproc-per-node", 2, "--nnodes", 2, "--hostfile", hosts, "--master-addr", "node1", "t.py")
    assert cmd[1:7] == ["-n", "4", "-ppn", "2", "-f", str(hosts)] and "node1" in cmd, cmd
    assert _cmd("--nproc-per-node", "cpu", "t.py")[2] == str(_threads.node_cores())
    monkeypatch.setattr(launcher, "flavour", lambda exe: "openmpi")
    cmd = _cmd("--nproc-per-node", 2, "--nnodes", 2, "--hostfile", hosts, "t.py")
    assert cmd[1:7] == ["-n", "4", "--map-by", "ppr:2:node", "--hostfile", str(hosts)], cmd
    for bad, msg in [(("--nnodes", 2, "t.py"), "needs --hostfile"), (("--nnodes", "1:2", "t.py"), "elastic"),
                     (("--nproc-per-node", 0, "t.py"), "at least 1"), (("--nproc-per-node", "gpu", "t.py"), "CPUs")]:
        with pytest.raises(SystemExit, match=msg):
            _cmd(*bad)


def test_launcher_on_another_node_explains_and_exits(capsys):
    assert launcher.main(["--nnodes", "2", "--node-rank", "1", "--hostfile", "h", "t.py"]) == 0
    assert "started from node 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        launcher.main(["-m", "--no-python", "x"])


def test_console_script_npgradrun():
    text = open(os.path.join(ROOT, "pyproject.toml")).read()
    assert 'npgradrun = "npgrad.distributed.run:main"' in text and "threadpoolctl" in text
    exe = os.path.join(os.path.dirname(sys.executable), "npgradrun")  # installed by pip install -e .
    out = subprocess.run([exe, "--dry-run", "--nproc-per-node", "2", "t.py", "--x"], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, NPGRAD_MPIEXEC=sys.executable))
    assert out.returncode == 0 and " -n 2 " in out.stdout and out.stdout.rstrip().endswith("t.py --x"), out


def test_rank_helper_derives_torchs_variables(monkeypatch):
    from npgrad.distributed import _rank_env
    for k in ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS", "OMPI_COMM_WORLD_RANK",
              "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_RANK"):
        monkeypatch.delenv(k, raising=False)
    with pytest.raises(SystemExit, match="started by mpiexec"):
        _rank_env.rank_env(2, 1, "a", 1, "id")
    monkeypatch.setenv("OMPI_COMM_WORLD_RANK", "5")
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "8")
    env = _rank_env.rank_env(4, 2, "host", 29500, "id")
    assert (env["RANK"], env["WORLD_SIZE"], env["LOCAL_RANK"], env["LOCAL_WORLD_SIZE"], env["GROUP_RANK"],
            env["GROUP_WORLD_SIZE"]) == (5, 8, 1, 4, 1, 2)


def test_init_method_urls():
    assert _parse_init_method(None) == (None, None)
    assert _parse_init_method("env://") == (None, None)
    assert _parse_init_method("tcp://10.0.0.1:23456?rank=1&world_size=4") == (1, 4)
    assert _parse_init_method("file:///tmp/x?world_size=2") == (None, 2)
    with pytest.raises(ValueError, match="unsupported scheme"):
        _parse_init_method("nccl://x")
    with pytest.raises(ValueError, match="rank must be an integer"):
        _parse_init_method("tcp://h:1?rank=a")


def test_threads_are_left_alone_when_the_user_set_them(monkeypatch):
    for k in _threads.USER_VARS:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    info = _threads.configure(local_ranks=2)
    assert info["threads"] is None and info["source"] == "user: OMP_NUM_THREADS=3"


def test_setup_finds_mpi():
    assert setup()[0] is not None or "mpi4py" in setup()[1]
