"""Recurrent layers ``RNN``, ``LSTM``, ``GRU`` and their cells, composed step by step from ops.

Parameter names, shapes, gate order and initialisation are torch's (``weight_ih_l0``, ``bias_hh_l1_reverse``;
LSTM gates i, f, g, o; GRU gates r, z, n; every weight U(-1/sqrt(hidden), 1/sqrt(hidden))), so a torch
``state_dict`` loads unchanged. Each layer projects the whole input sequence with one matmul, then runs the
recurrence one time step at a time; autograd differentiates through the loop.

>>> import npgrad as torch
>>> lstm = torch.nn.LSTM(3, 4, batch_first=True)
>>> out, (h, c) = lstm(torch.zeros(2, 5, 3))
>>> out.shape, h.shape
(npgrad.Size([2, 5, 4]), npgrad.Size([1, 2, 4]))
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from ... import _creation
from ... import _tensor as _t
from ...autograd.function import Function
from ...autograd.grad_mode import enable_grad
from ...ops import pointwise as _P
from ...ops.joining import cat, chunk, stack, unbind
from .. import functional as F
from .. import init
from ..utils.rnn import PackedSequence, pack_sorted, unpack_sorted
from .linear import empty_param
from .module import Module
from ..._warn import warn as _warn

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..parameter import Parameter
    from ..common_types import _device_t, _dtype_t

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


# ------------------------------------------------------------------ one time step (x_proj = x @ W_ih^T + b_ih)
def _rnn_step(x_proj, h, w_hh, b_hh, relu):
    pre = x_proj + F.linear(h, w_hh, b_hh)
    return F.relu(pre) if relu else _P.tanh(pre)


def _lstm_step(x_proj, h, c, w_hh, b_hh, w_hr=None):
    i, f, g, o = chunk(x_proj + F.linear(h, w_hh, b_hh), 4, -1)  # one node for the four gates
    i, f, g, o = _P.sigmoid(i), _P.sigmoid(f), _P.tanh(g), _P.sigmoid(o)
    c = f * c + i * g
    h = o * _P.tanh(c)
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def _lstm_layer(x, w_ih, w_hh, b_ih, b_hh, h, c, reverse):
    """One LSTM layer and direction over a time-major sequence, step by step from ops: (output, h_T, c_T)."""
    x_proj = unbind(F.linear(x, w_ih, b_ih), 0)
    steps = len(x_proj)
    seq = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        h, c = _lstm_step(x_proj[t], h, c, w_hh, b_hh)
        seq[t] = h
    return stack(seq, 0), h, c


def _sigmoid(z):
    with np.errstate(over="ignore"):   # exp(-z) overflows to inf for z << 0: the sigmoid is 0, as in torch
        return 1.0 / (1.0 + np.exp(-z))


class MkldnnRnnLayer(Function):
    """One LSTM layer and direction over the whole sequence as one node, as torch's float32/bfloat16 CPU LSTM
    runs it (oneDNN's ``mkldnn_rnn_layer``, grad_fn ``MkldnnRnnLayerBackward0``): the recurrence runs on arrays
    (bfloat16 in float32, rounded once), and the backward is the same math through time. Under ``create_graph``
    the backward differentiates the step-by-step composite ``_lstm_layer`` instead, so higher derivatives exist
    as in torch."""
    _builtin = True
    _ctx_fields = ("reverse", "cache")

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b_ih, b_hh, hx, cx, reverse):
        ctx.save_for_backward(x, w_ih, w_hh, b_ih, b_hh, hx, cx)
        dt = x.dtype
        if dt.itemsize == 2:  # bfloat16: float32 arithmetic, results rounded once
            x, w_ih, w_hh, hx, cx = (a.astype(np.float32) for a in (x, w_ih, w_hh, hx, cx))
            b_ih, b_hh = (None if b is None else b.astype(np.float32) for b in (b_ih, b_hh))
        steps, n = x.shape[0], x.shape[1]
        H = w_hh.shape[1]
        xs = x[::-1] if reverse else x
        z_in = xs @ w_ih.T                                   # every step's input projection in one product
        if b_ih is not None:
            z_in += b_ih + b_hh
        gates = np.empty((steps, n, 4 * H), z_in.dtype)      # activated i, f, g, o
        tanh_c = np.empty((steps, n, H), z_in.dtype)
        cs = np.empty((steps + 1, n, H), z_in.dtype)         # c_0 = cx, c_t
        hs = np.empty((steps + 1, n, H), z_in.dtype)         # h_0 = hx, h_t
        cs[0], hs[0] = cx, hx
        w_hh_t = w_hh.T
        for t in range(steps):
            z = z_in[t] + hs[t] @ w_hh_t
            g = gates[t]
            g[:, :2 * H] = _sigmoid(z[:, :2 * H])
            g[:, 2 * H:3 * H] = np.tanh(z[:, 2 * H:3 * H])
            g[:, 3 * H:] = _sigmoid(z[:, 3 * H:])
            cs[t + 1] = g[:, H:2 * H] * cs[t] + g[:, :H] * g[:, 2 * H:3 * H]
            tanh_c[t] = np.tanh(cs[t + 1])
            hs[t + 1] = g[:, 3 * H:] * tanh_c[t]
        ctx.reverse, ctx.cache = reverse, (xs, gates, tanh_c, cs, hs)
        out = hs[1:][::-1] if reverse else hs[1:]
        return (np.ascontiguousarray(out, dtype=dt), hs[steps].astype(dt), cs[steps].astype(dt))

    @staticmethod
    def backward(ctx, g_out, g_hy, g_cy):
        # input, weights, hx, cx: mkldnn_rnn_layer_backward = backpropagation through time of the LSTM step
        #   c_t = f c_{t-1} + i g, h_t = o tanh(c_t), [i f g o] = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)
        if isinstance(g_out, _t.Tensor) or isinstance(g_hy, _t.Tensor) or isinstance(g_cy, _t.Tensor):
            return _lstm_layer_double(ctx, g_out, g_hy, g_cy)
        x, w_ih, w_hh, b_ih, b_hh, hx, cx = ctx.saved_tensors
        xs, gates, tanh_c, cs, hs = ctx.cache
        acc = gates.dtype
        steps, n, H = tanh_c.shape
        zero = np.zeros((n, H), acc)   # an output nothing used: the engine may hand None
        g_out = np.zeros((steps, n, H), acc) if g_out is None else g_out.astype(acc, copy=False)
        go = g_out[::-1] if ctx.reverse else g_out
        dh = zero if g_hy is None else g_hy.astype(acc)
        dc = zero if g_cy is None else g_cy.astype(acc)
        d_gates = np.empty_like(gates)
        w_hh_a = w_hh.astype(acc, copy=False)
        for t in range(steps - 1, -1, -1):
            g = gates[t]
            i, f, gg, o = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]
            dh = dh + go[t]
            tc = tanh_c[t]
            dc = dc + dh * o * (1 - tc * tc)
            d = d_gates[t]
            d[:, :H] = dc * gg * i * (1 - i)
            d[:, H:2 * H] = dc * cs[t] * f * (1 - f)
            d[:, 2 * H:3 * H] = dc * i * (1 - gg * gg)
            d[:, 3 * H:] = dh * tc * o * (1 - o)
            dc = dc * f
            dh = d @ w_hh_a
        flat = d_gates.reshape(steps * n, 4 * H)
        d_w_ih = flat.T @ xs.reshape(steps * n, -1)
        d_w_hh = flat.T @ hs[:-1].reshape(steps * n, H)
        d_b = flat.sum(0) if b_ih is not None else None
        d_x = d_gates @ w_ih.astype(acc, copy=False)
        if ctx.reverse:
            d_x = d_x[::-1]
        dt = x.dtype
        d_x, d_w_ih, d_w_hh, dh, dc = (a.astype(dt, copy=False) for a in (d_x, d_w_ih, d_w_hh, dh, dc))
        if d_b is not None:
            d_b = d_b.astype(dt, copy=False)
        return np.ascontiguousarray(d_x), d_w_ih, d_w_hh, d_b, (None if d_b is None else d_b.copy()), dh, dc, None


def _lstm_layer_double(ctx, g_out, g_hy, g_cy):
    """MkldnnRnnLayer's backward under create_graph: the composite layer recomputed from the saved inputs and
    differentiated with a graph, so the gradient is itself differentiable."""
    from ...autograd import grad as _grad
    saved = ctx.saved_tensors
    want = [i for i, s in enumerate(saved) if s is not None and s.requires_grad]
    with enable_grad():
        outs = _lstm_layer(*saved, ctx.reverse)
        pairs = [(o, g) for o, g in zip(outs, (g_out, g_hy, g_cy)) if g is not None]
        got = _grad([o for o, _ in pairs], [saved[i] for i in want], [g for _, g in pairs], create_graph=True,
                    allow_unused=True)
    res = [None] * 8
    for i, r in zip(want, got):
        res[i] = r
    return tuple(res)


class _TimeMajorToBatchFirst(Function):
    """RNN and GRU's batch-first output: torch transposes its fresh output in place, so the node is
    ``TransposeBackward1`` (``transpose_``); done out of place here, the intermediate being private."""
    _builtin = True
    _node_name = "TransposeBackward1"

    @staticmethod
    def forward(ctx, out):
        return out.swapaxes(0, 1)

    @staticmethod
    def backward(ctx, grad):
        # self: grad.transpose(0, 1)
        return grad.swapaxes(0, 1) if isinstance(grad, np.ndarray) else grad.transpose(0, 1)


def _gru_step(x_proj, h, w_hh, b_hh):
    x_r, x_z, x_n = chunk(x_proj, 3, -1)
    h_r, h_z, h_n = chunk(F.linear(h, w_hh, b_hh), 3, -1)
    r = _P.sigmoid(x_r + h_r)
    z = _P.sigmoid(x_z + h_z)
    cand = _P.tanh(x_n + r * h_n)
    return (1 - z) * cand + z * h


class RNNBase(Module):
    """Shared machinery of RNN, LSTM and GRU: parameters, checks, the layer/direction loop.

    Example::

        >>> import npgrad as torch
        >>> isinstance(torch.nn.LSTM(2, 2), torch.nn.RNNBase)
        True
        >>> torch.nn.GRU(2, 3).mode
        'GRU'
    """

    def _forward_one_state(self, input, hx, name):
        """RNN and GRU: one hidden state (LSTM carries two)."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        input, is_batched, batch_dim = self._prepare(input, name)
        if hx is not None:
            self._check_hx_dims(hx, is_batched)
            if not is_batched:
                hx = hx.unsqueeze(1)
        else:
            hx = self._zeros(input, self.hidden_size)
        self.check_forward_args(input, hx)
        output, hidden, _ = self._run_batched(input, hx)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = hidden.squeeze(1)
        return output, hidden

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: _device_t = None, dtype: _dtype_t = None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            _warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}")
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gates = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}.get(mode)
        if gates is None:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = gates * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes: list[tuple[str, tuple[int, ...]]] = [("weight_ih", (gate_size, layer_input)),
                                                             ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr", (proj_size, hidden_size))]
                names = []
                for name, shape in shapes:
                    setattr(self, name + suffix, empty_param(shape, device, dtype))
                    names.append(name + suffix)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    def __getstate__(self):
        # torch's RNN modules keep ``_flat_weights`` as an attribute and read it when unpickled: write it into
        # the pickled state so that torch loads a saved npgrad RNN (here it is a property over the parameters)
        state = dict(self.__dict__)
        state["_flat_weights"] = self._flat_weights
        return state

    def __setstate__(self, state):
        state = {k: v for k, v in state.items() if k not in ("_flat_weights", "_flat_weight_refs")}
        super().__setstate__(state)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op: npgrad keeps every weight as its own array (torch uses this for cuDNN)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------------ checks (torch's messages)
    def check_input(self, input: Tensor, batch_sizes: Tensor | None = None) -> None:
        w_dtype = self._flat_weights[0].dtype
        if input.dtype != w_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({w_dtype}). Convert "
                             f"input: input.to({w_dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.size(-1)}")

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: Tensor | None = None) -> tuple[int, int, int]:
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple[int, ...],
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.size()) != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: Tensor, hidden: Tensor, batch_sizes: Tensor | None = None) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def _prepare(self, input: Tensor, name: str) -> tuple[Tensor, bool, int]:
        if input.dim() not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D " +
                             ("tensor instead" if name == "RNN" else "instead"))
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
        return input, is_batched, batch_dim

    def _zeros(self, input, size):
        num_directions = 2 if self.bidirectional else 1
        batch = input.size(0) if self.batch_first else input.size(1)
        return _creation.zeros(self.num_layers * num_directions, batch, size, dtype=input.dtype)

    # ------------------------------------------------------------------ the recurrence
    def _run(self, input, hx, cx=None, lengths=None):
        """Time-major input (T, N, I), hx (L*D, N, H) -> output (T, N, D*H), h_n, c_n (LSTM only).

        With ``lengths`` (a packed batch, sorted longest first) a sequence's state stops changing after its last
        step, so h_n holds each sequence's own last state and the reverse direction starts at its last element.
        """
        steps = input.shape[0]
        num_directions = 2 if self.bidirectional else 1
        masks = None
        if lengths is not None:
            masks = [_creation.tensor((lengths > t)[:, None]) for t in range(steps)]
        layer_input = input
        h_n, c_n = [], []
        fused = self._fused(input) and lengths is None
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                idx = layer * num_directions + direction
                w = [getattr(self, n) for n in self._all_weights[idx]]
                w_ih, w_hh = w[0], w[1]
                b_ih, b_hh = (w[2], w[3]) if self.bias else (None, None)
                w_hr = w[-1] if self.proj_size > 0 else None
                h = hx[idx]
                c = cx[idx] if cx is not None else None
                if fused:  # torch's float32/bfloat16 LSTM: one oneDNN layer node per layer and direction
                    out, h, c = MkldnnRnnLayer.apply(layer_input, w_ih, w_hh, b_ih, b_hh, h, c, direction == 1)
                    outputs.append(out)
                    h_n.append(h)
                    c_n.append(c)
                    continue
                # every time step in one matmul, then one node hands out the steps (its backward stacks once)
                x_proj = unbind(F.linear(layer_input, w_ih, b_ih), 0)
                seq = [None] * steps
                for t in (range(steps - 1, -1, -1) if direction == 1 else range(steps)):
                    if self.mode == "LSTM":
                        h_new, c_new = _lstm_step(x_proj[t], h, c, w_hh, b_hh, w_hr)
                        c = c_new if masks is None else _P.where(masks[t], c_new, c)
                    elif self.mode == "GRU":
                        h_new = _gru_step(x_proj[t], h, w_hh, b_hh)
                    else:
                        h_new = _rnn_step(x_proj[t], h, w_hh, b_hh, self.mode == "RNN_RELU")
                    h = h_new if masks is None else _P.where(masks[t], h_new, h)
                    seq[t] = h
                outputs.append(stack(seq, 0))
                h_n.append(h)
                c_n.append(c)
            layer_input = outputs[0] if num_directions == 1 else cat(outputs, 2)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, stack(h_n, 0), (stack(c_n, 0) if cx is not None else None)

    def _fused(self, input):
        """Whether torch's CPU build runs this through oneDNN's fused layer: an LSTM in float32 or bfloat16
        without projections (a packed batch never is)."""
        return (self.mode == "LSTM" and self.proj_size == 0 and input.dtype.itemsize in (2, 4)
                and input.dtype.name in ("float32", "bfloat16"))

    def _run_batched(self, input, hx, cx=None):
        if not self.batch_first:
            return self._run(input, hx, cx)
        fused = self._fused(input)
        input = input.transpose(0, 1)
        if fused:
            input = input.contiguous()  # torch's oneDNN path copies the time-major input (CloneBackward0)
        output, h_n, c_n = self._run(input, hx, cx)
        if self.mode == "LSTM":
            return output.transpose(0, 1), h_n, c_n
        return _TimeMajorToBatchFirst.apply(output), h_n, c_n

    def _forward_packed(self, packed, hx):
        """RNN/LSTM/GRU on a PackedSequence: unpack (sorted order), masked recurrence, pack again."""
        lstm = self.mode == "LSTM"
        self.check_input(packed.data, packed.batch_sizes)
        padded, lengths = unpack_sorted(packed.data, packed.batch_sizes)
        batch = padded.shape[1]
        num_directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        shape = (self.num_layers * num_directions, batch)
        if hx is None:
            h0 = _creation.zeros(*shape, real_hidden, dtype=padded.dtype)
            c0 = _creation.zeros(*shape, self.hidden_size, dtype=padded.dtype) if lstm else None
        else:
            h0, c0 = hx if lstm else (hx, None)
            if packed.sorted_indices is not None:
                h0 = h0.index_select(1, packed.sorted_indices)
                c0 = c0.index_select(1, packed.sorted_indices) if lstm else None
        if lstm:
            self.check_hidden_size(h0, shape + (real_hidden,), "Expected hidden[0] size {}, got {}")
            self.check_hidden_size(c0, shape + (self.hidden_size,), "Expected hidden[1] size {}, got {}")
        else:
            self.check_hidden_size(h0, shape + (real_hidden,))
        out, h_n, c_n = self._run(padded, h0, c0, lengths)
        data, _ = pack_sorted(out, lengths)
        output = PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
        if packed.unsorted_indices is not None:
            h_n = h_n.index_select(1, packed.unsorted_indices)
            c_n = c_n.index_select(1, packed.unsorted_indices) if lstm else None
        return output, ((h_n, c_n) if lstm else h_n)

    def _check_hx_dims(self, hx, is_batched):
        if is_batched and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if not is_batched and hx.dim() != 2:
            raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu).

    Example::

        >>> import npgrad as torch
        >>> rnn = torch.nn.RNN(input_size=4, hidden_size=3, num_layers=2, batch_first=True)
        >>> out, h = rnn(torch.ones(5, 7, 4))
        >>> out.shape, h.shape
        (npgrad.Size([5, 7, 3]), npgrad.Size([2, 5, 3]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.__dict__["nonlinearity"] = args[3]
            args = args[:3] + args[4:]
        else:
            self.__dict__["nonlinearity"] = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    @overload
    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]: ...

    @overload
    def forward(self, input: PackedSequence, hx: Tensor | None = None) -> tuple[PackedSequence, Tensor]: ...

    def forward(self, input: Tensor | PackedSequence, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        return self._forward_one_state(input, hx, "RNN")


class GRU(RNNBase):
    """GRU: r, z = sigmoid(...), n = tanh(x W_in + b_in + r * (h W_hn + b_hn)), h' = (1 - z) n + z h.

    Example::

        >>> import npgrad as torch
        >>> gru = torch.nn.GRU(4, 3)
        >>> out, h = gru(torch.ones(7, 4))
        >>> out.shape, h.shape
        (npgrad.Size([7, 3]), npgrad.Size([1, 3]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    @overload
    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]: ...

    @overload
    def forward(self, input: PackedSequence, hx: Tensor | None = None) -> tuple[PackedSequence, Tensor]: ...

    def forward(self, input: Tensor | PackedSequence, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        return self._forward_one_state(input, hx, "GRU")


class LSTM(RNNBase):
    """LSTM with torch's gate order (input, forget, cell, output) and optional projection ``proj_size``.

    Example::

        >>> import npgrad as torch
        >>> lstm = torch.nn.LSTM(4, 3, bidirectional=True)
        >>> out, (h, c) = lstm(torch.ones(7, 5, 4))
        >>> out.shape, h.shape, c.shape
        (npgrad.Size([7, 5, 6]), npgrad.Size([2, 5, 3]), npgrad.Size([2, 5, 3]))
        >>> [name for name, _ in lstm.named_parameters()][:4]
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input: Tensor, batch_sizes: Tensor | None = None) -> tuple[int, int, int]:
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: tuple[Tensor, Tensor],  # type: ignore[override]
                           batch_sizes: Tensor | None = None) -> None:  # (LSTM's hidden state is the pair (h, c))
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    @overload
    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        ...

    @overload
    def forward(self, input: PackedSequence,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[PackedSequence, tuple[Tensor, Tensor]]: ...

    def forward(self, input: Tensor | PackedSequence,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Any, tuple[Tensor, Tensor]]:
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        input, is_batched, batch_dim = self._prepare(input, "LSTM")
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        if hx is None:
            hx = (self._zeros(input, real_hidden), self._zeros(input, self.hidden_size))
        else:
            want = 3 if is_batched else 2
            if hx[0].dim() != want or hx[1].dim() != want:
                kind = "batched 3-D" if is_batched else "unbatched 2-D"
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                   f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not is_batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx)
        output, h_n, c_n = self._run_batched(input, hx[0], hx[1])
        if not is_batched:
            output = output.squeeze(batch_dim)
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return output, (h_n, c_n)


# ------------------------------------------------------------------ cells
class RNNCellBase(Module):
    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = empty_param((num_chunks * hidden_size, input_size), device, dtype)
        self.weight_hh = empty_param((num_chunks * hidden_size, hidden_size), device, dtype)
        if bias:
            self.bias_ih = empty_param((num_chunks * hidden_size,), device, dtype)
            self.bias_hh = empty_param((num_chunks * hidden_size,), device, dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _batched(self, name, input, hx):
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = _creation.zeros(input.size(0), self.hidden_size, dtype=input.dtype)
        elif not is_batched:
            hx = hx.unsqueeze(0)
        return input, hx, is_batched


class RNNCell(RNNCellBase):
    """One Elman step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    Example::

        >>> import npgrad as torch
        >>> cell = torch.nn.RNNCell(4, 3, nonlinearity='relu')
        >>> h = cell(torch.ones(5, 4))
        >>> h.shape
        npgrad.Size([5, 3])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: _device_t = None, dtype: _dtype_t = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, hx, is_batched = self._batched("RNNCell", input, hx)
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        ret = _rnn_step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh,
                        self.nonlinearity == "relu")
        return ret if is_batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step; ``hx = (h, c)``; returns ``(h', c')``.

    Example::

        >>> import npgrad as torch
        >>> cell = torch.nn.LSTMCell(4, 3)
        >>> h, c = cell(torch.ones(5, 4))
        >>> h.shape, c.shape
        (npgrad.Size([5, 3]), npgrad.Size([5, 3]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        if input.dim() not in (1, 2):
            raise ValueError(f"LSTMCell: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got {value.dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = _creation.zeros(input.size(0), self.hidden_size, dtype=input.dtype)
            hx = (zeros, zeros)
        elif not is_batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        h, c = _lstm_step(F.linear(input, self.weight_ih, self.bias_ih), hx[0], hx[1], self.weight_hh,
                          self.bias_hh)
        return (h, c) if is_batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step.

    Example::

        >>> import npgrad as torch
        >>> cell = torch.nn.GRUCell(4, 3)
        >>> cell(torch.ones(5, 4), torch.zeros(5, 3)).shape
        npgrad.Size([5, 3])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: _device_t = None,
                 dtype: _dtype_t = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, hx, is_batched = self._batched("GRUCell", input, hx)
        ret = _gru_step(F.linear(input, self.weight_ih, self.bias_ih), hx, self.weight_hh, self.bias_hh)
        return ret if is_batched else ret.squeeze(0)
