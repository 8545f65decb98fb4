"""npgrad.multiprocessing: tensors in shared memory seen by other processes, as torch.multiprocessing
(pytorch/examples mnist_hogwild trains one shared model in several processes)."""
import gc
import multiprocessing
import os
import pickle

import numpy as np
import pytest
import torch
import torch.multiprocessing as tmp

import npgrad
import npgrad.multiprocessing as nmp
from multiprocessing.reduction import ForkingPickler

from . import _targets


def _run(ctx_mod, method, target, args_of_rank, n=2, sequential=False):
    ctx = ctx_mod.get_context(method)
    procs = []
    for r in range(n):
        p = ctx.Process(target=target, args=args_of_rank(r))
        p.start()
        if sequential:
            p.join()
        procs.append(p)
    for p in procs:
        p.join()
    return [p.exitcode for p in procs]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "bfloat16", "float16"])
def test_share_memory_keeps_values_and_reports_shared(dtype):
    t = torch.arange(6).reshape(2, 3).to(getattr(torch, dtype))
    n = npgrad.arange(6).reshape(2, 3).to(getattr(npgrad, dtype))
    assert n.is_shared() == t.is_shared() is False
    assert n.share_memory_() is n and t.share_memory_() is t
    assert n.is_shared() == t.is_shared() is True
    assert n.dtype == getattr(npgrad, dtype) and n.shape == (2, 3)
    np.testing.assert_array_equal(n.float().numpy(), t.float().numpy())
    n.share_memory_()  # a second call changes nothing
    assert n.is_shared()


def test_empty_and_0d_tensors_share():
    for shape in [(), (0,), (2, 0)]:
        n = npgrad.zeros(shape).share_memory_()
        assert n.is_shared() == torch.zeros(shape).share_memory_().is_shared()
        assert n.shape == shape


def test_child_writes_are_seen_by_the_parent():
    results = []
    for lib, mp in ((torch, tmp), (npgrad, nmp)):
        x = lib.zeros(4).share_memory_()
        lin = lib.nn.Linear(2, 2)
        with lib.no_grad():
            lin.bias.fill_(0.25)
        lin.share_memory()
        assert _run(mp, "fork", _targets.add_rank, lambda r: (r, x, lin.bias)) == [0, 0]
        results.append((x.numpy().copy(), lin.bias.detach().numpy().copy()))
    for a, b in zip(*results):
        np.testing.assert_array_equal(b, a)


def test_spawned_child_writes_are_seen_by_the_parent():
    x = npgrad.zeros(4).share_memory_()
    lin = npgrad.nn.Linear(2, 2)
    with npgrad.no_grad():
        lin.bias.fill_(0.25)
    lin.share_memory()
    assert _run(nmp, "spawn", _targets.add_rank, lambda r: (r, x, lin.bias)) == [0, 0]
    assert x.tolist() == [10.0, 20.0, 0.0, 0.0]
    assert lin.bias.tolist() == [1.25, 1.25]


def _hogwild(lib):
    with lib.no_grad():
        model = lib.nn.Linear(3, 2)
        model.weight.fill_(0.5)
        model.bias.fill_(-1.0)
    return model


def test_hogwild_children_train_the_parents_model():
    # two children (one after the other) train the shared npgrad model; torch trains the same model in-process
    model = _hogwild(npgrad)
    model.share_memory()
    assert all(p.is_shared() for p in model.parameters())
    assert _run(nmp, "fork", _targets.sgd_steps, lambda r: (model, "npgrad", 3), sequential=True) == [0, 0]
    ref = _hogwild(torch)
    for _ in range(2):
        _targets.sgd_steps(ref, "torch", 3)
    for a, b in zip(ref.parameters(), model.parameters()):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-6)


def test_queue_hands_over_a_view_of_a_shared_tensor():
    base = npgrad.arange(12.0).reshape(3, 4).share_memory_()
    view = base[1:, ::2]
    ctx = nmp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_targets.report, args=(q, view))
    p.start()
    got = q.get(timeout=60)
    p.join()
    assert got == (True, float(view.sum()), (2, 2)) and p.exitcode == 0


def test_pickling_for_another_process():
    # a shared tensor travels by reference, a plain one by value; plain pickle is unchanged
    s = npgrad.ones(3).share_memory_()
    r = ForkingPickler.loads(ForkingPickler.dumps(s))
    r[0] = 7.0
    assert s[0].item() == 7.0 and r.is_shared()
    p = npgrad.nn.Parameter(npgrad.ones(2)).share_memory_()
    rp = ForkingPickler.loads(ForkingPickler.dumps(p))
    assert type(rp) is npgrad.nn.Parameter and rp.requires_grad and rp.is_shared()
    plain = npgrad.ones(2)
    rp2 = ForkingPickler.loads(ForkingPickler.dumps(plain))
    assert rp2.tolist() == [1.0, 1.0]
    assert pickle.loads(pickle.dumps(s)).tolist() == s.tolist()


def test_non_leaf_requiring_grad_is_refused_as_torch():
    for lib in (torch, npgrad):
        y = lib.ones(2, requires_grad=True) * 2
        y.share_memory_() if lib is torch else None
        with pytest.raises(RuntimeError, match="non-leaf"):
            ForkingPickler.dumps(y)


def test_shared_file_is_removed_with_the_tensor():
    from npgrad.multiprocessing import _shared
    t = npgrad.zeros(5).share_memory_()
    path, _ = _shared.region_of(t._data)
    assert os.path.exists(path)
    del t, _
    gc.collect()
    assert not os.path.exists(path)


def test_module_names_and_sharing_strategy():
    for name in multiprocessing.__all__:
        assert hasattr(nmp, name) and hasattr(tmp, name)
    assert nmp.get_sharing_strategy() == "file_system" and "file_system" in tmp.get_all_sharing_strategies()
    nmp.set_sharing_strategy("file_system")
    with pytest.raises(RuntimeError, match="file_descriptor"):
        nmp.set_sharing_strategy("file_descriptor")
    assert npgrad.multiprocessing is nmp
