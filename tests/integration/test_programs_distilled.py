"""What unchanged public torch programs tripped over when run on npgrad (tools/real_programs/), each distilled into
a small differential test against torch: same values, dtypes and exception classes."""
import numpy as np
import pytest
import torch

import npgrad


def _raises_same(fn_t, fn_n):
    try:
        fn_t()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        cls = type(e)
    else:
        cls = None
    if cls is None:
        fn_n()
        return
    with pytest.raises(cls):
        fn_n()


# MorvanZhou 302_classification: torch.cat(...).type(torch.FloatTensor) / .type(torch.LongTensor)
@pytest.mark.parametrize("name", ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ByteTensor",
                                  "BoolTensor", "HalfTensor", "ShortTensor", "CharTensor"])
def test_type_with_legacy_tensor_class(name):
    data = [[0.5, -1.0], [2.0, 3.0]]
    t = torch.tensor(data).type(getattr(torch, name))
    n = npgrad.tensor(data).type(getattr(npgrad, name))
    assert str(n.dtype).split(".")[1] == str(t.dtype).split(".")[1]
    np.testing.assert_array_equal(n.numpy(), t.numpy())
    assert n.type() == t.type()


def test_type_with_tensor_class_and_errors():
    assert npgrad.ones(2, dtype=npgrad.int64).type(npgrad.Tensor).dtype == npgrad.float32
    assert torch.ones(2, dtype=torch.int64).type(torch.Tensor).dtype == torch.float32
    for make_t, make_n in ((lambda: torch.cuda.FloatTensor, lambda: npgrad.cuda.FloatTensor),
                           (lambda: "torch.cuda.FloatTensor", lambda: "torch.cuda.FloatTensor"),
                           (lambda: int, lambda: int), (lambda: "torch.Nope", lambda: "torch.Nope")):
        _raises_same(lambda: torch.ones(2).type(make_t()), lambda: npgrad.ones(2).type(make_n()))


# pytorch/tutorials polynomial_autograd: `a.grad = 0.` is refused (TypeError) by torch and by npgrad
def test_assigning_a_float_grad_is_a_type_error():
    _raises_same(lambda: setattr(torch.ones((), requires_grad=True), "grad", 0.0),
                 lambda: setattr(npgrad.ones((), requires_grad=True), "grad", 0.0))


# pytorch/tutorials two_layer_net_module (pre-0.4 code): loss.data[0] on a 0-d loss is an IndexError
def test_indexing_a_0d_tensor_is_an_index_error():
    _raises_same(lambda: torch.tensor(1.5).data[0], lambda: npgrad.tensor(1.5).data[0])


# pytorch/tutorials sequence_models_tutorial: F.log_softmax(x) without dim warns at the caller's line, as torch
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_implicit_softmax_dim_warning_points_at_the_caller(name):
    import warnings
    lines = {}
    for lib in (torch, npgrad):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(lib.nn.functional, name)(lib.ones(2, 3)); line = __import__("inspect").currentframe().f_lineno
        (w,) = [c for c in caught if "Implicit dimension" in str(c.message)]
        assert w.filename == __file__ and w.lineno == line
        lines[lib.__name__] = w.lineno
    assert lines["torch"] == lines["npgrad"]
