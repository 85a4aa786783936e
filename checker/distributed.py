"""Independent checks as tasks on Dask (`dask.distributed`): repair candidates, the matrix's
cells, the files of `check DIR`.

`workers=None` with no scheduler runs the tasks in this process (no cluster is started);
`workers=N` starts a local cluster of N single-threaded worker processes; `scheduler=ADDRESS`
connects to a running cluster (`dask scheduler` + `dask worker` on many machines) and leaves
it running. Results come back in the order of the inputs, whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Sized to the machine: one worker process per core."""
    return max(1, os.cpu_count() or 1)


class TaskRunner:
    """Maps a function over inputs, in this process or on a Dask client."""

    def __init__(self, client: Any | None) -> None:
        self._client = client

    @property
    def workers(self) -> int:
        if self._client is None:
            return 0
        return len(self._client.scheduler_info().get("workers", {}))

    def map(self, fn: Callable[..., R], items: Sequence[T], *extra: Any) -> list[R]:
        if not items:
            return []
        if self._client is None:
            return [fn(item, *extra) for item in items]
        # pure=False: the same bill checked twice is the cache's business, not Dask's
        futures = self._client.map(fn, list(items), *[[e] * len(items) for e in extra],
                                   pure=False)
        results: list[R] = self._client.gather(futures)
        return results


@contextmanager
def task_runner(workers: int | None = None, scheduler: str | None = None) -> Iterator[TaskRunner]:
    """A runner for the duration of a command; a local cluster is closed afterwards."""
    if scheduler is None and workers is None:
        yield TaskRunner(None)
        return
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is not None:
        with Client(scheduler) as client:
            yield TaskRunner(client)
        return
    with LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                      processes=True, dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield TaskRunner(client)
