"""Adam (and, with ``decoupled_weight_decay=True``, AdamW), as ``torch.optim.Adam``."""
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from . import _differentiable
from .optimizer import (addcmul_, bump, check_lr, grad_of, incr_step, lerp_, Optimizer, ParamsT, scalar, step_tensor,
                       zeros_state)

__all__ = ["Adam"]


def check_betas(betas, eps, weight_decay):
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= scalar(betas[0]) < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= scalar(betas[1]) < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adam(Optimizer):
    """The Adam algorithm (Kingma & Ba, 2014).

    Adaptive moments: ``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v + (1 - beta2) * g * g`` and
    ``p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)``.

    ``amsgrad`` normalises by the running maximum of ``v``; ``weight_decay`` adds ``wd * p`` to the gradient, or
    with ``decoupled_weight_decay=True`` (AdamW) multiplies ``p`` by ``1 - lr * wd`` first.

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 1e-3.
        betas (tuple of 2 floats): decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        amsgrad (bool): the AMSGrad variant. Default: ``False``.
        decoupled_weight_decay (bool): AdamW's decay. Default: ``False``.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): record the step in the autograd graph (for meta-learning). Default: ``False``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adam([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.8004, -1.8002], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3,
                 betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        check_lr(lr)
        check_betas(betas, eps, weight_decay)
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(scalar(b) for b in betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()`` if given."""
        if self.defaults.get("differentiable"):  # recorded tensor ops, so gradients flow through the step
            return _differentiable.step_all(self, closure, lambda group: _differentiable.adam(self, group))
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = (scalar(b) for b in group["betas"])
            lr = scalar(group["lr"])
            wd = group["weight_decay"]
            eps = group["eps"]
            amsgrad = group["amsgrad"]
            decoupled = group.get("decoupled_weight_decay", False)
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_tensor()
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = zeros_state(p)
                step = incr_step(state)
                if wd != 0 and decoupled:
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
                step_size = lr / (1 - beta1 ** step)
                bc2_sqrt = (1 - beta2 ** step) ** 0.5
                if amsgrad:
                    vmax = state["max_exp_avg_sq"]._data
                    np.maximum(vmax, v, out=vmax)
                    bump(state["max_exp_avg_sq"])
                    denom = np.sqrt(vmax, out=tmp)
                else:
                    denom = np.sqrt(v, out=tmp)
                denom /= bc2_sqrt
                denom += eps
                np.divide(m, denom, out=denom)
                denom *= step_size
                p._data -= denom
                bump(p)
                bump(state["exp_avg"])
                bump(state["exp_avg_sq"])
        return loss
