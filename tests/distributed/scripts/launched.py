"""Started by the launcher (python -m npgrad.distributed.run) or by plain mpiexec: joins with env://, checks the
rank against torch's variables where they are set, and prints what it sees (variables, argv, thread pools)."""
import json
import os
import sys

import numpy as np  # noqa: F401  (loads OpenBLAS, so that threadpoolctl can limit it)
from threadpoolctl import threadpool_info, threadpool_limits

if "--limit-first" in sys.argv:  # the user limits the pools before init_process_group: they stay as set
    threadpool_limits(limits=1)

import npgrad as torch  # noqa: E402
import npgrad.distributed as dist  # noqa: E402
from npgrad.distributed import _threads  # noqa: E402

dist.init_process_group(sys.argv[1], init_method="env://")
rank, world = dist.get_rank(), dist.get_world_size()
if "RANK" in os.environ:
    assert int(os.environ["RANK"]) == rank and int(os.environ["WORLD_SIZE"]) == world
t = torch.tensor([float(rank + 1)])
dist.all_reduce(t)
assert t.item() == world * (world + 1) / 2
names = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "GROUP_WORLD_SIZE", "ROLE_RANK",
         "ROLE_WORLD_SIZE", "ROLE_NAME", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID")
report = {"rank": rank, "world": world, "env": {k: os.environ.get(k) for k in names}, "argv": sys.argv,
          "main": __name__, "threads": [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"],
          "chosen": {k: v for k, v in _threads.chosen.items() if k != "pools"},
          "torchelastic": dist.is_torchelastic_launched()}
sys.stdout.write("REPORT " + json.dumps(report) + "\n")  # one write: the ranks' lines stay whole
sys.stdout.flush()
dist.destroy_process_group()
sys.stdout.write("RESTORED " + json.dumps([p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"])
                 + "\n")
sys.stdout.flush()
