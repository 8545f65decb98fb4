"""Datasets, as ``torch.utils.data``: map-style ``Dataset`` and ``IterableDataset`` plus the combinators.

>>> import npgrad as torch
>>> from npgrad.utils.data import TensorDataset, random_split
>>> ds = TensorDataset(torch.arange(10.), torch.arange(10))
>>> train, test = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
>>> len(train), len(test)
(8, 2)
"""
from __future__ import annotations

import bisect
import itertools
import math
import warnings
from typing import TYPE_CHECKING, Any, Generic, Iterable as _Iterable, TypeVar

import numpy as np

from ..._tensor import Tensor as _Tensor, make
from ..._warn import warn as _warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence, Sized

    from ..._tensor import Tensor
    from ...random import Generator

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset",
           "Subset", "random_split"]

# torch's datasets are generic (user code writes ``Dataset[Tensor]``), with torch's type variables
_T_co = TypeVar("_T_co", covariant=True)
_T_stack = TypeVar("_T_stack", tuple[_T_co, ...], dict[str, _T_co])  # type: ignore[valid-type]


class Dataset(Generic[_T_co]):
    """A map-style dataset: ``__getitem__(index)`` returns one sample (and usually ``__len__``).

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import Dataset
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return torch.tensor(float(i * i))
        >>> Squares()[3]
        tensor(9.)
        >>> torch.utils.data.DataLoader(Squares(), batch_size=4).__iter__().__next__()
        tensor([0., 1., 4., 9.])
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[_T_co], _Iterable[_T_co]):
    """A dataset that is a stream: ``__iter__`` yields the samples (the DataLoader batches them in order).

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import DataLoader, IterableDataset
        >>> class Stream(IterableDataset):
        ...     def __iter__(self):
        ...         return iter(torch.arange(5.0))
        >>> [b.tolist() for b in DataLoader(Stream(), batch_size=2)]
        [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]  # (torch's: chains, not concatenates)
        return ChainDataset([self, other])


def _row(t, index):
    """``t[index]`` for an int index: a view of the row (a recorded op only when ``t`` requires grad)."""
    if t._req:
        return t[index]
    return make(t._data[index], None, 0, t._vc)


class TensorDataset(Dataset[tuple[_Tensor, ...]]):
    """Samples are the ``index``-th rows of the given tensors (all the same length along dim 0).

    Args:
        *tensors (Tensor): the same size along dimension 0.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import TensorDataset
        >>> ds = TensorDataset(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([0, 1]))
        >>> len(ds)
        2
        >>> ds[1]
        (tensor([3., 4.]), tensor(1))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(_row(t, index) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class StackDataset(Dataset[_T_stack]):
    """Samples are tuples (``StackDataset(a, b)``) or dicts (``StackDataset(x=a, y=b)``) of the datasets' items.

    Args:
        *args (Dataset): datasets whose items become tuples.
        **kwargs (Dataset): datasets whose items become dicts (give one form, not both).

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import StackDataset, TensorDataset
        >>> ds = StackDataset(x=torch.tensor([1.0, 2.0]), y=torch.tensor([0, 1]))
        >>> ds[1]
        {'x': tensor(2.), 'y': tensor(1)}
        >>> len(ds)
        2
    """

    def __init__(self, *args: Dataset, **kwargs: Dataset) -> None:
        if args:
            if kwargs:
                raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                                 "input/output, but both types are given.")
            self._length = len(args[0])  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
            if any(self._length != len(d) for d in args):  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
                raise ValueError("Size mismatch between datasets")
            self.datasets: tuple[Dataset, ...] | dict[str, Dataset] = args
        elif kwargs:
            values = list(kwargs.values())
            self._length = len(values[0])  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
            if any(self._length != len(d) for d in values):  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
                raise ValueError("Size mismatch between datasets")
            self.datasets = kwargs
        else:
            raise ValueError("At least one dataset should be passed")

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset[_T_co]):
    """The datasets one after the other; indexing finds the right one by the cumulative sizes.

    Args:
        datasets (sequence of Dataset): the map-style datasets, in order.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import ConcatDataset, TensorDataset
        >>> ds = ConcatDataset([TensorDataset(torch.arange(3)), TensorDataset(torch.arange(10, 12))])
        >>> len(ds), ds[3]
        (5, (tensor(10),))
    """

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        out, total = [], 0
        for d in sequence:
            total += len(d)
            out.append(total)
        return out

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = 0 if which == 0 else self.cumulative_sizes[which - 1]
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Iterable datasets chained one after the other.

    Args:
        datasets (iterable of IterableDataset): the streams, in order.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import ChainDataset, IterableDataset
        >>> class Count(IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        >>> list(ChainDataset([Count(2), Count(3)]))
        [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
        return total


class Subset(Dataset[_T_co]):
    """The samples of ``dataset`` at ``indices``.

    Args:
        dataset (Dataset): the whole dataset.
        indices (sequence of int): the indices in it.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import Subset, TensorDataset
        >>> sub = Subset(TensorDataset(torch.arange(10, 15)), [4, 0])
        >>> len(sub), sub[0]
        (2, (tensor(14),))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: int) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        inner = getattr(self.dataset, "__getitems__", None)
        if callable(inner):
            return inner([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator: Generator | None = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths, or fractions summing to 1
    (the items left over by rounding down go one each to the first splits).

    Args:
        dataset (Dataset): the dataset to split.
        lengths (sequence of int or float): the sizes, or fractions summing to 1.
        generator (Generator, optional): the random source. Default: the global generator.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.utils.data import random_split, TensorDataset
        >>> train, val = random_split(TensorDataset(torch.arange(10)), [0.8, 0.2])
        >>> len(train), len(val)
        (8, 2)
        >>> sorted(train.indices + val.indices) == list(range(10))
        True
    """
    from ... import random as _random
    n = len(dataset)  # type: ignore[arg-type]  # (Sized: a map-style dataset has __len__)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(int(math.floor(n * frac)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
        for i, length in enumerate(lengths):
            if length == 0:
                _warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = _random.rng(generator).permutation(sum(lengths)).tolist()
    return [Subset(dataset, indices[end - length:end])
            for end, length in zip(itertools.accumulate(lengths), lengths)]


def _is_tensor_dataset(ds):
    return type(ds) is TensorDataset and not any(t._req for t in ds.tensors)


def tensor_batch(ds, indices):
    """``default_collate([ds[i] for i in indices])`` for a plain TensorDataset, in one fancy-indexing step."""
    idx = np.asarray(indices, dtype=np.int64)
    return [make(t._data[idx]) for t in ds.tensors]

