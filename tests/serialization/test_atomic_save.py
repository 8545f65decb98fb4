"""Saving to a path is atomic: a failure of any kind leaves the previous checkpoint intact and no temporary file."""
import io
import os
import signal
import stat
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import npgrad
import npgrad.serialization._files as files

from ._helpers import ROOT


def _old(path):
    npgrad.save({"w": npgrad.arange(5.)}, path)
    return path.read_bytes()


class _Boom(Exception):
    pass


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("exc", [_Boom, KeyboardInterrupt])
def test_a_failure_while_writing_keeps_the_old_file(tmp_path, monkeypatch, legacy, exc):
    path = tmp_path / "ckpt.pt"
    before = _old(path)
    real = files._array_chunks

    def failing(arr):  # the first chunk is written, then the failure
        for i, chunk in enumerate(real(arr)):
            if i == 1:
                raise exc()
            yield chunk
    monkeypatch.setattr(files, "CHUNK", 1024)
    monkeypatch.setattr(files, "_array_chunks", failing)
    with pytest.raises(exc):
        npgrad.save({"w": npgrad.zeros(10_000)}, path, _use_new_zipfile_serialization=not legacy)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.pt"]
    assert npgrad.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_failed_fsync_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    before = _old(path)

    def no_sync(fd):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(os, "fsync", no_sync)
    with pytest.raises(RuntimeError, match="Input/output error.*unchanged"):
        npgrad.save({"w": npgrad.zeros(3)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]


def test_an_interrupt_from_outside_keeps_the_old_file(tmp_path):
    """A real SIGINT while a 64 MB checkpoint is being written: the previous file survives, whole."""
    path = tmp_path / "ckpt.pt"
    before = _old(path)
    code = f"""
import os, signal, sys, threading
sys.path.insert(0, {os.path.join(ROOT, 'src')!r})
import npgrad
import npgrad.serialization._files as files
real = files._array_chunks
def slow(arr):
    for i, chunk in enumerate(real(arr)):
        if i == 2:
            os.kill(os.getpid(), signal.SIGINT)  # arrives while the record is half written
        yield chunk
files._array_chunks = slow
try:
    npgrad.save({{"w": npgrad.zeros(16 * 2**20)}}, {str(path)!r})
except KeyboardInterrupt:
    print("INTERRUPTED")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "INTERRUPTED" in out.stdout, out.stderr
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]


@pytest.fixture
def small_tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a 1 MB tmpfs needs root (CI runs as root)")
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True,
                       text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=True)


@pytest.mark.parametrize("legacy", [False, True])
def test_a_full_disk_keeps_the_old_file(small_tmpfs, legacy):
    path = small_tmpfs / "ckpt.pt"
    before = _old(path)
    with pytest.raises((RuntimeError, OSError), match="No space left on device"):
        npgrad.save({"w": npgrad.ones(512 * 1024)}, path, _use_new_zipfile_serialization=not legacy)  # 2 MB
    assert path.read_bytes() == before
    assert os.listdir(small_tmpfs) == ["ckpt.pt"]
    assert npgrad.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    # torch itself truncates the old file in this situation; the same save fits once there is room
    npgrad.save({"w": npgrad.ones(1000)}, path, _use_new_zipfile_serialization=not legacy)
    assert torch.load(path)["w"].tolist() == [1.0] * 1000


def test_permissions_and_symlinks_are_kept(tmp_path):
    path = tmp_path / "ckpt.pt"
    _old(path)
    os.chmod(path, 0o640)
    npgrad.save({"w": npgrad.ones(2)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    link = tmp_path / "latest.pt"
    os.symlink(path, link)
    npgrad.save({"w": npgrad.zeros(2)}, link)  # written through the link, as open() would
    assert os.path.islink(link) and npgrad.load(path)["w"].tolist() == [0.0, 0.0]
    fresh = tmp_path / "new.pt"
    npgrad.save({"w": npgrad.ones(1)}, str(fresh))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o666 & ~umask


def test_devices_and_missing_directories(tmp_path):
    npgrad.save({"w": npgrad.ones(2)}, "/dev/null")  # a character device is written in place, as torch
    assert os.path.exists("/dev/null") and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    with pytest.raises(RuntimeError, match="Parent directory .*nowhere does not exist"):
        npgrad.save({"w": npgrad.ones(2)}, tmp_path / "nowhere" / "x.pt")
    with pytest.raises(RuntimeError, match="Parent directory"):
        torch.save({"w": torch.ones(2)}, tmp_path / "nowhere" / "x.pt")


def test_saving_to_open_file_objects_keeps_working(tmp_path):
    class Sink(io.RawIOBase):  # write-only, no seek, no tell: a pipe or a socket
        def __init__(self):
            self.parts = []

        def writable(self):
            return True

        def write(self, b):
            self.parts.append(bytes(b))
            return len(b)
    for legacy in (False, True):
        content = {"w": npgrad.arange(6.).reshape(2, 3), "t": npgrad.arange(6.).reshape(2, 3).t()}
        sink = Sink()
        npgrad.save(content, sink, _use_new_zipfile_serialization=not legacy)
        data = b"".join(sink.parts)
        back = torch.load(io.BytesIO(data))
        assert back["w"].tolist() == [[0, 1, 2], [3, 4, 5]] and back["t"].tolist() == [[0, 3], [1, 4], [2, 5]]
        assert npgrad.load(io.BytesIO(data))["t"].tolist() == [[0, 3], [1, 4], [2, 5]]
        with open(tmp_path / "f.pt", "wb") as f:
            f.write(b"")
            npgrad.save(content, f, _use_new_zipfile_serialization=not legacy)
        assert torch.load(tmp_path / "f.pt")["w"].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_storages_are_aligned_and_streamed_unchanged(tmp_path):
    """Every storage record starts at a multiple of 64 (torch's alignment, needed for mmap)."""
    import zipfile
    arrays = {f"a{i}": npgrad.tensor(np.arange(i + 1, dtype=np.float64)) for i in range(7)}
    arrays["half"] = npgrad.ones(3, dtype=npgrad.float16)
    npgrad.save(arrays, tmp_path / "a.pt")
    raw = (tmp_path / "a.pt").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.pt") as zf:
        for info in zf.infolist():
            if "/data/" in info.filename:
                n, e = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
                assert (info.header_offset + 30 + int(n) + int(e)) % 64 == 0, info.filename
    back = torch.load(tmp_path / "a.pt")
    assert all(back[k].tolist() == v.tolist() for k, v in arrays.items())


def test_pickle_protocol_and_module_are_checked(tmp_path):
    for proto in (2, 3, 4, 5):
        npgrad.save({"x": npgrad.ones(2)}, tmp_path / "p.pt", pickle_protocol=proto)
        for lib in (torch, npgrad):  # both warn about a protocol other than 2 when loading weights only
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                assert lib.load(tmp_path / "p.pt")["x"].tolist() == [1.0, 1.0]
            assert [str(w.message)[:30] for w in seen] == (["Detected pickle protocol %d in " % proto]
                                                          if proto != 2 else [])
    with pytest.raises(ValueError, match="pickle_protocol"):
        npgrad.save({"x": npgrad.ones(2)}, tmp_path / "p.pt", pickle_protocol=1)
    import json
    with pytest.raises(TypeError, match="pickle_module"):
        npgrad.save({"x": npgrad.ones(2)}, tmp_path / "p.pt", pickle_module=json)


def test_legacy_checkpoints_follow_each_other_in_one_stream():
    for lib in (torch, npgrad):
        f = io.BytesIO()
        lib.save({"a": lib.ones(2)}, f, _use_new_zipfile_serialization=False)
        lib.save({"b": lib.zeros(3)}, f, _use_new_zipfile_serialization=False)
        f.seek(0)
        first, second = npgrad.load(f), npgrad.load(f)
        assert first["a"].tolist() == [1.0, 1.0] and second["b"].tolist() == [0.0, 0.0, 0.0]
        assert f.tell() == len(f.getvalue())
