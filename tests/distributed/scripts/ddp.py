"""Run under mpirun: DistributedDataParallel against a single process that sees the whole batch.

Every rank also runs the single-process reference itself (the model is small), so every rank checks that its
replica equals the reference, and an all-gather checks that the replicas are identical bit for bit.
"""
import sys
from datetime import timedelta

import numpy as np

import npgrad as torch
import npgrad.distributed as dist
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("mpi", timeout=timedelta(seconds=40))
R, N = dist.get_rank(), dist.get_world_size()
assert N == int(sys.argv[1])
LOCAL = 3  # samples per rank per step


class Net(nn.Module):
    def __init__(self, extra_heads=False):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc1 = nn.Linear(4 * 4 * 4, 16)
        self.fc2 = nn.Linear(16, 3)
        if extra_heads:
            self.head_b = nn.Linear(16, 3)
            self.head_c = nn.Linear(16, 3)

    def forward(self, x, use_b=False):
        h = torch.tanh(self.fc1(F.relu(self.conv(x)).flatten(1)))
        out = self.fc2(h)
        return out + self.head_b(h) if use_b else out


def batch(step, rows=LOCAL * N, dtype=np.float32):
    rng = np.random.default_rng(500 + step)
    x = rng.standard_normal((rows, 1, 6, 6)).astype(dtype)
    y = rng.integers(0, 3, rows)
    return torch.tensor(x), torch.tensor(y)


def mine(t):
    return t[R * LOCAL:(R + 1) * LOCAL]


def params(m):
    return [p.detach().numpy().copy() for p in m.parameters()]


def identical_across_ranks(arrays, what):
    every = [None] * N
    dist.all_gather_object(every, arrays)
    for r in range(1, N):
        for a, b in zip(every[0], every[r]):
            assert (a is None and b is None) or np.array_equal(a, b), f"{what}: rank {r} differs from rank 0"


def close(got, want, what, tol):
    for i, (a, b) in enumerate(zip(got, want)):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=f"{what}: tensor {i}")


# ------------------------------------------------------------------ K steps of DDP == one process on the whole batch
def equivalence(dtype, tol, **ddp_kwargs):
    torch.set_default_dtype(torch.float64 if dtype == np.float64 else torch.float32)
    torch.manual_seed(100 + R)  # different replicas: DDP must broadcast rank 0's
    model = Net()
    torch.manual_seed(100)
    ref = Net()
    ddp = DDP(model, **ddp_kwargs)
    close(params(model), params(ref), "parameters after construction", 0)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.2, momentum=0.9)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.2, momentum=0.9)
    for step in range(4):
        x, y = batch(step, dtype=dtype)
        opt.zero_grad()
        F.cross_entropy(ddp(mine(x)), mine(y)).backward()
        opt.step()
        ref_opt.zero_grad()
        F.cross_entropy(ref(x), y).backward()  # the mean over the whole batch = the mean of the ranks' means
        ref_opt.step()
        close([p.grad.numpy() for p in model.parameters()], [p.grad.numpy() for p in ref.parameters()],
              f"averaged gradients at step {step} ({dtype.__name__}, {ddp_kwargs})", tol)
    close(params(model), params(ref), f"parameters after 4 steps ({dtype.__name__}, {ddp_kwargs})", tol)
    identical_across_ranks(params(model), "parameters after 4 steps")
    torch.set_default_dtype(torch.float32)
    return ddp


ddp = equivalence(np.float64, 1e-10)
assert len(ddp.reducer.buckets) == 1
ddp = equivalence(np.float32, 2e-5, bucket_cap_mb=0.0002)  # ~200-byte buckets: several, launched during backward
assert len(ddp.reducer.buckets) >= 3, len(ddp.reducer.buckets)
assert ddp._comm_stats()["steps"] == 4
assert list(ddp.state_dict())[0].startswith("module.") and ddp.module.fc2.out_features == 3
assert repr(ddp).startswith("DistributedDataParallel(\n  (module): Net(")

# ------------------------------------------------------------------ no_sync: accumulate locally, reduce once
torch.manual_seed(7)
model, ref = Net(), Net()
ref.load_state_dict(model.state_dict())
ddp = DDP(model)
for micro in range(3):
    x, y = batch(10 + micro)
    if micro < 2:
        with ddp.no_sync():
            F.cross_entropy(ddp(mine(x)), mine(y)).backward()
        if micro == 0:  # nothing was communicated: each rank holds the gradient of its own batch
            local = Net()
            local.load_state_dict(model.state_dict())
            F.cross_entropy(local(mine(x)), mine(y)).backward()
            close([p.grad.numpy() for p in model.parameters()], [p.grad.numpy() for p in local.parameters()],
                  "no_sync leaves local gradients", 0)
    else:
        F.cross_entropy(ddp(mine(x)), mine(y)).backward()
    F.cross_entropy(ref(x), y).backward()
close([p.grad.numpy() for p in model.parameters()], [p.grad.numpy() for p in ref.parameters()],
      "gradients accumulated over 2 no_sync steps and 1 synchronised step", 2e-5)
identical_across_ranks([p.grad.numpy() for p in model.parameters()], "accumulated gradients")

# ------------------------------------------------------------------ find_unused_parameters
torch.manual_seed(8)
model = Net(extra_heads=True)
ddp = DDP(model, find_unused_parameters=True)
local = Net(extra_heads=True)
local.load_state_dict(model.state_dict())
x, y = batch(20)
use_b = R == 0  # head_b: used by rank 0 only; head_c: used by no rank
F.cross_entropy(ddp(mine(x), use_b=use_b), mine(y)).backward()
F.cross_entropy(local(mine(x), use_b=use_b), mine(y)).backward()
assert model.head_c.weight.grad is None and model.head_c.bias.grad is None, "unused everywhere: grad untouched"
every = [None] * N
dist.all_gather_object(every, [p.grad.numpy() if p.grad is not None else None for p in local.parameters()])
names = [n for n, _ in local.named_parameters()]
for i, (name, p) in enumerate(model.named_parameters()):
    if name.startswith("head_c"):
        continue
    want = sum(e[i] for e in every if e[i] is not None) / N  # ranks without a gradient count as zeros
    np.testing.assert_allclose(p.grad.numpy(), want, rtol=2e-5, atol=2e-6, err_msg=f"find_unused {name}")
identical_across_ranks([p.grad.numpy() if p.grad is not None else None for p in model.parameters()],
                       "find_unused gradients")
# with no_sync: head_b used by the last rank in an accumulation step only, then a step that does not use it
ddp.zero_grad()
with ddp.no_sync():
    F.cross_entropy(ddp(mine(x), use_b=R == N - 1), mine(y)).backward()
kept = model.head_b.weight.grad.numpy().copy() if R == N - 1 else None
F.cross_entropy(ddp(mine(x)), mine(y)).backward()
every = [None] * N
dist.all_gather_object(every, kept)
np.testing.assert_allclose(model.head_b.weight.grad.numpy(), every[N - 1] / N, rtol=1e-6, atol=1e-7)
assert model.head_c.weight.grad is None

# ------------------------------------------------------------------ buffers follow rank 0
torch.manual_seed(9 + R)
bn_model = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.Linear(5, 2))
bn_model[1].running_mean.fill_(float(R))
ddp = DDP(bn_model)
identical_across_ranks([b.numpy().copy() for b in bn_model.buffers()], "buffers after construction")
assert np.all(bn_model[1].running_mean.numpy() == 0)
ddp(torch.tensor(np.random.default_rng(R).standard_normal((6, 4)).astype(np.float32))).sum().backward()
before = [None] * N
dist.all_gather_object(before, bn_model[1].running_mean.numpy().copy())
assert N == 1 or not np.array_equal(before[0], before[1])  # each rank updated its statistics with its own batch
ddp.eval()
with torch.no_grad():
    ddp(torch.ones(2, 4))  # forward broadcasts rank 0's buffers first
assert np.array_equal(bn_model[1].running_mean.numpy(), before[0])

# ------------------------------------------------------------------ errors every rank raises alike
if N > 1:
    try:
        DDP(nn.Linear(3, 3 + (R == N - 1)))
        raise AssertionError("different models were accepted")
    except RuntimeError as e:
        assert "same model on every rank" in str(e) and f"rank {N - 1} has parameter 'weight'" in str(e), e
try:
    DDP(nn.ReLU())
    raise AssertionError("a module without parameters was accepted")
except RuntimeError as e:
    assert "not needed" in str(e)
torch.manual_seed(10)
model = Net(extra_heads=True)
ddp = DDP(model)  # head_b/head_c never get a gradient, and find_unused_parameters is off
F.cross_entropy(ddp(mine(x)), mine(y)).backward()
try:
    ddp(mine(x))
    raise AssertionError("an unfinished reduction went unnoticed")
except RuntimeError as e:
    assert "Expected to have finished reduction" in str(e) and "head_c.weight" in str(e), e
dist.barrier()
print(f"ddp OK rank {R} of {N}", flush=True)
