"""RMSprop (optionally centered, with momentum), as ``torch.optim.RMSprop``."""
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from . import _differentiable
from .optimizer import (addcmul_, bump, check_lr, grad_of, incr_step, lerp_, Optimizer, ParamsT, scalar, step_tensor,
                       zeros_state)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """The RMSprop algorithm (Hinton's lecture notes).

    ``v = alpha * v + (1 - alpha) * g * g``; ``p -= lr * g / (sqrt(v) + eps)``.

    ``centered`` subtracts the square of a running mean of ``g`` from ``v``; ``momentum`` accumulates the
    normalised step in a buffer (``buf = momentum * buf + g / avg``; ``p -= lr * buf``).

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 1e-2.
        alpha (float): smoothing constant of the squared-gradient average. Default: 0.99.
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        momentum (float): Default: 0.
        centered (bool): normalise by the estimated variance of the gradient. Default: ``False``.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): record the step in the autograd graph (for meta-learning). Default: ``False``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.RMSprop([w], lr=0.01)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.8329, -1.8309], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()`` if given."""
        if self.defaults.get("differentiable"):  # recorded tensor ops, so gradients flow through the step
            return _differentiable.step_all(self, closure, lambda group: _differentiable.rmsprop(self, group))
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr = scalar(group["lr"])
            alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_tensor()
                    state["square_avg"] = zeros_state(p)
                    if momentum > 0:
                        state["momentum_buffer"] = zeros_state(p)
                    if group["centered"]:
                        state["grad_avg"] = zeros_state(p)
                incr_step(state)
                g = grad_of(p, group["maximize"], group["weight_decay"])
                sq = state["square_avg"]._data
                tmp = np.empty_like(sq)
                sq *= alpha
                addcmul_(sq, 1 - alpha, g, g, tmp)
                bump(state["square_avg"])
                if group["centered"]:
                    ga = state["grad_avg"]._data
                    lerp_(ga, g, 1 - alpha, tmp)
                    bump(state["grad_avg"])
                    avg = np.multiply(ga, ga, out=tmp)
                    np.subtract(sq, avg, out=avg)
                    np.sqrt(avg, out=avg)
                else:
                    avg = np.sqrt(sq, out=tmp)
                avg += eps
                np.divide(g, avg, out=avg)
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += avg
                    bump(state["momentum_buffer"])
                    np.multiply(buf, lr, out=avg)
                else:
                    avg *= lr
                p._data -= avg
                bump(p)
        return loss
