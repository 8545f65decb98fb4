"""``nn.init`` and every layer's default initialisation against torch.

npgrad's random streams are not torch's, so random fills are compared by their distribution (range, mean,
standard deviation of large samples from both), and deterministic fills (constant, eye, dirac, gains, fans)
value for value.
"""
import math
import warnings

import numpy as np
import pytest
import torch

import npgrad
from tests.nn.test_modules_api import raises_like


def stats(t):
    a = t.detach().numpy().astype(np.float64).ravel()
    return a.min(), a.max(), a.mean(), a.std()


def assert_same_distribution(ours, theirs, what=""):
    """Samples from the same distribution: mean, std and (for bounded ones) range agree within sampling error."""
    lo_o, hi_o, mean_o, std_o = stats(ours)
    lo_t, hi_t, mean_t, std_t = stats(theirs)
    n = min(ours.numel(), theirs.numel())
    scale = max(std_t, 1e-12)
    assert abs(mean_o - mean_t) < 5 * scale * math.sqrt(2 / n) + 1e-12, f"{what}: mean {mean_o} vs torch {mean_t}"
    np.testing.assert_allclose(std_o, std_t, rtol=0.02 + 5 / math.sqrt(n), err_msg=f"{what}: std")
    width = hi_t - lo_t
    if width < 4 * scale:  # bounded (uniform-like): the sample extremes sit within ~width/n of the bounds
        tol = width * (0.01 + 10 / n)
        assert abs(hi_o - hi_t) <= tol and abs(lo_o - lo_t) <= tol, f"{what}: range {lo_o, hi_o} vs {lo_t, hi_t}"


# ---------------------------------------------------------------- deterministic helpers
def test_calculate_gain():
    for name in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert npgrad.nn.init.calculate_gain(name) == torch.nn.init.calculate_gain(name)
    for param in (0.2, 1, 0.0):
        assert npgrad.nn.init.calculate_gain("leaky_relu", param) == torch.nn.init.calculate_gain("leaky_relu", param)
    raises_like(lambda m: m.nn.init.calculate_gain("leaky_relu", True))
    raises_like(lambda m: m.nn.init.calculate_gain("softmax"))


@pytest.mark.parametrize("shape", [(3, 4), (5, 2, 3), (4, 3, 2, 2), (2, 3, 1, 2, 3)])
def test_fans(shape):
    ours = npgrad.nn.init._calculate_fan_in_and_fan_out(npgrad.empty(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    for mode in ("fan_in", "fan_out", "FAN_OUT"):
        assert npgrad.nn.init._calculate_correct_fan(npgrad.empty(*shape), mode) == \
            torch.nn.init._calculate_correct_fan(torch.empty(*shape), mode)


def test_fan_errors():
    raises_like(lambda m: m.nn.init.xavier_uniform_(m.empty(3)))
    raises_like(lambda m: m.nn.init.kaiming_normal_(m.empty(3, 3), mode="fan_avg"))
    raises_like(lambda m: m.nn.init.eye_(m.empty(3)))
    raises_like(lambda m: m.nn.init.dirac_(m.empty(3, 3)))
    raises_like(lambda m: m.nn.init.dirac_(m.empty(3, 3, 3), groups=2))
    raises_like(lambda m: m.nn.init.orthogonal_(m.empty(3)))
    raises_like(lambda m: m.nn.init.sparse_(m.empty(3, 3, 3), 0.5))


@pytest.mark.parametrize("fn", [
    lambda m, t: m.nn.init.constant_(t, 0.3), lambda m, t: m.nn.init.ones_(t), lambda m, t: m.nn.init.zeros_(t),
    lambda m, t: m.nn.init.eye_(t.view(6, 4)), lambda m, t: m.nn.init.eye_(t.view(4, 6)),
    lambda m, t: m.nn.init.dirac_(t.view(2, 3, 4)), lambda m, t: m.nn.init.dirac_(t.view(4, 2, 3, 1), groups=2),
    lambda m, t: m.nn.init.dirac_(t.view(2, 2, 1, 2, 3)),
])
def test_deterministic_fills(fn):
    t, o = torch.empty(24), npgrad.empty(24)
    r_t, r_o = fn(torch, t), fn(npgrad, o)
    np.testing.assert_array_equal(o.numpy(), t.numpy())
    np.testing.assert_array_equal(r_o.numpy(), r_t.numpy())


def test_in_place_outside_autograd():
    p = npgrad.nn.Parameter(npgrad.empty(5, 4))
    v = p._version
    for fn in (npgrad.nn.init.uniform_, npgrad.nn.init.normal_, npgrad.nn.init.xavier_normal_,
               npgrad.nn.init.kaiming_uniform_, npgrad.nn.init.orthogonal_, npgrad.nn.init.trunc_normal_,
               npgrad.nn.init.zeros_):
        assert fn(p) is p
        assert p.grad_fn is None and p.requires_grad and p.is_leaf
    assert p._version > v
    h = npgrad.empty(2, 3, dtype=npgrad.float16)
    npgrad.nn.init.normal_(h)
    assert h.dtype == npgrad.float16
    view = npgrad.zeros(4, 4)
    npgrad.nn.init.ones_(view[1])
    assert view.sum().item() == 4.0


def test_generator_reproducible():
    g1, g2 = npgrad.Generator().manual_seed(3), npgrad.Generator().manual_seed(3)
    a = npgrad.nn.init.normal_(npgrad.empty(10), generator=g1)
    b = npgrad.nn.init.normal_(npgrad.empty(10), generator=g2)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    npgrad.manual_seed(7)
    c = npgrad.nn.init.kaiming_uniform_(npgrad.empty(4, 5))
    npgrad.manual_seed(7)
    d = npgrad.nn.init.kaiming_uniform_(npgrad.empty(4, 5))
    np.testing.assert_array_equal(c.numpy(), d.numpy())


def test_zero_element_warning():
    for m in (torch, npgrad):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.init.kaiming_uniform_(m.empty(0, 3))
        assert [str(x.message) for x in w] == ["Initializing zero-element tensors is a no-op"]


def test_deprecated_aliases_warn():
    for m in (torch, npgrad):  # torch: a FutureWarning
        with pytest.warns(FutureWarning, match="nn.init.normal` is now deprecated in favor of `nn.init.normal_"):
            m.nn.init.normal(m.empty(2))


# ---------------------------------------------------------------- random fills: distributions
SHAPE = (200, 100)

RANDOM_FILLS = {
    "uniform": lambda m, t: m.nn.init.uniform_(t, -0.5, 2.0),
    "normal": lambda m, t: m.nn.init.normal_(t, 1.0, 0.3),
    "trunc_normal": lambda m, t: m.nn.init.trunc_normal_(t, 0.0, 1.0, -1.0, 2.0),
    "trunc_normal_tail": lambda m, t: m.nn.init.trunc_normal_(t, 0.0, 0.5, 1.0, 1.5),
    "xavier_uniform": lambda m, t: m.nn.init.xavier_uniform_(t, gain=2.0),
    "xavier_normal": lambda m, t: m.nn.init.xavier_normal_(t),
    "kaiming_uniform": lambda m, t: m.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
    "kaiming_uniform_relu_out": lambda m, t: m.nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"),
    "kaiming_normal": lambda m, t: m.nn.init.kaiming_normal_(t, a=0.1, nonlinearity="leaky_relu"),
    "kaiming_normal_conv": lambda m, t: m.nn.init.kaiming_normal_(t.view(20, 10, 10, 10), mode="fan_out"),
    "orthogonal": lambda m, t: m.nn.init.orthogonal_(t, gain=1.5),
    "sparse": lambda m, t: m.nn.init.sparse_(t, 0.3, std=0.2),
}


@pytest.mark.parametrize("name", list(RANDOM_FILLS))
def test_random_fill_distribution(name):
    torch.manual_seed(0)
    npgrad.manual_seed(0)
    shape = (100, 50) if name.startswith("trunc") else SHAPE  # torch's truncated sampler is slow
    t, o = torch.empty(*shape), npgrad.empty(*shape)
    RANDOM_FILLS[name](torch, t)
    RANDOM_FILLS[name](npgrad, o)
    assert tuple(o.shape) == shape and o.dtype == npgrad.float32
    assert_same_distribution(o, t, name)


def test_trunc_normal_bounds_and_orthogonality():
    o = npgrad.nn.init.trunc_normal_(npgrad.empty(1000), mean=0.5, std=2.0, a=-0.25, b=0.75)
    assert o.min().item() >= -0.25 and o.max().item() <= 0.75
    with pytest.warns(UserWarning, match="mean is more than 2 std"):
        npgrad.nn.init.trunc_normal_(npgrad.empty(10), mean=5.0, std=1.0, a=-1.0, b=1.0)
    for shape in [(4, 7), (7, 4), (3, 2, 2, 2)]:
        w = npgrad.nn.init.orthogonal_(npgrad.empty(*shape), gain=2.0).numpy().reshape(shape[0], -1)
        small = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        np.testing.assert_allclose(small, 4 * np.eye(small.shape[0]), atol=1e-5)
    s = npgrad.nn.init.sparse_(npgrad.empty(10, 6), sparsity=0.25).numpy()
    assert ((s == 0).sum(0) == math.ceil(0.25 * 10)).all()


# ---------------------------------------------------------------- every layer's reset_parameters
LAYERS = {
    "Linear": lambda m: m.nn.Linear(300, 200),
    "Bilinear": lambda m: m.nn.Bilinear(40, 30, 50),
    "Conv1d": lambda m: m.nn.Conv1d(20, 40, 5),
    "Conv2d": lambda m: m.nn.Conv2d(16, 32, 3, groups=2),
    "ConvTranspose2d": lambda m: m.nn.ConvTranspose2d(16, 32, 3),
    "Embedding": lambda m: m.nn.Embedding(300, 50, padding_idx=3),
    "RNN": lambda m: m.nn.RNN(30, 64, 2),
    "LSTM": lambda m: m.nn.LSTM(30, 40, bidirectional=True, proj_size=20),
    "GRUCell": lambda m: m.nn.GRUCell(30, 50),
    "MultiheadAttention": lambda m: m.nn.MultiheadAttention(64, 4, add_bias_kv=True, kdim=32),
    "PReLU": lambda m: m.nn.PReLU(50, init=0.3),
    "BatchNorm2d": lambda m: m.nn.BatchNorm2d(30),
    "LayerNorm": lambda m: m.nn.LayerNorm((5, 6)),
    "GroupNorm": lambda m: m.nn.GroupNorm(3, 30),
    "Transformer": lambda m: m.nn.Transformer(32, 2, 1, 1, 64),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_default_init(name):
    torch.manual_seed(0)
    npgrad.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, ours = LAYERS[name](torch), LAYERS[name](npgrad)
    o_params = dict(ours.named_parameters())
    assert list(o_params) == [n for n, _ in theirs.named_parameters()]
    for pname, t in theirs.named_parameters():
        o = o_params[pname]
        if t.numel() == 1 or float(t.detach().std()) == 0:  # constant tensors: exact values
            np.testing.assert_array_equal(o.detach().numpy(), t.detach().numpy(), err_msg=pname)
        else:
            assert_same_distribution(o, t, f"{name}.{pname}")
    for bname, t in theirs.named_buffers():
        np.testing.assert_array_equal(dict(ours.named_buffers())[bname].numpy(), t.numpy())
    if name == "Embedding":
        assert not ours.weight[3].detach().numpy().any()
