"""Pointwise ops: arithmetic with broadcasting and torch's type promotion, unary math, comparisons.

Binary ops set ``_promote``/``_broadcast``: ``Function.apply`` casts the operands to torch's result dtype and
the engine reduces each gradient back to its input's shape and dtype (``_shape.sum_to``), so no formula here
deals with broadcasting.
"""
import numpy as np

from ..autograd.function import Function, dispatch
from ..autograd.grad_mode import state
from .._dtype import result_np, get_default_dtype
from .. import _tensor as _t

__all__ = ["add", "sub", "rsub", "mul", "div", "rdiv", "neg", "pow", "rpow", "exp", "log", "sqrt", "abs", "tanh",
           "sigmoid", "relu", "reciprocal", "sign", "eq", "ne", "lt", "le", "gt", "ge", "floor_divide",
           "remainder", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor", "logical_not", "where",
           "maximum", "minimum", "log1p", "expm1", "logaddexp", "square", "true_divide", "multiply", "subtract",
           "negative"]


class Add(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("alpha",)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: grad * alpha
        return grad, grad if ctx.alpha == 1 else grad * ctx.alpha, None


class Sub(Function):
    _builtin, _promote, _broadcast = True, "same", True
    _ctx_fields = ("alpha",)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: -grad * alpha
        return grad, -grad if ctx.alpha == 1 else -grad * ctx.alpha, None


class Rsub(Function):
    """``other - self`` with a Python number ``other`` (torch's ``rsub``)."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b):
        return b - a

    @staticmethod
    def backward(ctx, grad):
        # self: -grad
        return -grad, None


class Mul(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        # self: grad * other; other: grad * self
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return grad * b if need[0] else None, grad * a if need[1] else None


class Div(Function):
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        # self: grad / other; other: -grad * self / (other * other)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return grad / b if need[0] else None, -grad * a / (b * b) if need[1] else None


class DivRounded(Function):
    """``div`` with ``rounding_mode``: piecewise constant, so its gradient is zero."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "DivBackward1"
    _ctx_fields = ("mode",)

    @staticmethod
    def forward(ctx, a, b, mode):
        if a.dtype.kind in "iub" and np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
        q = np.true_divide(a, b)
        q = np.floor(q) if mode == "floor" else np.trunc(q)
        return q.astype(np.result_type(a, b)) if a.dtype.kind in "iub" else q

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad); other: zeros_like(grad)
        return grad * 0, grad * 0, None


class Neg(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                               "to invert a mask, use the `~` or `logical_not()` operator instead.")
        return -a

    @staticmethod
    def backward(ctx, grad):
        # self: grad.neg()
        return -grad


class Pow(Function):
    """``self ** exponent`` with a Python number exponent."""
    _builtin, _promote = True, "same"
    _ctx_fields = ("exponent",)

    @staticmethod
    def forward(ctx, a, exponent):
        ctx.exponent = exponent
        ctx.save_for_backward(a)
        if a.dtype.kind in "iu" and isinstance(exponent, int) and not isinstance(exponent, bool) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return a ** exponent

    @staticmethod
    def backward(ctx, grad):
        # self: exponent == 0 ? zeros : grad * exponent * self.pow(exponent - 1)
        a, = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:
            return grad * 0, None
        if e == 2:
            return grad * 2 * a, None
        return grad * e * a ** (e - 1), None


class PowTensor(Function):
    """``self ** exponent`` with both tensors."""
    _builtin, _promote, _broadcast = True, "same", True
    _node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        out = a ** b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * exponent * self.pow(exponent - 1)
        # exponent: grad * (result * self.log()).masked_fill_((self == 0) & (exponent >= 0), 0)
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = gb = None
        if need[0]:
            ga = where((b == 0), 0.0, grad * b * a ** (b - 1))
        if need[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = grad * where((a == 0) & (b >= 0), 0.0, out * np.log(a))
        return ga, gb


class RPow(Function):
    """``number ** self`` with a Python number base."""
    _builtin = True
    _node_name = "PowBackward2"
    _ctx_fields = ("base",)

    @staticmethod
    def forward(ctx, a, base):
        ctx.base = base
        if a.dtype.kind not in "f" and isinstance(base, float):
            a = a.astype(get_default_dtype().np)
        out = np.power(np.asarray(base, a.dtype), a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # exponent: grad * (result * log(self)).masked_fill_((self == 0) & (exponent >= 0), 0)
        out, = ctx.saved_tensors
        if ctx.base == 0:
            return grad * 0, None
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad * out * float(np.log(ctx.base)) if ctx.base > 0 else grad * out * np.nan, None


def _float_input(a):
    """Unary float ops on integer tensors compute in the default float dtype, as torch does."""
    return a if a.dtype.kind == "f" else a.astype(get_default_dtype().np)


class Exp(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = np.exp(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * result
        out, = ctx.saved_tensors
        return grad * out


class Log(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.div(self)
        a, = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad / a


class Log1p(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        a = _float_input(a)
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (self + 1)
        a, = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad / (a + 1)


class Expm1(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = np.expm1(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad * (result + 1)
        out, = ctx.saved_tensors
        return grad * (out + 1)


class Sqrt(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (2 * result)
        out, = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad / (2 * out)


class Abs(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise RuntimeError("abs is not supported for bool tensors.")
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        # self: grad * self.sgn()   (0 at 0, the subgradient torch picks)
        a, = ctx.saved_tensors
        return grad * np.sign(a)


class Sign(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        return np.sign(a)

    @staticmethod
    def backward(ctx, grad):
        # self: zeros_like(grad)
        return grad * 0


class Tanh(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: tanh_backward(grad, result) = grad * (1 - result^2)
        out, = ctx.saved_tensors
        return grad * (1 - out * out)


class Sigmoid(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        # exp(-log(1 + exp(-x))): no overflow for large |x| in any float dtype
        out = np.exp(-np.logaddexp(0, -_float_input(a)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: sigmoid_backward(grad, result) = grad * result * (1 - result)
        out, = ctx.saved_tensors
        return grad * (out * (1 - out))


class Relu(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        out = np.maximum(a, 0).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: threshold_backward(grad, result, 0) = grad * (result > 0); relu'(0) = 0, NaN passes through
        out, = ctx.saved_tensors
        return where(out <= 0, 0.0, grad)


class Reciprocal(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore"):
            out = np.reciprocal(_float_input(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: -grad * (result * result)
        out, = ctx.saved_tensors
        return -grad * (out * out)


class Maximum(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
        # other: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)
        a, b = ctx.saved_tensors
        half = where(a == b, grad / 2, grad)
        return where(a < b, 0.0, half), where(a > b, 0.0, half)


class Minimum(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)
        # other: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
        a, b = ctx.saved_tensors
        half = where(a == b, grad / 2, grad)
        return where(a > b, 0.0, half), where(a < b, 0.0, half)


class Logaddexp(Function):
    _builtin, _promote, _broadcast = True, "float", True

    @staticmethod
    def forward(ctx, a, b):
        out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # self: grad / (1 + exp(other - self)); other: grad / (1 + exp(self - other))
        a, b, out = ctx.saved_tensors
        return grad * np.exp(a - out), grad * np.exp(b - out)


class Where(Function):
    """``where(condition, input, other)``: the gradient goes to the side the condition picked."""
    _builtin, _broadcast = True, True
    _ctx_fields = ("cond",)

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        rt = result_np([a, b])
        return np.where(cond, a, b).astype(rt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # self: where(condition, grad, 0); other: where(condition, 0, grad)
        c = ctx.cond
        return None, where(c, grad, 0.0), where(c, 0.0, grad)


# ---------------------------------------------------------------------------------------------- functions
def _is_num(x):
    return isinstance(x, (int, float, bool)) and not isinstance(x, _t.Tensor)


def add(input, other, *, alpha=1):
    if alpha != 1:
        return Add.apply(input, other, alpha)
    if not isinstance(input, _t.Tensor):
        input, other = other, input
    return Add.apply(input, other)


def sub(input, other, *, alpha=1):
    if not isinstance(input, _t.Tensor):
        return Rsub.apply(other, input) if alpha == 1 else add(-alpha * other, input)
    if input._data.dtype == np.bool_ and (isinstance(other, bool) or getattr(other, "dtype", None) is not None
                                          and other._data.dtype == np.bool_):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if alpha != 1:
        return Sub.apply(input, other, alpha)
    return Sub.apply(input, other)


subtract = sub


def rsub(input, other, *, alpha=1):
    if isinstance(other, _t.Tensor):
        return sub(other, input, alpha=alpha)
    return Rsub.apply(input, other) if alpha == 1 else add(mul(input, -alpha), other)


def mul(input, other):
    if not isinstance(input, _t.Tensor):
        input, other = other, input
    return Mul.apply(input, other)


multiply = mul


def div(input, other, *, rounding_mode=None):
    if rounding_mode is None:
        if not isinstance(input, _t.Tensor):
            return rdiv(other, input)
        return Div.apply(input, other)
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    if not isinstance(input, _t.Tensor):
        input = _t._as_tensor_like(input, other)
    return DivRounded.apply(input, other, rounding_mode)


true_divide = divide = div


def rdiv(input, other):
    """``other / input`` for a Python number ``other``: ``reciprocal(input) * other``, as torch records it."""
    if isinstance(other, _t.Tensor):
        return div(other, input)
    return mul(reciprocal(input), other)


def neg(input):
    return Neg.apply(input)


negative = neg


def pow(input, exponent):
    if not isinstance(input, _t.Tensor):
        return rpow(exponent, input)
    if isinstance(exponent, _t.Tensor):
        return PowTensor.apply(input, exponent)
    return Pow.apply(input, exponent)


def rpow(input, base):
    """``base ** input`` for a Python number ``base``."""
    if isinstance(base, _t.Tensor):
        return pow(base, input)
    return RPow.apply(input, base)


def exp(input):
    return Exp.apply(input)


def log(input):
    return Log.apply(input)


def log1p(input):
    return Log1p.apply(input)


def expm1(input):
    return Expm1.apply(input)


def sqrt(input):
    return Sqrt.apply(input)


def abs(input):
    return Abs.apply(input)


absolute = abs


def sign(input):
    return Sign.apply(input)


def tanh(input):
    return Tanh.apply(input)


def sigmoid(input):
    return Sigmoid.apply(input)


def relu(input):
    return Relu.apply(input)


def reciprocal(input):
    return Reciprocal.apply(input)


def square(input):
    return Pow.apply(input, 2)


def maximum(input, other):
    return Maximum.apply(input, other)


def minimum(input, other):
    return Minimum.apply(input, other)


def logaddexp(input, other):
    return Logaddexp.apply(input, other)


def where(condition, input=None, other=None):
    """``where(c, x, y)`` picks from x where c, else y; on arrays (inside formulas) it stays on arrays."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    c = condition._data if isinstance(condition, _t.Tensor) else condition
    if c is not None and getattr(c, "dtype", None) is not None and c.dtype != np.bool_:
        if isinstance(condition, _t.Tensor):
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{condition.dtype}")
    if not isinstance(input, _t.Tensor) and not isinstance(other, _t.Tensor):
        if isinstance(condition, _t.Tensor):  # where(mask, 1.0, 0.0): numbers in, a new tensor out
            return _t.make(Where.forward(Where._node_cls.__new__(Where._node_cls), c, input, other))
        return dispatch(Where, c, input, other)  # inside a plain backward formula: arrays in, array out
    if not isinstance(input, _t.Tensor):
        input = _t._as_tensor_like(input, other)
    if not isinstance(other, _t.Tensor):
        other = _t._as_tensor_like(other, input)
    return Where.apply(c, input, other)


# ---------------------------------------------------------------------------------------------- comparisons
def _compare(np_fn, input, other):
    """Comparisons: no gradient, a bool result, operands promoted as torch does first."""
    a = input._data if isinstance(input, _t.Tensor) else input
    b = other._data if isinstance(other, _t.Tensor) else other
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype != b.dtype:
        rt = result_np([a, b])
        a, b = a.astype(rt, copy=False), b.astype(rt, copy=False)
    elif b is None or isinstance(b, (list, tuple, str)):
        if np_fn is np.equal:
            return False
        if np_fn is np.not_equal:
            return True
        return NotImplemented
    return _t.make(np_fn(a, b))


def eq(input, other):
    return _compare(np.equal, input, other)


def ne(input, other):
    return _compare(np.not_equal, input, other)


def lt(input, other):
    return _compare(np.less, input, other)


def le(input, other):
    return _compare(np.less_equal, input, other)


def gt(input, other):
    return _compare(np.greater, input, other)


def ge(input, other):
    return _compare(np.greater_equal, input, other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _int_or_bool(name, np_fn, *args):
    arrs = [a._data if isinstance(a, _t.Tensor) else a for a in args]
    for a in arrs:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            raise RuntimeError(f"\"{name}_cpu\" not implemented for 'Float'")
    if len(arrs) == 2:
        rt = result_np(arrs)
        arrs = [a.astype(rt, copy=False) if isinstance(a, np.ndarray) else a for a in arrs]
    return _t.make(np.asarray(np_fn(*arrs)))


def bitwise_not(input):
    return _int_or_bool("bitwise_not", np.invert, input)


def bitwise_and(input, other):
    return _int_or_bool("bitwise_and", np.bitwise_and, input, other)


def bitwise_or(input, other):
    return _int_or_bool("bitwise_or", np.bitwise_or, input, other)


def bitwise_xor(input, other):
    return _int_or_bool("bitwise_xor", np.bitwise_xor, input, other)


def logical_not(input):
    return _t.make(np.logical_not(input._data))


def floor_divide(input, other):
    return div(input, other, rounding_mode="floor")


class Remainder(Function):
    _builtin, _promote, _broadcast = True, "same", True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        # self: grad; other: -grad * self.div(other, rounding_mode="floor")
        a, b = ctx.saved_tensors
        return grad, -grad * np.floor(a / b)


def remainder(input, other):
    if not isinstance(input, _t.Tensor):
        input = _t._as_tensor_like(input, other)
    return Remainder.apply(input, other)


# ---------------------------------------------------------------------------------------------- in place
def inplace(self, result):
    """Make ``self`` hold ``result`` in place: same storage, version bumped, ``grad_fn`` rebased to the op."""
    if result._data.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(result._data.shape)}")
    rd, sd = result._data.dtype, self._data.dtype
    if rd != sd and not np.can_cast(rd, sd, "same_kind") or (rd.kind == "f" and sd.kind != "f"):
        names = {"f": "Float", "i": "Long", "u": "Byte", "b": "Bool"}
        raise RuntimeError(f"result type {names.get(rd.kind, rd.name)} can't be cast to the desired output type "
                           f"{names.get(sd.kind, sd.name)}")
    np.copyto(self._data, result._data, casting="unsafe")
    self._vc[0] += 1
    if result.grad_fn is not None:
        self.grad_fn = result.grad_fn
        self._nr = result._nr
        self._req = True
    return self


def _inplace_method(op):
    def method(self, *args, **kwargs):
        _t._inplace_check(self)
        if state.enabled and (self._req or any(isinstance(a, _t.Tensor) and a._req for a in args)):
            # record on a snapshot of the old value, so the node's saved input is not overwritten
            old = _t.make(self._data.copy(), self.grad_fn, self._nr)
            old._req = self._req
            return inplace(self, op(old, *args, **kwargs))
        return inplace(self, op(self.detach(), *args, **kwargs))
    method.__name__ = op.__name__ + "_"
    method.__doc__ = f"In-place ``{op.__name__}``: bumps ``_version``, rebases ``grad_fn`` when recording."
    return method


def full_like_op(self, value):
    """``self * 0 + value``, recorded: what ``fill_`` becomes on a tensor in the graph."""
    return add(mul(self, 0), value)


def bind_methods(T):
    for name, fn in [("add", add), ("sub", sub), ("subtract", sub), ("mul", mul), ("multiply", mul),
                     ("div", div), ("divide", div), ("true_divide", true_divide), ("neg", neg),
                     ("negative", neg), ("pow", pow), ("exp", exp), ("log", log), ("log1p", log1p),
                     ("expm1", expm1), ("sqrt", sqrt), ("abs", abs), ("absolute", abs), ("sign", sign),
                     ("tanh", tanh), ("sigmoid", sigmoid), ("relu", relu), ("reciprocal", reciprocal),
                     ("square", square), ("maximum", maximum), ("minimum", minimum), ("logaddexp", logaddexp),
                     ("eq", eq), ("ne", ne), ("lt", lt), ("le", le), ("gt", gt), ("ge", ge),
                     ("greater", gt), ("greater_equal", ge), ("less", lt), ("less_equal", le),
                     ("not_equal", ne), ("floor_divide", floor_divide), ("remainder", remainder),
                     ("bitwise_not", bitwise_not), ("logical_not", logical_not)]:
        setattr(T, name, fn)
    T.where = lambda self, condition, other: where(condition, self, other)
    for name, fn in [("add", add), ("sub", sub), ("mul", mul), ("div", div), ("pow", pow), ("exp", exp),
                     ("log", log), ("sqrt", sqrt), ("abs", abs), ("neg", neg), ("tanh", tanh),
                     ("sigmoid", sigmoid), ("relu", relu), ("reciprocal", reciprocal), ("sign", sign),
                     ("square", square), ("log1p", log1p), ("expm1", expm1), ("remainder", remainder),
                     ("floor_divide", floor_divide)]:
        setattr(T, name + "_", _inplace_method(fn))
