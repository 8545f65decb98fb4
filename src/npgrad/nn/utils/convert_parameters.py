"""``parameters_to_vector`` and ``vector_to_parameters``: one flat vector for all parameters and back."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..._tensor import Tensor
from ...ops.joining import cat

if TYPE_CHECKING:
    from collections.abc import Iterable


__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _typename(obj):
    from ..modules.module import typename
    return typename(obj)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """Concatenate the flattened parameters into one vector (differentiable: ``CatBackward0``)."""
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters' ``.data`` (in the order given)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n
