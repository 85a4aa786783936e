"""Checking a model's scenarios: the restricted model through the engines `check` uses.

Each scenario becomes a `PropertyOutcome` (so every report format and the exit code treat it
like a property), with its trace given in the model's own slots and replayed there. Facts that
contradict each other (E310) or that no run can satisfy (E311) are diagnostics, not verdicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from checker.core.outcome import PropertyOutcome, match
from checker.core.result import CheckOptions, ModelResult
from checker.core.trace import Trace, replay
from checker.core.verdict import Method, Status, Verdict
from checker.scenario.restrict import MONITOR, Contradiction, Restricted, restrict
from checker.select import Refused, run_engines
from dsl.diagnostics import Diagnostic, error
from dsl.model import (
    Eventually,
    Invariant,
    Model,
    Property,
    PropertyForm,
    Reachable,
    Scenario,
)


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """One scenario's verdict against its `expect`; what a renderer needs besides the outcome."""

    scenario: Scenario
    outcome: PropertyOutcome
    states: int = 0  # states of the restricted model explored
    engine: str = ""


def scenario_property(sc: Scenario) -> Property:
    """The scenario as the property reports list: its goal over the model's own slots."""
    form: PropertyForm
    match sc.goal:
        case "reachable":
            form = Reachable(sc.predicate)
        case "eventually":
            form = Eventually(sc.predicate)
        case _:
            form = Invariant(sc.predicate)
    return Property(sc.name, form, sc.title, sc.text, "scenario", span=sc.span)


def check_scenarios(
    model: Model, options: CheckOptions
) -> tuple[tuple[ScenarioOutcome, ...], tuple[Diagnostic, ...]]:
    outcomes: list[ScenarioOutcome] = []
    diags: list[Diagnostic] = []
    expectations = {e.property: e for e in model.expectations}
    for sc in model.scenarios:
        try:
            r = restrict(model, sc)
        except Contradiction as c:
            diags.append(_contradiction(model, sc, c))
            continue
        try:
            result = run_engines(r.model, options)
        except Refused as exc:
            v = Verdict(sc.name, Status.UNKNOWN, Method.NOT_APPLICABLE, note=str(exc))
            out = PropertyOutcome(
                scenario_property(sc),
                v,
                expectations.get(sc.name),
                match(v, expectations.get(sc.name)),
            )
            outcomes.append(ScenarioOutcome(sc, out))
            continue
        impossible = _impossible_fact(sc, result)
        if impossible is not None:
            diags.append(impossible)
            continue
        v = _goal_verdict(sc, r, result, model)
        exp = expectations.get(sc.name)
        outcomes.append(
            ScenarioOutcome(
                sc,
                PropertyOutcome(scenario_property(sc), v, exp, match(v, exp)),
                result.states,
                result.engine,
            )
        )
    return tuple(outcomes), tuple(diags)


def _contradiction(model: Model, sc: Scenario, c: Contradiction) -> Diagnostic:
    fact = sc.given[c.fact_index]
    slot = next(s for s in model.slots if s.name == c.slot_name)
    if c.unbounded:
        return error(
            "E312",
            f"a `given` fact about the unbounded variable '{c.slot_name}' must fix its value",
            fact.span,
            "the restriction cannot enumerate the values this allows",
            help=f"write `given {c.slot_name} == 5`, or give '{c.slot_name}' a range such as 0..10",
        )
    if c.alone:
        declared = model.initial[model.slots.index(slot)]
        allowed = (
            "any value of " + str(slot.type)
            if declared is None
            else "{" + ", ".join(str(v) for v in declared) + "}"
        )
        return error(
            "E310",
            f"no initial value of '{c.slot_name}' satisfies this fact",
            fact.span,
            f"'{c.slot_name}' starts in {allowed}",
        )
    return error(
        "E310",
        f"the facts contradict each other: no initial value of '{c.slot_name}' "
        "satisfies this fact and the `given` facts before it",
        fact.span,
        "contradicts an earlier fact",
    )


def _impossible_fact(sc: Scenario, result: ModelResult) -> Diagnostic | None:
    """E311 at the first step of the prefix that no run consistent with the facts before it can
    take; None while every step may happen (or the search could not tell)."""
    for i, st in enumerate(sc.steps, start=1):
        reach = result.verdict(f"<reach {i}>")
        if reach is None or reach.status is not Status.FAILS:
            if reach is None or reach.status is not Status.HOLDS:
                return None  # unsettled: the goal's verdict will say so
            continue
        enabled = result.verdict(f"<enabled {i}>")
        before = "the facts before it" if i > 1 else "the `given` facts"
        if enabled is not None and enabled.status is Status.FAILS:
            why = f"its rule's condition (`when`) never holds after {before}"
        else:
            why = "the state after it never satisfies its `with` fact"
        return error(
            "E311",
            f"step {i} of scenario '{sc.name}' (`{st.text}`) cannot happen: {why}",
            st.span,
            "no run gets here",
            help="the facts up to the step before are possible",
        )
    return None


def _goal_verdict(sc: Scenario, r: Restricted, result: ModelResult, model: Model) -> Verdict:
    """The goal's verdict in the model's terms. A `holds` stands only where the facts were shown
    possible (each step reached); `then final` also needs a lawful end after the facts."""
    v = result.verdict(sc.name)
    assert v is not None
    v = replace(v, note=re.sub(r"`" + re.escape(MONITOR) + r" [=<>!]+ \d+`", "the facts", v.note))
    if sc.goal == "final" and v.status is not Status.FAILS:
        ends = result.verdict("<ends>")
        assert ends is not None
        if ends.status is Status.FAILS:
            return replace(
                v,
                status=Status.FAILS,
                method=Method.EXHAUSTIVE if ends.method is Method.EXHAUSTIVE else ends.method,
                note="no run consistent with the facts reaches a lawful end state (`final`)",
                trace=None,
                states=ends.states,
                bound=ends.bound,
            )
        if ends.status is not Status.HOLDS and v.status is Status.HOLDS:
            return replace(
                v,
                status=Status.UNKNOWN,
                method=ends.method,
                bound=ends.bound,
                trace=None,
                note="every lawful end after the facts satisfies the goal, but whether one is "
                "reached is unsettled (" + ends.how + ")",
            )
    reach = [(st, result.verdict(f"<reach {i}>")) for i, st in enumerate(sc.steps, start=1)]
    unsettled = [(st, x) for st, x in reach if x is not None and x.status is not Status.HOLDS]
    if unsettled and v.status is Status.HOLDS:
        st, x = unsettled[0]
        return replace(
            v,
            status=Status.UNKNOWN,
            method=x.method,
            bound=x.bound,
            states=x.states,
            trace=None,
            note=f"the goal holds, but whether the facts can happen is unsettled from step "
            f"`{st.text}` on ({x.how}): a vacuous `holds` is not given",
        )
    if v.trace is None:
        return v
    return replace(v, trace=project(v.trace, r, model))


def project(trace: Trace, r: Restricted, model: Model) -> Trace:
    """A trace of the restricted model as one of `model`: the monitor slot dropped, replayed."""
    steps = tuple((name, s[: r.pos]) for name, s in trace.steps)
    out = Trace(trace.initial[: r.pos], steps, trace.loop_start)
    replay(model, out)
    return out
