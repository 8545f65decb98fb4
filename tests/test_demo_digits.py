"""The digits demo, shortened: both backends learn, and from the same weights their loss curves coincide.

Needs the demo extras scikit-learn and matplotlib (like torch, a missing one is an error, not a skip).
"""
import os
import sys

import numpy as np
import pytest
import torch

import npgrad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import train_digits  # noqa: E402


def _runs(out):
    """Two epochs on each backend from the same initial weights (npgrad's default initialisation)."""
    npgrad.manual_seed(0)
    weights = {k: v.detach().numpy().copy() for k, v in train_digits.build_model(npgrad).state_dict().items()}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the test machine is shared: one thread is faster and steadier
    try:
        return {b: train_digits.train(b, epochs=2, init_weights=weights, progress=False, out_dir=str(out),
                                      log=lambda s: None) for b in ("npgrad", "torch")}
    finally:
        torch.set_num_threads(threads)


def test_demo_on_both_backends(tmp_path):
    """One test (the runs are the expensive part): learning, curve agreement, checkpoints across backends."""
    runs = _runs(tmp_path)
    # both backends learn (chance is 10%), and the checkpoint reloads to the same accuracy
    for backend, r in runs.items():
        assert r["accuracy"] > 0.8, backend
        assert r["history"][-1]["train_loss"] < 0.5 * r["batch_losses"][0], backend
        assert r["reloaded_accuracy"] == r["accuracy"] and r["checkpoint_epoch"] == 2
        assert os.path.getsize(r["plot"]) > 1000

    # from the same weights and batches, the loss curves coincide up to float32 rounding
    ours = np.array(runs["npgrad"]["batch_losses"])
    theirs = np.array(runs["torch"]["batch_losses"])
    assert ours.shape == theirs.shape == (46,)
    np.testing.assert_allclose(ours, theirs, rtol=1e-3)
    assert abs(runs["npgrad"]["accuracy"] - runs["torch"]["accuracy"]) < 0.01

    # each backend's checkpoint file loads on the other one
    ours = torch.load(runs["npgrad"]["checkpoint"], weights_only=True)
    theirs = npgrad.load(runs["torch"]["checkpoint"])
    model = train_digits.build_model(torch)
    model.load_state_dict(ours["model"])
    torch.optim.Adam(model.parameters()).load_state_dict(ours["optimizer"])
    nmodel = train_digits.build_model(npgrad)
    nmodel.load_state_dict(theirs["model"])
    npgrad.optim.Adam(nmodel.parameters()).load_state_dict(theirs["optimizer"])
    _, (xte, yte) = train_digits.digits_split(0)
    _, acc = train_digits.evaluate(torch, model, torch.tensor(xte), torch.tensor(yte))
    _, nacc = train_digits.evaluate(npgrad, nmodel, npgrad.tensor(xte), npgrad.tensor(yte))
    assert acc == pytest.approx(runs["npgrad"]["accuracy"]) and nacc == pytest.approx(runs["torch"]["accuracy"])
    assert ours["scheduler"]["last_epoch"] == theirs["scheduler"]["last_epoch"] == 46


def test_demo_compile_flag(tmp_path, capsys):
    """`train_digits.py --compile` prints the same epoch lines (losses and accuracy to the printed precision)
    as the eager run, and the compiled run did replay captured programs."""
    lines, losses = {}, {}
    for flag in ([], ["--compile"]):
        npgrad.compiler.reset()
        npgrad.manual_seed(0)
        r = train_digits.main(["--epochs", "2", "--no-progress", "--out", str(tmp_path / str(len(flag)))] + flag)
        out = capsys.readouterr().out.splitlines()
        lines[bool(flag)] = [ln for ln in out if "epoch" in ln]
        losses[bool(flag)] = np.array(r["batch_losses"])
        if flag:
            assert r["compiler"]["replays"] >= 40 and r["compiler"]["graph_breaks"] == 0, r["compiler"]
            assert any("compiled:" in ln and "replays" in ln for ln in out)
        else:
            assert "compiler" not in r
    assert len(lines[True]) == 2 and lines[True] == lines[False]
    np.testing.assert_allclose(losses[True], losses[False], rtol=1e-5, atol=1e-6)
