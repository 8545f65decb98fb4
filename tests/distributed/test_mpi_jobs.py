"""Real MPI jobs (mpirun -n 1/2/3): the collectives, DistributedDataParallel, and ranks that fail.

Each job is a script under scripts/ that checks itself on every rank (against NumPy, or against a
single-process run) and aborts the whole job on the first failed check; here the exit code and the output
decide. Every job has a timeout, after which it is killed: a hang fails the test.
"""
import os
import re
import sys
import time

import numpy as np
import pytest

from .mpi_launch import ROOT, mpirun, python

sys.path.insert(0, os.path.join(ROOT, "examples"))
pytestmark = pytest.mark.mpi


@pytest.mark.parametrize("n", [2, 3])
def test_collectives_match_numpy(n):
    rc, out = mpirun(n, "collectives.py", n, timeout=120)
    assert rc == 0, out
    ok = re.findall(r"collectives OK rank (\d) of (\d): (\d+) checks", out)
    assert sorted(int(r) for r, _, _ in ok) == list(range(n)), out
    assert all(int(c) > 100 for _, _, c in ok), out


@pytest.mark.parametrize("n", [1, 2, 3])
def test_ddp_equals_one_process_on_the_whole_batch(n):
    """K SGD steps on n ranks == one process on the concatenated batches; replicas identical; no_sync,
    find_unused_parameters, buffers, and the errors for mismatched models and unfinished reductions."""
    rc, out = mpirun(n, "ddp.py", n, timeout=120)
    assert rc == 0, out
    assert sorted(re.findall(r"ddp OK rank (\d)", out)) == [str(r) for r in range(n)], out


@pytest.mark.parametrize("n", [2, 3])
def test_syncbn_hooks_join_equal_one_process_on_the_whole_batch(n):
    """SyncBatchNorm (forward, running statistics, gradients) == BatchNorm on the concatenated uneven batch;
    comm hooks (allreduce, fp16 compression, a custom no-op hook and the GradBucket interface); join() with
    uneven inputs == the replayed steps; cost-model buckets agreed on every rank; started by the launcher."""
    from .mpi_launch import launch
    rc, out = launch("--nproc-per-node", n, "ddp_extras.py", n, timeout=120)
    assert rc == 0, out
    assert sorted(re.findall(r"ddp extras OK rank (\d)", out)) == [str(r) for r in range(n)], out


@pytest.mark.parametrize("mode,message", [
    ("raise", "ValueError: boom: rank-specific failure"),
    ("ddp", "KeyError: 'boom inside backward'"),
    ("timeout", "all_reduce did not complete within the timeout of 3 s"),
])
def test_a_failing_rank_ends_the_job(mode, message):
    start = time.monotonic()
    rc, out = mpirun(3, "fail.py", mode, timeout=60)
    assert rc != 0, out
    assert message in out, out
    assert "aborting the MPI job" in out and "unreachable" not in out, out
    assert time.monotonic() - start < 30, out  # ended by the abort, not by our timeout


def test_a_plain_process_is_a_world_of_one():
    rc, out = python("single.py")
    assert rc == 0 and "single OK" in out, out
    rc, out = python("single.py", env={"WORLD_SIZE": "2", "RANK": "0"})
    assert rc == 3 and "not started by an MPI launcher" in out and "mpirun -n 2" in out, out


def _example(n):
    rc, out = mpirun(n, os.path.join(ROOT, "examples", "ddp_digits.py"), timeout=240)
    assert rc == 0, out
    final = re.search(r"\[ddp x(\d)\] test accuracy ([\d.]+)% in [\d.]+ s; replicas identical: (\w+)", out)
    assert final and int(final.group(1)) == n and final.group(3) == "True", out
    losses = [float(v) for v in re.findall(r"epoch +\d+  train loss ([\d.]+)", out)]
    assert len(losses) == 10, out
    return float(final.group(2)) / 100, np.array(losses)


def test_ddp_digits_example_reaches_the_single_process_accuracy():
    """`mpirun -n 2 python examples/ddp_digits.py` trains the demo's CNN on half of each batch per rank: the
    loss curve of the 1-process run, and the accuracy of the single-process demo (examples/train_digits.py)."""
    import train_digits
    acc2, losses2 = _example(2)
    acc1, losses1 = _example(1)
    np.testing.assert_allclose(losses2, losses1, rtol=0.02)  # the same steps; the last batch has 1 padded sample
    assert abs(acc2 - acc1) <= 0.01
    demo = train_digits.train(epochs=10, progress=False, log=lambda s: None)
    assert acc2 > 0.95 and abs(acc2 - demo["accuracy"]) <= 0.02, (acc2, demo["accuracy"])
