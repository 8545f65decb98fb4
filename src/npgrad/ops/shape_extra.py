"""More shape and layout ops: ``as_strided``, ``Tensor.unfold``, ``broadcast_tensors``, ``block_diag``,
``cartesian_prod``, ``combinations``, ``rot90``, ``tril_indices``/``triu_indices``, ``ravel``, ``vander``,
``renorm``, the ``*_scatter`` family, ``index_reduce``, ``put``/``put_``, ``resize_``, ``fill_diagonal_``,
``sum_to_size``, ``Tensor.new``, ``apply_``/``map_``, and the in-place shape methods (``unsqueeze_``, ``t_``...).

``as_strided`` and ``unfold`` are views whose elements may repeat: both are ``IndexMap``s, a linear map
"accumulate the input's elements into a storage of n slots at ``src`` positions, read the slots at ``dst``
positions", whose adjoint is the same map with ``src`` and ``dst`` swapped: one class serves forward, backward
and double backward.

>>> import npgrad
>>> npgrad.arange(6.).unfold(0, 2, 2)
tensor([[0., 1.],
        [2., 3.],
        [4., 5.]])
"""
import itertools

import numpy as np
from .._dtype import is_float_np
from .._xp import xp, xp_of

from ..autograd.function import Function, dispatch
from .. import _tensor as _t
from .._shape import norm_dim, Size, UNSET, np_alias, required_dim
from .pointwise import where, zeros_of
from .shape import track_view

__all__ = ["as_strided", "broadcast_tensors", "block_diag", "cartesian_prod", "combinations", "rot90",
           "tril_indices", "triu_indices", "ravel", "vander", "renorm", "diagonal_scatter", "select_scatter",
           "slice_scatter", "index_reduce", "put", "as_strided_", "resize_as_"]


# ---------------------------------------------------------------------------------------------- index maps
class IndexMap(Function):
    """``out = (zeros(n) with input.ravel() added at src)[dst].reshape(shape)``: a linear map whose adjoint is
    the same map back (``dst`` -> ``src``)."""
    _builtin = True
    _ctx_fields = ("src", "dst", "n", "in_shape")

    @staticmethod
    def forward(ctx, a, src, dst, n, shape):
        ctx.src, ctx.dst, ctx.n, ctx.in_shape = src, dst, n, a.shape
        store = xp.zeros(n, a.dtype)
        xp.add.at(store, src, a.reshape(-1))
        return store[dst].reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        # self: the adjoint map (accumulate grad at dst, read at src)
        return dispatch(IndexMap, grad, ctx.dst, ctx.src, ctx.n, ctx.in_shape), None, None, None, None


class AsStrided(IndexMap):
    _view = True
    _ctx_fields = ("src", "dst", "n", "in_shape", "geom")  # type: ignore[assignment]

    @staticmethod
    def forward(ctx, a, view, src, dst, n, geom=None):
        ctx.src, ctx.dst, ctx.n, ctx.in_shape, ctx.geom = src, dst, n, a.shape, geom  # geom: (size, stride, offset)
        return view

    @staticmethod
    def backward(ctx, grad):
        # self: as_strided_backward(grad, TensorGeometry(self), size, stride, storage_offset)
        return dispatch(IndexMap, grad, ctx.dst, ctx.src, ctx.n, ctx.in_shape), None, None, None, None, None


class Unfold(AsStrided):
    pass


def _storage(a):
    """The array that owns ``a``'s memory, and ``a``'s offset in it (in elements)."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    off = (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize
    return root, off


def _positions(shape, strides, offset):
    """Storage index of every element of a strided layout, in C order."""
    idx = xp.full(shape, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        sh = [1] * len(shape)
        sh[d] = n
        idx = idx + (xp.arange(n, dtype=np.int64) * s).reshape(sh)
    return idx.reshape(-1)


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s storage with the given sizes, strides (in elements) and offset, as torch.

    Args:
        input (Tensor): the input tensor.
        size (tuple of ints): the view's shape.
        stride (tuple of ints): the view's strides, in elements.
        storage_offset (int, optional): the offset into the storage, in elements.

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(9.)
        >>> torch.as_strided(x, (2, 2), (3, 1))
        tensor([[0., 1.],
                [3., 4.]])
        >>> torch.as_strided(x, (3,), (4,))
        tensor([0., 4., 8.])
    """
    a = input._data
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    root, own = _storage(a)
    if not root.flags.c_contiguous:
        root, own = xp.ascontiguousarray(a), 0
    flat = root.reshape(-1)
    offset = own if storage_offset is None else int(storage_offset)
    need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if need > flat.size or offset < 0 or any(s < 0 for s in stride):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {a.itemsize} requiring a storage size of {need * a.itemsize} are out of "
                           f"bounds for storage of size {flat.size * a.itemsize}")
    view = xp.lib.stride_tricks.as_strided(flat[offset:] if flat.size else flat, size,
                                           tuple(s * a.itemsize for s in stride))
    src = _positions(a.shape, _elem_strides(a), own)
    dst = _positions(size, stride, offset)
    return track_view(AsStrided.apply(input, view, src, dst, flat.size, (size, stride, offset)), input, AsStrided)


def _elem_strides(a):
    return tuple(s // a.itemsize for s in a.strides)


def unfold(self, dimension, size, step):
    """Windows of ``size`` elements every ``step`` along ``dimension``, as a new last dim (a view).

    Example:
        >>> import npgrad as torch
        >>> torch.arange(6.).unfold(0, 2, 2)
        tensor([[0., 1.],
                [2., 3.],
                [4., 5.]])
        >>> torch.arange(5.).unfold(0, 3, 1)
        tensor([[0., 1., 2.],
                [1., 2., 3.],
                [2., 3., 4.]])
    """
    a = self._data
    d = norm_dim(dimension, max(a.ndim, 1))
    n = a.shape[d] if a.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if a.ndim == 0:
        return track_view(Unfold.apply(self, a.reshape(1), xp.zeros(1, np.int64), xp.zeros(1, np.int64), 1), self,
                          Unfold)
    count = (n - size) // step + 1
    shape = a.shape[:d] + (count,) + a.shape[d + 1:] + (size,)
    strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
    view = xp.lib.stride_tricks.as_strided(a, shape, strides, writeable=a.flags.writeable)
    pos = xp.arange(a.size, dtype=np.int64).reshape(a.shape)
    es = _elem_strides(pos)
    dst = xp.lib.stride_tricks.as_strided(pos, shape, tuple(s * pos.itemsize for s in
                                                           es[:d] + (es[d] * step,) + es[d + 1:] + (es[d],)))
    return track_view(Unfold.apply(self, view, xp.arange(a.size, dtype=np.int64), dst.reshape(-1).copy(), a.size),
                      self, Unfold)


# ---------------------------------------------------------------------------------------------- joining
def broadcast_tensors(*tensors):
    """Each tensor expanded to the common broadcast shape (a tensor already of that shape is returned as is).

    Args:
        *tensors (Tensors): the tensors.

    Example:
        >>> import npgrad as torch
        >>> a, b = torch.broadcast_tensors(torch.tensor([[1], [2]]), torch.tensor([10, 20, 30]))
        >>> a
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> b
        tensor([[10, 20, 30],
                [10, 20, 30]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    from .._shape import broadcast_shapes
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if tuple(t.shape) == tuple(shape) else t.expand(shape) for t in tensors)


class BlockDiag(Function):
    _builtin = True
    _ctx_fields = ("blocks",)

    @staticmethod
    def forward(ctx, *arrays):
        from .._dtype import result_np
        dt = result_np([xp.empty((1,), a.dtype) for a in arrays]) if arrays else np.float32
        mats = [a.reshape(1, -1) if a.ndim < 2 else a for a in arrays]
        mats = [m.reshape(1, 1) if a.ndim == 0 else m for a, m in zip(arrays, mats)]
        rows, cols = sum(m.shape[0] for m in mats), sum(m.shape[1] for m in mats)
        out = xp.zeros((rows, cols), dt)
        r = c = 0
        blocks = []
        for a, m in zip(arrays, mats):
            out[r:r + m.shape[0], c:c + m.shape[1]] = m
            blocks.append((r, c, m.shape, a.shape, a.dtype))
            r, c = r + m.shape[0], c + m.shape[1]
        ctx.blocks = blocks
        return out

    @staticmethod
    def backward(ctx, grad):
        # tensors: block_diag_backward(grad, shapes, scalar_types)
        out = []
        for need, (r, c, (h, w), shape, dt) in zip(ctx.needs_input_grad, ctx.blocks):
            if not need:
                out.append(None)
                continue
            g = grad[r:r + h, c:c + w].reshape(shape)
            out.append(g)
        return tuple(out)


def block_diag(*tensors):
    """The tensors (0-d, 1-d as rows, or 2-d) placed on the diagonal of a block matrix.

    Args:
        *tensors (Tensors): 0-D, 1-D or 2-D tensors.

    Example:
        >>> import npgrad as torch
        >>> torch.block_diag(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[5]]))
        tensor([[1, 2, 0],
                [3, 4, 0],
                [0, 0, 5]])
    """
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
    if not tensors:
        return _t.make(xp.zeros((1, 0), np.float32))
    return BlockDiag.apply(*tensors)


def cartesian_prod(*tensors):
    """All combinations of one element from each 1-D tensor, one per row (``meshgrid`` then ``stack``).

    Args:
        *tensors (Tensors): 1-D tensors.

    Example:
        >>> import npgrad as torch
        >>> torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    from .joining import meshgrid, stack
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def combinations(input, r=2, with_replacement=False):
    """Length-``r`` combinations of a 1-D tensor's elements, one per row (``itertools.combinations`` order).

    Args:
        input (Tensor): the input tensor.
        r (int, optional): the length of each combination (default 2).
        with_replacement (bool, optional): allow an element to repeat (default False).

    Example:
        >>> import npgrad as torch
        >>> torch.combinations(torch.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
        >>> torch.combinations(torch.tensor([1, 2]), with_replacement=True)
        tensor([[1, 1],
                [1, 2],
                [2, 2]])
    """
    from .joining import stack
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _t.make(xp.zeros((0,), input._data.dtype))
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = xp.array(list(gen(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    if not idx.size:
        return _t.make(xp.zeros((0, r), input._data.dtype))
    return stack([input[_t.make(idx[:, k].copy())] for k in range(r)], dim=1)


class Rot90(Function):
    _builtin = True
    _ctx_fields = ("k", "dims")

    @staticmethod
    def forward(ctx, a, k, dims):
        ctx.k, ctx.dims = k, dims
        return xp.ascontiguousarray(xp.rot90(a, k, dims))

    @staticmethod
    def backward(ctx, grad):
        # self: grad.rot90(-k, dims)
        return dispatch(Rot90, grad, -ctx.k, ctx.dims), None, None


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the second).

    Args:
        input (Tensor): the input tensor.
        k (int, optional): how many quarter turns (default 1; negative turns the other way).
        dims (pair of ints, optional): the plane to rotate in (default (0, 1)).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1, 2], [3, 4]])
        >>> torch.rot90(x)
        tensor([[2, 4],
                [1, 3]])
        >>> torch.rot90(x, k=-1)
        tensor([[3, 1],
                [4, 2]])
    """
    n = input.dim()
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = norm_dim(dims[0], n), norm_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return Rot90.apply(input, int(k) % 4, (d0, d1))


def _tri_indices(fn, row, col, offset, dtype):
    from .._dtype import to_numpy_dtype, int64
    dt = to_numpy_dtype(dtype if dtype is not None else int64)
    if row < 0 or col < 0:
        raise RuntimeError(f"row must be non-negative, got{row}" if row < 0 else f"col must be non-negative, got{col}")
    r, c = fn(row, offset, col)
    return _t.make(xp.stack([r, c]).astype(dt).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) indices of the lower triangle of a row x col matrix, as a 2 x N tensor.

    Args:
        row (int): the number of rows.
        col (int): the number of columns.
        offset (int, optional): which diagonal: 0 the main one, > 0 above it, < 0 below it.
        dtype (npgrad.dtype, optional): the index dtype (default int64).
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.

    Example:
        >>> import npgrad as torch
        >>> torch.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
        >>> torch.tril_indices(3, 2, offset=-1)
        tensor([[1, 2, 2],
                [0, 0, 1]])
    """
    return _tri_indices(xp.tril_indices, row, col, offset, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """Coordinates of the upper triangle of a ``row`` by ``col`` matrix.

    Args:
        row (int): the number of rows.
        col (int): the number of columns.
        offset (int, optional): the diagonal to start from (default 0).
        dtype (npgrad.dtype, optional): the result's dtype (default int64).

    Returns:
        Tensor: a ``(2, N)`` tensor: row indices, then column indices.

    Example:
        >>> import npgrad as torch
        >>> torch.triu_indices(3, 3)
        tensor([[0, 0, 0, 1, 1, 2],
                [0, 1, 2, 1, 2, 2]])
        >>> torch.triu_indices(3, 3, offset=1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    return _tri_indices(xp.triu_indices, row, col, offset, dtype)


def ravel(input):
    """``contiguous().view(-1)``, as torch: a view of a contiguous tensor, else a copy.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.ravel(torch.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
    return input.contiguous().view(-1)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns x^0 ... x^(N-1) (reversed unless ``increasing``).

    Args:
        x (Tensor): a 1-D tensor.
        N (int, optional): the number of columns (default ``len(x)``).
        increasing (bool, optional): powers increase from left to right (default False).

    Example:
        >>> import npgrad as torch
        >>> torch.vander(torch.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
        >>> torch.vander(torch.tensor([1, 2, 3]), N=2, increasing=True)
        tensor([[1, 1],
                [1, 2],
                [1, 3]])
    """
    from .joining import cat, flip
    from .reduction_scan import cumprod
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = x._data.dtype
    if dt.kind == "b" or dt.kind in "iu":
        x = x.long()
    if n == 0:
        return _t.make(xp.zeros((x.shape[0], 0), x._data.dtype))
    ones = _t.make(xp.ones((x.shape[0], 1), x._data.dtype))
    if n == 1:
        out = ones
    else:
        out = cumprod(cat([ones, x.unsqueeze(1).expand(x.shape[0], n - 1)], 1), 1)
    return out if increasing else flip(out, 1)


# ---------------------------------------------------------------------------------------------- renorm
class Renorm(Function):
    """Each slice along ``dim`` whose p-norm exceeds ``maxnorm`` is scaled down to norm ``maxnorm`` (torch's
    factor ``maxnorm / (norm + 1e-7)``)."""
    _builtin = True
    _ctx_fields = ("p", "axes", "maxnorm")

    @staticmethod
    def forward(ctx, a, p, dim, maxnorm):
        axes = tuple(i for i in range(a.ndim) if i != dim)
        ctx.p, ctx.axes, ctx.maxnorm = p, axes, maxnorm
        ctx.save_for_backward(a)
        return a * Renorm._factor(a, p, axes, maxnorm)[0]

    @staticmethod
    def _factor(a, p, axes, maxnorm):
        xp = xp_of(a)  # NumPy, or txp on Tensors (create_graph)
        if p == np.inf:
            norm = xp.max(xp.abs(a), axis=axes, keepdims=True)
        else:
            norm = xp.sum(xp.abs(a) ** p, axis=axes, keepdims=True) ** (1.0 / p)
        over = norm > maxnorm
        return where(over, maxnorm / (norm + 1e-7), 1.0), norm, over

    @staticmethod
    def backward(ctx, grad):
        # self: renorm_backward(grad, self, p, dim, maxnorm)
        xp = ctx.xp
        a, = ctx.saved_tensors
        p, axes, maxnorm = ctx.p, ctx.axes, ctx.maxnorm
        factor, norm, over = Renorm._factor(a, p, axes, maxnorm)
        # d norm / d a = |a|^(p-1) sign(a) / norm^(p-1); d factor / d norm = -maxnorm / (norm + eps)^2
        if p == np.inf:  # the gradient of max|a| is shared evenly among the tied largest elements
            hit = xp.equal(xp.abs(a), norm)
            hit = hit.to(grad.dtype) if isinstance(hit, _t.Tensor) else hit.astype(xp.result_type(grad))
            dnorm = xp.sign(a) * hit / xp.sum(hit, axis=axes, keepdims=True)
        else:
            dnorm = xp.abs(a) ** (p - 1) * xp.sign(a) / norm ** (p - 1)
        inner = xp.sum(grad * a, axis=axes, keepdims=True)
        extra = where(over, -maxnorm / (norm + 1e-7) ** 2, 0.0) * inner * dnorm
        return grad * factor + extra, None, None, None


def renorm(input, p, dim, maxnorm):
    """Rescales each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` down to norm ``maxnorm``.

    Args:
        input (Tensor): the input tensor.
        p (float): the norm's order.
        dim (int): the dim whose slices are normalized (each ``input.select(dim, i)``).
        maxnorm (float): the largest norm kept.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.renorm(torch.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    if not is_float_np(input._data.dtype):
        raise RuntimeError("renorm: expected a floating point tensor")
    if not p > 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} dimensions")
    return Renorm.apply(input, float(p), norm_dim(dim, input.dim()), float(maxnorm))


# ---------------------------------------------------------------------------------------------- *_scatter
def _make_scatter(name, view):
    def forward(ctx, a, src, region):
        ctx.region = region
        out = a.copy()
        target = view(out, region)
        if target.shape != src.shape:
            raise RuntimeError(f"{name}: expected src to have a size equal to the slice of self. src size = "
                               f"{list(src.shape)}, slice size = {list(target.shape)}")
        target[...] = src
        return out

    def backward(ctx, grad):
        # self: grad.<op>_scatter(zeros_like(src), ...); src: grad.<op>(...)
        region = ctx.region
        need = ctx.needs_input_grad
        g_src = view(grad, region) if need[1] else None
        g_in = None
        if need[0]:
            g_in = dispatch(cls, grad, zeros_of(view(grad, region)), region)
        return g_in, g_src, None
    cls = type(name, (Function,), {"_builtin": True, "_ctx_fields": ("region",),
                                   "forward": staticmethod(forward), "backward": staticmethod(backward)})
    return cls


def _diag_view(x, region):
    offset, d1, d2 = region
    if isinstance(x, _t.Tensor):
        return x.diagonal(offset, d1, d2)
    if not x.flags.writeable:
        return xp.diagonal(x, offset, d1, d2)
    from .shape import diag_view
    return diag_view(x, offset, d1, d2)


def _index_view(x, region):
    return x[region]


DiagonalScatter = _make_scatter("DiagonalScatter", _diag_view)
SelectScatter = _make_scatter("SelectScatter", _index_view)
SliceScatter = _make_scatter("SliceScatter", _index_view)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """``input`` with its diagonal (``offset``, ``dim1``, ``dim2``) replaced by ``src``.

    Args:
        input (Tensor): the input tensor.
        src (Tensor): the values written in.
        offset (int, optional): which diagonal: 0 the main one, > 0 above it, < 0 below it.
        dim1 (int, optional): the first dim of the matrices.
        dim2 (int, optional): the second dim of the matrices.

    Example:
        >>> import npgrad as torch
        >>> torch.diagonal_scatter(torch.zeros(3, 3), torch.ones(3))
        tensor([[1., 0., 0.],
                [0., 1., 0.],
                [0., 0., 1.]])
        >>> torch.diagonal_scatter(torch.zeros(2, 3), torch.tensor([5., 6.]), 1)
        tensor([[0., 5., 0.],
                [0., 0., 6.]])
    """
    n = input.dim()
    d1, d2 = norm_dim(dim1, n), norm_dim(dim2, n)
    return DiagonalScatter.apply(input, src, (int(offset), d1, d2))


def select_scatter(input, src, dim, index):
    """``input`` with ``input.select(dim, index)`` replaced by ``src``.

    Args:
        input (Tensor): the input tensor.
        src (Tensor): the values written in.
        dim (int): the dim to slice.
        index (int): the position along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> torch.select_scatter(torch.zeros(2, 2), torch.ones(2), 0, 0)
        tensor([[1., 1.],
                [0., 0.]])
    """
    n = input.dim()
    d = norm_dim(dim, n)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    region = (slice(None),) * d + (index % size,)
    return SelectScatter.apply(input, src, region)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """``input`` with ``input[..., start:end:step, ...]`` (along ``dim``) replaced by ``src``.

    Args:
        input (Tensor): the input tensor.
        src (Tensor): the values written in.
        dim (int, optional): the dim to slice (default 0).
        start (int, optional): the first index.
        end (int, optional): the end (not included).
        step (Number, optional): the gap between values (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.slice_scatter(torch.zeros(4, 2), torch.ones(2, 2), start=1, end=3)
        tensor([[0., 0.],
                [1., 1.],
                [1., 1.],
                [0., 0.]])
        >>> torch.slice_scatter(torch.zeros(2, 4), torch.ones(2, 2), dim=1, step=2)
        tensor([[1., 0., 1., 0.],
                [1., 0., 1., 0.]])
    """
    d = norm_dim(dim, input.dim())
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    region = (slice(None),) * d + (slice(start, end, step),)
    return SliceScatter.apply(input, src, region)


# ---------------------------------------------------------------------------------------------- index_reduce
def _isel(x, dim, idx):
    """index_select on arrays or Tensors."""
    if isinstance(x, _t.Tensor):
        return x.index_select(dim, _t.make(idx))
    return xp.take(x, idx, axis=dim)


def _iadd(shape_like, dim, idx, src):
    """zeros(shape_like) with ``src`` added at ``idx`` along ``dim`` (arrays or Tensors)."""
    if isinstance(src, _t.Tensor):
        base = _t.make(xp.zeros(shape_like, src._data.dtype))
        return base.index_add(dim, _t.make(idx), src)
    out = xp.zeros(shape_like, src.dtype)
    xp.add.at(xp.moveaxis(out, dim, 0), idx, xp.moveaxis(src, dim, 0))
    return out


class _DelayedError(Function):
    """torch's DelayedError: a gradient whose own derivative is not supported; differentiating it raises."""
    _builtin = True
    _node_name = "Error"
    _node_methods = {"name": lambda self: "torch::autograd::Error"}
    _ctx_fields = ("msg",)

    @staticmethod
    def forward(ctx, g, msg):
        ctx.msg = msg
        return g

    @staticmethod
    def backward(ctx, grad):
        # (none: torch raises)
        raise RuntimeError(ctx.msg)


class IndexReduce(Function):
    """``index_reduce`` with ``prod``, ``mean``, ``amax`` or ``amin``: each slice ``source[.., i, ..]`` is combined
    into ``self[.., index[i], ..]`` (and ``self``'s own value unless ``include_self=False``)."""
    _builtin = True
    _ctx_fields = ("dim", "index", "reduce", "include_self", "counts")

    @staticmethod
    def forward(ctx, a, dim, index, src, reduce, include_self):
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self = dim, index, reduce, include_self
        am, sm = xp.moveaxis(a, dim, 0), xp.moveaxis(src, dim, 0)
        touched = xp.zeros(am.shape[0], bool)
        touched[index] = True
        counts = xp.bincount(index, minlength=am.shape[0]).astype(a.dtype)
        if reduce == "prod":
            out = xp.where(touched.reshape((-1,) + (1,) * (am.ndim - 1)) & (not include_self), 1, am).astype(a.dtype)
            xp.multiply.at(out, index, sm)
        elif reduce == "mean":
            out = xp.where(touched.reshape((-1,) + (1,) * (am.ndim - 1)) & (not include_self), 0, am).astype(a.dtype)
            xp.add.at(out, index, sm)
            div = counts + (1 if include_self else 0)
            div = xp.where(div == 0, 1, div).reshape((-1,) + (1,) * (am.ndim - 1))
            if a.dtype.kind in "iu":
                out = xp.floor_divide(out, div.astype(a.dtype))
            else:
                out = out / div
        else:
            ufunc = xp.maximum if reduce == "amax" else xp.minimum
            fill = (-np.inf if reduce == "amax" else np.inf) if is_float_np(a.dtype) else \
                (np.iinfo(a.dtype).min if reduce == "amax" else np.iinfo(a.dtype).max)
            out = xp.where(touched.reshape((-1,) + (1,) * (am.ndim - 1)) & (not include_self), fill, am).astype(a.dtype)
            ufunc.at(out, index, sm)
        ctx.counts = counts
        out = xp.moveaxis(out, 0, dim).copy()
        ctx.save_for_backward(a, src, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self, source: index_reduce_backward(grad, self, dim, index, source, reduce, include_self, result)
        xp = ctx.xp
        a, src, out = ctx.saved_tensors
        dim, idx, reduce, inc = ctx.dim, ctx.index, ctx.reduce, ctx.include_self
        shape = [1] * len(xp.shape(a))
        shape[dim] = -1
        touched = (ctx.counts > 0).reshape(shape)

        def f(mask):  # a boolean mask as grad's float dtype (NumPy's bool * 1.0 would be float64)
            return mask.to(grad.dtype) if isinstance(mask, _t.Tensor) else mask.astype(ctx.counts.dtype)
        if reduce == "mean":
            div = (ctx.counts + (1 if inc else 0)).reshape(shape)
            div = xp.where(div == 0, 1, div).astype(ctx.counts.dtype)
            g_self = grad / div if inc else where(touched, 0.0, grad)
            g_src = _isel(grad / div, dim, idx)
        elif reduce == "prod":
            # torch's formula: self's zeros read as 1 in a product of the others, a source's single zero gets the
            # product of the rest (so both stay right to second order where several zeros meet); more than one
            # zero source at one position has no second derivative (torch's DelayedError)
            need = ctx.needs_input_grad
            g_self = g_src = None
            if need[0]:
                masked_self = where(xp.equal(a, 0), 1.0, a)
                g_self = (grad * dispatch(IndexReduce, masked_self, dim, idx, src, "prod", True) / masked_self if inc
                          else where(touched, 0.0, grad))
            if need[3]:
                zs = xp.equal(src, 0)
                zc_i = _isel(_iadd(xp.shape(a), dim, idx, f(zs)), dim, idx)
                single = zs & xp.equal(zc_i, 1)
                g_src = _isel(grad * out, dim, idx) / where(zs, 1.0, src)
                if bool(single.any()):
                    part = dispatch(IndexReduce, a, dim, idx, where(single, 1.0, src), "prod", inc)
                    g_src = where(single, _isel(grad * part, dim, idx), g_src)
                if isinstance(g_src, _t.Tensor) and g_src.requires_grad and bool((zs & ~single).any()):
                    g_src = _DelayedError.apply(g_src, "index_reduce(): Double backward is unsupported for source "
                                                "when >1 zeros in source are scattered to the same position in self")
            return g_self, None, None, g_src, None, None
        else:
            # the gradient is shared evenly among the values equal to the result
            hit_self = xp.equal(a, out) if inc else xp.equal(a, out) & ~touched
            hit_src = xp.equal(src, _isel(out, dim, idx))
            ties = _iadd(xp.shape(a), dim, idx, f(hit_src)) + f(hit_self)
            share = grad / where(ties == 0, 1.0, ties)
            g_self = where(touched, share * f(hit_self), grad) if inc else where(touched, 0.0, grad)
            g_src = _isel(share, dim, idx) * f(hit_src)
        need = ctx.needs_input_grad
        return (g_self if need[0] else None), None, None, (g_src if need[3] else None), None, None


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """Combine ``source``'s slices into ``input``'s at ``index`` along ``dim`` with ``reduce`` ("prod", "mean",
    "amax", "amin").

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim ``index`` indexes.
        index (Tensor): a 1-D int64 index tensor.
        source (Tensor): the values written in.
        reduce (str): ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``.
        include_self (bool, optional): whether ``input``'s own values take part (default True).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(3)
        >>> torch.index_reduce(x, 0, torch.tensor([0, 0, 2]), torch.tensor([2., 5., 3.]), 'prod')
        tensor([10.,  1.,  3.])
        >>> torch.index_reduce(x, 0, torch.tensor([0, 0, 2]), torch.tensor([2., 5., 3.]), 'amax', include_self=False)
        tensor([5., 1., 3.])
    """
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                           f"{reduce}.")
    d = norm_dim(dim, max(input.dim(), 1))
    idx = index._data
    if idx.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if idx.dtype.kind not in "iu":
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: " + str(idx.dtype))
    if input._data.dtype != source._data.dtype:
        raise RuntimeError("index_reduce_(): self and source must have the same scalar type")
    n = input.shape[d] if input.dim() else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"index out of range in self")
    return IndexReduce.apply(input, d, xp.where(idx < 0, idx + n, idx).astype(np.int64), source, reduce,
                             bool(include_self))


# ---------------------------------------------------------------------------------------------- put
class Put(Function):
    _builtin = True
    _ctx_fields = ("index", "accumulate")

    @staticmethod
    def forward(ctx, a, index, src, accumulate):
        # index: the user's int tensor (saved as torch saves it: changing it in place fails backward)
        n = a.size
        flat_index = index.reshape(-1).astype(np.int64)
        flat_index = xp.where(flat_index < 0, flat_index + n, flat_index)
        ctx.save_for_backward(index, src)  # as torch saves them
        ctx.index, ctx.accumulate = flat_index, accumulate
        index = flat_index
        out = a.copy().reshape(-1)
        if accumulate:
            xp.add.at(out, index, src.reshape(-1))
        else:
            out[index] = src.reshape(-1)
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        # self: accumulate ? grad : grad.put(index, zeros_like(source), false); source: grad.take(index)
        ctx.saved_tensors  # the in-place check
        idx = ctx.index
        need = ctx.needs_input_grad
        flat = grad.reshape(-1)
        g_src = flat[_t.make(idx) if isinstance(grad, _t.Tensor) else idx] if need[2] else None
        g_in = None
        if need[0]:
            if ctx.accumulate:
                g_in = grad
            else:
                dt = grad._data.dtype if isinstance(grad, _t.Tensor) else grad.dtype
                zeros = xp.zeros(len(idx), dt)
                g_in = dispatch(Put, grad, _t.make(idx) if isinstance(grad, _t.Tensor) else idx,
                                _t.make(zeros) if isinstance(grad, _t.Tensor) else zeros, False)
        return g_in, None, g_src, None


def put(input, index, source, accumulate=False):
    """``input`` with ``input.view(-1)[index] = source`` (added with ``accumulate=True``).

    Args:
        input (Tensor): the input tensor.
        index (Tensor): int64 indices into the flattened ``input``.
        source (Tensor): the values written in.
        accumulate (bool, optional): add to the existing values instead of overwriting them (default False).

    Example:
        >>> import npgrad as torch
        >>> torch.put(torch.zeros(2, 2), torch.tensor([0, 3]), torch.tensor([1., 2.]))
        tensor([[1., 0.],
                [0., 2.]])
        >>> torch.put(torch.ones(3), torch.tensor([1, 1]), torch.tensor([5., 5.]), accumulate=True)
        tensor([ 1., 11.,  1.])
    """
    idx = index._data.reshape(-1)
    if idx.dtype.kind not in "iu":
        raise RuntimeError("put_(): Expected a long tensor for index, but got " + str(idx.dtype))
    if idx.size != source._data.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source._data.size}, index.numel() = {idx.size}")
    n = input._data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"out of range: tried to access index {int(idx.max() if idx.max() >= n else idx.min())} "
                         f"on a tensor of {n} elements.")
    src = source if source._data.ndim == 1 else source.reshape(-1)
    return Put.apply(input, index, src, bool(accumulate))


# ---------------------------------------------------------------------------------------------- methods
def sum_to_size(self, *size):
    """Sum ``self`` down to ``size`` (which must broadcast to ``self``'s shape).

    Example:
        >>> import npgrad as torch
        >>> torch.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
        >>> torch.ones(2, 3).sum_to_size(2, 1)
        tensor([[3.],
                [3.]])
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    ok = lead >= 0 and all(s == 1 or s == n for s, n in zip(size, shape[lead:]))
    if not ok:
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    if not size:  # torch sums everything into a new 0-d tensor (SumBackward0), even from a 0-d input
        return self.sum()
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    out = self
    if dims:
        out = self.sum(dims, keepdim=True)
    if lead:
        out = out.view(size)
    return out


def _new(self, *args, dtype=None, device=None, requires_grad=False):
    """The legacy constructor: ``x.new()`` (empty), ``x.new(2, 3)`` or ``x.new(size)`` (uninitialised), or
    ``x.new(data)`` (a list or tuple of data), all in ``x``'s dtype.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0])
        >>> x.new([3, 4])
        tensor([3., 4.])
        >>> x.new(2, 3).shape == (2, 3)
        True
    """
    from .._creation import tensor, empty
    dt = self.dtype if dtype is None else dtype
    if not args:
        out = empty(0, dtype=dt)
    elif len(args) == 1 and isinstance(args[0], _t.Tensor):
        if args[0]._data.dtype != self._data.dtype:
            raise TypeError(f"expected {self.dtype} (got {args[0].dtype})")
        out = args[0].detach()
    elif len(args) == 1 and isinstance(args[0], Size):
        out = empty(*args[0], dtype=dt)
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        out = empty(*args, dtype=dt)
    elif len(args) == 1:
        out = tensor(args[0], dtype=dt)
    else:
        raise TypeError("new() received an invalid combination of arguments")
    if requires_grad:
        out.requires_grad_(True)
    return out


def _apply_(self, callable):
    """Apply a Python function to every element, in place (CPU tensors that do not require grad).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0, 3.0])
        >>> x.apply_(lambda v: v * 10 + 1)
        tensor([11., 21., 31.])
    """
    if self._req:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.")
    a = self._data
    flat = a.reshape(-1)
    for i in range(flat.size):
        flat[i] = callable(flat[i].item())
    if not xp.shares_memory(flat, a):
        a[...] = flat.reshape(a.shape)
    self._vc[0] += 1
    return self


def _map_(self, tensor, callable):
    """``self[i] = callable(self[i], tensor[i])`` for every element (``tensor`` broadcast to self), in place.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0])
        >>> x.map_(torch.tensor([10.0, 20.0]), lambda a, b: a * b)
        tensor([10., 40.])
    """
    if self._req:
        raise RuntimeError("Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.")
    a = self._data
    b = xp.broadcast_to(tensor._data, a.shape)
    it = xp.nditer([a, b], flags=["refs_ok", "multi_index"], op_flags=[["readwrite"], ["readonly"]])
    for x, y in it:
        x[...] = callable(x.item(), y.item())
    self._vc[0] += 1
    return self


def _resize_(self, *sizes, memory_format=None):
    """Give ``self`` the shape ``sizes`` in place: existing elements kept in order, new ones zero
    (torch leaves them uninitialised).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.resize_(2, 2)
        tensor([[1., 2.],
                [3., 4.]])
        >>> x.resize_(3).tolist()
        [1.0, 2.0, 3.0]
    """
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if self._req:
        raise RuntimeError("cannot resize variables that require grad")
    for s in sizes:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(sizes)}")
    n = int(xp.prod(sizes, dtype=np.int64))
    a = self._data
    sizes = tuple(int(s) for s in sizes)
    if sizes != a.shape:
        # torch: contiguous sizes over the same storage from the same offset; the storage grows when too small
        root, off = _storage(a)
        if not root.flags.c_contiguous or xp is not np:
            self._data = _resized_copy(a, n, sizes)
        elif off + n <= root.size:
            self._data = root.reshape(-1)[off:off + n].reshape(sizes)  # (shares the storage, as in torch)
        else:
            import sys
            # references to root: getrefcount's argument, this frame's ``root``, and ``a`` itself (self's array
            # and this frame's ``a``) or ``a``'s ``.base``, and the array of the tensor self is a view of (moved
            # onto the grown storage with self): any more is another tensor sharing the storage
            x = self._x
            base = x.get("base") if x else None
            bd = base._data if base is not None and base is not self else None
            moves = bd is not None and (bd is root or bd.base is root)
            if sys.getrefcount(root) > (4 if a is root else 3) + (0 if not moves else 2 if bd is root else 1):
                raise RuntimeError(f"resize_: growing past the end of a storage of {root.size} elements that other "
                                   "tensors share (after set_, or a view): torch grows the shared storage in place, "
                                   "which npgrad's NumPy memory cannot; clone() the tensor before resizing it")
            grown = xp.zeros(off + n, root.dtype)
            grown[:root.size] = root.reshape(-1)
            if moves:
                start = bd.__array_interface__["data"][0] - root.__array_interface__["data"][0] if bd.size else 0
                base._data = np.ndarray(bd.shape, bd.dtype, buffer=grown, offset=start, strides=bd.strides)
            self._data = grown[off:off + n].reshape(sizes)
    self._vc[0] += 1
    return self


def _resized_copy(a, n, sizes):
    """A new array of ``sizes``: ``a``'s elements in order, then zeros (torch leaves them uninitialised)."""
    new = xp.zeros(n, a.dtype)
    k = min(n, a.size)
    new[:k] = a.reshape(-1)[:k]
    return new.reshape(sizes)


def _resize_as_(self, the_template, memory_format=None):
    """Resizes ``self`` in place to ``the_template``'s shape (new elements uninitialized); returns ``self``.

    Args:
        the_template (Tensor): the tensor whose shape is taken.
        memory_format (npgrad.memory_format, optional): the layout after resizing.

    Returns:
        Tensor: ``self``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(4.)
        >>> x.resize_as_(torch.zeros(2, 2))
        tensor([[0., 1.],
                [2., 3.]])
    """
    return _resize_(self, tuple(the_template.shape))


def _fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (all dims equal for >2 dims; a tall matrix's diagonal restarts every
    ``cols + 1`` rows with ``wrap=True``) with ``fill_value``, in place.

    Example:
        >>> import npgrad as torch
        >>> x = torch.zeros(3, 3)
        >>> x.fill_diagonal_(5.0)
        tensor([[5., 0., 0.],
                [0., 5., 0.],
                [0., 0., 5.]])
        >>> torch.zeros(4, 2).fill_diagonal_(1.0, wrap=False)
        tensor([[1., 0.],
                [0., 1.],
                [0., 0.],
                [0., 0.]])
    """
    a = self._data
    if a.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if a.ndim > 2 and len(set(a.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    if a.ndim == 2:
        rows, cols = a.shape
        step = cols + 1
        flat_n = rows * cols if wrap else min(rows, cols) * cols
        pos = xp.arange(0, flat_n, step)
        r, c = xp.divmod(pos, cols)
        idx = (_t.make(r), _t.make(c))
    else:
        k = xp.arange(a.shape[0])
        idx = tuple(_t.make(k) for _ in range(a.ndim))
    from .indexing import setitem
    setitem(self, idx, fill_value)
    return self


def _inplace_view(name, op):
    """``x.unsqueeze_(0)`` & co.: the view op's result (and its node) replace ``self``'s shape and history."""
    def method(self, *args, **kwargs):
        _t._inplace_check(self)
        res = op(self, *args, **kwargs)
        self._data = res._data
        if res.grad_fn is not None and res.grad_fn is not self.grad_fn:
            self.grad_fn, self._nr = res.grad_fn, res._nr
        self._vc[0] += 1
        return self
    method.__name__ = name
    return method


def _renamed(cls, name):
    return type(cls.__name__, (cls,), {"_node_name": name})


def _view_ops():
    """The in-place view methods record torch's in-place node names (``UnsqueezeBackward1``...)."""
    from . import shape as S
    unsq, sq_all, sq_dim, sq_dims = (_renamed(S.Unsqueeze, "UnsqueezeBackward1"), _renamed(S.Squeeze, "SqueezeBackward3"),
                                     _renamed(S.Squeeze, "SqueezeBackward4"), _renamed(S.Squeeze, "SqueezeBackward5"))
    t_cls, tr_cls = _renamed(S.T, "TBackward1"), _renamed(S.Transpose, "TransposeBackward1")

    def unsqueeze_(x, dim=UNSET, *, axis=UNSET):
        dim = required_dim("unsqueeze_", dim, axis)
        return unsq.apply(x, norm_dim(dim, x.dim() + 1))

    def squeeze_(x, dim=None, *, axis=UNSET):
        if axis is not UNSET:
            dim = np_alias("squeeze_", dim, axis)[0]
        shape = tuple(x.shape)
        if dim is None:
            return sq_all.apply(x, tuple(i for i, n in enumerate(shape) if n == 1))
        if isinstance(dim, (tuple, list)):
            dims = tuple(norm_dim(d, max(x.dim(), 1)) for d in dim)
            return sq_dims.apply(x, tuple(d for d in dims if x.dim() and shape[d] == 1))
        d = norm_dim(dim, max(x.dim(), 1))
        return sq_dim.apply(x, (d,) if x.dim() and shape[d] == 1 else ())

    def t_(x):
        if x.dim() > 2:
            raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {x.dim()}D")
        return t_cls.apply(x)

    def transpose_(x, d0, d1):
        n = x.dim()
        return tr_cls.apply(x, norm_dim(d0, max(n, 1)), norm_dim(d1, max(n, 1)))
    return unsqueeze_, squeeze_, t_, transpose_


# unsqueeze_, squeeze_, t_, transpose_: the view ops recording torch's in-place node names (_inplace_view's ops)
_unsqueeze_view, _squeeze_view, _t_view, _transpose_view = _VIEW_OPS = _view_ops()


def as_strided_(input, size, stride, storage_offset=None):
    """In-place version of :func:`as_strided`: changes ``input``'s size, strides and offset into its storage.

    Args:
        input (Tensor): the tensor to restride.
        size (tuple of ints): the new shape.
        stride (tuple of ints): the new strides, in elements.
        storage_offset (int, optional): the new offset into the storage.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.arange(6.)
        >>> torch.as_strided_(a, (2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
    """
    return input.as_strided_(size, stride, storage_offset)


def resize_as_(input, the_template, *, memory_format=None):
    """Resizes ``input`` in place to the shape of ``the_template``; new elements are uninitialized.

    Args:
        input (Tensor): the tensor to resize.
        the_template (Tensor): the tensor whose shape is taken.
        memory_format (npgrad.memory_format, optional): the layout after resizing.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> a = torch.arange(6.)
        >>> torch.resize_as_(a, torch.zeros(2, 3))
        tensor([[0., 1., 2.],
                [3., 4., 5.]])
        >>> a.shape == (2, 3)
        True
    """
    return input.resize_as_(the_template)
