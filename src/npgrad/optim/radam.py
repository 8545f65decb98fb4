"""RAdam (rectified Adam), as ``torch.optim.RAdam``."""
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from .adam import check_betas
from .optimizer import (addcmul_, bump, check_lr, grad_of, incr_step, lerp_, Optimizer, ParamsT, scalar, step_tensor,
                       zeros_state)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """The RAdam algorithm, rectified Adam (Liu et al., 2019).

    Adam whose adaptive term is switched on, with a variance rectification factor, once the length of the
    approximated simple moving average ``rho_t`` exceeds 5; before that it takes plain momentum steps.

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 1e-3.
        betas (tuple of 2 floats): decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        decoupled_weight_decay (bool): AdamW-style decay. Default: ``False``.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): must stay ``False``: npgrad does not record this optimizer's step in the graph
            (``True`` raises NotImplementedError naming it; SGD, Adam, AdamW, RMSprop and Adagrad support it).

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.RAdam([w], lr=0.1)
        >>> for _ in range(7):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.1970, -0.3986], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3,
                 betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        check_betas(betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
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
            wd = group["weight_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_tensor()
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                step = incr_step(state)
                if wd != 0 and group["decoupled_weight_decay"]:
                    p._data *= 1 - lr * wd
                    g = grad_of(p, group["maximize"])
                else:
                    g = grad_of(p, group["maximize"], wd)
                m = state["exp_avg"]._data
                v = state["exp_avg_sq"]._data
                tmp = np.empty_like(m)
                lerp_(m, g, 1 - beta1, tmp)
                v *= beta2
                addcmul_(v, 1 - beta2, g, g, tmp)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                corrected = m / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive = np.sqrt(v)
                    adaptive += group["eps"]
                    adaptive = (bias_correction2 ** 0.5) / adaptive
                    p._data -= corrected * lr * adaptive * rect
                else:
                    p._data -= corrected * lr
                bump(p)
                bump(state["exp_avg"])
                bump(state["exp_avg_sq"])
        return loss
