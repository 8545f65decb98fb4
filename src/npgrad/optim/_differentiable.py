"""``differentiable=True`` steps: the update written with recorded npgrad ops, so gradients flow through it.

The ordinary steps (in each optimizer's module) update raw arrays in place, outside autograd. With
``differentiable=True`` torch runs the step with grad mode on and records it: a parameter that is a non-leaf
tensor (``p = w.clone()``), a gradient that requires grad (``p.grad = autograd.grad(..., create_graph=True)``),
state tensors that require grad and a tensor ``weight_decay`` all get gradients from a function of the updated
parameters (meta-learning: the gradient of the loss after a step with respect to the step's inputs). The formulas
follow torch's single-tensor path with ``differentiable=True`` in the same order, with in-place ops where torch has
them (so a leaf parameter that requires grad gets torch's in-place error) and its clones where torch clones.

One deliberate difference: torch's ``grad.addcmul_(param.clone(), weight_decay)`` for a ``weight_decay`` tensor
that requires grad writes into ``p.grad`` itself; here the sum is a new tensor and ``p.grad`` is left as it was.
"""
from .. import _tensor as _t
from ..autograd.grad_mode import enable_grad
from ..ops.pointwise import maximum

__all__ = ["sgd", "adam", "rmsprop", "adagrad", "step_all"]


def step_all(opt, closure, one_group):
    """Run ``one_group(group)`` for every group with grad mode on; return ``closure()``'s loss if given."""
    loss = None
    with enable_grad():
        if closure is not None:
            loss = closure()
        for group in opt.param_groups:
            one_group(group)
    return loss


def _grad(p, maximize, weight_decay):
    grad = p.grad
    if maximize:
        grad = -grad
    if isinstance(weight_decay, _t.Tensor):
        if weight_decay.requires_grad:
            return grad + p.clone() * weight_decay  # differentiable in weight_decay too
        weight_decay = weight_decay.item()
    if weight_decay != 0:
        grad = grad.add(p, alpha=weight_decay)
    return grad


def _step(state, p):
    st = state.get("step")
    if st is None:
        from .optimizer import step_tensor
        st = state["step"] = step_tensor()
    elif not isinstance(st, _t.Tensor):
        from .optimizer import step_tensor
        st = state["step"] = step_tensor(float(st))
    st += 1
    return st


def _lr(group):
    from .optimizer import scalar
    return scalar(group["lr"])  # torch turns a tensor lr into a number on this path too


def sgd(opt, group):
    lr, momentum, dampening = _lr(group), group["momentum"], group["dampening"]
    for p in group["params"]:
        if p.grad is None:
            continue
        grad = _grad(p, group["maximize"], group["weight_decay"])
        if momentum != 0:
            state = opt.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.detach().clone()  # torch detaches the first buffer
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - dampening)
            grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
        p.add_(grad, alpha=-lr)


def adam(opt, group):
    from .optimizer import scalar
    lr, eps, amsgrad = _lr(group), group["eps"], group["amsgrad"]
    beta1, beta2 = (scalar(b) for b in group["betas"])
    wd = group["weight_decay"]
    for p in group["params"]:
        if p.grad is None:
            continue
        state = opt.state[p]
        if len(state) == 0:
            state["exp_avg"] = _t.make(p._data * 0)
            state["exp_avg_sq"] = _t.make(p._data * 0)
            if amsgrad:
                state["max_exp_avg_sq"] = _t.make(p._data * 0)
        step = _step(state, p)
        if group.get("decoupled_weight_decay", False) and wd != 0:
            p.mul_(1 - lr * wd)
            grad = _grad(p, group["maximize"], 0)
        else:
            grad = _grad(p, group["maximize"], wd)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size_neg = -(lr / bias_correction1)
        bias_correction2_sqrt = bias_correction2.sqrt()
        if amsgrad:
            vmax = state["max_exp_avg_sq"]
            vmax.copy_(maximum(vmax.clone(), exp_avg_sq))
            root = vmax.sqrt()
        else:
            root = exp_avg_sq.sqrt()
        denom = (root / (bias_correction2_sqrt * step_size_neg)).add_(eps / step_size_neg)
        p.addcdiv_(exp_avg.clone(), denom)


def rmsprop(opt, group):
    lr, alpha, eps, momentum = _lr(group), group["alpha"], group["eps"], group["momentum"]
    for p in group["params"]:
        if p.grad is None:
            continue
        state = opt.state[p]
        if len(state) == 0:
            state["square_avg"] = _t.make(p._data * 0)
            if momentum > 0:
                state["momentum_buffer"] = _t.make(p._data * 0)
            if group["centered"]:
                state["grad_avg"] = _t.make(p._data * 0)
        _step(state, p)
        grad = _grad(p, group["maximize"], group["weight_decay"])
        square_avg = state["square_avg"]
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add(eps)
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf.mul_(momentum).addcdiv_(grad, avg)
            p.add_(buf, alpha=-lr)
        else:
            p.addcdiv_(grad, avg, value=-lr)


def adagrad(opt, group):
    lr, eps, lr_decay = _lr(group), group["eps"], group["lr_decay"]
    for p in group["params"]:
        if p.grad is None:
            continue
        state = opt.state[p]
        step = float(_step(state, p))
        grad = _grad(p, group["maximize"], group["weight_decay"])
        clr = lr / (1 + (step - 1) * lr_decay)
        state_sum = state["sum"]
        state_sum.addcmul_(grad, grad, value=1)
        std = state_sum.sqrt() + eps
        p.addcdiv_(grad, std, value=-clr)
