"""torch's remaining public names (npgrad/ops/api_extra.py, npgrad/ops/window.py) against torch: window functions,
predicates, the complex views of real tensors, the torch.abs_-style function forms, Tensor in-place aliases,
raw-memory constructors and storage facts. Differentiable ones are in the op table (op_db/api_extra.py)."""
import array
import warnings

import numpy as np
import pytest
import torch

import npgrad
from npgrad.ops.api_extra import INPLACE_FUNCTIONS


def same(ours, theirs, rtol=1e-6, atol=1e-6):
    assert str(ours.dtype).replace("npgrad", "torch") == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
                                  "kaiser_window"])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_windows(name, n, periodic, dtype):
    ours = getattr(npgrad, name)(n, periodic, dtype=getattr(npgrad, dtype))
    theirs = getattr(torch, name)(n, periodic, dtype=getattr(torch, dtype))
    same(ours, theirs, atol=1e-6 if dtype == "float32" else 1e-12)


def test_window_parameters_default_dtype_and_errors():
    same(npgrad.hamming_window(7, False, 0.5, 0.3), torch.hamming_window(7, False, 0.5, 0.3))
    same(npgrad.kaiser_window(6, True, 3.5), torch.kaiser_window(6, True, 3.5))
    same(npgrad.kaiser_window(6, beta=3.5, periodic=False), torch.kaiser_window(6, beta=3.5, periodic=False))
    with pytest.raises(TypeError):
        torch.kaiser_window(6, beta=3.5)
    with pytest.raises(TypeError):
        npgrad.kaiser_window(6, beta=3.5)
    same(npgrad.hann_window(4), torch.hann_window(4))
    w = npgrad.hann_window(4, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    for fn in ("hann_window", "bartlett_window"):
        for args, kw in (((5,), {"dtype": "int64"}), ((-1,), {})):
            kw = {k: getattr(torch, v) for k, v in kw.items()}
            with pytest.raises(RuntimeError):
                getattr(torch, fn)(*args, **kw)
            with pytest.raises(RuntimeError):
                getattr(npgrad, fn)(*args, **{k: getattr(npgrad, str(v).split(".")[1]) for k, v in kw.items()})


@pytest.mark.parametrize("name", INPLACE_FUNCTIONS)
def test_inplace_function_forms(name):
    assert hasattr(torch, name)
    if not hasattr(npgrad, name):
        pytest.fail(f"npgrad.{name} missing")
    args = {"clamp_": (-0.5, 0.5), "clamp_max_": (0.3,), "clamp_min_": (-0.3,), "clip_": (-0.2, 0.2),
            "fill_": (1.25,), "logit_": (), "nan_to_num_": (), "dropout_": (0.0, False),
            "alpha_dropout_": (0.0, False), "feature_alpha_dropout_": (0.0, False)}.get(name, ())
    a = np.array([[0.3, -0.7, 0.2], [0.9, 0.1, -0.4]])
    if name in ("acosh_", "arccosh_"):
        a = a + 2
    if name in ("log_", "log2_", "log10_", "sqrt_", "rsqrt_", "logit_"):
        a = np.abs(a) / 2 + 0.05
    if name == "addmv_":
        o, t = npgrad.tensor(a[0]), torch.tensor(a[0])
        ro = npgrad.addmv_(o, npgrad.tensor(a[:, :3].T * 1.0), npgrad.tensor(a[:, 0]))
        rt = torch.addmv_(t, torch.tensor(a[:, :3].T * 1.0), torch.tensor(a[:, 0]))
    elif name == "index_put_":
        o, t = npgrad.tensor(a), torch.tensor(a)
        ro = npgrad.index_put_(o, (npgrad.tensor([1, 0]),), npgrad.tensor(2.0, dtype=npgrad.float64), True)
        rt = torch.index_put_(t, (torch.tensor([1, 0]),), torch.tensor(2.0, dtype=torch.float64), True)
    else:
        o, t = npgrad.tensor(a), torch.tensor(a)
        ro, rt = getattr(npgrad, name)(o, *args), getattr(torch, name)(t, *args)
    assert ro is o and rt is t
    same(o, t, 1e-12, 1e-12)


def test_inplace_function_form_records_and_refuses_leaf():
    x = npgrad.tensor([0.5, -1.0], dtype=npgrad.float64, requires_grad=True)
    with pytest.raises(RuntimeError):
        npgrad.sin_(x)
    y = x * 2
    npgrad.tanh_(y)
    assert type(y.grad_fn).__name__ == "TanhBackward0"
    y.sum().backward()
    xt = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    yt = xt * 2
    torch.tanh_(yt)
    yt.sum().backward()
    same(x.grad, xt.grad, 1e-12, 1e-12)
    with pytest.raises(TypeError):
        npgrad.abs_([1.0])


@pytest.mark.parametrize("name,other", [("greater_", 0.1), ("greater_equal_", 0.2), ("less_", 0.1),
                                        ("less_equal_", 0.2), ("not_equal_", 0.2), ("divide_", 3.0),
                                        ("multiply_", 2.0), ("subtract_", 0.5), ("true_divide_", 4.0)])
def test_tensor_inplace_aliases(name, other):
    a = np.array([0.1, 0.2, -0.3])
    o, t = npgrad.tensor(a), torch.tensor(a)
    assert getattr(o, name)(other) is o
    getattr(t, name)(other)
    same(o, t, 1e-12, 1e-12)


def test_shift_and_igamma_inplace_methods():
    a = np.array([1, 2, 7])
    for name in ("bitwise_left_shift_", "bitwise_right_shift_"):
        o, t = npgrad.tensor(a), torch.tensor(a)
        getattr(o, name)(1), getattr(t, name)(1)
        same(o, t)
    x, y = np.array([0.5, 1.5, 3.0]), np.array([0.3, 2.0, 1.0])
    for name in ("igamma_", "igammac_"):
        o, t = npgrad.tensor(x), torch.tensor(x)
        getattr(o, name)(npgrad.tensor(y)), getattr(t, name)(torch.tensor(y))
        same(o, t, 1e-10, 1e-12)


def test_predicates():
    for dt in ("uint8", "int8", "int64", "float32", "bool"):
        o, t = npgrad.zeros(2, dtype=getattr(npgrad, dt)), torch.zeros(2, dtype=getattr(torch, dt))
        assert npgrad.is_signed(o) == torch.is_signed(t) == o.is_signed()
        assert npgrad.is_complex(o) == torch.is_complex(t)
        assert npgrad.is_neg(o) == torch.is_neg(t) == o.is_neg() is False
        assert npgrad.is_distributed(o) == torch.is_distributed(t) == o.is_distributed()
    for v in ([2.0], [0.0], 0, [[True]], [False]):
        assert npgrad.is_nonzero(npgrad.tensor(v)) == torch.is_nonzero(torch.tensor(v))
    for v in ([], [1, 2]):
        with pytest.raises(RuntimeError):
            torch.is_nonzero(torch.tensor(v))
        with pytest.raises(RuntimeError):
            npgrad.is_nonzero(npgrad.tensor(v))
    assert npgrad.is_same_size(npgrad.ones(2, 3), npgrad.zeros(2, 3))
    assert not npgrad.ones(2, 3).is_same_size(npgrad.ones(3, 2))
    with npgrad.inference_mode():
        assert npgrad.is_inference(npgrad.ones(2))
    assert not npgrad.is_inference(npgrad.ones(2))
    with pytest.raises(TypeError):
        npgrad.is_signed(3)


def test_complex_views_of_real_tensors():
    x = npgrad.tensor([1.0, -2.0, 0.0, float("nan")], requires_grad=True)
    for f in ("conj", "resolve_conj", "resolve_neg", "real"):
        assert getattr(npgrad, f)(x) is x
    assert x.conj() is x and x.resolve_conj() is x and x.resolve_neg() is x and x.real is x
    xt = torch.tensor([1.0, -2.0, 0.0, float("nan")], requires_grad=True)
    a, at = npgrad.angle(x), torch.angle(xt)
    same(a, at)
    assert type(a.grad_fn).__name__ == type(at.grad_fn).__name__
    a.sum().backward(), at.sum().backward()
    same(x.grad, xt.grad)
    same(npgrad.angle(npgrad.tensor([1, -2, 0])), torch.angle(torch.tensor([1, -2, 0])))
    y = npgrad.zeros(3)
    y.real = npgrad.tensor([1.0, 2.0, 3.0])
    assert y.tolist() == [1.0, 2.0, 3.0]


def test_fill_out_of_place():
    x, xt = npgrad.ones(2, 3), torch.ones(2, 3)
    same(npgrad.fill(x, 2.5), torch.fill(xt, 2.5))
    assert x.tolist() == [[1.0] * 3] * 2
    v = npgrad.tensor(1.5, requires_grad=True)
    r = npgrad.fill(x, v)
    assert type(r.grad_fn).__name__ == "FillBackward1"
    r.sum().backward()
    assert v.grad.item() == 6.0
    with pytest.raises(TypeError):
        npgrad.fill(x, "a")


def test_range_split_with_sizes_unravel_index():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = npgrad.range(1, 4)
        assert w and w[0].category is UserWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(r, torch.range(1, 4))
        same(npgrad.range(0, 1, 0.25, dtype=npgrad.float64), torch.range(0, 1, 0.25, dtype=torch.float64))
        same(npgrad.range(5, 1, -2, dtype=npgrad.int64), torch.range(5, 1, -2, dtype=torch.int64))
    parts = npgrad.ones(5, 2).split_with_sizes([2, 3])
    assert [tuple(p.shape) for p in parts] == [(2, 2), (3, 2)]
    idx = np.array([[0, 5], [11, -1]])
    for shape in ((3, 4), (12,), (2, 3, 2)):
        ours = npgrad.unravel_index(npgrad.tensor(idx), shape)
        theirs = torch.unravel_index(torch.tensor(idx), shape)
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            same(o, t)
    with pytest.raises(TypeError):
        torch.unravel_index(torch.tensor([1.0]), (2,))
    with pytest.raises(TypeError):
        npgrad.unravel_index(npgrad.tensor([1.0]), (2,))


def test_storage_offset_is_set_to_and_pointers():
    x = npgrad.arange(12.0).reshape(3, 4)
    xt = torch.arange(12.0).reshape(3, 4)
    for f in (lambda t: t, lambda t: t[1:], lambda t: t[1, 2:], lambda t: t.t()[2], lambda t: t.flip(0),
              lambda t: t[:, 1::2]):
        assert f(x).storage_offset() == f(xt).storage_offset()
    assert x.is_set_to(x) and not x.is_set_to(x[1:]) and x.view(3, 4).is_set_to(x)
    assert x.const_data_ptr() == x.data_ptr()
    assert x[1].data_ptr() - x.data_ptr() == 4 * x.element_size()


def test_frombuffer_and_dlpack_share_memory():
    buf = bytearray(array.array("f", [1.0, 2.0, 3.0, 4.0]).tobytes())
    ours = npgrad.frombuffer(buf, dtype=npgrad.float32, count=2, offset=4)
    theirs = torch.frombuffer(bytearray(buf), dtype=torch.float32, count=2, offset=4)
    same(ours, theirs)
    ours[0] = 9.0
    assert array.array("f", bytes(buf))[1] == 9.0
    for bad in ({"count": 10}, {"offset": 100}):
        with pytest.raises(ValueError):
            torch.frombuffer(bytearray(buf), dtype=torch.float32, **bad)
        with pytest.raises(ValueError):
            npgrad.frombuffer(buf, dtype=npgrad.float32, **bad)
    t = torch.arange(6.0).reshape(2, 3)
    o = npgrad.from_dlpack(t)
    same(o, t)
    o[0, 0] = 7.0
    assert t[0, 0].item() == 7.0
    back = torch.from_dlpack(npgrad.ones(2, 2))
    assert back.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    cap = npgrad.to_dlpack(npgrad.arange(3))
    assert npgrad.from_dlpack(cap).tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError):
        npgrad.to_dlpack(npgrad.ones(2, requires_grad=True))


def test_empty_strided_permuted_and_from_file(tmp_path):
    e = npgrad.empty_strided((2, 3), (3, 1), dtype=npgrad.float64)
    et = torch.empty_strided((2, 3), (3, 1), dtype=torch.float64)
    assert tuple(e.shape) == tuple(et.shape) and e.dtype == npgrad.float64
    assert tuple(npgrad.empty_permuted((2, 3, 4), (0, 2, 1)).shape) == (2, 3, 4)
    assert tuple(npgrad.ones(2).new_empty_strided((4,), (1,)).shape) == (4,)
    p = tmp_path / "data.bin"
    np.arange(5, dtype=np.float32).tofile(p)
    same(npgrad.from_file(str(p), size=5), torch.from_file(str(p), size=5))
    s = npgrad.from_file(str(p), shared=True, size=5)
    s[0] = 42.0
    assert np.fromfile(p, np.float32)[0] == 42.0
    del s


def test_legacy_tensor_attributes():
    x = npgrad.ones(2)
    with pytest.warns(UserWarning):
        assert x.volatile is False
    with pytest.raises(RuntimeError):
        x.reinforce(1.0)

    class Sub(npgrad.Tensor):
        pass
    w = npgrad.tensor([1.0, 2.0], requires_grad=True)
    s = (w * 2).as_subclass(Sub)
    assert isinstance(s, Sub)
    s.sum().backward()
    assert w.grad.tolist() == [2.0, 2.0]
    m = npgrad.tensor([1.0, 2.0, 3.0])
    m.map2_(npgrad.tensor([1.0, 1.0, 1.0]), npgrad.tensor(2.0), lambda a, b, c: a * b + c)
    mt = torch.tensor([1.0, 2.0, 3.0])
    mt.map2_(torch.tensor([1.0, 1.0, 1.0]), torch.tensor(2.0), lambda a, b, c: a * b + c)
    same(m, mt)


def test_switches():
    assert npgrad.set_flush_denormal(False) is False
    npgrad.set_anomaly_enabled(True)
    try:
        assert npgrad.is_anomaly_enabled()
    finally:
        npgrad.set_anomaly_enabled(False)
    assert not npgrad.is_anomaly_enabled()


def test_geqrf_has_no_derivative_and_prints_as_torch():
    A = np.random.default_rng(0).normal(size=(4, 3))
    x, xt = npgrad.tensor(A, requires_grad=True), torch.tensor(A, requires_grad=True)
    r, rt = npgrad.geqrf(x), torch.geqrf(xt)
    assert r.a.grad_fn.name() == rt.a.grad_fn.name()
    assert repr(r).replace("npgrad", "torch") == repr(rt)
    with pytest.raises(NotImplementedError):
        rt.a.sum().backward()
    with pytest.raises(NotImplementedError):
        r.a.sum().backward()
    with pytest.raises(RuntimeError):
        npgrad.geqrf(npgrad.ones(3))
    with pytest.raises(RuntimeError):
        torch.geqrf(torch.ones(3))


def test_resize_out_of_place_is_a_deprecated_reshape():
    x, xt = npgrad.ones(2, 5, requires_grad=True), torch.ones(2, 5, requires_grad=True)
    with pytest.warns(UserWarning):
        z = x.resize(5, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zt = xt.resize(5, 2)
        assert z.grad_fn.name() == zt.grad_fn.name()
        (z * npgrad.arange(10.0).view(5, 2)).sum().backward()
        (zt * torch.arange(10.0).view(5, 2)).sum().backward()
        same(x.grad, xt.grad)
        assert tuple(x.resize_as(npgrad.ones(10)).shape) == tuple(xt.resize_as(torch.ones(10)).shape)
        with pytest.raises(RuntimeError):
            xt.resize(3, 3)
        with pytest.raises(RuntimeError):
            x.resize(3, 3)


def test_binomial_draws_and_has_no_derivative():
    npgrad.manual_seed(0)
    c = npgrad.full((20000,), 10.0, requires_grad=True)
    p = npgrad.full((20000,), 0.3)
    b = npgrad.binomial(c, p)
    assert b.dtype == torch_dtype_name(torch.binomial(torch.ones(1), torch.ones(1) / 2))
    v = b.detach().numpy()
    assert v.min() >= 0 and v.max() <= 10 and (v == np.round(v)).all()
    assert abs(v.mean() - 3.0) < 0.1 and abs(v.var() - 2.1) < 0.2
    assert b.grad_fn.name() == torch.binomial(torch.ones(1, requires_grad=True), torch.ones(1) / 2).grad_fn.name()
    with pytest.raises(RuntimeError):
        b.sum().backward()
    with pytest.raises(ValueError):
        torch.binomial(torch.tensor([1, 2]), torch.tensor([0.5, 0.5]))
    with pytest.raises(ValueError):
        npgrad.binomial(npgrad.tensor([1, 2]), npgrad.tensor([0.5, 0.5]))


def torch_dtype_name(t):
    return getattr(npgrad, str(t.dtype).split(".")[1])


@pytest.mark.parametrize("kw", [{}, {"upper": False}, {"transpose": True}])
def test_triangular_solve_jvp_matches_finite_differences(kw):
    import npgrad.autograd.forward_ad as fw
    rng = np.random.default_rng(0)
    A = rng.uniform(-2, 2, (3, 3)) + 4 * np.eye(3)
    b, dA = rng.uniform(-2, 2, (3, 2)), rng.uniform(-1, 1, (3, 3))

    def f(M):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return npgrad.triangular_solve(npgrad.tensor(b), npgrad.tensor(M), **kw).solution.numpy()
    num = (f(A + 1e-6 * dA) - f(A - 1e-6 * dA)) / 2e-6
    with fw.dual_level(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = npgrad.triangular_solve(npgrad.tensor(b), fw.make_dual(npgrad.tensor(A), npgrad.tensor(dA)), **kw)
        tangent = fw.unpack_dual(out.solution).tangent.numpy()
    np.testing.assert_allclose(tangent, num, atol=1e-7)
