"""The Module machinery against torch: registration, traversal, state_dict round trips and errors, hooks,
modes, dtype conversion, printing, containers, Parameter and Buffer."""
import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import npgrad
from tests.nn.modules_oracle import copy_weights, normalise


def both(fn):
    """Run ``fn(m)`` for m in (torch, npgrad)."""
    return fn(torch), fn(npgrad)


def raises_like(fn):
    """fn(m) raises the same exception class, with the same message (up to the module name), on both."""
    errors = []
    for m in (torch, npgrad):
        try:
            fn(m)
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        else:
            errors.append(None)
    t, o = errors
    assert t is not None, "torch did not raise"
    assert o is not None, f"npgrad did not raise; torch raised {type(t).__name__}: {t}"
    assert type(o) is type(t), f"npgrad {type(o).__name__}: {o}; torch {type(t).__name__}: {t}"
    assert normalise(str(o)) == str(t)
    return o


def net(m):
    """A nested model with parameters, buffers, a shared module and a non-persistent buffer."""
    class Block(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = m.nn.Linear(3, 3)
            self.bn = m.nn.BatchNorm1d(3)
            self.register_buffer("scale", m.ones(3), persistent=False)
            self.act = m.nn.ReLU()

        def forward(self, x):
            return self.act(self.bn(self.fc(x))) * self.scale

    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = m.nn.ModuleList([Block(), Block()])
            self.head = m.nn.Sequential(OrderedDict(lin=m.nn.Linear(3, 2), soft=m.nn.LogSoftmax(dim=1)))
            self.shared = self.head.lin
            self.gain = m.nn.Parameter(m.ones(1))

        def forward(self, x):
            for b in self.blocks:
                x = b(x)
            return self.head(x) * self.gain

    torch.manual_seed(0)
    return Net()


# ---------------------------------------------------------------- traversal and state_dict
def test_nested_repr_and_names():
    t, o = both(net)
    assert normalise(repr(o)) == repr(t)
    for fn in (lambda x: [n for n, _ in x.named_parameters()], lambda x: [n for n, _ in x.named_buffers()],
               lambda x: [n for n, _ in x.named_modules()], lambda x: [n for n, _ in x.named_children()],
               lambda x: list(x.state_dict()), lambda x: [n for n, _ in x.named_parameters(remove_duplicate=False)],
               lambda x: [n for n, _ in x.named_modules(remove_duplicate=False)],
               lambda x: [n for n, _ in x.named_parameters(prefix="model", recurse=False)],
               lambda x: [n for n, _ in x.blocks.named_buffers(prefix="b")],
               lambda x: [type(c).__name__ for c in x.modules()], lambda x: len(list(x.parameters())),
               lambda x: list(x.state_dict(prefix="p.", keep_vars=True)),
               lambda x: dict(x.state_dict()._metadata)):
        assert fn(o) == fn(t)


def test_state_dict_values_detached_and_keep_vars():
    t, o = both(net)
    copy_weights(o, t)
    sd = o.state_dict()
    assert all(not v.requires_grad for v in sd.values())
    assert sd["gain"].grad_fn is None and type(sd["gain"]) is npgrad.Tensor
    assert o.state_dict(keep_vars=True)["gain"] is o.gain
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(sd[k].numpy(), v.numpy())
    # the round trip shares nothing: changing the source afterwards leaves the module alone
    src = {k: npgrad.tensor(v.numpy()) for k, v in t.state_dict().items()}
    o.load_state_dict(src)
    src["gain"].fill_(5.0)
    assert o.gain.detach().item() == 1.0


def test_forward_matches_after_load():
    t, o = both(net)
    copy_weights(o, t)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(o(npgrad.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_load_state_dict_errors_and_result():
    t, o = both(net)
    sd_t, sd_o = t.state_dict(), o.state_dict()
    res_t = t.load_state_dict(sd_t)
    res_o = o.load_state_dict(sd_o)
    assert repr(res_o) == repr(res_t) == "<All keys matched successfully>"
    for edit in (lambda sd, m: sd.pop("gain"),
                 lambda sd, m: sd.__setitem__("extra.weight", m.zeros(1)),
                 lambda sd, m: sd.__setitem__("head.lin.weight", m.zeros(2, 4)),
                 lambda sd, m: sd.__setitem__("blocks.0.fc.bias", [1, 2, 3])):
        def load(m, edit=edit):
            model = net(m)
            sd = model.state_dict()
            edit(sd, m)
            return model.load_state_dict(sd)
        raises_like(load)

    def non_strict(m):
        model = net(m)
        sd = model.state_dict()
        sd.pop("gain")
        sd["bogus"] = m.zeros(1)
        return model.load_state_dict(sd, strict=False)
    r_t, r_o = both(non_strict)
    assert r_o == r_t and repr(r_o) == repr(r_t)
    assert r_o.missing_keys == ["gain"] and r_o.unexpected_keys == ["bogus"]
    raises_like(lambda m: m.nn.Linear(2, 2).load_state_dict(3))


def test_load_state_dict_assign_and_version_upgrade():
    o = npgrad.nn.Linear(2, 2)
    w = npgrad.ones(2, 2)
    o.load_state_dict({"weight": w, "bias": npgrad.zeros(2)}, assign=True)
    assert isinstance(o.weight, npgrad.nn.Parameter) and o.weight.requires_grad
    w.add_(1)
    assert o.weight.sum().item() == 8.0  # assign keeps the given storage
    # a BatchNorm checkpoint without num_batches_tracked (version 1) still loads strictly
    for m in (torch, npgrad):
        bn = m.nn.BatchNorm1d(2)
        sd = bn.state_dict()
        sd.pop("num_batches_tracked")
        sd._metadata[""]["version"] = 1
        bn.load_state_dict(sd)
        assert int(bn.num_batches_tracked) == 0


def test_load_copies_in_place_and_keeps_dtype():
    o = npgrad.nn.Linear(2, 2)
    w = o.weight
    v0 = w._version
    o.load_state_dict({"weight": npgrad.ones(2, 2, dtype=npgrad.float64), "bias": npgrad.zeros(2)})
    assert o.weight is w and w.dtype == npgrad.float32 and w._version > v0
    assert w.requires_grad


def test_register_errors_match_torch():
    cases = [
        lambda m: setattr(m.nn.Linear(2, 3), "weight", m.ones(3, 2)),
        lambda m: m.nn.Linear(2, 3).register_buffer("weight", m.ones(1)),
        lambda m: m.nn.Linear(2, 3).register_parameter("x.y", None),
        lambda m: m.nn.Linear(2, 3).register_parameter("", None),
        lambda m: m.nn.Linear(2, 3).register_buffer("a.b", None),
        lambda m: m.nn.Linear(2, 3).register_buffer("b", 3),
        lambda m: m.nn.Linear(2, 3).register_parameter("p", m.ones(2)),
        lambda m: m.nn.Linear(2, 3).register_parameter(1, None),
        lambda m: m.nn.Linear(2, 3).add_module("a", 3),
        lambda m: m.nn.Linear(2, 3).add_module("a.b", m.nn.ReLU()),
        lambda m: m.nn.Linear(2, 3).add_module("weight", m.nn.ReLU()),
        lambda m: m.nn.Linear(2, 3).get_submodule("x"),
        lambda m: m.nn.Sequential(m.nn.Linear(2, 3)).get_submodule("0.weight"),
        lambda m: m.nn.Linear(2, 3).get_parameter("foo"),
        lambda m: m.nn.BatchNorm1d(2).get_parameter("running_mean"),
        lambda m: m.nn.Linear(2, 3).get_buffer("weight"),
        lambda m: m.nn.Linear(2, 3).train(1),
        lambda m: m.nn.Module(3),
        lambda m: m.nn.Module(a=3),
        lambda m: m.nn.Linear(2, 3).to(m.int64),
        lambda m: m.nn.Linear(2, 3).nothing,
        lambda m: m.nn.Module()(m.ones(1)),
        lambda m: m.nn.Linear(2, 3).register_parameter("w", m.nn.Parameter(m.ones(1)) * 2),
        lambda m: (lambda mod: (mod.register_parameter("x", m.nn.Parameter(m.ones(1))),
                                setattr(mod, "x", m.nn.Linear(1, 1))))(m.nn.Module()),
    ]
    for fn in cases:
        raises_like(fn)

    class Holder(npgrad.nn.Module):
        def __init__(self):
            self.fc = npgrad.nn.Linear(1, 1)  # before super().__init__()

    with pytest.raises(AttributeError, match="cannot assign module before Module.__init__"):
        Holder()


def test_setattr_moves_between_tables():
    for m in (torch, npgrad):
        mod = m.nn.Module()
        mod.x = m.nn.Linear(1, 1)
        mod.x = m.nn.Parameter(m.ones(1))  # a parameter replaces the module
        assert "x" in mod._parameters and "x" not in mod._modules
        mod.register_buffer("b", m.zeros(1))
        mod.b = m.ones(2)  # a plain tensor assigned to a buffer name stays a buffer
        assert "b" in mod._buffers and tuple(mod.b.shape) == (2,)
        mod.b = None
        assert mod._buffers["b"] is None and list(mod.state_dict()) == ["x"]
        del mod.x
        assert not hasattr(mod, "x")
        mod.c = m.nn.Buffer(m.ones(1), persistent=False)
        assert "c" in mod._buffers and "c" not in mod.state_dict()
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'l'"):
        mod = npgrad.nn.Module()
        mod.l = npgrad.nn.Linear(1, 1)
        mod.l = 3


def test_dir_and_getattr():
    o = npgrad.nn.Sequential(npgrad.nn.Linear(2, 2))
    assert "0" not in dir(o) and "forward" in dir(o)
    assert "weight" in dir(o[0]) and "bias" in dir(o[0])
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        o[0].nope


def test_get_submodule_parameter_buffer():
    t, o = both(net)
    assert o.get_submodule("blocks.1.bn") is o.blocks[1].bn
    assert o.get_submodule("") is o
    assert o.get_parameter("head.lin.bias") is o.head.lin.bias
    assert o.get_buffer("blocks.0.bn.running_var") is o.blocks[0].bn.running_var
    new = npgrad.nn.Identity()
    o.set_submodule("blocks.0.act", new)
    assert o.blocks[0].act is new


# ---------------------------------------------------------------- modes, grads, dtypes
def test_train_eval_apply_requires_grad_zero_grad():
    o = net(npgrad)
    o.eval()
    assert not any(mod.training for mod in o.modules())
    assert o.train() is o and all(mod.training for mod in o.modules())
    seen = []
    o.apply(lambda mod: seen.append(type(mod).__name__))
    t = net(torch)
    t_seen = []
    t.apply(lambda mod: t_seen.append(type(mod).__name__))
    assert seen == t_seen
    o.requires_grad_(False)
    assert not any(p.requires_grad for p in o.parameters())
    o.requires_grad_()
    out = o(npgrad.ones(2, 3)).sum()
    out.backward()
    assert all(p.grad is not None for p in o.parameters())
    o.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in o.parameters())
    o.zero_grad()
    assert all(p.grad is None for p in o.parameters())


def test_to_double_float_half_keep_parameter_identity():
    o = npgrad.nn.Sequential(npgrad.nn.Linear(2, 2), npgrad.nn.BatchNorm1d(2))
    w = o[0].weight
    o[0].weight.grad = npgrad.ones(2, 2)
    assert o.double() is o
    assert o[0].weight is w and w.dtype == npgrad.float64 and w.grad.dtype == npgrad.float64
    assert o[1].running_mean.dtype == npgrad.float64 and o[1].num_batches_tracked.dtype == npgrad.int64
    o.half()
    assert w.dtype == npgrad.float16
    o.to(npgrad.float32)
    assert w.dtype == npgrad.float32 and o[1].num_batches_tracked.dtype == npgrad.int64
    o.to("cpu")
    o.cpu()
    assert o(npgrad.ones(3, 2)).dtype == npgrad.float32
    o.to(npgrad.zeros(1, dtype=npgrad.float64))
    assert w.dtype == npgrad.float64
    o.type(npgrad.float32)
    assert o[1].num_batches_tracked.dtype == npgrad.float32  # type() converts every tensor, as torch


def test_module_dtype_and_device_kwargs():
    lin = npgrad.nn.Linear(2, 3, dtype=npgrad.float64, device="cpu")
    assert lin.weight.dtype == npgrad.float64 and lin.bias.dtype == npgrad.float64
    with pytest.raises(AssertionError, match="CUDA"):
        npgrad.nn.Linear(2, 3, device="cuda")


def test_deepcopy_and_pickle():
    o = net(npgrad)
    o.gain.grad = npgrad.ones(1)
    c = copy.deepcopy(o)
    assert c.shared is c.head.lin and c.gain is not o.gain
    assert isinstance(c.gain, npgrad.nn.Parameter) and c.gain.grad is None
    for k, v in o.state_dict().items():
        np.testing.assert_array_equal(c.state_dict()[k].numpy(), v.numpy())
    p = pickle.loads(pickle.dumps(npgrad.nn.Parameter(npgrad.ones(2), requires_grad=False)))
    assert isinstance(p, npgrad.nn.Parameter) and not p.requires_grad
    lin = pickle.loads(pickle.dumps(npgrad.nn.Linear(2, 2)))
    assert isinstance(lin.weight, npgrad.nn.Parameter) and lin.weight.requires_grad


# ---------------------------------------------------------------- hooks
def test_forward_hooks_match_torch():
    def run(m):
        log = []
        lin = m.nn.Linear(2, 2)
        lin.load_state_dict({"weight": m.eye(2), "bias": m.zeros(2)})
        h1 = lin.register_forward_pre_hook(lambda mod, args: log.append(("pre", len(args))))
        h2 = lin.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h3 = lin.register_forward_hook(lambda mod, args, out: out + 1)
        h4 = lin.register_forward_hook(lambda mod, args, kwargs, out: log.append(("kw", sorted(kwargs))),
                                       with_kwargs=True)
        h5 = lin.register_forward_hook(lambda mod, args, out: log.append("first"), prepend=True)
        h6 = lin.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] + 1,), kwargs), with_kwargs=True)
        out1 = lin(m.ones(1, 2)).tolist()
        for h in (h2, h3, h6):
            h.remove()
        out2 = lin(m.ones(1, 2)).tolist()
        for h in (h1, h4, h5):
            h.remove()
        with lin.register_forward_hook(lambda mod, a, o: o * 0):
            out3 = lin(m.ones(1, 2)).tolist()
        out4 = lin(m.ones(1, 2)).tolist()
        return log, out1, out2, out3, out4
    assert run(npgrad) == run(torch)


def test_forward_hook_always_call_and_bad_pre_hook():
    def run(m):
        log = []

        class Boom(m.nn.Module):
            def forward(self, x):
                raise ValueError("boom")
        b = Boom()
        b.register_forward_hook(lambda mod, a, o: log.append(o), always_call=True)
        with pytest.raises(ValueError):
            b(m.ones(1))
        return log
    assert run(npgrad) == run(torch) == [None]
    raises_like(lambda m: (lambda lin: (lin.register_forward_pre_hook(lambda mod, a, k: 3, with_kwargs=True),
                                        lin(m.ones(2))))(m.nn.Linear(2, 2)))


def test_global_forward_hooks():
    from npgrad.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook
    seen = []
    h1 = register_module_forward_pre_hook(lambda mod, args: seen.append(("pre", type(mod).__name__)))
    h2 = register_module_forward_hook(lambda mod, args, out: seen.append(("post", type(mod).__name__)))
    try:
        npgrad.nn.Sequential(npgrad.nn.Identity())(npgrad.ones(1))
    finally:
        h1.remove()
        h2.remove()
    assert seen == [("pre", "Sequential"), ("pre", "Identity"), ("post", "Identity"), ("post", "Sequential")]
    npgrad.nn.Identity()(npgrad.ones(1))
    assert len(seen) == 4


def test_state_dict_hooks():
    def run(m):
        lin = m.nn.Linear(2, 2)
        log = []
        lin.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: log.append(("pre", prefix)))
        lin.register_state_dict_post_hook(lambda mod, sd, prefix, meta: [sd.pop(prefix + "bias"), None][1])
        lin.register_load_state_dict_post_hook(lambda mod, keys: keys.missing_keys.clear())
        keys = list(m.nn.Sequential(lin).state_dict())
        res = lin.load_state_dict({"weight": m.zeros(2, 2)})
        return log, keys, repr(res)
    assert run(npgrad) == run(torch)


# ---------------------------------------------------------------- containers
def test_sequential_operations():
    def run(m):
        a, b, c = m.nn.ReLU(), m.nn.Tanh(), m.nn.Sigmoid()
        s = m.nn.Sequential(a, b)
        out = [len(s), type(s[-1]).__name__, repr(s[0:1]), type(s[1:]).__name__]
        s.append(c)
        s.insert(0, m.nn.Identity())
        s.extend([m.nn.ReLU6()])
        out.append(repr(s))
        del s[1]
        out.append(list(s._modules))
        s[0] = m.nn.ELU()
        out.append(repr(s + m.nn.Sequential(a)))
        out.append(repr(s * 2))
        s += m.nn.Sequential(c)
        out.append(repr(s))
        out.append(type(s.pop(0)).__name__)
        out.append(list(s._modules))
        d = m.nn.Sequential(OrderedDict([("first", a), ("second", b)]))
        out.append(repr(d[1:]))
        out.append([round(v, 5) for v in s(m.tensor([-1.0, 2.0])).tolist()])
        return out
    assert run(npgrad) == run(torch)
    raises_like(lambda m: m.nn.Sequential(m.nn.ReLU())[3])
    raises_like(lambda m: m.nn.Sequential(m.nn.ReLU()) + [1])
    raises_like(lambda m: m.nn.Sequential(m.nn.ReLU()) * 0)


def test_modulelist_moduledict():
    def run(m):
        lst = m.nn.ModuleList([m.nn.Linear(2, 2) for _ in range(3)] + [m.nn.ReLU(), m.nn.ReLU()])
        out = [repr(lst), len(lst), repr(lst[1:3]), repr(m.nn.ModuleList())]
        lst.insert(1, m.nn.Tanh())
        lst.append(m.nn.Sigmoid()).extend([m.nn.Identity()])
        del lst[0]
        out.append(repr(lst))
        out.append(type(lst.pop(-1)).__name__)
        lst += [m.nn.ELU()]
        out.append(repr(lst + m.nn.ModuleList([m.nn.Tanh()])))
        dct = m.nn.ModuleDict({"b": m.nn.ReLU(), "a": m.nn.Tanh()})
        dct.update([("c", m.nn.Sigmoid())])
        dct["d"] = m.nn.Identity()
        out += [repr(dct), list(dct), list(dct.keys()), "a" in dct, len(dct), type(dct.pop("b")).__name__]
        del dct["a"]
        out.append(list(dct.items()).__len__())
        dct.clear()
        out.append(len(dct))
        return out
    assert run(npgrad) == run(torch)
    raises_like(lambda m: m.nn.ModuleList([m.nn.ReLU()])[2])
    raises_like(lambda m: m.nn.ModuleList().extend(3))
    raises_like(lambda m: m.nn.ModuleDict().update(3))
    raises_like(lambda m: m.nn.ModuleDict().update([("a", m.nn.ReLU(), 1)]))


def test_parameterlist_parameterdict():
    def run(m):
        pl = m.nn.ParameterList([m.nn.Parameter(m.ones(2)), m.zeros(3, 2), "text"])
        pl.append(m.ones(1, dtype=m.float64))
        out = [normalise(repr(pl)), len(pl), [type(p).__name__ for p in pl], list(pl.state_dict()),
               [n for n, _ in pl.named_parameters()], len(pl[1:])]
        pd = m.nn.ParameterDict({"b": m.ones(2), "a": m.nn.Parameter(m.zeros(1))})
        pd["c"] = m.ones(1, 1)
        pd.update(OrderedDict(z=m.ones(1), y=m.ones(1)))
        out += [normalise(repr(pd)), list(pd), list(pd.state_dict()), type(pd["a"]).__name__, "z" in pd,
                pd.get("q", 5), len(pd)]
        out.append(pd.popitem()[0])
        out.append(type(pd.pop("b")).__name__)
        out.append(list(pd.copy()))
        out.append(list((pd | m.nn.ParameterDict({"k": m.ones(1)}))))
        out.append(pd.setdefault("n", m.ones(1)).shape == (1,))
        pd.clear()
        out.append(len(pd))
        return out
    assert run(npgrad) == run(torch)
    raises_like(lambda m: m.nn.ParameterList([m.ones(1)])(m.ones(1)))
    raises_like(lambda m: m.nn.ParameterDict()(m.ones(1)))
    raises_like(lambda m: m.nn.ParameterList().extend(m.ones(2)))


# ---------------------------------------------------------------- Parameter and Buffer
def test_parameter_basics():
    for m in (torch, npgrad):
        x = m.ones(2)
        p = m.nn.Parameter(x)
        assert p.requires_grad and p.is_leaf and isinstance(p, m.Tensor)
        x.add_(1)  # shares storage and version counter with its data
        assert p.tolist() == [2.0, 2.0] and p._version == x._version
        with m.no_grad():
            assert m.nn.Parameter(m.ones(1)).requires_grad
        assert type(p * 2) is m.Tensor and type(p.detach()) is m.Tensor and type(p.data) is m.Tensor
        assert not m.nn.Parameter(m.ones(1), requires_grad=False).requires_grad
        assert tuple(m.nn.Parameter().shape) == (0,)
    for t, o in [(torch.nn.Parameter(torch.ones(2, dtype=torch.float64)),
                  npgrad.nn.Parameter(npgrad.ones(2, dtype=npgrad.float64))),
                 (torch.nn.Parameter(torch.arange(3), requires_grad=False),
                  npgrad.nn.Parameter(npgrad.arange(3), requires_grad=False)),
                 (torch.nn.Parameter(torch.linspace(0, 1, 30).reshape(3, 10)),
                  npgrad.nn.Parameter(npgrad.linspace(0, 1, 30).reshape(3, 10))),
                 (torch.nn.Parameter(), npgrad.nn.Parameter())]:
        assert normalise(repr(o)) == repr(t)
        assert normalise(str(o)) == str(t)
    raises_like(lambda m: m.nn.Parameter(m.arange(3)))


def test_parameter_deepcopy_and_attributes():
    p = npgrad.nn.Parameter(npgrad.ones(2))
    p.grad = npgrad.ones(2)
    p.tag = "shared"
    q = copy.deepcopy(p)
    assert type(q) is npgrad.nn.Parameter and q.grad is None and q.requires_grad
    q.data.add_(1)
    assert p.tolist() == [1.0, 1.0]


def test_buffer():
    for m in (torch, npgrad):
        b = m.nn.Buffer(m.ones(2), persistent=False)
        assert isinstance(b, m.nn.Buffer) and not isinstance(m.ones(1), m.nn.Buffer)
        mod = m.nn.Module()
        mod.b = b
        mod.c = m.nn.Buffer(m.zeros(1))
        assert list(mod.state_dict()) == ["c"] and [n for n, _ in mod.named_buffers()] == ["b", "c"]


def test_full_backward_hooks_match_torch():
    def run(m):
        log = []

        class Mul(m.nn.Module):
            def forward(self, x, y, k):
                return x * y * k, x + 1

        mod = Mul()
        mod.register_full_backward_pre_hook(
            lambda mod, go: log.append(("pre", [None if g is None else g.tolist() for g in go])))
        mod.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2, go[1]))
        mod.register_full_backward_pre_hook(lambda mod, go: None)
        mod.register_full_backward_hook(
            lambda mod, gi, go: log.append(("full", [None if g is None else g.tolist() for g in gi],
                                            [None if g is None else g.tolist() for g in go])))
        h = mod.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10, gi[1], gi[2]))
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = m.tensor([3.0, 4.0], requires_grad=True)
        a, b = mod(x, y, 5.0)
        out = [type(a.grad_fn).__name__, a.grad_fn.name()]
        (a.sum() + b.sum()).backward()
        out += [x.grad.tolist(), y.grad.tolist()]
        h.remove()
        x.grad = y.grad = None
        a, b = mod(x, y, 1.0)
        a.sum().backward()
        return log, out, x.grad.tolist(), y.grad.tolist()
    assert run(npgrad) == run(torch)


def test_backward_hook_without_input_grads_and_mixing_errors():
    def run(m):
        log = []
        lin = m.nn.Linear(2, 1)
        lin.register_full_backward_hook(lambda mod, gi, go: log.append((gi, [g.shape[-1] for g in go])))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lin(m.ones(3, 2)).sum().backward()
        return log, len(w)
    assert run(npgrad) == run(torch)
    raises_like(lambda m: (lambda lin: (lin.register_full_backward_hook(lambda *a: None),
                                        lin.register_backward_hook(lambda *a: None)))(m.nn.Linear(1, 1)))
    raises_like(lambda m: (lambda lin: (lin.register_backward_hook(lambda *a: None),
                                        lin.register_full_backward_hook(lambda *a: None)))(m.nn.Linear(1, 1)))


def test_state_dict_positional_args_warn():
    for m in (torch, npgrad):
        with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
            sd = m.nn.Linear(1, 1).state_dict(None, "lin.")
        assert list(sd) == ["lin.weight", "lin.bias"]
