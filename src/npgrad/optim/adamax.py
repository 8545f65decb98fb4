"""Adamax (Adam with the infinity norm), as ``torch.optim.Adamax``."""
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from .adam import check_betas
from .optimizer import ParamsT, Optimizer, bump, check_lr, grad_of, incr_step, lerp_, scalar, step_tensor, zeros_state

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """The Adamax algorithm, Adam with the infinity norm (Kingma & Ba, 2014).

    ``m = lerp(m, g, 1 - beta1)``; ``u = max(beta2 * u, |g| + eps)``; ``p -= lr / (1 - beta1**t) * m / u``.

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 2e-3.
        betas (tuple of 2 floats): decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): must stay ``False``: npgrad does not record this optimizer's step in the graph
            (``True`` raises NotImplementedError naming it; SGD, Adam, AdamW, RMSprop and Adagrad support it).

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adamax([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.8052, -1.8025], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 2e-3,
                 betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_lr(lr)
        check_betas(betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
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
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_tensor()
                    state["exp_avg"] = zeros_state(p)
                    state["exp_inf"] = zeros_state(p)
                step = incr_step(state)
                g = grad_of(p, group["maximize"], group["weight_decay"])
                m = state["exp_avg"]._data
                u = state["exp_inf"]._data
                tmp = np.empty_like(m)
                lerp_(m, g, 1 - beta1, tmp)
                u *= beta2
                np.abs(g, out=tmp)
                tmp += group["eps"]
                np.maximum(u, tmp, out=u)
                clr = lr / (1 - beta1 ** step)
                np.divide(m, u, out=tmp)
                tmp *= clr
                p._data -= tmp
                bump(p)
                bump(state["exp_avg"])
                bump(state["exp_inf"])
        return loss
