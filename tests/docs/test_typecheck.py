"""mypy over src/ and examples/ is clean under the configuration in pyproject.toml ([tool.mypy]: permissive,
per-module exceptions each with its reason). A new type error anywhere in the package fails make test."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_mypy_clean():
    r = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")], cwd=ROOT,
                       capture_output=True, text=True, timeout=600, env=dict(os.environ, MYPY_FORCE_COLOR="0"))
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    assert "Success: no issues found" in r.stdout


def test_py_typed_marker():
    """PEP 561: the package says it carries inline types (the wheel test checks it is installed too)."""
    assert (ROOT / "src" / "npgrad" / "py.typed").is_file()
