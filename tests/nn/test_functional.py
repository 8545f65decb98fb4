"""``npgrad.nn.functional`` beyond the op table: errors, running statistics, randomness, in-place forms,
stability at large logits, torch's top-level signatures, and hypothesis checks of shapes over random geometry.
Everything is compared with torch at test time."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import npgrad
from tests.support.oracle import compare, compare_error, assert_same, to_np

rng = np.random.default_rng(5)


def arr(*shape, lo=-2.0, hi=2.0, dtype=np.float32):
    return rng.uniform(lo, hi, shape).astype(dtype)


# ---------------------------------------------------------------------------------------------- errors
X4 = arr(2, 3, 6, 6)
W4 = arr(4, 3, 3, 3)
LOGITS = arr(4, 5)

ERRORS = [
    ("conv2d 2-d input", lambda m, x, w: m.nn.functional.conv2d(x, w), (arr(2, 3), W4)),
    ("conv2d channels", lambda m, x, w: m.nn.functional.conv2d(x, w), (arr(2, 5, 6, 6), W4)),
    ("conv2d kernel too big", lambda m, x, w: m.nn.functional.conv2d(x, w), (arr(2, 3, 2, 2), W4)),
    ("conv2d stride 0", lambda m, x, w: m.nn.functional.conv2d(x, w, stride=0), (X4, W4)),
    ("conv2d negative padding", lambda m, x, w: m.nn.functional.conv2d(x, w, padding=-1), (X4, W4)),
    ("conv2d same strided", lambda m, x, w: m.nn.functional.conv2d(x, w, padding="same", stride=2), (X4, W4)),
    ("conv2d bad padding string", lambda m, x, w: m.nn.functional.conv2d(x, w, padding="full"), (X4, W4)),
    ("conv2d dtypes", lambda m, x, w: m.nn.functional.conv2d(x.double(), w), (X4, W4)),
    ("conv2d bias size", lambda m, x, w, b: m.nn.functional.conv2d(x, w, b), (X4, W4, arr(3))),
    ("conv2d groups", lambda m, x, w: m.nn.functional.conv2d(x, w, groups=3), (X4, arr(4, 1, 3, 3))),
    ("conv2d stride tuple", lambda m, x, w: m.nn.functional.conv2d(x, w, stride=(1, 1, 1)), (X4, W4)),
    ("conv_transpose2d output_padding", lambda m, x, w: m.nn.functional.conv_transpose2d(
        x, w, stride=2, output_padding=2), (X4, arr(3, 2, 3, 3))),
    ("conv_transpose2d padding string", lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, padding="same"),
     (X4, arr(3, 2, 3, 3))),
    ("max_pool2d pad too big", lambda m, x: m.nn.functional.max_pool2d(x, 2, padding=2), (X4,)),
    ("max_pool2d output too small", lambda m, x: m.nn.functional.max_pool2d(x, 7), (X4,)),
    ("avg_pool2d 2-d input", lambda m, x: m.nn.functional.avg_pool2d(x, 2), (arr(3, 4),)),
    ("batch_norm one value per channel", lambda m, x: m.nn.functional.batch_norm(x, None, None, training=True),
     (arr(1, 3),)),
    ("batch_norm eval without stats", lambda m, x: m.nn.functional.batch_norm(x, None, None), (X4,)),
    ("layer_norm shape", lambda m, x: m.nn.functional.layer_norm(x, (4,)), (X4,)),
    ("group_norm groups", lambda m, x: m.nn.functional.group_norm(x, 2), (X4,)),
    ("cross_entropy target range", lambda m, x, t: m.nn.functional.cross_entropy(x, t),
     (LOGITS, np.array([0, 1, 5, 2]))),
    ("cross_entropy batch", lambda m, x, t: m.nn.functional.cross_entropy(x, t), (LOGITS, np.array([0, 1]))),
    ("cross_entropy float target shape", lambda m, x, t: m.nn.functional.cross_entropy(x, t),
     (LOGITS, arr(4, 4, lo=0, hi=1))),
    ("cross_entropy smoothing", lambda m, x, t: m.nn.functional.cross_entropy(x, t, label_smoothing=1.5),
     (LOGITS, np.array([0, 1, 2, 3]))),
    ("cross_entropy reduction", lambda m, x, t: m.nn.functional.cross_entropy(x, t, reduction="avg"),
     (LOGITS, np.array([0, 1, 2, 3]))),
    ("nll_loss int32 target", lambda m, x, t: m.nn.functional.nll_loss(x, t), (LOGITS, np.array([0, 1, 2, 3],
                                                                                                np.int32))),
    ("nll_loss weight size", lambda m, x, t, w: m.nn.functional.nll_loss(x, t, w),
     (LOGITS, np.array([0, 1, 2, 3]), arr(4))),
    ("binary_cross_entropy range", lambda m, x, y: m.nn.functional.binary_cross_entropy(x, y),
     (arr(3, lo=1.5, hi=2), arr(3, lo=0, hi=1))),
    ("bce_with_logits shape", lambda m, x, y: m.nn.functional.binary_cross_entropy_with_logits(x, y),
     (arr(3, 2), arr(2, 2))),
    ("huber delta", lambda m, x, y: m.nn.functional.huber_loss(x, y, delta=0.0), (arr(3), arr(3))),
    ("smooth_l1 beta", lambda m, x, y: m.nn.functional.smooth_l1_loss(x, y, beta=-1.0), (arr(3), arr(3))),
    ("mse broadcast", lambda m, x, y: m.nn.functional.mse_loss(x, y), (arr(3, 2), arr(2, 2))),
    ("glu odd", lambda m, x: m.nn.functional.glu(x, 1), (arr(2, 5),)),
    ("glu scalar", lambda m, x: m.nn.functional.glu(x), (arr(),)),
    ("gelu integer", lambda m, x: m.nn.functional.gelu(x), (np.array([1, 2]),)),
    ("softshrink negative", lambda m, x: m.nn.functional.softshrink(x, -1.0), (arr(3),)),
    ("one_hot float", lambda m, x: m.nn.functional.one_hot(x), (np.array([0.0, 1.0]),)),
    ("one_hot negative", lambda m, x: m.nn.functional.one_hot(x), (np.array([0, -1]),)),
    ("one_hot too many classes", lambda m, x: m.nn.functional.one_hot(x, 2), (np.array([0, 3]),)),
    ("one_hot empty", lambda m, x: m.nn.functional.one_hot(x), (np.zeros(0, np.int64),)),
    ("embedding index", lambda m, i, w: m.nn.functional.embedding(i, w), (np.array([0, 9]), arr(4, 2))),
    ("embedding float index", lambda m, i, w: m.nn.functional.embedding(i, w), (np.array([0.0, 1.0]), arr(4, 2))),
    ("embedding padding_idx", lambda m, i, w: m.nn.functional.embedding(i, w, padding_idx=9),
     (np.array([0, 1]), arr(4, 2))),
    ("dropout p", lambda m, x: m.nn.functional.dropout(x, 1.5), (arr(3),)),
    ("pad odd length", lambda m, x: m.nn.functional.pad(x, (1,)), (X4,)),
    ("pad reflect too wide", lambda m, x: m.nn.functional.pad(x, (6, 6), mode="reflect"), (arr(2, 3, 5),)),
    ("pad reflect dims", lambda m, x: m.nn.functional.pad(x, (1, 1), mode="reflect"), (X4,)),
    ("pad unknown mode", lambda m, x: m.nn.functional.pad(x, (1, 1), mode="mirror"), (X4,)),
    ("pad value with reflect", lambda m, x: m.nn.functional.pad(x, (1, 1), mode="reflect", value=1.0),
     (arr(2, 3, 5),)),
    ("interpolate no size", lambda m, x: m.nn.functional.interpolate(x), (X4,)),
    ("interpolate align_corners nearest", lambda m, x: m.nn.functional.interpolate(x, size=3, align_corners=True),
     (X4,)),
    ("interpolate bilinear 3-d", lambda m, x: m.nn.functional.interpolate(x, size=3, mode="bilinear"),
     (arr(2, 3, 5),)),
    ("pixel_shuffle channels", lambda m, x: m.nn.functional.pixel_shuffle(x, 2), (arr(1, 3, 2, 2),)),
    ("linear shapes", lambda m, x, w: m.nn.functional.linear(x, w), (arr(2, 3), arr(4, 5))),
]


@pytest.mark.parametrize("name,fn,args", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, fn, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, _ = compare_error(fn, args)
    assert str(ours)   # a message that says what was wrong


# ---------------------------------------------------------------------------------------------- running stats
@pytest.mark.parametrize("momentum", [0.1, 0.7])
def test_batch_norm_updates_running_stats_in_place(momentum):
    x = arr(5, 3, 4)
    res = {}
    for m in (npgrad, torch):
        rm, rv = m.zeros(3), m.ones(3)
        y = m.nn.functional.batch_norm(m.tensor(x), rm, rv, training=True, momentum=momentum)
        y = m.nn.functional.batch_norm(m.tensor(x * 2 + 1), rm, rv, training=True, momentum=momentum)
        res[m] = (y, rm, rv)
    for a, b in zip(res[npgrad], res[torch]):
        assert_same(a, b)
    # eval mode uses (and leaves alone) the running statistics
    for m in (npgrad, torch):
        rm, rv = m.tensor([0.5, -1.0, 2.0]), m.tensor([1.5, 0.5, 2.0])
        res[m] = (m.nn.functional.batch_norm(m.tensor(x), rm, rv, training=False), rm, rv)
    for a, b in zip(res[npgrad], res[torch]):
        assert_same(a, b)


def test_instance_norm_running_stats():
    x = arr(2, 3, 5)
    res = {}
    for m in (npgrad, torch):
        rm, rv = m.zeros(3), m.ones(3)
        y = m.nn.functional.instance_norm(m.tensor(x), rm, rv, momentum=0.2)
        res[m] = (y, rm, rv, rm._version > 0)
    for a, b in zip(res[npgrad], res[torch]):
        assert_same(a, b)


# ---------------------------------------------------------------------------------------------- dropout
def test_dropout_statistics_and_scale():
    npgrad.manual_seed(0)
    x = npgrad.ones(200, 100)
    y = npgrad.nn.functional.dropout(x, 0.3)
    kept = y.numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y.numpy()[kept], 1 / 0.7, rtol=1e-6)
    assert y.dtype == npgrad.float32


def test_dropout_reproducible_and_modes():
    x = npgrad.tensor(arr(4, 5), requires_grad=True)
    npgrad.manual_seed(3)
    a = npgrad.nn.functional.dropout(x, 0.5)
    npgrad.manual_seed(3)
    b = npgrad.nn.functional.dropout(x, 0.5)
    assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert a.grad_fn.name() == "MulBackward0"
    a.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (a.detach().numpy() != 0) * 2.0)
    assert npgrad.nn.functional.dropout(x, 0.5, training=False) is x   # as torch: the input itself
    assert np.all(npgrad.nn.functional.dropout(x, 1.0).detach().numpy() == 0)


def test_dropout_inplace_and_channelwise():
    x = npgrad.ones(8, 6, 3, 3)
    v = x._version
    npgrad.nn.functional.dropout(x, 0.5, inplace=True)
    assert x._version > v and set(np.unique(x.numpy())) <= {0.0, 2.0}
    y = npgrad.nn.functional.dropout2d(npgrad.ones(8, 6, 3, 3), 0.5).numpy()
    assert np.all(y == y[:, :, :1, :1])   # one draw per channel
    z = npgrad.nn.functional.dropout1d(npgrad.ones(6, 4), 0.5).numpy()
    assert np.all(z == z[:, :1])


def test_alpha_dropout_keeps_mean_and_variance():
    npgrad.manual_seed(1)
    x = npgrad.randn(400, 250)
    y = npgrad.nn.functional.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.05 and abs(y.std() - 1) < 0.05
    assert npgrad.nn.functional.alpha_dropout(x, 0.2) is x


# ---------------------------------------------------------------------------------------------- in-place forms
INPLACE = [
    ("relu", lambda m, x: m.nn.functional.relu(x, inplace=True)),
    ("relu_", lambda m, x: m.nn.functional.relu_(x)),
    ("torch.relu_", lambda m, x: m.relu_(x)),
    ("elu_", lambda m, x: m.nn.functional.elu_(x, 0.5)),
    ("leaky_relu", lambda m, x: m.nn.functional.leaky_relu(x, 0.2, inplace=True)),
    ("hardtanh_", lambda m, x: m.nn.functional.hardtanh_(x, -0.5, 0.5)),
    ("relu6", lambda m, x: m.nn.functional.relu6(x, inplace=True)),
    ("threshold_", lambda m, x: m.nn.functional.threshold_(x, 0.1, -1.0)),
    ("selu_", lambda m, x: m.selu_(x)),
    ("celu", lambda m, x: m.nn.functional.celu(x, 2.0, inplace=True)),
    ("silu", lambda m, x: m.nn.functional.silu(x, inplace=True)),
    ("hardswish", lambda m, x: m.nn.functional.hardswish(x, inplace=True)),
]


@pytest.mark.parametrize("name,fn", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_activations(name, fn):
    x = arr(3, 4)
    x[np.abs(x) < 0.05] = 0.3   # away from the kinks
    compare(lambda m, a: fn(m, a * 1), (x,))
    # on a leaf that requires grad: torch's error
    compare_error(lambda m, a: fn(m, a.requires_grad_()), (x,))
    t = npgrad.tensor(x)
    v = t._version
    assert fn(npgrad, t) is t and t._version > v


# ---------------------------------------------------------------------------------------------- stability
def test_stable_at_large_logits():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0], [5e3, 5e3, -1e4]], np.float32)
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]], np.float32)
    t = np.array([1, 1, 2])
    F = "nn.functional"
    for fn, args in [(lambda m, a, b: m.nn.functional.cross_entropy(a, b), (x, t)),
                     (lambda m, a, b: m.nn.functional.cross_entropy(a, b, label_smoothing=0.1), (x, t)),
                     (lambda m, a: m.nn.functional.logsigmoid(a), (x,)),
                     (lambda m, a: m.nn.functional.softplus(a), (x,)),
                     (lambda m, a: m.nn.functional.log_softmax(a, 1), (x,)),
                     (lambda m, a, b: m.nn.functional.binary_cross_entropy_with_logits(a, b), (x, y)),
                     (lambda m, a: m.nn.functional.silu(a), (x,)),
                     (lambda m, a: m.nn.functional.mish(a), (x,))]:
        compare(fn, args, rtol=1e-5, atol=1e-6)
    assert F


def test_binary_cross_entropy_clamps_log():
    p = np.array([0.0, 1.0, 1e-30, 1.0], np.float64)
    t = np.array([1.0, 0.0, 1.0, 1.0], np.float64)
    compare(lambda m, a, b: m.nn.functional.binary_cross_entropy(a, b, reduction="none"), (p, t), rtol=1e-6)


def test_nll_loss_all_ignored_is_nan():
    compare(lambda m, a, b: m.nn.functional.nll_loss(a, b), (LOGITS, np.full(4, -100)))


def test_cross_entropy_graph_is_nll_after_log_softmax():
    x = npgrad.tensor(LOGITS, requires_grad=True)
    loss = npgrad.nn.functional.cross_entropy(x, npgrad.tensor([0, 1, 2, 3]))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"


def test_max_pool_nan_and_inf_like_torch():
    x = np.array([[[[-np.inf, -np.inf, 1.0, np.nan, 2.0, 2.0]]]], np.float32)
    compare(lambda m, a: m.nn.functional.max_pool2d(a, (1, 2), padding=(0, 1), return_indices=True), (x,))
    compare(lambda m, a: m.nn.functional.max_pool1d(a[0], 3, 1, return_indices=True), (x,))


def test_max_pool_nonfinite_gradients():
    x = arr(1, 1, 4, 4)

    def fn(m, a):
        a.requires_grad_()
        y = m.nn.functional.max_pool2d(a, 2)
        g = m.tensor([[[[np.inf, -1.0], [np.nan, 2.0]]]])
        return m.autograd.grad(y, a, g)[0]
    compare(fn, (x,), grad=False)


# ---------------------------------------------------------------------------------------------- torch.* forms
def test_top_level_signatures():
    x, w, b = arr(4, 3), arr(3), arr(3)
    rm, rv = arr(3), arr(3, lo=0.5, hi=2)
    idx = np.array([[0, 2], [1, 1]])
    compare(lambda m, a: m.dropout(a, 0.3, False), (x,))
    compare(lambda m, a, w_, b_, rm_, rv_: m.batch_norm(a, w_, b_, rm_, rv_, False, 0.1, 1e-5, False),
            (x, w, b, rm, rv), grad=False)
    compare(lambda m, w_, i: m.embedding(w_, i), (arr(3, 2), idx))
    compare(lambda m, a: m.adaptive_max_pool1d(a, 2), (arr(2, 3, 5),))
    compare(lambda m, a, t_: m.kl_div(a, t_, 2, log_target=False), (x, arr(4, 3, lo=0.1, hi=1)))
    compare(lambda m, a, t_: m.binary_cross_entropy_with_logits(a, t_, None, None, 0), (x, arr(4, 3, lo=0, hi=1)))
    compare(lambda m, a: m.max_pool2d(a, 2, 2, 0, 1, True), (arr(1, 2, 5, 5),))
    compare(lambda m, a: m.layer_norm(a, (3,)), (x,))
    compare(lambda m, a, b_: m.cosine_similarity(a, b_), (x, arr(4, 3)))
    compare(lambda m, a: m.pixel_shuffle(a, 2), (arr(1, 4, 2, 2),))
    compare(lambda m, a: m.selu(a), (x,))
    compare(lambda m, a: m.hardshrink(a, 0.3), (x,))


def test_legacy_reduction_arguments():
    x, y = arr(3, 4), arr(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda m, a, b: m.nn.functional.mse_loss(a, b, size_average=False), (x, y))
        compare(lambda m, a, b: m.nn.functional.l1_loss(a, b, reduce=False), (x, y))
        compare(lambda m, a, t: m.nn.functional.cross_entropy(a, t, size_average=False), (LOGITS, np.array([1, 0, 2, 4])))


def test_warnings_like_torch():
    with pytest.warns(UserWarning, match="Implicit dimension"):
        npgrad.nn.functional.softmax(npgrad.ones(2, 3))
    with pytest.warns(UserWarning, match="different to the input size"):
        npgrad.nn.functional.mse_loss(npgrad.ones(2, 3), npgrad.ones(3))
    with pytest.warns(UserWarning, match="batchmean"):
        npgrad.nn.functional.kl_div(npgrad.ones(2, 3), npgrad.ones(2, 3))


def test_embedding_max_norm_renormalises_rows_in_place():
    w = arr(5, 3, lo=-3, hi=3)
    idx = np.array([0, 3, 3])
    res = {}
    for m in (npgrad, torch):
        weight = m.tensor(w.copy())
        out = m.nn.functional.embedding(m.tensor(idx), weight, max_norm=1.0)
        res[m] = (out, weight)
    for a, b in zip(res[npgrad], res[torch]):
        assert_same(a, b)


def test_small_cnn_training_steps_match_torch():
    """Two SGD steps of a conv -> relu -> pool -> conv -> relu -> pool -> linear -> cross_entropy net."""
    x = arr(4, 1, 8, 8)
    y = np.array([0, 2, 1, 2])
    params = [arr(3, 1, 3, 3, lo=-0.5, hi=0.5), arr(3, lo=-0.1, hi=0.1), arr(4, 3, 3, 3, lo=-0.5, hi=0.5),
              arr(4, lo=-0.1, hi=0.1), arr(3, 16, lo=-0.3, hi=0.3), arr(3, lo=-0.1, hi=0.1)]
    losses = {}
    for m in (npgrad, torch):
        F = m.nn.functional
        P = [m.tensor(p.copy(), requires_grad=True) for p in params]
        out = []
        for _ in range(2):
            h = F.max_pool2d(F.relu(F.conv2d(m.tensor(x), P[0], P[1], padding=1)), 2)
            h = F.max_pool2d(F.relu(F.conv2d(h, P[2], P[3], padding=1)), 2)
            loss = F.cross_entropy(F.linear(h.reshape(4, -1), P[4], P[5]), m.tensor(y))
            loss.backward()
            with m.no_grad():
                for p in P:
                    p -= 0.5 * p.grad
                    p.grad = None
            out.append(loss.item())
        losses[m] = (out, [to_np(p) for p in P])
    np.testing.assert_allclose(losses[npgrad][0], losses[torch][0], rtol=1e-5)
    for a, b in zip(losses[npgrad][1], losses[torch][1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------------------------- properties
@st.composite
def conv_geometry(draw):
    k = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 2)))
    dil = draw(st.tuples(st.integers(1, 2), st.integers(1, 2)))
    pad = draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    groups = draw(st.sampled_from([1, 2]))
    size = draw(st.tuples(st.integers(1, 7), st.integers(1, 7)))
    size = tuple(max(s, d * (kk - 1) + 1 - 2 * p) for s, d, kk, p in zip(size, dil, k, pad))
    return k, stride, dil, pad, groups, size


@given(conv_geometry(), st.booleans())
def test_conv2d_any_geometry_matches_torch(geo, transposed):
    k, stride, dil, pad, groups, size = geo
    x = arr(2, 2 * groups, *size, dtype=np.float64)
    if transposed:
        op = tuple(min(s, d) - 1 for s, d in zip(stride, dil))
        w = arr(2 * groups, 2, *k, dtype=np.float64)

        def fn(m, a, b):
            return m.nn.functional.conv_transpose2d(a, b, stride=stride, padding=pad, output_padding=op,
                                                    groups=groups, dilation=dil)
        out = [(i - 1) * s - 2 * p + d * (kk - 1) + o + 1 for i, s, p, d, kk, o in zip(size, stride, pad, dil, k, op)]
        if min(out) > 0:
            compare(fn, (x, w))
        else:   # torch refuses an empty output: so must we
            compare_error(fn, (x, w))
    else:
        w = arr(3 * groups, 2, *k, dtype=np.float64)
        compare(lambda m, a, b: m.nn.functional.conv2d(a, b, stride=stride, padding=pad, dilation=dil,
                                                         groups=groups), (x, w))


@given(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2), st.booleans(),
       st.integers(3, 9), st.booleans())
def test_pooling_any_geometry_matches_torch(k, s, p, d, ceil, size, include_pad):
    p = min(p, k // 2)
    if size + 2 * p < d * (k - 1) + 1:
        return
    x = rng.permutation(2 * size * (size + 1)).reshape(1, 2, size, size + 1).astype(np.float64)
    compare(lambda m, a: m.nn.functional.max_pool2d(a, k, s, p, d, ceil, return_indices=True), (x,))
    if size + 2 * p >= k:
        compare(lambda m, a: m.nn.functional.avg_pool2d(a, k, s, p, ceil, include_pad), (x,))


@given(st.lists(st.integers(1, 3), min_size=0, max_size=3), st.sampled_from(["mean", "sum", "none"]),
       st.sampled_from(["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]))
def test_regression_losses_broadcast_like_torch(shape, reduction, name):
    a, b = arr(*shape, dtype=np.float64), arr(*shape[1:], dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda m, x, y: getattr(m.nn.functional, name)(x, y, reduction=reduction), (a, b))


@pytest.mark.parametrize("name", ["relu", "hardtanh", "leaky_relu", "hardsigmoid", "softshrink", "hardshrink"])
def test_masked_backward_with_nonfinite_and_negative_gradients(name):
    """The fast (multiply-by-mask) backward must keep torch's where() semantics: an inf or NaN upstream
    gradient stays out of the flat pieces, and zeros are +0.0 (torch prints 0., never -0.)."""
    x = np.array([-2.0, -0.3, 0.2, 3.5, -4.0, 0.7], np.float32)

    def fn(m, a, finite):
        a.requires_grad_()
        y = getattr(m.nn.functional, name)(a)
        g = [1.0, -2.0, 3.0, -1.0, -5.0, 2.0] if finite else [np.inf, np.nan, -1.0, 2.0, np.nan, -np.inf]
        return m.autograd.grad(y, a, m.tensor(g))[0]
    for finite in (True, False):
        compare(lambda m, a: fn(m, a, finite), (x,), grad=False)
        ours = fn(npgrad, npgrad.tensor(x), finite).numpy()
        assert not np.any(np.signbit(ours) & (ours == 0))


def test_conv_results_survive_buffer_recycling():
    """Convolutions recycle their scratch buffers: earlier results (and gradients) must never change."""
    F = npgrad.nn.functional
    for n in (1, 3):
        x = npgrad.tensor(arr(n, 2, 5, 5), requires_grad=True)
        w = npgrad.tensor(arr(3, 2, 3, 3), requires_grad=True)
        y1 = F.conv2d(x, w, padding=1)
        keep = y1.detach().numpy().copy()
        y1.sum().backward()
        gx = x.grad.numpy().copy()
        for _ in range(3):
            y2 = F.conv2d(npgrad.tensor(arr(n, 2, 5, 5), requires_grad=True), w, padding=1)
            (y2 * 3).sum().backward()
            F.conv_transpose2d(y2.detach(), w, padding=1)
        assert np.array_equal(y1.detach().numpy(), keep)
        assert np.array_equal(x.grad.numpy(), gx)
        compare(lambda m, a, b: m.nn.functional.conv2d(a, b, padding=1), (x.detach().numpy(), w.detach().numpy()))
