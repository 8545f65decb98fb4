"""``npgrad.compile`` and ``npgrad.compiler``: torch.compile's interface.

For now ``compile`` returns a callable that runs the model or function eagerly, with exactly its results and
gradients, so a script written for ``torch.compile`` runs unchanged; the capture-and-replay compiler planned in
DESIGN.md will make the same calls fast. Arguments are checked as torch checks them (``mode`` and ``options``
exclusive, known modes, known backends), and the compiled module is an ``OptimizedModule`` whose state_dict
keys carry torch's ``_orig_mod.`` prefix.

>>> import npgrad as torch
>>> f = torch.compile(lambda x: x.sin() + 1)
>>> f(torch.zeros(2))
tensor([1., 1.])
"""
import contextlib
import functools

__all__ = ["compile", "disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "reset",
           "allow_in_graph", "assume_constant_result", "list_backends", "set_stance", "cudagraph_mark_step_begin",
           "substitute_in_graph", "OptimizedModule"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs")


def list_backends(exclude_tags=("debug", "experimental")):
    """The backend names ``compile`` accepts (all run eagerly in npgrad for now)."""
    return ["cudagraphs", "inductor"] if exclude_tags else sorted(_BACKENDS)


def _check_backend(backend):
    if callable(backend) and not isinstance(backend, str):
        raise NotImplementedError("npgrad.compile cannot call a custom backend: it has no FX graph to give it; "
                                  "use backend='inductor' (the default) or 'eager'")
    if backend not in _BACKENDS:
        raise RuntimeError(f"Invalid backend: '{backend}', see `torch._dynamo.list_backends()` for available "
                           f"backends.")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            name=None, disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """``compile(model)``, ``compile(fn)``, or ``@compile`` / ``@compile(mode=...)`` as a decorator."""
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
    from ..nn import Module
    if isinstance(model, Module):
        return __getattr__("OptimizedModule")(model, backend)
    checked = [False]

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        if not checked[0]:  # torch finds a bad backend name on the first call
            _check_backend(backend)
            checked[0] = True
        return model(*args, **kwargs)
    compiled._torchdynamo_orig_callable = model
    return compiled


def __getattr__(name):
    if name == "OptimizedModule":  # a Module subclass: made on first use so importing this module stays light
        from ..nn import Module

        class OptimizedModule(Module):
            """What ``compile(module)`` returns: the original in ``_orig_mod``, called through it."""

            def __init__(self, mod, backend="inductor"):
                super().__init__()
                self._orig_mod = mod
                self.__dict__["_npgrad_backend"] = backend
                self.__dict__["_npgrad_checked"] = False

            def forward(self, *args, **kwargs):
                if not self.__dict__["_npgrad_checked"]:
                    _check_backend(self.__dict__["_npgrad_backend"])
                    self.__dict__["_npgrad_checked"] = True
                return self._orig_mod(*args, **kwargs)

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


def disable(fn=None, recursive=True, *, reason=None):
    """Run ``fn`` outside compilation: npgrad never compiles, so ``fn`` itself (or a decorator returning it)."""
    if fn is None:
        return lambda f: f
    return fn


def is_compiling():
    return False


def is_dynamo_compiling():
    return False


def is_exporting():
    return False


def reset():
    """Forget compiled code (there is none to forget)."""


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False):
    return lambda fn: fn


def cudagraph_mark_step_begin():
    """No CUDA graphs here: a no-op."""


@contextlib.contextmanager
def _stance():
    yield


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    """Accepted for ``"default"``/``"force_eager"`` (what npgrad does anyway); usable as a context manager."""
    if stance not in ("default", "force_eager", "eager_on_recompile", "fail_on_recompile", "eager_then_compile",
                      "aot_eager_then_compile"):
        raise RuntimeError(f"invalid torch.compile stance '{stance}'")
    return _stance()
