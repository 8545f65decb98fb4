"""Docstrings of ``npgrad.nn.functional``'s public functions, in torch's style (summary, Args, Returns or Shape,
Example), attached once when ``nn.functional`` is imported, as torch attaches its own with ``add_docstr``.

Most of these functions are npgrad's ops (``ops/activation.py``, ``ops/pool.py``, ``ops/loss.py``, ...) published
under ``nn.functional`` through their public wrapper, so this one table describes them in the namespace users call
them from. Every example is a doctest (tests/docs/test_doctests.py) whose printed output is torch's for the same
code. A function that is also a top-level ``npgrad`` name keeps the docstring it has there, if it has one; the
functions the two namespaces share (``npgrad.celu``) have theirs in ``_docs/shared_functional.py``, attached by
``import npgrad`` and taken into this table.
"""
from .._docfmt import doc as _doc, apply as _apply
from .._docs.shared_functional import (DOCS as _SHARED, _AVGPOOL_ARGS, _DROP, _IMPORTS, _INPLACE, _INPUT,
                                       _POINTWISE, _POOL_OUT, _inplace_of)

_REDUCTION = ("reduction (str): ``'none'`` (one loss per element), ``'mean'`` (their mean) or ``'sum'``. "
              "Default: ``'mean'``.\n"
              "size_average, reduce (bool, deprecated): the legacy form of ``reduction``; do not pass both.")



DOCS = dict(_SHARED)

# ---------------------------------------------------------------------------------------------- activations
DOCS["relu"] = _doc(
    "Rectified linear unit, elementwise: :math:`\\max(0, x)`.",
    f"{_INPUT}\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.relu(torch.tensor([-1.0, 0.0, 2.0]))
tensor([0., 0., 2.])
""")
DOCS["relu6"] = _doc(
    "ReLU capped at 6, elementwise: :math:`\\min(\\max(0, x), 6)`.",
    f"{_INPUT}\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.relu6(torch.tensor([-1.0, 3.0, 9.0]))
tensor([0., 3., 6.])
""")
DOCS["hardtanh"] = _doc(
    "Clamp to ``[min_val, max_val]`` elementwise (the hard tanh; gradient 0 outside the range).",
    f"{_INPUT}\nmin_val (float): lower end of the linear region. Default: -1.\n"
    f"max_val (float): upper end of the linear region. Default: 1.\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.hardtanh(torch.tensor([-2.0, 0.5, 2.0]))
tensor([-1.0000,  0.5000,  1.0000])
>>> F.hardtanh(torch.tensor([-2.0, 0.5, 2.0]), min_val=0.0, max_val=1.0)
tensor([0.0000, 0.5000, 1.0000])
""")
DOCS["hardtanh_"] = _doc(*_inplace_of("hardtanh"), _IMPORTS + """
>>> x = torch.tensor([-2.0, 0.5, 2.0])
>>> _ = F.hardtanh_(x)
>>> x
tensor([-1.0000,  0.5000,  1.0000])
""")
DOCS["leaky_relu"] = _doc(
    "Leaky ReLU, elementwise: :math:`x` for :math:`x \\ge 0`, else ``negative_slope`` :math:`\\cdot x`.",
    f"{_INPUT}\nnegative_slope (float): slope for negative inputs. Default: 0.01.\n{_INPLACE}",
    _POINTWISE, _IMPORTS + """
>>> F.leaky_relu(torch.tensor([-2.0, 3.0]), negative_slope=0.1)
tensor([-0.2000,  3.0000])
""")
DOCS["leaky_relu_"] = _doc(*_inplace_of("leaky_relu"), _IMPORTS + """
>>> x = torch.tensor([-2.0, 3.0])
>>> _ = F.leaky_relu_(x, 0.5)
>>> x
tensor([-1.,  3.])
""")
DOCS["elu"] = _doc(
    "Exponential linear unit, elementwise: :math:`x` for :math:`x > 0`, else "
    ":math:`\\alpha (e^x - 1)`.",
    f"{_INPUT}\nalpha (float): the scale of the negative part. Default: 1.\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.elu(torch.tensor([-1.0, 0.0, 2.0]))
tensor([-0.6321,  0.0000,  2.0000])
""")
DOCS["elu_"] = _doc(*_inplace_of("elu"), _IMPORTS + """
>>> x = torch.tensor([-1.0, 2.0])
>>> _ = F.elu_(x, alpha=2.0)
>>> x
tensor([-1.2642,  2.0000])
""")
DOCS["gelu"] = _doc(
    "Gaussian error linear unit, elementwise: :math:`x \\Phi(x)` (``approximate='none'``), or its tanh "
    "approximation :math:`\\tfrac{x}{2}(1 + \\tanh(\\sqrt{2/\\pi}(x + 0.044715 x^3)))` (``'tanh'``).",
    f"{_INPUT}\napproximate (str): ``'none'`` or ``'tanh'``. Default: ``'none'``.", _POINTWISE, _IMPORTS + """
>>> x = torch.tensor([-1.0, 0.0, 1.0])
>>> F.gelu(x)
tensor([-0.1587,  0.0000,  0.8413])
>>> F.gelu(x, approximate='tanh')
tensor([-0.1588,  0.0000,  0.8412])
""")
DOCS["silu"] = _doc(
    "Sigmoid linear unit (swish), elementwise: :math:`x \\sigma(x)`.",
    f"{_INPUT}\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.silu(torch.tensor([-1.0, 0.0, 1.0]))
tensor([-0.2689,  0.0000,  0.7311])
""")
DOCS["mish"] = _doc(
    "Mish, elementwise: :math:`x \\tanh(\\mathrm{softplus}(x))`.",
    f"{_INPUT}\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.mish(torch.tensor([-1.0, 0.0, 1.0]))
tensor([-0.3034,  0.0000,  0.8651])
""")
DOCS["softplus"] = _doc(
    "Softplus, elementwise: :math:`\\frac{1}{\\beta} \\log(1 + e^{\\beta x})`; linear (``x``) where "
    ":math:`\\beta x >` ``threshold``, for numerical stability.",
    f"{_INPUT}\nbeta (float): the sharpness. Default: 1.\nthreshold (float): above it the function is linear. "
    "Default: 20.", _POINTWISE, _IMPORTS + """
>>> F.softplus(torch.tensor([-1.0, 0.0, 30.0]))
tensor([ 0.3133,  0.6931, 30.0000])
""")
DOCS["logsigmoid"] = _doc(
    "Log of the sigmoid, elementwise, computed stably: :math:`\\log \\frac{1}{1 + e^{-x}}`.",
    _INPUT, _POINTWISE, _IMPORTS + """
>>> F.logsigmoid(torch.tensor([-100.0, 0.0, 1.0]))
tensor([-100.0000,   -0.6931,   -0.3133])
""")
DOCS["hardsigmoid"] = _doc(
    "Piecewise-linear sigmoid, elementwise: :math:`\\min(\\max(0, x/6 + 1/2), 1)`.",
    f"{_INPUT}\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.hardsigmoid(torch.tensor([-4.0, 0.0, 1.5, 4.0]))
tensor([0.0000, 0.5000, 0.7500, 1.0000])
""")
DOCS["hardswish"] = _doc(
    "Hard swish, elementwise: :math:`x \\cdot \\mathrm{hardsigmoid}(x)` (MobileNetV3).",
    f"{_INPUT}\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.hardswish(torch.tensor([-4.0, 1.0, 4.0]))
tensor([-0.0000, 0.6667, 4.0000])
""")
DOCS["softshrink"] = _doc(
    "Soft shrinkage, elementwise: :math:`x - \\lambda` above :math:`\\lambda`, :math:`x + \\lambda` below "
    ":math:`-\\lambda`, 0 between.",
    f"{_INPUT}\nlambd (float): the threshold :math:`\\lambda \\ge 0`. Default: 0.5.", _POINTWISE, _IMPORTS + """
>>> F.softshrink(torch.tensor([-1.0, 0.2, 1.0]))
tensor([-0.5000,  0.0000,  0.5000])
""")
DOCS["hardshrink"] = _doc(
    "Hard shrinkage, elementwise: :math:`x` where :math:`|x| > \\lambda`, else 0.",
    f"{_INPUT}\nlambd (float): the threshold :math:`\\lambda`. Default: 0.5.", _POINTWISE, _IMPORTS + """
>>> F.hardshrink(torch.tensor([-1.0, 0.2, 1.0]))
tensor([-1.,  0.,  1.])
""")
DOCS["threshold"] = _doc(
    "Threshold, elementwise: ``input`` where it is greater than ``threshold``, else ``value``.",
    f"{_INPUT}\nthreshold (float): the threshold.\nvalue (float): the value for elements at or below it.\n"
    f"{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.threshold(torch.tensor([0.1, 0.5, 2.0]), 0.5, -1.0)
tensor([-1., -1.,  2.])
""")
DOCS["glu"] = _doc(
    "Gated linear unit: splits ``input`` in two halves :math:`a, b` along ``dim`` and returns "
    ":math:`a \\otimes \\sigma(b)`.",
    f"{_INPUT} Its size along ``dim`` must be even.\ndim (int): the dimension to split. Default: -1.",
    "Shape:\n    Input: :math:`(*, 2N, *)`. Output: :math:`(*, N, *)`.", _IMPORTS + """
>>> F.glu(torch.tensor([[1.0, 2.0, 0.0, 100.0]]))
tensor([[0.5000, 2.0000]])
""")
DOCS["sigmoid"] = _doc(
    "Logistic sigmoid, elementwise: :math:`\\sigma(x) = 1 / (1 + e^{-x})` (``npgrad.sigmoid``).",
    _INPUT, _POINTWISE, _IMPORTS + """
>>> F.sigmoid(torch.tensor([-1.0, 0.0, 1.0]))
tensor([0.2689, 0.5000, 0.7311])
""")
DOCS["tanh"] = _doc(
    "Hyperbolic tangent, elementwise (``npgrad.tanh``).",
    _INPUT, _POINTWISE, _IMPORTS + """
>>> F.tanh(torch.tensor([-1.0, 0.0, 1.0]))
tensor([-0.7616,  0.0000,  0.7616])
""")
_SOFTMAX_ARGS = (f"{_INPUT}\ndim (int): the dimension along which the result sums to 1. Omitting it is "
                 "deprecated (torch's implicit choice is used, with a warning).\n"
                 "dtype (npgrad.dtype, optional): cast the input to this dtype first.")
DOCS["softmax"] = _doc(
    "Softmax along ``dim``: :math:`e^{x_i} / \\sum_j e^{x_j}`, computed stably (the maximum is subtracted).",
    _SOFTMAX_ARGS, "Returns:\n    Tensor: same shape as ``input``, values in [0, 1] summing to 1 along ``dim``.",
    _IMPORTS + """
>>> F.softmax(torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), dim=1)
tensor([[0.0900, 0.2447, 0.6652],
        [0.3333, 0.3333, 0.3333]])
""")
DOCS["log_softmax"] = _doc(
    "Log of the softmax along ``dim``, computed stably: :math:`x_i - \\log \\sum_j e^{x_j}`; pair it with "
    ":func:`nll_loss`.", _SOFTMAX_ARGS, "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> F.log_softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
tensor([-2.4076, -1.4076, -0.4076])
""")
DOCS["softmin"] = _doc(
    "Softmin along ``dim``: the softmax of ``-input``.",
    _SOFTMAX_ARGS, "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> F.softmin(torch.tensor([1.0, 2.0, 3.0]), dim=0)
tensor([0.6652, 0.2447, 0.0900])
""")

# ---------------------------------------------------------------------------------------------- convolution

# ---------------------------------------------------------------------------------------------- pooling
_DIVISOR = "\ndivisor_override (int, optional): divide by this instead of the window size. Default: ``None``."
DOCS["avg_pool2d"] = _doc(
    "2-D average pooling over an :math:`(N, C, H, W)` input.", _AVGPOOL_ARGS + _DIVISOR, _POOL_OUT + ".",
    _IMPORTS + """
>>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
>>> F.avg_pool2d(x, 2)
tensor([[[[ 2.5000,  4.5000],
          [10.5000, 12.5000]]]])
>>> F.avg_pool2d(x, 2, divisor_override=1)
tensor([[[[10., 18.],
          [42., 50.]]]])
""")
DOCS["avg_pool3d"] = _doc(
    "3-D average pooling over an :math:`(N, C, D, H, W)` input.", _AVGPOOL_ARGS + _DIVISOR, _POOL_OUT + ".",
    _IMPORTS + """
>>> F.avg_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
tensor([[[[[3.5000]]]]])
""")
_LP_ARGS = ("input (Tensor): :math:`(N, C, *)` or unbatched.\nnorm_type (float): the power :math:`p` "
            "(``inf`` gives max pooling).\nkernel_size (int or tuple): the window size.\n"
            "stride (int or tuple, optional): the window step. Default: ``kernel_size``.\n"
            "ceil_mode (bool): round the output size up. Default: ``False``.")
DOCS["lp_pool2d"] = _doc(
    "2-D power-average pooling: :math:`(\\sum_{window} x^p)^{1/p}` over each window.", _LP_ARGS,
    _POOL_OUT + ".", _IMPORTS + """
>>> F.lp_pool2d(torch.tensor([[[[3.0, 4.0], [0.0, 0.0]]]]), 2, 2)
tensor([[[[5.]]]])
""")
DOCS["lp_pool3d"] = _doc(
    "3-D power-average pooling: :math:`(\\sum_{window} x^p)^{1/p}` over each window.", _LP_ARGS,
    _POOL_OUT + ".", _IMPORTS + """
>>> F.lp_pool3d(torch.ones(1, 1, 2, 2, 2), 1, 2)
tensor([[[[[8.]]]]])
""")
_UNPOOL_ARGS = ("input (Tensor): the pooled values, :math:`(N, C, *)` or unbatched.\n"
                "indices (Tensor): the indices returned with them by max pooling.\n"
                "kernel_size (int or tuple): the pooling window.\n"
                "stride (int or tuple, optional): the pooling step. Default: ``kernel_size``.\n"
                "padding (int or tuple): the pooling padding. Default: 0.\n"
                "output_size (tuple, optional): the exact output size (it can be ambiguous). Default: ``None``.")
for _d, _ex in (("1", """
>>> out, idx = F.max_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2, return_indices=True)
>>> F.max_unpool1d(out, idx, 2)
tensor([[[0., 3., 0., 5.]]])
"""), ("2", """
>>> out, idx = F.max_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
>>> F.max_unpool2d(out, idx, 2)
tensor([[[[ 0.,  0.,  0.,  0.],
          [ 0.,  5.,  0.,  7.],
          [ 0.,  0.,  0.,  0.],
          [ 0., 13.,  0., 15.]]]])
"""), ("3", """
>>> out, idx = F.max_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 2, return_indices=True)
>>> F.max_unpool3d(out, idx, 2).flatten()
tensor([0., 0., 0., 0., 0., 0., 0., 7.])
""")):
    DOCS[f"max_unpool{_d}d"] = _doc(
        f"Partial inverse of :func:`max_pool{_d}d`: puts each value back at its index, zeros elsewhere.",
        _UNPOOL_ARGS, "Returns:\n    Tensor: :math:`(N, C, *_{out})` with "
        ":math:`L_{out} = (L - 1)s - 2p + k` unless ``output_size`` says otherwise.", _IMPORTS + _ex)
_FRAC_ARGS = ("input (Tensor): :math:`(N, C, *)` or unbatched.\n"
              "kernel_size (int or tuple): the pooling window.\n"
              "output_size (int or tuple, optional): the output size; give it or ``output_ratio``.\n"
              "output_ratio (float or tuple, optional): the output size as a fraction of the input's, in (0, 1).\n"
              "return_indices (bool): also return the indices of the maxima. Default: ``False``.\n"
              "_random_samples (Tensor, optional): the window offsets' samples in [0, 1), "
              ":math:`(N, C, n_{dims})`; drawn from npgrad's generator when omitted.")
_FRAC_EX = {"2": """
>>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
>>> F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=torch.zeros(1, 1, 2))
tensor([[[[ 5.,  7.],
          [13., 15.]]]])
""", "3": """
>>> x = torch.arange(64.0).reshape(1, 1, 4, 4, 4)
>>> F.fractional_max_pool3d(x, 2, output_size=2, _random_samples=torch.zeros(1, 1, 3)).flatten()
tensor([21., 23., 29., 31., 53., 55., 61., 63.])
""", "2i": """
>>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
>>> F.fractional_max_pool2d_with_indices(x, 2, output_size=2, _random_samples=torch.zeros(1, 1, 2))[1]
tensor([[[[ 5,  7],
          [13, 15]]]])
""", "3i": """
>>> x = torch.arange(64.0).reshape(1, 1, 4, 4, 4)
>>> F.fractional_max_pool3d_with_indices(x, 2, output_size=2, _random_samples=torch.zeros(1, 1, 3))[1].flatten()
tensor([21, 23, 29, 31, 53, 55, 61, 63])
"""}
for _d in ("2", "3"):
    DOCS[f"fractional_max_pool{_d}d"] = _doc(
        f"{_d}-D fractional max pooling (Graham, 2014): max pooling over pseudo-randomly placed windows whose "
        "count gives ``output_size``.", _FRAC_ARGS,
        "Returns:\n    Tensor: :math:`(N, C, *output\\_size)`; with ``return_indices``, ``(output, indices)``.",
        _IMPORTS + _FRAC_EX[_d])
    DOCS[f"fractional_max_pool{_d}d_with_indices"] = _doc(
        f"{_d}-D fractional max pooling that always returns ``(output, indices)``.", _FRAC_ARGS,
        "Returns:\n    (Tensor, Tensor): the maxima and their int64 flat indices in each input plane.",
        _IMPORTS + _FRAC_EX[_d + "i"])

# ---------------------------------------------------------------------------------------------- normalisation
DOCS["instance_norm"] = _doc(
    "Instance normalisation: each channel of each sample is normalised over its spatial positions (optionally "
    "tracking running statistics, as :func:`batch_norm`).",
    "input (Tensor): :math:`(N, C, *)`.\nrunning_mean, running_var (Tensor, optional): :math:`(C)`, updated in "
    "place when ``use_input_stats``. Default: ``None``.\nweight, bias (Tensor, optional): :math:`(C)` affine "
    "parameters. Default: ``None``.\nuse_input_stats (bool): normalise with this input's statistics (else with "
    "the running ones). Default: ``True``.\nmomentum (float): running-statistics update factor. Default: 0.1.\n"
    "eps (float): added to the variance. Default: 1e-5.", "Returns:\n    Tensor: same shape as ``input``.",
    _IMPORTS + """
>>> F.instance_norm(torch.tensor([[[1.0, 3.0], [2.0, 2.0]]]))
tensor([[[-1.0000,  1.0000],
         [ 0.0000,  0.0000]]])
""")

# ---------------------------------------------------------------------------------------------- losses
DOCS["mse_loss"] = _doc(
    "Mean squared error: :math:`(x - y)^2` per element, reduced.",
    f"input (Tensor): predictions, any shape.\ntarget (Tensor): same shape (broadcast with a warning).\n"
    f"{_REDUCTION}\nweight (Tensor, optional): per-element weights, broadcast to the input. Default: ``None``.",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> loss = F.mse_loss(x, torch.tensor([1.0, 0.0, 0.0]))
>>> loss
tensor(4.3333, grad_fn=<MseLossBackward0>)
>>> loss.backward()
>>> x.grad
tensor([0.0000, 1.3333, 2.0000])
""")
DOCS["smooth_l1_loss"] = _doc(
    "Smooth L1 loss: :math:`0.5 d^2 / \\beta` where :math:`|d| < \\beta`, else :math:`|d| - 0.5 \\beta`, "
    "with :math:`d = x - y`.",
    f"input (Tensor): predictions.\ntarget (Tensor): same shape.\n{_REDUCTION}\n"
    "beta (float): where the loss turns from quadratic to linear (0 gives L1). Default: 1.",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> F.smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction='none')
tensor([0.1250, 2.5000])
""")
DOCS["huber_loss"] = _doc(
    "Huber loss: :math:`0.5 d^2` where :math:`|d| < \\delta`, else :math:`\\delta (|d| - 0.5 \\delta)`, with "
    ":math:`d = x - y` (``delta`` times :func:`smooth_l1_loss` with ``beta=delta``).",
    "input (Tensor): predictions.\ntarget (Tensor): same shape.\n"
    "reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.\n"
    "delta (float): where the loss turns from quadratic to linear. Default: 1.\n"
    "weight (Tensor, optional): per-element weights. Default: ``None``.",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> F.huber_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction='none', delta=2.0)
tensor([0.1250, 4.0000])
""")
DOCS["soft_margin_loss"] = _doc(
    "Two-class logistic loss :math:`\\log(1 + e^{-y x})` for targets :math:`y \\in \\{-1, 1\\}`.",
    f"input (Tensor): scores.\ntarget (Tensor): same shape, of -1 and 1.\n{_REDUCTION}",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> F.soft_margin_loss(torch.tensor([2.0, -1.0]), torch.tensor([1.0, 1.0]))
tensor(0.7201)
""")
DOCS["binary_cross_entropy_with_logits"] = _doc(
    "Binary cross entropy on logits (a sigmoid and :func:`binary_cross_entropy` in one, numerically stable): "
    ":math:`-w [p\\, y \\log \\sigma(x) + (1 - y) \\log(1 - \\sigma(x))]`.",
    f"input (Tensor): logits, any shape.\ntarget (Tensor): same shape, probabilities in [0, 1].\n"
    f"weight (Tensor, optional): rescales each element's loss (broadcast). Default: ``None``.\n{_REDUCTION}\n"
    "pos_weight (Tensor, optional): weight :math:`p` of the positive term, broadcast along the last "
    "(class) dimension. Default: ``None``.",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> logits = torch.tensor([0.0, 2.0, -1.0])
>>> F.binary_cross_entropy_with_logits(logits, torch.tensor([0.0, 1.0, 1.0]))
tensor(0.7111)
>>> F.binary_cross_entropy_with_logits(logits, torch.tensor([0.0, 1.0, 1.0]), pos_weight=torch.tensor([2.0]))
tensor(1.1912)
""")
DOCS["kl_div"] = _doc(
    "Kullback-Leibler divergence :math:`y (\\log y - x)` per element, where ``input`` :math:`x` holds "
    "log-probabilities and ``target`` :math:`y` probabilities (log-probabilities with ``log_target``).",
    "input (Tensor): log-probabilities.\ntarget (Tensor): same shape.\nsize_average, reduce (bool, deprecated): "
    "the legacy form of ``reduction``.\nreduction (str): ``'none'``, ``'sum'``, ``'batchmean'`` (sum / batch "
    "size: the true KL divergence) or ``'mean'`` (sum / number of elements). Default: ``'mean'``.\n"
    "log_target (bool): ``target`` holds log-probabilities. Default: ``False``.",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> p = torch.tensor([[0.5, 0.5]])
>>> q = torch.tensor([[0.25, 0.75]])
>>> F.kl_div(q.log(), p, reduction='batchmean')
tensor(0.1438)
""")
DOCS["poisson_nll_loss"] = _doc(
    "Negative log likelihood of a Poisson target: :math:`e^x - y x` (``log_input``) or "
    ":math:`x - y \\log(x + \\epsilon)` per element.",
    "input (Tensor): the expected count (its log with ``log_input``).\ntarget (Tensor): observed counts.\n"
    "log_input (bool): ``input`` is a log-rate. Default: ``True``.\nfull (bool): add Stirling's "
    "approximation term :math:`y \\log y - y + \\frac{1}{2}\\log(2\\pi y)` (for :math:`y > 1`). Default: "
    "``False``.\neps (float): keeps the log finite when ``log_input`` is ``False``. Default: 1e-8.\n"
    f"{_REDUCTION}", "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.",
    _IMPORTS + """
>>> F.poisson_nll_loss(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0]), reduction='none')
tensor([1.0000, 0.7183])
""")
DOCS["cosine_embedding_loss"] = _doc(
    "Cosine embedding loss: :math:`1 - \\cos(x_1, x_2)` for pairs with target 1, "
    ":math:`\\max(0, \\cos(x_1, x_2) - \\mathrm{margin})` for target -1.",
    "input1, input2 (Tensor): :math:`(N, D)` or :math:`(D)`.\ntarget (Tensor): :math:`(N)` or scalar, of 1 and "
    f"-1.\nmargin (float): in [-1, 1]. Default: 0.\n{_REDUCTION}",
    "Returns:\n    Tensor: a scalar, or :math:`(N)` with ``reduction='none'``.", _IMPORTS + """
>>> a = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
>>> b = torch.tensor([[1.0, 1.0], [1.0, 1.0]])
>>> F.cosine_embedding_loss(a, b, torch.tensor([1.0, -1.0]), reduction='none')
tensor([0.2929, 0.7071])
""")
DOCS["margin_ranking_loss"] = _doc(
    "Margin ranking loss: :math:`\\max(0, -y (x_1 - x_2) + \\mathrm{margin})`, where :math:`y = 1` means "
    ":math:`x_1` should rank higher.",
    f"input1, input2 (Tensor): scores, same shape.\ntarget (Tensor): same shape, of 1 and -1.\n"
    f"margin (float): Default: 0.\n{_REDUCTION}",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> F.margin_ranking_loss(torch.tensor([1.0, 2.0]), torch.tensor([2.0, 1.0]), torch.tensor([1.0, 1.0]),
...                       margin=0.5, reduction='none')
tensor([1.5000, 0.0000])
""")
DOCS["hinge_embedding_loss"] = _doc(
    "Hinge embedding loss: :math:`x` where the target is 1, :math:`\\max(0, \\mathrm{margin} - x)` where it "
    "is -1 (``input`` is usually a distance).",
    f"input (Tensor): any shape.\ntarget (Tensor): same shape, of 1 and -1.\nmargin (float): Default: 1.\n"
    f"{_REDUCTION}", "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.",
    _IMPORTS + """
>>> F.hinge_embedding_loss(torch.tensor([0.3, 0.3, 2.0]), torch.tensor([1.0, -1.0, -1.0]), reduction='none')
tensor([0.3000, 0.7000, 0.0000])
""")
DOCS["triplet_margin_loss"] = _doc(
    "Triplet margin loss: :math:`\\max(d(a, p) - d(a, n) + \\mathrm{margin}, 0)` with the :math:`p`-norm "
    "distance :math:`d` (:func:`pairwise_distance`).",
    "anchor, positive, negative (Tensor): :math:`(N, D)` or :math:`(D)`.\nmargin (float): Default: 1.\n"
    "p (float): the norm degree. Default: 2.\neps (float): added inside the norm. Default: 1e-6.\n"
    "swap (bool): use the smaller of :math:`d(a, n)` and :math:`d(p, n)` (distance swap). Default: "
    f"``False``.\n{_REDUCTION}", "Returns:\n    Tensor: a scalar, or :math:`(N)` with ``reduction='none'``.",
    _IMPORTS + """
>>> a = torch.tensor([[0.0, 0.0]])
>>> F.triplet_margin_loss(a, torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.5]]))
tensor(0.5000)
""")

# ---------------------------------------------------------------------------------------------- sampling, dropout
_UP_ARGS = ("input (Tensor): :math:`(N, C, *)`.\nsize (int or tuple, optional): the output's spatial size.\n"
            "scale_factor (float or tuple, optional): multiplier of the spatial size (give ``size`` or this).")
DOCS["upsample"] = _doc(
    "Deprecated alias of :func:`interpolate` (torch warns that it is; so does npgrad).",
    _UP_ARGS + "\nmode (str): ``'nearest'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``, ``'trilinear'`` or "
    "``'area'``. Default: ``'nearest'``.\nalign_corners (bool, optional): as in :func:`interpolate`.",
    "Returns:\n    Tensor: the resampled input.", _IMPORTS + """
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     F.upsample(torch.tensor([[[1.0, 2.0]]]), scale_factor=2)
tensor([[[1., 1., 2., 2.]]])
""")
DOCS["upsample_nearest"] = _doc(
    "Deprecated: nearest-neighbour upsampling, :func:`interpolate` with ``mode='nearest'``.", _UP_ARGS,
    "Returns:\n    Tensor: the resampled input.", _IMPORTS + """
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     F.upsample_nearest(torch.tensor([[[[1.0, 2.0]]]]), scale_factor=2)
tensor([[[[1., 1., 2., 2.],
          [1., 1., 2., 2.]]]])
""")
DOCS["upsample_bilinear"] = _doc(
    "Deprecated: bilinear upsampling of an :math:`(N, C, H, W)` input, :func:`interpolate` with "
    "``mode='bilinear', align_corners=True``.", _UP_ARGS, "Returns:\n    Tensor: the resampled input.",
    _IMPORTS + """
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     F.upsample_bilinear(torch.tensor([[[[0.0, 2.0]]]]), size=(1, 3))
tensor([[[[0., 1., 2.]]]])
""")
DOCS["dropout2d"] = _doc(
    "Zeroes whole channels at random (each with probability ``p``) of an :math:`(N, C, H, W)` or "
    ":math:`(C, H, W)` input and scales the rest by :math:`1/(1-p)`.", _DROP.format("``True``"),
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> x = torch.ones(2, 3, 2, 2)
>>> F.dropout2d(x, 0.5, training=False) is x
True
>>> y = F.dropout2d(x, 0.5)
>>> set(y.flatten().tolist()) <= {0.0, 2.0}  # zeros, and ones scaled by 1 / (1 - p)
True
""")
DOCS["dropout3d"] = _doc(
    "Zeroes whole channels at random (each with probability ``p``) of an :math:`(N, C, D, H, W)` or "
    ":math:`(C, D, H, W)` input and scales the rest by :math:`1/(1-p)`.", _DROP.format("``True``"),
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> F.dropout3d(torch.ones(1, 4, 2, 2, 2), 0.25).shape
npgrad.Size([1, 4, 2, 2, 2])
""")


# ---------------------------------------------------------------------------------------------- more activations
DOCS["softsign"] = _doc(
    "Softsign, elementwise: :math:`x / (1 + |x|)`.", _INPUT, _POINTWISE, _IMPORTS + """
>>> F.softsign(torch.tensor([-3.0, 0.0, 1.0]))
tensor([-0.7500,  0.0000,  0.5000])
""")
DOCS["tanhshrink"] = _doc(
    "Tanh shrink, elementwise: :math:`x - \\tanh(x)`.", _INPUT, _POINTWISE, _IMPORTS + """
>>> F.tanhshrink(torch.tensor([-1.0, 0.0, 2.0]))
tensor([-0.2384,  0.0000,  1.0360])
""")
DOCS["gumbel_softmax"] = _doc(
    "Samples from the Gumbel-softmax distribution: :math:`\\mathrm{softmax}((\\mathrm{logits} + g) / \\tau)` with "
    "Gumbel noise :math:`g`; with ``hard=True`` the result is one-hot in forward while its gradient is the soft "
    "sample's (straight-through).",
    "logits (Tensor): unnormalised log-probabilities.\ntau (float): the temperature. Default: 1.\n"
    "hard (bool): return one-hot vectors. Default: ``False``.\neps (float): deprecated, unused (as in torch). "
    "Default: 1e-10.\ndim (int): the dimension of the categories. Default: -1.",
    "Returns:\n    Tensor: same shape as ``logits``, summing to 1 along ``dim`` (npgrad's random numbers differ "
    "from torch's).", _IMPORTS + """
>>> y = F.gumbel_softmax(torch.zeros(2, 4), tau=0.5, hard=True)
>>> y.sum(dim=-1)
tensor([1., 1.])
>>> sorted(set(y.flatten().tolist()))
[0.0, 1.0]
""")

# ---------------------------------------------------------------------------------------------- linear, conv
DOCS["linear"] = _doc(
    "Affine map :math:`y = x W^T + b`.",
    "input (Tensor): :math:`(*, \\mathrm{in\\_features})`.\nweight (Tensor): :math:`(\\mathrm{out\\_features}, "
    "\\mathrm{in\\_features})`.\nbias (Tensor, optional): :math:`(\\mathrm{out\\_features})`. Default: ``None``.",
    "Returns:\n    Tensor: :math:`(*, \\mathrm{out\\_features})`.", _IMPORTS + """
>>> x = torch.tensor([[1.0, 2.0]])
>>> F.linear(x, torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, -1.0]]), torch.tensor([0.0, 0.5, 1.0]))
tensor([[ 1.0000,  3.5000, -1.0000]])
""")
DOCS["conv_tbc"] = _doc(
    "1-D convolution in (time, batch, channel) layout (``torch.conv_tbc``).",
    "input (Tensor): :math:`(T, N, C_{in})`.\nweight (Tensor): :math:`(k, C_{in}, C_{out})`.\nbias (Tensor): "
    ":math:`(C_{out})`.\npad (int): zero padding at both ends of the time axis. Default: 0.",
    "Returns:\n    Tensor: :math:`(T + 2\\,\\mathrm{pad} - k + 1, N, C_{out})`.", _IMPORTS + """
>>> x = torch.arange(3.0).reshape(3, 1, 1)
>>> F.conv_tbc(x, torch.ones(2, 1, 1), torch.zeros(1)).flatten()
tensor([1., 3.])
""")
_FOLD = ("kernel_size (int or tuple): the block size.\ndilation (int or tuple): spacing between block elements. "
         "Default: 1.\npadding (int or tuple): implicit zero padding. Default: 0.\nstride (int or tuple): the step "
         "between blocks. Default: 1.")
DOCS["unfold"] = _doc(
    "Extracts sliding local blocks (im2col): each column of the result is one flattened block of the input.",
    f"input (Tensor): :math:`(N, C, H, W)` or :math:`(C, H, W)`.\n{_FOLD}",
    "Returns:\n    Tensor: :math:`(N, C \\prod k, L)` where :math:`L` is the number of blocks.", _IMPORTS + """
>>> F.unfold(torch.arange(9.0).reshape(1, 1, 3, 3), kernel_size=2)
tensor([[[0., 1., 3., 4.],
         [1., 2., 4., 5.],
         [3., 4., 6., 7.],
         [4., 5., 7., 8.]]])
""")
DOCS["fold"] = _doc(
    "Combines sliding local blocks into a tensor (col2im, the adjoint of :func:`unfold`): overlapping values are "
    "summed.", f"input (Tensor): :math:`(N, C \\prod k, L)`.\noutput_size (int or tuple): the spatial size of the "
    f"result.\n{_FOLD}", "Returns:\n    Tensor: :math:`(N, C, *output\\_size)`.", _IMPORTS + """
>>> F.fold(torch.ones(1, 4, 4), output_size=(3, 3), kernel_size=2)
tensor([[[[1., 2., 1.],
          [2., 4., 2.],
          [1., 2., 1.]]]])
""")
DOCS["lp_pool1d"] = _doc(
    "1-D power-average pooling: :math:`(\\sum_{window} x^p)^{1/p}` over each window.", _LP_ARGS,
    _POOL_OUT + ".", _IMPORTS + """
>>> F.lp_pool1d(torch.tensor([[[3.0, 4.0, 1.0, 1.0]]]), 2, 2)
tensor([[[5.0000, 1.4142]]])
""")

# --------------------------------------------------------------------------------------- normalisation, distances
DOCS["batch_norm"] = _doc(
    "Batch normalisation: each channel is normalised with the batch's mean and (biased) variance in training, or "
    "with ``running_mean``/``running_var`` in evaluation, then scaled by ``weight`` and shifted by ``bias``. In "
    "training the running statistics are updated in place: "
    ":math:`\\hat{x} \\leftarrow (1 - \\mathrm{momentum})\\hat{x} + \\mathrm{momentum}\\, x_t` (unbiased variance).",
    "input (Tensor): :math:`(N, C)` or :math:`(N, C, *)`.\nrunning_mean, running_var (Tensor or None): "
    ":math:`(C)`.\nweight, bias (Tensor, optional): :math:`(C)` affine parameters. Default: ``None``.\n"
    "training (bool): use (and update) the batch statistics. Default: ``False``.\nmomentum (float): Default: 0.1.\n"
    "eps (float): added to the variance. Default: 1e-5.", "Returns:\n    Tensor: same shape as ``input``.",
    _IMPORTS + """
>>> x = torch.tensor([[1.0, 10.0], [3.0, 30.0]])
>>> mean, var = torch.zeros(2), torch.ones(2)
>>> F.batch_norm(x, mean, var, training=True)
tensor([[-1.0000, -1.0000],
        [ 1.0000,  1.0000]])
>>> mean, var
(tensor([0.2000, 2.0000]), tensor([ 1.1000, 20.9000]))
""")
DOCS["local_response_norm"] = _doc(
    "Local response normalisation across channels: :math:`x_c / (k + \\frac{\\alpha}{n} \\sum_{c'} "
    "x_{c'}^2)^{\\beta}` over the ``size`` neighbouring channels :math:`c'`.",
    "input (Tensor): :math:`(N, C, *)`.\nsize (int): the number of neighbouring channels.\nalpha (float): "
    "Default: 1e-4.\nbeta (float): Default: 0.75.\nk (float): Default: 1.", "Returns:\n    Tensor: same shape as "
    "``input``.", _IMPORTS + """
>>> F.local_response_norm(torch.tensor([[[1.0], [2.0], [3.0]]]), size=2, alpha=1.0, beta=1.0)
tensor([[[0.6667],
         [0.5714],
         [0.4000]]])
""")
DOCS["normalize"] = _doc(
    ":math:`L_p` normalisation along ``dim``: :math:`v / \\max(\\|v\\|_p, \\epsilon)`.",
    "input (Tensor): any shape.\np (float): the norm's exponent. Default: 2.\ndim (int): the dimension to "
    "normalise. Default: 1.\neps (float): the smallest denominator. Default: 1e-12.\nout (Tensor, optional): the "
    "output tensor.", "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> F.normalize(torch.tensor([[3.0, 4.0], [1.0, 0.0]]))
tensor([[0.6000, 0.8000],
        [1.0000, 0.0000]])
>>> F.normalize(torch.tensor([[3.0, 4.0], [1.0, 0.0]]), p=1, dim=0)
tensor([[0.7500, 1.0000],
        [0.2500, 0.0000]])
""")
DOCS["pdist"] = _doc(
    ":math:`p`-norm distances between every pair of rows of an :math:`(N, M)` input: the upper triangle of the "
    "distance matrix, row by row (``torch.pdist``).",
    "input (Tensor): :math:`(N, M)`.\np (float): the norm degree. Default: 2.",
    "Returns:\n    Tensor: :math:`(N (N - 1) / 2)`.", _IMPORTS + """
>>> F.pdist(torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
tensor([5.0000, 1.0000, 4.2426])
""")

# ---------------------------------------------------------------------------------------------- more losses
_CLS_ARGS = ("input (Tensor): :math:`(N, C)`, :math:`(C)` or :math:`(N, C, d_1, \\dots)`.\n"
             "target (Tensor): class indices :math:`(N)` (int64, in :math:`[0, C)`), or with ``cross_entropy`` "
             "class probabilities of the input's shape.\nweight (Tensor, optional): :math:`(C)`, a weight per "
             "class. Default: ``None``.\nignore_index (int): a target value that contributes nothing (and is not "
             "counted by ``'mean'``). Default: -100.\n" + _REDUCTION)
DOCS["nll_loss"] = _doc(
    "Negative log likelihood loss: :math:`-w_{y_n} x_{n, y_n}` for log-probabilities ``input`` (the output of "
    ":func:`log_softmax`); ``'mean'`` divides by the sum of the weights used.", _CLS_ARGS,
    "Returns:\n    Tensor: a scalar, or :math:`(N, ...)` with ``reduction='none'``.", _IMPORTS + """
>>> logp = F.log_softmax(torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), dim=1)
>>> F.nll_loss(logp, torch.tensor([0, 2]))
tensor(0.8955)
>>> F.nll_loss(logp, torch.tensor([0, 2]), reduction='none')
tensor([0.2395, 1.5514])
""")
DOCS["cross_entropy"] = _doc(
    "Cross entropy between logits and targets: :func:`nll_loss` of :func:`log_softmax` for class indices; for "
    "class probabilities :math:`-\\sum_c y_c \\log \\mathrm{softmax}(x)_c`. ``label_smoothing`` mixes the target "
    "with the uniform distribution.",
    _CLS_ARGS + "\nlabel_smoothing (float): in [0, 1]. Default: 0.",
    "Returns:\n    Tensor: a scalar, or :math:`(N, ...)` with ``reduction='none'``.", _IMPORTS + """
>>> logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]], requires_grad=True)
>>> loss = F.cross_entropy(logits, torch.tensor([0, 2]))
>>> loss
tensor(0.8955, grad_fn=<NllLossBackward0>)
>>> loss.backward()
>>> logits.grad
tensor([[-0.1065,  0.0533,  0.0533],
        [ 0.1060,  0.2881, -0.3940]])
>>> F.cross_entropy(logits, torch.tensor([0, 2]), label_smoothing=0.1)
tensor(0.9455, grad_fn=<AddBackward0>)
""")
DOCS["binary_cross_entropy"] = _doc(
    "Binary cross entropy between probabilities and targets: :math:`-w [y \\log x + (1 - y) \\log(1 - x)]`, each "
    "log clamped at -100 (as torch). Prefer :func:`binary_cross_entropy_with_logits` on logits.",
    "input (Tensor): probabilities in [0, 1], any shape.\ntarget (Tensor): same shape, in [0, 1].\nweight (Tensor, "
    f"optional): rescales each element's loss (broadcast). Default: ``None``.\n{_REDUCTION}",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> F.binary_cross_entropy(torch.tensor([0.9, 0.2, 0.5]), torch.tensor([1.0, 0.0, 1.0]))
tensor(0.3406)
""")
DOCS["l1_loss"] = _doc(
    "Mean absolute error: :math:`|x - y|` per element, reduced.",
    f"input (Tensor): predictions.\ntarget (Tensor): same shape.\n{_REDUCTION}\nweight (Tensor, optional): "
    "per-element weights. Default: ``None``.",
    "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> F.l1_loss(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 0.0, 4.0]))
tensor(1.)
""")
DOCS["gaussian_nll_loss"] = _doc(
    "Gaussian negative log likelihood: :math:`\\frac{1}{2}(\\log \\max(\\sigma^2, \\epsilon) + "
    "\\frac{(x - y)^2}{\\max(\\sigma^2, \\epsilon)})` (plus :math:`\\frac{1}{2}\\log 2\\pi` with ``full``), where "
    "``input`` is the predicted mean and ``var`` the predicted variance.",
    "input (Tensor): :math:`(N, *)`, the means.\ntarget (Tensor): same shape.\nvar (Tensor): same shape, or one "
    "dimension fewer/of size 1 (homoscedastic), positive.\nfull (bool): add the constant. Default: ``False``.\n"
    "eps (float): clamps ``var``. Default: 1e-6.\nreduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: "
    "``'mean'``.", "Returns:\n    Tensor: a scalar, or the input's shape with ``reduction='none'``.", _IMPORTS + """
>>> F.gaussian_nll_loss(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 1.0]), torch.tensor([1.0, 2.0]), reduction='none')
tensor([0.5000, 0.3466])
""")
DOCS["multi_margin_loss"] = _doc(
    "Multi-class hinge loss: :math:`\\frac{1}{C}\\sum_{i \\ne y} \\max(0, \\mathrm{margin} - x_y + x_i)^p` per "
    "sample.", "input (Tensor): :math:`(N, C)` or :math:`(C)`.\ntarget (Tensor): :math:`(N)` class indices.\n"
    "p (int): 1 or 2. Default: 1.\nmargin (float): Default: 1.\nweight (Tensor, optional): :math:`(C)`. "
    f"Default: ``None``.\n{_REDUCTION}", "Returns:\n    Tensor: a scalar, or :math:`(N)` with ``reduction='none'``.",
    _IMPORTS + """
>>> F.multi_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3]))
tensor(0.3250)
""")
DOCS["multilabel_margin_loss"] = _doc(
    "Multi-label hinge loss: :math:`\\sum_{j \\in y} \\sum_{i \\notin y} \\max(0, 1 - (x_j - x_i)) / C` per sample; "
    "``target`` lists the sample's classes, ended by the first -1.",
    "input (Tensor): :math:`(N, C)` or :math:`(C)`.\ntarget (Tensor): int64, same shape, class indices padded with "
    f"-1.\n{_REDUCTION}", "Returns:\n    Tensor: a scalar, or :math:`(N)` with ``reduction='none'``.",
    _IMPORTS + """
>>> F.multilabel_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([[3, 0, -1, 1]]))
tensor(0.8500)
""")
DOCS["multilabel_soft_margin_loss"] = _doc(
    "Multi-label one-versus-all logistic loss: :math:`-\\frac{1}{C}\\sum_c [y_c \\log \\sigma(x_c) + (1 - y_c) "
    "\\log \\sigma(-x_c)]` per sample.",
    "input (Tensor): :math:`(N, C)`.\ntarget (Tensor): :math:`(N, C)` of 0 and 1.\nweight (Tensor, optional): "
    f":math:`(C)`. Default: ``None``.\n{_REDUCTION}",
    "Returns:\n    Tensor: a scalar, or :math:`(N)` with ``reduction='none'``.", _IMPORTS + """
>>> F.multilabel_soft_margin_loss(torch.tensor([[2.0, -1.0, 0.0]]), torch.tensor([[1.0, 0.0, 1.0]]))
tensor(0.3778)
""")
DOCS["triplet_margin_with_distance_loss"] = _doc(
    "Triplet margin loss with a custom distance: :math:`\\max(d(a, p) - d(a, n) + \\mathrm{margin}, 0)`.",
    "anchor, positive, negative (Tensor): batches of embeddings.\ndistance_function (callable, optional): "
    "``d(x, y)`` returning a tensor of distances. Default: :func:`pairwise_distance`.\nmargin (float): Default: "
    "1.\nswap (bool): use the smaller of :math:`d(a, n)` and :math:`d(p, n)`. Default: ``False``.\nreduction "
    "(str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.",
    "Returns:\n    Tensor: a scalar, or :math:`(N)` with ``reduction='none'``.", _IMPORTS + """
>>> a, p, n = torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.5]])
>>> F.triplet_margin_with_distance_loss(a, p, n, distance_function=lambda x, y: (x - y).abs().sum(-1))
tensor(0.5000)
""")
DOCS["ctc_loss"] = _doc(
    "Connectionist temporal classification loss: the negative log likelihood of each target sequence summed over "
    "all its alignments with the input frames (``'mean'`` divides each by its target length, then averages).",
    "log_probs (Tensor): :math:`(T, N, C)` or :math:`(T, C)`, log-probabilities (:func:`log_softmax`).\n"
    "targets (Tensor): :math:`(N, S)` padded, or the targets concatenated, never ``blank``.\ninput_lengths "
    "(Tensor or tuple): :math:`(N)`, each :math:`\\le T`.\ntarget_lengths (Tensor or tuple): :math:`(N)`.\n"
    "blank (int): the blank label. Default: 0.\nreduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: "
    "``'mean'``.\nzero_infinity (bool): zero the infinite losses (impossible alignments) and their gradients. "
    "Default: ``False``.", "Returns:\n    Tensor: a scalar, or :math:`(N)` with ``reduction='none'``.",
    _IMPORTS + """
>>> log_probs = torch.full((2, 1, 2), 0.5).log()
>>> F.ctc_loss(log_probs, torch.tensor([[1]]), (2,), (1,), reduction='sum')
tensor(0.2877)
""")

# ---------------------------------------------------------------------------------------------- the rest
DOCS["pad"] = _doc(
    "Pads ``input``: ``pad`` gives (before, after) sizes for the last dimensions, last dimension first "
    "(``(left, right, top, bottom, ...)``); negative sizes crop.",
    "input (Tensor): any shape.\npad (tuple of ints): an even number of sizes.\nmode (str): ``'constant'``, "
    "``'reflect'``, ``'replicate'`` or ``'circular'``. Default: ``'constant'``.\nvalue (float, optional): the "
    "fill of ``'constant'``. Default: 0.", "Returns:\n    Tensor: the padded tensor.", _IMPORTS + """
>>> x = torch.tensor([[1.0, 2.0, 3.0]])
>>> F.pad(x, (1, 2))
tensor([[0., 1., 2., 3., 0., 0.]])
>>> F.pad(x, (2, 0), mode='reflect')
tensor([[3., 2., 1., 2., 3.]])
>>> F.pad(x, (0, 0, 1, 0), value=-1.0)
tensor([[-1., -1., -1.],
        [ 1.,  2.,  3.]])
""")
DOCS["interpolate"] = _doc(
    "Resamples ``input`` to ``size`` (or by ``scale_factor``) over its spatial dimensions.",
    "input (Tensor): :math:`(N, C, *)` with 1 to 3 spatial dimensions.\nsize (int or tuple, optional): the "
    "output's spatial size.\nscale_factor (float or tuple, optional): multiplier of the spatial size.\nmode (str): "
    "``'nearest'``, ``'nearest-exact'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``, ``'trilinear'`` or "
    "``'area'``. Default: ``'nearest'``.\nalign_corners (bool, optional): for the linear modes, whether the corner "
    "pixels' centres are aligned. Default: ``False``.\nrecompute_scale_factor (bool, optional): compute the output "
    "size from ``scale_factor`` and use it for the sampling. Default: ``None``.\nantialias (bool): anti-aliasing "
    "when downsampling (bilinear, bicubic). Default: ``False``.",
    "Returns:\n    Tensor: :math:`(N, C, *size)`.", _IMPORTS + """
>>> x = torch.tensor([[[1.0, 2.0, 4.0]]])
>>> F.interpolate(x, scale_factor=2)
tensor([[[1., 1., 2., 2., 4., 4.]]])
>>> F.interpolate(x, size=5, mode='linear', align_corners=True)
tensor([[[1.0000, 1.5000, 2.0000, 3.0000, 4.0000]]])
>>> F.interpolate(torch.arange(4.0).reshape(1, 1, 2, 2), size=(3, 3), mode='bilinear')
tensor([[[[0.0000, 0.5000, 1.0000],
          [1.0000, 1.5000, 2.0000],
          [2.0000, 2.5000, 3.0000]]]])
""")
DOCS["grid_sample"] = _doc(
    "Samples ``input`` at the normalised coordinates of ``grid`` (:math:`[-1, 1]` spans the input), as used by "
    "spatial transformer networks.",
    "input (Tensor): :math:`(N, C, H, W)` (or 5-D).\ngrid (Tensor): :math:`(N, H_{out}, W_{out}, 2)`, the "
    "``(x, y)`` coordinates.\nmode (str): ``'bilinear'``, ``'nearest'`` or ``'bicubic'``. Default: "
    "``'bilinear'``.\npadding_mode (str): ``'zeros'``, ``'border'`` or ``'reflection'``. Default: ``'zeros'``.\n"
    "align_corners (bool, optional): -1 and 1 are the corner pixels' centres (else their outer edges). Default: "
    "``False``.", "Returns:\n    Tensor: :math:`(N, C, H_{out}, W_{out})`.", _IMPORTS + """
>>> x = torch.arange(4.0).reshape(1, 1, 2, 2)
>>> grid = torch.tensor([[[[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]]]])
>>> F.grid_sample(x, grid, align_corners=True)
tensor([[[[0.0000, 1.5000, 3.0000]]]])
""")
DOCS["affine_grid"] = _doc(
    "The sampling grid of an affine transform ``theta`` (for :func:`grid_sample`): the normalised output "
    "coordinates, transformed.",
    "theta (Tensor): :math:`(N, 2, 3)` (or :math:`(N, 3, 4)` for 3-D).\nsize (tuple): the output size "
    ":math:`(N, C, H, W)` (or 5-D).\nalign_corners (bool, optional): as in :func:`grid_sample`. Default: "
    "``False``.", "Returns:\n    Tensor: :math:`(N, H, W, 2)` (or :math:`(N, D, H, W, 3)`).", _IMPORTS + """
>>> theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
>>> F.affine_grid(theta, (1, 1, 2, 2), align_corners=True)
tensor([[[[-1., -1.],
          [ 1., -1.]],
<BLANKLINE>
         [[-1.,  1.],
          [ 1.,  1.]]]])
""")
DOCS["channel_shuffle"] = _doc(
    "Shuffles the channels of :math:`(N, C, *)`: splits them into ``groups`` groups and interleaves them "
    "(ShuffleNet).", "input (Tensor): :math:`(N, C, *)`.\ngroups (int): divides :math:`C`.",
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> F.channel_shuffle(torch.arange(4.0).reshape(1, 4, 1), 2).flatten()
tensor([0., 2., 1., 3.])
""")
DOCS["native_channel_shuffle"] = _doc(
    "The same as :func:`channel_shuffle` (torch's native kernel entry point).",
    "input (Tensor): :math:`(N, C, *)`.\ngroups (int): divides :math:`C`.",
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> F.native_channel_shuffle(torch.arange(6.0).reshape(1, 6, 1), 3).flatten()
tensor([0., 2., 4., 1., 3., 5.])
""")
DOCS["dropout1d"] = _doc(
    "Zeroes whole channels at random (each with probability ``p``) of an :math:`(N, C, L)` or :math:`(C, L)` "
    "input and scales the rest by :math:`1/(1-p)`.", _DROP.format("``True``"),
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> y = F.dropout1d(torch.ones(1, 4, 3), 0.5)
>>> bool(((y == 0) | (y == 2)).all())
True
""")
DOCS["embedding"] = _doc(
    "Looks up rows of an embedding matrix: row ``weight[i]`` for each index ``i`` of ``input``. The row at "
    "``padding_idx`` gets no gradient; ``max_norm`` renormalises the looked-up rows in place first.",
    "input (Tensor): int64 indices, any shape.\nweight (Tensor): :math:`(V, D)`.\npadding_idx (int, optional): "
    "Default: ``None``.\nmax_norm (float, optional): Default: ``None``.\nnorm_type (float): the norm for "
    "``max_norm``. Default: 2.\nscale_grad_by_freq (bool): divide each row's gradient by its count in the batch. "
    "Default: ``False``.\nsparse (bool): sparse gradient for ``weight`` in torch; npgrad gives a dense one. "
    "Default: ``False``.", "Returns:\n    Tensor: :math:`(*, D)`.", _IMPORTS + """
>>> weight = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 4.0]])
>>> F.embedding(torch.tensor([[2, 1], [0, 2]]), weight)
tensor([[[2., 4.],
         [1., 1.]],
<BLANKLINE>
        [[0., 0.],
         [2., 4.]]])
""")
DOCS["embedding_bag"] = _doc(
    "Sums, means or maxima of bags of embeddings without materialising them: bag :math:`b` holds the indices "
    "``input[offsets[b]:offsets[b + 1]]`` (or the rows of a 2-D ``input``).",
    "input (Tensor): int64 indices, 1-D with ``offsets`` or 2-D (one bag per row).\nweight (Tensor): "
    ":math:`(V, D)`.\noffsets (Tensor, optional): the start of each bag in a 1-D ``input``.\nmax_norm, norm_type, "
    "scale_grad_by_freq, sparse: as in :func:`embedding`.\nmode (str): ``'sum'``, ``'mean'`` or ``'max'``. Default: "
    "``'mean'``.\nper_sample_weights (Tensor, optional): weights of the indices (``'sum'`` only).\n"
    "include_last_offset (bool): ``offsets`` has one more entry, the end. Default: ``False``.\npadding_idx (int, "
    "optional): an index left out of the bags. Default: ``None``.", "Returns:\n    Tensor: :math:`(B, D)`.",
    _IMPORTS + """
>>> weight = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 4.0]])
>>> F.embedding_bag(torch.tensor([0, 1, 2, 2]), weight, torch.tensor([0, 3]), mode='sum')
tensor([[3., 5.],
        [2., 4.]])
""")
DOCS["one_hot"] = _doc(
    "One-hot encoding: a trailing dimension of size ``num_classes`` with a 1 at each index.",
    "tensor (Tensor): int64 class indices, any shape.\nnum_classes (int): -1 (the default) uses the largest "
    "index + 1.", "Returns:\n    Tensor: int64, :math:`(*, \\mathrm{num\\_classes})`.", _IMPORTS + """
>>> F.one_hot(torch.tensor([0, 2, 1]))
tensor([[1, 0, 0],
        [0, 0, 1],
        [0, 1, 0]])
>>> F.one_hot(torch.tensor([1]), num_classes=4)
tensor([[0, 1, 0, 0]])
""")
DOCS["scaled_dot_product_attention"] = _doc(
    "Scaled dot-product attention: :math:`\\mathrm{softmax}(Q K^T \\cdot \\mathrm{scale} + M) V`, with an "
    "optional mask :math:`M` (boolean: where attention is allowed; float: added), a causal mask, and dropout on "
    "the attention weights.",
    "query (Tensor): :math:`(*, L, E)`.\nkey (Tensor): :math:`(*, S, E)`.\nvalue (Tensor): :math:`(*, S, E_v)`.\n"
    "attn_mask (Tensor, optional): broadcastable to :math:`(*, L, S)`. Default: ``None``.\ndropout_p (float): "
    "Default: 0.\nis_causal (bool): mask the future (upper triangle). Default: ``False``.\nscale (float, optional): "
    "Default: :math:`1/\\sqrt{E}`.\nenable_gqa (bool): grouped-query attention (fewer key/value heads). Default: "
    "``False``.", "Returns:\n    Tensor: :math:`(*, L, E_v)`.", _IMPORTS + """
>>> q = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
>>> k = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
>>> v = torch.tensor([[[1.0, 2.0], [3.0, 4.0]]])
>>> F.scaled_dot_product_attention(q, k, v, is_causal=True)
tensor([[[1.0000, 2.0000],
         [2.3395, 3.3395]]])
""")
DOCS["multi_head_attention_forward"] = _doc(
    "The forward pass of :class:`npgrad.nn.MultiheadAttention` as a function: input projections, scaled "
    "dot-product attention per head, output projection. Tensors are :math:`(L, N, E)` (sequence first) or "
    "unbatched :math:`(L, E)`.",
    "query, key, value (Tensor): the inputs.\nembed_dim_to_check (int): :math:`E`.\nnum_heads (int): divides "
    ":math:`E`.\nin_proj_weight, in_proj_bias (Tensor): the packed q/k/v projections :math:`(3E, E)`, "
    ":math:`(3E)`.\nbias_k, bias_v (Tensor or None): biases appended to key/value.\nadd_zero_attn (bool): append "
    "a zero key/value.\ndropout_p (float): dropout on the attention weights.\nout_proj_weight, out_proj_bias "
    "(Tensor): the output projection.\ntraining (bool): apply dropout. Default: ``True``.\nkey_padding_mask, "
    "attn_mask (Tensor, optional): masks, as in :class:`npgrad.nn.MultiheadAttention`.\nneed_weights (bool): "
    "return the attention weights. Default: ``True``.\nuse_separate_proj_weight (bool): use q/k/v_proj_weight "
    "instead of the packed one. Default: ``False``.\nq_proj_weight, k_proj_weight, v_proj_weight (Tensor, "
    "optional).\nstatic_k, static_v (Tensor, optional): precomputed keys/values.\naverage_attn_weights (bool): "
    "average the weights over the heads. Default: ``True``.\nis_causal (bool): a hint that ``attn_mask`` is "
    "causal. Default: ``False``.",
    "Returns:\n    (Tensor, Tensor or None): the output :math:`(L, N, E)` and the attention weights.",
    _IMPORTS + """
>>> E = 2
>>> x = torch.tensor([[[1.0, 0.0]], [[0.0, 1.0]]])
>>> out, w = F.multi_head_attention_forward(x, x, x, E, 1, torch.eye(E).repeat(3, 1), torch.zeros(3 * E),
...                                         None, None, False, 0.0, torch.eye(E), torch.zeros(E))
>>> out.shape, w.shape
(npgrad.Size([2, 1, 2]), npgrad.Size([1, 2, 2]))
>>> w.sum(dim=-1)
tensor([[1., 1.]])
""")


def apply(ns):
    """Attach the docstrings to the functions of ``ns`` (nn.functional's globals)."""
    _apply(ns, DOCS, "npgrad.nn.functional")
