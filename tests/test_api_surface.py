"""The device/backend surface and module paths scripts touch, each answer compared with torch 2.13's CPU build."""
import importlib
import pickle
import warnings

import numpy as np
import pytest
import torch

import npgrad


def _outcome(fn):
    """(kind, value-or-exception class) of calling fn, for comparing the two frameworks."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn()
    except Exception as e:  # noqa: BLE001  (the class is what is compared)
        return "raise", type(e).__name__
    return "value", r


# ------------------------------------------------------------------------------------------------- torch.cuda
CUDA_CALLS = ["is_available()", "device_count()", "current_device()", "get_device_name()", "get_device_name(0)",
              "manual_seed(1)", "manual_seed_all(1)", "seed()", "seed_all()", "synchronize()", "empty_cache()",
              "is_initialized()", "get_device_capability()", "get_device_properties(0)", "memory_allocated()",
              "max_memory_allocated()", "memory_reserved()", "max_memory_reserved()", "is_bf16_supported()",
              "init()", "initial_seed()", "get_rng_state()", "get_rng_state_all()", "get_arch_list()",
              "mem_get_info()", "current_stream()", "default_stream()", "ipc_collect()", "is_tf32_supported()",
              "set_per_process_memory_fraction(0.5)", "memory_stats()"]


@pytest.mark.parametrize("call", CUDA_CALLS)
def test_cuda_module_as_torch_cpu_build(call):
    ours = _outcome(lambda: eval(f"npgrad.cuda.{call}"))
    theirs = _outcome(lambda: eval(f"torch.cuda.{call}"))
    if call == "memory_stats()":
        assert ours == ("value", {}) and theirs == ("value", {})
    else:
        assert ours == theirs


def test_cuda_contexts_and_classes():
    for lib in (torch, npgrad):
        with pytest.raises(RuntimeError, match="compiled without CUDA"):
            with lib.cuda.device(0):
                pass
        with lib.cuda.stream(None):
            pass
        with pytest.raises(RuntimeError):
            lib.cuda.Stream()
        with pytest.raises(RuntimeError):
            lib.cuda.Event(enable_timing=True)
        assert issubclass(lib.cuda.OutOfMemoryError, RuntimeError)


@pytest.mark.parametrize("make", [lambda m: m.ones(2).cuda(), lambda m: m.ones(2).to("cuda"),
                                  lambda m: m.ones(2).to(device="cuda:0"), lambda m: m.ones(2, device="cuda"),
                                  lambda m: m.zeros(2, device=m.device("cuda", 1)),
                                  lambda m: m.nn.Linear(2, 2).cuda(), lambda m: m.ones(2).to("mps")])
def test_accelerator_use_raises_torch_error(make):
    assert _outcome(lambda: make(npgrad))[1] == _outcome(lambda: make(torch))[1]


def test_cpu_index_is_accepted():
    for lib in (torch, npgrad):
        assert lib.ones(2).to("cpu:0").tolist() == [1.0, 1.0]
        assert lib.zeros(2, device="cpu:3").device == lib.device("cpu")


# ------------------------------------------------------------------------------------------------- torch.device
@pytest.mark.parametrize("args", [("cpu",), ("cpu:0",), ("cpu", 0), ("cuda",), ("cuda:1",), ("cuda", 1), ("mps",),
                                  ("meta",), ("foo",), ("cpu:x",), ("cpu:-1",), ("cuda:01",), (" cpu",), ("CPU",),
                                  ("cpu:0", 1), ("cpu", -1), (0,)])
def test_device_parsing_as_torch(args):
    ours = _outcome(lambda: npgrad.device(*args))
    theirs = _outcome(lambda: torch.device(*args))
    assert ours[0] == theirs[0]
    if ours[0] == "raise":
        assert ours[1] == theirs[1]
    else:
        assert repr(ours[1]) == repr(theirs[1]) and str(ours[1]) == str(theirs[1])
        assert (ours[1].type, ours[1].index) == (theirs[1].type, theirs[1].index)


def test_device_equality_hash_pickle():
    for lib in (torch, npgrad):
        d = lib.device("cpu")
        assert d == lib.device("cpu") and d != lib.device("cpu", 0) and hash(d) == hash(lib.device("cpu"))
        assert (d == "cpu") is False  # a string is not a device, in torch
        assert pickle.loads(pickle.dumps(lib.device("cuda", 2))) == lib.device("cuda", 2)
        assert lib.device(lib.device("cuda:1")) == lib.device("cuda", 1)
        assert lib.ones(1).device == lib.device("cpu")


def test_default_device_as_torch():
    for lib in (torch, npgrad):
        assert lib.get_default_device() == lib.device("cpu")
        try:
            lib.set_default_device("cuda")  # accepted; creating a tensor then fails as torch
            with pytest.raises(AssertionError, match="not compiled with CUDA"):
                lib.ones(2)
            with pytest.raises(AssertionError):
                lib.get_default_device()
            assert lib.ones(2, device="cpu").shape == (2,)
        finally:
            lib.set_default_device(None)
        lib.set_default_device("cpu")
        assert lib.ones(2).device == lib.device("cpu")
        lib.set_default_device(None)
        with lib.device("cpu"):
            assert lib.zeros(1).device.type == "cpu"


# ------------------------------------------------------------------------------------------------- backends
@pytest.mark.parametrize("attr", ["cudnn.is_available()", "cudnn.enabled", "cudnn.benchmark", "cudnn.deterministic",
                                  "cudnn.allow_tf32", "cudnn.version()", "mps.is_available()", "mps.is_built()",
                                  "cuda.is_built()", "cuda.matmul.allow_tf32",
                                  "cuda.matmul.allow_fp16_reduced_precision_reduction", "cuda.flash_sdp_enabled()",
                                  "cuda.math_sdp_enabled()", "cuda.mem_efficient_sdp_enabled()",
                                  "mkldnn.enabled", "opt_einsum.is_available()"])
def test_backends_flags_as_torch(attr):
    assert _outcome(lambda: eval(f"npgrad.backends.{attr}")) == _outcome(lambda: eval(f"torch.backends.{attr}"))


def test_backends_flags_are_settable_and_scoped():
    import npgrad.backends.cudnn as cudnn
    old = cudnn.benchmark
    try:
        npgrad.backends.cudnn.benchmark = True
        assert cudnn.benchmark is True
        with cudnn.flags(enabled=False, benchmark=False, deterministic=True):
            assert cudnn.deterministic is True and cudnn.enabled is False
        assert cudnn.deterministic is False and cudnn.enabled is True
    finally:
        cudnn.benchmark = old
    assert npgrad.backends.cpu.get_cpu_capability() in ("DEFAULT", "AVX2", "AVX512")
    assert isinstance(npgrad.backends.mkl.is_available(), bool)


def test_mps_and_accelerator_as_torch():
    for call in ["mps.is_available()", "mps.device_count()", "mps.manual_seed(0)", "mps.synchronize()",
                 "mps.empty_cache()", "accelerator.is_available()", "accelerator.device_count()",
                 "accelerator.current_accelerator()", "accelerator.current_device_index()",
                 "accelerator.synchronize()"]:
        assert _outcome(lambda: eval(f"npgrad.{call}")) == _outcome(lambda: eval(f"torch.{call}")), call


# ------------------------------------------------------------------------------------------------- version
def test_version_module():
    assert npgrad.version.cuda is None and torch.version.cuda is None
    assert npgrad.version.debug is False and npgrad.version.hip is None
    assert isinstance(npgrad.version.git_version, str)
    assert npgrad.version.__version__ == npgrad.__version__
    assert npgrad.__version__ >= "0.1" and npgrad.__version__ < "0.10" and npgrad.__version__ < (1, 0)
    assert npgrad.version.torch_version == "2.13.0" and torch.__version__.startswith("2.13")


def test_lazy_submodule_list_only_names_real_modules():
    for name in npgrad._LAZY:
        assert importlib.import_module(f"npgrad.{name}") is getattr(npgrad, name)
    with pytest.raises(AttributeError):
        npgrad.fft


# ------------------------------------------------------------------------------------------------- jit / onnx / hub
def test_jit_decorators_return_the_callable():
    def f(x):
        return x * 2

    for lib in (npgrad,):
        assert lib.jit.script(f) is f and lib.jit.ignore(f) is f and lib.jit.unused(f) is f
        assert lib.jit.export(f) is f and lib.jit.ignore(drop=True)(f) is f
        m = lib.nn.Linear(2, 2)
        assert lib.jit.trace(m, lib.ones(1, 2)) is m
        assert lib.jit.is_scripting() is False and lib.jit.is_tracing() is False
        assert lib.jit.fork(f, lib.ones(1)).wait().tolist() == [2.0]
        assert issubclass(lib.jit.ScriptModule, lib.nn.Module)
        assert lib.jit.isinstance([1, 2], list) and lib.jit.annotate(int, 3) == 3
        with pytest.raises(NotImplementedError):
            lib.jit.save(m, "x.pt")
    assert torch.jit.is_scripting() is False


def test_onnx_importable_export_refused():
    import npgrad.onnx as onnx
    with pytest.raises(NotImplementedError, match="ONNX"):
        onnx.export(npgrad.nn.Linear(2, 2), (npgrad.ones(1, 2),), "m.onnx")
    assert onnx.is_in_onnx_export() is False and torch.onnx.is_in_onnx_export() is False


def test_hub_offline_and_local(tmp_path):
    with pytest.raises(RuntimeError, match="does not download"):
        npgrad.hub.load("pytorch/vision", "resnet18")
    with pytest.raises(RuntimeError, match="does not download"):
        npgrad.hub.load_state_dict_from_url("https://example.com/w.pth", model_dir=str(tmp_path))
    (tmp_path / "hubconf.py").write_text("def tiny(n=2):\n    'a tiny model'\n    import npgrad\n"
                                         "    return npgrad.nn.Linear(n, 1)\n")
    m = npgrad.hub.load(str(tmp_path), "tiny", 3, source="local")
    assert m.in_features == 3
    assert "tiny" in npgrad.hub.list(str(tmp_path)) and npgrad.hub.help(str(tmp_path), "tiny") == "a tiny model"
    npgrad.save({"w": npgrad.ones(2)}, tmp_path / "w.pth")
    sd = npgrad.hub.load_state_dict_from_url("https://example.com/files/w.pth", model_dir=str(tmp_path))
    assert sd["w"].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError):
        npgrad.hub.load(str(tmp_path), "tiny", source="gitlab")


# ------------------------------------------------------------------------------------------------- compile
def test_compile_runs_the_function_and_module():
    f = npgrad.compile(lambda x: x.sin() + 1)
    x = npgrad.randn(3, requires_grad=True)
    y = f(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos(x.detach().numpy()), rtol=1e-6)

    @npgrad.compile
    def g(x):
        return x * 2

    @npgrad.compile(fullgraph=True, dynamic=False, mode="max-autotune")
    def h(x):
        return x * 3
    assert g(npgrad.ones(1)).tolist() == [2.0] and h(npgrad.ones(1)).tolist() == [3.0] and g.__name__ == "g"
    m = npgrad.nn.Linear(2, 2)
    c = npgrad.compile(m)
    t = torch.compile(torch.nn.Linear(2, 2))
    assert type(c).__name__ == type(t).__name__ == "OptimizedModule"
    assert c._orig_mod is m and c.weight is m.weight and c.in_features == 2
    assert list(c.state_dict()) == list(t.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
    assert str(c).startswith("OptimizedModule(\n  (_orig_mod): Linear(")
    np.testing.assert_array_equal(c(npgrad.ones(2)).detach().numpy(), m(npgrad.ones(2)).detach().numpy())
    assert m.compile() is None
    assert npgrad.compile(m, disable=True) is m


@pytest.mark.parametrize("kw", [dict(mode="foo"), dict(mode="default", options={})])
def test_compile_argument_errors_as_torch(kw):
    assert _outcome(lambda: npgrad.compile(lambda x: x, **kw)) == _outcome(lambda: torch.compile(lambda x: x, **kw))


def test_compile_errors():
    with pytest.raises(AssertionError, match="callable"):
        npgrad.compile(3)
    f = npgrad.compile(lambda x: x, backend="no-such-backend")
    with pytest.raises(RuntimeError, match="Invalid backend"):
        f(1)
    for lib in (torch, npgrad):
        assert lib.compiler.is_compiling() is False and lib.compiler.is_dynamo_compiling() is False
        fn = lambda x: x  # noqa: E731
        assert lib.compiler.disable(fn)(5) == 5 and lib.compiler.disable()(fn)(6) == 6
        lib.compiler.reset()


# ------------------------------------------------------------------------------------------------- amp
def _train_with_scaler(lib, grads):
    scaler = lib.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    w = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([w], lr=0.1)
    trace = []
    for g in grads:
        opt.zero_grad()
        loss = (w * lib.tensor(g)).sum()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        trace.append((w.detach().numpy().tolist(), scaler.get_scale(), scaler.state_dict()))
    return trace


def test_grad_scaler_as_torch():
    grads = [[1.0, 2.0], [np.inf, 1.0], [0.5, 0.5], [1.0, 1.0], [np.nan, 0.0], [2.0, 1.0]]
    ours, theirs = _train_with_scaler(npgrad, grads), _train_with_scaler(torch, grads)
    for (wo, so, do), (wt, st, dt) in zip(ours, theirs):
        np.testing.assert_allclose(wo, wt, rtol=1e-6)
        assert so == st and do == dt


def test_grad_scaler_disabled_and_errors_as_torch():
    for lib in (torch, npgrad):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            s = lib.amp.GradScaler()  # device "cuda" by default: not available, so disabled with a warning
        assert not s.is_enabled() and any("not available" in str(x.message) for x in w)
        t = lib.tensor(2.0)
        assert s.scale(t) is t and s.get_scale() == 1.0 and s.state_dict() == {}
        w_ = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([w_], lr=1.0)
        (w_ * 3).sum().backward()
        assert s.step(opt) is None and w_.tolist() == [-2.0]
        s.update()
        s.unscale_(opt)
        on = lib.amp.GradScaler("cpu")
        on.scale((w_ * 1).sum()).backward()
        on.unscale_(opt)
        with pytest.raises(RuntimeError, match="already been called"):
            on.unscale_(opt)
        on.step(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            on.step(opt)
    with pytest.warns(FutureWarning):
        assert not npgrad.cuda.amp.GradScaler().is_enabled()


def test_autocast_as_torch_where_it_is_a_no_op():
    for lib in (torch, npgrad):
        a = lib.ones(2, 2)
        with lib.autocast("cpu", enabled=False):
            assert (a @ a).dtype == lib.float32 and not lib.is_autocast_enabled("cpu")
        with pytest.warns(UserWarning, match="CUDA is not available"):
            with lib.autocast("cuda"):
                assert (a @ a).dtype == lib.float32
        with pytest.warns(UserWarning, match="target dtype is not supported"):
            with lib.autocast("cpu", dtype=lib.float64):
                assert not lib.is_autocast_enabled("cpu")
        with pytest.raises(RuntimeError, match="device type at start of device string"):
            lib.autocast("xyz")

        @lib.autocast("cpu", enabled=False)
        def f(x):
            return x + 1
        assert f(a).dtype == lib.float32
    # (CPU autocast to bfloat16/float16 itself is tested against torch in tests/amp/test_autocast.py)


# ------------------------------------------------------------------------------------------------- profiler
def test_profiler_table_counts_npgrad_ops():
    from npgrad.profiler import profile, record_function, ProfilerActivity
    x = npgrad.randn(20, 20, requires_grad=True)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            y = (x * x).sin()
            y = (y * x).sum()
        y.backward()
    avg = {e.key: e for e in prof.key_averages()}
    assert avg["aten::mul"].count == 2 and avg["aten::sin"].count == 1 and avg["aten::sum"].count == 1
    assert avg["model_inference"].count == 1 and avg["MulBackward0"].count == 2 and avg["SinBackward0"].count == 1
    mi = avg["model_inference"]
    assert mi.cpu_time_total >= mi.self_cpu_time_total >= 0
    assert mi.cpu_time_total >= avg["aten::sin"].cpu_time_total
    table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=5)
    lines = table.splitlines()
    assert lines[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%", "CPU", "total",
                                "CPU", "time", "avg", "#", "of", "Calls"]
    assert lines[3].split()[0] == "model_inference" and len(lines) == 5 + 5 and lines[-1].startswith("Self CPU time")
    shapes = prof.key_averages(group_by_input_shape=True).table()
    assert "[[20, 20], [20, 20]]" in shapes
    # off again: the fast apply is back and nothing is recorded
    assert npgrad.autograd.function._op_observer is None
    assert npgrad.autograd.function._extras == 0


def test_profiler_schedule_and_trace(tmp_path):
    from npgrad.profiler import profile, schedule, ProfilerAction, tensorboard_trace_handler
    s = schedule(wait=1, warmup=1, active=2, repeat=1)
    ts = torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=1)
    assert [s(i).name for i in range(7)] == [ts(i).name for i in range(7)]
    assert s(3) is ProfilerAction.RECORD_AND_SAVE
    ready = []
    x = npgrad.ones(3)
    with profile(schedule=schedule(wait=1, warmup=0, active=2, repeat=1),
                 on_trace_ready=lambda p: ready.append({e.key: e.count for e in p.key_averages()})) as prof:
        for _ in range(5):
            x.exp()
            prof.step()
    assert ready == [{"aten::exp": 2}]
    with profile(on_trace_ready=tensorboard_trace_handler(str(tmp_path))):
        x.cos()
    import json
    files = list(tmp_path.glob("*.pt.trace.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["traceEvents"][0]["name"] == "aten::cos"


def test_autograd_profiler_and_custom_function_names():
    class Double(npgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    x = npgrad.ones(2, requires_grad=True)
    with npgrad.autograd.profiler.profile(profile_memory=True) as prof:
        Double.apply(x).sum().backward()
    keys = {e.key for e in prof.key_averages()}
    assert {"Double", "aten::sum", "DoubleBackward"} <= keys
    assert "CPU Mem" in prof.table()
    with pytest.raises(AssertionError):
        npgrad.autograd.profiler.profile(use_cuda=True)


# ------------------------------------------------------------------------------------------------- benchmark
def test_benchmark_timer_interface():
    from npgrad.utils import benchmark
    t = benchmark.Timer("x.sin()", globals={"x": npgrad.ones(10)}, label="sin", sub_label="10", description="cpu")
    m = t.timeit(50)
    assert m.number_per_run == 50 and len(m.times) == 1 and m.mean > 0 and m.median == m.mean
    m2 = t.blocked_autorange(min_run_time=0.02)
    assert len(m2.times) >= 2 and m2.median > 0 and m2.iqr >= 0
    m3 = t.adaptive_autorange(max_run_time=0.1)
    assert len(m3.times) >= 1
    r = repr(m2)
    assert "sin: 10" in r and "Median:" in r and "runs per measurement" in r
    assert "1 measurement, 50 runs , 1 thread" in repr(m)
    out = str(benchmark.Compare([m2, m3]))
    assert "sin" in out and "Times are in" in out
    with pytest.raises(ValueError):
        benchmark.Timer(lambda: None)


# ------------------------------------------------------------------------------------------------- module paths
@pytest.mark.parametrize("path", ["npgrad.utils.checkpoint:checkpoint", "npgrad.utils.data:DataLoader",
                                  "npgrad.utils.data.sampler:RandomSampler", "npgrad.utils.data.dataset:TensorDataset",
                                  "npgrad.utils.data.dataloader:default_collate",
                                  "npgrad.nn.modules.activation:MultiheadAttention",
                                  "npgrad.nn.modules.linear:NonDynamicallyQuantizableLinear",
                                  "npgrad.nn.modules.rnn:LSTM", "npgrad.nn.modules.batchnorm:SyncBatchNorm",
                                  "npgrad.nn.modules.instancenorm:InstanceNorm2d",
                                  "npgrad.nn.modules.upsampling:Upsample", "npgrad.functional:einsum",
                                  "npgrad.functional:split", "npgrad.functional:meshgrid",
                                  "npgrad.autograd.profiler:record_function", "npgrad.autograd.graph:saved_tensors_hooks",
                                  "npgrad.amp:GradScaler", "npgrad.cuda.amp:GradScaler", "npgrad.profiler:profile",
                                  "npgrad.utils.model_zoo:load_url", "npgrad.utils.hooks:RemovableHandle",
                                  "npgrad.cpu.amp:autocast", "npgrad.nn.parallel:DataParallel",
                                  "npgrad.utils.benchmark:Timer", "npgrad.backends.cudnn:benchmark"])
def test_torch_module_paths(path):
    mod, name = path.split(":")
    theirs = importlib.import_module(mod.replace("npgrad", "torch"))
    assert hasattr(theirs, name)
    assert getattr(importlib.import_module(mod), name) is not None


def test_functional_names_are_npgrad_functions():
    import npgrad.functional as F
    for name in F.__all__:
        assert getattr(F, name) is getattr(npgrad, name)
        assert name in torch.functional.__all__


# ------------------------------------------------------------------------------------------------- legacy types
@pytest.mark.parametrize("name", ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
                                  "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"])
def test_legacy_tensor_types_as_torch(name):
    T, N = getattr(torch, name), getattr(npgrad, name)
    assert N(2, 3).shape == T(2, 3).shape and str(N(2, 3).dtype)[7:] == str(T(2, 3).dtype)[6:]
    data = [1, 0, 2]
    assert N(data).tolist() == T(data).tolist() and str(N(data).dtype)[7:] == str(T(data).dtype)[6:]
    assert N(size=(2,)).shape == T(size=(2,)).shape
    for dt in ("float32", "float64", "int64"):
        assert isinstance(npgrad.ones(1, dtype=getattr(npgrad, dt)), N) == \
            isinstance(torch.ones(1, dtype=getattr(torch, dt)), T)
    other = "float64" if name != "DoubleTensor" else "float32"
    assert _outcome(lambda: N(npgrad.ones(2, dtype=getattr(npgrad, other))))[1] == \
        _outcome(lambda: T(torch.ones(2, dtype=getattr(torch, other))))[1] == "TypeError"
    assert _outcome(lambda: N(2.5))[1] == _outcome(lambda: T(2.5))[1] == "TypeError"
    assert _outcome(lambda: N(2, dtype=npgrad.float64))[1] == _outcome(lambda: T(2, dtype=torch.float64))[1]


def test_set_default_tensor_type():
    try:
        with pytest.warns(UserWarning, match="deprecated"):
            npgrad.set_default_tensor_type(npgrad.DoubleTensor)
        assert npgrad.get_default_dtype() == npgrad.float64
        with pytest.warns(UserWarning):
            npgrad.set_default_tensor_type("torch.FloatTensor")
        assert npgrad.get_default_dtype() == npgrad.float32
        with pytest.raises(TypeError), pytest.warns(UserWarning):
            npgrad.set_default_tensor_type(npgrad.LongTensor)
    finally:
        npgrad.set_default_dtype(npgrad.float32)


def test_matmul_precision_switch():
    for lib in (torch, npgrad):
        assert lib.get_float32_matmul_precision() == "highest"
        lib.set_float32_matmul_precision("high")
        assert lib.get_float32_matmul_precision() == "high"
        lib.set_float32_matmul_precision("highest")
        with pytest.warns(UserWarning, match="has no effect"):
            lib.set_float32_matmul_precision("fast")
        assert lib.get_float32_matmul_precision() == "highest"


# ------------------------------------------------------------------------------------------------- switches
def test_deterministic_and_warn_always_switches_as_torch():
    for lib in (torch, npgrad):
        try:
            assert lib.are_deterministic_algorithms_enabled() is False and lib.get_deterministic_debug_mode() == 0
            lib.use_deterministic_algorithms(True, warn_only=True)
            assert lib.is_deterministic_algorithms_warn_only_enabled() and lib.get_deterministic_debug_mode() == 1
            lib.set_deterministic_debug_mode("error")
            assert lib.get_deterministic_debug_mode() == 2 and lib.are_deterministic_algorithms_enabled()
            for bad in ("x", 5):
                assert _outcome(lambda: npgrad.set_deterministic_debug_mode(bad)) == \
                    _outcome(lambda: torch.set_deterministic_debug_mode(bad))
        finally:
            lib.use_deterministic_algorithms(False)
        assert lib.is_warn_always_enabled() is False
        lib.set_warn_always(True)
        assert lib.is_warn_always_enabled() is True
        lib.set_warn_always(False)


def test_typename_layout_is_cpu_vmap():
    for dt in ("float32", "float64", "int64", "bool"):
        assert npgrad.typename(npgrad.ones(1, dtype=getattr(npgrad, dt))) == \
            torch.typename(torch.ones(1, dtype=getattr(torch, dt)))
    assert npgrad.typename(3) == torch.typename(3) == "int"
    assert npgrad.get_device(npgrad.ones(1)) == torch.get_device(torch.ones(1)) == -1
    assert _outcome(lambda: npgrad.get_device(3)) == _outcome(lambda: torch.get_device(3))
    assert npgrad.typename(npgrad.nn.Linear(1, 1)) == "npgrad.nn.modules.linear.Linear"
    assert npgrad.ones(1).layout == npgrad.strided and npgrad.ones(1).is_cpu is torch.ones(1).is_cpu is True
    assert npgrad.vmap(lambda x: x.sum())(npgrad.ones(4, 3)).tolist() == [3.0] * 4
    with pytest.warns(DeprecationWarning):
        assert npgrad.is_autocast_cpu_enabled() is False


def test_cpu_module_data_parallel_and_cuda_legacy_types():
    for call in ["is_available()", "device_count()", "current_device()", "synchronize()"]:
        assert _outcome(lambda: eval(f"npgrad.cpu.{call}")) == _outcome(lambda: eval(f"torch.cpu.{call}")), call
    dp, tp = npgrad.nn.DataParallel(npgrad.nn.Linear(2, 2)), torch.nn.DataParallel(torch.nn.Linear(2, 2))
    assert dp.device_ids == tp.device_ids == [] and list(dp.state_dict()) == list(tp.state_dict())
    assert str(dp).split("(")[0] == str(tp).split("(")[0] == "DataParallel"
    assert dp(npgrad.ones(1, 2)).shape == (1, 2)
    for lib in (torch, npgrad):
        assert isinstance(lib.ones(1), lib.cuda.FloatTensor) is False
        with pytest.raises((AssertionError, TypeError)):
            lib.cuda.FloatTensor(2)


def test_pinned_memory_as_torch_without_accelerator():
    for call in ["ones(2).pin_memory()", "ones(2).is_pinned()"]:
        assert _outcome(lambda: eval(f"npgrad.{call}")) == _outcome(lambda: eval(f"torch.{call}")), call


def test_thread_count_drives_numpys_blas():
    n = npgrad.get_num_threads()
    assert isinstance(n, int) and n >= 1 and isinstance(npgrad.get_num_interop_threads(), int)
    try:
        npgrad.set_num_threads(1)
        assert npgrad.get_num_threads() == 1
        a = npgrad.randn(64, 64)
        np.testing.assert_allclose((a @ a).numpy(), a.numpy() @ a.numpy(), rtol=1e-5)
    finally:
        npgrad.set_num_threads(n)
    assert npgrad.get_num_threads() == n
    for bad in (0, -1):
        assert _outcome(lambda: npgrad.set_num_threads(bad)) == _outcome(lambda: torch.set_num_threads(bad))
