"""What one recorded op costs the cycle collector, and which nodes the engine sends down its general path.

Deep graphs pay the cycle collector for every GC-tracked object an op leaves alive (issue 15, W4), so the counts
are pinned here: a change that adds an object per op fails this test instead of slowing W4 silently. When a change
removes one, lower the number.
"""
import gc

import npgrad as torch

# per recorded op kept alive: Tensor, node, edges tuple, edge tuple; exp saves its result: saved tuple, one saved
# entry and the result's version-counter list (a counter is made only when a tensor is saved, viewed or written
# in place); ``y * number`` saves nothing it needs (its saved tuple holds atoms only); a no-grad op: the Tensor
RECORDED_EXP = 7
RECORDED_MUL_BY_NUMBER = 5
RECORDED_ADD = 4
NO_GRAD_OP = 1


def _objects_per_op(step, n=1000):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    kept = []
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for _ in range(n):
            y = step(y)
            kept.append(y)
        after = len(gc.get_objects())
    finally:
        gc.enable()
    assert len(kept) == n
    return round((after - before) / n)


def test_gc_tracked_objects_per_recorded_op():
    assert _objects_per_op(lambda y: y.exp()) <= RECORDED_EXP


def test_gc_tracked_objects_per_recorded_op_that_saves_no_array():
    assert _objects_per_op(lambda y: y * 1.0001) <= RECORDED_MUL_BY_NUMBER
    assert _objects_per_op(lambda y: y + 1.0) <= RECORDED_ADD


def test_gc_tracked_objects_per_op_without_a_graph():
    with torch.no_grad():
        assert _objects_per_op(lambda y: y * 1.0001) <= NO_GRAD_OP


def test_the_chain_still_backpropagates_exactly():
    x = torch.tensor([0.1, 0.2], requires_grad=True, dtype=torch.float64)
    y = x
    for _ in range(1000):
        y = y * 1.001
    y.sum().backward()
    assert torch.allclose(x.grad, torch.full((2,), 1.001 ** 1000, dtype=torch.float64))


class _Twice(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_general_path_flag_is_set_when_the_node_is_made_and_when_a_hook_arrives():
    x = torch.randn(3, requires_grad=True)
    y = x.exp()
    assert y.grad_fn._general is False  # a built-in, one output, no hooks: the engine's fast path
    assert x.max(0).values.grad_fn._general is True  # several outputs
    assert _Twice.apply(x).grad_fn._general is True  # a user Function
    z = x.sin()
    z.register_hook(lambda g: g * 3)
    assert z.grad_fn._general is True
    w = x.cos()
    w.retain_grad()
    assert w.grad_fn._general is True
    v = x.tanh()
    v.grad_fn.register_prehook(lambda gs: gs)
    assert v.grad_fn._general is True
    (z.sum() + w.sum() + v.sum() + y.sum()).backward()
    expected = 3 * x.detach().cos() - x.detach().sin() + (1 - x.detach().tanh() ** 2) + x.detach().exp()
    assert torch.allclose(x.grad, expected)
    assert torch.allclose(w.grad, torch.ones(3))


def test_node_classes_have_no_getattr_hook_and_still_expose_saved_values():
    # a ``__getattr__`` on a node class sends every read of every node attribute through CPython's generic path
    # (no specialised slot read); torch's ``_saved_<name>`` values are properties of each built-in's node class
    x = torch.randn(3, requires_grad=True)
    y = x.exp()
    z = x * y
    for node in (y.grad_fn, z.grad_fn):
        assert "__getattr__" not in {k for c in type(node).__mro__ for k in vars(c)}
    assert torch.equal(y.grad_fn._saved_result, y)
    assert z.grad_fn._saved_self is x and torch.equal(z.grad_fn._saved_other, y)
    assert hasattr(z.grad_fn, "_raw_saved_other") and not hasattr(z.grad_fn, "_raw_saved_alpha")
    try:
        y.grad_fn._saved_nothing
    except AttributeError:
        pass
    else:
        raise AssertionError("a name the node does not save must raise AttributeError")
