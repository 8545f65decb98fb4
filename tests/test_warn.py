"""npgrad's warnings name the user's line (as torch's do), also behind the public wrapper of ``_out`` and
through nested npgrad helpers."""
import warnings

import pytest
import torch

import npgrad

CALLS = [  # (the warning's class is checked vs torch by the modules' own tests)
    ("softmax without dim", lambda m: m.nn.functional.softmax(m.zeros(3))),
    ("deprecated init alias", lambda m: m.nn.init.xavier_uniform(m.zeros(3, 3))),
    ("out= resize", lambda m: m.add(m.zeros(2), m.zeros(2), out=m.zeros(5))),
    ("unknown matmul precision", lambda m: m.set_float32_matmul_precision("x")),
    ("non-inplace resize", lambda m: m.zeros(3).resize(3)),
]


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_warning_points_at_the_callers_line(name, call):
    for m in (torch, npgrad):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call(m)
        ours = [w for w in caught if issubclass(w.category, (UserWarning, FutureWarning))]
        assert ours, f"{m.__name__}: no warning for {name}"
        if m is npgrad:
            assert all(w.filename == __file__ for w in ours), [(w.filename, w.lineno) for w in ours]


def test_warn_helper_skips_every_npgrad_frame():
    from npgrad._warn import warn

    def inner():  # this frame is outside npgrad: the warning names it
        warn("x", RuntimeWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inner()
    assert caught[0].filename == __file__ and caught[0].category is RuntimeWarning
