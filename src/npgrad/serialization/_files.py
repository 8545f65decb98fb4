"""Checkpoint files: streaming writers (zip and legacy), atomic replacement, and bounded readers.

Reading never trusts a length before checking it against what is really there: a zip record's directory size
against what the pickle declares for it and against the file's end, before anything is decompressed, and then
a running limit while decompressing; a legacy storage's size against what is left of the file, before its array
is allocated. Storages are read straight into their arrays (or mapped, ``mmap=True``).
"""
import io
import os
import stat
import struct
import zlib

import numpy as np

from .._dtype import HAS_BF16, bf16_np
from ._globals import DTYPES, StorageType, corrupted, short, unpickling_error
from ._unpickler import Source, unpickle

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
ALIGN = 64
CHUNK = 1 << 22          # bytes per read or write of a storage
_DEFLATE_MAX_RATIO = 1032  # deflate cannot expand one byte into more than 1032
_COMPRESSION = {0: "stored", 8: "deflate", 12: "bzip2", 14: "lzma", 93: "zstandard", 98: "ppmd"}


# ====================================================================== writing

def _array_chunks(arr):
    """The little-endian bytes of a C-contiguous array, as memoryviews of at most CHUNK bytes (no full copy)."""
    a = arr.reshape(-1)
    swap = a.dtype.itemsize > 1 and not (a.dtype.byteorder == "<" or
                                         (a.dtype.byteorder == "=" and np.little_endian))
    if not swap and a.dtype != np.bool_:
        mv = memoryview(a.view(np.uint8)) if a.size else memoryview(b"")
        for i in range(0, len(mv), CHUNK):
            yield mv[i:i + CHUNK]
        return
    step = max(1, CHUNK // max(a.dtype.itemsize, 1))
    for i in range(0, a.size, step):
        part = a[i:i + step]
        if swap:
            part = part.astype(part.dtype.newbyteorder("<"))
        yield memoryview(np.ascontiguousarray(part).view(np.uint8))


def write_zip(fh, data_pkl, storages, byteorder=True):
    """torch's zip layout, streamed to ``fh``: the records' data are written chunk by chunk from the arrays."""
    import zipfile
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        def record(name, data, align=False):
            info = zipfile.ZipInfo("archive/" + name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            nbytes = data.nbytes if isinstance(data, np.ndarray) else len(data)
            info.file_size = nbytes
            zip64 = nbytes * 1.05 > zipfile.ZIP64_LIMIT  # as zipfile decides; its header then has 20 more bytes
            if align:  # pad the local header's extra field so that the data starts at a multiple of 64
                header = 30 + len(info.filename.encode("utf-8")) + 4 + (20 if zip64 else 0)
                pad = -(zf.fp.tell() + header) % ALIGN
                info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
            with zf.open(info, "w", force_zip64=zip64) as w:
                if isinstance(data, np.ndarray):
                    for chunk in _array_chunks(data):
                        w.write(chunk)
                else:
                    w.write(data)
        record("data.pkl", data_pkl)
        record(".format_version", b"1")
        record(".storage_alignment", str(ALIGN).encode())
        if byteorder:
            record("byteorder", b"little")
        for st in storages:
            record("data/" + st.key, st.array, align=True)
        record("version", b"3\n")
        record(".data/serialization_id", b"0" * 40)


def write_legacy(fh, data_pkl, storages):
    """torch's pre-1.6 layout: magic, protocol, system info, the object pickle, storage keys, raw storages."""
    import pickle
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    for x in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        fh.write(pickle.dumps(x, protocol=2))
    fh.write(data_pkl)
    fh.write(pickle.dumps([st.key for st in storages], protocol=2))
    for st in storages:
        fh.write(struct.pack("<q", st.array.size))
        for chunk in _array_chunks(st.array):
            fh.write(chunk)


def atomic_write(path, write, what="npgrad.save"):
    """Run ``write(fileobj)`` into a temporary file beside ``path``, fsync it, then rename it over ``path``.
    On any failure (an exception, a full disk, KeyboardInterrupt) the old file is intact and the temporary file
    is removed. A path that exists and is not a regular file (a device, a FIFO) is written in place."""
    import secrets
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    real = os.path.realpath(path)
    parent = os.path.dirname(real) or "."
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(real, "wb") as fh:
            write(fh)
        return
    if not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {os.path.dirname(path) or '.'} does not exist.")
    tmp = os.path.join(parent, f".{os.path.basename(real)}.{secrets.token_hex(6)}.tmp")
    mode = 0o666 if st is None else stat.S_IMODE(st.st_mode)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            if st is not None:
                try:
                    os.fchmod(fh.fileno(), mode)  # the umask must not change an existing file's permissions
                except OSError:
                    pass
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


# ====================================================================== reading: opening

class _Bounded(io.RawIOBase):
    """A view of a seekable file that never reads past ``size`` (zipfile trusts lengths found in the file)."""

    def __init__(self, f, size):
        self.f, self.size = f, size

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, pos, whence=0):
        if whence == 2:
            pos += self.size
            whence = 0
        return self.f.seek(pos, whence)

    def tell(self):
        return self.f.tell()

    def read(self, n=-1):
        left = max(0, self.size - self.f.tell())
        return self.f.read(left if n is None or n < 0 else min(n, left))

    def readinto(self, b):
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


def _size_of(f):
    """The size of a seekable file object, or None."""
    try:
        if not f.seekable():
            return None
        here = f.tell()
        end = f.seek(0, 2)
        f.seek(here)
        return end
    except (AttributeError, OSError, ValueError):
        return None


_SPOOL_MEMORY = 64 << 20  # a non-seekable stream is kept in memory up to this, then in a temporary file


def _spool(head, f):
    """A seekable copy of what a non-seekable stream holds (``head`` first), read in bounded chunks; the
    copy's position is left at its end (its size)."""
    import tempfile
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY)
    spool.write(head)
    while True:
        block = f.read(CHUNK)
        if not block:
            return spool
        spool.write(block)


def load_file(f, weights_only, mmap, encoding, map_location=None):
    """Open what ``npgrad.load`` was given and dispatch on the format."""
    if mmap:
        if not isinstance(f, (str, bytes, os.PathLike)):
            raise ValueError("f must be a file path in order to use the mmap argument")
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fspath(f)
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            regular = stat.S_ISREG(st.st_mode)
            return _load_open(fh, st.st_size if regular else None, weights_only, mmap, encoding, path,
                              trailing=True, map_location=map_location)
    if not hasattr(f, "read"):
        raise TypeError(f"npgrad.load: expected a path or a file object, got {type(f).__name__}")
    size = _size_of(f)
    return _load_open(f, size, weights_only, False, encoding, None, trailing=False, map_location=map_location)


def _load_open(fh, size, weights_only, mmap, encoding, path, trailing, map_location=None):
    start = fh.tell() if size is not None else 0
    head = fh.read(4)
    if not head:
        raise EOFError("npgrad.load: the file is empty")
    if head == b"PK\x03\x04":
        if size is None:  # a pipe or a device: zip needs to seek, so the stream is spooled first - in memory
            with _spool(head, fh) as spool:  # up to a bound, then on disk: memory never grows with the stream
                n = spool.tell()
                spool.seek(0)
                return _load_zip(spool, n, weights_only, None, encoding, map_location)
        fh.seek(start)
        return _load_zip(fh, size, weights_only, path if mmap else None, encoding, map_location)
    if mmap:
        raise RuntimeError(f"mmap can only be used with files saved with `torch.save({path}, "
                           "_use_new_zipfile_serialization=True), please torch.save your checkpoint with this "
                           "option in order to use mmap.")
    src = Source("the legacy checkpoint", data=head, fileobj=fh,
                 remaining=None if size is None else max(0, size - start - len(head)))
    return _load_legacy(src, weights_only, encoding, trailing, map_location)


# ====================================================================== reading: zip

class _Zip:
    """The records of a checkpoint archive, checked before any of them is read."""

    def __init__(self, fh, size):
        import zipfile
        self.fh, self.size = fh, size
        try:
            zf = zipfile.ZipFile(_Bounded(fh, size))
            infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error,
                UnicodeDecodeError, NotImplementedError) as e:
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {_msg(e)}. The file is "
                               "truncated or corrupted (npgrad.load)") from None
        except MemoryError:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: its central directory is "
                               "corrupted (npgrad.load)") from None
        self.infos = {}
        for info in infos:
            if info.filename in self.infos:
                raise RuntimeError(f"PytorchStreamReader failed reading zip archive: the record {info.filename} "
                                   "appears twice; the file is corrupted")
            self.infos[info.filename] = info
        pkl = [n for n in self.infos if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pkl) != 1:
            raise RuntimeError("PytorchStreamReader failed locating file data.pkl: the archive is not a torch "
                               "checkpoint")
        self.prefix = pkl[0][:-len("data.pkl")]

    def locate(self, name):
        """``(info, offset of the data in the file)`` after checking the record's method and bounds."""
        info = self.infos.get(self.prefix + name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        full = info.filename
        if info.flag_bits & 0x1:
            raise RuntimeError(f"npgrad.load: record {full} is encrypted")
        if info.compress_type not in (0, 8):
            method = _COMPRESSION.get(info.compress_type, f"method {info.compress_type}")
            raise RuntimeError(f"npgrad.load: record {full} is compressed with {method}; only stored and deflate "
                               "records can be read (as torch)")
        if info.compress_type == 0 and info.compress_size != info.file_size:
            raise corrupted(f"record {full}", f"a stored record of {info.compress_size} bytes declares "
                                              f"{info.file_size} bytes of data")
        if info.compress_type == 8 and info.file_size > info.compress_size * _DEFLATE_MAX_RATIO + 64:
            raise corrupted(f"record {full}", f"{info.file_size} bytes are declared, more than its "
                                              f"{info.compress_size} deflate bytes can hold")
        if info.header_offset < 0 or info.header_offset + 30 > self.size:
            raise corrupted(f"record {full}", "its header lies outside the file")
        self.fh.seek(info.header_offset)
        header = self.fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise corrupted(f"record {full}", "bad local header")
        n, extra = struct.unpack("<HH", header[26:30])
        fname = self.fh.read(n)
        if fname.decode("utf-8", "replace") != info.orig_filename and \
                fname.decode("cp437", "replace") != info.orig_filename:
            raise corrupted(f"record {full}", "its local header names another file")
        offset = info.header_offset + 30 + n + extra
        if offset + info.compress_size > self.size:
            raise corrupted(f"record {full}", f"its {info.compress_size} bytes extend past the end of the file")
        return info, offset

    def read_into(self, name, out):
        """Read the record ``name`` into the byte memoryview ``out``, whose length is what the pickle declares."""
        info, offset = self.locate(name)
        full = info.filename
        if info.file_size != len(out):
            raise corrupted(f"record {full}", f"it holds {info.file_size} bytes but {len(out)} are expected")
        crc = 0
        self.fh.seek(offset)
        if info.compress_type == 0:
            got = 0
            while got < len(out):
                k = self.fh.readinto(out[got:got + CHUNK])
                if not k:
                    raise corrupted(f"record {full}", "it ends early")
                crc = zlib.crc32(out[got:got + k], crc)
                got += k
        else:
            d = zlib.decompressobj(-15)
            got, left = 0, info.compress_size
            while True:
                if d.unconsumed_tail:
                    block = d.unconsumed_tail
                elif left > 0:
                    block = self.fh.read(min(CHUNK, left))
                    if not block:
                        raise corrupted(f"record {full}", "it ends early")
                    left -= len(block)
                else:
                    break
                room = len(out) - got
                try:
                    part = d.decompress(block, room) if room else d.decompress(block, 1)
                except zlib.error as e:
                    raise corrupted(f"record {full}", f"bad deflate data ({e})") from None
                if len(part) > room:
                    raise corrupted(f"record {full}", f"it decompresses to more than the {len(out)} bytes "
                                                      "declared")
                out[got:got + len(part)] = part
                crc = zlib.crc32(part, crc)
                got += len(part)
                if d.eof:
                    break
            if got != len(out) or not d.eof:
                raise corrupted(f"record {full}", f"it decompresses to {got} bytes, not the {len(out)} declared")
        if crc != info.CRC:
            raise corrupted(f"record {full}", "CRC-32 mismatch")

    def read(self, name, limit=None):
        info, _ = self.locate(name)
        if limit is not None and info.file_size > limit:
            raise corrupted(f"record {info.filename}", f"{info.file_size} bytes, more than the {limit} expected")
        out = bytearray(info.file_size)
        self.read_into(name, memoryview(out))
        return bytes(out)


def _msg(e):
    s = str(e)
    return s.splitlines()[0][:200] if s else type(e).__name__


def _storage_dtype(storage_type, where):
    if not isinstance(storage_type, StorageType):
        raise unpickling_error(f"{where}: expected a storage type, got {short(storage_type)}")
    if storage_type.dtype == "bfloat16":
        return np.dtype("<u2")
    if storage_type.dtype not in DTYPES and storage_type.dtype != "uint8":
        raise RuntimeError(f"npgrad.load: the file holds a {storage_type.name}; npgrad has no "
                           f"{storage_type.dtype} tensors")
    return np.dtype(storage_type.dtype)


def _finish_storage(arr, storage_type, big):
    """Native byte order; bfloat16 as ml_dtypes' bfloat16 (without that optional package, widened exactly to
    float32: NumPy has no bfloat16)."""
    if big and arr.dtype.itemsize > 1:
        arr.byteswap(inplace=True)
    if storage_type.dtype == "bfloat16":
        if HAS_BF16:
            return arr.view(bf16_np())
        return (arr.astype(np.uint32) << 16).view(np.float32)
    return arr


def _storage_id(pid, n):
    if type(pid) is not tuple or len(pid) != n:
        raise unpickling_error(f"unexpected persistent id: {short(pid)} (expected a tuple of {n})")
    tag = pid[0].decode("ascii", "replace") if type(pid[0]) is bytes else pid[0]
    if tag != "storage":
        raise unpickling_error(f"Only persistent_load of storage is allowed, but got {short(pid[0])}")
    storage_type, key, location, numel = pid[1:5]
    if type(key) is not str or not 0 < len(key) <= 256 or "/" in key or "\\" in key or ".." in key:
        raise unpickling_error(f"a storage key must be a short name, got {short(key)}")
    if type(location) is not str or len(location) > 64:
        raise unpickling_error(f"a storage location must be a short string, got {short(location)}")
    if type(numel) is not int or numel < 0:
        raise unpickling_error(f"a storage size must be a non-negative int, got {short(numel)}")
    return storage_type, key, numel, location


_NO_CUDA = ("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are "
            "running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map "
            "your storages to the CPU.")


def restore(map_location, location, arr):
    """torch's ``map_location`` rules for one storage saved on ``location``: None keeps the saved location, a
    dict renames locations, a callable may return the storage (or None for the default); only the CPU exists."""
    if map_location is None:
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif callable(map_location):
        result = map_location(arr, location)
        if result is arr:
            return arr
        if result is not None:
            raise RuntimeError(f"npgrad.load: map_location returned a {type(result).__name__}; npgrad's storages "
                            "live on the CPU: return the storage unchanged (or None)")
        target = location
    else:
        return arr  # a device or string, already checked to be the CPU
    name = str(target)
    if name == "cpu" or name.startswith("cpu:"):
        return arr
    if name.startswith("cuda"):
        raise RuntimeError(_NO_CUDA)
    raise RuntimeError(f"npgrad.load: cannot restore a storage on {short(name)}: npgrad has only the CPU")


def _load_zip(fh, size, weights_only, mmap_path, encoding, map_location=None):
    z = _Zip(fh, size)
    big = False
    if z.prefix + "byteorder" in z.infos:
        order = z.read("byteorder", limit=16).strip()
        if order not in (b"little", b"big"):
            raise corrupted(f"record {z.prefix}byteorder", f"unknown byte order {short(order)}")
        big = order == b"big"
    storages = {}
    mm = None
    if mmap_path is not None:
        import mmap as _mmap
        mm = _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY)

    def persistent_load(pid):
        nonlocal mm
        storage_type, key, numel, location = _storage_id(pid, 5)
        dt = _storage_dtype(storage_type, f"storage {key}")
        if key in storages:
            arr, st = storages[key]
            if st is not storage_type or arr.size != numel:
                raise corrupted(f"record {z.prefix}data/{key}", "the pickle declares it twice with different "
                                                               "types or sizes")
            return arr
        name = "data/" + key
        info, offset = z.locate(name)
        nbytes = numel * dt.itemsize
        if info.file_size != nbytes:  # before a byte of it is allocated or decompressed
            raise corrupted(f"record {info.filename}", f"it holds {info.file_size} bytes but the pickle declares "
                                                       f"a {storage_type.name} of {numel} elements ({nbytes} bytes)")
        if mm is not None and info.compress_type == 0:
            arr = np.frombuffer(mm, dt, count=numel, offset=offset)
        else:
            try:
                arr = np.empty(numel, dt)
            except MemoryError:
                raise RuntimeError(f"npgrad.load: not enough memory for record {info.filename} "
                                   f"({nbytes} bytes)") from None
            if nbytes:
                z.read_into(name, memoryview(arr.view(np.uint8)))
        arr = restore(map_location, location, _finish_storage(arr, storage_type, big))
        storages[key] = (arr, storage_type)
        return arr

    data_pkl = z.read("data.pkl")
    return unpickle(Source(f"record {z.prefix}data.pkl", data=data_pkl), persistent_load, weights_only, encoding)


# ====================================================================== reading: legacy

def _small_pickle(src, what):
    src.cap = src.consumed + 4096  # a few bytes each: an endless or random stream fails here at once
    try:
        return unpickle(src, None, True)
    except (RuntimeError, EOFError, Exception) as e:  # noqa: B014
        raise RuntimeError(f"Invalid magic number; corrupt file? (npgrad.load: the {what} cannot be read: "
                           f"{_msg(e)})") from None
    finally:
        src.cap = None


def _check_sys_info(info):
    ok = (type(info) is dict and set(info) == {"protocol_version", "little_endian", "type_sizes"}
          and info["protocol_version"] == PROTOCOL_VERSION and type(info["little_endian"]) is bool
          and type(info["type_sizes"]) is dict and set(info["type_sizes"]) == {"short", "int", "long"}
          and info["type_sizes"]["short"] == 2 and info["type_sizes"]["int"] == 4
          and info["type_sizes"]["long"] in (4, 8))
    if not ok:
        raise RuntimeError(f"npgrad.load: the legacy checkpoint's system information is corrupted "
                           f"({short(info)})")
    return info["little_endian"]


def _load_legacy(src, weights_only, encoding, trailing, map_location=None):
    src.name = "the legacy checkpoint's header"
    magic = _small_pickle(src, "magic number")
    if type(magic) is not int or magic != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = _small_pickle(src, "protocol version")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {short(version)}")
    little = _check_sys_info(_small_pickle(src, "system information"))
    pending = {}
    budget = [0]

    def persistent_load(pid):
        storage_type, key, numel, location = _storage_id(pid, 6)
        if pid[5] is not None:
            raise RuntimeError("npgrad.load: storage views of the pre-1.0 format are not supported")
        dt = _storage_dtype(storage_type, f"storage {key}")
        if key in pending:
            st, raw, arr = pending[key]
            if st is not storage_type or raw.size != numel:
                raise corrupted(f"storage {key}", "the pickle declares it twice with different types or sizes")
            return arr
        budget[0] += 8 + numel * dt.itemsize
        left = src.left()
        if left is not None and budget[0] > left:  # checked before the array is allocated
            raise corrupted(f"storage {key}", f"the pickle declares {budget[0]} bytes of storages but only "
                                              f"{left} bytes remain in the file")
        try:
            raw = np.empty(numel, dt)
        except MemoryError:
            raise RuntimeError(f"npgrad.load: not enough memory for storage {key} "
                               f"({numel * dt.itemsize} bytes)") from None
        arr = restore(map_location, location, np.empty(numel, bf16_np() if HAS_BF16 else np.float32)
                      if storage_type.dtype == "bfloat16" else raw)
        pending[key] = (storage_type, raw, arr)
        return arr

    src.name = "the legacy checkpoint's pickle"
    result = unpickle(src, persistent_load, weights_only, encoding)
    src.name = "the legacy checkpoint's storage list"
    src.cap = src.consumed + 300 * len(pending) + 4096
    try:
        keys = unpickle(src, None, True)
    except pickle_errors() as e:
        raise RuntimeError(f"npgrad.load: the legacy checkpoint's storage list is corrupted ({_msg(e)})") from None
    src.cap = None
    if type(keys) is not list or not all(type(k) is str for k in keys) or len(set(keys)) != len(keys) \
            or set(keys) != set(pending):
        raise RuntimeError("npgrad.load: the legacy checkpoint's storage list does not match its pickle; the file "
                           "is corrupted")
    for key in keys:
        storage_type, raw, arr = pending[key]
        src.name = f"the legacy checkpoint's storage {key}"
        head = src.read(8)
        numel = int.from_bytes(head, "little" if little else "big", signed=True)
        if numel != raw.size:
            raise corrupted(src.name, f"its header says {numel} elements, the pickle {raw.size}")
        if raw.nbytes:
            src.readinto(memoryview(raw.view(np.uint8)))
        done = _finish_storage(raw, storage_type, not little)
        if done is not arr:
            arr[...] = done
    if trailing and not src.at_end():
        raise RuntimeError("npgrad.load: unexpected bytes after the last storage of the legacy checkpoint; the "
                           "file is corrupted")
    src.give_back()
    return result


def pickle_errors():
    import pickle
    return (pickle.UnpicklingError, RuntimeError, EOFError)
