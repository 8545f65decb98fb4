"""Train/eval behaviour: random layers by their statistics (npgrad's random stream is not torch's), and
torch's inference fast paths against our single code path."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from tests.nn.modules_oracle import copy_weights
from tests.support.oracle import assert_same


def test_dropout_train_statistics_and_gradient():
    npgrad.manual_seed(0)
    d = npgrad.nn.Dropout(0.3)
    x = npgrad.ones(200, 100, requires_grad=True)
    y = d(x)
    a = y.detach().numpy()
    kept = a != 0
    assert abs(1 - kept.mean() - 0.3) < 0.02
    np.testing.assert_allclose(a[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), a)  # the gradient is the same mask, same scale
    d.eval()
    assert d(x) is x or np.array_equal(d(x).detach().numpy(), x.detach().numpy())
    assert not npgrad.nn.Dropout(1.0)(npgrad.ones(5)).numpy().any()


def test_dropout_inplace_and_errors():
    x = npgrad.ones(50, 40)
    out = npgrad.nn.Dropout(0.5, inplace=True)(x)
    assert (x.numpy() == out.numpy()).all() and (x.numpy() == 0).any()
    for bad in (-0.1, 1.5):
        for m in (torch, npgrad):
            with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got"):
                m.nn.Dropout(bad)


def test_dropout2d_zeroes_whole_channels():
    npgrad.manual_seed(1)
    y = npgrad.nn.Dropout2d(0.5)(npgrad.ones(8, 16, 3, 3)).numpy()
    per_channel = y.reshape(8, 16, -1)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0.3 < (per_channel == 0).all(-1).mean() < 0.7


def test_alpha_dropout_keeps_moments():
    npgrad.manual_seed(2)
    x = npgrad.randn(400, 250)
    y = npgrad.nn.AlphaDropout(0.2)(x).numpy()
    assert abs(y.mean()) < 0.05 and abs(y.std() - 1) < 0.05


def test_rrelu_train_slopes():
    npgrad.manual_seed(3)
    x = -npgrad.ones(1000)
    y = npgrad.nn.RReLU(0.1, 0.3)(x).numpy()
    assert ((-y >= 0.1) & (-y <= 0.3)).all() and y.std() > 0.03
    np.testing.assert_allclose(npgrad.nn.RReLU(0.1, 0.3).eval()(x).numpy(), -0.2, rtol=1e-6)


def test_rnn_dropout_between_layers_only_in_training():
    npgrad.manual_seed(4)
    lstm = npgrad.nn.LSTM(3, 8, num_layers=2, dropout=0.5)
    x = npgrad.randn(4, 2, 3)
    a, b = lstm(x)[0], lstm(x)[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    lstm.eval()
    np.testing.assert_array_equal(lstm(x)[0].detach().numpy(), lstm(x)[0].detach().numpy())
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        npgrad.nn.GRU(2, 2, dropout=0.2)


def test_batchnorm_eval_uses_running_statistics():
    torch.manual_seed(0)
    t, o = torch.nn.BatchNorm1d(3, momentum=None), npgrad.nn.BatchNorm1d(3, momentum=None)
    rng = np.random.default_rng(0)
    for step in range(3):
        x = rng.standard_normal((6, 3)).astype(np.float32) * (step + 1)
        assert_same(o(npgrad.tensor(x)), t(torch.tensor(x)))
    assert int(o.num_batches_tracked) == 3
    assert_same(o.running_var, t.running_var)
    t.eval(), o.eval()
    x = rng.standard_normal((2, 3)).astype(np.float32)
    assert_same(o(npgrad.tensor(x)), t(torch.tensor(x)))
    assert int(o.num_batches_tracked) == 3  # eval does not count
    o.reset_running_stats()
    assert int(o.num_batches_tracked) == 0 and o.running_var.tolist() == [1.0] * 3
    for m in (torch, npgrad):
        with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
            m.nn.BatchNorm1d(3)(m.ones(1, 3, 1, 1))


@pytest.mark.parametrize("padding", [None, "left", "right"])
def test_transformer_encoder_inference_paths(padding):
    """torch's eval/no_grad fast path (nested tensors when a left-aligned padding mask is given, which zeroes
    the padded positions) against our one path."""
    def build(m):
        layer = m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
        return m.nn.TransformerEncoder(layer, 2, norm=m.nn.LayerNorm(8)).eval()
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, o = build(torch), build(npgrad)
    copy_weights(o, t)
    x = np.random.default_rng(0).standard_normal((2, 4, 8)).astype(np.float32)
    mask = None
    if padding == "left":
        mask = np.array([[False, False, True, True], [False, False, False, True]])
    elif padding == "right":
        mask = np.array([[True, False, False, False], [False, False, False, False]])
    for grad in (False, True):
        with torch.set_grad_enabled(grad), npgrad.set_grad_enabled(grad), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch: "nested tensors are in prototype stage"
            kw_t = {} if mask is None else {"src_key_padding_mask": torch.tensor(mask)}
            kw_o = {} if mask is None else {"src_key_padding_mask": npgrad.tensor(mask)}
            assert_same(o(npgrad.tensor(x), **kw_o), t(torch.tensor(x), **kw_t), rtol=1e-4, atol=1e-5)


def test_multihead_attention_inference_fast_path():
    """torch answers eval/no_grad batch-first self-attention with a fused kernel; values must still agree."""
    torch.manual_seed(0)
    t = torch.nn.MultiheadAttention(8, 2, batch_first=True).eval()
    o = npgrad.nn.MultiheadAttention(8, 2, batch_first=True).eval()
    copy_weights(o, t)
    x = np.random.default_rng(0).standard_normal((2, 4, 8)).astype(np.float32)
    mask = np.array([[False, False, False, True], [False, True, False, False]])
    for need_weights in (True, False):
        with torch.no_grad(), npgrad.no_grad():
            tx, ox = torch.tensor(x), npgrad.tensor(x)
            t_out = t(tx, tx, tx, key_padding_mask=torch.tensor(mask), need_weights=need_weights)
            o_out = o(ox, ox, ox, key_padding_mask=npgrad.tensor(mask), need_weights=need_weights)
        assert_same(o_out[0], t_out[0], rtol=1e-4, atol=1e-5)
        assert_same(o_out[1], t_out[1], rtol=1e-4, atol=1e-5)
