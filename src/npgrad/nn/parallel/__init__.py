"""``npgrad.nn.parallel``: ``DistributedDataParallel`` (data parallelism across MPI ranks) and ``DataParallel``
(a pass-through without GPUs, as torch's)."""
from .distributed import DistributedDataParallel
from .data_parallel import DataParallel, data_parallel

__all__ = ["DistributedDataParallel", "DataParallel", "data_parallel"]
