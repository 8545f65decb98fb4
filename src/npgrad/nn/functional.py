"""``npgrad.nn.functional``: thin wrappers over ``npgrad.ops`` (no derivatives are defined here)."""
from ..ops.neural import binary_cross_entropy_with_logits
from ..ops.pointwise import relu, sigmoid, tanh

__all__ = ["binary_cross_entropy_with_logits", "relu", "sigmoid", "tanh"]
