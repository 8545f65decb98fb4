"""The rest of torch's public surface that programs touch: the ``torch.abs_``-style in-place function forms, the
Tensor's in-place aliases (``greater_``, ``multiply_``, ...), predicates (``is_signed``, ``is_nonzero``, ...),
the complex-number views of a real tensor (``conj``/``real``/``resolve_conj``/``resolve_neg`` are the tensor
itself, ``angle`` is 0 or pi), ``addr``, ``diagflat``, ``fill``, legacy aliases (``range``, ``igamma``,
``split_with_sizes``, ``frobenius_norm``, ``nuclear_norm``, ``triangular_solve``), raw-memory constructors
(``frombuffer``, ``from_file``, ``empty_strided``, DLPack) and storage facts (``storage_offset``, ``is_set_to``).
"""
import builtins
import numbers
import warnings
from collections import namedtuple

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from .. import _tensor as _t
from ..autograd.function import Function
from .pointwise import zeros_of, float_input
from . import inplace as _ip
from . import linalg as _L
from . import reduction as _R
from . import linalg_func as _linalg_func
from .._warn import warn as _warn

# torch.<name>(input, ...) is input.<name>(...) for these
INPLACE_FUNCTIONS = (
    "abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ ceil_ "
    "clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ "
    "frac_ index_put_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ relu_ round_ "
    "rsqrt_ selu_ celu_ sigmoid_ sin_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ zero_ dropout_ alpha_dropout_ "
    "feature_alpha_dropout_").split()

__all__ = ["is_complex", "is_nonzero", "is_signed", "is_same_size", "is_neg", "is_conj", "is_inference",
           "is_distributed", "conj", "real", "resolve_conj", "resolve_neg", "angle", "addr", "diagflat", "fill",
           "range", "igamma", "igammac", "split_with_sizes", "frobenius_norm", "nuclear_norm", "triangular_solve",
           "frombuffer", "from_file", "empty_strided", "empty_permuted", "from_dlpack", "to_dlpack",
           "unravel_index", "set_anomaly_enabled", "set_flush_denormal", "conv_tbc", "channel_shuffle"]


from .._docs.inplace_examples import EXAMPLES as _INPLACE_EXAMPLES  # noqa: E402


def _inplace_function(name):
    def fn(input, *args, **kwargs):
        if not isinstance(input, _t.Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``input.{name}(...)``: the function form of the in-place method."
    example = _INPLACE_EXAMPLES.get(name)
    if example:
        fn.__doc__ += "\n\nExample:\n" + "\n".join("    " + line for line in example.split("\n"))
    return fn


_INPLACE = {}
for _n in INPLACE_FUNCTIONS:
    if _n in ("dropout_", "alpha_dropout_", "feature_alpha_dropout_", "selu_", "celu_", "relu_"):
        continue  # defined below or elsewhere with their own signatures
    _INPLACE[_n] = globals()[_n] = _inplace_function(_n)
__all__ += list(_INPLACE)


def _need_tensor(x, fname, pos=1, arg="input"):
    if not isinstance(x, _t.Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


# ------------------------------------------------------------------------------------------------ predicates
def is_complex(input):
    """False: npgrad's dtypes are real.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.is_complex(torch.tensor([1.0]))
        False
    """
    _need_tensor(input, "is_complex")
    return False


def is_conj(input):
    """Whether ``input`` is a lazily conjugated view; npgrad never makes one (it has no complex dtypes, see
    :doc:`/differences`), so always False.

    Args:
        input (Tensor): the input tensor.

    Returns:
        bool: False.

    Example:
        >>> import npgrad as torch
        >>> torch.is_conj(torch.tensor([1.0]))
        False
    """
    _need_tensor(input, "is_conj")
    return False


def is_neg(input):
    """Whether ``input`` is a lazily negated view; npgrad never makes one, so always False.

    Args:
        input (Tensor): the input tensor.

    Returns:
        bool: False.

    Example:
        >>> import npgrad as torch
        >>> torch.is_neg(torch.tensor([1.0]))
        False
    """
    _need_tensor(input, "is_neg")
    return False


def is_signed(input):
    """Whether ``input``'s dtype is signed (every dtype but uint8 and bool).

    Args:
        input (Tensor): the input tensor.

    Returns:
        bool: True for signed dtypes.

    Example:
        >>> import npgrad as torch
        >>> torch.is_signed(torch.tensor([1, 2]))
        True
        >>> torch.is_signed(torch.tensor([1, 2], dtype=torch.uint8))
        False
    """
    _need_tensor(input, "is_signed")
    return input._data.dtype.kind not in "ub"


def is_nonzero(input):
    """Whether the single element of a one-element tensor is nonzero (``bool(input)``).

    Tensors of more (or fewer) than one element raise ``RuntimeError``, as in torch.

    Args:
        input (Tensor): a tensor with exactly one element.

    Returns:
        bool: the element's truth value.

    Example:
        >>> import npgrad as torch
        >>> torch.is_nonzero(torch.tensor([0.5]))
        True
        >>> torch.is_nonzero(torch.tensor(0))
        False
    """
    _need_tensor(input, "is_nonzero")
    n = input._data.size
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(input._data.reshape(()).item() != 0)


def is_same_size(input, other):
    """Whether ``input`` and ``other`` have the same shape.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the tensor to compare with.

    Returns:
        bool: True for equal shapes.

    Example:
        >>> import npgrad as torch
        >>> torch.is_same_size(torch.zeros(2, 3), torch.ones(2, 3))
        True
        >>> torch.is_same_size(torch.zeros(2, 3), torch.zeros(3, 2))
        False
    """
    _need_tensor(input, "is_same_size")
    _need_tensor(other, "is_same_size", 2, "other")
    return input._data.shape == other._data.shape


def is_inference(input):
    """Whether ``input`` was made inside ``inference_mode`` (an inference tensor can never join an autograd graph).

    Args:
        input (Tensor): the input tensor.

    Returns:
        bool: True for inference tensors.

    Example:
        >>> import npgrad as torch
        >>> with torch.inference_mode():
        ...     y = torch.ones(2)
        >>> torch.is_inference(y), torch.is_inference(torch.ones(2))
        (True, False)
    """
    _need_tensor(input, "is_inference")
    return input.is_inference()


def is_distributed(input):
    """False: no tensor of npgrad is a distributed (THD) tensor.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.is_distributed(torch.tensor([1.0]))
        False
    """
    _need_tensor(input, "is_distributed")
    return False


# ------------------------------------------------------------------- complex views of a real tensor
def conj(input):
    """The tensor itself for real dtypes, as torch (no node, same object).

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, -2.0])
        >>> torch.conj(x)
        tensor([ 1., -2.])
        >>> torch.conj(x) is x
        True
    """
    _need_tensor(input, "conj")
    return input


def resolve_conj(input):
    """``input`` with any lazy conjugation applied; npgrad has none, so ``input`` itself comes back.

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: ``input``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0])
        >>> torch.resolve_conj(x) is x
        True
    """
    _need_tensor(input, "resolve_conj")
    return input


def resolve_neg(input):
    """``input`` with any lazy negation applied; npgrad has none, so ``input`` itself comes back.

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: ``input``.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0])
        >>> torch.resolve_neg(x) is x
        True
    """
    _need_tensor(input, "resolve_neg")
    return input


def real(input):
    """The real part of ``input``: for a real tensor, ``input`` itself.

    npgrad has no complex tensors (see :doc:`/differences`).

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: ``input`` (a real tensor is its own real part).

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.5, -2.0])
        >>> torch.real(x)
        tensor([ 1.5000, -2.0000])
    """
    _need_tensor(input, "real")
    return input


class Angle(Function):
    """The argument of a real number: 0 for x >= 0, pi for x < 0, NaN for NaN; integers give floats."""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)   # as torch's node (``_saved_self``), whose complex formula reads it
        out_dt = float_input(a).dtype
        res = xp.where(a < 0, np.pi, 0.0).astype(out_dt)
        if is_float_np(a.dtype):
            res[xp.isnan(a)] = np.nan
        return res

    @staticmethod
    def backward(ctx, grad):
        # self: angle_backward(grad, self)  (zero for real input)
        return zeros_of(grad)


def angle(input):
    """Angle (argument) of each element in radians; for real tensors ``pi`` for negative values and 0 otherwise.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape; integer inputs give the default float dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.angle(torch.tensor([-2.0, 0.0, 3.0]))
        tensor([3.1416, 0.0000, 0.0000])
    """
    _need_tensor(input, "angle")
    return Angle.apply(input)


# ------------------------------------------------------------------------------------------------- addr
class Addr(_L.Addmm):
    """``beta * input + alpha * outer(vec1, vec2)``; with ``beta == 0`` input is ignored (its NaNs too)."""

    @staticmethod
    def forward(ctx, input, v1, v2, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(v1, v2)
        return _L._combine(input, xp.multiply.outer(v1, v2), beta, alpha)

    @staticmethod
    def backward(ctx, grad):
        # self: maybe_multiply(grad, beta); vec1: grad.mv(vec2) * alpha; vec2: grad.t().mv(vec1) * alpha
        v1, v2 = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (_L._scale(grad, ctx.beta) if need[0] else None,
                _L._scale(grad @ v2, ctx.alpha) if need[1] else None,
                _L._scale(grad.mT @ v1, ctx.alpha) if need[2] else None, None, None)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)``; input broadcasts to ``(len(vec1), len(vec2))``.

    Args:
        input (Tensor): the input tensor.
        vec1 (Tensor): the first vector.
        vec2 (Tensor): the second 1-D tensor.
        beta (Number, optional): the multiplier for ``input`` (default 1).
        alpha (Number, optional): the multiplier for the product (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.addr(torch.zeros(2, 3), torch.tensor([1., 2.]), torch.tensor([1., 10., 100.]))
        tensor([[  1.,  10., 100.],
                [  2.,  20., 200.]])
    """
    for x, name, pos in ((input, "input", 1), (vec1, "vec1", 2), (vec2, "vec2", 3)):
        _need_tensor(x, "addr", pos, name)
    for x, which in ((vec1, "1st"), (vec2, "2nd")):
        if x._data.ndim != 1:
            raise RuntimeError(f"addr: Expected {which} vector to be 1-D, but got {x._data.ndim}-D")
    target = (vec1._data.shape[0], vec2._data.shape[0])
    _L._expand_error(input, target)
    dts = {input._data.dtype, vec1._data.dtype, vec2._data.dtype}
    if len(dts) > 1:
        from .._dtype import from_numpy_dtype
        a, b = (from_numpy_dtype(d) for d in (input._data.dtype, vec1._data.dtype))
        raise RuntimeError(f"expected scalar type {a} but found {b}" if a != b else
                           f"expected scalar type {a} but found {from_numpy_dtype(vec2._data.dtype)}")
    if input._data.dtype == np.bool_:
        beta, alpha = builtins.bool(beta), builtins.bool(alpha)
    else:
        beta, alpha = _L._scalars(input._data.dtype, beta, alpha)
    return Addr.apply(input, vec1, vec2, beta, alpha)


def _addr_(self, vec1, vec2, *, beta=1, alpha=1):
    return addr(self, vec1, vec2, beta=beta, alpha=alpha)


_addr_.__name__ = "addr"


# ------------------------------------------------------------------------------------------- small composites
def diagflat(input, offset=0):
    """``diag_embed(input.flatten(), offset)``: the flattened input on a diagonal of a square matrix.

    Args:
        input (Tensor): the input tensor.
        offset (int, optional): which diagonal: 0 the main one, > 0 above it, < 0 below it.

    Example:
        >>> import npgrad as torch
        >>> torch.diagflat(torch.tensor([[1, 2], [3, 4]]))
        tensor([[1, 0, 0, 0],
                [0, 2, 0, 0],
                [0, 0, 3, 0],
                [0, 0, 0, 4]])
        >>> torch.diagflat(torch.tensor([1, 2]), offset=1)
        tensor([[0, 1, 0],
                [0, 0, 2],
                [0, 0, 0]])
    """
    _need_tensor(input, "diagflat")
    from .. import diag_embed
    return diag_embed(input.reshape(-1), offset)


class FillOut(_ip.Fill):
    _node_name = "FillBackward0"


class FillTensorOut(_ip.FillTensor):
    _node_name = "FillBackward1"


def fill(input, value):
    """Out of place ``fill_``: a new tensor of input's shape and dtype holding ``value``.

    Args:
        input (Tensor): the input tensor.
        value (Number): the fill value.

    Example:
        >>> import npgrad as torch
        >>> torch.fill(torch.zeros(2, 2), 7)
        tensor([[7., 7.],
                [7., 7.]])
    """
    _need_tensor(input, "fill")
    if isinstance(value, _t.Tensor):
        return FillTensorOut.apply(input, value)
    if not isinstance(value, (numbers.Number, np.generic)) or isinstance(value, complex):
        raise TypeError(f"fill(): argument 'value' (position 2) must be Number or Tensor, not "
                        f"{type(value).__name__}")
    return FillOut.apply(input, value)


def range(start=0, end=None, step=1, *, dtype=None, layout=None, device=None, requires_grad=False, out=None):
    """Deprecated ``torch.range``: ``end`` included; the default dtype (float) unless ``dtype`` says otherwise.

    Args:
        start (Number, optional): the first value.
        end (Number): the last value (included).
        step (Number, optional): the gap between values (default 1).
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.range(1, 4)
        tensor([1., 2., 3., 4.])
        >>> torch.range(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning)
    from .. import _creation as _c
    if end is None:
        start, end = 0, start
    _c._check_layout(layout, "range")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = int(xp.floor((end - start) / step)) + 1
    dt = _c._dt(dtype, fname="range")
    arr = (start + step * xp.arange(n, dtype=np.float64)).astype(dt)
    res = _c._finish(arr, requires_grad, device)
    if out is not None:
        out.resize_(res.shape).copy_(res)
        return out
    return res


def igamma(input, other):
    """Regularised lower incomplete gamma: ``special.gammainc``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.igamma(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]))
        tensor([0.6321, 0.8009])
    """
    from ..special import gammainc
    return gammainc(input, other)


def igammac(input, other):
    """Regularised upper incomplete gamma: ``special.gammaincc``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.igammac(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]))
        tensor([0.3679, 0.1991])
    """
    from ..special import gammaincc
    return gammaincc(input, other)


def split_with_sizes(input, split_sizes, dim=0):
    """Splits ``input`` along ``dim`` into pieces of the given sizes.

    Args:
        input (Tensor): the input tensor.
        split_sizes (sequence of ints): the size of each piece; they must add up to ``input.shape[dim]``.
        dim (int, optional): the dim to split (default 0).

    Returns:
        tuple of Tensors: views of ``input``.

    Example:
        >>> import npgrad as torch
        >>> torch.split_with_sizes(torch.arange(5), [2, 3])
        (tensor([0, 1]), tensor([2, 3, 4]))
    """
    _need_tensor(input, "split_with_sizes")
    from .. import split
    return split(input, list(split_sizes), dim)


class FrobeniusNorm(_linalg_func.LinalgVectorNorm):
    """torch records frobenius_norm as the norm it computes."""
    _node_name = "NormBackward1"


def frobenius_norm(input, dim, keepdim=False):
    """Deprecated alias of ``linalg.vector_norm(input, 2, dim, keepdim)``.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints): the dims to reduce.
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.frobenius_norm(torch.tensor([[3., 0.], [0., 4.]]), dim=(0, 1))
        tensor(5.)
    """
    _warn("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be removed "
                  "in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead",
                  UserWarning)
    _need_tensor(input, "frobenius_norm")
    dim = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    if len(dim) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dim)} dimensions instead.")
    nd = builtins.max(input._data.ndim, 1)
    if any(not -nd <= d < nd for d in dim):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got "
                         f"{next(d for d in dim if not -nd <= d < nd)})")
    if not is_float_np(input._data.dtype):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{input.dtype}".replace("npgrad.", ""))
    dims = tuple(sorted({d % nd for d in dim})) if input._data.ndim else ()
    return FrobeniusNorm.apply(input, 2.0, dims, builtins.bool(keepdim))


def nuclear_norm(input, dim=None, keepdim=False):
    """Deprecated alias of ``linalg.matrix_norm(input, 'nuc', dim, keepdim)``.

    Args:
        input (Tensor): the input tensor.
        dim (pair of ints, optional): the two matrix dims (default: the whole 2-D tensor).
        keepdim (bool, optional): keep the reduced dims, with size 1 (default False).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.nuclear_norm(torch.tensor([[3., 0.], [0., 4.]]))
        tensor(7.)
    """
    _warn("at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be removed in "
                  "a future PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead",
                  UserWarning)
    from ..linalg import matrix_norm
    _need_tensor(input, "nuclear_norm")
    if isinstance(dim, builtins.bool):  # nuclear_norm(input, keepdim) positional form
        dim, keepdim = None, dim
    if isinstance(dim, numbers.Integral):
        dim = (dim, dim)  # an int fills the 2-list, as torch's argument parser does
    if dim is not None and (not isinstance(dim, (tuple, list)) or
                            not all(isinstance(d, numbers.Integral) and not isinstance(d, builtins.bool)
                                    for d in dim)):
        raise TypeError(f"nuclear_norm() received an invalid combination of arguments - got (Tensor, "
                        f"{type(dim).__name__})")
    if dim is None:
        if input.dim() != 2:
            raise RuntimeError(f"Expected a tensor with 2 dimensions, but got a tensor with {input.dim()} "
                               f"dimensions instead.")
        dim = (-2, -1)
    return matrix_norm(input, "nuc", tuple(dim), keepdim)


def _tri_repr(self):
    return f"npgrad.return_types.triangular_solve(\nsolution={self.solution!r},\n" \
           f"cloned_coefficient={self.cloned_coefficient!r})"


_TriSolve = type("triangular_solve", (namedtuple("triangular_solve", ["solution", "cloned_coefficient"]),),
                 {"__slots__": (), "__repr__": _tri_repr, "__str__": _tri_repr,
                  "__module__": "npgrad.return_types"})


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """Deprecated ``(solution, cloned_coefficient)`` form of ``linalg.solve_triangular(A, b)``.

    Args:
        b (Tensor): the right-hand sides ``(*, n, k)``.
        A (Tensor): triangular matrices ``(*, n, n)``.
        upper (bool, optional): ``A`` is upper triangular (default True).
        transpose (bool, optional): solve with ``A`` transposed.
        unitriangular (bool, optional): assume a unit diagonal.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> A = torch.tensor([[2., 1.], [0., 4.]])
        >>> X, _ = torch.triangular_solve(torch.tensor([[4.], [8.]]), A)
        >>> X
        tensor([[1.],
                [2.]])
    """
    from ..linalg import solve_triangular
    _warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be "
                  "removed in a future PyTorch release.", UserWarning)
    _need_tensor(b, "triangular_solve", 1, "input")
    _need_tensor(A, "triangular_solve", 2, "A")
    tri = A.triu() if upper else A.tril()  # the other triangle is never read
    if transpose:
        tri = tri.mT
    sol = solve_triangular(tri, b, upper=builtins.bool(upper) != builtins.bool(transpose),
                           unitriangular=unitriangular)
    return _TriSolve(sol, A.clone())


# ------------------------------------------------------------------------------------------ raw memory
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing memory with a Python buffer (``bytes``, ``bytearray``, ``array``, ``memoryview``).

    Args:
        buffer (object): any object with the buffer protocol.
        dtype (npgrad.dtype): the element type.
        count (int, optional): the number of elements (-1: all).
        offset (int, optional): the byte offset to start at.
        requires_grad (bool, optional): make the result a leaf that records operations (default False).

    Example:
        >>> import npgrad as torch
        >>> import array
        >>> buf = array.array('i', [1, 2, 3])
        >>> torch.frombuffer(buf, dtype=torch.int32).tolist()
        [1, 2, 3]
    """
    from .._dtype import to_numpy_dtype
    dt = np.dtype(to_numpy_dtype(dtype, "frombuffer"))
    mv = memoryview(buffer)
    nbytes = mv.nbytes
    if offset < 0 or offset >= nbytes and nbytes:
        raise ValueError(f"both buffer length ({nbytes}) and offset ({offset}) must be greater than 0"
                         if nbytes == 0 else f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({nbytes} bytes) minus 1")
    if nbytes == 0:
        raise ValueError(f"both buffer length (0) and count ({count}) must not be 0")
    if count < 0:
        if (nbytes - offset) % dt.itemsize:
            raise ValueError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} bytes) must be a "
                             f"multiple of element size ({dt.itemsize})")
        count = (nbytes - offset) // dt.itemsize
    elif count == 0 or offset + count * dt.itemsize > nbytes:
        raise ValueError(f"requested buffer length ({count} * {dt.itemsize} bytes) after offset ({offset} bytes) "
                         f"must not be greater than actual buffer length ({nbytes} bytes)")
    if mv.readonly:
        _warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
                      "means you can write to the underlying (supposedly non-writable) buffer using the tensor.",
                      UserWarning)
    arr = xp.frombuffer(buffer, dt, count, offset)
    if not arr.flags.writeable:
        arr = arr.view()
        try:
            arr.flags.writeable = True
        except ValueError:
            pass
    t = _t.make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None, pin_memory=False,
              requires_grad=False):
    """``size`` elements of ``dtype`` read from a file; with ``shared=True`` the tensor maps the file, so writes
    reach it.

    Args:
        filename (str): the file.
        shared (bool, optional): map the file, so writes reach it (else read a copy).
        size (int, optional): the number of elements.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), 'data.bin')
        >>> torch.tensor([1.5, 2.5, 3.5]).numpy().tofile(path)
        >>> torch.from_file(path, size=3, dtype=torch.float32)
        tensor([1.5000, 2.5000, 3.5000])
    """
    from .. import _creation as _c
    _c._check_pin(pin_memory)
    _c._check_layout(layout, "from_file")
    dt = np.dtype(_c._dt(dtype, fname="from_file"))
    size = int(size or 0)
    import os
    have = os.path.getsize(filename)
    if have < size * dt.itemsize:
        raise RuntimeError(f"unable to mmap {size * dt.itemsize} bytes from file <{filename}>: Cannot allocate "
                           f"memory (12)" if shared else f"read(): fd {filename} failed")
    if shared:
        arr = xp.memmap(filename, dt, "r+", shape=(size,)) if size else xp.zeros(0, dt)
        arr = np.ndarray((size,), dt, buffer=arr) if size else arr
    else:
        arr = xp.fromfile(filename, dt, count=size)
    return _c._finish(arr, requires_grad, device)


def _int_tuple(v, fname, name, pos):
    ok = isinstance(v, (tuple, list)) or type(v).__name__ == "Size"
    if not ok or not all(isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, builtins.bool)
                         for x in v):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be tuple of ints, not "
                        f"{type(v).__name__}")


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised tensor of ``size``; ``stride`` must fit it (npgrad keeps it contiguous).

    Args:
        size (tuple of ints): the shape.
        stride (tuple of ints): the strides, in elements.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).

    Example:
        >>> import npgrad as torch
        >>> e = torch.empty_strided((2, 3), (3, 1))
        >>> e.shape == (2, 3), e.stride()
        (True, (3, 1))
    """
    from .. import _creation as _c
    _int_tuple(size, "empty_strided", "size", 1)
    _int_tuple(stride, "empty_strided", "stride", 2)
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    return _c.empty(size, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad,
                    pin_memory=pin_memory)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """An uninitialised tensor of ``size``; ``physical_layout`` must be a permutation of its dims.

    Args:
        size (tuple of ints): the shape.
        physical_layout (tuple of ints): the order of the dims in memory.
        dtype (npgrad.dtype, optional): the result's dtype (default ``get_default_dtype()`` for floating results).
        layout (npgrad.layout, optional): must be ``npgrad.strided``.
        device (str or npgrad.device, optional): must be the CPU (npgrad's only device).
        requires_grad (bool, optional): make the result a leaf that records operations (default False).
        pin_memory (bool, optional): must be False (npgrad has no pinned memory).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> e = torch.empty_permuted((2, 3, 4), (0, 2, 1))
        >>> e.shape == (2, 3, 4)
        True
    """
    from .. import _creation as _c
    _int_tuple(size, "empty_permuted", "size", 1)
    _int_tuple(physical_layout, "empty_permuted", "physical_layout", 2)
    size = tuple(int(s) for s in size)
    perm = [int(p) for p in physical_layout]
    if len(perm) != len(size):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; "
                           f"i.e. len(size) = {len(size)} is not equal to len(physical_layout) = {len(perm)}")
    if sorted(perm) != list(builtins.range(len(size))):
        raise RuntimeError(f"Dimension {next((p for p in perm if perm.count(p) > 1), perm[0])} occurs twice in "
                           f"physical_layout")
    return _c.empty(size, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad,
                    pin_memory=pin_memory)


def to_dlpack(tensor):
    """A DLPack capsule of the tensor's memory (shared, not copied).

    Args:
        tensor (Tensor): the tensor to share.

    Example:
        >>> import npgrad as torch
        >>> import numpy as np
        >>> t = torch.tensor([1.0, 2.0])
        >>> a = np.from_dlpack(t)
        >>> a[0] = 7.0
        >>> t
        tensor([7., 2.])
    """
    _need_tensor(tensor, "to_dlpack", 1, "tensor")
    if tensor._req:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    return tensor._data.__dlpack__()


class _Capsule:
    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kw):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU


def from_dlpack(ext_tensor):
    """A tensor sharing memory with any object that speaks DLPack on the CPU (NumPy arrays, torch tensors, ...)
    or with a DLPack capsule.

    Args:
        ext_tensor (object): an object with ``__dlpack__`` (NumPy array, torch tensor, ...) or a DLPack capsule.

    Example:
        >>> import npgrad as torch
        >>> import numpy as np
        >>> a = np.arange(3, dtype=np.float32)
        >>> t = torch.from_dlpack(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 1., 2.])
    """
    if isinstance(ext_tensor, _t.Tensor):
        return ext_tensor
    if not hasattr(ext_tensor, "__dlpack__"):
        if type(ext_tensor).__name__ != "PyCapsule":  # torch reads anything else as a bad capsule
            raise RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed "
                               "only once, so you might have already constructed a tensor from it once.")
        ext_tensor = _Capsule(ext_tensor)
    try:
        arr = xp.from_dlpack(ext_tensor)
    except BufferError as e:
        raise RuntimeError(str(e)) from None
    if not arr.flags.writeable:
        try:
            arr.flags.writeable = True
        except ValueError:
            pass
    return _t.make(arr)


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    if self._req:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    kw = {} if max_version is None else {"max_version": max_version}
    if copy is not None:
        kw["copy"] = copy
    return self._data.__dlpack__(**kw)


def _dlpack_device(self):
    return (1, 0)


def unravel_index(indices, shape):
    """The coordinates (int64 tensors, one per dim of ``shape``) of flat ``indices`` in a C-ordered array.

    Args:
        indices (Tensor or int): flat indices.
        shape (tuple of ints): the array's shape.

    Example:
        >>> import npgrad as torch
        >>> torch.unravel_index(torch.tensor([4, 1]), (2, 3))
        (tensor([1, 0]), tensor([1, 1]))
    """
    _need_tensor(indices, "unravel_index", 1, "indices")
    if indices._data.dtype.kind not in "iu":
        raise TypeError("expected 'indices' to be integer dtype, but got " + str(indices.dtype))
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    shape = tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(shape))
    n = int(xp.prod(shape))
    idx = indices._data.astype(np.int64)
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise ValueError("'indices' must be in range [" + f"{-n}, {n - 1}]")
    idx = xp.where(idx < 0, idx + n, idx)
    coords = xp.unravel_index(idx, shape) if shape else ()
    return tuple(_t.make(xp.asarray(c, np.int64)) for c in coords)


# ------------------------------------------------------------------------------------------------ switches
def set_anomaly_enabled(enabled, check_nan=True):
    """The switch behind ``autograd.set_detect_anomaly``.

    Args:
        enabled (bool): the setting.
        check_nan (bool, optional): also check backward's results for NaN (default True).

    Example:
        >>> import npgrad as torch
        >>> torch.set_anomaly_enabled(True)
        >>> torch.is_anomaly_enabled()
        True
        >>> torch.set_anomaly_enabled(False)
    """
    from ..autograd import anomaly_mode
    anomaly_mode._set(enabled, check_nan)


def set_flush_denormal(mode):
    """False: NumPy gives no control over the CPU's flush-to-zero mode, so the request is not honoured (torch's
    answer on CPUs without the switch). torch answers True on x86 CPUs, so no example shows a torch-checked
    output here (see :doc:`/differences`).

    Args:
        mode (bool): the request.
    """
    return False


# --------------------------------------------------------------------------------------------------- nn-ish
def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution in (time, batch, channel) layout: weight is (width, in, out), bias (out,).

    Args:
        input (Tensor): the input tensor.
        weight (Tensor): ``(width, C_in, C_out)``.
        bias (Tensor): ``(C_out,)``.
        pad (int, optional): zero padding at both ends of the time dim.

    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(4, 1, 1)
        >>> w = torch.ones(3, 1, 1)
        >>> torch.conv_tbc(x, w, torch.zeros(1), pad=1).flatten()
        tensor([2., 3., 3., 2.])
    """
    _need_tensor(input, "conv_tbc", 1, "self")
    _need_tensor(weight, "conv_tbc", 2, "weight")
    _need_tensor(bias, "conv_tbc", 3, "bias")
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    from ..nn.functional import conv1d
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=int(pad))
    return out.permute(2, 0, 1)


def channel_shuffle(input, groups):
    """Rearranges the channels of an ``(N, C, *)`` tensor: splits them into ``groups`` and interleaves the groups.

    Channel ``g * (C // groups) + k`` goes to position ``k * groups + g``.

    Args:
        input (Tensor): a tensor of shape ``(N, C, *)``.
        groups (int): the number of groups; ``C`` must be divisible by it.

    Returns:
        Tensor: ``input``'s shape, channels reordered.

    Example:
        >>> import npgrad as torch
        >>> torch.channel_shuffle(torch.arange(6.).reshape(1, 6, 1), 2).flatten()
        tensor([0., 3., 1., 4., 2., 5.])
    """
    from ..nn.functional import channel_shuffle as _cs
    return _cs(input, groups)


# ------------------------------------------------------------------------------------------- Tensor methods
def storage_offset(self):
    """Elements between the start of the memory the tensor views and its first element.

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(6)
        >>> x.storage_offset(), x[2:].storage_offset(), x.view(2, 3)[1].storage_offset()
        (0, 2, 3)
    """
    a = self._data
    base = a
    while isinstance(base.base, np.ndarray):
        base = base.base
    if base is a or not a.itemsize:
        return 0
    lo = base.__array_interface__["data"][0]
    # the lowest address the base spans (negative strides start the data pointer past it)
    lo += builtins.sum((n - 1) * s for n, s in zip(base.shape, base.strides) if s < 0 and n)
    return (a.__array_interface__["data"][0] - lo) // a.itemsize


def is_set_to(self, tensor):
    """Same memory, offset, sizes and strides.

    Example:
        >>> import npgrad as torch
        >>> x = torch.zeros(3)
        >>> x.is_set_to(x), x.is_set_to(x.view(3)), x.is_set_to(x.clone())
        (True, True, False)
    """
    _need_tensor(tensor, "is_set_to", 1, "tensor")
    a, b = self._data, tensor._data
    return (a.__array_interface__["data"][0] == b.__array_interface__["data"][0] and a.shape == b.shape
            and a.strides == b.strides and a.dtype == b.dtype)


def _volatile(self):
    """Removed from torch: reading or setting it warns, and it is always False.
    Example:
        >>> import npgrad as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     print(torch.ones(1).volatile)
        False
    """
    _warn("volatile was removed (Variable.volatile is always False)", UserWarning)
    return False


def _volatile_set(self, value):
    _warn("volatile was removed (Variable.volatile is always False)", UserWarning)


def reinforce(self, reward):
    """Removed from torch long ago: raises ``RuntimeError`` pointing to ``torch.distributions``, as torch does.

    Args:
        reward: anything (never used).

    Returns:
        Never returns.

    Example:
        >>> import npgrad as torch
        >>> try:
        ...     torch.ones(1).reinforce(1.0)
        ... except RuntimeError as e:
        ...     print(str(e).splitlines()[0])
        reinforce() was removed.
    """
    raise RuntimeError("reinforce() was removed.\nUse torch.distributions instead.\nSee "
                       "https://pytorch.org/docs/main/distributions.html")


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False):
    """An uninitialized tensor of ``size`` with ``self``'s dtype (unless ``dtype`` is given); ``stride`` must fit the
    size.

    Args:
        size (tuple of ints): the shape.
        stride (tuple of ints): the strides, in elements.
        dtype (npgrad.dtype, optional): the dtype (default ``self.dtype``).
        device (str or npgrad.device, optional): must be the CPU.
        requires_grad (bool, optional): make the result a leaf that records operations.

    Returns:
        Tensor: a new tensor (read it only after writing it).

    Example:
        >>> import npgrad as torch
        >>> e = torch.tensor([1.0]).new_empty_strided((2, 3), (3, 1))
        >>> e.shape == (2, 3), e.stride()
        (True, (3, 1))
    """
    return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype, layout=layout,
                         device=device, requires_grad=requires_grad, pin_memory=pin_memory)


def _real_get(self):
    """The real part: for a real tensor, ``self`` itself.
    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.5, -2.0])
        >>> x.real is x
        True
    """
    return self


def _real_set(self, value):
    self.copy_(value)


def as_subclass(self, cls):
    """``self`` viewed as an instance of ``cls`` (a Tensor subclass): same memory, still in the graph.

    Example:
        >>> import npgrad as torch
        >>> class MyTensor(torch.Tensor):
        ...     pass
        >>> y = torch.tensor([1.0, 2.0]).as_subclass(MyTensor)
        >>> type(y).__name__, y.tolist()
        ('MyTensor', [1.0, 2.0])
    """
    if not (isinstance(cls, type) and issubclass(cls, _t.Tensor)):
        raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of Tensor, not {cls!r}")
    src = self.view_as(self) if self._req else self
    out = object.__new__(cls)
    for slot in _t.Tensor.__slots__:
        if slot != "__weakref__":
            setattr(out, slot, getattr(src, slot))
    out._vc = src._vc  # shared (made now if it did not exist yet)
    return out


def map2_(self, x, y, callable):
    """``self[i] = callable(self[i], x[i], y[i])`` elementwise in Python, x and y broadcast to self.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0])
        >>> x.map2_(torch.tensor([1.0, 1.0]), torch.tensor([2.0, 3.0]), lambda a, b, c: a + b * c)
        tensor([3., 5.])
    """
    _need_tensor(x, "map2_", 1, "x")
    _need_tensor(y, "map2_", 2, "y")
    if self._req or x._req or y._req:
        raise RuntimeError("map2_ is only implemented on CPU tensors that don't require grad")
    a = self._data
    bx, by = xp.broadcast_to(x._data, a.shape), xp.broadcast_to(y._data, a.shape)
    for i in xp.ndindex(a.shape):
        a[i] = callable(a[i].item(), bx[i].item(), by[i].item())
    self._vc[0] += 1
    return self


_ALIASES = {"greater_": "gt_", "greater_equal_": "ge_", "less_": "lt_", "less_equal_": "le_", "not_equal_": "ne_",
            "divide_": "div_", "multiply_": "mul_", "subtract_": "sub_", "true_divide_": "div_"}


# --------------------------------------------------------------------------------- convolution, scatter, ...
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """The generic convolution behind ``conv{1,2,3}d`` and ``conv_transpose{1,2,3}d``: the spatial rank is the
    weight's dims minus 2.

    Args:
        input (Tensor): the input tensor.
        weight (Tensor): the kernel; its rank minus 2 is the number of spatial dims.
        bias (Tensor or None): ``(C_out,)``.
        stride (sequence of ints): the stride per spatial dim.
        padding (sequence of ints): the padding per spatial dim.
        dilation (sequence of ints): the dilation per spatial dim.
        transposed (bool): a transposed convolution.
        output_padding (sequence of ints): extra output size (transposed only).
        groups (int): the number of channel groups.

    Example:
        >>> import npgrad as torch
        >>> x = torch.arange(5.).reshape(1, 1, 5)
        >>> w = torch.tensor([[[1., 0., -1.]]])
        >>> torch.convolution(x, w, None, [1], [0], [1], False, [0], 1)
        tensor([[[-2., -2., -2.]]])
    """
    _need_tensor(input, "convolution")
    _need_tensor(weight, "convolution", 2, "weight")
    from ..nn import functional as F
    nd = weight.dim() - 2
    if nd not in (1, 2, 3):
        raise RuntimeError(f"convolution: expected a weight of 3, 4 or 5 dims, got {weight.dim()}")
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, tuple(stride), tuple(padding), tuple(output_padding), groups,
                  tuple(dilation))
    if any(int(p) for p in output_padding):
        raise RuntimeError("output_padding is only supported for transposed convolutions")
    fn = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return fn(input, weight, bias, tuple(stride), tuple(padding), tuple(dilation), groups)


class AsStridedScatter(Function):
    """A copy of ``input`` whose elements ``as_strided(size, stride, offset)`` selects are ``src``'s."""
    _builtin = True
    _ctx_fields = ("geom",)

    @staticmethod
    def forward(ctx, a, src, size, stride, offset):
        ctx.geom = (size, stride, offset)
        out = xp.ascontiguousarray(a).copy()
        _strided(out, size, stride, offset)[...] = src
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad with the scattered elements zeroed; src: grad.as_strided(size, stride, storage_offset)
        size, stride, offset = ctx.geom
        need = ctx.needs_input_grad
        if isinstance(grad, _t.Tensor):
            from .. import as_strided, zeros
            g = grad.contiguous()
            gs = as_strided(g, size, stride, offset).clone() if need[1] else None
            gi = as_strided_scatter(g, zeros(size, dtype=g.dtype), size, stride, offset) if need[0] else None
            return gi, gs, None, None, None
        g = xp.ascontiguousarray(grad)
        gs = _strided(g, size, stride, offset).copy() if need[1] else None
        gi = None
        if need[0]:
            gi = g.copy()
            _strided(gi, size, stride, offset)[...] = 0
        return gi, gs, None, None, None


def _strided(arr, size, stride, offset):
    flat = arr.reshape(-1)
    return xp.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * arr.itemsize for s in stride))


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """``input`` with ``input.as_strided(size, stride, storage_offset)`` replaced by ``src`` (a new tensor).

    Args:
        input (Tensor): the input tensor.
        src (Tensor): the values written in.
        size (tuple of ints): the view's shape.
        stride (tuple of ints): the view's strides.
        storage_offset (int, optional): the offset into the storage, in elements.

    Example:
        >>> import npgrad as torch
        >>> torch.as_strided_scatter(torch.zeros(6), torch.ones(2, 2), (2, 2), (3, 1))
        tensor([1., 1., 0., 1., 1., 0.])
    """
    _need_tensor(input, "as_strided_scatter")
    _need_tensor(src, "as_strided_scatter", 2, "src")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    offset = 0 if storage_offset is None else int(storage_offset)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if tuple(src.shape) != size:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(size)}")
    need = offset + builtins.sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if need > input.numel():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {input.element_size()} requiring a storage size of "
                           f"{need * input.element_size()} are out of bounds for storage of size "
                           f"{input.numel() * input.element_size()}")
    if src.dtype != input.dtype:
        src = src.to(input.dtype)
    return AsStridedScatter.apply(input, src, size, stride, offset)


class Binomial(Function):
    """Draws recorded without a derivative, as torch (its node is NotImplemented)."""
    _builtin = True
    _node_name = "NotImplemented"  # torch's node class; its name() carries the C++ namespace
    _node_methods = {"name": lambda self: "torch::autograd::NotImplemented"}

    @staticmethod
    def forward(ctx, count, prob, values):
        return values

    @staticmethod
    def backward(ctx, grad):
        # not implemented in torch either
        raise RuntimeError("derivative for aten::binomial is not implemented")


def binomial(count, prob, generator=None):
    """Binomial draws: ``count`` trials with success probability ``prob`` each (float tensors, broadcast).

    Args:
        count (Tensor): the number of trials (float).
        prob (Tensor): the success probability of each trial.
        generator (npgrad.Generator, optional): the random number generator to draw from.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.binomial(torch.tensor([10.0, 0.0]), torch.tensor([1.0, 0.5]))
        tensor([10.,  0.])
    """
    _need_tensor(count, "binomial", 1, "count")
    _need_tensor(prob, "binomial", 2, "prob")
    from ..random import rng
    for t, what in ((count, "count"), (prob, "prob")):
        if not is_float_np(t._data.dtype):
            raise ValueError(f"binomial only supports floating-point dtypes for {what}, got: "
                             f"{str(t.dtype).split('.')[-1].capitalize()}")
    c, p = xp.broadcast_arrays(count._data, prob._data)
    if xp.any(c < 0) or xp.any(~((p >= 0) & (p <= 1))):
        raise RuntimeError("binomial: count must be non-negative and prob in [0, 1]")
    vals = rng(generator).binomial(c.astype(np.int64), p.astype(np.float64)).astype(count._data.dtype)
    return Binomial.apply(count, prob, vals)


class Resize(Function):
    """The deprecated out-of-place ``Tensor.resize``: a reshape keeping the number of elements."""
    _node_name = "ResizeBackward"

    @staticmethod
    def forward(ctx, a, sizes):
        ctx.shape = tuple(a.shape)
        return a.detach().contiguous().view(sizes)

    @staticmethod
    def backward(ctx, grad):
        # grad.contiguous().view(input sizes)
        return grad.contiguous().view(ctx.shape), None


def resize(self, *sizes):
    """Deprecated: a copy-like resize of ``self`` to ``sizes`` (recorded as ``ResizeBackward``); use ``reshape``.

    Args:
        *sizes (ints): the new shape (same number of elements).

    Returns:
        Tensor: a tensor of the new shape.

    Example:
        >>> import npgrad as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     y = torch.arange(6.).resize(2, 3)
        >>> y
        tensor([[0., 1., 2.],
                [3., 4., 5.]])
    """
    _warn("non-inplace resize is deprecated", UserWarning)
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    n = int(xp.prod(sizes))
    if n != self.numel():
        raise RuntimeError(f"requested resize to {'x'.join(map(str, sizes))} ({n} elements in total), but the given "
                           f"tensor has a size of {'x'.join(map(str, self.shape))} ({self.numel()} elements). "
                           f"autograd's resize can only change the shape of a given tensor, while preserving the "
                           f"number of elements. ")
    return Resize.apply(self, sizes)


def resize_as(self, tensor):
    """Deprecated: ``resize`` to ``tensor``'s shape; use ``reshape_as``.

    Args:
        tensor (Tensor): the tensor whose shape is taken.

    Returns:
        Tensor: a tensor of the new shape.

    Example:
        >>> import npgrad as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     y = torch.arange(6.).resize_as(torch.zeros(3, 2))
        >>> y
        tensor([[0., 1.],
                [2., 3.],
                [4., 5.]])
    """
    _warn("non-inplace resize_as is deprecated", UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return resize(self, tuple(tensor.shape))


__all__ += ["convolution", "as_strided_scatter", "binomial"]
