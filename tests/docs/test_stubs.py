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
