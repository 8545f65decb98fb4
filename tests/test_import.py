"""import npgrad: what it leaves behind in the interpreter (the collector's state) and what it loads."""
import subprocess
import sys


def _run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_import_leaves_the_cycle_collector_as_it_found_it():
    # npgrad pauses the collector while its modules load (no garbage is made then) and resumes it at the end
    assert _run("import gc, npgrad; print(gc.isenabled())") == ["True"]
    assert _run("import gc; gc.disable(); import npgrad; print(gc.isenabled())") == ["False"]


def test_import_loads_no_optional_or_lazy_package():
    mods = _run("import sys, npgrad; print(' '.join(sorted(sys.modules)))")
    for heavy in ("ml_dtypes", "scipy", "torch", "npgrad.nn", "npgrad.optim", "npgrad.linalg",
                  "npgrad.autograd.graphviz", "npgrad.amp.grad_scaler", "npgrad.autograd.saved_attrs",
                  "npgrad._docs.shared_functional"):
        assert heavy not in mods, heavy


def test_import_leaves_nothing_frozen_and_a_programs_frozen_objects_frozen():
    # the import's objects go straight to the oldest generation (freeze + unfreeze): nothing stays frozen, and a
    # program that froze its own objects before importing npgrad finds them still frozen
    assert _run("import gc, npgrad; print(gc.get_freeze_count())") == ["0"]
    code = "import gc\nx = [[] for _ in range(100)]\ngc.freeze()\nn = gc.get_freeze_count()\nimport npgrad\n" \
           "print(n - 100 <= gc.get_freeze_count() <= n, gc.isenabled())"  # (a few frozen temporaries die)
    assert _run(code) == ["True", "True"]


def test_failed_import_resumes_the_cycle_collector():
    # a submodule that fails to import (None in sys.modules makes importing it raise ImportError)
    code = ("import gc, sys\n{pre}sys.modules['npgrad._printing'] = None\n"
            "try:\n    import npgrad\nexcept ImportError:\n    print('failed')\nprint(gc.isenabled())")
    assert _run(code.format(pre="")) == ["failed", "True"]
    assert _run(code.format(pre="gc.disable()\n")) == ["failed", "False"]


# npgrad/_lazy.py: the modules it lists load on first use, not at import
_LAZY_PROBE = ("import sys, npgrad, npgrad._lazy as L\n"
               "print(' '.join(m for m in L.MODULES if 'npgrad.' + m in sys.modules) or '-')")


def test_import_leaves_the_lazy_modules_unloaded():
    assert _run(_LAZY_PROBE) == ["-"]


def test_each_lazy_list_is_its_modules_public_names():
    import importlib
    import npgrad._lazy as L
    for module, names in L.MODULES.items():
        mod = importlib.import_module("npgrad." + module)
        if module.startswith("ops."):  # an op module: npgrad publishes its __all__
            assert names.split() == list(mod.__all__), f"npgrad/_lazy.py's list for {module} is not its __all__"
        for name in names.split():
            assert hasattr(mod, name), (module, name)


def test_a_lazy_name_loads_its_module_on_first_use():
    code = ("import sys, npgrad\nw = npgrad.hann_window(4)\n"
            "print('npgrad.ops.window' in sys.modules, 'hann_window' in vars(npgrad), 'npgrad.ops.pool' in sys.modules)\n"
            "print(npgrad.hann_window.__module__, 'hann_window' in dir(npgrad), 'max_pool2d' in dir(npgrad))")
    assert _run(code) == ["True", "True", "False", "npgrad", "True", "True"]


def test_star_import_and_all_include_the_lazy_names():
    code = ("import npgrad\nns = {}\nexec('from npgrad import *', ns)\n"
            "print('conv2d' in ns, 'compile' in ns, 'save' in ns, 'conv2d' in npgrad.__all__, 'tensor' in ns)")
    assert _run(code) == ["True"] * 5


def test_a_lazy_tensor_method_replaces_its_stand_in():
    code = ("import npgrad\nT = npgrad.Tensor\nprint(type(T.__dict__['uniform_']).__name__)\n"
            "x = npgrad.zeros(3).uniform_(2, 3)\nprint(type(T.__dict__['uniform_']).__name__, bool((x >= 2).all()))\n"
            "print(type(T.__dict__['real']).__name__)\nz = npgrad.zeros(1)\nz.real = npgrad.tensor([5.0])\n"
            "print(type(T.__dict__['real']).__name__, z.real.item())")
    assert _run(code) == ["_Lazy", "function", "True", "_LazyProperty", "property", "5.0"]


def test_lazy_functions_pickle_by_their_npgrad_name():
    code = ("import pickle, npgrad\nf = pickle.loads(pickle.dumps(npgrad.conv2d))\n"
            "import npgrad.nn.functional as F\nprint(f is npgrad.conv2d, F.conv2d is npgrad.conv2d, f.__module__)")
    assert _run(code) == ["True", "True", "npgrad"]


def test_a_capture_in_a_fresh_process_records_the_lazily_loaded_functions():
    # npgrad.compile's capture patches npgrad.bernoulli (random_fill, loaded on first use): it loads them first, so
    # the call is recorded (no graph break) and each replay draws anew
    code = ("import warnings, npgrad\nwarnings.simplefilter('error')\n"
            "f = npgrad.compile(lambda x: npgrad.bernoulli(x) * 2)\nx = npgrad.full((64,), 0.5)\n"
            "outs = [f(x) for _ in range(4)]\nprint(len({tuple(o.tolist()) for o in outs}) > 1)")
    assert _run(code) == ["True"]
