"""Optimizers with ``differentiable=True`` record their step: gradients of a function of the updated parameters
(and state) reach the parameters before the step, the gradient fed to the step, the state tensors and a tensor
``weight_decay``, as in torch. Differential against torch with ``differentiable=True``, plus float64 gradchecks."""
import numpy as np
import pytest
import torch

import npgrad

rng = np.random.default_rng(12)
P0 = rng.uniform(-1, 1, (2, 3))
G0 = rng.uniform(-1, 1, (2, 3))
W = rng.uniform(-1, 1, (2, 3))

# (name, optimizer class name, options, state tensors fed in (name -> value; empty for a fresh state), steps).
# amsgrad and centered RMSprop take one step: a second one changes in place a state tensor the first step saved,
# and torch refuses the backward then (so does npgrad: tested below).
CASES = [
    ("sgd", "SGD", {"lr": 0.1}, {}, 1),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2}, {"momentum_buffer": 0.3}, 2),
    ("sgd_nesterov_wd", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
     {"momentum_buffer": 0.3}, 2),
    ("sgd_fresh_momentum", "SGD", {"lr": 0.1, "momentum": 0.5, "maximize": True}, {}, 3),
    ("adam", "Adam", {"lr": 0.05}, {}, 2),
    ("adam_state", "Adam", {"lr": 0.05, "weight_decay": 0.1},
     {"exp_avg": 0.1, "exp_avg_sq": 0.4, "step": None}, 2),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "amsgrad": True},
     {"exp_avg": 0.1, "exp_avg_sq": 0.4, "max_exp_avg_sq": 0.5, "step": None}, 1),
    ("adamw", "AdamW", {"lr": 0.05, "weight_decay": 0.1}, {"exp_avg": 0.1, "exp_avg_sq": 0.4, "step": None}, 2),
    ("adamw_maximize", "AdamW", {"lr": 0.05, "maximize": True}, {}, 2),
    ("rmsprop", "RMSprop", {"lr": 0.01}, {"square_avg": 0.4, "step": None}, 2),
    ("rmsprop_centered_momentum", "RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1},
     {"square_avg": 0.9, "grad_avg": 0.1, "momentum_buffer": 0.2, "step": None}, 1),
    ("adagrad", "Adagrad", {"lr": 0.1, "lr_decay": 0.01}, {"sum": 0.5, "step": None}, 2),
    ("adagrad_wd", "Adagrad", {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.3}, {}, 2),
]


def _run(m, cls_name, options, state_values, steps):
    """p = p0.clone(); p.grad = g; step; return the gradients of <p, W> + sum of the state wrt p0, g, state."""
    p0 = m.tensor(P0, requires_grad=True)
    g = m.tensor(G0, requires_grad=True)
    state_in = {}
    for k, v in state_values.items():
        if k == "step":
            state_in[k] = m.tensor(3.0, dtype=m.float64)
        else:
            state_in[k] = m.full((2, 3), v, dtype=m.float64, requires_grad=True)
    p = p0.clone()
    opt = getattr(m.optim, cls_name)([p], differentiable=True, **options)
    if state_in:
        opt.state[p].update({k: (v.clone() if k != "step" else v.clone()) for k, v in state_in.items()})
    for i in range(steps):
        p.grad = g * (i + 1)
        opt.step()
    out = (p * m.tensor(W)).sum()
    st = [v for k, v in opt.state[p].items() if k != "step" and v.requires_grad]
    for v in st:
        out = out + (v * v).sum()
    leaves = [p0, g] + [v for k, v in state_in.items() if k != "step"]
    grads = m.autograd.grad(out, leaves, allow_unused=True)
    return p.detach().numpy().copy(), [None if x is None else x.numpy() for x in grads]


@pytest.mark.parametrize("name,cls_name,options,state_values,steps", CASES, ids=[c[0] for c in CASES])
def test_differentiable_step_gradients_match_torch(name, cls_name, options, state_values, steps):
    pt, gt = _run(torch, cls_name, options, state_values, steps)
    pn, gn = _run(npgrad, cls_name, options, state_values, steps)
    np.testing.assert_allclose(pn, pt, rtol=1e-10, atol=1e-12)
    assert len(gn) == len(gt)
    for a, b in zip(gn, gt):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert any(x is not None and np.abs(x).sum() > 0 for x in gn[1:])  # the gradient fed in gets one


@pytest.mark.parametrize("name,cls_name,options,state_values,steps", CASES, ids=[c[0] for c in CASES])
def test_differentiable_step_gradcheck(name, cls_name, options, state_values, steps):
    # torch detaches a fresh momentum buffer (the first step's update has no gradient wrt the gradient fed in):
    # there only the parameters are checked
    fresh_momentum = bool(options.get("momentum")) and "momentum_buffer" not in state_values

    def f(p0, g):
        p = p0.clone()
        opt = getattr(npgrad.optim, cls_name)([p], differentiable=True, **options)
        opt.state[p].update({k: npgrad.tensor(3.0 if k == "step" else np.full((2, 3), v))
                             for k, v in state_values.items()})
        for i in range(steps):
            p.grad = g * (i + 1)
            opt.step()
        return p
    p0 = npgrad.tensor(P0, requires_grad=True)
    g = npgrad.tensor(G0 + np.sign(G0), requires_grad=not fresh_momentum)  # away from 0: |g| is not smooth there
    if fresh_momentum:
        assert npgrad.autograd.gradcheck(lambda p0: f(p0, g), (p0,), eps=1e-6, atol=1e-5)
    else:
        assert npgrad.autograd.gradcheck(f, (p0, g), eps=1e-6, atol=1e-5)


def test_meta_learning_inner_step_matches_torch():
    """MAML-style: one inner SGD/Adam step on a loss, the outer loss after it, its gradient wrt the weights."""
    x = rng.uniform(-1, 1, (5, 3))
    y = rng.uniform(-1, 1, (5,))

    def run(m, cls_name, options):
        w = m.tensor(P0[0], requires_grad=True)
        p = w.clone()
        opt = getattr(m.optim, cls_name)([p], differentiable=True, **options)
        X, Y = m.tensor(x), m.tensor(y)
        for _ in range(2):
            # (X * p).sum(1), not X @ p: npgrad's matmul still saves p although only X's gradient would need it,
            # so the step's in-place update of p is refused at backward (torch saves only what it needs)
            inner = (((X * p).sum(1) - Y) ** 2).mean()
            (p.grad,) = m.autograd.grad(inner, p, create_graph=True)
            opt.step()
        outer = (((X * p).sum(1) + 1 - Y) ** 2).mean()
        (gw,) = m.autograd.grad(outer, w)
        return gw.numpy()

    for cls_name, options in (("SGD", {"lr": 0.1, "momentum": 0.5}), ("Adam", {"lr": 0.05}),
                              ("RMSprop", {"lr": 0.01}), ("Adagrad", {"lr": 0.1}), ("AdamW", {"lr": 0.05})):
        np.testing.assert_allclose(run(npgrad, cls_name, options), run(torch, cls_name, options), rtol=1e-9,
                                   atol=1e-12)


def test_tensor_weight_decay_gets_a_gradient():
    def run(m):
        wd = m.tensor(0.1, dtype=m.float64, requires_grad=True)
        p = m.tensor(P0, requires_grad=True).clone()
        opt = m.optim.SGD([p], lr=0.1, weight_decay=wd, differentiable=True)
        p.grad = m.tensor(G0)
        opt.step()
        (g,) = m.autograd.grad((p * m.tensor(W)).sum(), wd)
        return g.item()
    assert abs(run(npgrad) - run(torch)) < 1e-12


def test_differentiable_step_on_a_leaf_raises_like_torch():
    for m in (torch, npgrad):
        p = m.ones(3, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1, differentiable=True)
        p.grad = m.ones(3)
        with pytest.raises(RuntimeError, match="leaf"):
            opt.step()


def test_differentiable_step_records_even_under_no_grad():
    p0 = npgrad.ones(3, requires_grad=True)
    p = p0.clone()
    opt = npgrad.optim.SGD([p], lr=0.1, differentiable=True)
    p.grad = npgrad.ones(3)
    with npgrad.no_grad():
        opt.step()
    assert p.grad_fn is not None   # torch runs the step with grad mode set to `differentiable`


def test_plain_step_stays_outside_autograd():
    p = npgrad.ones(3, requires_grad=True)
    opt = npgrad.optim.Adam([p], lr=0.1)
    p.grad = npgrad.ones(3)
    opt.step()
    assert p.grad_fn is None and p.is_leaf


def test_second_step_through_saved_state_is_refused_like_torch():
    for m in (torch, npgrad):
        with pytest.raises(RuntimeError, match="inplace"):
            _run(m, "Adam", {"lr": 0.05, "amsgrad": True},
                 {"exp_avg": 0.1, "exp_avg_sq": 0.4, "max_exp_avg_sq": 0.5, "step": None}, 2)


@pytest.mark.parametrize("cls_name", ["Adadelta", "Adamax", "NAdam", "RAdam"])
def test_optimizers_without_a_differentiable_step_refuse_it(cls_name):
    with pytest.raises(NotImplementedError, match="differentiable"):
        getattr(npgrad.optim, cls_name)([npgrad.ones(2, requires_grad=True)], differentiable=True)
    getattr(npgrad.optim, cls_name)([npgrad.ones(2, requires_grad=True)])  # the ordinary step stays available
