"""Higher-order autograd on npgrad: a gradient penalty, a Newton step with a Hessian, and a Jacobian computed by
forward mode and by reverse mode. Each result is printed and checked (against a closed form or the other
mode); the script exits non-zero if a check fails. Runs in well under a second.

    python examples/higher_order.py
"""
import numpy as np

import npgrad as torch
import npgrad.autograd.forward_ad as fwAD
from npgrad.autograd.functional import hessian, jacobian
from npgrad.func import jacfwd, jacrev


def check(name, ok):
    print(f"  check {name}: {'ok' if ok else 'FAILED'}")
    if not ok:
        raise SystemExit(f"higher_order.py: check '{name}' failed")


# ---------------------------------------------------------------------------------------------- 1. gradient penalty
print("1. Gradient penalty (WGAN-GP): penalise ||d critic / d input|| - 1, then backprop into the weights")
torch.manual_seed(0)
w = torch.randn(3, 1, dtype=torch.float64, requires_grad=True)
x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
critic = torch.tanh(x @ w).sum()
(grad_x,) = torch.autograd.grad(critic, x, create_graph=True)  # a graph of the gradient itself
penalty = ((grad_x.norm(dim=1) - 1) ** 2).mean()
penalty.backward()
print(f"  penalty = {penalty.item():.6f}")
print(f"  d penalty / d w = {w.grad.reshape(-1)}")
# check against finite differences of the penalty as a function of w
def penalty_of(wv):
    wt = torch.tensor(wv, requires_grad=True)
    xt = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(torch.tanh(xt @ wt).sum(), xt, create_graph=True)
    return ((g.norm(dim=1) - 1) ** 2).mean().item()
eps, base = 1e-6, w.detach().numpy().copy()
fd = []
for i in range(3):
    up, down = base.copy(), base.copy()
    up[i, 0] += eps
    down[i, 0] -= eps
    fd.append((penalty_of(up) - penalty_of(down)) / (2 * eps))
check("penalty gradient matches finite differences", np.allclose(w.grad.numpy().reshape(-1), fd, atol=1e-6))

# ---------------------------------------------------------------------------------------------- 2. Newton step
print("2. Newton's method on f(x) = sum(exp(x) - 2x) + x0*x1, with the exact Hessian")
def f(v):
    return (torch.exp(v) - 2 * v).sum() + v[0] * v[1]

v = torch.tensor([1.0, -0.5], dtype=torch.float64)
for step in range(8):
    vr = v.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(vr), vr)
    H = hessian(f, v)
    v = v - torch.tensor(np.linalg.solve(H.numpy(), g.numpy()))
    print(f"  step {step}: x = {v}, |grad| = {g.norm().item():.2e}")
vr = v.detach().requires_grad_(True)
(g,) = torch.autograd.grad(f(vr), vr)
check("Newton converged to a stationary point", g.norm().item() < 1e-10)
check("Hessian is [[e^x0, 1], [1, e^x1]]",
      np.allclose(hessian(f, v).numpy(), [[np.exp(v[0].item()), 1], [1, np.exp(v[1].item())]]))

# ---------------------------------------------------------------------------------------------- 3. Jacobians
print("3. Jacobian of g(x) = (sin(x0*x1), x0 + x2^2, x1*x2*x2) by forward mode and by reverse mode")
def g(v):
    return torch.stack([torch.sin(v[0] * v[1]), v[0] + v[2] ** 2, v[1] * v[2] * v[2]])

p = torch.tensor([0.5, 1.5, -2.0], dtype=torch.float64)
# forward mode by hand: one dual pass per input direction gives one column
cols = []
with fwAD.dual_level():
    for k in range(3):
        out = g(fwAD.make_dual(p, torch.eye(3, dtype=torch.float64)[k]))
        cols.append(fwAD.unpack_dual(out).tangent)
J_fwd = torch.stack(cols, dim=1)
# reverse mode: one backward pass per output gives one row
J_rev = jacobian(g, p)
print(f"  forward mode:\n{J_fwd}")
print(f"  reverse mode:\n{J_rev}")
x0, x1, x2 = p.tolist()
exact = [[x1 * np.cos(x0 * x1), x0 * np.cos(x0 * x1), 0], [1, 0, 2 * x2], [0, x2 * x2, 2 * x1 * x2]]
check("forward == reverse", np.allclose(J_fwd.numpy(), J_rev.numpy()))
check("matches the closed form", np.allclose(J_rev.numpy(), exact))
check("npgrad.func.jacfwd == jacrev", np.allclose(jacfwd(g)(p).numpy(), jacrev(g)(p).numpy()))
print("all checks passed")
