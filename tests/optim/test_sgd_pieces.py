"""SGD's update on large parameters (optim/sgd.py ``axpy``: ``p += alpha * g`` made piece by piece): torch's
values for every option, on sizes around the piece length and on parameters that are not contiguous; the
pieces give bit for bit what the one-pass NumPy expression gives (torch's kernel fuses the multiply-add, so
it differs from both by an ulp here and there)."""
import numpy as np
import pytest
import torch

import npgrad
from npgrad.optim import sgd as S

SIZES = [S._PIECE - 1, S._PIECE, S._PIECE + 1, 3 * S._PIECE + 7]
OPTIONS = [dict(), dict(momentum=0.9), dict(momentum=0.9, dampening=0.3), dict(momentum=0.5, nesterov=True),
           dict(momentum=0.9, weight_decay=0.01, maximize=True)]


def _run(m, p0, grads, opts):
    p = m.nn.Parameter(m.tensor(p0))
    opt = m.optim.SGD([p], lr=0.03, **opts)
    for g in grads:
        p.grad = m.tensor(g)
        opt.step()
    return p.detach().numpy().copy()


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "plain")
def test_sgd_large_parameter_matches_torch(n, opts):
    rng = np.random.default_rng(n)
    p0 = rng.standard_normal(n).astype(np.float32)
    grads = [rng.standard_normal(n).astype(np.float32) for _ in range(3)]
    np.testing.assert_allclose(_run(npgrad, p0, grads, opts), _run(torch, p0, grads, opts), rtol=2e-6, atol=2e-7)


@pytest.mark.parametrize("n", SIZES + [1, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_axpy_pieces_equal_the_plain_expression(n, dtype):
    rng = np.random.default_rng(n)
    y, x = rng.standard_normal((2, n)).astype(dtype)
    want = y + (-0.03 * x)
    S.axpy(y, x, -0.03)
    np.testing.assert_array_equal(y, want)
    assert y.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_noncontiguous_and_mixed_fall_back(dtype):
    rng = np.random.default_rng(0)
    y = rng.standard_normal((400, 300)).astype(dtype)
    x = rng.standard_normal((300, 400)).astype(dtype)
    for yy, xx in ((y.copy(), np.ascontiguousarray(x.T)), (y.T.copy().T, np.ascontiguousarray(x.T)),
                   (y.copy(), x.T)):
        want = yy + dtype(-0.25) * xx
        S.axpy(yy, xx, -0.25)
        np.testing.assert_array_equal(yy, want)


def test_sgd_on_a_transposed_parameter_view():
    """A parameter whose array is a transposed view (not C-contiguous): updated in place through the view."""
    rng = np.random.default_rng(1)
    base = rng.standard_normal((300, 400)).astype(np.float32)
    g = rng.standard_normal((400, 300)).astype(np.float32)
    res = []
    for m in (npgrad, torch):
        p = m.nn.Parameter(m.tensor(base).t())
        opt = m.optim.SGD([p], lr=0.1, momentum=0.9)
        for _ in range(2):
            p.grad = m.tensor(g)
            opt.step()
        res.append(p.detach().numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=2e-6, atol=2e-7)
