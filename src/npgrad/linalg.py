"""``npgrad.linalg``: torch.linalg on NumPy's LAPACK, with torch's names, results, errors and derivatives.

>>> import npgrad
>>> A = npgrad.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
>>> npgrad.linalg.det(A).backward()
>>> A.grad
tensor([[ 3., -1.],
        [-1.,  2.]])

Singular or non positive-definite inputs raise ``npgrad.linalg.LinAlgError`` (a ``RuntimeError``, as in torch).
The functions live in ``npgrad/ops/linalg*.py``; this module only names them as torch.linalg does.
"""
from .ops.linalg_common import LinAlgError
from .ops.linalg import matmul
from .ops.linalg_contract import linalg_cross as cross, multi_dot, vecdot
from .ops.linalg_decomp import (det, linalg_slogdet as slogdet, inv, inv_ex, solve, solve_ex,
                                linalg_cholesky as cholesky, cholesky_ex, linalg_qr as qr, eigh, eigvalsh,
                                linalg_svd as svd, svdvals)
from .ops.linalg_func import (pinv, matrix_exp, matrix_power, lstsq, vector_norm, matrix_norm,
                              linalg_norm as norm, solve_triangular, matrix_rank)
from .ops.linalg_lu import (lu_factor, lu_factor_ex, linalg_lu as lu, linalg_lu_solve as lu_solve, eig, eigvals)
from .ops.linalg_more import (vander, cond, tensorinv, tensorsolve, householder_product, ldl_factor,
                              ldl_factor_ex, ldl_solve)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of (a batch of) matrices: ``npgrad.diagonal`` with the last two dims as defaults."""
    from .ops.shape import diagonal as _diagonal
    return _diagonal(A, offset, dim1, dim2)


from . import _out  # noqa: E402
_out.wrap_namespace(globals(), _out.LINALG_OUT_NAMES, "npgrad.linalg")

__all__ = ["LinAlgError", "matmul", "cross", "multi_dot", "vecdot", "det", "slogdet", "inv", "inv_ex", "solve",
           "solve_ex", "cholesky", "cholesky_ex", "qr", "eigh", "eigvalsh", "svd", "svdvals", "pinv", "matrix_exp",
           "matrix_power", "lstsq", "vector_norm", "matrix_norm", "norm", "solve_triangular", "matrix_rank",
           "diagonal", "lu_factor", "lu_factor_ex", "lu", "lu_solve", "eig", "eigvals", "vander", "cond", "tensorinv",
           "tensorsolve", "householder_product", "ldl_factor", "ldl_factor_ex", "ldl_solve"]

# torch-style docstrings (Args, Returns, Example) for the names above, kept in one table
from ._linalg_docs import apply as _apply_docs  # noqa: E402
_apply_docs(globals())
