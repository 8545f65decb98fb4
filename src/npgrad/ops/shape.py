"""Shape ops: views (reshape/view, transpose, permute, squeeze/unsqueeze, expand, narrow, diagonal) and copies
(clone, to, contiguous).

Views share the input's storage and version counter (``_view = True``), as in torch. Every view remembers its
root base (``_x["base"]``, torch's ``_base``; set by ``track_view`` in the view functions, not by apply, so other
ops pay nothing), so that writing into it (``v[0] = x``) can rebase the base's ``grad_fn`` the way torch's
``CopySlices`` does (see ``indexing.setitem``). A view made while not recording with grad mode off is also marked
(``mark_nograd_view``, torch's CreationMeta).
"""
import warnings

import weakref

import numpy as np
from .._xp import xp

from ..autograd.function import Function, dispatch
from .._shape import norm_dim, sum_to, Size, UNSET, np_alias, required_dim, takes_axis
from .. import _tensor as _t, _dtype
from ..autograd.grad_mode import state
from .._warn import warn as _warn

__all__ = ["reshape", "view", "transpose", "swapaxes", "swapdims", "t", "permute", "movedim", "moveaxis",
           "unsqueeze", "squeeze", "expand", "clone", "to_copy", "flatten", "unflatten", "broadcast_to",
           "contiguous", "narrow", "diagonal", "atleast_1d", "atleast_2d", "atleast_3d", "adjoint"]


# ---------------------------------------------------------------------------------------------- no_grad views
# torch's CreationMeta: a view made while grad mode is off, of a tensor that requires grad, must not be written in
# place with grad mode on (the write could not be tracked through the base). ``_x["ngview"]`` is
# (root base, "no_grad" | "inference", op or None, output number): op names the view's Function when the view was
# taken in grad mode of such a view (torch's message then says "Output 0 of View is a view of a view ...").
_NG_MODES = {"no_grad": ("no_grad mode", "with grad mode enabled", "no_grad"),
             "inference": ("inference mode", "in normal mode", "inference_mode")}


def _op_name(op):
    """torch's name of a view's forward in these messages: the node name without ``Backward<n>``."""
    name = op if type(op) is str else op._node_cls.__name__
    return name[:name.rindex("Backward")] if "Backward" in name else name


def mark_custom_view(out, input, name, nr):
    """A custom Function's output ``nr`` that is a view made in its forward (marked by ``track_view`` under the
    forward's no_grad), or an input returned as is: torch forbids writing into it in place."""
    x = out._x
    m = x.get("ngview") if x else None
    root = m[0] if m is not None else input
    if out._x is None:
        out._x = {}
    out._x["ngview"] = (root, "custom", name, nr, out._vc[0])


def mark_nograd_view(res, input, op, nr=0):
    """``res``, a view of ``input`` made while not recording: it knows its base (``_base``), and a view made with
    grad mode off is marked (torch's CreationMeta NO_GRAD_MODE / INFERENCE_MODE): writing into it in place later
    with grad mode on is refused when recorded. Of a base that requires grad, it requires grad itself (torch), but
    is a leaf without an accumulator: the gradient reaching it is dropped (``no_grad_view_edge``)."""
    vc = res._v
    if vc is None or vc is not input._v:  # not a view after all (a copy)
        if vc is not None or res._data.size or res is input or op is None or not getattr(op, "_view", False):
            return
        res._v = vc = input._vc  # an empty view shares no memory NumPy can see, but it is a view all the same
    x = input._x
    m = x.get("ngview") if x else None
    base = x.get("base", input) if x else input
    if m is not None:  # a view of a marked view is marked too, whatever the mode
        m = (m[0], m[1], op if state.enabled else None, nr, vc[0])
    elif not state.enabled:
        m = (base, "inference" if state.inference else "no_grad", None, nr, vc[0])
    rx = res._x
    if rx is None:
        res._x = rx = {"base": base}
    else:
        rx["base"] = base
    if m is not None:
        rx["ngview"] = m
        if base._req:
            res._req = True


def no_grad_view_edge(t):
    """The edge of ``t``, a view made under no_grad of a tensor that requires grad, used in a recorded op: none
    (torch's next_functions entry ``(None, 0)``), or torch's error if its base was written in place since."""
    m = t._x["ngview"]
    if t._vc[0] != m[4]:
        made, mode, block = _NG_MODES.get(m[1], _NG_MODES["no_grad"])
        raise RuntimeError(f"A view was created in {made} and its base or another view of its base has been "
                           f"modified inplace {mode}. Given that this use case is ambiguous and "
                           f"error-prone, it is forbidden. You can clarify your code by moving both the view and the "
                           f"inplace either both inside the {block} block (if you don't want the inplace to be "
                           f"tracked) or both outside (if you want the inplace to be tracked).")
    return (None, 0)


def check_nograd_view(t, recording=False, op=None):
    """Raise torch's error if ``t`` is a view marked by ``mark_nograd_view`` and is about to be written in place
    with grad mode on, while the write would be recorded (its base requires grad, or ``recording``). ``op``: the
    Function of a view the write goes through first (``v[0] = 1`` writes through a ``Select``). Using such a
    view in a recorded op after its base was written in place raises torch's error (``no_grad_view_edge``); not
    matched: torch raises on merely reading its ``grad_fn`` (or ``is_leaf``) then, npgrad gives None."""
    x = t._x
    m = x.get("ngview") if x else None
    if m is None or not state.enabled or not (recording or m[0]._req):
        return
    op = op or m[2]
    if op is not None and getattr(op, "_multi_view", False):  # split/unbind of such a view in grad mode
        raise RuntimeError(f"Output {m[3]} of {_op_name(op)} is a view and is being modified inplace. This view is "
                           "the output of a function that returns multiple views. Such functions do not allow the "
                           "output views to be modified inplace. You should replace the inplace operation by an "
                           "out-of-place one.")
    if m[1] == "custom":
        head = "A view" if op is None else f"Output {m[3]} of {_op_name(op)} is a view"
        raise RuntimeError(f"{head} and is being modified inplace. This view was created inside a custom Function "
                           "(or because an input was returned as-is) and the autograd logic to handle view+inplace "
                           "would override the custom backward associated with the custom Function, leading to "
                           "incorrect gradients. This behavior is forbidden. You can fix this by cloning the output "
                           "of the custom Function.")
    made, mode, block = _NG_MODES[m[1]]
    if op is None:
        head = "A view was created in"
    else:
        head = f"Output 0 of {_op_name(op)} is a view of a view which was created in"
    raise RuntimeError(f"{head} {made} and is being modified inplace {mode}. Given that this use case is ambiguous "
                       f"and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
                       f"inplace either both inside the {block} block (if you don't want the inplace to be tracked) "
                       f"or both outside (if you want the inplace to be tracked).")


def _infer_shape(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for i, s in enumerate(shape):
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
            known *= s
    if neg:
        if known == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {shape} because the unspecified "
                               f"dimension size -1 can be any value and is ambiguous")
        if numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


def track_view(res, input, op=None):
    """Remember the base of a view made while recording (torch's ``_base``), for in-place writes through it.
    A view made without recording (``no_grad``, ``inference_mode``) of a tensor that requires grad is marked
    instead (``mark_nograd_view``): torch forbids writing into it in place with grad mode on. ``op``: the view's
    Function, named in that error when the view was taken in grad mode of such a marked view."""
    fn = res.grad_fn
    if fn is None:
        vc = res._v
        if vc is not None and vc is input._v and not input._x and not input._req and state.enabled:
            res._x = {"base": input}  # a view of a plain tensor in grad mode: only its base to remember
        else:
            mark_nograd_view(res, input, op)
        return res
    ivc = input._vc  # (a property: read each counter once)
    rvc = res._vc
    if rvc is not ivc and not res._data.size and fn._fn._view:
        res._vc = rvc = ivc  # an empty view shares no memory NumPy can see, but it is a view all the same
    if rvc is ivc:
        x = input._x
        if x and "ngview" in x:  # a view of a custom Function's view output (mark_custom_view)
            mark_nograd_view(res, input, op)
        base = x.get("base", input) if x else input
        if res._x is None:
            res._x = {"base": base}
        else:  # keep what is there already (a forward-AD tangent)
            res._x["base"] = base
        if base.grad_fn is not None:  # a write into a non-leaf base regenerates its views' grad_fn (inplace.py)
            bx = base._extra()
            views = bx.get("views")
            if views is None:
                bx["views"] = views = []
            elif len(views) >= 64 and not len(views) & 63:  # a long-lived base: drop the dead views now and then
                views[:] = [r for r in views if r() is not None]
            views.append(weakref.ref(res))
    return res


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
        return a.swapaxes(d0, d1) if a.ndim else a.view()  # transpose(0, 0) of a 0-d tensor is itself

    @staticmethod
    def backward(ctx, grad):
        # self: grad.transpose(dim0, dim1)
        return (grad.swapaxes(ctx.d0, ctx.d1) if grad.ndim else grad), None, None


class T(Function):
    _builtin, _view = True, True
    _node_name = "TBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.T

    @staticmethod
    def backward(ctx, grad):
        # self: grad.t()
        xp = ctx.xp
        return xp.transpose(grad)


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
        xp = ctx.xp
        dims = ctx.dims
        inv = list(dims)  # the inverse permutation (in Python: argsort's array round trip cost ~3 us)
        for i, d in enumerate(dims):
            inv[d] = i
        return xp.transpose(grad, inv), None


class Unsqueeze(Function):
    _builtin, _view = True, True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return xp.expand_dims(a, dim)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.squeeze(dim)
        xp = ctx.xp
        return xp.squeeze(grad, ctx.dim), None


class Squeeze(Function):
    """``squeeze()`` of every size-1 dim."""
    _builtin, _view = True, True
    _ctx_fields = ("shape",)

    @staticmethod
    def forward(ctx, a, dims):
        ctx.shape = a.shape
        return xp.squeeze(a, dims)

    @staticmethod
    def backward(ctx, grad):
        # self: unsqueeze_to(grad, self.sym_sizes())
        return grad.reshape(ctx.shape), None


class SqueezeDim(Squeeze):
    _node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    _node_name = "SqueezeBackward2"


class Expand(Function):
    _builtin, _view = True, True
    _ctx_fields = ("shape",)

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return xp.broadcast_to(a, shape)

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
    if isinstance(x, (np.ndarray, np.generic)):
        return x.astype(np_dtype, copy=False)
    if x._data.dtype == np_dtype:
        return x
    return ToCopy.apply(x, np_dtype)


def diag_view(a, offset, d1, d2):
    """The writable strided view of the ``offset`` diagonal of dims ``d1``/``d2``, moved to the last dim
    (``np.diagonal`` gives the same elements, but read-only)."""
    shape, strides = a.shape, a.strides
    n1, n2 = shape[d1], shape[d2]
    n = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
    rest = [i for i in range(a.ndim) if i not in (d1, d2)]
    if n:
        # start at the diagonal's first element: slice it off along the dim the offset moves along
        d, k = (d2, offset) if offset >= 0 else (d1, -offset)
        a = a[(slice(None),) * d + (slice(k, None),)]
    return xp.lib.stride_tricks.as_strided(a, shape=tuple(shape[i] for i in rest) + (n,),
                                           strides=tuple(strides[i] for i in rest) + (strides[d1] + strides[d2],))


class Diagonal(Function):
    _builtin, _view = True, True
    _ctx_fields = ("shape", "offset", "d1", "d2")

    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        ctx.shape, ctx.offset, ctx.d1, ctx.d2 = a.shape, offset, d1, d2
        return diag_view(a, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad):
        # self: diagonal_backward_symint(grad, self.sym_sizes(), offset, dim1, dim2)
        return dispatch(DiagonalBackward, grad, ctx.shape, ctx.offset, ctx.d1, ctx.d2), None, None, None


class DiagonalCopy(Diagonal):
    """``diag()`` of a matrix: torch records the copy variant under this odd name."""
    _view = False
    _node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        ctx.shape, ctx.offset, ctx.d1, ctx.d2 = a.shape, offset, d1, d2
        return diag_view(a, offset, d1, d2).copy()


class DiagonalBackward(Function):
    """Zeros of ``shape`` with ``grad`` on the diagonal: the adjoint of ``diagonal``."""
    _builtin = True
    _ctx_fields = ("offset", "d1", "d2")

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.offset, ctx.d1, ctx.d2 = offset, d1, d2
        z = xp.zeros(shape, dtype=g.dtype)
        diag_view(z, offset, d1, d2)[...] = g
        return z

    @staticmethod
    def backward(ctx, grad):
        # grad: grad.diagonal(offset, dim1, dim2)
        return dispatch(DiagonalCopy, grad, ctx.offset, ctx.d1, ctx.d2), None, None, None, None


# ---------------------------------------------------------------------------------------------- functions
def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _view_array(a, shape):
    """``a`` reshaped without a copy, or None when the strides make that impossible."""
    if a.flags.c_contiguous:
        return a.reshape(shape)
    r = a.view()
    try:
        r.shape = shape  # NumPy refuses exactly when no view exists
    except AttributeError:
        return None
    return r


def reshape(input, *shape):
    """``input`` with a new shape (one dim may be -1): a view when the strides allow it, else a copy.

    Args:
        input (Tensor): the input tensor.
        *shape (ints or a tuple of ints): the new shape; one entry may be -1.

    Example:
        >>> import npgrad
        >>> npgrad.arange(6.).reshape(2, -1).shape
        npgrad.Size([2, 3])
    """
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if _view_array(input._data, shape) is not None:
        return track_view(View.apply(input, shape), input, View)
    return UnsafeView.apply(Clone.apply(input), shape)


def view(input, *shape):
    """A view of ``input`` with a new shape and the same elements.

    torch has this only as the method ``Tensor.view``; npgrad also exposes the function.

    Args:
        input (Tensor): the input tensor.
        *shape (ints or a tuple of ints): the new shape; one entry may be -1.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through). The memory layout must allow it (use
            ``reshape`` otherwise).

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(6)
        >>> x.view(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> x.view(-1, 2)
        tensor([[0, 1],
                [2, 3],
                [4, 5]])
    """
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, int)):
        return _view_dtype(input, shape[0])
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    if _view_array(input._data, shape) is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return track_view(View.apply(input, shape), input, View)


def _view_dtype(input, dtype):
    """``view(dtype)``: the same bytes read as another dtype (not differentiable, as in torch)."""
    dt = dtype.np
    a = input._data
    if dt == a.dtype:
        return input
    if dt.itemsize != a.itemsize and a.ndim == 0:
        raise RuntimeError("self.dim() cannot be 0 to view " + str(input.dtype) + " as " + str(dtype) +
                           " (different element sizes)")
    try:
        out = a.view(dt)
    except ValueError as e:
        raise RuntimeError(f"view(dtype): {e}") from None
    return _t.make(out, None, 0, input._vc)  # torch too leaves it out of the graph


def view_as(input, other):
    """``self.view(other.size())``: a view of ``self`` with ``other``'s shape.

    Args:
        other (Tensor): the tensor whose shape is taken.

    Returns:
        Tensor: a view of ``self``.

    Example:
        >>> import npgrad as torch
        >>> torch.arange(6).view_as(torch.zeros(2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    return view(input, _t.tensor_arg(other, "view_as")._data.shape)


def reshape_as(input, other):
    """``self.reshape(other.shape)``: ``self`` with ``other``'s shape (a view when possible).

    Args:
        other (Tensor): the tensor whose shape is taken.

    Returns:
        Tensor: the reshaped tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.arange(6).reshape_as(torch.zeros(3, 2))
        tensor([[0, 1],
                [2, 3],
                [4, 5]])
    """
    return reshape(input, _t.tensor_arg(other, "reshape_as")._data.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Flattens the dims from ``start_dim`` to ``end_dim`` into one.

    Args:
        input (Tensor): the input tensor.
        start_dim (int, optional): the first dim to flatten (default 0).
        end_dim (int, optional): the last dim to flatten (default -1).

    Returns:
        Tensor: a view when the memory layout allows, else a copy.

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(8).reshape(2, 2, 2)
        >>> torch.flatten(x)
        tensor([0, 1, 2, 3, 4, 5, 6, 7])
        >>> torch.flatten(x, start_dim=1)
        tensor([[0, 1, 2, 3],
                [4, 5, 6, 7]])
    """
    nd = input._data.ndim
    if nd == 0:
        norm_dim(start_dim, 0)
        norm_dim(end_dim, 0)
        return reshape(input, 1)
    s, e = norm_dim(start_dim, nd), norm_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shp = input._data.shape
    n = 1
    for k in shp[s:e + 1]:
        n *= k
    return reshape(input, shp[:s] + (n,) + shp[e + 1:])


@takes_axis
def unflatten(input, dim, sizes):
    """Expands dim ``dim`` into several dims of the given sizes (the inverse of ``flatten``).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to expand.
        sizes (tuple of ints): the new dims; their product must be ``input.shape[dim]`` (one may be -1).

    Returns:
        Tensor: a view when possible.

    Example:
        >>> import npgrad as torch
        >>> torch.unflatten(torch.arange(6), 0, (2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    shp = input._data.shape
    if not shp:
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no "
                           "dimensions")
    d = norm_dim(dim, len(shp))
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(xp.prod([s for s in sizes if s != -1]))
    n = shp[d]
    if (-1 in sizes and (known == 0 or n % known)) or (-1 not in sizes and known != n):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({n}) in the input tensor")
    if -1 in sizes:
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    return view(input, shp[:d] + sizes + shp[d + 1:])


def transpose(input, dim0, dim1):
    """Swaps dims ``dim0`` and ``dim1``.

    ``swapaxes`` and ``swapdims`` do the same.

    Args:
        input (Tensor): the input tensor.
        dim0 (int): the first dim.
        dim1 (int): the second dim.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(6).reshape(2, 3)
        >>> torch.transpose(x, 0, 1)
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    nd = input._data.ndim
    d0, d1 = norm_dim(dim0, nd), norm_dim(dim1, nd)
    return track_view(Transpose.apply(input, d0, d1), input, Transpose)


def swapaxes(input, axis0, axis1):
    """``transpose`` under NumPy's name (and NumPy's argument names, as in torch).

    Args:
        input (Tensor): the input tensor.
        axis0 (int): the first dim.
        axis1 (int): the second dim.

    Example:
        >>> import npgrad as torch
        >>> torch.swapaxes(torch.arange(6).reshape(2, 3), 0, 1)
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    """``transpose`` under another name.

    Args:
        input (Tensor): the input tensor.
        dim0 (int): the first dim.
        dim1 (int): the second dim.

    Example:
        >>> import npgrad as torch
        >>> torch.swapdims(torch.arange(6).reshape(1, 2, 3), 0, 2).shape == (3, 2, 1)
        True
    """
    return transpose(input, dim0, dim1)


def t(input):
    """Transposes a tensor of at most 2 dims (0-D and 1-D tensors come back as they are).

    Args:
        input (Tensor): a tensor with at most 2 dims.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> torch.t(torch.arange(6).reshape(2, 3))
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return track_view(T.apply(input), input, T)


def permute(input, *dims):
    """Reorders the dims of ``input``.

    Args:
        input (Tensor): the input tensor.
        dims (ints or a tuple of ints): the new order, a permutation of ``range(input.dim())``.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(6).reshape(1, 2, 3)
        >>> torch.permute(x, (2, 0, 1)).shape == (3, 1, 2)
        True
        >>> x.permute(0, 2, 1)
        tensor([[[0, 3],
                 [1, 4],
                 [2, 5]]])
    """
    if not dims:  # torch.permute(x, ()) is fine for 0-d; x.permute() with nothing is a missing argument
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_arg(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(norm_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return track_view(Permute.apply(input, dims), input, Permute)


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (ints or sequences); the others keep their order.

    Args:
        input (Tensor): the input tensor.
        source (int or sequence of ints): the dims to move.
        destination (int or sequence of ints): where they go.

    Example:
        >>> import npgrad
        >>> npgrad.zeros(2, 3, 4).movedim(0, -1).shape
        npgrad.Size([3, 4, 2])
    """
    nd = input._data.ndim
    src = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    dst = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                           f"contain the same number of dims as destination ({list(dst)} dims)")
    src = [norm_dim(d, nd) for d in src]
    dst = [norm_dim(d, nd) for d in dst]
    if nd == 0:  # a 0-d tensor moves dim 0/-1 onto itself: an alias, as in torch
        from .indexing import Alias
        return track_view(Alias.apply(input, (), None), input, Alias)
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [None] * nd
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(nd) if i not in src)
    order = tuple(o if o is not None else next(rest) for o in order)
    return track_view(Permute.apply(input, order), input, Permute)


moveaxis = movedim


def unsqueeze(input, dim=UNSET, *, axis=UNSET):
    """Inserts a dim of size 1 at position ``dim``.

    Args:
        input (Tensor): the input tensor.
        dim (int): where the new dim goes; negative counts from the end of the result.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> torch.unsqueeze(torch.tensor([1, 2, 3]), 0)
        tensor([[1, 2, 3]])
        >>> torch.unsqueeze(torch.tensor([1, 2, 3]), -1)
        tensor([[1],
                [2],
                [3]])
    """
    if dim is UNSET or axis is not UNSET:
        dim = required_dim("unsqueeze", dim, axis)
    return track_view(Unsqueeze.apply(input, norm_dim(dim, input._data.ndim + 1)), input, Unsqueeze)


def squeeze(input, dim=None, *, axis=UNSET):
    """Removes dims of size 1 (all of them, or only those in ``dim``).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dims to remove if their size is 1.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> x = torch.zeros(2, 1, 3, 1)
        >>> tuple(torch.squeeze(x).shape)
        (2, 3)
        >>> tuple(torch.squeeze(x, 1).shape)
        (2, 3, 1)
        >>> tuple(torch.squeeze(x, 0).shape)
        (2, 1, 3, 1)
    """
    if axis is not UNSET:
        dim = np_alias("squeeze", dim, axis)[0]
    shp = input._data.shape
    if dim is None:
        return track_view(Squeeze.apply(input, tuple(i for i, s in enumerate(shp) if s == 1)), input, Squeeze)
    if isinstance(dim, (tuple, list)):
        dims = tuple(norm_dim(d, len(shp)) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
        return track_view(SqueezeDims.apply(input, tuple(d for d in dims if shp and shp[d] == 1)), input,
                          SqueezeDims)
    d = norm_dim(dim, len(shp))
    return track_view(SqueezeDim.apply(input, (d,) if shp and shp[d] == 1 else ()), input, SqueezeDim)


def expand(input, *sizes):
    """Broadcasts ``input`` to a larger shape without copying: size-1 dims are repeated, new dims added in front.

    torch has this only as the method ``Tensor.expand``; npgrad also exposes the function.

    Args:
        input (Tensor): the input tensor.
        *sizes (ints or a tuple of ints): the target shape; -1 keeps a dim's size.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> torch.tensor([[1], [2]]).expand(2, 3)
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> torch.tensor([1, 2]).expand(2, -1)
        tensor([[1, 2],
                [1, 2]])
    """
    sizes = _shape_arg(sizes)
    shp = input._data.shape
    if len(sizes) < len(shp):
        raise RuntimeError(f"expand(torch.{_kind(input)}{{{list(shp)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(shp)})")
    lead = len(sizes) - len(shp)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
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
    return track_view(Expand.apply(input, tuple(target)), input, Expand)


def _kind(input):
    return _dtype.TENSOR_TYPES.get(input._data.dtype.name, "Tensor")


def expand_as(input, other):
    """``self.expand(other.size())``: a broadcast view of ``self`` with ``other``'s shape.

    Args:
        other (Tensor): the tensor whose shape is taken.

    Returns:
        Tensor: a view of ``self``.

    Example:
        >>> import npgrad as torch
        >>> torch.tensor([[1], [2]]).expand_as(torch.zeros(2, 3))
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    return expand(input, _t.tensor_arg(other, "expand_as")._data.shape)


def broadcast_to(input, size):
    """Broadcasts ``input`` to the shape ``size`` without copying.

    The same as ``input.expand(size)``.

    Args:
        input (Tensor): the input tensor.
        size (tuple of ints): the target shape; -1 keeps a dim's size.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> torch.broadcast_to(torch.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
    return expand(input, size)


def _memory_format(fname, input, memory_format, allowed):
    if memory_format is not None and memory_format not in allowed:
        from .._creation import _check_memory_format
        _check_memory_format(memory_format, fname, input._data.ndim)


def clone(input, *, memory_format=None):
    """A copy of ``input`` with its own storage, still part of the autograd graph.

    Args:
        input (Tensor): the input tensor.
        memory_format (npgrad.memory_format, optional): the layout of the copy (default ``preserve_format``).

    Returns:
        Tensor: ``input``'s shape, dtype and values; gradients flow back to ``input`` (``CloneBackward0``).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = torch.clone(x)
        >>> y
        tensor([1., 2.], grad_fn=<CloneBackward0>)
        >>> y.data_ptr() == x.data_ptr()
        False
    """
    _memory_format("clone", input, memory_format, (_dtype.preserve_format, _dtype.contiguous_format))
    return Clone.apply(input)


def contiguous(input, memory_format=None):
    """``input`` if it is already contiguous in memory, else a contiguous copy.

    torch has this only as the method ``Tensor.contiguous``; npgrad also exposes the function.

    Args:
        input (Tensor): the input tensor.
        memory_format (npgrad.memory_format, optional): the layout wanted (default ``contiguous_format``).

    Returns:
        Tensor: a C-contiguous tensor equal to ``input``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(6).reshape(2, 3).t()
        >>> x.is_contiguous()
        False
        >>> x.contiguous().is_contiguous()
        True
    """
    _memory_format("contiguous", input, memory_format, (_dtype.contiguous_format,))
    return input if input._data.flags.c_contiguous else Clone.apply(input)


def to_copy(input, dtype):
    """A copy of ``input`` converted to ``dtype`` (the function behind ``Tensor.to`` when it must copy).

    torch has no public ``torch.to_copy``; use the method ``Tensor.to``, as the example does.

    Args:
        input (Tensor): the input tensor.
        dtype (npgrad.dtype): the dtype of the copy.

    Returns:
        Tensor: a new tensor; gradients flow back through the conversion (``ToCopyBackward0``).

    Example:
        >>> import npgrad as torch
        >>> torch.tensor([1.5, -2.5]).to(torch.int64)
        tensor([ 1, -2])
    """
    return ToCopy.apply(input, dtype.np)


@takes_axis
def narrow(input, dim, start, length):
    """The view ``input[..., start:start + length, ...]`` along ``dim`` (``start`` may be negative).

    Args:
        input (Tensor): the input tensor.
        dim (int): the dim to work along.
        start (int or 0-d Tensor): the first index (negative counts from the end).
        length (int): how many elements.

    Example:
        >>> import npgrad
        >>> npgrad.arange(5).narrow(0, -3, 2)
        tensor([2, 3])
    """
    from .indexing import Slice
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = norm_dim(dim, nd)
    size = input._data.shape[d]
    start = int(start)
    length = int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return track_view(Slice.apply(input, (slice(None),) * d + (slice(start, start + length),)), input, Slice)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The view of a diagonal of ``dim1``/``dim2`` (above it for ``offset > 0``), appended as the last dim.

    Args:
        input (Tensor): the input tensor.
        offset (int, optional): which diagonal: 0 the main one, > 0 above it, < 0 below it.
        dim1 (int, optional): the first dim of the matrices (default 0).
        dim2 (int, optional): the second dim of the matrices (default 1).

    Example:
        >>> import npgrad
        >>> npgrad.arange(6).reshape(2, 3).diagonal(1)
        tensor([1, 5])
    """
    nd = input._data.ndim
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return track_view(Diagonal.apply(input, int(offset), d1, d2), input, Diagonal)


def _atleast(n, tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        return tuple(_atleast(n, (x,)) for x in tensors[0])
    if len(tensors) > 1:
        return tuple(_atleast(n, (x,)) for x in tensors)
    x = tensors[0]
    if not isinstance(x, _t.Tensor):
        raise TypeError(f"expected Tensor as element 1 in argument 0, but got {type(x).__name__}")
    nd = x._data.ndim
    if nd >= n:
        return x
    if nd == 0:
        return reshape(x, (1,) * n)
    if n == 2 or nd == 2:  # (k,) -> (1, k); (a, b) -> (a, b, 1)
        x = unsqueeze(x, 0 if n == 2 else -1)
        return x
    return unsqueeze(unsqueeze(x, 0), -1)  # (k,) -> (1, k, 1)


def atleast_1d(*tensors):
    """Returns each input with at least 1 dimension; tensors with more are returned as they are.

    Args:
        *tensors (Tensor or sequence of Tensors): one tensor, or several (as arguments or in one list/tuple).

    Returns:
        Tensor or tuple of Tensors: one result per input (a view where possible).

    Example:
        >>> import npgrad as torch
        >>> torch.atleast_1d(torch.tensor(1.5))
        tensor([1.5000])
        >>> torch.atleast_1d(torch.tensor([1, 2]), torch.tensor(3))
        (tensor([1, 2]), tensor([3]))
    """
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """Returns each input with at least 2 dimensions; tensors with more are returned as they are.

    Args:
        *tensors (Tensor or sequence of Tensors): one tensor, or several (as arguments or in one list/tuple).

    Returns:
        Tensor or tuple of Tensors: one result per input (a view where possible).

    Example:
        >>> import npgrad as torch
        >>> torch.atleast_2d(torch.tensor(1.5))
        tensor([[1.5000]])
        >>> torch.atleast_2d(torch.tensor([1, 2]), torch.tensor(3))
        (tensor([[1, 2]]), tensor([[3]]))
    """
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """Returns each input with at least 3 dimensions; tensors with more are returned as they are.

    Args:
        *tensors (Tensor or sequence of Tensors): one tensor, or several (as arguments or in one list/tuple).

    Returns:
        Tensor or tuple of Tensors: one result per input (a view where possible).

    Example:
        >>> import npgrad as torch
        >>> torch.atleast_3d(torch.tensor(1.5))
        tensor([[[1.5000]]])
        >>> torch.atleast_3d(torch.tensor([1, 2]), torch.tensor(3))
        (tensor([[[1],
                 [2]]]), tensor([[[3]]]))
    """
    return _atleast(3, tensors)


def adjoint(input):
    """Conjugate transpose of the last two dims; for real tensors the same as ``input.mT``.

    Args:
        input (Tensor): a tensor with at least 2 dims.

    Returns:
        Tensor: a view of ``input`` (shares its storage; writes show through).

    Example:
        >>> import npgrad as torch
        >>> torch.adjoint(torch.arange(6).reshape(2, 3))
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    return _mT(input, "tensor.adjoint()", "adjoint() is deprecated on 0-D tensors. Consider using x.conj().")


def _mT(self, what="tensor.mT", zero_d="Tensor.mT is deprecated on 0-D tensors. This function is the identity in "
                                       "these cases."):
    """The transpose of the last two dims (of each matrix in a batch).
    Example:
        >>> import npgrad as torch
        >>> torch.arange(6).reshape(1, 2, 3).mT.shape == (1, 3, 2)
        True
    """
    if self._data.ndim == 0:  # torch returns the tensor itself (real dtypes: conj is the identity too)
        _warn(zero_d, UserWarning)
        return self
    if self._data.ndim < 2:
        raise RuntimeError(f"{what} is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


def _mH(self):
    """The conjugate transpose of the last two dims; for real tensors the same as ``mT``.
    Example:
        >>> import npgrad as torch
        >>> torch.tensor([[[1., 2.], [3., 4.]]]).mH
        tensor([[[1., 3.],
                 [2., 4.]]])
    """
    return _mT(self, "tensor.mH", "Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().")


_REV2 = (1, 0)


def _T(self):
    """The tensor with its dims reversed (the transpose for a matrix).

    torch deprecates ``.T`` on tensors of other than 2 dims (use ``mT`` or ``permute``).
    Example:
        >>> import npgrad as torch
        >>> torch.arange(6).reshape(2, 3).T
        tensor([[0, 3],
                [1, 4],
                [2, 5]])
    """
    nd = self._data.ndim
    if nd == 2:  # (the everyday case, W.T: no tuple to build)
        return track_view(Permute.apply(self, _REV2), self, Permute)
    if nd == 0:
        _warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.", UserWarning)
    else:
        _warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
              "deprecated and it will throw an error in a future release. Consider `x.mT` to "
              "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
              "reverse the dimensions of a tensor.", UserWarning)
    return track_view(Permute.apply(self, tuple(range(nd))[::-1]), self, Permute)


def _H(self):
    """The conjugate transpose of a matrix; for real tensors the same as ``.T`` on a 2-D tensor.
    Example:
        >>> import npgrad as torch
        >>> torch.tensor([[1., 2.], [3., 4.]]).H
        tensor([[1., 3.],
                [2., 4.]])
    """
    nd = self._data.ndim
    if nd == 0:
        _warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning)
        return self
    if nd != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D tensor." +
                           (" For batches of matrices, consider using tensor.mH" if nd > 2 else ""))
    return transpose(self, 0, 1)
