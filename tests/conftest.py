"""Shared pytest setup. torch is imported unconditionally: the differential tests must fail, not skip, without it."""
import os
import sys

# One BLAS thread per test process: pytest-xdist already runs one worker per core, and oversubscribed
# OpenBLAS threads make small matmuls 100x slower on a 2-core machine.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import torch  # noqa: F401  (the oracle; a missing torch is an error, not a skip)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

torch.set_num_threads(1)

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile("fuzz", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
