"""Tests of npgrad.distributed: those marked ``mpi`` start real MPI jobs (mpirun -n 2 / -n 3) and skip, with the
reason shown, only where no MPI library and mpi4py can be found (see docs/distributed.md to install them)."""
import pytest

from .mpi_launch import setup


def pytest_configure(config):
    config.addinivalue_line("markers", "mpi: starts MPI jobs with mpirun (needs mpi4py and an MPI library)")


def pytest_collection_modifyitems(config, items):
    marked = [it for it in items if it.get_closest_marker("mpi")]
    if not marked:
        return
    cmd, why = setup()
    if cmd is None:
        skip = pytest.mark.skip(reason=f"MPI not available: {why}")
        for it in marked:
            it.add_marker(skip)
