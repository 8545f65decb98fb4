"""Matrix products: matmul (torch's dispatch: dot, mv, mm, folded and batched products), mm, bmm, mv, dot, vdot,
outer/ger and addmm/addmv/addbmm/baddbmm. The rest of the family lives beside it and is re-exported here, so
``npgrad.<name>`` and the Tensor methods come from this one module: ``linalg_contract`` (einsum, tensordot, inner,
kron, cross, multi_dot, vecdot), ``linalg_decomp`` (det, inv, solve, cholesky, qr, eigh, svd) and
``linalg_func`` (pinv, matrix_exp, matrix_power, lstsq, norms). ``npgrad.linalg`` is the public namespace.
"""
import numpy as np
from .._xp import xp

from ..autograd.function import Function
from ..autograd import function as _function  # [autocast] (its _extras count)
from .._shape import norm_dim, broadcast_shapes
from .. import _tensor as _t
from . import shape as _S
from .linalg_common import tname, cname, need_tensor as _need_tensor

__all__ = ["matmul", "mm", "mv", "dot", "bmm", "vdot", "outer", "ger", "addmm", "addmv", "addbmm", "baddbmm"]


def _same_dtype(a, b):
    da, db = a._data.dtype, b._data.dtype
    if da != db:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {cname(da)} != {cname(db)}")
    if da == np.bool_:
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def _prod(a, b, add=None):
    """``a @ b``, plus ``add`` (broadcast to the product, same dtype) when given, as one fresh C-contiguous array;
    float16 and bfloat16 accumulate in float32 and round once, as torch's CPU kernels do.

    The layout OpenBLAS is fastest with: for ``x @ W.T`` (``b`` a transposed, column-major matrix, as nn.Linear's
    ``weight.t()``) with few rows, its kernel for the transposed problem ``W @ x.T``, with ``x.T`` copied to
    row-major (both operands untransposed), runs 10-50% faster (float32; docs/performance.md has the measured
    table), so that is computed and copied back into row-major order, the copy fused with the addition of
    ``add`` (the bias). The two copies are of the few-rowed operand and result, never of the weight."""
    dt = a.dtype
    if dt.itemsize == 2 and dt.kind != "i" and dt.kind != "u":
        out = xp.matmul(a.astype(np.float32), b.astype(np.float32)).astype(dt)
    elif dt is _F32 and b.ndim == 2 == a.ndim and b.flags.f_contiguous and not b.flags.c_contiguous and \
            _few_rows(a.shape[0], a.shape[1], b.shape[1]) and b.dtype is _F32:
        t = xp.matmul(b.T, xp.ascontiguousarray(a.T))  # (n, m), row-major
        out = xp.empty((a.shape[0], b.shape[1]), dt)
        if add is None:
            xp.copyto(out, t.T)
        else:
            xp.add(t.T, add, out=out)
        return out
    else:
        out = xp.matmul(a, b)
    if add is not None:
        out += add  # into the fresh product: no second allocation
    return out


_F32 = np.dtype(np.float32)


def _few_rows(m, k, n):
    """Whether an (m, k) @ (k, n) float32 product with a transposed right operand is faster computed transposed
    (measured with OpenBLAS 0.3.31's SkylakeX kernels, one thread, time over the direct product: 0.5-0.65 for
    m <= 16, 0.6-0.8 up to 32, 0.8-0.9 up to 64 rows with k >= 512 and n >= 256; 0.65-0.9 for 16-48 rows when
    n is 128-255 (W6's 32x128 @ 128x128); slower for more rows, a narrower n, a short k, or under 16 rows with
    n < 256, where OpenBLAS's small-matrix kernel already takes the direct product)."""
    if n < 128 or m < 2:
        return False
    if n < 256:
        return 16 <= m <= 48 and k >= 64
    if m <= 16:
        return k >= 64
    if m <= 32:
        return k >= 256
    return m <= 64 and k >= 512


class Dot(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _prod(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * tensor; tensor: grad * self
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class Vdot(Dot):
    pass


class Mv(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, m, v):
        ctx.save_for_backward(m, v)
        return _prod(m, v)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.ger(vec); vec: self.t().mv(grad)
        xp = ctx.xp
        m, v = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (xp.expand_dims(grad, -1) * v if need[0] else None,
                m.mT @ grad if need[1] else None)


class _SqueezeInplace(_S.SqueezeDims):
    """The ``squeeze_(0)`` torch's matmul ends the 1-D @ 2-D case with."""
    _node_name = "SqueezeBackward4"


class Mm(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _prod(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: mm_mat1_backward(grad, mat2) = grad.mm(mat2.t()); mat2: mat1.t().mm(grad)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return _mat1_grad(grad, b, a) if need[0] else None, _mat2_grad(a, grad, b) if need[1] else None


def _transposed(x):
    """A column-major 2-D operand (a ``.t()`` view, e.g. a Linear weight)."""
    d = x if type(x) is np.ndarray else getattr(x, "_data", None)
    return d is not None and d.ndim == 2 and d.flags.f_contiguous and not d.flags.c_contiguous


def _mat1_grad(grad, m2, m1):
    # grad.mm(mat2.t()), laid out like mat1 (torch's mm_mat1_backward): a transposed mat1 gets its gradient
    # computed transposed, so that after TBackward the leaf's .grad is row-major again
    if _transposed(m1):
        return (m2 @ grad.mT).mT
    if type(grad) is np.ndarray and grad.dtype is _F32 and type(m2) is np.ndarray:
        return _prod(grad, m2.mT)  # (the layout choice for a row-major mat2, whose .mT is column-major)
    return grad @ m2.mT


def _mat2_grad(m1, grad, m2):
    # mat1.t().mm(grad), laid out like mat2 (torch's mm_mat2_backward): for nn.Linear's weight.t()
    return (grad.mT @ m1).mT if _transposed(m2) else m1.mT @ grad


class Matmul(Function):
    """Batched, broadcasting product; either operand may be 1-D (NumPy's matmul rules are torch's). The engine
    sums broadcast batch dims of the gradients."""
    _builtin, _broadcast = True, True
    _node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.ndim > 2 and b.ndim == 2:  # a batch @ a matrix: one product over the folded rows, as torch
            lead = a.shape[:-1]
            return _prod(a.reshape(_numel(lead), a.shape[-1]), b).reshape(lead + (b.shape[1],))
        return _prod(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.matmul(other.mT) summed to self's shape; other: self.mT.matmul(grad) summed to other's
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = gb = None
        if a.ndim == 1:
            if need[0]:
                ga = xp.squeeze(xp.expand_dims(grad, -2) @ b.mT, -2)
            if need[1]:
                gb = xp.expand_dims(a, -1) * xp.expand_dims(grad, -2)
        elif b.ndim == 1:
            if need[0]:
                ga = xp.expand_dims(grad, -1) * b
            if need[1]:
                gb = xp.squeeze(a.mT @ xp.expand_dims(grad, -1), -1)
        elif b.ndim == 2 and a.ndim > 2 and type(grad) is np.ndarray:
            # the batch folded into rows, as torch: one GEMM each instead of one per batch entry, and other's
            # gradient comes out summed over the batch instead of as a stack for the engine to reduce
            rows = _numel(grad.shape[:-1])
            g2 = grad.reshape(rows, grad.shape[-1])
            ga = _prod(g2, b.mT).reshape(a.shape) if need[0] else None
            gb = _prod(a.reshape(rows, a.shape[-1]).mT, g2) if need[1] else None
        else:
            ga = grad @ b.mT if need[0] else None
            gb = a.mT @ grad if need[1] else None
        return ga, gb


class MatmulTransposed(Matmul):
    """matrix @ batch, with the matrix requiring grad: torch folds the batch and records a transposed copy."""
    _node_name = "CloneBackward0"


class MatmulTransposedEmpty(Matmul):
    _node_name = "TransposeBackward0"  # an empty or single-row/column result is contiguous: no copy


class Bmm(Matmul):
    _broadcast = False
    _node_name = "BmmBackward0"


def _mm_error(sa, sb):
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})")


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _batched_check(input, other, sa, sb, da, db, transposed):
    """Shape errors of the batched product, in the words of the path torch takes (fold into mm, or bmm)."""
    if da == 3 == db and sb[0] == 1 and sa[0] != 1 and other._req:  # other's unit batch squeezed: a fold
        sb, db = sb[1:], 2
    if da == 1 and db >= 3 and (input._req or 0 in sb):  # other's batch folded into other.mT's rows
        rows = _numel(sb[:-2]) * sb[-1]
        if sb[-2] != sa[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{sb[-2]}), vec ({sa[0]})")
        return
    if da >= 3 and db <= 2:  # torch folds the batch of input into the rows of one mm / mv
        rows = _numel(sa[:-1])
        if sa[-1] != sb[0]:
            if db == 1:
                raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})")
            _mm_error((rows, sa[-1]), sb)
        return
    if transposed:  # other's batch folded into the rows of other.mT, multiplied by input.mT
        m, n = sa[-2], sa[-1]
        if n != sb[-2]:
            _mm_error((_numel(sb[:-2]) * sb[-1], sb[-2]), (n, m))
        return
    ba, bb = sa[:-2], sb[:-2] if db > 1 else ()
    batch = broadcast_shapes(ba, bb)
    k = sa[-1]
    rows_b = sb[-2] if db > 1 else sb[0]
    if k != rows_b:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{_numel(batch)}, {k}] "
                           f"but got: [{_numel(batch)}, {rows_b}].")


def matmul(input, other):
    """Matrix product with torch's rules for 1-D, 2-D and batched (broadcast) operands.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second operand.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad
        >>> npgrad.matmul(npgrad.ones(2, 3), npgrad.ones(3)).tolist()
        [3.0, 3.0]
    """
    if not isinstance(input, _t.Tensor):
        _need_tensor(input, "matmul", "input", 1)
    _need_tensor(other, "matmul", "other", 2)
    if _function._extras:  # [autocast] matmul is on torch's CPU lower-precision list (its 1-D cases too)
        from ..amp.autocast_mode import lower_args
        input, other = lower_args(input, other)
    a, b = input._data, other._data
    da, db = a.ndim, b.ndim
    if da == 2 == db and a.dtype == b.dtype and a.dtype.kind in "fiuc" and a.shape[1] == b.shape[0]:
        return Mm.apply(input, other)  # (the everyday case first: two matrices that fit, one dtype, not bool)
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    sa, sb = a.shape, b.shape
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    _same_dtype(input, other)
    if da == 1 and db == 2:
        if sa[0] != sb[0]:
            _mm_error((1, sa[0]), sb)
        # torch's graph for the tutorial's matmul(x, w): SqueezeBackward4 <- MmBackward0 <- UnsqueezeBackward0
        return _SqueezeInplace.apply(Mm.apply(_S.unsqueeze(input, 0), other), (0,))
    if da == 2 and db == 2:
        if sa[1] != sb[0]:
            _mm_error(sa, sb)
        return Mm.apply(input, other)
    # torch squeezes a (1, m, n) input against a 3-D batch and then treats it as a matrix
    transposed = db >= 3 and input._req and (da == 2 or (da == 3 == db and sa[0] == 1 and sb[0] != 1))
    _batched_check(input, other, sa, sb, da, db, transposed)
    if transposed:
        # the transposed result needs the copy only when it is not already contiguous
        m, p = sa[-2], sb[-1]
        flat = m * p * _numel(broadcast_shapes(sa[:-2], sb[:-2])) == 0 or m == 1 or p == 1
        return (MatmulTransposedEmpty if flat else MatmulTransposed).apply(input, other)
    return Matmul.apply(input, other)


def mm(input, mat2):
    """Matrix product of two 2-D tensors: ``(n, m) @ (m, p) -> (n, p)``, without broadcasting.

    Use :func:`matmul` for broadcasting and vectors.

    Args:
        input (Tensor): an ``(n, m)`` matrix.
        mat2 (Tensor): an ``(m, p)`` matrix.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the product; both operands must have the same dtype (no promotion, as in torch).

    Example:
        >>> import npgrad as torch
        >>> torch.mm(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([[1.], [1.]]))
        tensor([[3.],
                [7.]])
    """
    _need_tensor(input, "mm", "input", 1)
    _need_tensor(mat2, "mm", "mat2", 2)
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError("self must be a matrix" if input._data.ndim != 2 else "mat2 must be a matrix")
    _same_dtype(input, mat2)
    if input._data.shape[1] != mat2._data.shape[0]:
        _mm_error(input._data.shape, mat2._data.shape)
    return Mm.apply(input, mat2)


def mv(input, vec):
    """Matrix-vector product: ``(n, m) @ (m,) -> (n,)``.

    Args:
        input (Tensor): an ``(n, m)`` matrix.
        vec (Tensor): a vector of length ``m``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the product; both operands must have the same dtype (no promotion, as in torch).

    Example:
        >>> import npgrad as torch
        >>> torch.mv(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., -1.]))
        tensor([-1., -1.])
    """
    _need_tensor(input, "mv", "input", 1)
    _need_tensor(vec, "mv", "vec", 2)
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    if input._data.dtype != vec._data.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {tname(vec)}, {tname(input)}, "
                           f"and {tname(vec)}")
    _same_dtype(input, vec)
    sa = input._data.shape
    if sa[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({vec._data.shape[0]})")
    return Mv.apply(input, vec)


def _vec_pair(input, other, name):
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found {tname(input)} and "
                           f"{tname(other)}")
    n, m = input._data.shape[0], other._data.shape[0]
    if n != m:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number "
                           f"of elements, but got {n} and {m} elements respectively")
    if input._data.dtype == np.bool_:
        raise RuntimeError(f"\"{name}\" not implemented for 'Bool'")


def dot(input, other):
    """Inner product of two 1-D tensors of the same dtype.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): a 1-D tensor of the same length and dtype.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.dot(torch.tensor([1., 2., 3.]), torch.tensor([4., 5., 6.]))
        tensor(32.)
    """
    _need_tensor(input, "dot", "input", 1)
    _need_tensor(other, "dot", "tensor", 2)
    _vec_pair(input, other, "dot")
    return Dot.apply(input, other)


def vdot(input, other):
    """``dot`` with the first argument conjugated (the same on real tensors); records ``VdotBackward0``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): a 1-D tensor of the same length and dtype.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.vdot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
        tensor(11.)
    """
    _need_tensor(input, "vdot", "input", 1)
    _need_tensor(other, "vdot", "other", 2)
    _vec_pair(input, other, "vdot")
    return Vdot.apply(input, other)


def bmm(input, mat2):
    """Batched matrix product: ``(b, n, m) @ (b, m, p) -> (b, n, p)``, one product per batch entry, without
    broadcasting.

    Args:
        input (Tensor): a ``(b, n, m)`` batch of matrices.
        mat2 (Tensor): a ``(b, m, p)`` batch of matrices.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the product; both operands must have the same dtype (no promotion, as in torch).

    Example:
        >>> import npgrad as torch
        >>> a = torch.arange(8.).reshape(2, 2, 2)
        >>> torch.bmm(a, torch.ones(2, 2, 1))
        tensor([[[ 1.],
                 [ 5.]],
        <BLANKLINE>
                [[ 9.],
                 [13.]]])
    """
    _need_tensor(input, "bmm", "input", 1)
    _need_tensor(mat2, "bmm", "mat2", 2)
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if input._data.ndim != 3 else "batch2 must be a 3D tensor")
    _same_dtype(input, mat2)
    sa, sb = input._data.shape, mat2._data.shape
    if sa[0] != sb[0] or sa[2] != sb[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                           f"but got: [{sb[0]}, {sb[1]}].")
    return Bmm.apply(input, mat2)


def outer(input, vec2):
    """Outer product of two 1-D tensors: ``input[:, None] * vec2`` (torch records the ``mul``).

    Args:
        input (Tensor): the input tensor.
        vec2 (Tensor): the second 1-D tensor.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.ger(torch.tensor([1., 2.]), torch.tensor([1., 10., 100.]))
        tensor([[  1.,  10., 100.],
                [  2.,  20., 200.]])
    """
    _need_tensor(input, "outer", "input", 1)
    _need_tensor(vec2, "outer", "vec2", 2)
    for name, x in (("self", input), ("vec2", vec2)):
        if x._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {x._data.ndim}-D")
    from .pointwise import mul
    from .shape import reshape
    return mul(reshape(input, (input._data.shape[0], 1)), vec2)  # torch's input.reshape({-1, 1}) * vec2


ger = outer


# ----------------------------------------------------------------------------------------------- addmm & co
def _scalars(dtype, beta, alpha):
    """torch casts beta/alpha to the tensors' type: integer tensors truncate them."""
    if dtype.kind in "iub":
        return int(beta), int(alpha)
    return beta, alpha


class Addmm(Function):
    """``beta * input + alpha * (mat1 @ mat2)``; with ``beta == 0`` input is ignored (its NaNs too)."""
    _builtin, _broadcast = True, True
    _ctx_fields = ("beta", "alpha")

    @staticmethod
    def forward(ctx, input, m1, m2, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(m1, m2)
        if beta == 1 and alpha == 1:  # nn.Linear's case: the bias added into the fresh product
            return _prod(m1, m2, input)
        return _combine(input, _prod(m1, m2), beta, alpha)

    @staticmethod
    def backward(ctx, grad):
        # self: maybe_multiply(grad, beta); mat1: grad.mm(mat2.t()) * alpha; mat2: mat1.t().mm(grad) * alpha
        m1, m2 = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (_scale(grad, ctx.beta) if need[0] else None,
                _scale(_mat1_grad(grad, m2, m1), ctx.alpha) if need[1] else None,
                _scale(_mat2_grad(m1, grad, m2), ctx.alpha) if need[2] else None, None, None)


class Addmv(Addmm):
    @staticmethod
    def backward(ctx, grad):
        # self: maybe_multiply(grad, beta); mat: grad.ger(vec) * alpha; vec: mat.t().mv(grad) * alpha
        xp = ctx.xp
        m, v = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (_scale(grad, ctx.beta) if need[0] else None,
                _scale(xp.expand_dims(grad, -1) * v, ctx.alpha) if need[1] else None,
                _scale(m.mT @ grad, ctx.alpha) if need[2] else None, None, None)


class Baddbmm(Addmm):
    @staticmethod
    def backward(ctx, grad):
        # self: maybe_multiply(grad, beta); batch1: grad.bmm(batch2.mT) * alpha; batch2: batch1.mT.bmm(grad) * alpha
        b1, b2 = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (_scale(grad, ctx.beta) if need[0] else None,
                _scale(grad @ b2.mT, ctx.alpha) if need[1] else None,
                _scale(b1.mT @ grad, ctx.alpha) if need[2] else None, None, None)


class Addbmm(Addmm):
    @staticmethod
    def forward(ctx, input, b1, b2, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        ctx.save_for_backward(b1, b2)
        return _combine(input, _prod(b1, b2).sum(0), beta, alpha)

    @staticmethod
    def backward(ctx, grad):
        # self: maybe_multiply(grad, beta); batch1: grad.unsqueeze(0).expand_as(batch1).bmm(batch2.mT) * alpha;
        # batch2: batch1.mT.bmm(grad.unsqueeze(0).expand_as(batch2)) * alpha
        xp = ctx.xp
        b1, b2 = ctx.saved_tensors
        need = ctx.needs_input_grad
        g = xp.expand_dims(grad, 0)
        return (_scale(grad, ctx.beta) if need[0] else None,
                _scale(g @ b2.mT, ctx.alpha) if need[1] else None,
                _scale(b1.mT @ g, ctx.alpha) if need[2] else None, None, None)


def _combine(input, prod, beta, alpha):
    if alpha != 1:
        prod = prod * xp.asarray(alpha, prod.dtype)
    if beta == 0:
        return xp.broadcast_to(prod, xp.broadcast_shapes(prod.shape, input.shape)).copy()
    return prod + (input if beta == 1 else input * xp.asarray(beta, input.dtype))


def _scale(g, s):
    return g if s == 1 else g * s


def _expand_error(input, target):
    shape = input._data.shape
    if len(shape) > len(target):
        raise RuntimeError(f"expand(torch.{tname(input)}Tensor{{{list(shape)}}}, size={list(target)}): the number of "
                           f"sizes provided ({len(target)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({len(shape)})")
    for i in range(1, len(shape) + 1):
        if shape[-i] != 1 and shape[-i] != target[-i]:
            raise RuntimeError(f"The expanded size of the tensor ({target[-i]}) must match the existing size "
                               f"({shape[-i]}) at non-singleton dimension {len(target) - i}.  Target sizes: "
                               f"{list(target)}.  Tensor sizes: {list(shape)}")


def _add_product(cls, fname, input, a, b, beta, alpha, target):
    for x, what in ((a, "mat2" if cls is Addmm else "batch1"), (b, "mat2")):
        if x._data.dtype != input._data.dtype:
            raise RuntimeError(f"self and {what} must have the same dtype, but got {tname(input)} and {tname(x)}")
    _same_dtype(a, b)
    _expand_error(input, target)
    beta, alpha = _scalars(input._data.dtype, beta, alpha)
    return cls.apply(input, a, b, beta, alpha)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``; input broadcasts to the product's shape.

    Args:
        input (Tensor): the input tensor.
        mat1 (Tensor): the first matrix, ``(n, m)``.
        mat2 (Tensor): the second matrix.
        beta (Number, optional): the multiplier for ``input`` (default 1).
        alpha (Number, optional): the multiplier for the product (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.addmm(torch.tensor([1., 1.]), torch.tensor([[1., 2.], [3., 4.]]), torch.eye(2), beta=2, alpha=10)
        tensor([[12., 22.],
                [32., 42.]])
    """
    for x, name, pos in ((input, "input", 1), (mat1, "mat1", 2), (mat2, "mat2", 3)):
        _need_tensor(x, "addmm", name, pos)
    for x, name in ((mat1, "mat1"), (mat2, "mat2")):
        if x._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {x._data.ndim}-D tensor")
    s1, s2 = mat1._data.shape, mat2._data.shape
    if s1[1] != s2[0]:
        _mm_error(s1, s2)
    return _add_product(Addmm, "addmm", input, mat1, mat2, beta, alpha, (s1[0], s2[1]))


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``.

    Args:
        input (Tensor): the input tensor.
        mat (Tensor): the matrix, ``(n, m)``.
        vec (Tensor): the vector, ``(m,)``.
        beta (Number, optional): the multiplier for ``input`` (default 1).
        alpha (Number, optional): the multiplier for the product (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.addmv(torch.tensor([1., 1.]), torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., -1.]))
        tensor([0., 0.])
    """
    for x, name, pos in ((input, "input", 1), (mat, "mat", 2), (vec, "vec", 3)):
        _need_tensor(x, "addmv", name, pos)
    if mat._data.ndim != 2 or vec._data.ndim != 1 or input._data.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {mat._data.ndim}, "
                           f"{vec._data.ndim}")
    sm, n = mat._data.shape, vec._data.shape[0]
    if sm[1] != n or input._data.shape not in ((), (1,), (sm[0],)):
        raise RuntimeError(f"size mismatch, got input ({input._data.shape[0] if input._data.ndim else 1}), "
                           f"mat ({sm[0]}x{sm[1]}), vec ({n})")
    if not (input._data.dtype == mat._data.dtype == vec._data.dtype):
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {tname(input)}, {tname(mat)}, "
                           f"and {tname(vec)}")
    beta, alpha = _scalars(input._data.dtype, beta, alpha)
    return Addmv.apply(input, mat, vec, beta, alpha)


def _batch_pair(fname, b1, b2):
    for x, name in ((b1, "batch1"), (b2, "batch2")):
        if x._data.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    s1, s2 = b1._data.shape, b2._data.shape
    if s1[0] != s2[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {s1[0]} and {s2[0]}")
    if s1[2] != s2[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({s1[1]}x{s1[2]} and {s2[1]}x{s2[2]})")
    return s1, s2


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``.

    Args:
        input (Tensor): the input tensor.
        batch1 (Tensor): the first batch of matrices, ``(b, n, m)``.
        batch2 (Tensor): the second batch of matrices, ``(b, m, p)``.
        beta (Number, optional): the multiplier for ``input`` (default 1).
        alpha (Number, optional): the multiplier for the product (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> b1 = torch.ones(2, 2, 3)
        >>> b2 = torch.ones(2, 3, 2)
        >>> torch.addbmm(torch.zeros(2, 2), b1, b2, alpha=0.5)
        tensor([[3., 3.],
                [3., 3.]])
    """
    for x, name, pos in ((input, "input", 1), (batch1, "batch1", 2), (batch2, "batch2", 3)):
        _need_tensor(x, "addbmm", name, pos)
    for x in (batch1, batch2):
        if x._data.ndim != 3:  # torch reads size(2) before checking the rank
            norm_dim(2, x._data.ndim)
    s1, s2 = _batch_pair("addbmm", batch1, batch2)
    return _add_product(Addbmm, "addbmm", input, batch1, batch2, beta, alpha, (s1[1], s2[2]))


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)`` batch by batch.

    Args:
        input (Tensor): the input tensor.
        batch1 (Tensor): the first batch of matrices, ``(b, n, m)``.
        batch2 (Tensor): the second batch of matrices, ``(b, m, p)``.
        beta (Number, optional): the multiplier for ``input`` (default 1).
        alpha (Number, optional): the multiplier for the product (default 1).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.baddbmm(torch.zeros(2, 1, 1), torch.ones(2, 1, 3), torch.ones(2, 3, 1), alpha=2)
        tensor([[[6.]],
        <BLANKLINE>
                [[6.]]])
    """
    for x, name, pos in ((input, "input", 1), (batch1, "batch1", 2), (batch2, "batch2", 3)):
        _need_tensor(x, "baddbmm", name, pos)
    s1, s2 = _batch_pair("baddbmm", batch1, batch2)
    return _add_product(Baddbmm, "baddbmm", input, batch1, batch2, beta, alpha, (s1[0], s1[1], s2[2]))


# the rest of the family (they import the products above, so they come last); the decompositions and matrix
# functions (det, svd, norm, ...: linalg_decomp.py, linalg_func.py) load on first use (npgrad/_lazy.py)
from . import linalg_contract as _C  # noqa: E402
from .linalg_contract import *  # noqa: E402,F401,F403

__all__ = __all__ + _C.__all__
