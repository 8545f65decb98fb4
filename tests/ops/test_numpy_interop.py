"""NumPy functions on npgrad tensors: ``np.exp(t)``, ``np.sum(t, axis=0)``... are recorded npgrad ops whose
values and gradients equal the npgrad functions' and torch's; what has no npgrad equivalent raises TypeError."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare

rng = np.random.default_rng(3)
X = rng.uniform(0.2, 1.8, (3, 4))
Y = rng.uniform(0.2, 1.8, (4,))

# (name, NumPy call on an npgrad tensor, the same computation written with torch / npgrad functions)
UNARY = [
    ("exp", lambda x: np.exp(x), lambda m, x: m.exp(x)),
    ("log", lambda x: np.log(x), lambda m, x: m.log(x)),
    ("sqrt", lambda x: np.sqrt(x), lambda m, x: m.sqrt(x)),
    ("sin_cos", lambda x: np.sin(x) * np.cos(x), lambda m, x: m.sin(x) * m.cos(x)),
    ("tanh", lambda x: np.tanh(x), lambda m, x: m.tanh(x)),
    ("arctan2", lambda x: np.arctan2(x, 0.5), lambda m, x: m.atan2(x, m.tensor(0.5, dtype=x.dtype))),
    ("abs_negative", lambda x: np.abs(-x), lambda m, x: m.abs(-x)),
    ("square_power", lambda x: np.square(x) + np.power(x, 3), lambda m, x: m.square(x) + m.pow(x, 3)),
    ("maximum_number", lambda x: np.maximum(x, 1.0), lambda m, x: m.maximum(x, m.tensor(1.0, dtype=x.dtype))),
    ("minimum_array", lambda x: np.minimum(x, np.full(4, 1.0)), lambda m, x: m.minimum(x, m.full((4,), 1.0,
                                                                                              dtype=x.dtype))),
    ("add_array", lambda x: np.add(np.ones(4), x), lambda m, x: x + m.ones(4, dtype=x.dtype)),
    ("reflected_ops", lambda x: 2.0 - x / 3 + x ** 2, lambda m, x: 2.0 - x / 3 + x ** 2),
    ("sum_axis", lambda x: np.sum(x, axis=0), lambda m, x: m.sum(x, 0)),
    ("sum_all", lambda x: np.sum(x), lambda m, x: m.sum(x)),
    ("mean_keepdims", lambda x: np.mean(x, axis=(0, 1), keepdims=True), lambda m, x: m.mean(x, (0, 1), True)),
    ("prod", lambda x: np.prod(x, axis=1), lambda m, x: m.prod(x, 1)),
    ("prod_all", lambda x: np.prod(x), lambda m, x: m.prod(x)),
    ("max_axis", lambda x: np.max(x, axis=1), lambda m, x: m.amax(x, 1)),
    ("min_all", lambda x: np.min(x), lambda m, x: m.amin(x)),
    ("amax_keepdims", lambda x: np.amax(x, axis=0, keepdims=True), lambda m, x: m.amax(x, 0, True)),
    ("cumsum", lambda x: np.cumsum(x, axis=1), lambda m, x: m.cumsum(x, 1)),
    ("cumsum_flat", lambda x: np.cumsum(x), lambda m, x: m.cumsum(x.reshape(-1), 0)),
    ("cumprod", lambda x: np.cumprod(x, axis=0), lambda m, x: m.cumprod(x, 0)),
    ("var_ddof0", lambda x: np.var(x, axis=0), lambda m, x: m.var(x, 0, correction=0)),
    ("std_ddof1", lambda x: np.std(x, ddof=1), lambda m, x: m.std(x)),
    ("clip", lambda x: np.clip(x, 0.5, 1.5), lambda m, x: m.clamp(x, 0.5, 1.5)),
    ("where", lambda x: np.where(x > 1, x, 0.0), lambda m, x: m.where(x > 1, x, 0.0)),
    ("sort", lambda x: np.sort(x, axis=1), lambda m, x: m.sort(x, 1).values),
    ("diff", lambda x: np.diff(x, axis=0), lambda m, x: m.diff(x, dim=0)),
    ("round", lambda x: np.round(x * 10, 1), lambda m, x: m.round(x * 10, decimals=1)),
    ("concatenate", lambda x: np.concatenate([x, x * 2], axis=0), lambda m, x: m.cat([x, x * 2], 0)),
    ("stack", lambda x: np.stack([x, x], axis=1), lambda m, x: m.stack([x, x], 1)),
    ("transpose_reshape", lambda x: np.reshape(np.transpose(x), (2, 6)), lambda m, x: x.t().reshape(2, 6)),
    ("matmul", lambda x: np.matmul(x, np.ones((4, 2))), lambda m, x: x @ m.ones(4, 2, dtype=x.dtype)),
    ("expand_dims_squeeze", lambda x: np.squeeze(np.expand_dims(x, 0)), lambda m, x: x.unsqueeze(0).squeeze()),
]


@pytest.mark.parametrize("name,np_call,fn", UNARY, ids=[c[0] for c in UNARY])
def test_numpy_call_matches_torch(name, np_call, fn):
    compare(lambda m, x: np_call(x) if m is npgrad else fn(m, x), [X])


@pytest.mark.parametrize("name,np_call,fn", UNARY, ids=[c[0] for c in UNARY])
def test_numpy_call_is_the_npgrad_function(name, np_call, fn):
    """Same values, same grad_fn and the same gradients as calling the npgrad function directly."""
    xa = npgrad.tensor(X, requires_grad=True)
    xb = npgrad.tensor(X, requires_grad=True)
    a, b = np_call(xa), fn(npgrad, xb)
    assert isinstance(a, npgrad.Tensor) and a.grad_fn is not None
    assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    w = rng.standard_normal(tuple(a.shape))
    (ga,) = npgrad.autograd.grad((a * npgrad.tensor(w)).sum(), xa)
    (gb,) = npgrad.autograd.grad((b * npgrad.tensor(w)).sum(), xb)
    np.testing.assert_allclose(ga.numpy(), gb.numpy(), rtol=1e-12, atol=1e-15)


def test_binary_numpy_calls_with_two_tensors():
    compare(lambda m, x, y: np.maximum(x, y) + np.hypot(x, y) if m is npgrad else
            m.maximum(x, y) + m.hypot(x, y), [X, Y])
    compare(lambda m, x, y: np.logaddexp(x, y) * np.true_divide(x, y) if m is npgrad else
            m.logaddexp(x, y) * (x / y), [X, Y])


def test_comparisons_and_predicates_give_bool_tensors():
    t = npgrad.tensor([1.0, np.nan, 3.0])
    for r in (np.greater(t, 2.0), np.isnan(t), np.isfinite(t), np.logical_not(t > 2), t == np.float64(3.0)):
        assert isinstance(r, npgrad.Tensor) and r.dtype == npgrad.bool
    assert np.isnan(t).tolist() == [False, True, False]
    assert np.argmax(npgrad.tensor([[1, 5], [7, 2]]), axis=1).tolist() == [1, 0]
    assert np.all(npgrad.tensor([1, 2])).item() is True
    assert np.count_nonzero(npgrad.tensor([0, 2, 3])).item() == 2
    assert np.allclose(npgrad.tensor([1.0, 2.0]), npgrad.tensor([1.0, 2.0 + 1e-9]))


def test_numpy_mean_of_integers_is_a_float():
    r = np.mean(npgrad.tensor([1, 2, 4]))
    assert r.dtype == npgrad.float32 and abs(r.item() - 7 / 3) < 1e-6


@pytest.mark.parametrize("call", [
    lambda t: np.median(t), lambda t: np.percentile(t, 50), lambda t: np.add.reduce(t), lambda t: np.cbrt(t),
    lambda t: np.exp(t, out=np.empty(3)), lambda t: np.sum(t, out=np.empty(())), lambda t: np.fft.fft(t),
    lambda t: np.unique(t),
])
def test_unsupported_numpy_calls_raise_type_error(call):
    t = npgrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(TypeError, match="npgrad"):
        call(t)


def test_asarray_and_numpy_share_memory_as_in_torch():
    for m in (torch, npgrad):
        t = m.tensor([1.0, 2.0, 3.0])
        a = np.asarray(t)
        b = t.numpy()
        t.add_(1)
        assert a.tolist() == [2.0, 3.0, 4.0] and b.tolist() == [2.0, 3.0, 4.0]
        with pytest.raises(RuntimeError):
            np.asarray(m.ones(2, requires_grad=True))
        with pytest.raises(RuntimeError):
            m.ones(2, requires_grad=True).numpy()
        assert np.asarray(m.ones(2, requires_grad=True).detach()).dtype == np.float32


def test_second_derivatives_through_numpy_formulas():
    """Backward formulas are written with NumPy functions: under create_graph they record again."""
    def f(m, x):
        y = (m.sin(x) * m.exp(x)).sum(1).logsumexp(0) + m.norm(x, 3) + x.var(0).sum() + x.softmax(1)[:, 0].sum()
        (g,) = m.autograd.grad(y, x, create_graph=True)
        return g
    compare(f, [X])


# ---------------------------------------------------------------------------------------------- NumPy keywords
M = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True]])
KEYWORD_CALLS = [
    ("sum_where", lambda x: np.sum(x, where=M)),
    ("sum_where_axis", lambda x: np.sum(x, axis=1, where=M)),
    ("sum_initial", lambda x: np.sum(x, axis=0, initial=5.0)),
    ("sum_dtype", lambda x: np.sum(x, dtype=np.float32)),
    ("sum_keepdims", lambda x: np.sum(x, axis=1, keepdims=True)),
    ("nansum_where", lambda x: np.nansum(x, axis=0, where=M)),
    ("mean_where", lambda x: np.mean(x, axis=0, where=M)),
    ("mean_dtype", lambda x: np.mean(x, dtype=np.float32)),
    ("prod_where_initial", lambda x: np.prod(x, axis=1, where=M, initial=2.0)),
    ("prod_dtype", lambda x: np.prod(x, dtype=np.float32)),
    ("max_initial", lambda x: np.max(x, axis=0, initial=1.5)),
    ("max_where", lambda x: np.max(x, axis=1, where=M, initial=0.0)),
    ("amin_initial_where", lambda x: np.amin(x, where=M, initial=9.0)),
    ("argmax_keepdims", lambda x: np.argmax(x, axis=1, keepdims=True)),
    ("var_correction", lambda x: np.var(x, axis=0, correction=1)),
    ("std_dtype_keepdims", lambda x: np.std(x, axis=1, dtype=np.float32, keepdims=True)),
    ("cumsum_dtype", lambda x: np.cumsum(x, axis=1, dtype=np.float32)),
    ("cumprod_flat", lambda x: np.cumprod(x)),
    ("all_where", lambda x: np.all(x > 1, axis=0, where=M)),
    ("any_where", lambda x: np.any(x > 1, where=M)),
    ("any_keepdims", lambda x: np.any(x > 1, axis=1, keepdims=True)),
    ("count_nonzero_keepdims", lambda x: np.count_nonzero(x > 1, axis=0, keepdims=True)),
    ("count_nonzero_keepdims_all", lambda x: np.count_nonzero(x > 1, keepdims=True)),
    ("clip_min_max", lambda x: np.clip(x, min=0.5, max=1.5)),
    ("sort_stable", lambda x: np.sort(x, axis=0, kind="stable")),
    ("sort_stable_kw", lambda x: np.sort(x, axis=None, stable=True)),
    ("argsort_stable", lambda x: np.argsort(np.round(x), axis=1, stable=True)),
    ("reshape_copy", lambda x: np.reshape(x, (4, 3), copy=True)),
    ("concatenate_axis_none", lambda x: np.concatenate([x, x], axis=None)),
    ("concatenate_dtype", lambda x: np.concatenate([x, x], dtype=np.float32)),
    ("stack_dtype", lambda x: np.stack([x, x], axis=2, dtype=np.float32)),
    ("exp_dtype", lambda x: np.exp(x, dtype=np.float32)),
    ("add_dtype", lambda x: np.add(x, 1.0, dtype=np.float32)),
    ("broadcast_to_int", lambda x: np.broadcast_to(x[0, 0], 3)),
]


def _as_array(r):
    return r.detach().numpy() if isinstance(r, npgrad.Tensor) else np.asarray(r)


@pytest.mark.parametrize("name,call", KEYWORD_CALLS, ids=[c[0] for c in KEYWORD_CALLS])
def test_numpy_keywords_are_honoured(name, call):
    """Every keyword NumPy takes gives NumPy's answer on a tensor (values and dtype), never the unmasked one."""
    want = call(X.copy())
    got = call(npgrad.tensor(X))
    assert isinstance(got, npgrad.Tensor)
    got = _as_array(got)
    assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype, (got, want)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_numpy_where_gradient_masks():
    x = npgrad.tensor(X, requires_grad=True)
    np.sum(x, where=M).backward()
    np.testing.assert_array_equal(x.grad.numpy(), M.astype(float))
    x.grad = None
    np.mean(x, axis=0, where=M).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), M / M.sum(0))


@pytest.mark.parametrize("call,keyword", [
    (lambda t: np.var(t, where=M), "where"), (lambda t: np.std(t, mean=np.zeros(4)), "mean"),
    (lambda t: np.sort(t, order="x"), "order"), (lambda t: np.exp(t, casting="unsafe"), "casting"),
    (lambda t: np.add(t, 1.0, where=M), "where"), (lambda t: np.clip(t, 0, 1, where=M), "where"),
    (lambda t: np.reshape(t, (4, 3), order="F"), "order"), (lambda t: np.exp(t, subok=False), "subok"),
    (lambda t: np.mean(t, initial=1.0), "initial"), (lambda t: np.copy(t, order="F"), "order"),
    (lambda t: np.concatenate([t, t], casting="unsafe"), "casting"),
    (lambda t: np.exp(t, signature="d->d"), "signature"),
])
def test_numpy_keywords_not_supported_raise_naming_them(call, keyword):
    with pytest.raises(TypeError, match=keyword):
        call(npgrad.tensor(X))


def test_numpy_unknown_keyword_raises():
    with pytest.raises(TypeError, match="bogus"):
        np.sum(npgrad.tensor(X), bogus=1)


def test_numpy_out_tensor_follows_torch_out_rules():
    t = npgrad.tensor(X)
    o = npgrad.empty(4, dtype=npgrad.float64)
    assert np.sum(t, axis=0, out=o) is o
    np.testing.assert_allclose(o.numpy(), X.sum(0))
    o2 = npgrad.zeros(3, 4, dtype=npgrad.float64)
    assert np.exp(t, out=(o2,)) is o2
    np.testing.assert_allclose(o2.numpy(), np.exp(X))
    o3 = npgrad.full((3, 4), -1.0, dtype=npgrad.float64)
    np.add(t, 1.0, out=o3, where=M)   # masked-out elements keep out's values, as NumPy
    np.testing.assert_allclose(o3.numpy(), np.where(M, X + 1, -1.0))
    with pytest.raises(RuntimeError, match="automatic differentiation"):
        np.sum(npgrad.tensor(X, requires_grad=True), axis=0, out=npgrad.empty(4, dtype=npgrad.float64))
    with pytest.raises(RuntimeError, match="can't be cast"):
        np.exp(t, out=npgrad.empty(3, 4, dtype=npgrad.int64))
