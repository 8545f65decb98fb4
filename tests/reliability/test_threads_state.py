"""Autograd state shared between threads loses no update (issue 14): 8 threads, a tiny switch interval, for
leaf accumulation under create_graph, retain_grad, hook tables, version counters, grad mode (per thread, as
torch) and the anomaly flag (global, as torch, switched under a lock)."""
import sys
import threading
import warnings

import numpy as np
import pytest

import npgrad
from npgrad.autograd import function as _function

N_THREADS = 8


@pytest.fixture(autouse=True)
def tiny_switch_interval():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _threads(work, rounds=1):
    """Run ``work(i, r)`` in N_THREADS threads for each round ``r``, all threads starting each round together."""
    errors = []
    barrier = threading.Barrier(N_THREADS)

    def run(i):
        try:
            for r in range(rounds):
                barrier.wait(30)
                work(i, r)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors[:3]


def test_create_graph_accumulation_into_one_leaf():
    rounds, passes = 6, 25
    ws = [npgrad.ones(4, requires_grad=True) for _ in range(rounds)]

    def work(i, r):
        for _ in range(passes):
            (ws[r] * 2.0).sum().backward(create_graph=True)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the create_graph reference-cycle warning
        _threads(work, rounds)
    for w in ws:
        assert w.grad.tolist() == [2.0 * N_THREADS * passes] * 4


def test_retain_grad_on_a_shared_tensor():
    rounds, passes = 6, 25
    xs = [npgrad.ones(4, requires_grad=True) for _ in range(rounds)]
    hs = [x * 3.0 for x in xs]
    for h in hs:
        h.retain_grad()

    def work(i, r):
        for _ in range(passes):
            (hs[r] * 1.0).sum().backward(retain_graph=True)

    _threads(work, rounds)
    for x, h in zip(xs, hs):
        assert h.grad.tolist() == [float(N_THREADS * passes)] * 4
        assert x.grad.tolist() == [3.0 * N_THREADS * passes] * 4


def test_retain_grad_registration_on_outputs_of_one_node():
    rounds = 30
    xs = [npgrad.ones(N_THREADS, requires_grad=True) for _ in range(rounds)]
    parts = [x.unbind() for x in xs]  # one node, N_THREADS outputs

    def work(i, r):
        parts[r][i].retain_grad()

    _threads(work, rounds)
    for x, ps in zip(xs, parts):
        sum(p * (k + 1.0) for k, p in enumerate(ps)).backward()
        assert [p.grad.item() if p.grad is not None else None for p in ps] == [k + 1.0 for k in range(N_THREADS)]


@pytest.mark.parametrize("kind", ["leaf", "non_leaf", "post_accumulate", "node_post", "node_pre"])
def test_hook_registration_loses_no_hook(kind):
    rounds = 100
    calls = [[0] * N_THREADS for _ in range(rounds)]
    xs = [npgrad.ones(2, requires_grad=True) for _ in range(rounds)]
    hs = [x * 2.0 for x in xs]

    def work(i, r):
        def count(*_):
            calls[r][i] += 1
        x, h = xs[r], hs[r]
        if kind == "leaf":
            x.register_hook(count)
        elif kind == "non_leaf":
            h.register_hook(count)
        elif kind == "post_accumulate":
            x.register_post_accumulate_grad_hook(count)
        elif kind == "node_post":
            h.grad_fn.register_hook(count)
        else:
            h.grad_fn.register_prehook(count)

    _threads(work, rounds)
    for r in range(rounds):
        hs[r].sum().backward()
        assert calls[r] == [1] * N_THREADS, f"round {r}: {calls[r]}"


def test_version_counter_counts_every_in_place_op():
    # (CPython 3.11's GIL happens to make the bare increment atomic; the lock keeps it so without a GIL)
    t = npgrad.zeros(3)
    view = t[1:]
    per_thread = 400

    def work(i, r):
        target = view if i % 2 else t  # a view shares its base's counter
        for _ in range(per_thread):
            target.add_(1.0)

    _threads(work)
    assert t._version == N_THREADS * per_thread
    assert view._version == t._version


def test_grad_mode_is_per_thread_under_stress():
    seen = []

    def work(i, r):
        for k in range(200):
            on = (i + k) % 2 == 0
            with npgrad.set_grad_enabled(on):
                if npgrad.is_grad_enabled() != on:
                    seen.append((i, k))
                with npgrad.no_grad():
                    if npgrad.is_grad_enabled():
                        seen.append((i, k))

    _threads(work)
    assert seen == []
    assert npgrad.is_grad_enabled()


def test_anomaly_flag_and_the_fast_apply_stay_consistent():
    # torch's anomaly mode is one process-wide flag; what must not happen is a lost switch: the flag and the
    # extras count (which sends Function.apply to the slow path) must agree once every thread is done.
    def work(i, r):
        for k in range(100):
            npgrad.autograd.set_detect_anomaly((i + k) % 2 == 0, check_nan=False)

    try:
        _threads(work, 4)
        enabled = npgrad.is_anomaly_enabled()
        assert _function._extras == (1 if enabled else 0)
    finally:
        npgrad.autograd.set_detect_anomaly(False)
    assert _function._extras == 0


def test_concurrent_plain_backward_and_assigned_grads_stay_consistent():
    w = npgrad.zeros(1000, requires_grad=True)
    passes = 20

    def work(i, r):
        for _ in range(passes):
            (w * 1.0).sum().backward()

    _threads(work)
    np.testing.assert_array_equal(w.grad.numpy(), np.full(1000, N_THREADS * passes, np.float32))


@pytest.mark.parametrize("m", ["npgrad", "torch"])
def test_saved_tensor_hooks_are_per_thread_as_in_torch(m):
    m = __import__(m)
    packed = []

    def work(i, r):
        x = m.ones(3, requires_grad=True)
        if i == 0:
            with m.autograd.graph.saved_tensors_hooks(lambda t: packed.append(i) or t, lambda t: t):
                for _ in range(50):
                    (x * x).sum()
        elif i == 1:
            with m.autograd.graph.disable_saved_tensors_hooks("off here"):
                for _ in range(50):
                    (x * x).sum()
        else:
            for _ in range(50):
                (x * x).sum()  # no hooks of thread 0 here
            with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):  # not disabled by thread 1
                pass

    _threads(work)
    assert packed == [0] * 100
