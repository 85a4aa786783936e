"""Days in a scenario's facts (`happened apply, 10 days pass, order`): the lawyer's answers on
tests/scenarios/small.rev ("The organ shall order the return within 10 days of the
application"), the diagnostics, and differential tests of the product's clocks against the
reference semantics of time (checker.core.semantics), through both engines."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from checker.api import check_text
from checker.cli import main
from checker.core.result import CheckOptions
from checker.core.semantics import (
    Clocks,
    State,
    apply,
    clocks_after_day,
    clocks_after_step,
    enabled,
    initial_clocks,
    initial_states,
    time_may_pass,
)
from checker.core.trace import TIME_STEP, replay
from checker.core.verdict import Status
from checker.scenario.restrict import restrict
from checker.select import run_engines
from dsl.frontend import compile_file
from dsl.model import (
    Binary,
    Expr,
    Lit,
    Model,
    Property,
    Reachable,
    Scenario,
    ScenarioStep,
    SlotRef,
)

HERE = Path(__file__).parent / "scenarios"
SMALL = HERE / "small.rev"
HEADER = SMALL.read_text(encoding="utf-8").split("\nscenario ")[0] + "\n"
PREFIX = "execute, revoke, apply"  # the obligor has applied: the organ's 10 days run


def _check(text: str, engine: str = "explicit") -> tuple[dict[str, Status], list[str]]:
    report = check_text(HEADER + text, CheckOptions(engine=engine), directory=str(HERE))
    errors = [f"{d.code} {d.message}" for d in report.diagnostics if d.is_error]
    return {s.scenario.name: s.outcome.verdict.status for s in report.scenarios}, errors


def _model() -> Model:
    model = compile_file(str(SMALL)).model
    assert model is not None
    return model


# ----------------------------------------------------------------------- the lawyer's answers


def test_ordered_on_the_tenth_day_is_in_time_and_the_unit_comes_back() -> None:
    """Art. 1: 'within 10 days of the application'; the 10th day is still within them."""
    got, errors = _check(
        f"scenario s {{ happened {PREFIX}, 10 days pass, order then eventually back == 1 }}\n"
    )
    assert errors == [] and got == {"s": Status.HOLDS}


def test_eleven_days_without_an_order_cannot_happen_under_the_rule() -> None:
    """A lawful run cannot let the 11th day pass with the application undecided: E311 names the
    duty and its period (a real file that did is what `revcheck replay` reports as late)."""
    got, errors = _check(f"scenario s {{ happened {PREFIX}, 11 days pass then always true }}\n")
    assert got == {}
    (e,) = errors
    assert e.startswith("E311") and "step 4" in e and "`11 days pass`" in e
    assert "'order' (by bureau) is a duty within 10 days" in e


def test_the_period_runs_across_facts_six_then_five_days_is_too_many() -> None:
    _, ok = _check(
        f"scenario s {{ happened {PREFIX}, 6 days pass, 4 days pass then always true }}\n"
    )
    assert ok == []
    _, errors = _check(
        f"scenario s {{ happened {PREFIX}, 6 days pass, 5 days pass then always true }}\n"
    )
    (e,) = errors
    assert e.startswith("E311") and "step 5" in e and "`5 days pass`" in e


def test_days_before_the_application_do_not_count_against_the_organ() -> None:
    """The 10 days run 'of the application': a year's wait before it leaves all 10."""
    got, errors = _check(
        "scenario s { happened execute, revoke, 365 days pass, apply, 10 days pass, order\n"
        "  then eventually back == 1 }\n"
    )
    assert errors == [] and got == {"s": Status.HOLDS}


def test_performing_the_duty_stops_its_days() -> None:
    """After the order the 10 days no longer run: a month may pass (the return itself has no
    period in art. 1, so nothing forbids it)."""
    got, errors = _check(
        f"scenario s {{ happened {PREFIX}, 10 days pass, order, 30 days pass\n"
        "  then always rev != applied }\n"
    )
    assert errors == [] and got == {"s": Status.HOLDS}


def test_no_application_while_days_pass_nothing_comes_back_and_time_goes_on() -> None:
    """Art. 1 starts only on application: after a month without one, a run on which the obligor
    never applies is fair (applying is a power), and its lasso is the model's days passing."""
    report = check_text(
        HEADER
        + "scenario s { happened execute, revoke, 30 days pass then eventually back == 1 }\n",
        directory=str(HERE),
    )
    (s,) = report.scenarios
    v = s.outcome.verdict
    assert v.status is Status.FAILS and v.trace is not None and v.trace.loop_start is not None
    names = [name for name, _ in v.trace.steps]
    assert names[:2] == ["execute", "revoke"] and names[2:32] == [TIME_STEP] * 30
    assert set(names[v.trace.loop_start :]) == {TIME_STEP}
    assert "Time passes for ever" in v.note and "apply is a power of debtor" in v.note
    replay(_model(), v.trace)  # the model's own clocks accept every day of it


def test_a_witness_after_days_replays_in_the_model_with_one_time_step_a_day() -> None:
    report = check_text(
        HEADER + f"scenario s {{ happened {PREFIX}, 6 days pass then reachable rev == ordered }}\n",
        directory=str(HERE),
    )
    (s,) = report.scenarios
    v = s.outcome.verdict
    assert v.status is Status.HOLDS and v.trace is not None
    names = [name for name, _ in v.trace.steps]
    assert names == ["execute", "revoke", "apply", *[TIME_STEP] * 6, "order"]
    replay(_model(), v.trace)


# ----------------------------------------------------------------------- diagnostics


def test_days_in_a_model_without_a_clock_is_E313_with_place_and_caret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    untimed = HEADER.replace("duty within 10 days", "duty")
    path = tmp_path / "untimed.rev"
    path.write_text(
        untimed + "scenario s {\n  happened execute, 16 days pass\n  then always true }\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr()
    text = err.out + err.err
    line = untimed.count("\n") + 2
    assert "error[E313]" in text and f"{path}:{line}:21" in text
    assert "  happened execute, 16 days pass" in text and "^^^^^^^^^^^^" in text
    assert "Traceback" not in text


def test_more_days_than_any_period_is_E313() -> None:
    _, errors = _check("scenario s { happened execute, 100001 days pass then always true }\n")
    (e,) = errors
    assert e.startswith("E313") and "100,000" in e


def test_days_are_no_rule_name_and_a_rule_may_be_called_pass() -> None:
    """`pass`, `passes` and `days` stay names wherever a fact of days cannot stand."""
    text = HEADER.replace("rule close ", "rule passes ").replace("final rev == done", "final true")
    report = check_text(
        text + "scenario s { happened execute, 2 days pass, revoke then always true }\n",
        directory=str(HERE),
    )
    assert not report.has_errors, report.diagnostics


# ----------------------------------------------------------------------- differential


def _timed_after(model: Model, prefix: list[str | int]) -> set[tuple[State, Clocks]]:
    """(state, clocks) pairs the reference semantics of time reaches after exactly `prefix`
    (a rule name, or a number of days passing with no act), then after any steps and days."""
    frontier = {(s, initial_clocks(model)) for s in initial_states(model)}
    for item in prefix:
        nxt: set[tuple[State, Clocks]] = set()
        for s, c in frontier:
            if isinstance(item, int):
                ok = True
                for _ in range(item):
                    if not time_may_pass(model, s, c):
                        ok = False
                        break
                    c = clocks_after_day(model, s, c)
                if ok:
                    nxt.add((s, c))
                continue
            for r in enabled(model, s):
                if r.name == item:
                    t = apply(model, r, s)
                    nxt.add((t, clocks_after_step(model, r, c, t)))
        frontier = nxt
    seen, todo = set(frontier), list(frontier)
    while todo:
        s, c = todo.pop()
        succ = [
            (t, clocks_after_step(model, r, c, t))
            for r in enabled(model, s)
            for t in [apply(model, r, s)]
        ]
        if time_may_pass(model, s, c):
            succ.append((s, clocks_after_day(model, s, c)))
        for x in succ:
            if x not in seen:
                seen.add(x)
                todo.append(x)
    return seen


def _scenario(prefix: list[str | int]) -> Scenario:
    steps = tuple(
        ScenarioStep("", (), None, f"{x} days pass", days=x)
        if isinstance(x, int)
        else ScenarioStep(x, (x,), None, x)
        for x in prefix
    )
    return Scenario("d", "", (), steps, "reachable", Lit(True))


def _eq(slots: list[tuple[int, str]], values: tuple[object, ...]) -> Expr:
    out: Expr = Lit(True)
    for (i, name), v in zip(slots, values, strict=True):
        assert isinstance(v, bool | int | str)
        out = Binary("and", out, Binary("==", SlotRef(i, name), Lit(v)))
    return out


PREFIXES: list[list[str | int]] = [
    ["execute", "revoke", "apply", 3],
    ["execute", "revoke", "apply", 10, "order"],
    ["execute", "revoke", 4, "apply", 7],
    ["execute", "change", "apply", 2, 2, "order", 5],
    ["execute", 11, "revoke"],
    ["execute", "revoke", "apply", 6, 5],  # cannot be: the product reaches nothing
]
_rng = random.Random(14)
for _ in range(3):  # and a few drawn at random (seeded): days among the acts of a common run
    acts = ["execute", "execute", "revoke", "apply", "order", "give_back", "give_back"]
    cut = _rng.randint(2, len(acts))
    drawn: list[str | int] = []
    for a in acts[:cut]:
        drawn.append(a)
        if _rng.random() < 0.5:
            drawn.append(_rng.randint(0, 12))
    PREFIXES.append([*drawn, _rng.randint(0, 12)])  # at least one fact of days


def _product_reaches(
    prefix: list[str | int], candidates: list[tuple[State, Clocks]], engine: str
) -> list[Status]:
    """For each (state, clocks) pair: does the product reach it after the facts?"""
    model = _model()
    r = restrict(model, _scenario(prefix))
    width = len(model.slots)
    clock_slots = [(i, r.model.slots[i].name) for i in range(width + 1, len(r.model.slots))]
    model_slots = [(i, s.name) for i, s in enumerate(model.slots)]
    props = [
        Property(
            f"s{k}",
            Reachable(Binary("and", r.live(r.n), _eq(model_slots + clock_slots, (*s, *c)))),
        )
        for k, (s, c) in enumerate(candidates)
    ]
    options = CheckOptions(engine=engine, depth=len(prefix) + 10)
    result = run_engines(replace(r.model, properties=tuple(props)), options)
    return [v.status for v in result.verdicts]


@pytest.mark.parametrize("prefix", PREFIXES, ids=lambda p: ",".join(map(str, p)))
def test_product_clocks_are_the_semantics_clocks(prefix: list[str | int]) -> None:
    """The (state, clocks) pairs the product reaches after the facts are exactly those the
    reference semantics reaches (its time steps, its deadline rule); a prefix it cannot take
    leaves the product nothing. Each pair of the whole timed state space checked with
    `reachable` by the explicit engine."""
    candidates = sorted(_timed_after(_model(), []), key=repr)
    got = _product_reaches(prefix, candidates, "explicit")
    assert all(v in (Status.HOLDS, Status.FAILS) for v in got)
    assert {c for c, v in zip(candidates, got, strict=True) if v is Status.HOLDS} == _timed_after(
        _model(), prefix
    )


@pytest.mark.parametrize("prefix", PREFIXES[:3], ids=lambda p: ",".join(map(str, p)))
def test_the_symbolic_engine_reads_the_same_clocks(prefix: list[str | int]) -> None:
    """The product is an ordinary untimed model, so Z3 judges it too: on a sample of pairs the
    semantics reaches after the facts, and of pairs it does not, no verdict contradicts it."""
    model = _model()
    reached = sorted(_timed_after(model, prefix), key=repr)
    others = sorted(_timed_after(model, []) - set(reached), key=repr)
    sample = random.Random(len(prefix)).sample(reached, min(4, len(reached)))
    sample += random.Random(len(prefix)).sample(others, min(4, len(others)))
    got = _product_reaches(prefix, sample, "symbolic")
    for pair, v in zip(sample, got, strict=True):
        if pair in reached:
            assert v is not Status.FAILS, pair
        else:
            assert v is not Status.HOLDS, pair
    assert any(v is Status.HOLDS for v in got)  # the sample's reached pairs have witnesses


def test_days_round_trip_through_pretty() -> None:
    from dsl.parser import parse
    from dsl.pretty import pretty
    from dsl.source import SourceFile

    text = (
        "procedure p\nscenario s { happened a, 1 day passes, b, 16 days pass then always true }\n"
    )
    module, diags = parse(SourceFile("p.rev", text))
    assert module is not None and diags == []
    printed = pretty(module)
    assert "1 day passes" in printed and "16 days pass" in printed
    again, _ = parse(SourceFile("p.rev", printed))
    assert again is not None and again.decls == module.decls


# ----------------------------------------------------------------------- the shipped cases

ROOT = Path(__file__).resolve().parent.parent
ARBITRAL = "execute_part, execute_rest, set_aside_award, apply_for_reversal, ask_for_preservation"
APK = "execute_part, execute_part, execute_rest, new_act_dismissing, apply_for_reversal"
REFORM = (
    "execute_part, execute_part, execute_rest, revoke_court_title, apply_for_reversal, "
    "hear_parties, order_reversal"
)
MONEY = "given title == court_title\n given object == money\n"


@pytest.mark.parametrize(
    ("case", "facts", "late"),
    [
        # art. 21(2): the preservation is lifted if within 30 days no new proceedings are started
        (
            "prc/arbitral_award.rev",
            f"{ARBITRAL}, grant_preservation, 31 days pass",
            "'lift_preservation' (by enforcement_bureau) is a duty within 30 days",
        ),
        # CPL 171, 158 (the bill): not appealed within 15 days, the judgment takes effect
        (
            "prc/reform_proposal.rev",
            f"{REFORM}, 16 days pass",
            "'judgment_takes_effect' (by trial_bench) is a duty within 15 days",
        ),
        # APK 324(2): the session within one month of the application
        (
            "ru/arbitrazh_325_326.rev",
            f"{APK}, 31 days pass",
            "'hear_application' (by first_instance) is a duty within 30 days",
        ),
        # APK 324(2): the ruling on the results of the session (the model: at it)
        (
            "ru/arbitrazh_325_326.rev",
            f"{APK}, 30 days pass, hear_application, 1 day passes",
            "'grant_reversal' (by first_instance) is a duty within 0 days",
        ),
    ],
)
def test_one_day_past_a_shipped_period_is_no_lawful_run(case: str, facts: str, late: str) -> None:
    """A period of the law that the case states as a deadline cannot be overrun in a lawful run:
    the fact that it was is E311, naming the duty and its days; the shipped scenarios state the
    last day (or the lapse the law attaches to the missed period) instead."""
    path = ROOT / "cases" / case
    text = f'procedure t\nextends "{path.name}"\nscenario late {{\n'
    if "prc/" in case and "arbitral" not in case:
        text += MONEY
    text += f" happened {facts}\n then always true }}\n"
    report = check_text(text, directory=str(path.parent))
    (d,) = [d for d in report.diagnostics if d.is_error]
    assert d.code == "E311" and late in d.message, d.message


@pytest.mark.parametrize(
    "name",
    [
        "prc/arbitral_award_scenarios.rev",
        "prc/reform_proposal_scenarios.rev",
        "ru/arbitrazh_325_326_scenarios.rev",
    ],
)
def test_every_case_with_a_period_ships_a_scenario_with_days(name: str) -> None:
    from checker.api import check_file

    report = check_file(ROOT / "cases" / name)
    assert not report.has_errors
    timed = [s for s in report.scenarios if any(st.days for st in s.scenario.steps)]
    assert timed and all(s.outcome.match.value == "met" for s in timed)
    assert all(s.outcome.verdict.status is Status.HOLDS for s in timed)


def test_replay_trace_accepts_the_traces_of_scenarios_with_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other path that reads a scenario's trace, `revcheck replay-trace`, accepts its time
    steps against the model's own deadlines (the lasso of days, and a witness after days)."""
    case = tmp_path / "days.rev"
    case.write_text(
        HEADER
        + "scenario nobody { happened execute, revoke, 30 days pass then eventually back == 1 }\n"
        + f"scenario left {{ happened {PREFIX}, 6 days pass then reachable rev == ordered }}\n",
        encoding="utf-8",
    )
    report = tmp_path / "days.json"
    main(["check", str(case), "--format", "json", "--output", str(report)])
    capsys.readouterr()
    assert main(["replay-trace", str(case), str(report)]) == 0
    out = capsys.readouterr().out
    assert "(nobody): replays" in out and "(left): replays" in out and "0 rejected" in out
