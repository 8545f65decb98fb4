"""Every array call in npgrad/ops/ goes through ``xp`` (npgrad/_xp.py): an AST walk over each ops module."""
import ast
import pathlib

import pytest

import npgrad
from npgrad._xp import NP_ALLOWED, xp

OPS = pathlib.Path(npgrad.__file__).parent / "ops"
EXEMPT = {"numpy_interop.py"}  # NumPy's own __array_function__ protocol: its tables are keyed by NumPy callables
MODULES = sorted(p.name for p in OPS.glob("*.py") if p.name not in EXEMPT)


def np_uses(tree):
    """(line, dotted name) of each ``np.<name>`` an ops module writes, outermost attribute chain."""
    parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np":
            names, n = [node.attr], node
            while isinstance(parents.get(n), ast.Attribute):
                n = parents[n]
                names.append(n.attr)
            yield node.lineno, names


def violations(source):
    tree = ast.parse(source)
    bad = [f"line {ln}: np.{'.'.join(names)}" for ln, names in np_uses(tree)
           if names[0] not in NP_ALLOWED and ".".join(names[:2]) not in NP_ALLOWED]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "numpy":
            bad.append(f"line {node.lineno}: from {node.module} import ...")
        if isinstance(node, ast.Import):
            bad += [f"line {node.lineno}: import {a.name} as {a.asname}" for a in node.names
                    if a.name.split(".")[0] == "numpy" and a.asname not in (None, "np")]
    return bad


@pytest.mark.parametrize("name", MODULES)
def test_ops_module_calls_arrays_through_xp(name):
    bad = violations((OPS / name).read_text(encoding="utf-8"))
    assert not bad, f"ops/{name} calls NumPy directly (write xp.<name>, see npgrad/_xp.py): {bad}"


def test_checker_catches_direct_calls():
    # the walk itself: array calls, ufunc methods, submodules and aliased imports are caught; types are not
    src = ("import numpy as np\nimport numpy as onp\nfrom numpy.linalg import inv\n"
           "a = np.exp(1)\nnp.add.at(a, 0, 1)\nnp.linalg.solve(a, a)\n"
           "b = np.float32(1) + np.inf\nisinstance(a, np.ndarray)\nraise np.linalg.LinAlgError\n")
    bad = violations(src)
    assert sorted(b.split(": ")[1] for b in bad) == sorted(["np.exp", "np.add.at", "np.linalg.solve",
                                                           "from numpy.linalg import ...", "import numpy as onp"])


def test_xp_is_the_array_module():
    assert xp.add is not None and callable(xp.exp) and xp.linalg.solve is not None
    assert all(hasattr(__import__("numpy"), n.split(".")[0]) for n in NP_ALLOWED)
