"""Loading inspects before it allocates: hostile records, lying sizes, hostile pickle arguments, endless files."""
import io
import pickle
import time

import numpy as np
import pytest
import torch

import npgrad

from ._helpers import LEGACY_HEAD, checkpoint, peak_memory, raw_zip, tensor_pickle

ERRORS = (RuntimeError, pickle.UnpicklingError)
MB = 1 << 20


def _load(data, **kw):
    return npgrad.load(io.BytesIO(data), **kw)


def test_a_valid_hand_made_checkpoint_loads_in_both():
    """The builders below make files torch reads: what the hostile tests change is the only thing wrong."""
    data = checkpoint(tensor_pickle(), {"0": np.arange(4, dtype=np.float32).tobytes()})
    assert torch.load(io.BytesIO(data)).tolist() == _load(data).tolist() == [0.0, 1.0, 2.0, 3.0]
    data = checkpoint(tensor_pickle(), {"0": np.arange(4, dtype=np.float32).tobytes()}, method=8)
    assert torch.load(io.BytesIO(data)).tolist() == _load(data).tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("method,name", [(12, "bzip2"), (14, "lzma")])
def test_only_stored_and_deflate_records_are_read(method, name):
    storage = np.arange(4, dtype=np.float32).tobytes()
    recs = [("archive/data.pkl", 0, tensor_pickle(), None, None),
            ("archive/data/0", method, storage, None, None)]
    if method == 14:  # a record we do not even compress: the method number alone is refused
        recs[1] = ("archive/data/0", 14, storage, None, None)
    data = raw_zip(recs)
    with pytest.raises(RuntimeError, match=f"archive/data/0 is compressed with {name}"):
        _load(data)
    with pytest.raises(RuntimeError):  # torch refuses them too
        torch.load(io.BytesIO(data))


def test_a_bz2_bomb_is_refused_before_it_is_decompressed():
    """A few hundred bytes of bzip2 that would expand to 48 MB: refused at once, without the memory."""
    body = """
import io, bz2, pickle
from tests.serialization._helpers import raw_zip, tensor_pickle
data = raw_zip([("archive/data.pkl", 0, tensor_pickle(numel=12 * 2**20), None, None),
                ("archive/data/0", 12, b"\\0" * (48 * 2**20), None, None)])
del bz2
import gc; gc.collect()
base2 = peak()
try:
    npgrad.load(io.BytesIO(data))
except RuntimeError as e:
    print("ERR", str(e)[:200])
print('LOADPEAK', peak() - base2)
"""
    rc, base, end, out = peak_memory(body.replace("from tests", "import sys; sys.path.insert(0, %r)\nfrom tests"
                                                  % _root()), limit_bytes=3 << 30)
    assert rc == 0, out
    assert "ERR" in out and "bzip2" in out, out
    assert int(out.split("LOADPEAK")[1].split()[0]) < 16 * MB, out


def _root():
    import os
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_record_larger_than_the_pickle_declares_is_refused_before_decompression():
    """64 MB of zeros deflate to 64 KB; the pickle declares 4 floats. Refused from the directory's size."""
    data = raw_zip([("archive/data.pkl", 0, tensor_pickle(), None, None),
                    ("archive/data/0", 8, b"\0" * (64 * MB), None, None)])
    assert len(data) < 100_000
    t0 = time.process_time()
    with pytest.raises(RuntimeError, match=r"archive/data/0.*holds 67108864 bytes but the pickle declares a "
                                           r"FloatStorage of 4 elements \(16 bytes\)"):
        _load(data)
    assert time.process_time() - t0 < 5  # nothing was decompressed (a hang guard, not a benchmark)


def test_a_deflate_record_that_lies_about_its_size_stops_at_the_declared_size():
    """The directory says 16 bytes (as the pickle); the deflate stream holds 64 MB: the running limit stops it."""
    data = raw_zip([("archive/data.pkl", 0, tensor_pickle(), None, None),
                    ("archive/data/0", 8, b"\0" * (64 * MB), 16, None)])
    with pytest.raises(RuntimeError, match="archive/data/0.*decompresses to more than the 16 bytes declared"):
        _load(data)
    short = raw_zip([("archive/data.pkl", 0, tensor_pickle(), None, None),
                     ("archive/data/0", 8, b"\0" * 8, 16, None)])
    with pytest.raises(RuntimeError, match="archive/data/0.*decompresses to 8 bytes, not the 16 declared"):
        _load(short)


def test_declared_sizes_beyond_the_file_are_refused_without_allocating():
    # a storage of 2**60 floats: the record has 16 bytes
    data = checkpoint(tensor_pickle(numel=2 ** 60), {"0": b"\0" * 16})
    with pytest.raises(RuntimeError, match="holds 16 bytes but the pickle declares"):
        _load(data)
    # a stored record whose directory entry claims more bytes than the file has
    data = raw_zip([("archive/data.pkl", 0, tensor_pickle(numel=2 ** 28), None, None),
                    ("archive/data/0", 0, b"\0" * 16, 2 ** 30, None)])
    with pytest.raises(RuntimeError, match="archive/data/0"):
        _load(data)
    # the legacy format: the pickle declares a storage larger than the rest of the file
    pkl = tensor_pickle(numel=2 ** 50).replace(b"X\x03\x00\x00\x00cpu", b"X\x03\x00\x00\x00cpu").replace(
        b"tQ", b"NtQ", 1)
    legacy = LEGACY_HEAD + pkl + pickle.dumps(["0"], 2) + (2 ** 50).to_bytes(8, "little") + b"\0" * 64
    with pytest.raises(RuntimeError, match="declares .* bytes of storages but only"):
        _load(legacy)


def test_dev_zero_fails_at_once():
    rc, base, end, out = peak_memory("""
import pickle
try:
    npgrad.load('/dev/zero')
except (pickle.UnpicklingError, RuntimeError) as e:
    print('ERR', type(e).__name__)
""", timeout=120, limit_bytes=2 << 30)
    assert rc == 0 and "ERR" in out, out
    assert end - base < 16 * MB, out
    with pytest.raises(pickle.UnpicklingError):  # torch: the same class
        torch.load("/dev/zero")


def test_a_size_given_as_a_huge_bytearray_is_not_converted_or_formatted():
    """A 10 MB bytearray where the size tuple belongs: a short error, no copy of it into the message."""
    big = b"\x80\x02cbuiltins\nbytearray\nC\x00" + b"R"  # replaced below by a BYTEARRAY8 of 10**7 bytes
    big = b"\x96" + (10 ** 7).to_bytes(8, "little") + b"\x01" * 10 ** 7
    data = checkpoint(tensor_pickle(size=big), {"0": b"\0" * 16})
    with pytest.raises(RuntimeError, match="size must be a tuple of ints, got a bytearray of length 10000000") \
            as info:
        _load(data)
    assert len(str(info.value)) < 500
    body = f"""
import io, sys
sys.path.insert(0, {_root()!r})
from tests.serialization._helpers import checkpoint, tensor_pickle
big = b"\\x96" + (10 ** 7).to_bytes(8, "little") + b"\\x01" * 10 ** 7
data = checkpoint(tensor_pickle(size=big), {{"0": b"\\0" * 16}})
del big
base2 = peak()
try:
    npgrad.load(io.BytesIO(data))
except RuntimeError as e:
    print("LOADPEAK", peak() - base2, len(str(e)))
"""
    rc, base, end, out = peak_memory(body, limit_bytes=3 << 30)
    assert rc == 0 and "LOADPEAK" in out, out
    assert int(out.split("LOADPEAK")[1].split()[0]) < 40 * MB, out  # the file's pickle (10 MB) read twice at most


_ONE_TENSOR = tensor_pickle()[:-1]  # the tensor on the stack, without STOP


@pytest.mark.parametrize("name,ops,match", [
    ("SETITEM on a tensor", b"K\x00K\x05s.", "Can only SETITEM for dict"),
    ("SETITEMS on a tensor", b"(K\x00K\x05u.", "Can only SETITEMS for dict"),
    ("APPEND to a tensor", b"K\x05a.", "Can only append to lists"),
    ("APPENDS to a tensor", b"(K\x05e.", "Can only extend lists"),
    ("ADDITEMS to a tensor", b"(K\x05\x90.", "Can only ADDITEMS to sets"),
    ("BUILD on a tensor", b"}b.", "Can only build"),
])
def test_container_opcodes_only_on_their_containers(name, ops, match):
    data = checkpoint(_ONE_TENSOR + ops, {"0": np.arange(4, dtype=np.float32).tobytes()})
    with pytest.raises(pickle.UnpicklingError, match=match):
        _load(data)
    if not name.startswith("BUILD"):  # torch refuses these too (BUILD on a tensor is its legacy set_)
        with pytest.raises(pickle.UnpicklingError):
            torch.load(io.BytesIO(data))


@pytest.mark.parametrize("ops,match", [
    (b"ctorch\nSize\n(K\x01K\x02l\x85R(K\x00K\x05u.", "SETITEMS"),  # on a Size
    (b"]ctorch\nSize\n)R\x85.", "torch.Size called with"),  # Size() without its tuple
    (b"ctorch\nSize\n(K\x01X\x01\x00\x00\x00at\x85R.", "torch.Size called with"),
    (b"ccollections\nOrderedDict\nctorch\nfloat32\n\x85R.", "OrderedDict called with"),
    (b"cbuiltins\nbytearray\nJ\x00\xe1\xf5\x05\x85R.", "bytearray called with"),  # bytearray(10**8)
    (b"cbuiltins\nset\n]ctorch\nfloat32\na\x85R\x85.", None),  # allowed: a set of dtypes
])
def test_builtin_globals_check_their_arguments(ops, match):
    data = checkpoint(b"\x80\x02" + ops)
    if match is None:
        assert _load(data) == ({npgrad.float32},)
        return
    with pytest.raises(ERRORS, match=match):
        _load(data)


def test_rebuild_tensor_v3_honours_its_dtype():
    """v3 views an untyped (byte) storage as its dtype argument; torch reads the same bytes the same way."""
    raw = np.array([1.5, -2.0, 3.25], dtype=np.float32).tobytes() + np.array([7, -1], dtype=np.int16).tobytes()
    for dt, size, offset, expect in (("float32", (3,), 0, [1.5, -2.0, 3.25]), ("int16", (2,), 6, [7, -1]),
                                     ("float64", (1,), 0, None)):
        pkl = tensor_pickle(storage="torch.storage.UntypedStorage", numel=len(raw), size=size, offset=offset,
                            rebuild="_rebuild_tensor_v3", extra=b"ctorch\n" + dt.encode() + b"\n")
        data = checkpoint(pkl, {"0": raw})
        ours, theirs = _load(data), torch.load(io.BytesIO(data))
        assert str(ours.dtype) == "npgrad." + dt and str(theirs.dtype) == "torch." + dt
        assert ours.tolist() == theirs.tolist()
        if expect is not None:
            assert ours.tolist() == expect


def test_requires_grad_and_hooks_arguments_are_type_checked():
    data = checkpoint(tensor_pickle().replace(b"\x89ccollections", b"K\x05ccollections"),
                      {"0": b"\0" * 16})
    with pytest.raises(pickle.UnpicklingError, match="requires_grad must be a bool"):
        _load(data)
    hooks = tensor_pickle().replace(b"OrderedDict\n)R", b"OrderedDict\n)R(K\x01K\x02u")
    with pytest.raises(pickle.UnpicklingError, match="backward hooks"):
        _load(checkpoint(hooks, {"0": b"\0" * 16}))


def test_errors_name_the_record_and_are_never_numpy_or_memory_errors():
    cases = [checkpoint(tensor_pickle(stride=(2 ** 62,), size=(3,)), {"0": b"\0" * 16}),
             checkpoint(tensor_pickle(size=(2 ** 40, 2 ** 40), stride=(1, 1)), {"0": b"\0" * 16}),
             checkpoint(tensor_pickle(storage="FloatStorage", numel=3), {"0": b"\0" * 12 + b"\0"}),
             checkpoint(tensor_pickle(key="../../etc/passwd"), {"0": b"\0" * 16}),
             checkpoint(tensor_pickle(key="1"), {"0": b"\0" * 16}),
             checkpoint(b"\x80\x02J\xff\xff\xff\xff\x94h\x00."),  # MEMOIZE of a negative... then GET of a hole
             checkpoint(b"\x80\x02(((((((((((((."),
             checkpoint(b"\x80\x02\x8e" + (2 ** 62).to_bytes(8, "little") + b"."),  # BINBYTES8 of 4 EiB
             checkpoint(b"\x80\x02\x8b\xff\xff\xff\x7f."),  # LONG4 of 2 GiB
             checkpoint(b"\x80\x02X\xff\xff\xff\xff."),
             checkpoint(b"\x80\x02ctorch\n" + b"a" * 100_000 + b"\n."),
             checkpoint(b"\x80\x02K\x01K\x02s."),
             checkpoint(b"\x80\x02" + b"]" * 10 + b"0" * 20 + b".")]
    for data in cases:
        with pytest.raises(ERRORS) as info:
            _load(data)
        msg = str(info.value)
        assert "data.pkl" in msg or "archive/data/" in msg, msg
        assert len(msg) < 2000


def test_a_non_seekable_stream_is_read_in_bounded_steps():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self.src = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, b):
            chunk = self.src.read(min(len(b), 1000))
            b[:len(chunk)] = chunk
            return len(chunk)
    for legacy in (False, True):
        buf = io.BytesIO()
        torch.save({"x": torch.arange(10.)}, buf, _use_new_zipfile_serialization=not legacy)
        assert npgrad.load(io.BufferedReader(Pipe(buf.getvalue())))["x"].tolist() == list(range(10))


def test_loaded_overlapping_tensors_refuse_in_place_writes(tmp_path):
    """A tensor saved from an ``expand`` comes back with stride 0: an in-place op on it is refused as in torch
    (it would silently write one value several times)."""
    for legacy in (False, True):
        torch.save({"e": torch.arange(3.).expand(4, 3), "base": torch.ones(2)}, tmp_path / "e.pt",
                   _use_new_zipfile_serialization=not legacy)
        theirs, ours = torch.load(tmp_path / "e.pt"), npgrad.load(tmp_path / "e.pt")
        assert ours["e"].stride() == theirs["e"].stride() == (0, 1)
        for op in (lambda t: t.add_(1), lambda t: t.mul_(2), lambda t: t.copy_(t.clone())):
            with pytest.raises(RuntimeError, match="more than one element of the written-to tensor") as a:
                op(theirs["e"])
            with pytest.raises(RuntimeError, match="more than one element of the written-to tensor") as b:
                op(ours["e"])
            assert str(a.value) == str(b.value)
        assert ours["e"].tolist() == theirs["e"].tolist() == [[0.0, 1.0, 2.0]] * 4
        ours["base"].add_(1)  # tensors without overlap stay writable
        assert ours["base"].tolist() == [2.0, 2.0]


def test_random_and_endless_streams_fail_at_once():
    rc, base, end, out = peak_memory("""
import pickle
for _ in range(20):
    try:
        npgrad.load('/dev/urandom')
    except (pickle.UnpicklingError, RuntimeError, EOFError) as e:
        pass
print('DONE')
""", timeout=120, limit_bytes=2 << 30)
    assert rc == 0 and "DONE" in out, out
    assert end - base < 16 * MB, out


def test_map_location_follows_torch_on_a_cpu_only_machine():
    raw = {"0": np.arange(4, dtype=np.float32).tobytes()}
    gpu = checkpoint(tensor_pickle().replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0"), raw)
    seen = []
    for ml in (None, "cpu", torch.device("cpu"), {"cuda:0": "cpu"}, {"cuda:1": "cpu"}, lambda s, loc: s,
               lambda s, loc: None, lambda s, loc: seen.append(loc)):
        nml = npgrad.device("cpu") if isinstance(ml, torch.device) else ml
        try:
            expect = torch.load(io.BytesIO(gpu), map_location=ml).tolist()
        except RuntimeError as e:
            with pytest.raises(RuntimeError) as info:
                _load(gpu, map_location=nml)
            assert str(info.value).endswith(str(e))  # ours names the record in front
        else:
            assert _load(gpu, map_location=nml).tolist() == expect
    assert seen == ["cuda:0", "cuda:0"]  # torch's call, then ours
    cpu = checkpoint(tensor_pickle(), raw)
    assert _load(cpu, map_location={"cuda:0": "cpu"}).tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(RuntimeError, match="map_location returned"):
        _load(cpu, map_location=lambda s, loc: 5)
