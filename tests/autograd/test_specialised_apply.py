"""Each built-in op's own ``apply`` (generated on first call by ``function._specialise``) against the general one.

The generated function must compute exactly what the general ``Function.apply`` computes for the same call: the
same values, dtypes, ``grad_fn`` class, edges, saved entries, broadcast metadata and version counters. Calls it
does not take (another number of arguments, a subclass of the op, extras on) go to the general one.
"""
import numpy as np
import pytest

import npgrad as torch
from npgrad.autograd import function as F
from npgrad.ops import pointwise as P, pointwise_unary as U, shape as S


def _general(cls, *args):
    return F._apply_builtin(cls, *args)


def _summary(t):
    if not isinstance(t, torch.Tensor):
        return t
    fn = t.grad_fn
    node = None
    if fn is not None:
        edges = tuple(None if e is None else (type(e[0]).__name__, e[1]) for e in fn._edges)
        saved = tuple(type(s).__name__ if not isinstance(s, (int, float, type(None))) else s for s in fn._saved)
        node = (type(fn).__name__, edges, saved, fn._meta, fn._general, fn._nout)
    shared = t._v is not None
    return (t._data.dtype, t._data.shape, t._data.tolist(), t._req, node, shared)


def _cases():
    x = torch.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
    h = (x * 1.0).detach().requires_grad_()
    y = x * 1.0
    col = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    i = torch.tensor([[1, 2, 3]])
    return [
        (P.Mul, (y, 0.9)), (P.Mul, (y, x)), (P.Mul, (x, col)), (P.Mul, (i, 2)), (P.Mul, (i, 2.5)),
        (P.Add, (y, x)), (P.Add, (y, 1)), (P.Add, (i, y)), (P.Add, (x, col)), (P.Add, (h, torch.ones(3))),
        (P.Add, (y, x, 2)), (P.Div, (y, 3)), (P.Div, (i, i)),
        (U.Tanh, (y,)), (U.Exp, (y,)), (U.Exp, (i,)), (U.Sigmoid, (h,)), (U.Tanh, (x.detach(),)),
        (S.Permute, (y, (1, 0))), (S.Transpose, (x, 0, 1)), (S.T, (h,)),
    ]


@pytest.mark.parametrize("k", range(len(_cases())))
@pytest.mark.parametrize("grad", [True, False])
def test_the_op_s_own_apply_computes_what_the_general_apply_does(k, grad):
    cls, args = _cases()[k]
    with torch.set_grad_enabled(grad):
        want = _general(cls, *args)
        got = cls.apply(*args)
    assert getattr(cls.__dict__["apply"].__func__, "_specialised", False)
    assert _summary(got) == _summary(want)
    if got.requires_grad and got.dtype.is_floating_point:
        ga, = torch.autograd.grad(got.sum(), [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad][:1])
        gb, = torch.autograd.grad(want.sum(), [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad][:1])
        assert torch.equal(ga, gb)


def test_a_view_shares_its_input_s_version_counter():
    x = torch.randn(2, 3, requires_grad=True)
    v = S.Permute.apply(x, (1, 0))
    assert v._vc is x._vc
    x.detach().add_(1)
    assert v._version == x._version == 1


def test_errors_and_other_calls_go_where_the_general_apply_sends_them():
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(TypeError, match="tanh\\(\\): argument 'input' \\(position 1\\) must be Tensor, not list"):
        U.Tanh.apply([1.0, 2.0])
    with pytest.raises(RuntimeError):  # shapes that do not broadcast: torch's RuntimeError, not NumPy's ValueError
        P.Add.apply(torch.ones(2), torch.ones(3))
    with pytest.raises(TypeError):  # built-in ops take positional arguments only
        P.Add.apply(x, x, alpha=2)
    assert torch.equal(P.Add.apply(x, x, 3), torch.full((3,), 4.0))  # another number of arguments
    with torch.autograd.detect_anomaly():  # an extra on: the general path (anomaly mode keeps the traceback)
        y = U.Exp.apply(x)
    assert "traceback_" in y.grad_fn.metadata


def test_a_subclass_of_a_built_in_op_is_its_own_op():
    class Twice(U.Exp):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = torch.ones(2, requires_grad=True)
    assert torch.equal(U.Exp.apply(x), x.exp())  # the base class specialised first
    y = Twice.apply(x)
    assert torch.equal(y, torch.full((2,), 2.0)) and type(y.grad_fn).__name__ == "TwiceBackward0"
    y.sum().backward()
    assert torch.equal(x.grad, torch.full((2,), 2.0))
    assert Twice.apply(x).grad_fn._fn is Twice


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_tanh_sets_no_floating_point_flag_for_any_input(dtype):
    # tanh skips NumPy's error state (_fp_safe): with every error raising, no input may trip it
    tiny = np.finfo(dtype).smallest_subnormal
    big = np.finfo(dtype).max
    a = np.array([np.nan, np.inf, -np.inf, big, -big, tiny, -tiny, 0.0, -0.0, 1.0] * 7, dtype=dtype)
    with np.errstate(all="raise"):
        for arr in (a, a[:1], a[5:6], a.reshape(7, 10)[:, ::3]):
            out = torch.from_numpy(arr.copy()).requires_grad_().tanh()
            np.testing.assert_array_equal(out.detach().numpy(), np.tanh(arr))


def test_the_caller_s_numpy_error_state_is_kept():
    x = torch.tensor([3e38], requires_grad=True)
    with np.errstate(all="raise", under="ignore"):
        y = x * 10  # overflows to inf silently, as in torch
        z = y.tanh()
        v = torch.ones(2, 3, requires_grad=True).T
        assert np.geterr()["over"] == "raise"
        with pytest.raises(FloatingPointError):
            np.float32(3e38) * np.float32(10)
    assert y.item() == float("inf") and z.item() == 1.0 and v.shape == (3, 2)


class _HalfExpm1(U.Expm1):  # a subclass made before its base op's first call (as op modules make them)
    @staticmethod
    def forward(ctx, a):
        return a * 0.5

    @staticmethod
    def backward(ctx, grad):
        return grad * 0.5


def test_a_subclass_made_before_its_base_op_was_specialised_runs_its_own_forward():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert torch.allclose(U.Expm1.apply(x), torch.expm1(x.detach()))
    y = _HalfExpm1.apply(x)
    assert torch.equal(y, torch.tensor([0.5, 1.0])) and type(y.grad_fn).__name__ == "_HalfExpm1Backward0"
    assert torch.equal(_HalfExpm1.apply(x), y)  # (its own specialised apply, second call)
    assert getattr(_HalfExpm1.__dict__["apply"].__func__, "_specialised", False)
