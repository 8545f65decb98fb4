"""npgrad.distributed without a running MPI job: names, errors before init, and the missing-MPI error."""
import sys
import types
from datetime import timedelta

import pytest
import torch
import torch.distributed as tdist

import npgrad
import npgrad.distributed as dist
from npgrad.distributed import _mpi


def test_reduce_ops_and_backends_print_as_torchs():
    for name in ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM"]:
        ours, theirs = getattr(dist.ReduceOp, name), getattr(tdist.ReduceOp, name)
        assert repr(ours) == repr(theirs) and str(ours) == str(theirs) and int(ours) == int(theirs)
    assert list(dist.ReduceOp.RedOpType.__members__) == list(tdist.ReduceOp.RedOpType.__members__)
    assert dist.Backend("MPI") == tdist.Backend("MPI") == "mpi" and dist.Backend.GLOO == tdist.Backend.GLOO
    assert dist.is_available() and not dist.is_initialized()
    assert dist.GroupMember.NON_GROUP_MEMBER == tdist.GroupMember.NON_GROUP_MEMBER == -100
    assert dist.group.WORLD is None and npgrad.distributed is dist


@pytest.mark.parametrize("call", [
    lambda d, m: d.get_rank(),
    lambda d, m: d.get_world_size(),
    lambda d, m: d.all_reduce(m.ones(2)),
    lambda d, m: d.broadcast(m.ones(2), src=0),
    lambda d, m: d.barrier(),
    lambda d, m: d.get_backend(),
])
def test_before_init_raises_torchs_error(call):
    with pytest.raises(ValueError) as ours:
        call(dist, npgrad)
    with pytest.raises(ValueError) as theirs:
        call(tdist, torch)
    assert str(ours.value) == str(theirs.value)


def test_argument_types_are_checked_first():
    with pytest.raises(TypeError, match="Expected parameter `tensor`"):
        dist.all_reduce([npgrad.ones(2)])
    with pytest.raises(TypeError, match="Expected parameter `tensor`"):
        tdist.all_reduce([torch.ones(2)])


def test_missing_mpi4py_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(_mpi, "MPI", None)
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # `import mpi4py` raises ImportError
    with pytest.raises(RuntimeError, match=r"needs the mpi4py package.*pip install mpi4py mpich"):
        dist.init_process_group("mpi")
    assert not dist.is_initialized()


def test_mpi4py_without_an_mpi_library_is_a_clear_error(monkeypatch):
    fake = types.ModuleType("mpi4py")
    fake.rc = types.SimpleNamespace()

    def load_library(name):  # what mpi4py's binary wheel does when no libmpi can be found
        raise RuntimeError("cannot load MPI library")
    fake.__getattr__ = load_library
    monkeypatch.setattr(_mpi, "MPI", None)
    monkeypatch.setitem(sys.modules, "mpi4py", fake)
    with pytest.raises(RuntimeError, match="could not load an MPI library"):
        dist.init_process_group()


def test_init_arguments_checked_before_mpi_starts(monkeypatch):
    monkeypatch.setattr(_mpi, "load", lambda: pytest.fail("MPI must not start"))
    with pytest.raises(RuntimeError, match="backend 'nccl' is not available"):
        dist.init_process_group("nccl")
    with pytest.raises(TypeError, match="timedelta"):
        dist.init_process_group("mpi", timeout=5)
    with pytest.raises(ValueError, match="positive"):
        dist.init_process_group("mpi", timeout=timedelta(seconds=0))


def test_ddp_needs_a_process_group():
    from npgrad.nn.parallel import DistributedDataParallel
    with pytest.raises(ValueError, match="has not been initialized"):
        DistributedDataParallel(npgrad.nn.Linear(2, 2))
    assert npgrad.nn.parallel.DistributedDataParallel is DistributedDataParallel
