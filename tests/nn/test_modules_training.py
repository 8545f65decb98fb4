"""A few training steps of small models, npgrad and torch from identical weights: the losses and the weights
after each plain SGD step must track torch's (the update is written by hand so no optimizer is involved)."""
import numpy as np
import pytest
import torch

import npgrad
from tests.nn.modules_oracle import copy_weights


def cnn(m):
    return m.nn.Sequential(
        m.nn.Conv2d(1, 4, 3, padding=1), m.nn.BatchNorm2d(4), m.nn.ReLU(), m.nn.MaxPool2d(2),
        m.nn.Conv2d(4, 4, 3, padding="same", groups=2), m.nn.GELU(), m.nn.AdaptiveAvgPool2d(2),
        m.nn.Flatten(), m.nn.Dropout(0.0), m.nn.Linear(16, 3))


class TinyLM:
    @staticmethod
    def build(m):
        class LM(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = m.nn.Embedding(7, 4, padding_idx=0)
                self.rnn = m.nn.LSTM(4, 6, num_layers=2, batch_first=True)
                self.norm = m.nn.LayerNorm(6)
                self.head = m.nn.Linear(6, 7)

            def forward(self, tokens):
                out, _ = self.rnn(self.emb(tokens))
                return self.head(self.norm(out)).reshape(-1, 7)
        return LM()


def data(kind, rng):
    if kind == "cnn":
        return rng.standard_normal((6, 1, 6, 6)).astype(np.float32), rng.integers(0, 3, 6)
    tokens = rng.integers(0, 7, (3, 5))
    return tokens, rng.integers(0, 7, 15)


@pytest.mark.parametrize("kind", ["cnn", "lm"])
def test_sgd_steps_track_torch(kind):
    build = cnn if kind == "cnn" else TinyLM.build
    torch.manual_seed(0)
    t_model, o_model = build(torch), build(npgrad)
    copy_weights(o_model, t_model)
    t_loss_fn, o_loss_fn = torch.nn.CrossEntropyLoss(), npgrad.nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    for step in range(4):
        x, y = data(kind, rng)
        t_loss = t_loss_fn(t_model(torch.tensor(x)), torch.tensor(y))
        o_loss = o_loss_fn(o_model(npgrad.tensor(x)), npgrad.tensor(y))
        np.testing.assert_allclose(o_loss.item(), t_loss.item(), rtol=1e-4, err_msg=f"step {step}")
        t_model.zero_grad()
        o_model.zero_grad()
        t_loss.backward()
        o_loss.backward()
        with torch.no_grad(), npgrad.no_grad():
            for t_p, o_p in zip(t_model.parameters(), o_model.parameters()):
                t_p -= 0.1 * t_p.grad
                o_p -= 0.1 * o_p.grad
    for (name, t_v), (name_o, o_v) in zip(t_model.state_dict().items(), o_model.state_dict().items()):
        assert name == name_o
        np.testing.assert_allclose(o_v.numpy(), t_v.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
