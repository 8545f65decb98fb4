"""Distances and statistics: torch's errors and warnings outside the op table."""
import warnings

import pytest
import torch

import npgrad
from tests.support.oracle import compare_error, assert_same

ERRORS = [
    lambda m: m.quantile(m.ones(3, 4), 1.5), lambda m: m.quantile(m.ones(3, 4).long(), 0.5),
    lambda m: m.quantile(m.ones(3, 4), m.tensor([0.5], dtype=m.float64)),
    lambda m: m.quantile(m.ones(3, 4), 0.5, interpolation="bad"), lambda m: m.nanquantile(m.ones(3), -0.1),
    lambda m: m.cdist(m.ones(3, 4), m.ones(3, 5)), lambda m: m.cdist(m.ones(3, 4), m.ones(3, 4), p=-1),
    lambda m: m.cdist(m.ones(4), m.ones(3, 4)), lambda m: m.dist(m.ones(3, 4), m.ones(2, 4)),
    lambda m: m.pdist(m.ones(2, 3, 3)), lambda m: m.cov(m.ones(2, 2, 2)),
    lambda m: m.cov(m.ones(2, 3), fweights=m.tensor([1.0, 2, 3])),
    lambda m: m.cov(m.ones(2, 3), fweights=m.tensor([1, -2, 3])),
    lambda m: m.cov(m.ones(2, 3), aweights=m.tensor([1.0, 2])),
    lambda m: m.gradient(m.ones(3), edge_order=3), lambda m: m.gradient(m.ones(2), edge_order=2),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    compare_error(lambda m: ERRORS[i](m), [])


def test_cov_degrees_of_freedom_warning():
    outs = []
    for m in (npgrad, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            outs.append(m.cov(m.tensor([[1.0, 2.0, 4.0]]), correction=3))
        assert any("degrees of freedom" in str(x.message) for x in w)
    assert_same(outs[0], outs[1])
