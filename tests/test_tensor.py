"""Tensor attributes, methods, conversions and errors against torch."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import assert_same, compare_error


def both(fn):
    return fn(npgrad), fn(torch)


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([[1., 2.], [3., 4.]]),
    lambda m: m.tensor(3.5),
    lambda m: m.tensor([1, 2, 3]),
    lambda m: m.tensor([True, False]),
    lambda m: m.zeros(2, 3, dtype=m.float64),
    lambda m: m.ones((4,), dtype=m.int32),
    lambda m: m.tensor([], dtype=m.float32),
])
def test_metadata(make):
    a, b = both(make)
    assert tuple(a.shape) == tuple(b.shape)
    assert tuple(a.size()) == tuple(b.size())
    assert a.dim() == b.dim() and a.ndim == b.ndim and a.numel() == b.numel()
    assert str(a.dtype).replace("npgrad", "torch") == str(b.dtype)
    assert a.is_leaf and not a.requires_grad and a.grad_fn is None and a.grad is None
    assert str(a.device) == str(b.device) == "cpu"
    assert a.element_size() == b.element_size()
    assert a.is_floating_point() == b.is_floating_point()
    assert a.tolist() == b.tolist()
    assert repr(a) == repr(b).replace("torch.", "npgrad.")
    assert a.stride() == b.stride()


def test_size_repr_and_indexing():
    s = npgrad.ones(5, 3).shape
    assert repr(s) == "npgrad.Size([5, 3])" and str(s) == "npgrad.Size([5, 3])"
    assert s == (5, 3) and s[0] == 5 and s[-1] == 3 and s.numel() == 15
    assert isinstance(s[1:], npgrad.Size)
    assert npgrad.ones(5, 3).size(1) == 3 and npgrad.ones(5, 3).size(-2) == 5
    assert repr(npgrad.float32) == "npgrad.float32"
    with pytest.raises(IndexError):
        npgrad.ones(5, 3).size(2)


def test_item_tolist_numpy_and_conversions():
    for m in (npgrad, torch):
        t = m.tensor([1.5])
        assert t.item() == 1.5 and float(t) == 1.5 and int(t) == 1
        assert m.tensor([[1, 2]]).tolist() == [[1, 2]]
    a = npgrad.tensor([1., 2.])
    assert a.numpy() is a._data and np.asarray(a) is a._data  # shared memory, as torch
    a.numpy()[0] = 7
    assert a.tolist() == [7., 2.]
    for dt in ("float", "double", "half", "long", "int", "bool"):
        x, y = both(lambda m: getattr(m.tensor([1.7, -2.2, 0.]), dt)())
        assert_same(x, y)
    x = npgrad.tensor([1., 2.])
    assert x.float() is x and x.to(npgrad.float32) is x  # no-op conversions return self, as torch
    assert x.to(npgrad.float64).dtype == npgrad.float64
    assert x.to("cpu") is x and x.cpu() is x
    assert x.to(npgrad.ones(1, dtype=npgrad.int64)).dtype == npgrad.int64


def test_errors_match_torch():
    compare_error(lambda m: m.tensor([1., 2.]).item(), [])
    compare_error(lambda m: bool(m.tensor([1., 2.])), [])
    compare_error(lambda m: len(m.tensor(1.)), [])
    compare_error(lambda m: iter(m.tensor(1.)), [])
    compare_error(lambda m: m.ones(3, dtype=m.int64, requires_grad=True), [])
    compare_error(lambda m: m.ones(3, requires_grad=True).numpy(), [])
    compare_error(lambda m: m.ones(3, requires_grad=True).add_(1), [])
    compare_error(lambda m: (m.ones(3, requires_grad=True) * 2).requires_grad_(False), [])
    compare_error(lambda m: m.ones(2, 3) + m.ones(3, 2), [])
    compare_error(lambda m: m.ones(2, 3) @ m.ones(2, 3), [])
    compare_error(lambda m: m.ones(2, 3).view(4), [])
    compare_error(lambda m: m.ones(2, 3).t().view(6), [])
    compare_error(lambda m: m.ones(2, 3).transpose(0, 2), [])
    compare_error(lambda m: m.ones(3)[5], [])
    compare_error(lambda m: m.ones(2, 3).sum(3), [])
    compare_error(lambda m: m.ones(3, dtype=m.int64).mean(), [])
    compare_error(lambda m: m.ones(2).cuda(), [])


def test_bool_len_iter():
    for m in (npgrad, torch):
        assert bool(m.tensor([1.])) and not bool(m.tensor(0))
        assert len(m.ones(4, 2)) == 4
    a = [t.tolist() for t in npgrad.tensor([[1, 2], [3, 4]])]
    b = [t.tolist() for t in torch.tensor([[1, 2], [3, 4]])]
    assert a == b


@pytest.mark.parametrize("op", ["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"])
def test_comparisons(op):
    vals = [[1., 2., 3.], [3., 2., 1.]]
    for other in ([2., 2., 2.], 2, 2.5):
        x, y = both(lambda m: getattr(m.tensor(vals), op)(m.tensor(other) if isinstance(other, list) else other))
        assert_same(x, y)


def test_detach_shares_storage_and_version():
    x = npgrad.tensor([1., 2.], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    with npgrad.no_grad():
        d.add_(1)
    assert x.tolist() == [2., 3.] and x._version == d._version == 1
    data = x.data
    assert not data.requires_grad and data._version == 0  # .data: own version counter, as torch


def test_non_leaf_grad_warns_and_retain_grad():
    x = npgrad.ones(3, requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad.tolist() == [4., 4., 4.]


def test_grad_setter_checks():
    x = npgrad.ones(3, requires_grad=True)
    x.grad = npgrad.zeros(3)
    with pytest.raises(RuntimeError):
        x.grad = npgrad.zeros(2)
    with pytest.raises(RuntimeError):
        x.grad = npgrad.zeros(3, dtype=npgrad.float64)
    x.grad = None


def test_format_of_scalars():
    for m in (npgrad, torch):
        loss = m.tensor(0.16871707141399384)
    a, b = npgrad.tensor(0.16871707141399384), torch.tensor(0.16871707141399384)
    assert f"{a}" == f"{b}" and format(a, ".3f") == format(b, ".3f")
    assert str(npgrad.tensor([1., 2.])) == str(torch.tensor([1., 2.]))


def test_clone_contiguous_zero():
    x = npgrad.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0" and c._data is not x._data
    t = x.detach().t()
    assert not t.is_contiguous() and t.contiguous().is_contiguous()
    z = npgrad.ones(3)
    assert z.zero_() is z and z.tolist() == [0., 0., 0.] and z._version == 1


def test_requires_grad_flags():
    x = npgrad.zeros(2)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    assert (npgrad.ones(2, requires_grad=True) * 2).requires_grad
    assert not (npgrad.ones(2) * 2).requires_grad


@pytest.mark.parametrize("call", [
    lambda m, x: x.numpy(),
    lambda m, x: x.numpy(force=True),
    lambda m, x: np.asarray(x),
    lambda m, x: np.asarray(x, dtype=np.float32),
    lambda m, x: x.requires_grad_().numpy(),           # the requires-grad error comes first
    lambda m, x: x.requires_grad_().numpy(force=True),
])
def test_numpy_of_bfloat16_raises_as_torch(call):
    compare_error(lambda m: call(m, m.ones(2, dtype=m.bfloat16)), ())


def test_internal_numpy_users_accept_bfloat16():
    # GradScaler's inf check reads the gradient's array (torch's numpy() would refuse bfloat16)
    p = npgrad.nn.Parameter(npgrad.ones(2, dtype=npgrad.bfloat16))
    opt = npgrad.optim.SGD([p], lr=0.1)
    scaler = npgrad.amp.GradScaler("cpu")
    scaler.scale(p.sum()).backward()
    scaler.step(opt)
    scaler.update()
    assert p.dtype == npgrad.bfloat16 and p.tolist() != [1.0, 1.0]
    mask = npgrad.tensor([[0.0, float("-inf")]], dtype=npgrad.bfloat16)
    layer = npgrad.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True).eval()
    with npgrad.no_grad():
        out = layer(npgrad.randn(1, 2, 4), src_key_padding_mask=mask)
    assert out.shape == (1, 2, 4)


# pytorch/examples dcgan: `if (input.is_cuda or input.is_xpu) and self.ngpu > 1` - every device/layout flag a torch
# CPU tensor has, with torch's answer
def test_device_and_layout_flags_as_torch():
    import torch
    t, n = torch.ones(2), npgrad.ones(2)
    flags = [a for a in dir(t) if a.startswith("is_") and not callable(getattr(t, a))]
    assert "is_xpu" in flags
    for a in flags:
        assert getattr(n, a) == getattr(t, a), a
        assert getattr(n.T.double(), a) == getattr(t.T.double(), a), a
