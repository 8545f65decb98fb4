"""Op table entries: histogramdd, svd_lowrank / pca_lowrank / lobpcg (seeded, compared through what does not
depend on the random start: singular values, eigenvalues, reconstructions and projectors), and the torch.* forms
of ctc_loss and embedding_bag."""
import numpy as np

from . import OpInfo, NoGrad, rand

NO = dict(grad=False, gradcheck=False, gradgrad=False)


def _hdd(rng, dtype):
    x = rand(rng, (9, 2), dtype)
    return [((x,), {"bins": [3, 4]}), ((x,), {"bins": 2, "range": [0.0, 1.0, -1.0, 1.0], "density": True}),
            ((x, NoGrad(rand(rng, (9,), dtype, (0, 1)))), {"bins": 3}),
            ((rand(rng, (2, 3, 3), dtype),), {"bins": (2, 2, 3)}), ((np.ones((3, 2), dtype),), {"bins": 2})]


def _hdd_edges(rng, dtype):
    return [((rand(rng, (8, 2), dtype), NoGrad(np.array([-2.0, 0.0, 2.0], dtype)),
              NoGrad(np.array([-1.0, -0.5, 0.5, 1.0], dtype))), {})]


def _histogramdd(m, a, *w, **kw):
    h = m.histogramdd(a, weight=w[0] if w else None, **kw)
    return (h.hist,) + tuple(h.bin_edges)


def _low_rank(rng, dtype):
    B = rand(rng, (6, 2), dtype) @ rand(rng, (2, 5), dtype)
    return [((B,), {}), ((B.T.copy(),), {}), ((np.stack([B, 2 * B]),), {})]


def _svd_lowrank(m, A):
    m.manual_seed(0)
    U, S, V = m.svd_lowrank(A, q=2, niter=3)
    return S, (U * S.unsqueeze(-2)) @ V.mT


def _pca_rows(rng, dtype):
    # 6 x 3: centred it has rank 2 and one zero singular value (with more zero ones, rounding in the sketch's
    # QR backward passes 1e-9 and the backward property suite's linearity check sees it)
    B = rand(rng, (6, 2), dtype) @ rand(rng, (2, 3), dtype) + rand(rng, (1, 3), dtype)
    return [((B,), {}), ((B,), {"center": False, "q": 3})]


def _pca_lowrank(m, A, **kw):
    m.manual_seed(0)
    U, S, V = m.pca_lowrank(A, niter=3, **kw)
    k = 2 if kw.get("center", True) else 3
    return S[..., :k], (U[..., :k] * S[..., :k]) @ V[..., :k].mT


def _sym(rng, dtype):
    return [((rand(rng, (9, 9), dtype),), {"largest": True}), ((rand(rng, (9, 9), dtype),), {"largest": False})]


def _lobpcg(m, A, largest):
    m.manual_seed(0)
    S = A @ A.mT + m.diag(m.arange(9, dtype=A.dtype))
    tol = 1e-12 if A.dtype == m.float64 else 1e-6   # float32: past torch's default, to compare converged pairs
    E, X = m.lobpcg(S, k=2, largest=largest, tol=tol, niter=300)
    return E, X @ X.mT


def _ctc(rng, dtype):
    lp = rand(rng, (6, 2, 5), dtype, (-3.0, -0.1))
    t, il, tl = np.array([[1, 2, 2], [3, 1, 0]]), np.array([6, 5]), np.array([3, 2])
    return [((lp, t, il, tl), {}), ((lp, t, il, tl, 0, 1), {}), ((lp, t, il, tl, 0, 2, True), {}),
            ((lp, t, il, tl, 4, 0), {})]


def _bag(rng, dtype):
    w = rand(rng, (6, 3), dtype)
    idx, off = np.array([1, 2, 2, 5, 0, 3, 3]), np.array([0, 3, 3, 5])
    return [((w, idx, off), {}), ((w, idx, off, False, 1), {}), ((w, idx, off, False, 2), {}),
            ((w, idx, off, False, 0, False, None, False, 2), {}), ((w, idx, off, False, 1, False, None, False, -1), {}),
            ((w, idx, np.array([0, 3, 3, 7]), False, 2, False, None, True), {}),
            # (scale_grad_by_freq left False: torch 2.13's CPU kernel halves the gradient of the row that starts
            # the second bag here, which npgrad does not copy; see tests/ops/test_surface_extra.py)
            ((w, idx, np.array([0, 3, 5]), False, 0, False, NoGrad(rand(rng, (7,), dtype))), {}),
            ((w, idx.astype(np.int32), off.astype(np.int32), False, 2), {})]


def _lce(rng, dtype):
    x, w, b = rand(rng, (4, 5), dtype), rand(rng, (3, 5), dtype), rand(rng, (3,), dtype)
    y = np.array([0, 2, 1, 2])
    wk, bk = rand(rng, (3, 2, 5), dtype), rand(rng, (3, 2), dtype)
    return [((x, w, y), {}), ((x, w, y, b), {"reduction": "sum", "label_smoothing": 0.1}),
            ((x, w, np.array([0, -100, 1, 2])), {"reduction": "none"}),
            ((x, w, np.array([0, 1, 1, 2]), None, NoGrad(rand(rng, (3,), dtype, (0.5, 1.5)))), {"ignore_index": 1}),
            ((x, w, NoGrad(rng.dirichlet(np.ones(3), size=4).astype(dtype))), {}),
            ((x[0], w, np.array(2)), {}), ((x, wk, rng.integers(0, 3, size=(4, 2)), bk), {"reduction": "mean"})]


def _linear_ce(m, x, w, y, b=None, cw=None, **kw):
    return m.nn.functional.linear_cross_entropy(x, w, y, linear_bias=b, weight=cw, **kw)


def _gmm(rng, dtype):
    return [((rand(rng, (3, 4, 8), dtype), rand(rng, (3, 8, 4), dtype)), {}),
            ((rand(rng, (8, 8), dtype), rand(rng, (2, 8, 4), dtype), np.array([3, 8], np.int32)), {}),
            ((rand(rng, (2, 4, 8), dtype), rand(rng, (8, 8), dtype), np.array([4, 8], np.int32)), {}),
            ((rand(rng, (4, 8), dtype), rand(rng, (8, 4), dtype), np.array([4, 8], np.int32)), {}),
            ((rand(rng, (8, 4), dtype), rand(rng, (3, 4, 4), dtype), np.array([2, 2, 8], np.int32)), {})]


def _grouped_mm(m, a, b, offs=None):
    return m.nn.functional.grouped_mm(a, b, offs=offs)


OPS = [
    OpInfo("histogramdd", _histogramdd, _hdd, check_name=False, **NO),
    OpInfo("histogramdd_edges", lambda m, a, e0, e1: _histogramdd(m, a, bins=[e0, e1]), _hdd_edges,
           check_name=False, **NO),
    OpInfo("svd_lowrank", _svd_lowrank, _low_rank, check_name=False, rtol=1e-3, atol=1e-4),
    # the singular values with their gradient; the reconstruction forward only (its gradient divides by the gaps
    # to the zero trailing singular values of the centred, rank-deficient matrix)
    # (no gradgradcheck: a rank-q sketch's second derivatives are not those of the exact SVD at a rank-deficient A)
    OpInfo("pca_lowrank", lambda m, A, **kw: _pca_lowrank(m, A, **kw)[0], _pca_rows, check_name=False, rtol=2e-2,
           atol=2e-3, gradgrad=False),
    OpInfo("pca_lowrank_reconstruction", lambda m, A, **kw: _pca_lowrank(m, A, **kw)[1], _pca_rows,
           check_name=False, rtol=2e-2, atol=2e-3, **NO),
    # float64 only: float32 eigenvectors agree with torch's to ~1e-3 (tests/ops/test_surface_extra.py compares them)
    OpInfo("lobpcg", _lobpcg, _sym, dtypes=(np.float64,), rtol=1e-5, atol=1e-7, gradgrad=False),
    OpInfo("torch.ctc_loss", lambda m, *a: m.ctc_loss(*a), _ctc, gradcheck=False, gradgrad=False),
    OpInfo("torch.embedding_bag", lambda m, *a: m.embedding_bag(*a), _bag),
    OpInfo("F.linear_cross_entropy", _linear_ce, _lce),
    # float32 only (torch's CPU kernel takes float32/bfloat16/float16): the float64 checks run in the tests file
    OpInfo("F.grouped_mm", _grouped_mm, _gmm, dtypes=(np.float32,), gradcheck=False, gradgrad=False),
]
