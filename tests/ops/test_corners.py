"""torch's semantics in the corners users hit, each against torch: Python ``range``, lists, tuples and NumPy
integers/arrays as indices (reading, writing, backward); the ``axis``/``keepdims`` spellings torch accepts as
aliases of ``dim``/``keepdim``; shape ops on 0-d tensors; float16 forward and backward through reductions and
broadcasting."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import npgrad
from tests.support.oracle import assert_same, compare, compare_error
from tests.ops.test_properties_shape import index_tuples, shapes, seeds, _array


def _x(m, shape=(3, 4), dtype=np.float32, req=False):
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) / 3 - 1
    return m.tensor(a.astype(dtype), requires_grad=req)


def _outcome(fn, m):
    """``fn(m)``'s result as plain data (values, dtype), or the class of the exception it raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = fn(m)
        except Exception as e:  # noqa: BLE001
            return type(e)
    outs = list(_flat(r))
    return [(np.asarray(o.detach().numpy()).tolist(), str(o.dtype).split(".")[-1], tuple(o.shape))
            if isinstance(o, (torch.Tensor, npgrad.Tensor)) else o for o in outs]


def _flat(r):
    if isinstance(r, (tuple, list)):
        for x in r:
            yield from _flat(x)
    else:
        yield r


def _same_outcome(fn):
    theirs, ours = _outcome(fn, torch), _outcome(fn, npgrad)
    if isinstance(theirs, type):
        assert isinstance(ours, type) and issubclass(ours, theirs), f"torch raised {theirs.__name__}, npgrad {ours}"
    else:
        assert not isinstance(ours, type), f"npgrad raised {ours.__name__}; torch gave {theirs}"
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            if isinstance(t, tuple):
                assert o[1:] == t[1:], f"dtype/shape {o[1:]} vs torch {t[1:]}"
                np.testing.assert_allclose(np.asarray(o[0], np.float64), np.asarray(t[0], np.float64),
                                           rtol=1e-5, atol=1e-6, equal_nan=True)
            else:
                assert o == t


# ---------------------------------------------------------------------------------------------- indexing
INDICES = [
    range(3), range(1, 3), range(0), range(2, -1, -1), (range(3), [0, 1, 3]), (range(3), range(3)),
    (range(0, 3, 2), slice(1, None)), np.int64(1), np.int32(-1), (np.int64(1), np.int16(2)), [0, 2],
    np.array([0, 2]), np.array([0, 2], np.int32), np.array([0, 2], np.int8), np.array([0, 2], np.uint16),
    np.array([1.7, -1.2]), np.array(1), np.array(1.0), np.array(True), np.array([True, False, True]),
    np.arange(12).reshape(3, 4) > 5, [True, False, True], (Ellipsis, None), (None, Ellipsis, 1), (-1, -2),
    ([0, 1], [2, 3]), [[0, 1], [2, 3]], [[0, 1], [1, 2]], [1.0], [-1.5], [[1, 2.5]], [True, 1],
    [np.int64(0), np.int64(2)], [np.array(1), np.array(2)], (slice(None), range(2)), (Ellipsis, [0, -1]),
    (np.array([[0], [2]]), np.array([1, 3])), (range(3), np.array([0, 1, 3])),
]
BAD_INDICES = [  # out of range, bad kinds, ragged lists, float scalars
    3, -4, [0, 3], range(4), np.array([5]), (0, 4), np.float64(1.0), 1.0, np.bool_(True), [0, "a"], ([0, None],),
    ([[0, 1], [2]],), [0] * 31 + [[0]], np.array([[True]]), (0, 0, 0),
]


pytestmark = pytest.mark.filterwarnings("ignore:Using a non-tuple sequence",
                                        "ignore:indexing with dtype torch.uint8")


@pytest.mark.parametrize("index", INDICES + BAD_INDICES, ids=repr)
def test_getitem_index_kinds_match_torch(index):
    _same_outcome(lambda m: _x(m)[index])


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_index_kinds_backward_match_torch(index):
    """Values, grad_fn name and gradient of ``x[index]`` for each index kind."""
    compare(lambda m, a: a[index], (np.linspace(-1, 1, 12).reshape(3, 4),))


def test_textbook_nll_with_range():
    """``-logp[range(n), target].mean()``: the hand-written NLL from tutorials gives torch's loss and gradient."""
    logits = np.random.default_rng(0).standard_normal((5, 4))
    target = np.array([0, 3, 1, 1, 2])
    compare(lambda m, x: -x.log_softmax(1)[range(5), m.tensor(target)].mean(), (logits,))
    compare(lambda m, x: -x.log_softmax(1)[range(5), list(target)].sum(), (logits,))
    compare(lambda m, x: -x.log_softmax(1)[np.arange(5), target].sum(), (logits,))


def test_zero_dim_tensor_indices():
    for index in [None, Ellipsis, True, False, (None, None), [0], np.int64(0), 0, slice(None), np.array(True)]:
        _same_outcome(lambda m: m.tensor(3.0)[index])


SET_INDICES = [range(2), (range(3), [0, 1, 2]), np.array([0, 2]), np.int64(1), (np.int64(1), np.int32(2)),
               [True, False, True], np.array([True, False, True]), (Ellipsis, None), (np.array(1),),
               [[0, 1], [1, 2]], (Ellipsis, np.array([1, 3])), [2.0], range(5), np.array([3])]
SET_VALUES = [5.0, 2, True, np.int64(3), np.float64(2.5), np.float32(2), np.float16(1), np.bool_(True), [1.0],
              np.ones(1)]


@pytest.mark.parametrize("index", SET_INDICES, ids=repr)
@pytest.mark.parametrize("value", SET_VALUES, ids=repr)
def test_setitem_index_and_value_kinds_match_torch(index, value):
    def fn(m):
        x = _x(m)
        x[index] = value
        return x
    _same_outcome(fn)


@pytest.mark.parametrize("index", SET_INDICES[:11], ids=repr)
def test_setitem_backward_with_index_kinds(index):
    def fn(m, a, v):
        y = a * 1
        y[index] = v * 3
        return y
    compare(fn, (np.ones((3, 4)), np.full((1,), 2.0)))


def _as_kind(item, kind):
    """The same index item spelled as another kind torch accepts: list, tuple, ndarray of another width,
    Tensor, range (when the values form one), NumPy integer scalar, 0-d array."""
    if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
        return {"np64": np.int64(item), "np32": np.int32(item), "arr0": np.array(item), "t0": torch.tensor(item),
                "int": int(item)}.get(kind, int(item))
    if isinstance(item, np.ndarray):
        if kind == "list":
            return item.tolist()
        if kind == "tuple":
            return tuple(item.tolist())
        if kind == "int32" and item.dtype != bool:
            return item.astype(np.int32)
        if kind == "range" and item.dtype != bool and item.ndim == 1 and len(item) and (item >= 0).all():
            step = int(item[1] - item[0]) if len(item) > 1 else 1
            if step > 0 and np.array_equal(item, np.arange(item[0], item[0] + step * len(item), step)):
                return range(int(item[0]), int(item[0]) + step * len(item), step)
        if kind == "tensor":
            return torch.tensor(item)
    return item


def _for(m, index):
    """torch tensors in ``index`` become tensors of module ``m``."""
    return tuple(m.tensor(i.numpy()) if isinstance(i, torch.Tensor) else i for i in index)


KINDS = ["list", "tuple", "int32", "range", "tensor", "np64", "np32", "arr0", "t0", "int", "ndarray"]


@given(shape=shapes, data=st.data(), seed=seeds)
def test_getitem_mixed_index_kinds_property(shape, data, seed):
    """Random index tuples whose ints and arrays are spelled as lists, ranges, NumPy scalars/arrays or tensors:
    values, grad_fn names and gradients as torch."""
    index = data.draw(index_tuples(shape))
    index = tuple(_as_kind(it, data.draw(st.sampled_from(KINDS))) for it in index)
    compare(lambda m, a: a[_for(m, index)], (_array(shape, seed),))


@given(shape=shapes, data=st.data(), seed=seeds)
def test_setitem_mixed_index_kinds_property(shape, data, seed):
    index = data.draw(index_tuples(shape, unique=True))
    index = tuple(_as_kind(it, data.draw(st.sampled_from(KINDS))) for it in index)
    region = tuple(torch.zeros(shape)[index].shape)
    vshape = region[data.draw(st.integers(0, len(region))):]

    def fn(m, a, v):
        y = a * 1
        y[_for(m, index)] = v
        return y

    compare(fn, (_array(shape, seed), _array(vshape, seed + 1)))


@given(n=st.integers(1, 5), data=st.data())
def test_out_of_range_indices_raise_index_error(n, data):
    bad = data.draw(st.one_of(st.integers(n, n + 3), st.integers(-n - 3, -n - 1)))
    kind = data.draw(st.sampled_from(["int", "np64", "list", "ndarray", "range", "tensor"]))
    index = {"int": bad, "np64": np.int64(bad), "list": [0, bad], "ndarray": np.array([bad]),
             "range": range(0, bad + 1) if bad >= 0 else range(bad, 0), "tensor": torch.tensor([bad])}[kind]
    for m in (torch, npgrad):
        idx = m.tensor(index.numpy()) if isinstance(index, torch.Tensor) else index
        with pytest.raises(IndexError):
            m.zeros(n, 2)[idx]
        with pytest.raises(IndexError):
            m.zeros(n, 2)[idx] = 1.0


# ---------------------------------------------------------------------------------------------- axis / keepdims
_X3 = np.random.default_rng(0).uniform(-2, 2, (2, 3, 4)).astype(np.float32)
_IDX3 = np.zeros((2, 1, 4), np.int64)

# name -> extra positional arguments after the input (built per module); every one of these functions has a
# ``dim`` that torch's argument parser also accepts as ``axis`` (and ``keepdim`` as ``keepdims`` where it has one)
ALIAS_FNS = {
    "sum": (), "mean": (), "nansum": (), "nanmean": (), "prod": (), "std": (), "var": (), "std_mean": (),
    "var_mean": (), "max": (), "min": (), "amax": (), "amin": (), "aminmax": (), "argmax": (), "argmin": (),
    "any": (), "all": (), "logsumexp": (), "norm": (), "median": (), "nanmedian": (), "mode": (),
    "count_nonzero": (), "cumsum": (), "cumprod": (), "cummax": (), "cummin": (), "softmax": (),
    "log_softmax": (), "argsort": (), "sort": (), "topk": ("2",), "kthvalue": ("1",), "squeeze": (),
    "unsqueeze": (), "flatten": (), "unbind": (), "chunk": ("2",), "split": ("2",), "tensor_split": ("2",),
    "narrow": ("0", "1"), "select": ("0",), "index_select": ("I",), "gather": ("IDX",),
    "take_along_dim": ("IDX",), "diff": (), "flip": (), "roll": ("1",), "repeat_interleave": ("2",),
    "movedim": ("0", "1"), "transpose": ("0", "1"), "swapaxes": ("0", "1"), "index_add": ("I", "SRC"),
    "index_fill": ("I", "0"), "index_copy": ("I", "SRC"), "scatter": ("IDX", "X"), "scatter_add": ("IDX", "X"),
    "unflatten": ("SZ",), "cross": (), "cat": (), "stack": (), "concat": (), "concatenate": (), "hstack": (),
    "logcumsumexp": (), "quantile": ("Q",), "nanquantile": ("Q",), "trapezoid": (), "cumulative_trapezoid": (),
    "renorm": ("2", "0", "1"),
}
_JOIN = {"cat", "stack", "concat", "concatenate", "hstack"}
# torch refuses keepdim without dim here (its no-dim overload has no keepdim); npgrad keeps the reduced dims
# instead, for ``keepdim`` and ``keepdims`` alike: a known, deliberate difference (an honoured argument)
_KEEPDIM_NEEDS_DIM = {"sum", "mean", "prod", "max", "min", "median", "nanmedian"}
ALIAS_KWARGS = [dict(axis=1), dict(axis=1, keepdims=True), dict(dim=1, keepdims=True), dict(axis=1, keepdim=True),
                dict(axis=-1), dict(axis=(0, 2)), dict(axis=1, dim=1), dict(keepdims=True)]


def _alias_call(m, name, form, kw):
    x = m.tensor(_X3)
    tok = {"0": 0, "1": 1, "2": 2, "Q": m.tensor(0.5), "I": m.tensor([0, 2]), "IDX": m.tensor(_IDX3), "SZ": (3, 1),
           "SRC": m.ones(2, 2, 4), "X": x}
    extra = [tok[t] for t in ALIAS_FNS[name]]
    if name == "cross":
        x = m.tensor(_X3[:, :3, :3])
        extra = [x]
    if name in _JOIN:
        return getattr(m, name)([x, x], **kw)
    if form == "function":
        return getattr(m, name)(x, *extra, **kw)
    return getattr(x, name)(*extra, **kw)


ALIAS_CASES = [(name, form, kw) for name in ALIAS_FNS for form in ("function", "method") for kw in ALIAS_KWARGS
               if not (form == "method" and name in _JOIN)
               and not (kw == dict(keepdims=True) and name in _KEEPDIM_NEEDS_DIM)]


@pytest.mark.parametrize("name,form,kw", ALIAS_CASES,
                         ids=[f"{n}-{f}-" + ",".join(f"{k}={v}" for k, v in kw.items()) for n, f, kw in ALIAS_CASES])
def test_axis_keepdims_aliases_accepted_exactly_where_torch_accepts_them(name, form, kw):
    """The same value as torch where torch takes the NumPy spelling, torch's exception class where it does not
    (Python-level torch functions such as ``norm``/``split``/``flatten`` refuse ``axis``)."""
    _same_outcome(lambda m: _alias_call(m, name, form, kw))


MORE_ALIASES = {
    "vector_norm": lambda m, x: m.linalg.vector_norm(x, axis=1, keepdims=True),
    "linalg_norm": lambda m, x: m.linalg.norm(x, axis=1, keepdims=True),
    "matrix_norm": lambda m, x: m.linalg.matrix_norm(x, axis=(1, 2), keepdims=True),
    "vecdot": lambda m, x: m.linalg.vecdot(x, x, axis=1),
    "linalg_cross": lambda m, x: m.linalg.cross(x[:, :3, :3], x[:, :3, :3].flip(1), axis=1),
    "gather": lambda m, x: m.gather(x, axis=1, index=m.zeros(2, 1, 4, dtype=m.int64)),
    "index_select": lambda m, x: m.index_select(x, axis=1, index=m.tensor([0, 2])),
    "narrow": lambda m, x: m.narrow(x, axis=1, start=0, length=2),
    "select": lambda m, x: m.select(x, axis=1, index=0),
    "unflatten": lambda m, x: m.unflatten(x, axis=1, sizes=(3, 1)),
    "m_unflatten": lambda m, x: x.unflatten(axis=1, sizes=(3, 1)),
    "m_gather": lambda m, x: x.gather(axis=1, index=m.zeros(2, 1, 4, dtype=m.int64)),
    "m_select": lambda m, x: x.select(axis=1, index=0),
    "m_narrow": lambda m, x: x.narrow(axis=1, start=0, length=2),
    "m_index_select": lambda m, x: x.index_select(axis=1, index=m.tensor([0, 2])),
    "m_norm_keepdims": lambda m, x: x.norm(dim=1, keepdims=True),
    "F_softmax": lambda m, x: m.nn.functional.softmax(x, axis=1),
    "F_normalize": lambda m, x: m.nn.functional.normalize(x, axis=1),
    "scatter": lambda m, x: m.scatter(x, axis=1, index=m.zeros(2, 1, 4, dtype=m.int64), src=x),
    "index_add": lambda m, x: m.index_add(x, axis=1, index=m.tensor([0]), source=x[:, :1]),
    "index_fill": lambda m, x: x.index_fill(axis=1, index=m.tensor([0]), value=1.0),
    "index_copy": lambda m, x: x.index_copy(axis=1, index=m.tensor([0]), source=x[:, :1]),
    "scatter_add": lambda m, x: x.scatter_add(axis=1, index=m.zeros(2, 1, 4, dtype=m.int64), src=x),
    "scatter_reduce": lambda m, x: x.scatter_reduce(axis=1, index=m.zeros(2, 1, 4, dtype=m.int64), src=x,
                                                    reduce="sum"),
    "m_cumsum_": lambda m, x: x.clone().cumsum_(axis=1),
    "m_all_tuple": lambda m, x: (x > 0).all(axis=(0, 1)),
    "sum_tuple": lambda m, x: x.sum(axis=(0, 2), keepdims=True),
    "mean_dtype": lambda m, x: m.mean(x, axis=1, dtype=m.float64),
    "var_correction": lambda m, x: m.var(x, axis=1, correction=0, keepdims=True),
    "std_unbiased": lambda m, x: m.std(x, 1, False, keepdims=True),
    "max_keep_conflict": lambda m, x: x.max(1, keepdim=True, keepdims=True),
    "cumsum_no_dim": lambda m, x: x.cumsum(),
    "cumsum_conflict": lambda m, x: x.cumsum(1, axis=1),
    "cat_conflict": lambda m, x: m.cat([x, x], 1, axis=1),
    "softmax_no_dim": lambda m, x: m.softmax(x),
    "unsqueeze_no_dim": lambda m, x: x.unsqueeze(),
    "logsumexp_no_dim": lambda m, x: x.logsumexp(),
    "split_axis": lambda m, x: x.split(2, axis=1),
    "max_other_as_axis": lambda m, x: m.max(x, axis=x),
    "flip_axis": lambda m, x: m.flip(x, axis=1),
    "roll_axis": lambda m, x: m.roll(x, 1, axis=1),
    "transpose_axis": lambda m, x: x.transpose(axis0=0, axis1=1),
    "swapaxes_axis": lambda m, x: x.swapaxes(axis0=0, axis1=1),
    "swapaxes_dim": lambda m, x: x.swapaxes(dim0=0, dim1=1),
    "swapdims_dim": lambda m, x: m.swapdims(x, dim0=0, dim1=1),
    "nansum_dtype": lambda m, x: m.nansum(x, axis=1, dtype=m.float64),
    "gather_conflict": lambda m, x: m.gather(x, 1, axis=1, index=m.zeros(2, 1, 4, dtype=m.int64)),
    "special_softmax": lambda m, x: m.special.softmax(x, axis=1),
    "special_log_softmax": lambda m, x: m.special.log_softmax(x, axis=-1),
    "special_logsumexp": lambda m, x: m.special.logsumexp(x, axis=1, keepdims=True),
    "special_softmax_no_dim": lambda m, x: m.special.softmax(x),
    "squeeze_": lambda m, x: x.clone().unsqueeze(1).squeeze_(axis=1),
    "unsqueeze_": lambda m, x: x.clone().unsqueeze_(axis=1),
    "unsqueeze_no_dim": lambda m, x: x.clone().unsqueeze_(),
    "trapezoid_dx": lambda m, x: m.trapezoid(x, dx=2.0, axis=1),
    "quantile_conflict": lambda m, x: m.quantile(x, 0.5, 1, axis=1),
}


@pytest.mark.parametrize("name", list(MORE_ALIASES))
def test_more_axis_aliases(name):
    _same_outcome(lambda m: MORE_ALIASES[name](m, m.tensor(_X3)))


def test_max_axis_from_issue_13():
    """``x.max(axis=1)`` (refused before) gives torch's values and indices, and its gradient."""
    compare(lambda m, x: x.max(axis=1), (_X3.astype(np.float64),))
    compare(lambda m, x: x.sum(axis=1, keepdims=True).softmax(axis=-1).std(axis=0), (_X3.astype(np.float64),))


# ---------------------------------------------------------------------------------------------- 0-d tensors
# every shape, joining, scan and selection op npgrad has, called on a 0-d tensor with dims that torch accepts
# (0 and -1) and dims it refuses; torch's value and grad_fn, or torch's exception class, never NumPy's AxisError
ZERO_D_METHODS = """
flip(0) flip(-1) flip(()) flip(1) flip((0,0)) flip((0,-1)) fliplr() flipud() roll(1) roll(1,0) roll(1,-1)
roll(1,1) roll((1,),(0,)) roll((),()) roll(0) roll(()) roll([1,2]) t() transpose(0,0) transpose(0,-1)
transpose(0,1) transpose(-1,-1) permute() permute(0) permute(-1) permute(1) permute(0,0) squeeze() squeeze(0)
squeeze(-1) squeeze(1) squeeze((0,)) squeeze(()) squeeze((0,0)) squeeze((0,-1)) unsqueeze(0) unsqueeze(-1)
unsqueeze(1) unsqueeze(-2) unsqueeze(2) movedim(0,0) movedim(0,-1) movedim(-1,0) movedim(0,1) movedim((),())
movedim((0,),(0,)) moveaxis(0,0) flatten() flatten(0) flatten(0,-1) flatten(0,1) flatten(-1,-1) flatten(1)
unflatten(0,(1,)) unflatten(0,(1,1)) unflatten(0,()) diag() diag(1) diag_embed() diagonal() tril() triu()
trace() repeat() repeat(2) repeat(2,3) repeat(()) tile(()) tile((2,)) tile((2,3)) expand(()) expand(3)
expand(2,3) expand(-1) expand(1) narrow(0,0,1) narrow(0,0,0) narrow(0,1,0) narrow(-1,0,1) narrow(1,0,1) chunk(1)
chunk(2) chunk(1,0) split(1) split(1,0) split([1]) tensor_split(2) tensor_split([1]) unbind(0) unbind() view(1)
view(-1) view(()) view(1,1) reshape(-1) reshape(()) select(0,0) select(-1,0) T mT mH H adjoint() swapaxes(0,0)
swapaxes(0,1) swapdims(0,0) contiguous() clone() repeat_interleave(2) repeat_interleave(2,0)
repeat_interleave(2,-1) repeat_interleave(2,1) repeat_interleave(T2,0) broadcast_to((2,)) broadcast_to(())
expand_as(X) view_as(X) reshape_as(X) cumsum(0) cumsum(-1) cumsum(1) cumprod(0) cummax(0) cummin(0) diff()
diff(1,0) sort() sort(0) sort(1) argsort() topk(1) topk(0) topk(2) kthvalue(1) kthvalue(2) median() median(0)
nanmedian(0) mode() mode(0) msort() max() max(0) max(1) min(0) amax() amax(0) amax(1) amin(-1) aminmax() sum(0)
sum(1) sum((0,0)) mean(0) mean(-1) std(0) var(0) var(0,correction=0) prod(0) prod(1) softmax(0) softmax(1)
log_softmax(-1) logsumexp(0) logsumexp(1) norm(dim=0) norm(dim=1) all(0) any(1) argmax(0) argmax(1) argmin()
count_nonzero(0) nansum(0) nanmean(0) index_select(0,I0) index_select(1,I0) index_select(0,I00) gather(0,IS)
gather(1,IS) take_along_dim(IS) take_along_dim(IS,0) scatter(0,IS,X) scatter_add(0,IS,X) index_add(0,I0,X)
index_add(0,I1,X) index_add(0,I0,X2) index_fill(0,I0,1.) index_fill(0,IS,1.) index_copy(0,I0,X)
index_copy(-1,I0,X) masked_fill(B,1.) masked_select(B) take(IS) nonzero() argwhere() unique() cross(X)
rot90() rot90(1,(0,1)) ravel() sum_to_size(()) sum_to_size(1) logcumsumexp(0) put(IS,X) unfold(0,1,1) unfold(0,2,1)
as_strided((),()) as_strided((1,),(0,))
""".split()
ZERO_D_FUNCTIONS = """
cat([X,X]) cat([X,X],0) stack([X,X]) stack([X,X],1) stack([X,X],-1) stack([X,X],2) hstack([X,X]) vstack([X,X])
dstack([X,X]) column_stack([X,X]) row_stack([X,X]) atleast_1d(X) atleast_2d(X) atleast_3d(X) meshgrid(X,X)
tensordot(X,X,0) einsum('->',X) einsum('i->',X) kron(X,X) inner(X,X) outer(X,X) dot(X,X) matmul(X,X) vdot(X,X)
squeeze(X,0) chunk(X,1) split(X,1) where(B,X,X) histc(X) bucketize(X,X) searchsorted(X,X) diag_embed(X)
flatten(X) hsplit(X,1) vsplit(X,1) dsplit(X,1) tile(X,(2,)) swapaxes(X,0,0) moveaxis(X,0,0) flip(X,(0,))
roll(X,1) movedim(X,0,-1) unsqueeze(X,0) narrow(X,0,0,1) select(X,0,0) unflatten(X,0,(1,)) transpose(X,0,0)
broadcast_tensors(X,X) block_diag(X,X) cartesian_prod(X,X) combinations(X) cdist(X,X) rot90(X) ravel(X)
cumulative_trapezoid(X) trapezoid(X)
""".split()


def _zero_d_env(m, x):
    return {"x": x, "m": m, "X": m.tensor(2.5, dtype=x.dtype), "X2": m.tensor([2.5], dtype=x.dtype),
            "I0": m.tensor([0]), "I1": m.tensor([1]),
            "I00": m.tensor([0, 0]), "IS": m.tensor(0), "B": m.tensor(True), "T2": m.tensor(2)}


def _zero_d_call(m, x, expr, method):
    return eval(("x." if method else "m.") + expr, _zero_d_env(m, x))


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("expr,method", [(e, True) for e in ZERO_D_METHODS] + [(e, False) for e in ZERO_D_FUNCTIONS])
def test_zero_dim_inputs_as_torch(expr, method):
    """Value, dtype, shape, grad_fn name and gradient as torch, or torch's exception class."""
    _same_outcome(lambda m: _zero_d_call(m, m.tensor(1.5), expr, method))
    if isinstance(_outcome(lambda m: _zero_d_call(m, m.tensor(1.5), expr, method), torch), type):
        return  # torch raises: the class was compared above
    compare(lambda m, a: _zero_d_call(m, a, expr, method), (np.array(1.5),),
            check_name=expr not in ("mT", "mH", "H", "adjoint()"), grad=expr != "unique()")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_zero_dim_matrix_transposes_are_the_tensor_itself():
    """torch's ``mT``/``mH``/``H``/``adjoint()`` of a 0-d tensor return the tensor itself, with a warning."""
    for m in (torch, npgrad):
        x = m.tensor(1.5, requires_grad=True)
        for get in (lambda t: t.mT, lambda t: t.mH, lambda t: t.H, lambda t: t.adjoint()):
            assert get(x) is x
    x = npgrad.tensor(1.5)
    for get in (lambda t: t.mT, lambda t: t.mH, lambda t: t.H, lambda t: t.adjoint()):
        with pytest.warns(UserWarning, match="deprecated on 0-D tensors"):  # torch warns once per process
            get(x)


def _one_input_entries():
    """Every op-table entry (outside the nn family) whose samples take one array, with each keyword set."""
    from tests.support.op_db import basic, pointwise, reduction, shape, indexing, linalg
    from tests.support.op_db import shape_extra, statistics, special, set_ops
    out = []
    for mod in (basic, pointwise, reduction, shape, indexing, linalg, shape_extra, statistics, special, set_ops):
        for op in mod.OPS:
            samples = op.samples(np.random.default_rng(0), np.float64)
            if not samples or any(len(a) != 1 or not isinstance(a[0], np.ndarray) for a, _ in samples):
                continue
            for kw in sorted({tuple(sorted(kw.items())) for _, kw in samples}, key=repr):
                out.append(pytest.param(op, dict(kw), id=f"{op.name}-{dict(kw)}"))
    assert len(out) > 200, "the sweep lost most of the op table"
    return out


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("op,kw", _one_input_entries())
def test_op_table_entries_on_a_0d_input(op, kw):
    """The op table's one-input entries (dims hard-coded for their usual samples) applied to a 0-d tensor:
    torch's value or torch's exception class, never a NumPy error."""
    from tests.support.oracle import make_inputs
    _same_outcome(lambda m: op.fn(m, *make_inputs(m, (np.array(0.7),), True), **kw))


# ---------------------------------------------------------------------------------------------- float16
_H = (np.random.default_rng(0).standard_normal((4, 5)) * 3).astype(np.float16)
_HB = (np.random.default_rng(1).standard_normal((5,)) * 3).astype(np.float16)

HALF_CASES = {
    "sum": lambda m, a, b: a.sum(), "sum1": lambda m, a, b: a.sum(1),
    "sum_keep": lambda m, a, b: a.sum(0, keepdim=True),
    "mean": lambda m, a, b: a.mean(), "mean1": lambda m, a, b: a.mean(-1), "cumsum": lambda m, a, b: a.cumsum(1),
    "cumsum0": lambda m, a, b: a.cumsum(0), "cumprod": lambda m, a, b: a.cumprod(0), "prod": lambda m, a, b: a.prod(),
    "prod1": lambda m, a, b: a.prod(1), "prod0_keep": lambda m, a, b: a.prod(0, keepdim=True),
    "norm": lambda m, a, b: a.norm(), "norm1": lambda m, a, b: a.norm(dim=1),
    "vector_norm3": lambda m, a, b: m.linalg.vector_norm(a, 3, dim=0), "std": lambda m, a, b: a.std(),
    "var1": lambda m, a, b: a.var(1), "softmax": lambda m, a, b: a.softmax(1),
    "log_softmax": lambda m, a, b: a.log_softmax(0),
    "logsumexp": lambda m, a, b: a.logsumexp(1), "amax": lambda m, a, b: a.amax(1), "max": lambda m, a, b: a.max(),
    "max_dim": lambda m, a, b: a.max(1)[0], "median": lambda m, a, b: a.median(), "nansum": lambda m, a, b: a.nansum(1),
    "nanmean": lambda m, a, b: a.nanmean(), "add": lambda m, a, b: a + b, "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b, "div": lambda m, a, b: a / b, "pow": lambda m, a, b: a.abs() ** b.abs().clamp(max=2),
    "pow_scalar": lambda m, a, b: a ** 3, "maximum": lambda m, a, b: m.maximum(a, b),
    "atan2": lambda m, a, b: m.atan2(a, b),
    "matmul": lambda m, a, b: a @ b, "mm": lambda m, a, b: a.t() @ a, "where": lambda m, a, b: m.where(a > 0, a, b),
    "times_column": lambda m, a, b: a * a[:, :1], "times_0d": lambda m, a, b: a * a[0, 0],
    "centered_mean": lambda m, a, b: (a - a.mean(1, keepdim=True)).pow(2).mean(),
    "sum_then_broadcast": lambda m, a, b: (a * b).sum() * b, "expand": lambda m, a, b: b.expand(4, 5) * a,
    "sigmoid": lambda m, a, b: a.sigmoid(), "clamp": lambda m, a, b: a.clamp(-1, 1) * b,
    "dot": lambda m, a, b: m.dot(b, b),
    "einsum": lambda m, a, b: m.einsum("ij,j->i", a, b), "exact_scalars": lambda m, a, b: a * 2.5 + 1 - b / 4,
}
HALF_BIG = {  # values near half's limit: float32 accumulation decides whether the result is finite
    "cumsum": (lambda m, c: c.cumsum(0), [6e4, 6e4, -6e4]), "sum": (lambda m, c: c.sum(), [6e4, 6e4, -6e4]),
    "mean": (lambda m, c: c.mean(), [6e4, 6e4, -6e4]), "norm": (lambda m, c: c.norm(), [300, 300]),
    "matmul": (lambda m, c: c @ c, [300, 300]), "broadcast_grad": (lambda m, c: c * m.ones(4, 3, dtype=c.dtype),
                                                                    [3e4, 2e4, 1.5e4]),
}


def _half_run(m, fn, arrays):
    ts = [m.tensor(a, requires_grad=True) for a in arrays]
    out = fn(m, *ts)
    w = m.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)).astype(np.float16))
    (out * w).sum().backward()
    return out, [t.grad for t in ts]


def _assert_half_same(fn, arrays):
    """Bit-identical float16 values and gradients (as torch rounds them), each gradient a float16 Tensor."""
    t_out, t_grads = _half_run(torch, fn, arrays)
    o_out, o_grads = _half_run(npgrad, fn, arrays)
    assert str(o_out.dtype) == "npgrad.float16" and tuple(o_out.shape) == tuple(t_out.shape)
    np.testing.assert_array_equal(o_out.detach().numpy(), t_out.detach().numpy(), err_msg="value")
    for i, (og, tg) in enumerate(zip(o_grads, t_grads)):
        if tg is None:
            assert og is None
            continue
        assert isinstance(og, npgrad.Tensor) and type(og._data) is np.ndarray, f"grad {i}: {type(og)}"
        assert str(og.dtype) == "npgrad.float16", f"grad {i} dtype {og.dtype}"
        np.testing.assert_array_equal(og.numpy(), tg.numpy(), err_msg=f"grad {i}")


@pytest.mark.parametrize("name", list(HALF_CASES))
def test_float16_forward_and_backward_round_as_torch(name):
    _assert_half_same(HALF_CASES[name], (_H, _HB))


@pytest.mark.parametrize("name", list(HALF_BIG))
def test_float16_accumulates_in_float32(name):
    fn, values = HALF_BIG[name]
    _assert_half_same(fn, (np.array(values, np.float16),))


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), data=st.data(), seed=seeds)
def test_float16_broadcast_gradients_property(shape, data, seed):
    """A random broadcasting pair in float16: the gradient reduced to each input's shape rounds as torch's."""
    other = tuple(1 if data.draw(st.booleans()) else n for n in shape)[data.draw(st.integers(0, len(shape))):]
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(shape) * 4).astype(np.float16)
    b = (rng.standard_normal(other) * 4).astype(np.float16)
    op = data.draw(st.sampled_from(["add", "mul", "sub", "div", "maximum"]))
    _assert_half_same(lambda m, x, y: getattr(m, op)(x, y), (a, b))


def test_float16_zero_dim_gradient_is_a_half_tensor():
    """A 0-d half leaf reached through broadcasting, reductions and products gets a float16 Tensor, not a bare
    NumPy scalar."""
    _assert_half_same(lambda m, x: (x * x * 3).sum() + x.mean() + (x.expand(3) * m.ones(3, dtype=x.dtype)).sum(),
                      (np.array(1.5, np.float16),))


HALF_SCALAR_CASES = {
    "mul": lambda m, t: t * 0.1, "rmul": lambda m, t: 0.3 * t, "mul_fn": lambda m, t: m.mul(t, 0.1),
    "div": lambda m, t: t / 3.3, "div_fn": lambda m, t: m.div(t, 0.1), "rdiv": lambda m, t: 3.3 / t,
    "number_div": lambda m, t: m.div(0.1, t), "add": lambda m, t: t + 0.1, "radd": lambda m, t: 0.1 + t,
    "sub": lambda m, t: t - 0.7, "rsub": lambda m, t: 0.7 - t, "pow": lambda m, t: t.abs() ** 1.3,
    "pow_neg": lambda m, t: (t.abs() + 0.1) ** -1.5, "mul_int": lambda m, t: t * 3,
}


@pytest.mark.parametrize("name", list(HALF_SCALAR_CASES))
def test_float16_with_python_scalars_rounds_as_torch(name):
    """A half tensor with a Python float: torch multiplies/divides in float32 with the number as given (rounding
    once), but adds/subtracts the number rounded to half; values and gradients bit-identical over 2000 inputs."""
    a = np.random.default_rng(0).standard_normal(2000).astype(np.float16)
    _assert_half_same(lambda m, t: HALF_SCALAR_CASES[name](m, t), (a,))


def _half_entries():
    from tests.support.op_db import basic, pointwise, reduction, shape, indexing, shape_extra, statistics
    return [pytest.param(op, id=op.name) for mod in (basic, pointwise, reduction, shape, indexing, shape_extra,
                                                     statistics) for op in mod.OPS if op.grad]


def _half_outcome(m, op, args, kw):
    from tests.support.oracle import make_inputs, _outputs
    ins = make_inputs(m, args, True)
    try:
        outs = [o for o in _outputs(op.fn(m, *ins, **kw)) if isinstance(o, m.Tensor)]
    except Exception as e:  # noqa: BLE001
        return [type(e).__name__]
    res = [(str(o.dtype).split(".")[-1], tuple(o.shape)) for o in outs]
    diff = [o for o in outs if o.requires_grad and o.dtype.is_floating_point]
    if diff:
        loss = diff[0].float().sum()
        for o in diff[1:]:
            loss = loss + o.float().sum()
        loss.backward()
        for t in ins:
            if isinstance(t, m.Tensor) and t.requires_grad:
                g = t.grad
                if m is npgrad and g is not None:
                    assert type(g._data) is np.ndarray, f"{op.name}: a gradient held a bare {type(g._data)}"
                res.append(None if g is None else (str(g.dtype).split(".")[-1], tuple(g.shape)))
    return res


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", _half_entries())
def test_op_table_in_float16(op):
    """Every differentiable op of the reduction/shape/indexing/pointwise tables run in half: torch's output and
    gradient dtypes and shapes (gradients are float16 Tensors over ndarrays, never bare NumPy scalars) or
    torch's exception class."""
    from tests.support.op_db import NoGrad

    def half(a):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            return a.astype(np.float16)
        if isinstance(a, NoGrad) and a.array.dtype.kind == "f":
            return NoGrad(a.array.astype(np.float16))
        return a
    for args, kw in op.samples(np.random.default_rng(0), np.float32)[:4]:
        args = tuple(half(a) for a in args)
        assert _half_outcome(npgrad, op, args, kw) == _half_outcome(torch, op, args, kw)
