"""Traces: an initial state and the steps taken, replayable through the reference semantics.

A trace records only what is needed to replay it (rule instance names and states); the legal
reading of each step (actor, organ, kind, citations, changes) is derived from the model.
ITF-compatible export lives in the JSON report (`loop_start` marks a lasso's cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.core.semantics import (
    Clocks,
    RangeViolation,
    State,
    apply,
    clocks_after_day,
    clocks_after_step,
    evaluate,
    initial_clocks,
    is_timed,
    time_may_pass,
)
from dsl.model import Model, RuleInstance, Value

TIME_STEP = "<time>"  # the built-in passage of one day (issue: duties and deadlines)


@dataclass(frozen=True, slots=True)
class Trace:
    initial: State
    steps: tuple[tuple[str, State], ...]  # (rule instance name or TIME_STEP, state after)
    loop_start: int | None = (
        None  # for a lasso: index into states (0 = initial) where the cycle begins
    )

    @property
    def states(self) -> tuple[State, ...]:
        return (self.initial, *(s for _, s in self.steps))

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, slots=True)
class StepView:
    """One step of a trace, read as a legal act."""

    number: int
    rule: str  # instance name
    declared_rule: str
    actor: str
    actor_label: str
    organ: str
    kind: str | None
    citations: tuple[tuple[str, str], ...]  # (source name, title)
    changes: tuple[tuple[str, Value, Value], ...]  # (slot name, before, after)
    is_time: bool = False


class ReplayError(Exception):
    """A trace that the reference semantics does not reproduce: always an internal error."""


def rule_by_name(model: Model, name: str, step: int | None = None) -> RuleInstance:
    for r in model.rules:
        if r.name == name:
            return r
    where = f"step {step}: " if step is not None else ""
    raise ReplayError(f"{where}trace names unknown rule instance {name!r}")


def check_initial(model: Model, state: State) -> None:
    """`state` is one of the model's initial states (an `any` integer: any value), or ReplayError
    naming the first slot that is not."""
    if len(state) != len(model.slots):
        raise ReplayError(f"initial state: {len(state)} values for {len(model.slots)} variables")
    for slot, value, allowed in zip(model.slots, state, model.initial, strict=True):
        if allowed is None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ReplayError(f"initial state: {slot.name} = {value!r} is not an integer")
        elif value not in allowed or type(value) is not type(allowed[0]):
            raise ReplayError(
                f"initial state: {slot.name} = {value!r} is not an initial value "
                f"(the model starts with {' or '.join(repr(v) for v in allowed)})"
            )


def replay(model: Model, trace: Trace) -> list[Clocks]:
    """Check that the trace starts in an initial state and that every step is enabled in its
    pre-state and yields the recorded post-state; return the deadline clocks at each state.

    In a timed model the deadline clocks are recomputed along the trace (they are a function of
    its history), so a time step is checked against the deadlines; for a lasso, the clocks at
    the end must also equal those at the loop start, or the loop could not repeat for ever.
    Whether the trace also shows what it is attached to (a counterexample, a witness) is
    `checker.certificate.evidence`'s question."""
    check_initial(model, trace.initial)
    timed = is_timed(model)
    clocks = initial_clocks(model)
    history = [clocks]
    state = trace.initial
    for i, (name, after) in enumerate(trace.steps, start=1):
        if name == TIME_STEP:
            if not timed:
                raise ReplayError(f"step {i}: a time step in a model without time")
            if not time_may_pass(model, state, clocks):
                raise ReplayError(f"step {i}: time passes beyond a deadline")
            if after != state:
                raise ReplayError(f"step {i}: a time step changes the state")
            clocks = clocks_after_day(model, state, clocks)
        else:
            rule = rule_by_name(model, name, i)
            if not evaluate(rule.guard, state):
                raise ReplayError(f"step {i}: rule {name!r} is not enabled")
            try:
                expected = apply(model, rule, state)
            except RangeViolation as exc:
                raise ReplayError(f"step {i}: {exc}") from exc
            if expected != after or any(
                type(a) is not type(b) for a, b in zip(after, expected, strict=True)
            ):
                raise ReplayError(f"step {i}: {_difference(model, name, expected, after)}")
            clocks = clocks_after_step(model, rule, clocks, after)
        history.append(clocks)
        state = after
    if trace.loop_start is None:
        return history
    last = len(trace.steps)
    if not 0 <= trace.loop_start < last:
        raise ReplayError(
            f"loop: the loop start {trace.loop_start} is outside the trace "
            f"(states 0–{last - 1}; a loop needs at least one step)"
        )
    if trace.states[trace.loop_start] != state:
        raise ReplayError(
            f"loop: step {last} ends in a state that differs from state "
            f"{trace.loop_start}, where the loop is said to start"
        )
    if history[trace.loop_start] != clocks:
        raise ReplayError(
            f"loop: the deadline clocks differ: {clocks} after step {last}, "
            f"{history[trace.loop_start]} at state {trace.loop_start}, where the "
            "loop is said to start"
        )
    return history


def _difference(model: Model, rule: str, expected: State, recorded: State) -> str:
    """The first variable where a recorded post-state differs from what the rule yields."""
    if len(recorded) != len(expected):
        return f"the state after rule {rule!r} has {len(recorded)} values, not {len(expected)}"
    for slot, e, r in zip(model.slots, expected, recorded, strict=True):
        if e != r or type(e) is not type(r):
            return f"rule {rule!r} leaves {slot.name} = {e!r}; the trace says {r!r}"
    raise AssertionError("no difference")


def view(model: Model, trace: Trace) -> list[StepView]:
    out = []
    states = trace.states
    for i, (name, after) in enumerate(trace.steps, start=1):
        before = states[i - 1]
        changes = tuple(
            (model.slots[j].name, before[j], after[j])
            for j in range(len(after))
            if before[j] != after[j]
        )
        if name == TIME_STEP:
            out.append(StepView(i, name, name, "", "", "", None, (), changes, is_time=True))
            continue
        rule = rule_by_name(model, name)
        actor = model.actor(rule.actor)
        cites = tuple((c, _title(model, c)) for c in rule.citations)
        out.append(
            StepView(
                i,
                rule.name,
                rule.rule,
                rule.actor,
                actor.label if actor else "",
                actor.organ if actor else "",
                rule.kind,
                cites,
                changes,
            )
        )
    return out


def _title(model: Model, source: str) -> str:
    found = model.source(source)
    return found.title if found is not None else source


def state_dict(model: Model, state: State) -> dict[str, Value]:
    return {model.slots[i].name: v for i, v in enumerate(state)}


# --------------------------------------------------------------------------- ITF values and traces


def itf_value(v: Value) -> Value | dict[str, str]:
    """A value as ITF writes it: integers as `{"#bigint": "…"}` (JSON numbers lose precision)."""
    if isinstance(v, bool) or not isinstance(v, int):
        return v
    return {"#bigint": str(v)}


def value_of_itf(x: object, where: str) -> Value:
    """The value an ITF entry stands for (a plain JSON integer is accepted too)."""
    if isinstance(x, dict) and set(x) == {"#bigint"} and isinstance(x["#bigint"], str):
        try:
            return int(x["#bigint"])
        except ValueError:
            raise ReplayError(f"{where}: {x['#bigint']!r} is not an integer") from None
    if isinstance(x, bool | str) or (isinstance(x, int) and not isinstance(x, bool)):
        return x
    raise ReplayError(f"{where}: {x!r} is not a value of the model")


def trace_of_itf(model: Model, doc: object) -> Trace:
    """The `Trace` an ITF object (as `check --format json` writes it) records, in the model's
    slots; ReplayError (naming the state) when it is not one."""
    if not isinstance(doc, dict) or not isinstance(doc.get("states"), list) or not doc["states"]:
        raise ReplayError("not an ITF trace: no list of states")
    names = [s.name for s in model.slots]
    states: list[State] = []
    for i, entry in enumerate(doc["states"]):
        where = "initial state" if i == 0 else f"state {i}"
        if not isinstance(entry, dict):
            raise ReplayError(f"{where}: not an object")
        missing = [n for n in names if n not in entry]
        if missing:
            raise ReplayError(f"{where}: no value for {missing[0]!r}")
        extra = [k for k in entry if k not in names and not k.startswith("#")]
        if extra:
            raise ReplayError(f"{where}: {extra[0]!r} is not a variable of {model.name}")
        states.append(tuple(value_of_itf(entry[n], f"{where}, {n}") for n in names))
    steps = doc.get("steps")
    if not isinstance(steps, list) or len(steps) != len(states) - 1:
        raise ReplayError(
            f"not an ITF trace of revcheck: {len(states)} states need {len(states) - 1} steps"
        )
    rules: list[str] = []
    for k, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not isinstance(step.get("rule"), str):
            raise ReplayError(f"step {k}: no rule named")
        rules.append(step["rule"])
    loop = doc.get("loop")
    if loop is not None and (isinstance(loop, bool) or not isinstance(loop, int)):
        raise ReplayError(f"loop: {loop!r} is not a state index")
    return Trace(states[0], tuple(zip(rules, states[1:], strict=True)), loop)
