"""``npgrad.hub``: torch.hub without a network.

npgrad never downloads. Models from a local directory load as in torch (``source="local"`` runs the
directory's ``hubconf.py`` entry point); anything from GitHub or a URL is looked up in the hub cache
(``get_dir()``, torch's layout) and otherwise refused with a ``RuntimeError`` that says so.
"""
from __future__ import annotations

import builtins
from typing import Any

import importlib.util
import os
import sys

__all__ = ["get_dir", "set_dir", "list", "help", "load", "download_url_to_file", "load_state_dict_from_url"]

_builtin_list = list
_hub_dir = None
MODULE_HUBCONF = "hubconf.py"


def _torch_home():
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"),
                                                                   "torch")))


def get_dir() -> str:
    """Where hub keeps repositories and checkpoints: ``$TORCH_HOME/hub`` (``~/.cache/torch/hub``), as torch."""
    return _hub_dir if _hub_dir is not None else os.path.join(_torch_home(), "hub")


def set_dir(d: str | os.PathLike[str]) -> None:
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def _offline(what):
    raise RuntimeError(f"npgrad.hub does not download ({what}) and it is not in the hub cache ({get_dir()}). "
                       f"Download it with PyTorch or by hand, or load a local directory with source='local'.")


def _repo_dir(repo_or_dir, source):
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "local":
        return repo_or_dir
    owner_name, _, ref = repo_or_dir.partition(":")
    if "/" not in owner_name:
        raise ValueError(f'Invalid input: repo_or_dir ("{repo_or_dir}") should be of the form '
                         f'"repo_owner/repo_name[:ref]"')
    owner, name = owner_name.split("/", 1)
    cached = os.path.join(get_dir(), "_".join([owner, name, ref or "main"]))
    if not os.path.isdir(cached):
        _offline(f"github repository {repo_or_dir}")
    return cached


def _hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Cannot find {MODULE_HUBCONF} in {repo_dir}")
    sys.path.insert(0, repo_dir)
    try:
        spec = importlib.util.spec_from_file_location("hubconf", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(repo_dir)
    return mod


def _entry(mod, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    fn = getattr(mod, model, None)
    if fn is None or not callable(fn):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return fn


def list(github: str, force_reload: bool = False, skip_validation: bool = False, trust_repo: Any = None,
         verbose: bool = True) -> builtins.list[str]:
    """The entry points of a repository's hubconf.py (from the cache or a local path)."""
    mod = _hubconf(_repo_dir(github, "local" if os.path.isdir(github) else "github"))
    return [f for f in dir(mod) if callable(getattr(mod, f)) and not f.startswith("_")]


def help(github: str, model: str, force_reload: bool = False, skip_validation: bool = False,
         trust_repo: Any = None) -> str | None:
    mod = _hubconf(_repo_dir(github, "local" if os.path.isdir(github) else "github"))
    return _entry(mod, model).__doc__


def load(repo_or_dir: str, model: str, *args: Any, source: str = "github", trust_repo: Any = None,
         force_reload: bool = False, verbose: bool = True, skip_validation: bool = False, **kwargs: Any) -> Any:
    """Call ``model(*args, **kwargs)`` from the repository's hubconf.py (local, or already in the cache)."""
    if force_reload and source == "github":
        _offline(f"force_reload of {repo_or_dir}")
    mod = _hubconf(_repo_dir(repo_or_dir, source.lower() if isinstance(source, str) else source))
    return _entry(mod, model)(*args, **kwargs)


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    _offline(url)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location: Any = None, progress: bool = True,
                             check_hash: bool = False, file_name: str | None = None,
                             weights_only: bool = True) -> dict[str, Any]:
    """Load a checkpoint already in ``<hub dir>/checkpoints`` (torch's cache layout); never downloads."""
    from urllib.parse import urlparse
    from .serialization import load as _load
    model_dir = model_dir or os.path.join(get_dir(), "checkpoints")
    filename = file_name or os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        _offline(url)
    return _load(cached, map_location=map_location, weights_only=weights_only)
