"""``npgrad.nn.functional``: torch's functional API as thin wrappers over ``npgrad.ops`` (no derivatives here).

Most names are the ops themselves. Where ``torch.<name>`` and ``torch.nn.functional.<name>`` differ (argument
order, legacy ``size_average``/``reduce``, ``return_indices``, ``max_norm``), the ops module holds torch's
top-level form and the wrapper here adapts to it, as torch's own ``functional.py`` does.

>>> import npgrad as torch
>>> import npgrad.nn.functional as F
>>> F.relu(torch.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""
import npgrad as _ng
from ..ops import loss as _L
from ..ops import pool as _P
from ..ops import norm as _N
from ..ops import neural as _NN
from ..ops.activation import (relu, relu_, relu6, hardtanh, hardtanh_, leaky_relu, leaky_relu_, elu, elu_, selu,
                              selu_, celu, celu_, gelu, silu, mish, softplus, logsigmoid, hardsigmoid, hardswish,
                              softsign, tanhshrink, softshrink, hardshrink, threshold, threshold_, glu, prelu, rrelu,
                              rrelu_)
from ..ops.conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, unfold, fold
from ..ops.pool import (max_pool1d, max_pool2d, max_pool3d, max_pool1d_with_indices, max_pool2d_with_indices,
                        max_pool3d_with_indices, avg_pool1d, avg_pool2d, avg_pool3d, lp_pool1d, lp_pool2d, lp_pool3d,
                        adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d, max_unpool1d, max_unpool2d,
                        max_unpool3d)
from ..ops.norm import (layer_norm, group_norm, rms_norm, local_response_norm, normalize, cosine_similarity,
                        pairwise_distance)
from ..ops.loss import (nll_loss, cross_entropy, mse_loss, l1_loss, smooth_l1_loss, huber_loss, binary_cross_entropy,
                        soft_margin_loss, gaussian_nll_loss, multilabel_soft_margin_loss,
                        triplet_margin_with_distance_loss)
from ..ops.sampling import pad, interpolate, upsample, upsample_nearest, upsample_bilinear, pixel_shuffle, \
    pixel_unshuffle
from ..ops.nn_extra import (embedding_bag, channel_shuffle, native_channel_shuffle, multi_margin_loss,
                            multilabel_margin_loss, gumbel_softmax)
from ..ops.grid_sample import grid_sample, affine_grid
from ..ops.ctc import ctc_loss
from ..ops.surface_extra import linear_cross_entropy, grouped_mm
from ..ops.fractional_pool import (fractional_max_pool2d, fractional_max_pool3d, fractional_max_pool2d_with_indices,
                                   fractional_max_pool3d_with_indices)
from ..ops.neural import (dropout, dropout1d, dropout2d, dropout3d, alpha_dropout, feature_alpha_dropout, one_hot,
                          linear, bilinear, scaled_dot_product_attention)

__all__ = [
    # activations
    "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_",
    "celu", "celu_", "gelu", "silu", "mish", "softplus", "logsigmoid", "hardsigmoid", "hardswish", "softsign",
    "tanhshrink", "softshrink", "hardshrink", "threshold", "threshold_", "glu", "prelu", "rrelu", "rrelu_",
    "sigmoid", "tanh", "softmax", "log_softmax", "softmin",
    # convolution and pooling
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d",
    "max_unpool3d",
    # normalisation and distances
    "batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm", "normalize",
    "cosine_similarity", "pairwise_distance",
    # losses
    "nll_loss", "cross_entropy", "linear_cross_entropy", "grouped_mm", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "soft_margin_loss", "gaussian_nll_loss", "poisson_nll_loss",
    "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss", "triplet_margin_loss",
    "multilabel_soft_margin_loss", "triplet_margin_with_distance_loss",
    # the rest
    "pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle",
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "embedding",
    "one_hot", "linear", "bilinear", "scaled_dot_product_attention",
    # issue 13's additions
    "embedding_bag", "channel_shuffle", "native_channel_shuffle", "multi_margin_loss", "multilabel_margin_loss",
    "gumbel_softmax", "grid_sample", "affine_grid", "ctc_loss", "fractional_max_pool2d", "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices", "pdist", "conv_tbc",
    "multi_head_attention_forward",
]


def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution in (time, batch, channel) layout (``torch.conv_tbc``)."""
    return _ng.conv_tbc(input, weight, bias, pad)


def pdist(input, p=2):
    """Pairwise distances between the rows of (N, M) ``input``, upper triangle flattened (``torch.pdist``)."""
    return _ng.pdist(input, p)


# ---------------------------------------------------------------------------------------------- activations
def sigmoid(input):
    return _ng.sigmoid(input)


def tanh(input):
    return _ng.tanh(input)


def _softmax_dim(name, ndim, stacklevel):
    # torch warns at `_stacklevel` frames up (3: softmax's caller); +1 for the public wrapper (npgrad._out)
    import warnings
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  f"as an argument.", UserWarning, stacklevel=stacklevel + 1)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return _ng.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return _ng.log_softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return _ng.softmax(-input, dim, dtype=dtype)  # torch negates first, then casts


# ---------------------------------------------------------------------------------------------- pooling
def adaptive_max_pool1d(input, output_size, return_indices=False):
    out, idx = _P.adaptive_max_pool1d(input, output_size)
    return (out, idx) if return_indices else out


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _P.adaptive_max_pool2d(input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _P.adaptive_max_pool3d(input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _P.adaptive_max_pool1d(input, output_size)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _P.adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _P.adaptive_max_pool3d(input, output_size, True)


# ---------------------------------------------------------------------------------------------- normalisation
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Batch normalisation; in training the running statistics are updated in place with ``momentum``."""
    return _N.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    return _N.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps)


# ---------------------------------------------------------------------------------------------- losses
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    reduction = _L.reduction_arg(reduction, size_average, reduce)
    return _L._binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = _L.reduction_arg(reduction, size_average, reduce)
    return _L._kl_div(input, target, reduction, log_target)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    reduction = _L.reduction_arg(reduction, size_average, reduce)
    return _L._poisson_nll_loss(input, target, log_input, full, eps, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    reduction = _L.reduction_arg(reduction, size_average, reduce)
    return _L._cosine_embedding_loss(input1, input2, target, margin, reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    reduction = _L.reduction_arg(reduction, size_average, reduce)
    return _L._margin_ranking_loss(input1, input2, target, margin, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    reduction = _L.reduction_arg(reduction, size_average, reduce)
    return _L._hinge_embedding_loss(input, target, margin, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    reduction = _L.reduction_arg(reduction, size_average, reduce)
    return _L._triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


# ---------------------------------------------------------------------------------------------- embedding
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of ``weight`` picked by the integer ``input``; ``padding_idx``'s row gets no gradient."""
    if padding_idx is not None:
        n = weight.shape[0]
        if padding_idx > 0:
            assert padding_idx < n, "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -n, "Padding_idx must be within num_embeddings"
            padding_idx = n + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        from ..autograd.grad_mode import no_grad
        with no_grad():
            _NN.embedding_renorm_(weight, input, max_norm, norm_type)
    return _NN.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


# The public boundary (npgrad._out): out= for normalize, as torch's; torch's exception classes for bad arguments.
# Keep this at the end of the module.
from .. import _out, _lazy  # noqa: E402
_lazy.load_shared(vars(_ng), globals())  # the functions npgrad shares with this module get npgrad's wrappers first
_out.wrap_namespace(globals(), {"normalize"}, "npgrad.nn.functional")
# defined with MultiheadAttention; imported last, so the layer modules see the finished (wrapped) functions above
from .modules.attention import multi_head_attention_forward  # noqa: E402,F401
# torch-style docstrings (summary, Args, Returns/Shape, Example) for the names above, kept in one table
from ._functional_docs import apply as _apply_docs  # noqa: E402
_apply_docs(globals())
