"""``npgrad.jit``: TorchScript's decorators and entry points, as pass-throughs.

npgrad has no TorchScript compiler; Python runs the code. ``script`` and ``trace`` return what they were given
(a function or module still computes exactly what it did), and ``ignore``/``unused``/``export``/``interface``
leave the decorated function as it is, so decorated code runs unchanged. Saving a TorchScript archive
(``jit.save``/``jit.load``) needs the compiler and raises ``NotImplementedError``; use ``npgrad.save``.

>>> import npgrad as torch
>>> @torch.jit.script
... def f(x):
...     return x * 2
>>> f(torch.ones(2))
tensor([2., 2.])
"""
from __future__ import annotations

import contextlib
import typing
import warnings
from ..futures import Future
from .._warn import warn as _warn

__all__ = ["script", "trace", "trace_module", "ignore", "unused", "export", "interface", "is_scripting",
           "is_tracing", "ScriptModule", "ScriptFunction", "script_method", "annotate", "Final", "Attribute",
           "fork", "wait", "Future", "isinstance", "freeze", "optimize_for_inference", "optimized_execution",
           "fuser", "set_fusion_strategy", "enable_onednn_fusion", "onednn_fusion_enabled", "save", "load",
           "script_if_tracing", "TracerWarning", "Error", "strict_fusion", "CompilationUnit"]

if typing.TYPE_CHECKING:
    from typing import Any, Callable, Iterator, TypeVar

    _T = TypeVar("_T")

Final = typing.Final
_builtin_isinstance = isinstance


class Error(RuntimeError):
    """TorchScript's error type (never raised by npgrad; kept for ``except`` clauses)."""


class TracerWarning(Warning):
    pass


class ScriptWarning(Warning):
    pass


def is_scripting() -> bool:
    """False: code never runs under TorchScript here."""
    return False


def is_tracing() -> bool:
    return False


def script(obj: _T, optimize: Any = None, _frames_up: int = 0, _rcb: Any = None, example_inputs: Any = None) -> _T:
    """Return ``obj`` unchanged (a function, module or class runs as Python)."""
    if optimize is not None:
        _warn("`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` "
                      "instead", FutureWarning)
    return obj


def trace(func: _T, example_inputs: Any = None, optimize: Any = None, check_trace: bool = True,
          check_inputs: Any = None, check_tolerance: float = 1e-5, strict: bool = True, _force_outplace: bool = False,
          _module_class: Any = None, _compilation_unit: Any = None, example_kwarg_inputs: Any = None,
          _store_inputs: bool = True) -> _T:
    """Return ``func`` unchanged: Python runs it on every call, so no input is needed to record it."""
    if not callable(func):
        raise AttributeError(f"'{type(func).__name__}' object has no attribute '__call__'")
    return func


def trace_module(mod: _T, inputs: Any, *args: Any, **kwargs: Any) -> _T:
    return mod


def script_if_tracing(fn: _T) -> _T:
    return fn


def ignore(drop: Any = False, **kwargs: Any) -> Any:
    """``@torch.jit.ignore`` or ``@torch.jit.ignore(drop=True)``: leaves the function as Python."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn: _T) -> _T:
    return fn


def export(fn: _T) -> _T:
    return fn


def interface(obj: _T) -> _T:
    return obj


def script_method(fn: _T) -> _T:
    return fn


def annotate(the_type: Any, the_value: _T) -> _T:
    return the_value


def isinstance(obj: Any, target_type: Any) -> bool:
    """``torch.jit.isinstance``: Python's isinstance, with typing's containers (``List[int]``) checked by their
    origin type."""
    origin = typing.get_origin(target_type)
    return _builtin_isinstance(obj, origin if origin is not None else target_type)


class Attribute:
    """``torch.jit.Attribute(value, type)``: outside TorchScript, just the value."""

    def __new__(cls, value, type=None):
        return value


def fork(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
    """Run ``func`` now (no inter-op thread pool) and return a finished ``Future``."""
    fut = Future()
    fut.set_result(func(*args, **kwargs))
    return fut


def wait(future: Future) -> Any:
    return future.wait()


def freeze(mod: _T, preserved_attrs: list[str] | None = None, optimize_numerics: bool = True) -> _T:
    return mod


def optimize_for_inference(mod: _T, other_methods: list[str] | None = None) -> _T:
    return mod


@contextlib.contextmanager
def optimized_execution(should_optimize: bool) -> Iterator[None]:
    yield


@contextlib.contextmanager
def fuser(name: str) -> Iterator[None]:
    yield


@contextlib.contextmanager
def strict_fusion() -> Iterator[None]:
    yield


def set_fusion_strategy(strategy: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return []


_onednn = [False]


def enable_onednn_fusion(enabled: bool) -> None:
    _onednn[0] = bool(enabled)


def onednn_fusion_enabled() -> bool:
    return _onednn[0]


def save(m: Any, f: Any, _extra_files: Any = None) -> None:
    raise NotImplementedError("npgrad has no TorchScript archive format: torch.jit.save needs the TorchScript "
                              "compiler. Save the weights with npgrad.save(model.state_dict(), f) instead.")


def load(f: Any, map_location: Any = None, _extra_files: Any = None, _restore_shapes: bool = False) -> Any:
    raise NotImplementedError("npgrad cannot run TorchScript archives (torch.jit.load): load a state_dict saved "
                              "with torch.save(model.state_dict(), f) into the Python model instead.")


class CompilationUnit:
    def __init__(self, lang: str | None = None, _frames_up: int = 0) -> None:
        if lang is not None:
            raise NotImplementedError("npgrad has no TorchScript compiler to compile source strings")


def __getattr__(name: str) -> Any:
    # ScriptModule/ScriptFunction need npgrad.nn, loaded only when asked for (keeps `import npgrad.jit` light)
    if name in ("ScriptModule", "RecursiveScriptModule", "TracedModule", "TopLevelTracedModule"):
        from .. import nn

        class ScriptModule(nn.Module):
            """Base class of TorchScript modules: an ordinary ``nn.Module`` here."""
        for n in ("ScriptModule", "RecursiveScriptModule", "TracedModule", "TopLevelTracedModule"):
            globals()[n] = ScriptModule
        return ScriptModule
    if name == "ScriptFunction":
        import types
        globals()[name] = types.FunctionType
        return types.FunctionType
    raise AttributeError(f"module 'npgrad.jit' has no attribute '{name}'")
