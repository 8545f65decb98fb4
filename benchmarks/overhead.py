"""Per-op overhead: a chain of small elementwise ops, forward + backward, and a 1,000,000-op chain.

    python benchmarks/overhead.py [--deep N]

Prints microseconds per op for npgrad and torch (same process, interleaved) and the ratio npgrad/torch.
"""
import argparse
import sys

import numpy as np
import torch

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "src"))
import npgrad  # noqa: E402
from _harness import interleaved, summarise, print_table, save  # noqa: E402

torch.set_num_threads(1)


def chain(m, n_ops=200, size=16):
    """n_ops elementwise ops cycling scalar mul, add, tanh, sigmoid, exp; then backward."""
    x0 = np.linspace(-1, 1, size, dtype=np.float32)

    def run():
        x = m.tensor(x0, requires_grad=True)
        y = x
        for i in range(n_ops // 5):
            y = y * 0.9
            y = y + x
            y = y.tanh()
            y = y.sigmoid()
            y = y.exp()
        y.sum().backward()
        return x.grad
    return run


def deep(m, n):
    def run():
        x = m.tensor(1.0, requires_grad=True)
        y = x
        for _ in range(n):
            y = y * 1.0
        y.backward()
        return x.grad
    return run


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--deep", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=15)
    a = p.parse_args()
    rows = []
    t = interleaved({"npgrad": chain(npgrad), "torch": chain(torch)}, repeats=a.repeats)
    rows.append(summarise("W1 chain of 200 ops on 16 floats (us/op)", t, 1e6, "us", per=201))
    t = interleaved({"npgrad": deep(npgrad, a.deep), "torch": deep(torch, a.deep)}, repeats=3, warmup=0)
    rows.append(summarise(f"{a.deep:,}-op scalar chain fwd+bwd (us/op)", t, 1e6, "us", per=a.deep))
    print_table(rows)
    save("overhead", rows)


if __name__ == "__main__":
    main()
