"""Op table entries: shape ops (views, reshapes, transposes) and joining/splitting/rearranging ops.

Multi-output ops (split, chunk, unbind, tensor_split, meshgrid) return tuples: the oracle compares every output
and back-propagates through all of them; ``*_partial`` entries use only some outputs, so the nodes must fill
zeros for the others.
"""
import numpy as np

from . import OpInfo, NoGrad, unary, rand


def _s(*shapes):
    return unary(shapes=list(shapes))


# Empty inputs: compared with torch (values and gradients), but not through gradcheck, whose Jacobians of an
# input with no elements have the wrong shape (see the report in the issue)
EMPTY = {"gradcheck": False, "gradgrad": False}


def _several(rng, dtype, shapes):
    return [rand(rng, s, dtype) for s in shapes]


def _list_samples(*groups, **kwargs):
    """Samples whose arguments are lists of arrays: ``fn(m, *arrays, **kw)`` builds the list itself."""
    def samples(rng, dtype):
        return [(tuple(_several(rng, dtype, shapes)), dict(kw)) for shapes, kw in groups]
    return samples


def _noncontig(m, a):
    return a.transpose(0, -1)


def _mixed_cat(rng, dtype):
    other = np.float64 if dtype == np.float32 else np.float32
    return [((rand(rng, (2, 3), dtype), rand(rng, (1, 3), other)), {}),
            ((rand(rng, (2, 3), dtype), np.arange(3).reshape(1, 3)), {})]


def _tensor_split_idx(rng, dtype):
    x = rand(rng, (5, 4), dtype)
    return [((x, np.array([1, 3])), {}), ((x, np.array(2)), {}), ((x, np.array([0, 4, 9])), {})]


def _repeat_interleave_t(rng, dtype):
    x = rand(rng, (3, 2), dtype)
    return [((x, np.array([1, 0, 2])), {"dim": 0}), ((x, np.array([2, 1])), {"dim": -1}),
            ((x, np.array(2)), {"dim": 1}), ((x, np.array([1, 2, 0, 1, 1, 3])), {})]


def _fn_atleast(name):
    def fn(m, *xs):
        return getattr(m, name)(*xs)
    return fn


OPS = [
    # ---- reshape family
    OpInfo("reshape_noncontig", lambda m, a: _noncontig(m, a).reshape(-1), _s((2, 3), (2, 3, 2))),
    OpInfo("reshape_same", lambda m, a: a.reshape(a.shape), _s((2, 3), ())),
    OpInfo("reshape_empty", lambda m, a: a.reshape(3, 0, 2), _s((2, 0, 3))),
    OpInfo("reshape_fn", lambda m, a: m.reshape(a, (3, -1)), _s((2, 3), (3, 2, 2))),
    OpInfo("reshape_0d", lambda m, a: a.reshape(1, 1), _s(())),
    OpInfo("view_as", lambda m, a: a.view_as(m.ones(6, 1)), _s((2, 3), (3, 2))),
    OpInfo("view_noncontig_ok", lambda m, a: a.transpose(0, 1).view(3, 2, 2), _s((2, 3, 2))),
    OpInfo("flatten", lambda m, a: a.flatten(), _s((2, 3, 2), (), (3,))),
    OpInfo("flatten_range", lambda m, a: m.flatten(a, 1, -1), _s((2, 3, 2), (2, 1, 3, 2))),
    OpInfo("flatten_noop", lambda m, a: a.flatten(1, 1) * 1, _s((2, 3, 2))),
    OpInfo("flatten_noncontig", lambda m, a: a.mT.flatten(-2), _s((2, 3, 2))),
    OpInfo("unflatten", lambda m, a: a.unflatten(-1, (2, -1)), _s((3, 4), (2, 3, 4))),
    OpInfo("unflatten_fn", lambda m, a: m.unflatten(a, 0, (1, 2, 3)), _s((6,), (6, 2))),
    # ---- squeeze / unsqueeze / expand
    OpInfo("squeeze", lambda m, a: a.squeeze(), _s((2, 1, 3), (1, 1), (), (2, 3))),
    OpInfo("squeeze_dim", lambda m, a: a.squeeze(-2), _s((2, 1, 3), (2, 3))),
    OpInfo("squeeze_dims", lambda m, a: m.squeeze(a, (0, -1)), _s((1, 2, 1), (1, 3, 2))),
    OpInfo("squeeze_0d", lambda m, a: a.squeeze(0), _s(())),
    OpInfo("unsqueeze", lambda m, a: a.unsqueeze(-1), _s((2, 3), (), (3,))),
    OpInfo("unsqueeze_mid", lambda m, a: m.unsqueeze(a, 1), _s((2, 3), (0, 3))),
    OpInfo("expand", lambda m, a: a.expand(2, 3, 4), _s((3, 1), (1, 4), (), (3, 4))),
    OpInfo("expand_neg", lambda m, a: a.expand(5, -1, 4), _s((3, 1))),
    OpInfo("expand_as", lambda m, a, b: a.expand_as(b), lambda rng, dt: [
        ((rand(rng, (3, 1), dt), NoGrad(rand(rng, (2, 3, 4), dt))), {})]),
    OpInfo("broadcast_to", lambda m, a: m.broadcast_to(a, (2, 2, 3)), _s((1, 3), (3,), ())),
    # ---- transposes
    OpInfo("transpose_neg", lambda m, a: a.transpose(-1, -3), _s((2, 3, 4))),
    OpInfo("swapaxes", lambda m, a: m.swapaxes(a, 0, 1), _s((2, 3), (2, 3, 1))),
    OpInfo("swapdims", lambda m, a: a.swapdims(1, 2), _s((2, 3, 4))),
    OpInfo("transpose_0d", lambda m, a: a.transpose(0, -1), _s(())),
    OpInfo("t_0d", lambda m, a: a.t(), _s(())),
    OpInfo("permute", lambda m, a: a.permute(2, 0, 1), _s((2, 3, 4), (0, 3, 2))),
    OpInfo("permute_neg", lambda m, a: m.permute(a, (-1, 0, -2)), _s((2, 3, 4))),
    OpInfo("movedim", lambda m, a: a.movedim(0, -1), _s((2, 3, 4))),
    OpInfo("movedim_tuple", lambda m, a: m.movedim(a, (0, 1), (2, 0)), _s((2, 3, 4))),
    OpInfo("moveaxis", lambda m, a: m.moveaxis(a, -1, 0), _s((2, 3, 4))),
    OpInfo("mT", lambda m, a: a.mT, _s((2, 3), (4, 2, 3))),
    OpInfo("mH", lambda m, a: a.mH, _s((2, 3))),
    OpInfo("H", lambda m, a: a.H, _s((2, 3))),
    OpInfo("adjoint", lambda m, a: m.adjoint(a), _s((4, 2, 3))),
    OpInfo("contiguous", lambda m, a: a.t().contiguous(), _s((2, 3))),
    OpInfo("contiguous_noop", lambda m, a: (a * 1).contiguous(), _s((2, 3))),
    OpInfo("narrow", lambda m, a: a.narrow(1, 1, 2), _s((2, 4), (2, 3, 2))),
    OpInfo("narrow_neg", lambda m, a: m.narrow(a, -1, -2, 2), _s((2, 4))),
    OpInfo("narrow_empty", lambda m, a: a.narrow(0, 1, 0), _s((2, 4)), gradgrad=False),
    OpInfo("diagonal", lambda m, a: a.diagonal(), _s((3, 3), (2, 4), (4, 2))),
    OpInfo("diagonal_offset", lambda m, a: m.diagonal(a, 1, -1, 0), _s((3, 4), (2, 3, 4))),
    OpInfo("diagonal_neg_offset", lambda m, a: a.diagonal(-1, 1, 2), _s((2, 3, 4), (2, 4, 3))),
    OpInfo("diagonal_empty", lambda m, a: a.diagonal(5), _s((3, 4)), gradgrad=False),
    OpInfo("atleast_1d", _fn_atleast("atleast_1d"), _s((), (3,), (2, 3))),
    OpInfo("atleast_2d", _fn_atleast("atleast_2d"), _s((), (3,), (2, 3), (2, 1, 3))),
    OpInfo("atleast_3d", _fn_atleast("atleast_3d"), _s((), (3,), (2, 3), (2, 1, 3))),
    OpInfo("atleast_many", lambda m, a, b, c: m.atleast_2d(a, b, c), _list_samples((((), (3,), (2, 3)), {}))),
    OpInfo("atleast_list", lambda m, a, b: m.atleast_3d([a, b]), _list_samples((((), (3,)), {}))),
    # ---- cat / stack
    OpInfo("cat", lambda m, *xs, **kw: m.cat(xs, **kw), _list_samples(
        (((2, 3), (1, 3)), {}), (((2, 3), (2, 1), (2, 2)), {"dim": -1}), (((2, 3),), {"dim": 1}))),
    OpInfo("cat_empty", lambda m, *xs, **kw: m.cat(xs, **kw), _list_samples(
        (((2, 0, 3), (2, 2, 3)), {"dim": 1}), (((0,), (2, 3), (0,)), {}), (((0,), (0,)), {})), **EMPTY),
    OpInfo("cat_mixed_dtype", lambda m, a, b: m.cat([a, b]), _mixed_cat),
    OpInfo("concat", lambda m, a, b: m.concat((a, b), dim=1), _list_samples((((2, 3), (2, 2)), {}))),
    OpInfo("concatenate", lambda m, a, b: m.concatenate([a, b], axis=-1), _list_samples((((2, 3), (2, 2)), {}))),
    OpInfo("stack", lambda m, *xs, **kw: m.stack(list(xs), **kw), _list_samples(
        (((2, 3), (2, 3)), {}), (((2, 3), (2, 3), (2, 3)), {"dim": -1}), (((), ()), {}), (((3,),), {"dim": 1}),
        (((0, 2), (0, 2)), {"dim": 1}))),
    OpInfo("hstack", lambda m, *xs: m.hstack(xs), _list_samples(
        (((2, 3), (2, 1)), {}), (((3,), (2,)), {}), (((), (2,)), {}), (((2, 1, 3), (2, 2, 3)), {}))),
    OpInfo("vstack", lambda m, *xs: m.vstack(list(xs)), _list_samples(
        (((2, 3), (1, 3)), {}), (((3,), (3,)), {}), (((), ()), {}), (((3,), (2, 3)), {}))),
    OpInfo("row_stack", lambda m, a, b: m.row_stack((a, b)), _list_samples((((3,), (2, 3)), {}))),
    OpInfo("dstack", lambda m, *xs: m.dstack(xs), _list_samples(
        (((2, 3), (2, 3)), {}), (((3,), (3,)), {}), (((), ()), {}), (((2, 3, 1), (2, 3, 2)), {}))),
    OpInfo("column_stack", lambda m, *xs: m.column_stack(xs), _list_samples(
        (((3,), (3, 2)), {}), (((), ()), {}), (((3,), (3,)), {}))),
    # ---- splitting (multi-output nodes)
    OpInfo("split", lambda m, a, *r, **kw: a.split(*r, **kw), lambda rng, dt: [
        ((rand(rng, (5, 3), dt), 2), {}), ((rand(rng, (5, 3), dt), 1), {"dim": -1}),
        ((rand(rng, (5, 3), dt), 7), {}), ((rand(rng, (0, 3), dt), 0), {})]),
    OpInfo("split_sizes", lambda m, a, s, **kw: m.split(a, s, **kw), lambda rng, dt: [
        ((rand(rng, (5, 3), dt), [2, 3]), {}), ((rand(rng, (5, 3), dt), [1, 2]), {"dim": 1}),
        ((rand(rng, (5,), dt), (5,)), {})]),
    OpInfo("split_sizes_empty", lambda m, a, s, **kw: m.split(a, s, **kw), lambda rng, dt: [
        ((rand(rng, (5, 3), dt), [1, 0, 2]), {"dim": 1})], gradgrad=False),
    OpInfo("split_partial", lambda m, a: (lambda p: (p[0], p[2]))(a.split(1, 1)), _s((2, 3))),
    OpInfo("split_sizes_partial", lambda m, a: a.split([1, 2, 1])[1], _s((4, 2))),
    OpInfo("chunk", lambda m, a, n, **kw: a.chunk(n, **kw), lambda rng, dt: [
        ((rand(rng, (5, 3), dt), 2), {}), ((rand(rng, (5, 3), dt), 3), {"dim": -1}),
        ((rand(rng, (5, 3), dt), 4), {}), ((rand(rng, (6, 2), dt), 4), {}), ((rand(rng, (0, 2), dt), 2), {})]),
    OpInfo("chunk_partial", lambda m, a: m.chunk(a, 3)[-1], _s((5, 2))),
    OpInfo("unbind", lambda m, a, **kw: a.unbind(**kw), lambda rng, dt: [
        ((rand(rng, (3, 2), dt),), {}), ((rand(rng, (3, 2), dt),), {"dim": -1}), ((rand(rng, (3,), dt),), {}),
        ((rand(rng, (2, 0), dt),), {"dim": 1})]),
    OpInfo("unbind_partial", lambda m, a: m.unbind(a, 1)[1], _s((2, 3))),
    OpInfo("iter", lambda m, a: tuple(a), _s((3, 2), (2,))),
    OpInfo("tensor_split", lambda m, a, s, **kw: a.tensor_split(s, **kw), lambda rng, dt: [
        ((rand(rng, (5, 3), dt), 2), {}), ((rand(rng, (5, 3), dt), 3), {"dim": 1}),
        ((rand(rng, (5, 3), dt), [1, 4]), {})]),
    OpInfo("tensor_split_empty", lambda m, a, s, **kw: a.tensor_split(s, **kw), lambda rng, dt: [
        ((rand(rng, (5, 3), dt), 4), {"dim": 1}), ((rand(rng, (5, 3), dt), (-1, 1, 10)), {"dim": 0})],
        gradgrad=False),
    OpInfo("tensor_split_tensor", lambda m, a, i: m.tensor_split(a.t(), i), _tensor_split_idx, gradgrad=False),
    OpInfo("hsplit", lambda m, a, s: m.hsplit(a, s), lambda rng, dt: [
        ((rand(rng, (2, 4), dt), 2), {}), ((rand(rng, (6,), dt), [1, 4]), {})]),
    OpInfo("vsplit", lambda m, a, s: a.vsplit(s), lambda rng, dt: [((rand(rng, (4, 2), dt), 2), {})]),
    OpInfo("dsplit", lambda m, a, s: m.dsplit(a, s), lambda rng, dt: [((rand(rng, (1, 2, 4), dt), [3]), {})]),
    OpInfo("meshgrid_ij", lambda m, *xs: m.meshgrid(*xs, indexing="ij"), _list_samples(
        (((3,), (2,)), {}), (((2,), (), (3,)), {}), (((4,),), {}))),
    OpInfo("meshgrid_xy", lambda m, *xs: m.meshgrid(list(xs), indexing="xy"), _list_samples(
        (((3,), (2,)), {}), (((2,), (1,), (3,)), {}))),
    # ---- repeat / tile / repeat_interleave
    OpInfo("repeat", lambda m, a, *r: a.repeat(*r), lambda rng, dt: [
        ((rand(rng, (2, 3), dt), 2, 1), {}), ((rand(rng, (2, 3), dt), 2, 1, 3), {}),
        ((rand(rng, (), dt), 3), {}), ((rand(rng, (2,), dt), 0, 2), {}), ((rand(rng, (2, 1), dt), (1, 1)), {})]),
    OpInfo("tile", lambda m, a, r: m.tile(a, r), lambda rng, dt: [
        ((rand(rng, (2, 3), dt), (2,)), {}), ((rand(rng, (2, 3), dt), (2, 1, 2)), {}),
        ((rand(rng, (3,), dt), (2, 2)), {})]),
    OpInfo("repeat_interleave", lambda m, a, r, **kw: a.repeat_interleave(r, **kw), lambda rng, dt: [
        ((rand(rng, (2, 3), dt), 2), {}), ((rand(rng, (2, 3), dt), 2), {"dim": 1}),
        ((rand(rng, (2, 3), dt), 3), {"dim": -2}), ((rand(rng, (), dt), 3), {}), ((rand(rng, (2,), dt), 0), {})]),
    OpInfo("repeat_interleave_tensor", lambda m, a, r, **kw: m.repeat_interleave(a, r, **kw),
           _repeat_interleave_t),
    # ---- flip / roll / triangles / diagonals
    OpInfo("flip", lambda m, a, *d: a.flip(*d), lambda rng, dt: [
        ((rand(rng, (2, 3), dt), 0), {}), ((rand(rng, (2, 3, 2), dt), (0, -1)), {}),
        ((rand(rng, (2, 3), dt), ()), {}), ((rand(rng, (), dt), ()), {})]),
    OpInfo("fliplr", lambda m, a: m.fliplr(a), _s((2, 3), (2, 3, 2))),
    OpInfo("flipud", lambda m, a: a.flipud(), _s((2, 3), (3,))),
    OpInfo("roll", lambda m, a, s, *d: a.roll(s, *d), lambda rng, dt: [
        ((rand(rng, (2, 3), dt), 1), {}), ((rand(rng, (2, 3), dt), -4, 1), {}),
        ((rand(rng, (2, 3, 2), dt), (1, -1), (0, 2)), {}), ((rand(rng, (0, 2), dt), 1, 1), {})]),
    OpInfo("roll_fn", lambda m, a: m.roll(a, shifts=2, dims=-1), _s((2, 3))),
    OpInfo("tril", lambda m, a, *k: a.tril(*k), lambda rng, dt: [
        ((rand(rng, (3, 3), dt),), {}), ((rand(rng, (3, 4), dt), 1), {}), ((rand(rng, (2, 3, 4), dt), -1), {}),
        ((rand(rng, (3, 2), dt), 5), {})]),
    OpInfo("triu", lambda m, a, *k: m.triu(a, *k), lambda rng, dt: [
        ((rand(rng, (3, 3), dt),), {}), ((rand(rng, (3, 4), dt), -1), {}), ((rand(rng, (2, 3, 4), dt), 2), {})]),
    OpInfo("diag", lambda m, a, *k: m.diag(a, *k), lambda rng, dt: [
        ((rand(rng, (3,), dt),), {}), ((rand(rng, (3,), dt), 1), {}), ((rand(rng, (3,), dt), -2), {}),
        ((rand(rng, (3, 4), dt),), {}), ((rand(rng, (3, 4), dt), 2), {}), ((rand(rng, (4, 3), dt), -1), {})]),
    OpInfo("diag_embed", lambda m, a, **kw: a.diag_embed(**kw), lambda rng, dt: [
        ((rand(rng, (2, 3), dt),), {}), ((rand(rng, (3,), dt),), {"offset": 1}),
        ((rand(rng, (2, 3), dt),), {"offset": -1, "dim1": 0, "dim2": 2}),
        ((rand(rng, (2, 3), dt),), {"dim1": -1, "dim2": 0})]),
    OpInfo("trace", lambda m, a: a.trace(), _s((3, 3), (2, 4), (4, 2))),
    OpInfo("trace_int", lambda m, a: m.trace(a), lambda rng, dt: [((np.arange(12).reshape(3, 4),), {})],
           dtypes=(np.float32,), grad=False, gradcheck=False, gradgrad=False),
    OpInfo("cat_int", lambda m, a, b: m.cat([a, b], 1), lambda rng, dt: [
        ((np.arange(6).reshape(2, 3), np.ones((2, 1), np.int32)), {})],
        dtypes=(np.float32,), grad=False, gradcheck=False, gradgrad=False),
]


# 0-d inputs: dims 0 and -1 are valid and change nothing (torch's view/copy nodes all the same)
OPS += [
    OpInfo("flip_0d", lambda m, a: a.flip(0) * a.flip(-1), _s(())),
    OpInfo("movedim_0d", lambda m, a: a.movedim(0, -1), _s(())),
    OpInfo("squeeze_dims_0d", lambda m, a: a.squeeze((0,)), _s(())),
    OpInfo("roll_0d", lambda m, a: a.roll(2), _s(())),
    OpInfo("index_add_0d", lambda m, a, s: a.index_add(0, m.tensor([0]), s, alpha=2),
           lambda rng, dt: [((rand(rng, (), dt), rand(rng, (), dt)), {})]),
    OpInfo("gather_scatter_0d", lambda m, a, s: a.gather(0, m.tensor(0)) * a.scatter(0, m.tensor([0]), s),
           lambda rng, dt: [((rand(rng, (), dt), rand(rng, (1,), dt)), {})]),
]
