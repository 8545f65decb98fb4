"""Connectionist temporal classification loss (``F.ctc_loss``), forward-backward in log space.

Each target ``l`` (length S) is extended with blanks to ``l'`` (length 2S + 1). ``alpha[t, s]`` is the log
probability of the paths through ``l'[:s+1]`` at time t, ``beta[t, s]`` that of the paths from ``l'[s:]``; both run
over the whole batch at once, one time step per NumPy step (samples whose input has ended stay put).

Gradient, as torch's ``ctc_loss_backward``: ``exp(log_probs) - exp(lcab + nll - log_probs)`` where ``lcab[t, c]``
is the log of sum over ``s`` with ``l'[s] = c`` of ``alpha*beta``. It is the gradient with respect to the
*logits* of a ``log_softmax``, which is what torch returns for ``log_probs`` (exact whenever ``log_probs`` comes
from ``log_softmax``, the documented use); it is 0 past each input's length. Like torch's, this backward has no
derivative of its own.
"""
import numpy as np
from .._xp import xp

import npgrad as ng   # public ops, looked up at call time

from ..autograd.function import Function
from .. import _tensor as _t
from .loss import reduction_arg

__all__ = ["ctc_loss"]

_NEG = -np.inf


def _lse(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = xp.logaddexp(out, x)
    return out


def _shift(a, k):
    """``a[..., s - k]`` along the last axis (``-inf`` where s < k)."""
    out = xp.full_like(a, _NEG)
    out[..., k:] = a[..., :a.shape[-1] - k]
    return out


def _unshift(a, k):
    """``a[..., s + k]`` along the last axis (``-inf`` past the end)."""
    out = xp.full_like(a, _NEG)
    out[..., :a.shape[-1] - k] = a[..., k:]
    return out


class CtcLoss(Function):
    _builtin = True
    _ctx_fields = ("lp", "alpha", "nll", "ext", "ilen", "zero_infinity", "blank")

    @staticmethod
    def forward(ctx, log_probs, ext, skip, ilen, slen, blank, zero_infinity):
        # log_probs (T, N, C); ext (N, L') extended labels; skip (N, L'): the s-2 transition is allowed
        T, N, C = log_probs.shape
        L = ext.shape[1]
        lp = log_probs.astype(np.float64)
        rows = xp.arange(N)
        emit = xp.take_along_axis(lp, xp.broadcast_to(ext[None], (T, N, L)), axis=2)     # (T, N, L')
        valid_s = xp.arange(L)[None, :] < (2 * slen + 1)[:, None]
        alpha = xp.full((T, N, L), _NEG)
        a = xp.full((N, L), _NEG)
        a[:, 0] = emit[0, :, 0]
        if L > 1:
            a[:, 1] = xp.where(slen > 0, emit[0, :, 1], _NEG)
        a[~valid_s] = _NEG
        live = ilen > 0
        a[~live] = _NEG
        alpha[0] = a
        for t in range(1, T):
            step = _lse(a, _shift(a, 1), xp.where(skip, _shift(a, 2), _NEG)) + emit[t]
            step[~valid_s] = _NEG
            going = (t < ilen)[:, None]
            a = xp.where(going, step, a)
            alpha[t] = a
        last = xp.maximum(ilen - 1, 0)
        aT = alpha[last, rows]                                                     # (N, L')
        end = 2 * slen
        fin = aT[rows, end]
        fin = xp.where(slen > 0, xp.logaddexp(fin, aT[rows, xp.maximum(end - 1, 0)]), fin)
        nll = xp.where(ilen > 0, -fin, xp.where(slen == 0, 0.0, np.inf))
        ctx.lp, ctx.alpha, ctx.nll, ctx.ext, ctx.ilen = lp, alpha, nll, ext, ilen
        ctx.zero_infinity, ctx.blank = zero_infinity, (skip, slen, emit, valid_s)
        return nll.astype(log_probs.dtype)

    @staticmethod
    def backward(ctx, grad):
        # log_probs: _ctc_loss_backward(grad, log_probs, targets, input_lengths, target_lengths, neg_log_likelihood,
        #            log_alpha, blank, zero_infinity)
        if isinstance(grad, _t.Tensor):
            raise RuntimeError("derivative for _ctc_loss_backward is not implemented")
        skip, slen, emit, valid_s = ctx.blank
        lp, alpha, nll, ext, ilen = ctx.lp, ctx.alpha, ctx.nll, ctx.ext, ctx.ilen
        T, N, C = lp.shape
        L = ext.shape[1]
        rows = xp.arange(N)
        beta = xp.full((T, N, L), _NEG)
        b = xp.full((N, L), _NEG)
        end = 2 * slen
        skip2 = xp.zeros_like(skip)          # the s -> s + 2 transition is allowed
        skip2[:, :L - 2] = skip[:, 2:]
        for t in range(T - 1, -1, -1):
            start = (t == ilen - 1)[:, None]
            init = xp.full((N, L), _NEG)
            init[rows, end] = emit[t, rows, end]
            has = slen > 0
            init[rows[has], end[has] - 1] = emit[t, rows[has], end[has] - 1]
            step = _lse(b, _unshift(b, 1), xp.where(skip2, _unshift(b, 2), _NEG)) + emit[t]
            step[~valid_s] = _NEG
            inside = (t < ilen - 1)[:, None]
            b = xp.where(start, init, xp.where(inside, step, _NEG))
            beta[t] = b
        ab = alpha + beta                                                          # (T, N, L')
        lcab = xp.full((T, N, C), _NEG)
        for s in range(L):
            c = ext[:, s]
            cur = lcab[:, rows, c]
            lcab[:, rows, c] = xp.logaddexp(cur, ab[:, :, s])
        g = xp.exp(lp) - xp.exp(lcab + nll[None, :, None] - lp)
        g[xp.arange(T)[:, None] >= ilen[None, :]] = 0
        bad = ~xp.isfinite(nll)
        if ctx.zero_infinity:
            g[:, bad] = 0
        g = g * grad.reshape(1, N, 1)
        return g.astype(grad.dtype, copy=False), None, None, None, None, None, None


def _lengths(v, name):
    if isinstance(v, _t.Tensor):
        a = v._data
        if a.dtype.kind not in "iu":
            raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or an integer Tensor, not "
                            f"{v.dtype}")
        return a.reshape(-1).astype(np.int64)
    if isinstance(v, int):
        return xp.array([v], np.int64)
    return xp.array([int(x) for x in v], np.int64)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """``nn.functional.ctc_loss``: -log p(target | input) summed over alignments, per sample, then reduced
    ('mean' divides each by its target length first, as torch)."""
    reduction = reduction_arg(reduction)
    if isinstance(input_lengths, _t.Tensor) != isinstance(target_lengths, _t.Tensor):
        raise TypeError("ctc_loss(): input_lengths and target_lengths must both be Tensors or both tuples of ints")
    unbatched = log_probs.dim() == 2
    lp_t = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp_t.dim() != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.dim()}-D")
    T, N, C = lp_t.shape
    tg = targets._data
    if unbatched:
        tg = tg.reshape(1, -1)
    ilen, slen = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    if ilen.size != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if slen.size != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    if log_probs._data.dtype.kind == "V":  # torch's CPU ctc_loss has no bfloat16 kernel
        raise NotImplementedError("\"ctc_loss_cpu\" not implemented for 'BFloat16'")
    for name, a, hi in (("input_lengths", ilen, T), ("target_lengths", slen, None)):
        if a.size and a.min() < 0:
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value {int(a.min())} (while "
                               "checking arguments for ctc_loss_allocate_outputs)")
        if hi is not None and a.size and a.max() > hi:
            raise RuntimeError(f"Expected {name} to have value at most {hi}, but got value {int(a.max())} (while "
                               "checking arguments for ctc_loss_allocate_outputs)")
    tg = tg.astype(np.int64)
    S = int(slen.max()) if slen.size else 0
    labels = xp.zeros((N, S), np.int64)
    if tg.ndim == 1:
        total = int(slen.sum())
        if tg.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {tg.shape[0]} "
                               "for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)")
        starts = xp.concatenate([[0], xp.cumsum(slen)[:-1]])
        for n in range(N):
            labels[n, :slen[n]] = tg[starts[n]:starts[n] + slen[n]]
    else:
        if tg.shape[1] < S:
            raise RuntimeError(f"Expected tensor to have size at least {S} at dimension 1, but got size "
                               f"{tg.shape[1]} for argument #2 'targets' (while checking arguments for "
                               "ctc_loss_allocate_outputs)")
        labels = tg[:, :S].copy()
        labels[xp.arange(S)[None, :] >= slen[:, None]] = 0
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        raise RuntimeError("ctc_loss: target label out of range")
    ext = xp.full((N, 2 * S + 1), blank, np.int64)
    ext[:, 1::2] = labels
    prev2 = xp.full_like(ext, -1)
    prev2[:, 2:] = ext[:, :-2]
    skip = (ext != blank) & (ext != prev2)
    skip[:, :2] = False
    loss = CtcLoss.apply(lp_t, ext, skip, ilen, slen, blank, bool(zero_infinity))
    if zero_infinity:
        loss = ng.where(loss == np.inf, ng.zeros((), dtype=loss.dtype), loss)
    if reduction == "mean":
        return (loss / ng.tensor(xp.maximum(slen, 1), dtype=loss.dtype)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(()) if unbatched else loss
