"""``torch.nn.modules.instancenorm``'s path: its classes, found where npgrad defines them (so pickles and imports that
name this module work; a class npgrad lacks raises AttributeError)."""
import importlib

_NAMES = ("InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",)


def __getattr__(name):
    if name in _NAMES:
        nn = importlib.import_module("npgrad.nn")
        value = getattr(nn, name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
