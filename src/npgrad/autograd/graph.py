"""Graph nodes: ``Node`` (a tensor's ``grad_fn``), ``AccumulateGrad`` (a leaf's sink) and hook handles.

Ownership runs one way only: a tensor holds its ``grad_fn``, a node holds the nodes of its inputs (``_edges``)
and the arrays it saved. A node never holds its own output tensor, so a graph dies by reference counting as
soon as the last tensor of it goes, without the cycle collector.
"""
from __future__ import annotations

import itertools
import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Literal

    from .._tensor import Tensor

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "saved_tensors_hooks", "save_on_cpu",
           "disable_saved_tensors_hooks", "register_multi_grad_hook", "increment_version", "GradientEdge",
           "get_gradient_edge"]

_handle_ids = itertools.count()


class RemovableHandle:
    """Returned by ``register_*hook``; ``remove()`` takes the hook out again."""
    __slots__ = ("_table", "id")

    def __init__(self, table: dict[int, Any] | None) -> None:
        self._table = weakref.ref(table) if table is not None else None
        self.id = next(_handle_ids)

    def remove(self) -> None:
        table = self._table() if self._table is not None else None
        if table is not None:
            table.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class _HookDict(dict):
    """A dict of hooks by handle id; a subclass so that handles can hold it weakly."""
    __slots__ = ("__weakref__",)


# Registering a hook creates its table on first use: threads registering on one tensor or node at once would
# each make a table and all but one would be lost, so registration (and retain_grad) runs under this lock.
# Running hooks needs none: the engine copies a table's values in one C call.
hooks_lock = threading.Lock()


def add_hook(table, fn):
    if table is None:
        table = _HookDict()
    h = RemovableHandle(table)
    table[h.id] = fn
    return table, h


class _Rare:
    """A slot read as None until something is stored in it: the hook tables of a node (``_pre``, ``_post``,
    ``_tensor_pre``, ``_retain``), which most nodes never get, so ``Function.apply`` stores nothing for them. Only
    hook registration and the engine's general path read them, through this (slower) descriptor."""
    __slots__ = ("slot",)

    def __init__(self, slot):
        self.slot = slot

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        try:
            return self.slot.__get__(obj, cls)
        except AttributeError:
            return None

    def __set__(self, obj, value):
        self.slot.__set__(obj, value)


class Node:
    """A step of the backward graph. Torch's names: ``name()``, ``next_functions``, ``register_hook``."""
    __slots__ = ("_edges", "_saved", "_meta", "_nout", "_pre_", "_post_", "_tensor_pre_", "_retain_",
                 "_general", "_seq", "metadata_", "__weakref__")
    _fn = None  # the Function of a BackwardNode; None for leaves and other nodes
    if TYPE_CHECKING:  # slots filled by Function.apply and the hook tables (read through _Rare below)
        _edges: tuple[Any, ...]
        _saved: tuple[Any, ...]
        _nout: int
        _general: bool
        _pre: dict[int, Any] | None   # (descriptors set on the class after it; see _Rare)
        _post: dict[int, Any] | None
        metadata_: dict[Any, Any]

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        """One ``(node, output_nr)`` pair per input torch lists; ``(None, 0)`` where no gradient flows."""
        edges = self._edges
        fn = self._fn
        if fn is not None:  # (correctness helper) torch's edges where they are not simply the tensor arguments
            from .next_edges import torch_edges
            pos = torch_edges(fn)
            if pos is not None:
                return tuple((edges[i] if i < len(edges) else None) or (None, 0) for i in pos)
        return tuple(e for e in edges if e is not None)

    @property
    def metadata(self) -> dict[Any, Any]:
        try:
            return self.metadata_
        except AttributeError:
            self.metadata_ = {}
            return self.metadata_

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` runs after this node; may return replacement ``grad_inputs``."""
        with hooks_lock:
            self._post, h = add_hook(self._post, fn)  # type: ignore[misc]  # (a _Rare descriptor over a slot)
            self._general = True  # the engine runs this node on its general path from now on
        return h

    def register_prehook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """``fn(grad_outputs)`` runs before this node; may return replacement ``grad_outputs``."""
        with hooks_lock:
            self._pre, h = add_hook(self._pre, fn)  # type: ignore[misc]  # (a _Rare descriptor over a slot)
            self._general = True
        return h

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


for _name in ("_pre", "_post", "_tensor_pre", "_retain"):
    setattr(Node, _name, _Rare(Node.__dict__[_name + "_"]))


# A node's sequence number: the engine runs the nodes a pass reaches in decreasing order of it (torch's order
# among ready nodes), which is a valid order because a node is numbered after the nodes its edges point to: a node
# is numbered once its edges exist, and a leaf's AccumulateGrad when the leaf is first used, before the node using
# it. Every node that feeds a node thus runs before it, without counting dependencies first.
next_seq = itertools.count().__next__


def init_node(node):
    """A node the engine runs on its general path (``_general``); ``Function.apply`` clears the flag for a
    built-in op's single-output node, and registering any hook on a node sets it again."""
    node._general = True
    node._meta = None
    node._seq = next_seq()
    # the hook tables read as None (an empty slot reads so too, through _Rare, but by raising and catching an
    # AttributeError each time: ~2,000 instructions per read, and the general path reads them on every run)
    node._pre_ = node._post_ = node._tensor_pre_ = node._retain_ = None
    return node


class AccumulateGrad(Node):
    """Where a leaf's gradient ends up: adds it into ``variable.grad``."""
    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        init_node(self)
        self.variable = variable
        self._edges = ()
        self._saved = ()
        self._nout = 0

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # torch's name() carries the C++ namespace here


# ---------------------------------------------------------------------------------------------- running hooks
# (the engine calls these; they live here, beside the hook tables, to keep the engine loop short)
class _Passes(threading.local):
    """The backward calls running now in this thread (nested when a hook calls backward), for multi-grad hooks."""

    def __init__(self):
        self.stack = []


_passes_local = _Passes()


def _passes_stack():
    return _passes_local.stack


def current_pass():
    passes = _passes_local.stack
    return passes[-1] if passes else None


def pass_will_reach(t):
    """Whether the running backward call will compute a gradient for tensor ``t``."""
    passes = _passes_local.stack
    if not passes or not t._req:
        return False
    p = passes[-1]  # [root nodes, needed (None: all), the nodes reachable from the roots once asked]
    roots, needed, reach = p
    if reach is None:  # walked only when a multi-grad hook asks
        reach = p[2] = set(roots)
        stack = list(roots)
        while stack:
            for e in stack.pop()._edges:
                if e is not None and e[0] is not None and e[0] not in reach:
                    reach.add(e[0])
                    stack.append(e[0])
    node = _function._edge(t)[0]
    return node in reach and (needed is None or node in needed)


def as_tensor(g):
    return g if g is None or isinstance(g, _function.Tensor) else _function.make(g)


def _hook_name(fn):
    return getattr(fn, "__name__", None) or type(fn).__name__


def run_tensor_hooks(hooks, g, create):
    """Tensor hooks see (and may replace) the gradient as a Tensor, in registration order."""
    T = _function.Tensor
    gt = as_tensor(g)
    for fn in list(hooks.values()):
        r = fn(gt)
        if r is not None:
            if not isinstance(r, T):
                raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")
            if r._data.shape != gt._data.shape:
                raise RuntimeError(f"hook '{_hook_name(fn)}' has changed the size of value")
            if r._data.dtype != gt._data.dtype:
                raise RuntimeError(f"hook '{_hook_name(fn)}' has changed the type of value (was {gt.type()} got "
                                   f"{r.type()})")
            gt = r
    return gt if create else gt._data


def node_hook_result(fn, r, like, create):
    """A node hook may return replacement gradients: a tuple as long as the ones it was given."""
    if not isinstance(r, (tuple, list)):
        raise TypeError(f"expected tuple, but hook returned '{type(r).__name__}'")
    if len(r) != len(like):
        raise RuntimeError(f"hook '{_hook_name(fn)}' has returned an incorrect number of values (got {len(r)}, "
                           f"but expected {len(like)})")
    out = []
    for x, old in zip(r, like):
        if x is not None:
            if not isinstance(x, _function.Tensor):
                raise TypeError(f"expected Variable, but hook returned '{type(x).__name__}'")
            if old is None:
                raise RuntimeError("can't replace a None gradient with a non-None value")
            if old is not None and x._data.shape != old.shape:
                raise RuntimeError(f"hook '{_hook_name(fn)}' has changed the size of value")
            if not create:
                x = x._data
        out.append(x)
    return out


def pre_hooks(node, grads, create, node_hooks=True):
    """Tensor hooks of each output, then ``retain_grad`` (last, so it sees the hooked value), then node pre-hooks."""
    tensor_pre = node._tensor_pre
    if tensor_pre is not None:
        for nr, hooks in tensor_pre.items():
            if hooks:
                if grads[nr] is not None:
                    grads[nr] = run_tensor_hooks(hooks, grads[nr], create)
                else:
                    none_tensor_hooks(hooks)
    if node._retain is not None:
        for nr, ref in node._retain.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                _engine.retain(t, grads[nr], create)
    if node._pre is not None and node_hooks:
        keep = diff_outputs(node, len(grads))
        for fn in list(node._pre.values()):
            seen = grads if keep is None else [grads[i] for i in keep]
            r = fn(tuple(as_tensor(g) for g in seen))
            if r is not None:
                r = node_hook_result(fn, r, seen, create)
                if keep is None:
                    grads = r
                else:
                    grads = list(grads)
                    for i, g in zip(keep, r):
                        grads[i] = g
    return grads


def none_tensor_hooks(hooks):
    """A tensor's hooks when its gradient is None: torch calls them with None (and refuses a value back)."""
    for fn in list(hooks.values()):
        if fn(None) is not None:
            raise RuntimeError("can't replace a None gradient with a non-None value")


def diff_outputs(node, n):
    """The output slots a built-in node's hooks see: torch counts no non-differentiable output (max's indices);
    None when that is all of them (a custom Function's node has a slot for every output, as in torch)."""
    fn = node._fn
    nd = fn._nondiff_out if fn is not None and fn._builtin else ()
    return None if not nd else [i for i in range(n) if i not in nd]


# ---------------------------------------------------------------------------------------------- saved tensor hooks
class _SavedHooks(threading.local):
    """Per thread, as in torch: ``stack`` of (pack_hook, unpack_hook) pairs, the innermost applies;
    ``disabled``: the message set by ``disable_saved_tensors_hooks``."""

    def __init__(self):
        self.stack = []
        self.disabled = None


_saved_local = _SavedHooks()


def saved_hooks_stack():
    return _saved_local.stack


class saved_tensors_hooks:
    """Context manager: ``pack_hook(tensor)`` runs on every tensor an op saves for backward while it is active,
    and ``unpack_hook(packed)`` turns what it returned back into a tensor when backward needs it.

    >>> import npgrad
    >>> x = npgrad.ones(3, requires_grad=True)
    >>> with npgrad.autograd.graph.saved_tensors_hooks(lambda t: t.numpy(force=True).copy(),
    ...                                                 lambda a: npgrad.from_numpy(a)):
    ...     y = (x * x).sum()
    >>> y.backward(); x.grad
    tensor([2., 2., 2.])
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        local = _saved_local
        if local.disabled is not None:
            raise RuntimeError(local.disabled)
        from . import function
        local.stack.append((self.pack_hook, self.unpack_hook))
        function.extras_on()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        from . import function
        _saved_local.stack.pop()
        function.extras_off()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors in CPU memory until backward. npgrad computes on the CPU, so the copy is a no-op:
    the tensor itself is kept."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: t, lambda t: t)


class disable_saved_tensors_hooks:
    """Inside this block, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        self._prev = _saved_local.disabled
        _saved_local.disabled = self.error_message

    def __exit__(self, *exc: object) -> Literal[False]:
        _saved_local.disabled = self._prev
        return False


def increment_version(tensor: Tensor | Sequence[Tensor]) -> None:
    """Bump the version counter, as an in-place op does (for code that modifies ``.data`` behind autograd)."""
    for t in (tensor if isinstance(tensor, (tuple, list)) else (tensor,)):
        with _function.version_lock:
            t._vc[0] += 1


class GradientEdge(tuple):
    """``(node, output_nr)``: where a tensor's gradient enters the graph."""
    __slots__ = ()

    def __new__(cls, node, output_nr):
        return tuple.__new__(cls, (node, output_nr))

    @property
    def node(self) -> Node:
        return self[0]

    @property
    def output_nr(self) -> int:
        return self[1]


def get_gradient_edge(tensor: Tensor) -> GradientEdge:
    """The ``GradientEdge`` of a tensor (its grad_fn, or a leaf's ``AccumulateGrad``)."""
    if not tensor._req:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require "
                           "gradients")
    from .function import _edge
    return GradientEdge(*_edge(tensor))


class _MultiHandle:
    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable[..., Any], *,
                             mode: str = "all") -> _MultiHandle:
    """``fn(grads)`` once the gradients of all ``tensors`` used in a backward pass are known (``mode="all"``,
    missing ones are None), or ``fn(grad)`` for the first one computed (``mode="any"``)."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if mode == "any":
        fired = [None]

        def any_hook(g):
            p = current_pass()
            if fired[0] is not p:
                fired[0] = p
                fn(g)
        return _MultiHandle([t.register_hook(any_hook) for t in tensors])
    state = {"pass": None, "grads": None, "left": 0}

    def make_hook(i):
        def hook(g):
            p = current_pass()
            if state["pass"] is not p:
                state["pass"] = p
                state["grads"] = [None] * len(tensors)
                state["left"] = sum(1 for t in tensors if pass_will_reach(t))
            state["grads"][i] = g
            state["left"] -= 1
            if state["left"] == 0:
                fn(tuple(state["grads"]))
        return hook
    return _MultiHandle([t.register_hook(make_hook(i)) for i, t in enumerate(tensors)])
from . import function as _function, engine_general as _engine  # noqa: E402  (they import this module first)
_GRAPHVIZ = ("to_dot", "to_graph", "make_dot", "render", "print_graph", "summary", "saved_values", "Digraph")


def __getattr__(name):
    """The graph-drawing helpers (npgrad/autograd/graphviz.py) load on first use, not with ``import npgrad``."""
    if name in _GRAPHVIZ:
        from . import graphviz
        return getattr(graphviz, name)
    raise AttributeError(f"module 'npgrad.autograd.graph' has no attribute '{name}'")
