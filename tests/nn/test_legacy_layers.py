"""nn.NLLLoss2d and nn.CrossMapLRN2d (npgrad/nn/modules/legacy.py) and F.conv_tbc against torch."""
import warnings

import numpy as np
import pytest
import torch

import npgrad


@pytest.mark.parametrize("size", [2, 3, 4, 5, 8, 13])
@pytest.mark.parametrize("channels", [1, 3, 6])
def test_cross_map_lrn2d_matches_torch(size, channels):
    rng = np.random.default_rng(size * 10 + channels)
    x = rng.uniform(-2, 2, (2, channels, 3, 2))
    g = rng.uniform(-1, 1, x.shape)
    m, n = torch.nn.CrossMapLRN2d(size, 0.05, 0.6, 1.5), npgrad.nn.CrossMapLRN2d(size, 0.05, 0.6, 1.5)
    assert repr(m) == repr(n)
    xt, xn = torch.tensor(x, requires_grad=True), npgrad.tensor(x, requires_grad=True)
    a, b = m(xt), n(xn)
    np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert b.grad_fn.name() == a.grad_fn.name()
    a.backward(torch.tensor(g)), b.backward(npgrad.tensor(g))
    np.testing.assert_allclose(xn.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_cross_map_lrn2d_errors_as_torch():
    for shape in [(2, 3, 4)]:
        with pytest.raises(ValueError):
            torch.nn.CrossMapLRN2d(3)(torch.ones(shape))
        with pytest.raises(ValueError):
            npgrad.nn.CrossMapLRN2d(3)(npgrad.ones(shape))
    # torch's backward cannot handle size 1: same error class
    xt, xn = torch.ones(1, 2, 2, 2, requires_grad=True), npgrad.ones(1, 2, 2, 2, requires_grad=True)
    with pytest.raises(RuntimeError):
        torch.nn.CrossMapLRN2d(1)(xt).sum().backward()
    with pytest.raises(RuntimeError):
        npgrad.nn.CrossMapLRN2d(1)(xn).sum().backward()


def test_nllloss2d_is_a_deprecated_nllloss():
    with pytest.warns(FutureWarning):
        n = npgrad.nn.NLLLoss2d(ignore_index=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.nn.NLLLoss2d(ignore_index=1)
    assert isinstance(n, npgrad.nn.NLLLoss) and repr(n) == repr(t)
    x = np.log(np.random.default_rng(0).dirichlet(np.ones(3), size=(2, 4, 5)).transpose(0, 3, 1, 2))
    y = np.random.default_rng(1).integers(0, 3, (2, 4, 5))
    a, b = t(torch.tensor(x), torch.tensor(y)), n(npgrad.tensor(x), npgrad.tensor(y))
    assert abs(a.item() - b.item()) < 1e-12


def test_functional_conv_tbc():
    rng = np.random.default_rng(3)
    x, w, bias = rng.normal(size=(6, 2, 3)), rng.normal(size=(3, 3, 4)), rng.normal(size=(4,))
    for pad in (0, 1, 2):
        a = torch.nn.functional.conv_tbc(torch.tensor(x), torch.tensor(w), torch.tensor(bias), pad)
        b = npgrad.nn.functional.conv_tbc(npgrad.tensor(x), npgrad.tensor(w), npgrad.tensor(bias), pad)
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-12, atol=1e-12)
    with pytest.raises(RuntimeError):
        torch.conv_tbc(torch.tensor(x), torch.tensor(w[:, :2]), torch.tensor(bias))
    with pytest.raises(RuntimeError):
        npgrad.conv_tbc(npgrad.tensor(x), npgrad.tensor(w[:, :2]), npgrad.tensor(bias))
