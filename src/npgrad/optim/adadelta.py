"""Adadelta, as ``torch.optim.Adadelta``."""
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd.grad_mode import enable_grad
from .._tensor import Tensor
from .optimizer import (ParamsT, Optimizer, addcmul_, bump, check_lr, grad_of, incr_step, scalar, step_tensor,
                       zeros_state)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """The Adadelta algorithm (Zeiler, 2012).

    ``v = rho * v + (1 - rho) * g * g``; ``delta = sqrt(u + eps) / sqrt(v + eps) * g``;
    ``u = rho * u + (1 - rho) * delta * delta``; ``p -= lr * delta``.

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 1.0.
        rho (float): decay of the squared-gradient average. Default: 0.9.
        eps (float): added to the denominator for numerical stability. Default: 1e-6.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): must stay ``False``: npgrad does not record this optimizer's step in the graph
            (``True`` raises NotImplementedError naming it; SGD, Adam, AdamW, RMSprop and Adagrad support it).

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adadelta([w], lr=1.0)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.9936, -1.9936], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        if differentiable:
            raise NotImplementedError(f"{type(self).__name__}(differentiable=True) is not implemented in npgrad; SGD, "
                                      f"Adam, AdamW, RMSprop and Adagrad have differentiable steps")
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()`` if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr = scalar(group["lr"])
            rho, eps = group["rho"], group["eps"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_tensor()
                    state["square_avg"] = zeros_state(p)
                    state["acc_delta"] = zeros_state(p)
                incr_step(state)
                g = grad_of(p, group["maximize"], group["weight_decay"])
                sq = state["square_avg"]._data
                acc = state["acc_delta"]._data
                tmp = np.empty_like(sq)
                sq *= rho
                addcmul_(sq, 1 - rho, g, g, tmp)
                std = np.add(sq, eps, out=tmp)
                np.sqrt(std, out=std)
                delta = np.add(acc, eps)
                np.sqrt(delta, out=delta)
                delta /= std
                delta *= g
                acc *= rho
                addcmul_(acc, 1 - rho, delta, delta, tmp)
                delta *= lr
                p._data -= delta
                bump(p)
                bump(state["square_avg"])
                bump(state["acc_delta"])
        return loss
