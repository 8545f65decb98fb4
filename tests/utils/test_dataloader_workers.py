"""``DataLoader(num_workers > 0)``: real worker processes with torch's semantics, compared with torch's loader.

Datasets are module-level classes so both frameworks' workers can use them under any start method.
"""
import importlib
import os
import random
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import npgrad
import npgrad.utils.data as nud


class _Lib:
    """Holds the framework by name, so the dataset pickles (spawned workers)."""

    def __init__(self, lib, n):
        self.lib_name, self.n = lib.__name__, n

    @property
    def lib(self):
        return importlib.import_module(self.lib_name)


class Squares(_Lib):
    """Map-style: sample i is (i, i*i as float, the worker pid)."""

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.lib.tensor([float(i), float(i * i)]), i, os.getpid()


class WorkerView(_Lib):
    """Each sample reports what its worker sees: id, num_workers, seed, the framework's initial_seed and a
    Python random draw (seeded per worker as torch does)."""

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.utils.data.get_worker_info()
        return i, info.id, info.num_workers, info.seed, self.lib.initial_seed(), random.random()


class Failing:
    def __init__(self, bad):
        self.bad = bad

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == self.bad:
            raise ValueError(f"sample {i} is broken")
        return i


class Shards(_Lib):
    """Iterable: each worker yields its own share, found with get_worker_info (torch's documented pattern)."""

    def __iter__(self):
        info = self.lib.utils.data.get_worker_info()
        return iter(range(info.id, self.n, info.num_workers))


def _shards(lib, n):
    base = lib.utils.data.IterableDataset
    return type("Shards", (Shards, base), {})(lib, n)


def _init_fn(worker_id):
    os.environ["NPGRAD_TEST_WORKER_INIT"] = str(worker_id)


class InitSeen:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return int(os.environ.get("NPGRAD_TEST_WORKER_INIT", "-1"))


def _plain(batch):
    """Tensors to lists, so both frameworks' batches compare as data."""
    if isinstance(batch, (torch.Tensor, npgrad.Tensor)):
        return batch.tolist()
    if isinstance(batch, (list, tuple)):
        return [_plain(b) for b in batch]
    return batch


@pytest.mark.parametrize("kw", [dict(batch_size=3), dict(batch_size=4, drop_last=True), dict(batch_size=None),
                                dict(batch_size=2, prefetch_factor=1), dict(batch_size=5, in_order=False)])
def test_same_batches_as_torch(kw):
    ours = [_plain(b)[:2] for b in nud.DataLoader(Squares(npgrad, 11), num_workers=2, **kw)]
    theirs = [_plain(b)[:2] for b in tud.DataLoader(Squares(torch, 11), num_workers=2, **kw)]
    if kw.get("in_order") is False:
        ours, theirs = sorted(ours, key=str), sorted(theirs, key=str)
    assert ours == theirs


def test_batches_come_from_other_processes_in_order():
    pids = set()
    seen = []
    for x, i, pid in nud.DataLoader(Squares(npgrad, 20), batch_size=2, num_workers=3):
        pids.update(pid.tolist())
        seen += i.tolist()
    assert seen == list(range(20))
    assert os.getpid() not in pids and len(pids) == 3


def test_worker_info_and_seeding_as_torch():
    """Worker i gets seed base_seed + i; its framework and Python RNGs are seeded with it; id/num_workers as torch;
    batches alternate between workers. The base seed differs (each framework's own RNG draws it)."""
    results = []
    for lib, data in ((torch, tud), (npgrad, nud)):
        rows = [tuple(r) for b in data.DataLoader(WorkerView(lib, 6), batch_size=2, num_workers=2)
                for r in zip(*[_plain(c) for c in b])]
        base = rows[0][3]
        results.append([(i, wid, nw, seed - base, init - base) for i, wid, nw, seed, init, _ in rows])
        for w in (0, 1):  # each worker's Python random module was seeded with its seed
            mine = [r for r in rows if r[1] == w]
            random.seed(mine[0][3])
            assert [r[5] for r in mine] == [random.random() for _ in mine], lib.__name__
    assert results[0] == results[1]
    assert nud.get_worker_info() is None


def test_generator_fixes_the_base_seed():
    def seeds(s):
        g = npgrad.Generator().manual_seed(s)
        return [b[3].tolist() for b in nud.DataLoader(WorkerView(npgrad, 4), batch_size=2, num_workers=2,
                                                          generator=g)]
    assert seeds(5) == seeds(5) != seeds(6)


def test_worker_exception_reraised_with_traceback():
    for data in (nud, tud):
        with pytest.raises(ValueError) as info:
            list(data.DataLoader(Failing(5), batch_size=2, num_workers=2))
        msg = str(info.value)
        assert msg.startswith("Caught ValueError in DataLoader worker process 0.\nOriginal Traceback")
        assert "sample 5 is broken" in msg and "__getitem__" in msg


def test_worker_init_fn_runs_in_each_worker():
    for data in (tud, nud):
        got = [b.tolist() for b in data.DataLoader(InitSeen(), batch_size=1, num_workers=2,
                                                       worker_init_fn=_init_fn)]
        assert got == [[0], [1], [0], [1]]
    assert "NPGRAD_TEST_WORKER_INIT" not in os.environ  # set only in the workers


def test_iterable_dataset_sharded_by_worker_info():
    for kw in (dict(batch_size=None), dict(batch_size=2), dict(batch_size=2, drop_last=True)):
        ours = _plain(list(nud.DataLoader(_shards(npgrad, 7), num_workers=2, **kw)))
        theirs = _plain(list(tud.DataLoader(_shards(torch, 7), num_workers=2, **kw)))
        assert ours == theirs, kw


def test_persistent_workers_keep_processes_between_epochs():
    loader = nud.DataLoader(Squares(npgrad, 6), batch_size=2, num_workers=2, persistent_workers=True)
    first = [b[2].tolist() for b in loader]
    second = [b[2].tolist() for b in loader]
    assert first == second  # the same worker processes served both epochs
    it = iter(loader)
    next(it)  # an epoch abandoned halfway...
    assert [b[1].tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]  # ...does not leak into the next one
    loader._iterator._shutdown_workers()


def test_timeout_as_torch():
    for data in (tud, nud):
        with pytest.raises(RuntimeError, match="DataLoader timed out after 0.2 seconds"):
            list(data.DataLoader(Slow(), num_workers=1, timeout=0.2))


class Slow:
    def __len__(self):
        return 1

    def __getitem__(self, i):
        import time
        time.sleep(1.5)
        return i


def test_spawn_context_works():
    got = [b[1].tolist() for b in nud.DataLoader(Squares(npgrad, 4), batch_size=2, num_workers=1,
                                                 multiprocessing_context="spawn")]
    assert got == [[0, 1], [2, 3]]


def test_pin_memory_warns_as_torch_without_accelerator():
    for data in (tud, nud):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            list(data.DataLoader(list(range(3)), pin_memory=True))
        assert any("no accelerator is found" in str(x.message) for x in w)


def test_random_sampler_with_replacement_is_lazy():
    s = nud.RandomSampler(range(10), replacement=True, num_samples=10 ** 10)
    it = iter(s)
    first = [next(it) for _ in range(100)]  # would allocate 74 GiB if drawn up front
    assert len(s) == 10 ** 10 and all(0 <= i < 10 for i in first)
    g = npgrad.Generator().manual_seed(0)
    draws = list(nud.RandomSampler(range(10), replacement=True, num_samples=70, generator=g))
    assert len(draws) == 70 and set(draws) <= set(range(10))
    assert np.unique(draws).size > 5
