"""Process groups and their setup, as ``torch.distributed.distributed_c10d``, on MPI (mpi4py).

One process per rank, started by an MPI launcher (``mpirun -n 2 python train.py``); ``init_process_group``
takes the rank and world size from MPI. Every group owns two duplicated communicators: ``_comm`` for
collectives and the user's ``send``/``recv`` (tags as given), ``_coll`` for the point-to-point traffic of the
list-based collectives (``gather``, ``scatter``), so that their messages can never match a user's ``recv``.
"""
from __future__ import annotations

import enum
import os
import warnings
from datetime import timedelta
from typing import Any, Iterable

from . import _mpi, _threads
from ._mpi import DistBackendError, DistError
from .._warn import warn as _warn

__all__ = ["Backend", "ReduceOp", "ProcessGroup", "GroupMember", "group", "DistError", "DistBackendError",
           "init_process_group", "destroy_process_group", "is_initialized", "is_available", "is_mpi_available",
           "is_gloo_available", "is_nccl_available", "is_torchelastic_launched", "get_rank", "get_world_size",
           "get_backend", "new_group", "get_process_group_ranks", "get_global_rank", "get_group_rank",
           "default_pg_timeout"]

default_pg_timeout = timedelta(minutes=30)  # torch's default for CPU backends


class Backend(str):
    """Backend names, as ``torch.distributed.Backend``: ``Backend("MPI") == "mpi"``.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.Backend("GLOO") == dist.Backend.GLOO, dist.Backend.MPI
        (True, 'mpi')
    """
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        return str.__new__(cls, name.lower())


class ReduceOp:
    """Reduction operations: ``ReduceOp.SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``, ``BAND``, ``BOR``,
    ``BXOR`` (members of ``ReduceOp.RedOpType``, printed as torch prints them).

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.ReduceOp.SUM, dist.ReduceOp.MAX
        (<RedOpType.SUM: 0>, <RedOpType.MAX: 4>)
        >>> int(dist.ReduceOp.PRODUCT)
        2
    """

    class RedOpType(enum.IntEnum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8

        def __str__(self):  # torch prints the qualified name, IntEnum would print the number
            return f"RedOpType.{self.name}"

    SUM, AVG, PRODUCT, MIN, MAX = RedOpType.SUM, RedOpType.AVG, RedOpType.PRODUCT, RedOpType.MIN, RedOpType.MAX
    BAND, BOR, BXOR, PREMUL_SUM = RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR, RedOpType.PREMUL_SUM


class ProcessGroup:
    """A set of ranks that communicate: ``rank()`` and ``size()`` within the group, as torch's ProcessGroup.

    Example (a world of one)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> g = dist.new_group([0])
        >>> g.rank(), g.size()
        (0, 1)
        >>> dist.destroy_process_group()
    """

    def __init__(self, comm: Any, ranks: Iterable[int], timeout: float) -> None:
        self._comm = comm                 # MPI communicator over the group's ranks (in group order)
        self._coll = comm.Dup()           # private traffic of the list collectives
        self._ranks = list(ranks)         # global rank of each group rank
        self._index = {g: i for i, g in enumerate(self._ranks)}
        self._timeout = timeout           # seconds

    def rank(self) -> int:
        return self._comm.Get_rank()

    def size(self) -> int:
        return len(self._ranks)

    def name(self) -> str:
        return "mpi"

    def _free(self):
        for c in (self._coll, self._comm):
            try:
                c.Free()
            except Exception:  # noqa: BLE001  (MPI already finalised at interpreter exit)
                pass
        self._comm = self._coll = None

    def __repr__(self):
        return f"<npgrad.distributed.ProcessGroup ranks={self._ranks}>"


class _NonMember:
    """What ``new_group`` returns on ranks outside the group (torch: ``GroupMember.NON_GROUP_MEMBER``)."""

    def __repr__(self):
        return "-100"

    def __eq__(self, other):
        return other is self or other == -100

    __hash__ = object.__hash__


class _State:
    default: Any = None      # the WORLD ProcessGroup
    groups = []         # every ProcessGroup made since init (freed by destroy_process_group)
    backend: Any = None


_state = _State()


class _GroupMember:
    """``dist.group.WORLD`` / ``dist.GroupMember.WORLD``: the default group (None before init)."""
    NON_GROUP_MEMBER = _NonMember()

    @property
    def WORLD(self):
        return _state.default


group = GroupMember = _GroupMember()


# ---------------------------------------------------------------------------------------------- availability
def is_available() -> bool:
    """Whether the distributed package can be used: always ``True`` in npgrad (as in torch's CPU builds with
    distributed support); whether MPI is there is :func:`is_mpi_available`.

    Returns:
        bool: ``True``.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.is_available()
        True
    """
    return True


def is_mpi_available() -> bool:
    """Whether the MPI backend can be used: mpi4py is installed (MPI itself loads at init_process_group).

    No example: the answer depends on the machine, and npgrad's backend is MPI where torch's CPU default is gloo
    (see :doc:`/differences` and :doc:`/distributed`).
    """
    return _mpi.available()


def is_gloo_available() -> bool:
    """True where the MPI backend is: ``"gloo"`` is accepted as its alias (CPU scripts written for torch).

    No example: the answer is :func:`is_mpi_available`'s, which depends on the machine, where torch's answers
    whether it was built with gloo (see :doc:`/differences` and :doc:`/distributed`).
    """
    return _mpi.available()


def is_nccl_available() -> bool:
    """Whether the NCCL (GPU) backend is available: never in npgrad, which runs on CPUs.

    Returns:
        bool: ``False``.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.is_nccl_available()
        False
    """
    return False


def is_torchelastic_launched() -> bool:
    """Whether this process was started by torchelastic (``torchrun``): whether ``TORCHELASTIC_RUN_ID`` is set in
    the environment, as torch checks it. npgrad's launcher (``python -m npgrad.distributed.run``, ``npgradrun``)
    sets it too, so scripts written for torchrun take the same branch.

    Returns:
        bool: ``True`` when ``TORCHELASTIC_RUN_ID`` is set.

    Example::

        >>> import os
        >>> import npgrad.distributed as dist
        >>> dist.is_torchelastic_launched() == ("TORCHELASTIC_RUN_ID" in os.environ)
        True
    """
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


def is_initialized() -> bool:
    """Whether the default process group has been initialised (:func:`init_process_group` was called and
    :func:`destroy_process_group` not yet).

    Returns:
        bool: ``True`` between ``init_process_group`` and ``destroy_process_group``.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.is_initialized()
        False
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.is_initialized()
        True
        >>> dist.destroy_process_group()
        >>> dist.is_initialized()
        False
    """
    return _state.default is not None


# ---------------------------------------------------------------------------------------------- setup
def _env_int(name):
    v = os.environ.get(name)
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        raise ValueError(f"environment variable {name} must be an integer, got {v!r}") from None


def _parse_init_method(url):
    """(rank, world_size) named by an init_method URL's query, or None; refuses schemes other than torch's."""
    if url is None:
        return None, None
    from urllib.parse import parse_qs, urlparse
    parts = urlparse(url)
    if parts.scheme not in ("env", "tcp", "file"):
        raise ValueError(f"init_method {url!r}: unsupported scheme {parts.scheme!r}; use 'env://' (or 'tcp://', "
                         "'file://'), or leave it out")
    query = parse_qs(parts.query)

    def get(key):
        if key not in query:
            return None
        try:
            return int(query[key][-1])
        except ValueError:
            raise ValueError(f"init_method {url!r}: {key} must be an integer") from None
    return get("rank"), get("world_size")


def init_process_group(backend: str | None = None, init_method: str | None = None, timeout: timedelta | None = None,
                       world_size: int = -1, rank: int = -1, store: Any = None, group_name: str = "",
                       pg_options: Any = None, device_id: Any = None) -> None:
    """Join the default process group. Rank and world size come from the MPI launcher: ``mpiexec -n N python
    script.py``, or npgrad's torchrun-style launcher ``python -m npgrad.distributed.run --nproc-per-node N
    script.py``, which starts the ranks through mpiexec and exports torch's variables (``RANK``, ``WORLD_SIZE``,
    ``LOCAL_RANK``, ``MASTER_ADDR``, ...).

    ``backend``: ``"mpi"`` (``None`` and ``"gloo"`` are taken as ``"mpi"``, so CPU scripts written for torch run
    unchanged). ``init_method``: ``None`` or ``"env://"`` (``RANK``/``WORLD_SIZE`` are read when set and must
    agree with MPI; under plain mpiexec they may be absent), or ``"tcp://host:port"``/``"file://path"`` whose
    ``?rank=&world_size=`` query, if any, is checked the same way: MPI has already found the peers, so the address
    itself is not used. ``rank``/``world_size`` arguments are checked against MPI too. A process not started by a
    launcher is a world of one. ``timeout`` bounds every collective (default 30 minutes).

    Each rank's BLAS/OpenMP thread pools are sized to its share of the node's cores (``cores // ranks on the
    node``) unless the user set them (``OMP_NUM_THREADS`` and the like, or threadpoolctl limits); what was chosen
    is logged once (logger ``npgrad.distributed``) and undone by ``destroy_process_group``.

    Example (a process not started by a launcher is a world of one)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.get_rank(), dist.get_world_size()
        (0, 1)
        >>> dist.destroy_process_group()
    """
    if _state.default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend(backend) if backend is not None else Backend.MPI
    if name not in (Backend.MPI, Backend.GLOO, "cpu:mpi", "cpu:gloo"):
        raise RuntimeError(f"npgrad.distributed: backend {backend!r} is not available; npgrad runs on CPUs over MPI:"
                           " use backend='mpi' (or 'gloo', an alias) and start the job with `mpirun -n N python "
                           "script.py`")
    if init_method is not None and not isinstance(init_method, str):
        raise TypeError(f"init_method must be a string, got {type(init_method).__name__}")
    url_rank, url_size = _parse_init_method(init_method)
    if store is not None:
        raise RuntimeError("npgrad.distributed: init_process_group(store=...) is not supported: MPI finds the peers "
                           "(start the ranks with mpiexec or python -m npgrad.distributed.run)")
    if timeout is None:
        seconds = default_pg_timeout.total_seconds()
    elif isinstance(timeout, timedelta):
        seconds = timeout.total_seconds()
    else:
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout).__name__}")
    if seconds <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    MPI = _mpi.load()
    world = MPI.COMM_WORLD
    mpi_rank, mpi_size = world.Get_rank(), world.Get_size()
    want_size = world_size if world_size is not None and world_size != -1 else (
        url_size if url_size is not None else _env_int("WORLD_SIZE"))
    want_rank = rank if rank is not None and rank != -1 else (url_rank if url_rank is not None else _env_int("RANK"))
    if mpi_size == 1 and not _mpi.launched_by_mpi() and want_size not in (None, 1):
        raise RuntimeError(
            f"npgrad.distributed: a world of {want_size} processes was asked for (world_size argument or WORLD_SIZE)"
            " but this process was not started by an MPI launcher, which is how the 'mpi' backend finds its peers:"
            f" start the job with `mpirun -n {want_size} python script.py` (see docs/distributed.md)")
    if want_size is not None and want_size != mpi_size:
        raise ValueError(f"init_process_group: world_size {want_size} (argument or WORLD_SIZE) disagrees with the MPI"
                         f" launcher, which started {mpi_size} processes; drop the argument or fix `mpirun -n`")
    if want_rank is not None and want_rank != mpi_rank:
        raise ValueError(f"init_process_group: rank {want_rank} (argument or RANK) disagrees with the MPI launcher,"
                         f" which made this process rank {mpi_rank}; let MPI assign the ranks")
    pg = ProcessGroup(world.Dup(), range(mpi_size), seconds)
    _state.default, _state.groups, _state.backend = pg, [pg], Backend.MPI
    node = world.Split_type(MPI.COMM_TYPE_SHARED)  # the ranks on this node (shared memory)
    local_ranks, local_rank = node.Get_size(), node.Get_rank()
    node.Free()
    _threads.configure(local_ranks, local_rank)
    if mpi_size > 1:
        _mpi.install_abort_hook()


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Free a group's communicators; with no argument (or WORLD) leave the default group (MPI stays initialised,
    so ``init_process_group`` may be called again).

    Example::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.destroy_process_group()
        >>> dist.is_initialized()
        False
    """
    if _state.default is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    if group is None or group is _state.default:
        for g in _state.groups:
            g._free()
        _state.default, _state.groups, _state.backend = None, [], None
        _mpi.remove_abort_hook()
        _threads.restore()
    elif isinstance(group, ProcessGroup):
        group._free()
        _state.groups = [g for g in _state.groups if g is not group]


def _default():
    if _state.default is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _state.default


def _resolve(group, op):
    """The ProcessGroup to use, or None on a rank outside it (the call is then skipped, as torch does)."""
    pg = _default()
    if group is None or group is pg:
        return pg
    if group is GroupMember.NON_GROUP_MEMBER or (isinstance(group, ProcessGroup) and group._comm is None):
        _warn(f"Running {op} on global rank {pg.rank()} which does not belong to the given group.")
        return None
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"{op}: group must be a ProcessGroup from new_group() or None, got {type(group).__name__}")
    return group


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in ``group`` (default: the world); -1 outside the group.

    Args:
        group (ProcessGroup, optional): a group from :func:`new_group`. Default: the world.

    Returns:
        int: a rank in ``[0, world size)``, or -1.

    Raises:
        ValueError: before :func:`init_process_group`.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.get_rank()
        0
        >>> dist.destroy_process_group()
    """
    pg = _default()
    if group is None or group is pg:
        return pg.rank()
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return group.rank() if group._comm is not None else -1


def get_world_size(group: ProcessGroup | None = None) -> int:
    """The number of processes in ``group`` (default: the world); -1 on a rank outside it.

    Args:
        group (ProcessGroup, optional): a group from :func:`new_group`. Default: the world.

    Returns:
        int: the group's size.

    Raises:
        ValueError: before :func:`init_process_group`.

    Example (a world of one: a process not started by a launcher)::

        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.get_world_size()
        1
        >>> dist.destroy_process_group()
    """
    pg = _default()
    if group is None or group is pg:
        return pg.size()
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return group.size()


def get_backend(group: ProcessGroup | None = None) -> str:
    """The backend of ``group`` (default: the world): ``"mpi"``, whatever name was given to
    :func:`init_process_group` (``"gloo"`` is taken as an alias of MPI; torch would answer ``"gloo"``).

    Args:
        group (ProcessGroup, optional): Default: the world.

    Returns:
        Backend: a ``str`` subclass, ``"mpi"``.

    Raises:
        ValueError: before :func:`init_process_group`, as in torch.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.get_backend()
        Traceback (most recent call last):
            ...
        ValueError: Default process group has not been initialized, please make sure to call init_process_group.
    """
    _default()
    return _state.backend


def get_process_group_ranks(group: ProcessGroup | None) -> list[int]:
    """The global ranks of the members of ``group``, in group-rank order.

    Args:
        group (ProcessGroup or None): a group from :func:`new_group`; ``None`` is the world.

    Returns:
        list[int]: global ranks.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> g = dist.new_group([0])
        >>> dist.get_process_group_ranks(g)
        [0]
        >>> dist.destroy_process_group()
    """
    pg = _default() if group is None else group
    return list(pg._ranks)


def get_global_rank(group: ProcessGroup, group_rank: int) -> int:
    """The global rank of the member whose rank in ``group`` is ``group_rank``.

    Args:
        group (ProcessGroup or None): a group from :func:`new_group`; ``None`` is the world.
        group_rank (int): a rank within ``group``.

    Returns:
        int: the global rank.

    Raises:
        ValueError: ``group_rank`` is not a rank of ``group``.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.get_global_rank(dist.new_group([0]), 0)
        0
        >>> dist.destroy_process_group()
    """
    pg = _default() if group is None else group
    if not 0 <= group_rank < pg.size():
        raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
    return pg._ranks[group_rank]


def get_group_rank(group: ProcessGroup, global_rank: int) -> int:
    """The rank within ``group`` of the process whose global rank is ``global_rank``.

    Args:
        group (ProcessGroup or None): a group from :func:`new_group`; ``None`` is the world.
        global_rank (int): a global rank.

    Returns:
        int: its rank in ``group``.

    Raises:
        ValueError: ``global_rank`` is not a member of ``group``.

    Example::

        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> dist.get_group_rank(dist.new_group([0]), 0)
        0
        >>> dist.destroy_process_group()
    """
    pg = _default() if group is None else group
    if global_rank not in pg._index:
        raise ValueError(f"Global rank {global_rank} is not part of group {pg}")
    return pg._index[global_rank]


def new_group(ranks: list[int] | None = None, timeout: timedelta | None = None, backend: str | None = None,
              pg_options: Any = None, use_local_synchronization: bool = False, group_desc: str | None = None,
              device_id: Any = None, sort_ranks: bool = True) -> Any:
    """A group over ``ranks`` (global ranks; all ranks of the world must call it, in the same order).
    Returns ``GroupMember.NON_GROUP_MEMBER`` on ranks outside it.

    Example (a world of one; every rank runs the same code)::

        >>> import npgrad as torch
        >>> import npgrad.distributed as dist
        >>> dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29531", rank=0, world_size=1)
        >>> g = dist.new_group([0])
        >>> dist.get_world_size(g)
        1
        >>> t = torch.ones(2)
        >>> dist.all_reduce(t, group=g)
        >>> t
        tensor([1., 1.])
        >>> dist.destroy_process_group()
    """
    pg = _default()
    MPI = _mpi.MPI
    size = pg.size()
    ranks = list(range(size)) if ranks is None else [int(r) for r in ranks]
    if len(ranks) > size:
        raise ValueError("the new group's world size should be less or equal to the world size set by "
                         "init_process_group")
    if len(set(ranks)) != len(ranks) or any(not 0 <= r < size for r in ranks):
        raise ValueError(f"The new group's rank should be within the world_size set by init_process_group "
                         f"(0..{size - 1}) and appear once, got {ranks}")
    if sort_ranks:
        ranks = sorted(ranks)
    seconds = pg._timeout if timeout is None else timeout.total_seconds()
    mpi_group = pg._comm.Get_group().Incl(ranks)
    comm = pg._comm.Create(mpi_group)  # collective over the world: every rank must call new_group
    mpi_group.Free()
    if comm == MPI.COMM_NULL:  # type: ignore[union-attr]  # _mpi.MPI is loaded once a group exists
        return GroupMember.NON_GROUP_MEMBER
    g = ProcessGroup(comm, ranks, seconds)
    _state.groups.append(g)
    return g
