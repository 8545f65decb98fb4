"""Numerical gradient checks: compare analytical Jacobians (from backward, or forward AD) with finite differences.

``gradcheck(fn, inputs)`` and ``gradgradcheck(fn, inputs)`` take torch's arguments. Inputs should be float64;
the numerical Jacobian uses central differences with step ``eps``, perturbing each input element in place. On
a mismatch a ``GradcheckError`` (a ``RuntimeError``) names the output and input, prints both Jacobians (rows:
input elements, columns: output elements, torch's layout) and the worst element.

``fast_mode=True`` compares ``v^T J u`` for random ``u, v`` instead of whole Jacobians (one backward pass and
two forward evaluations per input), and recomputes the slow Jacobians for the report when that fails.
``check_forward_ad=True`` also checks the forward-mode Jacobian (dual tensors). ``check_undefined_grad``,
``check_batched_grad``, ``check_grad_dtypes``, ``nondet_tol`` and ``masked`` are accepted; the first three are
not run (npgrad never hands a backward an undefined gradient, and has no batched backward).

>>> import npgrad
>>> x = npgrad.tensor([1.0, 2.0], dtype=npgrad.float64, requires_grad=True)
>>> npgrad.autograd.gradcheck(lambda t: (t ** 3).sum(), (x,))
True
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from .._dtype import is_float_np
from .._warn import warn as _warn

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .._tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck``/``gradgradcheck`` when the Jacobians disagree (a ``RuntimeError``, as torch's).

    Example::

        >>> import npgrad as torch
        >>> class Wrong(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         return g * 3
        >>> from npgrad.autograd.gradcheck import GradcheckError
        >>> x = torch.ones(2, dtype=torch.float64, requires_grad=True)
        >>> try:
        ...     torch.autograd.gradcheck(Wrong.apply, (x,))
        ... except GradcheckError as e:
        ...     print(type(e).__name__, isinstance(e, RuntimeError))
        GradcheckError True
    """


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _outputs(fn, inputs):
    """The floating-point Tensor outputs of ``fn``: the ones that have Jacobians."""
    from .._tensor import Tensor
    out = _as_tuple(fn(*inputs))
    return tuple(o for o in out if isinstance(o, Tensor) and is_float_np(o._data.dtype))


def _flat_outputs(fn, inputs):
    outs = _outputs(fn, inputs)
    return [o._data.reshape(-1).astype(np.float64) for o in outs]


def _numerical(fn, inputs, i, eps, direction=None):
    """Per output: d(output, flattened)/d(inputs[i]) as (input numel, output numel), by central differences.
    With ``direction`` only the directional derivative ``J u`` (one column per output) is computed."""
    from .grad_mode import no_grad
    flat = inputs[i]._data.reshape(-1)  # a view: _prepare made the input contiguous and writeable
    with no_grad():
        if direction is not None:
            orig = flat.copy()
            flat += eps * direction
            plus = _flat_outputs(fn, inputs)
            flat[:] = orig - eps * direction
            minus = _flat_outputs(fn, inputs)
            flat[:] = orig
            return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]
        rows = []
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + eps
            plus = _flat_outputs(fn, inputs)
            flat[k] = orig - eps
            minus = _flat_outputs(fn, inputs)
            flat[k] = orig
            rows.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(_outputs(fn, inputs)) if not rows else len(rows[0])
    jac = []
    for j in range(n_out):
        cols = [r[j] for r in rows]
        jac.append(np.stack(cols, axis=0) if cols else np.zeros((0, 0)))
    return jac


def _analytical(fn, inputs, diff_idx):
    """Per (output j, input i): the Jacobian from backward, (input numel, output numel)."""
    from . import grad
    from .._tensor import make
    from .grad_mode import enable_grad
    with enable_grad():
        outs = _outputs(fn, inputs)
    diff = [inputs[i] for i in diff_idx]
    jac = {}
    for j, o in enumerate(outs):
        cols = {i: [] for i in diff_idx}
        for k in range(o._data.size):
            if not o._req:
                for i in diff_idx:
                    cols[i].append(np.zeros(inputs[i]._data.size))
                continue
            seed = np.zeros(o._data.shape, o._data.dtype)
            seed.reshape(-1)[k] = 1
            gs = grad(o, diff, make(seed), retain_graph=True, allow_unused=True)
            for i, g in zip(diff_idx, gs):
                cols[i].append(np.zeros(inputs[i]._data.size) if g is None else
                               g._data.reshape(-1).astype(np.float64))
        for i in diff_idx:
            jac[j, i] = np.stack(cols[i], axis=1) if cols[i] else np.zeros((inputs[i]._data.size, 0))
    return jac, len(outs)


def _forward_ad_jacobian(fn, inputs, i):
    """Per output: the Jacobian from forward-mode AD (one dual pass per input element)."""
    from . import forward_ad as fwAD
    from .._tensor import make
    x = inputs[i]
    cols = []
    with fwAD.dual_level():
        for k in range(x._data.size):
            t = np.zeros(x._data.shape, x._data.dtype)
            t.reshape(-1)[k] = 1
            args = list(inputs)
            args[i] = fwAD.make_dual(x.detach(), make(t))
            outs = _outputs(fn, args)
            cols.append([np.zeros(o._data.size) if fwAD.unpack_dual(o).tangent is None else
                         fwAD.unpack_dual(o).tangent._data.reshape(-1).astype(np.float64) for o in outs])
    n_out = len(cols[0]) if cols else 0
    return [np.stack([c[j] for c in cols], axis=0) for j in range(n_out)]


def _prepare(inputs):
    from .._tensor import Tensor
    diff_idx = []
    for idx, x in enumerate(inputs):
        if isinstance(x, Tensor) and x._req:
            if x._data.dtype != np.float64:
                _warn(f"Input #{idx} requires gradient and is not a double precision floating point. "
                              "This check will likely fail if all the inputs are not of double precision "
                              "floating point.", UserWarning)
            if not x._data.flags.c_contiguous or not x._data.flags.writeable:
                x._data = np.ascontiguousarray(x._data).copy()
            diff_idx.append(idx)
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    return diff_idx


def _fmt(a):
    from .._tensor import make
    return repr(make(np.asarray(a, dtype=np.float64)))


def _fail(msg, raise_exception):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def _mismatch_msg(j, i, num, ana, kind="Jacobian"):
    diff = np.abs(num - ana)
    worst = ""
    if diff.size:
        w = int(np.nanargmax(np.where(np.isnan(diff), np.inf, diff)))
        r, c = np.unravel_index(w, diff.shape)
        worst = (f"The worst element is input element {r}, output element {c}: numerical {num[r, c]:.6g} vs "
                 f"analytical {ana[r, c]:.6g} (difference {diff[r, c]:.6g}).\n")
    return (f"{kind} mismatch for output {j} with respect to input {i},\n"
            f"numerical:{_fmt(num)}\nanalytical:{_fmt(ana)}\n\n{worst}")


def gradcheck(func: Callable[..., Any], inputs: Tensor | Sequence[Any], *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    """True when every differentiable input's analytical Jacobian matches finite differences.

    ``nondet_tol`` has nothing to do (npgrad's backward is deterministic) and ``check_undefined_grad`` is not
    performed; the checks npgrad does not implement are refused when asked for (``_not_implemented``).

    Args:
        func (callable): takes the ``inputs`` and returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple): the inputs; those that require grad (use float64) are checked.
        eps (float): the finite-difference step. Default: 1e-6.
        atol, rtol (float): the tolerances of the comparison. Default: 1e-5, 1e-3.
        raise_exception (bool): raise :class:`GradcheckError` on a mismatch (else return ``False``).
            Default: ``True``.
        check_forward_ad (bool): also check forward-mode AD. Default: ``False``.
        check_backward_ad (bool): check backward. Default: ``True``.
        fast_mode (bool): compare one random projection of the Jacobians instead of all of them.
            Default: ``False``.

    Returns:
        bool: ``True`` when every Jacobian matches.

    Example::

        >>> import npgrad as torch
        >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
        >>> torch.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
        True
        >>> torch.autograd.gradcheck(torch.atan2, (x, x.detach().flip(0).requires_grad_()), check_forward_ad=True)
        True
    """
    _not_implemented("gradcheck", check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     check_batched_forward_grad=check_batched_forward_grad, masked=masked)
    inputs = _as_tuple(inputs)
    diff_idx = _prepare(inputs)
    if check_backward_ad:
        if fast_mode:
            ok = _fast_check(func, inputs, diff_idx, eps, atol, rtol, raise_exception)
        else:
            ok = _slow_check(func, inputs, diff_idx, eps, atol, rtol, raise_exception)
        if not ok:
            return False
    if check_forward_ad:
        for i in diff_idx:
            num = _numerical(func, inputs, i, eps)
            fwd = _forward_ad_jacobian(func, inputs, i)
            for j, (n, f) in enumerate(zip(num, fwd)):
                if n.shape != f.shape or not np.allclose(f, n, rtol=rtol, atol=atol, equal_nan=True):
                    return _fail(_mismatch_msg(j, i, n, f, "Jacobian computed with forward mode"),
                                 raise_exception)
    return True


def _not_implemented(fname, **flags):
    for k, v in flags.items():
        if v:
            raise NotImplementedError(f"{fname}({k}=True) is not implemented in npgrad; call it without {k}")


def _slow_check(func, inputs, diff_idx, eps, atol, rtol, raise_exception):
    ana, n_out = _analytical(func, inputs, diff_idx)
    for i in diff_idx:
        num = _numerical(func, inputs, i, eps)
        for j in range(n_out):
            n = num[j] if j < len(num) else np.zeros((inputs[i]._data.size, 0))
            a = ana[j, i]
            if n.shape != a.shape or not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                return _fail(_mismatch_msg(j, i, n, a), raise_exception)
    return True


def _fast_check(func, inputs, diff_idx, eps, atol, rtol, raise_exception):
    """Compare ``v^T J u`` computed both ways, for random unit-scale ``u`` (per input) and ``v`` (per output)."""
    from . import grad
    from .._tensor import make
    from .grad_mode import enable_grad
    rng = np.random.default_rng(0)
    with enable_grad():
        outs = _outputs(func, inputs)
    vs = [rng.standard_normal(o._data.shape) for o in outs]
    for i in diff_idx:
        u = rng.standard_normal(inputs[i]._data.size)
        ju = _numerical(func, inputs, i, eps, direction=u)
        for j, (o, v) in enumerate(zip(outs, vs)):
            numerical = float(np.dot(ju[j], v.reshape(-1)))
            if o._req:
                (g,) = grad(o, inputs[i], make(v.astype(o._data.dtype)), retain_graph=True, allow_unused=True)
            else:
                g = None
            analytical = 0.0 if g is None else float(np.dot(g._data.reshape(-1).astype(np.float64), u))
            if not np.isclose(analytical, numerical, rtol=rtol, atol=atol, equal_nan=True):
                if not raise_exception:
                    return False
                ana, _ = _analytical(func, inputs, diff_idx)
                num = _numerical(func, inputs, i, eps)[j]
                a = ana[j, i]
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\nnumerical:{numerical}\n"
                    f"analytical:{analytical}\n\nThe above quantities relating the numerical and analytical "
                    f"jacobians are computed \nin fast mode (v^T J u for random u and v). Below, we recompute "
                    f"numerical and analytical jacobians in slow mode:\n\nNumerical:\n {_fmt(num)}\n"
                    f"Analytical:\n{_fmt(a)}\n\nThe max per-element difference (slow mode) is: "
                    f"{float(np.max(np.abs(num - a))) if a.size else 0.0}.\n")
    return True


def gradgradcheck(func: Callable[..., Any], inputs: Tensor | Sequence[Any],
                  grad_outputs: Tensor | Sequence[Tensor] | None = None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """gradcheck of the first derivative (computed with ``create_graph=True``): checks second derivatives.

    Takes :func:`gradcheck`'s arguments, plus ``grad_outputs`` (the vectors the first derivative is taken
    against; random when omitted) and ``gen_non_contig_grad_outputs``.

    Returns:
        bool: ``True`` when the second derivatives match finite differences of the first.

    Example::

        >>> import npgrad as torch
        >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
        >>> torch.autograd.gradgradcheck(lambda t: t.exp() * t ** 2, (x,))
        True
    """
    _not_implemented("gradgradcheck", check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     masked=masked)
    from .._tensor import Tensor, make
    from . import grad
    from .grad_mode import enable_grad
    inputs = _as_tuple(inputs)
    _prepare(inputs)
    with enable_grad():
        outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(make(rng.standard_normal(o._data.shape).astype(o._data.dtype)).requires_grad_(True)
                             for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivative(*args):
        ins, gos = args[:n], args[n:]
        with enable_grad():
            os = _outputs(func, ins)
            d_in = [x for x in ins if isinstance(x, Tensor) and x._req]
            pairs = [(o, g) for o, g in zip(os, gos) if o._req]
            if not pairs:
                return tuple(make(np.zeros_like(x._data)) for x in d_in)
            gs = grad([p[0] for p in pairs], d_in, [p[1] for p in pairs], create_graph=True, allow_unused=True)
        return tuple(g if g is not None else make(np.zeros_like(x._data)) for g, x in zip(gs, d_in))

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, fast_mode=fast_mode, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev)
