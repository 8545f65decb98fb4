"""Weight gradients in the parameter's own layout, taken by the leaf without a copy (issue 15, blas).

``x @ W.t()`` (nn.Linear) gets W's gradient as ``(grad.T @ x).T`` through ``TBackward0``: a transposed view of
a fresh row-major product, which ``AccumulateGrad`` takes as ``.grad`` (its base) instead of copying. The
ownership rule that makes this safe: a view of a gradient the pass does not own (the caller's seed) is not
owned either, so a leaf's ``.grad`` never shares memory with the seed, whatever view ops it went through.
"""
import numpy as np
import pytest
import torch

import npgrad


def _pair(fn, arrays, seed):
    out = []
    for m in (npgrad, torch):
        ts = [m.tensor(a, requires_grad=True) for a in arrays]
        g = m.tensor(seed)
        fn(m, *ts).backward(g)
        fn(m, *ts).backward(g)  # a second pass accumulates into .grad in place
        out.append((ts, g))
    return out


VIEWS = {
    "t": lambda m, w: w.t(), "T": lambda m, w: w.T, "mT": lambda m, w: w.mT,
    "transpose": lambda m, w: w.transpose(0, 1), "permute": lambda m, w: w.permute(1, 0),
    "t_t": lambda m, w: w.t().t(), "T_T": lambda m, w: w.T.T, "t_t_t": lambda m, w: w.t().t().t(),
    "permute_permute": lambda m, w: w.permute(1, 0).permute(1, 0), "view_view": lambda m, w: w.view(12).view(3, 4),
    "t_reshape_t": lambda m, w: w.t().reshape(4, 3).t(), "unsqueeze_t_t": lambda m, w: w.unsqueeze(0)[0].t().t(),
    "t_contiguous_t": lambda m, w: w.t().contiguous().t(),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_seed_through_transposes_is_copied(name):
    """The seed reaches the leaf as a view of itself (for the double transposes, a view of the whole of it in
    the leaf's own layout): the leaf must copy it, it is the caller's."""
    w = np.zeros((3, 4), np.float32)
    shape = tuple(VIEWS[name](torch, torch.zeros(3, 4)).shape)
    seed = np.arange(12, dtype=np.float32).reshape(shape)
    (ours, g), (theirs, tg) = _pair(VIEWS[name], [w], seed)
    np.testing.assert_array_equal(ours[0].grad.numpy(), theirs[0].grad.numpy())
    assert ours[0].grad.stride() == theirs[0].grad.stride()
    assert not np.shares_memory(ours[0].grad.numpy(), g.numpy())
    np.testing.assert_array_equal(g.numpy(), seed)  # the second pass did not write into the caller's seed


@pytest.mark.parametrize("shape", [(64, 784, 256), (8, 16, 12), (1, 5, 3), (70, 33, 300)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_weight_grad_is_taken_not_copied(shape, dtype):
    m_, k, n = shape
    rng = np.random.default_rng(k)
    arrays = [rng.standard_normal((m_, k)).astype(dtype), rng.standard_normal((n, k)).astype(dtype),
              rng.standard_normal(n).astype(dtype)]
    seed = rng.standard_normal((m_, n)).astype(dtype)
    (ours, g), (theirs, tg) = _pair(lambda m, x, w, b: m.nn.functional.linear(x, w, b), arrays, seed)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    for a, b in zip(ours, theirs):
        assert a.grad.stride() == b.grad.stride() and a.grad.dtype == a.dtype
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol)
    wg = ours[1].grad._data
    assert wg.flags.c_contiguous and wg.flags.writeable and wg.base is None  # the product itself, not a copy
    grads = [t.grad.numpy() for t in ours]
    for i, a in enumerate(grads):
        assert not np.shares_memory(a, g.numpy())
        for b in grads[:i]:
            assert not np.shares_memory(a, b)


def test_two_leaves_from_one_product_do_not_share():
    """The same weight used twice, and two weights fed by one gradient: every .grad is its own array."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((6, 5)).astype(np.float32), rng.standard_normal((4, 5)).astype(np.float32),
              rng.standard_normal((4, 5)).astype(np.float32)]

    def f(m, x, w, v):
        return x @ w.t() + x @ v.t() + (x @ w.T) * 2
    (ours, g), (theirs, tg) = _pair(f, arrays, np.ones((6, 4), np.float32))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-5)
    grads = [t.grad.numpy() for t in ours]
    assert not any(np.shares_memory(grads[i], grads[j]) for i in range(3) for j in range(i))


def test_create_graph_weight_grad_still_differentiable():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    res = []
    for m in (npgrad, torch):
        X, Wt = m.tensor(x, requires_grad=True), m.tensor(w, requires_grad=True)
        (gw,) = m.autograd.grad((m.tanh(X @ Wt.t()) ** 2).sum(), [Wt], create_graph=True)
        (gx,) = m.autograd.grad((gw * gw).sum(), [X])
        res.append((gw.detach().numpy(), gx.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
