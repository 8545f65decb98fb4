"""Mismatches the differential fuzzer found, kept as regular tests (each compares against torch at test time).

Programs are ``(shape, dtype, steps, seed)`` as drawn by test_fuzz_ops.py; op indices refer to its tables, so
each regression below names its ops and replays them by name.
"""
import numpy as np
import pytest
import torch

import npgrad
from tests.fuzz.test_fuzz_ops import BINARY, INT_BINARY, INT_UNARY, UNARY, check_int_program, check_program
from tests.support.oracle import assert_same

_FLOAT_OPS = [name for name, _ in UNARY + BINARY]
_INT_OPS = [name for name, _ in INT_UNARY + INT_BINARY]


def _prog(shape, dtype, steps, seed, ops=_FLOAT_OPS):
    return shape, dtype, [(ops.index(name),) + tuple(rest) for name, *rest in steps], seed


FLOAT_PROGRAMS = [
    # zeros_like(grad) formulas gave grad * 0 = NaN where the incoming gradient was NaN (std of one element)
    ((), np.float64, [("sign", (2, 3, 1), True), ("std_all", (2, 3, 0), False)], 9001),
    ((), np.float32, [("floor", (), False), ("std_all", (), False)], 3),
    ((), np.float32, [("pow0", (), False), ("std_all", (), False)], 4),
    ((), np.float32, [("copysign", (), False), ("std_all", (), False)], 5),
    # 0-d log_softmax / softmax of NaN are NaN, not 0 / 1
    ((3, 0), np.float64, [("lerp_half", (1, 0, 2), True), ("mean", (2, 0), True), ("log_softmax_first", (), True)],
     29606),
    ((0,), np.float32, [("mean", (), True), ("softmax_last", (), True)], 1),
    # prod of a 0-d tensor passes the gradient through, even at NaN
    ((), np.float32, [("std_all", (), False), ("add", (), False), ("prod_last", (), False)], 0),
    # x.permute() without dims: torch raises TypeError
    ((), np.float32, [("permute", (3, 3, 2), True)], 2534),
    # index_select out of range on an empty 1-D tensor: IndexError, not a RuntimeError
    ((0,), np.float16, [("index_select", (3, 2, 0), True), ("log_abs", (3, 1, 3), True)], 17109),
]
INT_PROGRAMS = [
    # << and >> were missing
    ((2,), np.int32, [("shift", (2,), True, np.bool_)], 20627),
    # bitwise |, ^ with shapes that do not broadcast: torch's RuntimeError, not NumPy's ValueError
    ((0,), np.uint8, [("bitor", (3, 3), False, np.int64)], 63361),
    ((2, 3), np.int64, [("xor", (2, 2), False, np.uint8)], 1315),
    ((2, 3), np.int64, [("lt", (4,), False, np.int64)], 7),
]


@pytest.mark.parametrize("prog", FLOAT_PROGRAMS, ids=lambda p: "+".join(s[0] for s in p[2]))
def test_float_regression(prog):
    check_program(_prog(*prog))


@pytest.mark.parametrize("prog", INT_PROGRAMS, ids=lambda p: "+".join(s[0] for s in p[2]))
def test_int_regression(prog):
    check_int_program(_prog(*prog, ops=_INT_OPS))


ZERO_GRAD_OPS = {
    "sign": lambda m, x: x.sign(), "pow0": lambda m, x: x ** 0, "floor": lambda m, x: x.floor(),
    "ceil": lambda m, x: x.ceil(), "round": lambda m, x: x.round(), "round_decimals": lambda m, x: x.round(decimals=1),
    "trunc": lambda m, x: x.trunc(), "div_trunc": lambda m, x: m.div(x, 2.0, rounding_mode="trunc"),
    "div_floor": lambda m, x: m.div(x, 2.0, rounding_mode="floor"),
    "copysign_other": lambda m, x: m.copysign(m.ones(3), x),
}


@pytest.mark.parametrize("name", list(ZERO_GRAD_OPS))
def test_zero_gradient_ops_ignore_nan_and_inf_upstream(name):
    """torch's zeros_like(grad): exactly 0 even where the incoming gradient is NaN or inf."""
    out = []
    for m in (torch, npgrad):
        x = m.tensor([float("inf"), float("nan"), 1.5], requires_grad=True)
        w = m.tensor([float("nan"), float("inf"), 1.0])
        (ZERO_GRAD_OPS[name](m, x) * w).sum().backward()
        out.append(x.grad)
    assert_same(out[1], out[0], name)


def test_pow_zero_base_gradient_wrt_exponent():
    """d/dy 0 ** y: -inf for y < 0, 0 for y >= 0, NaN for NaN."""
    out = []
    for m in (torch, npgrad):
        y = m.tensor([-1.0, 0.0, 2.0, float("nan")], requires_grad=True)
        (0.0 ** y).sum().backward()
        out.append(y.grad)
    assert_same(out[1], out[0])


@pytest.mark.parametrize("v", [float("nan"), float("inf"), -float("inf"), 2.0])
def test_softmax_0d(v):
    out = []
    for m in (torch, npgrad):
        x = m.tensor(v, requires_grad=True)
        y, z = x.softmax(0), x.log_softmax(0)
        (y + z).backward()
        out.append((y.detach(), z.detach(), x.grad))
    assert_same(out[1], out[0])


@pytest.mark.parametrize("shape,dim", [((0,), 0), ((3,), 0), ((), 0), ((2, 0), 0), ((2, 0), -1), ((3, 4), 1)])
def test_index_select_out_of_range_class(shape, dim):
    errs = []
    for m in (torch, npgrad):
        with pytest.raises(Exception) as info:
            m.ones(shape).index_select(dim, m.tensor([5]))
        errs.append(info.value)
    assert type(errs[1]) is type(errs[0]), errs


def test_shift_operators():
    for a, b in [((1, -2, 3), (1, 9, 2)), ((7, 8), (0, 63))]:
        for dt in ("int8", "int32", "int64"):
            res = []
            for m in (torch, npgrad):
                x, s = m.tensor(a, dtype=getattr(m, dt)), m.tensor(b, dtype=getattr(m, dt))
                res.append([x << s, x >> s, x << 1, x >> 1, 3 << s.clamp(0, 5), m.bitwise_left_shift(x, 2)])
            assert_same(res[1], res[0], f"{dt} shifts")
    for fn in (lambda m: m.ones(2) << 1, lambda m: m.tensor([True]) << m.tensor([True])):
        errs = []
        for m in (torch, npgrad):
            with pytest.raises(Exception) as info:
                fn(m)
            errs.append(info.value)
        assert type(errs[1]) is type(errs[0]), errs


def test_sigmoid_underflows_like_torch():
    """torch's float32 sigmoid is exactly 0 below exp's range: log(sigmoid(-100)) is -inf, not -99.98."""
    out = []
    for m in (torch, npgrad):
        x = m.tensor([-1e4, -100.0, -88.0, 0.0, 100.0])
        out.append((x.sigmoid(), x.sigmoid().log()))
    assert_same(out[1], out[0])
