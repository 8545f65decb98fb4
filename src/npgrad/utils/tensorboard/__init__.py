"""``npgrad.utils.tensorboard``: torch's ``SummaryWriter`` on top of the optional ``tensorboard`` package.

As with torch, the event-file format and protocol buffers come from ``tensorboard`` (``pip install tensorboard``, or
npgrad's ``tensorboard`` extra); without it, importing this module raises ImportError naming the package. npgrad
tensors are turned into NumPy arrays at the boundary.
"""
try:
    import tensorboard  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only where tensorboard is absent
    raise ImportError("npgrad.utils.tensorboard needs the tensorboard package: pip install tensorboard "
                      "(or npgrad[tensorboard])") from exc

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
