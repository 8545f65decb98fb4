"""resize_ keeps torch's storage semantics (ops/shape_extra.py ``_resize_``): new sizes are contiguous over the same
storage from the same offset, so a tensor made by ``set_`` or a view keeps sharing memory when it shrinks, regrows
within the storage or changes shape; the same shape keeps its strides; a storage no other tensor shares grows.
Each case runs on torch and npgrad and compares. Growing a storage that other tensors share is refused (torch grows
it in place, which NumPy memory cannot)."""
import pytest
import torch

import npgrad


def _set_source(m):
    a = m.arange(4.0)
    b = m.empty(0)
    b.set_(a)
    return a, b


CASES = {
    "shrink_after_set": lambda m: (lambda a, b: (b.resize_(2), b.fill_(7), a.tolist(), b.tolist())[2:])(*_set_source(m)),
    "regrow_within_after_set": lambda m: (lambda a, b: (b.resize_(2), b.resize_(4), b.mul_(2), a.tolist())[3])(
        *_set_source(m)),
    "reshape_same_numel": lambda m: (lambda a, b: (b.resize_(2, 2), b.add_(1), a.tolist(), b.tolist())[2:])(
        *_set_source(m)),
    "view_within_storage": lambda m: (lambda c: (lambda d: (d.resize_(4), d.zero_(), c.tolist(), d.shape[0])[2:])(
        c[:2]))(m.arange(6.0)),
    "same_shape_keeps_strides": lambda m: (lambda t: (t.resize_(3, 2), t.tolist(), t.is_contiguous(), t.stride())[1:])(
        m.arange(6.0).reshape(2, 3).t()),
    "lone_grow": lambda m: (lambda u: (u.resize_(5), u[:3].tolist(), tuple(u.shape))[1:])(m.arange(3.0)),
    "lone_view_grow": lambda m: (lambda v: (v.resize_(4), v.__setitem__(0, 9.0), v[:2].tolist(), v._base.tolist(),
                                            v.storage_offset())[2:])(m.arange(3.0)[1:]),
    "shrink_2d": lambda m: (lambda x: (x.resize_(2), x.tolist(), x.is_contiguous())[1:])(m.arange(6.0).reshape(2, 3)),
    "int_tensor": lambda m: (lambda x: (x.resize_(2, 2), x.tolist(), str(x.dtype).split(".")[-1])[1:])(m.arange(4)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_resize_storage_as_torch(case):
    assert CASES[case](npgrad) == CASES[case](torch)


def test_growing_a_shared_storage_is_refused():
    w = npgrad.arange(3.0)
    w2 = w[:]
    with pytest.raises(RuntimeError, match="share"):
        w.resize_(5)
    assert w.tolist() == w2.tolist() == [0.0, 1.0, 2.0]  # both untouched, still sharing
    w2[0] = 5.0
    assert w[0].item() == 5.0
