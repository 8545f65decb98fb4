"""Learning-rate schedulers against torch.optim.lr_scheduler: the same floats, step for step."""
import math
import warnings

import pytest
import torch

import npgrad

STEPS = 60


def _optimizer(m, kind="sgd"):
    a, b = m.zeros(2, requires_grad=True), m.zeros(3, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if kind == "adam":
        return m.optim.Adam(groups, lr=0.1)
    return m.optim.SGD(groups, lr=0.1, momentum=0.9)


def _lam(e):
    return 0.95 ** e


def _mult(e):
    return 0.97


SCHEDULERS = {
    "StepLR": lambda S, o: S.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3),
    "ExponentialLR": lambda S, o: S.ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=12, eta_min=0.001),
    "CosineAnnealingLR-default": lambda S, o: S.CosineAnnealingLR(o, T_max=25),
    "WarmRestarts-Tmult2": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.01),
    "WarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=7),
    "OneCycleLR-cos": lambda S, o: S.OneCycleLR(o, max_lr=0.5, total_steps=STEPS),
    "OneCycleLR-no-momentum": lambda S, o: S.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=STEPS + 5,
                                                        cycle_momentum=False, pct_start=0.4),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.25, total_iters=10),
    "LinearLR-decay": lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=33),
    "LambdaLR": lambda S, o: S.LambdaLR(o, _lam),
    "LambdaLR-list": lambda S, o: S.LambdaLR(o, [_lam, lambda e: 1.0 / (1 + e)]),
    "MultiplicativeLR": lambda S, o: S.MultiplicativeLR(o, _mult),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=8),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=40, power=2.0),
    "SequentialLR": lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=30)], milestones=[5]),
    "SequentialLR-3": lambda S, o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.3, total_iters=4), S.ExponentialLR(o, gamma=0.9),
            S.StepLR(o, step_size=6, gamma=0.5)], milestones=[10, 25]),
    "ChainedScheduler": lambda S, o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=4),
                                                         S.ExponentialLR(o, gamma=0.9)]),
    "CyclicLR-triangular2": lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=7,
                                                    mode="triangular2"),
    "CyclicLR-exp_range": lambda S, o: S.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=5,
                                                  step_size_down=3, mode="exp_range", gamma=0.97),
}
ADAM_SCHEDULERS = {
    "OneCycleLR-linear-3phase-betas": lambda S, o: S.OneCycleLR(o, max_lr=[0.3, 0.1], epochs=6, steps_per_epoch=10,
                                                                anneal_strategy="linear", three_phase=True),
    "CyclicLR-betas": lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
}


def _trace(m, build, kind, steps=STEPS):
    opt = _optimizer(m, kind)
    sched = build(m.optim.lr_scheduler, opt)
    out = [([g["lr"] for g in opt.param_groups], [g.get("momentum") for g in opt.param_groups],
            [g.get("betas") for g in opt.param_groups])]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(([g["lr"] for g in opt.param_groups], [g.get("momentum") for g in opt.param_groups],
                    [g.get("betas") for g in opt.param_groups]))
        assert sched.get_last_lr() == out[-1][0]
    return out, sched, opt


@pytest.mark.parametrize("name,kind", [(k, "sgd") for k in SCHEDULERS] + [(k, "adam") for k in ADAM_SCHEDULERS])
def test_same_learning_rates_as_torch(name, kind):
    build = SCHEDULERS.get(name) or ADAM_SCHEDULERS[name]
    ours, sched, opt = _trace(npgrad, build, kind)
    theirs, tsched, topt = _trace(torch, build, kind)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"{name}: step {step}: {a} != {b}"  # exact: the same float operations in the same order
    assert [sorted(g) for g in opt.param_groups] == [sorted(g) for g in topt.param_groups]
    if not hasattr(tsched, "_schedulers") and "Lambda" not in name and "Multiplicative" not in name \
            and "Cyclic" not in name:
        assert _plain(sched.state_dict()) == _plain(tsched.state_dict())


def _plain(sd):
    return {k: v for k, v in sd.items() if not callable(v)}


def test_state_dict_resumes_from_torch():
    """torch's scheduler state dict loaded into ours mid-run: the rest of the schedule is torch's."""
    rates = []
    for m in (torch, npgrad):
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2)
        if m is torch:
            for _ in range(9):
                opt.step()
                sched.step()
            saved_sched, saved_groups = sched.state_dict(), [dict(g, params=None) for g in opt.param_groups]
        else:
            sched.load_state_dict(dict(saved_sched))
            for g, saved in zip(opt.param_groups, saved_groups):
                g["lr"] = saved["lr"]
        rates.append([])
        for _ in range(20):
            opt.step()
            sched.step()
            rates[-1].append(sched.get_last_lr())
    assert rates[0] == rates[1]


@pytest.mark.parametrize("kw", [dict(), dict(mode="max", factor=0.5, patience=2, threshold=0.1),
                                dict(threshold_mode="abs", threshold=0.05, cooldown=3, patience=1,
                                     min_lr=[0.02, 0.01]),
                                dict(mode="max", threshold_mode="abs", patience=0, factor=0.3, eps=1e-3)])
def test_reduce_lr_on_plateau(kw):
    metrics = [1.0 / (1 + 0.3 * i) if i < 15 else 0.3 + 0.01 * math.sin(i) for i in range(STEPS)]
    results = []
    for m in (npgrad, torch):
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        trace = []
        for i, metric in enumerate(metrics):
            opt.step()
            sched.step(m.tensor(metric) if i % 2 else metric)
            trace.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
        results.append((trace, sched.state_dict()))
    assert results[0][0] == results[1][0]
    assert results[0][1] == results[1][1]


def test_closed_form_with_epoch_argument_warns_like_torch():
    out = []
    for m in (npgrad, torch):
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        opt.step()
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            sched.step(7)
        out.append((sched.get_last_lr(), [str(w.message)[:40] for w in rec]))
    assert out[0] == out[1]


def test_warns_when_scheduler_steps_before_optimizer():
    for m in (npgrad, torch):
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            sched.step()
        opt2 = _optimizer(m)
        sched2 = m.optim.lr_scheduler.ExponentialLR(opt2, gamma=0.5)
        opt2.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched2.step()


@pytest.mark.parametrize("build,exc,match", [
    (lambda S, o: S.OneCycleLR(o, max_lr=0.1), ValueError, "You must define either total_steps"),
    (lambda S, o: S.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1), ValueError, "pct_start"),
    (lambda S, o: S.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="x"), ValueError, "anneal_strategy"),
    (lambda S, o: S.OneCycleLR(o, max_lr=[0.1], total_steps=10), ValueError, "same length"),
    (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0"),
    (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=0), ValueError, "T_mult >= 1"),
    (lambda S, o: S.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor"),
    (lambda S, o: S.ConstantLR(o, factor=2), ValueError, "between 0 and 1"),
    (lambda S, o: S.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
    (lambda S, o: S.ReduceLROnPlateau(o, mode="avg"), ValueError, "mode avg is unknown!"),
    (lambda S, o: S.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs, got 1"),
    (lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2)], milestones=[3]), ValueError, "one more than"),
    (lambda S, o: S.SequentialLR(o, [S.ReduceLROnPlateau(o)], milestones=[]), ValueError, "ReduceLROnPlateau"),
    (lambda S, o: S.StepLR(object(), 2), TypeError, "object is not an Optimizer"),
    (lambda S, o: S.StepLR(o, 2, last_epoch=3), KeyError, "initial_lr"),
    (lambda S, o: S.LambdaLR(o, [_lam]), ValueError, "Expected 2 lr_lambdas, but got 1"),
])
def test_errors_match_torch(build, exc, match):
    for m in (npgrad, torch):
        with pytest.raises(exc, match=match):
            build(m.optim.lr_scheduler, _optimizer(m))


def test_one_cycle_raises_after_total_steps():
    for m in (npgrad, torch):
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(3):
            opt.step()
            sched.step()
        opt.step()
        with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
            sched.step()


def test_initial_lr_and_base_lrs():
    for m in (npgrad, torch):
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
        assert sched.base_lrs == [0.1, 0.05] and sched.last_epoch == 0 and sched.get_last_lr() == [0.1, 0.05]
