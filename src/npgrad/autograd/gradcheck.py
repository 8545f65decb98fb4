"""Numerical gradient checks: compare the analytical Jacobian (from backward) with finite differences.

``gradcheck(fn, inputs)`` and ``gradgradcheck(fn, inputs)`` as in torch: float64 inputs, central differences
with step ``eps``, a ``GradcheckError`` that names the input and the worst element when they disagree.
"""
import numpy as np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _outputs(fn, inputs):
    from .._tensor import Tensor
    out = _as_tuple(fn(*inputs))
    return tuple(o for o in out if isinstance(o, Tensor) and o._data.dtype.kind == "f")


def _numerical_jacobian(fn, inputs, i, eps):
    """d(all outputs, flattened)/d(inputs[i]) by central differences on the input's own storage."""
    from .grad_mode import no_grad
    x = inputs[i]._data
    flat = x.reshape(-1)  # a view: inputs are contiguous float64 here
    cols = []
    with no_grad():
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + eps
            plus = np.concatenate([o._data.reshape(-1) for o in _outputs(fn, inputs)] or [np.zeros(0)])
            flat[k] = orig - eps
            minus = np.concatenate([o._data.reshape(-1) for o in _outputs(fn, inputs)] or [np.zeros(0)])
            flat[k] = orig
            cols.append((plus - minus) / (2 * eps))
    return np.stack(cols, axis=1) if cols else np.zeros((0, 0))


def _analytical_jacobian(fn, inputs, i):
    from . import grad
    outs = _outputs(fn, inputs)
    rows = []
    for o in outs:
        for k in range(o._data.size):
            seed = np.zeros(o._data.shape, o._data.dtype)
            seed.reshape(-1)[k] = 1
            from .._tensor import make
            (g,) = grad(o, inputs[i], make(seed), retain_graph=True, allow_unused=True)
            rows.append(np.zeros(inputs[i]._data.size) if g is None else g._data.reshape(-1).astype(np.float64))
    return np.stack(rows, axis=0) if rows else np.zeros((0, inputs[i]._data.size))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """True when every differentiable input's analytical Jacobian matches finite differences."""
    from .._tensor import Tensor
    inputs = _as_tuple(inputs)
    for idx, x in enumerate(inputs):
        if isinstance(x, Tensor) and x._req:
            if x._data.dtype != np.float64:
                import warnings
                warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating point. "
                              "This check will likely fail if all the inputs are not of double precision "
                              "floating point.", UserWarning, stacklevel=2)
            if not x._data.flags.c_contiguous or not x._data.flags.writeable:
                x._data = np.ascontiguousarray(x._data).copy()
            num = _numerical_jacobian(func, inputs, idx, eps)
            ana = _analytical_jacobian(func, inputs, idx)
            if num.shape != ana.shape or not np.allclose(ana, num, rtol=rtol, atol=atol, equal_nan=True):
                if not raise_exception:
                    return False
                diff = np.abs(ana - num) if num.shape == ana.shape else None
                worst = "" if diff is None or diff.size == 0 else \
                    f"; worst element {np.unravel_index(np.nanargmax(diff), diff.shape)}: analytical " \
                    f"{ana.flat[np.nanargmax(diff)]:.6g} vs numerical {num.flat[np.nanargmax(diff)]:.6g}"
                raise GradcheckError(f"Jacobian mismatch for output 0 with respect to input {idx}{worst},\n"
                                     f"numerical:{num}\nanalytical:{ana}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """gradcheck of the first derivative (computed with ``create_graph=True``): checks second derivatives."""
    from .._tensor import Tensor, make
    from . import grad
    inputs = _as_tuple(inputs)
    diff_in = [x for x in inputs if isinstance(x, Tensor) and x._req]
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(make(rng.standard_normal(o._data.shape)).requires_grad_(True) for o in outs)
    n = len(inputs)

    def first_derivative(*args):
        from .grad_mode import enable_grad
        ins, gos = args[:n], args[n:]
        with enable_grad():
            os = _outputs(func, ins)
            d_in = [x for x in ins if isinstance(x, Tensor) and x._req]
            gs = grad(os, d_in, gos, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else make(np.zeros_like(x._data)) for g, x in zip(gs, d_in))

    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception) if diff_in else True
