"""Capture: run a call eagerly once while recording every built-in ``Function`` application on a tape.

The recorder sits behind ``autograd.function._op_recorder``, which ``_apply_extras`` consults; ``extras_on()``
routes every ``Function.apply`` there while a capture runs, so the everyday path pays nothing. Besides ops it
records tensor creation (``npgrad.randn``, ``zeros``, ``tensor``, dropout's mask ...), which replay re-runs, and
in-place writes (``inplace.inplace``), which replay repeats with ``np.copyto``.

A tape is only trusted when it says everything the call did. So while capturing:

- every tensor ``make`` builds is noted as *born during capture*; an op argument that is neither a region input,
  nor an op's output, nor a tensor that existed before the capture (read by reference on replay) was made by
  something the recorder did not see (a comparison, ``.detach()``, NumPy) -> graph break;
- every known tensor's version is checked when it is read and at the end: an in-place write the recorder did not
  see -> graph break;
- turning a tensor into a Python value (``item``, ``bool``, ``float``, ``int``, ``tolist``, ``numpy``, printing),
  ``.data`` writes, hooks, ``backward``/``autograd.grad``, custom autograd Functions, array constants -> graph
  break.

A graph break never aborts the call: the capture *is* an eager run, so its result is right; the recorder just
stops trusting the tape and the guard key falls back to eager for good.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import sys
import threading
import types

import numpy as np

from .. import _tensor as _t
from .._tensor import Tensor
from ..autograd import function as _function
from ..autograd.function import _Saved, _promote, Function
from ..autograd.grad_mode import state as _grad_state

__all__ = ["Recorder", "Unsupported", "GraphBreak", "SymInt"]


class Unsupported(RuntimeError):
    """``fullgraph=True`` and the call cannot be captured whole (torch._dynamo.exc.Unsupported's role)."""


class Busy(Exception):
    """Internal: another thread is capturing (one capture at a time): this call runs eagerly, uncached."""


class GraphBreak(Exception):
    """Internal: raised to abort a capture in fullgraph mode (re-raised as ``Unsupported``)."""


class Slot:
    """A value on the tape: an array variable of the generated code and the slot its gradient goes to."""
    __slots__ = ("id", "kind", "index", "arr", "gid", "shape", "dtype", "req", "tensor")

    def __init__(self, sid, kind, index, tensor):
        self.id = sid
        self.kind = kind        # "in" (region input), "out" (outside tensor), "op" (made by a recorded op/creation)
        self.index = index      # position among inputs / outside tensors
        self.arr = f"v{sid}"
        self.gid = sid
        d = tensor._data
        self.shape, self.dtype, self.req = d.shape, d.dtype, tensor._req
        self.tensor = tensor


class Op:
    """One step of the tape."""
    __slots__ = ("kind", "cls", "fn", "args", "kwargs", "casts", "outs", "needs", "meta", "nout", "outmeta", "node",
                 "out_req", "saved", "dst", "src", "bump", "targs")
    # the slots set after construction, by kind (annotations only: no class attributes, so no clash with slots)
    cls: Any
    fn: Any
    args: Any
    kwargs: Any
    outs: Any
    out_req: Any
    dst: Any
    src: Any
    targs: Any
    casts: Any
    nout: Any
    outmeta: Any

    def __init__(self, kind):
        self.kind = kind        # "fn" (Function.apply), "create" (a creation function), "copy" (in-place write)
        self.needs = None
        self.meta = None
        self.saved = ()
        self.bump = None
        self.node = None


_local = threading.local()
_active = None            # the Recorder of the capture in progress (one at a time, any thread)
_lock = threading.Lock()

_CREATORS = ("tensor", "as_tensor", "asarray", "zeros", "ones", "full", "empty", "eye", "arange", "linspace",
             "logspace", "rand", "randn", "randint", "randperm", "normal", "zeros_like", "ones_like", "full_like",
             "empty_like", "rand_like", "randn_like", "randint_like", "scalar_tensor", "bernoulli", "multinomial")

_OPAQUE = ("__gt__", "__lt__", "__ge__", "__le__", "__eq__", "__ne__", "__invert__", "__and__", "__or__", "__xor__",
           "eq", "ne", "gt", "lt", "le", "ge", "greater", "less", "greater_equal", "less_equal", "not_equal",
           "logical_not", "logical_and", "logical_or", "logical_xor", "isnan", "isinf", "isfinite", "isclose",
           "argmax", "argmin", "argsort", "detach", "long", "int", "bool", "float", "double", "half", "to",
           "type_as", "all", "any", "one_hot")

_PY_RANDOM = ("random", "randint", "randrange", "choice", "choices", "uniform", "gauss", "normalvariate",
              "lognormvariate", "expovariate", "betavariate", "gammavariate", "triangular", "shuffle", "sample",
              "getrandbits", "randbytes", "vonmisesvariate", "paretovariate", "weibullvariate", "binomialvariate")
_NP_RANDOM = ("rand", "randn", "randint", "random", "random_sample", "ranf", "sample", "uniform", "normal",
              "standard_normal", "choice", "permutation", "shuffle", "binomial", "poisson", "exponential", "beta",
              "gamma", "bytes")

_BREAKERS = {  # Tensor methods that turn a tensor into something the tape cannot follow
    "item": "Tensor.item() (a tensor turned into a Python number)",
    "tolist": "Tensor.tolist() (a tensor turned into Python values)",
    "numpy": "Tensor.numpy() (a tensor turned into a NumPy array)",
    "__array__": "np.asarray(tensor) (a tensor turned into a NumPy array)",
    "__bool__": "bool(tensor) (data-dependent control flow, e.g. `if t > 0:`)",
    "__float__": "float(tensor) (a tensor turned into a Python number)",
    "__int__": "int(tensor) (a tensor turned into a Python number)",
    "__index__": "a tensor used as a Python index",
    "__complex__": "complex(tensor) (a tensor turned into a Python number)",
    "__repr__": "printing a tensor (repr)",
    "__str__": "printing a tensor (str)",
    "__format__": "formatting a tensor",
    "register_hook": "Tensor.register_hook during capture (hooks are not replayed)",
    "register_post_accumulate_grad_hook": "a post-accumulate-grad hook registered during capture",
    "retain_grad": "Tensor.retain_grad() during capture",
    "backward": "backward() inside the compiled region",
}


def _trampoline(name, params, call):
    """Code with ``params``' signature whose body calls ``_npgrad_hooks[name]``: assigned to a function's
    ``__code__`` while capturing, so every reference to that function (also ``from m import f`` copies) is hooked."""
    src = f"def {name}({params}):\n    return _npgrad_hooks[{name!r}]({call})\n"
    ns = {}
    exec(src, ns)
    return ns[name].__code__


def _clone(fn):
    return types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)


class Recorder:
    """Records one eager call. ``inputs``: the region's input tensors (flattened)."""

    def __init__(self, inputs: Sequence[Tensor], fullgraph: bool = False) -> None:
        self.tid = threading.get_ident()
        self.fullgraph = fullgraph
        self.slots = []
        self.ops = []
        self.tmap = {}          # id(tensor) -> Slot (tensors are kept alive in ``keep``: ids stay unique)
        self.amap = {}          # id(array) -> (Slot, array) for the arrays of known tensors
        self.ver = {}           # slot id -> expected version of its tensor
        self.keep = []
        self.born = set()
        self.born_keep = []
        self.outside = []
        self.modules = []       # modules called during capture (their attributes are guarded)
        self.broken: str | None = None
        self.attr_write = False   # the break is a module attribute assignment (runtime retries the capture)
        self.busy = 0
        self.dynamic = False    # sizes read from recorded tensors are SymInts (a size-generic program)
        self.size_guards = {}   # guard source -> cause (dynamic captures: what the replay checks on sizes)
        self.n_in = len(inputs)
        self.in_slot = {}
        for i, t in enumerate(inputs):
            if id(t) in self.tmap:   # the same tensor passed twice: one slot
                continue
            self.in_slot[id(t)] = self._new_slot("in", i, t)

    # ------------------------------------------------------------------------------------------ bookkeeping
    def _new_slot(self, kind, index, t):
        s = Slot(len(self.slots), kind, index, t)
        self.slots.append(s)
        self.tmap[id(t)] = s
        self.amap[id(t._data)] = (s, t._data)
        self.keep.append(t)
        self.ver[s.id] = t._vc[0]
        return s

    def brk(self, cause: str) -> None:
        if self.broken is None:
            self.broken = cause
        if self.fullgraph:
            raise GraphBreak(cause)

    def size_guard(self, src: str, cause: str) -> None:
        self.size_guards.setdefault(src, cause)

    def sym_shape(self, t: Tensor) -> Any:
        """``t.shape`` during a dynamic capture: SymInts for a region input or a recorded op's output."""
        from .._shape import Size
        d = t._data.shape
        if self.mine():
            s = self.tmap.get(id(t))
            if s is not None and s.kind != "out" and s.tensor is t:
                return Size([_sym(self, n, f"{s.arr}.shape[{k}]") for k, n in enumerate(d)])
        return Size(d)

    def mine(self) -> bool:
        return self.busy == 0 and self.broken is None and threading.get_ident() == self.tid

    def slot_of(self, t: Tensor) -> Any:
        s = self.tmap.get(id(t))
        if s is not None:
            if t._vc[0] != self.ver[s.id]:
                self.brk(f"an in-place change of a {list(t.shape)} tensor the recorder did not see")
            return s
        if id(t) in self.born:
            self.brk(f"a {list(t.shape)} tensor made outside the recorded ops (e.g. a comparison, .detach(), "
                     f"indexing with a mask, or a NumPy round trip) is used by a later op")
            return None
        s = self._new_slot("out", len(self.outside), t)
        self.outside.append(t)
        return s

    # ------------------------------------------------------------------------------------------ ops
    def record_apply(self, cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any], real: Callable[..., Any]) -> Any:
        if not self.mine():
            return real(cls, args, kwargs)
        if not cls._builtin:
            self.brk(f"the custom autograd.Function {cls.__name__} (no replay rule)")
            return real(cls, args, kwargs)
        if kwargs:
            self.brk(f"{cls.__name__}.apply with keyword arguments")
            return real(cls, args, kwargs)
        if self.dynamic:   # the op runs on plain ints; its recorded arguments keep the SymInts
            sym_args = args
            args = tuple(plain(a) for a in args)
        spec = []
        arrays = []
        for a in args:
            if isinstance(a, Tensor):
                s = self.slot_of(a)
                if s is None:
                    return real(cls, args, kwargs)
                spec.append(s)
                arrays.append(a._data)
            elif type(a) is np.ndarray and id(a) in self.amap and self.amap[id(a)][1] is a:
                s = self.amap[id(a)][0]  # the array of a known tensor (an op handed ``t._data``, e.g. targets)
                if s.tensor._vc[0] != self.ver[s.id]:
                    self.brk(f"an in-place change of a {list(a.shape)} tensor the recorder did not see")
                spec.append(s)
                arrays.append(a)
            else:
                if not _constant_ok(a, cls):
                    self.brk(f"{cls.__name__} got a {type(a).__name__} argument computed outside the graph "
                             f"(it would be baked in as a constant)")
                    return real(cls, args, kwargs)
                spec.append(("c", sym_args[len(spec)] if self.dynamic else a))
                arrays.append(a)
        casts = None
        if cls._promote is not None:
            before = [x.dtype if type(x) is np.ndarray else None for x in arrays]
            after = _promote(list(arrays), cls._promote)
            for i, (b, x) in enumerate(zip(before, after)):
                if b is not None and type(x) is np.ndarray and x.dtype != b:
                    casts = casts or {}
                    casts[i] = x.dtype
                elif b is None and x is not arrays[i]:  # a NumPy scalar turned into a Python number
                    if self.dynamic and type(spec[i][1]) is SymInt:   # a size as an operand, made a float
                        _special(spec[i][1], f"a size used as a number by {cls.__name__}")
                    spec[i] = ("c", x)
        self.busy += 1
        try:
            res = real(cls, args, kwargs)
        finally:
            self.busy -= 1
        outs = res if type(res) is tuple else (res,)
        op = Op("fn")
        op.cls = cls
        op.args = spec
        op.targs = tuple(isinstance(a, Tensor) for a in args)
        op.casts = casts
        op.nout = len(outs) if type(res) is tuple else 0
        node = None
        for o in outs:
            if isinstance(o, Tensor) and type(o.grad_fn) is cls._node_cls:
                node = o.grad_fn
                break
        if node is not None:
            op.needs = tuple(e is not None and e[0] is not None for e in node._edges)
            op.meta = node._meta  # type: ignore[attr-defined]  # npgrad's nodes carry _meta
            op.saved = tuple(e[0] for e in (node._saved or ()) if type(e) is _Saved)
            op.node = node
            op.outmeta = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None for o in outs]
        op.outs = []
        op.out_req = []
        for o in outs:
            if not isinstance(o, Tensor):
                self.brk(f"{cls.__name__} returned a {type(o).__name__}")
                return res
            if id(o) in self.tmap:  # an op handed back one of its inputs
                self.brk(f"{cls.__name__} returned its input")
                return res
            s = self._new_slot("op", None, o)
            op.outs.append(s)
            op.out_req.append(o._req)
        self.ops.append(op)
        return res

    def record_viewcall(self, fn: Callable[..., Any], name: str, t: Tensor, args: tuple[Any, ...]) -> Any:
        """A view function whose op takes NumPy views and positions computed from the input's strides
        (``unfold``, ``as_strided``): recorded as one ``ViewCall`` op that re-runs the function on each
        replay's own input (so its view and positions are the replay's), its backward the node it made."""
        s = self.slot_of(t)
        if s is None or not all(_constant_ok(a) for a in args):
            return fn(t, *args)
        spec = [("c", a) for a in args]
        if self.dynamic:
            args = tuple(plain(a) for a in args)
        self.busy += 1
        try:
            res = fn(t, *args)
        finally:
            self.busy -= 1
        if not isinstance(res, Tensor) or id(res) in self.tmap:
            return res
        op = Op("fn")
        op.cls = ViewCall
        op.args = [s, ("c", fn)] + spec
        op.targs = (True,) + (False,) * (len(spec) + 1)
        op.casts = None
        op.nout = 0
        op.needs = (res.grad_fn is not None,) + (False,) * (len(spec) + 1)
        op.outmeta = [(res._data.shape, res._data.dtype)]
        op.outs = [self._new_slot("op", None, res)]
        op.out_req = [res._req]
        self.ops.append(op)
        return res

    def record_create(self, fn: Callable[..., Any], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        spec_a, spec_k = [], {}
        for a in args:
            spec_a.append(self._create_arg(a, name))
        for k, v in kwargs.items():
            spec_k[k] = self._create_arg(v, name)
        if self.broken:
            return fn(*args, **kwargs)
        if self.dynamic:
            args, kwargs = tuple(plain(a) for a in args), {k: plain(v) for k, v in kwargs.items()}
        self.busy += 1
        try:
            t = fn(*args, **kwargs)
        finally:
            self.busy -= 1
        if not isinstance(t, Tensor):
            self.brk(f"npgrad.{name} returned a {type(t).__name__}")
            return t
        if t._req:
            self.brk(f"npgrad.{name}(..., requires_grad=True) inside the region (a new leaf every call)")
            return t
        if id(t) in self.tmap:  # as_tensor(x) of a known tensor: the tensor itself
            return t
        op = Op("create")
        op.fn, op.cls, op.args, op.kwargs = fn, name, spec_a, spec_k
        s = self._new_slot("op", None, t)
        op.outs = [s]
        op.out_req = [False]
        self.ops.append(op)
        return t

    def record_opaque(self, fn: Callable[..., Any], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A non-differentiable function that makes its result without a Function (comparisons, argmax,
        detach, dtype casts): re-run as a whole on replay, on fresh tensors wrapping the current arrays."""
        spec_a = [self._create_arg(a, name) for a in args]
        spec_k = {k: self._create_arg(v, name) for k, v in kwargs.items()}
        if self.broken:
            return fn(*args, **kwargs)
        if self.dynamic:
            args, kwargs = tuple(plain(a) for a in args), {k: plain(v) for k, v in kwargs.items()}
        res = fn(*args, **kwargs)
        single = isinstance(res, Tensor)
        outs = (res,) if single else tuple(res) if isinstance(res, tuple) else None
        if outs is None or not all(isinstance(o, Tensor) for o in outs):
            return res
        new = [(p, o) for p, o in enumerate(outs) if id(o) not in self.tmap]
        if not new:
            return res
        for p, o in new:
            if o._req:
                self.brk(f"{name} made a tensor that requires grad without a recorded op")
                return res
        op = Op("opaque")
        op.fn, op.cls, op.args, op.kwargs = fn, name, spec_a, spec_k
        op.outs = [self._new_slot("op", None, o) for p, o in new]
        op.dst = [None if single else p for p, o in new]   # where each new output sits in the result
        op.out_req = [False] * len(new)
        self.ops.append(op)
        return res

    def _create_arg(self, a, name):
        if isinstance(a, Tensor):
            s = self.slot_of(a)
            return ("c", a) if s is None else s
        if isinstance(a, (list, tuple)) and any(isinstance(x, Tensor) for x in a):
            self.brk(f"npgrad.{name} of a list of tensors")
            return ("c", a)
        if isinstance(a, (np.ndarray, np.generic)):
            self.brk(f"npgrad.{name} of a NumPy value made outside the graph")
        return ("c", a)

    def record_inplace(self, real: Callable[..., Any], dst: Tensor, result: Any, overlap_ok: bool) -> Any:
        if not self.mine():
            return real(dst, result, overlap_ok)
        sd = self.slot_of(dst)
        sr = self.tmap.get(id(result))
        if sd is None:
            return real(dst, result, overlap_ok)
        if sr is None or sr.kind != "op" or self.ver[sr.id] != result._vc[0]:
            self.brk("an in-place write of a value the recorder did not make")
            return real(dst, result, overlap_ok)
        if dst._x:
            self.brk("an in-place write into a view or a tensor with views")
            return real(dst, result, overlap_ok)
        if result._data.shape != dst._data.shape:
            self.brk("an in-place write into an expanded tensor")
            return real(dst, result, overlap_ok)
        if sd.kind != "op" and (result._req or dst._req):
            self.brk("an in-place op on a region input or outside tensor that requires grad")
            return real(dst, result, overlap_ok)
        d = dst._data
        for op in self.ops:
            for a in op.saved:
                if type(a) is np.ndarray and np.may_share_memory(a, d):
                    self.brk("an in-place write into a tensor saved for backward by an earlier op")
                    return real(dst, result, overlap_ok)
        self.busy += 1
        try:
            out = real(dst, result, overlap_ok)
        finally:
            self.busy -= 1
        op = Op("copy")
        op.dst, op.src = sd, sr
        op.bump = sd if sd.kind != "op" else None
        op.outs = []
        self.ops.append(op)
        # from now on ``dst`` reads the destination array and sends its gradient to the result's slot
        ns = Slot(len(self.slots), "op", None, dst)
        ns.arr, ns.gid = sd.arr, sr.gid
        ns.req = dst._req
        self.slots.append(ns)
        self.tmap[id(dst)] = ns
        self.amap[id(dst._data)] = (ns, dst._data)
        vc = dst._vc
        for t in self.keep:  # every known tensor sharing that version counter saw the write
            if t._vc is vc:
                s = self.tmap.get(id(t))
                if s is not None:
                    self.ver[s.id] = vc[0]
        self.ver[ns.id] = vc[0]
        return out

    def check_end(self, out_tensors: Sequence[Tensor]) -> None:
        """After the call: every known tensor must be at the version the tape explains."""
        for m in getattr(self, "lazy", ()):
            if m in sys.modules:
                self.brk(f"{m} was first imported inside the region (its hooks were not in place)")
                return
        for t in self.keep:
            s = self.tmap.get(id(t))
            if s is not None and t._vc[0] != self.ver[s.id]:
                self.brk(f"an in-place change of a {list(t.shape)} tensor the recorder did not see")
                return
            if s is not None and s.tensor is t and t._req != s.req:
                if t._x and "ngview" in t._x and s.kind == "op":   # a view made under no_grad of a tensor that
                    s.req = t._req   # requires grad requires grad itself (set by track_view after the op)
                    continue
                self.brk("requires_grad changed inside the region (requires_grad_ is not replayed)")
                return


# Ops whose NumPy-array (or NumPy-scalar) arguments are computed from shapes and Python arguments only, never
# from tensor values, so baking them in is exact (checked by reading each op's public function).
SHAPE_ARRAYS = {"AvgPool", "AvgPool3D"}


def escaped(rec, result):
    """A tensor made during the capture that something outside the call still holds (a global, a dict, a list,
    a closure cell) was handed out by a side effect that replay would skip. Found by reference counts: every
    reference the capture machinery, the eager graph and the returned value account for is subtracted."""
    expect = {}
    for t in rec.born_keep:
        expect[id(t)] = expect.get(id(t), 0) + 1
    for t in rec.keep:
        expect[id(t)] = expect.get(id(t), 0) + 1
    # programs: each view made in the region refers to its base (``_x["base"]``); counted here, so that the
    # common case needs no gc.get_referrers scan (~6 ms each, ~20 per capture of a small GPT)
    for t in {id(t): t for t in rec.keep + rec.born_keep}.values():
        x = t._x
        if x and type(x) is dict and x.get("base") is not None:
            expect[id(x["base"])] = expect.get(id(x["base"]), 0) + 1
        m = x.get("ngview") if x and type(x) is dict else None
        if type(m) is tuple and m and isinstance(m[0], Tensor):   # a no_grad view's mark names its base too
            expect[id(m[0])] = expect.get(id(m[0]), 0) + 1
    for s in rec.slots:
        expect[id(s.tensor)] = expect.get(id(s.tensor), 0) + 1
    for op in rec.ops:
        node = op.node
        for e in (node._saved or ()) if node is not None else ():
            if type(e) is _Saved and e[1] is not None:
                expect[id(e[1])] = expect.get(id(e[1]), 0) + 1

    holders = set()  # programs: the returned containers themselves are no escape (nanoGPT's `return logits, loss`)

    def walk(obj):
        if isinstance(obj, Tensor):
            expect[id(obj)] = expect.get(id(obj), 0) + 1
        elif isinstance(obj, (list, tuple)):
            holders.add(id(obj))
            for v in obj:
                walk(v)
        elif isinstance(obj, dict):
            holders.add(id(obj))
            for v in obj.values():
                walk(v)
    walk(result)
    if isinstance(result, Tensor):  # also held by the callers' ``result`` (runtime._capture, runtime._finish)
        expect[id(result)] = expect.get(id(result), 0) + 2
    pre = {id(t) for t in rec.outside} | set(rec.in_slot)
    for t in rec.keep:
        if id(t) in pre or sys.getrefcount(t) - 2 <= expect.get(id(t), 0):  # (getrefcount's argument, the loop)
            continue
        import gc   # only for a suspect: which referrers are the graph's own (a view's base, a saved value)
        for r in gc.get_referrers(t):
            if r is rec.keep or r is rec.born_keep or type(r) in (Slot, _Saved) or id(r) in holders or \
                    (type(r) is dict and r.get("base") is t):
                continue
            if type(r) is tuple and any(type(x) is Slot for x in r):
                continue
            return t
    return None


def _constant_ok(a, cls=None):
    """Non-tensor op arguments baked into the program: Python scalars, None, dtypes, tuples of them; NumPy
    values only for ops in SHAPE_ARRAYS (elsewhere they may come from tensor data)."""
    if a is None or type(a) in (bool, int, float, complex, str, slice, type(Ellipsis)):
        return True
    if isinstance(a, (tuple, list)):
        return all(_constant_ok(x, cls) for x in a)
    if isinstance(a, (np.ndarray, np.generic)):
        return cls is not None and cls.__name__ in SHAPE_ARRAYS
    if isinstance(a, np.dtype) or isinstance(a, type):
        return True
    return not isinstance(a, Tensor) and _hashable(a)


def _hashable(a):
    try:
        hash(a)
    except TypeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- dynamic sizes
class SymInt(int):
    """A size read from a recorded tensor during a *dynamic* capture (``npgrad.compile(dynamic=...)``): an int
    with its capture-time value, plus ``src``, the Python expression that computes it on replay from the
    replay's own arrays (``v3.shape[1]``, ``(v3.shape[1] // 4)``). Arithmetic with ints keeps the expression;
    an op given a SymInt gets the expression baked in instead of the number. Whatever turns it into a plain
    Python value (``int()``, ``float()``, ``range()``, ``len()``, ``math.sqrt``, a NumPy call) or compares it
    records a *size guard* (``v3.shape[1] == 5``, ``v3.shape[1] <= 8``) that the replay checks."""

    def __repr__(self):
        return int.__repr__(self)

    __str__ = __repr__
    __hash__ = int.__hash__


def _sym(rec, value, src):
    s = int.__new__(SymInt, value)
    s.src = src
    s.rec = rec
    return s


def _src(x):
    """Source for an int operand (a SymInt's expression or the literal)."""
    return x.src if type(x) is SymInt else repr(int.__int__(x))


def _special(self, cause):
    """``self`` turned into a plain value: its size is baked in, so the replay checks it."""
    rec = self.rec
    v = int.__int__(self)
    if rec is not None and _active is rec and rec.mine():
        rec.size_guard(f"{self.src} == {v}", cause)
    return v


def _arith(name, sym_op, rev=False):
    base = getattr(int, name)

    def method(self, other):
        if isinstance(other, int) and type(other) is not bool:
            r = base(int.__int__(self), int.__int__(other))
            if type(r) is int and self.rec is not None:
                a, b = (_src(other), self.src) if rev else (self.src, _src(other))
                return _sym(self.rec, r, f"({a} {sym_op} {b})")
            return r
        return base(_special(self, f"a size used in {sym_op} with a {type(other).__name__}"), other)
    method.__name__ = name
    return method


def _compare(name, sym_op):
    def method(self, other):
        if isinstance(other, (int, float)):
            r = getattr(int.__int__(self), name)(int.__int__(other) if isinstance(other, int) else other)
            if r is NotImplemented:
                r = getattr(float(int.__int__(self)), name)(other)
            rec = self.rec
            if rec is not None and _active is rec and rec.mine() and type(r) is bool:
                o = _src(other) if isinstance(other, int) else repr(other)
                g = f"{self.src} {sym_op} {o}"
                rec.size_guard(g if r else f"not ({g})", f"a comparison of sizes ({g.replace('.shape', ' shape')})")
            return r
        return getattr(int, name)(int.__int__(self), other)
    method.__name__ = name
    return method


for _n, _o in (("__add__", "+"), ("__sub__", "-"), ("__mul__", "*"), ("__floordiv__", "//"), ("__mod__", "%")):
    setattr(SymInt, _n, _arith(_n, _o))
    setattr(SymInt, "__r" + _n[2:], _arith("__r" + _n[2:], _o, rev=True))
for _n, _o in (("__eq__", "=="), ("__ne__", "!="), ("__lt__", "<"), ("__le__", "<="), ("__gt__", ">"),
               ("__ge__", ">=")):
    setattr(SymInt, _n, _compare(_n, _o))


def _neg(self):
    return _sym(self.rec, -int.__int__(self), f"(-{self.src})")


setattr(SymInt, "__neg__", _neg)
setattr(SymInt, "__pos__", lambda self: self)
for _n, _why in (("__index__", "a size used as a Python index (range(), a list slice, a NumPy call)"),
                 ("__int__", "int() of a size"), ("__float__", "float() of a size (e.g. math.sqrt(size))"),
                 ("__complex__", "complex() of a size"), ("__round__", "round() of a size"),
                 ("__trunc__", "trunc() of a size"), ("__floor__", "floor() of a size"),
                 ("__ceil__", "ceil() of a size")):
    def _conv(self, *a, _n=_n, _why=_why):
        return getattr(int, _n)(_special(self, _why), *a)
    setattr(SymInt, _n, _conv)
for _n in ("__truediv__", "__rtruediv__", "__pow__", "__rpow__", "__lshift__", "__rlshift__", "__rshift__",
           "__rrshift__", "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__divmod__",
           "__rdivmod__", "__abs__", "__invert__"):
    def _other(self, *a, _n=_n):
        return getattr(int, _n)(_special(self, f"a size used with {_n.strip('_')}"), *a)
    setattr(SymInt, _n, _other)
setattr(SymInt, "__bool__", lambda self: _compare("__ne__", "!=")(self, 0))


def plain(a):
    """``a`` with every SymInt in it (in tuples, lists, slices, dicts) replaced by its plain int: what an op
    is run with while its recorded arguments keep the SymInts."""
    t = type(a)
    if t is SymInt:
        return int.__int__(a)
    if t is tuple or t is list or (isinstance(a, tuple) and t.__name__ == "Size"):
        if any(type(x) is SymInt or type(x) in (tuple, list, slice) for x in a):
            return t(plain(x) for x in a)
        return a
    if t is slice:
        if type(a.start) is SymInt or type(a.stop) is SymInt or type(a.step) is SymInt:
            return slice(plain(a.start), plain(a.stop), plain(a.step))
        return a
    return a


def has_sym(a):
    t = type(a)
    if t is SymInt:
        return True
    if isinstance(a, (tuple, list)):
        return any(has_sym(x) for x in a)
    if t is slice:
        return has_sym(a.start) or has_sym(a.stop) or has_sym(a.step)
    return False


# ---------------------------------------------------------------------------------------------- hooks
class _Hooks:
    """Installs and removes everything a capture needs (restored even when the call raises)."""

    def __init__(self, rec):
        self.rec = rec
        self.undo = []

    def __enter__(self):
        global _active
        rec = self.rec
        with _lock:
            if _active is not None:
                raise Busy("another capture is in progress")
            _active = rec
        try:
            self._install()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _install(self):
        rec = self.rec
        from .. import _lazy  # what npgrad loads on first use is loaded now, so that steps 4-5 find and patch it
        _lazy.load_all()
        # 1. every Function.apply goes through _apply_extras, which asks the recorder first
        _function.extras_on()
        self.undo.append(_function.extras_off)
        _function._op_recorder = rec.record_apply
        self.undo.append(lambda: setattr(_function, "_op_recorder", None))
        # 2. tensors made during capture
        mk = _t.make
        orig_make = _clone(mk)
        born, born_keep = rec.born, rec.born_keep

        def make_hook(data, grad_fn=None, nr=0, vc=None):
            t = orig_make(data, grad_fn, nr, vc)
            born.add(id(t))
            born_keep.append(t)
            return t
        self._swap_code(mk, "make", "data, grad_fn=None, nr=0, vc=None", "data, grad_fn, nr, vc", make_hook)
        # (npgrad.nn and npgrad.optim are hooked only if imported: a capture does not import them; importing
        # them during the capture is a graph break, see check_end)
        self.lazy = [m for m in ("npgrad.nn.parameter", "npgrad.nn.modules.module", "npgrad.optim.optimizer")
                     if m not in sys.modules]
        rec.lazy = self.lazy
        if "npgrad.nn.parameter" in sys.modules:
            from ..nn.parameter import Parameter
            p_new = Parameter.__dict__["__new__"]

            def param_new(cls, *a, **k):
                t = p_new(cls, *a, **k)
                born.add(id(t))
                born_keep.append(t)
                return t
            Parameter.__new__ = param_new
            self.undo.append(lambda: setattr(Parameter, "__new__", p_new))
        # 3. in-place writes
        from ..ops import inplace as _ip
        ip = _ip.inplace
        orig_ip = _clone(ip)
        self._swap_code(ip, "inplace", "self, result, overlap_ok=False", "self, result, overlap_ok",
                        lambda s, r, o: rec.record_inplace(orig_ip, s, r, o))
        # 4. creation functions, as user code reaches them (npgrad.<name>), and dropout's mask
        import npgrad
        from .. import _creation
        for mod in (npgrad, _creation):  # as user code and as npgrad's own modules (rnn's h0) reach them
            for name in _CREATORS:
                fn = mod.__dict__.get(name)
                if fn is None:
                    continue
                self._set(mod, name, _creator(rec, fn, name))
        from ..ops import neural
        if hasattr(neural, "_dropout_scale"):
            self._set(neural, "_dropout_scale", _creator(rec, neural._dropout_scale, "dropout mask"))
        # 4b. non-differentiable functions that make tensors without a Function: recorded whole
        for name in _OPAQUE:
            fn = Tensor.__dict__.get(name)
            if fn is not None:
                self._set(Tensor, name, _opaque(rec, fn, f"Tensor.{name}"))
            fn = npgrad.__dict__.get(name)
            if fn is not None and callable(fn) and not isinstance(fn, type):
                self._set(npgrad, name, _opaque(rec, fn, f"npgrad.{name}"))
        # 5. what breaks the graph
        for name, cause in _BREAKERS.items():
            fn = Tensor.__dict__.get(name)
            if fn is None:
                continue
            self._set(Tensor, name, _breaker(rec, fn, cause))
        data_prop = Tensor.__dict__["data"]
        self._set(Tensor, "data", property(data_prop.fget, _breaker(rec, data_prop.fset, "a write to Tensor.data")))
        grad_prop = Tensor.__dict__["grad"]
        self._set(Tensor, "grad", property(_breaker(rec, grad_prop.fget, "reading .grad inside the region (the "
                                                    "gradient tensor changes between calls)"),
                                           _breaker(rec, grad_prop.fset, "setting .grad inside the region"),
                                           grad_prop.fdel and _breaker(rec, grad_prop.fdel, "deleting .grad")))
        if "npgrad.optim.optimizer" in sys.modules:
            from ..optim import optimizer as _optim
            bump = _optim.bump
            orig_bump = _clone(bump)

            def bump_hook(p):
                if rec.mine():
                    rec.brk("an optimizer step inside the region (its NumPy updates are not recorded)")
                return orig_bump(p)
            self._swap_code(bump, "bump", "p", "p", bump_hook)
        # programs (the tutorials' DynamicNet: `for exp in range(4, random.randint(4, 6))`): a draw from Python's or
        # NumPy's global random generator inside the region would be baked into the program as a constant
        import random as _pyrandom
        for mod, label, names in ((_pyrandom, "random", _PY_RANDOM), (np.random, "np.random", _NP_RANDOM)):
            for name in names:
                fn = getattr(mod, name, None)
                if fn is not None:
                    self._set(mod, name, _breaker(rec, fn, f"{label}.{name}() inside the region (a Python-side "
                                                           f"random draw would be replayed as a constant)"))
        from .. import autograd as _ag
        for name in ("grad", "backward"):
            self._set(_ag, name, _breaker(rec, getattr(_ag, name), f"autograd.{name}() inside the compiled region"))
        # 4c. view functions whose op takes arrays computed from the input's strides: recorded whole
        from ..ops import shape_extra as _sx
        for name, fn in (("unfold", Tensor.__dict__.get("unfold")), ("as_strided", Tensor.__dict__.get("as_strided"))):
            if fn is not None:
                self._set(Tensor, name, _viewcall(rec, fn, name))
        for mod in (npgrad, _sx):
            fn = mod.__dict__.get("as_strided")
            if fn is not None and callable(fn):
                self._set(mod, "as_strided", _viewcall(rec, fn, "as_strided"))
        # 5b. dynamic captures: sizes of recorded tensors are SymInts
        if rec.dynamic:
            self._sym_hooks(rec)
        # 6. modules called (their training flag and scalar attributes become guards)
        if "npgrad.nn.modules.module" in sys.modules:
            from ..nn.modules.module import Module
            call = Module.__dict__["__call__"]

            def module_call(m, *a, **k):
                if rec.mine():
                    rec.modules.append(m)
                return call(m, *a, **k)
            self._set(Module, "__call__", module_call)
            setattr_ = Module.__dict__["__setattr__"]

            def module_setattr(m, name, value):
                if rec.mine():
                    rec.attr_write = True   # (the next call may find the attribute set and capture: runtime)
                    rec.brk(f"assigning {type(m).__name__}.{name} inside the region (a side effect replay would "
                            f"skip)")
                return setattr_(m, name, value)
            self._set(Module, "__setattr__", module_setattr)
        from ..autograd import graph as _graph, forward_ad, anomaly_mode
        if _graph.saved_hooks_stack():
            rec.brk("saved_tensors_hooks are active (they would not run on replay)")
        if forward_ad._active():
            rec.brk("forward-mode AD is active")
        if anomaly_mode._enabled:
            rec.brk("anomaly detection is on")

    def _sym_hooks(self, rec):
        shape_prop = Tensor.__dict__["shape"]
        size, numel, length = Tensor.__dict__["size"], Tensor.__dict__["numel"], Tensor.__dict__["__len__"]

        def sym_size(t, dim=None):
            r = size(t, dim)
            if not rec.mine():
                return r
            if dim is None:
                return rec.sym_shape(t)
            return rec.sym_shape(t)[dim]

        def sym_numel(t):
            r = numel(t)
            return rec.sym_shape(t).numel() if rec.mine() and t._data.ndim else r

        def sym_len(t):
            n = length(t)
            if rec.mine():
                sh = rec.sym_shape(t)
                if type(sh[0]) is SymInt:
                    _special(sh[0], "len() of a tensor")
            return n
        # view/reshape/expand normalise their sizes with int(): keep the SymInts (the op records them)
        from ..ops import shape as _shape_ops
        shape_arg = _shape_ops._shape_arg
        orig_shape_arg = _clone(shape_arg)

        def sym_shape_arg(shape):
            if rec.mine() and has_sym(shape):
                if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
                    shape = shape[0]
                return tuple(s if type(s) is SymInt else int(s) for s in shape)
            return orig_shape_arg(shape)
        self._swap_code(shape_arg, "_shape_arg", "shape", "shape", sym_shape_arg)
        infer = _shape_ops._infer_shape
        orig_infer = _clone(infer)

        def sym_infer(shape, numel):
            # torch's checks on plain ints (no size guards: on replay the op's own reshape checks them), then
            # the SymInts kept and a -1 kept as -1 (the op's reshape infers it on every replay)
            res = orig_infer(plain(shape), numel)
            if not (rec.mine() and (has_sym(shape) or -1 in shape)):
                return res
            return tuple(s if type(s) is SymInt else _sym(rec, r, "-1") if s == -1 else r
                         for s, r in zip(shape, res))
        self._swap_code(infer, "_infer_shape", "shape, numel", "shape, numel", sym_infer)
        self._set(Tensor, "shape", property(rec.sym_shape))
        self._set(Tensor, "size", sym_size)
        self._set(Tensor, "numel", sym_numel)
        self._set(Tensor, "nelement", sym_numel)
        self._set(Tensor, "__len__", sym_len)
        del shape_prop

    def _set(self, obj, name, value):
        old = obj.__dict__[name] if isinstance(obj, type) else getattr(obj, name)
        setattr(obj, name, value)
        self.undo.append(lambda: setattr(obj, name, old))

    def _swap_code(self, fn, name, params, call, hook):
        g = fn.__globals__
        hooks = g.setdefault("_npgrad_hooks", {})
        hooks[name] = hook
        code = fn.__code__
        fn.__code__ = _trampoline(name, params, call)

        def undo():
            fn.__code__ = code
            hooks.pop(name, None)
        self.undo.append(undo)

    def __exit__(self, *exc):
        global _active
        while self.undo:
            self.undo.pop()()
        _active = None
        return False


def _creator(rec, fn, name):
    def creator(*args, **kwargs):
        if not rec.mine():
            return fn(*args, **kwargs)
        return rec.record_create(fn, name, args, kwargs)
    creator.__wrapped__ = fn
    return creator


def _viewcall(rec, fn, name):
    def viewcall(t, *args, **kwargs):
        if not rec.mine() or kwargs or not isinstance(t, Tensor):
            return fn(t, *args, **kwargs)
        return rec.record_viewcall(fn, name, t, args)
    viewcall.__wrapped__ = fn
    return viewcall


class ViewCall(Function):
    """A recorded call of a view function (``unfold``, ``as_strided``) as one op of a program: ``forward``
    runs the function itself on a leaf wrapping the replay's input array (its op then computes the NumPy view
    and the element positions from that array's own shape and strides, as in eager mode) and keeps the node it
    made; ``backward`` is that node's formula."""
    _builtin = True
    _view = True
    _ctx_fields = ("inner",)

    @staticmethod
    def forward(ctx, a, fn, *args):
        from ..autograd.grad_mode import enable_grad
        t = _t.make(a)
        t._req = True
        with enable_grad():
            r = fn(t, *args)
        ctx.inner = r.grad_fn
        return r._data

    @staticmethod
    def backward(ctx, grad):
        # self: the recorded function's own backward (its node)
        inner = ctx.inner
        r = inner._fn.backward(inner, grad)
        return (r[0] if type(r) is tuple else r,) + (None,) * 8


def _opaque(rec, fn, name):
    def opaque(*args, **kwargs):
        if not rec.mine():
            return fn(*args, **kwargs)
        return rec.record_opaque(fn, name, args, kwargs)
    opaque.__wrapped__ = fn
    return opaque


def _breaker(rec, fn, cause):
    def breaker(*args, **kwargs):
        if rec.mine():
            rec.brk(cause)
        return fn(*args, **kwargs)
    breaker.__wrapped__ = fn
    return breaker


def capture(rec, fn, args, kwargs):
    """Run ``fn`` eagerly under ``rec``; returns its result (raises GraphBreak in fullgraph mode)."""
    with _Hooks(rec):
        return fn(*args, **kwargs)


def is_capturing():
    return _active is not None
