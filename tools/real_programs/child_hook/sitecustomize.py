"""Loaded at start-up by the child processes of a program run through as_torch.py (multiprocessing's spawn and
forkserver start fresh interpreters): installs the same `torch` -> npgrad alias there."""
import os
import runpy

if os.environ.get("NPGRAD_AS_TORCH") == "1":
    runpy.run_path(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "as_torch.py"),
                   run_name="as_torch")
