"""Property tests for shape, joining and indexing ops: random shapes, dims and index tuples, each compared with
torch (values, dtypes, shapes, grad_fn names and gradients) through the oracle."""
import numpy as np
from hypothesis import given, strategies as st

from tests.support.oracle import compare

sizes = st.integers(0, 3)
shapes = st.lists(sizes, min_size=0, max_size=4).map(tuple)
nonempty_shapes = st.lists(st.integers(1, 3), min_size=1, max_size=4).map(tuple)


def _array(shape, seed):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(np.float64)


seeds = st.integers(0, 2 ** 16)


@given(shape=nonempty_shapes, data=st.data(), seed=seeds)
def test_permute(shape, data, seed):
    perm = data.draw(st.permutations(range(len(shape))))
    neg = data.draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)))
    dims = tuple(p - len(shape) if n else p for p, n in zip(perm, neg))
    compare(lambda m, a: a.permute(*dims), (_array(shape, seed),))


@given(shape=shapes, data=st.data(), seed=seeds)
def test_transpose_and_movedim(shape, data, seed):
    nd = max(len(shape), 1)
    d0 = data.draw(st.integers(-nd, nd - 1))
    d1 = data.draw(st.integers(-nd, nd - 1))
    compare(lambda m, a: a.transpose(d0, d1), (_array(shape, seed),))
    if len(shape):
        compare(lambda m, a: m.movedim(a, d0, d1), (_array(shape, seed),))


@given(shape=shapes, data=st.data(), seed=seeds)
def test_flatten_and_reshape(shape, data, seed):
    nd = max(len(shape), 1)
    s = data.draw(st.integers(-nd, nd - 1))
    e = data.draw(st.integers(-nd, nd - 1))
    if (s % nd) <= (e % nd):
        compare(lambda m, a: a.flatten(s, e), (_array(shape, seed),))
    # reshape of a transposed (non-contiguous) input: a view when the strides allow it, a copy otherwise
    n = int(np.prod(shape))
    compare(lambda m, a: a.mT.reshape(-1, 1) if a.dim() >= 2 else a.reshape(n), (_array(shape, seed),))


@given(shape=nonempty_shapes, data=st.data(), seed=seeds)
def test_cat(shape, data, seed):
    nd = len(shape)
    d = data.draw(st.integers(-nd, nd - 1))
    sizes_d = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=3))
    arrays = []
    for i, k in enumerate(sizes_d):
        s = list(shape)
        s[d] = k
        arrays.append(_array(tuple(s), seed + i))
    compare(lambda m, *xs: m.cat(xs, d), tuple(arrays))


@given(shape=shapes, data=st.data(), seed=seeds)
def test_stack(shape, data, seed):
    nd = len(shape) + 1
    d = data.draw(st.integers(-nd, nd - 1))
    count = data.draw(st.integers(1, 3))
    compare(lambda m, *xs: m.stack(xs, d), tuple(_array(shape, seed + i) for i in range(count)))


@given(shape=nonempty_shapes, data=st.data(), seed=seeds)
def test_split_and_chunk(shape, data, seed):
    nd = len(shape)
    d = data.draw(st.integers(-nd, nd - 1))
    n = shape[d]
    size = data.draw(st.integers(1, 4))
    keep = data.draw(st.lists(st.booleans(), min_size=8, max_size=8))

    def some(outs):  # only some of the outputs flow back: the node must fill zeros for the others
        picked = tuple(o for o, k in zip(outs, keep) if k)
        return picked or outs[:1]

    compare(lambda m, a: some(a.split(size, d)), (_array(shape, seed),))
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    compare(lambda m, a: some(m.split(a, parts, d)), (_array(shape, seed),))
    chunks = data.draw(st.integers(1, 4))
    compare(lambda m, a: some(a.chunk(chunks, d)), (_array(shape, seed),))
    compare(lambda m, a: some(a.unbind(d)), (_array(shape, seed),))
    compare(lambda m, a: a.tensor_split(cuts, d), (_array(shape, seed),))


def _index_item(draw, size, length, unique, allow_mask):
    """One index item for a dim of ``size``: an int, a slice, an index array of ``length`` or a mask."""
    kinds = ["slice", "array", "int"] if size else ["slice"]
    if size and allow_mask:
        kinds.append("mask")
    kind = draw(st.sampled_from(kinds))
    if kind == "int":
        return draw(st.integers(-size, size - 1))
    if kind == "slice":
        start = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
        stop = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
        step = draw(st.one_of(st.none(), st.integers(1, 3)))
        return slice(start, stop, step)
    if kind == "mask":
        return np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    n = min(length, size) if unique else length
    vals = draw(st.lists(st.integers(-size, size - 1), min_size=n, max_size=n,
                         unique_by=(lambda v: v % size) if unique else None))
    return np.array(vals, dtype=np.int64)


@st.composite
def index_tuples(draw, shape, unique=False):
    """A random index for ``shape``: ints, slices, index arrays (of one common length, so they broadcast) or
    one mask, for some leading and trailing dims around an optional ``...``, with ``None`` sprinkled in."""
    nd = len(shape)
    k = draw(st.integers(0, nd))
    j = draw(st.integers(0, k))  # items before the ellipsis (all of them when there is none)
    ellipsis = draw(st.booleans())
    dims = list(range(j)) + list(range(nd - (k - j), nd)) if ellipsis else list(range(k))
    length = draw(st.integers(1, 3))
    allow_mask = draw(st.booleans())
    items = [_index_item(draw, shape[d], length, unique, allow_mask) for d in dims]
    arrays = [i for i, it in enumerate(items) if isinstance(it, np.ndarray)]
    if any(items[i].dtype == bool for i in arrays):
        keep = next(i for i in arrays if items[i].dtype == bool)  # one mask, no other index arrays
        items = [slice(None) if i in arrays and i != keep else it for i, it in enumerate(items)]
    if unique and sum(isinstance(it, np.ndarray) and it.dtype != bool for it in items) > 1:
        lens = {len(it) for it in items if isinstance(it, np.ndarray)}
        if len(lens) > 1:  # unique arrays were clipped to their dim's size: keep the first only
            first = next(i for i, it in enumerate(items) if isinstance(it, np.ndarray))
            items = [slice(None) if isinstance(it, np.ndarray) and i != first else it for i, it in enumerate(items)]
    if ellipsis:
        items.insert(j, Ellipsis)
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    return tuple(items)


def _convert(m, index):
    return tuple(m.tensor(i) if isinstance(i, np.ndarray) else i for i in index)


@given(shape=shapes, data=st.data(), seed=seeds)
def test_getitem(shape, data, seed):
    index = data.draw(index_tuples(shape))
    compare(lambda m, a: a[_convert(m, index)], (_array(shape, seed),))


@given(shape=shapes, data=st.data(), seed=seeds)
def test_setitem(shape, data, seed):
    # unique index arrays: with repeats, which write wins is unspecified (in torch as in NumPy)
    index = data.draw(index_tuples(shape, unique=True))
    import torch
    region = tuple(torch.zeros(shape)[_convert(torch, index)].shape)
    vshape = region[data.draw(st.integers(0, len(region))):]

    def fn(m, a, v):
        y = a * 1
        y[_convert(m, index)] = v
        return y

    compare(fn, (_array(shape, seed), _array(vshape, seed + 1)))


@st.composite
def basic_index(draw, shape):
    """Ints and slices for some leading dims: an index that gives a view."""
    items = []
    for n in shape[:draw(st.integers(0, len(shape)))]:
        if n and draw(st.booleans()):
            items.append(draw(st.integers(-n, n - 1)))
        else:
            items.append(slice(draw(st.one_of(st.none(), st.integers(0, n))), None, draw(st.integers(1, 2))))
    return tuple(items)


@given(shape=nonempty_shapes, data=st.data(), seed=seeds)
def test_setitem_through_view(shape, data, seed):
    """Writing into a view of a non-leaf rebases the base (CopySlices) and re-derives the view from it."""
    first = data.draw(basic_index(shape))
    import torch
    vshape = tuple(torch.zeros(shape)[first].shape)
    index = data.draw(index_tuples(vshape, unique=True))
    region = tuple(torch.zeros(vshape)[_convert(torch, index)].shape)
    value_shape = region[data.draw(st.integers(0, len(region))):]

    def fn(m, a, v):
        y = a * 1
        z = y[first]
        z[_convert(m, index)] = v
        return y, z

    compare(fn, (_array(shape, seed), _array(value_shape, seed + 1)))
