"""The operators, one family a file. Each op is a ``Function`` with ``forward`` directly above ``backward``;
the first line of every ``backward`` is its formula in the vocabulary of PyTorch's derivatives.yaml."""
