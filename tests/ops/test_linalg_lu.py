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


def test_ldl_matches_lapack_pivoting_on_many_matrices():
    """Bunch-Kaufman makes discrete pivot choices: npgrad's must be LAPACK's (torch's) exactly."""
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 4, 7):
        for trial in range(12):
            a = rng.standard_normal((n, n))
            if trial % 3 == 0:
                np.fill_diagonal(a, 0)
            if trial % 4 == 0:
                a = rng.integers(-2, 3, (n, n)).astype(float)
            a = a + a.T
            if abs(np.linalg.det(a)) < 1e-6:  # a singular D: rounding decides between 0 and 1e-16
                continue
            outs = [tuple(m.linalg.ldl_factor_ex(m.tensor(a))) for m in (npgrad, torch)]
            assert_same(outs[0], outs[1])


def test_ldl_factor_refuses_grad_as_torch():
    for m in (npgrad, torch):
        LD, _ = m.linalg.ldl_factor(m.eye(3, requires_grad=True))
        with pytest.raises(RuntimeError, match="not implemented"):
            LD.sum().backward()
