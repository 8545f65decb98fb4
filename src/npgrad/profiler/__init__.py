"""``npgrad.profiler``: torch.profiler's interface over a real per-op timer.

Inside ``with profile() as prof:`` every op call (``Function.apply``: ``aten::mul``, ``aten::addmm``, user
Functions by class name), every backward node (``MulBackward0``) and every ``record_function`` range is timed
with ``time.perf_counter_ns``; ``prof.key_averages().table(sort_by="cpu_time_total")`` prints torch's table of
counts and self/total CPU times. The switch is ``npgrad.autograd.function._op_observer`` (see
``_recorder.py``): it is set only while a profile records, so code outside a profile runs at full speed.

>>> import npgrad as torch
>>> from npgrad.profiler import profile, record_function
>>> x = torch.randn(50, 50)
>>> with profile() as prof:
...     with record_function("step"):
...         y = (x @ x).relu()
>>> sorted(e.key for e in prof.key_averages())
['aten::mm', 'aten::relu', 'step']
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Literal

import enum
import functools
import os
import socket
import time

from . import _recorder
from ._events import EventList, FunctionEvent, FunctionEventAvg

__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction", "schedule",
           "tensorboard_trace_handler", "supported_activities", "kineto_available", "EventList", "FunctionEvent",
           "FunctionEventAvg", "DeviceType"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class DeviceType(enum.Enum):
    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities() -> set[ProfilerActivity]:
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    return False


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """torch's step schedule: skip ``skip_first`` steps, then cycles of ``wait`` idle, ``warmup``, ``active``
    recorded steps (the last of which saves), ``repeat`` times (0: forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    if warmup == 0:
        import warnings
        warnings.warn("Profiler won't be using warmup, this can skew profiler results")

    def schedule_fn(step):
        if step < 0:
            raise AssertionError(f"Invalid step: {step}")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait and step < wait:
            pass
        cycle = wait + warmup + active
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return schedule_fn


def _default_schedule(step):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False) -> Callable[[Any], None]:
    """An ``on_trace_ready`` that writes each trace as ``<dir>/<worker>.<ms>.pt.trace.json``."""
    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        name = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{name}.{time.time_ns() // 1_000_000}.pt.trace.json")
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            import shutil
            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)
    return handler


class record_function:
    """``with record_function("name"):`` (or as a decorator) marks a range; it shows in the table as one row."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self.args = args
        self._ev = None

    def __enter__(self) -> record_function:
        self._ev = _recorder.open_event(self.name, (), user=True)
        return self

    def __exit__(self, *exc: Any) -> Literal[False]:
        _recorder.close_event(self._ev)
        self._ev = None
        return False

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped


class _KinetoProfileBase:
    """What both ``profile`` classes share: the events of the last recording and their summaries."""

    def _init(self, record_shapes, profile_memory, with_stack, with_flops):
        if with_flops:
            raise NotImplementedError("npgrad's profiler does not count FLOPs (with_flops=True)")
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self._events = None
        self._recording = False

    def _start_recording(self):
        _recorder.start(self.record_shapes, self.profile_memory, self.with_stack)
        self._recording = True

    def _stop_recording(self):
        if self._recording:
            rec = _recorder.stop()
            self._recording = False
            self._events = EventList(sorted(rec.events, key=lambda e: e.time_range.start),
                                     profile_memory=self.profile_memory)

    def events(self) -> EventList:
        if self._events is None:
            raise AssertionError("Profiler didn't finish running")
        return self._events

    @property
    def function_events(self) -> EventList:
        return self.events()

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False) -> str:
        return self.events().table(sort_by=sort_by, row_limit=row_limit, max_name_column_width=max_name_column_width,
                                   max_shapes_column_width=max_shapes_column_width, header=header,
                                   top_level_events_only=top_level_events_only)

    def total_average(self) -> FunctionEventAvg:
        return self.events().total_average()

    @property
    def self_cpu_time_total(self) -> float:
        return self.events().self_cpu_time_total

    def export_chrome_trace(self, path: str) -> None:
        self.events().export_chrome_trace(path)

    def __str__(self):
        return self.table()


class profile(_KinetoProfileBase):
    """``with npgrad.profiler.profile(...) as prof:`` - records the ops in the block (see the module doc).
    With a ``schedule``, ``prof.step()`` advances it and ``on_trace_ready(prof)`` runs after each active
    window."""

    def __init__(self, *, activities: Iterable[ProfilerActivity] | None = None,
                 schedule: Callable[[int], ProfilerAction] | None = None,
                 on_trace_ready: Callable[[profile], Any] | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, experimental_config: Any = None, execution_trace_observer: Any = None,
                 acc_events: bool = False, use_cuda: bool | None = None,
                 custom_trace_id_callback: Callable[[], str] | None = None,
                 post_processing_timeout_s: float | None = None) -> None:
        self._init(record_shapes, profile_memory, with_stack, with_flops)
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule if schedule is not None else _default_schedule
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.current_action = self.schedule(0)

    def start(self) -> None:
        if self.current_action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._start_recording()

    def stop(self) -> None:
        was = self._recording
        self._stop_recording()
        if was and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def step(self) -> None:
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        recording = self.current_action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if prev is ProfilerAction.RECORD_AND_SAVE or (self._recording and not recording):
            self.stop()
        if recording and not self._recording:
            self._start_recording()

    def __enter__(self) -> profile:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> Literal[False]:
        self.stop()
        return False
