"""Every ``>>>`` example in npgrad's docstrings runs and prints what it shows (the module docstrings, functions,
classes and methods of every npgrad module). One test per module that has examples."""
import builtins
import doctest
import importlib
import os
import pkgutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "src"))

import npgrad  # noqa: E402

npgrad._lazy.load_all()  # the finder reads __dict__s: what npgrad loads on first use is loaded now

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_FINDER = doctest.DocTestFinder(exclude_empty=True)


def _modules():
    names = ["npgrad", "npgrad.Tensor"]
    for info in pkgutil.walk_packages(npgrad.__path__, "npgrad."):
        names.append(info.name)
    return sorted(names)


def _tests(modname):
    if modname == "npgrad.Tensor":
        # Tensor's methods made by factories elsewhere (the in-place ``x.exp_()`` family, ...) belong to no module's
        # namespace, so the module walk does not reach them: collect the class's members wherever they come from
        return [t for t in _FINDER.find(npgrad.Tensor, modname, module=False, globs={}) if t.examples]
    mod = importlib.import_module(modname)
    # the examples see the module's globals less the names that shadow Python's builtins (npgrad's own namespace
    # has float, int, bool, abs, max, ... as dtypes and functions: ``float('nan')`` in an example means Python's)
    globs = {k: v for k, v in vars(mod).items() if k.startswith("__") or not hasattr(builtins, k)}
    return [t for t in _FINDER.find(mod, modname, globs=globs) if t.examples]


def _cases():
    for name in _modules():
        try:
            if _tests(name):
                yield name
        except ImportError:  # an optional extra's module (mpi4py, tensorboard, ...) that is not installed
            continue


MODULES = list(_cases())


def test_doctest_count_floor():
    """The examples do not silently disappear (raise this as examples are added)."""
    # measured 7,033 when last raised (a docstring counts once per module it is found in)
    assert sum(len(t.examples) for m in MODULES for t in _tests(m)) >= 7033


@pytest.mark.parametrize("modname", MODULES)
def test_docstring_examples(modname):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out = []
    np_state = npgrad.get_default_dtype()
    try:
        for t in _tests(modname):
            runner.run(t, out=out.append)
    finally:
        npgrad.set_default_dtype(np_state)
    res = runner.summarize(verbose=False)
    assert res.failed == 0, "".join(out)
