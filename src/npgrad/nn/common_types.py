"""Type aliases used in nn's annotations (the names of ``torch.nn.common_types``).

Modules import this only under ``typing.TYPE_CHECKING``, so it costs nothing at import time.
``_size_2_t`` is "an int or a pair of ints" (``kernel_size=3`` or ``kernel_size=(3, 5)``), ``_ratio_2_t`` the same
for floats, ``*_opt_t`` lets entries be None (adaptive pooling keeps that dimension's size)."""
from typing import Optional, Tuple, TypeVar, Union

from .._dtype import dtype
from .._tensor import Tensor, device

T = TypeVar("T")
_scalar_or_tuple_any_t = Union[T, Tuple[T, ...]]
_scalar_or_tuple_1_t = Union[T, Tuple[T]]
_scalar_or_tuple_2_t = Union[T, Tuple[T, T]]
_scalar_or_tuple_3_t = Union[T, Tuple[T, T, T]]

_size_any_t = _scalar_or_tuple_any_t[int]
_size_1_t = _scalar_or_tuple_1_t[int]
_size_2_t = _scalar_or_tuple_2_t[int]
_size_3_t = _scalar_or_tuple_3_t[int]

_size_any_opt_t = Union[int, Tuple[Optional[int], ...]]
_size_1_opt_t = Union[int, Tuple[Optional[int]]]
_size_2_opt_t = Union[int, Tuple[Optional[int], Optional[int]]]
_size_3_opt_t = Union[int, Tuple[Optional[int], Optional[int], Optional[int]]]

_ratio_any_t = _scalar_or_tuple_any_t[float]
_ratio_2_t = _scalar_or_tuple_2_t[float]
_ratio_3_t = _scalar_or_tuple_3_t[float]

_tensor_list_t = _scalar_or_tuple_any_t[Tensor]
_maybe_indices_t = _scalar_or_tuple_2_t[Tensor]

#: what ``device=`` accepts: a ``npgrad.device``, a string such as ``"cpu"``, a device index, or None
_device_t = Union[device, str, int, None]
#: what ``dtype=`` accepts
_dtype_t = Optional[dtype]

__all__ = ["_size_any_t", "_size_1_t", "_size_2_t", "_size_3_t", "_size_any_opt_t", "_size_1_opt_t",
           "_size_2_opt_t", "_size_3_opt_t", "_ratio_any_t", "_ratio_2_t", "_ratio_3_t", "_tensor_list_t",
           "_maybe_indices_t", "_device_t", "_dtype_t"]
