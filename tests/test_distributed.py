"""Repair candidates on a real dask.distributed LocalCluster: same repairs with two workers as
with one (and as in process). Kept small: the machine's two cores are shared."""

from __future__ import annotations

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
