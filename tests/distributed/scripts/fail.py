"""Run under mpirun: ranks that fail. ``raise``: the last rank raises while the others wait in an all_reduce;
``timeout``: the last rank never joins the all_reduce (it sleeps), so the others time out; ``ddp``: an exception
in the middle of a DDP backward on one rank. Each must end the whole job quickly with a clear message."""
import sys
import time
from datetime import timedelta

import npgrad as torch
import npgrad.distributed as dist

mode = sys.argv[1]
dist.init_process_group("mpi", timeout=timedelta(seconds=3 if mode == "timeout" else 60))
R, N = dist.get_rank(), dist.get_world_size()
t = torch.ones(4)
dist.all_reduce(t)  # everyone is up
if mode == "raise":
    if R == N - 1:
        raise ValueError("boom: rank-specific failure")
    dist.all_reduce(t)
elif mode == "timeout":
    if R == N - 1:
        time.sleep(120)
    dist.all_reduce(t)
elif mode == "ddp":
    from npgrad.nn.parallel import DistributedDataParallel as DDP
    model = DDP(torch.nn.Linear(3, 2))

    def hook(grad):
        if R == N - 1:
            raise KeyError("boom inside backward")
        return grad
    model.module.weight.register_hook(hook)
    model(torch.ones(2, 3)).sum().backward()
    model(torch.ones(2, 3)).sum().backward()
print("unreachable: the job should have been aborted", flush=True)
