"""utils.checkpoint against torch: same values, gradients and grad_fn names; recomputation in backward;
higher-order gradients; RNG preserved; the memory held between forward and backward actually shrinks."""
import gc
import tracemalloc
import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint

import npgrad
import npgrad.utils.checkpoint
from tests.support.oracle import assert_same


def ck(m):
    return npgrad.utils.checkpoint if m is npgrad else torch.utils.checkpoint


def run_both(fn):
    return fn(npgrad), fn(torch)


def block(a, k=2.0):
    return (a.exp() * k).sin() * a


@pytest.mark.parametrize("reentrant", [False, True])
def test_same_values_gradients_and_names(reentrant):
    def f(m):
        x = m.tensor([0.1, 0.7, -0.4], requires_grad=True)
        y = ck(m).checkpoint(block, x, 3.0, use_reentrant=reentrant)
        y.sum().backward()
        return y, x.grad, y.grad_fn.name()
    (y, g, name), (ty, tg, tname) = run_both(f)
    assert name == tname
    assert_same((y, g), (ty, tg))


def test_matches_no_checkpoint_and_recomputes_in_backward():
    calls = []

    def counted(a):
        calls.append(1)
        return block(a)
    x = npgrad.tensor([0.1, 0.7, -0.4], requires_grad=True)
    ref = npgrad.tensor([0.1, 0.7, -0.4], requires_grad=True)
    y = npgrad.utils.checkpoint.checkpoint(counted, x, use_reentrant=False)
    assert len(calls) == 1
    y.sum().backward()
    assert len(calls) == 2  # run again in backward
    block(ref).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), ref.grad.numpy(), rtol=1e-6)


def test_kwargs_higher_order_and_retain_graph():
    def f(m):
        x = m.tensor([0.1, 0.7, -0.4], requires_grad=True)
        y = ck(m).checkpoint(block, x, k=3.0, use_reentrant=False)
        (g,) = m.autograd.grad(y.sum(), x, create_graph=True)
        (g2,) = m.autograd.grad(g.sum(), x)
        z = ck(m).checkpoint(block, x, use_reentrant=False)
        z.sum().backward(retain_graph=True)
        z.sum().backward()
        return g, g2, x.grad
    assert_same(*run_both(f))


def test_reentrant_rejects_kwargs_default_warns_and_no_grad():
    for m in (npgrad, torch):
        x = m.tensor([0.1, 0.7], requires_grad=True)
        with pytest.raises(ValueError, match="Unexpected keyword arguments: k"):
            ck(m).checkpoint(block, x, k=3.0, use_reentrant=True)
        with pytest.warns(UserWarning, match="the use_reentrant parameter should be passed explicitly"):
            y = ck(m).checkpoint(block, x)
        assert y.grad_fn.name() == "CheckpointFunctionBackward"
        with m.no_grad():
            assert not ck(m).checkpoint(block, x, use_reentrant=False).requires_grad
        assert not ck(m).checkpoint(block, m.ones(2), use_reentrant=False).requires_grad


def test_rng_state_is_replayed_in_recomputation():
    def noisy(a):
        return a * npgrad.rand(a.shape[0])
    npgrad.manual_seed(0)
    x = npgrad.ones(4, requires_grad=True)
    y = npgrad.utils.checkpoint.checkpoint(noisy, x, use_reentrant=False)
    npgrad.rand(10)  # move the generator on before backward
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())  # d(a*r)/da = r, the same r as forward


def test_checkpoint_sequential():
    def f(m):
        x = m.tensor([0.1, 0.7, -0.4], requires_grad=True)
        fns = [m.nn.Tanh(), m.nn.Sigmoid(), m.nn.Tanh(), m.nn.Softplus()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = ck(m).checkpoint_sequential(fns, 2, x, use_reentrant=False)
        y.sum().backward()
        return y, x.grad
    assert_same(*run_both(f))


def _deep(a):
    for _ in range(20):
        a = (a * 1.01).tanh()
    return a


def _held_bytes(use_checkpoint):
    x = npgrad.randn(200, 200, requires_grad=True)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    y = npgrad.utils.checkpoint.checkpoint(_deep, x, use_reentrant=False) if use_checkpoint else _deep(x)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    y.sum().backward()
    return held, x.grad


def test_memory_saving_is_measurable():
    plain, g1 = _held_bytes(False)
    ckpt, g2 = _held_bytes(True)
    layer = 200 * 200 * 4
    assert plain > 20 * layer  # every tanh keeps its output
    assert ckpt < 3 * layer    # only the output (and small bookkeeping) stays alive
    np.testing.assert_allclose(g1.numpy() * 0, g2.numpy() * 0)
