"""Atomic failures: an op that raises leaves its inputs, their .grad, _version and the graph unchanged; a
backward that raises leaves the leaf grads accumulated so far consistent (as torch's) and names the node."""
import numpy as np
import pytest
import torch

import npgrad

INPLACE = {
    "add_shape": lambda m, a: a.add_(m.ones(4)),
    "add_broadcast_out": lambda m, a: a.add_(m.ones(2, 3)),
    "mul_shape": lambda m, a: a.mul_(m.ones(2, 2)),
    "pow_shape": lambda m, a: a.pow_(m.ones(5)),
    "sub_bool": lambda m, a: a.sub_(m.ones(3, dtype=m.bool)),
    "setitem_shape": lambda m, a: a.__setitem__(slice(0, 2), m.ones(3)),
    "setitem_oob": lambda m, a: a.__setitem__(5, 1.0),
    "copy_shape": lambda m, a: a.copy_(m.ones(4)),
    "masked_fill_shape": lambda m, a: a.masked_fill_(m.ones(4) > 0, 1.0),
    "index_put_oob": lambda m, a: a.index_put_((m.tensor([0, 7]),), m.ones(2)),
    "scatter_oob": lambda m, a: a.scatter_(0, m.tensor([0, 9]), m.ones(2)),
    "clamp_none": lambda m, a: a.clamp_(),
    "div_str": lambda m, a: a.div_("x"),
    "index_fill_oob": lambda m, a: a.index_fill_(0, m.tensor([4]), 1.0),
    "fill_tensor": lambda m, a: a.fill_(m.ones(2)),
    "clamp_tensor": lambda m, a: a.clamp_(m.ones(4)),
    "lerp_shape": lambda m, a: a.lerp_(m.ones(4), 0.5),
    "addcmul_shape": lambda m, a: a.addcmul_(m.ones(4), m.ones(3)),
    "masked_scatter_short": lambda m, a: a.masked_scatter_(m.ones(3) > 0, m.ones(1)),
    "addmm_shape": lambda m, a: a.reshape(3, 1).addmm_(m.ones(3, 2), m.ones(3, 1)),
}
OUT_OF_PLACE = {
    "add": lambda m, a, b: a + b[:2],
    "matmul": lambda m, a, b: a @ b.reshape(1, 3),
    "cat_dim": lambda m, a, b: m.cat([a, b], dim=1),
    "gather_oob": lambda m, a, b: a.gather(0, m.tensor([5])),
    "index_oob": lambda m, a, b: a[m.tensor([3])],
    "reshape": lambda m, a, b: a.reshape(2, 2),
    "sum_dim": lambda m, a, b: (a * b).sum(3),
    "log_softmax_dim": lambda m, a, b: m.log_softmax(a, 2),
}


def _state(x, a):
    return (a.detach().numpy().copy(), a._version, a.grad_fn, None if x.grad is None else x.grad.numpy().copy())


@pytest.mark.parametrize("name", list(INPLACE))
def test_failed_inplace_changes_nothing(name):
    fn = INPLACE[name]
    classes = []
    for m in (torch, npgrad):
        x = m.tensor([1., 2., 3.], requires_grad=True)
        (x * 5).sum().backward()  # an existing .grad that must survive
        a = x * 1
        before = _state(x, a)
        with pytest.raises(Exception) as info:
            fn(m, a)
        classes.append(type(info.value))
        if m is npgrad:
            after = _state(x, a)
            np.testing.assert_array_equal(after[0], before[0])
            assert after[1] == before[1], "version counter bumped by a failed in-place op"
            assert after[2] is before[2], "grad_fn changed by a failed in-place op"
            np.testing.assert_array_equal(after[3], before[3])
            a.sum().backward()  # the graph still works
            np.testing.assert_array_equal(x.grad.numpy(), before[3] + 1)
    assert issubclass(classes[1], classes[0]), classes


@pytest.mark.parametrize("name", list(OUT_OF_PLACE))
def test_failed_op_changes_nothing(name):
    fn = OUT_OF_PLACE[name]
    classes = []
    for m in (torch, npgrad):
        x = m.tensor([1., 2., 3.], requires_grad=True)
        b = m.tensor([4., 5., 6.], requires_grad=True)
        a = x * 2
        before = _state(x, a), b._version, b.grad
        with pytest.raises(Exception) as info:
            fn(m, a, b)
        classes.append(type(info.value))
        after = _state(x, a), b._version, b.grad
        np.testing.assert_array_equal(after[0][0], before[0][0])
        assert after[0][1:3] == before[0][1:3] and after[1:] == before[1:]
        (a * b).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [8., 10., 12.])
    assert issubclass(classes[1], classes[0]), classes


def _hook_failure(m):
    a, b, c = (m.ones(3, requires_grad=True) for _ in range(3))
    loss = (a * 2 * 3).sum() + (b * 4).sum() + c.exp().sum()
    calls = []

    def bad(g):
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("hook failed")
        return g

    b.register_hook(bad)
    with pytest.raises(ValueError) as info:
        loss.backward(retain_graph=True)
    after_failure = [None if t.grad is None else t.grad.numpy().copy() for t in (a, b, c)]
    loss.backward()  # the retained graph runs again; grads accumulate on top of what the failed pass left
    return after_failure, [t.grad.numpy().copy() for t in (a, b, c)], info.value


def test_raising_hook_leaves_grads_as_torch():
    theirs_fail, theirs_end, _ = _hook_failure(torch)
    ours_fail, ours_end, err = _hook_failure(npgrad)
    for o, t in zip(ours_fail, theirs_fail):
        assert (o is None) == (t is None)
        if t is not None:
            np.testing.assert_allclose(o, t)
    for o, t in zip(ours_end, theirs_end):
        np.testing.assert_allclose(o, t)
    assert any("AccumulateGrad" in n for n in err.__notes__), err.__notes__


def test_custom_backward_shape_mismatch_names_the_node():
    def run(m):
        class Twice(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return m.ones(5)

        x = m.ones(3, requires_grad=True)
        w = m.ones(3, requires_grad=True)
        loss = (Twice.apply(x) * w).sum()
        with pytest.raises(RuntimeError) as info:
            loss.backward()
        return info.value, w.grad

    theirs, tw = run(torch)
    ours, ow = run(npgrad)
    assert str(ours) == str(theirs)
    assert (ow is None) == (tw is None)
    assert any("TwiceBackward" in n for n in ours.__notes__), ours.__notes__
