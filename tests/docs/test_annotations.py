"""Issue 17, typed public API: every public callable of every public module (all of npgrad but the op
implementations under npgrad.ops, which the namespace and Tensor stubs type, and the modules with their own .pyi
stub) carries annotations on all its parameters and its return (read with inspect.signature), and mypy, given
those annotations, reports wrong calls and accepts idiomatic code.

Public: the names in a module's ``__all__`` (else those without a leading underscore) that the module itself
defines; for a class, the methods, class/static methods and properties it defines whose names have no leading
underscore, plus ``__init__``, ``__call__`` and the container protocol (``__getitem__``, ``__len__``, ``__iter__``)
and the context-manager protocol (``__enter__``, ``__exit__``). ``self``/``cls`` need no annotation."""
import importlib
import inspect
import os
import pathlib
import pkgutil
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The modules typed by a stub beside them (.pyi): their run-time functions carry no annotations by design; the
# stubs are checked by test_stubs.py and test_tensor_stub.py.
STUBBED = {"npgrad.nn.functional", "npgrad.linalg", "npgrad.special"}


def _public_modules():
    """Every public module of npgrad (no part of its dotted name private) except the op implementations under
    ``npgrad.ops`` (reached through the namespace and Tensor, both typed by stubs) and the stubbed ones."""
    import npgrad
    names = []
    for info in pkgutil.walk_packages(npgrad.__path__, "npgrad."):
        parts = info.name.split(".")[1:]
        if parts[0] == "ops" or any(p.startswith("_") for p in parts) or info.name in STUBBED:
            continue
        names.append(info.name)
    return sorted(names)


MODULES = _public_modules()

_DUNDERS = {"__init__", "__call__", "__getitem__", "__len__", "__iter__", "__enter__", "__exit__"}

# Qualified name -> why it carries no (full) annotation. Keep short; each entry needs a reason.
_ENGINE = "the backward engine's internal entry point (called by Tensor.backward/autograd.grad, not by users)"
EXEMPT = {
    "npgrad.autograd.engine.execute": _ENGINE,
    "npgrad.autograd.engine_general.needed": _ENGINE,
    "npgrad.autograd.engine_general.run_general": _ENGINE,
    "npgrad.autograd.engine_general.retain": _ENGINE,
    "npgrad.autograd.engine_general.accumulate_leaf": _ENGINE,
}


def public_callables(mod):
    """Yield (qualified name, function, skip_first) for the public callables ``mod`` defines. A public class's
    methods include those it inherits from npgrad's private bases (``_ConvNd.__init__``, ``_BatchNorm.forward``),
    each named by the class that defines it."""
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    seen = set()
    for name in names:
        obj = getattr(mod, name, None)
        if getattr(obj, "__module__", None) != mod.__name__:
            continue                                   # re-exported from elsewhere: checked where it is defined
        if inspect.isclass(obj):
            for klass in obj.__mro__:
                if not klass.__module__.startswith("npgrad") or (klass is not obj and
                                                                 not klass.__name__.startswith("_")):
                    continue                           # a public base is surveyed in its own right
                for attr, val in vars(klass).items():
                    if attr.startswith("_") and attr not in _DUNDERS:
                        continue
                    skip_first = True
                    if isinstance(val, staticmethod):
                        val, skip_first = val.__func__, False
                    elif isinstance(val, classmethod):
                        val = val.__func__
                    elif isinstance(val, property):
                        val = val.fget
                    if inspect.isfunction(val) and id(val) not in seen:
                        seen.add(id(val))
                        yield f"{klass.__module__}.{klass.__qualname__}.{attr}", val, skip_first
        elif inspect.isfunction(obj):
            yield f"{mod.__name__}.{name}", obj, False


def missing_annotations(fn, skip_first):
    """The parameters (and 'return') of ``fn`` with no annotation."""
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())[1 if skip_first else 0:]
    out = [p.name for p in params if p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty:
        out.append("return")
    return out


def unannotated():
    out = []
    for m in MODULES:
        for qual, fn, skip_first in public_callables(importlib.import_module(m)):
            miss = missing_annotations(fn, skip_first)
            if miss and qual not in EXEMPT:
                out.append((qual, miss))
    return out


def test_every_public_callable_is_annotated():
    miss = unannotated()
    assert not miss, f"{len(miss)} public callables lack annotations:\n" + "\n".join(f"  {q}: {m}" for q, m in miss)


def test_the_survey_finds_the_api():
    """The survey is not vacuous: it sees the classes and functions a user calls."""
    seen = {q for m in MODULES for q, _, _ in public_callables(importlib.import_module(m))}
    assert "npgrad.nn.modules.batchnorm._BatchNorm.forward" in seen       # inherited from a private base
    for q in ["npgrad.nn.modules.linear.Linear.__init__", "npgrad.nn.modules.linear.Linear.forward",
              "npgrad.nn.modules.module.Module.parameters", "npgrad.nn.modules.module.Module.__call__",
              "npgrad.nn.modules.rnn.LSTM.forward", "npgrad.nn.init.kaiming_uniform_",
              "npgrad.nn.utils.clip_grad.clip_grad_norm_", "npgrad.autograd.grad", "npgrad.autograd.backward",
              "npgrad.autograd.functional.jacobian", "npgrad.autograd.grad_mode._Mode.__enter__",
              "npgrad.func.vmap", "npgrad.utils.data.dataloader.DataLoader.__init__",
              "npgrad.utils.data.dataset.random_split", "npgrad.utils.checkpoint.checkpoint",
              "npgrad.autograd.function.Function.apply", "npgrad.amp.grad_scaler.GradScaler.scale",
              "npgrad.optim.lr_scheduler.StepLR.__init__", "npgrad.autograd.forward_ad.make_dual",
              "npgrad.random.manual_seed", "npgrad.hub.load", "npgrad.cuda.is_available",
              "npgrad.utils.tensorboard.writer.SummaryWriter.add_scalar"]:
        assert q in seen, q
    assert len(seen) > 1000, len(seen)
    assert "npgrad.optim.sgd" in MODULES and "npgrad.nn.functional" not in MODULES


def test_exemptions_are_live():
    """An exemption for a name that no longer exists, or that is now fully annotated, is stale."""
    found = {q: missing_annotations(fn, s)
             for m in MODULES for q, fn, s in public_callables(importlib.import_module(m))}
    stale = [q for q in EXEMPT if not found.get(q)]
    assert not stale, stale


# Lines marked `# E: code` must be reported by mypy with that error code; every other line must be clean.
_SNIPPET = '''
from typing import Iterator

import npgrad as torch
import npgrad.nn.functional as F
from npgrad import nn
from npgrad._tensor import Tensor
from npgrad.autograd.function import FunctionCtx, once_differentiable
from npgrad.nn.parameter import Parameter
from npgrad.utils.data import DataLoader, Dataset, Subset, TensorDataset, random_split


class Net(nn.Module):
    def __init__(self, hidden: int = 8) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.fc2 = nn.Linear(hidden, 2, bias=False)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.drop(F.relu(self.fc1(x))))


class Squares(Dataset):
    def __len__(self) -> int:
        return 5

    def __getitem__(self, i: int) -> Tensor:
        return torch.tensor(float(i * i))


net: Net = Net().double().train()          # to/train/eval/double return the module's own type
net = net.to("cpu").eval().requires_grad_(True)
params: Iterator[Parameter] = net.parameters()
opt = torch.optim.SGD(net.parameters(), lr=0.1)
ds = TensorDataset(torch.randn(10, 4, dtype=torch.float64), torch.randint(0, 2, (10,)))
train, val = random_split(ds, [8, 2])
sub: Subset = train
for xb, yb in DataLoader(train, batch_size=4, shuffle=True, drop_last=False):
    loss = F.cross_entropy(net(xb), yb)
    opt.zero_grad()
    loss.backward()
    opt.step()
total = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
net.load_state_dict(net.state_dict(), strict=True)
n_sq = len(Squares())
seq = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
first = seq[0]
y = seq(torch.randn(2, 3)).sum()
lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True)
out, (h, c) = lstm.forward(torch.randn(2, 4, 3))
total_out = out.sum() + h.sum() + c.sum()
packed = nn.utils.rnn.pack_sequence([torch.randn(3, 3), torch.randn(2, 3)])
p_out, (p_h, p_c) = lstm.forward(packed)
p_data: Tensor = p_out.data
nn.init.kaiming_uniform_(seq[0].weight, a=0.1)
with torch.no_grad():
    pass
g = torch.autograd.grad(y, [p for p in seq.parameters()], create_graph=True)
J = torch.autograd.functional.jacobian(lambda t: t * 2, torch.randn(3))
handle = seq.register_forward_hook(lambda m, i, o: None)
handle.remove()
direct: Tensor = nn.Linear(3, 2).forward(torch.randn(4, 3))
lazy = nn.Sequential(nn.LazyConv2d(8, kernel_size=3, padding=1), nn.LazyBatchNorm2d(), nn.LazyLinear(4))


@torch.no_grad()
def evaluate(model: nn.Module) -> float:
    return 0.0


accuracy: float = evaluate(net)


class Scale(torch.autograd.Function):   # a custom Function, annotated as in torch's docs
    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, s: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.s = s
        return x * s

    @staticmethod
    @once_differentiable
    def backward(ctx: FunctionCtx, grad: Tensor) -> tuple[Tensor, None]:
        x, = ctx.saved_tensors
        return (grad * ctx.s if ctx.needs_input_grad[0] else grad), None


scaled = Scale.apply(torch.ones(2, requires_grad=True), 3.0)


def fill(ctx: FunctionCtx) -> None:
    ctx.mark_non_differentiable(scaled)
    ctx.set_materialize_grads("no")  # E: arg-type

nn.Linear("a", 3)  # E: arg-type
nn.Conv2d(3, 8, kernel_size=3, padding=1.5)  # E: arg-type
nn.LazyConv2d("8", 3)  # E: arg-type
nn.Dropout(p="high")  # E: arg-type
DataLoader(ds, batch_size="x")  # E: arg-type
DataLoader(ds, shuffle=True, batch_sise=4)  # E: call-arg
random_split(ds, 0.5)  # E: arg-type
nn.LSTM(3, 5).forward(torch.randn(2, 3)).sum()  # E: attr-defined
p_out.sum()  # E: attr-defined
net.eval().train("yes")  # E: arg-type
bad_params: list[int] = list(net.parameters())  # E: arg-type
torch.autograd.grad(y, [p for p in seq.parameters()], retain_graph="yes")  # E: arg-type
nn.init.normal_(seq, 0.0)  # E: arg-type
evaluate("not a module")  # E: arg-type
'''


def _expected(src):
    out = set()
    for i, line in enumerate(src.splitlines(), 1):
        if "# E: " in line:
            out.add((i, line.rsplit("# E: ", 1)[1].strip()))
    return out


@pytest.mark.slow
def test_mypy_reports_wrong_calls_and_accepts_idiomatic_code(tmp_path):
    src = textwrap.dedent(_SNIPPET)
    path = tmp_path / "use_npgrad.py"
    path.write_text(src)
    r = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                        "--cache-dir", str(ROOT / ".mypy_cache"), "--show-error-codes", "--no-error-summary",
                        "--hide-error-context", str(path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, MYPY_FORCE_COLOR="0"))
    got = set()
    for line in r.stdout.splitlines():
        # use_npgrad.py:12: error: Argument 1 to "Linear" has incompatible type "str"; ...  [arg-type]
        if f"{path.name}:" in line and ": error:" in line and line.rstrip().endswith("]"):
            lineno = int(line.split(f"{path.name}:", 1)[1].split(":", 1)[0])
            got.add((lineno, line.rstrip()[:-1].rsplit("[", 1)[1]))
    assert got == _expected(src), r.stdout[-6000:] + r.stderr[-2000:]
