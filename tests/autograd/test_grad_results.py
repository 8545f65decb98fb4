"""What ``autograd.grad`` returns: a gradient array the pass made for nobody else is handed out as it is (no copy,
engine_general._leaf); everything else - a broadcast view, a gradient shared by two inputs - as before. Each
result is writable and a change to one reaches no other result, no saved value and no later call."""
import numpy as np
import torch

import npgrad


def _w7(m, create_second=False):
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s) for s in [(5, 4), (5,), (1, 5), (1,)]]
    x, y = rng.standard_normal((7, 4)), rng.standard_normal((7, 1))
    w1, b1, w2, b2 = params = [m.tensor(a, requires_grad=True) for a in arrays]
    loss = ((m.tanh(m.tensor(x) @ w1.T + b1) @ w2.T + b2 - m.tensor(y)) ** 2).mean()
    grads = m.autograd.grad(loss, params, create_graph=True)
    dot = sum((g * m.tensor(np.ones(tuple(g.shape)))).sum() for g in grads)
    return params, m.autograd.grad(dot, params, retain_graph=True), dot


def test_results_are_torchs_writable_and_independent():
    (params, hv, dot), (tparams, thv, _) = _w7(npgrad), _w7(torch)
    for a, b in zip(hv, thv):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
    arrays = [h.numpy() for h in hv]
    for i, a in enumerate(arrays):
        assert a.flags.writeable and a.flags.c_contiguous
        assert all(not np.shares_memory(a, b) for b in arrays[i + 1:])
        assert all(not np.shares_memory(a, p.detach().numpy()) for p in params)
    before = [a.copy() for a in arrays]
    for h in hv:
        h.add_(100.0)  # changing every result in place ...
    again = npgrad.autograd.grad(dot, params)  # ... reaches nothing the graph keeps for the next pass
    for a, b in zip(again, before):
        np.testing.assert_array_equal(a.numpy(), b)


def test_an_input_given_twice_gets_equal_results():
    for m in (npgrad, torch):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a, b = m.autograd.grad((x * x).sum(), [x, x])
        np.testing.assert_array_equal(a.numpy(), [2.0, 4.0, 6.0])
        np.testing.assert_array_equal(b.numpy(), [2.0, 4.0, 6.0])


def test_a_broadcast_gradient_is_returned_writable():
    x = npgrad.ones(3, 4, requires_grad=True)
    (g,) = npgrad.autograd.grad(x.sum(), x)  # sum's backward is a read-only broadcast view: copied
    g.add_(1.0)
    np.testing.assert_array_equal(g.numpy(), np.full((3, 4), 2.0))
