"""Train a small CNN on scikit-learn's 8x8 digits, on npgrad or on torch: the code is the same.

    python examples/train_digits.py                    # npgrad
    python examples/train_digits.py --backend torch    # the same script on PyTorch
    python examples/train_digits.py --compile          # model and optimizer step through torch.compile

Conv-ReLU-MaxPool twice, then a linear layer; Adam with a OneCycle schedule; batches from a DataLoader over a
TensorDataset. After training it saves a checkpoint (model, optimizer and scheduler state), reloads it into a
fresh model and checks the accuracy again, and writes a loss/accuracy plot. Needs the demo extras:
``pip install scikit-learn tqdm matplotlib``.
"""
import argparse
import os
import time

import numpy as np


def load_torch(backend):
    """The one line that differs between the backends: ``import torch`` or ``import npgrad as torch``."""
    if backend == "torch":
        import torch
    else:
        import npgrad as torch
    return torch


def digits_split(seed=0, test_fraction=0.2):
    """The 1797 digits as float32 images in [0, 1] (N, 1, 8, 8) and int64 labels, split with a fixed seed."""
    from sklearn.datasets import load_digits
    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)[:, None]
    y = data.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(len(y) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return (x[train], y[train]), (x[test], y[test])


def build_model(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 4 x 4
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 2 x 2
        nn.Flatten(), nn.Linear(32 * 2 * 2, 10))


class EpochShuffle:
    """A sampler: a new random order every epoch, drawn with NumPy so that both backends see the same batches
    (``shuffle=True`` would draw from each backend's own generator)."""

    def __init__(self, n, seed):
        self.n, self.rng = n, np.random.default_rng(seed)

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())

    def __len__(self):
        return self.n


def evaluate(torch, model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    model.train()
    return loss, accuracy


def train(backend="npgrad", epochs=12, batch_size=64, lr=0.02, seed=0, init_weights=None, progress=True,
          out_dir=None, log=None, compile=False):
    """Train and return a dict with the per-batch losses, per-epoch history, final and reloaded accuracy.

    ``compile=True``: the model and ``optimizer.step`` go through ``torch.compile`` (on npgrad, the first batch
    of each shape is captured and later ones replay the captured program); the losses are the same."""
    torch = load_torch(backend)
    torch.manual_seed(seed)
    (xtr, ytr), (xte, yte) = digits_split(seed)
    xtr, ytr, xte, yte = (torch.tensor(a) for a in (xtr, ytr, xte, yte))
    model = build_model(torch)
    if init_weights is not None:  # NumPy arrays by state-dict name: start both backends from the same weights
        model.load_state_dict({k: torch.tensor(v) for k, v in init_weights.items()})
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr), batch_size=batch_size,
                                         sampler=EpochShuffle(len(ytr), seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, epochs=epochs,
                                                    steps_per_epoch=len(loader))
    loss_fn = torch.nn.CrossEntropyLoss()
    net, optimizer_step = model, optimizer.step
    if compile:   # the state_dict is saved from ``model`` itself, without the compiled wrapper's key prefix
        net, optimizer_step = torch.compile(model), torch.compile(optimizer.step)
    bar = _progress(progress)
    if log is None:  # with a progress bar, print through tqdm so that lines and bars do not mix
        log = getattr(bar, "write", print)
    batch_losses, history = [], []
    start = time.perf_counter()
    for epoch in range(epochs):
        total, count = 0.0, 0
        for xb, yb in bar(loader, desc=f"[{backend}] epoch {epoch + 1}/{epochs}", leave=False):
            optimizer.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            optimizer_step()
            scheduler.step()
            batch_losses.append(loss.item())
            total += loss.item() * len(yb)
            count += len(yb)
        test_loss, test_acc = evaluate(torch, net, xte, yte)
        history.append({"epoch": epoch + 1, "train_loss": total / count, "test_loss": test_loss,
                        "test_accuracy": test_acc})
        log(f"[{backend}] epoch {epoch + 1:2d}  train loss {total / count:.4f}  test loss {test_loss:.4f}  "
            f"test accuracy {test_acc:.2%}")
    seconds = time.perf_counter() - start
    result = {"backend": backend, "batch_losses": batch_losses, "history": history, "seconds": seconds,
              "accuracy": history[-1]["test_accuracy"] if history else None}
    counters = getattr(torch.compiler, "counters", None)   # npgrad's; torch keeps its own in torch._dynamo
    if compile and counters is not None:
        result["compiler"] = {k: int(counters[k]) for k in ("captures", "replays", "graph_breaks")}
    if out_dir is not None:
        result.update(checkpoint_roundtrip(torch, model, optimizer, scheduler, epochs, xte, yte, out_dir, backend))
        result["plot"] = plot(history, os.path.join(out_dir, f"digits_{backend}.png"), backend)
    return result


def checkpoint_roundtrip(torch, model, optimizer, scheduler, epochs, xte, yte, out_dir, backend):
    """Save everything needed to resume, load it into fresh objects, and check the accuracy survives."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"digits_{backend}.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "epoch": epochs}, path)
    checkpoint = torch.load(path, weights_only=True)
    fresh = build_model(torch)
    fresh.load_state_dict(checkpoint["model"])
    fresh_optimizer = torch.optim.Adam(fresh.parameters())
    fresh_optimizer.load_state_dict(checkpoint["optimizer"])
    _, accuracy = evaluate(torch, fresh, xte, yte)
    return {"checkpoint": path, "reloaded_accuracy": accuracy, "checkpoint_epoch": checkpoint["epoch"]}


def plot(history, path, backend):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    epochs = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax1.plot(epochs, [h["train_loss"] for h in history], label="train")
    ax1.plot(epochs, [h["test_loss"] for h in history], label="test")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("cross-entropy")
    ax1.legend()
    ax2.plot(epochs, [100 * h["test_accuracy"] for h in history], color="tab:green")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("test accuracy (%)")
    fig.suptitle(f"8x8 digits, small CNN on {backend}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _progress(enabled):
    if enabled:
        try:
            from tqdm import tqdm
            return tqdm
        except ImportError:
            pass
    return lambda iterable, **kwargs: iterable


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["npgrad", "torch"], default="npgrad")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="digits_out", help="folder for the checkpoint and the plot")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--compile", action="store_true", help="train with torch.compile(model) and a compiled "
                        "optimizer step (same losses)")
    args = parser.parse_args(argv)
    r = train(args.backend, args.epochs, args.batch_size, args.lr, args.seed, progress=not args.no_progress,
              out_dir=args.out, compile=args.compile)
    print(f"[{args.backend}] test accuracy {r['accuracy']:.2%} in {r['seconds']:.1f} s "
          f"(reloaded from {r['checkpoint']}: {r['reloaded_accuracy']:.2%}); plot: {r['plot']}")
    if "compiler" in r:
        c = r["compiler"]
        print(f"[{args.backend}] compiled: {c['captures']} captures, {c['replays']} replays, "
              f"{c['graph_breaks']} graph breaks")
    return r


if __name__ == "__main__":
    main()
