"""Issue 17, typed public API (group a): every public callable of amp, the cuda/cpu amp shims, nn.parameter,
nn.parallel, the distributed modules below, futures and optim's optimizer/lr_scheduler/adagrad carries annotations
on all its parameters and its return (the survey of tests/docs/test_annotations.py)."""
import importlib

import pytest

from tests.docs.test_annotations import missing_annotations, public_callables

MODULES = ["npgrad.amp.grad_scaler", "npgrad.amp.autocast_mode", "npgrad.cuda.amp", "npgrad.cpu.amp",
           "npgrad.nn.parameter", "npgrad.nn.parallel.distributed", "npgrad.nn.parallel.data_parallel",
           "npgrad.distributed.distributed_c10d", "npgrad.distributed.algorithms.join", "npgrad.distributed.run",
           "npgrad.distributed.algorithms.ddp_comm_hooks.default_hooks", "npgrad.futures",
           "npgrad.optim.optimizer", "npgrad.optim.lr_scheduler", "npgrad.optim.adagrad"]

# Qualified name -> why it carries no (full) annotation. Each entry needs a reason.
EXEMPT: dict = {
}


@pytest.mark.parametrize("modname", MODULES)
def test_public_callables_annotated(modname):
    mod = importlib.import_module(modname)
    found = list(public_callables(mod))
    assert found, f"survey found nothing in {modname}"
    missing = {q: m for q, fn, skip in found if q not in EXEMPT and (m := missing_annotations(fn, skip))}
    assert not missing, f"unannotated in {modname}: {missing}"
