"""Scenarios: facts in, law out (issue 14). Verdicts on a small case, the diagnostics for facts
that contradict each other or cannot happen, and a differential test of the restriction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from checker.api import check_file, check_text
from checker.core.result import CheckOptions
from checker.core.semantics import initial_states, successors
from checker.core.trace import replay
from checker.core.verdict import Status
from checker.scenario.restrict import restrict
from checker.select import run_engines
from dsl.frontend import compile_file
from dsl.model import Binary, Lit, Property, Reachable, Scenario, ScenarioStep, SlotRef

HERE = Path(__file__).parent / "scenarios"
ROOT = Path(__file__).resolve().parent.parent
SMALL = HERE / "small.rev"


def _verdicts(path: Path) -> dict[str, str]:
    report = check_file(path)
    assert not report.has_errors, report.diagnostics
    return {s.scenario.name: s.outcome.verdict.word for s in report.scenarios}


def test_small_case_scenarios_meet_their_expectations() -> None:
    report = check_file(SMALL)
    assert not report.has_errors
    got = {
        s.scenario.name: (s.outcome.verdict.status, s.outcome.match.value) for s in report.scenarios
    }
    assert got == {
        "partial_after_completion": (Status.HOLDS, "met"),
        "revoked_all_back": (Status.HOLDS, "met"),
        "sale_one_unit": (Status.HOLDS, "met"),
        "something_returned": (Status.FAILS, "met"),
        "nobody_applies": (Status.HOLDS, "met"),
    }
    # scenarios are outcomes like properties: every format and the exit code see them
    assert {o.property.name for o in report.outcomes if o.property.origin == "scenario"} == set(got)


def test_counterexample_starts_with_the_facts_and_replays_in_the_model() -> None:
    report = check_file(SMALL)
    assert report.result is not None
    model = report.result.model
    sc = next(s for s in report.scenarios if s.scenario.name == "something_returned")
    trace = sc.outcome.verdict.trace
    assert trace is not None
    replay(model, trace)  # in the model's own slots, not the product's
    assert all(len(s) == len(model.slots) for s in trace.states)
    discrete = [name for name, _ in trace.steps if name != "<time>"]
    assert discrete[:2] == ["execute", "revoke"]
    assert trace.states[-1][model.slots.index(next(s for s in model.slots if s.name == "back"))] > 0


HEADER = SMALL.read_text(encoding="utf-8").split("\nscenario ")[0] + "\n"


def _diags(text: str) -> list[tuple[str, str, int]]:
    report = check_text(HEADER + text, directory=str(HERE))
    return [(d.code, d.message, d.span.line) for d in report.diagnostics if d.is_error]


def test_contradicting_given_facts_are_E310() -> None:
    line = HEADER.count("\n") + 1
    text = (
        "scenario s { given title == court_title\n given title == other_title\n"
        " then always true }\n"
    )
    ((code, message, at),) = _diags(text)
    assert code == "E310" and "contradict" in message and at == line + 1


def test_a_fact_against_the_declaration_is_E310() -> None:
    ((code, message, _),) = _diags("scenario s { given held == 1 then always true }\n")
    assert code == "E310" and "'held'" in message


def test_first_impossible_step_is_E311_naming_the_step() -> None:
    line = HEADER.count("\n") + 1
    text = "scenario s {\n happened execute,\n give_back,\n revoke\n then always true }\n"
    ((code, message, at),) = _diags(text)
    assert (
        code == "E311" and "step 2" in message and "`give_back`" in message and "`when`" in message
    )
    assert at == line + 2


def test_impossible_with_fact_is_E311_naming_the_with() -> None:
    ((code, message, _),) = _diags(
        "scenario s { happened execute with held == 2 then always true }\n"
    )
    assert code == "E311" and "`with`" in message


def test_given_over_two_variables_is_E312() -> None:
    ((code, _, _),) = _diags("scenario s { given held + back == 0 then always true }\n")
    assert code == "E312"


def test_unknown_rule_in_happened_is_E102() -> None:
    ((code, message, _),) = _diags("scenario s { happened executes then always true }\n")
    assert code == "E102" and "did you mean 'execute'" in str(
        check_text(
            HEADER + "scenario s { happened executes then always true }\n", directory=str(HERE)
        ).diagnostics
    )


def test_expect_may_name_a_scenario_but_not_nothing() -> None:
    ok = _diags('scenario s { then always true }\nexpect s holds "trivial"\n')
    assert ok == []
    ((code, _, _),) = _diags('expect nothing_here holds "x"\n')
    assert code == "E109"


def _naive_after(model, prefix: list[str]) -> set[tuple]:  # type: ignore[no-untyped-def]
    """States reachable by the reference semantics after exactly `prefix` from an initial state."""
    frontier = set(initial_states(model))
    for name in prefix:
        frontier = {t for s in frontier for r, t in successors(model, s) if r.name == name}
    seen, todo = set(frontier), list(frontier)
    while todo:
        s = todo.pop()
        for _, t in successors(model, s):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def _all_states(model) -> set[tuple]:  # type: ignore[no-untyped-def]
    return _naive_after(model, [])


@pytest.mark.parametrize(
    "prefix",
    [
        [],
        ["execute"],
        ["execute", "revoke"],
        ["execute", "change", "apply"],
        ["revoke"],
        ["execute", "execute", "sell"],
    ],
)
def test_restriction_reaches_exactly_the_states_after_the_prefix(prefix: list[str]) -> None:
    """Differential: the product's states after the facts are those the reference semantics
    reaches after the same steps (checked per state with `reachable`)."""
    model = compile_file(str(SMALL)).model
    assert model is not None
    steps = tuple(ScenarioStep(n, (n,), None, n) for n in prefix)
    sc = Scenario("d", "", (), steps, "reachable", Lit(True))
    r = restrict(model, sc)
    candidates = sorted(_all_states(model), key=repr)
    props = []
    for k, s in enumerate(candidates):
        eq = Lit(True)
        for i, v in enumerate(s):
            eq = Binary("and", eq, Binary("==", SlotRef(i, model.slots[i].name), Lit(v)))
        props.append(Property(f"s{k}", Reachable(Binary("and", r.live(r.n), eq))))
    result = run_engines(replace(r.model, properties=tuple(props)), CheckOptions(engine="explicit"))
    got = {candidates[k] for k, v in enumerate(result.verdicts) if v.status is Status.HOLDS}
    assert got == _naive_after(model, prefix)
    assert all(v.status in (Status.HOLDS, Status.FAILS) for v in result.verdicts)


def test_the_tutorial_scenario_says_what_the_tutorial_says() -> None:
    """docs/tutorial.md §5: the scenario holds, and `happened apply_for_reversal` alone is E311."""
    from tests.test_docs_examples import examples

    (source,) = examples("docs/tutorial.md")
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    block = tutorial.split("```rev\nscenario revoked_and_applied", 1)[1].split("```", 1)[0]
    report = check_text(source + "scenario revoked_and_applied" + block, directory=str(ROOT))
    assert not report.has_errors
    (sc,) = report.scenarios
    assert sc.outcome.verdict.status is Status.HOLDS and sc.outcome.match.value == "met"
    bad = check_text(
        source + "scenario s { happened apply_for_reversal then always true }\n",
        directory=str(ROOT),
    )
    (d,) = [d for d in bad.diagnostics if d.is_error]
    assert d.code == "E311" and "step 1" in d.message and "`when`" in d.message


def test_taiwan_cannot_set_aside_before_informing_the_defendant() -> None:
    """docs/language.md §15: in Taiwan `happened execute_part, execute_rest, set_aside` is E311
    (art. 395(2) sentence 2: the court first informs the defendant)."""
    text = (
        'procedure t extends "cases/tw/ccp_395.rev"\n'
        "scenario s { happened execute_part, execute_rest, set_aside then always true }\n"
    )
    report = check_text(text, directory=str(ROOT))
    (d,) = [d for d in report.diagnostics if d.is_error]
    assert d.code == "E311" and "step 3" in d.message and "`set_aside`" in d.message


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "cases").glob("*/*_scenarios.rev")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_shipped_scenarios_meet_their_expectations(path: Path) -> None:
    """Every shipped scenario cites an article, gives a reason, and gets its expected verdict."""
    report = check_file(path)
    assert not report.has_errors, [d.message for d in report.diagnostics if d.is_error]
    assert len(report.scenarios) >= 3
    for s in report.scenarios:
        assert s.scenario.citations, s.scenario.name
        exp = s.outcome.expectation
        assert exp is not None and exp.reason, s.scenario.name
        assert s.outcome.match.value == "met", (
            s.scenario.name,
            s.outcome.verdict.word,
            exp.verdict,
        )


CHANGE = """
scenario restored_part "changed on retrial after the creditor received everything" {
  cites spc_65
  given title == court_title
  given object == money
  happened execute_part, execute_part, execute_rest, change_court_title, apply_for_reversal
  then final obligor == 2 and creditor == 1
}
scenario restored_all "the same facts: is everything restored?" {
  given title == court_title
  given object == money
  happened execute_part, execute_part, execute_rest, change_court_title, apply_for_reversal
  then final obligor == 3
}
"""


def test_prc_partial_change_restores_the_difference() -> None:
    """The lawyer's answer under prc/current (SPC art. 65, 'in accordance with the new effective
    legal document'): a judgment for 100 changed to 60 after the creditor received 100 ends with
    the obligor restored 40 and the creditor keeping 60. The case counts 3 units and a change
    lets the creditor keep 1: the obligor ends with 2, the creditor with 1, never all 3."""
    text = 'procedure q extends "cases/prc/current.rev"\n' + CHANGE
    report = check_text(text, directory=str(ROOT))
    assert not report.has_errors, [d.message for d in report.diagnostics if d.is_error]
    got = {s.scenario.name: s.outcome.verdict for s in report.scenarios}
    assert got["restored_part"].status is Status.HOLDS
    assert got["restored_all"].status is Status.FAILS
    trace = got["restored_all"].trace
    assert trace is not None and report.result is not None
    model = report.result.model
    end = dict(zip([s.name for s in model.slots], trace.states[-1], strict=True))
    assert (end["obligor"], end["creditor"], end["keep"]) == (2, 1, 1)


@pytest.mark.parametrize(
    "name", ["partial_after_completion", "sale_one_unit", "something_returned", "nobody_applies"]
)
def test_symbolic_engine_agrees_on_safety_scenarios(name: str) -> None:
    """The restricted model is an ordinary model: the symbolic engine judges the same scenario
    and never contradicts the explicit verdict (it may only be bounded)."""
    explicit = {s.scenario.name: s.outcome.verdict for s in check_file(SMALL).scenarios}
    symbolic = {
        s.scenario.name: s.outcome.verdict
        for s in check_file(SMALL, CheckOptions(engine="symbolic", depth=12)).scenarios
    }
    e, s = explicit[name], symbolic[name]
    assert s.engine == "symbolic"
    if s.status in (Status.HOLDS, Status.FAILS):
        assert s.status is e.status
    else:
        assert s.status is Status.BOUNDED and e.status is Status.HOLDS
    if e.trace is not None and s.trace is not None:
        assert len(e.trace) == len(s.trace)  # both shortest


def test_eventually_fails_with_a_lasso_in_the_models_terms() -> None:
    """Without an application nothing comes back: a lasso (time passes for ever), replayed in
    the model, whose note speaks of the facts, not of the monitor."""
    report = check_text(
        HEADER + "scenario e { happened execute, revoke then eventually back == 1 }\n",
        directory=str(HERE),
    )
    (s,) = report.scenarios
    v = s.outcome.verdict
    assert v.status is Status.FAILS and v.trace is not None and v.trace.loop_start is not None
    assert "after the facts" in v.note and "<scenario step>" not in v.note
    assert report.result is not None
    replay(report.result.model, v.trace)


def test_no_holds_while_the_facts_are_not_shown_possible() -> None:
    """A proof of the goal while reaching the end of the facts is unsettled (a bounded search)
    would be vacuous: the scenario is unknown, never `holds`. (The verdicts are given directly:
    whether a real engine leaves the facts unsettled depends on how strong it is.)"""
    from checker.core.result import ModelResult
    from checker.core.verdict import Method, Verdict
    from checker.scenario.run import _goal_verdict

    model = compile_file(str(SMALL)).model
    assert model is not None
    sc = next(s for s in model.scenarios if s.name == "something_returned")
    r = restrict(model, sc)
    proved = Verdict(sc.name, Status.HOLDS, Method.K_INDUCTION, bound=2, engine="symbolic")
    reach1 = Verdict("<reach 1>", Status.HOLDS, Method.EXHAUSTIVE, states=3)
    reach2 = Verdict("<reach 2>", Status.BOUNDED, Method.BOUNDED, bound=1, engine="symbolic")
    result = ModelResult(r.model, (proved, reach1, reach2), ())
    v = _goal_verdict(sc, r, result, model)
    assert v.status is Status.UNKNOWN and "`revoke`" in v.note and "vacuous" in v.note
    settled = ModelResult(r.model, (proved, reach1, replace(reach2, status=Status.HOLDS)), ())
    assert _goal_verdict(sc, r, settled, model).status is Status.HOLDS


UNBOUNDED = """procedure u "unbounded"
import principles
source a1 "Art 1"
actor a is party
var owed : int = any
var paid : bool = false
rule pay { by a kind performance cites a1 when not paid and owed > 0 \
then owed := owed - 1; paid := true }
final paid
"""


def test_unbounded_variable_fixed_by_a_fact_is_checked_symbolically() -> None:
    report = check_text(
        UNBOUNDED + "scenario s { given owed == 5 happened pay then always owed == 4 }\n",
        CheckOptions(engine="auto"),
    )
    (s,) = report.scenarios
    assert s.outcome.verdict.status is Status.HOLDS and s.engine == "symbolic"


def test_unbounded_variable_not_fixed_is_E312() -> None:
    report = check_text(
        UNBOUNDED + "scenario t { given owed >= 5 then always owed >= 4 }\n",
        CheckOptions(engine="auto"),
    )
    (d,) = [d for d in report.diagnostics if d.is_error]
    assert d.code == "E312" and "'owed'" in d.message
