"""Pooling nodes show torch's ``_saved_*`` attributes (autograd/saved_attrs.py over ops/pool.py): the forward
nodes (kernel_size, stride as given, padding, dilation, ceil_mode, count_include_pad, divisor_override, self,
result1) and the double-backward nodes (MaxPool*WithIndicesBackwardBackward0's indices, AvgPool*BackwardBackward0's
arguments), with torch's node names for 2-d and 3-d. Differential: the same graphs built in torch."""
import numpy as np
import pytest
import torch

import npgrad

NAMES = ["_saved_kernel_size", "_saved_stride", "_saved_padding", "_saved_dilation", "_saved_ceil_mode",
         "_saved_count_include_pad", "_saved_divisor_override", "_saved_result1", "_saved_indices", "_saved_self"]

CASES = {
    "max2d": lambda F, x: F.max_pool2d(x, 2),
    "max2d_args": lambda F, x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
    "max2d_dilation": lambda F, x: F.max_pool2d(x, 2, stride=(1, 2), dilation=2),
    "max2d_indices": lambda F, x: F.max_pool2d(x, 2, return_indices=True)[0],
    "max2d_unbatched": lambda F, x: F.max_pool2d(x[0], 2),
    "max3d": lambda F, x: F.max_pool3d(x, (1, 2, 2)),
    "avg2d": lambda F, x: F.avg_pool2d(x, 2),
    "avg2d_args": lambda F, x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    "avg2d_divisor": lambda F, x: F.avg_pool2d(x, 2, divisor_override=3),
    "avg3d": lambda F, x: F.avg_pool3d(x, (1, 2, 2), stride=1),
}


def _attrs(fn):
    out = {"name": type(fn).__name__}
    for k in NAMES:
        try:
            v = getattr(fn, k)
        except AttributeError:
            continue
        out[k] = v.tolist() if hasattr(v, "tolist") and not isinstance(v, (int, float)) else v
    return out


def _graph(m, case):
    rng = np.random.default_rng(5)
    x = m.tensor(rng.standard_normal((1, 2, 6, 7)), requires_grad=True)
    if case.endswith("3d"):
        x = m.tensor(rng.standard_normal((1, 2, 2, 6, 7)), requires_grad=True)
    y = CASES[case](m.nn.functional, x)
    first = _attrs(y.grad_fn)
    g, = m.autograd.grad((y * y).sum(), x, create_graph=True)
    second = _attrs(g.grad_fn)
    return first, second


@pytest.mark.parametrize("case", list(CASES))
def test_pool_saved_attributes_as_torch(case):
    ours, theirs = _graph(npgrad, case), _graph(torch, case)
    if case.startswith("avg"):  # npgrad's average pooling saves no input (its gradient does not read it)
        theirs[0].pop("_saved_self", None)
    if case == "max2d_unbatched":  # torch's unbatched path adds an unsqueeze/squeeze around the node
        ours, theirs = ours[0], theirs[0]
    assert ours == theirs
