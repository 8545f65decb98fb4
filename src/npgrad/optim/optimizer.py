"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``, hooks and torch-layout state dicts.

Subclasses implement ``step`` on raw arrays: they read ``p._data`` and ``p._grad._data`` and update them with
NumPy in-place ufuncs (no graph, no Tensor wrappers on the hot path), bumping each parameter's version counter
as torch's in-place ops do. The arithmetic follows torch's single-tensor (CPU) path in the same order, so a run
from identical initial values tracks torch's to float rounding.

>>> import npgrad as torch
>>> w = torch.tensor([1.0, -2.0], requires_grad=True)
>>> opt = torch.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([ 0.8000, -1.6000], requires_grad=True)
"""
import functools
import itertools
from collections.abc import Callable, Iterable
from typing import Any
from collections import OrderedDict, defaultdict
from copy import deepcopy

import numpy as np
from .._dtype import is_float_np

from .. import _dtype
from .._tensor import Tensor, make
from .._warn import warn as _warn

# What an optimizer takes as ``params``: tensors, ``(name, tensor)`` pairs, or parameter groups (dicts).
ParamsT = Iterable[Tensor] | Iterable[tuple[str, Tensor]] | Iterable[dict[str, Any]]

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook", "required"]


class _RequiredParameter:
    """Marks a default that every parameter group must give (``lr`` of an optimizer without a default)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_handle_ids = itertools.count()
_global_pre_hooks = OrderedDict()
_global_post_hooks = OrderedDict()


class _Handle:
    """Returned by the ``register_*_hook`` methods; ``remove()`` unregisters the hook."""

    def __init__(self, table):
        self._table = table
        self.id = next(_handle_ids)

    def remove(self):
        self._table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _register(table, hook, prepend=False):
    h = _Handle(table)
    table[h.id] = hook
    if prepend:
        table.move_to_end(h.id, last=False)
    return h


def register_optimizer_step_pre_hook(hook: Callable[..., Any]) -> _Handle:
    """``hook(optimizer, args, kwargs)`` runs before every optimizer's ``step``."""
    return _register(_global_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable[..., Any]) -> _Handle:
    """``hook(optimizer, args, kwargs)`` runs after every optimizer's ``step``."""
    return _register(_global_post_hooks, hook)


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    t = type(obj)
    return t.__qualname__ if t.__module__ in ("builtins", "__builtin__") else f"{t.__module__}.{t.__qualname__}"


def _wrap_step(step):
    """Run the step hooks around a subclass's ``step`` and record that it ran (for the LR scheduler's check)."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        if self.__dict__.get("_in_step"):  # a subclass's step calling super().step(): hooks run once
            return step(self, *args, **kwargs)
        self._in_step = True
        try:
            return _hooked(step, self, args, kwargs)
        finally:
            self._in_step = False
    wrapper._npgrad_wrapped = True
    return wrapper


def _hooked(step, self, args, kwargs):
    if _global_pre_hooks or self._optimizer_step_pre_hooks:
        for hook in itertools.chain(_global_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), but "
                                       f"got {result}.")
                args, kwargs = result
    with np.errstate(all="ignore"):  # inf/NaN gradients make inf/NaN updates silently, as in torch
        out = step(self, *args, **kwargs)
    self._opt_called = True
    if _global_post_hooks or self._optimizer_step_post_hooks:
        for hook in itertools.chain(self._optimizer_step_post_hooks.values(), _global_post_hooks.values()):
            hook(self, args, kwargs)
    return out


class Optimizer:
    """Base class of the optimizers.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (parameter groups with their
    own options); ``defaults`` fills the options a group does not give.

    Args:
        params (iterable): tensors, ``(name, tensor)`` pairs, or dicts with a ``"params"`` entry.
        defaults (dict): the options of a group that does not set them.

    Example::

        >>> import npgrad as torch
        >>> a, b = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(3))
        >>> opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.5]
        >>> sorted(opt.state_dict())
        ['param_groups', 'state']
        >>> isinstance(opt, torch.optim.Optimizer)
        True
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_npgrad_wrapped", False):
            cls.step = _wrap_step(step)

    defaults: dict[str, Any]
    state: defaultdict[Any, dict[str, Any]]
    param_groups: list[dict[str, Any]]

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups: list[Any] = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"`` and optional per-group options)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        tensors, names = [], []
        for p in params:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(p))
            if not self.defaults.get("differentiable", None) and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter "
                                 f"{name}")
            param_group.setdefault(name, default)
        ids = {id(p) for p in tensors}
        if len(ids) != len(tensors):
            import warnings
            _warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information")
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
            if any(id(p) in ids for p in group["params"]):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------------ gradients
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to ``None`` (default) or, with ``set_to_none=False``, to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g._req = False
                    g._data[...] = 0
                    g._vc[0] += 1

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        raise NotImplementedError

    # ------------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook: Callable[..., Any]) -> _Handle:
        """``hook(optimizer, args, kwargs)`` runs before ``step``; it may return new ``(args, kwargs)``."""
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable[..., Any]) -> _Handle:
        """``hook(optimizer, args, kwargs)`` runs after ``step``."""
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> _Handle:
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable[..., Any], prepend: bool = False) -> _Handle:
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> _Handle:
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any], prepend: bool = False) -> _Handle:
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state dicts
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``, torch's layout.

        Parameters are replaced by their position over all groups; the state tensors are not copied.
        """
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        sd = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, sd)
            if result is not None:
                sd = result
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a dict made by ``state_dict`` (ours or torch's, tensors converted): state follows parameter order.

        Floating state tensors are cast to their parameter's dtype (``step`` keeps its own).
        """
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups),
                          itertools.chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v, None)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            new_groups.append(saved)
        self.__setstate__({"state": state, "param_groups": new_groups})
        self._fill_group_defaults()
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    def _fill_group_defaults(self):
        """After loading: options a saved group lacks (older formats) take this optimizer's defaults."""
        for group in self.param_groups:
            for k, v in self.defaults.items():
                if v is not required:
                    group.setdefault(k, v)

    # ------------------------------------------------------------------ helpers for subclasses
    def _params_with_grad(self, group):
        return [p for p in group["params"] if p._grad is not None]


def _cast(param, value, key):
    """Copy the containers of a loaded state; cast floating tensors to ``param``'s dtype (never ``step``)."""
    if isinstance(value, Tensor):
        if key != "step" and is_float_np(param._data.dtype) and value._data.dtype != param._data.dtype:
            return make(value._data.astype(param._data.dtype))
        return value
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v, None) for v in value)
    return value


# ---------------------------------------------------------------------- shared numerics


def scalar(x):
    """A Python number from a float or a one-element tensor (``lr`` may be a tensor, as in torch)."""
    return float(x._data) if isinstance(x, Tensor) else x


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= scalar(lr):
        raise ValueError(f"Invalid learning rate: {lr}")


def step_tensor(value=0.0):
    """The ``state["step"]`` counter: a 0-d tensor of the default float type, as torch keeps it."""
    dt = np.float64 if _dtype.get_default_dtype() is _dtype.float64 else np.float32
    return make(np.array(value, dtype=dt))


def incr_step(state):
    """Add one to ``state["step"]`` (a tensor, or a number from an old state dict) and return its value."""
    st = state["step"]
    if not isinstance(st, Tensor):
        st = state["step"] = step_tensor(float(st))
    st._data += 1
    return float(st._data)


def zeros_state(p):
    return make(np.zeros_like(p._data))


def grad_of(p, maximize, weight_decay=0.0):
    """The gradient array to use: negated for ``maximize``, plus ``weight_decay * p`` (new arrays, never in place)."""
    g = p._grad._data
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * p._data
    return g


def lerp_(a, b, w, tmp=None):
    """``a.lerp_(b, w)`` with torch's two-branch formula (the stable one for the weight's magnitude);
    ``tmp`` is an optional scratch array of ``a``'s shape."""
    tmp = np.subtract(b, a, out=tmp)
    if abs(w) < 0.5:
        tmp *= w
        a += tmp
    else:
        tmp *= 1 - w
        np.subtract(b, tmp, out=a)
    return a


def addcmul_(a, value, t1, t2, tmp):
    """``a += value * t1 * t2`` through the scratch array ``tmp`` (torch's addcmul_ order)."""
    np.multiply(t1, value, out=tmp)
    tmp *= t2
    a += tmp
    return a


def bump(p):
    p._vc[0] += 1
