"""The nodes a create_graph backward records for tanh and sigmoid (TanhBackwardBackward0,
SigmoidBackwardBackward0) expose torch's saved attributes: ``_saved_grad_output`` and ``_saved_output`` (and their
``_raw_saved_`` forms), with torch's values, and raise torch's error once freed."""
import numpy as np
import pytest
import torch

import npgrad


def _node(m, fname, seed):
    x = m.tensor([0.3, -0.5, 2.0], requires_grad=True)
    y = getattr(x, fname)()
    g, = m.autograd.grad(y, x, m.tensor(seed), create_graph=True)
    return g, g.grad_fn


@pytest.mark.parametrize("fname", ["tanh", "sigmoid"])
def test_saved_attributes_as_torch(fname):
    seed = [1.0, 2.0, -0.5]
    (g, ours), (tg, theirs) = _node(npgrad, fname, seed), _node(torch, fname, seed)
    assert ours.name() == theirs.name()
    names = sorted(n for n in dir(theirs) if n.startswith(("_saved_", "_raw_saved_")))
    assert names == sorted(n for n in dir(ours) if n.startswith(("_saved_", "_raw_saved_")))
    for n in names:
        if n.startswith("_raw_saved_"):
            continue
        a, b = getattr(ours, n), getattr(theirs, n)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
        assert (a.grad_fn is None) == (b.grad_fn is None)
        if b.grad_fn is not None:
            assert a.grad_fn.name() == b.grad_fn.name()
    for m, t, node in ((npgrad, g, ours), (torch, tg, theirs)):
        t.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            node._saved_output
