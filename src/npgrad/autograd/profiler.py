"""``npgrad.autograd.profiler``: torch's older profiler interface, over the same recorder as
``npgrad.profiler`` (``with profile() as prof: ...; print(prof.key_averages().table())``)."""
from ..profiler import (record_function, EventList, FunctionEvent, FunctionEventAvg, ProfilerActivity,
                        _KinetoProfileBase, kineto_available)

__all__ = ["profile", "record_function", "emit_nvtx", "emit_itt", "EventList", "FunctionEvent",
           "FunctionEventAvg", "ProfilerActivity", "kineto_available"]


class profile(_KinetoProfileBase):
    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        if use_cuda or use_device not in (None, "cpu"):
            raise AssertionError("Torch not compiled with CUDA enabled")
        self.enabled = enabled
        self._init(record_shapes, profile_memory, with_stack, with_flops)

    def __enter__(self):
        if self.enabled:
            self._start_recording()
        return self

    def __exit__(self, *exc):
        self._stop_recording()
        return False


class emit_nvtx:
    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")
        return self

    def __exit__(self, *exc):
        return False


class emit_itt(emit_nvtx):
    def __enter__(self):
        if self.enabled:
            raise RuntimeError("ITT is not available in npgrad")
        return self
