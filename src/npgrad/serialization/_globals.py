"""What a weights-only load may resolve: the built-in globals (with checked arguments), the user's safe globals
(torch 2.6+'s ``add_safe_globals`` API), and the tensor rebuild functions that check a view before making it.

A global named by torch's module path (``torch.nn.modules.linear.Linear``) resolves to npgrad's object at the
same path under ``npgrad``; a user-allowed npgrad class is also found under its torch name.
"""
import pickle
from collections import Counter, OrderedDict

from .._dtype import HAS_BF16
from .. import _dtype

__all__ = ["add_safe_globals", "safe_globals", "get_safe_globals", "clear_safe_globals"]

# torch storage class name <-> NumPy dtype name
STORAGES = {s: n for n, s in _dtype.STORAGES.items() if n != "bfloat16"}  # from npgrad/_dtype.py's one table
STORAGE_OF = {v: k for k, v in STORAGES.items()}
UNSUPPORTED_STORAGES = {"BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64",
                        "ComplexDoubleStorage": "complex128", "UInt16Storage": "uint16", "UInt32Storage": "uint32",
                        "UInt64Storage": "uint64", "QInt8Storage": "qint8", "QUInt8Storage": "quint8",
                        "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4"}
DTYPES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")
_DTYPE_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "long": "int64", "int": "int32",
                  "short": "int16"}
_MISSING_DTYPES = ("bfloat16", "complex64", "complex128", "uint16", "uint32", "uint64", "cfloat", "cdouble",
                   "float8_e4m3fn", "float8_e5m2")
if HAS_BF16:   # bfloat16 through the optional ml_dtypes package: saved and loaded as bfloat16
    STORAGES["BFloat16Storage"] = "bfloat16"
    STORAGE_OF["bfloat16"] = "BFloat16Storage"
    del UNSUPPORTED_STORAGES["BFloat16Storage"]
    DTYPES = DTYPES + ("bfloat16",)
    _MISSING_DTYPES = tuple(d for d in _MISSING_DTYPES if d != "bfloat16")
_MAX_DIMS = 64
_MAX_LINE = 1 << 16      # text opcodes (GLOBAL, INT, ...): one line at most this long


def short(obj):
    """A description of an untrusted object that is safe to put in a message: never its full repr."""
    if obj is None or type(obj) in (bool, float):
        return repr(obj)
    if type(obj) is int:
        return repr(obj) if obj.bit_length() < 128 else f"an int of {obj.bit_length()} bits"
    if type(obj) is str and len(obj) <= 80:
        return repr(obj)
    if type(obj) in (bytes, bytearray, str, list, tuple, dict, set):
        return f"a {type(obj).__name__} of length {len(obj)}"
    return f"a {type(obj).__name__}"


def unpickling_error(msg):
    return pickle.UnpicklingError(
        "Weights only load failed. " + msg + "\nnpgrad.load(..., weights_only=True) only rebuilds tensors, "
        "containers, numbers, strings and the globals allowed with npgrad.serialization.add_safe_globals. "
        "Re-running npgrad.load with weights_only=False can run arbitrary code: do it only if you trust the "
        "source of the file.")


def corrupted(record, msg):
    return RuntimeError(f"npgrad.load: {record}: {msg}; the file is truncated or corrupted")


# ====================================================================== safe globals (torch 2.6+ API)

_user_globals = []   # objects or (object, "module.qualname") pairs, in the order they were added


def add_safe_globals(safe_globals):
    """Mark globals (classes, functions, or ``(obj, "module.name")`` pairs) as safe for ``weights_only`` loads.

    Example::

        >>> import npgrad as torch
        >>> class Point:
        ...     def __init__(self, x):
        ...         self.x = x
        >>> torch.serialization.add_safe_globals([Point])
        >>> Point in torch.serialization.get_safe_globals()
        True
        >>> torch.serialization.clear_safe_globals()
        >>> Point in torch.serialization.get_safe_globals()
        False
    """
    if not isinstance(safe_globals, (list, tuple, set)):
        raise TypeError(f"add_safe_globals expects a list of globals, got {type(safe_globals).__name__}")
    for g in safe_globals:
        _check_safe_global(g)
        if not any(g is h or (isinstance(g, tuple) and g == h) for h in _user_globals):
            _user_globals.append(g)


def _check_safe_global(g):
    if isinstance(g, tuple):
        if len(g) != 2:
            raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple of "
                             f"length: {len(g)}")
        if type(g[1]) is not str:
            raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                            f"{type(g[1])}")


def get_safe_globals():
    """The globals marked safe with ``add_safe_globals`` (or inside ``safe_globals``).

    Example::

        >>> import npgrad as torch
        >>> class Point:
        ...     def __init__(self, x):
        ...         self.x = x
        >>> with torch.serialization.safe_globals([Point]):
        ...     print(Point in torch.serialization.get_safe_globals())
        True
        >>> Point in torch.serialization.get_safe_globals()
        False
    """
    return list(_user_globals)


def clear_safe_globals():
    """Forget every global marked safe by the user.

    Example::

        >>> import npgrad as torch
        >>> class Point:
        ...     def __init__(self, x):
        ...         self.x = x
        >>> torch.serialization.add_safe_globals([Point])
        >>> torch.serialization.clear_safe_globals()
        >>> torch.serialization.get_safe_globals()
        []
    """
    del _user_globals[:]


class safe_globals:
    """Context manager: the given globals are safe for ``weights_only`` loads inside the ``with`` block.

    Example::

        >>> import npgrad as torch
        >>> import fractions, io
        >>> buf = io.BytesIO()
        >>> torch.save({'ratio': fractions.Fraction(1, 3)}, buf)
        >>> _ = buf.seek(0)
        >>> with torch.serialization.safe_globals([fractions.Fraction]):
        ...     print(torch.load(buf))
        {'ratio': Fraction(1, 3)}
    """

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._added = [g for g in self.safe_globals
                       if not any(g is h or (isinstance(g, tuple) and g == h) for h in _user_globals)]
        add_safe_globals(list(self.safe_globals))

    def __exit__(self, *exc):
        for g in self._added:
            for i, h in enumerate(_user_globals):
                if g is h or (isinstance(g, tuple) and g == h):
                    del _user_globals[i]
                    break


# nn classes that torch defines in another file than npgrad does: torch's module for each (a fact of torch's
# layout, so that pickles name them as torch does, both ways). Every other npgrad.X class is torch.X's.
_TORCH_NN_MODULES = {
    "MultiheadAttention": "torch.nn.modules.activation",
    "InstanceNorm1d": "torch.nn.modules.instancenorm", "InstanceNorm2d": "torch.nn.modules.instancenorm",
    "InstanceNorm3d": "torch.nn.modules.instancenorm", "SyncBatchNorm": "torch.nn.modules.batchnorm",
    "Upsample": "torch.nn.modules.upsampling", "UpsamplingBilinear2d": "torch.nn.modules.upsampling",
    "UpsamplingNearest2d": "torch.nn.modules.upsampling", "LazyLinear": "torch.nn.modules.linear",
    **{f"Lazy{kind}{d}d": f"torch.nn.modules.{mod}" for kind, mod in (
        ("BatchNorm", "batchnorm"), ("InstanceNorm", "instancenorm"), ("Conv", "conv"), ("ConvTranspose", "conv"))
       for d in (1, 2, 3)},
}


def torch_name(module, name, obj=None):
    """The ``(module, name)`` torch uses for npgrad's global ``module.name`` (unchanged if not npgrad's).

    A class or function defined in one of npgrad's internal modules (``npgrad.ops.*``, ``npgrad._x``) is named by
    its public place (``torch.nn.functional.relu``, ``torch.add``); one with no public place keeps npgrad's name
    (npgrad loads it back; torch cannot)."""
    import sys
    if not (module == "npgrad" or module.startswith("npgrad.")):
        return module, name
    if name in _TORCH_NN_MODULES and module.startswith("npgrad.nn."):
        nn = sys.modules.get("npgrad.nn")
        if obj is None or (nn is not None and getattr(nn, name, None) is obj):
            return _TORCH_NN_MODULES[name], name
    if module.startswith("npgrad.ops") or "._" in module:
        if obj is None:
            return module, name
        for public in ("npgrad.nn.functional", "npgrad", "npgrad.linalg", "npgrad.nn.init"):
            mod = sys.modules.get(public)
            if mod is not None and getattr(mod, name, None) is obj:
                return "torch" + public[6:], name
        return module, name
    return "torch" + module[6:], name


def _user_table():
    """``"module.qualname" -> object`` for the user's safe globals; npgrad classes also under torch's name."""
    rc = {}
    for g in _user_globals:
        if isinstance(g, tuple):
            rc[g[1]] = g[0]
            continue
        module, name = getattr(g, "__module__", None), getattr(g, "__qualname__", None)
        if module is None or name is None:
            continue
        rc[f"{module}.{name}"] = g
        if module == "npgrad" or module.startswith("npgrad."):
            tmod, tname = torch_name(module, name, g)
            rc.setdefault(f"{tmod}.{tname}", g)
            rc.setdefault(f"torch{module[6:]}.{name}", g)
    return rc


def _is_user_allowed(obj):
    return any(obj is g or (isinstance(g, tuple) and obj is g[0]) for g in _user_globals)


def _resolve_npgrad(module, name):
    """``torch.a.b`` / ``npgrad.a.b`` + qualname -> npgrad's object at that path (None if there is none)."""
    import importlib
    if _TORCH_NN_MODULES.get(name) == module:
        import npgrad.nn
        return getattr(npgrad.nn, name, None)
    if module == "torch" or module.startswith("torch."):
        module = "npgrad" + module[5:]
    if not (module == "npgrad" or module.startswith("npgrad.")):
        return None
    parts = module.split(".") + name.split(".")
    if not all(p.isidentifier() and not p.startswith("__") for p in parts):
        return None
    try:
        obj = importlib.import_module(module)
        for p in name.split("."):
            obj = getattr(obj, p)
    except Exception:  # noqa: BLE001  (no such path: the global is simply unknown)
        return None
    return obj


# ====================================================================== built-in globals

class StorageType:
    """What the unpickler returns for ``torch.FloatStorage`` & co: the element type only."""
    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


class _Marker:
    """A torch class that appears only as an argument (``torch.Tensor`` in ``_rebuild_from_type_v2``)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<torch.{self.name}>"


_PLAIN = (type(None), bool, int, float, complex, str, bytes, tuple, list, dict, OrderedDict, set, frozenset)


def _plain_args(what, args, n_min, n_max, types=_PLAIN):
    if not n_min <= len(args) <= n_max or not all(type(a) in types for a in args):
        raise unpickling_error(f"{what} called with arguments ({', '.join(short(a) for a in args)})")


def _encode(*args):
    """``_codecs.encode`` as protocol-2 pickles use it for bytes (a latin-1 str only)."""
    if len(args) not in (1, 2) or type(args[0]) is not str or \
            (len(args) == 2 and args[1] not in ("latin1", "latin-1")):
        raise unpickling_error("_codecs.encode is only allowed on a str with the latin1 encoding")
    try:
        return args[0].encode("latin1")
    except UnicodeEncodeError:
        raise unpickling_error("_codecs.encode of a str that is not latin-1") from None


def _checked(kind):
    def make(*args):
        if kind is OrderedDict or kind is Counter:
            _plain_args(kind.__name__, args, 0, 1)
            if args and type(args[0]) not in (list, tuple, dict, OrderedDict):
                raise unpickling_error(f"{kind.__name__} built from {short(args[0])}")
        elif kind is set or kind is frozenset:
            _plain_args(kind.__name__, args, 0, 1, (list, tuple, set, frozenset))
        elif kind is bytearray:
            _plain_args("bytearray", args, 0, 1, (bytes, bytearray))
        elif kind is complex:
            _plain_args("complex", args, 0, 2, (int, float, bool))
        elif kind is slice:
            _plain_args("slice", args, 1, 3, (int, type(None)))
        try:
            return kind(*args)
        except TypeError as e:  # e.g. an unhashable element of a set
            raise unpickling_error(f"{kind.__name__}: {e}") from None
    make.__name__ = kind.__name__
    make.newobj = kind  # NEWOBJ of this global makes an empty one (as torch's unpickler, for allowed classes)
    return make


def _size(*args):
    from .._shape import Size
    if len(args) != 1 or type(args[0]) not in (tuple, list) or len(args[0]) > _MAX_DIMS or \
            not all(type(d) is int and d >= 0 for d in args[0]):
        raise unpickling_error(f"torch.Size called with ({', '.join(short(a) for a in args)})")
    return Size(args[0])


def _device(*args):
    from .._tensor import device
    if not 1 <= len(args) <= 2 or type(args[0]) not in (str, int) or \
            (len(args) == 2 and type(args[1]) not in (int, type(None))):
        raise unpickling_error(f"torch.device called with ({', '.join(short(a) for a in args)})")
    if type(args[0]) is str and len(args[0]) > 64:
        raise unpickling_error("torch.device called with a long string")
    return device(*args)


def _np_dtype_of(dt):
    import numpy as np
    from .._dtype import dtype
    if type(dt) is not dtype:
        raise unpickling_error(f"expected a dtype, got {short(dt)}")
    return np.dtype(dt.np)


def check_view(record, storage, offset, size, stride):
    """The shape checks of a tensor view: ints of the right count, inside the storage."""
    from .._shape import Size
    for what, v in (("size", size), ("stride", stride)):
        if type(v) not in (tuple, Size) or len(v) > _MAX_DIMS or not all(type(d) is int for d in v):
            raise corrupted(record, f"a tensor's {what} must be a tuple of ints, got {short(v)}")
    if type(offset) is not int:
        raise corrupted(record, f"a tensor's storage offset must be an int, got {short(offset)}")
    if len(size) != len(stride) or offset < 0 or any(d < 0 for d in size) or any(s < 0 for s in stride):
        raise corrupted(record, f"invalid tensor metadata (offset {short(offset)}, size {list(size)}, stride "
                                f"{list(stride)})")
    numel = 1
    for d in size:
        numel *= d
    if numel:
        last = offset + sum((d - 1) * s for d, s in zip(size, stride))
        if last >= storage.size:
            raise corrupted(record, f"a tensor of size {list(size)} and stride {list(stride)} at offset {offset} "
                                    f"does not fit in its storage of {storage.size} elements")
    return numel


def tensor_from_storage(storage, storage_offset, size, stride, requires_grad, np_dtype=None):
    """A tensor viewing ``storage`` (a 1-D array) with the given offset, size and stride, after checking that the
    view stays inside the storage. Views whose elements overlap (a stride of 0) come out read-only, so that an
    in-place write to them is refused instead of giving wrong values (torch refuses them too)."""
    import numpy as np
    from .._tensor import make
    if not isinstance(storage, np.ndarray) or storage.ndim != 1:
        raise unpickling_error(f"expected a storage as the first argument of a tensor, got {short(storage)}")
    if type(requires_grad) is not bool:
        raise unpickling_error(f"requires_grad must be a bool, got {short(requires_grad)}")
    if np_dtype is not None and np_dtype != storage.dtype:
        # _rebuild_tensor_v3: the storage's bytes seen as `dtype` (offset and strides count its elements)
        if storage.nbytes % np_dtype.itemsize:
            raise corrupted("data.pkl", f"a storage of {storage.nbytes} bytes is not a whole number of "
                                        f"{np_dtype} elements")
        storage = storage.view(np.uint8).view(np_dtype)
    numel = check_view("data.pkl", storage, storage_offset, size, stride)
    size, stride = tuple(size), tuple(stride)
    if numel == 0:
        arr = np.empty(size, storage.dtype)
    elif stride == _contiguous_strides(size):
        arr = storage[storage_offset:storage_offset + numel].reshape(size)
    else:
        overlap = any(s == 0 and d > 1 for d, s in zip(size, stride))
        item = storage.itemsize
        arr = np.lib.stride_tricks.as_strided(storage[storage_offset:], size, tuple(s * item for s in stride),
                                              writeable=not overlap and storage.flags.writeable)
    t = make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _contiguous_strides(shape):
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= max(d, 1)
    return tuple(reversed(strides))


def _hooks_ok(hooks):
    if hooks is not None and (type(hooks) not in (dict, OrderedDict) or hooks):
        raise unpickling_error(f"tensors with backward hooks cannot be loaded (got {short(hooks)})")


def _rebuild_tensor(*args):
    if len(args) != 4:
        raise unpickling_error(f"_rebuild_tensor takes 4 arguments, got {len(args)}")
    return tensor_from_storage(*args, False)


def _rebuild_tensor_v2(*args):
    if len(args) not in (6, 7):
        raise unpickling_error(f"_rebuild_tensor_v2 takes 6 or 7 arguments, got {len(args)}")
    _hooks_ok(args[5])
    if len(args) == 7 and args[6] is not None and (type(args[6]) not in (dict, OrderedDict) or args[6]):
        raise unpickling_error(f"tensor metadata is not supported (got {short(args[6])})")
    return tensor_from_storage(*args[:5])


def _rebuild_tensor_v3(*args):
    if len(args) not in (7, 8):
        raise unpickling_error(f"_rebuild_tensor_v3 takes 7 or 8 arguments, got {len(args)}")
    _hooks_ok(args[5])
    if len(args) == 8 and args[7] is not None and (type(args[7]) not in (dict, OrderedDict) or args[7]):
        raise unpickling_error(f"tensor metadata is not supported (got {short(args[7])})")
    return tensor_from_storage(*args[:5], _np_dtype_of(args[6]))


def _as_parameter(data, requires_grad):
    from .._tensor import Tensor
    if not isinstance(data, Tensor) or type(requires_grad) is not bool:
        raise unpickling_error(f"Parameter built from ({short(data)}, {short(requires_grad)})")
    try:
        from ..nn.parameter import Parameter
    except ImportError:  # without npgrad.nn: a leaf tensor with the same requires_grad
        data._req = False
        return data.requires_grad_(requires_grad) if data.is_floating_point() else data
    return Parameter(data, requires_grad)


def _rebuild_parameter(*args):
    if len(args) != 3:
        raise unpickling_error(f"_rebuild_parameter takes 3 arguments, got {len(args)}")
    _hooks_ok(args[2])
    return _as_parameter(args[0], args[1])


def _rebuild_parameter_with_state(*args):
    if len(args) != 4:
        raise unpickling_error(f"_rebuild_parameter_with_state takes 4 arguments, got {len(args)}")
    _hooks_ok(args[2])
    if args[3] is not None and (type(args[3]) not in (dict, OrderedDict, tuple) or
                                any(x for x in (args[3] if type(args[3]) is tuple else (args[3],)))):
        raise unpickling_error(f"Parameter attributes cannot be restored (got {short(args[3])})")
    return _as_parameter(args[0], args[1])


_REBUILDS = (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
             _rebuild_parameter_with_state)


def _rebuild_from_type_v2(*args):
    """torch's wrapper for tensors of a subclass or with attributes: plain tensors and Parameters here."""
    if len(args) != 4 or not any(args[0] is f for f in _REBUILDS) or type(args[2]) is not tuple:
        raise unpickling_error("_rebuild_from_type_v2 called with unexpected arguments")
    func, new_type, fargs, state = args
    if not isinstance(new_type, _Marker) or new_type.name not in ("Tensor", "Parameter"):
        raise unpickling_error(f"tensors of type {short(new_type)} cannot be loaded")
    if state is not None and (type(state) not in (dict, OrderedDict, tuple) or
                              any(x for x in (state if type(state) is tuple else (state,)))):
        raise unpickling_error(f"tensor attributes cannot be restored (got {short(state)})")
    ret = func(*fargs)
    if new_type.name == "Parameter":
        ret = _as_parameter(ret, ret.requires_grad)
    return ret


def _builtin_table():
    """``(module, name) -> object`` for every global a weights-only load resolves without being told."""
    from .. import _dtype
    g = {("collections", "OrderedDict"): _checked(OrderedDict), ("collections", "Counter"): _checked(Counter),
         ("builtins", "set"): _checked(set), ("builtins", "frozenset"): _checked(frozenset),
         ("builtins", "bytearray"): _checked(bytearray), ("builtins", "complex"): _checked(complex),
         ("builtins", "slice"): _checked(slice), ("_codecs", "encode"): _encode,
         ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
         ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
         ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
         ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
         ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
         ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
         ("torch", "Size"): _size, ("torch", "device"): _device,
         ("torch", "Tensor"): _Marker("Tensor"), ("torch._tensor", "Tensor"): _Marker("Tensor"),
         ("torch.nn.parameter", "Parameter"): _Marker("Parameter"),
         ("torch.storage", "UntypedStorage"): StorageType("UntypedStorage", "uint8")}
    for name, np_name in STORAGES.items():
        g[("torch", name)] = StorageType(name, np_name)
    for name in DTYPES:
        g[("torch", name)] = getattr(_dtype, name)
    for alias, name in _DTYPE_ALIASES.items():
        g[("torch", alias)] = getattr(_dtype, name)
    for name, what in UNSUPPORTED_STORAGES.items():
        g[("torch", name)] = StorageType(name, what)
    return g


_TABLE = None


def builtin_table():
    global _TABLE
    if _TABLE is None:
        _TABLE = _builtin_table()
    return _TABLE


def _torch_path(full):
    """torch's spelling of a global in its error message (``builtins.x`` is written ``x``)."""
    return full[len("builtins."):] if full.startswith("builtins.") else full


def find_global(module, name, weights_only=True):
    """The object a GLOBAL names, if it is allowed; else torch's UnpicklingError naming what to allow."""
    if module in ("__builtin__", "copy_reg"):
        module = {"__builtin__": "builtins", "copy_reg": "copyreg"}[module]
    table = builtin_table()
    obj = table.get((module, name))
    if obj is not None:
        return obj
    full = f"{module}.{name}"
    user = _user_table()
    if full in user:
        return user[full]
    if module.startswith("numpy.core."):  # NumPy 1.x files name numpy._core's functions this way
        alt = "numpy._core." + full[len("numpy.core."):]
        if alt in user:
            return user[alt]
    # another path to an allowed npgrad object (an alias module); imported only when an allowed global has that
    # name, so a file cannot make a weights-only load import arbitrary npgrad modules
    named = any(getattr(g[0] if isinstance(g, tuple) else g, "__qualname__", None) == name for g in _user_globals)
    resolved = _resolve_npgrad(module, name) if named or not weights_only else None
    if resolved is not None and _is_user_allowed(resolved):
        return resolved
    if module == "torch" and name in _MISSING_DTYPES:
        raise RuntimeError(f"npgrad.load: the file uses torch.{name}, a dtype npgrad does not have")
    if not weights_only:
        return resolved
    path = _torch_path(full)
    raise unpickling_error(
        f"Unsupported global: GLOBAL {path} was not an allowed global by default. Please use "
        f"`torch.serialization.add_safe_globals([{path}])` or the `torch.serialization.safe_globals([{path}])` "
        "context manager to allowlist this global if you trust this class/function.")


def _allowed_callable(obj):
    return id(obj) in _BUILTIN_CALLABLES or _is_user_allowed(obj)


_BUILTIN_CALLABLES = {}  # id -> object: membership by identity (a file's object never needs hashing)


def _full_global(module, name):
    """weights_only=False: torch's globals map to npgrad's, everything else is imported as pickle would."""
    if module in ("__builtin__", "copy_reg"):
        module = {"__builtin__": "builtins", "copy_reg": "copyreg"}[module]
    obj = builtin_table().get((module, name))
    if obj is not None:
        return obj
    if module == "torch" or module.startswith("torch."):
        obj = _resolve_npgrad(module, name)
        if obj is None:
            return find_global(module, name)  # raises with the name
        return obj
    import importlib
    mod = importlib.import_module(module)
    for part in name.split("."):
        mod = getattr(mod, part)
    return mod
