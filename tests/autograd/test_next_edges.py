"""``grad_fn.next_functions`` as torch lists it: one entry per differentiable input of the op, with (None, 0) for
a Python number torch wraps into a tensor and for an optional tensor left out, and no entry for an index, mask or
condition argument (autograd/next_edges.py). Compared with torch entry by entry: the node's name, or None."""
import pytest
import torch

import npgrad


def _cases(m):
    F = m.nn.functional
    x = m.ones(2, 3, requires_grad=True)
    c = m.ones(2, 3)
    w = m.ones(4, 3, requires_grad=True)
    i = m.tensor([0, 1])
    col = m.tensor([[0], [1]])
    return {
        "x*2": lambda: x * 2, "2*x": lambda: 2 * x, "x*c": lambda: x * c, "c*x": lambda: c * x, "x*x": lambda: x * x,
        "x+1": lambda: x + 1, "1+x": lambda: 1 + x, "x+c": lambda: x + c, "x-1": lambda: x - 1, "1-x": lambda: 1 - x,
        "x/2": lambda: x / 2, "2/x": lambda: 2 / x, "x*True": lambda: x * True, "add_alpha": lambda: m.add(x, 1, alpha=2),
        "sub_alpha": lambda: m.sub(x, c, alpha=2), "mul_method": lambda: x.mul(2), "div_floor": lambda: x.div(2, rounding_mode="floor"),
        "x**2": lambda: x ** 2, "2**x": lambda: 2 ** x, "fmod": lambda: x.fmod(2), "maximum": lambda: m.maximum(x, c),
        "cat": lambda: m.cat([c, x, c]), "stack": lambda: m.stack([x, c]),
        "linear": lambda: F.linear(x, w, m.ones(4)), "linear_no_bias": lambda: F.linear(x, w),
        "linear_const_input": lambda: F.linear(c, w), "addmm": lambda: m.addmm(m.ones(2, 4), x, w.t()),
        "where": lambda: m.where(c > 0, x, c), "where_other": lambda: m.where(c > 0, c, x),
        "where_number": lambda: m.where(c > 0, x, 1.0), "clamp_numbers": lambda: x.clamp(0, 1),
        "clamp_min_tensor": lambda: x.clamp(min=c), "clamp_max_tensor": lambda: x.clamp(max=c),
        "clamp_both_tensors": lambda: x.clamp(c, c),
        "gather": lambda: x.gather(1, col), "scatter": lambda: x.scatter(1, col, c), "scatter_value": lambda: x.scatter(1, col, 1.0),
        "scatter_add": lambda: x.scatter_add(1, col, c), "scatter_reduce": lambda: x.scatter_reduce(1, col, c, "sum"),
        "index_select": lambda: x.index_select(0, i), "x[i]": lambda: x[i], "x[mask]": lambda: x[c > 0], "x[0]": lambda: x[0],
        "masked_fill": lambda: x.masked_fill(c > 0, 1.0), "masked_fill_tensor": lambda: x.masked_fill(c > 0, m.tensor(2.0)),
        "masked_scatter": lambda: x.masked_scatter(c > 0, c), "masked_select": lambda: x.masked_select(c > 0),
        "index_copy": lambda: x.index_copy(0, i, c), "index_fill": lambda: x.index_fill(0, i, 1.0),
        "index_fill_tensor": lambda: x.index_fill(0, i, m.tensor(1.0)), "index_put": lambda: x.index_put((i,), c),
        "index_add": lambda: x.index_add(0, i, c), "take": lambda: x.take(i), "put": lambda: x.put(i, c[0][:2]),
        "embedding": lambda: F.embedding(i, w),
        "batch_norm": lambda: F.batch_norm(x, None, None, training=True),
        "batch_norm_weight": lambda: F.batch_norm(x, None, None, m.ones(3), None, training=True),
        "layer_norm": lambda: F.layer_norm(x, (3,)), "layer_norm_bias": lambda: F.layer_norm(x, (3,), None, m.ones(3, requires_grad=True)),
        "group_norm": lambda: F.group_norm(x, 1),
        "conv1d": lambda: F.conv1d(c.view(1, 1, 6), w.view(4, 1, 3)),
        "conv1d_bias": lambda: F.conv1d(x.view(1, 1, 6), m.ones(4, 1, 3), m.ones(4, requires_grad=True)),
        "mse": lambda: F.mse_loss(x, c), "cross_entropy": lambda: F.cross_entropy(x, i), "softmax": lambda: x.softmax(1),
    }


def _edges(t):
    return [(None if f is None else f.name(), k) for f, k in t.grad_fn.next_functions]


@pytest.mark.parametrize("name", list(_cases(torch)))
def test_next_functions_as_torch(name):
    theirs = _edges(_cases(torch)[name]())
    ours = _edges(_cases(npgrad)[name]())
    assert ours == theirs


def test_index_reduce_next_functions_as_torch():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = [_edges(m.ones(2, 3, requires_grad=True).index_reduce(0, m.tensor([0, 1]), m.ones(2, 3), "prod"))
               for m in (npgrad, torch)]
    assert got[0] == got[1]
