"""Per-rank BLAS/OpenMP thread pools: each rank gets its share of the node's cores.

NumPy's BLAS (OpenBLAS here) starts one worker thread per core. With several ranks on one node every rank does
so, and the ranks' worker threads spin-wait for cores that the other ranks hold: on a 2-core machine two ranks
of ``examples/ddp_digits.py`` took 15.7 s against 0.6 s with one BLAS thread per rank. torch's launcher sets
``OMP_NUM_THREADS=1`` per process for the same reason; ``init_process_group`` does better than one thread where
a node has cores to spare: ``cores // ranks on this node`` (at least 1), applied through threadpoolctl, which
changes the thread count of BLAS and OpenMP libraries already loaded in the process.

The user's choice wins: nothing is changed when ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
``MKL_NUM_THREADS``, ``BLIS_NUM_THREADS`` or ``VECLIB_MAXIMUM_THREADS`` is set, or when a thread pool already
runs fewer threads than the node's cores (a ``threadpoolctl.threadpool_limits`` applied before). What was chosen
is logged once per process (logger ``npgrad.distributed``: a warning on each node's first rank when the thread
count changes, as torchrun warns; otherwise at INFO level).
"""
import logging
import os

logger = logging.getLogger("npgrad.distributed")

USER_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS")

_applied = None   # the threadpoolctl limiter we set (restored by restore())
_logged = False
chosen = {}       # what the last configure() decided: {'threads', 'cores', 'local_ranks', 'source', 'pools'}


def node_cores():
    """The cores this process may run on (its CPU affinity, which containers and batch systems restrict)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _pools():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return threadpool_info()


def configure(local_ranks, local_rank=0):
    """Size the BLAS/OpenMP pools for ``local_ranks`` ranks on this node; returns the dict ``chosen``."""
    global _applied, _logged
    cores = node_cores()
    share = max(1, cores // max(1, local_ranks))
    info = {"threads": share, "cores": cores, "local_ranks": local_ranks, "source": "", "pools": []}
    user = [v for v in USER_VARS if os.environ.get(v, "").strip()]
    pools = _pools()
    if user:
        info["source"] = "user: " + ", ".join(f"{v}={os.environ[v]}" for v in user)
        info["threads"] = None
    elif pools is None:
        info["source"] = "unchanged: threadpoolctl is not installed (pip install threadpoolctl)"
        info["threads"] = None
    else:
        limited = [p for p in pools if p["num_threads"] < cores]
        if limited:
            info["source"] = "user: thread pools already limited (" + ", ".join(
                f"{p['internal_api']}={p['num_threads']}" for p in limited) + ")"
            info["threads"] = None
        else:
            from threadpoolctl import threadpool_limits
            restore()
            _applied = threadpool_limits(limits=share)
            info["source"] = "npgrad.distributed"
            info["changed"] = any(p["num_threads"] != share for p in pools)
    pools = _pools()
    if pools is not None:
        info["pools"] = [(p["internal_api"], p["num_threads"]) for p in pools]
    chosen.clear()
    chosen.update(info)
    if not _logged and local_rank == 0:
        _logged = True
        pools_txt = ", ".join(f"{a} {n}" for a, n in info["pools"]) or "none loaded"
        if info["threads"] is not None and info.get("changed"):
            logger.warning("npgrad.distributed: %d rank(s) on this node share %d core(s): BLAS/OpenMP thread pools "
                           "set to %d thread(s) per rank (%s). Set OMP_NUM_THREADS (or OPENBLAS_NUM_THREADS) to "
                           "choose yourself.", local_ranks, cores, share, pools_txt)
        elif info["threads"] is not None:
            logger.info("npgrad.distributed: %d rank(s) on this node, %d core(s): BLAS/OpenMP thread pools keep "
                        "%d thread(s) per rank (%s)", local_ranks, cores, share, pools_txt)
        else:
            logger.info("npgrad.distributed: thread pools left as they are (%s): %s", info["source"], pools_txt)
    return dict(info)


def restore():
    """Undo what configure() set (destroy_process_group)."""
    global _applied
    if _applied is not None:
        try:
            _applied.restore_original_limits()
        finally:
            _applied = None
