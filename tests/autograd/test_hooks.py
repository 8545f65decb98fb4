"""Hooks against torch: tensor hooks (leaves and non-leaves, replacement, removal), node pre/post hooks,
post-accumulate hooks, retain_grad, their order, their errors, and saved-tensor hooks."""
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


def test_hook_order_and_values():
    def f(m):
        log = []
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: log.append(("h1", g.clone())) or g * 10)
        y.register_hook(lambda g: log.append(("h2", g.clone())))
        y.grad_fn.register_prehook(lambda go: log.append(("pre", go[0].clone())))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", gi[0].clone(), go[0].clone())))
        x.register_hook(lambda g: log.append(("x", g.clone())))
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(lambda go: log.append(("accpre", go[0].clone())))
        acc.register_hook(lambda gi, go: log.append(("acchook", len(gi), go[0].clone())))
        x.register_post_accumulate_grad_hook(lambda t: log.append(("postacc", t.grad.clone())))
        (y * 3).sum().backward()
        return [e[0] for e in log], [e[1:] for e in log], y.grad, x.grad
    (names, vals, *rest), (tnames, tvals, *trest) = run_both(f)
    assert names == tnames
    for a, b in zip(vals, tvals):
        assert_same(tuple(a), tuple(b))
    assert_same(rest, trest)


def test_leaf_hook_replaces_gradient_and_handle_remove():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        h = x.register_hook(lambda g: g * 100)
        (x * 1).sum().backward()
        first = x.grad.clone()
        h.remove()
        h.remove()  # twice is harmless
        x.grad = None
        (x * 1).sum().backward()
        return first, x.grad
    assert_same(*run_both(f))


def test_hooks_with_autograd_grad():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        x.register_hook(lambda g: g * 2)
        post = []
        x.register_post_accumulate_grad_hook(lambda t: post.append(1))
        (gx,) = m.autograd.grad((x * 3).sum(), x)
        y = x * 3
        y.register_hook(lambda g: g * 10)
        (gy,) = m.autograd.grad((y * 2).sum(), y)
        z = x * 3
        z.retain_grad()
        (gx2,) = m.autograd.grad((z * 2).sum(), x)
        assert not post and x.grad is None
        return gx, gy, gx2, z.grad
    assert_same(*run_both(f))


def test_retain_grad_accumulates_across_backward_calls():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 2
        y.retain_grad()
        assert y.retains_grad
        z = (y * y).sum()
        z.backward(retain_graph=True)
        z.backward()
        r = y.grad.clone()
        x.retain_grad()  # no-op on a leaf
        assert not x.retains_grad
        return r, x.grad
    assert_same(*run_both(f))


@pytest.mark.filterwarnings("ignore:Using backward")
def test_retain_grad_sees_hooked_value_and_create_graph():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 7)
        y.sum().backward()
        a = y.grad
        y2 = x * 2
        y2.retain_grad()
        (y2 ** 2).sum().backward(create_graph=True)
        assert y2.grad.requires_grad
        return a, y2.grad
    assert_same(*run_both(f))


def test_hook_on_tensor_used_twice_runs_once_with_sum():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 2
        calls = []
        y.register_hook(lambda g: calls.append(g.clone()))
        (y + y * y).sum().backward()
        return calls, x.grad
    (c, g), (tc, tg) = run_both(f)
    assert len(c) == len(tc) == 1
    assert_same((c[0], g), (tc[0], tg))


def test_node_hooks_replace_gradients():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 2
        y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0 + 5, None))
        y.sum().backward()
        a = x.grad.clone()
        x.grad = None
        y = x * 2
        y.grad_fn.register_prehook(lambda go: (go[0] * 0 + 5,))
        y.sum().backward()
        return a, x.grad
    assert_same(*run_both(f))


def test_hook_errors():
    def returns_int(m):
        y = m.ones(2, requires_grad=True) * 2
        y.register_hook(lambda g: 3)
        y.sum().backward()
    both_raise(returns_int, TypeError, "expected Variable, but hook returned 'int'")

    def changes_size(m):
        def myhook(g):
            return g.sum()
        y = m.ones(2, requires_grad=True) * 2
        y.register_hook(myhook)
        y.sum().backward()
    both_raise(changes_size, RuntimeError, "hook 'myhook' has changed the size of value")

    def changes_type(m):
        y = m.ones(2, requires_grad=True) * 2
        y.register_hook(lambda g: g.double())
        y.sum().backward()
    both_raise(changes_type, RuntimeError, "has changed the type of value")

    def leaf_changes_size(m):
        x = m.ones(2, requires_grad=True)
        x.register_hook(lambda g: g.sum())
        (x * 2).sum().backward()
    both_raise(leaf_changes_size, RuntimeError, "has changed the size of value")

    def prehook_count(m):
        y = m.ones(2, requires_grad=True) * 2
        y.grad_fn.register_prehook(lambda go: (go[0], go[0]))
        y.sum().backward()
    both_raise(prehook_count, RuntimeError, r"has returned an incorrect number of values \(got 2, but expected 1\)")

    def prehook_type(m):
        y = m.ones(2, requires_grad=True) * 2
        y.grad_fn.register_prehook(lambda go: 3)
        y.sum().backward()
    both_raise(prehook_type, TypeError, "expected tuple, but hook returned 'int'")

    both_raise(lambda m: m.ones(2).register_hook(lambda g: g), RuntimeError,
               "cannot register a hook on a tensor that doesn't require gradient")
    both_raise(lambda m: (m.ones(2, requires_grad=True) * 1).register_post_accumulate_grad_hook(lambda t: t),
               RuntimeError, "post accumulate grad hooks cannot be registered on non-leaf tensors")
    both_raise(lambda m: m.ones(2).retain_grad(), RuntimeError,
               "can't retain_grad on Tensor that has requires_grad=False")


@pytest.mark.filterwarnings("ignore:The .grad attribute")
def test_backward_inputs_on_non_leaf_populates_its_grad():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 2
        (y * y).sum().backward(inputs=[y])
        return y.grad, x.grad
    assert_same(*run_both(f))


# ---------------------------------------------------------------------------------------------- saved tensors
def test_saved_tensors_hooks_pack_unpack_calls():
    def f(m):
        calls = []

        def pack(t):
            calls.append(("pack", tuple(t.shape), t.requires_grad, t.grad_fn is not None))
            return t

        def unpack(t):
            calls.append(("unpack", tuple(t.shape)))
            return t
        x = m.tensor([1., 2.], requires_grad=True)
        y = m.tensor([3., 4.], requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(pack, unpack):
            z = x * y
            e = z.exp()
            _ = x + y  # saves nothing
        n_packed = list(calls)
        e.sum().backward()
        return n_packed, calls[len(n_packed):], x.grad, y.grad
    (p, u, *g), (tp, tu, *tg) = run_both(f)
    assert p == tp and u == tu
    assert_same(g, tg)


def test_saved_tensors_hooks_round_trip_through_numpy_and_custom_function():
    def f(m):
        x = m.tensor([0.5, 1.5], requires_grad=True)
        count = []

        class F(m.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.save_for_backward(a)
                return a * 2

            @staticmethod
            def backward(ctx, g):
                (a,) = ctx.saved_tensors
                return g * 2 * a
        with m.autograd.graph.saved_tensors_hooks(lambda t: count.append(1) or t.detach().numpy().copy(),
                                                  lambda a: m.from_numpy(a)):
            z = (x.exp() * x).sum() + F.apply(x).sum()
        z.backward()
        return x.grad, len(count)
    (g, n), (tg, tn) = run_both(f)
    assert n == tn
    assert_same(g, tg)


def test_saved_tensors_hooks_keep_higher_order_gradients():
    def f(m):
        x = m.tensor(np.array([0.5, 1.5]), requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(lambda t: t.detach().numpy().copy(), lambda a: m.from_numpy(a)):
            y = (x.sin() * x).sum()
        (g,) = m.autograd.grad(y, x, create_graph=True)
        (g2,) = m.autograd.grad(g.sum(), x)
        return g, g2
    assert_same(*run_both(f))


def test_saved_tensors_hooks_errors_and_save_on_cpu():
    def bad_unpack(m):
        x = m.ones(2, requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(lambda t: 1, lambda t: 1):
            z = (x * x).sum()
        z.backward()
    both_raise(bad_unpack, TypeError, "Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                                      "type int")

    def in_place_pack(m):
        def pack(t):
            t.mul_(2)
            return t
        with m.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            m.ones(2) * m.ones(2, requires_grad=True)
    both_raise(in_place_pack, RuntimeError, "A saved tensor pack hook is modifying its input in place")

    def disabled(m):
        with m.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    both_raise(disabled, RuntimeError, "no hooks here")

    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        with m.autograd.graph.save_on_cpu():
            z = (x * x.exp()).sum()
        z.backward()
        return x.grad
    assert_same(*run_both(f))


def test_saved_tensors_hooks_skip_version_check_and_nest():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        outer, inner = [], []
        with m.autograd.graph.saved_tensors_hooks(lambda t: outer.append(1) or t, lambda t: t):
            a = x * x
            with m.autograd.graph.saved_tensors_hooks(lambda t: inner.append(1) or t, lambda t: t):
                w = x.exp()
                b = w * x
        w.add_(1)  # torch does not check versions of hooked saved tensors
        (a + b).sum().backward()
        return len(outer), len(inner), x.grad
    (o, i, g), (to, ti, tg) = run_both(f)
    assert (o, i) == (to, ti)
    assert_same(g, tg)


def test_multi_grad_hook_all_and_any():
    def f(m):
        a = m.tensor([1., 2.], requires_grad=True)
        b = m.tensor([3., 4.], requires_grad=True)
        c = m.tensor([5., 6.], requires_grad=True)
        seen_all, seen_any = [], []
        m.autograd.graph.register_multi_grad_hook((a, b, c), lambda gs: seen_all.append(
            [None if g is None else g.clone() for g in gs]))
        m.autograd.graph.register_multi_grad_hook((a, b), lambda g: seen_any.append(g.clone()), mode="any")
        (a * b).sum().backward()
        return seen_all, seen_any
    (sa, sn), (tsa, tsn) = run_both(f)
    assert len(sa) == len(tsa) == 1 and len(sn) == len(tsn) == 1
    assert_same(sa[0], tsa[0])


def test_autograd_grad_does_not_run_the_target_nodes():
    def f(m):
        log = []
        x = m.tensor([1., 2.], requires_grad=True)
        y = x * 2
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(lambda go: log.append("acc pre"))
        acc.register_hook(lambda gi, go: log.append("acc post"))
        x.register_hook(lambda g: log.append("x tensor hook"))
        (gx,) = m.autograd.grad(y.sum(), x)
        z = x * 3
        w = z * 3
        z.grad_fn.register_prehook(lambda go: log.append("z pre"))
        z.grad_fn.register_hook(lambda gi, go: log.append("z post"))
        z.register_hook(lambda g: log.append("z tensor hook"))
        (gz,) = m.autograd.grad(w.sum(), z)
        return log, gx, gz
    (log, *r), (tlog, *tr) = run_both(f)
    assert log == tlog
    assert_same(r, tr)


def _vals(gs):
    return [None if g is None else g.tolist() for g in gs]


def _none_grad_fn(m):
    class NoGrad(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return None
    return NoGrad


def test_hooks_of_a_node_that_gets_only_none_gradients_run_as_torch():
    # torch runs the tensor hooks (with None), the pre-hooks and the post-hooks (None grad_inputs) of such a node,
    # and the nodes below it too
    def f(m):
        log = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = y.exp()
        z.grad_fn.register_hook(lambda gi, go: log.append(("postZ", _vals(gi), _vals(go))))
        y.register_hook(lambda g: log.append(("tensorY", g)))
        y.retain_grad()
        y.grad_fn.register_prehook(lambda go: log.append(("preY", _vals(go))))
        y.grad_fn.register_hook(lambda gi, go: log.append(("postY", _vals(gi), _vals(go))))
        x.register_hook(lambda g: log.append(("tensorX", g)))
        _none_grad_fn(m).apply(z).sum().backward()
        return log, y.grad, x.grad
    got, want = run_both(f)
    assert got == want


def test_tensor_hook_of_an_unused_output_sees_none_as_torch():
    def f(m):
        log = []
        x = m.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
        a, b = x.unbind(0)
        b.register_hook(lambda g: log.append(("b", g)))
        a.register_hook(lambda g: log.append(("a", g.tolist())))
        a.sum().backward()
        return log
    got, want = run_both(f)
    assert got == want


@pytest.mark.parametrize("where", ["tensor", "prehook", "posthook"])
def test_replacing_a_none_gradient_raises_as_torch(where):
    def f(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        if where == "tensor":
            y.register_hook(lambda g: m.ones(2))
        elif where == "prehook":
            y.grad_fn.register_prehook(lambda go: (m.ones(2),))
        else:
            y.grad_fn.register_hook(lambda gi, go: (m.ones(2), None))
        _none_grad_fn(m).apply(y).sum().backward()
    both_raise(f, RuntimeError, "can't replace a None gradient with a non-None value")


@pytest.mark.parametrize("op", [
    lambda x: x.max(0)[0], lambda x: x.min(1)[0], lambda x: x.sort(0)[0], lambda x: x.topk(1)[0],
    lambda x: x.unbind(0)[0], lambda x: x.cummax(0)[0], lambda x: x.clamp(0, 3), lambda x: x * 2,
])
def test_node_hooks_see_torch_counts_of_gradients(op):
    # torch's built-in nodes have no slot for a non-differentiable output (max's indices) and no grad_input for
    # trailing non-tensor arguments; a custom Function's node has a slot for every output
    def f(m):
        log = []
        x = m.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
        y = op(x)
        y.grad_fn.register_prehook(lambda go: log.append(("pre", _vals(go))))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", _vals(gi), _vals(go))))
        y.sum().backward()
        return log, x.grad.tolist()
    got, want = run_both(f)
    assert got == want


def test_custom_function_hooks_keep_a_slot_for_a_non_differentiable_output():
    def f(m):
        class Idx(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                i = (x > 2).long()
                ctx.mark_non_differentiable(i)
                return x * 1, i

            @staticmethod
            def backward(ctx, g, gi):
                return g
        log = []
        x = m.tensor([1.0, 3.0], requires_grad=True)
        v, _ = Idx.apply(x)
        v.grad_fn.register_prehook(lambda go: log.append(("pre", _vals(go))))
        v.grad_fn.register_hook(lambda gi, go: log.append(("post", _vals(gi), _vals(go))))
        v.sum().backward()
        return log
    got, want = run_both(f)
    assert got == want


def test_leaf_reached_by_a_none_gradient_runs_its_hooks_as_torch():
    def f(m):
        class FirstOnly(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, w):
                return x * w

            @staticmethod
            def backward(ctx, g):
                return g, None
        log = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([1.0, 2.0], requires_grad=True)
        w.register_hook(lambda g: log.append(("tensor", g)))
        w.register_post_accumulate_grad_hook(lambda t: log.append(("post_acc", t.grad)))
        y = FirstOnly.apply(x, w)
        acc = y.grad_fn.next_functions[1][0]
        acc.register_prehook(lambda go: log.append(("pre", _vals(go))))
        acc.register_hook(lambda gi, go: log.append(("post", _vals(gi), _vals(go))))
        y.sum().backward()
        return log, w.grad
    got, want = run_both(f)
    assert got == want


@pytest.mark.parametrize("ret", ["none", "int", "tensor", "grad"])
def test_post_accumulate_grad_hook_must_return_none(ret):
    """A post-accumulate-grad hook's return value: None runs on; anything else raises torch's class (TypeError for a
    non-tensor, RuntimeError for a tensor) - never silently ignored."""
    def go(m):
        p = m.tensor([1.0, 2.0], requires_grad=True)
        p.register_post_accumulate_grad_hook(
            {"none": lambda t: None, "int": lambda t: 5, "tensor": lambda t: t * 2, "grad": lambda t: t.grad}[ret])
        try:
            (p * 3).sum().backward()
        except Exception as e:  # noqa: BLE001
            return type(e).__name__
        return p.grad.tolist()
    assert go(npgrad) == go(torch)
