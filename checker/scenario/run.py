"""Checking a model's scenarios: the restricted model through the engines `check` uses.

Each scenario becomes a `PropertyOutcome` (so every report format and the exit code treat it
like a property), with its trace given in the model's own slots and replayed there (a fact of
N days as N of the model's time steps). Facts that contradict each other (E310), that no run can
satisfy (E311, also days that a deadline forbids) or days in a model without a clock (E313) are
diagnostics, not verdicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from checker.core.outcome import PropertyOutcome, match
from checker.core.result import CheckOptions, ModelResult
from checker.core.semantics import deadline_rules, is_timed
from checker.core.trace import TIME_STEP, Trace, replay
from checker.core.verdict import Method, Status, Verdict
from checker.scenario.restrict import (
    MONITOR,
    TICK,
    Contradiction,
    Restricted,
    restrict,
)
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
    ScenarioStep,
    Value,
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
        untimed = _days_without_clock(model, sc)
        if untimed is not None:
            diags.append(untimed)
            continue
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
        impossible = _impossible_fact(model, sc, result)
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


MAX_DAYS = 100_000  # a fact of more days (some 270 years) is refused: its trace has one step a day


def _days_without_clock(model: Model, sc: Scenario) -> Diagnostic | None:
    """E313 at the first `N days pass` of a model that has no days (no deadline, no `within`),
    or of more than MAX_DAYS days."""
    for st in sc.steps:
        if st.days is None:
            continue
        if not is_timed(model):
            return error(
                "E313",
                f"`{st.text}`: the model has no clock, so days cannot pass in its scenarios",
                st.span,
                "no rule has a deadline and no property counts days",
                help="days count only in a timed model: give the period the law sets as "
                "`duty within N days` on the rule it binds (docs/language.md §13); where the "
                "law sets none, leave the days out of the facts",
            )
        if st.days > MAX_DAYS:
            return error(
                "E313",
                f"`{st.text}`: more than {MAX_DAYS:,} days in one fact",
                st.span,
                "too many days",
                help="no deadline of a model is that long: a longer wait changes nothing the "
                "days that suffice to pass every deadline would not",
            )
    return None


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


def _impossible_fact(model: Model, sc: Scenario, result: ModelResult) -> Diagnostic | None:
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
        if st.days is not None:
            return _days_cannot_pass(model, sc, st, i, result)
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


def _days_cannot_pass(
    model: Model, sc: Scenario, st: ScenarioStep, i: int, result: ModelResult
) -> Diagnostic:
    """E311 for `N days pass` that the deadlines forbid: which duty would be overdue."""
    late = []
    for k, r in enumerate(deadline_rules(model)):
        v = result.verdict(f"<late {i} {k}>")
        if v is not None and v.status is Status.HOLDS:
            late.append(f"'{r.name}' (by {r.actor}) is a duty within {r.deadline_days} days")
    why = "; ".join(late) if late else "a duty's deadline would run out"
    return error(
        "E311",
        f"step {i} of scenario '{sc.name}' (`{st.text}`) cannot happen: {why}, and a day may "
        "not pass beyond a deadline while the duty applies",
        st.span,
        "the days cannot pass here",
        help="state the act that ended the duty in time (`10 days pass, order, 1 day passes`), "
        "or fewer days; whether a real file missed the deadline is what `revcheck replay` "
        "checks on a dated docket",
    )


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
    note = _note_in_model_terms(v.note, v.trace, r, model) if r.days else v.note
    return replace(v, trace=project(v.trace, r, model), note=note)


def _step_ends(trace: Trace, r: Restricted) -> list[int]:
    """For each step of a product trace, the number of the model's steps up to its end (a fact
    of N days is N time steps of the model)."""
    days = dict(r.days)
    ends, k = [], 0
    for name, _ in trace.steps:
        k += days.get(name, 1)
        ends.append(k)
    return ends


def _note_in_model_terms(note: str, trace: Trace, r: Restricted, model: Model) -> str:
    """The engine's note on a product that states time, told in the model's terms: its step
    numbers, its deadlines, and time passing where the product has a rule for it."""
    ends = _step_ends(trace, r)

    def start(a: int) -> int:
        return (ends[a - 2] if a >= 2 else 0) + 1

    note = re.sub(
        r"\bsteps (\d+)–(\d+)",
        lambda m: f"steps {start(int(m[1]))}–{ends[int(m[2]) - 1]}",
        note,
    )
    note = re.sub(r"\bstep (\d+)\b", lambda m: f"step {ends[int(m[1]) - 1]}", note)
    for d in deadline_rules(model):
        note = note.replace(
            f"{d.name} is a duty of {d.actor} with no deadline",
            f"{d.name} is a duty of {d.actor} within {d.deadline_days} days",
        )
    loop = trace.loop_start
    if loop is not None and all(name == TICK for name, _ in trace.steps[loop:]):
        note = note.replace("repeat for ever. ", "repeat for ever. Time passes for ever. ", 1)
    return note


def project(trace: Trace, r: Restricted, model: Model) -> Trace:
    """A trace of the restricted model as one of `model`: the monitor (and clock) slots
    dropped, days that pass as the model's time steps (`N days pass`: N of them), replayed
    (so the model's own clocks confirm that the days could pass)."""
    days = dict(r.days)
    steps: list[tuple[str, tuple[Value, ...]]] = []
    loop_start = trace.loop_start
    for k, (name, s) in enumerate(trace.steps):
        state = s[: r.pos]
        if name in days or name == TICK:
            times = days.get(name, 1)
            steps += [(TIME_STEP, state)] * times
            if loop_start is not None and k < loop_start:
                loop_start += times - 1
        else:
            steps.append((name, state))
    out = Trace(trace.initial[: r.pos], tuple(steps), loop_start)
    replay(model, out)
    return out
