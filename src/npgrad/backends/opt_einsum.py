"""``npgrad.backends.opt_einsum``: contraction-order switches for ``einsum`` (NumPy's ``optimize`` decides)."""
enabled = True
strategy = "auto"


def is_available():
    return True
