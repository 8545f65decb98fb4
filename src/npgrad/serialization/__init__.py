"""``save`` / ``load`` in PyTorch's checkpoint format, without torch and without running code from a file.

``save`` writes torch's zip layout: ``archive/data.pkl`` (a protocol-2 pickle in which every tensor is
``torch._utils._rebuild_tensor_v2(<persistent storage id>, offset, size, stride, requires_grad, OrderedDict())``),
one ``archive/data/<key>`` record of raw little-endian bytes per storage (64-byte aligned, as torch aligns them),
``archive/byteorder`` and ``archive/version``; or, with ``_use_new_zipfile_serialization=False``, torch's legacy
layout. The records are streamed from the tensors' memory to the file, and a path is replaced atomically: the
file is written beside it, synced and renamed over it, so a failed save (an error, a full disk, an interrupt)
leaves the previous file as it was.

``load`` reads files written by ``torch.save`` (zip or legacy) and by ``save``. With ``weights_only=True`` (the
default, as torch 2.6+) the pickle is run by our own checked unpickler: only containers, numbers, strings,
tensors, dtypes, sizes, devices and the globals allowed with ``add_safe_globals``/``safe_globals`` are built;
anything else raises ``pickle.UnpicklingError`` naming the global to allow. Every size the file declares is
checked before memory is allocated for it; storages are read straight into their arrays (``mmap=True`` maps
them instead). A truncated or corrupted file raises an error and returns nothing.

>>> import io, npgrad as torch
>>> buf = io.BytesIO()
>>> torch.save({"w": torch.ones(2)}, buf)
>>> _ = buf.seek(0)
>>> torch.load(buf)
{'w': tensor([1., 1.])}
"""
# the submodules (pickle, zipfile, numpy I/O) are imported inside the functions: `import npgrad` stays fast.
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    import os

    FileLike = Union[str, os.PathLike[str], IO[bytes]]

from ._globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from .._warn import warn as _warn

__all__ = ["save", "load", "DEFAULT_PROTOCOL", "add_safe_globals", "safe_globals", "get_safe_globals",
           "clear_safe_globals", "get_unsafe_globals_in_checkpoint"]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


def _check_pickle_module(pickle_module, what):
    import pickle
    if pickle_module is not None and pickle_module is not pickle:
        raise TypeError(f"npgrad.{what}: only the standard pickle module is supported as pickle_module, got "
                        f"{getattr(pickle_module, '__name__', type(pickle_module).__name__)}")


def save(obj: object, f: FileLike, pickle_module: Any = None, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Save ``obj`` (tensors, state dicts, optimizer state dicts, modules, containers, numbers, strings...) to
    ``f`` (a path, replaced atomically, or a writable binary file) in PyTorch's checkpoint format.

    Args:
        obj (object): what to save (tensors, state dicts, modules, containers).
        f (str, os.PathLike or file-like): where to write.
        pickle_module (module, optional): the pickler module.
        pickle_protocol (int, optional): the pickle protocol (default 2).

    Example:
        >>> import io
        >>> import npgrad as torch
        >>> buf = io.BytesIO()
        >>> torch.save({"w": torch.arange(3.0)}, buf)
        >>> _ = buf.seek(0)
        >>> torch.load(buf)
        {'w': tensor([0., 1., 2.])}
    """
    from ._files import atomic_write, write_legacy, write_zip
    from ._pickler import _PickleWriter
    _check_pickle_module(pickle_module, "save")
    if type(pickle_protocol) is not int or not 2 <= pickle_protocol <= 5:
        raise ValueError(f"npgrad.save: pickle_protocol must be an int from 2 to 5, got {pickle_protocol!r}")
    storages: Any = {}  # filled by the pickler, then replaced by its list of values
    data_pkl = _PickleWriter(storages, legacy=not _use_new_zipfile_serialization,
                             protocol=pickle_protocol).dumps(obj)
    storages = list(storages.values())

    def write(fh):
        if _use_new_zipfile_serialization:
            write_zip(fh, data_pkl, storages, not _disable_byteorder_record)
        else:
            write_legacy(fh, data_pkl, storages)
    if hasattr(f, "write"):
        write(f)
        return
    import os
    if not isinstance(f, (str, bytes, os.PathLike)):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")
    try:
        atomic_write(f, write)
    except OSError as e:
        if not _use_new_zipfile_serialization:
            raise
        raise RuntimeError(f"npgrad.save: writing {os.fspath(f)!s} failed ({e}); the previous file, if any, is "
                           "unchanged") from e


def _check_map_location(map_location):
    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        return
    from .._tensor import check_device
    check_device(map_location)


def _env_true(name):
    import os
    return os.getenv(name, "0") in ("1", "y", "yes", "true")


def _weights_only(weights_only):
    """torch's default (True) and its two environment overrides: TORCH_FORCE_WEIGHTS_ONLY_LOAD makes every load
    weights-only; TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD turns the default off where the argument was not passed."""
    if _env_true("TORCH_FORCE_WEIGHTS_ONLY_LOAD"):
        return True
    if weights_only is None:
        if _env_true("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"):
            _warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
                  "argument was not explicitly passed to `torch.load`, forcing weights_only=False.")
            return False
        return True
    return bool(weights_only)


def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Load an object saved by ``save`` or by ``torch.save`` (tensors come back as npgrad tensors).

    ``weights_only=True`` (the default) builds only tensors, containers, numbers, strings and the globals allowed
    with ``add_safe_globals`` and never runs other code from the file; anything else raises
    ``pickle.UnpicklingError``. A truncated or corrupted file raises ``RuntimeError`` (``EOFError`` if empty).
    ``map_location`` follows torch's rules (a device, a dict of locations, a callable) with the CPU as the only
    device: a storage saved on a GPU needs one that maps it to the CPU, as in torch without CUDA. ``mmap=True`` maps
    the storages of a zip checkpoint from the file
    (copy-on-write, as torch) instead of reading them.

    Args:
        f (str, os.PathLike or file-like): where to read from.
        map_location (optional): accepted as torch does (everything loads on the CPU).
        pickle_module (module, optional): the unpickler module (not with ``weights_only``).
        weights_only (bool, optional): only allow tensors, primitive types and dicts (default True, as torch 2.6+).
        mmap (bool, optional): memory-map the file's tensor data.

    Example:
        >>> import npgrad as torch
        >>> import io
        >>> buf = io.BytesIO()
        >>> torch.save({'w': torch.tensor([1.0, 2.0])}, buf)
        >>> _ = buf.seek(0)
        >>> torch.load(buf)
        {'w': tensor([1., 2.])}
    """
    from ._files import load_file
    _check_map_location(map_location)
    _check_pickle_module(pickle_module, "load")
    weights_only = _weights_only(weights_only)
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if pickle_load_args:
        raise TypeError(f"npgrad.load: unsupported pickle_load_args {sorted(pickle_load_args)}")
    if type(encoding) is not str:
        raise TypeError(f"npgrad.load: encoding must be a str, got {type(encoding).__name__}")
    return load_file(f, bool(weights_only), bool(mmap), encoding, map_location)


def get_unsafe_globals_in_checkpoint(f: FileLike) -> list[str]:
    """The globals (``"module.name"`` strings) that the pickle of the zip checkpoint ``f`` names and that a
    ``weights_only`` load would refuse: neither allowed by default nor with ``add_safe_globals``. The pickle is
    only disassembled, never run.

    Example::

        >>> import npgrad as torch
        >>> import fractions, io
        >>> buf = io.BytesIO()
        >>> torch.save({'ratio': fractions.Fraction(1, 3), 'w': torch.ones(2)}, buf)
        >>> _ = buf.seek(0)
        >>> torch.serialization.get_unsafe_globals_in_checkpoint(buf)
        ['fractions.Fraction']
    """
    import io
    import os
    import pickletools
    from ._files import _Zip, _size_of
    from ._globals import _user_table, builtin_table

    def scan(fh, size):
        head = fh.read(4)
        fh.seek(-len(head), 1)
        if head != b"PK\x03\x04":
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        data = _Zip(fh, size).read("data.pkl")
        found, strings = set(), []
        try:
            for op, arg, _ in pickletools.genops(io.BytesIO(data)):
                if op.name == "GLOBAL":
                    found.add(tuple(arg.split(" ", 1)))
                elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
                    found.add((strings[-2], strings[-1]))
                elif isinstance(arg, str):
                    strings.append(arg)
        except (ValueError, EOFError) as e:
            raise RuntimeError(f"npgrad.serialization: the checkpoint's data.pkl is corrupted ({e})") from None
        py2 = {"__builtin__": "builtins", "copy_reg": "copyreg"}  # Python 2 names, as torch maps them
        found = {f"{py2.get(m, m)}.{n}" for m, n in found}
        allowed = {f"{m}.{n}" for m, n in builtin_table()} | set(_user_table())
        return sorted(found - allowed)
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "rb") as fh:
            return scan(fh, os.fstat(fh.fileno()).st_size)
    size = _size_of(f)
    if size is None:
        raise ValueError("Expected a seekable file object")
    return scan(f, size)
