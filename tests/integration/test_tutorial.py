"""The tutorial, run on npgrad and on torch: the transcripts must be the same once random values, object
addresses and the version line are normalised."""
import contextlib
import io
import re
import sys
from pathlib import Path

import torch

import npgrad

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "autograd_tutorial.py"


def _run(code, module):
    saved = sys.modules.get("torch")
    out = io.StringIO()
    sys.modules["torch"] = module
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(EXAMPLE), "exec"), {"__name__": "__tutorial__"})
    finally:
        sys.modules["torch"] = saved
    return out.getvalue()


def _normalise(text):
    text = re.sub(r"torch version: .*", "torch version: V", text)
    text = re.sub(r"0x[0-9a-f]+", "0xADDR", text)
    # random draws differ between the two libraries: every number with a fractional part becomes N
    text = re.sub(r"-?\d+\.\d+(e[+-]\d+)?", "N", text)
    return re.sub(r"([\[,]) *N", r"\1N", text)  # column padding depends on the signs drawn


def test_example_is_the_tutorial_with_one_import_changed():
    ours = EXAMPLE.read_text().splitlines()
    code = [ln for ln in ours if not ln.startswith(('"""', "Its code", "The tutorial"))]
    assert "import npgrad as torch" in code and "import torch" not in code


def test_transcripts_match():
    code = EXAMPLE.read_text()
    theirs = _run(code.replace("import npgrad as torch", "import torch"), torch)
    ours = _run(code, npgrad)
    assert _normalise(ours) == _normalise(theirs)
    # structure that survives normalisation: grad_fn names, None before backward, the accumulating gradients
    assert "<AddBackward0 object at" in ours and "<BinaryCrossEntropyWithLogitsBackward0 object at" in ours
    assert "None\nNone\ntensor([[" in ours
    assert "Second call\n tensor([[8., 4., 4., 4., 4.]," in ours


def test_tutorial_gradients_equal_torch_for_the_same_weights():
    rng = __import__("numpy").random.default_rng(0)
    w0 = rng.standard_normal((5, 3)).astype("float32")
    b0 = rng.standard_normal(3).astype("float32")
    grads = {}
    for m in (npgrad, torch):
        x, y = m.ones(5), m.zeros(3)
        w = m.tensor(w0, requires_grad=True)
        b = m.tensor(b0, requires_grad=True)
        z = m.matmul(x, w) + b
        loss = m.nn.functional.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        grads[m.__name__] = (loss.item(), w.grad.numpy().copy(), b.grad.numpy().copy())
    import numpy as np
    (l1, w1, b1), (l2, w2, b2) = grads["npgrad"], grads["torch"]
    assert abs(l1 - l2) < 1e-6
    np.testing.assert_allclose(w1, w2, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(b1, b2, rtol=1e-5, atol=1e-7)
