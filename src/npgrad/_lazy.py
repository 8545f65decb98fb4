"""What ``import npgrad`` leaves for first use (PEP 562), to keep the import short.

What a plain autograd program does not call: the functions ``npgrad`` shares with ``nn.functional`` (conv, pool,
loss, norm, dropout: ``npgrad.conv2d`` is ``F.conv2d``, and importing ``nn.functional`` loads them), the rarer op
modules (windows, set ops, LU, statistics, the in-place ``torch.exp_`` family, ...), the decompositions and matrix
functions (``det``, ``svd``, ``norm``), the legacy tensor types, ``npgrad.compile`` and ``npgrad.save``/``load``. Each
loads when one of its names is first read:

- ``npgrad.<name>``: ``npgrad.__getattr__`` looks the name up in ``MODULES`` below, imports its module and publishes
  all of that module's names at once, exactly as an eager import would have (``load``: the public wrappers of
  npgrad/_out.py, the shared docstrings); later reads find them in the module's globals and pay nothing.
- ``x.<method>``: ``_tensor_methods.bind`` gives each Tensor method of such a module a stand-in that imports the
  module on first access and replaces itself by the method (npgrad/_tensor_methods.py ``_Lazy``).

``dir(npgrad)``, ``npgrad.__all__`` and ``from npgrad import *`` list the lazy names too (a star import loads them).
Each entry lists its module's public names (the module's ``__all__``, or the names npgrad publishes from it) so that
nothing is imported to know where a name lives: tests/test_import.py checks the lists against the modules and
checks that ``import npgrad`` leaves these modules unloaded.
"""

# module under npgrad -> the names npgrad publishes from it
MODULES = {
    "ops.loss": """
binary_cross_entropy_with_logits kl_div cosine_embedding_loss margin_ranking_loss hinge_embedding_loss
poisson_nll_loss triplet_margin_loss
""",
    "ops.neural": """
binary_cross_entropy_with_logits dropout dropout_ alpha_dropout alpha_dropout_ feature_dropout feature_dropout_
feature_alpha_dropout feature_alpha_dropout_ embedding bilinear
""",
    "ops.activation": """
selu selu_ celu celu_ rrelu rrelu_ threshold threshold_ hardshrink prelu relu_
""",
    "ops.conv": """
conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d
""",
    "ops.pool": """
max_pool1d max_pool2d max_pool3d max_pool1d_with_indices avg_pool1d adaptive_avg_pool1d adaptive_max_pool1d
""",
    "ops.norm": """
batch_norm layer_norm group_norm instance_norm rms_norm cosine_similarity pairwise_distance native_batch_norm
native_layer_norm
""",
    "ops.sampling": """
constant_pad_nd pixel_shuffle pixel_unshuffle
""",
    "ops.random_fill": """
multinomial bernoulli poisson
""",
    "ops.set_ops": """
unique unique_consecutive searchsorted bucketize histc histogram bincount isin
""",
    "ops.special": """
lgamma digamma polygamma mvlgamma i0 sinc heaviside gcd lcm ldexp frexp nextafter i0_ sinc_ gcd_ lcm_ ldexp_
xlogy_
""",
    "ops.shape_extra": """
as_strided broadcast_tensors block_diag cartesian_prod combinations rot90 tril_indices triu_indices ravel vander
renorm diagonal_scatter select_scatter slice_scatter index_reduce put as_strided_ resize_as_
""",
    "ops.statistics": """
cdist pdist dist cov corrcoef quantile nanquantile trapezoid trapz cumulative_trapezoid gradient logcumsumexp
""",
    "ops.linalg_lu": """
lu lu_solve lu_unpack cholesky_solve cholesky_inverse
""",
    "ops.window": """
hann_window hamming_window blackman_window bartlett_window kaiser_window
""",
    "ops.api_extra": """
is_complex is_nonzero is_signed is_same_size is_neg is_conj is_inference is_distributed conj real resolve_conj
resolve_neg angle addr diagflat fill range igamma igammac split_with_sizes frobenius_norm nuclear_norm
triangular_solve frombuffer from_file empty_strided empty_permuted from_dlpack to_dlpack unravel_index
set_anomaly_enabled set_flush_denormal conv_tbc channel_shuffle abs_ acos_ acosh_ addmv_ arccos_ arccosh_
arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_
deg2rad_ detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ index_put_ log10_ log1p_ log2_ log_ logit_
nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ round_ rsqrt_ sigmoid_ sin_ sinh_ sqrt_ square_ tan_ tanh_
trunc_ zero_ convolution as_strided_scatter binomial
""",
    "ops.linalg_extra": """
geqrf orgqr ormqr
""",
    "ops.surface_extra": """
histogramdd svd_lowrank pca_lowrank lobpcg ctc_loss embedding_bag
""",
    "ops.reduction_scan": "cumsum cumprod cummax cummin diff",
    "ops.linalg_decomp": "det logdet slogdet inverse cholesky qr svd",
    "ops.linalg_func": "pinverse matrix_exp matrix_power norm",
    "_legacy": "FloatTensor DoubleTensor HalfTensor LongTensor IntTensor ShortTensor CharTensor ByteTensor BoolTensor "
               "set_default_tensor_type",
    "compiler": "compile",
    "serialization": "save load",
}

NAMES = {name: module for module, names in MODULES.items() for name in names.split()}


def load(ns, module):
    """Import ``npgrad.<module>`` and publish its names in ``ns`` (npgrad's globals) as ``import npgrad`` would
    have; returns the names' dict."""
    import importlib
    from . import _out
    from ._docs import shared_functional
    mod = importlib.import_module("npgrad." + module)
    names = {name: getattr(mod, name) for name in MODULES[module].split()}
    _out.wrap_namespace(names, _out.OUT_NAMES, "npgrad")
    shared_functional.apply(names)
    ns.update(names)
    return names


def load_all():
    """Load every module listed here and make every lazy Tensor method now: for tools that read namespaces'
    ``__dict__`` rather than their attributes (the doctest collector, Sphinx autodoc)."""
    import npgrad
    from ._tensor_methods import _Lazy
    ns = vars(npgrad)
    for module, names in MODULES.items():
        if not all(name in ns for name in names.split()):
            load(ns, module)
    for value in list(vars(npgrad.Tensor).values()):
        if isinstance(value, _Lazy):
            value.resolve()


def load_shared(ns, other):
    """Publish in ``ns`` (npgrad's globals) the lazy modules that share a name with ``other`` (nn.functional's
    globals, before it wraps them), so that a shared function's public wrapper is npgrad's (``__module__``
    ``'npgrad'``, its docstring) whichever namespace is read first."""
    for module, names in MODULES.items():
        if any(name in other and name not in ns for name in names.split()):
            load(ns, module)
