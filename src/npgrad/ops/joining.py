"""Joining, splitting and rearranging: cat/stack (and h/v/d/column stacks), split/chunk/unbind/tensor_split,
meshgrid, repeat/tile/repeat_interleave, flip/roll, tril/triu, diag/diag_embed/trace.

``split``/``chunk``/``unbind`` are one multi-output node each (``SplitBackward0``, ``UnbindBackward0``), as in
torch; their backward joins the output gradients again (zeros for outputs that got none), and the backward of
``cat``/``stack`` slices them apart: each pair is the other's adjoint, so higher-order gradients come for free.
"""
import warnings

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, dispatch
from .._dtype import result_np
from .._shape import norm_dim, UNSET, np_alias
from .. import _tensor as _t
from .shape import (cast, reshape, unsqueeze, expand, clone, view, flatten, atleast_1d, atleast_2d, atleast_3d,
                    DiagonalCopy, diag_view, mark_nograd_view, track_view)
from .._warn import warn as _warn

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "row_stack",
           "split", "chunk", "unbind", "tensor_split", "hsplit", "vsplit", "dsplit", "meshgrid", "repeat", "tile",
           "repeat_interleave", "flip", "fliplr", "flipud", "roll", "tril", "triu", "diag", "diag_embed", "trace"]


def np_dtype(g):
    """The NumPy dtype of a gradient: an ndarray (plain backward) or a Tensor (create_graph)."""
    return g._data.dtype if isinstance(g, _t.Tensor) else g.dtype


def _zeros_for(grads, shapes):
    """Output gradients with zeros where an output got none (arrays; Tensors keep flowing as they are)."""
    dt = np_dtype(next(g for g in grads if g is not None))
    return [xp.zeros(s, dt) if g is None else g for g, s in zip(grads, shapes)]


class Cat(Function):
    _builtin = True
    _ctx_fields = ("dim", "sizes", "dtypes")

    @staticmethod
    def forward(ctx, dim, *arrays):
        dt = result_np(arrays)
        # torch skips 1-D empty tensors whatever the other shapes (legacy behaviour)
        keep = [a for a in arrays if not (a.ndim == 1 and a.shape[0] == 0)] or list(arrays[:1])
        ctx.dim = dim
        ctx.sizes = [None if (a.ndim == 1 and a.shape[0] == 0) else a.shape[dim] for a in arrays]
        ctx.dtypes = [a.dtype for a in arrays]
        return xp.concatenate([a.astype(dt, copy=False) for a in keep], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # tensors: cat_tensors_backward(grad, to_args_sizes_symint(tensors), to_args_scalartypes(tensors), dim)
        out = [None]
        off = 0
        lead = (slice(None),) * ctx.dim
        need = ctx.needs_input_grad
        for i, (n, dt) in enumerate(zip(ctx.sizes, ctx.dtypes)):
            if n is None:
                out.append(xp.zeros((0,), dt) if need[i + 1] else None)
                continue
            if need[i + 1]:
                from .indexing import Slice
                out.append(cast(dispatch(Slice, grad, lead + (slice(off, off + n),)), dt))
            else:
                out.append(None)
            off += n
        return tuple(out)


class Stack(Function):
    _builtin = True
    _ctx_fields = ("dim", "dtypes")

    @staticmethod
    def forward(ctx, dim, *arrays):
        dt = result_np(arrays)
        ctx.dim = dim
        ctx.dtypes = [a.dtype for a in arrays]
        return xp.stack([a.astype(dt, copy=False) for a in arrays], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # tensors: stack_tensors_backward(grad, dim, to_args_scalartypes(tensors))
        from .indexing import Select
        lead = (slice(None),) * ctx.dim
        need = ctx.needs_input_grad
        return (None,) + tuple(cast(dispatch(Select, grad, lead + (i,)), dt) if need[i + 1] else None
                               for i, dt in enumerate(ctx.dtypes))


class Split(Function):
    """One node for all the pieces (views of the input)."""
    _builtin = True
    _multi_view = True  # its outputs may not be written in place (indexing.check_multi_view)
    _ctx_fields = ("dim", "shapes")

    @staticmethod
    def forward(ctx, a, dim, sizes):
        ctx.dim = dim
        lead = (slice(None),) * dim
        out = []
        off = 0
        for n in sizes:
            out.append(a[lead + (slice(off, off + n),)])
            off += n
        ctx.shapes = [o.shape for o in out]
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        # self: split_backward(grads, split_size, dim, self.sym_sizes(), self.options())
        return dispatch(Cat, ctx.dim, *_zeros_for(grads, ctx.shapes)), None, None


class SplitWithSizes(Split):
    _node_name = "SplitWithSizesBackward0"


class Unbind(Function):
    _builtin = True
    _multi_view = True
    _ctx_fields = ("dim", "shape")

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        shape = a.shape[:dim] + a.shape[dim + 1:]
        ctx.shape = shape
        lead = (slice(None),) * dim
        return tuple(a[lead + (i, Ellipsis)] for i in range(a.shape[dim]))  # 0-d views, not scalars

    @staticmethod
    def backward(ctx, *grads):
        # self: unbind_backward(grads, dim)
        return dispatch(Stack, ctx.dim, *_zeros_for(grads, [ctx.shape] * len(grads))), None


class Repeat(Function):
    _builtin = True
    _ctx_fields = ("shape", "padded", "repeats")

    @staticmethod
    def forward(ctx, a, repeats):
        ctx.shape = a.shape
        ctx.padded = (1,) * (len(repeats) - a.ndim) + a.shape
        ctx.repeats = repeats
        return xp.tile(a, repeats)

    @staticmethod
    def backward(ctx, grad):
        # self: repeat_backward(grad, repeats, self.sym_sizes())
        split = []
        for r, s in zip(ctx.repeats, ctx.padded):
            split += [r, s]
        g = grad.reshape(tuple(split)).sum(axis=tuple(range(0, len(split), 2)))
        return g.reshape(ctx.shape), None


class Flip(Function):
    _builtin = True
    _ctx_fields = ("dims",)

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return xp.flip(a, dims).copy()  # torch's flip is a copy, not a negative-stride view

    @staticmethod
    def backward(ctx, grad):
        # self: grad.flip(dims)
        return dispatch(Flip, grad, ctx.dims), None


class Roll(Function):
    _builtin = True
    _ctx_fields = ("shifts", "dims")

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return xp.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.roll(fmap(reverse_list(shifts), [](c10::SymInt i){return -i;}), reverse_list(dims))
        neg = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return dispatch(Roll, grad, neg, ctx.dims), None, None


class Tril(Function):
    _builtin = True
    _ctx_fields = ("k",)

    @staticmethod
    def forward(ctx, a, k):
        ctx.k = k
        return xp.tril(a, k)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.tril(diagonal)
        return dispatch(Tril, grad, ctx.k), None


class Triu(Function):
    _builtin = True
    _ctx_fields = ("k",)

    @staticmethod
    def forward(ctx, a, k):
        ctx.k = k
        return xp.triu(a, k)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.triu(diagonal)
        return dispatch(Triu, grad, ctx.k), None


class DiagEmbed(Function):
    _builtin = True
    _ctx_fields = ("offset", "d1", "d2")

    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        ctx.offset, ctx.d1, ctx.d2 = offset, d1, d2
        n = a.shape[-1] + abs(offset)
        rest = list(a.shape[:-1])
        shape = []
        for i in range(a.ndim + 1):
            shape.append(n if i in (d1, d2) else rest.pop(0))
        z = xp.zeros(shape, a.dtype)
        diag_view(z, offset, d1, d2)[...] = a
        return z

    @staticmethod
    def backward(ctx, grad):
        # self: grad.diagonal(offset, dim1, dim2)
        return dispatch(DiagonalCopy, grad, ctx.offset, ctx.d1, ctx.d2), None, None, None


class Trace(Function):
    _builtin = True
    _ctx_fields = ("shape",)

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        return xp.asarray(xp.trace(a), dtype=a.dtype if is_float_np(a.dtype) else np.int64)

    @staticmethod
    def backward(ctx, grad):
        # self: trace_backward_symint(grad, self.sym_sizes())
        return grad * xp.eye(*ctx.shape, dtype=np_dtype(grad))


# ---------------------------------------------------------------------------------------------- functions
def _tensor_list(tensors, name):
    if isinstance(tensors, _t.Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, _t.Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _nonempty(tensors, name):
    tensors = _tensor_list(tensors, name)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def cat(tensors, dim=0, *, axis=UNSET, out=None):
    """Join tensors along an existing dim (types promoted; 1-D empty tensors are skipped, as in torch).

    Args:
        tensors (sequence of Tensors): tensors of the same shape except in ``dim``.
        dim (int, optional): the dim to join along (default 0).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad
        >>> npgrad.cat([npgrad.zeros(1, 2), npgrad.ones(2, 2)]).shape
        npgrad.Size([3, 2])
    """
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    if axis is not UNSET:
        dim = np_alias("cat", dim, axis, 0)[0]
    ref = None
    for i, x in enumerate(tensors):
        if x._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        if ref is None and not (x._data.ndim == 1 and x._data.shape[0] == 0):
            ref = (i, x._data.shape)
    if ref is None:
        ref = (0, tensors[0]._data.shape)
    nd = len(ref[1])
    d = norm_dim(dim, nd)
    for i, x in enumerate(tensors):
        s = x._data.shape
        if len(s) == 1 and s[0] == 0:
            continue
        if len(s) != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {len(s)}")
        for k in range(nd):
            if k != d and s[k] != ref[1][k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref[1][k]} but got size {s[k]} for tensor number {i} in the list.")
    return Cat.apply(d, *tensors)


concat = cat


def concatenate(tensors, dim=0, *, out=None, axis=UNSET):
    """``cat`` under NumPy's name.

    Args:
        tensors (sequence of Tensors): tensors of the same shape except in ``dim``.
        dim (int, optional): the dim to join along (default 0).
        out (Tensor, optional): the tensor to write the result into.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).

    Example:
        >>> import npgrad as torch
        >>> torch.concatenate([torch.tensor([[1, 2]]), torch.tensor([[3, 4]])], dim=1)
        tensor([[1, 2, 3, 4]])
    """
    return cat(tensors, dim, axis=axis, out=out)


def stack(tensors, dim=0, *, out=None, axis=UNSET):
    """Join same-shaped tensors along a new dim.

    Args:
        tensors (sequence of Tensors): tensors of one shape.
        dim (int, optional): where the new dim goes (default 0).
        out (Tensor, optional): the tensor to write the result into.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).

    Example:
        >>> import npgrad
        >>> npgrad.stack([npgrad.zeros(2), npgrad.ones(2)], dim=1).shape
        npgrad.Size([2, 2])
    """
    if axis is not UNSET:
        dim = np_alias("stack", dim, axis, 0)[0]
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and "
                               f"{list(x._data.shape)} at entry {i}")
    return Stack.apply(norm_dim(dim, len(s0) + 1), *tensors)


def hstack(tensors, *, out=None):
    """Stacks tensors horizontally: along dim 1, or dim 0 for 1-D tensors.

    Args:
        tensors (sequence of Tensors): the tensors to stack.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the joined tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.hstack([torch.tensor([1, 2]), torch.tensor([3])])
        tensor([1, 2, 3])
        >>> torch.hstack([torch.zeros(2, 1), torch.ones(2, 2)])
        tensor([[0., 1., 1.],
                [0., 1., 1.]])
    """
    ts = atleast_1d(*_nonempty(tensors, "hstack"))
    ts = ts if isinstance(ts, tuple) else (ts,)
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors, *, out=None):
    """Stacks tensors vertically (along dim 0), after making each at least 2-D.

    ``npgrad.row_stack`` is an alias.

    Args:
        tensors (sequence of Tensors): the tensors to stack.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a tensor of at least 2 dims.

    Example:
        >>> import npgrad as torch
        >>> torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    ts = atleast_2d(*_nonempty(tensors, "vstack"))
    return cat(ts if isinstance(ts, tuple) else (ts,), 0)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Stacks tensors depth-wise (along dim 2), after making each at least 3-D.

    Args:
        tensors (sequence of Tensors): the tensors to stack.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a tensor of at least 3 dims.

    Example:
        >>> import npgrad as torch
        >>> torch.dstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
        tensor([[[1, 3],
                 [2, 4]]])
    """
    ts = atleast_3d(*_nonempty(tensors, "dstack"))
    return cat(ts if isinstance(ts, tuple) else (ts,), 2)


def column_stack(tensors, *, out=None):
    """Stacks tensors as columns: 1-D and 0-D tensors become columns of a 2-D result.

    Args:
        tensors (sequence of Tensors): the tensors to stack (same number of rows).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a 2-D tensor (or more, for inputs of 2+ dims).

    Example:
        >>> import npgrad as torch
        >>> torch.column_stack([torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])])
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
    """
    ts = [reshape(x, (x._data.size, 1)) if x._data.ndim <= 1 else x for x in _nonempty(tensors, "column_stack")]
    return cat(ts, 1)


def _views_of(res, input, op=None):
    x = input._x
    base = x.get("base", input) if x else input
    for i, r in enumerate(res):
        r._vc = input._vc  # the pieces share the input's storage
        if r.grad_fn is None:  # made while not recording: based, and marked under no_grad (shape.track_view)
            mark_nograd_view(r, input, op, i)
        elif r._x is None:  # (a piece is not regenerated after a write into its base: not in the base's views)
            r._x = {"base": base}
        else:
            r._x["base"] = base
    return res


def split(tensor, split_size_or_sections, dim=0):
    """Views of pieces of ``split_size`` (the last one smaller), or of the given sizes; one node for all.

    Args:
        tensor (Tensor): the tensor to split.
        split_size_or_sections (int or list of ints): the size of each piece, or the list of sizes.
        dim (int, optional): the dim to split (default 0).

    Returns:
        tuple of Tensors: views of ``tensor``.

    Example:
        >>> import npgrad
        >>> [p.tolist() for p in npgrad.arange(5).split([2, 3])]
        [[0, 1], [2, 3, 4]]
    """
    nd = tensor._data.ndim
    if nd == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = norm_dim(dim, nd)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {d}), but got split_sizes={sizes}")
        return _views_of(SplitWithSizes.apply(tensor, d, sizes), tensor, SplitWithSizes)
    s = int(split_size_or_sections)
    if s < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
    if s == 0 and n != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    count = max(1, -(-n // s)) if s else 1
    sizes = [min(s, n - i * s) for i in range(count)]
    return _views_of(Split.apply(tensor, d, sizes), tensor, Split)


def chunk(input, chunks, dim=0, *, axis=UNSET):
    """Splits ``input`` into ``chunks`` pieces along ``dim`` (the last may be smaller; fewer may come back).

    Args:
        input (Tensor): the input tensor.
        chunks (int): the number of pieces wanted.
        dim (int, optional): the dim to split (default 0).

    Returns:
        tuple of Tensors: views of ``input``.

    Example:
        >>> import npgrad as torch
        >>> torch.chunk(torch.arange(5), 3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> torch.arange(6).chunk(2)
        (tensor([0, 1, 2]), tensor([3, 4, 5]))
    """
    if axis is not UNSET:
        dim = np_alias("chunk", dim, axis, 0)[0]
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = norm_dim(dim, nd)
    n = input._data.shape[d]
    size = -(-n // chunks)
    if n == 0:  # every chunk is empty: torch still returns ``chunks`` of them
        return _views_of(SplitWithSizes.apply(input, d, [0] * chunks), input, SplitWithSizes)
    return split(input, size, d)


def unbind(input, dim=0, *, axis=UNSET):
    """Removes dim ``dim`` and returns the slices along it.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dim to remove (default 0).

    Returns:
        tuple of Tensors: views of ``input``, one per position along ``dim``.

    Example:
        >>> import npgrad as torch
        >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]))
        (tensor([1, 2]), tensor([3, 4]))
        >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]), dim=1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    if axis is not UNSET:
        dim = np_alias("unbind", dim, axis, 0)[0]
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return _views_of(Unbind.apply(input, norm_dim(dim, nd)), input, Unbind)


def tensor_split(input, indices_or_sections, dim=0, *, axis=UNSET):
    """Split into ``n`` nearly equal pieces (the first ones one longer), or at the given indices.

    Args:
        input (Tensor): the input tensor.
        indices_or_sections (int or sequence of ints): a number of pieces, or the indices to split before.
        dim (int, optional): the dim to split (default 0).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).

    Returns:
        tuple of Tensors: views of ``input``.

    Example:
        >>> import npgrad
        >>> [p.tolist() for p in npgrad.arange(5).tensor_split(3)]
        [[0, 1], [2, 3], [4]]
    """
    from .indexing import Slice
    if axis is not UNSET:
        dim = np_alias("tensor_split", dim, axis, 0)[0]
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = norm_dim(dim, nd)
    n = input._data.shape[d]
    ios = indices_or_sections
    if isinstance(ios, _t.Tensor):
        if ios._data.dtype != np.int64:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have ScalarType Long, but got "
                               f"{ios.dtype}")
        if ios._data.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {ios._data.ndim} dims")
        ios = int(ios._data) if ios._data.ndim == 0 else ios._data.tolist()
    if isinstance(ios, (list, tuple)):
        bounds = [0] + [min(max(int(i) + (n if i < 0 else 0), 0), n) for i in ios] + [n]
    else:
        k = int(ios)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        big, small = n % k, n // k
        bounds = [0]
        for i in range(k):
            bounds.append(bounds[-1] + small + (1 if i < big else 0))
    lead = (slice(None),) * d
    out = []
    for a, b in zip(bounds, bounds[1:]):
        out.append(track_view(Slice.apply(input, lead + (slice(a, max(a, b)),)), input, Slice))
    return tuple(out)


def _dsplit_like(name, input, ios, dim, min_nd):
    nd = input._data.ndim
    if nd < min_nd:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_nd} dimension, but got a tensor "
                           f"with {nd} dimensions!")
    if isinstance(ios, int):
        n = input._data.shape[dim]
        if ios == 0 or n % ios:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {n} is not divisible by the split_size {ios}!")
    return tensor_split(input, ios, dim)


def hsplit(input, indices_or_sections):
    """Splits ``input`` horizontally: along dim 1, or dim 0 for 1-D tensors, like ``numpy.hsplit``.

    Args:
        input (Tensor): a tensor with at least 1 dim.
        indices_or_sections (int or sequence of ints): a number of equal parts, or the indices to split before.

    Returns:
        tuple of Tensors: views of ``input``.

    Example:
        >>> import npgrad as torch
        >>> torch.hsplit(torch.arange(6).reshape(2, 3), [1])
        (tensor([[0],
                [3]]), tensor([[1, 2],
                [4, 5]]))
    """
    return _dsplit_like("hsplit", input, indices_or_sections, 1 if input._data.ndim > 1 else 0, 1)


def vsplit(input, indices_or_sections):
    """Splits ``input`` vertically along dim 0, like ``numpy.vsplit``.

    Args:
        input (Tensor): a tensor with at least 2 dims.
        indices_or_sections (int or sequence of ints): a number of equal parts, or the indices to split before.

    Returns:
        tuple of Tensors: views of ``input``.

    Example:
        >>> import npgrad as torch
        >>> torch.vsplit(torch.arange(8).reshape(4, 2), 2)
        (tensor([[0, 1],
                [2, 3]]), tensor([[4, 5],
                [6, 7]]))
    """
    return _dsplit_like("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    """Splits a tensor of 3+ dims along its third dim (depth-wise), like ``numpy.dsplit``.

    Args:
        input (Tensor): a tensor with at least 3 dims.
        indices_or_sections (int or sequence of ints): a number of equal parts, or the indices to split before.

    Returns:
        tuple of Tensors: views of ``input``.

    Example:
        >>> import npgrad as torch
        >>> torch.dsplit(torch.arange(8).reshape(1, 2, 4), 2)
        (tensor([[[0, 1],
                 [4, 5]]]), tensor([[[2, 3],
                 [6, 7]]]))
    """
    return _dsplit_like("dsplit", input, indices_or_sections, 2, 3)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids (expanded views) of 0-d/1-D tensors; ``indexing='xy'`` swaps the first two dims.

    Args:
        *tensors (Tensors): 0-D or 1-D tensors (or one list of them).
        indexing (str, optional): ``'ij'`` (matrix indexing) or ``'xy'`` (Cartesian).

    Example:
        >>> import npgrad
        >>> gx, gy = npgrad.meshgrid(npgrad.arange(3), npgrad.arange(2), indexing="xy")
        >>> gx.shape
        npgrad.Size([2, 3])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        _warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for x in tensors:
        if x._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a "
                               f"{x._data.ndim}-D tensor of shape {list(x._data.shape)}")
        if x._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    sizes = [x._data.size for x in tensors]
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0  # 'xy': the first two output dims are swapped
    shape = tuple(sizes[i] for i in order)
    out = []
    for i, x in enumerate(tensors):
        pos = order.index(i)
        s = [1] * len(shape)
        s[pos] = -1
        out.append(expand(view(x, tuple(s)), shape))
    return tuple(out)


def repeat(input, *repeats):
    """Tiles ``input``: repeats it ``repeats[i]`` times along dim ``i`` (extra leading repeats add dims).

    Args:
        input (Tensor): the input tensor.
        *repeats (ints or a tuple of ints): the number of copies along each dim.

    Returns:
        Tensor: a new tensor (a copy).

    Example:
        >>> import npgrad as torch
        >>> torch.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    if len(repeats) == 1 and isinstance(repeats[0], (tuple, list)):
        repeats = repeats[0]
    repeats = tuple(int(r) for r in repeats)
    if len(repeats) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    if any(r < 0 for r in repeats):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(repeats)}: {list(repeats)}")
    return Repeat.apply(input, repeats)


def tile(input, dims):
    """Repeats ``input`` along each dim, like ``numpy.tile`` (fewer ``dims`` than dims of ``input`` are padded with
    ones in front).

    Args:
        input (Tensor): the input tensor.
        dims (tuple of ints): the number of copies along each dim.

    Returns:
        Tensor: a new tensor (a copy).

    Example:
        >>> import npgrad as torch
        >>> torch.tile(torch.tensor([1, 2]), (2,))
        tensor([1, 2, 1, 2])
        >>> torch.tile(torch.tensor([[1], [2]]), (1, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    dims = _tile_dims(dims, 2)
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


def _tile_dims(dims, position):
    """``dims`` (a tuple or list) as a tuple of ints; anything else is torch's TypeError."""
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"tile(): argument 'dims' (position {position}) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    for i, d in enumerate(dims):
        if isinstance(d, bool) or not hasattr(d, "__index__"):
            raise TypeError(f"tile(): argument 'dims' (position {position}) must be tuple of ints, but found "
                            f"element of type {type(d).__name__} at pos {i}")
    return tuple(d.__index__() for d in dims)


def _tile_method(input, *args, dims=None):
    """``Tensor.tile``: the dims as separate ints (``x.tile(2, 2)``), one sequence (``x.tile((2, 2))``) or
    ``dims=``; see :func:`tile`.

    Example:
        >>> import npgrad as torch
        >>> torch.tensor([1, 2]).tile(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    if args and dims is not None:
        raise TypeError("tile() got multiple values for argument 'dims'")
    if not args and dims is None:
        raise TypeError('tile() missing 1 required positional arguments: "dims"')
    if dims is None:
        one = len(args) == 1 and not hasattr(args[0], "__index__")
        dims = args[0] if one else args   # x.tile((2, 2)), or the ints themselves: x.tile(2, 2)
    return tile(input, _tile_dims(dims, 1))


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None, axis=UNSET):
    """Repeat each element ``repeats`` times (an int, or one count per element along ``dim``).

    Args:
        input (Tensor): the input tensor.
        repeats (int or Tensor): the count for every element, or one count per element.
        dim (int, optional): the dim to repeat along; the flattened tensor when omitted.
        output_size (int, optional): the total length along ``dim``, if known.
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).

    Example:
        >>> import npgrad
        >>> npgrad.tensor([1, 2]).repeat_interleave(npgrad.tensor([1, 2]))
        tensor([1, 2, 2])
    """
    from .scatter import index_select
    if axis is not UNSET:
        dim = np_alias("repeat_interleave", dim, axis)[0]
    if repeats is None:  # repeat_interleave(repeats): indices 0..n-1 repeated
        reps = input._data
        if reps.ndim > 1 or reps.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if (reps < 0).any():
            raise RuntimeError("repeats can not be negative")
        return _t.make(xp.repeat(xp.arange(reps.size), reps))
    if dim is None:
        input = flatten(input)
        dim = 0
    nd = input._data.ndim
    if nd == 0:  # torch works on the 0-d input unflattened: its dim check fails for an explicit dim
        if isinstance(repeats, _t.Tensor):
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        norm_dim(norm_dim(dim, 0) + 1, 0)
    d = norm_dim(dim, max(nd, 1))
    if isinstance(repeats, _t.Tensor) and repeats._data.size != 1:
        reps = repeats._data
        if reps.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        n = input._data.shape[d]
        if reps.shape[0] != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{reps.shape[0]} and input.size({d}) = {n}")
        if (reps < 0).any():
            raise RuntimeError("repeats can not be negative")
        return index_select(input, d, _t.make(xp.repeat(xp.arange(n), reps)))
    if isinstance(repeats, _t.Tensor):
        if repeats._data.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        reps = repeats._data.reshape(()).item()
        if reps < 0:
            raise RuntimeError("repeats can not be negative")
        return index_select(input, d, _t.make(xp.repeat(xp.arange(input._data.shape[d]), reps)))
    r = int(repeats)
    if r < 0:
        raise RuntimeError("Repeats must be non-negative")
    if nd == 0:
        input = reshape(input, 1)
    shp = input._data.shape
    wide = expand(unsqueeze(input, d + 1), shp[:d + 1] + (r,) + shp[d + 1:])
    return view(clone(wide), shp[:d] + (shp[d] * r,) + shp[d + 1:])


def flip(input, *dims):
    """Reverses the order of the elements along the given dims.

    Args:
        input (Tensor): the input tensor.
        dims (int or sequence of ints): the dims to reverse.

    Returns:
        Tensor: a copy (unlike NumPy's ``flip``, which returns a view).

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(4).reshape(2, 2)
        >>> torch.flip(x, [0])
        tensor([[2, 3],
                [0, 1]])
        >>> torch.flip(x, (0, 1))
        tensor([[3, 2],
                [1, 0]])
    """
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    nd = input._data.ndim
    axes = tuple(norm_dim(d, nd) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return Flip.apply(input, axes if nd else ())  # a 0-d tensor takes dim 0/-1 and has nothing to flip


def fliplr(input):
    """Reverses the order of the columns (dim 1).

    Args:
        input (Tensor): a tensor with at least 2 dims.

    Returns:
        Tensor: a copy.

    Example:
        >>> import npgrad as torch
        >>> torch.fliplr(torch.arange(4).reshape(2, 2))
        tensor([[1, 0],
                [3, 2]])
    """
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, (1,))


def flipud(input):
    """Reverses the order of the rows (dim 0).

    Args:
        input (Tensor): a tensor with at least 1 dim.

    Returns:
        Tensor: a copy.

    Example:
        >>> import npgrad as torch
        >>> torch.flipud(torch.arange(4).reshape(2, 2))
        tensor([[2, 3],
                [0, 1]])
    """
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, (0,))


def roll(input, shifts, dims=None):
    """Shift elements cyclically along ``dims`` (over the flattened tensor when ``dims`` is None).

    Args:
        input (Tensor): the input tensor.
        shifts (int or tuple of ints): how far to shift (per dim in ``dims``).
        dims (int or tuple of ints, optional): the dims to roll; the flattened tensor when omitted.

    Example:
        >>> import npgrad
        >>> npgrad.arange(4).roll(1)
        tensor([3, 0, 1, 2])
    """
    shifts_t = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    if not shifts_t:
        raise RuntimeError("`shifts` required")
    if dims is None:
        if len(shifts_t) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts_t)}, dims:0")
        return Roll.apply(input, int(shifts_t[0]), None)
    dims_t = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(shifts_t) != len(dims_t):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts_t)}, dims:{len(dims_t)}")
    nd = input._data.ndim
    if nd == 0:  # unlike most ops, roll does not let a 0-d tensor take dim 0
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dims_t = tuple(norm_dim(d, nd) for d in dims_t)
    return Roll.apply(input, tuple(int(s) for s in shifts_t), dims_t)


def _check_matrix(input, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def tril(input, diagonal=0):
    """Lower triangle of a matrix (or batch of matrices); the other elements are set to 0.

    Args:
        input (Tensor): a tensor with at least 2 dims.
        diagonal (int, optional): the diagonal to keep up to: 0 the main one, > 0 above it, < 0 below it.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(3, 3)
        >>> torch.tril(x)
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
        >>> torch.tril(x, diagonal=-1)
        tensor([[0., 0., 0.],
                [1., 0., 0.],
                [1., 1., 0.]])
    """
    _check_matrix(input, "tril")
    return Tril.apply(input, int(diagonal))


def triu(input, diagonal=0):
    """Upper triangle of a matrix (or batch of matrices); the other elements are set to 0.

    Args:
        input (Tensor): a tensor with at least 2 dims.
        diagonal (int, optional): the diagonal to keep from: 0 the main one, > 0 above it, < 0 below it.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a new tensor of ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(3, 3)
        >>> torch.triu(x)
        tensor([[1., 1., 1.],
                [0., 1., 1.],
                [0., 0., 1.]])
        >>> torch.triu(x, diagonal=1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    _check_matrix(input, "triu")
    return Triu.apply(input, int(diagonal))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Places the last dim of ``input`` on a diagonal of new 2-D planes (the inverse of ``diagonal``).

    Args:
        input (Tensor): the input tensor.
        offset (int, optional): which diagonal (default 0, the main one).
        dim1 (int, optional): the first dim of the planes (default -2).
        dim2 (int, optional): the second dim of the planes (default -1).

    Returns:
        Tensor: one more dim than ``input``.

    Example:
        >>> import npgrad as torch
        >>> torch.diag_embed(torch.tensor([[1, 2], [3, 4]]))
        tensor([[[1, 0],
                 [0, 2]],
        <BLANKLINE>
                [[3, 0],
                 [0, 4]]])
    """
    nd = input._data.ndim + 1
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input._data.ndim == 0:
        raise RuntimeError("diag_embed(): input must be at least 1-dimensional")
    return DiagEmbed.apply(input, int(offset), d1, d2)


def diag(input, diagonal=0):
    """A 1-D ``input`` becomes the diagonal of a square matrix; a 2-D ``input`` gives back its diagonal.

    Args:
        input (Tensor): a 1-D or 2-D tensor.
        diagonal (int, optional): which diagonal: 0 the main one, > 0 above it, < 0 below it.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a 2-D matrix (from 1-D input) or a 1-D copy of the diagonal (from 2-D input).

    Example:
        >>> import npgrad as torch
        >>> torch.diag(torch.tensor([1, 2, 3]))
        tensor([[1, 0, 0],
                [0, 2, 0],
                [0, 0, 3]])
        >>> torch.diag(torch.arange(9).reshape(3, 3), 1)
        tensor([1, 5])
    """
    nd = input._data.ndim
    if nd == 1:
        return DiagEmbed.apply(input, int(diagonal), 0, 1)
    if nd == 2:
        return DiagonalCopy.apply(input, int(diagonal), 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


def trace(input):
    """Sum of the main diagonal of a 2-D tensor.

    Args:
        input (Tensor): a 2-D tensor.

    Returns:
        Tensor: a 0-d tensor; integer inputs give int64, as ``sum`` does.

    Example:
        >>> import npgrad as torch
        >>> torch.trace(torch.arange(9.).reshape(3, 3))
        tensor(12.)
    """
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    return Trace.apply(input)
