"""``Tensor``: an ndarray plus the autograd state, with torch's attributes and methods.

Slots only. The dunders and methods are one-line delegations to the ops in ``npgrad.ops``; the autograd
state is ``grad_fn`` (the node that made it), ``_req`` (requires grad), ``_grad``, ``_vc`` (a version
counter shared by views and ``detach()``), ``_nr`` (which output of ``grad_fn`` it is), ``_acc`` (a weak
reference to a leaf's ``AccumulateGrad``) and ``_x`` (a dict for rarely used state: hooks, retain_grad).
"""
from typing import TYPE_CHECKING, Any
import copy
import threading
import warnings
import weakref

import builtins

import numpy as np

from . import _dtype
from ._dtype import from_numpy_dtype, to_numpy_dtype
from ._shape import Size, norm_dim
from ._printing import format_tensor
from .autograd import function as _function
from .autograd.graph import add_hook, hooks_lock
from .autograd.grad_mode import state as _grad_state
from ._warn import warn as _warn

__all__ = ["Tensor", "make", "device"]

_new = object.__new__
_vc_lock = threading.Lock()  # (not function.version_lock: a version bump under that lock reads ``_vc``)


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """Where a tensor lives: ``device("cpu")``, ``device("cuda:1")``, ``device("cuda", 1)``, as torch parses them.
    npgrad computes on the CPU; using another device raises torch's error for a CPU-only build.

    Example:
        >>> import npgrad as torch
        >>> d = torch.device('cpu')
        >>> d
        device(type='cpu')
        >>> d.type, d.index
        ('cpu', None)
        >>> torch.zeros(1).device == d
        True
    """
    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): argument 'type' must be str, not torch.device when index is given")
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        elif not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({builtins.type(type).__name__})")
        else:
            name, sep, idx = type.partition(":")
            if name not in _DEVICE_TYPES:
                raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                                   f"string: {type}")
            if sep:
                if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
                    raise RuntimeError(f"Invalid device string: '{type}'")
                if index is not None:
                    raise RuntimeError(f"type (string) must not include an index because index was passed "
                                       f"explicitly: {type}")
                index = int(idx)
            type = name
        if index is not None:
            index = int(index)
            if index < 0:
                raise RuntimeError("Device index must not be negative")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):  # a string is not a device: torch.device("cpu") == "cpu" is False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):  # ``with torch.device("cpu"):`` sets the default device for factory functions
        global _default_device
        _device_stack.append(_default_device)
        _default_device = self
        return self

    def __exit__(self, *exc):
        global _default_device
        _default_device = _device_stack.pop()
        return False


_CPU = device("cpu")
_default_device = None  # set_default_device's device (None: the CPU)
_device_stack = []      # defaults saved by ``with device(...)`` blocks


def _refuse(d):
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if d.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices")
    raise RuntimeError(f"npgrad computes on the CPU only: device '{d}' is not supported")


def check_device(d):
    """Accept the CPU; refuse any other device with torch's error for a CPU-only build (AssertionError
    "Torch not compiled with CUDA enabled" for cuda)."""
    if d is None:
        return
    d = device(d) if not isinstance(d, device) else d
    if d.type != "cpu":
        _refuse(d)


def check_creation_device(d):
    """``check_device`` for factory functions: ``device=None`` means the default device."""
    if d is None:
        d = _default_device
        if d is None:
            return
    check_device(d)


def set_default_device(device_):
    """Make ``device_`` the device factory functions use; a device npgrad lacks makes them raise, as torch's
    CPU build does on the first tensor created.

    Args:
        device_ (str or npgrad.device or None): the device (only the CPU works in npgrad).

    Example:
        >>> import npgrad as torch
        >>> torch.set_default_device('cpu')
        >>> torch.zeros(1).device
        device(type='cpu')
    """
    global _default_device
    _default_device = None if device_ is None else device(device_) if not isinstance(device_, device) else device_


def get_default_device():
    """The device new tensors are made on: the CPU (npgrad has no other).

    Returns:
        npgrad.device: ``device(type='cpu')``.

    Example:
        >>> import npgrad as torch
        >>> torch.get_default_device()
        device(type='cpu')
    """
    d = _default_device
    if d is None:
        return _CPU
    if d.type != "cpu":
        _refuse(d)
    return device("cpu") if d.index is None else d


def make(data, grad_fn=None, nr=0, vc=None):
    """Wrap an ndarray (or NumPy scalar) into a Tensor without copying. The hot path of every op."""
    t = _new(Tensor)
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    t._data = data
    t.grad_fn = grad_fn
    t._req = grad_fn is not None
    t._grad = None
    t._v = vc  # None: the version counter is made on first use (a view, an in-place write, a save)
    t._nr = nr
    t._acc = None
    t._x = None
    return t


def tensor_arg(x, fname, name="other", pos=1):
    """``x`` if it is a Tensor, else torch's TypeError for a Tensor argument (never an AttributeError)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")
    return x


_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")


def _write_target(a, overlap_ok=False):
    """The array an in-place write into ``a`` (a tensor's ``_data``) goes to; every in-place write passes here.

    The common case (a writable array with no zero stride) costs two flag reads and returns ``a``. A tensor two
    of whose elements share memory (an ``expand``, a stride-0 tensor however it was made: loaded, from NumPy
    stride tricks) gets torch's RuntimeError, or with ``overlap_ok`` (``fill_``/``zero_``, which torch allows)
    a view holding each memory location once. A read-only view whose elements are distinct (``expand`` to the
    same size) gets a writable alias of the same memory.
    """
    if a.flags.writeable and (a.flags.c_contiguous or 0 not in a.strides):
        return a
    if a.size > 1 and any(st == 0 and n > 1 for n, st in zip(a.shape, a.strides)):
        if not overlap_ok:
            raise RuntimeError(_OVERLAP)
        a = a[_distinct(a)]
    return a if a.flags.writeable else _writable_alias(a)


class _Interface:
    """What ``np.asarray`` reads to build an array on given memory; keeps that memory's array alive."""
    __slots__ = ("__array_interface__", "base")

    def __init__(self, interface, base):
        self.__array_interface__ = interface
        self.base = base


def _writable_alias(a):
    """A writable array on ``a``'s memory, for a view NumPy marks read-only (``broadcast_to``, stride tricks)
    although the memory it views is writable; memory that is itself read-only (a read-only buffer) refuses."""
    owner, o = a, a
    while o is not None:  # the chain may pass through non-array holders (stride tricks' DummyArray)
        if isinstance(o, np.ndarray):
            owner = o
        o = getattr(o, "base", None)
    if not owner.flags.writeable:
        raise RuntimeError("the tensor's memory is read-only (it wraps a read-only buffer); clone() it before "
                           "writing into it")
    interface = dict(a.__array_interface__)
    interface["data"] = (interface["data"][0], False)
    return np.asarray(_Interface(interface, a))


def _distinct(a):
    """An index keeping one element per memory location along every zero-stride dimension."""
    return tuple(slice(0, 1) if st == 0 else slice(None) for st in a.strides)


def _tracked(t, arr):
    """``arr``, an array read from tensor ``t`` (an index, a mask, a broadcast weight), as a tensor sharing ``t``'s
    version counter: ``apply`` hands the op the array, and an op saving it gets it version-checked, as torch
    checks the saved tensor. Anything not sharing ``t``'s memory passes unchanged."""
    if isinstance(t, Tensor) and isinstance(arr, np.ndarray) and np.may_share_memory(arr, t._data):
        return t if arr is t._data else make(arr, None, 0, t._vc)
    return arr


def _inplace_check(t):
    if _grad_state.enabled:
        fn = t.grad_fn
        if fn is None:
            x = t._x
            if x and "ngview" in x:  # a view made under no_grad of a tensor that requires grad (ops/shape.py)
                from .ops.shape import check_nograd_view
                check_nograd_view(t)
            if t._req:  # (a leaf that is a view of another tensor: torch names it so, ops/shape.py)
                raise RuntimeError(("a view of a leaf Variable" if x and x.get("base") is not None else
                                    "a leaf Variable") + " that requires grad is being used in an in-place operation.")
        elif getattr(getattr(fn, "_fn", None), "_multi_view", False):  # a piece of split/chunk/unbind
            from .ops.indexing import check_multi_view
            check_multi_view(t)


class Tensor:
    """A multi-dimensional array of one dtype that can record the operations applied to it.

    Make tensors with :func:`tensor` or the creation functions (``zeros``, ``arange``, ``rand``, ...), not with the
    class. Its data is a NumPy array; ``requires_grad=True`` makes it a leaf of the autograd graph, ``grad_fn`` names
    the operation that made a non-leaf, and ``backward()`` fills the ``.grad`` of the leaves. Most functions of the
    ``npgrad`` namespace are also methods (``x.exp()``), with in-place variants ending in ``_`` (``x.add_(1)``).
    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> y = (x * x).sum()
        >>> y
        tensor(30., grad_fn=<SumBackward0>)
        >>> y.backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
    """
    __slots__ = ("_data", "grad_fn", "_req", "_grad", "_v", "_nr", "_acc", "_x", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to the Tensor's reflected method

    if TYPE_CHECKING:  # the op-backed methods are bound at import (npgrad/_tensor_methods.py): to a type checker Any
        def __getattr__(self, name: str) -> Any: ...

    def __new__(cls, *args, **kwargs):
        """Legacy constructor: ``Tensor([1, 2])`` (float data) or ``Tensor(2, 3)`` (uninitialised shape)."""
        for k, v in kwargs.items():
            if k != "device":
                raise TypeError(f"new() received an invalid combination of arguments - got an unexpected keyword "
                                f"argument '{k}'")
            check_device(v)
        t = _new(cls)
        if len(args) == 1 and not isinstance(args[0], int):
            arr = np.array(args[0].__array__() if isinstance(args[0], Tensor) else args[0],
                           dtype=_dtype.get_default_dtype().np)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            arr = np.empty(tuple(shape), dtype=_dtype.get_default_dtype().np)
        t._data = arr
        t.grad_fn = None
        t._req = False
        t._grad = None
        t._vc = [0]
        t._nr = 0
        t._acc = None
        t._x = None
        return t

    @property
    def _vc(self):
        """The version counter, a one-element list shared by views and ``detach()``: made on first use, so an
        op's result that is never viewed, written in place or saved costs no list (and no GC-tracked object)."""
        v = self._v
        if v is None:
            with _vc_lock:  # two threads making it at once must end up with one list
                v = self._v
                if v is None:
                    v = self._v = [0]
        return v

    @_vc.setter
    def _vc(self, value):
        self._v = value

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self):
        """The tensor's size along each dim, as an :class:`npgrad.Size` (a tuple).
        Example:
            >>> import npgrad as torch
            >>> x = torch.zeros(2, 3)
            >>> x.shape == (2, 3), x.shape[0], len(x.shape)
            (True, 2, 2)
        """
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape, or the size of one dim.

        Args:
            dim (int, optional): the dim to give the size of.

        Returns:
            npgrad.Size or int: the whole shape, or ``self.shape[dim]``.

        Example:
            >>> import npgrad as torch
            >>> x = torch.zeros(2, 3)
            >>> x.size() == (2, 3)
            True
            >>> x.size(1), x.size(-2)
            (3, 2)
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[norm_dim(dim, self._data.ndim)]

    def dim(self):
        """The number of dimensions of ``self``.

        ``ndimension()`` and the ``ndim`` property are the same.

        Returns:
            int: ``len(self.shape)``.

        Example:
            >>> import npgrad as torch
            >>> torch.zeros(2, 3).dim()
            2
            >>> torch.tensor(1.5).dim()
            0
        """
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        """The number of dimensions (the same as ``dim()``).
        Example:
            >>> import npgrad as torch
            >>> torch.zeros(2, 3, 4).ndim
            3
        """
        return self._data.ndim

    def numel(self):
        """The number of elements.

        ``nelement()`` is the same.

        Returns:
            int: the product of the shape.

        Example:
            >>> import npgrad as torch
            >>> torch.zeros(2, 3).numel()
            6
        """
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        """The element type of the tensor (a :class:`npgrad.dtype` such as ``npgrad.float32``).
        Example:
            >>> import npgrad as torch
            >>> torch.tensor([1, 2]).dtype == torch.int64
            True
            >>> torch.tensor([1.5]).dtype == torch.float32
            True
        """
        return from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        """The device the tensor is on: ``device(type='cpu')`` for every npgrad tensor.
        Example:
            >>> import npgrad as torch
            >>> torch.zeros(2).device
            device(type='cpu')
        """
        return _CPU

    is_cuda = False
    is_cpu = True

    @property
    def layout(self):
        """The storage layout: ``npgrad.strided`` (dense) for every npgrad tensor.
        Example:
            >>> import npgrad as torch
            >>> torch.zeros(1).layout == torch.strided
            True
        """
        return _dtype.strided
    is_sparse = False
    is_quantized = False
    is_meta = False
    # the other backends' and layouts' flags torch tensors carry (a CPU build's dense tensor: all False)
    is_xpu = is_mps = is_ipu = is_maia = is_mtia = is_xla = is_vulkan = is_mkldnn = False
    is_nested = is_sparse_csr = False

    def get_device(self):
        """The device index: -1 for a CPU tensor (every npgrad tensor).

        Returns:
            int: -1.

        Example:
            >>> import npgrad as torch
            >>> torch.zeros(1).get_device()
            -1
        """
        return -1

    def element_size(self):
        """The size of one element in bytes.

        Returns:
            int: the dtype's item size.

        Example:
            >>> import npgrad as torch
            >>> torch.zeros(2).element_size()
            4
            >>> torch.zeros(2, dtype=torch.int16).element_size()
            2
        """
        return self._data.itemsize

    @property
    def itemsize(self):
        """The size of one element in bytes (the same as ``element_size()``).
        Example:
            >>> import npgrad as torch
            >>> torch.zeros(1, dtype=torch.float64).itemsize
            8
        """
        return self._data.itemsize

    @property
    def nbytes(self):
        """The number of bytes the tensor's elements take (``numel() * element_size()``).
        Example:
            >>> import npgrad as torch
            >>> torch.zeros(2, 3).nbytes
            24
        """
        return self._data.nbytes

    def is_floating_point(self):
        """Whether the dtype is a floating-point type.

        Returns:
            bool: True for float16/bfloat16/float32/float64.

        Example:
            >>> import npgrad as torch
            >>> torch.tensor([1.0]).is_floating_point(), torch.tensor([1]).is_floating_point()
            (True, False)
        """
        return _dtype.is_float_np(self._data.dtype)

    def is_complex(self):
        """Whether the dtype is complex: npgrad has no complex dtypes (see :doc:`/differences`), so False.

        Returns:
            bool: False.

        Example:
            >>> import npgrad as torch
            >>> torch.tensor([1.0]).is_complex()
            False
        """
        return False

    def is_contiguous(self, memory_format=None):
        """Whether the elements are laid out contiguously in memory in the given order.

        Args:
            memory_format (npgrad.memory_format, optional): ``contiguous_format`` (row-major, the default) or
                ``channels_last``.

        Returns:
            bool: True when no copy is needed for that layout.

        Example:
            >>> import npgrad as torch
            >>> x = torch.zeros(2, 3)
            >>> x.is_contiguous(), x.t().is_contiguous()
            (True, False)
        """
        if memory_format is None or memory_format is _dtype.contiguous_format:
            return self._data.flags.c_contiguous
        rank = _dtype._CHANNELS_RANK.get(memory_format)
        if rank is None:
            raise RuntimeError(f"is_contiguous: memory format {memory_format} is not supported (use "
                               f"contiguous_format, channels_last or channels_last_3d)")
        a = self._data  # channels-last: contiguous once the channel dim is moved last
        return a.ndim == rank and np.moveaxis(a, 1, -1).flags.c_contiguous

    def stride(self, dim=None):
        """The strides, in elements: how far to step in memory for one step along each dim.

        Args:
            dim (int, optional): the dim to give the stride of.

        Returns:
            tuple of ints or int: all strides, or one.

        Example:
            >>> import npgrad as torch
            >>> x = torch.zeros(2, 3)
            >>> x.stride()
            (3, 1)
            >>> x.t().stride()
            (1, 3)
            >>> x.stride(0)
            3
        """
        a = self._data
        if a.flags.c_contiguous:  # torch's convention: strides of the contiguous layout, whatever NumPy says
            st, acc = [], 1
            for n in reversed(a.shape):
                st.append(acc)
                acc *= max(n, 1)
            st = tuple(reversed(st))
        else:
            st = tuple(s // a.itemsize for s in a.strides)
        return st if dim is None else st[norm_dim(dim, self._data.ndim)]

    def data_ptr(self):
        """The address of the tensor's first element in memory (views of one tensor share their storage's addresses).

        ``const_data_ptr`` is the same.

        Returns:
            int: the address.

        Example:
            >>> import npgrad as torch
            >>> x = torch.arange(4)
            >>> x[1:].data_ptr() - x.data_ptr() == x.element_size()
            True
            >>> x.clone().data_ptr() == x.data_ptr()
            False
        """
        return self._data.__array_interface__["data"][0]

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self):
        """Whether operations on this tensor are recorded so that gradients can flow back to it.

        It can be set on leaves; results of recorded operations on a tensor that requires grad require grad too.
        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0])
            >>> x.requires_grad
            False
            >>> x.requires_grad = True
            >>> (x * 2).requires_grad
            True
        """
        return self._req

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        """Sets ``requires_grad`` in place and returns ``self``.

        Only leaves can change it (a non-leaf raises ``RuntimeError``).

        Args:
            requires_grad (bool, optional): the new setting (default True).

        Returns:
            Tensor: ``self``.

        Example:
            >>> import npgrad as torch
            >>> w = torch.zeros(2).requires_grad_()
            >>> w.requires_grad, w.is_leaf
            (True, True)
        """
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use "
                                   "a computed variable in a subgraph that doesn't require differentiation use "
                                   "var_no_grad = var.detach().")
            return self
        if requires_grad and not _dtype.is_float_np(self._data.dtype):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        if requires_grad and self._x is not None and self._x.get("inference") and not _grad_state.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not "
                               "allowed.")
        x = self._x
        if not requires_grad and x and "ngview" in x and x["base"]._req:
            return self  # a view made under no_grad of a tensor that requires grad: its base decides (ops/shape.py)
        self._req = bool(requires_grad)
        return self

    def is_inference(self):
        """Whether the tensor was made inside ``inference_mode``.

        Returns:
            bool: True for inference tensors.

        Example:
            >>> import npgrad as torch
            >>> with torch.inference_mode():
            ...     y = torch.ones(1)
            >>> y.is_inference(), torch.ones(1).is_inference()
            (True, False)
        """
        return bool(self._x is not None and self._x.get("inference"))

    @property
    def is_leaf(self):
        """Whether the tensor is a leaf of the autograd graph: made by the user (not by a recorded operation) or not
        requiring grad.

        Only leaves that require grad get ``.grad`` filled by ``backward()``.
        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0], requires_grad=True)
            >>> x.is_leaf, (x * 2).is_leaf, torch.ones(1).is_leaf
            (True, False, True)
        """
        return self.grad_fn is None

    # (correctness helper: views, ops/shape.py mark_nograd_view / track_view)
    @property
    def _base(self):
        """The tensor this one is a view of (the root: a view of a view names the first base), or None.

        Example:
            >>> import npgrad as torch
            >>> x = torch.zeros(2, 3)
            >>> x.T._base is x, x.T[0]._base is x, x._base, x.T._is_view()
            (True, True, None, True)
        """
        x = self._x
        return x.get("base") if x else None

    def _is_view(self):
        """Whether this tensor is a view of another (``_base`` is not None)."""
        x = self._x
        return bool(x) and x.get("base") is not None

    @property
    def grad(self):
        """The gradient accumulated into this tensor by ``backward()`` (None until one arrives).

        Only leaves that require grad get one (and non-leaves after ``retain_grad()``). It can be set and deleted;
        optimizers read it and ``zero_grad`` clears it.
        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
            >>> x.grad is None
            True
            >>> (x ** 2).sum().backward()
            >>> x.grad
            tensor([2., 4.])
        """
        if self.grad_fn is not None and self._grad is None and not self.retains_grad:
            _warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf "
                "Tensor by mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information.", UserWarning)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.dtype != self._data.dtype or self._x:  # dtype must be the leaf's grad_dtype
                from .ops.surface_extra import check_assigned_grad_dtype
                check_assigned_grad_dtype(self, value)
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"assigned grad has data of a different size: expected "
                                   f"{list(self._data.shape)}, got {list(value._data.shape)}")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def _version(self):
        v = self._v
        return 0 if v is None else v[0]

    @property
    def output_nr(self):
        """Which output of its ``grad_fn`` this tensor is (0 for leaves and single-output operations).
        Example:
            >>> import npgrad as torch
            >>> a, b = torch.tensor([1.0, 2.0], requires_grad=True).unbind()
            >>> a.output_nr, b.output_nr
            (0, 1)
        """
        return self._nr

    @property
    def data(self):
        """The same storage, outside autograd (its own version counter, as in torch).

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
            >>> d = x.data
            >>> d.requires_grad
            False
            >>> d[0] = 5.0
            >>> x
            tensor([5., 2.], requires_grad=True)
        """
        return make(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):  # torch: only a tensor can replace .data
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    def detach(self):
        """A tensor sharing storage and version counter, cut off from the graph.

        >>> import npgrad as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> y = (x * 3).detach()
        >>> y.requires_grad, y.grad_fn
        (False, None)
        """
        return make(self._data, None, 0, self._vc)

    def detach_(self):
        """Detaches ``self`` from the graph in place: it becomes a leaf that does not require grad.

        Returns:
            Tensor: ``self``.

        Example:
            >>> import npgrad as torch
            >>> y = torch.tensor([1.0], requires_grad=True) * 2
            >>> y.detach_()
            tensor([2.])
            >>> y.is_leaf, y.requires_grad
            (True, False)
        """
        self.grad_fn = None
        self._req = False
        return self

    @property
    def retains_grad(self):
        """Whether ``retain_grad()`` was called on this non-leaf, so ``backward()`` will fill its ``.grad``.
        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0], requires_grad=True)
            >>> y = x * 2
            >>> y.retain_grad()
            >>> y.retains_grad, x.retains_grad
            (True, False)
        """
        fn = self.grad_fn
        return fn is not None and fn._retain is not None and self._nr in fn._retain

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` during backward.

        >>> import npgrad as torch
        >>> x = torch.tensor(2.0, requires_grad=True)
        >>> y = x * x
        >>> y.retain_grad()
        >>> (y * 3).backward()
        >>> y.grad, x.grad
        (tensor(3.), tensor(12.))
        """
        if not self._req:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        fn = self.grad_fn
        if fn is None:
            return
        with hooks_lock:  # threads retaining outputs of one node at once must not lose a table
            if fn._retain is None:
                fn._retain = {}
            fn._retain[self._nr] = weakref.ref(self)
            fn._general = True  # the engine's general path runs retain_grad

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient is computed; a returned tensor replaces it.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
            >>> h = x.register_hook(lambda g: g * 10)
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([20., 40.])
            >>> h.remove()
        """
        if not self._req:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        fn = self.grad_fn
        with hooks_lock:  # threads registering at once must not lose a table
            if fn is None:
                x = self._extra()
                x["hooks"], h = add_hook(x.get("hooks"), hook)
                return h
            if fn._tensor_pre is None:
                fn._tensor_pre = {}
            fn._tensor_pre[self._nr], h = add_hook(fn._tensor_pre.get(self._nr), hook)
            fn._general = True  # the engine's general path runs hooks
        return h

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs after a leaf's ``.grad`` has been accumulated.

        Example:
            >>> import npgrad as torch
            >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
            >>> seen = []
            >>> h = w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.clone()))
            >>> (3 * w).sum().backward()
            >>> seen
            [tensor([3., 3.])]
            >>> h.remove()
        """
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._req:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        with hooks_lock:
            x = self._extra()
            x["post_acc"], h = add_hook(x.get("post_acc"), hook)
        return h

    def _extra(self):
        if self._x is None:
            self._x = {}
        return self._x

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (times ``gradient`` for non-scalars).

        Args:
            gradient (Tensor, optional): the vector of the vector-Jacobian product, shaped like ``self``;
                may be left out when ``self`` has one element.
            retain_graph (bool, optional): keep the graph's saved values for another backward (default:
                ``create_graph``).
            create_graph (bool): record the backward pass itself, for higher-order gradients.
            inputs (sequence of Tensor, optional): accumulate into these tensors only.

        Gradients accumulate: call ``zero_()`` on ``.grad`` (or set it to ``None``) between steps.

        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x ** 2).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
        >>> y = x * 2                                   # non-scalar output: pass the vector
        >>> y.backward(torch.tensor([1.0, 0.0, 1.0]))
        >>> x.grad                                      # accumulated onto the first gradient
        tensor([4., 4., 8.])
        """
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force=False):
        """The tensor's data as a NumPy array, sharing memory with it (changes to one show in the other).

        A tensor that requires grad raises ``RuntimeError`` unless ``force=True`` (or use ``detach().numpy()``).

        Args:
            force (bool, optional): allow a tensor that requires grad (its data is detached first).

        Returns:
            numpy.ndarray: the array, of the tensor's shape and matching dtype.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.0, 2.0])
            >>> a = x.numpy()
            >>> a[0] = -1.0
            >>> x
            tensor([-1.,  2.])
        """
        if self._req and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        a = self._data
        if a.dtype.kind == "V":   # ml_dtypes' bfloat16, which torch's numpy() does not hand out
            raise TypeError("Got unsupported ScalarType BFloat16")
        return a

    def __array__(self, dtype=None, copy=None):
        if self._req:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        a = self._data
        if a.dtype.kind == "V":   # bfloat16: as numpy()
            raise TypeError("Got unsupported ScalarType BFloat16")
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def item(self):
        """The value of a one-element tensor as a Python number.

        Tensors of more than one element raise ``RuntimeError``.

        Returns:
            int, float or bool: the element (a Python ``float`` for floating dtypes, ``int`` for integers, ``bool``
                for bool).

        Example:
            >>> import npgrad as torch
            >>> torch.tensor([2.5]).item()
            2.5
            >>> torch.tensor(3).item()
            3
            >>> torch.tensor([[True]]).item()
            True
        """
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        """The data as (nested) Python lists of Python numbers.

        Returns:
            list or number: a number for a 0-d tensor.

        Example:
            >>> import npgrad as torch
            >>> torch.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
            >>> torch.tensor(2.5).tolist()
            2.5
        """
        return self._data.tolist()

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._req and _grad_state.enabled:
            _warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                          "behavior.\nConsider using tensor.detach() first.", UserWarning)
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with " + ("no values" if self._data.size == 0 else
                               "more than one value") + " is ambiguous")
        return bool(self._data.item())

    def __complex__(self):
        return complex(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        suffixes = []
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn=<{type(self.grad_fn).__name__}>")  # name() may carry a C++ namespace
        elif self._req:
            suffixes.append("requires_grad=True")
        prefix = "tensor(" if type(self) is Tensor or type(self).__name__ == "Tensor" else None
        if prefix is None:
            return _subclass_repr(self, suffixes)
        return format_tensor(self._data, self._data.dtype.name, suffixes=suffixes,
                             default_float=_dtype.get_default_dtype().name)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data, self._req))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                               "be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        t = _new(type(self))
        t._data = _deepcopy_array(self._data, memo)
        t.grad_fn = None
        t._req = self._req
        t._grad = None if self._grad is None else self._grad.__deepcopy__(memo)
        t._vc = [1]  # torch's copy gets its storage by set_, which counts as one write
        t._nr = 0
        t._acc = None
        t._x = None
        memo[id(self)] = t
        d = getattr(self, "__dict__", None)  # a subclass's own attributes
        if d:
            t.__dict__.update(copy.deepcopy(d, memo))
        return t

    # ------------------------------------------------------------------ dtype and device
    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(other)``, ``to(device, dtype)``; returns self when nothing changes.

        ``dtype`` may be Python's ``float``/``int``/``bool`` (float64/int64/bool, as torch); ``non_blocking`` is a
        hint with no effect on the CPU; ``copy=True`` always copies; ``memory_format`` is checked as torch does.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.5, 2.5])
            >>> x.to(torch.int64)
            tensor([1, 2])
            >>> x.to('cpu') is x
            True
            >>> x.to(torch.tensor([1], dtype=torch.float64)).dtype == torch.float64
            True
        """
        if len(args) == 1 and not kwargs and type(args[0]) is _dtype.dtype:  # the common x.to(dtype)
            dtype = args[0]
            return self if dtype.np == self._data.dtype else _S.to_copy(self, dtype)
        dtype, copy = _parse_to(args, kwargs)
        if dtype is None or dtype.np == self._data.dtype:
            return self.clone() if copy else self
        return _S.to_copy(self, dtype)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """With no argument, the tensor's type name (``'torch.FloatTensor'`` as in torch); with one, a copy of that
        type.

        Args:
            dtype (str, npgrad.dtype or legacy tensor type, optional): the type to convert to.
            non_blocking (bool, optional): ignored on the CPU.

        Returns:
            str or Tensor: the type name, or the converted tensor.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.5])
            >>> x.type()
            'torch.FloatTensor'
            >>> x.type(torch.int64)
            tensor([1])
            >>> x.type('torch.DoubleTensor').dtype == torch.float64
            True
        """
        names = _dtype.TENSOR_TYPES
        if kwargs:
            raise TypeError(f"type() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if dtype is None:
            return "torch." + names[self._data.dtype.name]
        if isinstance(dtype, str):
            by_name = {f"{p}.{v}": k for k, v in names.items() for p in ("torch", "npgrad")}
            if dtype.startswith(("torch.cuda.", "npgrad.cuda.")) and dtype.split(".")[-1] in names.values():
                raise RuntimeError("Cannot initialize CUDA without ATen_cuda library (npgrad is CPU-only)")
            if dtype not in by_name:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = _dtype._NAMES[by_name[dtype]]
        elif type(dtype) is not _dtype.dtype:
            from ._legacy import _LegacyType
            if isinstance(dtype, _LegacyType):  # x.type(torch.LongTensor): the legacy class names its dtype
                if dtype._cuda:
                    raise RuntimeError("Cannot initialize CUDA without ATen_cuda library (npgrad is CPU-only)")
                dtype = dtype.dtype
            elif dtype is Tensor:
                dtype = _dtype.get_default_dtype()
            else:
                raise ValueError(f"invalid type: '{getattr(dtype, '__name__', dtype)}'")
        return self.to(dtype)

    def float(self):
        """``self.to(npgrad.float32)``: a copy converted to float32 (``self`` itself when it already is one).

        Returns:
            Tensor: a float32 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.float().tolist()
            [1.7000000476837158, 0.0, 2.299999952316284]
            >>> x.float().dtype == torch.float32
            True
        """
        return self.to(_dtype.float32)

    def double(self):
        """``self.to(npgrad.float64)``: a copy converted to float64 (``self`` itself when it already is one).

        Returns:
            Tensor: a float64 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.double().tolist()
            [1.7000000476837158, 0.0, 2.299999952316284]
            >>> x.double().dtype == torch.float64
            True
        """
        return self.to(_dtype.float64)

    def half(self):
        """``self.to(npgrad.float16)``: a copy converted to float16 (``self`` itself when it already is one).

        Returns:
            Tensor: a float16 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.half().tolist()
            [1.7001953125, 0.0, 2.30078125]
            >>> x.half().dtype == torch.float16
            True
        """
        return self.to(_dtype.float16)

    def bfloat16(self):
        """``self.to(npgrad.bfloat16)``: a copy converted to bfloat16 (``self`` itself when it already is one).

        Returns:
            Tensor: a bfloat16 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.bfloat16().tolist()
            [1.703125, 0.0, 2.296875]
            >>> x.bfloat16().dtype == torch.bfloat16
            True
        """
        return self.to(_dtype.bfloat16)

    def long(self):
        """``self.to(npgrad.int64)``: a copy converted to int64 (``self`` itself when it already is one).

        Returns:
            Tensor: an int64 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.long().tolist()
            [1, 0, 2]
            >>> x.long().dtype == torch.int64
            True
        """
        return self.to(_dtype.int64)

    def int(self):
        """``self.to(npgrad.int32)``: a copy converted to int32 (``self`` itself when it already is one).

        Returns:
            Tensor: an int32 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.int().tolist()
            [1, 0, 2]
            >>> x.int().dtype == torch.int32
            True
        """
        return self.to(_dtype.int32)

    def short(self):
        """``self.to(npgrad.int16)``: a copy converted to int16 (``self`` itself when it already is one).

        Returns:
            Tensor: an int16 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.short().tolist()
            [1, 0, 2]
            >>> x.short().dtype == torch.int16
            True
        """
        return self.to(_dtype.int16)

    def bool(self):
        """``self.to(npgrad.bool)``: a copy converted to bool (``self`` itself when it already is one).

        Returns:
            Tensor: a bool tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.bool().tolist()
            [True, False, True]
            >>> x.bool().dtype == torch.bool
            True
        """
        return self.to(_dtype.bool)

    def byte(self):
        """``self.to(npgrad.uint8)``: a copy converted to uint8 (``self`` itself when it already is one).

        Returns:
            Tensor: an uint8 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.byte().tolist()
            [1, 0, 2]
            >>> x.byte().dtype == torch.uint8
            True
        """
        return self.to(_dtype.uint8)

    def char(self):
        """``self.to(npgrad.int8)``: a copy converted to int8 (``self`` itself when it already is one).

        Returns:
            Tensor: an int8 tensor; gradients flow back through the conversion when both dtypes are floating point.

        Example:
            >>> import npgrad as torch
            >>> x = torch.tensor([1.7, 0.0, 2.3])
            >>> x.char().tolist()
            [1, 0, 2]
            >>> x.char().dtype == torch.int8
            True
        """
        return self.to(_dtype.int8)

    def type_as(self, other):
        """A copy converted to ``other``'s dtype (``self`` itself when they match).

        Args:
            other (Tensor): the tensor whose dtype is taken.

        Returns:
            Tensor: ``self.to(other.dtype)``.

        Example:
            >>> import npgrad as torch
            >>> torch.tensor([1.7, 2.2]).type_as(torch.tensor([1]))
            tensor([1, 2])
        """
        return self.to(tensor_arg(other, "type_as").dtype)

    def cpu(self):
        """``self`` on the CPU: npgrad tensors always are, so ``self`` itself comes back.

        Returns:
            Tensor: ``self``.

        Example:
            >>> import npgrad as torch
            >>> x = torch.ones(2)
            >>> x.cpu() is x
            True
        """
        return self

    def cuda(self, device=None, non_blocking=False):
        """A copy on a CUDA device; npgrad has none, so this raises as torch does without CUDA.

        Args:
            device (int or npgrad.device, optional): the CUDA device.
            non_blocking (bool, optional): ignored by torch for CPU sources.

        Returns:
            Tensor: never returns in npgrad.

        Example:
            >>> import npgrad as torch
            >>> torch.cuda.is_available()
            False
        """
        check_device("cuda")

    def pin_memory(self, device=None):
        """A copy in pinned memory; npgrad has no accelerator to pin memory for, so this raises as torch does without
        one.

        Args:
            device (str, optional): the accelerator.

        Returns:
            Tensor: never returns in npgrad.

        Example:
            >>> import npgrad as torch
            >>> torch.cuda.is_available()
            False
        """
        raise RuntimeError("Cannot access accelerator device when none is available.")  # as torch's CPU build

    def is_pinned(self, device=None):
        """Whether the tensor is in pinned (page-locked) memory: never in npgrad.

        Args:
            device (str, optional): the accelerator the memory would be pinned for.

        Returns:
            bool: False.

        Example:
            >>> import npgrad as torch
            >>> torch.ones(1).is_pinned()
            False
        """
        return False

    def share_memory_(self):
        """Moves the values to shared memory (npgrad/multiprocessing/_shared.py): handed to another process
        (``npgrad.multiprocessing``'s ``Process`` arguments, ``Queue``, ``Pipe``) the tensor is the same memory there.
        Views made before the move keep the old memory. Does nothing if already shared.

        Returns:
            Tensor: ``self``.

        Example:
            >>> import npgrad as torch
            >>> x = torch.ones(2)
            >>> x.share_memory_() is x, x.is_shared()
            (True, True)
        """
        from .multiprocessing import _shared
        if _shared.region_of(self._data) is None:
            self._data = _shared.share(self._data)
        return self

    def is_shared(self):
        """Whether the values are in shared memory (``share_memory_``, or received from another process so).

        Example:
            >>> import npgrad as torch
            >>> torch.ones(2).is_shared()
            False
        """
        from .multiprocessing import _shared
        return _shared.region_of(self._data) is not None

    # ------------------------------------------------------------------ arithmetic (delegations)
    def __add__(self, other):
        return _P.Add.apply(self, other)  # straight to the op: the dunders are the hottest path

    def __radd__(self, other):
        return _P.Add.apply(self, other)

    def __sub__(self, other):
        return _P.sub(self, other)

    def __rsub__(self, other):
        return _P.rsub(self, other)

    def __mul__(self, other):
        return _P.Mul.apply(self, other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return _P.Div.apply(self, other)

    def __rtruediv__(self, other):
        return _P.rdiv(self, other)

    def __floordiv__(self, other):
        return _P.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _P.floor_divide(_as_tensor_like(other, self), self)

    def __mod__(self, other):
        return _P.remainder(self, other)

    def __rmod__(self, other):
        return _P.remainder(other, self)

    def __pow__(self, other):
        return _P.pow(self, other)

    def __rpow__(self, other):
        return _P.rpow(self, other)

    def __matmul__(self, other):
        return _L.matmul(self, other)

    def __rmatmul__(self, other):
        return _L.matmul(_as_tensor_like(other, self), self)

    def __neg__(self):
        return _P.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _P.abs(self)

    def __invert__(self):
        return _P.bitwise_not(self)

    def __and__(self, other):
        return _P.bitwise_and(self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _P.bitwise_or(self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _P.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __lshift__(self, other):
        return _C.bitwise_left_shift(self, other)

    def __rshift__(self, other):
        return _C.bitwise_right_shift(self, other)

    def __rlshift__(self, other):
        return _C.bitwise_left_shift(other, self)

    def __rrshift__(self, other):
        return _C.bitwise_right_shift(other, self)

    def __eq__(self, other):
        return _C._compare(np.equal, self, other)  # the operator: ``t == None`` is False (the function raises)

    def __ne__(self, other):
        return _C._compare(np.not_equal, self, other)  # the operator: ``t == None`` is False (the function raises)

    def __lt__(self, other):
        return _C._compare(np.less, self, other)  # the operator: ``t == None`` is False (the function raises)

    def __le__(self, other):
        return _C._compare(np.less_equal, self, other)  # the operator: ``t == None`` is False (the function raises)

    def __gt__(self, other):
        return _C._compare(np.greater, self, other)  # the operator: ``t == None`` is False (the function raises)

    def __ge__(self, other):
        return _C._compare(np.greater_equal, self, other)  # the operator: ``t == None`` is False (the function raises)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __ipow__(self, other):
        return self.pow_(other)

    def __getitem__(self, index):
        return _I.getitem(self, index)

    def __setitem__(self, index, value):
        _I.setitem(self, index, value)

    # NumPy interop: ufuncs and array functions on Tensors become recorded npgrad ops
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from .ops import numpy_interop
        return numpy_interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from .ops import numpy_interop
        return numpy_interop.array_function(func, types, args, kwargs)

    # in-place methods (zero_, fill_, add_, ...) are bound by ops/inplace.py


_TO_KW = ("device", "dtype", "non_blocking", "copy", "memory_format", "tensor")


def _parse_to(args, kwargs):
    """Tensor.to's overloads: (device=None, dtype=None, non_blocking, copy), (dtype, non_blocking, copy),
    (tensor, non_blocking, copy), with memory_format keyword-only. Returns (dtype or None, copy)."""
    for k in kwargs:
        if k not in _TO_KW:
            raise TypeError(f"to() got an unexpected keyword argument '{k}'")
    args = list(args)
    dtype = kwargs.get("dtype")
    other = kwargs.get("tensor")
    if args and isinstance(args[0], Tensor):
        other = args.pop(0)
    elif args and isinstance(args[0], int) and not isinstance(args[0], _pybool):  # a device index
        raise RuntimeError(f"Cannot access accelerator device {args[0]} when none is available.")
    elif args and (isinstance(args[0], (str, device)) or args[0] is None):
        check_device(args.pop(0))
        if args and not isinstance(args[0], _pybool) and args[0] is not None:
            dtype = args.pop(0)
    elif args and not isinstance(args[0], _pybool):
        dtype = args.pop(0)
    check_device(kwargs.get("device"))
    if other is not None:
        if not isinstance(other, Tensor):
            raise TypeError(f"to(): argument 'tensor' must be Tensor, not {type(other).__name__}")
        dtype = other.dtype
    non_blocking = kwargs.get("non_blocking", args.pop(0) if args else False)
    copy = kwargs.get("copy", args.pop(0) if args else False)
    if args:
        raise TypeError(f"to() takes at most 4 positional arguments: {len(args)} too many")
    for name, v in (("non_blocking", non_blocking), ("copy", copy)):
        if not isinstance(v, (_pybool, np.bool_)):
            raise TypeError(f"to(): argument '{name}' must be bool, not {type(v).__name__}")
    mf = kwargs.get("memory_format")
    if mf is not None:
        from ._creation import _check_memory_format
        if mf is not _dtype.preserve_format and mf is not _dtype.contiguous_format:
            _check_memory_format(mf, "to")
    return _dtype.parse(dtype, "to"), copy


_pybool = True.__class__


def _subclass_repr(t, suffixes):
    name = type(t).__name__
    body = format_tensor(t._data, t._data.dtype.name, suffixes=(),
                         default_float=_dtype.get_default_dtype().name)
    if name == "Parameter":
        return "Parameter containing:\n" + body[:-1] + (", requires_grad=True)" if t._req else ")")
    return body


def _deepcopy_array(a, memo):
    """A copy of ``a`` that keeps sharing memory with everything else copied with the same ``memo``: the memory's
    owner array is copied once (through ``memo``, as torch copies a storage once) and ``a`` becomes the same
    view of the copy, so deep-copying ``{'a': a, 'b': a[1:3]}`` keeps ``b`` a view of ``a``, strides included."""
    owner, o = None, a
    while o is not None:  # the chain may pass through non-array holders (stride tricks' DummyArray)
        if isinstance(o, np.ndarray):
            owner = o
        o = getattr(o, "base", None)
    if owner is a or not owner.flags.c_contiguous:
        return copy.deepcopy(a, memo) if owner is a else a.copy()
    new_owner = copy.deepcopy(owner, memo)
    offset = a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    view = np.ndarray(a.shape, a.dtype, buffer=new_owner, offset=offset, strides=a.strides)
    if not a.flags.writeable:
        view.flags.writeable = False
    return view


def _rebuild(data, requires_grad):
    t = make(np.array(data))
    t._req = requires_grad
    return t


def _as_tensor_like(x, like):
    if isinstance(x, Tensor):
        return x
    from ._creation import tensor
    arr = np.asarray(x)
    if _dtype.is_float_np(arr.dtype) and _dtype.is_float_np(like._data.dtype):
        arr = arr.astype(like._data.dtype)
    return tensor(arr) if isinstance(x, np.ndarray) else make(np.asarray(x, dtype=_scalar_dtype(x, like)))


def _scalar_dtype(x, like):
    if isinstance(x, bool):
        return np.bool_
    if isinstance(x, int):
        return like._data.dtype if like._data.dtype.kind in "iu" or _dtype.is_float_np(like._data.dtype) else np.int64
    return like._data.dtype if _dtype.is_float_np(like._data.dtype) else _dtype.get_default_dtype().np


_function.Tensor = Tensor
_function.make = make

from .ops import pointwise as _P, shape as _S, indexing as _I, linalg as _L, reduction as _R  # noqa: E402

# The op-backed methods (Tensor.sum, Tensor.exp_, Tensor.T ...) are not in this class body: npgrad/_tensor_methods.py
# lists every one with the function it comes from and attaches them once all op modules are imported.
from .ops import joining as _J, scatter as _SC  # noqa: E402,F401
from .ops import (pointwise_unary as _U, pointwise_special as _PS, pointwise_ternary as _PT, inplace as _IP,  # noqa: E402,F401
                  comparison as _C, reduction_sort as _RS)
