"""Graph nodes: ``Node`` (a tensor's ``grad_fn``), ``AccumulateGrad`` (a leaf's sink) and hook handles.

Ownership runs one way only: a tensor holds its ``grad_fn``, a node holds the nodes of its inputs (``_edges``)
and the arrays it saved. A node never holds its own output tensor, so a graph dies by reference counting as
soon as the last tensor of it goes, without the cycle collector.
"""
import itertools
import weakref

__all__ = ["Node", "AccumulateGrad", "RemovableHandle", "saved_tensors_hooks", "save_on_cpu",
           "disable_saved_tensors_hooks", "register_multi_grad_hook", "increment_version", "GradientEdge",
           "get_gradient_edge"]

_handle_ids = itertools.count()


class RemovableHandle:
    """Returned by ``register_*hook``; ``remove()`` takes the hook out again."""
    __slots__ = ("_table", "id")

    def __init__(self, table):
        self._table = weakref.ref(table) if table is not None else None
        self.id = next(_handle_ids)

    def remove(self):
        table = self._table() if self._table is not None else None
        if table is not None:
            table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _HookDict(dict):
    """A dict of hooks by handle id; a subclass so that handles can hold it weakly."""
    __slots__ = ("__weakref__",)


def add_hook(table, fn):
    if table is None:
        table = _HookDict()
    h = RemovableHandle(table)
    table[h.id] = fn
    return table, h


class Node:
    """A step of the backward graph. Torch's names: ``name()``, ``next_functions``, ``register_hook``."""
    __slots__ = ("_edges", "_saved", "_meta", "_nout", "_pre", "_post", "_tensor_pre", "_retain",
                 "metadata_", "__weakref__")

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        """One ``(node, output_nr)`` pair per tensor input; ``(None, 0)`` where no gradient flows."""
        return tuple(e for e in self._edges if e is not None)

    @property
    def metadata(self):
        try:
            return self.metadata_
        except AttributeError:
            self.metadata_ = {}
            return self.metadata_

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node; may return replacement ``grad_inputs``."""
        self._post, h = add_hook(self._post, fn)
        return h

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; may return replacement ``grad_outputs``."""
        self._pre, h = add_hook(self._pre, fn)
        return h

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


def init_node(node):
    node._pre = node._post = node._tensor_pre = node._retain = None
    node._meta = None
    return node


class AccumulateGrad(Node):
    """Where a leaf's gradient ends up: adds it into ``variable.grad``."""
    __slots__ = ("variable",)

    def __init__(self, variable):
        init_node(self)
        self.variable = variable
        self._edges = ()
        self._saved = ()
        self._nout = 0


# ---------------------------------------------------------------------------------------------- saved tensor hooks
_hooks_stack = []     # (pack_hook, unpack_hook) pairs; the innermost applies
_disabled_msg = None  # set by disable_saved_tensors_hooks


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

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _disabled_msg is not None:
            raise RuntimeError(_disabled_msg)
        from . import function
        _hooks_stack.append((self.pack_hook, self.unpack_hook))
        function.extras_on()
        return self

    def __exit__(self, *exc):
        from . import function
        _hooks_stack.pop()
        function.extras_off()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors in CPU memory until backward. npgrad computes on the CPU, so the copy is a no-op:
    the tensor itself is kept."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: t, lambda t: t)


class disable_saved_tensors_hooks:
    """Inside this block, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        global _disabled_msg
        self._prev = _disabled_msg
        _disabled_msg = self.error_message

    def __exit__(self, *exc):
        global _disabled_msg
        _disabled_msg = self._prev
        return False


def increment_version(tensor):
    """Bump the version counter, as an in-place op does (for code that modifies ``.data`` behind autograd)."""
    for t in (tensor if isinstance(tensor, (tuple, list)) else (tensor,)):
        t._vc[0] += 1


class GradientEdge(tuple):
    """``(node, output_nr)``: where a tensor's gradient enters the graph."""
    __slots__ = ()

    def __new__(cls, node, output_nr):
        return tuple.__new__(cls, (node, output_nr))

    node = property(lambda self: self[0])
    output_nr = property(lambda self: self[1])


def get_gradient_edge(tensor):
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


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """``fn(grads)`` once the gradients of all ``tensors`` used in a backward pass are known (``mode="all"``,
    missing ones are None), or ``fn(grad)`` for the first one computed (``mode="any"``)."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if mode == "any":
        fired = [None]

        def any_hook(g):
            from .engine import current_pass
            p = current_pass()
            if fired[0] is not p:
                fired[0] = p
                fn(g)
        return _MultiHandle([t.register_hook(any_hook) for t in tensors])
    state = {"pass": None, "grads": None, "left": 0}

    def make_hook(i):
        def hook(g):
            from .engine import current_pass, pass_will_reach
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
from .graphviz import to_dot, to_graph, make_dot, render, print_graph, summary, saved_values, Digraph  # noqa: E402,F401
