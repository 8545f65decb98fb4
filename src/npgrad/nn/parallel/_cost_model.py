"""DDP's gradient-bucket size from a measured cost model of the all-reduce.

Measured once per process and process group (the first DDP built on the group), on every rank together:

- ``alpha``: the time of an all-reduce of one float (latency plus the per-collective overhead in Python);
- ``beta``: seconds per byte, from an all-reduce of ``min(4 MiB, gradient bytes)``;
- ``overlap``: the fraction of an all-reduce that hides behind computation, measured by running NumPy work
  (with the MPI progress calls that DDP's hooks make) while a non-blocking all-reduce is in flight. MPI moves
  data only inside MPI calls unless a core or the network adapter is free to do it; on a machine whose cores
  all compute (2 ranks on 2 cores) this comes out near 0.

The ranks agree on the worst values (largest alpha and beta, smallest overlap), so every rank builds the same
buckets. With ``K`` buckets of ``b`` bytes over ``S`` gradient bytes, backward exposes about

    K * alpha + beta * (last + (1 - overlap) * (S - last)),       last = S - (K - 1) * b

(every bucket pays its latency; the last bucket's transfer starts when backward ends, the others' transfers
hide behind backward in proportion ``overlap``). The bucket size minimising this over powers of two from
64 KiB to ``S`` is chosen; with no overlap that is one bucket (no launches to pay for nothing), with full
overlap about ``sqrt(S * alpha / beta)``.
"""
import time

import numpy as np

from ...distributed import _mpi

_cache = {}   # id(process group) -> (group, model dict)
MIN_BUCKET = 64 * 1024
PROBE_BYTES = 4 * 1024 * 1024


def _allreduce_time(pg, buf, repeats):
    MPI = _mpi.MPI
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        req = pg._comm.Iallreduce(MPI.IN_PLACE, [buf, MPI.FLOAT], MPI.SUM)
        _mpi.wait([req], "DistributedDataParallel's all-reduce measurement", pg._timeout)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _work(chunks, a):
    for _ in range(chunks):
        np.tanh(a, out=a)


def _overlap(pg, big, t_big):
    """The fraction of an all-reduce of ``big`` hidden behind NumPy work of about the same duration."""
    MPI = _mpi.MPI
    a = np.random.default_rng(0).standard_normal(16384).astype(np.float32)
    t0 = time.perf_counter()
    _work(4, a)
    per_chunk = max((time.perf_counter() - t0) / 4, 1e-7)
    chunks = max(1, int(t_big / per_chunk))
    best = 0.0
    for _ in range(2):
        t0 = time.perf_counter()
        for _ in range(chunks):
            _work(1, a)
        alone = time.perf_counter() - t0
        t0 = time.perf_counter()
        req = pg._comm.Iallreduce(MPI.IN_PLACE, [big, MPI.FLOAT], MPI.SUM)
        for _ in range(chunks):
            _work(1, a)
            req.Test()  # DDP's hooks drive MPI's progress the same way
        _mpi.wait([req], "DistributedDataParallel's all-reduce measurement", pg._timeout)
        both = time.perf_counter() - t0
        exposed = max(0.0, both - alone)
        best = max(best, 1.0 - min(1.0, exposed / max(t_big, 1e-9)))
    return best


def measure(pg, grad_bytes):
    """alpha, beta and overlap on ``pg`` (measured once per process and group; every rank must call this)."""
    hit = _cache.get(id(pg))
    if hit is not None and hit[0] is pg:
        return hit[1]
    MPI = _mpi.MPI
    if pg.size() == 1:
        model = {"alpha": 0.0, "beta": 0.0, "overlap": 0.0, "probe_bytes": 0}
    else:
        small = np.zeros(1, dtype=np.float32)
        nbytes = int(min(PROBE_BYTES, max(grad_bytes, 4 * MIN_BUCKET)))
        big = np.zeros(nbytes // 4, dtype=np.float32)
        _allreduce_time(pg, small, 2)  # warm up both paths (MPI sets up shared-memory channels on first use)
        _allreduce_time(pg, big, 1)
        alpha = _allreduce_time(pg, small, 15)
        t_big = _allreduce_time(pg, big, 3)
        beta = max(t_big - alpha, 0.0) / big.nbytes
        overlap = _overlap(pg, big, t_big)
        agreed = np.array([alpha, beta, -overlap], dtype=np.float64)
        req = pg._comm.Iallreduce(MPI.IN_PLACE, [agreed, MPI.DOUBLE], MPI.MAX)
        _mpi.wait([req], "DistributedDataParallel's all-reduce measurement", pg._timeout)
        model = {"alpha": float(agreed[0]), "beta": float(agreed[1]), "overlap": float(-agreed[2]),
                 "probe_bytes": big.nbytes}
    _cache[id(pg)] = (pg, model)
    return model


def exposed_seconds(total, bucket, alpha, beta, overlap):
    """The model's exposed communication time per step for buckets of ``bucket`` bytes over ``total`` bytes."""
    k = max(1, -(-total // bucket))
    last = total - (k - 1) * bucket
    return k * alpha + beta * (last + (1.0 - overlap) * (total - last))


def choose_bucket_bytes(total, model):
    """The bucket size (bytes) that minimises ``exposed_seconds``; ``total`` when the model says one bucket."""
    total = max(int(total), 1)
    candidates = [total]
    b = MIN_BUCKET
    while b < total:
        candidates.append(b)
        b *= 2
    costs = [(exposed_seconds(total, c, model["alpha"], model["beta"], model["overlap"]), -c) for c in candidates]
    return -min(costs)[1]
