"""Op table entries: indexing (``x[i]``, ``x[i] = v``) and the index-driven ops (gather/scatter, index_*,
masked_*, take), with their in-place variants.

Index arrays are NumPy integer/bool arrays: the oracle turns them into integer/bool tensors of each framework.
Indices inside a tuple index are wrapped in ``Idx`` so that both frameworks get their own tensors.
"""
import numpy as np

from . import OpInfo, NoGrad, rand


class Idx:
    """An index for ``x[...]``: ndarrays in it become tensors of the framework under test, lists stay lists."""

    def __init__(self, *items, single=False):
        self.items = items
        self.single = single

    def build(self, m):
        conv = tuple(m.tensor(i) if isinstance(i, np.ndarray) else i for i in self.items)
        return conv[0] if self.single else conv


def _get(m, x, idx):
    return x[idx.build(m)]


I = np.array  # noqa: E741  (short: these tables are full of index arrays)
S = slice

GET_BASIC = [Idx(0, single=True), Idx(-1, single=True), Idx(S(None), single=True), Idx(S(1, 3), single=True),
             Idx(Ellipsis, single=True), Idx(None, single=True), Idx(1, 2), Idx(S(None), 1), Idx(Ellipsis, 0),
             Idx(0, Ellipsis), Idx(S(None), S(None)), Idx(S(None), S(0, 10)), Idx(S(None), S(-3, None)),
             Idx(S(None, None, 2), S(1, None, 2)), Idx(None, 0, None), Idx(S(None), None, 1), Idx(1, S(1, 2)),
             Idx(S(5, None)), Idx(S(2, 1)), Idx(1, 2, 3), Idx(Ellipsis, None, 0), Idx(1, Ellipsis, 1), Idx()]
GET_ADV = [Idx(I([0, 2, 0]), single=True), Idx([1, 0], single=True), Idx(I([[0, 1], [1, 1]]), single=True),
           Idx(I([True, False, True]), single=True), Idx(S(None), I([1, 1, 3])), Idx(I([0, 1]), I([2, 3])),
           Idx(I([0, 1]), S(None), I([1, 2])), Idx(S(None), I([0, 1]), I([1, 2])), Idx(1, I([0, 2]), S(1, None)),
           Idx(I([[0], [2]]), I([1, 3])), Idx(True, single=True), Idx(False, single=True), Idx(True, 0),
           Idx(I(True), single=True), Idx(I(1), single=True), Idx(I(1), I(2)), Idx(None, I([0, 1])),
           Idx(Ellipsis, I([0, 3, 3])), Idx(I([0, 1]), None, I([0, 2])), Idx(I([], dtype=np.int64), single=True),
           Idx(I([0, 1], dtype=np.int32), single=True), Idx(0, None, I([0, 1])), Idx(0, S(None), I([0, 1])),
           Idx([[0, 1], [1, 2]]), Idx(I([2, 2, 2, 0]), S(None), I([1, 1, 1, 1]))]


def _getitem_samples(cases, shape):
    def samples(rng, dtype):
        return [((rand(rng, shape, dtype), idx), {}) for idx in cases]
    return samples


def _masks(rng, dtype):
    x = rand(rng, (3, 4, 2), dtype)
    return [((x, Idx(x > 0, single=True)), {}), ((x, Idx(x[:, :, 0] > 0, single=True)), {}),
            ((x, Idx(1, x[1, :, 0] > 0)), {}), ((x, Idx(S(None), I([True, False, False, True]))), {}),
            ((x, Idx(np.zeros((3, 4), bool), 0)), {}), ((rand(rng, (), dtype), Idx(I(True), single=True)), {}),
            ((rand(rng, (), dtype), Idx(Ellipsis, single=True)), {}), ((rand(rng, (), dtype), Idx(None)), {})]


# ---- __setitem__: y = x * 1 (a non-leaf), y[idx] = v, return y (and the view written through, when any)
def _set(m, x, v, idx):
    y = x * 1
    y[idx.build(m)] = v
    return y


def _set_value(value):
    def fn(m, x, idx):
        y = x * 1
        y[idx.build(m)] = value
        return y
    return fn


SET_CASES = [  # (index, value shape)
    (Idx(0, single=True), (4,)), (Idx(S(None), 1), (3,)), (Idx(S(None), 1), (1,)), (Idx(1, 2), ()),
    (Idx(S(1, None), S(None, None, 2)), (2, 2)), (Idx(Ellipsis, single=True), (4,)), (Idx(S(None), single=True),
                                                                                    (3, 4)),
    (Idx(None, single=True), (3, 4)), (Idx(I([0, 2]), single=True), (4,)), (Idx(I([2, 0]), single=True), (2, 4)),
    (Idx(I([0, 1]), I([1, 3])), (2,)), (Idx(0, I([0, 1])), ()), (Idx(True, single=True), (4,)),
    (Idx(I([True, False, True]), single=True), (1, 4)), (Idx(0, single=True), (1, 1, 4)),
    (Idx(S(0, 10), S(None)), ()), (Idx(I(1), single=True), (4,)),
]


def _setitem_samples(rng, dtype):
    return [((rand(rng, (3, 4), dtype), rand(rng, vs, dtype), idx), {}) for idx, vs in SET_CASES]


def _set_nograd_value(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, NoGrad(rand(rng, (4,), dtype)), Idx(1, single=True)), {}),
            ((x, NoGrad(rand(rng, (), dtype)), Idx(Ellipsis, single=True)), {}),
            ((x, np.arange(4), Idx(0, single=True)), {})]


def _set_other_dtype(rng, dtype):
    other = np.float64 if dtype == np.float32 else np.float32
    return [((rand(rng, (3, 4), dtype), rand(rng, (4,), other), Idx(0, single=True)), {}),
            ((rand(rng, (3, 4), dtype), rand(rng, (), other), Idx(I([True, False, True]), single=True)), {})]


def _set_dup(rng, dtype):
    # repeated indices: one write wins, but every copy of the slot gets the gradient (as in torch)
    return [((rand(rng, (3, 4), dtype), rand(rng, (2, 4), dtype), Idx(I([1, 1]), single=True)), {}),
            ((rand(rng, (3, 4), dtype), rand(rng, (4,), dtype), Idx(I([0, 0, 2]), single=True)), {})]


def _set_into_constant(m, v):
    y = m.zeros(3, 4, dtype=v.dtype)
    y[1:, 2] = v
    return y


def _set_through_view(m, x, v):
    y = x * 1
    z = y[1]
    z[1:3] = v
    return y, z


def _set_through_transposed(m, x, v):
    y = x * 2
    z = y.t()
    z[0] = v
    return y, z


def _set_chain(m, x, v):
    y = x * 2
    y[0] = v
    w = y.sin()
    w[:, 1] = y[:, 0]   # the value depends on the rewritten tensor
    return w


def _iadd(m, x, v):
    y = x * 1
    y[1:] += v
    y[[0, 2]] *= 2.0
    return y


def _iadd_dup(m, x):
    y = x * 1
    y[[0, 0]] += 1.0
    return y


def _gather_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, 1, I([[0, 0, 3], [1, 2, 1], [3, 3, 3]])), {}), ((x, 0, I([[2, 0, 1, 1]])), {}),
            ((x, -1, I([[1], [0]])), {}), ((x, 0, np.zeros((0, 4), np.int64)), {}),
            ((rand(rng, (2, 3, 2), dtype), 2, I([[[1, 1]], [[0, 1]]])), {})]


def _scatter_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, 1, I([[0, 3], [1, 2], [3, 0]]), rand(rng, (3, 2), dtype)), {}),
            ((x, 0, I([[2, 0, 1, 1]]), rand(rng, (1, 4), dtype)), {}),
            ((x, -1, I([[1], [0]]), rand(rng, (2, 1), dtype)), {})]


def _scatter_empty(rng, dtype):
    return [((rand(rng, (3, 4), dtype), 0, np.zeros((0, 4), np.int64), rand(rng, (0, 4), dtype)), {})]


def _scatter_add_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, 1, I([[0, 0, 3], [1, 2, 1], [3, 3, 3]]), rand(rng, (3, 3), dtype)), {}),
            ((x, 0, I([[2, 2, 2, 1], [2, 0, 1, 1]]), rand(rng, (2, 4), dtype)), {}),
            ((x, -1, I([[1], [1]]), rand(rng, (2, 1), dtype)), {})]


def _reduce_samples(reduce, include_self):
    def samples(rng, dtype):
        x = rand(rng, (3, 4), dtype, (0.5, 2.0) if reduce == "prod" else (-2, 2))
        out = [((x, 1, I([[0, 0, 3], [1, 2, 1], [3, 3, 3]]), rand(rng, (3, 3), dtype)), {}),
               ((x, 0, I([[2, 2, 2, 1], [2, 0, 1, 1]]), rand(rng, (2, 4), dtype)), {})]
        if reduce == "prod":  # zeros in self and src: one zero gets the product of the others
            z = rand(rng, (2, 3), dtype)
            z[0, 1] = 0
            s = rand(rng, (2, 3), dtype)
            s[0, 0] = s[1, 2] = 0
            out.append(((z, 1, I([[1, 1, 0], [2, 2, 2]]), s), {}))
            s = s.copy()
            s[1, 1] = 0  # two zeros meet: torch has no double backward for this one (gradgrad takes 3 samples)
            out.append(((z, 1, I([[1, 1, 0], [2, 2, 2]]), s), {}))
        return [((a, d, i, s, reduce), {"include_self": include_self}) for (a, d, i, s), _ in out]
    return samples


def _reduce_ties(rng, dtype):
    x = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], dtype)
    s = np.array([[2.0, 1.0, 2.0, 3.0], [0.5, 0.5, 0.25, 0.75]], dtype)
    idx = I([[1, 1, 1, 2], [0, 0, 1, 1]])
    return [((x, 1, idx, s, r), {"include_self": inc}) for r in ("amax", "amin") for inc in (True, False)]


def _index_samples(rng, dtype, src_rows):
    x = rand(rng, (4, 3), dtype)
    return [((x, 0, I([0, 2]), rand(rng, (2, 3), dtype)), {}), ((x, 1, I([2, 0, 1]), rand(rng, (4, 3), dtype)), {}),
            ((x, -1, I([1]), rand(rng, (4, 1), dtype)), {})] + (
        [((x, 0, I([1, 1, 3]), rand(rng, (3, 3), dtype)), {})] if src_rows else [])


def _index_fill_samples(rng, dtype):
    x = rand(rng, (4, 3), dtype)
    return [((x, 0, I([0, 2, 2]), -1.5), {}), ((x, -1, I([1]), 2), {}), ((x, 1, np.zeros(0, np.int64), 3.0), {})]


def _index_fill_t_samples(rng, dtype):
    x = rand(rng, (4, 3), dtype)
    return [((x, 0, I([0, 2, 2]), rand(rng, (), dtype)), {}), ((x, 1, I([1]), rand(rng, (), dtype)), {})]


def _mask_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, x > 0), {}), ((x, I([True, False, True, True])), {}), ((rand(rng, (4,), dtype), x > 0), {}),
            ((x, np.zeros((3, 4), bool)), {}), ((rand(rng, (), dtype), I(True)), {})]


def _masked_fill_t(rng, dtype):
    return [((x, m, rand(rng, (), dtype)), {}) for (x, m), _ in _mask_samples(rng, dtype)]


def _masked_scatter(rng, dtype):
    return [((x, m, rand(rng, (3, 5), dtype)), {}) for (x, m), _ in _mask_samples(rng, dtype)]


def _take_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, I([0, 5, 11, -1])), {}), ((x, I([[1, 1], [2, 1]])), {}), ((x, I(7)), {}),
            ((rand(rng, (), dtype), I([0, 0, -1])), {}), ((x, np.zeros((0,), np.int64)), {})]


def _take_along_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, I([[0, 3], [1, 1], [2, 0]]), 1), {}), ((x, I([[2, 0, 1, 1]]), 0), {}),
            ((x, I([[1], [0], [3]]), -1), {}), ((x, I([[0, 2]]), 1), {}), ((x, I([0, 11, 5, 5])), {}),
            ((rand(rng, (2, 1, 3), dtype), I([[[0], [2]]]), 2), {})]


def _nonzero_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    x[x < 0] = 0
    return [((x,), {}), ((x[0],), {}), ((np.zeros((), dtype),), {}), ((np.ones((), dtype),), {}),
            ((np.zeros((2, 0), dtype),), {})]


def _index_put_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, (I([0, 2]),), rand(rng, (4,), dtype)), {}), ((x, (I([0, 2]), I([1, 3])), rand(rng, (2,), dtype)), {}),
            ((x, (I([[0], [2]]), I([1, 3])), rand(rng, (), dtype)), {}),
            ((x, (I([True, False, True]),), rand(rng, (2, 1), dtype)), {}),
            ((x, (I([2, 2, 0]), I([1, 1, 1])), rand(rng, (3,), dtype)), {"accumulate": True}),
            ((x, (I([1, 1]),), rand(rng, (2, 4), dtype)), {"accumulate": True})]


def _index_put(m, x, idx, v, **kw):
    return x.index_put(tuple(m.tensor(i) for i in idx), v, **kw)


def _index_put_(m, x, idx, v, **kw):
    y = x * 1
    y.index_put_([m.tensor(i) for i in idx], v, **kw)
    return y


def _inplace(name):
    def fn(m, x, *args, **kwargs):
        y = x * 1
        r = getattr(y, name)(*args, **kwargs)
        assert r is y
        return y
    return fn


def _inplace_on_view(m, x, idx):
    y = x * 1
    y[1].index_add_(0, idx, m.ones(2, dtype=x.dtype) * x[0, :2])
    return y


OPS = [
    OpInfo("getitem_basic", _get, _getitem_samples(GET_BASIC, (3, 4, 5))),
    OpInfo("getitem_adv", _get, _getitem_samples(GET_ADV, (3, 4, 5))),
    OpInfo("getitem_mask", _get, _masks),
    OpInfo("getitem_chain", lambda m, x: x[1:][0][::2], lambda rng, dt: [((rand(rng, (3, 4), dt),), {})]),
    OpInfo("getitem_int", _get, lambda rng, dt: [((np.arange(12).reshape(3, 4), Idx(I([2, 0]), 1)), {})],
           dtypes=(np.float32,), grad=False, gradcheck=False, gradgrad=False),
    OpInfo("select", lambda m, x, d, i: x.select(d, i), lambda rng, dt: [
        ((rand(rng, (3, 4), dt), 0, 1), {}), ((rand(rng, (3, 4), dt), -1, -2), {}), ((rand(rng, (3,), dt), 0, 2), {})]),
    OpInfo("setitem", _set, _setitem_samples),
    OpInfo("setitem_number", _set_value(2.5), lambda rng, dt: [
        ((rand(rng, (3, 4), dt), idx), {}) for idx, _ in SET_CASES]),
    OpInfo("setitem_nograd_value", _set, _set_nograd_value),
    OpInfo("setitem_other_dtype", _set, _set_other_dtype),
    OpInfo("setitem_into_constant", _set_into_constant, lambda rng, dt: [((rand(rng, (2,), dt),), {}),
                                                                         ((rand(rng, (), dt),), {})]),
    OpInfo("setitem_through_view", _set_through_view, lambda rng, dt: [
        ((rand(rng, (3, 4), dt), rand(rng, (2,), dt)), {}), ((rand(rng, (3, 4), dt), rand(rng, (), dt)), {})]),
    OpInfo("setitem_through_transposed", _set_through_transposed, lambda rng, dt: [
        ((rand(rng, (3, 4), dt), rand(rng, (3,), dt)), {})]),
    OpInfo("setitem_chain", _set_chain, lambda rng, dt: [((rand(rng, (3, 4), dt), rand(rng, (4,), dt)), {})]),
    OpInfo("setitem_dup", _set, _set_dup, gradcheck=False, gradgrad=False),
    OpInfo("setitem_iadd_dup", _iadd_dup, lambda rng, dt: [((rand(rng, (3, 4), dt),), {})], gradcheck=False,
           gradgrad=False),
    OpInfo("setitem_iadd", _iadd, lambda rng, dt: [((rand(rng, (3, 4), dt), rand(rng, (4,), dt)), {})]),
    OpInfo("index_select", lambda m, x, d, i: m.index_select(x, d, i), lambda rng, dt: [
        ((rand(rng, (3, 4), dt), 0, I([2, 0, 2])), {}), ((rand(rng, (3, 4), dt), -1, I([1])), {}),
        ((rand(rng, (3, 4), dt), 1, I(3)), {}), ((rand(rng, (3, 4), dt), 1, I([0, 1], dtype=np.int32)), {}),
        ((rand(rng, (), dt), 0, I([0])), {}), ((rand(rng, (3, 4), dt), 0, np.zeros(0, np.int64)), {})]),
    OpInfo("gather", lambda m, x, d, i: x.gather(d, i), _gather_samples),
    OpInfo("scatter", lambda m, x, d, i, s: m.scatter(x, d, i, s), _scatter_samples),
    OpInfo("scatter_empty", lambda m, x, d, i, s: x.scatter(d, i, s), _scatter_empty, gradcheck=False,
           gradgrad=False),
    OpInfo("scatter_value", lambda m, x, d, i: x.scatter(d, i, -0.5),
           lambda rng, dt: [(a[:3], k) for a, k in _scatter_samples(rng, dt)]),
    OpInfo("scatter_add", lambda m, x, d, i, s: x.scatter_add(d, i, s), _scatter_add_samples),
    OpInfo("scatter_reduce_ties", lambda m, *a, **k: m.scatter_reduce(*a, **k), _reduce_ties, gradcheck=False,
           gradgrad=False),
    OpInfo("index_add", lambda m, x, d, i, s: x.index_add(d, i, s), lambda rng, dt: _index_samples(rng, dt, True)),
    OpInfo("index_add_alpha", lambda m, x, d, i, s: m.index_add(x, d, i, s, alpha=-2),
           lambda rng, dt: _index_samples(rng, dt, True)),
    OpInfo("index_copy", lambda m, x, d, i, s: x.index_copy(d, i, s), lambda rng, dt: _index_samples(rng, dt, False)),
    OpInfo("index_fill", lambda m, x, d, i, v: x.index_fill(d, i, v), _index_fill_samples),
    OpInfo("index_fill_tensor", lambda m, x, d, i, v: m.index_fill(x, d, i, v), _index_fill_t_samples),
    OpInfo("masked_fill", lambda m, x, k: x.masked_fill(k, 0.75), _mask_samples),
    OpInfo("masked_fill_tensor", lambda m, x, k, v: m.masked_fill(x, k, v), _masked_fill_t),
    OpInfo("masked_select", lambda m, x, k: m.masked_select(x, k), _mask_samples),
    OpInfo("masked_scatter", lambda m, x, k, s: x.masked_scatter(k, s), _masked_scatter),
    OpInfo("take", lambda m, x, i: m.take(x, i), _take_samples),
    OpInfo("take_along_dim", lambda m, x, i, *d: m.take_along_dim(x, i, *d), _take_along_samples),
    OpInfo("index_put", _index_put, _index_put_samples),
    OpInfo("index_put_", _index_put_, _index_put_samples),
    OpInfo("nonzero", lambda m, x: m.nonzero(x), _nonzero_samples, grad=False, gradcheck=False, gradgrad=False),
    OpInfo("nonzero_tuple", lambda m, x: x.nonzero(as_tuple=True), _nonzero_samples, grad=False, gradcheck=False,
           gradgrad=False),
    OpInfo("argwhere", lambda m, x: m.argwhere(x), _nonzero_samples, grad=False, gradcheck=False, gradgrad=False),
    OpInfo("index_add_", _inplace("index_add_"), lambda rng, dt: _index_samples(rng, dt, True)),
    OpInfo("index_copy_", _inplace("index_copy_"), lambda rng, dt: _index_samples(rng, dt, False)),
    OpInfo("index_fill_", _inplace("index_fill_"), _index_fill_samples),
    OpInfo("masked_fill_", lambda m, x, k: (x * 1).masked_fill_(k, -1.0), lambda rng, dt: [
        (a, k) for a, k in _mask_samples(rng, dt) if a[0].shape == (3, 4)]),
    OpInfo("masked_scatter_", _inplace("masked_scatter_"), lambda rng, dt: [
        (a, k) for a, k in _masked_scatter(rng, dt) if a[0].shape == (3, 4)]),
    OpInfo("scatter_", _inplace("scatter_"), _scatter_samples),
    OpInfo("scatter_add_", _inplace("scatter_add_"), _scatter_add_samples),
    OpInfo("scatter_reduce_", _inplace("scatter_reduce_"), _reduce_samples("mean", False)),
    OpInfo("inplace_on_view", _inplace_on_view, lambda rng, dt: [((rand(rng, (3, 4), dt), I([3, 3])), {})]),
] + [
    OpInfo(f"scatter_reduce_{r}{'' if inc else '_noself'}", lambda m, *a, **k: m.scatter_reduce(*a, **k),
           _reduce_samples(r, inc))
    for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)
]


# index kinds torch accepts besides tensors: range, lists (of floats too), NumPy integer scalars and arrays
OPS += [
    OpInfo("getitem_range_nll", lambda m, x: -x.log_softmax(1)[range(4), [0, 2, 1, 2]].mean(),
           lambda rng, dt: [((rand(rng, (4, 3), dt),), {})]),
    OpInfo("getitem_range", lambda m, x: x[range(0, 3, 2), 1:], lambda rng, dt: [((rand(rng, (3, 4), dt),), {})]),
    OpInfo("getitem_numpy", lambda m, x: x[np.array([0, 2, 2]), np.int64(-1)],
           lambda rng, dt: [((rand(rng, (3, 4), dt),), {})]),
    OpInfo("getitem_list_of_floats", lambda m, x: x[[1.7, -1.2]], lambda rng, dt: [((rand(rng, (3, 4), dt),), {})]),
    OpInfo("getitem_numpy_mask", lambda m, x: x[np.array([True, False, True])],
           lambda rng, dt: [((rand(rng, (3, 4), dt),), {})]),
]
