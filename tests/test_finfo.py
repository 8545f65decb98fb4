"""npgrad.finfo / npgrad.iinfo against torch's: every attribute, the printed form and the errors."""
import pytest
import torch

import npgrad

FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_matches_torch(name):
    ours, theirs = npgrad.finfo(getattr(npgrad, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
        assert type(getattr(ours, attr)) is type(getattr(theirs, attr)), attr
    assert repr(ours) == repr(theirs)


def test_finfo_default_follows_default_dtype():
    assert repr(npgrad.finfo()) == repr(torch.finfo())
    npgrad.set_default_dtype(npgrad.float64)
    try:
        assert npgrad.finfo().dtype == "float64"
    finally:
        npgrad.set_default_dtype(npgrad.float32)


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    ours, theirs = npgrad.iinfo(getattr(npgrad, name)), torch.iinfo(getattr(torch, name))
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("fn, arg", [("finfo", "int64"), ("finfo", "bool"), ("iinfo", "float32"),
                                     ("iinfo", "bool"), ("finfo", "<str>"), ("iinfo", "<float>")])
def test_errors_as_torch(fn, arg):
    def call(m):
        a = {"<str>": "float32", "<float>": float}.get(arg) or getattr(m, arg)
        with pytest.raises(Exception) as info:
            getattr(m, fn)(a)
        return info.type
    assert call(npgrad) is call(torch)
