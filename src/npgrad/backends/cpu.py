"""``npgrad.backends.cpu``."""
from __future__ import annotations


def get_cpu_capability() -> str:
    """The widest SIMD level NumPy's kernels use on this machine, in torch's words ("AVX512", "AVX2", ...)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as feats
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as feats  # type: ignore[no-redef]  # NumPy 1.x
    if feats.get("AVX512F") and feats.get("AVX512BW"):
        return "AVX512"
    if feats.get("AVX2"):
        return "AVX2"
    if feats.get("ASIMD"):
        return "DEFAULT"  # torch reports NEON machines as DEFAULT
    return "DEFAULT"
