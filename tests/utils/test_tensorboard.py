"""npgrad.utils.tensorboard.SummaryWriter: event files that tensorboard's EventAccumulator reads back with the
values written, laid out (runs, tags, sub-runs) as torch's SummaryWriter lays them out."""
import os

import numpy as np
import pytest
import torch
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import npgrad
from npgrad.utils.tensorboard import SummaryWriter

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def _read(path):
    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    acc.Reload()
    return acc


def _write_both(tmp_path, fn):
    for name, writer, lib in (("np", SummaryWriter, npgrad), ("t", TorchWriter, torch)):
        with writer(log_dir=str(tmp_path / name)) as w:
            fn(w, lib)
    return tmp_path / "np", tmp_path / "t"


def test_scalars_read_back_as_torch(tmp_path):
    def log(w, lib):
        for step in range(5):
            w.add_scalar("loss/train", lib.tensor(1.0 / (step + 1)), step)
            w.add_scalar("lr", 0.1 * step, step, walltime=1000.0 + step)
        w.add_scalar("new", np.float64(2.5), 7, new_style=True, double_precision=True)
    ours, theirs = map(_read, _write_both(tmp_path, log))
    assert ours.Tags()["scalars"] == theirs.Tags()["scalars"]
    for tag in ("loss/train", "lr"):
        assert [(e.step, e.value) for e in ours.Scalars(tag)] == [(e.step, e.value) for e in theirs.Scalars(tag)]
    assert [e.wall_time for e in ours.Scalars("lr")] == [1000.0 + s for s in range(5)]
    (ev_o,), (ev_t,) = ours.Tensors("new"), theirs.Tensors("new")
    assert (ev_o.step, ev_o.tensor_proto) == (ev_t.step, ev_t.tensor_proto)


def test_scalar_must_hold_one_value(tmp_path):
    with SummaryWriter(str(tmp_path)) as w, TorchWriter(str(tmp_path / "t")) as tw:
        with pytest.raises(AssertionError):
            tw.add_scalar("x", torch.ones(2), 0)
        with pytest.raises(AssertionError):
            w.add_scalar("x", npgrad.ones(2), 0)


def test_add_scalars_makes_one_run_per_key(tmp_path):
    def log(w, lib):
        for step in range(3):
            w.add_scalars("run/acc", {"train": lib.tensor(step * 1.0), "val": step * 2.0}, step)
    ours, theirs = _write_both(tmp_path, log)
    subdirs = sorted(d for d in os.listdir(ours) if (ours / d).is_dir())
    assert subdirs == sorted(d for d in os.listdir(theirs) if (theirs / d).is_dir()) == ["run_acc_train", "run_acc_val"]
    for d in subdirs:
        a, b = _read(ours / d), _read(theirs / d)
        assert [(e.step, e.value) for e in a.Scalars("run/acc")] == [(e.step, e.value) for e in b.Scalars("run/acc")]


@pytest.mark.parametrize("bins", ["tensorflow", 10, "auto"])
def test_histogram_matches_torch(tmp_path, bins):
    values = np.random.default_rng(0).normal(size=500).astype(np.float32)

    def log(w, lib):
        w.add_histogram("w", lib.tensor(values), 3, bins=bins)
        w.add_histogram("m", lib.tensor(values), 4, bins=bins, max_bins=7)
    ours, theirs = map(_read, _write_both(tmp_path, log))
    for tag, step in (("w", 3), ("m", 4)):
        (a,), (b,) = ours.Histograms(tag), theirs.Histograms(tag)
        ha, hb = a.histogram_value, b.histogram_value
        assert a.step == b.step == step
        assert (ha.min, ha.max, ha.num) == (hb.min, hb.max, hb.num)
        np.testing.assert_allclose([ha.sum, ha.sum_squares], [hb.sum, hb.sum_squares], rtol=1e-6)
        assert sum(ha.bucket) == 500
        assert list(ha.bucket) == list(hb.bucket)
        np.testing.assert_allclose(ha.bucket_limit, hb.bucket_limit, rtol=1e-12)


def test_histogram_raw_and_errors(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_histogram_raw("raw", 0, 3, 4, 6, 14, [1.0, 2.0, 3.0], [1, 2, 1], global_step=1)
        with pytest.raises(ValueError):
            w.add_histogram_raw("bad", 0, 1, 1, 1, 1, [1.0], [1, 2])
    (h,) = _read(tmp_path).Histograms("raw")
    assert list(h.histogram_value.bucket) == [1, 2, 1] and h.histogram_value.num == 4


def test_text_reads_back(tmp_path):
    def log(w, lib):
        w.add_text("notes", "hello npgrad", 2)
    ours, theirs = map(_read, _write_both(tmp_path, log))
    assert ours.Tags()["tensors"] == theirs.Tags()["tensors"] == ["notes/text_summary"]
    (a,), (b,) = ours.Tensors("notes/text_summary"), theirs.Tensors("notes/text_summary")
    assert a.tensor_proto == b.tensor_proto and a.tensor_proto.string_val == [b"hello npgrad"]
    assert ours.SummaryMetadata("notes/text_summary") == theirs.SummaryMetadata("notes/text_summary")


def test_hparams_sub_run(tmp_path):
    from tensorboard.plugins.hparams import metadata as hp

    def log(w, lib):
        w.add_hparams({"lr": 0.1, "opt": "adam", "bs": 32, "skip": None}, {"hp/acc": lib.tensor(0.75)},
                      hparam_domain_discrete={"opt": ["adam", "sgd"]}, run_name="trial")
    ours, theirs = _write_both(tmp_path, log)
    a, b = _read(ours / "trial"), _read(theirs / "trial")
    from tensorboard.plugins.hparams import plugin_data_pb2
    for tag in (hp.EXPERIMENT_TAG, hp.SESSION_START_INFO_TAG, hp.SESSION_END_INFO_TAG):
        pa, pb = a.SummaryMetadata(tag).plugin_data, b.SummaryMetadata(tag).plugin_data
        assert pa.plugin_name == pb.plugin_name
        # compared as messages: the hparams map's entries have no fixed order in the serialized bytes
        parse = plugin_data_pb2.HParamsPluginData.FromString
        assert parse(pa.content) == parse(pb.content)
    assert [e.value for e in a.Scalars("hp/acc")] == [e.value for e in b.Scalars("hp/acc")] == [0.75]
    with SummaryWriter(str(tmp_path / "e")) as w:
        with pytest.raises(TypeError):
            w.add_hparams([("lr", 1)], {})
        with pytest.raises(ValueError):
            w.add_hparams({"lr": [1, 2]}, {})


def test_default_logdir_purge_step_close_and_reopen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_exp")
    assert w.get_logdir().startswith("runs" + os.sep) and w.get_logdir().endswith("_exp")
    w.close()
    w.add_scalar("after_close", 1.0, 0)  # a closed writer reopens, as torch's
    w.flush()
    w.close()
    assert _read(w.get_logdir()).Scalars("after_close")[0].value == 1.0
    with SummaryWriter(str(tmp_path / "p"), purge_step=5) as w:
        w.add_scalar("x", 1.0, 5)
    assert [e.step for e in _read(tmp_path / "p").Scalars("x")] == [5]


def test_unsupported_methods_name_themselves(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(NotImplementedError, match="add_graph"):
            w.add_graph(npgrad.nn.Linear(2, 2), npgrad.ones(1, 2))
        with pytest.raises(NotImplementedError, match="add_image"):
            w.add_image("img", np.zeros((3, 4, 4)))


def test_module_path_as_torch():
    import npgrad.utils
    assert npgrad.utils.tensorboard.SummaryWriter is SummaryWriter
