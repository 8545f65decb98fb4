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
    """``v = alpha * v + (1 - alpha) * g * g``; ``p -= lr * g / (sqrt(v) + eps)``.

    ``centered`` subtracts the square of a running mean of ``g`` from ``v``; ``momentum`` accumulates the
    normalised step in a buffer (``buf = momentum * buf + g / avg``; ``p -= lr * buf``).
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
