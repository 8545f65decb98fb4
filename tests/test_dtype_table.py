"""npgrad/_dtype.py's one dtype table against torch: names, legacy tensor types, storages, C++ names, itemsize,
category flags and the promotion of every pair; and the tables elsewhere derive from it."""
import itertools

import numpy as np
import pytest
import torch

import npgrad
from npgrad import _dtype as D

NAMES = [row[0] for row in D.TABLE]
OTHER = {"float64": torch.float32}  # a dtype torch's mm refuses beside each one, to read its C++ name


def test_table_covers_every_dtype_once():
    assert len(NAMES) == len(set(NAMES))
    assert set(NAMES) == {"float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                          "bool"}


@pytest.mark.parametrize("name", NAMES)
def test_row_matches_torch(name):
    d, td = getattr(npgrad, name), getattr(torch, name)
    assert repr(d) == repr(td).replace("torch.", "npgrad.")
    assert d.itemsize == td.itemsize
    assert d.is_floating_point == td.is_floating_point
    assert d.is_signed == td.is_signed
    assert d._cat == (2 if td.is_floating_point else 0 if td is torch.bool else 1)
    t = torch.zeros(2, 2, dtype=td)
    assert t.type() == "torch." + D.TENSOR_TYPES[name]           # legacy type name, hence the scalar name
    assert D.TENSOR_TYPES[name] == D.SCALAR_NAMES[name] + "Tensor"
    assert hasattr(torch, D.STORAGES[name])                       # torch.FloatStorage ...
    with pytest.raises(RuntimeError) as e:
        torch.mm(t, torch.zeros(2, 2, dtype=OTHER.get(name, torch.float64)))
    assert f"got: {D.CPP_NAMES[name]} != " in str(e.value)       # C++ type name in torch's kernel messages
    np_dtype = D.TABLE[NAMES.index(name)][-1]
    if np_dtype is not None:
        assert np.dtype(np_dtype).itemsize == d.itemsize and d.np == np.dtype(np_dtype)


@pytest.mark.parametrize("a,b", list(itertools.combinations_with_replacement(NAMES, 2)))
def test_promotion_of_every_pair_matches_torch(a, b):
    got = npgrad.promote_types(getattr(npgrad, a), getattr(npgrad, b))
    want = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert got.name == str(want).replace("torch.", "")


def test_type_names_elsewhere_derive_from_the_table():
    from npgrad import _legacy, _out
    from npgrad.ops import pointwise, linalg_common
    from npgrad.serialization import _globals
    assert pointwise.TYPE_NAMES is D.SCALAR_NAMES and _out._TYPE_NAMES is D.SCALAR_NAMES
    assert linalg_common._TNAMES is D.SCALAR_NAMES and linalg_common._CNAMES is D.CPP_NAMES
    assert {n: getattr(npgrad, t).dtype.name for t, n in _legacy._NAMES.items()} == \
        {n: n for n in NAMES if n != "bfloat16"}
    assert all(D.STORAGES[n] == s for s, n in _globals.STORAGES.items())
    if D.HAS_BF16:  # ml_dtypes, the optional bfloat16 extra
        assert npgrad.zeros(1, dtype=npgrad.bfloat16).type() == "torch.BFloat16Tensor"
