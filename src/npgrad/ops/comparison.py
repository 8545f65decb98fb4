"""Comparisons, predicates and logical/bitwise ops: no gradient, bool (or integer) results.

Comparisons promote their operands as torch does first (``int_tensor < 2.5`` compares as float).
"""
import numpy as np
from .._dtype import is_float_np
from .._xp import xp

from ..autograd.function import Function
from ..autograd.grad_mode import state
from .._dtype import result_np
from .. import _tensor as _t
from .pointwise import refuse, zeros_of, TYPE_NAMES

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal", "not_equal",
           "isclose", "allclose", "equal", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal",
           "signbit", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_not", "bitwise_and",
           "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"]


def _data(x):
    return x._data if isinstance(x, _t.Tensor) else x


def _compare(np_fn, input, other):
    """Comparisons: no gradient, a bool result, operands promoted as torch does first."""
    a, b = _data(input), _data(other)
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        if a.dtype != b.dtype:
            rt = result_np([a, b])
            a, b = a.astype(rt, copy=False), b.astype(rt, copy=False)
    elif b is None or isinstance(b, (list, tuple, str)):
        if np_fn is xp.equal:  # ``t == None`` is False, as for any object
            return False
        if np_fn is xp.not_equal:
            return True
        return NotImplemented
    elif isinstance(b, float) and a.dtype.kind in "iub":
        a = a.astype(result_np([a, b]))  # int tensor vs float number: compare in the default float dtype
    try:
        return _t.make(np_fn(a, b))
    except ValueError:
        _no_broadcast(a, b)
        raise


def _operand(name, x):
    """The functions (``eq(t, x)``, ``t.eq(x)``) take a tensor or a number; only the operators (``t == None``)
    answer False/True/NotImplemented for other objects, as torch."""
    if isinstance(x, (_t.Tensor, bool, int, float, np.ndarray, np.generic)):
        return x
    raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor or Number, not {type(x).__name__}")


def _no_broadcast(a, b):
    """Shapes that do not broadcast: torch's RuntimeError naming both sizes, not NumPy's message."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        from .._shape import broadcast_shapes
        broadcast_shapes(a.shape, b.shape)


def eq(input, other):
    """Element-wise ``input == other``.

    The same as the ``==`` operator on tensors. Comparisons never carry a gradient.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the value to compare with, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.eq(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 1], [4, 4]]))
        tensor([[ True, False],
                [False,  True]])
        >>> torch.eq(torch.tensor([1.0, 2.0, 3.0]), 2)
        tensor([False,  True, False])
    """
    return _compare(xp.equal, input, _operand("eq", other))


def ne(input, other):
    """Element-wise ``input != other``.

    The same as the ``!=`` operator on tensors. Comparisons never carry a gradient.

    ``npgrad.not_equal`` is an alias.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the value to compare with, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.ne(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 1], [4, 4]]))
        tensor([[False,  True],
                [ True, False]])
        >>> torch.ne(torch.tensor([1.0, 2.0, 3.0]), 2)
        tensor([ True, False,  True])
    """
    return _compare(xp.not_equal, input, _operand("ne", other))


def lt(input, other):
    """Element-wise ``input < other``.

    The same as the ``<`` operator on tensors. Comparisons never carry a gradient.

    ``npgrad.less`` is an alias.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the value to compare with, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.lt(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 1], [4, 4]]))
        tensor([[False, False],
                [ True, False]])
        >>> torch.lt(torch.tensor([1.0, 2.0, 3.0]), 2)
        tensor([ True, False, False])
    """
    return _compare(xp.less, input, _operand("lt", other))


def le(input, other):
    """Element-wise ``input <= other``.

    The same as the ``<=`` operator on tensors. Comparisons never carry a gradient.

    ``npgrad.less_equal`` is an alias.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the value to compare with, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.le(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 1], [4, 4]]))
        tensor([[ True, False],
                [ True,  True]])
        >>> torch.le(torch.tensor([1.0, 2.0, 3.0]), 2)
        tensor([ True,  True, False])
    """
    return _compare(xp.less_equal, input, _operand("le", other))


def gt(input, other):
    """Element-wise ``input > other``.

    The same as the ``>`` operator on tensors. Comparisons never carry a gradient.

    ``npgrad.greater`` is an alias.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the value to compare with, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.gt(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 1], [4, 4]]))
        tensor([[False,  True],
                [False, False]])
        >>> torch.gt(torch.tensor([1.0, 2.0, 3.0]), 2)
        tensor([False, False,  True])
    """
    return _compare(xp.greater, input, _operand("gt", other))


def ge(input, other):
    """Element-wise ``input >= other``.

    The same as the ``>=`` operator on tensors. Comparisons never carry a gradient.

    ``npgrad.greater_equal`` is an alias.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the value to compare with, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.ge(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 1], [4, 4]]))
        tensor([[ True,  True],
                [False,  True]])
        >>> torch.ge(torch.tensor([1.0, 2.0, 3.0]), 2)
        tensor([False,  True,  True])
    """
    return _compare(xp.greater_equal, input, _operand("ge", other))


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _same_dtype(a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"{TYPE_NAMES[a.dtype.name]} did not match {TYPE_NAMES[b.dtype.name]}: isclose and "
                           f"allclose need both tensors of one dtype; cast one with .to(other.dtype)")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (infinities equal only to themselves).

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        rtol (float, optional): the relative tolerance (default 1e-05).
        atol (float, optional): the absolute tolerance (default 1e-08).
        equal_nan (bool, optional): count two NaNs as equal (default False).

    Returns:
        Tensor: bool, broadcast shape.

    Example:
        >>> import npgrad as torch
        >>> torch.isclose(torch.tensor([1.0, 2.0, float('nan')]), torch.tensor([1.0 + 1e-7, 2.1, float('nan')]))
        tensor([ True, False, False])
        >>> torch.isclose(torch.tensor([float('nan')]), torch.tensor([float('nan')]), equal_nan=True)
        tensor([True])
    """
    a, b = input._data, _data(other)
    if isinstance(b, np.ndarray):
        _same_dtype(a, b)
    if a.dtype == np.bool_:
        return _t.make(xp.asarray(a == b))
    with np.errstate(invalid="ignore", over="ignore"):  # no op runs here (no Function.apply to quiet it)
        return _t.make(xp.asarray(xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element is ``isclose``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the second operand, broadcast against ``input``.
        rtol (float, optional): the relative tolerance (default 1e-05).
        atol (float, optional): the absolute tolerance (default 1e-08).
        equal_nan (bool, optional): count two NaNs as equal (default False).

    Returns:
        bool: True when every pair is close.

    Example:
        >>> import npgrad as torch
        >>> torch.allclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-9]))
        True
        >>> torch.allclose(torch.tensor([1.0]), torch.tensor([1.1]))
        False
        >>> torch.allclose(torch.tensor([1.0]), torch.tensor([1.1]), atol=0.2)
        True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both tensors have the same shape and the same values (compared after promotion).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the tensor to compare with.

    Returns:
        bool

    Example:
        >>> import npgrad as torch
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
        True
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2, 3]))
        False
        >>> torch.equal(torch.tensor([1., 2.]), torch.tensor([1, 2]))
        True
    """
    a, b = input._data, other._data
    if a.shape != b.shape:
        return False
    if a.dtype != b.dtype:
        rt = result_np([a, b])
        a, b = a.astype(rt), b.astype(rt)
    return bool(xp.array_equal(a, b))


def _predicate(np_fn, input):
    a = input._data
    if not is_float_np(a.dtype):
        return _t.make(xp.zeros(a.shape, np.bool_) if np_fn is not xp.isfinite else xp.ones(a.shape, np.bool_))
    return _t.make(np_fn(a))


def isnan(input):
    """Tests each element for being NaN.

    NaN is the only value not equal to itself: ``isnan(x)`` is ``x != x``.

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.isnan(torch.tensor([1.0, float('nan'), 2.0]))
        tensor([False,  True, False])
    """
    return _predicate(xp.isnan, input)


def isinf(input):
    """Tests each element for being positive or negative infinity.

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.isinf(torch.tensor([1.0, float('inf'), 2.0, float('-inf'), float('nan')]))
        tensor([False,  True, False,  True, False])
    """
    return _predicate(xp.isinf, input)


def isfinite(input):
    """Tests each element for being finite (not infinite and not NaN).

    Integer and bool tensors are always finite.

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.isfinite(torch.tensor([1.0, float('inf'), 2.0, float('-inf'), float('nan')]))
        tensor([ True, False,  True, False, False])
    """
    return _predicate(xp.isfinite, input)


def isposinf(input):
    """Tests each element for being positive infinity.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.isposinf(torch.tensor([-float('inf'), float('inf'), 1.2]))
        tensor([False,  True, False])
    """
    return _predicate(xp.isposinf, input)


def isneginf(input):
    """Tests each element for being negative infinity.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.isneginf(torch.tensor([-float('inf'), float('inf'), 1.2]))
        tensor([ True, False, False])
    """
    return _predicate(xp.isneginf, input)


def isreal(input):
    """Tests each element for having a zero imaginary part; every element of a real tensor is real.

    Args:
        input (Tensor): the input tensor.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.isreal(torch.tensor([1.0, float('nan')]))
        tensor([True, True])
    """
    return _t.make(xp.ones(input._data.shape, np.bool_))


def signbit(input):
    """Tests each element for having its sign bit set (negative values, and ``-0.0``).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.signbit(torch.tensor([-1.0, -0.0, 0.0, 2.0]))
        tensor([ True,  True, False, False])
    """
    a = input._data
    return _t.make(xp.signbit(a) if a.dtype != np.bool_ else xp.zeros(a.shape, np.bool_))


def _logical(np_fn, input, other):
    a, b = _data(input), _data(_operand(np_fn.__name__, other))
    try:
        return _t.make(xp.asarray(np_fn(a, b)))
    except ValueError:
        _no_broadcast(a, b)
        raise


def logical_and(input, other):
    """Element-wise logical AND; nonzero values count as true.

    Args:
        input (Tensor): the first operand (any dtype; zero is false).
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.logical_and(torch.tensor([True, False, True]), torch.tensor([1.0, 1.0, 0.0]))
        tensor([ True, False, False])
    """
    return _logical(xp.logical_and, input, other)


def logical_or(input, other):
    """Element-wise logical OR; nonzero values count as true.

    Args:
        input (Tensor): the first operand (any dtype; zero is false).
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.logical_or(torch.tensor([0, 0, 2]), torch.tensor([0, 3, 0]))
        tensor([False,  True,  True])
    """
    return _logical(xp.logical_or, input, other)


def logical_xor(input, other):
    """Element-wise logical XOR; nonzero values count as true.

    Args:
        input (Tensor): the first operand (any dtype; zero is false).
        other (Tensor): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of the broadcast shape of ``input`` and ``other``.

    Example:
        >>> import npgrad as torch
        >>> torch.logical_xor(torch.tensor([0, 0, 2]), torch.tensor([0, 3, 2]))
        tensor([False,  True, False])
    """
    return _logical(xp.logical_xor, input, other)


def logical_not(input):
    """Element-wise logical NOT; nonzero values count as true.

    Args:
        input (Tensor): the input tensor (any dtype).
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: a bool tensor of ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> torch.logical_not(torch.tensor([0.0, 1.5, -2.0]))
        tensor([ True, False, False])
    """
    return _t.make(xp.logical_not(input._data))


def _bitwise(name, np_fn, input, other):
    a, b = _data(input), _data(_operand(name, other))
    for x in (a, b):
        if isinstance(x, np.ndarray) and is_float_np(x.dtype) or isinstance(x, float):
            refuse(f"{name}_cpu", x.dtype if isinstance(x, np.ndarray) else np.float32)
    rt = result_np([a, b])
    a = a.astype(rt, copy=False) if isinstance(a, np.ndarray) else a
    b = b.astype(rt, copy=False) if isinstance(b, np.ndarray) else b
    try:
        return _t.make(xp.asarray(np_fn(a, b)))
    except ValueError:
        _no_broadcast(a, b)
        raise


def bitwise_not(input):
    """Bitwise NOT of an integer or bool tensor (logical NOT for bool).

    The same as the ``~`` operator.

    Args:
        input (Tensor): an integer or bool tensor.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: ``input``'s shape and dtype.

    Example:
        >>> import npgrad as torch
        >>> torch.bitwise_not(torch.tensor([-1, 0, 7]))
        tensor([ 0, -1, -8])
        >>> torch.bitwise_not(torch.tensor([True, False]))
        tensor([False,  True])
    """
    a = input._data
    if is_float_np(a.dtype):
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _t.make(xp.invert(a))


def bitwise_and(input, other):
    """Bitwise AND of integer or bool tensors (logical AND for bool).

    The same as the ``&`` operator. Floating-point tensors are refused.

    Args:
        input (Tensor): the first operand (integer or bool).
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.bitwise_and(torch.tensor([-1, -2, 3]), torch.tensor([1, 0, 3]))
        tensor([1, 0, 3])
        >>> torch.bitwise_and(torch.tensor([True, True]), torch.tensor([False, True]))
        tensor([False,  True])
    """
    return _bitwise("bitwise_and", xp.bitwise_and, input, other)


def bitwise_or(input, other):
    """Bitwise OR of integer or bool tensors (logical OR for bool).

    The same as the ``|`` operator.

    Args:
        input (Tensor): the first operand (integer or bool).
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.bitwise_or(torch.tensor([-1, -2, 3]), torch.tensor([1, 0, 3]))
        tensor([-1, -2,  3])
    """
    return _bitwise("bitwise_or", xp.bitwise_or, input, other)


def bitwise_xor(input, other):
    """Bitwise XOR of integer or bool tensors (logical XOR for bool).

    The same as the ``^`` operator.

    Args:
        input (Tensor): the first operand (integer or bool).
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.bitwise_xor(torch.tensor([-1, -2, 3]), torch.tensor([1, 0, 3]))
        tensor([-2, -2,  0])
    """
    return _bitwise("bitwise_xor", xp.bitwise_xor, input, other)


def _shift(name, np_fn, input, other):
    if result_np([_data(input), _data(other)]) == np.bool_:  # torch has no bool shift kernel
        refuse(f"{name}_cpu", np.bool_)
    res = _bitwise(name, np_fn, input, other)
    b = _data(other)
    width = res._data.dtype.itemsize * 8
    if xp.any(xp.asarray(b) >= width) or xp.any(xp.asarray(b) < 0):  # torch: shifting past the width gives 0
        r = res._data
        big = xp.broadcast_to(xp.asarray(b) >= width, r.shape) | xp.broadcast_to(xp.asarray(b) < 0, r.shape)
        fill = xp.where(r < 0, -1, 0) if np_fn is xp.right_shift else 0
        res = _t.make(xp.where(big, fill, r).astype(r.dtype))
    return res


def bitwise_left_shift(input, other):
    """Shifts the bits of ``input`` left by ``other`` places.

    ``out_i = input_i << other_i``; the same as the ``<<`` operator.

    Args:
        input (Tensor): the first operand (integer or bool).
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.bitwise_left_shift(torch.tensor([1, -3, 5]), torch.tensor([1, 2, 3]))
        tensor([  2, -12,  40])
    """
    return _shift("lshift", xp.left_shift, input, other)


def bitwise_right_shift(input, other):
    """Shifts the bits of ``input`` right by ``other`` places (arithmetic shift for signed types).

    ``out_i = input_i >> other_i``; the same as the ``>>`` operator.

    Args:
        input (Tensor): the first operand (integer or bool).
        other (Tensor or Number): the second operand, broadcast against ``input``.
        out (Tensor, optional): the tensor to write the result into.

    Returns:
        Tensor: the broadcast shape of ``input`` and ``other``, in their promoted dtype (``result_type``).

    Example:
        >>> import npgrad as torch
        >>> torch.bitwise_right_shift(torch.tensor([16, -16, 5]), torch.tensor([1, 2, 3]))
        tensor([ 8, -4,  0])
    """
    return _shift("rshift", xp.right_shift, input, other)


_METHODS = [("eq", eq), ("ne", ne), ("lt", lt), ("le", le), ("gt", gt), ("ge", ge), ("greater", gt),
            ("greater_equal", ge), ("less", lt), ("less_equal", le), ("not_equal", ne), ("isclose", isclose),
            ("allclose", allclose), ("equal", equal), ("isnan", isnan), ("isinf", isinf), ("isfinite", isfinite),
            ("isposinf", isposinf), ("isneginf", isneginf), ("isreal", isreal), ("signbit", signbit),
            ("logical_and", logical_and), ("logical_or", logical_or), ("logical_xor", logical_xor),
            ("logical_not", logical_not), ("bitwise_not", bitwise_not), ("bitwise_and", bitwise_and),
            ("bitwise_or", bitwise_or), ("bitwise_xor", bitwise_xor), ("bitwise_left_shift", bitwise_left_shift),
            ("bitwise_right_shift", bitwise_right_shift)]
class _ZeroGrad(Function):
    """What an in-place comparison records on a float tensor in the graph: its values become 0/1, piecewise
    constant, so the old values (and a tensor ``other``) get zero gradients."""
    _builtin, _broadcast = True, True

    @staticmethod
    def forward(ctx, a, values, other):
        return values.astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(self); other: zeros_like(other)
        return zeros_of(grad), None, zeros_of(grad) if ctx.needs_input_grad[2] else None


def _zero_grad_op(node_name):
    return type(node_name, (_ZeroGrad,), {"_node_name": node_name, "__module__": __name__})


def _inplace_predicate(fn, number_node, tensor_node):
    """``x.lt_(y)`` and friends: 1/0 in x's own dtype; on a float tensor in the graph a zero-gradient node
    with torch's name (``LtBackward0`` against a number, ``LtBackward1`` against a tensor)."""
    def method(self, *args):
        from .inplace import inplace
        _t._inplace_check(self)
        res = fn(self, *args)
        if state.enabled and (self._req or args and isinstance(args[0], _t.Tensor) and args[0]._req):
            if args and isinstance(args[0], _t.Tensor):
                res = tensor_node.apply(self, res._data, args[0])
            else:
                res = number_node.apply(self, res._data, None)
        return inplace(self, res)
    method.__name__ = fn.__name__ + "_"
    return method


_PREDICATES_INPLACE = {name: (_zero_grad_op(f"{name.capitalize()}Backward0"),
                              _zero_grad_op(f"{name.capitalize()}Backward1"))
                       for name in ("eq", "ne", "lt", "le", "gt", "ge")}
