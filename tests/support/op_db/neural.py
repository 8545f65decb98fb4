"""Op table entries: neural ops (see the package docstring)."""
import numpy as np  # noqa: F401

from . import OpInfo, NoGrad, unary, binary, rand  # noqa: F401

OPS = []
