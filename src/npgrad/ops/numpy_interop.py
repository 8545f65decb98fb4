"""NumPy on Tensors: ufuncs and array functions applied to npgrad tensors become recorded npgrad ops.

``np.exp(t)`` calls ``Tensor.__array_ufunc__``; ``np.sum(t, axis=0)`` calls ``Tensor.__array_function__``.
Both look the NumPy callable up in a table of npgrad equivalents, translating NumPy's arguments (``axis``,
``keepdims``, ``ddof``, ``a_min``...) to torch's. Anything not in the table raises a ``TypeError`` naming it,
so the graph is never silently dropped. The backward formulas rely on this too: written with NumPy
functions, they run on arrays or, under ``create_graph``, on Tensors.

Where NumPy and torch disagree on a name, the NumPy meaning wins here: ``np.max(t)`` is ``amax`` (values
only), ``np.var(t)`` has ``ddof=0``, ``np.mean`` of an integer tensor is a float, ``np.cumsum(t)`` with no
axis scans the flattened tensor.
"""
import numpy as np

from .. import _tensor as _t

_UFUNCS = None
_FUNCS = None
_NEED_TENSORS = None  # ufuncs whose npgrad function takes two tensors (a Python number gets wrapped)
_REFLECTED = {}  # number (op) tensor reaches us as a ufunc call: torch's reflected ops (``2 - x`` is rsub)


def _tables():
    global _UFUNCS, _FUNCS, _NEED_TENSORS
    if _UFUNCS is not None:
        return
    from . import pointwise as P, pointwise_unary as U, pointwise_special as SP, pointwise_ternary as PT
    from . import comparison as C, reduction as R, reduction_sort as RS
    from . import reduction_scan as RC, shape as S, linalg as L, joining as J
    from .. import _dtype as D
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

    def axis_fn(fn, float_result=False):
        """``np.sum``-style ``(a, axis=None, dtype=None, out=None, keepdims=False)`` -> ``fn(a, dim, keepdim)``."""
        def f(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
            _no_out(out)
            if dtype is not None and not isinstance(dtype, D.dtype):
                dtype = D.from_numpy_dtype(np.dtype(dtype))
            elif dtype is None and float_result and not a.is_floating_point():
                dtype = D.get_default_dtype()  # NumPy's mean of integers is a float
            return fn(a, dim=_dims(axis), keepdim=bool(keepdims), dtype=dtype)
        return f

    def extreme(fn):
        def f(a, axis=None, out=None, keepdims=False, **kw):
            _no_out(out)
            return fn(a, () if axis is None else _dims(axis), bool(keepdims))
        return f

    def arg(fn):
        def f(a, axis=None, out=None, keepdims=False):
            _no_out(out)
            return fn(a, axis, bool(keepdims))
        return f

    def moments(fn):
        def f(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
            _no_out(out)
            return fn(a, _dims(axis), keepdim=bool(keepdims), correction=ddof)
        return f

    def prod(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
        _no_out(out)
        if axis is None and not keepdims:
            return R.prod(a)
        for d in sorted((x % a.ndim for x in _seq(axis if axis is not None else range(a.ndim))), reverse=True):
            a = R.prod(a, d, keepdim=bool(keepdims))
        return a

    def scan(fn):
        def f(a, axis=None, dtype=None, out=None):
            _no_out(out)
            if axis is None:
                a, axis = S.reshape(a, -1), 0
            return fn(a, axis)
        return f

    def sort(a, axis=-1, kind=None, order=None, **kw):
        if axis is None:
            a, axis = S.reshape(a, -1), 0
        return (RS.sort(a, axis, stable=True) if kind == "stable" else RS.sort(a, axis)).values

    def argsort(a, axis=-1, kind=None, order=None, **kw):
        if axis is None:
            a, axis = S.reshape(a, -1), 0
        return RS.argsort(a, axis)

    def clip(a, a_min=None, a_max=None, out=None, **kw):
        _no_out(out)
        a_min = kw.pop("min", a_min)
        a_max = kw.pop("max", a_max)
        return PT.clamp(a, *(_tensor_or_number(x, a) for x in (a_min, a_max)))

    def logical(fn):
        def f(a, axis=None, out=None, keepdims=False, **kw):
            _no_out(out)
            return fn(a, () if axis is None else axis, bool(keepdims)) if axis is not None or keepdims else fn(a)
        return f

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
        _no_out(out)
        return SP.round(a, decimals=decimals)

    _FUNCS = {
        np.sum: axis_fn(R.sum), np.mean: axis_fn(R.mean, float_result=True), np.nansum: axis_fn(R.nansum),
        np.nanmean: axis_fn(R.nanmean, float_result=True), np.prod: prod, np.max: extreme(RS.amax),
        np.min: extreme(RS.amin), np.amax: extreme(RS.amax), np.amin: extreme(RS.amin),
        np.argmax: arg(RS.argmax), np.argmin: arg(RS.argmin),
        np.var: moments(R.var), np.std: moments(R.std), np.cumsum: scan(RC.cumsum),
        np.cumprod: scan(RC.cumprod), np.sort: sort, np.argsort: argsort, np.clip: clip, np.diff: diff,
        np.all: logical(R.all), np.any: logical(R.any),
        np.count_nonzero: lambda a, axis=None, keepdims=False: R.count_nonzero(a, _dims(axis)),
        np.round: round_, np.around: round_, np.flip: flip,
        np.isclose: lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False:
            C.isclose(_t._as_tensor_like(a, b), _tensor_or_number(b, a), rtol, atol, equal_nan),
        np.allclose: lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False:
            C.allclose(_t._as_tensor_like(a, b), _tensor_or_number(b, a), rtol, atol, equal_nan),
        np.reshape: lambda a, shape=None, order="C", **kw: S.reshape(a, kw.get("newshape", shape)),
        np.transpose: transpose, np.expand_dims: expand_dims, np.squeeze: lambda a, axis=None: S.squeeze(a, axis),
        np.broadcast_to: lambda a, shape, subok=False: S.expand(a, tuple(shape)),
        np.swapaxes: lambda a, a1, a2: S.transpose(a, a1, a2), np.where: _where,
        np.dot: lambda a, b, out=None: L.matmul(_t._as_tensor_like(a, b), _t._as_tensor_like(b, a)),
        np.shape: lambda a: tuple(a.shape), np.ndim: lambda a: a.ndim,
        np.size: lambda a, axis=None: a.numel() if axis is None else a.shape[axis],
        np.copy: lambda a, **kw: S.clone(a),
        np.concatenate: lambda seq, axis=0, out=None, **kw: J.cat(_tensors(seq), axis),
        np.stack: lambda seq, axis=0, out=None, **kw: J.stack(_tensors(seq), axis),
    }


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


def _no_out(out):
    if out is not None:
        raise TypeError("npgrad tensors do not support NumPy's out= argument; assign the result instead")


def array_ufunc(ufunc, method, inputs, kwargs):
    _tables()
    if method != "__call__":
        raise TypeError(f"np.{ufunc.__name__}.{method} is not supported on npgrad tensors; use the npgrad "
                        f"function (e.g. npgrad.sum) instead")
    if kwargs.get("out") is not None:
        _no_out(kwargs["out"])
    fn = _UFUNCS.get(ufunc)
    if fn is None:
        raise TypeError(f"np.{ufunc.__name__} is not supported on npgrad tensors (it would drop the autograd "
                        f"graph); use the matching npgrad function, or .detach().numpy() first")
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
