"""Tensor creation: ``tensor``, ``as_tensor``, ``from_numpy``, filled and random tensors, ``*_like``."""
import numbers
from typing import Any, Sequence

import numpy as np
from ._dtype import is_float_np

from . import _dtype
from ._dtype import to_numpy_dtype, from_numpy_dtype
from ._tensor import Tensor, make, check_device, check_creation_device
from .random import rng as _rng
from .autograd.grad_mode import state as _grad_state
from ._warn import warn as _warn

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "eye", "arange",
           "linspace", "logspace", "rand", "randn", "randint", "randperm", "normal", "zeros_like", "ones_like",
           "full_like", "empty_like", "rand_like", "randn_like", "randint_like", "scalar_tensor"]


def _finish(arr, requires_grad, device=None):
    check_creation_device(device)
    t = make(arr)
    if _grad_state.inference:
        t._x = {"inference": True}
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer(data):
    """Torch's dtype inference for Python data: bool, int64, or the default float dtype."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, (list, tuple)) and data and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _detach_nested(data)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.array(data)
    except ValueError:
        _ragged(data)
        raise
    if arr.dtype == object:
        raise RuntimeError("Could not infer dtype of " + type(_first_odd(data)).__name__)
    if arr.dtype.kind in "US" and arr.ndim:
        raise ValueError(f"too many dimensions '{'str' if arr.dtype.kind == 'U' else 'bytes'}'")
    if isinstance(data, np.generic):
        return arr
    if arr.dtype.kind == "f":
        with np.errstate(over="ignore"):  # 1e300 becomes inf in float32, silently as in torch
            arr = arr.astype(_dtype.get_default_dtype().np)
    elif arr.dtype.kind in "US":
        raise TypeError("new(): invalid data type 'str'")
    elif arr.dtype.kind == "c":
        raise TypeError("complex tensors are not supported by npgrad")
    elif arr.dtype.kind == "i" and arr.dtype != np.int64:
        arr = arr.astype(np.int64)
    return arr


def _ragged(data, dim=0):
    """Nested sequences of unequal lengths: torch's ValueError naming the dim and both lengths."""
    if not isinstance(data, (list, tuple)) or not data:
        return
    subs = [x for x in data if isinstance(x, (list, tuple))]
    if subs:
        n = len(subs[0])
        for x in data:
            if not isinstance(x, (list, tuple)):
                raise TypeError(f"not a sequence: element {x!r} at dim {dim} sits beside sequences of length {n}")
            if len(x) != n:
                raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {len(x)})")
        for x in subs:
            _ragged(x, dim + 1)


def _flat(data):
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            yield x


def _first_odd(data):
    for x in _flat(data):
        if not isinstance(x, (numbers.Number, np.generic, Tensor)):
            return x
    return data


def _detach_nested(data):
    if isinstance(data, Tensor):
        if data._data.ndim == 0:
            return data._data.item()
        return data._data.tolist()
    if isinstance(data, (list, tuple)):
        return [_detach_nested(x) for x in data]
    return data


def tensor(data: Any, *, dtype: "_dtype.dtype | None" = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, nested lists, an ndarray or a tensor).

    Args:
        data (array_like): a number, a (nested) list or tuple, an ndarray or a tensor (copied).
        dtype (npgrad.dtype, optional): the dtype (default: inferred: bool, int64, or the default float dtype).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).

    Example:
        >>> import npgrad
        >>> npgrad.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        tensor([[1., 2.],
                [3., 4.]], requires_grad=True)
    """
    dt = to_numpy_dtype(dtype, "tensor") if dtype is not None else None
    _check_pin(pin_memory)
    if isinstance(data, Tensor):
        import warnings
        _warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning)
    if dt is not None and not isinstance(data, (Tensor, np.ndarray)):
        # straight to the asked dtype: going through the default float would round 0.3 to float32 first
        nested = isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data))
        if not nested:
            _infer(data)  # the same refusals (strings, ragged lists) as without a dtype
        with np.errstate(over="ignore"):  # 1e300 becomes inf in float32, silently as in torch
            arr = _np_call(np.array, _detach_nested(data) if nested else data, dtype=dt)
    elif dt is not None:
        with np.errstate(over="ignore"):
            arr = np.array(_infer(data), dtype=dt)
    else:
        arr = _infer(data)
        from_numpy_dtype(arr.dtype)
        arr = np.array(arr, copy=True)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor``, but shares memory with an ndarray (or returns a tensor itself) where it can.

    Args:
        data (array_like): a number, a (nested) list or tuple, an ndarray (shared when possible) or a tensor.
        dtype (npgrad.dtype, optional): the dtype (default: inferred from ``data``).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).

    Example:
        >>> import npgrad as torch
        >>> import numpy as np
        >>> a = np.array([1.0, 2.0], dtype=np.float32)
        >>> t = torch.as_tensor(a)
        >>> a[0] = -1.0
        >>> t
        tensor([-1.,  2.])
        >>> torch.as_tensor([1, 2], dtype=torch.float32)
        tensor([1., 2.])
    """
    dt = to_numpy_dtype(dtype, "as_tensor") if dtype is not None else None
    if isinstance(data, Tensor):
        check_device(device)
        return data if dt is None or dt == data._data.dtype else data.to(from_numpy_dtype(dt))
    if isinstance(data, np.ndarray):
        from_numpy_dtype(data.dtype)
        return _finish(data if dt is None else data.astype(dt, copy=False), False, device)
    arr = _infer(data)
    if dt is not None:
        arr = arr.astype(dt, copy=False)
    return _finish(arr, False, device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``as_tensor`` with torch's ``copy`` (None: share when possible, True: always copy, False: never copy).

    Args:
        obj (object): a tensor, an ndarray, a buffer, a number or a (nested) sequence.
        dtype (npgrad.dtype, optional): the dtype (default: inferred from ``obj``).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        copy (bool, optional): None (default) shares memory when possible, True always copies, False never does
            (raising if it must).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).

    Example:
        >>> import npgrad as torch
        >>> import numpy as np
        >>> a = np.array([1, 2, 3])
        >>> t = torch.asarray(a)
        >>> a[0] = 9
        >>> t
        tensor([9, 2, 3])
        >>> torch.asarray(a, copy=True).data_ptr() == t.data_ptr()
        False
    """
    t = as_tensor(obj, dtype, device)
    shared = t is obj or (isinstance(obj, np.ndarray) and np.shares_memory(t._data, obj)) or \
        (isinstance(obj, Tensor) and t._data is obj._data)
    if copy is False and not shared and isinstance(obj, (Tensor, np.ndarray)):
        raise ValueError(f"can't alias tensor with dtype '{getattr(obj, 'dtype', '?')}' into dtype '{t.dtype}'.")
    if copy and shared:
        t = make(t._data.copy())
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray`` (changes to one show in the other).

    Args:
        ndarray (numpy.ndarray): an array of a dtype npgrad supports.

    Example:
        >>> import npgrad as torch
        >>> import numpy as np
        >>> a = np.array([1, 2, 3])
        >>> t = torch.from_numpy(a)
        >>> t[0] = -1
        >>> a
        array([-1,  2,  3])
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    from_numpy_dtype(ndarray.dtype)
    return make(ndarray)


# ---------------------------------------------------------------------------------------------- boundary checks
def _np_call(fn, *args, **kwargs):
    """Run a NumPy allocation, translating NumPy's MemoryError/ValueError into torch's RuntimeError."""
    try:
        return fn(*args, **kwargs)
    except MemoryError as e:
        raise RuntimeError(f"DefaultCPUAllocator: not enough memory: {e}") from None
    except ValueError as e:
        if "too big" in str(e) or "maximum supported dimension" in str(e):
            raise RuntimeError(f"Storage size calculation overflowed: {e}") from None
        raise RuntimeError(str(e)) from None


def _check_pin(pin_memory):
    if pin_memory:
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory "
                           "allocator is available on this system.")


def _check_layout(layout, fname):
    if layout is not None and layout is not _dtype.strided:
        if isinstance(layout, _dtype.layout):
            raise NotImplementedError(f"{fname}(): layout={layout} is not supported: npgrad tensors are strided")
        raise TypeError(f"{fname}(): argument 'layout' must be torch.layout, not {type(layout).__name__}")


def _check_memory_format(memory_format, fname, ndim=None):
    if memory_format is None:
        return
    if not isinstance(memory_format, _dtype.memory_format):
        raise TypeError(f"{fname}(): argument 'memory_format' must be torch.memory_format, not "
                        f"{type(memory_format).__name__}")
    need = _dtype._CHANNELS_RANK.get(memory_format)
    if need is not None:
        if ndim is not None and ndim != need:
            raise RuntimeError(f"required rank {need} tensor to use {memory_format.name} format")
        raise NotImplementedError(f"{fname}(): memory_format={memory_format.name} is not supported: npgrad keeps "
                                  f"tensors contiguous")


def _is_int(s):
    return isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)) or \
        (isinstance(s, Tensor) and s._data.ndim == 0 and s._data.dtype.kind in "iu")


def _size(size, fname="empty"):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    elif len(size) == 1 and not _is_int(size[0]):
        raise TypeError(f"{fname}(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size[0]).__name__}")
    for s in size:
        if not _is_int(s):
            raise TypeError(f"{fname}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _int_arg(v, fname, name, pos):
    if not _is_int(v):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}")
    return int(v)


def _number(v, fname, name, pos):
    if isinstance(v, Tensor):
        if v._data.size != 1:
            raise RuntimeError(f"{fname}(): argument '{name}' must be a one-element tensor")
        return v._data.item()
    if not isinstance(v, (numbers.Number, np.generic)) or isinstance(v, complex):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be Number, not {type(v).__name__}")
    return v.item() if isinstance(v, np.generic) else v


def _dt(dtype, default=None, fname=""):
    if dtype is None:
        return (default or _dtype.get_default_dtype()).np
    return to_numpy_dtype(dtype, fname)


def _no_bool(dt, kernel):
    if np.dtype(dt) == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _float_only(dt, kernel):
    if not is_float_np(np.dtype(dt)):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{from_numpy_dtype(dt).name}'")


def _filled(fname, size, value, dtype, layout, device, requires_grad, default=None):
    _check_layout(layout, fname)
    shape = _size(size, fname)
    return _finish(_np_call(np.full if value is not None else np.empty, shape, *(() if value is None else (value,)),
                            dtype=_dt(dtype, default, fname)), requires_grad, device)


def zeros(*size: "int | Sequence[int]", dtype: "_dtype.dtype | None" = None, device: Any = None, requires_grad: bool = False,
          layout: Any = None, pin_memory: bool = False) -> Tensor:
    """A tensor of zeros of the given size (ints or one sequence), of ``dtype`` or the default dtype.

    Args:
        *size (ints or a tuple of ints): the shape.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> torch.zeros((2,), dtype=torch.int64)
        tensor([0, 0])
    """
    _check_pin(pin_memory)
    return _filled("zeros", size, 0, dtype, layout, device, requires_grad)


def ones(*size: "int | Sequence[int]", dtype: "_dtype.dtype | None" = None, device: Any = None, requires_grad: bool = False,
         layout: Any = None, pin_memory: bool = False) -> Tensor:
    """A tensor of ones of the given size; ``requires_grad=True`` makes it a leaf of a graph.

    Args:
        *size (ints or a tuple of ints): the shape.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> w = torch.ones(2, 2, requires_grad=True)
        >>> w
        tensor([[1., 1.],
                [1., 1.]], requires_grad=True)
    """
    _check_pin(pin_memory)
    return _filled("ones", size, 1, dtype, layout, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None, pin_memory=False):
    """A tensor of the given shape whose values are not initialized (whatever the new buffer holds).

    Args:
        *size (ints or a tuple of ints): the shape.
        dtype (npgrad.dtype, optional): the dtype (default ``get_default_dtype()``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.
        memory_format (npgrad.memory_format, optional): the layout (default ``contiguous_format``).

    Returns:
        Tensor: a new tensor; read its values only after writing them.

    Example:
        >>> import npgrad as torch
        >>> x = torch.empty(2, 3)
        >>> x.shape == (2, 3)
        True
        >>> x.fill_(1.5)
        tensor([[1.5000, 1.5000, 1.5000],
                [1.5000, 1.5000, 1.5000]])
    """
    _check_pin(pin_memory)
    _check_memory_format(memory_format, "empty", len(_size(size)))
    return _filled("empty", size, None, dtype, layout, device, requires_grad)


def full(size: Sequence[int], fill_value: "bool | int | float", *, dtype: "_dtype.dtype | None" = None,
         device: Any = None, requires_grad: bool = False, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``; the dtype follows the value (bool, int64 or the default
    float dtype) unless ``dtype`` is given.

    Args:
        size (tuple of ints): the shape.
        fill_value (Number): the value (it sets the dtype when ``dtype`` is not given: bool, int64 or the default
            float).
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> torch.full((3,), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    _check_pin(pin_memory)
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    fill_value = _number(fill_value, "full", "fill_value", 2)
    if dtype is None:
        if isinstance(fill_value, bool):
            dtype = _dtype.bool
        elif isinstance(fill_value, numbers.Integral):
            dtype = _dtype.int64
    return _filled("full", (size,), fill_value, dtype, layout, device, requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A 0-d tensor holding the number ``s`` (in the default float dtype unless ``dtype`` says otherwise).

    Args:
        s (Number): the value.
        dtype (npgrad.dtype, optional): the dtype (default ``get_default_dtype()``, even for an int).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.

    Returns:
        Tensor: a 0-d tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.scalar_tensor(3)
        tensor(3.)
        >>> torch.scalar_tensor(3, dtype=torch.int64)
        tensor(3)
    """
    _check_pin(pin_memory)
    _check_layout(layout, "scalar_tensor")
    s = _number(s, "scalar_tensor", "s", 1)
    return _finish(np.array(s, _dt(dtype, fname="scalar_tensor")), requires_grad, device)


def eye(n: int, m: "int | None" = None, *, dtype: "_dtype.dtype | None" = None, device: Any = None,
        requires_grad: bool = False, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """An ``n`` x ``m`` (default ``n`` x ``n``) matrix with ones on the diagonal.

    Args:
        n (int): the number of rows.
        m (int, optional): the number of columns (default ``n``).
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    _check_pin(pin_memory)
    _check_layout(layout, "eye")
    n = _int_arg(n, "eye", "n", 1)
    m = None if m is None else _int_arg(m, "eye", "m", 2)
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    return _finish(_np_call(np.eye, n, m, dtype=_dt(dtype, fname="eye")), requires_grad, device)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, layout=None,
           pin_memory=False):
    """Values from ``start`` to ``end`` (exclusive); int64 unless an argument is a float.

    Args:
        start (Number): the first value (the end, starting from 0, when it is the only argument).
        end (Number, optional): the end (not included).
        step (Number, optional): the gap between values (default 1).
        dtype (npgrad.dtype, optional): the result's dtype (int64 for integer arguments, else the default dtype).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.arange(4)
        tensor([0, 1, 2, 3])
        >>> torch.arange(1, 2, 0.25)
        tensor([1.0000, 1.2500, 1.5000, 1.7500])
    """
    _check_pin(pin_memory)
    _check_layout(layout, "arange")
    if end is None:
        start, end = 0, start
    start, end, step = (_number(v, "arange", n, i) for i, (n, v) in
                        enumerate((("start", start), ("end", end), ("step", step)), 1))
    vals = (start, end, step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not all(np.isfinite(v) for v in vals):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in vals)
        np_dt = _dtype.get_default_dtype().np if is_float else np.dtype(np.int64)
    else:
        np_dt = to_numpy_dtype(dtype, "arange")
        _no_bool(np_dt, "arange_cpu")
    n = int(np.ceil((end - start) / step))
    if n >= 2 ** 63:
        raise RuntimeError(f"invalid size, possible overflow? arange of {n} elements")
    # computed in float64 then cast, as torch does (np.arange in float32 drifts)
    if is_float_np(np.dtype(np_dt)):
        arr = (start + step * _np_call(np.arange, n, dtype=np.float64)).astype(np_dt)
    else:
        arr = _np_call(np.arange, start, end, step).astype(np_dt)
    return _finish(arr, requires_grad, device)


def _steps(steps, fname):
    steps = _int_arg(steps, fname, "steps", 3)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return steps


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Args:
        start (Number): the first value.
        end (Number): the last value (included).
        steps (int): how many values.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _check_pin(pin_memory)
    _check_layout(layout, "linspace")
    start, end = _number(start, "linspace", "start", 1), _number(end, "linspace", "end", 2)
    steps = _steps(steps, "linspace")
    dt = _dt(dtype, fname="linspace")
    _no_bool(dt, "linspace_cpu")
    if np.dtype(dt).itemsize == 2 and np.dtype(dt).kind in "fV" and steps > 1:
        return _finish(_half_linspace(start, end, steps, np.dtype(dt)), requires_grad, device)
    return _finish(_np_call(np.linspace, start, end, steps).astype(dt), requires_grad, device)


def _half_linspace(start, end, steps, dt):
    """float16/bfloat16 ``linspace`` in the type's own arithmetic, as torch's kernel: step = (end - start) /
    (steps - 1), then ``start + step * i`` for the first half and ``end - step * (steps - 1 - i)`` for the rest,
    every operation rounded to the type."""
    s, e = dt.type(start), dt.type(end)
    with np.errstate(over="ignore", invalid="ignore"):
        step = dt.type(dt.type(e - s) / dt.type(steps - 1))
        i = np.arange(steps)
        half = steps // 2
        lo = (s + (step * i[:half].astype(dt)).astype(dt)).astype(dt)
        hi = (e - (step * (steps - 1 - i[half:]).astype(dt)).astype(dt)).astype(dt)
    return np.concatenate([lo, hi])


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """``steps`` values spaced evenly on a log scale, from ``base ** start`` to ``base ** end``.

    Args:
        start (float): the first exponent.
        end (float): the last exponent.
        steps (int): how many values.
        base (float, optional): the base (default 10).
        dtype (npgrad.dtype, optional): the dtype (default ``get_default_dtype()``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a 1-D tensor of ``steps`` values.

    Example:
        >>> import npgrad as torch
        >>> torch.logspace(0, 3, 4)
        tensor([   1.,   10.,  100., 1000.])
        >>> torch.logspace(0, 4, 5, base=2)
        tensor([ 1.,  2.,  4.,  8., 16.])
    """
    _check_pin(pin_memory)
    _check_layout(layout, "logspace")
    start, end = _number(start, "logspace", "start", 1), _number(end, "logspace", "end", 2)
    base = _number(base, "logspace", "base", 4)
    steps = _steps(steps, "logspace")
    _no_bool(_dt(dtype, fname="logspace"), "logspace_cpu")
    return _finish(_np_call(np.logspace, start, end, steps, base=base).astype(_dt(dtype, fname="logspace")),
                   requires_grad, device)


def rand(*size: "int | Sequence[int]", generator: Any = None, dtype: "_dtype.dtype | None" = None, device: Any = None,
         requires_grad: bool = False, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """Uniform on [0, 1), from npgrad's generator (``manual_seed`` reproduces npgrad's values, not torch's).

    Args:
        *size (ints or a tuple of ints): the shape.
        generator (npgrad.Generator, optional): the random number generator to draw from.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.rand(2, 3)
        >>> x.shape, x.dtype, ((x >= 0) & (x < 1)).all().item()
        (npgrad.Size([2, 3]), npgrad.float32, True)
    """
    _check_pin(pin_memory)
    _check_layout(layout, "rand")
    dt = _dt(dtype, fname="rand")
    _float_only(dt, "check_uniform_bounds")
    shape = _size(size, "rand")
    arr = _np_call(_rng(generator).random, shape, dtype=np.float64 if dt == np.float64 else np.float32)
    return _finish(arr.astype(dt, copy=False), requires_grad, device)


def randn(*size: "int | Sequence[int]", generator: Any = None, dtype: "_dtype.dtype | None" = None, device: Any = None,
          requires_grad: bool = False, layout: Any = None, pin_memory: bool = False) -> Tensor:
    """Standard normal, from npgrad's generator; the same seed gives the same values.

    Args:
        *size (ints or a tuple of ints): the shape.
        generator (npgrad.Generator, optional): the random number generator to draw from.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> a = torch.randn(3)
        >>> _ = torch.manual_seed(0)
        >>> torch.equal(a, torch.randn(3))
        True
    """
    _check_pin(pin_memory)
    _check_layout(layout, "randn")
    dt = _dt(dtype, fname="randn")
    _float_only(dt, "normal_kernel_cpu")
    shape = _size(size, "randn")
    arr = _np_call(_rng(generator).standard_normal, shape, dtype=np.float64 if dt == np.float64 else np.float32)
    return _finish(arr.astype(dt, copy=False), requires_grad, device)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False,
            layout=None, pin_memory=False):
    """Integers in [low, high); ``randint(high, size)`` and ``randint(low, high, size)`` as in torch.

    Args:
        low (int, optional): the lowest value (default 0).
        high (int): one above the highest value.
        size (tuple of ints): the shape.
        generator (npgrad.Generator, optional): the random number generator to draw from.
        dtype (npgrad.dtype, optional): the result's dtype (default int64).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> x = torch.randint(3, 10, (2, 4))
        >>> x.shape == (2, 4), x.dtype == torch.int64
        (True, True)
        >>> bool(((x >= 3) & (x < 10)).all())
        True
        >>> torch.randint(1, (3,))
        tensor([0, 0, 0])
    """
    _check_pin(pin_memory)
    _check_layout(layout, "randint")
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        elif high is not None:
            raise TypeError(f"randint(): argument 'size' (position 2) must be tuple of ints, not "
                            f"{type(high).__name__}")
        else:
            raise TypeError("randint() missing required argument 'size'")
    if high is None:
        low, high = 0, low
    low, high = _int_arg(low, "randint", "low", 1), _int_arg(high, "randint", "high", 2)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    shape = _size((size,), "randint")
    dt = _dt(dtype, _dtype.int64, "randint")
    arr = _np_call(_rng(generator).integers, low, high, size=shape)
    return _finish(arr.astype(dt), requires_grad, device)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A random permutation of the integers ``0 .. n-1``.

    npgrad's generator is not torch's: the same seed gives a different permutation (see :doc:`/differences`).

    Args:
        n (int): how many integers.
        generator (npgrad.Generator, optional): the random number generator to draw from.
        dtype (npgrad.dtype, optional): the result's dtype (default int64).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf (floating dtypes only).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a 1-D tensor of ``n`` elements.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.randperm(5).sort().values
        tensor([0, 1, 2, 3, 4])
    """
    _check_pin(pin_memory)
    _check_layout(layout, "randperm")
    n = _int_arg(n, "randperm", "n", 1)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = _dt(dtype, _dtype.int64, "randperm")
    return _finish(_np_call(_rng(generator).permutation, n).astype(dt), requires_grad, device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False,
           layout=None, pin_memory=False):
    """Normal samples; ``mean``/``std`` may be tensors (broadcast) or numbers (then ``size`` is needed).

    Args:
        mean (float or Tensor): the mean(s).
        std (float or Tensor): the standard deviation(s).
        size (tuple of ints, optional): the shape, when ``mean`` and ``std`` are numbers.
        generator (npgrad.Generator, optional): the random number generator to draw from.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> x = torch.normal(2.0, 0.5, size=(1000,))
        >>> x.shape == (1000,), (x.mean() - 2.0).abs().item() < 0.1
        (True, True)
        >>> torch.normal(torch.zeros(3), torch.zeros(3))
        tensor([0., 0., 0.])
    """
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if size is None and (dtype is not None or layout is not None or device is not None or requires_grad or
                         pin_memory):
        given = [k for k, v in (("dtype", dtype), ("layout", layout), ("device", device),
                                ("requires_grad", requires_grad), ("pin_memory", pin_memory)) if v]
        raise TypeError(f"normal(): {', '.join(given)} can only be given with size= (the form with number mean "
                        f"and std)")
    _check_pin(pin_memory)
    _check_layout(layout, "normal")
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {np.min(s)}")
    if size is None:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
            raise TypeError("normal() received an invalid combination of arguments: give size= for number mean "
                            "and std")
        dt = (mean if isinstance(mean, Tensor) else std)._data.dtype
    else:
        shape = _size((size,) if isinstance(size, int) else (size,), "normal")
        dt = _dt(dtype, fname="normal")
    _float_only(dt, "normal_kernel_cpu")
    z = _np_call(_rng(generator).standard_normal, shape, dtype=np.float64 if dt == np.float64 else np.float32)
    return _finish((m + s * z).astype(dt), requires_grad, device)


def _like(input, dtype, fname, memory_format=None, layout=None, pin_memory=False):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    _check_pin(pin_memory)
    _check_layout(layout, fname)
    if memory_format is not None and memory_format is not _dtype.preserve_format:
        _check_memory_format(memory_format, fname, input._data.ndim)
    return input._data.dtype if dtype is None else to_numpy_dtype(dtype, fname)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None,
               pin_memory=False):
    """A tensor of zeros with ``input``'s shape and dtype.

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is taken.
        dtype (npgrad.dtype, optional): the result's dtype (default ``input.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        memory_format (npgrad.memory_format, optional): the layout (default ``preserve_format``).

    Returns:
        Tensor: a new tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.zeros_like(torch.tensor([[1, 2], [3, 4]]))
        tensor([[0, 0],
                [0, 0]])
        >>> torch.zeros_like(torch.tensor([1, 2]), dtype=torch.float32)
        tensor([0., 0.])
    """
    dt = _like(input, dtype, "zeros_like", memory_format, layout, pin_memory)
    return _finish(_np_call(np.zeros, input._data.shape, dt), requires_grad, device)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None,
              pin_memory=False):
    """A tensor of ones with ``input``'s shape and dtype.

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is taken.
        dtype (npgrad.dtype, optional): the result's dtype (default ``input.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        memory_format (npgrad.memory_format, optional): the layout (default ``preserve_format``).

    Returns:
        Tensor: a new tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.ones_like(torch.tensor([[1.5, 2.5]]))
        tensor([[1., 1.]])
    """
    dt = _like(input, dtype, "ones_like", memory_format, layout, pin_memory)
    return _finish(_np_call(np.ones, input._data.shape, dt), requires_grad, device)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None,
               pin_memory=False):
    """An uninitialized tensor of ``input``'s shape (the values are whatever the new buffer holds).

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is taken.
        dtype (npgrad.dtype, optional): the result's dtype (default ``input.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        memory_format (npgrad.memory_format, optional): the layout (default ``preserve_format``).

    Returns:
        Tensor: a new tensor.

    Example:
        >>> import npgrad as torch
        >>> e = torch.empty_like(torch.tensor([[1, 2], [3, 4]]))
        >>> e.shape == (2, 2), e.dtype == torch.int64
        (True, True)
    """
    dt = _like(input, dtype, "empty_like", memory_format, layout, pin_memory)
    return _finish(_np_call(np.empty, input._data.shape, dt), requires_grad, device)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None,
              pin_memory=False):
    """A tensor of ``input``'s shape and dtype filled with ``fill_value``.

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is taken.
        fill_value (Number): the value to fill with (cast to the dtype).
        dtype (npgrad.dtype, optional): the result's dtype (default ``input.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        memory_format (npgrad.memory_format, optional): the layout (default ``preserve_format``).

    Returns:
        Tensor: a new tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.full_like(torch.zeros(2, 2), 7.0)
        tensor([[7., 7.],
                [7., 7.]])
        >>> torch.full_like(torch.tensor([1, 2, 3]), 2.7)
        tensor([2, 2, 2])
    """
    dt = _like(input, dtype, "full_like", memory_format, layout, pin_memory)
    fill_value = _number(fill_value, "full_like", "fill_value", 2)
    return _finish(_np_call(np.full, input._data.shape, fill_value, dt), requires_grad, device)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None,
              layout=None, pin_memory=False):
    """Uniform random numbers in ``[0, 1)`` with ``input``'s shape and dtype.

    npgrad's generator is not torch's: the same seed gives different numbers (see :doc:`/differences`).

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is taken.
        dtype (npgrad.dtype, optional): the result's dtype (default ``input.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        generator (npgrad.Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: a new floating-point tensor.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> r = torch.rand_like(torch.zeros(2, 3))
        >>> r.shape == (2, 3), bool(((r >= 0) & (r < 1)).all())
        (True, True)
    """
    dt = _like(input, dtype, "rand_like", memory_format, layout, pin_memory)
    return rand(input._data.shape, dtype=from_numpy_dtype(dt), device=device, requires_grad=requires_grad,
                generator=generator)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None,
               layout=None, pin_memory=False):
    """Standard normal random numbers (mean 0, variance 1) with ``input``'s shape and dtype.

    npgrad's generator is not torch's: the same seed gives different numbers (see :doc:`/differences`).

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is taken.
        dtype (npgrad.dtype, optional): the result's dtype (default ``input.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        generator (npgrad.Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: a new floating-point tensor.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> r = torch.randn_like(torch.zeros(1000))
        >>> r.shape == (1000,), abs(r.mean().item()) < 0.2
        (True, True)
    """
    dt = _like(input, dtype, "randn_like", memory_format, layout, pin_memory)
    return randn(input._data.shape, dtype=from_numpy_dtype(dt), device=device, requires_grad=requires_grad,
                 generator=generator)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False, memory_format=None,
                 generator=None, layout=None, pin_memory=False):
    """Random integers in ``[low, high)`` with ``input``'s shape and dtype.

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is taken.
        low (int, optional): the lowest value (default 0).
        high (int): one above the highest value (``randint_like(x, 10)`` means high=10).
        dtype (npgrad.dtype, optional): the result's dtype (default ``input.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        generator (npgrad.Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: a new tensor of ``input``'s dtype.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> r = torch.randint_like(torch.zeros(2, 2), 3, 6)
        >>> bool(((r >= 3) & (r < 6)).all()), r.dtype == torch.float32
        (True, True)
    """
    dt = _like(input, dtype, "randint_like", memory_format, layout, pin_memory)
    return randint(low, high, tuple(input._data.shape), dtype=from_numpy_dtype(dt), device=device,
                   requires_grad=requires_grad, generator=generator)


# Tensor.new_zeros & co. (bound from npgrad/_tensor_methods.py): a fresh tensor like self's dtype unless given
def _new(self, fn, args, dtype, device, requires_grad, layout, pin_memory, **kw):
    return fn(*args, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad,
              layout=layout, pin_memory=pin_memory, **kw)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A tensor of zeros of the given size with ``self``'s dtype (unless ``dtype`` is given).

    Args:
        *size (ints or a tuple of ints): the shape.
        dtype (npgrad.dtype, optional): the dtype (default ``self.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.

    Returns:
        Tensor: a new tensor.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1, 2], dtype=torch.int32)
        >>> z = x.new_zeros(2, 3)
        >>> z.shape == (2, 3), z.dtype == torch.int32
        (True, True)
    """
    return _new(self, zeros, size, dtype, device, requires_grad, layout, pin_memory)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A tensor of ones of the given size with ``self``'s dtype (unless ``dtype`` is given).

    Args:
        *size (ints or a tuple of ints): the shape.
        dtype (npgrad.dtype, optional): the dtype (default ``self.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.

    Returns:
        Tensor: a new tensor.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.5])
        >>> x.new_ones((2,))
        tensor([1., 1.])
    """
    return _new(self, ones, size, dtype, device, requires_grad, layout, pin_memory)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """A tensor of the given size filled with ``fill_value``, with ``self``'s dtype (unless ``dtype`` is given).

    Args:
        size (tuple of ints): the shape.
        fill_value (Number): the value.
        dtype (npgrad.dtype, optional): the dtype (default ``self.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.

    Returns:
        Tensor: a new tensor.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.5])
        >>> x.new_full((2, 2), 7)
        tensor([[7., 7.],
                [7., 7.]])
    """
    return _new(self, full, (size, fill_value), dtype, device, requires_grad, layout, pin_memory)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """An uninitialized tensor of the given size with ``self``'s dtype (unless ``dtype`` is given).

    Args:
        *size (ints or a tuple of ints): the shape.
        dtype (npgrad.dtype, optional): the dtype (default ``self.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.

    Returns:
        Tensor: a new tensor (read it only after writing it).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1], dtype=torch.int16)
        >>> e = x.new_empty(3)
        >>> e.shape == (3,), e.dtype == torch.int16
        (True, True)
    """
    return _new(self, empty, size, dtype, device, requires_grad, layout, pin_memory)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A new tensor holding a copy of ``data``, with ``self``'s dtype (unless ``dtype`` is given); never part of
    ``self``'s graph.

    Args:
        data (array_like): the values (a list, a number, an ndarray or a tensor, which is copied).
        dtype (npgrad.dtype, optional): the dtype (default ``self.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.

    Returns:
        Tensor: a new leaf tensor.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.5], requires_grad=True)
        >>> y = x.new_tensor([1, 2])
        >>> y, y.requires_grad
        (tensor([1., 2.]), False)
    """
    _check_layout(layout, "new_tensor")
    return tensor(data, dtype=self.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad,
                  pin_memory=pin_memory)
