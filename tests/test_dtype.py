"""dtype objects and torch's type promotion (dimensioned tensors > 0-d tensors > Python scalars)."""
import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import npgrad

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def _t(m, name, zero_dim=False):
    shape = () if zero_dim else (2,)
    return m.ones(shape, dtype=getattr(m, name))


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_promote_types(a, b):
    ours = npgrad.promote_types(getattr(npgrad, a), getattr(npgrad, b))
    theirs = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert str(ours).split(".")[1] == str(theirs).split(".")[1]


@given(a=st.sampled_from(DTYPES), b=st.sampled_from(DTYPES), a0=st.booleans(), b0=st.booleans(),
       op=st.sampled_from(["__add__", "__mul__", "__sub__", "__truediv__"]))
def test_binary_result_dtype(a, b, a0, b0, op):
    try:
        x = getattr(_t(torch, a, a0), op)(_t(torch, b, b0))
    except RuntimeError:  # e.g. subtraction with a bool tensor: npgrad must refuse too
        with pytest.raises(RuntimeError):
            getattr(_t(npgrad, a, a0), op)(_t(npgrad, b, b0))
        return
    y = getattr(_t(npgrad, a, a0), op)(_t(npgrad, b, b0))
    assert str(y.dtype).split(".")[1] == str(x.dtype).split(".")[1]


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_scalar_promotion(a, scalar):
    if a == "bool" and scalar is True:
        pass
    x = _t(torch, a) * scalar
    y = _t(npgrad, a) * scalar
    assert str(y.dtype).split(".")[1] == str(x.dtype).split(".")[1]
    assert y.tolist() == x.tolist()


def test_default_dtype():
    assert npgrad.get_default_dtype() is npgrad.float32
    assert npgrad.tensor(1.5).dtype is npgrad.float32 and npgrad.tensor(1).dtype is npgrad.int64
    npgrad.set_default_dtype(npgrad.float64)
    try:
        assert npgrad.tensor([1.5]).dtype is npgrad.float64
        assert (npgrad.ones(2, dtype=npgrad.int32) * 1.5).dtype is npgrad.float64
    finally:
        npgrad.set_default_dtype(npgrad.float32)
    with pytest.raises(TypeError):
        npgrad.set_default_dtype(npgrad.int64)


def test_dtype_aliases_and_numpy_mapping():
    assert npgrad.float is npgrad.float32 and npgrad.double is npgrad.float64 and npgrad.long is npgrad.int64
    assert npgrad.half is npgrad.float16 and npgrad.int is npgrad.int32
    assert npgrad.from_numpy(np.zeros(2, np.float64)).dtype is npgrad.float64
    assert npgrad.float32.is_floating_point and not npgrad.int64.is_floating_point
    with pytest.raises(TypeError):
        npgrad.from_numpy(np.zeros(2, np.complex64))
