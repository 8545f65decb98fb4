"""No leaks: graphs are freed by reference counting alone (the cycle collector stays off), and a long
training loop keeps a flat resident memory."""
import gc
import json
import os
import subprocess
import sys
import weakref

import npgrad

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TRAIN = r"""
import gc, json, sys
gc.disable()
import npgrad as torch
from npgrad import nn

def status():
    d = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, v = line.split(":", 1)
            if k in ("VmRSS", "VmHWM"):
                d[k] = int(v.split()[0])
    return d

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x, y = torch.randn(4, 8), torch.randint(0, 3, (4,))
steps = int(sys.argv[1])
samples = []
for i in range(steps):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    if i % (steps // 10) == 0 or i == steps - 1:
        samples.append(dict(step=i, objects=len(gc.get_objects()), **status()))
print(json.dumps(samples))
"""


def test_training_loop_memory_is_flat():
    """10,000 steps of a small MLP with Adam, gc disabled: VmRSS and the number of live objects stay flat."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    out = subprocess.run([sys.executable, "-c", TRAIN, "10000"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    samples = json.loads(out.stdout.strip().splitlines()[-1])
    first, last = samples[1], samples[-1]  # after step 1000: allocator and caches warmed up
    growth_kb = last["VmRSS"] - first["VmRSS"]
    assert growth_kb < 1024, f"resident memory grew by {growth_kb} kB over 9,000 steps: {samples}"
    assert last["VmHWM"] - first["VmHWM"] < 1024, samples
    assert last["objects"] - first["objects"] < 100, f"gc-tracked objects grow: {samples}"


def test_graph_freed_without_cycle_collector():
    """Tensors and nodes die by refcount once the user drops them: no Tensor <-> node cycle survives a step."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        x = npgrad.ones(3, requires_grad=True)
        w = npgrad.ones(3, requires_grad=True)
        h = (x * w).exp()
        h.retain_grad()
        y = h.sigmoid()
        loss = (y * y).sum()
        refs = [weakref.ref(t) for t in (h, y, loss)] + [weakref.ref(t.grad_fn) for t in (h, y, loss)]
        loss.backward()
        del h, y, loss
        assert all(r() is None for r in refs), [r() for r in refs]
        assert x.grad is not None and w.grad is not None
        # a graph that is never backpropagated is freed too, hooks and retain_graph included
        a = x.tanh()
        a.register_hook(lambda g: g * 2)
        b = (a * a).sum()
        b.backward(retain_graph=True)
        refs = [weakref.ref(a), weakref.ref(b), weakref.ref(a.grad_fn), weakref.ref(b.grad_fn)]
        del a, b
        assert all(r() is None for r in refs)
    finally:
        if enabled:
            gc.enable()


def test_saved_tensors_released_after_backward():
    """After backward (no retain_graph) the node keeps no saved arrays; the graph's memory is gone."""
    x = npgrad.randn(1000, requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    y.sum().backward()
    assert node._saved is None
    try:
        y.sum().backward()
    except RuntimeError as e:
        assert "second time" in str(e)
    else:
        raise AssertionError("second backward through a freed graph did not raise")


def test_leaf_keeps_its_grad_accumulator_weakly():
    """As in torch, a leaf refers to its AccumulateGrad node weakly: the node lives as long as a graph uses it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        x = npgrad.ones(3, requires_grad=True)
        y = x * 2
        acc = y.grad_fn.next_functions[0][0]
        ref = weakref.ref(acc)
        del acc
        assert ref() is not None
        del y
        assert ref() is None
        z = x * 3  # a new graph gets a new accumulator, and the old grads still accumulate
        z.sum().backward()
        x.exp().sum().backward()
        assert x.grad is not None
    finally:
        if enabled:
            gc.enable()
