"""dtype objects, the default dtype, the NumPy mapping and torch's type-promotion rules.

Torch promotes in three priority classes: tensors with dimensions, 0-d tensors, and Python scalars
("wrapped numbers"). A lower class only changes the result when it belongs to a higher *category*
(bool < integer < floating), so ``float32_tensor * 2.0`` stays float32 and ``int32_tensor * 2.5``
becomes the default float dtype. NumPy's rules differ (``int64 + float16 -> float64``), so we keep
our own table, built lazily and cached.
"""
import numpy as np

__all__ = ["dtype", "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
           "uint8", "bool", "half", "float", "double", "short", "int", "long",
           "get_default_dtype", "set_default_dtype", "promote_types", "result_type", "can_cast",
           "layout", "memory_format", "strided", "sparse_coo", "sparse_csr", "contiguous_format", "preserve_format",
           "channels_last", "channels_last_3d"]


class dtype:
    """A tensor element type, printed like torch's (``npgrad.float32``).

    Example:
        >>> import npgrad as torch
        >>> torch.float32.is_floating_point, torch.int64.itemsize
        (True, 8)
        >>> torch.tensor([1, 2]).dtype == torch.int64
        True
        >>> torch.float == torch.float32
        True
    """
    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_cat")

    def __init__(self, name, np_dtype, cat):
        self.name = name
        self.np = np.dtype(np_dtype)
        self._cat = cat                      # 0 bool, 1 integer, 2 floating
        self.is_floating_point = cat == 2
        self.is_signed = cat == 2 or self.np.kind == "i"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return "npgrad." + self.name

    def __getattr__(self, name):  # only bfloat16's NumPy dtype is ever unset: ml_dtypes is imported on first use
        if name == "np" and self.name == "bfloat16":
            self.np = bf16_np()
            return self.np
        raise AttributeError(f"'npgrad.dtype' object has no attribute '{name}'")

    def __reduce__(self):
        return (_by_name, (self.name,))

    @property
    def is_complex(self):
        return False

    def to_real(self):
        return self


BF16_MISSING = ("npgrad.bfloat16 needs the optional ml_dtypes package (NumPy has no bfloat16): "
                "pip install 'npgrad[bf16]' (or pip install ml_dtypes)")

# bfloat16 comes from the optional ml_dtypes package. Importing it takes about half a second (it registers many
# NumPy types and ufunc loops), ten times npgrad's own import, so it is found here but imported on first use:
# ``bfloat16.np``, a bfloat16 array arriving from NumPy, or a bfloat16 checkpoint.
import importlib.util as _importlib_util

HAS_BF16 = _importlib_util.find_spec("ml_dtypes") is not None
_BF16_NP = None  # ml_dtypes' NumPy bfloat16 once imported (bf16_np)


class _UnavailableDtype(dtype):
    """A dtype npgrad names but cannot make arrays of here (bfloat16 without ml_dtypes): using it raises."""
    __slots__ = ()

    @property
    def np(self):
        raise RuntimeError(BF16_MISSING)


def bf16_np():
    """ml_dtypes' NumPy bfloat16, importing the package on first use; ``RuntimeError`` without it."""
    global _BF16_NP
    if _BF16_NP is None:
        if not HAS_BF16:
            raise RuntimeError(BF16_MISSING)
        import ml_dtypes
        _BF16_NP = np.dtype(ml_dtypes.bfloat16)
        _FROM_NP[_BF16_NP] = bfloat16
    return _BF16_NP


# The one table of npgrad's dtypes; every other table of dtype names derives from it. Per dtype: torch's scalar-type
# name, as its messages print it ("Float"), which also names the legacy tensor type (torch.FloatTensor) and the storage
# class (torch.FloatStorage); the C++ type torch's kernel messages print ("float != double"); the promotion category
# (0 bool, 1 integer, 2 floating, see the module docstring); the itemsize; the NumPy dtype (None for bfloat16, which
# comes from ml_dtypes on first use). tests/test_dtype_table.py checks every column against torch.
#          name        scalar      C++ type          cat size NumPy
TABLE = (("float16",  "Half",     "c10::Half",      2,  2,   np.float16),
         ("bfloat16", "BFloat16", "c10::BFloat16",  2,  2,   None),
         ("float32",  "Float",    "float",          2,  4,   np.float32),
         ("float64",  "Double",   "double",         2,  8,   np.float64),
         ("int8",     "Char",     "signed char",    1,  1,   np.int8),
         ("int16",    "Short",    "short int",      1,  2,   np.int16),
         ("int32",    "Int",      "int",            1,  4,   np.int32),
         ("int64",    "Long",     "long int",       1,  8,   np.int64),
         ("uint8",    "Byte",     "unsigned char",  1,  1,   np.uint8),
         ("bool",     "Bool",     "bool",           0,  1,   np.bool_))
SCALAR_NAMES = {row[0]: row[1] for row in TABLE}                      # "float32" -> "Float"
TENSOR_TYPES = {n: s + "Tensor" for n, s in SCALAR_NAMES.items()}     # "float32" -> "FloatTensor" (torch.FloatTensor)
STORAGES = {n: s + "Storage" for n, s in SCALAR_NAMES.items()}        # "float32" -> "FloatStorage"
CPP_NAMES = {row[0]: row[2] for row in TABLE}                         # "float32" -> "float"


def _from_row(name, scalar, cpp, cat, itemsize, np_dtype):
    if np_dtype is not None:
        return dtype(name, np_dtype, cat)
    d = object.__new__(dtype if HAS_BF16 else _UnavailableDtype)  # bfloat16: .np filled on first use
    d.name, d._cat, d.is_floating_point, d.is_signed, d.itemsize = name, cat, cat == 2, True, itemsize
    return d


_NAMES = {row[0]: _from_row(*row) for row in TABLE}
float16 = half = _NAMES["float16"]
bfloat16 = _NAMES["bfloat16"]
float32 = float = _NAMES["float32"]
float64 = double = _NAMES["float64"]
int8 = _NAMES["int8"]
int16 = short = _NAMES["int16"]
int32 = int = _NAMES["int32"]
int64 = long = _NAMES["int64"]
uint8 = _NAMES["uint8"]
bool = _NAMES["bool"]

_ALL = tuple(d for d in _NAMES.values() if d is not bfloat16)  # the dtypes NumPy has without ml_dtypes


def is_float_np(d):
    """Whether NumPy dtype ``d`` is one of npgrad's floating types (ml_dtypes' bfloat16 has kind 'V', not 'f')."""
    return d.kind == "f" or (d.kind == "V" and d.name == "bfloat16")


_FROM_NP = {d.np: d for d in _ALL}


def _by_name(name):
    return _NAMES[name]


def from_numpy_dtype(np_dtype):
    """The npgrad dtype for a NumPy dtype; TypeError for types torch has no tensor of."""
    d = _FROM_NP.get(np_dtype)
    if d is None:
        nd = np.dtype(np_dtype)
        if nd.kind == "V" and nd.name == "bfloat16" and HAS_BF16:  # made by ml_dtypes before npgrad asked for it
            bf16_np()
        d = _FROM_NP.get(nd)
        if d is None:
            raise TypeError(f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types "
                            "are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")
    return d


def parse(d, fname="", arg="dtype"):
    """The dtype a public ``dtype=`` argument names: the one parser every function taking a dtype uses.

    Takes an npgrad dtype or one of Python's ``float``, ``int``, ``bool`` (torch maps them to float64, int64 and
    bool, whatever the default dtype); ``None`` stays ``None``. Anything else (a string, a NumPy dtype) is torch's
    ``TypeError``; ``complex`` is refused by name because npgrad has no complex dtypes.
    """
    if type(d) is dtype or d is None:
        return d
    if type(d) is _UnavailableDtype:
        raise RuntimeError(BF16_MISSING)
    r = _PYTYPES.get(d) if isinstance(d, type) else None
    if r is not None:
        return r
    if d is complex:
        raise TypeError(f"{fname}(): argument '{arg}' is complex, and npgrad has no complex dtypes")
    raise TypeError(f"{fname}(): argument '{arg}' must be torch.dtype, not {type(d).__name__}")


def to_numpy_dtype(d, fname=""):
    """The NumPy dtype for a public ``dtype=`` argument (see ``parse``)."""
    if type(d) is dtype:
        return d.np
    return parse(d, fname).np


_pyfloat = (1.0).__class__
_default = float32


def get_default_dtype():
    """The dtype of floating tensors made from Python floats (``float32`` unless changed).

    Example:
        >>> import npgrad as torch
        >>> torch.get_default_dtype() == torch.float32
        True
        >>> torch.tensor([1.5]).dtype == torch.get_default_dtype()
        True
    """
    return _default


def set_default_dtype(d):
    """Sets the floating-point dtype that new float tensors get (``float32`` at start).

    It applies to Python floats in ``tensor``, to creation functions without ``dtype``, and to the results of integer
    tensors in float-only operations (``exp``, ``mean``, true ``div``).

    Args:
        d (npgrad.dtype): a floating-point dtype (``float32`` or ``float64``; ``float16`` and ``bfloat16`` too).

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_default_dtype(torch.float64)
        >>> torch.tensor([1.5]).dtype == torch.float64
        True
        >>> torch.set_default_dtype(torch.float32)
        >>> torch.tensor([1.5]).dtype == torch.float32
        True
    """
    global _default
    if type(d) is not dtype or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default = d


_promote_cache = {}


def _promote_np(a, b):
    """Promote two NumPy dtypes by torch's table (a float beats any integer, whatever its width)."""
    key = (a, b)
    r = _promote_cache.get(key)
    if r is None:
        da, db = _FROM_NP[a], _FROM_NP[b]
        if da._cat != db._cat:
            r = da.np if da._cat > db._cat else db.np
        else:
            r = np.promote_types(a, b)
        _promote_cache[key] = r
    return r


def _dtype_arg(d, fname, name, pos):
    if type(d) is _UnavailableDtype:
        raise RuntimeError(BF16_MISSING)
    if type(d) is not dtype:
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be torch.dtype, not {type(d).__name__}")
    return d


def promote_types(type1, type2):
    """The smallest dtype both ``type1`` and ``type2`` convert to without losing their kind.

    Args:
        type1 (npgrad.dtype): the first dtype.
        type2 (npgrad.dtype): the second dtype.

    Returns:
        npgrad.dtype: the promoted dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.promote_types(torch.int32, torch.float32) == torch.float32
        True
        >>> torch.promote_types(torch.uint8, torch.int8) == torch.int16
        True
        >>> torch.promote_types(torch.bool, torch.int64) == torch.int64
        True
    """
    _dtype_arg(type1, "promote_types", "type1", 1)
    _dtype_arg(type2, "promote_types", "type2", 2)
    return _FROM_NP[_promote_np(type1.np, type2.np)]


def _scalar_np(x):
    """The dtype torch gives a Python scalar taking part in promotion."""
    if isinstance(x, _pybool):
        return np.dtype(np.bool_)
    if isinstance(x, _pyint):
        return np.dtype(np.int64)
    return _default.np


_pybool = True.__class__
_pyint = (1).__class__
_PYTYPES = {_pyfloat: float64, _pyint: int64, _pybool: bool}


def _combine(higher, lower):
    """torch's combine_categories: a lower-priority class counts only when it brings a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    hc, lc = _FROM_NP[higher]._cat, _FROM_NP[lower]._cat
    if hc == 2:
        return higher
    if hc == 0 or lc == 2:
        return _promote_np(higher, lower) if lc > hc else higher
    return higher


def result_np(arrays):
    """Result NumPy dtype of an op over arrays (0-d ones rank lower) and Python scalars."""
    dim = zero = wrapped = None
    for a in arrays:
        if type(a) is np.ndarray or isinstance(a, np.generic):
            dt = a.dtype
            if a.ndim:
                dim = dt if dim is None else _promote_np(dim, dt)
            else:
                zero = dt if zero is None else _promote_np(zero, dt)
        elif a is not None:
            dt = _scalar_np(a)
            wrapped = dt if wrapped is None else _promote_np(wrapped, dt)
    return _combine(dim, _combine(zero, wrapped))


def result_type(tensor1, tensor2):
    """The dtype an arithmetic operation on ``tensor1`` and ``tensor2`` gives, by torch's promotion rules.

    Python numbers only raise the category (int to float), never the width; 0-d tensors count less than tensors with
    dims.

    Args:
        tensor1 (Tensor or Number): the first operand.
        tensor2 (Tensor or Number): the second operand.

    Returns:
        npgrad.dtype: the result's dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.result_type(torch.tensor([1, 2]), 1.0) == torch.float32
        True
        >>> torch.result_type(torch.tensor([1, 2], dtype=torch.uint8), 300) == torch.uint8
        True
        >>> torch.result_type(torch.tensor(1.0, dtype=torch.float64), torch.tensor([1.0])) == torch.float32
        True
    """
    from ._tensor import Tensor
    import numbers
    for i, t in enumerate((tensor1, tensor2)):
        if not isinstance(t, (Tensor, numbers.Number)) or isinstance(t, complex):
            raise TypeError(f"result_type(): argument '{('tensor1', 'tensor2')[i]}' (position {i + 1}) must be "
                            f"Tensor or Number, not {type(t).__name__}")
    arrs = [t._data if isinstance(t, Tensor) else t for t in (tensor1, tensor2)]
    return _FROM_NP[result_np(arrs)]


def can_cast(from_, to):
    """Whether torch's casting rules allow converting ``from_`` to ``to`` (no float to integer, nothing to bool but
    bool).

    This is the rule in-place operations and ``out=`` apply to their result's dtype.

    Args:
        from_ (npgrad.dtype): the source dtype.
        to (npgrad.dtype): the target dtype.

    Returns:
        bool: True when the cast is allowed.

    Example:
        >>> import npgrad as torch
        >>> torch.can_cast(torch.int32, torch.float64)
        True
        >>> torch.can_cast(torch.float32, torch.int32)
        False
    """
    _dtype_arg(from_, "can_cast", "from_", 1)
    _dtype_arg(to, "can_cast", "to", 2)
    return from_._cat <= to._cat or (from_._cat == to._cat)


class layout:
    """A tensor's storage layout; npgrad tensors are all ``strided`` (dense).

    Example:
        >>> import npgrad as torch
        >>> torch.zeros(2).layout == torch.strided
        True
    """
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "npgrad." + self.name

    def __reduce__(self):
        return (_layout_by_name, (self.name,))


class memory_format:
    """A memory-format hint (``contiguous_format``, ``preserve_format``, ``channels_last``...).

    Example:
        >>> import npgrad as torch
        >>> x = torch.zeros(1, 2, 3, 3)
        >>> x.is_contiguous(memory_format=torch.contiguous_format)
        True
        >>> torch.empty_like(x, memory_format=torch.preserve_format).shape == x.shape
        True
    """
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "npgrad." + self.name

    def __reduce__(self):
        return (_format_by_name, (self.name,))


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
_CHANNELS_RANK = {channels_last: 4, channels_last_3d: 5}


def _layout_by_name(name):
    return {"strided": strided, "sparse_coo": sparse_coo, "sparse_csr": sparse_csr}[name]


def _format_by_name(name):
    return {f.name: f for f in (contiguous_format, preserve_format, channels_last, channels_last_3d)}[name]



class finfo:
    """``torch.finfo``: the numerical limits of a floating dtype (default: the default dtype).

    >>> import npgrad
    >>> npgrad.finfo(npgrad.float32).eps
    1.1920928955078125e-07
    """
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type=None):
        d = _info_arg(get_default_dtype() if type is None else type, "finfo")
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = (__import__("ml_dtypes").finfo if d is bfloat16 else np.finfo)(d.np)
        self.bits, self.dtype = d.itemsize * 8, d.name
        self.eps, self.max, self.min = _pyfloat(info.eps), _pyfloat(info.max), _pyfloat(info.min)
        self.tiny = self.smallest_normal = _pyfloat(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision  # exactly 10^-digits (NumPy rounds it into the dtype)

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        g = lambda x: format(x, ".6g")  # noqa: E731  (torch prints six significant digits)
        return (f"finfo(resolution={g(self.resolution)}, min={g(self.min)}, max={g(self.max)}, eps={g(self.eps)}, "
                f"smallest_normal={g(self.smallest_normal)}, tiny={g(self.tiny)}, dtype={self.dtype})")


class iinfo:
    """``torch.iinfo``: the limits of an integer dtype.

    >>> import npgrad
    >>> npgrad.iinfo(npgrad.uint8).max
    255
    """
    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type):
        d = _info_arg(type, "iinfo")
        if d is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(d.np)
        self.bits, self.dtype, self.max, self.min = info.bits, d.name, _pyint(info.max), _pyint(info.min)

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={format(self.min, '.6g')}, max={format(self.max, '.6g')}, dtype={self.dtype})"


_pyint = (1).__class__


def _info_arg(d, fname):
    if isinstance(d, _UnavailableDtype):
        raise RuntimeError(BF16_MISSING)
    if not isinstance(d, dtype):
        raise TypeError(f"{fname}(): argument 'type' (position 1) must be torch.dtype, not "
                        f"{d.__class__.__name__}")
    return d
