"""``Join``: training with uneven inputs across ranks (``torch.distributed.algorithms.Join``'s design).

Every rank runs its own number of iterations inside ``with Join([ddp_model]):`` (or ``with ddp_model.join():``).
Each iteration of a rank that still has inputs announces itself with an all-reduce (``notify_join_context``,
called by DDP's forward). A rank that runs out leaves its loop and, in ``__exit__``, keeps answering the other
ranks: each round it all-reduces a zero (counting the ranks still active), and while some are, runs each
joinable's ``main_hook`` - for DDP, the collectives of one training step with zero gradients - so that the
active ranks' collectives complete. When the count reaches zero every rank runs the ``post_hook``s (DDP:
the model of a rank that joined last is broadcast to all ranks).
"""
from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np

from ... import _tensor as _t
from .. import _collectives as _coll
from .. import distributed_c10d as _c10d

__all__ = ["Join", "Joinable", "JoinHook"]


class JoinHook:
    """What a Joinable does for a joined rank: ``main_hook()`` shadows one iteration of the active ranks'
    collectives; ``post_hook(is_last_joiner)`` runs once every rank has joined."""

    def main_hook(self) -> None:
        pass

    def post_hook(self, is_last_joiner: bool) -> None:
        pass


class _JoinConfig:
    __slots__ = ("enable", "throw_on_early_termination", "is_first_joinable")

    def __init__(self, enable=False, throw_on_early_termination=False, is_first_joinable=False):
        self.enable, self.throw_on_early_termination = enable, throw_on_early_termination
        self.is_first_joinable = is_first_joinable


class Joinable:
    """A class that can take part in ``Join``: implement ``join_hook(**kwargs)`` and the ``join_device`` and
    ``join_process_group`` properties."""

    @property
    def _join_config(self):
        return self.__dict__.get("_npgrad_join_config") or _JoinConfig()

    @_join_config.setter
    def _join_config(self, config):
        self.__dict__["_npgrad_join_config"] = config

    def join_hook(self, **kwargs: Any) -> JoinHook:
        raise NotImplementedError

    @property
    def join_device(self) -> Any:
        raise NotImplementedError

    @property
    def join_process_group(self) -> Any:
        raise NotImplementedError


class Join:
    """Context manager for uneven inputs: ``with Join(joinables, enable=True, throw_on_early_termination=False,
    **kwargs):`` (the keyword arguments go to each joinable's ``join_hook``).

    With ``throw_on_early_termination=True`` the first rank to run out makes every rank raise a RuntimeError
    instead of shadowing the others."""

    def __init__(self, joinables: list[Joinable], enable: bool = True, throw_on_early_termination: bool = False,
                 **kwargs: Any) -> None:
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        for j in joinables:
            if not isinstance(j, Joinable):
                raise TypeError(f"Join expects Joinable objects (e.g. DistributedDataParallel), got "
                                f"{type(j).__name__}")
        self._joinables = list(joinables)
        self._join_hooks = [j.join_hook(**kwargs) for j in self._joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        self._process_group = self._joinables[0].join_process_group
        for j in self._joinables[1:]:
            if j.join_process_group is not self._process_group:
                raise ValueError("Using join context manager with multiple process groups")
        self._set_configs()

    def _set_configs(self):
        for i, j in enumerate(self._joinables):
            j._join_config = _JoinConfig(self._enable, self._throw_on_early_termination, i == 0)

    def _reset_configs(self):
        for j in self._joinables:
            j._join_config = _JoinConfig()

    def __enter__(self) -> Join:
        return self

    def __exit__(self, type: type[BaseException] | None, value: BaseException | None,
                 traceback: Any) -> Literal[False]:
        if not self._enable or type is not None:
            self._reset_configs()
            return False
        try:
            all_joined, is_last_joiner, rounds = False, True, 0
            rank = _c10d.get_rank(self._process_group)
            while not all_joined:
                if rounds == 1000:
                    warnings.warn(f"Detected uneven input skew of greater than 1000. This means that rank {rank} "
                                  "has at least 1000 fewer inputs than other currently-active ranks. This level of "
                                  "skew could lead to performance degradation during training.")
                if self._count(0) == 0:
                    all_joined = True
                else:
                    if self._throw_on_early_termination:
                        self._count(1)  # tells the active ranks to raise too
                        raise RuntimeError(f"Rank {rank} exhausted all inputs.")
                    for hook in self._join_hooks:
                        hook.main_hook()
                    is_last_joiner = False
                rounds += 1
            for hook in self._join_hooks:
                hook.post_hook(is_last_joiner)
        finally:
            self._reset_configs()
        return False

    def _count(self, mine):
        t = _t.make(np.array([mine], dtype=np.int64))
        _coll.all_reduce(t, group=self._process_group)
        return int(t._data[0])

    @staticmethod
    def notify_join_context(joinable: Joinable) -> Any:
        """Called by an active rank once per iteration (DDP: in forward). Returns the Work of the all-reduce that
        counts the active ranks (its tensor holds the count), or None outside an enabled Join."""
        config = joinable._join_config
        if not config.is_first_joinable or not config.enable:
            return None
        pg = joinable.join_process_group
        ones = _t.make(np.ones(1, dtype=np.int64))
        work = _coll.all_reduce(ones, group=pg, async_op=True)
        if config.throw_on_early_termination:
            flag = _t.make(np.zeros(1, dtype=np.int64))
            _coll.all_reduce(flag, group=pg)
            if flag._data[0] > 0:
                raise RuntimeError("Detected at least one rank that exhausted inputs. Throwing across all ranks.")
        return work
