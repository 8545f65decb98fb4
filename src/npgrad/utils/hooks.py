"""``npgrad.utils.hooks``: ``RemovableHandle``, what every ``register_*hook`` returns, at torch's path."""
from ..autograd.graph import RemovableHandle  # noqa: F401

__all__ = ["RemovableHandle"]
