"""``npgrad.utils.benchmark``: torch.utils.benchmark's ``Timer``, ``Measurement`` and ``Compare``.

A real timer over ``timeit``: ``Timer(stmt, setup, globals=...)`` compiles the statement once and runs it in
blocks; ``timeit(n)`` times one block of ``n`` runs, ``blocked_autorange`` picks a block size and repeats blocks
for ``min_run_time`` seconds, ``adaptive_autorange`` repeats until the spread (IQR/median) falls under
``threshold``. The ``Measurement`` holds the per-run times (``mean``, ``median``, ``iqr``) and prints as torch's.

>>> import npgrad as torch
>>> from npgrad.utils import benchmark
>>> m = benchmark.Timer("x.sin()", globals={"x": torch.ones(10)}).timeit(100)
>>> m.number_per_run, len(m.times)
(100, 1)
"""
from __future__ import annotations

import enum
import math
import statistics
import timeit as _timeit
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

__all__ = ["Timer", "Measurement", "Compare", "TaskSpec", "Language", "select_unit", "trim_sigfig", "timer"]

timer = _timeit.default_timer


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


def select_unit(t: float) -> tuple[str, float]:
    """(unit, scale) for a time in seconds: ``("us", 1e-6)`` for 3e-6."""
    for unit, scale in (("ns", 1e-9), ("us", 1e-6), ("ms", 1e-3)):
        if t < scale * 1e3:
            return unit, scale
    return "s", 1.0


def trim_sigfig(x: float, n: int) -> float:
    """``x`` rounded to ``n`` significant figures."""
    if x == 0 or not math.isfinite(x):
        return x
    magnitude = int(math.floor(math.log10(abs(x))))
    return round(x, n - 1 - magnitude)


class TaskSpec:
    def __init__(self, stmt: str, setup: str, global_setup: str = "", label: str | None = None,
                 sub_label: str | None = None, description: str | None = None, env: str | None = None,
                 num_threads: int = 1) -> None:
        self.stmt, self.setup, self.global_setup = stmt, setup, global_setup
        self.label, self.sub_label, self.description = label, sub_label, description
        self.env, self.num_threads = env, num_threads

    @property
    def title(self) -> str:
        if self.label is not None:
            return self.label + (f": {self.sub_label}" if self.sub_label else "")
        if "\n" not in self.stmt:
            return self.stmt + (f": {self.sub_label}" if self.sub_label else "")
        return f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n" + "\n".join(
            "  " + line for line in self.stmt.splitlines())

    def summarize(self) -> str:
        lines = [self.title]
        if self.description:
            lines.append(self.description)
        if self.label is not None and self.stmt != "pass" and not self.description:
            lines.append(self.stmt)
        return "\n".join(lines)


class Measurement:
    """Times of repeated blocks: ``raw_times`` per block, ``times`` per run (block time / ``number_per_run``)."""

    def __init__(self, number_per_run: int, raw_times: Iterable[float], task_spec: TaskSpec,
                 metadata: dict[Any, Any] | None = None) -> None:
        self.number_per_run = number_per_run
        self.raw_times = list(raw_times)
        self.task_spec = task_spec
        self.metadata = metadata

    def __getattr__(self, name: str) -> Any:  # label, sub_label, description, stmt, ... come from the task
        if name in ("stmt", "setup", "global_setup", "label", "sub_label", "description", "env", "num_threads",
                    "title"):
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def times(self) -> list[float]:
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def mean(self) -> float:
        return statistics.mean(self.times)

    @property
    def iqr(self) -> float:
        t = sorted(self.times)
        if len(t) < 2:
            return 0.0
        q = statistics.quantiles(t, n=4, method="inclusive")
        return q[2] - q[0]

    @property
    def has_warnings(self) -> bool:
        return self.median > 0 and self.iqr / self.median > 0.1

    @property
    def significant_figures(self) -> int:
        """How many digits of the median the spread supports (1 to 4), as torch estimates it."""
        n = len(self.times)
        if n < 2 or self.median == 0:
            return 1 if n < 2 else 4
        ci = 1.645 * statistics.stdev(self.times) / math.sqrt(n)
        rel = ci / self.median
        return int(min(max(math.floor(-math.log10(rel)) if rel > 0 else 4, 1), 4))

    def __repr__(self) -> str:
        unit, scale = select_unit(self.median)
        f = lambda t: f"{t / scale:.2f}"  # noqa: E731
        n = len(self.times)
        lines = [f"<{type(self).__module__}.Measurement object at {hex(id(self))}>", self.task_spec.summarize()]
        threads = f"{self.task_spec.num_threads} thread{'s' if self.task_spec.num_threads != 1 else ''}"
        if n == 1:
            lines.append(f"  {f(self.median)} {unit}")
            lines.append(f"  1 measurement, {self.number_per_run} runs , {threads}")
        else:
            lines.append(f"  Median: {f(self.median)} {unit}")
            if n >= 4:
                t = sorted(self.times)
                q = statistics.quantiles(t, n=4, method="inclusive")
                lines.append(f"  IQR:    {f(q[2] - q[0])} {unit} ({f(q[0])} to {f(q[2])})")
            lines.append(f"  {n} measurements, {self.number_per_run} runs per measurement, {threads}")
            if self.has_warnings:
                lines.append(f"  WARNING: Interquartile range is {100 * self.iqr / self.median:.1f}% of the median "
                             f"measurement.")
                lines.append("           This could indicate system fluctuation." if n < 4 else
                             "           This suggests significant environmental influence.")
        return "\n".join(lines)


class Timer:
    """Time a Python statement as torch's Timer does (``language="python"`` only)."""

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer: Callable[[], float] = timer, globals: dict[str, Any] | None = None, label: str | None = None,
                 sub_label: str | None = None, description: str | None = None, env: str | None = None,
                 num_threads: int = 1, language: Language | str = Language.PYTHON) -> None:
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError("npgrad's Timer runs Python statements only (language='py')")
        if global_setup:
            raise ValueError("global_setup is C++ only.")
        if num_threads != 1:
            raise ValueError("npgrad's Timer measures with the thread count NumPy's BLAS uses; num_threads must "
                             "be 1 (npgrad cannot set the BLAS thread count per measurement)")
        self._globals = dict(globals or {})
        self._timer = _timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = TaskSpec(stmt, setup, global_setup, label, sub_label, description, env, num_threads)

    def _time(self, number: int) -> float:
        return self._timer.timeit(number)

    def timeit(self, number: int = 1000000) -> Measurement:
        """One block of ``number`` runs (after one untimed warm-up run)."""
        self._time(max(number // 100, 2))
        return Measurement(number, [self._time(number)], self._task_spec)

    def _block_size(self, min_run_time: float) -> int:
        number = 1
        while True:
            t = self._time(number)
            if t >= min_run_time / 1000 or number >= 10 ** 9:
                return number
            number *= 10

    def blocked_autorange(self, callback: Callable[[int, float], Any] | None = None,
                          min_run_time: float = 0.2) -> Measurement:
        """Blocks of a size taking about 1/1000 of ``min_run_time`` (at least), repeated for ``min_run_time``."""
        number = self._block_size(min_run_time)
        times, total = [], 0.0
        while total < min_run_time or len(times) < 2 and total < 10 * min_run_time:
            t = self._time(number)
            times.append(t)
            total += t
            if callback is not None:
                callback(number, t)
        return Measurement(number, times, self._task_spec)

    def adaptive_autorange(self, threshold: float = 0.1, *, min_run_time: float = 0.01, max_run_time: float = 10.0,
                           callback: Callable[[int, float], Any] | None = None) -> Measurement:
        """Repeat blocks until IQR/median < ``threshold`` (after ``min_run_time``) or ``max_run_time`` passes."""
        number = self._block_size(0.05)
        times, total = [], 0.0
        while total < max_run_time:
            t = self._time(number)
            times.append(t)
            total += t
            if callback is not None:
                callback(number, t)
            if len(times) > 3 and total >= min_run_time:
                m = Measurement(number, times, self._task_spec)
                if m.iqr / m.median < threshold:
                    break
        return Measurement(number, times, self._task_spec)

    def autorange(self, callback: Callable[[int, float], Any] | None = None) -> Measurement:
        number, t = self._timer.autorange(callback)
        return Measurement(number, [t], self._task_spec)


class Compare:
    """A table of measurements: one per label, rows by ``sub_label``, columns by ``description``."""

    def __init__(self, results: Iterable[Measurement]) -> None:
        self._results = list(results)
        self._trim = False
        self._colorize = False

    def trim_significant_figures(self) -> None:
        self._trim = True

    def colorize(self, rowwise: bool = False) -> None:
        self._colorize = True

    def extend_results(self, results: Iterable[Measurement]) -> None:
        self._results.extend(results)

    def __str__(self) -> str:
        out = []
        labels = []
        for m in self._results:
            if m.task_spec.label not in labels:
                labels.append(m.task_spec.label)
        for label in labels:
            ms = [m for m in self._results if m.task_spec.label == label]
            cols, rows = [], []
            for m in ms:
                if m.task_spec.description not in cols:
                    cols.append(m.task_spec.description)
                if m.task_spec.sub_label not in rows:
                    rows.append(m.task_spec.sub_label)
            unit, scale = select_unit(min(m.median for m in ms))
            cell = {(m.task_spec.sub_label, m.task_spec.description): m.median / scale for m in ms}
            fmt = (lambda v: f"{trim_sigfig(v, 3):.1f}") if self._trim else (lambda v: f"{v:.1f}")
            names = [str(r or "") for r in rows]
            threads = ms[0].task_spec.num_threads
            lead = f"{threads} threads: "
            rw = max([len(n) + 2 for n in names] + [len(lead)])
            cw = [max(len(str(c or "")), 6) + 2 for c in cols]
            header = " " * rw + "|" + "|".join(str(c or "").center(w) for c, w in zip(cols, cw))
            width = len(header)
            out.append("[" + f" {label} ".center(width - 2, "-") + "]")
            out.append(header)
            out.append(lead.ljust(rw) + "-" * (width - rw))
            for r, n in zip(rows, names):
                out.append(n.rjust(rw - 2) + "  |" + "|".join(
                    (fmt(cell[(r, c)]) if (r, c) in cell else "").center(w) for c, w in zip(cols, cw)))
            out.append("")
            out.append(f"Times are in {dict(ns='nanoseconds', us='microseconds', ms='milliseconds', s='seconds')[unit]} "
                       f"({unit}).")
            out.append("")
        return "\n".join(out)

    def print(self) -> None:
        print(str(self))
