"""Under create_graph the backward formulas run on Tensors through ``ctx.xp`` (npgrad's tensor namespace ``txp``,
npgrad/_xp.py), never through NumPy's ``__array_ufunc__``/``__array_function__`` protocol; their second
derivatives are torch's."""
import numpy as np
import pytest
import torch

import npgrad
from npgrad._xp import txp, xp, xp_of
from npgrad.ops import numpy_interop
from tests.support.op_db import OPS
from tests.support.oracle import make_inputs, to_np


@pytest.fixture
def protocol_calls(monkeypatch):
    """Every call of NumPy's protocol on a Tensor, as (kind, NumPy name)."""
    calls = []
    ufunc, func = numpy_interop.array_ufunc, numpy_interop.array_function

    def counted_ufunc(u, method, inputs, kwargs):
        calls.append(("ufunc", u.__name__))
        return ufunc(u, method, inputs, kwargs)

    def counted_func(f, types, args, kwargs):
        calls.append(("function", f.__name__))
        return func(f, types, args, kwargs)
    monkeypatch.setattr(numpy_interop, "array_ufunc", counted_ufunc)
    monkeypatch.setattr(numpy_interop, "array_function", counted_func)
    return calls


def _float_outputs(m, res):
    res = res if isinstance(res, (tuple, list)) else (res,)
    return [r for r in res if isinstance(r, m.Tensor) and r.dtype.is_floating_point and r.requires_grad]


def _double_backward(m, op, args, kwargs, calls=None):
    """Second derivatives of ``<grad of <op(x), w>, v>`` with respect to the inputs (None for unused)."""
    ins = make_inputs(m, args)
    diff = [t for t in ins if isinstance(t, m.Tensor) and t.requires_grad]
    outs = _float_outputs(m, op.fn(m, *ins, **kwargs))
    rng = np.random.default_rng(3)
    loss = sum((o * m.tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in outs)
    start = len(calls) if calls is not None else 0
    grads = m.autograd.grad(loss, diff, create_graph=True, allow_unused=True)
    terms = [(g * m.tensor(rng.standard_normal(tuple(g.shape)))).sum() for g in grads
             if g is not None and g.requires_grad]
    if not terms:
        return None
    second = m.autograd.grad(sum(terms), diff, allow_unused=True)
    if calls is not None:
        assert calls[start:] == [], f"{op.name}: NumPy's protocol ran in a create_graph backward: {calls[start:]}"
    if m is torch:  # (torch answers some second derivatives with a ZeroTensor, which .numpy() refuses)
        return [None if s is None else s.detach().numpy(force=True) for s in second]
    return [None if s is None else to_np(s) for s in second]


GRADGRAD = [o for o in OPS if o.gradgrad]
# where torch's second derivative is not the one to compare with (ours passes test_gradgradcheck's finite
# differences, before and after formulas moved to ctx.xp): the protocol is still checked for these
TORCH_DIFFERS = {
    "logaddexp_large": "torch's double backward overflows to NaN at large inputs; ours is the finite limit, 0",
    "index_reduce_prod_exclude": "second derivative of index_reduce('prod', include_self=False) differs from "
                                 "torch's (already before ctx.xp); each matches finite differences of its own "
                                 "first derivative: an open question on the first derivative's formula",
}


@pytest.mark.parametrize("op", GRADGRAD, ids=lambda o: o.name)
def test_double_backward_skips_numpy_protocol_and_matches_torch(op, protocol_calls):
    rng = np.random.default_rng(11)
    args, kwargs = op.samples(rng, np.float64)[0]
    ours = _double_backward(npgrad, op, args, kwargs, protocol_calls)
    if op.name in TORCH_DIFFERS:
        return
    try:
        theirs = _double_backward(torch, op, args, kwargs)
    except (NotImplementedError, RuntimeError) as e:  # torch has no double backward for it (hardsigmoid, cdist,
        # multi_margin_loss ...) or refuses it: our values are checked by test_gradgradcheck's finite differences
        assert "not implemented" in str(e) or "inplace operation" in str(e), e
        return
    if ours is None or theirs is None:
        assert ours is None and theirs is None or not any(
            t is not None and np.any(t) for t in (theirs or ours)), f"{op.name}: {ours} vs {theirs}"
        return
    for i, (a, b) in enumerate(zip(ours, theirs)):
        a = np.zeros_like(b) if a is None and b is not None else a  # unused input: torch's None or zeros
        b = np.zeros_like(a) if b is None and a is not None else b
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8, err_msg=f"{op.name}: input {i}")


def test_protocol_counter_sees_numpy_calls_on_tensors(protocol_calls):
    # the fixture itself: np.exp / np.sum on a Tensor are counted (so the zero above means none happened)
    t = npgrad.ones(3, requires_grad=True)
    np.exp(t)
    np.sum(t, axis=0)
    assert protocol_calls == [("ufunc", "exp"), ("function", "sum")]


def test_ctx_xp_is_numpy_in_a_plain_backward_and_txp_under_create_graph():
    seen = []

    class Probe(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            seen.append(ctx.xp)
            return g * 2
    x = npgrad.ones(2, requires_grad=True)
    npgrad.autograd.grad(Probe.apply(x).sum(), x)
    npgrad.autograd.grad(Probe.apply(x).sum(), x, create_graph=True)
    assert seen == [xp, txp]


def test_w7_hessian_vector_product_matches_torch(protocol_calls):
    # the benchmark's W7: grad with create_graph, then grad of <grads, v>
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s) * 0.3 for s in [(32, 16), (32,), (1, 32), (1,)]]
    x, y = rng.standard_normal((64, 16)), rng.standard_normal((64, 1))
    vs = [rng.standard_normal(a.shape) for a in arrays]

    def hvp(m):
        w1, b1, w2, b2 = params = [m.tensor(a, requires_grad=True) for a in arrays]
        out = m.tanh(m.tensor(x) @ w1.T + b1) @ w2.T + b2
        loss = ((out - m.tensor(y)) ** 2).mean()
        grads = m.autograd.grad(loss, params, create_graph=True)
        dot = sum((g * m.tensor(v)).sum() for g, v in zip(grads, vs))
        return [to_np(h) for h in m.autograd.grad(dot, params)]
    ours = hvp(npgrad)
    assert protocol_calls == []
    for a, b in zip(ours, hvp(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_txp_names_record_the_ops_numpy_reaches_on_tensors():
    # txp.<name>(t) is the op np.<name>(t) records through the protocol: same values, same node
    t = npgrad.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    cases = [("exp", (t,), {}), ("abs", (t,), {}), ("sum", (t,), {"axis": 1, "keepdims": True}),
             ("sum", (t,), {"axis": None}), ("mean", (t,), {"axis": (0,)}), ("transpose", (t,), {}),
             ("swapaxes", (t, 0, 1), {}), ("expand_dims", (t, -1), {}), ("expand_dims", (t, (0, 2)), {}),
             ("broadcast_to", (t, (4, 2, 3)), {}), ("where", (t._data > 2, t, 0.0), {}),
             ("maximum", (t, 2.5), {}), ("divide", (1, t), {}), ("squeeze", (t[:1],), {"axis": 0})]
    for name, args, kwargs in cases:
        ours = getattr(txp, name)(*args, **kwargs)
        ref = getattr(np, name)(*args, **kwargs)
        assert type(ours.grad_fn) is type(ref.grad_fn), name
        np.testing.assert_array_equal(to_np(ours), to_np(ref), err_msg=name)


def test_txp_on_arrays_is_numpy():
    a = np.arange(6.0).reshape(2, 3)
    assert type(txp.exp(a)) is np.ndarray and np.array_equal(txp.exp(a), np.exp(a))
    assert np.array_equal(txp.sum(a, axis=0, keepdims=True), np.sum(a, axis=0, keepdims=True))
    assert np.array_equal(txp.where(a > 2, a, 0.0), np.where(a > 2, a, 0.0))
    assert txp.arange is np.arange and txp.add.at == np.add.at and txp.linalg is np.linalg
    assert xp_of(a) is xp and xp_of(1.5) is xp and xp_of(npgrad.ones(1)) is txp


def test_txp_first_use_imports_no_numpy_submodule():
    # building txp must not read every NumPy name (that imports numpy.testing, f2py ...: ~100 ms, 140 modules)
    import subprocess
    import sys
    code = ("import sys, npgrad\nbefore = set(sys.modules)\nfrom npgrad._xp import txp\ntxp.exp\n"
            "print(sorted(m for m in set(sys.modules) - before if m.startswith('numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def _new_nodes(m, grads, loss):
    """grad_fn names recorded by a create_graph pass: nodes reachable from the gradients but not from the loss."""
    def walk(roots):
        seen, stack = {}, [r for r in roots if r is not None]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen[n] = n.name()
            stack.extend(e[0] for e in n.next_functions if e[0] is not None)
        return seen
    before = walk([loss.grad_fn])
    return [name for n, name in walk([g.grad_fn for g in grads]).items() if n not in before]


def test_w7_create_graph_pass_records_no_more_nodes_than_torch():
    # W7's second pass walks what the first recorded: per node we pay more than torch, so record no more nodes
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(32, 16), (32,), (1, 32), (1,)]]
    x, y = rng.standard_normal((64, 16)).astype(np.float32), rng.standard_normal((64, 1)).astype(np.float32)
    counts = {}
    for m in (npgrad, torch):
        w1, b1, w2, b2 = params = [m.tensor(a, requires_grad=True) for a in arrays]
        loss = ((m.tanh(m.tensor(x) @ w1.T + b1) @ w2.T + b2 - m.tensor(y)) ** 2).mean()
        grads = m.autograd.grad(loss, params, create_graph=True)
        counts[m] = _new_nodes(m, grads, loss)
        assert [g.grad_fn.name() for g in grads] == ["PermuteBackward0", "ViewBackward0", "PermuteBackward0",
                                                     "ViewBackward0"]
    assert 0 < len(counts[npgrad]) <= len(counts[torch]), (sorted(counts[npgrad]), sorted(counts[torch]))
    assert "TanhBackwardBackward0" in counts[npgrad]


# a node whose gradient requires no grad and that saved nothing runs its plain formula under create_graph
# (engine_general.constant): its results must still be torch's - values, requires_grad, what is recorded after
CONSTANT_CASES = {
    "sum": lambda m, x: x.sum(),
    "mean": lambda m, x: x.mean(),
    "sum_dim": lambda m, x: x.sum(0).sum(),
    "mean_keepdim_view": lambda m, x: (x.mean(1, keepdim=True).view(-1) - 1).sum(),
    "transpose_add": lambda m, x: (x.t() + 2).mean(),
    "square_mean": lambda m, x: (x * x).mean(),
    "constant_meets_recorded": lambda m, x: x.sum() + (x * x).sum(),
    "recorded_meets_constant": lambda m, x: (x.exp() * 3).sum() + x.mean(),
    "pow_of_mean": lambda m, x: x.mean(0).pow(3).sum(),
}


@pytest.mark.parametrize("case", sorted(CONSTANT_CASES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_constant_gradient_nodes_under_create_graph_match_torch(case, dtype, protocol_calls):
    a = np.random.default_rng(11).standard_normal((3, 4)).astype(dtype)
    res = {}
    for m in (npgrad, torch):
        x = m.tensor(a, requires_grad=True)
        (g,) = m.autograd.grad(CONSTANT_CASES[case](m, x), x, create_graph=True)
        second = None
        if g.requires_grad:
            (second,) = m.autograd.grad((g * g).sum(), x)
            second = to_np(second)
        res[m] = (to_np(g), g.requires_grad, str(g.dtype).split(".")[1], second)
    (g, req, dt, s), (tg, treq, tdt, ts) = res[npgrad], res[torch]
    assert (req, dt) == (treq, tdt)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(g, tg, rtol=tol, atol=tol)
    if s is not None:
        np.testing.assert_allclose(s, ts, rtol=tol, atol=tol)
    assert protocol_calls == []


def test_backward_create_graph_through_constant_nodes_leaves_a_writable_grad():
    for m in (npgrad, torch):
        x = m.ones(2, 3, requires_grad=True)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x.mean().backward(create_graph=True)
        assert not x.grad.requires_grad and x.grad.grad_fn is None
        x.grad.add_(1)  # writable, as torch's
        np.testing.assert_allclose(to_np(x.grad), np.full((2, 3), 1 + 1 / 6))
