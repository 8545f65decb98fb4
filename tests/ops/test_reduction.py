"""ops/reduction.py: the backward's broadcast view (``expand_back``) and the forward's direct reductions.

``expand_back`` builds NumPy's ``broadcast_to`` view itself (two C calls) for a C-contiguous gradient; it must
give exactly NumPy's answer - values, shape, dtype, a read-only view - for every reduction shape, and fall back
to NumPy for everything else (non-contiguous, object dtype, mismatched shapes: NumPy's own error)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import npgrad
from npgrad.ops.reduction import expand_back


def _reference(grad, dims, keepdim, shape):
    if not keepdim and dims and grad.ndim:
        grad = np.expand_dims(grad, dims)
    return np.broadcast_to(grad, shape)


@st.composite
def _reduction(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4)))
    dims = tuple(sorted(draw(st.sets(st.integers(0, max(len(shape) - 1, 0)), max_size=len(shape)))))
    keepdim = draw(st.booleans())
    full = draw(st.booleans()) and not keepdim  # a full reduction's 0-d gradient
    dtype = draw(st.sampled_from([np.float32, np.float64, np.float16, np.int64, np.bool_, np.complex128]))
    return shape, (tuple(range(len(shape))) if full else dims), keepdim, full, dtype


@settings(max_examples=300, deadline=None)
@given(_reduction(), st.integers(0, 2**32 - 1))
def test_expand_back_is_numpys_broadcast_view(case, seed):
    shape, dims, keepdim, full, dtype = case
    if full:
        gshape = ()
    elif keepdim:
        gshape = tuple(1 if i in dims else n for i, n in enumerate(shape))
    else:
        gshape = tuple(n for i, n in enumerate(shape) if i not in dims)
    grad = np.random.default_rng(seed).standard_normal(gshape).astype(dtype)
    out = expand_back(grad, dims, keepdim, shape)
    ref = _reference(grad, dims, keepdim, shape)
    assert type(out) is np.ndarray and out.shape == ref.shape and out.dtype == ref.dtype
    np.testing.assert_array_equal(out, ref)
    assert not out.flags.writeable
    assert out.size == 0 or np.shares_memory(out, grad)  # a view, no copy


@pytest.mark.parametrize("grad", [np.ones((3, 4))[:, ::2], np.ones((4, 3)).T.copy(order="F")[:, :1].T,
                                  np.array([[1, "a"]], dtype=object)[:, :1]])
def test_expand_back_falls_back_to_numpy(grad):
    shape = (5,) + grad.shape
    out = expand_back(grad, (0,), False, shape)
    np.testing.assert_array_equal(out, np.broadcast_to(grad, shape))
    assert not out.flags.writeable


def test_expand_back_wrong_shape_raises_numpys_error():
    with pytest.raises(ValueError):
        expand_back(np.ones((3, 4)), (2,), True, (3, 4, 1))  # a keepdim gradient missing its reduced dim
    with pytest.raises(ValueError):
        expand_back(np.ones(3), (0,), False, (2, 4))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (0, False), (1, True), ((0, 2), False), (-1, True)])
def test_sum_mean_forward_and_grad_vs_torch(dtype, dim, keepdim):
    a = np.random.default_rng(0).standard_normal((4, 3, 5)).astype(dtype)
    for name in ("sum", "mean"):
        res = []
        for m in (npgrad, torch):
            x = m.tensor(a, requires_grad=True)
            r = getattr(x, name)() if dim is None else getattr(x, name)(dim, keepdim=keepdim)
            (r * 3).sum().backward()
            res.append((r.detach().numpy(), x.grad.numpy(), str(r.dtype)))
        (v, g, d), (tv, tg, td) = res
        assert d.replace("npgrad", "torch") == td
        np.testing.assert_allclose(v, tv, rtol=1e-6 if dtype == "float32" else 1e-12)
        np.testing.assert_array_equal(g, tg)


def test_leaf_grad_of_a_sum_is_writable():
    x = npgrad.ones(3, 4, requires_grad=True)
    x.sum().backward()
    x.grad.add_(1)  # the engine must not hand the read-only broadcast view out as .grad
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 4), 2.0))


@pytest.mark.parametrize("bshape", [(3,), (1, 3), (2, 1), (1,), (4, 1, 1), ()])
def test_broadcast_gradient_under_create_graph_records_torchs_nodes(bshape):
    # _shape.sum_to on a Tensor (reduction.tensor_sum_to): one SumBackward1, then a ViewBackward0 only when
    # leading dims go (to a 0-d shape one full SumBackward0) - torch's nodes, values and second derivatives
    rng = np.random.default_rng(2)
    xa, ba = rng.standard_normal((4, 2, 3)), rng.standard_normal(bshape)
    res = {}
    for m in (npgrad, torch):
        x, b = m.tensor(xa, requires_grad=True), m.tensor(ba, requires_grad=True)
        (g,) = m.autograd.grad((((x + b) ** 2) * x).sum(), b, create_graph=True)
        names, fn = [], g.grad_fn
        while fn is not None and fn.name() in ("SumBackward0", "SumBackward1", "ViewBackward0"):
            names.append(fn.name())
            fn = fn.next_functions[0][0]
        (second,) = m.autograd.grad((g * g).sum(), x)
        res[m] = (g.detach().numpy(), names, second.numpy())
    (g, names, s), (tg, tnames, ts) = res[npgrad], res[torch]
    assert names == tnames and names[-1:] == (["SumBackward1"] if bshape else ["SumBackward0"])
    np.testing.assert_allclose(g, tg, rtol=1e-12)
    np.testing.assert_allclose(s, ts, rtol=1e-12)
