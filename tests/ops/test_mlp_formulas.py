"""The MLP step's own formulas against torch: ReLU's backward (torch's threshold_backward bit for bit: -0.0, NaN
and inf gradients, NaN results), log_softmax/softmax along short and long rows (the transposed row maximum),
and nll_loss/cross_entropy's path with every target counted (values, gradients, upstream gradients other than
1, double backward), next to the paths with ignored targets and weights."""
import numpy as np
import pytest
import torch

import npgrad

FLOATS = ["float32", "float64", "float16", "bfloat16"]


def _bits(t, dtype):
    a = t.detach().float().numpy() if dtype == "bfloat16" else t.detach().numpy()
    return a.view(np.int32 if a.dtype == np.float32 else np.int64 if a.dtype == np.float64 else np.int16)


def _same_bits(a, b, dtype):
    np.testing.assert_array_equal(_bits(a, dtype), _bits(b, dtype))


def _pair(values, dtype, requires_grad=False):
    return (npgrad.tensor(values, dtype=getattr(npgrad, dtype), requires_grad=requires_grad),
            torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=requires_grad))


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_backward_edges_bit_for_bit(dtype):
    nan, inf = float("nan"), float("inf")
    x = [-0.0, 0.0, nan, -1.0, 2.0, -inf, 3.0, -2.0, inf, 1e-30, -1e-30, 5.0]
    g = [1.0, -0.0, 3.0, nan, -0.0, nan, -2.0, -3.0, -inf, inf, -inf, nan]
    (xn, xt), (gn, gt) = _pair(x, dtype, True), _pair(g, dtype)
    npgrad.relu(xn).backward(gn)
    torch.relu(xt).backward(gt)
    _same_bits(xn.grad, xt.grad, dtype)


@pytest.mark.parametrize("shape", [(64, 256), (3, 5, 7), (1,), (1000,)])
def test_relu_backward_random_matches_torch(shape):
    rng = np.random.default_rng(len(shape))
    x = rng.standard_normal(shape).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    g.reshape(-1)[::7] = -0.0   # pass-through -0.0 kept, masked positions +0.0
    x.reshape(-1)[::11] = 0.0
    xn, xt = npgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    npgrad.relu(xn).backward(npgrad.tensor(g))
    torch.relu(xt).backward(torch.tensor(g))
    _same_bits(xn.grad, xt.grad, "float32")


def test_relu_backward_broadcast_and_transposed_gradients():
    x = np.random.default_rng(1).standard_normal((6, 4)).astype(np.float32)
    xn, xt = npgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    npgrad.relu(xn).sum().backward()          # a broadcast (stride-0) gradient
    torch.relu(xt).sum().backward()
    _same_bits(xn.grad, xt.grad, "float32")
    xn.grad = None
    xt.grad = None
    (npgrad.relu(xn).T * npgrad.arange(6.0)).sum().backward()   # a transposed gradient
    (torch.relu(xt).T * torch.arange(6.0)).sum().backward()
    _same_bits(xn.grad, xt.grad, "float32")


def test_relu_double_backward_matches_torch():
    x = np.array([-1.0, 0.5, 2.0, 0.0], np.float64)
    res = []
    for fw in (npgrad, torch):
        t = fw.tensor(x, requires_grad=True)
        g = fw.tensor([1.0, -2.0, 3.0, 4.0], requires_grad=True)
        y = fw.relu(t)
        (gx,) = fw.autograd.grad(y, t, g, create_graph=True)
        (gg,) = fw.autograd.grad((gx * gx).sum(), g)
        res.append((gx.detach().numpy(), gg.numpy()))
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])


@pytest.mark.parametrize("fn", ["log_softmax", "softmax"])
@pytest.mark.parametrize("shape,dim", [((64, 10), 1), ((512, 10), -1), ((16, 2), 1), ((8, 3, 5), 2), ((64, 100), 1),
                                       ((64, 10), 0), ((3, 64, 4), 1), ((40, 1), 1), ((0, 5), 1), ((5, 0), 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_family_rows_match_torch(fn, shape, dim, dtype):
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    if x.size > 8:
        x.reshape(-1)[3] = np.inf if fn == "softmax" else 1e4
        x.reshape(-1)[5] = -np.inf
    g = rng.standard_normal(shape).astype(dtype)
    out = []
    for fw in (npgrad, torch):
        t = fw.tensor(x, requires_grad=True)
        y = getattr(fw, fn)(t, dim)
        y.backward(fw.tensor(g))
        out.append((y.detach().numpy(), t.grad.numpy()))
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out[0][0], out[1][0], **tol, equal_nan=True)
    np.testing.assert_allclose(out[0][1], out[1][1], **tol, equal_nan=True)


def test_log_softmax_nan_row_and_half():
    x = np.array([[1.0, np.nan, 2.0], [0.0, 1.0, 2.0]] * 10, np.float32)
    for dtype in ("float32", "float16", "bfloat16"):
        a = npgrad.log_softmax(npgrad.tensor(x, dtype=getattr(npgrad, dtype)), 1).float().numpy()
        b = torch.log_softmax(torch.tensor(x, dtype=getattr(torch, dtype)), 1).float().numpy()
        np.testing.assert_allclose(a, b, rtol=1e-2 if dtype != "float32" else 1e-6, equal_nan=True)


def _nll_case(fw, x, t, reduction, ignore_index, weight, scale, fn):
    xt = fw.tensor(x, requires_grad=True)
    kw = dict(reduction=reduction, ignore_index=ignore_index)
    if weight is not None:
        kw["weight"] = fw.tensor(weight)
    loss = getattr(fw.nn.functional, fn)(xt, fw.tensor(t), **kw)
    up = fw.full(loss.shape, scale, dtype=loss.dtype)
    loss.backward(up)
    return loss.detach().numpy(), xt.grad.numpy(), loss.grad_fn.name()


@pytest.mark.parametrize("fn", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index,weighted", [(-100, False), (3, False), (-100, True), (12, False)])
@pytest.mark.parametrize("scale", [1.0, 0.3, -2.5])
def test_nll_and_cross_entropy_match_torch(fn, reduction, ignore_index, weighted, scale):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((64, 10)).astype(np.float32)
    if fn == "nll_loss":
        x = x - np.log(np.exp(x).sum(1, keepdims=True))
    t = rng.integers(0, 10, 64)
    t[:5] = 3
    w = rng.uniform(0.5, 2.0, 10).astype(np.float32) if weighted else None
    a = _nll_case(npgrad, x, t, reduction, ignore_index, w, scale, fn)
    b = _nll_case(torch, x, t, reduction, ignore_index, w, scale, fn)
    assert a[2] == b[2]
    np.testing.assert_allclose(a[0], b[0], rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(a[1], b[1], rtol=2e-6, atol=1e-8)


def test_nll_gradient_is_torchs_negated_quotient():
    # torch's nll_loss_backward: -(grad / total_weight) at each target, bit for bit
    x = np.zeros((7, 3), np.float32)
    t = np.array([0, 1, 2, 0, 1, 2, 0])
    for scale in (1.0, 0.1, 3.0, 1e-3):
        res = [_nll_case(fw, x, t, "mean", -100, None, scale, "nll_loss")[1] for fw in (npgrad, torch)]
        np.testing.assert_array_equal(res[0], res[1])


def test_nll_all_valid_path_keeps_its_target():
    # the target is copied when saved: writing into it after the forward changes no gradient
    x = npgrad.randn(4, 3, requires_grad=True)
    t = npgrad.tensor([0, 1, 2, 1])
    loss = npgrad.nn.functional.nll_loss(x, t)
    t[0] = 2
    loss.backward()
    expected = np.zeros((4, 3), np.float32)
    expected[[0, 1, 2, 3], [0, 1, 2, 1]] = -0.25
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_cross_entropy_double_backward_matches_torch():
    x = np.random.default_rng(3).standard_normal((6, 4))
    t = np.array([0, 3, 1, 2, 2, 0])
    res = []
    for fw in (npgrad, torch):
        xt = fw.tensor(x, requires_grad=True)
        loss = fw.nn.functional.cross_entropy(xt, fw.tensor(t))
        (g,) = fw.autograd.grad(loss, xt, create_graph=True)
        (gg,) = fw.autograd.grad((g ** 2).sum(), xt)
        res.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10, atol=1e-13)


def test_nll_out_of_range_target_raises_as_torch():
    x = npgrad.randn(4, 3, requires_grad=True)
    with pytest.raises(IndexError):
        npgrad.nn.functional.nll_loss(x, npgrad.tensor([0, 1, 3, 1]))
