"""A custom Function's ctx as torch has it: the node is an instance of FunctionCtx and BackwardCFunction, knows
its Function (``_forward_cls``, ``Fn._backward_cls``), runs its backward through ``apply``, and reports
``needs_input_grad`` and the freed-saved-tensors error as torch does. Compared with torch."""
import warnings

import pytest
import torch

import npgrad


def _run(m):
    seen = {}

    class Scale(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, k):
            seen["forward"] = (isinstance(ctx, m.autograd.function.FunctionCtx), ctx.needs_input_grad)
            ctx.save_for_backward(x, y)
            ctx.k = k
            return x * y * k

        @staticmethod
        def backward(ctx, g):
            seen["backward"] = (isinstance(ctx, m.autograd.function.FunctionCtx), ctx.needs_input_grad)
            x, y = ctx.saved_tensors
            return g * y * ctx.k, g * x * ctx.k, None

    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = m.tensor([3.0, 4.0])
    out = Scale.apply(x, y, 2.0)
    fn = out.grad_fn
    facts = {
        "name": fn.name(), "type": type(fn).__name__,
        "FunctionCtx": isinstance(fn, m.autograd.function.FunctionCtx),
        "BackwardCFunction": isinstance(fn, m.autograd.function.BackwardCFunction),
        "forward_cls": fn._forward_cls is Scale, "backward_cls": Scale._backward_cls is type(fn),
        "needs_input_grad": fn.needs_input_grad,
        "apply": [None if g is None else g.tolist() for g in fn.apply(m.ones(2))],
        "k": fn.k, "saved": [t.tolist() for t in fn.saved_tensors],
    }
    out.sum().backward()
    facts.update(seen)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for attr in ("saved_tensors", "saved_variables"):
            with pytest.raises(RuntimeError, match="backward through the graph a second time"):
                getattr(fn, attr)
    facts["grad"] = x.grad.tolist()
    return facts


def test_custom_function_ctx_as_torch():
    assert _run(npgrad) == _run(torch)


def test_builtin_nodes_are_not_function_ctx():
    for m in (npgrad, torch):
        fn = (m.ones(2, requires_grad=True) * 2).grad_fn
        assert not isinstance(fn, m.autograd.function.FunctionCtx)
        assert isinstance(fn, m.autograd.graph.Node)


def test_saved_variables_warns_deprecated():
    for m in (npgrad, torch):
        class Id(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 1

            @staticmethod
            def backward(ctx, g):
                return g
        fn = Id.apply(m.ones(2, requires_grad=True)).grad_fn
        with pytest.warns(DeprecationWarning, match="saved_variables"):
            fn.saved_variables
