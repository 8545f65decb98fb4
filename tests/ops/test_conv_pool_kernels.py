"""The conv and max-pool array kernels on the paths the op table's small samples do not reach: batch-first
patch products at larger batches (both weight-gradient branches), col2im straight into the unpadded result
(strides, dilation, uneven 'same' padding, output_padding), and max pooling's direct backward for windows that
tile the input (first-maximum tie rule, +0.0 for the other elements, NaN and non-finite fallbacks). All against
torch."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare, to_np

rng = np.random.default_rng(15)


def arr(*shape, dtype=np.float32):
    return rng.uniform(-1.0, 1.0, shape).astype(dtype)


# ---------------------------------------------------------------------------------------------- convolution
CONV2D = [
    # (input shape, weight shape, kwargs)
    ((6, 1, 12, 12), (5, 1, 3, 3), {"padding": 1}),                          # 1 input channel, many positions
    ((6, 4, 7, 5), (6, 4, 3, 3), {"padding": 1}),                            # per-sample weight products
    ((7, 3, 3, 3), (16, 3, 2, 2), {}),                                       # cout > positions: one wide product
    ((5, 4, 9, 8), (6, 2, 3, 2), {"stride": (2, 3), "padding": (1, 0), "groups": 2}),
    ((5, 2, 9, 9), (3, 2, 4, 3), {"padding": "same", "dilation": (2, 1)}),   # uneven 'same' padding
    ((4, 3, 6, 7), (2, 3, 3, 3), {"stride": 3, "padding": 2}),               # padding wider than some taps reach
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, kw", CONV2D)
def test_conv2d_batches_match_torch(xs, ws, kw, dtype):
    compare(lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, **kw), (arr(*xs, dtype=dtype),
                                                                         arr(*ws, dtype=dtype),
                                                                         arr(ws[0], dtype=dtype)))


@pytest.mark.parametrize("nd, kw", [(1, {"stride": 2, "padding": 3, "dilation": 2}),
                                    (3, {"stride": (1, 2, 1), "padding": 1})])
def test_conv1d_conv3d_batches_match_torch(nd, kw):
    x = arr(*((5, 4) + (6,) * nd))
    w = arr(*((3, 4) + (3,) * nd))
    compare(lambda m, a, b: getattr(m.nn.functional, f"conv{nd}d")(a, b, **kw), (x, w))


@pytest.mark.parametrize("kw", [{"stride": 2, "padding": 1, "output_padding": 1},
                                {"stride": (3, 2), "dilation": 2, "output_padding": (2, 1), "groups": 2},
                                {"padding": 2}])
def test_conv_transpose2d_batches_match_torch(kw):
    x, w, b = arr(5, 4, 5, 6), arr(4, 3, 3, 3), arr(3 * kw.get("groups", 1))
    compare(lambda m, a, c, d: m.nn.functional.conv_transpose2d(a, c, d, **kw), (x, w, b))


def test_conv_gradients_are_contiguous_like_torch():
    x, w, b = arr(6, 3, 10, 10), arr(8, 3, 3, 3), arr(8)
    res = {}
    for m in (npgrad, torch):
        xt, wt, bt = (m.tensor(a, requires_grad=True) for a in (x, w, b))
        y = m.nn.functional.conv2d(xt, wt, bt, padding=1)
        y.backward(m.ones_like(y))
        res[m] = [t.stride() for t in (y, xt.grad, wt.grad, bt.grad)]
    assert res[npgrad] == [tuple(s) for s in res[torch]]


def test_conv_gradient_of_a_non_contiguous_output_gradient():
    x, w = arr(4, 2, 6, 6), arr(3, 2, 3, 3)

    def fn(m, a, c):
        y = m.nn.functional.conv2d(a, c, padding=1)
        return y.transpose(2, 3) * 2.0   # backward hands the conv a transposed gradient
    compare(fn, (x, w))


# ---------------------------------------------------------------------------------------------- max pooling
def _relu_like(*shape, dtype=np.float32):
    """Half the entries exactly 0 and the rest on a coarse grid: many windows tie."""
    return np.maximum(rng.integers(-3, 3, shape), 0).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, kw", [((4, 3, 8, 6), {"kernel_size": 2}),
                                       ((3, 2, 6, 9), {"kernel_size": (2, 3)}),
                                       ((2, 8, 6), {"kernel_size": 2, "stride": 2}),        # unbatched
                                       ((2, 3, 9, 6), {"kernel_size": 3}),
                                       ((2, 3, 6, 6), {"kernel_size": 1})])
def test_max_pool2d_tiled_ties_go_to_the_first_maximum(shape, kw, dtype):
    compare(lambda m, a: m.nn.functional.max_pool2d(a, **kw), (_relu_like(*shape, dtype=dtype),))


@pytest.mark.parametrize("nd, shape, k", [(1, (3, 4, 10), 2), (3, (2, 3, 4, 6, 4), 2), (3, (2, 2, 4, 3, 6), (2, 1, 3))])
def test_max_pool1d_3d_tiled_ties(nd, shape, k):
    compare(lambda m, a: getattr(m.nn.functional, f"max_pool{nd}d")(a, k), (_relu_like(*shape),))


def test_max_pool_kernel_one_returns_a_new_array():
    x = npgrad.tensor(arr(1, 2, 3, 3))
    y = npgrad.nn.functional.max_pool2d(x, 1)
    y.add_(1.0)
    assert not np.shares_memory(to_np(x), to_np(y))
    np.testing.assert_array_equal(to_np(y), to_np(x) + 1.0)


def test_max_pool_tiled_gradient_zeros_are_positive():
    x = _relu_like(2, 2, 4, 4)
    g = -np.abs(arr(2, 2, 2, 2)) - 0.5
    out = {}
    for m in (npgrad, torch):
        a = m.tensor(x, requires_grad=True)
        m.nn.functional.max_pool2d(a, 2).backward(m.tensor(g))
        out[m] = to_np(a.grad)
    np.testing.assert_array_equal(out[npgrad], out[torch])
    np.testing.assert_array_equal(np.signbit(out[npgrad]), np.signbit(out[torch]))


def test_max_pool_tiled_with_nan_and_inf_inputs():
    x = arr(2, 2, 4, 6)
    x[0, 0, 0, 1] = np.nan          # one NaN in its window: the NaN is the maximum
    x[1, 1, 2, 2] = np.inf
    x[1, 0, 0, :2] = -np.inf
    x[1, 0, 1, :2] = -np.inf        # a window of -inf only
    compare(lambda m, a: m.nn.functional.max_pool2d(a, 2), (x,))


def test_max_pool_tiled_nonfinite_gradient():
    x = _relu_like(1, 2, 4, 4)

    def fn(m, a):
        a.requires_grad_()
        y = m.nn.functional.max_pool2d(a, 2)
        g = m.tensor(np.array([np.inf, -1.0, np.nan, 2.0] * 2, np.float32).reshape(1, 2, 2, 2))
        return m.autograd.grad(y, a, g)[0]
    compare(fn, (x,), grad=False)


def test_max_pool_tiled_double_backward():
    x = _relu_like(2, 2, 4, 4, dtype=np.float64) + rng.uniform(0, 0.1, (2, 2, 4, 4))
    res = {}
    for m in (npgrad, torch):
        a = m.tensor(x, requires_grad=True)
        y = m.nn.functional.max_pool2d(a, 2)
        (g,) = m.autograd.grad((y ** 2).sum(), a, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), a)
        res[m] = (to_np(g.detach()), to_np(gg))
    for a, b in zip(res[npgrad], res[torch]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_empty_batch_conv_and_pool():
    x, w = arr(0, 3, 5, 5), arr(4, 3, 3, 3)
    compare(lambda m, a, b, c: m.nn.functional.conv2d(a, b, c, padding=1), (x, w, arr(4)))
    compare(lambda m, a, b: m.nn.functional.conv_transpose2d(a, b.transpose(0, 1)), (x, w[:, :3].copy()))
    compare(lambda m, a: m.nn.functional.max_pool2d(a, 2), (arr(0, 3, 4, 4),))
