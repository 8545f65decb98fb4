"""Set, search and counting ops: torch's errors, and the derivative-less nodes raising torch's error class."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare_error

ERRORS = [
    lambda m: m.bincount(m.tensor([-1])), lambda m: m.bincount(m.tensor([[1]])),
    lambda m: m.bincount(m.tensor([1.0])), lambda m: m.histc(m.tensor([1, 2])),
    lambda m: m.histc(m.tensor([1.0, 2]), bins=0), lambda m: m.histc(m.tensor([1.0, 2]), min=3, max=1),
    lambda m: m.searchsorted(m.tensor([[1.0, 2]]), m.tensor([1.0])),
    lambda m: m.searchsorted(m.tensor([1.0, 2]), m.tensor([1.0]), side="left", right=True),
    lambda m: m.unique(m.tensor([1, 2]), dim=3), lambda m: m.bucketize(m.tensor([1.0]), m.ones(2, 2)),
    lambda m: m.bincount(m.tensor([1, 2]), weights=m.ones(3)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    compare_error(lambda m: ERRORS[i](m), [])


@pytest.mark.parametrize("fn", [lambda m, x: m.unique(x), lambda m, x: m.unique(x, dim=0),
                                lambda m, x: m.unique_consecutive(x), lambda m, x: m.histogram(x, 3)[0]])
def test_backward_raises_as_torch(fn):
    errs = []
    for m in (npgrad, torch):
        x = m.tensor([[3.0, 1.0], [2.0, 3.0]], requires_grad=True)
        with pytest.raises((NotImplementedError, RuntimeError)) as e:
            fn(m, x).sum().backward()
        errs.append(e.type)
    assert errs[0] is errs[1]
