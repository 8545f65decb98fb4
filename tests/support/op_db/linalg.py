"""Op table entries: products, contractions, decompositions, matrix functions and norms.

Matrices are built to be well conditioned (``A + 3 I`` for general square inputs, ``B B^T + n I`` for symmetric
positive-definite ones) so float32 results and float64 finite differences are stable. Decompositions with a sign
freedom (eigh, svd, qr) are compared after fixing the signs, which is gauge-invariant and differentiable.
Symmetric-input ops (cholesky, eigh) symmetrize inside the function, as torch's own gradcheck wrappers do.
"""
import warnings

import numpy as np

from . import OpInfo

INF = float("inf")


def _gen(rng, shape, dtype):
    return rng.uniform(-1, 1, shape).astype(dtype)


def _square(rng, shape, dtype):
    """Well-conditioned square matrices: uniform entries plus 3 on the diagonal."""
    return (rng.uniform(-1, 1, shape) + 3 * np.eye(shape[-1])).astype(dtype)


def _spd(rng, shape, dtype):
    b = rng.uniform(-1, 1, shape)
    return (b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def _pairs(pairs, gen=_gen, kwargs=None):
    def samples(rng, dtype):
        return [((gen(rng, a, dtype), gen(rng, b, dtype)), dict(kwargs or {})) for a, b in pairs]
    return samples


def _one(shapes, gen=_gen, kwargs_list=({},)):
    def samples(rng, dtype):
        return [((gen(rng, s, dtype),), dict(kw)) for s in shapes for kw in kwargs_list]
    return samples


# --------------------------------------------------------------------------------------------- products
def _matmul_all(rng, dtype):
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
              ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3,)), ((3,), (5, 3, 2)),
              ((2, 1, 2, 3), (4, 3, 2)), ((1, 2, 3), (4, 3, 2)), ((0, 3), (2, 3, 4))]
    return [((_gen(rng, a, dtype), _gen(rng, b, dtype)), {}) for a, b in shapes]


def _matmul_int(rng, dtype):
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
              ((2, 3), (5, 3, 4))]
    return [((rng.integers(-5, 5, a), rng.integers(-5, 5, b)), {}) for a, b in shapes]


def _addmm(rng, dtype):
    m1, m2 = _gen(rng, (2, 3), dtype), _gen(rng, (3, 4), dtype)
    return [((_gen(rng, (2, 4), dtype), m1, m2), {}),
            ((_gen(rng, (4,), dtype), m1, m2), {"beta": 0.5, "alpha": 2.0}),
            ((_gen(rng, (2, 1), dtype), m1, m2), {"beta": 0, "alpha": -1.5})]


def _addmv(rng, dtype):
    m, v = _gen(rng, (2, 3), dtype), _gen(rng, (3,), dtype)
    return [((_gen(rng, (2,), dtype), m, v), {}), ((_gen(rng, (), dtype), m, v), {"beta": 2.0, "alpha": 0.5})]


def _addbmm(rng, dtype):
    b1, b2 = _gen(rng, (4, 2, 3), dtype), _gen(rng, (4, 3, 2), dtype)
    return [((_gen(rng, (2, 2), dtype), b1, b2), {}), ((_gen(rng, (2,), dtype), b1, b2), {"beta": 0.5, "alpha": 3})]


def _baddbmm(rng, dtype):
    b1, b2 = _gen(rng, (4, 2, 3), dtype), _gen(rng, (4, 3, 2), dtype)
    return [((_gen(rng, (4, 2, 2), dtype), b1, b2), {}), ((_gen(rng, (2,), dtype), b1, b2), {"beta": 0.5, "alpha": 3})]


EINSUM = [("ij,jk->ik", (2, 3), (3, 4)), ("ii", (3, 3)), ("ii->i", (3, 3)), ("ij->ji", (2, 3)),
          ("bij,bjk->bik", (2, 2, 3), (2, 3, 4)), ("...ij,...jk", (2, 2, 3), (3, 4)), ("i,j->ij", (3,), (4,)),
          ("ij,ij->i", (2, 3), (2, 3)), ("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)), ("ii,i->i", (3, 3), (3,)),
          ("ijk->k", (2, 3, 4)), ("ij,jk", (2, 3), (1, 4)), ("i,i", (3,), (3,)), ("Ab,bC->CA", (2, 3), (3, 2)),
          ("ij,k->", (2, 3), (4,)), (" i j , j ", (2, 3), (3,)), ("b...i,b...i->b...", (2, 3, 4), (2, 1, 4)),
          ("iij->ji", (3, 3, 2)), ("...", (2, 3))]


# the first three of a table entry also go through gradgradcheck: these cover the constant operands
EINSUM_SPECIAL = [("ii,i->i", (3, 3), (3,)), ("ij,k->", (2, 3), (4,)), ("...ij,...jk", (2, 1, 2, 3), (3, 3, 2)),
                  ("iij->ji", (3, 3, 2)), ("ij,jk", (2, 3), (1, 4))]


def _einsum_from(table):
    def samples(rng, dtype):
        return [((eq,) + tuple(_gen(rng, s, dtype) for s in shapes), {}) for eq, *shapes in table]
    return samples


def _tensordot(rng, dtype):
    return [((_gen(rng, (2, 3, 4), dtype), _gen(rng, (3, 4, 5), dtype)), {}),
            ((_gen(rng, (2, 3), dtype), _gen(rng, (3, 2), dtype)), {"dims": 1}),
            ((_gen(rng, (2, 3), dtype), _gen(rng, (4,), dtype)), {"dims": 0}),
            ((_gen(rng, (2, 3, 4), dtype), _gen(rng, (4, 3, 5), dtype)), {"dims": ([1, 2], [1, 0])}),
            ((_gen(rng, (2, 3, 4), dtype), _gen(rng, (4, 3, 5), dtype)), {"dims": ([-2], [1])})]


def _multi_dot_samples(rng, dtype):
    chains = [((3, 4), (4, 2)), ((3,), (3, 4), (4, 5), (5,)), ((2, 3), (3, 6), (6, 1), (1, 4)), ((4,), (4, 2))]
    return [(tuple(_gen(rng, s, dtype) for s in shapes), {}) for shapes in chains]


def _cross(rng, dtype):
    return [((_gen(rng, (4, 3), dtype), _gen(rng, (4, 3), dtype)), {"dim": 1}),
            ((_gen(rng, (3, 2), dtype), _gen(rng, (3, 1), dtype)), {"dim": 0}),
            ((_gen(rng, (2, 1, 3), dtype), _gen(rng, (1, 4, 3), dtype)), {"dim": -1})]


def _vecdot(rng, dtype):
    return [((_gen(rng, (2, 3), dtype), _gen(rng, (3,), dtype)), {}),
            ((_gen(rng, (3, 2), dtype), _gen(rng, (3, 1), dtype)), {"dim": 0}),
            ((_gen(rng, (2, 1, 4), dtype), _gen(rng, (3, 4), dtype)), {"dim": -1})]


# ------------------------------------------------------------------------------------------ decompositions
def _solve_right(rng, dtype):
    return [((_square(rng, (2, 3, 3), dtype), _gen(rng, (4, 3), dtype)), {"left": False}),
            ((_square(rng, (3, 3), dtype), _gen(rng, (2, 2, 3), dtype)), {"left": False}),
            ((_square(rng, (2, 1, 3, 3), dtype), _gen(rng, (3, 3, 2), dtype)), {})]


def _solve(rng, dtype):
    A, A3 = _square(rng, (3, 3), dtype), _square(rng, (2, 3, 3), dtype)
    return [((A, _gen(rng, (3, 2), dtype)), {}), ((A, _gen(rng, (3,), dtype)), {}),
            ((A3, _gen(rng, (3,), dtype)), {}), ((A3, _gen(rng, (2, 3), dtype)), {}),
            ((A, _gen(rng, (4, 3, 2), dtype)), {}), ((A3, _gen(rng, (4, 3), dtype)), {"left": False}),
            ((_square(rng, (2, 1, 3, 3), dtype), _gen(rng, (3, 3, 1), dtype)), {})]


def _quiet(fn):
    """Deprecated torch APIs (torch.cholesky, chain_matmul) warn; the table checks their values."""
    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    return run


def _sym(a):
    return (a + a.mT) / 2


def _eigh(m, a, **kw):
    w, v = m.linalg.eigh(_sym(a), **kw)
    return w, v * v[..., :1, :].sign()


def _svd(m, a, **kw):
    u, s, vh = m.linalg.svd(a, **kw)
    k = s.shape[-1]
    sign = u[..., :1, :k].sign()
    return u[..., :, :k] * sign, s, vh[..., :k, :] * sign.mT


def _old_svd(m, a, **kw):
    u, s, v = m.svd(a, **kw)
    sign = u[..., :1, :].sign()
    return u * sign, s, v * sign


def _qr(m, a, mode="reduced"):
    q, r = m.linalg.qr(a, mode=mode)
    sign = (r * m.eye(r.shape[-2], r.shape[-1], dtype=r.dtype)).sum(-1).sign()
    return q * sign.unsqueeze(-2), r * sign.unsqueeze(-1)


def _slogdet(m, a):
    return tuple(m.linalg.slogdet(a))


def _lstsq(m, a, b, **kw):
    return m.linalg.lstsq(a, b, **kw).solution


SQ = [(3, 3), (2, 3, 3)]
RECT = [(4, 3), (3, 5), (2, 4, 3)]


def _mp_samples(rng, dtype):
    A = _square(rng, (3, 3), dtype) / 3
    B = _square(rng, (2, 3, 3), dtype) / 3
    return [((A, n), {}) for n in (2, 3, 0, 1, -1, -2)] + [((B, 3), {}), ((B, 0), {})]


def _singular(rng, dtype):
    a = rng.uniform(-1, 1, (3, 3))
    a[2] = a[0] + a[1]
    return [((a.astype(dtype),), {})]


def _solve_tri(rng, dtype):
    A, A3 = _square(rng, (3, 3), dtype), _square(rng, (2, 3, 3), dtype)
    return [((A, _gen(rng, (3, 2), dtype)), {"upper": True}), ((A3, _gen(rng, (3, 4), dtype)), {"upper": False}),
            ((A, _gen(rng, (2, 4, 3), dtype)), {"upper": True, "left": False, "unitriangular": True}),
            ((A3, _gen(rng, (3, 1), dtype)), {"upper": False, "unitriangular": True})]


def _rank(rng, dtype):
    low = _gen(rng, (4, 2), dtype) @ _gen(rng, (2, 3), dtype)
    return [((low,), {}), ((_gen(rng, (2, 3, 3), dtype),), {}), ((low,), {"rtol": 0.5}),
            ((_spd(rng, (3, 3), dtype),), {"hermitian": True, "atol": 4.0})]


# ------------------------------------------------------------------------------------------------- norms
def _vnorm(rng, dtype):
    x = _gen(rng, (2, 3, 4), dtype)
    out = [((x,), {"ord": o}) for o in (2, 1, INF, -INF, 3, 0.5, 1.5, -1, 0)]
    out += [((x,), {"ord": 2, "dim": 1}), ((x,), {"ord": 1, "dim": (0, 2), "keepdim": True}),
            ((x,), {"ord": INF, "dim": -1}), ((x,), {"ord": 3, "dim": (0, 1)}), ((_gen(rng, (), dtype),), {})]
    return out


def _mnorm(rng, dtype):
    a, b = _gen(rng, (3, 4), dtype), _gen(rng, (2, 3, 4), dtype)
    out = [((a,), {"ord": o}) for o in ("fro", "nuc", 1, -1, 2, -2, INF, -INF)]
    out += [((b,), {"ord": o}) for o in ("fro", "nuc", 2, INF)]
    out += [((b,), {"ord": 1, "dim": (2, 0), "keepdim": True}), ((b,), {"ord": "fro", "dim": (0, 2)}),
            ((b,), {"ord": -1, "dim": (0, 1)}), ((b,), {"ord": 2, "dim": (2, 0), "keepdim": True}),
            ((b,), {"ord": "nuc", "keepdim": True}), ((b,), {"ord": -INF, "keepdim": True})]
    return out


def _lnorm(rng, dtype):
    v, a, b = _gen(rng, (4,), dtype), _gen(rng, (3, 4), dtype), _gen(rng, (2, 3, 4), dtype)
    return [((v,), {}), ((a,), {}), ((b,), {}), ((v,), {"ord": 3}), ((a,), {"ord": "fro"}), ((a,), {"ord": 2}),
            ((a,), {"ord": INF}), ((b,), {"ord": 2, "dim": 1}), ((b,), {"dim": (0, 2)}),
            ((b,), {"ord": "nuc", "dim": (1, 2), "keepdim": True})]


def _tnorm(rng, dtype):
    a, b = _gen(rng, (3, 4), dtype), _gen(rng, (2, 3, 4), dtype)
    return [((a,), {}), ((b,), {"p": 1}), ((b,), {"p": "fro", "dim": 1}), ((a,), {"p": "nuc"}),
            ((b,), {"p": INF, "dim": (0, 2), "keepdim": True}), ((b,), {"p": 3, "dim": -1})]


DECOMP_TOL = {"rtol": 1e-3, "atol": 1e-4}

OPS = [
    # products
    OpInfo("matmul_ranks", lambda m, a, b: m.matmul(a, b), _matmul_all),
    OpInfo("matmul_int", lambda m, a, b: a @ b, _matmul_int, dtypes=(np.int64,), gradcheck=False, gradgrad=False),
    OpInfo("mm", lambda m, a, b: m.mm(a, b), _pairs([((2, 3), (3, 4)), ((1, 3), (3, 1))])),
    OpInfo("bmm", lambda m, a, b: m.bmm(a, b), _pairs([((4, 2, 3), (4, 3, 2))])),
    OpInfo("mv", lambda m, a, b: a.mv(b), _pairs([((2, 3), (3,))])),
    OpInfo("dot", lambda m, a, b: m.dot(a, b), _pairs([((3,), (3,))])),
    OpInfo("vdot", lambda m, a, b: m.vdot(a, b), _pairs([((3,), (3,))])),
    OpInfo("outer", lambda m, a, b: m.outer(a, b), _pairs([((3,), (4,))])),
    OpInfo("ger", lambda m, a, b: a.ger(b), _pairs([((3,), (2,))])),
    OpInfo("inner", lambda m, a, b: m.inner(a, b), _pairs([((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3)),
                                                           ((2, 2, 3), (3,))])),
    OpInfo("addmm", lambda m, i, a, b, **kw: m.addmm(i, a, b, **kw), _addmm),
    OpInfo("addmv", lambda m, i, a, b, **kw: i.addmv(a, b, **kw), _addmv),
    OpInfo("addbmm", lambda m, i, a, b, **kw: m.addbmm(i, a, b, **kw), _addbmm),
    OpInfo("baddbmm", lambda m, i, a, b, **kw: m.baddbmm(i, a, b, **kw), _baddbmm),
    OpInfo("einsum", lambda m, eq, *ops: m.einsum(eq, *ops), _einsum_from(EINSUM)),
    OpInfo("einsum_special", lambda m, eq, *ops: m.einsum(eq, *ops), _einsum_from(EINSUM_SPECIAL)),
    OpInfo("einsum_list", lambda m, a, b: m.einsum("bij,bjk->bik", [a, b]), _pairs([((2, 2, 3), (2, 3, 4))])),
    OpInfo("einsum_sublist", lambda m, a, b: m.einsum(a, [0, 1, Ellipsis], b, [1, 2], [Ellipsis, 2, 0]),
           _pairs([((3, 2, 4), (2, 5))])),
    OpInfo("tensordot", lambda m, a, b, **kw: m.tensordot(a, b, **kw), _tensordot),
    OpInfo("kron", lambda m, a, b: m.kron(a, b), _pairs([((2, 3), (2, 2)), ((2,), (2, 3)), ((2, 1, 2), (3, 2))])),
    OpInfo("cross", lambda m, a, b, **kw: m.cross(a, b, **kw), _cross),
    OpInfo("cross_default_dim", _quiet(lambda m, a, b: m.cross(a, b)), _pairs([((4, 3), (4, 3)), ((3, 5), (3, 5))])),
    OpInfo("linalg_cross", lambda m, a, b, **kw: m.linalg.cross(a, b, **kw), _cross),
    OpInfo("multi_dot", lambda m, *ms: m.linalg.multi_dot(list(ms)), _multi_dot_samples),
    OpInfo("chain_matmul", _quiet(lambda m, a, b, c: m.chain_matmul(a, b, c)),
           lambda rng, dt: [((_gen(rng, (2, 3), dt), _gen(rng, (3, 4), dt), _gen(rng, (4, 2), dt)), {})]),
    OpInfo("vecdot", lambda m, a, b, **kw: m.linalg.vecdot(a, b, **kw), _vecdot),
    # decompositions
    OpInfo("det", lambda m, a: m.linalg.det(a), _one(SQ, _square)),
    OpInfo("det_empty", lambda m, a: m.linalg.det(a), _one([(0, 0), (2, 0, 0)], _square), gradcheck=False,
           gradgrad=False),
    OpInfo("det_singular", lambda m, a: a.det(), _singular, gradgrad=False),
    OpInfo("slogdet", _slogdet, _one(SQ, _square)),
    OpInfo("logdet", lambda m, a: m.logdet(a), _one(SQ, _spd)),
    OpInfo("inv", lambda m, a: m.linalg.inv(a), _one(SQ, _square)),
    OpInfo("inverse", lambda m, a: a.inverse(), _one([(3, 3)], _square)),
    OpInfo("solve", lambda m, a, b, **kw: m.linalg.solve(a, b, **kw), _solve),
    OpInfo("solve_right", lambda m, a, b, **kw: m.linalg.solve(a, b, **kw), _solve_right),
    OpInfo("cholesky", lambda m, a, **kw: m.linalg.cholesky(_sym(a), **kw),
           _one(SQ, _spd, ({}, {"upper": True}))),
    OpInfo("cholesky_old", _quiet(lambda m, a: m.cholesky(_sym(a))), _one([(3, 3)], _spd)),
    OpInfo("qr", _qr, _one(RECT + [(3, 3)], _gen), **DECOMP_TOL),
    OpInfo("qr_complete", lambda m, a: _qr(m, a, "complete"), _one([(3, 3), (2, 4)], _gen), **DECOMP_TOL),
    OpInfo("eigh", lambda m, a, **kw: _eigh(m, a, **kw), _one(SQ, _spd, ({}, {"UPLO": "U"})), **DECOMP_TOL),
    OpInfo("eigvalsh", lambda m, a: m.linalg.eigvalsh(_sym(a)), _one(SQ, _spd)),
    OpInfo("svd", lambda m, a, **kw: _svd(m, a, **kw), _one(RECT + [(3, 3)], _gen, ({"full_matrices": False},)),
           **DECOMP_TOL),
    OpInfo("svd_full", lambda m, a: _svd(m, a), _one([(3, 3), (2, 4, 3)], _gen), **DECOMP_TOL),
    OpInfo("svd_old", lambda m, a: _old_svd(m, a), _one([(4, 3), (3, 3)], _gen), **DECOMP_TOL),
    OpInfo("svdvals", lambda m, a: m.linalg.svdvals(a), _one(RECT, _gen)),
    OpInfo("pinv", lambda m, a, **kw: m.linalg.pinv(a, **kw), _one(RECT, _gen), **DECOMP_TOL),
    OpInfo("pinv_hermitian", lambda m, a: m.linalg.pinv(_sym(a), hermitian=True), _one(SQ, _spd)),
    OpInfo("pinverse", lambda m, a: a.pinverse(), _one([(4, 3)], _gen), **DECOMP_TOL),
    OpInfo("matrix_exp", lambda m, a: m.linalg.matrix_exp(a), _one([(3, 3), (2, 2, 2), (0, 0)], _gen)),
    OpInfo("matrix_exp_big", lambda m, a: a.matrix_exp(), _one([(3, 3)], lambda r, s, d: 4 * _gen(r, s, d))),
    OpInfo("matrix_power", lambda m, a, n: m.linalg.matrix_power(a, n), _mp_samples),
    OpInfo("lstsq", _lstsq, _pairs([((4, 3), (4, 2)), ((4, 3), (4,)), ((2, 4, 3), (2, 4, 2))]), **DECOMP_TOL),
    OpInfo("solve_triangular", lambda m, a, b, **kw: m.linalg.solve_triangular(a, b, **kw), _solve_tri),
    OpInfo("matrix_rank", lambda m, a, **kw: m.linalg.matrix_rank(a, **kw), _rank, grad=False, gradcheck=False,
           gradgrad=False),
    OpInfo("linalg_diagonal", lambda m, a, **kw: m.linalg.diagonal(a, **kw), _one([(3, 3), (2, 3, 4)], _gen,
                                                                                   ({}, {"offset": 1}))),
    # norms
    OpInfo("vector_norm", lambda m, a, **kw: m.linalg.vector_norm(a, **kw), _vnorm),
    OpInfo("matrix_norm", lambda m, a, **kw: m.linalg.matrix_norm(a, **kw), _mnorm),
    OpInfo("linalg_norm", lambda m, a, **kw: m.linalg.norm(a, **kw), _lnorm),
    OpInfo("norm", lambda m, a, **kw: m.norm(a, **kw), _tnorm),
]
