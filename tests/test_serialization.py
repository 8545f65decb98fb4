"""npgrad.save / npgrad.load against torch.save / torch.load: both directions, both formats, hostile files."""
import collections
import io
import os
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch

import npgrad

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _describe(obj):
    """A framework-neutral description: tensors by dtype, shape, stride, values and requires_grad."""
    if isinstance(obj, (torch.Tensor, npgrad.Tensor)):
        return ("Tensor", str(obj.dtype).split(".")[-1], tuple(obj.shape), tuple(obj.stride()),
                obj.detach().numpy().tolist(), obj.requires_grad, type(obj).__name__)
    if isinstance(obj, (torch.dtype, npgrad.dtype)):
        return ("dtype", str(obj).split(".")[-1])
    if isinstance(obj, (torch.Size, npgrad.Size)):
        return ("Size", tuple(obj))
    if isinstance(obj, (torch.device, npgrad.device)):
        return ("device", str(obj))
    if isinstance(obj, dict):
        meta = _describe(getattr(obj, "_metadata", None))
        return (type(obj).__name__, [(k, _describe(v)) for k, v in obj.items()], meta)
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [_describe(v) for v in obj])
    if isinstance(obj, set):
        return ("set", sorted(obj))
    return (type(obj).__name__, obj)


def _content(m):
    """The same checkpoint content built with npgrad or torch."""
    rng = np.random.default_rng(0)
    base = m.tensor(rng.standard_normal((3, 4)).astype(np.float32))
    sd = collections.OrderedDict([("layer.weight", m.tensor(rng.standard_normal((2, 3)))),
                                  ("layer.bias", m.zeros(2)), ("bn.num_batches_tracked", m.tensor(7))])
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("layer", {"version": 2})])
    obj = {
        "state_dict": sd,
        "dtypes": {name: m.tensor(rng.integers(0, 2, 5)).to(getattr(m, name)) for name in DTYPES},
        "views": {"base": base, "slice": base[1:, ::2], "t": base.t(), "row": base[2],
                  "expand": m.ones(1, 3).expand(4, 3)},
        "scalar": m.tensor(2.5, dtype=m.float64), "empty": m.zeros(0, 5), "grad": m.ones(3, requires_grad=True),
        "numbers": [1, -7, 2 ** 40, -2 ** 70, 0.1, float("inf"), True, None],
        "text": ("str", "ünïcode", b"\x00\xffb"),
        "nested": {"a": [{"b": (1, [2, {"c": m.arange(3)}])}]}, "size": m.Size([2, 3]), "dtype": m.float16,
        "device": m.device("cpu"), "set": {3, 1, 2}, "int_keys": {0: "zero", 5: "five"},
    }
    obj["same_tensor_twice"] = [obj["empty"], obj["empty"]]
    return obj


def test_npgrad_save_then_torch_load(tmp_path):
    path = tmp_path / "ours.pt"
    npgrad.save(_content(npgrad), path)
    assert zipfile.is_zipfile(path)
    loaded = torch.load(path, weights_only=True)
    assert _describe(loaded) == _describe(_content(torch))
    views = loaded["views"]  # views still share their storage, as torch's own checkpoints do
    assert views["slice"].untyped_storage().data_ptr() == views["base"].untyped_storage().data_ptr()
    assert views["row"].storage_offset() == 8


def test_torch_save_then_npgrad_load(tmp_path):
    path = tmp_path / "theirs.pt"
    torch.save(_content(torch), path)
    loaded = npgrad.load(path)
    assert _describe(loaded) == _describe(_content(npgrad))
    views = loaded["views"]
    assert np.shares_memory(views["slice"].numpy(), views["base"].numpy())
    views["base"][1, 0] = 100.0  # writable, and the view sees it
    assert float(views["slice"][0, 0]) == 100.0


def test_round_trips_through_files_and_buffers(tmp_path):
    content = _content(npgrad)
    buf = io.BytesIO()
    npgrad.save(content, buf)
    buf.seek(0)
    assert _describe(npgrad.load(buf)) == _describe(content)
    npgrad.save(content, str(tmp_path / "a.pt"))
    with open(tmp_path / "a.pt", "rb") as f:
        assert _describe(npgrad.load(f, map_location="cpu")) == _describe(content)


def test_legacy_format_both_ways(tmp_path):
    torch.save(_content(torch), tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    assert _describe(npgrad.load(tmp_path / "old.pt")) == _describe(_content(npgrad))
    npgrad.save(_content(npgrad), tmp_path / "old2.pt", _use_new_zipfile_serialization=False)
    assert not zipfile.is_zipfile(tmp_path / "old2.pt")
    assert _describe(torch.load(tmp_path / "old2.pt", weights_only=True)) == _describe(_content(torch))


def test_parameters_and_module_state_dicts(tmp_path):
    p = npgrad.nn.Parameter(npgrad.ones(2, 2))
    npgrad.save({"p": p, "frozen": npgrad.nn.Parameter(npgrad.zeros(1), requires_grad=False)}, tmp_path / "p.pt")
    loaded = torch.load(tmp_path / "p.pt", weights_only=True)
    assert isinstance(loaded["p"], torch.nn.Parameter) and loaded["p"].requires_grad
    assert not loaded["frozen"].requires_grad
    torch.save({"p": torch.nn.Parameter(torch.ones(2))}, tmp_path / "tp.pt")
    back = npgrad.load(tmp_path / "tp.pt")
    assert type(back["p"]).__name__ == "Parameter" and back["p"].requires_grad

    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    torch.save(tmodel.state_dict(), tmp_path / "model.pt")
    sd = npgrad.load(tmp_path / "model.pt")
    assert list(sd) == list(tmodel.state_dict()) and sd._metadata == tmodel.state_dict()._metadata
    model = npgrad.nn.Sequential(npgrad.nn.Linear(3, 4), npgrad.nn.BatchNorm1d(4))
    model.load_state_dict(sd)
    npgrad.save(model.state_dict(), tmp_path / "ours.pt")
    tmodel2 = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    tmodel2.load_state_dict(torch.load(tmp_path / "ours.pt", weights_only=True))
    for (k, a), (_, b) in zip(tmodel.state_dict().items(), tmodel2.state_dict().items()):
        assert torch.equal(a, b), k


@pytest.mark.parametrize("name,kw", [("Adam", dict(lr=0.1, amsgrad=True)), ("SGD", dict(lr=0.1, momentum=0.9)),
                                     ("NAdam", dict(lr=0.1))])
def test_optimizer_state_dicts_cross_over(tmp_path, name, kw):
    """An optimizer checkpoint written by one framework resumes in the other exactly where it left off."""
    init = np.array([1.0, -2.0, 0.5])

    def run(m, steps, opt=None, w=None):
        if w is None:
            w = m.tensor(init.copy(), requires_grad=True)
            opt = getattr(m.optim, name)([w], **kw)
        for _ in range(steps):
            opt.zero_grad()
            (w ** 4).sum().backward()
            opt.step()
        return w, opt
    # reference: torch -> torch (loading casts state such as NAdam's float32 mu_product to the parameter dtype)
    results = {}
    for m_from, m_to in ((torch, torch), (npgrad, torch), (torch, npgrad), (npgrad, npgrad)):
        w, opt = run(m_from, 3)
        m_from.save({"opt": opt.state_dict(), "w": w.detach()}, tmp_path / "ckpt.pt")
        ck = m_to.load(tmp_path / "ckpt.pt", weights_only=True)
        w2 = ck["w"].clone().requires_grad_(True)
        opt2 = getattr(m_to.optim, name)([w2], **kw)
        opt2.load_state_dict(ck["opt"])
        run(m_to, 3, opt2, w2)
        results[m_from.__name__, m_to.__name__] = w2.detach().numpy()
    for key, value in results.items():
        np.testing.assert_allclose(value, results["torch", "torch"], rtol=1e-12, err_msg=str(key))


class Box:  # a module-level class: saved by reference, loadable only with weights_only=False
    def __init__(self, value):
        self.value = value


def test_arbitrary_objects_need_weights_only_false(tmp_path):
    npgrad.save({"box": Box(npgrad.ones(2))}, tmp_path / "box.pt")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        npgrad.load(tmp_path / "box.pt")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / "box.pt", weights_only=True)
    ours = npgrad.load(tmp_path / "box.pt", weights_only=False)["box"]
    theirs = torch.load(tmp_path / "box.pt", weights_only=False)["box"]
    assert isinstance(ours.value, npgrad.Tensor) and isinstance(theirs.value, torch.Tensor)
    assert ours.value.tolist() == theirs.value.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------- hostile files

def _zip_with(pickle_bytes, records=None):
    """A torch-layout archive around a hand-made data.pkl (CRCs valid: only the pickle is hostile)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", pickle_bytes)
        zf.writestr("archive/byteorder", b"little")
        for name, data in (records or {}).items():
            zf.writestr("archive/data/" + name, data)
        zf.writestr("archive/version", b"3\n")
    return buf.getvalue()


def _hostile_pickles(sentinel):
    cmd = f"touch {sentinel}".encode()
    system = b"cos\nsystem\n(X" + len(cmd).to_bytes(4, "little") + cmd + b"tR."
    return {
        "reduce-os-system": b"\x80\x02" + system,
        "posix-system": b"\x80\x02cposix\nsystem\n(X" + len(cmd).to_bytes(4, "little") + cmd + b"tR.",
        "builtins-eval": b"\x80\x02cbuiltins\neval\n(" + pickle.dumps(f"__import__('os').system('touch {sentinel}')",
                                                                    2)[2:-1] + b"tR.",
        "stack-global": b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c" + bytes([len(cmd)]) + cmd + b"\x85R.",
        "inst-opcode": b"(X" + len(cmd).to_bytes(4, "little") + cmd + b"ios\nsystem\n.",
        "obj-opcode": b"\x80\x02(cos\nsystem\nX" + len(cmd).to_bytes(4, "little") + cmd + b"o.",
        "nested-in-dict": b"\x80\x02}(X\x01\x00\x00\x00a" + system[:-1] + b"u.",
        "getattr-chain": b"\x80\x02cbuiltins\ngetattr\n(ccollections\nOrderedDict\nX\x07\x00\x00\x00__new__tR.",
        "codecs-not-latin1": b"\x80\x02c_codecs\nencode\n(X\x01\x00\x00\x00aX\x05\x00\x00\x00utf_7tR.",
        "build-on-size": b"\x80\x02ctorch\nSize\n((K\x01tt" + b"R}X\x01\x00\x00\x00xK\x01sb.",
        "ext-opcode": b"\x80\x02\x82\x01.",
    }


def test_hostile_pickles_do_run_under_plain_pickle(tmp_path):
    """The payloads below are real: plain pickle.loads runs the command of most of them."""
    sentinel = tmp_path / "pwned"
    ran = 0
    for name, pkl in _hostile_pickles(sentinel).items():
        try:
            pickle.loads(pkl)
        except Exception:
            pass
        ran += sentinel.exists()
        if sentinel.exists():
            sentinel.unlink()
    assert ran >= 7


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # one payload is a protocol-4 pickle
@pytest.mark.parametrize("fmt", ["zip", "legacy", "bare"])
def test_malicious_pickles_are_refused_without_running(tmp_path, fmt):
    sentinel = tmp_path / "pwned"
    sys_info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}
    legacy_head = b"".join(pickle.dumps(x, 2) for x in (0x1950A86A20F9469CFC6C, 1001, sys_info))
    for name, pkl in _hostile_pickles(sentinel).items():
        data = {"zip": _zip_with(pkl), "legacy": legacy_head + pkl, "bare": pkl}[fmt]
        with pytest.raises((pickle.UnpicklingError, RuntimeError)) as info:
            npgrad.load(io.BytesIO(data))
        if fmt != "bare":
            assert isinstance(info.value, pickle.UnpicklingError), name
        assert not sentinel.exists(), f"{name} ran code"


def test_torch_saved_malicious_object_is_refused(tmp_path):
    sentinel = tmp_path / "pwned2"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {sentinel}",))
    for legacy in (False, True):
        torch.save({"x": torch.ones(2), "evil": Evil()}, tmp_path / "evil.pt",
                   _use_new_zipfile_serialization=not legacy)
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
            npgrad.load(tmp_path / "evil.pt")
        assert not sentinel.exists()


def test_out_of_bounds_tensor_metadata_is_refused():
    """A tensor whose size/stride/offset reach outside its storage must not read other memory."""
    for size, stride, offset in (((100,), (1,), 0), ((2, 2), (4, 1), 0), ((4,), (1,), 1), ((2,), (-1,), 3)):
        pkl = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
               b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ" + pickle.dumps(offset, 2)[2:-1]
               + pickle.dumps(size, 2)[2:-1] + pickle.dumps(stride, 2)[2:-1]
               + b"\x89ccollections\nOrderedDict\n)RtR.")
        data = _zip_with(pkl, {"0": np.arange(4, dtype=np.float32).tobytes()})
        with pytest.raises(RuntimeError, match="corrupted"):
            npgrad.load(io.BytesIO(data))
    # the storage record shorter than its declared element count
    pkl = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
           b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK\x00K\x04\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR.")
    with pytest.raises(RuntimeError, match="truncated or corrupted"):
        npgrad.load(io.BytesIO(_zip_with(pkl, {"0": b"\x00" * 12})))


def test_truncated_and_corrupted_files_raise_and_never_half_load(tmp_path):
    w = npgrad.ones(3, requires_grad=True)
    opt = npgrad.optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    buf = io.BytesIO()
    npgrad.save({"opt": opt.state_dict(), "w": w.detach(), "pad": npgrad.arange(100.)}, buf)
    good = buf.getvalue()
    torch_buf = io.BytesIO()
    torch.save({"x": torch.arange(50.), "y": [1, 2]}, torch_buf)
    fresh = npgrad.optim.Adam([npgrad.ones(3, requires_grad=True)], lr=0.1)
    for blob in (good, torch_buf.getvalue()):
        for cut in list(range(0, len(blob), 23)) + [len(blob) - 1]:
            with pytest.raises((RuntimeError, EOFError, pickle.UnpicklingError)):
                fresh.load_state_dict(npgrad.load(io.BytesIO(blob[:cut]))["opt"])
        for pos in range(0, len(blob), 97):  # a flipped byte anywhere: CRC, header or pickle checks catch it
            bad = bytearray(blob)
            bad[pos] ^= 0x5A
            try:
                npgrad.load(io.BytesIO(bytes(bad)))
            except (RuntimeError, EOFError, pickle.UnpicklingError):
                pass
    assert len(fresh.state) == 0 and fresh.param_groups[0]["lr"] == 0.1
    with pytest.raises(EOFError):
        npgrad.load(io.BytesIO(b""))
    with pytest.raises(RuntimeError, match="Invalid magic number"):
        npgrad.load(io.BytesIO(b"hello world" * 10))
    legacy = io.BytesIO()
    torch.save({"x": torch.arange(50.)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="truncated"):
        npgrad.load(io.BytesIO(legacy.getvalue()[:-8]))


def test_crc_mismatch_in_a_storage_is_detected():
    buf = io.BytesIO()
    npgrad.save({"x": npgrad.ones(8)}, buf)
    raw = bytearray(buf.getvalue())
    pos = raw.find(np.ones(8, dtype=np.float32).tobytes())
    raw[pos + 5] ^= 1
    with pytest.raises(RuntimeError, match="corrupted"):
        npgrad.load(io.BytesIO(bytes(raw)))


def test_import_stays_light():
    """serialization imports zipfile & co. only when used."""
    code = "import sys, npgrad; print('zipfile' in sys.modules, 'json' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=os.path.dirname(npgrad.__path__[0])))
    assert out.stdout.split() == ["False", "False"], out.stderr
