"""Safety properties on an explored state space: one verdict per property.

Input: a `StateSpace` (`checker.explicit.search`) and a `Property`. Output: a `Verdict`; a failing
safety property carries the *shortest* counterexample (states and edges are scanned in
breadth-first order), a reachable one the shortest witness. Every trace is replayed through
the reference semantics before it is returned (`StateSpace.trace`).

When exploration stopped early, a counterexample or witness found so far is still definitive;
anything else is `unknown` with the limit that stopped it. Liveness forms are judged by
`checker.explicit.liveness`; `JUDGES` maps every property form to its judge.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from checker.core.verdict import Method, Status, Verdict
from checker.explicit.liveness import eventually, leads_to
from checker.explicit.verdicts import fails, holds, unknown
from dsl.model import (
    AfterPossible,
    Eventually,
    Expr,
    Invariant,
    LeadsTo,
    NeverStep,
    Property,
    PropertyForm,
    Reachable,
    RequiresEarlier,
    StepPattern,
)

if TYPE_CHECKING:
    from checker.explicit.space import StateSpace

Judge = Callable[["StateSpace", Property], Verdict]


def judge(space: StateSpace, prop: Property) -> Verdict:
    """The verdict for `prop` on `space`."""
    if prop.missing:
        return Verdict(prop.name, Status.NOT_APPLICABLE, Method.NOT_APPLICABLE, note=prop.missing)
    return JUDGES[type(prop.form)](space, prop)


def _first_state(space: StateSpace, e: Expr, wanted: bool) -> int | None:
    """The first state in BFS order where `e` is `wanted`: a shortest trace reaches it (as
    the search found it, when it watched `e`)."""
    watched = space.watched
    if watched is not None and (e, wanted) in watched.first_state:
        return watched.first_state[(e, wanted)]
    pred = space.compiled.predicate(e)
    return next((i for i, s in enumerate(space.codes) if pred(s) == wanted), None)


def _first_edge(space: StateSpace, p: StepPattern) -> tuple[int, int, int] | None:
    """The first edge in BFS order matching `p`: a shortest trace ends with it."""
    watched = space.watched
    if watched is not None and p in watched.first_step:
        return watched.first_step[p]
    return next(space.matching_edges(space.compiled.pattern(p).per_rule), None)


# --------------------------------------------------------------------------- the forms


def invariant(space: StateSpace, prop: Property) -> Verdict:
    assert isinstance(prop.form, Invariant)
    bad = _first_state(space, prop.form.predicate, False)
    if bad is None:
        return holds(space, prop)
    return fails(space, prop, space.path_to(bad))


def reachable(space: StateSpace, prop: Property) -> Verdict:
    assert isinstance(prop.form, Reachable)
    found = _first_state(space, prop.form.predicate, True)
    if found is not None:
        trace = space.trace(space.path_to(found))
        return Verdict(
            prop.name, Status.HOLDS, Method.WITNESS, states=len(space.states), trace=trace
        )
    if not space.complete:
        return unknown(space, prop)
    return Verdict(prop.name, Status.FAILS, Method.EXHAUSTIVE, states=len(space.states))


def never_step(space: StateSpace, prop: Property) -> Verdict:
    assert isinstance(prop.form, NeverStep)
    edge = _first_edge(space, prop.form.pattern)
    if edge is None:
        return holds(space, prop)
    src, r, dst = edge
    return fails(space, prop, [*space.path_to(src), (r, dst)])


def requires_earlier(space: StateSpace, prop: Property) -> Verdict:
    """BFS over (state, "an earlier step has occurred"). Once the bit is set it stays set and
    no violation can follow, so only the bit-0 half is searched: the subgraph of steps that
    do not match `earlier`. A step matching both patterns is not preceded by itself."""
    assert isinstance(prop.form, RequiresEarlier)
    step = space.compiled.pattern(prop.form.step).per_rule
    earlier = space.compiled.pattern(prop.form.earlier).per_rule
    states = space.codes
    parent: dict[int, tuple[int, int]] = {}  # bit-0 node -> (parent node, rule index)
    queue: deque[int] = deque()
    for i, p in enumerate(space.parent):
        if p < 0:
            parent[i] = (-1, -1)
            queue.append(i)
    while queue:
        src = queue.popleft()
        s = states[src]
        for r, dst in space.out_edges(src):
            if (m := step[r]) is not None and m(s):
                path = [(r, dst)]
                node = src
                while node >= 0:
                    back, rule = parent[node]
                    path.append((rule, node))
                    node = back
                path.reverse()
                return fails(space, prop, path)
            if ((m := earlier[r]) is None or not m(s)) and dst not in parent:
                parent[dst] = (src, r)
                queue.append(dst)
    return holds(space, prop)


def after_possible(space: StateSpace, prop: Property) -> Verdict:
    """Backward reachability: the states with an outgoing `target` step, closed under
    predecessors; an `S` step into a state outside that set leaves no remedy open."""
    assert isinstance(prop.form, AfterPossible)
    if not space.complete:  # an unexplored state might still lead to a target step
        return unknown(space, prop)
    n = len(space.codes)
    can = bytearray(n)
    for src, _, _ in space.matching_edges(space.compiled.pattern(prop.form.target).per_rule):
        can[src] = 1
    _, rule, dst = space.edge_lists()
    source, _ = space.edges_by_rule()  # each edge's source, made once per space
    skip = space.time_rule if space.timed else -1  # the acts only, as `StateSpace.edges`
    preds: list[list[int]] = [[] for _ in range(n)]
    for d, r, src in zip(dst, rule, source, strict=True):
        if r != skip:
            preds[d].append(src)
    stack = [i for i in range(n) if can[i]]
    while stack:
        for p in preds[stack.pop()]:
            if not can[p]:
                can[p] = 1
                stack.append(p)
    for src, r, d in space.matching_edges(space.compiled.pattern(prop.form.step).per_rule):
        if not can[d]:
            note = "after this step no run can take a step matching the target pattern"
            return fails(space, prop, [*space.path_to(src), (r, d)], note)
    return holds(space, prop)


JUDGES: dict[type[PropertyForm], Judge] = {
    Invariant: invariant,
    Reachable: reachable,
    NeverStep: never_step,
    RequiresEarlier: requires_earlier,
    AfterPossible: after_possible,
    Eventually: eventually,
    LeadsTo: leads_to,
}
