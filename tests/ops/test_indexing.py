"""Indexing and shape ops beyond the op table: ``x[i] = v`` (in place, recorded as torch records it), version
counters, in-place errors, and the exception classes of bad indices and bad shape/joining arguments, all
against torch."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare_error, assert_same

I = np.array  # noqa: E741


def _both(fn):
    """Run ``fn(m)`` for torch and npgrad; return both results."""
    return fn(torch), fn(npgrad)


def _x(m, shape=(3, 4), req=True, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return m.tensor(a, requires_grad=req)


# ---------------------------------------------------------------------------------------------- setitem
@pytest.mark.parametrize("code", [
    "y[0] = 1.0", "y[0] = v", "y[:, 1] = v[:3]", "y[[0, 2]] = v", "y[y > 0] = 0.0", "y[...] = v", "y[:] = 2.0",
    "y[0:3] = 2.0", "y[None, 1] = v", "y[1, [0, 2]] = v[:2]", "y[0][1] = v[0]", "z = y[1]; z[1:3] = v[:2]",
    "z = y.t(); z[0] = v[:3]", "y[True] = v", "y[..., 0] = v[0]",
])
def test_setitem_graph_matches_torch(code):
    """grad_fn name, _version, values and both gradients after ``y[idx] = v`` on a non-leaf ``y``."""
    res = []
    for m in (torch, npgrad):
        x = _x(m)
        v = _x(m, (4,), seed=1)
        y = x * 1
        env = {"y": y, "v": v, "torch": m}
        exec(code, env)
        w = m.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
        (y * w).sum().backward()
        res.append((y.grad_fn.name(), y._version, y.detach(), x.grad, v.grad))
    (tn, tv, ty, tgx, tgv), (on, ov, oy, ogx, ogv) = res
    assert on == tn and ov == tv
    assert_same(oy, ty, "value")
    assert_same(ogx, tgx, "x.grad")
    assert_same(ogv, tgv, "v.grad")


def test_setitem_repr_and_names():
    x = npgrad.ones(3, requires_grad=True)
    y = x * 1
    y[0] = 5.0
    assert repr(y) == "tensor([5., 1., 1.], grad_fn=<CopySlices>)"
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    y[...] = npgrad.zeros(3)
    assert repr(y).endswith("grad_fn=<CopyBackwards>)")


def test_setitem_into_constant_makes_it_require_grad():
    for m in (torch, npgrad):
        y = m.zeros(3)
        v = m.ones(1, requires_grad=True)
        y[0:1] = v
        assert y.requires_grad and not y.is_leaf
        (y * 3).sum().backward()
        assert v.grad.tolist() == [3.0]


@pytest.mark.parametrize("code", ["x[0] = 1.0", "x[...] = 1.0", "x[[0]] = 1.0", "x[0][1] = 2.0",
                                  "z = x[1:]; z[0] = 2.0", "x.t()[0] = 1.0"])
def test_setitem_on_leaf_requiring_grad_raises(code):
    msgs = []
    for m in (torch, npgrad):
        x = _x(m)
        with pytest.raises(RuntimeError) as e:
            exec(code, {"x": x})
        msgs.append(str(e.value).split(" that")[0])
    assert msgs[0] == msgs[1]  # "a leaf Variable" / "a view of a leaf Variable"


def test_setitem_leaf_under_no_grad_and_versions():
    for m in (torch, npgrad):
        x = _x(m)
        with m.no_grad():
            x[0] = 1.0
        assert x._version == 1 and x.grad_fn is None
        d = x.detach()
        d[1, 1] = 3.0
        assert x._version == 2 and x.detach()[1, 1].item() == 3.0
        c = m.zeros(3)
        z = c[1:]
        z[0] = 1.0
        assert (c._version, z._version) == (1, 1) and c.tolist() == [0.0, 1.0, 0.0]


def test_setitem_invalidates_saved_tensors():
    for m in (torch, npgrad):
        x = _x(m)
        y = x * 1
        z = y.sin()         # saves y
        y[0] = 1.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


def test_setitem_create_graph_matches_torch():
    res = []
    for m in (torch, npgrad):
        x = _x(m)
        v = _x(m, (4,), seed=1)
        y = x * x
        y[1] = v * v
        (g,) = m.autograd.grad((y * y).sum(), v, create_graph=True)
        g.sum().backward()
        res.append((g.detach(), x.grad, v.grad))
    for a, b in zip(res[1], res[0]):
        assert_same(a, b)


def test_write_into_expanded_view():
    for m in (torch, npgrad):
        a = m.zeros(1, 4)
        b = a.expand(3, 4)
        b[0] = 1.0  # one row: no two written elements share memory
        assert a.tolist() == [[1.0] * 4]
        with pytest.raises(RuntimeError, match="single memory location"):
            b[...] = 2.0


def test_iadd_through_index():
    res = []
    for m in (torch, npgrad):
        x = _x(m)
        y = x * 1
        y[1:] += 1.0
        y[:, 0] *= 3.0
        y.sum().backward()
        res.append((y.grad_fn.name(), y._version, y.detach(), x.grad))
    assert res[0][:2] == res[1][:2]
    assert_same(res[1][2], res[0][2])
    assert_same(res[1][3], res[0][3])


@pytest.mark.parametrize("name,args", [
    ("masked_fill_", lambda m, x: (x > 0, 2.0)), ("index_fill_", lambda m, x: (1, m.tensor([0, 2]), -1.0)),
    ("index_add_", lambda m, x: (0, m.tensor([1]), m.ones(1, 4))),
    ("scatter_", lambda m, x: (1, m.tensor([[0], [1], [2]]), 7.0)),
])
def test_inplace_index_ops_through_views(name, args):
    """An in-place index op on a view of a non-leaf rebases the base, as torch's CopySlices does."""
    res = []
    for m in (torch, npgrad):
        x = _x(m, (2, 3, 4))
        y = x * 2
        z = y[1]
        getattr(z, name)(*args(m, z))
        (y * m.arange(24.0).reshape(2, 3, 4)).sum().backward()
        res.append((y.grad_fn.name(), z.grad_fn.name(), y._version, y.detach(), x.grad))
    assert res[0][:3] == res[1][:3]
    assert_same(res[1][3], res[0][3])
    assert_same(res[1][4], res[0][4])


@pytest.mark.parametrize("code", ["a, b, c = y.unbind(); b[0] = 1.0", "a, b = y.split(2); b[0] = 1.0",
                                  "a, b = y.chunk(2); b.masked_fill_(b > 0, 1.0)"])
def test_writing_into_one_of_several_views_raises(code):
    for m in (torch, npgrad):
        y = _x(m, (3, 2)) * 1
        with pytest.raises(RuntimeError, match="output of a function that returns multiple views"):
            exec(code, {"y": y})


def test_iter_and_views_share_version():
    for m in (torch, npgrad):
        x = _x(m, (3, 2))
        rows = list(x)
        assert [r.grad_fn.name() for r in rows] == ["UnbindBackward0"] * 3
        y = x.detach()
        a, b = y.split(2)
        y.add_(1)
        assert a._version == y._version == 1


def test_view_dtype_reinterprets_bits():
    for dt in ("int32", "float16"):
        t, o = _both(lambda m: m.tensor([1.0, 2.0], requires_grad=True).view(getattr(m, dt)))
        assert_same(o, t)
        assert not o.requires_grad
    for m in (torch, npgrad):
        x = m.zeros(2)
        v = x.view(m.int32)
        v[0] = 1065353216  # the bits of 1.0
        assert x.tolist() == [1.0, 0.0] and x._version == 1


def test_getitem_on_integer_and_bool_tensors():
    for idx in [1, (slice(None), I([0, 2])), I([True, False, True])]:
        t, o = _both(lambda m: m.arange(12).reshape(3, 4)[tuple(m.tensor(i) if isinstance(i, np.ndarray) else i
                                                                for i in (idx if isinstance(idx, tuple)
                                                                          else (idx,)))])
        assert_same(o, t)
    t, o = _both(lambda m: m.tensor([True, False, True])[m.tensor([2, 0])])
    assert_same(o, t)


@pytest.mark.parametrize("op", ["scatter", "scatter_add"])
def test_scatter_src_larger_than_index(op):
    """Only src's leading block is read; npgrad pads its gradient with zeros (torch's backward fails here)."""
    idx = np.array([[1], [0]])
    src = np.random.default_rng(3).standard_normal((2, 3)).astype(np.float32)
    outs = []
    for m, s in ((torch, src[:, :1]), (npgrad, src)):
        x = _x(m, (2, 3))
        v = m.tensor(s.copy(), requires_grad=True)
        y = getattr(x, op)(1, m.tensor(idx), v)
        (y * m.arange(6.0).reshape(2, 3)).sum().backward()
        outs.append((y.detach(), x.grad, v.grad))
    assert_same(outs[1][0], outs[0][0])
    assert_same(outs[1][1], outs[0][1])
    expected = np.zeros((2, 3), np.float32)
    expected[:, :1] = outs[0][2].numpy()
    np.testing.assert_array_equal(outs[1][2].numpy(), expected)


def test_scatter_with_reduce():
    for m in (torch, npgrad):
        with pytest.warns(UserWarning, match="reduce argument of torch.scatter with Tensor src is deprecated"):
            out = m.zeros(2, 3).scatter(1, m.tensor([[0, 0], [2, 1]]), m.ones(2, 2), reduce="add")
        assert out.tolist() == [[2.0, 0.0, 0.0], [0.0, 1.0, 1.0]]
    with pytest.raises(RuntimeError, match="not differentiable"):
        npgrad.zeros(2, 3, requires_grad=True).scatter(1, npgrad.tensor([[0]]), 1.0, reduce="multiply")


# ---------------------------------------------------------------------------------------------- errors
def _get(idx):
    def fn(m, x):
        return x[tuple(m.tensor(i) if isinstance(i, np.ndarray) else i for i in idx)]
    return fn


X = np.zeros((2, 3, 4), np.float32)
S0 = np.zeros((), np.float32)

INDEX_ERRORS = [
    (lambda m, x: x[3], (X,)), (lambda m, x: x[0, 5], (X,)), (lambda m, x: x[-3], (X,)),
    (lambda m, x: x[0, 0, 0, 0], (X,)), (lambda m, x: x[None, None, 0, 0, 0, 0], (X,)),
    (lambda m, x: x[0], (S0,)), (lambda m, x: x[:], (S0,)), (_get((I([0, 2]),)), (X,)), (_get((I([0, -3]),)), (X,)),
    (_get((I([0.0]),)), (X,)), (_get((I(1.0),)), (X,)), (_get((I([0, 1], np.int16),)), (X,)),
    (lambda m, x: x[0.5], (X,)), (lambda m, x: x["a"], (X,)), (lambda m, x: x[{0}], (X,)),
    (lambda m, x: x[::-1], (X,)), (lambda m, x: x[::0], (X,)), (lambda m, x: x[1.0:2], (X,)),
    (_get((I([True, False, True]),)), (X,)), (_get((I([0, 1]), I([0, 1, 2]))), (X,)),
    (_get((0, I([[True, True]]))), (X,)),
]

SETITEM_ERRORS = [
    "y[0] = m.ones(3)", "y[0] = m.ones(2, 3, 4)", "y[5] = 1", "y[0] = 'a'", "y[0] = [1.0, 2.0, 3.0, 4.0]",
    "y[[0]] = m.ones(4, dtype=m.float64)", "y[m.tensor([0]), m.tensor([1])] = m.ones(5)",
    "y[[0, 1]] = m.ones(3, 2, 4)", "y[0] = np.ones(4, np.float32)",
]

SHAPE_ERRORS = [
    "x.view(5)", "x.view(-1, -1)", "x.view(-2, 12)", "x.transpose(0, 1).view(-1)", "x.reshape(0, -1)",
    "x.reshape(7)", "x.expand(3, 4)", "x.expand(2, 5, 4)", "x.expand(-1, 2, 3, 4)", "x.permute(0, 1)",
    "x.permute(0, 0, 1)", "x.permute(0, 1, 3)", "x.movedim(0, 5)", "x.movedim((0, 0), (1, 2))",
    "x.movedim((0, 1), (1,))", "x.flatten(2, 0)", "x.flatten(0, 3)", "x.unflatten(1, (2, 2))",
    "x.unflatten(1, (-1, -1))", "x.unflatten(1, ())", "x.squeeze(3)", "x.squeeze((0, 0))", "x.unsqueeze(4)",
    "x.unsqueeze(-5)", "s.transpose(0, 1)", "x.transpose(0, 3)", "x.t()", "x[0, 0].mT", "x.H", "x[0, 0].mH",
    "m.adjoint(x[0, 0])", "x.narrow(1, 5, 1)", "x.narrow(1, 1, 5)", "x.narrow(1, 0, -1)", "x.narrow(5, 0, 1)",
    "s.narrow(0, 0, 1)", "x.diagonal(0, 1, 1)", "x.diagonal(0, 0, 3)", "m.atleast_1d(x, 3)",
    "m.cat([])", "m.cat([s])", "m.cat([x, x[0]])", "m.cat([x, x.transpose(1, 2)])", "m.cat([x, x], 3)",
    "m.cat(x)", "m.stack([])", "m.stack([x, x[0]])", "m.stack([x], 4)", "m.hstack([])", "m.vstack([])",
    "x.split(0)", "x.split(-1)", "x.split([1, 2])", "x.split([3, -1])", "s.split(1)", "x.chunk(0)",
    "x.chunk(-1)", "x.tensor_split(0)", "x.tensor_split(m.tensor([1.0]))", "x.tensor_split(m.tensor([[1]]))",
    "s.tensor_split(2)", "x.hsplit(2)", "x[0, 0].vsplit(2)", "x.dsplit(3)", "m.meshgrid(x, indexing='ij')",
    "m.meshgrid(x[0, 0], x[0, 0].double(), indexing='ij')", "m.meshgrid(x[0, 0], indexing='yx')",
    "x.roll((1, 2), 0)", "x.roll((1, 2))", "x.roll(1, 3)", "x[0, 0].tril()", "s.triu()", "m.diag(x)",
    "m.diag(s)", "x.trace()", "x[0, 0].trace()", "x.repeat(2, 2)", "x.repeat(2, -1, 1, 1)",
    "x.repeat_interleave(m.tensor([1, 2]))", "x.repeat_interleave(-1)", "x.repeat_interleave(m.tensor([-1, 1]), 0)",
    "x.flip(0, 0)", "x.flip(3)", "x[0, 0].fliplr()", "s.flipud()", "x.unbind(3)", "s.unbind()",
    "x.diag_embed(0, 0, 0)", "m.tile(x, (2, -1))",
]

INDEX_OP_ERRORS = [
    "x.gather(1, m.tensor([[[5]]]))", "x.gather(1, m.tensor([1]))", "x.gather(1, m.tensor([[[1.0]]]))",
    "x.gather(1, m.zeros(3, 1, 1, dtype=m.long))", "x.gather(3, m.zeros(1, 1, 1, dtype=m.long))",
    "x.scatter(1, m.tensor([[[5]]]), 1.0)", "x.take_along_dim(m.tensor([[[0]]], dtype=m.int32), 1)",
    "x.scatter(1, m.tensor([[[0, 1, 2, 0]]]), m.ones(1, 3, 1))",
    "x.scatter(1, m.tensor([[[0]]]), m.ones(1, 1, 1).double())", "x.scatter_add(1, m.tensor([[[5]]]), m.ones(1, 1, 1))",
    "x.scatter_reduce(1, m.tensor([[[0]]]), m.ones(1, 1, 1), 'foo')",
    "x.scatter_reduce(1, m.tensor([[[0]]]), m.ones(1, 1, 1).double(), 'sum')",
    "x.index_select(1, m.tensor([5]))", "x.index_select(1, m.tensor([1.0]))", "x.index_select(1, m.tensor([[1]]))",
    "x.index_select(3, m.tensor([0]))", "x.masked_fill(m.ones(2, 3, 4), 1.0)", "x.masked_fill(x > 0, m.ones(2))",
    "x.masked_select(m.ones(4))", "x.masked_scatter(x > -10, m.ones(2))",
    "x.masked_scatter(m.ones(2, 3, 4), m.ones(24))", "x.masked_scatter(x > 0, m.ones(24).double())",
    "x.index_copy(1, m.tensor([0]), m.ones(2, 1, 4).double())", "x.index_copy(1, m.tensor([0, 1]), m.ones(2, 1, 4))",
    "x.index_copy(1, m.tensor([0], dtype=m.int32), m.ones(2, 1, 4))", "x.index_copy(1, m.tensor([0]), m.ones(2, 1, 3))",
    "x.index_add(1, m.tensor([0]), m.ones(2, 1, 3))", "x.index_fill(1, m.tensor([0], dtype=m.int32), 1.0)",
    "x.masked_fill(m.ones(5, dtype=m.bool), 1.0)", "x.index_add(1, m.tensor([0]), m.ones(2, 2, 4))",
    "x.index_add(1, m.tensor([5]), m.ones(2, 1, 4))", "x.index_copy(1, m.tensor([5]), m.ones(2, 1, 4))",
    "x.index_fill(1, m.tensor([5]), 1.0)", "x.index_fill(1, m.tensor([0]), m.ones(2))", "x.take(m.tensor([1.0]))",
    "x.take(m.tensor([24]))", "x.take(m.tensor([-25]))", "x.take(m.tensor([0], dtype=m.int32))",
    "x.take_along_dim(m.tensor([0]), 1)", "x.detach().masked_fill_(m.ones(4, 2, 3, 4, dtype=m.bool), 1.0)",
    "x.detach().index_add_(0, m.tensor([0]), m.ones(1, 3, 4).double())",
    "x.index_put((m.tensor([0]),), m.ones(4).double())", "x.index_put((m.tensor([5]),), m.ones(4))",
    "x.index_put((m.tensor([0]), None), m.ones(4))", "x.index_put((m.tensor([0]),) * 4, m.ones(1))",
    "x.index_put((m.tensor([0, 1]),), m.ones(3, 3, 4))", "x.index_put((m.tensor([0.0]),), m.ones(4))",
]


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")
@pytest.mark.parametrize("fn,args", INDEX_ERRORS, ids=lambda p: "" if callable(p) else None)
def test_index_errors(fn, args):
    compare_error(fn, args)


def _exec_error(code):
    def fn(m, x, s):
        y = x * 1
        exec(code, {"m": m, "x": x, "s": s, "y": y, "np": np})
    return fn


@pytest.mark.parametrize("code", SETITEM_ERRORS + SHAPE_ERRORS + INDEX_OP_ERRORS)
def test_errors(code):
    o, t = compare_error(_exec_error(code), (X, S0))
    assert str(o)  # a message that says what went wrong
