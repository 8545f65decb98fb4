"""Views made without recording (no_grad, inference_mode, inside a custom Function's forward) of a tensor that
requires grad: torch forbids writing into them in place with grad mode on (its CreationMeta check). Each case runs
the same code on npgrad and torch and compares the outcome: the exception class and message, or the result."""
import numpy as np
import pytest
import torch

import npgrad


def _outcome(fn, m):
    try:
        r = fn(m)
    except RuntimeError as e:
        return ("RuntimeError", str(e))
    if isinstance(r, (torch.Tensor, npgrad.Tensor)):
        return ("ok", r.detach().numpy().tolist(), type(r.grad_fn).__name__ if r.grad_fn is not None else None)
    return ("ok", r)


def _base(m, requires_grad=True, leaf=False):
    x = m.tensor(np.arange(12.0).reshape(3, 4) / 7, requires_grad=requires_grad)
    return x if leaf else x * 1


def _nograd(m, make, leaf=False, requires_grad=True):
    y = _base(m, requires_grad, leaf)
    with m.no_grad():
        return make(y)


VIEWS = {
    "view": lambda y: y.view(12), "reshape": lambda y: y.reshape(2, 6), "select": lambda y: y[0],
    "slice": lambda y: y[1:], "transpose": lambda y: y.transpose(0, 1), "t": lambda y: y.t(),
    "T": lambda y: y.T, "permute": lambda y: y.permute(1, 0), "unsqueeze": lambda y: y.unsqueeze(0),
    "squeeze": lambda y: y.unsqueeze(0).squeeze(0), "expand": lambda y: y[:1].expand(1, 4),
    "narrow": lambda y: y.narrow(1, 1, 2), "diagonal": lambda y: y.diagonal(), "flatten": lambda y: y.flatten(),
    "split": lambda y: y.split(1)[1], "chunk": lambda y: y.chunk(3, 1)[0], "unbind": lambda y: y.unbind(1)[2],
    "view_of_view": lambda y: y.view(12).view(3, 4)[1],
}

WRITES = {
    "mul_": lambda v, m: v.mul_(2), "add_": lambda v, m: v.add_(1), "zero_": lambda v, m: v.zero_(),
    "copy_": lambda v, m: v.copy_(m.zeros(v.shape)), "fill_": lambda v, m: v.fill_(1.0),
    "iadd": lambda v, m: v.__iadd__(1), "clamp_": lambda v, m: v.clamp_(0, 1), "lt_": lambda v, m: v.lt_(0),
    "relu_inplace": lambda v, m: m.nn.functional.relu(v, inplace=True),
    "setitem_all": lambda v, m: v.__setitem__(Ellipsis, 3.0), "setitem_int": lambda v, m: v.__setitem__(0, 3.0),
    "setitem_slice": lambda v, m: v.__setitem__(slice(1, None), 3.0),
    "setitem_full_slice": lambda v, m: v.__setitem__(slice(None), 3.0),
    "setitem_none": lambda v, m: v.__setitem__(None, 3.0),
    "setitem_list": lambda v, m: v.__setitem__([0], 3.0),
    "masked_fill_": lambda v, m: v.masked_fill_(v > 0.5, 1.0),
    "unsqueeze_": lambda v, m: v.unsqueeze_(0), "requires_grad_then_mul_": lambda v, m: v.requires_grad_().mul_(2),
}


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("leaf", [False, True])
def test_inplace_into_nograd_view_raises_as_torch(view, leaf):
    def run(m):
        v = _nograd(m, VIEWS[view], leaf)
        v.mul_(2)
    assert _outcome(run, npgrad) == _outcome(run, torch)


@pytest.mark.parametrize("write", list(WRITES))
def test_every_inplace_path_checks(write):
    def run(m):
        v = _nograd(m, lambda y: y.view(3, 4))
        WRITES[write](v, m)
    expected = _outcome(run, torch)
    assert expected[0] == "RuntimeError"
    assert _outcome(run, npgrad) == expected


@pytest.mark.parametrize("write", ["mul_", "setitem_int", "copy_", "zero_"])
def test_writes_allowed_where_torch_allows_them(write):
    def inside(m):  # view and write both under no_grad: not tracked, allowed
        y = _base(m)
        with m.no_grad():
            v = y.view(3, 4)
            WRITES[write](v, m)
        return y

    def plain(m):  # a base that needs no gradient: nothing to track
        v = _nograd(m, lambda y: y.view(3, 4), requires_grad=False)
        WRITES[write](v, m)
        return v

    def detached(m):  # writing through .detach() / .data of such a view is allowed
        v = _nograd(m, lambda y: y.view(3, 4))
        WRITES[write](v.detach(), m)
        WRITES[write](v.data, m)
        return _base(m)

    for fn in (inside, plain, detached):
        ours, theirs = _outcome(fn, npgrad), _outcome(fn, torch)
        assert theirs[0] == "ok"
        assert ours == theirs


def test_grad_mode_views_of_nograd_views_name_their_op():
    def run(m, make):
        v = _nograd(m, lambda y: y.view(12))
        make(v).mul_(2)
    for make in (lambda v: v.view(3, 4), lambda v: v[2:], lambda v: v.unsqueeze(1), lambda v: v.split(4)[1]):
        expected = _outcome(lambda m: run(m, make), torch)
        assert expected[0] == "RuntimeError"
        assert _outcome(lambda m: run(m, make), npgrad) == expected


def test_inference_mode_view_raises_as_torch():
    def run(m, grad):
        y = _base(m)
        with m.inference_mode():
            v = y.view(12)
        with m.set_grad_enabled(grad):
            v.mul_(2)
        return v.detach()  # (torch raises on reading v.grad_fn now: not matched, see check_nograd_view)
    for grad in (True, False):
        assert _outcome(lambda m: run(m, grad), npgrad) == _outcome(lambda m: run(m, grad), torch)


def test_enable_grad_inside_no_grad_raises_as_torch():
    def run(m):
        y = _base(m)
        with m.no_grad():
            v = y.view(12)
            with m.enable_grad():
                v.add_(1)
    assert _outcome(run, npgrad) == _outcome(run, torch)


def _custom(m, body):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return body(x)

        @staticmethod
        def backward(ctx, g):
            return g.reshape(3, 4)
    return F


@pytest.mark.parametrize("body", ["view", "returned_as_is", "computed"])
@pytest.mark.parametrize("then", ["mul_", "view_then_mul_", "setitem", "use"])
def test_custom_function_view_outputs_as_torch(body, then):
    bodies = {"view": lambda x: x.view(12), "returned_as_is": lambda x: x, "computed": lambda x: x * 2}
    thens = {"mul_": lambda y: y.mul_(2), "view_then_mul_": lambda y: y.view(-1).mul_(2),
             "setitem": lambda y: y.__setitem__(0, 1.0), "use": lambda y: y * 2}

    def run(m):
        y = _custom(m, bodies[body]).apply(_base(m))
        return thens[then](y)
    ours, theirs = _outcome(run, npgrad), _outcome(run, torch)
    if theirs[0] == "ok":  # (grad_fn names of the rebased view differ in kind only: compare values)
        assert ours[0] == "ok" and ours[1] == theirs[1]
    else:
        assert ours == theirs


def test_gradients_still_flow_when_view_and_write_are_both_tracked():
    def run(m):
        x = m.tensor(np.arange(6.0), requires_grad=True)
        y = x * 1
        v = y.view(2, 3)
        v.mul_(3)
        y.sum().backward()
        return x.grad
    assert _outcome(run, npgrad) == _outcome(run, torch)
