"""Grad modes: whether ops record a graph. Per thread, as in torch.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work as context managers and as
decorators. The state lives in one ``threading.local`` so that ``Function.apply`` reads it with a single
attribute access.
"""
from __future__ import annotations

import functools
import inspect
import threading
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast

if TYPE_CHECKING:
    from typing import Literal

_F = TypeVar("_F", bound=Callable[..., Any])
_M = TypeVar("_M", bound="_Mode")

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class _State(threading.local):
    enabled = True      # record graphs
    inference = False   # inference_mode: also marks the tensors made as inference tensors
    create = False      # inside a backward pass with create_graph (engine sets it)


state = _State()
# one entry per active ``inference_mode`` block, in any thread: ``Function.apply`` tests this list (empty: nothing
# to mark) before this thread's ``state.inference``; append and pop are atomic under the GIL (no lock)
inference_blocks: list[None] = []
# One entry per running pass, in any thread, that sets ``state.create`` (a create_graph backward, forward AD's
# jvp): while it is empty no thread's flag is set, so hot readers (``ctx.saved_tensors``) skip the thread-local
# read. list.append/pop are atomic under the GIL.
creating: list[None] = []


def is_grad_enabled() -> bool:
    """Whether gradient recording is on: ops on tensors that require grad record a graph only while it is
    (off inside :class:`no_grad`, or after ``set_grad_enabled(False)``).

    Returns:
        bool: ``True`` when grad mode is enabled (the default).

    Example::

        >>> import npgrad as torch
        >>> torch.is_grad_enabled()
        True
        >>> with torch.no_grad():
        ...     print(torch.is_grad_enabled())
        False
    """
    return state.enabled


def is_inference_mode_enabled() -> bool:
    """Whether ``inference_mode`` is on (False at start).

    Returns:
        bool: the setting.

    Example:
        >>> import npgrad as torch
        >>> torch.is_inference_mode_enabled()
        False
        >>> with torch.inference_mode():
        ...     torch.is_inference_mode_enabled()
        True
    """
    return state.inference


class _Mode:
    """Base of the grad-mode context managers; also a decorator (sync functions and generators)."""

    if TYPE_CHECKING:
        def _set(self) -> None: ...  # each mode's own setting

    def __call__(self, fn: _F) -> _F:
        if inspect.isclass(fn):
            raise TypeError(f"{type(self).__name__} can't decorate a class; decorate its methods instead")
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*args, **kwargs):
                with self.clone():
                    yield from fn(*args, **kwargs)
            return cast(_F, gen)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return cast(_F, wrapper)

    def clone(self: _M) -> _M:
        return type(self)()

    def __enter__(self) -> None:
        self._prev = (state.enabled, state.inference)
        self._set()
        return None

    def __exit__(self, *exc: object) -> Literal[False]:
        state.enabled, state.inference = self._prev
        return False


class no_grad(_Mode):
    """Disable graph recording inside the block (or the decorated function).

    >>> import npgrad
    >>> x = npgrad.ones(2, requires_grad=True)
    >>> with npgrad.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def _set(self):
        state.enabled = False


class enable_grad(_Mode):
    """Enable graph recording inside a ``no_grad`` block (not inside ``inference_mode``, as in torch).

    >>> import npgrad as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     with torch.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    def _set(self):
        state.enabled = not state.inference


class set_grad_enabled(_Mode):
    """Set grad mode on or off; takes effect at once (as a function) or for a block (as a context manager).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0], requires_grad=True)
        >>> with torch.set_grad_enabled(False):
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> _ = torch.set_grad_enabled(False)
        >>> (x * 2).requires_grad
        False
        >>> _ = torch.set_grad_enabled(True)
    """

    def __init__(self, mode: bool) -> None:
        self._prev = (state.enabled, state.inference)
        self.mode = mode is True or bool(mode)
        state.enabled = self.mode and not state.inference

    def clone(self) -> set_grad_enabled:
        return set_grad_enabled(self.mode)

    def __enter__(self) -> None:  # the mode was already set by __init__, which also saved the previous one
        return None

    def _set(self):
        state.enabled = self.mode and not state.inference


class inference_mode(_Mode):
    """Like ``no_grad``, and the tensors made inside can never join a graph later.

    >>> import npgrad as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.inference_mode():
    ...     y = x * 2
    >>> y.requires_grad, y.is_inference()
    (False, True)
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def clone(self) -> inference_mode:
        return inference_mode(self.mode)

    def __enter__(self) -> None:  # ops mark their results as inference tensors (Function.apply: _inference)
        inference_blocks.append(None)
        self._prev = (state.enabled, state.inference)
        self._set()
        return None

    def __exit__(self, *exc: object) -> Literal[False]:
        state.enabled, state.inference = self._prev
        try:
            inference_blocks.pop()
        except IndexError:  # (an exit without its enter)
            pass
        return False

    def _set(self):
        if self.mode:
            state.enabled = False
            state.inference = True
        else:
            state.inference = False
