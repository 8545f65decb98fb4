"""``npgrad.backends``: torch.backends' switches, with the answers of a CPU-only build.

Scripts set these (``torch.backends.cudnn.benchmark = True``) and read them; npgrad keeps the values so a
script reads back what it set, and ``is_available()`` tells the truth: there is no cuDNN, MPS or CUDA here.
npgrad's numerics come from NumPy, so no flag changes a result.
"""
from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp, opt_einsum  # noqa: F401

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"]
