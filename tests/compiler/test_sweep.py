"""The op table through ``npgrad.compile``: every OpInfo's first sample, compiled, called twice.

The first call captures (sample A), the second replays on sample B: the same shapes and dtypes with other
values, so a replay that hands back stale arrays or baked-in values cannot pass. Both calls' outputs and their
gradients (of ``sum(out * w)`` with a fixed seed ``w``) are checked against eager npgrad and against torch
(values, dtypes, shapes). Each op must either replay (the ``replays`` counter moves) or break the graph with a
``GraphBreakWarning``: an eager pass-through fails here. Ops whose output shape depends on the input's values
(nonzero, unique, masked_select, ...; found by running A and B eagerly: their output shapes differ) must give
the right answer on B either through the documented fallback (a GraphBreakWarning, then eager) or through a
replay that recomputes the shape (masked_select's does: each op's own forward runs on the new arrays), never a
stale shape. Random ops (found by running eagerly under two seeds) are compared by shape and dtype only.
"""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad import compiler
from tests.support.op_db import OPS, NoGrad
from tests.support.oracle import assert_same, make_inputs, to_np, tol


def _first_sample(op, seed):
    dtype = op.dtypes[0]
    return dtype, op.samples(np.random.default_rng(seed), dtype)[0]


def _arrays(args):
    return [a.array if isinstance(a, NoGrad) else a for a in args if isinstance(a, (np.ndarray, NoGrad))]


def _same_layout(a_args, b_args):
    """B's arrays can stand in for A's: same count, shapes and dtypes, and equal non-array arguments."""
    if len(a_args) != len(b_args):
        return False
    for a, b in zip(a_args, b_args):
        if type(a) is not type(b):
            return False
        if isinstance(a, (np.ndarray, NoGrad)):
            x, y = (a.array, b.array) if isinstance(a, NoGrad) else (a, b)
            if x.shape != y.shape or x.dtype != y.dtype:
                return False
        elif not _equal_const(a, b):
            return False
    return True


def _equal_const(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001  (a constant without a plain ==: treat as different)
        return False


def _flat(res):
    """Outputs in order, nested tuples/lists flattened (return_types are tuples)."""
    if isinstance(res, (tuple, list)):
        out = []
        for r in res:
            out.extend(_flat(r))
        return out
    return [res]


def _run(m, fn, args, kwargs, grad, seed=0):
    """Call ``fn`` on fresh tensors of ``args``; return (outputs flattened, gradients or None, result)."""
    ins = make_inputs(m, args, grad)
    res = fn(*ins, **kwargs)
    outs = _flat(res)
    if not grad:
        return outs, None, res
    rng = np.random.default_rng(seed)
    loss = None
    for o in outs:
        if isinstance(o, m.Tensor) and o.requires_grad:
            w = rng.standard_normal(tuple(o.shape)).astype(to_np(o).dtype)
            term = (o * m.tensor(w)).sum()
            loss = term if loss is None else loss + term
    diff = [x for x in ins if isinstance(x, m.Tensor) and x.requires_grad]
    if loss is None or not diff:
        return outs, None, res
    grads = m.autograd.grad(loss, diff, allow_unused=True)
    return outs, list(grads), res


def _assert_npgrad_same(ours, ref, what, rtol, atol, values=True):
    """Compiled npgrad against eager npgrad: same kind, dtype, shape and values (NaNs alike) to rounding."""
    if not isinstance(ref, npgrad.Tensor):
        assert not isinstance(ours, npgrad.Tensor), f"{what}: eager gave {type(ref).__name__}, compiled a Tensor"
        if values and ref is not None:
            if isinstance(ref, float):
                np.testing.assert_allclose(ours, ref, rtol=1e-6, equal_nan=True, err_msg=what)
            else:
                assert ours == ref, f"{what}: {ours!r} != {ref!r}"
        return
    assert isinstance(ours, npgrad.Tensor), f"{what}: expected a Tensor, got {type(ours).__name__}"
    assert ours.dtype == ref.dtype, f"{what}: dtype {ours.dtype} vs eager {ref.dtype}"
    assert tuple(ours.shape) == tuple(ref.shape), f"{what}: shape {tuple(ours.shape)} vs eager {tuple(ref.shape)}"
    if not values:
        return
    a, b = to_np(ours), to_np(ref)
    if b.dtype.kind in "fc":
        r, t = tol(b.dtype)
        np.testing.assert_allclose(a, b, rtol=r if rtol is None else rtol, atol=t if atol is None else atol,
                                   equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def _agrees(eager, theirs, rtol, atol):
    """Eager npgrad matches torch here. The table's tolerances are set on sample A (seed 1234, the one
    tests/ops/test_vs_torch.py checks); on sample B the compiled result is held to eager npgrad, and to torch
    only where eager npgrad itself is within them."""
    try:
        assert_same(eager, theirs, "eager vs torch", rtol, atol)
    except AssertionError:
        return False
    return True


def _is_random(op, args, kwargs, grad):
    def draw(seed):
        npgrad.manual_seed(seed)
        return _run(npgrad, lambda *xs, **kw: op.fn(npgrad, *xs, **kw), args, kwargs, grad=False)[0]
    one, two = draw(1), draw(2)
    for a, b in zip(one, two):
        if isinstance(a, npgrad.Tensor) and (a.shape != b.shape or not np.array_equal(to_np(a), to_np(b),
                                                                                       equal_nan=True)):
            return True
    return False


def _shapes(outs):
    return [tuple(o.shape) if isinstance(o, npgrad.Tensor) else None for o in outs]


@pytest.mark.parametrize("op", OPS, ids=lambda o: o.name)
def test_compiled_op_matches_eager_and_torch(op):
    dtype, (args, kwargs) = _first_sample(op, 1234)
    _, (b_args, b_kwargs) = _first_sample(op, 4321)
    if not (_same_layout(args, b_args) and _equal_const(kwargs, b_kwargs)):
        b_args = args           # this op's samples differ in layout between seeds: replay on A's values again
    grad = op.grad
    random = _is_random(op, args, kwargs, grad)
    rtol, atol = op.rtol, op.atol

    def eager(*xs, **kw):
        return op.fn(npgrad, *xs, **kw)

    compiler.reset()
    compiled = npgrad.compile(lambda *xs: op.fn(npgrad, *xs, **kwargs))
    counters = compiler.counters
    data_dependent = False
    broke = []
    replayed = False
    for call, sample in enumerate((args, b_args)):
        before = counters["replays"]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            npgrad.manual_seed(0)
            c_outs, c_grads, _ = _run(npgrad, compiled, sample, {}, grad)
        broke += [w for w in caught if issubclass(w.category, compiler.GraphBreakWarning)]
        if call == 1:
            replayed = counters["replays"] > before
        npgrad.manual_seed(0)
        e_outs, e_grads, _ = _run(npgrad, eager, sample, kwargs, grad)
        if call == 0:
            a_shapes = _shapes(e_outs)
        elif _shapes(e_outs) != a_shapes:
            data_dependent = True
        t_outs, t_grads, _ = _run(torch, lambda *xs, **kw: op.fn(torch, *xs, **kw), sample, kwargs, grad)
        what = f"call {call + 1} ({'capture' if call == 0 else 'replay'})"
        assert len(c_outs) == len(e_outs) == len(t_outs), f"{what}: output count"
        for i, (c, e, t) in enumerate(zip(c_outs, e_outs, t_outs)):
            _assert_npgrad_same(c, e, f"{what} output {i} vs eager", rtol, atol, values=not random)
            if random:
                assert str(c.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], f"{what} output {i} dtype"
                assert tuple(c.shape) == tuple(t.shape), f"{what} output {i} shape"
            elif call == 0 or _agrees(e, t, rtol, atol):
                assert_same(c, t, f"{what} output {i} vs torch", rtol, atol)
        if random or e_grads is None:
            assert c_grads is None or all(g is None or not np.any(to_np(g)) for g in c_grads), \
                f"{what}: compiled gave gradients where eager gave none"
            continue
        assert c_grads is not None, f"{what}: compiled outputs do not reach the inputs' gradients"
        for i, (c, e, t) in enumerate(zip(c_grads, e_grads, t_grads)):
            if e is None:
                assert c is None or not np.any(to_np(c)), f"{what} grad {i}: eager None, compiled {c}"
            else:
                assert c is not None, f"{what} grad {i}: compiled None, eager {e}"
                _assert_npgrad_same(c, e, f"{what} grad {i} vs eager", rtol, atol)
            if t is not None and c is not None and (call == 0 or _agrees(e, t, rtol, atol)):
                assert_same(c, t, f"{what} grad {i} vs torch", rtol, atol)
    for w in broke:
        assert str(w.message).strip(), "a GraphBreakWarning must name its cause"
    assert replayed or broke, f"{op.name}: the second call neither replayed nor warned of a graph break"
    if data_dependent and not broke:
        # no fallback: then the replay itself must have recomputed the shape (B's differs from A's), and the
        # checks above compared its values and gradients on B with eager's and torch's
        assert replayed and [tuple(o.shape) if isinstance(o, npgrad.Tensor) else None for o in c_outs] != a_shapes


# Random ops: the table's random entries draw with certainty (so they compare with torch by value); here ops
# that really draw. Under the same seed the compiled call must give eager's values and gradients (replay draws
# from the same generator in the same order, or the call falls back), fresh values on every call, and torch's
# dtypes and shapes.
RANDOM_OPS = {
    "dropout": lambda m, x: m.nn.functional.dropout(x, 0.5, training=True),
    "dropout_chain": lambda m, x: m.nn.functional.dropout(x.tanh(), 0.3) * 2,
    "dropout1d": lambda m, x: m.nn.functional.dropout1d(x.unsqueeze(0), 0.5, training=True),
    "alpha_dropout": lambda m, x: m.nn.functional.alpha_dropout(x, 0.5, training=True),
    "rrelu": lambda m, x: m.nn.functional.rrelu(x, training=True),
    "randn_like": lambda m, x: x + m.randn_like(x),
    "rand": lambda m, x: x * m.rand(6, 8),
    "randint": lambda m, x: x + m.randint(0, 10, (6, 8)),
    "bernoulli": lambda m, x: x * m.bernoulli(m.full((6, 8), 0.5)),
    "normal_": lambda m, x: x + m.empty(6, 8).normal_(),
    "uniform_": lambda m, x: x * m.empty(6, 8).uniform_(-1, 1),
    "randperm": lambda m, x: x[m.randperm(6)],
    "multinomial": lambda m, x: x[m.multinomial(m.ones(6), 6)],
}


@pytest.mark.parametrize("name", list(RANDOM_OPS))
def test_compiled_random_op(name):
    fn = RANDOM_OPS[name]
    x0 = np.random.default_rng(3).standard_normal((6, 8)).astype(np.float32)
    w = np.random.default_rng(4).standard_normal((6, 8)).astype(np.float32)
    compiler.reset()
    compiled = npgrad.compile(lambda x: fn(npgrad, x))
    values, broke = [], []
    for seed in (1, 2, 3):
        results = []
        for f in (compiled, lambda x: fn(npgrad, x)):
            npgrad.manual_seed(seed)
            x = npgrad.tensor(x0, requires_grad=True)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out = f(x)
            broke += [c for c in caught if issubclass(c.category, compiler.GraphBreakWarning)]
            (out * npgrad.tensor(w)).sum().backward()
            results.append((out.detach().numpy().copy(), x.grad.numpy().copy(), out.dtype, tuple(out.shape)))
        (c_out, c_grad, c_dtype, c_shape), (e_out, e_grad, e_dtype, e_shape) = results
        assert c_dtype == e_dtype and c_shape == e_shape
        np.testing.assert_array_equal(c_out, e_out, err_msg=f"seed {seed}: compiled vs eager")
        np.testing.assert_array_equal(c_grad, e_grad, err_msg=f"seed {seed}: gradient, compiled vs eager")
        values.append(c_out)
    t_out = fn(torch, torch.tensor(x0, requires_grad=True))
    assert str(c_dtype).split(".")[-1] == str(t_out.dtype).split(".")[-1] and c_shape == tuple(t_out.shape)
    assert not (np.array_equal(values[0], values[1]) and np.array_equal(values[1], values[2])), "no fresh draws"
    assert compiler.counters["replays"] == 2 or broke, dict(compiler.counters)
