"""``npgrad.compile(optimizer.step)``: the generated update equals the eager step to the bit (50 steps, with an
LR scheduler, small parameters updated flat and large ones parameter by parameter), tracks torch to rounding,
follows guard changes (a parameter gaining its gradient, a loaded state dict, eager steps in between) and falls
back with a warning where it has no rule."""
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad import compiler, nn

O = npgrad.optim

CASES = {
    "sgd": lambda m, p: m.optim.SGD(p, lr=0.1),
    "sgd_momentum_wd": lambda m, p: m.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd_nesterov_maximize": lambda m, p: m.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1,
                                                      maximize=True),
    "adam": lambda m, p: m.optim.Adam(p, lr=0.05),
    "adam_wd": lambda m, p: m.optim.Adam(p, lr=0.05, weight_decay=0.1),
    "adamw": lambda m, p: m.optim.AdamW(p, lr=0.05),
    "adam_amsgrad_maximize_beta1": lambda m, p: m.optim.Adam(p, lr=0.02, amsgrad=True, maximize=True,
                                                             weight_decay=0.1, betas=(0.3, 0.9)),
}
SIZES = {"small": (5, 8, 1), "large": (200, 160, 2),   # flat segments / per-parameter code
         "pieces": (300, 160, 2)}   # a 48,000-element weight: SGD's update in pieces through a small scratch


def _model(m, sizes, dtype, seed=0):
    g = np.random.default_rng(seed)
    net = m.nn.Sequential(m.nn.Linear(sizes[0], sizes[1]), m.nn.Tanh(), m.nn.Linear(sizes[1], sizes[2]))
    with m.no_grad():
        for p in net.parameters():
            p.copy_(m.tensor(g.standard_normal(tuple(p.shape)) / np.sqrt(p.shape[-1])))
    return net.double() if dtype == np.float64 else net


def _train(m, make, sizes, dtype=np.float32, compiled=False, steps=50, sched=True, between=None):
    net = _model(m, sizes, dtype)
    opt = make(m, net.parameters())
    s = m.optim.lr_scheduler.StepLR(opt, 7, 0.5) if sched else None
    step = m.compile(opt.step) if compiled else opt.step
    rng = np.random.default_rng(1)
    for i in range(steps):
        x = m.tensor(rng.standard_normal((4, sizes[0])).astype(dtype))
        opt.zero_grad()
        net(x).tanh().pow(2).mean().backward()   # bounded: maximize stays finite
        (between(i, opt, step) if between else step)()
        if s:
            s.step()
    return [p.detach().numpy().copy() for p in net.parameters()], opt, step


def _same(a, b):
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and np.array_equal(x, y), np.abs(x - y).max()


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(CASES))
def test_50_steps_equal_eager_bitwise_and_torch(name, size):
    make = CASES[name]
    eager, _, _ = _train(npgrad, make, SIZES[size])
    compiler.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comp, _, step = _train(npgrad, make, SIZES[size], compiled=True)
    _same(comp, eager)
    c = compiler.counters
    assert c["graph_breaks"] == 0 and c["captures"] == 1 and c["replays"] == 49 and c["recompiles"] == 0, c
    assert "def run(opt):" in step.explain() and "guard" in step.explain()
    if size == "small":
        assert "_cat((" in step.explain()     # one gathered update for the segment
    # against torch in float64 (in float32 the GEMMs' rounding grows over 50 Adam steps, eager or compiled)
    comp64, _, _ = _train(npgrad, make, SIZES[size], np.float64, compiled=True)
    ref, _, _ = _train(torch, make, SIZES[size], np.float64)
    for a, b in zip(comp64, ref):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", ["sgd_momentum_wd", "adamw"])
def test_float64_and_two_groups_of_different_dtypes(name):
    def build(m, params):
        params = list(params)
        return CASES[name](m, [{"params": params[:2]}, {"params": params[2:], "lr": 0.01}])

    def run(compiled):
        net = _model(npgrad, (6, 5, 3), np.float64)
        net[2].float()   # the second group in float32, the first in float64
        opt = build(npgrad, net.parameters())
        step = npgrad.compile(opt.step) if compiled else opt.step
        rng = np.random.default_rng(2)
        for _ in range(20):
            x = npgrad.tensor(rng.standard_normal((3, 6)))
            opt.zero_grad()
            net[2](net[1](net[0](x)).float()).pow(2).sum().backward()
            step()
        return [p.detach().numpy().copy() for p in net.parameters()]
    _same(run(True), run(False))


def test_a_parameter_without_gradient_then_with_one_recompiles():
    def between(i, opt, step):
        if i < 10:
            opt.param_groups[0]["params"][0].grad = None   # the first weight is frozen for 10 steps
        return step
    for name in ("sgd_momentum_wd", "adam"):
        eager, _, _ = _train(npgrad, CASES[name], SIZES["small"], steps=20, between=between)
        compiler.reset()
        comp, _, step = _train(npgrad, CASES[name], SIZES["small"], compiled=True, steps=20, between=between)
        _same(comp, eager)
        assert compiler.counters["recompiles"] >= 1 and compiler.counters["graph_breaks"] == 0
        # SGD's new program moves the state into flat arrays again; Adam's steps now differ between parameters
        # (one segment shares one step count), so it updates them one by one
        assert ("_cat((" in step.explain()) == (name == "sgd_momentum_wd")


def test_eager_steps_in_between_share_the_moved_state():
    def between(i, opt, step):
        return opt.step if i % 3 == 2 else step
    for name in ("sgd_momentum_wd", "adam_amsgrad_maximize_beta1"):
        eager, _, _ = _train(npgrad, CASES[name], SIZES["small"], steps=30)
        comp, opt, _ = _train(npgrad, CASES[name], SIZES["small"], compiled=True, steps=30, between=between)
        _same(comp, eager)


def test_state_dict_round_trip_and_loading_recompiles():
    eager, e_opt, _ = _train(npgrad, CASES["adam"], SIZES["small"], steps=10, sched=False)
    comp, c_opt, step = _train(npgrad, CASES["adam"], SIZES["small"], compiled=True, steps=10, sched=False)
    _same(comp, eager)
    es, cs = e_opt.state_dict(), c_opt.state_dict()
    for k in es["state"]:
        for key in es["state"][k]:
            assert np.array_equal(es["state"][k][key].numpy(), cs["state"][k][key].numpy()), key
    c_opt.load_state_dict(e_opt.state_dict())
    before = compiler.counters["recompiles"]
    for p in c_opt.param_groups[0]["params"]:
        p.grad = npgrad.ones_like(p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step()          # the guard sees the new state: eager + a new program
        step()
    assert compiler.counters["recompiles"] == before + 1


def test_tensor_lr_read_every_call():
    p = nn.Parameter(npgrad.ones(3))
    lr = npgrad.tensor(0.5)
    opt = O.SGD([p], lr=lr)
    step = npgrad.compile(opt.step)
    for expect in ([0.5] * 3, [0.0] * 3):
        p.grad = npgrad.ones(3)
        step()
        assert p.tolist() == expect
    lr.fill_(0.25)
    p.grad = npgrad.ones(3)
    step()
    assert p.tolist() == [-0.25] * 3


def test_step_hooks_run_and_versions_bump():
    p = nn.Parameter(npgrad.ones(2))
    opt = O.SGD([p], lr=0.1, momentum=0.5)
    calls = []
    opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
    step = npgrad.compile(opt.step)
    for _ in range(3):
        p.grad = npgrad.ones(2)
        step()
    assert calls == ["pre", "post"] * 3
    y = (p * p).sum()      # p saved for backward, then changed in place by the (replayed) step
    p.grad = npgrad.ones(2)
    v = p._version
    step()
    assert p._version == v + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_unsupported_optimizers_fall_back_with_a_warning():
    p = nn.Parameter(npgrad.ones(2))
    step = npgrad.compile(O.RMSprop([p], lr=0.1).step)
    with pytest.warns(compiler.GraphBreakWarning, match="RMSprop.step has no compiled update rule"):
        p.grad = npgrad.ones(2)
        step()
    p.grad = npgrad.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step()        # one warning only
    assert "runs eagerly" in step.explain()
    q = torch.nn.Parameter(torch.ones(2))
    tstep = torch.optim.RMSprop([q], lr=0.1).step
    for _ in range(2):
        q.grad = torch.ones(2)
        tstep()
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6)
    # differentiable=True: the eager step runs (and, on a leaf, raises as torch's does)
    opt = O.SGD([p], lr=0.1, differentiable=True)
    p.grad = npgrad.ones(2)
    with pytest.warns(compiler.GraphBreakWarning, match="differentiable=True"), \
            pytest.raises(RuntimeError, match="leaf Variable"):
        npgrad.compile(opt.step)()


def test_closure_runs_eagerly():
    p = nn.Parameter(npgrad.tensor([1.0, -2.0]))
    opt = O.Adam([p], lr=0.1)
    step = npgrad.compile(opt.step)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    losses = [step(closure).item() for _ in range(3)]
    q = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    topt = torch.optim.Adam([q], lr=0.1)

    def tclosure():
        topt.zero_grad()
        loss = (q * q).sum()
        loss.backward()
        return loss
    assert losses == pytest.approx([topt.step(tclosure).item() for _ in range(3)])
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6)
