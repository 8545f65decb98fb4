"""Run one layer on npgrad and on torch from identical weights and compare everything that comes out.

A ``ModuleInfo`` builds the layer with ``make(m)`` (``m`` is ``npgrad`` or ``torch``: one lambda drives both),
draws inputs with ``inputs(rng)`` (NumPy arrays; floating ones require grad unless wrapped in ``NoGrad``) and calls
it with ``call(module, *inputs)``. ``check_module`` then compares, against torch:

* the ``state_dict`` keys (in order), shapes and dtypes, and the module's repr;
* after copying torch's weights in through ``load_state_dict``: the outputs (values, dtypes, shapes);
* the gradients of ``sum(out * w)`` for every input and every parameter (by name);
* the buffers after the call (running statistics, batch counters).
"""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

import npgrad
from tests.support.op_db import NoGrad
from tests.support.oracle import assert_same, make_inputs, to_np

__all__ = ["ModuleInfo", "check_module", "check_structure", "NoGrad", "copy_weights", "flat_tensors", "normalise"]


@dataclass
class ModuleInfo:
    name: str
    make: Callable
    inputs: Callable
    call: Callable = None
    train: bool = True
    grad: bool = True
    rtol: float = None
    atol: float = None
    double: bool = False  # run both in float64 (module and inputs)
    extra: dict = field(default_factory=dict)

    def __str__(self):
        return self.name


def normalise(text):
    """npgrad prints ``npgrad.float32`` where torch prints ``torch.float32``."""
    return text.replace("npgrad.", "torch.")


def copy_weights(ours, theirs):
    """Load torch's parameters and buffers into the npgrad module (state_dict round trip)."""
    state = {k: npgrad.tensor(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()}
    return ours.load_state_dict(state)


def flat_tensors(out):
    """The tensors of a (nested) output, in order: LSTM returns (out, (h, c))."""
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in flat_tensors(o)]
    return [out]


def _build(info, m):
    module = info.make(m)
    if info.double:
        module = module.double()
    return module.train(info.train)


def check_structure(info, seed=0):
    """Build both; compare state_dict keys, shapes and dtypes, parameter names and repr. Returns both modules."""
    torch.manual_seed(seed)
    theirs = _build(info, torch)
    ours = _build(info, npgrad)
    t_state, o_state = theirs.state_dict(), ours.state_dict()
    assert list(o_state) == list(t_state), f"state_dict keys {list(o_state)} vs torch {list(t_state)}"
    for k in t_state:
        assert tuple(o_state[k].shape) == tuple(t_state[k].shape), f"{k}: shape"
        assert normalise(str(o_state[k].dtype)) == str(t_state[k].dtype), f"{k}: dtype"
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert normalise(repr(ours)) == repr(theirs)
    return theirs, ours


def check_module(info, seed=0):
    theirs, ours = check_structure(info, seed)
    copy_weights(ours, theirs)

    rng = np.random.default_rng(seed)
    arrays = info.inputs(rng)
    if info.double:
        arrays = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in arrays]
    t_in = make_inputs(torch, arrays, info.grad)
    o_in = make_inputs(npgrad, arrays, info.grad)
    call = info.call or (lambda mod, *xs: mod(*xs))
    t_out, o_out = call(theirs, *t_in), call(ours, *o_in)
    assert_same(o_out, t_out, "forward", info.rtol, info.atol)
    for (k, t_buf), (k2, o_buf) in zip(theirs.named_buffers(), ours.named_buffers()):
        assert k == k2
        assert_same(o_buf, t_buf, f"buffer {k}", info.rtol, info.atol)
    if not info.grad:
        return
    t_outs, o_outs = flat_tensors(t_out), flat_tensors(o_out)
    t_loss = o_loss = None
    for t, o in zip(t_outs, o_outs):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            w = rng.standard_normal(tuple(t.shape)).astype(to_np(t).dtype)
            t_loss = (t * torch.tensor(w)).sum() + (0 if t_loss is None else t_loss)
            o_loss = (o * npgrad.tensor(w)).sum() + (0 if o_loss is None else o_loss)
    assert t_loss is not None, "nothing to differentiate"
    t_loss.backward()
    o_loss.backward()
    for i, (t, o) in enumerate(zip(t_in, o_in)):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            assert_same(o.grad, t.grad, f"input {i} grad", info.rtol, info.atol)
    o_params = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        if p.grad is None:
            assert o_params[name].grad is None or not np.any(to_np(o_params[name].grad)), f"{name}.grad"
        else:
            assert_same(o_params[name].grad, p.grad, f"{name}.grad", info.rtol, info.atol)
