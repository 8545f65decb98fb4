"""Op table entries: linalg.lu_factor/lu_factor_ex/lu/lu_solve, lu_unpack, torch.lu/lu_solve, cholesky_solve,
cholesky_inverse."""
import numpy as np

from . import OpInfo, NoGrad, rand

F = (np.float32, np.float64)


def _mats(*shapes):
    def samples(rng, dtype):
        return [((rand(rng, s, dtype),), {}) for s in shapes]
    return samples


def _solve(rng, dtype):
    A = rand(rng, (3, 3), dtype) + 3 * np.eye(3, dtype=dtype)
    return [((A, rand(rng, (3, 2), dtype)), {}), ((rand(rng, (2, 3, 3), dtype), rand(rng, (2, 3, 1), dtype)), {})]


def _spd_factor(rng, dtype):
    M = rand(rng, (3, 3), dtype)
    L = np.linalg.cholesky(M @ M.T + 3 * np.eye(3)).astype(dtype)
    return [((rand(rng, (3, 2), dtype), L), {})]


def _factor(rng, dtype):
    M = rand(rng, (3, 3), dtype)
    return [((np.linalg.cholesky(M @ M.T + 3 * np.eye(3)).astype(dtype),), {})]


def _lu_solve_fn(left, adjoint):
    def fn(m, A, B):
        LU, piv = m.linalg.lu_factor(A)
        return m.linalg.lu_solve(LU, piv, B if left else B.mT, left=left, adjoint=adjoint)
    return fn


OPS = [
    OpInfo("linalg_lu_factor", lambda m, a: tuple(m.linalg.lu_factor(a)), _mats((3, 3), (2, 4), (4, 2), (2, 3, 3))),
    OpInfo("linalg_lu_factor_ex", lambda m, a: tuple(m.linalg.lu_factor_ex(a)), _mats((3, 3), (3, 5))),
    OpInfo("linalg_lu", lambda m, a: tuple(m.linalg.lu(a)), _mats((3, 3), (2, 4), (4, 2), (2, 3, 3))),
    OpInfo("torch_lu", lambda m, a: tuple(m.lu(a)) + (a.lu(get_infos=True)[2],), _mats((3, 3)), check_name=False),
    OpInfo("lu_unpack", lambda m, a: tuple(m.lu_unpack(*m.linalg.lu_factor(a))), _mats((3, 3), (2, 4), (4, 2))),
    OpInfo("linalg_lu_solve", _lu_solve_fn(True, False), _solve),
    OpInfo("linalg_lu_solve_adjoint", _lu_solve_fn(True, True), _solve),
    OpInfo("linalg_lu_solve_right", _lu_solve_fn(False, False), _solve),
    OpInfo("linalg_lu_solve_right_adjoint", _lu_solve_fn(False, True), _solve),
    OpInfo("torch_lu_solve", lambda m, A, B: m.lu_solve(B, *m.linalg.lu_factor(A)), _solve),
    # the factor's other triangle is never read, yet torch's gradient fills it: finite differences see the
    # triangle only, so they run through tril/triu; the raw gradient is compared with torch without them
    OpInfo("cholesky_solve", lambda m, b, L: (m.cholesky_solve(b, L.tril()), b.cholesky_solve(L.mT.triu(), upper=True)),
           _spd_factor, check_name=False),
    OpInfo("cholesky_solve_raw", lambda m, b, L: m.cholesky_solve(b, L), _spd_factor, gradcheck=False,
           gradgrad=False),
    # torch's forward-mode tangent of cholesky_inverse disagrees with finite differences (npgrad's agrees), so
    # this entry stays out of the forward-AD sweep (which runs the gradgrad entries)
    OpInfo("cholesky_inverse", lambda m, L: (m.cholesky_inverse(L.tril()), L.mT.triu().cholesky_inverse(upper=True)),
           _factor, check_name=False, gradgrad=False),
    OpInfo("cholesky_inverse_raw", lambda m, L: m.cholesky_inverse(L), _factor, gradcheck=False, gradgrad=False),
]


def _tensor_pair(rng, dtype):
    return [((rand(rng, (2, 3, 6), dtype) + np.eye(6, dtype=dtype).reshape(2, 3, 6) * 3, rand(rng, (2, 3), dtype)),
             {})]


def _householder(rng, dtype):
    return [((rand(rng, (4, 3), dtype), rand(rng, (2,), dtype, (0.2, 1.5))), {}),
            ((rand(rng, (2, 3, 3), dtype), rand(rng, (2, 3), dtype, (0.2, 1.5))), {})]


OPS += [
    OpInfo("linalg_vander", lambda m, x: (m.linalg.vander(x), m.linalg.vander(x, N=2)),
           lambda rng, dt: [((rand(rng, (4,), dt),), {}), ((rand(rng, (2, 3), dt),), {})]),
    OpInfo("linalg_cond", lambda m, a: tuple(m.linalg.cond(a, p) for p in (None, 2, -2)),
           lambda rng, dt: [((rand(rng, (3, 3), dt) + 2 * np.eye(3, dtype=dt),), {})], check_name=False,
           gradgrad=False),
    # torch 2.13 cannot differentiate cond in these norms (its inverse is modified in place): values only
    OpInfo("linalg_cond_norms", lambda m, a: tuple(m.linalg.cond(a, p) for p in ("fro", "nuc", 1, -1, float("inf"))),
           lambda rng, dt: [((rand(rng, (3, 3), dt) + 2 * np.eye(3, dtype=dt),), {})], check_name=False,
           grad=False, gradcheck=False, gradgrad=False),
    OpInfo("linalg_tensorinv", lambda m, a: m.linalg.tensorinv(a, ind=2),
           lambda rng, dt: [((rand(rng, (2, 3, 6), dt) + 3 * np.eye(6, dtype=dt).reshape(2, 3, 6),), {})],
           check_name=False),
    OpInfo("linalg_tensorsolve", lambda m, a, b: m.linalg.tensorsolve(a, b), _tensor_pair, check_name=False),
    OpInfo("linalg_householder_product", lambda m, a, t: m.linalg.householder_product(a, t), _householder,
           check_name=False),  # a composite here; torch records LinalgHouseholderProductBackward0
]


def _sym(rng, dtype):
    a = rand(rng, (2, 5, 5), dtype)
    a = a + np.swapaxes(a, -1, -2)
    a[0, np.arange(5), np.arange(5)] = 0  # zero diagonal: 2x2 pivots
    ints = rng.integers(-2, 3, size=(4, 4)).astype(dtype)
    return [((NoGrad(a), NoGrad(rand(rng, (2, 5, 3), dtype))), {}),
            ((NoGrad(ints + ints.T), NoGrad(rand(rng, (4, 1), dtype))), {})]


def _ldl_all(m, a, b):
    f = m.linalg.ldl_factor_ex(a)
    LD, piv = m.linalg.ldl_factor(a)
    return tuple(f) + (LD, piv, m.linalg.ldl_solve(LD, piv, b))


OPS += [
    # no derivative in torch: values, pivots and info (LAPACK's Bunch-Kaufman choices) and the solve
    OpInfo("linalg_ldl", _ldl_all, _sym, dtypes=(np.float64,), grad=False, gradcheck=False, gradgrad=False),
]
