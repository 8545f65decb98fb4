"""Optimizers against torch.optim: identical starting values, 25 steps, parameters compared after every step."""
import warnings

import numpy as np
import pytest
import torch

import npgrad

STEPS = 25
# float64 follows torch to rounding; float32 differs by a few ulps per step (torch fuses multiply-adds),
# which adaptive methods can amplify where a gradient passes near zero.
TOL = {"float64": dict(rtol=1e-9, atol=1e-12), "float32": dict(rtol=2e-4, atol=2e-5)}

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, maximize=True, foreach=False, capturable=False)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.1, alpha=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2, weight_decay=0.1)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1, betas=(0.7, 0.9))),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, betas=(0.9, 0.9))),
]


def _ids(case):
    name, kw = case
    return name + "-" + ",".join(f"{k}={v}" for k, v in kw.items())


def _data(seed=0):
    rng = np.random.default_rng(seed)
    return dict(X=rng.standard_normal((16, 3)), Y=rng.standard_normal((16, 2)), W=rng.standard_normal((3, 2)),
                B=rng.standard_normal(2), labels=(rng.random((16, 2)) < 0.5) * 2.0 - 1)


def _setup(m, dtype, d):
    dt = getattr(m, dtype)
    w = m.tensor(d["W"], dtype=dt, requires_grad=True)
    b = m.tensor(d["B"], dtype=dt, requires_grad=True)
    x, y, lab = (m.tensor(d[k], dtype=dt) for k in ("X", "Y", "labels"))

    def quadratic():
        return ((x @ w + b - y) ** 2).mean()

    def logistic():  # mean log(1 + exp(-label * logit)) on data that is not separable
        return (1 + (-(lab * (x @ w + b))).exp()).log().mean()
    return w, b, {"quadratic": quadratic, "logistic": logistic}


def _flat(m, params):
    return np.concatenate([p.detach().numpy().astype(np.float64).ravel() for p in params])


def _run(m, name, kw, dtype, problem, steps=STEPS, d=None):
    w, b, losses = _setup(m, dtype, d or _data())
    opt = getattr(m.optim, name)([w, b], **kw)
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        losses[problem]().backward()
        opt.step()
        traj.append(_flat(m, [w, b]))
    return np.array(traj), opt, (w, b)


@pytest.mark.parametrize("problem", ["quadratic", "logistic"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_torch_every_step(case, dtype, problem):
    name, kw = case
    ours, opt, (w, _) = _run(npgrad, name, kw, dtype, problem)
    theirs, topt, (tw, _) = _run(torch, name, kw, dtype, problem)
    for step in range(STEPS):
        np.testing.assert_allclose(ours[step], theirs[step], err_msg=f"{name} step {step + 1}", **TOL[dtype])
    # the state has torch's keys, shapes and dtypes
    st, tst = opt.state[w], topt.state[tw]
    assert list(st) == list(tst)
    for key in tst:
        if isinstance(tst[key], torch.Tensor):
            assert str(st[key].dtype) == str(tst[key].dtype).replace("torch", "npgrad"), key
            assert tuple(st[key].shape) == tuple(tst[key].shape), key
            np.testing.assert_allclose(st[key].numpy(), tst[key].numpy(), err_msg=key, **TOL[dtype])


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("problem", ["quadratic", "logistic"])
def test_lbfgs_matches_torch(line_search_fn, dtype, problem):
    kw = dict(lr=0.5 if line_search_fn is None else 1, max_iter=4, history_size=3,
              line_search_fn=line_search_fn)
    results = []
    for m in (npgrad, torch):
        w, b, losses = _setup(m, dtype, _data(1))
        opt = m.optim.LBFGS([w, b], **kw)

        def closure():
            opt.zero_grad()
            loss = losses[problem]()
            loss.backward()
            return loss
        traj, returned = [], []
        for _ in range(6):
            returned.append(float(opt.step(closure).detach()))
            traj.append(_flat(m, [w, b]))
        state = opt.state[w]
        results.append((np.array(traj), returned, state["func_evals"], state["n_iter"], len(state["old_dirs"])))
    (ours, lo, fe, ni, nd), (theirs, lt, tfe, tni, tnd) = results
    # float32: once converged, the parameters sit at the optimum up to rounding noise of ~1e-4
    tol = TOL[dtype] if dtype == "float64" else dict(rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(ours, theirs, **tol)
    np.testing.assert_allclose(lo, lt, **tol)
    if dtype == "float64":
        assert (fe, ni, nd) == (tfe, tni, tnd)


def test_lbfgs_stops_at_optimum_and_rejects_groups():
    for m in (npgrad, torch):
        w = m.zeros(3, requires_grad=True)
        opt = m.optim.LBFGS([w])

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss
        opt.step(closure)  # the gradient is 0 already: one evaluation, no update
        assert opt.state[w]["func_evals"] == 1 and opt.state[w]["n_iter"] == 0
        with pytest.raises(ValueError, match="per-parameter options"):
            m.optim.LBFGS([{"params": [w]}, {"params": [m.zeros(1, requires_grad=True)]}])
        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            w2 = m.ones(2, requires_grad=True)
            opt2 = m.optim.LBFGS([w2], line_search_fn="wolfe")
            opt2.step(lambda: (w2 * w2).sum().backward() or (w2 * w2).sum())


def test_param_groups_with_their_own_options_and_missing_grads():
    results = []
    for m in (npgrad, torch):
        a = m.tensor([1.0, -2.0], requires_grad=True)
        b = m.tensor([0.5, 3.0], requires_grad=True)
        c = m.tensor([4.0], requires_grad=True)  # never gets a gradient: untouched, no state
        opt = m.optim.Adam([{"params": [a]}, {"params": [b, c], "lr": 0.3, "betas": (0.5, 0.9)}], lr=0.1)
        for _ in range(5):
            opt.zero_grad()
            ((a * a).sum() + (b ** 3).sum()).backward()
            opt.step()
        assert len(opt.state) == 2 and c not in opt.state
        assert c.grad is None
        results.append((_flat(m, [a, b, c]), [sorted((k, str(v)) for k, v in g.items() if k != "params")
                                               for g in opt.param_groups]))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
    assert results[0][1] == results[1][1]


def test_add_param_group_and_repr():
    reprs = []
    for m in (npgrad, torch):
        a = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([a], lr=0.1, momentum=0.9)
        opt.add_param_group({"params": m.ones(3, requires_grad=True), "lr": 0.01})
        assert len(opt.param_groups) == 2 and opt.param_groups[1]["momentum"] == 0.9
        assert isinstance(opt.param_groups[1]["params"], list)
        with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
            opt.add_param_group({"params": [a]})
        reprs.append(repr(opt))
        reprs.append(repr(m.optim.AdamW([m.ones(1, requires_grad=True)])))
    assert reprs[:2] == reprs[2:]


def test_named_parameters_are_accepted():
    for m in (npgrad, torch):
        a, b = m.ones(2, requires_grad=True), m.ones(1, requires_grad=True)
        opt = m.optim.SGD([("a", a), ("b", b)], lr=0.1)
        assert opt.param_groups[0]["param_names"] == ["a", "b"]
        assert opt.state_dict()["param_groups"][0]["param_names"] == ["a", "b"]
        with pytest.raises(ValueError, match="with/without names"):
            opt.add_param_group({"params": [m.ones(1, requires_grad=True)]})


@pytest.mark.parametrize("build,exc,match", [
    (lambda m: m.optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda m: m.optim.SGD(m.ones(2, requires_grad=True), lr=0.1), TypeError, "iterable of Tensors or dicts"),
    (lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], lr=-1), ValueError, "Invalid learning rate: -1"),
    (lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], momentum=-1), ValueError, "Invalid momentum value"),
    (lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], nesterov=True), ValueError, "Nesterov momentum"),
    (lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], weight_decay=-1), ValueError, "Invalid weight_decay"),
    (lambda m: m.optim.SGD([[1.0]], lr=0.1), TypeError, "optimizer can only optimize Tensors"),
    (lambda m: m.optim.SGD([m.ones(2, requires_grad=True) * 2], lr=0.1), ValueError, "non-leaf"),
    (lambda m: m.optim.SGD([{"params": {m.ones(2, requires_grad=True)}}], lr=0.1), TypeError,
     "ordered collections"),
    (lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], betas=(1.0, 0.9)), ValueError,
     "Invalid beta parameter at index 0"),
    (lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], betas=(0.9, -0.1)), ValueError,
     "Invalid beta parameter at index 1"),
    (lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], eps=-1.0), ValueError, "Invalid epsilon value"),
    (lambda m: m.optim.RMSprop([m.ones(2, requires_grad=True)], alpha=-1.0), ValueError, "Invalid alpha value"),
    (lambda m: m.optim.Adadelta([m.ones(2, requires_grad=True)], rho=1.5), ValueError, "Invalid rho value"),
    (lambda m: m.optim.Adagrad([m.ones(2, requires_grad=True)], lr_decay=-1), ValueError, "Invalid lr_decay"),
    (lambda m: m.optim.NAdam([m.ones(2, requires_grad=True)], momentum_decay=-1), ValueError,
     "Invalid momentum_decay"),
    (lambda m: m.optim.SGD([{"params": [m.ones(2, requires_grad=True)]}, 3], lr=0.1), TypeError,
     "param_group must be a dict"),
])
def test_errors_match_torch(build, exc, match):
    for m in (npgrad, torch):
        with pytest.raises(exc, match=match):
            build(m)


def test_zero_grad():
    for m in (npgrad, torch):
        w = m.ones(3, requires_grad=True)
        opt = m.optim.SGD([w], lr=0.1)
        (w * 2).sum().backward()
        opt.zero_grad(set_to_none=False)
        assert w.grad is not None and w.grad.tolist() == [0.0, 0.0, 0.0]
        opt.zero_grad()
        assert w.grad is None


def test_step_returns_closure_loss_and_runs_hooks():
    for m in (npgrad, torch):
        w = m.ones(3, requires_grad=True)
        opt = m.optim.Adam([w], lr=0.1)
        calls = []
        h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append("pre"))
        opt.register_step_post_hook(lambda o, args, kwargs: calls.append("post"))

        def closure():
            calls.append("closure")
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            assert m.is_grad_enabled()
            return loss
        with m.no_grad():
            loss = opt.step(closure)
        assert float(loss.detach()) == 3.0
        h1.remove()
        opt.step()
        assert calls == ["pre", "closure", "post", "post"]


def test_subclass_calling_super_step_runs_hooks_once():
    # (torch runs them twice once the parent class has been instantiated somewhere: its patching is per class)
    class Mine(npgrad.optim.SGD):
        def step(self, closure=None):
            return super().step(closure)
    w = npgrad.ones(2, requires_grad=True)
    opt = Mine([w], lr=0.1)
    calls = []
    opt.register_step_pre_hook(lambda *a: calls.append("pre"))
    opt.register_step_post_hook(lambda *a: calls.append("post"))
    (w * w).sum().backward()
    opt.step()
    assert calls == ["pre", "post"] and w.tolist() == torch.tensor([0.8, 0.8]).tolist()


def _to(m, obj):
    """Copy a state dict across frameworks (tensors through NumPy, containers rebuilt)."""
    if isinstance(obj, (torch.Tensor, npgrad.Tensor)):
        return m.tensor(obj.detach().numpy().copy())
    if isinstance(obj, dict):
        return type(obj)((k, _to(m, v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to(m, v) for v in obj)
    return obj


def _same_structure(a, b, path="sd"):
    if isinstance(b, torch.Tensor):
        assert isinstance(a, npgrad.Tensor), path
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1], path
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, err_msg=path)
    elif isinstance(b, dict):
        assert type(a) is type(b) and list(a) == list(b), f"{path}: {list(a)} vs {list(b)}"
        for k in b:
            _same_structure(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same_structure(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.05, momentum=0.9)), ("Adam", dict(lr=0.05, amsgrad=True)),
                                     ("NAdam", dict(lr=0.05)), ("Adagrad", dict(lr=0.1)),
                                     ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5))])
def test_state_dict_layout_and_cross_loading(name, kw):
    d = _data(2)
    _, opt, _ = _run(npgrad, name, kw, "float64", "quadratic", steps=5, d=d)
    _, topt, _ = _run(torch, name, kw, "float64", "quadratic", steps=5, d=d)
    sd, tsd = opt.state_dict(), topt.state_dict()
    _same_structure(sd, tsd)

    # each side's state dict (converted) loaded into a fresh optimizer of the other continues as torch does
    tw, tb = topt.param_groups[0]["params"]
    for m, source in ((npgrad, _to(npgrad, tsd)), (torch, _to(torch, sd))):
        w = m.tensor(tw.detach().numpy().copy(), requires_grad=True)
        b = m.tensor(tb.detach().numpy().copy(), requires_grad=True)
        x, y = m.tensor(d["X"]), m.tensor(d["Y"])
        fresh = getattr(m.optim, name)([w, b], **kw)
        fresh.load_state_dict(source)
        traj = []
        for _ in range(5):
            fresh.zero_grad()
            ((x @ w + b - y) ** 2).mean().backward()
            fresh.step()
            traj.append(_flat(m, [w, b]))
        if m is npgrad:
            ours = np.array(traj)
        else:
            theirs = np.array(traj)
    # reference: torch continuing its own run
    ref = []
    tx, ty = torch.tensor(d["X"]), torch.tensor(d["Y"])
    for _ in range(5):
        topt.zero_grad()
        ((tx @ tw + tb - ty) ** 2).mean().backward()
        topt.step()
        ref.append(_flat(torch, [tw, tb]))
    np.testing.assert_allclose(ours, np.array(ref), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(theirs, np.array(ref), rtol=1e-9, atol=1e-10)


def test_load_state_dict_errors_and_casts():
    for m in (npgrad, torch):
        a = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([a], lr=0.1, momentum=0.9)
        with pytest.raises(ValueError, match="different number of parameter groups"):
            opt.load_state_dict({"state": {}, "param_groups": []})
        with pytest.raises(ValueError, match="doesn't match the size"):
            opt.load_state_dict({"state": {}, "param_groups": [{"params": [0, 1], "lr": 0.1}]})
        # a float64 momentum buffer is cast to the float32 parameter's dtype
        sd = {"state": {0: {"momentum_buffer": m.ones(2, dtype=m.float64)}},
              "param_groups": [dict(opt.param_groups[0], params=[0], lr=0.5)]}
        opt.load_state_dict(sd)
        assert opt.state[a]["momentum_buffer"].dtype == m.float32
        assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["params"][0] is a


def test_step_counter_is_a_tensor_like_torch():
    for m in (npgrad, torch):
        w = m.ones(2, requires_grad=True)
        opt = m.optim.Adam([w])
        (w * w).sum().backward()
        opt.step()
        opt.step()
        step = opt.state[w]["step"]
        assert isinstance(step, m.Tensor) and step.dtype == m.float32 and step.dim() == 0 and float(step) == 2.0


def test_no_graph_is_recorded_and_versions_bump():
    w = npgrad.ones(2, requires_grad=True)
    opt = npgrad.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    v = w._version
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
    assert w.grad_fn is None and w.requires_grad and w._version > v
