"""Property tests: random layer configurations and input shapes, each checked against torch with
``check_module`` (state_dict, repr, outputs, input and parameter gradients)."""
import warnings

import numpy as np
from hypothesis import given, settings, strategies as st

from tests.nn.modules_oracle import ModuleInfo, check_module


def _run(name, make, shapes, **kw):
    inputs = (lambda r: [r.standard_normal(s).astype(np.float32) for s in shapes])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_module(ModuleInfo(name, make, inputs, **kw))


@settings(max_examples=15)
@given(batch=st.lists(st.integers(1, 3), max_size=3), fin=st.integers(1, 4), fout=st.integers(1, 4),
       bias=st.booleans())
def test_linear_any_batch_dims(batch, fin, fout, bias):
    _run("Linear", lambda m: m.nn.Linear(fin, fout, bias=bias), [tuple(batch) + (fin,)])


@settings(max_examples=12)
@given(groups=st.sampled_from([1, 2]), cin=st.sampled_from([2, 4]), cout=st.sampled_from([2, 4]),
       k=st.integers(1, 3), stride=st.integers(1, 2), padding=st.integers(0, 2), dilation=st.integers(1, 2),
       size=st.integers(5, 7), transposed=st.booleans(), batched=st.booleans())
def test_conv2d_configurations(groups, cin, cout, k, stride, padding, dilation, size, transposed, batched):
    shape = ((2,) if batched else ()) + (cin, size, size - 1)
    if transposed:
        out_pad = min(stride, dilation) - 1
        make = (lambda m: m.nn.ConvTranspose2d(cin, cout, k, stride, padding, out_pad, groups, True, dilation))
    else:
        make = (lambda m: m.nn.Conv2d(cin, cout, k, stride, padding, dilation, groups))
    _run("Conv", make, [shape])


@settings(max_examples=15)
@given(k=st.integers(1, 3), stride=st.integers(1, 3), ceil=st.booleans(), size=st.integers(4, 7),
       kind=st.sampled_from(["max", "avg"]), pad=st.integers(0, 1))
def test_pool2d_configurations(k, stride, ceil, size, kind, pad):
    pad = min(pad, k // 2)
    if kind == "max":
        make = (lambda m: m.nn.MaxPool2d(k, stride, pad, ceil_mode=ceil))
    else:
        make = (lambda m: m.nn.AvgPool2d(k, stride, pad, ceil_mode=ceil, count_include_pad=False))
    _run("Pool", make, [(1, 2, size, size + 1)])


@settings(max_examples=12)
@given(kind=st.sampled_from(["RNN", "LSTM", "GRU"]), layers=st.integers(1, 2), bidirectional=st.booleans(),
       batch_first=st.booleans(), bias=st.booleans(), steps=st.integers(1, 4), proj=st.booleans())
def test_recurrent_configurations(kind, layers, bidirectional, batch_first, bias, steps, proj):
    kw = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    if kind == "LSTM" and proj:
        kw["proj_size"] = 2
    shape = (2, steps, 3) if batch_first else (steps, 2, 3)
    _run(kind, lambda m: getattr(m.nn, kind)(3, 4, **kw), [shape])
