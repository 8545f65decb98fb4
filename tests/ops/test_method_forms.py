"""Method forms that differed from torch, each against torch: ``Tensor.norm`` is the namespace's norm (``p=None``,
matrix orders, grad_fn names); ``Tensor.tile`` takes the dims as separate ints, one sequence or ``dims=`` while
``torch.tile`` takes a sequence only; writing in place into one of several views returned together (split, chunk,
unbind) raises as in torch while recording, and is allowed without grad. (Not matched yet: torch also refuses an
in-place write, with grad enabled, into any view made under no_grad of a tensor that requires grad.)"""
import warnings

import numpy as np
import pytest
import torch

import npgrad


NORM = ["x.norm()", "x.norm(None)", "x.norm(p=None)", "x.norm('nuc')", "x.norm('fro', (0, 1))", "x.norm(1, dim=1)",
        "x.norm(2, 0)", "x.norm(float('inf'))", "x.norm(3, dim=0, keepdim=True)", "x.norm(0)", "x.norm(-1, 1)",
        "x.norm(dtype=m.float64)", "x.norm('bad')"]


@pytest.mark.parametrize("expr", NORM)
def test_tensor_norm_forms(expr):
    assert _norm(expr, npgrad) == _norm(expr, torch)


def _norm(expr, m):
    x = m.tensor([[3.0, -4.0], [6.0, 8.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = eval(expr, {"m": m, "x": x})
        except Exception as e:  # noqa: BLE001
            return type(e).__name__
        out = np.asarray(r.detach().tolist()).round(4).tolist(), str(r.dtype).split(".")[1], r.grad_fn.name()
        if r.dtype == m.float32 and expr != "x.norm(0)":
            r.sum().backward()
            return out, np.asarray(x.grad.tolist()).round(4).tolist()
        return out


TILE = ["m.tile(x, [2])", "m.tile(x, (2, 1))", "m.tile(x, dims=(2, 1))", "m.tile(x, ())", "m.tile(x, 2)",
        "m.tile(x, (2.5,))", "m.tile(x, (True,))", "x.tile(2)", "x.tile(2, 2)", "x.tile((2, 2))", "x.tile([2, 2])",
        "x.tile(dims=[3])", "x.tile(m.Size([2, 1]))", "x.tile()", "x.tile((2,), dims=(2,))", "x.tile(2.0)",
        "x.tile(2, 2.0)", "x.tile(1, 2, 3)"]


@pytest.mark.parametrize("expr", TILE)
def test_tile_forms(expr):
    def go(m):
        x = m.tensor([[1, 2]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                r = eval(expr, {"m": m, "x": x})
            except Exception as e:  # noqa: BLE001
                return type(e).__name__, str(e)
        return r.tolist(), str(r.dtype)
    got, want = go(npgrad), go(torch)
    assert got[0] == want[0] if isinstance(want[0], str) else got == (want[0], want[1].replace("torch", "npgrad"))


MULTI_VIEW = [
    ("split", "x.split(2)", "a.add_(1)"), ("split", "x.split(2)", "a.mul_(2)"), ("chunk", "x.chunk(2)", "a.zero_()"),
    ("sizes", "x.split([1, 3])", "a.add_(1)"), ("single", "x.split(4)", "a.add_(1)"),
    ("unbind", "x.view(2, 2).unbind()", "a.fill_(3)"), ("unbind", "x.view(2, 2).unbind()", "a.exp_()"),
    ("clamp", "x.chunk(2)", "a.clamp_(0, 1)"), ("relu", "x.split(2)", "a.relu_()"),
]


@pytest.mark.parametrize("_name, make, write", MULTI_VIEW)
@pytest.mark.parametrize("mode", ["recording", "no_grad_write", "no_requires_grad"])
def test_multi_view_outputs_written_in_place(_name, make, write, mode):
    def go(m):
        base = m.ones(4, requires_grad=mode != "no_requires_grad").clone()
        env = {"x": base, "m": m}
        env["a"] = eval(make, env)[0]
        try:
            if mode == "no_grad_write":
                with m.no_grad():
                    exec(write, env)
            else:
                exec(write, env)
        except RuntimeError as e:
            return "RuntimeError", str(e)
        return np.round(env["a"].tolist(), 5).tolist(), np.round(base.tolist(), 5).tolist()  # exp_: float32 ulps
    assert go(npgrad) == go(torch)
