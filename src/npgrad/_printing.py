"""Text form of tensors, matching ``repr(torch.Tensor)`` character for character.

Only numpy and the standard library are used.  Entry point: ``format_tensor``.

Algorithm
---------
1. **Summarise.**  If the tensor has more than ``threshold`` elements it is
   *summarised*: along every axis longer than ``2 * edgeitems`` only the first
   and last ``edgeitems`` entries are printed, with ``...`` in between.  The
   number format (step 2) is chosen from those printed edge elements only.

2. **Choose one format for the whole tensor** (``_Formatter``).

   * Integer and bool tensors print ``str(value)``; the width is the longest
     such string.
   * Floating tensors look only at the finite, non-zero values (nan, inf and
     zeros never influence the choice).  If there are none, every value is
     printed in *int mode* with width 1.  Otherwise:

     - *int mode* when every such value is a whole number: ``1.``, ``-3.``,
       i.e. ``"%.0f"`` plus a trailing dot (no dot after nan/inf);
     - *scientific* (``"%.{precision}e"``) when ``max|x| / min|x| > 1000``,
       ``max|x| > 1e8`` or ``min|x| < 1e-4``; the ``sci_mode`` print option,
       when not None, overrides this test;
     - *fixed* (``"%.{precision}f"``) otherwise.

     The width is the longest string of those values in the chosen format
     (plus one for the dot in int mode).  Values that come out longer than the
     width (nan, ``-0.``) are not padded, so they may stick out.

3. **Lay out.**  Every value is right-aligned to the common width.  A 1-d row
   holds ``(linewidth - indent) // (width + 2)`` values per line (at least
   one); continuation lines are indented one past the opening bracket.  An
   n-d tensor joins its sub-tensors with ``,`` followed by ``n - 1`` newlines
   and the indent.

4. **Suffixes.**  ``size=`` (empty tensors that are not 1-d, or when
   ``edgeitems`` is 0), ``dtype=`` (when not implied by the values), then the
   caller's suffixes.  Each is appended as ``, suffix`` unless that would
   push the last line past ``linewidth``, in which case it starts a new line
   indented to the prefix length.  Lengths are measured as torch would see
   them (``dtype=torch.x``, one character shorter than ``dtype=npgrad.x``),
   so the line breaks fall exactly where torch puts them.
"""

import math

import numpy as np

__all__ = ["format_tensor", "set_printoptions", "get_printoptions"]

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

_OPTS = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None,
                     linewidth=None, profile=None, sci_mode=None) -> None:
    """Change the print options (same meaning as ``torch.set_printoptions``).

    ``profile`` ("default", "short" or "full") is applied first, then any
    explicit option.  ``sci_mode`` is always assigned: omitting it restores
    automatic choice between fixed and scientific notation.

    Args:
        precision (int, optional): digits after the decimal point (default 4).
        threshold (int, optional): summarize tensors with more elements than this (default 1000).
        edgeitems (int, optional): items shown at each end of a summarized dim (default 3).
        linewidth (int, optional): characters per line (default 80).
        profile (str, optional): ``'default'``, ``'short'`` or ``'full'``.
        sci_mode (bool, optional): force scientific notation on or off (None: automatic).

    Example:
        >>> import npgrad as torch
        >>> torch.set_printoptions(precision=2)
        >>> torch.tensor([1.23456, 2.0])
        tensor([1.23, 2.00])
        >>> torch.set_printoptions(profile='default')
        >>> torch.tensor([1.23456, 2.0])
        tensor([1.2346, 2.0000])
    """
    if profile in _PROFILES:
        _OPTS.update(_PROFILES[profile])
    given = {"precision": precision, "threshold": threshold,
             "edgeitems": edgeitems, "linewidth": linewidth}
    _OPTS.update({k: v for k, v in given.items() if v is not None})
    _OPTS["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    """Current print options, usable as ``set_printoptions(**options)``.

    An npgrad extra: torch has no top-level ``get_printoptions`` (see :doc:`/differences`), so no example here
    shows a torch-checked output.
    """
    return dict(_OPTS)


class _Formatter:
    """Picks one number format and width for a set of values (step 2)."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not floating:
            self.width = max([1] + [len(str(v)) for v in flat.tolist()])
            return
        chosen = flat[np.isfinite(flat) & (flat != 0)]
        if chosen.size == 0:
            return
        magnitudes = np.abs(chosen).astype(np.float64)
        low, high = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(chosen == np.ceil(chosen)))
        if _OPTS["sci_mode"] is None:
            self.sci_mode = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        else:
            self.sci_mode = _OPTS["sci_mode"]
        self.width = max(len(self._bare(v)) for v in chosen.tolist())

    def _bare(self, value):
        """``value`` in the chosen format, without padding."""
        precision = _OPTS["precision"]
        if self.sci_mode:
            return f"{value:.{precision}e}"
        if self.int_mode:
            dot = "." if math.isfinite(value) else ""
            return f"{value:.0f}" + dot
        return f"{value:.{precision}f}"

    def format(self, value):
        text = self._bare(value) if self.floating else str(value)
        return text.rjust(self.width)


def _summarized(arr, edge):
    """The elements that a summarised print shows, used to pick the format."""
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        # arr[-0:] is the whole row, so edgeitems=0 keeps every element here.
        if arr.shape[0] > 2 * edge:
            return np.concatenate((arr[:edge], arr[-edge:]))
        return arr
    if edge == 0:
        return arr[tuple(slice(0, 0) for _ in arr.shape)]
    keep = [_edge_indices(n, edge) for n in arr.shape]
    return arr[np.ix_(*keep)]


def _edge_indices(n, edge):
    if n > 2 * edge:
        return list(range(edge)) + list(range(n - edge, n))
    return list(range(n))


def _vector(arr, indent, summarize, fmt):
    edge, n = _OPTS["edgeitems"], arr.shape[0]
    per_line = max(1, (_OPTS["linewidth"] - indent) // (fmt.width + 2))
    if summarize and not edge:
        items = ["..."]
    elif summarize and n > 2 * edge:
        items = ([fmt.format(v) for v in arr[:edge].tolist()] + [" ..."]
                 + [fmt.format(v) for v in arr[-edge:].tolist()])
    else:
        items = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(arr, indent, summarize, fmt):
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector(arr, indent, summarize, fmt)
    edge, n = _OPTS["edgeitems"], arr.shape[0]

    def sub(i):
        return _body(arr[i], indent + 1, summarize, fmt)

    if summarize and n > 2 * edge:
        parts = ([sub(i) for i in range(edge)] + ["..."]
                 + [sub(i) for i in range(n - edge, n)])
    else:
        parts = [sub(i) for i in range(n)]
    separator = "," + "\n" * (arr.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _torch_len(suffix):
    """Length the suffix has in torch's own text ("torch." is one shorter)."""
    return len(suffix) - suffix.count("npgrad.")


def _add_suffixes(text, suffixes, indent):
    pieces = [text]
    # Mirrors torch: the +1 (and +2 without any newline) is part of the rule.
    line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        size = _torch_len(suffix)
        if line_len + size + 2 > _OPTS["linewidth"]:
            pieces.append(",\n" + " " * indent + suffix)
            line_len = indent + size
        else:
            pieces.append(", " + suffix)
            line_len += size + 2
    return "".join(pieces) + ")"


def format_tensor(arr, dtype_name, *, suffixes=(), default_float="float32",
                  prefix="tensor(") -> str:
    """Return ``repr`` of a torch tensor with these values and dtype.

    ``dtype_name`` is the dtype without package ("float32", "int64", ...);
    ``suffixes`` are extra ``key=value`` strings placed after the dtype;
    ``default_float`` is the current default floating dtype.
    """
    arr = np.asarray(arr)
    floating = arr.dtype.kind == "f" or "float" in dtype_name
    if floating and arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    indent = len(prefix)
    extra = []
    if arr.size == 0:
        if arr.ndim != 1:
            extra.append(f"size={tuple(arr.shape)}")
        if dtype_name != default_float:
            extra.append(f"dtype=npgrad.{dtype_name}")
        body = "[]"
    else:
        if not _OPTS["edgeitems"]:
            extra.append(f"size={tuple(arr.shape)}")
        if dtype_name not in (default_float, "int64", "bool"):
            extra.append(f"dtype=npgrad.{dtype_name}")
        summarize = arr.size > _OPTS["threshold"]
        sample = _summarized(arr, _OPTS["edgeitems"]) if summarize else arr
        body = _body(arr, indent, summarize, _Formatter(sample, floating))
    return _add_suffixes(prefix + body, extra + list(suffixes), indent)
