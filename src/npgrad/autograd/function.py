"""``Function``: the one mechanism every op goes through, built-in or user-defined.

A ``Function`` subclass pairs ``forward`` with ``backward``. Subclassing creates the node class (``Mul`` gives
``MulBackward0`` for built-ins, ``MyFn`` gives ``MyFnBackward`` for user Functions); an instance of it is both
the ``ctx`` that ``forward`` fills and the ``grad_fn`` of the outputs.

Built-in ops (``_builtin = True``) run ``forward`` on ndarrays and write ``backward`` once, with operators and
NumPy functions. The engine runs that formula on ndarrays for a plain backward (fast), and on Tensors under
``create_graph`` (``Tensor.__array_ufunc__`` turns ``np.exp(t)`` into a recorded op), so higher-order
gradients come from the same formula. ``ctx.saved_tensors`` hands the formula arrays or Tensors to match.
User Functions get Tensors in both passes, as in torch.
"""
import numpy as np

from .._dtype import result_np, get_default_dtype
from .graph import Node, AccumulateGrad, init_node
from .grad_mode import state, no_grad

__all__ = ["Function", "FunctionCtx", "BackwardNode", "once_differentiable"]

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
          "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
          "or if you need to access saved tensors after calling backward.")

Tensor = None  # bound by npgrad._tensor once the class exists (the two modules need each other)
make = None


class BackwardNode(Node):
    """The node (and ``ctx``) of one call of a ``Function``."""
    __slots__ = ("_dirty", "_nondiff", "_materialize")
    _fn = None

    # --- ctx API used inside forward -------------------------------------------------------------
    def save_for_backward(self, *tensors):
        self._saved = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._nondiff = tensors

    def set_materialize_grads(self, value):
        self._materialize = bool(value)

    @property
    def needs_input_grad(self):
        return tuple(e is not None and e[0] is not None for e in self._edges)

    @property
    def saved_tensors(self):
        """What ``forward`` saved: arrays in a plain built-in backward, Tensors otherwise."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        arrays = self._fn._builtin and not state.create
        out = []
        for entry in saved:
            if type(entry) is not _Saved:
                out.append(entry)
                continue
            if entry.vc is not None and entry.vc[0] != entry.version:
                _version_error(entry, self)
            if arrays:
                out.append(entry.data)
            elif entry.tensor is not None:
                out.append(entry.tensor)
            elif entry.output_nr >= 0:  # our own output: rebuilt on demand so the node never holds it
                out.append(make(entry.data, self, entry.output_nr, entry.vc))
            else:
                out.append(make(entry.data))
        return tuple(out)

    saved_variables = saved_tensors

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
            else:
                raise RuntimeError(f"function {type(self).__name__} returned an incorrect number of gradients "
                                   f"(expected {n}, got {len(res)})")
        meta = self._meta
        if meta is not None:
            res = list(res)
            for i, m in enumerate(meta):
                g = res[i]
                if m is not None and g is not None:
                    res[i] = _fit_grad(g, m, self, i)
        if not create and not fn._builtin:
            res = [r._data if isinstance(r, Tensor) else r for r in res]
        return res


class FunctionCtx:
    """Kept for code that type-checks ``ctx``; nodes are the contexts."""


def _version_error(entry, node):
    t = entry.tensor
    shape = list(entry.data.shape)
    kind = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor"}.get(
        entry.data.dtype.name, "Tensor")
    where = ""
    if t is not None and t.grad_fn is not None:
        where = f", which is output {t._nr} of {t.grad_fn.name()},"
    elif entry.output_nr >= 0:
        where = f", which is output {entry.output_nr} of {node.name()},"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[torch.{kind} {shape}]{where} is at version {entry.vc[0]}; expected version {entry.version} instead. "
        "Hint: the backtrace further above can show the operation that failed to compute its gradient; "
        "it was modified in place after being saved for backward (use .clone() before the in-place op, "
        "or do the in-place op out of place).")


def _fit_grad(g, meta, node, i):
    """Reduce a broadcast gradient to the input's shape and cast it to the input's dtype."""
    shape, dtype = meta
    if g.shape != shape:
        from .._shape import sum_to
        try:
            g = sum_to(g, shape)
        except ValueError:
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                               f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
    if g.dtype != dtype:
        g = g.astype(dtype) if type(g) is np.ndarray else g.to(dtype)
    return g


class _Saved:
    """One saved value: the array, where it came from (input tensor / own output) and its version then."""
    __slots__ = ("data", "tensor", "output_nr", "vc", "version")

    def __init__(self, data, tensor, output_nr, vc):
        self.data = data
        self.tensor = tensor
        self.output_nr = output_nr
        self.vc = vc
        self.version = vc[0] if vc is not None else 0


def _edge(t):
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._nr)
    if t._req:
        acc = t._acc() if t._acc is not None else None
        if acc is None:
            import weakref
            acc = AccumulateGrad(t)
            t._acc = weakref.ref(acc)
        return (acc, 0)
    return (None, 0)


class Function:
    """Base of every op. Subclass with static ``forward(ctx, ...)`` and ``backward(ctx, *grads)``; call ``apply``.

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
    _promote = None        # None, "same" (torch's type promotion) or "float" (promote, then at least float)
    _broadcast = False     # inputs may broadcast or be promoted: the engine reduces/casts their gradients
    _view = False          # output shares the input's storage and version counter
    _ctx_fields = ()       # extra attributes a built-in's forward stores on ctx
    _node_name = None      # grad_fn name, when torch's is not the class name + "Backward0"
    _nondiff_out = ()      # indices of a built-in's outputs that never require grad (e.g. argmax indices)
    _node_cls = BackwardNode

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        builtin = cls.__dict__.get("_builtin", cls._builtin)
        name = cls.__dict__.get("_node_name") or cls.__name__ + ("Backward0" if builtin else "Backward")
        body = {"_fn": cls, "__module__": cls.__module__, "__qualname__": name}
        if builtin:
            body["__slots__"] = tuple(cls._ctx_fields)
        cls._node_cls = type(name, (BackwardNode,), body)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        if not cls._builtin:
            return _apply_custom(cls, args, kwargs)
        T = Tensor
        req = False
        arrays = []
        for a in args:
            if isinstance(a, T):
                arrays.append(a._data)
                if a._req:
                    req = True
            else:
                arrays.append(a)
        if cls._promote is not None:
            _promote(arrays, cls._promote)
        ctx = cls._node_cls.__new__(cls._node_cls)
        ctx._saved = ()
        try:
            out = cls.forward(ctx, *arrays)
        except ValueError as e:  # NumPy's words -> torch's class and words (zero cost unless raised)
            raise _translate_error(e, arrays) from None
        if not (req and state.enabled):
            if type(out) is tuple:
                return tuple(make(o) for o in out)
            if cls._view and np.may_share_memory(out, arrays[0]):
                return make(out, None, 0, args[0]._vc)
            return make(out)
        init_node(ctx)
        ctx._edges = tuple(_edge(a) if isinstance(a, T) else None for a in args)
        if type(out) is tuple:
            ctx._nout = len(out)
            nondiff = cls._nondiff_out
            res = tuple(make(o, ctx if o.dtype.kind == "f" and i not in nondiff else None, i)
                        for i, o in enumerate(out))
            outs = out
        else:
            ctx._nout = 0
            if out.dtype.kind != "f":
                return make(out)
            res = make(out, ctx, 0)
            if cls._view and np.may_share_memory(out, arrays[0]):
                res._vc = args[0]._vc
            outs = (out,)
        if ctx._saved:
            ctx._saved = _pack(ctx._saved, args, arrays, outs, res)
        if cls._broadcast:
            ctx._meta = _broadcast_meta(args, outs[0])
        return res


def _translate_error(e, arrays):
    if "broadcast" in str(e):
        from .._shape import broadcast_shapes
        try:
            broadcast_shapes(*(np.shape(a) for a in arrays if isinstance(a, np.ndarray)))
        except RuntimeError as r:
            return r
    return RuntimeError(str(e))


def _is_in(x, seq):
    return any(x is s for s in seq)


def _promote(arrays, mode):
    """Cast array arguments in place to torch's result dtype (Python scalars stay weak, as NumPy treats them)."""
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
    if mode == "float" and rt.kind != "f":
        rt = get_default_dtype().np
    for i, a in enumerate(arrays[:2]):
        if type(a) is np.ndarray:
            if a.dtype != rt:
                arrays[i] = a.astype(rt)
    return arrays


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
    for x in saved:
        if x is None or not isinstance(x, (np.ndarray, np.generic, Tensor)):
            packed.append(x)
            continue
        data = x._data if isinstance(x, Tensor) else x
        entry = None
        for a, arr in zip(args, arrays):
            if isinstance(a, Tensor) and (a is x or arr is data or a._data is data):
                entry = _Saved(data, a, -1, a._vc)
                break
        if entry is None:
            for k, o in enumerate(outs):
                if o is data:
                    r = res[k] if type(res) is tuple else res
                    entry = _Saved(data, None, k, r._vc)
                    break
        if entry is None:
            # a Tensor made inside forward, or an array computed there (a mask): kept as it is
            entry = _Saved(data, x, -1, x._vc) if isinstance(x, Tensor) else _Saved(data, None, -1, None)
        packed.append(entry)
    return tuple(packed)


def _apply_custom(cls, args, kwargs):
    """A user Function: forward on Tensors with grad mode off, outputs then wired to the new node."""
    T = Tensor
    custom_setup = cls.setup_context is not Function.setup_context
    req = state.enabled and any(isinstance(a, T) and a._req for a in args)
    ctx = cls._node_cls.__new__(cls._node_cls)
    init_node(ctx)
    ctx._saved = ()
    ctx._dirty = ctx._nondiff = ()
    ctx._materialize = True
    with no_grad():
        if custom_setup:
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    single = not isinstance(out, tuple)
    outs = (out,) if single else out
    if not req:
        return out
    ctx._edges = tuple(_edge(a) if isinstance(a, T) else None for a in args)
    ctx._nout = 0 if single else len(outs)
    ctx._meta = [(a._data.shape, a._data.dtype) if isinstance(a, T) else None for a in args]
    wired = []
    for i, o in enumerate(outs):
        if not isinstance(o, T):
            wired.append(o)
            continue
        if _is_in(o, ctx._nondiff) or o._data.dtype.kind != "f":
            o._req = False
            wired.append(o)
            continue
        if _is_in(o, args) and not _is_in(o, ctx._dirty):
            o = make(o._data, None, 0, o._vc)  # an input returned as is: a new tensor viewing it
        o.grad_fn = ctx
        o._req = True
        o._nr = i
        wired.append(o)
    if ctx._saved:
        ctx._saved = _pack(ctx._saved, args, [a._data if isinstance(a, T) else a for a in args],
                           tuple(o._data if isinstance(o, T) else None for o in wired),
                           wired[0] if single else tuple(wired))
    return wired[0] if single else tuple(wired)


def once_differentiable(fn):
    """Mark a custom ``backward`` as not differentiable again: it runs with grad mode off."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)
    return wrapper


def dispatch(cls, *args):
    """Use op ``cls`` inside a backward formula: run its forward on arrays (plain backward), or record it
    on Tensors (``create_graph``), so the formula stays differentiable without a second copy."""
    for a in args:
        if isinstance(a, Tensor):
            return cls.apply(*args)
    return cls.forward(cls._node_cls.__new__(cls._node_cls), *args)
