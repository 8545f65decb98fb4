"""Shared pieces of the linear-algebra ops: torch's dtype names for messages, argument checks, ``LinAlgError``,
the named result tuples (``torch.return_types.*``) and the constant masks the derivative formulas multiply by.

The masks are plain arrays of the operand's dtype, so a formula like ``X * tril_mask(n, X)`` runs on arrays in a
plain backward and records a ``mul`` on Tensors under ``create_graph``.
"""
import collections

import numpy as np
from .._xp import xp, xp_of

from .._dtype import is_float_np, CPP_NAMES, SCALAR_NAMES

from .. import _tensor as _t

_CNAMES, _TNAMES = CPP_NAMES, SCALAR_NAMES  # from npgrad/_dtype.py's one table


def cname(dtype):
    """C++ type name torch prints in some messages (``float``, ``double``, ``long int``)."""
    return _CNAMES.get(dtype.name, dtype.name)


def tname(x):
    """torch's ScalarType name of a tensor's dtype (``Float``, ``Double``, ``Long``...), for error messages."""
    return _TNAMES.get(x._data.dtype.name, x._data.dtype.name)


def need_tensor(x, fn, arg, pos):
    if not isinstance(x, _t.Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


def dtype_of(x):
    """NumPy dtype of an array or a Tensor (formulas see both)."""
    return x._data.dtype if isinstance(x, _t.Tensor) else x.dtype


def data(x):
    return x._data if isinstance(x, _t.Tensor) else x


def eye(n, like):
    return xp.eye(n, dtype=dtype_of(like))


def tril_mask(n, like, k=0):
    return xp.tri(n, n, k, dtype=dtype_of(like))


def diag_embed(v, like):
    """(..., n) -> (..., n, n) diagonal matrices, as a product with the identity (differentiable)."""
    xp = xp_of(v)  # NumPy, or txp on Tensors (create_graph)
    return xp.expand_dims(v, -1) * eye(v.shape[-1], like)


def const(array, like):
    """A constant operand for ``@`` beside ``like``: the array itself, or a Tensor when ``like`` is one."""
    return _t.make(array) if isinstance(like, _t.Tensor) else array


def columns(n, start, stop, like):
    """Selection matrix: ``X @ columns(n, a, b)`` is ``X[..., :, a:b]`` (a matmul, so it differentiates)."""
    return const(xp.ascontiguousarray(xp.eye(n, dtype=dtype_of(like))[:, start:stop]), like)


class LinAlgError(RuntimeError):
    """Raised for singular or non positive-definite inputs (torch's ``torch.linalg.LinAlgError``, a
    ``RuntimeError``).

    Example::

        >>> import npgrad as torch
        >>> try:
        ...     torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
        ... except torch.linalg.LinAlgError as e:
        ...     print(isinstance(e, RuntimeError), str(e).split(":")[0])
        True linalg.cholesky
    """


LinAlgError.__module__ = "npgrad.linalg"


def return_type(name, fields):
    """A named tuple printed like torch's ``torch.return_types.<name>``."""
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"npgrad.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__})
    cls.__module__ = "npgrad.return_types"
    return cls


def check_matrix(A, fname, square=True, argname="A"):
    """torch's shape and dtype checks shared by the linalg functions (``fname`` like ``linalg.det``)."""
    need_tensor(A, fname.replace(".", "_"), argname, 1)
    d = A._data
    if d.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor {argname} must have at least 2 dimensions.")
    if not is_float_np(d.dtype):
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. Got {tname(A)}")
    if square and d.shape[-1] != d.shape[-2]:
        raise RuntimeError(f"{fname}: A must be batches of square matrices, but they are {d.shape[-2]} by "
                           f"{d.shape[-1]} matrices")


def low_precision(d):
    """float16 or bfloat16 (ml_dtypes' kind 'V'): the types torch's LAPACK ops refuse."""
    return d.itemsize == 2 and (d.kind == "f" or is_float_np(d))


def no_half(A, kernel=None, fname=None):
    """float16 and bfloat16 are refused by torch's LAPACK ops: NotImplementedError naming the kernel, or a
    RuntimeError."""
    if low_precision(A._data.dtype):
        name = tname(A)
        if kernel:
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")
        raise RuntimeError(f"{fname}: Low precision dtypes not supported. Got {name}")
