"""``npgrad.nn``: layers and losses (growing); ``functional`` holds the stateless ops."""
from . import functional

__all__ = ["functional"]
