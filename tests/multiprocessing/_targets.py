"""Functions run in child processes by test_shared.py (a module without torch, so spawned children start quickly)."""


def add_rank(rank, x, bias):
    x[rank] += 10 * (rank + 1)
    bias.data[rank] += 1.0  # (each child its own element: two children adding to one would race)


def sgd_steps(model, lib_name, steps):
    import importlib
    lib = importlib.import_module(lib_name)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        model(lib.ones(1, 3)).sum().backward()
        opt.step()


def report(q, t):
    q.put((t.is_shared(), t.sum().item(), tuple(t.shape)))
