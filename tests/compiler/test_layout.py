"""The replay's layout and loss rewrites (docs/compile.md, "Codegen"): the inlined ``nll_loss`` (its bounds
check, ignored targets, 'sum'), weight gradients produced in the weight's own layout (taken by ``.grad``
without a copy), per-replay contiguous copies of reused transposed weights, against eager npgrad and torch."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad import compiler

F = npgrad.nn.functional


def _mlp(m, seed=0):
    g = np.random.default_rng(seed)
    net = m.nn.Sequential(m.nn.Linear(12, 16), m.nn.ReLU(), m.nn.Linear(16, 5))
    with m.no_grad():
        for p in net.parameters():
            p.copy_(m.tensor(g.uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))
    return net


def _data(seed, n=8):
    g = np.random.default_rng(seed)
    return g.standard_normal((n, 12), dtype=np.float32), g.integers(0, 5, n)


@pytest.fixture(autouse=True)
def _fresh():
    compiler.reset()
    yield
    compiler.reset()


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_nll_replay_matches_eager_and_torch(reduction):
    """The inlined loss and its gradient equal eager npgrad's bit for bit and torch's to rounding, with
    fresh targets on every replay, some of them ignored (-100) on some calls."""
    nets = {m: _mlp(m) for m in (npgrad, torch)}
    eager = _mlp(npgrad)
    f = npgrad.compile(lambda x, y: F.cross_entropy(nets[npgrad](x), y, reduction=reduction))
    for step in range(6):
        x, y = _data(step)
        if step in (3, 4):
            y = y.copy()
            y[::3] = -100
        outs = {}
        for m, net, fn in ((npgrad, nets[npgrad], f), (torch, nets[torch], None), ("eager", eager, None)):
            mod = npgrad if m == "eager" else m
            net.zero_grad()
            xt, yt = mod.tensor(x), mod.tensor(y)
            loss = fn(xt, yt) if fn is not None else mod.nn.functional.cross_entropy(net(xt), yt,
                                                                                   reduction=reduction)
            loss.backward()
            outs[m] = (loss.detach().numpy(), [p.grad.numpy() for p in net.parameters()])
        np.testing.assert_array_equal(outs[npgrad][0], outs["eager"][0])
        np.testing.assert_allclose(outs[npgrad][0], outs[torch][0], rtol=1e-5, atol=1e-6)
        for a, b, c in zip(outs[npgrad][1], outs["eager"][1], outs[torch][1]):
            np.testing.assert_array_equal(a, b)
            np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-6)
    assert compiler.counters["replays"] >= 5
    assert "_nll_fwd" in compiler.explain(f)


@pytest.mark.parametrize("bad", [5, 7, -1, -5])
def test_nll_replay_out_of_range_target_raises_like_torch(bad):
    """A target outside [0, C) on a replay raises torch's IndexError (a negative one must not wrap)."""
    net = _mlp(npgrad)
    f = npgrad.compile(lambda x, y: F.cross_entropy(net(x), y))
    x, y = _data(0)
    for _ in range(2):
        f(npgrad.tensor(x), npgrad.tensor(y))
    y = y.copy()
    y[2] = bad
    with pytest.raises(IndexError) as ours:
        f(npgrad.tensor(x), npgrad.tensor(y))
    tnet = _mlp(torch)
    with pytest.raises(IndexError) as theirs:
        torch.nn.functional.cross_entropy(tnet(torch.tensor(x)), torch.tensor(y))
    assert str(ours.value) == str(theirs.value)
    assert compiler.counters["replays"] >= 2


def test_nll_target_changed_between_forward_and_backward():
    """The replay keeps its own copy of the targets for backward, as eager's NllLoss does."""
    net, ref = _mlp(npgrad), _mlp(npgrad)
    f = npgrad.compile(lambda x, y: F.cross_entropy(net(x), y))
    x, y = _data(1)
    f(npgrad.tensor(x), npgrad.tensor(y)).backward()
    net.zero_grad()
    yt = npgrad.tensor(y)
    loss = f(npgrad.tensor(x), yt)
    eager = F.cross_entropy(ref(npgrad.tensor(x)), npgrad.tensor(y))
    yt[0] = (int(y[0]) + 1) % 5   # after forward: backward must not see it
    loss.backward()
    eager.backward()
    for a, b in zip(net.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_weight_grad_taken_without_copy_in_own_layout():
    """A Linear weight's gradient comes out row-major and fresh, and ``.grad`` holds that very array."""
    net = _mlp(npgrad)
    f = npgrad.compile(lambda x, y: F.cross_entropy(net(x), y))
    x, y = _data(2)
    for _ in range(2):
        net.zero_grad()
        f(npgrad.tensor(x), npgrad.tensor(y)).backward()
    src = compiler.explain(f)
    assert "_mat2_grad_t(" in src and "_np.transpose(g" not in src
    prog = next(p for v in f._npgrad_compiled._cache.values() for p in v)
    got = []
    bwd = prog.bwd
    prog.bwd = lambda S, G: got.append(bwd(S, G)) or got[-1]
    net.zero_grad()
    f(npgrad.tensor(x), npgrad.tensor(y)).backward()
    for g, p in zip(got[0][2:], net.parameters()):
        assert p.grad._data is g
        assert p.grad._data.flags.c_contiguous and p.grad._data.base is None
    # a second backward into existing .grad accumulates in place, equal to eager
    ref = _mlp(npgrad)
    for _ in range(2):
        F.cross_entropy(ref(npgrad.tensor(x)), npgrad.tensor(y)).backward()
    f(npgrad.tensor(x), npgrad.tensor(y)).backward()
    for a, b in zip(net.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def _rnn(m, steps=6, reuse_sum=False, two_biases=False, seed=3):
    g = np.random.default_rng(seed)
    w_ih = m.nn.Parameter(m.tensor(g.uniform(-0.3, 0.3, (16, 8)).astype(np.float32)))
    w_hh = m.nn.Parameter(m.tensor(g.uniform(-0.3, 0.3, (16, 16)).astype(np.float32)))
    b = m.nn.Parameter(m.tensor(g.uniform(-0.3, 0.3, (16,)).astype(np.float32)))
    b2 = m.nn.Parameter(m.tensor(g.uniform(-0.3, 0.3, (16,)).astype(np.float32)))
    xs = [m.tensor(g.standard_normal((4, 8)).astype(np.float32)) for _ in range(steps)]

    def loss_fn(h):
        extra = 0
        for t, x in enumerate(xs):
            pre = x @ w_ih.T + h @ w_hh.T
            if reuse_sum:
                extra = extra + pre.sum()
            h = m.tanh(pre + (b2 if two_biases and t % 2 else b))
        return (h * h).mean() + extra
    return [w_ih, w_hh, b, b2], loss_fn


@pytest.mark.parametrize("variant", [{}, {"reuse_sum": True}, {"two_biases": True}])
def test_rnn_bias_folded_into_stacked_product(variant):
    """``x_t @ W_ih.T + h @ W_hh.T + b`` over an unrolled loop: the bias is added once into the stacked input
    product (only when every step adds the same bias to a sum read nowhere else); values and gradients agree
    with eager npgrad and torch to rounding on every replay."""
    res = {}
    for name, m, comp in (("c", npgrad, npgrad.compile), ("e", npgrad, None), ("t", torch, None)):
        params, fn = _rnn(m, **variant)
        f = comp(fn) if comp else fn
        out = []
        for step in range(3):
            for p in params:
                p.grad = None
            h0 = m.tensor(np.full((4, 16), 0.1 * step, np.float32))
            loss = f(h0)
            loss.backward()
            out.append((loss.detach().numpy(), [np.zeros(1) if p.grad is None else p.grad.numpy()
                                                for p in params]))
        res[name] = out
        if comp:
            src = compiler.explain(f)
    folded = "_prod(x" in src and any(ln.strip().startswith("h") and ln.count(",") == 2 and "_prod(x" in ln
                                       for ln in src.splitlines())
    assert folded == (not variant), src
    # the per-step tanh gradients are written straight into the stacked weight-gradient operand
    # (with the pre-activation sum read elsewhere, the weight's stack is not made of tanh gradients alone)
    assert "_tanh_bwd_into(" in src and (variant or "_np.concatenate((g" not in src), src
    # and the forward's tanh outputs straight into the stacked left operand of the weight gradient
    assert "out=SBst" in src and " = SBst" in src.split("def bwd")[1], src
    for step in range(3):
        for other in ("e", "t"):
            np.testing.assert_allclose(res["c"][step][0], res[other][step][0], rtol=1e-5, atol=1e-6)
            for a, b in zip(res["c"][step][1], res[other][step][1]):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)

def test_stacked_forward_values_returned_and_kept_across_replays():
    """A step's hidden state returned from the region lives in that replay's own stacked array: a later
    replay does not overwrite it, and values and gradients match eager."""
    def make(m):
        params, _ = _rnn(m)
        w_ih, w_hh, b, _b2 = params
        g = np.random.default_rng(5)
        xs = [m.tensor(g.standard_normal((4, 8)).astype(np.float32)) for _ in range(5)]

        def fn(h):
            mid = None
            for t, x in enumerate(xs):
                h = m.tanh(x @ w_ih.T + h @ w_hh.T + b)
                if t == 2:
                    mid = h
            return (h * h).mean(), mid
        return params, fn
    pc, fc = make(npgrad)
    pe, fe = make(npgrad)
    f = npgrad.compile(fc)
    kept = []
    for step in range(3):
        h0 = np.full((4, 16), 0.2 * step - 0.2, np.float32)
        for p in pc + pe:
            p.grad = None
        lc, mc = f(npgrad.tensor(h0))
        le, me = fe(npgrad.tensor(h0))
        (lc + mc.sum()).backward()
        (le + me.sum()).backward()
        np.testing.assert_allclose(mc.detach().numpy(), me.detach().numpy(), rtol=1e-6, atol=1e-6)
        for a, e in zip(pc[:3], pe[:3]):
            np.testing.assert_allclose(a.grad.numpy(), e.grad.numpy(), rtol=1e-4, atol=1e-5)
        kept.append((mc, me.detach().numpy().copy()))
    for mc, me in kept:
        np.testing.assert_allclose(mc.detach().numpy(), me, rtol=1e-6, atol=1e-6)
    assert "out=SBst" in compiler.explain(f) and compiler.counters["replays"] >= 2
