"""``Parameter`` (a Tensor a Module registers as trainable) and ``Buffer`` (a Tensor it registers as state).

>>> import npgrad as torch
>>> p = torch.nn.Parameter(torch.zeros(2))
>>> p
Parameter containing:
tensor([0., 0.], requires_grad=True)
"""
import numpy as np

from .. import _dtype
from .._printing import format_tensor
from .._tensor import Tensor, make

__all__ = ["Parameter", "Buffer", "is_lazy"]


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as one of its parameters when assigned as an attribute.

    It shares storage and version counter with ``data`` (like ``data.detach()``); ``requires_grad`` defaults to
    True even under ``no_grad``. Ops on a Parameter return plain Tensors, as in torch.
    """
    # no __slots__: a Parameter takes arbitrary attributes (optimizers and users tag parameters)

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = make(np.empty(0, dtype=_dtype.get_default_dtype().np))
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        t = Tensor.__new__(cls, 0)  # a bare instance; its fields are set below
        t._data = data._data
        t._vc = data._vc
        t._req = False
        t.requires_grad_(requires_grad)  # refuses integer dtypes with torch's error
        return t

    def __repr__(self):
        suffixes = ["requires_grad=True"] if self._req else []
        return "Parameter containing:\n" + format_tensor(self._data, self._data.dtype.name, suffixes=suffixes,
                                                         default_float=_dtype.get_default_dtype().name)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        # torch copies the values and requires_grad, not the gradient
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(make(self._data.copy()), self._req)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self._data, self._req, getattr(self, "__dict__", {})))


def _rebuild_parameter(data, requires_grad, state=None):
    p = Parameter(make(np.array(data)), requires_grad)
    if state:
        p.__dict__.update(state)
    return p


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` is True for tensors made by ``Buffer(...)`` (they stay plain Tensors)."""

    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and instance._x is not None and "buffer_persistent" in instance._x


class Buffer(metaclass=_BufferMeta):
    """Marks a Tensor as a buffer: ``self.running = nn.Buffer(t, persistent=False)`` registers it.

    Returns a plain Tensor sharing ``data``'s storage, as torch does.
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = make(np.empty(0, dtype=_dtype.get_default_dtype().np))
        t = make(data._data, None, 0, data._vc)
        t._req = data._req
        t._extra()["buffer_persistent"] = persistent
        return t


def is_lazy(param):
    """npgrad has no lazy (uninitialized) parameters."""
    return False


def buffer_persistent(t):
    """The ``persistent`` flag of a tensor made by ``Buffer``."""
    return t._x["buffer_persistent"]
