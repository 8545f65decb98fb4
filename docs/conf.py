"""Sphinx configuration for npgrad's documentation site (``make docs`` builds it into docs/_build/html).

Why Sphinx + MyST + autodoc: people coming from torch know Sphinx-style API pages; autodoc with napoleon reads the
docstrings npgrad already has (Google/NumPy sections, ``>>>`` examples); MyST keeps the existing Markdown pages
(internals.md, graph.md, distributed.md, performance.md) Markdown; myst-nb executes the tutorial notebooks at build
time (through nbclient) so the site shows their real outputs and a broken notebook fails the build.

The API reference pages are generated here at build time (docs/api/, git-ignored) from each namespace's public
names, so a new public function appears without editing anything.
"""
import importlib
import inspect
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import npgrad  # noqa: E402

npgrad._lazy.load_all()  # autodoc reads __dict__s: what npgrad loads on first use is loaded now

project = "npgrad"
author = "the npgrad authors"
release = str(npgrad.__version__)
version = release

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
html_theme = "alabaster"
html_title = f"npgrad {release}"

# Notebooks run at build time (nbclient underneath) and any error fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 300

autodoc_default_options = {"undoc-members": False}
autodoc_typehints = "none"  # signatures as written; the docstrings say the types in torch's style
autodoc_inherit_docstrings = True
napoleon_google_docstring = True
napoleon_numpy_docstring = True

# Namespaces documented in the API reference: (title, module).
API = [
    ("npgrad", "npgrad"),
    ("npgrad.Tensor", None),
    ("npgrad.autograd", "npgrad.autograd"),
    ("npgrad.nn", "npgrad.nn"),
    ("npgrad.nn.functional", "npgrad.nn.functional"),
    ("npgrad.nn.init", "npgrad.nn.init"),
    ("npgrad.optim", "npgrad.optim"),
    ("npgrad.optim.lr_scheduler", "npgrad.optim.lr_scheduler"),
    ("npgrad.linalg", "npgrad.linalg"),
    ("npgrad.special", "npgrad.special"),
    ("npgrad.func", "npgrad.func"),
    ("npgrad.utils.data", "npgrad.utils.data"),
    ("npgrad.serialization", "npgrad.serialization"),
    ("npgrad.distributed", "npgrad.distributed"),
    ("npgrad.testing", "npgrad.testing"),
]


def _public(mod):
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in dir(mod) if not n.startswith("_")]
    out = []
    for n in sorted(set(names)):
        try:
            obj = getattr(mod, n)
        except Exception:
            continue
        if inspect.ismodule(obj):
            continue
        if inspect.isclass(obj) or callable(obj):
            out.append((n, obj))
    return out


def _owner(obj, listed_in):
    """Sphinx indexes a class under its defining module, so only one page may describe it with an index entry:
    the namespace whose name is the longest prefix of the class's module (npgrad.autograd for Function), else the
    first that lists it."""
    mod = getattr(obj, "__module__", "") or ""
    best = [m for m in listed_in if mod == m or mod.startswith(m + ".")]
    return max(best, key=len) if best else listed_in[0]


def _write_api():
    os.makedirs(os.path.join(HERE, "api"), exist_ok=True)
    listed = {}
    for _, modname in API:
        if modname is None:
            continue
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        for _, obj in _public(mod):
            if inspect.isclass(obj):
                listed.setdefault(id(obj), []).append(modname)
    index = ["API reference", "=============", "",
             "Generated from the docstrings of every public name of each namespace.", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    for title, modname in API:
        slug = title.replace(".", "_")
        lines = [title, "=" * len(title), ""]
        if modname is None:  # Tensor's methods
            lines += [".. currentmodule:: npgrad", "", ".. autoclass:: Tensor", "   :members:", "   :no-index:", ""]
        else:
            try:
                mod = importlib.import_module(modname)
            except ImportError:  # a namespace npgrad does not have (yet)
                continue
            lines += [f".. py:module:: {modname}", "", f".. currentmodule:: {modname}", ""]
            for name, obj in _public(mod):
                if inspect.isclass(obj):
                    lines += [f".. autoclass:: {name}", ""]
                    if _owner(obj, listed[id(obj)]) != modname:
                        lines[-1:] = ["   :no-index:", ""]
                else:
                    lines += [f".. autofunction:: {name}", ""]
        index.append(f"   {slug}")
        text = "\n".join(lines)
        path = os.path.join(HERE, "api", slug + ".rst")
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)
    text = "\n".join(index) + "\n"
    path = os.path.join(HERE, "api", "index.rst")
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)



if "sphinx" in sys.modules:  # under Sphinx; tests import this file for API without writing pages
    _write_api()
