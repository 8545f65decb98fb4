"""``out=``: one wrapper gives it to every public function torch gives it to, with torch's rules.

``npgrad.add(a, b, out=c)`` computes ``add(a, b)`` and writes the result into ``c``'s storage, then returns ``c``:

- ``out`` must be a Tensor (a tuple of Tensors for functions returning several, such as ``sort`` or ``max(dim)``);
- with grad mode on, no input and no ``out`` may require grad (torch: "functions with out=... arguments don't
  support automatic differentiation");
- the result must be castable to ``out``'s dtype (``can_cast``: never float to integer, never to bool unless
  bool); the functions whose kernels demand it need the same dtype exactly (``mm``, ``softmax``, ``abs``, ...),
  ``argmax``/``argmin``/``nonzero`` a Long ``out``, the boolean tests a Bool one;
- an ``out`` of another shape is resized (a fresh buffer: views of the old one no longer see it), with torch's
  deprecation warning when it held elements; an ``out`` of the right shape is written in place (views see it);
- ``out``'s version counter is bumped, as for any in-place write.

Creation functions (``zeros``, ``arange``, ``rand``...) make their result in ``out``'s dtype when ``dtype`` is not
given, as torch does. Functions npgrad does not list here do not take ``out`` and raise a ``TypeError`` naming it.
"""
import functools
import inspect
import warnings

import numpy as np

from . import _dtype
from .autograd.grad_mode import state as _grad_state
from .autograd import function as _function  # [autocast] (its _extras count)

# torch.* functions that take out= (torch 2.13's _VariableFunctions.pyi, less the overloads its binding refuses and the
# *_copy/cudnn variants; names npgrad lacks are skipped at wrap time, so a function added later is wrapped too)
OUT_NAMES = frozenset("""
abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr all amax amin aminmax angle any arange arccos
arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin argsort asin asinh atan atan2 atanh baddbmm
batch_norm_backward_elemt batch_norm_backward_reduce batch_norm_elemt bernoulli bitwise_and bitwise_left_shift
bitwise_not bitwise_or bitwise_right_shift bitwise_xor bmm bucketize cat ceil cholesky cholesky_inverse
cholesky_solve clamp clamp_max clamp_min clip column_stack complex concat concatenate conj_physical copysign cos
cosh cross cummax cummin cumprod cumsum deg2rad diag diff digamma div divide dot dstack empty empty_permuted
empty_quantized eq erf erfc erfinv exp exp2 expm1 eye fix float_power floor floor_divide fmax fmin fmod frac frexp
frobenius_norm from_file full gather gcd ge geqrf ger greater greater_equal gru gt hardshrink hash_tensor heaviside
histc histogram hspmm hstack hypot i0 igamma igammac index_add index_reduce index_select inner inverse isin isneginf
isposinf kron kthvalue lcm ldexp le lerp less less_equal lgamma linspace log log10 log1p log2 log_softmax logaddexp
logaddexp2 logcumsumexp logical_and logical_not logical_or logical_xor logit logspace logsumexp lstm lt lu_solve
lu_unpack masked_select matmul matrix_power max maximum mean median min minimum mm mode msort mul multinomial
multiply mv mvlgamma nan_to_num nanmean nanmedian nanquantile nansum native_batch_norm ne neg negative nextafter
nonzero nonzero_static normal not_equal nuclear_norm ones orgqr ormqr outer polar polygamma pow prod qr quantile
rad2deg rand randint randn randperm range reciprocal remainder renorm rnn_relu rnn_tanh round row_stack rsqrt saddmm
scatter scatter_add scatter_reduce searchsorted sgn sigmoid sign signbit sin sinc sinh slice_scatter slogdet softmax
sort sparse_compressed_tensor sqrt square sspaddmm stack std sub subtract sum svd take take_along_dim tan tanh
threshold topk triangular_solve tril triu true_divide trunc var vdot vstack where xlogy zeros norm tensordot
chain_matmul index_copy
""".split())

# torch.linalg.* functions that take out=
LINALG_OUT_NAMES = frozenset("""
cholesky cholesky_ex cond cross det diagonal eig eigh eigvals eigvalsh householder_product inv inv_ex ldl_factor
ldl_factor_ex ldl_solve lstsq lu lu_factor lu_factor_ex lu_solve matmul matrix_exp matrix_norm matrix_power
matrix_rank multi_dot norm pinv qr slogdet solve solve_ex solve_triangular svd svdvals tensorinv tensorsolve
vecdot vector_norm
""".split())

_CREATION = frozenset("zeros ones empty full eye arange range linspace logspace rand randn randint randperm "
                      "normal".split())
# kernels that write only their own dtype (torch raises on any other out dtype)
_SAME_DTYPE = frozenset("""
abs absolute addmm amax amin ceil cross diag fix floor frac hardshrink inverse lerp log_softmax logcumsumexp
matmul mm bmm mv dot vdot msort nan_to_num neg negative round sgn sign softmax tril triu trunc inner nanquantile
quantile slice_scatter nuclear_norm addmv addbmm baddbmm outer ger matrix_power
""".split())
_LONG_OUT = frozenset(("argmax", "argmin", "nonzero"))
_BOOL_OUT = frozenset(("all", "any", "isneginf", "isposinf", "signbit", "isin"))
_CAST_TYPEERROR = frozenset(("cat", "concat", "concatenate"))  # torch.cat's cast refusal is a TypeError
_NEEDS_DIM = frozenset(("sum", "prod", "nansum"))  # torch's overload without dim takes no out=

_TYPE_NAMES = _dtype.SCALAR_NAMES  # torch's scalar-type names, from npgrad/_dtype.py's one table


_WRAPPED = {}  # (id(original function), takes_out) -> its public wrapper, shared by the namespaces that publish it


def with_out(fn, name, takes_out=True, module=None):
    """The public face of ``fn``: ``out=`` as torch takes it (when ``takes_out``), and the boundary translation
    of Python- and NumPy-internal exceptions into torch's classes (``translate``). Without ``out`` and without
    an exception the call goes straight through (try costs nothing until something is raised)."""
    key = (id(fn), takes_out)
    w = _WRAPPED.get(key)
    if w is not None:
        return w
    if takes_out:
        def f(*args, out=None, **kwargs):
            try:
                if out is None:
                    return fn(*args, **kwargs)
                return call_with_out(fn, name, args, kwargs, out)
            except _TRANSLATED as e:
                t = translate(e, name, args, kwargs)
                if t is None:
                    raise
                raise t from e
    else:
        def f(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except _TRANSLATED as e:
                t = translate(e, name, args, kwargs)
                if t is None:
                    raise
                raise t from e
    functools.update_wrapper(f, fn)
    if module is not None:  # pickle finds the wrapper by the name it is published under
        f.__module__, f.__qualname__ = module, name
    f._out_name = name if takes_out else None
    f._public = True
    _WRAPPED[key] = f
    return f


def unwrapped(fn):
    """The function behind a public wrapper (``fn`` itself when it is none): identity checks such as
    ``activation is F.relu`` hold whichever of the two a caller kept (a default argument bound before its namespace
    was wrapped, the wrapper, the function itself)."""
    return getattr(fn, "__wrapped__", fn) if getattr(fn, "_public", False) else fn


def wrap_namespace(ns, out_names, module=None):
    """Give every public function of the namespace ``ns`` (a module's globals) its public wrapper: ``out=`` for
    the names in ``out_names``, exception translation for all. Classes and functions from outside npgrad stay."""
    for name, fn in list(ns.items()):
        if name.startswith("_") or not inspect.isfunction(fn) or getattr(fn, "_public", False):
            continue
        if not (fn.__module__ or "").startswith("npgrad"):
            continue
        ns[name] = with_out(fn, name, name in out_names, module)


_TRANSLATED = (AttributeError, ValueError, MemoryError, TypeError)
_STR_TO_NUMBER = ("invalid literal for int()", "could not convert string to float",
                  "could not convert string to complex")


def translate(e, name, args, kwargs):
    """torch's exception for a Python/NumPy-internal one raised by bad input, or None to let ``e`` through.

    - AttributeError on a non-tensor argument (``x._data`` of a list): TypeError naming the argument's position;
    - a string where a number was expected (``int('a')``/``float('a')`` failing): TypeError;
    - an allocation NumPy could not make: RuntimeError, as torch's allocator;
    - NumPy's TypeErrors (no ufunc loop for the operand types, no common dtype): a TypeError in torch's terms.
    """
    if isinstance(e, AttributeError):
        obj = getattr(e, "obj", None)
        if obj is None and not str(e).startswith("'NoneType' object"):
            return None
        if type(obj).__name__ in ("Tensor", "Parameter"):
            return None
        for i, a in enumerate(args):
            if a is obj or (isinstance(a, (list, tuple)) and any(x is obj for x in a)):
                return TypeError(f"{name}(): argument (position {i + 1}) must be Tensor, not {type(obj).__name__}")
        for k, v in kwargs.items():
            if v is obj or (isinstance(v, (list, tuple)) and any(x is obj for x in v)):
                return TypeError(f"{name}(): argument '{k}' must be Tensor, not {type(obj).__name__}")
        return None
    if isinstance(e, TypeError):  # NumPy's own (no ufunc loop for a str operand, no common dtype): reworded
        if not type(e).__module__.startswith("numpy"):
            return None
        return TypeError(f"{name}(): an argument has a type this operation does not take (a str, or an object "
                         f"where a tensor or a number belongs)")
    if type(e).__name__ == "LinAlgError" and type(e).__module__.startswith("numpy"):
        from .ops.linalg_common import LinAlgError
        return LinAlgError(f"{name}(): the input is not a (batch of) square matrix this function can factor")
    if isinstance(e, MemoryError):
        return RuntimeError(f"{name}(): DefaultCPUAllocator: not enough memory for the result")
    msg = str(e)
    if msg.startswith(_STR_TO_NUMBER):
        return TypeError(f"{name}(): an argument that must be a number (or a tuple of numbers) is a str")
    if "array is too big" in msg or "Maximum allowed size exceeded" in msg:
        return RuntimeError(f"{name}(): Storage size calculation overflowed: the result is too large to allocate")
    return None


def _requires_grad(x, T):
    if isinstance(x, T):
        return x._req
    if isinstance(x, (list, tuple)):
        return any(isinstance(y, T) and y._req for y in x)
    return False


def call_with_out(fn, name, args, kwargs, out):
    from ._tensor import Tensor
    multi = isinstance(out, (tuple, list))
    outs = tuple(out) if multi else (out,)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be {'tuple of Tensors' if multi else 'Tensor'}, not "
                            f"{type(out if not multi else o).__name__}")
    if name in _NEEDS_DIM and len(args) < 2 and "dim" not in kwargs and "axis" not in kwargs:
        raise TypeError(f"{name}(): out= is only accepted together with dim (torch's {name}(input, dim, "
                        f"keepdim=False, *, dtype=None, out=None))")
    if _grad_state.enabled and (any(o._req for o in outs) or any(_requires_grad(a, Tensor) for a in args)
                                or any(_requires_grad(v, Tensor) for v in kwargs.values())):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           f"but one of the arguments requires grad.")
    if name in _CREATION and kwargs.get("dtype") is None:
        kwargs["dtype"] = outs[0].dtype
    if _function._extras:  # [autocast] torch does not autocast a call given out=
        from .amp.autocast_mode import call_without_autocast
        r = call_without_autocast(fn, args, kwargs)
    else:
        r = fn(*args, **kwargs)
    if isinstance(r, tuple) != multi:
        if multi:
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
        raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors, not Tensor")
    results = tuple(r) if multi else (r,)
    if len(results) != len(outs):
        raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(results)} Tensors, got {len(outs)}")
    for o, v in zip(outs, results):
        _check_dtype(name, v._data.dtype, o._data.dtype)
    for o, v in zip(outs, results):
        write(o, v._data, warn=name not in _CREATION)
    if not multi:
        return out
    return type(r)(*outs) if hasattr(r, "_fields") else outs


def _check_dtype(name, src, dst):
    if src == dst:
        return
    s, d = _TYPE_NAMES[src.name], _TYPE_NAMES[dst.name]
    if name in _LONG_OUT or name in _BOOL_OUT:
        raise RuntimeError(f"Expected out tensor to have dtype {'long int' if name in _LONG_OUT else 'bool'}, but "
                           f"got {d} instead")
    if name in _SAME_DTYPE:
        raise RuntimeError(f"Expected out tensor to have dtype {s}, but got {d} instead")
    if not _dtype.can_cast(_dtype.from_numpy_dtype(src), _dtype.from_numpy_dtype(dst)):
        if name in _CAST_TYPEERROR:
            raise TypeError(f"torch.{name}(): input types can't be cast to the desired output type {d}")
        raise RuntimeError(f"result type {s} can't be cast to the desired output type {d}")


def write(o, src, warn=True):
    """Write the array ``src`` into tensor ``o``: in place when the shape matches, else resize (torch's rules;
    its creation functions resize without the warning)."""
    dst = o._data
    if dst.shape == src.shape:
        if not dst.flags.writeable:
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location. Please clone() the tensor before performing the operation.")
        np.copyto(dst, src, casting="unsafe")
    else:
        if dst.size and warn:
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(dst.shape)}, "
                          f"which does not match the required output shape {list(src.shape)}. This behavior is "
                          f"deprecated, and in a future PyTorch release outputs will not be resized unless they "
                          f"have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, "
                          f"to zero elements with t.resize_(0).", UserWarning, stacklevel=4)
        o._data = np.array(src, dtype=dst.dtype, copy=True)
    o._vc[0] += 1
