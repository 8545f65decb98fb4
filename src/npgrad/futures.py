"""``torch.futures``: the Future that collectives, DDP comm hooks and ``jit.fork`` hand back.

npgrad runs no background threads for these: a future is completed by its collective (``Work``), by
``set_result``, or lazily by the callback chain built with ``then``.

>>> import npgrad
>>> f = npgrad.futures.Future()
>>> g = f.then(lambda fut: fut.value() * 2)
>>> f.set_result(21)
>>> g.wait()
42
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

__all__ = ["Future", "collect_all", "wait_all"]


class Future:
    """``torch.futures.Future`` as collectives, DDP comm hooks and ``jit.fork`` use it: ``wait()``, ``value()``,
    ``done()``, ``then(callback)``, ``set_result(value)``. A Work's future holds the list of output tensors.

    Everything runs in the calling thread: ``then`` returns a future whose callback runs (once) when that
    future is waited for, or at once when its parent is already complete - so a chain of ``then`` on a
    collective stays asynchronous until someone waits.

    Example::

        >>> import npgrad as torch
        >>> fut = torch.futures.Future()
        >>> doubled = fut.then(lambda f: f.value() * 2)
        >>> fut.set_result(21)
        >>> fut.done(), doubled.wait()
        (True, 42)
    """

    _EMPTY = object()

    def __init__(self, _work: Any = None, _parent: Future | None = None,
                 _callback: Callable[[Future], Any] | None = None) -> None:
        self._work, self._parent, self._callback = _work, _parent, _callback
        self._value = Future._EMPTY

    def set_result(self, result: Any) -> None:
        if self._value is not Future._EMPTY or self._work is not None or self._parent is not None:
            raise RuntimeError("Future can only be marked completed once.")
        self._value = result

    def done(self) -> bool:
        if self._value is not Future._EMPTY:
            return True
        if self._work is not None:
            return self._work.is_completed()
        if self._parent is not None:
            return self._parent.done()
        return False

    def wait(self) -> Any:
        if self._value is Future._EMPTY:
            if self._work is not None:
                self._work.wait()
                self._value = self._work.result()
            elif self._parent is not None:
                self._parent.wait()
                cb, self._callback = self._callback, None
                self._value = cb(self._parent)  # type: ignore[misc]  # a parent always comes with its callback (then())
            else:
                raise RuntimeError("Future.wait(): the future has no result and nothing that will produce one "
                                   "(call set_result first)")
        return self._value

    def value(self) -> Any:
        return self.wait()

    def then(self, callback: Callable[[Future], Any]) -> Future:
        return Future(_parent=self, _callback=callback)

    def __repr__(self):
        return f"<npgrad.futures.Future {'completed' if self.done() else 'pending'}>"


def collect_all(futures: Iterable[Future]) -> Future:
    """A future completed with the list of ``futures`` once all of them are (torch's ``collect_all``)."""
    futures = list(futures)
    out = Future()
    out.set_result(futures)
    for f in futures:
        f.wait()
    return out


def wait_all(futures: Iterable[Future]) -> list[Any]:
    """Wait for every future and return their values in order (torch's ``wait_all``)."""
    return [f.wait() for f in futures]
