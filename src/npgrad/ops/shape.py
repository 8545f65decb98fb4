"""Shape ops: views (reshape/view, transpose, permute, squeeze/unsqueeze, expand) and copies (clone, to).

Views share the input's storage and version counter (``_view = True``), as in torch.
"""
import numpy as np

from ..autograd.function import Function
from .._shape import norm_dim, sum_to, Size
from .. import _tensor as _t

__all__ = ["reshape", "view", "transpose", "t", "permute", "unsqueeze", "squeeze", "expand", "clone",
           "to_copy", "flatten", "unbind", "broadcast_to", "contiguous"]


def _infer_shape(shape, numel, src_shape):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


class View(Function):
    _builtin, _view = True, True
    _ctx_fields = ("shape",)

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.reshape_symint(self.sym_sizes())
        return grad.reshape(ctx.shape), None


class UnsafeView(View):
    """A reshape that had to copy (non-contiguous input): torch records ``_unsafe_view``."""
    _node_name = "UnsafeViewBackward0"


class Transpose(Function):
    _builtin, _view = True, True
    _ctx_fields = ("d0", "d1")

    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.d0, ctx.d1 = d0, d1
        return a.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.transpose(dim0, dim1)
        return grad.swapaxes(ctx.d0, ctx.d1), None, None


class T(Function):
    _builtin, _view = True, True
    _node_name = "TBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.T

    @staticmethod
    def backward(ctx, grad):
        # self: grad.t()
        return grad.T


class Permute(Function):
    _builtin, _view = True, True
    _ctx_fields = ("dims",)

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        # self: permute_backwards(grad, dims)
        return np.transpose(grad, np.argsort(ctx.dims).tolist()), None


class Unsqueeze(Function):
    _builtin, _view = True, True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.expand_dims(a, dim)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.squeeze(dim)
        return np.squeeze(grad, ctx.dim), None


class Squeeze(Function):
    """``squeeze()`` of every size-1 dim."""
    _builtin, _view = True, True
    _ctx_fields = ("shape",)

    @staticmethod
    def forward(ctx, a, dims):
        ctx.shape = a.shape
        return np.squeeze(a, dims)

    @staticmethod
    def backward(ctx, grad):
        # self: unsqueeze_to(grad, self.sym_sizes())
        return grad.reshape(ctx.shape), None


class SqueezeDim(Squeeze):
    _node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    _node_name = "SqueezeBackward4"


class Expand(Function):
    _builtin, _view = True, True
    _ctx_fields = ("shape",)

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        # self: at::sum_to(grad, self.sym_sizes())
        return sum_to(grad, ctx.shape), None


class Clone(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        # self: grad
        return grad


class ToCopy(Function):
    _builtin = True
    _ctx_fields = ("dtype",)

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        # self: _to_copy_backward(grad, self.options())
        return cast(grad, ctx.dtype), None


def cast(x, np_dtype):
    """Cast an array or a Tensor (recorded) to a NumPy dtype."""
    if isinstance(x, np.ndarray):
        return x.astype(np_dtype, copy=False)
    if x._data.dtype == np_dtype:
        return x
    return ToCopy.apply(x, np_dtype)


# ---------------------------------------------------------------------------------------------- functions
def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def reshape(input, *shape):
    shape = _infer_shape(_shape_arg(shape), input._data.size, input._data.shape)
    if shape == input._data.shape:
        return View.apply(input, shape)
    a = input._data
    if a.flags.c_contiguous or np.may_share_memory(a.reshape(shape), a):
        return View.apply(input, shape)
    return UnsafeView.apply(Clone.apply(input), shape)


def view(input, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, int)):
        return to_copy(input, shape[0]) if shape[0].np != input._data.dtype else input
    shape = _infer_shape(_shape_arg(shape), input._data.size, input._data.shape)
    a = input._data
    if not a.flags.c_contiguous and shape != a.shape:
        try:
            r = a.view()
            r.shape = shape  # NumPy refuses exactly when no view exists
        except AttributeError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") \
                from None
    return View.apply(input, shape)


def view_as(input, other):
    return view(input, other._data.shape)


def reshape_as(input, other):
    return reshape(input, other._data.shape)


def flatten(input, start_dim=0, end_dim=-1):
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, 1)
    s, e = norm_dim(start_dim, nd), norm_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shp = input._data.shape
    return reshape(input, shp[:s] + (-1,) + shp[e + 1:])


def transpose(input, dim0, dim1):
    nd = input._data.ndim
    d0, d1 = norm_dim(dim0, nd), norm_dim(dim1, nd)
    return Transpose.apply(input, d0, d1)


swapaxes = swapdims = transpose


def t(input):
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return T.apply(input)


def permute(input, *dims):
    dims = _shape_arg(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(norm_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


def unsqueeze(input, dim):
    return Unsqueeze.apply(input, norm_dim(dim, input._data.ndim + 1))


def squeeze(input, dim=None):
    shp = input._data.shape
    if dim is None:
        return Squeeze.apply(input, tuple(i for i, s in enumerate(shp) if s == 1))
    if isinstance(dim, (tuple, list)):
        dims = tuple(norm_dim(d, len(shp)) for d in dim)
        return SqueezeDims.apply(input, tuple(d for d in dims if shp[d] == 1))
    d = norm_dim(dim, max(len(shp), 1)) if shp else None
    return SqueezeDim.apply(input, (d,) if d is not None and shp[d] == 1 else ())


def expand(input, *sizes):
    sizes = _shape_arg(sizes)
    shp = input._data.shape
    if len(sizes) < len(shp):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shp)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shp)})")
    lead = len(sizes) - len(shp)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   "non-existing dimension 0")
            target.append(s)
            continue
        cur = shp[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shp)}")
        target.append(s)
    return Expand.apply(input, tuple(target))


def expand_as(input, other):
    return expand(input, other._data.shape)


def broadcast_to(input, size):
    return expand(input, size)


def clone(input, *, memory_format=None):
    return Clone.apply(input)


def contiguous(input, memory_format=None):
    return input if input._data.flags.c_contiguous else Clone.apply(input)


def to_copy(input, dtype):
    return ToCopy.apply(input, dtype.np)


def unbind(input, dim=0):
    from .indexing import select
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = norm_dim(dim, nd)
    return tuple(select(input, d, i) for i in range(input._data.shape[d]))


def bind_methods(T_):
    for name, fn in [("reshape", reshape), ("view", view), ("view_as", view_as), ("reshape_as", reshape_as),
                     ("flatten", flatten), ("transpose", transpose), ("swapaxes", transpose),
                     ("swapdims", transpose), ("t", t), ("permute", permute), ("unsqueeze", unsqueeze),
                     ("squeeze", squeeze), ("expand", expand), ("expand_as", expand_as),
                     ("broadcast_to", broadcast_to), ("clone", clone), ("contiguous", contiguous),
                     ("unbind", unbind)]:
        setattr(T_, name, fn)
    T_.T = property(lambda self: Permute.apply(self, tuple(range(self._data.ndim))[::-1])
                    if self._data.ndim != 2 else Permute.apply(self, (1, 0)))
    T_.mT = property(lambda self: transpose(self, -2, -1))
    T_.mH = T_.mT
    T_.H = property(lambda self: t(self))
