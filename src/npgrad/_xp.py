"""``xp``: the one name through which the ops call their array library (NumPy today).

Every array call in ``npgrad/ops/`` is written ``xp.<function>`` (``xp.exp``, ``xp.matmul``, ``xp.zeros``,
``xp.add.at``, ``xp.linalg.solve`` ...), so a second array backend with NumPy's interface (CuPy on a GPU) later
changes this one module, not four hundred formulas.

The rule, checked by ``tests/ops/test_xp.py`` (an AST walk over every module of ``ops/``):

- ``xp.`` for anything that makes, reads or computes arrays: functions, ufuncs and their methods (``xp.add.at``),
  ``xp.linalg.*``, ``xp.lib.stride_tricks.*``, array creation from buffers and files.
- ``np.`` only for what is not an array call and that every backend shares with NumPy: scalar and dtype types
  (``np.float32``, ``np.int64``, ``np.bool_``, ``np.dtype``, ``np.iinfo``, ``np.finfo``), the classes used in
  ``isinstance`` checks (``np.ndarray``, ``np.generic``, ``np.integer`` ...), constants (``np.inf``, ``np.nan``,
  ``np.pi``), NumPy's float-error state ``np.errstate`` and its exception ``np.linalg.LinAlgError``: the names in
  ``NP_ALLOWED`` below.
- ``ops/numpy_interop.py`` is exempt: it is NumPy's own ``__array_ufunc__``/``__array_function__`` protocol, whose
  tables are keyed by NumPy's callables.

Backward formulas take the namespace from their node, ``xp = ctx.xp``: NumPy itself in a plain backward (the
formula runs on ndarrays), ``txp`` under ``create_graph`` (it runs on Tensors and is recorded). ``txp`` has
NumPy's names and signatures over npgrad's ops (``txp.exp`` is ``npgrad.exp``, ``txp.sum(t, axis=, keepdims=)``
is ``npgrad.sum(t, dim=, keepdim=)``), so the derivative is still written once; calling it costs one Python call
where ``np.exp(t)`` on a Tensor would go through NumPy's ``__array_ufunc__`` protocol and its argument checks.
"""
import numpy as xp

__all__ = ["xp", "txp", "xp_of", "NP_ALLOWED"]


class TensorNamespace:
    """``txp``: NumPy's function names mapped to npgrad's recorded ops (ops/numpy_interop.tensor_namespace).

    Filled on first use (the ops modules import this one). A name the table lacks is NumPy's own: creation
    functions (``txp.arange``, ``txp.eye``), ``txp.linalg``, constants - calls that take no Tensor.
    """

    def __getattr__(self, name):  # only for a name not yet in the instance dict: after the first, none
        d = self.__dict__
        if not d:
            from .ops.numpy_interop import tensor_namespace
            d.update(tensor_namespace())
            if name in d:
                return d[name]
        value = d[name] = getattr(xp, name)
        return value

    def __repr__(self):
        return "<npgrad tensor namespace (txp): NumPy's names over npgrad ops>"


txp = TensorNamespace()


def xp_of(a):
    """The namespace for ``a``: ``txp`` for a Tensor, NumPy for anything else. For the helpers that formulas share
    with forward code (``reduction.expand_back``, ``norm._stats``): they have no ``ctx`` to read ``ctx.xp`` from."""
    if type(a) is xp.ndarray:
        return xp
    T = _Tensor
    if T is None:  # the first call (this module is imported before npgrad.Tensor exists): bind it once
        T = _bind_tensor()
    return txp if isinstance(a, T) else xp


_Tensor = None


def _bind_tensor():
    global _Tensor
    from ._tensor import Tensor
    _Tensor = Tensor
    return Tensor


# ``np.<name>`` an ops module may still write (dotted names are matched whole: ``linalg.LinAlgError``).
NP_ALLOWED = frozenset((
    # dtypes and scalar types (also called as scalar constructors: np.float64(x))
    "dtype", "iinfo", "finfo", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "intp", "float16", "float32", "float64", "longdouble", "complex64", "complex128",
    # abstract classes for isinstance / issubdtype checks
    "ndarray", "generic", "number", "integer", "signedinteger", "unsignedinteger", "floating", "inexact",
    "complexfloating",
    # constants
    "inf", "nan", "pi", "e", "newaxis",
    # float-error state and exceptions
    "errstate", "linalg.LinAlgError",
))
