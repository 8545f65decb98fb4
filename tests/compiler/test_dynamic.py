"""Dynamic shapes (``npgrad.compile(dynamic=None/True/False)``) and module attributes set by a first call:
compiled results equal eager ones whatever the sizes, with the recompile counts and warnings documented in
docs/compile.md."""
import math
import warnings

import numpy as np
import pytest

import npgrad
import npgrad.nn as nn
import npgrad.nn.functional as F
from npgrad import compiler
from npgrad.compiler import GraphBreakWarning


class _Attn(nn.Module):
    def __init__(self, C, nh, bs):
        super().__init__()
        self.c_attn, self.c_proj, self.nh = nn.Linear(C, 3 * C), nn.Linear(C, C), nh
        self.register_buffer("bias", npgrad.tril(npgrad.ones(bs, bs)).view(1, 1, bs, bs))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(B, T, self.nh, C // self.nh).transpose(1, 2)
        q = q.view(B, T, self.nh, C // self.nh).transpose(1, 2)
        v = v.view(B, T, self.nh, C // self.nh).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class _GPT(nn.Module):
    """minGPT/nanoGPT's shape of code: sizes read with .size(), arange(0, t), a causal mask sliced to T."""

    def __init__(self, V=11, C=16, nh=4, bs=8):
        super().__init__()
        self.bs = bs
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(bs, C)
        self.ln, self.attn, self.head = nn.LayerNorm(C), _Attn(C, nh, bs), nn.Linear(C, V)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= self.bs
        x = self.wte(idx) + self.wpe(npgrad.arange(0, t, dtype=npgrad.long))
        x = x + self.attn(self.ln(x))
        logits = self.head(x)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss


def _generate(model, n, bs=8, grad=False):
    idx = npgrad.zeros(1, 1, dtype=npgrad.long)
    with npgrad.set_grad_enabled(grad):
        for _ in range(n):
            idx_cond = idx if idx.size(1) <= bs else idx[:, -bs:]
            logits, _ = model(idx_cond)
            probs = F.softmax(logits[:, -1, :], dim=-1)
            idx = npgrad.cat((idx, npgrad.multinomial(probs, num_samples=1)), dim=1)
    return idx


def _run(fn, *a, **k):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = fn(*a, **k)
    return r, [str(x.message) for x in w if "npgrad.compile" in str(x.message)]


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("dynamic", [None, True])
def test_generation_loop_one_program_for_every_length(dynamic, grad):
    npgrad.manual_seed(0)
    model = _GPT().eval()
    npgrad.manual_seed(1)
    expect = _generate(model, 20, grad=grad)
    compiler.reset()
    cm = npgrad.compile(model, dynamic=dynamic)
    npgrad.manual_seed(1)
    got, warned = _run(_generate, cm, 20, grad=grad)
    assert npgrad.equal(got, expect)
    assert warned == []
    c = compiler.counters
    # length 1 (sizes 0/1 are their own program), 2 (recorded dynamically), 3 (confirms it: one program for
    # every length), 8 (t == block_size: the mask slice is the whole buffer, another tape): 4 captures for 20 calls
    assert c["captures"] == 4 and c["replays"] == 16 and c["graph_breaks"] == 0
    assert "dynamic: one program for every size" in compiler.explain(cm)


def test_generation_loop_dynamic_false_captures_every_length():
    npgrad.manual_seed(0)
    model = _GPT().eval()
    npgrad.manual_seed(1)
    expect = _generate(model, 12)
    compiler.reset()
    cm = npgrad.compile(model, dynamic=False, recompile_limit=4)
    npgrad.manual_seed(1)
    got, warned = _run(_generate, cm, 12)
    assert npgrad.equal(got, expect)
    c = compiler.counters
    assert c["captures"] == 4 and c["replays"] == 0   # lengths 1-4 each captured; then the limit: eager
    assert len(warned) == 1 and "recompile limit" in warned[0]


def test_training_on_varying_lengths_matches_eager():
    npgrad.manual_seed(0)
    model = _GPT()
    ref = _GPT()
    ref.load_state_dict(model.state_dict())
    compiler.reset()
    cm = npgrad.compile(model)
    for T in (3, 5, 7, 4, 6, 5):
        idx = npgrad.randint(0, 11, (2, T))
        tgt = npgrad.randint(0, 11, (2, T))
        _, loss = cm(idx, tgt)
        loss.backward()
        _, loss_e = ref(idx, tgt)
        loss_e.backward()
        assert abs(loss.item() - loss_e.item()) < 1e-5
        for p, q in zip(model.parameters(), ref.parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-6)
            p.grad = None
            q.grad = None
    c = compiler.counters
    assert c["captures"] == 2 and c["replays"] == 4 and c["graph_breaks"] == 0


def test_size_guards_pick_the_branch_eager_would():
    def f(x, w):
        if x.shape[0] > 4:           # a comparison of sizes: a size guard, checked on every replay
            return (x * 2).sum(0) + w
        return (x * 3).sum(0) - w
    g = npgrad.compile(f)
    w = npgrad.randn(3, requires_grad=True)
    for n in (2, 3, 4, 6, 7, 3, 5, 2):
        x = npgrad.randn(n, 3)
        r, warned = _run(g, x, w)
        assert warned == []
        e = f(x, w)
        assert npgrad.allclose(r, e)
        (gw,) = npgrad.autograd.grad(r.sum(), w)
        (ew,) = npgrad.autograd.grad(e.sum(), w)
        assert npgrad.allclose(gw, ew)


def test_loop_over_a_size_falls_back_once_with_the_cause():
    def f(x):
        out = x[0]
        for i in range(1, x.shape[0]):   # range(size): the tape's length depends on the size
            out = out * x[i]
        return out
    compiler.reset()
    g = npgrad.compile(f)
    warned_all = []
    for n in (2, 3, 4, 5, 3):
        x = npgrad.randn(n, 2)
        r, warned = _run(g, x)
        warned_all += warned
        assert npgrad.allclose(r, f(x))
    assert len(warned_all) == 1
    assert "cannot replay one program for every size" in warned_all[0]
    assert "size" in warned_all[0] and "GraphBreak" not in warned_all[0]
    assert compiler.counters["captures"] == 2    # sizes 2 and 3; 4, 5 run eagerly, 3 replays its own program
    assert compiler.counters["replays"] == 1


def test_a_size_baked_in_through_a_float_is_caught():
    def f(x):
        return x * (1.0 / x.shape[1])    # float / size: Python computes it without the SymInt knowing
    compiler.reset()
    g = npgrad.compile(f)
    msgs = []
    for n in (2, 3, 4, 5):
        x = npgrad.randn(3, n)
        r, warned = _run(g, x)
        msgs += warned
        assert npgrad.allclose(r, f(x))
    assert len(msgs) == 1 and "changes with the size" in msgs[0]


def test_dynamic_true_and_explain_show_guards():
    g = npgrad.compile(lambda x: x.view(x.size(0) * x.size(1), -1).sum(1), dynamic=True)
    for shape in ((2, 3, 4), (3, 5, 4), (4, 2, 4), (5, 5, 4)):
        x = npgrad.randn(*shape)
        r, warned = _run(g, x)
        assert warned == []
        assert npgrad.allclose(r, x.reshape(-1, 4).sum(1))
    text = compiler.explain(g)
    assert "dynamic" in text and "every dim" in text
    assert ".shape[0]" in text     # sizes read from the arrays on replay, not baked in


def test_fullgraph_size_change_that_cannot_be_dynamic_recompiles():
    def f(x):
        return sum(x[i] for i in range(len(x)))
    g = npgrad.compile(f, fullgraph=True)
    for n in (2, 3, 4):
        x = npgrad.randn(n, 2)
        r, warned = _run(g, x)
        assert warned == [] and npgrad.allclose(r, f(x))


def test_dynamic_argument_is_torchs():
    import torch
    for d in (None, True, False):
        torch.compile(lambda x: x, dynamic=d)
        npgrad.compile(lambda x: x, dynamic=d)


class _Cached(nn.Module):
    """word_language_model's TransformerModel: the first call caches a mask tensor on the module."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.src_mask = None

    def forward(self, x):
        if self.src_mask is None or self.src_mask.size(0) != len(x):
            self.src_mask = npgrad.triu(npgrad.full((len(x), len(x)), float("-inf")), diagonal=1)
        return self.lin(x) + self.src_mask.clamp(min=-1).sum(1, keepdim=True)


def test_attribute_cached_by_the_first_call_lets_the_second_capture():
    m = _Cached()
    cm = npgrad.compile(m)
    compiler.reset()
    warned_all = []
    for _ in range(4):
        x = npgrad.randn(3, 4)
        r, warned = _run(cm, x)
        warned_all += warned
        assert npgrad.allclose(r, m(x))
    assert len(warned_all) == 1 and "captures again" in warned_all[0]
    c = compiler.counters
    assert c["captures"] == 2 and c["replays"] == 2


def test_attribute_written_on_every_call_stays_eager():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.calls = 0

        def forward(self, x):
            self.calls += 1
            return x * 2
    m = Counter()
    cm = npgrad.compile(m)
    compiler.reset()
    for _ in range(6):
        _run(cm, npgrad.randn(2))
    assert m.calls == 6
    assert compiler.counters["replays"] == 0 and compiler.counters["captures"] == 3


def test_batchnorm_dropout_training_on_varying_batch_sizes_matches_eager():
    import copy
    npgrad.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 2))
    e = copy.deepcopy(m)
    compiler.reset()
    cm = npgrad.compile(m)
    for n in (5, 6, 7, 9, 6, 12):
        x = npgrad.randn(n, 4)
        npgrad.manual_seed(n)   # the same dropout masks (drawn for the replay's own batch size)
        a, warned = _run(cm, x)
        assert warned == []
        a.sum().backward()
        npgrad.manual_seed(n)
        b = e(x)
        b.sum().backward()
        assert npgrad.allclose(a, b, atol=1e-6)
        assert npgrad.allclose(m[1].running_mean, e[1].running_mean)
        assert npgrad.allclose(m[1].running_var, e[1].running_var)
        assert int(m[1].num_batches_tracked) == int(e[1].num_batches_tracked)
        for p, q in zip(m.parameters(), e.parameters()):
            assert npgrad.allclose(p.grad, q.grad, atol=1e-5)
    c = compiler.counters
    assert c["captures"] == 2 and c["replays"] == 4 and c["graph_breaks"] == 0


def test_transformer_encoder_with_a_mask_captures():
    # nn.TransformerEncoder reads its mask's values to detect a causal one (a hint that changes no value when a
    # mask is given): skipped while capturing, so the layer replays instead of breaking the graph
    npgrad.manual_seed(0)
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0), 1).eval()
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    compiler.reset()
    g = npgrad.compile(lambda x: enc(x, mask=mask))
    for _ in range(3):
        x = npgrad.randn(5, 3, 16)
        r, warned = _run(g, x)
        assert warned == [] and npgrad.allclose(r, enc(x, mask=mask), atol=1e-6)
    assert compiler.counters["replays"] == 2
