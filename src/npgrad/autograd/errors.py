"""Autograd errors that explain themselves: which forward op a failing backward node came from, the user's
source line that created it, and where a graph was cut.

Errors keep torch's exception class and wording (``str(exc)`` is torch's message); the extra explanation is
attached with ``exc.add_note`` so it prints under the traceback, as torch's anomaly mode would print it.

The source line of each op is only known if it was recorded when the op ran. That costs a frame walk per op,
so it is opt-in::

    npgrad.autograd.set_source_tracking(True)     # or: with npgrad.autograd.source_tracking(): ...

While it is on, every node made in the forward pass remembers ``file.py:42 in forward`` (the first frame
outside npgrad), and every tensor that an op produced without a graph (grad mode off) remembers where that
happened, so "element 0 of tensors does not require grad" can name the line where the graph was cut. When it
is off nothing is recorded and nothing on the hot path changes; the notes then name the op and suggest the
switch. Why opt-in (callgrind, instructions per W1 op): the frame walk alone (``sys._getframe`` and ``f_back``
up to the user's frame, which makes CPython 3.11 materialise each frame object) costs ~12,900, a quarter of a
~59,000-instruction op, and with tracking on W1 runs at ~106,000 per op. Off, it costs 0.
"""
from __future__ import annotations

from typing import Any, Literal

import os
import sys

__all__ = ["set_source_tracking", "is_source_tracking_enabled", "source_tracking"]

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_tracking = False
_orig = None  # function._apply_extras as it was before tracking wrapped it


def is_source_tracking_enabled() -> bool:
    """Whether source tracking is on (an npgrad addition, no torch counterpart): each node made in the forward pass
    then remembers the user's source line, which autograd's error notes name (see the module docstring).

    Returns:
        bool: ``True`` while :func:`set_source_tracking` (or the :func:`source_tracking` block) has it on.

    Example::

        >>> import npgrad
        >>> npgrad.autograd.is_source_tracking_enabled()
        False
        >>> with npgrad.autograd.source_tracking():
        ...     print(npgrad.autograd.is_source_tracking_enabled())
        True
    """
    return _tracking


def _user_frame():
    """(filename, lineno, function name) of the innermost frame outside npgrad, or None."""
    f = sys._getframe(2)
    pkg = _PKG
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(pkg):
            return fn, f.f_lineno, f.f_code.co_name
        f = f.f_back
    return None


def format_source(src):
    fn, line, name = src
    return f"{os.path.basename(fn)}:{line} in {name}"


def _tracking_apply(cls, *args, **kwargs):
    """``Function.apply`` while source tracking is on: the extras path, then record the caller's line."""
    from .function import Tensor
    res = _orig(cls, *args, **kwargs)
    src = None
    for o in (res if type(res) is tuple else (res,)):
        if not isinstance(o, Tensor):
            continue
        node = o.grad_fn
        if node is not None:
            meta = getattr(node, "metadata_", None)
            if type(node) is getattr(cls, "_node_cls", None) and not (meta and "source_" in meta):
                src = src or _user_frame()
                node.metadata["source_"] = (cls.__name__, src)
        elif not o._req:
            rec = None
            for a in args:
                if isinstance(a, Tensor):
                    if a._req:  # an op on a tensor that requires grad gave no graph: grad mode was off
                        src = src or _user_frame()
                        rec = (f"{cls.__name__.lower()} ran with grad mode off (no_grad / inference_mode / "
                               f"set_grad_enabled(False))", src)
                        break
                    if a._x and "cut_" in a._x:  # computed from a cut tensor: keep pointing at the cut
                        rec = a._x["cut_"]
            if rec is not None:
                if o._x is None:
                    o._x = {}
                o._x["cut_"] = rec
    return res


class set_source_tracking:
    """Record, for every op, the user's source line that ran it (used by autograd error messages). An npgrad
    addition, with no torch counterpart.

    Works as a call (``set_source_tracking(True)``) or as a context manager restoring the previous state.

    Args:
        mode (bool): on or off. Default: ``True``.

    Example::

        >>> import npgrad
        >>> with npgrad.autograd.set_source_tracking(True):
        ...     y = npgrad.ones(2, requires_grad=True) * 2
        ...     print(npgrad.autograd.is_source_tracking_enabled())
        True
        >>> npgrad.autograd.is_source_tracking_enabled()
        False
    """

    def __init__(self, mode: bool = True) -> None:
        self._prev = _tracking
        _set(bool(mode))

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> Literal[False]:
        _set(self._prev)
        return False


def source_tracking() -> set_source_tracking:
    """``with source_tracking(): ...`` - source tracking for a block (see :class:`set_source_tracking`).

    Example::

        >>> import npgrad
        >>> with npgrad.autograd.source_tracking():
        ...     print(npgrad.autograd.is_source_tracking_enabled())
        True
    """
    return set_source_tracking(True)


def _set(mode):
    global _tracking, _orig
    from . import function
    if mode == _tracking:
        return
    if mode:
        _orig = function._apply_extras
        function._apply_extras = _tracking_apply  # ``Function.apply`` calls it by name while extras are on
        function.extras_on()
        _tracking = True
    else:
        function._apply_extras = _orig
        _tracking = False
        function.extras_off()
        _orig = None


# --------------------------------------------------------------------------------------- enrichment
def _op_name(node):
    name = node.name()
    for suffix in ("Backward0", "Backward1", "Backward2", "Backward"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _hint():
    return ("call npgrad.autograd.set_source_tracking(True) before the forward pass to see the line that "
            "created it")


def node_note(node):
    """One line naming the backward node, the forward op it came from and (if tracked) where it ran."""
    var = getattr(node, "variable", None)
    if var is not None:  # AccumulateGrad: a leaf's hook, or the leaf's gradient itself
        return (f"{node.name()} of a leaf tensor of shape {list(var.shape)} (its tensor hooks or the "
                f"accumulation into its .grad)")
    meta = getattr(node, "metadata_", None) or {}
    rec = meta.get("source_")
    what = f"backward node {node.name()} (forward op: {_op_name(node)})"
    if rec is not None and rec[1] is not None:
        return f"{what}, created at {format_source(rec[1])}"
    trace = meta.get("traceback_")
    if trace:  # anomaly mode kept the whole stack: its last line is the user's
        last = trace[-1].strip().splitlines()[0]
        return f"{what}, created at {last}"
    return f"{what}; {_hint()}"


def enrich_backward_error(exc, node):
    """Called by the engine when ``node``'s backward (or a hook on it) raised ``exc``."""
    if node is None or not hasattr(exc, "add_note"):
        return
    try:
        note = "npgrad: the error came from " + node_note(node)
    except Exception:  # never let the explanation hide the error
        return
    if note not in getattr(exc, "__notes__", ()):
        exc.add_note(note)


def cut_explanation(t):
    """Why tensor ``t`` has no graph: where it was cut, as far as it can be known."""
    x = t._x
    rec = x.get("cut_") if x else None
    if rec is not None:
        why, src = rec
        return f"it was cut from the graph: {why}" + (f", at {format_source(src)}" if src else "")
    from .._dtype import is_float_np
    if not is_float_np(t._data.dtype):
        return f"it has dtype {t.dtype}: only floating point tensors can require gradients"
    base = ("it is a leaf that does not require grad. Either create it with requires_grad=True "
            "(or call .requires_grad_()), or it is the result of an op run under no_grad()/inference_mode() "
            "or of .detach()")
    return base + ("" if _tracking else " (call npgrad.autograd.set_source_tracking(True) before the forward "
                                        "pass to see the line where the graph was cut)")


def no_grad_note(exc, i, t):
    if hasattr(exc, "add_note"):
        try:
            exc.add_note(f"npgrad: tensor {i} does not require grad because {cut_explanation(t)}.")
        except Exception:
            pass
    return exc


# ------------------------------------------------------------------------------------------ bad arguments
_NUMBER_TYPES = (int, float, bool, complex)


def check_arguments(cls, args, exc):
    """Called from ``Function.apply`` when a built-in's forward raised ``exc`` (a NumPy ValueError/TypeError):
    an operand that is neither a Tensor nor a number gets torch's TypeError instead of NumPy's message."""
    import numpy as np
    from .function import Tensor
    if cls._promote is None:
        return
    for i, a in enumerate(args[:2]):
        if not isinstance(a, (Tensor, np.ndarray, np.generic) + _NUMBER_TYPES):
            what = "input" if i == 0 else "other"
            raise TypeError(f"{cls.__name__.lower()}(): argument '{what}' (position {i + 1}) must be Tensor, not "
                            f"{type(a).__name__}; convert it with npgrad.tensor(...) first") from None
    if isinstance(exc, TypeError) and "ufunc" in str(exc):
        kinds = ", ".join(str(a.dtype) if isinstance(a, Tensor) else type(a).__name__ for a in args[:2])
        raise TypeError(f"{cls.__name__.lower()}(): unsupported operand types ({kinds})") from None
