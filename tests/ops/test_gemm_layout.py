"""The GEMM layout choice (ops/linalg.py ``_prod``/``_few_rows``): ``x @ W.T`` with few rows is computed as
``(W @ x.T).T`` and copied back to row-major order, the copy fused with addmm's bias. Values, gradients, strides
and node names must stay torch's on both sides of the shape rule, and the fused ``+ input`` must broadcast as
addmm/addmv/baddbmm do."""
import numpy as np
import pytest
import torch

import npgrad
from npgrad.ops import linalg as L
from tests.support.oracle import compare

# (rows, in, out): inside the rule (transposed kernel) and just outside it (rows, in or out too small)
INSIDE = [(2, 64, 256), (16, 64, 300), (32, 256, 256), (64, 784, 256), (48, 512, 260), (32, 128, 128), (32, 64, 128),
          (16, 64, 255)]
OUTSIDE = [(1, 784, 256), (64, 256, 256), (65, 784, 256), (32, 128, 256), (8, 784, 255), (96, 784, 512), (8, 128, 128),
           (64, 128, 128), (32, 128, 127), (32, 63, 128), (49, 128, 128)]


def test_rule_sides():
    assert all(L._few_rows(*s) for s in INSIDE)
    assert not any(L._few_rows(*s) for s in OUTSIDE)


def _linear_pair(shape, bias, dtype):
    m, k, n = shape
    rng = np.random.default_rng(m * 7 + k + n)
    arrays = [rng.standard_normal((m, k)).astype(dtype), (rng.standard_normal((n, k)) / np.sqrt(k)).astype(dtype),
              rng.standard_normal(n).astype(dtype)]
    res = []
    for mod in (npgrad, torch):
        x, w, b = (mod.tensor(a, requires_grad=True) for a in arrays)
        y = mod.nn.functional.linear(x, w, b if bias else None)
        y.backward(mod.tensor(np.linspace(-1, 1, m * n, dtype=dtype).reshape(m, n)))
        res.append((y, x, w, b))
    return res


@pytest.mark.parametrize("shape", INSIDE + OUTSIDE)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_values_strides_grads(shape, bias, dtype):
    (y, x, w, b), (ty, tx, tw, tb) = _linear_pair(shape, bias, dtype)
    assert y.grad_fn.name() == ty.grad_fn.name()
    assert y.stride() == ty.stride() and y.is_contiguous()
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **tol)
    for ours, theirs in ((x, tx), (w, tw)) + (((b, tb),) if bias else ()):
        assert ours.grad.stride() == theirs.grad.stride()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), **tol)
    if not bias:
        assert b.grad is None


@pytest.mark.parametrize("shape", [(8, 784, 256), (64, 784, 256), (65, 784, 256)])
def test_mm_transposed_operand(shape):
    """mm(x, W.t()) forward and mm(x, W) backward (its input gradient is grad @ W.T, the same layout case)."""
    m, k, n = shape
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((m, k)).astype(np.float32), rng.standard_normal((n, k)).astype(np.float32)
    compare(lambda mod, a, b: mod.mm(a, b.t()), (x, w), rtol=1e-4, atol=1e-3)
    compare(lambda mod, a, b: mod.mm(a, b), (x, np.ascontiguousarray(w.T)), rtol=1e-4, atol=1e-3)
    for mod in (npgrad, torch):  # a row-major mat2: the input gradient keeps torch's (row-major) layout
        a, b = mod.tensor(x, requires_grad=True), mod.tensor(np.ascontiguousarray(w.T), requires_grad=True)
        mod.mm(a, b).sum().backward()
        assert a.grad.is_contiguous() and b.grad.is_contiguous()


@pytest.mark.parametrize("ishape", [(256,), (1, 256), (16, 1), (16, 256), ()])
def test_addmm_fused_input_broadcasts(ishape):
    """beta = alpha = 1: the input is added into the product (both layouts), broadcast as torch's addmm."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((16, 784)).astype(np.float32), rng.standard_normal((256, 784)).astype(np.float32)
    i = rng.standard_normal(ishape).astype(np.float32)
    compare(lambda mod, inp, a, b: mod.addmm(inp, a, b.t()), (i, x, w), rtol=1e-4, atol=1e-3)
    compare(lambda mod, inp, a, b: mod.addmm(inp, a, b), (i, x, np.ascontiguousarray(w.T)), rtol=1e-4, atol=1e-3)


def test_addmv_baddbmm_fused_input():
    rng = np.random.default_rng(5)
    compare(lambda mod, i, a, v: mod.addmv(i, a, v), (rng.standard_normal(3), rng.standard_normal((3, 4)),
                                                       rng.standard_normal(4)))
    compare(lambda mod, i, a, b: mod.baddbmm(i, a, b), (rng.standard_normal((1, 4)), rng.standard_normal((2, 3, 5)),
                                                         rng.standard_normal((2, 5, 4))))


def test_addmm_half_and_integer_fused_input():
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((4, 8)).astype(np.float16), rng.standard_normal((8, 3)).astype(np.float16)
    compare(lambda mod, i, x, y: mod.addmm(i, x, y), (np.ones(3, np.float16), a, b), grad=False)
    ai, bi = rng.integers(-4, 4, (4, 8)), rng.integers(-4, 4, (8, 3))
    compare(lambda mod, i, x, y: mod.addmm(i, x, y), (np.arange(3), ai, bi), grad=False)


def test_product_is_fresh_and_inputs_untouched():
    """The fused add writes only into the new product: the bias and operands keep their values."""
    rng = np.random.default_rng(7)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((16, 784), (256, 784), (256,)))
    copies = [a.copy() for a in (x, w, b)]
    out = L._prod(x, w.T, b)
    out2 = L._prod(x, w.T, b)
    assert out.flags.c_contiguous and out.flags.owndata and not np.shares_memory(out, out2)
    for a, c in zip((x, w, b), copies):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_allclose(out, x @ w.T + b, rtol=1e-5, atol=1e-4)


def test_compiled_linear_matches_eager():
    rng = np.random.default_rng(8)
    net = npgrad.nn.Sequential(npgrad.nn.Linear(784, 256), npgrad.nn.ReLU(), npgrad.nn.Linear(256, 10))
    x = npgrad.tensor(rng.standard_normal((64, 784)).astype(np.float32))
    eager = net(x)
    compiled = npgrad.compile(net)
    for _ in range(3):
        out = compiled(x)
    np.testing.assert_array_equal(out.detach().numpy(), eager.detach().numpy())
    assert out.is_contiguous()


@pytest.mark.parametrize("ashape,bshape", [((4, 3, 16), (16, 300)), ((2, 5, 3, 64), (64, 256)), ((0, 3, 8), (8, 5)),
                                           ((3, 0, 8), (8, 5)), ((2, 3, 0), (0, 4)), ((6, 1, 784), (784, 256))])
@pytest.mark.parametrize("ra,rb", [(True, True), (True, False), (False, True)])
def test_matmul_batch_at_matrix_folded(ashape, bshape, ra, rb):
    """(..., m, k) @ (k, n) runs as one product over the folded rows (forward and both gradients)."""
    rng = np.random.default_rng(len(ashape) * 10 + bshape[1])
    a, b = rng.standard_normal(ashape).astype(np.float32), rng.standard_normal(bshape).astype(np.float32)
    res = []
    for mod in (npgrad, torch):
        x, y = mod.tensor(a, requires_grad=ra), mod.tensor(b, requires_grad=rb)
        out = x @ y
        out.backward(mod.tensor(np.cos(np.arange(out.numel(), dtype=np.float32)).reshape(tuple(out.shape))))
        res.append((out, x, y))
    (out, x, y), (tout, tx, ty) = res
    assert out.grad_fn.name() == tout.grad_fn.name() and out.stride() == tout.stride()
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-4, atol=1e-3)
    for ours, theirs in ((x, tx), (y, ty)):
        if theirs.grad is None:
            assert ours.grad is None
        else:
            if theirs.grad.numel():  # (torch's strides of an empty gradient vary with how it was made)
                assert ours.grad.stride() == theirs.grad.stride()
            np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-4, atol=1e-3)


def test_matmul_folded_noncontiguous_half_integer_and_linear_3d():
    rng = np.random.default_rng(9)
    base = rng.standard_normal((3, 7, 5))
    compare(lambda m, a, b: a.transpose(1, 2) @ b, (base, rng.standard_normal((7, 4))))  # a strided batch
    compare(lambda m, a, b: a @ b.t(), (base, rng.standard_normal((4, 5))))  # a column-major matrix
    compare(lambda m, a, b: a @ b, (base.astype(np.float16), rng.standard_normal((5, 4)).astype(np.float16)),
            grad=False, rtol=1e-2, atol=1e-2)
    compare(lambda m, a, b: a @ b, (rng.integers(-3, 3, (2, 3, 4)), rng.integers(-3, 3, (4, 2))), grad=False)
    compare(lambda m, x, w: m.nn.functional.linear(x, w), (rng.standard_normal((2, 3, 5)).astype(np.float32),
                                                          rng.standard_normal((4, 5)).astype(np.float32)))
