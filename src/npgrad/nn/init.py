"""``npgrad.nn.init``: fill tensors in place, outside autograd, with torch's initialisation schemes.

The distributions, bounds and fan computations are torch's; the numbers come from npgrad's generator
(``npgrad.random``), so they differ from torch's for the same seed.

>>> import npgrad as torch
>>> w = torch.empty(3, 5)
>>> _ = torch.nn.init.kaiming_uniform_(w, a=5 ** 0.5)
>>> bool((w.abs() <= 1 / 5 ** 0.5).all())
True
"""
from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import random as _random
from .._warn import warn as _warn

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..random import Generator

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
           "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
           "sparse_", "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
           "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"]


def _write(tensor, values):
    """Overwrite ``tensor``'s values in place (as torch's ``no_grad`` in-place fill does: version bumps)."""
    np.copyto(tensor._data, values, casting="unsafe")
    tensor._vc[0] += 1
    return tensor


def _rng(generator):
    return _random.rng(generator)


def calculate_gain(nonlinearity: str, param: int | float | None = None) -> float:
    r"""The recommended gain (scale of the standard deviation) for a nonlinearity: 1 (linear, conv, sigmoid), 5/3
    (tanh), :math:`\sqrt{2}` (relu), :math:`\sqrt{2 / (1 + \mathrm{slope}^2)}` (leaky_relu, slope 0.01 by
    default), 3/4 (selu).

    Args:
        nonlinearity (str): the function's name (``'relu'``, ``'tanh'``, ``'conv2d'``, ...).
        param (float, optional): the negative slope of ``'leaky_relu'``.

    Returns:
        float: the gain.

    Raises:
        ValueError: an unknown nonlinearity, or a slope that is not a number.

    Example::

        >>> import npgrad as torch
        >>> torch.nn.init.calculate_gain('tanh')
        1.6666666666666667
        >>> torch.nn.init.calculate_gain('leaky_relu', 0.2)
        1.3867504905630728
    """
    linear_fns = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d")
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill ``tensor`` in place with values drawn from the uniform distribution :math:`U(a, b)`.

    Args:
        tensor (Tensor): an n-dimensional tensor.
        a (float): the lower bound. Default: 0.
        b (float): the upper bound. Default: 1.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor`` (npgrad's random numbers differ from torch's for the same seed).

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.uniform_(torch.empty(3, 5), a=-0.5, b=0.5)
        >>> bool((w >= -0.5).all() and (w <= 0.5).all())
        True
    """
    return _write(tensor, _rng(generator).uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` in place with values drawn from the normal distribution :math:`N(\mathrm{mean},
    \mathrm{std}^2)`.

    Args:
        tensor (Tensor): an n-dimensional tensor.
        mean (float): Default: 0.
        std (float): Default: 1.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.normal_(torch.empty(100, 100), mean=3.0, std=0.1)
        >>> round(w.mean().item())
        3
    """
    return _write(tensor, _rng(generator).normal(mean, std, tensor.shape))


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` in place with values from :math:`N(\mathrm{mean}, \mathrm{std}^2)` truncated to
    :math:`[a, b]` (values outside are redrawn).

    Args:
        tensor (Tensor): an n-dimensional tensor.
        mean (float): Default: 0.
        std (float): Default: 1.
        a (float): the lower cut-off. Default: -2.
        b (float): the upper cut-off. Default: 2.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.trunc_normal_(torch.empty(4, 4), std=1.0, a=-0.5, b=0.5)
        >>> bool((w.abs() <= 0.5).all())
        True
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        _warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.")
    rng = _rng(generator)
    n = tensor.numel()
    lo, hi = (np.asarray(v, dtype=tensor._data.dtype).item() for v in (a, b))
    cdf = lambda x: (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0  # noqa: E731
    mass = cdf((b - mean) / std) - cdf((a - mean) / std)
    out = np.empty(n)
    todo = np.arange(n)
    while todo.size:
        if mass > 0.3:  # plain rejection from the normal itself
            cand = rng.normal(mean, std, todo.size)
            ok = (cand >= lo) & (cand <= hi)
        else:  # the normal keeps little mass in [a, b]: propose uniformly, accept by the density ratio
            mode = max(a, min(mean, b))
            cand = rng.uniform(a, b, todo.size)
            log_ratio = -0.5 * ((cand - mean) / std) ** 2 + 0.5 * ((mode - mean) / std) ** 2
            ok = np.log(rng.uniform(size=todo.size)) <= log_ratio
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return _write(tensor, out.reshape(tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill ``tensor`` in place with the value ``val``.

    Args:
        tensor (Tensor): an n-dimensional tensor.
        val (float): the fill value.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> torch.nn.init.constant_(torch.empty(2, 3), 0.3)
        tensor([[0.3000, 0.3000, 0.3000],
                [0.3000, 0.3000, 0.3000]])
    """
    return _write(tensor, val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with ones, in place and outside autograd.

    Args:
        tensor (Tensor): an n-dimensional tensor.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.empty(2, 3)
        >>> torch.nn.init.ones_(w)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    return _write(tensor, 1)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with zeros, in place and outside autograd.

    Args:
        tensor (Tensor): an n-dimensional tensor.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.ones(3))
        >>> torch.nn.init.zeros_(w)
        Parameter containing:
        tensor([0., 0., 0.], requires_grad=True)
    """
    return _write(tensor, 0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D ``tensor`` in place with the identity matrix (ones on the diagonal of a rectangular one too),
    so that a Linear layer starts as the identity on as many inputs as possible.

    Args:
        tensor (Tensor): a 2-D tensor.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> torch.nn.init.eye_(torch.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight in place with the Dirac delta, so that the convolution keeps the
    identity of as many input channels as possible (per group with ``groups``).

    Args:
        tensor (Tensor): :math:`(C_{out}, C_{in}, *k)`.
        groups (int): the convolution's groups; divides :math:`C_{out}`. Default: 1.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.dirac_(torch.empty(2, 2, 3))
        >>> w
        tensor([[[0., 1., 0.],
                 [0., 0., 0.]],
        <BLANKLINE>
                [[0., 0., 0.],
                 [0., 1., 0.]]])
        >>> x = torch.tensor([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]])
        >>> torch.nn.functional.conv1d(x, w, padding=1)
        tensor([[[1., 2., 3.],
                 [4., 5., 6.]]])
    """
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    shape = tensor.shape
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = shape[0] // groups
    values = np.zeros(shape)
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            values[(g * per_group + d, d) + centre] = 1
    return _write(tensor, values)


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.size(1) * receptive, tensor.size(0) * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` in place from :math:`U(-a, a)` with :math:`a = \mathrm{gain} \sqrt{6 / (\mathrm{fan\_in} +
    \mathrm{fan\_out})}` (Glorot & Bengio, 2010).

    Args:
        tensor (Tensor): at least 2-D; fans are ``size(1)``/``size(0)`` times the receptive field.
        gain (float): a scale (see :func:`calculate_gain`). Default: 1.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.xavier_uniform_(torch.empty(3, 5), gain=torch.nn.init.calculate_gain('relu'))
        >>> bool((w.abs() <= 2 ** 0.5 * (6 / 8) ** 0.5).all())
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` in place from :math:`N(0, \sigma^2)` with :math:`\sigma = \mathrm{gain} \sqrt{2 /
    (\mathrm{fan\_in} + \mathrm{fan\_out})}` (Glorot & Bengio, 2010).

    Args:
        tensor (Tensor): at least 2-D.
        gain (float): a scale. Default: 1.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.xavier_normal_(torch.empty(200, 300))
        >>> round(w.std().item(), 2)
        0.06
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` in place from :math:`U(-b, b)` with :math:`b = \mathrm{gain} \sqrt{3 / \mathrm{fan\_mode}}`
    (He et al., 2015); the default initialisation of Linear and conv weights (with ``a=sqrt(5)``).

    Args:
        tensor (Tensor): at least 2-D.
        a (float): the negative slope of the leaky_relu that follows. Default: 0.
        mode (str): ``'fan_in'`` (keeps the forward pass's variance) or ``'fan_out'`` (the backward pass's).
            Default: ``'fan_in'``.
        nonlinearity (str): ``'relu'`` or ``'leaky_relu'`` (see :func:`calculate_gain`). Default:
            ``'leaky_relu'``.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.kaiming_uniform_(torch.empty(3, 6), mode='fan_in', nonlinearity='relu')
        >>> bool((w.abs() <= 1.0).all())
        True
    """
    if 0 in tensor.shape:
        _warn("Initializing zero-element tensors is a no-op")
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` in place from :math:`N(0, \sigma^2)` with :math:`\sigma = \mathrm{gain} /
    \sqrt{\mathrm{fan\_mode}}` (He et al., 2015).

    Args:
        tensor (Tensor): at least 2-D.
        a (float): the negative slope of the leaky_relu that follows. Default: 0.
        mode (str): ``'fan_in'`` or ``'fan_out'``. Default: ``'fan_in'``.
        nonlinearity (str): ``'relu'`` or ``'leaky_relu'``. Default: ``'leaky_relu'``.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.kaiming_normal_(torch.empty(500, 200), mode='fan_in', nonlinearity='relu')
        >>> round(w.std().item(), 2)
        0.1
    """
    if 0 in tensor.shape:
        _warn("Initializing zero-element tensors is a no-op")
        return tensor
    return normal_(tensor, 0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Generator | None = None) -> Tensor:
    """Fill ``tensor`` in place with a random (semi-)orthogonal matrix times ``gain`` (Saxe et al., 2013); trailing
    dimensions are flattened.

    Args:
        tensor (Tensor): at least 2-D.
        gain (float): the scale. Default: 1.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.orthogonal_(torch.empty(3, 5))
        >>> torch.allclose(w @ w.T, torch.eye(3), atol=1e-5)
        True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flat = _rng(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))  # signs of R's diagonal make Q uniformly (Haar) distributed
    if rows < cols:
        q = q.T
    return _write(tensor, (q * gain).reshape(tensor.shape))


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Generator | None = None) -> Tensor:
    r"""Fill a 2-D ``tensor`` in place from :math:`N(0, \mathrm{std}^2)` with a fraction ``sparsity`` of each column
    set to zero (Martens, 2010).

    Args:
        tensor (Tensor): a 2-D tensor.
        sparsity (float): the fraction of each column zeroed (rounded up).
        std (float): the standard deviation of the non-zero values. Default: 0.01.
        generator (Generator, optional): the generator to draw from. Default: the global one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.init.sparse_(torch.empty(4, 3), sparsity=0.5)
        >>> (w == 0).sum(dim=0)
        tensor([2, 2, 2])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    rng = _rng(generator)
    values = rng.normal(0, std, (rows, cols))
    n_zero = math.ceil(sparsity * rows)
    for c in range(cols):
        values[rng.permutation(rows)[:n_zero], c] = 0
    return _write(tensor, values)


_DEPRECATED_EXAMPLE_ARGS = {"constant": "torch.empty(3), 0.5", "dirac": "torch.empty(2, 2, 3)",
                            "sparse": "torch.empty(4, 3), 0.5"}


def _deprecated(fn):
    old = fn.__name__[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Tensor:
        _warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{fn.__name__}`.", FutureWarning)
        return fn(*args, **kwargs)

    deprecated_init.__name__ = old
    deprecated_init.__doc__ = f"""Deprecated alias of :func:`{fn.__name__}`: the same, with a ``FutureWarning``.

    Example::

        >>> import warnings
        >>> import npgrad as torch
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     _ = torch.nn.init.{old}({_DEPRECATED_EXAMPLE_ARGS.get(old, "torch.empty(3, 4)")})
        >>> print(caught[0].category.__name__, caught[0].message)
        FutureWarning `nn.init.{old}` is now deprecated in favor of `nn.init.{fn.__name__}`.
    """
    return deprecated_init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)
