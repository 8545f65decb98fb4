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


# ---- float32 kernels (ops/pointwise_special: _erf32_abs_block, _erfc32; exact GELU in ops/activation) --------
EDGES32 = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-40, 1e-30, 1e-8, 0.5, -0.5, 1.0, -1.0, 3.9, -3.9,
           3.92, 4.0, -4.0, 6.0, -6.0, 9.0, -9.0, 10.0, -10.0, 10.05, 26.0, -26.0, 27.0, -27.0, 3e38, -3e38]


def _ulps32(ours, ref):
    """|ours - ref| in float32 ulps of ref (subnormal spacing below the normal range); equal values (inf, nan
    pairs included) count 0."""
    ours, ref = np.asarray(ours, np.float64), np.asarray(ref, np.float64)
    same = (ours == ref) | (np.isnan(ours) & np.isnan(ref))
    spacing = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    return np.where(same, 0.0, np.abs(ours - ref) / spacing)


@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_float32_edges_within_one_ulp_of_torch(name):
    x = np.array(EDGES32, np.float32)
    ours = getattr(npgrad, name)(npgrad.tensor(x)).numpy()
    ref = getattr(torch, name)(torch.tensor(x)).numpy()
    assert ours.dtype == np.float32
    assert np.array_equal(np.isnan(ours), np.isnan(ref))
    assert _ulps32(ours, ref).max() <= 1.0
    assert np.array_equal(np.signbit(ours[~np.isnan(ref)]), np.signbit(ref[~np.isnan(ref)]))


REGIONS = [(0.0, 1e-30), (1e-30, 1e-6), (1e-6, 0.5), (0.5, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 3.92), (3.92, 4.1),
           (4.1, 6.0), (6.0, 9.0), (9.0, 10.1), (10.1, 30.0)]


@pytest.mark.parametrize("lo,hi", REGIONS)
def test_float32_max_ulp_per_region(lo, hi):
    """Dense grids of both signs: erf and erfc within 2 ulp of torch and 1.5 ulp of the float64 values."""
    x = np.linspace(lo, hi, 20001, dtype=np.float64).astype(np.float32)
    x = np.concatenate([x, -x])
    for name in ("erf", "erfc"):
        ours = getattr(npgrad, name)(npgrad.tensor(x)).numpy()
        ref32 = getattr(torch, name)(torch.tensor(x)).numpy()
        ref64 = getattr(torch, name)(torch.tensor(x, dtype=torch.float64)).numpy()
        assert _ulps32(ours, ref32).max() <= 2.0, name
        assert _ulps32(ours, ref64).max() <= 1.5, name


def test_float32_erfc_tail_relative():
    x = np.linspace(0.47, 10.0, 30001).astype(np.float32)
    ours = npgrad.erfc(npgrad.tensor(x)).numpy()
    ref = torch.erfc(torch.tensor(x, dtype=torch.float64)).numpy()
    normal = ref > np.finfo(np.float32).tiny
    assert (np.abs(ours[normal] - ref[normal]) / ref[normal]).max() < 1.2e-7
    assert _ulps32(ours, ref).max() <= 1.0   # subnormal results: within one spacing
    assert npgrad.erfc(npgrad.tensor(9.0, dtype=npgrad.float32)).item() == pytest.approx(
        torch.erfc(torch.tensor(9.0, dtype=torch.float64)).item(), rel=1.2e-7)


@settings(max_examples=30, deadline=None)
@given(scale=st.sampled_from([1e-20, 1e-3, 0.7, 2.0, 5.0, 12.0, 1e30]), seed=st.integers(0, 2**31),
       n=st.integers(1, 70000))
def test_float32_wide_ranges_vs_torch(scale, seed, n):
    """Random float32 data of any length (the kernel works in 32,000-element blocks) and strided views."""
    x = (np.random.default_rng(seed).standard_normal(n) * scale).astype(np.float32)
    for arr in (x, x[::3]):
        for name in ("erf", "erfc"):
            ours = getattr(npgrad, name)(npgrad.tensor(arr)).numpy()
            ref = getattr(torch, name)(torch.tensor(arr)).numpy()
            assert _ulps32(ours, ref).max() <= 2.0, name


@pytest.mark.parametrize("dt", ["float16", "bfloat16"])
def test_narrow_floats_round_the_float32_value(dt):
    x = np.linspace(-5, 5, 4001)
    for name in ("erf", "erfc"):
        ours = getattr(npgrad, name)(npgrad.tensor(x, dtype=getattr(npgrad, dt)))
        ref = getattr(torch, name)(torch.tensor(x, dtype=getattr(torch, dt)))
        assert str(ours.dtype) == str(ref.dtype).replace("torch", "npgrad")
        a, b = torch.tensor(ours.double().numpy()), ref.double()
        step = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7}[dt]  # at most one ulp apart
        assert ((a - b).abs() <= step * b.abs().clamp(min=2.0 ** -14) + 1e-30).all(), name


@pytest.mark.parametrize("dt,approximate", [("float32", "none"), ("float64", "none"), ("float16", "none"),
                                             ("bfloat16", "none"), ("float32", "tanh"), ("float64", "tanh")])
def test_gelu_forward_backward_vs_torch(dt, approximate):
    x = np.concatenate([np.array(EDGES32[:4] + EDGES32[5:]), np.linspace(-12, 12, 40001)])
    x = x[np.abs(x) < 1e30]  # torch's float32 gelu gives nan at +inf on its vector path and inf on its scalar one
    g = np.random.default_rng(0).standard_normal(x.size)
    tx = torch.tensor(x, dtype=getattr(torch, dt), requires_grad=True)
    nx = npgrad.tensor(x, dtype=getattr(npgrad, dt), requires_grad=True)
    ty = torch.nn.functional.gelu(tx, approximate=approximate)
    ny = npgrad.nn.functional.gelu(nx, approximate=approximate)
    ty.backward(torch.tensor(g, dtype=ty.dtype))
    ny.backward(npgrad.tensor(g, dtype=ny.dtype))
    assert str(ny.dtype) == str(ty.dtype).replace("torch", "npgrad")
    tol = {"float64": (1e-12, 1e-14), "float32": (2e-6, 3e-7), "float16": (2e-3, 1e-4), "bfloat16": (1.6e-2, 1e-3)}
    rtol, atol = tol[dt]
    if approximate == "tanh" and dt == "float32":
        atol = 1.5e-6  # 1 + tanh(...) cancels below x ~ -4: both sides carry ~1e-6 of rounding noise there
    for ours, ref in ((ny.detach(), ty.detach()), (nx.grad, tx.grad)):
        np.testing.assert_allclose(ours.double().numpy(), ref.double().numpy(), rtol=rtol, atol=atol * 4)


def test_gelu_float32_double_backward_vs_torch():
    """create_graph: the backward formula recorded on Tensors (erfc, exp) gives torch's second derivative."""
    x = np.linspace(-6, 6, 1001).astype(np.float32)
    tx = torch.tensor(x, requires_grad=True)
    nx = npgrad.tensor(x, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.nn.functional.gelu(tx).sum(), tx, create_graph=True)
    (ng,) = npgrad.autograd.grad(npgrad.nn.functional.gelu(nx).sum(), nx, create_graph=True)
    np.testing.assert_allclose(ng.detach().numpy(), tg.detach().numpy(), rtol=1e-5, atol=1e-6)
    tg.sum().backward()
    ng.sum().backward()
    np.testing.assert_allclose(nx.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_gelu_float32_blocks_and_strides():
    """Lengths around the 32,000-element block, empty, 0-d and a strided view give torch's values."""
    g = np.random.default_rng(3)
    for shape in [(), (0,), (31999,), (32000,), (32001,), (3, 40001)]:
        x = g.standard_normal(shape).astype(np.float32) * 3
        for arr in (x, x.T if x.ndim == 2 else x):
            ours = npgrad.nn.functional.gelu(npgrad.tensor(arr)).numpy()
            ref = torch.nn.functional.gelu(torch.tensor(np.array(arr, order="C"))).numpy()
            assert ours.shape == ref.shape
            np.testing.assert_allclose(ours, ref, rtol=2e-6, atol=1.5e-6)  # 1 + erf cancels for x < 0
