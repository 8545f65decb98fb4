"""The rest of ``torch.nn.functional``'s ops: dropout (and its channel-wise and alpha variants), embedding,
one_hot, linear, bilinear and scaled_dot_product_attention. Convolutions, pooling, normalisation, losses,
activations and resampling have their own modules (conv, pool, norm, loss, activation, sampling).

Dropout draws its masks from npgrad's generator (``npgrad.random``): reproducible under ``manual_seed``, but
not the same numbers as torch's stream.
"""
import math

import numpy as np
from .._xp import xp

import npgrad as ng   # public ops, looked up at call time (their home modules are free to move)

from ..autograd.function import Function, dispatch
from .. import _tensor as _t, _dtype
from . import linalg as _linalg
from .loss import binary_cross_entropy_with_logits  # noqa: F401  (its historical home; re-exported)
from .._warn import warn as _warn

__all__ = ["binary_cross_entropy_with_logits", "dropout", "dropout_", "alpha_dropout", "alpha_dropout_",
           "feature_dropout", "feature_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_", "embedding",
           "bilinear"]


# ---------------------------------------------------------------------------------------------- dropout
def _check_p(p):
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(input, p, shape, generator=None):
    from ..random import rng
    return rng(generator).random(shape) >= p


def _dropout_scale(input, p, mask_shape):
    """The tensor dropout multiplies by: a fresh Bernoulli(1 - p) mask over 1 - p (npgrad.compile re-runs it
    on every replay, so each step draws its own mask)."""
    x = input._data
    if p == 1:
        return _t.make(xp.zeros(mask_shape, x.dtype))
    return _t.make((_keep_mask(input, p, mask_shape) * (1.0 / (1 - p))).astype(x.dtype))


def _dropout(input, p, training, inplace, mask_shape):
    """``input * mask / (1 - p)`` with a Bernoulli(1 - p) ``mask`` of ``mask_shape`` (broadcast over the rest)."""
    _check_p(p)
    if not training or p == 0:
        return input
    scale = _dropout_scale(input, p, mask_shape)
    if inplace:
        return input.mul_(scale)
    return input * scale


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` (training only) and scale the rest by 1 / (1 - p)."""
    return _dropout(input, p, training, inplace, input._data.shape)


def dropout_(input, p=0.5, train=True):
    """In-place dropout: zeroes elements with probability ``p`` and scales the rest by ``1 / (1 - p)``.

    npgrad's random stream is not torch's: which elements are zeroed differs from torch for the same seed (see
    :doc:`/differences`).

    Args:
        input (Tensor): the input tensor, overwritten.
        p (float, optional): the probability of zeroing (default 0.5).
        train (bool, optional): apply it (True) or return ``input`` unchanged (False).

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(4)
        >>> torch.dropout_(x, 0.5, False)
        tensor([1., 1., 1., 1.])
        >>> _ = torch.manual_seed(0)
        >>> y = torch.dropout_(torch.ones(1000), 0.5, True)
        >>> ((y == 0) | (y == 2)).all()
        tensor(True)
    """
    return _dropout(input, p, train, True, input._data.shape)


def _feature_shape(input, batched_ndim, fname):
    x = input._data
    if x.ndim not in (batched_ndim - 1, batched_ndim):
        raise RuntimeError(f"{fname}: Expected {batched_ndim - 1}D or {batched_ndim}D input, but received a "
                           f"{x.ndim}D input. Note that {fname} exists to provide channel-wise dropout on inputs "
                           f"with {batched_ndim - 2} spatial dimension{'s' if batched_ndim > 3 else ''}, a channel "
                           f"dimension, and an optional batch dimension (i.e. {batched_ndim - 1}D or "
                           f"{batched_ndim}D inputs).")
    lead = 2 if x.ndim == batched_ndim else 1
    return x.shape[:lead] + (1,) * (x.ndim - lead)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels (of (N, C, L) or (C, L) inputs) with probability ``p``."""
    return _dropout(input, p, training, inplace, _feature_shape(input, 3, "dropout1d"))


def dropout2d(input, p=0.5, training=True, inplace=False):
    x = input._data
    if x.ndim not in (3, 4):
        import warnings
        _warn(f"dropout2d: Received a {x.ndim}-D input to dropout2d, which is deprecated and will result "
                      f"in an error in a future release. To retain the behavior and silence this warning, please "
                      f"use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs "
                      f"with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
                      f"or 4D inputs).", UserWarning)
    elif x.ndim == 3:
        import warnings
        _warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", UserWarning)
    shape = x.shape[:2] + (1,) * (x.ndim - 2) if x.ndim >= 2 else x.shape
    return _dropout(input, p, training, inplace, shape)


def dropout3d(input, p=0.5, training=True, inplace=False):
    x = input._data
    lead = 2 if x.ndim == 5 else 1
    return _dropout(input, p, training, inplace, x.shape[:lead] + (1,) * (x.ndim - lead))


def feature_dropout(input, p, train):
    """Channel-wise dropout: zeroes whole channels (dim 1) of an ``(N, C, *)`` tensor with probability ``p``, scaling
    the rest by ``1 / (1 - p)``.

    Each channel is kept or dropped as a whole.

    Args:
        input (Tensor): an ``(N, C, *)`` tensor.
        p (float): the probability of zeroing a channel.
        train (bool): apply it (True) or return ``input`` (False).

    Returns:
        Tensor: ``input``'s shape.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> y = torch.feature_dropout(torch.ones(2, 8, 3), 0.5, True)
        >>> (y.amin(dim=2) == y.amax(dim=2)).all()
        tensor(True)
    """
    x = input._data
    return _dropout(input, p, train, False, x.shape[:2] + (1,) * (x.ndim - 2))


def feature_dropout_(input, p, train):
    """In-place version of :func:`feature_dropout`.

    Args:
        input (Tensor): an ``(N, C, *)`` tensor, overwritten.
        p (float): the probability of zeroing a channel.
        train (bool): apply it or not.

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(1, 2, 2)
        >>> torch.feature_dropout_(x, 0.5, False) is x
        True
    """
    x = input._data
    return _dropout(input, p, train, True, x.shape[:2] + (1,) * (x.ndim - 2))


_SELU_NEG = -1.7580993408473766   # -selu scale * selu alpha: the value SELU saturates to


def _alpha_dropout(input, p, training, inplace, mask_shape):
    """Dropout that keeps SELU's self-normalisation: dropped units take SELU's saturation value and an
    affine map ``a * x + b`` restores zero mean and unit variance."""
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    if p == 1:
        return input.mul_(0.0) if inplace else input * 0.0
    keep = _keep_mask(input, p, mask_shape)
    a = 1.0 / math.sqrt((_SELU_NEG ** 2 * p + 1) * (1 - p))
    b = _t.make(((~keep) * (_SELU_NEG * a) + (-a * _SELU_NEG * p)).astype(x.dtype))
    scale = _t.make((keep * a).astype(x.dtype))
    if inplace:
        return input.mul_(scale).add_(b)
    return input * scale + b


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _alpha_dropout(input, p, training, inplace, input._data.shape)


def alpha_dropout_(input, p=0.5, train=False):
    """In-place alpha dropout: dropout that keeps a SELU network's mean and variance (dropped elements take SELU's
    negative saturation value, then an affine correction).

    Args:
        input (Tensor): the input tensor, overwritten.
        p (float, optional): the probability of zeroing (default 0.5).
        train (bool, optional): apply it (True) or return ``input`` unchanged (False, the default).

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> x = torch.tensor([1.0, -1.0])
        >>> torch.alpha_dropout_(x, 0.5, False)
        tensor([ 1., -1.])
    """
    return _alpha_dropout(input, p, train, True, input._data.shape)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    x = input._data
    return _alpha_dropout(input, p, training, inplace, x.shape[:2] + (1,) * (x.ndim - 2))


def feature_alpha_dropout_(input, p=0.5, train=False):
    """In-place channel-wise alpha dropout: whole channels (dim 1) take the alpha-dropout value.

    Args:
        input (Tensor): the input tensor, overwritten.
        p (float, optional): the probability of zeroing (default 0.5).
        train (bool, optional): apply it (True) or return ``input`` unchanged (False, the default).

    Returns:
        Tensor: ``input`` itself.

    Example:
        >>> import npgrad as torch
        >>> x = torch.ones(1, 2, 2)
        >>> torch.feature_alpha_dropout_(x, 0.5, False) is x
        True
    """
    return feature_alpha_dropout(input, p, train, True)


# ---------------------------------------------------------------------------------------------- embedding
class Embedding(Function):
    """``weight[indices]``; the gradient adds each looked-up row's gradient into its row (none into
    ``padding_idx``'s; divided by the row's count in the batch with ``scale_grad_by_freq``)."""
    _builtin = True
    _ctx_fields = ("pos", "rowscale", "shape")

    @staticmethod
    def forward(ctx, weight, idx, padding_idx, scale_grad_by_freq):
        d = weight.shape[1]
        ctx.shape = weight.shape
        ctx.pos = idx[..., None] * d + xp.arange(d)   # flat positions in weight of each gathered element
        rowscale = None
        if padding_idx is not None:
            rowscale = (idx != padding_idx).astype(weight.dtype)
        if scale_grad_by_freq:
            counts = xp.bincount(idx.ravel(), minlength=weight.shape[0])
            inv = (1.0 / xp.maximum(counts[idx], 1)).astype(weight.dtype)
            rowscale = inv if rowscale is None else rowscale * inv
        ctx.rowscale = None if rowscale is None else rowscale[..., None]
        return weight[idx]

    @staticmethod
    def backward(ctx, grad):
        # weight: embedding_backward(grad, indices, num_weights, padding_idx, scale_grad_by_freq, sparse)
        from .pool import ScatterFlat
        if ctx.rowscale is not None:
            grad = grad * ctx.rowscale
        return dispatch(ScatterFlat, grad, ctx.pos, ctx.shape), None, None, None


def _int_indices(indices, fname="embedding"):
    if not isinstance(indices, _t.Tensor):
        raise TypeError(f"{fname}(): argument 'indices' must be Tensor, not {type(indices).__name__}")
    i = indices._data
    if i.dtype not in (np.int64, np.int32):
        kind = _dtype.TENSOR_TYPES.get(i.dtype.name, "Tensor")
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{kind} instead (while checking arguments for {fname})")
    return i


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """``torch.embedding`` (aten's order: weight first); ``nn.functional.embedding`` reorders onto this.

    Args:
        weight (Tensor): the embedding matrix ``(num_embeddings, embedding_dim)``.
        indices (Tensor): int64 row indices.
        padding_idx (int, optional): an index whose row gets no gradient.
        scale_grad_by_freq (bool, optional): divide each row's gradient by how often its index occurs.
        sparse (bool, optional): must be False (npgrad has no sparse gradients).

    Example:
        >>> import npgrad as torch
        >>> weight = torch.tensor([[0., 0.], [1., 1.], [2., 2.]])
        >>> torch.embedding(weight, torch.tensor([[2, 0], [1, 1]]))
        tensor([[[2., 2.],
                 [0., 0.]],
        <BLANKLINE>
                [[1., 1.],
                 [1., 1.]]])
    """
    i = _int_indices(indices)
    w = weight._data
    if w.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if i.size and (i.min() < 0 or i.max() >= w.shape[0]):
        raise IndexError("index out of range in self")
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported by npgrad; use sparse=False")
    pad = None if padding_idx is None or padding_idx < 0 else int(padding_idx)
    return Embedding.apply(weight, i.astype(np.int64, copy=False), pad, bool(scale_grad_by_freq))


def embedding_renorm_(weight, indices, max_norm, norm_type):
    """Rescale (in place, outside autograd) the rows looked up by ``indices`` whose norm exceeds ``max_norm``."""
    w = weight._data
    rows = xp.unique(indices._data)
    norms = xp.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
    weight._vc[0] += 1
    return weight


def one_hot(tensor, num_classes=-1):
    """``(*)`` int64 class indices -> ``(*, num_classes)`` int64 one-hot rows."""
    t = tensor._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size and t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _t.make((t[..., None] == xp.arange(num_classes)).astype(np.int64))


# ---------------------------------------------------------------------------------------------- linear
def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, recorded as torch does: addmm for 2-D inputs with a bias (AddmmBackward0),
    a flattened addmm viewed back for other ranks, mm/matmul without a bias."""
    T = _t.Tensor
    if not (isinstance(input, T) and isinstance(weight, T)):
        for name, pos, v in (("input", 1, input), ("weight", 2, weight)):
            if not isinstance(v, T):
                raise TypeError(f"linear(): argument '{name}' (position {pos}) must be Tensor, not "
                                f"{type(v).__name__}")
    if _function._extras:  # [autocast] linear is on torch's CPU lower-precision list: cast where torch does
        input, weight, bias = _autocast_lower(input, weight, bias)
    x, w = input._data, weight._data
    if w.ndim == 2 and x.ndim >= 1 and x.shape[-1] != w.shape[1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({math.prod(x.shape[:-1])}x{x.shape[-1]} "
                           f"and {w.shape[1]}x{w.shape[0]})")
    if w.ndim != 2:
        out = ng.matmul(input, weight)
        return out if bias is None else out + bias
    wt = weight.t()
    if bias is None:
        return ng.matmul(input, wt)
    if x.ndim == 2:
        b = bias._data if isinstance(bias, T) else None
        if b is not None and b.ndim == 1 and b.shape[0] == w.shape[0] and x.dtype == w.dtype == b.dtype and \
                x.dtype.kind == "f":  # nn.Linear's case, already checked: straight to the op
            return _linalg.Addmm.apply(bias, input, wt, 1, 1)
        return ng.addmm(bias, input, wt)
    flat = ng.addmm(bias, input.reshape(-1, x.shape[-1]), wt)
    return flat.reshape(x.shape[:-1] + (w.shape[0],))


def bilinear(input1, input2, weight, bias=None):
    """``y_k = x1 . A_k . x2 + b_k`` over the last dims (weight A: (out, in1, in2))."""
    a, b, w = input1._data, input2._data, weight._data
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {w.ndim}")
    if a.shape[:-1] != b.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(a.shape[:-1])} and "
                           f"{list(b.shape[:-1])}")
    if a.shape[-1] != w.shape[1] or b.shape[-1] != w.shape[2]:
        raise RuntimeError(f"bilinear(): input{'1' if a.shape[-1] != w.shape[1] else '2'} size does not match "
                           f"weight size: got {a.shape[-1] if a.shape[-1] != w.shape[1] else b.shape[-1]} but "
                           f"expected {w.shape[1] if a.shape[-1] != w.shape[1] else w.shape[2]}")
    k, i, j = w.shape
    x1 = input1.reshape(-1, i)
    x2 = input2.reshape(-1, 1, j)
    mixed = ng.matmul(x1, weight.permute(1, 0, 2).reshape(i, k * j)).reshape(-1, k, j)
    out = ng.sum(mixed * x2, -1).reshape(a.shape[:-1] + (k,))
    return out if bias is None else out + bias


# ---------------------------------------------------------------------------------------------- attention
def _is_capturing():
    from ..compiler.capture import is_capturing
    return is_capturing()


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """``softmax(q k^T * scale + mask) v`` (torch's math path); a bool mask keeps the True positions, a float
    mask is added; rows with every position masked give zeros, as torch's safe softmax."""
    if _function._extras:  # [autocast] on torch's CPU lower-precision list: q, k, v (and a float mask) cast
        query, key, value = _autocast_lower(query, key, value)
        if isinstance(attn_mask, _t.Tensor) and attn_mask.dtype.is_floating_point:
            attn_mask, = _autocast_lower(attn_mask)
    q, k = query._data, key._data
    L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
    if enable_gqa and q.ndim >= 3 and q.shape[-3] != k.shape[-3]:
        rep = q.shape[-3] // k.shape[-3]
        key, value = ng.repeat_interleave(key, rep, -3), ng.repeat_interleave(value, rep, -3)
    s = 1.0 / math.sqrt(E) if scale is None else scale
    scores = ng.matmul(query, key.transpose(-2, -1)) * s
    masked = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        # made by tensor ops (not NumPy) so that npgrad.compile records it
        masked = ~ng.ones((L, S), dtype=ng.bool).tril()
    elif attn_mask is not None:
        if attn_mask._data.dtype == np.bool_:
            masked = ~attn_mask
        else:
            scores = scores + attn_mask
    if masked is not None:
        scores = ng.where(masked, float("-inf"), scores)
    # rows that are all -inf (masked, or from the data) give zeros and zero gradients (torch's safe softmax):
    # whether there are any depends on the data, so a capture (npgrad.compile) records the zeroing whatever this
    # call's data; eager mode pays for it only when there are
    if _is_capturing() or xp.isneginf(scores._data).all(-1).any():
        dead = (scores == float("-inf")).all(-1, keepdim=True)
        probs = ng.where(dead, 0.0, ng.softmax(ng.where(dead, 0.0, scores), -1))
    else:
        probs = ng.softmax(scores, -1)
    if dropout_p > 0:
        probs = dropout(probs, dropout_p, True)
    return ng.matmul(probs, value)


from ..autograd import function as _function  # noqa: E402  [autocast] (its _extras count)
from ..amp.autocast_mode import lower_args as _autocast_lower  # noqa: E402  [autocast]
