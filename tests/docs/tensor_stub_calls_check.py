"""Run by tests/docs/test_tensor_stub.py in a subprocess (it replaces Tensor's methods with recording wrappers):
every Tensor method call that the op table's lambdas make (tests/support/op_db: torch-style calls such as
``x.sum(dim=(0, 1), keepdim=True)`` with each entry's sample arguments) is checked, at runtime, against the
annotations of src/npgrad/_tensor.pyi. A call the stub rejects is printed as ``REJECTED <method> <args>``: either the
stub is stricter than the method (fix the stub) or the call is one torch's own stub rejects too (then say so there).
The last line is ``checked N calls of M methods, R rejected``.

The checker reads the stub's annotations itself (its own aliases: ``_int``, ``_Number``, ``_size`` ...), with mypy's
rules for numbers (an int fits ``float``, ``bool`` fits ``int``); an annotation it does not know stops it with an
error naming it, so that a new alias gets its rule here rather than passing unchecked."""
import ast
import collections
import inspect
import pathlib
import sys
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import npgrad  # noqa: E402
from npgrad._shape import Size, _Unset  # noqa: E402
from npgrad._tensor import device  # noqa: E402

Tensor = npgrad.Tensor
P = inspect.Parameter

NAMES = {  # the stub's names -> a test of a runtime value
    "Any": lambda v: True,
    "object": lambda v: True,
    "_Index": lambda v: True,
    "_int": lambda v: isinstance(v, int),
    "_bool": lambda v: isinstance(v, bool),
    "_float": lambda v: isinstance(v, (int, float)),
    "_complex": lambda v: isinstance(v, (int, float, complex)),
    "_Number": lambda v: isinstance(v, (int, float, complex)),
    "_str": lambda v: isinstance(v, str),
    "Tensor": lambda v: isinstance(v, Tensor),
    "_DType": lambda v: isinstance(v, npgrad.dtype),
    "_device": lambda v: isinstance(v, (device, str, int)),
    "_Unset": lambda v: isinstance(v, _Unset),
    "_size": lambda v: isinstance(v, Size) or isinstance(v, (list, tuple)) and all(isinstance(e, int) for e in v),
    "_dims": lambda v: isinstance(v, int) or isinstance(v, (list, tuple)) and all(isinstance(e, int) for e in v),
    "Generator": lambda v: isinstance(v, npgrad.Generator),
    "_memory_format": lambda v: isinstance(v, npgrad.memory_format),
    "_layout": lambda v: isinstance(v, npgrad.layout),
    "SupportsIndex": lambda v: hasattr(v, "__index__"),
}


def fits(ann, v):
    """Whether the runtime value ``v`` is of the stub annotation ``ann`` (an ast node; None: unannotated)."""
    if ann is None:
        return True
    if isinstance(ann, ast.Constant) and ann.value is None:
        return v is None
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        return fits(ann.left, v) or fits(ann.right, v)
    if isinstance(ann, ast.Name) and ann.id in NAMES:
        return NAMES[ann.id](v)
    if isinstance(ann, ast.Subscript):
        base, arg = ast.unparse(ann.value), ann.slice
        if base == "Literal":
            options = [ast.literal_eval(e) for e in (arg.elts if isinstance(arg, ast.Tuple) else [arg])]
            return any(type(v) is type(o) and v == o for o in options)
        if base in ("Sequence", "list"):
            return isinstance(v, list if base == "list" else (list, tuple)) and all(fits(arg, e) for e in v)
        if base == "tuple" and isinstance(arg, ast.Tuple):
            if len(arg.elts) == 2 and isinstance(arg.elts[1], ast.Constant) and arg.elts[1].value is Ellipsis:
                return isinstance(v, tuple) and all(fits(arg.elts[0], e) for e in v)
            return isinstance(v, tuple) and len(v) == len(arg.elts) and all(map(fits, arg.elts, v))
        if base == "Callable":
            return callable(v)
        if base == "builtins.type":
            return isinstance(v, type)
    raise ValueError(f"tensor_stub_calls_check.py has no rule for the annotation {ast.unparse(ann)!r}")


def signatures(fd):
    """(inspect.Signature without self, {parameter: annotation}) of a stub ``def``."""
    a = fd.args
    pos = a.posonlyargs + a.args
    defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
    params, anns = [], {}
    for i, (p, d) in enumerate(zip(pos, defaults)):
        if i:
            kind = P.POSITIONAL_ONLY if p in a.posonlyargs else P.POSITIONAL_OR_KEYWORD
            params.append(P(p.arg, kind, default=P.empty if d is None else ...))
            anns[p.arg] = p.annotation
    if a.vararg:
        params.append(P(a.vararg.arg, P.VAR_POSITIONAL))
        anns[a.vararg.arg] = a.vararg.annotation
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        params.append(P(p.arg, P.KEYWORD_ONLY, default=P.empty if d is None else ...))
        anns[p.arg] = p.annotation
    if a.kwarg:
        params.append(P(a.kwarg.arg, P.VAR_KEYWORD))
        anns[a.kwarg.arg] = a.kwarg.annotation
    return inspect.Signature(params), anns


def accepts(defs, args, kwargs):
    """Whether one of the stub's ``def``s (overloads) of a method takes this call."""
    for sig, anns in defs:
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError:
            continue
        ok = True
        for name, value in bound.arguments.items():
            kind = sig.parameters[name].kind
            values = value if kind is P.VAR_POSITIONAL else value.values() if kind is P.VAR_KEYWORD else [value]
            ok = ok and all(fits(anns[name], v) for v in values)
        if ok:
            return True
    return False


def main():
    stub = ast.parse((ROOT / "src" / "npgrad" / "_tensor.pyi").read_text())
    cls = next(n for n in stub.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    defs = collections.defaultdict(list)
    for item in cls.body:
        if isinstance(item, ast.FunctionDef):
            defs[item.name].append(signatures(item))
    checked, rejected = collections.Counter(), {}

    def recording(name, fn):
        def method(self, *args, **kwargs):
            caller = sys._getframe(1).f_code.co_filename
            if "op_db" in caller:  # the op table's own call, not one made inside npgrad
                checked[name] += 1
                if not accepts(defs[name], args, kwargs):
                    rejected.setdefault(name, (args, kwargs))
            return fn(self, *args, **kwargs)
        return method

    for name in defs:
        attr = inspect.getattr_static(Tensor, name, None)
        if (name == "__getitem__" or not name.startswith("_")) and inspect.isfunction(attr):
            setattr(Tensor, name, recording(name, attr))

    from tests.support.op_db import OPS
    from tests.support.oracle import make_inputs
    rng = np.random.default_rng(0)
    warnings.simplefilter("ignore")
    for op in OPS:
        for args, kwargs in op.samples(rng, op.dtypes[0]):
            try:
                op.fn(npgrad, *make_inputs(npgrad, args), **kwargs)
            except Exception:  # noqa: BLE001  (samples that raise on purpose; the call was still checked)
                pass
    for name, (args, kwargs) in sorted(rejected.items()):
        print(f"REJECTED {name} args={args!r:.200} kwargs={kwargs!r:.200}")
    print(f"checked {sum(checked.values())} calls of {len(checked)} methods, {len(rejected)} rejected")


if __name__ == "__main__":
    main()
