"""``npgrad.backends.mkldnn``: oneDNN's switch. npgrad does not use oneDNN, so it is not available."""
import contextlib

enabled = True
deterministic = False


def is_available():
    return False


@contextlib.contextmanager
def flags(enabled=False, deterministic=False):
    g = globals()
    old = (g["enabled"], g["deterministic"])
    g.update(enabled=enabled, deterministic=deterministic)
    try:
        yield
    finally:
        g["enabled"], g["deterministic"] = old
