"""Traces: an initial state and the steps taken, replayable through the reference semantics.

A trace records only what is needed to replay it (rule instance names and states); the legal
reading of each step (actor, organ, kind, citations, changes) is derived from the model.
ITF-compatible export lives in the JSON report (`loop_start` marks a lasso's cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.core.semantics import (
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


def rule_by_name(model: Model, name: str) -> RuleInstance:
    for r in model.rules:
        if r.name == name:
            return r
    raise ReplayError(f"trace names unknown rule instance {name!r}")


def replay(model: Model, trace: Trace) -> None:
    """Check that every step is enabled in its pre-state and yields the recorded post-state.

    In a timed model the deadline clocks are recomputed along the trace (they are a function of
    its history), so a time step is checked against the deadlines; for a lasso, the clocks at
    the end must also equal those at the loop start, or the loop could not repeat for ever."""
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
            rule = rule_by_name(model, name)
            if not evaluate(rule.guard, state):
                raise ReplayError(f"step {i}: rule {name!r} is not enabled")
            expected = apply(model, rule, state)
            if expected != after:
                raise ReplayError(f"step {i}: rule {name!r} yields {expected}, trace says {after}")
            clocks = clocks_after_step(model, rule, clocks, after)
        history.append(clocks)
        state = after
    if trace.loop_start is None:
        return
    if not 0 <= trace.loop_start < len(trace.states) - 1:
        raise ReplayError("loop start outside the trace (a loop needs at least one step)")
    if trace.states[trace.loop_start] != state:
        raise ReplayError("lasso does not close: last state differs from the loop start")
    if history[trace.loop_start] != clocks:
        raise ReplayError("lasso does not close: the deadline clocks differ at the loop start")


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
        cites = tuple(
            (c, (model.source(c).title if model.source(c) else c)) for c in rule.citations
        )
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


def state_dict(model: Model, state: State) -> dict[str, Value]:
    return {model.slots[i].name: v for i, v in enumerate(state)}
