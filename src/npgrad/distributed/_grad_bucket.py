"""``GradBucket``: what a DDP communication hook receives (torch.distributed.GradBucket's interface)."""

__all__ = ["GradBucket"]


class GradBucket:
    """One bucket of gradients, flattened into a 1-D ``buffer()``; ``gradients()`` are views of it shaped as the
    ``parameters()``. A comm hook returns a Future whose value is the tensor to write back (same numel).

    Only DDP makes buckets (torch's class has no public constructor either), and DDP needs a process group, which
    npgrad's MPI backend finds only under an MPI launcher: the example runs under ``mpirun -n 2``.

    Example (two ranks, under ``mpirun -n 2``; a hook that averages the bucket itself)::

        >>> import npgrad as torch  # doctest: +SKIP
        >>> import npgrad.distributed as dist  # doctest: +SKIP
        >>> dist.init_process_group("mpi")  # doctest: +SKIP
        >>> def mean_hook(state, bucket):  # doctest: +SKIP
        ...     buf = bucket.buffer()  # the bucket's gradients, flattened
        ...     buf.div_(dist.get_world_size())
        ...     return dist.all_reduce(buf, async_op=True).get_future().then(lambda fut: fut.value()[0])
        >>> model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 1))  # doctest: +SKIP
        >>> model.register_comm_hook(None, mean_hook)  # doctest: +SKIP
        >>> model(torch.ones(3, 2)).sum().backward()  # doctest: +SKIP
        >>> model.module.weight.grad  # doctest: +SKIP
        tensor([[3., 3.]])
    """

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
