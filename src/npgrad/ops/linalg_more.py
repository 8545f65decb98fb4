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
    n = x.shape[-1] if N is None else N
    if n < 1:
        raise RuntimeError("linalg.vander: N must be greater than 1.")
    if x._data.dtype.kind in "bu" or x._data.dtype.kind == "i":
        x = x.long()
    ones = _t.make(np.ones(tuple(x.shape) + (1,), x._data.dtype))
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
    rows = int(np.prod(A.shape[:ind]))
    cols = int(np.prod(A.shape[ind:]))
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
    n = int(np.prod(x_shape))
    m = int(np.prod(B.shape))
    if n != m:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {n} != {m}")
    return solve(A.reshape(m, n), B.reshape(m)).reshape(x_shape)


def householder_product(A, tau):
    """The first n columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^H, v_i the i-th column of A below the
    diagonal with a unit at the diagonal (LAPACK's orgqr)."""
    check_matrix(A, "torch.linalg.householder_product", square=False, argname="input")
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if k > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    dt = A._data.dtype
    below = np.tri(m, n, -1, dtype=dt)
    V = A * _t.make(below) + _t.make(np.eye(m, n, dtype=dt))  # unit diagonal, zeros above
    Q = _t.make(np.broadcast_to(np.eye(m, dtype=dt), tuple(A.shape[:-2]) + (m, m)).copy())
    for i in range(k):
        v = V.narrow(-1, i, 1)                           # (..., m, 1)
        t = tau.narrow(-1, i, 1).unsqueeze(-1)           # (..., 1, 1)
        Q = Q - (Q @ v) @ (v.mT * t)
    return Q.narrow(-1, 0, n)
