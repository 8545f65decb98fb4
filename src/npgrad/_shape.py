"""Shapes: ``Size``, broadcasting, ``sum_to`` (the one place broadcast gradients are reduced) and dims."""
from typing import SupportsIndex, overload

import numpy as np

__all__ = ["Size", "broadcast_shapes", "sum_to", "norm_dim", "norm_dims", "UNSET", "np_alias", "required_dim",
           "takes_axis"]


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``npgrad.Size([2, 3])``.

    Example:
        >>> import npgrad as torch
        >>> s = torch.zeros(2, 3).shape
        >>> s == (2, 3), s[1], s.numel()
        (True, 3, 6)
        >>> tuple(s)
        (2, 3)
    """
    __slots__ = ()

    def __repr__(self):
        return f"npgrad.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    @overload
    def __getitem__(self, item: SupportsIndex) -> int: ...

    @overload
    def __getitem__(self, item: slice) -> "Size": ...

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))


def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to; RuntimeError naming the clashing sizes as torch does.

    Args:
        *shapes (tuples of ints or ints): the shapes.

    Example:
        >>> import npgrad as torch
        >>> tuple(torch.broadcast_shapes((2, 1), (3,), (1, 1, 1)))
        (1, 2, 3)
    """
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for s in shapes:
        for i, n in enumerate(s, nd - len(s)):
            if n != 1:
                if out[i] != 1 and out[i] != n:
                    raise RuntimeError(f"The size of tensor a ({out[i]}) must match the size of tensor b ({n}) "
                                       f"at non-singleton dimension {i}")
                out[i] = n
    return Size(out)


def sum_to(g, shape):
    """Sum the broadcast gradient ``g`` down to ``shape``; works on ndarrays and on Tensors (create_graph)."""
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    if type(g) is np.ndarray:
        if axes:
            if g.dtype.itemsize == 2 and g.dtype.kind in "fV":  # half/bfloat16: accumulate in float32, round once
                with np.errstate(over="ignore"):
                    g = g.sum(axis=axes, keepdims=True, dtype=np.float32).astype(g.dtype)
            else:
                g = g.sum(axis=axes, keepdims=True)
        return g.reshape(shape) if lead else g
    if axes:  # a Tensor (create_graph): SumBackward1, then a view only to drop leading dims (torch's nodes)
        return _tensor_sum_to(g, axes, shape if lead else None)
    return g.reshape(shape) if lead else g


def _tensor_sum_to(g, axes, shape):
    """ops.reduction.tensor_sum_to, bound on first use (this module is imported before the ops)."""
    global _tensor_sum_to
    from .ops.reduction import tensor_sum_to
    _tensor_sum_to = tensor_sum_to
    return tensor_sum_to(g, axes, shape)


def norm_dim(dim, ndim):
    """Wrap a possibly negative dim; IndexError in torch's words when it is out of range."""
    if 0 <= dim < ndim:  # the common case, in one comparison
        return dim
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return dim + (ndim or 1) if dim < 0 else dim  # a 0-d tensor wraps as if it had one dim: -1 is 0


def norm_dims(dim, ndim):
    """``dim`` as a sorted tuple of non-negative axes (None means all)."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        axes = tuple(norm_dim(d, ndim) for d in dim)
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
        return tuple(sorted(axes))
    return (norm_dim(dim, ndim),)


class _Unset:
    """The default of an alias keyword: tells "not given" apart from any value a caller may pass."""
    __slots__ = ()

    def __repr__(self):
        return "<unset>"


UNSET = _Unset()


def np_alias(name, dim, axis, dim_default=None, keepdim=False, keepdims=UNSET):
    """torch's NumPy spellings: ``axis`` for ``dim`` and ``keepdims`` for ``keepdim`` (torch's argument parser
    takes them wherever a native function has ``dim``/``keepdim``). Giving both spellings of one argument is a
    TypeError, as in torch. Returns ``(dim, keepdim)``."""
    if axis is not UNSET:
        if dim is not dim_default:
            raise TypeError(f"{name}() got multiple values for argument 'dim' (also given as 'axis')")
        dim = axis
    if keepdims is not UNSET:
        if keepdim is not False:
            raise TypeError(f"{name}() got multiple values for argument 'keepdim' (also given as 'keepdims')")
        keepdim = keepdims
    return dim, keepdim


def required_dim(name, dim, axis):
    """``dim`` of a function that requires one, given as ``dim`` or as ``axis``; TypeError when neither."""
    if axis is not UNSET:
        dim = np_alias(name, dim, axis, UNSET)[0]
    if dim is UNSET:
        raise TypeError(f"{name}() missing 1 required positional argument: \"dim\"")
    return dim


def takes_axis(fn):
    """``fn`` (whose ``dim`` is a required argument followed by others, as in ``gather(input, dim, index)``)
    also taking torch's ``axis=`` spelling of ``dim``. Used on ops off the hot path only: the wrapper costs a
    call."""
    name = fn.__name__

    def with_axis(*args, **kwargs):
        if "axis" in kwargs:
            if "dim" in kwargs or len(args) > 1:
                raise TypeError(f"{name}() got multiple values for argument 'dim' (also given as 'axis')")
            kwargs["dim"] = kwargs.pop("axis")
        return fn(*args, **kwargs)
    with_axis.__name__, with_axis.__qualname__, with_axis.__doc__ = name, fn.__qualname__, fn.__doc__
    with_axis.__wrapped__ = fn
    return with_axis
