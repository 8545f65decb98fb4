"""``npgrad.return_types``: the named tuples that ``max(dim)``, ``sort``, ``topk``... return, like
``torch.return_types``: a tuple (unpacks, indexes) with ``values``/``indices`` fields, printed as

    npgrad.return_types.max(
    values=tensor([3., 4.]),
    indices=tensor([1, 1]))
"""
from collections import namedtuple

__all__ = ["max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin",
           "aminmax"]


def _make(name, fields=("values", "indices")):
    base = namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"npgrad.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__module__": "npgrad.return_types", "__qualname__": name})
    return cls


max = _make("max")
min = _make("min")
sort = _make("sort")
topk = _make("topk")
kthvalue = _make("kthvalue")
median = _make("median")
nanmedian = _make("nanmedian")
mode = _make("mode")
cummax = _make("cummax")
cummin = _make("cummin")
aminmax = _make("aminmax", ("min", "max"))
histogram = _make("histogram", ("hist", "bin_edges"))
frexp = _make("frexp", ("mantissa", "exponent"))
linalg_lu = _make("linalg_lu", ("P", "L", "U"))
linalg_lu_factor = _make("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex = _make("linalg_lu_factor_ex", ("LU", "pivots", "info"))
lu_unpack = _make("lu_unpack", ("P", "L", "U"))
linalg_eig = _make("linalg_eig", ("eigenvalues", "eigenvectors"))
__all__ += ["histogram", "frexp", "linalg_lu", "linalg_lu_factor", "linalg_lu_factor_ex", "lu_unpack", "linalg_eig"]
linalg_ldl_factor = _make("linalg_ldl_factor", ("LD", "pivots"))
linalg_ldl_factor_ex = _make("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
__all__ += ["linalg_ldl_factor", "linalg_ldl_factor_ex"]
