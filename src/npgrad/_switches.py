"""Process-wide switches torch keeps at the top level: deterministic algorithms, warn-always, thread-free
helpers (``typename``), the deprecated per-device autocast getters/setters, and ``vmap``.

npgrad's kernels are NumPy's and deterministic, so the deterministic-algorithm switches only record what a
script asks for and read it back as torch does.
"""
import warnings
from ._warn import warn as _warn

__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_warn_always", "is_warn_always_enabled", "typename",
           "get_autocast_cpu_dtype", "get_autocast_gpu_dtype", "is_autocast_cpu_enabled", "set_autocast_cpu_enabled",
           "set_autocast_cpu_dtype", "set_autocast_gpu_dtype", "set_autocast_dtype", "is_autocast_cache_enabled",
           "set_autocast_cache_enabled", "vmap", "get_num_threads", "set_num_threads", "get_num_interop_threads",
           "set_num_interop_threads", "init_num_threads", "get_device"]

_det = {"mode": 0}  # 0 default, 1 warn (warn_only), 2 error
_warn_always = [False]


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Asks for deterministic algorithms everywhere (``mode=True``) or allows any (``False``).

    npgrad's kernels are NumPy's and already deterministic, so the switch is recorded and read back as torch does
    (``are_deterministic_algorithms_enabled``, ``get_deterministic_debug_mode``) but changes no result.

    Args:
        mode (bool): the setting.
        warn_only (bool, optional): with ``mode=True``, warn instead of raising for an operation that has no
            deterministic version.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.use_deterministic_algorithms(True)
        >>> torch.are_deterministic_algorithms_enabled()
        True
        >>> torch.use_deterministic_algorithms(False)
    """
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _det["mode"] = (1 if warn_only else 2) if mode else 0


def are_deterministic_algorithms_enabled():
    """Whether :func:`use_deterministic_algorithms` is on (False at start).

    Returns:
        bool: the setting.

    Example:
        >>> import npgrad as torch
        >>> torch.are_deterministic_algorithms_enabled()
        False
    """
    return _det["mode"] > 0


def is_deterministic_algorithms_warn_only_enabled():
    """Whether deterministic algorithms were asked for with ``warn_only=True``.

    Returns:
        bool: the setting.

    Example:
        >>> import npgrad as torch
        >>> torch.use_deterministic_algorithms(True, warn_only=True)
        >>> torch.is_deterministic_algorithms_warn_only_enabled()
        True
        >>> torch.use_deterministic_algorithms(False)
    """
    return _det["mode"] == 1


def set_deterministic_debug_mode(debug_mode):
    """The same switch as :func:`use_deterministic_algorithms`, by level: 0/'default', 1/'warn', 2/'error'.

    Args:
        debug_mode (str or int): ``'default'`` (0), ``'warn'`` (1) or ``'error'`` (2).

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_deterministic_debug_mode('warn')
        >>> torch.get_deterministic_debug_mode()
        1
        >>> torch.set_deterministic_debug_mode(0)
    """
    if isinstance(debug_mode, str):
        modes = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in modes:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = modes[debug_mode]
    elif isinstance(debug_mode, int):
        if debug_mode not in (0, 1, 2):
            raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    else:
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    _det["mode"] = debug_mode


def get_deterministic_debug_mode():
    """The deterministic-algorithms level: 0 (off), 1 (warn only) or 2 (on, raising).

    Returns:
        int: the level.

    Example:
        >>> import npgrad as torch
        >>> torch.get_deterministic_debug_mode()
        0
    """
    return _det["mode"]


def set_warn_always(b):
    """Makes warnings that torch gives once per process be given every time (``b=True``).

    Args:
        b (bool): the setting.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_warn_always(True)
        >>> torch.is_warn_always_enabled()
        True
        >>> torch.set_warn_always(False)
    """
    _warn_always[0] = bool(b)


def is_warn_always_enabled():
    """Whether :func:`set_warn_always` is on (False at start).

    Returns:
        bool: the setting.

    Example:
        >>> import npgrad as torch
        >>> torch.is_warn_always_enabled()
        False
    """
    return _warn_always[0]


def get_device(input):
    """The device index of ``input``: -1 for a CPU tensor (every npgrad tensor).

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import npgrad as torch
        >>> torch.get_device(torch.zeros(2))
        -1
    """
    from ._tensor import Tensor
    if not isinstance(input, Tensor):
        raise TypeError(f"get_device(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input.get_device()


def typename(obj):
    """``"torch.FloatTensor"`` for a float32 tensor, the qualified class name otherwise.

    Args:
        obj (object): a tensor or anything else.

    Example:
        >>> import npgrad as torch
        >>> torch.typename(torch.zeros(2))
        'torch.FloatTensor'
        >>> torch.typename(torch.tensor([1]))
        'torch.LongTensor'
        >>> torch.typename(1.5)
        'float'
    """
    from ._tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    if not hasattr(obj, "__qualname__"):
        module = type(obj).__module__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


def _deprecated(old, new):
    _warn(f"torch.{old}() is deprecated. Please use torch.{new} instead.", DeprecationWarning)


def get_autocast_cpu_dtype():
    """Deprecated: use ``get_autocast_dtype('cpu')``. The dtype autocast uses on the CPU.

    It warns a ``DeprecationWarning``, as torch does.

    Returns:
        npgrad.dtype: ``bfloat16`` unless changed.

    Example:
        >>> import npgrad as torch
        >>> torch.get_autocast_dtype('cpu') == torch.bfloat16
        True
    """
    from .amp.autocast_mode import get_autocast_dtype
    _deprecated("get_autocast_cpu_dtype", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype():
    """Deprecated: use ``get_autocast_dtype('cuda')``. The dtype autocast would use on CUDA.

    It warns a ``DeprecationWarning``, as torch does.

    Returns:
        npgrad.dtype: ``float16`` unless changed.

    Example:
        >>> import npgrad as torch
        >>> torch.get_autocast_dtype('cuda') == torch.float16
        True
    """
    from .amp.autocast_mode import get_autocast_dtype
    _deprecated("get_autocast_gpu_dtype", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def is_autocast_cpu_enabled():
    """Deprecated: use ``is_autocast_enabled('cpu')``. Whether CPU autocast is on.

    It warns a ``DeprecationWarning``, as torch does.

    Returns:
        bool: the setting.

    Example:
        >>> import npgrad as torch
        >>> torch.is_autocast_enabled('cpu')
        False
    """
    from .amp.autocast_mode import is_autocast_enabled
    _deprecated("is_autocast_cpu_enabled", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    """Turns CPU autocast on or off; the same as ``set_autocast_enabled('cpu', enabled)``.

    Prefer ``with npgrad.autocast("cpu"):``, which restores the previous setting (see ``npgrad.amp``).

    Args:
        enabled (bool): the setting.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_autocast_cpu_enabled(False)
        >>> torch.is_autocast_enabled('cpu')
        False
    """
    from .amp.autocast_mode import set_autocast_enabled
    set_autocast_enabled("cpu", enabled)


def set_autocast_dtype(device_type, dtype):
    """Sets the dtype autocast uses for ``device_type``.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        dtype (npgrad.dtype): the lower-precision dtype.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_autocast_dtype('cpu', torch.float16)
        >>> torch.get_autocast_dtype('cpu') == torch.float16
        True
        >>> torch.set_autocast_dtype('cpu', torch.bfloat16)
    """
    from .amp import autocast_mode
    autocast_mode._dtype[device_type] = dtype


def set_autocast_cpu_dtype(dtype):
    """Sets the dtype CPU autocast uses; the same as ``set_autocast_dtype('cpu', dtype)``.

    Args:
        dtype (npgrad.dtype): the lower-precision dtype.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_autocast_cpu_dtype(torch.float16)
        >>> torch.get_autocast_dtype('cpu') == torch.float16
        True
        >>> torch.set_autocast_cpu_dtype(torch.bfloat16)
    """
    set_autocast_dtype("cpu", dtype)


def set_autocast_gpu_dtype(dtype):
    """Sets the dtype CUDA autocast would use; the same as ``set_autocast_dtype('cuda', dtype)``.

    Args:
        dtype (npgrad.dtype): the lower-precision dtype.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_autocast_gpu_dtype(torch.bfloat16)
        >>> torch.get_autocast_dtype('cuda') == torch.bfloat16
        True
        >>> torch.set_autocast_gpu_dtype(torch.float16)
    """
    set_autocast_dtype("cuda", dtype)


_autocast_cache = [True]


def is_autocast_cache_enabled():
    """Whether autocast caches the lower-precision copies of weights it makes (True at start).

    Returns:
        bool: the setting.

    Example:
        >>> import npgrad as torch
        >>> torch.is_autocast_cache_enabled()
        True
    """
    return _autocast_cache[0]


def set_autocast_cache_enabled(enabled):
    """Turns autocast's cache of lower-precision weight copies on or off.

    Args:
        enabled (bool): the setting.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.set_autocast_cache_enabled(False)
        >>> torch.is_autocast_cache_enabled()
        False
        >>> torch.set_autocast_cache_enabled(True)
    """
    _autocast_cache[0] = bool(enabled)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``torch.vmap``: ``npgrad.func.vmap``.

    Args:
        func (callable): the function to vectorize.
        in_dims (int or tuple, optional): the batch dim of each input (None: not batched).
        out_dims (int or tuple, optional): where the batch dim goes in each output.
        randomness (str, optional): ``'error'``, ``'different'`` or ``'same'``.
        chunk_size (int, optional): run the batch in chunks of this size.

    Example:
        >>> import npgrad as torch
        >>> batched_dot = torch.vmap(torch.dot)
        >>> batched_dot(torch.ones(3, 2), torch.tensor([[1., 2.], [3., 4.], [5., 6.]]))
        tensor([ 3.,  7., 11.])
    """
    from .func import vmap as _vmap
    return _vmap(func, in_dims, out_dims, randomness, chunk_size=chunk_size)


# ---------------------------------------------------------------------------------------------- threads
# npgrad's parallelism is the BLAS NumPy loaded (matmul, linalg); torch's intra-op thread count maps onto it.
# The library is found among the loaded ones and driven through its own setter (OpenBLAS, as NumPy's wheels
# ship it, or MKL); without one the count is what torch would report and cannot be changed.
_blas = []


def _blas_calls():
    if not _blas:
        import ctypes
        import glob
        import os
        import numpy as np
        found = None
        try:
            with open("/proc/self/maps") as f:
                paths = sorted({line.split()[-1] for line in f if "blas" in line.lower() or "mkl_rt" in line.lower()})
        except OSError:  # not Linux: look beside NumPy
            paths = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy*libs", "*blas*"))
        for path in paths:
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for get, put in (("openblas_get_num_threads", "openblas_set_num_threads"),
                             ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
                             ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
                             ("MKL_Get_Max_Threads", "MKL_Set_Num_Threads")):
                g, p = getattr(lib, get, None), getattr(lib, put, None)
                if g is not None and p is not None:
                    found = (g, p)
                    break
            if found:
                break
        _blas.append(found)
    return _blas[0]


def get_num_threads():
    """Threads NumPy's BLAS uses for one op (torch's intra-op threads).

    Example:
        >>> import npgrad as torch
        >>> torch.get_num_threads() >= 1
        True
    """
    calls = _blas_calls()
    if calls is None:
        import os
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return int(calls[0]())


def set_num_threads(nthreads):
    """Sets how many threads NumPy's BLAS uses for one operation (torch's intra-op threads).

    npgrad sets the thread pools of the BLAS library NumPy uses (through threadpoolctl); elementwise NumPy kernels are
    single-threaded.

    Args:
        nthreads (int): a positive number of threads.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> n = torch.get_num_threads()
        >>> torch.set_num_threads(1)
        >>> torch.get_num_threads()
        1
        >>> torch.set_num_threads(n)
    """
    if not isinstance(nthreads, int) or isinstance(nthreads, bool):
        raise TypeError(f"set_num_threads(): argument 'int' (position 1) must be int, not {type(nthreads).__name__}")
    if nthreads <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    calls = _blas_calls()
    if calls is None:
        raise RuntimeError("npgrad found no BLAS library whose thread count it can set")
    calls[1](nthreads)


_interop = []


def get_num_interop_threads():
    """npgrad runs ops one after another (no inter-op pool): the count is only recorded, as torch reports it.

    Example:
        >>> import npgrad as torch
        >>> torch.get_num_interop_threads() >= 1
        True
    """
    if not _interop:
        _interop.append(get_num_threads())
    return _interop[0]


def set_num_interop_threads(nthreads):
    """Sets the number of inter-op threads; allowed once, before any parallel work (as in torch).

    npgrad runs operations one after another, so the value is only recorded and read back by
    :func:`get_num_interop_threads`.

    Args:
        nthreads (int): a positive number of threads.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> torch.get_num_interop_threads() >= 1
        True
    """
    if not isinstance(nthreads, int) or isinstance(nthreads, bool) or nthreads <= 0:
        raise RuntimeError("Expected positive number of threads")
    if _interop and _interop[0] != nthreads:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _interop[:] = [nthreads]


def init_num_threads():
    """Nothing to initialise per thread here (torch re-applies its thread settings on a new thread).

    Example:
        >>> import npgrad as torch
        >>> torch.init_num_threads()
    """
