"""``npgrad.autograd.profiler``: torch's older profiler interface, over the same recorder as
``npgrad.profiler`` (``with profile() as prof: ...; print(prof.key_averages().table())``)."""
from __future__ import annotations

from typing import Any, Callable, Literal

from ..profiler import (record_function, EventList, FunctionEvent, FunctionEventAvg, ProfilerActivity,
                        _KinetoProfileBase, kineto_available)

__all__ = ["profile", "record_function", "emit_nvtx", "emit_itt", "EventList", "FunctionEvent",
           "FunctionEventAvg", "ProfilerActivity", "kineto_available"]


class profile(_KinetoProfileBase):
    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device: str | None = None,
                 record_shapes: bool = False, with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False, use_kineto: bool = False, use_cpu: bool = True,
                 experimental_config: Any = None, acc_events: bool = False,
                 custom_trace_id_callback: Callable[[], str] | None = None) -> None:
        if use_cuda or use_device not in (None, "cpu"):
            raise AssertionError("Torch not compiled with CUDA enabled")
        self.enabled = enabled
        self._init(record_shapes, profile_memory, with_stack, with_flops)

    def __enter__(self) -> profile:
        if self.enabled:
            self._start_recording()
        return self

    def __exit__(self, *exc: Any) -> Literal[False]:
        self._stop_recording()
        return False


class emit_nvtx:
    def __init__(self, enabled: bool = True, record_shapes: bool = False) -> None:
        self.enabled = enabled

    def __enter__(self) -> emit_nvtx:
        if self.enabled:
            raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")
        return self

    def __exit__(self, *exc: Any) -> Literal[False]:
        return False


class emit_itt(emit_nvtx):
    def __enter__(self) -> emit_itt:
        if self.enabled:
            raise RuntimeError("ITT is not available in npgrad")
        return self
