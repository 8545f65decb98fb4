"""Random sampling into and from tensors: the in-place fills ``uniform_``, ``normal_``, ``bernoulli_``,
``random_``, ``exponential_``, ``cauchy_``, ``log_normal_``, ``geometric_``, and ``multinomial``, ``bernoulli``,
``poisson``.

Draws come from npgrad's own stream (``generator=`` or the default generator, NumPy's PCG64): the same seed gives
reproducible npgrad values, with torch's distributions, not torch's numbers. As in torch, a fill records a node
(``UniformBackward0``...) whose gradient is zero: the old values are gone, and the draw does not depend on them.

>>> import npgrad
>>> w = npgrad.empty(2, 3)
>>> _ = w.uniform_(-0.1, 0.1)
>>> bool(((w >= -0.1) & (w < 0.1)).all())
True
"""
import math

import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function
from .. import _tensor as _t
from ..random import rng as _rng
from .pointwise import zeros_of, TYPE_NAMES
from .inplace import _inplace_method

__all__ = ["multinomial", "bernoulli", "poisson"]


def _fmt(v):
    """A number as torch prints it in these messages (``2``, not ``2.0``)."""
    return f"{v:g}" if isinstance(v, float) else str(v)


def _float_kernel(kernel, dtype):
    if not is_float_np(dtype):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{TYPE_NAMES[dtype.name]}\'')


def _draw_dtype(dtype):
    return np.float64 if dtype == np.float64 else np.float32


# ---------------------------------------------------------------------------------------------- the fills
class _Fill(Function):
    """A draw that replaces the tensor's values: forward gets the new values ready-made, backward is zero."""
    _builtin = True

    @staticmethod
    def forward(ctx, a, values):
        return values.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return zeros_of(grad), None


def _node(name):
    return type(name, (_Fill,), {"_node_name": name + "Backward0"})


Uniform, Normal, Exponential, Cauchy, LogNormal, Geometric = (_node(n) for n in (
    "Uniform", "Normal", "Exponential", "Cauchy", "LogNormal", "Geometric"))
RandomFrom = type("Random", (_Fill,), {"_node_name": "RandomBackward0"})
RandomTo = type("Random", (_Fill,), {"_node_name": "RandomBackward1"})
RandomFull = type("Random", (_Fill,), {"_node_name": "RandomBackward2"})
BernoulliTensorP = type("Bernoulli", (_Fill,), {"_node_name": "BernoulliBackward1"})
BernoulliFloatP = type("Bernoulli", (_Fill,), {"_node_name": "BernoulliBackward2"})


def _uniform(self, from_=0.0, to=1.0, *, generator=None):
    dt = self._data.dtype
    _float_kernel("check_uniform_bounds", dt)
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_fmt(from_)} > "
                           f"to={_fmt(to)}")
    u = _rng(generator).random(self._data.shape, dtype=_draw_dtype(dt))
    return Uniform.apply(self, from_ + (to - from_) * u)


def _normal(self, mean=0.0, std=1.0, *, generator=None):
    dt = self._data.dtype
    _float_kernel("normal_kernel_cpu", dt)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    z = _rng(generator).standard_normal(self._data.shape, dtype=_draw_dtype(dt))
    return Normal.apply(self, mean + std * z)


def _exponential(self, lambd=1.0, *, generator=None):
    dt = self._data.dtype
    if not is_float_np(dt):
        raise RuntimeError(f"Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {TYPE_NAMES[dt.name]}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    e = _rng(generator).standard_exponential(self._data.shape, dtype=_draw_dtype(dt))
    return Exponential.apply(self, e / lambd)


def _cauchy(self, median=0.0, sigma=1.0, *, generator=None):
    dt = self._data.dtype
    _float_kernel("cauchy_cpu", dt)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    u = _rng(generator).random(self._data.shape)
    return Cauchy.apply(self, median + sigma * xp.tan(np.pi * (u - 0.5)))


def _log_normal(self, mean=1.0, std=2.0, *, generator=None):
    dt = self._data.dtype
    _float_kernel("log_normal_cpu", dt)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    z = _rng(generator).standard_normal(self._data.shape)
    return LogNormal.apply(self, xp.exp(mean + std * z))


def _geometric(self, p, *, generator=None):
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    # the number of Bernoulli(p) trials up to and including the first success: 1, 2, ...
    return Geometric.apply(self, _rng(generator).geometric(p, self._data.shape))


def _bernoulli_fill(self, p=0.5, *, generator=None):
    shape = self._data.shape
    if isinstance(p, _t.Tensor):
        pa = p._data
        if xp.any((pa < 0) | (pa > 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        u = _rng(generator).random(shape)
        return BernoulliTensorP.apply(self, u < xp.broadcast_to(pa, shape))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    return BernoulliFloatP.apply(self, _rng(generator).random(shape) < p)


# the largest integer each dtype represents exactly, the default upper end of ``random_()``
_RANDOM_TOP = {"float16": 2 ** 11 + 1, "bfloat16": 2 ** 8 + 1, "float32": 2 ** 24 + 1, "float64": 2 ** 53 + 1, "bool": 2}


def _random(self, from_=None, to=None, *, generator=None):
    dt = self._data.dtype
    node = RandomFull
    if from_ is None and to is None:
        lo, hi = 0, _RANDOM_TOP.get(dt.name) or int(np.iinfo(dt).max) + 1
    elif to is None:  # random_(to)
        lo, hi, node = 0, from_, RandomTo
    elif from_ is None:  # random_(to=...)
        lo, hi, node = 0, to, RandomTo
    else:
        lo, hi, node = from_, to, RandomFrom
    if lo >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    if dt.kind in "iu" and lo < np.iinfo(dt).min:
        name = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
                "int64": "long"}[dt.name]
        raise RuntimeError(f"from is out of bounds for {name}")
    # two draws combine for ranges past int64 (``random_()`` on int64 spans [0, 2**63))
    vals = _rng(generator).integers(lo, hi, size=self._data.shape, dtype=np.int64 if hi <= 2 ** 63 else object)
    return node.apply(self, xp.asarray(vals).astype(dt) if dt.kind != "b" else xp.asarray(vals) != 0)


_FILLS = [("uniform", _uniform), ("normal", _normal), ("exponential", _exponential), ("cauchy", _cauchy),
          ("log_normal", _log_normal), ("geometric", _geometric), ("bernoulli", _bernoulli_fill),
          ("random", _random)]
for _name, _fn in _FILLS:
    _fn.__name__ = _name


# ---------------------------------------------------------------------------------------------- sampling ops
class Bernoulli(Function):
    """``bernoulli(p)``: 0/1 draws in ``p``'s dtype. The draw is not differentiable in ``p``: gradient zero."""
    _builtin = True

    @staticmethod
    def forward(ctx, p, values):
        return values.astype(p.dtype)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return zeros_of(grad), None


class NoDerivative(Function):
    """An op torch records but has no derivative for (``bernoulli(x, p)``, ``heaviside``): backward raises.
    forward receives the finished values and the op's name."""
    _builtin = True
    _node_name = "NotImplemented"  # torch's node class; its name() carries the C++ namespace
    _node_methods = {"name": lambda self: "torch::autograd::NotImplemented"}
    _ctx_fields = ("op",)

    @staticmethod
    def forward(ctx, a, values, op):
        ctx.op = op
        return values

    @staticmethod
    def backward(ctx, grad):
        # not implemented in torch either
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented")


class Poisson(Bernoulli):
    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(self)
        return zeros_of(grad), None


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws: ``bernoulli(probs)`` uses each element as its probability, ``bernoulli(x, p)`` uses ``p``.

    Args:
        input (Tensor): the probabilities (or, with ``p``, only the shape and dtype).
        p (float, optional): one probability for every element.
        generator (npgrad.Generator, optional): the random number generator to draw from.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> d = torch.bernoulli(torch.tensor([0.0, 1.0, 0.0, 1.0]))
        >>> d
        tensor([0., 1., 0., 1.])
        >>> torch.bernoulli(torch.full((1000,), 0.5)).mean().item() > 0.4
        True
    """
    if out is not None:
        raise TypeError("bernoulli(): out= is not supported by npgrad")
    a = input._data
    u = _rng(generator).random(a.shape)
    if p is not None:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
        return NoDerivative.apply(input, (u < p).astype(a.dtype), "bernoulli")
    if not is_float_np(a.dtype):
        raise NotImplementedError(f'"bernoulli_tensor_cpu_self_" not implemented for \'{TYPE_NAMES[a.dtype.name]}\'')
    if xp.any(~((a >= 0) & (a <= 1))):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    return Bernoulli.apply(input, u < a)


def poisson(input, generator=None):
    """Poisson draws with rates ``input`` (non-negative), in ``input``'s dtype.

    Args:
        input (Tensor): the rates (non-negative).
        generator (npgrad.Generator, optional): the random number generator to draw from.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.poisson(torch.zeros(3))
        tensor([0., 0., 0.])
        >>> torch.poisson(torch.full((1000,), 4.0)).mean().item() > 3.5
        True
    """
    a = input._data
    if not is_float_np(a.dtype):
        raise NotImplementedError(f'"poisson_cpu" not implemented for \'{TYPE_NAMES[a.dtype.name]}\'')
    if xp.any(~(a >= 0)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return Poisson.apply(input, _rng(generator).poisson(a.astype(np.float64)))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Category indices drawn from the rows of ``input`` (non-negative weights, 1-D or 2-D), int64.

    Without replacement this takes the ``num_samples`` smallest of ``E_i / w_i`` (``E_i`` standard exponential),
    which draws categories one after another proportionally to the remaining weights, as torch does.

    Args:
        input (Tensor): non-negative weights, 1-D or one row per distribution.
        num_samples (int): how many draws per row.
        replacement (bool, optional): draw with replacement (default False).
        generator (npgrad.Generator, optional): the random number generator to draw from.
        out (Tensor, optional): the tensor to write the result into.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> torch.multinomial(torch.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
        tensor([1, 1])
        >>> torch.multinomial(torch.tensor([1.0, 1.0, 1.0]), 3).sort().values
        tensor([0, 1, 2])
    """
    if out is not None:
        raise TypeError("multinomial(): out= is not supported by npgrad")
    w = input._data
    if not is_float_np(w.dtype):
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{TYPE_NAMES[w.dtype.name]}")
    if w.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n = w.shape[-1]
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    w2 = w.reshape(-1, n).astype(np.float64)
    if not xp.all(xp.isfinite(w2) & (w2 >= 0)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if xp.any(w2.sum(axis=1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = _rng(generator)
    if replacement:
        cdf = xp.cumsum(w2, axis=1)
        u = g.random((w2.shape[0], num_samples)) * cdf[:, -1:]
        idx = xp.stack([xp.searchsorted(c, r, side="right") for c, r in zip(cdf, u)])
        idx = xp.minimum(idx, n - 1)
    else:
        with np.errstate(divide="ignore"):  # sampling outside any op: zero weights give inf keys
            keys = g.standard_exponential(w2.shape) / w2
        idx = xp.argsort(keys, axis=1, kind="stable")[:, :num_samples]
        # categories with zero weight (infinite keys) come last, in index order, as torch draws them
    idx = idx.astype(np.int64)
    return _t.make(idx.reshape(num_samples) if w.ndim == 1 else idx)
