"""``npgrad.func``: torch.func's composable transforms - ``grad``, ``grad_and_value``, ``vjp``, ``jvp``,
``jacrev``, ``jacfwd``, ``hessian``, ``vmap`` and ``functional_call``.

>>> import npgrad
>>> from npgrad.func import grad, vmap
>>> grad(lambda x: (x ** 3).sum())(npgrad.tensor([1.0, 2.0]))
tensor([ 3., 12.])
>>> vmap(lambda row: row.sum())(npgrad.ones(3, 2))
tensor([2., 2., 2.])

How they work here: on top of the ordinary autograd engine, not on functorch's levels. Each transform
differentiates with respect to fresh inputs of its own (``x.view_as(x)`` when ``x`` already requires grad, so
an outer transform or an outer ``backward`` still sees through it), and asks for a graph of the result
(``create_graph``) only when the function depends on some tensor from outside the transform; so
``grad(grad(f))`` nests, and a plain call returns plain tensors. ``jvp`` (hence ``jacfwd`` and ``hessian``)
uses the double-vjp trick: ``J v`` is the gradient of ``<J^T u, v>`` with respect to a dummy ``u``.

``vmap`` loops: it calls the function once per index of the mapped dimension and stacks the results. That is
correct for every op (pointwise, reductions, matmul, shape ops...) and as slow as a Python loop; there is no
batching rule. Consequences: randomness inside the function differs per sample (``randomness`` is accepted
and ignored) and ``.item()`` works inside it (torch refuses).

Arguments may be pytrees: nested tuples, lists and dicts of tensors.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np
from ._dtype import is_float_np

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from .nn.modules.module import Module

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap", "functional_call"]


# ---------------------------------------------------------------------------------------------- pytrees
def _flatten(tree):
    """Leaves of nested tuples/lists/dicts, and a spec to rebuild the structure."""
    if isinstance(tree, (tuple, list)) and not hasattr(tree, "_fields"):
        leaves, specs = [], []
        for t in tree:
            lv, sp = _flatten(t)
            leaves += lv
            specs.append(sp)
        return leaves, (type(tree), None, specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        keys = list(tree)
        for k in keys:
            lv, sp = _flatten(tree[k])
            leaves += lv
            specs.append(sp)
        return leaves, (dict, keys, specs)
    return [tree], None


def _unflatten(leaves, spec):
    it = iter(leaves)

    def build(sp):
        if sp is None:
            return next(it)
        kind, keys, specs = sp
        parts = [build(s) for s in specs]
        if kind is dict:
            return dict(zip(keys, parts))
        return kind(parts)
    return build(spec)


def _T():
    from ._tensor import Tensor
    return Tensor


# ---------------------------------------------------------------------------------------------- helpers
def _wrap_inputs(leaves):
    """Inputs this transform differentiates with respect to: fresh leaves, or views keeping an outer graph."""
    from .autograd.grad_mode import enable_grad
    T = _T()
    out = []
    with enable_grad():
        for x in leaves:
            if not isinstance(x, T):
                raise RuntimeError(f"Expected the differentiated inputs to be Tensors, got {type(x).__name__}")
            if x._req:
                out.append(x.view_as(x))
            else:
                out.append(x.detach().requires_grad_(True))
    return out


def _external(outputs, inside):
    """Whether the graph of ``outputs`` reaches a leaf that is not one of this transform's own inputs
    (so its results must keep a graph for an outer transform or backward)."""
    from .autograd.graph import AccumulateGrad
    own = {id(x) for x in inside if x.grad_fn is None}
    inner_nodes = {x.grad_fn for x in inside if x.grad_fn is not None}
    stack = [o.grad_fn for o in outputs if isinstance(o, _T()) and o.grad_fn is not None]
    stack += [o for o in outputs if isinstance(o, _T()) and o._req and o.grad_fn is None and id(o) not in own]
    if any(isinstance(s, _T()) for s in stack):
        return True
    seen = set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if type(node) is AccumulateGrad:
            if id(node.variable) not in own:
                return True
            continue
        for e in node._edges:
            if e is not None and e[0] is not None:
                nxt = e[0]
                if nxt in inner_nodes:  # a view of an outer tensor that requires grad
                    return True
                stack.append(nxt)
    return False


def _unwrap(tree, keep):
    """Results leave the transform: without a graph unless an outer computation needs one."""
    if keep:
        return tree
    leaves, spec = _flatten(tree)
    return _unflatten([x.detach() if isinstance(x, _T()) else x for x in leaves], spec)


def _argnums_tuple(argnums, nargs):
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        nums = (argnums,)
    elif isinstance(argnums, tuple) and argnums and all(isinstance(a, int) for a in argnums):
        nums = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for a in nums:
        if not -nargs <= a < nargs:
            raise RuntimeError(f"Got argnum={a}, but only {nargs} positional inputs")
    return tuple(a % nargs for a in nums)


def _zeros_like(x):
    from ._tensor import make
    return make(np.zeros(x._data.shape, x._data.dtype))


def _grads(outputs, inputs, grad_outputs, create_graph):
    from .autograd import grad as _grad
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o._req]
    if not pairs:
        return [_zeros_like(x) for x in inputs]
    gs = _grad([p[0] for p in pairs], inputs, [p[1] for p in pairs], retain_graph=True,
               create_graph=create_graph, allow_unused=True)
    return [_zeros_like(x) if g is None else g for g, x in zip(gs, inputs)]


def _wrap_argnums(args, argnums):
    """Replace the differentiated arguments by fresh leaves requiring grad; return (args, specs, leaves)."""
    nums = _argnums_tuple(argnums, len(args))
    args = list(args)
    specs, inside = [], []
    for a in nums:
        leaves, spec = _flatten(args[a])
        wrapped = _wrap_inputs(leaves)
        args[a] = _unflatten(wrapped, spec)
        specs.append((len(wrapped), spec))
        inside += wrapped
    return args, specs, inside


def _split_aux(out, has_aux, where):
    """``(output, aux)`` when ``has_aux``, with torch's error when f did not return a pair."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{where}: output of function f should be a tuple: (output, aux) if has_aux is True")
    return out


# ---------------------------------------------------------------------------------------------- grad
def grad_and_value(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """``f -> (x -> (df/dx, f(x)))`` for a scalar-valued ``f`` (``argnums`` picks the arguments).

    Example::

        >>> import npgrad as torch
        >>> g, value = torch.func.grad_and_value(lambda x: (x ** 2).sum())(torch.tensor([1.0, 2.0]))
        >>> g, value
        (tensor([2., 4.]), tensor(5.))
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .autograd.grad_mode import enable_grad
        args, specs, inside = _wrap_argnums(args, argnums)
        with enable_grad():
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "grad_and_value(f)(*args)")
            if not isinstance(out, _T()):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   "instead?")
            keep = _external([out], inside)
            gs = _grads([out], inside, [None], keep)
        res, k = [], 0
        for n, spec in specs:
            res.append(_unflatten(gs[k:k + n], spec))
            k += n
        g = res[0] if isinstance(argnums, int) else tuple(res)
        g = _unwrap(g, keep)
        value = _unwrap(out, keep)
        if has_aux:
            return g, (value, _unwrap(aux, _external(_flatten(aux)[0], inside)))
        return g, value
    return wrapper


def grad(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """``f -> (x -> df/dx)`` for a scalar-valued ``f``; ``grad(grad(f))`` gives second derivatives.

    >>> import npgrad
    >>> from npgrad.func import grad
    >>> grad(grad(lambda x: x ** 3))(npgrad.tensor(2.0))
    tensor(12.)
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g
    return wrapper


# ---------------------------------------------------------------------------------------------- vjp / jvp
def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """``(func(*primals), vjp_fn)``; ``vjp_fn(cotangents)`` returns one gradient per primal (a tuple).

    Example::

        >>> import npgrad as torch
        >>> out, vjp_fn = torch.func.vjp(torch.sin, torch.tensor([0.0, 1.0]))
        >>> vjp_fn(torch.ones(2))
        (tensor([1.0000, 0.5403]),)
    """
    from .autograd.grad_mode import enable_grad
    specs, inside, args = [], [], []
    for p in primals:
        leaves, spec = _flatten(p)
        wrapped = _wrap_inputs(leaves)
        args.append(_unflatten(wrapped, spec))
        specs.append((len(wrapped), spec))
        inside += wrapped
    with enable_grad():
        out = func(*args)
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError("vjp(f, *primals): output of function f should be a tuple: (output, aux) if "
                               "has_aux is True")
        out, aux = out
    out_leaves, out_spec = _flatten(out)
    for o in out_leaves:
        if not isinstance(o, _T()):
            raise RuntimeError(f"vjp(f, *primals): Expected f to be a function that has non-empty output and "
                               f"only Tensors as output, got {type(o)}")
    keep = _external(out_leaves, inside)

    def vjp_fn(cotangents):
        from .autograd.grad_mode import enable_grad as eg
        ct_leaves, _ = _flatten(cotangents)
        if len(ct_leaves) != len(out_leaves):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function. cotangents: {len(ct_leaves)} leaves, primal output: "
                               f"{len(out_leaves)} leaves")
        for i, (c, o) in enumerate(zip(ct_leaves, out_leaves)):
            if c._data.shape != o._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of torch.Size("
                                   f"{list(c._data.shape)}) and output[{i}] has a shape of torch.Size("
                                   f"{list(o._data.shape)}).")
        k_graph = keep or any(c._req for c in ct_leaves)
        with eg():
            gs = _grads(out_leaves, inside, ct_leaves, k_graph)
        res, k = [], 0
        for n, spec in specs:
            res.append(_unflatten(gs[k:k + n], spec))
            k += n
        return _unwrap(tuple(res), k_graph)

    result = (_unwrap(out, keep), vjp_fn)
    if has_aux:
        return result + (_unwrap(aux, keep),)
    return result


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False, has_aux: bool = False) -> Any:
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product (by the double-vjp trick).

    Example::

        >>> import npgrad as torch
        >>> torch.func.jvp(torch.exp, (torch.tensor([0.0, 1.0]),), (torch.ones(2),))
        (tensor([1.0000, 2.7183]), tensor([1.0000, 2.7183]))
    """
    from .autograd.grad_mode import enable_grad
    if strict:
        raise NotImplementedError("jvp(strict=True) is not implemented in npgrad (its outputs are not checked for "
                                  "independence from the inputs); call it with strict=False")
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    if not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected tangents to be a tuple. If you are trying to compute "
                           "a jvp with respect to a single primal, please wrap it in a tuple.")
    p_leaves, p_spec = _flatten(primals)
    t_leaves, _ = _flatten(tangents)
    if len(p_leaves) != len(t_leaves):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           "structure.")
    for p, t in zip(p_leaves, t_leaves):
        if p._data.shape != t._data.shape:
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the "
                               f"original Tensor, this is not supported. Tensor is of size {list(p._data.shape)} "
                               f"while the given forward gradient is of size {list(t._data.shape)}.")
    inside = _wrap_inputs(p_leaves)
    args = _unflatten(inside, p_spec)
    with enable_grad():
        out = func(*args)
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError("jvp(f, primals, tangents): output of function f should be a tuple: (output, "
                                   "aux) if has_aux is True")
            out, aux = out
        out_leaves, out_spec = _flatten(out)
        for o in out_leaves:
            if not isinstance(o, _T()):
                raise RuntimeError(f"jvp(f, primals, tangents): Expected f(*primals) to return only tensors, got "
                                   f"unsupported type {type(o)}")
        keep = _external(out_leaves, inside) or any(t._req for t in t_leaves)
        us = [_zeros_like(o).requires_grad_(True) if is_float_np(o._data.dtype) else None for o in out_leaves]
        live = [(o, u) for o, u in zip(out_leaves, us) if u is not None]
        gins = _grads([o for o, _ in live], inside, [u for _, u in live], True)
        terms = [(g * t).sum() for g, t in zip(gins, t_leaves) if g._req]
        jv = [None] * len(live)
        if terms:
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            jv = _grads([total], [u for _, u in live], [None], keep)
    it = iter(jv)
    tan = [None if u is None else next(it) for u in us]
    tan = [_zeros_like(o) if t is None else t for o, t in zip(out_leaves, tan)]
    result = (_unwrap(out, keep), _unwrap(_unflatten(tan, out_spec), keep))
    if has_aux:
        return result + (_unwrap(aux, keep),)
    return result


# ---------------------------------------------------------------------------------------------- Jacobians
def _stack(tensors, dim=0):
    import npgrad
    stack = getattr(npgrad, "stack", None)
    if stack is not None:
        return stack(list(tensors), dim)
    # no stack op yet: unsqueeze each and add one-hot placements (mul/add only, differentiable)
    from ._tensor import make
    n = len(tensors)
    total = None
    for k, t in enumerate(tensors):
        shape = [1] * (t.dim() + 1)
        shape[dim] = n
        e = np.zeros(shape, t._data.dtype)
        e.reshape(-1)[k] = 1
        term = make(e) * t.unsqueeze(dim)
        total = term if total is None else total + term
    return total


def _jac(func, argnums, has_aux, mode, name):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .autograd.grad_mode import enable_grad
        args, in_specs, inside = _wrap_argnums(args, argnums)
        with enable_grad():
            out, aux = _split_aux(func(*args, **kwargs), has_aux, f"{name}(f, ...)(*args)")
            out_leaves, out_spec = _flatten(out)
            for o in out_leaves:
                if not isinstance(o, _T()):
                    raise RuntimeError(f"{name}(f, ...)(*args): Expected f to return only tensors, got "
                                       f"unsupported type {type(o)}")
            keep = _external(out_leaves, inside)
            # blocks[i][j]: d out_i / d inside_j, shape out_i.shape + in_j.shape
            if mode == "rev":
                blocks = [[[] for _ in inside] for _ in out_leaves]
                for i, o in enumerate(out_leaves):
                    for k in range(o.numel()):
                        seed = np.zeros(o._data.shape, o._data.dtype)
                        seed.reshape(-1)[k] = 1
                        from ._tensor import make
                        gs = _grads([o], inside, [make(seed)], keep)
                        for j, g in enumerate(gs):
                            blocks[i][j].append(g.reshape(-1))
                blocks = [[_stack(rows, 0).reshape(tuple(o.shape) + tuple(x.shape)) if rows else
                           _zeros_like(o).reshape(tuple(o.shape) + tuple(x.shape))
                           for rows, x in zip(per_in, inside)] for per_in, o in zip(blocks, out_leaves)]
            else:
                blocks = [[None] * len(inside) for _ in out_leaves]
                for j, x in enumerate(inside):
                    cols = [[] for _ in out_leaves]
                    for k in range(x.numel()):
                        tangents = [_zeros_like(y) for y in inside]
                        t = np.zeros(x._data.shape, x._data.dtype)
                        t.reshape(-1)[k] = 1
                        from ._tensor import make
                        tangents[j] = make(t)
                        jv = _jvp_inside(out_leaves, inside, tangents, keep)
                        for i, c in enumerate(jv):
                            cols[i].append(c.reshape(-1))
                    for i, o in enumerate(out_leaves):
                        shape = tuple(o.shape) + tuple(x.shape)
                        blocks[i][j] = _stack(cols[i], 1).reshape(shape) if cols[i] else \
                            _zeros_like(o).reshape(shape)
        # structure: output pytree; each leaf is (per argnum) the input pytree of blocks
        per_out = []
        for i in range(len(out_leaves)):
            res, k = [], 0
            for n, spec in in_specs:
                res.append(_unflatten(blocks[i][k:k + n], spec))
                k += n
            per_out.append(res[0] if isinstance(argnums, int) else tuple(res))
        jac = _unwrap(_unflatten(per_out, out_spec), keep)
        if has_aux:
            return jac, _unwrap(aux, keep)
        return jac
    return wrapper


def _jvp_inside(out_leaves, inside, tangents, keep):
    """``J @ tangents`` for outputs already computed from ``inside`` (double-vjp trick)."""
    us = [_zeros_like(o).requires_grad_(True) for o in out_leaves]
    gins = _grads(out_leaves, inside, us, True)
    terms = [(g * t).sum() for g, t in zip(gins, tangents) if g._req]
    if not terms:
        return [_zeros_like(o) for o in out_leaves]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return _grads([total], us, [None], keep)


def jacrev(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable[..., Any]:
    """``f -> (x -> Jacobian)`` by reverse mode (one vjp per output element).

    Example::

        >>> import npgrad as torch
        >>> torch.func.jacrev(lambda x: x ** 2)(torch.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    return _jac(func, argnums, has_aux, "rev", "jacrev")


def jacfwd(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:
    """``f -> (x -> Jacobian)`` by forward mode (one jvp per input element).

    Example::

        >>> import npgrad as torch
        >>> torch.func.jacfwd(lambda x: x.sin())(torch.tensor([0.0, 1.0]))
        tensor([[1.0000, 0.0000],
                [0.0000, 0.5403]])
    """
    return _jac(func, argnums, has_aux, "fwd", "jacfwd")


def hessian(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """``f -> (x -> Hessian)``: ``jacfwd(jacrev(f))``.

    Example::

        >>> import npgrad as torch
        >>> torch.func.hessian(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)


# ---------------------------------------------------------------------------------------------- vmap
def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable[..., Any]:
    """Map ``func`` over a dimension of its inputs: one call per index, results stacked along ``out_dims``.

    ``in_dims``: an int, or a (nested) tuple matching the arguments with ``None`` for unmapped ones.
    ``out_dims``: an int, or a tuple per output (``None`` for an output that does not vary).

    >>> import npgrad
    >>> from npgrad.func import vmap
    >>> vmap(lambda a, b: a @ b)(npgrad.ones(3, 2), npgrad.ones(3, 2))
    tensor([2., 2., 2.])
    """
    name = getattr(func, "__name__", type(func).__name__)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        T = _T()
        if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                             f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
        a_leaves, a_spec = _flatten(tuple(args))
        if isinstance(in_dims, int):
            d_leaves = [in_dims] * len(a_leaves)
        else:
            if len(in_dims) != len(args):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
                                 f"the structure of `inputs`. in_dims has {len(in_dims)} entries but inputs has "
                                 f"{len(args)}.")
            d_leaves = []
            for d, a in zip(in_dims, args):
                n = len(_flatten(a)[0])
                if isinstance(d, (tuple, list, dict)):
                    dl = _flatten(d)[0]
                    if len(dl) != n:
                        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                                         "compatible with the structure of `inputs`.")
                    d_leaves += dl
                else:
                    d_leaves += [d] * n
        size = None
        sizes = []
        for x, d in zip(a_leaves, d_leaves):
            if d is None:
                continue
            if not isinstance(x, T):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                                 f"the input is of type {type(x)}. We cannot vmap over non-Tensor arguments, please "
                                 "use None as the respective in_dim")
            nd = x.dim()
            if not -nd <= d < max(nd, 0) or nd == 0:
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, "
                                 f"but that input is a Tensor of dimensionality {nd} so expected in_dim to satisfy "
                                 f"-{nd} <= in_dim < {nd}.")
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): at least one input must be mapped "
                             "over (got in_dims=None for every input).")
        if len(set(sizes)) != 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        size = sizes[0]
        results = []
        for i in range(size):
            sl = [x if d is None else x.select(d, i) for x, d in zip(a_leaves, d_leaves)]
            results.append(func(*_unflatten(sl, a_spec), **kwargs))
        first_leaves, out_spec = _flatten(results[0])
        per = [_flatten(r)[0] for r in results]
        if isinstance(out_dims, int):
            o_dims = [out_dims] * len(first_leaves)
        else:
            o_dims = _flatten(out_dims)[0] if isinstance(out_dims, tuple) and len(out_dims) == len(first_leaves) \
                else [out_dims] * len(first_leaves)
        outs = []
        for k, od in enumerate(o_dims):
            items = [p[k] for p in per]
            if od is None:
                outs.append(items[0])
                continue
            if not all(isinstance(t, T) for t in items):
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                                 f"{type(items[0])}. Did you mean to set out_dims= to None for output?")
            nd = items[0].dim() + 1
            if not -nd <= od < nd:
                raise ValueError(f"vmap({name}, ...): Got out_dim={od} for an output, which is out of range for a "
                                 f"batched output of dimensionality {nd}.")
            outs.append(_stack(items, od % nd))
        return _unflatten(outs, out_spec)
    return wrapper


# ---------------------------------------------------------------------------------------------- modules
def functional_call(module: Module, parameter_and_buffer_dicts: Mapping[str, Any] | Sequence[Mapping[str, Any]],
                    args: Any = None, kwargs: dict[str, Any] | None = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """Call ``module`` with some of its parameters and buffers replaced by the given tensors (by dotted name),
    restoring them afterwards.

    >>> import npgrad
    >>> from npgrad.func import functional_call
    >>> lin = npgrad.nn.Linear(2, 1)
    >>> params = {"weight": npgrad.ones(1, 2), "bias": npgrad.zeros(1)}
    >>> functional_call(lin, params, (npgrad.tensor([[1.0, 2.0]]),))
    tensor([[3.]])
    """
    if isinstance(parameter_and_buffer_dicts, (tuple, list)):
        merged = {}
        for d in parameter_and_buffer_dicts:
            for k, v in d.items():
                if k in merged:
                    raise ValueError(f"{k} appeared in multiple dictionaries; behavior of functional call is "
                                     "ambiguous")
                merged[k] = v
    else:
        merged = dict(parameter_and_buffer_dicts)  # type: ignore[arg-type]  # (a Mapping: lists were merged above)
    if strict:
        known = {n for n, _ in module.named_parameters()} | {n for n, _ in module.named_buffers()}
        missing = sorted(known - set(merged))
        unexpected = sorted(set(merged) - known)
        if missing or unexpected:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}: missing keys "
                               f"{missing}, unexpected keys {unexpected}")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    saved = []
    try:
        for name, value in merged.items():
            *path, leaf = name.split(".")
            owner = module
            for p in path:
                owner = getattr(owner, p)
            table = None
            for tname in ("_parameters", "_buffers"):
                t = owner.__dict__.get(tname)
                if t is not None and leaf in t:
                    table = t
                    break
            if table is not None:
                saved.append((table, leaf, table[leaf]))
                table[leaf] = value
            else:
                saved.append((owner.__dict__, leaf, owner.__dict__.get(leaf, _MISSING)))
                owner.__dict__[leaf] = value
        return module(*args, **(kwargs or {}))
    finally:
        for table, leaf, old in reversed(saved):
            if old is _MISSING:
                table.pop(leaf, None)
            else:
                table[leaf] = old


_MISSING = object()
