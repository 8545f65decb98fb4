"""Checkpoints of whole objects the torch 2.6+ way: add_safe_globals/safe_globals, models and NumPy values, torch
as the oracle in both directions."""
import io
import re

import numpy as np
import pytest
import torch

import npgrad
from npgrad.serialization import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals


@pytest.fixture(autouse=True)
def _clean():
    clear_safe_globals()
    torch.serialization.clear_safe_globals()
    yield
    clear_safe_globals()
    torch.serialization.clear_safe_globals()


class Point:  # module-level: picklable by reference
    def __init__(self, x, y):
        self.x, self.y = x, y


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a, self.b = a, b


class WithState:
    def __init__(self, v):
        self.v = v

    def __getstate__(self):
        return {"v2": self.v * 2}

    def __setstate__(self, state):
        self.v = state["v2"] // 2


def test_the_api_mirrors_torch():
    assert get_safe_globals() == [] and torch.serialization.get_safe_globals() == []
    for lib in (npgrad, torch):
        lib.serialization.add_safe_globals([Point, (Slotted, "somewhere.Slotted")])
        lib.serialization.add_safe_globals([Point])
    assert get_safe_globals() == [Point, (Slotted, "somewhere.Slotted")]
    assert set(map(repr, torch.serialization.get_safe_globals())) == set(map(repr, get_safe_globals()))
    with safe_globals([WithState]):
        assert WithState in get_safe_globals()
    assert WithState not in get_safe_globals() and Point in get_safe_globals()
    clear_safe_globals()
    assert get_safe_globals() == []
    assert npgrad.serialization.safe_globals is safe_globals


def _message(fn):
    with pytest.raises(Exception) as info:
        fn()
    m = re.search(r"Unsupported global: GLOBAL (\S+) was not an allowed global by default\. Please use "
                  r"`torch\.serialization\.add_safe_globals\(\[(\S+)\]\)`", str(info.value))
    assert m is not None, str(info.value)
    assert m.group(1) == m.group(2)
    return type(info.value), m.group(1)


def test_errors_name_the_global_to_allow_as_torch_does(tmp_path):
    torch.save({"m": torch.nn.Linear(2, 2)}, tmp_path / "m.pt")
    torch.save({"a": np.arange(3.)}, tmp_path / "np.pt")
    torch.save({"p": Point(1, 2)}, tmp_path / "p.pt")
    for name in ("m.pt", "np.pt", "p.pt"):
        assert _message(lambda: npgrad.load(tmp_path / name)) == _message(lambda: torch.load(tmp_path / name))


def _models(m):
    return {
        "mlp": m.nn.Sequential(m.nn.Linear(4, 8), m.nn.ReLU(), m.nn.Dropout(0.0), m.nn.Linear(8, 2)),
        "conv": m.nn.Sequential(m.nn.Conv2d(1, 2, 3), m.nn.BatchNorm2d(2), m.nn.MaxPool2d(2), m.nn.Flatten()),
        "mha": m.nn.MultiheadAttention(4, 2, batch_first=True),
        "emb": m.nn.Sequential(m.nn.Embedding(10, 4), m.nn.LayerNorm(4)),
        "encoder": m.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0, batch_first=True),
        "lstm": m.nn.LSTM(4, 5, num_layers=2, batch_first=True),
    }


_INPUTS = {"mlp": [np.ones((2, 4))], "conv": [np.ones((1, 1, 6, 6))], "mha": [np.ones((1, 3, 4))] * 3,
           "emb": [np.array([[1, 2]])], "encoder": [np.ones((1, 3, 4))], "lstm": [np.ones((2, 3, 4))]}


def _globals_of(m, model):
    """The classes (and functions) a module's pickle names: what a user allows."""
    out = {set, type(model)}
    for sub in model.modules():
        out.add(type(sub))
        for v in vars(sub).values():
            if callable(v) and not isinstance(v, (m.nn.Module, type)) and hasattr(v, "__module__"):
                out.add(v)
    if m is torch:
        out |= {torch.nn.modules.linear.NonDynamicallyQuantizableLinear, getattr}
    return list(out)


def _run(m, model, key):
    args = [m.tensor(a) if a.dtype.kind == "i" else m.tensor(a, dtype=m.float32) for a in _INPUTS[key]]
    out = model.eval()(*args)
    while isinstance(out, tuple):
        out = out[0]
    return out.detach().numpy()


@pytest.mark.parametrize("key", list(_INPUTS))
@pytest.mark.parametrize("direction", ["npgrad->npgrad", "torch->npgrad", "npgrad->torch"])
def test_whole_models_load_under_safe_globals(tmp_path, key, direction):
    src, dst = (npgrad if direction.startswith("npgrad") else torch), (torch if direction.endswith("torch")
                                                                        else npgrad)
    ref = _models(torch)[key].eval()
    model = _models(src)[key]
    if src is npgrad:
        model.load_state_dict({k: npgrad.tensor(v.detach().numpy()) for k, v in ref.state_dict().items()})
    else:
        model = ref
    src.save(model, tmp_path / "model.pt")
    with pytest.raises(Exception, match="Unsupported global"):
        dst.load(tmp_path / "model.pt")
    with dst.serialization.safe_globals(_globals_of(dst, _models(dst)[key])):
        loaded = dst.load(tmp_path / "model.pt")
    assert type(loaded).__name__ == type(ref).__name__ and type(loaded).__module__.split(".")[0] == dst.__name__
    np.testing.assert_allclose(_run(dst, loaded, key), _run(torch, ref, key), rtol=1e-5, atol=1e-6)
    full = dst.load(tmp_path / "model.pt", weights_only=False)  # a trusted file, without the allowlist
    np.testing.assert_allclose(_run(dst, full, key), _run(torch, ref, key), rtol=1e-5, atol=1e-6)


def test_numpy_values_load_when_their_globals_are_allowed(tmp_path):
    content = {"a": np.arange(6.).reshape(2, 3), "i": np.arange(3, dtype=np.int32), "s": np.float64(2.5),
               "n": np.int64(-3), "w": torch.ones(2)}
    torch.save(content, tmp_path / "t.pt")
    npgrad.save({**content, "w": npgrad.ones(2)}, tmp_path / "n.pt")
    allowed = [np._core.multiarray._reconstruct, np.ndarray, np.dtype, np._core.multiarray.scalar,
               type(np.dtype(np.float64)), type(np.dtype(np.int32)), type(np.dtype(np.int64))]
    for name in ("t.pt", "n.pt"):
        with torch.serialization.safe_globals(allowed):
            theirs = torch.load(tmp_path / name)
        with safe_globals(allowed):
            ours = npgrad.load(tmp_path / name)
        for k in ("a", "i", "s", "n"):
            assert type(ours[k]) is type(theirs[k]) is type(content[k])
            np.testing.assert_array_equal(ours[k], theirs[k])
            assert np.asarray(ours[k]).dtype == np.asarray(content[k]).dtype
        assert ours["w"].tolist() == [1.0, 1.0]


def test_allowed_user_classes_are_rebuilt_as_torch_rebuilds_them(tmp_path):
    obj = {"p": Point(1, [2, 3]), "s": Slotted(4, "five"), "w": WithState(21)}
    torch.save(obj, tmp_path / "o.pt")
    for lib in (torch, npgrad):
        with pytest.raises(Exception, match="Unsupported global"):
            lib.load(tmp_path / "o.pt")
        with lib.serialization.safe_globals([Point, Slotted, WithState]):
            back = lib.load(tmp_path / "o.pt")
        assert (back["p"].x, back["p"].y, back["s"].a, back["s"].b, back["w"].v) == (1, [2, 3], 4, "five", 21)
    # allowed under another name: the tuple form
    npgrad.save({"p": Point(5, 6)}, tmp_path / "q.pt")
    raw = (tmp_path / "q.pt").read_bytes()
    name = f"{Point.__module__}\nPoint".encode()
    assert name in raw
    with safe_globals([(Point, f"{Point.__module__}.Point")]):
        assert npgrad.load(tmp_path / "q.pt")["p"].x == 5


def test_reduce_and_newobj_need_an_allowed_global():
    import pickle
    # NEWOBJ of an allowed class makes one; of an allowed function (not a class), refused
    for lib in (torch, npgrad):
        back = lib.load(io.BytesIO(_archive(b"\x80\x02ccollections\nOrderedDict\n)\x81.")))
        assert type(back).__name__ == "OrderedDict" and not back
    for pkl in (b"\x80\x02c_codecs\nencode\n)\x81.", b"\x80\x02ctorch._utils\n_rebuild_tensor\n)\x81."):
        with pytest.raises(pickle.UnpicklingError, match="Can only create new object"):
            npgrad.load(io.BytesIO(_archive(pkl)))
    with pytest.raises(pickle.UnpicklingError, match="not an allowed global"):
        npgrad.load(io.BytesIO(_archive(b"\x80\x02cnumpy\narange\nK\x03\x85R.")))
    # REDUCE of an allowed user function calls it
    with safe_globals([np.arange]):
        np.testing.assert_array_equal(npgrad.load(io.BytesIO(_archive(
            b"\x80\x02cnumpy\narange\nK\x03\x85R."))), np.arange(3))


def _archive(pkl):
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pkl)
        zf.writestr("archive/byteorder", b"little")
        zf.writestr("archive/version", b"3\n")
    return buf.getvalue()


def test_every_nn_class_is_named_by_torch_path_both_ways():
    """A pickle names a class by its module path: torch's path loads npgrad's class, npgrad's pickle names the
    class torch has at the same place."""
    from npgrad.serialization._globals import _resolve_npgrad
    checked, wrong = 0, []
    for name in dir(torch.nn):
        tc = getattr(torch.nn, name)
        nc = getattr(npgrad.nn, name, None)
        if not (isinstance(tc, type) and issubclass(tc, torch.nn.Module)) or nc is None:
            continue
        checked += 1
        if _resolve_npgrad(tc.__module__, tc.__qualname__) is not nc:
            wrong.append(f"{tc.__module__}.{name} does not load npgrad.nn.{name}")
        buf = io.BytesIO()
        npgrad.save(nc, buf)
        buf.seek(0)
        if torch.load(buf, weights_only=False) is not tc:
            wrong.append(f"npgrad.nn.{name} is not saved as torch's")
    for path in ("torch.nn.modules.linear.NonDynamicallyQuantizableLinear", "torch.nn.modules.rnn.LSTM",
                 "torch.nn.modules.activation.MultiheadAttention", "torch.nn.functional.relu"):
        module, _, name = path.rpartition(".")
        if _resolve_npgrad(module, name) is None:
            wrong.append(f"{path} has no npgrad counterpart")
    assert checked > 100 and wrong == []


def test_a_weights_only_load_imports_no_module_named_by_the_file():
    import subprocess
    import sys
    code = ("import io, sys, npgrad\n"
            "from tests.serialization._helpers import checkpoint\n"
            "npgrad.load  # loaded on first use (npgrad/_lazy.py), before the modules are counted\n"
            "before = set(sys.modules)\n"
            "for mod in (b'torch.distributed', b'torch.nn.parallel', b'os', b'torch.utils.data'):\n"
            "    try:\n"
            "        npgrad.load(io.BytesIO(checkpoint(b'\\x80\\x02c' + mod + b'\\nLinear\\n.')))\n"
            "    except Exception as e:\n"
            "        assert type(e).__name__ == 'UnpicklingError', e\n"
            "print(sorted(m for m in set(sys.modules) - before if m.startswith(('npgrad', 'mpi4py')) and not m.startswith('npgrad.serialization')))\n")
    from ._helpers import ROOT
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_unsafe_globals_in_a_checkpoint_are_listed_as_torch_lists_them(tmp_path):
    torch.save({"m": torch.nn.Linear(2, 2), "a": np.arange(3.), "p": Point(1, 2), "t": torch.ones(2)},
               tmp_path / "c.pt")
    ours = npgrad.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "c.pt")
    assert set(ours) == set(torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "c.pt"))
    assert f"{Point.__module__}.Point" in ours and "torch.nn.modules.linear.Linear" in ours
    with safe_globals([Point, npgrad.nn.Linear]):
        rest = npgrad.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "c.pt")
    assert set(rest) == set(ours) - {f"{Point.__module__}.Point", "torch.nn.modules.linear.Linear"}
    torch.save({"t": torch.ones(2)}, tmp_path / "plain.pt")
    with open(tmp_path / "plain.pt", "rb") as f:
        assert npgrad.serialization.get_unsafe_globals_in_checkpoint(f) == []
    torch.save({"t": torch.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(ValueError, match="Expected input to be a checkpoint returned by torch.save"):
        npgrad.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "old.pt")
