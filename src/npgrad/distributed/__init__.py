"""``npgrad.distributed``: ``torch.distributed``'s process groups and collectives, over MPI.

Start one process per rank with an MPI launcher and join the group::

    # mpirun -n 2 python train.py
    import npgrad as torch
    import npgrad.distributed as dist
    dist.init_process_group("mpi")
    t = torch.ones(3) * dist.get_rank()
    dist.all_reduce(t)                      # in place on every rank: 0 + 1 = 1

Or launch the way torchrun does: ``python -m npgrad.distributed.run --nproc-per-node 2 train.py`` (also
``npgradrun``), which starts the ranks through mpiexec with torch's variables (RANK, WORLD_SIZE, LOCAL_RANK...).

Needs mpi4py and an MPI library (``pip install mpi4py mpich``; see docs/distributed.md). Importing this module
does not import mpi4py: MPI starts in ``init_process_group``.
"""
from .distributed_c10d import (Backend, ReduceOp, ProcessGroup, GroupMember, group, DistError, DistBackendError,
                               init_process_group, destroy_process_group, is_initialized, is_available,
                               is_mpi_available, is_gloo_available, is_nccl_available, is_torchelastic_launched,
                               get_rank, get_world_size, get_backend, new_group, get_process_group_ranks,
                               get_global_rank, get_group_rank, default_pg_timeout)
from ._collectives import (Work, Future, all_reduce, broadcast, reduce, all_gather, all_gather_into_tensor, reduce_scatter,
                           reduce_scatter_tensor, gather, scatter, all_to_all_single, send, recv, isend, irecv,
                           barrier, all_gather_object, broadcast_object_list)
from ._grad_bucket import GradBucket
from . import algorithms  # noqa: E402  (Join, ddp_comm_hooks)

__all__ = ["Backend", "ReduceOp", "ProcessGroup", "GroupMember", "group", "DistError", "DistBackendError",
           "init_process_group", "destroy_process_group", "is_initialized", "is_available", "is_mpi_available",
           "is_gloo_available", "is_nccl_available", "is_torchelastic_launched", "get_rank", "get_world_size",
           "get_backend", "new_group", "get_process_group_ranks", "get_global_rank", "get_group_rank",
           "default_pg_timeout", "Work", "Future", "GradBucket", "all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor",
           "reduce_scatter", "reduce_scatter_tensor", "gather", "scatter", "all_to_all_single", "send", "recv",
           "isend", "irecv", "barrier", "all_gather_object", "broadcast_object_list"]
