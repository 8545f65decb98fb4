"""Assembles torch-style docstrings for the tables that attach them at import (``nn/_functional_docs.py``,
``_special_docs.py``, ``_linalg_docs.py``): summary, ``Args:`` (one argument a line), a Returns/Shape section and an
``Example::`` whose ``>>>`` lines are doctests (tests/docs/test_doctests.py)."""


def doc(summary, args, after, example):
    """One docstring from its parts; ``example`` is ``>>>`` lines (blank lines dropped)."""
    args = "\n    ".join(args.split("\n"))
    example = "\n    ".join(line for line in example.split("\n") if line)
    return f"{summary}\n\nArgs:\n    {args}\n\n{after}\n\nExample::\n\n    {example}\n"


def apply(ns, docs, module):
    """Attach ``docs`` (name -> docstring) to the functions in ``ns`` (a namespace's globals). A top-level
    ``npgrad`` function also listed here (``__module__`` is ``"npgrad"``) keeps the docstring it has there when that
    one has an example."""
    for name, text in docs.items():
        fn = ns.get(name)
        if fn is None:
            continue
        if getattr(fn, "__module__", None) == "npgrad" and ">>>" in (fn.__doc__ or ""):
            continue
        fn.__doc__ = text
