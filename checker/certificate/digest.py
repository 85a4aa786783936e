"""A digest of a reachable state set, and an independent re-enumeration to check it against.

`state_digest` is canonical: each state (the model's slots, then the deadline clocks in a timed
model) is written as compact JSON (so `true`, `1` and `"1"` differ), the lines are sorted, and
sha256 is taken over them; discovery order and engine internals do not matter.

`enumerate_states` is the reference semantics' own breadth-first search
(`checker.core.semantics.successors` and the clock functions), deliberately not the compiled
explicit engine whose result a certificate vouches for.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterable

from checker.core.semantics import (
    Due,
    RangeViolation,
    State,
    apply,
    clocks_after_day,
    clocks_after_step,
    due_in,
    evaluate,
    initial_clocks,
    initial_states,
    is_timed,
    time_may_pass,
)
from dsl.model import Model, RuleInstance, Value

FullState = tuple[Value, ...]  # the model's slots, then the deadline clocks


class TooManyStates(Exception):
    """The re-enumeration passed its limit: the digest cannot be checked here."""


def state_digest(states: Iterable[FullState]) -> str:
    lines = sorted(json.dumps(list(s), ensure_ascii=False, separators=(",", ":")) for s in states)
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return "sha256:" + h.hexdigest()


Steps = dict[FullState, list[tuple[RuleInstance, FullState]]]


def enumerate_states(
    model: Model, max_states: int = 5_000_000, steps: Steps | None = None
) -> list[FullState]:
    """Every reachable state, by the reference semantics alone; TooManyStates past the limit.
    `steps` (if given) is filled with each model state's rule steps, for reuse."""
    timed = is_timed(model)
    width = len(model.slots)
    zero = initial_clocks(model) if timed else ()
    seen: dict[FullState, None] = {}
    for s in initial_states(model):
        seen.setdefault(s + zero)
    queue = deque(seen)
    steps = {} if steps is None else steps
    dues: dict[State, Due] = {}  # a model state's enabled deadline rules, evaluated once

    def due(state: State) -> Due:
        found = dues.get(state)
        if found is None:
            found = dues[state] = due_in(model, state)
        return found

    while queue:
        full = queue.popleft()
        state = full[:width]
        clocks = tuple(int(c) for c in full[width:])
        nexts: list[FullState] = []
        discrete = steps.get(state)
        if discrete is None:  # a model state recurs with other clocks: its steps do not change
            discrete = steps[state] = _discrete(model, state)
        for rule, after in discrete:
            nexts.append(
                after + (clocks_after_step(model, rule, clocks, after, due(after)) if timed else ())
            )
        if timed and time_may_pass(model, state, clocks, due(state)):
            nexts.append(state + clocks_after_day(model, state, clocks, due(state)))
        for t in nexts:
            if t not in seen:
                if len(seen) >= max_states:
                    raise TooManyStates(f"more than {max_states:,} states")
                seen[t] = None
                queue.append(t)
    return list(seen)


def _discrete(model: Model, state: FullState) -> list[tuple[RuleInstance, FullState]]:
    """The rule steps from `state`; a step that would leave a declared range is none."""
    out = []
    for rule in model.rules:
        if not evaluate(rule.guard, state):
            continue
        try:
            out.append((rule, apply(model, rule, state)))
        except RangeViolation:
            continue
    return out
