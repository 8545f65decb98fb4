"""Fuzzing ``npgrad.load`` and safetensors loading with byte mutations of valid files (zip and legacy
checkpoints written by npgrad and by torch, safetensors files).

Every mutated input either loads the original values or raises a clear error (RuntimeError, UnpicklingError,
EOFError, SafetensorError), within a memory bound (tracemalloc's peak, NumPy's buffers included) and a time bound
(an alarm: a hang fails the example). Zip records carry CRC-32s, so a changed zip either loads the original or
fails; the legacy format has no checksum, so only its magic numbers, system information, storage list and sizes
can reveal a change: a change there must fail or be harmless, a change inside its pickle or raw storage bytes may
load other values. `make test` runs the "ci" hypothesis profile; `make fuzz` the "fuzz" profile.
"""
import contextlib
import io
import os
import pickle
import pickletools
import signal
import tempfile
import tracemalloc
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import npgrad
from npgrad.utils import safetensors

ERRORS = (RuntimeError, pickle.UnpicklingError, EOFError)
TIME_LIMIT_S = 20  # per input: a generous bound that only a hang reaches
FULL = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"  # `make fuzz`: the exhaustive loops try more values


def _content(m):
    base = m.arange(12, dtype=m.float32).reshape(3, 4)
    return {"w": base, "view": base[1:, ::2], "b": m.tensor([True, False, True]), "i": m.arange(5),
            "h": m.ones(2, dtype=m.float16) * 1.5, "e": m.zeros(0, 2), "s": m.tensor(3.25, dtype=m.float64),
            "meta": {"step": 7, "lr": 0.01, "names": ["a", "b"], "t": (1, None, True)}}


def _bytes(m, legacy):
    buf = io.BytesIO()
    m.save(_content(m), buf, _use_new_zipfile_serialization=not legacy)
    return buf.getvalue()


BASES = {(lib, fmt): _bytes(m, fmt == "legacy") for lib, m in (("npgrad", npgrad), ("torch", torch))
         for fmt in ("zip", "legacy")}
ST_BASE = safetensors.save({k: v for k, v in _content(npgrad).items() if isinstance(v, npgrad.Tensor)
                            and k != "view"}, metadata={"format": "pt"})


def _describe(obj):
    if isinstance(obj, npgrad.Tensor):
        return ("T", str(obj.dtype), tuple(obj.shape), obj.numpy().tobytes())
    if isinstance(obj, dict):
        return ("d", [(k, _describe(v)) for k, v in obj.items()])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [_describe(v) for v in obj])
    return (type(obj).__name__, repr(obj))


ORIGINAL = _describe(npgrad.load(io.BytesIO(BASES["npgrad", "zip"])))
assert all(_describe(npgrad.load(io.BytesIO(b))) == ORIGINAL for b in BASES.values())


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _bounded(limit_bytes):
    """Fail on a hang (an alarm) and on a peak of traced memory above ``limit_bytes``."""
    def alarm(*_):
        raise _Hang(f"no answer within {TIME_LIMIT_S} s")
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(TIME_LIMIT_S)
    tracemalloc.start()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert peak <= limit_bytes, f"loading took {peak} bytes (bound {limit_bytes})"


def _mutations(size):
    pos = st.integers(0, max(size - 1, 0))
    return st.lists(st.one_of(
        st.tuples(st.just("xor"), pos, st.integers(1, 255)),
        st.tuples(st.just("set"), pos, st.sampled_from([0, 1, 0x7F, 0x80, 0xFF])),
        st.tuples(st.just("insert"), pos, st.integers(0, 255)),
        st.tuples(st.just("delete"), pos, st.integers(1, 16)),
        st.tuples(st.just("truncate"), pos, st.just(0))), min_size=1, max_size=6)


def _apply(data, muts):
    """The mutated bytes and the positions (in the original) that were changed; None for a shift."""
    b = bytearray(data)
    touched = set()
    for kind, pos, val in muts:
        pos = min(pos, len(b))
        if kind == "xor" and pos < len(b):
            b[pos] ^= val
            touched.add(pos)
        elif kind == "set" and pos < len(b):
            touched.add(pos) if b[pos] != val else None
            b[pos] = val
        elif kind == "insert":
            b[pos:pos] = bytes([val])
            touched.add(None)
        elif kind == "delete" and pos < len(b):
            del b[pos:pos + val]
            touched.add(None)
        elif kind == "truncate":
            del b[pos:]
            touched.add(None)
    return bytes(b), touched


def _loose_positions(data):
    """The set of positions of a legacy file whose change need not be detected (pickle body, storage bytes)."""
    f = io.BytesIO(data)
    for _ in range(3):
        pickle.load(f)
    start = f.tell()
    end = start
    for op, arg, pos in pickletools.genops(f):
        end = pos + 1
    loose = set(range(start, end))
    f.seek(end)
    keys = pickle.load(f)
    widths = {}
    for op, arg, pos in pickletools.genops(data[start:end]):  # storage type before each key, in the pickle
        if op.name == "GLOBAL" and arg.startswith("torch ") and arg.endswith("Storage"):
            kind = arg.split()[1]
        if op.name in ("BINUNICODE", "SHORT_BINUNICODE") and arg in keys and arg not in widths:
            widths[arg] = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "LongStorage": 8,
                           "BoolStorage": 1, "IntStorage": 4}[kind]
    pos = f.tell()
    for key in keys:
        numel = int.from_bytes(data[pos:pos + 8], "little")
        pos += 8
        loose |= set(range(pos, pos + numel * widths[key]))
        pos += numel * widths[key]
    assert pos == len(data)
    return loose


LOOSE = {key: _loose_positions(b) for key, b in BASES.items() if key[1] == "legacy"}


def _load_path(data):
    with tempfile.NamedTemporaryFile(suffix=".pt") as f:
        f.write(data)
        f.flush()
        return npgrad.load(f.name)


def _check_checkpoint(key, data, touched, light=False):
    """Load ``data`` and classify the outcome; ``light``: from memory, without the bounds (exhaustive loops)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a mutated PROTO byte may announce another protocol
        with contextlib.nullcontext() if light else _bounded(16 * len(BASES[key]) + (4 << 20)):
            try:
                result = npgrad.load(io.BytesIO(data)) if light else _load_path(data)
            except ERRORS as e:
                assert str(e), "an error without a message"
                return "error"
    got = _describe(result)
    if got == ORIGINAL:
        return "original"
    assert key[1] == "legacy", "a changed zip archive loaded other values"
    assert None not in touched and touched <= LOOSE[key], \
        f"a change at {sorted(touched - LOOSE[key])} outside the legacy pickle and storages went unnoticed"
    return "changed"


@pytest.mark.parametrize("key", list(BASES), ids=["-".join(k) for k in BASES])
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(data=st.data())
def test_mutated_checkpoints_load_the_original_or_fail_clearly(key, data):
    base = BASES[key]
    muts = data.draw(_mutations(len(base)))
    mutated, touched = _apply(base, muts)
    _check_checkpoint(key, mutated, touched)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_mutated_safetensors_load_consistently_or_fail_clearly(data):
    muts = data.draw(_mutations(len(ST_BASE)))
    mutated, touched = _apply(ST_BASE, muts)
    header_end = 8 + int.from_bytes(ST_BASE[:8], "little")
    original = safetensors.load(ST_BASE)
    for how in ("bytes", "file"):
        with _bounded(16 * len(ST_BASE) + (4 << 20)):
            try:
                if how == "bytes":
                    result = safetensors.load(mutated)
                else:
                    with tempfile.NamedTemporaryFile(suffix=".safetensors") as f:
                        f.write(mutated)
                        f.flush()
                        result = safetensors.load_file(f.name)
            except safetensors.SafetensorError as e:
                assert str(e)
                continue
        # safetensors has no checksum: what loads must be well-formed, and the same tensors when only data changed
        assert sum(t.numpy().nbytes for t in result.values()) == len(mutated) - 8 - \
            int.from_bytes(mutated[:8], "little")
        if None not in touched and all(p >= header_end for p in touched):
            assert {k: (str(v.dtype), tuple(v.shape)) for k, v in result.items()} == \
                {k: (str(v.dtype), tuple(v.shape)) for k, v in original.items()}


@pytest.mark.parametrize("lib", ["npgrad", "torch"])
def test_the_legacy_format_detects_every_change_outside_its_pickle_and_storages(lib):
    """Exhaustively: each byte of the magic number, protocol version, system information, storage list and
    storage sizes, changed three ways, makes the load fail or changes nothing."""
    base = BASES[lib, "legacy"]
    outcomes = {"error": 0, "original": 0}
    for pos in sorted(set(range(len(base))) - LOOSE[lib, "legacy"]):
        for val in (0x01, 0x80, 0xFF) if FULL else (0xFF,):
            bad = bytearray(base)
            bad[pos] ^= val
            outcomes[_check_checkpoint((lib, "legacy"), bytes(bad), {pos}, light=True)] += 1
    assert outcomes["error"] > 2 * outcomes["original"]
    for cut in (len(base) - 1, len(base) - 9):  # truncated, and a trailing byte
        with pytest.raises(RuntimeError):
            _load_path(base[:cut])
    with pytest.raises(RuntimeError, match="after the last storage"):
        _load_path(base + b"\0")


def test_every_single_byte_change_of_a_zip_checkpoint_fails_or_changes_nothing():
    base = BASES["npgrad", "zip"]
    outcomes = {"error": 0, "original": 0}
    for pos in range(0, len(base), 1 if FULL else 5):
        bad = bytearray(base)
        bad[pos] ^= 0x5A
        outcomes[_check_checkpoint(("npgrad", "zip"), bytes(bad), {pos}, light=True)] += 1
    assert outcomes["error"] > outcomes["original"] > 0


def _records(data):
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


RECORDS = {lib: _records(BASES[lib, "zip"]) for lib in ("npgrad", "torch")}


@pytest.mark.parametrize("lib", ["npgrad", "torch"])
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(data=st.data())
def test_mutated_pickles_in_valid_archives_fail_clearly(lib, data):
    """The CRCs stop mutations before the unpickler; here the archive is rebuilt around a mutated data.pkl (and
    storage records), so that every mutation reaches the unpickler and the storage checks."""
    import zipfile
    records = RECORDS[lib]
    which = data.draw(st.sampled_from([i for i, (n, _) in enumerate(records)
                                       if n.endswith("data.pkl") or "/data/" in n]))
    name, payload = records[which]
    mutated, _ = _apply(payload, data.draw(_mutations(len(payload))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, p in records:
            zf.writestr(n, mutated if n == name else p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with _bounded(16 * len(buf.getvalue()) + (4 << 20)):
            try:
                npgrad.load(io.BytesIO(buf.getvalue()))
            except ERRORS as e:
                assert str(e)
