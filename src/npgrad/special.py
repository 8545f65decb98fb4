"""``npgrad.special``: torch.special's functions for real dtypes, with torch's names, results and derivatives.

>>> import npgrad
>>> npgrad.special.ndtr(npgrad.tensor([0.0]))
tensor([0.5000])

The kernels are NumPy code (``ops/special_math.py``); ``bessel_j0/j1/y0/y1``, ``modified_bessel_k0/k1``,
``scaled_modified_bessel_k0/k1`` and ``airy_ai`` call SciPy, the optional ``special`` extra
(``pip install npgrad[special]``): without it they raise an ImportError that says so. As in torch, the Bessel,
Airy and polynomial functions have no derivative (their results never require grad).
"""
import math

import numpy as np
from ._dtype import is_float_np

from . import _tensor as _t
from ._shape import UNSET, required_dim
from .ops import special_math as _S
from .ops.pointwise import float_input as _float_input, TYPE_NAMES as _TYPE_NAMES
from .ops.special import (lgamma as gammaln, digamma, polygamma, mvlgamma as multigammaln, i0, i0e, i1, i1e,
                          sinc, erfcx, ndtri, log_ndtr, entr, xlog1py, zeta, gammainc, gammaincc)
from .ops.pointwise_special import logit, erf, erfc, erfinv, round
from .ops.pointwise_unary import expm1, exp2, log1p, sigmoid as expit
from .ops.pointwise import xlogy

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
           "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
           "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]

psi = digamma


def ndtr(input):
    """The standard normal CDF, ``(1 + erf(x / sqrt 2)) / 2`` (a composite, as in torch)."""
    return (1 + erf(input * math.sqrt(0.5))) * 0.5


def logsumexp(input, dim=UNSET, keepdim=False, *, axis=UNSET, keepdims=UNSET):
    from .ops.reduction import logsumexp as _lse
    return _lse(input, dim, keepdim, axis=axis, keepdims=keepdims)


def softmax(input, dim=UNSET, *, dtype=None, axis=UNSET):
    from .ops.reduction import softmax as _softmax
    return _softmax(input, required_dim("softmax", dim, axis), dtype)


def log_softmax(input, dim=UNSET, *, dtype=None, axis=UNSET):
    from .ops.reduction import log_softmax as _log_softmax
    return _log_softmax(input, required_dim("log_softmax", dim, axis), dtype)


# ---------------------------------------------------------------------------------------------- no derivative
def _values(x):
    if isinstance(x, _t.Tensor):
        return x._data
    return np.asarray(x)


from .ops.special import _no_bf16  # noqa: E402


def _real(name, input):
    if not isinstance(input, _t.Tensor):
        raise TypeError(f"special_{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    a = input._data
    _no_bf16(name, a)
    if not (is_float_np(a.dtype) or a.dtype.kind in 'iub'):
        raise NotImplementedError(f'"{name}" not implemented for \'{_TYPE_NAMES.get(a.dtype.name, a.dtype.name)}\'')
    return _float_input(a)


def _unary(name, kernel):
    def fn(input, *, out=None):
        if out is not None:
            raise TypeError(f"special.{name}(): out= is not supported by npgrad")
        a = _real(name, input)
        with np.errstate(all="ignore"):  # a kernel run outside an op (no Function.apply): inf/NaN silently, as torch
            return _t.make(np.asarray(kernel(a.astype(np.float64))).astype(a.dtype))
    fn.__name__ = name
    fn.__doc__ = f"torch.special.{name} (no derivative, as in torch)."
    return fn


def _scipy(name, sc_name):
    def kernel(x):
        return getattr(_S.scipy_special(name), sc_name)(x)
    return _unary(name, kernel)


def _spherical_j0(x):  # run by _unary, under its errstate
    return np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1.0, x))


bessel_j0 = _scipy("bessel_j0", "j0")
bessel_j1 = _scipy("bessel_j1", "j1")
bessel_y0 = _scipy("bessel_y0", "y0")
bessel_y1 = _scipy("bessel_y1", "y1")
modified_bessel_k0 = _scipy("modified_bessel_k0", "k0")
modified_bessel_k1 = _scipy("modified_bessel_k1", "k1")
scaled_modified_bessel_k0 = _scipy("scaled_modified_bessel_k0", "k0e")
scaled_modified_bessel_k1 = _scipy("scaled_modified_bessel_k1", "k1e")
modified_bessel_i0 = _unary("modified_bessel_i0", _S.i0)
modified_bessel_i1 = _unary("modified_bessel_i1", _S.i1)
spherical_bessel_j0 = _unary("spherical_bessel_j0", _spherical_j0)


def airy_ai(input):
    """The Airy function Ai (SciPy, the optional ``special`` extra)."""
    a = _real("airy_ai", input)
    sc = _S.scipy_special("airy_ai")
    return _t.make(np.asarray(sc.airy(a.astype(np.float64))[0]).astype(a.dtype))


def _polynomial(kind):
    def fn(input, n, *, out=None):
        if out is not None:
            raise TypeError(f"special.{kind}(): out= is not supported by npgrad")
        from ._dtype import result_np
        _no_bf16(kind, input, n)
        xs, ns = _values(input), _values(n)
        dt = result_np([x._data if isinstance(x, _t.Tensor) else x for x in (input, n)])
        if not is_float_np(np.dtype(dt)):
            from ._dtype import get_default_dtype
            dt = get_default_dtype().np
        with np.errstate(all="ignore"):  # overflow to inf, silently as in torch
            return _t.make(np.asarray(_S.polynomial(kind, xs, ns)).astype(dt))
    fn.__name__ = kind
    fn.__doc__ = f"torch.special.{kind}(input, n): the degree-n polynomial at input (no derivative, as torch)."
    return fn


chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t")
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u")
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v")
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w")
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t")
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u")
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v")
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w")
hermite_polynomial_h = _polynomial("hermite_polynomial_h")
hermite_polynomial_he = _polynomial("hermite_polynomial_he")
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l")
legendre_polynomial_p = _polynomial("legendre_polynomial_p")


# The public boundary (npgrad._out): out= as torch.special takes it (every function but softmax/log_softmax) and
# torch's exception classes for bad arguments. Keep this at the end of the module.
from . import _out  # noqa: E402
_out.wrap_namespace(globals(), set(__all__) - {"softmax", "log_softmax"}, "npgrad.special")
# torch-style docstrings (Args, Returns, Example) for the names above, kept in one table
from ._special_docs import apply as _apply_docs  # noqa: E402
_apply_docs(globals())
