"""torch's module-level constants (rasbt/LLMs-from-scratch masks attention scores with ``-torch.inf``)."""
import math

import pytest
import torch

import npgrad


@pytest.mark.parametrize("name", ["inf", "nan", "pi", "e", "newaxis"])
def test_constant_as_torch(name):
    ours, theirs = getattr(npgrad, name), getattr(torch, name)
    assert type(ours) is type(theirs)
    if isinstance(theirs, float) and math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == theirs
    assert name in npgrad.__all__


def test_masked_fill_with_minus_inf_then_softmax():
    scores = [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0]]
    outs = []
    for lib in (torch, npgrad):
        s = lib.tensor(scores, requires_grad=True)
        mask = lib.triu(lib.ones(3, 3), diagonal=1).bool()
        w = s.masked_fill(mask, -lib.inf).softmax(dim=-1)
        (w * lib.arange(3.0)).sum().backward()
        outs.append((w.detach().numpy(), s.grad.numpy()))
    for a, b in zip(*outs):
        assert (abs(a - b) < 1e-6).all()
    x = npgrad.zeros(2, 3)
    assert x[:, npgrad.newaxis].shape == torch.zeros(2, 3)[:, torch.newaxis].shape
