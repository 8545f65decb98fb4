"""Hook machinery of ``Module``: removable handles, global forward hooks, and the hooked ``__call__``."""
from __future__ import annotations

import itertools
import warnings
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from ..._tensor import Tensor
from ..._warn import warn as _warn

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["RemovableHandle", "register_module_forward_pre_hook", "register_module_forward_hook"]

_hook_ids = itertools.count()
_global_forward_pre_hooks = OrderedDict()
_global_forward_hooks = OrderedDict()
_global_forward_hooks_with_kwargs = OrderedDict()


class RemovableHandle:
    """Returned by ``register_*_hook``: ``remove()`` (or leaving a ``with`` block) unregisters the hook."""

    def __init__(self, hooks_dict: dict[int, Any], *, extra_dict: Any = None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(_hook_ids)
        extra = extra_dict if isinstance(extra_dict, (list, tuple)) else ([extra_dict] if extra_dict else [])
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra)

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            d = ref()
            if d is not None:
                d.pop(self.id, None)

    def __getstate__(self):
        # as torch's: the dicts themselves (a module pickled with hooks, a lazy module before its first forward)
        return (self.hooks_dict_ref(), self.id, tuple(r() for r in self.extra_dict_ref))

    def __setstate__(self, state):
        self.hooks_dict_ref = weakref.ref(state[0]) if state[0] is not None else (lambda: None)
        self.id = state[1]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in state[2] if d is not None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _add_hook(table, hook, prepend=False, extra=None):
    handle = RemovableHandle(table, extra_dict=extra)
    table[handle.id] = hook
    if prepend:
        table.move_to_end(handle.id, last=False)
    return handle


def register_module_forward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """A forward pre-hook run before every Module's own pre-hooks: ``hook(module, args)``."""
    return _add_hook(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: Callable[..., Any], *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """A forward hook run before every Module's own forward hooks: ``hook(module, args, output)``."""
    handle = _add_hook(_global_forward_hooks, hook, extra=_global_forward_hooks_with_kwargs)
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    return handle


def call_with_hooks(self, args, kwargs):  # noqa: C901  (torch's order of hook calls, in one place)
    """Module.__call__ when hooks are registered: pre-hooks, backward-hook wiring, forward, forward hooks."""
    for hook_id, hook in (*_global_forward_pre_hooks.items(), *self._forward_pre_hooks.items()):
        if hook_id in self._forward_pre_hooks_with_kwargs:
            res = hook(self, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {res}.")
                args, kwargs = res
        else:
            res = hook(self, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    full = self._is_full_backward_hook is True
    bw_hook = None
    if (full and self._backward_hooks) or self._backward_pre_hooks:
        from ._backward_hook import BackwardHook
        bw_hook = BackwardHook(self, list(self._backward_hooks.values()) if full else [],
                               list(self._backward_pre_hooks.values()))
        args = bw_hook.setup_input_hook(args)
    called = set()
    try:
        result = self.forward(*args, **kwargs)
        for hook_id, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
            called.add(hook_id)
            if hook_id in self._forward_hooks_with_kwargs or hook_id in _global_forward_hooks_with_kwargs:
                res = hook(self, args, kwargs, result)
            else:
                res = hook(self, args, result)
            if res is not None:
                result = res
        if bw_hook is not None:
            if not isinstance(result, (Tensor, tuple)):
                    _warn("For backward hooks to be called, module output should be a Tensor or a tuple of "
                              f"Tensors but received {type(result)}")
            result = bw_hook.setup_output_hook(result)
        if self._backward_hooks and not full:
            attach_node_hooks(self, result)
    except Exception:
        for hook_id, hook in self._forward_hooks.items():
            if hook_id in self._forward_hooks_always_called and hook_id not in called:
                try:
                    if hook_id in self._forward_hooks_with_kwargs:
                        hook(self, args, kwargs, None)
                    else:
                        hook(self, args, None)
                except Exception as e:
                            _warn("module forward hook with ``always_call=True`` raised an exception that was "
                                  f"silenced as another error was raised in forward: {str(e)}")
        raise
    return result

def attach_node_hooks(self, result):
    """The deprecated ``register_backward_hook``: hooks go on the node that made the (first) output."""
    var = result
    while not isinstance(var, Tensor):
        var = next(v for v in var.values() if isinstance(v, Tensor)) if isinstance(var, dict) else var[0]
    if var.grad_fn is not None:
        for hook in self._backward_hooks.values():
            var.grad_fn.register_hook(lambda gi, go, hook=hook: hook(self, gi, go))
