"""What a graph node shows of what it saved: torch's ``grad_fn._saved_<name>`` and ``grad_fn._raw_saved_<name>``.

Tutorials and debugging code read ``y.grad_fn._saved_self`` or ``_saved_exponent``; torch generates those
attributes from derivatives.yaml. npgrad's ops save positionally (``ctx.save_for_backward(a, b)``) and keep
non-tensor values as ctx fields, so this table says, per op, which torch name is which slot or field. It is
read only when such an attribute is asked for (``BackwardNode.__getattr__``, which Python calls only for a
name the node lacks), so building and running graphs pays nothing for it.

Spec of a name: ``k`` (an int) - saved slot ``k``, a Tensor (None where the op did not need to save it);
``"field"`` - the ctx field of that name (``"tuple:field"`` as a tuple, ``"sizes:k"`` the shape of slot ``k``);
a callable - ``f(node)``, for values derived from those. Most entries are generated from torch over the op
table (``_saved_table.py``, by tests/support/saved_names_gen.py); the hand-written ones below take precedence. As in
torch, saved tensors are freed by backward (reading one then raises torch's error), other values stay.
"""
from __future__ import annotations

from typing import Any, Callable

import math

import numpy as np

from . import function as _function

__all__ = ["SavedTensor", "saved_names", "get_saved", "get_raw_saved"]


def _sizes(k):
    return lambda node: tuple(_slot_array(node, k).shape)


def _strides(k):
    def strides(node):
        a = _slot_array(node, k)
        return tuple(s // a.itemsize for s in a.strides)
    return strides


def _field(name, conv):
    return lambda node: conv(getattr(node, name))


def _dims_or_none(node):
    return None if getattr(node, "full", False) else tuple(node.dims)


_REDUCTION = {"none": 0, "mean": 1, "sum": 2}
_numel = _field("shape", math.prod)
_dims = _field("dims", tuple)
_mm = {"self": 0, "mat2": 1, "self_sym_sizes": _sizes(0), "self_sym_strides": _strides(0),
       "mat2_sym_sizes": _sizes(1), "mat2_sym_strides": _strides(1)}


def _max_indices(node):
    idx = node.idx
    if idx is None:  # a 0-d input: the index is 0
        return _function.make(np.zeros((), np.int64))
    return _function.make(idx if node.keepdim else np.squeeze(idx, node.dim))


def _normalized_shape(node):
    shape = _slot_array(node, 0).shape
    return tuple(shape[a] for a in node.axes)


_INT64_MAX = 2 ** 63 - 1


def _last_basic(node):
    """The last step torch's indexing makes of ``node.basic`` (items applied left to right, full slices
    skipped): ``(item, dim, shape before it)``."""
    shape, dim, last = list(node.shape), 0, None
    for it in node.basic:
        if it is None:
            shape.insert(dim, 1)
            dim += 1
            continue
        if it is Ellipsis:
            continue
        if type(it) is slice:
            n = len(range(*it.indices(shape[dim])))
            if last is None or not (it.start in (None, 0) and it.step in (None, 1) and n == shape[dim]):
                last = (it, dim, tuple(shape))
            shape[dim] = n
            dim += 1
        else:
            last = (it, dim, tuple(shape))
            del shape[dim]
    return last


def _basic_shape(node):
    return np.broadcast_to(np.zeros((), np.int8), node.shape)[node.basic + (Ellipsis,)].shape


def _indices(node):
    items = list(node.adv)
    while items and type(items[-1]) is slice:
        items.pop()
    return tuple(None if type(i) is slice else _function.make(np.asarray(i)) for i in items)


def _slice_part(k, default):
    def part(node):
        v = getattr(_last_basic(node)[0], k)
        return default if v is None else int(v) % 2 ** 64  # torch shows a negative one as its uint64 wrap
    return part


def _adaptive_indices(node):
    gidx, shape = node.gidx, node.shape
    k = 3 if type(node).__name__.endswith("3DBackward0") else 2
    plane = math.prod(shape[-k:])  # gidx counts over the whole input; torch's indices over one plane
    return _function.make(gidx.reshape(tuple(shape[:-k]) + gidx.shape[-k:]) % plane)  # unbatched: no batch dim


def _wrapped(v):
    return int(v) % 2 ** 64  # a negative int as torch shows it (its uint64 wrap)


def _ints(name, i=None):
    def get(node):
        v = getattr(node, name)
        if i is not None:
            v = v[i]
        return tuple(_wrapped(x) for x in ((v,) if isinstance(v, (int, np.integer)) else (v or ())))
    return get


def _opt_int(v):
    return None if v is None else _wrapped(v)


def _region_last(part):
    def get(node):
        it = node.region[-1]
        return _opt_int(getattr(it, part)) if part else _wrapped(it)
    return get


def _geo(i):
    return lambda node: tuple(int(x) for x in node.geo[i])


def _unpool_indices(node):
    """max_unpool's indices as the caller gave them: positions within one output plane (npgrad keeps them
    offset by the plane, over the whole output)."""
    return _function.make(node.index % node.plane)


def _geom(i):
    def get(node):
        if node.geom is None:  # an as_strided made by npgrad itself (unfold): torch's names do not apply
            raise AttributeError(f"'{type(node).__name__}' object has no attribute")
        v = node.geom[i]
        return tuple(int(x) for x in v) if isinstance(v, tuple) else int(v)
    return get


_BAG_MODE = {"sum": 0, "mean": 1, "max": 2}


def _pool_arg(name):
    """A pooling argument as the caller gave it (ops/pool.py keeps them on the geometry tuple)."""
    def get(node):
        args = getattr(node.geo, "args", None)
        if args is None:  # a geometry rebuilt without them (a compiled replay)
            raise AttributeError(f"'{type(node).__name__}' object has no attribute '_saved_{name}'")
        return args[name]
    return get


def _pool_flat_indices(masks, geo, shape):
    from ..ops.pool import _flat_indices
    nd = len(geo[0])
    idx = _flat_indices(masks, geo, tuple(shape[-nd:]))
    return _function.make(idx[0] if len(shape) == nd + 1 else idx)  # an unbatched input: unbatched indices


def _max_pool_indices(node):
    from ..ops.pool import _masks_of
    x, out = _slot_array(node, 0), _slot_array(node, 1)
    return _pool_flat_indices(_masks_of(x, out, node.geo), node.geo, x.shape)


_AVG_POOL = {"kernel_size": _ints("geo", 0), "padding": _ints("geo", 2), "stride": _pool_arg("stride"),
             "ceil_mode": _pool_arg("ceil_mode"), "count_include_pad": _pool_arg("count_include_pad"),
             "divisor_override": _pool_arg("divisor_override")}
_MAX_POOL = {"self": 0, "result1": _max_pool_indices, "kernel_size": _ints("geo", 0), "padding": _ints("geo", 2),
             "dilation": _ints("geo", 3), "stride": _pool_arg("stride"), "ceil_mode": _pool_arg("ceil_mode")}
_grid_sampler = {"input": 0, "grid": 1, "align_corners": "align_corners",
                 "interpolation_mode": _field("mode", {"bilinear": 0, "nearest": 1, "bicubic": 2}.get),
                 "padding_mode": _field("padding", {"zeros": 0, "border": 1, "reflection": 2}.get)}
_im2col = {"kernel_size": _geo(0), "dilation": _geo(1), "padding": _geo(2), "stride": _geo(3)}


# op (module.Class) -> {torch's saved name: spec}; names and meanings follow torch's derivatives.yaml
_TABLE: dict[str, dict[str, Any]] = {
    "pointwise.Mul": {"self": 0, "other": 1},
    "pointwise.Div": {"self": 0, "other": 1},
    "pointwise.Add": {"alpha": "alpha"},
    "pointwise.Sub": {"alpha": "alpha"},
    "pointwise.Rsub": {"alpha": "alpha"},
    "pointwise.RsubTensor": {"alpha": "alpha"},
    "pointwise.Pow": {"self": 0, "exponent": "exponent"},
    "pointwise.PowTensor": {"self": 0, "exponent": 1, "result": 2},
    "pointwise.RPow": {"self": "base", "exponent": 0, "result": 1},
    "pointwise.Where": {"condition": 0},
    "pointwise_unary.Exp": {"result": 0},
    "pointwise_unary.Sigmoid": {"result": 0},
    "pointwise_unary.Tanh": {"result": 0},
    # the one node a create_graph backward records for tanh/sigmoid (TanhBackwardBackward0, SigmoidBackwardBackward0)
    "pointwise_unary.TanhBackward": {"grad_output": 0, "output": 1},
    "pointwise_unary.SigmoidBackward": {"grad_output": 0, "output": 1},
    "pointwise_unary.Relu": {"result": 0},
    "pointwise_unary.Sqrt": {"result": 0},
    "pointwise_unary.Log": {"self": 0},
    "pointwise_unary.Sin": {"self": 0},
    "pointwise_unary.Cos": {"self": 0},
    "pointwise_unary.Abs": {"self": 0},
    "pointwise_ternary.Clamp": {"self": 0, "min": "lo", "max": "hi"},
    "activation.Silu": {"self": 0},
    "activation.Gelu": {"self": 0, "approximate": _field("tanh", lambda t: "tanh" if t else "none")},
    "activation.LeakyRelu": {"self": 0, "negative_slope": "slope"},
    "linalg.Mm": _mm,
    "linalg.Bmm": {"self": 0, "mat2": 1},
    "linalg.Dot": {"self": 0, "tensor": 1},
    "linalg.Addmm": {"mat1": 0, "mat2": 1, "alpha": "alpha", "beta": "beta", "mat1_sym_sizes": _sizes(0),
                     "mat1_sym_strides": _strides(0), "mat2_sym_sizes": _sizes(1), "mat2_sym_strides": _strides(1)},
    "reduction.Sum": {"self_sym_sizes": _field("shape", tuple)},
    "reduction.SumDim": {"dim": _dims, "keepdim": "keepdim", "self_sym_sizes": _field("shape", tuple)},
    "reduction.Mean": {"self_sym_sizes": _field("shape", tuple), "self_sym_numel": _numel},
    "reduction.MeanDim": {"dim": _dims, "keepdim": "keepdim", "self_sym_sizes": _field("shape", tuple),
                          "self_sym_numel": _numel},
    "reduction.Softmax": {"dim": "dim", "result": 0},
    "reduction.LogSoftmax": {"dim": "dim", "result": 0},
    "reduction.Var": {"self": 0, "dim": _dims_or_none, "keepdim": "keepdim"},
    "reduction.Std": {"self": 0, "result": 1, "dim": _dims_or_none, "keepdim": "keepdim"},
    "reduction.Prod": {"self": 0, "result": 1},
    "reduction.Logsumexp": {"self": 0, "result": 1, "dim": _dims, "keepdim": "keepdim"},
    "linalg_func.LinalgVectorNorm": {"self": 0, "result": 1, "keepdim": "keepdim"},
    "reduction_sort.MaxDim": {"dim": "dim", "keepdim": "keepdim", "self_sym_sizes": _field("shape", tuple),
                              "indices": _max_indices},
    "reduction_sort.MinDim": {"dim": "dim", "keepdim": "keepdim", "self_sym_sizes": _field("shape", tuple),
                              "indices": _max_indices},
    "reduction_sort.MaxAll": {"self": 0, "result": 1},
    "reduction_sort.MinAll": {"self": 0, "result": 1},
    "reduction_scan.Cumsum": {"dim": "dim"},
    "reduction_scan.Cumprod": {"dim": "dim"},
    "reduction_scan.Cummax": {"dim": "dim"},
    "reduction_scan.Cummin": {"dim": "dim"},
    "joining.Tril": {"diagonal": "k"},
    "joining.Triu": {"diagonal": "k"},
    "pointwise_ternary.Lerp": {"weight": "w"},
    "shape.View": {"self_sym_sizes": _field("shape", tuple)},
    "shape.Expand": {"self_sym_sizes": _field("shape", tuple)},
    "shape.Transpose": {"dim0": "d0", "dim1": "d1"},
    "shape.Unsqueeze": {"dim": "dim"},
    "shape.Permute": {"dims": _field("dims", tuple)},
    "joining.Cat": {"dim": "dim"},
    "loss.MseLoss": {"self": 0, "target": 1, "reduction": _field("reduction", _REDUCTION.get)},
    "loss.NllLoss": {"reduction": _field("reduction", _REDUCTION.get)},
    "statistics._MulScalar": {"other": _field("other", float)},  # (trapezoid's: a double scalar in torch)
    "statistics._DivScalar": {"other": _field("other", float)},
    "indexing.Select": {"dim": lambda n: _last_basic(n)[1], "index": lambda n: int(_last_basic(n)[0]) % 2 ** 64,
                        "self_sym_sizes": lambda n: _last_basic(n)[2]},
    "indexing.Slice": {"dim": lambda n: _last_basic(n)[1], "start": _slice_part("start", 0),
                       "end": _slice_part("stop", _INT64_MAX), "step": _slice_part("step", 1),
                       "self_sym_sizes": lambda n: _last_basic(n)[2]},
    "indexing.Index": {"indices": _indices, "self_sym_sizes": _basic_shape},
    "indexing.IndexTensor": {"indices": _indices, "self_sym_sizes": _basic_shape},
    "pool.AvgPool": _AVG_POOL,
    "pool.AvgPool3D": _AVG_POOL,
    "pool.AvgPoolGrad": _AVG_POOL,
    "pool.MaxPool": _MAX_POOL,
    "pool.MaxPoolWithIndices": _MAX_POOL,
    "pool.MaxPool3D": _MAX_POOL,
    "pool.MaxPool3DWithIndices": _MAX_POOL,
    "pool.AvgPoolGrad3D": _AVG_POOL,
    "pool.WindowScatter": {"indices": lambda n: _pool_flat_indices(n.masks, n.geo, n.shape)},
    "pool.WindowScatter3D": {"indices": lambda n: _pool_flat_indices(n.masks, n.geo, n.shape)},
    "pool.AdaptiveMaxPool": {"result1": _adaptive_indices},
    "pool.AdaptiveMaxPool3D": {"result1": _adaptive_indices},
    "pool.UpsampleNearest1D": {"output_size": lambda n: (n.mats[0].shape[0],)},
    "sampling.ConstantPadNd": {"pad": lambda n: tuple(_wrapped(p) for pair in n.pads for p in pair)},
    "sampling.PixelShuffle": {"upscale_factor": "r"},
    "sampling.PixelUnshuffle": {"downscale_factor": "r"},
    "scatter.Take": {"index": 0},
    "neural.Embedding": {"weight_sym_argsize_0": lambda n: int(n.shape[0])},
    "shape.SqueezeDim": {"self_sym_sizes": _field("shape", tuple)},
    "joining.Roll": {"shifts": _ints("shifts"), "dims": _ints("dims")},
    "indexing.IndexPut": {"indices": lambda n: None if n.flat else _indices(n)},
    "indexing.IndexPutOp": {"indices": _indices},
    "linalg_func.LinalgMatrixExp": {"self": 0},
    "conv.Im2Col": {**_im2col, "self_sym_argsize_minus_1": lambda n: int(n.S[-1]),
                    "self_sym_argsize_minus_2": lambda n: int(n.S[-2])},
    "conv.Col2Im": _im2col,
    "nn_extra.EmbeddingBag": {"mode": _field("mode", _BAG_MODE.get), "indices": _field("idx", _function.make),
                              "weight_sym_argsize_0": lambda n: int(n.vshape[0])},
    "nn_extra.MultilabelMarginLoss": {"reduction": _field("reduction", _REDUCTION.get)},
    "shape_extra.Unfold": {"self_sym_sizes": _field("in_shape", tuple)},
    "shape_extra.SelectScatter": {"dim": lambda n: len(n.region) - 1, "index": _region_last(None)},
    "shape_extra.SliceScatter": {"dim": lambda n: len(n.region) - 1, "start": _region_last("start"),
                                 "end": _region_last("stop"), "step": _region_last("step")},
    "shape_extra.DiagonalScatter": {"offset": lambda n: _wrapped(n.region[0]), "dim1": lambda n: int(n.region[1]),
                                    "dim2": lambda n: int(n.region[2])},
    "norm.NativeLayerNorm": {"input": 0, "weight": 1, "result1": 2, "result2": 3,
                             "normalized_shape": _normalized_shape},
    "grid_sample.GridSampler2D": _grid_sampler,
    "grid_sample.GridSampler3D": _grid_sampler,
    "pool.AdaptiveAvgPool2D": {"self": 0},
    "pool.AdaptiveAvgPool3D": {"self": 0},
    "api_extra.Angle": {"self": 0},
    "pool.MaxUnpool": {"indices": _unpool_indices},
    "pool.MaxUnpool3D": {"indices": _unpool_indices},
    "grid_sample.AffineGridGenerator": {"size": _field("size", tuple), "align_corners": "align_corners"},
    "shape_extra.AsStrided": {"size": _geom(0), "stride": _geom(1), "storage_offset": _geom(2)},
    "pointwise.DivRounded": {"rounding_mode": "mode"},
    # (noise not shown: npgrad's slopes come from its own generator, and out of training torch's noise is
    # left unwritten, so no value of npgrad's would be torch's)
    "activation.RreluWithNoise": {"lower": "lower", "upper": "upper", "training": "training"},
    "activation.RreluWithNoiseInplace": {"lower": "lower", "upper": "upper", "training": "training"},
    "linalg_decomp.LinalgSvd": {"U": 0, "S": 1, "Vh": 2, "full_matrices": "full",
                                "S_sym_argsize_minus_1": lambda n: int(_slot_array(n, 1).shape[-1])},
}


_merged = {}  # Function class -> its names (the generated table, overridden by _TABLE above)


def saved_names(node: Any) -> dict[str, Any]:
    """The torch names ``node`` exposes, or an empty dict."""
    fn = type(node)._fn
    if fn is None or not fn._builtin:
        return {}
    names = _merged.get(fn)
    if names is None:
        from ._saved_table import TABLE
        key = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__qualname__}"
        names = _merged[fn] = {**TABLE.get(key, {}), **_TABLE.get(key, {})}  # type: ignore[dict-item]  # TABLE: dict[str, object] to mypy
    return names


def _entries(node):
    saved = node._saved
    if saved is None:
        raise RuntimeError(_function._FREED)
    return saved


def _slot_array(node, k):
    entries = _entries(node)
    entry = entries[k] if k < len(entries) else None
    if type(entry) is _function._Saved:
        return entry.data
    if type(entry) is _function._Hooked:
        return entry.unpack(node, True)
    return np.asarray(entry)


def _unpack(node, k):
    """Saved slot ``k`` as the Tensor torch shows: the input itself, or the output rebuilt on its node."""
    entries = _entries(node)
    entry = entries[k] if k < len(entries) else None
    if entry is None:
        return None
    if type(entry) is _function._Hooked:
        return entry.unpack(node, False)
    if type(entry) is not _function._Saved:  # a Python number saved in a tensor slot: torch wraps it
        from .._creation import tensor
        from .._dtype import float64
        return tensor(entry, dtype=float64) if isinstance(entry, float) else tensor(entry)  # as torch's wrapped numbers
    data, t, nr, vc, version = entry
    if vc is not None and vc[0] != version:
        _function._version_error(entry, node)
    if t is not None:
        return t
    if nr >= 0:
        return _function.make(data, node, nr, vc)
    return _function.make(data)


def get_saved(node: Any, name: str) -> Any:
    spec = saved_names(node).get(name)
    if spec is None:
        raise AttributeError(f"'{type(node).__name__}' object has no attribute '_saved_{name}'")
    if type(spec) is int:
        return _unpack(node, spec)
    if type(spec) is str:  # "field", or the generated table's "tuple:field" / "sizes:k"
        kind, _, arg = spec.rpartition(":")
        if kind == "tuple":
            return tuple(getattr(node, arg))
        if kind == "sizes":
            return tuple(_slot_array(node, int(arg)).shape)
        return getattr(node, arg)
    return spec(node)


def get_raw_saved(node: Any, name: str) -> SavedTensor:
    spec = saved_names(node).get(name)
    if type(spec) is not int:
        raise AttributeError(f"'{type(node).__name__}' object has no attribute '_raw_saved_{name}'")
    return SavedTensor(node, spec)


class SavedTensor:
    """One saved tensor of a node (``grad_fn._raw_saved_self``): ``register_hooks(pack_hook, unpack_hook)``
    packs it now and unpacks it whenever backward (or ``_saved_self``) reads it, as torch's SavedTensor."""
    __slots__ = ("_node", "_k")

    def __init__(self, node: Any, k: int) -> None:
        self._node = node
        self._k = k

    def unpack(self) -> Any:
        return _unpack(self._node, self._k)

    def register_hooks(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
        if not (callable(pack_hook) and callable(unpack_hook)):
            raise TypeError("register_hooks(): incompatible function arguments: expected two callables "
                            "(pack_hook, unpack_hook)")
        node = self._node
        if node._saved is None:
            raise RuntimeError("Calling register_hooks on a saved tensor after it has been freed. Saved "
                               "intermediate values of the graph are freed when you call .backward() or "
                               "autograd.grad(). Specify retain_graph=True if you need to backward through the "
                               "graph a second time or if you need to access saved variables after calling "
                               "backward.")
        saved = list(node._saved)
        entry = saved[self._k]
        if type(entry) is _function._Hooked:
            raise RuntimeError("Calling register_hooks on a saved tensor whose hooks have already been set. "
                               "Hint: only one pair of hooks is allowed at a time.")
        if type(entry) is not _function._Saved:
            raise RuntimeError("Calling register_hooks on a saved tensor that is undefined")
        outs = [None] * (entry.output_nr + 1)
        if entry.output_nr >= 0:
            outs[entry.output_nr] = _function.make(entry.data, node, entry.output_nr, entry.vc)
        saved[self._k] = _function._hook_saved(node, (entry,), outs, (pack_hook, unpack_hook))[0]
        node._saved = tuple(saved)

    def __repr__(self):
        return f"<npgrad.autograd.SavedTensor object at {hex(id(self))}>"
