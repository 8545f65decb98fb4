"""Linear algebra cases the op table cannot express: errors (class and message against torch), LinAlgError,
named result tuples, gradients at special points (zero vectors, singular matrices), non-differentiable modes,
float16 accumulation, integer products, in-place variants and node names with one-sided requires_grad."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import npgrad
from tests.support.oracle import compare, compare_error, assert_same

pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated:UserWarning")  # torch.qr, cholesky, chain_matmul

F = np.ones((2, 3), np.float32)
D = np.ones((3, 4), np.float64)
I64 = np.ones((2, 3), np.int64)
SING = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)
NOTPD = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)


def ones(*shape, dtype=np.float32):
    return np.ones(shape, dtype)


# (id, fn(m, *args), args, whether the message must equal torch's too)
ERRORS = [
    ("matmul_0d", lambda m, a, b: m.matmul(a, b), (np.array(1.0, np.float32), ones(3)), True),
    ("matmul_1d_1d", lambda m, a, b: a @ b, (ones(3), ones(4)), True),
    ("matmul_2d_1d", lambda m, a, b: a @ b, (ones(2, 3), ones(4)), True),
    ("matmul_1d_2d", lambda m, a, b: a @ b, (ones(3), ones(4, 2)), True),
    ("matmul_2d_2d", lambda m, a, b: a @ b, (ones(2, 3), ones(4, 2)), True),
    ("matmul_fold", lambda m, a, b: a @ b, (ones(4, 2, 3), ones(5, 3)), True),
    ("matmul_fold_vec", lambda m, a, b: a @ b, (ones(4, 2, 3), ones(4)), True),
    ("matmul_bmm", lambda m, a, b: a @ b, (ones(4, 2, 3), ones(4, 2, 3)), True),
    ("matmul_batch_bcast", lambda m, a, b: a @ b, (ones(2, 2, 3), ones(3, 3, 4)), True),
    ("matmul_dtype", lambda m, a, b: a @ b, (ones(2, 3), ones(3, 4, dtype=np.float64)), True),
    ("matmul_dtype_vec", lambda m, a, b: a @ b, (ones(3), ones(3, dtype=np.float64)), True),
    ("matmul_dtype_mv", lambda m, a, b: a @ b, (ones(2, 3), ones(3, dtype=np.float64)), True),
    ("matmul_dtype_int", lambda m, a, b: a @ b, (ones(2, 3), ones(3, 3, dtype=np.int64)), True),
    ("matmul_bool", lambda m, a, b: a @ b, (ones(2, 3, dtype=np.bool_), ones(3, 3, dtype=np.bool_)), True),
    ("matmul_list", lambda m, a: m.matmul(a, [1.0, 2.0, 3.0]), (ones(3),), False),
    ("mm_1d", lambda m, a, b: m.mm(a, b), (ones(3), ones(3, 4)), True),
    ("mm_shapes", lambda m, a, b: m.mm(a, b), (ones(2, 3), ones(2, 3)), True),
    ("bmm_2d", lambda m, a, b: m.bmm(a, b), (ones(2, 3), ones(5, 3, 4)), True),
    ("bmm_batch", lambda m, a, b: m.bmm(a, b), (ones(5, 2, 3), ones(4, 3, 4)), True),
    ("mv_2d", lambda m, a, b: m.mv(a, b), (ones(2, 3), ones(3, 1)), True),
    ("mv_size", lambda m, a, b: m.mv(a, b), (ones(2, 3), ones(4)), True),
    ("dot_size", lambda m, a, b: m.dot(a, b), (ones(3), ones(4)), True),
    ("dot_2d", lambda m, a, b: m.dot(a, b), (ones(3, 1), ones(3)), True),
    ("dot_dtype", lambda m, a, b: m.dot(a, b), (ones(3), ones(3, dtype=np.float64)), True),
    ("vdot_2d", lambda m, a, b: m.vdot(a, b), (ones(3, 1), ones(3)), True),
    ("outer_2d", lambda m, a, b: m.outer(a, b), (ones(3, 2), ones(2)), True),
    ("outer_0d", lambda m, a, b: m.outer(a, b), (np.array(1.0, np.float32), ones(2)), True),
    ("inner_size", lambda m, a, b: m.inner(a, b), (ones(2, 3), ones(2, 4)), True),
    ("inner_dtype", lambda m, a, b: m.inner(a, b), (ones(2, 3), ones(2, 3, dtype=np.float64)), True),
    ("addmm_dtype", lambda m, i, a, b: m.addmm(i, a, b), (ones(2, 4, dtype=np.float64), ones(2, 3), ones(3, 4)),
     True),
    ("addmm_expand", lambda m, i, a, b: m.addmm(i, a, b), (ones(3, 4), ones(2, 3), ones(3, 4)), True),
    ("addmm_rank", lambda m, i, a, b: m.addmm(i, a, b), (ones(1, 2, 4), ones(2, 3), ones(3, 4)), True),
    ("addmm_shapes", lambda m, i, a, b: m.addmm(i, a, b), (ones(4), ones(2, 3), ones(2, 4)), True),
    ("addmm_vector", lambda m, i, a, b: m.addmm(i, a, b), (ones(4), ones(3), ones(3, 4)), True),
    ("addmv_size", lambda m, i, a, b: m.addmv(i, a, b), (ones(2), ones(2, 3), ones(4)), True),
    ("addmv_input", lambda m, i, a, b: m.addmv(i, a, b), (ones(3), ones(2, 3), ones(3)), True),
    ("addbmm_batches", lambda m, i, a, b: m.addbmm(i, a, b), (ones(2, 4), ones(5, 2, 3), ones(4, 3, 4)), True),
    ("addbmm_2d", lambda m, i, a, b: m.addbmm(i, a, b), (ones(2, 4), ones(2, 3), ones(3, 4)), True),
    ("baddbmm_expand", lambda m, i, a, b: m.baddbmm(i, a, b), (ones(3, 2, 4), ones(5, 2, 3), ones(5, 3, 4)), True),
    ("tensordot_neg", lambda m, a, b: m.tensordot(a, b, dims=-1), (ones(2, 3), ones(4, 5)), True),
    ("tensordot_size", lambda m, a, b: m.tensordot(a, b, dims=1), (ones(2, 3), ones(4, 5)), True),
    ("tensordot_many", lambda m, a, b: m.tensordot(a, b, dims=3), (ones(2, 3), ones(3)), True),
    ("tensordot_lens", lambda m, a, b: m.tensordot(a, b, dims=([0, 1], [0])), (ones(2, 3), ones(3)), True),
    ("tensordot_ints", lambda m, a, b: m.tensordot(a, b, dims=(1, 1)), (ones(2, 3), ones(3, 3)), False),
    ("tensordot_dtype", lambda m, a, b: m.tensordot(a, b, dims=1), (ones(2, 3), ones(3, dtype=np.float64)), True),
    ("cross_nodim", lambda m, a, b: m.cross(a, b), (ones(2, 4), ones(2, 4)), True),
    ("lcross_len", lambda m, a, b: m.linalg.cross(a, b), (ones(2, 4), ones(2, 4)), True),
    ("lcross_ndim", lambda m, a, b: m.linalg.cross(a, b), (ones(3, 2), ones(3)), True),
    ("lcross_dtype", lambda m, a, b: m.linalg.cross(a, b), (ones(3, dtype=np.int64), ones(3)), True),
    ("lcross_bcast", lambda m, a, b: m.linalg.cross(a, b), (ones(2, 3), ones(4, 3)), True),
    ("multi_dot_one", lambda m, a: m.linalg.multi_dot([a]), (ones(2, 3),), True),
    ("multi_dot_3d", lambda m, a, b: m.linalg.multi_dot([a, b]), (ones(3), ones(2, 3, 3)), True),
    ("multi_dot_mid", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), (ones(3, 3), ones(3), ones(3, 3)), True),
    ("multi_dot_shapes", lambda m, a, b: m.linalg.multi_dot([a, b]), (ones(3, 3), ones(2, 3)), True),
    ("multi_dot_dtype", lambda m, a, b: m.linalg.multi_dot([a, b]), (ones(3, 3), ones(3, 3, dtype=np.float64)),
     True),
    ("chain_matmul_1d", lambda m, a, b: m.chain_matmul(a, b), (ones(2, 3), ones(3)), True),
    ("vecdot_dtype", lambda m, a, b: m.linalg.vecdot(a, b), (ones(3), ones(3, dtype=np.float64)), True),
    ("vecdot_int", lambda m, a, b: m.linalg.vecdot(a, b), (ones(3, dtype=np.int64), ones(3, dtype=np.int64)), True),
    ("vecdot_size", lambda m, a, b: m.linalg.vecdot(a, b), (ones(3), ones(4)), True),
    ("kron_list", lambda m, a: m.kron(a, [1.0]), (ones(3),), False),
    # einsum
    ("einsum_fewer", lambda m, a: m.einsum("ij,jk->ik", a), (ones(2, 3),), True),
    ("einsum_more", lambda m, a, b: m.einsum("ij->ij", a, b), (ones(2, 3), ones(2, 3)), True),
    ("einsum_ndim", lambda m, a, b: m.einsum("ij,jk", a, b), (ones(3, 3), ones(3)), True),
    ("einsum_ell_ndim", lambda m, a: m.einsum("...ijk", a), (ones(2, 3),), True),
    ("einsum_out_missing", lambda m, a: m.einsum("ij->k", a), (ones(2, 3),), True),
    ("einsum_out_twice", lambda m, a: m.einsum("i->ii", a), (ones(3),), True),
    ("einsum_size", lambda m, a, b: m.einsum("ij,ij", a, b), (ones(3, 3), ones(3, 4)), True),
    ("einsum_ell_size", lambda m, a, b: m.einsum("...ij,...jk", a, b), (ones(2, 1, 3), ones(3, 3, 2)), True),
    ("einsum_ell_size2", lambda m, a, b: m.einsum("...i,...i", a, b), (ones(4, 2, 3), ones(3, 1, 3)), True),
    ("einsum_repeat_size", lambda m, a: m.einsum("ii", a), (ones(2, 3),), True),
    ("einsum_bad_char", lambda m, a: m.einsum("i1", a), (ones(2, 3),), True),
    ("einsum_dot", lambda m, a: m.einsum("i.j", a), (ones(2, 3),), True),
    ("einsum_two_ell", lambda m, a: m.einsum("......", a), (ones(2, 3),), True),
    ("einsum_dtype", lambda m, a, b: m.einsum("ij,jk", a, b), (ones(2, 3), ones(3, 4, dtype=np.float64)), True),
    ("einsum_none", lambda m: m.einsum("ij"), (), False),
    # decompositions and matrix functions
    ("det_nonsquare", lambda m, a: m.linalg.det(a), (ones(2, 3),), True),
    ("det_int", lambda m, a: m.linalg.det(a), (ones(2, 2, dtype=np.int64),), True),
    ("det_1d", lambda m, a: m.det(a), (ones(3),), True),
    ("det_half", lambda m, a: m.linalg.det(a), (ones(2, 2, dtype=np.float16),), True),
    ("slogdet_half", lambda m, a: m.linalg.slogdet(a), (ones(2, 2, dtype=np.float16),), True),
    ("slogdet_nonsquare", lambda m, a: m.slogdet(a), (ones(2, 3),), True),
    ("inv_nonsquare", lambda m, a: m.linalg.inv(a), (ones(2, 3),), True),
    ("inv_int", lambda m, a: m.inverse(a), (ones(2, 2, dtype=np.int64),), True),
    ("inv_half", lambda m, a: m.linalg.inv(a), (ones(2, 2, dtype=np.float16),), True),
    ("inv_1d", lambda m, a: m.linalg.inv(a), (ones(3),), True),
    ("solve_shapes", lambda m, a, b: m.linalg.solve(a, b), (np.eye(3, dtype=np.float32), ones(4)), True),
    ("solve_shapes_mat", lambda m, a, b: m.linalg.solve(a, b), (np.eye(3, dtype=np.float32), ones(4, 2)), True),
    ("solve_right_vec", lambda m, a, b: m.linalg.solve(a, b, left=False), (np.eye(3, dtype=np.float32), ones(3)),
     True),
    ("solve_dtype", lambda m, a, b: m.linalg.solve(a, b), (np.eye(3, dtype=np.float32), ones(3, dtype=np.float64)),
     True),
    ("solve_int", lambda m, a, b: m.linalg.solve(a, b), (np.eye(3, dtype=np.int64), ones(3, dtype=np.int64)), True),
    ("solve_nonsquare", lambda m, a, b: m.linalg.solve(a, b), (ones(2, 3), ones(2)), True),
    ("solve_0d", lambda m, a, b: m.linalg.solve(a, b), (np.eye(3, dtype=np.float32), np.array(1.0, np.float32)), True),
    ("cholesky_nonsquare", lambda m, a: m.linalg.cholesky(a), (ones(2, 3),), True),
    ("cholesky_half", lambda m, a: m.linalg.cholesky(a), (ones(2, 2, dtype=np.float16),), True),
    ("qr_mode", lambda m, a: m.linalg.qr(a, mode="x"), (ones(4, 3),), True),
    ("qr_int", lambda m, a: m.linalg.qr(a), (ones(4, 3, dtype=np.int64),), True),
    ("qr_half", lambda m, a: m.linalg.qr(a), (ones(4, 3, dtype=np.float16),), True),
    ("eigh_uplo", lambda m, a: m.linalg.eigh(a, UPLO="X"), (np.eye(3, dtype=np.float32),), True),
    ("eigh_int", lambda m, a: m.linalg.eigh(a), (ones(2, 2, dtype=np.int64),), True),
    ("eigh_nonsquare", lambda m, a: m.linalg.eigvalsh(a), (ones(2, 3),), True),
    ("eigh_half", lambda m, a: m.linalg.eigvalsh(a), (ones(2, 2, dtype=np.float16),), True),
    ("svd_int", lambda m, a: m.linalg.svd(a), (ones(2, 3, dtype=np.int64),), True),
    ("svd_1d", lambda m, a: m.linalg.svdvals(a), (ones(3),), True),
    ("svd_half", lambda m, a: m.linalg.svd(a), (ones(2, 2, dtype=np.float16),), True),
    ("pinv_int", lambda m, a: m.linalg.pinv(a), (ones(2, 2, dtype=np.int64),), True),
    ("pinv_1d", lambda m, a: m.linalg.pinv(a), (ones(3),), True),
    ("matrix_exp_int", lambda m, a: m.linalg.matrix_exp(a), (ones(2, 2, dtype=np.int64),), True),
    ("matrix_exp_nonsquare", lambda m, a: m.matrix_exp(a), (ones(2, 3),), True),
    ("matrix_power_float", lambda m, a: m.linalg.matrix_power(a, 2.0), (ones(2, 2),), True),
    ("matrix_power_nonsquare", lambda m, a: m.linalg.matrix_power(a, 2), (ones(2, 3),), True),
    ("matrix_power_1d", lambda m, a: m.linalg.matrix_power(a, 2), (ones(3),), True),
    ("matrix_power_int_neg", lambda m, a: m.linalg.matrix_power(a, -1), (ones(2, 2, dtype=np.int64),), True),
    ("lstsq_rows", lambda m, a, b: m.linalg.lstsq(a, b), (ones(4, 3), ones(3, 2)), True),
    ("lstsq_driver", lambda m, a, b: m.linalg.lstsq(a, b, driver="x"), (ones(4, 3), ones(4, 2)), True),
    ("lstsq_dtype", lambda m, a, b: m.linalg.lstsq(a, b), (ones(4, 3), ones(4, 2, dtype=np.float64)), True),
    ("lstsq_1d", lambda m, a, b: m.linalg.lstsq(a, b), (ones(4), ones(4)), True),
    ("lstsq_0d", lambda m, a, b: m.linalg.lstsq(a, b), (ones(4, 3), np.array(1.0, np.float32)), True),
    ("lstsq_batch", lambda m, a, b: m.linalg.lstsq(a, b), (ones(2, 4, 3), ones(4, 2)), True),
    # norms
    ("vnorm_int", lambda m, a: m.linalg.vector_norm(a), (ones(3, dtype=np.int64),), True),
    ("vnorm_dtype_int", lambda m, a: m.linalg.vector_norm(a, dtype=m.int64), (ones(3),), True),
    ("vnorm_narrowing", lambda m, a: m.linalg.vector_norm(a, dtype=m.float32), (ones(3, dtype=np.float64),), True),
    ("vnorm_empty_inf", lambda m, a: m.linalg.vector_norm(a, float("inf")), (ones(0),), True),
    ("vnorm_empty_dim", lambda m, a: m.linalg.vector_norm(a, float("inf"), dim=1), (ones(2, 0),), True),
    ("vnorm_empty_neg", lambda m, a: m.linalg.vector_norm(a, -1), (ones(0),), True),
    ("vnorm_ord_str", lambda m, a: m.linalg.vector_norm(a, "fro"), (ones(3),), True),
    ("vnorm_dim", lambda m, a: m.linalg.vector_norm(a, dim=2), (ones(2, 3),), True),
    ("vnorm_dims_twice", lambda m, a: m.linalg.vector_norm(a, dim=(1, -1)), (ones(2, 3),), True),
    ("mnorm_ord", lambda m, a: m.linalg.matrix_norm(a, 3), (ones(2, 3),), True),
    ("mnorm_ord_str", lambda m, a: m.linalg.matrix_norm(a, "x"), (ones(2, 3),), True),
    ("mnorm_same_dims", lambda m, a: m.linalg.matrix_norm(a, dim=(0, 0)), (ones(2, 3, 4),), True),
    ("mnorm_1d", lambda m, a: m.linalg.matrix_norm(a), (ones(3),), True),
    ("mnorm_int", lambda m, a: m.linalg.matrix_norm(a), (ones(2, 2, dtype=np.int64),), True),
    ("mnorm_empty_amin", lambda m, a: m.linalg.matrix_norm(a, -1), (ones(3, 0),), True),
    ("norm_3d_ord", lambda m, a: m.linalg.norm(a, 2), (ones(2, 3, 4),), True),
    ("norm_dims", lambda m, a: m.linalg.norm(a, dim=(0, 1, 2)), (ones(2, 3, 4),), True),
    ("norm_1d_fro", lambda m, a: m.linalg.norm(a, "fro"), (ones(4),), True),
    ("tnorm_nuc_3d", lambda m, a: m.norm(a, p="nuc"), (ones(2, 3, 4),), True),
    ("tnorm_int", lambda m, a: m.norm(a), (ones(3, 4, dtype=np.int64),), True),
]


@pytest.mark.parametrize("fn,args,same_message", [pytest.param(f, a, s, id=i) for i, f, a, s in ERRORS])
def test_error_matches_torch(fn, args, same_message):
    ours, theirs = compare_error(fn, args)
    if same_message:
        assert str(ours) == str(theirs)


# --------------------------------------------------------------------------------------- LinAlgError
LINALG_ERRORS = [
    ("inv", lambda m, a: m.linalg.inv(a), SING),
    ("inverse_batch", lambda m, a: m.inverse(a), np.stack([np.eye(2, dtype=np.float32), SING, SING])),
    ("solve", lambda m, a: m.linalg.solve(a, m.ones(2)), SING),
    ("solve_batch", lambda m, a: m.linalg.solve(a, m.ones(2)), np.stack([np.eye(2, dtype=np.float32), SING])),
    ("cholesky", lambda m, a: m.linalg.cholesky(a), NOTPD),
    ("cholesky_batch", lambda m, a: m.linalg.cholesky(a), np.stack([np.eye(2, dtype=np.float32), NOTPD])),
    ("cholesky_old", lambda m, a: m.cholesky(a), NOTPD),
    ("matrix_power_neg", lambda m, a: m.linalg.matrix_power(a, -2), SING),
    ("inv_ex_check", lambda m, a: m.linalg.inv_ex(a, check_errors=True), SING),
    ("cholesky_ex_check", lambda m, a: m.linalg.cholesky_ex(a, check_errors=True), NOTPD),
]


@pytest.mark.parametrize("fn,a", [pytest.param(f, a, id=i) for i, f, a in LINALG_ERRORS])
def test_linalg_error(fn, a):
    with pytest.raises(torch.linalg.LinAlgError) as t_exc:
        fn(torch, torch.tensor(a))
    with pytest.raises(npgrad.linalg.LinAlgError) as o_exc:
        fn(npgrad, npgrad.tensor(a))
    assert isinstance(o_exc.value, RuntimeError)
    assert str(o_exc.value) == str(t_exc.value)


def test_named_result_repr_matches_torch():
    a = np.diag([2.0, -3.0]).astype(np.float32)
    ours, theirs = _both(lambda m, x: m.linalg.slogdet(x), a)
    assert repr(ours) == repr(theirs).replace("torch.return_types", "npgrad.return_types")


def test_linalg_error_class():
    assert issubclass(npgrad.linalg.LinAlgError, RuntimeError)
    assert npgrad.linalg.LinAlgError.__name__ == "LinAlgError"


# ------------------------------------------------------------------------------------------- results
def _both(fn, *arrays, grad=False):
    return [fn(m, *[m.tensor(a, requires_grad=grad) for a in arrays]) for m in (npgrad, torch)]


@pytest.mark.parametrize("fn,fields", [
    (lambda m, a: m.linalg.slogdet(a), ("sign", "logabsdet")),
    (lambda m, a: m.slogdet(a), ("sign", "logabsdet")),
    (lambda m, a: m.linalg.eigh(a + a.mT), ("eigenvalues", "eigenvectors")),
    (lambda m, a: m.linalg.svd(a), ("U", "S", "Vh")),
    (lambda m, a: m.svd(a), ("U", "S", "V")),
    (lambda m, a: m.linalg.qr(a), ("Q", "R")),
    (lambda m, a: m.qr(a), ("Q", "R")),
    (lambda m, a: m.linalg.inv_ex(a), ("inverse", "info")),
    (lambda m, a: m.linalg.cholesky_ex(a @ a.mT + m.eye(3)), ("L", "info")),
    (lambda m, a: m.linalg.solve_ex(a, a), ("result", "info")),
    (lambda m, a: m.linalg.lstsq(a, a), ("solution", "residuals", "rank", "singular_values")),
])
def test_named_results(fn, fields):
    a = np.random.default_rng(0).uniform(-1, 1, (3, 3)).astype(np.float32) + 3 * np.eye(3, dtype=np.float32)
    ours, theirs = _both(fn, a)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours._fields == fields
    for f in fields:
        assert getattr(ours, f) is ours[fields.index(f)]
    body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, ours))
    assert repr(ours) == f"npgrad.return_types.{type(theirs).__name__}(\n{body})" == str(ours)
    a0, *_ = ours  # unpacks like a tuple
    assert len(ours) == len(theirs)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert o.dtype == getattr(npgrad, str(t.dtype).split(".")[1]) and tuple(o.shape) == tuple(t.shape), i


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 2)), ((3, 5), (3, 2)), ((2, 4, 3), (2, 4, 2)), ((4, 3), (4,))])
def test_lstsq_outputs(driver, shapes):
    rng = np.random.default_rng(1)
    a, b = (rng.uniform(-1, 1, s).astype(np.float64) for s in shapes)
    ours, theirs = _both(lambda m, x, y: m.linalg.lstsq(x, y, driver=driver), a, b)
    assert_same(ours.solution, theirs.solution)
    for f in ("residuals", "rank", "singular_values"):
        assert_same(getattr(ours, f), getattr(theirs, f), f)


def test_svd_variants():
    a = np.random.default_rng(2).uniform(-1, 1, (2, 4, 3))
    for fn in (lambda m, x: m.linalg.svd(x), lambda m, x: m.linalg.svd(x.mT),
               lambda m, x: m.svd(x, some=False), lambda m, x: m.svd(x, compute_uv=False)):
        ours, theirs = _both(fn, a, grad=True)
        for o, t in zip(ours, theirs):
            assert tuple(o.shape) == tuple(t.shape)
            assert (o.grad_fn is None) == (t.grad_fn is None)
        assert_same(ours[1], theirs[1])
    ours, theirs = _both(lambda m, x: m.svd(x, compute_uv=False), a)
    assert_same(ours.U, theirs.U) and assert_same(ours.V, theirs.V)  # zero-filled
    # U and Vh are orthonormal and reconstruct A (their signs are LAPACK's choice)
    U, S, Vh = npgrad.linalg.svd(npgrad.tensor(a))
    np.testing.assert_allclose((U[..., :, :3] * S.unsqueeze(-2) @ Vh).numpy(), a, atol=1e-12)
    np.testing.assert_allclose((U.mT @ U).numpy(), np.broadcast_to(np.eye(4), (2, 4, 4)), atol=1e-12)


def test_qr_modes():
    a = np.random.default_rng(3).uniform(-1, 1, (4, 3))
    for mode in ("reduced", "complete", "r"):
        ours, theirs = _both(lambda m, x: m.linalg.qr(x, mode=mode), a)
        for o, t in zip(ours, theirs):
            assert tuple(o.shape) == tuple(t.shape)
        assert_same(ours.R.abs(), theirs.R.abs())


@pytest.mark.parametrize("mode,shape", [("r", (4, 3)), ("complete", (4, 3))])
def test_qr_not_differentiable(mode, shape):
    a = np.random.default_rng(4).uniform(-1, 1, shape)
    msgs = []
    for m in (npgrad, torch):
        x = m.tensor(a, requires_grad=True)
        q, r = m.linalg.qr(x, mode=mode)
        with pytest.raises(RuntimeError) as e:
            r.sum().backward()
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_ex_variants_info():
    bad = np.stack([np.eye(2, dtype=np.float32), SING])
    ours, theirs = _both(lambda m, x: m.linalg.inv_ex(x), bad)
    assert_same(ours.info, theirs.info)
    assert_same(ours.inverse[0], theirs.inverse[0])
    notpd = np.stack([4 * np.eye(2, dtype=np.float32), NOTPD])
    ours, theirs = _both(lambda m, x: m.linalg.cholesky_ex(x), notpd)
    assert_same(ours.info, theirs.info)
    assert_same(ours.L, theirs.L)  # the failed matrix keeps LAPACK's partial factor


# ------------------------------------------------------------------------------- special points, dtypes
@pytest.mark.parametrize("ord", [2, 1, float("inf"), -float("inf"), 3, 0.5, 1.5, -1])
@pytest.mark.parametrize("x", [[0.0, 0.0, 0.0], [0.0, 1.0, -2.0], [3.0, -3.0, 1.0]])
def test_vector_norm_special_gradients(ord, x):
    """Gradient 0 at the zero vector for every order; zero elements and ties as torch."""
    compare(lambda m, a: m.linalg.vector_norm(a, ord), (np.array(x, np.float32),))
    compare(lambda m, a: m.linalg.norm(a, ord), (np.array(x, np.float64),))
    compare(lambda m, a: m.norm(a, ord), (np.array(x, np.float64),))


def test_vector_norm_order_zero_has_no_gradient():
    for m in (npgrad, torch):
        x = m.tensor([0.0, 1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError):
            m.autograd.grad(m.linalg.vector_norm(x, 0), x)


def test_matrix_norm_zero_matrix_fro():
    compare(lambda m, a: m.linalg.matrix_norm(a), (np.zeros((2, 3), np.float64),))


def test_float16_accumulation():
    big = np.full((1, 64), 100.0, np.float16)
    compare(lambda m, a, b: a @ b, (big, big.T), grad=False)
    compare(lambda m, a: m.linalg.vector_norm(a), (np.array([300.0, 300.0], np.float16),), grad=False)
    compare(lambda m, a, b: m.einsum("ij,jk->ik", a, b), (big, big.T), grad=False)


def test_logdet_special_values():
    neg = np.diag([-1.0, 2.0]).astype(np.float32)
    compare(lambda m, a: m.logdet(a), (neg,), grad=False)
    compare(lambda m, a: m.logdet(a), (SING,), grad=False)


def test_addmm_beta_zero_ignores_nan():
    compare(lambda m, i, a, b: m.addmm(i, a, b, beta=0), (np.full((2, 4), np.nan, np.float32), F, D.astype(
        np.float32)), grad=False)


def test_integer_products():
    rng = np.random.default_rng(5)
    a, b, v = rng.integers(-4, 4, (2, 3)), rng.integers(-4, 4, (3, 4)), rng.integers(-4, 4, (3,))
    for fn, args in [(lambda m, x, y: m.mm(x, y), (a, b)), (lambda m, x, y: m.dot(x, y), (v, v)),
                     (lambda m, i, x, y: m.addmm(i, x, y, beta=2, alpha=2.5), (a @ b, a, b)),
                     (lambda m, x: m.linalg.matrix_power(x, 3), (rng.integers(-2, 2, (3, 3)),)),
                     (lambda m, x, y: m.einsum("ij,jk->ik", x, y), (a, b)),
                     (lambda m, x, y: m.tensordot(x, y, 1), (a, b)), (lambda m, x, y: m.kron(x, y), (a, v)),
                     (lambda m, x, y: m.kron(x, y), (a, np.ones(2, np.float32))),
                     (lambda m, x, y: m.linalg.cross(x, y), (v, v[::-1].copy())),
                     (lambda m, x, y: m.outer(x, y), (v, np.ones(2, np.float64)))]:
        compare(fn, args, grad=False)


def test_inplace_addmm_family():
    rng = np.random.default_rng(6)
    compare(lambda m, i, a, b: (i * 1).addmm_(a, b, beta=0.5), (rng.uniform(size=(2, 4)), rng.uniform(size=(2, 3)),
                                                                rng.uniform(size=(3, 4))))
    compare(lambda m, i, a, b: (i * 1).baddbmm_(a, b), (rng.uniform(size=(2, 2, 4)), rng.uniform(size=(2, 2, 3)),
                                                        rng.uniform(size=(2, 3, 4))))


@pytest.mark.parametrize("sa,sb", [((2, 3), (4, 3, 5)), ((1, 2, 3), (4, 3, 5)), ((0, 3), (4, 3, 5)),
                                   ((3,), (4, 3, 5)), ((4, 2, 3), (3, 5))])
@pytest.mark.parametrize("ra,rb", [(True, False), (False, True)])
def test_matmul_node_names_one_sided(sa, sb, ra, rb):
    ours, theirs = _one_sided(lambda m, a, b: a @ b, sa, sb, ra, rb)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


def _one_sided(fn, sa, sb, ra, rb):
    rng = np.random.default_rng(7)
    a, b = rng.uniform(size=sa), rng.uniform(size=sb)
    return [fn(m, m.tensor(a, requires_grad=ra), m.tensor(b, requires_grad=rb)) for m in (npgrad, torch)]


def test_einsum_implicit_output_order_and_names():
    rng = np.random.default_rng(8)
    a, b = rng.uniform(size=(2, 3)), rng.uniform(size=(3, 4))
    for eq in ("bA,Ac", "Ab,bC", "ba", "...a,ab", "i,j", "ij->", "ji->ij"):
        ops = ((a[0], b[0]) if eq == "i,j" else (a, b)) if "," in eq else (a,)
        compare(lambda m, *xs: m.einsum(eq, *xs), ops)


def test_cross_default_dim_warns():
    with pytest.warns(UserWarning, match="without specifying the dim"):  # torch warns once per process
        npgrad.cross(npgrad.ones(2, 3), npgrad.ones(2, 3))
    compare(lambda m, a, b: m.cross(a, b), (np.random.default_rng(9).uniform(size=(3, 4)),) * 2)


# ------------------------------------------------------------------------------------- properties
_dims = st.integers(1, 3)


@given(batch=st.lists(st.integers(1, 3), max_size=3), drop=st.tuples(st.integers(0, 3), st.integers(0, 3)),
       ones=st.tuples(*[st.booleans()] * 6), n=_dims, k=_dims, p=_dims, vec=st.tuples(st.booleans(), st.booleans()))
def test_matmul_broadcast_property(batch, drop, ones, n, k, p, vec):
    """Random broadcastable batch shapes (leading dims dropped, size-1 dims) and 1-D operands against torch."""
    ba = tuple(1 if o else s for s, o in zip(batch, ones[:3]))[drop[0]:]
    bb = tuple(1 if o else s for s, o in zip(batch, ones[3:]))[drop[1]:]
    sa = (k,) if vec[0] else ba + (n, k)
    sb = (k,) if vec[1] else bb + (k, p)
    rng = np.random.default_rng(len(sa) * 7 + len(sb))
    compare(lambda m, a, b: m.matmul(a, b), (rng.uniform(-1, 1, sa), rng.uniform(-1, 1, sb)))


@given(n=st.integers(1, 3), m=st.integers(1, 3), k=st.integers(1, 3), batch=st.integers(1, 2),
       perm=st.permutations(["b", "i", "k"]))
def test_einsum_output_permutation_property(n, m, k, batch, perm):
    rng = np.random.default_rng(n * 9 + m * 3 + k)
    eq = "bij,bjk->" + "".join(perm)
    compare(lambda mod, a, b: mod.einsum(eq, a, b), (rng.uniform(size=(batch, n, m)), rng.uniform(size=(batch, m, k))))


def test_solve_triangular_zero_pivot_gives_nan_like_torch():
    a = np.array([[0.0, 1.0], [0.0, 1.0]], np.float32)
    compare(lambda m, x, b: m.linalg.solve_triangular(x, b, upper=True), (a, np.ones((2, 1), np.float32)),
            grad=False)


def test_matrix_rank_values():
    rng = np.random.default_rng(10)
    low = rng.uniform(size=(2, 5, 2)) @ rng.uniform(size=(2, 2, 4))
    for kw in ({}, {"atol": 0.5}, {"rtol": 1e-2}, {"atol": 0.1, "rtol": 0.0}):
        compare(lambda m, x: m.linalg.matrix_rank(x, **kw), (low,), grad=False)
