"""Op table entries: addr, angle (real input), diagflat, fill (out of place), igamma/igammac, triangular_solve,
split_with_sizes, conv_tbc, frobenius_norm/nuclear_norm, and the in-place function forms (torch.abs_ & co)."""
import numpy as np

from . import OpInfo, NoGrad, rand, unary


def _addr(rng, dtype):
    return [((rand(rng, (3, 4), dtype), rand(rng, (3,), dtype), rand(rng, (4,), dtype)), {}),
            ((rand(rng, (4,), dtype), rand(rng, (3,), dtype), rand(rng, (4,), dtype)), {"beta": 0.5, "alpha": 2}),
            ((rand(rng, (), dtype), rand(rng, (2,), dtype), rand(rng, (3,), dtype)), {"beta": 0})]


def _diagflat(rng, dtype):
    return [((rand(rng, (2, 3), dtype),), {}), ((rand(rng, (4,), dtype),), {"offset": 1}),
            ((rand(rng, (3,), dtype),), {"offset": -2}), ((rand(rng, (), dtype),), {})]


def _igamma(rng, dtype):
    return [((NoGrad(rand(rng, (2, 3), dtype, (0.5, 3))), rand(rng, (2, 3), dtype, (0.2, 3))), {})]


def _trisolve(rng, dtype):
    A = rand(rng, (3, 3), dtype) + 4 * np.eye(3, dtype=dtype)
    b = rand(rng, (3, 2), dtype)
    return [((b, A), {}), ((b, A), {"upper": False}), ((b, A), {"transpose": True}),
            ((b, A), {"upper": False, "transpose": True, "unitriangular": True}),
            ((rand(rng, (2, 3, 1), dtype), np.broadcast_to(A, (2, 3, 3)).copy()), {})]


def _conv_tbc(rng, dtype):
    return [((rand(rng, (5, 2, 3), dtype), rand(rng, (2, 3, 4), dtype), rand(rng, (4,), dtype)), {}),
            ((rand(rng, (4, 1, 2), dtype), rand(rng, (3, 2, 3), dtype), rand(rng, (3,), dtype)), {"pad": 1})]


def _mat(rng, dtype):
    return [((rand(rng, (3, 4), dtype),), {})]


def _geqrf(rng, dtype):
    return [((rand(rng, (4, 3), dtype),), {}), ((rand(rng, (2, 3, 5), dtype),), {}),
            ((rand(rng, (3, 3), dtype),), {})]


def _orgqr(rng, dtype):
    return [((rand(rng, (4, 3), dtype), rand(rng, (2,), dtype, (0.5, 1.5))), {}),
            ((rand(rng, (2, 3, 3), dtype), rand(rng, (2, 3), dtype, (0.5, 1.5))), {})]


def _ormqr(rng, dtype):
    A, tau = rand(rng, (4, 3), dtype), rand(rng, (3,), dtype, (0.5, 1.5))
    return [((A, tau, rand(rng, (4, 2), dtype)), {}), ((A, tau, rand(rng, (4, 2), dtype)), {"transpose": True}),
            ((A, tau, rand(rng, (2, 4), dtype)), {"left": False}),
            ((A, tau, rand(rng, (2, 4), dtype)), {"left": False, "transpose": True})]


def _convolution(rng, dtype):
    x = rand(rng, (2, 2, 5), dtype)
    return [((x, rand(rng, (3, 2, 2), dtype), rand(rng, (3,), dtype)), {"s": [2], "p": [1], "t": False, "op": [0]}),
            ((x, rand(rng, (2, 3, 2), dtype), rand(rng, (3,), dtype)), {"s": [2], "p": [1], "t": True, "op": [1]}),
            ((rand(rng, (1, 2, 4, 4), dtype), rand(rng, (4, 1, 3, 3), dtype), rand(rng, (4,), dtype)),
             {"s": [1, 1], "p": [1, 0], "t": False, "op": [0, 0], "g": 2})]


def _conv(m, x, w, b, s, p, t, op, g=1):
    return m.convolution(x, w, b, s, p, [1] * len(s), t, op, g)


def _scatter_strided(rng, dtype):
    return [((rand(rng, (6,), dtype), rand(rng, (2,), dtype)), {"size": (2,), "stride": (2,), "storage_offset": 1}),
            ((rand(rng, (3, 4), dtype), rand(rng, (2, 2), dtype)), {"size": (2, 2), "stride": (4, 1)}),
            ((rand(rng, (3, 4), dtype), rand(rng, (3,), dtype)), {"size": (3,), "stride": (5,)})]


def _inplace(name, **kw):
    """``torch.<name>(x.clone(), ...)``: the function form writes into its argument and returns it."""
    def fn(m, a, *args):
        out = getattr(m, name)(a * 1, *args, **kw)
        return out
    return fn


OPS = [
    OpInfo("addr", lambda m, i, a, b, **kw: m.addr(i, a, b, **kw), _addr),
    OpInfo("Tensor.addr", lambda m, i, a, b, **kw: i.addr(a, b, **kw), _addr),
    OpInfo("addr_", lambda m, i, a, b, **kw: (i * 1).addr_(a, b, **kw), lambda rng, dt: _addr(rng, dt)[:1]),
    OpInfo("angle", lambda m, a: m.angle(a), unary()),
    OpInfo("diagflat", lambda m, a, **kw: m.diagflat(a, **kw), _diagflat),
    OpInfo("fill", lambda m, a: m.fill(a, 1.5), unary()),
    OpInfo("fill_tensor", lambda m, a, v: m.fill(a, v), lambda rng, dt: [((rand(rng, (2, 3), dt),
                                                                          rand(rng, (), dt)), {})]),
    OpInfo("igamma", lambda m, a, x: m.igamma(a, x), _igamma, gradgrad=False),
    OpInfo("igammac", lambda m, a, x: m.igammac(a, x), _igamma, gradgrad=False),
    # gradgrad=False also keeps it out of the forward-AD comparison: torch 2.13's triangular_solve JVP uses the whole
    # tangent of A, not its triangle (off from finite differences); npgrad's matches them
    OpInfo("triangular_solve", lambda m, b, A, **kw: m.triangular_solve(b, A, **kw).solution, _trisolve,
           check_name=False, gradgrad=False),
    OpInfo("split_with_sizes", lambda m, a: m.split_with_sizes(a, [1, 3], 1)[1], _mat),
    OpInfo("conv_tbc", lambda m, x, w, b, **kw: m.conv_tbc(x, w, b, **kw), _conv_tbc, check_name=False),
    OpInfo("frobenius_norm", lambda m, a: m.frobenius_norm(a, (0, 1)), _mat),
    OpInfo("nuclear_norm", lambda m, a: m.nuclear_norm(a), _mat, check_name=False),
    OpInfo("geqrf", lambda m, a: tuple(m.geqrf(a)), _geqrf, grad=False, gradcheck=False, gradgrad=False),
    OpInfo("orgqr", lambda m, a, t: m.orgqr(a, t), _orgqr, check_name=False),  # householder_product ends in a slice
    OpInfo("Tensor.ormqr", lambda m, a, t, o, **kw: a.ormqr(t, o, **kw), _ormqr, check_name=False),
    OpInfo("convolution", _conv, _convolution),
    # grad=False: torch 2.13's gradient for `input` keeps grad on the scattered elements and zeroes the rest (the
    # reverse of the derivative; its own gradcheck fails); npgrad gives the true one, which gradcheck verifies
    OpInfo("as_strided_scatter", lambda m, a, b, **kw: m.as_strided_scatter(a, b, **kw), _scatter_strided,
           grad=False),
    OpInfo("torch.sin_", _inplace("sin_"), unary()),
    OpInfo("torch.exp_", _inplace("exp_"), unary()),
    OpInfo("torch.clamp_", _inplace("clamp_", min=-0.5, max=0.7), unary()),
    OpInfo("torch.sigmoid_", _inplace("sigmoid_"), unary()),
    OpInfo("torch.log1p_", _inplace("log1p_"), unary(domain=(0.1, 2))),
]
