"""lobpcg with B (the generalized problem) under autograd, as torch: the values, a graph whose node lists the
symmetrised A and B (and a given X), and torch's ValueError when differentiated (torch's backward supports B = I
only)."""
import numpy as np
import pytest
import torch

import npgrad


def _run(m, a_grad, b, x_given):
    rng = np.random.default_rng(0)
    n = 9
    A0 = rng.standard_normal((n, n))
    B0 = rng.standard_normal((n, n))
    X0 = rng.standard_normal((n, 2))
    A = m.tensor(A0 @ A0.T + n * np.eye(n), requires_grad=a_grad)
    B = None if b is None else m.tensor(B0 @ B0.T + n * np.eye(n), requires_grad=b)
    E, _ = m.lobpcg(A, k=2, B=B, X=m.tensor(X0) if x_given else None, niter=300, tol=1e-10)
    edges = [(None if f is None else f.name(), k) for f, k in E.grad_fn.next_functions]
    try:
        g = m.autograd.grad(E.sum(), [t for t in (A, B) if t is not None and t.requires_grad])
        outcome = ("ok", g[0].numpy())
    except ValueError as e:
        outcome = ("ValueError", str(e))
    return E.detach().numpy(), E.grad_fn.name(), edges, outcome


@pytest.mark.parametrize("a_grad,b,x_given", [(True, False, True), (False, True, True), (True, True, False),
                                              (True, None, True), (True, None, False)])
def test_lobpcg_graph_and_backward_as_torch(a_grad, b, x_given):
    (e1, name1, edges1, out1), (e2, name2, edges2, out2) = (_run(m, a_grad, b, x_given) for m in (npgrad, torch))
    np.testing.assert_allclose(e1, e2, rtol=1e-7)
    assert (name1, edges1, out1[0]) == (name2, edges2, out2[0])
    if out2[0] == "ok":
        np.testing.assert_allclose(out1[1], out2[1], rtol=1e-6, atol=1e-9)
    else:
        assert out1[1] == out2[1]
