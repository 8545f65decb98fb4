"""Issue 17, typed public API (group c): every public callable of the device modules (cuda, cpu, mps,
accelerator), torch.backends.*, jit, utils.benchmark and utils.tensorboard carries annotations on all its
parameters and its return. The survey (what counts as public) is the one in test_annotations.py."""
import importlib

import pytest

from tests.docs.test_annotations import missing_annotations, public_callables

MODULES = ["npgrad.cuda", "npgrad.cpu", "npgrad.mps", "npgrad.accelerator",
           "npgrad.backends.cuda", "npgrad.backends.cudnn", "npgrad.backends.mps", "npgrad.backends.mkl",
           "npgrad.backends.mkldnn", "npgrad.backends.cpu", "npgrad.backends.openmp", "npgrad.backends.opt_einsum",
           "npgrad.jit", "npgrad.utils.benchmark", "npgrad.utils.tensorboard.writer",
           "npgrad.utils.tensorboard.summary"]

# Qualified name -> why it carries no (full) annotation. Each entry needs a reason.
EXEMPT: dict = {
}


@pytest.mark.parametrize("modname", MODULES)
def test_public_callables_annotated(modname):
    mod = importlib.import_module(modname)
    found = list(public_callables(mod))
    assert found, f"{modname}: the survey found no public callables"
    missing = {q: m for q, fn, skip in found if q not in EXEMPT and (m := missing_annotations(fn, skip))}
    assert not missing, f"{modname}: unannotated {missing}"


def test_exempt_entries_exist():
    names = {q for m in MODULES for q, _, _ in public_callables(importlib.import_module(m))}
    assert not set(EXEMPT) - names
