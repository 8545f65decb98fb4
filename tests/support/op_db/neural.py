"""Op table entries: neural-network ops (``torch.nn.functional``): activations, convolutions, pooling,
normalisation, losses and the rest. ``m.nn.functional`` is npgrad's or torch's."""
import numpy as np

from . import OpInfo, NoGrad, unary, rand

ACT_SHAPES = [(), (5,), (2, 3, 4)]


def _f(name, **kw):
    """``F.<name>(x, **kw)`` on npgrad or torch."""
    return lambda m, *a, **k: getattr(m.nn.functional, name)(*a, **kw, **k)


def _act(name, domain=(-4.0, 4.0), shapes=ACT_SHAPES, gradgrad=True, **kw):
    return OpInfo(f"F.{name}" + "".join(f"_{k}{v}" for k, v in kw.items()), _f(name, **kw),
                  unary(domain, shapes), gradgrad=gradgrad)


def _kinked(rng, dtype, shape, kinks, gap=0.05):
    """Values in (-4, 4) kept ``gap`` away from each kink, so finite differences never straddle one."""
    x = rand(rng, shape, dtype, (-4.0, 4.0))
    for k in kinks:
        close = np.abs(x - k) < gap
        x[close] = (k + np.where(x[close] >= k, gap, -gap)).astype(dtype)
    return x


def _kinked_act(name, kinks, gradgrad=True, **kw):
    def samples(rng, dtype):
        return [((_kinked(rng, dtype, s, kinks),), {}) for s in ACT_SHAPES]
    return OpInfo(f"F.{name}" + "".join(f"_{k}{v}" for k, v in kw.items()), _f(name, **kw), samples,
                  gradgrad=gradgrad)


def _glu_samples(rng, dtype):
    return [((rand(rng, (4,), dtype),), {}), ((rand(rng, (2, 6, 3), dtype),), {"dim": 1}),
            ((rand(rng, (3, 4), dtype),), {"dim": -1})]


def _prelu_samples(rng, dtype):
    return [((_kinked(rng, dtype, (2, 3, 4), [0]), rand(rng, (3,), dtype, (0.1, 0.5))), {}),
            ((_kinked(rng, dtype, (2, 3), [0]), rand(rng, (1,), dtype, (0.1, 0.5))), {}),
            ((_kinked(rng, dtype, (5,), [0]), rand(rng, (1,), dtype, (0.1, 0.5))), {})]


ACTIVATIONS = [
    _kinked_act("relu", [0]),
    _kinked_act("relu6", [0, 6]),
    _kinked_act("hardtanh", [-1, 1]),
    _kinked_act("hardtanh", [-0.5, 2], min_val=-0.5, max_val=2.0),
    _kinked_act("leaky_relu", [0]),
    _kinked_act("leaky_relu", [0], negative_slope=0.2),
    _kinked_act("elu", [0]),
    _kinked_act("elu", [0], alpha=0.5),
    _kinked_act("selu", [0]),
    _kinked_act("celu", [0], alpha=2.0),
    _act("gelu"),
    _act("gelu", approximate="tanh"),
    _act("silu"),
    _act("mish"),
    _act("softplus"),
    _kinked_act("softplus", [1.0], beta=2.0, threshold=2.0),
    _act("logsigmoid", domain=(-30.0, 30.0)),
    _kinked_act("hardsigmoid", [-3, 3]),
    _kinked_act("hardswish", [-3, 3]),
    _act("softsign"),
    _act("tanhshrink"),
    _kinked_act("softshrink", [-0.5, 0.5]),
    _kinked_act("softshrink", [-1, 1], lambd=1.0),
    _kinked_act("hardshrink", [-0.5, 0.5]),
    _kinked_act("threshold", [0.5], threshold=0.5, value=-2.0),
    _act("sigmoid"),
    _act("tanh"),
    OpInfo("F.glu", _f("glu"), _glu_samples),
    OpInfo("F.prelu", _f("prelu"), _prelu_samples),
    OpInfo("F.rrelu_eval", _f("rrelu"), lambda rng, dt: [((_kinked(rng, dt, s, [0]),), {}) for s in ACT_SHAPES]),
]


# ---------------------------------------------------------------------------------------------- convolution
def _conv_samples(nd, transposed=False):
    """(input, weight, bias?) with kwargs for 1-3 spatial dims; small enough for float64 gradgradcheck."""
    def samples(rng, dtype):
        n, c = (2, 4) if nd < 3 else (1, 2)
        sp = {1: (7,), 2: (5, 4), 3: (3, 3, 2)}[nd]
        k = {1: (3,), 2: (3, 2), 3: (2, 2, 1)}[nd]
        out = []
        if transposed:   # weight (C_in, C_out / groups, *k)
            sp = sp[:-1] + (2,) if nd == 3 else sp
            x = rand(rng, (n, c) + sp, dtype)
            out.append(((x, rand(rng, (c, 3) + k, dtype), rand(rng, (3,), dtype)), {}))
            out.append(((x, rand(rng, (c, 1) + k, dtype), rand(rng, (2,), dtype)),
                        {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}))
            out.append(((x, rand(rng, (c, 2) + k, dtype)), {"stride": (3,) * nd, "dilation": 2, "output_padding": 1}))
            out.append(((x[0], rand(rng, (c, 2) + k, dtype)), {}))
            return out
        x = rand(rng, (n, c) + sp, dtype)
        out.append(((x, rand(rng, (3, c) + k, dtype), rand(rng, (3,), dtype)), {}))
        out.append(((x, rand(rng, (4, c // 2) + k, dtype), rand(rng, (4,), dtype)), {"stride": 2, "padding": 1,
                                                                                      "groups": 2}))
        out.append(((x, rand(rng, (2, c) + k, dtype)), {"padding": "same", "dilation": 2}))
        out.append(((x, rand(rng, (2, c) + k, dtype)), {"padding": "valid", "stride": (2,) + (1,) * (nd - 1)}))
        out.append(((x[0], rand(rng, (2, c) + k, dtype)), {"padding": 1}))
        return out
    return samples


def _conv_op(name):
    return lambda m, x, w, b=None, **kw: getattr(m.nn.functional, name)(x, w, b, **kw)


CONV = [
    OpInfo("F.conv1d", _conv_op("conv1d"), _conv_samples(1)),
    OpInfo("F.conv2d", _conv_op("conv2d"), _conv_samples(2)),
    OpInfo("F.conv3d", _conv_op("conv3d"), _conv_samples(3)),
    OpInfo("F.conv_transpose1d", _conv_op("conv_transpose1d"), _conv_samples(1, True)),
    OpInfo("F.conv_transpose2d", _conv_op("conv_transpose2d"), _conv_samples(2, True)),
    OpInfo("F.conv_transpose3d", _conv_op("conv_transpose3d"), _conv_samples(3, True)),
    OpInfo("torch.conv2d", lambda m, x, w, b: m.conv2d(x, w, b, 1, 1), lambda rng, dt: _conv_samples(2)(rng, dt)[:1]),
]


# ---------------------------------------------------------------------------------------------- pooling
def _distinct(rng, shape, dtype):
    """Values at least 0.05 apart (a shuffled grid): no ties for max pooling, even under finite differences."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) * 0.05 - n * 0.025).astype(dtype)


def _pool_samples(nd, configs, distinct=True):
    def samples(rng, dtype):
        sp = {1: (9,), 2: (6, 5), 3: (3, 4, 3)}[nd]
        nc = (1, 2) if nd == 3 else (2, 2)
        make = _distinct if distinct else (lambda r, s, d: rand(r, s, d))
        out = [((make(rng, nc + sp, dtype),), dict(kw)) for kw in configs]
        out.append(((make(rng, (2,) + sp, dtype),), dict(configs[0])))   # unbatched
        return out
    return samples


def _with_indices(name):
    return lambda m, x, **kw: getattr(m.nn.functional, name)(x, return_indices=True, **kw)


_MAX_CFG = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
            {"kernel_size": 2, "stride": 1, "dilation": 2}, {"kernel_size": 3, "stride": 2, "ceil_mode": True}]
_AVG_CFG = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
            {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
            {"kernel_size": 2, "stride": 1, "ceil_mode": True}]


def _unpool_samples(nd):
    def samples(rng, dtype):
        sp = {1: (8,), 2: (4, 6), 3: (4, 2, 2)}[nd]
        return [((_distinct(rng, (2, 2 if nd < 3 else 1) + sp, dtype),), {"kernel_size": 2}),
                ((_distinct(rng, (1, 2) + sp, dtype),), {"kernel_size": 2, "stride": 2})]
    return samples


def _unpool(nd):
    def fn(m, x, **kw):
        F = m.nn.functional
        y, i = getattr(F, f"max_pool{nd}d")(x, return_indices=True, **kw)
        return getattr(F, f"max_unpool{nd}d")(y, i, output_size=x.shape[2:], **kw)
    return fn


def _adaptive_samples(nd, sizes):
    def samples(rng, dtype):
        sp = {1: (7,), 2: (5, 7), 3: (3, 4, 3)}[nd]
        nc = (1, 2) if nd == 3 else (2, 2)
        out = [((_distinct(rng, nc + sp, dtype),), {"output_size": s}) for s in sizes]
        out.append(((_distinct(rng, (2,) + sp, dtype),), {"output_size": sizes[0]}))
        return out
    return samples


POOL = [
    OpInfo("F.max_pool1d", _with_indices("max_pool1d"), _pool_samples(1, _MAX_CFG)),
    OpInfo("F.max_pool2d", _with_indices("max_pool2d"), _pool_samples(2, _MAX_CFG)),
    OpInfo("F.max_pool2d_values", _f("max_pool2d"), _pool_samples(2, _MAX_CFG[:2])),
    OpInfo("F.max_pool3d", _with_indices("max_pool3d"), _pool_samples(3, _MAX_CFG[:2])),
    OpInfo("F.avg_pool1d", _f("avg_pool1d"), _pool_samples(1, _AVG_CFG, False)),
    OpInfo("F.avg_pool2d", _f("avg_pool2d"), _pool_samples(2, _AVG_CFG + [{"kernel_size": 2, "divisor_override": 3}],
                                                             False)),
    OpInfo("F.avg_pool3d", _f("avg_pool3d"), _pool_samples(3, _AVG_CFG[:3], False)),
    OpInfo("F.lp_pool2d", _f("lp_pool2d"), lambda rng, dt: [((rand(rng, (2, 2, 4, 5), dt, (0.5, 2)), 2.0, 2), {}),
                                                           ((rand(rng, (1, 2, 5, 5), dt, (0.5, 2)), 3.0, (2, 3)),
                                                            {"stride": 1})]),
    OpInfo("F.lp_pool1d", _f("lp_pool1d"), lambda rng, dt: [((rand(rng, (2, 2, 7), dt, (0.5, 2)), 1.5, 3), {})]),
    OpInfo("F.adaptive_avg_pool1d", _f("adaptive_avg_pool1d"), _adaptive_samples(1, [3, 1, 7])),
    OpInfo("F.adaptive_avg_pool2d", _f("adaptive_avg_pool2d"), _adaptive_samples(2, [(2, 3), 1, (None, 4), 6])),
    OpInfo("F.adaptive_avg_pool3d", _f("adaptive_avg_pool3d"), _adaptive_samples(3, [(2, 2, 3), 1])),
    OpInfo("F.adaptive_max_pool1d", _with_indices("adaptive_max_pool1d"), _adaptive_samples(1, [3, 1])),
    OpInfo("F.adaptive_max_pool2d", _with_indices("adaptive_max_pool2d"), _adaptive_samples(2, [(2, 3), 1, (4, 6)])),
    OpInfo("F.adaptive_max_pool3d", _with_indices("adaptive_max_pool3d"), _adaptive_samples(3, [(2, 2, 3)])),
    OpInfo("F.max_unpool1d", _unpool(1), _unpool_samples(1)),
    OpInfo("F.max_unpool2d", _unpool(2), _unpool_samples(2)),
    OpInfo("F.max_unpool3d", _unpool(3), _unpool_samples(3)),
]


# ---------------------------------------------------------------------------------------------- normalisation
def _bn_samples(rng, dtype):
    x = rand(rng, (3, 2, 2, 2), dtype)
    rm, rv = NoGrad(rand(rng, (2,), dtype)), NoGrad(rand(rng, (2,), dtype, (0.5, 2)))
    w, b = rand(rng, (2,), dtype), rand(rng, (2,), dtype)
    return [((x, None, None, w, b), {"training": True}),
            ((x, rm, rv, w, b), {"training": True, "momentum": 0.3}),
            ((x, rm, rv, w, b), {"training": False}),
            ((x[:, :, 0, 0], None, None), {"training": True}),
            ((rand(rng, (4, 2, 3), dtype), rm, rv), {"training": False, "eps": 0.1})]


def _bn(m, x, rm, rv, *a, **kw):
    return m.nn.functional.batch_norm(x, rm, rv, *a, **kw)


def _ln_samples(rng, dtype):
    x = rand(rng, (2, 3, 4), dtype)
    return [((x, (4,), rand(rng, (4,), dtype), rand(rng, (4,), dtype)), {}),
            ((x, (3, 4)), {"eps": 0.1}),
            ((x[0], (3, 4), rand(rng, (3, 4), dtype)), {})]


def _gn_samples(rng, dtype):
    x = rand(rng, (2, 4, 3), dtype)
    return [((x, 2, rand(rng, (4,), dtype), rand(rng, (4,), dtype)), {}),
            ((x, 4), {}), ((rand(rng, (3, 2, 2, 2), dtype), 1), {"eps": 0.1})]


def _in_samples(rng, dtype):
    x = rand(rng, (2, 3, 4), dtype)
    return [((x,), {}), ((x, None, None, rand(rng, (3,), dtype), rand(rng, (3,), dtype)), {}),
            ((x, NoGrad(rand(rng, (3,), dtype)), NoGrad(rand(rng, (3,), dtype, (0.5, 2)))), {}),
            ((x, NoGrad(rand(rng, (3,), dtype)), NoGrad(rand(rng, (3,), dtype, (0.5, 2)))),
             {"use_input_stats": False})]


def _pair_samples(rng, dtype):
    a = rand(rng, (3, 4), dtype)
    return [((a, rand(rng, (3, 4), dtype)), {}), ((a, rand(rng, (4,), dtype)), {"dim": -1}),
            ((rand(rng, (2, 3, 2), dtype), rand(rng, (2, 3, 2), dtype)), {"dim": 1, "eps": 0.1})]


def _pdist_samples(rng, dtype):
    a = rand(rng, (3, 4), dtype)
    return [((a, rand(rng, (3, 4), dtype)), {}), ((a, rand(rng, (4,), dtype)), {"p": 1.0}),
            ((a, rand(rng, (3, 4), dtype)), {"p": 3.0, "keepdim": True}),
            ((rand(rng, (4,), dtype), rand(rng, (4,), dtype)), {})]


NORM = [
    OpInfo("F.batch_norm", _bn, _bn_samples),
    OpInfo("F.layer_norm", _f("layer_norm"), _ln_samples),
    OpInfo("F.group_norm", _f("group_norm"), _gn_samples),
    OpInfo("F.instance_norm", _f("instance_norm"), _in_samples),
    OpInfo("F.rms_norm", _f("rms_norm"), lambda rng, dt: [((rand(rng, (2, 3, 4), dt), (4,), rand(rng, (4,), dt)), {}),
                                                         ((rand(rng, (2, 3, 4), dt), (3, 4)), {"eps": 0.1})]),
    OpInfo("F.local_response_norm", _f("local_response_norm"),
           lambda rng, dt: [((rand(rng, (2, 5, 3), dt), 3), {}), ((rand(rng, (1, 4, 2, 3), dt), 2), {"k": 2.0})]),
    OpInfo("F.normalize", _f("normalize"), lambda rng, dt: [((rand(rng, (3, 4), dt),), {}),
                                                           ((rand(rng, (2, 3, 2), dt),), {"p": 1.0, "dim": -1}),
                                                           ((rand(rng, (5,), dt),), {"dim": 0})]),
    OpInfo("F.cosine_similarity", _f("cosine_similarity"), _pair_samples),
    # torch's pairwise_distance calls aten::norm (NormBackward1) where torch.norm goes through linalg.vector_norm
    # (LinalgVectorNormBackward0); npgrad has the one vector norm, so only values and gradients are compared
    OpInfo("F.pairwise_distance", _f("pairwise_distance"), _pdist_samples, check_name=False),
]


# ---------------------------------------------------------------------------------------------- losses
REDS = ("mean", "sum", "none")


def _each_reduction(base, first=None):
    """The samples of ``base`` once per reduction (the first ``first`` of them; the rest with 'mean' only)."""
    def samples(rng, dtype):
        base_samples = base(rng, dtype)
        k = len(base_samples) if first is None else first
        out = [(args, dict(kw, reduction=r)) for r in REDS for args, kw in base_samples[:k]]
        return out + [(args, dict(kw, reduction="mean")) for args, kw in base_samples[k:]]
    return samples


def _reg(rng, dtype):
    return [((rand(rng, (3, 4), dtype), rand(rng, (3, 4), dtype)), {}),
            ((rand(rng, (2, 3), dtype), rand(rng, (3,), dtype)), {})]


def _probs(rng, shape, dtype, axis=1):
    p = rng.uniform(0.1, 1.0, shape)
    return (p / p.sum(axis, keepdims=True)).astype(dtype)


def _ce_samples(rng, dtype):
    x = rand(rng, (4, 5), dtype)
    t = np.array([1, 0, 4, 2])
    w = NoGrad(rand(rng, (5,), dtype, (0.5, 2)))
    return [((x, t), {}), ((x, t, w), {}), ((x, t), {"ignore_index": 4}), ((x, t), {"label_smoothing": 0.2}),
            ((x, t, w), {"label_smoothing": 0.3, "ignore_index": 0}),
            ((rand(rng, (2, 3, 2, 2), dtype), rng.integers(0, 3, (2, 2, 2))), {}),
            ((rand(rng, (2, 3, 4), dtype), rng.integers(0, 3, (2, 4))), {"label_smoothing": 0.1}),
            ((rand(rng, (5,), dtype), np.array(3)), {}),
            ((x, NoGrad(_probs(rng, (4, 5), dtype))), {}),
            ((x, NoGrad(_probs(rng, (4, 5), dtype)), w), {"label_smoothing": 0.1})]


def _nll_samples(rng, dtype):
    x = rand(rng, (4, 5), dtype)
    t = np.array([1, 0, 4, 2])
    return [((x, t), {}), ((x, t, NoGrad(rand(rng, (5,), dtype, (0.5, 2)))), {"ignore_index": 1}),
            ((rand(rng, (2, 3, 2, 2), dtype), rng.integers(0, 3, (2, 2, 2))), {}),
            ((rand(rng, (2, 3, 2, 1, 2), dtype), rng.integers(0, 3, (2, 2, 1, 2))), {})]


def _bce_samples(rng, dtype):
    p = rng.uniform(0.05, 0.95, (3, 4)).astype(dtype)
    t = rng.uniform(0, 1, (3, 4)).astype(dtype)
    return [((p, t), {}), ((p, t, NoGrad(rand(rng, (4,), dtype, (0.5, 2)))), {})]


def _bcel_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype, (-3, 3))
    t = rng.uniform(0, 1, (3, 4)).astype(dtype)
    return [((x, t), {}), ((x, t, None, NoGrad(rand(rng, (4,), dtype, (0.5, 2)))), {}),
            ((x, t, NoGrad(rand(rng, (3, 1), dtype, (0.5, 2)))), {})]


def _bcel(m, x, t, w=None, pos_weight=None, **kw):
    return m.nn.functional.binary_cross_entropy_with_logits(x, t, w, pos_weight=pos_weight, **kw)


def _kl_samples(rng, dtype):
    x = np.log(_probs(rng, (3, 4), dtype))
    return [((x, _probs(rng, (3, 4), dtype)), {}), ((x, np.log(_probs(rng, (3, 4), dtype))), {"log_target": True})]


def _sign(rng, shape, dtype):
    return NoGrad(np.where(rng.uniform(size=shape) > 0.5, 1.0, -1.0).astype(dtype))


def _cosine_distance(a, b):
    """A user distance built from public ops (the same code runs on npgrad and torch tensors)."""
    return 1 - (a * b).sum(-1) / ((a * a).sum(-1) * (b * b).sum(-1)).sqrt()


def _margin(name, make):
    return OpInfo(f"F.{name}", _f(name), _each_reduction(make))


LOSSES = [
    OpInfo("F.mse_loss", _f("mse_loss"), _each_reduction(_reg)),
    OpInfo("F.l1_loss", _f("l1_loss"), _each_reduction(_reg)),
    OpInfo("F.smooth_l1_loss", _f("smooth_l1_loss"),
           _each_reduction(lambda r, d: [(a, {"beta": 0.7}) for a, _ in _reg(r, d)])),
    OpInfo("F.huber_loss", _f("huber_loss"), _each_reduction(lambda r, d: [(a, {"delta": 0.6}) for a, _ in _reg(r, d)])),
    OpInfo("F.cross_entropy", _f("cross_entropy"), _each_reduction(_ce_samples, 5)),
    OpInfo("F.nll_loss", _f("nll_loss"), _each_reduction(_nll_samples)),
    OpInfo("F.binary_cross_entropy", _f("binary_cross_entropy"), _each_reduction(_bce_samples)),
    OpInfo("F.binary_cross_entropy_with_logits", _bcel, _each_reduction(_bcel_samples)),
    OpInfo("F.kl_div", _f("kl_div"),
           lambda rng, dt: [(a, dict(kw, reduction=r)) for r in ("batchmean", "sum", "none")
                            for a, kw in _kl_samples(rng, dt)]),
    _margin("cosine_embedding_loss", lambda r, d: [((rand(r, (3, 4), d), rand(r, (3, 4), d), _sign(r, (3,), d)),
                                                    {"margin": 0.1})]),
    _margin("margin_ranking_loss", lambda r, d: [((rand(r, (5,), d), rand(r, (5,), d), _sign(r, (5,), d)),
                                                  {"margin": 0.2})]),
    _margin("hinge_embedding_loss", lambda r, d: [((_kinked(r, d, (3, 4), [1.0]), _sign(r, (3, 4), d)), {})]),
    _margin("soft_margin_loss", lambda r, d: [((rand(r, (3, 4), d), _sign(r, (3, 4), d)), {})]),
    _margin("triplet_margin_loss", lambda r, d: [((rand(r, (3, 4), d), rand(r, (3, 4), d), rand(r, (3, 4), d)), {}),
                                                 ((rand(r, (3, 4), d), rand(r, (3, 4), d), rand(r, (3, 4), d)),
                                                  {"swap": True, "p": 1.0, "margin": 3.0})]),
    _margin("triplet_margin_with_distance_loss",
            lambda r, d: [((rand(r, (3, 4), d), rand(r, (3, 4), d), rand(r, (3, 4), d)), {"swap": True}),
                          ((rand(r, (3, 4), d), rand(r, (3, 4), d), rand(r, (3, 4), d)),
                           {"distance_function": _cosine_distance, "margin": 0.5})]),
    _margin("poisson_nll_loss", lambda r, d: [((rand(r, (3, 4), d), rand(r, (3, 4), d, (0, 3))), {}),
                                              ((rand(r, (3, 4), d, (0.5, 2)), rand(r, (3, 4), d, (0, 3))),
                                               {"log_input": False, "full": True})]),
    _margin("gaussian_nll_loss", lambda r, d: [((rand(r, (3, 4), d), rand(r, (3, 4), d), rand(r, (3, 4), d, (0.2, 2))),
                                                {}),
                                               ((rand(r, (3, 4), d), rand(r, (3, 4), d), rand(r, (3, 1), d, (0.2, 2))),
                                                {"full": True})]),
    _margin("multilabel_soft_margin_loss", lambda r, d: [((rand(r, (3, 4), d),
                                                           NoGrad((r.uniform(size=(3, 4)) > 0.5).astype(d))), {})]),
]


# ---------------------------------------------------------------------------------------------- the rest
def _pad_samples(rng, dtype):
    out = []
    for mode in ("constant", "reflect", "replicate", "circular"):
        out.append(((rand(rng, (2, 2, 5), dtype), (1, 2)), {"mode": mode}))
        out.append(((rand(rng, (1, 2, 4, 3), dtype), (2, 1, 0, 2)), {"mode": mode}))
        out.append(((rand(rng, (1, 1, 2, 3, 3), dtype), (1, 1, 0, 1, 1, 0)), {"mode": mode}))
    out.append(((rand(rng, (2, 4, 3), dtype), (1, -1, -2, 1)), {"value": 2.5}))
    out.append(((rand(rng, (2, 6), dtype), (-1, 2)), {"mode": "circular"}))
    return out


def _interp_samples(rng, dtype):
    x1, x2, x3 = rand(rng, (1, 2, 5), dtype), rand(rng, (1, 2, 3, 4), dtype), rand(rng, (1, 1, 2, 3, 2), dtype)
    return [((x1,), {"scale_factor": 2}), ((x1,), {"size": 7, "mode": "linear"}),
            ((x1,), {"size": 3, "mode": "linear", "align_corners": True}),
            ((x2,), {"size": (5, 7), "mode": "bilinear"}), ((x2,), {"scale_factor": 1.5, "mode": "bilinear"}),
            ((x2,), {"size": (2, 6), "mode": "bilinear", "align_corners": True}),
            ((x2,), {"size": (4, 5), "mode": "bicubic"}), ((x2,), {"scale_factor": 2, "mode": "nearest-exact"}),
            ((x2,), {"size": (2, 3), "mode": "area"}), ((x2,), {"scale_factor": 1.7}),
            ((x3,), {"scale_factor": 2, "mode": "trilinear"}), ((x3,), {"size": (3, 2, 3)})]


def _embedding_samples(rng, dtype):
    w = rand(rng, (5, 3), dtype)
    idx = np.array([[0, 2, 4], [2, 2, 1]])
    return [((idx, w), {}), ((np.array(1), w), {}), ((np.array([[[3]]]), w), {})]


def _embedding_bag_samples(rng, dtype):
    w = rand(rng, (6, 3), dtype)
    idx, off = np.array([1, 2, 2, 5, 0, 3, 3]), np.array([0, 3, 3, 5])
    return [((idx, w, off), {"mode": "sum"}), ((idx, w, off), {"mode": "mean"}), ((idx, w, off), {"mode": "max"}),
            ((np.array([[0, 2, 4], [2, 2, 1]]), w), {"mode": "mean", "padding_idx": 2})]


def _affine_grid_samples(rng, dtype):
    return [((rand(rng, (2, 2, 3), dtype),), {"size": (2, 1, 3, 4), "align_corners": False}),
            ((rand(rng, (1, 3, 4), dtype),), {"size": (1, 2, 2, 3, 2), "align_corners": True})]


def _grid_sample_samples(rng, dtype):
    x, g = rand(rng, (1, 2, 4, 5), dtype), rand(rng, (1, 3, 2, 2), dtype, (-1.2, 1.2))
    x3, g3 = rand(rng, (1, 1, 3, 3, 3), dtype), rand(rng, (1, 2, 2, 2, 3), dtype, (-1.2, 1.2))
    return [((x, g), {"align_corners": False}), ((x, g), {"padding_mode": "border", "align_corners": True}),
            ((x, g), {"padding_mode": "reflection", "align_corners": False}),
            ((x3, g3), {"padding_mode": "zeros", "align_corners": False}),
            ((x, g), {"mode": "nearest", "padding_mode": "border", "align_corners": False}),
            ((x, g), {"mode": "bicubic", "padding_mode": "zeros", "align_corners": False}),
            ((x, g), {"mode": "bicubic", "padding_mode": "border", "align_corners": True}),
            ((x, g), {"mode": "bicubic", "padding_mode": "reflection", "align_corners": False}),
            ((x, g), {"mode": "bicubic", "padding_mode": "reflection", "align_corners": True})]


def _multi_margin_samples(rng, dtype):
    x = rand(rng, (4, 5), dtype)
    y = np.array([0, 3, 4, 1])
    return [((x, y), {}), ((x, y), {"p": 2, "margin": 0.5, "reduction": "sum"}), ((x, y), {"reduction": "none"})]


def _multilabel_margin_samples(rng, dtype):
    x = rand(rng, (3, 4), dtype)
    y = np.array([[3, 0, -1, 1], [1, -1, 0, 0], [2, 1, 0, 3]])
    return [((x, y), {}), ((x, y), {"reduction": "none"}), ((x[0], y[0]), {"reduction": "sum"})]


def _ctc_samples(rng, dtype):
    lp = rand(rng, (6, 2, 5), dtype, (-3.0, -0.1))
    return [((lp, np.array([[1, 2, 2], [3, 1, 0]]), np.array([6, 5]), np.array([3, 2])), {}),
            ((lp, np.array([[1, 2, 2], [3, 1, 0]]), np.array([6, 5]), np.array([3, 2])), {"reduction": "none"})]


def _embedding_options(rng, dtype):
    w = rand(rng, (5, 3), dtype)
    return [((np.array([[0, 2, 4], [2, 2, 1]]), w), {"padding_idx": 2}),
            ((np.array([4, 4, 0]), w), {"scale_grad_by_freq": True}),
            ((np.array([1, 4]), w), {"padding_idx": -1, "scale_grad_by_freq": True})]


def _linear_samples(rng, dtype):
    w, b = rand(rng, (3, 4), dtype), rand(rng, (3,), dtype)
    return [((rand(rng, (2, 4), dtype), w, b), {}), ((rand(rng, (2, 4), dtype), w), {}),
            ((rand(rng, (2, 2, 4), dtype), w, b), {}), ((rand(rng, (4,), dtype), w, b), {}),
            ((rand(rng, (2, 4), dtype), rand(rng, (4,), dtype)), {})]


def _bilinear_samples(rng, dtype):
    return [((rand(rng, (3, 2), dtype), rand(rng, (3, 4), dtype), rand(rng, (2, 2, 4), dtype),
              rand(rng, (2,), dtype)), {}),
            ((rand(rng, (2, 2, 2), dtype), rand(rng, (2, 2, 3), dtype), rand(rng, (3, 2, 3), dtype)), {})]


def _sdpa_samples(rng, dtype):
    q, k, v = rand(rng, (1, 2, 3, 4), dtype), rand(rng, (1, 2, 5, 4), dtype), rand(rng, (1, 2, 5, 3), dtype)
    mask = np.ones((3, 5), bool)
    mask[0, 1:] = False
    return [((q, k, v), {}), ((q, k, v), {"is_causal": True}), ((q, k, v, mask), {}),
            ((q, k, v, NoGrad(rand(rng, (3, 5), dtype))), {"scale": 0.3})]


MISC = [
    OpInfo("F.pad", _f("pad"), _pad_samples),
    OpInfo("F.interpolate", _f("interpolate"), _interp_samples),
    OpInfo("F.unfold", _f("unfold"), lambda rng, dt: [((rand(rng, (2, 2, 4, 5), dt), (2, 3)), {}),
                                                     ((rand(rng, (2, 4, 4), dt), 2),
                                                      {"stride": (2, 1), "padding": 1, "dilation": (1, 2)})]),
    OpInfo("F.fold", _f("fold"), lambda rng, dt: [((rand(rng, (2, 8, 9), dt), (4, 4), 2), {}),
                                                 ((rand(rng, (6, 9), dt), (4, 5), (2, 3)),
                                                  {"stride": (2, 1), "padding": 1, "dilation": (1, 2)})]),
    OpInfo("F.pixel_shuffle", _f("pixel_shuffle"), lambda rng, dt: [((rand(rng, (2, 8, 2, 3), dt), 2), {})]),
    OpInfo("F.pixel_unshuffle", _f("pixel_unshuffle"), lambda rng, dt: [((rand(rng, (1, 2, 4, 6), dt), 2), {})]),
    OpInfo("F.embedding", _f("embedding"), _embedding_samples),
    # padding_idx's row gets no gradient although the forward reads it, and scale_grad_by_freq rescales by
    # counts: by design neither is the derivative, so only torch's gradients (not finite differences) apply
    OpInfo("F.embedding_options", _f("embedding"), _embedding_options, gradcheck=False, gradgrad=False),
    OpInfo("F.linear", _f("linear"), _linear_samples),
    OpInfo("F.bilinear", _f("bilinear"), _bilinear_samples),
    # torch picks a fused kernel (ScaledDotProductFlashAttentionForCpuBackward0) or its math path depending on
    # shapes and masks; npgrad always records the math path, so the node name is not compared
    OpInfo("F.scaled_dot_product_attention", _f("scaled_dot_product_attention"), _sdpa_samples, check_name=False),
    OpInfo("F.dropout_eval", _f("dropout"), lambda rng, dt: [((rand(rng, (2, 3), dt),), {"training": False}),
                                                            ((rand(rng, (2, 3), dt),), {"p": 0.0})]),
    OpInfo("F.softmin", _f("softmin"), lambda rng, dt: [((rand(rng, (2, 3), dt),), {"dim": 1}),
                                                       ((rand(rng, (4,), dt),), {"dim": 0})]),
    OpInfo("F.log_softmax", _f("log_softmax"), lambda rng, dt: [((rand(rng, (2, 3), dt),), {"dim": -1})]),
    # issue 13's nn ops
    OpInfo("F.embedding_bag", _f("embedding_bag"), _embedding_bag_samples),
    OpInfo("F.channel_shuffle", _f("channel_shuffle"), lambda rng, dt: [((rand(rng, (2, 6, 3), dt), 3), {}),
                                                                       ((rand(rng, (1, 4, 2, 2), dt), 2), {})]),
    OpInfo("F.affine_grid", _f("affine_grid"), _affine_grid_samples),
    # double backward as torch 2.13's (GridSampler2DBackwardBackward0): the backward runs as recorded ops
    OpInfo("F.grid_sample", _f("grid_sample"), _grid_sample_samples),
    OpInfo("F.multi_margin_loss", _f("multi_margin_loss"), _multi_margin_samples),
    OpInfo("F.multilabel_margin_loss", _f("multilabel_margin_loss"), _multilabel_margin_samples),
    # torch's CTC gradient is the one with respect to the logits of a log_softmax (not of log_probs alone), so
    # only torch's gradients apply; tests/nn/test_nn_extra.py gradchecks it through log_softmax
    OpInfo("F.ctc_loss", _f("ctc_loss"), _ctc_samples, gradcheck=False, gradgrad=False),
    OpInfo("F.one_hot", _f("one_hot"), lambda rng, dt: [((np.array([[0, 3], [2, 2]]),), {}),
                                                       ((np.array([1, 0]),), {"num_classes": 4})],
           dtypes=(np.int64,), grad=False, gradcheck=False, gradgrad=False),
]

OPS = ACTIVATIONS + CONV + POOL + NORM + LOSSES + MISC
