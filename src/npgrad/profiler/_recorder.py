"""The recording behind ``npgrad.profiler``: one switch, ``function._op_observer``.

While a profile records, ``start`` turns on the autograd extras path (``function.extras_on``), so every
``Function.apply`` - built-in or custom - runs through ``function._apply_extras``, which hands it to ``_observe``
here to be timed; and it swaps ``BackwardNode._run`` for a timed one so each backward node is an event too.
``stop`` puts both back: with no profile recording, ops run the ordinary fast ``apply`` and pay nothing.
"""
import itertools
import threading
import time
import traceback

import numpy as np

from ..autograd import function as _function
from ._events import FunctionEvent

_lock = threading.Lock()
_active = None  # the _Recording in progress (one at a time, as torch)
_ids = itertools.count()
_local = threading.local()
_perf_ns = time.perf_counter_ns


class _Recording:
    def __init__(self, record_shapes, profile_memory, with_stack):
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.events = []
        self.t0 = _perf_ns()


def _stack():
    s = getattr(_local, "stack", None)
    if s is None:
        s = _local.stack = []
    return s


def _shapes(args):
    T = _function.Tensor
    return [list(a._data.shape) if isinstance(a, T) else [] for a in args]


def open_event(name, args=(), user=False):
    rec = _active
    if rec is None:
        return None
    stack = _stack()
    ev = FunctionEvent(next(_ids), name, (_perf_ns() - rec.t0) / 1e3, threading.get_ident(),
                       _shapes(args) if rec.record_shapes else [], user,
                       [f"{f.filename}({f.lineno}): {f.name}" for f in traceback.extract_stack()[:-3]]
                       if rec.with_stack else None)
    if stack:
        ev.cpu_parent = stack[-1]
        stack[-1].cpu_children.append(ev)
    stack.append(ev)
    ev._rec = rec
    return ev


def close_event(ev, result=None):
    if ev is None:
        return
    ev.time_range.end = (_perf_ns() - ev._rec.t0) / 1e3
    stack = _stack()
    if stack and stack[-1] is ev:
        stack.pop()
    if ev._rec.profile_memory:  # what the call allocated: its outputs' buffers, and its children's
        T = _function.Tensor
        outs = result if type(result) in (tuple, list) else (result,)
        ev.cpu_memory_usage = sum(o._data.nbytes if isinstance(o, T) else o.nbytes for o in outs
                                  if isinstance(o, (T, np.ndarray))) + sum(c.cpu_memory_usage for c in ev.cpu_children)
    ev._rec.events.append(ev)


def op_name(cls):
    """torch's event name for an op: ``aten::`` and the snake-case op (``LogSoftmaxBackward0`` -> log_softmax);
    a user Function is named by its class, as torch names it."""
    if not cls._builtin:
        return cls.__name__
    name = cls._node_cls.__name__
    base = name[:name.rindex("Backward")] if "Backward" in name else name
    out = []
    for i, ch in enumerate(base):
        if ch.isupper() and i and (not base[i - 1].isupper() or (i + 1 < len(base) and base[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "aten::" + "".join(out)


def _observe(cls, args, kwargs, run):
    ev = open_event(op_name(cls), args)
    res = None
    try:
        res = run(cls, args, kwargs)
        return res
    finally:
        close_event(ev, res)


_plain_run = _function.BackwardNode._run


def _timed_run(self, grads, create):
    ev = open_event(self.name(), ())
    res = None
    try:
        res = _plain_run(self, grads, create)
        return res
    finally:
        close_event(ev, res)


def start(record_shapes=False, profile_memory=False, with_stack=False):
    global _active
    with _lock:
        if _active is not None:
            raise RuntimeError("Profiler is already enabled on this thread")
        _active = _Recording(record_shapes, profile_memory, with_stack)
        _function._op_observer = _observe
        _function.BackwardNode._run = _timed_run
        _function.extras_on()
    return _active


def stop():
    global _active
    with _lock:
        rec = _active
        if rec is None:
            return None
        _active = None
        _function._op_observer = None
        _function.BackwardNode._run = _plain_run
        _function.extras_off()
    return rec


def is_recording():
    return _active is not None
