"""The benchmark workloads, each written once for both frameworks.

Every builder takes ``m`` (the ``npgrad`` or the ``torch`` module) and ``cfg`` (a dict of sizes) and returns a
zero-argument callable: one timed unit of work (one training step, one forward + backward, ...). The callable
returns a tensor whose value the runner compares between the frameworks on the first call, so both sides are
known to compute the same thing. Initial weights and data come from NumPy with a fixed seed and are copied in,
so both frameworks start from identical values.
"""
import numpy as np

SEED = 0


def to_numpy(t):
    return t.detach().numpy()


def rng():
    return np.random.default_rng(SEED)


def load_params(m, params, seed=SEED):
    """Overwrite ``params`` (in ``parameters()`` order, the same in both frameworks) with NumPy-generated values:
    uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) like torch's default Linear/Conv init; a bias uses its weight's fan_in."""
    g = np.random.default_rng(seed)
    fan_in = 1
    with m.no_grad():
        for p in params:
            shape = tuple(p.shape)
            if len(shape) > 1:
                fan_in = int(np.prod(shape[1:]))
            bound = 1.0 / np.sqrt(fan_in)
            p.copy_(m.from_numpy(g.uniform(-bound, bound, shape).astype(np.float32)))


def _classification_data(m, batch, features, classes, seed=SEED + 1):
    g = np.random.default_rng(seed)
    x = m.from_numpy(g.standard_normal((batch,) + tuple(features), dtype=np.float32))
    y = m.from_numpy(g.integers(0, classes, batch).astype(np.int64))
    return x, y


def _train_step(m, net, opt, x, y):
    def step():
        opt.zero_grad()
        loss = m.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def _compiled_train_step(m, net, opt, x, y, compile):
    """The same step with the model and its loss compiled as one region, and ``opt.step`` compiled."""
    loss_fn = compile(lambda x, y: m.nn.functional.cross_entropy(net(x), y))
    opt_step = compile(opt.step)

    def step():
        opt.zero_grad()
        loss = loss_fn(x, y)
        loss.backward()
        opt_step()
        return loss
    return step


# W1 -------------------------------------------------------------------------------------------------------------
def _w1_chain(n):
    def chain(x):
        y = x
        for _ in range(n):
            y = y * 0.9
            y = y + x
            y = y.tanh()
            y = y.sigmoid()
            y = y.exp()
        return y.sum()
    return chain


def w1_op_overhead(m, cfg):
    """A chain of ``n_ops`` elementwise ops (scalar mul, add, tanh, sigmoid, exp) on a 16-float vector + backward."""
    x0 = np.linspace(-1, 1, 16, dtype=np.float32)
    chain = _w1_chain(cfg["w1_ops"] // 5)

    def run():
        x = m.tensor(x0, requires_grad=True)
        chain(x).backward()
        return x.grad
    return run


def w1_compiled(m, cfg, compile=None):
    """W1 with the chain (up to the sum) compiled; the leaf is made and backward() called outside, as in W1."""
    x0 = np.linspace(-1, 1, 16, dtype=np.float32)
    chain = (compile or m.compile)(_w1_chain(cfg["w1_ops"] // 5))

    def run():
        x = m.tensor(x0, requires_grad=True)
        chain(x).backward()
        return x.grad
    return run


# W2 / W3 --------------------------------------------------------------------------------------------------------
def mlp(m, sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(m.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(m.nn.ReLU())
    net = m.nn.Sequential(*layers)
    load_params(m, net.parameters())
    return net


def w2_small_mlp(m, cfg):
    """One SGD step of a 784-256-10 ReLU MLP with cross-entropy, batch 64."""
    net = mlp(m, (784, 256, 10))
    x, y = _classification_data(m, 64, (784,), 10)
    return _train_step(m, net, m.optim.SGD(net.parameters(), lr=0.01), x, y)


def w2_compiled(m, cfg, compile=None):
    """W2 with model + loss compiled as one region and the SGD step compiled."""
    net = mlp(m, (784, 256, 10))
    x, y = _classification_data(m, 64, (784,), 10)
    return _compiled_train_step(m, net, m.optim.SGD(net.parameters(), lr=0.01), x, y, compile or m.compile)


def w3_large_mlp(m, cfg):
    """One SGD step of a 784-2048-2048-10 ReLU MLP with cross-entropy, batch 512 (BLAS-bound)."""
    net = mlp(m, (784, 2048, 2048, 10))
    x, y = _classification_data(m, 512, (784,), 10)
    return _train_step(m, net, m.optim.SGD(net.parameters(), lr=0.01), x, y)


# W4 -------------------------------------------------------------------------------------------------------------
def w4_deep_chain(m, cfg):
    """A ``w4_ops``-long chain of multiplications on a scalar tensor, then backward."""
    n = cfg["w4_ops"]

    def run():
        x = m.tensor(1.0, requires_grad=True)
        y = x
        for _ in range(n):
            y = y * 1.0
        y.backward()
        return x.grad
    return run


# W5 -------------------------------------------------------------------------------------------------------------
def _cnn(m):
    nn = m.nn
    net = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    load_params(m, net.parameters())
    x, y = _classification_data(m, 32, (1, 28, 28), 10)
    return net, x, y


def w5_small_cnn(m, cfg):
    """One Adam step of conv(1->8)-ReLU-maxpool-conv(8->16)-ReLU-maxpool-linear(784->10), batch 32 of 28x28."""
    net, x, y = _cnn(m)
    return _train_step(m, net, m.optim.Adam(net.parameters(), lr=1e-3), x, y)


def w5_compiled(m, cfg, compile=None):
    """W5 with model + loss compiled as one region and the Adam step compiled."""
    net, x, y = _cnn(m)
    return _compiled_train_step(m, net, m.optim.Adam(net.parameters(), lr=1e-3), x, y, compile or m.compile)


# W6 -------------------------------------------------------------------------------------------------------------
def _rnn(m):
    steps, batch, n_in, n_h = 50, 32, 64, 128
    w_ih = m.nn.Parameter(m.empty(n_h, n_in))
    w_hh = m.nn.Parameter(m.empty(n_h, n_h))
    b = m.nn.Parameter(m.empty(n_h))
    params = [w_ih, w_hh, b]
    load_params(m, params)
    g = np.random.default_rng(SEED + 1)
    xs = [m.from_numpy(g.standard_normal((batch, n_in), dtype=np.float32)) for _ in range(steps)]
    h0 = m.zeros(batch, n_h)

    def loss_fn():
        h = h0
        for x in xs:
            h = m.tanh(x @ w_ih.T + h @ w_hh.T + b)
        return (h * h).mean()
    return params, loss_fn


def w6_rnn(m, cfg, compile=None):
    """A tanh RNN cell (input 64, hidden 128), batch 32, unrolled over 50 steps in a Python loop, then backward."""
    params, loss_fn = _rnn(m)
    if compile is not None:
        loss_fn = compile(loss_fn)

    def run():
        for p in params:
            p.grad = None
        loss = loss_fn()
        loss.backward()
        return params[1].grad
    return run


def w6_compiled(m, cfg, compile=None):
    """W6 with the unrolled forward and the loss compiled (parameters and inputs read from outside)."""
    return w6_rnn(m, cfg, compile or m.compile)


# W7 -------------------------------------------------------------------------------------------------------------
def w7_hvp(m, cfg):
    """Hessian-vector product of a 16-32-1 tanh MLP's MSE loss (batch 64): grad with create_graph, then grad again."""
    shapes = [(32, 16), (32,), (1, 32), (1,)]
    params = [m.nn.Parameter(m.empty(*s)) for s in shapes]
    load_params(m, params)
    g = np.random.default_rng(SEED + 1)
    x = m.from_numpy(g.standard_normal((64, 16), dtype=np.float32))
    y = m.from_numpy(g.standard_normal((64, 1), dtype=np.float32))
    vs = [m.from_numpy(g.standard_normal(s, dtype=np.float32)) for s in shapes]
    w1, b1, w2, b2 = params

    def run():
        out = m.tanh(x @ w1.T + b1) @ w2.T + b2
        loss = ((out - y) ** 2).mean()
        grads = m.autograd.grad(loss, params, create_graph=True)
        dot = sum((gr * v).sum() for gr, v in zip(grads, vs))
        hv = m.autograd.grad(dot, params)
        return hv[0]
    return run


# W10 ------------------------------------------------------------------------------------------------------------
def _w10(m, compile=None):
    net = mlp(m, (784, 256, 10))
    net.eval()
    x, _ = _classification_data(m, 64, (784,), 10)
    f = compile(net) if compile is not None else net

    def run():
        with m.inference_mode():
            return f(x)
    return run


def w10_inference(m, cfg):
    """No-grad inference over the W2 model: eval(), inference_mode, one forward of a batch of 64."""
    return _w10(m)


def w10_compiled(m, cfg, compile=None):
    """W10 with the model compiled."""
    return _w10(m, compile or m.compile)


# W11 ------------------------------------------------------------------------------------------------------------
def _gpt(m, vocab=65, block=32, n_embd=64, n_head=4, n_layer=2):
    """A GPT of nanoGPT's shape: token + position embeddings, pre-LayerNorm blocks of causal self-attention
    (the manual softmax(QK^T / sqrt(d)) V with a registered tril mask) and a GELU (tanh) MLP, final LayerNorm,
    a linear head, cross-entropy."""
    import math
    nn, F = m.nn, m.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)
            self.c_attn, self.c_proj = nn.Linear(n_embd, 3 * n_embd), nn.Linear(n_embd, n_embd)
            self.c_fc, self.mlp_proj = nn.Linear(n_embd, 4 * n_embd), nn.Linear(4 * n_embd, n_embd)
            self.gelu = nn.GELU(approximate="tanh")
            self.register_buffer("bias", m.tril(m.ones(block, block)).view(1, 1, block, block))

        def attn(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            q, k, v = (a.view(B, T, n_head, C // n_head).transpose(1, 2) for a in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            y = F.softmax(att, dim=-1) @ v
            return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(vocab, n_embd), nn.Embedding(block, n_embd)
            self.h = nn.ModuleList([Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.lm_head = nn.Linear(n_embd, vocab, bias=False)

        def forward(self, idx, targets):
            T = idx.size(1)
            x = self.wte(idx) + self.wpe(m.arange(T))
            for b in self.h:
                x = b(x)
            logits = self.lm_head(self.ln_f(x))
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

    net = GPT()
    g = np.random.default_rng(SEED)
    with m.no_grad():
        for p in net.parameters():
            p.copy_(m.from_numpy((g.standard_normal(tuple(p.shape)) * 0.05).astype(np.float32)))
    gd = np.random.default_rng(SEED + 1)
    idx = m.from_numpy(gd.integers(0, vocab, (16, block)).astype(np.int64))
    tgt = m.from_numpy(gd.integers(0, vocab, (16, block)).astype(np.int64))
    return net, idx, tgt


def _w11(m, compile=None):
    net, idx, tgt = _gpt(m)
    opt = m.optim.AdamW(net.parameters(), lr=1e-3)
    f = compile(net) if compile is not None else net
    opt_step = compile(opt.step) if compile is not None else opt.step

    def step():
        opt.zero_grad(set_to_none=True)
        loss = f(idx, tgt)
        loss.backward()
        opt_step()
        return loss
    return step


def w11_gpt(m, cfg):
    """One AdamW step of a 2-layer GPT (n_embd 64, 4 heads, block 32, batch 16, vocab 65)."""
    return _w11(m)


def w11_compiled(m, cfg, compile=None):
    """W11 with the model + loss compiled as one region and the AdamW step compiled."""
    return _w11(m, compile or m.compile)


BUILDERS = {
    "W1": w1_op_overhead,
    "W2": w2_small_mlp,
    "W3": w3_large_mlp,
    "W4": w4_deep_chain,
    "W5": w5_small_cnn,
    "W6": w6_rnn,
    "W7": w7_hvp,
    "W10": w10_inference,
    "W11": w11_gpt,
}

# compiled rows: npgrad.compile (or, in the torch.compile child, torch.compile) on the workload, against the
# eager workload of the same name without the "c"
COMPILED = {
    "W1c": w1_compiled,
    "W2c": w2_compiled,
    "W5c": w5_compiled,
    "W6c": w6_compiled,
    "W10c": w10_compiled,
    "W11c": w11_compiled,
}
