"""Autograd mechanics against torch: version counters and in-place checks, detach sharing storage and version,
grad-mode nesting, inference tensors, and gradients through views written in place (CopySlices)."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import assert_same


def run_both(fn):
    return fn(npgrad), fn(torch)


def both_raise(fn, exc, match):
    for m in (npgrad, torch):
        with pytest.raises(exc, match=match):
            fn(m)


# ---------------------------------------------------------------------------------------------- versions
def test_in_place_on_saved_output_raises_torchs_error():
    def f(m):
        x = m.ones(2, requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()
    both_raise(f, RuntimeError, r"one of the variables needed for gradient computation has been modified by an "
                                r"inplace operation: \[torch.FloatTensor \[2\]\], which is output 0 of Exp, is at "
                                r"version 1; expected version 0 instead. Hint: enable anomaly detection")


def test_in_place_on_saved_input_names_its_current_node():
    def f(m):
        w = m.ones(2, 3, requires_grad=True).double()
        z = w.sin()
        w.mul_(2)
        z.sum().backward()
    both_raise(f, RuntimeError, r"\[torch.DoubleTensor \[2, 3\]\], which is output 0 of Mul, is at version 1; "
                                r"expected version 0 instead")


def test_versions_of_detach_data_and_views():
    def f(m):
        x = m.tensor([1., 2., 3.], requires_grad=True)
        d = x.detach()
        v0 = (d._version, x._version)
        d.add_(1)  # shares storage and version with x
        v1 = (d._version, x._version)
        with m.no_grad():
            x.sub_(1)
        v2 = (d._version, x._version)
        y = x * 1
        view = y[1:]
        view.mul_(2)
        v3 = (y._version, view._version)
        return [v0, v1, v2, v3], x.detach()
    (vs, x), (tvs, tx) = run_both(f)
    assert vs == tvs
    assert_same(x, tx)


def test_detach_cuts_the_graph_but_shares_data():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 3
        d = y.detach()
        assert not d.requires_grad and d.grad_fn is None and d.data_ptr() == y.data_ptr()
        z = (y * d).sum()
        z.backward()
        return x.grad
    assert_same(*run_both(f))


def test_modifying_detached_tensor_breaks_saved_value_check():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = x.sigmoid()
        y.detach().zero_()
        y.sum().backward()
    both_raise(f, RuntimeError, "modified by an inplace operation")


# ---------------------------------------------------------------------------------------------- grad modes
def test_no_grad_and_enable_grad_nest_both_ways():
    for m in (npgrad, torch):
        w = m.tensor([1., 2.], requires_grad=True)
        with m.no_grad():
            with m.enable_grad():
                assert (w * 2).requires_grad
            assert not (w * 2).requires_grad
        with m.enable_grad():
            with m.no_grad():
                assert not (w * 2).requires_grad
            assert (w * 2).requires_grad
        with m.set_grad_enabled(False):
            assert not (w * 2).requires_grad
        assert (w * 2).requires_grad


def test_inference_tensors_refuse_to_join_autograd():
    msg = "Inference tensors cannot be saved for backward"

    def made(m):
        w = m.tensor([1., 2.], requires_grad=True)
        with m.inference_mode():
            b = w * 2
            c = m.ones(2).exp()
            d = w.view(2)  # a view of a normal tensor stays normal
        return w, b, c, d
    for m in (npgrad, torch):
        w, b, c, d = made(m)
        assert not b.requires_grad and b.grad_fn is None
        with pytest.raises(RuntimeError, match=msg):
            w * b
        with pytest.raises(RuntimeError, match=msg):
            w.exp() * c
        with pytest.raises(RuntimeError, match=msg):
            m.exp(w * b)
        with pytest.raises(RuntimeError, match="Setting requires_grad=True on inference tensor outside "
                                               "InferenceMode is not allowed"):
            b.requires_grad_()
        (w + b).sum().backward()  # nothing of b is saved: fine
        assert w.grad.tolist() == [1., 1.]
        assert (w * d).requires_grad
        assert not (b * 2).requires_grad

        class F(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_backward(x, y)
                return x * y

            @staticmethod
            def backward(ctx, g):
                return g, g
        with pytest.raises(RuntimeError, match=msg):
            F.apply(w, b)
    with npgrad.inference_mode(False):
        assert (npgrad.ones(2, requires_grad=True) * 2).requires_grad and not npgrad.is_inference_mode_enabled()
    assert npgrad.autograd.function._extras == 0


# ---------------------------------------------------------------------------------------------- views
def test_setitem_through_a_view_rebases_the_base():
    def f(m):
        x = m.tensor([1., 2., 3.], requires_grad=True)
        y = x * 1
        v = y[1:]
        v[0] = 5
        names = (y.grad_fn.name(), v.grad_fn.name())
        (y * y).sum().backward()
        return names, y, x.grad
    (n, *r), (tn, *tr) = run_both(f)
    assert n == tn
    assert_same(r, tr)


@pytest.mark.parametrize("op", ["mul_", "add_", "exp_", "copy"])
def test_in_place_op_on_a_view_rebases_the_base(op):
    def f(m):
        x = m.tensor([1., 2., 3., 4.], requires_grad=True)
        w = m.tensor([0.5, -1.], requires_grad=True)
        y = x * 1
        v = y.view(2, 2)[1]
        if op == "mul_":
            v.mul_(w)
        elif op == "add_":
            v.add_(w * 2)
        elif op == "exp_":
            v.exp_()
        else:
            v.copy_(w * 3)
        names = (y.grad_fn.name(), v.grad_fn.name(), y._version)
        (y * y * m.arange(4.)).sum().backward()
        return names, y, x.grad, w.grad
    (n, *r), (tn, *tr) = run_both(f)
    assert n == tn
    assert_same(r, tr)


def test_view_of_leaf_in_place_is_refused():
    both_raise(lambda m: m.tensor([1., 2.], requires_grad=True)[0].mul_(2), RuntimeError,
               "a view of a leaf Variable that requires grad is being used in an in-place operation")
    both_raise(lambda m: m.tensor([1., 2.], requires_grad=True).mul_(2), RuntimeError,
               "a leaf Variable that requires grad is being used in an in-place operation")


def test_gradients_of_views():
    def f(m):
        x = m.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        parts = [x[1], x[:, 2], x.t()[1:], x.view(4, 3)[::2], x.reshape(-1)[3:7], x.unsqueeze(0).expand(2, 3, 4),
                 x.transpose(0, 1)[0]]
        loss = sum((p * p).sum() for p in parts)
        loss.backward()
        return x.grad
    assert_same(*run_both(f))


def test_in_place_ops_double_backward():
    def f(m):
        x = m.tensor(np.array([0.3, -0.8, 1.2]), requires_grad=True)
        y = x * 2
        y.mul_(x)
        y.exp_()
        (g,) = m.autograd.grad(y.sum(), x, create_graph=True)
        (g2,) = m.autograd.grad(g.sum(), x)
        return y, g, g2
    assert_same(*run_both(f))
