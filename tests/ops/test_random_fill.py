"""Random fills and sampling against torch: npgrad's stream differs from torch's, so each draw is compared by its
statistics (mean, variance, quantiles, frequencies) on large samples from a fixed seed, plus dtypes, grad_fn
names, the zero gradient, generator reproducibility, and torch's errors."""
import math

import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare_error

N = 200_000


def _sample(fill, *args, dtype="float64", **kw):
    g = npgrad.Generator().manual_seed(7)
    ours = getattr(npgrad.empty(N, dtype=getattr(npgrad, dtype)), fill)(*args, generator=g, **kw)
    tg = torch.Generator().manual_seed(7)
    theirs = getattr(torch.empty(N, dtype=getattr(torch, dtype)), fill)(*args, generator=tg, **kw)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch", "npgrad")
    return ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64)


def _close_stats(a, b, se_mean, se_var=None):
    """Sample means within 6 standard errors of each other (and variances, when given)."""
    assert abs(a.mean() - b.mean()) < 6 * se_mean, (a.mean(), b.mean())
    if se_var is not None:
        assert abs(a.var() - b.var()) < 6 * se_var, (a.var(), b.var())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_normal(dtype):
    a, b = _sample("uniform_", -2.0, 3.0, dtype=dtype)
    assert a.min() >= -2 and a.max() < 3
    _close_stats(a, b, 5 / math.sqrt(12 * N), 25 / 12 * 2 / math.sqrt(N))
    a, b = _sample("normal_", 1.5, 0.5, dtype=dtype)
    _close_stats(a, b, 0.5 / math.sqrt(N), 0.25 * math.sqrt(2 / N))


def test_exponential_lognormal_cauchy_geometric():
    a, b = _sample("exponential_", 2.0)
    assert a.min() >= 0
    _close_stats(a, b, 0.5 / math.sqrt(N), 0.25 * 3 / math.sqrt(N))
    a, b = _sample("log_normal_", 0.2, 0.3)
    _close_stats(np.log(a), np.log(b), 0.3 / math.sqrt(N), 0.09 * math.sqrt(2 / N))
    a, b = _sample("cauchy_", 1.0, 2.0)  # no mean: compare quartiles (median +- sigma)
    qa, qb = np.quantile(a, [0.25, 0.5, 0.75]), np.quantile(b, [0.25, 0.5, 0.75])
    np.testing.assert_allclose(qa, [-1, 1, 3], atol=0.05)
    np.testing.assert_allclose(qb, [-1, 1, 3], atol=0.05)
    a, b = _sample("geometric_", 0.3)
    assert a.min() == 1 and np.all(a == np.round(a))
    _close_stats(a, b, math.sqrt(0.7 / 0.09 / N))


def test_bernoulli_random_frequencies():
    a, b = _sample("bernoulli_", 0.3)
    assert set(np.unique(a)) <= {0.0, 1.0}
    _close_stats(a, b, math.sqrt(0.21 / N))
    a, b = _sample("random_", 2, 7, dtype="int64")
    fa, fb = np.bincount(a.astype(int), minlength=7), np.bincount(b.astype(int), minlength=7)
    assert fa[:2].sum() == 0 and fb[:2].sum() == 0
    np.testing.assert_allclose(fa[2:] / N, 0.2, atol=0.006)
    a, b = _sample("random_", dtype="float32")
    assert a.min() >= 0 and a.max() <= 2 ** 24 and b.max() <= 2 ** 24
    _close_stats(a, b, 2 ** 24 / math.sqrt(12 * N))
    a, _ = _sample("random_", dtype="int64")
    assert a.min() >= 0 and a.max() > 2 ** 60


def test_multinomial_bernoulli_poisson():
    w = [1.0, 0.0, 3.0, 6.0]
    g = npgrad.Generator().manual_seed(1)
    ours = npgrad.multinomial(npgrad.tensor(w), N, replacement=True, generator=g)
    theirs = torch.multinomial(torch.tensor(w), N, replacement=True)
    assert ours.dtype == npgrad.int64 and ours.shape == theirs.shape
    np.testing.assert_allclose(np.bincount(ours.numpy(), minlength=4) / N, np.array(w) / 10, atol=0.005)
    # without replacement: the first draw is proportional to the weights, later ones to what remains
    rows = npgrad.tensor([w] * 20000)
    first = npgrad.multinomial(rows, 3, generator=g).numpy()
    tfirst = torch.multinomial(torch.tensor([w] * 20000), 3).numpy()
    for f in (first, tfirst):
        assert np.all(np.sort(f, axis=1) == [0, 2, 3])  # three non-zero categories, each once
        np.testing.assert_allclose(np.bincount(f[:, 0], minlength=4) / 20000, np.array(w) / 10, atol=0.02)
    p = npgrad.tensor([0.2, 0.9], dtype=npgrad.float64).expand(N, 2)
    np.testing.assert_allclose(npgrad.bernoulli(p, generator=g).numpy().mean(0), [0.2, 0.9], atol=0.005)
    lam = npgrad.full((N,), 3.5)
    x = npgrad.poisson(lam, generator=g).numpy()
    assert x.dtype == np.float32 and abs(x.mean() - 3.5) < 6 * math.sqrt(3.5 / N)


def test_generator_reproducible_and_independent():
    g1, g2 = npgrad.Generator().manual_seed(3), npgrad.Generator().manual_seed(3)
    a = npgrad.empty(5).normal_(generator=g1)
    b = npgrad.empty(5).normal_(generator=g2)
    assert npgrad.equal(a, b)
    npgrad.manual_seed(3)
    c = npgrad.empty(5).uniform_()
    npgrad.manual_seed(3)
    assert npgrad.equal(c, npgrad.empty(5).uniform_())


def test_fill_on_graph_zero_gradient_and_leaf_error():
    for fill, args in [("uniform_", ()), ("normal_", ()), ("bernoulli_", (0.5,)), ("random_", ()),
                       ("exponential_", ()), ("cauchy_", ()), ("log_normal_", ()), ("geometric_", (0.5,))]:
        for m in (npgrad, torch):
            a = m.ones(3, requires_grad=True)
            y = a * 2
            out = getattr(y, fill)(*args)
            assert out is y and y._version == 1
            name = y.grad_fn.name()
            (y * 3).sum().backward()
            assert a.grad.tolist() == [0.0, 0.0, 0.0]
            with pytest.raises(RuntimeError, match="leaf Variable"):
                getattr(a, fill)(*args)
        with torch.no_grad():
            getattr(torch.ones(1, requires_grad=True), fill)(*args)
        with npgrad.no_grad():
            getattr(npgrad.ones(1, requires_grad=True), fill)(*args)
        tname = getattr(torch.ones(3, requires_grad=True) * 1, fill)(*args).grad_fn.name()
        assert name == tname


ERRORS = [
    lambda m, x: x.normal_(0, -1), lambda m, x: x.bernoulli_(2.0), lambda m, x: x.exponential_(0),
    lambda m, x: x.geometric_(0), lambda m, x: x.geometric_(1.5), lambda m, x: x.cauchy_(0, 0),
    lambda m, x: x.log_normal_(0, 0), lambda m, x: x.uniform_(2, 1), lambda m, x: x.random_(5, 2),
    lambda m, x: x.random_(0), lambda m, x: x.long().uniform_(), lambda m, x: x.long().normal_(),
    lambda m, x: x.long().exponential_(), lambda m, x: m.zeros(3, dtype=m.uint8).random_(-3, 2),
    lambda m, x: m.multinomial(m.tensor([-1.0, 2]), 1), lambda m, x: m.multinomial(m.tensor([0.0, 0]), 1, True),
    lambda m, x: m.multinomial(m.zeros(2, 2, 2), 1), lambda m, x: m.multinomial(m.tensor([1.0, 2]), 3),
    lambda m, x: m.multinomial(m.tensor([1, 2]), 1),
    lambda m, x: m.bernoulli(m.tensor([2.0])), lambda m, x: m.poisson(m.tensor([-1.0])),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    compare_error(ERRORS[i], [np.zeros(3, np.float32)])
