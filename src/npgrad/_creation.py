"""Tensor creation: ``tensor``, ``as_tensor``, ``from_numpy``, filled and random tensors, ``*_like``."""
import numbers

import numpy as np

from . import _dtype
from ._dtype import to_numpy_dtype, from_numpy_dtype
from ._tensor import Tensor, make, check_device
from .random import rng as _rng
from .autograd.grad_mode import state as _grad_state

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "eye", "arange",
           "linspace", "logspace", "rand", "randn", "randint", "randperm", "normal", "zeros_like", "ones_like",
           "full_like", "empty_like", "rand_like", "randn_like", "randint_like", "scalar_tensor"]


def _finish(arr, requires_grad, device=None):
    check_device(device)
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
    try:
        arr = np.array(data)
    except ValueError:
        _ragged(data)
        raise
    if arr.dtype == object:
        raise TypeError("Could not infer dtype of " + type(_first_odd(data)).__name__)
    if isinstance(data, np.generic):
        return arr
    if arr.dtype.kind == "f":
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


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an ndarray or a tensor).

    >>> import npgrad
    >>> npgrad.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    tensor([[1., 2.],
            [3., 4.]], requires_grad=True)
    """
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray)):
        # straight to the asked dtype: going through the default float would round 0.3 to float32 first
        nested = isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data))
        arr = np.array(_detach_nested(data) if nested else data, dtype=to_numpy_dtype(dtype))
    elif dtype is not None:
        arr = np.array(_infer(data), dtype=to_numpy_dtype(dtype))
    else:
        arr = _infer(data)
        from_numpy_dtype(arr.dtype)
        arr = np.array(arr, copy=True)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor``, but shares memory with an ndarray (or returns a tensor itself) where it can."""
    if isinstance(data, Tensor):
        return data if dtype is None or dtype.np == data._data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray):
        from_numpy_dtype(data.dtype)
        return _finish(data if dtype is None else data.astype(to_numpy_dtype(dtype), copy=False), False, device)
    arr = _infer(data)
    if dtype is not None:
        arr = arr.astype(to_numpy_dtype(dtype), copy=False)
    return _finish(arr, False, device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray`` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    from_numpy_dtype(ndarray.dtype)
    return make(ndarray)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"empty(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _dt(dtype, default=None):
    if dtype is None:
        return (default or _dtype.get_default_dtype()).np
    return to_numpy_dtype(dtype)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    return _finish(np.zeros(_size(size), _dt(dtype)), requires_grad, device)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    return _finish(np.ones(_size(size), _dt(dtype)), requires_grad, device)


def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None, out=None, layout=None):
    return _finish(np.empty(_size(size), _dt(dtype)), requires_grad, device)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    if dtype is None:
        if isinstance(fill_value, bool):
            dtype = _dtype.bool
        elif isinstance(fill_value, numbers.Integral):
            dtype = _dtype.int64
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    elif not isinstance(fill_value, (numbers.Number, np.generic)):
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}")
    return _finish(np.full(_size((size,) if isinstance(size, int) else (size,)), fill_value, _dt(dtype)),
                   requires_grad, device)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return _finish(np.array(s, _dt(dtype)), requires_grad, device)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    return _finish(np.eye(n, m, dtype=_dt(dtype)), requires_grad, device)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    """Values from ``start`` to ``end`` (exclusive); int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in vals)
        np_dt = _dtype.get_default_dtype().np if is_float else np.int64
    else:
        np_dt = to_numpy_dtype(dtype)
    n = int(np.ceil((end - start) / step))
    # computed in float64 then cast, as torch does (np.arange in float32 drifts)
    arr = (start + step * np.arange(n, dtype=np.float64)).astype(np_dt) if np.dtype(np_dt).kind == "f" \
        else np.arange(start, end, step).astype(np_dt)
    return _finish(arr, requires_grad, device)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _finish(np.linspace(start, end, steps).astype(_dt(dtype)), requires_grad, device)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    return _finish(np.logspace(start, end, steps, base=base).astype(_dt(dtype)), requires_grad, device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    """Uniform on [0, 1)."""
    dt = _dt(dtype)
    arr = _rng(generator).random(_size(size), dtype=np.float64 if dt == np.float64 else np.float32).astype(dt)
    return _finish(arr, requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    """Standard normal."""
    dt = _dt(dtype)
    arr = _rng(generator).standard_normal(_size(size), dtype=np.float64 if dt == np.float64 else np.float32)
    return _finish(arr.astype(dt, copy=False), requires_grad, device)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False,
            out=None, layout=None):
    """Integers in [low, high); ``randint(high, size)`` and ``randint(low, high, size)`` as in torch."""
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        else:
            raise TypeError("randint() missing required argument 'size'")
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    arr = _rng(generator).integers(low, high, size=_size((size,) if isinstance(size, int) else (size,)))
    return _finish(arr.astype(_dt(dtype, _dtype.int64)), requires_grad, device)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    return _finish(_rng(generator).permutation(n).astype(_dt(dtype, _dtype.int64)), requires_grad, device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False,
           out=None):
    """Normal samples; ``mean``/``std`` may be tensors (broadcast) or numbers (then ``size`` is needed)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {np.min(s)}")
    if size is None:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
            raise TypeError("normal() received an invalid combination of arguments: give size= for number mean "
                            "and std")
        dt = (mean if isinstance(mean, Tensor) else std)._data.dtype
    else:
        shape = _size((size,) if isinstance(size, int) else (size,))
        dt = _dt(dtype)
    z = _rng(generator).standard_normal(shape, dtype=np.float64 if dt == np.float64 else np.float32)
    return _finish((m + s * z).astype(dt), requires_grad, device)


def _like(input, dtype):
    return input._data.dtype if dtype is None else to_numpy_dtype(dtype)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
    return _finish(np.zeros(input._data.shape, _like(input, dtype)), requires_grad, device)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
    return _finish(np.ones(input._data.shape, _like(input, dtype)), requires_grad, device)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
    return _finish(np.empty(input._data.shape, _like(input, dtype)), requires_grad, device)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
    return _finish(np.full(input._data.shape, fill_value, _like(input, dtype)), requires_grad, device)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None,
              layout=None):
    return rand(input._data.shape, dtype=dtype or from_numpy_dtype(input._data.dtype), requires_grad=requires_grad,
                generator=generator)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, generator=None,
               layout=None):
    return randn(input._data.shape, dtype=dtype or from_numpy_dtype(input._data.dtype),
                 requires_grad=requires_grad, generator=generator)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False, generator=None):
    return randint(low, high, input._data.shape, dtype=dtype or from_numpy_dtype(input._data.dtype),
                   generator=generator)


def bind_methods(T):
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        return full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    T.new_zeros, T.new_ones, T.new_full, T.new_empty, T.new_tensor = (new_zeros, new_ones, new_full, new_empty,
                                                                      new_tensor)
