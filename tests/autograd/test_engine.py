"""The backward engine against torch: accumulation, retain_graph, freed graphs, vector-Jacobian products,
autograd.grad, graph structure, deep graphs without recursion, and no reference cycles."""
import gc
import weakref

import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import assert_same


def torch_leaf_name():
    return torch.ones(1, requires_grad=True).mul(2).grad_fn.next_functions[0][0].name()


def run_both(fn):
    return fn(npgrad), fn(torch)


def test_accumulates_into_leaves_and_zeroing():
    def f(m):
        inp = m.eye(5, requires_grad=True)
        out = (inp + 1).pow(2)
        out.backward(m.ones_like(inp), retain_graph=True)
        g1 = inp.grad.clone()
        out.backward(m.ones_like(inp), retain_graph=True)
        g2 = inp.grad.clone()
        inp.grad.zero_()
        out.backward(m.ones_like(inp), retain_graph=True)
        return g1, g2, inp.grad
    a, b = run_both(f)
    assert_same(a, b)


def test_second_backward_through_freed_graph_raises():
    for m in (npgrad, torch):
        x = m.ones(3, requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()


def test_retain_graph_then_free():
    x = npgrad.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4., 4., 4.]
    with pytest.raises(RuntimeError):
        y.backward()


def test_implicit_grad_only_for_scalars():
    for m in (npgrad, torch):
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
            (m.ones(3, requires_grad=True) * 2).backward()


def test_backward_on_tensor_without_grad_raises():
    for m in (npgrad, torch):
        with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
            m.ones(3).sum().backward()


def test_vector_jacobian_product():
    def f(m):
        x = m.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        y = x.tanh() * x
        y.backward(m.tensor([[0.1, 0.2], [0.3, 0.4]]))
        return x.grad
    assert_same(*run_both(f))
    for m in (npgrad, torch):
        with pytest.raises(RuntimeError, match="Mismatch in shape"):
            (m.ones(3, requires_grad=True) * 2).backward(m.ones(2))


def test_grad_function():
    def f(m):
        x = m.tensor([1., 2., 3.], requires_grad=True)
        w = m.tensor([0.5, -1., 2.], requires_grad=True)
        y = (x * w).exp().sum()
        gx, gw = m.autograd.grad(y, (x, w), retain_graph=True)
        (gx2,) = m.autograd.grad([y], [x], grad_outputs=[m.tensor(2.)])
        return gx, gw, gx2, x.grad, w.grad
    a, b = run_both(f)
    assert_same(a, b)
    for m in (npgrad, torch):
        x = m.ones(2, requires_grad=True)
        z = m.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="appears to not have been used"):
            m.autograd.grad((x * 2).sum(), [x, z])
        gx, gz = m.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
        assert gz is None
        with pytest.raises(RuntimeError, match="does not require grad"):
            m.autograd.grad((x * 2).sum(), [m.ones(2)])


def test_grad_of_intermediate_and_pruning():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        h = x * 3
        y = (h * h).sum()
        (gh,) = m.autograd.grad(y, h)
        return gh, x.grad
    assert_same(*run_both(f))


def test_backward_inputs_argument():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        w = m.tensor([3., 4.], requires_grad=True)
        (x * w).sum().backward(inputs=[w])
        return x.grad, w.grad
    assert_same(*run_both(f))


def test_broadcast_gradients_reduce_to_input_shapes():
    def f(m):
        a = m.ones(4, 1, 3, requires_grad=True)
        b = m.tensor([[1.], [2.]], requires_grad=True)
        c = m.tensor(2., dtype=m.float64, requires_grad=True)
        ((a * b + c) ** 2).sum().backward()
        return a.grad, b.grad, c.grad
    assert_same(*run_both(f))


def test_graph_structure_names_and_next_functions():
    x = npgrad.ones(5)
    w = npgrad.randn(5, 3, requires_grad=True)
    b = npgrad.randn(3, requires_grad=True)
    z = npgrad.matmul(x, w) + b
    assert z.grad_fn.name() == "AddBackward0" and type(z.grad_fn).__name__ == "AddBackward0"
    (n0, i0), (n1, i1) = z.grad_fn.next_functions
    assert n0.name() == "SqueezeBackward4" and n1.name() == torch_leaf_name() and n1.variable is b
    assert repr(z.grad_fn).startswith("<AddBackward0 object at 0x")
    assert npgrad.relu(x).grad_fn is None  # no input requires grad: no node
    with npgrad.no_grad():
        assert (w * 2).grad_fn is None


def test_shared_subgraph_accumulates_once_per_path():
    def f(m):
        x = m.tensor([0.5, -1.5], requires_grad=True)
        h = x.sigmoid()
        y = (h * h + h.exp() * h).sum()
        y.backward()
        return x.grad
    assert_same(*run_both(f))


def test_leaf_used_twice_gets_independent_grad_arrays():
    x = npgrad.ones(2, requires_grad=True)
    y = npgrad.ones(2, requires_grad=True)
    (x + y).sum().backward()
    x.grad.zero_()
    assert y.grad.tolist() == [1., 1.]  # zeroing one grad must not touch another
    g = npgrad.ones(2)
    x2 = npgrad.ones(2, requires_grad=True)
    x2.backward(g)
    x2.grad.add_(1)
    assert g.tolist() == [1., 1.]  # the user's gradient is not aliased into .grad


def test_deep_chain_has_no_recursion():
    x = npgrad.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(200_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_graph_freed_by_refcount_without_cycles():
    gc.collect()
    gc.disable()
    try:
        x = npgrad.ones(3, requires_grad=True)
        y = (x.exp() * 2).sum()
        node = weakref.ref(y.grad_fn)
        y.backward()
        del y
        assert node() is None  # gone with the last tensor, no cycle collector needed
        out = x.tanh()
        ref = weakref.ref(out.grad_fn)
        del out
        assert ref() is None
    finally:
        gc.enable()


def test_no_grad_enable_grad_and_detach():
    for m in (npgrad, torch):
        x = m.ones(2, requires_grad=True)
        with m.no_grad():
            assert not (x * 2).requires_grad
            with m.enable_grad():
                assert (x * 2).requires_grad
        z = (x * 2).detach()
        assert not z.requires_grad and z.grad_fn is None


def test_integer_outputs_do_not_require_grad():
    x = npgrad.tensor([1.5, 2.5], requires_grad=True)
    assert not (x > 2).requires_grad
    assert not x.long().requires_grad and torch.tensor([1.5], requires_grad=True).long().requires_grad is False


def test_grad_dtype_follows_input():
    def f(m):
        x = m.tensor([1., 2.], dtype=m.float64, requires_grad=True)
        y = m.tensor([3., 4.], requires_grad=True)
        (x.float() * y).sum().backward()
        return x.grad, y.grad
    assert_same(*run_both(f))
