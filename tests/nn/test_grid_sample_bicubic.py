"""F.grid_sample: mode='bicubic' (align_corners both ways, zeros/border/reflection), and double backward in every
mode as torch 2.13's (values, first and second derivatives vs torch; float64 gradcheck/gradgradcheck)."""
import itertools

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd.gradcheck import gradcheck, gradgradcheck

PADS, ACS = ("zeros", "border", "reflection"), (False, True)


def _data(k, seed=0):
    g = np.random.default_rng(seed)
    if k == 2:
        x, grid, w = g.standard_normal((2, 3, 4, 5)), g.uniform(-1.3, 1.3, (2, 3, 4, 2)), g.standard_normal((2, 3, 3, 4))
    else:
        x, grid, w = (g.standard_normal((1, 2, 3, 4, 3)), g.uniform(-1.2, 1.2, (1, 2, 2, 3, 3)),
                      g.standard_normal((1, 2, 2, 2, 3)))
    return x, grid, w


def _run(m, x, grid, w, dtype, **kw):
    """Output, first derivatives (recorded) and the derivatives of a loss of them (second order)."""
    xt = m.tensor(x, dtype=dtype, requires_grad=True)
    gt = m.tensor(grid, dtype=dtype, requires_grad=True)
    y = m.nn.functional.grid_sample(xt, gt, **kw)
    gx, gg = m.autograd.grad((y * m.tensor(w, dtype=dtype)).sum(), (xt, gt), create_graph=True)
    second = (gx ** 2).sum() + (gg * gg.detach().sin()).sum() + (gg ** 2).sum()
    hx, hg = m.autograd.grad(second, (xt, gt), allow_unused=True, materialize_grads=True)
    return [t.detach().numpy() for t in (y, gx, gg, hx, hg)], y.grad_fn.name()


CASES = ([(2, "bicubic", p, a) for p, a in itertools.product(PADS, ACS)] +
         [(k, m, p, a) for k in (2, 3) for m in ("bilinear", "nearest") for p, a in itertools.product(PADS, ACS)])


@pytest.mark.parametrize("k,mode,pad,ac", CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_gradients_and_double_backward_as_torch(k, mode, pad, ac, dtype):
    x, grid, w = _data(k)
    ours, on = _run(npgrad, x, grid, w, getattr(npgrad, dtype), mode=mode, padding_mode=pad, align_corners=ac)
    theirs, tn = _run(torch, x, grid, w, getattr(torch, dtype), mode=mode, padding_mode=pad, align_corners=ac)
    assert on == tn
    rtol, atol = (1e-7, 1e-9) if dtype == "float64" else (1e-4, 1e-4)
    for name, a, b in zip(("out", "d input", "d grid", "dd input", "dd grid"), ours, theirs):
        assert a.dtype == b.dtype, name
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=name)


@pytest.mark.parametrize("pad,ac", list(itertools.product(PADS, ACS)))
def test_bicubic_gradcheck_and_gradgradcheck(pad, ac):
    g = np.random.default_rng(3)
    x = npgrad.tensor(g.standard_normal((1, 2, 4, 5)), requires_grad=True)
    grid = npgrad.tensor(g.uniform(-1.2, 1.2, (1, 2, 3, 2)), requires_grad=True)

    def fn(a, b):
        return npgrad.nn.functional.grid_sample(a, b, mode="bicubic", padding_mode=pad, align_corners=ac)
    assert gradcheck(fn, (x, grid))
    assert gradgradcheck(fn, (x, grid))


def test_bicubic_saved_attributes_as_torch():
    x, grid, _ = _data(2)
    shown = {}
    for m in (torch, npgrad):
        y = m.nn.functional.grid_sample(m.tensor(x, requires_grad=True), m.tensor(grid, requires_grad=True),
                                        mode="bicubic", padding_mode="reflection", align_corners=True)
        f = y.grad_fn
        shown[m] = (f._saved_interpolation_mode, f._saved_padding_mode, f._saved_align_corners,
                    f._saved_input.detach().numpy(), f._saved_grid.detach().numpy())
    assert shown[npgrad][:3] == shown[torch][:3] == (2, 2, True)
    np.testing.assert_array_equal(shown[npgrad][3], shown[torch][3])
    np.testing.assert_array_equal(shown[npgrad][4], shown[torch][4])


def test_bicubic_far_outside_and_on_the_border_as_torch():
    """Taps clipped/reflected several times over (grid far outside [-1, 1]) and exactly on pixel centres."""
    x = np.arange(2 * 3 * 4, dtype=np.float64).reshape(1, 2, 3, 4) ** 1.5
    grid = np.array([[[[-3.7, 2.9], [1.0, -1.0], [0.0, 0.5], [5.2, -4.4]]]])
    for pad, ac in itertools.product(PADS, ACS):
        out = [m.nn.functional.grid_sample(m.tensor(x), m.tensor(grid), mode="bicubic", padding_mode=pad,
                                           align_corners=ac).numpy() for m in (npgrad, torch)]
        np.testing.assert_allclose(out[0], out[1], rtol=1e-12, atol=1e-12, err_msg=f"{pad} {ac}")


def test_bicubic_5d_refused_as_torch():
    for m in (torch, npgrad):
        with pytest.raises(RuntimeError, match="bicubic interpolation only supports 4D input"):
            m.nn.functional.grid_sample(m.zeros(1, 1, 2, 2, 2), m.zeros(1, 1, 1, 1, 3), mode="bicubic",
                                        align_corners=False)
