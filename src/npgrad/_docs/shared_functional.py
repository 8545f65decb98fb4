"""Docstrings of the functions ``npgrad`` and ``npgrad.nn.functional`` share (``npgrad.celu`` is
``nn.functional.celu``), attached by ``npgrad/__init__`` so that ``npgrad.celu.__doc__`` is there right after
``import npgrad`` (``nn`` is imported lazily). ``nn/_functional_docs.py`` takes this table into its own, so each
docstring is written once, here. Every example is a doctest (tests/docs/test_doctests.py) whose printed output is
torch 2.13's for the same code; the examples call the functions through ``F`` as the ``nn.functional`` page shows
them (``F.celu is torch.celu``).
"""
from .._docfmt import doc as _doc, apply as _apply

DOCS = {}

_IMPORTS = ">>> import npgrad as torch\n>>> import npgrad.nn.functional as F\n"
_INPUT = "input (Tensor): the input tensor."
_INPLACE = "inplace (bool): if ``True``, overwrite ``input`` and return it. Default: ``False``."
_POINTWISE = "Shape:\n    Input: :math:`(*)`, any number of dimensions. Output: :math:`(*)`, same shape as the input."


def _inplace_of(name: str) -> tuple[str, str, str]:
    return (f"In-place version of :func:`{name}`: overwrites ``input`` and returns it (the other arguments are "
            f":func:`{name}`'s).", _INPUT, "Returns:\n    Tensor: ``input`` itself.")


DOCS["relu_"] = _doc(*_inplace_of("relu"), _IMPORTS + """
>>> x = torch.tensor([-1.0, 0.5])
>>> F.relu_(x)
tensor([0.0000, 0.5000])
>>> x
tensor([0.0000, 0.5000])
""")
DOCS["selu"] = _doc(
    "Scaled ELU, elementwise: :math:`\\lambda\\,\\mathrm{elu}(x, \\alpha)` with torch's constants "
    ":math:`\\lambda \\approx 1.0507`, :math:`\\alpha \\approx 1.6733` (self-normalising networks).",
    f"{_INPUT}\n{_INPLACE}", _POINTWISE, _IMPORTS + """
>>> F.selu(torch.tensor([-1.0, 0.0, 1.0]))
tensor([-1.1113,  0.0000,  1.0507])
""")
DOCS["selu_"] = _doc(*_inplace_of("selu"), _IMPORTS + """
>>> x = torch.tensor([-1.0, 1.0])
>>> _ = F.selu_(x)
>>> x
tensor([-1.1113,  1.0507])
""")
DOCS["celu"] = _doc(
    "Continuously differentiable ELU, elementwise: :math:`\\max(0, x) + \\min(0, \\alpha (e^{x/\\alpha} - 1))`.",
    f"{_INPUT}\nalpha (float): the scale of the negative part (not 0). Default: 1.\n{_INPLACE}",
    _POINTWISE, _IMPORTS + """
>>> F.celu(torch.tensor([-1.0, 2.0]), alpha=2.0)
tensor([-0.7869,  2.0000])
""")
DOCS["celu_"] = _doc(*_inplace_of("celu"), _IMPORTS + """
>>> x = torch.tensor([-1.0, 2.0])
>>> _ = F.celu_(x)
>>> x
tensor([-0.6321,  2.0000])
""")
DOCS["threshold_"] = _doc(*_inplace_of("threshold"), _IMPORTS + """
>>> x = torch.tensor([0.1, 2.0])
>>> _ = F.threshold_(x, 0.5, 0.0)
>>> x
tensor([0., 2.])
""")
DOCS["prelu"] = _doc(
    "Parametric ReLU, elementwise: :math:`\\max(0, x) + w \\min(0, x)`, with a learnable slope ``weight`` "
    "(one value, or one per channel: dim 1 of the input).",
    f"{_INPUT}\nweight (Tensor): the slopes, of one element or of the input's channel count.", _POINTWISE,
    _IMPORTS + """
>>> F.prelu(torch.tensor([[-1.0, 2.0], [-3.0, 4.0]]), torch.tensor([0.5, 0.1]))
tensor([[-0.5000,  2.0000],
        [-1.5000,  4.0000]])
""")
DOCS["rrelu_"] = _doc(
    "In-place randomized leaky ReLU (see :func:`rrelu`): in training the slope of each negative element is drawn "
    "from :math:`U(\\mathrm{lower}, \\mathrm{upper})`; in evaluation it is their mean.",
    f"{_INPUT}\nlower (float): lower bound of the slope. Default: 1/8.\nupper (float): upper bound of the slope. "
    "Default: 1/3.\ntraining (bool): draw random slopes. Default: ``False``.", "Returns:\n    Tensor: ``input``.",
    _IMPORTS + """
>>> x = torch.tensor([-2.0, 1.0])
>>> _ = F.rrelu_(x, lower=0.25, upper=0.25)
>>> x
tensor([-0.5000,  1.0000])
""")
_CONV_ARGS = ("input (Tensor): :math:`(N, C_{in}, *)` or unbatched :math:`(C_{in}, *)`.\n"
              "weight (Tensor): the filters, :math:`(C_{out}, C_{in} / groups, *k)`.\n"
              "bias (Tensor, optional): :math:`(C_{out})`. Default: ``None``.\n"
              "stride (int or tuple): the step of the window. Default: 1.\n"
              "padding (int, tuple or str): implicit zero padding on both sides, or ``'valid'``/``'same'``. "
              "Default: 0.\n"
              "dilation (int or tuple): spacing between kernel elements. Default: 1.\n"
              "groups (int): split the channels into this many groups. Default: 1.")
DOCS["conv3d"] = _doc(
    "3-D cross-correlation over an :math:`(N, C_{in}, D, H, W)` input.", _CONV_ARGS,
    "Returns:\n    Tensor: :math:`(N, C_{out}, D_{out}, H_{out}, W_{out})`, each spatial size "
    ":math:`\\lfloor (L + 2p - d(k - 1) - 1) / s \\rfloor + 1`.", _IMPORTS + """
>>> F.conv3d(torch.ones(1, 1, 3, 3, 3), torch.ones(2, 1, 2, 2, 2)).shape
npgrad.Size([1, 2, 2, 2, 2])
>>> F.conv3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2), bias=torch.tensor([0.5]))
tensor([[[[[8.5000]]]]])
""")
_CONVT_ARGS = ("input (Tensor): :math:`(N, C_{in}, *)` or unbatched :math:`(C_{in}, *)`.\n"
               "weight (Tensor): :math:`(C_{in}, C_{out} / groups, *k)`.\n"
               "bias (Tensor, optional): :math:`(C_{out})`. Default: ``None``.\n"
               "stride (int or tuple): the stride of the (forward) convolution this transposes. Default: 1.\n"
               "padding (int or tuple): removes ``dilation * (k - 1) - padding`` ... the forward conv's padding "
               "from both sides of the output. Default: 0.\n"
               "output_padding (int or tuple): extra size added to one side of the output. Default: 0.\n"
               "groups (int): channel groups. Default: 1.\ndilation (int or tuple): kernel spacing. Default: 1.")
_CONVT_ARGS = _CONVT_ARGS.replace("removes ``dilation * (k - 1) - padding`` ... the forward conv's padding",
                                  "the forward convolution's padding, removed")
DOCS["conv_transpose1d"] = _doc(
    "1-D transposed convolution (the gradient of :func:`conv1d` with respect to its input), over "
    ":math:`(N, C_{in}, L)`.", _CONVT_ARGS,
    "Returns:\n    Tensor: :math:`(N, C_{out}, L_{out})`, "
    ":math:`L_{out} = (L - 1)s - 2p + d(k - 1) + \\mathrm{output\\_padding} + 1`.", _IMPORTS + """
>>> F.conv_transpose1d(torch.tensor([[[1.0, 2.0]]]), torch.tensor([[[1.0, 1.0, 1.0]]]))
tensor([[[1., 3., 3., 2.]]])
>>> F.conv_transpose1d(torch.ones(1, 1, 3), torch.ones(1, 2, 2), stride=2).shape
npgrad.Size([1, 2, 6])
""")
DOCS["conv_transpose3d"] = _doc(
    "3-D transposed convolution (the gradient of :func:`conv3d` with respect to its input), over "
    ":math:`(N, C_{in}, D, H, W)`.", _CONVT_ARGS,
    "Returns:\n    Tensor: :math:`(N, C_{out}, D_{out}, H_{out}, W_{out})`, each size "
    ":math:`(L - 1)s - 2p + d(k - 1) + \\mathrm{output\\_padding} + 1`.", _IMPORTS + """
>>> F.conv_transpose3d(torch.ones(1, 2, 2, 2, 2), torch.ones(2, 3, 2, 2, 2), stride=2).shape
npgrad.Size([1, 3, 4, 4, 4])
""")
_POOL_ARGS = ("input (Tensor): :math:`(N, C, *)` or unbatched :math:`(C, *)`.\n"
              "kernel_size (int or tuple): the window size.\n"
              "stride (int or tuple, optional): the window step. Default: ``kernel_size``.\n"
              "padding (int or tuple): implicit padding on both sides (at most half the kernel). Default: 0.\n")
_MAXPOOL_ARGS = (_POOL_ARGS + "dilation (int or tuple): spacing between window elements. Default: 1.\n"
                 "ceil_mode (bool): round the output size up instead of down. Default: ``False``.\n"
                 "return_indices (bool): also return the flat (per-plane) indices of the maxima, for "
                 ":func:`max_unpool2d` and friends. Default: ``False``.")
_AVGPOOL_ARGS = (_POOL_ARGS + "ceil_mode (bool): round the output size up instead of down. Default: ``False``.\n"
                 "count_include_pad (bool): count the zero padding in the average. Default: ``True``.")
_POOL_OUT = ("Returns:\n    Tensor: :math:`(N, C, *_{out})`, each spatial size "
             ":math:`\\lfloor (L + 2p - d(k - 1) - 1) / s \\rfloor + 1` (``ceil`` with ``ceil_mode``)")
DOCS["max_pool1d"] = _doc(
    "1-D max pooling over an :math:`(N, C, L)` input.", _MAXPOOL_ARGS,
    _POOL_OUT + "; with ``return_indices``, ``(output, indices)``.", _IMPORTS + """
>>> x = torch.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]])
>>> F.max_pool1d(x, 2)
tensor([[[3., 5.]]])
>>> F.max_pool1d(x, 3, stride=1, return_indices=True)
(tensor([[[3., 5., 5.]]]), tensor([[[1, 3, 3]]]))
""")
DOCS["max_pool3d"] = _doc(
    "3-D max pooling over an :math:`(N, C, D, H, W)` input.", _MAXPOOL_ARGS,
    _POOL_OUT + "; with ``return_indices``, ``(output, indices)``.", _IMPORTS + """
>>> x = torch.arange(8.0).reshape(1, 1, 2, 2, 2)
>>> F.max_pool3d(x, 2)
tensor([[[[[7.]]]]])
>>> F.max_pool3d(torch.ones(1, 2, 4, 4, 4), kernel_size=2, stride=1).shape
npgrad.Size([1, 2, 3, 3, 3])
""")
for _d in ("1", "2", "3"):
    DOCS[f"max_pool{_d}d_with_indices"] = _doc(
        f"{_d}-D max pooling that always returns ``(output, indices)``: :func:`max_pool{_d}d` with "
        "``return_indices=True``.", _MAXPOOL_ARGS,
        "Returns:\n    (Tensor, Tensor): the pooled values and the int64 flat indices of the maxima in each "
        "input plane.", _IMPORTS + {"1": """
>>> F.max_pool1d_with_indices(torch.tensor([[[1.0, 3.0, 2.0, 5.0]]]), 2)
(tensor([[[3., 5.]]]), tensor([[[1, 3]]]))
""", "2": """
>>> out, idx = F.max_pool2d_with_indices(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
>>> out
tensor([[[[ 5.,  7.],
          [13., 15.]]]])
>>> idx
tensor([[[[ 5,  7],
          [13, 15]]]])
""", "3": """
>>> out, idx = F.max_pool3d_with_indices(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
>>> idx
tensor([[[[[7]]]]])
"""}[_d])
DOCS["avg_pool1d"] = _doc(
    "1-D average pooling over an :math:`(N, C, L)` input.", _AVGPOOL_ARGS, _POOL_OUT + ".", _IMPORTS + """
>>> x = torch.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]])
>>> F.avg_pool1d(x, 2)
tensor([[[1.5000, 3.5000]]])
>>> F.avg_pool1d(x, 3, stride=2, padding=1)
tensor([[[1., 3., 3.]]])
""")
_ADAPT = ("input (Tensor): :math:`(N, C, *)` or unbatched :math:`(C, *)`.\n"
          "output_size (int or tuple): the output's spatial size (``None`` in a tuple keeps that input size).")
_ADAPT_EX = {"avg1": """
>>> F.adaptive_avg_pool1d(torch.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]]]), 2)
tensor([[[2., 4.]]])
""", "avg2": """
>>> F.adaptive_avg_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), 2)
tensor([[[[ 2.5000,  4.5000],
          [10.5000, 12.5000]]]])
>>> F.adaptive_avg_pool2d(torch.ones(2, 3, 7, 9), (1, None)).shape
npgrad.Size([2, 3, 1, 9])
""", "avg3": """
>>> F.adaptive_avg_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 1)
tensor([[[[[3.5000]]]]])
""", "max1": """
>>> F.adaptive_max_pool1d(torch.tensor([[[1.0, 5.0, 3.0, 2.0, 4.0]]]), 2)
tensor([[[5., 4.]]])
>>> F.adaptive_max_pool1d(torch.tensor([[[1.0, 5.0, 3.0, 2.0, 4.0]]]), 2, return_indices=True)
(tensor([[[5., 4.]]]), tensor([[[1, 4]]]))
""", "max2": """
>>> F.adaptive_max_pool2d(torch.arange(16.0).reshape(1, 1, 4, 4), (1, 2))
tensor([[[[13., 15.]]]])
""", "max3": """
>>> F.adaptive_max_pool3d(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 1)
tensor([[[[[7.]]]]])
""", "maxi1": """
>>> F.adaptive_max_pool1d_with_indices(torch.tensor([[[1.0, 5.0, 3.0, 2.0, 4.0]]]), 2)
(tensor([[[5., 4.]]]), tensor([[[1, 4]]]))
""", "maxi2": """
>>> F.adaptive_max_pool2d_with_indices(torch.arange(16.0).reshape(1, 1, 4, 4), (1, 2))
(tensor([[[[13., 15.]]]]), tensor([[[[13, 15]]]]))
""", "maxi3": """
>>> F.adaptive_max_pool3d_with_indices(torch.arange(8.0).reshape(1, 1, 2, 2, 2), 1)
(tensor([[[[[7.]]]]]), tensor([[[[[7]]]]]))
"""}
for _d in ("1", "2", "3"):
    DOCS[f"adaptive_avg_pool{_d}d"] = _doc(
        f"{_d}-D adaptive average pooling: averages over windows chosen so that the output has ``output_size``.",
        _ADAPT, "Returns:\n    Tensor: :math:`(N, C, *output\\_size)`.", _IMPORTS + _ADAPT_EX["avg" + _d])
    DOCS[f"adaptive_max_pool{_d}d"] = _doc(
        f"{_d}-D adaptive max pooling: maxima over windows chosen so that the output has ``output_size``.",
        _ADAPT + "\nreturn_indices (bool): also return the indices of the maxima. Default: ``False``.",
        "Returns:\n    Tensor: :math:`(N, C, *output\\_size)`; with ``return_indices``, ``(output, indices)``.",
        _IMPORTS + _ADAPT_EX["max" + _d])
    DOCS[f"adaptive_max_pool{_d}d_with_indices"] = _doc(
        f"{_d}-D adaptive max pooling that always returns ``(output, indices)`` (:func:`adaptive_max_pool{_d}d` "
        "with ``return_indices=True``).", _ADAPT + "\nreturn_indices (bool): ignored; kept for torch's signature.",
        "Returns:\n    (Tensor, Tensor): the maxima and their int64 flat indices in each input plane.",
        _IMPORTS + _ADAPT_EX["maxi" + _d])
DOCS["group_norm"] = _doc(
    "Group normalisation: the channels are split into ``num_groups`` groups, each normalised to zero mean and "
    "unit variance over its channels and spatial positions, then scaled by ``weight`` and shifted by ``bias``.",
    "input (Tensor): :math:`(N, C, *)`.\nnum_groups (int): divides :math:`C`.\n"
    "weight (Tensor, optional): :math:`(C)` scale. Default: ``None``.\n"
    "bias (Tensor, optional): :math:`(C)` shift. Default: ``None``.\n"
    "eps (float): added to the variance. Default: 1e-5.", "Returns:\n    Tensor: same shape as ``input``.",
    _IMPORTS + """
>>> x = torch.tensor([[[1.0, 3.0], [5.0, 7.0], [0.0, 2.0], [4.0, 4.0]]])
>>> F.group_norm(x, 2)
tensor([[[-1.3416, -0.4472],
         [ 0.4472,  1.3416],
         [-1.5076, -0.3015],
         [ 0.9045,  0.9045]]])
""")
DOCS["pixel_shuffle"] = _doc(
    "Rearranges :math:`(*, C r^2, H, W)` into :math:`(*, C, H r, W r)` (sub-pixel convolution).",
    "input (Tensor): :math:`(*, C r^2, H, W)`.\nupscale_factor (int): :math:`r`.",
    "Returns:\n    Tensor: :math:`(*, C, H r, W r)`.", _IMPORTS + """
>>> F.pixel_shuffle(torch.arange(4.0).reshape(1, 4, 1, 1), 2)
tensor([[[[0., 1.],
          [2., 3.]]]])
""")
DOCS["pixel_unshuffle"] = _doc(
    "The inverse of :func:`pixel_shuffle`: :math:`(*, C, H r, W r)` into :math:`(*, C r^2, H, W)`.",
    "input (Tensor): :math:`(*, C, H r, W r)`.\ndownscale_factor (int): :math:`r`.",
    "Returns:\n    Tensor: :math:`(*, C r^2, H, W)`.", _IMPORTS + """
>>> F.pixel_unshuffle(torch.arange(4.0).reshape(1, 1, 2, 2), 2).flatten()
tensor([0., 1., 2., 3.])
""")
_DROP = ("input (Tensor): the input.\np (float): the probability of zeroing. Default: 0.5.\n"
         "training (bool): apply dropout (else return the input unchanged). Default: {}.\n" + _INPLACE)
DOCS["alpha_dropout"] = _doc(
    "Alpha dropout (for SELU networks): dropped elements are set to SELU's negative saturation value and the "
    "result is scaled and shifted so that mean and variance are kept.", _DROP.format("``False``"),
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> x = torch.tensor([1.0, -1.0])
>>> F.alpha_dropout(x, 0.5)
tensor([ 1., -1.])
>>> F.alpha_dropout(x, 0.5, training=True).shape
npgrad.Size([2])
""")
DOCS["feature_alpha_dropout"] = _doc(
    "Alpha dropout of whole channels (:func:`alpha_dropout` applied to channels, as :func:`dropout2d` is to "
    ":func:`dropout`).", _DROP.format("``False``"), "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> F.feature_alpha_dropout(torch.ones(2, 3, 4), 0.2, training=True).shape
npgrad.Size([2, 3, 4])
""")
DOCS["rrelu"] = _doc(
    "Randomized leaky ReLU: in training the slope of each negative element is drawn from "
    ":math:`U(\\mathrm{lower}, \\mathrm{upper})`; in evaluation (the default) it is their mean "
    ":math:`(\\mathrm{lower} + \\mathrm{upper}) / 2`.",
    f"{_INPUT}\nlower (float): lower bound of the slope. Default: 1/8.\nupper (float): upper bound of the slope. "
    f"Default: 1/3.\ntraining (bool): draw random slopes. Default: ``False``.\n{_INPLACE}", _POINTWISE,
    _IMPORTS + """
>>> F.rrelu(torch.tensor([-2.0, 1.0]), lower=0.1, upper=0.3)
tensor([-0.4000,  1.0000])
""")
DOCS["bilinear"] = _doc(
    "Bilinear map :math:`y_k = x_1^T A_k x_2 + b_k`.",
    "input1 (Tensor): :math:`(*, H_1)`.\ninput2 (Tensor): :math:`(*, H_2)`.\nweight (Tensor): "
    ":math:`(H_{out}, H_1, H_2)`.\nbias (Tensor, optional): :math:`(H_{out})`. Default: ``None``.",
    "Returns:\n    Tensor: :math:`(*, H_{out})`.", _IMPORTS + """
>>> W = torch.stack([torch.eye(2), torch.ones(2, 2)])
>>> F.bilinear(torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0, 4.0]]), W)
tensor([[11., 21.]])
""")
DOCS["conv1d"] = _doc(
    "1-D cross-correlation over an :math:`(N, C_{in}, L)` input.", _CONV_ARGS,
    "Returns:\n    Tensor: :math:`(N, C_{out}, L_{out})`, "
    ":math:`L_{out} = \\lfloor (L + 2p - d(k - 1) - 1) / s \\rfloor + 1`.", _IMPORTS + """
>>> x = torch.tensor([[[1.0, 2.0, 3.0, 4.0]]])
>>> F.conv1d(x, torch.tensor([[[1.0, -1.0]]]))
tensor([[[-1., -1., -1.]]])
>>> F.conv1d(x, torch.tensor([[[1.0, 1.0, 1.0]]]), padding='same')
tensor([[[3., 6., 9., 7.]]])
""")
DOCS["conv_transpose2d"] = _doc(
    "2-D transposed convolution (the gradient of :func:`conv2d` with respect to its input), over "
    ":math:`(N, C_{in}, H, W)`.", _CONVT_ARGS,
    "Returns:\n    Tensor: :math:`(N, C_{out}, H_{out}, W_{out})`, each size "
    ":math:`(L - 1)s - 2p + d(k - 1) + \\mathrm{output\\_padding} + 1`.", _IMPORTS + """
>>> F.conv_transpose2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2), stride=2)
tensor([[[[1., 1., 1., 1.],
          [1., 1., 1., 1.],
          [1., 1., 1., 1.],
          [1., 1., 1., 1.]]]])
>>> F.conv_transpose2d(torch.ones(1, 4, 5, 5), torch.ones(4, 2, 3, 3), stride=2, output_padding=1).shape
npgrad.Size([1, 2, 12, 12])
""")
DOCS["layer_norm"] = _doc(
    "Layer normalisation: normalises over the last ``len(normalized_shape)`` dimensions (mean 0, biased variance "
    "1), then applies the elementwise ``weight`` and ``bias``.",
    "input (Tensor): :math:`(*, *\\mathrm{normalized\\_shape})`.\nnormalized_shape (int or tuple): the trailing "
    "shape to normalise over.\nweight, bias (Tensor, optional): of ``normalized_shape``. Default: ``None``.\n"
    "eps (float): added to the variance. Default: 1e-5.", "Returns:\n    Tensor: same shape as ``input``.",
    _IMPORTS + """
>>> F.layer_norm(torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 3.0]]), (3,))
tensor([[-1.2247,  0.0000,  1.2247],
        [-0.7071, -0.7071,  1.4142]])
""")
DOCS["rms_norm"] = _doc(
    "Root-mean-square normalisation: :math:`x / \\sqrt{\\mathrm{mean}(x^2) + \\epsilon}` over the last "
    "``len(normalized_shape)`` dimensions, times ``weight``.",
    "input (Tensor): :math:`(*, *\\mathrm{normalized\\_shape})`.\nnormalized_shape (int or tuple): the trailing "
    "shape.\nweight (Tensor, optional): of ``normalized_shape``. Default: ``None``.\neps (float, optional): "
    "Default: the machine epsilon of the input's dtype.", "Returns:\n    Tensor: same shape as ``input``.",
    _IMPORTS + """
>>> F.rms_norm(torch.tensor([[3.0, 4.0]]), (2,))
tensor([[0.8485, 1.1314]])
""")
DOCS["cosine_similarity"] = _doc(
    "Cosine similarity along ``dim``: :math:`\\frac{x_1 \\cdot x_2}{\\max(\\|x_1\\| \\|x_2\\|, \\epsilon)}` "
    "(each norm clamped to ``eps``), broadcasting the inputs.",
    "x1, x2 (Tensor): broadcastable.\ndim (int): the dimension of the vectors. Default: 1.\neps (float): "
    "Default: 1e-8.", "Returns:\n    Tensor: the broadcast shape without ``dim``.", _IMPORTS + """
>>> F.cosine_similarity(torch.tensor([[1.0, 0.0], [1.0, 1.0]]), torch.tensor([[1.0, 1.0]]))
tensor([0.7071, 1.0000])
""")
DOCS["pairwise_distance"] = _doc(
    ":math:`p`-norm distance between matching rows: :math:`\\|x_1 - x_2 + \\epsilon\\|_p` along the last "
    "dimension.", "x1, x2 (Tensor): :math:`(N, D)` or :math:`(D)`, broadcastable.\np (float): the norm degree. "
    "Default: 2.\neps (float): added to the difference. Default: 1e-6.\nkeepdim (bool): keep the last dimension. "
    "Default: ``False``.", "Returns:\n    Tensor: :math:`(N)` (or a scalar).", _IMPORTS + """
>>> F.pairwise_distance(torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[3.0, 4.0], [1.0, 1.0]]), eps=0.0)
tensor([5., 0.])
""")
DOCS["dropout"] = _doc(
    "Dropout: zeroes each element with probability ``p`` and scales the others by :math:`1/(1-p)`, in training; "
    "the identity otherwise. npgrad's random numbers differ from torch's.", _DROP.format("``True``"),
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> x = torch.ones(8)
>>> F.dropout(x, 0.5, training=False)
tensor([1., 1., 1., 1., 1., 1., 1., 1.])
>>> y = F.dropout(x, 0.5)
>>> set(y.tolist()) <= {0.0, 2.0}
True
""")

# the top-level ``npgrad`` names that are the same function object as their ``nn.functional`` namesake
SHARED = ("adaptive_avg_pool1d", "alpha_dropout", "avg_pool1d", "bilinear", "celu", "celu_", "conv1d", "conv3d",
          "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_similarity", "dropout",
          "feature_alpha_dropout", "group_norm", "layer_norm", "max_pool1d", "max_pool1d_with_indices", "max_pool3d",
          "pairwise_distance", "pixel_shuffle", "pixel_unshuffle", "prelu", "relu_", "rms_norm", "rrelu", "rrelu_",
          "selu", "selu_", "threshold_")


def apply(ns):
    """Attach the shared functions' docstrings in ``ns`` (npgrad's globals)."""
    _apply(ns, {name: DOCS[name] for name in SHARED}, "npgrad")
