"""Every view knows its base, as in torch (ops/shape.py ``track_view`` / ``mark_nograd_view``): ``_base`` and
``_is_view()`` for each view op torch documents, made from a plain tensor, a leaf or non-leaf that requires grad,
in grad mode, under no_grad and in inference mode; a view made under no_grad of a tensor that requires grad
requires grad itself, is a leaf without an accumulator (the gradient reaching it is dropped), and refuses to be
used once its base was written in place. Each case runs on torch and npgrad and compares the outcome."""
import numpy as np
import pytest
import torch

import npgrad

VIEWS = {
    "view": lambda m, x: x.view(12), "view_dtype": lambda m, x: x.view(m.float64),
    "view_as": lambda m, x: x.view_as(m.zeros(12)), "reshape": lambda m, x: x.reshape(4, 3),
    "reshape_copy": lambda m, x: x.t().reshape(12), "slice": lambda m, x: x[1:], "select_idx": lambda m, x: x[0],
    "none_idx": lambda m, x: x[None], "ellipsis": lambda m, x: x[...], "adv_idx": lambda m, x: x[[0, 1]],
    "bool_idx": lambda m, x: x[True], "int_tensor_idx": lambda m, x: x[m.tensor(1)],
    "step_slice": lambda m, x: x[:, ::2], "select_neg": lambda m, x: x[-1, 1:],
    "transpose": lambda m, x: x.transpose(0, 1), "T": lambda m, x: x.T, "mT": lambda m, x: x.mT,
    "mH": lambda m, x: x.mH, "H": lambda m, x: x.H, "adjoint": lambda m, x: x.adjoint(), "t": lambda m, x: x.t(),
    "permute": lambda m, x: x.permute(1, 0), "movedim": lambda m, x: x.movedim(0, 1),
    "moveaxis": lambda m, x: m.moveaxis(x, 1, 0), "swapaxes": lambda m, x: x.swapaxes(0, 1),
    "swapdims": lambda m, x: x.swapdims(0, 1), "expand": lambda m, x: x[:1].expand(3, 4),
    "expand_as": lambda m, x: x[:1].expand_as(x), "broadcast_to": lambda m, x: m.broadcast_to(x, (2, 3, 4)),
    "narrow": lambda m, x: x.narrow(1, 1, 2), "narrow_tensor": lambda m, x: m.narrow(x, 0, m.tensor(1), 2),
    "select": lambda m, x: x.select(1, 2), "unbind0": lambda m, x: x.unbind(0)[0],
    "unbind1": lambda m, x: x.unbind(1)[1], "split": lambda m, x: x.split(2, 1)[1],
    "split_fn": lambda m, x: m.split(x, 1)[2], "split_with_sizes": lambda m, x: x.split([1, 3], 1)[1],
    "chunk": lambda m, x: x.chunk(2, 0)[0], "tensor_split": lambda m, x: x.tensor_split(2, 1)[0],
    "hsplit": lambda m, x: x.hsplit(2)[0], "vsplit": lambda m, x: x.vsplit(3)[0],
    "dsplit": lambda m, x: x.reshape(1, 3, 4).dsplit(2)[0], "diagonal": lambda m, x: x.diagonal(),
    "diagonal_fn": lambda m, x: m.diagonal(x, 1), "as_strided": lambda m, x: x.as_strided((2, 2), (1, 2)),
    "unfold": lambda m, x: x.unfold(1, 2, 1), "detach": lambda m, x: x.detach(), "data": lambda m, x: x.data,
    "squeeze": lambda m, x: x[None].squeeze(), "squeeze0": lambda m, x: x[None].squeeze(0),
    "squeeze_dims": lambda m, x: x[None].squeeze((0,)), "unsqueeze": lambda m, x: x.unsqueeze(1),
    "flatten": lambda m, x: x.flatten(), "flatten_noop": lambda m, x: x.flatten(0, 0),
    "unflatten": lambda m, x: x.unflatten(1, (2, 2)), "ravel": lambda m, x: x.ravel(),
    "contiguous": lambda m, x: x.contiguous(), "atleast_2d": lambda m, x: m.atleast_2d(x),
    "atleast_3d": lambda m, x: m.atleast_3d(x), "to_same": lambda m, x: x.to(x.dtype),
    "view_of_view": lambda m, x: x[1:].T[0], "empty_slice": lambda m, x: x[3:], "empty_view": lambda m, x: x[:0].view(0, 2),
}
MODES = ["plain", "leaf", "leaf_no_grad", "nonleaf", "nonleaf_no_grad", "inference"]


def _describe(m, mode, make):
    x0 = m.arange(12.0).reshape(3, 4).clone()
    if mode == "plain":
        x = x0
    elif mode.startswith("nonleaf"):
        x = x0.requires_grad_() * 1
    else:
        x = x0.requires_grad_()
    if mode.endswith("no_grad"):
        with m.no_grad():
            v = make(m, x)
    elif mode == "inference":
        with m.inference_mode():
            v = make(m, x)
    else:
        v = make(m, x)
    base = v._base
    return ("root" if base is x else None if base is None else "other", v._is_view(), v.requires_grad, v.is_leaf,
            type(v.grad_fn).__name__ if v.grad_fn is not None else None, tuple(v.shape))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", list(VIEWS))
def test_base_and_is_view_as_torch(op, mode):
    assert _describe(npgrad, mode, VIEWS[op]) == _describe(torch, mode, VIEWS[op])


def _outcome(fn, m):
    try:
        r = fn(m)
    except RuntimeError as e:
        return ("RuntimeError", str(e))
    return ("ok", r)


def _names(fn):
    return tuple(None if n is None else type(n).__name__ for n, _ in fn.next_functions)


NOGRAD_USES = {
    # the view is a leaf that requires grad, with no accumulator: its place in the graph is (None, 0)
    "flags": lambda m, x, v: (v.requires_grad, v.is_leaf, v.grad_fn, v.retains_grad),
    "use": lambda m, x, v: ((v * 2).requires_grad, _names((v * 2).grad_fn)),
    "clone": lambda m, x, v: _names(v.clone().grad_fn),
    "backward_drops": lambda m, x, v: ((v * v).sum().backward(), x.grad, v.grad),
    "view_in_grad_mode": lambda m, x, v: (type(v[1:].grad_fn).__name__, v[1:]._base is x),
    "view_of_view_backward": lambda m, x, v: ((v[1:] * 2).sum().backward(), x.grad),
    "grad_unused": lambda m, x, v: m.autograd.grad((v * v).sum(), v),
    "grad_allow_unused": lambda m, x, v: m.autograd.grad((v * v).sum(), [v, x], allow_unused=True),
    "requires_grad_false": lambda m, x, v: v.requires_grad_(False).requires_grad,
    "detach": lambda m, x, v: (v.detach().requires_grad, v.detach()._base),
}


@pytest.mark.parametrize("leaf", [True, False])
@pytest.mark.parametrize("use", list(NOGRAD_USES))
def test_nograd_view_of_a_tensor_that_requires_grad(use, leaf):
    def run(m):
        x = m.tensor(np.arange(12.0).reshape(3, 4) / 7, requires_grad=True)
        src = x if leaf else x * 1
        with m.no_grad():
            v = src[1]
        r = NOGRAD_USES[use](m, src, v)
        return r if not isinstance(r, (m.Tensor, tuple)) else _plain(m, r)
    assert _outcome(run, npgrad) == _outcome(run, torch)


def _plain(m, r):
    if isinstance(r, m.Tensor):
        return ("T", r.detach().numpy().tolist(), r.requires_grad)
    if isinstance(r, tuple):
        return tuple(_plain(m, e) for e in r)
    return r


WRITES = {
    "base_mul_no_grad": lambda m, x, v: x.mul_(2),
    "view_add_no_grad": lambda m, x, v: v.add_(1),
    "other_view_no_grad": lambda m, x, v: x[0].zero_(),
}
AFTER = {
    "mul": lambda m, v: (v * 2).sum(),
    "view": lambda m, v: v[0],
    "cat": lambda m, v: m.cat([v, v]),
    "detach_ok": lambda m, v: v.detach().sum(),
    "value_ok": lambda m, v: float(v.sum()),
}


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
@pytest.mark.parametrize("after", list(AFTER))
@pytest.mark.parametrize("write", list(WRITES))
def test_nograd_view_used_after_its_base_changed(write, after, mode):
    def run(m):
        x = m.tensor(np.arange(12.0).reshape(3, 4) / 7, requires_grad=True)
        with getattr(m, mode)():
            v = x[1]
        with m.no_grad():
            WRITES[write](m, x, v)
        r = AFTER[after](m, v)
        return _plain(m, r) if isinstance(r, m.Tensor) else r
    assert _outcome(run, npgrad) == _outcome(run, torch)


@pytest.mark.parametrize("make", ["split", "unbind", "chunk", "tensor_split", "as_strided", "unfold"])
def test_nograd_pieces_drop_their_gradient_and_check_their_base(make):
    ops = {"split": lambda x: x.split(2)[0], "unbind": lambda x: x.unbind()[1], "chunk": lambda x: x.chunk(2)[1],
           "tensor_split": lambda x: x.tensor_split(2)[0], "as_strided": lambda x: x.as_strided((2,), (2,)),
           "unfold": lambda x: x.unfold(0, 2, 2)}

    def run(m):
        x = m.arange(4.0).requires_grad_()
        with m.no_grad():
            p = ops[make](x)
        first = (p.requires_grad, p._base is x, _names((p * 2).grad_fn))
        with m.no_grad():
            x.add_(1)
        return first, _outcome(lambda m: p * 2, m)[0]
    assert run(npgrad) == run(torch)


@pytest.mark.parametrize("grad_mode_view", [True, False])
@pytest.mark.parametrize("value_requires_grad", [True, False])
def test_write_into_a_view_of_a_plain_tensor(grad_mode_view, value_requires_grad):
    """A view of a tensor that needs no grad knows its base: writing a recorded value into it rebases the base
    (CopySlices), and the view reads from it (AsStridedBackward0); the same write into a view made under no_grad
    is refused."""
    def run(m):
        y = m.tensor([1.0, 2.0], requires_grad=value_requires_grad)
        a = m.zeros(3)
        if grad_mode_view:
            w = a[:2]
        else:
            with m.no_grad():
                w = a[:2]
        w.add_(y * 2)
        out = [type(a.grad_fn).__name__ if a.grad_fn is not None else None,
               type(w.grad_fn).__name__ if w.grad_fn is not None else None, a.tolist()]
        if a.requires_grad:
            a.sum().backward()
            out.append(y.grad.tolist())
        return out
    assert _outcome(run, npgrad) == _outcome(run, torch)


LEAF_VIEW_WRITES = {
    "mul_": lambda m, w: w.mul_(2), "setitem": lambda m, w: w.__setitem__(0, 1.0),
    "t_mul_": lambda m, w: w.t().mul_(2), "t_setitem": lambda m, w: w.t().__setitem__(0, 1.0),
    "row_add_": lambda m, w: w[0].add_(1), "no_grad_mul_": lambda m, w: _in_no_grad(m, lambda: w.mul_(2)),
    "clone_view_slice_mul_": lambda m, w: w.clone().view(12).requires_grad_()[1:].mul_(2),
    "nonleaf_view_slice_mul_": lambda m, w: (w * 1).view(12)[1:].mul_(2),
}


def _in_no_grad(m, fn):
    with m.no_grad():
        return fn()


@pytest.mark.parametrize("write", list(LEAF_VIEW_WRITES))
def test_in_place_into_a_leaf_that_is_a_view(write):
    """``arange(12.).reshape(3, 4).requires_grad_()`` is a leaf and a view: writing into it (or into a view of it)
    in grad mode is torch's 'a view of a leaf Variable' error, since its base is a leaf."""
    def run(m):
        w = m.arange(12.0).reshape(3, 4).requires_grad_()
        r = LEAF_VIEW_WRITES[write](m, w)
        return type(r.grad_fn).__name__ if r.grad_fn is not None else None
    assert _outcome(run, npgrad) == _outcome(run, torch)
