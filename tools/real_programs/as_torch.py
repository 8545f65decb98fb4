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

sys.meta_path.insert(0, _Alias())
if __name__ == "__main__":
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
