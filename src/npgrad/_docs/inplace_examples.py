"""Examples for the in-place function forms (``npgrad.exp_(x)`` is ``x.exp_()``), appended to their generated
docstrings by ops.api_extra. Each output is what torch 2.13 prints for the same code (checked when written, and
run against npgrad by tests/docs/test_doctests.py)."""

EXAMPLES = {
    "abs_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.abs_(x)
tensor([1.5000, 0.2500, 2.5000])
>>> x
tensor([1.5000, 0.2500, 2.5000])""",
    "acos_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.acos_(x)
tensor([1.3181, 1.0472])
>>> x
tensor([1.3181, 1.0472])""",
    "acosh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([1.5, 2.0])
>>> torch.acosh_(x)
tensor([0.9624, 1.3170])
>>> x
tensor([0.9624, 1.3170])""",
    "addmv_": """\
>>> import npgrad as torch
>>> x = torch.ones(2)
>>> torch.addmv_(x, torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., 1.]))
tensor([4., 8.])
>>> x
tensor([4., 8.])""",
    "arccos_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.arccos_(x)
tensor([1.3181, 1.0472])
>>> x
tensor([1.3181, 1.0472])""",
    "arccosh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([1.5, 2.0])
>>> torch.arccosh_(x)
tensor([0.9624, 1.3170])
>>> x
tensor([0.9624, 1.3170])""",
    "arcsin_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.arcsin_(x)
tensor([0.2527, 0.5236])
>>> x
tensor([0.2527, 0.5236])""",
    "arcsinh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.arcsinh_(x)
tensor([0.2475, 0.4812])
>>> x
tensor([0.2475, 0.4812])""",
    "arctan_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.arctan_(x)
tensor([0.2450, 0.4636])
>>> x
tensor([0.2450, 0.4636])""",
    "arctanh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.arctanh_(x)
tensor([0.2554, 0.5493])
>>> x
tensor([0.2554, 0.5493])""",
    "asin_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.asin_(x)
tensor([0.2527, 0.5236])
>>> x
tensor([0.2527, 0.5236])""",
    "asinh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.asinh_(x)
tensor([0.2475, 0.4812])
>>> x
tensor([0.2475, 0.4812])""",
    "atan_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.atan_(x)
tensor([0.2450, 0.4636])
>>> x
tensor([0.2450, 0.4636])""",
    "atanh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.atanh_(x)
tensor([0.2554, 0.5493])
>>> x
tensor([0.2554, 0.5493])""",
    "ceil_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.ceil_(x)
tensor([-1.,  1.,  3.])
>>> x
tensor([-1.,  1.,  3.])""",
    "clamp_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-2.0, 0.5, 3.0])
>>> torch.clamp_(x, -1.0, 1.0)
tensor([-1.0000,  0.5000,  1.0000])
>>> x
tensor([-1.0000,  0.5000,  1.0000])""",
    "clamp_max_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-2.0, 0.5, 3.0])
>>> torch.clamp_max_(x, 1.0)
tensor([-2.0000,  0.5000,  1.0000])
>>> x
tensor([-2.0000,  0.5000,  1.0000])""",
    "clamp_min_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-2.0, 0.5, 3.0])
>>> torch.clamp_min_(x, 0.0)
tensor([0.0000, 0.5000, 3.0000])
>>> x
tensor([0.0000, 0.5000, 3.0000])""",
    "clip_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-2.0, 0.5, 3.0])
>>> torch.clip_(x, min=0.0)
tensor([0.0000, 0.5000, 3.0000])
>>> x
tensor([0.0000, 0.5000, 3.0000])""",
    "cos_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.cos_(x)
tensor([0.9689, 0.8776])
>>> x
tensor([0.9689, 0.8776])""",
    "cosh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.cosh_(x)
tensor([1.0314, 1.1276])
>>> x
tensor([1.0314, 1.1276])""",
    "deg2rad_": """\
>>> import npgrad as torch
>>> x = torch.tensor([90.0, -180.0])
>>> torch.deg2rad_(x)
tensor([ 1.5708, -3.1416])
>>> x
tensor([ 1.5708, -3.1416])""",
    "detach_": """\
>>> import npgrad as torch
>>> y = torch.tensor([1.0], requires_grad=True) * 2
>>> torch.detach_(y)
tensor([2.])
>>> y.requires_grad, y.grad_fn
(False, None)""",
    "erf_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.erf_(x)
tensor([0.2763, 0.5205])
>>> x
tensor([0.2763, 0.5205])""",
    "erfc_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.erfc_(x)
tensor([0.7237, 0.4795])
>>> x
tensor([0.7237, 0.4795])""",
    "exp2_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.exp2_(x)
tensor([1.1892, 1.4142])
>>> x
tensor([1.1892, 1.4142])""",
    "exp_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.exp_(x)
tensor([1.2840, 1.6487])
>>> x
tensor([1.2840, 1.6487])""",
    "expm1_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.expm1_(x)
tensor([0.2840, 0.6487])
>>> x
tensor([0.2840, 0.6487])""",
    "fill_": """\
>>> import npgrad as torch
>>> x = torch.zeros(2, 2)
>>> torch.fill_(x, 7)
tensor([[7., 7.],
        [7., 7.]])
>>> x
tensor([[7., 7.],
        [7., 7.]])""",
    "fix_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.fix_(x)
tensor([-1.,  0.,  2.])
>>> x
tensor([-1.,  0.,  2.])""",
    "floor_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.floor_(x)
tensor([-2.,  0.,  2.])
>>> x
tensor([-2.,  0.,  2.])""",
    "frac_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.frac_(x)
tensor([-0.5000,  0.2500,  0.5000])
>>> x
tensor([-0.5000,  0.2500,  0.5000])""",
    "index_put_": """\
>>> import npgrad as torch
>>> x = torch.zeros(4)
>>> torch.index_put_(x, (torch.tensor([0, 2]),), torch.tensor([5., 6.]))
tensor([5., 0., 6., 0.])
>>> torch.index_put_(x, (torch.tensor([0, 0]),), torch.tensor([1., 1.]), accumulate=True)
tensor([7., 0., 6., 0.])""",
    "log10_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.log10_(x)
tensor([-0.6021, -0.3010])
>>> x
tensor([-0.6021, -0.3010])""",
    "log1p_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.log1p_(x)
tensor([0.2231, 0.4055])
>>> x
tensor([0.2231, 0.4055])""",
    "log2_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.log2_(x)
tensor([-2., -1.])
>>> x
tensor([-2., -1.])""",
    "log_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.log_(x)
tensor([-1.3863, -0.6931])
>>> x
tensor([-1.3863, -0.6931])""",
    "logit_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.logit_(x)
tensor([-1.0986,  0.0000])
>>> x
tensor([-1.0986,  0.0000])""",
    "nan_to_num_": """\
>>> import npgrad as torch
>>> x = torch.tensor([float('nan'), 1.5, float('-inf')])
>>> torch.nan_to_num_(x, nan=0.0, neginf=-1.0)
tensor([ 0.0000,  1.5000, -1.0000])
>>> x
tensor([ 0.0000,  1.5000, -1.0000])""",
    "neg_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.neg_(x)
tensor([ 1.5000, -0.2500, -2.5000])
>>> x
tensor([ 1.5000, -0.2500, -2.5000])""",
    "negative_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.negative_(x)
tensor([ 1.5000, -0.2500, -2.5000])
>>> x
tensor([ 1.5000, -0.2500, -2.5000])""",
    "rad2deg_": """\
>>> import npgrad as torch
>>> x = torch.tensor([1.0, -0.5])
>>> torch.rad2deg_(x)
tensor([ 57.2958, -28.6479])
>>> x
tensor([ 57.2958, -28.6479])""",
    "reciprocal_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.reciprocal_(x)
tensor([4., 2.])
>>> x
tensor([4., 2.])""",
    "round_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.round_(x)
tensor([-2.,  0.,  2.])
>>> x
tensor([-2.,  0.,  2.])""",
    "rsqrt_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.rsqrt_(x)
tensor([2.0000, 1.4142])
>>> x
tensor([2.0000, 1.4142])""",
    "sigmoid_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.sigmoid_(x)
tensor([0.5622, 0.6225])
>>> x
tensor([0.5622, 0.6225])""",
    "sin_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.sin_(x)
tensor([0.2474, 0.4794])
>>> x
tensor([0.2474, 0.4794])""",
    "sinh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.sinh_(x)
tensor([0.2526, 0.5211])
>>> x
tensor([0.2526, 0.5211])""",
    "sqrt_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.sqrt_(x)
tensor([0.5000, 0.7071])
>>> x
tensor([0.5000, 0.7071])""",
    "square_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.square_(x)
tensor([0.0625, 0.2500])
>>> x
tensor([0.0625, 0.2500])""",
    "tan_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.tan_(x)
tensor([0.2553, 0.5463])
>>> x
tensor([0.2553, 0.5463])""",
    "tanh_": """\
>>> import npgrad as torch
>>> x = torch.tensor([0.25, 0.5])
>>> torch.tanh_(x)
tensor([0.2449, 0.4621])
>>> x
tensor([0.2449, 0.4621])""",
    "trunc_": """\
>>> import npgrad as torch
>>> x = torch.tensor([-1.5, 0.25, 2.5])
>>> torch.trunc_(x)
tensor([-1.,  0.,  2.])
>>> x
tensor([-1.,  0.,  2.])""",
    "zero_": """\
>>> import npgrad as torch
>>> x = torch.ones(3)
>>> torch.zero_(x)
tensor([0., 0., 0.])
>>> x
tensor([0., 0., 0.])""",
}
