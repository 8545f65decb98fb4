"""Properties of backward for every op in the table (issue 12 items 5 and 6), on npgrad alone:

- backward is linear in the seed: grad(a*v1 + b*v2) == a*grad(v1) + b*grad(v2);
- two backward passes (retain_graph) accumulate exactly twice one pass;
- no input, seed, hook argument or other leaf's ``.grad`` changes during backward (compared with copies);
- ``.grad`` never shares memory with any tensor the test holds;
- no op warns: every op, forward and backward, on inputs made of 0, -1, inf and NaN emits no RuntimeWarning
  whatever the caller's warning filters (torch makes inf and NaN silently).

Each op runs once on its first sample with fixed coefficients; a hypothesis test then draws ops, samples and
coefficients at random for more cases.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import npgrad
from tests.support.op_db import OPS, NoGrad

GRAD_OPS = [o for o in OPS if o.grad]


def _flat(out):
    if isinstance(out, npgrad.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return []


def _inputs(args, dtype):
    ins = []
    for a in args:
        if isinstance(a, NoGrad):
            ins.append(npgrad.tensor(a.array.copy()))
        elif isinstance(a, np.ndarray):
            t = npgrad.tensor(a.copy())
            if a.dtype.kind == "f":
                t.requires_grad_(True)
            ins.append(t)
        else:
            ins.append(a)
    return ins


def _dtype(op):
    return np.float64 if np.float64 in op.dtypes else op.dtypes[0]


def _graph(op, sample_index=0, seed=0):
    dtype = _dtype(op)
    samples = op.samples(np.random.default_rng(seed), dtype)
    args, kwargs = samples[sample_index % len(samples)]
    ins = _inputs(args, dtype)
    leaves = [t for t in ins if isinstance(t, npgrad.Tensor) and t.requires_grad]
    outs = [o for o in _flat(op.fn(npgrad, *ins, **kwargs)) if o.requires_grad]
    return ins, leaves, outs


def _arr(t):
    return t.detach().numpy()


def _same(a, b, exact=False):
    if a is None or b is None:
        assert a is None and b is None
        return
    if exact:
        np.testing.assert_array_equal(_arr(a), _arr(b))
    else:
        tol = 1e-9 if _arr(b).dtype == np.float64 else 2e-4
        np.testing.assert_allclose(_arr(a), _arr(b), rtol=tol, atol=tol, equal_nan=True)


def check_backward_properties(op, sample_index=0, seed=0, a=1.5, b=-0.75):
    ins, leaves, outs = _graph(op, sample_index, seed)
    if not leaves or not outs:
        return False
    rng = np.random.default_rng(seed + 1)
    v1 = [npgrad.tensor(rng.normal(size=o.shape).astype(_arr(o).dtype)) for o in outs]
    v2 = [npgrad.tensor(rng.normal(size=o.shape).astype(_arr(o).dtype)) for o in outs]
    mix = [x * a + y * b for x, y in zip(v1, v2)]
    held = list(ins) + outs + v1 + v2 + mix
    before = [(t, _arr(t).copy()) for t in held if isinstance(t, npgrad.Tensor)]

    def grad(seeds):
        return npgrad.autograd.grad(outs, leaves, seeds, retain_graph=True, allow_unused=True)

    g1, g2, g12 = grad(v1), grad(v2), grad(mix)
    for x, y, z in zip(g1, g2, g12):  # linear in the seed
        if z is None:
            assert x is None and y is None
            continue
        _same(z, x * a + y * b)
    held += [g for g in g1 + g2 + g12 if g is not None]

    seen = []  # what each leaf's hook saw, and a copy of it then
    for leaf in leaves:
        leaf.register_hook(lambda g: seen.append((g, _arr(g).copy())))
    npgrad.autograd.backward(outs, v1, retain_graph=True)
    once = [None if leaf.grad is None else _arr(leaf.grad).copy() for leaf in leaves]
    for leaf, g in zip(leaves, g1):  # backward and autograd.grad agree
        _same(leaf.grad, g, exact=True)
    npgrad.autograd.backward(outs, v1, retain_graph=True)
    for leaf, o in zip(leaves, once):  # exactly twice one pass
        if o is None:
            assert leaf.grad is None
        else:
            np.testing.assert_array_equal(_arr(leaf.grad), o * 2)

    for t, copy in before:  # inputs, outputs and seeds unchanged
        np.testing.assert_array_equal(_arr(t), copy)
    for g, copy in seen:  # hook arguments unchanged
        np.testing.assert_array_equal(_arr(g), copy)
    held += [g for g, _ in seen]
    grads = [leaf.grad for leaf in leaves if leaf.grad is not None]
    for i, g in enumerate(grads):  # .grad is its own: no other tensor can change it, nor it another
        for t in held + grads[:i] + grads[i + 1:]:
            if isinstance(t, npgrad.Tensor):
                assert not np.shares_memory(_arr(g), _arr(t)), f"{op.name}: .grad shares memory"
    return True


@pytest.mark.parametrize("op", GRAD_OPS, ids=lambda o: o.name)
def test_backward_properties(op):
    check_backward_properties(op)


@settings(max_examples=60, deadline=None)
@given(op=st.sampled_from(GRAD_OPS), sample_index=st.integers(0, 7), seed=st.integers(0, 2 ** 16),
       a=st.sampled_from([2.0, -1.0, 0.5, 0.0, 3.0]), b=st.sampled_from([1.0, -2.5, 0.25]))
def test_backward_properties_random(op, sample_index, seed, a, b):
    check_backward_properties(op, sample_index, seed, a, b)


def test_the_property_check_covers_most_ops():
    covered = sum(check_backward_properties(op) for op in GRAD_OPS[:40])
    assert covered >= 30


# ---------------------------------------------------------------------------------------------- no warnings
EDGE = [0.0, -1.0, np.inf, np.nan, -np.inf, 1e30, 1.0]


def _edge_fill(a, mode):
    if not (isinstance(a, np.ndarray) and a.dtype.kind == "f"):
        return a
    with np.errstate(all="ignore"):  # 1e30 overflows float16: the test's own cast
        if mode == "mixed":
            return np.resize(np.array(EDGE, a.dtype), a.size).reshape(a.shape)
        return np.full(a.shape, mode, a.dtype)


def _edge_inputs(args, mode, grad):
    ins = []
    for a in args:
        if isinstance(a, NoGrad):
            ins.append(npgrad.tensor(_edge_fill(a.array, mode)))
        elif isinstance(a, np.ndarray):
            t = npgrad.tensor(_edge_fill(a, mode))
            if grad and a.dtype.kind == "f":
                t.requires_grad_(True)
            ins.append(t)
        else:
            ins.append(a)
    return ins


@pytest.mark.parametrize("op", OPS, ids=lambda o: o.name)
def test_no_floating_point_warning_on_edge_values(op):
    """Recorded with the "always" action, which sees every warning "error" would raise (and an op that catches
    exceptions internally cannot hide one); a refused input (any exception) is fine, a warning is not."""
    args, kwargs = op.samples(np.random.default_rng(0), op.dtypes[0])[0]
    for mode in ("mixed", 0.0, -1.0, np.inf, np.nan):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                outs = [o for o in _flat(op.fn(npgrad, *_edge_inputs(args, mode, op.grad), **kwargs))
                        if o.requires_grad]
                if outs:
                    npgrad.autograd.backward(outs, [npgrad.ones_like(o) for o in outs])
            except Exception:  # noqa: BLE001 - torch refuses some of these too; only warnings matter here
                pass
        bad = [f"{w.message} ({w.filename}:{w.lineno})" for w in caught if issubclass(w.category, RuntimeWarning)]
        assert not bad, f"{op.name} with {mode}: {bad}"


def test_no_warning_under_error_filter_as_in_torch():
    import torch
    for m in (npgrad, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            z = m.zeros(2, requires_grad=True)
            y = m.log(z) + z / z + m.sqrt(z - 1) + m.exp(z + 1e4) + m.tensor([1e300], dtype=m.float64).float()
            y.sum().backward()
            w = m.tensor([1.0, float("inf")], requires_grad=True)
            (w - w).pow(-1).sum().backward()


@pytest.mark.parametrize("name", sorted(n for n, c in vars(npgrad.optim).items() if isinstance(c, type) and
                                         issubclass(c, npgrad.optim.Optimizer) and n not in ("Optimizer", "LBFGS")))
def test_optimizer_steps_on_inf_and_nan_gradients_without_warning_as_torch(name):
    import torch
    for m in (npgrad, torch):
        p = m.zeros(4, requires_grad=True)
        opt = getattr(m.optim, name)([p], lr=0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for g in ([0.0, -1.0, np.inf, np.nan], [np.inf] * 4, [0.0] * 4):
                p.grad = m.tensor(g)
                opt.step()
