"""npgrad.utils.safetensors against the format's specification (built here by hand with struct and json)."""
import json
import struct

import numpy as np
import pytest

import npgrad
from npgrad.utils.safetensors import SafetensorError, load, load_file, save, save_file

CODES = {"float64": "F64", "float32": "F32", "float16": "F16", "int64": "I64", "int32": "I32", "int16": "I16",
         "int8": "I8", "uint8": "U8", "bool": "BOOL"}


def _spec_bytes(arrays, metadata=None):
    """A file written from the specification: u64 header size, JSON header, concatenated little-endian data."""
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, a in arrays.items():
        raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": CODES[a.dtype.name], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def _arrays():
    rng = np.random.default_rng(0)
    return {"w": rng.standard_normal((3, 4)).astype(np.float32), "b": rng.standard_normal(4),
            "half": rng.standard_normal(5).astype(np.float16), "ids": rng.integers(-9, 9, (2, 3)),
            "i32": np.arange(3, dtype=np.int32), "i16": np.arange(4, dtype=np.int16),
            "i8": np.arange(-2, 3, dtype=np.int8),
            "u8": np.arange(7, dtype=np.uint8), "mask": np.array([True, False, True]), "scalar": np.array(2.5),
            "empty": np.zeros((0, 3), np.float32)}


def test_reads_files_built_from_the_spec():
    arrays = _arrays()
    loaded = load(_spec_bytes(arrays, {"format": "pt"}))
    assert set(loaded) == set(arrays)
    for name, a in arrays.items():
        t = loaded[name]
        assert isinstance(t, npgrad.Tensor) and t.dtype == getattr(npgrad, a.dtype.name) and tuple(t.shape) == a.shape
        np.testing.assert_array_equal(t.numpy(), a)


def test_writes_what_the_spec_describes(tmp_path):
    arrays = _arrays()
    blob = save({k: npgrad.tensor(v) for k, v in arrays.items()}, metadata={"format": "pt", "note": "x"})
    n = struct.unpack("<Q", blob[:8])[0]
    assert (8 + n) % 8 == 0  # the header is padded so that the data starts aligned
    header = json.loads(blob[8:8 + n])
    assert header.pop("__metadata__") == {"format": "pt", "note": "x"}
    data = blob[8 + n:]
    assert set(header) == set(arrays)
    ends = sorted((h["data_offsets"][0], h["data_offsets"][1]) for h in header.values())
    assert ends[0][0] == 0 and ends[-1][1] == len(data) and all(a[1] == b[0] for a, b in zip(ends, ends[1:]))
    for name, a in arrays.items():
        h = header[name]
        assert h["dtype"] == CODES[a.dtype.name] and h["shape"] == list(a.shape)
        begin, end = h["data_offsets"]
        assert data[begin:end] == a.astype(a.dtype.newbyteorder("<")).tobytes()
        assert begin % a.dtype.itemsize == 0
    save_file({"w": npgrad.tensor(arrays["w"])}, tmp_path / "m.safetensors")
    np.testing.assert_array_equal(load_file(tmp_path / "m.safetensors")["w"].numpy(), arrays["w"])


def test_round_trip_of_views_and_model_weights():
    x = npgrad.arange(12.).reshape(3, 4)
    out = load(save({"t": x.t(), "col": x[:, 1].clone()}))
    np.testing.assert_array_equal(out["t"].numpy(), x.t().numpy())
    model = npgrad.nn.Linear(3, 2)
    restored = npgrad.nn.Linear(3, 2)
    restored.load_state_dict(load(save({k: v.detach() for k, v in model.state_dict().items()})))
    np.testing.assert_array_equal(restored.weight.detach().numpy(), model.weight.detach().numpy())


def _corrupt(blob, header=None, data=None):
    n = struct.unpack("<Q", blob[:8])[0]
    h = json.loads(blob[8:8 + n]) if header is None else header
    text = json.dumps(h).encode()
    return struct.pack("<Q", len(text)) + text + (blob[8 + n:] if data is None else data)


def test_invalid_files_are_refused():
    good = _spec_bytes({"a": np.arange(4, dtype=np.float32), "b": np.arange(2, dtype=np.int64)})
    n = struct.unpack("<Q", good[:8])[0]
    header = json.loads(good[8:8 + n])
    bad = {
        "truncated data": good[:-3],
        "truncated header": good[:8 + n // 2],
        "tiny": good[:5],
        "huge header size": struct.pack("<Q", 2 ** 40) + good[8:],
        "not json": struct.pack("<Q", 4) + b"{{{{",
        "not an object": _corrupt(good, header=[1, 2]),
        "unknown dtype": _corrupt(good, header=dict(header, a=dict(header["a"], dtype="Q7"))),
        "shape mismatch": _corrupt(good, header=dict(header, a=dict(header["a"], shape=[5]))),
        "negative shape": _corrupt(good, header=dict(header, a=dict(header["a"], shape=[-4]))),
        "gap": _corrupt(good, header=dict(header, b=dict(header["b"], data_offsets=[20, 36])),
                        data=good[8 + n:] + b"\0" * 4),
        "overlap": _corrupt(good, header=dict(header, b=dict(header["b"], data_offsets=[8, 24]))),
        "extra bytes": good + b"\0" * 8,
        "missing field": _corrupt(good, header=dict(header, a={"dtype": "F32", "shape": [4]})),
        "bad metadata": _corrupt(good, header=dict(header, __metadata__={"k": 1})),
    }
    for name, blob in bad.items():
        with pytest.raises(SafetensorError):
            load(blob)


def test_save_refuses_what_it_cannot_write():
    x = npgrad.arange(6.)
    with pytest.raises(SafetensorError, match="share memory"):
        save({"a": x, "b": x[2:]})
    with pytest.raises(SafetensorError, match="not a Tensor"):
        save({"a": np.ones(2)})
    with pytest.raises(SafetensorError, match="reserved"):
        save({"__metadata__": x})
    with pytest.raises(SafetensorError, match="metadata"):
        save({"a": x}, metadata={"a": 1})


def test_load_file_checks_sizes_before_allocating(tmp_path):
    import pickle  # noqa: F401
    import time
    # a header that declares 2**40 bytes of data in a file that has 16
    header = json.dumps({"w": {"dtype": "F32", "shape": [2 ** 38], "data_offsets": [0, 2 ** 40]}}).encode()
    (tmp_path / "big.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 16)
    with pytest.raises(SafetensorError, match="MetadataIncompleteBuffer"):
        load_file(tmp_path / "big.safetensors")
    # a header length beyond the file
    (tmp_path / "len.safetensors").write_bytes(struct.pack("<Q", 10 ** 6) + b"{}")
    with pytest.raises(SafetensorError, match="InvalidHeaderLength"):
        load_file(tmp_path / "len.safetensors")
    t0 = time.process_time()
    with pytest.raises(SafetensorError):
        load_file("/dev/zero")  # a header of length 0 is not JSON: refused at once
    assert time.process_time() - t0 < 5


def test_save_file_is_atomic_and_streamed(tmp_path, monkeypatch):
    import os
    import npgrad.serialization._files as files
    path = tmp_path / "m.safetensors"
    save_file({"w": npgrad.arange(4.)}, path)
    before = path.read_bytes()

    def failing(arr):
        raise KeyboardInterrupt
        yield
    monkeypatch.setattr(files, "_array_chunks", failing)
    with pytest.raises(KeyboardInterrupt):
        save_file({"w": npgrad.zeros(100)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.safetensors"]
    monkeypatch.undo()
    arrays = _arrays()
    save_file({k: npgrad.tensor(v) for k, v in arrays.items()}, path, metadata={"format": "pt"})
    assert path.read_bytes() == save({k: npgrad.tensor(v) for k, v in arrays.items()}, metadata={"format": "pt"})
    back = load_file(path)
    for name, a in arrays.items():
        np.testing.assert_array_equal(back[name].numpy(), a)
        assert back[name].numpy().flags.writeable
