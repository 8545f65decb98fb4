"""Ops torch records without a derivative get torch's ``NotImplemented`` node: the class is named
``NotImplemented`` (its repr too), ``name()`` carries the C++ namespace, backward raises torch's error (vs torch)."""
import pytest
import torch

import npgrad

OPS = {
    "binomial": lambda m, x: m.binomial(x.abs() * 3 + 1, m.full((3,), 0.5)),
    "floor_divide": lambda m, x: m.floor_divide(x, 0.7),
    "remainder_number": lambda m, x: 2.5 % x,
    "heaviside": lambda m, x: m.heaviside(x, m.zeros(3)),
}


@pytest.mark.parametrize("op", list(OPS))
def test_not_implemented_node_as_torch(op):
    def run(m):
        x = m.tensor([0.5, -1.25, 2.0], requires_grad=True)
        fn = OPS[op](m, x).grad_fn
        out = [type(fn).__name__, repr(fn).split(" object at")[0], fn.name()]
        try:
            OPS[op](m, x).sum().backward()
            out.append(None)
        except RuntimeError as e:
            out.append(str(e))
        return out
    assert run(npgrad) == run(torch)
