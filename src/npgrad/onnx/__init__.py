"""``npgrad.onnx``: importable so scripts that mention it load; exporting needs a graph capture npgrad does not
have, so ``export`` raises ``NotImplementedError`` naming the alternative."""
from __future__ import annotations

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError", "TrainingMode", "OperatorExportTypes",
           "register_custom_op_symbolic", "unregister_custom_op_symbolic", "select_model_mode_for_export",
           "producer_name", "producer_version"]

from typing import Any, Callable, Iterator

import contextlib
import enum

producer_name = "npgrad"
producer_version = "0.1.0"


class OnnxExporterError(RuntimeError):
    """Raised by torch when an ONNX export fails."""


class TrainingMode(enum.IntEnum):
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(enum.IntEnum):
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


def export(model: Any, args: Any = (), f: Any = None, *, kwargs: dict[str, Any] | None = None,
           **options: Any) -> Any:
    """Not available: npgrad cannot export ONNX graphs."""
    raise NotImplementedError("npgrad cannot export ONNX: it has no graph capture to translate. Save the weights "
                              "with npgrad.save(model.state_dict(), path), load them into the same model in "
                              "PyTorch, and export from there.")


def is_in_onnx_export() -> bool:
    return False


def register_custom_op_symbolic(symbolic_name: str, symbolic_fn: Callable[..., Any], opset_version: int) -> None:
    """Accepted and kept, as torch does; used by nothing since ``export`` is unavailable."""
    _symbolics[(symbolic_name, opset_version)] = symbolic_fn


def unregister_custom_op_symbolic(symbolic_name: str, opset_version: int) -> None:
    _symbolics.pop((symbolic_name, opset_version), None)


_symbolics = {}


@contextlib.contextmanager
def select_model_mode_for_export(model: Any, mode: TrainingMode) -> Iterator[None]:
    """Put ``model`` in eval (or training) mode for the block and restore it after, as torch."""
    was = model.training
    if mode == TrainingMode.TRAINING:
        model.train(True)
    elif mode == TrainingMode.EVAL:
        model.train(False)
    try:
        yield
    finally:
        model.train(was)
