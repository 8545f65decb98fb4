"""Activation checkpointing: trade compute for memory by recomputing a block's activations in backward.

``checkpoint(fn, *args, use_reentrant=False)`` runs ``fn`` so that the graph keeps none of the tensors its
ops save for backward: each one is replaced (through ``saved_tensors_hooks``) by its position in the block.
When backward first needs one, ``fn`` is run again on the same inputs (with the random state of the first
run) and the recomputed tensors are handed out instead. The outputs keep their ordinary ``grad_fn``
(``SinBackward0``...), gradients are the same as without checkpointing, higher-order gradients work, and the
memory held between forward and backward is the block's inputs and outputs only.

``use_reentrant=True`` (torch's older variant, and its default when the argument is omitted, with torch's
warning) wraps the block in one ``CheckpointFunction``: forward under ``no_grad`` saving only the inputs,
backward recomputes and differentiates the block.

>>> import npgrad
>>> from npgrad.utils.checkpoint import checkpoint
>>> x = npgrad.tensor([1.0, 2.0], requires_grad=True)
>>> y = checkpoint(lambda a: (a.exp() * 2).sin(), x, use_reentrant=False)
>>> y.sum().backward()
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks
from ..autograd.grad_mode import enable_grad, no_grad, is_grad_enabled
from .._warn import warn as _warn

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .._tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointFunction"]


def _rng_get():
    from .. import random
    return random.get_rng_state()


def _rng_set(state):
    from .. import random
    random.set_rng_state(state)


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def checkpoint(function: Callable[..., Any], *args: Any, use_reentrant: bool | None = None,
               context_fn: Callable[[], tuple[Any, Any]] | None = None, determinism_check: str = "default",
               debug: bool = False, preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """Run ``function(*args, **kwargs)`` without keeping its intermediate activations; recompute them in backward."""
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if context_fn is not None:
        raise NotImplementedError("checkpoint(context_fn=...) is not implemented in npgrad: the forward and the "
                                  "recomputation run without extra context managers")
    if debug:
        raise NotImplementedError("checkpoint(debug=True) is not implemented in npgrad (no recomputation trace)")
    if use_reentrant is None:
        _warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", UserWarning)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _checkpoint_non_reentrant(function, preserve_rng_state, args, kwargs)


class _Recompute:
    """The store behind one checkpointed call: what each pack handed out, filled again on demand."""

    def __init__(self, function, args, kwargs, rng):
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.rng = rng
        self.count = 0
        self.store = {}

    def pack(self, t):
        i = self.count
        self.count += 1
        return i

    def unpack(self, i):
        if i not in self.store:
            self._recompute()
        return self.store.pop(i)

    def _recompute(self):
        args = [a.detach().requires_grad_(a.requires_grad) if _is_tensor(a) else a for a in self.args]
        store = {}
        counter = [0]

        def keep(t):
            store[counter[0]] = t
            counter[0] += 1
            return t

        state = None
        if self.rng is not None:
            state = _rng_get()
            _rng_set(self.rng)
        try:
            with saved_tensors_hooks(keep, lambda t: t), enable_grad():
                self.function(*args, **self.kwargs)
        finally:
            if state is not None:
                _rng_set(state)
        self.store = store


def _checkpoint_non_reentrant(function, preserve_rng_state, args, kwargs):
    if not is_grad_enabled():
        return function(*args, **kwargs)
    rec = _Recompute(function, args, kwargs, _rng_get() if preserve_rng_state else None)
    with saved_tensors_hooks(rec.pack, rec.unpack):
        return function(*args, **kwargs)


class CheckpointFunction(Function):
    """``use_reentrant=True``: the whole block is one node that recomputes itself in backward."""

    @staticmethod
    def forward(ctx: Any, run_function: Callable[..., Any], preserve_rng_state: bool, *args: Any) -> Any:
        ctx.run_function = run_function
        ctx.rng = _rng_get() if preserve_rng_state else None
        ctx.inputs = [None if _is_tensor(a) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if _is_tensor(a)]
        if not any(_is_tensor(a) and a.requires_grad for a in args):
            _warn("None of the inputs have requires_grad=True. Gradients will be None", UserWarning)
        ctx.save_for_backward(*[a for a in args if _is_tensor(a)])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple[Any, ...]:
        from ..autograd import backward as _backward
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t.detach().requires_grad_(t.requires_grad)
        state = None
        if ctx.rng is not None:
            state = _rng_get()
            _rng_set(ctx.rng)
        try:
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            if state is not None:
                _rng_set(state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if _is_tensor(o) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        _backward([p[0] for p in pairs], [p[1] for p in pairs])
        return (None, None) + tuple(inputs[i].grad if _is_tensor(inputs[i]) else None
                                    for i in range(len(inputs)))


def checkpoint_sequential(functions: Sequence[Callable[..., Any]] | Any, segments: int, input: Tensor,
                          use_reentrant: bool | None = None, **kwargs: Any) -> Any:
    """Split a sequence of modules/functions into ``segments`` checkpointed chunks (the last runs normally)."""
    if use_reentrant is None:
        _warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. Starting in PyTorch 2.9, calling checkpoint_sequential without use_reentrant "
                      "will raise an exception. use_reentrant=False is recommended, but if you need to preserve "
                      "the current default behavior, you can pass use_reentrant=True. Refer to docs for more details "
                      "on the differences between the two variants.", UserWarning)
        use_reentrant = True
    if hasattr(functions, "children") and not isinstance(functions, (list, tuple)):
        functions = list(functions.children())
    functions = list(functions)

    def run(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run(end + 1, len(functions) - 1)(input)
