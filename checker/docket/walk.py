"""A sample docket: a random run of the case written as dated acts (for tests and benchmarks)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from checker.core.semantics import State, successors
from dsl.model import Model


def random_docket(
    model: Model,
    start: State,
    entries: int,
    seed: int = 0,
    first: datetime.date = datetime.date(2024, 1, 1),
    long: bool = False,
) -> tuple[dict[str, Any], State]:
    """A JSON docket of up to `entries` acts along a random run from `start`, each a rule the
    reference semantics allows, 0-3 days apart; and the state the run ends in. `long` prefers
    acts after which the procedure can go on (for a long docket)."""
    rng = random.Random(seed)
    alive = _endless(model, start) if long else None
    state, date, out = start, first, []
    for _ in range(entries):
        options = list(successors(model, state))
        if not options:
            break
        if alive is not None:
            options = [(r, t) for r, t in options if t in alive] or options
        rule, state = rng.choice(options)
        date += datetime.timedelta(days=rng.randint(0, 3))
        act: dict[str, Any] = {"date": date.isoformat(), "actor": rule.actor, "act": rule.rule}
        if rule.binding:
            act["args"] = [v for _, v in rule.binding]
        out.append(act)
    initial = {
        s.name: v
        for s, v, init in zip(model.slots, start, model.initial, strict=True)
        if init is None or len(init) > 1
    }
    return {"initial": initial, "entries": out}, state


def _endless(model: Model, start: State) -> set[State]:
    """The reachable states from which a run can go on for ever (they reach a cycle)."""
    succ: dict[State, list[State]] = {}
    todo = [start]
    while todo:
        s = todo.pop()
        if s in succ:
            continue
        succ[s] = [t for _, t in successors(model, s)]
        todo.extend(t for t in succ[s] if t not in succ)
    alive = set(succ)
    changed = True
    while changed:
        dead = {s for s in alive if not any(t in alive for t in succ[s])}
        alive -= dead
        changed = bool(dead)
    return alive
