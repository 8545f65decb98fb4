"""npgrad.testing against torch.testing: same pass/fail, exception class and message (torch -> npgrad names)."""
import numpy as np
import pytest
import torch

import npgrad

NAN, INF = float("nan"), float("inf")

CASES = [
    lambda m: (m.tensor([1.0, 2, 3]), m.tensor([1.0, 2.5, 3])),
    lambda m: (m.tensor([1.0, 2, 3]), m.tensor([1.0, 2.0, 3], dtype=m.float64)),
    lambda m: (m.tensor([1.0, 2, 3]), m.tensor([1.0, 2.0])),
    lambda m: (m.tensor([1, 2, 3]), m.tensor([1, 2, 4])),
    lambda m: (m.tensor([1.0, NAN]), m.tensor([1.0, NAN])),
    lambda m: (m.tensor([1.0, NAN]), m.tensor([1.0, NAN]), {"equal_nan": True}),
    lambda m: (1.0, 1.5), lambda m: (1, 2), lambda m: (2, 2.0), lambda m: ("a", "b"),
    lambda m: (m.tensor([1.0, 2]), [1.0, 2]),
    lambda m: ([m.tensor(1.0)], [m.tensor(2.0)]),
    lambda m: ({"a": m.tensor(1.0)}, {"a": m.tensor(2.0)}),
    lambda m: ((m.tensor(1.0), 2), (m.tensor(1.0), 2)),
    lambda m: (m.tensor([[1.0, 2], [3, 4]]), m.tensor([[1.0, 2], [3, 5]]), {"msg": "custom"}),
    lambda m: (m.tensor([1.0, 2]), m.tensor([1.0, 3]), {"msg": lambda s: "X" + s}),
    lambda m: (m.tensor([True]), m.tensor([False])),
    lambda m: (m.tensor(1.0), m.tensor(2.0)),
    lambda m: (m.tensor([1.0, 2]), m.tensor([1.0, 2.0], dtype=m.float64), {"check_dtype": False}),
    lambda m: (m.tensor([1.0]), m.tensor([1.0]), {"rtol": 1e-3}),
    lambda m: (m.tensor([0.0, 0]), m.tensor([1e-6, 0.0])),
    lambda m: (m.tensor([1.0, 1.1]), m.tensor([1.0, 1.0]), {"rtol": 0.2, "atol": 0.0}),
    lambda m: (m.tensor([1.0, INF]), m.tensor([1.0, INF])),
    lambda m: (m.tensor([1.0, INF]), m.tensor([1.0, -INF])),
    lambda m: (m.tensor([1.0, NAN]), m.tensor([1.0, 1])),
    lambda m: (m.tensor([1.0, 2]).numpy(), m.tensor([1.0, 2.5]).numpy()),
    lambda m: (m.tensor([1.0, 2]).numpy(), m.tensor([1.0, 2])),
    lambda m: (m.tensor([1.0, 2], dtype=m.float16), m.tensor([1.0, 2.001], dtype=m.float16)),
    lambda m: (m.tensor([[1, 5], [3, 4]]), m.tensor([[1, 2], [3, 9]])),
    lambda m: ([1, 2], [1, 2, 3]),
]


def _run(m, case):
    args = case(m)
    kw = args[2] if len(args) == 3 else {}
    try:
        m.testing.assert_close(args[0], args[1], **kw)
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None, None


@pytest.mark.parametrize("i", range(len(CASES)))
def test_assert_close_as_torch(i):
    te, tm = _run(torch, CASES[i])
    oe, om = _run(npgrad, CASES[i])
    assert oe is te, (om, tm)
    if tm is not None and te is AssertionError:
        assert om == tm.replace("torch.", "npgrad."), f"\n{om}\n---\n{tm}"


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int8", "uint8", "bool"])
def test_make_tensor_ranges(dtype):
    for m in (npgrad, torch):
        t = m.testing.make_tensor(200, 3, dtype=getattr(m, dtype), device="cpu")
        assert tuple(t.shape) == (200, 3) and str(t.dtype).endswith(dtype)
        a = t.numpy().astype(np.float64)
        lo, hi = (0, 10) if dtype == "uint8" else (0, 1) if dtype == "bool" else (-9, 9 if "float" in dtype else 9)
        assert a.min() >= lo and a.max() <= hi
    t = npgrad.testing.make_tensor((4,), dtype=npgrad.float32, device="cpu", low=2, high=3, requires_grad=True,
                                   exclude_zero=True)
    assert t.requires_grad and float(t.min()) >= 2 and float(t.max()) < 3


def test_make_tensor_errors_as_torch():
    for kw in [dict(low=3, high=1), dict(low=float("nan"))]:
        errs = []
        for m in (npgrad, torch):
            with pytest.raises(ValueError) as e:
                m.testing.make_tensor(3, dtype=m.float32, device="cpu", **kw)
            errs.append(str(e.value))
        assert errs[0] == errs[1]
    with pytest.raises(TypeError):
        npgrad.testing.make_tensor(3, dtype=npgrad.float32)
