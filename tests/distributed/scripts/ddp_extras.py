"""Run under mpiexec: SyncBatchNorm, DDP comm hooks, join() and the cost-model buckets, each against a single
process that sees the whole (concatenated) batch, which every rank computes itself.

Ranks get uneven shares on purpose (rank r holds r + 2 samples of each step's batch) where the maths allows it.
"""
import sys
from datetime import timedelta

import numpy as np

import npgrad as torch
import npgrad.distributed as dist
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad.distributed.algorithms.ddp_comm_hooks import default_hooks
from npgrad.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("gloo", init_method="env://", timeout=timedelta(seconds=60))
R, N = dist.get_rank(), dist.get_world_size()
assert N == int(sys.argv[1])
SIZES = [r + 2 for r in range(N)]          # samples per rank per step
TOTAL = sum(SIZES)
LO, HI = sum(SIZES[:R]), sum(SIZES[:R + 1])
TOL = dict(rtol=2e-5, atol=2e-6)           # float32 rounding


def data(step, shape=(1, 6, 6), classes=3):
    rng = np.random.default_rng(1000 + step)
    x = rng.standard_normal((TOTAL,) + shape).astype(np.float32)
    return torch.tensor(x), torch.tensor(rng.integers(0, classes, TOTAL))


def close(got, want, what, **tol):
    for i, (a, b) in enumerate(zip(got, want)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), err_msg=f"{what}: tensor {i}", **(tol or TOL))


def identical_across_ranks(arrays, what):
    every = [None] * N
    dist.all_gather_object(every, [np.asarray(a) for a in arrays])
    for r in range(1, N):
        for a, b in zip(every[0], every[r]):
            assert np.array_equal(a, b), f"{what}: rank {r} differs from rank 0"


def grads(m):
    return [p.grad.numpy().copy() for p in m.parameters()]


def weights(m):
    return [p.detach().numpy().copy() for p in m.parameters()]


# ------------------------------------------------------------------ SyncBatchNorm == BatchNorm on the whole batch
def bn_net(norm):
    return nn.Sequential(nn.Conv2d(1, 3, 3), norm(3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 4 * 4, 3))


torch.manual_seed(1)
ref = bn_net(nn.BatchNorm2d)
model = nn.SyncBatchNorm.convert_sync_batchnorm(bn_net(nn.BatchNorm2d))
model.load_state_dict(ref.state_dict())
assert type(model[1]).__name__ == "SyncBatchNorm"
ddp = DDP(model)
opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
for step in range(3):
    x, y = data(step)
    opt.zero_grad()
    out = ddp(x[LO:HI])
    assert out.grad_fn is not None
    # the mean over the whole batch: each rank's sum, scaled so that DDP's average over ranks gives it
    (F.cross_entropy(out, y[LO:HI], reduction="sum") * (N / TOTAL)).backward()
    ref_opt.zero_grad()
    ref_out = ref(x)
    F.cross_entropy(ref_out, y).backward()
    close([out.detach().numpy()], [ref_out.detach().numpy()[LO:HI]], f"SyncBatchNorm forward, step {step}")
    close(grads(model), grads(ref), f"SyncBatchNorm gradients, step {step}")
    close([model[1].running_mean.numpy(), model[1].running_var.numpy()],
          [ref[1].running_mean.numpy(), ref[1].running_var.numpy()], f"running statistics, step {step}")
    opt.step()
    ref_opt.step()
assert int(model[1].num_batches_tracked) == 3
close(weights(model), weights(ref), "weights after 3 steps with SyncBatchNorm")
identical_across_ranks(weights(model) + [model[1].running_var.numpy()], "SyncBatchNorm model")
ddp.eval()
with torch.no_grad():
    close([ddp(x[LO:HI]).numpy()], [ref.eval()(x).numpy()[LO:HI]], "SyncBatchNorm in eval mode")
# momentum=None (cumulative average) and 2-D input
torch.manual_seed(2)
sbn, bn = nn.SyncBatchNorm(4, momentum=None), nn.BatchNorm1d(4, momentum=None)
for step in range(2):
    x = torch.tensor(np.random.default_rng(step).standard_normal((TOTAL, 4)).astype(np.float32) * 3 + 1)
    close([sbn(x[LO:HI]).detach().numpy()], [bn(x).detach().numpy()[LO:HI]], "SyncBatchNorm 2-D")
close([sbn.running_mean.numpy(), sbn.running_var.numpy()], [bn.running_mean.numpy(), bn.running_var.numpy()],
      "cumulative running statistics")


# ------------------------------------------------------------------ comm hooks
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(36, 16)
        self.fc2 = nn.Linear(16, 8)
        self.fc3 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x.flatten(1))))))


def train_pair(hook=None, state=None, steps=3, **kw):
    """(DDP model, reference) after ``steps`` SGD steps on the same data."""
    torch.manual_seed(3)
    ref = Net()
    model = Net()
    model.load_state_dict(ref.state_dict())
    ddp = DDP(model, **kw)
    if hook is not None:
        ddp.register_comm_hook(state, hook)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.3)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.3)
    for step in range(steps):
        x, y = data(10 + step)
        opt.zero_grad()
        (F.cross_entropy(ddp(x[LO:HI]), y[LO:HI], reduction="sum") * (N / TOTAL)).backward()
        ref_opt.zero_grad()
        F.cross_entropy(ref(x), y).backward()
        yield ddp, model, ref
        opt.step()
        ref_opt.step()


for cap in (None, 0.0003):  # one bucket; several (~300-byte) buckets
    for ddp, model, ref in train_pair(default_hooks.allreduce_hook, None, bucket_cap_mb=cap):
        close(grads(model), grads(ref), f"allreduce_hook (bucket_cap_mb={cap})")
    identical_across_ranks(weights(model), "allreduce_hook weights")
    close(weights(model), weights(ref), "allreduce_hook weights")
    assert (len(ddp.reducer.buckets) >= 2) == (cap is not None), len(ddp.reducer.buckets)
    for ddp, model, ref in train_pair(default_hooks.fp16_compress_hook, dist.group.WORLD, bucket_cap_mb=cap):
        close(grads(model), grads(ref), "fp16_compress_hook", rtol=2e-2, atol=2e-3)
    identical_across_ranks(weights(model), "fp16_compress_hook weights")
    for ddp, model, ref in train_pair(default_hooks.fp16_compress_wrapper(default_hooks.allreduce_hook), None,
                                      bucket_cap_mb=cap):
        close(grads(model), grads(ref), "fp16_compress_wrapper(allreduce_hook)", rtol=2e-2, atol=2e-3)
    identical_across_ranks(weights(model), "fp16_compress_wrapper weights")

seen = []


def local_only(state, bucket):
    """A hook that communicates nothing: the gradients stay each rank's own, undivided."""
    seen.append((bucket.index(), bucket.is_last(), [tuple(p.shape) for p in bucket.parameters()],
                 [tuple(g.shape) for g in bucket.gradients()], bucket.buffer().numel(), state))
    fut = dist.Future()
    fut.set_result(bucket.buffer())
    return fut


torch.manual_seed(4)
model = Net()
local = Net()
local.load_state_dict(model.state_dict())
ddp = DDP(model, bucket_cap_mb=0.0003)
ddp.register_comm_hook("my state", local_only)
x, y = data(20)
F.cross_entropy(ddp(x[LO:HI]), y[LO:HI]).backward()
F.cross_entropy(local(x[LO:HI]), y[LO:HI]).backward()
close(grads(model), grads(local), "a no-op comm hook leaves the local gradients", rtol=0, atol=0)
k = len(ddp.reducer.buckets)
assert [s[0] for s in seen] == list(range(k)) and [s[1] for s in seen] == [False] * (k - 1) + [True], seen
assert all(s[2] == s[3] and s[5] == "my state" for s in seen), seen
assert sorted(sh for s in seen for sh in s[2]) == sorted(tuple(p.shape) for p in model.parameters())
try:
    ddp.register_comm_hook(None, default_hooks.allreduce_hook)
    raise AssertionError("a second comm hook was accepted")
except RuntimeError as e:
    assert "can only be called once" in str(e)


# ------------------------------------------------------------------ join: uneven inputs
def join_run(divide_by_initial):
    """Rank r trains on r + 2 batches of 4; the reference replays every step with the ranks then active."""
    torch.manual_seed(5)
    ref = Net()
    model = Net()
    model.load_state_dict(ref.state_dict())
    ddp = DDP(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.3)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.3)
    batches = [r + 2 for r in range(N)]

    def batch(step, r):
        rng = np.random.default_rng(3000 + 31 * step + r)
        return (torch.tensor(rng.standard_normal((4, 1, 6, 6)).astype(np.float32)),
                torch.tensor(rng.integers(0, 3, 4)))

    with ddp.join(divide_by_initial_world_size=divide_by_initial):
        for step in range(batches[R]):
            x, y = batch(step, R)
            opt.zero_grad()
            F.cross_entropy(ddp(x), y).backward()
            opt.step()
    for step in range(max(batches)):
        active = [r for r in range(N) if step < batches[r]]
        total = [np.zeros_like(p.detach().numpy()) for p in ref.parameters()]
        for r in active:
            ref.zero_grad()
            F.cross_entropy(ref(batch(step, r)[0]), batch(step, r)[1]).backward()
            total = [t + g for t, g in zip(total, grads(ref))]
        for p, t in zip(ref.parameters(), total):
            p.grad = torch.tensor(t / (N if divide_by_initial else len(active)))
        ref_opt.step()
    close(weights(model), weights(ref), f"join(divide_by_initial_world_size={divide_by_initial})")
    identical_across_ranks(weights(model), "weights after join")


join_run(True)
join_run(False)

# a model with buffers (broadcast from the largest active rank each step) and a comm hook, under join
torch.manual_seed(6)
bn_model = nn.Sequential(nn.Linear(36, 8), nn.BatchNorm1d(8), nn.Linear(8, 3))
ddp = DDP(bn_model)
ddp.register_comm_hook(None, default_hooks.allreduce_hook)
opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
with ddp.join():
    for step in range(R + 1):
        x, y = data(40 + step, shape=(36,))
        opt.zero_grad()
        F.cross_entropy(ddp(x[:4]), y[:4]).backward()
        opt.step()
identical_across_ranks(weights(bn_model) + [b.numpy() for b in bn_model.buffers()], "join with buffers and a hook")

# throw_on_early_termination: every rank raises once the first one runs out
torch.manual_seed(7)
ddp = DDP(Net())
raised = False
try:
    with ddp.join(throw_on_early_termination=True):
        for step in range(R + 2):
            x, y = data(50 + step)
            F.cross_entropy(ddp(x[:4]), y[:4]).backward()
except RuntimeError as e:
    raised = True
    assert "exhausted" in str(e), e
assert raised == (N > 1), raised
dist.barrier()

# ------------------------------------------------------------------ the cost model agrees across ranks
torch.manual_seed(8)
big = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
ddp = DDP(big)
cm = ddp._cost_model
assert cm["grad_bytes"] == 4 * sum(p.numel() for p in big.parameters()) and cm["bucket_bytes"] == ddp.bucket_bytes_cap
identical_across_ranks([np.array([cm["alpha"], cm["beta"], cm["overlap"], ddp.bucket_bytes_cap,
                                  len(ddp.reducer.buckets)])], "cost model")
ref = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
ref.load_state_dict(big.state_dict())
rng = np.random.default_rng(60)
x = torch.tensor(rng.standard_normal((TOTAL, 256)).astype(np.float32))
y = torch.tensor(rng.integers(0, 10, TOTAL))
(F.cross_entropy(ddp(x[LO:HI]), y[LO:HI], reduction="sum") * (N / TOTAL)).backward()
F.cross_entropy(ref(x), y).backward()
close(grads(big), grads(ref), "cost-model buckets")
dist.barrier()
print(f"ddp extras OK rank {R} of {N}: {len(ddp.reducer.buckets)} bucket(s) of {ddp.bucket_bytes_cap} bytes, "
      f"alpha {cm['alpha'] * 1e6:.0f} us, overlap {cm['overlap']:.2f}", flush=True)
dist.destroy_process_group()
