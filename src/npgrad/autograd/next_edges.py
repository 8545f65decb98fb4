"""Which of an op's arguments torch lists in ``grad_fn.next_functions``.

torch has one edge per differentiable input of the op's schema: a Python number that torch wraps into a tensor
(``x * 2``, ``x + 1``) and an optional tensor left out (a convolution's ``bias=None``, ``clamp(max=t)``'s ``min``)
are ``(None, 0)``, while an index, mask or condition argument is not listed at all. ``apply`` records one edge per
argument (``None`` for a non-tensor); by default ``next_functions`` lists the tensor arguments' edges. This table
names, for the ops where that differs from torch, the argument positions (of ``forward``'s arguments after ctx)
that torch lists, in order. Read only by ``Node.next_functions``: nothing here is on the hot path.
"""
from __future__ import annotations

TABLE: dict[str, tuple[int, ...]] = {
    # a Python number operand is a wrapped tensor in torch: (None, 0)
    "pointwise.Add": (0, 1), "pointwise.Sub": (0, 1), "pointwise.Mul": (0, 1), "pointwise.Div": (0, 1),
    "pointwise.DivRounded": (0, 1),
    # where(cond, self, other): the condition is not an edge; a number ``other`` is (None, 0)
    "pointwise.Where": (1, 2),
    # clamp(self, min, max) with tensor bounds: a bound left out is (None, 0)
    "pointwise_ternary.ClampTensor": (0, 1, 2),
    # index, mask and value arguments torch does not differentiate are not edges
    "scatter.Gather": (0,), "scatter.Scatter": (0, 1), "scatter.ScatterValue": (0,), "scatter.ScatterAdd": (0, 1),
    "scatter.ScatterReduce": (0, 1), "scatter.IndexSelect": (0,), "scatter.MaskedFill": (0,),
    "scatter.MaskedFillTensor": (0, 2), "scatter.MaskedScatter": (0, 2), "scatter.MaskedSelect": (0,),
    "scatter.IndexCopy": (0, 1), "scatter.IndexFill": (0,), "scatter.IndexFillTensor": (0, 3),
    "scatter.IndexAdd": (0, 1), "scatter.Take": (0,), "indexing.IndexTensor": (0,), "indexing.IndexPutOp": (0, 1),
    "shape_extra.Put": (0, 2), "shape_extra.IndexReduce": (0, 3),
    # weight and bias are edges even when None
    "norm.NativeBatchNorm": (0, 1, 2), "norm.NativeGroupNorm": (0, 1, 2), "norm.NativeLayerNorm": (0, 2, 3),
    "conv.Convolution": (0, 1, 2),
}

_cache: dict[type, tuple[int, ...] | None] = {}


def torch_edges(fn: type) -> tuple[int, ...] | None:
    """The argument positions torch lists for Function class ``fn`` (that class only, not its subclasses)."""
    try:
        return _cache[fn]
    except KeyError:
        pos = TABLE.get(f"{fn.__module__.rpartition('.')[2]}.{fn.__qualname__}")
        _cache[fn] = pos
        return pos
