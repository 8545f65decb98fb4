"""Matrix functions and norms: pinv, matrix_exp, matrix_power, lstsq, solve_triangular, matrix_rank, vector_norm,
matrix_norm, norm (linalg.norm and the legacy torch.norm).

Derivatives are written once (matmuls, ``.mT``, constant masks, ``dispatch`` of these ops) and so serve both a
plain backward on arrays and ``create_graph`` on Tensors. Masks that select elements (the max of an inf-norm, the
zeros a p-norm skips) are constants computed from the values, as torch's formulas treat them.
"""
import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, dispatch
from .._shape import norm_dim, UNSET, np_alias
from .. import _tensor as _t, _dtype
from .linalg_common import (tname, need_tensor as _need_tensor, dtype_of as _dtype_of, data as _data,
                            check_matrix, return_type, const)
from .linalg_decomp import inv, LinalgSvdvals

__all__ = ["pinverse", "matrix_exp", "matrix_power", "norm"]

_lstsq_t = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


# ----------------------------------------------------------------------------------------------------- pinv
class LinalgPinv(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        X = _pinv_array(A, atol, rtol, hermitian)
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        # A: pinv_backward(grad, result, A)
        A, X = ctx.saved_tensors
        return _pinv_adjoint(grad, X, A), None, None, None


def _pinv_adjoint(G, X, A):
    """Adjoint of dX for X = pinv(A) at constant rank (Golub & Pereyra):
    gA = -X^T G X^T + (I - A X) G^T X X^T + X^T X G^T (I - X A), without forming the identities."""
    XT, GT = X.mT, G.mT
    t1 = -(XT @ (G @ XT))
    t2 = (GT - (A @ X) @ GT) @ (X @ XT)
    t3 = (XT @ X) @ (GT - GT @ (X @ A))
    return t1 + t2 + t3


def _pinv_array(A, atol, rtol, hermitian):
    if A.shape[-1] == 0 or A.shape[-2] == 0:
        return xp.zeros(A.shape[:-2] + (A.shape[-1], A.shape[-2]), A.dtype)
    if hermitian:
        w, V = xp.linalg.eigh(A)
        s = xp.abs(w)
    else:
        U, s, Vh = xp.linalg.svd(A, full_matrices=False)
    smax = xp.max(s, axis=-1, keepdims=True)
    tol = xp.maximum(atol, rtol * smax)
    keep = s > tol
    if hermitian:
        inv_w = xp.where(keep, 1 / xp.where(keep, w, 1), 0)
        return ((V * xp.expand_dims(inv_w, -2)) @ V.mT).astype(A.dtype)
    inv_s = xp.where(keep, 1 / xp.where(keep, s, 1), 0)
    return ((Vh.mT * xp.expand_dims(inv_s, -2)) @ U.mT).astype(A.dtype)


def _tol(x, A):
    if x is None:
        return None
    v = _data(x)
    return xp.asarray(v, A._data.dtype)[..., None] if isinstance(x, _t.Tensor) else float(v)


def _tolerances(A, atol, rtol):
    """torch's rule: rtol defaults to eps * max(m, n) unless a positive atol is given (then 0)."""
    atol_v, rtol_v = _tol(atol, A), _tol(rtol, A)
    if rtol_v is None:
        eps = float(np.finfo(A._data.dtype).eps * max(A._data.shape[-2:]))
        rtol_v = eps if atol_v is None or (not isinstance(atol_v, np.ndarray) and atol_v <= 0) else 0.0
    return 0.0 if atol_v is None else atol_v, rtol_v


def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None):
    """Moore-Penrose pseudo-inverse; singular values below ``max(atol, rtol * s_max)`` are treated as zero."""
    _need_tensor(A, "linalg_pinv", "input", 1)
    d = A._data
    if d.ndim < 2 or d.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"linalg.pinv({tname(A)}{{{list(d.shape)}}}): expected a tensor with 2 or more dimensions of "
                           f"float, double, cfloat or cdouble types")
    if rcond is not None:
        rtol = rcond
    atol_v, rtol_v = _tolerances(A, atol, rtol)
    return LinalgPinv.apply(A, atol_v, rtol_v, bool(hermitian))


def pinverse(input, rcond=1e-15):
    """Moore-Penrose pseudo-inverse of a matrix (or batch), through the SVD.

    The same as ``linalg.pinv(input, rtol=rcond)``.

    Args:
        input (Tensor): a ``(*, m, n)`` tensor.
        rcond (float, optional): singular values below ``rcond`` times the largest are treated as zero (default
            1e-15).

    Returns:
        Tensor: a ``(*, n, m)`` tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.pinverse(torch.tensor([[1., 0.], [0., 2.], [0., 0.]]))
        tensor([[1.0000, 0.0000, 0.0000],
                [0.0000, 0.5000, 0.0000]])
    """
    return pinv(input, rtol=rcond)


# ----------------------------------------------------------------------------------------------- matrix_exp
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
           10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm_array(A):
    """Scaling and squaring with the degree-13 Pade approximant (Higham 2005), per matrix of the batch."""
    dtype = A.dtype
    a = A.astype(np.float64)
    n = a.shape[-1]
    if n == 0:
        return A.copy()
    norm = xp.max(xp.sum(xp.abs(a), axis=-2), axis=-1)  # the 1-norm of each matrix
    s = xp.maximum(0, xp.ceil(xp.log2(xp.maximum(norm, 1e-300) / _THETA13))).astype(int)
    a = a / xp.expand_dims(2.0 ** s, (-2, -1))
    b = _PADE13
    eye = xp.eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    for i in range(int(s.max(initial=0))):
        sq = r @ r
        r = xp.where(xp.expand_dims(s > i, (-2, -1)), sq, r)
    return r.astype(dtype)


class LinalgMatrixExp(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return _expm_array(A)

    @staticmethod
    def backward(ctx, grad):
        # A: linalg_matrix_exp_differential(A, grad, adjoint=true): the top-right block of exp([[A^T, G], [0, A^T]])
        A, = ctx.saved_tensors
        n = A.shape[-1]
        dt = _dtype_of(A)
        top = const(xp.eye(2 * n, n, dtype=dt), A)  # [I; 0]: top @ X @ top.T puts X in the top-left block
        bottom = const(xp.eye(2 * n, n, -n, dtype=dt), A)  # [0; I]
        AT = A.mT
        block = top @ AT @ top.T + top @ grad @ bottom.T + bottom @ AT @ bottom.T
        return top.T @ dispatch(LinalgMatrixExp, block) @ bottom


def matrix_exp(A):
    """exp(A) of (a batch of) square matrices.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.

    Example:
        >>> import npgrad as torch
        >>> torch.matrix_exp(torch.tensor([[0., 1.], [0., 0.]]))
        tensor([[1., 1.],
                [0., 1.]])
        >>> torch.matrix_exp(torch.zeros(2, 2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    check_matrix(A, "linalg.matrix_exp")
    return LinalgMatrixExp.apply(A)


# --------------------------------------------------------------------------------------------- matrix_power
class _IdentityCopy(Function):
    """``matrix_power(A, 0)``: identity matrices copied into a new tensor; no gradient reaches A."""
    _builtin = True
    _node_name = "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, A):
        return xp.broadcast_to(xp.eye(A.shape[-1], dtype=A.dtype), A.shape).copy()

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return grad * 0


def matrix_power(A, n):
    """A to the integer power n (n < 0 uses the inverse), by repeated squaring with matmul.

    Args:
        A (Tensor): a square matrix or a batch of them, shape ``(*, n, n)``.
        n (int): the power (negative uses the inverse).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[1., 1.], [0., 1.]])
        >>> torch.matrix_power(A, 3)
        tensor([[1., 3.],
                [0., 1.]])
        >>> torch.matrix_power(A, -1)
        tensor([[ 1., -1.],
                [ 0.,  1.]])
    """
    _need_tensor(A, "linalg_matrix_power", "input", 1)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    d = A._data
    if d.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if d.shape[-1] != d.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are {d.shape[-2]} "
                           f"by {d.shape[-1]} matrices")
    from .linalg import matmul
    from .shape import clone
    if n == 0:
        return _IdentityCopy.apply(A)
    if n < 0:
        A, n = inv(A), -n
        if n == 1:
            return A
    elif n == 1:
        return clone(A)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


# ---------------------------------------------------------------------------------------------------- lstsq
class LinalgLstsq(Function):
    """Least squares: the solution (and residuals); the derivative is the solution's, through pinv(A)."""
    _builtin = True
    _ctx_fields = ("vec",)
    _nondiff_out = (1, 3)  # residuals and singular values carry no derivative here

    @staticmethod
    def forward(ctx, A, B, vec, rcond, with_res):
        ctx.vec = vec
        Bm = B[..., None] if vec else B
        batch = xp.broadcast_shapes(A.shape[:-2], Bm.shape[:-2])
        Ab = xp.broadcast_to(A, batch + A.shape[-2:]).reshape((-1,) + A.shape[-2:])
        Bb = xp.broadcast_to(Bm, batch + Bm.shape[-2:]).reshape((-1,) + Bm.shape[-2:])
        n, k = A.shape[-1], Bm.shape[-1]
        X = xp.empty((len(Ab), n, k), A.dtype)
        ranks = xp.empty(len(Ab), np.int64)
        svals = xp.empty((len(Ab), min(A.shape[-2:])), A.dtype)
        for i, (a, b) in enumerate(zip(Ab, Bb)):
            X[i], _, ranks[i], svals[i] = xp.linalg.lstsq(a, b, rcond=rcond)
        X = X.reshape(batch + (n, k))
        res = xp.zeros((0,), A.dtype)
        if with_res and A.shape[-2] > n and xp.all(ranks == n):
            res = xp.sum((A @ X - Bm) ** 2, axis=-2).astype(A.dtype)  # one per column (1 for a vector B)
        X = X[..., 0] if vec else X
        ctx.save_for_backward(A, B, X)
        return X, res, ranks.reshape(batch), svals.reshape(batch + svals.shape[-1:])

    @staticmethod
    def backward(ctx, gX, gres=None, grank=None, gsv=None):
        # self, b: linalg_lstsq_backward(grad_solution, self, b): X = pinv(A) B
        xp = ctx.xp
        A, B, X = ctx.saved_tensors
        if gX is None:
            return None, None, None, None, None
        P = dispatch(LinalgPinv, A, 0.0, _default_rtol(A), False)
        gXm = xp.expand_dims(gX, -1) if ctx.vec else gX
        Bm = xp.expand_dims(B, -1) if ctx.vec else B
        need = ctx.needs_input_grad
        gA = _pinv_adjoint(gXm @ Bm.mT, P, A) if need[0] else None
        gB = P.mT @ gXm if need[1] else None
        if gB is not None and ctx.vec:
            gB = xp.squeeze(gB, -1)
        return gA, gB, None, None, None


def _default_rtol(A):
    d = _dtype_of(A)
    return float(np.finfo(d).eps * max(A.shape[-2:]))


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B`` (minimum norm); returns (solution, residuals, rank, singular_values)."""
    _need_tensor(A, "linalg_lstsq", "self", 1)
    _need_tensor(B, "linalg_lstsq", "b", 2)
    if A._data.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B._data.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {tname(A)} and other's dtype {tname(B)}")
    if not is_float_np(A._data.dtype):
        raise RuntimeError(f"torch.linalg.lstsq: Expected a floating point or complex tensor as input. Got "
                           f"{tname(A)}")
    if A._data.dtype.itemsize == 2:  # float16, bfloat16: torch's LAPACK path refuses them
        raise RuntimeError("This function doesn't handle types other than float and double")
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vec = B._data.ndim == A._data.ndim - 1
    from .._shape import broadcast_shapes
    broadcast_shapes(A._data.shape[:-2], B._data.shape[:-1] if vec else B._data.shape[:-2])
    rows = B._data.shape[-1] if vec else B._data.shape[-2]
    if rows != A._data.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    rc = None if rcond is None else float(rcond)
    X, res, rank, sv = LinalgLstsq.apply(A, B, vec, rc, driver != "gelsy")
    empty_i = _t.make(xp.zeros((0,), np.int64))
    empty_f = _t.make(xp.zeros((0,), A._data.dtype))
    return _lstsq_t(X, res, rank if driver != "gels" else empty_i, sv if driver in ("gelsd", "gelss") else empty_f)




# ------------------------------------------------------------------------------------- solve_triangular
def _triangle(A, upper, unit):
    """The triangle of A that a triangular solve reads (with a unit diagonal when ``unit``), as a product
    with a constant mask so that it differentiates."""
    n = A.shape[-1]
    dt = _dtype_of(A)
    mask = xp.tri(n, n, -1 if unit else 0, dtype=dt)
    mask = mask.T if upper else mask
    T = A * mask
    return T + xp.eye(n, dtype=dt) if unit else T


def _substitute(T, B, upper):
    """Forward/back substitution (only when LAPACK's solve refuses a zero pivot: torch returns inf/NaN)."""
    n = T.shape[-1]
    T, B = xp.broadcast_arrays(T[..., :, :, None], B[..., :, None, :])
    T, B = T[..., 0], B[..., 0, :]
    X = xp.zeros(xp.broadcast_shapes(T.shape[:-2], B.shape[:-2]) + B.shape[-2:], B.dtype)
    for i in (range(n - 1, -1, -1) if upper else range(n)):
        acc = B[..., i, :] - xp.einsum("...j,...jk->...k", T[..., i, :], X)
        X[..., i, :] = acc / T[..., i, i, None]
    return X


class LinalgSolveTriangular(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("upper", "left", "unit")

    @staticmethod
    def forward(ctx, A, B, upper, left, unit):
        ctx.upper, ctx.left, ctx.unit = upper, left, unit
        T = _triangle(A, upper, unit)
        if not left:  # X T = B  <=>  T^T X^T = B^T
            T, B, upper = T.mT, B.mT, not upper
        try:
            X = xp.linalg.solve(T, B)
        except np.linalg.LinAlgError:
            X = _substitute(T, B, upper)
        X = xp.ascontiguousarray(X.mT) if not left else X
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        # A, B: linalg_solve_triangular_backward: gB = T^{-H} gX (left); gA = -(gB X^H) restricted to the triangle
        A, X = ctx.saved_tensors
        upper, left, unit = ctx.upper, ctx.left, ctx.unit
        gB = dispatch(LinalgSolveTriangular, A.mT, grad, not upper, left, unit)
        if not ctx.needs_input_grad[0]:
            return None, gB, None, None, None
        gA = -(gB @ X.mT) if left else -(X.mT @ gB)
        n = A.shape[-1]
        mask = xp.tri(n, n, -1 if unit else 0, dtype=_dtype_of(A))
        return gA * (mask.T if upper else mask), gB, None, None, None


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """Solve ``T X = B`` (or ``X T = B``) reading only the upper or lower triangle T of A."""
    check_matrix(A, "linalg.solve_triangular")
    _need_tensor(B, "linalg_solve_triangular", "B", 2)
    if B._data.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve_triangular: Expected A and B to have the same dtype, but found A of type "
                           f"{tname(A)} and B of type {tname(B)} instead")
    from .linalg_common import no_half
    no_half(A, "triangular_solve_cpu")
    n, sb = A._data.shape[-1], B._data.shape
    if (sb[-2] if left else sb[-1]) != n:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {sb[-2]}x{sb[-1]})")
    from .._shape import broadcast_shapes
    broadcast_shapes(A._data.shape[:-2], sb[:-2])
    return LinalgSolveTriangular.apply(A, B, bool(upper), bool(left), bool(unitriangular))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """Number of singular values above ``max(atol, rtol * s_max)`` (int64, no gradient)."""
    check_matrix(A, "linalg.matrix_rank", square=False)
    d = A._data
    if d.dtype.itemsize == 2:  # float16, bfloat16: torch's LAPACK path refuses them (rtol alone: its kernel)
        if rtol is not None:
            raise NotImplementedError(f"\"{'linalg_eigh_cpu' if hermitian else 'linalg_svd_cpu'}\" not implemented "
                                      f"for '{tname(A)}'")
        raise RuntimeError("This function doesn't handle types other than float and double")
    s = xp.abs(xp.linalg.eigvalsh(d)) if hermitian else xp.linalg.svd(d, compute_uv=False)
    atol_v, rtol_v = _tolerances(A, atol, rtol)
    smax = xp.max(s, axis=-1, keepdims=True, initial=0)
    tol = xp.maximum(atol_v, rtol_v * smax)
    return _t.make(xp.sum(s > tol, axis=-1).astype(np.int64))


# ---------------------------------------------------------------------------------------------------- norms
_INF = float("inf")


class LinalgVectorNorm(Function):
    _builtin = True
    _ctx_fields = ("ord", "dims", "keepdim")

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        r = _vector_norm_array(x, ord, dims, keepdim)
        ctx.save_for_backward(x, r)
        return r

    @staticmethod
    def backward(ctx, grad):
        # self: linalg_vector_norm_backward(grad, self, ord, result, dim, keepdim)
        xp = ctx.xp
        x, r = ctx.saved_tensors
        p, dims = ctx.ord, ctx.dims
        if p == 0:
            return None, None, None, None
        if not ctx.keepdim and dims:
            grad, r = xp.expand_dims(grad, dims), xp.expand_dims(r, dims)
        xd, rd = _data(x), _data(r)
        dt = xd.dtype
        if p == 1:
            return grad * xp.sign(x), None, None, None
        if p == 2:
            # the zero vector has norm 0 and gradient 0: divide by 1 there (x is 0 too)
            return x / (r + (rd == 0).astype(dt)) * grad, None, None, None  # this order rounds float16 as torch
        if p in (_INF, -_INF):
            # ties share the gradient evenly, as amax/amin do
            hit = (xp.abs(xd) == rd).astype(dt)
            share = hit / xp.maximum(xp.sum(hit, axis=dims, keepdims=True), 1)
            return grad * xp.sign(x) * share, None, None, None
        # p-norm: sign(x) |x|^(p-1) / r^(p-1); zero elements (for p < 1) and zero norms give 0
        zx, zr = (xd == 0).astype(dt), (rd == 0).astype(dt)
        term = xp.sign(x) * (xp.abs(x) + zx) ** (p - 1) * (1 - zx)
        return term * (grad / (r + zr) ** (p - 1) * (1 - zr)), None, None, None


def _vector_norm_array(x, p, dims, keepdim):
    a = xp.abs(x.astype(np.float32) if x.dtype.itemsize == 2 and x.dtype.kind in "fV" else x)  # float16/bfloat16: float32 sums
    axis = dims if dims else None
    if p == 2:
        r = xp.sqrt(xp.sum(a * a, axis=axis, keepdims=keepdim))
    elif p == 1:
        r = xp.sum(a, axis=axis, keepdims=keepdim)
    elif p == 0:
        r = xp.sum(a != 0, axis=axis, keepdims=keepdim).astype(a.dtype)
    elif p == _INF:
        r = xp.max(a, axis=axis, keepdims=keepdim)
    elif p == -_INF:
        r = xp.min(a, axis=axis, keepdims=keepdim)
    else:
        r = xp.sum(a ** p, axis=axis, keepdims=keepdim) ** (1.0 / p)
    return xp.asarray(r, x.dtype)


def _check_norm_dtype(x, dtype, fname):
    if not is_float_np(x._data.dtype):
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. Got {tname(x)}")
    if dtype is None:
        return x
    dtype = _dtype.parse(dtype, fname)
    if not dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got "
                           f"{tname(_t.make(xp.zeros(0, dtype.np)))}")
    if np.dtype(dtype.np).itemsize < x._data.dtype.itemsize:
        raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({tname(x)}) should be convertible without "
                           f"narrowing to the specified dtype ({tname(_t.make(xp.zeros(0, dtype.np)))})")
    return x.to(dtype)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """The ``ord``-norm of the elements over ``dim`` (all of them by default); gradient 0 at the zero vector.

    >>> import npgrad
    >>> npgrad.linalg.vector_norm(npgrad.tensor([3.0, 4.0]))
    tensor(5.)
    """
    _need_tensor(x, "linalg_vector_norm", "input", 1)
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("linalg_vector_norm", dim, axis, None, keepdim, keepdims)
    if isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
                        f"{type(ord).__name__}")
    x = _check_norm_dtype(x, dtype, "linalg.vector_norm")
    nd = x._data.ndim
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        dims = tuple(range(nd))
        whole = True
    else:
        whole = False
        given = [norm_dim(d, max(nd, 1)) for d in ((dim,) if isinstance(dim, int) else dim)]
        if len(set(given)) != len(given):
            raise RuntimeError(f"dim {given[0]} appears multiple times in the list of dims")
        dims = tuple(sorted(d for d in given if d < nd))  # a 0-d input accepts dim 0 / -1
    if ord < 0 or ord == _INF:
        shape = x._data.shape
        if whole and x._data.size == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt(ord)} norm on an empty tensor because "
                               f"the operation does not have an identity")
        for d in dims:
            if shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt(ord)} norm on the dimension {d}"
                                   f"because this dimension is empty and the operation does not have an identity")
    return LinalgVectorNorm.apply(x, ord, dims, bool(keepdim))


def _fmt(p):
    return str(int(p)) if isinstance(p, float) and p.is_integer() else str(p)


class _Amax(Function):
    """amax over one dim (ties share the gradient evenly); matrix norms record it last, as torch does."""
    _builtin = True
    _ctx_fields = ("dim", "keepdim")
    _node_name = "AmaxBackward0"
    _reduce = staticmethod(xp.max)

    @classmethod
    def forward(cls, ctx, x, dim, keepdim):
        ctx.dim, ctx.keepdim = dim, keepdim
        r = cls._reduce(x, axis=dim, keepdims=keepdim)
        r = xp.asarray(r, x.dtype)
        ctx.save_for_backward(x, r)
        return r

    @staticmethod
    def backward(ctx, grad):
        # self: scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim), result == self, dim)
        xp = ctx.xp
        x, r = ctx.saved_tensors
        if not ctx.keepdim:
            grad, r = xp.expand_dims(grad, ctx.dim), xp.expand_dims(r, ctx.dim)
        hit = (_data(x) == _data(r)).astype(_dtype_of(x))
        return grad * (hit / xp.sum(hit, axis=ctx.dim, keepdims=True)), None, None


class _Amin(_Amax):
    _node_name = "AminBackward0"
    _reduce = staticmethod(xp.min)


def _amax(x, dim, keepdim, cls=_Amax):
    if x._data.shape[dim] == 0:
        raise IndexError(f"{'amax' if cls is _Amax else 'amin'}(): Expected reduction dim {dim} to have non-zero "
                         f"size.")
    return cls.apply(x, dim, keepdim)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, _INF, -_INF)


_LAST2 = (-2, -1)


def matrix_norm(A, ord="fro", dim=_LAST2, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """Matrix norms over the two dims ``dim``: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf."""
    _need_tensor(A, "linalg_matrix_norm", "input", 1)
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("linalg_matrix_norm", dim, axis, _LAST2, keepdim, keepdims)
    nd = A._data.ndim
    if nd < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    A = _check_norm_dtype(A, dtype, "linalg.matrix_norm")
    if isinstance(dim, int) or len(dim) != 2:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dims)}")
    d0, d1 = norm_dim(dim[0], nd), norm_dim(dim[1], nd)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if isinstance(ord, bool) or ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in (1, -1, _INF, -_INF):
        # 1: max over columns of the column sums of |A|; inf: the same on rows
        d_sum, d_max = (d0, d1) if abs(ord) == 1 else (d1, d0)
        s = vector_norm(A, 1, d_sum, keepdim)
        if not keepdim and d_sum < d_max:
            d_max -= 1
        return _amax(s, d_max, keepdim, _Amax if ord > 0 else _Amin)
    # spectral norms: the singular values of the matrices moved to the last two dims; keepdim moves them back
    if A._data.dtype.itemsize == 2 and A._data.dtype.kind in "fV":  # float16, bfloat16
        raise RuntimeError(f"linalg.matrix_norm: Low precision dtypes not supported. Got {tname(A)}")
    from .shape import permute, unsqueeze
    perm = tuple(i for i in range(nd) if i not in (d0, d1)) + (d0, d1)
    S = svdvals_of(permute(A, perm))
    last = S._data.ndim - 1
    if ord == "nuc":
        from .reduction import sum as _sum
        res = _sum(S, last, keepdim)
    else:
        res = _amax(S, last, keepdim, _Amax if ord > 0 else _Amin)
    if keepdim:
        res = permute(unsqueeze(res, -1), tuple(perm.index(i) for i in range(nd)))
    return res


def svdvals_of(A):
    if A._data.dtype.itemsize == 2 and A._data.dtype.kind in "fV":  # float16, bfloat16
        raise NotImplementedError(f"\"linalg_svd_cpu\" not implemented for '{tname(A)}'")
    return LinalgSvdvals.apply(A)


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, axis=UNSET, keepdims=UNSET):
    """``npgrad.linalg.norm``: a vector or a matrix norm depending on ``ord`` and ``dim`` (as in torch)."""
    _need_tensor(A, "linalg_norm", "input", 1)
    if axis is not UNSET or keepdims is not UNSET:
        dim, keepdim = np_alias("linalg_norm", dim, axis, None, keepdim, keepdims)
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A._data.ndim}D.")
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and A._data.ndim == 2):
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """Legacy ``torch.norm``: 'fro' (the 2-norm of the elements), 'nuc', or a number p (a vector p-norm).

    Args:
        input (Tensor): the input tensor.
        p (float or str, optional): ``'fro'`` (default), ``'nuc'``, or a vector norm's order.
        dim (int or tuple of ints, optional): the dims to reduce; all when omitted.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): the tensor to write the result into.
        dtype (npgrad.dtype, optional): cast ``input`` to this dtype before the operation.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[3., 4.], [0., 0.]])
        >>> torch.norm(x)
        tensor(5.)
        >>> torch.norm(x, p=1, dim=1)
        tensor([7., 0.])
        >>> torch.norm(torch.eye(2), p='nuc')
        tensor(2.)

        The method form is the same function (``p=None`` is the 2-norm):

        >>> y = torch.tensor([[3.0, 4.0], [6.0, 8.0]])
        >>> y.norm()
        tensor(11.1803)
        >>> y.norm(dim=1)
        tensor([ 5., 10.])
        >>> y.norm(None, 0)
        tensor([6.7082, 8.9443])
        >>> y.norm(p=float('inf'))
        tensor(8.)
    """
    _need_tensor(input, "norm", "input", 1)
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        return matrix_norm(input, p, tuple(range(input._data.ndim)) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)
