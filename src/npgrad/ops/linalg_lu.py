"""LU and Cholesky solves: ``linalg.lu_factor``/``lu_factor_ex``/``lu``/``lu_solve``, ``lu_unpack``,
``torch.lu``/``torch.lu_solve`` (the old names), ``cholesky_solve``, ``cholesky_inverse``; and ``linalg.eig``/
``eigvals``, which refuse clearly (torch returns complex tensors; npgrad has no complex dtype).

The factorisation is LAPACK's getrf done in NumPy: partial pivoting (first largest |pivot| in the column),
``P A = L U`` with unit lower L, pivots 1-based int32 as LAPACK's. Derivatives (torch's ``linalg_lu_backward``):
for square A = P L U,

    gA = P L^{-H} [tril(L^H gL, -1) + triu(gU U^H)] U^{-H},

and for wide (tall) A the square part's formula plus the extra columns (rows), derived from
U2 = L^{-1} P^T A2 (L2 = A2' U^{-1}). All of it is triangular solves and products, so it differentiates again.
"""
import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, dispatch
from .. import _tensor as _t
from . import return_types as _rt
from .linalg_common import LinAlgError, check_matrix, need_tensor, tname, dtype_of, const
from .linalg_func import LinalgSolveTriangular

__all__ = ["lu", "lu_solve", "lu_unpack", "cholesky_solve", "cholesky_inverse"]


# ---------------------------------------------------------------------------------------------- kernels
def _getrf(A):
    """(LU, pivots, info) of a (batch of) m x n matrices: partial pivoting, LAPACK's conventions."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    B = xp.array(A, copy=True).reshape((-1, m, n))
    nb = B.shape[0]
    piv = xp.zeros((nb, k), np.int32)
    info = xp.zeros(nb, np.int32)
    rows = xp.arange(nb)
    for j in range(k):
        p = j + xp.argmax(xp.abs(B[:, j:, j]), axis=1) if m > j else xp.full(nb, j)
        piv[:, j] = p + 1
        top = B[rows, j].copy()
        B[rows, j] = B[rows, p]
        B[rows, p] = top
        pivot = B[:, j, j]
        zero = pivot == 0
        info = xp.where(zero & (info == 0), j + 1, info).astype(np.int32)
        safe = xp.where(zero, 1, pivot)
        if j + 1 < m:
            B[:, j + 1:, j] = xp.where(zero[:, None], B[:, j + 1:, j], B[:, j + 1:, j] / safe[:, None])
            B[:, j + 1:, j + 1:] -= B[:, j + 1:, j:j + 1] * B[:, j:j + 1, j + 1:]
    return B.reshape(batch + (m, n)), piv.reshape(batch + (k,)), info.reshape(batch)


def _perm(piv, m):
    """Row order of P^T A (``(P^T A)[i] = A[perm[i]]``) from LAPACK pivots."""
    batch = piv.shape[:-1]
    p2 = piv.reshape(-1, piv.shape[-1]).astype(np.int64) - 1
    perm = xp.tile(xp.arange(m), (p2.shape[0], 1))
    rows = xp.arange(p2.shape[0])
    for j in range(p2.shape[1]):
        a = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p2[:, j]]
        perm[rows, p2[:, j]] = a
    return perm.reshape(batch + (m,))


def _pmat(piv, m, dtype):
    """P with A = P L U (a permutation matrix, constant)."""
    perm = _perm(piv, m)
    P = xp.zeros(perm.shape + (m,), dtype)
    xp.put_along_axis(P, perm[..., None], 1, axis=-1)  # (P^T)[i, perm[i]] = 1
    return xp.swapaxes(P, -1, -2).copy()


def _split(LU, m, n):
    """L (m x k, unit lower) and U (k x n, upper) of a packed LU, as products with constant masks."""
    k = min(m, n)
    dt = dtype_of(LU)
    Lk = LU[..., :, :k] * xp.tri(m, k, -1, dtype=dt) + xp.eye(m, k, dtype=dt)
    Uk = LU[..., :k, :] * xp.triu(xp.ones((k, n), dt))
    return Lk, Uk


def _tri_solve(T, B, upper, left, unit):
    return dispatch(LinalgSolveTriangular, T, B, upper, left, unit)


def _times_uinv_h(X, U):
    """X U^{-H}: solve Y U^H = X (U^H is lower triangular)."""
    return _tri_solve(U.mT, X, False, False, False)


def _linv_h(L, X):
    """L^{-H} X for unit lower L: solve L^H Y = X (upper, unit diagonal)."""
    return _tri_solve(L.mT, X, True, True, True)


def _lu_backward(gL, gU, P, L, U, m, n):
    """gA for A = P L U, given gL (m x k) and gU (k x n), either may be None."""
    k = min(m, n)
    like = L
    dt = dtype_of(like)
    if gL is None:
        gL = const(xp.zeros(xp.shape(L), dt), like)
    if gU is None:
        gU = const(xp.zeros(xp.shape(U), dt), like)
    Pc = const(P, like)
    strict = xp.tri(k, k, -1, dtype=dt)
    upper = xp.triu(xp.ones((k, k), dt))
    if m == n:
        phi = (L.mT @ gL) * strict + (gU @ U.mT) * upper
        return Pc @ _linv_h(L, _times_uinv_h(phi, U))
    if m < n:  # wide: U = [U1 U2], L square
        U1, U2 = U[..., :, :k], U[..., :, k:]
        gU1, gU2 = gU[..., :, :k], gU[..., :, k:]
        gA2 = _linv_h(L, gU2)
        gL_eff = gL - gA2 @ U2.mT
        phi = (L.mT @ gL_eff) * strict + (gU1 @ U1.mT) * upper
        gA1 = _linv_h(L, _times_uinv_h(phi, U1))
        from .joining import cat
        if isinstance(gA1, _t.Tensor):
            return Pc @ cat([gA1, gA2], -1)
        return Pc @ xp.concatenate([gA1, gA2], -1)
    # tall: L = [L1; L2], U square
    L1, L2 = L[..., :k, :], L[..., k:, :]
    gL1, gL2 = gL[..., :k, :], gL[..., k:, :]
    gA2 = _times_uinv_h(gL2, U)
    gU_eff = gU - L2.mT @ gA2
    phi = (L1.mT @ gL1) * strict + (gU_eff @ U.mT) * upper
    gA1 = _linv_h(L1, _times_uinv_h(phi, U))
    if isinstance(gA1, _t.Tensor):
        from .joining import cat
        return Pc @ cat([gA1, gA2], -2)
    return Pc @ xp.concatenate([gA1, gA2], -2)


# ---------------------------------------------------------------------------------------------- Functions
class LinalgLuFactorEx(Function):
    _builtin = True
    _nondiff_out = (1, 2)
    _ctx_fields = ("P", "mn")

    @staticmethod
    def forward(ctx, A):
        LU, piv, info = _getrf(A)
        m, n = A.shape[-2:]
        ctx.P, ctx.mn = _pmat(piv, m, A.dtype), (m, n)
        ctx.save_for_backward(LU, piv)  # as torch: changing either output in place fails backward
        return LU, piv, info

    @staticmethod
    def backward(ctx, grad, grad_piv=None, grad_info=None):
        # A: lu_factor_ex_backward(grad, LU, pivs, pivot)  (gL = tril(grad, -1), gU = triu(grad))
        LU, _ = ctx.saved_tensors
        m, n = ctx.mn
        L, U = _split(LU, m, n)
        gL, gU = _split(grad, m, n)
        k = min(m, n)
        gL = gL - xp.eye(m, k, dtype=dtype_of(LU))  # _split added the unit diagonal; the gradient has none
        return _lu_backward(gL, gU, ctx.P, L, U, m, n)


class LinalgLu(Function):
    _builtin = True
    _nondiff_out = (0,)
    _ctx_fields = ("P", "mn")

    @staticmethod
    def forward(ctx, A):
        LU, piv, _ = _getrf(A)
        m, n = A.shape[-2:]
        k = min(m, n)
        P = _pmat(piv, m, A.dtype)
        L = xp.tril(LU[..., :, :k], -1) + xp.eye(m, k, dtype=A.dtype)
        U = xp.triu(LU[..., :k, :])
        ctx.P, ctx.mn = P, (m, n)
        ctx.save_for_backward(P, L, U)
        return P, L, U

    @staticmethod
    def backward(ctx, gP, gL, gU):
        # A: linalg_lu_backward(L_grad, U_grad, P, L, U, pivot)
        _, L, U = ctx.saved_tensors
        m, n = ctx.mn
        return _lu_backward(gL, gU, ctx.P, L, U, m, n)


class LuUnpack(Function):
    _builtin = True
    _nondiff_out = (0,)
    _ctx_fields = ("mn",)

    @staticmethod
    def forward(ctx, LU, piv, unpack_data, unpack_pivots):
        m, n = LU.shape[-2:]
        k = min(m, n)
        ctx.mn = (m, n)
        P = _pmat(piv, m, LU.dtype) if unpack_pivots else xp.zeros((0,), LU.dtype)
        if unpack_data:
            L = xp.tril(LU[..., :, :k], -1) + xp.eye(m, k, dtype=LU.dtype)
            U = xp.triu(LU[..., :k, :])
        else:
            L = U = xp.zeros((0,), LU.dtype)
        return P, L, U

    @staticmethod
    def backward(ctx, gP, gL, gU):
        # LU_data: lu_unpack_backward(L_grad, U_grad, m, n)  (tril(gL, -1) and triu(gU) packed into one matrix)
        m, n = ctx.mn
        k = min(m, n)
        dt = dtype_of(gL if gL is not None else gU)
        out = None
        if gL is not None:
            lower = gL * xp.tri(m, k, -1, dtype=dt)
            out = lower @ const(xp.eye(k, n, dtype=dt), gL)  # place the m x k block in an m x n matrix
        if gU is not None:
            up = gU * xp.triu(xp.ones((k, n), dt))
            up = const(xp.eye(m, k, dtype=dt), gU) @ up
            out = up if out is None else out + up
        return out, None, None, None


def _lu_solve_array(LU, piv, B, left, adjoint):
    m = LU.shape[-1]
    P = _pmat(piv, m, LU.dtype)
    L = xp.tril(LU, -1) + xp.eye(m, dtype=LU.dtype)
    U = xp.triu(LU)
    A = P @ L @ U
    M = A.mT if adjoint else A
    try:
        return xp.linalg.solve(M, B) if left else xp.linalg.solve(M.mT, B.mT).mT
    except np.linalg.LinAlgError:  # a zero pivot: inf/NaN as torch's triangular solves give
        Ai = xp.linalg.pinv(M) * np.inf
        return Ai @ B if left else B @ Ai


class LinalgLuSolve(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("piv", "left", "adjoint", "P")

    @staticmethod
    def forward(ctx, LU, piv, B, left, adjoint):
        ctx.piv, ctx.left, ctx.adjoint = piv, left, adjoint
        ctx.P = _pmat(piv, LU.shape[-1], LU.dtype)
        X = _lu_solve_array(LU, piv, B, left, adjoint)
        ctx.save_for_backward(LU, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        # LU, B: linalg_lu_solve_LU / linalg_lu_solve backward: gB = solve with the adjoint system;
        # gA from it (-gB X^H and its variants), then gLU = tril(P^T gA U^H, -1) + triu(L^H P^T gA)
        LU, X = ctx.saved_tensors
        left, adj = ctx.left, ctx.adjoint
        gB = dispatch(LinalgLuSolve, LU, ctx.piv, grad, left, not adj)
        if not ctx.needs_input_grad[0]:
            return None, None, gB, None, None
        if left:
            gA = -(X @ gB.mT) if adj else -(gB @ X.mT)
        else:
            gA = -(gB.mT @ X) if adj else -(X.mT @ gB)
        m = LU.shape[-1]
        dt = dtype_of(LU)
        L = LU * xp.tri(m, m, -1, dtype=dt) + xp.eye(m, dtype=dt)
        U = LU * xp.triu(xp.ones((m, m), dt))
        PtgA = const(xp.swapaxes(ctx.P, -1, -2).copy(), gA) @ gA
        gLU = (PtgA @ U.mT) * xp.tri(m, m, -1, dtype=dt) + (L.mT @ PtgA) * xp.triu(xp.ones((m, m), dt))
        return gLU, None, gB, None, None


class CholeskySolve(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("upper",)

    @staticmethod
    def forward(ctx, B, L, upper):
        ctx.upper = upper
        T = xp.triu(L) if upper else xp.tril(L)
        A = T.mT @ T if upper else T @ T.mT
        X = xp.linalg.solve(A, B)
        ctx.save_for_backward(B, L, X)  # B too, as torch saves it
        return X

    @staticmethod
    def backward(ctx, grad):
        # self: cholesky_solve(grad, input2, upper);
        # input2: common = gB X^H + X gB^H; upper ? -U common : -common L
        _, L, X = ctx.saved_tensors
        upper = ctx.upper
        gB = dispatch(CholeskySolve, grad, L, upper)
        if not ctx.needs_input_grad[1]:
            return gB, None, None
        n = L.shape[-1]
        dt = dtype_of(L)
        mask = xp.triu(xp.ones((n, n), dt)) if upper else xp.tri(n, n, 0, dtype=dt)
        T = L * mask
        common = gB @ X.mT
        common = common + common.mT
        gL = -(T @ common) if upper else -(common @ T)
        return gB, gL, None  # torch leaves the gradient unmasked (both triangles)


class CholeskyInverse(Function):
    _builtin = True
    _ctx_fields = ("upper",)

    @staticmethod
    def forward(ctx, L, upper):
        ctx.upper = upper
        T = xp.triu(L) if upper else xp.tril(L)
        A = T.mT @ T if upper else T @ T.mT
        try:
            out = xp.linalg.inv(A)
        except np.linalg.LinAlgError:
            out = xp.full(A.shape, np.inf, A.dtype)
        ctx.save_for_backward(L, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: cholesky_inverse_backward(grad, self, upper, result)
        L, out = ctx.saved_tensors
        upper = ctx.upper
        n = L.shape[-1]
        dt = dtype_of(L)
        mask = xp.triu(xp.ones((n, n), dt)) if upper else xp.tri(n, n, 0, dtype=dt)
        T = L * mask
        common = out @ (grad + grad.mT) @ out
        gL = -(T @ common) if upper else -(common @ T)
        return gL, None  # torch leaves the gradient unmasked (both triangles)


# ---------------------------------------------------------------------------------------------- functions
def _check_lu(A, fname, pivot):
    need_tensor(A, fname.replace(".", "_"), "A", 1)
    if not is_float_np(A._data.dtype) and A._data.ndim >= 2:
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{tname(A)}'")
    check_matrix(A, fname, square=False)
    if A._data.dtype.itemsize == 2 and A._data.dtype.kind in "fV":  # float16, bfloat16
        raise NotImplementedError(f"\"linalg_lu_factor_ex_out\" not implemented for '{tname(A)}'")
    if not pivot:
        raise RuntimeError(f"{fname}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """``(LU, pivots, info)``: the packed LU factorisation with partial pivoting (info > 0: a zero pivot)."""
    _check_lu(A, "linalg.lu_factor_ex", pivot)
    LU, piv, info = LinalgLuFactorEx.apply(A)
    if check_errors and xp.any(info._data > 0):
        raise LinAlgError("torch.linalg.lu_factor_ex: U is singular")
    return _rt.linalg_lu_factor_ex(LU, piv, info)


def lu_factor(A, *, pivot=True):
    """``(LU, pivots)``: L below the diagonal (unit diagonal implied), U on and above it; pivots 1-based."""
    _check_lu(A, "linalg.lu_factor", pivot)
    LU, piv, info = LinalgLuFactorEx.apply(A)
    bad = xp.flatnonzero(info._data.reshape(-1) > 0)
    if bad.size:
        i = int(info._data.reshape(-1)[bad[0]])
        batch = "" if A.dim() == 2 else f"(Batch element {int(bad[0])}): "
        raise LinAlgError(f"torch.linalg.lu_factor: {batch}U[{i},{i}] is zero and using it on lu_solve would "
                          f"result in a division by zero. If you still want to perform the factorization, consider "
                          f"calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return _rt.linalg_lu_factor(LU, piv)


def linalg_lu(A, *, pivot=True):
    """``(P, L, U)`` with ``A = P @ L @ U``: L unit lower (m x k), U upper (k x n), k = min(m, n)."""
    _check_lu(A, "linalg.lu", pivot)
    return _rt.linalg_lu(*LinalgLu.apply(A))


def lu(A, pivot=True, get_infos=False, out=None):
    """The old ``torch.lu``: ``(LU, pivots)`` (and ``infos`` with ``get_infos=True``).

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        pivot (bool, optional): partial pivoting (must be True).
        get_infos (bool, optional): also return the LAPACK info per matrix.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> LU, pivots = torch.lu(torch.tensor([[1., 2.], [3., 4.]]))
        >>> LU
        tensor([[3.0000, 4.0000],
                [0.3333, 0.6667]])
        >>> pivots.tolist()
        [2, 2]
    """
    if out is not None:
        raise TypeError("lu(): out= is not supported by npgrad")
    res = lu_factor_ex(A, pivot=pivot)
    if get_infos:
        return res.LU, res.pivots, res.info
    if xp.any(res.info._data > 0):
        i = int(res.info._data.reshape(-1)[xp.flatnonzero(res.info._data.reshape(-1) > 0)[0]])
        raise LinAlgError(f"torch.linalg.lu_factor: U[{i},{i}] is zero and using it on lu_solve would result in a "
                          f"division by zero. If you still want to perform the factorization, consider calling "
                          f"linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return res.LU, res.pivots


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """``(P, L, U)`` from ``lu_factor``'s packed result.

    Args:
        LU_data (Tensor): the packed LU factors.
        LU_pivots (Tensor): the pivots.
        unpack_data (bool, optional): return ``L`` and ``U``.
        unpack_pivots (bool, optional): return ``P``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> P, L, U = torch.lu_unpack(*torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]])))
        >>> P
        tensor([[0., 1.],
                [1., 0.]])
        >>> L
        tensor([[1.0000, 0.0000],
                [0.3333, 1.0000]])
        >>> U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
    """
    need_tensor(LU_data, "lu_unpack", "LU_data", 1)
    if LU_data._data.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU_data.shape)} instead")
    if LU_pivots._data.dtype != np.int32:
        raise RuntimeError(f"torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype. "
                           f"Note: this function is intended to be used with the output produced by torch.linalg.lu_factor")
    return _rt.lu_unpack(*LuUnpack.apply(LU_data, LU_pivots._data, bool(unpack_data), bool(unpack_pivots)))


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """Solve ``A X = B`` (``X A = B`` with ``left=False``; ``A^H`` with ``adjoint``) from A's LU factorisation."""
    check_matrix(LU, "linalg.lu_solve", argname="LU")
    need_tensor(B, "linalg_lu_solve", "B", 3)
    if B._data.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    if LU._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{tname(LU)} and B of type {tname(B)} instead")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    if pivots._data.dtype != np.int32:
        raise RuntimeError("linalg.lu_solve: Expected pivots to be int32")
    return LinalgLuSolve.apply(LU, pivots._data, B, bool(left), bool(adjoint))


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """The old ``torch.lu_solve(b, LU, pivots)`` (arguments reversed from ``linalg.lu_solve``).

    Args:
        b (Tensor): the right-hand sides ``(*, n, k)``.
        LU_data (Tensor): the packed LU factors from ``lu``.
        LU_pivots (Tensor): the pivots from ``lu``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[1., 2.], [3., 4.]])
        >>> LU, pivots = torch.lu(A)
        >>> torch.lu_solve(torch.tensor([[5.], [11.]]), LU, pivots)
        tensor([[1.],
                [2.]])
    """
    if out is not None:
        raise TypeError("lu_solve(): out= is not supported by npgrad")
    return linalg_lu_solve(LU_data, LU_pivots, b)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solve ``A X = B`` for ``B = input`` given A's Cholesky factor ``input2`` (lower, or ``upper``).

    Args:
        input (Tensor): the right-hand sides ``B``, ``(*, n, k)``.
        input2 (Tensor): the Cholesky factor of ``A``, ``(*, n, n)``.
        upper (bool, optional): whether the factor is upper (True) or lower (False) triangular.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[4., 2.], [2., 3.]])
        >>> B = torch.tensor([[2.], [1.]])
        >>> torch.cholesky_solve(B, torch.linalg.cholesky(A))
        tensor([[0.5000],
                [0.0000]])
    """
    if out is not None:
        raise TypeError("cholesky_solve(): out= is not supported by npgrad")
    need_tensor(input2, "cholesky_solve", "input2", 2)
    if input.dim() < 2 or input2.dim() < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.dim()} dimensions instead"
                           if input.dim() < 2 else
                           f"u should have at least 2 dimensions, but has {input2.dim()} dimensions instead")
    if input._data.dtype != input2._data.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {tname(input)} and A of "
                           f"type {tname(input2)} instead.")
    if input2.shape[-1] != input2.shape[-2]:
        raise RuntimeError("A must be batches of square matrices, but they are "
                           f"{input2.shape[-2]} by {input2.shape[-1]} matrices")
    if input.shape[-2] != input2.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is {input2.shape[-1]} by "
                           f"{input2.shape[-1]} but each b matrix is {input.shape[-2]} by {input.shape[-1]}")
    from .linalg_common import no_half
    no_half(input, "cholesky_solve_cpu")
    return CholeskySolve.apply(input, input2, bool(upper))


def cholesky_inverse(input, upper=False, *, out=None):
    """``(L L^H)^{-1}`` (or ``(U^H U)^{-1}``) from a Cholesky factor.

    Args:
        input (Tensor): a Cholesky factor ``(*, n, n)``.
        upper (bool, optional): whether the factor is upper (True) or lower (False) triangular.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[4., 2.], [2., 3.]])
        >>> torch.cholesky_inverse(torch.linalg.cholesky(A))
        tensor([[ 0.3750, -0.2500],
                [-0.2500,  0.5000]])
    """
    if out is not None:
        raise TypeError("cholesky_inverse(): out= is not supported by npgrad")
    check_matrix(input, "cholesky_inverse", argname="input")
    from .linalg_common import no_half
    no_half(input, "cholesky_inverse_out_cpu")
    return CholeskyInverse.apply(input, bool(upper))


_EIG_MSG = ("{}: the result is complex (torch returns complex64/complex128 tensors even for real input), and npgrad "
            "has no complex dtypes. For symmetric or Hermitian matrices use npgrad.linalg.eigh/eigvalsh, which are "
            "real.")


def eig(A):
    """Not available: torch.linalg.eig returns complex tensors, which npgrad does not have (see
    :doc:`/differences`); it raises NotImplementedError. For a symmetric matrix, :func:`eigh` gives its eigenvalues
    (in ascending order) and eigenvectors as real tensors."""
    check_matrix(A, "linalg.eig")
    raise NotImplementedError(_EIG_MSG.format("linalg.eig"))


def eigvals(A):
    """Not available: torch.linalg.eigvals returns complex tensors, which npgrad does not have (see
    :doc:`/differences`); it raises NotImplementedError. For a symmetric matrix, :func:`eigvalsh` gives its
    eigenvalues (in ascending order) as a real tensor."""
    check_matrix(A, "linalg.eigvals")
    raise NotImplementedError(_EIG_MSG.format("linalg.eigvals"))
