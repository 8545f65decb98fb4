"""Replayed backward formulas give eager's (and torch's) bits: signed zeros of relu's and nll_loss's gradients."""
import numpy as np
import pytest
import torch

import npgrad


def _bits(a):
    return np.asarray(a, np.float32).view(np.int32).tolist()


def test_relu_replay_passes_a_negative_zero_gradient():
    x0 = np.array([1.0, -2.0, 3.0, 0.0, 5.0], np.float32)
    seed = np.array([-0.0, -1.0, 0.0, -0.0, 2.0], np.float32)
    fn = npgrad.compile(lambda x: npgrad.relu(x) * 1.0)
    got = []
    for _ in range(3):  # capture, then replays
        x = npgrad.tensor(x0, requires_grad=True)
        fn(x).backward(npgrad.tensor(seed))
        got.append(_bits(x.grad.numpy()))
    t = torch.tensor(x0, requires_grad=True)
    (torch.relu(t) * 1.0).backward(torch.tensor(seed))
    assert got[0] == got[1] == got[2] == _bits(t.grad.numpy())


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_nll_loss_replay_gradient_equals_eager_and_torch(reduction):
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((6, 4)).astype(np.float32)
    y0 = np.array([0, 3, 1, 1, 2, 0])
    fn = npgrad.compile(lambda x, y: npgrad.nn.functional.cross_entropy(x, y, reduction=reduction) * -3.0)
    got = []
    for _ in range(3):
        x = npgrad.tensor(x0, requires_grad=True)
        fn(x, npgrad.tensor(y0)).backward()
        got.append(_bits(x.grad.numpy()))
    x = npgrad.tensor(x0, requires_grad=True)
    (npgrad.nn.functional.cross_entropy(x, npgrad.tensor(y0), reduction=reduction) * -3.0).backward()
    assert got[0] == got[1] == got[2] == _bits(x.grad.numpy())
    t = torch.tensor(x0, requires_grad=True)
    (torch.nn.functional.cross_entropy(t, torch.tensor(y0), reduction=reduction) * -3.0).backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-7)
