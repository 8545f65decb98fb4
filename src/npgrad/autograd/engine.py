"""The backward engine: iterative, dependency-counted, no recursion anywhere on the graph.

1. Walk the graph from the roots with an explicit stack, counting for every node how many edges reach it.
   With ``inputs`` (``autograd.grad``, ``backward(inputs=...)``) a post-order walk first marks the nodes that
   lead to an input; the rest is pruned.
2. Gradient buffers live in a dict keyed by node. A node whose count has dropped to zero is ready: its buffer
   is popped, tensor hooks / ``retain_grad`` / node pre-hooks run, then its ``backward`` formula, and each
   input gradient is added to the next node's buffer.
3. ``AccumulateGrad`` nodes run the leaf's tensor hooks, then add into its ``.grad`` (in place, as torch, unless
   a graph of the backward is being built: then a new tensor of its own), or hand the gradient back for
   ``autograd.grad``; then post-accumulate hooks. A first gradient becomes ``.grad`` without a copy only when
   its buffer is owned (below). A gradient of a broadcast shape is summed to the leaf's shape (torch's input
   check); any other shape is an error.
4. Unless ``retain_graph``, each node's saved arrays are dropped as soon as it has run.
5. Anomaly detection (read once per call) checks every node's results for NaN and, on any error, warns with
   the forward stack of the failing node. Hook running lives in ``graph.py``.

Formulas run on ndarrays in a plain backward (the fast path, grad mode off) and on Tensors under
``create_graph`` (grad mode on, so the backward is itself recorded); see ``function.py``.
"""
import threading

import numpy as np

from .graph import (AccumulateGrad, _passes_stack, as_tensor as _as_tensor, run_tensor_hooks as _run_tensor_hooks,
                    node_hook_result as _node_hook_result, pre_hooks as _pre_hooks)
from .grad_mode import state
from . import function as _function
from . import anomaly_mode as _anomaly

__all__ = ["execute"]

_accumulate_lock = threading.Lock()  # .grad updates: backward passes in several threads may meet at one tensor

# Every gradient travels with an ownership flag: True when this pass allocated the array and nothing else refers
# to it (a built-in formula's new result, a sum the engine made), False when it is borrowed (the seed, a formula's
# pass-through of the gradient it got, anything a hook saw or returned, a user Function's result). Only an owned
# array may become a leaf's ``.grad`` without a copy, so a backward pass never writes into an array it did not
# make (HIPS autograd's add_outgrads keeps the same flag).


def _add(buffers, node, nr, g, own):
    """Add gradient ``g`` into ``node``'s buffer for output ``nr``, as a ``(gradient, owned)`` pair."""
    if node._nout:
        lst = buffers.get(node)
        if lst is None:
            lst = buffers[node] = [None] * node._nout
        old = lst[nr]
        lst[nr] = (g, own) if old is None else (old[0] + g, True)
    else:
        old = buffers.get(node)
        buffers[node] = (g, own) if old is None else (old[0] + g, True)


def _once(g, out):
    """Whether ``g`` goes to one edge only (a formula may return one array for two inputs, as ``x + y`` does)."""
    return sum(o is g for o in out) == 1


def _out_owned(out, grads, owns):
    """Ownership of a built-in formula's results: a new array is owned, a gradient passed through keeps its flag."""
    return [g is not None and next((oi for gi, oi in zip(grads, owns) if gi is g), True) and _once(g, out)
            for g in out]


def _count_deps(root_nodes):
    deps = dict.fromkeys(root_nodes, 0)  # a root may also be reached from another root
    stack = list(root_nodes)
    seen = set(stack)
    while stack:
        for e in stack.pop()._edges:
            if e is not None:
                nxt = e[0]
                if nxt is not None:
                    if nxt in seen:
                        deps[nxt] += 1
                    else:
                        deps[nxt] = 1
                        seen.add(nxt)
                        stack.append(nxt)
    return deps


def _needed(root_nodes, target_nodes):
    """Nodes from which some target is reachable, and the dependency counts among them: one walk down from the
    roots recording each node's parents, one walk up from the targets through them (both with explicit stacks)."""
    parents = {}
    stack = list(root_nodes)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for e in node._edges:
            if e is not None:
                nxt = e[0]
                if nxt is not None:
                    lst = parents.get(nxt)
                    if lst is None:
                        parents[nxt] = [node]
                    else:
                        lst.append(node)
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
    needed = {t for t in target_nodes if t in seen}
    stack = list(needed)
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in needed:
                needed.add(p)
                stack.append(p)
    deps = {}
    for node in needed:
        n = 0
        for p in parents.get(node, ()):
            if p in needed:
                n += 1
        if n:
            deps[node] = n
    return needed, deps


def _own(g):
    """Under create_graph a gradient stored in ``.grad`` is a tensor of its own (same graph position), so two
    leaves, or a leaf and the caller, never share one object."""
    t = _function.make(np.array(g._data, copy=True), g.grad_fn, g._nr)
    t._req = g._req
    if g._req and g.grad_fn is None:
        _function._edge(g)  # makes sure the leaf has its AccumulateGrad, which the copy then shares
        t._acc = g._acc
    return t


def _retain(t, g, create):
    """``retain_grad``: the tensor's ``.grad`` gets a copy (or a sum, out of place as torch), never the buffer."""
    if create:
        return _accumulate_leaf(t, g, True, False)
    g = g._data if isinstance(g, _function.Tensor) else g
    with _accumulate_lock:
        old = t._grad
        t._grad = _function.make(np.array(g, copy=True) if old is None else old._data + g)


def _accumulate_leaf(var, g, create, own):
    if create:
        g = _own(_as_tensor(g))
        with _accumulate_lock:
            old = var._grad
            var._grad = g if old is None else old + g
        return
    if isinstance(g, _function.Tensor):
        g = g._data
    if g.dtype != var._data.dtype:
        g = g.astype(var._data.dtype)
        own = True
    with _accumulate_lock:  # backward passes in several threads may meet at a shared leaf, as in torch
        old = var._grad
        if old is None:
            if not (own and g.base is None and g.flags.owndata and g.flags.writeable and g.flags.c_contiguous):
                g = np.array(g, copy=True, order="C")  # row-major, as torch lays out a contiguous leaf's grad
            var._grad = _function.make(g)
        elif old._req or not old._data.flags.writeable or old._data.shape != g.shape:
            var._grad = _function.make(old._data + g)
        else:
            old._data += g  # the leaf's own .grad (or the tensor the user assigned to it), in place as in torch


@np.errstate(all="ignore")  # formulas make inf/NaN silently, as torch does (one errstate per pass)
def execute(roots, grads, keep_graph, create_graph, inputs=None, accumulate=True):
    """Run backward from ``roots`` (``(node, output_nr)`` pairs) seeded with ``grads``.

    ``inputs``: tensors to stop at. With ``accumulate`` their ``.grad`` is written (``backward(inputs=...)``);
    without, their gradients are returned in order (``autograd.grad``) and no ``.grad`` changes.
    """
    root_nodes = list(dict.fromkeys(n for n, _ in roots))
    captures = None
    if inputs is None:
        needed = None
        deps = _count_deps(root_nodes)
    else:
        captures = {}
        for i, t in enumerate(inputs):
            e = _function._edge(t)
            captures.setdefault(e, []).append(i)
        needed, deps = _needed(root_nodes, {e[0] for e in captures})
        results = [None] * len(inputs)
    buffers = {}
    for (node, nr), g in zip(roots, grads):
        _add(buffers, node, nr, g, False)  # the seed is the caller's
    ready = [n for n in root_nodes if deps.get(n, 0) == 0 and (needed is None or n in needed)]
    anomaly = _anomaly._enabled  # read once: nothing per node when off
    passes = _passes_stack()
    passes.append((deps, needed, root_nodes))
    prev = state.enabled, state.create
    state.enabled = state.create = bool(create_graph)
    node = None
    fast = not anomaly and _function._op_observer is None  # a recording profiler times each node's _run
    fit = _function._fit_grad
    make = _function.make
    try:
        while ready:
            node = ready.pop()
            entry = buffers.pop(node, None)
            fn = node._fn
            if (fast and fn is not None and fn._builtin and not node._nout and node._pre is None
                    and node._post is None and node._tensor_pre is None and node._retain is None):
                # the everyday node: a built-in, one output, no hooks - its formula straight on the gradient
                flags = None
                buf, bown = entry if entry is not None else (None, False)
                if captures is not None:
                    idx = captures.get((node, 0))
                    if idx is not None:
                        bown = False  # the caller gets it too
                        for i in idx:
                            results[i] = buf
                        if not any(e is not None and e[0] in needed for e in node._edges):
                            continue  # a target with nothing needed below it: torch does not run it
                if buf is None:
                    out = ()
                else:
                    if create_graph and type(buf) is np.ndarray:
                        buf = make(buf)
                    out = fn.backward(node, buf)
                    if type(out) is not tuple:
                        out = (out,)
                    meta = node._meta
                    if meta is not None:
                        out = [g if m is None or g is None else fit(g, m, node, i)
                               for i, (g, m) in enumerate(zip(out, meta))]
            else:
                nout = node._nout
                if entry is None:
                    grads, owns = [None] * max(nout, 1), [False] * max(nout, 1)
                elif nout:
                    grads = [None if p is None else p[0] for p in entry]
                    owns = [p is not None and p[1] for p in entry]
                else:
                    grads, owns = [entry[0]], [entry[1]]
                if type(node) is AccumulateGrad:
                    _leaf(node, grads[0], owns[0], create_graph, captures, results if captures else None,
                          accumulate)
                    continue
                run = captures is None or any(e is not None and e[0] in needed for e in node._edges)
                if node._tensor_pre is not None or node._retain is not None or node._pre is not None:
                    grads = _pre_hooks(node, grads, create_graph, run)
                    owns = [False] * len(grads)  # the hooks saw them
                if captures is not None:
                    for nr in range(max(nout, 1)):
                        idx = captures.get((node, nr))
                        if idx is not None:
                            owns[nr] = False
                            for i in idx:
                                results[i] = grads[nr]
                    if not run:
                        continue  # a target with nothing needed below it: torch does not run it (nor its node hooks)
                if all(g is None for g in grads):
                    out = ()
                else:
                    if nout and node._fn is not None and any(g is None for g in grads):
                        grads = _materialize(node, grads, create_graph)
                    out = node._run(grads, create_graph)
                    if anomaly and _anomaly._check_nan:
                        _anomaly.check_nan(node, out)
                    if node._post is not None:
                        for hook in list(node._post.values()):
                            r = hook(tuple(_as_tensor(g) for g in out), tuple(_as_tensor(g) for g in grads))
                            if r is not None:
                                out = _node_hook_result(hook, r, out, create_graph)
                flags = (_out_owned(out, grads, owns) if fn is not None and fn._builtin and node._post is None
                         else [False] * len(out))  # a user Function's results may be anything the user holds
            if not keep_graph:
                node._saved = None
            k = 0
            n_out = len(out)
            for e in node._edges:
                if e is not None:
                    nxt = e[0]
                    if nxt is not None and (needed is None or nxt in needed):
                        g = out[k] if k < n_out else None
                        if g is not None:
                            if flags is None:  # fast path: new unless passed through, and given to one edge
                                own = ((g is not buf or bown) and
                                       (n_out == 1 or (out[0] is not out[1] if n_out == 2 else _once(g, out))))
                            else:
                                own = flags[k]
                            if nxt._nout:
                                _add(buffers, nxt, e[1], g, own)
                            else:
                                old = buffers.get(nxt)
                                buffers[nxt] = (g, own) if old is None else (old[0] + g, True)
                        d = deps[nxt] - 1
                        deps[nxt] = d
                        if d == 0:
                            ready.append(nxt)
                k += 1
    except Exception as exc:
        if node is not None:
            if anomaly:
                _anomaly.report(node)
            if hasattr(exc, "add_note"):
                exc.add_note(f"(raised while running {node.name()} in backward)")
                from .errors import enrich_backward_error  # the forward op and (if tracked) its source line
                enrich_backward_error(exc, node)
        raise
    finally:
        state.enabled, state.create = prev
        passes.pop()
    if captures is not None:
        return results
    return None


def _leaf(node, g, own, create, captures, results, accumulate):
    """A leaf's gradient: its tensor hooks, then the node's pre-hooks, then ``.grad`` (or the result list),
    then post-accumulate hooks and the node's post-hooks - torch's order."""
    var = node.variable
    if g is None:
        return
    if g.shape != var._data.shape:  # torch's input check: reduce what broadcasts to the leaf's shape, else fail
        g = _leaf_shape(g, var._data.shape)
    hooks = var._x and var._x.get("hooks")
    if hooks:
        g = _run_tensor_hooks(hooks, g, create)
        own = False
    if captures is not None and (node, 0) in captures:
        for i in captures[(node, 0)]:
            results[i] = g
        if not accumulate:
            return  # autograd.grad: the leaf's node does not run
        own = False
    if node._pre is not None:
        (g,) = _pre_hooks(node, [g], create)
        if g is None:
            return
        own = False
    if node._post is not None:
        own = False  # its post-hooks will see the gradient
    _accumulate_leaf(var, g, create, own)
    post = var._x and var._x.get("post_acc")
    if post:
        for fn in list(post.values()):
            fn(var)
    if node._post is not None:
        for fn in list(node._post.values()):
            fn((), (_as_tensor(g),))


def _leaf_shape(g, shape):
    from .._shape import sum_to
    try:
        ok = np.broadcast_shapes(shape, g.shape) == tuple(g.shape)
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"Function returned an invalid gradient - got {list(g.shape)} but expected shape "
                           f"compatible with {list(shape)}")
    return sum_to(g, shape)


def _materialize(node, grads, create):
    """Zeros for the outputs of a multi-output node that received no gradient."""
    fn = node._fn
    if not fn._builtin and not getattr(node, "_materialize", True):
        return grads
    metas = node._outmeta if hasattr(node, "_outmeta") else None
    if metas is None:
        return grads
    out = []
    for g, meta in zip(grads, metas):
        if g is None and meta is not None:
            g = np.zeros(*meta)
            if create:
                g = _function.make(g)
        out.append(g)
    return out
