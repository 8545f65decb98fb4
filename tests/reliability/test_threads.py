"""Threads: grad mode is per thread, concurrent training equals sequential training, and backward from
several threads on independent graphs is safe."""
import threading

import numpy as np

import npgrad
from npgrad import nn


def _run_threads(targets):
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)


def test_grad_mode_is_per_thread():
    x = npgrad.ones(3, requires_grad=True)
    inside, started, release = {}, threading.Event(), threading.Event()

    def other():
        started.wait(10)
        inside["enabled"] = npgrad.is_grad_enabled()
        inside["req"] = (x * 2).requires_grad
        with npgrad.no_grad():
            release.set()
            inside["nograd"] = (x * 2).requires_grad

    t = threading.Thread(target=other)
    t.start()
    with npgrad.no_grad():
        started.set()
        release.wait(10)
        assert (x * 2).requires_grad is False
    t.join(10)
    assert inside == {"enabled": True, "req": True, "nograd": False}
    assert npgrad.is_grad_enabled()


def _train(seed, steps=60):
    rng = np.random.default_rng(seed)
    gen = npgrad.Generator().manual_seed(seed) if hasattr(npgrad, "Generator") else None
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2))
    with npgrad.no_grad():  # deterministic weights from a per-thread NumPy generator, not the global RNG
        for p in model.parameters():
            p.copy_(npgrad.tensor(rng.normal(0, 0.3, tuple(p.shape)).astype(np.float32)))
    opt = npgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = npgrad.tensor(rng.normal(size=(16, 5)).astype(np.float32))
    y = npgrad.tensor(rng.integers(0, 2, 16))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        with npgrad.enable_grad():
            loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        with npgrad.no_grad():  # toggling grad mode in one thread must not affect the other
            model(x)
        losses.append(loss.item())
    del gen
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


def test_concurrent_training_equals_sequential():
    seeds = [1, 2, 3]
    sequential = [_train(s) for s in seeds]
    results = {}
    _run_threads([lambda s=s: results.__setitem__(s, _train(s)) for s in seeds])
    for s, (losses, params) in zip(seeds, sequential):
        assert results[s][0] == losses
        for a, b in zip(results[s][1], params):
            np.testing.assert_array_equal(a, b)


def test_backward_from_several_threads_on_independent_graphs():
    n = 4
    expected, got = {}, {}
    rng = np.random.default_rng(0)
    data = [rng.normal(size=(6, 6)) for _ in range(n)]

    def work(i, out):
        for _ in range(40):
            x = npgrad.tensor(data[i], requires_grad=True)
            h = (x @ x.T).tanh()
            h.register_hook(lambda g: g * 2)
            loss = (h.sigmoid() * x).sum() + x.exp().mean()
            loss.backward()
            g, = npgrad.autograd.grad((x * x).sum(), x)
            out[i] = (x.grad.numpy().copy(), g.numpy().copy())

    for i in range(n):
        work(i, expected)
    _run_threads([lambda i=i: work(i, got) for i in range(n)])
    for i in range(n):
        np.testing.assert_array_equal(got[i][0], expected[i][0])
        np.testing.assert_array_equal(got[i][1], expected[i][1])

