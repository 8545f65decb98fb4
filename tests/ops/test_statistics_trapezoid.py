"""trapezoid / cumulative_trapezoid record torch's graph (its formulas, node names and saved scalars); values and
gradients match torch's (to rounding: a float32 sum may add in another order), dtypes exactly (vs torch)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import npgrad

FORMS = {
    "default": lambda m, y, x: m.trapezoid(y), "dx": lambda m, y, x: m.trapezoid(y, dx=0.3),
    "dx_int": lambda m, y, x: m.trapezoid(y, dx=2), "x": lambda m, y, x: m.trapezoid(y, x),
    "x_kw": lambda m, y, x: m.trapezoid(y, x=x), "dim0": lambda m, y, x: m.trapezoid(y, dim=0),
    "trapz": lambda m, y, x: m.trapz(y, x), "cum": lambda m, y, x: m.cumulative_trapezoid(y),
    "cum_dx": lambda m, y, x: m.cumulative_trapezoid(y, dx=0.7), "cum_x": lambda m, y, x: m.cumulative_trapezoid(y, x),
}


def _chain(fn):
    out = []
    while fn is not None:
        saved = {k: getattr(fn, k) for k in ("_saved_other",) if type(fn).__name__ in ("MulBackward1", "DivBackward1")}
        out.append((type(fn).__name__, saved))
        nxt = [f for f, _ in fn.next_functions if f is not None and type(f).__name__ != "AccumulateGrad"]
        fn = nxt[0] if nxt else None
    return out


def _run(m, form, y0, x0, dtype):
    y = m.tensor(y0, dtype=dtype, requires_grad=True)
    x = m.tensor(x0, dtype=dtype, requires_grad=True)
    r = FORMS[form](m, y, x)
    chain = _chain(r.grad_fn)
    r.sum().backward()
    grads = [t.grad.numpy().tolist() if t.grad is not None else None for t in (y, x)]
    return r.detach().numpy().tolist(), str(r.dtype).split(".")[-1], chain, grads


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("form", list(FORMS))
def test_trapezoid_graph_and_values_as_torch(form, dtype):
    rng = np.random.default_rng(3)
    y0, x0 = rng.standard_normal((3, 5)), np.cumsum(rng.random(5))
    got = _run(npgrad, form, y0, x0, getattr(npgrad, dtype))
    want = _run(torch, form, y0, x0, getattr(torch, dtype))
    assert got[1:3] == want[1:3]
    tol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(got[0], want[0], rtol=tol, atol=tol)
    for g, w in zip(got[3], want[3]):
        assert (g is None) == (w is None)
        if g is not None:
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


@pytest.mark.parametrize("form", ["trapezoid", "trapezoid_x", "cumulative"])
def test_empty_and_integer_inputs(form):
    def run(m):
        f = {"trapezoid": lambda y: m.trapezoid(y), "trapezoid_x": lambda y: m.trapezoid(y, m.zeros(0)),
             "cumulative": lambda y: m.cumulative_trapezoid(y)}[form]
        e = f(m.zeros(2, 0, requires_grad=True))
        i = f(m.arange(6).reshape(2, 3)) if form != "trapezoid_x" else None
        return ([tuple(e.shape), e.requires_grad, e.dtype is m.float32],
                None if i is None else (i.tolist(), str(i.dtype).split(".")[-1]))
    assert run(npgrad) == run(torch)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), rows=st.integers(1, 3), dim=st.integers(-2, 1), seed=st.integers(0, 2 ** 16))
def test_trapezoid_float32_as_torch(n, rows, dim, seed):
    rng = np.random.default_rng(seed)
    y0 = (rng.standard_normal((rows, n)) * 10).astype(np.float32)
    dx = float(rng.random() + 0.1)
    for fn in (lambda m, y: m.trapezoid(y, dx=dx, dim=dim), lambda m, y: m.cumulative_trapezoid(y, dx=dx, dim=dim)):
        a = fn(npgrad, npgrad.tensor(y0)).numpy()
        b = fn(torch, torch.tensor(y0)).numpy()
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
