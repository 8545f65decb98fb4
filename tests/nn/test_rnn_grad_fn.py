"""RNN, GRU and LSTM graphs as torch 2.13's CPU build records them, with unchanged values and gradients.

torch runs a float32/bfloat16 LSTM (no projections, not packed) through oneDNN: one ``MkldnnRnnLayerBackward0``
node per layer and direction, h_n/c_n stacked from them; float64, float16, projections and packed batches take the
step-by-step path (``StackBackward0`` of the steps). RNN and GRU always step, and their batch-first output is
transposed in place (``TransposeBackward1``). npgrad's ``MkldnnRnnLayer`` runs the recurrence on arrays and
backpropagates through time with the same formula; under create_graph it differentiates the composite again.
"""
import itertools

import numpy as np
import pytest
import torch

import npgrad
from npgrad.nn.modules.rnn import MkldnnRnnLayer


def _chain(fn, k=4):
    """The first ``k`` node names following each node's first input edge."""
    out = []
    while fn is not None and len(out) < k:
        out.append(fn.name())
        nxt = [n for n, _ in fn.next_functions if n is not None]
        fn = nxt[0] if nxt else None
    return out


def _pair(cls, dtype, **kw):
    tm = getattr(torch.nn, cls)(3, 4, **kw).to(getattr(torch, dtype))
    nm = getattr(npgrad.nn, cls)(3, 4, **kw).to(getattr(npgrad, dtype))
    nm.load_state_dict({k: npgrad.tensor(v.float().numpy()).to(getattr(npgrad, dtype))
                        for k, v in tm.state_dict().items()})
    return tm, nm


def _run(lib, module, dtype, x, hx=None):
    X = lib.tensor(x).to(getattr(lib, dtype)).requires_grad_()
    args = (X,)
    if hx is not None:
        args = (X, tuple(lib.tensor(h).to(getattr(lib, dtype)).requires_grad_() for h in hx)) if len(hx) == 2 \
            else (X, lib.tensor(hx[0]).to(getattr(lib, dtype)).requires_grad_())
    out, h = module(*args)
    return X, args, out, (h if isinstance(h, tuple) else (h,))


CONFIGS = list(itertools.product(("RNN", "GRU", "LSTM"), ("float32", "float64"), (1, 2), (False, True),
                                 (False, True)))


@pytest.mark.parametrize("cls,dtype,layers,batch_first,bidirectional", CONFIGS,
                         ids=[f"{c}-{d}-L{n}-bf{int(b)}-bi{int(bi)}" for c, d, n, b, bi in CONFIGS])
def test_grad_fn_names_as_torch(cls, dtype, layers, batch_first, bidirectional):
    kw = dict(num_layers=layers, batch_first=batch_first, bidirectional=bidirectional)
    tm, nm = _pair(cls, dtype, **kw)
    x = np.random.default_rng(0).standard_normal((2, 5, 3) if batch_first else (5, 2, 3)).astype(np.float32)
    _, _, t_out, t_h = _run(torch, tm, dtype, x)
    _, _, n_out, n_h = _run(npgrad, nm, dtype, x)
    depth = 4 if cls == "LSTM" and dtype == "float32" else 2
    assert _chain(n_out.grad_fn, depth) == _chain(t_out.grad_fn, depth)
    for a, b in zip(n_h, t_h):
        assert _chain(a.grad_fn, 2) == _chain(b.grad_fn, 2)


LSTM_CASES = list(itertools.product(("float32", "bfloat16"), (1, 2), (False, True), (False, True), (False, True),
                                    (False, True)))


@pytest.mark.parametrize("dtype,layers,batch_first,bidirectional,with_hx,unbatched", LSTM_CASES,
                         ids=[f"{d}-L{n}-bf{int(b)}-bi{int(bi)}-hx{int(h)}-ub{int(u)}"
                              for d, n, b, bi, h, u in LSTM_CASES])
def test_fused_lstm_values_and_gradients_as_torch(dtype, layers, batch_first, bidirectional, with_hx, unbatched):
    kw = dict(num_layers=layers, batch_first=batch_first, bidirectional=bidirectional)
    tm, nm = _pair("LSTM", dtype, **kw)
    rng = np.random.default_rng(1)
    shape = (5, 3) if unbatched else ((2, 5, 3) if batch_first else (5, 2, 3))
    x = rng.standard_normal(shape).astype(np.float32)
    hshape = (layers * (2 if bidirectional else 1),) + (() if unbatched else (2,)) + (4,)
    hx = (rng.standard_normal(hshape).astype(np.float32), rng.standard_normal(hshape).astype(np.float32)) \
        if with_hx else None
    res = []
    for lib, mod in ((torch, tm), (npgrad, nm)):
        X, args, out, (h, c) = _run(lib, mod, dtype, x, hx)
        assert out.grad_fn.name() in ("MkldnnRnnLayerBackward0", "CatBackward0", "TransposeBackward0",
                                      "SqueezeBackward1")
        loss = (out * out).sum() + (h * 1.5).sum() + (c * c).sum()
        leaves = [a for a in args if not isinstance(a, tuple)] + [t for a in args if isinstance(a, tuple) for t in a]
        res.append([out, h, c] + list(lib.autograd.grad(loss, leaves + list(mod.parameters()))))
    tol = 1e-5 if dtype == "float32" else 6e-2
    for n, t in zip(res[1], res[0]):
        assert str(n.dtype).split(".")[1] == str(t.dtype).split(".")[1]
        np.testing.assert_allclose(n.detach().float().numpy(), t.detach().float().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_fused_layer_gradcheck_and_gradgradcheck_float64(reverse, bias):
    rng = np.random.default_rng(2)

    def t(*shape):
        return npgrad.tensor(rng.standard_normal(shape) * 0.5, dtype=npgrad.float64, requires_grad=True)
    x, w_ih, w_hh, h, c = t(4, 2, 3), t(12, 3), t(12, 3), t(2, 3), t(2, 3)
    b = (t(12), t(12)) if bias else (None, None)

    def layer(x, w_ih, w_hh, h, c, *bs):
        return MkldnnRnnLayer.apply(x, w_ih, w_hh, *(bs or (None, None)), h, c, reverse)
    ins = (x, w_ih, w_hh, h, c) + (b if bias else ())
    assert npgrad.autograd.gradcheck(layer, ins)
    assert npgrad.autograd.gradgradcheck(layer, ins)
    assert npgrad.autograd.gradcheck(lambda *a: layer(*a)[1], ins)   # only h_T used: the other grads are None


def test_fused_lstm_double_backward_as_torch():
    tm, nm = _pair("LSTM", "float32", num_layers=2)
    x = np.random.default_rng(3).standard_normal((5, 2, 3)).astype(np.float32)
    res = []
    for lib, mod in ((torch, tm), (npgrad, nm)):
        X = lib.tensor(x, requires_grad=True)
        out, _ = mod(X)
        g, = lib.autograd.grad((out * out).sum(), X, create_graph=True)
        gg, = lib.autograd.grad((g * g).sum(), X)
        res.append((g.detach().numpy(), gg.numpy()))
    for n, t in zip(res[1], res[0]):
        np.testing.assert_allclose(n, t, rtol=1e-4, atol=1e-6)


def test_dropout_between_fused_layers_and_composite_paths_as_torch():
    for kw, dtype in ((dict(num_layers=2, dropout=0.5), "float32"), (dict(proj_size=2), "float32"),
                      (dict(), "float16")):
        tm, nm = _pair("LSTM", dtype, **kw)
        x = np.random.default_rng(4).standard_normal((5, 2, 3)).astype(np.float32)
        _, _, t_out, t_h = _run(torch, tm, dtype, x)
        _, _, n_out, n_h = _run(npgrad, nm, dtype, x)
        assert _chain(n_out.grad_fn, 3) == _chain(t_out.grad_fn, 3), kw
        assert [_chain(a.grad_fn, 2) for a in n_h] == [_chain(b.grad_fn, 2) for b in t_h], kw
    tm = torch.nn.LSTM(3, 4)
    nm = npgrad.nn.LSTM(3, 4)
    tp = torch.nn.utils.rnn.pack_padded_sequence(torch.zeros(5, 2, 3), [5, 3])
    np_ = npgrad.nn.utils.rnn.pack_padded_sequence(npgrad.zeros(5, 2, 3), [5, 3])
    assert nm(np_)[1][0].grad_fn.name() == tm(tp)[1][0].grad_fn.name() == "StackBackward0"
