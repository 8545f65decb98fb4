"""npgrad.futures against torch.futures: the Future that comm hooks and jit.fork return."""
import pytest
import torch

import npgrad


@pytest.mark.parametrize("m", [npgrad, torch], ids=["npgrad", "torch"])
def test_then_chain_and_helpers(m):
    f = m.futures.Future()
    g = f.then(lambda fut: fut.value() * 2).then(lambda fut: fut.value() + 1)
    f.set_result(20)
    assert f.done() and f.wait() == 20
    assert g.wait() == 41
    assert m.futures.wait_all([f, g]) == [20, 41]
    both = m.futures.collect_all([f, g])
    assert [x.value() for x in both.wait()] == [20, 41]


def test_set_result_twice_raises_as_torch():
    for m in (npgrad, torch):
        f = m.futures.Future()
        f.set_result(1)
        with pytest.raises(RuntimeError):
            f.set_result(2)


def test_jit_fork_and_distributed_share_the_class():
    fut = npgrad.jit.fork(lambda a, b: a + b, 2, 3)
    assert isinstance(fut, npgrad.futures.Future) and npgrad.jit.wait(fut) == 5
    assert npgrad.distributed.Future is npgrad.futures.Future
    tfut = torch.jit.fork(lambda a, b: a + b, 2, 3)
    assert torch.jit.wait(tfut) == 5
