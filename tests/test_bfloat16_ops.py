"""Every op in the table run in bfloat16 against torch's CPU bfloat16 (ml_dtypes' bfloat16 in npgrad).

Each float OpInfo's samples are made in float32, rounded to bfloat16 identically on both sides, and run through
the op: where torch computes, npgrad gives the same dtypes, shapes and grad_fn names, values to bfloat16's
precision (a few units in its last place: torch rounds some intermediate steps that npgrad keeps in float32), and
the same gradients; where torch's CPU build has no bfloat16 kernel (LAPACK ops, some special functions), npgrad
raises the same exception class, in the forward or in the backward as torch does. Then bfloat16's promotion with
every other dtype, as tensors, 0-d tensors and Python numbers, against torch.promote_types and torch's ops.
"""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.op_db import OPS, NoGrad

pytest.importorskip("ml_dtypes")   # the test extra installs it; tests/test_bfloat16.py covers its absence

# bfloat16 keeps 8 significant bits: one unit in the last place is 2**-7 relative. torch rounds some steps of a
# composite kernel to bfloat16 where npgrad rounds once, so values may differ by a few units.
RTOL = ATOL = 2e-2
GRAD_TOL = 4e-2
TOL = {
    # torch's transposed convolution scatters its columns back in bfloat16 (one rounding per overlapping tap)
    "F.conv_transpose2d": 6e-2,
}

XFAIL = {
    "predicates": "torch's vectorised float32 -> bfloat16 conversion writes every NaN as 0xFFFF, so signbit(NaN) is "
                  "True for +NaN too; npgrad (ml_dtypes) keeps the NaN's sign bit",
    "matrix_exp": "torch 2.13's CPU matrix_exp in bfloat16/float16 returns inf/NaN (exp of the identity is "
                  "-1.3e30); npgrad returns the exponential rounded to bfloat16",
    "matrix_exp_big": "torch 2.13's CPU matrix_exp in bfloat16/float16 returns inf/NaN; npgrad returns the "
                      "exponential rounded to bfloat16",
    "logcumsumexp_large": "torch's bfloat16 logcumsumexp backward loses the gradient of a dominated first element "
                          "(0 where float32 and npgrad give 61.5): its exp(x - out) underflows in bfloat16",
    "lobpcg": "torch 2.13's lobpcg mixes a float32 work matrix into bfloat16 input and fails (RuntimeError: "
              "expected m1 and m2 to have the same dtype); npgrad computes it",
}


def _float_ops():
    for op in OPS:
        if any(np.dtype(d).kind == "f" for d in op.dtypes):
            marks = [pytest.mark.xfail(strict=True, reason=XFAIL[op.name])] if op.name in XFAIL else []
            yield pytest.param(op, id=op.name, marks=marks)


def _inputs(m, args, grad):
    """Float arrays become bfloat16 tensors (from float32: the same rounding on both sides), requiring grad."""
    out = []
    for a in args:
        arr = a.array if isinstance(a, NoGrad) else a
        if isinstance(arr, np.ndarray):
            t = m.tensor(arr.copy())
            if arr.dtype.kind == "f":
                t = t.bfloat16()
                if grad and not isinstance(a, NoGrad):
                    t.requires_grad_(True)
            out.append(t)
        else:
            out.append(a)
    return out


def _np(t):
    t = t.detach()
    return (t.float() if t.is_floating_point() else t).numpy()


def _same(ours, theirs, what, tol):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), what
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _same(a, b, f"{what}[{i}]", tol)
        return
    if not isinstance(theirs, torch.Tensor):
        if isinstance(theirs, float):
            np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol, equal_nan=True, err_msg=what)
        else:
            assert ours == theirs, (what, ours, theirs)
        return
    assert isinstance(ours, npgrad.Tensor), f"{what}: {type(ours).__name__}, torch gave a Tensor"
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1], \
        f"{what}: dtype {ours.dtype}, torch {theirs.dtype}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)} vs {tuple(theirs.shape)}"
    a, b = _np(ours), _np(theirs)
    if theirs.is_floating_point():
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=tol, atol=tol, equal_nan=True,
                                   err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def _flat(res):
    return list(res) if isinstance(res, (tuple, list)) else [res]


@pytest.mark.parametrize("op", list(_float_ops()))
def test_op_in_bfloat16_as_torch(op):
    tol = TOL.get(op.name, RTOL)
    dt = np.float32 if np.float32 in op.dtypes else next(d for d in op.dtypes if np.dtype(d).kind == "f")
    for args, kwargs in op.samples(np.random.default_rng(1234), dt):
        t_in, o_in = _inputs(torch, args, op.grad), _inputs(npgrad, args, op.grad)
        try:
            theirs = op.fn(torch, *t_in, **kwargs)
        except Exception as e:  # noqa: BLE001 - torch has no bfloat16 kernel here: npgrad refuses the same way
            with pytest.raises(type(e)):
                op.fn(npgrad, *_inputs(npgrad, args, op.grad), **kwargs)
            continue
        ours = op.fn(npgrad, *o_in, **kwargs)
        _same(ours, theirs, "forward", tol)
        t_outs, o_outs = _flat(theirs), _flat(ours)
        if op.check_name:
            for o, t in zip(o_outs, t_outs):
                if isinstance(t, torch.Tensor):
                    tn = None if t.grad_fn is None else t.grad_fn.name()
                    on = None if o.grad_fn is None else o.grad_fn.name()
                    assert on == tn, f"grad_fn {on} vs torch {tn}"
        if not op.grad:
            continue
        rng = np.random.default_rng(0)
        t_loss = o_loss = None
        for o, t in zip(o_outs, t_outs):
            if isinstance(t, torch.Tensor) and t.requires_grad:
                w = rng.standard_normal(tuple(t.shape)).astype(np.float32)
                tl = (t * torch.tensor(w).to(t.dtype)).sum()
                ol = (o * npgrad.tensor(w).to(o.dtype)).sum()
                t_loss = tl if t_loss is None else t_loss + tl
                o_loss = ol if o_loss is None else o_loss + ol
        if t_loss is None:
            continue
        t_diff = [x for x in t_in if isinstance(x, torch.Tensor) and x.requires_grad]
        o_diff = [x for x in o_in if isinstance(x, npgrad.Tensor) and x.requires_grad]
        try:
            t_grads = torch.autograd.grad(t_loss, t_diff, allow_unused=True)
        except Exception as e:  # noqa: BLE001 - no bfloat16 backward kernel in torch (i1): npgrad refuses too
            with pytest.raises(type(e)):
                npgrad.autograd.grad(o_loss, o_diff, allow_unused=True)
            continue
        o_grads = npgrad.autograd.grad(o_loss, o_diff, allow_unused=True)
        for i, (og, tg) in enumerate(zip(o_grads, t_grads)):
            if tg is None:
                assert og is None or not np.any(_np(og)), f"grad[{i}]: torch None, npgrad {og}"
                continue
            assert og is not None, f"grad[{i}]: npgrad None"
            _same(og, tg, f"grad[{i}]", max(tol, GRAD_TOL))


# ---------------------------------------------------------------------------------------------- promotion
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


def _name(d):
    return str(d).split(".")[1]


@pytest.mark.parametrize("other", DTYPES)
def test_promote_types_with_every_dtype(other):
    for a, b in (("bfloat16", other), (other, "bfloat16")):
        ours = npgrad.promote_types(getattr(npgrad, a), getattr(npgrad, b))
        assert _name(ours) == _name(torch.promote_types(getattr(torch, a), getattr(torch, b)))


@pytest.mark.parametrize("other", DTYPES)
def test_ops_promote_bfloat16_as_torch(other):
    """Dimensioned tensors, 0-d tensors and Python numbers on either side: torch's three priority classes."""
    def operands(m):
        bf = m.tensor([1.5, -2.0, 3.0]).bfloat16()
        ot = m.tensor([1, 0, 2]).to(getattr(m, other))
        return [(bf, ot), (ot, bf), (bf, ot[0]), (ot, bf[0]), (bf[0], ot[0]), (ot[0], bf[0])]
    for (tb, tc), (nb, nc) in zip(operands(torch), operands(npgrad)):
        for op in ("add", "mul", "maximum", "eq"):
            _same(getattr(npgrad, op)(nb, nc), getattr(torch, op)(tb, tc), f"{op}({nb.dtype}, {nc.dtype})", 0)
    for scalar in (2, 2.5, True):
        tb, nb = torch.tensor([1.5, 3.0]).bfloat16(), npgrad.tensor([1.5, 3.0]).bfloat16()
        _same(nb * scalar, tb * scalar, f"bfloat16 * {scalar!r}", 0)
        _same(scalar + nb, scalar + tb, f"{scalar!r} + bfloat16", 0)
        tt, nt = torch.tensor([1, 2]).to(getattr(torch, other)), npgrad.tensor([1, 2]).to(getattr(npgrad, other))
        assert _name(npgrad.result_type(nt, scalar)) == _name(torch.result_type(tt, scalar)), (other, scalar)


# ---------------------------------------------------------------------------------------------- long reductions
LONG = {
    "sum": lambda m, a: a.sum(1), "mean": lambda m, a: a.mean(1), "var": lambda m, a: a.var(1),
    "nansum": lambda m, a: a.nansum(1), "cumsum": lambda m, a: a.cumsum(1),
    "cumprod": lambda m, a: (a.abs() * 0.01 + 0.995).cumprod(1), "logsumexp": lambda m, a: a.logsumexp(1),
    "vector_norm": lambda m, a: m.linalg.vector_norm(a, dim=1), "matmul": lambda m, a: a @ a.T,
    "layer_norm": lambda m, a: m.nn.functional.layer_norm(a, (a.shape[1],)),
    "group_norm": lambda m, a: m.nn.functional.group_norm(a.reshape(8, 4, -1), 2),
    "mse_loss": lambda m, a: m.nn.functional.mse_loss(a, a * 0.5),
    "mse_loss_sum": lambda m, a: m.nn.functional.mse_loss(a, a * 0.5, reduction="sum"),
    "smooth_l1_loss_sum": lambda m, a: m.nn.functional.smooth_l1_loss(a, a * 0.5, reduction="sum"),
    "soft_margin_loss": lambda m, a: m.nn.functional.soft_margin_loss(a, (a > 0).to(a.dtype) * 2 - 1),
    "cross_entropy": lambda m, a: m.nn.functional.cross_entropy(a, m.arange(8)),
}


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name", list(LONG))
def test_long_reductions_accumulate_in_float32_as_torch(name, dtype):
    """4096 elements per row: summed in bfloat16 (or float16) itself, a total stops growing at 256 (2048); torch
    accumulates in float32 and rounds once, and so does npgrad: the same bits in bfloat16 (float16's finer last
    place shows some of torch's intermediate roundings: within two units of it)."""
    x = (np.random.default_rng(0).standard_normal((8, 4096)) + 0.3).astype(np.float32)
    theirs = LONG[name](torch, torch.tensor(x).to(getattr(torch, dtype)))
    ours = LONG[name](npgrad, npgrad.tensor(x).to(getattr(npgrad, dtype)))
    _same(ours, theirs, name, 0 if dtype == "bfloat16" else 2e-3)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_linspace_in_the_types_own_arithmetic_as_torch(dtype):
    """torch's kernel steps from both ends in bfloat16/float16 arithmetic; np.linspace rounded once differs in
    about nine cases of ten."""
    rng = np.random.default_rng(5)
    for _ in range(60):
        a, b = rng.uniform(-100, 100, 2).round(int(rng.integers(0, 4)))
        n = int(rng.integers(1, 300))
        _same(npgrad.linspace(a, b, n, dtype=getattr(npgrad, dtype)),
              torch.linspace(a, b, n, dtype=getattr(torch, dtype)), f"linspace({a}, {b}, {n})", 0)


# ---------------------------------------------------------------------------------------------- nn modules
def _module_infos():
    from tests.nn.test_modules import MODULES
    return [pytest.param(info, id=info.name) for info in MODULES if not info.double]


@pytest.mark.parametrize("info", _module_infos())
def test_module_in_bfloat16_as_torch(info):
    """Every layer of the module table converted with ``.bfloat16()``, torch's weights loaded: outputs, buffers'
    dtypes, input and parameter gradients (bfloat16, to its tolerance), or torch's exception class."""
    from tests.nn.modules_oracle import flat_tensors
    torch.manual_seed(0)
    theirs = info.make(torch).train(info.train).bfloat16()
    ours = info.make(npgrad).train(info.train).bfloat16()
    ours.load_state_dict({k: npgrad.tensor(v.float().numpy()).bfloat16() if v.is_floating_point()
                          else npgrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    arrays = info.inputs(np.random.default_rng(0))
    call = info.call or (lambda mod, *xs: mod(*xs))
    t_in, o_in = _inputs(torch, arrays, info.grad), _inputs(npgrad, arrays, info.grad)
    try:
        t_out = call(theirs, *t_in)
    except Exception as e:  # noqa: BLE001 - no bfloat16 kernel in torch: npgrad refuses the same way
        with pytest.raises(type(e)):
            call(ours, *o_in)
        return
    o_out = call(ours, *o_in)
    t_flat, o_flat = flat_tensors(t_out), flat_tensors(o_out)
    _same(o_flat, t_flat, "forward", 3e-2)
    for (k, tb), (_, ob) in zip(theirs.named_buffers(), ours.named_buffers()):
        assert _name(ob.dtype) == _name(tb.dtype), k
    if not info.grad:
        return
    rng = np.random.default_rng(1)
    t_loss = o_loss = None
    for t, o in zip(t_flat, o_flat):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            w = rng.standard_normal(tuple(t.shape)).astype(np.float32)
            t_loss = (t * torch.tensor(w).to(t.dtype)).sum() + (0 if t_loss is None else t_loss)
            o_loss = (o * npgrad.tensor(w).to(o.dtype)).sum() + (0 if o_loss is None else o_loss)
    if t_loss is None:
        return
    t_loss.backward()
    o_loss.backward()
    o_params = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        if p.grad is not None:
            _same(o_params[name].grad, p.grad, f"{name}.grad", 6e-2)
    for i, (t, o) in enumerate(zip(t_in, o_in)):
        if isinstance(t, torch.Tensor) and t.grad is not None:
            _same(o.grad, t.grad, f"input {i} grad", 6e-2)
