"""Independent checks as tasks on Dask (`dask.distributed`): repair candidates, the matrix's
cells, the files of `check DIR`.

`workers=None` with no scheduler runs the tasks in this process (no cluster is started);
`workers=N` starts a local cluster of N single-threaded worker processes; `scheduler=ADDRESS`
connects to a running cluster (`dask scheduler` + `dask worker` on many machines) and leaves
it running; `auto=True` (repair's default) stays in this process until a batch is large
enough to pay for a local cluster sized to the machine, then starts one, with a deadline for
its start-up and a note and in-process checking if it misses it. Results come back in the
order of the inputs, whatever the number of workers.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class SchedulerUnreachable(Exception):
    """--scheduler names no running scheduler, or the local cluster --workers asks for does
    not start: exit 2 with the reason, not a traceback."""


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
        futures = self._client.map(fn, list(items), *[[e] * len(items) for e in extra], pure=False)
        results: list[R] = self._client.gather(futures)
        return results


START_TIMEOUT_S = 60.0  # a local cluster not up by then is given up (a loaded machine)
# One cluster start at a time in a process: a start given up at its deadline goes on in its
# thread, and a second one beside it can see Dask's modules half imported (an AttributeError
# on `distributed.dashboard.scheduler`, seen when a test started one right after another).
_STARTING = threading.Lock()
MIN_BATCH_PER_WORKER = 4  # smaller batches are checked in this process: start-up costs more


class AutoRunner(TaskRunner):
    """In this process until one batch has at least `min_batch` items and the machine more
    than one core; then a local cluster sized to the machine, started once and kept for the
    later batches. If it is not up within `start_timeout` seconds, or fails to start, a note
    goes to stderr and every batch runs in this process: never a wait without end."""

    def __init__(
        self,
        workers: int | None = None,
        min_batch: int | None = None,
        start_timeout: float = START_TIMEOUT_S,
        note: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(None)
        self._want = workers or default_workers()
        self._min = min_batch if min_batch is not None else MIN_BATCH_PER_WORKER * self._want
        self._timeout = start_timeout
        self._note = note or (lambda text: print(text, file=sys.stderr, flush=True))
        self._tried = False
        self._cluster: Any | None = None
        self._late: dict[str, Any] = {}  # a start-up still running after its deadline
        self.fell_back = ""  # why the batches ran in this process after all

    def map(self, fn: Callable[..., R], items: Sequence[T], *extra: Any) -> list[R]:
        if not self._tried and self._want > 1 and len(items) >= self._min:
            self._tried = True
            self._start()
        return super().map(fn, items, *extra)

    def _start(self) -> None:
        box = self._late

        def start() -> None:
            try:
                with _STARTING:
                    cluster, client = _local_cluster(self._want)
            except Exception as exc:  # noqa: BLE001 - any failure means: check in process
                box["error"] = exc
                return
            box["cluster"], box["client"] = cluster, client
            if box.get("abandoned"):  # too late: nobody will use it
                _close(client, cluster)

        thread = threading.Thread(target=start, name="revcheck-dask-start", daemon=True)
        thread.start()
        thread.join(self._timeout)
        if "client" in box and not box.get("abandoned"):
            self._client, self._cluster = box.pop("client"), box.pop("cluster")
            return
        box["abandoned"] = True
        if "error" in box:
            why = f"could not start ({type(box['error']).__name__}: {box['error']})"
        else:
            why = f"did not start within {self._timeout:g} s"
        self.fell_back = why
        self._note(
            f"revcheck: note: a local Dask cluster of {self._want} workers {why}; "
            "checking the candidates in this process (--no-cluster: never start one; "
            "--workers N: insist on one)"
        )

    def close(self) -> None:
        if self._client is not None:
            _close(self._client, self._cluster)
            self._client = self._cluster = None
        late = self._late
        if "client" in late:  # started after its deadline, before we could mark it
            _close(late.pop("client"), late.pop("cluster"))


def _local_cluster(workers: int) -> tuple[Any, Any]:
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )  # any free port: never a clash
    try:
        client = Client(cluster)  # type: ignore[no-untyped-call]
    except BaseException:
        cluster.close()
        raise
    return cluster, client


def _close(client: Any, cluster: Any) -> None:
    try:
        client.close()
    finally:
        cluster.close()


@contextmanager
def task_runner(
    workers: int | None = None, scheduler: str | None = None, auto: bool = False
) -> Iterator[TaskRunner]:
    """A runner for the duration of a command; a local cluster is closed afterwards. `auto`
    (with neither workers nor a scheduler): an AutoRunner."""
    if scheduler is None and workers is None:
        if not auto:
            yield TaskRunner(None)
            return
        runner = AutoRunner()
        try:
            yield runner
        finally:
            runner.close()
        return
    import logging

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is not None:
        try:
            client = Client(scheduler)  # type: ignore[no-untyped-call]
        except (OSError, ValueError) as exc:  # refused, timed out, or not an address
            raise SchedulerUnreachable(
                f"cannot reach the Dask scheduler {scheduler}: {exc}"
            ) from exc
        with client:
            yield TaskRunner(client)
        return
    n = workers or default_workers()
    try:
        cluster, client = _local_cluster(n)
    except Exception as exc:  # noqa: BLE001 - the user asked for it: say why, exit 2
        raise SchedulerUnreachable(
            f"cannot start a local Dask cluster of {n} workers ({type(exc).__name__}: {exc}); "
            "without --workers the candidates are checked in this process"
        ) from exc
    try:
        yield TaskRunner(client)
    finally:
        _close(client, cluster)


def _check_one(path: str, options: Any) -> Any:
    from checker.api import check_model_file

    return check_model_file(path, options)


def check_files(
    paths: Sequence[str], options: Any, workers: int | None, scheduler: str | None = None
) -> list[Any]:
    """`check_model_file` over many files as Dask tasks: FileReports in the order of `paths`."""
    try:
        with task_runner(workers, scheduler) as runner:
            return runner.map(_check_one, list(paths), options)
    except SchedulerUnreachable as exc:
        import sys

        print(f"revcheck: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def add_worker_options(parser: Any) -> None:
    """`--workers N` and `--scheduler ADDRESS`, shared by check, matrix and repair."""
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="check files as tasks on a local Dask cluster of N worker processes (0: one per core)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the tasks on a running Dask cluster (tcp://host:8786)",
    )


def workers_of(args: Any) -> tuple[bool, int | None, str | None]:
    """(wanted, workers, scheduler) from the parsed options; wanted is False without either."""
    workers = getattr(args, "workers", None)
    scheduler = getattr(args, "scheduler", None)
    if workers is None and scheduler is None:
        return False, None, None
    if workers is not None and workers < 0:  # a usage error: exit 2, as argparse would
        import sys

        print("revcheck: error: --workers must be 0 (one per core) or more", file=sys.stderr)
        raise SystemExit(2)
    return True, (default_workers() if workers == 0 else workers), scheduler
