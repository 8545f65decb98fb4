"""NAdam (Adam with Nesterov momentum and a momentum-decay schedule), as ``torch.optim.NAdam``."""
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from .adam import check_betas
from .optimizer import (addcmul_, bump, check_lr, grad_of, incr_step, lerp_, Optimizer, ParamsT, scalar, step_tensor,
                       zeros_state)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """The NAdam algorithm, Adam with Nesterov momentum (Dozat, 2016).

    ``mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay))``; the update mixes the gradient and the first
    moment with weights ``(1 - mu_t) / (1 - prod mu)`` and ``mu_{t+1} / (1 - prod mu * mu_{t+1})``.

    ``state["mu_product"]`` is a 0-d tensor of the default float type, rounded at every step as torch's is.

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 2e-3.
        betas (tuple of 2 floats): decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        momentum_decay (float): Default: 4e-3.
        decoupled_weight_decay (bool): AdamW-style decay. Default: ``False``.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): must stay ``False``: npgrad does not record this optimizer's step in the graph
            (``True`` raises NotImplementedError naming it; SGD, Adam, AdamW, RMSprop and Adagrad support it).

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.NAdam([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.8200, -1.8179], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 2e-3,
                 betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        check_lr(lr)
        check_betas(betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
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
            md = group["momentum_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_tensor()
                    state["mu_product"] = step_tensor(1.0)
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                if not isinstance(state["mu_product"], Tensor):
                    state["mu_product"] = step_tensor(float(state["mu_product"]))
                step = incr_step(state)
                bias_correction2 = 1 - beta2 ** step
                if wd != 0 and group["decoupled_weight_decay"]:
                    p._data *= 1 - lr * wd
                    g = grad_of(p, group["maximize"])
                else:
                    g = grad_of(p, group["maximize"], wd)
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * md)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * md)))
                mp = state["mu_product"]._data
                mp *= mu
                mu_product = float(mp)
                m = state["exp_avg"]._data
                v = state["exp_avg_sq"]._data
                tmp = np.empty_like(m)
                lerp_(m, g, 1 - beta1, tmp)
                v *= beta2
                addcmul_(v, 1 - beta2, g, g, tmp)
                denom = np.divide(v, bias_correction2)
                np.sqrt(denom, out=denom)
                denom += group["eps"]
                mu_product_next = mu_product * mu_next
                np.divide(g, denom, out=tmp)
                tmp *= -lr * (1.0 - mu) / (1.0 - mu_product)
                p._data += tmp
                np.divide(m, denom, out=tmp)
                tmp *= (-lr * mu_next) / (1.0 - mu_product_next)
                p._data += tmp
                bump(p)
                bump(state["exp_avg"])
                bump(state["exp_avg_sq"])
        return loss
