"""Every op in the table against torch: forward values, dtype, shape, grad_fn name and gradients."""
import numpy as np
import pytest

from tests.support.oracle import compare
from tests.support.op_db import OPS


def _cases():
    for op in OPS:
        for dtype in op.dtypes:
            yield pytest.param(op, dtype, id=f"{op.name}-{np.dtype(dtype).name}")


@pytest.mark.parametrize("op,dtype", list(_cases()))
def test_op_matches_torch(op, dtype):
    rng = np.random.default_rng(1234)
    for args, kwargs in op.samples(rng, dtype):
        compare(op.fn, args, kwargs, grad=op.grad, rtol=op.rtol, atol=op.atol, check_name=op.check_name)
