"""add/sub/rsub's alpha rules and torch.rsub with a tensor ``other`` (RsubBackward0), vs torch: a floating alpha
(even 1.0) with an integral result and a bool alpha with a non-bool result raise torch's RuntimeError; a bool
result stays bool; values, dtypes, gradients, grad_fn names and saved alpha."""
import numpy as np
import pytest
import torch

import npgrad


def _outcome(fn, m):
    try:
        r = fn(m)
    except RuntimeError as e:
        return ("RuntimeError", str(e))
    return ("ok", r.tolist(), str(r.dtype).split(".")[-1])


CASES = {
    "add_bool_int_alpha": lambda m: m.add(m.tensor([True, False]), m.tensor([True, True]), alpha=2),
    "add_bool_zero_alpha": lambda m: m.add(m.tensor([True, False]), m.tensor([True, True]), alpha=0),
    "add_bool_bool_alpha": lambda m: m.add(m.tensor([True, False]), m.tensor([False, True]), alpha=True),
    "add_int_bool_alpha": lambda m: m.add(m.tensor([1, 2]), m.tensor([1, 2]), alpha=True),
    "add_float_bool_alpha": lambda m: m.add(m.tensor([1.0]), m.tensor([1.0]), alpha=True),
    "add_int_float_alpha": lambda m: m.add(m.tensor([1, 2]), m.tensor([1, 2]), alpha=2.0),
    "add_int_alpha_one_float": lambda m: m.add(m.tensor([1, 2]), 2, alpha=1.0),
    "add_number_first": lambda m: m.add(2, m.tensor([1, 2]), alpha=1.5),
    "add_float_result": lambda m: m.add(m.tensor([1, 2]), 2.5, alpha=2),
    "sub_int_float_alpha": lambda m: m.sub(m.tensor([1, 2]), m.tensor([1, 2]), alpha=1.0),
    "sub_float_result": lambda m: m.sub(m.tensor([1.0]), m.tensor([1, 2]), alpha=1.5),
    "rsub_tensor_float_alpha": lambda m: m.rsub(m.tensor([1, 2]), m.tensor([1, 2]), alpha=1.0),
    "rsub_number_float_alpha": lambda m: m.rsub(m.tensor([1, 2]), 2, alpha=1.5),
    "rsub_tensor_int": lambda m: m.rsub(m.tensor([1, 2]), m.tensor([10, 10]), alpha=2),
    "rsub_tensor_promotes": lambda m: m.rsub(m.tensor([1, 2]), m.tensor([1.5, 2.5])),
    "rsub_two_bools": lambda m: m.rsub(m.tensor([True]), m.tensor([True])),
    "add_inplace_float_alpha": lambda m: m.tensor([1, 2]).add_(m.tensor([1, 2]), alpha=1.5),
    "sub_inplace_float_alpha": lambda m: m.tensor([1, 2]).sub_(1, alpha=0.5),
}


@pytest.mark.parametrize("case", list(CASES))
def test_alpha_rules_as_torch(case):
    assert _outcome(CASES[case], npgrad) == _outcome(CASES[case], torch)


@pytest.mark.parametrize("alpha", [1, 2, 0.5])
def test_rsub_tensor_records_rsub_backward0(alpha):
    got = []
    for m in (npgrad, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        c = m.tensor([[3.0], [5.0]], requires_grad=True)
        y = m.rsub(x, c, alpha=alpha)
        gx, gc = m.autograd.grad(y.sum(), (x, c))
        got.append((y.tolist(), y.grad_fn.name(), y.grad_fn._saved_alpha, gx.tolist(), gc.tolist(),
                    len(y.grad_fn.next_functions)))
    assert got[0] == got[1]


def test_rsub_gradcheck_float64():
    x = npgrad.tensor(np.array([0.3, -1.2]), requires_grad=True)
    c = npgrad.tensor(np.array([[1.5], [2.0]]), requires_grad=True)
    assert npgrad.autograd.gradcheck(lambda a, b: npgrad.rsub(a, b, alpha=3), (x, c))
    assert npgrad.autograd.gradgradcheck(lambda a, b: npgrad.rsub(a, b, alpha=3), (x, c))
