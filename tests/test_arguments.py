"""Arguments as torch takes them (issue 12 items 2 and 4, issue 13's out=): dtype arguments through one parser,
out= through one wrapper, creation functions' keywords, bad input at the boundary with torch's exception class.

Every case runs the same lambda on torch and on npgrad and compares: the result (values, dtype, shape) when torch
returns, the exception class when torch raises, and whether a warning is given.
"""
import warnings

import numpy as np
import pytest
import torch

import npgrad


def _run(m, fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = fn(m)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return "raise", e, [x.category for x in w]
    return "ok", r, [x.category for x in w]


def _norm(r):
    """A comparable form of a result: tensors to (dtype name, shape, values), containers elementwise."""
    if isinstance(r, (torch.Tensor, npgrad.Tensor)):
        a = r.detach().numpy() if isinstance(r, torch.Tensor) else r.detach().numpy()
        return ("T", str(r.dtype).split(".")[-1], tuple(a.shape), a.tolist())
    if isinstance(r, (torch.dtype, npgrad.dtype)):
        return ("dtype", str(r).split(".")[-1])
    if isinstance(r, (tuple, list)):
        return tuple(_norm(x) for x in r)
    return r


def check_like_torch(fn, compare_warnings=True):
    kt, rt, wt = _run(torch, fn)
    kn, rn, wn = _run(npgrad, fn)
    if kt == "raise":
        assert kn == "raise", f"torch raised {type(rt).__name__}: {rt}; npgrad returned {rn!r}"
        assert isinstance(rn, type(rt)), f"npgrad raised {type(rn).__name__}: {rn}; torch {type(rt).__name__}: {rt}"
        return
    assert kn == "ok", f"torch returned {rt!r}; npgrad raised {type(rn).__name__}: {rn}"
    assert _norm(rn) == _norm(rt)
    if compare_warnings:
        assert (UserWarning in wn) == (UserWarning in wt), (wn, wt)


# ---------------------------------------------------------------------------------------------- dtype arguments
_BUILTINS = [float, int, bool]
_DTYPE_CALLS = {
    "ones": lambda m, d: m.ones(2, dtype=d),
    "zeros": lambda m, d: m.zeros(2, 3, dtype=d),
    "empty_shape": lambda m, d: m.empty(2, dtype=d).shape,
    "full": lambda m, d: m.full((2,), 1, dtype=d),
    "tensor": lambda m, d: m.tensor([0.5, 1.0], dtype=d),
    "as_tensor": lambda m, d: m.as_tensor([1, 0], dtype=d),
    "arange": lambda m, d: m.arange(3, dtype=d),
    "linspace": lambda m, d: m.linspace(0, 1, 3, dtype=d),
    "eye": lambda m, d: m.eye(2, dtype=d),
    "zeros_like": lambda m, d: m.zeros_like(m.ones(2), dtype=d),
    "full_like": lambda m, d: m.full_like(m.ones(2), 1, dtype=d),
    "randint_dtype": lambda m, d: m.randint(0, 1, (2,), dtype=d),
    "new_zeros": lambda m, d: m.ones(2).new_zeros(2, dtype=d),
    "new_full": lambda m, d: m.ones(2).new_full((2,), 1, dtype=d),
    "new_tensor": lambda m, d: m.ones(2).new_tensor([1, 0], dtype=d),
    "to": lambda m, d: m.tensor([0.5, 2.0]).to(d),
    "to_kw": lambda m, d: m.tensor([0.5, 2.0]).to(dtype=d),
    "to_device_dtype": lambda m, d: m.tensor([0.5, 2.0]).to("cpu", d),
    "sum": lambda m, d: m.tensor([0.5, 2.0]).sum(dtype=d),
    "sum_dim": lambda m, d: m.sum(m.tensor([[0.5, 2.0]]), 1, dtype=d),
    "mean": lambda m, d: m.tensor([0.5, 2.0]).mean(dtype=d),
    "prod": lambda m, d: m.tensor([0.5, 2.0]).prod(dtype=d),
    "cumsum": lambda m, d: m.tensor([0.5, 2.0]).cumsum(0, dtype=d),
    "cumprod": lambda m, d: m.cumprod(m.tensor([0.5, 2.0]), 0, dtype=d),
    "softmax": lambda m, d: m.softmax(m.tensor([0.5, 2.0]), 0, dtype=d),
    "log_softmax": lambda m, d: m.tensor([0.5, 2.0]).log_softmax(0, dtype=d),
    "F_softmin": lambda m, d: m.nn.functional.softmin(m.tensor([0.5, 2.0]), 0, dtype=d),
    "norm": lambda m, d: m.tensor([0.5, 2.0]).norm(dtype=d),
    "vector_norm": lambda m, d: m.linalg.vector_norm(m.tensor([0.5, 2.0]), dtype=d),
}


@pytest.mark.parametrize("name", sorted(_DTYPE_CALLS))
@pytest.mark.parametrize("d", _BUILTINS + ["float32", "x", np.float32, np.dtype("float64"), 1],
                         ids=lambda d: getattr(d, "__name__", str(d)))
def test_dtype_argument_like_torch(name, d):
    """Python float/int/bool map to float64/int64/bool; strings, NumPy dtypes and numbers raise TypeError."""
    check_like_torch(lambda m: _DTYPE_CALLS[name](m, d), compare_warnings=False)


@pytest.mark.parametrize("name", ["ones", "to", "sum", "softmax", "tensor", "arange"])
def test_complex_dtype_is_refused_by_name(name):
    with pytest.raises(TypeError, match="complex"):
        _DTYPE_CALLS[name](npgrad, complex)


def test_python_float_is_float64_whatever_the_default():
    npgrad.set_default_dtype(npgrad.float64)
    try:
        assert npgrad.ones(1, dtype=float).dtype is npgrad.float64
    finally:
        npgrad.set_default_dtype(npgrad.float32)
    assert npgrad.ones(1, dtype=float).dtype is npgrad.float64  # not the default float32


# ---------------------------------------------------------------------------------------------- Tensor.to / type
_TO_CALLS = [
    lambda m: m.ones(2).to(int), lambda m: m.ones(2).to(float), lambda m: m.ones(2).to(bool),
    lambda m: m.ones(2).to("float32"), lambda m: m.ones(2).to(np.float64), lambda m: m.ones(2).to(m.float64, foo=1),
    lambda m: m.ones(2).to(m.ones(1, dtype=m.int64)), lambda m: m.ones(2).to(None, m.int64),
    lambda m: m.ones(2).to("cpu", m.float16, True, True), lambda m: m.ones(2).to(m.float16, True),
    lambda m: m.ones(2).to(device="cpu", dtype=m.int8), lambda m: m.ones(2).to(m.float64, copy=1),
    lambda m: m.ones(2).to(m.ones(2), 1), lambda m: m.ones(2).to(other=m.ones(2)),
    lambda m: m.ones(2).to(m.float32, copy=True).data_ptr() == 0,
    lambda m: m.ones(2).type(float), lambda m: m.ones(2).type("float64"), lambda m: m.ones(2).type("torch.LongTensor"),
    lambda m: m.ones(2).type(m.float64), lambda m: m.ones(2).type(), lambda m: m.ones(2).type(m.int8, True),
    lambda m: m.ones(2).type_as([1]), lambda m: m.ones(2).to(memory_format=m.contiguous_format),
    lambda m: m.ones(2).to(memory_format="x"),
    lambda m: m.nn.Linear(2, 2).to(float).weight.dtype, lambda m: m.nn.Linear(2, 2).to(dtype=float).weight.dtype,
    lambda m: m.nn.Linear(2, 2).to("float64"), lambda m: m.nn.Linear(2, 2).to(int),
    lambda m: m.nn.Linear(2, 2).to(m.float16, foo=1), lambda m: m.nn.Linear(2, 2).to("cpu", m.float64).weight.dtype,
    lambda m: m.nn.Linear(2, 2).to(m.ones(1, dtype=m.float64)).weight.dtype,
]


@pytest.mark.parametrize("i", range(len(_TO_CALLS)))
def test_to_and_type_like_torch(i):
    check_like_torch(_TO_CALLS[i])


def test_to_copy_true_copies():
    x = npgrad.ones(2)
    y = x.to(npgrad.float32, copy=True)
    assert y is not x and not np.shares_memory(y.numpy(), x.numpy())
    assert x.to(npgrad.float32) is x


# ---------------------------------------------------------------------------------------------- creation keywords
_CREATION_CALLS = [
    lambda m: m.tensor([1], pin_memory=True), lambda m: m.zeros(2, layout=m.strided), lambda m: m.zeros(2, layout="x"),
    lambda m: m.zeros_like(m.ones(2), memory_format="x"), lambda m: m.empty(2, memory_format=m.channels_last),
    lambda m: m.zeros_like(m.ones(2), memory_format=m.channels_last), lambda m: m.ones(2, pin_memory=True),
    lambda m: m.ones(2, dtype=m.float32, foo=1), lambda m: m.zeros_like(m.ones(2), memory_format=m.preserve_format),
    lambda m: m.randperm(-1), lambda m: m.randperm(2.5), lambda m: m.linspace(0, 1, 2.5), lambda m: m.eye(2.5),
    lambda m: m.arange(0, float("nan")), lambda m: m.arange(0, float("inf")), lambda m: m.arange(float("-inf"), 0),
    lambda m: m.full(2, 1.0), lambda m: m.randint(0, 2.5, (2,)), lambda m: m.randint(3, 10 ** 12),
    lambda m: m.normal(m.zeros(2), 1., dtype=m.float64), lambda m: m.logspace(0, 1, -1),
    lambda m: m.zeros((2, -1)), lambda m: m.zeros([2, "a"]), lambda m: m.zeros(None),
    lambda m: m.rand(2, dtype=m.int64), lambda m: m.randn(2, dtype=m.int64), lambda m: m.zeros_like([1, 2]),
    lambda m: m.scalar_tensor("a"), lambda m: m.zeros(2, requires_grad=True, dtype=m.int64),
    lambda m: m.ones(2).new_zeros(2, device="cpu", pin_memory=False),
    lambda m: m.ones(2).new_ones(2, requires_grad=True).requires_grad,
    lambda m: m.zeros_like(m.ones(2), device="cuda"), lambda m: m.rand_like(m.ones(2), device="cuda"),
    lambda m: m.randint_like(m.ones(2), 1, requires_grad=True), lambda m: m.full_like(m.ones(2), "a"),
    lambda m: m.asarray(np.ones(2, np.float32), copy=False, dtype=m.float64),
    lambda m: m.asarray(m.ones(2), copy=True), lambda m: m.asarray([1, 2], requires_grad=True),
]


@pytest.mark.parametrize("i", range(len(_CREATION_CALLS)))
def test_creation_keywords_like_torch(i):
    check_like_torch(_CREATION_CALLS[i], compare_warnings=False)


def test_asarray_copy_semantics():
    a = np.ones(2, np.float32)
    assert np.shares_memory(npgrad.asarray(a, copy=False).numpy(), a)
    assert not np.shares_memory(npgrad.asarray(a, copy=True).numpy(), a)
    t = npgrad.ones(2)
    assert npgrad.asarray(t) is t and npgrad.asarray(t, copy=True) is not t


# ---------------------------------------------------------------------------------------------- boundary errors
@pytest.mark.parametrize("fn", [
    lambda m: m.arange(0, float("inf")), lambda m: m.ones(2).fill_("a"), lambda m: m.ones(2).fill_(None),
    lambda m: m.zeros(10 ** 12), lambda m: m.empty(10 ** 12), lambda m: m.ones(10 ** 12), lambda m: m.zeros(2 ** 62),
    lambda m: m.arange(0, 1e13), lambda m: m.ones(2).view_as([1, 2, 3]), lambda m: m.ones(2).reshape_as([1, 2]),
    lambda m: m.ones(2).expand_as((2,)), lambda m: m.ones(2, dtype="float32"), lambda m: m.ones(2).sum(dtype="x"),
    lambda m: m.full((10 ** 6, 10 ** 7), 1.0),
], ids=["arange_inf", "fill_str", "fill_none", "zeros_huge", "empty_huge", "ones_huge", "zeros_overflow",
        "arange_huge", "view_as_list", "reshape_as_list", "expand_as_tuple", "dtype_str", "sum_dtype_str", "full_huge"])
def test_issue12_boundary_errors(fn):
    """issue 12 item 4's examples: torch's exception class, never a NumPy or Python-internal one."""
    check_like_torch(fn, compare_warnings=False)


# ---------------------------------------------------------------------------------------------- out=
def A(m):
    return m.ones(3)


_OUT_CALLS = {
    "cast_refused": lambda m: m.add(A(m), A(m), out=m.empty(3, dtype=m.long)),
    "cast_up": lambda m: m.add(A(m), A(m), out=m.empty(3, dtype=m.float64)),
    "int_to_float": lambda m: m.add(A(m).long(), A(m).long(), out=m.empty(3, dtype=m.float64)),
    "resize_warns": lambda m: m.add(A(m), A(m), out=m.empty(2)),
    "resize_empty_silent": lambda m: m.add(A(m), A(m), out=m.empty(0)),
    "grad_input": lambda m: m.add(m.ones(3, requires_grad=True), A(m), out=m.empty(3)),
    "grad_out": lambda m: m.add(A(m), A(m), out=m.empty(3, requires_grad=True)),
    "sum_no_dim": lambda m: m.sum(A(m), out=m.empty(())),
    "sum_dim": lambda m: m.sum(A(m), 0, out=m.empty((), dtype=m.float64)),
    "mean_to_long": lambda m: m.mean(A(m), 0, out=m.empty((), dtype=m.long)),
    "cat_to_long": lambda m: m.cat([A(m), A(m)], out=m.empty(3, dtype=m.long)),
    "cat": lambda m: m.cat([A(m), A(m)], out=m.empty(6, dtype=m.float64)),
    "mm_dtype": lambda m: m.mm(A(m)[None], A(m)[:, None], out=m.empty(1, 1, dtype=m.float64)),
    "matmul": lambda m: m.matmul(A(m), A(m) * 2, out=m.empty(())),
    "zeros_long": lambda m: m.zeros(3, out=m.empty(3, dtype=m.long)),
    "arange_double": lambda m: m.arange(3, out=m.empty(3, dtype=m.float64)),
    "randint_double": lambda m: m.randint(3, (2,), out=m.empty(3, dtype=m.float64)).dtype,
    "max_dim": lambda m: tuple(m.max(m.tensor([1., 3., 2.]), 0, out=(m.empty(()), m.empty((), dtype=m.long)))),
    "sort": lambda m: tuple(m.sort(m.tensor([3., 1., 2.]), out=(m.empty(3), m.empty(3, dtype=m.long)))),
    "sort_single_out": lambda m: m.sort(A(m), out=m.empty(3)),
    "eq_double": lambda m: m.eq(A(m), A(m), out=m.empty(3, dtype=m.float64)),
    "exp_long": lambda m: m.exp(A(m).long(), out=m.empty(3, dtype=m.long)),
    "out_list": lambda m: m.add(A(m), A(m), out=[1]),
    "argmax_double": lambda m: m.argmax(A(m), out=m.empty((), dtype=m.float64)),
    "softmax_double": lambda m: m.softmax(A(m), 0, out=m.empty(3, dtype=m.float64)),
    "abs_double": lambda m: m.abs(A(m), out=m.empty(3, dtype=m.float64)),
    "all_double": lambda m: m.all(A(m), out=m.empty((), dtype=m.float64)),
    "max_full": lambda m: m.max(m.tensor([1., 3.]), out=m.empty(())),
    "linalg_inv": lambda m: m.linalg.inv(m.eye(2) * 2, out=m.empty(2, 2)),
    "topk_single": lambda m: m.topk(A(m), 2, out=m.empty(2)),
    "neg_self": lambda m: m.neg(A(m), out=A(m)),
    "ones_int": lambda m: m.ones(2, out=m.empty(2, dtype=m.int32)),
    "clone_no_out": lambda m: m.clone(A(m), out=m.empty(3)),
    "where": lambda m: m.where(A(m) > 0, A(m), m.zeros(3), out=m.empty(3)),
    "F_normalize": lambda m: m.nn.functional.normalize(m.ones(2, 2), out=m.empty(2, 2)),
    "tensordot": lambda m: m.tensordot(m.ones(2, 2), m.ones(2, 2), 1, out=m.empty(2, 2)),
    "linalg_norm": lambda m: m.linalg.vector_norm(A(m), out=m.empty(())),
}


@pytest.mark.parametrize("name", sorted(_OUT_CALLS))
def test_out_like_torch(name):
    check_like_torch(_OUT_CALLS[name])


def test_out_writes_in_place_and_returns_out():
    o = npgrad.empty(4)
    v = o[:3]
    r = npgrad.add(npgrad.ones(3), 1, out=v)
    assert r is v and o[:3].tolist() == [2.0, 2.0, 2.0]
    assert v._version == 1 and o._version == 1
    x = npgrad.ones(3)
    assert npgrad.exp(x, out=x) is x and np.allclose(x.numpy(), np.e)   # out may alias an input


def test_out_allowed_under_no_grad():
    a = npgrad.ones(3, requires_grad=True)
    o = npgrad.empty(3)
    with npgrad.no_grad():
        assert npgrad.mul(a, 2, out=o) is o
    assert o.tolist() == [2.0, 2.0, 2.0] and not o.requires_grad


def test_out_on_expanded_tensor_raises():
    o = npgrad.zeros(1).expand(3)
    with pytest.raises(RuntimeError):
        npgrad.add(npgrad.ones(3), 1, out=o)


def test_every_torch_out_function_takes_out():
    """Each function torch gives out= to (per torch's signature file) and npgrad has, takes it through _out."""
    import inspect
    import os
    import re
    src = open(os.path.join(os.path.dirname(torch.__file__), "_C", "_VariableFunctions.pyi")).read()
    names = {m.group(1) for m in re.finditer(r"^def (\w+)\(([^)]*(?:\([^)]*\)[^)]*)*)\) ->", src, re.M)
             if "out: " in m.group(2)}
    # overloads listed in the stub file that torch's Python binding refuses (checked: TypeError on out=)
    names -= {"empty_like", "full_like", "ones_like", "rand_like", "randint_like", "randn_like", "zeros_like",
              "scalar_tensor", "tril_indices", "triu_indices", "empty_strided"}
    missing = sorted(n for n in names if not n.startswith("_") and hasattr(npgrad, n)
                     and not hasattr(getattr(npgrad, n), "_out_name"))
    assert not missing, f"npgrad functions torch gives out= that do not take it: {missing}"
    # and nothing public keeps an out parameter that is not the wrapper's
    silent = []
    for mod in (npgrad, npgrad.linalg, npgrad.nn.functional):
        for n in dir(mod):
            f = getattr(mod, n)
            if n.startswith("_") or not inspect.isfunction(f) or hasattr(f, "_out_name"):
                continue
            if "out" in inspect.signature(f).parameters:
                silent.append(f"{mod.__name__}.{n}")
    assert not silent, f"public functions with an out parameter outside npgrad._out: {silent}"


# ---------------------------------------------------------------------------------------------- interpolate sizes
_INTERP_CALLS = {
    "size_negative": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=-2),
    "size_zero": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=0),
    "scale_negative": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor=-2.0),
    "scale_zero": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor=0.0),
    "scale_to_zero": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor=0.1),
    "bilinear_zero": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=(2, 0), mode="bilinear"),
    "linear_zero": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=0, mode="linear"),
    "empty_input": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 0), size=3),
    "empty_input_area": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 0), scale_factor=2, mode="area"),
    "area_to_zero": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor=0.1, mode="area"),
    "area_negative": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=-1, mode="area"),
    "size_float": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=2.5),
    "size_str": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size="a"),
    "size_bool": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=True),
    "scale_str": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor="a"),
    "recompute_with_size": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=3, recompute_scale_factor=True),
    "recompute": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor=1.5, recompute_scale_factor=True),
    "per_dim": lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), scale_factor=(2, 0.5)),
}


@pytest.mark.parametrize("name", sorted(_INTERP_CALLS))
def test_interpolate_sizes_like_torch(name):
    """A negative or zero size/scale raises torch's RuntimeError (was: an empty tensor, or ZeroDivisionError)."""
    check_like_torch(_INTERP_CALLS[name])


# ---------------------------------------------------------------------------------------------- keyword sweep
# Every public function of npgrad, nn.functional and linalg that torch also has is called on a sample both accept,
# then once per keyword parameter of npgrad's signature with a non-default value (bools flipped, numbers moved,
# dim/keepdim given): npgrad must do what torch does with the same call - the same result, or the same exception
# class (a keyword torch does not take is refused). An accepted-and-ignored keyword shows up as a value mismatch.
_RANDOM = ("rand", "dropout", "bernoulli", "multinomial", "normal", "poisson", "gumbel", "empty", "uniform", "seed",
           "randint", "randperm", "fractional", "rrelu", "scaled_dot_product_attention",
           "lowrank")  # svd_lowrank/pca_lowrank: a random sketch (the op table compares them seeded, by subspace)
_NOT_SWEPT = {"load", "save", "compile", "einsum", "typename", "from_file", "set_printoptions", "vmap"}
_HANDLED_ELSEWHERE = ("out", "generator", "memory_format", "layout", "device", "pin_memory", "requires_grad",
                      "inplace", "_stacklevel", "dtype")  # dtype: the dtype tests above; out: the out= tests
_rs = np.random.default_rng(0)
_SAMPLES = [
    (_rs.uniform(0.1, 0.9, (2, 3, 4)),),
    (_rs.uniform(0.1, 0.9, (3, 3)) + 2 * np.eye(3),),
    (_rs.uniform(0.1, 0.9, (5,)),),
    (_rs.uniform(0.1, 0.9, (1, 2, 4, 4)),),
    (_rs.uniform(0.1, 0.9, (2, 3)), _rs.uniform(0.1, 0.9, (2, 3))),
    (_rs.uniform(0.1, 0.9, (3, 3)), _rs.uniform(0.1, 0.9, (3, 3))),
    (_rs.uniform(0.1, 0.9, (2, 3, 4)), _rs.uniform(0.1, 0.9, (2, 3, 4)), _rs.uniform(0.1, 0.9, (2, 3, 4))),
]
# Where npgrad still differs (function, keyword): kept explicit; the test fails when one starts to agree.
_SWEEP_KNOWN = {
    # torch's reductions take keepdim only together with dim; npgrad's keep every reduced dim
    ("npgrad", "sum", "keepdim"), ("npgrad", "mean", "keepdim"), ("npgrad", "prod", "keepdim"),
    ("npgrad", "max", "keepdim"), ("npgrad", "min", "keepdim"), ("npgrad", "median", "keepdim"),
    ("npgrad", "nanmedian", "keepdim"),
    # on a non-symmetric input torch's upper=True reads the upper triangle, npgrad the lower one transposed
    ("npgrad", "cholesky", "upper"), ("linalg", "cholesky", "upper"), ("linalg", "cholesky_ex", "upper"),
}


def _alt_values(name, default):
    if name in _HANDLED_ELSEWHERE:
        return []
    if isinstance(default, bool):
        return [not default]
    if isinstance(default, int):
        return [default + 1, 0 if default != 0 else -1]
    if isinstance(default, float):
        return [default * 0.5 + 0.25]
    if default is None and name in ("dim", "axis"):
        return [0, 1]
    if default is None and name in ("keepdim", "keepdims"):
        return [True]
    return []


def _try(f, args, kw):
    try:
        return "ok", f(*args, **kw)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return "raise", e


def _sweep_norm(r):
    if isinstance(r, (torch.Tensor, npgrad.Tensor)):
        return ("T", str(r.dtype).split(".")[-1], np.asarray(r.detach().numpy()))
    if isinstance(r, (tuple, list)):
        return tuple(_sweep_norm(x) for x in r)
    if isinstance(r, (torch.dtype, npgrad.dtype)):
        return str(r).split(".")[-1]
    return r


def _sweep_same(a, b):
    if isinstance(a, tuple) and a and a[0] == "T" and isinstance(b, tuple) and b and b[0] == "T":
        return a[1] == b[1] and a[2].shape == b[2].shape and np.allclose(a[2], b[2], rtol=1e-5, atol=1e-7,
                                                                         equal_nan=True)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_sweep_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return bool(np.isclose(a, b, equal_nan=True))
    return a == b


def _sweep_cases():
    import inspect
    cases = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ns, mod_n, mod_t in (("npgrad", npgrad, torch), ("nn.functional", npgrad.nn.functional,
                                                               torch.nn.functional), ("linalg", npgrad.linalg,
                                                                                      torch.linalg)):
            for n in sorted(dir(mod_n)):
                if n.startswith("_") or n in _NOT_SWEPT or any(r in n for r in _RANDOM):
                    continue
                fn, ft = getattr(mod_n, n), getattr(mod_t, n, None)
                if ft is None or isinstance(fn, type) or isinstance(ft, type) or not callable(fn) or \
                        inspect.ismodule(fn):
                    continue
                try:
                    params = inspect.signature(fn).parameters
                except (TypeError, ValueError):
                    continue
                sample = next((i for i, s in enumerate(_SAMPLES)
                               if _try(ft, [torch.tensor(a) for a in s], {})[0] == "ok"
                               and _try(fn, [npgrad.tensor(a) for a in s], {})[0] == "ok"), None)
                if sample is None:
                    continue
                for pname, p in params.items():
                    if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.default is p.empty:
                        continue
                    cases += [(ns, n, pname, v, sample) for v in _alt_values(pname, p.default)]
    return cases


_SWEEP = _sweep_cases()


@pytest.mark.parametrize("ns,name,keyword,value,sample", _SWEEP,
                         ids=[f"{c[0]}.{c[1]}-{c[2]}={c[3]}" for c in _SWEEP])
def test_every_keyword_acts_as_in_torch(ns, name, keyword, value, sample):
    mod_n, mod_t = {"npgrad": (npgrad, torch), "nn.functional": (npgrad.nn.functional, torch.nn.functional),
                    "linalg": (npgrad.linalg, torch.linalg)}[ns]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kt, rt = _try(getattr(mod_t, name), [torch.tensor(a) for a in _SAMPLES[sample]], {keyword: value})
        kn, rn = _try(getattr(mod_n, name), [npgrad.tensor(a) for a in _SAMPLES[sample]], {keyword: value})
    if kt == "raise":
        agree = kn == "raise" and (isinstance(rn, type(rt)) or (isinstance(rt, AttributeError) and
                                                               isinstance(rn, TypeError)))
    else:
        agree = kn == "ok" and _sweep_same(_sweep_norm(rn), _sweep_norm(rt))
    desc = f"{ns}.{name}({keyword}={value!r}): torch {kt} {rt if kt == 'raise' else ''}; npgrad {kn} " \
           f"{rn if kn == 'raise' else ''}"
    if (ns, name, keyword) in _SWEEP_KNOWN:
        assert not agree, f"now agrees with torch: remove it from _SWEEP_KNOWN. {desc}"
    else:
        assert agree, desc


def test_keyword_sweep_is_broad():
    assert len(_SWEEP) >= 250
    assert len({(c[0], c[1]) for c in _SWEEP}) >= 100


# ---------------------------------------------------------------------------------------------- audit regressions
def _ckpt(m, **kw):
    from importlib import import_module
    cp = import_module(m.__name__ + ".utils.checkpoint")
    return cp.checkpoint(lambda a: a * 2, m.ones(2, requires_grad=True), use_reentrant=False, **kw)


_AUDIT_CALLS = {
    "grad_only_inputs": lambda m: m.autograd.grad((m.ones(2, requires_grad=True) * 2).sum(),
                                                  m.ones(2, requires_grad=True), allow_unused=True, only_inputs=False),
    "variable_volatile": lambda m: m.autograd.Variable(m.ones(1), volatile=True),
    "generator_cuda": lambda m: m.Generator(device="cuda"),
    "svd_driver": lambda m: m.linalg.svd(m.eye(2), driver="gesvd"),
    "svdvals_driver": lambda m: m.linalg.svdvals(m.eye(2), driver="gesvd"),
    "checkpoint_determinism": lambda m: _ckpt(m, determinism_check="x"),
    "checkpoint_determinism_none": lambda m: _ckpt(m, determinism_check="none"),
    "is_contiguous_channels_last": lambda m: m.ones(1, 2, 3, 3).is_contiguous(memory_format=m.channels_last),
    "is_contiguous_channels_last_nhwc": lambda m: m.ones(1, 3, 3, 2).permute(0, 3, 1, 2).is_contiguous(
        memory_format=m.channels_last),
    "contiguous_channels_last_1d": lambda m: m.ones(2).contiguous(memory_format=m.channels_last),
    "clone_preserve": lambda m: m.ones(2).clone(memory_format=m.preserve_format),
    "clone_bad_format": lambda m: m.ones(2).clone(memory_format="x"),
    "legacy_ctor_kw": lambda m: m.Tensor(2, foo=1),
    "legacy_ctor_device": lambda m: m.Tensor(2, 3, device="cpu").shape,
    "cross_entropy_prob_ignore_index": lambda m: m.nn.functional.cross_entropy(m.ones(2, 3), m.ones(2, 3) / 3,
                                                                                ignore_index=1),
}


@pytest.mark.parametrize("name", sorted(_AUDIT_CALLS))
def test_audited_arguments_like_torch(name):
    """Arguments the package audit found read nowhere: each now does what torch does (warns, refuses, acts)."""
    check_like_torch(_AUDIT_CALLS[name], compare_warnings=name not in ("generator_cuda",))


@pytest.mark.parametrize("call", [
    lambda: npgrad.func.jvp(lambda x: x * 2, (npgrad.ones(2),), (npgrad.ones(2),), strict=True),
    lambda: npgrad.utils.checkpoint.checkpoint(lambda a: a, npgrad.ones(1), use_reentrant=False, debug=True),
    lambda: npgrad.utils.checkpoint.checkpoint(lambda a: a, npgrad.ones(1), use_reentrant=False,
                                               context_fn=lambda: (None, None)),
    lambda: npgrad.autograd.gradcheck(lambda x: x * 2, (npgrad.ones(2, dtype=npgrad.float64, requires_grad=True),),
                                      check_batched_grad=True),
    lambda: npgrad.autograd.gradgradcheck(lambda x: x * 2,
                                          (npgrad.ones(2, dtype=npgrad.float64, requires_grad=True),),
                                          check_grad_dtypes=True),
    lambda: npgrad.optim.Adamax([npgrad.ones(1, requires_grad=True)], differentiable=True),
], ids=["jvp_strict", "checkpoint_debug", "checkpoint_context_fn", "gradcheck_batched", "gradgradcheck_dtypes",
        "adamax_differentiable"])
def test_unimplemented_options_are_refused_by_name(call):
    with pytest.raises(NotImplementedError):
        call()
