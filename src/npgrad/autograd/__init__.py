"""``npgrad.autograd``: ``backward``, ``grad``, ``Function``, grad modes and the graph.

>>> import npgrad
>>> x = npgrad.tensor([1., 2.], requires_grad=True)
>>> (gx,) = npgrad.autograd.grad((x ** 2).sum(), x)
>>> gx
tensor([2., 4.])
"""
import numpy as np
from typing import TYPE_CHECKING, Any, Sequence

from .._dtype import is_float_np

from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from .function import Function, FunctionCtx, once_differentiable, InplaceFunction, NestedIOFunction
from . import graph, forward_ad, anomaly_mode, function
from .anomaly_mode import detect_anomaly, set_detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from .engine import execute
from .._warn import warn as _warn

if TYPE_CHECKING:  # annotations only: importing _tensor here would be circular
    from .._tensor import Tensor
from .errors import set_source_tracking, is_source_tracking_enabled, source_tracking

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "is_grad_enabled", "graph", "Variable", "functional",
           "forward_ad", "detect_anomaly", "set_detect_anomaly", "gradcheck", "gradgradcheck", "GradcheckError",
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_source_tracking",
           "is_source_tracking_enabled", "source_tracking"]


def __getattr__(name):
    """``autograd.functional`` and ``autograd.profiler`` load on first use."""
    if name in ("functional", "profiler"):
        import importlib
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'npgrad.autograd' has no attribute '{name}'")


_warned_create_graph = False


def _tensors(x, what):
    Tensor = function.Tensor  # (bound once npgrad._tensor exists: a function-level import costs ~1 us a call)
    if isinstance(x, Tensor):
        return (x,)
    if isinstance(x, (list, tuple)):
        for t in x:
            if not isinstance(t, Tensor):
                raise TypeError(f"{what} must be Tensors, got {type(t).__name__}")
        return tuple(x)
    raise TypeError(f"{what} must be a Tensor or a sequence of Tensors, got {type(x).__name__}")


def _make_grads(outputs, grads, create_graph, is_grads_batched=False):
    """Seed gradients: given ones (checked against each output's shape) or ones for scalar outputs."""
    Tensor, make = function.Tensor, function.make
    if grads is None:
        grads = (None,) * len(outputs)
    elif isinstance(grads, Tensor):
        grads = (grads,)
    else:
        grads = tuple(grads)
    if len(grads) != len(outputs):
        raise RuntimeError(f"grad requires one gradient per output: got {len(grads)} gradients for "
                           f"{len(outputs)} outputs")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if out._req:
                if out._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if out._data.dtype.kind != "f" and not is_float_np(out._data.dtype):
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                       f"{out.dtype}")
            arr = np.ones(out._data.shape, out._data.dtype)
            seeds.append(make(arr) if create_graph else arr)
            continue
        if not isinstance(g, Tensor):
            g = make(np.asarray(g, dtype=out._data.dtype))
        if g._data.shape != out._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of torch.Size("
                               f"{list(g._data.shape)}) and output[{i}] has a shape of torch.Size("
                               f"{list(out._data.shape)}).")
        if g._data.dtype.kind != out._data.dtype.kind:
            raise RuntimeError(f"For complex Tensors, both grad_output and output are required to have the same "
                               f"dtype. Mismatch in dtype: grad_output[{i}] has a dtype of {g.dtype} and "
                               f"output[{i}] has a dtype of {out.dtype}.")
        if g._data.dtype != out._data.dtype:  # the engine hands each node gradients of its output's dtype
            g = g.to(out.dtype) if create_graph else make(g._data.astype(out._data.dtype))
        seeds.append(g if create_graph else g._data)
    return seeds


def _roots(outputs):
    _edge = function._edge
    roots = []
    for i, t in enumerate(outputs):
        if not t._req:
            from .errors import no_grad_note
            raise no_grad_note(RuntimeError(f"element {i} of tensors does not require grad and does not have a "
                                            f"grad_fn"), i, t)
        roots.append(_edge(t))
    return roots


def backward(tensors: "Tensor | Sequence[Tensor]", grad_tensors: Any = None, retain_graph: "bool | None" = None,
             create_graph: bool = False, grad_variables: Any = None,
             inputs: "Tensor | Sequence[Tensor] | None" = None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs`` only).

    Args:
        tensors (Tensor or sequence of Tensor): the outputs to differentiate.
        grad_tensors (Tensor or sequence, optional): the vector of each vector-Jacobian product (``None`` for a
            one-element output).
        retain_graph (bool, optional): keep saved values for another backward (default: ``create_graph``).
        create_graph (bool): record the backward pass, for higher-order gradients.
        inputs (sequence of Tensor, optional): accumulate into these tensors only.

    >>> import npgrad as torch
    >>> a = torch.tensor(3.0, requires_grad=True)
    >>> b = torch.tensor(4.0, requires_grad=True)
    >>> torch.autograd.backward([a * b, a + b])      # d(ab + a + b)/da = b + 1
    >>> a.grad, b.grad
    (tensor(5.), tensor(4.))
    """
    outputs = _tensors(tensors, "tensors")
    if grad_variables is not None:
        grad_tensors = grad_variables
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = _tensors(inputs, "inputs")
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    seeds = _make_grads(outputs, grad_tensors, create_graph)
    roots = _roots(outputs)
    if create_graph:
        _warn_create_graph()
    if inputs is not None:  # a non-leaf input retains its gradient from now on, as in torch
        for t in inputs:
            if t.grad_fn is not None:
                t.retain_grad()
    execute(roots, seeds, retain_graph, create_graph, inputs=inputs, accumulate=True)


def _warn_create_graph():
    global _warned_create_graph
    if not _warned_create_graph:
        _warned_create_graph = True
        import warnings
        _warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
                      "creating the graph to avoid this. If you have to use this function, make sure to reset the "
                      ".grad fields of your parameters to None after use to break the cycle and avoid the leak.",
                      UserWarning)


def grad(outputs: "Tensor | Sequence[Tensor]", inputs: "Tensor | Sequence[Tensor]", grad_outputs: Any = None,
         retain_graph: "bool | None" = None, create_graph: bool = False, only_inputs: bool = True,
         allow_unused: "bool | None" = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> "tuple[Tensor, ...]":
    """The gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is left alone).

    Args:
        outputs (Tensor or sequence of Tensor): what to differentiate.
        inputs (Tensor or sequence of Tensor): with respect to what.
        grad_outputs (sequence, optional): the vector of each vector-Jacobian product.
        retain_graph (bool, optional): keep saved values for another pass (default: ``create_graph``).
        create_graph (bool): return gradients that are part of a graph (higher-order derivatives).
        allow_unused (bool, optional): return ``None`` for an input the outputs do not depend on, instead of
            raising.
        materialize_grads (bool): return zeros instead of ``None`` for unused inputs.

    Returns:
        tuple of Tensor: one gradient per input.

    >>> import npgrad as torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> (dx,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    >>> dx
    tensor(12., grad_fn=<MulBackward0>)
    >>> torch.autograd.grad(dx, x)                   # the second derivative, 6 x
    (tensor(12.),)
    >>> x.grad is None
    True
    """
    make, Tensor = function.make, function.Tensor
    if not only_inputs:
        import warnings
        _warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.", FutureWarning)
    outs = _tensors(outputs, "outputs")
    ins = _tensors(inputs, "inputs")
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        return _batched_grad(outs, ins, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads)
    for t in ins:
        if not t._req:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds = _make_grads(outs, grad_outputs, create_graph)
    roots = _roots(outs)
    results = execute(roots, seeds, retain_graph, create_graph, inputs=ins, accumulate=False)
    out: list[Any] = []  # Tensors, and None for an unused input under allow_unused
    for i, (g, t) in enumerate(zip(results, ins)):
        if g is None:
            if materialize_grads:
                out.append(make(np.zeros_like(t._data)))
                continue
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            out.append(None)
        elif isinstance(g, Tensor):
            out.append(g)
        else:
            out.append(make(np.array(g, copy=True) if not g.flags.owndata or g.base is not None else g))
    return tuple(out)


def _batched_grad(outs, ins, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads):
    """``is_grads_batched=True``: the first dim of each grad_output indexes independent vector-Jacobian products.
    npgrad loops over it (one backward pass per index) and stacks the results."""
    import npgrad
    gos = (grad_outputs,) if not isinstance(grad_outputs, (tuple, list)) else tuple(grad_outputs)
    sizes = {g.shape[0] for g in gos if g is not None}
    if len(sizes) != 1:
        raise RuntimeError("If `is_grads_batched=True`, we interpret the first dimension of each grad_output as "
                           "the batch dimension, which must be the same for all of them")
    n = sizes.pop()
    per = [grad(outs, ins, tuple(None if g is None else g[i] for g in gos), retain_graph=True if i < n - 1 else
                retain_graph, create_graph=create_graph, allow_unused=allow_unused, materialize_grads=materialize_grads)
           for i in range(n)]
    return tuple(None if per[0][k] is None else npgrad.stack([p[k] for p in per]) for k in range(len(ins)))


def Variable(data: "Tensor", requires_grad: bool = False, volatile: bool = False) -> "Tensor":
    """Deprecated alias kept for old code: returns a plain tensor (``Variable`` and ``Tensor`` merged in torch 0.4).

    Args:
        data (Tensor): the tensor.
        requires_grad (bool): Default: ``False``.
        volatile (bool): removed; warns and has no effect.

    Example::

        >>> import npgrad as torch
        >>> v = torch.autograd.Variable(torch.ones(2), requires_grad=True)
        >>> type(v).__name__, v.requires_grad
        ('Tensor', True)
    """
    if volatile:
        import warnings
        _warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                      UserWarning)
    if requires_grad:
        return data.detach().requires_grad_(True)
    return data
