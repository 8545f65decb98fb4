"""The foundation's ops: arithmetic, the first unary ops, reductions, shape ops, indexing, matmul, the loss."""
import numpy as np

from . import OpInfo, NoGrad, unary, binary, rand

POS = (0.2, 2.0)


def _mm_samples(rng, dtype):
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
              ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3,)), ((3,), (5, 3, 2)),
              ((2, 1, 2, 3), (4, 3, 2))]
    return [((rand(rng, a, dtype), rand(rng, b, dtype)), {}) for a, b in shapes]


def _bce_samples(rng, dtype):
    x = rand(rng, (4, 3), dtype, (-3, 3))
    y = rng.uniform(0, 1, (4, 3)).astype(dtype)
    w = NoGrad(rand(rng, (3,), dtype, (0.5, 2)))
    pw = NoGrad(rand(rng, (3,), dtype, (0.5, 2)))
    return [((x, y), {}), ((x, y), {"reduction": "sum"}), ((x, y), {"reduction": "none"}),
            ((x, y, w), {}), ((x, y, None, pw), {}), ((x, y, w, pw), {"reduction": "none"})]


def _bce(m, x, y, w=None, pw=None, **kw):
    return m.nn.functional.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, **kw)


def _reduce_samples(rng, dtype):
    x = rand(rng, (2, 3, 4), dtype)
    out = [((x,), {}), ((x, 0), {}), ((x, -1), {}), ((x, 1, True), {}), ((x, (0, 2)), {}), ((x, (-1, 0), True), {})]
    out.append(((rand(rng, (), dtype),), {}))
    return out


def _index_samples(rng, dtype):
    x = rand(rng, (4, 5), dtype)
    idx = [0, -1, (slice(None), 1), (slice(1, 3),), (slice(None, None, 2), slice(1, None)), (None, 0),
           (Ellipsis, 2), (np.array([0, 2, 0]),), (slice(None), np.array([1, 1, 3])),
           (np.array([True, False, True, True]),), (np.array([0, 1]), np.array([2, 3]))]
    return [((x, i), {}) for i in idx]


def _getitem(m, x, i):
    if isinstance(i, tuple):
        i = tuple(m.tensor(a) if isinstance(a, np.ndarray) else a for a in i)
    return x[i]


OPS = [
    OpInfo("add", lambda m, a, b: a + b, binary()),
    OpInfo("add_alpha", lambda m, a, b: m.add(a, b, alpha=2), binary(scalars=())),
    OpInfo("radd", lambda m, a: 2.5 + a, unary()),
    OpInfo("sub", lambda m, a, b: a - b, binary()),
    OpInfo("rsub", lambda m, a: 2.5 - a, unary()),
    OpInfo("mul", lambda m, a, b: a * b, binary()),
    OpInfo("rmul", lambda m, a: 3 * a, unary()),
    OpInfo("div", lambda m, a, b: a / b, binary(other_domain=POS)),
    OpInfo("rdiv", lambda m, a: 2 / a, unary(POS)),
    OpInfo("neg", lambda m, a: -a, unary()),
    OpInfo("pow_scalar", lambda m, a: a ** 3, unary()),
    OpInfo("pow_half", lambda m, a: a ** 0.5, unary(POS)),
    OpInfo("pow_neg", lambda m, a: a.pow(-1.5), unary(POS)),
    OpInfo("pow_tensor", lambda m, a, b: a ** b, binary(domain=POS, scalars=())),
    OpInfo("rpow", lambda m, a: 2 ** a, unary()),
    OpInfo("exp", lambda m, a: a.exp(), unary()),
    OpInfo("log", lambda m, a: m.log(a), unary(POS)),
    OpInfo("sqrt", lambda m, a: m.sqrt(a), unary(POS)),
    OpInfo("abs", lambda m, a: m.abs(a), unary()),
    OpInfo("tanh", lambda m, a: m.tanh(a), unary()),
    OpInfo("sigmoid", lambda m, a: m.sigmoid(a), unary((-6, 6))),
    OpInfo("relu", lambda m, a: m.relu(a), unary(), gradgrad=False, check_name=True),
    OpInfo("sum", lambda m, a, *r: a.sum(*r), _reduce_samples),
    OpInfo("mean", lambda m, a, *r: a.mean(*r), _reduce_samples),
    OpInfo("reshape", lambda m, a: a.reshape(-1, 2), unary(shapes=[(2, 3), (3, 2, 2)])),
    OpInfo("view", lambda m, a: a.view(2, -1), unary(shapes=[(2, 3), (3, 2, 2)])),
    OpInfo("transpose", lambda m, a: a.transpose(0, -1), unary(shapes=[(2, 3), (3, 2, 2)])),
    OpInfo("t", lambda m, a: a.t(), unary(shapes=[(2, 3), (3,)])),
    OpInfo("T", lambda m, a: a.T, unary(shapes=[(2, 3)])),
    OpInfo("getitem", _getitem, _index_samples, check_name=False),
    OpInfo("matmul", lambda m, a, b: m.matmul(a, b), _mm_samples),
    OpInfo("bce_with_logits", _bce, _bce_samples),
]
