"""Run as a plain process (no MPI launcher): a world of one, or a clear error when WORLD_SIZE asks for more."""
import npgrad as torch
import npgrad.distributed as dist
from npgrad.nn.parallel import DistributedDataParallel as DDP

try:
    dist.init_process_group("mpi")
except RuntimeError as e:
    print("init error:", e, flush=True)
    raise SystemExit(3)
assert dist.get_rank() == 0 and dist.get_world_size() == 1
t = torch.arange(3.0)
dist.all_reduce(t, op=dist.ReduceOp.AVG)
assert t.tolist() == [0.0, 1.0, 2.0]
model = DDP(torch.nn.Linear(2, 1))
model(torch.ones(4, 2)).sum().backward()
assert model.module.weight.grad.tolist() == [[4.0, 4.0]]
dist.destroy_process_group()
print("single OK", flush=True)
