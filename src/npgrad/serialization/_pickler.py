"""The writer of ``data.pkl``: a protocol-2 pickle emitter for what a checkpoint holds, naming torch's globals.

Every tensor becomes ``torch._utils._rebuild_tensor_v2(<persistent storage id>, offset, size, stride,
requires_grad, OrderedDict())`` (wrapped in ``_rebuild_parameter`` for Parameters); views keep sharing their
storage. npgrad classes are written under torch's module path (``npgrad.nn.modules.linear.Linear`` as
``torch.nn.modules.linear.Linear``), so that torch can load a pickled npgrad model and npgrad maps the name back.
Other objects go through their ``__reduce_ex__(2)`` as pickle would.
"""
from ._globals import STORAGE_OF, _contiguous_strides, torch_name


class _Storage:
    """One storage to write: a C-contiguous array (kept alive) and its key in ``data/``."""
    __slots__ = ("array", "key")

    def __init__(self, array, key):
        self.array = array
        self.key = key


class _PickleWriter:
    """A protocol-2 pickle emitter for the types a checkpoint holds; torch's globals are written by name."""

    def __init__(self, storages, legacy=False, protocol=2):
        import struct
        self.protocol = protocol
        self.legacy = legacy           # the legacy format's persistent ids carry a 6th field (view metadata)
        self.out = []
        self.memo = {}
        self.globs = {}
        self.n_memo = 0
        self.storages = storages       # id(root array) -> _Storage, in order of first use
        self.pack = struct.pack

    # -------------------------------------------------------------- primitives
    def w(self, b):
        self.out.append(b)

    def put(self, obj):
        i = self.n_memo
        self.n_memo += 1
        self.memo[id(obj)] = (i, obj)  # obj kept alive so that its id stays unique while writing
        self.w(b"q" + bytes([i]) if i < 256 else b"r" + self.pack("<I", i))

    def get(self, i):
        self.w(b"h" + bytes([i]) if i < 256 else b"j" + self.pack("<I", i))

    def glob(self, module, name):
        """A GLOBAL, written once and memoized (later uses are a BINGET, as pickle and torch write them)."""
        i = self.globs.get((module, name))
        if i is not None:
            self.get(i)
            return
        self.w(b"c" + module.encode("utf-8") + b"\n" + name.encode("utf-8") + b"\n")
        i = self.globs[module, name] = self.n_memo
        self.n_memo += 1
        self.w(b"q" + bytes([i]) if i < 256 else b"r" + self.pack("<I", i))

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
        from .._tensor import Tensor, device
        from .._dtype import dtype
        from .._shape import Size
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
        self.glob(*torch_name(module, name, obj))  # torch's name: torch loads it, npgrad.load maps it back

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
        self.glob("torch", STORAGE_OF[storage.array.dtype.name])
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
        if a.dtype.name not in STORAGE_OF:
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
        self.w(b"\x80" + bytes([self.protocol]))  # protocol-2 opcodes are valid in every later protocol
        self.save(obj)
        self.w(b".")
        return b"".join(self.out)


def _is_global(obj):
    """Functions and classes are pickled by reference (module and name)."""
    import types
    return isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType))
