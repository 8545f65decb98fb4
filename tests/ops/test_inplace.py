"""In-place ops against torch: values, grad_fn names, gradients through the rebased graph, ``_version``,
the modified-after-saved error, the leaf error, and the integer result-type errors."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare, compare_error

rng = np.random.default_rng(0)
X = rng.uniform(0.2, 0.9, (2, 3))           # in (0, 1): fine for log, sqrt, logit, erfinv, acos...
W = rng.uniform(0.5, 1.5, (3,))             # a broadcast second operand (requires grad)
C = rng.uniform(0.5, 1.5, (2, 3))


def _inplace(method, *args, **kwargs):
    """``y = x * 1; y.<method>(*args)``: the op runs on a non-leaf, so the graph is rebased through it."""
    def fn(m, x, w, c):
        y = x * 1
        resolved = [w if a == "w" else c if a == "c" else a for a in args]
        out = getattr(y, method)(*resolved, **kwargs)
        assert out is y
        return y
    return fn


UNARY = ["exp_", "exp2_", "expm1_", "log_", "log2_", "log10_", "log1p_", "sqrt_", "rsqrt_", "neg_", "abs_",
         "sin_", "cos_", "tan_", "asin_", "acos_", "atan_", "sinh_", "cosh_", "tanh_",
         "sigmoid_", "logit_", "erf_", "erfc_", "erfinv_", "reciprocal_", "square_", "relu_", "sign_", "floor_",
         "ceil_", "round_", "trunc_", "frac_", "nan_to_num_", "zero_", "deg2rad_"]

CASES = [(m, ()) for m in UNARY] + [
    ("add_", (2.0,)), ("add_", ("w",)), ("sub_", ("w",)), ("mul_", ("w",)), ("mul_", (3,)), ("div_", ("w",)),
    ("div_", (4.0,)), ("pow_", (2,)), ("pow_", ("w",)), ("clamp_", (0.3, 0.7)), ("clamp_min_", (0.5,)),
    ("clamp_max_", ("w",)), ("clip_", (None, 0.5)), ("fmod_", (0.3,)), ("remainder_", ("w",)),
    ("atan2_", ("w",)), ("hypot_", ("w",)), ("copysign_", (-1.0,)), ("lerp_", ("w", 0.3)), ("lerp_", ("c", "w")),
    ("addcmul_", ("w", "c")), ("addcdiv_", ("c", "w")), ("fill_", (1.5,)), ("copy_", ("w",)),
    ("xlogy_", ("w",)), ("sub_", (1.0,)), ("cumsum_", (1,)),
    ("lt_", (0.5,)), ("ge_", ("w",)), ("logical_not_", ()), ("logical_and_", ("c",)),
]


@pytest.mark.parametrize("method,args", CASES, ids=[f"{m}{i}" for i, (m, _) in enumerate(CASES)])
def test_inplace_matches_torch(method, args):
    compare(_inplace(method, *args), [X, W, C])


@pytest.mark.parametrize("method", ["asinh_", "atanh_", "acosh_"])
def test_inplace_without_derivative(method):
    """torch records these under their own names (AsinhBackward1...) and cannot differentiate them."""
    def fn(m):
        y = m.tensor(X + 1, requires_grad=True) * 1
        getattr(y, method if method != "atanh_" else "mul_")(*(() if method != "atanh_" else (0.1,)))
        if method == "atanh_":
            y.atanh_()
        assert y.grad_fn.name() == method[:-1].capitalize() + "Backward1"
        y.sum().backward()
    compare_error(fn, [])


def test_inplace_keyword_args():
    compare(_inplace("add_", "w", alpha=2), [X, W, C])
    compare(_inplace("addcmul_", "w", "c", value=0.5), [X, W, C])
    compare(_inplace("div_", "w", rounding_mode="floor"), [X, W, C], check_name=True, grad=False)


def test_augmented_assignment_keeps_identity_and_bumps_version():
    for m in (torch, npgrad):
        x = m.tensor(X, requires_grad=True)
        y = x * 1
        ident = id(y)
        y += 1
        y *= 2
        y -= 1
        y /= 2
        y **= 2
        assert id(y) == ident and y._version == 5 and y.grad_fn.name() == "PowBackward0"
        a = m.arange(5)
        a //= 2
        a %= 2
        assert a._version == 2 and a.tolist() == [0, 0, 1, 1, 0]
        b = m.tensor([True, False])
        b &= m.tensor([True, True])
        b |= m.tensor([False, False])
        b ^= m.tensor([True, True])
        assert b._version == 3 and b.tolist() == [False, True]


def test_version_counter_and_views():
    for m in (torch, npgrad):
        x = m.zeros(3)
        v = x.view(3)
        x.add_(1)
        x.mul_(2)
        assert x._version == 2 and v._version == 2
        v.fill_(1)
        assert x._version == 3 and x.tolist() == [1.0, 1.0, 1.0]


def _modified_saved(kind):
    def fn(m):
        x = m.tensor(X, requires_grad=True)
        w = m.tensor(W, requires_grad=True)
        y = x * 1
        if kind == "input":       # mul saved y, then y changed
            z = y * w
            y.add_(1)
        elif kind == "sin":
            z = y.sin()
            y.mul_(2)
        elif kind == "result":    # exp_ saved its result, which is y itself
            y.exp_()
            z = y
            y.add_(1)
        elif kind == "sigmoid":
            y.sigmoid_()
            z = y
            y.mul_(2)
        else:                     # sqrt_ then a second in-place op
            y.sqrt_()
            z = y.pow_(2)
        z.sum().backward()
    return fn


@pytest.mark.parametrize("kind", ["input", "sin", "result", "sigmoid", "sqrt"])
def test_modified_after_saved_raises(kind):
    ours, theirs = compare_error(_modified_saved(kind), [])
    assert "modified by an inplace operation" in str(ours)


def test_inplace_that_needs_original_self_still_differentiates():
    """mul_/div_ with an operand requiring grad need the old self: it is kept, so backward works as in torch."""
    def fn(m, x, w, c):
        y = x * 1
        y.mul_(w)
        y.div_(c)
        y.add_(1)
        return y
    compare(fn, [X, W, C])


def test_leaf_errors_and_no_grad():
    compare_error(lambda m: m.ones(3, requires_grad=True).add_(1), [])
    compare_error(lambda m: m.ones(3, requires_grad=True).zero_(), [])
    compare_error(lambda m: m.ones(3, requires_grad=True).exp_(), [])
    for m in (torch, npgrad):
        x = m.ones(3, requires_grad=True)
        with m.no_grad():
            x.mul_(2).add_(1)
        assert x._version == 2 and x.grad_fn is None and x.requires_grad and x.tolist() == [3.0, 3.0, 3.0]


def test_plain_tensor_picks_up_grad_fn():
    """An in-place op with an operand that requires grad makes the plain tensor part of the graph."""
    def fn(m, w):
        y = m.zeros(3)
        y.mul_(w).add_(w)
        return y
    compare(fn, [W])
    compare(lambda m, w: m.zeros(2, 3).copy_(w), [W])


@pytest.mark.parametrize("case", [
    lambda m: m.arange(3).add_(1.5), lambda m: m.arange(3).div_(2), lambda m: m.arange(3).exp_(),
    lambda m: m.arange(3).sqrt_(), lambda m: m.arange(3).mul_(m.tensor(1.5)),
    lambda m: m.zeros(3, dtype=m.bool).add_(1),
    lambda m: m.zeros(3).add_(m.ones(2, 3)), lambda m: m.zeros(3).copy_(m.ones(2)),
    lambda m: m.ones(3, dtype=m.int32).sigmoid_(), lambda m: m.zeros(3).fill_(m.ones(2)),
])
def test_result_type_and_shape_errors(case):
    compare_error(case, [])


def test_dtype_casts_that_torch_allows():
    for m in (torch, npgrad):
        h = m.zeros(3, dtype=m.float16)
        h.add_(m.ones(3, dtype=m.float64))
        i = m.ones(3, dtype=m.int32)
        i.add_(m.ones(3, dtype=m.int64) * 2)
        z = m.zeros(3, dtype=m.int64)
        z.copy_(m.tensor([1.7, -2.2, 3.5]))
        assert h.dtype == m.float16 and i.dtype == m.int32 and z.dtype == m.int64
        assert h.tolist() == [1.0, 1.0, 1.0] and i.tolist() == [3, 3, 3] and z.tolist() == [1, -2, 3]


def test_fill_with_tensor_value_gets_gradient():
    def fn(m, x, v):
        y = x * 1
        y.fill_(v)
        return y
    compare(fn, [X, np.array(2.0)])
