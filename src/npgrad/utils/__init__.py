"""``npgrad.utils``: ``data`` (datasets, samplers, DataLoader) and ``safetensors``; submodules load on use."""


def __getattr__(name):
    if name in ("data", "safetensors", "checkpoint", "benchmark", "model_zoo", "hooks", "tensorboard"):
        import importlib
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'npgrad.utils' has no attribute '{name}'")
