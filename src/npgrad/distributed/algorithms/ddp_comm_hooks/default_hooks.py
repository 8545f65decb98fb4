"""torch's default DDP communication hooks (``DistributedDataParallel.register_comm_hook(state, hook)``).

A hook is called as ``hook(state, bucket)`` when a bucket of gradients is ready during backward; it returns a
Future whose value is the tensor (the bucket's numel) DDP writes back into the parameters' ``.grad``. DDP does
not divide gradients by the world size when a hook is registered: the hook does, as these do. ``state`` is the
process group (``None``: the default group).

- ``allreduce_hook``: the average over ranks, what DDP does without a hook.
- ``fp16_compress_hook``: casts the bucket to float16, averages it across ranks as float16 (half the bytes on the
  wire), and casts back: gradients lose precision (about 3 decimal digits, overflow above 65504).
- ``fp16_compress_wrapper(hook)``: the same compression around another hook.

bfloat16 hooks (``bf16_compress_hook``) are not offered: npgrad has no bfloat16 dtype (NumPy has none).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ... import _collectives as _coll
from ... import distributed_c10d as _c10d
from .... import _dtype

if TYPE_CHECKING:
    from ....futures import Future
    from ...distributed_c10d import ProcessGroup

__all__ = ["allreduce_hook", "fp16_compress_hook", "fp16_compress_wrapper"]


def _group(process_group):
    return _c10d._default() if process_group is None else process_group


def _allreduce_fut(process_group, tensor):
    """All-reduce ``tensor / world_size`` asynchronously; a Future of the averaged tensor."""
    group = _group(process_group)
    tensor.div_(group.size())
    return _coll.all_reduce(tensor, group=group, async_op=True).get_future().then(lambda fut: fut.value()[0])


def allreduce_hook(process_group: ProcessGroup | None, bucket: Any) -> Future:
    """Average the bucket over the ranks (DDP's behaviour without a hook)."""
    return _allreduce_fut(process_group, bucket.buffer())


def fp16_compress_hook(process_group: ProcessGroup | None, bucket: Any) -> Future:
    """Average the bucket as float16 (half the bytes moved), then write it back in the bucket's dtype."""
    group = _group(process_group)
    buffer = bucket.buffer()
    compressed = buffer.to(_dtype.float16).div_(group.size())
    fut = _coll.all_reduce(compressed, group=group, async_op=True).get_future()

    def decompress(fut):
        buffer.copy_(fut.value()[0])
        return buffer
    return fut.then(decompress)


def fp16_compress_wrapper(hook: Callable[[Any, Any], Future]) -> Callable[[Any, Any], Future]:
    """Wrap ``hook`` so that it communicates the bucket as float16: the bucket's buffer is replaced by a float16
    copy before ``hook`` runs, and the hook's result is what DDP writes back (in the gradients' dtype)."""
    def fp16_compress_wrapper_hook(hook_state, bucket):
        bucket.set_buffer(bucket.buffer().to(_dtype.float16))
        fut = hook(hook_state, bucket)

        def decompress(fut):
            out = bucket.buffer()
            out.copy_(fut.value())
            return out
        return fut.then(decompress)
    return fp16_compress_wrapper_hook
