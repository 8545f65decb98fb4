"""How many of the public names in the API reference have a docstring, and how many an example: floors per namespace
that rise as docstrings are written (the issue's goal is all of them, in torch's style with an example). Every
example is run by test_doctests.py; these floors only keep the count from falling."""
import importlib
import inspect
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "docs"))
sys.path.insert(0, os.path.join(ROOT, "src"))

import conf  # noqa: E402  (docs/conf.py: the namespaces the API reference covers and how it lists their names)

# namespace: (public names at least, with a docstring at least, with a ``>>>`` example at least), as measured when
# the floors were last raised. Shared functions (``npgrad.celu`` is ``nn.functional.celu``) count in every
# namespace that lists them.
FLOORS = {
    "npgrad": (579, 579, 577),
    "npgrad.autograd": (21, 21, 21),
    "npgrad.nn": (167, 167, 167),
    "npgrad.nn.functional": (130, 130, 130),
    "npgrad.nn.init": (26, 26, 26),
    "npgrad.optim": (11, 11, 11),
    "npgrad.optim.lr_scheduler": (16, 16, 16),
    "npgrad.linalg": (42, 42, 40),
    "npgrad.special": (56, 56, 56),
    "npgrad.func": (9, 9, 9),
    "npgrad.utils.data": (19, 19, 19),
    "npgrad.serialization": (7, 7, 7),
    "npgrad.distributed": (40, 40, 38),
    "npgrad.testing": (3, 3, 3),
}


def _counts(modname):
    total = documented = with_example = 0
    for _, obj in conf._public(importlib.import_module(modname)):
        doc = inspect.getdoc(obj) or ""
        total += 1
        documented += bool(doc.strip())
        with_example += ">>>" in doc
    return total, documented, with_example


@pytest.fixture(scope="module", autouse=True)
def _all_namespaces_imported():
    # as in the built site: a namespace's docstring table (nn.functional's) may describe functions another
    # namespace shares, so the counts must not depend on which namespace a test session imported first
    for _, modname in conf.API:
        if modname is not None:
            importlib.import_module(modname)


def test_every_namespace_has_floors():
    assert {m for _, m in conf.API if m is not None} == set(FLOORS)


@pytest.mark.parametrize("modname", sorted(FLOORS))
def test_docstring_floors(modname):
    total, documented, with_example = _counts(modname)
    want_total, want_documented, want_example = FLOORS[modname]
    assert total >= want_total, (modname, total)
    assert documented >= min(want_documented, total), (modname, documented, total)
    assert with_example >= want_example, (modname, with_example, total)


def test_top_level_docstrings_without_nn():
    """``import npgrad`` alone (``nn`` loads lazily) already gives every top-level name its docstring, the functions
    shared with ``nn.functional`` (``npgrad.celu``) included, with the examples the floors count."""
    code = ("import inspect, sys\n"
            f"sys.path[:0] = [{os.path.join(ROOT, 'docs')!r}, {os.path.join(ROOT, 'src')!r}]\n"
            "import conf, npgrad\n"
            "docs = [inspect.getdoc(o) or '' for _, o in conf._public(npgrad)]\n"
            "print(sum(bool(d.strip()) for d in docs), sum('>>>' in d for d in docs), len(docs),"
            " 'npgrad.nn' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    documented, with_example, total, nn_loaded = int(out[0]), int(out[1]), int(out[2]), out[3]
    assert nn_loaded == "False"
    assert documented == total
    assert with_example >= FLOORS["npgrad"][2], (with_example, total)
