"""Docstrings of ``npgrad.linalg``'s functions, in torch's style (summary, Args, Returns, Example), attached once
when ``npgrad.linalg`` is imported. ``matmul``, ``inv`` and ``matrix_power`` are also top-level ``npgrad``
functions and keep the docstrings they have there. Every example is a doctest whose output is torch's for the same
code (examples show sign-free quantities: eigenvectors and singular vectors are unique only up to sign)."""
from ._docfmt import doc as _doc, apply as _apply

_IMPORTS = ">>> import npgrad as torch\n"
_A = "A (Tensor): :math:`(*, n, n)`, a square matrix or a batch of them."
_AMN = "A (Tensor): :math:`(*, m, n)`, a matrix or a batch of them."
_OUT = "out (Tensor or tuple, optional): the output tensor(s)."
_CHECK = "check_errors (bool): raise ``LinAlgError`` when ``info`` is non-zero. Default: ``False``."
_LEFT = "left (bool): solve :math:`AX = B` (``True``) or :math:`XA = B`. Default: ``True``."
_TOL = ("atol (float or Tensor, optional): absolute tolerance on the singular values. Default: 0.\n"
        "rtol (float or Tensor, optional): relative tolerance (times the largest singular value). Default: "
        ":math:`\\max(m, n)\\,\\epsilon` when ``atol`` is not given, else 0.\n"
        "hermitian (bool): ``A`` is symmetric; use its eigenvalues. Default: ``False``.")

DOCS = {}
DOCS["cross"] = _doc(
    "Cross product of 3-vectors along ``dim``, broadcasting the other dimensions.",
    "input (Tensor): size 3 along ``dim``.\nother (Tensor): size 3 along ``dim``.\ndim (int): the dimension of "
    f"the vectors. Default: -1.\n{_OUT}", "Returns:\n    Tensor: the broadcast shape.", _IMPORTS + """
>>> torch.linalg.cross(torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0]))
tensor([0., 0., 1.])
""")
DOCS["multi_dot"] = _doc(
    "Product of a chain of matrices, multiplied in the cheapest order. The first may be 1-D (a row vector) and the "
    "last 1-D (a column vector).", f"tensors (sequence of Tensor): two or more, all 2-D but the ends.\n{_OUT}",
    "Returns:\n    Tensor: the product; 1-D or 0-D when an end is 1-D.", _IMPORTS + """
>>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
>>> torch.linalg.multi_dot([torch.tensor([1.0, 1.0]), A, A, torch.tensor([1.0, 0.0])])
tensor(22.)
""")
DOCS["vecdot"] = _doc(
    "Dot product of vectors along ``dim``: :math:`\\sum_i x_i y_i`, broadcasting the other dimensions.",
    f"x (Tensor): the first vectors.\ny (Tensor): the second vectors.\ndim (int): the dimension to sum. "
    f"Default: -1.\n{_OUT}", "Returns:\n    Tensor: the broadcast shape without ``dim``.", _IMPORTS + """
>>> torch.linalg.vecdot(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 1.0]))
tensor([3., 7.])
""")
DOCS["det"] = _doc(
    "Determinant of a square matrix, or of each in a batch (via the LU factorisation).", f"{_A}\n{_OUT}",
    "Returns:\n    Tensor: :math:`(*)`.", _IMPORTS + """
>>> torch.linalg.det(torch.tensor([[2.0, 1.0], [1.0, 3.0]]))
tensor(5.)
>>> A = torch.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
>>> torch.linalg.det(A).backward()
>>> A.grad
tensor([[ 3., -1.],
        [-1.,  2.]])
""")
DOCS["slogdet"] = _doc(
    "Sign and log of the absolute value of the determinant: :math:`\\det A = \\mathrm{sign} \\cdot "
    "e^{\\mathrm{logabsdet}}`, without the overflow :func:`det` can meet.", f"{_A}\n{_OUT}",
    "Returns:\n    (Tensor, Tensor): named tuple ``(sign, logabsdet)``, each :math:`(*)`; a singular matrix has "
    "sign 0 and logabsdet :math:`-\\infty`.", _IMPORTS + """
>>> torch.linalg.slogdet(torch.tensor([[0.0, 2.0], [3.0, 0.0]]))
npgrad.return_types.linalg_slogdet(
sign=tensor(-1.),
logabsdet=tensor(1.7918))
""")
DOCS["inv_ex"] = _doc(
    "Inverse of square matrices, reporting singular ones in ``info`` instead of raising.",
    f"{_A}\n{_CHECK}\n{_OUT}", "Returns:\n    (Tensor, Tensor): named tuple ``(inverse, info)``; ``info`` (int32, "
    ":math:`(*)`) is 0, or the 1-based index of a zero pivot of a singular matrix.", _IMPORTS + """
>>> torch.linalg.inv_ex(torch.tensor([[2.0, 0.0], [0.0, 4.0]]))
npgrad.return_types.linalg_inv_ex(
inverse=tensor([[0.5000, 0.0000],
        [0.0000, 0.2500]]),
info=tensor(0, dtype=npgrad.int32))
""")
DOCS["solve"] = _doc(
    "Solution :math:`X` of :math:`AX = B` for square, invertible :math:`A` (or :math:`XA = B` with "
    "``left=False``); raises ``LinAlgError`` for a singular :math:`A`.",
    f"{_A}\nB (Tensor): :math:`(*, n, k)` or :math:`(n)` (a vector), batch dims broadcast with A's.\n{_LEFT}\n"
    f"{_OUT}", "Returns:\n    Tensor: :math:`X`, shaped like ``B`` (broadcast).", _IMPORTS + """
>>> A = torch.tensor([[3.0, 1.0], [1.0, 2.0]])
>>> torch.linalg.solve(A, torch.tensor([9.0, 8.0]))
tensor([2., 3.])
""")
DOCS["solve_ex"] = _doc(
    ":func:`solve` that reports singular matrices in ``info`` instead of raising.",
    f"{_A}\nB (Tensor): :math:`(*, n, k)` or :math:`(n)`.\n{_LEFT}\n{_CHECK}\n{_OUT}",
    "Returns:\n    (Tensor, Tensor): named tuple ``(result, info)``; ``info`` is 0 where the solve succeeded.",
    _IMPORTS + """
>>> torch.linalg.solve_ex(torch.tensor([[3.0, 1.0], [1.0, 2.0]]), torch.tensor([9.0, 8.0]))
npgrad.return_types.linalg_solve_ex(
result=tensor([2., 3.]),
info=tensor(0, dtype=npgrad.int32))
""")
DOCS["cholesky"] = _doc(
    "Cholesky factor of symmetric positive-definite matrices: lower :math:`L` with :math:`A = L L^T` (upper "
    ":math:`U = L^T` with ``upper=True``); raises ``LinAlgError`` when a matrix is not positive-definite.",
    f"{_A}\nupper (bool): return the upper factor. Default: ``False``.\n{_OUT}",
    "Returns:\n    Tensor: :math:`(*, n, n)`, triangular.", _IMPORTS + """
>>> torch.linalg.cholesky(torch.tensor([[4.0, 2.0], [2.0, 5.0]]))
tensor([[2., 0.],
        [1., 2.]])
""")
DOCS["cholesky_ex"] = _doc(
    ":func:`cholesky` that reports matrices that are not positive-definite in ``info`` instead of raising.",
    f"{_A}\nupper (bool): return the upper factor. Default: ``False``.\n{_CHECK}\n{_OUT}",
    "Returns:\n    (Tensor, Tensor): named tuple ``(L, info)``; ``info`` is 0, or the order of the first leading "
    "minor that is not positive-definite.", _IMPORTS + """
>>> torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]])).info
tensor(2, dtype=npgrad.int32)
""")
DOCS["qr"] = _doc(
    "QR decomposition :math:`A = QR` with orthonormal columns in :math:`Q` and upper-triangular :math:`R`.",
    f"{_AMN}\nmode (str): ``'reduced'`` (:math:`Q` is :math:`m \\times k`, :math:`k = \\min(m, n)`), "
    "``'complete'`` (:math:`Q` is :math:`m \\times m`) or ``'r'`` (only :math:`R`; :math:`Q` is empty). "
    f"Default: ``'reduced'``.\n{_OUT}", "Returns:\n    (Tensor, Tensor): named tuple ``(Q, R)``.", _IMPORTS + """
>>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
>>> Q, R = torch.linalg.qr(A)
>>> Q.shape, R.shape
(npgrad.Size([3, 2]), npgrad.Size([2, 2]))
>>> torch.allclose(Q @ R, A, atol=1e-5)
True
""")
DOCS["eigh"] = _doc(
    "Eigenvalues (ascending) and orthonormal eigenvectors of symmetric matrices: :math:`A = V \\mathrm{diag}(w) "
    "V^T`. Only the triangle named by ``UPLO`` is read.",
    f"{_A}\nUPLO (str): ``'L'`` or ``'U'``, the triangle used. Default: ``'L'``.\n{_OUT}",
    "Returns:\n    (Tensor, Tensor): named tuple ``(eigenvalues, eigenvectors)``, :math:`(*, n)` and "
    ":math:`(*, n, n)` (eigenvectors in the columns, each unique up to sign).", _IMPORTS + """
>>> A = torch.tensor([[2.0, 1.0], [1.0, 2.0]])
>>> w, V = torch.linalg.eigh(A)
>>> w
tensor([1., 3.])
>>> torch.allclose(V @ torch.diag(w) @ V.T, A)
True
""")
DOCS["eigvalsh"] = _doc(
    "Eigenvalues of symmetric matrices, ascending (:func:`eigh` without the eigenvectors).",
    f"{_A}\nUPLO (str): ``'L'`` or ``'U'``, the triangle used. Default: ``'L'``.\n{_OUT}",
    "Returns:\n    Tensor: :math:`(*, n)`.", _IMPORTS + """
>>> torch.linalg.eigvalsh(torch.tensor([[2.0, 1.0], [1.0, 2.0]]))
tensor([1., 3.])
""")
DOCS["svd"] = _doc(
    "Singular value decomposition :math:`A = U \\mathrm{diag}(S) V^H`, singular values descending.",
    f"{_AMN}\nfull_matrices (bool): square :math:`U` and :math:`V^H` (else :math:`m \\times k` and "
    ":math:`k \\times n`, :math:`k = \\min(m, n)`). Default: ``True``.\ndriver (str, optional): a CUDA option "
    f"in torch; must be ``None`` on the CPU.\n{_OUT}",
    "Returns:\n    (Tensor, Tensor, Tensor): named tuple ``(U, S, Vh)`` (singular vectors unique up to sign).",
    _IMPORTS + """
>>> A = torch.tensor([[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]])
>>> U, S, Vh = torch.linalg.svd(A, full_matrices=False)
>>> S
tensor([3., 2.])
>>> torch.allclose(U @ torch.diag(S) @ Vh, A)
True
""")
DOCS["svdvals"] = _doc(
    "Singular values of matrices, descending (:func:`svd` without the vectors; its gradient is always "
    "defined).", f"{_AMN}\ndriver (str, optional): must be ``None`` on the CPU.\n{_OUT}",
    "Returns:\n    Tensor: :math:`(*, \\min(m, n))`.", _IMPORTS + """
>>> torch.linalg.svdvals(torch.tensor([[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]]))
tensor([3., 2.])
""")
DOCS["pinv"] = _doc(
    "Moore-Penrose pseudo-inverse, from the SVD; singular values at or below "
    ":math:`\\max(\\mathrm{atol}, \\mathrm{rtol} \\cdot \\sigma_{max})` are treated as zero.",
    f"{_AMN}\n{_TOL}\nrcond (float, optional): deprecated name of ``rtol``.\n{_OUT}",
    "Returns:\n    Tensor: :math:`(*, n, m)`.", _IMPORTS + """
>>> torch.linalg.pinv(torch.tensor([[1.0, 0.0], [0.0, 0.0]]))
tensor([[1., 0.],
        [0., 0.]])
>>> torch.linalg.pinv(torch.tensor([[1.0], [1.0]]))
tensor([[0.5000, 0.5000]])
""")
DOCS["matrix_exp"] = _doc(
    "Matrix exponential :math:`e^A = \\sum_k A^k / k!` of square matrices.", f"{_A}",
    "Returns:\n    Tensor: :math:`(*, n, n)`.", _IMPORTS + """
>>> torch.linalg.matrix_exp(torch.tensor([[0.0, 1.0], [0.0, 0.0]]))
tensor([[1., 1.],
        [0., 1.]])
>>> torch.linalg.matrix_exp(torch.zeros(2, 2))
tensor([[1., 0.],
        [0., 1.]])
""")
DOCS["lstsq"] = _doc(
    "Least-squares solution of :math:`AX = B`: the :math:`X` minimising :math:`\\|AX - B\\|_F`.",
    f"{_AMN}\nB (Tensor): :math:`(*, m, k)`.\nrcond (float, optional): singular values below ``rcond`` times the "
    "largest count as zero (for the ``'gelsd'``/``'gelss'`` drivers). Default: machine precision times "
    ":math:`\\max(m, n)`.\ndriver (str, optional): LAPACK driver, ``'gelsy'`` (default on the CPU), ``'gelsd'``, "
    "``'gelss'`` or ``'gels'``.",
    "Returns:\n    named tuple ``(solution, residuals, rank, singular_values)``; ``solution`` is :math:`(*, n, k)`, "
    "the others are filled only where torch fills them for the driver.", _IMPORTS + """
>>> A = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
>>> B = torch.tensor([[1.0], [2.0], [4.0]])
>>> torch.linalg.lstsq(A, B).solution
tensor([[0.8333],
        [1.5000]])
""")
DOCS["vector_norm"] = _doc(
    "Vector :math:`p`-norm :math:`(\\sum_i |x_i|^p)^{1/p}` of the elements over ``dim`` (all of them by default); "
    "``ord`` may also be ``inf``, ``-inf`` or 0 (the count of non-zeros).",
    "x (Tensor): the input.\nord (float): the order :math:`p`. Default: 2.\ndim (int or tuple, optional): the "
    "dimensions to reduce. Default: all.\nkeepdim (bool): keep the reduced dimensions. Default: ``False``.\n"
    f"dtype (npgrad.dtype, optional): compute in this dtype.\n{_OUT}",
    "Returns:\n    Tensor: real, the input's shape without ``dim``.", _IMPORTS + """
>>> x = torch.tensor([[3.0, -4.0], [0.0, 1.0]])
>>> torch.linalg.vector_norm(x)
tensor(5.0990)
>>> torch.linalg.vector_norm(x, ord=1, dim=1)
tensor([7., 1.])
>>> torch.linalg.vector_norm(x, ord=float('inf'))
tensor(4.)
""")
DOCS["matrix_norm"] = _doc(
    "Matrix norm over the two dimensions ``dim``: Frobenius (``'fro'``), nuclear (``'nuc'``), max column sum "
    "(1), max row sum (``inf``), largest singular value (2), or their minimum counterparts (-1, ``-inf``, -2).",
    "A (Tensor): at least 2-D.\nord (str or float): the norm. Default: ``'fro'``.\ndim (tuple of 2 ints): the "
    "matrix dimensions. Default: ``(-2, -1)``.\nkeepdim (bool): keep the reduced dimensions. Default: ``False``.\n"
    f"dtype (npgrad.dtype, optional): compute in this dtype.\n{_OUT}",
    "Returns:\n    Tensor: the batch shape.", _IMPORTS + """
>>> A = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
>>> torch.linalg.matrix_norm(A)
tensor(5.4772)
>>> torch.linalg.matrix_norm(A, ord=1)
tensor(6.)
>>> torch.linalg.matrix_norm(A, ord=float('inf'))
tensor(7.)
""")
DOCS["norm"] = _doc(
    "A vector or a matrix norm: :func:`matrix_norm` when ``ord`` is a matrix norm or ``dim`` has two entries (or "
    "``A`` is 2-D and ``dim`` is ``None``), else :func:`vector_norm` (of the flattened input when ``dim`` and "
    "``ord`` are both ``None``).",
    "A (Tensor): the input.\nord (int, float, inf or str, optional): the norm. Default: 2-norm / Frobenius.\n"
    "dim (int or tuple, optional): the dimensions to reduce.\nkeepdim (bool): keep them. Default: ``False``.\n"
    f"dtype (npgrad.dtype, optional): compute in this dtype.\n{_OUT}",
    "Returns:\n    Tensor: real, the input's shape without ``dim``.", _IMPORTS + """
>>> A = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
>>> torch.linalg.norm(A)
tensor(5.4772)
>>> torch.linalg.norm(A, ord=2)
tensor(5.1167)
>>> torch.linalg.norm(A, dim=0)
tensor([3.1623, 4.4721])
""")
DOCS["solve_triangular"] = _doc(
    "Solves :math:`TX = B` (or :math:`XT = B`) for triangular :math:`T`, reading only the triangle named by "
    "``upper`` (no check that it is invertible: a zero diagonal gives infinities, as in torch).",
    "A (Tensor): :math:`(*, n, n)`, the triangular matrix.\nB (Tensor): :math:`(*, n, k)` (or :math:`(*, k, n)` "
    "with ``left=False``).\nupper (bool, keyword-only, required): ``A`` is upper (else lower) triangular.\n"
    f"{_LEFT}\nunitriangular (bool): assume a unit diagonal. Default: ``False``.\n{_OUT}",
    "Returns:\n    Tensor: :math:`X`, shaped like ``B`` (broadcast).", _IMPORTS + """
>>> T = torch.tensor([[2.0, 1.0], [0.0, 4.0]])
>>> torch.linalg.solve_triangular(T, torch.tensor([[4.0], [8.0]]), upper=True)
tensor([[1.],
        [2.]])
""")
DOCS["matrix_rank"] = _doc(
    "Numerical rank: the number of singular values above :math:`\\max(\\mathrm{atol}, \\mathrm{rtol} \\cdot "
    "\\sigma_{max})`.", f"{_AMN}\n{_TOL}\n{_OUT}", "Returns:\n    Tensor: int64, the batch shape.", _IMPORTS + """
>>> torch.linalg.matrix_rank(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
tensor(1)
>>> torch.linalg.matrix_rank(torch.eye(3))
tensor(3)
""")
DOCS["diagonal"] = _doc(
    "The diagonals of matrices (a view): :func:`npgrad.diagonal` with the last two dimensions as defaults.",
    "A (Tensor): at least 2-D.\noffset (int): which diagonal: 0 the main one, > 0 above, < 0 below. Default: 0.\n"
    "dim1, dim2 (int): the matrix dimensions. Default: -2, -1.",
    "Returns:\n    Tensor: the other dimensions, then the diagonal.", _IMPORTS + """
>>> A = torch.arange(9.0).reshape(3, 3)
>>> torch.linalg.diagonal(A)
tensor([0., 4., 8.])
>>> torch.linalg.diagonal(A, offset=1)
tensor([1., 5.])
""")
_PIVOT = "pivot (bool): partial pivoting (``False`` is a CUDA-only option in torch). Default: ``True``."
DOCS["lu_factor"] = _doc(
    "LU factorisation with partial pivoting in LAPACK's packed form: :math:`L` (unit diagonal implied) below the "
    "diagonal and :math:`U` on and above it. Raises ``LinAlgError`` for a singular matrix (see "
    ":func:`lu_factor_ex`).", f"{_A}\n{_PIVOT}\n{_OUT}",
    "Returns:\n    (Tensor, Tensor): named tuple ``(LU, pivots)``; ``pivots`` (int32, 1-based) are LAPACK's row "
    "swaps. Use them with :func:`lu_solve`.", _IMPORTS + """
>>> LU, pivots = torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
>>> LU
tensor([[3.0000, 4.0000],
        [0.3333, 0.6667]])
>>> pivots
tensor([2, 2], dtype=npgrad.int32)
""")
DOCS["lu_factor_ex"] = _doc(
    ":func:`lu_factor` that reports singular matrices in ``info`` instead of raising.",
    f"{_A}\n{_PIVOT}\n{_CHECK}\n{_OUT}",
    "Returns:\n    (Tensor, Tensor, Tensor): named tuple ``(LU, pivots, info)``; ``info`` is 0, or the 1-based "
    "index of the first zero pivot.", _IMPORTS + """
>>> torch.linalg.lu_factor_ex(torch.tensor([[1.0, 2.0], [2.0, 4.0]])).info
tensor(2, dtype=npgrad.int32)
""")
DOCS["lu"] = _doc(
    "LU decomposition with partial pivoting: :math:`A = PLU` with a permutation :math:`P`, unit lower-triangular "
    ":math:`L` and upper-triangular :math:`U` (rectangular matrices too).", f"{_AMN}\n{_PIVOT}\n{_OUT}",
    "Returns:\n    (Tensor, Tensor, Tensor): named tuple ``(P, L, U)``: :math:`(*, m, m)`, :math:`(*, m, k)`, "
    ":math:`(*, k, n)` with :math:`k = \\min(m, n)`.", _IMPORTS + """
>>> P, L, U = torch.linalg.lu(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
>>> P
tensor([[0., 1.],
        [1., 0.]])
>>> L
tensor([[1.0000, 0.0000],
        [0.3333, 1.0000]])
>>> U
tensor([[3.0000, 4.0000],
        [0.0000, 0.6667]])
""")
DOCS["lu_solve"] = _doc(
    "Solves :math:`AX = B` from :func:`lu_factor`'s factorisation of :math:`A` (:math:`XA = B` with "
    "``left=False``; :math:`A^H` instead of :math:`A` with ``adjoint=True``).",
    "LU (Tensor): the packed factors.\npivots (Tensor): the pivots.\nB (Tensor): :math:`(*, n, k)`.\n"
    f"{_LEFT}\nadjoint (bool): solve with :math:`A^H`. Default: ``False``.\n{_OUT}",
    "Returns:\n    Tensor: :math:`X`, shaped like ``B`` (broadcast).", _IMPORTS + """
>>> A = torch.tensor([[3.0, 1.0], [1.0, 2.0]])
>>> LU, pivots = torch.linalg.lu_factor(A)
>>> torch.linalg.lu_solve(LU, pivots, torch.tensor([[9.0], [8.0]]))
tensor([[2.],
        [3.]])
""")
DOCS["vander"] = _doc(
    "Vandermonde matrix of the last dimension of ``x``: columns :math:`x^0, x^1, \\dots, x^{N-1}` (increasing "
    "powers, unlike :func:`npgrad.vander`).",
    "x (Tensor): :math:`(*, n)`.\nN (int, optional): the number of columns. Default: :math:`n`.",
    "Returns:\n    Tensor: :math:`(*, n, N)`.", _IMPORTS + """
>>> torch.linalg.vander(torch.tensor([1, 2, 3]))
tensor([[1, 1, 1],
        [1, 2, 4],
        [1, 3, 9]])
>>> torch.linalg.vander(torch.tensor([2.0, 3.0]), N=4)
tensor([[ 1.,  2.,  4.,  8.],
        [ 1.,  3.,  9., 27.]])
""")
DOCS["cond"] = _doc(
    "Condition number of ``A`` in the norm ``p``: :math:`\\sigma_{max} / \\sigma_{min}` for ``p`` = 2 or ``None`` "
    "(any shape), :math:`\\|A\\|_p \\|A^{-1}\\|_p` for the other matrix norms (square, invertible ``A``).",
    "A (Tensor): :math:`(*, m, n)`.\np (int, inf, str, optional): 2, -2, ``'fro'``, ``'nuc'``, 1, -1, ``inf``, "
    f"``-inf``. Default: ``None`` (2).\n{_OUT}", "Returns:\n    Tensor: real, the batch shape.", _IMPORTS + """
>>> A = torch.tensor([[1.0, 0.0], [0.0, 4.0]])
>>> torch.linalg.cond(A)
tensor(4.)
>>> torch.linalg.cond(A, p='fro')
tensor(4.2500)
""")
DOCS["tensorinv"] = _doc(
    "Inverse of ``A`` seen as a linear map from its last dimensions to its first ``ind``: the :math:`X` with "
    ":math:`\\mathrm{tensordot}(X, A, ind)` the identity.",
    f"A (Tensor): the product of its first ``ind`` sizes equals that of the rest.\nind (int): Default: 2.\n{_OUT}",
    "Returns:\n    Tensor: shape ``A.shape[ind:] + A.shape[:ind]``.", _IMPORTS + """
>>> A = torch.eye(4).reshape(4, 2, 2) * 2
>>> Ainv = torch.linalg.tensorinv(A, ind=1)
>>> Ainv.shape
npgrad.Size([2, 2, 4])
>>> torch.allclose(torch.tensordot(Ainv, A, 1), torch.eye(2 * 2).reshape(2, 2, 2, 2))
True
""")
DOCS["tensorsolve"] = _doc(
    "The :math:`X` with ``tensordot(A, X, X.ndim) == B``: ``A``'s trailing dimensions (after moving ``dims`` to "
    "the end) are :math:`X`'s shape.",
    "A (Tensor): shape ``B.shape + X.shape``, with the products of the two parts equal.\nB (Tensor): the "
    f"right-hand side.\ndims (tuple of ints, optional): dimensions of ``A`` moved to the end first.\n{_OUT}",
    "Returns:\n    Tensor: :math:`X`.", _IMPORTS + """
>>> A = torch.eye(6).reshape(2, 3, 6) * 2
>>> torch.linalg.tensorsolve(A, torch.ones(2, 3))
tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000])
""")
DOCS["householder_product"] = _doc(
    "The first :math:`n` columns of the product of Householder reflections :math:`H_1 \\cdots H_k`, "
    ":math:`H_i = I - \\tau_i v_i v_i^H` (LAPACK's ``orgqr``: rebuilds :math:`Q` from ``geqrf``'s output).",
    "A (Tensor): :math:`(*, m, n)`; column :math:`i` below the diagonal holds :math:`v_i` (unit first entry "
    f"implied).\ntau (Tensor): :math:`(*, k)`, :math:`k \\le n`.\n{_OUT}",
    "Returns:\n    Tensor: :math:`(*, m, n)`.", _IMPORTS + """
>>> A = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
>>> torch.linalg.householder_product(A, torch.tensor([1.0, 0.0]))
tensor([[ 0., -1.],
        [-1.,  0.]])
""")
DOCS["ldl_factor"] = _doc(
    "Bunch-Kaufman :math:`LDL^T` factorisation of symmetric matrices (reads the lower triangle), in LAPACK's "
    "compact form; raises for a singular matrix (see :func:`ldl_factor_ex`). No derivative, as in torch.",
    f"{_A}\nhermitian (bool): for complex input in torch; npgrad is real. Default: ``False``.\n{_OUT}",
    "Returns:\n    (Tensor, Tensor): named tuple ``(LD, pivots)`` for :func:`ldl_solve`.", _IMPORTS + """
>>> LD, pivots = torch.linalg.ldl_factor(torch.tensor([[4.0, 2.0], [2.0, 3.0]]))
>>> LD
tensor([[4.0000, 0.0000],
        [0.5000, 2.0000]])
>>> pivots
tensor([1, 2], dtype=npgrad.int32)
""")
DOCS["ldl_factor_ex"] = _doc(
    ":func:`ldl_factor` that reports singular matrices in ``info`` instead of raising.",
    f"{_A}\nhermitian (bool): Default: ``False``.\n{_CHECK}\n{_OUT}",
    "Returns:\n    (Tensor, Tensor, Tensor): named tuple ``(LD, pivots, info)``.", _IMPORTS + """
>>> torch.linalg.ldl_factor_ex(torch.tensor([[4.0, 2.0], [2.0, 3.0]])).info
tensor(0, dtype=npgrad.int32)
""")
DOCS["ldl_solve"] = _doc(
    "Solves :math:`AX = B` from :func:`ldl_factor`'s factorisation of symmetric :math:`A`. No derivative, as in "
    "torch.", "LD (Tensor): the compact factors.\npivots (Tensor): the pivots.\nB (Tensor): :math:`(*, n, k)`.\n"
    f"hermitian (bool): Default: ``False``.\n{_OUT}", "Returns:\n    Tensor: :math:`X`.", _IMPORTS + """
>>> LD, pivots = torch.linalg.ldl_factor(torch.tensor([[4.0, 2.0], [2.0, 3.0]]))
>>> torch.linalg.ldl_solve(LD, pivots, torch.tensor([[6.0], [5.0]]))
tensor([[1.],
        [1.]])
""")


def apply(ns):
    """Attach the docstrings to the functions of ``ns`` (npgrad.linalg's globals)."""
    _apply(ns, DOCS, "npgrad.linalg")
