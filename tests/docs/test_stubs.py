"""The typed stubs of nn.functional, linalg and special (src/npgrad/**/*.pyi: the public signatures with their
types; mypy reads them instead of the unannotated implementations) agree with the runtime: mypy's stubtest checks
every public name, every parameter's name, kind and default against the functions npgrad really exports."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
STUBBED = ["npgrad.nn.functional", "npgrad.linalg", "npgrad.special"]


def test_each_stub_sits_beside_its_module():
    for mod in STUBBED:
        path = ROOT / "src" / (mod.replace(".", "/") + ".pyi")
        assert path.is_file() and path.with_suffix(".py").is_file(), path


@pytest.mark.slow
def test_stubs_match_the_runtime():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MYPY_FORCE_COLOR="0", OPENBLAS_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "--mypy-config-file", str(ROOT / "pyproject.toml"),
                        *STUBBED], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, ("a public function changed or was added: give it its typed signature in the .pyi "
                               "beside its module\n" + r.stdout[-6000:] + r.stderr[-2000:])


@pytest.mark.slow
def test_stub_types_catch_a_wrong_argument(tmp_path):
    """The stubs are what mypy reads: a call with an argument of the wrong type is reported, a right one is not."""
    code = ("import npgrad as torch\nimport npgrad.nn.functional as F\n"
            "x = torch.ones(1, 1, 4, 4)\n"
            "y: torch.Tensor = F.avg_pool2d(x, 2) + torch.linalg.det(torch.eye(2)) + torch.special.erfcx(x)\n"
            "F.relu(x, inplace='yes')\n")
    (tmp_path / "use.py").write_text(code)
    env = dict(os.environ, MYPYPATH=str(ROOT / "src"), MYPY_FORCE_COLOR="0")
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--python-version", "3.10",
                        "--follow-imports", "silent", str(tmp_path / "use.py")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600, env=env)
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "use.py:5:" in errors[0] and '"inplace"' in errors[0], r.stdout[-3000:]


# --- the npgrad namespace: src/npgrad/__init__.pyi (and ops/return_types.pyi for the named tuples it returns) ---

NAMESPACE = ["npgrad", "npgrad.ops.return_types"]
ALLOWLIST = pathlib.Path(__file__).with_name("stubtest_allowlist_namespace.txt")

# stubtest, run on the namespace alone. Two things it cannot see by itself, set up here:
# - ``out=``: the public wrapper (npgrad/_out.py) takes it for the functions torch gives it to, but inspect.signature
#   follows ``__wrapped__`` to the inner function, which has none; each such function is given its real signature
#   (the inner one plus keyword-only ``out=None``) so that the stub's ``out`` parameters are checked, not ignored.
# - submodules: stubtest on a package walks all of its modules (every unannotated .py among them); the namespace's
#   own names are what is checked here, the stubbed submodules have their own run above.
_STUBTEST_NAMESPACE = """
import inspect, sys
import npgrad
P = inspect.Parameter
for name in dir(npgrad):
    fn = getattr(npgrad, name)
    if inspect.isfunction(fn) and getattr(fn, "_out_name", None):
        sig = inspect.signature(fn)
        if "out" not in sig.parameters:
            ps = list(sig.parameters.values())
            k = len(ps) - 1 if ps and ps[-1].kind == P.VAR_KEYWORD else len(ps)
            fn.__signature__ = sig.replace(parameters=ps[:k] + [P("out", P.KEYWORD_ONLY, default=None)] + ps[k:])
import mypy.stubtest as st
build = st.build_stubs
st.build_stubs = lambda modules, options, find_submodules=False: build(modules, options, False)
sys.argv = ["stubtest", *sys.argv[1:]]
sys.exit(st.main())
"""


def _stub_names(path):
    """The public names a stub file binds at module level (defs, classes, annotated names, `import x as x`)."""
    import ast
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname for a in node.names if a.asname == a.name)
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def test_namespace_stub_names_every_public_name():
    """Every name a user reaches as npgrad.<name> (functions, dtypes, classes, the lazily loaded submodules) is in
    __init__.pyi, and the stub names nothing that npgrad lacks."""
    import npgrad
    runtime = {n for n in dir(npgrad) if not n.startswith("_")} | set(npgrad._LAZY) | {"__version__"}
    stub = _stub_names(ROOT / "src" / "npgrad" / "__init__.pyi")
    assert not runtime - stub, f"public names missing from src/npgrad/__init__.pyi: {sorted(runtime - stub)}"
    assert not stub - runtime, f"names in src/npgrad/__init__.pyi that npgrad lacks: {sorted(stub - runtime)}"


def test_namespace_allowlist_entries_have_reasons():
    """Each allowlisted name sits under a comment that says why stubtest cannot check it."""
    lines = ALLOWLIST.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            j = i - 1
            while j >= 0 and lines[j].strip() and not lines[j].startswith("#"):
                j -= 1
            assert j >= 0 and lines[j].startswith("#"), f"allowlist entry without a reason: {line}"


@pytest.mark.slow
def test_namespace_stub_matches_the_runtime():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MYPY_FORCE_COLOR="0", OPENBLAS_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-c", _STUBTEST_NAMESPACE, "--mypy-config-file", str(ROOT / "pyproject.toml"),
                        "--allowlist", str(ALLOWLIST), *NAMESPACE], cwd=ROOT, capture_output=True, text=True,
                       timeout=600, env=env)
    assert r.returncode == 0, ("a public function of npgrad changed or was added: give it its typed signature in "
                               "src/npgrad/__init__.pyi\n" + r.stdout[-6000:] + r.stderr[-2000:])


# Code as users write it (the tutorial, examples/, torch idioms); the lines ending in `# E` are wrong calls that
# mypy must report, one error each, and nothing else may be reported.
_NAMESPACE_USE = '''
from collections.abc import Callable

import numpy as np
from typing_extensions import assert_type

import npgrad as torch

torch.manual_seed(0)
x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
with torch.no_grad():
    z = torch.matmul(x, w) + b
inp = torch.eye(5, requires_grad=True)
grad_seed = torch.ones_like(inp)
a = torch.zeros((2, 3), dtype=torch.float64)
a2 = torch.zeros(2, 3, device="cpu")
c = torch.cat([a, a], dim=0)
s = torch.stack((a, a), dim=1)
first: torch.Tensor = torch.split(c, 2)[0]
chunks: tuple[torch.Tensor, ...] = torch.chunk(c, 2, dim=1)
values, indices = torch.max(a, dim=1)
best: torch.Tensor = torch.max(a)
idx: torch.Tensor = torch.sort(a, descending=True).indices
top: torch.Tensor = torch.topk(a, 2).values
low, high = torch.aminmax(a)
t = torch.tensor([[1.0, 2.0]], dtype=torch.float32)
u = torch.where(t, t, 0.0)
nz: tuple[torch.Tensor, ...] = torch.where(t)
r = torch.arange(10)
r2 = torch.arange(0, 1, 0.25, dtype=torch.float64)
q = torch.randint(0, 10, (3,))
q2 = torch.randint(10, (3,))
n = torch.normal(0.0, 1.0, size=(3,))
n2 = torch.normal(torch.zeros(3), 1.0)
e = torch.einsum("ij,jk->ik", a, a)
mean = torch.mean(a, dim=(0, 1), keepdim=True)
total = torch.sum(a, 1, dtype=torch.float32)
total2 = torch.sum(a, dim=(0, 1), out=torch.empty(()))
total3 = torch.sum(a, axis=0, keepdims=True)
clipped = torch.clamp(a, min=0.0, max=1.0)
found: bool = torch.is_tensor(a) and torch.allclose(a, a) and torch.equal(a, a)
dt: torch.dtype = torch.get_default_dtype()
torch.set_default_dtype(torch.float64)
size: torch.Size = torch.broadcast_shapes((2, 1), (1, 3))
g = torch.Generator()
noise = torch.rand(3, generator=g)
assert_type(torch.Generator().manual_seed(1), torch.Generator)
assert_type(torch.Size([2, 3])[0], int)
assert_type(torch.Size([2, 3])[1:], torch.Size)
perm = torch.randperm(4)
torch.add(a, a, alpha=2, out=torch.empty(2, 3))
state = torch.load("model.pt", weights_only=True)
torch.save({"w": w}, "model.pt")
fast = torch.compile(lambda v: v)
with torch.enable_grad(), torch.inference_mode(False), torch.set_grad_enabled(True):
    pass
legacy = torch.FloatTensor([1.0, 2.0])
if isinstance(a, torch.FloatTensor):
    a_sum: torch.Tensor = a.sum() + legacy
version: str = torch.__version__
arr = torch.from_numpy(np.zeros(3))
assert_type(torch.max(a, 1), torch.return_types.max)
assert_type(torch.max(a), torch.Tensor)
assert_type(torch.sort(a).values, torch.Tensor)
assert_type(torch.unique(a), torch.Tensor)
assert_type(torch.nonzero(a, as_tuple=True), tuple[torch.Tensor, ...])
assert_type(torch.float32, torch.dtype)
compiled: Callable[[torch.Tensor], torch.Tensor] = torch.compile(torch.relu)
torch.zeros("a")  # E
torch.cat(1)  # E
torch.sum(a, dim="a")  # E
torch.manual_seed("seed")  # E
torch.randn(2, dtype="float32")  # E
torch.max(a, dim=1).value  # E
torch.matmul(a, "b")  # E
torch.set_default_dtype(float)  # E
torch.from_numpy([1, 2])  # E
torch.save(a, 3)  # E
torch.sum(a, out=torch.empty(()))  # E
g.manual_seed("x")  # E
miscompiled: Callable[[int], int] = torch.compile(torch.relu)  # E
'''


@pytest.mark.slow
def test_namespace_stub_catches_wrong_calls(tmp_path):
    (tmp_path / "use.py").write_text(_NAMESPACE_USE)
    env = dict(os.environ, MYPYPATH=str(ROOT / "src"), MYPY_FORCE_COLOR="0")
    r = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--python-version", "3.10",
                        "--follow-imports", "silent", str(tmp_path / "use.py")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600, env=env)
    lines = _NAMESPACE_USE.splitlines()
    wrong = {i + 1 for i, line in enumerate(lines) if line.endswith("# E")}
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    reported = [int(line.split(":")[1]) for line in errors]
    assert sorted(reported) == sorted(wrong), r.stdout[-4000:]
