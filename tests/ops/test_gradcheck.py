"""Every differentiable op in the table: analytical gradients (and second derivatives) against finite
differences in float64, on npgrad alone."""
import numpy as np
import pytest

import npgrad
from npgrad.autograd.gradcheck import gradcheck, gradgradcheck
from tests.support.op_db import OPS, NoGrad


def _inputs(args):
    out = []
    for a in args:
        if isinstance(a, NoGrad):
            out.append(npgrad.tensor(a.array.astype(np.float64)))
        elif isinstance(a, np.ndarray) and a.dtype.kind == "f":
            out.append(npgrad.tensor(a.astype(np.float64)).requires_grad_(True))
        elif isinstance(a, np.ndarray):
            out.append(npgrad.tensor(a))
        else:
            out.append(a)
    return out


@pytest.mark.parametrize("op", [o for o in OPS if o.gradcheck], ids=lambda o: o.name)
def test_gradcheck(op):
    rng = np.random.default_rng(99)
    for args, kwargs in op.samples(rng, np.float64):
        ins = _inputs(args)
        assert gradcheck(lambda *xs: op.fn(npgrad, *xs, **kwargs), tuple(ins))


@pytest.mark.parametrize("op", [o for o in OPS if o.gradgrad], ids=lambda o: o.name)
def test_gradgradcheck(op):
    rng = np.random.default_rng(7)
    for args, kwargs in op.samples(rng, np.float64)[:3]:
        ins = _inputs(args)
        assert gradgradcheck(lambda *xs: op.fn(npgrad, *xs, **kwargs), tuple(ins))
