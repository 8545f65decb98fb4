"""npgrad's version string, comparable as a version (``npgrad.__version__ >= "0.1"``), as torch's TorchVersion."""
import re

__all__ = ["__version__", "TorchVersion"]


def _key(v):
    """A comparable key for "2.13.0+cpu", "0.1.0", (2, 1), ...: the leading numbers, then whether it's a release."""
    if isinstance(v, (tuple, list)):
        return tuple(int(x) for x in v), 1
    m = re.match(r"\s*v?(\d+(?:\.\d+)*)(.*)", str(v))
    if m is None:
        raise ValueError(f"Invalid version: '{v}'")
    nums = tuple(int(x) for x in m.group(1).split("."))
    tail = m.group(2)
    return nums, 0 if re.match(r"(a|b|rc|\.?dev)", tail) else 1


def _cmp(a, b):
    (na, ra), (nb, rb) = _key(a), _key(b)
    n = max(len(na), len(nb))
    na, nb = na + (0,) * (n - len(na)), nb + (0,) * (n - len(nb))
    return ((na, ra) > (nb, rb)) - ((na, ra) < (nb, rb))


class TorchVersion(str):
    """A ``str`` that compares with version semantics against strings and tuples (``"0.10" > "0.9"``)."""

    def __gt__(self, other):
        return _cmp(self, other) > 0

    def __ge__(self, other):
        return _cmp(self, other) >= 0

    def __lt__(self, other):
        return _cmp(self, other) < 0

    def __le__(self, other):
        return _cmp(self, other) <= 0

    def __eq__(self, other):
        try:
            return _cmp(self, other) == 0
        except ValueError:
            return str.__eq__(self, other)

    __hash__ = str.__hash__


# The one place the version is written: pyproject.toml reads VERSION (setuptools dynamic attr, read statically).
VERSION = "0.2.0.dev0"
__version__ = TorchVersion(VERSION)
