"""Op table entries: as_strided, unfold, broadcast_tensors, block_diag, cartesian_prod, combinations, rot90,
tril/triu_indices, ravel, vander, renorm, the *_scatter family, index_reduce, put, sum_to_size and the in-place
shape methods."""
import numpy as np

from . import OpInfo, NoGrad, unary, rand

NO_FD = dict(gradcheck=False, gradgrad=False)
NO = dict(grad=False, **NO_FD)


def _x(*shapes, domain=(-2.0, 2.0)):
    def samples(rng, dtype):
        return [((rand(rng, s, dtype, domain),), {}) for s in shapes]
    return samples


def _two(sa, sb, domain=(-2.0, 2.0)):
    def samples(rng, dtype):
        return [((rand(rng, sa, dtype, domain), rand(rng, sb, dtype, domain)), {})]
    return samples


def _index_reduce(rng, dtype):
    x = rand(rng, (4, 3), dtype, (0.5, 2))
    src = rand(rng, (5, 3), dtype, (0.5, 2))
    idx = np.array([0, 2, 0, 3, 0])
    return [((x, src), {"index": idx})]


def _index_reduce_ties(rng, dtype):
    x = np.array([[1.0, 2.0], [3.0, 0.0], [5.0, 6.0]], dtype)
    src = np.array([[1.0, 2.0], [0.0, 4.0], [1.0, 0.0], [0.0, 1.0]], dtype)
    return [((x, src), {"index": np.array([0, 1, 0, 1])})]


def _ir(reduce, include_self=True):
    def fn(m, x, s, index):
        return x.index_reduce(0, m.tensor(index), s, reduce, include_self=include_self)
    return fn


OPS = [
    OpInfo("as_strided", lambda m, a: a.as_strided((2, 2), (1, 2)), _x((3, 4))),
    OpInfo("as_strided_overlap", lambda m, a: m.as_strided(a, (3, 3), (1, 1), 1), _x((3, 4))),
    OpInfo("as_strided_of_view", lambda m, a: a[1:].as_strided((2, 2), (2, 1)), _x((3, 4))),
    OpInfo("unfold", lambda m, a: (a.unfold(0, 2, 1), a.unfold(1, 2, 2), a.unfold(-1, 3, 1)), _x((3, 4)),
           check_name=True),
    OpInfo("unfold_1d", lambda m, a: a.unfold(0, 3, 2), _x((7,))),
    OpInfo("broadcast_tensors", lambda m, a, b: m.broadcast_tensors(a, b), _two((2, 1, 3), (4, 1)),
           check_name=False),  # torch names Expand; a tensor already of the shape is returned as is
    OpInfo("broadcast_tensors_names", lambda m, a, b: m.broadcast_tensors(a * 1, b)[1], _two((2, 3), (3,))),
    OpInfo("block_diag", lambda m, a, b, c: m.block_diag(a, b, c),
           lambda rng, dt: [((rand(rng, (), dt), rand(rng, (3,), dt), rand(rng, (2, 2), dt)), {})]),
    OpInfo("block_diag_mixed", lambda m, a, b: m.block_diag(a, b),
           lambda rng, dt: [((rand(rng, (2, 3), dt), rng.integers(0, 5, size=(1, 2))), {})]),
    OpInfo("cartesian_prod", lambda m, a, b: m.cartesian_prod(a, b), _two((3,), (2,))),
    OpInfo("combinations", lambda m, a: (m.combinations(a), m.combinations(a, 3, with_replacement=True)),
           _x((4,))),
    OpInfo("rot90", lambda m, a: (m.rot90(a), a.rot90(2, [1, 0]), m.rot90(a, -1, [0, 2]), m.rot90(a, 4)),
           _x((2, 3, 4)), check_name=True),
    OpInfo("tri_indices", lambda m: (m.tril_indices(3, 4, 1), m.triu_indices(4, 3, -1, dtype=m.int32),
                                     m.tril_indices(0, 3), m.triu_indices(3, 3, 5)),
           lambda rng, dt: [((), {})], dtypes=(np.int64,), **NO),
    OpInfo("ravel", lambda m, a: (m.ravel(a), a.t().ravel()), _x((2, 3))),
    # torch 2.13's vander cannot be differentiated (its backward fails a version check): values and names only
    OpInfo("vander", lambda m, a: (m.vander(a), m.vander(a, N=2)), _x((4,)), **NO),
    OpInfo("vander_increasing", lambda m, a: m.vander(a, 3, True), _x((4,)), check_name=False, grad=False),
    OpInfo("vander_int", lambda m, a: m.vander(a.long(), 3), _x((3,), domain=(-5, 5)), **NO),
    OpInfo("renorm_inf", lambda m, a: m.renorm(a, float("inf"), 0, 1.0), _x((3, 4), domain=(-1.5, 1.5)),
           gradgrad=False),
    OpInfo("renorm", lambda m, a: (m.renorm(a, 2, 0, 1.0), a.renorm(1, 1, 2.0), m.renorm(a, 3, -1, 0.5)),
           _x((3, 4), domain=(-1.5, 1.5))),
    OpInfo("diagonal_scatter", lambda m, a, b: (m.diagonal_scatter(a, b), a.diagonal_scatter(b, 1)),
           _two((3, 4), (3,))),
    OpInfo("diagonal_scatter_dims", lambda m, a, b: m.diagonal_scatter(a, b, -1, 0, 2), _two((3, 2, 4), (2, 2))),
    OpInfo("select_scatter", lambda m, a, b: (m.select_scatter(a, b, 0, 1), a.select_scatter(b[:3], 1, -1)),
           _two((3, 4), (4,)), check_name=True),
    OpInfo("slice_scatter", lambda m, a, b: (m.slice_scatter(a, b, 0, 0, 3, 2), a.slice_scatter(b[:, :3].t(), 1, 2)),
           _two((3, 4), (2, 4))),
    OpInfo("index_reduce_prod", _ir("prod"), _index_reduce),
    OpInfo("index_reduce_prod_exclude", _ir("prod", False), _index_reduce),
    OpInfo("index_reduce_mean", _ir("mean"), _index_reduce),
    OpInfo("index_reduce_mean_exclude", _ir("mean", False), _index_reduce),
    OpInfo("index_reduce_amax", _ir("amax"), _index_reduce),
    OpInfo("index_reduce_amin_exclude", _ir("amin", False), _index_reduce),
    OpInfo("index_reduce_prod_zeros", _ir("prod"), _index_reduce_ties, **NO_FD),
    OpInfo("index_reduce_amax_ties", _ir("amax"), _index_reduce_ties, **NO_FD),
    OpInfo("put", lambda m, a, b: (m.put(a, m.tensor([0, 4, -1]), b), a.put(m.tensor([1, 1, 2]), b,
                                                                            accumulate=True)),
           _two((2, 3), (3,))),
    OpInfo("put_", lambda m, a, b: (a * 1).put_(m.tensor([[0, 4]]), b), _two((2, 3), (1, 2))),
    OpInfo("sum_to_size", lambda m, a: (a.sum_to_size(3, 1), a.sum_to_size((1, 3, 4)), a.sum_to_size(2, 3, 4)),
           _x((2, 3, 4)), check_name=True),
    OpInfo("inplace_views", lambda m, a: ((a * 1).unsqueeze_(1), (a * 1).t_(), (a * 1).transpose_(0, 1),
                                          (a * 1).swapaxes_(0, 1), (a * 1).swapdims_(1, 0),
                                          (a * 1).unsqueeze_(0).squeeze_(), (a * 1).unsqueeze_(0).squeeze_(0)),
           _x((2, 3))),
    OpInfo("tril_triu_", lambda m, a: ((a * 1).tril_(), (a * 1).triu_(1), (a * 1).tril_(-1)), _x((3, 4))),
    OpInfo("fill_diagonal_", lambda m, a: ((a * 1).fill_diagonal_(2.0), (a * 1).fill_diagonal_(-1.0, wrap=True)),
           _x((5, 3), (3, 3)), check_name=False),  # torch: CopySlices over the diagonal view
]
