"""Traces: an initial state and the steps taken, replayable through the reference semantics.

A trace records only what is needed to replay it (rule instance names and states); the legal
reading of each step (actor, organ, kind, citations, changes) is derived from the model.
ITF-compatible export lives in the JSON report (`loop_start` marks a lasso's cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.semantics import State, apply, evaluate
from dsl.model import Model, RuleInstance, Value

TIME_STEP = "<time>"  # the built-in passage of one day (issue: duties and deadlines)


@dataclass(frozen=True, slots=True)
class Trace:
    initial: State
    steps: tuple[tuple[str, State], ...]  # (rule instance name or TIME_STEP, state after)
    loop_start: int | None = None  # for a lasso: index into states (0 = initial) where the cycle begins

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
    """Check that every step is enabled in its pre-state and yields the recorded post-state."""
    state = trace.initial
    for i, (name, after) in enumerate(trace.steps, start=1):
        if name == TIME_STEP:
            state = after  # time steps are validated by the timed semantics
            continue
        rule = rule_by_name(model, name)
        if not evaluate(rule.guard, state):
            raise ReplayError(f"step {i}: rule {name!r} is not enabled")
        expected = apply(model, rule, state)
        if expected != after:
            raise ReplayError(f"step {i}: rule {name!r} yields {expected}, trace says {after}")
        state = after
    if trace.loop_start is not None and not (0 <= trace.loop_start < len(trace.states)):
        raise ReplayError("loop start outside the trace")
    if trace.loop_start is not None and trace.states[trace.loop_start] != state:
        raise ReplayError("lasso does not close: last state differs from the loop start")


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
