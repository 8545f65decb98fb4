"""Custom autograd.Function against torch: both forward styles, ctx API, dirty/non-differentiable outputs,
materialized grads, non-tensor arguments, once_differentiable, multiple outputs, errors."""
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


def make_mul_k(m):
    class MulK(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.save_for_backward(x, y)
            ctx.k = k
            ctx.nig = ctx.needs_input_grad
            return x * k * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * ctx.k * y, None, g * ctx.k * x
    return MulK


def test_forward_backward_non_tensor_argument_and_needs_input_grad():
    def f(m):
        MulK = make_mul_k(m)
        x = m.tensor([1., 2.], requires_grad=True)
        y = m.tensor([3., 4.])
        o = MulK.apply(x, 2.0, y)
        assert type(o.grad_fn).__name__ == "MulKBackward" and o.grad_fn.name() == "MulKBackward"
        assert o.grad_fn.needs_input_grad == (True, False, False)
        assert o.grad_fn.nig == (True, False, False)
        assert [n is None for n, _ in o.grad_fn.next_functions] == [False, True]
        o.sum().backward()
        return o, x.grad
    assert_same(*run_both(f))


def test_setup_context_style_and_kwargs_count_as_inputs():
    def f(m):
        class Scale(m.autograd.Function):
            @staticmethod
            def forward(x, k=2.0):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, k = inputs
                ctx.k = k
                ctx.save_for_backward(x, output)
                ctx.nig = ctx.needs_input_grad

            @staticmethod
            def backward(ctx, g):
                x, out = ctx.saved_tensors
                assert out.grad_fn is not None  # the saved output comes back attached to this node
                return g * ctx.k, None
        x = m.tensor([1., 2.], requires_grad=True)
        a = Scale.apply(x, 3.0)
        b = Scale.apply(x, k=4.0)
        assert a.grad_fn.nig == (True, False)
        (a + b).sum().backward()
        return a, b, x.grad
    assert_same(*run_both(f))


def test_kwargs_old_style_need_one_gradient_each():
    def f(m):
        class D(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, k=2.0):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return g * 2
        x = m.tensor([1., 2.], requires_grad=True)
        D.apply(x).sum().backward()
        D.apply(x, k=3.0).sum().backward()
    both_raise(f, RuntimeError, r"returned an incorrect number of gradients \(expected 2, got 1\)")


def test_once_differentiable_blocks_double_backward():
    def f(m):
        from importlib import import_module
        once = import_module(m.__name__ + ".autograd.function").once_differentiable

        class Sq(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 2

            @staticmethod
            @once
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                assert not m.is_grad_enabled()
                return 2 * x * g
        x = m.tensor([1., 2.], requires_grad=True)
        (g,) = m.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
        assert not g.requires_grad  # the seed needs no graph: nothing to block
        (g2,) = m.autograd.grad((Sq.apply(x) * x).sum(), x, create_graph=True)
        assert g2.requires_grad
        with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                               "@once_differentiable"):
            g2.sum().backward()
        return g, g2
    assert_same(*run_both(f))


def test_set_materialize_grads_and_multiple_outputs():
    def f(m):
        seen = []

        class Two(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append(("two", g2))
                return g1 * 2 + g2 * 3

        class TwoNM(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append(("nm", g2))
                return g1 * 2 if g2 is None else g1 * 2 + g2 * 3
        x = m.tensor([1., 2.], requires_grad=True)
        a, b = Two.apply(x)
        assert a.grad_fn is b.grad_fn and (a.output_nr, b.output_nr) == (0, 1)
        a.sum().backward()
        c, _ = TwoNM.apply(x)
        c.sum().backward()
        return seen[0][1], seen[1][1], x.grad
    assert_same(*run_both(f))


def test_mark_non_differentiable_and_integer_grads_materialized():
    def f(m):
        got = []

        class SortLike(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                idx = m.tensor([1, 2, 0])
                v = x[idx]
                ctx.mark_non_differentiable(idx)
                ctx.save_for_backward(idx)
                return v, idx

            @staticmethod
            def backward(ctx, gv, gi):
                got.append(gi)
                (idx,) = ctx.saved_tensors
                r = m.zeros(3)
                r[idx] = gv
                return r
        x = m.tensor([3., 1., 2.], requires_grad=True)
        v, i = SortLike.apply(x)
        assert not i.requires_grad and v.requires_grad
        (v * m.tensor([0., 1., 2.])).sum().backward()
        return v, i, got[0], x.grad
    assert_same(*run_both(f))


def test_mark_dirty_in_place_custom_op():
    def f(m):
        class AddOne(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 1
        v0 = y._version
        z = AddOne.apply(y)
        assert z is y and y.grad_fn.name() == "AddOneBackward"
        assert y._version - v0 == 2
        (z * z).sum().backward()
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            AddOne.apply(m.tensor([1.], requires_grad=True))
        return z, x.grad
    assert_same(*run_both(f))


def test_returning_an_input_unchanged_makes_a_new_tensor():
    for m in (npgrad, torch):
        class Ident(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2
        x = m.tensor([1., 2.], requires_grad=True)
        z = Ident.apply(x)
        assert z is not x and z.grad_fn is not None and z.data_ptr() == x.data_ptr()
        z.sum().backward()
        assert x.grad.tolist() == [2., 2.]


def test_tuple_outputs_with_non_tensors_and_list_outputs():
    def f(m):
        class Tup(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, 3, None

            @staticmethod
            def backward(ctx, g, a, b):
                assert a is None and b is None
                return g

        class Lst(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return [x * 2]

            @staticmethod
            def backward(ctx, g):
                return g
        x = m.tensor([1., 2.], requires_grad=True)
        r = Tup.apply(x)
        assert r[1] == 3 and r[2] is None
        r[0].sum().backward()
        lst = Lst.apply(x)
        assert isinstance(lst, list) and not lst[0].requires_grad
        return r[0], x.grad
    assert_same(*run_both(f))


def test_no_node_without_grad_and_in_no_grad():
    for m in (npgrad, torch):
        MulK = make_mul_k(m)
        o = MulK.apply(m.ones(2), 2.0, m.ones(2))
        assert not o.requires_grad and o.grad_fn is None
        x = m.ones(2, requires_grad=True)
        with m.no_grad():
            o = MulK.apply(x, 2.0, m.ones(2))
        assert not o.requires_grad and o.grad_fn is None


def test_gradient_dtype_cast_and_broadcast_reduced():
    def f(m):
        class D(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.sum()

            @staticmethod
            def backward(ctx, g):
                return g.expand(1, 2).double()
        x = m.tensor([1., 2.], requires_grad=True)
        D.apply(x).backward()
        return x.grad
    assert_same(*run_both(f))


def test_backward_errors():
    def wrong_count(m):
        class W(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g, g
        W.apply(m.ones(2, requires_grad=True)).sum().backward()
    both_raise(wrong_count, RuntimeError, r"returned an incorrect number of gradients \(expected 1, got 2\)")

    def wrong_shape(m):
        class W(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g.sum()
        W.apply(m.ones(2, requires_grad=True)).sum().backward()
    both_raise(wrong_shape, RuntimeError, r"returned an invalid gradient at index 0 - got \[\] but expected shape "
                                          r"compatible with \[2\]")

    def wrong_type(m):
        class W(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return 3
        W.apply(m.ones(2, requires_grad=True)).sum().backward()
    both_raise(wrong_type, RuntimeError, r"expected Variable or None \(got int\)")

    def grad_for_non_tensor(m):
        class W(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return g, 5
        W.apply(m.ones(2, requires_grad=True), 2.0).sum().backward()
    both_raise(grad_for_non_tensor, RuntimeError, "returned a gradient different than None at position 2, but the "
                                                  "corresponding forward input was not a Variable")

    def no_backward(m):
        class W(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2
        W.apply(m.ones(2, requires_grad=True)).sum().backward()
    both_raise(no_backward, NotImplementedError, "You must implement either the backward or vjp method")

    def no_forward(m):
        class W(m.autograd.Function):
            pass
        W.apply(m.ones(2))
    both_raise(no_forward, NotImplementedError, "You must implement the forward function")

    def save_int(m):
        class W(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x * 2
        W.apply(m.ones(2, requires_grad=True))
    both_raise(save_int, TypeError, "save_for_backward can only save variables, but argument 1 is of type int")


def test_saved_tensors_freed_after_backward_and_none_saved():
    for m in (npgrad, torch):
        class Sv(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, None)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                x, nothing = ctx.saved_tensors
                assert nothing is None
                return g * 2
        x = m.ones(2, requires_grad=True)
        o = Sv.apply(x)
        o.sum().backward(retain_graph=True)
        assert len(o.grad_fn.saved_tensors) == 2
        o.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            o.grad_fn.saved_tensors


def test_vjp_alias_and_saved_intermediate():
    def f(m):
        class E(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y * 2

            @staticmethod
            def vjp(ctx, g):
                (y,) = ctx.saved_tensors
                return g * 2 * y
        x = m.tensor([0.5, 1.0], requires_grad=True)
        E.apply(x).sum().backward()
        return x.grad
    assert_same(*run_both(f))


def test_custom_function_in_place_modified_input_detected():
    def f(m):
        class Sq(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 2 * x * g
        x = m.ones(2, requires_grad=True)
        y = x * 1
        z = Sq.apply(y)
        y.mul_(2)
        z.sum().backward()
    both_raise(f, RuntimeError, "modified by an inplace operation")


def test_multiple_outputs_under_create_graph():
    def f(m):
        class SinCos(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x.sin(), x.cos()

            @staticmethod
            def backward(ctx, gs, gc):
                (x,) = ctx.saved_tensors
                return gs * x.cos() - gc * x.sin()
        x = m.tensor(np.array([0.3, 1.2]), requires_grad=True)
        s, c = SinCos.apply(x)
        (g,) = m.autograd.grad((s * c).sum(), x, create_graph=True)
        (g2,) = m.autograd.grad(g.sum(), x)
        return s, c, g, g2
    assert_same(*run_both(f))
