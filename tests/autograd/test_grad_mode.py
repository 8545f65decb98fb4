"""Grad modes: context managers, decorators, set_grad_enabled as a function, inference_mode, threads."""
import threading

import pytest
import torch

import npgrad


@pytest.mark.parametrize("m", [npgrad, torch], ids=["npgrad", "torch"])
def test_modes_as_context_managers_and_decorators(m):
    x = m.ones(2, requires_grad=True)
    assert m.is_grad_enabled()
    with m.no_grad():
        assert not m.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert m.is_grad_enabled()

    @m.no_grad()
    def f():
        return x * 2
    assert not f().requires_grad

    @m.no_grad()
    def gen():
        yield x * 2
    assert not next(gen()).requires_grad

    with m.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert m.is_grad_enabled()
    m.set_grad_enabled(False)
    assert not m.is_grad_enabled()
    m.set_grad_enabled(True)
    assert m.is_grad_enabled()
    with m.inference_mode():
        assert not (x * 2).requires_grad
    with m.no_grad():
        with m.enable_grad():
            assert (x * 2).requires_grad


def test_inference_mode_tensors_refuse_requires_grad():
    for m in (npgrad, torch):
        with m.inference_mode():
            t = m.ones(2)
        with pytest.raises(RuntimeError):
            t.requires_grad_(True)


def test_grad_mode_is_per_thread():
    seen = {}

    def worker():
        seen["thread"] = npgrad.is_grad_enabled()
        x = npgrad.ones(2, requires_grad=True)
        seen["req"] = (x * 2).requires_grad

    with npgrad.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not npgrad.is_grad_enabled()
    assert seen == {"thread": True, "req": True}
