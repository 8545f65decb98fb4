"""The safetensors format with ``json`` and NumPy only: ``save_file``/``load_file`` and ``save``/``load`` (bytes).

Layout: an 8-byte little-endian header length N, a JSON header of N bytes (padded with spaces to a multiple of 8)
mapping each name to ``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets into the data section) plus
an optional ``"__metadata__"`` of strings, then the raw little-endian tensor bytes. Loading checks every field
before any tensor is made: a malformed or truncated file raises ``SafetensorError``.

>>> import npgrad as torch
>>> from npgrad.utils.safetensors import save, load
>>> load(save({"w": torch.ones(2)}))
{'w': tensor([1., 1.])}
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._tensor import Tensor

import json
import os
import sys

import numpy as np

from .. import _dtype

__all__ = ["SafetensorError", "save", "save_file", "load", "load_file"]

_CODES = {"F64": "float64", "F32": "float32", "F16": "float16", "I64": "int64", "I32": "int32", "I16": "int16",
          "I8": "int8", "U8": "uint8", "BOOL": "bool"}
if _dtype.HAS_BF16:  # BF16 through the optional ml_dtypes package, imported when a BF16 tensor is read
    _CODES["BF16"] = "bfloat16"
_CODE_OF = {v: k for k, v in _CODES.items()}


def _np_dtype(name):
    return _dtype.bf16_np() if name == "bfloat16" else np.dtype(name)

_MAX_HEADER = 100_000_000


class SafetensorError(Exception):
    """A file or buffer that is not valid safetensors (or tensors that cannot be written)."""


def _le_bytes(arr):
    a = np.ascontiguousarray(arr)
    if sys.byteorder != "little" and a.dtype.itemsize > 1:
        a = a.byteswap()
    return a.tobytes()


def save(tensors: dict[str, Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """The safetensors bytes of ``tensors`` (a dict of name -> Tensor); ``metadata`` maps str to str."""
    head, arrays = _layout(tensors, metadata)
    return head + b"".join(_le_bytes(a) for a in arrays)


def _layout(tensors, metadata):
    """The 8-byte length and JSON header, and the arrays whose bytes follow it, in order."""
    from .._tensor import Tensor
    if not isinstance(tensors, dict):
        raise SafetensorError(f"expected a dict of tensors, got {type(tensors).__name__}")
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                     for k, v in metadata.items()):
            raise SafetensorError("metadata must be a dict of str to str")
    arrays = {}
    for name, t in tensors.items():
        if not isinstance(name, str):
            raise SafetensorError(f"tensor names must be strings, got {name!r}")
        if name == "__metadata__":
            raise SafetensorError("'__metadata__' is reserved and cannot name a tensor")
        if not isinstance(t, Tensor):
            raise SafetensorError(f"{name!r} is a {type(t).__name__}, not a Tensor")
        if t._data.dtype.name not in _CODE_OF:
            raise SafetensorError(f"{name!r}: dtype {t.dtype} has no safetensors code")
        arrays[name] = t._data
    _refuse_shared(arrays)
    # largest elements first, then by name: the data of every tensor stays aligned to its element size
    order = sorted(arrays, key=lambda n: (-arrays[n].dtype.itemsize, n))
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = dict(metadata)
    for name in order:
        nbytes = arrays[name].nbytes
        header[name] = {"dtype": _CODE_OF[arrays[name].dtype.name], "shape": list(arrays[name].shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text, [arrays[n] for n in order]


def _refuse_shared(arrays):
    """Like the reference implementation: tensors that share memory would be duplicated on disk."""
    try:
        from numpy.lib.array_utils import byte_bounds
    except ImportError:  # NumPy < 2
        byte_bounds = np.byte_bounds
    spans = []
    for name, a in arrays.items():
        if a.size == 0:
            continue
        lo, hi = byte_bounds(a)
        spans.append((lo, hi, name))
    spans.sort()
    for (lo1, hi1, n1), (lo2, hi2, n2) in zip(spans, spans[1:]):
        if lo2 < hi1:
            raise SafetensorError(f"Some tensors share memory, this will lead to duplicate memory on disk and "
                                  f"potential differences when loading them again: [{n1!r}, {n2!r}]. Save "
                                  "copies (tensor.clone()) instead.")


def save_file(tensors: dict[str, Tensor], filename: str | os.PathLike[str],
              metadata: dict[str, str] | None = None) -> None:
    """Write ``tensors`` to ``filename`` in the safetensors format: streamed from the tensors' memory into a
    temporary file that replaces ``filename`` only once complete (a failed save leaves the old file intact)."""
    from ..serialization._files import _array_chunks, atomic_write
    head, arrays = _layout(tensors, metadata)

    def write(fh):
        fh.write(head)
        for a in arrays:
            for chunk in _array_chunks(np.ascontiguousarray(a)):
                fh.write(chunk)
    atomic_write(filename, write)


def _parse(data):
    """Validate the header and return ``(metadata, [(name, dtype, shape, begin, end)], data_start)``."""
    n = _header_length(data[:8], len(data))
    metadata, entries = _parse_header(data[8:8 + n], len(data) - 8 - n)
    return metadata, entries, 8 + n


def _header_length(first8, total):
    """The header's length from the first 8 bytes, checked against the file's size (None: unknown)."""
    if len(first8) < 8:
        raise SafetensorError("Error while deserializing header: HeaderTooSmall (fewer than 8 bytes)")
    n = int.from_bytes(first8, "little")
    if n > _MAX_HEADER:
        raise SafetensorError("Error while deserializing header: HeaderTooLarge")
    if total is not None and 8 + n > total:
        raise SafetensorError("Error while deserializing header: InvalidHeaderLength (the file is truncated)")
    return n


def _parse_header(raw, data_len):
    """Validate a JSON header against a data section of ``data_len`` bytes (None: not known yet)."""
    try:
        header = json.loads(bytes(raw).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise SafetensorError(f"Error while deserializing header: InvalidHeaderDeserialization ({e})") from None
    if not isinstance(header, dict):
        raise SafetensorError("Error while deserializing header: the header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict)
                                     and all(isinstance(v, str) for v in metadata.values())):
        raise SafetensorError("Error while deserializing header: __metadata__ must map strings to strings")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise SafetensorError(f"Error while deserializing header: invalid entry for {name!r}")
        dt, shape, offs = info["dtype"], info["shape"], info["data_offsets"]
        if dt not in _CODES:
            raise SafetensorError(f"Error while deserializing header: dtype {dt!r} of {name!r} is not supported "
                                  "by npgrad")
        if not (isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)):
            raise SafetensorError(f"Error while deserializing header: invalid shape of {name!r}")
        if not (isinstance(offs, list) and len(offs) == 2 and all(type(o) is int and o >= 0 for o in offs)
                and offs[0] <= offs[1]):
            raise SafetensorError(f"Error while deserializing header: invalid data_offsets of {name!r}")
        numel = 1
        for d in shape:
            numel *= d
        if offs[1] - offs[0] != numel * _np_dtype(_CODES[dt]).itemsize:
            raise SafetensorError(f"Error while deserializing header: TensorInvalidInfo ({name!r}: shape and "
                                  "dtype do not match its data_offsets)")
        entries.append((name, _CODES[dt], tuple(shape), offs[0], offs[1]))
    # the data section is exactly covered, tensor after tensor, without gaps or overlaps
    pos = 0
    for name, _, _, begin, end in sorted(entries, key=lambda e: (e[3], e[4])):
        if begin != pos:
            raise SafetensorError(f"Error while deserializing header: InvalidOffset ({name!r})")
        pos = end
    if data_len is not None and pos != data_len:
        raise SafetensorError("Error while deserializing header: MetadataIncompleteBuffer (the data section "
                              f"has {data_len} bytes, the header describes {pos})")
    return metadata, entries


def load(data: bytes) -> dict[str, Tensor]:
    """The dict of tensors in safetensors ``data`` (bytes)."""
    from .._tensor import make
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise SafetensorError(f"expected bytes, got {type(data).__name__}")
    _, entries, start = _parse(data)
    out = {}
    for name, dt, shape, begin, end in sorted(entries, key=lambda e: e[3]):
        arr = np.frombuffer(bytearray(data[start + begin:start + end]), dtype=_np_dtype(dt).newbyteorder("<"))
        out[name] = make(arr.astype(dt, copy=False).reshape(shape))
    return out


def load_file(filename: str | os.PathLike[str], device: str | int = "cpu") -> dict[str, Tensor]:
    """The dict of tensors stored in the safetensors file ``filename``. The header is checked against the file's
    size before any tensor is allocated, and each tensor is read straight into its array."""
    import stat
    from .._tensor import check_device, make
    check_device(device)
    with open(os.fspath(filename), "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):  # a pipe or a device: read what the header declares, no more
            n = _header_length(f.read(8), None)
            raw = f.read(n)
            _, entries = _parse_header(raw, None)
            want = max((e[4] for e in entries), default=0)
            data = bytearray()
            while len(data) < want:
                block = f.read(min(1 << 22, want - len(data)))
                if not block:
                    break
                data += block
            if f.read(1):
                raise SafetensorError("Error while deserializing header: MetadataIncompleteBuffer (bytes after "
                                      "the data section)")
            return load(n.to_bytes(8, "little") + raw + bytes(data))
        n = _header_length(f.read(8), st.st_size)
        _, entries = _parse_header(f.read(n), st.st_size - 8 - n)
        out = {}
        for name, dt, shape, begin, end in sorted(entries, key=lambda e: e[3]):
            arr = np.empty(shape, _np_dtype(dt).newbyteorder("<"))
            if end > begin:
                f.seek(8 + n + begin)
                if f.readinto(memoryview(arr.reshape(-1).view(np.uint8))) != end - begin:  # type: ignore[arg-type]  # ndarray is a buffer
                    raise SafetensorError(f"Error while deserializing header: the file ended inside {name!r}")
            out[name] = make(arr.astype(dt, copy=False))
        return out


def metadata(data):
    """The ``__metadata__`` dict of safetensors ``data`` (or None)."""
    return _parse(data)[0]
