"""Op table entries: unique, unique_consecutive, searchsorted, bucketize, histc, histogram, bincount, isin (no
derivatives in torch: values, dtypes and node names are compared)."""
import numpy as np

from . import OpInfo, NoGrad, rand

NO = dict(grad=False, gradcheck=False, gradgrad=False)
INTS = (np.int64, np.int32)


def _repeats(rng, dtype):
    a = rng.integers(0, 4, size=(3, 4)).astype(dtype)
    return [((a,), {}), ((a[0],), {}), ((np.zeros((0,), dtype),), {}), ((np.array(2, dtype),), {})]


def _rows(rng, dtype):
    a = rng.integers(0, 2, size=(5, 3)).astype(dtype)
    return [((a,), {"dim": 0}), ((a,), {"dim": 1}), ((a,), {"dim": -1})]


def _float_repeats(rng, dtype):
    a = rng.integers(0, 4, size=(2, 5)).astype(dtype) / 2
    b = a.copy().reshape(-1)
    b[[1, 4]] = np.nan
    return [((a,), {}), ((b,), {})]


def _search(rng, dtype):
    s = np.sort(rand(rng, (6,), dtype, (-3, 3)))
    v = rand(rng, (2, 4), dtype, (-4, 4))
    v[0, :2] = s[[1, 3]]  # exact ties: left and right differ
    s2 = np.sort(rand(rng, (2, 5), dtype), axis=1)
    v2 = rand(rng, (2, 3), dtype)
    return [((NoGrad(s), NoGrad(v)), {}), ((NoGrad(s), NoGrad(v)), {"right": True}),
            ((NoGrad(s), NoGrad(v)), {"side": "right", "out_int32": True}), ((NoGrad(s2), NoGrad(v2)), {}),
            ((NoGrad(s), 0.5), {})]


def _sorter(rng, dtype):
    s = rand(rng, (6,), dtype)
    return [((NoGrad(s), NoGrad(rand(rng, (4,), dtype)), np.argsort(s)), {})]


def _hist(rng, dtype):
    x = rand(rng, (3, 5), dtype)
    return [((x,), {}), ((x,), {"bins": 4}), ((x,), {"bins": 3, "min": -1, "max": 1}),
            ((np.ones(3, dtype),), {"bins": 2})]


def _histogram(rng, dtype):
    x = rand(rng, (20,), dtype)
    return [((x,), {"bins": 4}), ((x,), {"bins": 3, "range": (-1.0, 1.0), "density": True}),
            ((x, 5, NoGrad(rand(rng, (20,), dtype, (0, 1)))), {}),
            ((x, NoGrad(np.array([-2.0, -0.5, 0.0, 2.0], dtype))), {})]


def _bincount(rng, dtype):
    a = rng.integers(0, 6, size=(10,))
    return [((a,), {}), ((a,), {"minlength": 9}), ((a, NoGrad(rand(rng, (10,), dtype))), {}),
            ((a, rng.integers(0, 3, size=(10,))), {}), ((np.zeros((0,), np.int64),), {})]


def _isin(rng, dtype):
    a = rng.integers(0, 6, size=(2, 4)).astype(dtype)
    b = rng.integers(0, 6, size=(3,)).astype(dtype)
    return [((a, b), {}), ((a, b), {"invert": True}), ((a, 3), {}), ((4, b), {}), ((a, a[0]), {"assume_unique": False})]


OPS = [
    OpInfo("unique", lambda m, a: (m.unique(a), m.unique(a, return_inverse=True),
                                   a.unique(sorted=False, return_inverse=True, return_counts=True)),
           _repeats, dtypes=INTS + (np.float32,), **NO),
    OpInfo("unique_grad_node", lambda m, a: (m.unique(a), m.unique(a[0:1], dim=0)), _float_repeats,
           dtypes=(np.float64,), **NO),
    OpInfo("unique_nan", lambda m, a: m.unique(a, return_counts=True), _float_repeats, **NO),
    OpInfo("unique_dim", lambda m, a, **kw: m.unique(a, return_inverse=True, return_counts=True, **kw), _rows,
           dtypes=INTS + (np.float64,), **NO),
    OpInfo("unique_consecutive", lambda m, a: (m.unique_consecutive(a), a.unique_consecutive(return_counts=True),
                                               m.unique_consecutive(a, return_inverse=True)),
           _repeats, dtypes=INTS + (np.float64,), **NO),
    OpInfo("unique_consecutive_dim", lambda m, a, **kw: m.unique_consecutive(a, True, True, **kw), _rows, **NO),
    OpInfo("searchsorted", lambda m, s, v, **kw: m.searchsorted(s, v, **kw), _search, **NO),
    OpInfo("searchsorted_sorter", lambda m, s, v, o: m.searchsorted(s, v, sorter=o), _sorter, **NO),
    OpInfo("bucketize", lambda m, s, v: (m.bucketize(v, s), m.bucketize(v, s, right=True),
                                         m.bucketize(v, s, out_int32=True)),
           lambda rng, dt: _search(rng, dt)[:1], **NO),
    OpInfo("histc", lambda m, a, **kw: m.histc(a, **kw), _hist, **NO),
    OpInfo("histogram", lambda m, a, *b, **kw: tuple(m.histogram(a, *b[:1], weight=(b[1:] or [None])[0], **kw)),
           _histogram, check_name=False, **NO),
    OpInfo("histogram_method", lambda m, a, **kw: a.histogram(**kw).hist, lambda rng, dt: _histogram(rng, dt)[:1], **NO),
    OpInfo("bincount", lambda m, a, *w, **kw: m.bincount(a, *w, **kw), _bincount, **NO),
    OpInfo("bincount_method", lambda m, a: a.bincount(), lambda rng, dt: _bincount(rng, dt)[:1], **NO),
    OpInfo("isin", lambda m, a, b, **kw: m.isin(a, b, **kw), _isin, dtypes=INTS + (np.float64,), **NO),
]
