"""sigmoid: the one-array forward against torch, and its backward under create_graph recorded as torch's one
``SigmoidBackwardBackward0`` node (with its own derivative) rather than rsub, mul, mul."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import npgrad


def _t(m, values, dtype="float64", req=False):
    return m.tensor(values, dtype=getattr(m, dtype), requires_grad=req)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("values", [0.5, [], [-100.0, -88.7, -20.0, 0.0, 1e-3, 20.0, 100.0],
                                    [[float("inf"), float("-inf")], [float("nan"), -0.0]]])
def test_forward_matches_torch(values, dtype):
    a = npgrad.sigmoid(_t(npgrad, values, dtype))
    b = torch.sigmoid(_t(torch, values, dtype))
    assert str(a.dtype) == str(b.dtype).replace("torch", "npgrad") and tuple(a.shape) == tuple(b.shape)
    np.testing.assert_allclose(np.asarray(a.float().tolist()), b.float().numpy(), rtol=1e-6 if dtype == "float32"
                               else 1e-12 if dtype == "float64" else 1e-2, atol=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-30, 30, allow_nan=False), min_size=1, max_size=12))
def test_forward_float32_within_four_ulps_of_torch(xs):  # (the exp kernels differ: NumPy's against Sleef)
    a = np.asarray(npgrad.sigmoid(_t(npgrad, xs, "float32")).tolist(), dtype=np.float32)
    b = torch.sigmoid(_t(torch, xs, "float32")).numpy()
    assert np.all(np.abs(a - b) <= 4 * np.spacing(np.maximum(np.abs(a), np.abs(b))))


def test_sigmoid_of_an_integer_tensor_and_a_strided_view():
    for m in (npgrad, torch):
        assert m.sigmoid(m.tensor([1, 2, 3])).dtype == m.float32
    x = np.arange(24.0).reshape(4, 6) / 10 - 1
    a = npgrad.sigmoid(npgrad.tensor(x)[:, ::2])
    b = torch.sigmoid(torch.tensor(x)[:, ::2])
    np.testing.assert_allclose(np.asarray(a.tolist()), b.numpy(), rtol=1e-15)


def _double(m, x, seed):
    y = m.sigmoid(x)
    g, = m.autograd.grad(y, x, seed, create_graph=True)
    return y, g


def test_create_graph_records_one_sigmoid_backward_node_as_torch():
    vals = [-2.0, -0.3, 0.0, 0.7, 3.0]
    res = {}
    for m in (npgrad, torch):
        x = _t(m, vals, req=True)
        seed = _t(m, [1.0, 0.5, -1.0, 2.0, 0.25], req=True)
        y, g = _double(m, x, seed)
        names = (g.grad_fn.name(), [type(n).__name__ if n is not None and m is torch else
                                    (n.name() if n is not None else None) for n, _ in g.grad_fn.next_functions])
        gx, gs = m.autograd.grad(g.sum(), (x, seed), create_graph=True)
        gxx, = m.autograd.grad((gx * gx).sum(), x)  # a third derivative through SigmoidBackwardBackward0's own
        res[m] = (names, [t.tolist() for t in (g, gx, gs, gxx)])
    assert res[npgrad][0][0] == res[torch][0][0] == "SigmoidBackwardBackward0"
    for a, b in zip(res[npgrad][1], res[torch][1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_sigmoid_backward_node_gradcheck_and_gradgradcheck():
    x = npgrad.tensor([-1.5, -0.2, 0.4, 2.0], dtype=npgrad.float64, requires_grad=True)
    seed = npgrad.tensor([0.3, -1.0, 2.0, 0.7], dtype=npgrad.float64, requires_grad=True)

    def f(x, seed):  # (gradcheck's numerical pass runs it with grad mode off, on inputs that need no grad)
        with npgrad.enable_grad():
            if not x.requires_grad:
                x = x.detach().requires_grad_()
            return _double(npgrad, x, seed)[1]

    assert npgrad.autograd.gradcheck(f, (x, seed))
    assert npgrad.autograd.gradgradcheck(f, (x, seed))


def test_plain_backward_matches_torch_in_every_float_dtype():
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        out = {}
        for m in (npgrad, torch):
            x = _t(m, [-3.0, -0.5, 0.0, 0.5, 3.0], dtype, req=True)
            m.sigmoid(x).backward(_t(m, [1.0, 2.0, 0.5, -1.0, 0.1], dtype))
            out[m] = x.grad.float().tolist()
        assert out[npgrad] == out[torch], dtype
