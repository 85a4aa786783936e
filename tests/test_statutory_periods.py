"""Statutory periods as known answers: the fifteen-day periods of SPC CPL Interpretation
arts. 509-510 (tests/models/distribution_plan.rev).

Objection, opposition and the objector's action each have fifteen days and run one after the
other, so the plan is settled within 45 days of service and not within 44: the shortest run to
day 45 is service, 15 days, objection, 15 days, opposition, 15 days.
"""

from __future__ import annotations

from pathlib import Path

from checker import Match, Status, check_file
from checker.core.trace import TIME_STEP

MODEL = Path(__file__).parent / "models" / "distribution_plan.rev"


def test_the_distribution_plan_meets_all_its_expectations() -> None:
    report = check_file(MODEL)
    assert not report.has_errors, report.diagnostics
    assert report.outcomes
    assert all(o.match is Match.MET for o in report.outcomes), [
        (o.property.name, o.verdict.status, o.verdict.note)
        for o in report.outcomes
        if o.match is not Match.MET
    ]
    assert report.exit_code == 0


def test_the_shortest_run_past_44_days_uses_every_period_in_full() -> None:
    report = check_file(MODEL)
    late = next(o.verdict for o in report.outcomes if o.property.name == "settled_in_44")
    assert late.status is Status.FAILS and late.trace is not None
    assert len(late.trace) == 48
    assert "day 45 passes at step 48" in late.note
    assert "sue is a power of objector" in late.note
    days = [TIME_STEP] * 15
    assert [name for name, _ in late.trace.steps] == [
        "serve",
        *days,
        "object",
        *days,
        "oppose",
        *days,
    ]


def test_fifteen_plus_fifteen_is_one_period_short() -> None:
    report = check_file(MODEL)
    short = next(o.verdict for o in report.outcomes if o.property.name == "settled_in_30")
    assert short.status is Status.FAILS and short.trace is not None
    assert "day 31 passes at step 34" in short.note
    assert len(short.trace) == 34
