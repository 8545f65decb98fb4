"""Contractions: einsum (the one engine), tensordot, inner, vecdot, kron, cross, multi_dot/chain_matmul.

``tensordot``, ``inner`` and ``vecdot`` are einsum calls with generated subscripts. The derivative of an einsum
with respect to one operand is another einsum of the gradient with the other operands (plus constant identity or
ones operands for repeated or summed-away subscripts), so second derivatives come for free. The node class is
chosen to carry the name of the last op torch records (``ViewBackward0`` after a bmm, ``MulBackward0`` when
nothing is summed, ``SumBackward1``, ``PermuteBackward0`` for one operand).
"""
import warnings

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function, dispatch
from ..autograd import function as _function  # [autocast] (its _extras count)
from .._shape import norm_dim, broadcast_shapes, UNSET, np_alias
from .. import _tensor as _t
from .linalg_common import tname, cname, need_tensor as _need_tensor, dtype_of as _dtype_of
from .._warn import warn as _warn

__all__ = ["einsum", "tensordot", "inner", "kron", "cross", "chain_matmul"]


# ----------------------------------------------------------------------------------------------------- einsum
class Einsum(Function):
    """``np.einsum`` in sublist form (integer labels). Its gradients are einsums too (see ``_operand_grad``)."""
    _builtin, _broadcast = True, True
    _ctx_fields = ("subs", "out", "sizes")
    _node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, subs, out, *ops):
        ctx.subs, ctx.out = subs, out
        ctx.save_for_backward(*ops)
        args = []
        d0 = ops[0].dtype
        half = d0.itemsize == 2 and d0.kind in "fV"  # float16/bfloat16: float32, rounded once (NumPy has no
        # bfloat16 einsum)
        for x, s in zip(ops, subs):
            args += [x.astype(np.float32) if half else x, list(s)]
        args.append(list(out))
        # the planner (pairwise BLAS contractions) costs ~15 us: worth it once the naive loop nest is large
        sizes = {}
        for x, s in zip(ops, subs):
            for lab, n in zip(s, x.shape):
                sizes[lab] = max(sizes.get(lab, 1), n)
        cost = 1
        for n in sizes.values():
            cost *= n
        res = xp.einsum(*args, optimize="greedy" if len(ops) > 1 and cost > 1 << 15 else False)
        res = xp.asarray(res)
        if half:
            res = res.astype(d0)
        return res

    @staticmethod
    def backward(ctx, grad):
        # operand k: einsum(grad, other operands -> subscripts of k), identity/ones constants for repeats/sums
        ops = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (None, None) + tuple(_operand_grad(ctx.subs, ctx.out, ops, grad, k) if need[k + 2] else None
                                    for k in range(len(ops)))


class EinsumMul(Einsum):
    _node_name = "MulBackward0"


class EinsumSum(Einsum):
    _node_name = "SumBackward1"


class EinsumPermute(Einsum):
    _node_name = "PermuteBackward0"


def _operand_grad(subs, out, ops, grad, k):
    sizes = {}
    for s, x in zip(subs, ops):
        for lab, n in zip(s, x.shape):
            sizes[lab] = max(sizes.get(lab, 1), n)
    for lab, n in zip(out, grad.shape):
        sizes[lab] = max(sizes.get(lab, 1), n)
    dt = _dtype_of(grad)
    new_subs, args = [tuple(out)], [grad]
    for j, (s, x) in enumerate(zip(subs, ops)):
        if j != k:
            new_subs.append(tuple(s))
            args.append(x)
    have = set(out).union(*(set(s) for j, s in enumerate(subs) if j != k))
    fresh = max([*sizes, -1]) + 1
    target, seen = [], set()
    for lab in subs[k]:
        if lab in seen:  # a repeated subscript (a diagonal): tie a fresh label to it with an identity
            new_subs.append((lab, fresh))
            args.append(xp.eye(sizes[lab], dtype=dt))
            target.append(fresh)
            fresh += 1
            continue
        seen.add(lab)
        if lab not in have:  # summed away within this operand alone: the gradient is constant along it
            new_subs.append((lab,))
            args.append(xp.ones(sizes[lab], dtype=dt))
            have.add(lab)
        target.append(lab)
    g = dispatch(Einsum, tuple(new_subs), tuple(target), *args)
    shape = ops[k].shape
    if tuple(g.shape) != tuple(shape) and all(n == 1 or n == m for n, m in zip(g.shape, shape)):
        g = xp.broadcast_to(g, tuple(shape))  # labels of size 1 elsewhere (broadcast) but not in operand k
    return g


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _parse_einsum(equation, ops):
    """Equation -> (per-operand label tuples, output labels), with ellipses expanded into broadcast labels."""
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->", 1)
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    if len(terms) > len(ops):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(ops):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    parsed, ell_nd = [], 0
    for i, (term, x) in enumerate(zip(terms, ops)):
        labs, ell = _parse_term(term, f"operand {i}")
        nd = x._data.ndim
        if ell is None:
            if len(labs) != nd:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(labs)}) does not match "
                                   f"the number of dimensions ({nd}) for operand {i} and no ellipsis was given")
        elif len(labs) > nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(labs)}) is more than the "
                               f"number of dimensions ({nd}) for operand {i}")
        else:
            ell_nd = max(ell_nd, nd - len(labs))
        parsed.append((labs, ell, nd))
    # ellipsis dims get labels 52.. counted from the right, so they broadcast right-aligned
    subs = []
    for labs, ell, nd in parsed:
        if ell is None:
            subs.append(tuple(labs))
        else:
            k = nd - len(labs)
            subs.append(tuple(labs[:ell]) + tuple(52 + ell_nd - k + j for j in range(k)) + tuple(labs[ell:]))
    ell_labels = tuple(range(52, 52 + ell_nd))
    if rhs is None:
        counts = {}
        for labs, _, _ in parsed:
            for lab in labs:
                counts[lab] = counts.get(lab, 0) + 1
        out = ell_labels + tuple(sorted(lab for lab, c in counts.items() if c == 1))
    else:
        labs, ell = _parse_term(rhs, "the output")
        seen = set()
        used = set().union(*(set(labs_) for labs_, _, _ in parsed))
        for lab in labs:
            c = _LETTERS[lab]
            if lab in seen:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
            if lab not in used:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   f"operand")
            seen.add(lab)
        if ell is not None and not any(e is not None for _, e, _ in parsed):
            raise RuntimeError("einsum(): ellipsis found in output but not in any input operand")  # pragma: no cover
        out = tuple(labs) if ell is None else tuple(labs[:ell]) + ell_labels + tuple(labs[ell:])
    return subs, out


def _parse_term(term, what):
    labs, ell, i = [], None, 0
    while i < len(term):
        c = term[i]
        if c == ".":
            if term[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for {what} that is not part of any ellipsis")
            if ell is not None:
                raise RuntimeError(f"einsum(): found '.' for {what} for which an ellipsis was already found")
            ell = len(labs)
            i += 3
            continue
        if c not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts "
                               f"must be in [a-zA-Z]")
        labs.append(_LETTERS.index(c))
        i += 1
    return labs, ell


def _check_sizes(subs, ops):
    sizes = {}
    for i, (s, x) in enumerate(zip(subs, ops)):
        local = {}
        for lab, n in zip(s, x._data.shape):
            if lab in local and local[lab] != n:
                raise RuntimeError(f"einsum(): subscript {_label(lab)} is repeated for operand {i} but the sizes "
                                   f"don't match, {n} != {local[lab]}")
            local[lab] = n
        for lab, n in local.items():
            prev = sizes.get(lab, 1)
            if n != 1 and prev != 1 and n != prev and lab >= 52:
                raise RuntimeError(f"einsum(): dimension {lab - 52} covered by ellipsis in operand {i}has size {n} "
                                   f"which does not broadcast with previously seen ellipsis with size {prev} for "
                                   f"the respective dimension")
            if n != 1 and prev != 1 and n != prev:
                raise RuntimeError(f"einsum(): subscript {_label(lab)} has size {n} for operand {i} which does not "
                                   f"broadcast with previously seen size {prev}")
            sizes[lab] = max(prev, n)


def _sublist(labels):
    return "".join("..." if x is Ellipsis else _LETTERS[x] for x in labels)


def _label(lab):
    return _LETTERS[lab] if lab < 52 else "..."


def _compact(subs, out):
    """NumPy's sublist form takes labels 0..51: renumber the ones in use."""
    ids = {}
    for s in (*subs, out):
        for lab in s:
            ids.setdefault(lab, len(ids))
    if len(ids) > 52:
        raise RuntimeError(f"einsum(): too many subscripts ({len(ids)}); at most 52 distinct labels are supported")
    return tuple(tuple(ids[lab] for lab in s) for s in subs), tuple(ids[lab] for lab in out)


def _einsum_apply(subs, out, ops, cls=None):
    if cls is None:
        summed = set().union(*(set(s) for s in subs)) - set(out)
        if len(ops) == 1:
            cls = EinsumSum if summed else EinsumPermute
        else:
            cls = Einsum if summed else EinsumMul
    dt = ops[0]._data.dtype
    for x in ops[1:]:
        if x._data.dtype != dt:
            raise RuntimeError(f"expected scalar type {tname(ops[0])} but found {tname(x)}")
    subs, out = _compact(subs, out)
    return cls.apply(subs, out, *ops)


def einsum(*args):
    """Einstein summation over operands, e.g. ``einsum('bij,bjk->bik', a, b)``; any equation NumPy accepts
    (ellipsis broadcasting, repeated subscripts for diagonals, implicit output), or the sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])``.

    Example:
        >>> import npgrad as torch
        >>> a = torch.arange(6.).reshape(2, 3)
        >>> torch.einsum('ij->ji', a)
        tensor([[0., 3.],
                [1., 4.],
                [2., 5.]])
        >>> torch.einsum('ij,j->i', a, torch.ones(3))
        tensor([ 3., 12.])
        >>> torch.einsum('ii', torch.eye(3))
        tensor(3.)
    """
    if not args or (len(args) == 1 and isinstance(args[0], str)):
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, ops = args[0], args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = tuple(ops[0])
        if not ops:
            raise RuntimeError("einsum(): must provide at least one operand")
        for i, x in enumerate(ops):
            if not isinstance(x, _t.Tensor):
                raise TypeError(f"einsum(): argument 'operands' must be tuple of Tensors, but found element of type "
                                f"{type(x).__name__} at pos {i}")
        subs, out = _parse_einsum(equation, ops)
    else:  # sublist form: op, [labels], op, [labels], ..., [output labels]
        pairs = len(args) // 2
        ops, lists = args[0:2 * pairs:2], args[1:2 * pairs:2]
        equation = ",".join(_sublist(s) for s in lists)
        if len(args) % 2:
            equation += "->" + _sublist(args[-1])
        return einsum(equation, *ops)
    _check_sizes(subs, ops)
    return _einsum_apply(subs, out, ops)


# ---------------------------------------------------------------------------------- tensordot, inner, kron
def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` trailing dims of ``a`` with leading dims of ``b`` (an int), or the listed dims
    (``([dims of a], [dims of b])``).

    Args:
        a (Tensor): the first operand.
        b (Tensor): the second operand.
        dims (int or pair of sequences, optional): how many trailing dims of ``a`` to contract with leading dims of
            ``b``, or the two lists of dims (default 2).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> a = torch.arange(6.).reshape(2, 3)
        >>> torch.tensordot(a, torch.ones(3, 2), dims=1)
        tensor([[ 3.,  3.],
                [12., 12.]])
        >>> torch.tensordot(a, a, dims=([0, 1], [0, 1]))
        tensor(55.)
    """
    _need_tensor(a, "tensordot", "a", 1)
    _need_tensor(b, "tensordot", "b", 2)
    if isinstance(dims, _t.Tensor):
        dims = dims.tolist()
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > na or dims > nb:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))  # torch names a's dims from the end
    else:
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of dim lists")
        da, db = dims
        if isinstance(da, int) or isinstance(db, int):
            raise TypeError(f"tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not "
                            f"{type(da).__name__}")
        da, db = list(da), list(db)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    la = list(range(na))
    lb = list(range(na, na + nb))
    for given_i, given_j in zip(da, db):
        i, j = norm_dim(given_i, na), norm_dim(given_j, nb)
        sa, sb = a._data.shape[i], b._data.shape[j]
        if sa != sb:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} in dim {given_i} and "
                               f"second has size {sb} in dim {given_j}")
        lb[j] = la[i]
    da = [norm_dim(d, na) for d in da]
    db = [norm_dim(d, nb) for d in db]
    out_labels = [la[i] for i in range(na) if i not in da] + [lb[j] for j in range(nb) if j not in db]
    return _einsum_apply((tuple(la), tuple(lb)), tuple(out_labels), (a, b), Einsum)


def inner(input, other):
    """Sum over the last dims: ``out[i..., j...] = sum_k input[i..., k] * other[j..., k]``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): a tensor whose last dim matches ``input``'s.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.inner(torch.tensor([1., 2., 3.]), torch.tensor([0., 1., 0.]))
        tensor(2.)
        >>> torch.inner(torch.eye(2), torch.tensor([[1., 2.], [3., 4.]]))
        tensor([[1., 3.],
                [2., 4.]])
    """
    _need_tensor(input, "inner", "input", 1)
    _need_tensor(other, "inner", "other", 2)
    if input._data.ndim == 0 or other._data.ndim == 0:
        from .pointwise import mul
        return mul(input, other)
    if input._data.dtype != other._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if input._data.shape[-1] != other._data.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input._data.shape)} and {list(other._data.shape)}")
    return tensordot(input, other, ([-1], [-1]))


class Kron(Function):
    """Kronecker product; the operand of smaller rank is padded with leading 1s."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ia, ib = _interleave(a, b)
        return (ia * ib).reshape(tuple(x * y for x, y in zip(*_padded(a, b))))

    @staticmethod
    def backward(ctx, grad):
        # self: grad viewed as (a0, b0, a1, b1, ...) * other, summed over other's axes; other: likewise
        xp = ctx.xp
        a, b = ctx.saved_tensors
        sa, sb = _padded(a, b)
        nd = len(sa)
        g = grad.reshape(tuple(n for pair in zip(sa, sb) for n in pair))
        ia, ib = _interleave(a, b)
        need = ctx.needs_input_grad
        ga = xp.sum(g * ib, axis=tuple(range(1, 2 * nd, 2))).reshape(a.shape) if need[0] else None
        gb = xp.sum(g * ia, axis=tuple(range(0, 2 * nd, 2))).reshape(b.shape) if need[1] else None
        return ga, gb


def _padded(a, b):
    nd = max(a.ndim, b.ndim)
    return (1,) * (nd - a.ndim) + tuple(a.shape), (1,) * (nd - b.ndim) + tuple(b.shape)


def _interleave(a, b):
    """a as (a0, 1, a1, 1, ...) and b as (1, b0, 1, b1, ...): their product holds the Kronecker product's blocks."""
    sa, sb = _padded(a, b)
    return (a.reshape(tuple(n for x in sa for n in (x, 1))),
            b.reshape(tuple(n for y in sb for n in (1, y))))


def kron(input, other):
    """Kronecker product: block ``(i, j)`` is ``input[i, j] * other`` (any ranks; the smaller is padded).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second operand.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.kron(torch.eye(2), torch.tensor([[1., 2.], [3., 4.]]))
        tensor([[1., 2., 0., 0.],
                [3., 4., 0., 0.],
                [0., 0., 1., 2.],
                [0., 0., 3., 4.]])
    """
    _need_tensor(input, "kron", "input", 1)
    _need_tensor(other, "kron", "other", 2)
    return Kron.apply(input, other)


# ------------------------------------------------------------------------------------------------------ cross
class LinalgCross(Function):
    _builtin, _broadcast = True, True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        a, b = xp.broadcast_arrays(a, b)
        return xp.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # self: at::linalg_cross(other, grad, dim); other: at::linalg_cross(grad, self, dim)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (dispatch(LinalgCross, b, grad, ctx.dim) if need[0] else None,
                dispatch(LinalgCross, grad, a, ctx.dim) if need[1] else None, None)


def linalg_cross(input, other, *, dim=-1, axis=UNSET):
    """``npgrad.linalg.cross``: the cross product of 3-vectors along ``dim`` (inputs broadcast)."""
    _need_tensor(input, "linalg_cross", "input", 1)
    _need_tensor(other, "linalg_cross", "other", 2)
    if axis is not UNSET:
        dim = np_alias("linalg_cross", dim, axis, -1)[0]
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = norm_dim(dim, input._data.ndim)
    na, nb = input._data.shape[d], other._data.shape[d]
    if na != 3 or nb != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {na} and {nb}")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"expected scalar type {tname(input)} but found {tname(other)}")
    broadcast_shapes(input._data.shape, other._data.shape)
    return LinalgCross.apply(input, other, d - input._data.ndim)


def cross(input, other, dim=None, *, axis=UNSET):
    """Cross product along ``dim``; without ``dim`` the first dimension of size 3 (deprecated, as in torch).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): broadcast against ``input``; size 3 in ``dim``.
        dim (int, optional): the dim of size 3 (see above when omitted).
        axis (int, optional): NumPy's name for ``dim`` (give one or the other).
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]), dim=0)
        tensor([0., 0., 1.])
    """
    _need_tensor(input, "cross", "input", 1)
    _need_tensor(other, "cross", "other", 2)
    if axis is not UNSET:
        dim = np_alias("cross", dim, axis)[0]
    if dim is None:
        _warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning)
        shape = input._data.shape
        if input._data.ndim == other._data.ndim:
            shape = broadcast_shapes(shape, other._data.shape)
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


# ------------------------------------------------------------------------------------- multi_dot, vecdot
def _chain_order(dims):
    """Optimal parenthesisation of a matrix chain (dynamic programming): split[i][j] for the product i..j."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(tensors):
    """Product of a chain of matrices in the cheapest order; the first and last may be 1-D vectors."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"linalg_multi_dot(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}")
    tensors = list(tensors)
    for t in tensors:
        _t.tensor_arg(t, "linalg_multi_dot", "tensors")
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    if first._data.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first._data.ndim}D")
    if last._data.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last._data.ndim}D")
    for i, x in enumerate(tensors[1:-1], 1):
        if x._data.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {x._data.ndim}D")
    dt = first._data.dtype
    for i, x in enumerate(tensors):
        if x._data.dtype != dt:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{cname(dt)} and tensor {i} {cname(x._data.dtype)}")
    from .shape import unsqueeze, reshape
    mats = list(tensors)
    if first._data.ndim == 1:
        mats[0] = unsqueeze(first, 0)
    if last._data.ndim == 1:
        mats[-1] = unsqueeze(last, 1)
    for i in range(n - 1):
        sa, sb = mats[i]._data.shape, mats[i + 1]._data.shape
        if sa[1] != sb[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i]._data.shape)} "
                               f"and {list(tensors[i + 1]._data.shape)} cannot be multiplied")
    from .linalg import Mm  # the products module imports this one at its end
    split = _chain_order([mats[0]._data.shape[0]] + [m._data.shape[1] for m in mats])

    def chain(i, j):
        if i == j:
            return mats[i]
        k = split[i][j]
        return Mm.apply(chain(i, k), chain(k + 1, j))

    res = chain(0, n - 1)
    shape = tuple(res._data.shape[i] for i, x in ((0, first), (1, last)) if x._data.ndim == 2)
    return reshape(res, shape)


def chain_matmul(*matrices, out=None):
    """Deprecated alias of ``linalg.multi_dot`` for 2-D matrices.

    Args:
        *matrices (Tensors): 2-D tensors whose product is defined.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> torch.chain_matmul(torch.eye(2), torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([[1.], [1.]]))
        tensor([[3.],
                [7.]])
    """
    _warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                  "multiple parameters.", UserWarning)
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    for x in matrices:
        if x._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {x._data.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        from .shape import clone
        return clone(matrices[0])
    return multi_dot(matrices)


def vecdot(x, y, *, dim=-1, axis=UNSET):
    """``npgrad.linalg.vecdot``: ``sum(x * y, dim)`` with broadcasting."""
    _need_tensor(x, "linalg_vecdot", "x", 1)
    _need_tensor(y, "linalg_vecdot", "y", 2)
    if _function._extras:  # [autocast] linalg_vecdot is on torch's CPU lower-precision list
        from ..amp.autocast_mode import lower_args
        x, y = lower_args(x, y)
    if axis is not UNSET:
        dim = np_alias("linalg_vecdot", dim, axis, -1)[0]
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type {tname(x)} "
                           f"and y of type {tname(y)} instead")
    if not is_float_np(x._data.dtype):
        raise RuntimeError(f"linalg.vecdot: Expected a floating point or complex tensor as input. Got {tname(x)}")
    sx, sy = x._data.shape, y._data.shape
    if x._data.ndim == 1 == y._data.ndim and sx != sy:
        from .linalg import _vec_pair
        _vec_pair(x, y, "vecdot")
    shape = broadcast_shapes(sx, sy)
    nd = len(shape)
    d = norm_dim(dim, nd)
    labels = tuple(range(nd))
    return _einsum_apply((labels[nd - len(sx):], labels[nd - len(sy):]), labels[:d] + labels[d + 1:], (x, y),
                         EinsumSum)
