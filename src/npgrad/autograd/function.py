"""``Function``: the one mechanism every op goes through, built-in or user-defined.

A ``Function`` subclass pairs ``forward`` with ``backward``. Subclassing creates the node class (``Mul`` gives
``MulBackward0`` for built-ins, ``MyFn`` gives ``MyFnBackward`` for user Functions); an instance of it is both
the ``ctx`` that ``forward`` fills and the ``grad_fn`` of the outputs.

Built-in ops (``_builtin = True``) run ``forward`` on ndarrays and write ``backward`` once, with operators and
NumPy functions. The engine runs that formula on ndarrays for a plain backward (fast), and on Tensors under
``create_graph`` (a formula calls ``xp = ctx.xp``: NumPy in a plain backward, npgrad's recorded ops ``txp``
under create_graph, see npgrad/_xp.py), so higher-order gradients come from the same formula.
``ctx.saved_tensors`` hands the formula arrays or Tensors to match. User Functions get Tensors in both passes,
as in torch.

Rarely used features cost one test when off. Anomaly detection, saved-tensor hooks, forward-mode AD, source
tracking, a recording profiler and a compiler capture each call ``extras_on()`` while active and ``extras_off()``
after; ``apply``'s first line reads the count they keep (``_extras``, a module global: one specialised load and
one compare) and, when it is not zero, hands the call to ``_apply_extras``, the one place those features live.
``Function.apply`` itself is never replaced, so keeping the bound method (``_add = Add.apply``,
``linear = Linear.apply``) is fine. The count is process-wide (anomaly mode and forward AD are, in torch); the
per-thread features (grad mode, saved-tensor hooks) are read from this thread's state inside ``_apply_extras``.
Inference mode is cheaper: ``apply`` marks its results as inference tensors on its no-graph return while an
``inference_mode`` block is active (``_inference``, a list of the active blocks, then ``state.inference``).

Each built-in op gets its own ``apply`` on its first call, generated from the op's attributes
(``_specialise``, below the general ``apply``): the same steps with the op's branches decided once.
"""
import functools
import inspect
import os
import threading
from typing import TYPE_CHECKING, Any, Callable, TypeVar
from operator import itemgetter as _itemgetter

import numpy as np

from .._dtype import result_np, get_default_dtype, is_float_np
from .._shape import sum_to as _sum_to
from .._xp import xp as _xp, txp as _txp
from .graph import Node, AccumulateGrad, init_node, next_seq as _next_seq, saved_hooks_stack as _saved_hooks_stack
from .grad_mode import state, no_grad, creating as _creating, inference_blocks as _inference

__all__ = ["Function", "FunctionCtx", "BackwardNode", "BackwardCFunction", "once_differentiable", "InplaceFunction",
           "NestedIOFunction"]

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
          "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
          "or if you need to access saved tensors after calling backward.")
_INFERENCE_SAVE = ("Inference tensors cannot be saved for backward. Please do not use Tensors created in inference "
                   "mode in computation tracked by autograd. To work around this, you can make a clone to get a "
                   "normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
                   "`torch.inference_mode()`.")

# Torch makes inf and NaN silently; NumPy warns, and a caller's ``-W error`` or pytest ``filterwarnings = error``
# turns that into an exception. Every built-in forward therefore runs with NumPy's floating-point errors ignored,
# set and reset through NumPy's own context variable (two C calls, ~0.1 us; ``np.errstate`` costs ~2 us), so the
# caller's warning filters and NumPy settings stay untouched. Backward passes have one ``errstate`` each (engine).
try:
    from numpy._core.umath import _extobj_contextvar as _fp_var, _make_extobj
    _FP_QUIET = _make_extobj(all="ignore")
    _fp_set = _fp_var.set
    fp_restore = _fp_var.reset
except ImportError:  # NumPy 1.x: the same state behind seterr
    _FP_QUIET = {"all": "ignore"}

    def _fp_set(settings):
        return np.seterr(**settings)

    def fp_restore(old):
        np.seterr(**old)
fp_quiet = functools.partial(_fp_set, _FP_QUIET)

_tuple_new = tuple.__new__
_new = object.__new__
_ndarray = np.ndarray
version_lock = threading.Lock()  # a version bump is read-add-store: threads may share a tensor
_NO_EDGE = (None, 0)
Tensor: Any = None  # bound by npgrad._tensor once the class exists (the two modules need each other)
make: Any = None


class BackwardNode(Node):
    """The node (and ``ctx``) of one call of a ``Function``."""
    __slots__ = ("_dirty", "_nondiff", "_materialize")
    _fn = None
    _plain = False  # a built-in's node: its formula runs on arrays in a plain backward (one read, not _fn._builtin)

    # --- ctx API used inside forward -------------------------------------------------------------
    def save_for_backward(self, *tensors: Any) -> None:
        self._saved = tensors

    def save_for_forward(self, *tensors: Any) -> None:
        """Tensors for ``jvp`` (forward-mode AD); ``ctx.saved_tensors`` returns them inside ``jvp``."""
        self._fw_saved = tensors  # type: ignore[misc]  # a user Function's node class has a __dict__ (mypy sees slots)

    def mark_dirty(self, *tensors: Any) -> None:
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self._nondiff = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = bool(value)

    # --- create_graph: which namespace a built-in formula calls (one place; see npgrad/_xp.py) ----------
    @property
    def xp(self) -> Any:
        """``xp = ctx.xp`` in a backward formula: NumPy on arrays; npgrad's tensor namespace ``txp`` under
        create_graph, when the formula's inputs are Tensors (the same test as ``saved_tensors``), so its calls are
        recorded ops called directly, not through NumPy's ``__array_ufunc__``/``__array_function__``."""
        return _txp if state.create else _xp

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        edges = self._edges
        if len(edges) == 2:  # (backward helper) a binary op, the commonest reader: no list, no comprehension
            a, b = edges
            return a is not None and a[0] is not None, b is not None and b[0] is not None
        return tuple([e is not None and e[0] is not None for e in edges])

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What ``forward`` saved: arrays in a plain built-in backward, Tensors otherwise."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        # a plain backward of a built-in: the arrays, version-checked. (backward helper) The thread-local create
        # flag (~600 instructions to read) is read only while some thread runs a pass that sets it (_creating).
        if self._plain and not (_creating and state.create):
            if len(saved) == 1:  # the commonest case (a saved result or input), without the loop
                entry = saved[0]
                if type(entry) is _Saved:
                    vc = entry[3]
                    if vc is not None and vc[0] != entry[4]:
                        _version_error(entry, self)
                    return (entry[0],)
            out = []
            for entry in saved:
                if type(entry) is _Saved:
                    vc = entry[3]
                    if vc is not None and vc[0] != entry[4]:
                        _version_error(entry, self)
                    out.append(entry[0])
                else:
                    out.append(entry.unpack(self, True) if type(entry) is _Hooked else entry)
            return tuple(out)
        arrays = False
        out = []
        for entry in saved:
            if type(entry) is not _Saved:
                out.append(entry.unpack(self, arrays) if type(entry) is _Hooked else entry)
                continue
            data, tensor, nr, vc, version = entry
            if vc is not None and vc[0] != version:
                _version_error(entry, self)
            if arrays:
                out.append(data)
            elif tensor is not None:
                out.append(tensor)
            elif nr >= 0:  # our own output: rebuilt on demand so the node never holds it
                out.append(make(data, self, nr, vc))
            else:
                out.append(make(data))
        return tuple(out)

    saved_variables = saved_tensors

    # --- torch's saved-value attributes (``_saved_self``, ``_raw_saved_self``, ...): see saved_attrs.py ------
    # They are properties of each built-in's node class, added when the class is made (_LazyNodeClass): a
    # ``__getattr__`` here would make every attribute read of every node take CPython's slow generic path (no
    # specialised slot read: about 300 machine instructions more per node in backward, and more in forward).
    def __dir__(self):
        from .saved_attrs import saved_names
        names = saved_names(self)
        return sorted(set(super().__dir__()) | {"_saved_" + n for n in names}
                      | {"_raw_saved_" + n for n, spec in names.items() if type(spec) is int})

    # --- what the engine calls -------------------------------------------------------------------
    def _run(self, grads, create):
        """Run ``backward`` on the output gradients; return one gradient per forward argument."""
        fn = self._fn
        if fn._builtin:
            if create:
                grads = [g if g is None or isinstance(g, Tensor) else make(g) for g in grads]
            res = fn.backward(self, *grads)
        else:
            if not create:
                grads = [None if g is None else make(g) for g in grads]
            res = fn.backward(self, *grads)
        if type(res) is not tuple:
            res = (res,)
        n = len(self._edges)
        if len(res) != n:
            if len(res) > n and all(r is None for r in res[n:]):
                res = res[:n]
            elif len(res) < n and fn._builtin:  # a built-in may leave trailing Nones out
                res = res + (None,) * (n - len(res))
            else:
                raise RuntimeError(f"function {type(self).__name__} returned an incorrect number of gradients "
                                   f"(expected {n}, got {len(res)})")
        if not fn._builtin:
            return _check_custom_grads(self, res, create)
        meta = self._meta
        if meta is not None:
            res = list(res)
            for i, m in enumerate(meta):
                g = res[i]
                if m is not None and g is not None:
                    res[i] = _fit_grad(g, m, self, i)
        return res


def _check_custom_grads(node, res, create):
    """A user backward's results: Tensors or None, one per input, reduced and cast to each input."""
    out = list(res)
    meta = node._meta
    for i, (g, e) in enumerate(zip(res, node._edges)):
        if g is None:
            continue
        if e is None:
            raise RuntimeError(f"function {type(node).__name__} returned a gradient different than None at "
                               f"position {i + 1}, but the corresponding forward input was not a Variable")
        if not isinstance(g, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
        if e[0] is None:  # that input does not need a gradient: torch drops it unchecked
            out[i] = None
            continue
        shape, dtype = meta[i]
        if g._data.shape != shape:
            try:
                ok = np.broadcast_shapes(shape, g._data.shape) == g._data.shape
            except ValueError:
                ok = False
            if not ok:
                raise RuntimeError(f"Function {type(node).__name__} returned an invalid gradient at index {i} - "
                                   f"got {list(g._data.shape)} but expected shape compatible with {list(shape)}")
        g = _fit_grad(g, meta[i], node, i)
        out[i] = g if create else g._data
    return out


class FunctionCtx:
    """The type of ``ctx`` in a custom :class:`Function`'s ``forward``/``backward``: the context npgrad passes is
    the function's graph node, an instance of this class (its node class derives from :class:`BackwardCFunction`).

    Example::

        >>> import npgrad as torch
        >>> from npgrad.autograd.function import FunctionCtx
        >>> class Square(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx: FunctionCtx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx: FunctionCtx, grad):
        ...         x, = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = torch.tensor([1.0, 3.0], requires_grad=True)
        >>> Square.apply(x).sum().backward()
        >>> x.grad
        tensor([2., 6.])
    """
    if TYPE_CHECKING:  # what the node passed as ctx offers, for a type checker (nothing at run time)
        @property
        def saved_tensors(self) -> tuple[Any, ...]: ...
        @property
        def needs_input_grad(self) -> tuple[bool, ...]: ...

        def save_for_backward(self, *tensors: Any) -> None: ...
        def save_for_forward(self, *tensors: Any) -> None: ...
        def mark_dirty(self, *tensors: Any) -> None: ...
        def mark_non_differentiable(self, *tensors: Any) -> None: ...
        def set_materialize_grads(self, value: bool) -> None: ...
        def __getattr__(self, name: str) -> Any: ...        # ctx.scale = s in forward, read in backward
        def __setattr__(self, name: str, value: Any) -> None: ...



class BackwardCFunction(BackwardNode, FunctionCtx):
    """Base of a custom :class:`Function`'s node class (``MyFnBackward``), as in torch: the node is the ``ctx``
    (an instance of :class:`FunctionCtx`), ``_forward_cls`` is the Function, and ``apply(*grads)`` runs its
    ``backward`` (or ``vjp``). (correctness helper)"""
    _forward_cls: Any = None

    def apply(self, *args: Any) -> Any:
        fn = self._forward_cls
        if fn.backward is not Function.backward and fn.vjp is not Function.vjp and fn.backward is not fn.vjp:
            raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You "
                               "should only implement one of them.")
        return fn.backward(self, *args)

    @property
    def saved_variables(self) -> tuple[Any, ...]:
        from .._warn import warn
        warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning)
        return self.saved_tensors


class _BackwardCls:
    """``MyFn._backward_cls``: the Function's node class (made on first use), torch's attribute name."""
    __slots__ = ()

    def __get__(self, obj: Any, cls: Any) -> Any:
        return cls._node_cls

def _version_error(entry, node):
    import re
    from . import anomaly_mode
    t = entry.tensor
    shape = list(entry.data.shape)
    kind = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor"}.get(
        entry.data.dtype.name, "Tensor")
    where = ""
    if t is not None and t.grad_fn is not None:  # torch names the op by its current node, without "Backward0"
        where = f", which is output {t._nr} of {re.sub(r'Backward[0-9]*$', '', t.grad_fn.name())},"
    elif entry.output_nr >= 0:
        where = f", which is output {entry.output_nr} of {re.sub(r'Backward[0-9]*$', '', node.name())},"
    hint = ("Hint: the backtrace further above can show the operation that failed to compute its gradient. The "
            "variable in question was changed in there or anywhere later. Good luck!" if anomaly_mode._enabled else
            "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[torch.{kind} {shape}]{where} is at version {entry.vc[0]}; expected version {entry.version} instead. "
        + hint)


def _fit_grad(g, meta, node, i):
    """Reduce a broadcast gradient to the input's shape and cast it to the input's dtype."""
    shape, dtype = meta
    if g.shape != shape:
        try:
            g = _sum_to(g, shape)
        except ValueError:
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                               f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
    if type(g) is np.ndarray:
        if g.dtype != dtype:
            g = g.astype(dtype)
    elif getattr(g, "_data", g).dtype != dtype:  # a Tensor (create_graph): compare its array's NumPy dtype (its
        from .._dtype import from_numpy_dtype    # npgrad dtype against a NumPy one costs ~5 us, and never matches)
        g = g.to(from_numpy_dtype(dtype))
    return g


class _Saved(tuple):
    """One saved value: ``(data, tensor, output_nr, vc, version)`` - the array, where it came from (input tensor
    / own output), its version counter and the version then. A tuple, so the hot path builds it in C."""
    __slots__ = ()
    data = property(_itemgetter(0))
    tensor = property(_itemgetter(1))
    output_nr = property(_itemgetter(2))
    vc = property(_itemgetter(3))
    version = property(_itemgetter(4))

    def __new__(cls, data, tensor, output_nr, vc):
        return _tuple_new(cls, (data, tensor, output_nr, vc, vc[0] if vc is not None else 0))


class _Hooked:
    """A value saved while ``saved_tensors_hooks`` were active: what ``pack_hook`` returned, and how to put the
    unpacked tensor back into the graph (its grad_fn, or a leaf's ``AccumulateGrad``) without holding it."""
    __slots__ = ("packed", "unpack_hook", "output_nr", "grad_fn", "nr", "req", "acc")

    def unpack(self, node, arrays):
        t = self.unpack_hook(self.packed)
        if not isinstance(t, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(t).__name__}")
        if arrays:
            return t._data
        if self.output_nr >= 0:
            return t if t.grad_fn is node else make(t._data, node, self.output_nr)
        if not self.req:
            return t if not t._req else make(t._data)
        if self.grad_fn is not None and t.grad_fn is self.grad_fn and t._nr == self.nr:
            return t
        if self.grad_fn is None and t.grad_fn is None and t._acc is not None and t._acc is self.acc:
            return t  # the very leaf that was saved
        r = make(t._data, self.grad_fn, self.nr)  # a new tensor: re-attach the saved one's place in the graph
        r._req = self.req
        r._acc = self.acc
        return r


def _edge(t):
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._nr)
    if t._req:
        acc = t._acc() if t._acc is not None else None
        if acc is None:
            x = t._x
            if x and "ngview" in x:  # a view made under no_grad of a tensor that requires grad: no accumulator
                from ..ops.shape import no_grad_view_edge
                return no_grad_view_edge(t)
            import weakref
            acc = AccumulateGrad(t)
            t._acc = weakref.ref(acc)
        return (acc, 0)
    return (None, 0)


class _LazyNodeClass:
    """``Op._node_cls``: the op's node class (``MulBackward0``), made by the first lookup, which stores it on the
    op class in place of this descriptor, so every later ``cls._node_cls`` is a plain class attribute."""
    __slots__ = ()

    def __get__(self, obj, cls):
        builtin = cls.__dict__.get("_builtin", cls._builtin)
        name = cls.__dict__.get("_node_name") or cls.__name__ + ("Backward0" if builtin else "Backward")
        body = {"_fn": cls, "__module__": cls.__module__, "__qualname__": name, **cls._node_methods}
        if not builtin:
            body["_forward_cls"] = cls
        if builtin:
            body["__slots__"] = tuple(cls._ctx_fields)
            body["_plain"] = True
            body["_bw"] = cls.backward  # the engine calls ``node._bw(grad)``: a method call CPython specialises
        node = cls.__dict__.get("_node_cls")
        if node is self:  # two threads may race here: the first class stored wins, both return it
            node_cls = type(name, (BackwardNode,) if builtin else (BackwardCFunction,), body)
            if builtin:
                _add_saved_properties(node_cls)
            type.__setattr__(cls, "_node_cls", node_cls)
        return cls.__dict__["_node_cls"]


def _add_saved_properties(node_cls):
    """torch's ``_saved_<name>`` (and, for a saved tensor, ``_raw_saved_<name>``) of a built-in's node class."""
    from .saved_attrs import saved_names, get_saved, get_raw_saved
    for name, spec in saved_names(node_cls.__new__(node_cls)).items():
        setattr(node_cls, "_saved_" + name, property(functools.partial(get_saved, name=name)))
        if type(spec) is int:
            setattr(node_cls, "_raw_saved_" + name, property(functools.partial(get_raw_saved, name=name)))


_LAZY_NODE = _LazyNodeClass()


class Function:
    """Base of every op. Subclass with static ``forward(ctx, ...)`` and ``backward(ctx, *grads)``; call ``apply``.

    ``forward`` may instead take only the inputs, with ``setup_context(ctx, inputs, output)`` filling ``ctx``.
    ``ctx`` offers ``save_for_backward``/``saved_tensors``, ``needs_input_grad``, ``mark_dirty`` (in-place
    ops), ``mark_non_differentiable`` and ``set_materialize_grads``; ``jvp(ctx, *tangents)`` adds forward mode.

    >>> import npgrad
    >>> class Cube(npgrad.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = npgrad.tensor(2.0, requires_grad=True)
    >>> Cube.apply(x).backward(); x.grad
    tensor(12.)
    """
    _builtin = False       # built-in op: forward on ndarrays, backward formula on arrays or Tensors
    _promote: str | None = None  # None, "same" (torch's type promotion) or "float" (promote, then at least float)
    _broadcast = False     # inputs may broadcast or be promoted: the engine reduces/casts their gradients
    _view = False          # output shares the input's storage and version counter
    _ctx_fields: tuple[str, ...] = ()  # extra attributes a built-in's forward stores on ctx
    _node_name: str | None = None  # grad_fn name, when torch's is not the class name + "Backward0"
    _node_methods: dict = {}  # methods the node class gets besides BackwardNode's (``name`` of _OnceError)
    _nondiff_out: tuple[int, ...] = ()  # indices of a built-in's outputs that never require grad (e.g. argmax indices)
    _fp_safe = False       # forward cannot raise a NumPy floating-point error (tanh): it runs without setting the
    #                        error state (view ops are so too); see _specialised_source
    _drop_slots: dict[int, tuple[int, ...]]  # set per subclass with _saved_for (__init_subclass__)
    _saved_for: tuple[tuple[int, ...], ...] | None = None  # per saved slot, the inputs whose gradient formula reads it: a slot no input that
    #                        needs a gradient reads is dropped (torch's ``x * 2`` keeps no ``x``), see _prune
    _node_cls = BackwardNode
    _backward_cls = _BackwardCls()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._node_cls = _LAZY_NODE  # the node class is made on first use (import makes ~400 ops, most never run)
        cls._drop_slots = {}  # _prune's answers: which inputs need a gradient (bits) -> saved slots to drop
        if "vjp" in cls.__dict__ and "backward" not in cls.__dict__:
            cls.backward = cls.__dict__["vjp"]
        if "apply" not in cls.__dict__ and getattr(cls.apply, "_specialised", False):  # (see _specialise)
            cls.apply = _GENERAL_APPLY

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it "
                                  "with forward mode AD.")

    @classmethod
    def apply(cls, *args: Any, _plain: bool = False, **kwargs: Any) -> Any:
        """Run the op: ``forward`` on the inputs' arrays, then, if a gradient is wanted, make the node (it is the
        ctx ``forward`` just filled), its edges and the output Tensor. The hot path of every op: keep it lean.
        (``_plain``: internal, set by ``_apply_extras`` when it runs the call itself.)"""
        if _extras and not _plain:  # a rarely used feature is on (see the module docstring)
            return _apply_extras(cls, *args, **kwargs)
        op = _OPS.get(cls)  # the op's class attributes in one dict read (a class attribute read costs ~270 instructions)
        if op is None:
            if not cls._builtin:
                return _apply_custom(cls, args, kwargs)
            op = _OPS[cls] = (cls._node_cls, cls.forward, cls._promote, cls._view, cls._broadcast,
                              None if cls._saved_for is None else cls._drop_slots)
            _specialise(cls)  # later calls run the op's own apply (see _specialise)
        node_cls, forward, promote, view, broadcast, drops = op
        T = Tensor
        edges: Any
        record = state.enabled
        if len(args) == 1:  # unary ops: no loop, no list
            a = args[0]
            try:
                a0 = a._data
            except AttributeError:
                raise TypeError(f"{cls.__name__.lower()}(): argument 'input' (position 1) must be Tensor, not "
                                f"{type(a).__name__}") from None
            req = record and a._req
            edges = arrays = None
        elif len(args) == 2:  # binary ops: the loop below, unrolled
            a, b = args
            req = False
            e0 = e1 = None
            if isinstance(a, T):
                d0 = a._data
                if record:
                    fn = a.grad_fn
                    if fn is not None:
                        e0 = (fn, a._nr)
                        req = True
                    elif a._req:
                        e0 = _edge(a)
                        req = True
                    else:
                        e0 = _NO_EDGE
            else:
                d0 = a
            if isinstance(b, T):
                d1 = b._data
                if record:
                    fn = b.grad_fn
                    if fn is not None:
                        e1 = (fn, b._nr)
                        req = True
                    elif b._req:
                        e1 = _edge(b)
                        req = True
                    else:
                        e1 = _NO_EDGE
            else:
                d1 = b
            arrays = [d0, d1]
            edges = (e0, e1)
        else:  # arrays and (while grad mode is on) edges in one pass
            req = False
            arrays = []
            edges = []
            for a in args:
                if isinstance(a, T):
                    arrays.append(a._data)
                    if record:
                        fn = a.grad_fn
                        if fn is not None:
                            edges.append((fn, a._nr))
                            req = True
                        elif a._req:
                            edges.append(_edge(a))
                            req = True
                        else:
                            edges.append(_NO_EDGE)
                else:
                    arrays.append(a)
                    edges.append(None)
        if promote is not None:  # the common cases inline: same float dtypes, or a float array and a number
            if arrays is None:
                arrays = [a0]
            a0 = arrays[0]
            if len(arrays) < 2 or type(a0) is not _ndarray or a0.dtype.kind != "f":
                _promote(arrays, promote)
            else:
                a1 = arrays[1]
                t1 = type(a1)
                if not (t1 is float or t1 is int or t1 is _ndarray and a1.dtype == a0.dtype):
                    _promote(arrays, promote)
            a0 = arrays[0]
        elif arrays is not None:
            a0 = arrays[0] if arrays else None
        ctx = _new(node_cls)
        ctx._saved = ()
        fp = _fp_set(_FP_QUIET)
        try:
            out = forward(ctx, a0) if arrays is None else forward(ctx, *arrays)
        except (ValueError, TypeError) as exc:
            if arrays is None:
                arrays = [a0]
            from .errors import check_arguments  # a list or str operand: torch's TypeError, not NumPy's message
            check_arguments(cls, args, exc)
            if broadcast and isinstance(exc, ValueError):  # shapes that do not broadcast: torch's error
                from .._shape import broadcast_shapes
                broadcast_shapes(*(a.shape for a in arrays if isinstance(a, _ndarray)))
            raise
        finally:
            fp_restore(fp)
        if type(out) is tuple:
            return _outputs(cls, ctx, args, [a0] if arrays is None else arrays, out, edges, req)
        res = _new(T)  # make(out), inline
        res._data = data = out if type(out) is _ndarray else np.asarray(out)  # (NumPy gives 0-d results as scalars)
        res._grad = res._v = res._acc = res._x = None
        res._nr = 0
        if view and np.may_share_memory(data, a0):
            res._v = args[0]._vc
        if not req or (data.dtype.kind != "f" and not is_float_np(data.dtype)):  # (bfloat16's kind is 'V')
            res.grad_fn = None
            res._req = False
            if _inference and state.inference:
                _mark_inference(cls, args, (res,))
            return res
        res.grad_fn = ctx
        res._req = True
        if edges is None:
            fn = a.grad_fn
            ctx._edges = edges = ((fn, a._nr),) if fn is not None else (_edge(a),)
        else:
            ctx._edges = edges = tuple(edges)
        ctx._meta = None  # (hook tables: read as None until a hook is registered, graph._Rare)
        ctx._general = False  # the engine's fast path, unless hooks arrive later
        ctx._nout = 0
        ctx._seq = _next_seq()  # after its edges' nodes (a leaf's AccumulateGrad may have been made just now)
        saved = ctx._saved
        if saved:
            if len(saved) == 1 and saved[0] is out:  # the op saves its result (exp, tanh, sigmoid, ...)
                vc = res._v
                if vc is None:  # (res is not shared yet: no lock needed)
                    res._v = vc = [0]
                    ctx._saved = (_tuple_new(_Saved, (out, None, 0, vc, 0)),)
                else:  # (a view's result shares its base's counter)
                    ctx._saved = (_tuple_new(_Saved, (out, None, 0, vc, vc[0])),)
            else:
                if drops is not None:  # (_prune, its cached answer inline)
                    mask = 0
                    bit = 1
                    for e in edges:
                        if e is not None and e[0] is not None:
                            mask |= bit
                        bit <<= 1
                    drop = drops.get(mask)
                    if drop is None:
                        saved = _prune(saved, cls, edges)
                    elif drop:
                        saved = list(saved)
                        n = len(saved)
                        for k in drop:
                            if k < n:
                                saved[k] = None
                        saved = tuple(saved)
                for x in saved:
                    if x is not None and type(x) is not float and type(x) is not int:
                        ctx._saved = _pack(saved, args, (a0,) if arrays is None else arrays, (out,), res)
                        break
                else:  # numbers and pruned slots only (``y * 0.9`` keeps just the 0.9): nothing to track
                    ctx._saved = saved
        if broadcast:  # metadata only where an input differs from the result in shape or dtype
            shape, dtype = data.shape, data.dtype
            for a in args:
                if isinstance(a, T):
                    d = a._data
                    if d.shape != shape or d.dtype != dtype:
                        ctx._meta = _broadcast_meta(args, data)
                        break
        return res


def _outputs(cls, ctx, args, arrays, out, edges, req):
    """``apply``'s end for an op with several outputs (max with indices, unbind, ...): general-path nodes."""
    if not req:
        res = tuple(make(o) for o in out)
        if _inference and state.inference:
            _mark_inference(cls, args, res)
        return res
    if edges is None:
        ctx._edges = (_edge(args[0]),)
    else:
        ctx._edges = tuple(edges)
    init_node(ctx)
    ctx._nout = len(out)
    nondiff = cls._nondiff_out
    # a non-differentiable output (indices) is handed out as a copy: backward reads the node's own
    # array, so changing the returned indices in place cannot change the gradient
    res = tuple(make(o, ctx, i) if (o.dtype.kind == "f" or is_float_np(o.dtype)) and i not in nondiff
                else make(o.copy(), None, i)
                for i, o in enumerate(out))
    if ctx._saved:
        saved = ctx._saved
        if cls._saved_for is not None:
            saved = _prune(saved, cls, ctx._edges)
        ctx._saved = _pack(saved, args, arrays, out, res)
    if cls._broadcast:
        ctx._meta = _broadcast_meta(args, res[0]._data)
    return res


_GENERAL_APPLY = Function.__dict__["apply"]
_apply_builtin = _GENERAL_APPLY.__func__  # (an op class may override ``apply``: the base one here)
_OPS = {}  # built-in op class -> (node class, forward, _promote, _view, _broadcast, _drop_slots or None), on first apply


# ---------------------------------------------------------------------------------------------- specialised apply
# The first call of a built-in op replaces its ``apply`` with one written for that op alone (``_specialise``): the
# op's attributes (how many arguments, promotion, view, broadcast, pruned saved slots) are decided once here, in
# the source text generated below, instead of at every call by the general ``apply`` above. The generated
# function computes exactly what the general one does (it is the same code with the branches of one op kept);
# any other call (another number of arguments, keyword arguments, an extra feature on, a subclass of the op)
# goes to the general ``apply``. ``_specialised_source(cls)`` shows the text for an op.
#
# Its signature names the arguments (``apply(cls, a0, a1, *rest)``: no argument tuple to build and unpack, no
# keyword dict - built-in ops take positional arguments only). A view op or an op marked ``_fp_safe`` (whose
# forward cannot set a floating-point flag, whatever the input: tanh) runs without switching NumPy's error state
# (a context-variable set and reset, ~1,500 instructions); the caller's own ``np.seterr`` state is not touched
# either way.
_NA: Any = type("_NoArgument", (), {"__repr__": lambda self: "<no argument>"})()  # an argument left out
def _forward_failed(cls, args, arrays, exc, broadcast):
    """A built-in's forward raised ``exc`` (a NumPy ValueError/TypeError): torch's error where there is one."""
    from .errors import check_arguments  # a list or str operand: torch's TypeError, not NumPy's message
    check_arguments(cls, args, exc)
    if broadcast and isinstance(exc, ValueError):  # shapes that do not broadcast: torch's error
        from .._shape import broadcast_shapes
        broadcast_shapes(*(a.shape for a in arrays if isinstance(a, _ndarray)))


def _arity(cls):
    """How many arguments the op's forward requires (after ctx); None when it takes ``*args``/keywords only."""
    try:
        params = list(inspect.signature(cls.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return None
    n = 0
    for p in params:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            if p.kind == p.VAR_POSITIONAL:
                return None
            continue
        if p.default is not p.empty:
            break
        n += 1
    return n if 1 <= n <= 4 else None


def _specialised_source(cls):
    """The text of ``cls``'s own ``apply`` (see above), or None for an op the general ``apply`` keeps."""
    n = _arity(cls)
    if n is None:
        return None
    promote, view, broadcast = cls._promote, cls._view, cls._broadcast
    fp_safe = view or cls._fp_safe
    names = [f"a{i}" for i in range(n)]
    data = [f"d{i}" for i in range(n)]
    args = "(" + ", ".join(names) + ("," if n == 1 else "") + ")"
    L = [f"def apply({', '.join(a + '=_NA' for a in names)}, *rest):",
         f"    if _extras or rest or {names[-1]} is _NA:  # (a call the general apply takes)",
         f"        return _apply_builtin(cls, *(a for a in {args} if a is not _NA), *rest)"]
    add = L.append
    add("    record = state.enabled")
    if n == 1:
        add("    try:")
        add("        d0 = a0._data")
        add("    except AttributeError:")
        add(f"        raise TypeError(\"{cls.__name__.lower()}(): argument 'input' (position 1) must be Tensor, not \""
            " + type(a0).__name__) from None")
        add("    req = record and a0._req")
        arrays = "[d0]"
    else:
        add("    req = False")
        for a, d, i in zip(names, data, range(n)):
            add(f"    e{i} = None")
            add(f"    if isinstance({a}, T):")
            add(f"        {d} = {a}._data")
            add("        if record:")
            add(f"            fn = {a}.grad_fn")
            add("            if fn is not None:")
            add(f"                e{i} = (fn, {a}._nr)")
            add("                req = True")
            add(f"            elif {a}._req:")
            add(f"                e{i} = _edge({a})")
            add("                req = True")
            add("            else:")
            add(f"                e{i} = _NO_EDGE")
            add("    else:")
            add(f"        {d} = {a}")
        arrays = "[" + ", ".join(data) + "]"
    if promote is not None:  # (the general apply's inline test, then _promote)
        if n == 1:
            add(f"    d0, = _promote([d0], {promote!r})")
        else:
            add(f"    if type(d0) is not _ndarray or d0.dtype.kind != 'f' or not (type(d1) is float or type(d1) is int"
                " or type(d1) is _ndarray and d1.dtype == d0.dtype):")
            add(f"        {', '.join(data)} = _promote({arrays}, {promote!r})")
    node = cls._node_cls
    plain_init = node.__init__ is object.__init__ and node.__new__ is object.__new__
    add("    ctx = NODE()" if plain_init else "    ctx = _new(NODE)")  # (NODE() costs less than object.__new__)
    add("    ctx._saved = ()")
    if not fp_safe:
        add("    fp = _fp_set(_FP_QUIET)")
    add("    try:")
    add(f"        out = FORWARD(ctx, {', '.join(data)})")
    add("    except (ValueError, TypeError) as exc:")
    add(f"        _forward_failed(cls, {args}, {arrays}, exc, {broadcast})")
    add("        raise")
    if not fp_safe:
        add("    finally:")
        add("        fp_restore(fp)")
    edges = "None" if n == 1 else "(" + ", ".join(f"e{i}" for i in range(n)) + ")"
    add("    if type(out) is tuple:")
    add(f"        return _outputs(cls, ctx, {args}, {arrays}, out, {edges}, req)")
    add("    res = _new(T)")
    add("    res._data = data = out if type(out) is _ndarray else np.asarray(out)")
    add("    res._grad = res._v = res._acc = res._x = None")
    add("    res._nr = 0")
    if view:
        add("    if np.may_share_memory(data, d0):")
        add("        res._v = a0._v or a0._vc")  # (the property only when the input has no counter yet)
    add("    if not req or (data.dtype.kind != 'f' and not is_float_np(data.dtype)):")
    add("        res.grad_fn = None")
    add("        res._req = False")
    add("        if _inference and state.inference:")
    add(f"            _mark_inference(cls, {args}, (res,))")
    add("        return res")
    add("    res.grad_fn = ctx")
    add("    res._req = True")
    if n == 1:
        add("    fn = a0.grad_fn")
        add("    ctx._edges = edges = ((fn, a0._nr),) if fn is not None else (_edge(a0),)")
    else:
        add(f"    ctx._edges = edges = {edges}")
    add("    ctx._meta = None")
    add("    ctx._general = False")
    add("    ctx._nout = 0")
    add("    ctx._seq = _next_seq()")
    add("    saved = ctx._saved")
    add("    if saved:")
    add("        if len(saved) == 1 and saved[0] is out:  # the op saves its result")
    add("            vc = res._v")
    add("            if vc is None:")
    add("                res._v = vc = [0]")
    add("                ctx._saved = (_tuple_new(_Saved, (out, None, 0, vc, 0)),)")
    add("            else:")
    add("                ctx._saved = (_tuple_new(_Saved, (out, None, 0, vc, vc[0])),)")
    add("        else:")
    if cls._saved_for is not None:  # which slots no input needing a gradient reads: dropped (_prune)
        add("            mask = " + " | ".join(
            f"(e{i} is not None and e{i}[0] is not None) << {i}" if n > 1 else "(edges[0][0] is not None)"
            for i in range(n)))
        add("            drop = DROPS.get(mask)")
        add("            if drop is None:")
        add("                saved = _prune(saved, cls, edges)")
        add("            elif drop:")
        add("                saved = list(saved)")
        add("                k = len(saved)")
        add("                for i in drop:")
        add("                    if i < k:")
        add("                        saved[i] = None")
        add("                saved = tuple(saved)")
    add("            for x in saved:")
    add("                if x is not None and type(x) is not float and type(x) is not int:")
    add(f"                    ctx._saved = _pack(saved, {args}, {arrays}, (out,), res)")
    add("                    break")
    add("            else:")
    add("                ctx._saved = saved")
    if broadcast:  # metadata only where an input differs from the result in shape or dtype
        add("    shape, dtype = data.shape, data.dtype")
        for a in names:
            cond = f"{a}._data.shape != shape or {a}._data.dtype != dtype"
            add(f"    if {cond if n == 1 else f'isinstance({a}, T) and ({cond})'}:")
            add(f"        ctx._meta = _broadcast_meta({args}, data)")
            add("        return res")
    add("    return res")
    return "\n".join(L) + "\n"


def _specialise(cls):
    """Make and install ``cls``'s own ``apply`` (see above); return it, or None where the general one stays.

    It is a static method (the op is a constant of its closure: no bound method made per call); so that a
    subclass of the op never runs it, every subclass without an ``apply`` of its own gets the general one back
    in its own namespace, now and when it is made later (``Function.__init_subclass__``)."""
    own = cls.__dict__.get("apply")
    if own is None and getattr(cls.apply, "__func__", None) is not _apply_builtin or \
            own is not None and own is not _GENERAL_APPLY:
        return None  # (an op that defines its own apply, or inherits one)
    src = _specialised_source(cls)
    if src is None:
        return None
    # the op's constants are the closure of a factory run in this module's namespace, so the generated function
    # reads ``_extras`` and the helpers from this module as the general apply does
    factory = "def factory(OP, NODE, FORWARD, T, DROPS):\n    cls = OP\n" + "".join(
        "    " + line + "\n" for line in src.splitlines()) + "    return apply\n"
    ns: dict = {}
    # (its file name lies inside the package, so that frame walks looking for the user's line skip it: errors.py)
    where = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"<apply of {cls.__qualname__}>")
    exec(compile(factory, where, "exec"), globals(), ns)
    fn = ns["factory"](cls, cls._node_cls, cls.forward, Tensor,
                       None if cls._saved_for is None else cls._drop_slots)
    fn._specialised = True
    fn.__qualname__ = f"{cls.__qualname__}.apply"
    fn.__doc__ = Function.apply.__doc__
    stack = list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        stack.extend(sub.__subclasses__())
        if "apply" not in sub.__dict__:
            type.__setattr__(sub, "apply", _GENERAL_APPLY)
    type.__setattr__(cls, "apply", staticmethod(fn))
    return fn


def _is_in(x, seq):
    return any(x is s for s in seq)


def _promote(arrays, mode):
    """Cast array arguments in place to torch's result dtype (Python scalars stay weak, as NumPy treats them)."""
    a0 = arrays[0]
    if len(arrays) > 1 and type(a0) is np.ndarray:  # the common cases first: nothing to do
        a1 = arrays[1]
        t1 = type(a1)
        if t1 is np.ndarray:
            if a0.dtype == a1.dtype and (mode == "same" or a0.dtype.kind == "f"):
                return arrays
        elif (t1 is float or t1 is int) and a0.dtype.kind == "f":
            return arrays
    for i, a in enumerate(arrays[:2]):
        if isinstance(a, np.generic):  # a NumPy scalar counts as a Python number, as in torch (x * np.float64(2))
            arrays[i] = a.item()
        elif a is not None and not isinstance(a, (np.ndarray, bool, int, float)):
            # a list or tuple would broadcast through NumPy; torch refuses it
            raise TypeError(f"argument '{'input' if i == 0 else 'other'}' (position {i + 1}) must be Tensor or a "
                            f"number, not {type(a).__name__}: wrap it with npgrad.tensor(...)")
    a0 = arrays[0]
    if len(arrays) >= 2:
        a1 = arrays[1]
        t0, t1 = type(a0) is np.ndarray, type(a1) is np.ndarray
        if t0 and t1 and a0.dtype == a1.dtype:
            rt = a0.dtype
        elif t0 and not t1 and a0.dtype.kind == "f" and isinstance(a1, (float, int)):
            rt = a0.dtype
        else:
            rt = result_np(arrays[:2])
    else:
        rt = result_np(arrays)
    if mode == "float" and not is_float_np(rt):
        rt = get_default_dtype().np
    for i, a in enumerate(arrays[:2]):
        if type(a) is np.ndarray:
            if a.dtype != rt:
                arrays[i] = a.astype(rt)
    return arrays


def _prune(saved, cls, edges):
    """Keep a saved slot only if an input whose formula reads it needs a gradient (None in its place), as torch
    saves per formula: ``x * 2`` saves no ``x``, so changing ``x`` in place afterwards does not break backward.
    Which slots go depends only on which inputs need a gradient: worked out once per op and pattern."""
    mask = 0
    bit = 1
    for e in edges:
        if e is not None and e[0] is not None:
            mask |= bit
        bit <<= 1
    drop = cls._drop_slots.get(mask)
    if drop is None:
        drop = cls._drop_slots[mask] = tuple(
            k for k, users in enumerate(cls._saved_for)
            if users is not None and not any(mask >> i & 1 for i in users))
    if not drop:
        return saved
    out = list(saved)
    n = len(out)
    for k in drop:
        if k < n:
            out[k] = None
    return tuple(out)


def _broadcast_meta(args, out):
    meta = None
    shape, dtype = out.shape, out.dtype
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            d = a._data
            if d.shape != shape or d.dtype != dtype:
                if meta is None:
                    meta = [None] * len(args)
                meta[i] = (d.shape, d.dtype)
    return meta


def _pack(saved, args, arrays, outs, res):
    """Record where each saved array came from, so backward can check versions and rebuild Tensors."""
    packed = []
    T = Tensor
    single = type(res) is not tuple
    for x in saved:
        # the common cases first: nothing (a pruned slot), a number, our own (single) output, an input's array
        if x is None or type(x) is float or type(x) is int:
            packed.append(x)
            continue
        if single and x is outs[0]:
            vc = res._vc
            packed.append(_tuple_new(_Saved, (x, None, 0, vc, vc[0])))
            continue
        i = 0
        for arr in arrays:
            if arr is x:
                break
            i += 1
        else:
            i = -1
        if i >= 0:
            a = args[i]
            if type(a) is not T and not isinstance(a, T):
                packed.append(x)  # a number or other plain argument
                continue
            ax = a._x
            if ax is None or not ax.get("inference"):
                vc = a._v or a._vc  # (made under the lock if the input has none yet)
                packed.append(_tuple_new(_Saved, (x, a, -1, vc, vc[0])))
                continue
        if type(x) is np.ndarray or isinstance(x, np.generic):
            data = x
        elif isinstance(x, T):
            data = x._data
        else:
            packed.append(x)
            continue
        for a, arr in zip(args, arrays):
            if (arr is data or a is x) and isinstance(a, T) or isinstance(a, T) and a._data is data:
                if a._x is not None and a._x.get("inference"):
                    raise RuntimeError(_INFERENCE_SAVE)
                vc = a._vc
                packed.append(_tuple_new(_Saved, (data, a, -1, vc, vc[0])))
                break
        else:
            for k, o in enumerate(outs):
                if o is data:
                    vc = (res[k] if type(res) is tuple else res)._vc
                    packed.append(_tuple_new(_Saved, (data, None, k, vc, vc[0])))
                    break
            else:
                # a Tensor made inside forward, or an array computed there (a mask): kept as it is
                packed.append(_Saved(data, x, -1, x._vc) if isinstance(x, T) else _Saved(data, None, -1, None))
    return tuple(packed)


# ---------------------------------------------------------------------------------------------- user Functions
def _bind_inputs(cls, args, kwargs, with_ctx):
    """Keyword arguments count as inputs (one gradient each), in the order of ``forward``'s signature."""
    params = list(inspect.signature(cls.forward).parameters.values())
    if with_ctx:
        params = params[1:]
    bound = inspect.Signature(params).bind(*args, **kwargs)
    return tuple(bound.arguments[p.name] for p in params if p.name in bound.arguments
                 and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)) + \
        tuple(v for p in params if p.kind == p.VAR_POSITIONAL for v in bound.arguments.get(p.name, ())) + \
        tuple(v for p in params if p.kind == p.VAR_KEYWORD for v in bound.arguments.get(p.name, {}).values())


def _apply_custom(cls, args, kwargs, want_ctx=False):
    """A user Function: forward on Tensors with grad mode off, outputs then wired to the new node."""
    T = Tensor
    custom_setup = cls.setup_context is not Function.setup_context
    inputs = _bind_inputs(cls, args, kwargs, not custom_setup) if kwargs else args
    req = state.enabled and any(isinstance(a, T) and a._req for a in inputs)
    ctx = cls._node_cls.__new__(cls._node_cls)
    init_node(ctx)
    ctx._saved = ()
    ctx._dirty = ctx._nondiff = ()
    ctx._materialize = True
    ctx._nout = 0
    ctx._edges = tuple((_edge(a) if req else (None, 0)) if isinstance(a, T) else None for a in inputs)
    ctx._seq = _next_seq()  # numbered after its edges' nodes (see graph.next_seq)
    with no_grad():
        if custom_setup:
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, inputs, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    for i, s in enumerate(ctx._saved):
        if s is not None and not isinstance(s, T):
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                            f"{type(s).__name__}")
    for d in ctx._dirty:
        if not _is_in(d, inputs):
            raise RuntimeError("Some elements marked as dirty during the forward method were not passed as "
                               "input to the forward method. Only inputs can be marked as dirty.")
        if req and d._req and d.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        with version_lock:
            d._vc[0] += 1
    single = type(out) is not tuple
    outs = (out,) if single else out
    if not req:
        if _inference and state.inference:
            _mark_inference(cls, args, outs)
        return (out, ctx) if want_ctx else out
    ctx._nout = 0 if single else len(outs)
    ctx._meta = [(a._data.shape, a._data.dtype) if isinstance(a, T) else None for a in inputs]
    wired = []
    for i, o in enumerate(outs):
        if not isinstance(o, T):
            wired.append(o)
            continue
        dirty = _is_in(o, ctx._dirty)
        src = None
        if _is_in(o, inputs) and not dirty:
            src = o
            o = make(o._data, None, 0, o._vc)  # an input returned as is: a new tensor viewing it
        if _is_in(o, ctx._nondiff) or not is_float_np(o._data.dtype):
            if not dirty:
                o._req = False
            wired.append(o)
            continue
        o.grad_fn = ctx
        o._req = True
        o._nr = i
        if src is not None or not dirty and o._x and "ngview" in o._x:  # (correctness helper: ops/shape.py)
            from ..ops.shape import mark_custom_view  # a view made in forward: no in-place write, as in torch
            mark_custom_view(o, src, type(ctx).__name__, i)
        wired.append(o)
    if not single:
        ctx._outmeta = [(o._data.shape, o._data.dtype) if isinstance(o, T) else None for o in wired]
    if ctx._saved:
        ctx._saved = _pack_custom(ctx._saved, inputs, wired)
    res = wired[0] if single else tuple(wired)
    return (res, ctx) if want_ctx else res


def _pack_custom(saved, inputs, outs):
    """As ``_pack``, matching by identity only: a user may save a detached alias of an input on purpose."""
    packed = []
    for x in saved:
        if x is None:
            packed.append(None)
        elif _is_in(x, inputs):
            if x._x is not None and x._x.get("inference"):
                raise RuntimeError(_INFERENCE_SAVE)
            packed.append(_Saved(x._data, x, -1, x._vc))
        else:
            for k, o in enumerate(outs):
                if o is x and isinstance(o, Tensor) and o.grad_fn is not None:
                    packed.append(_Saved(x._data, None, k, x._vc))
                    break
            else:
                packed.append(_Saved(x._data, x, -1, x._vc))
    return tuple(packed)


class _OnceError(Function):
    """What ``once_differentiable`` puts after a backward's results when they would need a graph."""
    _builtin = True
    _node_name = "Error"
    _node_methods = {"name": lambda self: "torch::autograd::Error"}

    @staticmethod
    def forward(ctx, *args):  # the gradients that need a graph (its edges), then the result's array
        return args[-1]

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


_F = TypeVar("_F", bound=Callable[..., Any])


def once_differentiable(fn: _F) -> _F:
    """Mark a custom ``backward`` as not differentiable again: it runs with grad mode off, and differentiating
    its result (under ``create_graph``) raises, as in torch.

    Example::

        >>> import npgrad as torch
        >>> from npgrad.autograd.function import once_differentiable
        >>> class Cube(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     @once_differentiable
        ...     def backward(ctx, grad):
        ...         x, = ctx.saved_tensors
        ...         return 3 * x ** 2 * grad
        >>> x = torch.tensor([2.0], requires_grad=True)
        >>> g, = torch.autograd.grad(Cube.apply(x), x, create_graph=True)
        >>> g, g.requires_grad
        (tensor([12.]), False)
        >>> g.backward()
        Traceback (most recent call last):
            ...
        RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn...
    """

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not state.enabled:
            return outputs
        needing = [a for a in args if isinstance(a, Tensor) and a._req]
        if not needing:
            return outputs
        single = type(outputs) is not tuple
        outs = (outputs,) if single else outputs
        wrapped = tuple(_OnceError.apply(*needing, o._data) if isinstance(o, Tensor) else o for o in outs)
        return wrapped[0] if single else wrapped
    return wrapper  # type: ignore[return-value]  # functools.wraps keeps fn's signature, which mypy cannot see


class InplaceFunction(Function):
    """Kept for old code: a ``Function`` with an ``inplace`` flag."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace


class NestedIOFunction(Function):
    """Legacy base class; use ``Function`` with static methods instead."""


def dispatch(cls, *args):
    """Use op ``cls`` inside a backward formula: run its forward on arrays (plain backward), or record it
    on Tensors (``create_graph``), so the formula stays differentiable without a second copy."""
    for a in args:
        if isinstance(a, Tensor):
            return cls.apply(*args)
    fp = fp_quiet()
    try:
        return cls.forward(cls._node_cls.__new__(cls._node_cls), *args)
    finally:
        fp_restore(fp)


# ---------------------------------------------------------------------------------------------- extras
_extras = 0  # how many rarely used features are active now; ``apply`` tests it first


extras_lock = threading.RLock()  # one count for all threads: a feature's test-and-switch happens under it


def extras_on():
    """A rarely used feature became active: every ``Function.apply`` goes through ``_apply_extras`` from now on."""
    global _extras
    with extras_lock:
        _extras += 1


def extras_off():
    global _extras
    with extras_lock:
        _extras = max(_extras - 1, 0)

# Inference mode is not an extra: ``apply`` marks what it makes under ``inference_mode`` as inference tensors on its
# no-graph return (``_mark_inference``), testing ``_inference`` (grad_mode.inference_blocks: one entry per active
# ``inference_mode`` block in any thread; a module global, free when empty) before this thread's
# ``state.inference``.


_op_observer = None  # set by npgrad.profiler while a profile records: it times each call around the real apply
_op_recorder = None  # set by npgrad.compiler while it captures a call: it records each call around the real apply
_autocast_step = None  # [autocast] set by npgrad.amp.autocast_mode when CPU autocast first turns on: casts an op's args


def _apply_extras(cls, *args, **kwargs):
    """``apply`` while anomaly detection, saved-tensor hooks, forward AD, inference mode, a profiler, a
    compiler capture or CPU autocast is on. ``apply`` finds it by name at each call, so a feature may wrap it (source
    tracking does, npgrad/autograd/errors.py); the profiler and the compiler hook in through ``_op_observer`` and
    ``_op_recorder`` instead, autocast through ``_autocast_step``."""
    if _autocast_step is not None:  # [autocast] the op's inputs cast as torch's CPU autocast casts them
        args, kwargs = _autocast_step(cls, args, kwargs)
    if _op_recorder is not None:
        return _op_recorder(cls, args, kwargs, _apply_observed)
    return _apply_observed(cls, args, kwargs)


def _apply_observed(cls, args, kwargs):
    if _op_observer is not None:
        return _op_observer(cls, args, kwargs, _apply_unobserved)
    return _apply_unobserved(cls, args, kwargs)


_forward_ad = _anomaly_mode = None  # the modules, imported on the first call (they import this one)


def _apply_unobserved(cls, args, kwargs):
    global _forward_ad, _anomaly_mode
    forward_ad, anomaly_mode = _forward_ad, _anomaly_mode
    if forward_ad is None:  # (an import statement per call cost ~1 us: W10 runs every op through here)
        from . import forward_ad, anomaly_mode
        _forward_ad, _anomaly_mode = forward_ad, anomaly_mode
    if forward_ad._active() and not state.inference:
        res = forward_ad._apply_dual(cls, args, kwargs)
    else:
        res = _plain_apply(cls, args, kwargs)
    outs = res if type(res) is tuple else (res,)
    node = None
    for o in outs:
        if isinstance(o, Tensor) and type(o.grad_fn) is cls._node_cls:
            node = o.grad_fn
            break
    if node is not None:  # the node this call just made
        if anomaly_mode._enabled:
            node.metadata["traceback_"] = anomaly_mode.user_stack()
        hooks = _saved_hooks_stack()  # this thread's, as in torch
        if hooks and node._saved and not forward_ad._busy:  # not a JVP's own bookkeeping
            node._saved = _hook_saved(node, node._saved, outs, hooks[-1])
    if state.inference:
        _mark_inference(cls, args, outs)
    return res


def _plain_apply(cls, args, kwargs):
    """``apply`` without any extras (never re-enters ``_apply_extras``; ops its forward calls still go there)."""
    if cls._builtin:
        return _apply_builtin(cls, *args, _plain=True, **kwargs)
    return _apply_custom(cls, args, kwargs)


def _mark_inference(cls, args, outs):
    """Tensors computed in inference mode are inference tensors (a view of a normal tensor stays normal)."""
    first = args[0] if args else None
    if cls._view and isinstance(first, Tensor) and not (first._x and first._x.get("inference")):
        return
    for o in outs:
        if isinstance(o, Tensor):
            for a in args:
                if o is a:  # an input handed back (an in-place op): it keeps what it was
                    break
            else:
                if o._x is None:
                    o._x = {}
                o._x["inference"] = True


def _hook_saved(node, saved, outs, hooks):
    """Run ``pack_hook`` on every tensor just saved; ``saved_tensors`` will call ``unpack_hook``."""
    pack, unpack = hooks
    packed = []
    for entry in saved:
        if type(entry) is not _Saved:
            packed.append(entry)
            continue
        h = _Hooked()
        h.unpack_hook = unpack
        h.output_nr = entry.output_nr
        h.grad_fn = h.nr = h.acc = None
        h.req = False
        if entry.tensor is not None:
            t = entry.tensor
            h.grad_fn, h.nr, h.req = t.grad_fn, t._nr, t._req
            if t._req and t.grad_fn is None:
                h.acc = t._acc  # a weak reference to the leaf's AccumulateGrad, which the node's edges hold
        elif entry.output_nr >= 0:
            t = outs[entry.output_nr]
        else:
            t = make(entry.data)
        version = t._vc[0]
        h.packed = pack(t)
        if t._vc[0] != version:
            raise RuntimeError("A saved tensor pack hook is modifying its input in place. Tensors provided as "
                               "input to pack hook cannot be modified by in-place operations as this can lead "
                               "to unexpected side-effects. Please open an issue if you need to perform in-place "
                               "operations on the input to a pack hook.")
        packed.append(h)
    return tuple(packed)
