"""bfloat16 through the optional ml_dtypes package, against torch's CPU bfloat16: dtype object, creation,
promotion, printing, values of the common ops (float32 internally, rounded to bfloat16), autograd, save/load and
safetensors; and the clear error when the extra is missing."""
import io
import subprocess
import sys

import numpy as np
import pytest
import torch

import npgrad

pytest.importorskip("ml_dtypes")   # the test extra installs it; the subprocess test below covers its absence


def pair(x):
    return torch.tensor(x, dtype=torch.float32).bfloat16(), npgrad.tensor(x, dtype=npgrad.float32).bfloat16()


def same(n, t):
    assert str(n.dtype).split(".")[1] == str(t.dtype).split(".")[1], (n.dtype, t.dtype)
    np.testing.assert_array_equal(n.detach().float().numpy(), t.detach().float().numpy())


def test_dtype_object():
    d = npgrad.bfloat16
    assert repr(d) == "npgrad.bfloat16" and d.is_floating_point and d.itemsize == 2 and d.is_signed
    assert npgrad.tensor([1.0]).bfloat16().dtype is d
    assert npgrad.tensor([1.0]).bfloat16().is_floating_point()


def test_creation_conversion_and_printing_as_torch():
    x = np.random.default_rng(0).standard_normal((2, 3)) * 100
    t, n = pair(x)
    same(n, t)
    assert repr(n) == repr(t).replace("torch.", "npgrad.")
    assert repr(npgrad.zeros(2, dtype=npgrad.bfloat16)) == repr(torch.zeros(2, dtype=torch.bfloat16)).replace(
        "torch.", "npgrad.")
    same(npgrad.tensor([1.2345, 3e38, 1e-40], dtype=npgrad.bfloat16),
         torch.tensor([1.2345, 3e38, 1e-40], dtype=torch.bfloat16))
    assert n.float().dtype == npgrad.float32 and n.tolist() == t.tolist()
    same(n.to(npgrad.float64), t.to(torch.float64))
    same(npgrad.tensor([1, 2, 300], dtype=npgrad.int64).bfloat16(), torch.tensor([1, 2, 300]).bfloat16())


@pytest.mark.parametrize("other", ["float16", "float32", "float64", "int64", "int32", "uint8", "bool", "bfloat16"])
def test_promotion_as_torch(other):
    a = npgrad.promote_types(npgrad.bfloat16, getattr(npgrad, other))
    b = torch.promote_types(torch.bfloat16, getattr(torch, other))
    assert a.name == str(b).split(".")[1]
    tn = npgrad.ones(2, dtype=getattr(npgrad, other))
    tt = torch.ones(2, dtype=getattr(torch, other))
    same(npgrad.ones(2).bfloat16() + tn, torch.ones(2).bfloat16() + tt)
    same(npgrad.ones(2).bfloat16() * 2.5, torch.ones(2).bfloat16() * 2.5)


UNARY = ["exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt", "abs", "neg", "relu", "reciprocal", "rsqrt",
         "log1p", "expm1", "floor", "sum", "mean"]


@pytest.mark.parametrize("op", UNARY)
def test_unary_values_as_torch(op):
    # 256 elements: torch's vectorised kernels cover all of them (its scalar tail loop rounds some ops twice)
    x = np.abs(np.random.default_rng(1).standard_normal(256)) + 0.05
    t, n = pair(x)
    same(getattr(n, op)(), getattr(t, op)())


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "atan2"])
def test_binary_values_as_torch(op):
    rng = np.random.default_rng(2)
    (at, an), (bt, bn) = pair(np.abs(rng.standard_normal(256)) + 0.1), pair(rng.standard_normal(256))
    same(getattr(npgrad, op)(an, bn), getattr(torch, op)(at, bt))


def test_reductions_matmul_softmax_linear_as_torch():
    rng = np.random.default_rng(3)
    (at, an), (bt, bn) = pair(rng.standard_normal((8, 64))), pair(rng.standard_normal((64, 5)))
    same(an @ bn, at @ bt)                            # accumulates in float32, rounds once
    same(an.sum(1), at.sum(1))
    same(an.mean(0), at.mean(0))
    same(an.softmax(1), at.softmax(1))
    same(an.log_softmax(1), at.log_softmax(1))
    lt, ln = torch.nn.Linear(64, 5).bfloat16(), npgrad.nn.Linear(64, 5).bfloat16()
    ln.load_state_dict({k: npgrad.tensor(v.float().numpy()).bfloat16() for k, v in lt.state_dict().items()})
    assert ln.weight.dtype == npgrad.bfloat16
    np.testing.assert_allclose(ln(an).float().detach().numpy(), lt(at).float().detach().numpy(), rtol=1e-2,
                               atol=1e-2)


def test_autograd_as_torch():
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((4, 6)), rng.standard_normal((6, 3))
    res = []
    for lib in (torch, npgrad):
        X = lib.tensor(x, dtype=lib.float32).bfloat16().requires_grad_()
        W = lib.tensor(w, dtype=lib.float32).bfloat16().requires_grad_()
        y = ((X * 2).exp().tanh() + X).sum(1) + (X @ W).sigmoid().sum(1)
        y.sum().backward()
        res.append((y, X.grad, W.grad))
    for t, n in zip(res[0], res[1]):
        assert n.dtype == npgrad.bfloat16
        np.testing.assert_allclose(n.detach().float().numpy(), t.detach().float().numpy(), rtol=2e-2, atol=2e-2)


def test_save_load_keep_bfloat16_both_ways():
    t = torch.tensor([1.5, -2.25, 3.140625, 1e30]).bfloat16()
    buf = io.BytesIO()
    torch.save({"w": t, "view": t[1:]}, buf)
    buf.seek(0)
    out = npgrad.load(buf)
    assert out["w"].dtype == npgrad.bfloat16
    same(out["w"], t)
    same(out["view"], t[1:])
    buf = io.BytesIO()
    npgrad.save({"w": out["w"]}, buf)
    buf.seek(0)
    back = torch.load(buf)
    assert back["w"].dtype == torch.bfloat16 and torch.equal(back["w"], t)


def test_safetensors_bf16_bytes_as_torch():
    from npgrad.utils import safetensors as st
    n = npgrad.tensor([1.5, -2.25, 3.0]).bfloat16()
    data = st.save({"w": n})
    assert b'"BF16"' in data
    raw = torch.tensor([1.5, -2.25, 3.0]).bfloat16().view(torch.int16).numpy().astype("<i2").tobytes()
    assert data.endswith(raw)
    back = st.load(data)["w"]
    assert back.dtype == npgrad.bfloat16
    same(back, torch.tensor([1.5, -2.25, 3.0]).bfloat16())


def test_module_bfloat16_method():
    m = npgrad.nn.Sequential(npgrad.nn.Linear(3, 2), npgrad.nn.LayerNorm(2)).bfloat16()
    assert all(p.dtype == npgrad.bfloat16 for p in m.parameters())


def test_without_ml_dtypes_the_dtype_exists_and_using_it_names_the_extra():
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"
            "import npgrad\n"
            "assert repr(npgrad.bfloat16) == 'npgrad.bfloat16' and npgrad.bfloat16.is_floating_point\n"
            "for f in (lambda: npgrad.zeros(2, dtype=npgrad.bfloat16), lambda: npgrad.ones(2).bfloat16(),\n"
            "          lambda: npgrad.tensor([1.0], dtype=npgrad.bfloat16)):\n"
            "    try:\n"
            "        f()\n"
            "    except RuntimeError as e:\n"
            "        assert 'npgrad[bf16]' in str(e), e\n"
            "    else:\n"
            "        raise AssertionError('no error')\n"
            "print('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


def test_import_leaves_ml_dtypes_until_bfloat16_is_used():
    """ml_dtypes takes ~0.5 s to import (ten times npgrad): it is loaded on first use of bfloat16 only."""
    import subprocess
    import sys
    code = ("import sys, npgrad; assert 'ml_dtypes' not in sys.modules; "
            "x = npgrad.zeros(2, dtype=npgrad.bfloat16); assert 'ml_dtypes' in sys.modules; print(x.dtype)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "npgrad.bfloat16"
