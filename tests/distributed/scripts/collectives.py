"""Run under mpirun: every collective of npgrad.distributed against a NumPy computation of its result.

Every rank can make every rank's input (seeded by rank), so each rank computes the expected result itself.
An assertion that fails raises, which aborts the whole job with the traceback (the test sees a non-zero exit).
"""
import sys
import warnings
from datetime import timedelta

import numpy as np

import npgrad as torch
import npgrad.distributed as dist

dist.init_process_group("mpi", timeout=timedelta(seconds=40))
R, N = dist.get_rank(), dist.get_world_size()
assert dist.is_initialized() and dist.get_backend() == "mpi" and N == int(sys.argv[1]), (N, sys.argv)
DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.uint8, np.bool_]
checks = 0


def data(rank, shape=(3, 4), dtype=np.float32, salt=0):
    rng = np.random.default_rng(1000 * salt + rank)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(1, 4, shape).astype(dtype)  # small: products of up to 3 ranks stay exact
    return rng.uniform(-2, 2, shape).astype(dtype)


def same(got, want, what, dtype=None):
    global checks
    got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
    want = np.asarray(want)
    if dtype is not None:
        assert got.dtype == np.dtype(dtype), (what, got.dtype, dtype)
    tol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-12}.get(got.dtype.type, 0)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=tol, atol=tol, err_msg=what)
    checks += 1


def raises(exc, fn, what, match=None):
    global checks
    try:
        fn()
    except exc as e:
        assert match is None or match in str(e), (what, str(e))
        checks += 1
        return
    raise AssertionError(f"{what}: expected {exc.__name__}")


# ------------------------------------------------------------------ all_reduce: every op and dtype
EXPECT = {"SUM": np.sum, "PRODUCT": np.prod, "MAX": np.max, "MIN": np.min, "AVG": np.mean}
for dt in DTYPES:
    every = np.stack([data(r, dtype=dt) for r in range(N)])
    for name in ["SUM", "AVG", "MAX", "MIN", "PRODUCT"]:
        op = getattr(dist.ReduceOp, name)
        t = torch.tensor(data(R, dtype=dt))
        if name == "AVG" and dt not in (np.float32, np.float64, np.float16):
            raises(RuntimeError, lambda: dist.all_reduce(t, op=op), f"AVG {dt}", "can't be cast")
            continue
        if dt == np.bool_:
            want = every.any(0) if name in ("SUM", "MAX") else every.all(0)
        else:
            want = EXPECT[name](every.astype(np.float64), axis=0)
        keep = t._data
        assert dist.all_reduce(t, op=op) is None
        assert t._data is keep  # in place, in the tensor's own buffer
        same(t, want, f"all_reduce {name} {dt}", dt)
    if np.dtype(dt).kind in "iu":
        for name, fn in [("BAND", np.bitwise_and), ("BOR", np.bitwise_or), ("BXOR", np.bitwise_xor)]:
            t = torch.tensor(data(R, dtype=dt))
            dist.all_reduce(t, op=getattr(dist.ReduceOp, name))
            same(t, fn.reduce(every, axis=0), f"all_reduce {name} {dt}", dt)
raises(RuntimeError, lambda: dist.all_reduce(torch.ones(2), op=dist.ReduceOp.BAND), "BAND float", "non-integral")

# async, a view into a bigger tensor (written in place), a non-contiguous view, a 0-d tensor, an empty tensor
base = torch.zeros(4, 3)
view = base[1:3]
view._data[...] = data(R, (2, 3))
w = dist.all_reduce(view, async_op=True)
assert isinstance(w, dist.Work)
assert w.wait() is True and w.is_completed() and w.is_success()
want = sum(data(r, (2, 3)) for r in range(N))
same(base[1:3], want, "all_reduce async into a view")
assert w.result()[0] is view
same(w.get_future().wait()[0], want, "future")
same(base[0], np.zeros(3), "all_reduce leaves the rest of the base")
nc = torch.tensor(data(R, (4, 3))).t()
assert not nc.is_contiguous()
dist.all_reduce(nc, op=dist.ReduceOp.MAX)
same(nc, np.max([data(r, (4, 3)) for r in range(N)], axis=0).T, "all_reduce non-contiguous")
s = torch.tensor(float(R + 1))
dist.all_reduce(s)
same(s, N * (N + 1) / 2, "all_reduce 0-d")
e = torch.zeros(0, 3)
dist.all_reduce(e)
same(e, np.zeros((0, 3)), "all_reduce empty")
leaf = torch.ones(3, requires_grad=True)
dist.all_reduce(leaf)  # allowed on a leaf that requires grad (torch allows it too), no version bump
assert leaf._version == 0 and leaf.requires_grad
same(leaf.detach(), np.full(3, N), "all_reduce leaf")
works = [dist.all_reduce(torch.full((5,), float(k + R)), async_op=True) for k in range(4)]
for k, w in enumerate(works):
    w.wait()
    same(w.result()[0], np.full(5, N * k + N * (N - 1) / 2), f"several async all_reduce {k}")

# ------------------------------------------------------------------ broadcast and reduce: every root
for src in range(N):
    for dt in (np.float32, np.int64, np.float16, np.bool_):
        t = torch.tensor(data(R, dtype=dt, salt=src))
        dist.broadcast(t, src=src)
        same(t, data(src, dtype=dt, salt=src), f"broadcast from {src} {dt}", dt)
    nc = torch.zeros(3, 4).t() if R != src else torch.tensor(data(src, (4, 3)))
    dist.broadcast(nc, src=src)
    same(nc, data(src, (4, 3)), f"broadcast into a non-contiguous tensor from {src}")
    t = torch.tensor(data(R, dtype=np.float64))
    dist.reduce(t, dst=src, op=dist.ReduceOp.SUM)
    same(t, sum(data(r, dtype=np.float64) for r in range(N)) if R == src else data(R, dtype=np.float64),
         f"reduce to {src}")
    t = torch.tensor(data(R, dtype=np.float32))
    dist.reduce(t, dst=src, op=dist.ReduceOp.AVG, async_op=True).wait()
    if R == src:
        same(t, np.mean([data(r) for r in range(N)], axis=0), f"reduce AVG to {src}")
raises(RuntimeError, lambda: dist.broadcast(torch.ones(2), src=N), "broadcast src out of range", "invalid src")

# ------------------------------------------------------------------ gathers
for dt in (np.float32, np.int32, np.float16, np.bool_):
    outs = [torch.tensor(np.zeros((3, 4), dtype=dt)) for _ in range(N)]
    dist.all_gather(outs, torch.tensor(data(R, dtype=dt)))
    for r in range(N):
        same(outs[r], data(r, dtype=dt), f"all_gather {dt} slot {r}", dt)
outs = [torch.zeros(4, 3).t() for _ in range(N)]
w = dist.all_gather(outs, torch.tensor(data(R, (3, 4))), async_op=True)
w.wait()
for r in range(N):
    same(outs[r], data(r, (3, 4)), f"all_gather non-contiguous outputs {r}")
raises(RuntimeError, lambda: dist.all_gather([torch.zeros(3)] * (N + 1), torch.zeros(3)), "all_gather length",
       "expected length")
raises(RuntimeError, lambda: dist.all_gather([torch.zeros(2)] * N, torch.zeros(3)), "all_gather size",
       "invalid tensor size")
raises(TypeError, lambda: dist.all_gather(torch.zeros(3), torch.zeros(3)), "all_gather not a list")

flat = torch.zeros(N * 3, 4)
dist.all_gather_into_tensor(flat, torch.tensor(data(R)))
same(flat, np.concatenate([data(r) for r in range(N)]), "all_gather_into_tensor concatenated")
stacked = torch.zeros(N, 3, 4, dtype=torch.float64)
dist.all_gather_into_tensor(stacked, torch.tensor(data(R, dtype=np.float64)), async_op=True).wait()
same(stacked, np.stack([data(r, dtype=np.float64) for r in range(N)]), "all_gather_into_tensor stacked")
raises(RuntimeError, lambda: dist.all_gather_into_tensor(torch.zeros(5), torch.zeros(3)), "agit size",
       "world_size")

dst = N - 1
glist = [torch.zeros(3, 4) for _ in range(N)] if R == dst else None
dist.gather(torch.tensor(data(R)), glist, dst=dst)
if R == dst:
    for r in range(N):
        same(glist[r], data(r), f"gather slot {r}")
if R != dst:
    raises(ValueError, lambda: dist.gather(torch.zeros(3), [torch.zeros(3)] * N, dst=dst), "gather list off dst",
           "must NOT be specified")
else:
    raises(ValueError, lambda: dist.gather(torch.zeros(3), None, dst=dst), "gather list on dst", "must be specified")

# ------------------------------------------------------------------ scatters
src = 1 % N
mine = torch.zeros(3, 4)
slist = [torch.tensor(data(r, salt=7)) for r in range(N)] if R == src else None
dist.scatter(mine, slist, src=src)
same(mine, data(R, salt=7), "scatter")
nc = torch.zeros(4, 3).t()
w = dist.scatter(nc, [torch.tensor(data(r, salt=8)) for r in range(N)] if R == src else None, src=src,
                 async_op=True)
w.wait()
same(nc, data(R, salt=8), "scatter into a non-contiguous tensor")

for name in ["SUM", "AVG", "MAX", "MIN", "PRODUCT"]:
    op = getattr(dist.ReduceOp, name)
    out = torch.zeros(3, 4)
    dist.reduce_scatter(out, [torch.tensor(data(R, salt=10 + j)) for j in range(N)], op=op)
    same(out, EXPECT[name](np.stack([data(r, salt=10 + R) for r in range(N)]).astype(np.float64), axis=0),
         f"reduce_scatter {name}")
    out = torch.zeros(2, 4)
    dist.reduce_scatter_tensor(out, torch.tensor(data(R, (2 * N, 4), salt=20)), op=op)
    every = np.stack([data(r, (2 * N, 4), salt=20) for r in range(N)]).astype(np.float64)
    same(out, EXPECT[name](every, axis=0)[2 * R:2 * R + 2], f"reduce_scatter_tensor {name}")
out = torch.zeros(3, dtype=torch.int64)
dist.reduce_scatter(out, [torch.full((3,), R + j) for j in range(N)], async_op=True).wait()
same(out, np.full(3, sum(r + R for r in range(N))), "reduce_scatter int async", np.int64)
h = torch.zeros(4, dtype=torch.float16)
dist.reduce_scatter_tensor(h, torch.tensor(data(R, (4 * N,), np.float16, salt=30)))
same(h, np.sum([data(r, (4 * N,), np.float16, salt=30).astype(np.float32) for r in range(N)], axis=0)[4 * R:4 * R + 4],
     "reduce_scatter_tensor float16", np.float16)

# ------------------------------------------------------------------ all_to_all_single
inp = torch.tensor(np.arange(2 * N * 3, dtype=np.float32).reshape(2 * N, 3) + 100 * R)
out = torch.zeros(2 * N, 3)
dist.all_to_all_single(out, inp)
want = np.concatenate([(np.arange(2 * N * 3, dtype=np.float32).reshape(2 * N, 3) + 100 * r)[2 * R:2 * R + 2]
                       for r in range(N)])
same(out, want, "all_to_all_single")
# uneven: rank r sends j + 1 rows to rank j, so rank R receives R + 1 rows from everyone
rows_in = sum(j + 1 for j in range(N))
inp = torch.tensor(np.arange(rows_in, dtype=np.int64)[:, None] * 10 + R)
out = torch.zeros(N * (R + 1), 1, dtype=torch.int64)
dist.all_to_all_single(out, inp, output_split_sizes=[R + 1] * N, input_split_sizes=[j + 1 for j in range(N)])
start = sum(j + 1 for j in range(R))
want = np.concatenate([(np.arange(rows_in)[:, None] * 10 + r)[start:start + R + 1] for r in range(N)])
same(out, want, "all_to_all_single uneven")

# ------------------------------------------------------------------ point to point
nxt, prv = (R + 1) % N, (R - 1) % N
w = dist.isend(torch.tensor(data(R, salt=40)), dst=nxt)
got = torch.zeros(3, 4)
assert dist.recv(got, src=prv) == prv
w.wait()
same(got, data(prv, salt=40), "ring isend/recv")
if R == 0:  # tags pick the message: sent as tag 5 then 6, received as 6 then 5
    for r in range(1, N):
        a, b = torch.zeros(2), torch.zeros(2)
        wb = dist.irecv(b, src=r, tag=6)
        wa = dist.irecv(a, src=r, tag=5)
        wb.wait()
        wa.wait()
        same(a, [r, 5], "recv tag 5")
        same(b, [r, 6], "recv tag 6")
    senders = set()
    for _ in range(1, N):  # any source
        buf = torch.zeros(2)
        w = dist.irecv(buf, tag=9)
        w.wait()
        senders.add(w.source_rank())
        same(buf, [w.source_rank(), 9], "recv from any source")
    assert senders == set(range(1, N))
else:
    dist.send(torch.tensor([float(R), 5.0]), dst=0, tag=5)
    dist.send(torch.tensor([float(R), 6.0]), dst=0, tag=6)
    dist.send(torch.tensor([float(R), 9.0]), dst=0, tag=9)
raises(ValueError, lambda: dist.send(torch.zeros(1), dst=R), "send to self", "destination rank should not")
raises(ValueError, lambda: dist.recv(torch.zeros(1), src=R), "recv from self", "source rank should not")

# ------------------------------------------------------------------ groups, objects, barrier, sampler
sub = dist.new_group([0, N - 1])
if R in (0, N - 1):
    t = torch.tensor([float(R)])
    dist.all_reduce(t, group=sub)
    same(t, [float(N - 1)], "all_reduce in a subgroup")
    assert dist.get_world_size(sub) == 2 and dist.get_rank(sub) == (0 if R == 0 else 1)
    t = torch.zeros(1) if R == 0 else torch.tensor([42.0])
    dist.broadcast(t, src=N - 1, group=sub)  # src is a global rank
    same(t, [42.0], "broadcast in a subgroup from a global rank")
else:
    assert sub is dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(sub) == -1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert dist.all_reduce(torch.ones(1), group=sub) is None
    assert any("does not belong" in str(x.message) for x in caught)
objs = [None] * N
dist.all_gather_object(objs, {"rank": R, "text": "x" * R})
assert objs == [{"rank": r, "text": "x" * r} for r in range(N)], objs
lst = [R, "mine"] if R == 0 else [None, None]
dist.broadcast_object_list(lst, src=0)
assert lst == [0, "mine"], lst
assert dist.barrier() is None
dist.barrier(async_op=True).wait()

from npgrad.utils.data.distributed import DistributedSampler  # noqa: E402
sampler = DistributedSampler(list(range(11)), shuffle=False)  # num_replicas and rank from the group
padded = (list(range(11)) * 2)[:11 + (-11) % N]  # torch's padding: the list's start, repeated
assert sampler.num_replicas == N and sampler.rank == R and list(sampler) == padded[R::N]
sampler = DistributedSampler(list(range(11)), seed=3)
shares = [None] * N
dist.all_gather_object(shares, list(sampler))
flat = [i for s in shares for i in s]
assert set(flat) == set(range(11)) and len(flat) == len(sampler) * N, shares

raises(TypeError, lambda: dist.all_reduce([torch.ones(1)]), "all_reduce list", "Expected parameter `tensor`")
dist.destroy_process_group()
assert not dist.is_initialized()
raises(ValueError, lambda: dist.get_rank(), "after destroy", "has not been initialized")
dist.init_process_group("gloo")  # again (MPI stays up); 'gloo' names the same MPI transport
t = torch.ones(2)
dist.all_reduce(t)
same(t, [N, N], "all_reduce after re-init")
dist.destroy_process_group()
print(f"collectives OK rank {R} of {N}: {checks} checks", flush=True)
