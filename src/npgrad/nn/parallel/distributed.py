"""``DistributedDataParallel``: one model replica per rank, gradients averaged across ranks during backward.

How it works (torch's design, on MPI):

- Construction checks that every rank holds the same parameter shapes, then broadcasts parameters and buffers
  from the group's first rank, so all replicas start equal.
- The parameters that require grad are packed, in reverse registration order (roughly the order backward
  produces their gradients), into flat buckets per dtype: 1 MiB for the first, ``bucket_cap_mb`` (25) after.
- A post-accumulate-grad hook on each parameter copies its fresh ``.grad``, divided by the world size, into its
  bucket. A full bucket is all-reduced at once with a non-blocking MPI call while backward goes on with the
  layers below; buckets are launched in index order, so every rank issues the same collectives in the same
  order. The hook that completes the last bucket waits for all of them and writes the averages back into the
  ``.grad`` tensors (in place), so ``optimizer.step()`` right after ``backward()`` sees averaged gradients.
- ``no_sync()`` skips all this: gradients accumulate locally and the first backward outside the context
  all-reduces the sum.
- ``find_unused_parameters=True`` walks the autograd graph of the forward's outputs to find the parameters that
  will get no gradient and marks them ready (with their current gradient, or zeros) when backward starts;
  a parameter used on no rank keeps its ``.grad`` untouched. Without it, a parameter that gets no gradient
  leaves the reduction unfinished, and the next forward raises an error that says so.
"""
import time
import weakref
from contextlib import contextmanager

import numpy as np

from ..modules.module import Module
from ...autograd.grad_mode import is_grad_enabled
from ...autograd.graph import AccumulateGrad
from ..._tensor import Tensor
from ... import _tensor as _t
from ...distributed import _mpi
from ...distributed import distributed_c10d as _c10d
from ...distributed import _collectives as _coll

__all__ = ["DistributedDataParallel"]

_FIRST_BUCKET_BYTES = 1024 * 1024  # torch's dist._DEFAULT_FIRST_BUCKET_BYTES: the first bucket fills fast
_DEFAULT_BUCKET_MB = 25


class DistributedDataParallel(Module):
    """Wrap ``module`` for data-parallel training over the ranks of ``process_group`` (default: the world).

    Each rank feeds its own share of every batch (e.g. through ``DistributedSampler``); after ``backward()``
    every rank holds the gradient averaged over all ranks, so identical optimizer steps keep the replicas equal.
    ``device_ids``, ``output_device``, ``gradient_as_bucket_view`` and ``static_graph`` are accepted for
    compatibility and change nothing on CPUs.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params=False):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel expects an nn.Module, got {type(module).__name__}")
        pg = _c10d._default() if process_group is None else process_group
        if not isinstance(pg, _c10d.ProcessGroup):
            raise TypeError("process_group must be a ProcessGroup (from new_group) or None, on a rank that "
                            "belongs to it")
        ignore = set(getattr(module, "_ddp_params_and_buffers_to_ignore", ()))
        named = [(n, p) for n, p in module.named_parameters() if n not in ignore]
        params = [(n, p) for n, p in named if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        self.module = module
        self.process_group = pg
        self.device_ids, self.output_device, self.dim = None, None, dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.parameters_to_ignore = ignore
        cap_mb = _DEFAULT_BUCKET_MB if bucket_cap_mb is None else bucket_cap_mb
        self.bucket_bytes_cap = int(cap_mb * 1024 * 1024)
        self._buffers_to_sync = [b for n, b in module.named_buffers() if n not in ignore]
        _verify_same_shapes(pg, named)
        if init_sync:
            _broadcast_all(pg, [p for _, p in named] + self._buffers_to_sync)
        first = min(_FIRST_BUCKET_BYTES, self.bucket_bytes_cap) if bucket_cap_mb is None else self.bucket_bytes_cap
        self.reducer = _Reducer(params, pg, first, self.bucket_bytes_cap, find_unused_parameters)

    def forward(self, *inputs, **kwargs):
        red = self.reducer
        red.check_finished()
        if self.broadcast_buffers and self._buffers_to_sync and self.process_group.size() > 1:
            _broadcast_all(self.process_group, self._buffers_to_sync)
        out = self.module(*inputs, **kwargs)
        if is_grad_enabled():
            if self.require_backward_grad_sync:
                red.prepare(out)
            else:
                red.accumulating()
        return out

    @contextmanager
    def no_sync(self):
        """Inside, backward accumulates gradients locally without communicating; the first backward after the
        context all-reduces the accumulated gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def _comm_stats(self):
        """Time spent communicating gradients: {'steps', 'launch_s', 'wait_s', 'bytes'} (for measurements)."""
        return dict(self.reducer.stats)


def _verify_same_shapes(pg, named):
    """Every rank must wrap the same model: compare parameter shapes and dtypes with the first rank's."""
    mine = [(tuple(p.shape), str(p.dtype)) for _, p in named]
    every = [None] * pg.size()
    _coll.all_gather_object(every, mine, group=pg)
    ref = every[0]
    for r, other in enumerate(every):
        if other != ref:
            if len(other) != len(ref):
                detail = f"{len(other)} parameters, while rank 0 has {len(ref)}"
            else:
                i = next(k for k in range(len(ref)) if other[k] != ref[k])
                detail = (f"parameter {named[i][0]!r} of shape {list(other[i][0])} ({other[i][1]}), while rank 0 has "
                          f"{list(ref[i][0])} ({ref[i][1]})")
            raise RuntimeError(f"DistributedDataParallel expects the same model on every rank, but rank "
                               f"{pg._ranks[r]} has {detail}")


def _broadcast_all(pg, tensors):
    src = pg._ranks[0]
    works = [_coll.broadcast(t, src=src, group=pg, async_op=True) for t in tensors if isinstance(t, Tensor)]
    for w in works:
        w.wait()


class _Bucket:
    __slots__ = ("members", "buffer", "pending", "req")

    def __init__(self, members, dtype, numel):
        self.members = members        # parameter indices
        self.buffer = np.zeros(numel, dtype=dtype)
        self.pending = len(members)
        self.req = None


class _Reducer:
    """The gradient bucketing and all-reduce machinery behind one DistributedDataParallel."""

    def __init__(self, named_params, pg, first_cap, cap, find_unused):
        self.names = [n for n, _ in named_params]
        self.params = [p for _, p in named_params]
        self.pg = pg
        self.world = pg.size()
        self.find_unused = find_unused
        self.stats = {"steps": 0, "launch_s": 0.0, "wait_s": 0.0, "bytes": 0}
        self._build_buckets(first_cap, cap)
        n = len(self.params)
        self.ready = np.zeros(n, dtype=bool)
        self.used_since_sync = np.zeros(n, dtype=bool)   # find_unused: got a gradient since the last all-reduce
        self.used_now = None                             # find_unused: reachable from this step's outputs
        self.armed = False      # the last forward asked for a synchronised backward
        self.started = False    # ... and that backward has begun marking gradients ready
        self.next_bucket = 0
        self.mask = None
        self.mask_req = None
        ref = weakref.ref(self)
        self.handles = [p.register_post_accumulate_grad_hook(_hook(ref, i)) for i, p in enumerate(self.params)]

    def __del__(self):
        for h in getattr(self, "handles", ()):  # the module outlives its DDP wrapper: leave no hooks behind
            h.remove()

    def _build_buckets(self, first_cap, cap):
        """Reverse registration order; one open bucket per dtype, closed once it holds ``cap`` bytes."""
        self.buckets, self.where = [], [None] * len(self.params)
        open_ = {}
        limit = first_cap
        for i in reversed(range(len(self.params))):
            arr = self.params[i]._data
            dt = np.dtype(np.float32) if _mpi_needs_float32(arr.dtype) else arr.dtype
            members, size = open_.setdefault(dt, ([], [0]))
            members.append((i, size[0], arr.size, arr.shape))
            size[0] += arr.size
            if size[0] * dt.itemsize >= limit:
                self._close(dt, open_.pop(dt))
                limit = cap
        for dt, group in open_.items():
            self._close(dt, group)

    def _close(self, dt, group):
        members, size = group
        b = _Bucket([m[0] for m in members], dt, size[0])
        k = len(self.buckets)
        for i, off, numel, shape in members:
            self.where[i] = (k, b.buffer[off:off + numel], shape)
        self.buckets.append(b)

    # ------------------------------------------------------------------ forward side
    def check_finished(self):
        if self.armed and self.started:
            missing = [self.names[i] for i in np.flatnonzero(~self.ready)]
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. The last "
                f"backward gave no gradient to {len(missing)} parameter(s) on rank {self.pg._ranks[self.pg.rank()]}: "
                f"{', '.join(missing)}. Every parameter that requires grad must contribute to the loss, or pass "
                "find_unused_parameters=True to npgrad.nn.parallel.DistributedDataParallel (and make sure every "
                "output of forward takes part in the loss); parameters that should not train can be frozen with "
                "requires_grad_(False) before wrapping the model.")

    def prepare(self, outputs):
        """The next backward is to be synchronised (called at the end of each forward with grad enabled)."""
        if not self.started:
            self.armed = True
            self.ready[:] = False
            self.next_bucket = 0
            for b in self.buckets:
                b.pending, b.req = len(b.members), None
        if self.find_unused:
            self.used_now = _reachable(outputs, {id(p): i for i, p in enumerate(self.params)}, len(self.params))

    def accumulating(self):
        """A forward inside no_sync: its backward only accumulates (the hooks record which parameters it used)."""
        if not self.started:
            self.armed = False

    # ------------------------------------------------------------------ backward side
    def on_grad(self, i):
        if not self.armed:
            self.used_since_sync[i] = True  # no_sync: remembered for find_unused_parameters
            return
        if not self.started:
            self._start()
        if self.ready[i]:
            raise RuntimeError(
                f"Expected to mark a variable ready only once: parameter {self.names[i]!r} got a second gradient "
                "in the same synchronised backward (a reentrant backward, or backward called twice after one "
                "forward); use no_sync() for all but the last backward.")
        self.used_since_sync[i] = True
        self._mark(i, self.params[i]._grad)

    def _start(self):
        self.started = True
        self.stats["steps"] += 1
        if not self.find_unused:
            return
        used = self.used_now if self.used_now is not None else np.ones(len(self.params), dtype=bool)
        t0 = time.perf_counter()
        self.mask = (self.used_since_sync | used).astype(np.int32)
        self.mask_req = self.pg._comm.Iallreduce(_mpi.MPI.IN_PLACE, [self.mask, _mpi.MPI.INT32_T], _mpi.MPI.SUM)
        self.stats["launch_s"] += time.perf_counter() - t0
        for j in np.flatnonzero(~used):
            self._mark(j, self.params[j]._grad)  # gets no gradient this step: send what it has (or zeros)

    def _mark(self, i, grad):
        k, view, shape = self.where[i]
        if grad is None:
            view[...] = 0
        else:
            np.divide(grad._data.reshape(-1), self.world, out=view, casting="unsafe")
        self.ready[i] = True
        b = self.buckets[k]
        b.pending -= 1
        if b.pending == 0 and k == self.next_bucket:
            self._launch_ready()
        elif self.next_bucket:
            _mpi.MPI.Request.Testall([x.req for x in self.buckets[:self.next_bucket]])  # drive MPI's progress

    def _launch_ready(self):
        MPI = _mpi.MPI
        t0 = time.perf_counter()
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            b = self.buckets[self.next_bucket]
            b.req = self.pg._comm.Iallreduce(MPI.IN_PLACE, [b.buffer, _mpi.reduce_type(b.buffer.dtype)], MPI.SUM)
            self.stats["bytes"] += b.buffer.nbytes
            self.next_bucket += 1
        self.stats["launch_s"] += time.perf_counter() - t0
        if self.next_bucket == len(self.buckets):
            self._finish()

    def _finish(self):
        """Wait for every bucket and write the averaged gradients back into ``.grad``."""
        t0 = time.perf_counter()
        reqs = [b.req for b in self.buckets] + ([self.mask_req] if self.mask_req is not None else [])
        _mpi.wait(reqs, "DistributedDataParallel's gradient all-reduce", self.pg._timeout)
        self.stats["wait_s"] += time.perf_counter() - t0
        everywhere = self.mask > 0 if self.mask_req is not None else None
        for i, p in enumerate(self.params):
            if everywhere is not None and not everywhere[i]:
                continue  # no rank used it: its gradient stays as it was (None, usually)
            _, view, shape = self.where[i]
            g = p._grad
            if (g is not None and not g._req and g._data.shape == shape and g._data.flags.writeable
                    and g._data.flags.c_contiguous):
                np.copyto(g._data, view.reshape(shape), casting="unsafe")
            else:
                p.grad = _t.make(view.reshape(shape).astype(p._data.dtype))
        self.armed = self.started = False
        self.used_since_sync[:] = False
        self.used_now = self.mask = self.mask_req = None


def _mpi_needs_float32(dtype):
    return dtype == np.float16  # MPI cannot sum half floats: their bucket is float32


def _hook(ref, i):
    def hook(param):
        red = ref()
        if red is not None:
            red.on_grad(i)
    return hook


def _reachable(outputs, index, n):
    """Which parameters (by index) the autograd graph of ``outputs`` reaches."""
    used = np.zeros(n, dtype=bool)
    stack, seen = [], set()
    todo = [outputs]
    while todo:
        o = todo.pop()
        if isinstance(o, Tensor):
            if o.grad_fn is not None:
                stack.append(o.grad_fn)
            elif id(o) in index:
                used[index[id(o)]] = True
        elif isinstance(o, dict):
            todo.extend(o.values())
        elif isinstance(o, (list, tuple)):
            todo.extend(o)
        elif hasattr(o, "__dataclass_fields__"):
            todo.extend(getattr(o, f) for f in o.__dataclass_fields__)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node) is AccumulateGrad:
            j = index.get(id(node.variable))
            if j is not None:
                used[j] = True
            continue
        for e in node._edges:
            if e is not None and e[0] is not None and id(e[0]) not in seen:
                stack.append(e[0])
    return used
