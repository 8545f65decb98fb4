"""Op table entries: random fills and sampling, at parameters whose draw is certain (``uniform_(a, a)``,
``normal_(m, 0)``, ``bernoulli_(1)``, ``random_(k, k + 1)``), so values, dtypes, grad_fn names and the zero
gradient compare with torch exactly. Distributions are compared in tests/ops/test_random_fill.py.
"""
import numpy as np

from . import OpInfo, rand

NO_FD = dict(gradcheck=False, gradgrad=False)


def _x(rng, dtype):
    return [((rand(rng, s, dtype),), {}) for s in [(), (3,), (2, 3)]]


def _probs(rng, dtype):
    return [((np.array([0.0, 1.0, 1.0, 0.0], dtype),), {}), ((np.ones((2, 3), dtype),), {})]


OPS = [
    OpInfo("uniform_", lambda m, a: (a * 1).uniform_(1.5, 1.5), _x, **NO_FD),
    OpInfo("normal_", lambda m, a: (a * 1).normal_(0.5, 0.0), _x, **NO_FD),
    OpInfo("bernoulli_float", lambda m, a: (a * 1).bernoulli_(1.0) + (a * 2).bernoulli_(0.0), _x,
           check_name=False, **NO_FD),
    OpInfo("bernoulli_names", lambda m, a: ((a * 1).bernoulli_(1.0), (a * 1).bernoulli_(m.ones(a.shape))), _x,
           **NO_FD),
    OpInfo("random_", lambda m, a: ((a * 1).random_(3, 4), (a * 1).random_(1)), _x, **NO_FD),
    OpInfo("random_int", lambda m, a: ((a * 0).long().random_(-2, -1), (a * 0).long().random_(1)), _x,
           grad=False, **NO_FD),
    OpInfo("bernoulli_fn", lambda m, p: (m.bernoulli(p), p.bernoulli()), _probs, **NO_FD),
    OpInfo("bernoulli_p", lambda m, p: m.bernoulli(p, 1.0), _probs, grad=False, **NO_FD),  # backward raises
    OpInfo("multinomial_certain", lambda m, p: (m.multinomial(p[..., :2] * 0 + m.tensor([0.0, 1.0], dtype=p.dtype), 1),
                                                p.multinomial(3, replacement=True) * 0),
           lambda rng, dt: [((rand(rng, (2, 3), dt, (0.5, 1)),), {})], grad=False, **NO_FD),
]
