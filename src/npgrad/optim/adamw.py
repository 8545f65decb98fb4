"""AdamW: Adam with decoupled weight decay (``p *= 1 - lr * weight_decay`` before the Adam update)."""
from .._tensor import Tensor
from .adam import Adam
from .optimizer import ParamsT

__all__ = ["AdamW"]


class AdamW(Adam):
    """The AdamW algorithm (Loshchilov & Hutter, 2019).

    Adam whose ``weight_decay`` (default 1e-2) shrinks the parameters directly, not through the gradient.

    Args:
        params (iterable): the parameters to optimise: tensors, ``(name, tensor)`` pairs, or dicts (parameter
            groups with their own options).
        lr (float or Tensor): the learning rate. Default: 1e-3.
        betas (tuple of 2 floats): decay rates of the first and second moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): decoupled weight decay coefficient. Default: 1e-2.
        amsgrad (bool): the AMSGrad variant. Default: ``False``.
        foreach, capturable, fused (bool, optional): torch's implementation choices; npgrad runs one NumPy loop
            and accepts them for compatibility (``fused`` with ``differentiable`` raises as in torch).
        maximize (bool): maximise the objective instead. Default: ``False``.
        differentiable (bool): record the step in the autograd graph (for meta-learning). Default: ``False``.

    Example::

        >>> import npgrad as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.AdamW([w], lr=0.1, weight_decay=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.7816, -1.7614], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float | Tensor = 1e-3,
                 betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
