"""Numerical stability at the extremes (|x| up to 1e4, float16/32/64): values AND gradients equal torch's.

Each case maps the fixed input vector X through one op (or a formula at a kink: zeros, ties) and backpropagates
``sum(out * w)`` with a non-uniform weight w; both frameworks run the same lambda.
"""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import assert_same

X = np.array([-1e4, -100., -20., -1., 0., 1., 20., 100., 1e4])
F = lambda m: m.nn.functional  # noqa: E731

CASES = {
    "sigmoid": lambda m, x: x.sigmoid(),
    "log_of_sigmoid": lambda m, x: x.sigmoid().log(),  # torch: exactly 0 below exp's range, so log gives -inf
    "softplus": lambda m, x: F(m).softplus(x),
    "softplus_beta": lambda m, x: F(m).softplus(x, beta=2, threshold=5),
    "logsigmoid": lambda m, x: F(m).logsigmoid(x),
    "log_softmax": lambda m, x: m.log_softmax(x, 0),
    "log_softmax_rows": lambda m, x: m.log_softmax(x.reshape(3, 3), 1),
    "softmax": lambda m, x: m.softmax(x, 0),
    "softmin": lambda m, x: F(m).softmin(x, 0),
    "logsumexp": lambda m, x: m.logsumexp(x, 0),
    "logsumexp_rows": lambda m, x: m.logsumexp(x.reshape(3, 3), 1),
    "bce_with_logits": lambda m, x: F(m).binary_cross_entropy_with_logits(
        x, m.full_like(x, 0.3), reduction="none"),
    "bce_with_logits_mean": lambda m, x: F(m).binary_cross_entropy_with_logits(x, (x > 0).to(x.dtype)),
    "cross_entropy": lambda m, x: F(m).cross_entropy(x.reshape(3, 3), m.tensor([0, 1, 2])),
    "cross_entropy_smooth": lambda m, x: F(m).cross_entropy(x.reshape(3, 3), m.tensor([2, 0, 1]),
                                                            label_smoothing=0.1),
    "nll_of_log_softmax": lambda m, x: F(m).nll_loss(m.log_softmax(x.reshape(3, 3), 1), m.tensor([0, 1, 2])),
    "log1p_small": lambda m, x: (x * 1e-8).log1p(),
    "log1p_near_minus1": lambda m, x: (x * 1e-5 - 0.5).log1p(),
    "expm1_small": lambda m, x: (x * 1e-6).expm1(),
    "norm_at_zero": lambda m, x: (x * 0).norm(),
    "norm_dim_at_zero": lambda m, x: (x * 0).reshape(3, 3).norm(dim=1),
    "vector_norm1_at_zero": lambda m, x: m.linalg.vector_norm(x * 0, 1),
    "vector_norm_inf_at_zero": lambda m, x: m.linalg.vector_norm(x * 0, float("inf")),
    "vector_norm3_at_zero": lambda m, x: m.linalg.vector_norm(x * 0, 3),
    "sqrt_at_zero": lambda m, x: (x * 0).sqrt(),
    "rsqrt_at_zero": lambda m, x: (x * 0).rsqrt(),
    "pow2_at_zero": lambda m, x: (x * 0) ** 2,
    "pow_half_at_zero": lambda m, x: (x * 0) ** 0.5,
    "pow0_at_zero": lambda m, x: (x * 0) ** 0,
    "pow_zero_base_tensor_exp": lambda m, x: m.pow(m.zeros_like(x), x * 1e-4),
    "max_ties": lambda m, x: (x * 0).max(),
    "min_ties": lambda m, x: (x * 0).min(),
    "amax_ties": lambda m, x: (x * 0).reshape(3, 3).amax(1),
    "amin_ties": lambda m, x: (x * 0).reshape(3, 3).amin(0),
    "max_dim_ties": lambda m, x: (x * 0).reshape(3, 3).max(1)[0],
    "median_ties": lambda m, x: (x * 0).median(),
    "maximum_ties": lambda m, x: m.maximum(x, x.detach()),
    "minimum_ties": lambda m, x: m.minimum(x, x.detach()),
    "max_of_large": lambda m, x: x.max(),
    "abs": lambda m, x: x.abs(),
    "relu": lambda m, x: x.relu(),
    "relu6": lambda m, x: F(m).relu6(x),
    "hardtanh": lambda m, x: F(m).hardtanh(x),
    "clamp_bounds": lambda m, x: x.clamp(-20, 20),
    "tanh": lambda m, x: x.tanh(),
    "elu": lambda m, x: F(m).elu(x),
    "gelu": lambda m, x: F(m).gelu(x),
    "silu": lambda m, x: F(m).silu(x),
    "mish": lambda m, x: F(m).mish(x),
    "cosine_similarity_zero": lambda m, x: F(m).cosine_similarity((x * 0).reshape(3, 3), x.reshape(3, 3)),
    "normalize_zero": lambda m, x: F(m).normalize((x * 0).reshape(3, 3)),
    "std_constant": lambda m, x: (x * 0).std(),
    "atan2_zero_zero": lambda m, x: m.atan2(x * 0, x * 0),
    "xlogy_zero": lambda m, x: m.xlogy(x * 0, x * 0),
    "logit_of_sigmoid": lambda m, x: m.logit(x.sigmoid(), eps=1e-6),
    "prod_zeros": lambda m, x: (x * 0).prod(),
    "cumprod_zeros": lambda m, x: (x * 1e-4).cumprod(0),
    "bce_saturated": lambda m, x: F(m).binary_cross_entropy(x.sigmoid(), m.full_like(x, 0.5)),
}
DTYPES = [np.float16, np.float32, np.float64]
TOL = {np.float16: 1e-2, np.float32: 1e-4, np.float64: 1e-7}


def _run(m, fn, dtype):
    x = m.tensor(X.astype(dtype), requires_grad=True)
    y = fn(m, x)
    w = m.linspace(0.5, 1.5, y.numel()).reshape(y.shape).to(y.dtype) if y.numel() > 1 else m.ones_like(y)
    (y * w).sum().backward()
    return y.detach(), x.grad


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", list(CASES))
def test_extremes_match_torch(name, dtype):
    ty, tg = _run(torch, CASES[name], dtype)
    ny, ng = _run(npgrad, CASES[name], dtype)
    tol = TOL[dtype]
    assert_same(ny, ty, f"{name} value", rtol=tol, atol=tol)
    assert_same(ng, tg, f"{name} gradient", rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_sigmoid_exact_zero_and_float16_range(dtype):
    """sigmoid rounds like torch: exactly 0 where exp(-x) overflows, float16 computed in float32."""
    v = np.array([-1e4, -745., -100., -88.8, -88., -12., -11., 0., 12., 1e4]).astype(dtype)
    ours = npgrad.tensor(v).sigmoid().numpy()
    theirs = torch.tensor(v).sigmoid().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=TOL[dtype], atol=0)
    assert ((ours == 0) == (theirs == 0)).all()
