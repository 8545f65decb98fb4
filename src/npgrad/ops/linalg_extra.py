"""LAPACK-style Householder QR at torch's names: ``geqrf`` (the packed reflectors and their scales, no
derivative, as torch), ``orgqr`` (= ``linalg.householder_product``) and ``ormqr`` (multiply by the full Q the
reflectors define, differentiable through ``householder_product``)."""
from collections import namedtuple

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from .. import _tensor as _t
from ..autograd.function import Function

__all__ = ["geqrf", "orgqr", "ormqr"]


def _geqrf_repr(self):
    return f"npgrad.return_types.geqrf(\na={self.a!r},\ntau={self.tau!r})"


_GeqrfResult = type("geqrf", (namedtuple("geqrf", ["a", "tau"]),),
                    {"__slots__": (), "__repr__": _geqrf_repr, "__str__": _geqrf_repr,
                     "__module__": "npgrad.return_types"})


def _need(x, fname, name, pos):
    if not isinstance(x, _t.Tensor):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


class Geqrf(Function):
    """``A = Q R`` packed as LAPACK's geqrf: R on and above the diagonal, the Householder vectors below it."""
    _builtin = True

    @staticmethod
    def forward(ctx, A):
        if not is_float_np(A.dtype):
            raise RuntimeError(f"geqrf: Expected a floating point or complex tensor as input. Got "
                               f"{_t.make(A).dtype}".replace("npgrad.", ""))
        m, n = A.shape[-2:]
        if A.size == 0:
            return A.copy(), xp.zeros(A.shape[:-2] + (min(m, n),), A.dtype)
        h, tau = xp.linalg.qr(A.astype(np.float64 if A.dtype == np.float16 else A.dtype), mode="raw")
        return xp.swapaxes(h, -1, -2).astype(A.dtype), tau.astype(A.dtype)

    @staticmethod
    def backward(ctx, ga, gtau):
        # self: not_implemented("geqrf")
        raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


def geqrf(input):
    """QR decomposition in LAPACK's packed form: the Householder reflectors below the diagonal and ``R`` on and above
    it.

    ``orgqr(a, tau)`` rebuilds ``Q``; ``ormqr`` multiplies by it. As in torch, ``geqrf`` has no gradient (use
    ``linalg.qr``).

    Args:
        input (Tensor): a ``(*, m, n)`` tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(a, tau)``: the packed matrix and the reflectors' scaling factors.

    Example:
        >>> import npgrad as torch
        >>> a, tau = torch.geqrf(torch.tensor([[3., 1.], [4., 2.]]))
        >>> a.triu()
        tensor([[-5.0000, -2.2000],
                [ 0.0000,  0.4000]])
        >>> torch.allclose(torch.orgqr(a, tau) @ a.triu(), torch.tensor([[3., 1.], [4., 2.]]))
        True
    """
    _need(input, "geqrf", "input", 1)
    if input.dim() < 2:
        raise RuntimeError(f"geqrf: The input tensor A must have at least 2 dimensions.")
    from .linalg_common import no_half
    no_half(input, "geqrf_cpu")
    return _GeqrfResult(*Geqrf.apply(input))


def orgqr(input, tau):
    """The first n columns of the Q that geqrf's reflectors define (``linalg.householder_product``).

    Args:
        input (Tensor): the packed reflectors from ``geqrf``.
        tau (Tensor): the reflectors' factors from ``geqrf``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[3., 1.], [4., 2.]])
        >>> a, tau = torch.geqrf(A)
        >>> Q = torch.orgqr(a, tau)
        >>> torch.allclose(Q @ a.triu(), A)
        True
        >>> torch.allclose(Q.T @ Q, torch.eye(2))
        True
    """
    _need(input, "orgqr", "input", 1)
    _need(tau, "orgqr", "input2", 2)
    from ..linalg import householder_product
    return householder_product(input, tau)


def ormqr(input, tau, other, left=True, transpose=False):
    """``op(Q) @ other`` (``left``) or ``other @ op(Q)``, Q the full square product of the reflectors in
    ``input``/``tau`` and op the transpose when ``transpose``.

    Args:
        input (Tensor): the packed reflectors from ``geqrf``.
        tau (Tensor): the reflectors' factors from ``geqrf``.
        other (Tensor): the matrix to multiply.
        left (bool, optional): ``Q @ other`` (True) or ``other @ Q``.
        transpose (bool, optional): use ``Q`` transposed.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[3., 1.], [4., 2.]])
        >>> a, tau = torch.geqrf(A)
        >>> torch.allclose(torch.ormqr(a, tau, a.triu()), A)
        True
    """
    _need(input, "ormqr", "input", 1)
    _need(tau, "ormqr", "input2", 2)
    _need(other, "ormqr", "input3", 3)
    from ..linalg import householder_product
    from .. import cat, zeros
    if input.dim() < 2 or other.dim() < 2:
        raise RuntimeError("torch.ormqr: input must have at least 2 dimensions." if input.dim() < 2 else
                           "torch.ormqr: other must have at least 2 dimensions.")
    mn = other.shape[-2] if left else other.shape[-1]
    if input.shape[-2] != mn:
        raise RuntimeError(f"torch.ormqr: other.shape[{-2 if left else -1}] must be equal to input.shape[-2]")
    k = input.shape[-1]
    if tau.shape[-1] > k:
        raise RuntimeError("torch.ormqr: tau.shape[-1] must be less than or equal to input.shape[-1]")
    if input.dtype != other.dtype or input.dtype != tau.dtype:
        raise RuntimeError(f"torch.ormqr: Expected input and other to have the same dtype, but input has dtype "
                           f"{input.dtype} and other has dtype {other.dtype}".replace("npgrad.", "torch."))
    from .linalg_common import no_half
    no_half(input, "ormqr_cpu")
    A = input[..., :mn] if k >= mn else cat([input, zeros(*input.shape[:-1], mn - k, dtype=input.dtype)], -1)
    t = tau
    if t.shape[-1] < mn:
        t = cat([tau, zeros(*tau.shape[:-1], mn - tau.shape[-1], dtype=tau.dtype)], -1)
    Q = householder_product(A, t)
    if transpose:
        Q = Q.mT
    return Q @ other if left else other @ Q
