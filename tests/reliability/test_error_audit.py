"""Table-driven audit of bad calls across the API: each call runs on torch and on npgrad; both must raise,
npgrad with the same exception class as torch, and npgrad's message must never be a raw NumPy message
(user-facing errors say what was wrong in torch's terms: tensor sizes, dims, dtypes - not ufuncs and axes)."""
import re
import warnings

import pytest
import torch

import npgrad


def lf(m):
    return m.ones(3, requires_grad=True)


RAW_NUMPY = re.compile(
    r"operands could not be broadcast|\baxis\b|ufunc|numpy(?!\(\))|ndarray|\bnp\.|object of type|"
    r"too many indices for array|out of bounds for axis|buffer|could not convert|invalid literal|"
    r"setting an array element|cannot reshape array|not aligned|matmul: Input operand|"
    r"non-broadcastable output|has no attribute", re.I)

CASES = [
 ("add_shape", lambda m: m.ones(2,3) + m.ones(4)),
 ("mul_shape", lambda m: m.mul(m.ones(2,3), m.ones(3,2))),
 ("sub_shape", lambda m: m.ones(2,3).sub(m.ones(2))),
 ("div_shape", lambda m: m.ones(2,3) / m.ones(5,1,2)),
 ("maximum_shape", lambda m: m.maximum(m.ones(2,3), m.ones(4))),
 ("where_shape", lambda m: m.where(m.ones(2,3) > 0, m.ones(4), m.ones(2,3))),
 ("matmul_shape", lambda m: m.ones(2,3) @ m.ones(4,5)),
 ("mm_shape", lambda m: m.mm(m.ones(2,3), m.ones(4,5))),
 ("mm_1d", lambda m: m.mm(m.ones(3), m.ones(3,5))),
 ("bmm_shape", lambda m: m.bmm(m.ones(2,2,3), m.ones(3,3,4))),
 ("dot_shape", lambda m: m.dot(m.ones(3), m.ones(4))),
 ("mv_shape", lambda m: m.mv(m.ones(2,3), m.ones(4))),
 ("matmul_0d", lambda m: m.matmul(m.ones(()), m.ones(3))),
 ("matmul_dtype", lambda m: m.ones(2,3) @ m.ones(3,2, dtype=m.float64)),
 ("mm_dtype", lambda m: m.mm(m.ones(2,3), m.ones(3,2, dtype=m.float64))),
 ("dot_dtype", lambda m: m.dot(m.ones(3), m.ones(3, dtype=m.float64))),
 ("cat_shape", lambda m: m.cat([m.ones(2,3), m.ones(2,4)])),
 ("cat_dim", lambda m: m.cat([m.ones(2,3), m.ones(2,3)], dim=2)),
 ("cat_empty", lambda m: m.cat([])),
 ("cat_nontensor", lambda m: m.cat([m.ones(2), [1.0, 2.0]])),
 ("stack_shape", lambda m: m.stack([m.ones(2,3), m.ones(2,4)])),
 ("stack_dim", lambda m: m.stack([m.ones(2), m.ones(2)], dim=3)),
 ("reshape_bad", lambda m: m.ones(2,3).reshape(4,2)),
 ("reshape_two_neg", lambda m: m.ones(2,3).reshape(-1,-1)),
 ("view_bad", lambda m: m.ones(2,3).view(5)),
 ("view_stride", lambda m: m.ones(2,3).t().view(6)),
 ("expand_bad", lambda m: m.ones(2,3).expand(4,3)),
 ("expand_fewer", lambda m: m.ones(2,3).expand(3)),
 ("sum_dim", lambda m: m.ones(2,3).sum(2)),
 ("sum_dim_neg", lambda m: m.ones(2,3).sum(-3)),
 ("mean_dim", lambda m: m.ones(2,3).mean(5)),
 ("mean_int", lambda m: m.ones(2,3, dtype=m.int64).mean()),
 ("max_dim", lambda m: m.ones(2,3).max(3)),
 ("argmax_dim", lambda m: m.ones(2,3).argmax(3)),
 ("softmax_dim", lambda m: m.softmax(m.ones(2,3), 2)),
 ("log_softmax_dim", lambda m: m.log_softmax(m.ones(2,3), -3)),
 ("cumsum_dim", lambda m: m.ones(2,3).cumsum(2)),
 ("transpose_dim", lambda m: m.ones(2,3).transpose(0, 2)),
 ("permute_bad", lambda m: m.ones(2,3).permute(0, 0)),
 ("permute_len", lambda m: m.ones(2,3).permute(0,)),
 ("squeeze_dim", lambda m: m.ones(2,3).squeeze(4)),
 ("unsqueeze_dim", lambda m: m.ones(2,3).unsqueeze(4)),
 ("flatten_dim", lambda m: m.ones(2,3).flatten(0, 5)),
 ("narrow_oob", lambda m: m.ones(2,3).narrow(1, 2, 3)),
 ("select_oob", lambda m: m.ones(2,3).select(1, 5)),
 ("index_oob", lambda m: m.ones(2,3)[5]),
 ("index_oob_neg", lambda m: m.ones(2,3)[:, -4]),
 ("index_too_many", lambda m: m.ones(2,3)[0, 0, 0]),
 ("index_tensor_oob", lambda m: m.ones(2,3)[m.tensor([0, 7])]),
 ("index_float", lambda m: m.ones(2,3)[m.tensor([0.0])]),
 ("index_mask_shape", lambda m: m.ones(2,3)[m.tensor([True, False, True])]),
 ("setitem_oob", lambda m: m.ones(2,3).__setitem__(5, 1.0)),
 ("setitem_shape", lambda m: m.ones(2,3).__setitem__(0, m.ones(4))),
 ("gather_oob", lambda m: m.ones(2,3).gather(1, m.tensor([[0, 5], [0, 1]]))),
 ("gather_dtype", lambda m: m.ones(2,3).gather(1, m.tensor([[0., 1.], [0., 1.]]))),
 ("gather_dim", lambda m: m.ones(2,3).gather(3, m.tensor([[0, 1]]))),
 ("index_select_oob", lambda m: m.ones(2,3).index_select(1, m.tensor([3]))),
 ("index_select_float", lambda m: m.ones(2,3).index_select(1, m.tensor([0.]))),
 ("scatter_oob", lambda m: m.zeros(2,3).scatter(1, m.tensor([[5]]), 1.0)),
 ("scatter_add_oob", lambda m: m.zeros(2,3).scatter_add(1, m.tensor([[5]]), m.ones(1,1))),
 ("take_oob", lambda m: m.ones(2,3).take(m.tensor([10]))),
 ("reqgrad_int", lambda m: m.ones(3, dtype=m.int64).requires_grad_()),
 ("reqgrad_int_ctor", lambda m: m.tensor([1, 2], requires_grad=True)),
 ("reqgrad_bool", lambda m: m.ones(3, dtype=m.bool, requires_grad=True)),
 ("reqgrad_nonleaf", lambda m: (lf(m)*2).requires_grad_(False)),
 ("backward_twice", lambda m: [y := (lf(m).exp()).sum(), y.backward(), y.backward()]),
 ("backward_nograd", lambda m: m.ones(3).sum().backward()),
 ("backward_nonscalar", lambda m: (lf(m)*2).backward()),
 ("backward_grad_shape", lambda m: (lf(m)*2).backward(m.ones(4))),
 ("grad_nonscalar", lambda m: m.autograd.grad(lf(m)*2, lf(m))),
 ("grad_unused", lambda m: [x := lf(m), m.autograd.grad((lf(m)*2).sum(), x)]),
 ("inplace_leaf", lambda m: lf(m).add_(1)),
 ("inplace_leaf_mul", lambda m: lf(m).mul_(2)),
 ("inplace_leaf_setitem", lambda m: lf(m).__setitem__(0, 1.0)),
 ("inplace_saved", lambda m: [x := lf(m), y := x.exp(), y.add_(1), y.sum().backward()]),
 ("inplace_saved_sig", lambda m: [x := lf(m)*1, y := x.sigmoid(), y.mul_(2), y.sum().backward()]),
 ("inplace_view_leaf", lambda m: lf(m)[0:2].add_(1)),
 ("inplace_dtype", lambda m: m.ones(3, dtype=m.int64).add_(1.5)),
 ("inplace_broadcast", lambda m: m.ones(3).add_(m.ones(2, 3))),
 ("cuda", lambda m: m.ones(3).cuda()),
 ("to_cuda", lambda m: m.ones(3).to("cuda")),
 ("device_cuda", lambda m: m.ones(3, device="cuda")),
 ("bad_device", lambda m: m.ones(3, device="tpu")),
 ("sum_str", lambda m: m.sum("abc")),
 ("add_str", lambda m: m.add(m.ones(3), "a")),
 ("add_list", lambda m: m.ones(3) + [1, 2]),
 ("sub_str", lambda m: m.ones(3) - "a"),
 ("mul_list", lambda m: m.ones(3) * [1., 2.]),
 ("div_none", lambda m: m.ones(3) / None),
 ("pow_str", lambda m: m.ones(3) ** "x"),
 ("rsub_str", lambda m: "a" - m.ones(3)),
 ("mul_dict", lambda m: m.mul(m.ones(3), {})),
 ("atan2_list", lambda m: m.atan2(m.ones(3), [1., 2.])),
 ("shift_float", lambda m: m.ones(3) << 1),
 ("shift_shape", lambda m: m.ones(3, dtype=m.int64) << m.ones(2, dtype=m.int64)),
 ("xor_shape", lambda m: m.ones(3, dtype=m.int64) ^ m.ones(2, dtype=m.int64)),
 ("permute_none", lambda m: m.ones(()).permute()),
 ("matmul_list", lambda m: m.matmul(m.ones(2,2), [[1.,2.],[3.,4.]])),
 ("tensor_ragged", lambda m: m.tensor([[1, 2], [3]])),
 ("tensor_str", lambda m: m.tensor("abc")),
 ("zeros_neg", lambda m: m.zeros(-1)),
 ("zeros_float", lambda m: m.zeros(2.5)),
 ("randn_neg", lambda m: m.randn(-2)),
 ("arange_zero_step", lambda m: m.arange(0, 10, 0)),
 ("linspace_neg", lambda m: m.linspace(0, 1, -1)),
 ("eye_neg", lambda m: m.eye(-1)),
 ("full_bad", lambda m: m.full((2,), "a")),
 ("item_multi", lambda m: m.ones(3).item()),
 ("bool_multi", lambda m: bool(m.ones(3))),
 ("len_0d", lambda m: len(m.tensor(1.0))),
 ("iter_0d", lambda m: iter(m.tensor(1.0))),
 ("numpy_grad", lambda m: lf(m).numpy()),
 ("float_multi", lambda m: float(m.ones(3))),
 ("int_multi", lambda m: int(m.ones(3))),
 ("index_0d", lambda m: m.tensor(1.0)[0]),
 ("chunk_zero", lambda m: m.ones(4).chunk(0)),
 ("split_bad", lambda m: m.ones(4).split([1, 2])),
 ("split_zero", lambda m: m.ones(4).split(0)),
 ("repeat_fewer", lambda m: m.ones(2,3).repeat(2)),
 ("tile_neg", lambda m: m.ones(2).repeat(-1)),
 ("topk_big", lambda m: m.ones(3).topk(5)),
 ("kthvalue_big", lambda m: m.ones(3).kthvalue(5)),
 ("max_empty", lambda m: m.ones(0).max()),
 ("amax_empty", lambda m: m.ones(0).amax(0)),
 ("argmax_empty", lambda m: m.ones(0).argmax()),
 ("clamp_none", lambda m: m.ones(3).clamp()),
 ("pow_int_neg", lambda m: m.tensor([2, 3]) ** -1),
 ("bitwise_float", lambda m: m.ones(3) & m.ones(3)),
 ("logical_shape", lambda m: m.logical_and(m.ones(2,3), m.ones(4))),
 ("lt_shape", lambda m: m.ones(2,3) < m.ones(4)),
 ("eq_shape", lambda m: m.eq(m.ones(2,3), m.ones(4))),
 ("inv_singular_shape", lambda m: m.linalg.inv(m.ones(2,3))),
 ("det_nonsquare", lambda m: m.det(m.ones(2,3))),
 ("solve_shape", lambda m: m.linalg.solve(m.eye(3), m.ones(4))),
 ("cholesky_nonpd", lambda m: m.linalg.cholesky(-m.eye(2))),
 ("inv_int", lambda m: m.linalg.inv(m.eye(2, dtype=m.int64))),
 ("outer_2d", lambda m: m.outer(m.ones(2,2), m.ones(2))),
 ("einsum_bad", lambda m: m.einsum("ij,jk->ik", m.ones(2,3), m.ones(4,5))),
 ("einsum_ops", lambda m: m.einsum("ij,jk->ik", m.ones(2,3))),
 ("linear_shape", lambda m: m.nn.functional.linear(m.ones(2,3), m.ones(4,5))),
 ("Linear_shape", lambda m: m.nn.Linear(3, 4)(m.ones(2, 5))),
 ("Linear_dtype", lambda m: m.nn.Linear(3, 4)(m.ones(2, 3, dtype=m.float64))),
 ("Linear_int", lambda m: m.nn.Linear(3, 4)(m.ones(2, 3, dtype=m.int64))),
 ("ce_target_oob", lambda m: m.nn.functional.cross_entropy(m.ones(2,3), m.tensor([0, 5]))),
 ("ce_target_float_shape", lambda m: m.nn.functional.cross_entropy(m.ones(2,3), m.ones(2))),
 ("ce_batch", lambda m: m.nn.functional.cross_entropy(m.ones(2,3), m.tensor([0, 1, 2]))),
 ("mse_shape", lambda m: m.nn.functional.mse_loss(m.ones(2,3), m.ones(3,3))),
 ("nll_dtype", lambda m: m.nn.functional.nll_loss(m.ones(2,3), m.ones(2))),
 ("bce_range", lambda m: m.nn.functional.binary_cross_entropy(m.ones(3)*2, m.ones(3))),
 ("conv_shape", lambda m: m.nn.functional.conv2d(m.ones(1,3,5,5), m.ones(4,2,3,3))),
 ("conv_small", lambda m: m.nn.functional.conv2d(m.ones(1,1,2,2), m.ones(1,1,3,3))),
 ("maxpool_small", lambda m: m.nn.functional.max_pool2d(m.ones(1,1,2,2), 3)),
 ("embedding_oob", lambda m: m.nn.functional.embedding(m.tensor([5]), m.ones(3, 2))),
 ("optim_nonparam", lambda m: m.optim.SGD([1.0], lr=0.1)),
 ("optim_neg_lr", lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], lr=-1)),
 ("optim_empty", lambda m: m.optim.SGD([], lr=0.1)),
 ("optim_nonleaf", lambda m: m.optim.SGD([lf(m)*2], lr=0.1)),
 ("to_bad_dtype", lambda m: m.ones(2).to("float33")),
 ("masked_fill_shape", lambda m: m.ones(2,3).masked_fill(m.ones(4) > 0, 0.)),
 ("masked_fill_nonbool", lambda m: m.ones(2,3).masked_fill(m.ones(2,3), 0.)),
 ("index_put_shape", lambda m: m.ones(3).index_put_((m.tensor([0, 1]),), m.ones(3))),
 ("sort_dim", lambda m: m.ones(2).sort(2)),
 ("flip_dim", lambda m: m.ones(2).flip(2)),
 ("roll_dim", lambda m: m.ones(2).roll(1, 2)),
 ("tril_1d", lambda m: m.ones(2).tril()),
 ("diag_3d", lambda m: m.ones(2,2,2).diag()),
 ("trace_3d", lambda m: m.ones(2,2,2).trace()),
 ("t_3d", lambda m: m.ones(2,2,2).t()),
 ("unbind_dim", lambda m: m.ones(2).unbind(1)),
 ("movedim_bad", lambda m: m.ones(2,3).movedim(0, 5)),
 ("view_as_bad", lambda m: m.ones(2,3).view_as(m.ones(5))),
 ("expand_as_bad", lambda m: m.ones(2,3).expand_as(m.ones(5))),
 ("broadcast_to_bad", lambda m: m.broadcast_to(m.ones(2,3), (4,))),
 ("unflatten_bad", lambda m: m.ones(6).unflatten(0, (4, 2))),
 ("std_dim", lambda m: m.ones(2).std(3)),
 ("norm_dim", lambda m: m.ones(2).norm(dim=3)),
 ("prod_dim", lambda m: m.ones(2).prod(3)),
 ("logsumexp_dim", lambda m: m.ones(2).logsumexp(3)),
 ("all_dim", lambda m: m.ones(2).all(3)),
 ("cumprod_dim", lambda m: m.ones(2).cumprod(3)),
 ("dropout_p", lambda m: m.nn.functional.dropout(m.ones(2), p=1.5)),
 ("set_grad_shape", lambda m: setattr(lf(m), "grad", m.ones(4))),
 ("set_grad_dtype", lambda m: setattr(lf(m), "grad", m.ones(3, dtype=m.float64))),
 ("set_data_type", lambda m: setattr(lf(m), "data", [1.0])),
 ("hook_nonreq", lambda m: m.ones(3).register_hook(lambda g: g)),
 ("retain_grad_nonreq", lambda m: m.ones(3).retain_grad()),
 ("grad_of_int", lambda m: m.autograd.grad(m.ones(3).sum(), m.ones(3))),
 ("backward_int", lambda m: m.ones(3, dtype=m.int64).sum().backward()),
]


def _raise(m, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(m)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return e
    return None


def _same_class(ours, theirs):
    if isinstance(ours, type(theirs)):
        return True
    # torch.linalg.LinAlgError is torch._C._LinAlgError, a RuntimeError; ours is npgrad.linalg.LinAlgError
    return "LinAlgError" in type(theirs).__name__ and type(ours).__name__ == "LinAlgError" and \
        isinstance(ours, RuntimeError)


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_bad_call_raises_like_torch(name, fn):
    theirs = _raise(torch, fn)
    ours = _raise(npgrad, fn)
    if theirs is None:  # torch accepts it: so must we
        assert ours is None, f"torch accepts {name}; npgrad raised {type(ours).__name__}: {ours}"
        return
    assert ours is not None, f"torch raised {type(theirs).__name__}: {theirs}; npgrad did not"
    assert _same_class(ours, theirs), \
        f"npgrad raised {type(ours).__name__}: {ours}; torch {type(theirs).__name__}: {theirs}"
    assert not RAW_NUMPY.search(str(ours)), f"raw NumPy wording in npgrad's message: {ours}"
    assert str(ours).strip(), "empty error message"


def test_audit_is_broad():
    assert len(CASES) >= 150


# ---------------------------------------------------------------------------------------------- every public function
# Each public function of npgrad, npgrad.nn.functional and npgrad.linalg that torch also has, called with a bad
# argument of each kind below, on both: the exception classes must agree. Where torch's own Python code fails with
# an AttributeError (``'str' object has no attribute 'dim'``, a Python-internal error), npgrad must raise TypeError.
_BAD_KINDS = {
    "str": lambda f, m: f("a"),
    "none": lambda f, m: f(None),
    "list": lambda f, m: f([1.0, 2.0]),
    "dict": lambda f, m: f({}),
    "tensor_then_str": lambda f, m: f(m.ones(2, 3), "a"),
}
# not ops on tensors: paths, global switches and state, process setup
_NOT_AUDITED = {"load", "save", "compile", "manual_seed", "seed", "einsum", "typename", "from_file", "chunk_size"}
_NOT_AUDITED_PREFIXES = ("set_", "get_", "is_", "use_", "autocast", "_")

# Calls where npgrad still differs from torch, by kind: torch checks every argument's type before anything else,
# npgrad checks shapes/dtypes first in these. The test fails when one of them starts to agree (remove it here) as
# well as when a call not listed differs.
_KNOWN_DIFFERENT = {
    ('linalg', 'tensor_then_str'): frozenset("""
        solve solve_ex svd
    """.split()),
    ('nn.functional', 'tensor_then_str'): frozenset("""
        adaptive_avg_pool2d adaptive_avg_pool3d adaptive_max_pool2d adaptive_max_pool2d_with_indices affine_grid
        adaptive_max_pool3d adaptive_max_pool3d_with_indices avg_pool2d avg_pool3d embedding gelu layer_norm
        max_pool2d max_pool2d_with_indices max_pool3d max_pool3d_with_indices one_hot rms_norm unfold
    """.split()),
    ('npgrad', 'dict'): frozenset("""
        broadcast_shapes
    """.split()),
    ('npgrad', 'list'): frozenset("""
        broadcast_shapes
    """.split()),
    ('npgrad', 'none'): frozenset("""
        broadcast_shapes
    """.split()),
    ('npgrad', 'str'): frozenset("""
        broadcast_shapes
    """.split()),
    ('npgrad', 'tensor_then_str'): frozenset("""
        arange bincount cartesian_prod cholesky cholesky_inverse combinations dsplit gcd gcd_ instance_norm isin
        layer_norm lcm lcm_ lu masked_select max_pool2d max_pool3d meshgrid polygamma qr rms_norm searchsorted
        selu svd take take_along_dim tril_indices triu_indices unique unique_consecutive vander where
    """.split()),
}


def _audited(mod_n, mod_t):
    import inspect
    out = []
    for n in sorted(dir(mod_n)):
        if n in _NOT_AUDITED or n.startswith(_NOT_AUDITED_PREFIXES):
            continue
        fn, ft = getattr(mod_n, n), getattr(mod_t, n, None)
        if ft is None or isinstance(fn, type) or isinstance(ft, type) or not callable(fn) or inspect.ismodule(fn):
            continue
        out.append(n)
    return out


def _namespaces():
    return [("npgrad", npgrad, torch), ("nn.functional", npgrad.nn.functional, torch.nn.functional),
            ("linalg", npgrad.linalg, torch.linalg)]


GENERATED = [(ns, n, k) for ns, mn, mt in _namespaces() for n in _audited(mn, mt) for k in _BAD_KINDS]


def _agrees(ours, theirs):
    if theirs is None or ours is None:
        return theirs is None and ours is None
    if isinstance(theirs, AttributeError):
        return isinstance(ours, TypeError)
    return _same_class(ours, theirs)


@pytest.mark.parametrize("ns,name,kind", GENERATED, ids=[f"{a}.{b}-{c}" for a, b, c in GENERATED])
def test_every_public_function_refuses_bad_arguments_like_torch(ns, name, kind):
    mod_n, mod_t = {a: (b, c) for a, b, c in _namespaces()}[ns]
    theirs = _raise(torch, lambda m: _BAD_KINDS[kind](getattr(mod_t, name), torch))
    ours = _raise(npgrad, lambda m: _BAD_KINDS[kind](getattr(mod_n, name), npgrad))
    known = name in _KNOWN_DIFFERENT.get((ns, kind), ())
    desc = (f"{ns}.{name} with a bad argument ({kind}): torch {type(theirs).__name__ if theirs else 'accepts'}: "
            f"{theirs}; npgrad {type(ours).__name__ if ours else 'accepts'}: {ours}")
    if known:
        assert not _agrees(ours, theirs), f"now agrees with torch: remove it from _KNOWN_DIFFERENT. {desc}"
    else:
        assert _agrees(ours, theirs), f"{desc} (raise torch's class: check argument types before shapes; or, " \
                                      f"if that cannot be done now, list the call in _KNOWN_DIFFERENT)"
    if ours is not None and not known and not RAW_NUMPY.search(str(theirs)):  # torch's own may name np.ndarray
        assert not RAW_NUMPY.search(str(ours)) or isinstance(theirs, AttributeError), \
            f"raw NumPy wording in npgrad's message: {ours}"


def test_generated_audit_is_broad():
    assert len(GENERATED) >= 1500
