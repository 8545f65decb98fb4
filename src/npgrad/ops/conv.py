"""Convolutions (1-3 spatial dims, transposed, grouped, dilated) through a strided im2col view and a matmul.

Three bilinear maps of one geometry (stride, padding, dilation, groups) carry everything. With
``T(x, w, y) = <y, conv(x, w)>``:

* ``_conv(x, w)   = dT/dy``  the convolution (cross-correlation, as torch) - ``Convolution``
* ``_conv_t(y, w) = dT/dx``  its adjoint in ``x``: the input gradient, and the transposed convolution
* ``_conv_w(x, y) = dT/dw``  its adjoint in ``w``: the weight gradient

so each one's backward is the other two (``dispatch``): first and higher derivatives come from the same three
kernels. Patches are laid out (batch, groups, channels*kernel, positions): each map is one batched matmul,
one small product per sample and group, whose result is already in (N, C, *spatial) order.
"""
import functools
import itertools
import math

import numpy as np
from .._xp import xp, xp_of
as_strided = xp.lib.stride_tricks.as_strided

from ..autograd.function import Function, dispatch
from .. import _tensor as _t
import npgrad as ng   # public ops, looked up at call time

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


# ---------------------------------------------------------------------------------------------- array kernels
# geo = (stride, pads, dilation, groups); pads is one (low, high) pair per spatial dim ('same' may be uneven)

def _out_size(S, K, geo):
    stride, pads, dil, _ = geo
    return tuple((s + lo + hi - d * (k - 1) - 1) // st + 1
                 for s, k, st, (lo, hi), d in zip(S, K, stride, pads, dil))


# Scratch buffers. The temporaries here (padded input, patch matrices, the input gradient's patch matrix) are
# megabytes each; fresh ones cost page faults on every step (glibc returns freed heap tops to the OS), which was
# ~40% of a small CNN's training step. Buffers that never leave this module are recycled through a small pool.
_POOL = {}
_POOL_BYTES = [0]
_POOL_LIMIT = 1 << 28   # keep at most 256 MiB of spare buffers


def _scratch(shape, dtype, zero=False):
    free = _POOL.get((shape, dtype))
    if free:
        a = free.pop()
        _POOL_BYTES[0] -= a.nbytes
        if zero:
            a.fill(0)
        return a
    return xp.zeros(shape, dtype) if zero else xp.empty(shape, dtype)


def _release(*arrays):
    """Return buffers made by ``_scratch`` (and referenced nowhere else) to the pool."""
    for a in arrays:
        if a is None or a.base is not None or _POOL_BYTES[0] + a.nbytes > _POOL_LIMIT:
            continue
        free = _POOL.setdefault((a.shape, a.dtype), [])
        if len(free) < 2:
            free.append(a)
            _POOL_BYTES[0] += a.nbytes


# Internally the batch dim stays first: patches are (N, groups, C/groups * prod(K), prod(O)), so each sample's
# product is its own small matmul (numpy loops them over N in one call) and the result comes out already in
# (N, C, *O) order. For small images those per-sample products are 1.5-3x faster in OpenBLAS than one wide
# matmul over batch-last patches, and no transposing copy of the input, output or gradient is needed.

def _padded(x, pads):
    """(N, C, *S) -> zero-padded (N, C, *P) (a scratch buffer), or ``x`` itself when there is no padding."""
    if not any(lo or hi for lo, hi in pads):
        return x
    P = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads))
    xpad = _scratch(x.shape[:2] + P, x.dtype, zero=True)
    xpad[(slice(None), slice(None)) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[2:], pads))] = x
    return xpad


def _cols(x, K, O, geo):
    """Patches of the padded input as (N, groups, C/groups * prod(K), prod(O)), in a scratch buffer: a strided
    view, one copy."""
    stride, pads, dil, g = geo
    xpad = _padded(x, pads)
    N, C = x.shape[:2]
    st = xpad.strides
    nd = len(K)
    cg = C // g
    shape = (N, g, cg) + tuple(K) + tuple(O)
    strides = (st[0], st[1] * cg, st[1]) + tuple(st[2 + i] * dil[i] for i in range(nd)) + \
        tuple(st[2 + i] * stride[i] for i in range(nd))
    cols = _scratch((N, g, cg * math.prod(K), math.prod(O)), x.dtype)
    # a window view straight on the buffer (np.lib.stride_tricks.as_strided costs ~10 us a call)
    win = xp.ndarray(shape, xpad.dtype, xpad, 0, strides) if xpad.flags.c_contiguous and xpad.size else \
        as_strided(xpad, shape, strides, writeable=False)
    xp.copyto(cols.reshape(shape), win)
    if xpad is not x:
        _release(xpad)
    return cols


def _conv(x, w, geo, O=None, keep=None, b=None):
    """The convolution (plus bias ``b``); ``keep`` (a list) receives the patch matrix, for the weight gradient
    to reuse (the caller then owns it; otherwise it goes back to the pool)."""
    K = w.shape[2:]
    O = _out_size(x.shape[2:], K, geo) if O is None else O
    g = geo[3]
    N, cout = x.shape[0], w.shape[0]
    cols = _cols(x, K, O, geo)
    wm = w.reshape(g, cout // g, -1)
    # out= keeps the input's dtype (a bfloat16 matmul alone returns float32)
    y = xp.matmul(wm, cols, out=xp.empty((N, g, cout // g, cols.shape[3]), xp.result_type(wm, cols)))
    if keep is not None:
        keep.append(cols)
    else:
        _release(cols)
    if b is not None:
        y += b.reshape(g, cout // g, 1)
    return y.reshape((N, cout) + tuple(O))


def _clip(S, O, k, st, d, lo):
    """For one kernel offset along one dim: (output slice, input slice) of the outputs whose tap lands inside
    the unpadded input (input position ``o * st + k * d - lo``), or None if none does."""
    a = k * d - lo
    o0 = max(0, -(a // st))                  # ceil(-a / st)
    o1 = min(O - 1, (S - 1 - a) // st)
    if o0 > o1:
        return None
    return slice(o0, o1 + 1), slice(o0 * st + a, o1 * st + a + 1, st)


@functools.lru_cache(maxsize=256)
def _col2im_plan(S, O, K, stride, lows, dil):
    """Per kernel offset that reaches the input: (index into the unpadded result, index into the blocks)."""
    plan = []
    for k in itertools.product(*map(range, K)):
        cl = [_clip(S[i], O[i], k[i], stride[i], dil[i], lows[i]) for i in range(len(K))]
        if None not in cl:
            plan.append(((slice(None), slice(None)) + tuple(c[1] for c in cl),
                         (slice(None), slice(None)) + k + tuple(c[0] for c in cl)))
    return tuple(plan)


def _conv_t(y, w, geo, S, b=None):
    """Adjoint of ``_conv`` in the input: spread each output's weights back over its window (col2im), adding
    each kernel offset's block straight into the unpadded result. ``b``: a bias to add (the transposed
    convolution's)."""
    stride, pads, dil, g = geo
    N, cout = y.shape[:2]
    O, K, cg = y.shape[2:], w.shape[2:], w.shape[1]
    nd = len(K)
    wm = w.reshape(g, cout // g, -1).transpose(0, 2, 1)                   # (g, cg * prod(K), cout/g)
    yg = y.reshape(N, g, cout // g, math.prod(O))
    cols = xp.matmul(wm, yg, out=_scratch((N, g, wm.shape[1], yg.shape[3]), xp.result_type(wm, yg)))
    blocks = cols.reshape((N, g * cg) + tuple(K) + tuple(O))
    out = xp.zeros((N, g * cg) + tuple(S), cols.dtype)
    for dst, src in _col2im_plan(tuple(S), tuple(O), tuple(K), tuple(stride), tuple(lo for lo, _ in pads),
                                 tuple(dil)):
        out[dst] += blocks[src]
    _release(cols)
    if b is not None:
        out += b.reshape((1, -1) + (1,) * nd)
    return out


def _conv_w(x, y, geo, K, cols=None):
    """Adjoint of ``_conv`` in the weight: correlate the input patches with the output gradient.
    ``cols``: the forward's patch matrix, when kept (it is recycled here)."""
    g = geo[3]
    N, cout = y.shape[:2]
    if cols is None:
        cols = _cols(x, K, y.shape[2:], geo)                              # (N, g, cg * prod(K), prod(O))
    P, CK = cols.shape[3], cols.shape[2]
    yg = y.reshape(N, g, cout // g, P)
    if N == 1 or (cout // g <= P and N * cout * CK <= _KEEP_COLS // 8):
        # one product per sample, then a sum over the batch: the per-sample results are no bigger than the
        # patches themselves
        gw = xp.matmul(yg, cols.transpose(0, 1, 3, 2))                    # (N, g, cout/g, cg * prod(K))
        gw = gw[0] if N == 1 else gw.sum(0)
    else:   # few positions per sample: one matmul over batch and positions together
        yt = xp.ascontiguousarray(yg.transpose(1, 2, 0, 3)).reshape(g, cout // g, N * P)
        ct = xp.ascontiguousarray(cols.transpose(1, 2, 0, 3)).reshape(g, CK, N * P)
        gw = xp.matmul(yt, ct.transpose(0, 2, 1))                         # (g, cout/g, cg * prod(K))
    dtype = xp.result_type(yg, cols)
    _release(cols)
    return gw.reshape((cout, x.shape[1] // g) + tuple(K)).astype(dtype, copy=False)


_KEEP_COLS = 1 << 26   # patch matrices up to 64 MiB stay with the node for the weight gradient


def _bias_grad(grad):
    xp = xp_of(grad)  # NumPy, or txp on Tensors (create_graph)
    return xp.sum(grad, axis=(0,) + tuple(range(2, grad.ndim)))


# ---------------------------------------------------------------------------------------------- Functions
class Convolution(Function):
    """``conv(x, w) + b``."""
    _builtin = True
    _ctx_fields = ("geo", "S", "has_bias", "cols")

    @staticmethod
    def forward(ctx, x, w, b, geo, O=None):
        ctx.geo, ctx.S, ctx.has_bias = geo, x.shape[2:], b is not None
        ctx.save_for_backward(x, w)
        keep = []
        y = _conv(x, w, geo, O, keep, b)
        # a plain backward reuses the patches for the weight gradient (one im2col saved) unless they are big
        ctx.cols = keep[0] if keep[0].nbytes <= _KEEP_COLS else None
        if ctx.cols is None:
            _release(keep[0])
        return y

    @staticmethod
    def backward(ctx, grad):
        # input, weight, bias: convolution_backward(grad, input, weight, ...)
        #   = conv_transpose(grad, weight), conv_weight(input, grad), grad.sum(all dims but 1)
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        geo, K = ctx.geo, w.shape[2:]
        if type(grad) is np.ndarray:   # plain backward: the kernels directly
            gx = _conv_t(grad, w, geo, ctx.S) if need[0] else None
            gw = _conv_w(x, grad, geo, K, ctx.cols) if need[1] else None
            if not need[1]:
                _release(ctx.cols)
            # positions first (contiguous, pairwise), then the batch
            gb = grad.reshape(grad.shape[:2] + (math.prod(grad.shape[2:]),)).sum(-1).sum(0) \
                if ctx.has_bias and need[2] else None
        else:
            gx = dispatch(ConvolutionTranspose, grad, w, None, geo, ctx.S) if need[0] else None
            gw = dispatch(ConvolutionWeight, x, grad, geo, K) if need[1] else None
            gb = _bias_grad(grad) if ctx.has_bias and need[2] else None
        ctx.cols = None
        return gx, gw, gb, None, None


class ConvolutionTranspose(Function):
    """``conv_t(y, w) + b``: the transposed convolution, i.e. the input gradient of ``conv``."""
    _builtin = True
    _node_name = "ConvolutionBackward0"
    _ctx_fields = ("geo", "O", "has_bias")

    @staticmethod
    def forward(ctx, y, w, b, geo, S):
        ctx.geo, ctx.O, ctx.has_bias = geo, y.shape[2:], b is not None
        ctx.save_for_backward(y, w)
        return _conv_t(y, w, geo, S, b)

    @staticmethod
    def backward(ctx, grad):
        # input: conv(grad, weight); weight: conv_weight(grad, input); bias: grad.sum(all dims but 1)
        y, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gy = dispatch(Convolution, grad, w, None, ctx.geo, ctx.O) if need[0] else None
        gw = dispatch(ConvolutionWeight, grad, y, ctx.geo, w.shape[2:]) if need[1] else None
        gb = _bias_grad(grad) if ctx.has_bias and need[2] else None
        return gy, gw, gb, None, None


class ConvolutionWeight(Function):
    """``conv_w(x, y)``: the weight gradient of ``conv`` (a node only in double-backward graphs)."""
    _builtin = True
    _node_name = "ConvolutionBackwardBackward0"
    _ctx_fields = ("geo", "S")

    @staticmethod
    def forward(ctx, x, y, geo, K):
        ctx.geo, ctx.S = geo, x.shape[2:]
        ctx.save_for_backward(x, y)
        return _conv_w(x, y, geo, K)

    @staticmethod
    def backward(ctx, grad):
        # input: conv_transpose(grad_output, grad); grad_output: conv(input, grad)
        x, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = dispatch(ConvolutionTranspose, y, grad, None, ctx.geo, ctx.S) if need[0] else None
        gy = dispatch(Convolution, x, grad, None, ctx.geo, y.shape[2:]) if need[1] else None
        return gx, gy, None, None


# ---------------------------------------------------------------------------------------------- public API
def _ints(v, n, name):
    if isinstance(v, _t.Tensor):
        v = v.tolist()
    if isinstance(v, int):
        return (v,) * n
    v = tuple(int(e) for e in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={list(v)}")
    return v


def _check_tensors(fname, input, weight, bias):
    for i, (argname, t) in enumerate((("input", input), ("weight", weight))):
        if not isinstance(t, _t.Tensor):
            raise TypeError(f"{fname}(): argument '{argname}' (position {i + 1}) must be Tensor, not "
                            f"{type(t).__name__}")
    if bias is not None and not isinstance(bias, _t.Tensor):
        raise TypeError(f"{fname}(): argument 'bias' (position 3) must be Tensor, not {type(bias).__name__}")


def _dtype_name(a):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long"}.get(a.dtype.name,
                                                                                                  a.dtype.name)


def _prepare(fname, nd, input, weight, bias, stride, dilation, groups, transposed):
    """Shared argument checks (torch's messages); returns (batched input, was_unbatched, stride, dilation)."""
    _check_tensors(fname, input, weight, bias)
    x, w = input._data, weight._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fname}, but got "
                           f"input of size: {list(x.shape)}")
    unbatched = x.ndim == nd + 1
    if unbatched:
        input = ng.unsqueeze(input, 0)
        x = input._data
    wnd = w.ndim - 2
    stride = _ints(stride, wnd, "stride")
    dilation = _ints(dilation, wnd, "dilation")
    if w.ndim != x.ndim:
        raise RuntimeError(f"Expected {w.ndim}-dimensional input for {w.ndim}-dimensional weight "
                           f"{list(w.shape)}, but got {x.ndim}-dimensional input of size {list(x.shape)} instead")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {_dtype_name(x).capitalize()} but found "
                           f"{_dtype_name(w).capitalize()}")
    if bias is not None and bias._data.dtype != x.dtype:
        raise RuntimeError(f"Input type ({_dtype_name(x)}) and bias type ({_dtype_name(bias._data)}) should be "
                           f"the same")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size [{list(w.shape)}] instead")
    cin = w.shape[0] if transposed else w.shape[1] * groups
    if x.shape[1] != cin:
        kind = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(f"Given {kind}, weight of size {list(w.shape)}, expected input{list(x.shape)} to have "
                           f"{cin} channels, but got {x.shape[1]} channels instead")
    cout = w.shape[1] * groups if transposed else w.shape[0]
    if bias is not None and bias._data.shape != (cout,):
        raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with {cout} "
                           f"elements, but got bias of size {list(bias._data.shape)} instead")
    return input, unbatched, stride, dilation


def _convnd(fname, nd, input, weight, bias, stride, padding, dilation, groups):
    input, unbatched, stride, dilation = _prepare(fname, nd, input, weight, bias, stride, dilation, groups, False)
    K = weight._data.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * len(K)
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # torch pads the odd extra element at the end
            pads = tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(K, dilation))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _ints(padding, len(K), "padding")
        if any(p < 0 for p in padding):
            raise RuntimeError("negative padding is not supported")
        pads = tuple((p, p) for p in padding)
    S = input._data.shape[2:]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(S, pads))
    if any(p < d * (k - 1) + 1 for p, k, d in zip(padded, K, dilation)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(str(d * (k - 1) + 1) for k, d in zip(K, dilation))}). Kernel size "
                           f"can't be greater than actual input size")
    out = Convolution.apply(input, weight, bias, (stride, pads, dilation, groups))
    return ng.squeeze(out, 0) if unbatched else out


def _conv_transposend(fname, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    if isinstance(padding, str):
        raise TypeError(f"{fname}(): argument 'padding' must be tuple of ints, not str")
    input, unbatched, stride, dilation = _prepare(fname, nd, input, weight, bias, stride, dilation, groups, True)
    K = weight._data.shape[2:]
    padding = _ints(padding, len(K), "padding")
    output_padding = _ints(output_padding, len(K), "output_padding")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        names = ("height", "width") if len(K) == 2 else ("depth", "height", "width")[-len(K):]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(
            f"output_padding_{n}: {v}" for n, v in zip(names, output_padding)) + " " + " ".join(
            f"stride_{n}: {v}" for n, v in zip(names, stride)) + " " + " ".join(
            f"dilation_{n}: {v}" for n, v in zip(names, dilation)))
    S = input._data.shape[2:]
    out = tuple((s - 1) * st - 2 * p + d * (k - 1) + op + 1
                for s, st, p, d, k, op in zip(S, stride, padding, dilation, K, output_padding))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, S))}). Calculated output size "
                           f"per channel: ({' x '.join(map(str, out))}). Output size is too small")
    geo = (stride, tuple((p, p) for p in padding), dilation, groups)
    res = ConvolutionTranspose.apply(input, weight, bias, geo, out)
    return ng.squeeze(res, 0) if unbatched else res


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation over (N, C, L) (or unbatched (C, L)); ``padding`` may be 'same' or 'valid'."""
    return _convnd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation over (N, C, H, W) (or unbatched (C, H, W)), as ``torch.nn.functional.conv2d``.

    Args:
        input (Tensor): ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        weight (Tensor): ``(C_out, C_in / groups, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride (int or tuple of ints, optional): the step of the window (default 1, or ``kernel_size`` for pooling).
        padding (int, tuple of ints or str, optional): zero padding on each side, or ``'same'``/``'valid'`` (default
            0).
        dilation (int or tuple of ints, optional): the spacing between kernel elements (default 1).
        groups (int, optional): split the channels into this many independent groups (default 1).

    Example:
        >>> import npgrad as torch
        >>> torch.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)).shape
        npgrad.Size([1, 1, 2, 2])
    """
    return _convnd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _convnd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transposend("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding,
                             groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv2d (a "deconvolution"): weight is (C_in, C_out / groups, kH, kW)."""
    return _conv_transposend("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding,
                             groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv_transposend("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding,
                             groups, dilation)


# ---------------------------------------------------------------------------------------------- unfold / fold
def _im2col(x, geo):
    """(N, C, H, W) -> (N, C * kH * kW, L) sliding blocks, channel-major as torch."""
    K, dil, pad, stride, O = geo
    xpad = xp.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad)) if any(pad) else x
    st = xpad.strides
    win = as_strided(xpad, xpad.shape[:2] + K + O, st[:2] + tuple(st[2 + i] * dil[i] for i in range(2)) +
                     tuple(st[2 + i] * stride[i] for i in range(2)), writeable=False)
    return win.reshape(x.shape[0], x.shape[1] * math.prod(K), math.prod(O))


def _col2im(cols, geo, S):
    """Adjoint of ``_im2col``: sum each block back onto the (N, C, H, W) image."""
    K, dil, pad, stride, O = geo
    N = cols.shape[0]
    c = cols.shape[1] // math.prod(K)
    blocks = cols.reshape((N, c) + K + O)
    acc = xp.zeros((N, c) + tuple(s + 2 * p for s, p in zip(S, pad)), cols.dtype)
    for k in xp.ndindex(*K):
        acc[(slice(None), slice(None)) + tuple(
            slice(k[i] * dil[i], k[i] * dil[i] + stride[i] * (O[i] - 1) + 1, stride[i]) for i in range(2))] += \
            blocks[(slice(None), slice(None)) + k]
    return xp.ascontiguousarray(acc[(slice(None), slice(None)) + tuple(slice(p, p + s) for s, p in zip(S, pad))])


class Im2Col(Function):
    _builtin = True
    _ctx_fields = ("geo", "S")

    @staticmethod
    def forward(ctx, x, geo):
        ctx.geo, ctx.S = geo, x.shape[-2:]
        return _im2col(x, geo) if x.ndim == 4 else _im2col(x[None], geo)[0]   # (C, H, W): unbatched

    @staticmethod
    def backward(ctx, grad):
        # self: col2im(grad, self.sizes()[-2:], kernel_size, dilation, padding, stride)
        return dispatch(Col2Im, grad, ctx.geo, ctx.S), None


class Col2Im(Function):
    _builtin = True
    _ctx_fields = ("geo",)

    @staticmethod
    def forward(ctx, cols, geo, S):
        ctx.geo = geo
        return _col2im(cols, geo, S) if cols.ndim == 3 else _col2im(cols[None], geo, S)[0]

    @staticmethod
    def backward(ctx, grad):
        # self: im2col(grad, kernel_size, dilation, padding, stride)
        return dispatch(Im2Col, grad, ctx.geo), None, None


def _pair(v, name):
    v = (v, v) if isinstance(v, int) else tuple(v)
    if len(v) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(v)}")
    return v


def _blocks(S, K, dil, pad, stride, what):
    O = tuple((s + 2 * p - d * (k - 1) - 1) // st + 1 for s, k, d, p, st in zip(S, K, dil, pad, stride))
    if any(o < 1 for o in O):
        raise RuntimeError(f"Given {what} spatial size {tuple(S)}, kernel_size={K}, dilation={dil}, "
                           f"padding={pad}, calculated shape of the array of sliding blocks as {O}, but its "
                           f"components must be at least one.")
    return O


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of a (N, C, H, W) (or (C, H, W)) input as (N, C * kH * kW, L) columns (im2col)."""
    x = input._data
    if x.ndim not in (3, 4):
        raise IndexError(f"Dimension out of range (expected to be in range of [-{max(x.ndim, 1)}, "
                         f"{max(x.ndim, 1) - 1}], but got {x.ndim})")
    K, dil, pad, stride = (_pair(v, n) for v, n in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                                     (padding, "padding"), (stride, "stride")))
    O = _blocks(x.shape[-2:], K, dil, pad, stride, "input with")
    return Im2Col.apply(input, (K, dil, pad, stride, O))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of ``unfold``: (N, C * kH * kW, L) blocks summed into a ``(N, C, *output_size)`` image."""
    x = input._data
    S, K, dil, pad, stride = (_pair(v, n) for v, n in ((output_size, "output_size"), (kernel_size, "kernel_size"),
                                                        (dilation, "dilation"), (padding, "padding"),
                                                        (stride, "stride")))
    if x.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(x.shape)}")
    c = x.shape[-2]
    if c % math.prod(K):
        raise RuntimeError(f"Expected size of input's dimension {x.ndim - 2} to be divisible by the product of "
                           f"kernel_size, but got input.size({x.ndim - 2})={c} and kernel_size={K}.")
    O = _blocks(S, K, dil, pad, stride, "output_size")
    if x.shape[-1] != math.prod(O):
        raise RuntimeError(f"Given output_size={S}, kernel_size={K}, dilation={dil}, padding={pad}, "
                           f"stride={stride}, expected size of input's dimension {x.ndim - 1} to match the "
                           f"calculated number of sliding blocks {O[0]} * {O[1]} = {math.prod(O)}, but got "
                           f"input.size({x.ndim - 1})={x.shape[-1]}.")
    return Col2Im.apply(input, (K, dil, pad, stride, O), S)
