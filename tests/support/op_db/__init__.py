"""The op table: one ``OpInfo`` per op (or per variant). The generic suites in ``tests/ops`` run every entry
against torch, through float64 gradcheck/gradgradcheck, and through property tests.

Adding an op means adding an entry to the family file here; nothing else.
"""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["OpInfo", "OPS", "NoGrad", "unary", "binary", "shapes_1", "rand"]


class NoGrad:
    """A float array input that must not require grad (a loss weight, a constant operand)."""

    def __init__(self, array):
        self.array = array


@dataclass
class OpInfo:
    name: str
    fn: Callable                     # fn(m, *args, **kwargs) with m = npgrad or torch
    samples: Callable                # samples(rng, dtype) -> list of (args, kwargs); arrays are NumPy
    dtypes: tuple = (np.float32, np.float64)
    grad: bool = True                # compare gradients with torch
    gradcheck: bool = True           # numerical check in float64
    gradgrad: bool = True            # second derivatives too
    check_name: bool = True          # grad_fn name equals torch's
    rtol: float = None
    atol: float = None
    tags: tuple = field(default_factory=tuple)


SHAPES = [(), (3,), (2, 3), (2, 1, 3)]


def rand(rng, shape, dtype, domain=(-2.0, 2.0)):
    lo, hi = domain
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def shapes_1():
    return SHAPES


def unary(domain=(-2.0, 2.0), shapes=SHAPES, **kwargs):
    """Samples for a one-input op: each shape in ``shapes`` with values in ``domain``."""
    def samples(rng, dtype):
        return [((rand(rng, s, dtype, domain),), dict(kwargs)) for s in shapes]
    return samples


BROADCAST_PAIRS = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), ()), ((4, 2, 3), (2, 3))]


def binary(domain=(-2.0, 2.0), other_domain=None, scalars=(2.5,), pairs=BROADCAST_PAIRS):
    """Samples for a two-input op: broadcasting shape pairs, and Python-number second operands."""
    od = other_domain or domain

    def samples(rng, dtype):
        out = [((rand(rng, a, dtype, domain), rand(rng, b, dtype, od)), {}) for a, b in pairs]
        out += [((rand(rng, (2, 3), dtype, domain), s), {}) for s in scalars]
        return out
    return samples


from . import basic, pointwise, reduction, shape, indexing, linalg, neural  # noqa: E402
from . import random_fill, set_ops, special, shape_extra, statistics, linalg_lu  # noqa: E402  (issue 13's missing functions)
from . import api_extra  # noqa: E402  (torch.abs_-style functions, addr, angle, diagflat, ...)
from . import surface_extra  # noqa: E402  (histogramdd, low-rank SVD/PCA, lobpcg, torch.ctc_loss/embedding_bag)

OPS = []
for _mod in (basic, pointwise, reduction, shape, indexing, linalg, neural, random_fill, set_ops, special, shape_extra, statistics, linalg_lu, api_extra, surface_extra):
    OPS.extend(_mod.OPS)
