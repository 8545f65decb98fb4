"""The nn pieces of issue 13, each against torch: lazy modules, EmbeddingBag, Fold/Unfold, grid_sample/affine_grid,
gumbel_softmax, the margin and CTC losses, AdaptiveLogSoftmaxWithLoss, ChannelShuffle, fractional max pooling,
LPPool3d, MaxUnpool3d."""
import copy
import pickle

import numpy as np
import pytest
import torch

import npgrad
import npgrad.nn as nn
import npgrad.nn.functional as F


def T(a, dtype=torch.float64, grad=False):
    return torch.tensor(np.asarray(a), dtype=dtype, requires_grad=grad)


def N(a, dtype=npgrad.float64, grad=False):
    return npgrad.tensor(np.asarray(a), dtype=dtype, requires_grad=grad)


def close(a, b, tol=1e-10):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def same_error(fn_np, fn_t):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(Exception) as en:
        fn_np()
    assert type(en.value).__name__ == type(et.value).__name__, (en.value, et.value)


# ---------------------------------------------------------------------------------------------- lazy modules
LAZY = [
    ("LazyLinear", (3,), {}, (2, 5)),
    ("LazyConv1d", (4, 3), {"padding": 1}, (2, 3, 7)),
    ("LazyConv2d", (4, 3), {"stride": 2}, (2, 3, 7, 6)),
    ("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {"output_padding": 1, "stride": 2}, (2, 3, 4, 4)),
    ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {}, (4, 3, 2, 2)),
    ("LazyBatchNorm3d", (), {"affine": False}, (4, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"track_running_stats": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {}, (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", LAZY, ids=[c[0] for c in LAZY])
def test_lazy_module_vs_torch(name, args, kwargs, shape):
    tm = getattr(torch.nn, name)(*args, **kwargs).double()
    nm = getattr(nn, name)(*args, **kwargs).double()
    assert repr(nm) == repr(tm)
    assert list(nm.state_dict()) == list(tm.state_dict())
    assert [repr(v) for v in nm.state_dict().values()] == [repr(v) for v in tm.state_dict().values()]
    assert nm.has_uninitialized_params() == tm.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape)
    yt = tm(T(x))
    yn = nm(N(x))
    assert type(nm).__name__ == type(tm).__name__ and repr(nm) == repr(tm)
    assert type(nm).__name__ == getattr(torch.nn, name).cls_to_become.__name__
    assert {k: tuple(v.shape) for k, v in nm.state_dict().items()} == \
           {k: tuple(v.shape) for k, v in tm.state_dict().items()}
    assert all(type(p) is nn.Parameter for p in nm.parameters())
    assert all(type(b) is npgrad.Tensor for b in nm.buffers())
    # same weights -> same output and gradients
    nm.load_state_dict({k: N(v.detach().numpy(), dtype=getattr(npgrad, str(v.dtype).split(".")[1]))
                        for k, v in tm.state_dict().items()})
    xt, xn = T(x, grad=True), N(x, grad=True)
    yt, yn = tm(xt), nm(xn)
    close(yn, yt)
    yt.sum().backward()
    yn.sum().backward()
    close(xn.grad, xt.grad)
    assert not nm._forward_pre_hooks and not nm._load_state_dict_pre_hooks


def test_lazy_state_dict_load_materialises_without_forward():
    t = torch.nn.LazyLinear(3)
    n = nn.LazyLinear(3)
    t.load_state_dict(torch.nn.Linear(4, 3).state_dict())
    src = nn.Linear(4, 3)
    assert repr(n.load_state_dict(src.state_dict())) == "<All keys matched successfully>"
    assert type(n).__name__ == type(t).__name__ == "LazyLinear"       # becomes Linear only at the first forward
    assert type(n.weight) is nn.Parameter and n.weight.shape == (3, 4)
    close(n.weight, src.weight)
    # a lazy state_dict into a lazy module keeps it lazy, in both
    a, b = nn.LazyLinear(3), nn.LazyLinear(3)
    b.load_state_dict(a.state_dict())
    assert repr(b.weight) == "<UninitializedParameter>"


def test_lazy_dtype_follows_module_casts():
    n = nn.LazyLinear(2).double()
    assert n.weight.dtype == npgrad.float64
    n(npgrad.zeros(1, 3, dtype=npgrad.float64))
    assert n.weight.dtype == npgrad.float64 and n.weight.shape == (2, 3)
    b = nn.LazyBatchNorm1d(dtype=npgrad.float64)
    assert b.running_mean.dtype == npgrad.float64


def test_uninitialized_parameter_refuses_use_like_torch():
    tp, np_ = torch.nn.parameter.UninitializedParameter(), nn.UninitializedParameter()
    assert repr(np_) == repr(tp) and np_.requires_grad and np_.dtype == npgrad.float32
    assert tuple(np_.size()) == tuple(tp.size())
    assert nn.parameter.is_lazy(np_) and not nn.parameter.is_lazy(nn.Parameter(npgrad.zeros(1)))
    for expr in ("p + 1", "p.sum()", "p.detach()", "p.numel()", "p.shape"):
        same_error(lambda: eval(expr, {"p": np_}), lambda: eval(expr, {"p": tp}))
    assert isinstance(np_, nn.Parameter)
    np_.materialize((2, 3))
    assert type(np_) is nn.Parameter and np_.shape == (2, 3) and np_.requires_grad
    b = nn.UninitializedBuffer()
    assert repr(b) == repr(torch.nn.parameter.UninitializedBuffer())
    b.materialize(4)
    assert type(b) is npgrad.Tensor and b.shape == (4,)


def test_lazy_errors_like_torch():
    same_error(lambda: nn.LazyConv2d(4, 3)(npgrad.zeros(5, 5)), lambda: torch.nn.LazyConv2d(4, 3)(torch.zeros(5, 5)))
    same_error(lambda: nn.LazyConv2d(4, 3, groups=4)(npgrad.zeros(1, 3, 5, 5)),
               lambda: torch.nn.LazyConv2d(4, 3, groups=4)(torch.zeros(1, 3, 5, 5)))


def test_lazy_copy_and_pickle_before_forward():
    for m in (copy.deepcopy(nn.LazyLinear(3)), pickle.loads(pickle.dumps(nn.LazyLinear(3)))):
        assert repr(m.weight) == "<UninitializedParameter>"
        assert m(npgrad.ones(2, 4)).shape == (2, 3)
        assert type(m) is nn.Linear


def test_lazy_module_paths():
    import npgrad.nn.modules.lazy as lazy
    assert lazy.LazyModuleMixin is nn.LazyModuleMixin
    import npgrad.nn.modules.instancenorm as inorm
    assert inorm.LazyInstanceNorm2d is nn.LazyInstanceNorm2d
    import npgrad.nn.modules.linear as linear
    import npgrad.nn.modules.conv as conv
    import npgrad.nn.modules.batchnorm as batchnorm
    for mod, tmod in ((linear, torch.nn.modules.linear), (conv, torch.nn.modules.conv),
                      (batchnorm, torch.nn.modules.batchnorm)):
        for name in dir(tmod):
            if name.startswith("Lazy") and name != "LazyModuleMixin":
                assert getattr(mod, name) is getattr(nn, name)


# ---------------------------------------------------------------------------------------------- embedding_bag
def _bag_case(rng, two_d):
    V, D = 7, 3
    w = rng.standard_normal((V, D))
    if two_d:
        x = rng.integers(0, V, (3, 4))
        return w, x, None
    x = rng.integers(0, V, 9)
    return w, x, np.array([0, 2, 2, 5])


BAG_CASES = [(mode, two_d, pad, psw, last, freq)
             for mode in ("sum", "mean", "max") for two_d in (False, True) for pad in (None, 2, -1)
             for psw in (False, True) for last in (False, True) for freq in (False, True)
             if not (psw and mode != "sum") and not (freq and mode == "max")]


@pytest.mark.parametrize("mode,two_d,pad,psw,last,freq", BAG_CASES)
def test_embedding_bag_vs_torch(mode, two_d, pad, psw, last, freq):
    rng = np.random.default_rng(len(str((mode, two_d, pad, psw, last, freq))))
    w, x, off = _bag_case(rng, two_d)
    x[..., 0] = 2                      # a padding entry in some bags (when padding_idx is 2)
    p = rng.standard_normal(x.shape) if psw else None
    res = []
    for lib, mk in ((torch, T), (npgrad, N)):
        W = mk(w, grad=True)
        P = mk(p, grad=True) if psw else None
        X = lib.tensor(x)
        O = lib.tensor(off) if off is not None else None
        Fn = torch.nn.functional if lib is torch else F
        y = Fn.embedding_bag(X, W, O, mode=mode, per_sample_weights=P, include_last_offset=last, padding_idx=pad,
                             scale_grad_by_freq=freq)
        g = np.random.default_rng(1).standard_normal(tuple(y.shape))
        y.backward(mk(g))
        res.append((y, W.grad, P.grad if psw else None, type(y.grad_fn).__name__))
    (yt, gwt, gpt, nt), (yn, gwn, gpn, nn_) = res
    close(yn, yt)
    if not freq or mode == "max":   # torch's CPU kernel misattributes the counts: see the test below
        close(gwn, gwt)
    if psw:
        close(gpn, gpt)
    assert nn_ == nt


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scale_grad_by_freq_as_embedding(mode):
    # torch's CPU embedding_bag divides some rows' gradients by another index's count ([3, 3, 5] gives index 5
    # the factor 1/2); npgrad divides by each index's own count, as F.embedding(scale_grad_by_freq=True) does
    x = np.array([[3, 3, 5, 1], [2, 3, 5, 5]])
    w = np.random.default_rng(0).standard_normal((7, 2))
    wt, wn = T(w, grad=True), N(w, grad=True)
    ref = torch.nn.functional.embedding(torch.tensor(x), wt, scale_grad_by_freq=True)
    ref = ref.sum(1) if mode == "sum" else ref.mean(1)
    out = F.embedding_bag(npgrad.tensor(x), wn, mode=mode, scale_grad_by_freq=True)
    close(out, ref)
    g = np.random.default_rng(1).standard_normal((2, 2))
    ref.backward(T(g))
    out.backward(N(g))
    close(wn.grad, wt.grad)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_gradcheck(mode):
    rng = np.random.default_rng(3)
    w = N(rng.standard_normal((6, 3)), grad=True)
    x = npgrad.tensor([1, 2, 2, 5, 0, 3, 3])
    off = npgrad.tensor([0, 3, 3, 5])
    psw = N(rng.standard_normal(7), grad=True) if mode == "sum" else None
    args = (w,) if psw is None else (w, psw)
    fn = lambda w, p=None: F.embedding_bag(x, w, off, mode=mode, per_sample_weights=p)  # noqa: E731
    assert npgrad.autograd.gradcheck(fn, args)
    if mode != "max":
        assert npgrad.autograd.gradgradcheck(fn, args)
    last = lambda w, p=None: F.embedding_bag(x, w, off, mode=mode, per_sample_weights=p,  # noqa: E731
                                             include_last_offset=True)
    assert npgrad.autograd.gradcheck(last, args)


def test_embedding_bag_errors_like_torch():
    w = np.random.default_rng(0).standard_normal((10, 3))
    x1 = [1, 2, 3, 4, 5]
    cases = [
        dict(x=x1, off=[1, 2]), dict(x=x1, off=[0, 7]), dict(x=x1, off=None), dict(x=[[1, 2]], off=[0]),
        dict(x=x1, off=[0, 2], mode="foo"), dict(x=[11], off=[0]), dict(x=x1, off=[0, 2], padding_idx=12),
        dict(x=x1, off=[0, 2], mode="mean", psw=np.ones(5)), dict(x=x1, off=[0, 2], psw=np.ones(4)),
        dict(x=[[[1]]], off=None), dict(x=x1, off=[0, 2], mode="max", freq=True),
    ]
    for c in cases:
        def run(lib, mk, c=c):
            Fn = torch.nn.functional if lib is torch else F
            return Fn.embedding_bag(lib.tensor(c["x"]), mk(w), None if c["off"] is None else lib.tensor(c["off"]),
                                    mode=c.get("mode", "mean"), padding_idx=c.get("padding_idx"),
                                    per_sample_weights=None if "psw" not in c else mk(c["psw"]),
                                    scale_grad_by_freq=c.get("freq", False))
        same_error(lambda: run(npgrad, N), lambda: run(torch, T))
    same_error(lambda: F.embedding_bag(npgrad.tensor([1.0]), N(w), npgrad.tensor([0])),
               lambda: torch.nn.functional.embedding_bag(torch.tensor([1.0]), T(w), torch.tensor([0])))


def test_embedding_bag_module_vs_torch():
    t = torch.nn.EmbeddingBag(10, 3, mode="max", padding_idx=-2).double()
    n = nn.EmbeddingBag(10, 3, mode="max", padding_idx=-2).double()
    assert repr(n) == repr(t) and n.padding_idx == t.padding_idx
    assert float(n.weight.detach()[8].abs().sum()) == 0
    n.load_state_dict({"weight": N(t.weight.detach().numpy())})
    x, off = [1, 8, 3, 4, 5], [0, 2]
    close(n(npgrad.tensor(x), npgrad.tensor(off)), t(torch.tensor(x), torch.tensor(off)))
    for kw in ({}, {"freeze": False}):
        e = np.random.default_rng(0).standard_normal((4, 2))
        a, b = nn.EmbeddingBag.from_pretrained(N(e), **kw), torch.nn.EmbeddingBag.from_pretrained(T(e), **kw)
        assert a.weight.requires_grad == b.weight.requires_grad and repr(a) == repr(b)
    same_error(lambda: nn.EmbeddingBag(3, 2, padding_idx=3), lambda: torch.nn.EmbeddingBag(3, 2, padding_idx=3))


# ---------------------------------------------------------------------------------------------- Fold / Unfold
def test_fold_unfold_modules_vs_torch():
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 6))
    kw = dict(kernel_size=(2, 3), dilation=1, padding=1, stride=(1, 2))
    tu, nu = torch.nn.Unfold(**kw), nn.Unfold(**kw)
    assert repr(nu) == repr(tu)
    xt, xn = T(x, grad=True), N(x, grad=True)
    ct, cn = tu(xt), nu(xn)
    close(cn, ct)
    tf, nf = torch.nn.Fold(output_size=(5, 6), **kw), nn.Fold(output_size=(5, 6), **kw)
    assert repr(nf) == repr(tf)
    yt, yn = tf(ct), nf(cn)
    close(yn, yt)
    (yt ** 2).sum().backward()
    (yn ** 2).sum().backward()
    close(xn.grad, xt.grad)
    import npgrad.nn.modules.fold as fold
    assert fold.Fold is nn.Fold and fold.Unfold is nn.Unfold


# ---------------------------------------------------------------------------------------------- grid_sample
GS_CASES = [(k, mode, pad, ac) for k in (2, 3) for mode in ("bilinear", "nearest")
            for pad in ("zeros", "border", "reflection") for ac in (False, True)]


@pytest.mark.parametrize("k,mode,pad,ac", GS_CASES)
def test_grid_sample_vs_torch(k, mode, pad, ac):
    rng = np.random.default_rng(k * 100 + len(mode) + len(pad) + ac)
    shape = (2, 3, 4, 5) if k == 2 else (2, 2, 3, 4, 5)
    x = rng.standard_normal(shape)
    gshape = (2, 3, 4, 2) if k == 2 else (2, 2, 3, 4, 3)
    g = rng.uniform(-1.6, 1.6, gshape)          # inside and outside [-1, 1]
    xt, gt, xn, gn = T(x, grad=True), T(g, grad=True), N(x, grad=True), N(g, grad=True)
    yt = torch.nn.functional.grid_sample(xt, gt, mode=mode, padding_mode=pad, align_corners=ac)
    yn = F.grid_sample(xn, gn, mode=mode, padding_mode=pad, align_corners=ac)
    close(yn, yt)
    assert type(yn.grad_fn).__name__ == type(yt.grad_fn).__name__
    w = rng.standard_normal(tuple(yt.shape))
    yt.backward(T(w))
    yn.backward(N(w))
    close(xn.grad, xt.grad)
    close(gn.grad, gt.grad)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("pad", ["zeros", "border", "reflection"])
def test_grid_sample_gradcheck(k, pad):
    rng = np.random.default_rng(7)
    x = N(rng.standard_normal((1, 2) + (3,) * k), grad=True)
    g = N(rng.uniform(-1.3, 1.3, (1, 2, 2) + ((2,) if k == 3 else ()) + (k,)), grad=True)
    fn = lambda x, g: F.grid_sample(x, g, padding_mode=pad, align_corners=False)  # noqa: E731
    assert npgrad.autograd.gradcheck(fn, (x, g))


def test_grid_sample_float32_and_errors_like_torch():
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((1, 2, 5, 5)), rng.uniform(-1, 1, (1, 3, 3, 2))
    close(F.grid_sample(N(x, npgrad.float32), N(g, npgrad.float32), align_corners=True),
          torch.nn.functional.grid_sample(T(x, torch.float32), T(g, torch.float32), align_corners=True), 1e-6)
    with pytest.warns(UserWarning):
        F.grid_sample(N(x), N(g))
    cases = [((1, 2, 5, 5), (1, 3, 3, 3), {}), ((1, 2, 5), (1, 3, 2), {}), ((2, 2, 5, 5), (1, 3, 3, 2), {}),
             ((1, 2, 5, 5), (1, 3, 3, 2), {"mode": "foo"}), ((1, 2, 5, 5), (1, 3, 3, 2), {"padding_mode": "x"}),
             ((1, 2, 3, 5, 5), (1, 1, 3, 3, 3), {"mode": "bicubic"})]
    for xs, gs, kw in cases:
        same_error(lambda: F.grid_sample(N(np.zeros(xs)), N(np.zeros(gs)), align_corners=False, **kw),
                   lambda: torch.nn.functional.grid_sample(T(np.zeros(xs)), T(np.zeros(gs)), align_corners=False,
                                                           **kw))
    same_error(lambda: F.grid_sample(N(x, npgrad.float32), N(g), align_corners=False),
               lambda: torch.nn.functional.grid_sample(T(x, torch.float32), T(g), align_corners=False))


@pytest.mark.filterwarnings("ignore:Since version 1.3.0")
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (2, 3, 2, 4, 5)])
@pytest.mark.parametrize("ac", [False, True])
def test_affine_grid_vs_torch(size, ac):
    k = len(size) - 2
    th = np.random.default_rng(len(size)).standard_normal((2, k, k + 1))
    tt, tn = T(th, grad=True), N(th, grad=True)
    yt = torch.nn.functional.affine_grid(tt, size, align_corners=ac)
    yn = F.affine_grid(tn, size, align_corners=ac)
    close(yn, yt)
    assert type(yn.grad_fn).__name__ == type(yt.grad_fn).__name__
    w = np.random.default_rng(1).standard_normal(tuple(yt.shape))
    yt.backward(T(w))
    yn.backward(N(w))
    close(tn.grad, tt.grad)
    assert npgrad.autograd.gradcheck(lambda t: F.affine_grid(t, size, align_corners=ac), (N(th, grad=True),))
    assert npgrad.autograd.gradgradcheck(lambda t: F.affine_grid(t, size, align_corners=ac) ** 2,
                                         (N(th, grad=True),))


def test_affine_grid_errors_like_torch():
    for th, size in [((2, 2, 3), (2, 1, 4)), ((2, 3, 4), (2, 1, 4, 4)), ((2, 2, 3), (2, 1, 0, 4)),
                     ((2, 2, 3), (2, 1, 4, 4, 4))]:
        same_error(lambda: F.affine_grid(N(np.zeros(th)), size, align_corners=False),
                   lambda: torch.nn.functional.affine_grid(T(np.zeros(th)), size, align_corners=False))
    same_error(lambda: F.affine_grid(npgrad.zeros(2, 2, 3, dtype=npgrad.int64), (2, 1, 4, 4), align_corners=False),
               lambda: torch.nn.functional.affine_grid(torch.zeros(2, 2, 3, dtype=torch.int64), (2, 1, 4, 4),
                                                       align_corners=False))


def test_affine_grid_then_grid_sample_identity():
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 6))
    theta = N([[[1.0, 0, 0], [0, 1.0, 0]]])
    grid = F.affine_grid(theta, (1, 2, 4, 6), align_corners=False)
    close(F.grid_sample(N(x), grid, align_corners=False), x, 1e-12)


# ---------------------------------------------------------------------------------------------- channel shuffle
@pytest.mark.parametrize("shape,groups", [((2, 6, 3), 3), ((1, 4, 2, 2), 2), ((2, 6, 1, 2, 2), 6), ((2, 5, 3), 1)])
def test_channel_shuffle_vs_torch(shape, groups):
    x = np.random.default_rng(0).standard_normal(shape)
    xt, xn = T(x, grad=True), N(x, grad=True)
    yt, yn = torch.nn.functional.channel_shuffle(xt, groups), F.channel_shuffle(xn, groups)
    close(yn, yt)
    assert type(yn.grad_fn).__name__ == type(yt.grad_fn).__name__
    w = np.random.default_rng(1).standard_normal(shape)
    yt.backward(T(w))
    yn.backward(N(w))
    close(xn.grad, xt.grad)
    close(nn.ChannelShuffle(groups)(xn), torch.nn.ChannelShuffle(groups)(xt))
    assert repr(nn.ChannelShuffle(groups)) == repr(torch.nn.ChannelShuffle(groups))
    close(F.native_channel_shuffle(xn, groups), yt)
    assert npgrad.autograd.gradgradcheck(lambda a: F.channel_shuffle(a, groups) ** 2, (N(x, grad=True),))
    for bad in ((shape, shape[1] + 1), ((3, 4), 2), (shape, 0)):
        same_error(lambda: F.channel_shuffle(N(np.zeros(bad[0])), bad[1]),
                   lambda: torch.nn.functional.channel_shuffle(T(np.zeros(bad[0])), bad[1]))


# ---------------------------------------------------------------------------------------------- margin losses
MM_CASES = [(p, margin, wt, red, vec) for p in (1, 2) for margin in (1.0, 0.3) for wt in (False, True)
            for red in ("none", "mean", "sum") for vec in (False, True)]


@pytest.mark.parametrize("p,margin,wt,red,vec", MM_CASES)
def test_multi_margin_loss_vs_torch(p, margin, wt, red, vec):
    rng = np.random.default_rng(p * 7 + int(margin * 10) + wt + len(red) + vec)
    x = rng.standard_normal(5 if vec else (4, 5)) * 0.5
    y = np.array(2) if vec else rng.integers(0, 5, 4)
    w = rng.uniform(0.5, 2, 5) if wt else None
    res = []
    for lib, mk, Fn in ((torch, T, torch.nn.functional), (npgrad, N, F)):
        X = mk(x, grad=True)
        out = Fn.multi_margin_loss(X, lib.tensor(y), p=p, margin=margin, weight=None if w is None else mk(w),
                                   reduction=red)
        out.backward(mk(np.random.default_rng(2).standard_normal(tuple(out.shape))))
        res.append((out, X.grad, type(out.grad_fn).__name__))
    close(res[1][0], res[0][0])
    close(res[1][1], res[0][1])
    assert res[1][2] == res[0][2]
    mod_t = torch.nn.MultiMarginLoss(p=p, margin=margin, weight=None if w is None else T(w), reduction=red)
    mod_n = nn.MultiMarginLoss(p=p, margin=margin, weight=None if w is None else N(w), reduction=red)
    close(mod_n(N(x), npgrad.tensor(y)), mod_t(T(x), torch.tensor(y)))
    fn = lambda a: F.multi_margin_loss(a, npgrad.tensor(y), p=p, margin=margin,  # noqa: E731
                                       weight=None if w is None else N(w), reduction=red)
    assert npgrad.autograd.gradcheck(fn, (N(x, grad=True),))
    assert npgrad.autograd.gradgradcheck(fn, (N(x, grad=True),))


@pytest.mark.parametrize("red", ["none", "mean", "sum"])
@pytest.mark.parametrize("vec", [False, True])
def test_multilabel_margin_loss_vs_torch(red, vec):
    rng = np.random.default_rng(len(red) + vec)
    x = rng.standard_normal(5 if vec else (4, 5)) * 0.5
    y = np.array([3, 0, -1, 1, 2]) if vec else np.array([[3, 0, -1, 1, 2], [1, -1, 0, 0, 0], [4, 3, 2, 1, 0],
                                                        [-1, 2, 2, 2, 2]])
    res = []
    for lib, mk, Fn in ((torch, T, torch.nn.functional), (npgrad, N, F)):
        X = mk(x, grad=True)
        out = Fn.multilabel_margin_loss(X, lib.tensor(y), reduction=red)
        out.backward(mk(np.random.default_rng(2).standard_normal(tuple(out.shape))))
        res.append((out, X.grad, type(out.grad_fn).__name__))
    close(res[1][0], res[0][0])
    close(res[1][1], res[0][1])
    assert res[1][2] == res[0][2]
    close(nn.MultiLabelMarginLoss(reduction=red)(N(x), npgrad.tensor(y)),
          torch.nn.MultiLabelMarginLoss(reduction=red)(T(x), torch.tensor(y)))
    fn = lambda a: F.multilabel_margin_loss(a, npgrad.tensor(y), reduction=red)  # noqa: E731
    assert npgrad.autograd.gradcheck(fn, (N(x, grad=True),))
    assert npgrad.autograd.gradgradcheck(fn, (N(x, grad=True),))


def test_margin_losses_errors_like_torch():
    x = np.random.default_rng(0).standard_normal((2, 4))
    mm = [dict(y=[1, 5]), dict(y=[1, 2], p=3), dict(y=[1, 2], weight=np.ones((2, 2))), dict(y=[1, 2, 3]),
          dict(y=[1.0, 2.0]), dict(y=[1, 2], weight=np.ones(3))]
    for c in mm:
        def run(lib, mk, Fn, c=c):
            return Fn.multi_margin_loss(mk(x), lib.tensor(c["y"]), p=c.get("p", 1),
                                        weight=mk(c["weight"]) if "weight" in c else None)
        same_error(lambda: run(npgrad, N, F), lambda: run(torch, T, torch.nn.functional))
    for y in ([[1, 5, -1, 0], [3, -1, 0, 0]], [1, 2], [[1.0, 2, 3, 0], [0, 0, 0, 0]]):
        same_error(lambda: F.multilabel_margin_loss(N(x), npgrad.tensor(y)),
                   lambda: torch.nn.functional.multilabel_margin_loss(T(x), torch.tensor(y)))


# ---------------------------------------------------------------------------------------------- gumbel_softmax
@pytest.mark.parametrize("hard", [False, True])
def test_gumbel_softmax_statistics_and_gradient(hard):
    npgrad.manual_seed(0)
    logits = N(np.log([0.1, 0.2, 0.7]), grad=True)
    batch = logits.expand(20000, 3)
    y = F.gumbel_softmax(batch, tau=0.5 if not hard else 1.0, hard=hard)
    assert y.shape == (20000, 3)
    close(y.sum(-1), np.ones(20000), 1e-12)
    ref_fn = type(torch.nn.functional.gumbel_softmax(T(np.zeros((2, 3)), grad=True), hard=hard).grad_fn).__name__
    assert type(y.grad_fn).__name__ == ref_fn
    if hard:
        assert set(np.unique(y.detach().numpy())) <= {0.0, 1.0}
        freq = y.detach().numpy().mean(0)
        np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=0.015)   # argmax of logits + Gumbel ~ softmax
    else:
        assert (y.detach().numpy() > 0).all()
    y[:, 2].sum().backward()
    assert logits.grad is not None and np.isfinite(logits.grad.numpy()).all()
    with pytest.warns(UserWarning):
        F.gumbel_softmax(N(np.zeros(3)), eps=1e-5)
    # hard samples carry the soft sample's gradient (straight-through): same as torch with the same noise
    z = np.random.default_rng(0).standard_normal((4, 3))
    zt, zn = T(z, grad=True), N(z, grad=True)
    st = (zt.softmax(-1) - zt.softmax(-1).detach()) + torch.nn.functional.one_hot(zt.argmax(-1), 3)
    (st * T(np.arange(3.0))).sum().backward()
    sn = F.softmax(zn, -1)
    (npgrad.zeros_like(zn).scatter_(-1, sn.max(-1, keepdim=True)[1], 1.0) - sn.detach() + sn)
    ((npgrad.zeros_like(zn).scatter_(-1, sn.max(-1, keepdim=True)[1], 1.0) - sn.detach() + sn)
     * N(np.arange(3.0))).sum().backward()
    close(zn.grad, zt.grad)


# ---------------------------------------------------------------------------------------------- CTC loss
CTC_CASES = [
    # T, N, C, targets, input_lengths, target_lengths, blank
    (6, 2, 5, [[1, 2, 2], [3, 1, 0]], [6, 5], [3, 2], 0),
    (7, 3, 4, [1, 2, 2, 3, 3, 1], [7, 4, 6], [3, 2, 1], 0),          # concatenated 1-D targets
    (5, 2, 4, [[0, 1], [2, 2]], [5, 5], [2, 0], 3),                  # blank last, an empty target
    (3, 2, 4, [[1, 1, 1], [1, 2, 0]], [3, 3], [3, 2], 0),            # [1, 1, 1] needs 5 steps: infinite loss
    (4, 1, 3, [[1, 2]], [0], [0], 0),                                # empty input and target
]


@pytest.mark.parametrize("case", range(len(CTC_CASES)))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("lengths_as", ["tuple", "tensor"])
def test_ctc_loss_vs_torch(case, reduction, zero_infinity, lengths_as):
    Tn, Nn, C, tg, il, tl, blank = CTC_CASES[case]
    x = np.random.default_rng(case).standard_normal((Tn, Nn, C))
    res = []
    for lib, mk, Fn in ((torch, T, torch.nn.functional), (npgrad, N, F)):
        X = mk(x, grad=True)
        lens = (lib.tensor(il), lib.tensor(tl)) if lengths_as == "tensor" else (tuple(il), tuple(tl))
        out = Fn.ctc_loss(X.log_softmax(2), lib.tensor(tg), *lens, blank=blank, reduction=reduction,
                          zero_infinity=zero_infinity)
        out.sum().backward()
        res.append((out, X.grad, type(out.grad_fn).__name__))
    close(res[1][0], res[0][0], 1e-9)
    assert res[1][2] == res[0][2]
    close(res[1][1], res[0][1], 1e-9)


def test_ctc_loss_raw_gradient_unbatched_float32_and_module():
    # the gradient torch gives for log_probs themselves (see ops/ctc.py), the unbatched form, float32, CTCLoss
    x = np.random.default_rng(0).standard_normal((6, 2, 5))
    tg, il, tl = [[1, 2, 2], [3, 1, 0]], (6, 5), (3, 2)
    xt, xn = T(x, grad=True), N(x, grad=True)
    torch.nn.functional.ctc_loss(xt, torch.tensor(tg), il, tl).backward()
    F.ctc_loss(xn, npgrad.tensor(tg), il, tl).backward()
    close(xn.grad, xt.grad)
    u = x[:, 0]
    close(F.ctc_loss(N(u).log_softmax(1), npgrad.tensor(tg[0]), npgrad.tensor(6), npgrad.tensor(3),
                     reduction="none"),
          torch.nn.functional.ctc_loss(T(u).log_softmax(1), torch.tensor(tg[0]), torch.tensor(6), torch.tensor(3),
                                       reduction="none"))
    a = F.ctc_loss(N(x, npgrad.float32).log_softmax(2), npgrad.tensor(tg), il, tl)
    b = torch.nn.functional.ctc_loss(T(x, torch.float32).log_softmax(2), torch.tensor(tg), il, tl)
    assert a.dtype == npgrad.float32
    close(a, b, 1e-5)
    mt, mn = torch.nn.CTCLoss(blank=4, reduction="sum"), nn.CTCLoss(blank=4, reduction="sum")
    close(mn(N(x).log_softmax(2), npgrad.tensor(tg), il, tl), mt(T(x).log_softmax(2), torch.tensor(tg), il, tl))


def test_ctc_loss_gradcheck_through_log_softmax():
    x = N(np.random.default_rng(1).standard_normal((5, 2, 4)), grad=True)
    tg = npgrad.tensor([[1, 2], [3, 3]])
    for red in ("none", "mean"):
        fn = lambda a: F.ctc_loss(a.log_softmax(2), tg, (5, 4), (2, 2), reduction=red)  # noqa: E731
        assert npgrad.autograd.gradcheck(fn, (x,))


def test_ctc_loss_errors_like_torch():
    x = np.random.default_rng(0).standard_normal((6, 2, 5))
    tg = [[1, 2, 2], [3, 1, 0]]
    for args, kw in [((tg, (7, 5), (3, 2)), {}), ((tg, (6, 5), (4, 2)), {}), ((tg, (6, 5), (3, 2)), {"blank": 5}),
                     ((tg, (6,), (3, 2)), {}), ((tg, (-1, 5), (3, 2)), {}), ((tg, (6, 5), (-1, 2)), {}),
                     (([1, 2, 2, 3], (6, 5), (3, 2)), {})]:
        same_error(lambda: F.ctc_loss(N(x), npgrad.tensor(args[0]), *args[1:], **kw),
                   lambda: torch.nn.functional.ctc_loss(T(x), torch.tensor(args[0]), *args[1:], **kw))


# ---------------------------------------------------------------------------------------------- fractional max pool
FMP_CASES = [(2, (2, 3, 9, 11), 2, (4, 5)), (2, (3, 10, 7), (3, 2), (5, 4)), (3, (2, 2, 7, 8, 9), 2, (3, 4, 5)),
             (2, (1, 2, 6, 6), 3, (1, 4))]


@pytest.mark.parametrize("case", FMP_CASES, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_fractional_max_pool_with_samples_is_torch_exactly(case, dtype):
    nd, shape, k, out = case
    rng = np.random.default_rng(len(shape) + nd)
    x = rng.standard_normal(shape).astype(dtype)
    x.flat[::7] = x.flat[3]                       # ties
    n = 1 if len(shape) == nd + 1 else shape[0]
    u = rng.random((n, shape[-nd - 1], nd)).astype(dtype)
    ft = getattr(torch.nn.functional, f"fractional_max_pool{nd}d")
    fn = getattr(F, f"fractional_max_pool{nd}d")
    xt, xn = torch.tensor(x, requires_grad=True), npgrad.tensor(x, requires_grad=True)
    a, ia = ft(xt, k, output_size=out, return_indices=True, _random_samples=torch.tensor(u))
    b, ib = fn(xn, k, output_size=out, return_indices=True, _random_samples=npgrad.tensor(u))
    np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
    np.testing.assert_array_equal(ib.numpy(), ia.numpy())
    assert ib.dtype == npgrad.int64 and type(b.grad_fn).__name__ == type(a.grad_fn).__name__
    g = rng.standard_normal(tuple(a.shape)).astype(dtype)
    a.backward(torch.tensor(g))
    b.backward(npgrad.tensor(g))
    close(xn.grad, xt.grad, 1e-12 if dtype == "float64" else 1e-6)   # overlapping windows sum in another order
    # the module with the same samples and output_ratio
    ratio = 0.5
    mt = getattr(torch.nn, f"FractionalMaxPool{nd}d")(k, output_ratio=ratio, _random_samples=torch.tensor(u))
    mn = getattr(nn, f"FractionalMaxPool{nd}d")(k, output_ratio=ratio, _random_samples=npgrad.tensor(u))
    assert repr(mn) == repr(mt) and list(mn.state_dict()) == list(mt.state_dict())
    np.testing.assert_array_equal(mn(npgrad.tensor(x)).numpy(), mt(torch.tensor(x)).numpy())


def test_fractional_max_pool_random_structure_and_gradcheck():
    x = N(np.random.default_rng(0).standard_normal((2, 3, 10, 10)), grad=True)
    y, idx = F.fractional_max_pool2d(x, 3, output_ratio=0.5, return_indices=True)
    assert y.shape == (2, 3, 5, 5) and idx.shape == (2, 3, 5, 5)
    flat = x.detach().reshape(2, 3, -1)
    close(y, flat.gather(2, idx.reshape(2, 3, -1)).reshape(2, 3, 5, 5))
    # windows of size 3 starting at non-decreasing rows/cols: each output is the max of its 3x3 window
    r, c = idx.numpy() // 10, idx.numpy() % 10
    assert (np.diff(r, axis=2) >= 0).all() and (np.diff(c, axis=3) >= 0).all()
    u = N(np.random.default_rng(1).random((2, 3, 2)))
    fn = lambda a: F.fractional_max_pool2d(a, 2, output_size=4, _random_samples=u)  # noqa: E731
    assert npgrad.autograd.gradcheck(fn, (x,))
    assert npgrad.autograd.gradgradcheck(fn, (x,))
    for args in [dict(), dict(output_size=3, output_ratio=0.5), dict(output_ratio=1.5)]:
        same_error(lambda: nn.FractionalMaxPool2d(2, **args), lambda: torch.nn.FractionalMaxPool2d(2, **args))
    same_error(lambda: F.fractional_max_pool2d(N(np.zeros((1, 1, 4, 4))), 3, output_size=3),
               lambda: torch.nn.functional.fractional_max_pool2d(T(np.zeros((1, 1, 4, 4))), 3, output_size=3))


# ---------------------------------------------------------------------------------------------- LPPool3d, MaxUnpool3d
def test_lppool3d_and_maxunpool3d_modules_vs_torch():
    x = np.abs(np.random.default_rng(0).standard_normal((2, 2, 4, 4, 6))) + 0.1
    mt, mn = torch.nn.LPPool3d(2, (2, 2, 3)), nn.LPPool3d(2, (2, 2, 3))
    assert repr(mn) == repr(mt)
    xt, xn = T(x, grad=True), N(x, grad=True)
    close(mn(xn), mt(xt))
    mt(xt).sum().backward()
    mn(xn).sum().backward()
    close(xn.grad, xt.grad)
    pt, it = torch.nn.functional.max_pool3d(T(x), 2, return_indices=True)
    pn, in_ = F.max_pool3d(N(x), 2, return_indices=True)
    ut, un = torch.nn.MaxUnpool3d(2), nn.MaxUnpool3d(2)
    assert repr(un) == repr(ut)
    close(un(pn, in_), ut(pt, it))
    close(un(pn, in_, output_size=(5, 5, 7)), ut(pt, it, output_size=(5, 5, 7)))
    import npgrad.nn.modules.pooling as pooling
    assert pooling.FractionalMaxPool2d is nn.FractionalMaxPool2d


# ---------------------------------------------------------------------------------------------- adaptive softmax
@pytest.mark.parametrize("head_bias", [False, True])
@pytest.mark.parametrize("batched", [True, False])
def test_adaptive_log_softmax_vs_torch(head_bias, batched):
    tm = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 12, cutoffs=[3, 7], div_value=2.0, head_bias=head_bias).double()
    nm = nn.AdaptiveLogSoftmaxWithLoss(8, 12, cutoffs=[3, 7], div_value=2.0, head_bias=head_bias).double()
    assert repr(nm) == repr(tm)
    assert {k: tuple(v.shape) for k, v in nm.state_dict().items()} == \
           {k: tuple(v.shape) for k, v in tm.state_dict().items()}
    nm.load_state_dict({k: N(v.numpy()) for k, v in tm.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 8) if batched else 8)
    y = np.array([0, 4, 11, 2, 8, 7]) if batched else np.array(9)
    xt, xn = T(x, grad=True), N(x, grad=True)
    ot, on = tm(xt, torch.tensor(y)), nm(xn, npgrad.tensor(y))
    close(on.output, ot.output)
    close(on.loss, ot.loss)
    ot.loss.backward()
    on.loss.backward()
    close(xn.grad, xt.grad)
    for (k, pt), (k2, pn) in zip(tm.named_parameters(), nm.named_parameters()):
        assert k == k2 and (pn.grad is None) == (pt.grad is None), k
        if pt.grad is not None:
            close(pn.grad, pt.grad)
    xb = x if batched else x[None]      # torch's log_prob/predict fail on a 1-D input (IndexError); npgrad's work
    close(nm.log_prob(N(xb)), tm.log_prob(T(xb)))
    close(nm.predict(N(xb)), tm.predict(T(xb)))
    # rows all in the shortlist / all in the tail: predict's other branches
    xs = rng.standard_normal((20, 8)) * 3
    close(nm.predict(N(xs)), tm.predict(T(xs)))


def test_adaptive_log_softmax_errors_like_torch():
    for args in [(8, 10, []), (8, 10, [5, 3]), (8, 10, [0, 3]), (8, 10, [3, 10]), (8, 10, [3, 3])]:
        same_error(lambda: nn.AdaptiveLogSoftmaxWithLoss(*args), lambda: torch.nn.AdaptiveLogSoftmaxWithLoss(*args))
    tm, nm = torch.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]), nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2])
    for xs, y in [((3, 4), [0, 1, 6]), ((3, 4), [0, 1]), ((4,), [1]), ((3, 4), [[1]])]:
        same_error(lambda: nm(npgrad.zeros(*xs), npgrad.tensor(y)), lambda: tm(torch.zeros(*xs), torch.tensor(y)))
