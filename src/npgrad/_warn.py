"""One helper for npgrad's warnings: they point at the user's line, however many npgrad frames lie between.

``warnings.warn(msg, stacklevel=2)`` names the caller of the function that warns; behind the public wrapper of
``_out`` (or any npgrad helper) that caller is npgrad itself. ``warn`` counts the npgrad frames instead (what
Python 3.12's ``skip_file_prefixes`` does; npgrad supports 3.10+), so the warning names the first frame outside
the package.
"""
import os
import sys
import warnings

_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message, category=UserWarning):
    """``warnings.warn(message, category)`` attributed to the nearest caller outside npgrad."""
    frame, level = sys._getframe(1), 2  # stacklevel 2 is warn's caller
    while frame is not None and frame.f_code.co_filename.startswith(_PKG):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
