"""``Parameter`` (a Tensor a Module registers as trainable) and ``Buffer`` (a Tensor it registers as state).

>>> import npgrad as torch
>>> p = torch.nn.Parameter(torch.zeros(2))
>>> p
Parameter containing:
tensor([0., 0.], requires_grad=True)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from .._dtype import is_float_np

from .. import _dtype
from .._printing import format_tensor
from .._shape import Size
from .._tensor import Tensor, make

if TYPE_CHECKING:
    from .._dtype import dtype as _DType

__all__ = ["Parameter", "Buffer", "is_lazy", "UninitializedParameter", "UninitializedBuffer", "UninitializedTensorMixin"]


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as one of its parameters when assigned as an attribute.

    It shares storage and version counter with ``data`` (like ``data.detach()``); ``requires_grad`` defaults to
    True even under ``no_grad``. Ops on a Parameter return plain Tensors, as in torch.

    Example::

        >>> import npgrad as torch
        >>> p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
        >>> p
        Parameter containing:
        tensor([1., 2.], requires_grad=True)
        >>> p.requires_grad, isinstance(p, torch.Tensor)
        (True, True)
        >>> m = torch.nn.Linear(2, 1)
        >>> [name for name, _ in m.named_parameters()]
        ['weight', 'bias']
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

    Example::

        >>> import npgrad as torch
        >>> class Scale(torch.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.factor = torch.nn.Buffer(torch.tensor(2.0))
        ...     def forward(self, x):
        ...         return x * self.factor
        >>> m = Scale()
        >>> list(m.state_dict()), list(m.parameters())
        (['factor'], [])
        >>> m(torch.ones(2))
        tensor([2., 2.])
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = make(np.empty(0, dtype=_dtype.get_default_dtype().np))
        t = make(data._data, None, 0, data._vc)
        t._req = data._req
        t._extra()["buffer_persistent"] = persistent
        return t


_DATA: Any = Tensor._data  # the slot itself: an uninitialized tensor's property below shadows it


def _uninitialized_error(what):
    return ValueError(f"Attempted to use an uninitialized parameter in {what}. This error happens when you are "
                      "using a `LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` "
                      "objects. When using LazyModules Call `forward` with a dummy batch to initialize the "
                      "parameters before calling torch functions")


class UninitializedTensorMixin:
    """What a lazy module's parameters and buffers are until its first forward: a dtype and nothing else.

    Every op on one raises torch's ValueError (every op reads ``_data``, which refuses here); ``dtype``, ``size()``,
    ``to``/``float``/``double``/``half``, ``is_floating_point`` work as in torch. ``materialize(shape)`` gives it
    storage and turns it into ``cls_to_become`` in place (the object a module holds stays the same).
    """
    __slots__ = ()
    cls_to_become = None

    @property
    def _data(self):
        raise _uninitialized_error("an operation")

    @_data.setter
    def _data(self, value):
        _DATA.__set__(self, value)

    def materialize(self, shape: int | Sequence[int], device: Any = None, dtype: _DType | None = None) -> None:
        """Give the tensor storage of ``shape`` (uninitialised values) and make it a ``cls_to_become``."""
        old = _DATA.__get__(self)
        np_dtype = old.dtype if dtype is None else _dtype.to_numpy_dtype(dtype, "materialize")
        if isinstance(shape, int):
            shape = (shape,)
        _DATA.__set__(self, np.empty(tuple(shape), dtype=np_dtype))
        self.__class__ = self.cls_to_become

    @property
    def shape(self) -> Size:
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size((0,))
        return Size((0,))[dim]

    @property
    def dtype(self) -> _DType:
        return _dtype.from_numpy_dtype(_DATA.__get__(self).dtype)

    def is_floating_point(self) -> bool:
        return is_float_np(_DATA.__get__(self).dtype)

    def numel(self) -> int:
        raise _uninitialized_error("numel")

    def dim(self) -> int:
        raise _uninitialized_error("dim")

    def detach(self) -> Tensor:
        raise _uninitialized_error("detach")

    def to(self, *args: Any, **kwargs: Any) -> Any:
        from .._tensor import _parse_to
        dt, _ = _parse_to(args, kwargs)
        if dt is None or dt.np == _DATA.__get__(self).dtype:
            return self
        return self._same_kind(dt)  # type: ignore[attr-defined]  # each concrete subclass defines _same_kind

    def float(self) -> Any:
        return self.to(_dtype.float32)

    def double(self) -> Any:
        return self.to(_dtype.float64)

    def half(self) -> Any:
        return self.to(_dtype.float16)

    def cpu(self, memory_format: Any = None) -> Any:
        return self

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return f"<{type(self).__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (type(self), (self.requires_grad, None, self.dtype))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, None, self.dtype)
        memo[id(self)] = result
        return result


def _uninitialized(cls, requires_grad, dtype):
    d = _dtype.get_default_dtype() if dtype is None else _dtype.parse(dtype, cls.__name__)
    t = Tensor.__new__(cls, 0)
    _DATA.__set__(t, np.empty(0, dtype=d.np))
    t._vc = [0]
    t._req = False
    if requires_grad and not is_float_np(d.np):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t._req = bool(requires_grad)
    return t


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter with no shape yet (a lazy module's); becomes a ``Parameter`` when materialised.

    >>> import npgrad as torch
    >>> torch.nn.parameter.UninitializedParameter()
    <UninitializedParameter>
    """
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return _uninitialized(cls, requires_grad, dtype)

    def _same_kind(self, dt):
        # torch's conversions of an uninitialized parameter give a plain (empty) tensor of the new dtype
        return make(np.empty(0, dtype=dt.np))


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer with no shape yet (a lazy module's); becomes a plain Tensor when materialised.

    Example::

        >>> import npgrad as torch
        >>> m = torch.nn.LazyBatchNorm1d()
        >>> type(m.running_mean).__name__
        'UninitializedBuffer'
        >>> _ = m(torch.ones(4, 3))
        >>> m.running_mean.shape
        npgrad.Size([3])
    """
    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = _uninitialized(cls, requires_grad, dtype)
        if not persistent:
            t._extra()["buffer_persistent"] = False
        return t

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def _same_kind(self, dt):
        return UninitializedBuffer(self._req, None, dt)


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an uninitialized parameter or buffer (a lazy module's, before its first forward)."""
    return isinstance(param, UninitializedTensorMixin)


def buffer_persistent(t):
    """The ``persistent`` flag of a tensor made by ``Buffer``."""
    return t._x["buffer_persistent"]
