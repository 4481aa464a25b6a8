"""A local Dask cluster set up for the Dask engine: :func:`local_cluster`.

It is :class:`distributed.LocalCluster` with one thread per worker process and pyarrow's
jemalloc memory pool in every worker (``ARROW_DEFAULT_MEMORY_POOL``). Every step of the engine
reads and writes Parquet partitions. With pyarrow's default pool (mimalloc), a worker's memory
crept up with each partition it read. With jemalloc it stayed flat, and each step started
~30 MiB lower (README, *Scale: measured*).

The pool is chosen by an environment variable that a worker process reads at start, not by a
call in convolab's code: the allocator is a choice for the whole process, and it belongs to
whoever starts that process. Workers started by hand take the same setting::

    ARROW_DEFAULT_MEMORY_POOL=jemalloc dask worker tcp://scheduler:8786

May import: nothing in convolab.
"""

from __future__ import annotations

import os

#: pyarrow's memory pool for the worker processes that :func:`local_cluster` starts.
ARROW_POOL = "jemalloc"


def worker_environment() -> dict[str, str]:
    """Environment variables for worker processes: pyarrow's :data:`ARROW_POOL`.

    Returns ``{}`` when the caller's environment already names a pool, or when this pyarrow
    build has no jemalloc (then pyarrow would warn in every worker and keep its default).
    """
    import pyarrow as pa

    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ or \
            ARROW_POOL not in pa.supported_memory_backends():
        return {}
    return {"ARROW_DEFAULT_MEMORY_POOL": ARROW_POOL}


def local_cluster(n_workers: int = 2, **kwargs):
    """A :class:`distributed.LocalCluster` for the Dask engine.

    Parameters
    ----------
    n_workers : int
        Worker processes.
    **kwargs
        Passed to :class:`~distributed.LocalCluster`. ``threads_per_worker`` defaults to 1:
        every task holds a whole partition, and one per core keeps memory per core
        predictable. ``env`` (a dict, or None) is merged over :func:`worker_environment`
        for worker processes; ``processes=False`` runs the workers in this process, with its
        own pool.

    Returns
    -------
    distributed.LocalCluster

    Examples
    --------
    >>> from dask.distributed import Client
    >>> client = Client(local_cluster(n_workers=2))  # doctest: +SKIP
    """
    from distributed import LocalCluster

    kwargs.setdefault("threads_per_worker", 1)
    if kwargs.get("processes", True):  # in-process workers share the caller's pool and env
        kwargs["env"] = {**worker_environment(), **(kwargs.get("env") or {})}
    return LocalCluster(n_workers=n_workers, **kwargs)
