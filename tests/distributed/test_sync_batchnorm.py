"""SyncBatchNorm and DDP's hook/join API without an MPI job: against torch where torch runs on the CPU (no
process group: plain batch norm), and the pieces that need no communication (Future, cost model, Join checks).
The synchronised behaviour is tested under MPI by scripts/ddp_extras.py."""
import numpy as np
import pytest
import torch

import npgrad
import npgrad.distributed as dist
from npgrad.distributed.algorithms import Join
from npgrad.distributed.algorithms.ddp_comm_hooks import default_hooks
from npgrad.nn.parallel import _cost_model


def _pair(shape, seed=0, **kw):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * 2 + 0.5
    return npgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 4), (2, 3, 2, 2, 2)])
@pytest.mark.parametrize("kw", [{}, {"momentum": None}, {"affine": False}, {"track_running_stats": False}])
def test_without_a_process_group_it_is_torchs_batch_norm(shape, kw):
    ours, theirs = npgrad.nn.SyncBatchNorm(3, **kw), torch.nn.SyncBatchNorm(3, **kw)
    assert repr(ours) == repr(theirs)
    for step in range(2):
        x, tx = _pair(shape, step)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-6)
        g = np.random.default_rng(9).standard_normal(shape).astype(np.float32)
        y.backward(npgrad.tensor(g))
        ty.backward(torch.tensor(g))
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for a, b in zip(list(ours.parameters()) + list(ours.buffers()), list(theirs.parameters()) + list(theirs.buffers())):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1]
    ours.eval(), theirs.eval()
    x, tx = _pair(shape, 5)
    np.testing.assert_allclose(ours(x).detach().numpy(), theirs(tx).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_input_checks_as_torchs():
    for shape in [(3,), (4, 0)]:
        with pytest.raises(ValueError) as ours:
            npgrad.nn.SyncBatchNorm(3)(npgrad.zeros(shape))
        with pytest.raises(ValueError) as theirs:
            torch.nn.SyncBatchNorm(3)(torch.zeros(shape))
        assert str(ours.value) == str(theirs.value)


def _net(nn):
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2, momentum=0.3),
                         nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4, affine=False)), nn.ReLU())


def test_convert_sync_batchnorm_as_torchs():
    ours, theirs = _net(npgrad.nn), _net(torch.nn)
    ours[1].eval()
    theirs[1].eval()
    weight = ours[1].weight
    conv_ours = npgrad.nn.SyncBatchNorm.convert_sync_batchnorm(ours, process_group="pg")
    conv_theirs = torch.nn.SyncBatchNorm.convert_sync_batchnorm(theirs)
    assert repr(conv_ours) == repr(conv_theirs)
    assert [type(m).__name__ for m in conv_ours.modules()] == [type(m).__name__ for m in conv_theirs.modules()]
    assert conv_ours[1].weight is weight and conv_ours[1].process_group == "pg"  # shared, not copied
    assert conv_ours[1].training is False and conv_ours[2][1].training is True
    assert list(conv_ours.state_dict()) == list(conv_theirs.state_dict())
    single = npgrad.nn.SyncBatchNorm.convert_sync_batchnorm(npgrad.nn.BatchNorm1d(5))
    assert type(single) is npgrad.nn.SyncBatchNorm and single.num_features == 5


def test_future():
    f = dist.Future()
    assert not f.done()
    g = f.then(lambda fut: fut.value() * 2)
    f.set_result(21)
    assert f.done() and f.wait() == 21 and g.wait() == 42 and g.value() == 42
    with pytest.raises(RuntimeError):
        f.set_result(1)
    with pytest.raises(RuntimeError):
        dist.Future().wait()


def test_cost_model_choice():
    S = 64 * 2 ** 20
    # no overlap: one bucket (every extra launch costs latency and hides nothing)
    assert _cost_model.choose_bucket_bytes(S, {"alpha": 1e-4, "beta": 1e-9, "overlap": 0.0}) == S
    # full overlap: about sqrt(S * alpha / beta) = 256 KiB here
    b = _cost_model.choose_bucket_bytes(S, {"alpha": 1e-6, "beta": 1e-9, "overlap": 1.0})
    assert 128 * 1024 <= b <= 512 * 1024, b
    # small gradients: one bucket
    assert _cost_model.choose_bucket_bytes(24_000, {"alpha": 1e-6, "beta": 1e-9, "overlap": 1.0}) == 24_000
    costs = [_cost_model.exposed_seconds(S, c, 1e-6, 1e-9, 1.0) for c in (2 ** 16, b, S)]
    assert costs[1] <= min(costs)


def test_join_and_hooks_api():
    with pytest.raises(ValueError, match="at least one joinable"):
        Join([])
    with pytest.raises(TypeError):
        Join([object()])
    assert {"allreduce_hook", "fp16_compress_hook", "fp16_compress_wrapper"} <= set(dir(default_hooks))
    assert callable(npgrad.nn.parallel.DistributedDataParallel.join)
