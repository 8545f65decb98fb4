"""Data-parallel training of the digits CNN over MPI: the demo of train_digits.py, split across processes.

    mpirun -n 2 python examples/ddp_digits.py          # two processes, each on half of every batch
    mpirun -n 1 python examples/ddp_digits.py          # the same script on one process
    python examples/ddp_digits.py                      # one process without a launcher works too
    python -m npgrad.distributed.run --nproc-per-node 2 examples/ddp_digits.py   # torchrun's way (npgradrun)

No thread variable needs setting: init_process_group gives each rank's BLAS its share of the cores (one thread
per rank for two ranks on two cores) and says so once.

Each rank holds a replica of the model (DistributedDataParallel broadcasts rank 0's weights), takes its share of
every epoch through a DistributedSampler, and computes gradients on ``batch_size / world_size`` samples; DDP
averages the gradients across ranks during backward, so every rank takes the same optimizer step on the
gradient of the whole batch of ``batch_size`` - the single-process demo's training, done by several processes.
The model, data split, optimizer and schedule are train_digits.py's. Needs mpi4py and an MPI library
(``pip install mpi4py mpich``, see docs/distributed.md) and scikit-learn.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_digits  # noqa: E402  (digits_split, build_model)

import npgrad as torch  # noqa: E402
import npgrad.distributed as dist  # noqa: E402
from npgrad.nn.parallel import DistributedDataParallel as DDP  # noqa: E402
from npgrad.utils.data.distributed import DistributedSampler  # noqa: E402


def train(epochs=10, batch_size=64, lr=0.01, seed=0, log=print):
    """Train on every rank; returns a dict with the history, the accuracy and the timings (equal on all ranks)."""
    rank, world = dist.get_rank(), dist.get_world_size()
    say = log if rank == 0 else (lambda *a: None)
    torch.manual_seed(seed)
    (xtr, ytr), (xte, yte) = train_digits.digits_split(seed)
    xtr, ytr, xte, yte = (torch.tensor(a) for a in (xtr, ytr, xte, yte))
    model = DDP(train_digits.build_model(torch))
    dataset = torch.utils.data.TensorDataset(xtr, ytr)
    sampler = DistributedSampler(dataset, shuffle=True, seed=seed)
    per_rank = max(1, batch_size // world)  # the global batch stays (about) batch_size
    loader = torch.utils.data.DataLoader(dataset, batch_size=per_rank, sampler=sampler)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, epochs=epochs,
                                                    steps_per_epoch=len(loader))
    loss_fn = torch.nn.CrossEntropyLoss()
    history = []
    dist.barrier()
    start = time.perf_counter()
    for epoch in range(epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        totals = torch.zeros(2, dtype=torch.float64)
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()  # DDP all-reduces the gradients here
            optimizer.step()
            scheduler.step()
            totals += torch.tensor([loss.item() * len(yb), len(yb)], dtype=torch.float64)
        dist.all_reduce(totals)  # the epoch's training loss over all ranks' samples
        test_loss, test_acc = evaluate(model.module, xte, yte)
        history.append({"epoch": epoch + 1, "train_loss": (totals[0] / totals[1]).item(), "test_loss": test_loss,
                        "test_accuracy": test_acc})
        say(f"[ddp x{world}] epoch {epoch + 1:2d}  train loss {history[-1]['train_loss']:.4f}  test loss "
            f"{test_loss:.4f}  test accuracy {test_acc:.2%}")
    seconds = time.perf_counter() - start
    stats = model._comm_stats()
    numel = sum(p.numel() for p in model.parameters())
    return {"world": world, "history": history, "accuracy": history[-1]["test_accuracy"], "seconds": seconds,
            "steps": stats["steps"], "comm_per_step_s": (stats["launch_s"] + stats["wait_s"]) / max(1, stats["steps"]),
            "allreduce_s": allreduce_latency(numel), "numel": numel,
            "same_on_all_ranks": replicas_identical(model), "threads": threads_per_rank()}


def threads_per_rank():
    """This rank's BLAS thread count and who chose it (init_process_group, or the user's variables)."""
    from npgrad.distributed import _threads
    pools = "/".join(str(n) for _, n in _threads.chosen.get("pools", [])) or "?"
    src = _threads.chosen.get("source", "")
    return f"{pools} ({'set by init_process_group' if src == 'npgrad.distributed' else src})"


def evaluate(model, x, y):
    """Test loss and accuracy, each rank scoring its share of the test set (every world-th sample)."""
    rank, world = dist.get_rank(), dist.get_world_size()
    model.eval()
    with torch.no_grad():
        logits = model(x[rank::world])
        mine = y[rank::world]
        sums = torch.tensor([torch.nn.functional.cross_entropy(logits, mine, reduction="sum").item(),
                             (logits.argmax(dim=1) == mine).sum().item()], dtype=torch.float64)
    model.train()
    dist.all_reduce(sums)
    return (sums[0] / len(y)).item(), (sums[1] / len(y)).item()


def allreduce_latency(numel, repeats=200):
    """Median time of an all-reduce of the model's gradient size (float32), measured on its own."""
    buf = torch.zeros(numel)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        dist.all_reduce(buf)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def replicas_identical(model):
    mine = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    every = [None] * dist.get_world_size()
    dist.all_gather_object(every, mine)
    return all(np.array_equal(every[0], e) for e in every)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64, help="global batch, split across the ranks")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    dist.init_process_group("mpi")
    try:
        r = train(args.epochs, args.batch_size, args.lr, args.seed)
        if dist.get_rank() == 0:
            print(f"[ddp x{r['world']}] test accuracy {r['accuracy']:.2%} in {r['seconds']:.1f} s; replicas identical:"
                  f" {r['same_on_all_ranks']}; all-reduce of the {r['numel']} gradients: "
                  f"{1e6 * r['allreduce_s']:.0f} us alone, {1e6 * r['comm_per_step_s']:.0f} us per step in backward "
                  f"(with the wait for the slowest rank); BLAS threads per rank: {r['threads']}", flush=True)
    finally:
        dist.destroy_process_group()
    return r


if __name__ == "__main__":
    main()
