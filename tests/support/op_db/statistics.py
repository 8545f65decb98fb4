"""Op table entries: cdist, pdist, dist, cov, corrcoef, quantile, nanquantile, trapezoid, cumulative_trapezoid,
gradient, logcumsumexp."""
import numpy as np

from . import OpInfo, NoGrad, unary, rand

NO_FD = dict(gradcheck=False, gradgrad=False)


def _two(sa, sb, domain=(-2.0, 2.0)):
    def samples(rng, dtype):
        return [((rand(rng, sa, dtype, domain), rand(rng, sb, dtype, domain)), {})]
    return samples


def _cdist(rng, dtype):
    return [((rand(rng, (4, 3), dtype), rand(rng, (5, 3), dtype)), {}),
            ((rand(rng, (2, 3, 2), dtype), rand(rng, (1, 4, 2), dtype)), {})]


def _cdist_zero(rng, dtype):
    a = rand(rng, (3, 2), dtype)
    return [((a, np.concatenate([a[:1], rand(rng, (1, 2), dtype)])), {})]


def _quant(rng, dtype):
    x = rand(rng, (3, 5), dtype)
    return [((x,), {"q": 0.3}), ((x,), {"q": 0.5, "dim": 1}), ((x,), {"q": 0.75, "dim": 0, "keepdim": True}),
            ((x,), {"q": 1.0}), ((x,), {"q": 0.0, "dim": -1})]


def _quant_interp(rng, dtype):
    x = rand(rng, (2, 6), dtype)
    return [((x,), {"q": 0.35, "dim": 1, "interpolation": k}) for k in ("lower", "higher", "midpoint", "nearest")]


def _nan_quant(rng, dtype):
    x = rand(rng, (3, 5), dtype)
    x[0, 1] = np.nan
    x[2, :] = np.nan
    return [((x,), {"q": 0.4, "dim": 1}), ((x,), {"q": 0.4})]


def _grad_y(rng, dtype):
    return [((rand(rng, (3, 5), dtype),), {}), ((rand(rng, (6,), dtype),), {"spacing": 2.0}),
            ((rand(rng, (4, 5), dtype),), {"dim": 1, "edge_order": 2}),
            ((rand(rng, (4, 5), dtype),), {"spacing": (0.5, 2.0)})]


OPS = [
    OpInfo("cdist", lambda m, a, b: (m.cdist(a, b), m.cdist(a, b, p=1), m.cdist(a, b, p=3), m.cdist(a, b, p=0.5)),
           _cdist),
    OpInfo("cdist_inf", lambda m, a, b: m.cdist(a, b, p=float("inf")), _cdist, gradgrad=False),
    OpInfo("cdist_p0", lambda m, a, b: m.cdist(a, b, p=0), _cdist, **NO_FD),
    OpInfo("cdist_zero_distance", lambda m, a, b: (m.cdist(a, b), m.cdist(a, b, p=1.5)), _cdist_zero, **NO_FD),
    OpInfo("pdist", lambda m, a: (m.pdist(a), m.pdist(a, 1), m.pdist(a, 3)), unary(shapes=[(4, 3)])),
    OpInfo("dist", lambda m, a, b: (m.dist(a, b), a.dist(b, 1), m.dist(a, b, 3), m.dist(a, b, float("inf"))),
           _two((2, 3), (3,)), gradgrad=False),
    OpInfo("dist_p2_gradgrad", lambda m, a, b: m.dist(a, b), _two((2, 3), (3,))),
    OpInfo("dist_zero", lambda m, a: (m.dist(a, a.detach()), m.dist(a, a.detach(), 1)), unary(shapes=[(3,)]),
           **NO_FD),
    OpInfo("cov", lambda m, a: (m.cov(a), a.cov(correction=0)), unary(shapes=[(3, 5), (4,)]), check_name=False),
    OpInfo("cov_weights", lambda m, a, aw: m.cov(a, fweights=m.tensor([1, 2, 1, 3, 1]), aweights=aw),
           lambda rng, dt: [((rand(rng, (2, 5), dt), NoGrad(rand(rng, (5,), dt, (0.5, 2)))), {})],
           check_name=False),
    OpInfo("corrcoef", lambda m, a: m.corrcoef(a), unary(shapes=[(3, 5)])),
    OpInfo("quantile", lambda m, a, **kw: m.quantile(a, **kw), _quant, check_name=False),
    OpInfo("quantile_tensor_q", lambda m, a, q: (m.quantile(a, q, dim=1), a.quantile(q, 0, True)),
           lambda rng, dt: [((rand(rng, (3, 4), dt), NoGrad(np.array([0.1, 0.5, 0.9], dt))), {})],
           check_name=False),
    OpInfo("quantile_interpolation", lambda m, a, **kw: m.quantile(a, **kw), _quant_interp, check_name=False),
    OpInfo("quantile_nan", lambda m, a, **kw: m.quantile(a, **kw), _nan_quant, check_name=False, **NO_FD),
    OpInfo("nanquantile", lambda m, a, **kw: (m.nanquantile(a, **kw), a.nanquantile(**kw)), _nan_quant,
           check_name=False, **NO_FD),
    OpInfo("nanquantile_fd", lambda m, a: m.nanquantile(a, 0.3, dim=0), unary(shapes=[(4, 3)]),
           check_name=False),
    OpInfo("trapezoid", lambda m, y: (m.trapezoid(y), m.trapezoid(y, dx=0.5, dim=0)), unary(shapes=[(3, 4)]),
           check_name=False),
    OpInfo("trapezoid_x", lambda m, y, x: (m.trapezoid(y, x), m.trapz(y, x)),
           lambda rng, dt: [((rand(rng, (3, 4), dt), NoGrad(np.sort(rand(rng, (4,), dt)))), {})],
           check_name=False),
    OpInfo("cumulative_trapezoid", lambda m, y: (m.cumulative_trapezoid(y), m.cumulative_trapezoid(y, dx=2.0, dim=0)),
           unary(shapes=[(3, 4)])),
    OpInfo("cumulative_trapezoid_x", lambda m, y, x: m.cumulative_trapezoid(y, x),
           lambda rng, dt: [((rand(rng, (3, 4), dt), NoGrad(np.sort(rand(rng, (4,), dt)))), {})],
           check_name=False),  # torch's final `/ 2` is div.Scalar (DivBackward1); npgrad's is DivBackward0
    OpInfo("gradient", lambda m, y, **kw: m.gradient(y, **kw), _grad_y),
    OpInfo("gradient_coordinates", lambda m, y, x: m.gradient(y, spacing=(x,)),
           lambda rng, dt: [((rand(rng, (5,), dt), NoGrad(np.array([0.0, 1.0, 3.0, 4.0, 7.0], dt))), {})]),
    OpInfo("gradient_coordinates_order2", lambda m, y, x: m.gradient(y, spacing=(x,), edge_order=2),
           lambda rng, dt: [((rand(rng, (5,), dt), NoGrad(np.array([0.0, 1.0, 3.0, 4.0, 7.0], dt))), {})]),
    OpInfo("logcumsumexp", lambda m, a: (m.logcumsumexp(a, 0), a.logcumsumexp(-1)), unary(shapes=[(3, 4)])),
    # torch's forward-mode tangent underflows here (~1e-232 where the true value is ~-240): kept out of the
    # forward-AD sweep, which runs the gradgrad entries
    OpInfo("logcumsumexp_large", lambda m, a: m.logcumsumexp(a * 300, 0), unary(shapes=[(5,)]), gradgrad=False),
]
