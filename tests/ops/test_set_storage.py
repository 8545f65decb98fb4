"""Tensor.set_(source, storage_offset, size, stride) vs torch: the offset counts from the source's own storage
offset, a geometry reaching past the source's storage grows it (source and result then share the larger
storage), torch's errors (same geometry out of bounds, negative strides, a non-contiguous source), and only
set_(source) records a node."""
import numpy as np
import pytest
import torch

import npgrad


def _outcome(fn):
    out = {}
    for m in (npgrad, torch):
        try:
            out[m.__name__] = ("ok", fn(m))
        except RuntimeError as e:
            out[m.__name__] = ("RuntimeError", str(e))
    return out["npgrad"], out["torch"]


GROW = {
    "rows": lambda m: (m.arange(4.0), 0, (2, 3), None),
    "offset": lambda m: (m.arange(4.0), 1, (4,), None),
    "strided": lambda m: (m.arange(4.0), 0, (3,), (2,)),
    "transposed_geometry": lambda m: (m.arange(4.0), 0, (2, 3), (1, 2)),
    "view_source": lambda m: (m.arange(4.0)[1:], 0, (2, 4), None),
    "within_storage_of_a_view": lambda m: (m.arange(8.0)[2:6], 1, (2,), None),
}


@pytest.mark.parametrize("case", list(GROW))
def test_set_grows_or_offsets_as_torch(case):
    def run(m):
        src, off, size, stride = GROW[case](m)
        old = src.tolist()
        a = m.zeros(1)
        a.set_(src, off, size, stride) if stride else a.set_(src, off, size)
        shared = a.storage_offset(), tuple(a.shape), tuple(a.stride()), src.tolist() == old
        a.fill_(7.0)  # every element of the result, some of them past the old end: source sees its own
        return shared, src.tolist(), a.tolist()
    ours, theirs = _outcome(run)
    assert ours == theirs


ERRORS = {
    "same_geometry_out_of_bounds": lambda m: m.zeros(3).set_(m.arange(4.0), 2, (3,)),
    "negative_stride": lambda m: m.zeros(3).set_(m.arange(4.0), 0, (3,), (-1,)),
    "non_contiguous_source": lambda m: m.zeros(1).set_(m.arange(4.0).reshape(2, 2).t(), 0, (2, 2)),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_set_errors_as_torch(case):
    ours, theirs = _outcome(lambda m: ERRORS[case](m).tolist())
    assert theirs[0] == "RuntimeError"
    assert ours == theirs


def test_only_set_source_records_a_node():
    def run(m):
        x = m.arange(3.0, requires_grad=True)
        got = []
        for args in ((x,), (x, 0, (3,)), (x * 1, 0, (5,)), (x * 1,)):
            c = m.zeros(1).set_(*args)
            got.append((c.requires_grad, None if c.grad_fn is None else c.grad_fn.name()))
        return got
    ours, theirs = _outcome(run)
    assert ours == theirs


def test_no_growth_while_other_tensors_share_the_storage():
    src = npgrad.arange(4.0)
    view = src[1:]
    with pytest.raises(RuntimeError, match="cannot grow"):
        npgrad.zeros(1).set_(src, 0, (2, 3))
    assert view.tolist() == [1.0, 2.0, 3.0] and np.shares_memory(view._data, src._data)
