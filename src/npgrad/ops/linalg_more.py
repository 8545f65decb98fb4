"""The rest of torch.linalg as composites of existing ops (their derivatives follow): ``vander``, ``cond``,
``tensorinv``, ``tensorsolve``, ``householder_product``.

>>> import npgrad
>>> npgrad.linalg.vander(npgrad.tensor([1.0, 2.0, 3.0]))
tensor([[1., 1., 1.],
        [1., 2., 4.],
        [1., 3., 9.]])
"""
import math

import numpy as np
from .._xp import xp

from .. import _tensor as _t
from .linalg_common import check_matrix, need_tensor

__all__ = []


def vander(x, *, N=None):
    """Columns x^0, x^1, ..., x^(N-1) (increasing powers), batched over x's leading dims."""
    from .joining import cat
    from .reduction_scan import cumprod
    need_tensor(x, "linalg_vander", "x", 1)
    if x.dim() < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    if x._data.dtype.itemsize == 2 and x._data.dtype.kind in "fV":  # float16, bfloat16
        from .linalg_common import tname
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got {tname(x)}")
    n = x.shape[-1] if N is None else N
    if n < 1:
        raise RuntimeError("linalg.vander: N must be greater than 1.")
    if x._data.dtype.kind in "bu" or x._data.dtype.kind == "i":
        x = x.long()
    ones = _t.make(xp.ones(tuple(x.shape) + (1,), x._data.dtype))
    if n == 1:
        return ones
    powers = cumprod(x.unsqueeze(-1).expand(*x.shape, n - 1), -1)
    return cat([ones, powers], -1)


def cond(A, p=None):
    """The condition number of A in the norm ``p``: sigma_max / sigma_min for p in (None, 2, -2 gives the
    reciprocal), else ``norm(A, p) * norm(inv(A), p)``."""
    from .linalg_decomp import svdvals, inv
    from .linalg_func import matrix_norm
    check_matrix(A, "linalg.cond", square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        s = svdvals(A)
        big, small = s.narrow(-1, 0, 1).squeeze(-1), s.narrow(-1, s.shape[-1] - 1, 1).squeeze(-1)
        return big / small if p != -2 else small / big
    if p not in ("fro", "nuc", math.inf, -math.inf, 1, -1):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def tensorinv(A, ind=2):
    """The inverse of A seen as a map from its last dims to its first ``ind`` dims."""
    from .linalg_decomp import inv
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape = tuple(A.shape[ind:]) + tuple(A.shape[:ind])
    rows = int(xp.prod(A.shape[:ind]))
    cols = int(xp.prod(A.shape[ind:]))
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(A.reshape(rows, cols)).reshape(out_shape)


def tensorsolve(A, B, dims=None):
    """X with ``tensordot(A, X, X.ndim) == B``: A's trailing dims (after moving ``dims`` last) are X's shape."""
    from .linalg_decomp import solve
    if dims is not None:
        nd = A.dim()
        dims = [d % nd for d in dims]
        rest = [i for i in range(nd) if i not in dims]
        A = A.permute(*(rest + dims))
    x_shape = tuple(A.shape[B.dim():])
    n = int(xp.prod(x_shape))
    m = int(xp.prod(B.shape))
    if n != m:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {n} != {m}")
    return solve(A.reshape(m, n), B.reshape(m)).reshape(x_shape)


def householder_product(A, tau):
    """The first n columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^H, v_i the i-th column of A below the
    diagonal with a unit at the diagonal (LAPACK's orgqr)."""
    check_matrix(A, "torch.linalg.householder_product", square=False, argname="input")
    from .linalg_common import no_half
    no_half(A, "orgqr_cpu")
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if k > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    dt = A._data.dtype
    below = xp.tri(m, n, -1, dtype=dt)
    V = A * _t.make(below) + _t.make(xp.eye(m, n, dtype=dt))  # unit diagonal, zeros above
    Q = _t.make(xp.broadcast_to(xp.eye(m, dtype=dt), tuple(A.shape[:-2]) + (m, m)).copy())
    for i in range(k):
        v = V.narrow(-1, i, 1)                           # (..., m, 1)
        t = tau.narrow(-1, i, 1).unsqueeze(-1)           # (..., 1, 1)
        Q = Q - (Q @ v) @ (v.mT * t)
    return Q.narrow(-1, 0, n)


# ---------------------------------------------------------------------------------------------- LDL^T
_ALPHA = (1 + math.sqrt(17)) / 8  # Bunch-Kaufman's pivot threshold


def _sytf2_lower(A):
    """LAPACK's unblocked Bunch-Kaufman LDL^T of a symmetric matrix (lower triangle): the compact LD (upper
    triangle zeroed), 1-based pivots (negative for 2x2 blocks) and info (the first zero pivot, 1-based)."""
    a = xp.tril(xp.array(A, dtype=A.dtype, copy=True))
    a = a + xp.tril(a, -1).T  # a symmetric working copy: row and column accesses agree
    n = a.shape[0]
    piv = xp.zeros(n, np.int32)
    info = 0
    k = 0
    while k < n:
        kstep = 1
        absakk = abs(a[k, k])
        if k < n - 1:
            imax = k + 1 + int(xp.argmax(xp.abs(a[k + 1:, k])))
            colmax = abs(a[imax, k])
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0 or xp.isnan(absakk):
            info = info or k + 1
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                rowmax = xp.max(xp.abs(a[imax, k:imax])) if imax > k else 0.0
                if imax < n - 1:
                    rowmax = max(rowmax, xp.max(xp.abs(a[imax + 1:, imax])))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(a[imax, imax]) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:  # symmetric interchange of rows and columns kk and kp in the trailing matrix only
                a[[kk, kp], k:] = a[[kp, kk], k:]          # (the columns of L already made stay as they are:
                a[k:, [kk, kp]] = a[k:, [kp, kk]]          # sytrs applies the interchanges as it goes)
            if kstep == 1:
                if k < n - 1:
                    x = a[k + 1:, k].copy()
                    a[k + 1:, k + 1:] -= xp.outer(x, x) / a[k, k]
                    a[k + 1:, k] = x / a[k, k]
                    a[k, k + 1:] = a[k + 1:, k]
            elif k < n - 2:
                d21 = a[k + 1, k]
                d11 = a[k + 1, k + 1] / d21
                d22 = a[k, k] / d21
                t = 1 / (d11 * d22 - 1)
                d21 = t / d21
                ck, ck1 = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                wk = d21 * (d11 * ck - ck1)
                wkp1 = d21 * (d22 * ck1 - ck)
                a[k + 2:, k + 2:] -= xp.outer(ck, wk) + xp.outer(ck1, wkp1)
                a[k + 2:, k], a[k + 2:, k + 1] = wk, wkp1
                a[k, k + 2:], a[k + 1, k + 2:] = wk, wkp1
        if kstep == 1:
            piv[k] = kp + 1
        else:
            piv[k] = piv[k + 1] = -(kp + 1)
        k += kstep
    return xp.tril(a), piv, info


def _sytrs_lower(LD, piv, B):
    """Solve A X = B from ``_sytf2_lower``'s factorisation (LAPACK's sytrs, lower)."""
    a, b = LD, xp.array(B, copy=True)
    n = a.shape[0]
    k = 0
    while k < n:  # L D Y = B
        if piv[k] > 0:
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= xp.outer(a[k + 1:, k], b[k])
            b[k] /= a[k, k]
            k += 1
        else:
            kp = -piv[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2:] -= xp.outer(a[k + 2:, k], b[k]) + xp.outer(a[k + 2:, k + 1], b[k + 1])
            akm1k = a[k + 1, k]
            akm1, ak = a[k, k] / akm1k, a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1
            bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T X = Y
        if piv[k] > 0:
            b[k] -= a[k + 1:, k] @ b[k + 1:]
            kp = piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= a[k + 1:, k] @ b[k + 1:]
            b[k - 1] -= a[k + 1:, k - 1] @ b[k + 1:]
            kp = -piv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def _batched(fn, *arrays):
    lead = arrays[0].shape[:-2]
    flat = [x.reshape((-1,) + x.shape[len(lead):]) for x in arrays]
    with np.errstate(all="ignore"):  # outside an op (RNN cells call it too): inf/NaN silently
        outs = [fn(*parts) for parts in zip(*flat)]
    return outs, lead


def _ldl(A, fname):
    check_matrix(A, fname)
    if A._data.dtype.itemsize == 2 and A._data.dtype.kind in "fV":  # float16, bfloat16
        raise NotImplementedError("\"linalg_ldl_factor_ex_out\" not implemented for "
                                  f"'{'Half' if A._data.dtype.kind == 'f' else 'BFloat16'}'")
    outs, lead = _batched(_sytf2_lower, A._data)
    n = A.shape[-1]
    LD = xp.stack([o[0] for o in outs]).reshape(lead + (n, n)) if outs else xp.zeros(A._data.shape, A._data.dtype)
    piv = xp.stack([o[1] for o in outs]).reshape(lead + (n,)) if outs else xp.zeros(lead + (n,), np.int32)
    info = xp.array([o[2] for o in outs], np.int32).reshape(lead)
    if A._req and _grad_enabled():  # recorded, but backward raises (no derivative in torch either)
        from .random_fill import NoDerivative
        return NoDerivative.apply(A, LD, "linalg_ldl_factor_ex"), _t.make(piv), _t.make(info)
    return _t.make(LD), _t.make(piv), _t.make(info)


def _grad_enabled():
    from ..autograd.grad_mode import state
    return state.enabled


def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """``(LD, pivots, info)``: Bunch-Kaufman LDL^T of symmetric A (its lower triangle), as LAPACK's sytrf.
    No derivative, as in torch."""
    from . import return_types as _rt
    LD, piv, info = _ldl(A, "torch.linalg.ldl_factor_ex")
    if check_errors and xp.any(info._data > 0):
        raise RuntimeError("torch.linalg.ldl_factor_ex: The factorization could not be completed because the "
                           "input is not invertible.")
    return _rt.linalg_ldl_factor_ex(LD, piv, info)


def ldl_factor(A, *, hermitian=False):
    """``(LD, pivots)``: see ``ldl_factor_ex``."""
    from . import return_types as _rt
    LD, piv, info = _ldl(A, "torch.linalg.ldl_factor")
    return _rt.linalg_ldl_factor(LD, piv)


def ldl_solve(LD, pivots, B, *, hermitian=False):
    """Solve ``A X = B`` from ``ldl_factor``'s result (no derivative, as in torch)."""
    check_matrix(LD, "torch.linalg.ldl_solve", argname="LD")
    need_tensor(B, "linalg_ldl_solve", "B", 3)
    if B._data.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: Expected B to have at least 2 dimensions, but it has "
                           f"{B._data.ndim} dimensions instead")
    if LD._data.dtype != B._data.dtype:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, but found LD of "
                           f"type {LD._data.dtype} and B of type {B._data.dtype} instead")
    if pivots._data.dtype != np.int32:
        raise RuntimeError("torch.linalg.ldl_solve: Expected pivots to be integers. Got Long")
    lead = xp.broadcast_shapes(LD._data.shape[:-2], B._data.shape[:-2])
    n = LD.shape[-1]
    ld = xp.broadcast_to(LD._data, lead + (n, n))
    pv = xp.broadcast_to(pivots._data, lead + (n,))
    b = xp.broadcast_to(B._data, lead + B._data.shape[-2:])
    with np.errstate(all="ignore"):  # no Function here: inf/NaN solutions silently, as torch
        outs = [_sytrs_lower(x, p, y) for x, p, y in zip(ld.reshape(-1, n, n), pv.reshape(-1, n),
                                                          b.reshape((-1,) + B._data.shape[-2:]))]
    X = xp.stack(outs).reshape(lead + B._data.shape[-2:]) if outs else xp.zeros(lead + B._data.shape[-2:],
                                                                                  B._data.dtype)
    return _t.make(X)
