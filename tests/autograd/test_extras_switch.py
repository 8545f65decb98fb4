"""The extras switch: rarely used features (anomaly mode, saved-tensor hooks, forward AD, inference mode, source
tracking) are reached through one count that ``Function.apply`` tests, never by replacing ``Function.apply``, so
a bound ``apply`` kept in a variable sees them too, and the per-thread ones stay per thread (as in torch)."""
import threading
import warnings

import torch

import npgrad
from npgrad.autograd import function as _function
from npgrad.ops.pointwise_unary import Exp

_exp = Exp.apply  # kept bound method of a built-in op


class _Square(npgrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g


_square = _Square.apply  # kept bound method of a user Function


def test_apply_is_never_replaced_and_the_count_returns_to_zero():
    apply = npgrad.autograd.Function.__dict__["apply"]
    with npgrad.inference_mode():  # (not an extra: apply marks inference tensors itself, see function._inference)
        assert _function._extras == 0 and len(_function._inference) == 1
        with npgrad.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            assert _function._extras == 1
            assert npgrad.autograd.Function.__dict__["apply"] is apply
    assert _function._extras == 0 and not _function._inference


def test_kept_bound_apply_sees_inference_mode():
    x = npgrad.ones(3)
    with npgrad.inference_mode():
        assert _exp(x).is_inference()
        assert _square(x).is_inference()
    assert not _exp(x).is_inference()
    with torch.inference_mode():  # the same in torch
        assert torch.exp(torch.ones(3)).is_inference()


def test_kept_bound_apply_sees_saved_tensor_hooks():
    packed = []

    def pack(t):
        packed.append(t)
        return t

    x = npgrad.tensor([0.5, 1.5], requires_grad=True)
    with npgrad.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = _exp(x)
        z = _square(x)
    assert len(packed) == 2
    (y.sum() + z.sum()).backward()
    assert torch.allclose(torch.tensor(x.grad.tolist()), torch.tensor([0.5, 1.5]).exp() + 2 * torch.tensor([0.5, 1.5]))


def test_kept_bound_apply_sees_anomaly_mode():
    x = npgrad.ones(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with npgrad.autograd.detect_anomaly():
            assert "traceback_" in _exp(x).grad_fn.metadata
            assert "traceback_" in _square(x).grad_fn.metadata
    assert "traceback_" not in _exp(x).grad_fn.metadata


def test_kept_bound_apply_sees_forward_ad():
    import npgrad.autograd.forward_ad as fwAD
    with fwAD.dual_level():
        x = fwAD.make_dual(npgrad.tensor([0.0, 1.0]), npgrad.tensor([1.0, 2.0]))
        t = fwAD.unpack_dual(_exp(x)).tangent
    with torch.autograd.forward_ad.dual_level():
        xt = torch.autograd.forward_ad.make_dual(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0]))
        expected = torch.autograd.forward_ad.unpack_dual(torch.exp(xt)).tangent
    assert torch.allclose(torch.tensor(t.tolist()), expected)  # (npgrad's exp tangent is 1 ulp off torch's here)


def test_inference_mode_and_grad_mode_stay_per_thread():
    # torch: inference_mode and no_grad are thread-local; a thread inside them must not change another's results
    inside = threading.Event()
    done = threading.Event()
    seen = {}

    def other():
        with npgrad.inference_mode():
            inside.set()
            done.wait(10)
            seen["other"] = _exp(npgrad.ones(2)).is_inference()

    th = threading.Thread(target=other)
    th.start()
    assert inside.wait(10)
    try:
        x = npgrad.ones(2, requires_grad=True)
        y = _exp(x)
        assert not y.is_inference() and y.requires_grad and y.grad_fn is not None
        assert npgrad.is_grad_enabled() and not npgrad.is_inference_mode_enabled()
    finally:
        done.set()
        th.join()
    assert seen["other"] is True
    assert _function._extras == 0
