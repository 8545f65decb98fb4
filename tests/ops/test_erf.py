"""erf/erfc (Cody/Cephes rationals in ops/pointwise_special.py) against torch: edge values, every float dtype,
relative error over wide float64 ranges including erfc's far tail."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import npgrad

EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, 5e-324, 0.5, -0.5, 1.0, -1.0, 4.0, -4.0, 6.0, -6.0,
         8.0, -8.0, 26.0, -26.0, 27.0, -27.0, 1e300, -1e300]


@pytest.mark.parametrize("name", ["erf", "erfc"])
@pytest.mark.parametrize("dt", ["float64", "float32", "float16", "bfloat16"])
def test_edges_match_torch(name, dt):
    ours = getattr(npgrad, name)(npgrad.tensor(EDGES, dtype=getattr(npgrad, dt)))
    ref = getattr(torch, name)(torch.tensor(EDGES, dtype=getattr(torch, dt)))
    assert str(ours.dtype) == str(ref.dtype).replace("torch", "npgrad")
    a, b = torch.tensor(ours.double().numpy()), ref.double()
    # one ulp: torch evaluates float32/half in their own precision, we round the float64 value
    rtol = {"float64": 1e-14, "float32": 2.5e-7, "float16": 1e-3, "bfloat16": 8e-3}[dt]
    assert torch.allclose(a, b, rtol=rtol, atol=0.0, equal_nan=True)
    finite = ~torch.isnan(b)
    assert torch.equal(torch.signbit(a[finite]), torch.signbit(b[finite]))


def _rel(a, b):
    tiny = np.abs(b) < 1e-290  # subnormal results only carry a few bits
    err = np.abs(a - b) / np.where(b == 0, 1.0, np.abs(b))
    return np.where(tiny, np.abs(a - b) / 1e-290, err).max()


@settings(max_examples=40, deadline=None)
@given(scale=st.sampled_from([1e-3, 0.5, 2.0, 6.0, 30.0]), seed=st.integers(0, 2**31))
def test_relative_error_wide_float64(scale, seed):
    x = np.random.default_rng(seed).standard_normal(2000) * scale
    for name in ("erf", "erfc"):
        a = getattr(npgrad, name)(npgrad.tensor(x)).numpy()
        b = getattr(torch, name)(torch.tensor(x)).numpy()
        assert _rel(a, b) < 1e-14, name


def test_erfc_tail_relative():
    x = np.linspace(1.0, 26.5, 5001)
    a = npgrad.erfc(npgrad.tensor(x)).numpy()
    b = torch.erfc(torch.tensor(x)).numpy()
    assert (b > 0).all()
    assert (np.abs(a - b) / b).max() < 1e-14
    assert npgrad.erfc(npgrad.tensor(26.0)).item() == pytest.approx(torch.erfc(torch.tensor(26.0, dtype=torch.float64)).item(), rel=1e-14)


def test_scalar_and_float32_grad():
    x = npgrad.tensor(0.3, requires_grad=True)
    y = npgrad.erf(x)
    y.backward()
    t = torch.tensor(0.3, requires_grad=True)
    torch.erf(t).backward()
    assert abs(y.item() - torch.erf(t).item()) < 1e-7 and abs(x.grad.item() - t.grad.item()) < 1e-6
