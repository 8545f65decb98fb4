"""NumPy on Tensors: ufuncs and array functions applied to npgrad tensors become recorded npgrad ops.

``np.exp(t)`` calls ``Tensor.__array_ufunc__``; ``np.sum(t, axis=0)`` calls ``Tensor.__array_function__``.
Both look the NumPy callable up in a table of npgrad equivalents, translating NumPy's arguments (``axis``,
``keepdims``, ``ddof``, ``a_min``...) to torch's. Anything not in the table raises a ``TypeError`` naming it,
so the graph is never silently dropped. The backward formulas do not go through this protocol: under
``create_graph`` they call ``txp`` (npgrad/_xp.py, built from these tables by ``tensor_namespace`` below), the
same NumPy names called directly.

Where NumPy and torch disagree on a name, the NumPy meaning wins here: ``np.max(t)`` is ``amax`` (values
only), ``np.var(t)`` has ``ddof=0``, ``np.mean`` of an integer tensor is a float, ``np.cumsum(t)`` with no
axis scans the flattened tensor.
"""
import numpy as np

from .. import _tensor as _t, _dtype as D

_UFUNCS = None
_FUNCS = None
_NEED_TENSORS = None  # ufuncs whose npgrad function takes two tensors (a Python number gets wrapped)
_REFLECTED = {}  # number (op) tensor reaches us as a ufunc call: torch's reflected ops (``2 - x`` is rsub)


def _tables():
    global _UFUNCS, _FUNCS, _NEED_TENSORS
    if _FUNCS is not None:  # assigned last: another thread may be building the tables (building twice is harmless)
        return
    from . import pointwise as P, pointwise_unary as U, pointwise_special as SP, pointwise_ternary as PT
    from . import comparison as C, reduction as R, reduction_sort as RS
    from . import reduction_scan as RC, shape as S, linalg as L, joining as J
    _UFUNCS = {
        np.add: P.add, np.subtract: P.sub, np.multiply: P.mul, np.true_divide: P.div,
        np.floor_divide: P.floor_divide, np.remainder: P.remainder, np.fmod: P.fmod, np.power: P.pow,
        np.float_power: P.float_power, np.maximum: P.maximum, np.minimum: P.minimum, np.fmax: P.fmax,
        np.fmin: P.fmin, np.arctan2: P.atan2, np.hypot: P.hypot, np.logaddexp: P.logaddexp,
        np.logaddexp2: P.logaddexp2, np.copysign: P.copysign, np.matmul: L.matmul,
        np.negative: U.neg, np.positive: U.positive, np.absolute: U.abs, np.fabs: U.abs, np.sign: U.sign,
        np.exp: U.exp, np.exp2: U.exp2, np.expm1: U.expm1, np.log: U.log, np.log2: U.log2, np.log10: U.log10,
        np.log1p: U.log1p, np.sqrt: U.sqrt, np.square: U.square, np.reciprocal: U.reciprocal, np.sin: U.sin,
        np.cos: U.cos, np.tan: U.tan, np.arcsin: U.asin, np.arccos: U.acos, np.arctan: U.atan,
        np.sinh: U.sinh, np.cosh: U.cosh, np.tanh: U.tanh, np.arcsinh: U.asinh, np.arccosh: U.acosh,
        np.arctanh: U.atanh, np.floor: SP.floor, np.ceil: SP.ceil, np.rint: SP.round, np.trunc: SP.trunc,
        np.deg2rad: SP.deg2rad, np.radians: SP.deg2rad, np.rad2deg: SP.rad2deg, np.degrees: SP.rad2deg,
        np.greater: C.gt, np.greater_equal: C.ge, np.less: C.lt, np.less_equal: C.le, np.equal: C.eq,
        np.not_equal: C.ne, np.logical_and: C.logical_and, np.logical_or: C.logical_or,
        np.logical_xor: C.logical_xor, np.logical_not: C.logical_not, np.invert: C.bitwise_not,
        np.bitwise_and: C.bitwise_and, np.bitwise_or: C.bitwise_or, np.bitwise_xor: C.bitwise_xor,
        np.isnan: C.isnan, np.isinf: C.isinf, np.isfinite: C.isfinite, np.signbit: C.signbit,
    }
    _REFLECTED.update({np.subtract: P.rsub, np.true_divide: P.rdiv, np.power: P.rpow})
    _NEED_TENSORS = {np.maximum, np.minimum, np.fmax, np.fmin, np.arctan2, np.hypot, np.logaddexp,
                     np.logaddexp2, np.matmul}

    def np_dtype(dtype, a, float_result=False):
        if dtype is not None:
            return dtype if isinstance(dtype, D.dtype) else D.from_numpy_dtype(np.dtype(dtype))
        if float_result and not a.is_floating_point():
            return D.get_default_dtype()  # NumPy's mean of integers is a float
        return None

    def reducer(name, fn, float_result=False, has_initial=False, identity=None):
        """``np.sum``-style ``(a, axis, dtype, out, keepdims, initial, where)`` -> ``fn(a, dim, keepdim)``.

        ``where=`` masks elements out (they count as the reduction's identity, or as ``initial``), ``initial``
        joins the reduction as one more element; for the mean, ``where`` leaves masked elements out of the count.
        """
        def f(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
            if initial is not _NOVALUE and not has_initial:
                _refuse(name, "initial")
            dt = np_dtype(dtype, a, float_result)

            def run():
                x = a if dt is None else a.to(dt)
                dims, kd = _dims(axis), bool(keepdims)
                if where is True:
                    r = fn(x, dim=dims, keepdim=kd)
                else:
                    mask = _mask(where, x)
                    if name in ("mean", "nanmean"):
                        tot = R.sum(_pwhere(mask, x, 0), dim=dims, keepdim=kd)
                        cnt = R.sum(S.expand(mask, tuple(x.shape)), dim=dims, keepdim=kd)
                        return tot / cnt
                    r = fn(_pwhere(mask, x, identity), dim=dims, keepdim=kd)
                if initial is not _NOVALUE:
                    r = r * initial if name == "prod" else r + initial
                return r if dt is None or r.dtype == dt else r.to(dt)
            return _np_out(name, out, run, a)
        return f

    def extreme(name, fn):
        def f(a, axis=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
            def run():
                x, dims = a, () if axis is None else _dims(axis)
                if where is not True:
                    if initial is _NOVALUE:
                        raise ValueError(f"reduction operation '{name}' does not have an identity, so to use a "
                                         f"where mask one has to specify 'initial'")
                    x = _pwhere(_mask(where, a), a, initial)
                r = fn(x, dims, bool(keepdims))
                if initial is not _NOVALUE:
                    r = (P.maximum if name in ("max", "amax") else P.minimum)(r, _t._as_tensor_like(initial, r))
                return r
            return _np_out(name, out, run, a)
        return f

    def arg(name, fn):
        def f(a, axis=None, out=None, *, keepdims=False):
            return _np_out(name, out, lambda: fn(a, axis, bool(keepdims)), a)
        return f

    def moments(name, fn):
        def f(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=_NOVALUE,
              correction=_NOVALUE):
            if where is not True:
                _refuse(name, "where")
            if mean is not _NOVALUE:
                _refuse(name, "mean")
            if correction is not _NOVALUE:
                if ddof != 0:
                    raise ValueError("ddof and correction can't be provided simultaneously.")
                ddof = correction
            dt = np_dtype(dtype, a)

            def run():
                return fn(a if dt is None else a.to(dt), _dims(axis), keepdim=bool(keepdims), correction=ddof)
            return _np_out(name, out, run, a)
        return f

    def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOVALUE, where=True):
        dt = np_dtype(dtype, a)

        def run():
            x = a if dt is None else a.to(dt)
            if where is not True:
                x = _pwhere(_mask(where, x), x, 1)
            if axis is None and not keepdims:
                r = R.prod(x)
            else:
                r = x
                for d in sorted((v % x.ndim for v in _seq(axis if axis is not None else range(x.ndim))),
                                reverse=True):
                    r = R.prod(r, d, keepdim=bool(keepdims))
            if initial is not _NOVALUE:
                r = r * initial
            return r if dt is None or r.dtype == dt else r.to(dt)
        return _np_out("prod", out, run, a)

    def scan(name, fn):
        def f(a, axis=None, dtype=None, out=None):
            dt = np_dtype(dtype, a)

            def run():
                x, ax = (S.reshape(a, -1), 0) if axis is None else (a, axis)
                return fn(x, ax, dtype=dt)
            return _np_out(name, out, run, a)
        return f

    def _sort_args(name, order, kind, stable):
        if order is not None:
            _refuse(name, "order")
        if kind not in (None, "quicksort", "mergesort", "heapsort", "stable"):
            raise ValueError(f"{name} kind must be one of 'quick', 'heap', or 'stable' (got '{kind}')")
        return bool(stable) or kind in ("stable", "mergesort")

    def sort(a, axis=-1, kind=None, order=None, *, stable=None):
        stable = _sort_args("sort", order, kind, stable)
        if axis is None:
            a, axis = S.reshape(a, -1), 0
        return (RS.sort(a, axis, stable=True) if stable else RS.sort(a, axis)).values

    def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
        stable = _sort_args("argsort", order, kind, stable)
        if axis is None:
            a, axis = S.reshape(a, -1), 0
        return RS.argsort(a, axis, stable=True) if stable else RS.argsort(a, axis)

    def clip(a, a_min=_NOVALUE, a_max=_NOVALUE, out=None, *, min=_NOVALUE, max=_NOVALUE, **kwargs):
        for k in kwargs:
            _refuse("clip", k)  # NumPy's ufunc keywords (where=, dtype=, casting=...)
        if min is not _NOVALUE:
            if a_min is not _NOVALUE:
                raise ValueError("Passed more than one of 'a_min'/'min'")
            a_min = min
        if max is not _NOVALUE:
            if a_max is not _NOVALUE:
                raise ValueError("Passed more than one of 'a_max'/'max'")
            a_max = max
        lo, hi = (None if v is _NOVALUE else v for v in (a_min, a_max))
        return _np_out("clip", out, lambda: PT.clamp(a, *(_tensor_or_number(x, a) for x in (lo, hi))), a)

    def logical(name, fn):
        def f(a, axis=None, out=None, keepdims=False, *, where=True):
            def run():
                x = a if where is True else _pwhere(_mask(where, a), a, name == "all")
                if axis is not None or keepdims:
                    return fn(x, () if axis is None else _dims(axis), bool(keepdims))
                return fn(x)
            return _np_out(name, out, run, a)
        return f

    def count_nonzero(a, axis=None, *, keepdims=False):
        r = R.count_nonzero(a, _dims(axis))
        if keepdims:
            dims = range(a.ndim) if axis is None else sorted(v % a.ndim for v in _seq(axis))
            for d in dims:
                r = S.unsqueeze(r, d)
        return r

    def expand_dims(a, axis):
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        nd = a.ndim + len(axes)
        for ax in sorted(ax % nd for ax in axes):
            a = S.unsqueeze(a, ax)
        return a

    def transpose(a, axes=None):
        return S.permute(a, tuple(axes) if axes is not None else tuple(range(a.ndim))[::-1])

    def flip(a, axis=None):
        return J.flip(a, tuple(range(a.ndim)) if axis is None else _seq(axis))

    def diff(a, n=1, axis=-1, prepend=None, append=None):
        return RC.diff(a, n, axis, *(None if x is None else _tensor_or_number(x, a) for x in (prepend, append)))

    def round_(a, decimals=0, out=None):
        return _np_out("round", out, lambda: SP.round(a, decimals=decimals), a)

    def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
        if order != "C":
            _refuse("reshape", "order")
        if newshape is not None:
            if shape is not None:
                raise TypeError("You cannot specify 'newshape' and 'shape' arguments at the same time.")
            shape = newshape
        r = S.reshape(a, shape)
        if copy is False and r._data.base is None and r._data is not a._data:
            raise ValueError("Unable to avoid creating a copy while reshaping.")
        return S.clone(r) if copy else r

    def copy(a, order="K", subok=False):
        if order not in ("K", "C", "A"):
            _refuse("copy", "order")
        return S.clone(a)

    def broadcast_to(a, shape, subok=False):
        return S.expand(a, tuple(shape) if isinstance(shape, (tuple, list)) else (shape,))

    def joiner(name, fn):
        def f(seq, axis=0, out=None, *, dtype=None, casting="same_kind"):
            ts = _tensors(seq)
            if dtype is not None:
                dt = np_dtype(dtype, ts[0])
                ts = [t.to(dt) for t in ts]
            elif casting != "same_kind":
                _refuse(name, "casting")
            if axis is None:
                ts, axis = [S.reshape(t, -1) for t in ts], 0
            return _np_out(name, out, lambda: fn(ts, axis), *ts)
        return f

    def dot(a, b, out=None):
        a, b = _t._as_tensor_like(a, b), _t._as_tensor_like(b, a)
        return _np_out("dot", out, lambda: L.matmul(a, b), a, b)

    _FUNCS = {
        np.sum: reducer("sum", R.sum, has_initial=True, identity=0),
        np.mean: reducer("mean", R.mean, float_result=True),
        np.nansum: reducer("nansum", R.nansum, has_initial=True, identity=0),
        np.nanmean: reducer("nanmean", R.nanmean, float_result=True), np.prod: prod,
        np.max: extreme("max", RS.amax), np.min: extreme("min", RS.amin), np.amax: extreme("amax", RS.amax),
        np.amin: extreme("amin", RS.amin), np.argmax: arg("argmax", RS.argmax), np.argmin: arg("argmin", RS.argmin),
        np.var: moments("var", R.var), np.std: moments("std", R.std), np.cumsum: scan("cumsum", RC.cumsum),
        np.cumprod: scan("cumprod", RC.cumprod), np.sort: sort, np.argsort: argsort, np.clip: clip, np.diff: diff,
        np.all: logical("all", R.all), np.any: logical("any", R.any), np.count_nonzero: count_nonzero,
        np.round: round_, np.around: round_, np.flip: flip,
        np.isclose: lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False:
            C.isclose(_t._as_tensor_like(a, b), _tensor_or_number(b, a), rtol, atol, equal_nan),
        np.allclose: lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False:
            C.allclose(_t._as_tensor_like(a, b), _tensor_or_number(b, a), rtol, atol, equal_nan),
        np.reshape: reshape, np.transpose: transpose, np.expand_dims: expand_dims,
        np.squeeze: lambda a, axis=None: S.squeeze(a, axis),
        np.broadcast_to: broadcast_to,
        np.swapaxes: lambda a, axis1, axis2: S.transpose(a, axis1, axis2), np.where: _where,
        np.dot: dot, np.shape: lambda a: tuple(a.shape), np.ndim: lambda a: a.ndim,
        np.size: lambda a, axis=None: a.numel() if axis is None else a.shape[axis],
        np.copy: copy, np.concatenate: joiner("concatenate", J.cat), np.stack: joiner("stack", J.stack),
    }


class _NoValue:
    def __repr__(self):
        return "<no value>"


_NOVALUE = _NoValue()  # "not given" (NumPy's own sentinel is private)


def _refuse(name, keyword):
    raise TypeError(f"np.{name}(..., {keyword}=...) is not supported on npgrad tensors; compute it with npgrad "
                    f"functions, or call NumPy on .detach().numpy()")


def _mask(where, like):
    """A ``where=`` mask as a bool tensor broadcast against ``like``."""
    m = where if isinstance(where, _t.Tensor) else _t.make(np.asarray(where, dtype=bool))
    if m.dtype != D.bool:
        m = m.to(D.bool)
    return m


def _np_out(name, out, run, *inputs):
    """NumPy's ``out=`` (a Tensor, or a 1-tuple of one as ufuncs pass it) through npgrad's out= rules."""
    if out is None:
        return run()
    if isinstance(out, tuple) and len(out) == 1:
        out = out[0]
    if not isinstance(out, _t.Tensor):
        raise TypeError(f"np.{name}(..., out=...) on npgrad tensors needs an npgrad tensor as out, not "
                        f"{type(out).__name__}")
    from .._out import call_with_out
    return call_with_out(lambda *a: run(), "np." + name, inputs, {}, out)  # NumPy's casting rule, not a kernel's


def _seq(x):
    return tuple(x) if isinstance(x, (tuple, list, range)) else (x,)


def _dims(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _tensor_or_number(x, like):
    if x is None or isinstance(x, (_t.Tensor, int, float, bool)):
        return x
    return _t._as_tensor_like(x, like)


def _tensors(seq):
    like = next(x for x in seq if isinstance(x, _t.Tensor))
    return [_t._as_tensor_like(s, like) for s in seq]


def _where(condition, x=None, y=None):
    from .pointwise import where
    if x is None and y is None:
        return where(condition)
    if isinstance(condition, _t.Tensor) or not isinstance(x, _t.Tensor) and not isinstance(y, _t.Tensor):
        return where(condition, x, y)
    return where(np.asarray(condition, bool), x, y)  # an ndarray mask, as the backward formulas pass


_UFUNC_DEFAULTS = {"casting": "same_kind", "order": "K", "subok": True, "signature": None}


def array_ufunc(ufunc, method, inputs, kwargs):
    _tables()
    if method != "__call__":
        raise TypeError(f"np.{ufunc.__name__}.{method} is not supported on npgrad tensors; use the npgrad "
                        f"function (e.g. npgrad.sum) instead")
    fn = _UFUNCS.get(ufunc)
    if fn is None:
        raise TypeError(f"np.{ufunc.__name__} is not supported on npgrad tensors (it would drop the autograd "
                        f"graph); use the matching npgrad function, or .detach().numpy() first")
    out, where, dtype = kwargs.get("out"), kwargs.get("where", True), kwargs.get("dtype")
    for k, v in kwargs.items():
        if k not in ("out", "where", "dtype") and (k not in _UFUNC_DEFAULTS or v != _UFUNC_DEFAULTS[k]):
            _refuse(ufunc.__name__, k)
    if where is not True and out is None:
        _refuse(ufunc.__name__, "where")  # NumPy leaves the masked-out elements uninitialised
    if dtype is not None:
        dt = D.from_numpy_dtype(np.dtype(dtype)) if not isinstance(dtype, D.dtype) else dtype
        inputs = tuple(x.to(dt) if isinstance(x, _t.Tensor) else x for x in inputs)

    def run():
        r = _ufunc_call(ufunc, fn, inputs)
        if where is not True:
            o = out[0] if isinstance(out, tuple) else out
            r = _pwhere(_mask(where, r), r, o.detach())
        return r
    return _np_out(ufunc.__name__, out, run, *inputs)


def _pwhere(cond, x, y):
    from .pointwise import where
    return where(cond, x, y)


def _ufunc_call(ufunc, fn, inputs):
    if len(inputs) == 2:
        a, b = (x.item() if isinstance(x, np.generic) else x for x in inputs)  # NumPy scalars act as numbers
        wrap_numbers = ufunc in _NEED_TENSORS
        if not isinstance(a, _t.Tensor):
            a = a if isinstance(a, (int, float, bool)) and not wrap_numbers else _t._as_tensor_like(a, b)
        if not isinstance(b, _t.Tensor):
            b = b if isinstance(b, (int, float, bool)) and not wrap_numbers else _t._as_tensor_like(b, a)
        elif not isinstance(a, _t.Tensor) and ufunc in _REFLECTED:  # number - tensor: what torch records for it
            return _REFLECTED[ufunc](b, a)
        return fn(a, b)
    return fn(*inputs)


def array_function(func, types, args, kwargs):
    _tables()
    fn = _FUNCS.get(func)
    if fn is None:
        raise TypeError(f"np.{func.__name__} is not supported on npgrad tensors (it would drop the autograd "
                        f"graph); use the matching npgrad function, or .detach().numpy() first")
    return fn(*args, **kwargs)


# ------------------------------------------------------------------------------------------------------------
# ``txp`` (npgrad/_xp.py): NumPy's names over npgrad's recorded ops, for backward formulas under create_graph.
# A formula reads its namespace from ``ctx.xp``: NumPy in a plain backward, ``txp`` under create_graph, where its
# gradients and saved values are Tensors. ``txp.exp(t)`` is then one Python call into ``npgrad.exp`` (the same op
# ``np.exp(t)`` reaches), without NumPy's dispatch, ``Tensor.__array_ufunc__`` and the keyword checks above: about
# 2-4x less overhead per call. Arguments that hold no Tensor (index arrays, masks, shapes a formula computes) go to
# NumPy itself, so a formula may mix both; a NumPy name not listed here is NumPy's own (``txp.arange``).

def _has_tensor(values):
    T = _t.Tensor
    for v in values:
        if isinstance(v, T) or type(v) in (list, tuple) and any(isinstance(x, T) for x in v):
            return True
    return False


def _unary_entry(ufunc, fn):
    T = _t.Tensor

    def f(a, *rest, **kwargs):
        if rest or kwargs or not isinstance(a, T):
            return ufunc(a, *rest, **kwargs)  # out=/where=/dtype= (through the protocol), or no Tensor
        return fn(a)
    return f


def _binary_entry(ufunc, fn):
    T = _t.Tensor

    def f(a, b, *rest, **kwargs):
        if rest or kwargs or not (isinstance(a, T) or isinstance(b, T)):
            return ufunc(a, b, *rest, **kwargs)
        return _ufunc_call(ufunc, fn, (a, b))
    return f


def _ufunc_entry(ufunc, fn):
    f = (_unary_entry if ufunc.nin == 1 else _binary_entry)(ufunc, fn)
    for method in ("at", "reduce", "accumulate", "outer", "reduceat"):  # on arrays: xp.add.at(...)
        setattr(f, method, getattr(ufunc, method))
    f.__name__ = f.__qualname__ = ufunc.__name__
    return f


def _func_entry(np_fn, fn):
    def f(*args, **kwargs):
        if _has_tensor(args) or kwargs and _has_tensor(kwargs.values()):
            return fn(*args, **kwargs)
        return np_fn(*args, **kwargs)
    f.__name__ = f.__qualname__ = np_fn.__name__
    return f


def tensor_namespace():
    """``txp``'s functions by NumPy name: every ufunc and array function of the tables above."""
    _tables()
    from . import reduction as R, shape as S
    T = _t.Tensor
    ns = {u.__name__: _ufunc_entry(u, fn) for u, fn in _UFUNCS.items()}
    ns.update({f.__name__: _func_entry(f, fn) for f, fn in _FUNCS.items()})
    # NumPy's other names for the same callables (not dir(np): reading every name imports NumPy's lazy
    # submodules, numpy.testing and the like, ~100 ms and 140 modules)
    for alias in ("abs", "fabs", "absolute", "divide", "true_divide", "pow", "power", "round", "around", "max",
                  "amax", "min", "amin", "radians", "deg2rad", "degrees", "rad2deg", "concat", "bitwise_not",
                  "invert", "bitwise_invert", "acos", "asin", "atan", "acosh", "asinh", "atanh", "atan2",
                  "permute_dims", "mod", "remainder"):
        obj = getattr(np, alias, None)
        if alias not in ns and obj is not None and obj in _UFUNCS:
            ns[alias] = _ufunc_entry(obj, _UFUNCS[obj])
        elif alias not in ns and obj is not None and obj in _FUNCS:
            ns[alias] = _func_entry(obj, _FUNCS[obj])

    # the formulas' commonest calls, without the general wrappers (same ops, same results)
    sum_full = ns["sum"]

    def sum_(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        if dtype is not None or out is not None or kwargs or not isinstance(a, T):
            return sum_full(a, axis, dtype, out, keepdims, **kwargs)
        return R.sum(a, dim=_dims(axis), keepdim=bool(keepdims))

    def transpose(a, axes=None):
        if not isinstance(a, T):
            return np.transpose(a, axes)
        return S.permute(a, tuple(axes) if axes is not None else tuple(range(a.ndim))[::-1])

    def swapaxes(a, axis1, axis2):
        return S.transpose(a, axis1, axis2) if isinstance(a, T) else np.swapaxes(a, axis1, axis2)

    expand_dims_full = _FUNCS[np.expand_dims]

    def expand_dims(a, axis):
        if not isinstance(a, T):
            return np.expand_dims(a, axis)
        if type(axis) is int:
            return S.unsqueeze(a, axis if axis >= 0 else axis + a.ndim + 1)
        return expand_dims_full(a, axis)

    def broadcast_to(a, shape, subok=False):
        if not isinstance(a, T):
            return np.broadcast_to(a, shape, subok=subok)
        return S.expand(a, tuple(shape) if isinstance(shape, (tuple, list)) else (shape,))

    def where(condition, x=None, y=None):
        if isinstance(condition, T) or isinstance(x, T) or isinstance(y, T):
            return _where(condition, x, y)
        return np.where(condition) if x is None and y is None else np.where(condition, x, y)

    ns.update(sum=sum_, transpose=transpose, swapaxes=swapaxes, expand_dims=expand_dims, broadcast_to=broadcast_to,
              where=where)
    return ns
