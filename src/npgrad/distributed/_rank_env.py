"""Started by ``npgrad.distributed.run`` through mpiexec, once per rank: export torch's per-rank environment
variables, then run the user's script (or module) as ``__main__``.

    python _rank_env.py NPROC_PER_NODE NNODES MASTER_ADDR MASTER_PORT RUN_ID MODE target args...

MODE is ``script``, ``module`` (``-m``) or ``exec`` (``--no-python``: ``target`` is a program). The rank, size and
local rank come from the variables the MPI launcher sets (MPICH's hydra: ``PMI_RANK``, ``PMI_SIZE``,
``MPI_LOCALRANKID``, ``MPI_LOCALNRANKS``; Open MPI: ``OMPI_COMM_WORLD_*``). Only the standard library is
imported here, so the user's script starts as it would under ``python``.
"""
import os
import runpy
import sys


def _first(*names):
    for n in names:
        v = os.environ.get(n)
        if v not in (None, ""):
            return int(v)
    return None


def rank_env(nproc_per_node, nnodes, master_addr, master_port, run_id):
    """torchrun's variables for this rank, from the MPI launcher's."""
    rank = _first("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK")
    size = _first("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")
    if rank is None or size is None:
        raise SystemExit("npgrad.distributed.run: this helper must be started by mpiexec (no PMI_RANK/PMI_SIZE "
                         "or OMPI_COMM_WORLD_RANK/SIZE in the environment)")
    local = _first("MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK")
    local_size = _first("MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE")
    if local is None:
        local = rank % nproc_per_node
    if local_size is None:
        local_size = nproc_per_node
    group = rank // nproc_per_node  # ranks are placed node by node (-ppn / --map-by ppr:N:node)
    return {"RANK": rank, "WORLD_SIZE": size, "LOCAL_RANK": local, "LOCAL_WORLD_SIZE": local_size,
            "GROUP_RANK": group, "GROUP_WORLD_SIZE": nnodes, "ROLE_RANK": rank, "ROLE_WORLD_SIZE": size,
            "ROLE_NAME": "default", "MASTER_ADDR": master_addr, "MASTER_PORT": master_port,
            "TORCHELASTIC_RUN_ID": run_id, "TORCHELASTIC_RESTART_COUNT": 0, "TORCHELASTIC_MAX_RESTARTS": 0,
            "TORCH_NPROC_PER_NODE": nproc_per_node}


def main(argv):
    nproc, nnodes, addr, port, run_id, mode, target, *args = argv
    for k, v in rank_env(int(nproc), int(nnodes), addr, port, run_id).items():
        os.environ[k] = str(v)
    if mode == "exec":
        os.execvp(target, [target, *args])
    sys.argv = [target, *args]
    if mode == "module":
        sys.path[0] = os.getcwd()
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.path[0] = os.path.dirname(os.path.abspath(target))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
