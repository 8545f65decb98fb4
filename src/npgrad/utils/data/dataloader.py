"""``DataLoader`` and the default collate function, as ``torch.utils.data``.

``num_workers > 0`` loads in worker processes with torch's semantics (see ``_worker.py``); ``num_workers=0``
loads in this process. ``default_collate`` batches tensors, NumPy arrays and scalars, numbers, strings, dicts,
namedtuples and sequences the way torch's does (tuples become lists, floats become float64 tensors).

>>> import npgrad as torch
>>> from npgrad.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(torch.arange(10.).reshape(5, 2), torch.arange(5))
>>> [y.tolist() for x, y in DataLoader(ds, batch_size=2)]
[[0, 1], [2, 3], [4]]
"""
from __future__ import annotations

import collections.abc
import copy
import os
import re
from typing import TYPE_CHECKING, Any, Generic

import numpy as np

from ..._tensor import Tensor, make
from ..._warn import warn as _warn
from .dataset import IterableDataset, _T_co, _is_tensor_dataset, tensor_batch
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from ...random import Generator
    from .dataset import Dataset

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info", "WorkerInfo"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
_NP_STR_OBJ = re.compile(r"[SaUO]")


def _stack(batch):
    if any(t._req for t in batch):
        from ... import stack  # a differentiable stack (records the graph, as torch.stack does)
        return stack(batch, 0)
    shape = batch[0]._data.shape
    for i, t in enumerate(batch):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    return make(np.stack([t._data for t in batch]))


def _tensor(data, dtype=None):
    from ..._creation import tensor
    return tensor(data, dtype=dtype)


def default_collate(batch: Sequence[Any]) -> Any:
    """Merge a list of samples into a batch, recursing into dicts, namedtuples and sequences.

    Args:
        batch (list): the samples.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import default_collate
        >>> default_collate([(torch.tensor([1.0, 2.0]), 0), (torch.tensor([3.0, 4.0]), 1)])
        [tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1])]
        >>> default_collate([{"x": 1.0}, {"x": 2.0}])
        {'x': tensor([1., 2.], dtype=npgrad.float64)}
    """
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, Tensor):
        return _stack(batch)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if isinstance(elem, np.ndarray):
            if _NP_STR_OBJ.search(elem.dtype.str) is not None:
                raise TypeError(_ERR.format(elem.dtype))
            return default_collate([make(np.asarray(b)) for b in batch])
        if isinstance(elem, (np.bool_, np.number, np.object_)):
            return make(np.array(batch))
    if isinstance(elem, float):
        return _tensor(batch, _float64())
    if isinstance(elem, int):
        return _tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        merged: Any = {key: default_collate([d[key] for d in batch]) for key in elem}  # (a list further down)
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone: Any = copy.copy(elem)
                clone.update(merged)
                return clone
            return elem_type(merged)
        except TypeError:
            return merged
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]  # tuples become lists, as in torch
        merged = [default_collate(samples) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, m in enumerate(merged):
                    clone[i] = m
                return clone
            return elem_type(merged)
        except TypeError:
            return merged
    raise TypeError(_ERR.format(elem_type))


def _float64():
    from ... import _dtype
    return _dtype.float64


def default_convert(data: Any) -> Any:
    """Without batching: NumPy arrays and scalars become tensors; containers are converted recursively.

    Args:
        data: a sample.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import default_convert
        >>> import numpy as np
        >>> default_convert(np.array([1, 2]))
        tensor([1, 2])
        >>> default_convert([np.float64(0.5), "a"])
        [tensor(0.5000, dtype=npgrad.float64), 'a']
    """
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if isinstance(data, np.ndarray) and _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        if isinstance(data, (np.ndarray, np.bool_, np.number)):
            return make(np.asarray(data))
        return data
    if isinstance(data, collections.abc.Mapping):
        converted: Any = {key: default_convert(data[key]) for key in data}  # (a list further down)
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone: Any = copy.copy(data)
                clone.update(converted)
                return clone
            return elem_type(converted)
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(converted):
                    clone[i] = d
                return clone
            return elem_type(converted)
        except TypeError:
            return converted
    return data


class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker process: ``id``, ``num_workers``, ``seed``, ``dataset``.

    Example (an iterable dataset that gives each worker its share)::

        >>> from npgrad.utils.data import DataLoader, IterableDataset, get_worker_info
        >>> print(get_worker_info())  # the main process
        None
        >>> class Range(IterableDataset):
        ...     def __iter__(self):
        ...         info = get_worker_info()  # a WorkerInfo in each worker
        ...         return iter(range(info.id, 6, info.num_workers))
        >>> list(DataLoader(Range(), num_workers=2, batch_size=3))
        [tensor([0, 2, 4]), tensor([1, 3, 5])]
    """

    def __init__(self, id: int, num_workers: int, seed: int, dataset: Any) -> None:
        self.id, self.num_workers, self.seed, self.dataset = id, num_workers, seed, dataset

    def __repr__(self):
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers})"


_worker_info = None
_END = object()  # the end of an iterable dataset (a sample itself may be None)


def get_worker_info() -> WorkerInfo | None:
    """``None`` in the main process; this worker's ``WorkerInfo`` in a DataLoader worker process.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import get_worker_info
        >>> get_worker_info() is None
        True
    """
    return _worker_info


class _InfiniteConstantSampler(Sampler):
    def __iter__(self):
        while True:
            yield None


class DataLoader(Generic[_T_co]):
    """Iterate over ``dataset`` in batches.

    ``batch_size`` (None turns batching off), ``shuffle`` (a new random order each epoch, from ``generator``),
    ``sampler`` / ``batch_sampler`` (custom index orders), ``drop_last``, ``collate_fn``; ``num_workers`` worker
    processes with ``worker_init_fn``, ``prefetch_factor``, ``persistent_workers``, ``timeout``,
    ``multiprocessing_context`` and ``in_order``. ``pin_memory`` warns, as torch without an accelerator does.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import DataLoader, TensorDataset
        >>> ds = TensorDataset(torch.arange(10.0).reshape(5, 2), torch.tensor([0, 1, 0, 1, 1]))
        >>> for x, y in DataLoader(ds, batch_size=2):
        ...     print(x.shape, y)
        npgrad.Size([2, 2]) tensor([0, 1])
        npgrad.Size([2, 2]) tensor([0, 1])
        npgrad.Size([1, 2]) tensor([1])
        >>> len(DataLoader(ds, batch_size=2, drop_last=True))
        2
    """

    _initialized = False

    def __init__(self, dataset: Dataset | Sequence[Any], batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable[Any] | None = None,
                 batch_sampler: Sampler | Iterable[Sequence[Any]] | None = None, num_workers: int = 0,
                 collate_fn: Callable[[Any], Any] | None = None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Generator | None = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers "
                             "> 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > "
                             f"0), but got num_workers={num_workers}")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
            else:
                sampler = SequentialSampler(dataset)  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._initialized = True
        self.check_worker_number_rationality()

    def check_worker_number_rationality(self) -> None:
        """torch's UserWarning when ``num_workers`` exceeds the CPUs this process may use (``sched_getaffinity``,
        else ``os.cpu_count()``); given at construction and again when an iterator starts its workers."""
        if not self.num_workers:
            return
        cpuset_checked = hasattr(os, "sched_getaffinity")
        suggest = len(os.sched_getaffinity(0)) if cpuset_checked else os.cpu_count()
        if suggest is not None and self.num_workers <= suggest:
            return
        if suggest is None:
            why = "DataLoader is not able to compute a suggested max number of worker in current system."
        else:
            why = (f"Our suggested max number of worker in current system is {suggest}"
                   f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}, which is smaller than "
                   "what this DataLoader is going to create.")
        _warn(f"This DataLoader will create {self.num_workers} worker processes in total. {why} Please be aware "
              "that excessive worker creation might get DataLoader running slow or even freeze, lower the worker "
              "number to avoid potential slowness/freeze if necessary.")

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                          "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self) -> Iterator[Any]:
        if self.pin_memory:
            from ._worker import warn_pin_memory
            warn_pin_memory()
        if self.num_workers == 0:
            return _LoaderIter(self)
        from ._worker import MultiProcessingLoaderIter
        if self.persistent_workers:
            it = self.__dict__.get("_iterator")
            if it is not None and it._workers:
                it._reset()
                return it
            self.check_worker_number_rationality()
            it = self.__dict__["_iterator"] = MultiProcessingLoaderIter(self)
            return it
        self.check_worker_number_rationality()
        return MultiProcessingLoaderIter(self)

    def __len__(self) -> int:
        if self._iterable:
            length = len(self.dataset)  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
            if self.batch_size is not None:
                if self.drop_last:
                    return length // self.batch_size
                return -(-length // self.batch_size)
            return length
        return len(self._index_sampler)


class _LoaderIter:
    """One pass over a DataLoader (what ``iter(loader)`` returns)."""

    def __init__(self, loader):
        self._loader = loader
        self._index_iter = iter(loader._index_sampler)
        self._fast = (loader._auto_collation and loader.collate_fn is default_collate
                      and _is_tensor_dataset(loader.dataset))
        self._data_iter = iter(loader.dataset) if loader._iterable else None
        self._ended = False

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        if self._ended:
            raise StopIteration
        loader = self._loader
        index = next(self._index_iter)
        if self._fast:
            return tensor_batch(loader.dataset, index)
        data = self._fetch(index)
        if data is _END:
            self._ended = True
            raise StopIteration
        return loader.collate_fn(data)

    def _fetch(self, index):
        loader = self._loader
        if loader._iterable:
            if not loader._auto_collation:
                return next(self._data_iter, _END)
            data = []
            for _ in index:
                try:
                    data.append(next(self._data_iter))
                except StopIteration:
                    break
            if len(data) == 0 or (loader.drop_last and len(data) < len(index)):
                return _END
            return data
        if loader._auto_collation:
            getitems = getattr(loader.dataset, "__getitems__", None)
            if callable(getitems):
                return getitems(index)
            return [loader.dataset[i] for i in index]
        return loader.dataset[index]
