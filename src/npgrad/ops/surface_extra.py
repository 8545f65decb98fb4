"""The last of torch's public names that programs touch (issue 13): ``torch.histogramdd``, the randomized
``torch.svd_lowrank`` / ``torch.pca_lowrank``, ``torch.lobpcg`` (k extreme eigenpairs of a symmetric matrix),
the ``torch.ctc_loss`` / ``torch.embedding_bag`` function forms (integer reduction/mode codes, the four outputs
of ATen's embedding_bag), and Tensor ``set_``, ``name`` and ``grad_dtype``.
"""
import math
import numbers

import numpy as np
from .._dtype import is_float_np, CPP_NAMES, SCALAR_NAMES

import npgrad as ng   # public ops, looked up at call time

from .. import _dtype
from .. import _tensor as _t
from .._xp import xp
from ..autograd.function import Function, dispatch
from . import return_types as _rt

__all__ = ["histogramdd", "svd_lowrank", "pca_lowrank", "lobpcg", "ctc_loss", "embedding_bag"]

histogramdd_type = _rt.histogramdd


# ---------------------------------------------------------------------------------------------- histogramdd
def histogramdd(input, bins, *, range=None, weight=None, density=False, out=None):
    """``(hist, bin_edges)`` of the points in ``input``'s last dim (N coordinates each): ``bins`` an int (each
    dim), a sequence of ints, or a sequence of edge tensors; ``range`` flat (min0, max0, min1, max1, ...).

    Args:
        input (Tensor): the input tensor.
        bins (int, sequence of ints or sequence of Tensors): bin counts or edges per dim.
        range (sequence of floats, optional): the lower and upper end per dim.
        weight (Tensor, optional): a weight per point.
        density (bool, optional): normalize so the histogram integrates to 1.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> hist, edges = torch.histogramdd(torch.tensor([[0., 0.], [1., 1.], [1., 0.]]), bins=[2, 2])
        >>> hist
        tensor([[1., 0.],
                [1., 1.]])
        >>> edges
        (tensor([0.0000, 0.5000, 1.0000]), tensor([0.0000, 0.5000, 1.0000]))
    """
    if out is not None:
        raise TypeError("histogramdd(): npgrad does not take out= here (torch's CPU build does not either for the "
                        "bin_edges list); assign the result instead")
    if not isinstance(input, _t.Tensor):
        raise TypeError(f"histogramdd(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    a = input._data
    if not _dtype.is_float_np(a.dtype) or (a.dtype.itemsize == 2 and range is None and (
            isinstance(bins, numbers.Integral) or any(isinstance(b, numbers.Integral) for b in bins))):
        # (float16/bfloat16: torch cannot find the data's range itself)
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_type_name(a.dtype)}'")
    if a.ndim < 1:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 1 dimension, but got 0")
    N = a.shape[-1]
    pts = a.reshape(-1, N)
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        bins = [int(bins)] * N
    elif not isinstance(bins, (list, tuple)) or not (
            all(isinstance(b, numbers.Integral) and not isinstance(b, bool) for b in bins)
            or all(isinstance(b, _t.Tensor) for b in bins)):
        got = type(bins).__name__ if not isinstance(bins, (list, tuple)) else \
            f"{type(bins).__name__} of [{', '.join(type(b).__name__ for b in bins)}]"
        raise TypeError(f"histogramdd() received an invalid combination of arguments - got (Tensor, bins={got}), "
                        "but expected one of:\n * (Tensor input, int bins, tuple of floats range = None, Tensor "
                        "weight = None, bool density = False)\n * (Tensor input, tuple of ints bins, tuple of floats "
                        "range = None, Tensor weight = None, bool density = False)\n * (Tensor input, tuple of "
                        "Tensors bins, tuple of floats range = None, Tensor weight = None, bool density = False)")
    bins = list(bins)
    if len(bins) != N:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    w = None
    if weight is not None:
        w = weight._data.reshape(-1)
        if tuple(weight.shape) != tuple(a.shape[:-1]):
            raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as "
                               f"the input tensor excluding its innermost dimension, but got input with shape "
                               f"{list(a.shape)} and weight with shape {list(weight.shape)}")
    if range is not None:
        range = [float(r) for r in range]
        if len(range) != 2 * N:
            raise RuntimeError(f"torch.histogramdd: for a {N}-dimensional histogram range should have {2 * N} "
                               f"elements, but got {len(range)}")
    edges = []
    for d, b in enumerate(bins):
        if isinstance(b, _t.Tensor):
            e = b._data
            if e.ndim != 1:
                raise RuntimeError(f"torch.histogramdd(): bins tensor should have one dimension, but got {e.ndim} "
                                   f"dimensions in the bin tensor for dimension {d}")
            edges.append(e.astype(a.dtype))
            continue
        b = int(b)
        if b <= 0:
            raise RuntimeError(f"torch.histogramdd(): bins must be > 0, but got {b} for dimension {d}")
        if range is not None:
            lo, hi = range[2 * d], range[2 * d + 1]
        else:
            col = pts[:, d]
            lo, hi = (float(col.min()), float(col.max())) if col.size else (0.0, 0.0)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{_num(lo)}, {_num(hi)}] is not finite")
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {_num(lo)} max "
                               f"{_num(hi)} for dimension {d}")
        if lo == hi:  # a point range is widened by 0.5 on each side
            lo, hi = lo - 0.5, hi + 0.5
        edges.append(xp.linspace(lo, hi, b + 1).astype(a.dtype))
    with np.errstate(invalid="ignore", divide="ignore"):   # infinite/NaN edges given: NumPy's diff of them
        hist, _ = xp.histogramdd(pts, bins=[e.astype(np.float64) for e in edges], weights=w, density=density)
    hist = xp.asarray(hist, a.dtype)
    if input._req or (weight is not None and weight._req):
        from .random_fill import NoDerivative
        op = "_histogramdd_from_bin_cts"
        return histogramdd_type(NoDerivative.apply(input, hist, op),
                                tuple(NoDerivative.apply(input, e, op) for e in edges))
    return histogramdd_type(_t.make(hist), tuple(_t.make(e) for e in edges))


def _num(v):
    return int(v) if math.isfinite(v) and float(v).is_integer() else v


def _type_name(np_dtype):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "float16": "Half", "bfloat16": "BFloat16"}.get(np_dtype.name, np_dtype.name)


# ---------------------------------------------------------------------------------------------- low-rank SVD
def _mH(A):
    return A.transpose(-2, -1)


def _approximate_basis(A, q, niter, M):
    """An orthonormal (m, q) basis approximating the range of ``A - M`` (Halko et al. 2009, Algorithm 4.4:
    a Gaussian sketch, then ``niter`` power iterations re-orthonormalised by QR)."""
    R = ng.randn(A.shape[-1], q, dtype=A.dtype)
    X = A @ R if M is None else A @ R - M @ R
    Q = ng.linalg.qr(X).Q
    for _ in range(niter):
        X = _mH(A) @ Q if M is None else _mH(A) @ Q - _mH(M) @ Q
        Q = ng.linalg.qr(X).Q
        X = A @ Q if M is None else A @ Q - M @ Q
        Q = ng.linalg.qr(X).Q
    return Q



def svd_lowrank(A, q=6, niter=2, M=None):
    """``(U, S, V)`` of a rank-``q`` approximation of ``A - M`` (randomized: a sketch's range, refined by
    ``niter`` power iterations); ``A ~ U diag(S) V^T``. Built from recorded ops, so it is differentiable.

    Args:
        A (Tensor): ``(*, m, n)`` matrices.
        q (int, optional): the rank of the approximation (default 6).
        niter (int, optional): the number of power iterations (default 2).
        M (Tensor, optional): subtracted from ``A`` first.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> A = torch.tensor([[3., 0., 0.], [0., 2., 0.], [0., 0., 0.]])
        >>> U, S, V = torch.svd_lowrank(A, q=2)
        >>> torch.allclose(S, torch.tensor([3., 2.]), atol=1e-4)
        True
    """
    if not isinstance(A, _t.Tensor):
        raise TypeError(f"svd_lowrank(): argument 'A' must be Tensor, not {type(A).__name__}")
    q = 6 if q is None else q
    niter = 2 if niter is None else niter
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if not A.is_floating_point():
        A = A.to(ng.get_default_dtype())
    if m < n:
        A = _mH(A)
        M = None if M is None else _mH(M)
    Q = _approximate_basis(A, q, niter, M)
    B = _mH(Q) @ A if M is None else _mH(Q) @ A - _mH(Q) @ M
    U, S, Vh = ng.linalg.svd(B, full_matrices=False)
    V = _mH(Vh)
    U = Q @ U
    if m < n:
        U, V = V, U
    return U, S, V


def pca_lowrank(A, q=None, center=True, niter=2):
    """``(U, S, V)`` of the principal components of ``A``'s rows (centred by their mean when ``center``): the
    randomized low-rank SVD of the centred matrix.

    Args:
        A (Tensor): ``(*, m, n)`` data, one observation per row.
        q (int, optional): the number of components (default ``min(6, m, n)``).
        center (bool, optional): subtract the column means first (default True).
        niter (int, optional): the number of power iterations (default 2).

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> A = torch.tensor([[1., 0.], [-1., 0.], [2., 0.], [-2., 0.]])
        >>> U, S, V = torch.pca_lowrank(A, q=1)
        >>> torch.allclose(V.abs(), torch.tensor([[1.], [0.]]), atol=1e-4)
        True
    """
    if not isinstance(A, _t.Tensor):
        raise TypeError(f"pca_lowrank(): argument 'A' must be Tensor, not {type(A).__name__}")
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter, M=None)
    C = A.mean(dim=(-2,), keepdim=True)
    return svd_lowrank(A - C, q, niter=niter, M=None)


# ---------------------------------------------------------------------------------------------- lobpcg
def _b_orthonormal(S, B):
    """Columns of ``S`` made B-orthonormal (QR without ``B``; a Gram eigenbasis with it), dropping directions
    that are numerically dependent. Callers give columns of unit size, so "small" is absolute."""
    if B is None:
        Q, R = xp.linalg.qr(S)
        keep = xp.abs(xp.diag(R)) > 1e3 * np.finfo(S.dtype).eps
        return Q[:, keep]
    G = S.T @ (B @ S)
    w, V = xp.linalg.eigh((G + G.T) / 2)
    keep = w > 1e3 * np.finfo(S.dtype).eps * max(w.max(), 1.0)
    return S @ (V[:, keep] / xp.sqrt(w[keep]))


def _unit_columns(M):
    n = xp.linalg.norm(M, axis=0)
    return M[:, n > 0] / n[n > 0]


def _lobpcg_run(A, B, X, iK, k, niter, tol, largest):
    """Knyazev's LOBPCG: Rayleigh-Ritz over span[X, W, P] (W the preconditioned residuals, P the previous
    step, both made B-orthogonal to X and of unit size), until each of the ``k`` residual norms is below
    ``tol`` times ``A``'s norm, or ``niter`` steps."""
    sign = -1.0 if largest else 1.0   # minimise sign * Rayleigh quotient
    Ah = sign * A
    X = _b_orthonormal(_unit_columns(X), B)
    n = X.shape[1]
    scale = max(float(xp.linalg.norm(A, 2)) if A.size else 1.0, np.finfo(A.dtype).tiny)
    P = None
    E = None
    for it in range(max(niter, 0) + 1):
        AX = Ah @ X
        H = X.T @ AX
        E, C = xp.linalg.eigh((H + H.T) / 2)
        X = X @ C
        AX = AX @ C
        BX = X if B is None else B @ X
        R = AX - BX * E
        rnorm = xp.linalg.norm(R, axis=0)
        if (rnorm[:k] <= tol * scale).all() or it == niter:
            break
        W = R if iK is None else iK @ R
        blocks = [W] if P is None else [W, P]
        extra = xp.concatenate(blocks, axis=1)
        extra = extra - X @ (BX.T @ extra)            # B-orthogonal to X
        extra = _unit_columns(extra)
        Q = _b_orthonormal(xp.concatenate([X, extra], axis=1), B)
        if Q.shape[1] < n:
            break
        AQ = Ah @ Q
        H = Q.T @ AQ
        w, V = xp.linalg.eigh((H + H.T) / 2)
        Xn = Q @ V[:, :n]
        P = Xn - X @ (BX.T @ Xn)
        X = Xn
    return sign * E[:k], X[:, :k]


class Lobpcg(Function):
    """The ``k`` extreme eigenpairs of symmetric ``A`` (found iteratively), differentiable in ``A``."""
    _builtin = True
    _node_name = "LOBPCGAutogradFunctionBackward"
    _ctx_fields = ("E", "X")
    _nondiff_out = ()

    @staticmethod
    def forward(ctx, A, E, X, X_given=None):  # (X_given: the caller's start, an input of torch's node too)
        ctx.save_for_backward(A)
        ctx.E, ctx.X = E, X
        return E.copy(), X.copy()

    @staticmethod
    def backward(ctx, gE, gX):
        # A: V (diag(gE) + F o (V^T gV)) V^T over A's full eigenbasis V, F_ij = 1 / (l_j - l_i) (0 on the diagonal);
        #    gE, gV zero outside the k returned pairs
        (A,), E, X = ctx.saved_tensors, ctx.E, ctx.X
        tensor = isinstance(gE, _t.Tensor) or isinstance(gX, _t.Tensor) or isinstance(A, _t.Tensor)
        if tensor:
            A = A if isinstance(A, _t.Tensor) else ng.tensor(A)
            L, V = ng.linalg.eigh(A)
            k = E.shape[-1]
            Xt = X if isinstance(X, _t.Tensor) else ng.tensor(X)
            order = _match_columns(V._data, Xt._data)
            Vk = V[:, order]
            sgn = ng.sign((Vk * Xt).sum(0)).detach()
            Vk = Vk * sgn
            Lk = L[order]
            diff = Lk.unsqueeze(0) - L.unsqueeze(1)                # (m, k): l_j - l_i
            inv = ng.where(diff.abs() > 0, 1 / ng.where(diff == 0, ng.ones_like(diff), diff), ng.zeros_like(diff))
            inner = V.T @ (gX if gX is not None else ng.zeros_like(Xt))            # (m, k)
            mid = inner * inv
            gE_ = gE if gE is not None else ng.zeros_like(Lk)
            out = V @ mid @ Vk.T + (Vk * gE_) @ Vk.T
            return out, None, None
        L, V = xp.linalg.eigh(A)
        order = _match_columns(V, X)
        Vk = V[:, order] * xp.sign((V[:, order] * X).sum(0))
        Lk = L[order]
        diff = Lk[None, :] - L[:, None]
        with np.errstate(divide="ignore"):
            inv = xp.where(diff != 0, 1 / xp.where(diff == 0, 1, diff), 0)
        mid = (V.T @ (gX if gX is not None else xp.zeros_like(X))) * inv
        gE_ = gE if gE is not None else xp.zeros_like(Lk)
        return V @ mid @ Vk.T + (Vk * gE_) @ Vk.T, None, None


class LobpcgB(Lobpcg):
    """The generalized problem (``B`` given): recorded as torch records it (the node's inputs are the symmetrised
    ``A`` and ``B``), but torch has no derivative for it yet: its backward raises torch's ValueError."""
    _builtin = True
    _node_name = "LOBPCGAutogradFunctionBackward"

    @staticmethod
    def forward(ctx, A, B, E, X, X_given=None):
        ctx.E, ctx.X = E, X
        return E.copy(), X.copy()

    @staticmethod
    def backward(ctx, gE, gX):
        # (none: torch's lobpcg backward supports B = I only)
        raise ValueError("lobpcg.backward does not support backward with B != I yet.")


def _match_columns(V, X):
    """Which eigenvector column of ``V`` each column of ``X`` is (largest |cosine|)."""
    return [int(i) for i in xp.argmax(xp.abs(V.T @ X), axis=0)]


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """``(E, X)``: the ``k`` largest (``largest=True``, the default) or smallest eigenvalues of the symmetric
    (generalized, with ``B``) problem ``A x = l B x`` and their eigenvectors, by LOBPCG from a random (or the
    given ``X``) start, preconditioned by ``iK``. ``method`` ``"ortho"`` (the default) and ``"basic"`` both run
    the B-orthonormalised iteration above; the ortho_* parameters tune torch's own orthogonalisation and are
    refused. Differentiable in ``A`` (symmetrised, as torch) when ``B`` is None.

    Args:
        A (Tensor): a symmetric ``(n, n)`` matrix.
        k (int, optional): the number of eigenpairs.
        B (Tensor, optional): the right-hand matrix of a generalized problem.
        X (Tensor, optional): the starting vectors ``(n, k)``.
        n (int, optional): the number of starting vectors when ``X`` is not given.
        iK (Tensor, optional): a preconditioner.
        niter (int, optional): the maximum number of iterations.
        tol (float, optional): the residual tolerance.
        largest (bool, optional): the largest (True, default) or smallest eigenvalues.
        method (str, optional): ``'ortho'`` (default) or ``'basic'``.
        tracker (callable, optional): called after each iteration.
        ortho_iparams, ortho_fparams, ortho_bparams (dict, optional): the ortho method's parameters.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> A = torch.diag(torch.arange(1., 11.))
        >>> E, X = torch.lobpcg(A, k=2)
        >>> torch.allclose(E, torch.tensor([10., 9.]), atol=1e-3)
        True
    """
    if not isinstance(A, _t.Tensor):
        raise TypeError(f"lobpcg(): argument 'A' must be Tensor, not {type(A).__name__}")
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if B is not None and tuple(A.shape) != tuple(B.shape):
        raise AssertionError(f"A and B must have same shape, got {A.shape} vs {B.shape}")
    if tracker is not None:
        raise NotImplementedError("lobpcg: tracker is not supported by npgrad")
    for name, v in (("ortho_iparams", ortho_iparams), ("ortho_fparams", ortho_fparams),
                    ("ortho_bparams", ortho_bparams)):
        if v:
            raise NotImplementedError(f"lobpcg: {name} tunes torch's own orthogonalisation; npgrad does not take it")
    if method not in (None, "basic", "ortho"):
        raise ValueError(f"lobpcg: method must be 'basic' or 'ortho', got {method!r}")
    if not A.is_floating_point():
        A = A.to(ng.get_default_dtype())
    dt = A._data.dtype
    if tol is None:
        tol = {np.dtype(np.float32): 1.2e-07, np.dtype(np.float64): 2.23e-16}.get(dt, 1.2e-07) ** 0.5
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) is smaller than 3 x "
                         f"the number of requested eigenpairs (={n})")
    niter = 1000 if niter is None else niter
    largest = True if largest is None else largest
    if A.dim() > 2:
        batch = tuple(A.shape[:-2])
        cnt = math.prod(batch)
        As = A.reshape((cnt, m, m))
        Bs = None if B is None else B.reshape((cnt, m, m))
        Xs = None if X is None else X.reshape((cnt,) + tuple(X.shape[-2:]))
        res = [lobpcg(As[i], k, None if Bs is None else Bs[i], None if Xs is None else Xs[i], n, iK, niter, tol,
                      largest, method) for i in range(cnt)]
        return (ng.stack([r[0] for r in res]).reshape(batch + (k,)),
                ng.stack([r[1] for r in res]).reshape(batch + (m, k)))
    X0 = ng.randn(m, n, dtype=A.dtype)._data if X is None else X._data.astype(dt)
    if X0.shape != (m, n):
        raise AssertionError(f"X shape mismatch: got {tuple(X0.shape)}, expected {(m, n)}")
    iKd = None if iK is None else iK._data.astype(dt)
    grad = ng.is_grad_enabled() and (A.requires_grad or (B is not None and B.requires_grad))
    if grad:  # torch symmetrises both in the graph; with B its backward raises (LobpcgB)
        A = (A + A.mT) / 2
        if B is not None:
            B = (B + B.mT) / 2
    Bd = None if B is None else B._data.astype(dt)
    for M in (A._data, Bd):
        if M is not None and not xp.isfinite(M).all():
            raise ng.linalg.LinAlgError("linalg.eigh: The algorithm failed to converge because the input matrix is "
                                        "ill-conditioned or has too many repeated eigenvalues (error code: 3).")
    E, V = _lobpcg_run(A._data.astype(dt), Bd, X0, iKd, k, niter, tol, largest)
    E, V = E.astype(dt), V.astype(dt)
    if grad:
        given = () if X is None else (X,)  # torch's node lists a given X among its inputs
        return Lobpcg.apply(A, E, V, *given) if B is None else LobpcgB.apply(A, B, E, V, *given)
    return _t.make(xp.ascontiguousarray(E)), _t.make(xp.ascontiguousarray(V))


# ---------------------------------------------------------------------------------------------- torch.* forms


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """``torch.ctc_loss``: ``nn.functional.ctc_loss`` with the reduction as ATen's integer (0 none, 1 mean,
    2 sum); left out, torch 2.13's Python binding gives the per-sample losses (0).

    Args:
        log_probs (Tensor): ``(T, N, C)`` (or ``(T, C)``) log-probabilities.
        targets (Tensor): ``(N, S)`` padded or 1-D concatenated target labels.
        input_lengths (Tensor or sequence of ints): the length of each input.
        target_lengths (Tensor or sequence of ints): the length of each target.
        blank (int, optional): the blank label (default 0).
        reduction (int, optional): ATen's 0 (none), 1 (mean), 2 (sum).
        zero_infinity (bool, optional): replace infinite losses (and their gradients) by zero.

    Example:
        >>> import npgrad as torch
        >>> log_probs = torch.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
        >>> targets = torch.tensor([[1]])
        >>> torch.ctc_loss(log_probs, targets, torch.tensor([2]), torch.tensor([1]), 0, 0)
        tensor([0.2877])
    """
    from .loss import _aten_reduction
    reduction = _aten_reduction("ctc_loss", reduction, 6)   # 0 none, 1 mean, 2 sum, any other int none (torch)
    from .ctc import ctc_loss as _ctc
    return _ctc(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)


_MODES = {0: "sum", 1: "mean", 2: "max"}


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """``torch.embedding_bag`` (ATen's form): ``(output, offset2bag, bag_size, max_indices)`` - the bags'
    sums/means/maxima, each index's bag, each bag's size (0 for sum), and the row each maximum came from
    (mode max), the bag sizes (mean) or zeros (sum); ``mode`` 0 sum, 1 mean, 2 max.

    Args:
        weight (Tensor): the embedding matrix.
        indices (Tensor): int64 row indices.
        offsets (Tensor): where each bag starts in ``indices``.
        scale_grad_by_freq (bool, optional): divide each row's gradient by how often its index occurs.
        mode (int, optional): 0 sum, 1 mean, 2 max.
        sparse (bool, optional): must be False (npgrad has no sparse gradients).
        per_sample_weights (Tensor, optional): a weight per index (sum mode).
        include_last_offset (bool, optional): ``offsets`` has one more entry, the end of the last bag.
        padding_idx (int, optional): an index whose row gets no gradient.

    Example:
        >>> import npgrad as torch
        >>> weight = torch.tensor([[1., 1.], [2., 2.], [3., 3.]])
        >>> out = torch.embedding_bag(weight, torch.tensor([0, 2, 1, 1]), torch.tensor([0, 2]), False, 1)
        >>> out[0]
        tensor([[2., 2.],
                [2., 2.]])
    """
    for name, v, pos in (("weight", weight, 1), ("indices", indices, 2), ("offsets", offsets, 3)):
        if not isinstance(v, _t.Tensor):
            raise TypeError(f"embedding_bag(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{type(v).__name__}")
    if isinstance(mode, bool) or not isinstance(mode, numbers.Integral) or int(mode) not in _MODES:
        raise RuntimeError(f"embedding_bag: mode must be 0 (sum), 1 (mean) or 2 (max), got {mode}")
    mode = int(mode)
    if per_sample_weights is not None and mode != 0:
        raise RuntimeError("embedding_bag: per_sample_weights only supported with mode='sum'")
    from .nn_extra import embedding_bag as _bag
    if indices.dim() != 1:
        raise NotImplementedError(f"torch.embedding_bag (ATen's form) with {indices.dim()}-D indices is not "
                                  "implemented by npgrad: pass 1-D indices with offsets, or use "
                                  "nn.functional.embedding_bag for 2-D bags")
    idx2 = indices
    out = _bag(idx2, weight, offsets, None, 2, scale_grad_by_freq, _MODES[mode], sparse, per_sample_weights,
               include_last_offset, padding_idx)
    idx = idx2._data.astype(np.int64)
    off = offsets._data.astype(np.int64)
    L, V = idx.size, weight.shape[0]
    starts = off[:-1] if include_last_offset else off
    B = starts.size
    ends = xp.append(starts[1:], off[-1] if include_last_offset else L) if B else starts
    pad = None if padding_idx is None else padding_idx % V
    ity = indices._data.dtype
    bag_of = xp.zeros(L, np.int64)
    for b in range(B):
        bag_of[starts[b]:ends[b]] = b
    keep = xp.ones(L, bool) if pad is None else idx != pad
    sizes = xp.array([int(keep[starts[b]:ends[b]].sum()) for b in range(B)], np.int64)
    if mode == 0:
        fast = padding_idx is None and weight._data.dtype.name in ("float32", "float16", "bfloat16")
        offset2bag = xp.zeros(0, np.int64) if fast else bag_of  # torch's reduced-float sum path skips it
        bag_size = xp.zeros(B, np.int64)
        max_idx = xp.zeros(B, np.int64)
    elif mode == 1:
        offset2bag, bag_size, max_idx = bag_of, sizes, sizes.copy()
    else:
        offset2bag, bag_size = bag_of, sizes
        W = weight._data
        max_idx = xp.zeros((B, W.shape[1]), np.int64)
        for b in range(B):
            rows = idx[starts[b]:ends[b]][keep[starts[b]:ends[b]]]
            if rows.size:
                max_idx[b] = rows[xp.argmax(W[rows], axis=0)]
    return (out, _t.make(offset2bag.astype(ity)), _t.make(bag_size.astype(ity)), _t.make(max_idx.astype(ity)))


# ---------------------------------------------------------------------------------------------- Tensor
_CPP_NAME, _SCALAR_NAME = CPP_NAMES, SCALAR_NAMES  # from npgrad/_dtype.py's one table

_UNSET = object()


def _get_grad_dtype(self):
    """The dtype ``.grad`` must have on this leaf: ``self.dtype`` unless set (setting it lets a gradient of another
    dtype accumulate).

    Only leaves have one: reading it on a non-leaf raises ``RuntimeError``.
    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> x.grad_dtype == torch.float32
        True
    """
    if self.grad_fn is not None:
        raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
    x = self._x
    gd = x.get("grad_dtype", _UNSET) if x else _UNSET
    return self.dtype if gd is _UNSET else gd


def _set_grad_dtype(self, value):
    if self.grad_fn is not None:
        raise RuntimeError("grad_dtype can only be set on leaf tensors.")
    if value is not None and not isinstance(value, _dtype.dtype):
        raise RuntimeError(f"grad_dtype must be a torch.dtype or None, but got {type(value).__name__}")
    g = self._grad
    if value is not None and g is not None and g._data.dtype != value.np:
        raise RuntimeError(f"Cannot set grad_dtype to '{_SCALAR_NAME.get(value.name, value.name)}' because there "
                           f"is already a gradient with dtype '{_CPP_NAME.get(g.dtype.name, g.dtype.name)}'. Please "
                           "clear the gradient (.grad = None) before changing grad_dtype, or ensure the new "
                           "grad_dtype matches the existing gradient's dtype.")
    if value is not None and value.np == self._data.dtype:
        if self._x:
            self._x.pop("grad_dtype", None)
        return
    self._extra()["grad_dtype"] = value


def check_assigned_grad_dtype(self, value):
    """``t.grad = g``: ``g``'s dtype must be ``t.grad_dtype`` (any dtype when that is None)."""
    x = self._x
    gd = x.get("grad_dtype", _UNSET) if x else _UNSET
    if gd is None:
        return
    want = self._data.dtype if gd is _UNSET else gd.np
    if value._data.dtype != want:
        want_name = self.dtype.name if gd is _UNSET else gd.name
        raise RuntimeError(f"attempting to assign a gradient with dtype '{_CPP_NAME.get(value.dtype.name)}' to a "
                           f"tensor with grad_dtype '{_SCALAR_NAME.get(want_name)}'. The gradient must match the "
                           "tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's "
                           "grad_dtype attribute with a specific dtype, or None to allow any dtype. Set grad_dtype "
                           "with caution. Diverging the dtypes of a tensor and its gradient may break downstream "
                           "systems that assume they match.")


def leaf_grad_dtype(var):
    """The NumPy dtype a leaf's incoming gradient is cast to: its own dtype, its ``grad_dtype``, or None (any)."""
    x = var._x
    gd = x.get("grad_dtype", _UNSET) if x else _UNSET
    if gd is _UNSET:
        return var._data.dtype
    return None if gd is None else gd.np


def _name(self):
    """The name a tracer gave the tensor: None for every tensor npgrad makes (as for torch's eager tensors).
    Example:
        >>> import npgrad as torch
        >>> torch.ones(1).name is None
        True
    """
    return None   # torch's Tensor.name: None for every tensor not made by a named-graph tracer


def set_(self, source=None, storage_offset=None, size=None, stride=None):
    """Make ``self`` a view of ``source``'s memory (sizes, strides and offset as ``source``'s, or the ones given),
    or, with no ``source``, an empty tensor of ``self``'s dtype. Changes through one show in the other.

    Example:
        >>> import npgrad as torch
        >>> x = torch.zeros(2)
        >>> src = torch.arange(4.)
        >>> x.set_(src)
        tensor([0., 1., 2., 3.])
        >>> x.data_ptr() == src.data_ptr()
        True
    """
    if source is None:
        if storage_offset is not None or size is not None or stride is not None:
            raise TypeError("set_() received an invalid combination of arguments - got (NoneType, ...), but "
                            "expected one of: (), (torch.Storage source), (Tensor source), (Tensor source, int "
                            "storage_offset, tuple of ints size, tuple of ints stride)")
        _t._inplace_check(self)
        self._data = xp.zeros(0, self._data.dtype)
        self._vc[0] += 1
        return self
    if not isinstance(source, _t.Tensor):
        raise TypeError(f"set_() received an invalid combination of arguments - got ({type(source).__name__}), but "
                        "expected one of: (), (torch.Storage source), (Tensor source) (npgrad has no Storage "
                        "objects: pass a Tensor)")
    if (storage_offset is None) != (size is None):
        raise TypeError("set_() received an invalid combination of arguments - got (Tensor, storage_offset=int), "
                        "but expected one of: (), (torch.Storage source), (Tensor source), (Tensor source, int "
                        "storage_offset, tuple of ints size, tuple of ints stride = None)")
    src = source._data
    if src.dtype != self._data.dtype:
        raise RuntimeError(f"Could not set tensor of type {_CPP_NAME.get(source.dtype.name)} to a tensor of type "
                           f"{_CPP_NAME.get(self.dtype.name)}")
    _t._inplace_check(self)
    if size is None:
        view = src
    else:
        from .shape_extra import _storage
        if not source.is_contiguous():
            raise RuntimeError("passed in tensor to be used as storage must be contiguous")
        size = tuple(int(s) for s in size)
        given = None if stride is None else tuple(int(s) for s in stride)
        if stride is None:
            stride, acc = [], 1
            for s in reversed(size):
                stride.insert(0, acc)
                acc *= max(s, 1)
        stride = tuple(int(s) for s in stride)
        if len(stride) != len(size):
            raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
        if any(s < 0 for s in stride):
            raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                               f"strides={list(stride)}")
        off = int(storage_offset)
        if off < 0:
            raise RuntimeError(f"Tensor: invalid storage offset {off}")
        root, base_off = _storage(src)
        off += base_off  # torch counts the offset from the source's own storage offset
        it = src.itemsize   # an ndarray over the root's buffer: its base is the root, so storage_offset() sees off
        need = off + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else off
        if not root.flags.c_contiguous:
            raise RuntimeError("set_: npgrad needs the source's memory to be one C-ordered block")
        if need > root.size:
            cur = self._data
            if cur.shape == size and (given is None or tuple(st // it for st in cur.strides) == given):
                # torch keeps the storage as it is when the geometry does not change, and checks the bounds
                raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(given or ())}, storage offset "
                                   f"{off}, and itemsize {it} requiring a storage size of {need * it} are out of "
                                   f"bounds for storage of size {root.size * it}")
            root = _grow_storage(source, root, need)  # torch grows the source's storage
            src = source._data
        view = np.ndarray(size, src.dtype, buffer=root, offset=off * it if all(size) else 0,
                          strides=tuple(s * it for s in stride))
        if not src.flags.writeable:
            view.flags.writeable = False
    self._data = view
    self._vc[0] += 1
    if size is None and source._req and ng.is_grad_enabled() and not self._req:
        # torch marks it as needing grad, through a node with no derivative (set_(source) only: the overload with
        # an offset and sizes records nothing)
        self._req = True
        from .random_fill import NoDerivative
        made = NoDerivative.apply(source, view, "set_")
        self.grad_fn, self._nr = made.grad_fn, made._nr
    return self


def _grow_storage(source, root, need):
    """torch's ``set_`` past the end of ``source``'s storage grows it (the new elements are uninitialised; zeros
    here). npgrad's storage is ``root``, a NumPy buffer that cannot grow in place: ``source`` is moved onto a larger
    copy, which is only right when no other array shares ``root`` (counted by reference: ``source``'s array, or
    its view of ``root``, and this call's own names). Otherwise torch's growth cannot be reproduced: an error."""
    import sys
    src = source._data
    # references to root: set_'s and this frame's ``root``, getrefcount's argument, and source's array (its slot,
    # set_'s and this frame's ``src``) or source's view of it (its ``.base``)
    expected = 6 if src is root else 4
    # (and the array of the tensor source is a view of, moved with it: views know their base, ops/shape.py)
    x = source._x
    base = x.get("base") if x else None
    bd = base._data if base is not None and base is not source else None
    moves = bd is not None and (bd is root or bd.base is root)
    if sys.getrefcount(root) > expected + (0 if not moves else 2 if bd is root else 1):
        raise RuntimeError(f"set_: the sizes, strides and storage offset reach past the {root.size} elements of "
                           "the source's storage, which npgrad cannot grow while other tensors share it")
    new = xp.zeros(need, root.dtype)
    new[:root.size] = root.reshape(-1)
    if moves:
        start = bd.__array_interface__["data"][0] - root.__array_interface__["data"][0] if bd.size else 0
        base._data = np.ndarray(bd.shape, bd.dtype, buffer=new, offset=start, strides=bd.strides)
    start = (src.__array_interface__["data"][0] - root.__array_interface__["data"][0]) if src.size else 0
    moved = np.ndarray(src.shape, src.dtype, buffer=new, offset=start, strides=src.strides)
    if not src.flags.writeable:
        moved.flags.writeable = False
    source._data = moved
    return new


# ---------------------------------------------------------------------------------------------- linear_cross_entropy
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)`` (torch's reference path);
    ``linear_weight`` (C, d1, ..., dK, in_features) gives a K-dimensional loss over batched input. ``options``
    (torch's chunked, memory-saving path) is refused: npgrad computes the logits whole.

    Example::

        >>> import npgrad as torch
        >>> import npgrad.nn.functional as F
        >>> x = torch.tensor([[1.0, 2.0], [0.5, -1.0]])
        >>> w = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> F.linear_cross_entropy(x, w, torch.tensor([2, 0]))
        tensor(0.4360)
        >>> F.cross_entropy(F.linear(x, w), torch.tensor([2, 0]))
        tensor(0.4360)
        >>> F.linear_cross_entropy(x, w, torch.tensor([2, 0]), reduction='none')
        tensor([0.4076, 0.4644])
    """
    if options is not None:
        raise NotImplementedError("linear_cross_entropy: options (LinearCrossEntropyOptions, the chunked path) is "
                                  "not implemented by npgrad; pass options=None for the reference computation")
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    batches = tuple(input.shape[:-1])
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), got "
                           f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    C = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (C,) + out_features:
        raise RuntimeError(f"expected linear_bias shape {(C,) + out_features}, got {tuple(linear_bias.shape)}")
    if out_features and not batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires "
                           f"batched input, (N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = batches + (C,) + out_features
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if out_features:
        rows = math.prod(out_features) * C
        linear_weight = linear_weight.reshape((rows, in_features))
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(rows)
    from ..nn import functional as F
    logits = F.linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return F.cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                           label_smoothing=label_smoothing)


# ---------------------------------------------------------------------------------------------- grouped_mm
def _bounds(offs):
    """Each group's [start, end) along the jagged dim: group g ends at offs[g] and starts where g - 1 ended."""
    ends = [int(o) for o in offs]
    starts = [0] + ends[:-1]
    return list(zip(starts, ends))


def _swap(x):
    return x.mT if isinstance(x, _t.Tensor) else xp.swapaxes(x, -1, -2)


class GroupedMm(Function):
    """Matrix products by group: 3-D x 3-D batched; a 2-D operand's jagged dim cut by ``offs`` (rows of
    ``mat_a`` against ``mat_b[g]``, columns of ``mat_b`` against ``mat_a[g]``, or, both 2-D, the contraction
    dim, giving one product per group)."""
    _builtin = True
    _ctx_fields = ("offs",)

    @staticmethod
    def forward(ctx, a, b, offs):
        ctx.save_for_backward(a, b)
        ctx.offs = offs
        if offs is None:
            return a @ b
        groups = _bounds(offs)
        if a.ndim == 2 and b.ndim == 3:       # rows of a by group
            out = xp.zeros((a.shape[0], b.shape[-1]), a.dtype)
            for g, (s, e) in enumerate(groups):
                out[s:e] = a[s:e] @ b[g]
            return out
        if a.ndim == 3 and b.ndim == 2:       # columns of b by group
            out = xp.zeros((a.shape[1], b.shape[-1]), a.dtype)
            for g, (s, e) in enumerate(groups):
                out[:, s:e] = a[g] @ b[:, s:e]
            return out
        out = xp.zeros((len(groups), a.shape[0], b.shape[1]), a.dtype)   # 2-D x 2-D: the contraction dim by group
        for g, (s, e) in enumerate(groups):
            out[g] = a[:, s:e] @ b[s:e]
        return out

    @staticmethod
    def backward(ctx, grad):
        # mat_a, mat_b: grouped products of grad with the other operand, transposed (each case maps to another)
        a, b = ctx.saved_tensors
        offs = ctx.offs
        need_a, need_b = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        # (rows by group <-> contraction by group <-> columns by group: each case's gradients are the others)
        ga = dispatch(GroupedMm, grad, _swap(b), offs) if need_a else None
        gb = dispatch(GroupedMm, _swap(a), grad, offs) if need_b else None
        return ga, gb, None


def grouped_mm(mat_a, mat_b, *, offs=None, bias=None, out_dtype=None):
    """``nn.functional.grouped_mm``: per-group matrix products (Mixture-of-Experts layers). Both 3-D: one product
    per batch entry; with ``offs`` (int32, increasing group ends) a 2-D operand's jagged dim is cut into groups.
    Rows past ``offs[-1]`` are zero (torch leaves them unwritten). float32/float16 (bfloat16) as torch's CPU
    kernel, with its 16-byte stride rule.

    Example::

        >>> import npgrad as torch
        >>> import npgrad.nn.functional as F
        >>> F.grouped_mm(torch.arange(16.0).reshape(2, 2, 4), torch.ones(2, 4, 4))
        tensor([[[ 6.,  6.,  6.,  6.],
                 [22., 22., 22., 22.]],
        <BLANKLINE>
                [[38., 38., 38., 38.],
                 [54., 54., 54., 54.]]])
        >>> x = torch.arange(16.0).reshape(4, 4)
        >>> F.grouped_mm(x, torch.ones(2, 4, 4), offs=torch.tensor([1, 4], dtype=torch.int32))
        tensor([[ 6.,  6.,  6.,  6.],
                [22., 22., 22., 22.],
                [38., 38., 38., 38.],
                [54., 54., 54., 54.]])
        >>> F.grouped_mm(torch.ones(2, 2, 3), torch.ones(2, 3, 4))
        Traceback (most recent call last):
            ...
        RuntimeError: strides should be multiple of 16 bytes
    """
    for name, m in (("mat_a", mat_a), ("mat_b", mat_b)):
        if not isinstance(m, _t.Tensor):
            raise TypeError(f"grouped_mm(): argument '{name}' must be Tensor, not {type(m).__name__}")
        if m.dim() not in (2, 3):
            raise RuntimeError(f"{name} has to be 2 or 3d")
    for name, m in (("mat_a", mat_a), ("mat_b", mat_b)):
        if m.dtype.name not in ("float32", "bfloat16", "float16"):
            raise RuntimeError(f"Expected {name} to be Float32, BFloat16 or Float16 matrix, got "
                               f"{_SCALAR_NAME.get(m.dtype.name, m.dtype.name)}")
    a, b = mat_a._data, mat_b._data
    for m in (a, b):
        if any(s % 16 for s, n in zip(m.strides, m.shape) if s != m.itemsize and n > 1):
            raise RuntimeError("strides should be multiple of 16 bytes")
    if mat_a.dtype != mat_b.dtype:
        raise RuntimeError(f"Expected mat_a and mat_b to have the same dtype, but got {mat_a.dtype} and "
                           f"{mat_b.dtype}")
    both3 = a.ndim == 3 and b.ndim == 3
    if both3 == (offs is not None):
        raise RuntimeError("Have to provide offsets if there is a 2d matrix, or no offset if both matrices are 3d")
    if both3 and a.shape[0] != b.shape[0]:
        raise RuntimeError("batched dimension has to match")
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError("contraction dimension of mat_a and mat_b must match")
    o = None
    if offs is not None:
        if not isinstance(offs, _t.Tensor) or offs._data.dtype != np.int32:
            raise RuntimeError("Offsets have to be int32")
        if offs.dim() != 1:
            raise RuntimeError("offs has to be 1D")
        o = tuple(int(v) for v in offs._data)
        groups = b.shape[0] if b.ndim == 3 else a.shape[0] if a.ndim == 3 else None
        if groups is not None and groups != len(o):
            raise RuntimeError("matrix batch sizes have to match")
    if bias is not None:
        raise RuntimeError("Bias not supported yet")
    if out_dtype is not None and out_dtype != mat_a.dtype:
        raise RuntimeError("Grouped gemm output dtype must match `mat_a` dtype")
    return GroupedMm.apply(mat_a, mat_b, o)
