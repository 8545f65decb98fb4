"""Run a script with `import torch` (and every torch.X) resolved to npgrad (and npgrad.X)."""
import importlib, importlib.abc, importlib.util, runpy, sys, os

class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name == "torch" or name.startswith("torch."):
            return importlib.util.spec_from_loader(name, self)
        return None
    def create_module(self, spec):
        return importlib.import_module("npgrad" + spec.name[len("torch"):])
    def exec_module(self, module):
        pass

if not any(type(f).__name__ == "_Alias" for f in sys.meta_path):
    sys.meta_path.insert(0, _Alias())
# child processes started fresh (multiprocessing's spawn/forkserver) get the alias too, through child_hook/sitecustomize
os.environ["NPGRAD_AS_TORCH"] = "1"
_hook = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child_hook")
if _hook not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_hook, os.environ.get("PYTHONPATH")) if p)
if __name__ == "__main__":
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
