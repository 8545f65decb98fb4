"""Inlined formulas: hot ops written out as their NumPy calls in the generated code (filled in below)."""

INLINE = {}
