"""``DistributedSampler``: each rank of a data-parallel job takes its own share of a dataset, as torch's does.

Without ``shuffle`` the lists are torch's exactly. With it, the permutation comes from npgrad's generator seeded
with ``seed + epoch`` - the same on every rank (so the shares never overlap), new with ``set_epoch``, but not
torch's permutation (torch shuffles with its own generator).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .sampler import Sampler, _T_co

if TYPE_CHECKING:
    from collections.abc import Iterator, Sized

    from ...random import Generator

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler[_T_co]):
    """The indices of ``dataset`` that rank ``rank`` of ``num_replicas`` takes: positions ``rank``,
    ``rank + num_replicas``, ... of the (shuffled) index list, padded by repeating its start so that every rank
    gets ``len(self)`` indices, or with ``drop_last`` cut so that the tail that would need padding is dropped.

    ``num_replicas`` and ``rank`` default to the world size and rank of the default process group. Call
    ``set_epoch(epoch)`` at the start of each epoch for a new order when shuffling.
    """

    def __init__(self, dataset: Sized, num_replicas: int | None = None, rank: int | None = None, shuffle: bool = True,
                 seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            from ... import distributed as dist
            if num_replicas is None:
                num_replicas = dist.get_world_size()
            if rank is None:
                rank = dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            # the largest share that every rank can have without repeating an index
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            from ... import _creation, random
            g = random.Generator()
            g.manual_seed(self.seed + self.epoch)  # the same seed on every rank: one permutation, split
            indices = _creation.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:  # fewer samples than ranks: repeat the whole list as often as needed
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[:self.total_size]
        assert len(indices) == self.total_size
        indices = indices[self.rank:self.total_size:self.num_replicas]
        assert len(indices) == self.num_samples
        return iter(indices)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch: with ``shuffle``, each epoch gets its own order (the same on every rank)."""
        self.epoch = epoch
