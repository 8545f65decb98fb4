"""DataLoader's "too many workers" UserWarning, as torch gives it (num_workers above the CPUs this process may use)."""
import os
import warnings

import pytest
import torch
import torch.utils.data as tdata

import npgrad.utils.data as ndata


def _warned(lib, n, monkeypatch, cpus):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        lib.DataLoader(list(range(4)), batch_size=2, num_workers=n)
    return [(w.category, str(w.message), os.path.basename(w.filename)) for w in rec]


@pytest.mark.parametrize("n,cpus", [(0, 1), (1, 1), (2, 1), (5, 4), (4, 4), (3, 2)])
def test_too_many_workers_warning_as_torch(n, cpus, monkeypatch):
    ours, theirs = _warned(ndata, n, monkeypatch, cpus), _warned(tdata, n, monkeypatch, cpus)
    assert [(c, m) for c, m, _ in ours] == [(c, m) for c, m, _ in theirs]
    assert len(ours) == (1 if n > cpus else 0)
    for c, m, f in ours:  # a UserWarning naming the user's line (this file), as torch's stacklevel does
        assert c is UserWarning and f"will create {n} worker processes" in m and f == "test_dataloader_warning.py"


def test_warning_without_affinity_says_cpuset_not_checked(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    msgs = []
    for lib in (ndata, tdata):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            lib.DataLoader(list(range(4)), num_workers=3)
        msgs.append([str(w.message) for w in rec])
    assert msgs[0] == msgs[1] and "`cpuset` is not taken into account" in msgs[0][0]
