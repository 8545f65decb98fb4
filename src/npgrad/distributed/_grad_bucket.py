"""``GradBucket``: what a DDP communication hook receives (torch.distributed.GradBucket's interface)."""

__all__ = ["GradBucket"]


class GradBucket:
    """One bucket of gradients, flattened into a 1-D ``buffer()``; ``gradients()`` are views of it shaped as the
    ``parameters()``. A comm hook returns a Future whose value is the tensor to write back (same numel)."""

    def __init__(self, index, buffer, gradients, parameters, is_last):
        self._index, self._buffer, self._gradients = index, buffer, gradients
        self._parameters, self._is_last = parameters, is_last

    def index(self):
        return self._index

    def buffer(self):
        return self._buffer

    def gradients(self):
        return list(self._gradients)

    def parameters(self):
        return list(self._parameters)

    def is_last(self):
        return self._is_last

    def set_buffer(self, buffer):
        """Replace the bucket's buffer (e.g. by a compressed copy): ``buffer()`` returns it from now on."""
        self._buffer = buffer

    def __repr__(self):
        return f"<npgrad.distributed.GradBucket index={self._index} numel={self._buffer.numel()}>"
