"""The weights-only unpickler: our own opcode loop over a bounded ``Source``.

Every opcode's argument is type-checked before it is used, every length is checked against what is left of the
record before it is read, and an error names the record, the byte offset and what was wrong: a hostile file
raises ``pickle.UnpicklingError`` or ``RuntimeError``, never a NumPy message or ``MemoryError``. Containers are
filled only through the opcodes of their own type (SETITEM on dict/OrderedDict/Counter, APPEND on list,
ADDITEMS on set), and REDUCE/NEWOBJ/BUILD run only on allowed globals, as torch's weights-only unpickler does.
"""
import pickle
import struct
from collections import Counter, OrderedDict

from ._globals import (_BUILTIN_CALLABLES, _MAX_LINE, _Marker, _allowed_callable, _as_parameter, _full_global,
                       _is_user_allowed, builtin_table, corrupted, find_global, short, unpickling_error)
from .._warn import warn as _warn

# ====================================================================== the opcode loop

class Source:
    """Bounded reads of one record: from bytes in memory, or from a file object with a known or unknown end.
    A read past the end raises ``RuntimeError`` naming the record, before anything is allocated for it."""

    def __init__(self, name, data=None, fileobj=None, remaining=None, chunk=1 << 16):
        self.name = name
        self.buf = bytes(data) if data is not None else b""
        self.pos = 0
        self.f = fileobj
        self.remaining = remaining       # bytes left in the file after buf (None: unknown)
        self.chunk = chunk
        self.consumed = 0                # bytes handed out so far
        self.cap = None                  # consumed may not pass this (small parts of a file of unknown size)

    def left(self):
        """Bytes certainly available (None when the file's end is unknown)."""
        if self.f is None:
            return len(self.buf) - self.pos
        return None if self.remaining is None else len(self.buf) - self.pos + self.remaining

    def _fill(self, n):
        """Make at least n bytes available in buf (fewer at the end of the file)."""
        have = len(self.buf) - self.pos
        if have >= n or self.f is None:
            return
        parts = [self.buf[self.pos:]]
        while have < n:
            want = max(n - have, self.chunk)
            if self.remaining is not None:
                want = min(want, self.remaining)
                if want <= 0:
                    break
            block = self.f.read(min(want, 1 << 24))
            if not block:
                self.remaining = 0
                break
            if self.remaining is not None:
                self.remaining -= len(block)
            parts.append(block)
            have += len(block)
        self.buf = b"".join(parts)
        self.pos = 0

    def read(self, n):
        if self.cap is not None and self.consumed + n > self.cap:
            raise corrupted(self.name, f"{n} bytes are declared at byte {self.consumed}, more than this part of "
                                       "the file can hold")
        if n > len(self.buf) - self.pos:
            left = self.left()
            if left is not None and n > left:
                raise corrupted(self.name, f"{n} bytes are declared at byte {self.consumed} but only {left} "
                                           "remain")
            self._fill(n)
            if len(self.buf) - self.pos < n:
                raise corrupted(self.name, f"{n} bytes are declared at byte {self.consumed} but the data ends "
                                           "first")
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        self.consumed += n
        return out

    def readline(self):
        while True:
            i = self.buf.find(b"\n", self.pos, self.pos + _MAX_LINE + 1)
            if i >= 0:
                return self.read(i + 1 - self.pos)
            have = len(self.buf) - self.pos
            if have > _MAX_LINE:
                raise corrupted(self.name, f"a text line longer than {_MAX_LINE} bytes at byte {self.consumed}")
            self._fill(have + 1)
            if len(self.buf) - self.pos == have:
                raise corrupted(self.name, f"a text line at byte {self.consumed} has no end")

    def readinto(self, mv):
        """Fill the byte memoryview ``mv`` (buffered bytes first, then straight from the file)."""
        n = len(mv)
        left = self.left()
        if left is not None and n > left:
            raise corrupted(self.name, f"{n} bytes are declared at byte {self.consumed} but only {left} remain")
        take = min(n, len(self.buf) - self.pos)
        mv[:take] = self.buf[self.pos:self.pos + take]
        self.pos += take
        got = take
        while got < n and self.f is not None:
            k = self.f.readinto(mv[got:got + (1 << 24)])
            if not k:
                break
            got += k
            if self.remaining is not None:
                self.remaining -= k
        self.consumed += got
        if got == n:
            return n
        raise corrupted(self.name, f"{n} bytes are declared at byte {self.consumed - got} but the data ends "
                                   f"after {got}")

    def at_end(self):
        self._fill(1)
        return len(self.buf) - self.pos == 0

    def give_back(self):
        """Leave a seekable file just after the last byte consumed (read-ahead returned), so that another
        checkpoint that follows in the same stream can be loaded next, as torch allows for the legacy format."""
        extra = len(self.buf) - self.pos
        if extra and self.f is not None:
            try:
                if self.f.seekable():
                    self.f.seek(-extra, 1)
                    self.buf, self.pos = b"", 0
                    if self.remaining is not None:
                        self.remaining += extra
            except (AttributeError, OSError, ValueError):
                pass


_OPS = {}


def _op(code):
    def deco(f):
        _OPS[code[0] if isinstance(code, bytes) else code] = f
        return f
    return deco


class Unpickler:
    """Runs a pickle's opcodes from a ``Source``. ``weights_only=False`` resolves any global (trusted files)."""

    def __init__(self, source, persistent_load=None, weights_only=True):
        self.src = source
        self.persistent_load = persistent_load
        self.weights_only = weights_only
        self.stack = []
        self.metastack = []
        self.memo = {}
        self.encoding = "utf-8"

    def load(self):
        ops = _OPS
        read = self.src.read
        try:
            while True:
                self.at = self.src.consumed
                code = read(1)[0]
                f = ops.get(code)
                if f is None:
                    raise self.error(f"opcode {code:#04x} is not allowed in a checkpoint")
                if f is _stop:
                    if len(self.stack) != 1 or self.metastack:
                        raise self.error("STOP with a malformed stack")
                    return self.stack.pop()
                f(self)
        except (pickle.UnpicklingError, RuntimeError) as e:
            raise self.with_context(e) from None
        except RecursionError:
            raise self.error("the object nests too deeply") from None
        except MemoryError:
            raise RuntimeError(f"npgrad.load: {self.src.name}: out of memory while unpickling at byte "
                               f"{self.at}") from None
        except Exception as e:  # malformed arguments: an IndexError of an empty stack, a bad int text, ...
            raise self.error(f"{type(e).__name__} ({_first_line(e)})") from None

    def with_context(self, e):
        """``e`` (raised by a rebuild function or a storage check) with the record and byte offset in front."""
        msg = str(e)
        if self.src.name in msg or type(e) not in (pickle.UnpicklingError, RuntimeError):
            return e
        where = f"{self.src.name}, byte {self.at}: "
        head = "Weights only load failed. "
        msg = head + where + msg[len(head):] if msg.startswith(head) else where + msg
        return type(e)(msg)

    def error(self, msg):
        text = f"{self.src.name}, byte {self.at}: {msg}"
        return unpickling_error(text) if self.weights_only else pickle.UnpicklingError("npgrad.load: " + text)

    def pop_mark(self):
        if not self.metastack:
            raise self.error("an opcode needs a MARK and there is none")
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def top(self):
        if not self.stack:
            raise self.error("the pickle's stack is empty")
        return self.stack[-1]

    def pop(self):
        if not self.stack:
            raise self.error("the pickle's stack is empty")
        return self.stack.pop()

    def string(self, n, kind):
        return self.src.read(n)


def _first_line(e):
    s = str(e)
    return s.splitlines()[0][:200] if s else ""


def _stop(u):
    pass


_OPS[pickle.STOP[0]] = _stop


@_op(pickle.PROTO)
def _proto(u):
    p = u.src.read(1)[0]
    if p > 5:
        raise u.error(f"unsupported pickle protocol {p}")
    if p != 2:
        import warnings
        _warn(f"Detected pickle protocol {p} in the checkpoint, which was not the default pickle protocol "
                      "used by `torch.load` (2). The weights_only Unpickler might not support all instructions "
                      "implemented by this protocol, please file an issue for adding support if you encounter "
                      "this.", UserWarning)


@_op(pickle.FRAME)
def _frame(u):
    n = struct.unpack("<Q", u.src.read(8))[0]
    left = u.src.left()
    if left is not None and n > left:
        raise u.error(f"a frame of {n} bytes but only {left} remain")


@_op(pickle.MARK)
def _mark(u):
    u.metastack.append(u.stack)
    u.stack = []


@_op(pickle.POP)
def _pop(u):
    if u.stack:
        u.stack.pop()
    else:
        u.pop_mark()


@_op(pickle.POP_MARK)
def _pop_mark(u):
    u.pop_mark()


@_op(pickle.DUP)
def _dup(u):
    u.stack.append(u.top())


for _code, _value in ((pickle.NONE, None), (pickle.NEWTRUE, True), (pickle.NEWFALSE, False)):
    _OPS[_code[0]] = (lambda v: lambda u: u.stack.append(v))(_value)
for _code, _make in ((pickle.EMPTY_TUPLE, tuple), (pickle.EMPTY_LIST, list), (pickle.EMPTY_DICT, dict),
                     (pickle.EMPTY_SET, set)):
    _OPS[_code[0]] = (lambda m: lambda u: u.stack.append(m()))(_make)


@_op(pickle.INT)
def _int(u):
    line = u.src.readline()[:-1]
    u.stack.append({b"00": False, b"01": True}.get(line) if line in (b"00", b"01") else int(line))


@_op(pickle.LONG)
def _long(u):
    line = u.src.readline()[:-1]
    u.stack.append(int(line[:-1] if line.endswith(b"L") else line))


@_op(pickle.BININT)
def _binint(u):
    u.stack.append(struct.unpack("<i", u.src.read(4))[0])


@_op(pickle.BININT1)
def _binint1(u):
    u.stack.append(u.src.read(1)[0])


@_op(pickle.BININT2)
def _binint2(u):
    u.stack.append(struct.unpack("<H", u.src.read(2))[0])


@_op(pickle.LONG1)
def _long1(u):
    n = u.src.read(1)[0]
    u.stack.append(int.from_bytes(u.src.read(n), "little", signed=True))


@_op(pickle.LONG4)
def _long4(u):
    n = struct.unpack("<i", u.src.read(4))[0]
    if n < 0 or n > 1 << 20:
        raise u.error(f"LONG4 of {n} bytes")
    u.stack.append(int.from_bytes(u.src.read(n), "little", signed=True))


@_op(pickle.FLOAT)
def _float(u):
    u.stack.append(float(u.src.readline()[:-1]))


@_op(pickle.BINFLOAT)
def _binfloat(u):
    u.stack.append(struct.unpack(">d", u.src.read(8))[0])


def _sized(u, fmt, size):
    n = struct.unpack(fmt, u.src.read(size))[0]
    if n < 0:
        raise u.error(f"a negative length {n}")
    return u.src.read(n)


@_op(pickle.BINUNICODE)
def _binunicode(u):
    u.stack.append(str(_sized(u, "<I", 4), "utf-8", "surrogatepass"))


@_op(pickle.SHORT_BINUNICODE)
def _short_binunicode(u):
    u.stack.append(str(_sized(u, "<B", 1), "utf-8", "surrogatepass"))


@_op(pickle.BINUNICODE8)
def _binunicode8(u):
    u.stack.append(str(_sized(u, "<Q", 8), "utf-8", "surrogatepass"))


@_op(pickle.UNICODE)
def _unicode(u):
    u.stack.append(str(u.src.readline()[:-1], "raw-unicode-escape"))


def _py2_string(u, data):
    """A Python 2 str: decoded with ``encoding`` as pickle does (``"bytes"`` keeps it bytes)."""
    u.stack.append(data if u.encoding == "bytes" else data.decode(u.encoding))


@_op(pickle.BINSTRING)
def _binstring(u):
    n = struct.unpack("<i", u.src.read(4))[0]
    if n < 0:
        raise u.error(f"a negative length {n}")
    _py2_string(u, u.src.read(n))


@_op(pickle.SHORT_BINSTRING)
def _short_binstring(u):
    _py2_string(u, u.src.read(u.src.read(1)[0]))


@_op(pickle.STRING)
def _string(u):
    line = u.src.readline()[:-1]
    if len(line) < 2 or line[0] != line[-1] or line[0] not in b"\"'":
        raise u.error("STRING without quotes")
    import codecs
    _py2_string(u, codecs.escape_decode(line[1:-1])[0])


@_op(pickle.BINBYTES)
def _binbytes(u):
    u.stack.append(_sized(u, "<I", 4))


@_op(pickle.SHORT_BINBYTES)
def _short_binbytes(u):
    u.stack.append(_sized(u, "<B", 1))


@_op(pickle.BINBYTES8)
def _binbytes8(u):
    u.stack.append(_sized(u, "<Q", 8))


@_op(pickle.BYTEARRAY8)
def _bytearray8(u):
    u.stack.append(bytearray(_sized(u, "<Q", 8)))


@_op(pickle.TUPLE)
def _tuple(u):
    items = u.pop_mark()  # first: it switches u.stack back to the outer stack
    u.stack.append(tuple(items))


@_op(pickle.TUPLE1)
def _tuple1(u):
    u.stack.append((u.pop(),))


@_op(pickle.TUPLE2)
def _tuple2(u):
    b, a = u.pop(), u.pop()
    u.stack.append((a, b))


@_op(pickle.TUPLE3)
def _tuple3(u):
    c, b, a = u.pop(), u.pop(), u.pop()
    u.stack.append((a, b, c))


@_op(pickle.LIST)
def _list(u):
    items = u.pop_mark()
    u.stack.append(items)


@_op(pickle.DICT)
def _dict(u):
    items = u.pop_mark()
    if len(items) % 2:
        raise u.error("DICT with an odd number of items")
    u.stack.append({items[i]: items[i + 1] for i in range(0, len(items), 2)})


@_op(pickle.FROZENSET)
def _frozenset(u):
    items = u.pop_mark()
    u.stack.append(frozenset(items))


@_op(pickle.APPEND)
def _append(u):
    item = u.pop()
    target = u.top()
    if type(target) is not list:
        raise u.error(f"Can only append to lists, but got {type(target).__name__}")
    target.append(item)


@_op(pickle.APPENDS)
def _appends(u):
    items = u.pop_mark()
    target = u.top()
    if type(target) is not list:
        raise u.error(f"Can only extend lists, but got {type(target).__name__}")
    target.extend(items)


def _setitem_target(u, op):
    target = u.top()
    if type(target) not in (dict, OrderedDict, Counter):
        raise u.error(f"Can only {op} for dict, collections.OrderedDict, collections.Counter, but got "
                      f"{type(target).__name__}")
    return target


@_op(pickle.SETITEM)
def _setitem(u):
    v, k = u.pop(), u.pop()
    _setitem_target(u, "SETITEM")[k] = v


@_op(pickle.SETITEMS)
def _setitems(u):
    items = u.pop_mark()
    target = _setitem_target(u, "SETITEMS")
    if len(items) % 2:
        raise u.error("SETITEMS with an odd number of items")
    for i in range(0, len(items), 2):
        target[items[i]] = items[i + 1]


@_op(pickle.ADDITEMS)
def _additems(u):
    items = u.pop_mark()
    target = u.top()
    if type(target) is not set:
        raise u.error(f"Can only ADDITEMS to sets, but got {type(target).__name__}")
    target.update(items)


def _global_name(u, module, name):
    if not u.weights_only:
        return _full_global(module, name)
    return find_global(module, name)


@_op(pickle.GLOBAL)
def _global(u):
    module = u.src.readline()[:-1].decode("utf-8")
    name = u.src.readline()[:-1].decode("utf-8")
    u.stack.append(_global_name(u, module, name))


@_op(pickle.STACK_GLOBAL)
def _stack_global(u):
    name, module = u.pop(), u.pop()
    if type(name) is not str or type(module) is not str:
        raise u.error("STACK_GLOBAL needs two strings")
    u.stack.append(_global_name(u, module, name))


@_op(pickle.REDUCE)
def _reduce(u):
    args = u.pop()
    func = u.top()
    if type(args) is not tuple:
        raise u.error(f"REDUCE arguments must be a tuple, got {short(args)}")
    if u.weights_only and not _allowed_callable(func):
        raise u.error(f"Trying to call reduce for unrecognized function {short(func)}")
    u.stack[-1] = func(*args)


@_op(pickle.NEWOBJ)
def _newobj(u):
    args = u.pop()
    cls = u.pop()
    if type(args) is not tuple:
        raise u.error(f"NEWOBJ arguments must be a tuple, got {short(args)}")
    if isinstance(cls, _Marker) and cls.name == "Parameter":
        if len(args) > 2:
            raise u.error(f"Parameter takes at most 2 arguments, got {len(args)}")
        u.stack.append(_as_parameter(args[0] if args else _empty_tensor(), args[1] if len(args) > 1 else True))
        return
    kind = getattr(cls, "newobj", None) if id(cls) in _BUILTIN_CALLABLES else None
    if kind is not None:
        if args:
            raise u.error(f"NEWOBJ of {kind.__name__} with arguments")
        u.stack.append(kind.__new__(kind))
        return
    if not isinstance(cls, type) or (u.weights_only and not _is_user_allowed(cls)):
        raise u.error("Can only create new object for nn.Parameter or classes allowlisted via "
                      f"`add_safe_globals` but got {short(cls)}")
    u.stack.append(cls.__new__(cls, *args))


def _empty_tensor():
    import numpy as np
    from .._tensor import make
    return make(np.empty(0, np.float32))


@_op(pickle.BUILD)
def _build(u):
    state = u.pop()
    inst = u.top()
    kind = type(inst)
    if kind is OrderedDict:
        if type(state) is not dict or not all(type(k) is str for k in state):
            raise u.error(f"BUILD of an OrderedDict with {short(state)}")
        inst.__dict__.update(state)
        return
    if kind.__name__ == "Parameter" and kind.__module__.startswith("npgrad"):
        if state is not None and (type(state) not in (dict, OrderedDict, tuple) or
                                  any(x for x in (state if type(state) is tuple else (state,)))):
            raise u.error("Parameter attributes cannot be restored")
        return
    if u.weights_only and not _is_user_allowed(kind):
        raise u.error("Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                      f"`add_safe_globals`, but got {kind.__name__}")
    setstate = getattr(inst, "__setstate__", None)
    if setstate is not None:
        setstate(state)
        return
    slotstate = None
    if type(state) is tuple and len(state) == 2:
        state, slotstate = state
    for what in (state, slotstate):
        if what is not None and (type(what) not in (dict, OrderedDict) or
                                 not all(type(k) is str for k in what)):
            raise u.error(f"BUILD of a {kind.__name__} with {short(what)}")
    if state:
        inst.__dict__.update(state)
    if slotstate:
        for k, v in slotstate.items():
            setattr(inst, k, v)


def _memo_index(u, i):
    if i < 0:
        raise u.error("a negative memo index")
    return i


@_op(pickle.PUT)
def _put(u):
    u.memo[_memo_index(u, int(u.src.readline()[:-1]))] = u.top()


@_op(pickle.BINPUT)
def _binput(u):
    u.memo[u.src.read(1)[0]] = u.top()


@_op(pickle.LONG_BINPUT)
def _long_binput(u):
    u.memo[struct.unpack("<I", u.src.read(4))[0]] = u.top()


@_op(pickle.MEMOIZE)
def _memoize(u):
    u.memo[len(u.memo)] = u.top()


def _get_memo(u, i):
    if i not in u.memo:
        raise u.error(f"memo entry {i} is used before it is defined")
    u.stack.append(u.memo[i])


@_op(pickle.GET)
def _get(u):
    _get_memo(u, int(u.src.readline()[:-1]))


@_op(pickle.BINGET)
def _binget(u):
    _get_memo(u, u.src.read(1)[0])


@_op(pickle.LONG_BINGET)
def _long_binget(u):
    _get_memo(u, struct.unpack("<I", u.src.read(4))[0])


def _persid(u, pid):
    if u.persistent_load is None:
        raise u.error("a persistent id where none is expected")
    if type(pid) not in (tuple, int):
        raise u.error(f"persistent_load id must be tuple or int, but got {type(pid).__name__}")
    u.stack.append(u.persistent_load(pid))


@_op(pickle.BINPERSID)
def _binpersid(u):
    _persid(u, u.pop())


@_op(pickle.PERSID)
def _persid_text(u):
    _persid(u, u.src.readline()[:-1].decode("ascii"))


def _init():
    _BUILTIN_CALLABLES.update((id(v), v) for v in builtin_table().values()
                              if callable(v) and not isinstance(v, type))


_init_done = False


def unpickle(source, persistent_load=None, weights_only=True, encoding="utf-8"):
    """Run the pickle in ``source``: our checked opcode loop when ``weights_only``, else Python's unpickler
    (trusted files) with torch's globals mapped to npgrad's."""
    global _init_done
    if not _init_done:
        _init()
        _init_done = True
    if weights_only:
        u = Unpickler(source, persistent_load, True)
        u.encoding = encoding
        return u.load()

    class FullUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            return _full_global(module, name)
    up = FullUnpickler(source, encoding=encoding)
    if persistent_load is not None:
        up.persistent_load = persistent_load
    return up.load()
