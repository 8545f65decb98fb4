"""LU and Cholesky solves outside the op table: torch's errors, singular inputs, and eig's clear refusal."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare_error, assert_same

ERRORS = [
    lambda m: m.linalg.lu_factor(m.zeros(2, 2)), lambda m: m.linalg.lu_factor(m.ones(3)),
    lambda m: m.linalg.lu_factor(m.ones(2, 2).long()), lambda m: m.linalg.lu_factor(m.eye(2), pivot=False),
    lambda m: m.linalg.lu_solve(*m.linalg.lu_factor(m.eye(3)), m.ones(2, 1)),
    lambda m: m.linalg.lu_solve(*m.linalg.lu_factor(m.eye(3)), m.ones(3, 1, dtype=m.float64)),
    lambda m: m.cholesky_solve(m.ones(3, 1), m.ones(3, 2)),
    lambda m: m.cholesky_solve(m.ones(2, 1), m.eye(3)),
    lambda m: m.lu_unpack(m.ones(3), m.ones(3, dtype=m.int32)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    compare_error(lambda m: ERRORS[i](m), [])


def test_singular_factor_ex_info():
    outs = []
    for m in (npgrad, torch):
        r = m.linalg.lu_factor_ex(m.tensor([[[0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [3.0, 4.0]]]))
        outs.append(tuple(r))
    assert_same(outs[0], outs[1])


def test_lu_reconstructs_and_batches():
    a = np.random.default_rng(3).standard_normal((4, 3, 5))
    P, L, U = npgrad.linalg.lu(npgrad.tensor(a))
    np.testing.assert_allclose((P @ L @ U).numpy(), a, atol=1e-12)


@pytest.mark.parametrize("fn", ["eig", "eigvals"])
def test_eig_refuses_clearly(fn):
    with pytest.raises(NotImplementedError, match="complex"):
        getattr(npgrad.linalg, fn)(npgrad.eye(2))
