"""npgrad.utils.data against torch.utils.data: batching, collate types, samplers, splits and errors.

Random orders come from different generators (npgrad's are NumPy's), so shuffling is checked by its
properties (a permutation per epoch, reproducible from a seed), everything else by direct comparison.
"""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import npgrad
import npgrad.utils.data as nud

Point = collections.namedtuple("Point", "x y")


def _describe(obj):
    """A framework-independent description: tensors by dtype, shape and values; containers by type."""
    if isinstance(obj, (torch.Tensor, npgrad.Tensor)):
        return ("Tensor", str(obj.dtype).split(".")[-1], tuple(obj.shape), obj.detach().numpy().tolist())
    if isinstance(obj, dict):
        return (type(obj).__name__, [(k, _describe(v)) for k, v in obj.items()])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [_describe(v) for v in obj])
    return (type(obj).__name__, obj)


class MapDS:
    """A map-style dataset built from a function of the index, for both frameworks."""

    def __init__(self, m, n, fn):
        self.m, self.n, self.fn = m, n, fn

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return self.fn(self.m, i)


SAMPLES = {
    "tensor-pair": lambda m, i: (m.arange(3.0) + i, m.tensor(i)),
    "numpy": lambda m, i: np.full((2, 2), i, dtype=np.float32),
    "numpy-int-scalar": lambda m, i: np.int32(i),
    "numpy-float-scalar": lambda m, i: np.float64(i) / 3,
    "numbers": lambda m, i: (i, float(i) / 2, bool(i % 2)),
    "strings": lambda m, i: (f"s{i}", m.tensor([i, i])),
    "dict": lambda m, i: {"x": m.ones(2) * i, "y": i, "meta": {"name": str(i), "w": [i, i + 1]}},
    "ordered-dict": lambda m, i: collections.OrderedDict([("b", i), ("a", np.arange(2) + i)]),
    "namedtuple": lambda m, i: Point(m.tensor([float(i)]), i),
    "list": lambda m, i: [m.tensor(i), [i, 2 * i]],
    "float64-tensor": lambda m, i: m.full((2,), i, dtype=m.float64),
    "bool-tensor": lambda m, i: m.tensor([i % 2 == 0, True]),
}


@pytest.mark.parametrize("kind", list(SAMPLES))
@pytest.mark.parametrize("batch_size,drop_last", [(4, False), (4, True), (1, False), (None, False)])
def test_batches_match_torch(kind, batch_size, drop_last):
    out = []
    for m, data in ((npgrad, nud), (torch, tud)):
        loader = data.DataLoader(MapDS(m, 10, SAMPLES[kind]), batch_size=batch_size, drop_last=drop_last)
        out.append(([_describe(b) for b in loader], len(loader)))
    assert out[0] == out[1]


def test_tensor_dataset_loader_and_fast_path():
    x = np.random.default_rng(0).standard_normal((11, 3)).astype(np.float32)
    y = np.arange(11)
    out = []
    for m, data in ((npgrad, nud), (torch, tud)):
        ds = data.TensorDataset(m.tensor(x), m.tensor(y))
        assert len(ds) == 11 and _describe(ds[3]) == _describe((m.tensor(x[3]), m.tensor(y[3])))
        loader = data.DataLoader(ds, batch_size=4)
        out.append([_describe(b) for b in loader])
        out.append([_describe(b) for b in data.DataLoader(ds, batch_size=4, collate_fn=lambda b: b)])
        with pytest.raises(AssertionError, match="Size mismatch between tensors"):
            data.TensorDataset(m.ones(2), m.ones(3))
    assert out[0] == out[2] and out[1] == out[3]


def test_shuffle_is_a_permutation_per_epoch_and_reproducible():
    ds = nud.TensorDataset(npgrad.arange(20))
    g = npgrad.Generator().manual_seed(3)
    loader = nud.DataLoader(ds, batch_size=6, shuffle=True, generator=g)
    epochs = [[int(v) for (b,) in loader for v in b.tolist()] for _ in range(3)]
    assert all(sorted(e) == list(range(20)) for e in epochs)
    assert epochs[0] != epochs[1] and [len(b) for (b,) in loader] == [6, 6, 6, 2]
    again = nud.DataLoader(ds, batch_size=6, shuffle=True, generator=npgrad.Generator().manual_seed(3))
    assert [[int(v) for (b,) in again for v in b.tolist()] for _ in range(3)] == epochs
    npgrad.manual_seed(5)  # without a generator: the default generator seeds the order
    first = [int(v) for (b,) in nud.DataLoader(ds, batch_size=6, shuffle=True) for v in b.tolist()]
    npgrad.manual_seed(5)
    assert [int(v) for (b,) in nud.DataLoader(ds, batch_size=6, shuffle=True) for v in b.tolist()] == first


def test_samplers():
    for m, data in ((npgrad, nud), (torch, tud)):
        ds = list(range(10))
        assert list(data.SequentialSampler(ds)) == list(range(10))
        assert len(data.RandomSampler(ds, num_samples=25)) == 25
        draws = list(data.RandomSampler(ds, num_samples=25, generator=m.Generator().manual_seed(0)))
        assert len(draws) == 25 and sorted(draws[:10]) == list(range(10)) and sorted(draws[10:20]) == list(range(10))
        with_repl = list(data.RandomSampler(ds, replacement=True, num_samples=40))
        assert len(with_repl) == 40 and all(0 <= i < 10 for i in with_repl)
        sub = list(data.SubsetRandomSampler([3, 5, 7], generator=m.Generator().manual_seed(1)))
        assert sorted(sub) == [3, 5, 7]
        w = list(data.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 30))
        assert set(w) <= {1, 3} and len(w) == 30
        bs = data.BatchSampler(data.SequentialSampler(ds), 4, False)
        assert list(bs) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(bs) == 3
        bs = data.BatchSampler(range(10), 4, True)
        assert list(bs) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(bs) == 2
        with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
            data.BatchSampler(ds, 0, False)
        with pytest.raises(ValueError, match="drop_last should be a boolean value"):
            data.BatchSampler(ds, 2, 1)
        with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
            data.RandomSampler(ds, num_samples=0)
        with pytest.raises(TypeError, match="replacement should be a boolean value"):
            data.RandomSampler(ds, replacement=1)


def test_custom_sampler_and_batch_sampler_match_torch():
    out = []
    for m, data in ((npgrad, nud), (torch, tud)):
        ds = MapDS(m, 10, SAMPLES["tensor-pair"])
        a = data.DataLoader(ds, batch_size=3, sampler=[9, 0, 4, 4, 2])
        b = data.DataLoader(ds, batch_sampler=[[1, 2], [7], [0, 3, 5]])
        c = data.DataLoader(ds, batch_size=None, sampler=[5, 1])
        out.append(([_describe(x) for x in a], [_describe(x) for x in b], [_describe(x) for x in c],
                    len(a), len(b), len(c)))
    assert out[0] == out[1]


class Stream:
    """An iterable dataset of n samples; ``__len__`` only if asked for."""

    def __init__(self, base, m, n):
        self.base, self.m, self.n = base, m, n

    def make(self):
        m, n = self.m, self.n

        class S(self.base):
            def __iter__(self):
                return iter([(m.tensor([float(i)]), i) for i in range(n)])

            def __len__(self):
                return n
        return S()


@pytest.mark.parametrize("batch_size,drop_last", [(3, False), (3, True), (None, False)])
def test_iterable_dataset_matches_torch(batch_size, drop_last):
    out = []
    for m, data in ((npgrad, nud), (torch, tud)):
        ds = Stream(data.IterableDataset, m, 8).make()
        loader = data.DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
        out.append(([_describe(b) for b in loader], len(loader)))
        with pytest.raises(ValueError, match="expected unspecified shuffle option"):
            data.DataLoader(ds, shuffle=True)
        with pytest.raises(ValueError, match="expected unspecified sampler option"):
            data.DataLoader(ds, sampler=[0])
        chained = ds + Stream(data.IterableDataset, m, 2).make()
        assert isinstance(chained, data.ChainDataset) and len(chained) == 10 and len(list(chained)) == 10
    assert out[0] == out[1]


def test_subset_concat_stack_and_random_split():
    for m, data in ((npgrad, nud), (torch, tud)):
        a = MapDS(m, 5, lambda m, i: i)
        b = MapDS(m, 3, lambda m, i: 100 + i)
        cat = data.ConcatDataset([a, b])
        assert isinstance(data.TensorDataset(m.ones(2)) + data.TensorDataset(m.ones(1)), data.ConcatDataset)
        assert isinstance(cat, data.ConcatDataset) and len(cat) == 8 and cat.cumulative_sizes == [5, 8]
        assert [cat[i] for i in range(8)] == [0, 1, 2, 3, 4, 100, 101, 102] and cat[-1] == 102
        sub = data.Subset(cat, [7, 0, 5])
        assert len(sub) == 3 and [sub[i] for i in range(3)] == [102, 0, 100]
        st = data.StackDataset(a, a)
        assert st[2] == (2, 2) and data.StackDataset(x=a, y=a)[1] == {"x": 1, "y": 1}
        with pytest.raises(ValueError, match="Size mismatch between datasets"):
            data.StackDataset(a, b)
        for lengths, sizes in (([3, 5], [3, 5]), ([0.5, 0.3, 0.2], [5, 2, 1]), ([0.34, 0.33, 0.33], [3, 3, 2])):
            parts = data.random_split(cat, lengths, generator=m.Generator().manual_seed(0))
            assert [len(p) for p in parts] == sizes  # (rounded down, the remainder spread from the first split)
            assert sorted(cat[i] for p in parts for i in p.indices) == [0, 1, 2, 3, 4, 100, 101, 102]
        with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
            data.random_split(cat, [3, 3])
        with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
            data.random_split(cat, [0.5, -0.5, 1.0])
        with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
            data.random_split(a, [1.0, 0.0])
        with pytest.raises(NotImplementedError):
            data.Dataset()[0]


def test_split_is_reproducible():
    ds = nud.TensorDataset(npgrad.arange(30))
    a = nud.random_split(ds, [0.7, 0.3], generator=npgrad.Generator().manual_seed(42))
    b = nud.random_split(ds, [0.7, 0.3], generator=npgrad.Generator().manual_seed(42))
    assert [p.indices for p in a] == [p.indices for p in b]


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(num_workers=-1), ValueError, "num_workers option should be non-negative"),
    (dict(timeout=-1), ValueError, "timeout option should be non-negative"),
    (dict(prefetch_factor=2), ValueError, "prefetch_factor option could only be specified in multiprocessing"),
    (dict(persistent_workers=True), ValueError, "persistent_workers option needs num_workers > 0"),
    (dict(sampler=[0, 1], shuffle=True), ValueError, "sampler option is mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2), ValueError, "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), ValueError, "batch_size=None option disables auto-batching"),
    (dict(batch_size=0), ValueError, "batch_size should be a positive integer value"),
])
def test_loader_errors_match_torch(kwargs, exc, match):
    for m, data in ((npgrad, nud), (torch, tud)):
        with pytest.raises(exc, match=match):
            data.DataLoader(MapDS(m, 4, SAMPLES["numbers"]), **kwargs)


def test_collate_errors_match_torch():
    for m, data in ((npgrad, nud), (torch, tud)):
        with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
            data.default_collate([object(), object()])
        with pytest.raises(TypeError, match="found <U1"):
            data.default_collate([np.array(["a"]), np.array(["b"])])
        with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
            data.default_collate([[1, 2], [1]])
        with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0 "
                                               r"and \[3\] at entry 1"):
            data.default_collate([m.ones(2), m.ones(3)])
        loader = data.DataLoader(MapDS(m, 4, SAMPLES["numbers"]))
        with pytest.raises(ValueError, match="batch_size attribute should not be set"):
            loader.batch_size = 3


def test_default_convert_matches_torch():
    cases = [(np.ones(2), 3, "x"), {"a": np.float32(2.5), "b": [np.arange(2)]}, Point(np.zeros(1), 2),
             np.array(["a", "b"])]
    for c in cases:
        ours, theirs = nud.default_convert(c), tud.default_convert(c)
        if isinstance(c, np.ndarray):
            assert ours is c and theirs is c
        else:
            assert _describe(ours) == _describe(theirs)
