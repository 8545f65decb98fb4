"""torch's legacy tensor types: ``FloatTensor``, ``LongTensor``, ... and ``set_default_tensor_type``.

Each is a class whose instances are the Tensors of its dtype (``isinstance(t, FloatTensor)`` is
``t.dtype == float32``, as torch) and whose call is the legacy constructor: ``FloatTensor(2, 3)`` is an
uninitialised float32 2x3 tensor, ``LongTensor([1, 2])`` copies data as int64, and a Tensor of another dtype
is refused with torch's TypeError.
"""
import numpy as np

from . import _dtype
from ._tensor import Tensor, make, check_device
from ._warn import warn as _warn

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
           "ByteTensor", "BoolTensor", "set_default_tensor_type", "cuda_types"]


class _LegacyType(type):
    def __instancecheck__(cls, obj):
        return not cls._cuda and isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.np

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __call__(cls, *args, device=None, **kwargs):
        if "size" in kwargs and not args:
            args = tuple(kwargs.pop("size"))
        if kwargs:
            raise TypeError(f"new() received an invalid combination of arguments - got unexpected keyword "
                            f"argument(s) {', '.join(map(repr, kwargs))}")
        if cls._cuda:
            raise AssertionError("Torch not compiled with CUDA enabled")
        check_device(device)
        dt = cls.dtype.np
        if len(args) == 1 and not isinstance(args[0], int):
            a = args[0]
            if isinstance(a, Tensor):
                if a._data.dtype != dt:
                    raise TypeError(f"expected {cls.__name__} (got {a.type()})")
                return a.detach()  # torch's legacy constructor aliases the tensor
            if isinstance(a, (float, complex, bool)):
                raise TypeError(f"new(): data must be a sequence (got {type(a).__name__})")
            if isinstance(a, (tuple, list)) and all(isinstance(v, int) for v in a) and type(a).__name__ == "Size":
                return make(np.empty(tuple(a), dt))
            return make(np.array(a.__array__() if hasattr(a, "__array__") else a, dtype=dt))
        return make(np.empty(tuple(int(n) for n in args), dt))

    def __repr__(cls):
        return f"<class 'npgrad.{'cuda.' if cls._cuda else ''}{cls.__name__}'>"


def _make(name, dtype, cuda=False):
    doc = (f"Legacy constructor and type check of {dtype} tensors: ``{name}(data)`` makes one from a sequence, "
           f"``{name}(2, 3)`` an uninitialised one of that shape; ``isinstance(t, {name})`` is "
           f"``t.dtype == {dtype}``.")
    if not cuda:
        other = "float32" if dtype.name == "float64" else "float64"
        doc += (f"\n\n>>> import npgrad as torch\n>>> torch.{name}([1, 0]).dtype == torch.{dtype.name}\nTrue\n"
                f">>> x = torch.zeros(2, dtype=torch.{dtype.name})\n"
                f">>> isinstance(x, torch.{name}), isinstance(x.to(torch.{other}), torch.{name})\n(True, False)\n")
    return _LegacyType(name, (), {"dtype": dtype, "_cuda": cuda, "__module__": "npgrad", "__doc__": doc})


_NAMES = {t: n for n, t in _dtype.TENSOR_TYPES.items() if n != "bfloat16"}  # "FloatTensor" -> "float32"
for _n, _d in _NAMES.items():
    globals()[_n] = _make(_n, getattr(_dtype, _d))
cuda_types = {n: _make(n, getattr(_dtype, d), cuda=True) for n, d in _NAMES.items()}


def set_default_tensor_type(t):
    """Deprecated in torch: set the default floating dtype from a tensor type (``npgrad.DoubleTensor`` or
    ``"torch.DoubleTensor"``).

    Args:
        t (type or str): a floating legacy tensor type, or its name.

    Example:
        >>> import npgrad as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     torch.set_default_tensor_type(torch.DoubleTensor)
        >>> torch.get_default_dtype() == torch.float64
        True
        >>> torch.set_default_dtype(torch.float32)
    """
    import warnings
    _warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning)
    if isinstance(t, str):
        name = t.split(".")[-1]
        if t.startswith("torch.cuda.") or name not in _NAMES:
            raise TypeError(f"invalid type: '{t}'")
        t = globals()[name]
    if not isinstance(t, _LegacyType) or not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    if t._cuda:
        raise AssertionError("Torch not compiled with CUDA enabled")
    _dtype.set_default_dtype(t.dtype)
