"""``npgrad.distributed.algorithms``: ``Join`` for uneven inputs, and DDP communication hooks
(``ddp_comm_hooks.default_hooks``)."""
from .join import Join, Joinable, JoinHook

__all__ = ["Join", "Joinable", "JoinHook"]
