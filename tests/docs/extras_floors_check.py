"""Run by tests/docs/test_packaging.py inside the oldest-NumPy venv with the optional extras at their floors:
``python extras_floors_check.py DIR scipy ml_dtypes tensorboard`` exercises what npgrad uses of each (exits non-zero
on any failure). Expected numbers are mathematical constants (J0(1), Y0(1), K0(1), Ai(0)), not npgrad output."""
import math
import os
import struct
import sys

import numpy as np

import npgrad


def check_scipy(_):
    import npgrad.special as S
    x = npgrad.tensor([1.0, 2.0], dtype=npgrad.float64)
    for name, want in (("bessel_j0", 0.7651976865579666), ("bessel_y0", 0.08825696421567696),
                       ("modified_bessel_k0", 0.42102443824070834)):
        got = getattr(S, name)(x)
        assert got.dtype is npgrad.float64 and math.isclose(got[0].item(), want, rel_tol=1e-12), (name, got)
    for name in ("bessel_j1", "bessel_y1", "modified_bessel_k1", "scaled_modified_bessel_k0",
                 "scaled_modified_bessel_k1"):
        assert np.isfinite(getattr(S, name)(x).numpy()).all(), name
    assert math.isclose(S.airy_ai(npgrad.tensor([0.0], dtype=npgrad.float64)).item(), 0.3550280538878172,
                        rel_tol=1e-12)
    assert S.bessel_j0(npgrad.tensor([1.0])).dtype is npgrad.float32


def check_ml_dtypes(_):
    x = npgrad.tensor([1.0, 2.5, -3.0], requires_grad=True)
    b = x.bfloat16()
    assert b.dtype is npgrad.bfloat16 and b.requires_grad
    y = (b * b + 1).sum()
    assert y.dtype is npgrad.bfloat16 and y.item() == 19.25, y
    y.backward()
    assert x.grad.dtype is npgrad.float32 and x.grad.tolist() == [2.0, 5.0, -6.0], x.grad
    assert repr(npgrad.tensor([1.0, 3.0]).bfloat16()) == "tensor([1., 3.], dtype=npgrad.bfloat16)"
    assert npgrad.tensor([1.2345]).bfloat16().float().item() == 1.234375   # rounded to 8 significant bits


def _events(path):
    """The Event records of a TFRecord file (u64 length, u32 crc, data, u32 crc), read without tensorboard's
    loaders (their import pulls in modules npgrad never uses)."""
    from tensorboard.compat.proto.event_pb2 import Event
    data, at, out = open(path, "rb").read(), 0, []
    while at < len(data):
        (n,) = struct.unpack("<Q", data[at:at + 8])
        out.append(Event.FromString(data[at + 12:at + 12 + n]))
        at += 16 + n
    return out


def check_tensorboard(tmp):
    from npgrad.utils.tensorboard import SummaryWriter
    log_dir = os.path.join(tmp, "runs")
    with SummaryWriter(log_dir) as w:
        for step in range(3):
            w.add_scalar("loss", 1.0 / (step + 1), step)
        w.add_scalars("pair", {"a": 1.0, "b": 2.0}, 0)
        w.add_histogram("weights", npgrad.linspace(-1, 1, 50), 0)
        w.add_tensor("t", npgrad.tensor([1.5, 2.5]), 0)
        w.add_text("note", "hello", 0)
        w.add_hparams({"lr": 0.1, "opt": "sgd"}, {"hp/acc": 0.9}, run_name="hp")
    files = [f for f in os.listdir(log_dir) if f.startswith("events.out.tfevents.")]
    assert len(files) == 1, files
    tags = {}
    for event in _events(os.path.join(log_dir, files[0])):
        for v in event.summary.value:
            tags.setdefault(v.tag, []).append(v)
    assert [round(v.simple_value, 6) for v in tags["loss"]] == [1.0, 0.5, 0.333333], tags["loss"]
    (h,) = tags["weights"]
    assert h.histo.num == 50 and h.histo.min == -1.0 and h.histo.max == 1.0, (h.histo.num, h.histo.min)
    assert list(tags["t"][0].tensor.float_val) == [1.5, 2.5] or tags["t"][0].tensor.tensor_content, tags["t"]
    assert tags["note/text_summary"][0].tensor.string_val == [b"hello"], list(tags)
    assert len(os.listdir(os.path.join(log_dir, "pair_a"))) == 1
    hp = os.path.join(log_dir, "hp")
    (f,) = os.listdir(hp)
    hp_tags = {v.tag for e in _events(os.path.join(hp, f)) for v in e.summary.value}
    assert {"_hparams_/experiment", "_hparams_/session_start_info", "hp/acc"} <= hp_tags, hp_tags


if __name__ == "__main__":
    for name in sys.argv[2:]:
        globals()["check_" + name](sys.argv[1])
        print(name, "ok")
