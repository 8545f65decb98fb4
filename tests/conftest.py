"""Shared pytest setup. torch is imported unconditionally: the differential tests must fail, not skip, without it."""
import os
import sys

import torch  # noqa: F401  (the oracle; a missing torch is an error, not a skip)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile("fuzz", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
