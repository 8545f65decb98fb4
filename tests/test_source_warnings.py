"""Every source file of the package compiles without a warning: an invalid escape such as ``\\m`` in a docstring's
math is a DeprecationWarning today and a SyntaxWarning on Python 3.12+ (and ``\\f`` or ``\\t`` would silently become
control characters): docstrings with backslashes are raw strings."""
import pathlib
import warnings

import pytest

SRC = pathlib.Path(__file__).resolve().parent.parent / "src" / "npgrad"
FILES = sorted(SRC.rglob("*.py")) + sorted(SRC.rglob("*.pyi"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_compiles_without_warnings(path):
    source = path.read_text(encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile(source, str(path), "exec")
    assert not caught, [f"{path.name}:{w.lineno}: {w.message}" for w in caught]
