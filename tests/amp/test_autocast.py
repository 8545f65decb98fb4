"""CPU autocast (bfloat16 / float16) against torch: output dtypes and values, recorded casts, gradients of the
float32 parameters, the policy lists (lower precision / float32 / promote / unchanged), nesting, the decorator,
the cast cache, threads, a training step and GradScaler."""
import threading
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import function as _function

LIBS = (torch, npgrad)
LOW = ("bfloat16", "float16")


def _np(t):
    return t.detach().float().numpy()


def _tol(dt_name):
    # one rounding of the result to the low type (torch accumulates in float32 too), relative to the magnitude
    return (2e-2, 2e-2) if dt_name == "bfloat16" else (3e-3, 3e-3)


def _pair(*shapes, seed=0, dtype=np.float32, grad=True):
    """The same random arrays as (torch tensors, npgrad tensors), leaves requiring grad."""
    rng = np.random.default_rng(seed)
    arrs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    return [[lib.tensor(a, requires_grad=grad) for a in arrs] for lib in LIBS]


def _names(t):
    """grad_fn names, depth first, None for missing edges: the graph's shape as a list."""
    out, seen = [], set()

    def walk(n):
        if n is None:
            out.append(None)
            return
        out.append(type(n).__name__)
        if id(n) in seen:
            return
        seen.add(id(n))
        for nxt, _ in n.next_functions:
            walk(nxt)
    walk(t.grad_fn)
    return out


# op name -> (input shapes, fn(lib, *tensors)); all on torch's CPU lower-precision list
LOWER_OPS = {
    "mm": (((3, 4), (4, 5)), lambda L, a, b: L.mm(a, b)),
    "matmul_2d": (((3, 4), (4, 5)), lambda L, a, b: a @ b),
    "matmul_3d": (((2, 3, 4), (4, 5)), lambda L, a, b: L.matmul(a, b)),
    "matmul_1d": (((4,), (4,)), lambda L, a, b: L.matmul(a, b)),
    "matmul_2d1d": (((3, 4), (4,)), lambda L, a, b: L.matmul(a, b)),
    "bmm": (((2, 3, 4), (2, 4, 5)), lambda L, a, b: L.bmm(a, b)),
    "addmm": (((3, 5), (3, 4), (4, 5)), lambda L, c, a, b: L.addmm(c, a, b)),
    "baddbmm": (((2, 3, 5), (2, 3, 4), (2, 4, 5)), lambda L, c, a, b: L.baddbmm(c, a, b)),
    "addbmm": (((3, 5), (2, 3, 4), (2, 4, 5)), lambda L, c, a, b: L.addbmm(c, a, b)),
    "linear": (((3, 4), (5, 4), (5,)), lambda L, x, w, b: L.nn.functional.linear(x, w, b)),
    "linear_3d": (((2, 3, 4), (5, 4), (5,)), lambda L, x, w, b: L.nn.functional.linear(x, w, b)),
    "linear_nobias": (((3, 4), (5, 4)), lambda L, x, w: L.nn.functional.linear(x, w)),
    "conv1d": (((2, 3, 8), (4, 3, 3), (4,)), lambda L, x, w, b: L.nn.functional.conv1d(x, w, b, padding=1)),
    "conv2d": (((1, 2, 6, 6), (3, 2, 3, 3), (3,)), lambda L, x, w, b: L.nn.functional.conv2d(x, w, b, stride=2)),
    "conv3d": (((1, 2, 4, 4, 4), (3, 2, 2, 2, 2)), lambda L, x, w: L.nn.functional.conv3d(x, w)),
    "conv_transpose1d": (((1, 2, 5), (2, 3, 3)), lambda L, x, w: L.nn.functional.conv_transpose1d(x, w)),
    "conv_transpose2d": (((1, 2, 4, 4), (2, 3, 3, 3), (3,)),
                         lambda L, x, w, b: L.nn.functional.conv_transpose2d(x, w, b, stride=2)),
    "prelu": (((3, 4), (1,)), lambda L, x, w: L.nn.functional.prelu(x, w)),
    "einsum": (((3, 4), (5, 4)), lambda L, a, b: L.einsum("ij,kj->ik", a, b)),
    "vecdot": (((3, 4), (3, 4)), lambda L, a, b: L.linalg.vecdot(a, b)),
    "tensordot": (((3, 4), (4, 5)), lambda L, a, b: L.tensordot(a, b, 1)),
    "sdpa": (((1, 2, 4, 8), (1, 2, 4, 8), (1, 2, 4, 8)),
             lambda L, q, k, v: L.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)),
}


@pytest.mark.parametrize("dt", LOW)
@pytest.mark.parametrize("op", sorted(LOWER_OPS))
def test_lower_precision_ops_vs_torch(op, dt):
    shapes, fn = LOWER_OPS[op]
    outs = []
    for lib, ts in zip(LIBS, _pair(*shapes)):
        with lib.autocast("cpu", dtype=getattr(lib, dt)):
            y = fn(lib, *ts)
        assert str(y.dtype).split(".")[1] == dt
        (y.float() * y.float()).sum().backward()
        outs.append((y, ts))
    (yt, tt), (yn, tn) = outs
    rtol, atol = _tol(dt)
    np.testing.assert_allclose(_np(yn), _np(yt), rtol=rtol, atol=atol * max(1.0, np.abs(_np(yt)).max()))
    gt, gn = _names(yt), _names(yn)  # the op's node, and one recorded cast per float32 input, as torch
    assert gn[0] == gt[0] or op == "sdpa"  # (npgrad records sdpa as its math path, with or without autocast)
    assert gn.count("ToCopyBackward0") == gt.count("ToCopyBackward0") == len(shapes)
    for a, b in zip(tt, tn):  # gradients reach the float32 leaves in float32
        assert a.grad.dtype == torch.float32 and b.grad.dtype == npgrad.float32
        scale = max(1.0, np.abs(a.grad.numpy()).max())
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=5 * rtol, atol=5 * atol * scale)


def test_linear_module_graph_and_default_dtype():
    for lib in LIBS:
        lib.manual_seed(0)
        lin = lib.nn.Linear(4, 3)
        with lib.autocast("cpu"):  # CPU's default lower type is bfloat16
            assert lib.get_autocast_dtype("cpu") == lib.bfloat16
            y = lin(lib.ones(2, 4))
        assert y.dtype == lib.bfloat16
        # AddmmBackward0(ToCopy(bias), None, TBackward0(ToCopy(weight))): the weight cast before the transpose
        assert _names(y) == ["AddmmBackward0", "ToCopyBackward0", "AccumulateGrad", None, "TBackward0",
                             "ToCopyBackward0", "AccumulateGrad"]


@pytest.mark.parametrize("dt", LOW)
def test_float64_and_integer_inputs_are_not_cast(dt):
    for lib in LIBS:
        a = lib.ones(2, 2, dtype=lib.float64)
        with lib.autocast("cpu", dtype=getattr(lib, dt)):
            assert (a @ a).dtype == lib.float64
            assert lib.mm(lib.ones(2, 2, dtype=lib.int64), lib.ones(2, 2, dtype=lib.int64)).dtype == lib.int64
            assert lib.nn.functional.linear(a, a).dtype == lib.float64


def _fp32_cases(L, x, y):
    F = L.nn.functional
    t = L.tensor([0, 2, 1])
    return {
        "mse_loss": F.mse_loss(x, y), "l1_smooth": F.smooth_l1_loss(x, y), "huber": F.huber_loss(x, y),
        "nll_loss": F.nll_loss(x, t), "cross_entropy": F.cross_entropy(x, t),
        "bce": F.binary_cross_entropy(x.sigmoid(), y.sigmoid()), "bce_logits": F.binary_cross_entropy_with_logits(x, y),
        "soft_margin": F.soft_margin_loss(x, y.detach()), "multi_margin": F.multi_margin_loss(x, t),
        "l1_loss": F.l1_loss(x, y), "kl_div": F.kl_div(x, y.detach().sigmoid(), reduction="batchmean"),
        "margin_ranking": F.margin_ranking_loss(x, y, y.detach().sign()),
        "hinge": F.hinge_embedding_loss(x, y.detach().sign()), "poisson": F.poisson_nll_loss(x, y.detach().abs()),
        "cosine_embedding": F.cosine_embedding_loss(x, y, L.tensor([1.0, -1.0, 1.0])),
        "triplet": F.triplet_margin_loss(x, y, x * 2),
        "prod": L.prod(x), "trace": L.trace(x), "cdist": L.cdist(x, y), "quantile": L.quantile(x, 0.3),
        "nanquantile": L.nanquantile(x, 0.7),
        "avg_pool3d": F.avg_pool3d(x.reshape(1, 1, 1, 3, 3), (1, 2, 2)),
        "max_pool3d": F.max_pool3d(x.reshape(1, 1, 1, 3, 3), (1, 2, 2)),
    }


def test_float32_list_ops_vs_torch():
    res = []
    for lib, (x, y) in zip(LIBS, _pair((3, 3), (3, 3))):
        with lib.autocast("cpu"):
            xb, yb = x.to(lib.bfloat16), y.to(lib.bfloat16)
            res.append(_fp32_cases(lib, xb, yb))
    rt, rn = res
    for k in rt:
        assert rt[k].dtype == torch.float32, k  # (the premise: torch runs it in float32)
        assert rn[k].dtype == npgrad.float32, k
        np.testing.assert_allclose(_np(rn[k]), _np(rt[k]), rtol=2e-2, atol=2e-2, err_msg=k)
    assert type(rn["nll_loss"].grad_fn.next_functions[0][0]).__name__ == "ToCopyBackward0"
    # cross_entropy itself is on the list: log_softmax runs in float32 on the cast logits, as torch's
    assert _names(rn["cross_entropy"])[:3] == _names(rt["cross_entropy"])[:3] == [
        "NllLossBackward0", "LogSoftmaxBackward0", "ToCopyBackward0"]
    np.testing.assert_allclose(_np(rn["cross_entropy"]), _np(rt["cross_entropy"]), rtol=1e-6)


@pytest.mark.parametrize("case", ["reflect1d", "reflect2d", "reflect3d", "replicate1d", "replicate2d",
                                  "replicate3d", "circular2d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
                                  "adaptive_avg_pool2d", "max_pool2d", "avg_pool2d"])
def test_padding_and_pooling_dtypes_vs_torch(case):
    rng = np.random.default_rng(0)
    arrs = {1: rng.standard_normal((1, 2, 6)), 2: rng.standard_normal((1, 2, 6, 6)),
            3: rng.standard_normal((1, 2, 4, 4, 4))}
    res = []
    for lib in LIBS:
        F = lib.nn.functional
        nd = int(case[-2]) if case[-1] == "d" and case[-2].isdigit() else 0
        x = lib.tensor(arrs[nd].astype(np.float32)).to(lib.bfloat16)
        with lib.autocast("cpu"):
            if case.startswith(("reflect", "replicate", "circular")):
                y = F.pad(x, (1,) * (2 * nd), mode=case[:-2])
            elif case.startswith("adaptive"):
                y = getattr(F, case)(x, 2)
            else:
                y = getattr(F, case)(x, 2)
        res.append(y)
    assert str(res[0].dtype).split(".")[1] == str(res[1].dtype).split(".")[1]
    np.testing.assert_allclose(_np(res[1]), _np(res[0]), rtol=1e-2, atol=1e-2)


def test_calls_with_out_are_not_autocast():
    for lib in LIBS:
        a, c = lib.ones(3, 3) / 3, lib.empty(3, 3)
        with lib.autocast("cpu"):
            r = lib.mm(a, a, out=c)
        assert r is c and c.dtype == lib.float32
        np.testing.assert_allclose(_np(c), np.full((3, 3), 1 / 3, np.float32), rtol=1e-6)


def test_other_ops_run_in_their_inputs_dtype():
    for lib in LIBS:
        F = lib.nn.functional
        for d in (lib.float32, lib.bfloat16):
            x = lib.randn(3, 4).to(d)
            with lib.autocast("cpu"):
                for y in (F.softmax(x, -1), F.log_softmax(x, -1), F.layer_norm(x, (4,)), F.gelu(x), lib.exp(x),
                          x.sum(), x + 1, F.relu(x), lib.mv(x, lib.ones(4, dtype=d)), lib.dot(x[0], x[1])):
                    assert y.dtype == d


def test_promote_ops_take_the_widest_type():
    for lib in LIBS:
        a, b = lib.ones(2, 2), lib.ones(2, 2, dtype=lib.bfloat16)
        with lib.autocast("cpu"):
            assert lib.cat([a, b]).dtype == lib.float32
            assert lib.stack([b, a]).dtype == lib.float32
            assert lib.cat([b, b]).dtype == lib.bfloat16
            assert a.index_copy(0, lib.tensor([1]), b[:1]).dtype == lib.float32
            assert type(lib.cat([b, a]).grad_fn).__name__ == type(lib.cat([b, a]).grad_fn).__name__
        assert lib.cat([b, b]).dtype == lib.bfloat16


def test_nesting_disable_and_queries():
    for lib in LIBS:
        a = lib.ones(2, 2)
        assert not lib.is_autocast_enabled("cpu")
        with lib.autocast("cpu", dtype=lib.bfloat16):
            assert lib.is_autocast_enabled("cpu") and lib.get_autocast_dtype("cpu") == lib.bfloat16
            assert (a @ a).dtype == lib.bfloat16
            with lib.autocast("cpu", enabled=False):
                assert not lib.is_autocast_enabled("cpu")
                assert (a @ a).dtype == lib.float32
            with lib.autocast("cpu", dtype=lib.float16):
                assert lib.get_autocast_dtype("cpu") == lib.float16
                assert (a @ a).dtype == lib.float16
            assert lib.get_autocast_dtype("cpu") == lib.bfloat16 and (a @ a).dtype == lib.bfloat16
            with lib.amp.autocast("cpu", dtype=lib.float16):
                assert (a @ a).dtype == lib.float16
        assert not lib.is_autocast_enabled("cpu") and (a @ a).dtype == lib.float32
        with pytest.warns(FutureWarning):
            ctx = lib.cpu.amp.autocast()
        with ctx:
            assert (a @ a).dtype == lib.bfloat16
        with pytest.raises(ValueError):
            with lib.autocast("cpu"):
                raise ValueError("inside")
        assert not lib.is_autocast_enabled("cpu") and (a @ a).dtype == lib.float32
    assert _function._extras == 0


def test_set_autocast_enabled_switch():
    for lib in LIBS:
        a = lib.ones(2, 2)
        lib.set_autocast_enabled("cpu", True)
        try:
            assert lib.is_autocast_enabled("cpu") and (a @ a).dtype == lib.bfloat16
        finally:
            lib.set_autocast_enabled("cpu", False)
        assert (a @ a).dtype == lib.float32
    assert _function._extras == 0


def test_decorator():
    for lib in LIBS:
        @lib.autocast("cpu", dtype=lib.float16)
        def f(x):
            return x @ x, lib.is_autocast_enabled("cpu")
        y, on = f(lib.ones(2, 2))
        assert y.dtype == lib.float16 and on and not lib.is_autocast_enabled("cpu")


@pytest.mark.parametrize("cache", [True, False])
def test_leaf_cast_cache(cache):
    same = []
    for lib in LIBS:
        w = lib.ones(2, 2, requires_grad=True)
        x = lib.ones(2, 2)
        with lib.autocast("cpu", cache_enabled=cache):
            y1, y2 = x @ w, x @ w
        n1, n2 = (y.grad_fn.next_functions[1][0] for y in (y1, y2))
        assert type(n1).__name__ == "ToCopyBackward0"
        same.append(n1 is n2)
        with lib.autocast("cpu"):  # a new outermost block: a new cast
            y3 = x @ w
        assert y3.grad_fn.next_functions[1][0] is not n1
    assert same[0] == same[1] == cache


def test_autocast_is_per_thread():
    for lib in LIBS:
        got = []
        a = lib.ones(2, 2)

        def other():
            got.append(((a @ a).dtype, lib.is_autocast_enabled("cpu")))
        with lib.autocast("cpu"):
            th = threading.Thread(target=other)
            th.start()
            th.join()
            assert (a @ a).dtype == lib.bfloat16
        assert got == [(lib.float32, False)]


def _mlp_step(lib, scaler_on):
    lib.manual_seed(0)
    rng = np.random.default_rng(1)
    model = lib.nn.Sequential(lib.nn.Linear(6, 16), lib.nn.GELU(), lib.nn.LayerNorm(16), lib.nn.Linear(16, 4))
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.3))
    opt = lib.optim.AdamW(model.parameters(), lr=1e-2)
    scaler = lib.amp.GradScaler("cpu", enabled=scaler_on)
    x = lib.tensor(rng.standard_normal((8, 6)).astype(np.float32))
    t = lib.tensor(rng.integers(0, 4, 8))
    losses = []
    for _ in range(3):
        opt.zero_grad()
        with lib.autocast("cpu", dtype=lib.bfloat16):
            logits = model(x)
            loss = lib.nn.functional.cross_entropy(logits, t)
        assert logits.dtype == lib.bfloat16 and loss.dtype == lib.float32
        scaler.scale(loss).backward()
        assert all(p.grad.dtype == lib.float32 for p in model.parameters())
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
    return losses, [_np(p) for p in model.parameters()]


@pytest.mark.parametrize("scaler_on", [False, True])
def test_mlp_training_step_vs_torch(scaler_on):
    lt, pt = _mlp_step(torch, scaler_on)
    ln, pn = _mlp_step(npgrad, scaler_on)
    np.testing.assert_allclose(ln, lt, rtol=2e-2, atol=2e-2)
    for a, b in zip(pn, pt):
        np.testing.assert_allclose(a, b, rtol=3e-2, atol=3e-2)


def test_custom_fwd_cast_inputs():
    for lib in LIBS:
        class Sq(lib.autograd.Function):
            @staticmethod
            @lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x @ x, lib.is_autocast_enabled("cpu")

            @staticmethod
            @lib.amp.custom_bwd(device_type="cpu")
            def backward(ctx, g, _):
                x, = ctx.saved_tensors
                return g @ x.T + x.T @ g
        x = lib.ones(2, 2, dtype=lib.bfloat16, requires_grad=True)
        with lib.autocast("cpu"):
            y, on = Sq.apply(x)
        assert y.dtype == lib.float32 and not on
        y, on = Sq.apply(lib.ones(2, 2))  # outside autocast: unchanged
        assert y.dtype == lib.float32


def test_no_cost_when_off():
    before = _function._extras
    with npgrad.autocast("cpu", enabled=False):
        assert _function._extras == before
    with npgrad.autocast("cpu"):
        assert _function._extras == before + 1
        with npgrad.autocast("cpu"):
            assert _function._extras == before + 1
    assert _function._extras == before
