"""detect_anomaly / set_detect_anomaly and gradcheck / gradgradcheck against torch."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import anomaly_mode, function as _function
from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError


def _record(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fn()
            err = None
        except Exception as e:  # noqa: BLE001
            err = e
    return err, [str(x.message) for x in w]


@pytest.mark.parametrize("expr,node", [("(x.sqrt() * 0).sum()", "SqrtBackward0"),
                                       ("(x / 0 * 0).sum()", "DivBackward0")])
def test_detect_anomaly_names_the_node_and_prints_forward_trace(expr, node):
    for m in (npgrad, torch):
        x = m.tensor([0., 1.], requires_grad=True)

        def go():
            with m.autograd.detect_anomaly():
                y = eval(expr, {}, {"x": x})  # noqa: S307  (the same source line for both frameworks)
                assert "traceback_" in y.grad_fn.metadata
                y.backward()
        err, msgs = _record(go)
        assert isinstance(err, RuntimeError)
        assert f"Function '{node}' returned nan values in its 0th output." in str(err)
        assert any(s.startswith("Anomaly Detection has been enabled") for s in msgs)
        trace = [s for s in msgs if s.startswith(f"Error detected in {node}. Traceback of forward call")]
        assert trace and "test_anomaly_gradcheck.py" in trace[0] and "eval(expr" in trace[0]
        assert "npgrad" not in trace[0].split("eval(expr")[-1].replace("test_anomaly", "")


def test_no_nan_check_without_anomaly_and_with_check_nan_false():
    for m in (npgrad, torch):
        x = m.tensor([0., 1.], requires_grad=True)
        (x.sqrt() * 0).sum().backward()
        assert np.isnan(x.grad.numpy()[0])
        with m.autograd.set_detect_anomaly(True, check_nan=False):
            assert m.is_anomaly_enabled() and not m.is_anomaly_check_nan_enabled()
            (x.sqrt() * 0).sum().backward()
        assert not m.is_anomaly_enabled()


def test_set_detect_anomaly_as_function_and_zero_cost_when_off():
    for m in (npgrad, torch):
        m.autograd.set_detect_anomaly(True)
        assert m.is_anomaly_enabled() and m.is_anomaly_check_nan_enabled()
        x = m.ones(2, requires_grad=True)
        assert "traceback_" in (x * 2).grad_fn.metadata
        m.autograd.set_detect_anomaly(False)
        assert not m.is_anomaly_enabled()
        assert "traceback_" not in (x * 2).grad_fn.metadata
    assert _function._extras == 0  # the fast path is back
    assert not anomaly_mode._enabled


def test_anomaly_reports_other_backward_errors_too():
    for m in (npgrad, torch):
        x = m.ones(2, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                y = x.exp()
                z = y * m.ones(2, requires_grad=True)
                y.add_(1)
                err, msgs = _record(lambda: z.sum().backward())
        assert isinstance(err, RuntimeError) and "modified by an inplace operation" in str(err)
        assert "which is output 0 of Add, is at version 1; expected version 0 instead. Hint: the backtrace" in str(err)
        assert any(s.startswith("Error detected in MulBackward0") for s in msgs)


# ---------------------------------------------------------------------------------------------- gradcheck
def _bad(m):
    class Bad(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x
    return Bad


@pytest.mark.parametrize("fast", [False, True])
def test_gradcheck_reports_mismatch_like_torch(fast):
    for m in (npgrad, torch):
        x = m.tensor(np.array([1., 2.]), requires_grad=True)
        with pytest.raises(TorchGradcheckError if m is torch else npgrad.autograd.GradcheckError) as info:
            m.autograd.gradcheck(_bad(m).apply, (x,), fast_mode=fast)
        assert isinstance(info.value, RuntimeError)
        msg = str(info.value)
        assert msg.startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:")
        assert "analytical:" in msg
        assert m.autograd.gradcheck(_bad(m).apply, (x,), raise_exception=False, fast_mode=fast) is False


def test_gradcheck_passes_and_api():
    for m in (npgrad, torch):
        x = m.tensor(np.array([0.3, -1.2, 2.0]), requires_grad=True)
        y = m.tensor(np.array([1.5, 0.5, -0.7]), requires_grad=True)
        f = lambda a, b: (a * b.exp(), (a / (b * b + 1)).sum())  # noqa: E731
        assert m.autograd.gradcheck(f, (x, y))
        assert m.autograd.gradcheck(f, (x, y), fast_mode=True)
        assert m.autograd.gradcheck(f, (x, y), check_forward_ad=True, check_undefined_grad=False,
                                    check_batched_grad=False, nondet_tol=0.0)
        assert m.autograd.gradgradcheck(f, (x, y))
        assert m.autograd.gradgradcheck(f, (x, y), fast_mode=True)
        assert m.autograd.gradcheck(lambda a, k: a * k, (x, 2.0))
        with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
            m.autograd.gradcheck(lambda a: a * 2, (m.ones(2, dtype=m.float64),))


def test_gradcheck_forward_ad_uses_custom_jvp_or_fails_like_torch():
    for m in (npgrad, torch):
        x = m.tensor(np.array([1., 2.]), requires_grad=True)
        with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
            m.autograd.gradcheck(_bad(m).apply, (x,), check_forward_ad=True, check_backward_ad=False)


def test_gradgradcheck_catches_wrong_second_derivative():
    for m in (npgrad, torch):
        class WrongSecond(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * 3 * x.detach() ** 2  # right value, but its own derivative is lost
        x = m.tensor(np.array([1., 2.]), requires_grad=True)
        assert m.autograd.gradcheck(WrongSecond.apply, (x,))
        assert not m.autograd.gradgradcheck(WrongSecond.apply, (x,), raise_exception=False)


def test_gradcheck_warns_on_float32():
    for m in (npgrad, torch):
        with pytest.warns(UserWarning, match="is not a double precision floating point"):
            m.autograd.gradcheck(lambda a: a * 2, (m.ones(2, requires_grad=True),), eps=1e-3, atol=1e-2, rtol=1e-2)
