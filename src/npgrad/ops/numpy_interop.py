"""NumPy on Tensors: ufuncs and array functions applied to npgrad tensors become recorded npgrad ops.

``np.exp(t)`` calls ``Tensor.__array_ufunc__``; ``np.sum(t, axis=0)`` calls ``Tensor.__array_function__``.
Both look the NumPy callable up in a table of npgrad equivalents. Anything not in the table raises a
``TypeError`` naming it, so the graph is never silently dropped. The backward formulas rely on this too:
written with NumPy functions, they run on arrays or, under ``create_graph``, on Tensors.
"""
import numpy as np

from .. import _tensor as _t

_UFUNCS = None
_FUNCS = None


def _tables():
    global _UFUNCS, _FUNCS
    if _UFUNCS is not None:
        return
    from . import pointwise as P, reduction as R, shape as S, linalg as L
    _UFUNCS = {
        np.add: P.add, np.subtract: P.sub, np.multiply: P.mul, np.true_divide: P.div, np.negative: P.neg,
        np.positive: lambda x: x, np.power: P.pow, np.exp: P.exp, np.log: P.log, np.sqrt: P.sqrt,
        np.absolute: P.abs, np.tanh: P.tanh, np.sign: P.sign, np.log1p: P.log1p, np.expm1: P.expm1,
        np.maximum: P.maximum, np.minimum: P.minimum, np.logaddexp: P.logaddexp, np.greater: P.gt,
        np.greater_equal: P.ge, np.less: P.lt, np.less_equal: P.le, np.equal: P.eq, np.not_equal: P.ne,
        np.reciprocal: P.reciprocal, np.square: P.square, np.matmul: L.matmul,
        np.logical_not: P.logical_not, np.invert: P.bitwise_not, np.bitwise_and: P.bitwise_and,
        np.bitwise_or: P.bitwise_or, np.bitwise_xor: P.bitwise_xor, np.floor_divide: P.floor_divide,
        np.remainder: P.remainder,
    }

    def _axis(fn):
        def f(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
            _no_out(out)
            if isinstance(axis, list):
                axis = tuple(axis)
            return fn(a, dim=axis, keepdim=bool(keepdims), dtype=dtype)
        return f

    def _expand_dims(a, axis):
        axes = axis if isinstance(axis, (tuple, list)) else (axis,)
        nd = a.ndim + len(axes)
        for ax in sorted(ax % nd for ax in axes):
            a = S.unsqueeze(a, ax)
        return a

    def _transpose(a, axes=None):
        return S.permute(a, tuple(axes) if axes is not None else tuple(range(a.ndim))[::-1])

    def _squeeze(a, axis=None):
        return S.squeeze(a, axis)

    _FUNCS = {
        np.sum: _axis(R.sum), np.mean: _axis(R.mean), np.reshape: lambda a, shape=None, **kw: S.reshape(a, shape),
        np.transpose: _transpose, np.expand_dims: _expand_dims, np.squeeze: _squeeze,
        np.broadcast_to: lambda a, shape, subok=False: S.expand(a, tuple(shape)),
        np.swapaxes: lambda a, a1, a2: S.transpose(a, a1, a2), np.where: P.where,
        np.dot: lambda a, b, out=None: L.matmul(_t._as_tensor_like(a, b), _t._as_tensor_like(b, a)),
        np.shape: lambda a: tuple(a.shape), np.ndim: lambda a: a.ndim, np.size: lambda a, axis=None: a.numel()
        if axis is None else a.shape[axis], np.copy: lambda a, **kw: S.clone(a),
    }
    _FUNCS[np.concatenate] = _deferred("concatenate")
    _FUNCS[np.stack] = _deferred("stack")


def _deferred(name):
    def f(*args, **kwargs):
        import npgrad
        fn = getattr(npgrad, "cat" if name == "concatenate" else name, None)
        if fn is None:
            raise TypeError(f"np.{name} is not supported on npgrad tensors yet")
        seq = args[0]
        axis = kwargs.get("axis", args[1] if len(args) > 1 else 0)
        return fn([_t._as_tensor_like(s, next(x for x in seq if isinstance(x, _t.Tensor))) for s in seq], axis)
    return f


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
        a, b = inputs
        if not isinstance(a, _t.Tensor):
            a = a if isinstance(a, (int, float, bool)) else _t._as_tensor_like(a, b)
        if not isinstance(b, _t.Tensor):
            b = b if isinstance(b, (int, float, bool)) else _t._as_tensor_like(b, a)
        return fn(a, b)
    return fn(*inputs)


def array_function(func, types, args, kwargs):
    _tables()
    fn = _FUNCS.get(func)
    if fn is None:
        raise TypeError(f"np.{func.__name__} is not supported on npgrad tensors (it would drop the autograd "
                        f"graph); use the matching npgrad function, or .detach().numpy() first")
    return fn(*args, **kwargs)
