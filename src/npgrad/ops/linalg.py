"""Matrix products. ``matmul`` dispatches as torch does: dot (1-D·1-D), mv, mm, and broadcast batched
products; the node names follow (``DotBackward0``, ``MvBackward0``, ``MmBackward0``, ...)."""
import numpy as np

from ..autograd.function import Function
from .. import _tensor as _t
from . import shape as _S

__all__ = ["matmul", "mm", "mv", "dot", "bmm"]


def _same_dtype(a, b, name):
    if a._data.dtype != b._data.dtype:
        names = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
                 "int32": "int"}
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{names.get(a._data.dtype.name, a._data.dtype.name)} != "
                           f"{names.get(b._data.dtype.name, b._data.dtype.name)}")


class Dot(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.dot(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * tensor; tensor: grad * self
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class Mv(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, m, v):
        ctx.save_for_backward(m, v)
        return m @ v

    @staticmethod
    def backward(ctx, grad):
        # self: grad.ger(vec); vec: self.t().mv(grad)
        m, v = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad[:, None] * v[None, :] if need[0] else None,
                m.mT @ grad if need[1] else None)


class Mm(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        # self: mm_mat1_backward(grad, mat2) = grad.mm(mat2.t()); mat2: mat1.t().mm(grad)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return grad @ b.mT if need[0] else None, a.mT @ grad if need[1] else None


class Matmul(Function):
    """Batched, broadcasting product (both operands at least 2-D); the engine sums broadcast batch dims."""
    _builtin, _broadcast = True, True
    _node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.matmul(other.mT) summed to self's shape; other: self.mT.matmul(grad) summed to other's
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return grad @ b.mT if need[0] else None, a.mT @ grad if need[1] else None


class MatmulTransposed(Matmul):
    """2-D @ batched: torch computes it transposed and records a clone last."""
    _node_name = "CloneBackward0"


class Bmm(Matmul):
    _broadcast = False
    _node_name = "BmmBackward0"


def _mm_error(a, b):
    sa, sb = a._data.shape, b._data.shape
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})")


def matmul(input, other):
    """Matrix product with torch's rules for 1-D, 2-D and batched (broadcast) operands."""
    if not isinstance(other, _t.Tensor) or not isinstance(input, _t.Tensor):
        raise TypeError(f"matmul(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    da, db = input._data.ndim, other._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    _same_dtype(input, other, "matmul")
    sa, sb = input._data.shape, other._data.shape
    if da == 1 and db == 1:
        if sa[0] != sb[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the "
                               f"same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
        return Dot.apply(input, other)
    if da == 2 and db == 1:
        if sa[1] != sb[0]:
            raise RuntimeError(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({sb[0]})")
        return Mv.apply(input, other)
    if da == 1 and db == 2:
        if sa[0] != sb[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied (1x{sa[0]} and {sb[0]}x{sb[1]})")
        return _S.SqueezeDims.apply(Mm.apply(_S.unsqueeze(input, 0), other), (0,))
    if da == 2 and db == 2:
        if sa[1] != sb[0]:
            _mm_error(input, other)
        return Mm.apply(input, other)
    a = _S.unsqueeze(input, 0) if da == 1 else input
    b = _S.unsqueeze(other, -1) if db == 1 else other
    if a._data.shape[-1] != b._data.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b._data.shape[0] if b._data.ndim > 2 else 1}, {a._data.shape[-1]}] but got: "
                           f"[{b._data.shape[0] if b._data.ndim > 2 else 1}, {b._data.shape[-2]}].")
    try:
        np.broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"The size of tensor a must match the size of tensor b at non-singleton dimension "
                           f"(batch shapes {list(a._data.shape[:-2])} and {list(b._data.shape[:-2])})") from None
    out = (MatmulTransposed if da == 2 and db > 2 else Matmul).apply(a, b)
    if da == 1 or db == 1:
        shape = out._data.shape
        shape = shape[:-2] + (shape[-2:-1] if da != 1 else ()) + (shape[-1:] if db != 1 else ())
        out = _S.UnsafeView.apply(out, shape)
    return out


def mm(input, mat2):
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError(f"self must be a matrix" if input._data.ndim != 2 else "mat2 must be a matrix")
    _same_dtype(input, mat2, "mm")
    if input._data.shape[1] != mat2._data.shape[0]:
        _mm_error(input, mat2)
    return Mm.apply(input, mat2)


def mv(input, vec):
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {vec._data.ndim}, {input._data.ndim}, "
                           f"{vec._data.ndim}")
    return matmul(input, vec)


def dot(input, other):
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    return matmul(input, other)


def bmm(input, mat2):
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor" if input._data.ndim != 3 else "batch2 must be a 3D tensor")
    _same_dtype(input, mat2, "bmm")
    sa, sb = input._data.shape, mat2._data.shape
    if sa[0] != sb[0] or sa[2] != sb[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                           f"but got: [{sb[0]}, {sb[1]}].")
    return Bmm.apply(input, mat2)


def bind_methods(T):
    T.matmul = matmul
    T.mm = mm
    T.mv = mv
    T.dot = dot
    T.bmm = bmm
