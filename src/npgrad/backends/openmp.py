"""``npgrad.backends.openmp``: npgrad runs no OpenMP kernels of its own."""


def is_available():
    return False
