"""``torch.multiprocessing``: Python's ``multiprocessing`` with tensors that can live in shared memory.

Every name of the standard ``multiprocessing`` module is here. ``Tensor.share_memory_()`` (and
``Module.share_memory()``) moves a tensor's values into shared memory; such a tensor handed to another process
(``Process`` arguments, ``Queue``, ``Pipe``) is the same memory there, so Hogwild-style training in several processes
updates one set of parameters. Sharing works through files in /dev/shm (torch's ``"file_system"`` strategy, the only
one npgrad has). A tensor that is not shared is sent by value.

Example:
    >>> import npgrad as torch
    >>> import npgrad.multiprocessing as mp
    >>> x = torch.zeros(3).share_memory_()
    >>> x.is_shared()
    True
    >>> mp.get_sharing_strategy()
    'file_system'
"""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403

from ._shared import register_reducers

__all__ = list(multiprocessing.__all__) + ["get_sharing_strategy", "set_sharing_strategy",
                                           "get_all_sharing_strategies", "init_reductions"]

_strategy = ["file_system"]


def get_all_sharing_strategies() -> set[str]:
    """The sharing strategies npgrad has: ``{'file_system'}``."""
    return {"file_system"}


def get_sharing_strategy() -> str:
    """The current sharing strategy (always ``'file_system'`` in npgrad)."""
    return _strategy[0]


def set_sharing_strategy(new_strategy: str) -> None:
    """Choose how shared tensors travel between processes; npgrad has only ``'file_system'`` (torch's
    ``'file_descriptor'`` passes descriptors over sockets, which npgrad does not do: asking for it is an error)."""
    if new_strategy not in get_all_sharing_strategies():
        raise RuntimeError(f"npgrad.multiprocessing: sharing strategy {new_strategy!r} is not available; npgrad shares "
                           f"tensors through files only ('file_system')")
    _strategy[0] = new_strategy


def init_reductions() -> None:
    """Register the pickling of shared tensors with multiprocessing (done on import)."""
    register_reducers()


register_reducers()
