"""Small programs of the shapes public PyTorch scripts have, compiled against eager (and against torch).

Each test is our own minimal reproduction of something a public program does (nanoGPT, makemore, minGPT,
ng-video-lecture, pytorch/examples, the PyTorch tutorials; run by tools/real_programs/compiled.py): a char-level
GPT block (embedding, causal attention, LayerNorm, AdamW, weight tying, `return logits, loss`), an LSTM sequence
predictor, ... Compiled runs must capture whole (a GraphBreakWarning is an error here), replay, and give the eager
losses to rounding; where it is cheap the same run on torch from the same weights and batches gives the same
losses.
"""
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
