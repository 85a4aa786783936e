"""A deliberately naive checker on the reference semantics: the oracle for differential tests.

Each property is answered as (status word, shortest trace length or None), straight from the
definitions, with no compilation, no shared state space and no cleverness.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from checker.core.semantics import RangeViolation, State, apply, enabled, evaluate, initial_states
from checker.core.semantics import step_label as label
from dsl.model import (
    AfterPossible,
    Invariant,
    Model,
    NeverStep,
    PropertyForm,
    Reachable,
    RequiresEarlier,
    RuleInstance,
    StepPattern,
)

Edge = tuple[State, RuleInstance, State]


@dataclass
class Naive:
    depth: dict[State, int]
    edges: list[Edge]
    range_depth: dict[str, int]  # rule instance name -> depth of its first bad pre-state


def explore(model: Model) -> Naive:
    depth: dict[State, int] = {}
    for s in initial_states(model):
        depth.setdefault(s, 0)
    queue = deque(depth)
    edges: list[Edge] = []
    range_depth: dict[str, int] = {}
    while queue:
        s = queue.popleft()
        for rule in enabled(model, s):
            try:
                t = apply(model, rule, s)
            except RangeViolation:
                range_depth.setdefault(rule.name, depth[s])
                continue
            edges.append((s, rule, t))
            if t not in depth:
                depth[t] = depth[s] + 1
                queue.append(t)
    return Naive(depth, edges, range_depth)


def matches(model: Model, p: StepPattern, s: State, rule: RuleInstance) -> bool:
    return bool(evaluate(p.where, s, label(rule, model)))


def dead_ends(model: Model, n: Naive) -> dict[State, int]:
    sources = {s for s, _, _ in n.edges}
    return {
        s: d
        for s, d in n.depth.items()
        if not enabled(model, s)
        and s not in sources
        and not (model.final is not None and evaluate(model.final, s))
    }


def verdict(model: Model, n: Naive, form: PropertyForm) -> tuple[str, int | None]:
    match form:
        case Invariant(predicate=p):
            bad = [d for s, d in n.depth.items() if not evaluate(p, s)]
            return ("fails", min(bad)) if bad else ("holds", None)
        case Reachable(predicate=p):
            good = [d for s, d in n.depth.items() if evaluate(p, s)]
            return ("holds", min(good)) if good else ("fails", None)
        case NeverStep(pattern=p):
            hits = [n.depth[s] + 1 for s, r, _ in n.edges if matches(model, p, s, r)]
            return ("fails", min(hits)) if hits else ("holds", None)
        case RequiresEarlier(step=a, earlier=b):
            return _requires_earlier(model, n, a, b)
        case AfterPossible(step=a, target=b):
            return _after_possible(model, n, a, b)
    raise NotImplementedError(form)


def _requires_earlier(
    model: Model, n: Naive, a: StepPattern, b: StepPattern
) -> tuple[str, int | None]:
    """BFS over the full product (state, bit)."""
    dist = {(s, False): 0 for s, d in n.depth.items() if d == 0}
    queue = deque(dist)
    best: int | None = None
    while queue:
        s, bit = queue.popleft()
        for src, rule, dst in n.edges:
            if src != s:
                continue
            if matches(model, a, s, rule) and not bit:
                cand = dist[(s, bit)] + 1
                best = cand if best is None else min(best, cand)
            node = (dst, bit or matches(model, b, s, rule))
            if node not in dist:
                dist[node] = dist[(s, bit)] + 1
                queue.append(node)
    return ("fails", best) if best is not None else ("holds", None)


def _after_possible(
    model: Model, n: Naive, a: StepPattern, b: StepPattern
) -> tuple[str, int | None]:
    def remedy_from(start: State) -> bool:
        seen, todo = {start}, [start]
        while todo:
            s = todo.pop()
            for src, rule, dst in n.edges:
                if src == s:
                    if matches(model, b, s, rule):
                        return True
                    if dst not in seen:
                        seen.add(dst)
                        todo.append(dst)
        return False

    bad = [
        n.depth[s] + 1
        for s, rule, t in n.edges
        if matches(model, a, s, rule) and not remedy_from(t)
    ]
    return ("fails", min(bad)) if bad else ("holds", None)
