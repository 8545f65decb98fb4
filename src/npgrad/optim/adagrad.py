"""Adagrad, as ``torch.optim.Adagrad``."""
from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
import numpy as np

from .._tensor import make
from ..autograd.grad_mode import enable_grad
from . import _differentiable
from .optimizer import ParamsT, Optimizer, addcmul_, bump, check_lr, grad_of, incr_step, scalar, step_tensor

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """The Adagrad algorithm (Duchi et al., 2011).

    ``s += g * g``; ``p -= clr * g / (sqrt(s) + eps)`` with ``clr = lr / (1 + (t - 1) * lr_decay)``.

    The state (``step`` and the sum, starting at ``initial_accumulator_value``) is created for every parameter
    at construction, as torch does.

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 1e-2.
        lr_decay (float): learning rate decay. Default: 0.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        initial_accumulator_value (float): the sum's starting value. Default: 0.
        eps (float): added to the denominator for numerical stability. Default: 1e-10.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): record the step in the autograd graph (for meta-learning). Default: ``False``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adagrad([w], lr=0.5)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.2764, -1.2000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0, eps: float = 1e-10,
                 foreach: bool | None = None, *, maximize: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = step_tensor()
                state["sum"] = make(np.full_like(p._data, initial_accumulator_value))

    def share_memory(self) -> None:
        """Nothing to do: npgrad runs in one process."""

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()`` if given."""
        if self.defaults.get("differentiable"):  # recorded tensor ops, so gradients flow through the step
            return _differentiable.step_all(self, closure, lambda group: _differentiable.adagrad(self, group))
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr = scalar(group["lr"])
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                step = incr_step(state)
                g = grad_of(p, group["maximize"], group["weight_decay"])
                clr = lr / (1 + (step - 1) * group["lr_decay"])
                s = state["sum"]._data
                tmp = np.empty_like(s)
                addcmul_(s, 1, g, g, tmp)
                bump(state["sum"])
                std = np.sqrt(s, out=tmp)
                std += group["eps"]
                np.divide(g, std, out=std)
                std *= clr
                p._data -= std
                bump(p)
        return loss
