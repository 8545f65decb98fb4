"""Grad modes: whether ops record a graph. Per thread, as in torch.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work as context managers and as
decorators. The state lives in one ``threading.local`` so that ``Function.apply`` reads it with a single
attribute access.
"""
import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class _State(threading.local):
    enabled = True      # record graphs
    inference = False   # inference_mode: also marks the tensors made as inference tensors
    create = False      # inside a backward pass with create_graph (engine sets it)


state = _State()


def is_grad_enabled():
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


def is_inference_mode_enabled():
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

    def __call__(self, fn):
        if inspect.isclass(fn):
            raise TypeError(f"{type(self).__name__} can't decorate a class; decorate its methods instead")
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*args, **kwargs):
                with self.clone():
                    yield from fn(*args, **kwargs)
            return gen

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()

    def __enter__(self):
        self._prev = (state.enabled, state.inference)
        self._set()
        return None

    def __exit__(self, *exc):
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

    def __init__(self, mode):
        self._prev = (state.enabled, state.inference)
        self.mode = mode is True or bool(mode)
        state.enabled = self.mode and not state.inference

    def clone(self):
        return set_grad_enabled(self.mode)

    def __enter__(self):  # the mode was already set by __init__, which also saved the previous one
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

    def __init__(self, mode=True):
        self.mode = mode

    def clone(self):
        return inference_mode(self.mode)

    def __enter__(self):  # ops mark their results as inference tensors through Function's extras path
        from . import function
        function.extras_on()
        return super().__enter__()

    def __exit__(self, *exc):
        from . import function
        function.extras_off()
        return super().__exit__(*exc)

    def _set(self):
        if self.mode:
            state.enabled = False
            state.inference = True
        else:
            state.inference = False
