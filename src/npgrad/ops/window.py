"""Window functions for signal processing: hann, hamming, blackman, bartlett and kaiser, as torch's creation
functions (``periodic`` windows are the first ``N`` points of an ``N + 1``-point symmetric window). Constants:
no gradient flows into them, ``requires_grad=True`` makes a leaf.
"""
import numbers

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from .. import _creation as _c

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def _window(fname, window_length, periodic, dtype, layout, device, pin_memory, requires_grad, formula):
    _c._check_pin(pin_memory)
    _c._check_layout(layout, fname)
    if isinstance(window_length, bool) or not isinstance(window_length, numbers.Integral):
        raise TypeError(f"{fname}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if not isinstance(periodic, bool):
        raise TypeError(f"{fname}(): argument 'periodic' (position 2) must be bool, not {type(periodic).__name__}")
    dt = _c._dt(dtype, fname=fname)
    if not is_float_np(np.dtype(dt)):
        from .._dtype import from_numpy_dtype
        raise RuntimeError(f"{fname} expects floating point dtypes, got: "
                           f"{from_numpy_dtype(dt)}")
    n = int(window_length)
    if n < 0:
        raise RuntimeError(f"{fname} requires non-negative window_length, got window_length={n}")
    if n <= 1:
        return _c._finish(xp.ones(n, dt), requires_grad, device)
    m = n + 1 if periodic else n  # points of the symmetric window computed
    k = xp.arange(n, dtype=np.float64)
    return _c._finish(formula(k, m).astype(dt), requires_grad, device)


def _cosine_sum(*coef):
    def formula(k, m):
        x = 2 * np.pi * k / (m - 1)
        return sum(c * xp.cos(i * x) for i, c in enumerate(coef))
    return formula


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """``0.5 - 0.5 cos(2 pi n / (N - 1))``.

    Args:
        window_length (int): the number of points.
        periodic (bool, optional): True (default) for a window to use with FFTs (one point longer, the last dropped);
            False for a symmetric one.
        dtype (npgrad.dtype, optional): a floating dtype (default ``get_default_dtype()``).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).

    Returns:
        Tensor: a 1-D tensor of ``window_length`` values.

    Example:
        >>> import npgrad as torch
        >>> torch.hann_window(4)
        tensor([0.0000, 0.5000, 1.0000, 0.5000])
        >>> torch.hann_window(5, periodic=False)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window("hann_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                   _cosine_sum(0.5, -0.5))


def _overloads(fname, given, later):
    """torch's overloads: a parameter may be given only with every one before it (``beta`` needs ``periodic``)."""
    for i, (name, value) in enumerate(given):
        if value is _UNSET and any(v is not _UNSET for _, v in given[i + 1:]):
            raise TypeError(f"{fname}() received an invalid combination of arguments - {later} given without "
                            f"'{name}'")
    return [True if v is _UNSET and n == "periodic" else v for n, v in given]


_UNSET = object()


def hamming_window(window_length, periodic=_UNSET, alpha=_UNSET, beta=_UNSET, *, dtype=None, layout=None,
                   device=None, pin_memory=False, requires_grad=False):
    """``alpha - beta cos(2 pi n / (N - 1))``.

    Args:
        window_length (int): the number of points.
        periodic (bool, optional): True (default) for a window to use with FFTs (one point longer, the last dropped);
            False for a symmetric one.
        alpha (float, optional): the coefficient ``alpha`` (default 0.54).
        beta (float, optional): the coefficient ``beta`` (default 0.46).
        dtype (npgrad.dtype, optional): a floating dtype (default ``get_default_dtype()``).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).

    Returns:
        Tensor: a 1-D tensor of ``window_length`` values.

    Example:
        >>> import npgrad as torch
        >>> torch.hamming_window(5, periodic=False)
        tensor([0.0800, 0.5400, 1.0000, 0.5400, 0.0800])
    """
    periodic, alpha, beta = _overloads("hamming_window", [("periodic", periodic), ("alpha", alpha), ("beta", beta)],
                                       "a later argument")
    alpha = 0.54 if alpha is _UNSET else alpha
    beta = 0.46 if beta is _UNSET else beta
    return _window("hamming_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                   _cosine_sum(float(alpha), -float(beta)))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.

    Args:
        window_length (int): the number of points.
        periodic (bool, optional): True (default) for a window to use with FFTs (one point longer, the last dropped);
            False for a symmetric one.
        dtype (npgrad.dtype, optional): a floating dtype (default ``get_default_dtype()``).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).

    Returns:
        Tensor: a 1-D tensor of ``window_length`` values.

    Example:
        >>> import npgrad as torch
        >>> torch.blackman_window(5, periodic=False).clamp(min=0)
        tensor([0.0000, 0.3400, 1.0000, 0.3400, 0.0000])
    """
    return _window("blackman_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                   _cosine_sum(0.42, -0.5, 0.08))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """Triangular: ``1 - |2 n / (N - 1) - 1|``.

    Args:
        window_length (int): the number of points.
        periodic (bool, optional): True (default) for a window to use with FFTs (one point longer, the last dropped);
            False for a symmetric one.
        dtype (npgrad.dtype, optional): a floating dtype (default ``get_default_dtype()``).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).

    Returns:
        Tensor: a 1-D tensor of ``window_length`` values.

    Example:
        >>> import npgrad as torch
        >>> torch.bartlett_window(5)
        tensor([0.0000, 0.4000, 0.8000, 0.8000, 0.4000])
        >>> torch.bartlett_window(5, periodic=False)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window("bartlett_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                   lambda k, m: 1 - xp.abs(2 * k / (m - 1) - 1))


def kaiser_window(window_length, periodic=_UNSET, beta=_UNSET, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """``I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta)``.

    Args:
        window_length (int): the number of points.
        periodic (bool, optional): True (default) for a window to use with FFTs (one point longer, the last dropped);
            False for a symmetric one.
        beta (float, optional): the shape parameter (default 12.0).
        dtype (npgrad.dtype, optional): a floating dtype (default ``get_default_dtype()``).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).

    Returns:
        Tensor: a 1-D tensor of ``window_length`` values.

    Example:
        >>> import npgrad as torch
        >>> torch.kaiser_window(5, periodic=False, beta=5.0)
        tensor([0.0367, 0.5529, 1.0000, 0.5529, 0.0367])
    """
    periodic, beta = _overloads("kaiser_window", [("periodic", periodic), ("beta", beta)], "beta")
    beta = 12.0 if beta is _UNSET else float(beta)

    def formula(k, m):
        r = 2 * k / (m - 1) - 1
        return xp.i0(beta * xp.sqrt(xp.maximum(0.0, 1 - r * r))) / xp.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
                   formula)
