"""Views and in-place writes as torch: writes into tensors whose elements share memory, deep copies that keep
views, the grad_fn of a view whose base changed in place, and forward-mode tangents through in-place ops."""
import copy

import numpy as np
import pytest
import torch

import npgrad


def _outcome(fn, m):
    try:
        r = fn(m)
    except RuntimeError as e:
        return ("RuntimeError", "more than one element of the written-to tensor" in str(e))
    return ("ok", None if r is None else np.asarray(r.detach().numpy() if hasattr(r, "detach") else r).tolist())


def _expanded(m):
    return m.arange(3.0).expand(2, 3)


WRITES = {
    "add_": lambda t, m: t.add_(1), "mul_": lambda t, m: t.mul_(2), "exp_": lambda t, m: t.exp_(),
    "clamp_": lambda t, m: t.clamp_(0, 1), "copy_": lambda t, m: t.copy_(m.ones(2, 3)),
    "fill_": lambda t, m: t.fill_(7.0), "zero_": lambda t, m: t.zero_(),
    "setitem_all": lambda t, m: t.__setitem__(Ellipsis, 1.0), "setitem_row": lambda t, m: t.__setitem__(0, 5.0),
    "setitem_column": lambda t, m: t.__setitem__((slice(None), 1), 3.0),
    "setitem_row_tensor": lambda t, m: t.__setitem__(0, m.tensor([3.0, 4.0, 5.0])),
    "index_add_": lambda t, m: t.index_add_(1, m.tensor([0]), m.ones(2, 1)),
    "scatter_": lambda t, m: t.scatter_(1, m.tensor([[0], [0]]), 1.0),
    "iadd": lambda t, m: t.__iadd__(1), "sub_": lambda t, m: t.sub_(m.ones(3)),
    "div_": lambda t, m: t.div_(2), "pow_": lambda t, m: t.pow_(2), "neg_": lambda t, m: t.neg_(),
}


@pytest.mark.parametrize("name", list(WRITES))
@pytest.mark.parametrize("make", ["expand", "stride_tricks", "loaded"])
def test_writes_into_overlapping_memory_as_torch(name, make, tmp_path):
    """An expanded tensor, a stride-0 NumPy array wrapped by from_numpy, a stride-0 tensor loaded from a file:
    torch's RuntimeError for every write that would store two values in one place; fill_/zero_ and writes into a
    non-overlapping part (one row) go through, and the result is the same memory as torch's."""
    def fn(m):
        if make == "expand":
            t = _expanded(m)
        elif make == "stride_tricks":
            t = m.from_numpy(np.lib.stride_tricks.as_strided(np.arange(3.0), (2, 3), (0, 8)))
        else:
            path = tmp_path / f"{m.__name__}.pt"
            torch.save({"e": torch.arange(3.0).expand(2, 3)}, path)
            t = m.load(path)["e"]
            assert t.stride() == (0, 1)
        WRITES[name](t, m)
        return t
    assert _outcome(fn, npgrad) == _outcome(fn, torch)


def test_expand_to_the_same_size_is_writable():
    for m in (torch, npgrad):
        t = m.zeros(3)
        e = t.expand(3)
        e.add_(1)
        assert t.tolist() == [1.0, 1.0, 1.0]


def test_the_source_of_a_write_may_overlap():
    for m in (torch, npgrad):
        t = m.ones(2, 3)
        t.add_(m.arange(3.0).expand(2, 3))
        t[...] = t + m.zeros(3).expand(2, 3)
        assert t.tolist() == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]


def test_read_only_memory_refuses_with_a_runtime_error():
    t = npgrad.from_numpy(np.frombuffer(b"\x00" * 24, dtype=np.float64))
    with pytest.raises(RuntimeError):
        t.add_(1)


def test_overlap_error_under_autograd():
    """Recording an in-place op into an expanded non-leaf raises the same error (and leaves the graph as it was)."""
    for m in (torch, npgrad):
        x = m.zeros(3, requires_grad=True).clone()
        e = x.expand(2, 3)
        with pytest.raises(RuntimeError, match="more than one element"):
            e.mul_(2)
        assert e.grad_fn.name() == "ExpandBackward0"


# ------------------------------------------------------------------------------------------------ deepcopy
def _deepcopy_case(m):
    a = m.arange(6.0)
    d = copy.deepcopy({"a": a, "b": a[1:3], "c": a.view(2, 3).t(), "e": a[:3].expand(2, 3)})
    d["a"][1] = 100.0
    return d, a


def test_deepcopy_keeps_views_of_one_another():
    (dt, at), (dn, an) = _deepcopy_case(torch), _deepcopy_case(npgrad)
    for k in dt:
        assert dn[k].tolist() == dt[k].tolist(), k
        assert dn[k].stride() == dt[k].stride(), k
        assert dn[k]._version == dt[k]._version, k
    assert an.tolist() == at.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]  # the originals are untouched


def test_deepcopy_of_leaves_and_non_leaves():
    for m in (torch, npgrad):
        x = m.ones(3, requires_grad=True)
        x.grad = m.full((3,), 2.0)
        y = copy.deepcopy(x)
        assert y.requires_grad and y.is_leaf and y.grad.tolist() == [2.0] * 3 and y.grad is not x.grad
        assert copy.deepcopy([x, x])[0] is not x
        pair = copy.deepcopy([x, x])
        assert pair[0] is pair[1]
        with pytest.raises(RuntimeError, match="graph leaves"):
            copy.deepcopy(x * 2)
        with pytest.raises(RuntimeError, match="graph leaves"):
            copy.deepcopy(x[1:])
        assert copy.deepcopy(x.detach()[1:]).tolist() == [1.0, 1.0]


def test_deepcopy_of_parameters_copies_values_not_grad():
    for m in (torch, npgrad):
        p = m.nn.Parameter(m.arange(4.0))
        p.grad = m.ones(4)
        q = copy.deepcopy(p)
        assert type(q).__name__ == "Parameter" and q.requires_grad and q.grad is None
        q.data.add_(1)
        assert p.tolist() == [0.0, 1.0, 2.0, 3.0]


# ------------------------------------------------------------------------------------ regenerated grad_fn
def _leaf(m):
    return m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)


VIEWS = {"select": lambda b: b[0], "slice": lambda b: b[:, 1:], "t": lambda b: b.t(), "view": lambda b: b.view(4),
         "column": lambda b: b[:, 1], "chain": lambda b: b.view(4)[1:3], "transpose": lambda b: b.transpose(0, 1)}
WRITES_ON_BASE = {"mul_": lambda b, m: b.mul_(2), "exp_": lambda b, m: b.exp_(), "add_t": lambda b, m: b.add_(b * 1),
                  "setitem": lambda b, m: b.__setitem__((1, 1), 7.0), "no_grad_mul_": None,
                  "through_other_view": lambda b, m: b[1].mul_(3)}


@pytest.mark.parametrize("write", list(WRITES_ON_BASE))
@pytest.mark.parametrize("view", list(VIEWS))
def test_view_taken_before_its_base_changes_gets_the_regenerated_grad_fn(view, write):
    """torch: a view made before an in-place write into its base reads AsStridedBackward0 of the base as it is
    afterwards, and its gradient flows through the write."""
    def fn(m):
        a = _leaf(m)
        b = a.clone()
        v = VIEWS[view](b)
        before = v.grad_fn.name()
        if write == "no_grad_mul_":
            with m.no_grad():
                b.mul_(2)
        else:
            WRITES_ON_BASE[write](b, m)
        g, = m.autograd.grad((v * m.arange(1.0, v.numel() + 1).reshape(v.shape)).sum(), a)
        return before, v.grad_fn.name(), v._version, np.round(g.numpy(), 5).tolist()
    assert fn(npgrad) == fn(torch)


def test_written_view_and_its_sibling():
    def fn(m):
        a = _leaf(m)
        b = a.clone()
        v, w = b[0], b[1]
        v.mul_(2)
        g, = m.autograd.grad((v.sum() + 3 * w.sum() + b.sum()), a)
        return b.grad_fn.name(), v.grad_fn.name(), w.grad_fn.name(), g.tolist()
    assert fn(npgrad) == fn(torch)


# ------------------------------------------------------------------------------- forward AD through in place
def _fw(m):
    return m.autograd.forward_ad


def _tangent_list(m, x):
    t = _fw(m).unpack_dual(x).tangent
    return None if t is None else np.round(t.detach().numpy().astype(np.float64), 4).reshape(-1).tolist()


def _dual(m, values=(1.0, 2.0, 3.0), tangent=(1.0, 10.0, 100.0), requires_grad=False):
    p = m.tensor(list(values), dtype=m.float64, requires_grad=requires_grad)
    return _fw(m).make_dual(p * 1 if requires_grad else p, m.tensor(list(tangent), dtype=m.float64))


FW_CASES = {
    "mul_": lambda m: [_dual(m).mul_(2)],
    "exp_": lambda m: [_dual(m).exp_()],
    "sin_": lambda m: [_dual(m).sin_()],
    "clamp_": lambda m: [_dual(m).clamp_(1.5, 2.5)],
    "add_const": lambda m: [_dual(m).add_(1)],
    "mul_dual": lambda m: [_dual(m).mul_(_dual(m))],
    "iadd_self": lambda m: [(lambda x: x.__iadd__(x))(_dual(m))],
    "zero_": lambda m: [_dual(m).zero_()],
    "fill_": lambda m: [_dual(m).fill_(3.0)],
    "fill_dual": lambda m: [_dual(m).fill_(_fw(m).make_dual(m.tensor(2.0, dtype=m.float64),
                                                             m.tensor(5.0, dtype=m.float64)))],
    "copy_plain": lambda m: [_dual(m).copy_(m.ones(3))],
    "copy_dual": lambda m: [_dual(m).copy_(_dual(m, tangent=(7.0, 8.0, 9.0)))],
    "plain_add_dual": lambda m: [m.zeros(3, dtype=m.float64).add_(_dual(m))],
    "plain_copy_dual": lambda m: [m.zeros(3, dtype=m.float64).copy_(_dual(m))],
    "plain_setitem_dual": lambda m: [(lambda z: (z.__setitem__(1, _dual(m)[2]), z)[1])(m.zeros(3, dtype=m.float64))],
    "setitem_const": lambda m: [(lambda x: (x.__setitem__(0, 5.0), x)[1])(_dual(m))],
    "index_add_": lambda m: [_dual(m).index_add_(0, m.tensor([0, 0]), m.ones(2, dtype=m.float64))],
    "masked_fill_": lambda m: [_dual(m).masked_fill_(m.tensor([True, False, True]), 0.0)],
    "relu_": lambda m: [m.nn.functional.relu_(_dual(m) - 1.5)],
    "view_mul_": lambda m: (lambda x: (lambda v: (v.mul_(3), [x, v])[1])(x[1:]))(_dual(m)),
    "base_mul_then_view": lambda m: (lambda x: (lambda v: (x.mul_(3), [x, v])[1])(x[1:]))(_dual(m)),
    "view_exp_": lambda m: (lambda x: (lambda v: (v.exp_(), [x, v])[1])(x.view(3)))(_dual(m)),
    "transposed_view": lambda m: (lambda x: (lambda v: (v.mul_(2), [x, v])[1])(x.t()))(
        _fw(m).make_dual(m.ones(2, 3), m.arange(6.0).reshape(2, 3))),
    "chain_of_views": lambda m: (lambda x: (lambda v, w: (v.add_(v), [x, w])[1])(x.view(6), x[0]))(
        _fw(m).make_dual(m.ones(2, 3), m.arange(6.0).reshape(2, 3))),
    "plain_view_add_dual": lambda m: (lambda b: (lambda v: (v.add_(_fw(m).make_dual(m.ones(2), m.ones(2))),
                                                            [b, v])[1])(b[1:]))(m.zeros(3)),
    # primals that require grad: the in-place op records (snapshot, CopySlices) and still carries the tangent
    "recorded_mul_": lambda m: [_dual(m, requires_grad=True).mul_(2)],
    "recorded_view_mul_": lambda m: (lambda x: (lambda v: (v.mul_(3), [x, v])[1])(x[1:]))(
        _dual(m, requires_grad=True)),
    "recorded_base_exp_": lambda m: (lambda x: (lambda v: (x.exp_(), [x, v])[1])(x[1:]))(
        _dual(m, requires_grad=True)),
    "recorded_setitem": lambda m: [(lambda x: (x.__setitem__(0, 5.0), x)[1])(_dual(m, requires_grad=True))],
}


@pytest.mark.parametrize("case", list(FW_CASES))
def test_forward_ad_tangents_through_inplace_ops(case):
    """torch writes an in-place op's tangent into the existing tangent, a view's tangent is a view of its base's
    tangent, and a plain tensor written with a dual value becomes dual (zero tangent elsewhere)."""
    res = {}
    for m in (torch, npgrad):
        with _fw(m).dual_level():
            outs = FW_CASES[case](m)
            res[m] = [(np.round(o.detach().numpy().astype(np.float64), 4).reshape(-1).tolist(), _tangent_list(m, o))
                      for o in outs]
    assert res[npgrad] == res[torch]


def test_forward_ad_inplace_writes_into_the_given_tangent():
    for m in (torch, npgrad):
        tangent = m.tensor([1.0, 10.0, 100.0])
        with _fw(m).dual_level():
            x = _fw(m).make_dual(m.tensor([1.0, 2.0, 3.0]), tangent)
            x.mul_(2)
        assert tangent.tolist() == [2.0, 20.0, 200.0]


def test_views_remembered_by_a_long_lived_base_stay_bounded():
    """A base indexed many times without writes keeps weak references to its live views only, roughly."""
    a = npgrad.randn(4, requires_grad=True)
    b = a * 1
    for _ in range(10_000):
        v = b[1:]
    assert len(b._x["views"]) <= 64
    b.mul_(2)  # the one live view is regenerated
    assert v.grad_fn.name() == "AsStridedBackward0"


# ------------------------------------------------ in-place ops record on self, keeping the old value only if read
@pytest.mark.parametrize("expr", ["y.sin_()", "y.clamp_(0.5, 2.5)", "y.mul_(y)", "y.pow_(3)", "y.mul_(w)",
                                  "y.add_(w * y)", "y.relu_()", "y.exp_()", "y.div_(w).sin_()", "y.addcmul_(y, w)",
                                  "y.copy_(w)", "y.sub_(y.detach())", "y.tanh_()", "y.fill_(2.0)", "y.zero_()"])
def test_inplace_first_and_second_derivatives_as_torch(expr):
    def fn(m):
        x = m.tensor([0.3, 1.2, 2.7], dtype=m.float64, requires_grad=True)
        w = m.tensor([1.5, -0.5, 2.0], dtype=m.float64, requires_grad=True)
        y = x * 1
        eval(expr, {"y": y, "w": w})
        try:
            gx, gw = m.autograd.grad((y * y).sum(), (x, w), create_graph=True, allow_unused=True)
        except RuntimeError as e:  # y.mul_(y): torch saved y itself, now changed
            assert "modified by an inplace operation" in str(e)
            return "raised"
        hx = m.autograd.grad(gx.sum(), x, allow_unused=True)[0] if gx is not None and gx.requires_grad else None
        return [None if g is None else np.round(g.detach().numpy(), 8).tolist() for g in (gx, gw, hx)]
    assert fn(npgrad) == fn(torch)


def test_inplace_under_saved_tensor_hooks_sees_the_old_value():
    for m in (torch, npgrad):
        seen = []
        x = m.tensor([0.5, 1.0], requires_grad=True)
        y = x * 1
        with m.autograd.graph.saved_tensors_hooks(lambda t: (seen.append(t.detach().clone()), t)[1], lambda t: t):
            y.sin_()
        y.sum().backward()
        assert [s.tolist() for s in seen] == [[0.5, 1.0]]
        np.testing.assert_allclose(x.grad.numpy(), np.cos([0.5, 1.0]), rtol=1e-6)
