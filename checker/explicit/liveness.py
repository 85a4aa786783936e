"""Liveness on an explored state space: `eventually P`, `P leads_to Q`, `S leads_to Q`, and
bounded response `… leads_to Q within N days`.

Input: a `StateSpace` (`checker.explicit.search`) and a property of one of these forms. Output: a
`Verdict`: holds (exhaustive), fails with a replayed counterexample, or unknown when the search
stopped at a limit. Registered in `checker.explicit.judge.JUDGES`.

Which runs count (docs/language.md §13). A run is *fair* when every fair action is weakly fair:
if it stays enabled from some point on, it is taken infinitely often. The fair actions are the
rule instances marked `duty` (with or without a deadline) and, in a timed model, the passage of
time (so time cannot stop for ever: non-Zeno). Powers are not fair, so a run may *stop* in a
state where no duty is enabled; in a timed model it does not stop but lets time pass, which is
a self-loop wherever no deadline runs. An untimed model is thus the timed one without deadlines,
with a stop in place of endless days.

The algorithm (Emerson–Lei style, for weak fairness): the *avoiding region* is every state from
which the goal has not yet come, reachable from a trigger through such states (breadth-first,
so stems are short). A counterexample is (a) in an untimed model, a region state where no duty
is enabled: the run stops there; or (b) a strongly connected component C of the region (with at
least one edge inside) that is *fair*: every fair action is disabled in some state of C or taken
by some edge inside C. Under weak fairness this needs no recursion into sub-components: if C is
unfair, some action is enabled in every state of C and taken by no edge inside it, and the same
then holds in every part of C, so no part is fair either. (Strong fairness would need the
recursion.) The lasso's cycle is built inside a fair C by visiting, for each fair action, a
state where it is disabled or an edge that takes it (the search: `checker.explicit.fair_runs`).
Components come from an iterative Tarjan on the compact edge arrays: for 100,000 states it is
several times faster than building a NetworkX graph (benchmarks/liveness.py); the tests check
it against NetworkX.

Bounded response (`within N days`) is a search in the product of the state graph with an
observer counter 0..N: the days since the oldest trigger not yet answered. A day that would take
the counter to N + 1 ("late": past the bound nothing is distinguished any more) is a deadline
miss, and the trace to it is the counterexample. Every fair run of a timed model lets time pass
infinitely often (a run without time steps from some point has constant clocks, so time could
be blocked only by a deadline duty enabled and never performed, which is unfair); hence when no
deadline can be missed, the response also always comes, and the unbounded `leads_to` is only
checked to explain a failure ("it comes, but not in time" or "it need never come").
"""

from __future__ import annotations

from array import array
from collections import deque
from typing import TYPE_CHECKING

from checker.core.show_expr import show
from checker.core.verdict import Verdict
from checker.explicit.fair_runs import (
    FairRun,
    Goal,
    Region,
    Source,
    enabled_rules,
    find_fair_run,
    source_path,
    triggers,
)
from checker.explicit.verdicts import Path, counterexample, holds, unknown
from dsl.model import Eventually, Expr, LeadsTo, Property, StepPattern

if TYPE_CHECKING:
    from checker.explicit.space import StateSpace


# --------------------------------------------------------------------------- the judges


def eventually(space: StateSpace, prop: Property) -> Verdict:
    assert isinstance(prop.form, Eventually)
    if not space.complete:
        return unknown(space, prop)
    goal = Goal.of(space, prop.form.predicate)
    sources = [(i, -1, -1) for i, p in enumerate(space.parent) if p < 0]
    found = find_fair_run(space, goal, sources)
    if found is None:
        return holds(space, prop)
    return _fails(space, prop, found, f"`{show(prop.form.predicate)}` never holds")


def leads_to(space: StateSpace, prop: Property) -> Verdict:
    assert isinstance(prop.form, LeadsTo)
    if not space.complete:
        return unknown(space, prop)
    form = prop.form
    goal, sources = _wait(space, form)
    if form.within_days is not None:
        return _within(space, prop, goal, sources, form.within_days)
    found = _fair_run(space, form, goal, sources)
    if found is None:
        return holds(space, prop)
    return _fails(space, prop, found, f"after {_trigger_text(form.trigger)}, {goal.never()}")


def _wait(space: StateSpace, form: LeadsTo) -> tuple[Goal, list[Source]]:
    """The goal and where the wait for it begins; the same for every property of the space
    with this trigger and target (`application_decided` and `timeliness` share them, and are
    declared one after the other; a goal has a byte per state, so the last one is kept)."""

    def make() -> tuple[Goal, list[Source]]:
        goal = Goal.of(space, form.target)
        return goal, triggers(space, form.trigger, goal)

    return space.shared("wait", (form.trigger, form.target), make, last_only=True)


def _fair_run(
    space: StateSpace, form: LeadsTo, goal: Goal, sources: list[Source]
) -> FairRun | None:
    """`find_fair_run` for the wait of `form`, searched once per space: a bounded response
    that fails asks it of the same trigger and target its unbounded form was judged by."""
    return space.shared(
        "fair run",
        (form.trigger, form.target),
        lambda: find_fair_run(space, goal, sources, _region(space, form, goal, sources)),
    )


def _region(space: StateSpace, form: LeadsTo, goal: Goal, sources: list[Source]) -> Region:
    """The wait's `Region`, shared by the bounded and the unbounded search of one trigger and
    target (the last one only is kept: it holds several arrays of the size of the space)."""
    key = (form.trigger, form.target)
    return space.shared("region", key, lambda: Region(space, goal, sources), last_only=True)


# --------------------------------------------------------------------------- bounded response


def _within(
    space: StateSpace, prop: Property, goal: Goal, sources: list[Source], days: int
) -> Verdict:
    """Breadth-first search of (state, days waited) from every trigger, inside the region; a
    time step out of a node waiting `days` days is the deadline miss."""
    form = prop.form
    assert isinstance(form, LeadsTo)
    region = _region(space, form, goal, sources)
    if not _can_miss(space, region, days):
        return holds(space, prop)
    miss, back = _first_miss(space, region, days)
    width = days + 1  # a node (state u, days waited w) is the integer u * width + w
    node, r, v = miss
    wait: Path = [(r, v)]
    while back[node][1] >= 0:
        wait.append((back[node][1], node // width))
        node = back[node][0]
    wait.reverse()
    prefix = source_path(space, region.source[node // width])
    path = [*prefix, *wait]
    trace = space.trace(path)
    when = len(prefix) - 1
    since = (
        "in the initial state"
        if when == 0
        else f"at step {when}"
        if isinstance(form.trigger, StepPattern)
        else f"after step {when}"
    )
    note = (
        f"{goal.not_within(days)} of {_trigger_text(form.trigger)} "
        f"({since}): day {days + 1} passes at step {len(path) - 1}. "
        + _pending_reasons(space, path[-2][1])
    )
    unbounded = _fair_run(space, form, goal, sources)
    if unbounded is None:
        note += (
            " Without the bound the response is certain (fairness), "
            "but no deadline forces it in time."
        )
    else:
        note += " Even without the bound it need never come: a fair run avoids it for ever."
    return counterexample(space, prop, trace, note)


def _can_miss(space: StateSpace, region: Region, days: int) -> bool:
    """Whether some run through the region waits more than `days` days: the most days any
    path can have waited on reaching each state, by label correction (a state is revisited
    only when its label grows, at most `days` + 1 times; usually once or twice), stopping at
    the first label beyond the bound. Far cheaper than the product search when the bound is
    met; when it is not, `_first_miss` finds the shortest counterexample."""
    start, rule, dst, allowed = region.start, region.rule, region.dst, region.allowed
    time_rule = space.time_rule
    most = array("l", [-1]) * len(space.states)
    queue: deque[int] = deque()
    for sid in region.order:
        if region.parent[sid] < 0:
            most[sid] = 0
            queue.append(sid)
    queued = bytearray(len(space.states))
    for sid in queue:
        queued[sid] = 1
    while queue:
        u = queue.popleft()
        queued[u] = 0
        waited = most[u]
        for e in range(start[u], start[u + 1]):
            if not allowed[e]:
                continue
            later = waited + 1 if rule[e] == time_rule else waited
            if later > days:
                return True
            v = dst[e]
            if later > most[v]:
                most[v] = later
                if not queued[v]:
                    queued[v] = 1
                    queue.append(v)
    return False


def _first_miss(
    space: StateSpace, region: Region, days: int
) -> tuple[tuple[int, int, int], dict[int, tuple[int, int]]]:
    """Breadth-first search of (state, days waited) from every trigger, inside the region:
    the first time step out of a node waiting `days` days (node, rule, destination) and the
    search's parent pointers (node -> (parent node, rule); -1 for a trigger)."""
    start, rule, dst, allowed = region.start, region.rule, region.dst, region.allowed
    time_rule, width = space.time_rule, days + 1
    back: dict[int, tuple[int, int]] = {}
    queue: deque[int] = deque()
    for sid in region.order:
        if region.parent[sid] < 0:
            back[sid * width] = (-1, -1)
            queue.append(sid * width)
    while queue:
        node = queue.popleft()
        u, waited = divmod(node, width)
        for e in range(start[u], start[u + 1]):
            if not allowed[e]:
                continue
            r = rule[e]
            later = waited + 1 if r == time_rule else waited
            if later > days:
                return (node, r, dst[e]), back
            nxt = dst[e] * width + later
            if nxt not in back:
                back[nxt] = (node, r)
                queue.append(nxt)
    raise AssertionError("`_can_miss` found a miss the product search does not")


# --------------------------------------------------------------------------- verdicts and notes


def _fails(space: StateSpace, prop: Property, found: FairRun, what: str) -> Verdict:
    trace = space.trace(found.path, found.loop_start)
    last = len(found.path) - 1
    if found.loop_start is None:
        note = f"{what}: the run stops after step {last}. " + _stop_reasons(
            space, found.path[-1][1]
        )
    else:
        cycle = found.path[found.loop_start + 1 :]
        note = f"{what}: steps {found.loop_start + 1}–{last} repeat for ever. " + _loop_reasons(
            space, cycle
        )
    return counterexample(space, prop, trace, note)


def _modality(space: StateSpace, k: int) -> str:
    r = space.model.rules[k]
    if r.deadline_days is not None:
        return f"{r.name} is a duty of {r.actor} within {r.deadline_days} days"
    if r.duty:
        return f"{r.name} is a duty of {r.actor} with no deadline"
    return f"{r.name} is a power of {r.actor} (no duty), so it may never be exercised"


def _listed(parts: list[str], limit: int = 4) -> str:
    if len(parts) > limit:
        parts = [*parts[:limit], f"and {len(parts) - limit} more"]
    return "; ".join(parts)


def _stop_reasons(space: StateSpace, sid: int) -> str:
    enabled = sorted(enabled_rules(space, sid))
    if not enabled:
        return "No rule applies there (a dead end)."
    return "No duty is pending there: " + _listed([_modality(space, k) for k in enabled]) + "."


def _loop_reasons(space: StateSpace, cycle: Path) -> str:
    taken = {r for r, _ in cycle}
    idle: set[int] = set()
    for _, sid in cycle:
        idle |= enabled_rules(space, sid)
    idle -= taken
    idle.discard(space.time_rule)
    parts = []
    for k in sorted(idle):
        r = space.model.rules[k]
        if r.duty or r.deadline_days is not None:
            parts.append(f"{r.name} is a duty of {r.actor}, but not applicable throughout the loop")
        else:
            parts.append(_modality(space, k))
    time_only = taken == {space.time_rule}
    if space.time_rule in taken:
        actors = sorted({space.model.rules[k].actor for k in idle})
        head = "Time passes for ever"
        if actors and time_only:
            head += f": no deadline binds {', '.join(actors)}"
        return head + (". " + _listed(parts) + "." if parts else ".")
    return (_listed(parts) + ".") if parts else "Every duty in the loop is performed or lapses."


def _pending_reasons(space: StateSpace, sid: int) -> str:
    enabled = sorted(enabled_rules(space, sid) - {space.time_rule})
    if not enabled:
        return "No rule applies meanwhile, and nothing stops time."
    return "Meanwhile " + _listed([_modality(space, k) for k in enabled]) + "."


def _trigger_text(trigger: Expr | StepPattern) -> str:
    if isinstance(trigger, StepPattern):
        return f"a step matching `{show(trigger.where)}`"
    return f"`{show(trigger)}`"
