"""npgrad/_tensor_methods.py: the one table of Tensor's op-backed methods (name, how it is made, function)."""
import ast
import collections
import importlib
import inspect
import pathlib
import sys

import numpy as np
import pytest
import torch

import npgrad
from npgrad import Tensor, _tensor_methods as M

ROWS = list(M.rows())


def _class_body_names():
    src = pathlib.Path(npgrad._tensor.__file__).read_text(encoding="utf-8")
    cls = next(n for n in ast.parse(src).body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    names = set()
    for n in cls.body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(n.name)
        elif isinstance(n, ast.Assign):
            names |= {t.id for t in n.targets if isinstance(t, ast.Name)}
    return names


def _target(module, attr):
    obj = importlib.import_module("npgrad." + module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_name_once_and_every_how_known():
    counts = collections.Counter(name for name, *_ in ROWS)
    assert [n for n, c in counts.items() if c > 1] == []
    assert {how for _, how, _, _ in ROWS} <= {"-", "inplace", "inplace+overlap", "inplace+rebase", "inplace_view",
                                               "predicate", "property", "same"}


def test_no_row_shadows_the_class_body():
    assert sorted({name for name, *_ in ROWS} & _class_body_names()) == []


def test_every_method_is_a_torch_tensor_method():
    assert [name for name, *_ in ROWS if not hasattr(torch.Tensor, name)] == []


@pytest.mark.parametrize("name,how,module,attr", ROWS, ids=[r[0] for r in ROWS])
def test_row_is_what_tensor_has(name, how, module, attr):
    getattr(Tensor, name)  # a row of a module loaded on first use (npgrad/_lazy.py) is made by this first access
    got = Tensor.__dict__[name]
    if how == "same":
        assert got is Tensor.__dict__[attr]
    elif how == "property":
        getter, *setter = attr.split(",")
        assert isinstance(got, property) and got.fget is _target(module, getter)
        assert (got.fset is None) == (not setter)
    elif how == "-":
        assert got is _target(module, attr)
    else:  # a wrapper made from the function: its closure holds it
        fn = _target(module, attr)  # a bound method (Cls.apply) is made anew on each lookup: compared by ==
        # an op's first call installs its own generated ``apply`` (autograd/function.py ``_specialise``): a wrapper
        # made before that holds the op's general ``apply`` bound to the op class, one made after holds the new one
        owner = _target(module, attr.rsplit(".", 1)[0]) if attr.endswith(".apply") else None
        assert any(c is fn or (inspect.ismethod(fn) and c == fn)
                   or (owner is not None and inspect.ismethod(c) and c.__self__ is owner and c.__name__ == "apply")
                   for c in (c.cell_contents for c in got.__closure__))


def test_sources_are_found_where_the_table_says():
    assert inspect.getsourcefile(Tensor.sum).endswith("ops/reduction.py")
    assert "def sum(" in inspect.getsource(Tensor.sum)
    assert inspect.getsourcefile(Tensor.new_zeros).endswith("_creation.py")


def test_methods_behave_as_torch():
    for m in (npgrad, torch):
        x = m.tensor([[1.0, -2.0], [3.0, 4.0]])
        y = x.clone()
        y.exp_()
        z = x.clone()
        z.unsqueeze_(0)
        w = x.clone()
        w.lt_(2.0)
        out = (x.sum().item(), y.tolist(), tuple(z.shape), w.tolist(), x.T.tolist(), x.polygamma(1)[1, 1].item(),
               x.new_zeros(3).dtype is m.float32, x.where(x > 0, 0.0).tolist(), x.greater_(0).tolist())
        if m is npgrad:
            ours = out
    for a, b in zip(ours, out):  # values to float32 rounding (NumPy's exp may differ from torch's in the last bit)
        assert type(a) is type(b) and np.allclose(a, b, rtol=1e-6, atol=0)


def test_no_module_attaches_methods_itself():
    # the table is the one place: no op module keeps a binder of its own
    root = pathlib.Path(npgrad.__file__).parent
    binders = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if any(isinstance(n, ast.FunctionDef) and n.name == "bind_methods"
                      for n in ast.parse(p.read_text(encoding="utf-8")).body)]
    assert binders == []
