"""Loading costs the tensors' own size, saving streams, and mmap=True maps: measured from the kernel's peak RSS
(VmHWM) of a fresh interpreter."""
import os

import numpy as np
import pytest
import torch

import npgrad

from ._helpers import peak_memory

MB = 1 << 20
SIZE = 256 * MB  # the tensors of the state dict, as in the issue


def _make_state_dict(path, legacy=False):
    return f"""
import collections, numpy as np
sd = collections.OrderedDict()
for i in range(8):  # 8 tensors of 32 MB
    sd[f"layer{{i}}.weight"] = npgrad.tensor(np.full((2048, 4096), i, dtype=np.float32))
npgrad.save(sd, {str(path)!r}, _use_new_zipfile_serialization={not legacy})
"""


@pytest.fixture(scope="module")
def big_checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "sd.pt"
    rc, base, end, out = peak_memory(_make_state_dict(path))
    assert rc == 0, out
    return path, base, end


def test_saving_streams_the_records(big_checkpoint):
    """The tensors (256 MB) are written from their memory: no copy of the file is built."""
    path, base, end = big_checkpoint
    assert os.path.getsize(path) >= SIZE
    assert end - base <= 1.15 * SIZE, (base, end)


@pytest.mark.parametrize("legacy", [False, True])
def test_loading_costs_the_tensors_size(tmp_path, big_checkpoint, legacy):
    path = big_checkpoint[0]
    if legacy:
        path = tmp_path / "legacy.pt"
        rc, _, _, out = peak_memory(_make_state_dict(path, legacy=True))
        assert rc == 0, out
    rc, base, end, out = peak_memory(f"""
sd = npgrad.load({str(path)!r})
assert all(float(sd[f"layer{{i}}.weight"][-1, -1]) == i for i in range(8))
print("BYTES", sum(t.numpy().nbytes for t in sd.values()))
""")
    assert rc == 0, out
    assert int(out.split("BYTES")[1].split()[0]) == SIZE
    print(f"peak RSS loading a 256 MB state dict ({'legacy' if legacy else 'zip'}): {end / MB:.0f} MB in all, "
          f"{(end - base) / MB:.0f} MB above the interpreter's {base / MB:.0f} MB; {end / SIZE:.2f}x the tensors")
    assert end <= 1.35 * SIZE, (base, end)
    assert end - base <= 1.1 * SIZE, (base, end)


def test_mmap_maps_instead_of_reading(big_checkpoint):
    path = big_checkpoint[0]
    rc, base, end, out = peak_memory(f"""
sd = npgrad.load({str(path)!r}, mmap=True)
w = sd["layer3.weight"]
assert float(w[5, 7]) == 3.0 and tuple(w.shape) == (2048, 4096)
w[0, 0] = 42.0  # copy-on-write: the tensor changes, the file does not
assert float(w[0, 0]) == 42.0
""")
    assert rc == 0, out
    assert end - base < 48 * MB, (base, end)
    assert npgrad.load(path, mmap=True)["layer3.weight"][0, 0].item() == 3.0


def test_mmap_values_and_arguments(tmp_path):
    content = {"a": npgrad.arange(10.), "v": npgrad.arange(12).reshape(3, 4)[:, 1::2],
               "h": npgrad.ones(3, dtype=npgrad.float16), "e": npgrad.zeros(0, 4)}
    npgrad.save(content, tmp_path / "a.pt")
    torch.save({k: torch.tensor(v.numpy()) for k, v in content.items()}, tmp_path / "b.pt")
    for name in ("a.pt", "b.pt"):
        back = npgrad.load(tmp_path / name, mmap=True)
        for k, v in content.items():
            assert back[k].tolist() == v.tolist() and back[k].dtype == v.dtype
            assert type(back[k].numpy()) is np.ndarray
    with open(tmp_path / "a.pt", "rb") as f:
        with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
            npgrad.load(f, mmap=True)
        f.seek(0)
        with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
            torch.load(f, mmap=True)
    npgrad.save(content, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used with files saved with"):
        npgrad.load(tmp_path / "old.pt", mmap=True)


def test_loading_from_a_pipe_spools_instead_of_holding_the_stream(tmp_path, big_checkpoint):
    """A zip checkpoint arriving through a FIFO (non-seekable) is spooled to a temporary file past a bound:
    memory holds the tensors and at most the spool's in-memory part, never a second copy of the stream."""
    path = big_checkpoint[0]
    fifo = tmp_path / "ck.fifo"
    os.mkfifo(fifo)
    rc, base, end, out = peak_memory(f"""
import shutil, threading
def feed():
    with open({str(path)!r}, "rb") as src, open({str(fifo)!r}, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
t = threading.Thread(target=feed); t.start()
sd = npgrad.load({str(fifo)!r})
t.join()
assert all(float(sd[f"layer{{i}}.weight"][-1, -1]) == i for i in range(8))
""")
    assert rc == 0, out
    assert end - base <= 1.1 * SIZE + 64 * MB, (base, end)
