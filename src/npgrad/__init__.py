"""npgrad: PyTorch's ``torch.autograd`` in pure Python on NumPy.

Write ``import npgrad as torch`` and autograd code runs unchanged:

>>> import npgrad as torch
>>> x = torch.ones(5)
>>> w = torch.ones(5, 3, requires_grad=True)
>>> z = torch.matmul(x, w)
>>> z.sum().backward()
>>> w.grad.shape
npgrad.Size([5, 3])
"""
import gc as _gc

# Import makes some 10^5 long-lived objects (op classes, functions, wrappers) and no garbage: the cycle collector would
# walk them a dozen times for nothing (~3 ms, a tenth of npgrad's own import). It is paused until the end of this
# module and resumed there, by the ``finally`` at the end (so a failed import resumes it as well). Resuming, it moves
# what the import made straight to the oldest generation (``freeze`` then ``unfreeze``: two list splices, nothing is
# left frozen): otherwise the first collection after the import would walk all of it once more (~5 ms).
_gc_resume = _gc.isenabled()
_gc.disable()
try:
    from ._dtype import (dtype, finfo, iinfo, float16, bfloat16, float32, float64, int8, int16, int32, int64, uint8, bool, half, float,
                         double, short, int, long, get_default_dtype, set_default_dtype, promote_types, result_type,
                         can_cast, layout, memory_format, strided, sparse_coo, sparse_csr, contiguous_format,
                         preserve_format, channels_last, channels_last_3d)
    from ._shape import Size, broadcast_shapes
    from ._tensor import Tensor, device
    from ._printing import set_printoptions, get_printoptions
    from ._creation import (tensor, as_tensor, asarray, from_numpy, zeros, ones, full, empty, eye, arange, linspace,
                            logspace, rand, randn, randint, randperm, normal, zeros_like, ones_like, full_like,
                            empty_like, rand_like, randn_like, randint_like, scalar_tensor)
    from . import _creation
    from .random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator
    from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                                     is_inference_mode_enabled)
    from .autograd.anomaly_mode import is_anomaly_enabled, is_anomaly_check_nan_enabled
    from .ops.pointwise import *  # noqa: F401,F403  (each ops module lists its public names in __all__)
    from .ops.reduction import *  # noqa: F401,F403
    from .ops.pointwise_unary import *  # noqa: F401,F403
    from .ops.pointwise_special import *  # noqa: F401,F403
    from .ops.pointwise_ternary import *  # noqa: F401,F403
    from .ops.comparison import *  # noqa: F401,F403
    from .ops.reduction_sort import *  # noqa: F401,F403
    from .ops.shape import *  # noqa: F401,F403
    from .ops.indexing import *  # noqa: F401,F403
    from .ops.joining import *  # noqa: F401,F403
    from .ops.scatter import *  # noqa: F401,F403
    from .ops.linalg import *  # noqa: F401,F403
    from . import autograd, random
    from .autograd import Function

    # The op modules few programs use, npgrad.compile, save and load: loaded on first use (npgrad/_lazy.py, and
    # __getattr__ below); they are not imported here.
    from . import _lazy

    # Tensor's op-backed methods (x.sum(), x.exp_(), x.T ...): one table, npgrad/_tensor_methods.py
    from . import _tensor_methods  # noqa: E402
    _tensor_methods.bind(Tensor)

    from ._tensor import set_default_device, get_default_device  # noqa: F401
    from ._version import __version__  # noqa: F401  (a version-comparable str, as torch's TorchVersion)
    from .amp.autocast_mode import (autocast, is_autocast_available, is_autocast_enabled,  # noqa: F401
                                    get_autocast_dtype, set_autocast_enabled)
    from ._switches import *  # noqa: F401,F403  (deterministic/warn-always switches, typename, vmap, ...)

    # torch's module constants (plain Python floats, and None for newaxis as NumPy's)
    import math as _math
    inf, nan, pi, e, newaxis = _math.inf, _math.nan, _math.pi, _math.e, None
    del _math

    _matmul_precision = ["highest"]


    def get_float32_matmul_precision():
        """The float32 matmul precision setting: ``'highest'`` (at start), ``'high'`` or ``'medium'``.

        npgrad's matmul is NumPy's and always uses full float32 precision; the setting is recorded and read back as in
        torch.

        Returns:
            str: the current setting.

        Example:
            >>> import npgrad as torch
            >>> torch.get_float32_matmul_precision()
            'highest'
        """
        return _matmul_precision[0]


    def set_float32_matmul_precision(precision):
        """torch's TF32/bfloat16 matmul switch for CUDA/oneDNN; npgrad's float32 matmul is always full precision
        (NumPy's BLAS), whichever is set. An unknown value warns and changes nothing, as torch.

        Args:
            precision (str): ``'highest'``, ``'high'`` or ``'medium'``.

        Example:
            >>> import npgrad as torch
            >>> torch.set_float32_matmul_precision('high')
            >>> torch.get_float32_matmul_precision()
            'high'
            >>> torch.set_float32_matmul_precision('highest')
        """
        if precision not in ("highest", "high", "medium"):
            from ._warn import warn as _warn
            _warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                  f"setFloat32MatmulPrecision call has no effect.")
            return
        _matmul_precision[0] = precision


    def is_tensor(obj):
        """Whether ``obj`` is an npgrad Tensor (a Parameter counts).

        Args:
            obj (object): anything.

        Returns:
            bool: ``isinstance(obj, Tensor)``.

        Example:
            >>> import npgrad as torch
            >>> torch.is_tensor(torch.tensor([1]))
            True
            >>> torch.is_tensor([1])
            False
        """
        return isinstance(obj, Tensor)


    def numel(input):
        """The number of elements of ``input``.

        Args:
            input (Tensor): the input tensor.

        Returns:
            int: the product of its shape.

        Example:
            >>> import npgrad as torch
            >>> torch.numel(torch.zeros(2, 3, 4))
            24
            >>> torch.numel(torch.tensor(5))
            1
        """
        return input.numel()


    def is_floating_point(input):
        """Whether ``input``'s dtype is a floating-point type (float16, bfloat16, float32, float64).

        Args:
            input (Tensor): the input tensor.

        Returns:
            bool: True for floating-point tensors.

        Example:
            >>> import npgrad as torch
            >>> torch.is_floating_point(torch.tensor([1.0]))
            True
            >>> torch.is_floating_point(torch.tensor([1]))
            False
        """
        return input.is_floating_point()


    def detach(input):
        """A tensor that shares ``input``'s data but is cut off from the autograd graph.

        The same as ``input.detach()``.

        Args:
            input (Tensor): the input tensor.

        Returns:
            Tensor: a view of ``input`` with ``requires_grad=False`` and no ``grad_fn``.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
            >>> y = torch.detach(x * 2)
            >>> y, y.requires_grad
            (tensor([2., 4.]), False)
        """
        return input.detach()


    # The public boundary: out= on every function torch gives it to, torch's exception classes for bad arguments
    # (npgrad._out). Keep this after the last public import.
    from . import _out
    _out.wrap_namespace(globals(), _out.OUT_NAMES, "npgrad")

    from ._docs import tensor_methods as _tensor_method_docs  # noqa: E402  (docstrings of factory-made methods)
    _tensor_method_docs.apply(Tensor)
    del _tensor_method_docs

    _LAZY = ("nn", "optim", "utils", "linalg", "func", "distributed", "special", "testing", "cuda", "cpu", "backends",
             "mps", "accelerator", "onnx", "jit", "amp", "hub", "profiler", "compiler", "functional", "version",
             "serialization", "futures", "multiprocessing")

    # every public name, the lazy ones included (``from npgrad import *`` reads them all, loading their modules)
    __all__ = sorted({name for name in globals() if not name.startswith("_")} | set(_lazy.NAMES))


    def __getattr__(name):
        """The names of npgrad/_lazy.py's modules, and the submodules (``npgrad.nn``, ``npgrad.optim``, ...), load on
        first use to keep ``import npgrad`` fast."""
        module = _lazy.NAMES.get(name)
        if module is not None:
            return _lazy.load(globals(), module)[name]
        if name in _LAZY:
            import importlib
            try:
                mod = importlib.import_module(f".{name}", __name__)
            except ModuleNotFoundError as e:
                if e.name == f"{__name__}.{name}":
                    raise AttributeError(f"module 'npgrad' has no attribute '{name}'") from None
                raise
            globals()[name] = mod
            return mod
        raise AttributeError(f"module 'npgrad' has no attribute '{name}'")


    def __dir__():
        return sorted(set(globals()) | set(_lazy.NAMES))
finally:  # a failed import resumes it too
    if _gc_resume:
        if not _gc.get_freeze_count():  # (a program's own frozen objects are left alone: then no move)
            _gc.freeze()
            _gc.unfreeze()
        _gc.enable()
del _gc_resume
