"""ops/pointwise.py corners vs torch: the sign of zero results of remainder and fmod."""
import math

import numpy as np
import pytest
import torch

import npgrad

_PAIRS = [(-2.0, 2.0), (2.0, -2.0), (-0.0, 2.0), (0.0, -2.0), (-4.0, -2.0), (4.0, 2.0), (-6.0, 3.0), (6.0, -3.0),
          (-3.0, 2.0), (3.0, -2.0), (-3.0, math.inf), (3.0, -math.inf), (-0.0, -2.0)]


def _bits(t):
    return [(v, math.copysign(1.0, v)) for v in t.detach().double().reshape(-1).tolist()]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "bfloat16"])
@pytest.mark.parametrize("form", ["tensor_scalar", "tensor_tensor", "scalar_tensor", "operator", "inplace",
                                  "zero_dim"])
@pytest.mark.parametrize("op", ["remainder", "fmod"])
def test_sign_of_zero_results_as_torch(op, form, dtype):
    a = [p[0] for p in _PAIRS]
    b = [p[1] for p in _PAIRS]

    def run(m):
        d = getattr(m, dtype)
        f = getattr(m, op)
        x, y = m.tensor(a, dtype=d), m.tensor(b, dtype=d)
        if form == "tensor_scalar":
            return m.cat([f(x[i:i + 1], b[i]) for i in range(len(a))])
        if form == "tensor_tensor":
            return f(x, y)
        if form == "scalar_tensor":
            if op == "fmod":   # torch.fmod takes no number as input
                with pytest.raises(TypeError):
                    f(a[0], y)
                return x.fmod(y)
            return m.cat([f(a[i], y[i:i + 1]) for i in range(len(a))])
        if form == "operator":
            return x % y if op == "remainder" else x.fmod(y)
        if form == "inplace":
            getattr(x, op + "_")(y)
            return x
        return m.stack([f(x[i], y[i]) for i in range(len(a))])
    assert _bits(run(npgrad)) == _bits(run(torch))


def test_remainder_zero_sign_keeps_gradients():
    for m in (torch, npgrad):
        x = m.tensor([-2.0, 2.0, -3.0], dtype=m.float64, requires_grad=True)
        y = m.tensor([2.0, -2.0, 2.0], dtype=m.float64, requires_grad=True)
        m.remainder(x, y).sum().backward()
        assert x.grad.tolist() == [1.0, 1.0, 1.0]
        np.testing.assert_array_equal(y.grad.detach().numpy(), -np.floor(np.array([-2.0, 2.0, -3.0]) /
                                                                         np.array([2.0, -2.0, 2.0])))
