"""Forward-mode AD against torch: dual_level/make_dual/unpack_dual, errors, custom Function jvp, and a sweep of
the op table where every op's tangent must equal torch's forward AD and our own reverse-mode product."""
import numpy as np
import pytest
import torch
import torch.autograd.forward_ad as tfw

import npgrad
import npgrad.autograd.forward_ad as nfw
from tests.support.oracle import assert_same
from tests.support.op_db import OPS, NoGrad

FW = {npgrad: nfw, torch: tfw}


def run_both(fn):
    return fn(npgrad, nfw), fn(torch, tfw)


def both_raise(fn, exc, match):
    for m in (npgrad, torch):
        with pytest.raises(exc, match=match):
            fn(m, FW[m])


def test_make_dual_unpack_dual_basics():
    def f(m, fw):
        x = m.tensor([1., 2.])
        v = m.tensor([1., 0.])
        with fw.dual_level() as lvl:
            d = fw.make_dual(x, v)
            assert d is not x and not d.requires_grad and d.grad_fn is None
            u = fw.unpack_dual(d)
            assert type(u).__name__ == "UnpackedDualTensor" and u._fields == ("primal", "tangent")
            assert u.tangent is v and u.primal is not d
            p, t = u
            y = (d * d).sin().sum()
            plain = fw.unpack_dual(x)
            assert plain.tangent is None
            with m.no_grad():
                z = d * 3  # forward AD ignores no_grad
            return lvl, fw.unpack_dual(y), p, t, fw.unpack_dual(z).tangent
    ours, theirs = run_both(f)
    assert ours[0] == theirs[0]
    assert_same(tuple(ours[1]), tuple(theirs[1]))
    assert_same(ours[2:], theirs[2:])


def test_tangents_vanish_outside_the_level():
    def f(m, fw):
        with fw.dual_level():
            d = fw.make_dual(m.tensor([1., 2.]), m.tensor([1., 1.]))
        out = fw.unpack_dual(d)
        with fw.dual_level():
            again = fw.unpack_dual(d)
        return out.tangent, again.tangent
    assert run_both(f) == ((None, None), (None, None))


def test_reverse_over_forward():
    def f(m, fw):
        w = m.tensor([0.5, -1.5], requires_grad=True)
        with fw.dual_level():
            dw = fw.make_dual(w, m.tensor([1., 2.]))
            assert dw.requires_grad and dw.grad_fn is not None
            out = (dw * dw).exp().sum()
            t = fw.unpack_dual(out).tangent
        assert t.requires_grad
        t.backward()
        return t, w.grad
    assert_same(*run_both(f))


def test_forward_ad_errors():
    both_raise(lambda m, fw: fw.make_dual(m.ones(2), m.ones(2)), RuntimeError,
               "Trying to create a dual Tensor for forward AD but no level exists")

    def nested(m, fw):
        with fw.dual_level():
            with fw.dual_level():
                pass
    both_raise(nested, RuntimeError, "Nested forward mode AD is not supported at the moment")

    def size(m, fw):
        with fw.dual_level():
            fw.make_dual(m.ones(2), m.ones(3))
    both_raise(size, RuntimeError, r"Tensor is of size \[2\] while the given forward gradient is of size \[3\]")

    def int_primal(m, fw):
        with fw.dual_level():
            fw.make_dual(m.ones(2, dtype=m.long), m.ones(2))
    both_raise(int_primal, ValueError, "Expected primal to be floating point or complex")

    def int_tangent(m, fw):
        with fw.dual_level():
            fw.make_dual(m.ones(2), m.ones(2, dtype=m.long))
    both_raise(int_tangent, ValueError, "Expected tangent to be floating point or complex")

    def twice(m, fw):
        with fw.dual_level():
            d = fw.make_dual(m.ones(2), m.ones(2))
            fw.make_dual(d, m.ones(2))
    both_raise(twice, RuntimeError, "already has a forward gradient at the same level")


def test_non_float_outputs_have_no_tangent_and_inference_mode_drops_them():
    def f(m, fw):
        with fw.dual_level():
            d = fw.make_dual(m.tensor([1., 3., 2.]), m.tensor([1., 0., 0.]))
            a = fw.unpack_dual(d.argmax()).tangent
            b = fw.unpack_dual(d > 1).tangent
        with m.inference_mode():
            with fw.dual_level():
                d = fw.make_dual(m.tensor([1., 2.]), m.tensor([1., 0.]))
                c = fw.unpack_dual(d * 2).tangent
        return a, b, c
    assert run_both(f) == ((None, None, None), (None, None, None))


def test_custom_function_jvp():
    def f(m, fw):
        class Lin(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, w):
                ctx.save_for_forward(x, w)
                return x @ w

            @staticmethod
            def backward(ctx, g):
                return None, None

            @staticmethod
            def jvp(ctx, tx, tw):
                x, w = ctx.saved_tensors
                return tx @ w + x @ tw
        with fw.dual_level():
            x = fw.make_dual(m.ones(2, 2), m.eye(2))
            w = m.ones(2, 2) * 3
            return fw.unpack_dual(Lin.apply(x, w)).tangent
    assert_same(*run_both(f))

    def no_jvp(m, fw):
        class Sq(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x ** 2

            @staticmethod
            def backward(ctx, g):
                return g
        with fw.dual_level():
            Sq.apply(fw.make_dual(m.ones(2), m.ones(2)))
    both_raise(no_jvp, NotImplementedError, "You must implement the jvp function for custom autograd.Function")


def test_stored_apply_reference_still_sees_forward_ad():
    class Sq(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x ** 2

        @staticmethod
        def backward(ctx, g):
            return g

        @staticmethod
        def jvp(ctx, t):
            return t * 5
    sq = Sq.apply  # kept before the level opens
    with nfw.dual_level():
        out = sq(nfw.make_dual(npgrad.ones(2), npgrad.ones(2)))
        assert nfw.unpack_dual(out).tangent.tolist() == [5., 5.]


# ---------------------------------------------------------------------------------------------- op sweep
SKIP_IN_PLACE = ("setitem", "inplace")


def _sweep_ops():
    for op in OPS:
        if not op.gradgrad or op.name.endswith("_") or any(s in op.name for s in SKIP_IN_PLACE):
            continue
        yield pytest.param(op, id=op.name)


def _duals(m, fw, args, rng):
    ins, tangents = [], []
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            t = rng.standard_normal(a.shape)
            tangents.append(t)
            ins.append(fw.make_dual(m.tensor(a.copy()), m.tensor(t)))
        elif isinstance(a, NoGrad):
            ins.append(m.tensor(a.array.astype(np.float64)))
        elif isinstance(a, np.ndarray):
            ins.append(m.tensor(a.copy()))
        else:
            ins.append(a)
    return ins, tangents


def _outs(res):
    return list(res) if isinstance(res, (tuple, list)) else [res]


@pytest.mark.parametrize("op", list(_sweep_ops()))
def test_op_jvp_matches_torch_and_reverse_mode(op):
    rng = np.random.default_rng(11)
    for args, kwargs in op.samples(rng, np.float64)[:2]:
        args = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in args]
        got = {}
        for m in (npgrad, torch):
            fw = FW[m]
            with fw.dual_level():
                ins, tans = _duals(m, fw, args, np.random.default_rng(5))
                try:
                    outs = _outs(op.fn(m, *ins, **kwargs))
                except (NotImplementedError, RuntimeError) as e:
                    if m is torch and "forward" in str(e).lower():
                        got[m] = None  # torch has no forward AD formula for this op
                        continue
                    raise
                got[m] = [fw.unpack_dual(o).tangent if isinstance(o, m.Tensor) else None for o in outs]
        if got[torch] is not None:
            for o, t in zip(got[npgrad], got[torch]):
                if t is None:  # torch gives none (integer output, or no formula): the reverse check below covers it
                    continue
                if t._is_zerotensor():
                    t = torch.zeros(t.shape, dtype=t.dtype)
                assert o is not None, f"{op.name}: npgrad lost the tangent"
                assert_same(o, t, f"{op.name} tangent", rtol=1e-6, atol=1e-8)
        # <J v, w> == <v, J^T w>: forward mode against our own reverse mode
        ins = [npgrad.tensor(a.copy()).requires_grad_(True) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
               else npgrad.tensor(a.array.astype(np.float64)) if isinstance(a, NoGrad)
               else npgrad.tensor(a.copy()) if isinstance(a, np.ndarray) else a for a in args]
        outs = _outs(op.fn(npgrad, *ins, **kwargs))
        diff_in = [x for x in ins if isinstance(x, npgrad.Tensor) and x.requires_grad]
        trng = np.random.default_rng(5)  # the tangents _duals drew, in the same order
        tans = [trng.standard_normal(a.shape) for a in args if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
        wrng = np.random.default_rng(9)
        lhs, loss = 0.0, None
        for o, jv in zip(outs, got[npgrad]):
            if isinstance(o, npgrad.Tensor) and o.requires_grad:
                w = wrng.standard_normal(tuple(o.shape))
                lhs += float(np.sum(jv.numpy() * w)) if jv is not None else 0.0
                term = (o * npgrad.tensor(w)).sum()
                loss = term if loss is None else loss + term
        if loss is None:
            continue
        grads = npgrad.autograd.grad(loss, diff_in, allow_unused=True)
        rhs = sum(float(np.sum(g.numpy() * t)) for g, t in zip(grads, tans) if g is not None)
        np.testing.assert_allclose(lhs, rhs, rtol=1e-6, atol=1e-8, err_msg=f"{op.name}: <Jv,w> != <v,J^T w>")


# ---------------------------------------------------------------------------------------------- properties
from hypothesis import given, strategies as st  # noqa: E402


@st.composite
def _broadcast_pair(draw):
    """Two shapes that broadcast together (size-1 and missing leading dims on either side)."""
    nd = draw(st.integers(0, 3))
    full = draw(st.lists(st.integers(1, 3), min_size=nd, max_size=nd))
    a = [1 if draw(st.booleans()) else n for n in full]
    b = [1 if draw(st.booleans()) else n for n in full]
    a = a[draw(st.integers(0, nd)):]
    b = b[draw(st.integers(0, nd)):]
    return tuple(a), tuple(b)


@given(_broadcast_pair(), st.integers(0, 2 ** 16))
def test_property_broadcast_jvp_matches_torch_and_reverse_mode(shapes, seed):
    """For broadcasting binary expressions: forward-mode tangents equal torch's, and <Jv, w> = <v, J^T w>."""
    rng = np.random.default_rng(seed)
    a0, b0 = rng.uniform(0.5, 2.0, shapes[0]), rng.uniform(0.5, 2.0, shapes[1])
    ta, tb = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])

    def expr(m, a, b):
        return (a * b + a / b) ** 1.5 - m.exp(b - a).mean(-1, keepdim=True)

    outs = {}
    for m in (npgrad, torch):
        fw = FW[m]
        with fw.dual_level():
            y = expr(m, fw.make_dual(m.tensor(a0), m.tensor(ta)), fw.make_dual(m.tensor(b0), m.tensor(tb)))
            outs[m] = fw.unpack_dual(y).tangent
    assert_same(outs[npgrad], outs[torch], rtol=1e-9, atol=1e-12)
    a = npgrad.tensor(a0, requires_grad=True)
    b = npgrad.tensor(b0, requires_grad=True)
    y = expr(npgrad, a, b)
    w = rng.standard_normal(tuple(y.shape))
    ga, gb = npgrad.autograd.grad(y, (a, b), npgrad.tensor(w))
    lhs = float(np.sum(outs[npgrad].numpy() * w))
    rhs = float(np.sum(ga.numpy() * ta) + np.sum(gb.numpy() * tb))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-12)
