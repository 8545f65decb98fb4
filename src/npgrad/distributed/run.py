"""``npgradrun`` / ``python -m npgrad.distributed.run``: torchrun's command line, over MPI's own launcher.

    python -m npgrad.distributed.run --nproc-per-node 2 train.py --epochs 3
    npgradrun --nproc-per-node 4 --nnodes 2 --hostfile hosts train.py      # two nodes, started from one

Starts ``nproc-per-node × nnodes`` ranks with mpiexec (the one next to this Python, i.e. the ``mpich`` package's,
else the first on PATH; ``NPGRAD_MPIEXEC`` overrides) and gives each torch's environment variables: ``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``, ``GROUP_RANK``, ``GROUP_WORLD_SIZE``, ``ROLE_RANK``,
``ROLE_WORLD_SIZE``, ``ROLE_NAME``, ``MASTER_ADDR``, ``MASTER_PORT``, ``TORCHELASTIC_RUN_ID`` (and
``TORCHELASTIC_RESTART_COUNT``/``MAX_RESTARTS`` = 0), so scripts written for torchrun run unchanged and
``init_process_group(init_method="env://")`` finds its rank. MPI does the rendezvous: ``MASTER_ADDR``/``PORT`` are
exported for scripts that read them but no TCP store is started.

Several nodes: MPI starts every rank from one node, over ssh, from a hostfile (``--hostfile``, one host per
line). Run the command on one node (``--node-rank 0``, the default); with another ``--node-rank`` it explains
this and exits, so the torchrun habit of running the same command on every node does no harm. Not supported
(torchrun's elastic features): ``--nnodes MIN:MAX``, restarts, rendezvous backends.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import uuid

HELPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_rank_env.py")


def _parser():
    p = argparse.ArgumentParser(prog="npgradrun", description="Start a data-parallel npgrad job the way torchrun "
                                "does, with MPI's launcher (mpiexec).")
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1",
                   help="ranks per node: a number, or 'auto'/'cpu' for one per core (default 1)")
    p.add_argument("--nnodes", default="1", help="number of nodes (default 1); more than one needs --hostfile")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0,
                   help="this node's rank; MPI starts all nodes from node 0")
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1",
                   help="exported as MASTER_ADDR (MPI does the rendezvous; default 127.0.0.1)")
    p.add_argument("--master-port", "--master_port", type=int, default=29500,
                   help="exported as MASTER_PORT (default 29500)")
    p.add_argument("--hostfile", "-f", default=None,
                   help="MPI hostfile: the nodes to start ranks on (one host name per line)")
    p.add_argument("--standalone", action="store_true", help="single-node job (torchrun's flag; the default here)")
    p.add_argument("--rdzv-id", "--rdzv_id", "--run-id", "--run_id", default=None,
                   help="exported as TORCHELASTIC_RUN_ID (default: a fresh id)")
    p.add_argument("--mpiexec", default=None, help="the MPI launcher to use (default: NPGRAD_MPIEXEC, the one next "
                                                   "to this Python, or mpiexec on PATH)")
    p.add_argument("--dry-run", action="store_true", help="print the mpiexec command instead of running it")
    p.add_argument("-m", "--module", action="store_true", help="run the target as a module, as `python -m`")
    p.add_argument("--no-python", "--no_python", action="store_true",
                   help="run the target as a program, without python")
    p.add_argument("training_script", help="the script (or module with -m, or program with --no-python)")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def find_mpiexec(explicit: str | None = None) -> str:
    """The MPI launcher: the explicit one, ``NPGRAD_MPIEXEC``, the one next to this Python, or PATH's."""
    for cand in (explicit, os.environ.get("NPGRAD_MPIEXEC")):
        if cand:
            return cand
    for name in ("mpiexec", "mpirun"):
        here = os.path.join(os.path.dirname(sys.executable), name)
        if os.access(here, os.X_OK):
            return here
    for name in ("mpiexec", "mpirun"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("npgradrun: no MPI launcher found (mpiexec); install one next to this Python with "
                     "`pip install mpich mpi4py`, or point NPGRAD_MPIEXEC at it (see docs/distributed.md)")


def flavour(launcher: str) -> str:
    """'openmpi' or 'mpich' (hydra, the default guess), from ``launcher --version``."""
    try:
        out = subprocess.run([launcher, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "mpich"
    return "openmpi" if ("Open MPI" in out or "OpenRTE" in out or "prterun" in out) else "mpich"


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def build_command(args: argparse.Namespace) -> list[str]:
    """The mpiexec command line that starts the job."""
    per = args.nproc_per_node
    if per in ("auto", "cpu"):
        per = _cores()
    elif per == "gpu":
        raise SystemExit("npgradrun: --nproc-per-node gpu: npgrad runs on CPUs; give a number or 'cpu'")
    try:
        per = int(per)
        nnodes = int(args.nnodes)
    except ValueError:
        raise SystemExit(f"npgradrun: --nproc-per-node and --nnodes must be integers (elastic ranges such as "
                         f"1:2 are not supported), got {args.nproc_per_node!r}, {args.nnodes!r}") from None
    if per < 1 or nnodes < 1:
        raise SystemExit("npgradrun: --nproc-per-node and --nnodes must be at least 1")
    if nnodes > 1 and not args.hostfile:
        raise SystemExit("npgradrun: --nnodes > 1 needs --hostfile (the nodes' host names, one per line): MPI starts "
                         "the ranks of every node from this one (see docs/distributed.md)")
    launcher = find_mpiexec(args.mpiexec)
    total = per * nnodes
    cmd = [launcher, "-n", str(total)]
    if flavour(launcher) == "openmpi":
        cmd += ["--map-by", f"ppr:{per}:node"]
        if args.hostfile:
            cmd += ["--hostfile", args.hostfile]
        if per > _cores():
            cmd.append("--oversubscribe")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-run-as-root")
    else:
        cmd += ["-ppn", str(per)]
        if args.hostfile:
            cmd += ["-f", args.hostfile]
    mode = "exec" if args.no_python else ("module" if args.module else "script")
    run_id = args.rdzv_id or uuid.uuid4().hex[:12]
    cmd += [sys.executable, HELPER, str(per), str(nnodes), args.master_addr, str(args.master_port), run_id, mode,
            args.training_script, *args.training_script_args]
    return cmd


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.module and args.no_python:
        raise SystemExit("npgradrun: --module and --no-python cannot be combined")
    if args.node_rank != 0:
        print(f"npgradrun: node rank {args.node_rank}: nothing to start here. With MPI the whole job is started from "
              "node 0 (--node-rank 0 with --hostfile), which starts the ranks of every node over ssh.",
              file=sys.stderr)
        return 0
    cmd = build_command(args)
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(cmd[0], cmd)  # mpiexec replaces us: signals (Ctrl-C) and the exit status are its


if __name__ == "__main__":
    sys.exit(main())
