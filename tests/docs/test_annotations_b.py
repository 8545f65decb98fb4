"""Issue 17, typed public API (group b): every public callable of the profilers, graphviz, anomaly mode, forward AD,
autograd's errors/saved_attrs, the compiler, random, testing, serialization, hub, onnx and utils.safetensors carries
annotations on all its parameters and its return. The survey (what is public, what counts as annotated) is
tests/docs/test_annotations.py's."""
import importlib

import pytest

from tests.docs.test_annotations import missing_annotations, public_callables

MODULES = ["npgrad.profiler", "npgrad.autograd.profiler", "npgrad.autograd.graphviz", "npgrad.autograd.anomaly_mode",
           "npgrad.autograd.forward_ad", "npgrad.autograd.errors", "npgrad.autograd.saved_attrs",
           "npgrad.compiler", "npgrad.compiler.capture", "npgrad.compiler.runtime", "npgrad.compiler.optim",
           "npgrad.compiler.codegen", "npgrad.random", "npgrad.testing", "npgrad.serialization", "npgrad.hub",
           "npgrad.onnx", "npgrad.utils.safetensors"]

# Qualified name -> why it carries no (full) annotation. Each entry needs a reason.
EXEMPT = {
}


def _found():
    return {q: missing_annotations(fn, s)
            for m in MODULES for q, fn, s in public_callables(importlib.import_module(m))}


@pytest.mark.parametrize("mod", MODULES)
def test_every_public_callable_is_annotated(mod):
    miss = [(q, m) for q, fn, s in public_callables(importlib.import_module(mod))
            if (m := missing_annotations(fn, s)) and q not in EXEMPT]
    assert not miss, f"{len(miss)} public callables lack annotations:\n" + "\n".join(f"  {q}: {m}" for q, m in miss)


@pytest.mark.parametrize("mod", MODULES)
def test_the_survey_finds_the_module(mod):
    """Not vacuous: each module listed has public callables for the survey to check."""
    assert list(public_callables(importlib.import_module(mod)))


def test_the_survey_sees_the_api():
    seen = set(_found())
    for q in ["npgrad.autograd.forward_ad.make_dual", "npgrad.autograd.anomaly_mode.detect_anomaly.__enter__",
              "npgrad.random.manual_seed", "npgrad.hub.load"]:
        assert q in seen, q


def test_exemptions_are_live():
    found = _found()
    stale = [q for q in EXEMPT if not found.get(q)]
    assert not stale, f"stale exemptions: {stale}"
