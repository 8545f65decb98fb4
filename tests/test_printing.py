"""npgrad._printing.format_tensor against repr(torch.Tensor), computed live."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from npgrad._printing import format_tensor, get_printoptions, set_printoptions

T = torch.tensor
NAN, INF = math.nan, math.inf


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def torch_suffixes(t):
    if t.grad_fn is not None:
        return (f"grad_fn=<{type(t.grad_fn).__name__}>",)
    return ("requires_grad=True",) if t.requires_grad else ()


def expected(t):
    return repr(t).replace("torch.", "npgrad.")


def ours(t):
    default = str(torch.get_default_dtype()).replace("torch.", "")
    return format_tensor(t.detach().numpy(), dtype_name(t),
                         suffixes=torch_suffixes(t), default_float=default)


def check(t):
    assert ours(t) == expected(t)


@pytest.fixture(autouse=True)
def restore_options():
    yield
    torch.set_printoptions(profile="default")
    set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


def both_set(**kwargs):
    torch.set_printoptions(**kwargs)
    set_printoptions(**kwargs)


def _randn(*shape, seed=0):
    return torch.from_numpy(np.random.RandomState(seed).randn(*shape).astype(np.float32))


CASES = {
    "scalar": lambda: T(0.1687),
    "scalar_int": lambda: T(7),
    "scalar_bool": lambda: T(False),
    "scalar_nan": lambda: T(NAN),
    "scalar_negzero": lambda: T(-0.0),
    "scalar_f64": lambda: T(2.5, dtype=torch.float64),
    "fixed": lambda: T([1.5, -2.25, 3.125]),
    "rounding": lambda: T([0.12345, 1.99999, 123.456789]),
    "whole_floats": lambda: T([1.0, -2.0, 30.0]),
    "whole_big_ratio": lambda: T([1.0, 2000.0]),
    "whole_huge": lambda: T([1e9, 2.0]),
    "sci_small": lambda: T([1e-5, 1.0]),
    "sci_ratio": lambda: T([0.5, 1000.5]),
    "sci_huge": lambda: T([1.5e8, 1.0]),
    "sci_boundary": lambda: T([1e-4, 0.1]),
    "all_zero": lambda: torch.zeros(4),
    "all_nonfinite": lambda: T([NAN, INF, -INF]),
    "nan_inf_fixed": lambda: T([NAN, INF, -INF, 1.5]),
    "nan_inf_int": lambda: T([NAN, INF, -INF, 2.0]),
    "nan_inf_sci": lambda: T([NAN, INF, 1e-7]),
    "negzero": lambda: T([-0.0, 0.0, 1.0]),
    "negzero_fixed": lambda: T([-0.0, 0.5]),
    "ints": lambda: T([1, -20, 300]),
    "int32": lambda: T([1, -20, 300], dtype=torch.int32),
    "int16": lambda: T([[1, 2], [3, -4]], dtype=torch.int16),
    "int8": lambda: T([-128, 127], dtype=torch.int8),
    "uint8": lambda: T([0, 255], dtype=torch.uint8),
    "bools": lambda: T([True, False, True]),
    "float64": lambda: T([1.25, 2.5], dtype=torch.float64),
    "float16": lambda: T([0.1, 65504.0, -3.0], dtype=torch.float16),
    "float16_whole": lambda: T([1.0, 2.0], dtype=torch.float16),
    "float16_tiny": lambda: T([6e-8, 1.0], dtype=torch.float16),
    "2d": lambda: _randn(3, 4),
    "3d": lambda: _randn(2, 3, 4),
    "4d": lambda: _randn(2, 2, 2, 3),
    "5d": lambda: _randn(2, 1, 2, 1, 2),
    "long_row_wraps": lambda: _randn(40),
    "long_rows_2d": lambda: _randn(3, 30),
    "long_int_row": lambda: torch.arange(100),
    "summarised_1d": lambda: torch.arange(2000, dtype=torch.float32),
    "summarised_2d": lambda: _randn(40, 50),
    "summarised_3d": lambda: _randn(12, 10, 11),
    "summarised_narrow": lambda: _randn(2, 600),
    "summary_format_from_edges": lambda: torch.cat(
        [torch.ones(3), torch.full((1000,), 0.5), torch.ones(3)]),
    "summary_ignores_middle_sci": lambda: torch.cat(
        [torch.ones(3), torch.full((1000,), 1e-9), torch.ones(3)]),
    "summarised_int": lambda: torch.arange(-5000, 5000).reshape(100, 100),
    "summarised_bool": lambda: _randn(30, 40) > 0.5,
    "exactly_threshold": lambda: torch.arange(1000.0),
    "empty_1d": lambda: T([]),
    "empty_2d": lambda: torch.zeros(0, 3),
    "empty_3d": lambda: torch.zeros(2, 0, 3),
    "empty_int": lambda: torch.zeros(0, dtype=torch.int64),
    "empty_bool": lambda: torch.zeros(0, 2, dtype=torch.bool),
    "empty_f64": lambda: torch.zeros(0, dtype=torch.float64),
    "empty_f16": lambda: torch.zeros(3, 0, dtype=torch.float16),
    "noncontiguous": lambda: _randn(4, 5).t(),
    "strided": lambda: torch.arange(20.0)[::3],
    "requires_grad": lambda: _randn(3).requires_grad_(),
    "requires_grad_f64": lambda: T([1.0, 2.0], dtype=torch.float64, requires_grad=True),
    "grad_fn": lambda: T([1.0, 2.0], requires_grad=True) * 2,
    "grad_fn_f64": lambda: T([1.0, 2.0], dtype=torch.float64, requires_grad=True) + 1,
    "grad_fn_scalar": lambda: (T([1.0, 2.0], requires_grad=True) ** 2).sum(),
    "requires_grad_big_2d": lambda: _randn(5, 6).requires_grad_(),
    "requires_grad_big_f64": lambda: _randn(4, 7).double().requires_grad_(),
    "grad_fn_wide": lambda: (_randn(3, 8).double().requires_grad_() * 2).mean(0),
    "requires_grad_row_near_limit": lambda: T([123.456] * 7, requires_grad=True),
    "grad_fn_row_near_limit": lambda: T([1.25] * 8, requires_grad=True) + 0,
    # these fit in 80 columns with "torch." but would not with "npgrad."
    "dtype_fits_as_torch": lambda: T([123.25] * 5, dtype=torch.float64),
    "dtype_grad_fits_as_torch": lambda: T([123.25] * 3, dtype=torch.float64,
                                          requires_grad=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    check(CASES[name]())


OPTION_CASES = [
    ({"precision": 2}, lambda: _randn(3, 3)),
    ({"precision": 8}, lambda: T([1 / 3, 2.0], dtype=torch.float64)),
    ({"precision": 0}, lambda: T([0.4, 1.6])),
    ({"threshold": 5}, lambda: torch.arange(10)),
    ({"threshold": 5, "edgeitems": 1}, lambda: _randn(3, 4)),
    ({"threshold": 5, "edgeitems": 0}, lambda: _randn(3, 4)),
    ({"threshold": 5, "edgeitems": 0}, lambda: torch.arange(10.0)),
    ({"edgeitems": 0}, lambda: torch.arange(4)),
    ({"edgeitems": 0}, lambda: torch.zeros(0, 2)),
    ({"linewidth": 30}, lambda: _randn(20)),
    ({"linewidth": 30}, lambda: T([1.0, 2.0], requires_grad=True)),
    ({"linewidth": 5}, lambda: _randn(2, 3)),
    ({"profile": "short"}, lambda: _randn(20, 60)),
    ({"profile": "full"}, lambda: torch.arange(1500.0)),
    ({"profile": "full", "precision": 2}, lambda: _randn(4)),
    ({"sci_mode": True}, lambda: T([1.0, 2.5])),
    ({"sci_mode": True}, lambda: T([1.0, 2.0])),
    ({"sci_mode": True}, lambda: torch.zeros(2)),
    ({"sci_mode": False}, lambda: T([1e-8, 1e9])),
    ({"sci_mode": False}, lambda: T([1.0, 1e12])),
]


@pytest.mark.parametrize("index", range(len(OPTION_CASES)))
def test_printoptions(index):
    options, make = OPTION_CASES[index]
    both_set(**options)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    check(make())


def test_printoptions_roundtrip_and_reset():
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    both_set(precision=6, sci_mode=True)
    saved = get_printoptions()
    both_set(profile="short")
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    assert get_printoptions()["sci_mode"] is None
    set_printoptions(**saved)
    torch.set_printoptions(**saved)
    assert get_printoptions() == torch._tensor_str.get_printoptions() == saved
    check(T([1.0, 0.5]))


def test_default_float64():
    torch.set_default_dtype(torch.float64)
    for t in (T([1.5, 2.0]), T([1.5], dtype=torch.float32), torch.zeros(0),
              torch.zeros(0, dtype=torch.float32), T([1.0], requires_grad=True)):
        check(t)


def test_custom_prefix():
    # torch uses "<subclass name>(" as prefix and indents continuation lines to it
    sub = type("MyTensor", (torch.Tensor,), {})
    for t in (_randn(3, 30), _randn(2, 20).requires_grad_()):
        s = t.as_subclass(sub)
        got = format_tensor(t.detach().numpy(), "float32", prefix="MyTensor(",
                            suffixes=torch_suffixes(s))
        assert got == repr(s)


# ---------------------------------------------------------------- properties

DTYPES = [torch.float32, torch.float64, torch.float16, torch.int64,
          torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool]
KINDS = ["normal", "tiny", "huge", "mixed", "whole", "nonfinite", "zeros", "wide_ints"]


def make_values(kind, shape, rng):
    n = int(np.prod(shape))
    if kind == "normal":
        v = rng.randn(n)
    elif kind == "tiny":
        v = rng.randn(n) * 1e-6
    elif kind == "huge":
        v = rng.randn(n) * 1e10
    elif kind == "mixed":
        v = rng.randn(n) * 10.0 ** rng.randint(-8, 9, size=n)
    elif kind == "whole":
        v = np.round(rng.randn(n) * 50)
    elif kind == "nonfinite":
        v = rng.choice([NAN, INF, -INF, 0.0, -0.0, 1.0, 0.25, -7.5], size=n)
    elif kind == "zeros":
        v = rng.choice([0.0, -0.0], size=n)
    else:
        v = rng.randint(-(10**6), 10**6, size=n).astype(np.float64)
    return np.asarray(v, dtype=np.float64).reshape(shape)


def build(dtype, kind, shape, seed):
    rng = np.random.RandomState(seed)
    v = make_values(kind, shape, rng)
    if dtype == torch.bool:
        return torch.from_numpy(np.asarray(v > 0))
    if not dtype.is_floating_point:
        info = torch.iinfo(dtype)
        v = np.asarray(np.clip(np.nan_to_num(np.round(v)), info.min, info.max))
        return torch.from_numpy(v).to(dtype)
    with np.errstate(over="ignore"):
        return torch.from_numpy(v).to(dtype)


small_shapes = st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)
big_shapes = st.sampled_from([(1001,), (2000,), (3, 400), (40, 30), (11, 10, 10),
                              (2, 3, 13, 14), (7, 1, 150), (1, 1200)])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(KINDS),
       st.one_of(small_shapes, big_shapes), st.integers(0, 2**31 - 1),
       st.booleans())
def test_random_tensors(dtype, kind, shape, seed, grad):
    t = build(dtype, kind, shape, seed)
    if grad and dtype.is_floating_point:
        t.requires_grad_()
    check(t)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([torch.float32, torch.float64, torch.int64]),
       st.sampled_from(KINDS), small_shapes, st.integers(0, 2**31 - 1),
       st.integers(0, 6), st.integers(1, 20), st.integers(20, 120),
       st.sampled_from([None, True, False]))
def test_random_printoptions(dtype, kind, shape, seed, precision, threshold,
                             linewidth, sci_mode):
    both_set(precision=precision, threshold=threshold, linewidth=linewidth,
             sci_mode=sci_mode, edgeitems=2)
    check(build(dtype, kind, shape, seed))
