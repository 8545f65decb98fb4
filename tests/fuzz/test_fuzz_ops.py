"""Differential fuzzing against torch: random chains of ops over random shapes (0-d and empty included),
dtypes (float16/32/64; integers and bool with grad-free ops) and broadcasting. Values, gradients and exception
classes must agree.

`make test` runs a bounded budget (the "ci" hypothesis profile); `make fuzz` runs the "fuzz" profile.
A mismatch found here becomes a regular test in the op table or in tests/fuzz/test_regressions.py.
"""
import numpy as np
import torch
from hypothesis import given, strategies as st

import npgrad
from tests.support.oracle import assert_same


def _nnf(m):
    return m.nn.functional


# (name, fn(m, x[, y])) - each draws on the shared API of npgrad and torch
UNARY = [
    ("neg", lambda m, x: -x), ("exp", lambda m, x: x.exp()), ("tanh", lambda m, x: x.tanh()),
    ("sigmoid", lambda m, x: x.sigmoid()), ("abs", lambda m, x: x.abs()), ("relu", lambda m, x: x.relu()),
    ("sqrt_abs", lambda m, x: (x.abs() + 0.5).sqrt()), ("log_abs", lambda m, x: (x.abs() + 0.5).log()),
    ("square", lambda m, x: x * x), ("pow3", lambda m, x: x ** 3), ("rsub", lambda m, x: 1.5 - x),
    ("rdiv", lambda m, x: 1.0 / (x.abs() + 1)), ("scale", lambda m, x: x * 0.5 + 1),
    ("sum", lambda m, x: x.sum()), ("mean", lambda m, x: x.mean()),
    ("sum_last", lambda m, x: x.sum(-1, keepdim=True) if x.dim() else x),
    ("mean_first", lambda m, x: x.mean(0) if x.dim() else x),
    ("t", lambda m, x: x.t() if x.dim() <= 2 else x.transpose(0, 1)),
    ("flat", lambda m, x: x.reshape(-1)), ("unsq", lambda m, x: x.unsqueeze(0)),
    ("getitem", lambda m, x: x[..., :1] if x.dim() else x),
    # pointwise families
    # sin/cos of huge arguments (after exp chains) are ill-conditioned: libraries differ, so bound them
    ("sin", lambda m, x: (x.tanh() * 3).sin()), ("cos", lambda m, x: (x.tanh() * 3).cos()),
    ("atan", lambda m, x: x.atan()),
    ("erf", lambda m, x: m.erf(x)), ("log1p_abs", lambda m, x: x.abs().log1p()),
    ("expm1", lambda m, x: x.expm1()), ("rsqrt", lambda m, x: (x * x + 0.25).rsqrt()),
    ("reciprocal", lambda m, x: (x.abs() + 0.5).reciprocal()),
    # sign/floor/frac jump at 0, where a sum's rounding (order-dependent) decides: moved off the cancellation point
    ("sign", lambda m, x: (x + 0.37).sign()),
    ("clamp", lambda m, x: x.clamp(-0.5, 0.7)), ("clamp_min", lambda m, x: x.clamp(min=0.1)),
    ("floor", lambda m, x: (x + 0.37).floor()), ("frac", lambda m, x: (x + 0.37).frac()),
    ("softplus", lambda m, x: _nnf(m).softplus(x)), ("logsigmoid", lambda m, x: _nnf(m).logsigmoid(x)),
    ("hardtanh", lambda m, x: _nnf(m).hardtanh(x, -0.5, 0.5)), ("silu", lambda m, x: _nnf(m).silu(x)),
    ("pow_half", lambda m, x: x.abs() ** 0.5), ("pow0", lambda m, x: x ** 0),
    ("sqrt_zero", lambda m, x: (x * 0).sqrt()), ("lerp_half", lambda m, x: x.lerp(x * 2, 0.25)),
    # finite replacements: the defaults (+-max float) overflow in later sums in an order-dependent way
    ("nan_to_num", lambda m, x: (x / 0.0).nan_to_num(nan=0.5, posinf=2.0, neginf=-3.0)),
    # reductions
    ("amax_last", lambda m, x: x.amax(-1) if x.dim() else x), ("max_all", lambda m, x: x.max()),
    ("min_dim0", lambda m, x: x.min(0)[0] if x.dim() else x), ("prod_last", lambda m, x: x.prod(-1)),
    # std of a constant vector is 0 (gradient 0) in exact arithmetic; torch's rounded mean makes it ~1e-7 with a
    # large gradient, so spread the values first (clamp chains make constant vectors)
    ("std_all", lambda m, x: (x + m.arange(x.numel()).reshape(x.shape).to(x.dtype)).std()), ("var_dim0", lambda m, x: x.var(0, keepdim=True) if x.dim() else x),
    ("logsumexp_last", lambda m, x: x.logsumexp(-1) if x.dim() else x), ("norm", lambda m, x: x.norm()),
    ("cumsum_last", lambda m, x: x.cumsum(-1) if x.dim() else x),
    ("cumprod_first", lambda m, x: x.cumprod(0) if x.dim() else x),
    ("softmax_last", lambda m, x: x.softmax(-1)), ("log_softmax_first", lambda m, x: x.log_softmax(0)),
    ("median_all", lambda m, x: x.median()), ("sum_dims01", lambda m, x: x.sum((0, 1)) if x.dim() >= 2 else x),
    ("mean_neg_dim", lambda m, x: x.mean(-2) if x.dim() >= 2 else x),
    # shape and indexing
    ("flip", lambda m, x: x.flip(0) if x.dim() else x), ("roll", lambda m, x: x.roll(1, -1) if x.dim() else x),
    ("permute", lambda m, x: x.permute(*reversed(range(x.dim())))),
    ("expand", lambda m, x: x.unsqueeze(0).expand(2, *x.shape)), ("squeeze", lambda m, x: x.squeeze()),
    ("cat_self", lambda m, x: m.cat([x, x * 2], dim=-1) if x.dim() else x),
    ("stack_self", lambda m, x: m.stack([x, -x])), ("narrow", lambda m, x: x.narrow(-1, 0, 1) if x.dim() else x),
    ("index_select", lambda m, x: x.index_select(0, m.tensor([0, 0])) if x.dim() else x),
    ("gather_first", lambda m, x: x.gather(0, m.zeros((1,) + tuple(x.shape[1:]), dtype=m.int64))
     if x.dim() else x),
    ("where_pos", lambda m, x: m.where(x > 0, x, x * 0.1)), ("masked_fill", lambda m, x: x.masked_fill(x < 0, 0.5)),
    ("tril", lambda m, x: x.tril() if x.dim() == 2 else x),
    ("diagonal", lambda m, x: x.diagonal() if x.dim() == 2 else x),
    ("repeat", lambda m, x: x.repeat(*([2] * x.dim())) if x.dim() else x),
    ("unbind0", lambda m, x: x.unbind(0)[0] if x.dim() else x),
    ("chunk", lambda m, x: x.chunk(2, -1)[0] if x.dim() else x),
    ("mT", lambda m, x: x.mT if x.dim() >= 2 else x),
    ("contiguous_view", lambda m, x: x.mT.contiguous().view(-1) if x.dim() >= 2 else x),
]
BINARY = [
    ("add", lambda m, x, y: x + y), ("sub", lambda m, x, y: x - y), ("mul", lambda m, x, y: x * y),
    ("div", lambda m, x, y: x / (y.abs() + 0.5)), ("maximum", lambda m, x, y: m.maximum(x, y)),
    ("minimum", lambda m, x, y: m.minimum(x, y)), ("pow", lambda m, x, y: (x.abs() + 0.5) ** y),
    ("matmul", lambda m, x, y: m.matmul(x, y)),
    ("atan2", lambda m, x, y: m.atan2(x, y)), ("hypot", lambda m, x, y: m.hypot(x, y + 3)),
    ("fmod", lambda m, x, y: m.fmod(x, y.abs() + 0.5)), ("where_xy", lambda m, x, y: m.where(x > y, x, y)),
    ("lerp", lambda m, x, y: m.lerp(x, y, 0.3)), ("xlogy", lambda m, x, y: m.xlogy(x, y.abs() + 0.1)),
    ("addcmul", lambda m, x, y: m.addcmul(x, x, y, value=0.5)),
    ("copysign", lambda m, x, y: m.copysign(x, y)), ("clamp_t", lambda m, x, y: x.clamp(min=y)),
    ("cat_dim0", lambda m, x, y: m.cat([x, y])),
]

dims = st.integers(0, 3)
shapes = st.lists(dims, min_size=0, max_size=3).map(tuple)
ERRORS = (RuntimeError, IndexError, ValueError, TypeError)


@st.composite
def programs(draw):
    shape = draw(shapes)
    dtype = draw(st.sampled_from([np.float16, np.float32, np.float32, np.float64]))
    steps = draw(st.lists(st.tuples(st.sampled_from(range(len(UNARY) + len(BINARY))),
                                    st.lists(dims, min_size=0, max_size=3).map(tuple), st.booleans()),
                          min_size=1, max_size=5))
    seed = draw(st.integers(0, 2 ** 16))
    return shape, dtype, steps, seed


def _run(m, shape, dtype, steps, seed):
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(-2, 2, shape).astype(dtype)
    x = m.tensor(x0, requires_grad=True)
    y = x
    leaves = [x]
    for op_i, other_shape, broadcast_from_y in steps:
        if op_i < len(UNARY):
            y = UNARY[op_i][1](m, y)
        else:
            # the second operand: a fresh leaf, broadcastable with y (a suffix of y's shape) or arbitrary
            oshape = tuple(y.shape[len(y.shape) - len(other_shape):]) if broadcast_from_y and y.dim() >= len(
                other_shape) else other_shape
            o = m.tensor(rng.uniform(-2, 2, oshape).astype(dtype), requires_grad=True)
            leaves.append(o)
            y = BINARY[op_i - len(UNARY)][1](m, y, o)
    return y, leaves


def _outcome(m, prog):
    try:
        y, leaves = _run(m, *prog)
        w = m.tensor(np.linspace(-1, 1, max(y.numel(), 1))[:y.numel()].reshape(tuple(y.shape)).astype(
            np.float64)).to(y.dtype)
        (y * w).sum().backward()
        return y, [leaf.grad for leaf in leaves], None
    except ERRORS as e:
        return None, None, e


def check_program(prog):
    """Run one program on both frameworks and compare (also used by test_regressions.py)."""
    ty, tgrads, terr = _outcome(torch, prog)
    ny, ngrads, nerr = _outcome(npgrad, prog)
    if terr is not None:
        assert nerr is not None, f"torch raised {type(terr).__name__}: {terr}; npgrad did not"
        assert isinstance(nerr, type(terr)), f"npgrad raised {type(nerr).__name__}: {nerr}; torch " \
                                             f"{type(terr).__name__}: {terr}"
        return
    assert nerr is None, f"npgrad raised {type(nerr).__name__}: {nerr}; torch did not"
    rtol, atol = {np.float16: (3e-2, 3e-2), np.float32: (1e-3, 1e-5), np.float64: (1e-7, 1e-5)}[prog[1]]
    if prog[1] == np.float16:  # float16 chains round differently: compare where both are finite and moderate
        _loose_same(ny.detach(), ty.detach(), "forward", rtol, atol)
        for i, (a, b) in enumerate(zip(ngrads, tgrads)):
            assert (a is None) == (b is None) or not np.any((a if b is None else b).numpy()), f"grad of leaf {i}"
            if a is not None and b is not None:
                _loose_same(a, b, f"grad of leaf {i}", rtol, atol)
        return
    assert_same(ny.detach(), ty.detach(), "forward", rtol=rtol, atol=atol)
    for i, (a, b) in enumerate(zip(ngrads, tgrads)):
        if b is None:
            assert a is None or not np.any(a.numpy())
        else:
            assert_same(a, b, f"grad of leaf {i}", rtol=rtol, atol=atol)


def _loose_same(ours, theirs, what, rtol, atol):
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], what
    assert tuple(ours.shape) == tuple(theirs.shape), what
    a, b = ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64)
    ok = np.isfinite(a) & np.isfinite(b) & (np.abs(b) < 1e2)
    np.testing.assert_allclose(a[ok], b[ok], rtol=rtol, atol=atol, err_msg=what)


@given(programs())
def test_random_programs_match_torch(prog):
    check_program(prog)


# ---------------------------------------------------------------------------------------------- integers
# grad-free ops on integer and bool tensors: values, dtypes (type promotion) and exception classes


def _i(x):
    """Floats (after exp, /) bounded and rounded: // and % jump at multiples, where 1-ulp exp differences flip them."""
    return x.clamp(-1e6, 1e6).round() if x.is_floating_point() else x

INT_UNARY = [
    ("neg", lambda m, x: -x), ("abs", lambda m, x: x.abs()), ("sum", lambda m, x: x.sum()),
    ("sum_last", lambda m, x: x.sum(-1) if x.dim() else x),
    ("cumsum", lambda m, x: x.cumsum(-1) if x.dim() else x),
    ("prod", lambda m, x: x.prod()), ("max", lambda m, x: x.max()),
    ("amin0", lambda m, x: x.amin(0) if x.dim() else x), ("argmax", lambda m, x: x.argmax()),
    ("sort", lambda m, x: x.sort(-1)[0] if x.dim() else x), ("flip", lambda m, x: x.flip(-1) if x.dim() else x),
    ("mT", lambda m, x: x.mT if x.dim() >= 2 else x), ("clamp", lambda m, x: x.clamp(0, 2)),
    ("square", lambda m, x: x * x), ("pow2", lambda m, x: x ** 2), ("div_num", lambda m, x: x / 2),
    ("floordiv_num", lambda m, x: _i(x) // 3), ("mod_num", lambda m, x: _i(x) % 3), ("add_float", lambda m, x: x + 0.5),
    ("eq", lambda m, x: x == 1), ("gt", lambda m, x: x > 0), ("not", lambda m, x: ~(x > 0)),
    ("bitand", lambda m, x: x & 3), ("shift", lambda m, x: x << 1), ("sign", lambda m, x: x.sign()),
    ("mean_float", lambda m, x: x.float().mean()), ("exp", lambda m, x: x.exp()),
    ("sqrt_abs", lambda m, x: x.abs().sqrt()),
    ("nonzero", lambda m, x: x.nonzero()), ("count_nonzero", lambda m, x: m.count_nonzero(x)),
    ("any", lambda m, x: x.any()), ("all", lambda m, x: x.all()),
    ("repeat_interleave", lambda m, x: x.repeat_interleave(2)),
    ("mean_int_err", lambda m, x: x.mean()), ("reqgrad_err", lambda m, x: x.requires_grad_()),
]
INT_BINARY = [
    ("add", lambda m, x, y: x + y), ("sub", lambda m, x, y: x - y), ("mul", lambda m, x, y: x * y),
    ("truediv", lambda m, x, y: x / y), ("floordiv", lambda m, x, y: _i(x) // (y.abs() + 1)),
    ("remainder", lambda m, x, y: _i(x) % (y.abs() + 1)), ("maximum", lambda m, x, y: m.maximum(x, y)),
    ("lt", lambda m, x, y: x < y), ("bitor", lambda m, x, y: x | y), ("xor", lambda m, x, y: x ^ y),
    ("where", lambda m, x, y: m.where(x > y, x, y)),
    # torch skips its dtype checks for some empty batched products: compare int64 products only
    ("matmul", lambda m, x, y: x.long() @ y.long()),
    ("cat", lambda m, x, y: m.cat([x, y])),
]
INT_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


@st.composite
def int_programs(draw):
    shape = draw(shapes)
    dtype = draw(st.sampled_from(INT_DTYPES))
    steps = draw(st.lists(st.tuples(st.integers(0, len(INT_UNARY) + len(INT_BINARY) - 1),
                                    st.lists(dims, min_size=0, max_size=3).map(tuple), st.booleans(),
                                    st.sampled_from([np.int64, np.int32, np.uint8, np.bool_])),
                          min_size=1, max_size=4))
    seed = draw(st.integers(0, 2 ** 16))
    return shape, dtype, steps, seed


def _ints(rng, shape, dtype):
    lo = 0 if dtype in (np.uint8, np.bool_) else -4
    return rng.integers(lo, 5, shape).astype(dtype)


def _int_outcome(m, prog):
    shape, dtype, steps, seed = prog
    rng = np.random.default_rng(seed)
    try:
        y = m.tensor(_ints(rng, shape, dtype))
        for op_i, other_shape, broadcast_from_y, odt in steps:
            if op_i < len(INT_UNARY):
                y = INT_UNARY[op_i][1](m, y)
                continue
            oshape = tuple(y.shape[len(y.shape) - len(other_shape):]) if broadcast_from_y and y.dim() >= len(
                other_shape) else other_shape
            y = INT_BINARY[op_i - len(INT_UNARY)][1](m, y, m.tensor(_ints(rng, oshape, odt)))
        return y, None
    except ERRORS as e:
        return None, e


def check_int_program(prog):
    ty, terr = _int_outcome(torch, prog)
    ny, nerr = _int_outcome(npgrad, prog)
    if terr is not None:
        assert nerr is not None, f"torch raised {type(terr).__name__}: {terr}; npgrad did not"
        assert isinstance(nerr, type(terr)), f"npgrad raised {type(nerr).__name__}: {nerr}; torch " \
                                             f"{type(terr).__name__}: {terr}"
        return
    assert nerr is None, f"npgrad raised {type(nerr).__name__}: {nerr}; torch did not"
    assert_same(ny, ty, "integer program")  # float results (true division, exp) within their dtype tolerance


@given(int_programs())
def test_integer_programs_match_torch(prog):
    check_int_program(prog)
