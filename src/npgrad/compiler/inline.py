"""Inlined formulas: the hot ops written out in the generated code as their NumPy calls, so one recorded op
costs about one NumPy call instead of a ctx object, a ``forward`` call and ``saved_tensors``/``needs_input_grad``
lookups. Each template writes the same arithmetic as its op's ``forward``/``backward`` (same NumPy calls, or the
very helpers they call), for float32/float64 operands; anything else (half precision, casts, alpha/beta other
than those handled) keeps the generic call of the op's own formulas.

A template's ``forward(op, args, res, pfx, need_bwd, k)`` returns ``(lines, saved)`` (the code and the
variables backward reads) or None; ``backward(op, gouts, targets, pfx, k)`` returns a list of
``(line, gid, expr)``: a line to emit, then ``expr`` accumulated into the gradient of value ``gid``.
``k(value)`` names a constant in the generated module.
"""
import numpy as np

from . import capture as _cap

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _plain(op):
    """float32/float64 tensors only, no promotion casts."""
    if op.casts:
        return False
    for a in op.args:
        if isinstance(a, _cap.Slot) and a.dtype not in _FLOATS:
            return False
    return all(o.dtype in _FLOATS for o in op.outs)


def _number(op, i):
    a = op.args[i]
    return not isinstance(a, _cap.Slot) and type(a[1]) in (int, float) and \
        (type(a[1]) is float or -2 ** 24 <= a[1] <= 2 ** 24)


def _operand(op, i, k):
    """Operand ``i`` of a binary op as an expression: its variable, or a number as a 0-d array."""
    a = op.args[i]
    if isinstance(a, _cap.Slot):
        return a.arr
    if _number(op, i) and isinstance(op.args[1 - i], _cap.Slot):
        return k(np.asarray(a[1], op.args[1 - i].dtype))
    return k(a[1])


def _one(op, k, v=1):
    return k(np.asarray(v, op.outs[0].dtype))


def _fit(expr, m, k, gshape=None, gdtype=None):
    """``expr`` reduced to the input's shape ``m[0]`` (and cast to ``m[1]``): with the gradient's shape and
    dtype known (``gshape``, ``gdtype``) and no cast, written out as the one ``sum`` that ``sum_to`` makes."""
    if m is None:
        return expr
    if gshape is None or gdtype != m[1] or gdtype not in _FLOATS or gshape == m[0]:
        return f"_fit({expr}, {k(m[0])}, {k(m[1])})"
    shape = m[0]
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    if not axes:
        return f"({expr}).reshape({k(shape)})"
    if axes == tuple(range(lead)):
        return f"({expr}).sum(axis={axes!r})"
    return f"({expr}).sum(axis={axes!r}, keepdims=True).reshape({k(shape)})"


def _gmeta(op):
    """The shape and dtype of a one-output op's gradient (its output's)."""
    o = op.outs[0]
    return o.shape, o.dtype


def _arg(op, i):
    a = op.args[i]
    return a if isinstance(a, _cap.Slot) else None


class _T:
    """A template from two functions."""
    def __init__(self, fwd, bwd, binary=False):
        self.fwd, self.bwd, self.binary = fwd, bwd, binary

    def forward(self, op, args, res, pfx, need_bwd, k):
        if not _plain(op):
            return None
        args = list(args)
        for i in ((0, 1) if self.binary else ()):  # a Python number beside an array: a 0-d array of that array's dtype (the same value
            #              NumPy's weak-scalar rule gives, and about half the cost per call on small arrays)
            if i < len(args) and _number(op, i) and isinstance(op.args[1 - i], _cap.Slot):
                args[i] = k(np.asarray(op.args[i][1], op.args[1 - i].dtype))
        return self.fwd(op, args, res, pfx, need_bwd, k)

    def backward(self, op, gouts, targets, pfx, k):
        return self.bwd(op, gouts, targets, pfx, k)


# ---- binary arithmetic ---------------------------------------------------------------------------------------
def _slots_saved(op, nb, pairs):
    """The array variables backward reads: for each (needed input, operand it reads)."""
    out = []
    if nb:
        for i, j in pairs:
            a = op.args[j]
            if i < len(op.needs) and op.needs[i] and isinstance(a, _cap.Slot) and a.arr not in out:
                out.append(a.arr)
    return out


def _mul_f(op, a, res, pfx, nb, k):
    return [f"{res} = {a[0]} * {a[1]}"], _slots_saved(op, nb, ((0, 1), (1, 0)))


def _mul_b(op, g, targets, pfx, k):
    an, bn = _operand(op, 0, k), _operand(op, 1, k)
    out = []
    for i, s, m in targets:
        out.append((None, s.gid, _fit(f"{g[0]} * {bn if i == 0 else an}", m, k, *_gmeta(op))))
    return out


def _addsub(sign):
    def f(op, a, res, pfx, nb, k):
        if len(a) > 2 and a[2] != "1":
            return None
        return [f"{res} = {a[0]} {sign} {a[1]}"], []

    def b(op, g, targets, pfx, k):
        return [(None, s.gid, _fit(g[0] if i == 0 or sign == "+" else f"-{g[0]}", m, k, *_gmeta(op)))
                for i, s, m in targets]
    return f, b


def _div_f(op, a, res, pfx, nb, k):
    return [f"{res} = {a[0]} / {a[1]}"], _slots_saved(op, nb, ((0, 1), (1, 0), (1, 1)))


def _div_b(op, g, targets, pfx, k):
    an, bn = _operand(op, 0, k), _operand(op, 1, k)
    out = []
    for i, s, m in targets:
        expr = f"{g[0]} / {bn}" if i == 0 else f"-{g[0]} * (({an} / {bn}) / {bn})"
        out.append((None, s.gid, _fit(expr, m, k, *_gmeta(op))))
    return out


# ---- unary ---------------------------------------------------------------------------------------------------
_BIG = 1024   # elements from which a helper with out= temporaries beats the plain expression (measured: 16
#              floats 2.4 vs 3.7 us, 4096 floats 9.7 vs 8.0 us for tanh's backward)


def _unary(fexpr, bexpr, saves_out=True, big_bexpr=None):
    def f(op, a, res, pfx, nb, k):
        o = op.outs[0].arr
        return [f"{o} = {fexpr.format(a=a[0], one=_one(op, k))}"], ([o] if saves_out and nb else [])

    def b(op, g, targets, pfx, k):
        o = op.outs[0]
        e = big_bexpr if big_bexpr is not None and int(np.prod(o.shape)) >= _BIG else bexpr
        return [(None, s.gid, e.format(g=g[0], o=o.arr, one=_one(op, k))) for i, s, m in targets]
    return f, b


def _relu_f(op, a, res, pfx, nb, k):
    o = op.outs[0].arr
    return [f"{o} = _np.maximum({a[0]}, 0)"], ([o] if nb else [])


def _relu_b(op, g, targets, pfx, k):
    o = op.outs[0].arr
    return [(None, s.gid, f"_relu_bwd({g[0]}, {o})") for i, s, m in targets]


_relu_grad = None  # ops.pointwise_unary.relu_grad, bound by _load


def _relu_bwd(grad, out):
    # threshold_backward(grad, result, 0), Relu.backward's array formula: grad's own bits where result > 0 (a -0.0
    # gradient passes), +0.0 elsewhere
    return _relu_grad(grad, out)


# ---- gelu ----------------------------------------------------------------------------------------------------
def _gelu_f(op, a, res, pfx, nb, k):
    """gelu (tanh or exact): one helper with ``out=`` temporaries; with a backward to come it also forms the
    derivative (Gelu.backward's factor, the same arithmetic in the same order) from the values the forward
    already has (tanh's result, erfc's cdf), and saves only that: backward is one multiply."""
    if op.args[1][1] not in (True, False) or op.outs[0].shape == () or op.args[0].shape != op.outs[0].shape:
        return None
    o = op.outs[0].arr
    if nb:
        return [f"{o}, {pfx} = _gelu({a[0]}, {op.args[1][1]}, True)"], [pfx]
    return [f"{o} = _gelu({a[0]}, {op.args[1][1]}, False)[0]"], []


def _gelu_b(op, g, targets, pfx, k):
    # self: gelu_backward(grad, self, approximate) = grad * d, d formed by the forward (_gelu)
    return [(None, s.gid, f"{g[0]} * {pfx}") for i, s, m in targets]


def _gelu(x, tanh, nb):
    """Gelu.forward's values (and, when ``nb``, Gelu.backward's factor ``d`` with ``grad * d`` its gradient),
    each NumPy operation of the eager formulas in their order. The tanh form runs over pieces of
    ``_GELU_PIECE`` elements through three small scratch arrays, so its 19 passes stay in the cache (2x
    faster than whole-array passes on 131,072 float32); elementwise, so the same values."""
    from ..ops import activation as act
    if tanh:
        k = act.math.sqrt(2 / act.math.pi)
        xf = x.reshape(-1)
        n = xf.size
        out = np.empty(n, x.dtype)
        d = np.empty(n, x.dtype) if nb else None
        m0 = min(n, _GELU_PIECE)
        U, A, H = np.empty(m0, x.dtype), np.empty(m0, x.dtype), None if nb else np.empty(m0, x.dtype)
        for i in range(0, n, m0):
            j = min(i + m0, n)
            xs = xf[i:j]
            m = j - i
            u, a = (U, A) if m == m0 else (U[:m], A[:m])
            np.multiply(0.044715, xs, out=u)   # 0.044715 * x * x * x
            u *= xs
            u *= xs
            np.add(xs, u, out=u)
            np.multiply(k, u, out=u)
            np.tanh(u, out=u)                  # t
            np.multiply(0.5, xs, out=a)
            h = d[i:j] if nb else H[:m]
            np.add(1, u, out=h)                # 1 + t
            np.multiply(a, h, out=out[i:j])    # 0.5 * x * (1 + t)
            if nb:   # 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
                np.multiply(0.5, h, out=h)
                np.multiply(u, u, out=u)
                np.subtract(1, u, out=u)
                np.multiply(a, u, out=a)
                np.multiply(a, k, out=a)
                np.multiply(3 * 0.044715, xs, out=u)
                u *= xs
                np.add(1, u, out=u)
                a *= u
                h += a
        return out.reshape(x.shape), (d.reshape(x.shape) if nb else None)
    # exact (erf helper's edit): eager's own kernels, one erf for both values (float32: one blocked pass)
    return act._gelu_exact(x, nb)


_GELU_PIECE = 32768   # elements per piece of the tanh gelu (three float32 scratch pieces: 384 KB; measured
#                      on 131,072 float32: 1,150 us whole, 740 at 4,096, 460 at 16,384, 430 at 32,768)


# ---- layer_norm ----------------------------------------------------------------------------------------------
def _ln_f(op, a, res, pfx, nb, k):
    """native_layer_norm: NativeLayerNorm's arithmetic with ``x - mean`` made once (eager makes it twice) and
    the normalised input saved (backward recomputes it in eager mode), the means as np.mean's own sum and
    division without its Python layer; ``out=`` temporaries."""
    x, w, b = op.args[0], op.args[2], op.args[3]
    if not isinstance(x, _cap.Slot) or not x.shape or 0 in x.shape or type(op.args[1][1]) is not int:
        return None
    for t in (w, b):
        if isinstance(t, _cap.Slot) and t.dtype != x.dtype:
            return None
    kk = op.args[1][1]
    if not 0 < kk <= len(x.shape):
        return None
    axes = tuple(range(len(x.shape) - kk, len(x.shape)))
    n = k(np.intp(int(np.prod([x.shape[i] for i in axes]))))
    o = op.outs[0].arr
    if nb:
        return [f"{o}, {pfx}h, {pfx}i = _ln_fwd({a[0]}, {axes!r}, {n}, {a[2]}, {a[3]}, {a[4]}, True)"], \
            [f"{pfx}h", f"{pfx}i"] + ([w.arr] if isinstance(w, _cap.Slot) else [])
    return [f"{o} = _ln_fwd({a[0]}, {axes!r}, {n}, {a[2]}, {a[3]}, {a[4]}, False)[0]"], []


def _ln_b(op, g, targets, pfx, k):
    # input, weight, bias: native_layer_norm_backward(grad, input, normalized_shape, result1, result2, weight,
    #                                                 bias, grad_input_mask), as NativeLayerNorm.backward
    x, w = op.args[0], op.args[2]
    kk = op.args[1][1]
    nd = len(x.shape)
    axes, lead = tuple(range(nd - kk, nd)), tuple(range(nd - kk))
    n = k(np.intp(int(np.prod([x.shape[i] for i in axes]))))
    need = {i for i, s, m in targets}
    wn = w.arr if isinstance(w, _cap.Slot) else "None"
    line = (f"{pfx}x, {pfx}w, {pfx}b = _ln_bwd({g[0]}, {pfx}h, {pfx}i, {wn}, {axes!r}, {lead!r}, {n}, "
            f"{0 in need}, {2 in need}, {3 in need})")
    out = [(line, None, None)]
    for i, s, m in targets:
        out.append((None, s.gid, _fit(f"{pfx}{'xwb'[(0, None, 1, 2)[i]]}", _unless_same(m, s), k)))
    return out


def _mean_n(a, axes, n):
    """np.mean(a, axis=axes, keepdims=True) for float32/float64 ``a``: the same sum and division (by the
    count as np.intp, into the sum), without np.mean's Python layer."""
    s = np.add.reduce(a, axis=axes, keepdims=True)
    return np.true_divide(s, n, out=s, casting="unsafe")


def _ln_fwd(x, axes, n, w, b, eps, nb):
    mean = _mean_n(x, axes, n)
    xc = x - mean
    var = _mean_n(xc * xc, axes, n)
    invstd = 1 / np.sqrt(var + eps)
    xhat = np.multiply(xc, invstd, out=xc)
    if w is not None:
        y = xhat * w if nb else np.multiply(xhat, w, out=xhat)
        if b is not None:
            y += b
    elif b is not None:
        y = xhat + b if nb else np.add(xhat, b, out=xhat)
    else:
        y = xhat.copy() if nb else xhat   # (the saved xhat is never the returned array)
    return y, xhat, invstd


def _ln_bwd(g, xhat, invstd, w, axes, lead, n, nx, nw, nbias):
    gx = gw = gb = None
    if nx:
        gxhat = g * w if w is not None else g
        m1 = _mean_n(gxhat, axes, n)
        t = gxhat * xhat
        m2 = _mean_n(t, axes, n)
        if nw and lead:
            gw = np.add.reduce(np.multiply(g, xhat, out=t), axis=lead)
            nw = False
        r = np.subtract(gxhat, m1, out=gxhat) if gxhat is not g else g - m1
        r -= np.multiply(xhat, m2, out=t)
        gx = np.multiply(invstd, r, out=r)
    if nw:
        gw = np.add.reduce(g * xhat, axis=lead) if lead else g * xhat
    if nbias:
        gb = np.add.reduce(g, axis=lead) if lead else g
    return gx, gw, gb


# ---- matrix products -----------------------------------------------------------------------------------------
def _mm_f(op, a, res, pfx, nb, k):
    saved = _slots_saved(op, nb, ((0, 0), (0, 1), (1, 0), (1, 1)))
    return [f"{res} = _prod({a[0]}, {a[1]})"], saved


def _mat2(m1, g, m2, s, m, k):
    """The weight gradient m1.T @ g: handed to codegen unevaluated, so the gradients one weight gets from many
    products (an unrolled loop) become one product of the stacked rows."""
    if m is None or (m[0] == s.shape and m[1] == s.dtype):
        return ("mat2", m1, g, m2)
    return _fit(f"_mat2_grad({m1}, {g}, {m2})", m, k)


def _mm_b(op, g, targets, pfx, k):
    a, b = op.args[0].arr, op.args[1].arr
    return [(None, s.gid, _fit(f"_mat1_grad({g[0]}, {b}, {a})", _unless_same(m, s), k) if i == 0
             else _mat2(a, g[0], b, s, m, k))
            for i, s, m in targets]


def _unless_same(m, s):
    """No reduction for a matrix operand's gradient (``grad @ m2.T`` has ``m1``'s shape and dtype already)
    when the recorded meta is the operand's own."""
    return None if m is not None and m[0] == s.shape and m[1] == s.dtype else m


def _addmm_f(op, a, res, pfx, nb, k):
    if a[3] != "1" or a[4] != "1" or not isinstance(op.args[0], _cap.Slot):
        return None
    saved = _slots_saved(op, nb, ((1, 1), (1, 2), (2, 1), (2, 2)))
    return [f"{res} = _prod({a[1]}, {a[2]}, {a[0]})"], saved  # (the bias added into the fresh product)


def _addmm_b(op, g, targets, pfx, k):
    m1, m2 = op.args[1].arr, op.args[2].arr
    out = []
    for i, s, m in targets:
        if i == 2:
            out.append((None, s.gid, _mat2(m1, g[0], m2, s, m, k)))
            continue
        if i == 0:   # the bias: the one sum over the batch that sum_to makes
            out.append((None, s.gid, _fit(g[0], m, k, *_gmeta(op))))
            continue
        out.append((None, s.gid, _fit(f"_mat1_grad({g[0]}, {m2}, {m1})", _unless_same(m, s), k)))
    return out


# ---- reductions ----------------------------------------------------------------------------------------------
def _sum_f(op, a, res, pfx, nb, k):
    return [f"{res} = {a[0]}.sum(axis={a[1]}, keepdims={a[2]})"], []


def _sum_b(op, g, targets, pfx, k):
    x = op.args[0]
    return [(None, s.gid, f"_expand_back({g[0]}, {k(op.args[1][1])}, {k(op.args[2][1])}, {k(x.shape)})")
            for i, s, m in targets]


def _mean_f(op, a, res, pfx, nb, k):
    if op.args[0].shape and 0 in op.args[0].shape:
        return None
    return [f"{res} = {a[0]}.mean(axis={a[1]}, keepdims={a[2]})"], []


def _mean_b(op, g, targets, pfx, k):
    from ..ops.reduction import count
    x = op.args[0]
    n = count(x.shape, op.args[1][1])
    return [(None, s.gid, f"_expand_back({g[0]} / {_one(op, k, n)}, {k(op.args[1][1])}, {k(op.args[2][1])}, "
                          f"{k(x.shape)})")
            for i, s, m in targets]


def _softmax_like(kind):
    def f(op, a, res, pfx, nb, k):
        if op.args[1][1] is None:
            return None
        x = a[0]
        d = a[1]
        o = op.outs[0].arr
        shape = op.args[0].shape
        dim = op.args[1][1]
        if kind == "soft" and len(shape) >= 2 and dim in (-1, len(shape) - 1) and 2 <= shape[-1] <= 256 \
                and int(np.prod(shape[:-1])) >= 256:
            mx = f"_lastmax({x})"   # many short rows: the same maximum, 3x faster
        elif shape and -len(shape) <= dim < len(shape) and shape[dim]:   # (initial= only matters when empty)
            mx = f"{x}.max(axis={d}, keepdims=True)"
        else:
            mx = f"_np.max({x}, axis={d}, keepdims=True, initial=-_np.inf)"
        if kind == "log":
            lines = [f"{pfx} = {x} - {mx}",
                     f"{o} = {pfx} - _np.log(_np.exp({pfx}).sum(axis={d}, keepdims=True))"]
        else:
            lines = [f"{pfx} = _np.exp({x} - {mx})",
                     f"{o} = {pfx} / {pfx}.sum(axis={d}, keepdims=True)"]
        return lines, ([o] if nb else [])

    def b(op, g, targets, pfx, k):
        o = op.outs[0].arr
        d = k(op.args[1][1])
        if kind == "log":
            expr = f"{g[0]} - _np.exp({o}) * _np.sum({g[0]}, axis={d}, keepdims=True)"
        else:
            expr = f"{o} * ({g[0]} - _np.sum({g[0]} * {o}, axis={d}, keepdims=True))"
        return [(None, s.gid, expr) for i, s, m in targets]
    return f, b


def _lastmax(x):
    """``x.max(axis=-1, keepdims=True)`` for many short rows: NumPy reduces a short last axis one row at a time
    (190 us for 2,048 rows of 32 float32), but the rows of the transposed copy elementwise (60 us with the
    copy). The same maximum, NaN propagated alike; only which of +0.0/-0.0 a row of zeros keeps may differ,
    which softmax cannot see (``exp(x - m)`` is the same for either)."""
    n = x.shape[-1]
    t = np.ascontiguousarray(x.reshape(-1, n).T)
    return np.maximum.reduce(t, axis=0).reshape(x.shape[:-1] + (1,))


# ---- where ---------------------------------------------------------------------------------------------------
class _Where:
    """``where(cond, a, b)`` of a bool condition and float32/float64 operands of the result's dtype (or Python
    numbers, written as 0-d arrays of that dtype: the values NumPy's weak-scalar rule gives): one ``np.where``;
    backward forms only the gradients an input needs (Where.backward makes both), each Where.backward's
    ``where(cond, grad, 0)`` / ``where(cond, 0, grad)``, reduced to the input's shape as the engine does."""
    def forward(self, op, args, res, pfx, nb, k):
        c = op.args[0]
        dt = op.outs[0].dtype
        if op.casts or len(op.outs) != 1 or not isinstance(c, _cap.Slot) or c.dtype != np.bool_ \
                or dt not in _FLOATS or len(op.args) != 3:
            return None
        vals = []
        for i in (1, 2):
            a = op.args[i]
            if isinstance(a, _cap.Slot):
                if a.dtype != dt:
                    return None
                vals.append(a.arr)
            elif type(a[1]) in (int, float) and not (type(a[1]) is int and abs(a[1]) > 2 ** 24):
                vals.append(k(np.asarray(a[1], dt)))
            else:
                return None
        return [f"{res} = _np.where({c.arr}, {vals[0]}, {vals[1]})"], ([c.arr] if nb else [])

    def backward(self, op, g, targets, pfx, k):
        # self: where(condition, grad, 0); other: where(condition, 0, grad)
        c = op.args[0].arr
        z = k(np.asarray(0.0, op.outs[0].dtype))
        out = []
        for i, s, m in targets:
            expr = f"_np.where({c}, {g[0]}, {z})" if i == 1 else f"_np.where({c}, {z}, {g[0]})"
            out.append((None, s.gid, _fit(expr, m, k, *_gmeta(op))))
        return out


class _MaskedFill:
    """``masked_fill(a, mask, number)`` of a float32/float64 ``a``: MaskedFill's one ``np.where`` with the
    number cast as it casts it; backward MaskZero's ``where(mask, 0, grad)``, reduced to ``a``'s shape as the
    engine does."""
    def forward(self, op, args, res, pfx, nb, k):
        a, mask, value = op.args[0], op.args[1], op.args[2]
        dt = op.outs[0].dtype
        if op.casts or len(op.outs) != 1 or not isinstance(a, _cap.Slot) or not isinstance(mask, _cap.Slot) \
                or isinstance(value, _cap.Slot) or type(value[1]) not in (int, float, bool) \
                or mask.dtype != np.bool_ or a.dtype != dt or dt not in _FLOATS:
            return None
        return [f"{res} = _np.where({mask.arr}, {k(np.asarray(value[1]).astype(dt))}, {a.arr})"], \
            ([mask.arr] if nb else [])

    def backward(self, op, g, targets, pfx, k):
        # self: grad.masked_fill(mask, 0)
        z = k(np.zeros((), op.outs[0].dtype))
        return [(None, s.gid, _fit(f"_np.where({op.args[1].arr}, {z}, {g[0]})", m, k, *_gmeta(op)))
                for i, s, m in targets if i == 0]


# ---- nll_loss ------------------------------------------------------------------------------------------------
class _Nll:
    """``nll_loss`` of (N, C) float log-probabilities with class-index targets, no weight, reduction 'mean' or
    'sum', ``ignore_index`` outside [0, C) (the default -100): when every target is in [0, C) (checked on each
    replay, two reductions), the loss is ``-x[arange(N), t]`` summed (divided by N), the gradient ``-1/N`` at
    the targets: NllLoss's arithmetic with its all-ones weights left out (the same values). Otherwise the
    eager path: nll_loss's bounds check (its IndexError) and NllLoss's formulas with ignored targets."""
    def forward(self, op, args, res, pfx, nb, k):
        x, t = op.args[0], op.args[1]
        if not isinstance(x, _cap.Slot) or not isinstance(t, _cap.Slot) or op.casts or x.dtype not in _FLOATS \
                or len(x.shape) != 2 or not x.shape[0] or not x.shape[1] or t.dtype != np.int64 \
                or t.shape != x.shape[:1] or op.args[2][1] is not None or op.args[3][1] not in ("mean", "sum"):
            return None
        ii = op.args[4][1]
        n, c = x.shape
        if type(ii) is not int or 0 <= ii < c:
            return None
        o = op.outs[0].arr
        mean = op.args[3][1] == "mean"
        line = (f"{o}, {pfx} = _nll_fwd({args[0]}, {args[1]}, {c}, {ii}, {mean}, "
                f"{k(np.arange(n))}, {k(np.asarray(n, x.dtype))})")
        return [line], ([pfx] if nb else [])

    def backward(self, op, g, targets, pfx, k):
        x = op.args[0]
        mean = op.args[3][1] == "mean"
        return [(None, s.gid, f"_nll_bwd({g[0]}, {k(x.shape)}, {k(x.dtype)}, {pfx}, {mean}, "
                              f"{k(np.arange(x.shape[0]))}, {k(np.asarray(x.shape[0], x.dtype))})")
                for i, s, m in targets if i == 0]


def _nll_fwd(x, t, c, ii, mean, ar, n):
    if t.min() >= 0 and t.max() < c:   # no target ignored (ignore_index is outside [0, C)), none out of range
        s = (-x[ar, t]).sum()
        return (s / n if mean else s), t.copy()
    valid = t != ii
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():   # nll_loss's check, before its Function runs
        raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")
    w = valid.astype(x.dtype)
    tt = np.where(valid, t, 0)
    picked = np.take_along_axis(x, np.expand_dims(tt, 1), 1).squeeze(1)
    s = np.sum(-(w * picked), dtype=x.dtype)
    total = np.sum(w, dtype=x.dtype)
    return ((s / total).astype(x.dtype) if mean else s), (tt, w, total)


def _nll_bwd(g, shape, dtype, st, mean, ar, n):
    # self: nll_loss_backward(grad, ...) = -weight[target] * grad at each target position (/ total_weight)
    coef = np.zeros(shape, dtype)
    if type(st) is not tuple:  # every weight 1, no target ignored: eager's -(grad / total) at the targets, +0 elsewhere
        coef[ar, st] = -(g / n) if mean else -g
        return coef
    tt, w, total = st
    if mean:
        w = w / total if total else np.zeros_like(w)
    np.put_along_axis(coef, np.expand_dims(tt, 1), np.expand_dims(-w, 1), 1)
    return g * coef


# ---- views ---------------------------------------------------------------------------------------------------
def _t_f(op, a, res, pfx, nb, k):
    return [f"{res} = {a[0]}.T"], []


def _t_b(op, g, targets, pfx, k):
    return [(None, s.gid, f"_np.transpose({g[0]})") for i, s, m in targets]


def _transpose_f(op, a, res, pfx, nb, k):
    if not op.args[0].shape:
        return None
    return [f"{res} = {a[0]}.swapaxes({a[1]}, {a[2]})"], []


def _transpose_b(op, g, targets, pfx, k):
    return [(None, s.gid, f"{g[0]}.swapaxes({k(op.args[1][1])}, {k(op.args[2][1])})") for i, s, m in targets]


def _permute_f(op, a, res, pfx, nb, k):
    return [f"{res} = {a[0]}.transpose({a[1]})"], []


def _permute_b(op, g, targets, pfx, k):
    inv = k(tuple(int(i) for i in np.argsort(op.args[1][1])))
    return [(None, s.gid, f"_np.transpose({g[0]}, {inv})") for i, s, m in targets]


def _view_f(op, a, res, pfx, nb, k):
    return [f"{res} = {a[0]}.reshape({a[1]})"], []


def _view_b(op, g, targets, pfx, k):
    return [(None, s.gid, f"{g[0]}.reshape({k(op.args[0].shape)})") for i, s, m in targets]


def _tanh_bwd(g, y, one):
    # g * (1 - y * y), as Tanh.backward, with one new array instead of three
    if not y.ndim:
        return g * (one - y * y)
    t = y * y
    np.subtract(one, t, out=t)
    if g.dtype != t.dtype or g.shape != t.shape:
        return g * t
    return np.multiply(g, t, out=t)


def _tanh_bwd_into(g, y, one, out):
    # _tanh_bwd written into ``out`` (a row block of a stacked gradient): the same three ufuncs, the same values
    if y.ndim and g.shape == y.shape == out.shape and g.dtype == y.dtype == out.dtype:
        np.multiply(y, y, out=out)
        np.subtract(one, out, out=out)
        return np.multiply(g, out, out=out)
    out[...] = _tanh_bwd(g, y, one)
    return out


def _sigmoid_bwd(g, y, one):
    # g * (1 - y) * y, as Sigmoid.backward, with one new array instead of three
    if not y.ndim:
        return g * (one - y) * y
    t = np.subtract(one, y)
    if g.dtype != t.dtype or g.shape != t.shape:
        return g * t * y
    np.multiply(g, t, out=t)
    return np.multiply(t, y, out=t)


INLINE = {}
HELPERS = {"_relu_bwd": _relu_bwd, "_tanh_bwd": _tanh_bwd, "_tanh_bwd_into": _tanh_bwd_into, "_sigmoid_bwd": _sigmoid_bwd, "_nll_fwd": _nll_fwd,
           "_nll_bwd": _nll_bwd, "_gelu": _gelu, "_ln_fwd": _ln_fwd, "_ln_bwd": _ln_bwd, "_lastmax": _lastmax}


def _load():
    """Fill INLINE (on first use: the op modules import late)."""
    from ..ops import pointwise as pw, pointwise_unary as pu, linalg as la, reduction as rd, shape as sh
    global _relu_grad
    _relu_grad = pu.relu_grad
    HELPERS.update(_prod=la._prod, _mat1_grad=la._mat1_grad, _mat2_grad=la._mat2_grad,
                   _expand_back=rd.expand_back)
    table = {
        "Mul": (pw, _mul_f, _mul_b), "Add": (pw, *_addsub("+")), "Sub": (pw, *_addsub("-")),
        "Div": (pw, _div_f, _div_b),
        "Neg": (pu, *_unary("-{a}", "-{g}", False)),
        "Tanh": (pu, *_unary("_np.tanh({a})", "{g} * ({one} - {o} * {o})", True, "_tanh_bwd({g}, {o}, {one})")),
        "Sigmoid": (pu, *_unary("{one} / ({one} + _np.exp(-{a}))", "{g} * ({one} - {o}) * {o}", True,
                                "_sigmoid_bwd({g}, {o}, {one})")),
        "Exp": (pu, *_unary("_np.exp({a})", "{g} * {o}")),
        "Relu": (pu, _relu_f, _relu_b),
        "Mm": (la, _mm_f, _mm_b), "Addmm": (la, _addmm_f, _addmm_b),
        "Sum": (rd, _sum_f, _sum_b), "SumDim": (rd, _sum_f, _sum_b),
        "Mean": (rd, _mean_f, _mean_b), "MeanDim": (rd, _mean_f, _mean_b),
        "LogSoftmax": (rd, *_softmax_like("log")), "Softmax": (rd, *_softmax_like("soft")),
        "T": (sh, _t_f, _t_b), "Transpose": (sh, _transpose_f, _transpose_b), "View": (sh, _view_f, _view_b),
        "Permute": (sh, _permute_f, _permute_b),
    }
    for name, (mod, f, b) in table.items():
        cls = getattr(mod, name, None)
        if cls is not None:
            INLINE[cls] = _T(f, b, name in ("Mul", "Add", "Sub", "Div"))
    from ..ops import loss as ls, activation as act
    INLINE[ls.NllLoss] = _Nll()
    INLINE[pw.Where] = _Where()
    from ..ops import scatter
    INLINE[scatter.MaskedFill] = _MaskedFill()
    INLINE[act.Gelu] = _T(_gelu_f, _gelu_b)
    from ..ops import norm
    INLINE[norm.NativeLayerNorm] = _T(_ln_f, _ln_b)
