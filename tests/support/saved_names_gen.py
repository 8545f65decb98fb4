"""Derive npgrad's saved-name table (``src/npgrad/autograd/_saved_table.py``) from torch, over the op table.

For every op_db entry, run the op on torch and npgrad; for each ``grad_fn._saved_<name>`` torch shows, find
what in npgrad's node holds the same value: a saved slot holding an equal tensor (``k``), a ctx field equal to
it (``"field"``, ``"tuple:field"``), or the shape of a saved slot (``"sizes:k"``). A name is written only when
exactly one candidate matches in every sample that has it, so a coincidence in one sample is not taken.
Hand-written entries in ``saved_attrs._TABLE`` take precedence at lookup.

    .venv/bin/python -m tests.support.saved_names_gen      # rewrites _saved_table.py; review the diff
"""
import collections
import pprint
import warnings

import numpy as np
import torch

import npgrad
from npgrad.autograd import function as F
from tests.support.op_db import OPS
from tests.support.oracle import make_inputs

OUT = "src/npgrad/autograd/_saved_table.py"


def _first(r):
    while isinstance(r, (tuple, list)):
        r = r[0] if r else None
    return r


def _slot_tensor(node, k):
    from npgrad.autograd.saved_attrs import _unpack
    try:
        return _unpack(node, k)
    except Exception:  # noqa: BLE001
        return None


def _same_tensor(t, n):
    if not isinstance(n, npgrad.Tensor):
        return False
    a, b = t.detach().numpy(), n.detach().numpy()
    return (a.shape == b.shape and str(t.dtype).split(".")[1] == str(n.dtype).split(".")[1]
            and np.allclose(a, b, equal_nan=True) and a.size > 0)


def _same_value(v, x):
    if isinstance(v, bool) or isinstance(x, (bool, np.bool_)):
        return type(v) is bool and isinstance(x, (bool, np.bool_)) and bool(x) == v
    if isinstance(v, (tuple, list)):
        return isinstance(x, (tuple, list)) and len(v) == len(x) and all(_same_value(a, b) for a, b in zip(v, x))
    if isinstance(v, (int, float)):
        return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)) \
            and type(v) is (float if isinstance(x, (float, np.floating)) else int) and x == v
    if isinstance(v, str):
        return isinstance(x, str) and x == v
    return False


def _wrapped_negative(v):
    if isinstance(v, tuple):
        return any(_wrapped_negative(x) for x in v)
    return type(v) is int and v >= 2 ** 63


def _related(name, field):
    """A ctx field can hold torch's value only if the names say so (``dim``/``dims``, ``negative_slope``/``slope``,
    ``self_sym_sizes``/``shape``): equal values under unrelated names (a flag that happens to match) are not taken."""
    if name.endswith("sym_sizes"):
        return field == "shape"
    return field == name or (len(field) >= 3 and (field in name or name in field))


def candidates(tnode, nnode, name):
    """Specs in npgrad's node that give torch's value of ``_saved_<name>``."""
    v = getattr(tnode, "_saved_" + name)
    if _wrapped_negative(v):
        return None  # torch shows a negative dim as its unsigned wrap; npgrad normalises it: no evidence here
    out = set()
    saved = nnode._saved or ()
    if isinstance(v, torch.Tensor):
        for k in range(len(saved)):
            if _same_tensor(v, _slot_tensor(nnode, k)):
                out.add(k)
        return out
    if v is None:
        return None  # says nothing about where it lives
    fields = [f for f in type(nnode)._fn._ctx_fields if _related(name, f)]
    for f in fields:
        x = getattr(nnode, f, None)
        if x is None or isinstance(x, np.ndarray):
            continue
        if isinstance(v, tuple) and isinstance(x, (tuple, list)) and _same_value(v, tuple(x)):
            out.add(f"tuple:{f}" if not isinstance(x, tuple) else f)
        elif _same_value(v, x):
            out.add(f)
    if isinstance(v, tuple) and name.endswith("sym_sizes") and not out:
        for k in range(len(saved)):
            t = _slot_tensor(nnode, k)
            if t is not None and tuple(t.shape) == v:
                out.add(f"sizes:{k}")
    return out


def derive():
    seen = collections.defaultdict(dict)   # key -> name -> set of specs consistent so far
    for op in OPS:
        if not op.grad:
            continue
        for args, kwargs in op.samples(np.random.default_rng(0), np.float64):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    tt = _first(op.fn(torch, *make_inputs(torch, args), **kwargs))
                    nt = _first(op.fn(npgrad, *make_inputs(npgrad, args), **kwargs))
            except Exception:  # noqa: BLE001
                continue
            if not isinstance(tt, torch.Tensor) or not isinstance(nt, npgrad.Tensor):
                continue
            tn, nn = tt.grad_fn, nt.grad_fn
            if tn is None or nn is None or tn.name() != nn.name() or not isinstance(nn, F.BackwardNode):
                continue
            fn = type(nn)._fn
            if not fn._builtin:
                continue
            key = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__qualname__}"
            for attr in dir(tn):
                if not attr.startswith("_saved_"):
                    continue
                name = attr[7:]
                c = candidates(tn, nn, name)
                if c is None:
                    continue
                prev = seen[key].get(name)
                seen[key][name] = c if prev is None else prev & c
    table = {}
    for key, names in sorted(seen.items()):
        entry = {n: next(iter(c)) for n, c in sorted(names.items()) if len(c) == 1}
        if entry:
            table[key] = entry
    return table


def main():
    table = derive()
    with open(OUT, "w") as f:
        f.write('"""Generated by tests/support/saved_names_gen.py from torch 2.13 over the op table: which saved slot\n'
                '(int), ctx field ("field", "tuple:field") or slot shape ("sizes:k") holds each of torch\'s\n'
                '``_saved_<name>`` values, per op. Regenerate after changing what an op saves; do not edit by hand\n'
                '(hand-written entries go in saved_attrs._TABLE, which takes precedence)."""\n\n')
        f.write("TABLE = " + pprint.pformat(table, width=116, sort_dicts=True) + "\n")
    print(f"{len(table)} ops, {sum(len(v) for v in table.values())} names -> {OUT}")


if __name__ == "__main__":
    main()
