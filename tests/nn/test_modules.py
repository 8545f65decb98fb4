"""Every layer against torch from identical weights: state_dict keys, repr, outputs, input and parameter
gradients, buffers (see ``modules_oracle.check_module``)."""
import warnings

import numpy as np
import pytest

from tests.nn.modules_oracle import ModuleInfo, NoGrad, check_module, check_structure


def randn(*shape):
    return lambda rng: [rng.standard_normal(shape).astype(np.float32)]


def f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def twice(mod, x):
    """Two training steps then one eval step: exercises running statistics."""
    return mod.train()(x), mod(x * 2 + 1), mod.eval()(x)


MODULES = [
    # ---------------------------------------------------------------- linear, shape
    ModuleInfo("Identity", lambda m: m.nn.Identity(3, unused=True), randn(2, 3)),
    ModuleInfo("Linear", lambda m: m.nn.Linear(3, 4), randn(2, 3)),
    ModuleInfo("Linear_1d_nobias", lambda m: m.nn.Linear(3, 4, bias=False), randn(3)),
    ModuleInfo("Linear_3d", lambda m: m.nn.Linear(3, 2), randn(2, 5, 3)),
    ModuleInfo("Linear_double", lambda m: m.nn.Linear(3, 2), randn(4, 3), double=True),
    ModuleInfo("Bilinear", lambda m: m.nn.Bilinear(2, 3, 4), lambda r: [f32(r, 5, 2), f32(r, 5, 3)]),
    ModuleInfo("Flatten", lambda m: m.nn.Flatten(), randn(2, 3, 4)),
    ModuleInfo("Flatten_dims", lambda m: m.nn.Flatten(0, 1), randn(2, 3, 4)),
    ModuleInfo("Unflatten", lambda m: m.nn.Unflatten(1, (2, -1)), randn(3, 4, 2)),
    # ---------------------------------------------------------------- convolutions
    ModuleInfo("Conv1d", lambda m: m.nn.Conv1d(2, 4, 3, stride=2, padding=1), randn(2, 2, 7)),
    ModuleInfo("Conv2d", lambda m: m.nn.Conv2d(2, 3, 3), randn(2, 2, 6, 5)),
    ModuleInfo("Conv2d_groups", lambda m: m.nn.Conv2d(4, 4, 3, stride=2, padding=1, dilation=2, groups=2,
                                                       bias=False), randn(1, 4, 9, 9)),
    ModuleInfo("Conv2d_same", lambda m: m.nn.Conv2d(2, 2, (3, 2), padding="same"), randn(1, 2, 5, 5)),
    ModuleInfo("Conv2d_valid_unbatched", lambda m: m.nn.Conv2d(2, 2, 2, padding="valid"), randn(2, 4, 4)),
    ModuleInfo("Conv2d_reflect", lambda m: m.nn.Conv2d(1, 2, 3, padding=1, padding_mode="reflect"),
               randn(1, 1, 4, 4)),
    ModuleInfo("Conv2d_circular", lambda m: m.nn.Conv2d(1, 2, 3, padding=(1, 2), padding_mode="circular"),
               randn(1, 1, 4, 5)),
    ModuleInfo("ConvTranspose1d", lambda m: m.nn.ConvTranspose1d(2, 3, 3, stride=2), randn(2, 2, 4)),
    ModuleInfo("ConvTranspose2d", lambda m: m.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1),
               randn(2, 2, 3, 4)),
    ModuleInfo("ConvTranspose2d_output_size", lambda m: m.nn.ConvTranspose2d(2, 2, 3, stride=2, groups=2),
               randn(1, 2, 3, 3), call=lambda mod, x: mod(x, output_size=[8, 8])),
    # ---------------------------------------------------------------- pooling
    ModuleInfo("MaxPool1d", lambda m: m.nn.MaxPool1d(2), randn(2, 3, 7)),
    ModuleInfo("MaxPool2d", lambda m: m.nn.MaxPool2d(3, 2, 1, ceil_mode=True), randn(2, 2, 6, 5)),
    ModuleInfo("MaxPool2d_indices", lambda m: m.nn.MaxPool2d(2, return_indices=True), randn(1, 2, 4, 4)),
    ModuleInfo("AvgPool1d", lambda m: m.nn.AvgPool1d(3, 2, 1), randn(2, 3, 7)),
    ModuleInfo("AvgPool2d", lambda m: m.nn.AvgPool2d(2), randn(2, 2, 4, 6)),
    ModuleInfo("AvgPool2d_pad", lambda m: m.nn.AvgPool2d(3, 2, 1, count_include_pad=False), randn(1, 2, 5, 5)),
    ModuleInfo("AdaptiveAvgPool1d", lambda m: m.nn.AdaptiveAvgPool1d(3), randn(2, 3, 7)),
    ModuleInfo("AdaptiveAvgPool2d", lambda m: m.nn.AdaptiveAvgPool2d((2, 3)), randn(2, 2, 5, 7)),
    ModuleInfo("AdaptiveAvgPool2d_none", lambda m: m.nn.AdaptiveAvgPool2d((None, 1)), randn(1, 2, 3, 4)),
    ModuleInfo("AdaptiveMaxPool2d", lambda m: m.nn.AdaptiveMaxPool2d(2), randn(1, 2, 5, 4)),
    # ---------------------------------------------------------------- normalisation
    ModuleInfo("BatchNorm1d", lambda m: m.nn.BatchNorm1d(3), randn(4, 3), call=twice),
    ModuleInfo("BatchNorm1d_3d", lambda m: m.nn.BatchNorm1d(3, momentum=None), randn(4, 3, 5), call=twice),
    ModuleInfo("BatchNorm2d", lambda m: m.nn.BatchNorm2d(3), randn(4, 3, 2, 3), call=twice),
    ModuleInfo("BatchNorm2d_noaffine", lambda m: m.nn.BatchNorm2d(2, affine=False, track_running_stats=False),
               randn(3, 2, 2, 2), call=twice),
    ModuleInfo("BatchNorm1d_nobias", lambda m: m.nn.BatchNorm1d(3, bias=False), randn(4, 3)),
    ModuleInfo("BatchNorm1d_eval", lambda m: m.nn.BatchNorm1d(3), randn(4, 3), train=False),
    ModuleInfo("LayerNorm", lambda m: m.nn.LayerNorm(4), randn(2, 3, 4)),
    ModuleInfo("LayerNorm_2d_noaffine", lambda m: m.nn.LayerNorm((3, 4), elementwise_affine=False),
               randn(2, 3, 4)),
    ModuleInfo("LayerNorm_nobias", lambda m: m.nn.LayerNorm(4, bias=False), randn(3, 4)),
    ModuleInfo("GroupNorm", lambda m: m.nn.GroupNorm(2, 4), randn(2, 4, 3)),
    ModuleInfo("InstanceNorm1d", lambda m: m.nn.InstanceNorm1d(3), randn(2, 3, 5)),
    ModuleInfo("InstanceNorm2d_affine", lambda m: m.nn.InstanceNorm2d(2, affine=True, track_running_stats=True),
               randn(2, 2, 3, 3), call=twice),
    ModuleInfo("RMSNorm", lambda m: m.nn.RMSNorm(4), randn(2, 3, 4)),
    # ---------------------------------------------------------------- dropout (deterministic settings)
    ModuleInfo("Dropout_eval", lambda m: m.nn.Dropout(0.5), randn(3, 4), train=False),
    ModuleInfo("Dropout_p0", lambda m: m.nn.Dropout(0.0), randn(3, 4)),
    ModuleInfo("Dropout2d_eval", lambda m: m.nn.Dropout2d(0.3), randn(2, 3, 4, 4), train=False),
    # ---------------------------------------------------------------- embedding
    ModuleInfo("Embedding", lambda m: m.nn.Embedding(10, 3), lambda r: [r.integers(0, 10, (2, 4))]),
    ModuleInfo("Embedding_padding", lambda m: m.nn.Embedding(6, 3, padding_idx=-2),
               lambda r: [np.array([[0, 4, 4], [4, 1, 5]])]),
    # ---------------------------------------------------------------- recurrent
    ModuleInfo("RNN", lambda m: m.nn.RNN(3, 4), randn(5, 2, 3)),
    ModuleInfo("RNN_relu_bidir", lambda m: m.nn.RNN(3, 4, 2, nonlinearity="relu", batch_first=True,
                                                     bidirectional=True),
               lambda r: [f32(r, 2, 5, 3), f32(r, 4, 2, 4)]),
    ModuleInfo("RNN_unbatched", lambda m: m.nn.RNN(3, 4, bias=False), randn(5, 3)),
    ModuleInfo("LSTM", lambda m: m.nn.LSTM(3, 4, 2), lambda r: [f32(r, 5, 2, 3), f32(r, 2, 2, 4), f32(r, 2, 2, 4)],
               call=lambda mod, x, h, c: mod(x, (h, c))),
    ModuleInfo("LSTM_proj_bidir", lambda m: m.nn.LSTM(3, 5, proj_size=2, bidirectional=True, batch_first=True),
               randn(2, 4, 3)),
    ModuleInfo("LSTM_unbatched", lambda m: m.nn.LSTM(3, 4), randn(4, 3)),
    ModuleInfo("GRU", lambda m: m.nn.GRU(3, 4, 2, bidirectional=True), randn(4, 2, 3)),
    ModuleInfo("GRU_unbatched_hx", lambda m: m.nn.GRU(3, 4, batch_first=True),
               lambda r: [f32(r, 5, 3), f32(r, 1, 4)]),
    ModuleInfo("RNNCell", lambda m: m.nn.RNNCell(3, 4, nonlinearity="relu"), lambda r: [f32(r, 2, 3), f32(r, 2, 4)]),
    ModuleInfo("RNNCell_unbatched", lambda m: m.nn.RNNCell(3, 4), randn(3)),
    ModuleInfo("LSTMCell", lambda m: m.nn.LSTMCell(3, 4), lambda r: [f32(r, 2, 3), f32(r, 2, 4), f32(r, 2, 4)],
               call=lambda mod, x, h, c: mod(x, (h, c))),
    ModuleInfo("LSTMCell_unbatched", lambda m: m.nn.LSTMCell(3, 4, bias=False), randn(3)),
    ModuleInfo("GRUCell", lambda m: m.nn.GRUCell(3, 4), lambda r: [f32(r, 2, 3), f32(r, 2, 4)]),
    # ---------------------------------------------------------------- attention and transformers
    ModuleInfo("MultiheadAttention", lambda m: m.nn.MultiheadAttention(8, 2), randn(4, 2, 8),
               call=lambda mod, x: mod(x, x, x)),
    ModuleInfo("MultiheadAttention_masks", lambda m: m.nn.MultiheadAttention(8, 2, batch_first=True),
               lambda r: [f32(r, 2, 3, 8), f32(r, 2, 5, 8), np.array([[False] * 4 + [True], [False] * 5]),
                          NoGrad(f32(r, 3, 5))],
               call=lambda mod, q, kv, kpm, am: mod(q, kv, kv, key_padding_mask=kpm, attn_mask=am,
                                                    average_attn_weights=False)),
    ModuleInfo("MultiheadAttention_kvdim", lambda m: m.nn.MultiheadAttention(4, 2, kdim=3, vdim=5, bias=False,
                                                                             add_bias_kv=True, add_zero_attn=True),
               lambda r: [f32(r, 3, 2, 4), f32(r, 6, 2, 3), f32(r, 6, 2, 5), np.tril(np.ones((3, 6), bool), 2)],
               call=lambda mod, q, k, v, am: mod(q, k, v, attn_mask=am, need_weights=False)),
    ModuleInfo("MultiheadAttention_unbatched", lambda m: m.nn.MultiheadAttention(4, 1), randn(3, 4),
               call=lambda mod, x: mod(x, x, x)),
    ModuleInfo("TransformerEncoderLayer", lambda m: m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
               randn(5, 2, 8)),
    ModuleInfo("TransformerEncoderLayer_prenorm_gelu",
               lambda m: m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True,
                                                      batch_first=True),
               lambda r: [f32(r, 2, 5, 8), np.array([[False] * 3 + [True] * 2, [False] * 5])],
               call=lambda mod, x, kpm: mod(x, src_key_padding_mask=kpm)),
    ModuleInfo("TransformerEncoder", lambda m: m.nn.TransformerEncoder(
        m.nn.TransformerEncoderLayer(8, 4, 16, dropout=0.0, batch_first=True), 2, norm=m.nn.LayerNorm(8)),
        lambda r: [f32(r, 2, 4, 8), NoGrad(np.triu(np.full((4, 4), -np.inf, np.float32), 1))],
        call=lambda mod, x, mask: mod(x, mask=mask)),
    ModuleInfo("TransformerDecoderLayer", lambda m: m.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0),
               lambda r: [f32(r, 3, 2, 8), f32(r, 4, 2, 8)]),
    ModuleInfo("Transformer", lambda m: m.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, batch_first=True),
               lambda r: [f32(r, 2, 4, 8), f32(r, 2, 3, 8)]),
    # ---------------------------------------------------------------- distances
    ModuleInfo("PairwiseDistance", lambda m: m.nn.PairwiseDistance(), lambda r: [f32(r, 3, 4), f32(r, 3, 4)]),
    ModuleInfo("CosineSimilarity", lambda m: m.nn.CosineSimilarity(dim=0), lambda r: [f32(r, 3, 4), f32(r, 3, 4)]),
]

# ---------------------------------------------------------------- activations: one entry each
_ACT_INPUT = randn(3, 4)
ACTIVATIONS = {
    "ReLU": lambda m: m.nn.ReLU(), "ReLU6": lambda m: m.nn.ReLU6(), "LeakyReLU": lambda m: m.nn.LeakyReLU(0.2),
    "GELU": lambda m: m.nn.GELU(), "GELU_tanh": lambda m: m.nn.GELU("tanh"), "SiLU": lambda m: m.nn.SiLU(),
    "ELU": lambda m: m.nn.ELU(0.5), "CELU": lambda m: m.nn.CELU(2.0), "SELU": lambda m: m.nn.SELU(),
    "Softplus": lambda m: m.nn.Softplus(2, 1), "Tanh": lambda m: m.nn.Tanh(), "Sigmoid": lambda m: m.nn.Sigmoid(),
    "Softmax": lambda m: m.nn.Softmax(dim=1), "LogSoftmax": lambda m: m.nn.LogSoftmax(-1),
    "Softmin": lambda m: m.nn.Softmin(0), "Hardtanh": lambda m: m.nn.Hardtanh(-0.5, 0.7),
    "Mish": lambda m: m.nn.Mish(), "Hardswish": lambda m: m.nn.Hardswish(), "Hardsigmoid": lambda m: m.nn.Hardsigmoid(),
    "Hardshrink": lambda m: m.nn.Hardshrink(0.3), "Softshrink": lambda m: m.nn.Softshrink(0.3),
    "Tanhshrink": lambda m: m.nn.Tanhshrink(), "Softsign": lambda m: m.nn.Softsign(),
    "LogSigmoid": lambda m: m.nn.LogSigmoid(), "Threshold": lambda m: m.nn.Threshold(0.1, 20.0),
    "GLU": lambda m: m.nn.GLU(), "PReLU": lambda m: m.nn.PReLU(), "RReLU_eval": lambda m: m.nn.RReLU().eval(),
}
MODULES += [ModuleInfo(k, v, _ACT_INPUT, train=not k.endswith("eval")) for k, v in ACTIVATIONS.items()]
MODULES += [
    ModuleInfo("PReLU_channels", lambda m: m.nn.PReLU(3, init=0.1), randn(2, 3, 4)),
    ModuleInfo("Softmax2d", lambda m: m.nn.Softmax2d(), randn(2, 3, 2, 2)),
]


# ---------------------------------------------------------------- losses
def _target(values):
    return lambda r: NoGrad(values(r))


def loss(name, make, *arrays, call=None, **kw):
    return ModuleInfo(name, make, lambda r: [a(r) for a in arrays], call=call, **kw)


def _x(*shape):
    return lambda r: f32(r, *shape)


def _t(*shape):
    return lambda r: NoGrad(f32(r, *shape))


def _cls(n, *shape):
    return lambda r: r.integers(0, n, shape)


def _prob(*shape):
    return lambda r: r.uniform(0.05, 0.95, shape).astype(np.float32)


def _pm1(*shape):
    return lambda r: NoGrad(np.where(r.random(shape) < 0.5, -1.0, 1.0).astype(np.float32))


def _log_softmax(*shape, axis=1):
    def make(r):
        x = f32(r, *shape)
        return (x - np.log(np.exp(x).sum(axis, keepdims=True))).astype(np.float32)
    return make


MODULES += [
    loss("MSELoss", lambda m: m.nn.MSELoss(), _x(3, 4), _t(3, 4)),
    loss("MSELoss_sum", lambda m: m.nn.MSELoss(reduction="sum"), _x(3, 4), _x(3, 4)),
    loss("L1Loss_none", lambda m: m.nn.L1Loss(reduction="none"), _x(3, 4), _t(3, 4)),
    loss("SmoothL1Loss", lambda m: m.nn.SmoothL1Loss(beta=0.5), _x(3, 4), _t(3, 4)),
    loss("HuberLoss", lambda m: m.nn.HuberLoss(delta=0.5), _x(3, 4), _t(3, 4)),
    loss("CrossEntropyLoss", lambda m: m.nn.CrossEntropyLoss(), _x(4, 5), _cls(5, 4)),
    loss("CrossEntropyLoss_weight_ignore",
         lambda m: m.nn.CrossEntropyLoss(weight=m.tensor([1.0, 2.0, 0.5]), ignore_index=1), _x(5, 3), _cls(3, 5)),
    loss("CrossEntropyLoss_smoothing", lambda m: m.nn.CrossEntropyLoss(label_smoothing=0.1, reduction="sum"),
         _x(2, 4, 3), _cls(4, 2, 3)),
    loss("CrossEntropyLoss_probs", lambda m: m.nn.CrossEntropyLoss(), _x(3, 4),
         lambda r: NoGrad(r.dirichlet(np.ones(4), 3).astype(np.float32))),
    loss("NLLLoss", lambda m: m.nn.NLLLoss(weight=m.tensor([0.2, 1.0, 3.0, 1.0])), _log_softmax(5, 4), _cls(4, 5)),
    loss("BCELoss", lambda m: m.nn.BCELoss(), _prob(3, 4), lambda r: NoGrad(r.random((3, 4)).astype(np.float32))),
    loss("BCELoss_weight", lambda m: m.nn.BCELoss(weight=m.tensor([1.0, 2.0, 3.0, 4.0])), _prob(3, 4),
         lambda r: NoGrad(r.random((3, 4)).astype(np.float32))),
    loss("BCEWithLogitsLoss", lambda m: m.nn.BCEWithLogitsLoss(pos_weight=m.tensor([1.0, 2.0, 0.5, 3.0])),
         _x(3, 4), lambda r: NoGrad(r.random((3, 4)).astype(np.float32))),
    loss("KLDivLoss", lambda m: m.nn.KLDivLoss(reduction="batchmean"), _log_softmax(3, 4),
         lambda r: NoGrad(r.dirichlet(np.ones(4), 3).astype(np.float32))),
    loss("KLDivLoss_log_target", lambda m: m.nn.KLDivLoss(reduction="sum", log_target=True), _log_softmax(3, 4),
         lambda r: NoGrad(_log_softmax(3, 4)(r))),
    loss("CosineEmbeddingLoss", lambda m: m.nn.CosineEmbeddingLoss(margin=0.2), _x(4, 3), _x(4, 3), _pm1(4)),
    loss("MarginRankingLoss", lambda m: m.nn.MarginRankingLoss(margin=0.1), _x(5), _x(5), _pm1(5)),
    loss("HingeEmbeddingLoss", lambda m: m.nn.HingeEmbeddingLoss(margin=0.5), _x(3, 4), _pm1(3, 4)),
    loss("SoftMarginLoss", lambda m: m.nn.SoftMarginLoss(), _x(3, 4), _pm1(3, 4)),
    loss("MultiLabelSoftMarginLoss", lambda m: m.nn.MultiLabelSoftMarginLoss(), _x(3, 4),
         lambda r: NoGrad((r.random((3, 4)) < 0.5).astype(np.float32))),
    loss("TripletMarginLoss", lambda m: m.nn.TripletMarginLoss(margin=0.5), _x(3, 4), _x(3, 4), _x(3, 4)),
    loss("PoissonNLLLoss", lambda m: m.nn.PoissonNLLLoss(), _x(3, 4), lambda r: NoGrad(r.poisson(2.0, (3, 4)).astype(
        np.float32))),
    loss("GaussianNLLLoss", lambda m: m.nn.GaussianNLLLoss(), _x(3, 4), _t(3, 4),
         lambda r: r.uniform(0.5, 2.0, (3, 4)).astype(np.float32)),
]

# ---------------------------------------------------------------- more configurations
MODULES += [
    ModuleInfo("Conv3d", lambda m: m.nn.Conv3d(2, 2, (2, 3, 2), padding=(1, 0, 1)), randn(1, 2, 3, 4, 3)),
    ModuleInfo("ConvTranspose3d", lambda m: m.nn.ConvTranspose3d(2, 1, 2, stride=2), randn(1, 2, 2, 2, 2)),
    ModuleInfo("Conv1d_replicate", lambda m: m.nn.Conv1d(2, 3, 3, padding=2, padding_mode="replicate"),
               randn(2, 2, 5)),
    ModuleInfo("MaxPool3d", lambda m: m.nn.MaxPool3d(2, padding=1), randn(1, 2, 3, 4, 3)),
    ModuleInfo("AvgPool3d", lambda m: m.nn.AvgPool3d(2, divisor_override=3), randn(1, 2, 4, 4, 2)),
    ModuleInfo("AdaptiveAvgPool3d", lambda m: m.nn.AdaptiveAvgPool3d(2), randn(1, 2, 3, 4, 5)),
    ModuleInfo("AdaptiveMaxPool1d", lambda m: m.nn.AdaptiveMaxPool1d(3), randn(2, 2, 7)),
    ModuleInfo("LPPool2d", lambda m: m.nn.LPPool2d(2, 2), lambda r: [np.abs(f32(r, 1, 2, 4, 4)) + 0.1]),
    ModuleInfo("MaxUnpool2d", lambda m: m.nn.MaxUnpool2d(2),
               lambda r: [f32(r, 1, 1, 2, 2), np.array([[[[0, 3], [9, 14]]]])]),
    ModuleInfo("BatchNorm3d", lambda m: m.nn.BatchNorm3d(2), randn(2, 2, 2, 2, 3), call=twice),
    ModuleInfo("InstanceNorm3d", lambda m: m.nn.InstanceNorm3d(2), randn(2, 2, 2, 2, 3)),
    ModuleInfo("LocalResponseNorm", lambda m: m.nn.LocalResponseNorm(3), randn(2, 5, 3, 3)),
    ModuleInfo("Dropout1d_eval", lambda m: m.nn.Dropout1d(0.3), randn(2, 3, 4), train=False),
    ModuleInfo("AlphaDropout_eval", lambda m: m.nn.AlphaDropout(0.3), randn(2, 3), train=False),
    ModuleInfo("Embedding_max_norm", lambda m: m.nn.Embedding(6, 4, max_norm=1.0, norm_type=1.0),
               lambda r: [np.array([[1, 2, 2], [5, 1, 0]])]),
    ModuleInfo("Embedding_from_pretrained", lambda m: m.nn.Embedding.from_pretrained(
        m.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), freeze=False, padding_idx=1),
        lambda r: [np.array([0, 1, 2, 1])]),
    ModuleInfo("LSTM_double", lambda m: m.nn.LSTM(3, 4, 2, dropout=0.3, batch_first=True), randn(2, 4, 3),
               train=False, double=True),
    ModuleInfo("GRU_double", lambda m: m.nn.GRU(2, 3, bidirectional=True), randn(4, 2, 2), double=True),
    ModuleInfo("MultiheadAttention_double", lambda m: m.nn.MultiheadAttention(6, 3, batch_first=True),
               lambda r: [f32(r, 2, 4, 6), np.array([[False, False, True, True], [False] * 4])],
               call=lambda mod, x, kpm: mod(x, x, x, key_padding_mask=kpm), double=True),
    ModuleInfo("MultiheadAttention_eval", lambda m: m.nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True),
               randn(2, 3, 8), call=lambda mod, x: mod(x, x, x), train=False),
    ModuleInfo("TransformerDecoder_masks", lambda m: m.nn.TransformerDecoder(
        m.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, norm_first=True), 2),
        lambda r: [f32(r, 4, 2, 8), f32(r, 3, 2, 8), NoGrad(np.triu(np.full((4, 4), -np.inf, np.float32), 1)),
                   np.array([[False, False, True], [False] * 3])],
        call=lambda mod, t, mem, tm, mkpm: mod(t, mem, tgt_mask=tm, memory_key_padding_mask=mkpm)),
    ModuleInfo("TransformerEncoderLayer_eval_unbatched", lambda m: m.nn.TransformerEncoderLayer(8, 2, 16),
               randn(5, 8), train=False),
    loss("NLLLoss_2d_none", lambda m: m.nn.NLLLoss(reduction="none", ignore_index=0), _log_softmax(2, 3, 4),
               _cls(3, 2, 4)),
    loss("CrossEntropyLoss_none", lambda m: m.nn.CrossEntropyLoss(reduction="none", ignore_index=2),
               _x(5, 3), _cls(3, 5)),
    loss("BCEWithLogitsLoss_weight_sum", lambda m: m.nn.BCEWithLogitsLoss(weight=m.tensor([1.0, 0.5, 2.0]),
                                                                                reduction="sum"),
               _x(4, 3), lambda r: NoGrad(r.random((4, 3)).astype(np.float32))),
]

# ---------------------------------------------------------------- padding, resampling
MODULES += [
    ModuleInfo("ZeroPad2d", lambda m: m.nn.ZeroPad2d((1, 0, 2, 1)), randn(1, 2, 3, 3)),
    ModuleInfo("ConstantPad1d", lambda m: m.nn.ConstantPad1d(2, 3.5), randn(2, 3)),
    ModuleInfo("ReflectionPad2d", lambda m: m.nn.ReflectionPad2d(1), randn(1, 2, 3, 3)),
    ModuleInfo("ReplicationPad1d", lambda m: m.nn.ReplicationPad1d((2, 1)), randn(1, 2, 3)),
    ModuleInfo("CircularPad2d", lambda m: m.nn.CircularPad2d((1, 1, 0, 2)), randn(2, 3, 3)),
    ModuleInfo("ZeroPad3d", lambda m: m.nn.ZeroPad3d(1), randn(1, 1, 2, 2, 2)),
    ModuleInfo("PixelShuffle", lambda m: m.nn.PixelShuffle(2), randn(1, 8, 2, 3)),
    ModuleInfo("PixelUnshuffle", lambda m: m.nn.PixelUnshuffle(2), randn(1, 2, 4, 6)),
    ModuleInfo("Upsample_nearest", lambda m: m.nn.Upsample(scale_factor=2), randn(1, 2, 3, 3)),
    ModuleInfo("UpsamplingBilinear2d", lambda m: m.nn.UpsamplingBilinear2d(size=(5, 4)), randn(1, 2, 3, 3)),
    ModuleInfo("Upsample_linear", lambda m: m.nn.Upsample(size=7, mode="linear"), randn(1, 2, 4)),
]

# ---------------------------------------------------------------- composite models
MODULES += [
    ModuleInfo("Sequential_mlp", lambda m: m.nn.Sequential(m.nn.Linear(3, 8), m.nn.Tanh(), m.nn.Dropout(0.0),
                                                           m.nn.Linear(8, 2), m.nn.LogSoftmax(1)), randn(4, 3)),
    ModuleInfo("Sequential_cnn", lambda m: m.nn.Sequential(
        m.nn.Conv2d(1, 4, 3, padding=1), m.nn.BatchNorm2d(4), m.nn.ReLU(), m.nn.MaxPool2d(2),
        m.nn.Flatten(), m.nn.Linear(16, 3)), randn(2, 1, 4, 4)),
]


# Layers whose nn.functional op does not exist yet: their structure (state_dict, repr) is checked now; move them
# into MODULES when F.multi_margin_loss, F.multilabel_margin_loss, F.triplet_margin_with_distance_loss and
# F.ctc_loss arrive.
AWAITING_FUNCTIONAL = [
    loss("MultiMarginLoss", lambda m: m.nn.MultiMarginLoss(p=2, margin=0.5), _x(3, 4), _cls(4, 3)),
    loss("MultiLabelMarginLoss", lambda m: m.nn.MultiLabelMarginLoss(), _x(2, 4),
         lambda r: np.array([[3, 0, -1, 1], [1, 2, 3, -1]])),
    loss("TripletMarginWithDistanceLoss", lambda m: m.nn.TripletMarginWithDistanceLoss(margin=0.5, swap=True),
         _x(3, 4), _x(3, 4), _x(3, 4)),
    loss("CTCLoss", lambda m: m.nn.CTCLoss(blank=0, zero_infinity=True), _log_softmax(5, 2, 4, axis=2),
         lambda r: np.array([[1, 2], [3, 3]]), lambda r: np.array([5, 4]), lambda r: np.array([2, 2])),
]


@pytest.mark.parametrize("info", AWAITING_FUNCTIONAL, ids=str)
def test_module_structure_matches_torch(info):
    check_structure(info)


@pytest.mark.parametrize("info", MODULES, ids=str)
def test_module_matches_torch(info):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. TransformerEncoder's nested-tensor notice, the same on both sides
        check_module(info)
