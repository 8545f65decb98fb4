"""Run the same code on npgrad and on torch and compare what comes out.

Ops are written once as ``fn(m, *args)`` where ``m`` is the module (``npgrad`` or ``torch``): their APIs are
the same, so one lambda drives both. Inputs are NumPy arrays (or Python numbers); each framework gets its own
tensors made from them, floating ones with ``requires_grad=True``.
"""
import numpy as np
import torch

import npgrad

TOL = {np.float16: (1e-2, 1e-2), np.float32: (1e-4, 1e-5), np.float64: (1e-7, 1e-9)}


def tol(dtype):
    return TOL.get(np.dtype(dtype).type, (0, 0))


def to_np(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, npgrad.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def make_inputs(m, args, requires_grad=True):
    from tests.support.op_db import NoGrad
    out = []
    for a in args:
        if isinstance(a, NoGrad):
            out.append(m.tensor(a.array.copy()))
        elif isinstance(a, np.ndarray):
            t = m.tensor(a.copy())
            if requires_grad and a.dtype.kind == "f":
                t.requires_grad_(True)
            out.append(t)
        else:
            out.append(a)
    return out


def assert_same(ours, theirs, what="value", rtol=None, atol=None):
    """Same shape, same dtype name, same values (NaNs in the same places) within the dtype's tolerance."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), f"{what}: {ours!r} vs {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{what}[{i}]", rtol, atol)
        return
    if theirs is None:
        assert ours is None, f"{what}: expected None, got {ours!r}"
        return
    if not isinstance(theirs, torch.Tensor):
        assert not isinstance(ours, npgrad.Tensor), f"{what}: torch gave {type(theirs)}, npgrad a Tensor"
        if isinstance(theirs, float):
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, equal_nan=True, err_msg=what)
        else:
            assert ours == theirs, f"{what}: {ours!r} != {theirs!r}"
        return
    assert isinstance(ours, npgrad.Tensor), f"{what}: expected a Tensor, got {type(ours).__name__}"
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], \
        f"{what}: dtype {ours.dtype} vs torch {theirs.dtype}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)} vs {tuple(theirs.shape)}"
    a, b = to_np(ours), to_np(theirs)
    r, t = tol(b.dtype)
    rtol = r if rtol is None else rtol
    atol = t if atol is None else atol
    if b.dtype.kind == "f":
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def grad_fn_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def _outputs(res):
    return list(res) if isinstance(res, (tuple, list)) else [res]


def compare(fn, args, kwargs=None, *, grad=True, rtol=None, atol=None, check_name=True, seed=0):
    """Forward values, dtypes, shapes and grad_fn names; then gradients of ``sum(out * w)``, against torch."""
    kwargs = kwargs or {}
    ours_in = make_inputs(npgrad, args, grad)
    theirs_in = make_inputs(torch, args, grad)
    theirs = fn(torch, *theirs_in, **kwargs)
    ours = fn(npgrad, *ours_in, **kwargs)
    assert_same(ours, theirs, "forward", rtol, atol)
    t_outs, o_outs = _outputs(theirs), _outputs(ours)
    if check_name:
        for o, t in zip(o_outs, t_outs):
            if isinstance(t, torch.Tensor):
                assert grad_fn_name(o) == grad_fn_name(t), f"grad_fn {grad_fn_name(o)} vs torch {grad_fn_name(t)}"
    if not grad:
        return
    rng = np.random.default_rng(seed)
    t_loss = o_loss = None
    for o, t in zip(o_outs, t_outs):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            w = rng.standard_normal(tuple(t.shape)).astype(to_np(t).dtype)
            tl = (t * torch.tensor(w)).sum()
            ol = (o * npgrad.tensor(w)).sum()
            t_loss = tl if t_loss is None else t_loss + tl
            o_loss = ol if o_loss is None else o_loss + ol
    if t_loss is None:
        return
    t_diff = [x for x in theirs_in if isinstance(x, torch.Tensor) and x.requires_grad]
    o_diff = [x for x in ours_in if isinstance(x, npgrad.Tensor) and x.requires_grad]
    t_grads = torch.autograd.grad(t_loss, t_diff, allow_unused=True)
    o_grads = npgrad.autograd.grad(o_loss, o_diff, allow_unused=True)
    for i, (og, tg) in enumerate(zip(o_grads, t_grads)):
        if tg is None:
            assert og is None or not np.any(to_np(og)), f"grad[{i}]: torch None, npgrad {og}"
            continue
        assert og is not None, f"grad[{i}]: npgrad None, torch {tg}"
        assert_same(og, tg, f"grad[{i}]", rtol, atol)


def compare_error(fn, args, kwargs=None):
    """npgrad raises the same exception class as torch (and torch does raise)."""
    kwargs = kwargs or {}
    exc_t = exc_o = None
    try:
        fn(torch, *make_inputs(torch, args, False), **kwargs)
    except Exception as e:  # noqa: BLE001
        exc_t = e
    try:
        fn(npgrad, *make_inputs(npgrad, args, False), **kwargs)
    except Exception as e:  # noqa: BLE001
        exc_o = e
    assert exc_t is not None, "torch did not raise"
    assert exc_o is not None, f"npgrad did not raise (torch raised {type(exc_t).__name__}: {exc_t})"
    assert isinstance(exc_o, type(exc_t)), f"npgrad raised {type(exc_o).__name__}: {exc_o}; torch " \
        f"{type(exc_t).__name__}: {exc_t}"
    return exc_o, exc_t
