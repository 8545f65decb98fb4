"""engine_general.needed: which nodes ``autograd.grad(outputs, inputs)`` runs - exactly those from which an input's
node is reachable. Checked against a brute-force reachability on drawn graphs (parameters and intermediates as
inputs, some leaves not asked for), both when every dead end is an input (the one-walk answer) and when not."""
import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import npgrad
from npgrad.autograd.engine_general import needed
from npgrad.autograd.function import _edge

UNARY = [lambda t: t.tanh(), lambda t: t * 2, lambda t: t.exp(), lambda t: t.sum(0, keepdim=True).expand(3, 2)]
BINARY = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b]


def _build(m, plan, leaves_req):
    rng = np.random.default_rng(0)
    vals = [m.tensor(rng.standard_normal((3, 2)), requires_grad=r) for r in leaves_req]
    for kind, i, j, k in plan:
        a, b = vals[i % len(vals)], vals[j % len(vals)]
        vals.append(UNARY[k % len(UNARY)](a) if kind == 0 else BINARY[k % len(BINARY)](a, b))
    return vals


def _children(n):
    return [e[0] for e in n._edges if e is not None and e[0] is not None]


def _brute(root, targets):
    def reaches(n):
        if n in targets:
            return True
        return any(reaches(c) for c in _children(n))
    seen, stack = {root}, [root]
    while stack:
        for c in _children(stack.pop()):
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return {n for n in seen if reaches(n)}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 50), st.integers(0, 50), st.integers(0, 5)),
                min_size=1, max_size=12),
       st.lists(st.booleans(), min_size=2, max_size=4), st.data())
def test_needed_is_reachability_to_an_input(plan, leaves_req, data):
    vals = _build(npgrad, plan, leaves_req)
    out = vals[-1]
    if not out.requires_grad:
        return
    req = [v for v in vals[:-1] if v.requires_grad]
    picked = data.draw(st.lists(st.sampled_from(req), min_size=1, max_size=len(req))) if req else [out]
    targets = {_edge(t)[0] for t in picked}
    assert needed([out.grad_fn], targets) == _brute(out.grad_fn, targets)
    # and the gradients autograd.grad returns through that pruning are torch's
    tvals = _build(torch, plan, leaves_req)
    idx = [next(i for i, v in enumerate(vals) if v is p) for p in picked]
    ours = npgrad.autograd.grad(out.sum(), [vals[i] for i in idx], allow_unused=True)
    ref = torch.autograd.grad(tvals[-1].sum(), [tvals[i] for i in idx], allow_unused=True)
    for a, b in zip(ours, ref):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


def test_all_parameters_as_inputs_needs_every_node():
    w = npgrad.ones(3, 2, requires_grad=True)
    b = npgrad.ones(2, requires_grad=True)
    loss = ((w * 2 + b).tanh() ** 2).mean()
    targets = {_edge(w)[0], _edge(b)[0]}
    assert needed([loss.grad_fn], targets) == _brute(loss.grad_fn, targets)
    assert len(needed([loss.grad_fn], targets)) == 7  # mean, pow, tanh, add, mul and the two AccumulateGrads


def test_a_leaf_not_asked_for_is_pruned():
    w = npgrad.ones(3, requires_grad=True)
    x = npgrad.ones(3, requires_grad=True)
    loss = (w.exp() + x.tanh()).sum()
    targets = {_edge(w)[0]}
    got = needed([loss.grad_fn], targets)
    assert {type(n).__name__ for n in got} == {"SumBackward0", "AddBackward0", "ExpBackward0", "AccumulateGrad"}
