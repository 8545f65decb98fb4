"""Small programs of the shapes public PyTorch scripts have, compiled against eager (and against torch).

Each test is our own minimal reproduction of something a public program does (nanoGPT, makemore, minGPT,
ng-video-lecture, pytorch/examples, the PyTorch tutorials; run by tools/real_programs/compiled.py): a char-level
GPT block (embedding, causal attention, LayerNorm, AdamW, weight tying, `return logits, loss`), an LSTM sequence
predictor, ... Compiled runs must capture whole (a GraphBreakWarning is an error here), replay, and give the eager
losses to rounding; where it is cheap the same run on torch from the same weights and batches gives the same
losses.
"""
import math
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad import compiler


def _no_breaks():
    cm = warnings.catch_warnings()
    cm.__enter__()
    warnings.simplefilter("error", compiler.GraphBreakWarning)
    return cm


# ---- scaled_dot_product_attention -----------------------------------------------------------------------------
def _sdpa_args(m, seed, mask=None):
    g = np.random.default_rng(seed)
    q, k, v = (m.tensor(g.standard_normal((2, 3, 5, 4)), requires_grad=True) for _ in range(3))
    return q, k, v


@pytest.mark.parametrize("causal", [True, False])
def test_sdpa_captures_whole_and_matches_eager_and_torch(causal):
    """nanoGPT's attention (`F.scaled_dot_product_attention(..., is_causal=True)`): its causal mask used to be
    made with NumPy, a graph break on every compiled GPT."""
    compiler.reset()
    F = npgrad.nn.functional

    def f(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal).sum(-1).tanh()

    g = npgrad.compile(f)
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        for seed in range(3):
            args = _sdpa_args(npgrad, seed)
            out = g(*args)
            out.sum().backward()
            e_args = _sdpa_args(npgrad, seed)
            e = f(*e_args)
            e.sum().backward()
            t_args = _sdpa_args(torch, seed)
            t = torch.nn.functional.scaled_dot_product_attention(*t_args, is_causal=causal).sum(-1).tanh()
            t.sum().backward()
            np.testing.assert_allclose(out.detach().numpy(), e.detach().numpy(), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(out.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
            for a, b, c in zip(args, e_args, t_args):
                np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-12)
                np.testing.assert_allclose(a.grad.numpy(), c.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert compiler.counters["replays"] == 2 and compiler.counters["graph_breaks"] == 0


def test_sdpa_fully_masked_rows_on_replay_give_zeros_as_torch():
    """Whether a row is fully masked depends on the mask's values, so the capture records the zeroing even when
    the capturing call has no such row; a replay whose mask empties a row gives torch's zeros, not NaN."""
    compiler.reset()
    F = npgrad.nn.functional

    def f(q, k, v, mask):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)

    g = npgrad.compile(f)
    full = np.ones((5, 5), bool)
    holed = full.copy()
    holed[2] = False       # row 2 attends to nothing
    ninf = np.where(holed, 0.0, -np.inf)
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        g(*_sdpa_args(npgrad, 0), npgrad.tensor(full))                      # capture: no empty row
        g(*_sdpa_args(npgrad, 0), npgrad.tensor(np.zeros((5, 5))))          # float-mask key: capture
        for mask in (holed, ninf):
            args = _sdpa_args(npgrad, 1)
            out = g(*args, npgrad.tensor(mask))
            out.sum().backward()
            t_args = _sdpa_args(torch, 1)
            t = torch.nn.functional.scaled_dot_product_attention(*t_args, attn_mask=torch.tensor(mask))
            t.sum().backward()
            assert not np.isnan(out.detach().numpy()).any()
            np.testing.assert_allclose(out.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
            for a, c in zip(args, t_args):
                np.testing.assert_allclose(a.grad.numpy(), c.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert compiler.counters["replays"] == 2


def test_sdpa_causal_rows_of_minus_inf_from_the_data_give_zeros_as_torch():
    q = np.random.default_rng(0).standard_normal((1, 3, 2))
    q[0, 1] = np.inf
    k = -np.ones((1, 3, 2))
    v = np.random.default_rng(1).standard_normal((1, 3, 2))
    ours = npgrad.nn.functional.scaled_dot_product_attention(*map(npgrad.tensor, (q, k, v)), is_causal=True)
    theirs = torch.nn.functional.scaled_dot_product_attention(*map(torch.tensor, (q, k, v)), is_causal=True)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


# ---- returning (logits, loss) ---------------------------------------------------------------------------------
def test_returning_a_tuple_with_a_tensor_viewed_by_the_loss_is_no_escape():
    """nanoGPT's `loss = F.cross_entropy(logits.view(-1, V), ...); return logits, loss`: the view's reference to
    `logits` sent the escape check to the referrers, where the returned tuple itself was taken for a container
    outside the region (a graph break on every compiled nanoGPT)."""
    compiler.reset()
    npgrad.manual_seed(0)
    lin = npgrad.nn.Linear(4, 7)

    def f(x, y):
        logits = lin(x)
        loss = npgrad.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1), ignore_index=-1)
        return logits, loss

    g = npgrad.compile(f)
    x = npgrad.randn(2, 3, 4)
    y = npgrad.randint(0, 7, (2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        for _ in range(3):
            logits, loss = g(x, y)
            loss.backward()
    e_logits, e_loss = f(x, y)
    assert compiler.counters["replays"] == 2
    np.testing.assert_allclose(logits.detach().numpy(), e_logits.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(loss.item(), e_loss.item(), rtol=1e-6)


def test_a_tensor_also_stored_outside_is_still_an_escape():
    """The returned tuple is exempt, another container holding the same tensor is not."""
    compiler.reset()
    log = []

    def f(x):
        y = x * 2
        log.append(y.view(-1))
        return y, y.sum()

    g = npgrad.compile(f)
    with pytest.warns(compiler.GraphBreakWarning, match="kept outside"):
        g(npgrad.ones(2, 2, requires_grad=True))


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_fully_masked_rows_eager_zero_gradients_as_torch(kind):
    mask = np.ones((5, 5), bool)
    mask[1] = False
    if kind == "float":
        mask = np.where(mask, 0.0, -np.inf)
    res = []
    for m in (npgrad, torch):
        args = _sdpa_args(m, 2)
        out = m.nn.functional.scaled_dot_product_attention(*args, attn_mask=m.tensor(mask))
        (out * out).sum().backward()
        res.append([out.detach().numpy()] + [a.grad.numpy() for a in args])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


# ---- pow with the exponents torch special-cases ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("exponent", [3.0, 3, -2, -2.0, -0.5])
def test_pow_special_exponents_bitwise_as_torch(exponent, dtype):
    """minGPT's NewGELU computes `torch.pow(x, 3.0)`: torch multiplies (x*x*x; 1/(x*x); 1/sqrt(x)), NumPy's
    float power rounded differently in ~30% of elements (and took ~140 ns per element)."""
    x = np.abs(np.random.default_rng(0).standard_normal(4096)).astype(dtype) + 0.01
    ours = npgrad.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    a, b = npgrad.pow(ours, exponent), torch.pow(theirs, exponent)
    assert a.dtype == getattr(npgrad, dtype)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    np.testing.assert_array_equal((ours ** exponent).detach().numpy(), b.detach().numpy())
    a.sum().backward()
    b.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6)


# ---- torch.save of a compiled model ---------------------------------------------------------------------------
def test_saving_a_compiled_model_whole(tmp_path):
    """pytorch/examples word_language_model saves the model object (`torch.save(model, f)`): as in torch, an
    OptimizedModule saves and loads as one (compiled again), and a module compiled in place (`Module.compile()`)
    saves without its compiled forward and loads as a plain module (torch drops `_compiled_call_impl`)."""
    compiler.reset()
    npgrad.manual_seed(0)
    x = npgrad.randn(3, 4)
    opt = npgrad.compile(npgrad.nn.Sequential(npgrad.nn.Linear(4, 5), npgrad.nn.Tanh()))
    inplace = npgrad.nn.Linear(4, 2)
    inplace.compile()
    want_opt, want_inplace = opt(x), inplace(x)
    npgrad.save(opt, tmp_path / "opt.pt")
    npgrad.save(inplace, tmp_path / "inplace.pt")
    opt2 = npgrad.load(tmp_path / "opt.pt", weights_only=False)
    inplace2 = npgrad.load(tmp_path / "inplace.pt", weights_only=False)
    assert type(opt2) is type(opt) and type(inplace2) is npgrad.nn.Linear and "forward" not in vars(inplace2)
    assert list(opt2.state_dict()) == list(opt.state_dict())
    for _ in range(2):   # capture, then replay
        np.testing.assert_array_equal(opt2(x).detach().numpy(), want_opt.detach().numpy())
    assert opt2(x).grad_fn.name() == "CompiledFunctionBackward"
    np.testing.assert_array_equal(inplace2(x).detach().numpy(), want_inplace.detach().numpy())
    assert inplace2(x).grad_fn.name() == "AddmmBackward0"


def test_every_compiled_module_is_an_instance_of_the_one_optimized_module_class():
    a = npgrad.compile(npgrad.nn.Linear(1, 1))
    b = npgrad.compile(npgrad.nn.Tanh())
    assert type(a) is type(b) is npgrad.compiler.OptimizedModule
    assert isinstance(a, npgrad.compiler.OptimizedModule)


# ---- the programs' shapes --------------------------------------------------------------------------------------
def _state(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def _to_torch(build, ours):
    """The same model built with torch, holding npgrad's initial weights."""
    theirs = build(torch)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.items()})
    return theirs


def _close_states(a, b, rtol, atol):
    assert list(a) == list(b)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=rtol, atol=atol, err_msg=k)


def _char_gpt(m, vocab=12, T=8, C=16, heads=2, p=0.1, sdpa=True):
    """A one-block char-level GPT as nanoGPT/minGPT/ng-video-lecture write it: token + position embeddings,
    pre-LayerNorm causal self-attention (scaled_dot_product_attention, or the masked_fill of a tril buffer),
    a GELU MLP, dropout, the head's weight tied to the token embedding, `return logits, loss`."""
    nn, F = m.nn, m.nn.functional

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv, self.proj, self.drop = nn.Linear(C, 3 * C), nn.Linear(C, C), nn.Dropout(p)
            self.register_buffer("bias", m.tril(m.ones(T, T)).view(1, 1, T, T))

        def forward(self, x):
            B, t, _ = x.size()
            q, k, v = self.qkv(x).split(C, dim=2)
            q, k, v = (z.view(B, t, heads, C // heads).transpose(1, 2) for z in (q, k, v))
            if sdpa:
                y = F.scaled_dot_product_attention(q, k, v, dropout_p=p if self.training else 0.0, is_causal=True)
            else:
                att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
                att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
                y = self.drop(F.softmax(att, dim=-1)) @ v
            return self.drop(self.proj(y.transpose(1, 2).contiguous().view(B, t, C)))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(vocab, C), nn.Embedding(T, C)
            self.ln1, self.attn, self.ln2, self.lnf = nn.LayerNorm(C), Attention(), nn.LayerNorm(C), nn.LayerNorm(C)
            self.mlp = nn.Sequential(nn.Linear(C, 4 * C), nn.GELU(), nn.Linear(4 * C, C), nn.Dropout(p))
            self.head = nn.Linear(C, vocab, bias=False)
            self.wte.weight = self.head.weight   # weight tying

        def forward(self, idx, targets=None):
            t = idx.size(1)
            x = self.wte(idx) + self.wpe(m.arange(0, t, dtype=m.long))
            x = x + self.attn(self.ln1(x))
            x = x + self.mlp(self.ln2(x))
            logits = self.head(self.lnf(x))
            loss = None
            if targets is not None:
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
            return logits, loss

    return GPT()


def _train_gpt(m, model, batches, compiled, steps):
    net = m.compile(model) if compiled else model
    opt = m.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1)
    losses = []
    for i, (x, y) in enumerate(batches[:steps]):
        m.manual_seed(100 + i)   # the same dropout draws in the eager and the compiled run
        logits, loss = net(m.tensor(x), m.tensor(y))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        m.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    model.eval()
    with m.no_grad():   # evaluation through the compiled model: another guard key (eval mode, no grad)
        logits, _ = net(m.tensor(batches[-1][0]))
    model.train()
    return np.array(losses), _state(model), logits.numpy()


def _chars(seed, n, B=4, T=8, vocab=12):
    g = np.random.default_rng(seed)
    text = g.integers(0, vocab, 2000)
    text[1::3] = (text[::3][:len(text[1::3])] + 1) % vocab   # something to learn
    out = []
    for _ in range(n):
        s = g.integers(0, len(text) - T - 1, B)
        out.append((np.stack([text[i:i + T] for i in s]), np.stack([text[i + 1:i + T + 1] for i in s])))
    return out


@pytest.mark.parametrize("sdpa", [True, False], ids=["sdpa", "masked_fill"])
def test_char_gpt_adamw_compiled_equals_eager_and_torch(sdpa):
    steps = 30
    batches = _chars(0, steps + 1)
    npgrad.manual_seed(0)
    init = _state(_char_gpt(npgrad, sdpa=sdpa))

    def build(m, p=0.1):
        model = _char_gpt(m, p=p, sdpa=sdpa)
        model.load_state_dict({k: m.tensor(v) for k, v in init.items()})
        return model

    eager = _train_gpt(npgrad, build(npgrad), batches, False, steps)
    compiler.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        comp = _train_gpt(npgrad, build(npgrad), batches, True, steps)
    assert compiler.counters["graph_breaks"] == 0 and compiler.counters["replays"] >= steps - 1
    assert compiler.counters["captures"] == 2   # train (with targets, grad) and eval (no targets, no grad)
    np.testing.assert_allclose(comp[0], eager[0], rtol=2e-5, atol=1e-6)
    _close_states(comp[1], eager[1], 1e-4, 1e-5)
    np.testing.assert_allclose(comp[2], eager[2], rtol=1e-4, atol=1e-5)
    assert eager[0][-5:].mean() < eager[0][:5].mean()
    # against torch from the same weights, without dropout (the two libraries' random streams differ)
    compiler.reset()
    ours = _train_gpt(npgrad, build(npgrad, p=0.0), batches, True, steps)
    theirs = _train_gpt(torch, _to_torch(lambda m: _char_gpt(m, p=0.0, sdpa=sdpa), init), batches, False, steps)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4, atol=1e-5)
    # the key projection's bias has an exactly-zero gradient (softmax ignores a per-row shift), so AdamW turns
    # each library's rounding noise there into lr-sized steps: that slice is not compared
    for s in (ours[1], theirs[1]):
        s["attn.qkv.bias"] = np.delete(s["attn.qkv.bias"], np.s_[16:32])
    _close_states(ours[1], theirs[1], 2e-3, 2e-4)


def _seq_model(m, hidden=8):
    """pytorch/examples time_sequence_prediction's model: two LSTMCells stepped over the sequence in Python,
    then `future` more steps fed with their own predictions."""
    nn = m.nn

    class Sequence(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm1, self.lstm2, self.linear = nn.LSTMCell(1, hidden), nn.LSTMCell(hidden, hidden), \
                nn.Linear(hidden, 1)

        def forward(self, input, future=0):
            outputs = []
            h_t = m.zeros(input.size(0), hidden, dtype=m.double)
            c_t = m.zeros(input.size(0), hidden, dtype=m.double)
            h_t2 = m.zeros(input.size(0), hidden, dtype=m.double)
            c_t2 = m.zeros(input.size(0), hidden, dtype=m.double)
            for input_t in input.split(1, dim=1):
                h_t, c_t = self.lstm1(input_t, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            for _ in range(future):
                h_t, c_t = self.lstm1(output, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                output = self.linear(h_t2)
                outputs += [output]
            return m.cat(outputs, dim=1)

    return Sequence().double()


def _train_seq(m, model, data, compiled, steps=3):
    net = m.compile(model) if compiled else model
    x, y = m.tensor(data[:, :-1]), m.tensor(data[:, 1:])
    opt = m.optim.LBFGS(model.parameters(), lr=0.8, max_iter=8)
    losses = []

    def closure():
        opt.zero_grad()
        loss = m.nn.functional.mse_loss(net(x), y)
        losses.append(loss.item())
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    with m.no_grad():
        pred = net(x[:2], future=4)
    return np.array(losses), _state(model), pred.numpy()


def test_lstm_sequence_predictor_lbfgs_compiled_equals_eager_and_torch():
    t = np.arange(14) + np.random.default_rng(0).integers(-4, 4, (4, 1))
    data = np.sin(t / 3.0)
    npgrad.manual_seed(0)
    init = _state(_seq_model(npgrad))

    def build(m):
        model = _seq_model(m)
        model.load_state_dict({k: m.tensor(v) for k, v in init.items()})
        return model

    eager = _train_seq(npgrad, build(npgrad), data, False)
    compiler.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        comp = _train_seq(npgrad, build(npgrad), data, True)
    assert compiler.counters["graph_breaks"] == 0 and compiler.counters["replays"] >= len(eager[0]) - 1
    # (float64; the replay sums an unrolled loop's weight gradients in another order: equal to rounding)
    np.testing.assert_allclose(comp[0], eager[0], rtol=1e-9, atol=1e-12)
    _close_states(comp[1], eager[1], 1e-7, 1e-10)
    np.testing.assert_allclose(comp[2], eager[2], rtol=1e-7, atol=1e-10)
    assert eager[0][-1] < 0.5 * eager[0][0]
    theirs = _train_seq(torch, _to_torch(_seq_model, init), data, False)
    assert len(theirs[0]) == len(eager[0])   # LBFGS evaluated the closure as often
    np.testing.assert_allclose(comp[0], theirs[0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(comp[2], theirs[2], rtol=1e-7, atol=1e-9)


def _cnn(m, p=0.25):
    nn = m.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(p),
                         nn.Flatten(), nn.Linear(4 * 3 * 3, 16), nn.ReLU(), nn.Dropout(p), nn.Linear(16, 3),
                         nn.LogSoftmax(dim=1))


def _train_cnn(m, model, batches, compiled):
    net = m.compile(model) if compiled else model
    opt = m.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for i, (x, y) in enumerate(batches):
        m.manual_seed(7 + i)
        opt.zero_grad()
        loss = m.nn.functional.nll_loss(net(m.tensor(x)), m.tensor(y))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with m.no_grad():
        test = net(m.tensor(batches[0][0])).argmax(1).numpy()
    return np.array(losses), _state(model), test


def test_cnn_classifier_dropout_batchnorm_compiled_equals_eager_and_torch():
    """pytorch/examples mnist's shape (conv, dropout, log_softmax + nll_loss, a test pass in eval mode) on
    synthetic 8x8 images, with BatchNorm's running statistics updated by every replay."""
    g = np.random.default_rng(3)
    protos = g.standard_normal((3, 1, 8, 8)).astype(np.float32)
    batches = []
    for _ in range(25):
        y = g.integers(0, 3, 16)
        batches.append(((protos[y] + 0.5 * g.standard_normal((16, 1, 8, 8))).astype(np.float32), y))
    npgrad.manual_seed(0)
    init = _state(_cnn(npgrad))

    def build(m, p=0.25):
        model = _cnn(m, p)
        model.load_state_dict({k: m.tensor(v) for k, v in init.items()})
        return model

    eager = _train_cnn(npgrad, build(npgrad), batches, False)
    compiler.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        comp = _train_cnn(npgrad, build(npgrad), batches, True)
    assert compiler.counters["graph_breaks"] == 0 and compiler.counters["replays"] >= len(batches) - 1
    np.testing.assert_allclose(comp[0], eager[0], rtol=2e-5, atol=1e-6)
    _close_states(comp[1], eager[1], 1e-4, 1e-5)
    np.testing.assert_array_equal(comp[2], eager[2])
    assert eager[0][-5:].mean() < 0.5 * eager[0][:5].mean()
    compiler.reset()
    ours = _train_cnn(npgrad, build(npgrad, 0.0), batches, True)
    theirs = _train_cnn(torch, _to_torch(lambda m: _cnn(m, 0.0), init), batches, False)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4, atol=1e-5)
    _close_states(ours[1], theirs[1], 1e-3, 1e-4)


# ---- torch.load's environment overrides -----------------------------------------------------------------------
@pytest.mark.parametrize("env, arg", [("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", None),
                                      ("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", True),
                                      ("TORCH_FORCE_WEIGHTS_ONLY_LOAD", False), (None, None)])
def test_load_weights_only_environment_overrides_as_torch(env, arg, monkeypatch, tmp_path):
    """time_sequence_prediction does `torch.load('traindata.pt')` of a NumPy array, which torch >= 2.6 refuses
    unless TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 (a warning names it); TORCH_FORCE_WEIGHTS_ONLY_LOAD=1 forces it."""
    for name in ("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "TORCH_FORCE_WEIGHTS_ONLY_LOAD"):
        monkeypatch.delenv(name, raising=False)
    if env:
        monkeypatch.setenv(env, "1")
    data = np.arange(6.0).reshape(2, 3)
    kw = {} if arg is None else {"weights_only": arg}
    results = []
    for m in (npgrad, torch):
        path = tmp_path / f"{m.__name__}.pt"
        m.save(data, path)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                got = m.load(path, **kw)
                results.append(("ok", np.asarray(got).tolist()))
            except Exception as e:  # noqa: BLE001 - the class is compared with torch's
                results.append((type(e).__name__, None))
        results[-1] += (any("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD" in str(x.message) for x in w),)
    assert results[0] == results[1]


# ---- x[i] = v without a gradient ------------------------------------------------------------------------------
def _mlp_context(m, vocab=7, block=4, C=5):
    """makemore's MLP: the context is built by rolling the index tensor and writing a <BLANK> token into its
    first column (`idx[:, 0] = self.vocab_size`) once per position."""
    nn = m.nn

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(vocab + 1, C)
            self.mlp = nn.Sequential(nn.Linear(block * C, 16), nn.Tanh(), nn.Linear(16, vocab))

        def forward(self, idx, targets):
            embs = []
            for _ in range(block):
                embs.append(self.wte(idx))
                idx = m.roll(idx, 1, 1)
                idx[:, 0] = vocab
            x = m.cat(embs, -1)
            logits = self.mlp(x)
            return logits, m.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

    return MLP()


def test_setitem_without_grad_is_recorded_makemore_mlp():
    g = np.random.default_rng(5)
    batches = [(g.integers(0, 7, (6, 4)), g.integers(0, 7, (6, 4))) for _ in range(6)]
    npgrad.manual_seed(0)
    init = _state(_mlp_context(npgrad))
    runs = []
    for m, compiled in ((npgrad, False), (npgrad, True), (torch, False)):
        compiler.reset()
        model = _mlp_context(m)
        model.load_state_dict({k: m.tensor(v) for k, v in init.items()})
        net = m.compile(model) if compiled else model
        opt = m.optim.SGD(model.parameters(), lr=0.1)
        losses = []
        with warnings.catch_warnings():
            warnings.simplefilter("error", compiler.GraphBreakWarning)
            for x, y in batches:
                idx = m.tensor(x)
                _, loss = net(idx, m.tensor(y))
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
                np.testing.assert_array_equal(idx.numpy(), x)   # the caller's tensor is not written
        if compiled:
            assert compiler.counters["replays"] == len(batches) - 1
        runs.append((np.array(losses), _state(model)))
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-6)
    np.testing.assert_allclose(runs[1][0], runs[2][0], rtol=1e-5)
    _close_states(runs[1][1], runs[0][1], 1e-6, 1e-7)


def test_setitem_without_grad_in_a_region_replays_as_eager():
    """Number and tensor values, basic indexes, a float tensor under no_grad, a write into the caller's
    (non-grad) input: each replay gives eager mode's values, version bump and the caller's tensor written."""
    def f(x, v, w):
        y = x * 2
        y[0] = 5
        y[1:, ::2] = v
        with npgrad.no_grad():
            z = w + 1
            z[..., -1] = y[0, 0]
        x[0, 0] = -1
        return y, z

    g = npgrad.compile(f)
    compiler.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        for i in range(3):
            args = [np.arange(12.0).reshape(3, 4) + i, np.array([7.0 + i, 8.0]), np.ones((2, 4)) * i]
            ours = [npgrad.tensor(a) for a in args]
            eager = [npgrad.tensor(a) for a in args]
            y, z = g(*ours)
            ye, ze = f(*eager)
            np.testing.assert_array_equal(y.numpy(), ye.numpy())
            np.testing.assert_array_equal(z.numpy(), ze.numpy())
            np.testing.assert_array_equal(ours[0].numpy(), eager[0].numpy())
            assert ours[0]._version == eager[0]._version
    assert compiler.counters["replays"] == 2


# ---- Python-side random draws ---------------------------------------------------------------------------------
@pytest.mark.parametrize("draw", ["random.randint", "random.random", "np.random.rand", "np.random.randint"])
def test_python_and_numpy_random_draws_in_the_region_break_the_graph(draw):
    """The tutorials' DynamicNet chooses its depth with `random.randint(4, 6)` on every forward: a replay would
    repeat the capturing call's draw for good. It must run eagerly (a warning naming the cause) and give eager
    mode's results call after call."""
    import random
    compiler.reset()

    def depth():
        return {"random.randint": lambda: random.randint(1, 3),
                "random.random": lambda: 1 + int(random.random() * 3),
                "np.random.rand": lambda: 1 + int(np.random.rand() * 3),
                "np.random.randint": lambda: int(np.random.randint(1, 4))}[draw]()

    def f(w, x):
        y = w * x
        for _ in range(depth()):
            y = y * x
        return y.sum()

    g = npgrad.compile(f)
    w = npgrad.tensor(1.5, requires_grad=True)
    x = npgrad.linspace(-1, 1, 7)
    with pytest.warns(compiler.GraphBreakWarning, match=draw.replace(".", r"\.")):
        g(w, x)
    for seed in range(6):
        random.seed(seed)
        np.random.seed(seed)
        ours = g(w, x)
        random.seed(seed)
        np.random.seed(seed)
        np.testing.assert_allclose(ours.item(), f(w, x).item(), rtol=1e-6)
    assert compiler.counters["replays"] == 0


def test_setitem_with_autograd_in_the_region_names_its_cause():
    compiler.reset()

    def f(x):
        y = x * 2
        y[:, 0] = 5.0
        return y.sum()

    g = npgrad.compile(f)
    x = npgrad.ones(3, 3, requires_grad=True)
    with pytest.warns(compiler.GraphBreakWarning, match=r"x\[i\] = v with autograd"):
        out = g(x)
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.tile([0.0, 2.0, 2.0], (3, 1)))


# ---- x[long_tensor] --------------------------------------------------------------------------------------------
def test_indexing_with_a_long_tensor_is_recorded_makemore_bigram():
    """makemore's Bigram: `logits = self.logits[idx]` (a parameter indexed with the batch's int64 tensor) used
    to break the graph (the index array sat inside a tuple argument); each replay now looks up its own indices,
    with torch's IndexBackward0 and gradients accumulated over repeated indices."""
    g = np.random.default_rng(11)
    batches = [(g.integers(0, 5, (4, 3)), g.integers(0, 5, (4, 3))) for _ in range(5)]
    w0 = g.standard_normal((5, 5)).astype(np.float32)
    runs = []
    for m, compiled in ((npgrad, False), (npgrad, True), (torch, False)):
        compiler.reset()
        w = m.tensor(w0, requires_grad=True)

        def f(idx, targets):
            logits = w[idx]
            return m.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

        step = npgrad.compile(f) if compiled else f
        losses, grads = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("error", compiler.GraphBreakWarning)
            for x, y in batches:
                w.grad = None
                loss = step(m.tensor(x), m.tensor(y))
                loss.backward()
                losses.append(loss.item())
                grads.append(w.grad.numpy().copy())
        if compiled:
            assert compiler.counters["replays"] == len(batches) - 1
        runs.append((np.array(losses), np.array(grads)))
    for other in runs[1:]:
        np.testing.assert_allclose(other[0], runs[0][0], rtol=1e-6)
        np.testing.assert_allclose(other[1], runs[0][1], rtol=1e-5, atol=1e-7)
    idx = npgrad.tensor(batches[0][0])
    assert npgrad.randn(5, 5, requires_grad=True)[idx].grad_fn.name() == "IndexBackward0"


# rasbt/LLMs-from-scratch generate_text_simple: under no_grad the prompt grows by one token per call and the
# attention scores are masked in place (`attn_scores.masked_fill_(mask_bool, -torch.inf)`): the dynamic capture at a
# second size compared its in-place writes with the first capture's and raised IndexError
def test_growing_prompt_with_an_in_place_mask_under_no_grad_rasbt_generate():
    mask = npgrad.triu(npgrad.ones(16, 16), diagonal=1)

    def attend(x):
        s = x @ x.transpose(1, 2)
        t = x.shape[1]
        s.masked_fill_(mask.bool()[:t, :t], -npgrad.inf)
        return npgrad.softmax(s, -1) @ x

    compiled = npgrad.compile(attend)
    g = np.random.default_rng(0)
    cm = _no_breaks()
    try:
        with npgrad.no_grad():
            for t in range(2, 8):
                x = g.standard_normal((2, t, 4)).astype(np.float32)
                got = compiled(npgrad.from_numpy(x.copy()))
                want = attend(npgrad.from_numpy(x.copy()))
                ref = torch.from_numpy(x) @ torch.from_numpy(x).transpose(1, 2)
                ref = torch.softmax(ref.masked_fill(torch.triu(torch.ones(t, t), 1).bool(), -torch.inf), -1) \
                    @ torch.from_numpy(x)
                np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6, atol=1e-6)
                np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-5, atol=1e-6)
    finally:
        cm.__exit__(None, None, None)
