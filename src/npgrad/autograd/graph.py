"""Graph nodes: ``Node`` (a tensor's ``grad_fn``), ``AccumulateGrad`` (a leaf's sink) and hook handles.

Ownership runs one way only: a tensor holds its ``grad_fn``, a node holds the nodes of its inputs (``_edges``)
and the arrays it saved. A node never holds its own output tensor, so a graph dies by reference counting as
soon as the last tensor of it goes, without the cycle collector.
"""
import itertools
import weakref

__all__ = ["Node", "AccumulateGrad", "RemovableHandle"]

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
