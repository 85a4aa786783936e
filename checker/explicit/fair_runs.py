"""Fair runs that avoid a goal, on an explored state space: the search `liveness` judges by.

Input: a `StateSpace` (`checker.explicit.search`), a goal (a state predicate or a step
pattern) and the states where the wait for it begins. Output: the shortest fair run from one of
them that never reaches the goal (a stop, or a stem and a fair cycle: a lasso), or None. What a
fair run is, and why one strongly connected component per search suffices under weak fairness:
`checker.explicit.liveness`.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checker.core.show_expr import show
from checker.explicit.compile import Predicate
from checker.explicit.verdicts import Path
from dsl.model import Expr, StepPattern

if TYPE_CHECKING:
    from checker.explicit.space import StateSpace

Source = tuple[int, int, int]  # (state id, and the step into it: source id, rule; -1, -1: none)


# --------------------------------------------------------------------------- goals and triggers


@dataclass(frozen=True, slots=True)
class Goal:
    """What ends the wait: a state predicate (`reached[i]`), or a step pattern (`step`)."""

    text: str
    reached: bytearray  # per state: the goal holds there
    step: tuple[Predicate | None, ...] | None  # per rule index: the goal step's pre-state test

    @staticmethod
    def of(space: StateSpace, target: Expr | StepPattern) -> Goal:
        n = len(space.states)
        if isinstance(target, StepPattern):
            text = f"a step matching `{show(target.where)}`"
            return Goal(text, bytearray(n), space.compiled.pattern(target).per_rule)
        pred = space.compiled.predicate(target)
        return Goal(f"`{show(target)}`", bytearray(map(pred, space.codes)), None)

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


def triggers(space: StateSpace, trigger: Expr | StepPattern, goal: Goal) -> list[Source]:
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


def source_path(space: StateSpace, source: Source) -> Path:
    sid, src, rule = source
    if src < 0:
        return space.path_to(sid)
    return [*space.path_to(src), (rule, sid)]


# --------------------------------------------------------------------------- the search


@dataclass(frozen=True, slots=True)
class FairRun:
    path: Path  # the whole run: prefix, then the wait
    loop_start: int | None  # index into the run's states where the cycle begins (None: a stop)


class Region:
    """The states reachable from the sources without reaching the goal, breadth-first, with
    parent pointers (a source's parent is -1) and the allowed edges among them: `allowed[e]`
    for every out-edge `e` of a region state (an edge into the region that is not a goal
    step). Built in one pass over the region's edges; the space's edge arrays are shared
    (`StateSpace.edge_lists`), not copied per property."""

    def __init__(self, space: StateSpace, goal: Goal, sources: list[Source]) -> None:
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
        prefix = source_path(self.space, self.source[sid])
        return [*prefix, *wait]


def find_fair_run(
    space: StateSpace, goal: Goal, sources: list[Source], region: Region | None = None
) -> FairRun | None:
    """A fair run from a source that never reaches the goal: a stop or a fair lasso.
    (`region`: the goal's and sources' `Region`, if the caller has it.)"""
    region = Region(space, goal, sources) if region is None else region
    fair = fair_actions(space)
    if not space.timed:  # (a) the run may stop where no duty is pending
        start, rule = region.start, region.rule
        is_fair = [k in fair for k in range(space.time_rule + 1)]
        for sid in region.order:
            if not any(is_fair[rule[e]] for e in range(start[sid], start[sid + 1])):
                return FairRun(region.path_to(sid), None)
    position = array("l", [0]) * len(space.states)
    for k, sid in enumerate(region.order):
        position[sid] = k
    ordered = sorted(components(space, region), key=lambda c: min(position[v] for v in c))
    bit = [1 << k if k in fair else 0 for k in range(space.time_rule + 1)]
    members = bytearray(len(space.states))  # cleared again after each component
    for comp in ordered:  # (b) a fair cycle, nearest first
        if _is_fair(region, comp, bit, members):
            entry = min(comp, key=lambda v: position[v])
            path = region.path_to(entry)
            loop_start = len(path) - 1
            path += _cycle(space, region, set(comp), entry, fair)
            return FairRun(path, loop_start)
    return None


def fair_actions(space: StateSpace) -> set[int]:
    fair = {k for k, r in enumerate(space.model.rules) if r.duty or r.deadline_days is not None}
    if space.timed:
        fair.add(space.time_rule)
    return fair


def components(space: StateSpace, region: Region) -> list[list[int]]:
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
        w = root  # the node to visit next; -1: none, go on with the top of the DFS path
        while True:
            if w >= 0:
                index[w] = low[w] = counter
                counter += 1
                stack.append(w)
                on_stack[w] = 1
                work_v.append(w)
                work_e.append(start[w])
            if not work_v:
                break
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
                    x = stack.pop()
                    on_stack[x] = 0
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(comp)
                else:  # a single state: a component only with an allowed loop onto itself
                    for f in range(start[v], start[v + 1]):
                        if dst[f] == v and allowed[f]:
                            out.append(comp)
                            break
    return out


def _is_fair(region: Region, comp: list[int], bit: list[int], members: bytearray) -> bool:
    """Every fair action is disabled somewhere in `comp` or taken by an edge inside it. (Fair
    actions are the bits of `bit`, per rule index: one pass over the component's edges, no
    sets per state; `members` is all zero on entry and on return.)"""
    start, rule, dst, allowed = region.start, region.rule, region.dst, region.allowed
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
            break
    for v in comp:
        members[v] = 0
    return not always_on & ~taken


def enabled_rules(space: StateSpace, sid: int) -> set[int]:
    """The rule indices (and the time step) enabled in state `sid`: those with an edge. A rule
    whose only effect would leave a declared range has no edge; that is reported separately as
    a range error, and here it counts as disabled."""
    return {space.edge_rule[e] for e in range(space.edge_start[sid], space.edge_start[sid + 1])}


def _cycle(space: StateSpace, region: Region, comp: set[int], entry: int, fair: set[int]) -> Path:
    """A cycle from `entry` back to it inside `comp` that makes the run fair: for each fair
    action it visits a state where the action is disabled or takes an edge that performs it."""
    start, rule, dst, allowed = region.start, region.rule, region.dst, region.allowed
    pending = fair & enabled_rules(space, entry)
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
            pending &= enabled_rules(space, v)
        here = v

    while pending:
        wanted = set(pending)
        walk(lambda r, v, wanted=wanted: r in wanted or bool(wanted - enabled_rules(space, v)))  # type: ignore[misc]
    if here != entry or not out:
        walk(lambda r, v: v == entry)
    return out
