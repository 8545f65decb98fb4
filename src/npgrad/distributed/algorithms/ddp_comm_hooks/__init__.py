"""DDP communication hooks: ``default_hooks.allreduce_hook``, ``fp16_compress_hook``, ``fp16_compress_wrapper``."""
from . import default_hooks

__all__ = ["default_hooks"]
