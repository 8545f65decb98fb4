"""Tensor storage in shared memory: ``Tensor.share_memory_()`` and the pickling that hands a shared tensor to another
process by reference (torch's "file_system" strategy: a file in /dev/shm, mapped by every process that uses it).

A shared tensor's array is a view of a ``MAP_SHARED`` mapping of its file. Forked children inherit the mapping; a
tensor pickled by ``multiprocessing`` (``Process`` arguments under spawn/forkserver, ``Queue``, ``Pipe``) is sent as
(file, dtype, shape, strides, offset) and the receiver maps the same file, so writes on either side are seen by both.
The process that made the file removes it when its array is freed (or at exit). A tensor that is not shared is
pickled by value, as plain ``pickle`` does (torch would move it to shared memory first).
"""
import mmap
import os
import tempfile
import threading
import uuid
import weakref

import numpy as np

_lock = threading.Lock()
_regions = {}   # path -> [start address, end address, weakref to the root array]
_registered = [False]


def _folder():
    return "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


def _forget(path, owner):
    with _lock:
        _regions.pop(path, None)
    if owner:
        try:
            os.unlink(path)
        except OSError:
            pass


def _track(root, path, owner):
    start = root.__array_interface__["data"][0]
    with _lock:
        _regions[path] = [start, start + root.nbytes, weakref.ref(root)]
    weakref.finalize(root, _forget, path, owner)


def _map(path, nbytes):
    fd = os.open(path, os.O_RDWR)
    try:
        mm = mmap.mmap(fd, max(nbytes, 1))
    finally:
        os.close(fd)
    return np.frombuffer(mm, np.uint8, count=nbytes)  # (views of it name it as their base: it lives as long)


def region_of(arr):
    """(path, root array) of the shared region holding ``arr``'s memory, or None."""
    if arr.nbytes == 0 and not _regions:
        return None
    addr = arr.__array_interface__["data"][0]
    with _lock:
        for path, (start, end, ref) in _regions.items():
            root = ref()
            if root is not None and start <= addr and (addr < end or (addr == start and arr.nbytes == 0)):
                return path, root
    return None


def share(arr):
    """A copy of ``arr`` in a new shared region (C-contiguous, same dtype and shape)."""
    register_reducers()
    path = os.path.join(_folder(), f"npgrad_{os.getpid()}_{uuid.uuid4().hex}")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.ftruncate(fd, max(arr.nbytes, 1))
    finally:
        os.close(fd)
    root = _map(path, arr.nbytes)
    _track(root, path, owner=True)
    out = root.view(arr.dtype).reshape(arr.shape)
    out[...] = arr
    return out


def _attach(path, nbytes):
    with _lock:
        entry = _regions.get(path)
        root = entry[2]() if entry else None
    if root is None:
        root = _map(path, nbytes)
        _track(root, path, owner=False)
    return root


def _meta(arr):
    found = region_of(arr)
    path, root = found
    offset = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return (path, root.nbytes, arr.dtype.str if arr.dtype.names is None and arr.dtype.kind != "V" else arr.dtype,
            arr.shape, arr.strides, offset)


def _array(meta):
    path, nbytes, dtype, shape, strides, offset = meta
    root = _attach(path, nbytes)
    return np.ndarray(shape, np.dtype(dtype), buffer=root, offset=offset, strides=strides)


def rebuild_tensor(meta, requires_grad):
    from .._tensor import make
    t = make(_array(meta))
    t._req = requires_grad
    return t


def rebuild_parameter(meta, requires_grad, state):
    from ..nn.parameter import Parameter
    from .._tensor import make
    p = Parameter(make(_array(meta)), requires_grad)
    if state:
        p.__dict__.update(state)
    return p


def _check_leaf(t):
    if t._req and t.grad_fn is not None:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does "
                           "not support crossing process boundaries.  If you just want to transfer the data, call "
                           "detach() on the tensor before serializing (e.g., putting it on the queue).")


def reduce_tensor(t):
    _check_leaf(t)
    if region_of(t._data) is None:
        return t.__reduce_ex__(2)
    return rebuild_tensor, (_meta(t._data), t._req)


def reduce_parameter(p):
    if region_of(p._data) is None:
        return p.__reduce_ex__(2)
    return rebuild_parameter, (_meta(p._data), p._req, getattr(p, "__dict__", {}))


def register_reducers():
    """Teach multiprocessing's pickler to send shared tensors by reference (once per process)."""
    if _registered[0]:
        return
    from multiprocessing.reduction import ForkingPickler
    from .._tensor import Tensor
    from ..nn.parameter import Parameter
    ForkingPickler.register(Tensor, reduce_tensor)
    ForkingPickler.register(Parameter, reduce_parameter)
    _registered[0] = True
