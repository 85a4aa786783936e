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
state where it is disabled or an edge that takes it. Components come from an iterative Tarjan
on the compact edge arrays: for 100,000 states it is several times faster than building a
NetworkX graph (benchmarks/liveness.py); the tests check it against NetworkX.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checker.core.show_expr import show
from checker.core.verdict import Verdict
from checker.explicit.compile import Predicate
from checker.explicit.verdicts import Path, counterexample, holds, unknown
from dsl.model import (
    Eventually,
    Expr,
    LeadsTo,
    Property,
    StepPattern,
)

if TYPE_CHECKING:
    from checker.explicit.search import StateSpace

Source = tuple[int, int, int]  # (state id, and the step into it: source id, rule; -1, -1: none)


# --------------------------------------------------------------------------- the judges


def eventually(space: StateSpace, prop: Property) -> Verdict:
    assert isinstance(prop.form, Eventually)
    if not space.complete:
        return unknown(space, prop)
    goal = _Goal.of(space, prop.form.predicate)
    sources = [(i, -1, -1) for i, p in enumerate(space.parent) if p < 0]
    found = _find(space, goal, sources)
    if found is None:
        return holds(space, prop)
    return _fails(space, prop, found, f"`{show(prop.form.predicate)}` never holds")


def leads_to(space: StateSpace, prop: Property) -> Verdict:
    assert isinstance(prop.form, LeadsTo)
    if not space.complete:
        return unknown(space, prop)
    form = prop.form
    goal = _Goal.of(space, form.target)
    sources = _triggers(space, form.trigger, goal)
    if form.within_days is not None:
        return _within(space, prop, goal, sources, form.within_days)
    found = _find(space, goal, sources)
    if found is None:
        return holds(space, prop)
    return _fails(space, prop, found, f"after {_trigger_text(form.trigger)}, {goal.never()}")


# --------------------------------------------------------------------------- goals and triggers


@dataclass(frozen=True, slots=True)
class _Goal:
    """What ends the wait: a state predicate (`reached[i]`), or a step pattern (`step`)."""

    text: str
    reached: bytearray  # per state: the goal holds there
    step: tuple[Predicate | None, ...] | None  # per rule index: the goal step's pre-state test

    @staticmethod
    def of(space: StateSpace, target: Expr | StepPattern) -> _Goal:
        n = len(space.states)
        if isinstance(target, StepPattern):
            text = f"a step matching `{show(target.where)}`"
            return _Goal(text, bytearray(n), space.compiled.pattern(target).per_rule)
        pred = space.compiled.predicate(target)
        return _Goal(f"`{show(target)}`", bytearray(map(pred, space.codes)), None)

    def never(self) -> str:
        if self.step is not None:
            return f"{self.text} is never taken"
        return f"{self.text} never holds"

    def not_within(self, days: int) -> str:
        unit = "day" if days == 1 else "days"
        if self.step is not None:
            return f"{self.text} is not taken within {days} {unit}"
        return f"{self.text} does not hold within {days} {unit}"

    def edge_reaches(self, space: StateSpace, src: int, rule: int) -> bool:
        if self.step is None:
            return False
        match = self.step[rule]
        return match is not None and bool(match(space.codes[src]))


def _triggers(space: StateSpace, trigger: Expr | StepPattern, goal: _Goal) -> list[Source]:
    """Every state where a wait for the goal begins, in breadth-first order: states satisfying
    the trigger predicate, or right after a trigger step (the first such step in BFS order)."""
    out: list[Source] = []
    seen: set[int] = set()
    reached = goal.reached
    if isinstance(trigger, StepPattern):
        for src, r, dst in space.matching_edges(space.compiled.pattern(trigger).per_rule):
            if dst not in seen and not reached[dst]:
                seen.add(dst)
                out.append((dst, src, r))
        return out
    pred = space.compiled.predicate(trigger)
    return [(i, -1, -1) for i, s in enumerate(space.codes) if not reached[i] and pred(s)]


def _source_path(space: StateSpace, source: Source) -> Path:
    sid, src, rule = source
    if src < 0:
        return space.path_to(sid)
    return [*space.path_to(src), (rule, sid)]


# --------------------------------------------------------------------------- the search


@dataclass(frozen=True, slots=True)
class _Found:
    path: Path  # the whole run: prefix, then the wait
    loop_start: int | None  # index into the run's states where the cycle begins (None: a stop)


class _Region:
    """The states reachable from the sources without reaching the goal, breadth-first, with
    parent pointers (a source's parent is -1) and the allowed edges among them: `allowed[e]`
    for every out-edge `e` of a region state (an edge into the region that is not a goal
    step). Built in one pass over the region's edges; the space's edge arrays are shared
    (`StateSpace.edge_lists`), not copied per property."""

    def __init__(self, space: StateSpace, goal: _Goal, sources: list[Source]) -> None:
        n = len(space.states)
        self.space, self.goal = space, goal
        self.start, self.rule, self.dst = start, rule, dst = space.edge_lists()
        self.inside = inside = bytearray(n)
        self.allowed = allowed = bytearray(len(dst))
        self.parent = parent = array("l", [-1]) * n
        self.via = via = array("l", [-1]) * n
        self.order: list[int] = []
        self.source: dict[int, Source] = {}
        reached, step, codes = goal.reached, goal.step, space.codes
        queue: deque[int] = deque()
        for source in sources:
            sid = source[0]
            if not inside[sid] and not reached[sid]:
                inside[sid] = 1
                self.source[sid] = source
                queue.append(sid)
        order = self.order
        while queue:
            u = queue.popleft()
            order.append(u)
            for e in range(start[u], start[u + 1]):
                v = dst[e]
                if reached[v]:
                    continue
                if step is not None and (m := step[rule[e]]) is not None and m(codes[u]):
                    continue  # a goal step leaves the region
                allowed[e] = 1
                if not inside[v]:
                    inside[v] = 1
                    parent[v] = u
                    via[v] = rule[e]
                    queue.append(v)

    def path_to(self, sid: int) -> Path:
        """The run to `sid` through its source."""
        wait: Path = []
        while self.parent[sid] >= 0:
            wait.append((self.via[sid], sid))
            sid = self.parent[sid]
        wait.reverse()
        prefix = _source_path(self.space, self.source[sid])
        return [*prefix, *wait]


def _find(space: StateSpace, goal: _Goal, sources: list[Source]) -> _Found | None:
    """A fair run from a source that never reaches the goal: a stop or a fair lasso."""
    region = _Region(space, goal, sources)
    fair = _fair_actions(space)
    if not space.timed:  # (a) the run may stop where no duty is pending
        start, rule = region.start, region.rule
        is_fair = [k in fair for k in range(space.time_rule + 1)]
        for sid in region.order:
            if not any(is_fair[rule[e]] for e in range(start[sid], start[sid + 1])):
                return _Found(region.path_to(sid), None)
    position = array("l", [0]) * len(space.states)
    for k, sid in enumerate(region.order):
        position[sid] = k
    components = sorted(_components(space, region), key=lambda c: min(position[v] for v in c))
    for comp in components:  # (b) a fair cycle, nearest first
        if _is_fair(space, region, comp, fair):
            entry = min(comp, key=lambda v: position[v])
            path = region.path_to(entry)
            loop_start = len(path) - 1
            path += _cycle(space, region, set(comp), entry, fair)
            return _Found(path, loop_start)
    return None


def _fair_actions(space: StateSpace) -> set[int]:
    fair = {k for k, r in enumerate(space.model.rules) if r.duty or r.deadline_days is not None}
    if space.timed:
        fair.add(space.time_rule)
    return fair


def _components(space: StateSpace, region: _Region) -> list[list[int]]:
    """The strongly connected components of the region with at least one edge inside, by an
    iterative Tarjan over the compact edge arrays (as lists: no boxing per access)."""
    start, dst, allowed = region.start, region.dst, region.allowed
    n = len(space.states)
    index = [-1] * n
    low = [0] * n
    on_stack = bytearray(n)
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    work_v: list[int] = []  # the DFS path, and for each node the next edge to look at
    work_e: list[int] = []
    for root in region.order:
        if index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        work_v.append(root)
        work_e.append(start[root])
        while work_v:
            v = work_v[-1]
            e = work_e[-1]
            end = start[v + 1]
            lv = low[v]
            while e < end:
                w = dst[e]
                e += 1
                if not allowed[e - 1]:
                    continue
                iw = index[w]
                if iw < 0:
                    break
                if iw < lv and on_stack[w]:
                    lv = iw
            else:
                w = -1
            low[v] = lv
            if w >= 0:  # descend into w
                work_e[-1] = e
                index[w] = low[w] = counter
                counter += 1
                stack.append(w)
                on_stack[w] = 1
                work_v.append(w)
                work_e.append(start[w])
                continue
            work_v.pop()
            work_e.pop()
            if work_v:
                u = work_v[-1]
                if lv < low[u]:
                    low[u] = lv
            if lv == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or any(
                    dst[f] == v and allowed[f] for f in range(start[v], start[v + 1])
                ):
                    out.append(comp)
    return out


def _is_fair(space: StateSpace, region: _Region, comp: list[int], fair: set[int]) -> bool:
    """Every fair action is disabled somewhere in `comp` or taken by an edge inside it. (Fair
    actions are bits of an int: one pass over the component's edges, no sets per state.)"""
    start, rule, dst, allowed = region.start, region.rule, region.dst, region.allowed
    bit = [1 << k if k in fair else 0 for k in range(space.time_rule + 1)]
    members = bytearray(len(space.states))
    for v in comp:
        members[v] = 1
    always_on = sum(bit)
    taken = 0
    for v in comp:
        here = 0
        for e in range(start[v], start[v + 1]):
            b = bit[rule[e]]
            here |= b
            if b and members[dst[e]] and allowed[e]:
                taken |= b
        always_on &= here
        if not always_on & ~taken:
            return True
    return not always_on & ~taken


def _enabled(space: StateSpace, sid: int) -> set[int]:
    """The rule indices (and the time step) enabled in state `sid`: those with an edge. A rule
    whose only effect would leave a declared range has no edge; that is reported separately as
    a range error, and here it counts as disabled."""
    return {space.edge_rule[e] for e in range(space.edge_start[sid], space.edge_start[sid + 1])}


def _cycle(space: StateSpace, region: _Region, comp: set[int], entry: int, fair: set[int]) -> Path:
    """A cycle from `entry` back to it inside `comp` that makes the run fair: for each fair
    action it visits a state where the action is disabled or takes an edge that performs it."""
    start, rule, dst, allowed = region.start, region.rule, region.dst, region.allowed
    pending = fair & _enabled(space, entry)
    here = entry
    out: Path = []

    def walk(meets: Callable[[int, int], bool]) -> None:
        """Breadth-first inside `comp` from `here` along the first edge (rule, destination)
        that `meets` the goal; append the path and update what is still pending."""
        nonlocal here, pending
        back: dict[int, tuple[int, int]] = {}
        queue = deque([here])
        end = None
        while queue and end is None:
            u = queue.popleft()
            for e in range(start[u], start[u + 1]):
                v = dst[e]
                if v not in comp or not allowed[e]:
                    continue
                if meets(rule[e], v):
                    end = (u, rule[e], v)
                    break
                if v != here and v not in back:
                    back[v] = (u, rule[e])
                    queue.append(v)
        assert end is not None, "inside a strongly connected component every goal is reachable"
        u, r, v = end
        steps = [(r, v)]
        while u != here:
            p, pr = back[u]
            steps.append((pr, u))
            u = p
        for r, v in reversed(steps):
            out.append((r, v))
            pending.discard(r)
            pending &= _enabled(space, v)
        here = v

    while pending:
        wanted = set(pending)
        walk(lambda r, v, wanted=wanted: r in wanted or bool(wanted - _enabled(space, v)))  # type: ignore[misc]
    if here != entry or not out:
        walk(lambda r, v: v == entry)
    return out


# --------------------------------------------------------------------------- bounded response


def _within(
    space: StateSpace, prop: Property, goal: _Goal, sources: list[Source], days: int
) -> Verdict:
    """Breadth-first search of (state, days waited) from every trigger, inside the region; a
    time step out of a node waiting `days` days is the deadline miss."""
    region = _Region(space, goal, sources)
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
    prefix = _source_path(space, region.source[node // width])
    path = [*prefix, *wait]
    trace = space.trace(path)
    form = prop.form
    assert isinstance(form, LeadsTo)
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
    unbounded = _find(space, goal, sources)
    if unbounded is None:
        note += (
            " Without the bound the response is certain (fairness), "
            "but no deadline forces it in time."
        )
    else:
        note += " Even without the bound it need never come: a fair run avoids it for ever."
    return counterexample(space, prop, trace, note)


def _can_miss(space: StateSpace, region: _Region, days: int) -> bool:
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
    space: StateSpace, region: _Region, days: int
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


def _fails(space: StateSpace, prop: Property, found: _Found, what: str) -> Verdict:
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
    enabled = sorted(_enabled(space, sid))
    if not enabled:
        return "No rule applies there (a dead end)."
    return "No duty is pending there: " + _listed([_modality(space, k) for k in enabled]) + "."


def _loop_reasons(space: StateSpace, cycle: Path) -> str:
    taken = {r for r, _ in cycle}
    idle: set[int] = set()
    for _, sid in cycle:
        idle |= _enabled(space, sid)
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
    enabled = sorted(_enabled(space, sid) - {space.time_rule})
    if not enabled:
        return "No rule applies meanwhile, and nothing stops time."
    return "Meanwhile " + _listed([_modality(space, k) for k in enabled]) + "."


def _trigger_text(trigger: Expr | StepPattern) -> str:
    if isinstance(trigger, StepPattern):
        return f"a step matching `{show(trigger.where)}`"
    return f"`{show(trigger)}`"
