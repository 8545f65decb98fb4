"""Packaging: the built wheel installs into a clean venv and runs the tutorial; the oldest NumPy we allow works.

These run pip and build a wheel, so they are marked slow (still part of ``make test``). The registry pip is
configured with is used for NumPy; nothing else is fetched.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The oldest NumPy that pyproject.toml allows (dependencies = ["numpy>=X"]) is read from there, not restated.
_PYPROJECT = (ROOT / "pyproject.toml").read_text()
NUMPY_FLOOR = re.search(r'dependencies = \["numpy>=([0-9.]+)"\]', _PYPROJECT).group(1)
# Optional extras whose floors install as wheels beside the oldest NumPy and are exercised there: graphviz (viz:
# graph pictures), threadpoolctl (distributed: per-rank BLAS threads), scipy (special: Bessel/Airy), ml_dtypes (bf16:
# bfloat16 tensors), tensorboard (SummaryWriter). mpi4py's floor is source-only: test_oldest_mpi4py builds it.


def _floor(name):
    """The one lower bound pyproject.toml gives `name` (it may appear in several extras; they must agree)."""
    found = set(re.findall(rf'"{name}>=([0-9.]+)"', _PYPROJECT))
    assert len(found) == 1, (name, found)
    return found.pop()


EXTRA_FLOORS = {name: _floor(name) for name in ("graphviz", "threadpoolctl", "scipy", "ml_dtypes", "tensorboard")}


def _mpi4py_floor():
    """mpi4py's lower bound for the running Python: pyproject gives one per Python version (environment markers
    ``python_version < '3.11'``, ``== '3.11'``, ``>= '3.12'``), evaluated here as pip evaluates them."""
    here = sys.version_info[:2]
    for version, op, marker in re.findall(r'"mpi4py>=([0-9.]+); python_version ([<>=]=?) \'([0-9.]+)\'"',
                                          _PYPROJECT):
        bound = tuple(int(p) for p in marker.split("."))
        if {"<": here < bound, "==": here == bound, ">=": here >= bound, "<=": here <= bound,
                ">": here > bound}[op]:
            return version
    raise AssertionError(f"pyproject.toml gives mpi4py no floor for Python {here}")


def _run(cmd, path=None, **kw):
    """Run ``cmd`` (no PYTHONPATH: the venv's own packages are what runs); ``path`` is put first on PATH."""
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    if path is not None:
        env["PATH"] = f"{path}{os.pathsep}{env.get('PATH', '')}"
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=900, **kw)
    assert r.returncode == 0, f"{cmd} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """sdist and wheel from ``python -m build`` (the wheel is built from the sdist, so both must be complete)."""
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend (setuptools) comes from the test venv, so the build needs no download.
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT])
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(out.iterdir())
    return wheels[0], sdists[0]


def _venv(path, *packages):
    _run([sys.executable, "-m", "venv", path])
    py = path / "bin" / "python"
    _run([py, "-m", "pip", "install", "-q", *packages])
    return py


@pytest.mark.slow
def test_wheel_contents_and_version(dist):
    import npgrad
    wheel, sdist = dist
    assert wheel.name.startswith(f"npgrad-{npgrad.__version__}-"), wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert "npgrad/py.typed" in names
    assert "npgrad/serialization/__init__.py" in names and "npgrad/nn/functional.py" in names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert f"Version: {npgrad.__version__}" in meta
    assert f"Requires-Dist: numpy>={NUMPY_FLOOR}" in meta
    # every module in the source tree is in the wheel (catches a sub-package missing an __init__ or find config)
    src = {str(p.relative_to(ROOT / "src")) for ext in ("*.py", "*.pyi") for p in (ROOT / "src" / "npgrad").rglob(ext)}
    assert src <= set(names), sorted(src - set(names))[:10]


@pytest.mark.slow
def test_installed_wheel_runs_tutorial(dist, tmp_path):
    """A clean venv with only the wheel (and NumPy it pulls): the tutorial imports the installed package."""
    wheel, _ = dist
    py = _venv(tmp_path / "venv", wheel)
    where = _run([py, "-c", "import npgrad, os; print(os.path.dirname(npgrad.__file__)); print(npgrad.__version__)"],
                 cwd=tmp_path).split()
    assert where[0].startswith(str(tmp_path / "venv")), where
    assert os.path.exists(os.path.join(where[0], "py.typed"))
    out = _run([py, ROOT / "examples" / "autograd_tutorial.py"], cwd=tmp_path)
    assert "grad_fn" in out or "tensor(" in out


@pytest.mark.slow
def test_oldest_numpy(dist, tmp_path):
    """The oldest NumPy pyproject allows, with the optional extras at their floors: the installed wheel runs the
    tutorial and each extra's use (extras_floors_check.py), and the op table's forward and backward checks and the
    bfloat16 tests against torch pass from the source tree (torch, pytest and hypothesis are borrowed from the
    test venv through a .pth placed after the new venv's own site-packages, so NumPy is the old one)."""
    wheel, _ = dist
    major_minor = ".".join(NUMPY_FLOOR.split(".")[:2])
    floors = [f"{name}=={version}" for name, version in EXTRA_FLOORS.items()]
    py = _venv(tmp_path / "venv", f"numpy=={major_minor}.*", *floors, wheel)
    version = _run([py, "-c", "import numpy; print(numpy.__version__)"]).strip()
    assert version.startswith(major_minor + "."), version
    _run([py, ROOT / "examples" / "autograd_tutorial.py"], cwd=tmp_path)
    # the extras at their floors: the graph's DOT text and picture through graphviz, BLAS pools through threadpoolctl
    _run([py, ROOT / "examples" / "autograd_graph.py", tmp_path], cwd=tmp_path)
    assert (tmp_path / "tutorial_graph.dot").read_text().startswith("digraph")
    if shutil.which("dot"):
        assert (tmp_path / "tutorial_graph.png").stat().st_size > 1000
    pools = _run([py, "-c", "from npgrad.distributed import _threads; print(len(_threads._pools()))"], cwd=tmp_path)
    assert int(pools) >= 1, pools
    # scipy (npgrad.special's Bessel/Airy), ml_dtypes (bfloat16 tensors), tensorboard (SummaryWriter's summaries)
    out = _run([py, ROOT / "tests" / "docs" / "extras_floors_check.py", tmp_path, "scipy", "ml_dtypes",
                "tensorboard"], cwd=tmp_path)
    assert out.split() == ["scipy", "ok", "ml_dtypes", "ok", "tensorboard", "ok"], out
    site = _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
    pathlib.Path(site, "zz_test_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([py, "-c", "import numpy, torch, pytest, ml_dtypes; assert numpy.__version__ == %r; "
                    "assert ml_dtypes.__version__.startswith(%r)" % (version, EXTRA_FLOORS["ml_dtypes"])])
    # the bfloat16 tests run with the floor's ml_dtypes (the venv's own site-packages come before the borrowed ones)
    _run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "tests/ops/test_vs_torch.py",
          "tests/test_bfloat16.py", "tests/test_bfloat16_ops.py"], cwd=ROOT)


@pytest.mark.slow
def test_oldest_mpi4py(dist, tmp_path):
    """mpi4py at the floor pyproject gives for this Python (a source-only release: built here against MPICH from
    PyPI, as docs/distributed.md shows for an old mpi4py) with the oldest NumPy: the installed wheel passes
    the 2-rank collectives and DDP jobs of tests/distributed."""
    wheel, _ = dist
    floor = _mpi4py_floor()
    major_minor = ".".join(NUMPY_FLOOR.split(".")[:2])
    venv = tmp_path / "venv"
    py = _venv(venv, f"numpy=={major_minor}.*", "mpich", "setuptools<70", "wheel", wheel)
    # the 3.1 series builds only with setuptools < 70 and without build isolation; mpicc comes from the mpich wheel
    env_path = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    _run([py, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-binary", "mpi4py", f"mpi4py=={floor}"],
         path=venv / "bin")
    assert _run([py, "-c", "import mpi4py; print(mpi4py.__version__)"]).strip() == floor
    scripts = ROOT / "tests" / "distributed" / "scripts"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env.update(PATH=env_path, PYTHONPATH=str(scripts), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1")
    for script, want in (("collectives.py", r"collectives OK rank (\d)"), ("ddp.py", r"ddp OK rank (\d)")):
        r = subprocess.run([str(venv / "bin" / "mpiexec"), "-n", "2", str(py), str(scripts / script), "2"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        out = r.stdout + r.stderr
        assert r.returncode == 0, out[-3000:]
        assert sorted(re.findall(want, out)) == ["0", "1"], out[-3000:]
