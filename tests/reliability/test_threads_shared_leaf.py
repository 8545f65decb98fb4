"""Threads meeting at a shared leaf lose no update (torch locks there too); list operands are refused."""
import threading

import numpy as np

import npgrad


def test_concurrent_backward_into_a_shared_leaf_loses_nothing():
    w = npgrad.zeros(200_000, requires_grad=True)
    n_threads, n_passes = 8, 25

    def worker():
        for _ in range(n_passes):
            (w * 1.0).sum().backward()

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(w.grad.numpy(), np.full(200_000, n_threads * n_passes, np.float32))


def test_list_operand_is_refused_as_in_torch():
    import pytest
    import torch
    for m in (npgrad, torch):
        with pytest.raises(TypeError):
            m.ones(3) + [1, 2, 3]
