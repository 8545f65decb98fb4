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
    for heavy in ("ml_dtypes", "scipy", "torch", "npgrad.nn", "npgrad.optim", "npgrad.linalg"):
        assert heavy not in mods, heavy


def test_failed_import_resumes_the_cycle_collector():
    # a submodule that fails to import (None in sys.modules makes importing it raise ImportError)
    code = ("import gc, sys\n{pre}sys.modules['npgrad._printing'] = None\n"
            "try:\n    import npgrad\nexcept ImportError:\n    print('failed')\nprint(gc.isenabled())")
    assert _run(code.format(pre="")) == ["failed", "True"]
    assert _run(code.format(pre="gc.disable()\n")) == ["failed", "False"]
