"""Creation functions against torch: values, dtypes, shapes; random ones by distribution and seeding."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import assert_same, compare_error

CASES = [
    lambda m: m.tensor([[1, 2], [3, 4]]),
    lambda m: m.tensor([1.5, 2]),
    lambda m: m.tensor(True),
    lambda m: m.tensor([[1.]], dtype=m.float64),
    lambda m: m.tensor(np.arange(3, dtype=np.float64)),
    lambda m: m.as_tensor([1, 2], dtype=m.float32),
    lambda m: m.from_numpy(np.ones((2, 2), np.float32)),
    lambda m: m.zeros(2, 3),
    lambda m: m.zeros((2, 3), dtype=m.int32),
    lambda m: m.ones(3, dtype=m.bool),
    lambda m: m.full((2, 2), 7),
    lambda m: m.full((2, 2), 7.),
    lambda m: m.full((2,), True),
    lambda m: m.eye(3),
    lambda m: m.eye(2, 4, dtype=m.int64),
    lambda m: m.arange(5),
    lambda m: m.arange(1, 4),
    lambda m: m.arange(0, 1, 0.1),
    lambda m: m.arange(10, 0, -3),
    lambda m: m.linspace(0, 1, 7),
    lambda m: m.linspace(-2, 2, 1),
    lambda m: m.zeros_like(m.ones(2, 3, dtype=m.float64)),
    lambda m: m.ones_like(m.ones(2, dtype=m.int32)),
    lambda m: m.full_like(m.ones(2), 3.),
    lambda m: m.empty(2, 3).shape,
    lambda m: m.empty(0, 3).shape,
    lambda m: m.ones(2).new_zeros(3),
    lambda m: m.ones(2, dtype=m.float64).new_ones((2, 2)),
    lambda m: m.tensor([m.tensor(1.), m.tensor(2.)]),
]


@pytest.mark.parametrize("make", CASES)
def test_creation_matches_torch(make):
    a, b = make(npgrad), make(torch)
    if isinstance(b, torch.Size):
        assert tuple(a) == tuple(b)
    else:
        assert_same(a, b)


def test_requires_grad_at_creation():
    for f in (npgrad.zeros, npgrad.ones, npgrad.randn, npgrad.rand, npgrad.empty):
        t = f(2, requires_grad=True)
        assert t.requires_grad and t.is_leaf
    assert npgrad.tensor([1.], requires_grad=True).requires_grad
    compare_error(lambda m: m.tensor([1, 2], requires_grad=True), [])
    compare_error(lambda m: m.zeros(-1), [])
    compare_error(lambda m: m.arange(0, 5, 0), [])


def test_random_shapes_dtypes_and_distribution():
    npgrad.manual_seed(0)
    x = npgrad.randn(200, 100)
    assert x.dtype is npgrad.float32 and tuple(x.shape) == (200, 100)
    assert abs(float(x.mean())) < 0.02 and abs(float(x.std() if hasattr(x, "std") else x._data.std()) - 1) < 0.02
    u = npgrad.rand(10000, dtype=npgrad.float64)
    assert u.dtype is npgrad.float64 and 0 <= float(u._data.min()) and float(u._data.max()) < 1
    r = npgrad.randint(3, 7, (1000,))
    assert r.dtype is npgrad.int64 and set(r.tolist()) == {3, 4, 5, 6}
    assert npgrad.randint(5, (3,)).shape == (3,)
    n = npgrad.normal(2.0, 3.0, size=(20000,))
    assert abs(float(n._data.mean()) - 2) < 0.1 and abs(float(n._data.std()) - 3) < 0.1
    nt = npgrad.normal(npgrad.zeros(3), npgrad.ones(3))
    assert nt.shape == (3,)
    p = npgrad.randperm(10)
    assert sorted(p.tolist()) == list(range(10))


def test_manual_seed_and_generator_reproduce():
    npgrad.manual_seed(42)
    a = npgrad.randn(5)
    npgrad.manual_seed(42)
    b = npgrad.randn(5)
    assert a.tolist() == b.tolist()
    g1, g2 = npgrad.Generator().manual_seed(7), npgrad.Generator().manual_seed(7)
    assert npgrad.rand(4, generator=g1).tolist() == npgrad.rand(4, generator=g2).tolist()
    state = npgrad.get_rng_state()
    c = npgrad.rand(3)
    npgrad.set_rng_state(state)
    assert npgrad.rand(3).tolist() == c.tolist()
    assert npgrad.randn_like(npgrad.ones(2, dtype=npgrad.float64)).dtype is npgrad.float64
