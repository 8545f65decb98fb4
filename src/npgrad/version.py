"""``npgrad.version``: what ``torch.version`` tells a script about the build.

``__version__`` is npgrad's own version; ``torch_version`` is the PyTorch release whose behaviour npgrad follows.
No accelerator toolkit is built in, so ``cuda``, ``hip``, ``rocm`` and ``xpu`` are None, as in a CPU build of torch.
"""
from ._version import __version__, TorchVersion  # noqa: F401

__all__ = ["__version__", "cuda", "debug", "git_version", "hip", "rocm", "xpu", "torch_version"]

torch_version = TorchVersion("2.13.0")
cuda = None
hip = None
rocm = None
xpu = None
debug = False
git_version = "Unknown"
