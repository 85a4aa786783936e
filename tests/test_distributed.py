"""Repair candidates on a real dask.distributed LocalCluster: same repairs with two workers as
with one (and as in process). The default runner (AutoRunner): in process for small batches, a
cluster sized to the machine for large ones, and in process with a note when the cluster does
not start in time. Kept small: the machine's two cores are shared."""

from __future__ import annotations

import pytest

from checker.distributed import task_runner
from checker.repair.run import RepairReport, repair

CASE = "cases/prc/current.rev"
SMALL = "tests/repair/small_moves.rev"
PRINCIPLES = ("trial_execution_separation", "party_disposition")


def _repairs(workers: int | None) -> tuple[tuple[str, ...], ...]:
    with task_runner(workers) as runner:
        report = repair(CASE, SMALL, PRINCIPLES, 2, runner)
        assert runner.workers == (workers or 0)
    assert isinstance(report, RepairReport)
    r = report.result
    return tuple(tuple(r.instances[i].label for i in c.moves) for c in r.repairs)


def test_two_worker_processes_give_the_same_repairs_as_one() -> None:
    one, two = _repairs(1), _repairs(2)
    assert one == two == (("trial_organ", "application_only"),)


def test_the_runner_keeps_the_order_of_its_inputs() -> None:
    with task_runner(2) as runner:
        assert runner.map(abs, [-3, 1, -2, 0, 5]) == [3, 1, 2, 0, 5]


def _untimed(text: str) -> str:
    import re

    return re.sub(r"\d+(\.\d+)? s\b", "T s", text)


def test_check_and_matrix_with_two_workers_print_what_they_print_in_process() -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "checker.cli", *args],
            capture_output=True,
            text=True,
            timeout=600,
        )

    for command in (("check", "cases/jp"), ("matrix", "cases/jp", "cases/de")):
        alone, spread = run(*command), run(*command, "--workers", "2")
        assert spread.returncode == alone.returncode == 0, spread.stderr
        # the same reports; only the engines' timings ("0.41 s") may differ
        assert _untimed(spread.stdout) == _untimed(alone.stdout)
    bad = run("check", "cases/jp", "--workers", "-1")
    assert bad.returncode == 2 and "--workers" in bad.stderr


def test_an_existing_cluster_named_by_its_address_is_used_and_left_running() -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,  # type: ignore[no-untyped-call]
        dashboard_address=None,
    ) as cluster:
        with task_runner(scheduler=cluster.scheduler_address) as runner:
            assert runner.workers == 1
            report = repair(CASE, SMALL, PRINCIPLES, 1, runner)
        assert isinstance(report, RepairReport)
        assert report.result.repairs == ()  # no single move fixes both principles
        assert len(cluster.scheduler_info["workers"]) == 1  # still running


def test_a_scheduler_that_is_not_there_is_a_usage_error() -> None:
    from checker.distributed import SchedulerUnreachable

    with pytest.raises(SchedulerUnreachable), task_runner(scheduler="nonsense://nowhere:1"):
        pass


def test_the_default_runner_checks_small_batches_in_process_and_starts_no_cluster() -> None:
    from checker.distributed import AutoRunner

    runner = AutoRunner(workers=2, min_batch=4)
    try:
        assert runner.map(abs, [-3, 1, -2]) == [3, 1, 2]
        assert runner.workers == 0 and runner.fell_back == ""
    finally:
        runner.close()


def test_the_default_runner_falls_back_to_in_process_when_the_cluster_is_late() -> None:
    """A start-up that misses its deadline is given up with a note, never waited for."""
    from checker.distributed import AutoRunner

    notes: list[str] = []
    runner = AutoRunner(workers=2, min_batch=2, start_timeout=0.001, note=notes.append)
    try:
        assert runner.map(abs, [-3, 1, -2, 0]) == [3, 1, 2, 0]
        assert runner.workers == 0
        assert runner.fell_back == "did not start within 0.001 s"
        assert len(notes) == 1 and "checking the candidates in this process" in notes[0]
        assert runner.map(abs, [-7, -8]) == [7, 8]  # tried once only
        assert len(notes) == 1
    finally:
        runner.close()


def test_the_default_runner_starts_a_cluster_for_a_large_batch_with_the_same_results() -> None:
    from checker.distributed import AutoRunner

    runner = AutoRunner(workers=2, min_batch=4)
    try:
        assert runner.map(abs, [-3, 1, -2, 0, 5]) == [3, 1, 2, 0, 5]
        assert runner.workers == 2 and runner.fell_back == ""
        assert runner.map(abs, [-9]) == [9]  # later batches on the same cluster
    finally:
        runner.close()


def test_a_local_cluster_that_cannot_start_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--workers N insists on a cluster: if it cannot start, the reason, not a traceback."""
    import checker.distributed as d
    from checker.distributed import SchedulerUnreachable

    def refuse(workers: int) -> tuple[object, object]:
        raise RuntimeError("Nanny failed to start.")

    monkeypatch.setattr(d, "_local_cluster", refuse)
    with pytest.raises(SchedulerUnreachable, match="cannot start a local Dask cluster of 2"):
        with task_runner(2):
            pass
