"""Transformer blocks under npgrad.compile (issue 16's speed pass): the inlined formulas of gelu, layer_norm,
batched (3-D/4-D) matrix products and attention must give eager's values bit for bit (the same NumPy
operations in the same order) and torch's to rounding; a small GPT trained with AdamW compiled gives eager's
losses and gradients."""
import math

import numpy as np
import pytest
import torch

import npgrad
from npgrad import compiler


@pytest.fixture(autouse=True)
def _fresh():
    compiler.reset()
    yield
    compiler.reset()


def _arr(g, shape, dtype, scale=1.0):
    return (g.standard_normal(shape) * scale).astype(dtype)


def _replay_grads(f, arrays, gout, n=3):
    """Outputs and input gradients of ``f`` after ``n`` calls (the first captures, the others replay)."""
    ts = [npgrad.tensor(a, requires_grad=True) for a in arrays]
    for _ in range(n):
        for t in ts:
            t.grad = None
        y = f(*ts)
        y.backward(npgrad.tensor(gout))
    return y.detach().numpy().copy(), [None if t.grad is None else t.grad.numpy().copy() for t in ts]


def _check(fn, arrays, shape_out, dtype, tfn=None, rtol=None):
    g = np.random.default_rng(7)
    gout = _arr(g, shape_out, dtype)
    c = npgrad.compile(fn)
    yc, gc = _replay_grads(c, arrays, gout)
    assert compiler.counters["replays"] >= 2
    ye, ge = _replay_grads(fn, arrays, gout, n=1)
    np.testing.assert_array_equal(yc, ye)
    for a, b in zip(gc, ge):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)
    if tfn is not None:
        ts = [torch.tensor(a, requires_grad=True) for a in arrays]
        y = tfn(*ts)
        y.backward(torch.tensor(gout))
        tol = rtol or (2e-5 if dtype == np.float32 else 1e-12)
        np.testing.assert_allclose(yc, y.detach().numpy(), rtol=tol, atol=tol)
        for a, t in zip(gc, ts):
            assert (a is None) == (t.grad is None)
            if a is not None:
                np.testing.assert_allclose(a, t.grad.numpy(), rtol=tol, atol=tol)
    return c


@pytest.mark.parametrize("approximate", ["tanh", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(5,), (64, 33), (2, 3, 40), (1000, 131)])   # (the last: 4 pieces, one short)
def test_gelu_inlined_equals_eager_bitwise_and_torch(approximate, dtype, shape):
    g = np.random.default_rng(1)
    x = _arr(g, shape, dtype, 2.0)
    c = _check(lambda t: npgrad.nn.functional.gelu(t * 1.5, approximate=approximate), [x], shape, dtype,
               lambda t: torch.nn.functional.gelu(t * 1.5, approximate=approximate))
    assert "_gelu(" in compiler.explain(c)


def test_gelu_inlined_without_backward_and_extreme_values():
    x = np.array([-np.inf, -30.0, -5.0, -1e-3, 0.0, 1e-3, 5.0, 30.0, np.inf, np.nan], np.float32)
    for approximate in ("tanh", "none"):
        f = lambda t: npgrad.nn.functional.gelu(t, approximate=approximate)
        c = npgrad.compile(f)
        with npgrad.no_grad():
            outs = [c(npgrad.tensor(x)).numpy() for _ in range(3)]
        want = torch.nn.functional.gelu(torch.tensor(x), approximate=approximate).numpy()
        np.testing.assert_array_equal(outs[-1], f(npgrad.tensor(x)).numpy())
        fin = np.abs(x) < np.inf   # (torch's tanh form gives nan at +inf; eager npgrad gives inf there)
        np.testing.assert_allclose(outs[-1][fin], want[fin], rtol=1e-6, atol=1e-6)
        compiler.reset()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_inlined_equals_eager_bitwise_and_torch(dtype, affine):
    g = np.random.default_rng(2)
    x = _arr(g, (4, 7, 24), dtype, 3.0) + 1.0
    arrays = [x]
    if affine:
        arrays += [_arr(g, (24,), dtype) + 1.0, _arr(g, (24,), dtype)]

    def f(t, *wb):
        return npgrad.nn.functional.layer_norm(t, (24,), *wb, eps=1e-5)

    def tf(t, *wb):
        return torch.nn.functional.layer_norm(t, (24,), *wb, eps=1e-5)
    c = _check(f, arrays, (4, 7, 24), dtype, tf, rtol=1e-4 if dtype == np.float32 else None)
    assert "_ln_fwd(" in compiler.explain(c) and "_ln_bwd(" in compiler.explain(c)


def test_layer_norm_inlined_returned_output_written_in_place_keeps_gradients():
    """The inlined forward saves the normalised input, never the returned array: writing into the output
    (no_grad, as a user may) must not change the gradients."""
    g = np.random.default_rng(4)
    x, w, b = _arr(g, (6, 10), np.float32), _arr(g, (10,), np.float32), _arr(g, (10,), np.float32)
    for affine in (True, False):
        def f(t, *wb):
            return npgrad.nn.functional.layer_norm(t, (10,), *wb)
        c = npgrad.compile(f)
        grads = []
        for fn in (c, c, c, f):
            ts = [npgrad.tensor(a, requires_grad=True) for a in ([x, w, b] if affine else [x])]
            y = fn(*ts)
            with npgrad.no_grad():
                y.mul_(0.0)
            y.backward(npgrad.ones_like(y))
            grads.append([t.grad.numpy().copy() for t in ts])
        for a, e in zip(grads[-2], grads[-1]):
            np.testing.assert_array_equal(a, e)
        compiler.reset()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batched_matmul_and_attention_equal_eager_bitwise_and_torch(dtype):
    g = np.random.default_rng(3)
    B, H, T, D = 2, 3, 8, 5
    q, k, v = (_arr(g, (B, T, H * D), dtype) for _ in range(3))

    def f(m):
        def attn(q, k, v):
            q, k, v = (a.view(B, T, H, D).transpose(1, 2) for a in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D))
            att = att.masked_fill(m.tril(m.ones(T, T)) == 0, float("-inf"))
            att = m.nn.functional.softmax(att, dim=-1)
            return (att @ v).transpose(1, 2).contiguous().view(B, T, H * D)
        return attn
    _check(f(npgrad), [q, k, v], (B, T, H * D), dtype, f(torch), rtol=1e-4 if dtype == np.float32 else None)


def _gpt(m, vocab=11, block=8, n_embd=16, n_head=2, n_layer=2, act="gelu"):
    nn, F = m.nn, m.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)
            self.c_attn, self.c_proj = nn.Linear(n_embd, 3 * n_embd), nn.Linear(n_embd, n_embd)
            self.fc, self.proj = nn.Linear(n_embd, 4 * n_embd), nn.Linear(4 * n_embd, n_embd)
            self.act = nn.GELU(approximate="tanh") if act == "gelu" else nn.ReLU()
            self.register_buffer("bias", m.tril(m.ones(block, block)).view(1, 1, block, block))

        def attn(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            q, k, v = (a.view(B, T, n_head, C // n_head).transpose(1, 2) for a in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            y = F.softmax(att, dim=-1) @ v
            return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.proj(self.act(self.fc(self.ln_2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(vocab, n_embd), nn.Embedding(block, n_embd)
            self.h = nn.ModuleList([Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.head = nn.Linear(n_embd, vocab, bias=False)

        def forward(self, idx, targets):
            T = idx.size(1)
            x = self.wte(idx) + self.wpe(m.arange(T))
            for b in self.h:
                x = b(x)
            logits = self.head(self.ln_f(x))
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

    net = GPT()
    g = np.random.default_rng(0)
    with m.no_grad():
        for p in net.parameters():
            p.copy_(m.from_numpy((g.standard_normal(tuple(p.shape)) * 0.1).astype(np.float32)))
    return net


def _train(m, net, compiled, steps=6):
    opt = m.optim.AdamW(net.parameters(), lr=1e-2)
    f = m.compile(net) if compiled else net
    step = m.compile(opt.step) if compiled else opt.step
    g = np.random.default_rng(5)
    losses = []
    for _ in range(steps):
        idx = m.from_numpy(g.integers(0, 11, (3, 8)))
        tgt = m.from_numpy(g.integers(0, 11, (3, 8)))
        opt.zero_grad(set_to_none=True)
        loss = f(idx, tgt)
        loss.backward()
        step()
        losses.append(float(loss.item()))
    return losses, [p.detach().numpy().copy() for p in net.parameters()]


@pytest.mark.parametrize("act", ["gelu", "relu"])
def test_small_gpt_trains_compiled_as_eager_and_torch(act):
    le, pe = _train(npgrad, _gpt(npgrad, act=act), False)
    compiler.reset()
    lc, pc = _train(npgrad, _gpt(npgrad, act=act), True)
    assert compiler.counters["replays"] >= 5
    np.testing.assert_allclose(lc, le, rtol=1e-6)
    for a, b in zip(pc, pe):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    lt, pt = _train(torch, _gpt(torch, act=act), False)
    np.testing.assert_allclose(lc, lt, rtol=1e-5)
    for a, b in zip(pc, pt):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)   # (Adam magnifies float32 rounding)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [2, 33, 64])
def test_softmax_of_many_short_rows_equals_eager_bitwise_and_torch(dtype, n):
    """Softmax over the last axis of >= 256 short rows takes the row maximum from the transposed copy: the
    same values as eager (rows with -inf, all -inf, NaN and zeros of both signs included)."""
    g = np.random.default_rng(6)
    x = _arr(g, (4, 80, n), dtype, 3.0)
    x[0, 0, : n // 2] = -np.inf
    x[0, 1] = -np.inf
    x[0, 2, 0] = np.nan
    x[0, 3] = 0.0
    x[0, 3, ::2] = -0.0
    c = _check(lambda t: npgrad.softmax(t, dim=-1), [x], x.shape, dtype)
    assert "_lastmax(" in compiler.explain(c)
    with torch.no_grad():
        want = torch.softmax(torch.tensor(x), dim=-1).numpy()
    got = c(npgrad.tensor(x)).detach().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("form", ["tensors", "number_left", "number_right"])
def test_where_inlined_equals_eager_bitwise_and_torch(dtype, form):
    """where(cond, a, b) inlined: broadcast operands reduce their gradients as the engine does; Python numbers
    beside the arrays keep NumPy's weak-scalar values; only the needed gradients are formed."""
    g = np.random.default_rng(8)
    a, b, s = _arr(g, (3, 1, 5), dtype), _arr(g, (4, 5), dtype), _arr(g, (3, 4, 1), dtype)

    def f(m):
        def fn(a, b, s):
            c = s > 0          # (made in the region by a recorded op)
            if form == "tensors":
                return m.where(c, a * 2, b)
            if form == "number_left":
                return m.where(c, -1e30, b) * 1 + m.where(c, 0.5, a)
            return m.where(c, a, -1.25) + b
        return fn
    c = _check(f(npgrad), [a, b, s], (3, 4, 5), dtype, f(torch))
    assert "_np.where(" in compiler.explain(c)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("value", [float("-inf"), 0.1, 3, True])
def test_masked_fill_inlined_equals_eager_bitwise_and_torch(dtype, value):
    """masked_fill with a number: the input broadcast against the mask gets its gradient reduced back."""
    g = np.random.default_rng(9)
    a, s = _arr(g, (1, 4, 5), dtype), _arr(g, (3, 1, 5), dtype)

    def f(m):
        def fn(a, s):
            return (a * 1.5).masked_fill(s > 0.2, value) * 2.0
        return fn
    c = _check(f(npgrad), [a, s], (3, 4, 5), dtype, f(torch))
    assert "_np.where(" in compiler.explain(c)
