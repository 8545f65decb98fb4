"""``npgrad.return_types``: the named tuples that ``max(dim)``, ``sort``, ``topk``... return, like
``torch.return_types``: a tuple (unpacks, indexes) with ``values``/``indices`` fields, printed as

    npgrad.return_types.max(
    values=tensor([3., 4.]),
    indices=tensor([1, 1]))

Each class is made on first use (module ``__getattr__``, PEP 562) from ``_FIELDS`` below: ``import npgrad`` does not
build twenty named tuples it may never return.
"""
__all__ = ["max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin",
           "aminmax", "histogram", "frexp", "linalg_lu", "linalg_lu_factor", "linalg_lu_factor_ex", "lu_unpack",
           "linalg_eig", "linalg_ldl_factor", "linalg_ldl_factor_ex", "histogramdd"]

# name -> its fields (``values indices`` unless listed)
_FIELDS = {
    "aminmax": "min max",
    "histogram": "hist bin_edges",
    "histogramdd": "hist bin_edges",
    "frexp": "mantissa exponent",
    "linalg_lu": "P L U",
    "linalg_lu_factor": "LU pivots",
    "linalg_lu_factor_ex": "LU pivots info",
    "lu_unpack": "P L U",
    "linalg_eig": "eigenvalues eigenvectors",
    "linalg_ldl_factor": "LD pivots",
    "linalg_ldl_factor_ex": "LD pivots info",
}


def _make(name, fields=("values", "indices")):
    from collections import namedtuple
    base = namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"npgrad.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__module__": "npgrad.return_types", "__qualname__": name})
    return cls


def __getattr__(name):
    if name not in __all__:
        raise AttributeError(f"module 'npgrad.return_types' has no attribute '{name}'")
    cls = globals()[name] = _make(name, tuple(_FIELDS.get(name, "values indices").split()))
    return cls


def __dir__():
    return sorted(set(globals()) | set(__all__))
