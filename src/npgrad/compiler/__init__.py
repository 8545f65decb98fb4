"""``npgrad.compile`` and ``npgrad.compiler``: torch.compile's interface, backed by capture and replay.

The first call for a guard key (argument shapes, dtypes, requires_grad, non-tensor argument values, grad mode,
the called modules' ``training`` flags and scalar attributes, the identity/shape/dtype of the parameters and
other outside tensors read) runs eagerly while every built-in op is recorded (``capture.py``); the tape becomes
one generated Python function for forward and one for backward (``codegen.py``), run on raw arrays by later
calls with the same key (``runtime.py``). The outputs hang on one ``CompiledFunctionBackward`` node, so
``backward()``, ``.grad`` accumulation, parameter hooks and optimizers work as in eager mode. What cannot be
replayed faithfully (``.item()``, data-dependent control flow, printing, custom autograd Functions, ...) is a
graph break: one ``GraphBreakWarning`` naming the cause, and that key runs eagerly for good
(``fullgraph=True``: ``Unsupported`` instead). See docs/compile.md.

>>> import npgrad as torch
>>> f = torch.compile(lambda x: x.sin() + 1)
>>> f(torch.zeros(2))
tensor([1., 1.])
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from ..nn import Module
    from .optim import CompiledStep

_F = TypeVar("_F", bound=Callable[..., Any])

import functools

from .capture import Unsupported
from .runtime import CompiledCallable, GraphBreakWarning, counters, explain_text as _explain_text, \
    _all_compiled, _stance as _current_stance

__all__ = ["compile", "disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "reset",
           "allow_in_graph", "assume_constant_result", "list_backends", "set_stance", "cudagraph_mark_step_begin",
           "substitute_in_graph", "OptimizedModule", "counters", "explain", "GraphBreakWarning", "Unsupported"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs")


def list_backends(exclude_tags: tuple[str, ...] | None = ("debug", "experimental")) -> list[str]:
    """The backend names ``compile`` accepts (all run eagerly in npgrad for now)."""
    return ["cudagraphs", "inductor"] if exclude_tags else sorted(_BACKENDS)


def _check_backend(backend):
    if callable(backend) and not isinstance(backend, str):
        raise NotImplementedError("npgrad.compile cannot call a custom backend: it has no FX graph to give it; "
                                  "use backend='inductor' (the default) or 'eager'")
    if backend not in _BACKENDS:
        raise RuntimeError(f"Invalid backend: '{backend}', see `torch._dynamo.list_backends()` for available "
                           f"backends.")


def compile(model: Callable[..., Any] | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,
            backend: str | Callable[..., Any] = "inductor", mode: str | None = None,
            options: dict[str, Any] | None = None, name: str | None = None, disable: bool = False,
            recompile_limit: int | None = None, isolate_recompiles: bool = False,
            shapes_spec: Any = None) -> Any:
    """``compile(model)``, ``compile(fn)``, or ``@compile`` / ``@compile(mode=...)`` as a decorator.

    Example:
        >>> import npgrad as torch
        >>> def f(x):
        ...     return torch.relu(x) * 2 + 1
        >>> g = torch.compile(f)
        >>> g(torch.tensor([-1.0, 0.5, 2.0]))
        tensor([1., 2., 5.])
    """
    if model is None:
        def decorator(model):
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                           options=options, name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return decorator
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if backend is None:
        backend = "inductor"
    if disable:
        return model
    if callable(backend) and not isinstance(backend, str):
        _check_backend(backend)
    if recompile_limit is None:
        recompile_limit = 8
    from ..nn import Module
    if isinstance(model, Module):
        return _optimized_module()(model, backend, fullgraph, recompile_limit, dynamic)
    checked = [False]
    inner: CompiledCallable | CompiledStep
    if _is_optimizer_step(model):
        from .optim import CompiledStep
        inner = CompiledStep(model, recompile_limit)
    else:
        inner = CompiledCallable(model, fullgraph, recompile_limit, dynamic=dynamic)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        if not checked[0]:  # torch finds a bad backend name on the first call
            _check_backend(backend)
            checked[0] = True
        return inner(*args, **kwargs)
    wrapper: Any = compiled  # a function that carries torch's attributes
    wrapper._torchdynamo_orig_callable = model
    wrapper._npgrad_compiled = inner
    wrapper.explain = inner.explain
    return wrapper


def _is_optimizer_step(fn):
    """A bound ``Optimizer.step``: compiled by ``optim.CompiledStep`` (a generated update, see docs/compile.md)."""
    owner = getattr(fn, "__self__", None)
    if owner is None or getattr(fn, "__name__", None) != "step":
        return False
    from ..optim import Optimizer
    return isinstance(owner, Optimizer)


def explain(compiled: Callable[..., Any]) -> str:
    """The generated source of every program ``compiled`` has captured (forward, backward, guard), with its
    guard keys and the causes of its graph breaks."""
    inner = getattr(compiled, "_npgrad_compiled", None)
    if inner is None and isinstance(compiled, CompiledCallable):
        inner = compiled
    if inner is None:
        inner = getattr(compiled, "__dict__", {}).get("_npgrad_compiled")
    if inner is None:
        raise TypeError(f"explain() expects what npgrad.compile returned, not {type(compiled).__name__}")
    if not isinstance(inner, CompiledCallable):
        return inner.explain()
    return _explain_text(inner)


def __getattr__(name):
    if name == "OptimizedModule":  # a Module subclass: made on first use so importing this module stays light
        from ..nn import Module

        class OptimizedModule(Module):
            """What ``compile(module)`` returns: the original in ``_orig_mod``, called through it."""

            def __init__(self, mod: Module, backend: str | Callable[..., Any] = "inductor", fullgraph: bool = False,
                         recompile_limit: int = 8, dynamic: bool | None = None) -> None:
                super().__init__()
                self._orig_mod = mod
                self.__dict__["_npgrad_backend"] = backend
                self.__dict__["_npgrad_checked"] = False
                self.__dict__["_npgrad_compiled"] = CompiledCallable(mod, fullgraph, recompile_limit,
                                                                     type(mod).__name__, dynamic=dynamic)

            def forward(self, *args: Any, **kwargs: Any) -> Any:
                if not self.__dict__["_npgrad_checked"]:
                    _check_backend(self.__dict__["_npgrad_backend"])
                    self.__dict__["_npgrad_checked"] = True
                return self.__dict__["_npgrad_compiled"](*args, **kwargs)

            def explain(self) -> str:
                return _explain_text(self.__dict__["_npgrad_compiled"])

            def __reduce__(self):  # programs: torch.save(compiled_model) saves the module; loading compiles again
                c = self.__dict__["_npgrad_compiled"]
                return _rebuild_optimized, (self._orig_mod, self.__dict__["_npgrad_backend"], c._fullgraph, c._limit,
                                            c._dynamic)

            def __getattr__(self, name):
                try:
                    return super().__getattr__(name)
                except AttributeError:
                    return getattr(self.__dict__["_modules"]["_orig_mod"], name)

        OptimizedModule.__module__ = __name__
        OptimizedModule.__qualname__ = "OptimizedModule"
        globals()["OptimizedModule"] = OptimizedModule
        return OptimizedModule
    raise AttributeError(f"module 'npgrad.compiler' has no attribute '{name}'")


def _rebuild_optimized(mod, backend, fullgraph, limit, dynamic=None):
    return _optimized_module()(mod, backend, fullgraph, limit, dynamic)


def _optimized_module():
    """The one OptimizedModule class (made on first use; every compiled module is an instance of it)."""
    return globals().get("OptimizedModule") or __getattr__("OptimizedModule")


def disable(fn: Callable[..., Any] | None = None, recursive: bool = True, *,
            reason: str | None = None) -> Callable[..., Any]:
    """Run ``fn`` outside compilation: called inside a region being captured, it is a graph break (that
    region runs eagerly); elsewhere it is ``fn`` itself. Usable as a decorator, with or without arguments."""
    if fn is None:
        return lambda f: disable(f, recursive, reason=reason)

    @functools.wraps(fn)
    def disabled(*args, **kwargs):
        from . import capture
        rec = capture._active
        if rec is not None and rec.mine():
            rec.brk(f"{getattr(fn, '__qualname__', fn)} is marked npgrad.compiler.disable"
                    + (f" ({reason})" if reason else ""))
        return fn(*args, **kwargs)
    return disabled


def is_compiling() -> bool:
    """True while npgrad captures a compiled call (its first run for a guard key)."""
    from . import capture
    return capture._active is not None


def is_dynamo_compiling() -> bool:
    return is_compiling()


def is_exporting() -> bool:
    return False


def reset() -> None:
    """Forget every captured program (each compiled callable captures again on its next call) and zero
    ``counters``."""
    for ref in list(_all_compiled):
        c = ref()
        if c is not None:
            c.reset()
    _all_compiled[:] = [r for r in _all_compiled if r() is not None]
    for k in list(counters):
        counters[k] = 0


def allow_in_graph(fn: _F) -> _F:
    return fn


def assume_constant_result(fn: _F) -> _F:
    return fn


def substitute_in_graph(original_fn: Callable[..., Any], *, can_constant_fold_through: bool = False,
                        skip_signature_check: bool = False) -> Callable[[_F], _F]:
    return lambda fn: fn


def cudagraph_mark_step_begin() -> None:
    """No CUDA graphs here: a no-op."""


class _Stance:
    def __init__(self, old):
        self.old = old

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _current_stance[0] = self.old
        return False


def set_stance(stance: str = "default", *, skip_guard_eval_unsafe: bool = False,
               force_backend: str | Callable[..., Any] | None = None) -> _Stance:
    """``"force_eager"`` runs every compiled callable eagerly (no capture, no replay) until the stance is set
    back; the other stances behave as ``"default"``. Usable as a context manager that restores the old one."""
    if stance not in ("default", "force_eager", "eager_on_recompile", "fail_on_recompile", "eager_then_compile",
                      "aot_eager_then_compile"):
        raise RuntimeError(f"invalid torch.compile stance '{stance}'")
    old = _current_stance[0]
    _current_stance[0] = stance
    return _Stance(old)
