"""``nn.utils``: gradient clipping and parameter/vector conversion against torch."""
import math
import warnings

import numpy as np
import pytest
import torch

import npgrad
from tests.nn.test_modules_api import raises_like
from tests.support.oracle import assert_same


def params_with_grads(m, dtypes=("float32", "float32", "float32"), seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    out = []
    for i, dt in enumerate(dtypes):
        shape = [(3, 4), (5,), (2, 2, 2)][i % 3]
        p = m.nn.Parameter(m.tensor(rng.standard_normal(shape).astype(dt)))
        p.grad = m.tensor((scale * rng.standard_normal(shape)).astype(dt))
        out.append(p)
    return out


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf", -math.inf, 0])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    t_params, o_params = params_with_grads(torch), params_with_grads(npgrad)
    t_total = torch.nn.utils.clip_grad_norm_(t_params, max_norm, norm_type=norm_type)
    o_total = npgrad.nn.utils.clip_grad_norm_(o_params, max_norm, norm_type=norm_type)
    assert_same(o_total, t_total, "total norm", rtol=1e-5, atol=1e-6)
    for o, t in zip(o_params, t_params):
        assert_same(o.grad, t.grad, "clipped grad", rtol=1e-5, atol=1e-6)


def test_clip_grad_norm_variants():
    # a single tensor, mixed dtypes, parameters without grads, an empty list, float64
    for build in (lambda m: params_with_grads(m)[0],
                  lambda m: params_with_grads(m, ("float32", "float64", "float32")),
                  lambda m: params_with_grads(m) + [m.nn.Parameter(m.ones(2))],
                  lambda m: [], lambda m: [m.nn.Parameter(m.ones(2))],
                  lambda m: params_with_grads(m, ("float64",) * 3, scale=10)):
        t_in, o_in = build(torch), build(npgrad)
        t_total = torch.nn.utils.clip_grad_norm_(t_in, 1.0)
        o_total = npgrad.nn.utils.clip_grad_norm_(o_in, 1.0)
        assert_same(o_total, t_total, "total", rtol=1e-5, atol=1e-6)
        t_list = [t_in] if isinstance(t_in, torch.Tensor) else t_in
        o_list = [o_in] if isinstance(o_in, npgrad.Tensor) else o_in
        for o, t in zip(o_list, t_list):
            assert_same(o.grad, t.grad, "grad", rtol=1e-5, atol=1e-6)
    # a generator is consumed once; an empty one warns
    o = params_with_grads(npgrad)
    npgrad.nn.utils.clip_grad_norm_((p for p in o), 1.0)
    with pytest.warns(UserWarning, match="empty generator"):
        npgrad.nn.utils.clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_norm_nonfinite_and_in_place():
    def run(m, error):
        ps = params_with_grads(m)
        ps[1].grad[2] = float("nan")
        return m.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=error), ps
    raises_like(lambda m: run(m, True))
    (t_total, t_ps), (o_total, o_ps) = run(torch, False), run(npgrad, False)
    assert_same(o_total, t_total)
    for o, t in zip(o_ps, t_ps):
        assert_same(o.grad, t.grad)
    o = params_with_grads(npgrad)
    g = o[0].grad
    v = g._version
    npgrad.nn.utils.clip_grad_norm_(o, 0.1, foreach=True)
    assert o[0].grad is g and g._version > v
    with pytest.warns(FutureWarning):
        npgrad.nn.utils.clip_grad_norm(o, 0.1)


def test_clip_grad_value():
    for clip in (0.3, 2):
        t_ps, o_ps = params_with_grads(torch), params_with_grads(npgrad)
        t_ps[0].grad[0, 0] = float("nan")
        o_ps[0].grad[0, 0] = float("nan")
        assert torch.nn.utils.clip_grad_value_(t_ps, clip) is None
        assert npgrad.nn.utils.clip_grad_value_(o_ps, clip) is None
        for o, t in zip(o_ps, t_ps):
            assert_same(o.grad, t.grad)
    single = params_with_grads(npgrad)[1]
    npgrad.nn.utils.clip_grad_value_(single, 0.1)
    assert single.grad.abs().max().item() <= np.float32(0.1)


def test_clip_grad_through_a_model_step():
    torch.manual_seed(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    o_model = npgrad.nn.Sequential(npgrad.nn.Linear(3, 4), npgrad.nn.Tanh(), npgrad.nn.Linear(4, 1))
    o_model.load_state_dict({k: npgrad.tensor(v.numpy()) for k, v in t_model.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((8, 3)).astype(np.float32)
    t_model(torch.tensor(x)).pow(2).sum().backward()
    o_model(npgrad.tensor(x)).pow(2).sum().backward()
    assert_same(npgrad.nn.utils.clip_grad_norm_(o_model.parameters(), 0.5),
                torch.nn.utils.clip_grad_norm_(t_model.parameters(), 0.5), rtol=1e-5, atol=1e-6)
    for (n, o), (_, t) in zip(o_model.named_parameters(), t_model.named_parameters()):
        assert_same(o.grad, t.grad, n, rtol=1e-5, atol=1e-6)


def test_parameters_to_vector_and_back():
    t_ps, o_ps = params_with_grads(torch), params_with_grads(npgrad)
    t_vec = torch.nn.utils.parameters_to_vector(t_ps)
    o_vec = npgrad.nn.utils.parameters_to_vector(o_ps)
    assert_same(o_vec, t_vec)
    assert o_vec.grad_fn.name() == t_vec.grad_fn.name()
    new = np.arange(o_vec.numel(), dtype=np.float32)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), t_ps)
    npgrad.nn.utils.vector_to_parameters(npgrad.tensor(new), o_ps)
    for o, t in zip(o_ps, t_ps):
        assert_same(o, t)
        assert isinstance(o, npgrad.nn.Parameter) and o.requires_grad
    raises_like(lambda m: m.nn.utils.vector_to_parameters([1.0], params_with_grads(m)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        o_vec.sum().backward()
    assert all(p.grad is not None for p in o_ps)


# ---------------------------------------------------------------- packed sequences
def _seqs(m, lengths, feat=2, seed=0):
    rng = np.random.default_rng(seed)
    return [m.tensor(rng.standard_normal((n, feat)).astype(np.float32), requires_grad=True) for n in lengths]


@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_and_pack_round_trip(batch_first):
    lengths = [2, 4, 1, 3]

    def run(m):
        rnn = m.nn.utils.rnn
        seqs = _seqs(m, lengths)
        padded = rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=-1.0)
        left = rnn.pad_sequence(seqs, batch_first=True, padding_side="left")
        packed = rnn.pack_padded_sequence(padded, m.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        back, lens = rnn.pad_packed_sequence(packed, batch_first=batch_first, padding_value=9.0, total_length=5)
        sorted_pack = rnn.pack_sequence(sorted(seqs, key=len, reverse=True))
        unpacked = rnn.unpack_sequence(packed)
        loss = (back * m.arange(back.numel()).reshape(back.shape)).sum() + left.sum() + sorted_pack.data.sum()
        loss.backward()
        return ([padded, left, packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, back,
                 lens, sorted_pack.data, sorted_pack.batch_sizes] + unpacked + [s.grad for s in seqs])
    for i, (o, t) in enumerate(zip(run(npgrad), run(torch))):
        assert_same(o, t, f"item {i}")


def test_pack_errors():
    x = np.zeros((4, 3, 2), np.float32)
    raises_like(lambda m: m.nn.utils.rnn.pack_padded_sequence(m.tensor(x), [2, 3, 1]))
    raises_like(lambda m: m.nn.utils.rnn.pack_padded_sequence(m.tensor(x), [3, 2, 0]))
    raises_like(lambda m: m.nn.utils.rnn.pack_padded_sequence(m.tensor(x), [3, 2]))
    raises_like(lambda m: m.nn.utils.rnn.pad_sequence([m.ones(2)], padding_side="middle"))
    raises_like(lambda m: m.nn.utils.rnn.pad_packed_sequence(
        m.nn.utils.rnn.pack_padded_sequence(m.tensor(x), [3, 2, 1]), total_length=2))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers_take_packed_sequences(kind):
    lengths = [3, 5, 1]

    def run(m):
        torch.manual_seed(0)
        layer = getattr(m.nn, kind)(2, 3, num_layers=2, bidirectional=True)
        if m is npgrad:
            layer.load_state_dict({k: npgrad.tensor(v.detach().numpy())
                                   for k, v in getattr(torch.nn, kind)(2, 3, num_layers=2, bidirectional=True)
                                   .state_dict().items()})
        seqs = _seqs(m, lengths)
        packed = m.nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        h0 = m.tensor(np.random.default_rng(1).standard_normal((4, 3, 3)).astype(np.float32), requires_grad=True)
        hx = (h0, h0 * 2) if kind == "LSTM" else h0
        out, h = layer(packed, hx)
        hs = list(h) if kind == "LSTM" else [h]
        padded, _ = m.nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        (padded.sum() + sum((x * (i + 2)).sum() for i, x in enumerate(hs))).backward()
        return [out.data, out.batch_sizes, padded] + hs + [s.grad for s in seqs] + [h0.grad] + \
            [p.grad for p in layer.parameters()]
    for i, (o, t) in enumerate(zip(run(npgrad), run(torch))):
        assert_same(o, t, f"item {i}", rtol=1e-4, atol=1e-5)
