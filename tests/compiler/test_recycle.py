"""Saved arrays recycled between replays (docs/compile.md, buffer reuse): an array a replay's forward makes
and saves for its backward comes from a pool the program keeps, and goes back to it when the replay's saved
values are dropped and nothing else refers to it. Replays alive at once must never share an array, a tensor
the user keeps must never be overwritten, results must be bitwise those of a program built without recycling.
"""
import threading
import tracemalloc

import numpy as np
import pytest

import npgrad
from npgrad import compiler
from npgrad.compiler import codegen

STEPS, BATCH, HID, NIN = 8, 32, 64, 16
NBYTES = BATCH * HID * 4   # one saved float32 hidden state (8 KiB)


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.setattr(codegen, "RECYCLE", True)
    monkeypatch.setattr(codegen, "RECYCLE_MIN_BYTES", NBYTES)   # small arrays here, to keep the tests quick
    compiler.reset()
    yield
    compiler.reset()


def _params(seed=0):
    g = np.random.default_rng(seed)
    mk = lambda *s: npgrad.tensor((g.standard_normal(s) * 0.2).astype(np.float32), requires_grad=True)
    return mk(HID, NIN), mk(HID, HID), mk(HID)


def _xs(seed):
    g = np.random.default_rng(100 + seed)
    return [npgrad.tensor(g.standard_normal((BATCH, NIN)).astype(np.float32)) for _ in range(STEPS)]


def _rnn(w_ih, w_hh, b, xs):
    h = npgrad.zeros(BATCH, HID)
    mid = None
    for i, x in enumerate(xs):
        h = npgrad.tanh(x @ w_ih.T + h @ w_hh.T + b)
        if i == STEPS // 2:
            mid = h
    return (h * h).mean(), h, mid[1]   # the loss, the last state, a view of a saved middle state


def _grads(f, params, xs, keep=None):
    for p in params:
        p.grad = None
    loss, h, v = f(*params, xs)
    loss.backward()
    if keep is not None:
        keep.append((h, v, h.detach().numpy().copy(), v.detach().numpy().copy()))
    return [p.grad.numpy().copy() for p in params] + [loss.detach().numpy().copy()]


def _program(f):
    progs = [p for v in f._npgrad_compiled._cache.values() if isinstance(v, list) for p in v]
    assert len(progs) == 1
    return progs[0]


def test_generated_forward_takes_saved_arrays_from_a_pool():
    params = _params()
    f = npgrad.compile(_rnn)
    _grads(f, params, _xs(0))
    src = _program(f).source
    assert "recycled: " in src and "_take(" in src


def test_arrays_below_the_size_threshold_are_not_recycled():
    codegen.RECYCLE_MIN_BYTES = NBYTES + 1
    params = _params()
    f = npgrad.compile(_rnn)
    _grads(f, params, _xs(0))
    assert "recycled: " not in _program(f).source and "H" not in _program(f).ns


def test_steady_step_reuses_the_same_saved_arrays_and_allocates_less():
    params = _params()
    f = npgrad.compile(_rnn)
    for k in range(3):
        _grads(f, params, _xs(k))
    back = _program(f).ns["H"].back
    assert len(back) >= STEPS - 1
    pools = {id(pool): pool for _, pool in back}
    before = {id(a) for pool in pools.values() for a in pool}
    assert len(before) >= STEPS - 2   # not the returned state, nor the middle one (a returned view's base)
    _grads(f, params, _xs(5))
    after = {id(a) for pool in pools.values() for a in pool}
    # the same arrays went out and came back (less the one a returned view keeps, replaced by a new one)
    assert len(after) == len(before) and len(after & before) >= len(before) - 1

    def peak_added(fn):
        for k in range(3):
            _grads(fn, params, _xs(k))
        tracemalloc.start()
        try:
            best = None
            for k in range(3):
                cur = tracemalloc.get_traced_memory()[0]
                tracemalloc.reset_peak()
                _grads(fn, params, _xs(k))
                add = tracemalloc.get_traced_memory()[1] - cur
                best = add if best is None else min(best, add)
        finally:
            tracemalloc.stop()
        return best
    on = peak_added(f)
    codegen.RECYCLE = False
    off = peak_added(npgrad.compile(_rnn))
    # the saved hidden states (less the returned one and the viewed one) no longer come new on every step
    assert off - on >= 0.75 * (STEPS - 2) * NBYTES, (off, on)


def test_results_bitwise_equal_to_a_program_without_recycling():
    params = _params()
    f = npgrad.compile(_rnn)
    got = [_grads(f, params, _xs(k)) for k in range(4)]
    codegen.RECYCLE = False
    g = npgrad.compile(_rnn)
    want = [_grads(g, params, _xs(k)) for k in range(4)]
    assert "recycled: " not in _program(g).source
    for a, b in zip(got, want):
        for x, y in zip(a, b):
            assert np.array_equal(x, y)


def test_two_live_replays_then_two_backwards_give_eager_gradients():
    params = _params()
    f = npgrad.compile(_rnn)
    _grads(f, params, _xs(0))          # the pool is filled
    _grads(f, params, _xs(1))
    eager = [_grads(_rnn, params, _xs(k)) for k in (2, 3)]
    for p in params:
        p.grad = None
    l2 = f(*params, _xs(2))[0]
    l3 = f(*params, _xs(3))[0]         # alive at once: must not share an array with l2's replay
    l3.backward()
    g3 = [p.grad.numpy().copy() for p in params]
    for p in params:
        p.grad = None
    l2.backward()
    g2 = [p.grad.numpy().copy() for p in params]
    for got, want in ((g2, eager[0]), (g3, eager[1])):
        for x, y in zip(got, want):
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def test_retain_graph_twice_keeps_the_saved_arrays():
    params = _params()
    f = npgrad.compile(_rnn)
    _grads(f, params, _xs(0))
    want = _grads(_rnn, params, _xs(1))
    for p in params:
        p.grad = None
    loss = f(*params, _xs(1))[0]
    loss.backward(retain_graph=True)
    _grads(f, params, _xs(4))          # other replays in between take from the pool, not loss's arrays
    _grads(f, params, _xs(5))
    for p in params:
        p.grad = None
    loss.backward(retain_graph=True)
    loss.backward()
    for p, w in zip(params, want):
        np.testing.assert_allclose(p.grad.numpy(), 2 * w, rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError):
        loss.backward()


def test_tensors_kept_by_the_user_are_never_overwritten():
    params = _params()
    f = npgrad.compile(_rnn)
    keep = []
    for k in range(6):
        _grads(f, params, _xs(k), keep)   # keeps the returned state and a view of a saved middle state
    for h, v, h0, v0 in keep:
        assert np.array_equal(h.detach().numpy(), h0)
        assert np.array_equal(v.detach().numpy(), v0)
    # a kept view's base is never handed back to the pool
    pooled = {id(a) for _, pool in _program(f).ns["H"].back for a in pool}
    for h, v, _, _ in keep:
        assert id(v.detach().numpy().base) not in pooled and id(h.detach().numpy()) not in pooled


def test_threads_replaying_at_once_get_their_own_arrays():
    params = _params()
    f = npgrad.compile(_rnn)
    _grads(f, params, _xs(0))
    seeds = list(range(1, 9))
    want = {}
    for k in seeds:
        loss, _, _ = _rnn(*params, _xs(k))
        want[k] = npgrad.autograd.grad(loss, params)
    errors = []
    barrier = threading.Barrier(4)

    def work(ks):
        try:
            barrier.wait()
            for _ in range(3):
                for k in ks:
                    loss, _, _ = f(*params, _xs(k))
                    got = npgrad.autograd.grad(loss, params)
                    for x, y in zip(got, want[k]):
                        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-5, atol=1e-6)
        except Exception as e:   # reported below
            errors.append(e)
    ts = [threading.Thread(target=work, args=(seeds[i::4],)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors, errors[0]
