"""Collectives on npgrad tensors with ``torch.distributed``'s signatures, over MPI.

Each call issues MPI's non-blocking form on the tensors' own NumPy buffers - no staging copies for contiguous
tensors (a non-contiguous tensor goes through a contiguous copy, written back at completion; float16, which MPI
cannot reduce, is summed by an MPI op of our own on its 16-bit words, and reduced in float32 for the other ops). ``async_op=True`` returns a ``Work`` whose ``wait()`` completes it;
otherwise the call waits itself. The list forms (``all_gather``, ``gather``, ``scatter``, ``reduce_scatter``)
move each tensor of the list directly (one broadcast or message per rank) instead of packing the list into one
buffer. Collectives write into tensors in place without bumping their version counter, as torch's do.
"""
import pickle

import numpy as np

from .._tensor import Tensor
from . import _mpi
from .distributed_c10d import ReduceOp, _resolve

__all__ = ["Work", "Future", "all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor", "reduce_scatter",
           "reduce_scatter_tensor", "gather", "scatter", "all_to_all_single", "send", "recv", "isend", "irecv",
           "barrier", "all_gather_object", "broadcast_object_list"]


class Work:
    """A collective in flight: ``wait()`` completes it (returns True), ``is_completed()`` checks without
    blocking, ``result()`` gives the output tensors, ``source_rank()`` the sender of a ``recv``.

    Example (a world of one)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> t = torch.tensor([1.0, 2.0])
        >>> work = dist.all_reduce(t, async_op=True)
        >>> work.wait(), work.is_completed()
        (True, True)
        >>> work.get_future().wait()
        [tensor([1., 2.])]
        >>> dist.destroy_process_group()
    """

    def __init__(self, pg, what, reqs, outputs=(), finish=None, status=None):
        self._pg, self._what, self._reqs = pg, what, reqs
        self._outputs, self._finish, self._status = list(outputs), finish, status
        self._done = False

    def _complete(self):
        self._done = True
        if self._finish is not None:
            fin, self._finish = self._finish, None
            fin()

    def wait(self, timeout=None):
        if not self._done:
            seconds = self._pg._timeout if timeout is None else timeout.total_seconds()
            _mpi.wait(self._reqs, self._what, seconds, self._status)
            self._complete()
        return True

    def is_completed(self):
        if not self._done:
            done = (_mpi.MPI.Request.Testall(self._reqs) if self._status is None
                    else self._reqs[0].Test(self._status))
            if done:
                self._complete()
        return self._done

    def is_success(self):
        return self.is_completed()

    def exception(self):
        return None

    def result(self):
        if not self._done:
            raise RuntimeError("Work needs to be completed before calling result(). Should call wait() before "
                               "result().")
        return list(self._outputs)

    def source_rank(self):
        if self._status is None:
            raise RuntimeError("source_rank() is only available on the Work of a recv/irecv")
        self.wait()
        return self._pg._ranks[self._status.Get_source()]

    def get_future(self):
        return Future(_work=self)

    def synchronize(self):
        self.wait()

    def __repr__(self):
        return f"<npgrad.distributed.Work {self._what} {'completed' if self._done else 'pending'}>"


from ..futures import Future  # noqa: E402  (torch.futures.Future, which collectives return)


def _run(work, async_op):
    if async_op:
        return work
    work.wait()
    return None


# ---------------------------------------------------------------------------------------------- argument checks
def _check_tensor(t, name):
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type npgrad.Tensor\n"
                        f"             but got {type(t)} instead.")


def _check_list(lst, name):
    if not isinstance(lst, (list, tuple)) or not all(isinstance(t, Tensor) for t in lst):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type List[npgrad.Tensor]\n"
                        f"             but got {type(lst)} instead.")


def _check_like(what, outs, like, size):
    """torch's checks on a tensor list: one per rank, each of the reference's shape and dtype."""
    if len(outs) != size:
        raise RuntimeError(f"{what}: invalid tensor list at index 0 (expected length {size}, got {len(outs)})")
    for i, o in enumerate(outs):
        if o._data.shape != like.shape:
            raise RuntimeError(f"{what}: invalid tensor size at index {i} (expected {_fmt(like.shape)}, got "
                               f"{_fmt(o._data.shape)})")
        if o._data.dtype != like.dtype:
            raise RuntimeError(f"{what}: invalid tensor type at index {i} (expected {like.dtype}, got "
                               f"{o._data.dtype})")


def _fmt(shape):
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _root(pg, rank, group_rank, name):
    """A group rank from a global ``rank`` (``src``/``dst``) or a ``group_rank`` (``group_src``/``group_dst``)."""
    if rank is not None and group_rank is not None:
        raise ValueError(f"Can't specify both {name} and group_{name}")
    if group_rank is not None:
        r = group_rank
    else:
        r = 0 if rank is None else rank
        if r not in pg._index:
            raise RuntimeError(f"invalid {name} rank {r}: the group's ranks are {pg._ranks} (global ranks)")
        r = pg._index[r]
    if not 0 <= r < pg.size():
        raise RuntimeError(f"invalid group_{name} rank {r}: the group has {pg.size()} ranks")
    return r


# ---------------------------------------------------------------------------------------------- buffers
def _input(arr):
    """A contiguous array with ``arr``'s values: ``arr`` itself when it already is one (no copy)."""
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)


def _output(arr, what):
    """(buffer MPI writes into, write-back to run at completion): ``arr`` itself when it is contiguous and
    writable, else a contiguous copy copied back."""
    if not arr.flags.writeable:
        raise RuntimeError(f"{what}: the output tensor is a read-only view (e.g. from expand); pass a tensor that "
                           "owns its memory, e.g. x.clone()")
    if arr.flags.c_contiguous:
        return arr, None
    tmp = np.ascontiguousarray(arr)
    return tmp, lambda: np.copyto(arr, tmp)


def _chain(*fns):
    fns = [f for f in fns if f is not None]
    if not fns:
        return None
    if len(fns) == 1:
        return fns[0]

    def run():
        for f in fns:
            f()
    return run


_LOGICAL = {ReduceOp.SUM: "LOR", ReduceOp.MAX: "LOR", ReduceOp.BOR: "LOR", ReduceOp.MIN: "LAND",
            ReduceOp.PRODUCT: "LAND", ReduceOp.BAND: "LAND", ReduceOp.BXOR: "LXOR"}
_NUMERIC = {ReduceOp.SUM: "SUM", ReduceOp.AVG: "SUM", ReduceOp.PRODUCT: "PROD", ReduceOp.MIN: "MIN",
            ReduceOp.MAX: "MAX", ReduceOp.BAND: "BAND", ReduceOp.BOR: "BOR", ReduceOp.BXOR: "BXOR"}


def _reduction(op, dtype, size):
    """(MPI op, reduce dtype, finish(arr)) for ``op`` on ``dtype``, with torch's errors for what cannot be done.
    AVG is a SUM followed by a division (MPI has no average); bool reduces with the logical ops."""
    MPI = _mpi.MPI
    try:
        op = ReduceOp.RedOpType(op)
    except ValueError:
        raise ValueError(f"unknown reduction {op!r}; use a member of npgrad.distributed.ReduceOp") from None
    if op == ReduceOp.PREMUL_SUM:
        raise ValueError("ReduceOp.PREMUL_SUM is not supported by the mpi backend; scale the tensor and use SUM")
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        if op == ReduceOp.AVG:
            raise RuntimeError("result type Float can't be cast to the desired output type Bool")
        return getattr(MPI, _LOGICAL[op]), dtype, None
    integral = dtype.kind in "iu"
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and not integral:
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")
    if op == ReduceOp.AVG and integral:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_torch_name(dtype)}")
    if dtype.kind == "c" and op in (ReduceOp.MIN, ReduceOp.MAX):
        raise RuntimeError(f"ReduceOp.{op.name} is not defined for complex tensors")
    if dtype == np.float16:  # summed as float16 by our own MPI op; MIN/MAX/PRODUCT in float32
        if op in (ReduceOp.SUM, ReduceOp.AVG):
            return _mpi.half_sum(), dtype, (_avg(size) if op == ReduceOp.AVG else None)
        return getattr(MPI, _NUMERIC[op]), np.dtype(np.float32), None
    rdtype = dtype if _mpi.reduce_type(dtype) is not None else np.dtype(np.float32)

    return getattr(MPI, _NUMERIC[op]), rdtype, (_avg(size) if op == ReduceOp.AVG else None)


def _avg(size):
    def avg(arr):
        np.divide(arr, size, out=arr)
    return avg


def _torch_name(dtype):
    return {"int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte"}.get(dtype.name,
                                                                                                   dtype.name)


def _reduce_buffer(arr, rdtype, what, writable=True):
    """(buffer to reduce in, write-back): ``arr`` itself where MPI can reduce its dtype in place."""
    if rdtype == arr.dtype:
        return _output(arr, what) if writable else (_input(arr), None)
    tmp = arr.astype(rdtype)  # float16: MPI has no half type, so reduce in float32 and round once at the end
    return tmp, ((lambda: np.copyto(arr, tmp, casting="unsafe")) if writable else None)


# ---------------------------------------------------------------------------------------------- collectives
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` over all ranks of the group, in place on every rank.

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> t = torch.tensor([1.0, 2.0])
        >>> dist.all_reduce(t, op=dist.ReduceOp.SUM)
        >>> t
        tensor([1., 2.])
        >>> work = dist.all_reduce(t, async_op=True)
        >>> work.wait()
        True
        >>> dist.destroy_process_group()
    """
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "all_reduce")
    if pg is None:
        return None
    MPI = _mpi.MPI
    arr = tensor._data
    mop, rdtype, post = _reduction(op, arr.dtype, pg.size())
    buf, back = _reduce_buffer(arr, rdtype, "all_reduce")
    req = pg._comm.Iallreduce(MPI.IN_PLACE, [buf, _mpi.reduce_type(rdtype)], mop)
    return _run(Work(pg, "all_reduce", [req], [tensor], _chain(post and (lambda: post(buf)), back)), async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` over the group into rank ``dst``'s tensor (the others' are left as they were).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> t = torch.tensor([1.0, -1.0])
        >>> dist.reduce(t, dst=0, op=dist.ReduceOp.MAX)
        >>> t
        tensor([ 1., -1.])
        >>> dist.destroy_process_group()
    """
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "reduce")
    if pg is None:
        return None
    MPI = _mpi.MPI
    root = _root(pg, dst, group_dst, "dst")
    arr = tensor._data
    mop, rdtype, post = _reduction(op, arr.dtype, pg.size())
    mine = pg.rank() == root
    buf, back = _reduce_buffer(arr, rdtype, "reduce", writable=mine)
    spec = [buf, _mpi.reduce_type(rdtype)]
    if mine:
        req = pg._comm.Ireduce(MPI.IN_PLACE, spec, mop, root=root)
        fin = _chain(post and (lambda: post(buf)), back)
    else:
        req = pg._comm.Ireduce(spec, None, mop, root=root)
        fin = None
    return _run(Work(pg, "reduce", [req], [tensor], fin), async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy rank ``src``'s tensor into every other rank's tensor.

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> t = torch.arange(3.0) if dist.get_rank() == 0 else torch.zeros(3)
        >>> dist.broadcast(t, src=0)
        >>> t
        tensor([0., 1., 2.])
        >>> dist.destroy_process_group()
    """
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "broadcast")
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    arr = tensor._data
    if pg.rank() == root:
        buf, back = _input(arr), None
    else:
        buf, back = _output(arr, "broadcast")
    req = pg._comm.Ibcast(_mpi.raw(buf), root=root)
    return _run(Work(pg, "broadcast", [req], [tensor], back), async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[i]`` receives rank i's ``tensor`` on every rank (one broadcast from each rank).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> out = [torch.zeros(2) for _ in range(dist.get_world_size())]
        >>> dist.all_gather(out, torch.tensor([1.0, 2.0]) * (dist.get_rank() + 1))
        >>> out
        [tensor([1., 2.])]
        >>> dist.destroy_process_group()
    """
    _check_list(tensor_list, "tensor_list")
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "all_gather")
    if pg is None:
        return None
    arr = tensor._data
    _check_like("all_gather", tensor_list, arr, pg.size())
    me, reqs, backs = pg.rank(), [], []
    src = _input(arr)
    for j, out in enumerate(tensor_list):
        if j == me:
            np.copyto(out._data, arr)
            reqs.append(pg._comm.Ibcast(_mpi.raw(src), root=j))
        else:
            buf, back = _output(out._data, "all_gather")
            backs.append(back)
            reqs.append(pg._comm.Ibcast(_mpi.raw(buf), root=j))
    return _run(Work(pg, "all_gather", reqs, tensor_list, _chain(*backs)), async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Concatenate every rank's ``input_tensor`` (in rank order) into ``output_tensor`` (size × input).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> out = torch.zeros(2 * dist.get_world_size())
        >>> dist.all_gather_into_tensor(out, torch.tensor([3.0, 4.0]))
        >>> out
        tensor([3., 4.])
        >>> dist.destroy_process_group()
    """
    _check_tensor(output_tensor, "output_tensor")
    _check_tensor(input_tensor, "input_tensor")
    pg = _resolve(group, "all_gather_into_tensor")
    if pg is None:
        return None
    out, inp = output_tensor._data, input_tensor._data
    if out.size != inp.size * pg.size() or out.dtype != inp.dtype:
        raise RuntimeError(f"all_gather_into_tensor: output tensor must have world_size ({pg.size()}) times the "
                           f"input's elements and its dtype: input {_fmt(inp.shape)} {inp.dtype}, output "
                           f"{_fmt(out.shape)} {out.dtype}")
    buf, back = _output(out, "all_gather_into_tensor")
    req = pg._comm.Iallgather(_mpi.raw(_input(inp)), _mpi.raw(buf))
    return _run(Work(pg, "all_gather_into_tensor", [req], [output_tensor], back), async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """``output`` on rank i receives the reduction over ranks of their ``input_list[i]`` (one reduce per rank).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> out = torch.zeros(2)
        >>> dist.reduce_scatter(out, [torch.tensor([1.0, 2.0])])
        >>> out
        tensor([1., 2.])
        >>> dist.destroy_process_group()
    """
    _check_tensor(output, "output")
    _check_list(input_list, "input_list")
    pg = _resolve(group, "reduce_scatter")
    if pg is None:
        return None
    arr = output._data
    _check_like("reduce_scatter", input_list, arr, pg.size())
    mop, rdtype, post = _reduction(op, arr.dtype, pg.size())
    mtype = _mpi.reduce_type(rdtype)
    me, reqs, fin = pg.rank(), [], None
    for j, inp in enumerate(input_list):
        src, _ = _reduce_buffer(inp._data, rdtype, "reduce_scatter", writable=False)
        if j == me:
            buf, back = _reduce_buffer(arr, rdtype, "reduce_scatter")
            reqs.append(pg._comm.Ireduce([src, mtype], [buf, mtype], mop, root=j))
            fin = _chain(post and (lambda: post(buf)), back)
        else:
            reqs.append(pg._comm.Ireduce([src, mtype], None, mop, root=j))
    return _run(Work(pg, "reduce_scatter", reqs, [output], fin), async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` (size × output elements) over ranks; rank i keeps the i-th block in ``output``.

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> out = torch.zeros(2)
        >>> dist.reduce_scatter_tensor(out, torch.tensor([1.0, 2.0]))
        >>> out
        tensor([1., 2.])
        >>> dist.destroy_process_group()
    """
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = _resolve(group, "reduce_scatter_tensor")
    if pg is None:
        return None
    out, inp = output._data, input._data
    if inp.size != out.size * pg.size() or out.dtype != inp.dtype:
        raise RuntimeError(f"reduce_scatter_tensor: input tensor must have world_size ({pg.size()}) times the "
                           f"output's elements and its dtype: input {_fmt(inp.shape)} {inp.dtype}, output "
                           f"{_fmt(out.shape)} {out.dtype}")
    mop, rdtype, post = _reduction(op, out.dtype, pg.size())
    mtype = _mpi.reduce_type(rdtype)
    src, _ = _reduce_buffer(inp, rdtype, "reduce_scatter_tensor", writable=False)
    buf, back = _reduce_buffer(out, rdtype, "reduce_scatter_tensor")
    req = pg._comm.Ireduce_scatter_block([src, mtype], [buf, mtype], mop)
    return _run(Work(pg, "reduce_scatter_tensor", [req], [output], _chain(post and (lambda: post(buf)), back)),
                async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Rank ``dst`` receives every rank's ``tensor`` in ``gather_list`` (given on ``dst`` only).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> out = [torch.zeros(2) for _ in range(dist.get_world_size())] if dist.get_rank() == 0 else None
        >>> dist.gather(torch.tensor([5.0, 6.0]), out, dst=0)
        >>> out
        [tensor([5., 6.])]
        >>> dist.destroy_process_group()
    """
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "gather")
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "dst")
    arr = tensor._data
    me = pg.rank()
    if me != root:
        if gather_list:
            raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
        req = pg._coll.Isend(_mpi.raw(_input(arr)), dest=root, tag=1)
        return _run(Work(pg, "gather", [req]), async_op)
    if gather_list is None:
        raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    _check_list(gather_list, "gather_list")
    _check_like("gather", gather_list, arr, pg.size())
    reqs, backs = [], []
    for j, out in enumerate(gather_list):
        if j == me:
            np.copyto(out._data, arr)
        else:
            buf, back = _output(out._data, "gather")
            backs.append(back)
            reqs.append(pg._coll.Irecv(_mpi.raw(buf), source=j, tag=1))
    return _run(Work(pg, "gather", reqs, gather_list, _chain(*backs)), async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank i's ``tensor`` receives ``scatter_list[i]`` of rank ``src`` (the list is given on ``src`` only).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> t = torch.zeros(2)
        >>> dist.scatter(t, [torch.tensor([7.0, 8.0])] if dist.get_rank() == 0 else None, src=0)
        >>> t
        tensor([7., 8.])
        >>> dist.destroy_process_group()
    """
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "scatter")
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    arr = tensor._data
    me = pg.rank()
    if me != root:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
        buf, back = _output(arr, "scatter")
        req = pg._coll.Irecv(_mpi.raw(buf), source=root, tag=2)
        return _run(Work(pg, "scatter", [req], [tensor], back), async_op)
    if scatter_list is None:
        raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
    _check_list(scatter_list, "scatter_list")
    _check_like("scatter", scatter_list, arr, pg.size())
    reqs = []
    for j, inp in enumerate(scatter_list):
        if j == me:
            np.copyto(arr, inp._data)
        else:
            reqs.append(pg._coll.Isend(_mpi.raw(_input(inp._data)), dest=j, tag=2))
    return _run(Work(pg, "scatter", reqs, [tensor]), async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    """Split ``input`` along dim 0 (equal parts, or ``input_split_sizes``), send part j to rank j, and
    concatenate what arrives into ``output`` (``output_split_sizes`` from each rank).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> out = torch.zeros(4)
        >>> dist.all_to_all_single(out, torch.arange(4.0))
        >>> out
        tensor([0., 1., 2., 3.])
        >>> dist.destroy_process_group()
    """
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = _resolve(group, "all_to_all_single")
    if pg is None:
        return None
    out, inp = output._data, input._data
    size = pg.size()

    def layout(arr, splits, what):
        rows = arr.shape[0] if arr.ndim else 1
        row = arr.itemsize * (arr.size // rows if rows else 0)
        if splits is None or len(splits) == 0:
            if rows % size:
                raise ValueError(f"all_to_all_single: {what} dim 0 ({rows}) must be divisible by the world size "
                                 f"({size}) when no split sizes are given")
            splits = [rows // size] * size
        splits = [int(s) for s in splits]
        if len(splits) != size or sum(splits) != rows:
            raise ValueError(f"all_to_all_single: {what} split sizes {splits} must have {size} entries summing to "
                             f"dim 0 ({rows})")
        counts = [s * row for s in splits]
        return counts, [int(x) for x in np.cumsum([0] + counts[:-1])]

    if out.dtype != inp.dtype:
        raise RuntimeError("all_to_all_single: input and output must have the same dtype")
    scounts, sdispl = layout(inp, input_split_sizes, "input")
    rcounts, rdispl = layout(out, output_split_sizes, "output")
    MPI = _mpi.MPI
    buf, back = _output(out, "all_to_all_single")
    req = pg._comm.Ialltoallv([_input(inp), (scounts, sdispl), MPI.BYTE], [buf, (rcounts, rdispl), MPI.BYTE])
    return _run(Work(pg, "all_to_all_single", [req], [output], back), async_op)


# ---------------------------------------------------------------------------------------------- point to point
def _peer(pg, rank, group_rank, name):
    if rank is not None and group_rank is not None:
        raise ValueError(f"Can't specify both {name} and group_{name}")
    if group_rank is None and rank is None:
        return None
    r = _root(pg, rank, group_rank, name)
    if r == pg.rank():
        if name == "dst":
            raise ValueError("Invalid destination rank: destination rank should not be the same as the rank of the "
                             "current process.")
        raise ValueError("Invalid source rank: source rank should not be the same as the rank of the current "
                         "process.")
    return r


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` without waiting; returns a Work.

    Example (two ranks, under ``mpirun -n 2``)::

        >>> t = torch.arange(3.0) if dist.get_rank() == 0 else torch.zeros(3)  # doctest: +SKIP
        >>> work = dist.isend(t, dst=1) if dist.get_rank() == 0 else dist.irecv(t, src=0)  # doctest: +SKIP
        >>> work.wait()  # doctest: +SKIP
        True
    """
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "isend")
    if pg is None:
        return None
    to = _peer(pg, dst, group_dst, "dst")
    if to is None:
        raise ValueError("isend: dst (or group_dst) is required")
    req = pg._comm.Isend(_mpi.raw(_input(tensor._data)), dest=to, tag=tag)
    return Work(pg, "send", [req], [tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None) without waiting; returns a Work whose
    ``source_rank()`` tells the sender.

    A receive needs a second rank to send (a rank cannot send to itself), so the example runs under an MPI launcher.

    Example (two ranks, under ``mpirun -n 2``)::

        >>> t = torch.arange(3.0) if dist.get_rank() == 0 else torch.zeros(3)  # doctest: +SKIP
        >>> if dist.get_rank() == 0:  # doctest: +SKIP
        ...     _ = dist.isend(t, dst=1).wait()
        ... else:
        ...     work = dist.irecv(t)  # from any rank
        ...     _ = work.wait()
        ...     print(work.source_rank(), t)  # on rank 1: the sender's rank, the data
        0 tensor([0., 1., 2.])
    """
    _check_tensor(tensor, "tensor")
    pg = _resolve(group, "irecv")
    if pg is None:
        return None
    MPI = _mpi.MPI
    frm = _peer(pg, src, group_src, "src")
    buf, back = _output(tensor._data, "recv")
    status = MPI.Status()
    req = pg._comm.Irecv(_mpi.raw(buf), source=MPI.ANY_SOURCE if frm is None else frm, tag=tag)
    return Work(pg, "recv", [req], [tensor], back, status=status)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst``; returns when the buffer may be reused.

    Example (two ranks, under ``mpirun -n 2``)::

        >>> t = torch.arange(3.0) if dist.get_rank() == 0 else torch.zeros(3)  # doctest: +SKIP
        >>> if dist.get_rank() == 0:  # doctest: +SKIP
        ...     dist.send(t, dst=1)
        ... else:
        ...     dist.recv(t, src=0)
    """
    w = isend(tensor, dst, group, tag, group_dst)
    if w is not None:
        w.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank.

    A receive needs a second rank to send (a rank cannot send to itself), so the example runs under an MPI launcher.

    Example (two ranks, under ``mpirun -n 2``)::

        >>> t = torch.arange(3.0) if dist.get_rank() == 0 else torch.zeros(3)  # doctest: +SKIP
        >>> if dist.get_rank() == 0:  # doctest: +SKIP
        ...     dist.send(t, dst=1)
        ... else:
        ...     print(dist.recv(t), t)  # the sender's rank, the data
        0 tensor([0., 1., 2.])
    """
    w = irecv(tensor, src, group, tag, group_src)
    if w is None:
        return -1
    w.wait()
    return w.source_rank()


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Wait until every rank of the group has reached the barrier.

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.barrier()
        >>> dist.destroy_process_group()
    """
    pg = _resolve(group, "barrier")
    if pg is None:
        return None
    w = Work(pg, "barrier", [pg._comm.Ibarrier()])
    if async_op:
        return w
    w.wait(timeout)
    return None


# ---------------------------------------------------------------------------------------------- objects
def _gather_bytes(pg, payload):
    """Every rank's bytes, in rank order (sizes first, then one all-gather of the concatenation)."""
    MPI = _mpi.MPI
    mine = np.frombuffer(payload, dtype=np.uint8)
    sizes = np.empty(pg.size(), dtype=np.int64)
    Work(pg, "all_gather_object", [pg._comm.Iallgather(np.array([mine.size], np.int64), sizes)]).wait()
    displ = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    req = pg._comm.Iallgatherv([mine, MPI.BYTE], [out, (sizes.tolist(), displ.tolist()), MPI.BYTE])
    Work(pg, "all_gather_object", [req]).wait()
    return [out[d:d + s].tobytes() for d, s in zip(displ, sizes)]


def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` becomes rank i's ``obj`` (any picklable object).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> objs = [None] * dist.get_world_size()
        >>> dist.all_gather_object(objs, {"rank": dist.get_rank()})
        >>> objs
        [{'rank': 0}]
        >>> dist.destroy_process_group()
    """
    pg = _resolve(group, "all_gather_object")
    if pg is None:
        return None
    if len(object_list) != pg.size():
        raise ValueError(f"all_gather_object: object_list must have world_size ({pg.size()}) entries, got "
                         f"{len(object_list)}")
    for i, b in enumerate(_gather_bytes(pg, pickle.dumps(obj))):
        object_list[i] = pickle.loads(b)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replace the entries of ``object_list`` on every rank by rank ``src``'s (any picklable objects).

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> objs = ["config", 3] if dist.get_rank() == 0 else [None, None]
        >>> dist.broadcast_object_list(objs, src=0)
        >>> objs
        ['config', 3]
        >>> dist.destroy_process_group()
    """
    pg = _resolve(group, "broadcast_object_list")
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    n = np.array([0], dtype=np.int64)
    payload = None
    if pg.rank() == root:
        payload = np.frombuffer(pickle.dumps(list(object_list)), dtype=np.uint8)
        n[0] = payload.size
    Work(pg, "broadcast_object_list", [pg._comm.Ibcast(n, root=root)]).wait()
    if payload is None:
        payload = np.empty(int(n[0]), dtype=np.uint8)
    Work(pg, "broadcast_object_list", [pg._comm.Ibcast(_mpi.raw(payload), root=root)]).wait()
    if pg.rank() != root:
        objs = pickle.loads(payload.tobytes())
        if len(objs) != len(object_list):
            raise ValueError(f"broadcast_object_list: rank {pg.rank()} passed a list of {len(object_list)} entries,"
                             f" the source {len(objs)}")
        object_list[:] = objs
