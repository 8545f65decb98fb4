"""Random numbers: ``Generator`` and ``manual_seed`` over NumPy's PCG64.

npgrad's streams are not torch's: the same seed gives reproducible npgrad values, not torch's values.
"""
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only (_tensor imports this module)
    from ._tensor import Tensor, device as _Device

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "default_generator", "get_rng_state",
           "set_rng_state"]


class Generator:
    """A seeded source of random numbers, passed as ``generator=`` to the random creation functions.

    Example:
        >>> import npgrad as torch
        >>> g = torch.Generator().manual_seed(42)
        >>> a = torch.rand(3, generator=g)
        >>> _ = g.manual_seed(42)
        >>> torch.equal(a, torch.rand(3, generator=g))
        True
    """

    def __init__(self, device: "_Device | str | int" = "cpu") -> None:
        from ._tensor import device as _device
        if _device(device).type != "cpu":
            raise RuntimeError(f"Cannot get a {_device(device).type} generator: npgrad computes on the CPU only")
        self._seed = 67280421310721  # torch's default seed, for familiarity
        self._rng_obj: np.random.Generator | None = None  # made on first use: `import npgrad` skips numpy.random

    def manual_seed(self, seed: int) -> "Generator":
        seed = int(seed)
        if seed < 0 or seed >= 2 ** 64:
            raise RuntimeError("Overflow when unpacking long")
        self._seed = seed
        self._rng_obj = np.random.default_rng(seed)
        return self

    @property
    def _rng(self):
        if self._rng_obj is None:
            self._rng_obj = np.random.default_rng(self._seed)
        return self._rng_obj

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy) % (2 ** 63)  # type: ignore[arg-type]  # an int when none is given
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> "Tensor":
        """The generator's state as a uint8 tensor (JSON text: restoring it never executes code)."""
        import json
        from ._creation import tensor
        raw = json.dumps(self._rng.bit_generator.state).encode()
        return tensor(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: "Tensor") -> "Generator":
        import json
        try:
            state = json.loads(new_state.numpy().tobytes().decode())
        except (ValueError, UnicodeDecodeError):
            state = None
        if not isinstance(state, dict) or "bit_generator" not in state:
            raise RuntimeError("set_state: expected a state tensor made by get_state()")
        self._rng.bit_generator.state = state
        return self

    @property
    def device(self) -> "_Device":
        from ._tensor import device
        return device("cpu")


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (npgrad's own stream; values differ from torch's).

    Args:
        seed (int): the seed.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(0)
        >>> a = torch.rand(2)
        >>> _ = torch.manual_seed(0)
        >>> torch.equal(a, torch.rand(2))
        True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seeds the default random number generator with a fresh non-deterministic seed.

    Returns:
        int: the seed used.

    Example:
        >>> import npgrad as torch
        >>> s = torch.seed()
        >>> torch.initial_seed() == s
        True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default random number generator was last seeded with.

    Returns:
        int: the seed.

    Example:
        >>> import npgrad as torch
        >>> _ = torch.manual_seed(7)
        >>> torch.initial_seed()
        7
    """
    return default_generator.initial_seed()


def get_rng_state() -> "Tensor":
    """The state of the default random number generator, to restore later with :func:`set_rng_state`.

    Returns:
        Tensor: a uint8 tensor holding the state (npgrad's generator's, not the same bytes as torch's).

    Example:
        >>> import npgrad as torch
        >>> s = torch.get_rng_state()
        >>> a = torch.rand(3)
        >>> torch.set_rng_state(s)
        >>> torch.equal(torch.rand(3), a)
        True
    """
    return default_generator.get_state()


def set_rng_state(new_state: "Tensor") -> None:
    """Restores the default random number generator to a state from :func:`get_rng_state`.

    Args:
        new_state (Tensor): a uint8 tensor from ``get_rng_state()``.

    Returns:
        None

    Example:
        >>> import npgrad as torch
        >>> s = torch.get_rng_state()
        >>> a = torch.randn(2)
        >>> torch.set_rng_state(s)
        >>> torch.equal(torch.randn(2), a)
        True
    """
    default_generator.set_state(new_state)


def rng(generator=None):
    return (generator or default_generator)._rng
