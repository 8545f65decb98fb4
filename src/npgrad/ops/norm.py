"""Normalisation: batch_norm, layer_norm, group_norm (fused, as torch's native_* ops), instance_norm, rms_norm,
local_response_norm, and the vector helpers normalize, cosine_similarity, pairwise_distance.

The fused backward is the closed form (with ``xhat`` the normalised input, ``invstd = 1/sqrt(var + eps)`` and
means over the normalised axes): ``dx = invstd * (g' - mean(g') - xhat * mean(g' * xhat))``, ``g' = grad * w``.
A plain backward uses the statistics saved by forward; under ``create_graph`` they are recomputed from the
input Tensor so that second derivatives see their dependence on it.
"""
import numpy as np
from .._xp import xp, xp_of

import npgrad as ng   # public ops, looked up at call time

from ..autograd.function import Function
from .. import _tensor as _t

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm", "cosine_similarity",
           "pairwise_distance", "native_batch_norm", "native_layer_norm"]


def _stats(x, axes, eps):
    xp = xp_of(x)  # NumPy, or txp on Tensors (create_graph)
    mean = xp.mean(x, axis=axes, keepdims=True)
    xc = x - mean
    var = xp.mean(xc * xc, axis=axes, keepdims=True)
    return mean, 1 / xp.sqrt(var + eps)


def _input_grad(gxhat, xhat, invstd, axes):
    """d/dx of normalise-with-batch-statistics, given the gradient with respect to ``xhat``."""
    xp = xp_of(gxhat)  # NumPy, or txp on Tensors (create_graph)
    return invstd * (gxhat - xp.mean(gxhat, axis=axes, keepdims=True)
                     - xhat * xp.mean(gxhat * xhat, axis=axes, keepdims=True))


def _acc_dtype(x):
    return np.float32 if x.dtype.itemsize == 2 and x.dtype.kind in "fV" else x.dtype  # float16/bfloat16: float32 statistics


class NativeBatchNorm(Function):
    """Normalise over (N, *spatial) per channel; training: batch statistics (and the running-stat update in
    place), eval: running statistics."""
    _builtin = True
    _ctx_fields = ("training", "eps", "axes", "cshape")

    @staticmethod
    def forward(ctx, x, w, b, rm, rv, training, momentum, eps):
        axes = (0,) + tuple(range(2, x.ndim))
        cshape = (1, -1) + (1,) * (x.ndim - 2)
        ctx.training, ctx.eps, ctx.axes, ctx.cshape = training, eps, axes, cshape
        xf = x.astype(_acc_dtype(x), copy=False)
        if training:
            mean, invstd = _stats(xf, axes, eps)
            if rm is not None or rv is not None:
                n = x.size // x.shape[1]
                if rm is not None:
                    rm *= 1 - momentum
                    rm += (momentum * mean.reshape(-1)).astype(rm.dtype, copy=False)
                if rv is not None:
                    var = (1 / (invstd * invstd) - eps).reshape(-1) * (n / max(n - 1, 1))
                    rv *= 1 - momentum
                    rv += (momentum * var).astype(rv.dtype, copy=False)
        else:
            mean = rm.reshape(cshape).astype(xf.dtype)  # a copy: changing running_mean later must not reach backward
            invstd = (1 / xp.sqrt(rv.reshape(cshape) + eps)).astype(xf.dtype, copy=False)
        y = (xf - mean) * invstd
        if w is not None:
            y = y * w.reshape(cshape)
        if b is not None:
            y = y + b.reshape(cshape)
        ctx.save_for_backward(x, w, mean, invstd)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # input, weight, bias: native_batch_norm_backward(grad, input, weight, running_mean, running_var,
        #                                                 result1, result2, training, eps, grad_input_mask)
        xp = ctx.xp
        x, w, mean, invstd = ctx.saved_tensors
        need = ctx.needs_input_grad
        axes, cshape = ctx.axes, ctx.cshape
        if ctx.training and not isinstance(x, np.ndarray):   # create_graph: statistics as functions of x
            mean, invstd = _stats(x, axes, ctx.eps)
        xhat = (x - mean) * invstd
        gx = gw = gb = None
        if need[0]:
            gxhat = grad if w is None else grad * w.reshape(cshape)
            gx = _input_grad(gxhat, xhat, invstd, axes) if ctx.training else gxhat * invstd
        if w is not None and need[1]:
            gw = xp.sum(grad * xhat, axis=axes)
        if len(need) > 2 and need[2]:
            gb = xp.sum(grad, axis=axes)
        return gx, gw, gb, None, None, None, None, None


class NativeLayerNorm(Function):
    _builtin = True
    _ctx_fields = ("eps", "axes", "lead")

    @staticmethod
    def forward(ctx, x, k, w, b, eps):
        axes = tuple(range(x.ndim - k, x.ndim))
        ctx.eps, ctx.axes, ctx.lead = eps, axes, tuple(range(x.ndim - k))
        xf = x.astype(_acc_dtype(x), copy=False)
        mean, invstd = _stats(xf, axes, eps)
        y = (xf - mean) * invstd
        if w is not None:
            y = y * w
        if b is not None:
            y = y + b
        ctx.save_for_backward(x, w, mean, invstd)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # input, weight, bias: native_layer_norm_backward(grad, input, normalized_shape, result1, result2,
        #                                                 weight, bias, grad_input_mask)
        xp = ctx.xp
        x, w, mean, invstd = ctx.saved_tensors
        need = ctx.needs_input_grad
        if not isinstance(x, np.ndarray):
            mean, invstd = _stats(x, ctx.axes, ctx.eps)
        xhat = (x - mean) * invstd
        gx = gw = gb = None
        if need[0]:
            gx = _input_grad(grad if w is None else grad * w, xhat, invstd, ctx.axes)
        if w is not None and need[2]:
            gw = xp.sum(grad * xhat, axis=ctx.lead) if ctx.lead else grad * xhat
        if len(need) > 3 and need[3]:
            gb = xp.sum(grad, axis=ctx.lead) if ctx.lead else grad
        return gx, None, gw, gb, None


class NativeGroupNorm(Function):
    _builtin = True
    _ctx_fields = ("eps", "groups", "cshape")

    @staticmethod
    def forward(ctx, x, w, b, groups, eps):
        ctx.eps, ctx.groups = eps, groups
        ctx.cshape = (1, -1) + (1,) * (x.ndim - 2)
        xf = x.astype(_acc_dtype(x), copy=False)
        xr = xf.reshape(x.shape[0], groups, -1)
        mean, invstd = _stats(xr, (2,), eps)
        y = ((xr - mean) * invstd).reshape(x.shape)
        if w is not None:
            y = y * w.reshape(ctx.cshape)
        if b is not None:
            y = y + b.reshape(ctx.cshape)
        ctx.save_for_backward(x, w, mean, invstd)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # input, weight, bias: native_group_norm_backward(grad, input, result1, result2, weight, N, C, HxW,
        #                                                 group, grad_input_mask)
        xp = ctx.xp
        x, w, mean, invstd = ctx.saved_tensors
        need = ctx.needs_input_grad
        shape = x.shape
        xr = x.reshape(shape[0], ctx.groups, -1)
        if not isinstance(x, np.ndarray):
            mean, invstd = _stats(xr, (2,), ctx.eps)
        xhat = ((xr - mean) * invstd).reshape(shape)
        axes = (0,) + tuple(range(2, len(shape)))
        gx = gw = gb = None
        if need[0]:
            gxhat = (grad if w is None else grad * w.reshape(ctx.cshape)).reshape(shape[0], ctx.groups, -1)
            gx = _input_grad(gxhat, xhat.reshape(shape[0], ctx.groups, -1), invstd, (2,)).reshape(shape)
        if w is not None and need[1]:
            gw = xp.sum(grad * xhat, axis=axes)
        if len(need) > 2 and need[2]:
            gb = xp.sum(grad, axis=axes)
        return gx, gw, gb, None, None


# ---------------------------------------------------------------------------------------------- functions
def _check_param(name, t, n):
    if t is not None and t._data.size != n:
        raise RuntimeError(f"{name} should contain {n} elements not {t._data.size}")


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled=True):
    """``torch.batch_norm`` (aten's argument order); ``nn.functional.batch_norm`` reorders onto this.

    Args:
        input (Tensor): the input tensor.
        weight (Tensor or None): the per-channel scale ``(C,)``.
        bias (Tensor or None): the per-channel shift ``(C,)``.
        running_mean (Tensor or None): the running mean, updated in place in training.
        running_var (Tensor or None): the running variance, updated in place in training.
        training (bool): use the batch's statistics (or apply dropout) as in training.
        momentum (float): the running statistics' update factor.
        eps (float): added to the variance for stability.
        cudnn_enabled (bool, optional): accepted for torch's signature; npgrad has no cuDNN.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1.0, 2.0], [3.0, 6.0]])
        >>> torch.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
    """
    x = input._data
    if x.ndim < 2:
        raise ValueError(f"Expected 2D or higher input (got {x.ndim}D input)")
    c = x.shape[1]
    if training:
        if x.size // c <= 1 if c else False:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"torch.Size({list(x.shape)})")
    elif running_mean is None or running_var is None:
        raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be defined in evaluation "
                           f"mode")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _check_param(name, t, c)
    if momentum is None:
        raise TypeError("batch_norm(): argument 'momentum' (position 7) must be float, not NoneType")
    return NativeBatchNorm.apply(input, weight, bias, running_mean, running_var, bool(training), float(momentum),
                                 float(eps))


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Batch normalization over dim 1, returning the batch statistics too (the kernel behind
    ``nn.functional.batch_norm``).

    Args:
        input (Tensor): an ``(N, C, *)`` tensor.
        weight (Tensor or None): the per-channel scale ``(C,)``.
        bias (Tensor or None): the per-channel shift ``(C,)``.
        running_mean (Tensor or None): updated in place in training.
        running_var (Tensor or None): updated in place in training (with the unbiased variance).
        training (bool): normalize by the batch's statistics (True) or the running ones (False).
        momentum (float): the running statistics' update factor.
        eps (float): added to the variance for stability.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        tuple of Tensors: ``(output, save_mean, save_invstd)``: the normalized input, and in training the batch mean
            and ``1 / sqrt(var + eps)`` per channel.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1.0, 2.0], [3.0, 6.0]])
        >>> out, mean, invstd = torch.native_batch_norm(x, None, None, None, None, True, 0.1, 1e-5)
        >>> out
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> mean
        tensor([2., 4.])
    """
    out = batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)
    x = input._data.astype(_acc_dtype(input._data))
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        mean, invstd = _stats(x, axes, eps)
        return out, _t.make(mean.reshape(-1)), _t.make(invstd.reshape(-1))
    return out, _t.make(xp.zeros(0, x.dtype)), _t.make(xp.zeros(0, x.dtype))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    """Normalise over the trailing ``normalized_shape`` dims, then scale and shift elementwise."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    x = input._data
    k = len(shape)
    if k == 0 or x.ndim < k or x.shape[x.ndim - k:] != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(x.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.shape != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t._data.shape)} and normalized_shape = {list(shape)}")
    return NativeLayerNorm.apply(input, k, weight, bias, float(eps))


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """Layer normalization over the last dims, returning the statistics too (the kernel behind
    ``nn.functional.layer_norm``).

    Args:
        input (Tensor): the input tensor.
        normalized_shape (tuple of ints): the trailing shape to normalize over.
        weight (Tensor or None): the elementwise scale.
        bias (Tensor or None): the elementwise shift.
        eps (float): added to the variance for stability.

    Returns:
        tuple of Tensors: ``(output, mean, rstd)``; ``mean`` and ``rstd`` keep the normalized dims as size 1.

    Example:
        >>> import npgrad as torch
        >>> out, mean, rstd = torch.native_layer_norm(torch.tensor([[1.0, 3.0], [2.0, 2.0]]), (2,), None, None, 1e-5)
        >>> out
        tensor([[-1.0000,  1.0000],
                [ 0.0000,  0.0000]])
        >>> mean
        tensor([[2.],
                [2.]])
    """
    out = layer_norm(input, normalized_shape, weight, bias, eps)
    k = len(normalized_shape)
    x = input._data.astype(_acc_dtype(input._data))
    mean, invstd = _stats(x, tuple(range(x.ndim - k, x.ndim)), eps)
    return out, _t.make(mean), _t.make(invstd)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    c = x.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(x.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t._data.ndim != 1 or t._data.size != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t._data.shape)} and input of shape {list(x.shape)}")
    return NativeGroupNorm.apply(input, weight, bias, int(num_groups), float(eps))


def instance_norm(input, weight=None, bias=None, running_mean=None, running_var=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5, cudnn_enabled=True):
    """``torch.instance_norm`` (aten order): batch_norm of the ``(1, N*C, *)`` view, so each sample's channels get
    their own statistics; the running stats are updated with the mean over the batch (then copied in place).

    Args:
        input (Tensor): the input tensor.
        weight (Tensor, optional): the per-channel scale ``(C,)``.
        bias (Tensor, optional): the per-channel shift ``(C,)``.
        running_mean (Tensor or None): the running mean, updated in place in training.
        running_var (Tensor or None): the running variance, updated in place in training.
        use_input_stats (bool, optional): normalize by each instance's own statistics (default True).
        momentum (float, optional): the running statistics' update factor (default 0.1).
        eps (float, optional): added to the variance (default 1e-05).
        cudnn_enabled (bool, optional): accepted for torch's signature; npgrad has no cuDNN.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[[1., 2., 3.], [0., 0., 6.]]])
        >>> torch.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[[-1.2247,  0.0000,  1.2247],
                 [-0.7071, -0.7071,  1.4142]]])
    """
    x = input._data
    n, c = x.shape[:2]
    if use_input_stats and x.size // (n * c) <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({list(x.shape)})")
    w = None if weight is None else _tile(weight, n)
    b = None if bias is None else _tile(bias, n)
    rm = None if running_mean is None else _t.make(xp.tile(running_mean._data, n))
    rv = None if running_var is None else _t.make(xp.tile(running_var._data, n))
    out = batch_norm(input.reshape((1, n * c) + x.shape[2:]), w, b, rm, rv, use_input_stats, momentum, eps)
    for run, rep in ((running_mean, rm), (running_var, rv)):
        if run is not None:
            run._data[...] = rep._data.reshape(n, c).mean(0).astype(run._data.dtype)
            run._vc[0] += 1
    return out.reshape(x.shape)


def _tile(t, n):
    """``t.repeat(n)`` recorded on the graph (a broadcast then a reshape) so its gradient sums back."""
    return t.unsqueeze(0).expand((n,) + t._data.shape).reshape(n * t._data.size)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x * rsqrt(mean(x^2) + eps) * weight`` over the trailing dims: a composite, as torch (MulBackward0)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    x = input._data
    k = len(shape)
    if x.ndim < k or x.shape[x.ndim - k:] != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(x.shape)}")
    low = x.dtype.itemsize == 2 and x.dtype.kind in "fV"  # float16/bfloat16: torch computes in float32 and
    if low:                                                # casts the result back (ToCopyBackward0)
        input_dtype, input = input.dtype, input.float()
    if eps is None:
        eps = float(np.finfo(np.float32 if low else x.dtype).eps)
    dims = tuple(range(-k, 0))
    out = input * ng.rsqrt(ng.mean(input ** 2, dims, keepdim=True) + eps)
    out = out if weight is None else out * weight
    return out.to(input_dtype) if low else out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Divide each element by (k + alpha * mean of squares over ``size`` neighbouring channels) ** beta."""
    from .pool import avg_pool2d, avg_pool3d
    from .sampling import pad
    x = input._data
    if x.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {x.ndim} dimensions)")
    if x.size == 0:
        return input
    sq = input * input
    if x.ndim == 3:
        div = pad(sq.unsqueeze(1), (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        div = sq.reshape(x.shape[0], 1, x.shape[1], x.shape[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1).reshape(x.shape)
    return input / (div * alpha + k) ** beta


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """``input / max(||input||_p over dim, eps)``: a composite, as torch (DivBackward0)."""
    n = ng.clamp_min(ng.norm(input, p, dim, keepdim=True), eps)
    return input / n.expand(input._data.shape)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcast first). Each norm is clamped to
    ``eps`` in value only: torch clamps it under no_grad, so its gradient is the unclamped norm's."""
    shape = xp.broadcast_shapes(x1._data.shape, x2._data.shape)
    a, b = x1.expand(shape), x2.expand(shape)
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected common dtype for inputs, got {x1.dtype} and {x2.dtype}")

    def unit(v):
        n = ng.norm(v, 2, dim, keepdim=True)
        with np.errstate(all="ignore"):  # inf - inf is NaN, silently as in torch
            bump = xp.maximum(n._data, eps) - n._data   # the clamp, as a constant shift of the value
        return v / (n + _t.make(bump))

    return ng.sum(unit(a) * unit(b), dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dim (torch's definition, eps inside the norm)."""
    nd = max(x1._data.ndim, x2._data.ndim)
    return ng.norm(x1 - x2 + eps, p, -1 if nd else None, keepdim=keepdim)
