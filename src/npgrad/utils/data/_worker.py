"""``DataLoader(num_workers > 0)``: worker processes, with torch's semantics.

The main process iterates the sampler and hands each batch's indices to a worker (round-robin over the live
ones, ``prefetch_factor`` tasks per worker in flight); a worker fetches the samples, collates them and sends the
batch back on one shared result queue; the main process returns batches in sampler order (``in_order=False``:
as they arrive). Each worker seeds npgrad's and Python's RNGs with ``base_seed + worker_id`` (``base_seed``
drawn from the loader's generator each epoch), sets ``get_worker_info()``, then runs ``worker_init_fn(id)``.
A worker's exception comes back with its traceback text and is raised again in the main process, as torch
does. ``persistent_workers`` keeps the processes between epochs; ``timeout`` bounds each wait for a batch.

Messages on a worker's index queue: ``("task", epoch, idx, indices)``, ``("reset", epoch, seed)`` (a new epoch
for persistent workers: recreate an iterable dataset's iterator) and ``None`` (exit). Results carry the epoch, so
an abandoned epoch's late batches are dropped.
"""
import itertools
import multiprocessing
import os
import queue
import random
import sys
import traceback
import warnings
from ..._warn import warn as _warn

_POLL = 5.0  # seconds between liveness checks while waiting without a timeout


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process as its type and traceback text."""

    def __init__(self, exc_info, where):
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:  # KeyError quotes its message: torch wraps it the same way
            msg = KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exc


class KeyErrorMessage(str):
    def __repr__(self):
        return self


class _IterableEnd:
    """A worker's iterable dataset is exhausted for this epoch."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


def _fetch(dataset, iterable, auto_collation, collate_fn, drop_last, data_iter, index):
    """One batch (or sample) for ``index``; ``None`` marks an exhausted iterable dataset."""
    if iterable:
        if not auto_collation:
            try:
                return collate_fn(next(data_iter)), False
            except StopIteration:
                return None, True
        data = []
        for _ in index:
            try:
                data.append(next(data_iter))
            except StopIteration:
                break
        if len(data) == 0 or (drop_last and len(data) < len(index)):
            return None, True
        return collate_fn(data), False
    if auto_collation:
        getitems = getattr(dataset, "__getitems__", None)
        data = getitems(index) if callable(getitems) else [dataset[i] for i in index]
    else:
        data = dataset[index]
    return collate_fn(data), False


def _seed_worker(seed):
    from ... import random as _random
    _random.manual_seed(seed)
    random.seed(seed)


def _worker_loop(dataset, index_queue, result_queue, worker_id, num_workers, seed, init_fn, iterable,
                 auto_collation, collate_fn, drop_last, parent_pid):
    from . import dataloader as _dl
    try:
        _seed_worker(seed)
        _dl._worker_info = _dl.WorkerInfo(worker_id, num_workers, seed, dataset)
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            data_iter = iter(dataset) if iterable else None
        except Exception:
            init_error = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
            data_iter = None
        exhausted = False
        while True:
            try:
                msg = index_queue.get(timeout=_POLL)
            except queue.Empty:
                if os.getppid() != parent_pid:  # the main process is gone: nobody will read our results
                    return
                continue
            if msg is None:
                return
            if msg[0] == "reset":
                _, epoch, new_seed = msg
                _seed_worker(new_seed)
                _dl._worker_info = _dl.WorkerInfo(worker_id, num_workers, new_seed, dataset)
                exhausted = False
                if iterable:
                    try:
                        data_iter = iter(dataset)
                    except Exception:
                        init_error = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
                continue
            _, epoch, idx, index = msg
            if init_error is not None:
                data, init_error = init_error, None
            elif exhausted:
                data = _IterableEnd(worker_id)
            else:
                try:
                    data, end = _fetch(dataset, iterable, auto_collation, collate_fn, drop_last, data_iter, index)
                    if end:
                        exhausted = True
                        data = _IterableEnd(worker_id)
                except Exception:
                    data = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
            result_queue.put((epoch, idx, data))
            del data
    except KeyboardInterrupt:
        pass


class MultiProcessingLoaderIter:
    """One pass over a DataLoader whose batches come from worker processes."""

    def __init__(self, loader):
        from ... import random as _random
        self._loader = loader
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._in_order = loader.in_order
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing
        elif isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        self._epoch = 0
        self._base_seed = self._draw_seed(_random)
        self._result_queue = ctx.Queue()
        self._index_queues = []
        self._workers = []
        iterable = loader._iterable
        for i in range(self._num_workers):
            q = ctx.Queue()
            w = ctx.Process(target=_worker_loop, args=(
                loader.dataset, q, self._result_queue, i, self._num_workers, self._base_seed + i,
                loader.worker_init_fn, iterable, loader._auto_collation, loader.collate_fn, loader.drop_last,
                os.getpid()), daemon=True)
            w.start()
            self._index_queues.append(q)
            self._workers.append(w)
        self._shutdown = False
        self._start_epoch(first=True)

    def _draw_seed(self, _random):
        return int(_random.rng(self._loader.generator).integers(0, 2 ** 62))

    def _start_epoch(self, first=False):
        loader = self._loader
        self._index_iter = iter(loader._index_sampler)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}        # idx -> worker id while in flight, then (worker id, data)
        self._tasks_outstanding = 0
        self._active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        self._sampler_done = False
        if not first:
            from ... import random as _random
            self._epoch += 1
            self._base_seed = self._draw_seed(_random)
            for i, q in enumerate(self._index_queues):
                q.put(("reset", self._epoch, self._base_seed + i))
        for _ in range(self._prefetch):
            self._try_put_index()

    def _try_put_index(self):
        if self._sampler_done or not any(self._active):
            return
        try:
            index = next(self._index_iter)
        except StopIteration:
            self._sampler_done = True
            return
        for _ in range(self._num_workers):
            wid = next(self._worker_cycle)
            if self._active[wid]:
                break
        self._index_queues[wid].put(("task", self._epoch, self._send_idx, index))
        self._task_info[self._send_idx] = wid
        self._tasks_outstanding += 1
        self._send_idx += 1

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def _get(self):
        """The next result for this epoch from any worker, honouring ``timeout`` and noticing dead workers."""
        while True:
            try:
                epoch, idx, data = self._result_queue.get(timeout=self._timeout if self._timeout > 0 else _POLL)
            except queue.Empty:
                if self._timeout > 0:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
                dead = [w for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown_workers()
                    pids = ", ".join(str(w.pid) for w in dead)
                    raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from None
                continue
            if epoch == self._epoch:
                return idx, data

    def __next__(self):
        if self._shutdown:
            raise StopIteration
        while True:
            # the batch we want next may already be here
            if self._in_order:
                while self._rcvd_idx < self._send_idx:
                    info = self._task_info.get(self._rcvd_idx)
                    if info is None or (type(info) is int and not self._active[info]):
                        self._task_info.pop(self._rcvd_idx, None)
                        self._rcvd_idx += 1  # a task of a worker whose iterable ended: skip it
                        continue
                    break
                info = self._task_info.get(self._rcvd_idx)
                if type(info) is tuple:
                    del self._task_info[self._rcvd_idx]
                    self._rcvd_idx += 1
                    return self._process(info[1])
            if self._tasks_outstanding == 0:
                self._end_epoch()
                raise StopIteration
            idx, data = self._get()
            self._tasks_outstanding -= 1
            if isinstance(data, _IterableEnd):
                self._active[data.worker_id] = False
                self._task_info.pop(idx, None)
                self._try_put_index()
                continue
            if not self._in_order:
                self._task_info.pop(idx, None)
                return self._process(data)
            if idx == self._rcvd_idx:
                del self._task_info[idx]
                self._rcvd_idx += 1
                return self._process(data)
            self._task_info[idx] = (self._task_info[idx], data)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            self._shutdown_workers()
            data.reraise()
        return data

    def _end_epoch(self):
        if not self._loader.persistent_workers:
            self._shutdown_workers()

    def _reset(self):
        """Begin a new epoch on the same (persistent) workers."""
        self._shutdown = False
        self._start_epoch()

    def _shutdown_workers(self):
        if self._shutdown or not self._workers:
            return
        self._shutdown = True
        if self._workers[0]._parent_pid != os.getpid():  # a copy of this iterator in a forked child
            return
        for q in self._index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for w in self._workers:
            w.join(timeout=_POLL)
            if w.is_alive():
                w.terminate()
        for q in self._index_queues + [self._result_queue]:
            q.cancel_join_thread()
            q.close()
        self._workers = []
        if self._loader.__dict__.get("_iterator") is self:
            self._loader.__dict__["_iterator"] = None

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:
            pass


def warn_pin_memory():
    _warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory "
                  "won't be used.")

