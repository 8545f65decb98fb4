"""Composite ops record torch's nodes: ``outer``/``ger`` the whole graph (a reshape to a column, then a
broadcast multiply), ``einsum`` and ``take_along_dim`` at least the top node (vs torch)."""
import pytest
import torch

import npgrad


def _walk(fn, depth=0):
    if fn is None:
        return []
    out = [(depth, type(fn).__name__)]
    for f, _ in fn.next_functions:
        out += _walk(f, depth + 1)
    return out


FULL = {"outer": lambda m, a, b, M: m.outer(a, b), "ger": lambda m, a, b, M: m.ger(a, b),
        "method": lambda m, a, b, M: a.outer(b)}
TOP = {
    "einsum_mv": lambda m, a, b, M: m.einsum("ij,j->i", M, b),
    "einsum_outer": lambda m, a, b, M: m.einsum("i,j->ij", a, b),
    "einsum_sum": lambda m, a, b, M: m.einsum("ij->", M),
    "einsum_transpose": lambda m, a, b, M: m.einsum("ij->ji", M),
    "einsum_dot": lambda m, a, b, M: m.einsum("i,i->", a, a),
    "take_along_dim": lambda m, a, b, M: m.take_along_dim(M, m.tensor([[0], [2], [1]]), 1),
    "take_along_dim_flat": lambda m, a, b, M: m.take_along_dim(M, m.tensor([0, 5])),
}


def _inputs(m):
    return (m.arange(3.0, requires_grad=True), m.arange(4.0, requires_grad=True),
            m.arange(12.0).reshape(3, 4).clone().requires_grad_())


@pytest.mark.parametrize("op", list(FULL))
def test_outer_graph_as_torch(op):
    assert _walk(FULL[op](npgrad, *_inputs(npgrad)).grad_fn) == _walk(FULL[op](torch, *_inputs(torch)).grad_fn)


@pytest.mark.parametrize("op", list(TOP))
def test_top_node_as_torch(op):
    ours, theirs = TOP[op](npgrad, *_inputs(npgrad)), TOP[op](torch, *_inputs(torch))
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    assert ours.tolist() == theirs.tolist()
