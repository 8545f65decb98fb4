"""``npgrad.nn``: ``Module`` and the layers, ``Parameter``, losses, ``init`` and ``utils``;
``functional`` holds the stateless ops.

>>> import npgrad as torch
>>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
>>> model
Sequential(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): ReLU()
)
"""
from . import functional
from . import init
from .parameter import Parameter, Buffer, UninitializedParameter, UninitializedBuffer
from .modules import *  # noqa: F401,F403  (the layer classes, listed in modules.__all__)
from .modules import __all__ as _modules_all
from . import modules, parameter, utils

__all__ = ["functional", "init", "utils", "Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"] + list(_modules_all)
from . import parallel  # noqa: E402,F401  (DistributedDataParallel; imports no MPI until init_process_group)
from .parallel import DataParallel  # noqa: E402,F401  (torch.nn.DataParallel: a pass-through without GPUs)
