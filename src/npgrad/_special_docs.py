"""Docstrings of ``npgrad.special``'s functions, in torch's style (summary, Args, Returns, Example), attached once
when ``npgrad.special`` is imported. The functions that are also top-level ``npgrad`` names (``erf``, ``digamma``,
``i0``, ...) keep the docstrings they have there. Every example is a doctest whose output is torch's for the same
code."""
from ._docfmt import doc as _doc, apply as _apply

_IMPORTS = ">>> import npgrad as torch\n"
_INPUT = "input (Tensor): the input tensor."
_OUT = "out (Tensor, optional): the output tensor."
_SAME = "Returns:\n    Tensor: same shape as ``input``; a floating dtype (integers and bools are promoted)."
_BCAST = "Returns:\n    Tensor: the broadcast shape of the two inputs, floating point."
_NO_GRAD = " As in torch, it has no derivative (the result never requires grad)."
_SCIPY = " Computed with SciPy (``pip install npgrad[special]``)."

DOCS = {}


def _unary(name, summary, example, extra=""):
    DOCS[name] = _doc(summary + extra, f"{_INPUT}\n{_OUT}", _SAME, _IMPORTS + example)


_unary("entr", "Elementwise entropy term: :math:`-x \\ln x` for :math:`x > 0`, 0 at 0, :math:`-\\infty` for "
       ":math:`x < 0`.", """
>>> torch.special.entr(torch.tensor([-1.0, 0.0, 0.5, 1.0]))
tensor([  -inf, 0.0000, 0.3466, -0.0000])
""")
_unary("erfcx", "Scaled complementary error function, elementwise: :math:`e^{x^2} \\mathrm{erfc}(x)` (no overflow "
       "for large :math:`x`).", """
>>> torch.special.erfcx(torch.tensor([0.0, 1.0, 30.0]))
tensor([1.0000, 0.4276, 0.0188])
""")
_unary("i0e", "Exponentially scaled modified Bessel function of the first kind, order 0: "
       ":math:`e^{-|x|} I_0(x)`.", """
>>> torch.special.i0e(torch.tensor([0.0, 1.0, 10.0]))
tensor([1.0000, 0.4658, 0.1278])
""")
_unary("i1", "Modified Bessel function of the first kind, order 1: :math:`I_1(x)`.", """
>>> torch.special.i1(torch.tensor([0.0, 1.0, -2.0]))
tensor([ 0.0000,  0.5652, -1.5906])
""")
_unary("i1e", "Exponentially scaled modified Bessel function of the first kind, order 1: "
       ":math:`e^{-|x|} I_1(x)`.", """
>>> torch.special.i1e(torch.tensor([0.0, 1.0, 10.0]))
tensor([0.0000, 0.2079, 0.1213])
""")
_unary("log_ndtr", "Log of the standard normal CDF, elementwise, accurate far in the left tail: "
       ":math:`\\ln \\Phi(x)`.", """
>>> torch.special.log_ndtr(torch.tensor([-10.0, 0.0, 3.0]))
tensor([-5.3231e+01, -6.9315e-01, -1.3508e-03])
""")
_unary("ndtri", "Inverse of the standard normal CDF (the quantile function): :math:`\\Phi^{-1}(p)` for "
       ":math:`p \\in [0, 1]`.", """
>>> torch.special.ndtri(torch.tensor([0.0, 0.25, 0.5, 0.975, 1.0]))
tensor([   -inf, -0.6745,  0.0000,  1.9600,     inf])
""")
_unary("ndtr", "Standard normal CDF, elementwise: :math:`\\Phi(x) = \\frac{1}{2}(1 + \\mathrm{erf}(x/\\sqrt{2}))`.",
       """
>>> torch.special.ndtr(torch.tensor([-1.0, 0.0, 1.96]))
tensor([0.1587, 0.5000, 0.9750])
""")
_unary("airy_ai", "Airy function :math:`\\mathrm{Ai}(x)`, elementwise.", """
>>> torch.special.airy_ai(torch.tensor([0.0, 1.0, -2.0]))
tensor([0.3550, 0.1353, 0.2274])
""", _NO_GRAD + _SCIPY)
for _n, _k, _o in (("j0", "first", "0"), ("j1", "first", "1"), ("y0", "second", "0"), ("y1", "second", "1")):
    _unary(f"bessel_{_n}", f"Bessel function of the {_k} kind, order {_o}, elementwise.",
           {"j0": """
>>> torch.special.bessel_j0(torch.tensor([0.0, 1.0, 2.5]))
tensor([ 1.0000,  0.7652, -0.0484])
""", "j1": """
>>> torch.special.bessel_j1(torch.tensor([0.0, 1.0, 2.5]))
tensor([0.0000, 0.4401, 0.4971])
""", "y0": """
>>> torch.special.bessel_y0(torch.tensor([0.5, 1.0, 2.5]))
tensor([-0.4445,  0.0883,  0.4981])
""", "y1": """
>>> torch.special.bessel_y1(torch.tensor([0.5, 1.0, 2.5]))
tensor([-1.4715, -0.7812,  0.1459])
"""}[_n], _NO_GRAD + _SCIPY)
_unary("modified_bessel_i0", "Modified Bessel function of the first kind, order 0: :math:`I_0(x)`.", """
>>> torch.special.modified_bessel_i0(torch.tensor([0.0, 1.0, 2.0]))
tensor([1.0000, 1.2661, 2.2796])
""", _NO_GRAD + " See :func:`i0` for the differentiable one.")
_unary("modified_bessel_i1", "Modified Bessel function of the first kind, order 1: :math:`I_1(x)`.", """
>>> torch.special.modified_bessel_i1(torch.tensor([0.0, 1.0, 2.0]))
tensor([0.0000, 0.5652, 1.5906])
""", _NO_GRAD + " See :func:`i1` for the differentiable one.")
_unary("modified_bessel_k0", "Modified Bessel function of the second kind, order 0: :math:`K_0(x)`.", """
>>> torch.special.modified_bessel_k0(torch.tensor([0.5, 1.0, 2.0]))
tensor([0.9244, 0.4210, 0.1139])
""", _NO_GRAD + _SCIPY)
_unary("modified_bessel_k1", "Modified Bessel function of the second kind, order 1: :math:`K_1(x)`.", """
>>> torch.special.modified_bessel_k1(torch.tensor([0.5, 1.0, 2.0]))
tensor([1.6564, 0.6019, 0.1399])
""", _NO_GRAD + _SCIPY)
_unary("scaled_modified_bessel_k0", "Exponentially scaled modified Bessel function of the second kind, order 0: "
       ":math:`e^{x} K_0(x)`.", """
>>> torch.special.scaled_modified_bessel_k0(torch.tensor([0.5, 1.0, 20.0]))
tensor([1.5241, 1.1445, 0.2785])
""", _NO_GRAD + _SCIPY)
_unary("scaled_modified_bessel_k1", "Exponentially scaled modified Bessel function of the second kind, order 1: "
       ":math:`e^{x} K_1(x)`.", """
>>> torch.special.scaled_modified_bessel_k1(torch.tensor([0.5, 1.0, 20.0]))
tensor([2.7310, 1.6362, 0.2854])
""", _NO_GRAD + _SCIPY)
_unary("spherical_bessel_j0", "Spherical Bessel function of the first kind, order 0: :math:`\\sin(x) / x` "
       "(1 at 0).", """
>>> torch.special.spherical_bessel_j0(torch.tensor([0.0, 1.0, 3.14159]))
tensor([1.0000e+00, 8.4147e-01, 8.0697e-07])
""", _NO_GRAD)

_POLY_ARGS = (f"{_INPUT}\nn (Tensor or number): the degree (broadcast with ``input``; negative degrees give 0).\n"
              f"{_OUT}")
_POLYS = {
    "chebyshev_polynomial_t": ("Chebyshev polynomial of the first kind, :math:`T_n(x)`", """
>>> x = torch.tensor([-1.0, 0.0, 0.5, 1.0])
>>> torch.special.chebyshev_polynomial_t(x, 3)
tensor([-1., -0., -1.,  1.])
"""),
    "chebyshev_polynomial_u": ("Chebyshev polynomial of the second kind, :math:`U_n(x)`", """
>>> torch.special.chebyshev_polynomial_u(torch.tensor([0.0, 0.5, 1.0]), 2)
tensor([-1.,  0.,  3.])
"""),
    "chebyshev_polynomial_v": ("Chebyshev polynomial of the third kind, :math:`V_n(x)`", """
>>> torch.special.chebyshev_polynomial_v(torch.tensor([0.0, 0.5, 1.0]), 2)
tensor([-1., -1.,  1.])
"""),
    "chebyshev_polynomial_w": ("Chebyshev polynomial of the fourth kind, :math:`W_n(x)`", """
>>> torch.special.chebyshev_polynomial_w(torch.tensor([0.0, 0.5, 1.0]), 2)
tensor([-1.,  1.,  5.])
"""),
    "shifted_chebyshev_polynomial_t": ("Shifted Chebyshev polynomial of the first kind, "
                                       ":math:`T^*_n(x) = T_n(2x - 1)`", """
>>> torch.special.shifted_chebyshev_polynomial_t(torch.tensor([0.0, 0.5, 1.0]), 2)
tensor([ 1., -1.,  1.])
"""),
    "shifted_chebyshev_polynomial_u": ("Shifted Chebyshev polynomial of the second kind, "
                                       ":math:`U^*_n(x) = U_n(2x - 1)`", """
>>> torch.special.shifted_chebyshev_polynomial_u(torch.tensor([0.0, 0.5, 1.0]), 2)
tensor([ 3., -1.,  3.])
"""),
    "shifted_chebyshev_polynomial_v": ("Shifted Chebyshev polynomial of the third kind, "
                                       ":math:`V^*_n(x) = V_n(2x - 1)`", """
>>> torch.special.shifted_chebyshev_polynomial_v(torch.tensor([0.0, 0.5, 1.0]), 2)
tensor([ 5., -1.,  1.])
"""),
    "shifted_chebyshev_polynomial_w": ("Shifted Chebyshev polynomial of the fourth kind, "
                                       ":math:`W^*_n(x) = W_n(2x - 1)`", """
>>> torch.special.shifted_chebyshev_polynomial_w(torch.tensor([0.0, 0.5, 1.0]), 2)
tensor([ 1., -1.,  5.])
"""),
    "hermite_polynomial_h": ("Physicists' Hermite polynomial :math:`H_n(x)`", """
>>> torch.special.hermite_polynomial_h(torch.tensor([0.0, 1.0, 2.0]), 3)
tensor([-0., -4., 40.])
"""),
    "hermite_polynomial_he": ("Probabilists' Hermite polynomial :math:`He_n(x)`", """
>>> torch.special.hermite_polynomial_he(torch.tensor([0.0, 1.0, 2.0]), 3)
tensor([-0., -2.,  2.])
"""),
    "laguerre_polynomial_l": ("Laguerre polynomial :math:`L_n(x)`", """
>>> torch.special.laguerre_polynomial_l(torch.tensor([0.0, 1.0, 2.0]), 2)
tensor([ 1.0000, -0.5000, -1.0000])
"""),
    "legendre_polynomial_p": ("Legendre polynomial :math:`P_n(x)`", """
>>> torch.special.legendre_polynomial_p(torch.tensor([-1.0, 0.0, 0.5, 1.0]), 2)
tensor([ 1.0000, -0.5000, -0.1250,  1.0000])
>>> torch.special.legendre_polynomial_p(torch.tensor([0.5]), torch.tensor([0, 1, 2, 3]))
tensor([ 1.0000,  0.5000, -0.1250, -0.4375])
"""),
}
for _n, (_s, _ex) in _POLYS.items():
    DOCS[_n] = _doc(f"{_s}, of degree ``n`` at each element of ``input``." + _NO_GRAD, _POLY_ARGS,
                    "Returns:\n    Tensor: the broadcast shape of ``input`` and ``n``; floating point.", _IMPORTS + _ex)

_GAMMAINC_ARGS = ("input (Tensor): the shape parameter :math:`a > 0`.\nother (Tensor): the point :math:`x \\ge 0`.\n"
                  + _OUT)
DOCS["gammainc"] = _doc(
    "Regularized lower incomplete gamma function: :math:`P(a, x) = \\frac{1}{\\Gamma(a)} \\int_0^x t^{a-1} e^{-t} dt` "
    "with :math:`a` = ``input`` and :math:`x` = ``other``. Differentiable in ``other`` only (as in torch).",
    _GAMMAINC_ARGS, _BCAST, _IMPORTS + """
>>> torch.special.gammainc(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 1.0, 5.0]))
tensor([0.6321, 0.2642, 0.8753])
""")
DOCS["gammaincc"] = _doc(
    "Regularized upper incomplete gamma function: :math:`Q(a, x) = 1 - P(a, x)` (see :func:`gammainc`).",
    _GAMMAINC_ARGS, _BCAST, _IMPORTS + """
>>> torch.special.gammaincc(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 1.0, 5.0]))
tensor([0.3679, 0.7358, 0.1247])
""")
DOCS["xlog1py"] = _doc(
    ":math:`x \\ln(1 + y)` elementwise, 0 where :math:`x = 0` (unless :math:`y` is NaN).",
    f"input (Tensor or number): :math:`x`.\nother (Tensor or number): :math:`y`.\n{_OUT}", _BCAST, _IMPORTS + """
>>> torch.special.xlog1py(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([-1.0, 0.0, 1.0]))
tensor([0.0000, 0.0000, 1.3863])
""")
DOCS["zeta"] = _doc(
    "Hurwitz zeta function :math:`\\zeta(x, q) = \\sum_{k \\ge 0} (k + q)^{-x}` with :math:`x` = ``input`` and "
    ":math:`q` = ``other`` (the Riemann zeta at :math:`q = 1`).",
    f"input (Tensor or number): :math:`x`.\nother (Tensor or number): :math:`q`.\n{_OUT}", _BCAST, _IMPORTS + """
>>> torch.special.zeta(torch.tensor([2.0, 4.0]), 1.0)
tensor([1.6449, 1.0823])
""")
_DIM = ("input (Tensor): the input tensor.\ndim (int): the dimension to reduce (``axis`` is NumPy's name for "
        "it).\ndtype (npgrad.dtype, optional): cast the input to this dtype first.")
DOCS["softmax"] = _doc(
    "Softmax along ``dim`` (as :func:`npgrad.nn.functional.softmax`; here ``dim`` is required).", _DIM,
    "Returns:\n    Tensor: same shape as ``input``, summing to 1 along ``dim``.", _IMPORTS + """
>>> torch.special.softmax(torch.tensor([[1.0, 2.0], [3.0, 3.0]]), dim=1)
tensor([[0.2689, 0.7311],
        [0.5000, 0.5000]])
""")
DOCS["log_softmax"] = _doc(
    "Log of the softmax along ``dim``, computed stably (``dim`` is required).", _DIM,
    "Returns:\n    Tensor: same shape as ``input``.", _IMPORTS + """
>>> torch.special.log_softmax(torch.tensor([0.0, 0.0]), dim=0)
tensor([-0.6931, -0.6931])
""")
DOCS["logsumexp"] = _doc(
    ":math:`\\ln \\sum_i e^{x_i}` over ``dim``, computed stably (the maximum is subtracted first).",
    "input (Tensor): the input tensor.\ndim (int or tuple of ints): the dimension(s) to reduce.\n"
    f"keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.\n{_OUT}",
    "Returns:\n    Tensor: ``input``'s shape without ``dim`` (with size 1 there under ``keepdim``).", _IMPORTS + """
>>> torch.special.logsumexp(torch.tensor([[0.0, 0.0], [1000.0, 1000.0]]), dim=1)
tensor([6.9315e-01, 1.0007e+03])
""")


def apply(ns):
    """Attach the docstrings to the functions of ``ns`` (npgrad.special's globals)."""
    _apply(ns, DOCS, "npgrad.special")
