"""Special functions: torch's errors, in-place variants, and the optional SciPy extra's ImportError."""
import sys

import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare_error, assert_same

ERRORS = [
    lambda m: m.polygamma(-1, m.tensor([1.0])), lambda m: m.mvlgamma(m.tensor([2.5]), 0),
    lambda m: m.frexp(m.tensor([1])), lambda m: m.gcd(m.tensor([1.0]), m.tensor([1.0])),
    lambda m: m.lcm(m.tensor([1]), m.tensor([1.0])),
    lambda m: m.heaviside(m.tensor([1.0, 0]), m.tensor([2.0], dtype=m.float64)),
    lambda m: m.heaviside(m.tensor([1.0]), 0.5),
    lambda m: m.special.zeta(m.tensor([2.0], requires_grad=True), m.tensor([1.0])).sum().backward(),
    lambda m: m.special.gammainc(m.tensor([2.0], requires_grad=True), m.tensor([1.0])).sum().backward(),
    lambda m: m.heaviside(m.tensor([1.0], requires_grad=True), m.tensor([1.0])).sum().backward(),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    compare_error(lambda m: ERRORS[i](m), [])


@pytest.mark.parametrize("name,args", [("lgamma_", ()), ("digamma_", ()), ("polygamma_", (2,)), ("i0_", ()),
                                       ("sinc_", ()), ("mvlgamma_", (2,)), ("ldexp_", None),
                                       ("nextafter_", None)])
def test_inplace_variants(name, args):
    out = []
    for m in (npgrad, torch):
        x = m.tensor([1.5, 2.5, 3.5], dtype=m.float64)
        a = (m.tensor([1.0, -1.0, 2.0], dtype=m.float64),) if args is None else args
        r = getattr(x, name)(*a)
        assert r is x and x._version == 1
        out.append(x)
    assert_same(*out)


def test_scipy_extra_named_when_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    with pytest.raises(ImportError, match=r"npgrad\[special\]"):
        npgrad.special.bessel_j0(npgrad.tensor([1.0]))
    # the NumPy-only functions do not need it
    assert np.isclose(npgrad.special.i1e(npgrad.tensor([1.0])).item(), torch.special.i1e(torch.tensor([1.0])).item())


def test_namespace_matches_torch():
    names = {n for n in dir(torch.special) if not n.startswith("_")} - {"Tensor", "torch", "common_args",
                                                                         "multi_dim_common"}
    assert names <= set(dir(npgrad.special)), names - set(dir(npgrad.special))


def test_zeta_edge_values_match_torch_at_once():
    """Hurwitz zeta over the edge grid (infinities, NaN, poles, huge and negative non-integer q) as torch's Cephes
    kernel: inf at q = -inf or a non-positive integer, NaN for s < 1 first, the early stop on a negligible term
    (zeta(inf, 1) == 1), the long direct sum for q = -999999.5."""
    xs = [2.0, 3.0, 2.5, 1.0, 0.5, -1.0, 0.0, np.nan, np.inf, -np.inf, 1e300]
    qs = [-np.inf, np.inf, -1e300, -3.5, -3.0, -0.5, 0.0, -0.0, 0.5, 1.0, np.nan, -999999.5, 1e300, 5e-324, 30.5]
    x = np.array([a for a in xs for _ in qs])
    q = np.array([b for _ in xs for b in qs])
    ours = npgrad.special.zeta(npgrad.tensor(x), npgrad.tensor(q)).numpy()
    theirs = torch.special.zeta(torch.tensor(x), torch.tensor(q)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, equal_nan=True)
    r = np.random.default_rng(0)
    x, q = r.uniform(1, 12, 2000), r.uniform(-40, 60, 2000)
    np.testing.assert_allclose(npgrad.special.zeta(npgrad.tensor(x), npgrad.tensor(q)).numpy(),
                               torch.special.zeta(torch.tensor(x), torch.tensor(q)).numpy(), rtol=1e-13)
