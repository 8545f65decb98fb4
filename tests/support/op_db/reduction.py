"""Op table entries: reduction ops (see the package docstring).

Full reductions and reductions over one or several (negative) dims with keepdim, empty tensors where torch
allows them, ties and NaN (compared with torch, without finite differences), integer and float16 inputs.
"""
import numpy as np

from . import OpInfo, NoGrad, unary, rand  # noqa: F401

NO_FD = dict(gradcheck=False, gradgrad=False)


def _dims(rng, dtype, shape=(2, 3, 4), multi=True):
    """A full reduction, single dims (negative too), keepdim, several dims, and a 0-d input."""
    x = rand(rng, shape, dtype)
    out = [((x,), {}), ((x, 0), {}), ((x, -1), {}), ((x, 1, True), {})]
    if multi:
        out += [((x, (0, 2)), {}), ((x, (-1, 0), True), {})]
    return out + [((rand(rng, (), dtype),), {}), ((rand(rng, (), dtype), 0), {})]


def _one_dim(rng, dtype):
    return _dims(rng, dtype, multi=False)


def _positive_dims(rng, dtype):
    return [((np.abs(args[0]) + 0.5,) + args[1:], kw) for args, kw in _dims(rng, dtype, multi=False)]


def _empty(rng, dtype):
    return [((np.zeros((0,), dtype),), {}), ((np.zeros((0, 3), dtype), 0), {}), ((np.zeros((0, 3), dtype), 1), {}),
            ((np.zeros((2, 0), dtype), (0, 1), True), {})]


def _ties(rng, dtype):
    x = np.array([[1.0, 3.0, 3.0, 0.5], [2.0, 2.0, -1.0, 2.0]], dtype)
    return [((x,), {}), ((x, 1), {}), ((x, 0, True), {}), ((x[0],), {})]


def _nans(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    x[0, 1] = x[0, 3] = x[2, 2] = np.nan
    return [((x,), {}), ((x, 1), {}), ((x, 0), {})]


def _zeros(rng, dtype):
    """prod/cumprod with one and with two zeros in a slice: the exact gradient still exists."""
    x = rand(rng, (3, 4), dtype)
    x[0, 1] = 0.0
    x[1, 0] = x[1, 2] = 0.0
    return [((x,), {}), ((x, 1), {}), ((x, 0, True), {})]


def _ints(rng, dtype):
    x = rng.integers(-3, 4, size=(2, 3)).astype(dtype)
    return [((x,), {}), ((x, 1), {}), ((x, 0, True), {})]


def _var_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x,), {}), ((x, 1), {}), ((x, (0, 1)), {"keepdim": True}), ((x, -1), {"correction": 0}),
            ((x, 0), {"correction": 2, "keepdim": True}), ((x, False), {}), ((x, 1, False, True), {}),
            ((x[0],), {"unbiased": True}), ((rand(rng, (5,), dtype),), {"correction": 0.5})]


def _var_edges(rng, dtype):
    """One element (NaN), a constant slice (std gradient 0), correction >= count (inf / NaN)."""
    return [((np.array([1.5], dtype),), {}), ((np.full((3,), 2.0, dtype),), {}),
            ((np.array([2.0, 3.0], dtype),), {"correction": 3}), ((np.array([[1.0, 2.0], [3.0, 5.0]], dtype), 1),
                                                                 {"correction": 2}),
            ((np.array([[1.0, 2.0], [3.0, 5.0]], dtype), 1), {"correction": 3})]


def _norm_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    out = [((x,), {}), ((x, "fro"), {}), ((x, 1), {}), ((x, 3), {}), ((x, float("inf")), {}),
           ((x, float("-inf")), {}), ((x, 0.5, 1), {}), ((x, 2, (0, 1), True), {}), ((x, 1.5, -1), {}),
           ((x, -1, 0), {}), ((x, "fro", 1, True), {}), ((x, 2), {"dim": 0, "dtype": None})]
    return out + [((rand(rng, (), dtype),), {})]


def _norm_zero(rng, dtype):
    """Every order has gradient 0 at the zero vector (not NaN)."""
    z = np.zeros((2, 3), dtype)
    z[1] = rand(rng, (3,), dtype)
    return [((z, p, 1), {}) for p in (2, 1, 3, 0.5, float("inf"), -1)]


def _norm_ties(rng, dtype):
    x = np.array([[1.0, -3.0, 3.0], [0.5, -0.5, 2.0]], dtype)
    return [((x, float("inf"), 1), {}), ((x, float("-inf"), 1), {}), ((x, float("inf")), {})]


def _lse(rng, dtype):
    x = rand(rng, (2, 3, 4), dtype, (-5, 5))
    return [((x, 0), {}), ((x, -1, True), {}), ((x, (0, 2)), {}), ((x * 300, 1), {}),
            ((rand(rng, (), dtype), 0), {})]


def _lse_inf(rng, dtype):
    x = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [-np.inf, 2.0]], dtype)
    return [((x, 1), {})]


def _softmax(rng, dtype):
    x = rand(rng, (2, 3, 4), dtype, (-5, 5))
    return [((x, 0), {}), ((x, -1), {}), ((x, 1), {}), ((x * 1e3, -1), {}), ((rand(rng, (), dtype), 0), {}),
            ((np.zeros((0, 3), dtype), 1), {})]


def _softmax_dtype(rng, dtype):
    return [((rand(rng, (2, 3), dtype), 1), {"dtype": "float64"}), ((rand(rng, (4,), dtype), 0), {"dtype": "float32"})]


def _with_dtype(fn):
    def f(m, a, *args, dtype=None, **kw):
        return fn(m, a, *args, **kw) if dtype is None else fn(m, a, *args, dtype=getattr(m, dtype), **kw)
    return f


def _select(rng, dtype):
    """Distinct values (no ties): max/min/median/kthvalue along a dim, keepdim, 0-d."""
    x = rng.permutation(24).reshape(2, 3, 4).astype(dtype) / 7 - 1.5
    return [((x, 0), {}), ((x, -1), {}), ((x, 1, True), {}), ((x[0, 0], 0), {}), ((np.asarray(x[0, 0, 0]), 0), {})]


def _k_samples(rng, dtype):
    x = rng.permutation(24).reshape(2, 3, 4).astype(dtype) / 7 - 1.5
    return [((x, 2), {}), ((x, 1), {"dim": 0}), ((x, 3), {"dim": 1, "keepdim": True}), ((x[0, 0], 4), {})]


def _topk_samples(rng, dtype):
    x = rng.permutation(24).reshape(2, 3, 4).astype(dtype) / 7 - 1.5
    return [((x, 2), {}), ((x, 1), {"dim": 0}), ((x, 3), {"dim": 1, "largest": False}), ((x[0, 0], 4), {}),
            ((x, 0), {}), ((np.asarray(x[0, 0, 0]), 1), {})]


def _sort_samples(rng, dtype):
    x = rng.permutation(24).reshape(2, 3, 4).astype(dtype) / 7 - 1.5
    return [((x,), {}), ((x, 0), {}), ((x, 1, True), {}), ((x,), {"descending": True, "stable": True}),
            ((np.asarray(x[0, 0, 0]),), {}), ((np.zeros((0,), dtype),), {})]


def _sort_ties(rng, dtype):
    """Stable sort: ties keep their order; NaN sorts as the largest value (first when descending)."""
    x = np.array([[1.0, np.nan, 3.0, 3.0, 0.0, 1.0], [2.0, 2.0, -1.0, np.nan, np.nan, 0.0]], dtype)
    return [((x,), {"stable": True}), ((x,), {"stable": True, "descending": True}),
            ((x.T,), {"dim": 0, "stable": True})]


def _mode(rng, dtype):
    x = rng.integers(0, 4, size=(3, 7)).astype(dtype)
    return [((x,), {}), ((x, 0), {}), ((x, 1, True), {}), ((np.array([3.0, 1.0, 3.0, 1.0, 2.0], dtype),), {})]


def _scan(rng, dtype):
    x = rand(rng, (2, 3, 4), dtype)
    return [((x, 0), {}), ((x, -1), {}), ((x, 1), {}), ((rand(rng, (), dtype), 0), {}),
            ((np.zeros((0, 2), dtype), 1), {})]


def _scan_ties(rng, dtype):
    x = np.array([[1.0, 3.0, 3.0, 2.0, 3.0], [1.0, np.nan, 3.0, np.nan, 0.0]], dtype)
    return [((x, 1), {}), ((x[:, :3], 0), {})]


def _cumprod_zeros(rng, dtype):
    x = rand(rng, (3, 5), dtype)
    x[0, 1] = 0.0
    x[1, 1] = x[1, 3] = 0.0
    x[2, 4] = 0.0
    return [((x, 1), {}), ((x, 0), {})]


def _diff(rng, dtype):
    x = rand(rng, (3, 5), dtype)
    return [((x,), {}), ((x, 1, 0), {}), ((x, 2), {}), ((x, 3, -1), {}),
            ((x, 1, -1, rand(rng, (3, 2), dtype)), {}), ((x, 1, 0, None, rand(rng, (1, 5), dtype)), {}),
            ((x, 2, 1, NoGrad(rand(rng, (3, 1), dtype)), rand(rng, (3, 2), dtype)), {})]


def _half(rng, dtype):
    big = np.array([6e4, 6e4, -6e4, 1.0], np.float16)
    return [((big,), {}), ((rand(rng, (3, 4), np.float16) * 200,), {})]


def _logical(rng, dtype):
    x = rand(rng, (2, 3), dtype)
    x[0, 1] = 0
    return [((x,), {}), ((x, 1), {}), ((x, (0, 1), True), {}), ((x > 0,), {}), ((rng.integers(0, 2, (2, 3)),), {})]


def _pairs(fn):
    """Outputs of a ``(values, indices)`` op as a plain tuple (torch and npgrad return named tuples)."""
    def f(m, *a, **kw):
        r = fn(m, *a, **kw)
        return tuple(r)
    return f


OPS = [
    # ------------------------------------------------------------------ sums and means
    OpInfo("sum_dtype", lambda m, a, *r: a.sum(*r, dtype=m.float64), _one_dim),
    OpInfo("sum_empty", lambda m, a, *r: m.sum(a, *r), _empty, **NO_FD),
    OpInfo("mean_empty", lambda m, a, *r: m.mean(a, *r), _empty, **NO_FD),
    OpInfo("sum_int", lambda m, a, *r: a.sum(*r), _ints, dtypes=(np.int32, np.bool_), grad=False, **NO_FD),
    OpInfo("mean_int_dtype", lambda m, a, *r: a.mean(*r, dtype=m.float32), _ints, dtypes=(np.int64,),
           grad=False, **NO_FD),
    OpInfo("sum_mean_float16", lambda m, a: (a.sum(), a.mean(), a.sum(0)), _half, dtypes=(np.float16,),
           grad=False, **NO_FD),
    OpInfo("nansum", lambda m, a, *r: m.nansum(a, *r), _nans),
    OpInfo("nanmean", lambda m, a, *r: a.nanmean(*r), _nans, check_name=False),
    # ------------------------------------------------------------------ prod
    OpInfo("prod", lambda m, a, *r: m.prod(a, *r), _one_dim),
    OpInfo("prod_zeros", lambda m, a, *r: a.prod(*r), _zeros),
    OpInfo("prod_empty", lambda m, a, *r: a.prod(*r), lambda rng, dt: _empty(rng, dt)[:3], **NO_FD),
    OpInfo("prod_int", lambda m, a, *r: a.prod(*r), _ints, dtypes=(np.int64, np.bool_), grad=False, **NO_FD),
    # ------------------------------------------------------------------ statistics
    OpInfo("var", lambda m, a, *r, **kw: m.var(a, *r, **kw), _var_samples),
    OpInfo("std", lambda m, a, *r, **kw: a.std(*r, **kw), _var_samples),
    OpInfo("var_mean", lambda m, a, *r, **kw: m.var_mean(a, *r, **kw), _var_samples),
    OpInfo("std_mean", lambda m, a, *r, **kw: m.std_mean(a, *r, **kw), _var_samples),
    OpInfo("var_edges", lambda m, a, *r, **kw: (m.var(a, *r, **kw), m.std(a, *r, **kw)), _var_edges, **NO_FD),
    OpInfo("logsumexp", lambda m, a, *r: m.logsumexp(a, *r), _lse),
    OpInfo("logsumexp_inf", lambda m, a, *r: a.logsumexp(*r), _lse_inf, **NO_FD),
    OpInfo("logsumexp_int", lambda m, a: m.logsumexp(a, 1), lambda rng, dt: _ints(rng, dt)[:1], dtypes=(np.int64,),
           grad=False, **NO_FD),
    OpInfo("norm", lambda m, a, *r, **kw: m.norm(a, *r, **kw), _norm_samples),
    OpInfo("norm_method", lambda m, a, *r: a.norm(*r), lambda rng, dt: _norm_samples(rng, dt)[:6]),
    OpInfo("norm_zero_vector", lambda m, a, *r: m.norm(a, *r), _norm_zero, **NO_FD),
    OpInfo("norm_ties", lambda m, a, *r: m.norm(a, *r), _norm_ties, **NO_FD),
    OpInfo("norm_float16", lambda m, a: (a.norm(), a.norm(1), a.norm(float("inf"))), _half, dtypes=(np.float16,),
           grad=False, **NO_FD),
    OpInfo("norm_empty", lambda m, a, *r: m.norm(a, 2, *r), _empty, **NO_FD),
    # ------------------------------------------------------------------ softmax
    OpInfo("softmax", lambda m, a, d: m.softmax(a, d), _softmax),
    OpInfo("log_softmax", lambda m, a, d: a.log_softmax(d), _softmax),
    OpInfo("softmax_dtype", _with_dtype(lambda m, a, d, **kw: m.softmax(a, d, **kw)), _softmax_dtype,
           check_name=False, rtol=1e-5, **NO_FD),  # computed in the other float width
    OpInfo("log_softmax_dtype", _with_dtype(lambda m, a, d, **kw: m.log_softmax(a, d, **kw)), _softmax_dtype,
           check_name=False, rtol=1e-5, **NO_FD),  # computed in the other float width
    OpInfo("softmax_float16", lambda m, a: (m.softmax(a, 0), m.log_softmax(a, -1)), _half, dtypes=(np.float16,),
           grad=False, **NO_FD),
    # ------------------------------------------------------------------ logical
    OpInfo("all_any", lambda m, a, *r: (m.all(a, *r), a.any(*r), m.count_nonzero(a, *r[:1])), _logical,
           grad=False, **NO_FD),
    OpInfo("all_any_uint8", lambda m, a: (a.all(), a.any(0), a.all(())),
           lambda rng, dt: [((rng.integers(0, 3, (2, 3)).astype(np.uint8),), {})], dtypes=(np.uint8,),
           grad=False, **NO_FD),
]

# ---------------------------------------------------------------------- selection (reduction_sort.py)
OPS += [
    OpInfo("max_full", lambda m, a: m.max(a), unary(shapes=[(3,), (2, 3), ()])),
    OpInfo("min_full", lambda m, a: a.min(), unary(shapes=[(3,), (2, 3)])),
    OpInfo("max_dim", _pairs(lambda m, a, *r: m.max(a, *r)), _select),
    OpInfo("min_dim", _pairs(lambda m, a, *r: a.min(*r)), _select),
    OpInfo("max_other", lambda m, a, b: m.max(a, b), lambda rng, dt: [((rand(rng, (2, 3), dt), rand(rng, (3,), dt)),
                                                                       {})]),
    OpInfo("amax", lambda m, a, *r: m.amax(a, *r), _dims),
    OpInfo("amin", lambda m, a, *r: a.amin(*r), _dims),
    OpInfo("max_min_ties", lambda m, a, *r: (m.max(a), m.min(a), m.amax(a, *r), m.amin(a, *r),
                                             m.median(a), *m.max(a, *r[:1] or (0,))),
           _ties, **NO_FD),
    OpInfo("max_min_nan", lambda m, a, *r: (m.max(a), m.amax(a, *r), m.median(a), *m.min(a, *r[:1] or (0,)),
                                            *m.median(a, *r[:1] or (0,))), _nans, **NO_FD),
    OpInfo("max_int", lambda m, a, *r: (a.max(), a.amax(*r[:1]), m.argmax(a), m.argmin(a, *r[:1])), _ints,
           dtypes=(np.int64,), grad=False, **NO_FD),
    OpInfo("argmax_argmin", lambda m, a, *r: (m.argmax(a, *r), a.argmin(*r)),
           lambda rng, dt: _select(rng, dt) + [((rand(rng, (2, 3), dt),), {})], grad=False, **NO_FD),
    OpInfo("argmax_keepdim", lambda m, a: (a.argmax(keepdim=True), a.argmin(dim=1, keepdim=True)),
           unary(shapes=[(2, 3)]), grad=False, **NO_FD),
    OpInfo("amax_empty", lambda m, a: (a.amax(1), a.amin(1), a.max(1).values), lambda rng, dt: [
        ((np.zeros((0, 3), dt),), {})], **NO_FD),
    OpInfo("median", lambda m, a: m.median(a), unary(shapes=[(5,), (2, 3)])),
    OpInfo("median_dim", _pairs(lambda m, a, *r: a.median(*r)), _select),
    OpInfo("median_empty", lambda m, a: m.median(a), lambda rng, dt: [((np.zeros((0,), dt),), {})], **NO_FD),
    OpInfo("nanmedian", lambda m, a, *r: (m.nanmedian(a), *a.nanmedian(1)), lambda rng, dt: _nans(rng, dt)[:1],
           **NO_FD),
    OpInfo("mode", _pairs(lambda m, a, *r: m.mode(a, *r)), _mode, **NO_FD),
    OpInfo("kthvalue", _pairs(lambda m, a, k, **kw: m.kthvalue(a, k, **kw)), _k_samples),
    OpInfo("topk", _pairs(lambda m, a, k, **kw: a.topk(k, **kw)), _topk_samples),
    OpInfo("sort", _pairs(lambda m, a, *r, **kw: m.sort(a, *r, **kw)), _sort_samples),
    OpInfo("sort_ties_nan", _pairs(lambda m, a, *r, **kw: a.sort(*r, **kw)), _sort_ties, **NO_FD),
    OpInfo("argsort", lambda m, a, *r, **kw: m.argsort(a, *r, **kw), _sort_samples, grad=False, **NO_FD),
    OpInfo("msort", lambda m, a: m.msort(a), unary(shapes=[(4, 3)])),
    OpInfo("sort_int", _pairs(lambda m, a, *r: m.sort(a, *r)), _ints, dtypes=(np.int64,), grad=False, **NO_FD),
]

# ---------------------------------------------------------------------- scans (reduction_scan.py)
OPS += [
    OpInfo("cumsum", lambda m, a, d: m.cumsum(a, d), _scan),
    OpInfo("cumsum_dtype", lambda m, a, d: a.cumsum(d, dtype=m.float64), _scan),
    OpInfo("cumsum_int", lambda m, a, *r: (a.cumsum(0), m.cumprod(a, -1)), _ints, dtypes=(np.int32, np.bool_),
           grad=False, **NO_FD),
    OpInfo("cumsum_float16", lambda m, a: a.cumsum(0), _half, dtypes=(np.float16,), grad=False, **NO_FD),
    OpInfo("cumprod", lambda m, a, d: m.cumprod(a, d), _scan),
    OpInfo("cumprod_zeros", lambda m, a, d: a.cumprod(d), _cumprod_zeros),
    OpInfo("cummax", _pairs(lambda m, a, d: m.cummax(a, d)), _scan),
    OpInfo("cummin", _pairs(lambda m, a, d: a.cummin(d)), _scan),
    OpInfo("cummax_ties_nan", lambda m, a, d: (*m.cummax(a, d), *m.cummin(a, d)), _scan_ties, **NO_FD),
    OpInfo("diff", lambda m, a, *r: m.diff(a, *r), _diff),
    OpInfo("diff_bool", lambda m, a: (a > 0).diff(), unary(shapes=[(2, 5)]), grad=False, **NO_FD),
]


def _aminmax_dims(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    return [((x, 1, False), {}), ((x, -2, True), {}), ((rand(rng, (), dtype), 0, False), {})]


# aminmax is one node (AminmaxBackward0); NumPy's axis/keepdims spellings, which torch accepts as aliases
OPS += [
    OpInfo("aminmax", lambda m, a: tuple(m.aminmax(a)), unary(shapes=[(3, 4), (), (5,)])),
    OpInfo("aminmax_dim", lambda m, a, d, k: tuple(a.aminmax(dim=d, keepdim=k)), _aminmax_dims),
    OpInfo("sum_axis_keepdims", lambda m, a: m.sum(a, axis=(0, -1), keepdims=True), unary(shapes=[(2, 3, 4)])),
    OpInfo("mean_axis", lambda m, a: a.mean(axis=1), unary(shapes=[(2, 3, 4), (3, 2)])),
    OpInfo("max_axis", lambda m, a: tuple(a.max(axis=1, keepdims=True)), unary(shapes=[(2, 3, 4), (3, 2)])),
    OpInfo("std_var_axis", lambda m, a: (a.std(axis=0), m.var(a, axis=-1, keepdims=True, correction=0)),
           unary(shapes=[(3, 4)])),
    OpInfo("logsumexp_softmax_axis", lambda m, a: m.logsumexp(a, axis=1) + m.softmax(a, axis=1).sum(-1),
           unary(shapes=[(3, 4)])),
    OpInfo("cumsum_prod_axis", lambda m, a: (a.cumsum(axis=0), a.prod(axis=1)), unary(shapes=[(3, 4)])),
]
