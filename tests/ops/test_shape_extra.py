"""Shape extras outside the op table: resize_, new, apply_, map_, in-place view methods' leaf and version rules,
and torch's errors."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import compare_error, assert_same

ERRORS = [
    lambda m: m.ones(3, 4).as_strided((5, 5), (4, 1)), lambda m: m.ones(3).unfold(0, 4, 1),
    lambda m: m.ones(3).unfold(0, 2, 0), lambda m: m.rot90(m.ones(3)), lambda m: m.rot90(m.ones(2, 2), 1, [0, 0]),
    lambda m: m.block_diag(m.ones(1, 1, 1)), lambda m: m.cartesian_prod(m.ones(2, 2)),
    lambda m: m.combinations(m.ones(2, 2)), lambda m: m.ones(2, 3).sum_to_size(3, 1),
    lambda m: m.ones(2, 3).select_scatter(m.ones(3), 0, 5),
    lambda m: m.ones(2, 3).diagonal_scatter(m.ones(3)),
    lambda m: m.ones(3, 2).index_reduce(0, m.tensor([0]), m.ones(1, 2), "sum"),
    lambda m: m.ones(3).put_(m.tensor([7]), m.tensor([1.0])),
    lambda m: m.ones(3).put_(m.tensor([1, 2]), m.tensor([1.0])),
    lambda m: m.ones(3, requires_grad=True).resize_(2),
    lambda m: m.ones(3, requires_grad=True).apply_(lambda v: v),
    lambda m: m.ones(3).fill_diagonal_(1.0), lambda m: m.ones(2, 3, 4).fill_diagonal_(1.0),
    lambda m: m.renorm(m.ones(3), 2, 0, 1.0), lambda m: m.ones(2, 2, 2).t_(),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_as_torch(i):
    compare_error(lambda m: ERRORS[i](m), [])


@pytest.mark.parametrize("call", ["unsqueeze_(0)", "squeeze_()", "t_()", "transpose_(0, 1)", "swapaxes_(0, 1)",
                                  "tril_()", "triu_(1)", "put_(m.tensor([0]), m.tensor([5.0]))"])
def test_inplace_methods_leaf_check_and_version(call):
    for m in (npgrad, torch):
        x = m.ones(2, 3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            eval("x." + call)
        y = x * 1
        v = y._version
        assert eval("y." + call) is y and y._version == v + 1
        with m.no_grad():
            eval("x." + call)


def test_resize_new_apply_map():
    outs = []
    for m in (npgrad, torch):
        x = m.arange(6.0)
        x.resize_(2, 2)
        r1 = x.clone()
        x.resize_as_(m.ones(3))
        b = m.tensor([1.0, 2])
        n = (b.new(2, 3).shape, b.new().shape, b.new([1, 2]), b.new((2, 3)), b.new(m.Size([4])).shape)
        a = m.arange(4.0).apply_(lambda v: v * 10 + 1)
        mm = m.arange(4.0).map_(m.tensor([1.0, 2, 3, 4]), lambda u, v: u * v)
        outs.append((r1, x, tuple(n[0]), tuple(n[1]), n[2], n[3], tuple(n[4]), a, mm))
    assert_same(outs[0], outs[1])


def test_unfold_and_as_strided_are_views():
    for m in (npgrad, torch):
        x = m.arange(6.0)
        u = x.unfold(0, 2, 2)
        s = x.as_strided((2,), (3,))
        x[0] = 100.0
        assert float(u[0, 0]) == 100.0 and float(s[0]) == 100.0
