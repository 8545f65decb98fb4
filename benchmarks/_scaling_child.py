"""One rank of a scaling measurement (started by benchmarks/scaling.py through npgrad's launcher).

    python -m npgrad.distributed.run --nproc-per-node W benchmarks/_scaling_child.py WORKLOAD STEPS REPEATS

Times REPEATS blocks of STEPS DDP training steps after a warm-up; rank 0 prints one JSON line ``SCALING {...}``
with the step time (each block's slowest rank; best and median block), the samples per step, the all-reduce cost
(alone, for the gradients' size, and inside the step: launch + wait) and the thread settings every rank ran under.
"""
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))

import npgrad as torch  # noqa: E402
import npgrad.distributed as dist  # noqa: E402
from npgrad.distributed import _threads  # noqa: E402
from npgrad.nn.parallel import DistributedDataParallel as DDP  # noqa: E402

# workload -> (description, builder). Each builder returns (model, optimizer, list of (x, y) batches for this rank,
# global samples per step).
DIGITS_BATCH = 64        # examples/ddp_digits.py: a global batch of 64 split across the ranks
MLP_SIZES = (784, 2048, 2048, 10)   # benchmarks W3's "large MLP"
MLP_BATCH = 512          # per rank: each rank adds its own batch (data parallelism's usual weak scaling)


def digits(rank, world):
    import train_digits
    torch.manual_seed(0)
    (xtr, ytr), _ = train_digits.digits_split(0)
    model = train_digits.build_model(torch)
    per = DIGITS_BATCH // world
    rng = np.random.default_rng(rank)
    batches = []
    for _ in range(16):
        idx = rng.integers(0, len(xtr), per)
        batches.append((torch.tensor(xtr[idx]), torch.tensor(ytr[idx])))
    return model, torch.optim.Adam, batches, DIGITS_BATCH


def mlp(rank, world):
    torch.manual_seed(0)
    layers = []
    for a, b in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    rng = np.random.default_rng(rank)
    batches = [(torch.tensor(rng.standard_normal((MLP_BATCH, MLP_SIZES[0])).astype(np.float32)),
                torch.tensor(rng.integers(0, MLP_SIZES[-1], MLP_BATCH))) for _ in range(4)]
    return model, torch.optim.SGD, batches, MLP_BATCH * world


WORKLOADS = {
    "digits": (f"examples/ddp_digits.py step: CNN, global batch {DIGITS_BATCH} split across ranks, Adam", digits),
    "mlp": (f"MLP {'-'.join(map(str, MLP_SIZES))}, batch {MLP_BATCH} per rank, SGD", mlp),
}


def allreduce_alone(numel, repeats=20):
    buf = torch.zeros(numel)
    dist.all_reduce(buf)
    times = []
    for _ in range(repeats):
        dist.barrier()
        t0 = time.perf_counter()
        dist.all_reduce(buf)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    name, steps, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    dist.init_process_group("gloo", init_method="env://")
    rank, world = dist.get_rank(), dist.get_world_size()
    model, opt_cls, batches, samples = WORKLOADS[name][1](rank, world)
    ddp = DDP(model)
    opt = opt_cls(ddp.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad()
        loss_fn(ddp(x), y).backward()
        opt.step()

    for i in range(max(3, steps // 4)):
        step(i)
    blocks, comm = [], []
    for _ in range(repeats):
        dist.barrier()
        before = ddp._comm_stats()
        t0 = time.perf_counter()
        for i in range(steps):
            step(i)
        mine = np.array([time.perf_counter() - t0], dtype=np.float64)
        after = ddp._comm_stats()
        slowest = torch.tensor(mine)
        dist.all_reduce(slowest, op=dist.ReduceOp.MAX)
        blocks.append(slowest.item() / steps)
        comm.append((after["launch_s"] + after["wait_s"] - before["launch_s"] - before["wait_s"]) / steps)
    numel = sum(p.numel() for p in model.parameters())
    alone = allreduce_alone(numel) if world > 1 else 0.0
    every = [None] * world
    dist.all_gather_object(every, {k: v for k, v in _threads.chosen.items()})
    if rank == 0:
        cm = ddp._cost_model or {}
        report = {"workload": name, "description": WORKLOADS[name][0], "world": world, "steps": steps,
                  "step_s_best": min(blocks), "step_s_median": float(np.median(blocks)),
                  "samples_per_step": samples, "params": numel,
                  "allreduce_alone_s": alone, "comm_in_step_s": float(np.median(comm)),
                  "buckets": len(ddp.reducer.buckets), "bucket_bytes": ddp.bucket_bytes_cap,
                  "cost_model": {k: cm.get(k) for k in ("alpha", "beta", "overlap")},
                  "threads": every}
        sys.stdout.write("SCALING " + json.dumps(report) + "\n")
        sys.stdout.flush()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
