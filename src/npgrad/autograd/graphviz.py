"""See the backward graph: DOT text for Graphviz, rendered pictures, a text tree and a summary.

Everything here reads the graph through the public node API (``name()``, ``next_functions``, the
``variable`` of ``AccumulateGrad``) and ``saved_values(node)``; nothing is stored on the graph. The walks are
iterative (an explicit stack), so a chain of any length works, and they visit nodes in one fixed order (inputs
in ``next_functions`` order, depth first), so the same graph always gives the same text: ids are ``n0, n1, ...``
in that order, never memory addresses.

Only ``render`` (and showing a graph as SVG in Jupyter) needs the ``graphviz`` Python package and Graphviz's
``dot`` program; both are imported when first used, never at ``import npgrad``.

>>> import npgrad
>>> w = npgrad.ones(2, requires_grad=True)
>>> loss = (w * 3).sum()
>>> npgrad.autograd.graph.print_graph(loss, params={"w": w})
SumBackward0
└── MulBackward0
    └── leaf w (2,)
"""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    import os

    from .._tensor import Tensor

__all__ = ["to_dot", "to_graph", "make_dot", "render", "print_graph", "summary", "saved_values", "SavedValue",
           "Digraph", "GraphSummary"]

_INSTALL = ("Install both: `pip install npgrad[viz]` (the graphviz Python package) and the Graphviz programs "
            "(`apt-get install graphviz`; macOS: `brew install graphviz`; conda: `conda install graphviz`). "
            "npgrad.autograd.graph.to_dot() and print_graph() need neither.")

# fill colours: the tensors the graph was asked for, leaves (parameters), saved tensors, backward nodes
_ROOT, _LEAF, _SAVED, _OP = "darkolivegreen1", "lightblue", "orange", "lightgrey"
_MISSING = object()


class SavedValue:
    """One value a node saved for backward, as ``saved_values(node)`` returns it.

    ``index``: position in the node's ``save_for_backward`` call. ``role``: ``"input"`` (a tensor the op was
    called on), ``"result"`` (the op's own output), ``"computed"`` (an array made in forward), ``"packed"``
    (what a ``saved_tensors_hooks`` pack hook returned; shape and dtype when it has them) or ``"value"``
    (not an array, e.g. None). ``data``: the ndarray (or the plain value). ``shape``/``dtype``/``nbytes``: of
    the array (None, None, 0 for a plain value). ``tensor``: the Tensor it was saved from, when there is one.
    """
    __slots__ = ("index", "role", "data", "shape", "dtype", "nbytes", "tensor")

    def __init__(self, index: int, role: str, data: Any, shape: tuple[int, ...] | None = None,
                 dtype: str | None = None, nbytes: int = 0, tensor: Tensor | None = None) -> None:
        self.index, self.role, self.data, self.shape = index, role, data, shape
        self.dtype, self.nbytes, self.tensor = dtype, nbytes, tensor

    def __repr__(self):
        if self.role == "value":
            return f"SavedValue(index={self.index}, role='value', data={self.data!r})"
        return (f"SavedValue(index={self.index}, role={self.role!r}, shape={self.shape}, dtype={self.dtype!r}, "
                f"nbytes={self.nbytes})")


# --- reading the graph ---------------------------------------------------------------------------------------

def saved_values(node: Any) -> tuple[SavedValue, ...]:
    """What ``node`` holds for its backward, as a tuple of ``SavedValue``.

    Raises torch's RuntimeError once the values were freed by a backward pass without ``retain_graph=True``.

    >>> import npgrad
    >>> x = npgrad.ones(3, requires_grad=True)
    >>> [(v.role, v.shape) for v in npgrad.autograd.graph.saved_values((x * x).grad_fn)]
    [('input', (3,)), ('input', (3,))]
    """
    values = _saved(node)
    if values is None:
        from .function import _FREED
        raise RuntimeError(_FREED)
    return values


def _saved(node):
    """``saved_values`` without the error: None once freed."""
    from . import function
    raw = getattr(node, "_saved", ())
    if raw is None:
        return None
    out = []
    hooked = getattr(function, "_Hooked", None)
    for i, entry in enumerate(raw):
        if type(entry) is hooked:
            out.append(_packed(i, entry.packed))
            continue
        if type(entry) is not function._Saved:  # a plain value (None, a number, a string)
            out.append(SavedValue(i, "value", entry))
            continue
        if entry.output_nr >= 0:
            role = "result"
        elif entry.tensor is not None:
            role = "input"
        else:
            role = "computed"
        data = entry.data
        out.append(SavedValue(i, role, data, tuple(data.shape), data.dtype.name, int(data.nbytes), entry.tensor))
    return tuple(out)


def _packed(i, packed):
    """What a ``saved_tensors_hooks`` pack hook returned: described without running the unpack hook."""
    from .._tensor import Tensor
    data = packed._data if isinstance(packed, Tensor) else packed
    if hasattr(data, "shape") and hasattr(data, "dtype") and hasattr(data, "nbytes"):
        return SavedValue(i, "packed", packed, tuple(data.shape), str(getattr(data.dtype, "name", data.dtype)),
                          int(data.nbytes), packed if isinstance(packed, Tensor) else None)
    return SavedValue(i, "packed", packed)


def _roots(roots, what):
    """Flatten the tensors (or nodes) asked for; a single list or tuple of them is accepted too."""
    from .._tensor import Tensor
    from .graph import Node
    if len(roots) == 1 and isinstance(roots[0], (list, tuple)):
        roots = tuple(roots[0])
    if not roots:
        raise TypeError(f"{what}() needs at least one tensor, e.g. {what}(loss)")
    for r in roots:
        if not isinstance(r, (Tensor, Node)):
            raise TypeError(f"{what}() takes tensors (or grad_fn nodes), got {type(r).__name__}")
    return roots


def _base(array):
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


class _Names:
    """Names for tensors from ``params``: a dict or ``(name, tensor)`` pairs (``model.named_parameters()``)."""
    __slots__ = ("tensors", "arrays", "bases")

    def __init__(self, params):
        self.tensors, self.arrays, self.bases = {}, {}, {}
        if params is None:
            return
        from .._tensor import Tensor
        for name, t in (params.items() if hasattr(params, "items") else params):
            if not isinstance(t, Tensor):
                raise TypeError(f"params must map names to tensors; '{name}' maps to a {type(t).__name__}")
            self.tensors.setdefault(id(t), str(name))
            self.arrays.setdefault(id(t._data), str(name))
            self.bases.setdefault(id(_base(t._data)), str(name))

    def tensor(self, t):
        return self.tensors.get(id(t))

    def saved(self, value):
        """A saved value's name: the named tensor itself, its array, or a view of one ("x (view)")."""
        name = self.tensors.get(id(value.tensor)) if value.tensor is not None else None
        data = getattr(value.data, "_data", value.data)  # a Tensor a pack hook returned: its array
        if name is None:
            name = self.arrays.get(id(data))
        if name is None:
            name = self.bases.get(id(_base(data)))
            if name is not None:
                name += " (view)"
        return name


def _walk(starts):
    """All nodes reachable from ``starts``, depth first, inputs in ``next_functions`` order (no recursion)."""
    seen = set()
    order = []
    stack = list(reversed(starts))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        for child, _ in reversed(node.next_functions):
            if child is not None and child not in seen:
                stack.append(child)
    return order


def _shape(a):
    return str(tuple(a.shape))


def _label(node):
    """The node's class name: ``name()`` would carry torch's C++ namespace for ``AccumulateGrad``."""
    return type(node).__name__


def _is_leaf(node):
    from .graph import AccumulateGrad
    return isinstance(node, AccumulateGrad)


def _start(root):
    """``(tensor or None, node or None, output_nr)`` for one root."""
    from .._tensor import Tensor
    if isinstance(root, Tensor):
        return root, root.grad_fn, root._nr
    return None, root, 0


# --- DOT -----------------------------------------------------------------------------------------------------

def _q(text):
    """A DOT string literal."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _short(value, limit):
    import numpy as np
    from .._tensor import Tensor
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, np.ndarray):
        text = f"array{_shape(value)} {value.dtype.name}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:max(limit - 3, 1)] + "..."


def _attrs(node, limit):
    """``name: value`` lines for what a node keeps besides tensors (ctx fields, plain saved values)."""
    fn = getattr(type(node), "_fn", None)
    items = []
    if fn is not None and fn._builtin:
        for field in fn._ctx_fields:
            value = getattr(node, field, _MISSING)
            if value is not _MISSING:
                items.append((field, value))
    elif fn is not None:
        items.extend((k, v) for k, v in getattr(node, "__dict__", {}).items() if not k.startswith("__"))
    for v in _saved(node) or ():
        if v.role == "value" and v.data is not None:
            items.append((f"saved[{v.index}]", v.data))
    return [f"{k}: {_short(v, limit)}" for k, v in items]


def _tensor_box(nid, lines, kind, color):
    return f"  {nid} [label={_q(chr(10).join(lines))}, class={kind}, style=filled, fillcolor={color}]"


def to_dot(*roots: Tensor | Sequence[Tensor], params: Mapping[str, Tensor] | None = None, show_attrs: bool = False,
           show_saved: bool = False, max_attr_chars: int = 50) -> str:
    """The backward graph of ``roots`` (tensors, e.g. a loss) as Graphviz DOT text.

    One box per ``grad_fn`` node (its ``name()``), edges in the direction data flowed in forward. Leaves are
    the tensors their ``AccumulateGrad`` fills (light blue; named from ``params``, a dict such as
    ``dict(model.named_parameters())``, else shown by shape like ``(5, 3)``); the roots are green boxes with
    their shape. Parts that were detached or computed under ``no_grad`` are not part of the graph and do not
    appear. ``show_saved``: also the tensors each node saved for backward (orange, dashed link; shape and
    dtype; "saved values freed" after a backward without ``retain_graph``). ``show_attrs``: also each node's
    non-tensor attributes (dims, reduction...), cut to ``max_attr_chars``. Ids follow a fixed walk, so the
    same graph always gives the same text.

    >>> import npgrad
    >>> w = npgrad.ones(2, requires_grad=True)
    >>> print(npgrad.autograd.graph.to_dot((w * 3).sum(), params={"w": w}))  # doctest: +ELLIPSIS
    digraph {
    ...
      n0 [label="()", class=root, style=filled, fillcolor=darkolivegreen1]
      n1 [label="SumBackward0"]
      n2 [label="MulBackward0"]
      n3 [label="w\\n(2,)", class=leaf, style=filled, fillcolor=lightblue]
      n2 -> n1
      n3 -> n2
      n1 -> n0
    }
    """
    roots = _roots(roots, "to_dot")
    names = _Names(params)
    out = ["digraph {",
           '  graph [fontname="Helvetica", nodesep=0.3, ranksep=0.35]',
           f'  node [shape=box, style="filled,rounded", fillcolor={_OP}, fontname="Helvetica", fontsize=11, '
           'height=0.3]',
           '  edge [color="#444444", arrowsize=0.7]']
    edges = []
    count = 0
    starts, root_edges = [], []
    for root in roots:
        tensor, node, nr = _start(root)
        if tensor is None:
            starts.append(node)
            continue
        name = names.tensor(tensor)
        label = ([name] if name else []) + [_shape(tensor._data)]
        if node is None and not tensor._req:
            label.append("requires_grad=False")
        box = f"n{count}"
        count += 1
        out.append(_tensor_box(box, label, "root", _ROOT))
        if node is not None:
            starts.append(node)
            root_edges.append((node, nr, box))
    order = _walk(starts)
    ids = {}
    for node in order:
        nid = ids[node] = f"n{count}"
        count += 1
        if _is_leaf(node):
            var = node.variable
            name = names.tensor(var)
            out.append(_tensor_box(nid, ([name] if name else []) + [_shape(var._data)], "leaf", _LEAF))
            continue
        label = [_label(node)]
        if show_attrs:
            label += _attrs(node, max_attr_chars)
        saved = _saved(node) if show_saved else ()
        if saved is None:
            label.append("(saved values freed)")
        out.append(f"  {nid} [label={_q(chr(10).join(label))}]")
        for v in saved or ():
            if v.role == "value":
                continue
            sid = f"n{count}"
            count += 1
            who = (names.saved(v) if v.shape is not None else None) or v.role
            what = f"{v.shape} {v.dtype}" if v.shape is not None else type(v.data).__name__
            out.append(_tensor_box(sid, [who, what], "saved", _SAVED))
            edges.append(f"  {sid} -> {nid} [style=dashed, arrowhead=none]")
    for node in order:
        for child, nr in node.next_functions:
            if child is not None:
                edges.append(f"  {ids[child]} -> {ids[node]}{_output_label(child, nr)}")
    for node, nr, box in root_edges:
        edges.append(f"  {ids[node]} -> {box}{_output_label(node, nr)}")
    out.extend(edges)
    out.append("}")
    return "\n".join(out)


def _output_label(node, nr):
    """Edges leaving a node with several outputs say which output they carry."""
    return f' [label="output {nr}"]' if getattr(node, "_nout", 0) > 1 else ""


# --- pictures ------------------------------------------------------------------------------------------------

def _graphviz():
    """The graphviz package, once it and the dot program are known to be there; else a clear error."""
    try:
        import graphviz
    except ImportError:
        raise ImportError("Rendering the graph needs the graphviz Python package, which is not installed. "
                          + _INSTALL) from None
    import shutil
    if shutil.which("dot") is None:
        raise RuntimeError("Rendering the graph needs Graphviz's `dot` program, which was not found on PATH. "
                           + _INSTALL)
    return graphviz


def _format(path, format):
    if format is None:
        import os
        format = os.path.splitext(str(path))[1][1:].lower() or "svg"
    return format


class Digraph:
    """DOT text of a backward graph that shows itself as SVG in Jupyter; ``render`` writes a picture.

    ``source`` holds the text (as ``to_dot`` makes it); the object keeps no tensors alive.
    """
    __slots__ = ("source",)

    def __init__(self, source: str) -> None:
        self.source = source

    def __str__(self):
        return self.source

    def __repr__(self):
        lines = self.source.splitlines()
        edges = sum(" -> " in ln for ln in lines)
        return f"<npgrad Digraph: {len(lines) - 5 - edges} boxes, {edges} edges; .source holds the DOT text>"

    def pipe(self, format: str = "svg", dpi: float | None = None) -> bytes:
        """The picture as bytes (``svg``, ``png``, ``pdf`` or another format of Graphviz's ``dot -T``);
        ``dpi`` sets the resolution of bitmap formats (Graphviz's default is 96)."""
        gv = _graphviz()
        if format not in gv.FORMATS:
            raise ValueError(f"unknown Graphviz format {format!r}; use 'svg', 'png' or 'pdf'")
        source = self.source
        if dpi is not None:
            source = source.replace("digraph {\n", f"digraph {{\n  graph [dpi={float(dpi):g}]\n", 1)
        return gv.Source(source).pipe(format=format)

    def render(self, path: str | os.PathLike[str], format: str | None = None, dpi: float | None = None) -> str:
        """Write the picture to ``path``; the format is ``format`` or the path's suffix (else svg)."""
        data = self.pipe(_format(path, format), dpi)
        with open(path, "wb") as f:
            f.write(data)
        return str(path)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the DOT text to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source + "\n")
        return str(path)

    def _repr_svg_(self):
        try:
            return self.pipe("svg").decode("utf-8")
        except (ImportError, RuntimeError):
            return None

    def _repr_mimebundle_(self, include=None, exclude=None):
        svg = self._repr_svg_()
        if svg is not None:
            return {"image/svg+xml": svg}
        return {"text/plain": repr(self) + "\n(no picture: " + _INSTALL + ")"}


def to_graph(*roots: Tensor | Sequence[Tensor], params: Mapping[str, Tensor] | None = None, show_attrs: bool = False,
             show_saved: bool = False, max_attr_chars: int = 50) -> Digraph:
    """``to_dot`` wrapped in a ``Digraph``: shows itself as SVG in Jupyter, ``.render(path)`` writes a file."""
    return Digraph(to_dot(*roots, params=params, show_attrs=show_attrs, show_saved=show_saved,
                          max_attr_chars=max_attr_chars))


def make_dot(var: Tensor | Sequence[Tensor], params: Mapping[str, Tensor] | None = None, show_attrs: bool = False,
             show_saved: bool = False, max_attr_chars: int = 50) -> Digraph:
    """torchviz's ``make_dot`` under its own name: ``var`` is a tensor or a tuple of them."""
    return to_graph(var, params=params, show_attrs=show_attrs, show_saved=show_saved,
                    max_attr_chars=max_attr_chars)


def render(roots: Tensor | Sequence[Tensor], path: str | os.PathLike[str], format: str | None = None,
           params: Mapping[str, Tensor] | None = None, show_attrs: bool = False, show_saved: bool = False,
           dpi: float | None = None) -> str:
    """Draw the graph of ``roots`` (a tensor or a sequence of them) into ``path`` with Graphviz's ``dot``.

    ``format``: ``"svg"``, ``"png"``, ``"pdf"`` (default: the path's suffix, else svg); ``dpi``: resolution of
    bitmaps; the other arguments are ``to_dot``'s. Needs the graphviz Python package (``pip install
    npgrad[viz]``) and the dot program (``apt-get install graphviz``); raises ImportError or RuntimeError
    saying so when either is missing. Returns the path.
    """
    roots = roots if isinstance(roots, (list, tuple)) else (roots,)
    format = _format(path, format)
    _graphviz()  # the missing-dependency error before any work
    return to_graph(*roots, params=params, show_attrs=show_attrs, show_saved=show_saved).render(path, format, dpi)


# --- text ----------------------------------------------------------------------------------------------------

def _children(node):
    return [(c, nr) for c, nr in node.next_functions if c is not None]


def _leaf_text(tensor, names):
    name = names.tensor(tensor)
    return f"leaf {name} {_shape(tensor._data)}" if name else f"leaf {_shape(tensor._data)}"


def print_graph(*roots: Tensor | Sequence[Tensor], params: Mapping[str, Tensor] | None = None, max_depth: int = 24,
                file: IO[str] | None = None) -> None:
    """Print the backward graph of ``roots`` as a text tree (no dependencies; for terminals and logs).

    Each line is a node, its inputs below it; leaves read ``leaf <name> <shape>`` (names from ``params``).
    A node used by several others (a shared subgraph) is listed once with ``[#k]`` and referred to as
    ``[see #k]`` elsewhere; below ``max_depth`` levels the tree continues in a new block (``[see #k]`` where
    it stops, ``[#k]`` where it goes on), so even a very long chain prints in bounded width.

    >>> import npgrad
    >>> x = npgrad.ones(2, requires_grad=True)
    >>> y = x.exp()
    >>> npgrad.autograd.graph.print_graph(y * y, params={"x": x})
    MulBackward0
    ├── ExpBackward0 [#1]
    │   └── leaf x (2,)
    └── ExpBackward0 [see #1]
    """
    import sys
    roots = _roots(roots, "print_graph")
    if max_depth < 1:
        raise ValueError(f"print_graph(): max_depth must be at least 1, got {max_depth}")
    names = _Names(params)
    starts = []
    for root in roots:
        node = _start(root)[1]
        if node is not None:
            starts.append(node)
    order = _walk(starts)
    refs = dict.fromkeys(order, 0)
    for node in starts:
        refs[node] += 1
    for node in order:
        for child, _ in _children(node):
            refs[child] += 1
    tags = {}
    done = set()
    lines = []
    blocks = []  # nodes whose inputs are listed in a block of their own (depth limit), in order

    def tag(node):
        if node not in tags:
            tags[node] = len(tags) + 1
        return tags[node]

    def tree(first, nr, parent, head_tag):
        # (node, output_nr, parent node, prefix, connector, depth): an explicit stack, never recursion
        stack = [(first, nr, parent, "", "", 0)]
        while stack:
            node, nr, parent, prefix, conn, depth = stack.pop()
            if _is_leaf(node):
                lines.append(prefix + conn + _leaf_text(node.variable, names))
                continue
            text = _label(node)
            if parent is not None and getattr(node, "_nout", 0) > 1:
                text += f" (output {nr})"
            kids = _children(node)
            if kids and node in done and not (head_tag and depth == 0):
                lines.append(f"{prefix}{conn}{text} [see #{tag(node)}]")
                continue
            if kids and depth >= max_depth:
                done.add(node)
                blocks.append(node)
                lines.append(f"{prefix}{conn}{text} [see #{tag(node)}]")
                continue
            if kids and (refs[node] > 1 or head_tag and depth == 0):
                text += f" [#{tag(node)}]"
            done.add(node)
            lines.append(prefix + conn + text)
            inner = prefix + ("" if not conn else ("    " if conn.startswith("└") else "│   "))
            for i in range(len(kids) - 1, -1, -1):
                child, cnr = kids[i]
                last = i == len(kids) - 1
                stack.append((child, cnr, node, inner, "└── " if last else "├── ", depth + 1))

    for root in roots:
        tensor, node, nr = _start(root)
        if node is None:
            if tensor._req:
                lines.append(_leaf_text(tensor, names))
            else:
                name = names.tensor(tensor)
                lines.append(f"{name + ' ' if name else ''}{_shape(tensor._data)} requires_grad=False: no graph")
            continue
        if _children(node) and node in done:
            lines.append(f"{_label(node)} [see #{tag(node)}]")
            continue
        tree(node, nr, None, False)
        while blocks:
            tree(blocks.pop(0), 0, None, True)
    print("\n".join(lines), file=sys.stdout if file is None else file)


class GraphSummary(dict):
    """``summary``'s dict, printed as a small table."""

    def __str__(self):
        by_type = self["by_type"]
        width = max([len(k) for k in by_type] + [4])
        leaves = self["leaves"]
        rows = [f"{self['nodes']} nodes ({leaves} {'leaf' if leaves == 1 else 'leaves'})"]
        rows += [f"  {k:<{width}}  {v:>6}" for k, v in by_type.items()]
        rows.append(f"saved tensors: {self['saved_tensors']}, holding {_bytes(self['saved_bytes'])}")
        if self["freed"]:
            rows.append(f"nodes whose saved values were freed by backward: {self['freed']}")
        return "\n".join(rows)


def _bytes(n):
    if n < 1024:
        return f"{n} bytes"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        n /= 1024
        if n < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}"


def summary(*roots: Tensor | Sequence[Tensor]) -> GraphSummary:
    """Counts for the backward graph of ``roots``: nodes by type, leaves, saved tensors and their bytes.

    Returns a dict (``nodes``, ``leaves``, ``by_type`` {name: count}, most frequent first, ``saved_tensors``,
    ``saved_bytes``: an array saved by several nodes counts once, ``freed``: nodes whose saved values a
    backward already freed) that prints as a table.

    >>> import npgrad
    >>> x = npgrad.ones(2, requires_grad=True)
    >>> print(npgrad.autograd.graph.summary((x * x).sum()))
    3 nodes (1 leaf)
      AccumulateGrad       1
      MulBackward0         1
      SumBackward0         1
    saved tensors: 2, holding 8 bytes
    """
    roots = _roots(roots, "summary")
    starts = [n for n in (_start(r)[1] for r in roots) if n is not None]
    order = _walk(starts)
    counts = {}
    saved = freed = 0
    arrays = {}
    for node in order:
        name = _label(node)
        counts[name] = counts.get(name, 0) + 1
        values = _saved(node)
        if values is None:
            freed += 1
            continue
        for v in values:
            if v.role != "value":
                saved += 1
                arrays[id(getattr(v.data, "_data", v.data))] = v.nbytes
    by_type = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    leaves = sum(1 for node in order if _is_leaf(node))
    return GraphSummary(nodes=len(order), leaves=leaves, by_type=by_type, saved_tensors=saved,
                        saved_bytes=sum(arrays.values()), freed=freed)
