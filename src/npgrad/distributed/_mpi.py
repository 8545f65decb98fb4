"""The MPI layer under ``npgrad.distributed``: loading mpi4py, MPI datatypes and ops for NumPy buffers, waiting.

mpi4py is imported (and MPI initialised) only by ``init_process_group``, so ``import npgrad.distributed`` stays
cheap and works without MPI. Every collective is issued non-blocking and completed by ``wait`` below, which
polls, yields the CPU, and then sleeps: blocking MPI calls spin at 100% CPU, which on a machine with fewer free
cores than ranks starves the ranks that still have to take part. ``wait`` also enforces the process group's
timeout, so a rank that never joins a collective becomes an error instead of a hang.
"""
import os
import sys
import time

import numpy as np

MPI = None  # the mpi4py.MPI module once loaded

INSTALL_HINT = ("install an MPI library and mpi4py, e.g. `pip install mpi4py mpich` (or `pip install "
                "'npgrad[distributed]' mpich`); docs/distributed.md lists the other ways")


class DistError(RuntimeError):
    """Base of the errors raised by npgrad.distributed's communication (as ``torch.distributed.DistError``).

    Example::

        >>> import npgrad.distributed as dist
        >>> issubclass(dist.DistError, RuntimeError), issubclass(dist.DistBackendError, dist.DistError)
        (True, True)
    """
    __module__ = "npgrad.distributed"


class DistBackendError(DistError):
    """A collective failed or timed out in the backend (as ``torch.distributed.DistBackendError``): the group's
    ``timeout`` ran out, or MPI reported an error.

    Example::

        >>> import npgrad.distributed as dist
        >>> try:
        ...     raise dist.DistBackendError("all_reduce timed out")
        ... except dist.DistError as e:
        ...     print(type(e).__name__, e)
        DistBackendError all_reduce timed out
    """
    __module__ = "npgrad.distributed"


def available():
    """Whether mpi4py can be imported (checked without importing it, so MPI is not initialised)."""
    import importlib.util
    try:
        return importlib.util.find_spec("mpi4py") is not None
    except (ImportError, ValueError):
        return False


def load():
    """Import mpi4py.MPI (initialising MPI) with a clear error when it or the MPI library is missing."""
    global MPI
    if MPI is not None:
        return MPI
    try:
        import mpi4py
    except ImportError:
        raise RuntimeError("npgrad.distributed: backend 'mpi' needs the mpi4py package, which is not installed; "
                           + INSTALL_HINT) from None
    mpi4py.rc.errors = "exception"  # MPI errors become Python exceptions (the default; made explicit)
    try:
        from mpi4py import MPI as mod
    except (ImportError, RuntimeError, OSError) as e:
        raise RuntimeError(f"npgrad.distributed: mpi4py is installed but could not load an MPI library ({e}); "
                           + INSTALL_HINT) from e
    MPI = mod
    return MPI


def launched_by_mpi():
    """Whether an MPI launcher (mpirun/mpiexec/srun) started this process, judged by the variables they set."""
    keys = ("PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_RANK", "MPI_LOCALRANKID", "MV2_COMM_WORLD_RANK",
            "HYDRA_CONTROL_FD")
    return any(k in os.environ for k in keys)


# ---------------------------------------------------------------------------------------------- datatypes
_TYPE_NAMES = {"float32": "FLOAT", "float64": "DOUBLE", "int8": "INT8_T", "int16": "INT16_T", "int32": "INT32_T",
               "int64": "INT64_T", "uint8": "UINT8_T", "bool": "C_BOOL", "complex64": "C_FLOAT_COMPLEX",
               "complex128": "C_DOUBLE_COMPLEX"}


def reduce_type(dtype):
    """The MPI datatype that reductions use for a NumPy dtype; None where MPI has none. float16 travels as
    16-bit words, summed by ``half_sum()``; its other reductions run in float32 (the caller converts)."""
    if np.dtype(dtype) == np.float16:
        return MPI.UINT16_T
    name = _TYPE_NAMES.get(np.dtype(dtype).name)
    return getattr(MPI, name) if name else None


_half_sum = None


def _add_half(inbuf, inoutbuf, datatype):
    a = np.frombuffer(inbuf, dtype=np.float16)
    b = np.frombuffer(inoutbuf, dtype=np.float16)
    np.add(b, a, out=b)


def half_sum():
    """An MPI op summing float16 carried as UINT16_T words (MPI has no half type): halves the bytes moved,
    which is what fp16 gradient compression is for. Each addition rounds to float16, as torch's CPU backend."""
    global _half_sum
    if _half_sum is None:
        _half_sum = MPI.Op.Create(_add_half, commute=True)
    return _half_sum


def raw(arr):
    """A buffer spec that moves ``arr``'s bytes as they are (any dtype, no copy): data movement needs no type."""
    return [arr, MPI.BYTE]


# ---------------------------------------------------------------------------------------------- waiting
def wait(reqs, what, timeout, status=None):
    """Complete ``reqs`` (a list of MPI requests), raising DistBackendError after ``timeout`` seconds.

    Three phases: spin for 50 us (small collectives between idle ranks finish here); then test and yield the CPU
    (``sched_yield``) for up to 50 ms, which lets a rank that shares our core run its part of the collective -
    on a machine with more ranks than free cores this is several times faster than spinning or sleeping; then,
    for long waits (a rank busy elsewhere), sleep with pauses growing to 2 ms so that waiting costs no CPU.
    """
    def done():
        return MPI.Request.Testall(reqs) if status is None else reqs[0].Test(status)

    if done():
        return
    now = start = time.monotonic()
    spin_until, yield_until, deadline = start + 5e-5, start + 5e-2, start + timeout
    pause = 1e-4
    while not done():
        now = time.monotonic()
        if now < spin_until:
            continue
        if now < yield_until:
            _yield()
            continue
        if now > deadline:
            raise DistBackendError(
                f"npgrad.distributed: {what} did not complete within the timeout of {timeout:g} s on rank "
                f"{MPI.COMM_WORLD.Get_rank()}: another rank failed, stopped, or called a different collective "
                "(every rank must call the same collectives in the same order). The timeout is "
                "init_process_group(timeout=...).")
        time.sleep(pause)
        pause = min(pause * 2, 2e-3)


_yield = getattr(os, "sched_yield", lambda: time.sleep(0))


# ---------------------------------------------------------------------------------------------- failures
_prev_hook = None


def install_abort_hook():
    """An uncaught exception on one rank aborts the whole MPI job: otherwise the other ranks would wait forever
    in their next collective. The traceback is printed first, with the rank that raised."""
    global _prev_hook
    if _prev_hook is not None:
        return
    _prev_hook = sys.excepthook

    def hook(tp, value, tb):
        prev = _prev_hook or sys.__excepthook__
        world = MPI.COMM_WORLD
        try:
            prev(tp, value, tb)
        finally:
            sys.stderr.write(f"npgrad.distributed: rank {world.Get_rank()} of {world.Get_size()} raised "
                             f"{tp.__name__}; aborting the MPI job so that the other ranks do not wait forever\n")
            sys.stderr.flush()
            sys.stdout.flush()
            world.Abort(1)

    sys.excepthook = hook


def remove_abort_hook():
    global _prev_hook
    if _prev_hook is not None:
        sys.excepthook = _prev_hook
        _prev_hook = None
