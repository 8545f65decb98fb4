"""The typed stub of ``npgrad._tensor`` (src/npgrad/_tensor.pyi: the Tensor class, ``device``, ``make``) agrees with
the runtime, and is what mypy reads for every ``x.<method>(...)``: mypy's stubtest checks every public method,
property and attribute of Tensor (504 op-backed and class-body methods) against the class as npgrad builds it, and
mypy run on user code reports wrong calls while idiomatic torch code passes."""
import ast
import inspect
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
STUB = ROOT / "src" / "npgrad" / "_tensor.pyi"
ALLOWLIST = pathlib.Path(__file__).with_name("stubtest_allowlist_tensor.txt")


def _stub_class_names(cls_name):
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            names = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
            return names
    raise AssertionError(f"class {cls_name} not in {STUB}")


def test_every_public_tensor_attribute_is_in_the_stub():
    """A quick form of what stubtest checks in full: each public name of Tensor (the op methods bound from
    _tensor_methods.TABLE, the class body's methods and properties) has its line in _tensor.pyi, and the stub names
    nothing Tensor lacks."""
    import npgrad
    runtime = {n for n in dir(npgrad.Tensor) if not n.startswith("_")}
    stub = {n for n in _stub_class_names("Tensor") if not n.startswith("_")}
    assert not runtime - stub, f"Tensor methods missing from src/npgrad/_tensor.pyi: {sorted(runtime - stub)}"
    assert not stub - runtime, f"names in src/npgrad/_tensor.pyi's Tensor that Tensor lacks: {sorted(stub - runtime)}"
    assert len(runtime) > 500


def test_allowlist_names_only_argument_less_inplace_wrappers():
    """The allowlist exists for one reason (see its header): in-place wrappers whose runtime signature is
    (self, *args, **kwargs) while the method takes no argument. Each entry is such a method, listed once."""
    import npgrad
    entries = [line.strip() for line in ALLOWLIST.read_text().splitlines() if line.strip() and
               not line.startswith("#")]
    assert len(entries) == len(set(entries))
    for entry in entries:
        prefix = "npgrad._tensor.Tensor."
        assert entry.startswith(prefix) and entry.endswith("_"), entry
        params = list(inspect.signature(getattr(npgrad.Tensor, entry[len(prefix):])).parameters.values())
        assert [p.kind for p in params] == [inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL,
                                            inspect.Parameter.VAR_KEYWORD], entry


@pytest.mark.slow
def test_tensor_stub_matches_the_runtime():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MYPY_FORCE_COLOR="0", OPENBLAS_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "--mypy-config-file", str(ROOT / "pyproject.toml"),
                        "--allowlist", str(ALLOWLIST), "npgrad._tensor"], cwd=ROOT, capture_output=True, text=True,
                       timeout=600, env=env)
    assert r.returncode == 0, ("a Tensor method changed or was added: give it its typed signature in "
                               "src/npgrad/_tensor.pyi\n" + r.stdout[-6000:] + r.stderr[-2000:])


# Code as users write it: the tutorial's training step, torch idioms for shapes, reductions, conversions, hooks,
# in-place updates. Lines with `# E <code>` are wrong calls mypy must report (one error each, with that error code);
# nothing else may be reported. Tensors are annotated where they are made so that the check reads only Tensor's
# stub, whatever the namespace's stub says about the factory functions. The same code with `import torch` is checked
# against torch's own stub below: it reports the same lines, except those marked `(not torch's stub ...)` and
# `# torch's stub: ...`, where the two differ on purpose.
_USE = '''
from typing import Any
import numpy as np
import npgrad as torch
from npgrad import Tensor

x: Tensor = torch.randn(4, 3, requires_grad=True)
w: Tensor = torch.randn(3, 2, requires_grad=True)
y: Tensor = torch.randn(4, 2)
out = x @ w + 1
loss = ((out - y) ** 2).mean()
loss.backward()
if x.grad is not None:
    x.grad.zero_()
maybe: Tensor | None = w.grad
assert w.grad is not None
w.grad.zero_()
with torch.no_grad():
    w -= 0.1 * w
    w.sub_(w, alpha=0.5).clamp_(min=-1.0, max=1.0)
w.grad = None
values, indices = out.max(dim=1)
best: Tensor = out.max()
both: Tensor = out.max(out)
v2: Tensor = out.max(1).values + out.sort(descending=True).indices + out.topk(1).values
lo, hi = out.aminmax()
uq: Tensor = x.unique() + x.unique_consecutive()
tiled = x.tile(2) + x.tile((2, 1)) + x.roll(1) + x.flip(0) + x.permute(1, 0).squeeze((0,))
counted: Any = x.unique(return_counts=True)
total: Tensor = x.sum() + x.sum(dim=(0, 1), keepdim=True).view(-1) + x.sum(1, dtype=torch.float64).sum()
flat = x.view(-1).reshape(2, 6).reshape((3, 4)).permute(1, 0).permute([0, 1]).flatten().unsqueeze(0).squeeze()
n: int = x.size(0) + x.dim() + x.numel() + x.ndim + x.shape[0] + len(x) + x.stride(0)
sz: torch.Size = x.size()
d: torch.dtype = x.dtype
dev: torch.device = x.device
conv = x.to(torch.float64).to("cpu").to(x).to(device="cpu", dtype=torch.float32).double().float().long()
kind: str = x.type()
cast: Tensor = x.type(torch.float64)
nums: Any = x.tolist()
val: float = loss.item()
flag: bool = bool(x.sum() > 0) and x.is_leaf and x.requires_grad and x.allclose(x) and x.equal(x)
arr: np.ndarray = x.detach().numpy()
t = x.T.mT.detach().clone().requires_grad_().contiguous()
for row in x:
    first: Tensor = row
h = x.register_hook(lambda g: g * 2)
h.remove()
x.data = x.data * 2
q = 2 * x - 1.5 / (x + 1) ** 2 // 3 % 2 + (-x) + abs(x)
mask = (x > 0) & (x < 1) | ~(x == 0)
x2 = x.masked_fill(mask, 0.0).where(mask, 1.0).index_select(0, torch.tensor([0, 1]))
parts: tuple[Tensor, ...] = x.chunk(2) + x.split(1) + x.unbind(0)
z = x.new_zeros(2, 3) + x.new_ones((2, 3)) + x.new_full((2, 3), 1.0) + x.new_tensor([1.0, 2.0, 3.0])
idx = x[0, 1:] + x[..., None].squeeze(-1)[x > 0].sum()
x[0] = 1.0
x[x > 0] = x.new_zeros(1)
p: torch.nn.Parameter = torch.nn.Parameter(torch.zeros(2))
p_same: torch.nn.Parameter = p.add_(1).mul_(2).zero_()  # torch's stub: in-place methods return Tensor, not Self
x.sum(dim="a")  # E arg-type
x + "x"  # E operator
x.view(None)  # E call-overload
x.grad.zero_()  # E union-attr
x.reshape("a")  # E arg-type
x.size("a")  # E call-overload
x.to(3.5)  # E call-overload
x.max(dim="a").values  # E call-overload
x.sort().value  # E attr-defined
x.backward(retain_graph="yes")  # E arg-type (not torch's stub: its backward is unannotated)
x.no_such_method()  # E attr-defined
x.masked_fill(mask)  # E call-arg
x.dot(2.0)  # E arg-type
wrong: int = x.sum()  # E assignment
x.shape = x.shape  # E misc (not torch's stub: it declares shape an attribute; torch raises AttributeError)
'''


@pytest.mark.slow
def test_tensor_stub_reports_wrong_calls_and_accepts_torch_code(tmp_path):
    (tmp_path / "use.py").write_text(_USE)
    env = dict(os.environ, MYPYPATH=str(ROOT / "src"), MYPY_FORCE_COLOR="0")
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--python-version", "3.10",
                        "--follow-imports", "silent", "--show-error-codes", str(tmp_path / "use.py")], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600, env=env)
    expected = {}
    for i, line in enumerate(_USE.splitlines()):
        if "  # E " in line:
            expected[i + 1] = line.rsplit("# E ", 1)[1].split()[0]
    reported = {}
    for line in r.stdout.splitlines():
        if ": error:" in line:
            lineno = int(line.split(":")[1])
            assert lineno not in reported, f"two errors on line {lineno}:\n{r.stdout[-4000:]}"
            reported[lineno] = line.rsplit("[", 1)[1].rstrip("]")
    assert reported == expected, r.stdout[-4000:]


@pytest.mark.slow
def test_torch_stub_reports_the_same_lines(tmp_path):
    """Torch decides: the same user code, type-checked against torch's own stubs (torch is installed for the tests),
    is flagged on the same lines, but for the marked differences (Self from in-place methods; backward's arguments
    and shape's read-only property, which torch's stub leaves unchecked). Cached in .mypy_cache/torch-stub: reading
    torch's stubs takes about a minute the first time."""
    code = _USE.replace("import npgrad as torch", "import torch").replace("from npgrad import Tensor",
                                                                          "from torch import Tensor")
    (tmp_path / "use.py").write_text(code)
    env = dict(os.environ, MYPY_FORCE_COLOR="0")
    r = subprocess.run([sys.executable, "-m", "mypy", "--python-version", "3.10", "--follow-imports", "silent",
                        "--cache-dir", str(ROOT / ".mypy_cache" / "torch-stub"), str(tmp_path / "use.py")],
                       cwd=tmp_path, capture_output=True, text=True, timeout=900, env=env)
    lines = _USE.splitlines()
    expected = {i + 1 for i, line in enumerate(lines)
                if ("  # E " in line and "(not torch's stub" not in line) or "# torch's stub:" in line}
    reported = {int(line.split(":")[1]) for line in r.stdout.splitlines() if ": error:" in line}
    assert reported == expected, r.stdout[-4000:]


@pytest.mark.slow
def test_tensor_docstring_examples_type_check(tmp_path):
    """Every doctest example in Tensor's methods and properties (about 1,500, as users copy them) type-checks
    against the stub: a stub line stricter than the method's own documented use is reported here. One file per
    method (examples reuse names); `.grad` reads right after backward() are let through (union-attr) as in the
    examples' mypy configuration, and so are the untyped empty lists some examples start from."""
    import doctest
    import npgrad
    parser = doctest.DocTestParser()
    seen, count = set(), 0
    for name in sorted(dir(npgrad.Tensor)):
        if name.startswith("_") and name not in ("__getitem__", "__setitem__"):
            continue
        attr = inspect.getattr_static(npgrad.Tensor, name)
        doc = attr.fget.__doc__ if isinstance(attr, property) else getattr(attr, "__doc__", None)
        if not doc or id(doc) in seen:
            continue
        seen.add(id(doc))
        examples = [e for e in parser.get_examples(doc) if not e.exc_msg]
        if examples:
            (tmp_path / f"doc_{name}.py").write_text("".join(e.source for e in examples))
            count += len(examples)
    assert count > 1000
    env = dict(os.environ, MYPYPATH=str(ROOT / "src"), MYPY_FORCE_COLOR="0")
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--python-version", "3.10",
                        "--follow-imports", "silent", "--explicit-package-bases", "--disable-error-code",
                        "union-attr", "--disable-error-code", "var-annotated", "--disable-error-code", "has-type",
                        "."], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0 and "Success" in r.stdout, r.stdout[-4000:]


@pytest.mark.slow
def test_op_table_method_calls_fit_the_stub():
    """The op table's Tensor method calls (tests/support/op_db, ~800 torch-style calls of ~160 methods with their
    sample arguments) each fit the stub's annotations, checked at runtime by tensor_stub_calls_check.py."""
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "docs" / "tensor_stub_calls_check.py")], cwd=ROOT,
                       capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    last = r.stdout.strip().splitlines()[-1].split()
    assert last[0] == "checked" and int(last[1]) > 500 and int(last[4]) > 100 and last[6] == "0", r.stdout[-3000:]
