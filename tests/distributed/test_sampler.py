"""DistributedSampler against torch's: the same index lists without shuffling, the same guarantees with it."""
import itertools

import pytest
import torch
from hypothesis import given, strategies as st
from torch.utils.data.distributed import DistributedSampler as TorchSampler

import npgrad
from npgrad.utils.data.distributed import DistributedSampler


def shares(n, replicas, **kw):
    return [list(DistributedSampler(range(n), num_replicas=replicas, rank=r, **kw)) for r in range(replicas)]


@pytest.mark.parametrize("n,replicas", [(10, 1), (10, 2), (10, 3), (11, 4), (3, 5), (1, 3), (0, 2), (16, 4),
                                        (7, 7), (2, 6)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_unshuffled_lists_equal_torchs(n, replicas, drop_last):
    for r in range(replicas):
        ours = DistributedSampler(range(n), num_replicas=replicas, rank=r, shuffle=False, drop_last=drop_last)
        theirs = TorchSampler(range(n), num_replicas=replicas, rank=r, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs)
        assert len(ours) == len(theirs) and ours.num_samples == theirs.num_samples
        assert ours.total_size == theirs.total_size


@given(n=st.integers(1, 60), replicas=st.integers(1, 8), drop_last=st.booleans(), seed=st.integers(0, 2 ** 31),
       epoch=st.integers(0, 50))
def test_shuffled_shares_partition_one_permutation(n, replicas, drop_last, seed, epoch):
    every = []
    for r in range(replicas):
        s = DistributedSampler(range(n), num_replicas=replicas, rank=r, seed=seed, drop_last=drop_last)
        s.set_epoch(epoch)
        every.append(list(s))
    t = TorchSampler(range(n), num_replicas=replicas, rank=0, drop_last=drop_last)
    assert all(len(s) == len(t) for s in every)
    # interleaving the shares rebuilds the list all ranks cut from: one permutation (+ padding from its start)
    merged = [every[r][i] for i in range(len(every[0])) for r in range(replicas)]
    if drop_last:
        assert len(set(merged)) == len(merged) == t.total_size  # each index at most once
    else:
        assert sorted(set(merged)) == list(range(n))  # every index, and repeats only as padding
        perm_len = min(n, len(merged))
        assert len(set(merged[:perm_len])) == perm_len
        pad = merged[perm_len:]
        assert pad == (merged[:perm_len] * (len(pad) // perm_len + 1))[:len(pad)]


def test_shuffle_changes_with_epoch_and_seed_only():
    a = shares(50, 3, seed=1)
    assert a == shares(50, 3, seed=1)  # deterministic: every rank computes the same permutation
    assert a != shares(50, 3, seed=2)
    s = DistributedSampler(range(50), num_replicas=3, rank=1, seed=1)
    first = list(s)
    assert list(s) == first  # the same order until the epoch changes
    s.set_epoch(1)
    assert s.epoch == 1 and list(s) != first
    assert sorted(itertools.chain(*shares(51, 3, seed=1))) == list(range(51))
    npgrad.manual_seed(0)
    x = shares(50, 3, seed=4)
    npgrad.manual_seed(1)
    assert shares(50, 3, seed=4) == x  # the global generator plays no part


def test_arguments_and_errors_like_torch():
    for bad in (3, -1):
        with pytest.raises(ValueError) as ours:
            DistributedSampler(range(5), num_replicas=3, rank=bad)
        with pytest.raises(ValueError) as theirs:
            TorchSampler(range(5), num_replicas=3, rank=bad)
        assert str(ours.value) == str(theirs.value)
    import npgrad.distributed as dist
    assert not dist.is_initialized()
    with pytest.raises(ValueError, match="has not been initialized"):
        DistributedSampler(range(5))
    s = DistributedSampler(range(5), num_replicas=2, rank=0, shuffle=False, seed=3, drop_last=True)
    assert (s.shuffle, s.seed, s.drop_last, s.epoch, s.rank, s.num_replicas) == (False, 3, True, 0, 0, 2)


def test_works_in_a_dataloader():
    ds = npgrad.utils.data.TensorDataset(npgrad.arange(10.0))
    got = []
    for r in range(2):
        loader = npgrad.utils.data.DataLoader(ds, batch_size=2,
                                              sampler=DistributedSampler(ds, num_replicas=2, rank=r, shuffle=False))
        got.append([b[0].tolist() for b in loader])
    assert got == [[[0.0, 2.0], [4.0, 6.0], [8.0]], [[1.0, 3.0], [5.0, 7.0], [9.0]]]
    assert torch.utils.data.DataLoader  # the oracle is importable (conftest imports it unconditionally)
