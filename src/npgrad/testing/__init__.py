"""``npgrad.testing``: ``assert_close`` and ``make_tensor`` with torch.testing's semantics and messages.

>>> import npgrad
>>> npgrad.testing.assert_close(npgrad.tensor([1.0, 2.0]), npgrad.tensor([1.0, 2.0 + 1e-7]))
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .._tensor import device as _Device

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from .._dtype import is_float_np

from .._tensor import Tensor
from .. import _dtype
from .._warn import warn as _warn

__all__ = ["assert_close", "assert_allclose", "make_tensor"]

# torch's default tolerances, (rtol, atol), by dtype; integers and bool compare exactly
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7)}


class _Mismatch(Exception):
    """A failed comparison: the message, and whether it is a type error rather than an assertion."""

    def __init__(self, message, type_error=False):
        super().__init__(message)
        self.type_error = type_error


def _tolerances(dtype_names, rtol, atol):
    if (rtol is None) ^ (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(n, (0.0, 0.0)) for n in dtype_names]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _is_number(x):
    return isinstance(x, (bool, int, float, np.number, np.bool_)) and not isinstance(x, np.ndarray)


def _format_index(flat, shape):
    return "(" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shape)) + ("," if len(shape) == 1 else "") + ")"


def _fmt(v, exact):
    return str(int(v)) if exact else repr(float(v))


def _greatest(diff):
    """Index of the largest difference, a NaN winning (as torch's max)."""
    nan = np.flatnonzero(np.isnan(diff)) if is_float_np(diff.dtype) else []
    return int(nan[0]) if len(nan) else int(np.argmax(diff))


def _compare_arrays(a, b, rtol, atol, equal_nan, scalar, identifier):
    exact = rtol == 0 and atol == 0
    kind = np.result_type(a, b).kind
    if kind == "b":
        a, b = a.astype(np.int64), b.astype(np.int64)
    elif kind in "iu":
        a, b = a.astype(np.int64), b.astype(np.int64)
    if kind in "biu":
        ok = a == b if exact else np.abs(a - b) <= atol + rtol * np.abs(b)
    else:
        with np.errstate(all="ignore"):
            ok = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan) | (a == b)
    if np.all(ok):
        return
    with np.errstate(all="ignore"):
        abs_diff = np.abs(a - b)
        rel_diff = abs_diff / np.abs(b)
    is_int = kind in "biu"
    what = "equal" if exact else "close"
    if scalar:
        lines = [f"{'Scalars' if identifier is None else identifier} are not {what}!", "",
                 f"Expected {b.item()} but got {a.item()}."]
        ad, rd = abs_diff.reshape(-1)[0], rel_diff.reshape(-1)[0]
        lines.append(f"Absolute difference: {_fmt(ad, is_int)}" + ("" if exact else f" (up to {atol} allowed)"))
        lines.append(f"Relative difference: {float(rd)!r}" + ("" if exact else f" (up to {rtol} allowed)"))
        raise _Mismatch("\n".join(lines))
    bad = ~ok.reshape(-1)
    abs_flat = np.where(bad, abs_diff.reshape(-1), 0)
    rel_flat = np.where(bad, rel_diff.reshape(-1), 0)
    ia, ir = _greatest(abs_flat), _greatest(rel_flat)
    n, total = int(bad.sum()), bad.size
    lines = [f"{'Tensor-likes' if identifier is None else identifier} are not {what}!", "",
             f"Mismatched elements: {n} / {total} ({100 * n / total:.1f}%)",
             f"Greatest absolute difference: {_fmt(abs_flat[ia], is_int)} at index {_format_index(ia, a.shape)}"
             + ("" if exact else f" (up to {atol} allowed)"),
             f"Greatest relative difference: {float(rel_flat[ir])!r} at index {_format_index(ir, a.shape)}"
             + ("" if exact else f" (up to {rtol} allowed)")]
    raise _Mismatch("\n".join(lines))


def _np_name(dt):
    return np.dtype(dt).name


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, allow_subclasses):
    if isinstance(actual, Tensor) or isinstance(expected, Tensor):
        if not (isinstance(actual, Tensor) and isinstance(expected, Tensor)):
            raise _Mismatch(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                            f"{type(expected)}.", True)
        if not allow_subclasses and type(actual) is not type(expected):
            raise _Mismatch(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                            f"{type(expected)}.", True)
        a, b = actual.detach()._data, expected.detach()._data
        if a.shape != b.shape:
            raise _Mismatch(f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.")
        if check_dtype and a.dtype != b.dtype:
            raise _Mismatch(f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.")
        names = {_np_name(a.dtype), _np_name(b.dtype)}
        if a.dtype != b.dtype:
            common = np.dtype(_dtype.result_np([a, b]))
            a, b = a.astype(common), b.astype(common)
        r, t = _tolerances(names, rtol, atol)
        _compare_arrays(a, b, r, t, equal_nan, a.ndim == 0, None)
        return
    if isinstance(actual, np.ndarray) or isinstance(expected, np.ndarray):
        if not (isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray)):
            raise _Mismatch(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                            f"{type(expected)}.", True)
        if actual.shape != expected.shape:
            raise _Mismatch(f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.")
        if check_dtype and actual.dtype != expected.dtype:
            raise _Mismatch(f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.")
        r, t = _tolerances({actual.dtype.name, expected.dtype.name}, rtol, atol)
        _compare_arrays(actual, expected, r, t, equal_nan, actual.ndim == 0, None)
        return
    if _is_number(actual) and _is_number(expected):
        if check_dtype and type(actual) is not type(expected):
            raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
        is_float = isinstance(actual, float) or isinstance(expected, float)
        r, t = _tolerances({"float64"} if is_float else {"int64"}, rtol, atol)
        a = np.asarray(actual, np.float64 if is_float else np.int64)
        b = np.asarray(expected, np.float64 if is_float else np.int64)
        _compare_arrays(a, b, r, t, equal_nan, True, None)
        return
    for kind in (Mapping, Sequence):
        if isinstance(actual, kind) and isinstance(expected, kind) and not isinstance(actual, str) \
                and not isinstance(expected, str):
            if kind is Mapping:
                if set(actual) != set(expected):
                    raise _Mismatch(f"The keys of the mappings do not match:\n\nMissing keys in the actual "
                                    f"mapping: {sorted(set(expected) - set(actual), key=repr)}\nAdditional keys "
                                    f"in the actual mapping: {sorted(set(actual) - set(expected), key=repr)}")
                keys = list(expected)
            else:
                if len(actual) != len(expected):
                    raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
                keys = range(len(expected))
            for k in keys:
                try:
                    _compare(actual[k], expected[k], rtol, atol, equal_nan, check_dtype, allow_subclasses)
                except _Mismatch as e:
                    if e.type_error:
                        raise
                    raise _Mismatch(f"{e}\n\nThe failure occurred for item [{k!r}]") from None
            return
    raise _Mismatch(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.",
                    True)


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Assert that ``actual`` and ``expected`` are close: ``|actual - expected| <= atol + rtol * |expected|``
    elementwise, with torch's default tolerances by dtype (exact for integers), same shapes and (with
    ``check_dtype``) same dtypes. Tensors, NumPy arrays, Python numbers, and sequences or mappings of them are
    compared; a failure raises ``AssertionError`` with torch's message (``msg`` replaces it, or, if callable,
    receives it), a pairing of types torch cannot compare raises ``TypeError``.

    Example::

        >>> import npgrad as torch
        >>> torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))
        >>> try:
        ...     torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.5]))
        ... except AssertionError as e:
        ...     print(str(e).splitlines()[0])
        Tensor-likes are not close!
    """
    try:
        _compare(actual, expected, rtol, atol, equal_nan, check_dtype, allow_subclasses)
    except _Mismatch as e:
        if e.type_error:
            raise TypeError(str(e)) from None
        text = str(e)
        if msg is not None:
            text = msg(text) if callable(msg) else msg
        raise AssertionError(text) from None


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    """Deprecated in torch (use ``assert_close``): compares after converting ``expected`` to ``actual``'s type.

    Example::

        >>> import npgrad as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     torch.testing.assert_allclose(torch.tensor([1.0, 2.0]), [1.0, 2.0 + 1e-7])
    """
    _warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead.", FutureWarning)
    if not isinstance(actual, Tensor):
        from .._creation import tensor
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        from .._creation import tensor
        expected = tensor(expected, dtype=actual.dtype)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False,
                 msg=msg or None)


def make_tensor(*shape: int | Sequence[int], dtype: _dtype.dtype, device: str | int | _Device | None,
                low: float | None = None, high: float | None = None, requires_grad: bool = False,
                noncontiguous: bool = False, exclude_zero: bool = False,
                memory_format: _dtype.memory_format | None = None) -> Tensor:
    """A tensor of ``shape`` filled with random values as torch.testing.make_tensor does: floats uniform in
    [low, high) (default [-9, 9)), integers uniform in [low, high) (default [-9, 10); [0, 10) unsigned), random
    bools. ``exclude_zero`` replaces zeros with the dtype's smallest positive step (1 for integers).

    Example::

        >>> import npgrad as torch
        >>> t = torch.testing.make_tensor((2, 3), dtype=torch.float32, device='cpu', low=-1, high=1)
        >>> t.shape, t.dtype, bool(((t >= -1) & (t < 1)).all())
        (npgrad.Size([2, 3]), npgrad.float32, True)
        >>> torch.testing.make_tensor(4, dtype=torch.int64, device='cpu', low=0, high=1)
        tensor([0, 0, 0, 0])
    """
    from .._creation import _finish
    from ..random import rng
    from .._tensor import check_device
    check_device(device)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    shape = tuple(int(s) for s in shape)  # type: ignore[arg-type]  # a lone sequence was unpacked above
    npdt = _dtype.to_numpy_dtype(dtype)
    g = rng(None)
    if npdt.kind == "b":
        arr = g.integers(0, 2, size=shape).astype(bool)
    else:
        info = np.iinfo(npdt) if npdt.kind in "iu" else np.finfo(npdt)
        lo_d, hi_d = (0, 10) if npdt.kind == "u" else (-9, 10 if npdt.kind == "i" else 9)
        low = lo_d if low is None else low
        high = hi_d if high is None else high
        if math.isnan(low) or math.isnan(high):
            raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
        if low == high and is_float_np(npdt):
            _warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
                          "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
                          FutureWarning)
        elif low >= high:
            raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
        low, high = max(low, float(info.min)), min(high, float(info.max))
        if npdt.kind in "iu":
            arr = g.integers(math.ceil(low), math.ceil(high), size=shape).astype(npdt)
        else:
            arr = g.uniform(low, high, size=shape).astype(npdt)
    if exclude_zero and npdt.kind != "b":
        step = 1 if npdt.kind in "iu" else np.finfo(npdt).tiny
        arr = np.where(arr == 0, np.asarray(step, npdt), arr)
    t = _finish(np.ascontiguousarray(arr), False)
    if requires_grad:
        t.requires_grad_(True)
    return t
