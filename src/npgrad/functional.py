"""``npgrad.functional``: torch.functional's names (``einsum``, ``split``, ``norm``, ``meshgrid``, ...).

The same functions as at the top level; each name resolves when first used, so the ones other parts of npgrad
add later (``cdist``, ``block_diag``, ...) appear here too. A name torch.functional has and npgrad lacks
raises ``AttributeError``.
"""
import npgrad as _npgrad

_TORCH_FUNCTIONAL = ("atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
                     "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu", "norm",
                     "meshgrid", "pca_lowrank", "split", "stft", "svd_lowrank", "tensordot", "unique",
                     "unique_consecutive", "unravel_index")

__all__ = [n for n in _TORCH_FUNCTIONAL if hasattr(_npgrad, n)]


def __getattr__(name):
    if name in _TORCH_FUNCTIONAL:
        try:
            return getattr(_npgrad, name)
        except AttributeError:
            pass
    raise AttributeError(f"module 'npgrad.functional' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | {n for n in _TORCH_FUNCTIONAL if hasattr(_npgrad, n)})
