"""Seeing the graph (npgrad.autograd.graph: to_dot, render, print_graph, summary, saved_values).

The DOT text is parsed back (a small parser for the subset to_dot writes) and checked box for box and edge for
edge against the same graph built in torch and walked here independently; the text trees are written by hand
from the graph's structure."""
import io
import re
import shutil
import sys
from collections import Counter

import numpy as np
import pytest
import torch

import npgrad
from npgrad.autograd import graph as G


# --- a parser for the DOT subset to_dot writes -------------------------------------------------------------

_STMT = re.compile(r"^\s*(\w+)(?: -> (\w+))?(?: \[(.*)\])?$")
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\s]+)')


def _unquote(v):
    if v.startswith('"'):
        return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), v[1:-1])
    return v


def parse_dot(text):
    """(boxes, edges): boxes = {id: attrs} in order of appearance, edges = [(src, dst, attrs)]."""
    lines = text.splitlines()
    assert lines[0] == "digraph {" and lines[-1] == "}", text[:200]
    boxes, edges = {}, []
    for line in lines[1:-1]:
        m = _STMT.match(line)
        assert m, f"unexpected DOT line: {line!r}"
        src, dst, attrs = m.groups()
        attrs = {k: _unquote(v) for k, v in _ATTR.findall(attrs or "")}
        if src in ("graph", "node", "edge"):
            continue
        if dst is None:
            assert src not in boxes, f"box {src} declared twice"
            boxes[src] = attrs
        else:
            assert src in boxes and dst in boxes, f"edge {src} -> {dst} before its boxes"
            edges.append((src, dst, attrs))
    return boxes, edges


def dot_structure(text):
    """The graph part of the DOT text (saved-tensor boxes left out), renumbered in order of appearance:
    ([(kind, label)], Counter of (src index, dst index, edge label))."""
    boxes, edges = parse_dot(text)
    keep = [i for i, a in boxes.items() if a.get("class") != "saved"]
    index = {b: k for k, b in enumerate(keep)}
    kinds = [(boxes[b].get("class", "op"), boxes[b]["label"]) for b in keep]
    links = Counter((index[s], index[d], a.get("label")) for s, d, a in edges if s in index)
    return kinds, links


# --- what to_dot must show, from a walk of the graph written here (works on npgrad's and torch's graphs) ----

def _shape(t):
    return str(tuple(t.shape))


def expected_structure(roots, names=None, multi=()):
    """Root boxes, then the nodes depth first (inputs in ``next_functions`` order), as dot_structure gives
    them; ``multi``: names of nodes with several outputs, whose edges say which output they carry."""
    names = {id(t): n for n, t in (names or {}).items()}

    def label(t):
        return "\n".join(([names[id(t)]] if id(t) in names else []) + [_shape(t)])

    def out(node, nr):
        return f"output {nr}" if node.name() in multi else None

    kinds, links = [], Counter()
    for r in roots:
        kinds.append(("root", label(r) + ("" if r.requires_grad else "\nrequires_grad=False")))
    order, seen = [], set()
    stack = [r.grad_fn for r in reversed(roots) if r.grad_fn is not None]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        stack.extend(c for c, _ in reversed(n.next_functions) if c is not None and c not in seen)
    index = {n: len(kinds) + k for k, n in enumerate(order)}
    for n in order:
        kinds.append(("leaf", label(n.variable)) if hasattr(n, "variable") else ("op", n.name()))
    for n in order:
        for c, nr in n.next_functions:
            if c is not None:
                links[(index[c], index[n], out(c, nr))] += 1
    for box, r in enumerate(roots):
        if r.grad_fn is not None:
            links[(index[r.grad_fn], box, out(r.grad_fn, r.output_nr))] += 1
    return kinds, links


def both(build):
    """Build the graph with npgrad and with torch from the same values: (npgrad result, torch result)."""
    def randn(m):
        return lambda shape: m.tensor(np.random.default_rng(0).standard_normal(shape), dtype=m.float32)
    return build(npgrad, randn(npgrad)), build(torch, randn(torch))


def tutorial(m, randn):
    x = m.ones(5)
    y = m.zeros(3)
    w = randn((5, 3)).requires_grad_()
    b = randn((3,)).requires_grad_()
    z = m.matmul(x, w) + b
    loss = m.nn.functional.binary_cross_entropy_with_logits(z, y)
    return loss, dict(x=x, y=y, w=w, b=b, z=z)


def branching(m, randn):
    x = randn((3,)).requires_grad_()
    a = x * 2
    out = (a.exp() * a + x * x).sum()  # a used twice, x used three times
    return out, dict(x=x)


def detached(m, randn):
    w = randn((3,)).requires_grad_()
    v = randn((3,)).requires_grad_()
    z = w * 3
    with m.no_grad():
        u = w.exp()  # not recorded
    out = (z.detach().exp() * v + z * u).sum()
    return out, dict(w=w, v=v, z=z)


def model(m, randn):
    """Two Linear-like layers (matmul + add) with a relu between, as a model's named parameters."""
    params = {"fc1.weight": randn((4, 5)).requires_grad_(), "fc1.bias": randn((5,)).requires_grad_(),
              "fc2.weight": randn((5, 2)).requires_grad_(), "fc2.bias": randn((2,)).requires_grad_()}
    x = randn((6, 4))
    h = m.nn.functional.relu(x @ params["fc1.weight"] + params["fc1.bias"])
    out = h @ params["fc2.weight"] + params["fc2.bias"]
    return (out * out).mean(), params


def two_outputs(m, randn):
    class Two(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    x = randn((2,)).requires_grad_()
    a, b = Two.apply(x)
    return (a * b).sum(), b, dict(x=x)


def torch_saved(node):
    """Shapes and dtypes of the tensors a torch node saved (its ``_saved_*`` attributes)."""
    out = []
    for a in dir(node):
        if a.startswith("_saved_"):
            v = getattr(node, a)
            if isinstance(v, torch.Tensor):
                out.append((tuple(v.shape), str(v.dtype).replace("torch.", "")))
    return sorted(out)


# --- to_dot ------------------------------------------------------------------------------------------------

def test_tutorial_graph():
    (loss, p), _ = both(tutorial)
    text = G.to_dot(loss, params=dict(w=p["w"], b=p["b"]))
    kinds, links = dot_structure(text)
    assert (kinds, links) == expected_structure([loss], dict(w=p["w"], b=p["b"]))
    # by hand, whatever ops matmul is made of: loss <- BCE <- Add <- (... <- w), b
    assert kinds[:3] == [("root", "()"), ("op", "BinaryCrossEntropyWithLogitsBackward0"), ("op", "AddBackward0")]
    assert sorted(label for kind, label in kinds if kind == "leaf") == ["b\n(3,)", "w\n(5, 3)"]
    assert links[(1, 0, None)] == links[(2, 1, None)] == links[(kinds.index(("leaf", "b\n(3,)")), 2, None)] == 1
    assert "(5,)" not in text  # x does not require grad: it is not part of the graph


@pytest.mark.parametrize("build", [tutorial, branching, detached, model])
def test_graphs_have_torchs_structure(build):
    """npgrad's ops build torch's graph, so to_dot draws what torchviz would for torch (a failure here points
    at an op whose nodes differ from torch's, not at to_dot)."""
    (out, p), (tout, tp) = both(build)
    assert expected_structure([out], p) == expected_structure([tout], tp)


def test_colours_and_kinds():
    (loss, p), _ = both(tutorial)
    boxes, _ = parse_dot(G.to_dot(loss, params=p, show_saved=True))
    colours = {a.get("class", "op"): a.get("fillcolor") for a in boxes.values()}
    assert len(set(colours.values())) == 4 and set(colours) == {"root", "op", "leaf", "saved"}
    assert colours["op"] is None  # the default node colour, set once in the header


def _saved_boxes(text):
    """{op box id: [labels of its saved boxes, in order]} and the op box ids in order."""
    boxes, edges = parse_dot(text)
    ops = [b for b, a in boxes.items() if "class" not in a]
    saved = {b: [] for b in ops}
    for s, d, a in edges:
        if boxes[s].get("class") == "saved":
            assert a == {"style": "dashed", "arrowhead": "none"}
            saved[d].append(boxes[s]["label"])
    return [(boxes[b]["label"], saved[b]) for b in ops]


def _depth_first(node):
    order, seen, stack = [], set(), [node]
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            order.append(n)
            stack.extend(c for c, _ in reversed(n.next_functions) if c is not None and c not in seen)
    return order


def test_saved_tensors_shown_with_shape_and_dtype():
    (loss, p), (tloss, _) = both(tutorial)
    shown = _saved_boxes(G.to_dot(loss, params=p, show_saved=True))

    def name(v):
        for n, t in p.items():
            if v.tensor is t or v.data is t._data:
                return n
        for n, t in p.items():
            if np.shares_memory(v.data, t._data):
                return n + " (view)"
        return v.role

    expected = [(n.name(), [f"{name(v)}\n{v.shape} {v.dtype}" for v in G.saved_values(n) if v.role != "value"])
                for n in _depth_first(loss.grad_fn) if not hasattr(n, "variable")]
    assert shown == expected
    # by hand and against torch: the loss keeps its input z and the target y (and its None weights: no boxes)
    assert shown[0] == ("BinaryCrossEntropyWithLogitsBackward0", ["z\n(3,) float32", "y\n(3,) float32"])
    assert torch_saved(tloss.grad_fn) == [((3,), "float32"), ((3,), "float32")]
    assert shown[1] == ("AddBackward0", [])  # add needs nothing saved
    # unnamed, the role says where each came from
    assert _saved_boxes(G.to_dot(loss, show_saved=True))[0][1] == ["input\n(3,) float32", "input\n(3,) float32"]
    # the saved arrays are the tensors' own
    values = G.saved_values(loss.grad_fn)
    assert values[0].data is p["z"]._data and values[1].tensor is p["y"] and values[2].role == "value"


def test_saved_values_packed_by_hooks():
    x = npgrad.ones(3, requires_grad=True)
    with npgrad.autograd.graph.saved_tensors_hooks(lambda t: t.detach().numpy().copy(), npgrad.from_numpy):
        y = (x * x).sum()
    mul = y.grad_fn.next_functions[0][0]
    assert [(v.role, v.shape, v.dtype, v.nbytes) for v in G.saved_values(mul)] == [("packed", (3,), "float32",
                                                                                      12)] * 2
    assert _saved_boxes(G.to_dot(y, show_saved=True))[1] == ("MulBackward0", ["packed\n(3,) float32"] * 2)
    assert (G.summary(y)["saved_tensors"], G.summary(y)["saved_bytes"]) == (2, 24)  # two copies
    with npgrad.autograd.graph.saved_tensors_hooks(lambda t: "a token", lambda tok: x):
        z = (x * x).sum()
    assert _saved_boxes(G.to_dot(z, show_saved=True))[1] == ("MulBackward0", ["packed\nstr"] * 2)
    assert (G.summary(z)["saved_tensors"], G.summary(z)["saved_bytes"]) == (2, 0)
    y.backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]  # describing them ran no unpack hook and broke nothing


def test_saved_result_role_and_freed_graph():
    x = npgrad.ones(3, requires_grad=True)
    y = x.exp()  # exp saves its result, not its input
    roles = [v.role for v in G.saved_values(y.grad_fn)]
    assert roles == ["result"]
    boxes, _ = parse_dot(G.to_dot(y, params={"y": y}, show_saved=True))
    assert [a["label"] for a in boxes.values() if a.get("class") == "saved"] == ["y\n(3,) float32"]
    loss = (y * x).sum()
    loss.backward()
    text = G.to_dot(loss, show_saved=True)
    assert "class=saved" not in text
    assert text.count("(saved values freed)") == 3  # sum, mul, exp
    tx = torch.ones(3, requires_grad=True)
    tl = (tx.exp() * tx).sum()
    tl.backward()
    with pytest.raises(RuntimeError) as theirs:
        tl.grad_fn.next_functions[0][0]._saved_self
    with pytest.raises(RuntimeError) as ours:
        G.saved_values(loss.grad_fn.next_functions[0][0])
    assert str(ours.value).split(".")[0] == str(theirs.value).split(".")[0]


def test_branching_graph():
    (out, p), _ = both(branching)
    kinds, links = dot_structure(G.to_dot(out, params=p))
    assert (kinds, links) == expected_structure([out], p)
    # a shared node is one box with several edges out: a = x * 2 feeds exp and mul
    by_label = Counter(label for _, label in kinds)
    assert by_label["MulBackward0"] == 3 and by_label["x\n(3,)"] == 1
    leaf = kinds.index(("leaf", "x\n(3,)"))
    assert sum(n for (s, _, _), n in links.items() if s == leaf) == 3  # x * 2, x * x (twice)


def test_detached_and_no_grad_parts_are_absent():
    (out, p), _ = both(detached)
    text = G.to_dot(out, params=dict(w=p["w"], v=p["v"]))
    kinds, links = dot_structure(text)
    assert (kinds, links) == expected_structure([out], dict(w=p["w"], v=p["v"]))
    labels = [label for _, label in kinds]
    assert "ExpBackward0" not in labels  # exp only ever ran on untracked tensors
    assert labels.count("MulBackward0") == 3  # z = w * 3, (z.detach()...) * v, z * u
    # a detached tensor as root: a box that says so, and no graph at all
    z_det = p["z"].detach()
    kinds, links = dot_structure(G.to_dot(z_det, params={"z_det": z_det}))
    assert kinds == [("root", "z_det\n(3,)\nrequires_grad=False")] and not links


def test_small_model_with_named_parameters():
    (loss, p), _ = both(model)
    text = G.to_dot(loss, params=p)
    kinds, links = dot_structure(text)
    assert (kinds, links) == expected_structure([loss], p)
    assert sorted(label for kind, label in kinds if kind == "leaf") == [
        "fc1.bias\n(5,)", "fc1.weight\n(4, 5)", "fc2.bias\n(2,)", "fc2.weight\n(5, 2)"]
    # (name, tensor) pairs, as model.named_parameters() yields them, work as well as a dict
    assert G.to_dot(loss, params=iter(list(p.items()))) == text
    # without names, leaves are shown by shape
    assert sorted(label for kind, label in dot_structure(G.to_dot(loss))[0] if kind == "leaf") == sorted([
        "(2,)", "(4, 5)", "(5,)", "(5, 2)"])


def test_multi_output_node_and_several_roots():
    (loss, b, p) = two_outputs(npgrad, lambda s: npgrad.ones(*s))
    (tloss, tb, tp) = two_outputs(torch, lambda s: torch.ones(*s))
    kinds, links = dot_structure(G.to_dot(loss, b, params=p))
    assert (kinds, links) == expected_structure([loss, b], p, multi={"TwoBackward"})
    assert (kinds, links) == expected_structure([tloss, tb], tp, multi={"TwoBackward"})
    assert kinds[:2] == [("root", "()"), ("root", "(2,)")]
    assert (kinds[3], kinds[4]) == (("op", "MulBackward0"), ("op", "TwoBackward"))
    assert links[(4, 3, "output 0")] == 1 and links[(4, 3, "output 1")] == 1 and links[(4, 1, "output 1")] == 1
    # a list of roots is the same as several arguments
    assert G.to_dot([loss, b], params=p) == G.to_dot(loss, b, params=p)


def test_show_attrs():
    (loss, _), _ = both(tutorial)
    boxes, _ = parse_dot(G.to_dot(loss, show_attrs=True))
    labels = [a["label"] for a in boxes.values()]
    bce = next(lab for lab in labels if lab.startswith("BinaryCross"))
    assert "reduction: 'mean'" in bce.split("\n")

    class Keep(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.note = "n" * 80
            ctx.factor = 2
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * ctx.factor

    y = Keep.apply(npgrad.ones(2, requires_grad=True))
    label = parse_dot(G.to_dot(y, show_attrs=True, max_attr_chars=20))[0]["n1"]["label"].split("\n")
    assert label == ["KeepBackward", "note: '" + "n" * 16 + "...", "factor: 2"]  # the value cut to 20
    assert len(label[1]) == len("note: ") + 20


def test_same_graph_same_text_and_no_addresses():
    texts = []
    for _ in range(2):
        (loss, p), _ = both(tutorial)
        texts.append(G.to_dot(loss, params=p, show_saved=True, show_attrs=True))
        assert G.to_dot(loss, params=p, show_saved=True, show_attrs=True) == texts[-1]
    assert texts[0] == texts[1]
    assert "0x" not in texts[0]
    ids = re.findall(r"^  (n\d+) \[", texts[0], re.M)
    assert ids == [f"n{i}" for i in range(len(ids))]


def test_labels_are_escaped():
    w = npgrad.ones(2, requires_grad=True)
    boxes, _ = parse_dot(G.to_dot(w * 2, params={'say "hi"\\': w}))
    assert boxes["n2"]["label"] == 'say "hi"\\\n(2,)'


def test_bad_arguments():
    with pytest.raises(TypeError, match="at least one tensor"):
        G.to_dot()
    with pytest.raises(TypeError, match="takes tensors"):
        G.to_dot(3.0)
    with pytest.raises(TypeError, match="params must map names to tensors"):
        G.to_dot(npgrad.ones(2, requires_grad=True) * 2, params={"w": np.ones(2)})


def test_grad_fn_node_as_root():
    (loss, p), _ = both(tutorial)
    kinds, links = dot_structure(G.to_dot(loss.grad_fn, params=p))
    with_box, with_links = dot_structure(G.to_dot(loss, params=p))
    assert kinds[0] == ("op", "BinaryCrossEntropyWithLogitsBackward0") and kinds == with_box[1:]
    assert links == Counter({(s - 1, d - 1, a): n for (s, d, a), n in with_links.items() if d})


# --- long chains -------------------------------------------------------------------------------------------

def test_chain_of_100000_nodes():
    n = 100_000
    x = npgrad.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    text = G.to_dot(y, params={"x": x})
    lines = text.splitlines()
    assert len(lines) == 4 + (n + 2) + (n + 1) + 1  # header, boxes, edges, "}"
    assert lines[4:7] == ['  n0 [label="()", class=root, style=filled, fillcolor=darkolivegreen1]',
                          '  n1 [label="MulBackward0"]', '  n2 [label="MulBackward0"]']
    assert lines[4 + n + 1] == f'  n{n + 1} [label="x\\n()", class=leaf, style=filled, fillcolor=lightblue]'
    assert lines[-3:-1] == [f"  n{n + 1} -> n{n}", "  n1 -> n0"]
    out = io.StringIO()
    G.print_graph(y, file=out)
    tree = out.getvalue().splitlines()
    # every 24 levels the chain goes on in a new block: "[see #k]" where it stops, "[#k]" where it goes on
    stops = [t for t in tree if t.endswith("]") and "[see #" in t]
    assert len(stops) == -(-n // 24) - 1 == sum(1 for t in tree if t.startswith("MulBackward0 [#"))
    assert len(tree) == n + 1 + len(stops) and max(len(t) for t in tree) <= 4 * 24 + 30
    assert tree[-1].endswith("leaf ()")
    s = G.summary(y)
    assert (s["nodes"], s["leaves"], s["by_type"]) == (n + 1, 1, {"MulBackward0": n, "AccumulateGrad": 1})


# --- print_graph: text trees written by hand ---------------------------------------------------------------

def tree(*roots, **kw):
    out = io.StringIO()
    G.print_graph(*roots, file=out, **kw)
    return out.getvalue()


def test_tree_of_a_small_model():
    (loss, p), _ = both(model)
    # loss = mean(out * out), out = relu(x @ fc1.weight + fc1.bias) @ fc2.weight + fc2.bias
    assert tree(loss, params=p) == (
        "MeanBackward0\n"
        "└── MulBackward0\n"
        "    ├── AddBackward0 [#1]\n"
        "    │   ├── MmBackward0\n"
        "    │   │   ├── ReluBackward0\n"
        "    │   │   │   └── AddBackward0\n"
        "    │   │   │       ├── MmBackward0\n"
        "    │   │   │       │   └── leaf fc1.weight (4, 5)\n"
        "    │   │   │       └── leaf fc1.bias (5,)\n"
        "    │   │   └── leaf fc2.weight (5, 2)\n"
        "    │   └── leaf fc2.bias (2,)\n"
        "    └── AddBackward0 [see #1]\n")
    assert tree(loss).splitlines()[-3] == "    │   │   └── leaf (5, 2)"


def test_tree_shows_a_shared_subgraph_once():
    (out, p), _ = both(branching)
    # out = sum(exp(a) * a + x * x), a = x * 2
    assert tree(out, params=p) == (
        "SumBackward0\n"
        "└── AddBackward0\n"
        "    ├── MulBackward0\n"
        "    │   ├── ExpBackward0\n"
        "    │   │   └── MulBackward0 [#1]\n"
        "    │   │       └── leaf x (3,)\n"
        "    │   └── MulBackward0 [see #1]\n"
        "    └── MulBackward0\n"
        "        ├── leaf x (3,)\n"
        "        └── leaf x (3,)\n")


def test_tree_depth_limit_continues_in_a_block():
    x = npgrad.ones(2, requires_grad=True)
    y = ((x * 2).exp() + x).sum()
    assert tree(y, params={"x": x}, max_depth=2) == (
        "SumBackward0\n"
        "└── AddBackward0\n"
        "    ├── ExpBackward0 [see #1]\n"
        "    └── leaf x (2,)\n"
        "ExpBackward0 [#1]\n"
        "└── MulBackward0\n"
        "    └── leaf x (2,)\n")
    assert tree(y, max_depth=1).splitlines()[:3] == ["SumBackward0", "└── AddBackward0 [see #1]", "AddBackward0 [#1]"]
    with pytest.raises(ValueError, match="max_depth must be at least 1"):
        tree(y, max_depth=0)


def test_tree_of_several_roots_leaves_and_detached_tensors():
    x = npgrad.ones(2, requires_grad=True)
    e = x.exp()
    y = e * 2
    assert tree(y, e, x, e.detach(), params={"x": x, "e": e}) == (
        "MulBackward0\n"
        "└── ExpBackward0 [#1]\n"
        "    └── leaf x (2,)\n"
        "ExpBackward0 [see #1]\n"
        "leaf x (2,)\n"
        "(2,) requires_grad=False: no graph\n")
    (loss, b, p) = two_outputs(npgrad, lambda s: npgrad.ones(*s))
    assert tree(loss, params=p) == (
        "SumBackward0\n"
        "└── MulBackward0\n"
        "    ├── TwoBackward (output 0) [#1]\n"
        "    │   └── leaf x (2,)\n"
        "    └── TwoBackward (output 1) [see #1]\n")


def test_print_graph_prints_to_stdout(capsys):
    x = npgrad.ones(2, requires_grad=True)
    G.print_graph(x * 2)
    assert capsys.readouterr().out == "MulBackward0\n└── leaf (2,)\n"


# --- summary -----------------------------------------------------------------------------------------------

def test_summary_of_the_tutorial():
    (loss, p), _ = both(tutorial)
    s = G.summary(loss)
    assert isinstance(s, dict)
    nodes = _depth_first(loss.grad_fn)
    counts = Counter(type(n).__name__ for n in nodes)
    assert s["by_type"] == dict(counts) and s["nodes"] == len(nodes) and s["leaves"] == 2
    assert counts["AccumulateGrad"] == 2 and counts["AddBackward0"] == 1
    assert list(s["by_type"])[0] == "AccumulateGrad"  # most frequent first (the others are single)
    # what the nodes hold, read here from their saved entries: arrays, each distinct array's bytes once
    arrays = [e.data for n in nodes for e in n._saved if type(e).__name__ == "_Saved"]
    nbytes = sum({id(a): a.nbytes for a in arrays}.values())
    assert (s["saved_tensors"], s["saved_bytes"], s["freed"]) == (len(arrays), nbytes, 0)
    assert len(arrays) >= 2 and nbytes >= 24  # at least the loss's z (3,) and y (3,), float32
    text = str(s).splitlines()
    assert text[0] == f"{len(nodes)} nodes (2 leaves)"
    assert [ln.split() for ln in text[1:-1]] == [[k, str(v)] for k, v in s["by_type"].items()]
    assert text[-1] == f"saved tensors: {len(arrays)}, holding {nbytes} bytes"
    loss.backward()
    s = G.summary(loss)
    inner = len(nodes) - 2
    assert (s["saved_tensors"], s["saved_bytes"], s["freed"]) == (0, 0, inner)
    assert str(s).splitlines()[-1] == f"nodes whose saved values were freed by backward: {inner}"


def test_summary_of_a_graph_by_hand():
    x = npgrad.ones(3, requires_grad=True)
    s = G.summary((x * x).exp().sum())
    # mul keeps x twice (one array), exp keeps its result, sum keeps no array
    assert s == {"nodes": 4, "leaves": 1, "by_type": s["by_type"], "saved_tensors": 3, "saved_bytes": 24,
                 "freed": 0}
    assert s["by_type"] == {"AccumulateGrad": 1, "ExpBackward0": 1, "MulBackward0": 1, "SumBackward0": 1}
    assert str(s) == ("4 nodes (1 leaf)\n"
                      "  AccumulateGrad       1\n"
                      "  ExpBackward0         1\n"
                      "  MulBackward0         1\n"
                      "  SumBackward0         1\n"
                      "saved tensors: 3, holding 24 bytes")


def test_summary_counts_an_array_saved_twice_once():
    x = npgrad.ones(1000, dtype=npgrad.float64, requires_grad=True)
    s = G.summary((x * x).sum())
    assert (s["saved_tensors"], s["saved_bytes"]) == (2, 8000)
    assert "holding 7.8 KiB" in str(s)


# --- pictures ----------------------------------------------------------------------------------------------

def _have_graphviz():
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


def test_render_writes_pictures_or_says_how_to_install(tmp_path):
    (loss, p), _ = both(tutorial)
    if not _have_graphviz():
        with pytest.raises((ImportError, RuntimeError), match=r"pip install npgrad\[viz\]"):
            G.render(loss, tmp_path / "g.svg")
        return
    svg = G.render(loss, str(tmp_path / "g.svg"), params=p, show_saved=True)
    text = open(svg, encoding="utf-8").read()
    assert "<svg" in text and ">AddBackward0<" in text and ">w<" in text
    png = G.render([loss], tmp_path / "g.png", params=p)
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    pdf = G.render(loss, tmp_path / "graph", format="pdf")
    assert open(pdf, "rb").read(5) == b"%PDF-"
    small = G.to_graph(loss).pipe("png")
    big = G.to_graph(loss).pipe("png", dpi=192)
    assert big[:8] == small[:8] and len(big) > len(small)
    g = G.to_graph(loss, params=p)
    assert g._repr_svg_().lstrip().startswith(("<?xml", "<svg"))
    assert list(g._repr_mimebundle_()) == ["image/svg+xml"]
    with pytest.raises(ValueError, match="unknown Graphviz format"):
        g.pipe("bmpx")


def test_missing_graphviz_package_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz now raises ImportError
    loss = (npgrad.ones(2, requires_grad=True) * 2).sum()
    with pytest.raises(ImportError, match=r"graphviz Python package.*pip install npgrad\[viz\].*apt-get install "
                                          r"graphviz"):
        G.render(loss, tmp_path / "g.png")
    assert not (tmp_path / "g.png").exists()
    g = G.to_graph(loss)
    assert g._repr_svg_() is None
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "pip install npgrad[viz]" in bundle["text/plain"]
    assert G.to_dot(loss).startswith("digraph {")  # the text needs nothing


def test_missing_dot_program_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setitem(sys.modules, "graphviz", sys.modules.get("graphviz") or type(sys)("graphviz"))
    loss = (npgrad.ones(2, requires_grad=True) * 2).sum()
    with pytest.raises(RuntimeError, match=r"`dot` program.*apt-get install graphviz"):
        G.render(loss, tmp_path / "g.svg")
    with pytest.raises(RuntimeError, match="pip install npgrad"):
        G.to_graph(loss).pipe()


def test_digraph_text_forms(tmp_path):
    (loss, p), _ = both(tutorial)
    g = G.make_dot(loss, params=p)
    assert g.source == str(g) == G.to_dot(loss, params=p)
    boxes, edges = parse_dot(g.source)
    assert repr(g) == f"<npgrad Digraph: {len(boxes)} boxes, {len(edges)} edges; .source holds the DOT text>"
    path = g.save(tmp_path / "g.dot")
    assert open(path).read() == g.source + "\n"
