"""The top-level torch.* losses (ATen's forms: ``reduction`` an int, no reduction by default) vs torch: values,
shapes, gradients and error classes. nn.functional's forms are in the op table."""
import warnings

import numpy as np
import pytest
import torch

import npgrad

_rs = np.random.default_rng(0)
_A, _B, _C = (_rs.standard_normal((3, 4)) for _ in range(3))
_P = _rs.uniform(0.1, 0.9, (3, 4))
_SIGN34 = np.where(_rs.standard_normal((3, 4)) > 0, 1.0, -1.0)
_SIGN3 = np.array([1.0, -1.0, 1.0])
_X, _Y = _rs.standard_normal(4), _rs.standard_normal(4)

CASES = {
    "kl_div": (lambda m, t, r: m.kl_div(t(_A), t(_P), *r), ()),
    "kl_div_log_target": (lambda m, t, r: m.kl_div(t(_A), t(np.log(_P)), *r, log_target=True), ()),
    "bce_with_logits": (lambda m, t, r: m.binary_cross_entropy_with_logits(t(_A), t(_P), None, None, *r), ()),
    "bce_with_logits_weights": (lambda m, t, r: m.binary_cross_entropy_with_logits(
        t(_A), t(_P), t(_P[0]), t(_P[1] + 1), *r), ()),
    "cosine_embedding_loss": (lambda m, t, r: m.cosine_embedding_loss(t(_A), t(_B), t(_SIGN3), 0.1, *r), ()),
    "hinge_embedding_loss": (lambda m, t, r: m.hinge_embedding_loss(t(_A), t(_SIGN34), 1.0, *r), ()),
    "margin_ranking_loss": (lambda m, t, r: m.margin_ranking_loss(t(_X), t(_Y), t(np.sign(_X)), 0.2, *r), ()),
    "triplet_margin_loss": (lambda m, t, r: m.triplet_margin_loss(t(_A), t(_B), t(_C), 1.0, 2, 1e-6, False, *r),
                            ()),
    "triplet_margin_loss_swap": (lambda m, t, r: m.triplet_margin_loss(t(_A), t(_B), t(_C), 1.0, 1.5, 1e-6, True,
                                                                       *r), ()),
    "poisson_nll_loss": (lambda m, t, r: m.poisson_nll_loss(t(_A), t(_P * 3), True, True, 1e-8, *r), ()),
    "poisson_nll_loss_rate": (lambda m, t, r: m.poisson_nll_loss(t(_P), t(_P * 3), False, False, 1e-8, *r), ()),
}
_REQUIRED = {"poisson_nll_loss", "poisson_nll_loss_rate"}   # torch.poisson_nll_loss has no defaults


def _run(m, fn, red):
    leaves = []

    def t(a):
        x = m.tensor(a, requires_grad=not leaves)   # the first tensor is the differentiated input
        leaves.append(x)
        return x
    out = fn(m, t, red)
    out.sum().backward()
    return out, leaves[0].grad


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("red", [(), (0,), (1,), (2,), (3,), (-1,), (np.int64(2),)])
def test_top_level_loss_matches_torch(name, red):
    if name in _REQUIRED and red == ():
        pytest.raises(TypeError, CASES[name][0], npgrad, npgrad.tensor, red)
        pytest.raises(TypeError, CASES[name][0], torch, torch.tensor, red)
        return
    fn = CASES[name][0]
    want, want_g = _run(torch, fn, red)
    got, got_g = _run(npgrad, fn, red)
    assert tuple(got.shape) == tuple(want.shape) and str(got.dtype)[7:] == str(want.dtype)[6:]
    assert type(got.grad_fn).__name__ == type(want.grad_fn).__name__
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_g.numpy(), want_g.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("bad", ["mean", "none", True, 1.0, None])
def test_top_level_loss_reduction_must_be_int(name, bad):
    fn = CASES[name][0]
    with pytest.raises(TypeError):
        fn(torch, torch.tensor, (bad,))
    with pytest.raises(TypeError):
        fn(npgrad, npgrad.tensor, (bad,))


def test_kl_div_log_target_is_keyword_only_and_keyword_reduction():
    for m in (torch, npgrad):
        a, p = m.tensor(_A), m.tensor(_P)
        with pytest.raises(TypeError):
            m.kl_div(a, p, 1, True)
        assert m.kl_div(a, p, reduction=2, log_target=False).shape == ()
        assert m.kl_div(input=a, target=p).shape == (3, 4)
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # the 'mean' deprecation warning is nn.functional's only
            m.kl_div(a, p, 1)


def test_nn_functional_forms_still_reduce_by_mean():
    for m in (torch, npgrad):
        a, b, p = m.tensor(_A), m.tensor(_B), m.tensor(_P)
        F = m.nn.functional
        assert F.binary_cross_entropy_with_logits(a, p).shape == ()
        assert F.hinge_embedding_loss(a, m.tensor(_SIGN34)).shape == ()
        assert F.cosine_embedding_loss(a, b, m.tensor(_SIGN3)).shape == ()
        assert F.triplet_margin_loss(a, b, a + 1).shape == ()
        assert F.poisson_nll_loss(a, p).shape == ()
