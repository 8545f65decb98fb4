"""Anomaly detection: ``detect_anomaly`` and ``set_detect_anomaly``, as in torch.

While it is on, every node made in the forward pass keeps the stack of the code that created it
(``grad_fn.metadata["traceback_"]``), and the backward pass checks each node's results for NaN: the first node
that returns one raises ``RuntimeError("Function 'XBackward0' returned nan values in its 0th output.")`` after
a warning that prints where that node was created. Any other error raised in backward gets the same warning.

When it is off it costs nothing but one test: recording the stacks happens in ``Function``'s extras path, which
``Function.apply`` takes only while a mode like this one is active (``function.extras_on``), and the engine reads
the flag once per backward call.

>>> import npgrad
>>> x = npgrad.tensor([0.0], requires_grad=True)
>>> with npgrad.autograd.detect_anomaly():                            # doctest: +SKIP
...     (x.sqrt() * 0).sum().backward()
RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
"""
from __future__ import annotations

from typing import Any, Callable, Literal

import warnings

import numpy as np
from .._dtype import is_float_np
from .._warn import warn as _warn

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

_enabled = False
_check_nan = True


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on (:class:`detect_anomaly`, :class:`set_detect_anomaly`): backward then
    checks every node's gradients for NaN and names the forward op (and its line) that made a failing node.

    Returns:
        bool: ``True`` while anomaly detection is on.

    Example::

        >>> import warnings
        >>> import npgrad as torch
        >>> torch.is_anomaly_enabled()
        False
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # "Anomaly Detection has been enabled ..."
        ...     with torch.autograd.detect_anomaly():
        ...         print(torch.is_anomaly_enabled())
        True
        >>> torch.is_anomaly_enabled()
        False
    """
    return _enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection, when on, checks backward's results for NaN (``check_nan`` of
    :class:`detect_anomaly`/:class:`set_detect_anomaly`; ``False`` keeps only the forward-op traces).

    Returns:
        bool: the ``check_nan`` setting of the anomaly mode in force.

    Example::

        >>> import npgrad as torch
        >>> with torch.autograd.set_detect_anomaly(True, check_nan=False):
        ...     print(torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
        True False
    """
    return _check_nan


def _set(mode, check_nan):
    global _enabled, _check_nan
    from . import function
    with function.extras_lock:  # one process-wide flag, as in torch: its test and switch happen together
        if mode and not _enabled:
            function.extras_on()
        elif _enabled and not mode:
            function.extras_off()
        _enabled, _check_nan = bool(mode), bool(check_nan)


class detect_anomaly:
    """Context manager (or decorator) that turns anomaly detection on for its block: backward checks each node's
    gradients for NaN, and an error names the forward op (and its traceback) that made the failing node.

    ``check_nan=False`` keeps the forward stacks but skips the NaN check in backward.

    Args:
        check_nan (bool): raise when a backward node returns NaN. Default: ``True``.

    Example::

        >>> import warnings
        >>> import npgrad as torch
        >>> x = torch.tensor([0.0], requires_grad=True)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # the warnings that anomaly mode is on, and the forward trace
        ...     try:
        ...         with torch.autograd.detect_anomaly():
        ...             (x.sqrt() * 0).sum().backward()
        ...     except RuntimeError as e:
        ...         print(str(e).splitlines()[0])
        Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        _warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning)

    def __enter__(self) -> None:
        self._prev = (_enabled, _check_nan)
        _set(True, self.check_nan)

    def __exit__(self, *exc: Any) -> Literal[False]:
        _set(*self._prev)
        return False

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off: at once when called, or for a block when used with ``with``.

    Args:
        mode (bool): on or off.
        check_nan (bool): check backward's results for NaN. Default: ``True``.

    Example::

        >>> import npgrad as torch
        >>> with torch.autograd.set_detect_anomaly(True):
        ...     print(torch.is_anomaly_enabled())
        True
        >>> torch.is_anomaly_enabled()
        False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (_enabled, _check_nan)
        _set(mode, check_nan)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> Literal[False]:
        _set(*self._prev)
        return False


def user_stack():
    """The current stack as ``traceback.format_stack`` gives it, without the frames inside npgrad at its end
    (torch's trace ends at the user's line, its own frames being C++)."""
    import os
    import traceback
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = traceback.extract_stack()
    while frames and os.path.abspath(frames[-1].filename).startswith(pkg + os.sep):
        frames.pop()
    return traceback.format_list(frames)


def check_nan(node, grads):
    """The engine calls this on each node's results while anomaly detection is on."""
    for i, g in enumerate(grads):
        if g is None:
            continue
        a = g if type(g) is np.ndarray else getattr(g, "_data", None)
        if a is not None and is_float_np(a.dtype) and np.isnan(a).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def report(node):
    """Warn with the forward stack of the node whose backward failed (torch prints it the same way)."""
    meta = getattr(node, "metadata_", None)
    trace = meta.get("traceback_") if meta else None
    if trace is None:
        warnings.warn("Error detected in " + node.name() + ". No forward pass information available. Enable "
                      "detect anomaly during forward pass for more information.", UserWarning, stacklevel=3)
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                  + "".join(trace), UserWarning, stacklevel=3)
