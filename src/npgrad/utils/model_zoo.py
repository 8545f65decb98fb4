"""``npgrad.utils.model_zoo``: torch's legacy name for ``hub.load_state_dict_from_url`` (offline: the hub cache)."""
from ..hub import load_state_dict_from_url as load_url  # noqa: F401

__all__ = ["load_url"]
