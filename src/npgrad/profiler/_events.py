"""Profiler events and torch's table of them (``EventList``, ``FunctionEvent``, ``FunctionEventAvg``)."""
import json

__all__ = ["FunctionEvent", "FunctionEventAvg", "EventList", "Interval", "format_time", "format_memory"]


def format_time(us):
    """torch's time cells: microseconds in, "12.345us" / "1.234ms" / "1.234s" out."""
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def format_memory(nbytes):
    k = 1024
    for unit, size in (("Gb", k ** 3), ("Mb", k ** 2), ("Kb", k)):
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} B"


class Interval:
    __slots__ = ("start", "end")

    def __init__(self, start, end):
        self.start, self.end = start, end

    def elapsed_us(self):
        return self.end - self.start


class FunctionEvent:
    """One timed call: an op's ``apply``, a node's backward, or a ``record_function`` range (times in us)."""

    def __init__(self, id, name, start_us, thread, input_shapes=None, is_user_annotation=False, stack=None):
        self.id = id
        self.name = self.key = name
        self.time_range = Interval(start_us, start_us)
        self.thread = thread
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.is_user_annotation = is_user_annotation
        self.stack = stack if stack is not None else []
        self.cpu_children = []
        self.cpu_parent = None
        self.cpu_memory_usage = 0
        self.count = 1
        self.device_type = "CPU"
        self.is_async = self.is_remote = self.is_legacy = False
        self.node_id = -1
        self.overload_name = ""
        self.flops = 0

    @property
    def cpu_time_total(self):
        return self.time_range.elapsed_us()

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self):
        return self.cpu_memory_usage - sum(c.cpu_memory_usage for c in self.cpu_children)

    cpu_time = cpu_time_total
    device_time_total = self_device_time_total = cuda_time_total = self_cuda_time_total = property(lambda s: 0.0)
    device_memory_usage = self_device_memory_usage = property(lambda s: 0)

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={format_time(self.cpu_time_total)} "
                f"start_us={self.time_range.start:.3f} end_us={self.time_range.end:.3f} "
                f"cpu_children={[c.id for c in self.cpu_children]} thread={self.thread} "
                f"input_shapes={self.input_shapes} cpu_memory_usage={self.cpu_memory_usage}>")


class FunctionEventAvg:
    """Events of one key summed: ``count``, ``cpu_time_total``, ``self_cpu_time_total``, ``cpu_time`` (mean)."""

    def __init__(self, key=None, input_shapes=None):
        self.key = key
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.is_user_annotation = False
        self.stack = []
        self.device_time_total = self.self_device_time_total = self.cuda_time_total = 0.0
        self.node_id = -1
        self.flops = 0

    def add(self, other):
        if self.key is None:
            self.key, self.input_shapes = other.key, other.input_shapes
            self.is_user_annotation = other.is_user_annotation
            self.stack = other.stack
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        return self

    __iadd__ = add

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    self_cpu_time_total_str = property(lambda s: format_time(s.self_cpu_time_total))
    cpu_time_total_str = property(lambda s: format_time(s.cpu_time_total))
    cpu_time_str = property(lambda s: format_time(s.cpu_time))

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={format_time(self.self_cpu_time_total)} "
                f"cpu_time={format_time(self.cpu_time)} input_shapes={self.input_shapes} "
                f"cpu_memory_usage={self.cpu_memory_usage}>")


FunctionEvent.self_cpu_time_total_str = property(lambda s: format_time(s.self_cpu_time_total))
FunctionEvent.cpu_time_total_str = property(lambda s: format_time(s.cpu_time_total))
FunctionEvent.cpu_time_str = FunctionEvent.cpu_time_total_str

_SORT_KEYS = ("cpu_time", "cpu_time_total", "self_cpu_time_total", "count", "cpu_memory_usage",
              "self_cpu_memory_usage", "cuda_time", "cuda_time_total", "self_cuda_time_total", "device_time",
              "device_time_total", "self_device_time_total", "cuda_memory_usage", "self_cuda_memory_usage")


class EventList(list):
    """A list of events with torch's summaries: ``key_averages()``, ``table()``, ``total_average()``."""

    def __init__(self, *args, profile_memory=False, with_shapes=False, **kwargs):
        super().__init__(*args)
        self._profile_memory = profile_memory
        self._with_shapes = with_shapes

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        groups = {}
        for e in self:
            key = (e.key, str(e.input_shapes) if group_by_input_shape else None,
                   tuple(e.stack[:group_by_stack_n]) if group_by_stack_n else None)
            groups.setdefault(key, FunctionEventAvg()).add(e)
        return EventList(groups.values(), profile_memory=self._profile_memory,
                         with_shapes=group_by_input_shape)

    def total_average(self):
        total = FunctionEventAvg(key="Total")
        for e in self:
            total.count += e.count
            total.cpu_time_total += e.cpu_time_total
            total.self_cpu_time_total += e.self_cpu_time_total
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        """torch's text table: one row per event (or averaged key), slowest first when ``sort_by`` is given."""
        rows = list(self)
        if top_level_events_only:
            rows = [e for e in rows if getattr(e, "cpu_parent", None) is None]
        if sort_by is not None:
            if sort_by not in _SORT_KEYS:
                raise AttributeError(f"'{type(rows[0]).__name__ if rows else 'FunctionEventAvg'}' object has no "
                                     f"attribute '{sort_by}'")
            rows.sort(key=lambda e: getattr(e, sort_by, 0), reverse=True)
        if row_limit is not None and row_limit > 0:
            rows = rows[:row_limit]
        total_self = self.self_cpu_time_total or 1.0
        if time_unit not in (None, "s", "ms", "us"):
            raise ValueError(f"Unknown time unit: {time_unit}")

        def t(us):
            if time_unit == "s":
                return f"{us / 1e6:.3f}s"
            if time_unit == "ms":
                return f"{us / 1e3:.3f}ms"
            if time_unit == "us":
                return f"{us:.3f}us"
            return format_time(us)

        name_w = min(max([len(e.key) for e in rows] + [4]) + 4, max_name_column_width)
        heads = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
        if self._profile_memory:
            heads += ["CPU Mem", "Self CPU Mem"]
        heads.append("# of Calls")
        shapes = self._with_shapes
        shape_w = 0
        if shapes:
            shape_w = min(max([len(str(e.input_shapes)) for e in rows] + [12]) + 4, max_shapes_column_width)
        widths = [name_w] + [12] * len(heads) + ([shape_w] if shapes else [])
        sep = "".join("-" * w + "  " for w in widths)
        line = lambda cells: "".join(str(c).rjust(w) + "  "  # noqa: E731
                                     for c, w in zip(cells, widths))
        out = []
        if header is not None:
            out += ["=" * len(sep), header]
        out += [sep, line(["Name"] + heads + (["Input Shapes"] if shapes else [])), sep]
        for e in rows:
            name = e.key if len(e.key) <= name_w else e.key[:name_w - 3] + "..."
            cells = [name, f"{100 * e.self_cpu_time_total / total_self:.2f}%", t(e.self_cpu_time_total),
                     f"{100 * e.cpu_time_total / total_self:.2f}%", t(e.cpu_time_total), t(e.cpu_time)]
            if self._profile_memory:
                cells += [format_memory(e.cpu_memory_usage), format_memory(e.self_cpu_memory_usage)]
            cells.append(e.count)
            if shapes:
                s = str(e.input_shapes)
                cells.append(s if len(s) <= shape_w else s[:shape_w - 3] + "...")
            out.append(line(cells))
        out.append(sep)
        out.append(f"Self CPU time total: {t(self.self_cpu_time_total)}")
        return "\n".join(out) + "\n"

    def export_chrome_trace(self, path):
        """Write the events in Chrome's trace format (open it in chrome://tracing or Perfetto)."""
        events = [{"ph": "X", "cat": "user_annotation" if e.is_user_annotation else "cpu_op", "name": e.name,
                   "pid": 0, "tid": e.thread, "ts": e.time_range.start, "dur": e.cpu_time_total,
                   "args": {"Input Dims": e.input_shapes}} for e in self if isinstance(e, FunctionEvent)]
        with open(path, "w") as f:
            json.dump({"traceEvents": events, "displayTimeUnit": "ms"}, f)
