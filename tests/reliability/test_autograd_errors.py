"""Autograd errors keep torch's class and wording and add what torch only shows under anomaly mode: the
forward op, the user's source line that created it (with source tracking on), and where a graph was cut."""
import sys
import warnings

import pytest
import torch

import npgrad
from npgrad.autograd import function as _function

HERE = "test_autograd_errors.py"


def _notes(e):
    return "\n".join(getattr(e, "__notes__", ()))


@pytest.fixture
def tracking():
    with npgrad.autograd.source_tracking():
        yield
    assert not npgrad.autograd.is_source_tracking_enabled()


def _both(fn):
    """Run fn on torch and npgrad; both must raise the same class with the same message."""
    errs = []
    for m in (torch, npgrad):
        with pytest.raises(Exception) as info:
            fn(m)
        errs.append(info.value)
    assert type(errs[1]) is type(errs[0]), errs
    assert str(errs[1]) == str(errs[0]) or str(errs[1]).startswith(str(errs[0])[:60]), errs
    return errs[1]


def _second_backward(m):
    x = m.ones(3, requires_grad=True)
    y = x.exp()  # the line a note must point at
    loss = y.sum()
    loss.backward()
    loss.backward()


def _modified_saved(m):
    x = m.ones(3, requires_grad=True)
    y = x.sigmoid()  # sigmoid saves its result
    y.mul_(2)
    y.sum().backward()


class _Bad:
    @staticmethod
    def make(m):
        class Scale(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return m.ones(5)
        return Scale


def _custom_shape(m):
    x = m.ones(3, requires_grad=True)
    _Bad.make(m).apply(x).sum().backward()


def _line_of(fn, text):
    import inspect
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, l in enumerate(lines) if text in l)


def test_second_backward_names_op_without_tracking():
    e = _both(_second_backward)
    notes = _notes(e)
    assert "ExpBackward0" in notes and "forward op: Exp" in notes, notes
    assert "set_source_tracking(True)" in notes, notes


def test_second_backward_names_source_line(tracking):
    e = _both(_second_backward)
    assert f"{HERE}:{_line_of(_second_backward, 'y = x.exp()')} in _second_backward" in _notes(e), _notes(e)


def test_inplace_modified_saved_tensor_names_op_and_line(tracking):
    e = _both(_modified_saved)
    notes = _notes(e)
    assert "SigmoidBackward0" in notes, notes
    assert f"{HERE}:{_line_of(_modified_saved, 'y = x.sigmoid()')} in _modified_saved" in notes, notes


def test_custom_backward_shape_mismatch_names_node_and_line(tracking):
    e = _both(_custom_shape)
    notes = _notes(e)
    assert "ScaleBackward" in notes, notes
    assert f"{HERE}:{_line_of(_custom_shape, '.apply(x)')} in _custom_shape" in notes, notes


def test_does_not_require_grad_names_the_cut(tracking):
    def cut_by_no_grad(m):
        x = m.ones(3, requires_grad=True)
        with m.no_grad():
            y = x * 2  # the cut
        (y.exp() + 1).sum().backward()

    e = _both(cut_by_no_grad)
    line = _line_of(cut_by_no_grad, "# the cut")
    assert "grad mode off" in _notes(e) and f"{HERE}:{line}" in _notes(e), _notes(e)


def test_does_not_require_grad_leaf_hint():
    e = _both(lambda m: m.ones(3).sum().backward())
    assert "requires_grad=True" in _notes(e) and "set_source_tracking(True)" in _notes(e), _notes(e)
    e = _both(lambda m: m.autograd.backward([m.ones(2, requires_grad=True).sum(), m.arange(3).sum()]))
    assert "tensor 1" in _notes(e) and "dtype" in _notes(e), _notes(e)


def test_tracking_is_off_by_default_and_restores_the_fast_path():
    plain = _function._apply_extras
    assert not npgrad.autograd.is_source_tracking_enabled()
    assert _function._extras == 0
    with npgrad.autograd.source_tracking():
        assert _function._extras == 1 and _function._apply_extras is not plain
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with npgrad.autograd.detect_anomaly():  # another extras user, nested
                x = npgrad.ones(2, requires_grad=True)
                x.exp().sum().backward()
        assert _function._extras == 1 and _function._apply_extras is not plain
        assert "source_" in (x * 2).grad_fn.metadata
    assert _function._apply_extras is plain
    assert _function._extras == 0
    # anomaly first, tracking inside it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with npgrad.autograd.detect_anomaly():
            with npgrad.autograd.source_tracking():
                assert "source_" in (x * 2).grad_fn.metadata
            assert "source_" not in (x * 2).grad_fn.metadata
            assert "traceback_" in (x * 2).grad_fn.metadata
    assert _function._extras == 0 and _function._apply_extras is plain


def test_tracking_keeps_results_and_gradients():
    def run():
        x = npgrad.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = (x.exp() * x.sigmoid()).sum()
        y.backward()
        return y.item(), x.grad.tolist()

    plain = run()
    with npgrad.autograd.source_tracking():
        tracked = run()
    assert plain == tracked


def test_error_notes_never_hide_the_error():
    """A node whose metadata is odd still raises the original error."""
    x = npgrad.ones(3, requires_grad=True)
    y = x.exp()
    y.grad_fn.metadata["source_"] = ("Exp", None)
    loss = y.sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()
    assert sys.exc_info() is not None
