"""autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) against torch: values, tuple structure,
create_graph, strict-mode errors and argument checks."""
import numpy as np
import pytest
import torch

import npgrad
from tests.support.oracle import assert_same


def F(m):
    return m.autograd.functional


def run_both(fn):
    return fn(npgrad), fn(torch)


def both_raise(fn, exc, match):
    for m in (npgrad, torch):
        with pytest.raises(exc, match=match):
            fn(m)


def data(m):
    rng = np.random.default_rng(0)
    return m.tensor(rng.standard_normal(3)), m.tensor(rng.standard_normal(2))


CASES = {
    "jacobian_single": lambda m, x, y: F(m).jacobian(lambda a: a.exp() * a, x),
    "jacobian_tuple_in": lambda m, x, y: F(m).jacobian(lambda a: a ** 2, (x,)),
    "jacobian_tuple_both": lambda m, x, y: F(m).jacobian(lambda a, b: (a.sum() * b, a * 2, (a @ a) * b), (x, y)),
    "jacobian_scalar_out": lambda m, x, y: F(m).jacobian(lambda a: (a * a).sum(), x),
    "jacobian_independent": lambda m, x, y: F(m).jacobian(lambda a, b: a * 2, (x, y)),
    "jacobian_matrix": lambda m, x, y: F(m).jacobian(lambda a: a.reshape(3, 1) @ a.reshape(1, 3), x),
    "jacobian_forward_mode": lambda m, x, y: F(m).jacobian(lambda a, b: (a.sin() * b.sum(), b * 3), (x, y),
                                                           vectorize=True, strategy="forward-mode"),
    "jacobian_vectorize": lambda m, x, y: F(m).jacobian(lambda a: a.tanh(), x, vectorize=True),
    "hessian_single": lambda m, x, y: F(m).hessian(lambda a: (a ** 3).sum() + (a.exp() * a).mean(), x),
    "hessian_tuple": lambda m, x, y: F(m).hessian(lambda a, b: (a ** 2).sum() * b.sum() + (b ** 3).sum(), (x, y)),
    "hessian_linear": lambda m, x, y: F(m).hessian(lambda a: (a * 2).sum(), x),
    "vjp_single": lambda m, x, y: F(m).vjp(lambda a: a ** 2, x, m.ones(3)),
    "vjp_scalar_no_v": lambda m, x, y: F(m).vjp(lambda a: a.sum(), x),
    "vjp_tuple": lambda m, x, y: F(m).vjp(lambda a, b: (a.sum() * b, a * 2), (x, y), (m.ones(2), m.ones(3))),
    "jvp_single": lambda m, x, y: F(m).jvp(lambda a: a ** 2, x, m.ones(3)),
    "jvp_tuple": lambda m, x, y: F(m).jvp(lambda a, b: (a.sum() * b, a.exp()), (x, y), (m.ones(3), m.ones(2))),
    "jvp_constant_out": lambda m, x, y: F(m).jvp(lambda a: a * 0 + 1, x, m.ones(3)),
    "hvp": lambda m, x, y: F(m).hvp(lambda a: (a ** 3).sum(), x, m.ones(3)),
    "vhp": lambda m, x, y: F(m).vhp(lambda a: (a ** 3).sum(), x, m.ones(3)),
    "vhp_tuple": lambda m, x, y: F(m).vhp(lambda a, b: (a ** 3).sum() * b.sum(), (x, y), (m.ones(3), m.ones(2))),
    "hvp_tuple": lambda m, x, y: F(m).hvp(lambda a, b: (a.sin()).sum() * (b ** 2).sum(), (x, y),
                                          (m.ones(3), m.ones(2))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    ours, theirs = run_both(lambda m: CASES[name](m, *data(m)))
    assert_same(ours, theirs)


def test_create_graph_keeps_a_graph_and_default_detaches():
    def f(m):
        x = m.tensor([1., 2.], requires_grad=True)
        o, v = F(m).vjp(lambda a: a ** 2, x, m.ones(2), create_graph=True)
        assert o.requires_grad and v.requires_grad
        o2, v2 = F(m).vjp(lambda a: a ** 2, x, m.ones(2))
        assert not o2.requires_grad and not v2.requires_grad
        J = F(m).jacobian(lambda a: a ** 3, x, create_graph=True)
        assert J.requires_grad and not F(m).jacobian(lambda a: a ** 3, x).requires_grad
        (gJ,) = m.autograd.grad(J.sum(), x)
        H = F(m).hessian(lambda a: (a ** 4).sum(), x, create_graph=True)
        (gH,) = m.autograd.grad(H.sum(), x)
        return v, gJ, gH
    assert_same(*run_both(f))


def test_strict_mode_errors():
    both_raise(lambda m: F(m).jacobian(lambda a: m.ones(2), m.ones(2), strict=True), RuntimeError,
               "Output 0 of the user-provided function does not require gradients")
    both_raise(lambda m: F(m).jacobian(lambda a, b: a * 2, (m.ones(2), m.ones(3)), strict=True), RuntimeError,
               "Output 0 of the user-provided function is independent of input 1. This is not allowed in strict mode")
    both_raise(lambda m: F(m).jacobian(lambda a: a * 2, m.ones(2), create_graph=True, strict=True), RuntimeError,
               "The jacobian of the user-provided function is independent of input 0")
    both_raise(lambda m: F(m).hessian(lambda a: (a * 2).sum(), m.ones(2), strict=True), RuntimeError,
               "While computing the hessian, found that the jacobian of the user-provided function with respect to "
               "input 0 is independent of the input")
    both_raise(lambda m: F(m).vjp(lambda a, b: a * 2, (m.ones(2), m.ones(2)), m.ones(2), strict=True),
               RuntimeError, "The output of the user-provided function is independent of input 1")
    both_raise(lambda m: F(m).jvp(lambda a: m.ones(2), m.ones(2), m.ones(2), strict=True), RuntimeError,
               "Output 0 of the user-provided function does not require gradients")
    both_raise(lambda m: F(m).hvp(lambda a: (a * 2).sum(), m.ones(2), m.ones(2), strict=True), RuntimeError,
               "While computing the hessian, found that the jacobian")


def test_argument_errors():
    both_raise(lambda m: F(m).jacobian(lambda a: 3, m.ones(2)), TypeError,
               "The outputs of the user-provided function given to jacobian must be either a Tensor or a tuple of "
               "Tensors")
    both_raise(lambda m: F(m).jacobian(lambda a: a, [m.ones(2)]), TypeError,
               "The inputs given to jacobian must be either a Tensor or a tuple of Tensors")
    both_raise(lambda m: F(m).jacobian(lambda a: a, m.ones(2), strategy="bad"), AssertionError,
               'Expected strategy to be either "forward-mode" or "reverse-mode"')
    both_raise(lambda m: F(m).jacobian(lambda a: a, m.ones(2), strategy="forward-mode"), NotImplementedError,
               "only implemented for `vectorize=True`")
    both_raise(lambda m: F(m).hessian(lambda a: a ** 3, m.ones(2)), RuntimeError,
               "The Tensor returned by the function given to hessian should contain a single element")
    both_raise(lambda m: F(m).vjp(lambda a: a ** 2, m.ones(2)), RuntimeError,
               "The vector v can only be None if the user-provided function returns a single Tensor with a single "
               "element")
    both_raise(lambda m: F(m).vjp(lambda a: a ** 2, m.ones(2), m.ones(3)), RuntimeError,
               r"v has invalid size: should be (torch|npgrad)\.Size\(\[2\]\) but got (torch|npgrad)\.Size\(\[3\]\)")
    both_raise(lambda m: F(m).jvp(lambda a: a ** 2, m.ones(2)), RuntimeError,
               "The vector v can only be None if the input to the user-provided function is a single Tensor")
    both_raise(lambda m: F(m).hvp(lambda a: a ** 3, m.ones(2), m.ones(2)), RuntimeError,
               "The Tensor returned by the function given to hvp should contain a single element")
    both_raise(lambda m: F(m).vhp(lambda a: (a ** 3).sum(), (m.ones(2),), (m.ones(2), m.ones(2))), RuntimeError,
               "v is a tuple of invalid length: should be 1 but got 2")


def test_grad_is_grads_batched():
    def f(m):
        x = m.tensor([1., 2., 3.], requires_grad=True)
        y = x.exp() * x
        (rows,) = m.autograd.grad(y, x, m.eye(3), is_grads_batched=True)
        a = m.ones(2, requires_grad=True)
        ga, gb = m.autograd.grad((a * 2, x.sum()), (a, x), (m.ones(4, 2), m.arange(4.)), is_grads_batched=True)
        return rows, ga, gb
    assert_same(*run_both(f))
