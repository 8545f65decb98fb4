"""``save`` / ``load`` in PyTorch's checkpoint format, without torch and without running code from a file.

``save`` writes torch's zip layout: ``archive/data.pkl`` (a protocol-2 pickle in which every tensor is
``torch._utils._rebuild_tensor_v2(<persistent storage id>, offset, size, stride, requires_grad, OrderedDict())``),
one ``archive/data/<key>`` record of raw little-endian bytes per storage (64-byte aligned, as torch aligns them),
``archive/byteorder`` and ``archive/version``. ``torch.load(path, weights_only=True)`` reads the result. The pickle
is emitted by a small writer of our own (it names torch's globals without importing torch); objects other than
tensors, dtypes, sizes and the builtin containers go through their ``__reduce_ex__`` as pickle would.

``load`` reads files written by ``torch.save`` (zip, or the legacy non-zip format) and by ``save``. With
``weights_only=True`` (the default) the pickle is interpreted by an unpickler that knows a fixed list of
opcodes and globals (containers, ``OrderedDict``, torch's tensor rebuild functions, storage types, ``Size``,
dtypes, ``device``); anything else raises ``pickle.UnpicklingError`` before it can run. A truncated or corrupted
file raises an error and returns nothing: the whole object is built before ``load`` returns.

>>> import io, npgrad as torch
>>> buf = io.BytesIO()
>>> torch.save({"w": torch.ones(2)}, buf)
>>> _ = buf.seek(0)
>>> torch.load(buf)
{'w': tensor([1., 1.])}
"""
# pickle, zipfile, io, struct are imported inside the functions: `import npgrad` must stay fast.

__all__ = ["save", "load", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
_ALIGN = 64

# torch storage class name <-> NumPy dtype name
_STORAGES = {"FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
             "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16", "CharStorage": "int8",
             "ByteStorage": "uint8", "BoolStorage": "bool"}
_STORAGE_OF = {v: k for k, v in _STORAGES.items()}
_UNSUPPORTED_STORAGES = {"BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64",
                         "ComplexDoubleStorage": "complex128", "UInt16Storage": "uint16", "UInt32Storage": "uint32",
                         "UInt64Storage": "uint64", "QInt8Storage": "qint8", "QUInt8Storage": "quint8",
                         "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4"}
_DTYPES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")
_DTYPE_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "long": "int64", "int": "int32",
                  "short": "int16"}


# ====================================================================== writing

class _Storage:
    """One storage to write: a C-contiguous array (kept alive) and its key in ``data/``."""
    __slots__ = ("array", "key")

    def __init__(self, array, key):
        self.array = array
        self.key = key


class _PickleWriter:
    """A protocol-2 pickle emitter for the types a checkpoint holds; torch's globals are written by name."""

    def __init__(self, storages, legacy=False):
        import struct
        self.legacy = legacy           # the legacy format's persistent ids carry a 6th field (view metadata)
        self.out = []
        self.memo = {}
        self.storages = storages       # id(root array) -> _Storage, in order of first use
        self.pack = struct.pack

    # -------------------------------------------------------------- primitives
    def w(self, b):
        self.out.append(b)

    def put(self, obj):
        i = len(self.memo)
        self.memo[id(obj)] = (i, obj)  # obj kept alive so that its id stays unique while writing
        self.w(b"q" + bytes([i]) if i < 256 else b"r" + self.pack("<I", i))

    def get(self, i):
        self.w(b"h" + bytes([i]) if i < 256 else b"j" + self.pack("<I", i))

    def glob(self, module, name):
        self.w(b"c" + module.encode("utf-8") + b"\n" + name.encode("utf-8") + b"\n")

    def save_int(self, n):
        if 0 <= n < 256:
            self.w(b"K" + bytes([n]))
        elif 0 <= n < 65536:
            self.w(b"M" + self.pack("<H", n))
        elif -2 ** 31 <= n < 2 ** 31:
            self.w(b"J" + self.pack("<i", n))
        else:
            raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
            self.w(b"\x8a" + bytes([len(raw)]) + raw)

    def save_str(self, s):
        raw = s.encode("utf-8", "surrogatepass")
        self.w(b"X" + self.pack("<I", len(raw)) + raw)

    def save_bytes(self, b):
        self.glob("_codecs", "encode")  # how protocol 2 spells bytes (torch's reader allows it)
        self.save_str(b.decode("latin1"))
        self.save_str("latin1")
        self.w(b"\x86R")

    def save_tuple(self, items):
        n = len(items)
        if n == 0:
            self.w(b")")
            return
        if n > 3:
            self.w(b"(")
        for x in items:
            self.save(x)
        self.w(b"t" if n > 3 else b"\x85\x86\x87"[n - 1:n])

    def save_items(self, pairs):
        pairs = list(pairs)
        for start in range(0, len(pairs), 1000):
            self.w(b"(")
            for k, v in pairs[start:start + 1000]:
                self.save(k)
                self.save(v)
            self.w(b"u")

    # -------------------------------------------------------------- objects
    def save(self, obj):
        from collections import OrderedDict
        from ._tensor import Tensor, device
        from ._dtype import dtype
        from ._shape import Size
        t = type(obj)
        if obj is None:
            self.w(b"N")
        elif t is bool:
            self.w(b"\x88" if obj else b"\x89")
        elif t is int:
            self.save_int(obj)
        elif t is float:
            self.w(b"G" + self.pack(">d", obj))
        elif t is str:
            self.save_str(obj)
        elif id(obj) in self.memo:
            self.get(self.memo[id(obj)][0])
        elif isinstance(obj, Tensor):
            self.save_tensor(obj)
        elif t is tuple:
            self.save_tuple(obj)
        elif t is list:
            self.w(b"]")
            self.put(obj)
            for start in range(0, len(obj), 1000):
                self.w(b"(")
                for x in obj[start:start + 1000]:
                    self.save(x)
                self.w(b"e")
        elif t is dict:
            self.w(b"}")
            self.put(obj)
            self.save_items(obj.items())
        elif t is OrderedDict:
            self.glob("collections", "OrderedDict")
            self.w(b")R")
            self.put(obj)
            self.save_items(obj.items())
            extra = getattr(obj, "__dict__", None)
            if extra:  # e.g. a module state dict's `_metadata`
                self.save(dict(extra))
                self.w(b"b")
        elif t is bytes:
            self.save_bytes(obj)
        elif t is bytearray:
            self.glob("builtins", "bytearray")
            self.save_bytes(bytes(obj))
            self.w(b"\x85R")
        elif t is dtype:
            self.glob("torch", obj.name)
        elif t is Size:
            self.glob("torch", "Size")
            self.save_tuple((tuple(obj),))
            self.w(b"R")
        elif t is device:
            self.glob("torch", "device")
            self.save_tuple((str(obj),))
            self.w(b"R")
        elif _is_global(obj):
            self.save_global(obj)
        else:
            self.save_reduce(obj)

    def save_global(self, obj):
        module = getattr(obj, "__module__", None)
        name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
        if module is None or name is None or "<" in name or "." in name:
            raise TypeError(f"npgrad.save: cannot pickle {obj!r}: only module-level classes and functions can "
                            "be saved by reference")
        self.glob(module, name)

    def save_reduce(self, obj):
        import copyreg
        reducer = getattr(obj, "__reduce_ex__", None)
        if reducer is None:
            raise TypeError(f"npgrad.save: cannot pickle object of type {type(obj).__name__}")
        rv = reducer(2)
        if isinstance(rv, str):
            self.glob(getattr(obj, "__module__", None) or type(obj).__module__, rv)
            return
        rv = tuple(rv) + (None,) * (5 - len(rv))
        func, args, state, listitems, dictitems = rv[:5]
        if getattr(func, "__name__", "") == "__newobj__" and func is copyreg.__newobj__:
            cls = args[0]
            self.save_global(cls)
            self.save_tuple(tuple(args[1:]))
            self.w(b"\x81")
        else:
            self.save(func)
            self.save_tuple(tuple(args))
            self.w(b"R")
        self.put(obj)
        if listitems is not None:
            for x in listitems:
                self.save(x)
                self.w(b"a")
        if dictitems is not None:
            self.save_items(dictitems)
        if state is not None:
            self.save(state)
            self.w(b"b")

    def save_tensor(self, t):
        storage, offset, size, stride = self.storage_of(t._data)
        param = type(t).__name__ == "Parameter"
        if param:
            self.glob("torch._utils", "_rebuild_parameter")
            self.w(b"(")
        self.glob("torch._utils", "_rebuild_tensor_v2")
        self.w(b"(")
        # the persistent id: ('storage', storage type, key, location, numel)
        self.w(b"(")
        self.save_str("storage")
        self.glob("torch", _STORAGE_OF[storage.array.dtype.name])
        self.save_str(storage.key)
        self.save_str("cpu")
        self.save_int(storage.array.size)
        self.w(b"NtQ" if self.legacy else b"tQ")
        self.save_int(offset)
        self.save_tuple(size)
        self.save_tuple(stride)
        self.w(b"\x88" if (t._req and not param) else b"\x89")
        self.glob("collections", "OrderedDict")
        self.w(b")R")
        self.w(b"tR")
        if param:
            self.w(b"\x88" if t._req else b"\x89")
            self.glob("collections", "OrderedDict")
            self.w(b")R")
            self.w(b"tR")
        self.put(t)

    def storage_of(self, a):
        """The storage a tensor's array views (its base array, when the view can be described by
        offset and strides, so that views keep sharing memory after loading), else a contiguous copy."""
        import numpy as np
        if a.dtype.name not in _STORAGE_OF:
            raise TypeError(f"npgrad.save: cannot save a tensor of dtype {a.dtype}")
        item = a.itemsize
        root = a
        while isinstance(root.base, np.ndarray):
            root = root.base
        ok = (root.dtype == a.dtype and root.flags.c_contiguous and a.size > 0
              and all(s >= 0 and s % item == 0 for s in a.strides))
        if ok:
            off = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            ok = off >= 0 and off % item == 0
        if not ok:
            root = np.ascontiguousarray(a)
            off = 0
        st = self.storages.get(id(root))
        if st is None:
            st = self.storages[id(root)] = _Storage(root, str(len(self.storages)))
        stride = tuple(s // item for s in a.strides) if ok else _contiguous_strides(a.shape)
        return st, off // item, tuple(int(d) for d in a.shape), stride

    def dumps(self, obj):
        self.w(b"\x80\x02")
        self.save(obj)
        self.w(b".")
        return b"".join(self.out)


def _is_global(obj):
    """Functions and classes are pickled by reference (module and name)."""
    import types
    return isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType))


def _contiguous_strides(shape):
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= max(d, 1)
    return tuple(reversed(strides))


def _storage_bytes(arr):
    """The storage's raw bytes, little-endian whatever the array's byte order."""
    a = arr.reshape(-1)
    if a.dtype.itemsize > 1:
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
    return a.tobytes()


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (tensors, state dicts, optimizer state dicts, containers, numbers, strings...) to ``f``
    (a path or a writable binary file) in PyTorch's checkpoint format."""
    storages = {}
    data_pkl = _PickleWriter(storages, legacy=not _use_new_zipfile_serialization).dumps(obj)
    if _use_new_zipfile_serialization:
        payload = _zip_bytes(data_pkl, list(storages.values()), not _disable_byteorder_record)
    else:
        payload = _legacy_bytes(data_pkl, list(storages.values()))
    if hasattr(f, "write"):
        f.write(payload)
        return
    import os
    with open(os.fspath(f), "wb") as fh:
        fh.write(payload)


def _zip_bytes(data_pkl, storages, byteorder=True):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        def record(name, data, align=False):
            info = zipfile.ZipInfo("archive/" + name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            if align:  # pad the local header's extra field so that the data starts at a multiple of 64
                header = 30 + len(info.filename) + 4
                pad = -(buf.tell() + header) % _ALIGN
                info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
            zf.writestr(info, data)
        record("data.pkl", data_pkl)
        record(".format_version", b"1")
        record(".storage_alignment", str(_ALIGN).encode())
        if byteorder:
            record("byteorder", b"little")
        for st in storages:
            record("data/" + st.key, _storage_bytes(st.array), align=True)
        record("version", b"3\n")
        record(".data/serialization_id", b"0" * 40)
    return buf.getvalue()


def _legacy_bytes(data_pkl, storages):
    """torch's pre-1.6 layout: magic, protocol, system info, the object pickle, storage keys, raw storages."""
    import pickle
    import struct
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    head = b"".join(pickle.dumps(x, protocol=2) for x in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info))
    keys = pickle.dumps([st.key for st in storages], protocol=2)
    body = b"".join(struct.pack("<q", st.array.size) + _storage_bytes(st.array) for st in storages)
    return head + data_pkl + keys + body


# ====================================================================== reading

class _StorageType:
    """What the unpickler returns for ``torch.FloatStorage`` & co: just the element type."""
    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


class _Marker:
    """A torch class that only appears as an argument (``torch.Tensor`` in ``_rebuild_from_type_v2``)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


def _unpickling_error(msg):
    import pickle
    return pickle.UnpicklingError(
        "Weights only load failed. " + msg + "\nnpgrad.load(..., weights_only=True) only rebuilds tensors, "
        "containers, numbers and strings. Re-running npgrad.load with weights_only=False can run arbitrary code: "
        "do it only if you trust the source of the file.")


def _np_dtype(name):
    import numpy as np
    return np.dtype(name)


def _tensor_from_storage(storage, storage_offset, size, stride, requires_grad):
    """A tensor viewing ``storage`` (a 1-D array) at ``storage_offset`` with ``size`` and ``stride``, after
    checking that the view stays inside the storage (a crafted file must not read other memory)."""
    import numpy as np
    from ._tensor import make
    if not isinstance(storage, np.ndarray):
        raise _unpickling_error(f"expected a storage as the first argument of a tensor, got {type(storage).__name__}")
    size, stride = tuple(size), tuple(stride)
    ints = all(type(v) is int for v in (storage_offset, *size, *stride))
    if not ints or len(size) != len(stride) or storage_offset < 0 or any(v < 0 for v in size + stride):
        raise RuntimeError(f"npgrad.load: invalid tensor metadata (offset {storage_offset!r}, size {size!r}, "
                           f"stride {stride!r}); the file is corrupted")
    numel = 1
    for d in size:
        numel *= d
    if numel == 0:
        arr = np.empty(size, storage.dtype)
    else:
        last = storage_offset + sum((d - 1) * s for d, s in zip(size, stride))
        if last >= storage.size:
            raise RuntimeError(f"npgrad.load: a tensor of size {list(size)} and stride {list(stride)} at offset "
                               f"{storage_offset} does not fit in its storage of {storage.size} elements; the file "
                               "is corrupted")
        if stride == _contiguous_strides(size):
            arr = storage[storage_offset:storage_offset + numel].reshape(size)
        else:
            item = storage.itemsize
            arr = np.lib.stride_tricks.as_strided(storage[storage_offset:], size, tuple(s * item for s in stride))
    t = make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _tensor_from_storage(storage, storage_offset, size, stride, False)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    return _tensor_from_storage(storage, storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype,
                       metadata=None):
    return _tensor_from_storage(storage, storage_offset, size, stride, requires_grad)


def _as_parameter(data, requires_grad):
    from ._tensor import Tensor
    if not isinstance(data, Tensor):
        raise _unpickling_error(f"a parameter's data must be a tensor, got {type(data).__name__}")
    try:
        from .nn.parameter import Parameter
    except ImportError:  # without npgrad.nn: a leaf tensor with the same requires_grad
        data._req = False
        return data.requires_grad_(bool(requires_grad)) if data.is_floating_point() else data
    return Parameter(data, bool(requires_grad))


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return _as_parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _as_parameter(data, requires_grad)


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch's wrapper for tensors of a subclass or with attributes: plain tensors and Parameters here."""
    ret = func(*args)
    if isinstance(new_type, _Marker) and new_type.name == "Parameter":
        ret = _as_parameter(ret, ret.requires_grad)
    return ret


def _encode(obj, encoding="utf-8"):
    """``_codecs.encode`` as protocol-2 pickles use it for bytes (latin-1 strings only)."""
    if type(obj) is not str or encoding not in ("latin1", "latin-1"):
        raise _unpickling_error("_codecs.encode is only allowed on a str with the latin1 encoding")
    return obj.encode("latin1")


def _allowed_globals():
    """``(module, name) -> object`` for every global a weights-only load may resolve."""
    from collections import Counter, OrderedDict
    from . import _dtype
    from ._shape import Size
    from ._tensor import device
    g = {("collections", "OrderedDict"): OrderedDict, ("collections", "Counter"): Counter,
         ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "bytearray"): bytearray,
         ("builtins", "complex"): complex, ("builtins", "slice"): slice, ("_codecs", "encode"): _encode,
         ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
         ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
         ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
         ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
         ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
         ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
         ("torch", "Size"): Size, ("torch", "device"): device,
         ("torch", "Tensor"): _Marker("Tensor"), ("torch._tensor", "Tensor"): _Marker("Tensor"),
         ("torch.nn.parameter", "Parameter"): _Marker("Parameter"),
         ("torch.storage", "UntypedStorage"): _StorageType("UntypedStorage", "uint8")}
    for name, np_name in _STORAGES.items():
        g[("torch", name)] = _StorageType(name, np_name)
    for name in _DTYPES:
        g[("torch", name)] = getattr(_dtype, name)
    for alias, name in _DTYPE_ALIASES.items():
        g[("torch", alias)] = getattr(_dtype, name)
    for name, what in _UNSUPPORTED_STORAGES.items():
        g[("torch", name)] = _StorageType(name, what)
    return g


def _find_global(module, name, table):
    if module == "__builtin__":
        module = "builtins"
    obj = table.get((module, name))
    if obj is None:
        if module == "torch" and name in ("bfloat16", "complex64", "complex128", "uint16", "uint32", "uint64",
                                          "cfloat", "cdouble", "float8_e4m3fn", "float8_e5m2"):
            raise RuntimeError(f"npgrad.load: the file uses torch.{name}, a dtype npgrad does not have")
        raise _unpickling_error(f"Unsupported global: GLOBAL {module}.{name} was not an allowed global by default.")
    return obj


def _weights_unpickler_class():
    """A pure-Python unpickler that knows only the opcodes a checkpoint needs (no INST/OBJ/EXT), resolves only
    allowed globals, and lets BUILD set state only on OrderedDicts (a state dict's ``_metadata``)."""
    import pickle
    from collections import OrderedDict
    allowed_ops = {getattr(pickle, name)[0] for name in (
        "PROTO", "FRAME", "STOP", "MARK", "POP", "POP_MARK", "DUP", "NONE", "NEWTRUE", "NEWFALSE", "INT",
        "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4", "FLOAT", "BINFLOAT", "STRING", "BINSTRING",
        "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES",
        "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8", "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
        "EMPTY_LIST", "APPEND", "APPENDS", "LIST", "EMPTY_DICT", "DICT", "SETITEM", "SETITEMS", "EMPTY_SET",
        "ADDITEMS", "FROZENSET", "GLOBAL", "STACK_GLOBAL", "REDUCE", "NEWOBJ", "BUILD", "PUT", "BINPUT",
        "LONG_BINPUT", "MEMOIZE", "GET", "BINGET", "LONG_BINGET", "PERSID", "BINPERSID")}
    table = _allowed_globals()
    callables = {id(v) for v in table.values() if callable(v)}

    class WeightsUnpickler(pickle._Unpickler):
        dispatch = {k: v for k, v in pickle._Unpickler.dispatch.items() if k in allowed_ops}

        def find_class(self, module, name):
            return _find_global(module, name, table)

        def load_reduce(self):
            args = self.stack.pop()
            func = self.stack[-1]
            if id(func) not in callables or type(args) is not tuple:
                raise _unpickling_error(f"REDUCE on {type(func).__name__} is not allowed")
            self.stack[-1] = func(*args)
        dispatch[pickle.REDUCE[0]] = load_reduce

        def load_newobj(self):
            args = self.stack.pop()
            cls = self.stack.pop()
            if not isinstance(cls, type) or id(cls) not in callables or type(args) is not tuple:
                raise _unpickling_error(f"NEWOBJ on {cls!r} is not allowed")
            self.append(cls.__new__(cls, *args))
        dispatch[pickle.NEWOBJ[0]] = load_newobj

        def load_build(self):
            state = self.stack.pop()
            inst = self.stack[-1]
            if type(inst) is OrderedDict and type(state) is dict:
                inst.__dict__.update(state)
                return
            if type(inst).__name__ == "Parameter" and (state is None or type(state) is dict):
                return  # torch's Parameter state (hooks); nothing to restore
            raise _unpickling_error(f"BUILD on {type(inst).__name__} is not allowed")
        dispatch[pickle.BUILD[0]] = load_build

        def _unknown(self):
            raise _unpickling_error("an opcode not used by checkpoints was found in the pickle")

    # every opcode not kept above raises instead of running
    for op in range(256):
        WeightsUnpickler.dispatch.setdefault(op, WeightsUnpickler._unknown)
    return WeightsUnpickler


def _full_unpickler_class():
    """weights_only=False: torch's globals map to npgrad's, everything else is resolved normally."""
    import pickle
    table = _allowed_globals()

    class FullUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            key = ("builtins" if module == "__builtin__" else module, name)
            if key in table:
                return table[key]
            if module.startswith("torch"):
                return _find_global(module, name, table)
            return super().find_class(module, name)
    return FullUnpickler


def _unpickle(data, weights_only, persistent_load):
    import io
    import pickle
    cls = _weights_unpickler_class() if weights_only else _full_unpickler_class()
    up = cls(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data, encoding="utf-8")
    up.persistent_load = persistent_load
    try:
        return up.load()
    except (pickle.UnpicklingError, RuntimeError, EOFError):
        raise
    except Exception as e:  # malformed opcodes or arguments: never a partial result
        raise pickle.UnpicklingError(f"npgrad.load: the pickle in the file is corrupted or not a checkpoint "
                                     f"({type(e).__name__}: {e})") from e


def _storage_array(storage_type, raw, numel, big_endian=False):
    """A writable 1-D array of ``numel`` elements from the raw bytes of a storage record."""
    import numpy as np
    if not isinstance(storage_type, _StorageType):
        raise _unpickling_error(f"expected a storage type, got {type(storage_type).__name__}")
    if storage_type.dtype == "bfloat16":  # no bfloat16 in NumPy: widen exactly to float32
        bits = np.frombuffer(raw, dtype=">u2" if big_endian else "<u2").astype(np.uint32) << 16
        return _check_numel(bits.view(np.float32), numel, storage_type)
    if storage_type.dtype not in _DTYPES and storage_type.dtype != "uint8":
        raise RuntimeError(f"npgrad.load: the file holds a {storage_type.name}; npgrad has no "
                           f"{storage_type.dtype} tensors")
    dt = np.dtype(storage_type.dtype)
    if len(raw) % dt.itemsize:
        raise RuntimeError(f"npgrad.load: a {storage_type.name} record of {len(raw)} bytes is not a whole "
                           f"number of elements; the file is corrupted")
    arr = np.frombuffer(bytearray(raw), dtype=dt.newbyteorder(">") if big_endian else dt)
    if big_endian and dt.itemsize > 1:
        arr = arr.astype(dt)
    return _check_numel(arr, numel, storage_type)


def _check_numel(arr, numel, storage_type):
    if type(numel) is not int or arr.size != numel:
        raise RuntimeError(f"npgrad.load: a {storage_type.name} should hold {numel} elements but its record has "
                           f"{arr.size}; the file is truncated or corrupted")
    return arr


def _read_bytes(f):
    import os
    if hasattr(f, "read"):
        return f.read()
    with open(os.fspath(f), "rb") as fh:
        return fh.read()


def _check_map_location(map_location):
    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        return
    from ._tensor import check_device
    check_device(map_location)


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Load an object saved by ``save`` or by ``torch.save`` (tensors come back as npgrad tensors).

    ``weights_only=True`` (the default) refuses any global outside a fixed list with ``pickle.UnpicklingError``
    and never runs code from the file. A truncated or corrupted file raises ``RuntimeError`` (``EOFError`` if
    empty). ``map_location`` may only name the CPU; ``mmap`` is accepted (the file is read into memory).
    """
    _check_map_location(map_location)
    data = _read_bytes(f)
    if len(data) == 0:
        raise EOFError("npgrad.load: the file is empty")
    if data[:4] == b"PK\x03\x04":
        return _load_zip(data, weights_only)
    return _load_legacy(data, weights_only)


def _load_zip(data, weights_only):
    import io
    import zipfile
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {e}. The file is truncated or "
                           "corrupted (npgrad.load)") from e
    pkl = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pkl) != 1:
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: the archive is not a torch "
                           "checkpoint")
    prefix = pkl[0][:-len("data.pkl")]

    def read(name):
        try:
            return zf.read(prefix + name)
        except KeyError:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found") from None
        except (zipfile.BadZipFile, OSError, ValueError) as e:  # CRC mismatch, truncated record
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {e}; the file is corrupted") \
                from e
    big = prefix + "byteorder" in names and read("byteorder").strip() == b"big"
    storages = {}

    def persistent_load(pid):
        if type(pid) is not tuple or len(pid) < 5 or pid[0] != "storage":
            raise _unpickling_error(f"unexpected persistent id {pid!r}")
        storage_type, key, location, numel = pid[1:5]
        if type(key) is not str:
            raise _unpickling_error(f"a storage key must be a string, got {type(key).__name__}")
        if key not in storages:
            storages[key] = _storage_array(storage_type, read("data/" + key), numel, big)
        return storages[key]
    return _unpickle(read("data.pkl"), weights_only, persistent_load)


def _load_legacy(data, weights_only):
    import io
    import numpy as np
    stream = io.BytesIO(data)

    def small():
        return _unpickle(stream, True, None)
    try:
        magic = small()
    except Exception as e:
        raise RuntimeError("Invalid magic number; corrupt file? (npgrad.load: not a torch checkpoint)") from e
    if magic != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = small()
    if version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    sys_info = small()
    little = not isinstance(sys_info, dict) or sys_info.get("little_endian", True)
    pending = {}

    def persistent_load(pid):
        if type(pid) is not tuple or len(pid) != 6 or pid[0] != "storage":
            raise _unpickling_error(f"unexpected persistent id {pid!r}")
        storage_type, key, location, numel, view_metadata = pid[1:]
        if view_metadata is not None:
            raise RuntimeError("npgrad.load: storage views of the pre-1.0 format are not supported")
        if not isinstance(storage_type, _StorageType) or type(key) is not str or type(numel) is not int \
                or numel < 0:
            raise _unpickling_error(f"malformed storage id {pid!r}")
        if key not in pending:
            dt = np.float32 if storage_type.dtype == "bfloat16" else _storage_array(storage_type, b"", 0).dtype
            pending[key] = (storage_type, np.zeros(numel, dt))  # filled below, once the data is read
        return pending[key][1]
    result = _unpickle(stream, weights_only, persistent_load)
    keys = small()
    if not isinstance(keys, list):
        raise RuntimeError("npgrad.load: corrupted storage key list")
    for key in keys:
        if key not in pending:
            raise RuntimeError(f"npgrad.load: the file lists an unknown storage {key!r}")
        storage_type, arr = pending[key]
        head = stream.read(8)
        if len(head) != 8:
            raise RuntimeError("npgrad.load: the file is truncated (a storage is missing)")
        numel = int.from_bytes(head, "little" if little else "big", signed=True)
        width = 2 if storage_type.dtype == "bfloat16" else arr.itemsize
        raw = stream.read(numel * width)
        if numel != arr.size or len(raw) != numel * width:
            raise RuntimeError("npgrad.load: the file is truncated or corrupted (a storage is incomplete)")
        arr[...] = _storage_array(storage_type, raw, numel, not little)
    return result
