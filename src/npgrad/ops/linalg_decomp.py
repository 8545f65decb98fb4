"""Decompositions on NumPy's LAPACK: det, slogdet/logdet, inv, solve, cholesky, qr, eigh/eigvalsh, svd/svdvals.

Every derivative is written once from matmul, ``.mT``, constant masks (``tril``, identity) and ``dispatch`` of the
ops here (solve, inv, eigh, svd), so it runs on arrays in a plain backward and on Tensors under ``create_graph``
(second derivatives). Batched inputs (``(..., n, n)``) work everywhere: NumPy's linalg broadcasts.
"""
import numpy as np
from .._dtype import is_float_np
from .._xp import xp, xp_of

from ..autograd.function import Function, dispatch
from .. import _tensor as _t
from .linalg_common import (tname, need_tensor as _need_tensor, data as _data,
                            eye as _eye, tril_mask as _tril_mask, diag_embed as _diag_embed, columns,
                            LinAlgError, return_type, check_matrix, no_half as _no_half)
from .._warn import warn as _warn

__all__ = ["det", "logdet", "slogdet", "inverse", "cholesky", "qr", "svd"]

_slogdet_t = return_type("slogdet", ("sign", "logabsdet"))
_lslogdet_t = return_type("linalg_slogdet", ("sign", "logabsdet"))
_eigh_t = return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
_svd_t = return_type("svd", ("U", "S", "V"))
_lsvd_t = return_type("linalg_svd", ("U", "S", "Vh"))
_qr_t = return_type("qr", ("Q", "R"))
_lqr_t = return_type("linalg_qr", ("Q", "R"))
_inv_ex_t = return_type("linalg_inv_ex", ("inverse", "info"))
_chol_ex_t = return_type("linalg_cholesky_ex", ("L", "info"))
_solve_ex_t = return_type("linalg_solve_ex", ("result", "info"))


# ------------------------------------------------------------------------------------------------- helpers
def _batch_prefix(batch_shape, flat_index):
    if not batch_shape:
        return ""
    return f"(Batch element {flat_index}): "


def _first_failure(A, test):
    """Index (flat, over the batch) of the first matrix for which ``test`` raises, and the matrix itself."""
    flat = A.reshape((-1,) + A.shape[-2:])
    for i, m in enumerate(flat):
        try:
            test(m)
        except np.linalg.LinAlgError:
            return i, m
    return 0, flat[0]


def _zero_pivot(m):
    """1-based index of the first zero pivot of an LU factorisation with partial pivoting (LAPACK's info)."""
    u = m.astype(np.float64).copy()
    n = u.shape[0]
    for k in range(n):
        p = k + int(xp.argmax(xp.abs(u[k:, k])))
        if u[p, k] == 0:
            return k + 1
        u[[k, p]] = u[[p, k]]
        u[k + 1:] -= xp.outer(u[k + 1:, k] / u[k, k], u[k])
    return n


def _leading_minor(m):
    """Order of the first leading minor that is not positive-definite."""
    for k in range(1, m.shape[0] + 1):
        try:
            xp.linalg.cholesky(m[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return m.shape[0]


def _singular_error(A, fname):
    i, m = _first_failure(A, xp.linalg.inv)
    raise LinAlgError(f"{fname}: {_batch_prefix(A.shape[:-2], i)}The diagonal element {_zero_pivot(m)} is zero, "
                      f"the inversion could not be completed because the input matrix is singular.")


def _inv_array(A, fname="linalg.inv"):
    try:
        return xp.linalg.inv(A)
    except np.linalg.LinAlgError:
        _singular_error(A, fname)


# -------------------------------------------------------------------------------------------- det, slogdet
class LinalgDet(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, A):
        # (float16/bfloat16 arrive here only 0-by-0, whose determinant is 1; NumPy refuses float16)
        d = xp.linalg.det(A) if A.dtype.itemsize > 2 else xp.ones(A.shape[:-2])
        d = xp.asarray(d, A.dtype)
        ctx.save_for_backward(A, d)
        return d

    @staticmethod
    def backward(ctx, grad):
        # A: linalg_det_backward(grad, result, A, LU, pivots) = (grad * det) * A^{-H}
        xp = ctx.xp
        A, d = ctx.saved_tensors
        scale = xp.expand_dims(grad * d, (-2, -1))
        if A.shape[-1] and xp.all(_data(d) != 0):
            return scale * dispatch(LinalgInvEx, A).mT
        # a singular matrix: the gradient is the adjugate, from the SVD (first order: a constant under create_graph)
        g = xp.expand_dims(_data(grad), (-2, -1)) * _adjugate(_data(A)).mT
        return g if type(A) is np.ndarray else _t.make(g)


def _adjugate(A):
    """adj(A) = det(U) det(V) V diag(prod_{j != i} s_j) U^T for A = U S V^T (defined for singular A too)."""
    if A.shape[-1] == 0:
        return xp.zeros_like(A)
    U, S, Vh = xp.linalg.svd(A)
    n = S.shape[-1]
    others = xp.stack([xp.prod(xp.delete(S, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    sign = xp.linalg.det(U) * xp.linalg.det(Vh)
    return xp.expand_dims(sign, (-2, -1)) * ((Vh.mT * xp.expand_dims(others, -2)) @ U.mT)


class LinalgSlogdet(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, A):
        sign, logabs = xp.linalg.slogdet(A)
        sign, logabs = xp.asarray(sign, A.dtype), xp.asarray(logabs, A.dtype)
        ctx.save_for_backward(A)
        return sign, logabs

    @staticmethod
    def backward(ctx, gsign, glogabs):
        # A: slogdet_backward(grad_sign, grad_logabsdet, A, signdet) = grad_logabsdet * A^{-H} (real: sign is flat)
        xp = ctx.xp
        if glogabs is None:
            return None
        A, = ctx.saved_tensors
        return xp.expand_dims(glogabs, (-2, -1)) * dispatch(LinalgInvEx, A).mT


def det(A):
    """Determinant of (a batch of) square matrices.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Example:
        >>> import npgrad
        >>> npgrad.linalg.det(npgrad.eye(3) * 2)
        tensor(8.)
    """
    check_matrix(A, "linalg.det")
    if A._data.size:  # torch gives 1 for 0-by-0 float16/bfloat16 matrices before reaching its LU kernel
        _no_half(A, "lu_cpu")
    return LinalgDet.apply(A)


def _slogdet(A, rtype):
    check_matrix(A, "linalg.slogdet")
    _no_half(A, fname="linalg.slogdet")
    return rtype(*LinalgSlogdet.apply(A))


def slogdet(A):
    """(sign, log|det|) of square matrices, as ``torch.return_types.slogdet``.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(sign, logabsdet)``.

    Example:
        >>> import npgrad as torch
        >>> sign, logabsdet = torch.slogdet(torch.tensor([[-2., 0.], [0., 3.]]))
        >>> sign, logabsdet
        (tensor(-1.), tensor(1.7918))
    """
    return _slogdet(A, _slogdet_t)


def linalg_slogdet(A):
    return _slogdet(A, _lslogdet_t)


def logdet(A):
    """log(det(A)): NaN for a negative determinant, -inf for a singular matrix.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Example:
        >>> import npgrad as torch
        >>> torch.logdet(torch.tensor([[2., 0.], [0., 3.]]))
        tensor(1.7918)
        >>> torch.logdet(torch.tensor([[-1., 0.], [0., 1.]]))
        tensor(nan)
    """
    from .pointwise import where, eq
    sign, logabs = slogdet(A)
    return where(eq(sign, -1), float("nan"), logabs)


# -------------------------------------------------------------------------------------------------- inverse
class LinalgInvEx(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, A, check=True):
        if check:
            inv = _inv_array(A)
        else:  # inv_ex: singular matrices give NaN instead of an error
            flat = A.reshape((-1,) + A.shape[-2:])
            inv = xp.stack([_inv_or_nan(m) for m in flat]).reshape(A.shape) if flat.size else A.copy()
        ctx.save_for_backward(inv)
        return inv

    @staticmethod
    def backward(ctx, grad):
        # A: -at::matmul(inverse.mH(), at::matmul(grad, inverse.mH()))
        inv, = ctx.saved_tensors
        return -(inv.mT @ (grad @ inv.mT)), None


def _inv_or_nan(m):
    try:
        return xp.linalg.inv(m)
    except np.linalg.LinAlgError:
        return xp.full_like(m, np.nan)


def inv(A):
    """Inverse of (a batch of) square matrices; ``LinAlgError`` when one is singular.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.inverse(torch.tensor([[2., 0.], [1., 1.]]))
        tensor([[ 0.5000,  0.0000],
                [-0.5000,  1.0000]])
    """
    check_matrix(A, "linalg.inv")
    _no_half(A, fname="linalg.inv")
    return LinalgInvEx.apply(A)


inverse = inv


def _info(A, test, code):
    flat = A.reshape((-1,) + A.shape[-2:])
    info = xp.zeros(len(flat), np.int32)
    for i, m in enumerate(flat):
        try:
            test(m)
        except np.linalg.LinAlgError:
            info[i] = code(m)
    return info.reshape(A.shape[:-2])


def inv_ex(A, *, check_errors=False):
    """(inverse, info): ``info`` is the 1-based zero pivot of each singular matrix (0 when invertible); the
    inverse of a singular matrix is NaN here (LAPACK leaves unspecified values there)."""
    check_matrix(A, "linalg.inv")
    _no_half(A, fname="linalg.inv")
    info = _info(A._data, xp.linalg.inv, _zero_pivot)
    if info.any() and check_errors:
        _singular_error(A._data, "linalg.inv_ex")
    return _inv_ex_t(LinalgInvEx.apply(A, False), _t.make(info))


# ---------------------------------------------------------------------------------------------------- solve
class LinalgSolveEx(Function):
    """``A X = B`` (``left``) or ``X A = B``; ``vec``: B is a (batch of) vector(s)."""
    _builtin, _broadcast = True, True
    _ctx_fields = ("left", "vec")

    @staticmethod
    def forward(ctx, A, B, left, vec):
        ctx.left, ctx.vec = left, vec
        Bm = B[..., None] if vec else B
        try:
            X = xp.linalg.solve(A, Bm) if left else xp.linalg.solve(A.mT, Bm.mT).mT
        except np.linalg.LinAlgError:
            batch = xp.broadcast_shapes(A.shape[:-2], Bm.shape[:-2])
            i, _ = _first_failure(xp.broadcast_to(A, batch + A.shape[-2:]), xp.linalg.inv)
            raise LinAlgError(f"torch.linalg.solve: {_batch_prefix(batch, i)}The solver failed because the input "
                              f"matrix is singular.") from None
        X = X[..., 0] if vec else X
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        # A, B: linalg_solve_backward: gB = A^{-H} gX (left) or gX A^{-H}; gA = -gB X^H (left) or -X^H gB
        xp = ctx.xp
        A, X = ctx.saved_tensors
        left, vec = ctx.left, ctx.vec
        gB = dispatch(LinalgSolveEx, A.mT, grad, left, vec)
        if not ctx.needs_input_grad[0]:
            return None, gB, None, None
        if vec:
            gA = -(xp.expand_dims(gB, -1) * xp.expand_dims(X, -2))
        else:
            gA = -(gB @ X.mT) if left else -(X.mT @ gB)
        return gA, gB, None, None


def _solve(A, B, left, fname="linalg.solve"):
    check_matrix(A, fname)
    _need_tensor(B, "linalg_solve", "B", 2)
    if not is_float_np(B._data.dtype):
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. Got {tname(B)}")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{fname}: Expected A and B to have the same dtype, but found A of type {tname(A)} and "
                           f"B of type {tname(B)} instead")
    _no_half(A, "linalg_lu_factor_ex_out")
    sa, sb = A._data.shape, B._data.shape
    vec = left and (len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1]))
    if len(sb) < 1:
        raise RuntimeError(f"{fname}: The input tensor B must have at least 2 dimensions.")
    n = sa[-1]
    mat = (sb[0], 1) if len(sb) == 1 else sb[-2:]  # a 1-D B on the right is a column
    rows = sb[-1] if vec else (mat[0] if left else mat[1])
    if rows != n or (len(sb) == 1 and not left):
        shown = f"{sb[-1]}x1" if vec else f"{mat[0]}x{mat[1]}"
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {shown})")
    from .._shape import broadcast_shapes
    broadcast_shapes(sa[:-2], sb[:-1] if vec else sb[:-2])
    return LinalgSolveEx.apply(A, B, left, vec)


def solve(A, B, *, left=True):
    """Solve ``A X = B`` (or ``X A = B`` with ``left=False``); B may be a (batch of) vector(s); batches broadcast."""
    return _solve(A, B, left)


def solve_ex(A, B, *, left=True, check_errors=False):
    X = _solve(A, B, left)
    return _solve_ex_t(X, _t.make(xp.zeros(X._data.shape[:-2] if X._data.ndim >= 2 else (), np.int32)))


# ------------------------------------------------------------------------------------------------- cholesky
class LinalgCholeskyEx(Function):
    """Lower factor L with A = L L^T (from A's lower triangle); ``upper`` returns L^T."""
    _builtin = True
    _ctx_fields = ("upper",)

    @staticmethod
    def forward(ctx, A, upper, fname):
        ctx.upper = upper
        try:
            L = xp.linalg.cholesky(A)
        except np.linalg.LinAlgError:
            i, m = _first_failure(A, xp.linalg.cholesky)
            raise LinAlgError(f"{fname}: {_batch_prefix(A.shape[:-2], i)}The factorization could not be completed "
                              f"because the input is not positive-definite (the leading minor of order "
                              f"{_leading_minor(m)} is not positive-definite).") from None
        out = xp.ascontiguousarray(L.mT) if upper else L
        ctx.save_for_backward(out)  # the output itself, so that create_graph differentiates through it
        return out

    @staticmethod
    def backward(ctx, grad):
        # A: cholesky_backward(grad, upper, L) = sym(L^{-H} phi(L^H tril(gL)) L^{-1}), phi halving the diagonal
        L, = ctx.saved_tensors
        n = L.shape[-1]
        L, gL = (L.mT, grad.mT) if ctx.upper else (L, grad)
        gL = gL * _tril_mask(n, L)
        P = (L.mT @ gL) * (_tril_mask(n, L) - 0.5 * _eye(n, L))
        S = dispatch(LinalgSolveEx, L.mT, P, True, False)          # L^{-T} P
        S = dispatch(LinalgSolveEx, L, S, False, False)            # (L^{-T} P) L^{-1}
        return 0.5 * (S + S.mT), None, None


class Cholesky(LinalgCholeskyEx):
    pass


def _cholesky(A, upper, cls, fname):
    check_matrix(A, "linalg.cholesky")
    _no_half(A, "cholesky_cpu")
    return cls.apply(A, bool(upper), fname)


def cholesky(A, upper=False):
    """Deprecated ``torch.cholesky``: the Cholesky factor (lower, or upper with ``upper=True``).

    Args:
        A (Tensor): symmetric positive-definite matrices ``(*, n, n)``.
        upper (bool, optional): whether the factor is upper (True) or lower (False) triangular.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[4., 2.], [2., 3.]])
        >>> L = torch.cholesky(A)
        >>> L
        tensor([[2.0000, 0.0000],
                [1.0000, 1.4142]])
        >>> torch.allclose(L @ L.T, A)
        True
    """
    import warnings
    _warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)"
                  "\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced with\n"
                  "U = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results for all valid "
                  "(symmetric positive definite) inputs.", UserWarning)
    return _cholesky(A, upper, Cholesky, "cholesky")


def linalg_cholesky(A, *, upper=False):
    """Lower Cholesky factor L of symmetric positive-definite matrices (A = L L^T), or L^T with ``upper``;
    ``LinAlgError`` names the first leading minor that is not positive-definite."""
    return _cholesky(A, upper, LinalgCholeskyEx, "linalg.cholesky")


def cholesky_ex(A, *, upper=False, check_errors=False):
    """(L, info): ``info`` is the order of the first leading minor that is not positive-definite (0 when the
    factorization succeeds). A failed matrix holds LAPACK's partial factor, outside autograd."""
    check_matrix(A, "linalg.cholesky")
    _no_half(A, "cholesky_cpu")
    info = _info(A._data, xp.linalg.cholesky, _leading_minor)
    if info.any() and not check_errors:
        flat = A._data.reshape((-1,) + A._data.shape[-2:])
        L = xp.stack([_partial_cholesky(m) for m in flat]).reshape(A._data.shape)
        return _chol_ex_t(_t.make(xp.ascontiguousarray(L.mT) if upper else L), _t.make(info))
    return _chol_ex_t(_cholesky(A, upper, LinalgCholeskyEx, "linalg.cholesky_ex"), _t.make(info))


def _partial_cholesky(m):
    """Column by column (LAPACK's potf2): stop at the first non-positive pivot, leaving it in place."""
    L = xp.tril(m)
    for j in range(L.shape[0]):
        d = L[j, j] - L[j, :j] @ L[j, :j]
        if not d > 0:
            L[j, j] = d
            break
        L[j, j] = xp.sqrt(d)
        L[j + 1:, j] = (L[j + 1:, j] - L[j + 1:, :j] @ L[j, :j]) / L[j, j]
    return L


# ------------------------------------------------------------------------------------------------------- qr
class LinalgQr(Function):
    _builtin = True
    _ctx_fields = ("mode", "ashape")

    @staticmethod
    def forward(ctx, A, mode):
        ctx.mode, ctx.ashape = mode, A.shape
        if mode == "r":
            R = xp.linalg.qr(A, mode="r")
            Q = xp.zeros((0,), A.dtype)
        else:
            Q, R = xp.linalg.qr(A, mode=mode)
        Q, R = Q.astype(A.dtype, copy=False), R.astype(A.dtype, copy=False)
        ctx.save_for_backward(Q, R)  # not A, as torch: changing A in place afterwards does not fail backward
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        # A: linalg_qr_backward(grad_Q, grad_R, Q, R, mode)
        Q, R = ctx.saved_tensors
        m, n = ctx.ashape[-2], ctx.ashape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_square_backward(gQ, gR, Q, R), None
        # wide: A = [X | Y], X = Q U, Y = Q V: V's gradient reaches Q through Y, and Y through Q
        first, rest = columns(n, 0, m, R), columns(n, m, n, R)  # X = A @ first, Y = A @ rest
        U = R @ first
        gU = None if gR is None else gR @ first
        gV = None if gR is None else gR @ rest
        if gV is not None:
            YgVt = (Q @ (R @ rest)) @ gV.mT  # Y = A @ rest = Q R @ rest
            gQ = YgVt if gQ is None else gQ + YgVt
        gA = _qr_square_backward(gQ, gU, Q, U) @ first.T
        if gV is not None:
            gA = gA + (Q @ gV) @ rest.T
        return gA, None


def _qr_square_backward(gQ, gR, Q, R):
    """A = QR with Q (m x n) orthonormal columns, R (n x n) upper: gA = (gQ + Q copyltu(M)) R^{-T},
    M = R gR^T - gQ^T Q, where copyltu mirrors the lower triangle into the upper one."""
    n = R.shape[-1]
    M = 0
    if gR is not None:
        M = R @ gR.mT
    if gQ is not None:
        M = M - gQ.mT @ Q
    low = _tril_mask(n, R, -1)
    sym = M * low + (M * low).mT + M * _eye(n, R)
    B = Q @ sym
    if gQ is not None:
        B = B + gQ
    return dispatch(LinalgSolveEx, R.mT, B, False, False)  # B R^{-T}


def _qr(A, mode, rtype):
    check_matrix(A, "linalg.qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    _no_half(A, "geqrf_cpu")
    return rtype(*LinalgQr.apply(A, mode))


def linalg_qr(A, mode="reduced"):
    return _qr(A, mode, _lqr_t)


def qr(input, some=True):
    """Deprecated ``torch.qr``: reduced (``some=True``) or complete QR.

    Args:
        input (Tensor): the input tensor.
        some (bool, optional): the reduced (True) or complete (False) decomposition.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> Q, R = torch.qr(torch.tensor([[3., 1.], [4., 2.]]))
        >>> R
        tensor([[-5.0000, -2.2000],
                [ 0.0000,  0.4000]])
        >>> torch.allclose(Q @ R, torch.tensor([[3., 1.], [4., 2.]]))
        True
    """
    import warnings
    _warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                  "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\nQ, R = "
                  "torch.qr(A, some)\nshould be replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else "
                  "'complete')", UserWarning)
    return _qr(input, "reduced" if some else "complete", _qr_t)


# ----------------------------------------------------------------------------------------------------- eigh
class LinalgEigh(Function):
    _builtin = True
    _ctx_fields = ("uplo",)

    @staticmethod
    def forward(ctx, A, uplo):
        ctx.uplo = uplo
        w, V = xp.linalg.eigh(A, UPLO=uplo)
        ctx.save_for_backward(w, V)
        return w, V

    @staticmethod
    def backward(ctx, gL, gV):
        # A: linalg_eig_backward(gL, gV, L, V, /*is_hermitian=*/true) = V (diag(gL) + skew(V^H gV) / E) V^H
        w, V = ctx.saved_tensors
        return _eigh_backward(gL, gV, w, V), None


def _eigh_backward(gL, gV, w, V):
    xp = xp_of(V)  # NumPy, or txp on Tensors (create_graph)
    n = w.shape[-1]
    inner = 0
    if gV is not None:
        X = V.mT @ gV
        eye = _eye(n, w)
        E = xp.expand_dims(w, -2) - xp.expand_dims(w, -1) + eye  # E_ij = w_j - w_i, 1 on the diagonal
        inner = (0.5 * (X - X.mT)) / E * (1 - eye)
    if gL is not None:
        inner = inner + _diag_embed(gL, w)
    return V @ (inner @ V.mT)


class LinalgEigvalsh(Function):
    """Eigenvalues only; torch records the eigh node (the eigenvectors are computed for the derivative)."""
    _builtin = True
    _ctx_fields = ("uplo",)
    _node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, A, uplo):
        ctx.uplo = uplo
        w, V = xp.linalg.eigh(A, UPLO=uplo)
        ctx.save_for_backward(A, V)
        return w

    @staticmethod
    def backward(ctx, grad):
        # A: V diag(gL) V^H; under create_graph V is recomputed on Tensors so it is differentiated too
        A, V = ctx.saved_tensors
        if isinstance(A, _t.Tensor):
            V = dispatch(LinalgEigh, A, ctx.uplo)[1]
        return V @ (_diag_embed(grad, V) @ V.mT), None


def _uplo(UPLO):
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def _eigh_checks(A):
    _need_tensor(A, "linalg_eigh", "A", 1)
    d = A._data
    if d.ndim < 2:
        raise RuntimeError("linalg.eigh: The input tensor A must have at least 2 dimensions.")
    if d.shape[-1] != d.shape[-2]:
        raise RuntimeError(f"linalg.eigh: A must be batches of square matrices, but they are {d.shape[-2]} by "
                           f"{d.shape[-1]} matrices")
    if d.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{tname(A)}'")


def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices (one triangle is read)."""
    _eigh_checks(A)
    return _eigh_t(*LinalgEigh.apply(A, _uplo(UPLO)))


def eigvalsh(A, UPLO="L"):
    _eigh_checks(A)
    return LinalgEigvalsh.apply(A, _uplo(UPLO))


# ------------------------------------------------------------------------------------------------------ svd
class LinalgSvd(Function):
    _builtin = True
    _ctx_fields = ("full",)

    @staticmethod
    def forward(ctx, A, full):
        ctx.full = full
        U, S, Vh = xp.linalg.svd(A, full_matrices=full)
        ctx.save_for_backward(U, S, Vh)
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        # A: svd_backward(gU, gS, gVh, U, S, Vh), with U, Vh (and their grads) narrowed to k = min(m, n) columns
        U, S, Vh = ctx.saved_tensors
        k = S.shape[-1]
        if ctx.full:  # the extra columns of U / rows of Vh carry no derivative
            cu, cv = columns(U.shape[-1], 0, k, U), columns(Vh.shape[-2], 0, k, Vh)
            U, Vh = U @ cu, cv.T @ Vh
            gU = None if gU is None else gU @ cu
            gVh = None if gVh is None else cv.T @ gVh
        return _svd_backward(gU, gS, gVh, U, S, Vh), None


def _svd_backward(gU, gS, gVh, U, S, Vh):
    """Townsend's formula: gA = U [sym parts / (s_j^2 - s_i^2), scaled by S, + diag(gS)] Vh, plus the parts of
    gU (gVh) outside the column space of U (row space of Vh)."""
    xp = xp_of(U)  # NumPy, or txp on Tensors (create_graph)
    k = S.shape[-1]
    m, n = U.shape[-2], Vh.shape[-1]
    eye = _eye(k, S)
    inner = 0 if gS is None else _diag_embed(gS, S)
    if gU is None and gVh is None:
        return U @ (inner @ Vh)
    S2 = S * S
    # 1 / (s_j^2 - s_i^2) off the diagonal (the Tensor on the left: ndarray / Tensor would go through NumPy's
    # __array_ufunc__)
    F = 1 / (xp.expand_dims(S2, -2) - xp.expand_dims(S2, -1) + eye) * (1 - eye)
    Sr, Sc = xp.expand_dims(S, -1), xp.expand_dims(S, -2)  # s_i down the rows, s_j across the columns
    extra = 0
    if gU is not None:
        UtgU = U.mT @ gU
        inner = inner + F * (UtgU - UtgU.mT) * Sc
        if m > k:
            extra = (gU - U @ UtgU) / Sc @ Vh
    if gVh is not None:
        V, gV = Vh.mT, gVh.mT
        VtgV = V.mT @ gV
        inner = inner + Sr * (F * (VtgV - VtgV.mT))
        if n > k:
            extra = extra + U @ ((gVh - (gVh @ V) @ Vh) / Sr)
    return U @ (inner @ Vh) + extra


class LinalgSvdvals(Function):
    _builtin = True
    _node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, A):
        U, S, Vh = xp.linalg.svd(A, full_matrices=False)
        ctx.save_for_backward(A, U, Vh)
        return S

    @staticmethod
    def backward(ctx, grad):
        # A: U diag(gS) Vh; under create_graph U, Vh are recomputed on Tensors so they are differentiated too
        A, U, Vh = ctx.saved_tensors
        if isinstance(A, _t.Tensor):
            U, _, Vh = dispatch(LinalgSvd, A, False)
        return U @ (_diag_embed(grad, U) @ Vh)


def _svd_checks(A):
    check_matrix(A, "linalg.svd", square=False)
    if A._data.dtype.itemsize == 2 and A._data.dtype.kind in "fV":  # float16, bfloat16
        raise NotImplementedError(f"\"linalg_svd_cpu\" not implemented for '{tname(A)}'")


def _no_driver(driver, fname):
    if driver is not None:
        raise RuntimeError(f"torch.linalg.{fname}: keyword argument `driver=` is only supported on CUDA inputs with "
                           f"cuSOLVER backend.")


def linalg_svd(A, full_matrices=True, *, driver=None):
    """U, S, Vh with A = U diag(S) Vh; S descending."""
    _no_driver(driver, "svd")
    _svd_checks(A)
    return _lsvd_t(*LinalgSvd.apply(A, bool(full_matrices)))


def svdvals(A, *, driver=None):
    _no_driver(driver, "svdvals")
    _svd_checks(A)
    return LinalgSvdvals.apply(A)


def svd(input, some=True, compute_uv=True):
    """Deprecated ``torch.svd``: (U, S, V) with V = Vh^T; ``compute_uv=False`` gives zero U and V.

    Args:
        input (Tensor): the input tensor.
        some (bool, optional): the reduced (True) or full decomposition.
        compute_uv (bool, optional): compute ``U`` and ``V`` (else zeros).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> U, S, V = torch.svd(torch.tensor([[3., 0.], [0., -2.]]))
        >>> S
        tensor([3., 2.])
        >>> torch.allclose(U @ torch.diag(S) @ V.T, torch.tensor([[3., 0.], [0., -2.]]))
        True
    """
    _svd_checks(input)
    if not compute_uv:
        m, n = input._data.shape[-2:]
        S = svdvals(input)
        batch = input._data.shape[:-2]
        zeros = lambda r: _t.make(xp.zeros(batch + (r, r), input._data.dtype))  # noqa: E731
        return _svd_t(zeros(m), S, zeros(n))
    from .shape import transpose
    U, S, Vh = LinalgSvd.apply(input, not some)
    return _svd_t(U, S, transpose(Vh, -2, -1))
