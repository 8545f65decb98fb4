"""Higher-order gradients against torch: create_graph through backward() and autograd.grad, third
derivatives, Hessians of an MLP loss, a gradient penalty, and the graph attached to gradients."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import assert_same


pytestmark = pytest.mark.filterwarnings("ignore:Using backward")


def run_both(fn):
    return fn(npgrad), fn(torch)


def nth_derivatives(m, f, x0, n, dtype="float64"):
    x = m.tensor(np.asarray(x0, dtype=dtype), requires_grad=True)
    out, y = [], f(m, x)
    for _ in range(n):
        (y,) = m.autograd.grad(y.sum(), x, create_graph=True)
        out.append(y)
    return out


FUNCS = {
    "pow4": lambda m, x: x ** 4,
    "tanh": lambda m, x: m.tanh(x),
    "sigmoid": lambda m, x: m.sigmoid(x),
    "exp_mul": lambda m, x: m.exp(x) * x,
    "log1p_sq": lambda m, x: m.log1p(x * x),
    "div": lambda m, x: 1.0 / (x + 3.0),
    "sqrt": lambda m, x: m.sqrt(x + 2.0),
    "pow_tensor": lambda m, x: (x + 3.0) ** (x * 0.5),
    "logaddexp": lambda m, x: m.logaddexp(x, x * x),
    "mean_sq": lambda m, x: (x * x).mean() * x,
}


@pytest.mark.parametrize("name", list(FUNCS))
def test_third_derivatives_match_torch(name):
    f = FUNCS[name]
    x0 = [0.3, -0.7, 1.1]
    ours, theirs = nth_derivatives(npgrad, f, x0, 3), nth_derivatives(torch, f, x0, 3)
    assert_same(ours, theirs)
    assert [g.requires_grad for g in ours] == [g.requires_grad for g in theirs]


def test_third_derivative_of_x4_and_tanh_by_backward():
    def f(m):
        x = m.tensor(np.float64(1.5), requires_grad=True)
        y = x ** 4 + m.tanh(x)
        (g1,) = m.autograd.grad(y, x, create_graph=True)
        (g2,) = m.autograd.grad(g1, x, create_graph=True)
        g2.backward()
        return g1, g2, x.grad
    assert_same(*run_both(f))


def test_backward_create_graph_leaves_grad_with_graph_and_warns_once():
    def f(m):
        x = m.tensor([1., 2., 3.], requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        assert g.requires_grad and g.grad_fn is not None
        x.grad = None
        g.sum().backward()
        return g, x.grad, len(w) <= 1
    (g, gg, ok), (tg, tgg, tok) = run_both(f)
    assert_same((g, gg), (tg, tgg))
    assert ok and tok


def test_create_graph_grad_of_grad_does_not_alias_two_leaves():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = m.tensor([3., 4.], requires_grad=True)
        (x * y + x + y).sum().backward(create_graph=True)
        assert x.grad is not y.grad
        return x.grad, y.grad
    assert_same(*run_both(f))


def _mlp(m, w1, b1, w2, x, t):
    h = m.tanh(x @ w1 + b1)
    out = h @ w2
    return ((out - t) ** 2).mean()


def _mlp_params(m):
    rng = np.random.default_rng(0)
    w1 = m.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b1 = m.tensor(rng.standard_normal(4), requires_grad=True)
    w2 = m.tensor(rng.standard_normal((4, 1)), requires_grad=True)
    x = m.tensor(rng.standard_normal((5, 3)))
    t = m.tensor(rng.standard_normal((5, 1)))
    return w1, b1, w2, x, t


def test_hessian_of_mlp_loss_row_by_row():
    def f(m):
        w1, b1, w2, x, t = _mlp_params(m)
        loss = _mlp(m, w1, b1, w2, x, t)
        (g,) = m.autograd.grad(loss, w1, create_graph=True)
        flat = g.reshape(-1)
        rows = []
        for i in range(flat.shape[0]):
            gw1, gb1, gw2 = m.autograd.grad(flat[i], (w1, b1, w2), retain_graph=True)
            rows += [gw1, gb1, gw2]
        return rows
    assert_same(*run_both(f))


def test_hessian_of_mlp_loss_functional():
    def f(m):
        w1, b1, w2, x, t = _mlp_params(m)
        return m.autograd.functional.hessian(lambda a, b, c: _mlp(m, a, b, c, x, t),
                                             (w1.detach(), b1.detach(), w2.detach()))
    assert_same(*run_both(f))


def test_gradient_penalty():
    """WGAN-GP style: penalise the input-gradient norm, then backprop into the weights."""
    def f(m):
        rng = np.random.default_rng(3)
        w = m.tensor(rng.standard_normal((3, 2)), dtype=m.float32, requires_grad=True)
        x = m.tensor(rng.standard_normal((4, 3)), dtype=m.float32, requires_grad=True)
        d = m.sigmoid(x @ w).sum(1)
        (gx,) = m.autograd.grad(d.sum(), x, create_graph=True)
        penalty = ((gx.pow(2).sum(1).sqrt() - 1) ** 2).mean()
        penalty.backward()
        return penalty, gx, w.grad, x.grad
    assert_same(*run_both(f))


def test_second_order_through_broadcasting_reductions_and_matmul():
    def f(m):
        rng = np.random.default_rng(5)
        a = m.tensor(rng.standard_normal((2, 3)), requires_grad=True)
        b = m.tensor(rng.standard_normal(3), requires_grad=True)
        c = m.tensor(rng.standard_normal((3, 2)), requires_grad=True)
        y = ((a * b).exp() @ c).sum(0).pow(2).sum() + (a.mean(1, keepdim=True) * b).sum()
        ga, gb, gc = m.autograd.grad(y, (a, b, c), create_graph=True)
        z = (ga ** 2).sum() + (gb * gc.sum(1)).sum()
        return m.autograd.grad(z, (a, b, c))
    assert_same(*run_both(f))


def test_grad_fn_of_gradient_only_under_create_graph():
    for m in (npgrad, torch):
        x = m.tensor([1., 2.], requires_grad=True)
        (g,) = m.autograd.grad((x ** 2).sum(), x)
        assert g.grad_fn is None and not g.requires_grad
        (g,) = m.autograd.grad((x ** 2).sum(), x, create_graph=True)
        assert g.grad_fn is not None and g.requires_grad


def test_create_graph_with_non_scalar_grad_outputs_requiring_grad():
    def f(m):
        x = m.tensor([0.5, 1.5], requires_grad=True)
        v = m.tensor([1., -2.], requires_grad=True)
        (g,) = m.autograd.grad(m.exp(x) * x, x, grad_outputs=v, create_graph=True)
        gx, gv = m.autograd.grad(g.sum(), (x, v))
        return g, gx, gv
    assert_same(*run_both(f))


def test_double_backward_through_custom_function_written_with_ops():
    def f(m):
        class Cube(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * 3 * x ** 2
        x = m.tensor(np.array([1., -2.]), requires_grad=True)
        (g1,) = m.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        (g2,) = m.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = m.autograd.grad(g2.sum(), x)
        return g1, g2, g3
    assert_same(*run_both(f))
