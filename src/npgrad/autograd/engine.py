"""The backward engine: one iterative loop over a heap of nodes; no recursion anywhere on the graph.

1. Every node has a sequence number (``_seq``, ``graph.next_seq``), drawn once its edges exist, so it is larger
   than that of every node it feeds from. The loop pops the node with the largest number among those reached:
   everything that feeds it has a larger number and has run, so its gradient is complete - no dependency count,
   no walk over the graph before the pass, and torch's order among ready nodes. With ``inputs``
   (``autograd.grad``, ``backward(inputs=...)``) only nodes that lead to an input are kept
   (``engine_general.needed``, the one walk); the rest is pruned.
2. Gradient buffers live in a dict keyed by node. The first gradient a node gets puts it on the heap (or,
   when nothing on the heap outranks it, makes it the next node: a chain skips the heap); later ones are added
   into its buffer. A popped node's buffer is taken, its formula runs, and each input gradient goes on.
3. Most nodes are the everyday kind: a built-in op with one output and no hooks. Their formula runs straight
   here. A node that needs more - hooks or ``retain_grad``, several outputs, a user ``Function``, a leaf's
   ``AccumulateGrad``, a gradient ``autograd.grad`` hands back - goes through ``engine_general.run_general``,
   as does every node while anomaly detection or a profiler is on. Which kind a node is was decided once, when
   it was made (its ``_general`` flag, set again when a hook is registered on it), so the loop tests one flag.
4. Unless ``retain_graph``, each node's saved arrays are dropped as soon as it has run.

Which way formulas run. A plain backward runs with grad mode off and hands a built-in formula raw ndarrays (the
buffers below are ndarrays and ``ctx.saved_tensors`` returns arrays): nothing is recorded, so a Tensor
wrapper per intermediate would be pure overhead. Under ``create_graph`` grad mode is on and the formula gets
Tensors (the buffer is wrapped first, ``saved_tensors`` returns Tensors), so the same formula, written once,
records the graph of the backward and gives higher-order gradients. (A node whose gradient requires no grad and
that saved nothing - the first nodes after a seed - has nothing to record: its plain formula runs on the array,
``engine_general.constant``.) User Functions get Tensors in both passes.

Ownership. Every gradient travels with a flag, as a ``(gradient, owned)`` pair: True when this pass allocated
the array and nothing else refers to it (a built-in formula's new result, a sum the engine made), False when it
is borrowed (the seed, a formula's pass-through of the gradient it got, anything a hook saw or returned, a user
Function's result, what ``autograd.grad`` returns). Only an owned array may become a leaf's ``.grad`` without a
copy, so a backward pass never writes into an array it did not make (HIPS autograd's add_outgrads keeps the
same flag). A multi-output node's buffer is a list of such pairs, one per output.
"""
from heapq import heapify, heappop, heappush

import numpy as np

from .graph import _passes_stack
from .grad_mode import state, creating as _creating
from . import function as _function
from . import anomaly_mode as _anomaly
from .engine_general import needed as _needed, run_general, fresh as _fresh, constant as _constant

__all__ = ["execute"]

_NEW = object()  # buffers.get's answer for a node not reached yet in this pass


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


def _distinct(out):
    """Whether no array appears twice among a formula's results (``x + y`` returns one array for both)."""
    n = len(out)
    for i in range(n - 1):
        a = out[i]
        if a is not None:
            for j in range(i + 1, n):
                if out[j] is a:
                    return False
    return True


@np.errstate(all="ignore")  # formulas make inf/NaN silently, as torch does (one errstate per pass)
def execute(roots, grads, keep_graph, create_graph, inputs=None, accumulate=True):
    """Run backward from ``roots`` (``(node, output_nr)`` pairs) seeded with ``grads``.

    ``inputs``: tensors to stop at. With ``accumulate`` their ``.grad`` is written (``backward(inputs=...)``);
    without, their gradients are returned in order (``autograd.grad``) and no ``.grad`` changes.
    """
    root_nodes = list(dict.fromkeys(n for n, _ in roots))
    captures = results = needed = None
    if inputs is not None:
        captures = {}  # (node, output_nr) -> positions in ``results``
        for i, t in enumerate(inputs):
            captures.setdefault(_function._edge(t), []).append(i)
        needed = _needed(root_nodes, {e[0] for e in captures})
        results = [None] * len(inputs)
    buffers = {}
    for (node, nr), g in zip(roots, grads):
        _add(buffers, node, nr, g, False)  # the seed is the caller's
    heap = [(-n._seq, n) for n in root_nodes if needed is None or n in needed]
    heapify(heap)
    anomaly = _anomaly._enabled  # read once: nothing per node when off
    # every node to the general path while anomaly mode or a recording profiler (it times each _run) is on
    all_general = anomaly or _function._op_observer is not None
    check = all_general or captures is not None  # else the node's own _general flag decides alone
    passes = _passes_stack()
    passes.append([root_nodes, needed, None])  # for multi-grad hooks (graph.pass_will_reach)
    prev = state.enabled, state.create
    state.enabled = state.create = bool(create_graph)
    if create_graph:
        _creating.append(None)  # (grad_mode.creating: saved_tensors reads the thread's flag only while not empty)
    node = None
    fit = _function._fit_grad
    make = _function.make
    ndarray = np.ndarray
    get, pop = buffers.get, buffers.pop
    nxt_node = None  # a node known to run next (it outranks the heap): it skips the heap (a chain's next link)
    try:
        while nxt_node is not None or heap:
            if nxt_node is None:
                node = heappop(heap)[1]
            else:
                node, nxt_node = nxt_node, None
            entry = pop(node, None)
            if node._general or check and (all_general or (node, 0) in captures):
                step = run_general(node, entry, create_graph, captures, results, needed, accumulate, anomaly)
                if step is None:
                    continue
                out, flags = step
                buf = bown = None
            elif entry is None:  # reached, but only by None gradients
                out = flags = ()
            else:  # the everyday node: a built-in, one output, no hooks - its formula straight on the gradient
                flags = None
                buf, bown = entry
                if not create_graph:
                    out = node._bw(buf)  # the op's backward(ctx, grad): node._fn.backward, bound
                elif (type(buf) is ndarray or not buf._req) and not node._saved:
                    out = _constant(node, buf)  # (w7) nothing to record: the formula on arrays
                else:
                    if type(buf) is ndarray:
                        buf = make(buf)
                    out = node._bw(buf)
                if type(out) is not tuple:
                    out = (out,)
                meta = node._meta
                if meta is not None:
                    out = [g if m is None or g is None else fit(g, m, node, i)
                           for i, (g, m) in enumerate(zip(out, meta))]
            if not keep_graph:
                node._saved = None
            n_out = len(out)
            if flags is None:  # a built-in's results: new arrays are owned, unless one goes to two inputs
                distinct = n_out == 1 or (out[0] is not out[1] if n_out == 2 else _distinct(out))
            for k, e in enumerate(node._edges):
                if e is None:
                    continue
                nxt = e[0]
                if nxt is None or needed is not None and nxt not in needed:
                    continue
                g = out[k] if k < n_out else None
                old = get(nxt, _NEW)
                if old is _NEW:  # first reached in this pass: it runs once every node above it has run
                    s = nxt._seq
                    if nxt_node is None and (not heap or -s < heap[0][0]):
                        nxt_node = nxt  # nothing reached outranks it: it runs next, without the heap
                    elif nxt_node is not None and s > nxt_node._seq:
                        heappush(heap, (-nxt_node._seq, nxt_node))
                        nxt_node = nxt
                    else:
                        heappush(heap, (-s, nxt))
                    if g is None:
                        buffers[nxt] = None
                        continue
                    old = None
                elif g is None:
                    continue
                if nxt._nout:
                    _add(buffers, nxt, e[1], g, distinct and (bown or _fresh(g, buf)) if flags is None else flags[k])
                elif old is not None:
                    buffers[nxt] = (old[0] + g, True)  # a new array: owned
                elif flags is None:  # (the gradient it got, passed through, keeps that one's flag)
                    buffers[nxt] = (g, distinct and (bown or _fresh(g, buf)))
                else:
                    buffers[nxt] = (g, flags[k])
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
        if create_graph:
            _creating.pop()
        passes.pop()
    return results
