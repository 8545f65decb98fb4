"""Docstring material applied at import: examples for names whose functions are generated (npgrad keeps the
docstrings of functions written with a def in the def)."""
