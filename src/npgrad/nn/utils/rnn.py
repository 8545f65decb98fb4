"""Variable-length sequences: ``PackedSequence``, ``pack_padded_sequence``, ``pad_packed_sequence``,
``pad_sequence``, ``pack_sequence`` and their inverses. Recurrent layers accept a ``PackedSequence``.

A packed sequence stores, time step after time step, the rows of the sequences still running at that step
(longest first): ``data`` is (sum(lengths), *), ``batch_sizes[t]`` the number of rows at step t.

>>> import npgrad as torch
>>> from npgrad.nn.utils.rnn import pack_sequence, pad_packed_sequence
>>> packed = pack_sequence([torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0])])
>>> packed.batch_sizes
tensor([2, 1, 1])
>>> pad_packed_sequence(packed, batch_first=True)[0]
tensor([[1., 2., 3.],
        [4., 0., 0.]])
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ... import _creation, _dtype
from ..._tensor import Tensor
from ...ops.joining import cat, stack

if TYPE_CHECKING:
    from collections.abc import Sequence


__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence(namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """What ``pack_padded_sequence`` returns; RNN, LSTM and GRU take and return it."""
    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices,
                                                         self.unsorted_indices)

    def cpu(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self

    def double(self) -> PackedSequence:
        return self.to(dtype=_dtype.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=_dtype.float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=_dtype.float16)

    def long(self) -> PackedSequence:
        return self.to(dtype=_dtype.int64)

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    return _creation.tensor(np.argsort(permutation.numpy(), kind="stable"), dtype=permutation.dtype)


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        return lengths._data.astype(np.int64)
    return np.asarray(list(lengths), dtype=np.int64)


def _batch_sizes(lengths, steps):
    """batch_sizes[t] = how many sequences are longer than t (lengths sorted descending)."""
    return np.array([(lengths > t).sum() for t in range(steps)], dtype=np.int64)


def pack_sorted(padded: Tensor, lengths: np.ndarray) -> tuple[Tensor, np.ndarray]:
    """Time-major ``padded`` (T, N, *) whose lengths are sorted descending -> (data, batch_sizes array)."""
    sizes = _batch_sizes(lengths, int(lengths.max()) if lengths.size else 0)
    rows = [padded[t, :int(b)] for t, b in enumerate(sizes)]
    return cat(rows, 0), sizes


def unpack_sorted(data: Tensor, batch_sizes: Tensor | np.ndarray, padding_value: float = 0.0,
                  total_length: int | None = None) -> tuple[Tensor, np.ndarray]:
    """(data, batch_sizes) -> time-major padded (T, N, *) in sorted order, and the sorted lengths."""
    sizes = batch_sizes._data.astype(np.int64) if isinstance(batch_sizes, Tensor) else np.asarray(batch_sizes)
    n = int(sizes[0])
    steps = len(sizes) if total_length is None else total_length
    feat = tuple(data.shape[1:])
    out, offset = [], 0
    for t in range(steps):
        b = int(sizes[t]) if t < len(sizes) else 0
        chunk = data[offset:offset + b]
        offset += b
        if b < n:
            pad = _creation.full((n - b,) + feat, padding_value, dtype=data.dtype)
            chunk = cat([chunk, pad], 0) if b else pad
        out.append(chunk)
    lengths = np.array([(sizes > i).sum() for i in range(n)], dtype=np.int64)
    return stack(out, 0), lengths


def pack_padded_sequence(input: Tensor, lengths: Tensor | list[int], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *)) given each sequence's length.

    With ``enforce_sorted=False`` the batch is sorted by decreasing length first (stably) and the order is kept
    in ``sorted_indices`` / ``unsorted_indices``.
    """
    lens = _lengths_array(lengths)
    batch_dim = 0 if batch_first else 1
    if len(lens) != input.shape[batch_dim]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lens)} "
                           f"(batch_size={input.shape[batch_dim]})")
    sorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                               "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_indices = _creation.tensor(order, dtype=_dtype.int64)
        input = input.index_select(batch_dim, sorted_indices)
    if lens.size and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if batch_first:
        input = input.transpose(0, 1)
    data, sizes = pack_sorted(input, lens)
    return PackedSequence(data, _creation.tensor(sizes, dtype=_dtype.int64), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Inverse of ``pack_padded_sequence``: (padded batch, lengths), in the original batch order."""
    max_len = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_len}")
    padded, sorted_lengths = unpack_sorted(sequence.data, sequence.batch_sizes, padding_value, total_length)
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = _creation.tensor(sorted_lengths, dtype=_dtype.int64)
    if sequence.unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return padded.index_select(batch_dim, sequence.unsorted_indices), lengths[sequence.unsorted_indices]
    return padded, lengths


def pad_sequence(sequences: Tensor | Sequence[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack tensors of shapes (L_i, *) into (max L, B, *) (or (B, max L, *)), padding with ``padding_value``."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = tuple(sequences)
    max_len = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        short = max_len - s.shape[0]
        if short:
            pad = _creation.full((short,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype)
            s = cat([s, pad] if padding_side == "right" else [pad, s], 0)
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor | list[int], batch_first: bool = False) -> list[Tensor]:
    """The list of unpadded sequences of a padded batch."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences, _lengths_array(lengths))]


def pack_sequence(sequences: Tensor | Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors of shapes (L_i, *)."""
    lengths = _creation.as_tensor([s.size(0) for s in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences inside a PackedSequence, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
