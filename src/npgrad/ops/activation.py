"""Activation functions (``torch.nn.functional``'s, and the few torch also has at top level).

Each is one Function on arrays whose backward runs on arrays or Tensors. Piecewise ones send gradients with
``where`` (not a 0/1 mask product) so a NaN or inf upstream gradient stays out of the flat pieces, as torch's
``*_backward`` kernels do; exponentials are taken of ``where(x > 0, 0, x)`` so the unselected branch never
overflows (an inf there would turn into NaN in the double backward).
"""
import math

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

import npgrad as ng   # public ops, looked up at call time (their home modules are free to move)

from ..autograd.function import Function, dispatch
from .. import _tensor as _t
from .pointwise_special import _erf_erfc, _phi32, _gelu32, _gelu_dx32

__all__ = ["selu", "selu_", "celu", "celu_", "rrelu", "rrelu_", "threshold", "threshold_", "hardshrink", "prelu",
           "relu_"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT1_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _float_only(name, input):
    if not is_float_np(input._data.dtype):
        kind = {"i": "Long", "u": "Byte", "b": "Bool"}.get(input._data.dtype.kind, input._data.dtype.name)
        if input._data.dtype == np.int32:
            kind = "Int"
        raise NotImplementedError(f"\"{name}\" not implemented for '{kind}'")


def _sigmoid(x):
    """Stable sigmoid on arrays; the recorded op on Tensors (inside create_graph formulas)."""
    if not isinstance(x, _t.Tensor):
        return xp.exp(-xp.logaddexp(0, -x))
    return ng.sigmoid(x)


def _phi(x):
    """The standard normal CDF 0.5 (1 + erf(x / sqrt 2)) (exact GELU's gate). On float32 (and narrower) arrays:
    ops/pointwise_special's blocked float32 erf kernel (torch's float32 formula and ~1 ulp; 1 + erf rounds to
    0 below x ~ -5.4, as torch's does); on float64 arrays 0.5 erfc(-x / sqrt 2) (relative accuracy in the left
    tail); on Tensors (create_graph formulas) the recorded 0.5 erfc(-x / sqrt 2)."""
    if isinstance(x, _t.Tensor):
        return 0.5 * ng.erfc(x * -_SQRT1_2)
    if x.dtype == np.float64:
        return 0.5 * _erf_erfc(x * -_SQRT1_2, (False, True))[1]
    return _phi32(x.astype(np.float32, copy=False)).astype(x.dtype, copy=False)


def _gelu_dx(x, xp):
    """Exact GELU's derivative Phi(x) + x phi(x) (gelu_backward's factor). Written once below for float64 arrays
    and for Tensors under create_graph (xp = ctx.xp records it); float32 (and narrower) arrays take the same
    formula fused into one blocked float32 kernel pass (ops/pointwise_special._gelu_dx32_block)."""
    if not isinstance(x, _t.Tensor) and x.dtype != np.float64:
        return _gelu_dx32(x.astype(np.float32, copy=False)).astype(x.dtype, copy=False)
    return _phi(x) + x * (xp.exp(-0.5 * x * x) * _INV_SQRT_2PI)


def _gelu_exact(x, with_dx):
    """Exact GELU of an array and, when with_dx, its derivative factor (for grad * d), bit-equal to
    Gelu.forward's and Gelu.backward's (_gelu_dx) and sharing one erf: compiler/inline.py's inlined gelu."""
    if x.dtype == np.float64:
        cdf = _phi(x)
        out = x * cdf
        return out, (cdf + x * (xp.exp(-0.5 * x * x) * _INV_SQRT_2PI) if with_dx else None)
    x32 = x.astype(np.float32, copy=False)
    if not with_dx:
        return _gelu32(x32).astype(x.dtype, copy=False), None
    out, d = _gelu32(x32, True)
    return out.astype(x.dtype, copy=False), d.astype(x.dtype, copy=False)


def where(cond, a, b):
    return ng.where(cond, a, b)


def _keep(cond, grad):
    """``where(cond, grad, 0)``, branch-free on arrays when the gradient is finite (np.where on a random mask
    is ~20x slower than a multiply); ``+= 0.0`` turns the -0.0 of negative gradients times False into 0.0."""
    if type(grad) is np.ndarray and type(cond) is np.ndarray and xp.isfinite(grad).all():
        res = grad * cond
        res += 0.0
        return res
    return where(cond, grad, 0.0)


def _inplace_method(fn):
    from .pointwise import _inplace_method as make
    return make(fn)


def _nonpos(x):
    """``min(x, 0)`` that never takes a value from the positive side (safe inside exp, differentiable)."""
    return where(x > 0, 0.0, x)


class Hardtanh(Function):
    _builtin = True
    _ctx_fields = ("lo", "hi")

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.lo, ctx.hi = lo, hi
        ctx.save_for_backward(x)
        return xp.clip(x, lo, hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: hardtanh_backward(grad, self, min_val, max_val)   (0 at the bounds, as torch)
        x, = ctx.saved_tensors
        return _keep((x > ctx.lo) & (x < ctx.hi), grad), None, None


class LeakyRelu(Function):
    _builtin = True
    _ctx_fields = ("slope",)

    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        ctx.save_for_backward(x)
        return xp.where(x > 0, x, x * slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: leaky_relu_backward(grad, self, negative_slope, false)   (slope at 0)
        x, = ctx.saved_tensors
        if type(grad) is np.ndarray and xp.isfinite(grad).all():   # branch-free, as _keep
            return grad * ((x > 0) * (1 - ctx.slope) + ctx.slope).astype(grad.dtype, copy=False), None
        return where(x > 0, grad, grad * ctx.slope), None


class Elu(Function):
    """``scale * (x if x > 0 else alpha * (exp(input_scale * x) - 1))``: elu, selu and (as Celu) celu."""
    _builtin = True
    _ctx_fields = ("alpha", "scale", "iscale")

    @staticmethod
    def forward(ctx, x, alpha, scale, iscale):
        ctx.alpha, ctx.scale, ctx.iscale = alpha, scale, iscale
        ctx.save_for_backward(x)
        neg = xp.expm1(xp.minimum(x, 0) * iscale) * (alpha * scale)
        return xp.where(x > 0, x * scale, neg).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: elu_backward(grad, alpha, scale, input_scale, /* is_result */ false, self)
        xp = ctx.xp
        x, = ctx.saved_tensors
        neg = grad * (ctx.alpha * ctx.scale * ctx.iscale) * xp.exp(_nonpos(x) * ctx.iscale)
        return where(x > 0, grad * ctx.scale, neg), None, None, None


class Celu(Elu):
    pass


# in-place forms: torch's kernels differentiate through the result there, and name the node ...Backward1
class EluInplace(Elu):
    _node_name = "EluBackward1"


class CeluInplace(Elu):
    _node_name = "CeluBackward1"


class Gelu(Function):
    _builtin = True
    _ctx_fields = ("tanh",)

    @staticmethod
    def forward(ctx, x, tanh):
        ctx.tanh = tanh
        ctx.save_for_backward(x)
        if tanh:
            k = math.sqrt(2 / math.pi)
            return 0.5 * x * (1 + xp.tanh(k * (x + 0.044715 * x * x * x)))
        if x.dtype == np.float64:
            return x * _phi(x)
        # float32 in one blocked pass of the erf kernel; half, bfloat16 in float32, rounded once (as torch)
        return _gelu32(x.astype(np.float32, copy=False)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: gelu_backward(grad, self, approximate)
        xp = ctx.xp
        x, = ctx.saved_tensors
        if ctx.tanh:
            k = math.sqrt(2 / math.pi)
            t = xp.tanh(k * (x + 0.044715 * x * x * x))
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)), None
        return grad * _gelu_dx(x, xp), None  # cdf + x * pdf


class Silu(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _sigmoid(x)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * sigmoid(self) * (1 + self * (1 - sigmoid(self)))
        x, = ctx.saved_tensors
        s = _sigmoid(x)
        return grad * (s * (1 + x * (1 - s)))


class Mish(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * xp.tanh(xp.logaddexp(0, x))

    @staticmethod
    def backward(ctx, grad):
        # self: mish_backward(grad, self) = grad * (tanh(softplus(x)) + x * sigmoid(x) * (1 - tanh(softplus(x))^2))
        xp = ctx.xp
        x, = ctx.saved_tensors
        t = xp.tanh(-dispatch(LogSigmoid, -x))   # softplus(x) = -logsigmoid(-x)
        return grad * (t + x * _sigmoid(x) * (1 - t * t))


class Softplus(Function):
    _builtin = True
    _ctx_fields = ("beta", "threshold")

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(x)
        bx = x * beta
        # log(1 + exp(bx)) as logaddexp(0, bx): no overflow; linear only where beta*x > threshold (strictly)
        return xp.where(bx > threshold, x, xp.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: softplus_backward(grad, self, beta, threshold)
        x, = ctx.saved_tensors
        bx = x * ctx.beta
        return where(bx > ctx.threshold, grad, grad * _sigmoid(bx)), None, None


class LogSigmoid(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return -xp.logaddexp(0, -x)   # -softplus(-x): stable at any |x|

    @staticmethod
    def backward(ctx, grad):
        # self: log_sigmoid_backward(grad, self, buffer) = grad * sigmoid(-self)
        x, = ctx.saved_tensors
        return grad * _sigmoid(-x)


class Hardsigmoid(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return xp.clip(x + 3, 0, 6).astype(x.dtype, copy=False) / 6  # (bfloat16's clip returns float32)

    @staticmethod
    def backward(ctx, grad):
        # self: hardsigmoid_backward(grad, self) = grad / 6 on (-3, 3), else 0
        x, = ctx.saved_tensors
        return _keep((x > -3) & (x < 3), grad / 6)


class Hardswish(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * xp.clip(x + 3, 0, 6).astype(x.dtype, copy=False) / 6

    @staticmethod
    def backward(ctx, grad):
        # self: hardswish_backward(grad, self): 0 for x <= -3, grad for x >= 3, grad * (x / 3 + 0.5) between
        x, = ctx.saved_tensors
        return where(x <= -3, 0.0, where(x < 3, grad * (x / 3 + 0.5), grad))


class Softshrink(Function):
    _builtin = True
    _ctx_fields = ("lambd",)

    @staticmethod
    def forward(ctx, x, lambd):
        ctx.lambd = lambd
        ctx.save_for_backward(x)
        return xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, 0)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: softshrink_backward(grad, self, lambd)
        x, = ctx.saved_tensors
        return _keep((x > ctx.lambd) | (x < -ctx.lambd), grad), None


class Hardshrink(Function):
    _builtin = True
    _ctx_fields = ("lambd",)

    @staticmethod
    def forward(ctx, x, lambd):
        ctx.lambd = lambd
        ctx.save_for_backward(x)
        return xp.where((x > lambd) | (x < -lambd), x, 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: hardshrink_backward(grad, self, lambd)
        x, = ctx.saved_tensors
        return _keep((x > ctx.lambd) | (x < -ctx.lambd), grad), None


class Threshold(Function):
    _builtin = True
    _ctx_fields = ("threshold",)

    @staticmethod
    def forward(ctx, x, threshold, value):
        ctx.threshold = threshold
        ctx.save_for_backward(x)
        return xp.where(x > threshold, x, value).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: threshold_backward(grad, self, threshold)
        x, = ctx.saved_tensors
        return _keep(x > ctx.threshold, grad), None, None


class Glu(Function):
    _builtin = True
    _ctx_fields = ("dim",)

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        ctx.save_for_backward(x)
        a, b = xp.split(x, 2, axis=dim)
        return a * _sigmoid(b)

    @staticmethod
    def backward(ctx, grad):
        # self: glu_backward(grad, self, dim) = cat([grad * sigmoid(b), grad * a * sigmoid(b) * (1 - sigmoid(b))])
        xp = ctx.xp
        x, = ctx.saved_tensors
        h = x.shape[ctx.dim] // 2
        idx = [slice(None)] * x.ndim
        idx[ctx.dim] = slice(None, h)
        a = x[tuple(idx)]
        idx[ctx.dim] = slice(h, None)
        s = _sigmoid(x[tuple(idx)])
        return xp.concatenate([grad * s, grad * a * s * (1 - s)], axis=ctx.dim), None


class Prelu(Function):
    """``x if x > 0 else w * x`` with one weight per channel (dim 1) or one shared weight."""
    _builtin = True
    _node_name = "PreluKernelBackward0"
    _ctx_fields = ("wshape",)

    @staticmethod
    def forward(ctx, x, w):
        ctx.wshape = w.shape
        ctx.save_for_backward(x, w)
        return xp.where(x > 0, x, _channel_view(w, x.ndim) * x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self, weight: _prelu_kernel_backward(grad, self, weight)
        xp = ctx.xp
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        wv = _channel_view(w, x.ndim)
        gx = where(x > 0, grad, grad * wv) if need[0] else None
        gw = None
        if need[1]:
            gw = where(x > 0, 0.0, grad * x)
            if math.prod(ctx.wshape) == 1:
                gw = xp.sum(gw).reshape(ctx.wshape)
            else:
                gw = xp.sum(gw, axis=(0,) + tuple(range(2, x.ndim)))
        return gx, gw


def _channel_view(w, ndim):
    if math.prod(w.shape) == 1 or ndim < 2:   # (w may be a Tensor, whose .size is a method)
        return w.reshape(())
    return w.reshape((1, -1) + (1,) * (ndim - 2))


class RreluWithNoise(Function):
    _builtin = True
    _ctx_fields = ("lower", "upper", "training")

    @staticmethod
    def forward(ctx, x, noise, lower, upper, training):
        ctx.save_for_backward(noise)
        ctx.lower, ctx.upper, ctx.training = lower, upper, training
        return x * noise

    @staticmethod
    def backward(ctx, grad):
        # self: rrelu_with_noise_backward(grad, self, noise, lower, upper, training, false) = grad * noise
        noise, = ctx.saved_tensors
        return grad * noise, None, None, None, None


# ---------------------------------------------------------------------------------------------- functions
class LeakyReluInplace(LeakyRelu):
    _node_name = "LeakyReluBackward1"


class ThresholdInplace(Threshold):
    _node_name = "ThresholdBackward1"


class RreluWithNoiseInplace(RreluWithNoise):
    _node_name = "RreluWithNoiseBackward1"


def _inplace(fn, input, *args):
    """``fn(input, ...)`` written into ``input`` (the F-level ``inplace=True``)."""
    return _inplace_method(fn)(input, *args)


def relu(input, inplace=False):
    return _inplace(ng.relu, input) if inplace else ng.relu(input)


def relu_(input):
    return _inplace(ng.relu, input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return _inplace(hardtanh, input, min_val, max_val)
    return Hardtanh.apply(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    _float_only("leaky_relu_cpu", input)
    if inplace:
        return _inplace(lambda t: LeakyReluInplace.apply(t, negative_slope), input)
    return LeakyRelu.apply(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def elu(input, alpha=1.0, inplace=False):
    _float_only("elu_cpu", input)
    if inplace:
        return _inplace(lambda t: EluInplace.apply(t, alpha, 1.0, 1.0), input)
    return Elu.apply(input, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


def selu(input, inplace=False):
    _float_only("elu_cpu", input)
    if inplace:
        return _inplace(lambda t: EluInplace.apply(t, _SELU_ALPHA, _SELU_SCALE, 1.0), input)
    return Elu.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):
    return selu(input, True)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    _float_only("elu_cpu", input)
    if inplace:
        return _inplace(lambda t: CeluInplace.apply(t, alpha, 1.0, 1.0 / alpha), input)
    return Celu.apply(input, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, True)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_only("GeluKernelImpl", input)
    return Gelu.apply(input, approximate == "tanh")


def silu(input, inplace=False):
    if inplace:
        return _inplace(silu, input)
    _float_only("silu_cpu", input)
    return Silu.apply(input)


def mish(input, inplace=False):
    if inplace:
        return _inplace(mish, input)
    _float_only("mish_cpu", input)
    return Mish.apply(input)


def softplus(input, beta=1.0, threshold=20.0):
    _float_only("softplus_cpu", input)
    return Softplus.apply(input, beta, threshold)


def logsigmoid(input):
    _float_only("log_sigmoid_cpu", input)
    return LogSigmoid.apply(input)


def hardsigmoid(input, inplace=False):
    if inplace:
        return _inplace(hardsigmoid, input)
    _float_only("hardsigmoid_cpu", input)
    return Hardsigmoid.apply(input)


def hardswish(input, inplace=False):
    if inplace:
        return _inplace(hardswish, input)
    _float_only("hardswish_cpu", input)
    return Hardswish.apply(input)


def softsign(input):
    """``x / (1 + |x|)``: a composite, as in torch (``DivBackward0``)."""
    return input / (ng.abs(input) + 1)


def tanhshrink(input):
    """``x - tanh(x)``: a composite, as in torch (``SubBackward0``)."""
    return input - ng.tanh(input)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    _float_only("softshrink_check", input)
    return Softshrink.apply(input, lambd)


def hardshrink(input, lambd=0.5):
    """Hard shrinkage of each element: values within ``[-lambd, lambd]`` become 0, the others are kept.

    ``out_i = input_i if |input_i| > lambd else 0``; the same as ``nn.functional.hardshrink``.

    Args:
        input (Tensor): the input tensor. (floating point)
        lambd (float, optional): the threshold (default 0.5).

    Returns:
        Tensor: ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.hardshrink(torch.tensor([-1.0, -0.3, 0.2, 0.8]))
        tensor([-1.0000,  0.0000,  0.0000,  0.8000])
        >>> torch.hardshrink(torch.tensor([-1.0, 0.8]), 0.9)
        tensor([-1.,  0.])
    """
    _float_only("hardshrink_cpu", input)
    return Hardshrink.apply(input, lambd)


def _threshold(input, threshold, value):
    return ThresholdInplace.apply(input, threshold, value)


def threshold(input, threshold, value, inplace=False):
    """Thresholds each element: values greater than ``threshold`` are kept, the others replaced by ``value``.

    ``out_i = input_i if input_i > threshold else value``; the same as ``nn.functional.threshold``.

    Args:
        input (Tensor): the input tensor.
        threshold (float): the threshold.
        value (float): the replacement.
        inplace (bool, optional): overwrite ``input`` and return it (default False).

    Returns:
        Tensor: ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.threshold(torch.tensor([-1.0, 0.5, 2.0]), 0.5, -9.0)
        tensor([-9., -9.,  2.])
    """
    return _inplace(_threshold, input, threshold, value) if inplace else Threshold.apply(input, threshold, value)


def threshold_(input, threshold, value):
    return _inplace(_threshold, input, threshold, value)


def glu(input, dim=-1):
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    from .._shape import norm_dim
    d = norm_dim(dim, nd)
    if input._data.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input._data.shape[d]}")
    _float_only("glu", input)
    return Glu.apply(input, d)


def prelu(input, weight):
    x, w = input._data, weight._data
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size != 1 and w.size != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{w.size} and channel size = {channels}.")
    if w.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {w.ndim}")
    return Prelu.apply(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False, generator=None):
    """Randomised leaky ReLU: a slope drawn from U(lower, upper) per negative element in training, else the
    mean slope. Draws come from npgrad's generator (not torch's stream)."""
    _float_only("rrelu_with_noise", input)
    x = input._data
    if training:
        from ..random import rng
        slopes = rng(generator).uniform(lower, upper, x.shape).astype(x.dtype)
    else:
        slopes = xp.asarray((lower + upper) / 2, x.dtype)
    noise = xp.where(x > 0, xp.ones((), x.dtype), slopes).astype(x.dtype)
    if inplace:
        return _inplace(lambda t: RreluWithNoiseInplace.apply(t, noise, lower, upper, bool(training)), input)
    return RreluWithNoise.apply(input, noise, lower, upper, bool(training))


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return rrelu(input, lower, upper, training, True, generator)
