"""``DistributedDataParallel``: one model replica per rank, gradients averaged across ranks during backward.

How it works (torch's design, on MPI):

- Construction checks that every rank holds the same parameter shapes, then broadcasts parameters and buffers
  from the group's first rank, so all replicas start equal.
- The parameters that require grad are packed, in reverse registration order (roughly the order backward
  produces their gradients), into flat buckets per dtype. The bucket size comes from a cost model of the
  all-reduce measured once per process (``_cost_model``: latency, bandwidth, and how much of an all-reduce
  hides behind computation on this machine), unless ``bucket_cap_mb`` is given.
- A post-accumulate-grad hook on each parameter copies its fresh ``.grad``, divided by the world size, into its
  bucket. A full bucket is all-reduced at once with a non-blocking MPI call while backward goes on with the
  layers below; buckets are launched in index order, so every rank issues the same collectives in the same
  order. The hook that completes the last bucket waits for all of them and writes the averages back into the
  ``.grad`` tensors (in place), so ``optimizer.step()`` right after ``backward()`` sees averaged gradients.
- ``register_comm_hook(state, hook)``: a full bucket (undivided gradients) goes to ``hook(state, GradBucket)``
  instead, whose Future gives the tensor written back (torch's interface; default hooks in
  ``npgrad.distributed.algorithms.ddp_comm_hooks.default_hooks``).
- ``no_sync()`` skips all this: gradients accumulate locally and the first backward outside the context
  all-reduces the sum.
- ``join()``: uneven inputs. A rank that has run out of batches shadows the others' collectives with zero
  gradients until every rank is done (see ``npgrad.distributed.algorithms.join``).
- ``find_unused_parameters=True`` walks the autograd graph of the forward's outputs to find the parameters that
  will get no gradient and marks them ready (with their current gradient, or zeros) when backward starts;
  a parameter used on no rank keeps its ``.grad`` untouched. Without it, a parameter that gets no gradient
  leaves the reduction unfinished, and the next forward raises an error that says so.
"""
from __future__ import annotations

import time
import weakref
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..modules.module import Module
from ...autograd.grad_mode import is_grad_enabled
from ...autograd.graph import AccumulateGrad
from ..._tensor import Tensor
from ... import _tensor as _t
from ...distributed import _mpi
from ...distributed import distributed_c10d as _c10d
from ...distributed import _collectives as _coll
from ...distributed._grad_bucket import GradBucket
from ...distributed.algorithms.join import Join, Joinable, JoinHook
from . import _cost_model

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module, Joinable):
    """Wrap ``module`` for data-parallel training over the ranks of ``process_group`` (default: the world).

    Each rank feeds its own share of every batch (e.g. through ``DistributedSampler``); after ``backward()``
    every rank holds the gradient averaged over all ranks, so identical optimizer steps keep the replicas equal.
    ``device_ids``, ``output_device``, ``gradient_as_bucket_view`` and ``static_graph`` are accepted for
    compatibility and change nothing on CPUs.
    """

    def __init__(self, module: Module, device_ids: Sequence[Any] | None = None, output_device: Any = None,
                 dim: int = 0, broadcast_buffers: bool = True, init_sync: bool = True,
                 process_group: _c10d.ProcessGroup | None = None, bucket_cap_mb: float | None = None,
                 find_unused_parameters: bool = False, check_reduction: bool = False,
                 gradient_as_bucket_view: bool = False, static_graph: bool = False,
                 delay_all_reduce_named_params: Any = None, param_to_hook_all_reduce: Any = None,
                 mixed_precision: Any = None, device_mesh: Any = None,
                 skip_all_reduce_unused_params: bool = False) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel expects an nn.Module, got {type(module).__name__}")
        for name, value in (("delay_all_reduce_named_params", delay_all_reduce_named_params),
                            ("param_to_hook_all_reduce", param_to_hook_all_reduce),
                            ("mixed_precision", mixed_precision), ("device_mesh", device_mesh)):
            if value is not None:
                raise NotImplementedError(f"DistributedDataParallel: {name} is not supported by npgrad")
        if skip_all_reduce_unused_params:
            raise NotImplementedError("DistributedDataParallel: skip_all_reduce_unused_params is not supported by "
                                      "npgrad")
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
        self._buffers_to_sync = [b for n, b in module.named_buffers() if n not in ignore]
        self._divide_by_initial_world_size = True
        _verify_same_shapes(pg, named)
        if init_sync:
            _broadcast_all(pg, [p for _, p in named] + self._buffers_to_sync)
        grad_bytes = sum(p._data.size * _bucket_dtype(p._data.dtype).itemsize for _, p in params)
        if bucket_cap_mb is None:
            cost: dict[str, Any] = dict(_cost_model.measure(pg, grad_bytes), grad_bytes=grad_bytes)
            cap = _cost_model.choose_bucket_bytes(grad_bytes, cost)
            cost["bucket_bytes"] = cap
            self._cost_model: dict[str, Any] | None = cost
        else:
            self._cost_model = None
            cap = int(bucket_cap_mb * 1024 * 1024)
        self.bucket_bytes_cap = cap
        self.reducer = _Reducer(params, pg, cap, cap, find_unused_parameters)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        red = self.reducer
        red.check_finished()
        join_work = Join.notify_join_context(self)
        joined = join_work is not None
        if joined:
            red.take_join_work(join_work, not self._divide_by_initial_world_size)
            self._sync_backward_flag(self.require_backward_grad_sync)
        if self.broadcast_buffers and self._buffers_to_sync and self.process_group.size() > 1:
            src = self._common_rank(True) if joined else self.process_group._ranks[0]
            _broadcast_all(self.process_group, self._buffers_to_sync, src)
        out = self.module(*inputs, **kwargs)
        if is_grad_enabled():
            if self.require_backward_grad_sync:
                red.prepare(out)
            else:
                red.accumulating()
        return out

    @contextmanager
    def no_sync(self) -> Iterator[None]:
        """Inside, backward accumulates gradients locally without communicating; the first backward after the
        context all-reduces the accumulated gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    # ------------------------------------------------------------------ comm hooks
    def register_comm_hook(self, state: Any, hook: Callable[[Any, GradBucket], Any]) -> None:
        """Communicate each bucket with ``hook(state, bucket) -> Future`` instead of the built-in averaging
        all-reduce. The bucket (a ``GradBucket``) holds the gradients undivided; the Future's value, a tensor of
        the bucket's numel, is written back into the parameters' ``.grad``. Register once, before training."""
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        if self.reducer.hook is not None:
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be called once.")
        if self.reducer.stats["steps"]:
            raise RuntimeError("register_comm_hook must be called before the first backward with gradient "
                               "synchronisation")
        self.reducer.hook, self.reducer.hook_state = hook, state

    # ------------------------------------------------------------------ uneven inputs
    def join(self, divide_by_initial_world_size: bool = True, enable: bool = True,
             throw_on_early_termination: bool = False) -> Join:
        """A context manager for inputs that differ in length across ranks (torch's ``DDP.join``): a rank that
        leaves its loop early shadows the other ranks' collectives with zero gradients until all are done, then
        the model of a rank that joined last is broadcast to every rank. ``divide_by_initial_world_size=False``
        averages each step's gradients over the ranks still active instead of over the whole world."""
        return Join([self], enable, throw_on_early_termination,
                    divide_by_initial_world_size=divide_by_initial_world_size)

    def join_hook(self, **kwargs: Any) -> JoinHook:
        self._divide_by_initial_world_size = kwargs.get("divide_by_initial_world_size", True)
        return _DDPJoinHook(self)

    @property
    def join_device(self) -> str:
        return "cpu"

    @property
    def join_process_group(self) -> Any:
        return self.process_group

    def _common_rank(self, active):
        """The largest group rank among the ranks that pass ``active`` (all ranks call this together)."""
        t = _t.make(np.array([self.process_group.rank() if active else -1], dtype=np.int64))
        _coll.all_reduce(t, op=_c10d.ReduceOp.MAX, group=self.process_group)
        return self.process_group._ranks[int(t._data[0])]

    def _sync_backward_flag(self, mine):
        """Under join: whether any rank will synchronise gradients in this iteration's backward."""
        t = _t.make(np.array([1 if mine else 0], dtype=np.int64))
        _coll.all_reduce(t, group=self.process_group)
        return int(t._data[0]) > 0

    def _comm_stats(self):
        """Time spent communicating gradients: {'steps', 'launch_s', 'wait_s', 'bytes'} (for measurements)."""
        return dict(self.reducer.stats)


class _DDPJoinHook(JoinHook):
    def __init__(self, ddp):
        self.ddp = ddp

    def main_hook(self):
        """One iteration of the active ranks' collectives (after Join's count), contributing nothing: the
        backward-sync flag, the buffer broadcast from the largest active rank, and zero gradients."""
        ddp = self.ddp
        sync = ddp._sync_backward_flag(False)
        if ddp.broadcast_buffers and ddp._buffers_to_sync and ddp.process_group.size() > 1:
            _broadcast_all(ddp.process_group, ddp._buffers_to_sync, ddp._common_rank(False))
        if sync:  # else the active ranks run a no_sync iteration: no gradient collectives to match
            ddp.reducer.shadow_step()

    def post_hook(self, is_last_joiner):
        """Every rank takes the model of a rank that joined last (which trained through every step)."""
        ddp = self.ddp
        src = ddp._common_rank(is_last_joiner)
        _broadcast_all(ddp.process_group, list(ddp.module.parameters()) + ddp._buffers_to_sync, src)


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


def _broadcast_all(pg, tensors, src=None):
    src = pg._ranks[0] if src is None else src
    works = [_coll.broadcast(t, src=src, group=pg, async_op=True) for t in tensors if isinstance(t, Tensor)]
    for w in works:
        w.wait()


class _Bucket:
    __slots__ = ("members", "buffer", "pending", "req", "fut")

    def __init__(self, members, dtype, numel):
        self.members = members        # parameter indices
        self.buffer = np.zeros(numel, dtype=dtype)
        self.pending = len(members)
        self.req = None               # the all-reduce in flight (no comm hook)
        self.fut = None               # the comm hook's Future


class _Reducer:
    """The gradient bucketing and all-reduce machinery behind one DistributedDataParallel."""

    def __init__(self, named_params, pg, first_cap, cap, find_unused):
        self.names = [n for n, _ in named_params]
        self.params = [p for _, p in named_params]
        self.pg = pg
        self.world = pg.size()
        self.divisor = self.world   # the averaging divisor (join with divide_by_initial_world_size=False: active)
        self.join_work = None       # join: the all-reduce counting the active ranks (this iteration's)
        self.join_divide = False    # ... and whether its count is the divisor
        self.hook = self.hook_state = None
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
            dt = _bucket_dtype(arr.dtype)
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
            self.where[i] = (k, b.buffer[off:off + numel], shape, off, numel)
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
                b.pending, b.req, b.fut = len(b.members), None, None
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
        self.divisor = self.world
        if self.join_work is not None:  # join: how many ranks are active (the divisor, if so asked)?
            count = self._wait_join_work()
            if self.join_divide:
                self.divisor = count
        if not self.find_unused:
            return
        used = self.used_now if self.used_now is not None else np.ones(len(self.params), dtype=bool)
        t0 = time.perf_counter()
        self.mask = (self.used_since_sync | used).astype(np.int32)
        self.mask_req = self.pg._comm.Iallreduce(_mpi.MPI.IN_PLACE, [self.mask, _mpi.MPI.INT32_T], _mpi.MPI.SUM)
        self.stats["launch_s"] += time.perf_counter() - t0
        for j in np.flatnonzero(~used):
            self._mark(j, self.params[j]._grad)  # gets no gradient this step: send what it has (or zeros)

    def take_join_work(self, work, divide):
        """Forward under join: the all-reduce that counts the active ranks (completed at the latest by the next
        backward or forward)."""
        if self.join_work is not None:
            self._wait_join_work()
        self.join_work, self.join_divide = work, divide

    def _wait_join_work(self):
        work, self.join_work = self.join_work, None
        work.wait()
        return int(work.result()[0]._data[0])

    def _mark(self, i, grad):
        k, view = self.where[i][:2]
        if grad is None:
            view[...] = 0
        elif self.hook is None:
            np.divide(grad._data.reshape(-1), self.divisor, out=view, casting="unsafe")
        else:  # a comm hook gets the gradients undivided (torch's contract)
            np.copyto(view, grad._data.reshape(-1), casting="unsafe")
        self.ready[i] = True
        b = self.buckets[k]
        b.pending -= 1
        if b.pending == 0 and k == self.next_bucket:
            self._launch_ready()
        elif self.next_bucket and self.hook is None:
            _mpi.MPI.Request.Testall([x.req for x in self.buckets[:self.next_bucket]])  # drive MPI's progress

    def _launch(self, k, b):
        if self.hook is None:
            MPI = _mpi.MPI
            b.req = self.pg._comm.Iallreduce(MPI.IN_PLACE, [b.buffer, _mpi.reduce_type(b.buffer.dtype)], MPI.SUM)
        else:
            b.fut = self.hook(self.hook_state, self._grad_bucket(k, b))
            if not hasattr(b.fut, "wait"):
                raise RuntimeError(f"DistributedDataParallel: the comm hook must return a Future (with wait()), got "
                                   f"{type(b.fut).__name__}")
        self.stats["bytes"] += b.buffer.nbytes

    def _grad_bucket(self, k, b):
        grads = [_t.make(self.where[i][1].reshape(self.where[i][2])) for i in b.members]
        return GradBucket(k, _t.make(b.buffer), grads, [self.params[i] for i in b.members],
                          k == len(self.buckets) - 1)

    def _launch_ready(self):
        t0 = time.perf_counter()
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            self._launch(self.next_bucket, self.buckets[self.next_bucket])
            self.next_bucket += 1
        self.stats["launch_s"] += time.perf_counter() - t0
        if self.next_bucket == len(self.buckets):
            self._finish()

    def _results(self):
        """Wait for every bucket; the flat result of each."""
        t0 = time.perf_counter()
        reqs = [b.req for b in self.buckets if b.req is not None]
        if self.mask_req is not None:
            reqs.append(self.mask_req)
        if reqs:
            _mpi.wait(reqs, "DistributedDataParallel's gradient all-reduce", self.pg._timeout)
        out = []
        for b in self.buckets:
            if b.fut is None:
                out.append(b.buffer)
                continue
            res = b.fut.wait()
            if isinstance(res, (list, tuple)) and len(res) == 1:
                res = res[0]
            if not isinstance(res, Tensor) or res.numel() != b.buffer.size:
                raise RuntimeError(f"DistributedDataParallel: the comm hook's Future must hold a tensor of the "
                                   f"bucket's {b.buffer.size} elements, got {type(res).__name__}"
                                   + (f" of {res.numel()}" if isinstance(res, Tensor) else ""))
            out.append(res._data.reshape(-1))
        self.stats["wait_s"] += time.perf_counter() - t0
        return out

    def _finish(self):
        """Wait for every bucket and write the averaged gradients back into ``.grad``."""
        results = self._results()
        everywhere = self.mask > 0 if self.mask_req is not None else None
        for i, p in enumerate(self.params):
            if everywhere is not None and not everywhere[i]:
                continue  # no rank used it: its gradient stays as it was (None, usually)
            k, _, shape, off, numel = self.where[i]
            src = results[k][off:off + numel].reshape(shape)
            g = p._grad
            if (g is not None and not g._req and g._data.shape == shape and g._data.flags.writeable
                    and g._data.flags.c_contiguous):
                np.copyto(g._data, src, casting="unsafe")
            else:
                p.grad = _t.make(src.astype(p._data.dtype, copy=True))
        self.armed = self.started = False
        self.used_since_sync[:] = False
        self.used_now = self.mask = self.mask_req = None
        for b in self.buckets:
            b.req = b.fut = None

    def shadow_step(self):
        """A joined rank's part in one synchronised backward of the active ranks: the same collectives, in the
        same order, on zeros (its own gradients are left alone)."""
        t0 = time.perf_counter()
        if self.find_unused:
            self.mask = np.zeros(len(self.params), dtype=np.int32)
            self.mask_req = self.pg._comm.Iallreduce(_mpi.MPI.IN_PLACE, [self.mask, _mpi.MPI.INT32_T], _mpi.MPI.SUM)
        for k, b in enumerate(self.buckets):
            b.buffer[...] = 0
            self._launch(k, b)
        self.stats["launch_s"] += time.perf_counter() - t0
        self._results()
        self.mask = self.mask_req = None
        for b in self.buckets:
            b.req = b.fut = None


def _bucket_dtype(dtype):
    """MPI cannot sum half floats in bulk at full precision: float16 gradients are averaged in a float32 bucket."""
    return np.dtype(np.float32) if dtype == np.float16 else np.dtype(dtype)


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
