"""logaddexp/logaddexp2's first and second derivatives against torch, far out in the tails: torch's formula
grad / (1 + exp(other - self)) gives NaN second derivatives where exp overflows, and tiny exact ones short of
that (a sigmoid-based form rounds them to 0)."""
import numpy as np
import pytest
import torch

import npgrad

A = [0.0, 0.0, 100.0, -100.0, 1000.0, -1000.0, 50.0, 1e4, 0.0, 3.0]
B = [0.0, 100.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1e4, 1000.0, float("inf")]


def _grads(m, fn, dtype):
    a = m.tensor(A, dtype=getattr(m, dtype), requires_grad=True)
    b = m.tensor(B, dtype=getattr(m, dtype), requires_grad=True)
    ga, gb = m.autograd.grad(getattr(m, fn)(a, b).sum(), (a, b), create_graph=True)
    ha, hb = m.autograd.grad((ga * 1.3 + gb * 0.7).sum(), (a, b))
    return [t.detach().numpy() for t in (ga, gb, ha, hb)]


@pytest.mark.parametrize("fn", ["logaddexp", "logaddexp2"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tails_first_and_second_derivatives_as_torch(fn, dtype):
    ours, theirs = _grads(npgrad, fn, dtype), _grads(torch, fn, dtype)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    for what, x, y in zip(("d/dself", "d/dother", "d2 self", "d2 other"), ours, theirs):
        np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=what)  # torch's NaN where exp overflows
        np.testing.assert_allclose(x, y, rtol=rtol, atol=0, err_msg=what)


@pytest.mark.parametrize("fn", ["logaddexp", "logaddexp2"])
def test_gradgradcheck_float64(fn):
    a = npgrad.tensor([0.3, -2.0, 5.0], dtype=npgrad.float64, requires_grad=True)
    b = npgrad.tensor([[1.0], [-0.5]], dtype=npgrad.float64, requires_grad=True)
    f = getattr(npgrad, fn)
    assert npgrad.autograd.gradcheck(f, (a, b))
    assert npgrad.autograd.gradgradcheck(f, (a, b))
