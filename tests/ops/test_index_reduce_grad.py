"""index_reduce(prod)'s first and second derivatives against torch where zeros meet (a zero in self and a zero
source at the same position, several zero sources at one position, duplicate indices): values, the second
derivative of both inputs and of the seed, and torch's delayed error for >1 zero sources at one position."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import npgrad

warnings.filterwarnings("ignore", message="index_reduce\\(\\) is in beta")


def _double_backward(m, a, s, idx, include_self, g, v):
    """First derivatives (create_graph), then the gradient of their weighted sum; or where it raised."""
    A = m.tensor(a, requires_grad=True)
    S = m.tensor(s, requires_grad=True)
    out = A.index_reduce(0, m.tensor(idx), S, "prod", include_self=include_self)
    seed = m.tensor(g, requires_grad=True)
    ga, gs = m.autograd.grad(out, (A, S), seed, create_graph=True)
    first = [ga.detach().numpy(), gs.detach().numpy()]
    try:
        second = m.autograd.grad((ga * m.tensor(v[0])).sum() + (gs * m.tensor(v[1])).sum(), (A, S, seed))
    except RuntimeError as e:
        return first, ("RuntimeError", str(e))
    return first, [x.numpy() for x in second]


def _same(ours, theirs):
    (f1, s1), (f2, s2) = ours, theirs
    for x, y in zip(f1, f2):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-12)
    if isinstance(s2, tuple):
        assert s1 == s2
        return
    assert not isinstance(s1, tuple), s1
    for x, y in zip(s1, s2):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("include_self", [True, False])
def test_zero_in_self_and_source_at_one_position(include_self):
    # (0, 0): self is 0 and one source landing there is 0; the second derivative d/dself of the source's gradient
    # is the product of the others (not 0)
    a = np.array([[0.0, 2.0], [1.5, 0.0], [-1.0, 3.0]])
    s = np.array([[0.0, 1.0], [2.0, 0.5], [1.0, -1.0], [3.0, 0.0]])
    idx = np.array([0, 1, 0, 2])
    rng = np.random.default_rng(0)
    g, v = rng.standard_normal(a.shape), (rng.standard_normal(a.shape), rng.standard_normal(s.shape))
    _same(_double_backward(npgrad, a, s, idx, include_self, g, v),
          _double_backward(torch, a, s, idx, include_self, g, v))


@pytest.mark.parametrize("include_self", [True, False])
def test_gradgradcheck_float64_with_zeros(include_self):
    a = npgrad.tensor([[0.0, 2.0], [1.5, 0.0], [-1.0, 3.0]], dtype=npgrad.float64, requires_grad=True)
    s = npgrad.tensor([[0.0, 1.0], [2.0, 0.5], [1.0, -1.0], [3.0, 0.0]], dtype=npgrad.float64, requires_grad=True)
    idx = npgrad.tensor([0, 1, 0, 2])

    def f(a, s):
        return a.index_reduce(0, idx, s, "prod", include_self=include_self)
    assert npgrad.autograd.gradcheck(f, (a, s))
    assert npgrad.autograd.gradgradcheck(f, (a, s))


def test_several_zero_sources_raise_only_at_double_backward():
    a = npgrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=npgrad.float64, requires_grad=True)
    s = npgrad.tensor([[0.0, 1.0], [0.0, 2.0]], dtype=npgrad.float64, requires_grad=True)
    out = a.index_reduce(0, npgrad.tensor([0, 0]), s, "prod")
    ga, gs = npgrad.autograd.grad(out.sum(), (a, s), create_graph=True)
    assert gs.grad_fn.name() == "torch::autograd::Error"
    npgrad.autograd.grad(ga.sum(), (a, s))  # self's side is still differentiable
    with pytest.raises(RuntimeError, match="Double backward is unsupported for source"):
        npgrad.autograd.grad(gs.sum(), (a, s))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 3), st.booleans(), st.integers(0, 2 ** 31))
def test_small_integer_inputs_match_torch(rows, n_src, cols, include_self, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(-2, 3, (rows, cols)).astype(float)  # many zeros, and duplicates in the index
    s = rng.integers(-1, 2, (n_src, cols)).astype(float)
    idx = rng.integers(0, rows, n_src)
    g, v = rng.standard_normal(a.shape), (rng.standard_normal(a.shape), rng.standard_normal(s.shape))
    _same(_double_backward(npgrad, a, s, idx, include_self, g, v),
          _double_backward(torch, a, s, idx, include_self, g, v))
