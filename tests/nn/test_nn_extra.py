"""The nn pieces of issue 13, each against torch: lazy modules, EmbeddingBag, Fold/Unfold, grid_sample/affine_grid,
gumbel_softmax, the margin and CTC losses, AdaptiveLogSoftmaxWithLoss, ChannelShuffle, fractional max pooling,
LPPool3d, MaxUnpool3d."""
import copy
import pickle

import numpy as np
import pytest
import torch

import npgrad
import npgrad.nn as nn
import npgrad.nn.functional as F


def T(a, dtype=torch.float64, grad=False):
    return torch.tensor(np.asarray(a), dtype=dtype, requires_grad=grad)


def N(a, dtype=npgrad.float64, grad=False):
    return npgrad.tensor(np.asarray(a), dtype=dtype, requires_grad=grad)


def close(a, b, tol=1e-10):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def same_error(fn_np, fn_t):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(Exception) as en:
        fn_np()
    assert type(en.value).__name__ == type(et.value).__name__, (en.value, et.value)


# ---------------------------------------------------------------------------------------------- lazy modules
LAZY = [
    ("LazyLinear", (3,), {}, (2, 5)),
    ("LazyConv1d", (4, 3), {"padding": 1}, (2, 3, 7)),
    ("LazyConv2d", (4, 3), {"stride": 2}, (2, 3, 7, 6)),
    ("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {"output_padding": 1, "stride": 2}, (2, 3, 4, 4)),
    ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {}, (4, 3, 2, 2)),
    ("LazyBatchNorm3d", (), {"affine": False}, (4, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"track_running_stats": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {}, (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", LAZY, ids=[c[0] for c in LAZY])
def test_lazy_module_vs_torch(name, args, kwargs, shape):
    tm = getattr(torch.nn, name)(*args, **kwargs).double()
    nm = getattr(nn, name)(*args, **kwargs).double()
    assert repr(nm) == repr(tm)
    assert list(nm.state_dict()) == list(tm.state_dict())
    assert [repr(v) for v in nm.state_dict().values()] == [repr(v) for v in tm.state_dict().values()]
    assert nm.has_uninitialized_params() == tm.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape)
    yt = tm(T(x))
    yn = nm(N(x))
    assert type(nm).__name__ == type(tm).__name__ and repr(nm) == repr(tm)
    assert type(nm).__name__ == getattr(torch.nn, name).cls_to_become.__name__
    assert {k: tuple(v.shape) for k, v in nm.state_dict().items()} == \
           {k: tuple(v.shape) for k, v in tm.state_dict().items()}
    assert all(type(p) is nn.Parameter for p in nm.parameters())
    assert all(type(b) is npgrad.Tensor for b in nm.buffers())
    # same weights -> same output and gradients
    nm.load_state_dict({k: N(v.detach().numpy(), dtype=getattr(npgrad, str(v.dtype).split(".")[1]))
                        for k, v in tm.state_dict().items()})
    xt, xn = T(x, grad=True), N(x, grad=True)
    yt, yn = tm(xt), nm(xn)
    close(yn, yt)
    yt.sum().backward()
    yn.sum().backward()
    close(xn.grad, xt.grad)
    assert not nm._forward_pre_hooks and not nm._load_state_dict_pre_hooks


def test_lazy_state_dict_load_materialises_without_forward():
    t = torch.nn.LazyLinear(3)
    n = nn.LazyLinear(3)
    t.load_state_dict(torch.nn.Linear(4, 3).state_dict())
    src = nn.Linear(4, 3)
    assert repr(n.load_state_dict(src.state_dict())) == "<All keys matched successfully>"
    assert type(n).__name__ == type(t).__name__ == "LazyLinear"       # becomes Linear only at the first forward
    assert type(n.weight) is nn.Parameter and n.weight.shape == (3, 4)
    close(n.weight, src.weight)
    # a lazy state_dict into a lazy module keeps it lazy, in both
    a, b = nn.LazyLinear(3), nn.LazyLinear(3)
    b.load_state_dict(a.state_dict())
    assert repr(b.weight) == "<UninitializedParameter>"


def test_lazy_dtype_follows_module_casts():
    n = nn.LazyLinear(2).double()
    assert n.weight.dtype == npgrad.float64
    n(npgrad.zeros(1, 3, dtype=npgrad.float64))
    assert n.weight.dtype == npgrad.float64 and n.weight.shape == (2, 3)
    b = nn.LazyBatchNorm1d(dtype=npgrad.float64)
    assert b.running_mean.dtype == npgrad.float64


def test_uninitialized_parameter_refuses_use_like_torch():
    tp, np_ = torch.nn.parameter.UninitializedParameter(), nn.UninitializedParameter()
    assert repr(np_) == repr(tp) and np_.requires_grad and np_.dtype == npgrad.float32
    assert tuple(np_.size()) == tuple(tp.size())
    assert nn.parameter.is_lazy(np_) and not nn.parameter.is_lazy(nn.Parameter(npgrad.zeros(1)))
    for expr in ("p + 1", "p.sum()", "p.detach()", "p.numel()", "p.shape"):
        same_error(lambda: eval(expr, {"p": np_}), lambda: eval(expr, {"p": tp}))
    assert isinstance(np_, nn.Parameter)
    np_.materialize((2, 3))
    assert type(np_) is nn.Parameter and np_.shape == (2, 3) and np_.requires_grad
    b = nn.UninitializedBuffer()
    assert repr(b) == repr(torch.nn.parameter.UninitializedBuffer())
    b.materialize(4)
    assert type(b) is npgrad.Tensor and b.shape == (4,)


def test_lazy_errors_like_torch():
    same_error(lambda: nn.LazyConv2d(4, 3)(npgrad.zeros(5, 5)), lambda: torch.nn.LazyConv2d(4, 3)(torch.zeros(5, 5)))
    same_error(lambda: nn.LazyConv2d(4, 3, groups=4)(npgrad.zeros(1, 3, 5, 5)),
               lambda: torch.nn.LazyConv2d(4, 3, groups=4)(torch.zeros(1, 3, 5, 5)))


def test_lazy_copy_and_pickle_before_forward():
    for m in (copy.deepcopy(nn.LazyLinear(3)), pickle.loads(pickle.dumps(nn.LazyLinear(3)))):
        assert repr(m.weight) == "<UninitializedParameter>"
        assert m(npgrad.ones(2, 4)).shape == (2, 3)
        assert type(m) is nn.Linear


def test_lazy_module_paths():
    import npgrad.nn.modules.lazy as lazy
    assert lazy.LazyModuleMixin is nn.LazyModuleMixin
    import npgrad.nn.modules.instancenorm as inorm
    assert inorm.LazyInstanceNorm2d is nn.LazyInstanceNorm2d
