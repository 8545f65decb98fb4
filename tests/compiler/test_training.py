"""Training loops through ``npgrad.compile``: 50 steps compiled against the same 50 steps eager.

Each loop starts from NumPy-made weights and batches, so the eager and the compiled run see identical inputs;
the losses must agree to rounding at every step and the parameters (and buffers: BatchNorm's running stats) at
the end. What is compiled varies: the model, the loss function (model + loss in one region), ``optimizer.step``
(SGD with momentum, Adam with a StepLR schedule changing lr), or all of them. The compiler's counters must show
replays, so an eager pass-through cannot pass. Dropout runs in train mode with the global generator seeded
before every step in both runs: replay draws fresh values on each call, from the same generator, in the same
order as eager. Guard changes (batch size, train/eval, requires_grad) must capture again and stay correct.
"""
import os
import sys
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad import compiler

nn = npgrad.nn
F = npgrad.nn.functional
STEPS = 50
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load(params, seed):
    """uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) from NumPy, like torch's default init, into ``params``."""
    g = np.random.default_rng(seed)
    fan_in = 1
    with npgrad.no_grad():
        for p in params:
            shape = tuple(p.shape)
            if len(shape) > 1:
                fan_in = int(np.prod(shape[1:]))
            p.copy_(npgrad.tensor(g.uniform(-1, 1, shape).astype(np.float32) / np.float32(np.sqrt(fan_in))))


def _classification(seed, steps, batch, features, classes):
    """Batches labelled by a fixed random linear teacher, so the models have something to learn."""
    g = np.random.default_rng(seed)
    teacher = g.standard_normal((int(np.prod(features)), classes))
    out = []
    for _ in range(steps):
        x = g.standard_normal((batch,) + features, dtype=np.float32)
        out.append((x, (x.reshape(batch, -1) @ teacher).argmax(1)))
    return out


def _regression(seed, steps, batch, features, targets):
    g = np.random.default_rng(seed)
    return [(g.standard_normal((batch,) + features, dtype=np.float32),
             g.standard_normal((batch, targets), dtype=np.float32)) for _ in range(steps)]


def _run(build, make_opt, batches, *, compile_model=False, compile_loss=False, compile_step=False,
         scheduler=None, loss="ce", m=npgrad):
    """Train ``build()`` over ``batches``; return the per-step losses and the final state_dict as arrays."""
    m.manual_seed(0)
    model = build(m)
    opt = make_opt(m, model.parameters())
    sched = scheduler(m, opt) if scheduler else None
    net = model
    if compile_model == "inplace":    # Module.compile(): the module itself runs compiled
        model.compile()
    elif compile_model:
        net = m.compile(model)
    criterion = m.nn.functional.cross_entropy if loss == "ce" else m.nn.functional.mse_loss

    def loss_fn(x, y):
        return criterion(net(x), y)

    if compile_loss:
        loss_fn = m.compile(loss_fn)
    step = m.compile(opt.step) if compile_step else opt.step
    losses = []
    for i, (x, y) in enumerate(batches):
        m.manual_seed(1000 + i)   # dropout masks: the same generator state before each step in every run
        opt.zero_grad()
        out = loss_fn(m.tensor(x), m.tensor(y))
        out.backward()
        step()
        if sched is not None:
            sched.step()
        losses.append(out.item())
    state = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    return np.array(losses), state, model


def _compare(eager, compiled, what=""):
    (e_losses, e_state, _), (c_losses, c_state, _) = eager, compiled
    np.testing.assert_allclose(c_losses, e_losses, rtol=2e-5, atol=1e-6, err_msg=f"{what} losses")
    assert set(c_state) == set(e_state)
    for k in e_state:
        assert c_state[k].dtype == e_state[k].dtype and c_state[k].shape == e_state[k].shape, k
        np.testing.assert_allclose(c_state[k], e_state[k], rtol=1e-4, atol=1e-5, err_msg=f"{what} {k}")


MODES = {   # what is compiled: (model, loss function, optimizer.step)
    "model": (True, False, False),
    "model.compile()": ("inplace", False, False),
    "loss": (False, True, False),
    "step": (False, False, True),
    "loss+step": (False, True, True),
}


def _train_both(build, make_opt, batches, mode, **kw):
    cm, cl, cs = MODES[mode]
    eager = _run(build, make_opt, batches, **kw)
    compiler.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", compiler.GraphBreakWarning)   # these loops must capture whole
        compiled = _run(build, make_opt, batches, compile_model=cm, compile_loss=cl, compile_step=cs, **kw)
    counts = dict(compiler.counters)
    return eager, compiled, counts


def _assert_replayed(counts, mode, recaptures=0):
    """No graph break, so every call of a compiled model, loss function or ``optimizer.step`` either captured
    or replayed; captures are few (``recaptures`` more allowed where a scheduler changed lr). A compiled step
    generates its update once, after its first (eager) call, and replays it on every later call (lr is read on
    every call, so a scheduler causes no new program)."""
    n = (mode != "step") + ("step" in mode)   # compiled callables in the loop
    assert counts["graph_breaks"] == 0, counts
    assert 1 <= counts["captures"] <= 2 * n + recaptures, counts
    assert counts["replays"] >= n * STEPS - counts["captures"] - n, counts


# ---- MLP, SGD with momentum ----------------------------------------------------------------------------------
def _mlp(m):
    net = m.nn.Sequential(m.nn.Linear(20, 32), m.nn.ReLU(), m.nn.Linear(32, 16), m.nn.Tanh(), m.nn.Linear(16, 5))
    _load(net.parameters(), 1) if m is npgrad else None
    return net


def _sgd(m, params):
    return m.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=1e-4)


@pytest.mark.parametrize("mode", list(MODES))
def test_mlp_sgd_momentum(mode):
    batches = _classification(2, STEPS, 16, (20,), 5)
    eager, compiled, counts = _train_both(_mlp, _sgd, batches, mode)
    _compare(eager, compiled, f"MLP/{mode}")
    _assert_replayed(counts, mode)
    assert eager[0][-10:].mean() < 0.8 * eager[0][:10].mean()   # it learns: the comparison is over a moving loss


def test_mlp_compiled_matches_torch():
    """The compiled npgrad loop against torch eager from the same weights and batches."""
    batches = _classification(2, STEPS, 16, (20,), 5)
    compiler.reset()
    ours, state, model = _run(_mlp, _sgd, batches, compile_loss=True, compile_step=True)
    weights = {k: torch.tensor(v) for k, v in _run(_mlp, _sgd, batches[:0])[1].items()}

    def build_torch(m):
        net = _mlp(m)
        net.load_state_dict(weights)
        return net
    theirs, t_state, _ = _run(build_torch, _sgd, batches, m=torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)
    for k in state:
        np.testing.assert_allclose(state[k], t_state[k], rtol=1e-3, atol=1e-5, err_msg=k)
    assert compiler.counters["replays"] >= STEPS - 1


def test_compiled_loss_output_is_one_region_node():
    batches = _classification(2, 3, 16, (20,), 5)
    compiler.reset()
    model = _mlp(npgrad)
    f = npgrad.compile(lambda x, y: F.cross_entropy(model(x), y))
    for x, y in batches:
        loss = f(npgrad.tensor(x), npgrad.tensor(y))
    assert loss.grad_fn.name() == "CompiledFunctionBackward"
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())
    assert compiler.counters["replays"] == 2 and compiler.counters["captures"] == 1


# ---- CNN: conv, BatchNorm, max pool, dropout ------------------------------------------------------------------
def _cnn(m):
    nn_ = m.nn
    net = nn_.Sequential(
        nn_.Conv2d(1, 4, 3, padding=1), nn_.BatchNorm2d(4), nn_.ReLU(), nn_.MaxPool2d(2),
        nn_.Conv2d(4, 8, 3, padding=1), nn_.ReLU(), nn_.AvgPool2d(2),
        nn_.Flatten(), nn_.Dropout(0.3), nn_.Linear(8 * 2 * 2, 10))
    _load(net.parameters(), 3)
    return net


def _adam(m, params):
    return m.optim.Adam(params, lr=3e-3)


def _step_lr(m, opt):
    return m.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)


@pytest.mark.parametrize("mode", ["model", "loss+step"])
def test_cnn_batchnorm_dropout_train(mode):
    batches = _classification(4, STEPS, 8, (1, 8, 8), 10)
    eager, compiled, counts = _train_both(_cnn, _adam, batches, mode, scheduler=_step_lr)
    _compare(eager, compiled, f"CNN/{mode}")
    assert "1.running_mean" in compiled[1] and compiled[1]["1.num_batches_tracked"] == STEPS
    _assert_replayed(counts, mode, recaptures=STEPS // 10)


def test_cnn_eval_mode_between_epochs():
    """Train 50 steps with evaluation every 10: model.eval() is a guard change (a second program), train()
    comes back to the first one; eval outputs equal eager's, running stats too."""
    batches = _classification(5, STEPS, 8, (1, 8, 8), 10)
    x_eval = np.random.default_rng(6).standard_normal((12, 1, 8, 8), dtype=np.float32)

    def run(compiled):
        npgrad.manual_seed(0)
        model = _cnn(npgrad)
        net = npgrad.compile(model) if compiled else model
        opt = _sgd(npgrad, model.parameters())
        losses, evals = [], []
        for i, (x, y) in enumerate(batches):
            npgrad.manual_seed(i)
            opt.zero_grad()
            loss = F.cross_entropy(net(npgrad.tensor(x)), npgrad.tensor(y))
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if i % 10 == 9:
                model.eval()
                with npgrad.no_grad():
                    evals.append(net(npgrad.tensor(x_eval)).numpy().copy())
                model.train()
        return np.array(losses), evals, {k: v.numpy().copy() for k, v in model.state_dict().items()}

    e_losses, e_evals, e_state = run(False)
    compiler.reset()
    c_losses, c_evals, c_state = run(True)
    np.testing.assert_allclose(c_losses, e_losses, rtol=2e-5, atol=1e-6)
    for a, b in zip(c_evals, e_evals):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    for k in e_state:
        np.testing.assert_allclose(c_state[k], e_state[k], rtol=1e-4, atol=1e-5, err_msg=k)
    c = compiler.counters
    assert c["captures"] == 2, dict(c)                    # train mode and eval (no_grad) mode
    assert c["replays"] >= STEPS - 1 + len(c_evals) - 1, dict(c)


# ---- RNN / LSTM -----------------------------------------------------------------------------------------------
def _recurrent(kind):
    def build(m):
        class Net(m.nn.Module):
            def __init__(self):
                super().__init__()
                cls = m.nn.LSTM if kind == "lstm" else m.nn.RNN
                self.rnn = cls(5, 8, num_layers=2 if kind == "lstm" else 1, batch_first=True)
                self.head = m.nn.Linear(8, 3)

            def forward(self, x):
                out, _ = self.rnn(x)
                return self.head(out[:, -1])
        net = Net()
        _load(net.parameters(), 7)
        return net
    return build


@pytest.mark.parametrize("kind,mode", [("rnn", "model"), ("lstm", "loss"), ("lstm", "loss+step")])
def test_recurrent(kind, mode):
    batches = _regression(8, STEPS, 4, (6, 5), 3)
    make_opt = _sgd if kind == "rnn" else _adam
    sched = _step_lr if mode == "loss+step" else None
    eager, compiled, counts = _train_both(_recurrent(kind), make_opt, batches, mode, loss="mse", scheduler=sched)
    _compare(eager, compiled, f"{kind}/{mode}")
    _assert_replayed(counts, mode, recaptures=STEPS // 10 if sched else 0)


# ---- the digits demo's model ----------------------------------------------------------------------------------
def test_digits_demo_model():
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import train_digits
    (xtr, ytr), _ = train_digits.digits_split(0)
    batches = [(xtr[i * 24:(i + 1) * 24], ytr[i * 24:(i + 1) * 24]) for i in range(STEPS)]

    def build(m):
        net = train_digits.build_model(m)
        _load(net.parameters(), 9)
        return net
    eager, compiled, counts = _train_both(build, _adam, batches, "loss+step", scheduler=_step_lr)
    _compare(eager, compiled, "digits")
    _assert_replayed(counts, "loss+step", recaptures=STEPS // 10)


# ---- guard changes --------------------------------------------------------------------------------------------
def _delta(before):
    return {k: compiler.counters[k] - before[k] for k in ("captures", "replays", "recompiles")}


def _snap():
    return {k: compiler.counters[k] for k in ("captures", "replays", "recompiles")}


def test_guard_changes_recompile():
    compiler.reset()
    model = _mlp(npgrad)
    f = npgrad.compile(lambda x, y: F.cross_entropy(model(x), y))
    g = np.random.default_rng(11)

    def call(batch, x_grad=False):
        x = npgrad.tensor(g.standard_normal((batch, 20), dtype=np.float32), requires_grad=x_grad)
        y = npgrad.tensor(g.integers(0, 5, batch))
        before = _snap()
        for p in model.parameters():
            p.grad = None
        loss = f(x, y)
        loss.backward()
        got = (loss.item(), [p.grad.numpy().copy() for p in model.parameters()],
               None if not x_grad else x.grad.numpy().copy())
        for p in model.parameters():
            p.grad = None
        ref = F.cross_entropy(model(x.detach().requires_grad_(x_grad)), y)
        ref.backward()
        np.testing.assert_allclose(got[0], ref.item(), rtol=1e-6)
        for a, p in zip(got[1], model.parameters()):
            np.testing.assert_allclose(a, p.grad.numpy(), rtol=1e-5, atol=1e-7)
        return _delta(before), got

    d, _ = call(8)
    assert d["captures"] == 1 and d["replays"] == 0
    d, _ = call(8)
    assert d["replays"] == 1 and d["captures"] == 0
    d, _ = call(5)                                   # batch size: a new guard key
    assert d["captures"] == 1 and d["recompiles"] == 1 and d["replays"] == 0
    d, _ = call(8)                                   # the first key is still cached
    assert d["replays"] == 1 and d["captures"] == 0
    d, got = call(8, x_grad=True)                    # requires_grad flip on an input
    assert d["captures"] == 1 and d["recompiles"] == 1
    assert got[2] is not None and np.any(got[2])
    d, _ = call(8, x_grad=True)
    assert d["replays"] == 1
    with npgrad.no_grad():                           # grad mode
        before = _snap()
        out = f(npgrad.zeros(8, 20), npgrad.zeros(8, dtype=npgrad.int64))
        assert not out.requires_grad
        assert _delta(before)["captures"] == 1


def test_train_eval_flip_recompiles():
    """A compiled module's ``training`` flag is guarded: eval() captures again (dropout off, BatchNorm on its
    running stats) and train() returns to the first program; outputs equal eager's in both modes."""
    compiler.reset()
    npgrad.manual_seed(0)
    model = _cnn(npgrad)
    net = npgrad.compile(model)
    x = npgrad.tensor(np.random.default_rng(13).standard_normal((6, 1, 8, 8), dtype=np.float32))
    for training in (True, True, False, False, True):
        model.train(training)
        before = _snap()
        npgrad.manual_seed(5)
        out = net(x)
        npgrad.manual_seed(5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = model(x)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
        d = _delta(before)
        if training is False and d["replays"] == 0:
            assert d["captures"] == 1 and d["recompiles"] == 1, d
    c = compiler.counters
    assert c["captures"] == 2 and c["replays"] == 3, dict(c)


def test_parameter_requires_grad_flip_recompiles():
    """Freezing a layer changes the parameters' requires_grad: a new program, whose backward leaves the frozen
    layer's .grad None like eager."""
    compiler.reset()
    model = _mlp(npgrad)
    net = npgrad.compile(model)
    x = npgrad.tensor(np.random.default_rng(12).standard_normal((4, 20), dtype=np.float32))
    for _ in range(2):
        net(x).sum().backward()
    model[0].weight.requires_grad_(False)
    model.zero_grad(set_to_none=True)
    before = _snap()
    net(x).sum().backward()
    assert _delta(before)["captures"] == 1
    assert model[0].weight.grad is None and model[2].weight.grad is not None
    ref = model[2].weight.grad.numpy().copy()
    model.zero_grad(set_to_none=True)
    model(x).sum().backward()
    np.testing.assert_allclose(ref, model[2].weight.grad.numpy(), rtol=1e-6)
