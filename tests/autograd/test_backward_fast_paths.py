"""The backward engine's cheap paths give torch's values: W1's chain bit for bit in float32, a float number met as a
kept 0-d array (``pointwise.opmath``), and ``saved_tensors`` while another thread runs a create_graph pass
(``grad_mode.creating``)."""
import threading

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd.grad_mode import creating


def _chain(m, x, n=6):
    y = x
    for _ in range(n):
        y = (((y * 0.9) + x).tanh().sigmoid()).exp()
    return y.sum()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_w1_chain_gradient_as_torch(dtype):
    x0 = np.linspace(-1, 1, 16).astype(dtype)
    grads = []
    for m in (npgrad, torch):
        x = m.tensor(x0, requires_grad=True)
        _chain(m, x).backward()
        grads.append(x.grad.detach().numpy())
    assert grads[0].dtype == grads[1].dtype
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_tanh_and_sigmoid_backward_formulas_bitwise_as_torch(name, dtype):
    """Given the same gradient and saved result, the array formula (with its 0-d one) gives torch's values."""
    rng = np.random.default_rng(1)
    out = np.tanh(rng.standard_normal(1000)).astype(dtype)
    if name == "sigmoid":
        out = (out + 1) / 2
    g = rng.standard_normal(1000).astype(dtype)
    from npgrad.ops.pointwise_unary import tanh_backward, sigmoid_backward
    ours = (tanh_backward if name == "tanh" else sigmoid_backward)(g, out)
    theirs = getattr(torch.ops.aten, f"{name}_backward")(torch.from_numpy(g), torch.from_numpy(out)).numpy()
    assert ours.dtype == theirs.dtype
    if name == "sigmoid":
        np.testing.assert_array_equal(ours, theirs)
    else:  # torch's kernel computes 1 - out*out with a fused multiply-add: within an ulp of the rounded form
        # (the rounding of 1 - out*out is relative to 1, so the difference is bounded by |grad| ulps of 1)
        assert np.all(np.abs(ours - theirs) <= 2 * np.finfo(dtype).eps * np.abs(g))


@pytest.mark.parametrize("b", [0.9, -0.0, 0.0, 1e-45, 7e38, float("nan"), float("inf"), 1 / 3, -2.5])
def test_mul_and_div_by_a_float_backward_as_torch(b):
    x0 = np.random.default_rng(0).standard_normal(32).astype(np.float32) * 100
    out = []
    for m in (npgrad, torch):
        x = m.tensor(x0, requires_grad=True)
        ((x * b).sum() + (x / b).sum() + ((x * 1.0) * b).sum()).backward()
        out.append(x.grad.detach().numpy())
    np.testing.assert_array_equal(out[0], out[1])
    assert np.array_equal(np.signbit(out[0]), np.signbit(out[1]))


def test_plain_backward_while_another_thread_records_create_graph():
    """The plain pass must get arrays and the create_graph pass Tensors, whatever the other thread does."""
    started, release = threading.Event(), threading.Event()
    results = {}

    class Waits(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            started.set()
            release.wait(10)
            return g

    def create_pass():
        x = npgrad.tensor([0.5, -0.25], requires_grad=True)
        y = Waits.apply(x).tanh().sum()
        (g,) = npgrad.autograd.grad(y, x, create_graph=True)
        results["create"] = (g.requires_grad, npgrad.autograd.grad(g.sum(), x)[0])

    t = threading.Thread(target=create_pass)
    t.start()
    assert started.wait(10)
    assert creating  # the other thread's pass is running
    x = npgrad.tensor([0.5, -0.25], requires_grad=True)
    x.tanh().sigmoid().exp().sum().backward()
    release.set()
    t.join(10)
    xt = torch.tensor([0.5, -0.25], requires_grad=True)
    xt.tanh().sigmoid().exp().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-6)
    xt = torch.tensor([0.5, -0.25], requires_grad=True)
    (gt,) = torch.autograd.grad(xt.tanh().sum(), xt, create_graph=True)
    req, gg = results["create"]
    assert req
    np.testing.assert_allclose(gg.numpy(), torch.autograd.grad(gt.sum(), xt)[0].numpy(), rtol=1e-6)
    assert not creating
