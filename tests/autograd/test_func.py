"""npgrad.func against torch.func: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, vmap (pointwise,
reductions, matmul, shape ops, nesting) and their errors."""
import numpy as np
import pytest
import torch
import torch.func

import npgrad
import npgrad.func
from tests.support.oracle import assert_same


def fn(m):
    return npgrad.func if m is npgrad else torch.func


def run_both(f):
    return f(npgrad), f(torch)


def both_raise(f, exc, match):
    for m in (npgrad, torch):
        with pytest.raises(exc, match=match):
            f(m)


def xy(m):
    rng = np.random.default_rng(2)
    return m.tensor(rng.standard_normal(3).astype(np.float32)), m.tensor(rng.standard_normal(3).astype(np.float32))


CASES = {
    "grad": lambda m, x, y: fn(m).grad(lambda a: (a ** 3).sum())(x),
    "grad_argnums": lambda m, x, y: fn(m).grad(lambda a, b: (a * b.exp()).sum(), argnums=(0, 1))(x, y),
    "grad_argnum1": lambda m, x, y: fn(m).grad(lambda a, b: (a * b.exp()).sum(), argnums=1)(x, y),
    "grad_neg_argnum": lambda m, x, y: fn(m).grad(lambda a, b: (a * b.exp()).sum(), argnums=-1)(x, y),
    "grad_aux": lambda m, x, y: fn(m).grad(lambda a: ((a ** 3).sum(), a * 2), has_aux=True)(x),
    "grad_unused": lambda m, x, y: fn(m).grad(lambda a: y.sum())(x),
    "grad_grad": lambda m, x, y: fn(m).grad(fn(m).grad(lambda a: a.sin() * a ** 3))(x[0]),
    "grad_grad_grad": lambda m, x, y: fn(m).grad(fn(m).grad(fn(m).grad(lambda a: a.tanh())))(x[1]),
    "grad_closure": lambda m, x, y: fn(m).grad(lambda a: fn(m).grad(lambda b: (a * b).sum())(y).pow(2).sum())(x),
    "grad_and_value": lambda m, x, y: fn(m).grad_and_value(lambda a: (a ** 3).sum())(x),
    "grad_and_value_aux": lambda m, x, y: fn(m).grad_and_value(lambda a: ((a ** 3).sum(), a), has_aux=True)(x),
    "grad_dict": lambda m, x, y: tuple(fn(m).grad(lambda d: (d["a"] * d["b"]).sum())({"a": x, "b": y}).values()),
    "jvp": lambda m, x, y: fn(m).jvp(lambda a: a ** 2, (x,), (m.ones(3),)),
    "jvp_two": lambda m, x, y: fn(m).jvp(lambda a, b: (a * b, a.sum()), (x, y), (m.ones(3), y * 0 + 0.5)),
    "jvp_aux": lambda m, x, y: fn(m).jvp(lambda a: (a.exp(), a * 3), (x,), (y,), has_aux=True),
    "jacrev": lambda m, x, y: fn(m).jacrev(lambda a: a.exp() * a.sum())(x),
    "jacrev_argnums": lambda m, x, y: fn(m).jacrev(lambda a, b: a * b, argnums=(0, 1))(x, y),
    "jacrev_multi_out": lambda m, x, y: fn(m).jacrev(lambda a, b: (a * b, a.sum()))(x, y),
    "jacrev_aux": lambda m, x, y: fn(m).jacrev(lambda a: (a ** 2, a.sum()), has_aux=True)(x),
    "jacrev_matrix": lambda m, x, y: fn(m).jacrev(lambda w: (w @ x).tanh())(m.ones(2, 3) * 0.1),
    "jacfwd": lambda m, x, y: fn(m).jacfwd(lambda a: a.sin() ** 2)(x),
    "jacfwd_argnum1": lambda m, x, y: fn(m).jacfwd(lambda a, b: (a * b, a.sum()), argnums=1)(x, y),
    "hessian": lambda m, x, y: fn(m).hessian(lambda a: (a ** 3).sum() + (a[0] * a[1]).exp())(x),
    "hessian_of_jacrev_jacrev": lambda m, x, y: fn(m).jacrev(fn(m).jacrev(lambda a: (a.exp() * a).sum()))(x),
    "vmap_sum": lambda m, x, y: fn(m).vmap(lambda a: a.sum())(m.ones(3, 2) * x[:, None]),
    "vmap_matmul": lambda m, x, y: fn(m).vmap(lambda a, b: a @ b)(x.reshape(3, 1).expand(3, 2), m.ones(3, 2)),
    "vmap_in_dims_none": lambda m, x, y: fn(m).vmap(lambda a, b: a * b, in_dims=(0, None))(m.ones(3, 2), y[:2]),
    "vmap_in_dim1": lambda m, x, y: fn(m).vmap(lambda a: a * 2, in_dims=1)(m.arange(6.).reshape(2, 3)),
    "vmap_out_dim1": lambda m, x, y: fn(m).vmap(lambda a: a * x, in_dims=1, out_dims=1)(m.arange(6.).reshape(3, 2)),
    "vmap_tuple_out": lambda m, x, y: fn(m).vmap(lambda a: (a.exp(), a.sum()))(m.ones(3, 2) * x[:, None]),
    "vmap_shape_ops": lambda m, x, y: fn(m).vmap(lambda a: a.T.reshape(-1)[:4])(m.arange(24.).reshape(4, 2, 3)),
    "vmap_grad": lambda m, x, y: fn(m).vmap(fn(m).grad(lambda a: (a ** 2).sum()))(m.arange(6.).reshape(3, 2)),
    "vmap_dict": lambda m, x, y: fn(m).vmap(lambda d: {"b": d["a"] * 2})({"a": m.ones(2, 3)})["b"],
    "vmap_nested": lambda m, x, y: fn(m).vmap(fn(m).vmap(lambda a: a.exp()))(m.arange(6.).reshape(2, 3)),
    "vmap_jacrev": lambda m, x, y: fn(m).vmap(fn(m).jacrev(lambda a: a.sin() * a.sum()))(m.ones(2, 3) * x),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    ours, theirs = run_both(lambda m: CASES[name](m, *xy(m)))
    assert_same(ours, theirs)


def test_vjp_fn_reusable_and_tuple_result():
    def f(m):
        x, y = xy(m)
        out, vjp_fn = fn(m).vjp(lambda a, b: (a * b, a + b), x, y)
        g1 = vjp_fn((m.ones(3), m.ones(3)))
        g2 = vjp_fn((m.ones(3) * 2, m.zeros(3)))
        out2, vjp_fn2 = fn(m).vjp(lambda a: a ** 2, x)
        return out, g1, g2, out2, vjp_fn2(m.ones(3))
    assert_same(*run_both(f))


def test_results_are_plain_tensors_unless_input_requires_grad():
    def f(m):
        x = m.tensor([1., 2.])
        g = fn(m).grad(lambda a: (a ** 3).sum())(x)
        assert not g.requires_grad and g.grad_fn is None
        xr = m.tensor([1., 2.], requires_grad=True)
        g2 = fn(m).grad(lambda a: (a ** 3).sum())(xr)
        assert g2.requires_grad
        g2.sum().backward()  # composes with ordinary autograd
        J = fn(m).jacrev(lambda a: a ** 2)(x)
        assert not J.requires_grad
        return g, g2, xr.grad, J
    assert_same(*run_both(f))


def test_func_errors():
    both_raise(lambda m: fn(m).grad(lambda a: a ** 3)(m.ones(2)), RuntimeError,
               "Expected f\\(\\*args\\) to return a scalar Tensor, got tensor with 1 dims")
    both_raise(lambda m: fn(m).grad(lambda a: 3)(m.ones(2)), RuntimeError,
               "Expected f\\(\\*args\\) to return a Tensor, got <class 'int'>")
    both_raise(lambda m: fn(m).grad(lambda a, b: (a * b).sum(), argnums=2)(m.ones(2), m.ones(2)), RuntimeError,
               "Got argnum=2, but only 2 positional inputs")
    both_raise(lambda m: fn(m).grad(lambda a: a.sum(), argnums=1.5)(m.ones(2)), RuntimeError,
               "argnums must be int or Tuple")
    both_raise(lambda m: fn(m).grad(lambda a: (a ** 3).sum(), has_aux=True)(m.ones(2)), RuntimeError,
               "output of function f should be a tuple: \\(output, aux\\) if has_aux is True")
    both_raise(lambda m: fn(m).jvp(lambda a: a, m.ones(2), m.ones(2)), RuntimeError,
               "Expected primals to be a tuple")
    both_raise(lambda m: fn(m).jvp(lambda a: a, (m.ones(2),), (m.ones(3),)), RuntimeError,
               "Trying to set a forward gradient that has a different size")
    both_raise(lambda m: fn(m).vmap(lambda a, b: a * b)(m.ones(3, 2), m.ones(2, 2)), ValueError,
               "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes \\[3, 2\\]")
    both_raise(lambda m: fn(m).vmap(lambda a: a * 2, in_dims=None)(m.ones(3)), ValueError,
               "expected `in_dims` to be int or a \\(potentially nested\\) tuple")
    both_raise(lambda m: fn(m).vmap(lambda a: a * 2, in_dims=2)(m.ones(3)), ValueError,
               "Got in_dim=2 for some input, but that input is a Tensor of dimensionality 1")
    both_raise(lambda m: fn(m).vmap(lambda a: 3)(m.ones(3)), ValueError, "must only return Tensors, got type "
                                                                          "<class 'int'>")
    both_raise(lambda m: fn(m).vmap(lambda a: a * 2, in_dims=(0, 0))(m.ones(3)), ValueError,
               "in_dims is not compatible with the structure of `inputs`")


def test_functional_call_with_nn_module():
    def f(m):
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2)
        w = m.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3) / 10, requires_grad=True)
        b = m.tensor([0.5, -0.5], requires_grad=True)
        x = m.tensor(np.ones((4, 3), dtype=np.float32))
        out = fn(m).functional_call(lin, {"weight": w, "bias": b}, (x,))
        out.sum().backward()
        assert lin.weight.grad is None  # the module's own parameters were not used
        g = fn(m).grad(lambda p: fn(m).functional_call(lin, p, (x,)).pow(2).sum())({"weight": w.detach(),
                                                                                   "bias": b.detach()})
        return out, w.grad, b.grad, g["weight"], g["bias"]
    assert_same(*run_both(f))
