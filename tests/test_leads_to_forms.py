"""`final` inside properties and step patterns on the right of `leads_to`, end to end."""

from __future__ import annotations

from checker import Status, check_text

BASE = """procedure p
organ o
kind initiation
kind decision
actor a is o
var stage : {start, applied, decided} = start
const period = 3
rule apply { by a kind initiation when stage == start then stage := applied }
rule decide { by a kind decision when stage == applied then stage := decided DUTY }
final stage == decided
property ends { step where kind == initiation leads_to final }
property decided_step { step where kind == initiation leads_to step where kind == decision }
property timely { step where kind == initiation leads_to final within period days }
property late { step where kind == initiation leads_to final within 1 day }
"""


def verdicts(text: str) -> dict[str, Status]:
    report = check_text(text)
    assert not report.has_errors, report.diagnostics
    return {o.property.name: o.verdict.status for o in report.outcomes}


def test_duty_with_deadline_meets_the_period_but_not_a_shorter_one() -> None:
    v = verdicts(BASE.replace("DUTY", "duty within 2 days"))
    assert v == {
        "ends": Status.HOLDS,
        "decided_step": Status.HOLDS,
        "timely": Status.HOLDS,
        "late": Status.FAILS,
    }


def test_power_without_deadline_need_never_end() -> None:
    v = verdicts(BASE.replace("DUTY", "power"))
    assert v["ends"] is Status.FAILS
    assert v["decided_step"] is Status.FAILS
    assert v["timely"] is Status.FAILS


def test_duty_without_deadline_ends_but_not_in_time() -> None:
    v = verdicts(BASE.replace("DUTY", "duty"))
    assert v["ends"] is Status.HOLDS and v["decided_step"] is Status.HOLDS
    assert v["timely"] is Status.FAILS  # no deadline forces the decision within the period


def test_final_outside_a_property_is_an_error() -> None:
    report = check_text(BASE.replace("DUTY", "duty").replace("when stage == start", "when final"))
    assert report.has_errors
    assert any("only be used in a property" in d.message for d in report.diagnostics)


def test_final_in_a_procedure_without_final_is_an_error() -> None:
    report = check_text(BASE.replace("DUTY", "duty").replace("final stage == decided", ""))
    assert any(d.code == "E102" and "lawful end states" in d.message for d in report.diagnostics)
