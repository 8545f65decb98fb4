"""torch.histogramdd / svd_lowrank / pca_lowrank / lobpcg, the torch.ctc_loss / torch.embedding_bag forms, and
Tensor set_ / name / grad_dtype, vs torch (values, gradients and error classes; the op table has the rest)."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare_error

LIBS = (torch, npgrad)


def _np(t):
    return t.detach().numpy()


# ------------------------------------------------------------------------------------------------ histogramdd
@pytest.mark.parametrize("fn", [
    lambda m: m.histogramdd(m.ones(3, 2), bins=[2]),
    lambda m: m.histogramdd(m.ones(3, 2, dtype=m.int64), bins=2),
    lambda m: m.histogramdd(m.ones(3, 2), bins=2, range=[1.0, 0.0, 0.0, 1.0]),
    lambda m: m.histogramdd(m.ones(3, 2), bins=2, range=[0.0, 1.0]),
    lambda m: m.histogramdd(m.ones(3, 2), bins=[0, 2]),
    lambda m: m.histogramdd(m.ones(3, 2), bins=2, weight=m.ones(2)),
    lambda m: m.histogramdd(m.ones(3, 2), bins=[m.ones(2, 2), m.ones(2)]),
])
def test_histogramdd_errors_as_torch(fn):
    compare_error(lambda m: fn(m), ())


def test_histogramdd_result_type_and_no_derivative():
    for m in LIBS:
        x = m.tensor(np.random.default_rng(0).standard_normal((5, 2)), requires_grad=True)
        h = m.histogramdd(x, bins=2)
        assert type(h).__name__ == "histogramdd" and h.hist is h[0] and h.bin_edges is h[1]
        assert h.hist.requires_grad and isinstance(h.bin_edges, tuple) and len(h.bin_edges) == 2
        with pytest.raises(RuntimeError, match="derivative for aten::_histogramdd_from_bin_cts is not implemented"):
            h.hist.sum().backward()


# ------------------------------------------------------------------------------------------------ low rank
def _rank2(shape=(8, 6), seed=0):
    g = np.random.default_rng(seed)
    return g.standard_normal((shape[0], 2)) @ g.standard_normal((2, shape[1]))


@pytest.mark.parametrize("shape", [(8, 6), (5, 9), (3, 7, 6)])
def test_svd_lowrank_subspace_and_values_as_torch(shape):
    """Random sketches differ; the singular values and the spanned subspaces agree with torch's and the SVD's."""
    g = np.random.default_rng(1)
    a = g.standard_normal(shape[:-2] + (shape[-2], 3)) @ g.standard_normal(shape[:-2] + (3, shape[-1]))
    a = a + 1e-9 * g.standard_normal(shape)
    res = {}
    for m in LIBS:
        U, S, V = m.svd_lowrank(m.tensor(a), q=4, niter=2)
        assert tuple(U.shape) == shape[:-1] + (4,) and tuple(V.shape) == shape[:-2] + (shape[-1], 4)
        res[m] = (_np(U), _np(S), _np(V))
    np.testing.assert_allclose(res[npgrad][1][..., :3], res[torch][1][..., :3], rtol=1e-8)
    np.testing.assert_allclose(res[npgrad][1][..., :3], np.linalg.svd(a, compute_uv=False)[..., :3], rtol=1e-8)
    for k in (0, 2):   # projectors onto the leading 3 left / right singular directions
        Pn = res[npgrad][k][..., :3] @ np.swapaxes(res[npgrad][k][..., :3], -1, -2)
        Pt = res[torch][k][..., :3] @ np.swapaxes(res[torch][k][..., :3], -1, -2)
        np.testing.assert_allclose(Pn, Pt, atol=1e-7)


def test_svd_lowrank_with_M_and_int_input_dtype():
    a = _rank2()
    Mrow = np.random.default_rng(2).standard_normal((1, 6))
    out = {}
    for m in LIBS:
        U, S, V = m.svd_lowrank(m.tensor(a + Mrow), q=2, M=m.tensor(Mrow))
        out[m] = _np(S)
    np.testing.assert_allclose(out[npgrad], out[torch], rtol=1e-8)


@pytest.mark.parametrize("kw", [{"q": -1}, {"q": 7}, {"niter": -1}])
def test_pca_lowrank_errors_as_torch(kw):
    e_n, e_t = compare_error(lambda m: m.pca_lowrank(m.tensor(_rank2()), **kw), ())
    assert str(e_n) == str(e_t)


def test_pca_lowrank_components_as_torch():
    a = _rank2() + np.arange(6.0)
    res = {m: m.pca_lowrank(m.tensor(a), q=2) for m in LIBS}
    np.testing.assert_allclose(_np(res[npgrad][1]), _np(res[torch][1]), rtol=1e-8)
    Vn, Vt = _np(res[npgrad][2]), _np(res[torch][2])
    np.testing.assert_allclose(Vn @ Vn.T, Vt @ Vt.T, atol=1e-8)


# ------------------------------------------------------------------------------------------------ lobpcg
def _spd(n=12, seed=0):
    g = np.random.default_rng(seed)
    M = g.standard_normal((n, n))
    return M @ M.T + np.diag(np.arange(n, dtype=float))


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lobpcg_eigenpairs_as_torch(largest, dtype):
    A = _spd().astype(dtype)
    res = {}
    for m in LIBS:
        m.manual_seed(0)
        E, X = m.lobpcg(m.tensor(A), k=3, largest=largest)
        assert E.dtype == m.tensor(A).dtype and tuple(X.shape) == (12, 3)
        res[m] = (_np(E), _np(X))
    rtol = 1e-4 if dtype == np.float32 else 1e-8
    np.testing.assert_allclose(res[npgrad][0], res[torch][0], rtol=rtol)
    w = np.linalg.eigvalsh(A.astype(np.float64))
    np.testing.assert_allclose(res[npgrad][0], (w[::-1] if largest else w)[:3], rtol=rtol)
    cos = np.abs(np.sum(res[npgrad][1] * res[torch][1], axis=0))
    np.testing.assert_allclose(cos, 1, atol=1e-3 if dtype == np.float32 else 1e-6)


def test_lobpcg_generalized_preconditioned_given_start_and_batched():
    A, B = _spd(), _spd(seed=1) + 12 * np.eye(12)
    X0 = np.random.default_rng(5).standard_normal((12, 2))
    iK = np.linalg.inv(A + np.eye(12))
    res = {}
    for m in LIBS:
        Eg, _ = m.lobpcg(m.tensor(A), B=m.tensor(B), X=m.tensor(X0), niter=200)
        Ep, _ = m.lobpcg(m.tensor(A), k=2, iK=m.tensor(iK), largest=False, niter=200)
        m.manual_seed(0)
        Eb, Xb = m.lobpcg(m.tensor(np.stack([A, 2 * A])), k=1)
        res[m] = (_np(Eg), _np(Ep), _np(Eb), tuple(Xb.shape))
    for a, b in zip(res[npgrad][:3], res[torch][:3]):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert res[npgrad][3] == res[torch][3] == (2, 12, 1)


@pytest.mark.parametrize("fn", [
    lambda m: m.lobpcg(m.ones(3, 4), k=1),
    lambda m: m.lobpcg(m.eye(6), k=3),
    lambda m: m.lobpcg(m.eye(6), k=1, B=m.eye(5)),
])
def test_lobpcg_errors_as_torch(fn):
    e_n, e_t = compare_error(fn, ())
    assert type(e_n) is type(e_t)


def test_lobpcg_gradient_as_torch():
    """Gradient through E and X (sign-invariant loss); A is symmetrised first, as torch does."""
    A = _spd(9, seed=3) + np.triu(np.full((9, 9), 0.1), 1)   # not symmetric: the gradient sees (A + A^T) / 2
    W = np.random.default_rng(4).standard_normal((9, 9))
    grads, names = {}, {}
    for m in LIBS:
        m.manual_seed(0)
        a = m.tensor(A, requires_grad=True)
        E, X = m.lobpcg(a, k=2, tol=1e-12, niter=300)
        names[m] = E.grad_fn.name()
        (E.sum() + (X @ X.mT * m.tensor(W)).sum()).backward()
        grads[m] = _np(a.grad)
    np.testing.assert_allclose(grads[npgrad], grads[torch], atol=1e-7)
    assert names[npgrad] == names[torch]


# ------------------------------------------------------------------------------------------------ torch.* forms
def test_ctc_loss_function_form_reductions_as_torch():
    g = np.random.default_rng(0)
    lp = np.log(g.dirichlet(np.ones(5), size=(6, 2)))
    t, il, tl = [[1, 2, 2], [3, 1, 0]], [6, 5], [3, 2]
    for args in ((), (0,), (0, 1), (0, 2), (0, 0, True), (0, 3), (0, -1), (0, np.int64(2))):  # other ints: none
        ours = npgrad.ctc_loss(npgrad.tensor(lp), npgrad.tensor(t), il, tl, *args)
        theirs = torch.ctc_loss(torch.tensor(lp), torch.tensor(t), il, tl, *args)
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-10)
    for bad in ("mean", 1.0, True):
        compare_error(lambda m: m.ctc_loss(m.tensor(lp), m.tensor(t), il, tl, 0, bad), ())


@pytest.mark.parametrize("fn", [
    lambda m: m.embedding_bag(m.ones(5, 3), m.tensor([0, 1]), None),
    lambda m: m.embedding_bag(m.ones(5, 3), m.tensor([0, 1, 2]), m.tensor([0, 1]), False, 1, False, m.ones(3)),
    lambda m: m.embedding_bag(m.ones(5, 3), [0, 1], m.tensor([0])),
])
def test_embedding_bag_function_form_errors_as_torch(fn):
    compare_error(fn, ())


def test_embedding_bag_scale_grad_by_freq_after_an_empty_bag_is_not_torchs_halving():
    """Documented difference: torch 2.13's CPU kernel halves the gradient of the row that starts the bag after
    bag 0 under scale_grad_by_freq (a row used once); npgrad gives the unscaled gradient, 1 per use."""
    w = npgrad.ones(6, 1, requires_grad=True)
    npgrad.embedding_bag(w, npgrad.tensor([1, 2, 2, 5, 0]), npgrad.tensor([0, 3]), True, 0)[0].sum().backward()
    assert w.grad[:, 0].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0, 1.0]


# ------------------------------------------------------------------------------------------------ Tensor
def test_set_shares_memory_as_torch():
    for m in LIBS:
        a = m.arange(6.0)
        x = m.zeros(2)
        assert x.set_(a) is x and x._version == 1
        x[0] = 7
        assert a.tolist()[0] == 7 and x.is_set_to(a)
        v = m.zeros(2).set_(a, 1, (2, 2), (1, 2))
        assert v.tolist() == [[1.0, 3.0], [2.0, 4.0]] and v.stride() == (1, 2) and v.storage_offset() == 1
        v[0, 0] = -1
        assert a[1].item() == -1
        c = m.zeros(2).set_(a, 2, (2, 2))
        assert c.stride() == (2, 1) and c.tolist() == [[2.0, 3.0], [4.0, 5.0]]
        t = m.zeros(2).set_(a.view(2, 3).t())
        assert t.stride() == (1, 3) and t.storage_offset() == 0
        e = m.zeros(3, dtype=m.float64)
        e.set_()
        assert tuple(e.shape) == (0,) and e.dtype == m.float64 and e._version == 1


@pytest.mark.parametrize("fn", [
    lambda m: m.zeros(2, dtype=m.int64).set_(m.arange(6.0)),
    lambda m: m.zeros(2, requires_grad=True).set_(m.arange(6.0)),
    lambda m: m.zeros(2).set_(3),
    lambda m: m.zeros(2).set_(m.arange(6.0), 0, (2, 2), (1,)),
    lambda m: m.zeros(2).set_(m.arange(6.0), -1, (3,), (1,)),
    lambda m: m.zeros(2).set_(m.arange(6.0), storage_offset=0),
])
def test_set_errors_as_torch(fn):
    e_n, e_t = compare_error(fn, ())
    if isinstance(e_t, RuntimeError):
        assert str(e_n) == str(e_t)


def test_set_from_a_tensor_requiring_grad_records_a_node_without_derivative():
    for m in LIBS:
        z = m.zeros(2)
        z.set_(m.ones(3, requires_grad=True))
        assert z.requires_grad and z.grad_fn is not None
        with pytest.raises(RuntimeError):
            z.sum().backward()


def test_name_is_none_and_read_only():
    for m in LIBS:
        x = m.ones(2)
        assert x.name is None
        with pytest.raises(AttributeError):
            x.name = "x"


def test_grad_dtype_as_torch():
    for m in LIBS:
        x = m.zeros(2, requires_grad=True)
        assert x.grad_dtype == m.float32 and m.zeros(2).grad_dtype == m.float32
        assert m.arange(3).grad_dtype == m.int64
        x.grad_dtype = m.float64
        (x * 2).sum().backward()
        assert x.grad.dtype == m.float64 and x.grad.tolist() == [2.0, 2.0]
        (x * 2).sum().backward()
        assert x.grad.dtype == m.float64 and x.grad.tolist() == [4.0, 4.0]
        with pytest.raises(RuntimeError, match="Cannot set grad_dtype to 'Half' because there is already a "
                                               "gradient with dtype 'double'"):
            x.grad_dtype = m.float16
        x.grad = None
        x.grad_dtype = m.float16
        (x * 2).sum().backward()
        assert x.grad.dtype == m.float16
        q = m.zeros(2, requires_grad=True)
        q.grad_dtype = m.float64
        assert m.autograd.grad((q * 2).sum(), q)[0].dtype == m.float64
        y = m.zeros(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="attempting to assign a gradient with dtype 'double' to a tensor "
                                               "with grad_dtype 'Float'"):
            y.grad = m.ones(2, dtype=m.float64)
        y.grad_dtype = None
        assert y.grad_dtype is None
        y.grad = m.ones(2, dtype=m.float64)
        assert y.grad.dtype == m.float64
        with pytest.raises(RuntimeError, match="grad_dtype can only be accessed on leaf tensors"):
            (y * 2).grad_dtype
        with pytest.raises(RuntimeError, match="grad_dtype can only be set on leaf tensors"):
            (y * 2).grad_dtype = m.float64
        with pytest.raises(RuntimeError, match="grad_dtype must be a torch.dtype or None, but got int"):
            y.grad_dtype = 3
        c = m.zeros(2, requires_grad=True)
        c.grad_dtype = m.float64
        (c * 2).sum().backward(create_graph=True) if m is npgrad else None
        if m is npgrad:
            assert c.grad.dtype == m.float64


def test_grad_dtype_under_create_graph_as_torch():
    out = {}
    for m in LIBS:
        c = m.zeros(2, requires_grad=True)
        c.grad_dtype = m.float64
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (c * 2).sum().backward(create_graph=True)
        out[m] = str(c.grad.dtype).split(".")[1]
    assert out[npgrad] == out[torch]


# ------------------------------------------------------------------------------------------------ linear CE
@pytest.mark.parametrize("fn", [
    lambda m: m.nn.functional.linear_cross_entropy(m.ones(2, 3, 4), m.ones(5, 4), m.zeros(2, dtype=m.int64)),
    lambda m: m.nn.functional.linear_cross_entropy(m.ones(2, 4), m.ones(5), m.zeros(2, dtype=m.int64)),
    lambda m: m.nn.functional.linear_cross_entropy(m.ones(2, 4), m.ones(5, 3), m.zeros(2, dtype=m.int64)),
    lambda m: m.nn.functional.linear_cross_entropy(m.ones(2, 4), m.ones(5, 4), m.zeros(2, dtype=m.int64),
                                                   linear_bias=m.ones(4)),
    lambda m: m.nn.functional.linear_cross_entropy(m.ones(4), m.ones(5, 2, 4), m.zeros((), dtype=m.int64)),
    lambda m: m.nn.functional.linear_cross_entropy(m.ones(2, 4), m.ones(5, 4), m.ones(2, 5), ignore_index=1),
    lambda m: m.nn.LinearCrossEntropyLoss(4, 3, weight=m.ones(2)),
    lambda m: m.nn.LinearCrossEntropyLoss(4, 3, label_smoothing=1.5),
])
def test_linear_cross_entropy_errors_as_torch(fn):
    e_n, e_t = compare_error(fn, ())
    assert str(e_n) == str(e_t)


@pytest.mark.parametrize("kw", [{}, {"bias": True, "reduction": "sum"}, {"out_features": (2,), "bias": True},
                                {"label_smoothing": 0.2, "ignore_index": 0}])
def test_linear_cross_entropy_loss_module_as_torch(kw):
    g = np.random.default_rng(0)
    mods = {m: m.nn.LinearCrossEntropyLoss(5, 3, **kw) for m in LIBS}
    assert repr(mods[npgrad]) == repr(mods[torch])
    sd = {k: v.detach().numpy() for k, v in mods[torch].state_dict().items()}
    assert list(mods[npgrad].state_dict()) == list(sd)
    mods[npgrad].load_state_dict({k: npgrad.tensor(v) for k, v in sd.items()})
    x = g.standard_normal((4, 5))
    y = g.integers(0, 3, size=(4,) + tuple(kw.get("out_features", ())))
    out = {}
    for m in LIBS:
        xi = m.tensor(x, dtype=m.float32, requires_grad=True)
        loss = mods[m](xi, m.tensor(y))
        loss.backward()
        out[m] = (_np(loss), _np(xi.grad), _np(mods[m].linear.weight.grad))
    for a, b in zip(out[npgrad], out[torch]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------------------------ grouped_mm
@pytest.mark.parametrize("fn", [
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 8), m.randn(3, 8, 4), offs=m.tensor([1, 2, 3], dtype=m.int32)),
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 8), m.randn(2, 8, 4)),
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 8), m.randn(3, 4, 4)),
    lambda m: m.nn.functional.grouped_mm(m.randn(4, 8), m.randn(2, 8, 4), offs=m.tensor([3, 6, 8], dtype=m.int32)),
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 6), m.randn(3, 6, 4)),
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 8).double(), m.randn(3, 8, 4).double()),
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 8).int(), m.randn(3, 8, 4).int()),
    lambda m: m.nn.functional.grouped_mm(m.randn(4, 8), m.randn(8), offs=m.tensor([3, 6], dtype=m.int32)),
    lambda m: m.nn.functional.grouped_mm(m.randn(8, 8), m.randn(2, 8, 4), offs=m.tensor([3, 6])),
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 8), m.randn(3, 8, 4), bias=m.randn(3, 4)),
    lambda m: m.nn.functional.grouped_mm(m.randn(3, 4, 8), m.randn(3, 8, 4), out_dtype=m.float16),
])
def test_grouped_mm_errors_as_torch(fn):
    e_n, e_t = compare_error(fn, ())
    assert str(e_n) == str(e_t)


@pytest.mark.parametrize("sa,sb,offs", [((3, 4, 5), (3, 5, 2), None), ((6, 3), (2, 3, 4), (2, 6)),
                                        ((2, 3, 4), (4, 5), (2, 5)), ((3, 6), (6, 2), (4, 6))])
def test_grouped_mm_gradcheck_and_gradgradcheck_float64(sa, sb, offs):
    """The op's formulas in float64 (the public function takes float32/16 as torch's CPU kernel): each case's
    gradients are grouped products of the other cases, so second derivatives go through them too."""
    from npgrad.autograd.gradcheck import gradcheck, gradgradcheck
    from npgrad.ops.surface_extra import GroupedMm
    g = np.random.default_rng(0)
    a = npgrad.tensor(g.standard_normal(sa), requires_grad=True)
    b = npgrad.tensor(g.standard_normal(sb), requires_grad=True)
    fn = lambda x, y: GroupedMm.apply(x, y, offs)  # noqa: E731
    assert gradcheck(fn, (a, b)) and gradgradcheck(fn, (a, b))
