"""The engine's less travelled steps, kept out of ``engine.py`` so that its loop reads in one screen.

- ``needed``: with ``inputs``, the walk before a pass that prunes the graph to the nodes from which an input is
  reachable (explicit stacks, no recursion).
- ``run_general``: one node off the fast path (a node whose ``_general`` flag is set - hooks, several outputs,
  a user Function, a leaf's ``AccumulateGrad`` - or any node while anomaly detection or the profiler runs, or a
  node whose gradient ``autograd.grad`` returns).
- ``constant``: under create_graph, a node with a constant gradient and nothing saved runs its plain formula.
- ``accumulate_leaf`` / ``retain``: writing ``.grad``, owned buffers without a copy (see ``engine.py``).
"""
import threading
from operator import attrgetter
from typing import Any

import numpy as np

from .graph import (AccumulateGrad, as_tensor as _as_tensor, run_tensor_hooks as _run_tensor_hooks,
                    node_hook_result as _node_hook_result, pre_hooks as _pre_hooks,
                    none_tensor_hooks as _none_tensor_hooks, diff_outputs as _diff_outputs)
from . import function as _function
from .grad_mode import state
from . import anomaly_mode as _anomaly
from .. import _dtype

_by_seq = attrgetter("_seq")
_accumulate_lock = threading.Lock()  # .grad updates: backward passes in several threads may meet at one tensor


def needed(root_nodes, target_nodes):
    """The nodes from which some target is reachable. (w7) One walk down from the roots; when every dead end
    it meets (a node with no edge to a node: a leaf's AccumulateGrad) is a target, as with ``autograd.grad``
    over all the parameters, every node reached leads to one and that is the answer. Otherwise one pass over the
    nodes reached in ascending sequence number (a node's inputs' nodes come first): a node is needed when it is a
    target or has an edge to a needed node."""
    seen = set(root_nodes)
    add = seen.add
    stack = list(root_nodes)
    pop, push = stack.pop, stack.append
    all_lead = True
    while stack:
        node = pop()
        end = True
        for e in node._edges:
            if e is not None:
                nxt = e[0]
                if nxt is not None:
                    end = False
                    if nxt not in seen:
                        add(nxt)
                        push(nxt)
        if end and all_lead and node not in target_nodes:
            all_lead = False
    if all_lead:
        return seen
    need = {t for t in target_nodes if t in seen}
    add = need.add
    for node in sorted(seen.difference(need), key=_by_seq):
        for e in node._edges:
            if e is not None and e[0] in need:
                add(node)
                break
    return need


def _once(g, out):
    """Whether ``g`` goes to one edge only (a formula may return one array for two inputs, as ``x + y`` does)."""
    return sum(o is g for o in out) == 1


def fresh(g: Any, buf: Any) -> bool:
    """Whether a formula's result shares no memory with the borrowed gradient ``buf`` it got: neither ``buf``
    itself nor a view of it (``grad.t()``, a reshape). (blas helper: a view of an owned gradient stays owned, so a
    leaf can take ``TBackward0``'s transposed view of a fresh product as its ``.grad`` without a copy.)"""
    if g is buf:
        return False
    b = g.base if type(g) is np.ndarray else None
    return b is None or (b is not buf and b is not getattr(buf, "base", None))


def _out_owned(out, grads, owns):
    """Ownership of a built-in formula's results: a new array is owned, a gradient passed through keeps its flag."""
    return [g is not None and next((oi for gi, oi in zip(grads, owns) if not fresh(g, gi)), True) and _once(g, out)
            for g in out]


def constant(node: Any, g: Any) -> tuple[Any, ...]:
    """(w7) Under create_graph, a node whose gradient requires no grad and that saved nothing: its result can
    require no grad either, so the plain formula runs on the array (as in a plain backward, nothing recorded,
    no Tensor per intermediate: ``mean()``'s expand and divide of the seed) and its results go on as Tensors."""
    prev = state.enabled, state.create
    state.enabled = state.create = False
    try:
        out = node._bw(g if type(g) is np.ndarray else g._data)
    finally:
        state.enabled, state.create = prev
    make, T = _function.make, _function.Tensor
    if type(out) is not tuple:
        out = (out,)
    return tuple([r if r is None or isinstance(r, T) else make(np.asarray(r)) for r in out])


def run_general(node, entry, create, captures, results, need, accumulate, anomaly):
    """Run one node with everything a node may have. Returns ``(out, owned flags)``, or None when the node
    passes nothing on (a leaf, or a target of ``autograd.grad`` with nothing needed below it)."""
    nout = node._nout
    if entry is None:
        grads, owns = [None] * max(nout, 1), [False] * max(nout, 1)
    elif nout:
        grads = [None if p is None else p[0] for p in entry]
        owns = [p is not None and p[1] for p in entry]
    else:
        grads, owns = [entry[0]], [entry[1]]
    if type(node) is AccumulateGrad:
        _leaf(node, grads[0], owns[0], create, captures, results, accumulate)
        return None
    run = captures is None or any(e is not None and e[0] in need for e in node._edges)
    if node._tensor_pre is not None or node._retain is not None or node._pre is not None:
        grads = _pre_hooks(node, grads, create, run)
        owns = [False] * len(grads)  # the hooks saw them
    if captures is not None:
        for nr in range(max(nout, 1)):
            idx = captures.get((node, nr))
            if idx is not None:
                owns[nr] = False  # the caller gets it too
                for i in idx:
                    results[i] = grads[nr]
        if not run:
            return None  # a target with nothing needed below it: torch does not run it (nor its node hooks)
    if all(g is None for g in grads):   # nothing to run; torch still calls the post-hooks, with None gradients
        if node._post is not None:
            _post_hooks(node, [None] * len(node._edges), grads, create)
        return (), ()
    seen = grads   # what the post-hooks get as grad_outputs: None where none came (not the materialized zeros)
    if nout and node._fn is not None and any(g is None for g in grads):
        grads = _materialize(node, grads, create)
    out = node._run(grads, create)
    if anomaly and _anomaly._check_nan:
        _anomaly.check_nan(node, out)
    if node._post is not None:
        out = _post_hooks(node, out, seen, create)
    fn = node._fn
    return out, (_out_owned(out, grads, owns) if fn is not None and fn._builtin and node._post is None
                 else [False] * len(out))  # a user Function's results may be anything the user holds


def _post_hooks(node, out, grads, create):
    """``hook(grad_inputs, grad_outputs)``: the grad_outputs its pre-hooks saw; one grad_input per argument up to
    the last tensor one (torch has none for trailing non-tensor arguments: max's dim, clamp's bounds; a binary
    op's number operand is a tensor in ATen); a returned tuple replaces them (never a None one)."""
    edges = node._edges
    n = len(edges)
    fn = node._fn
    if fn is None or not fn._promote:
        while n and edges[n - 1] is None:
            n -= 1
    slots = range(min(n, len(out)))
    keep = _diff_outputs(node, len(grads))
    gout = tuple(_as_tensor(grads[i]) for i in (range(len(grads)) if keep is None else keep))
    out = list(out)
    for hook in list(node._post.values()):
        seen = [out[k] for k in slots]
        r = hook(tuple(_as_tensor(g) for g in seen), gout)
        if r is not None:
            for k, g in zip(slots, _node_hook_result(hook, r, seen, create)):
                out[k] = g
    return out


def _own(g):
    """Under create_graph a gradient stored in ``.grad`` is a tensor of its own (same graph position), so two
    leaves, or a leaf and the caller, never share one object."""
    t = _function.make(np.array(g._data, copy=True), g.grad_fn, g._nr)
    t._req = g._req
    if g._req and g.grad_fn is None:
        _function._edge(g)  # makes sure the leaf has its AccumulateGrad, which the copy then shares
        t._acc = g._acc
    return t


def retain(t, g, create):
    """``retain_grad``: the tensor's ``.grad`` gets a copy (or a sum, out of place as torch), never the buffer."""
    if create:
        return accumulate_leaf(t, g, True, False)
    g = g._data if isinstance(g, _function.Tensor) else g
    with _accumulate_lock:
        old = t._grad
        t._grad = _function.make(np.array(g, copy=True) if old is None else old._data + g)


def accumulate_leaf(var, g, create, own):
    if create:
        g = _own(_as_tensor(g))
        with _accumulate_lock:
            old = var._grad
            var._grad = g if old is None else old + g
        return
    if isinstance(g, _function.Tensor):
        g = g._data
    want = var._data.dtype if var._x is None or "grad_dtype" not in var._x else _leaf_dtype(var)
    if want is not None and g.dtype != want:
        g = g.astype(want)
        own = True
    with _accumulate_lock:  # backward passes in several threads may meet at a shared leaf, as in torch
        old = var._grad
        if old is None:
            b = g.base
            if own and b is not None and type(b) is np.ndarray and b.shape == g.shape and b.dtype == g.dtype and \
                    g.flags.c_contiguous and b.flags.c_contiguous:
                g = b  # an owned view of the whole of a fresh array (TBackward0's g.t() of mm's gradient): take it
            if not (own and g.base is None and g.flags.owndata and g.flags.writeable and g.flags.c_contiguous):
                g = np.array(g, copy=True, order="C")  # row-major, as torch lays out a contiguous leaf's grad
            var._grad = _function.make(g)
        elif old._req or not old._data.flags.writeable or old._data.shape != g.shape:
            var._grad = _function.make(old._data + g)
        else:
            old._data += g  # the leaf's own .grad (or the tensor the user assigned to it), in place as in torch


def _leaf(node, g, own, create, captures, results, accumulate):
    """A leaf's gradient: its tensor hooks, then the node's pre-hooks, then ``.grad`` (or the result list),
    then post-accumulate hooks and the node's post-hooks - torch's order."""
    var = node.variable
    if g is None:   # torch still runs the hooks (with None; a value back raises); nothing is accumulated
        hooks = var._x and var._x.get("hooks")
        if hooks:
            _none_tensor_hooks(hooks)
        if captures is not None and (node, 0) in captures and not accumulate:
            return
        if node._pre is not None:
            _pre_hooks(node, [None], create)
        post = var._x and var._x.get("post_acc")
        if post:
            _post_accumulate(post, var)
        if node._post is not None:
            for fn in list(node._post.values()):
                fn((), (None,))
        return
    if g.shape != var._data.shape:  # torch's input check: reduce what broadcasts to the leaf's shape, else fail
        g = _leaf_shape(g, var._data.shape)
    if var._x is not None and "grad_dtype" in var._x:  # the leaf's grad_dtype: cast to it (None: any dtype)
        want = _leaf_dtype(var)
        if want is not None and g.dtype != want:
            if isinstance(g, _function.Tensor):
                g = g.to(_dtype.from_numpy_dtype(want))
            else:
                g, own = g.astype(want), True
    elif type(g) is np.ndarray and g.dtype != var._data.dtype:  # torch casts to the input's dtype (validate_outputs):
        g, own = g.astype(var._data.dtype), True        # bfloat16 matmuls in ml_dtypes return float32
    hooks = var._x and var._x.get("hooks")
    if hooks:
        g = _run_tensor_hooks(hooks, g, create)
        own = False
    if captures is not None and (node, 0) in captures:
        idx = captures[(node, 0)]
        if own and not accumulate and len(idx) == 1 and type(g) is np.ndarray and g.flags.writeable:
            g = _function.make(g)  # (w7) an array this pass made, for nobody else: autograd.grad needs no copy
        for i in idx:
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
    accumulate_leaf(var, g, create, own)
    post = var._x and var._x.get("post_acc")
    if post:
        _post_accumulate(post, var)
    if node._post is not None:
        for fn in list(node._post.values()):
            fn((), (_as_tensor(g),))


def _post_accumulate(hooks, var):
    """A leaf's post-accumulate-grad hooks, in registration order; they must return None, as in torch."""
    for fn in list(hooks.values()):
        r = fn(var)
        if r is not None:
            if isinstance(r, _function.Tensor):
                raise RuntimeError("Tensor post accumulate grad hooks should return None.")
            raise TypeError(f"expected Tensor, but hook returned '{type(r).__name__}' (a post accumulate grad "
                            f"hook should return None)")


def _leaf_dtype(var):
    from ..ops.surface_extra import leaf_grad_dtype
    return leaf_grad_dtype(var)


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
    if not node._fn._builtin and not getattr(node, "_materialize", True):
        return grads
    metas = getattr(node, "_outmeta", None)
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
