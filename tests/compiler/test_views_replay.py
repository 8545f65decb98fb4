"""View functions in compiled regions: replayed as views (sharing the input's storage and version counter, with
torch's grad_fn and in-place rules), never a graph break - including those whose op takes NumPy views and
positions computed from the input's strides (unfold, as_strided) and detach."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad import compiler

VIEWS = {
    "rot90": lambda m, x: x.rot90(1, (0, 1)),
    "unfold": lambda m, x: x.unfold(1, 2, 1),
    "unfold_step": lambda m, x: x.unfold(0, 2, 2),
    "as_strided": lambda m, x: x.as_strided((2, 2), (1, 3)),
    "as_strided_fn": lambda m, x: m.as_strided(x, (3,), (5,), 1),
    "diagonal": lambda m, x: x.diagonal(),
    "movedim": lambda m, x: x.movedim(0, 1),
    "narrow": lambda m, x: x.narrow(1, 1, 2),
    "unflatten": lambda m, x: x.unflatten(1, (2, 2)),
    "mT": lambda m, x: x.mT,
    "index_step": lambda m, x: x[::2, 1:],
}


def _semantics(m, fn, x_data, compiled):
    out = {}
    x = m.tensor(x_data, requires_grad=True)
    v = fn(m, x)
    out["values"] = v.tolist()
    out["is_view"] = v._base is x
    out["grad_fn"] = type(v.grad_fn).__name__ if out["is_view"] else None   # (other outputs: the region's node)
    (v * m.arange(float(v.numel())).reshape(v.shape)).sum().backward()
    out["grad"] = x.grad.tolist()
    try:
        v.mul_(2)
        out["inplace"] = "ok"
    except RuntimeError as e:
        out["inplace"] = type(e).__name__
    y = m.tensor(x_data)            # no grad: the view's writes show through in the input
    w = fn(m, y)
    w.add_(1)
    out["through"] = y.tolist()
    out["version"] = (y._version, w._version)
    return out


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_returned_view_replays_as_torchs_view(name):
    fn = VIEWS[name]
    data = np.arange(12.0).reshape(3, 4).tolist()
    expect = _semantics(torch, fn, data, False)
    compiler.reset()
    g = npgrad.compile(lambda x: fn(npgrad, x))
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        for _ in range(3):
            got = _semantics(npgrad, lambda m, x: g(x), data, True)
            if name == "unfold":   # overlapping windows: eager npgrad's add_ through them adds once per element
                got.pop("through")   # (torch: once per window; an eager-mode difference, not compile's)
                expect.pop("through", None)
            assert got == expect
    assert compiler.counters["replays"] >= 4 and compiler.counters["graph_breaks"] == 0


@pytest.mark.parametrize("name", ["unfold", "unfold_step", "as_strided", "as_strided_fn"])
def test_strided_views_inside_a_region_follow_the_replay_input(name):
    fn = VIEWS[name]

    def f(x, w):
        return (fn(npgrad, x) * w).sum()
    g = npgrad.compile(f)
    w = npgrad.tensor(1.5, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        for k in range(4):
            base = np.random.RandomState(k).randn(4, 3) if k % 2 else np.random.RandomState(k).randn(3, 4).T
            xd = np.ascontiguousarray(base.T) if k % 2 else base.T   # contiguous / transposed (other strides)
            x = npgrad.tensor(xd, requires_grad=True)
            r = g(x, w)
            gx, gw = npgrad.autograd.grad(r, (x, w))
            xt = torch.tensor(np.asarray(xd), requires_grad=True)
            wt = torch.tensor(1.5, requires_grad=True, dtype=torch.float32)
            rt = (fn(torch, xt) * wt).sum()
            ex, ew = torch.autograd.grad(rt, (xt, wt))
            np.testing.assert_allclose(r.item(), rt.item(), rtol=1e-6)
            np.testing.assert_allclose(gx.numpy(), ex.numpy(), rtol=1e-6)
            np.testing.assert_allclose(gw.item(), ew.item(), rtol=1e-5)


def test_returned_detach_shares_storage_and_version():
    g = npgrad.compile(lambda x: (x.detach(), x.detach().t(), x * 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)
        for _ in range(3):
            x = npgrad.ones(2, 3, requires_grad=True)
            a, b, c = g(x)
            assert a.grad_fn is None and not a.requires_grad and b.grad_fn is None
            a.add_(1)
            assert x._version == 1 and b._version == 1 and x.tolist() == [[2.0] * 3] * 2
