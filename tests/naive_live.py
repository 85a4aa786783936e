"""Slow, independent oracles for liveness and time, written from the reference semantics only.

- `graph`: the timed state graph built with `checker.core.semantics` (clocks recomputed by its
  functions), as a NetworkX DiGraph;
- `verdict`: `eventually` / `leads_to` by NetworkX strongly connected components with the weak
  fairness test written out afresh (no code shared with `checker.explicit.liveness`);
- `within_violated`: bounded response on an *uncapped* run: absolute days, the absolute day each
  deadline duty became due, the absolute day the oldest trigger is waiting since, up to a horizon
  long enough to contain every shortest violation;
- `assert_fair_lasso`: a lasso's loop is fair by the reference semantics.
"""

from __future__ import annotations

from collections import deque

import networkx as nx

from checker.core.semantics import (
    apply,
    clocks_after_day,
    clocks_after_step,
    evaluate,
    initial_clocks,
    initial_states,
    is_timed,
    step_label,
    time_may_pass,
)
from checker.core.trace import TIME_STEP, Trace
from dsl.model import Expr, LeadsTo, Model, StepPattern

Node = tuple  # (model state, clocks)


def _steps(model: Model, node: Node):  # noqa: ANN202
    state, clocks = node
    for rule in model.rules:
        if evaluate(rule.guard, state):
            after = apply(model, rule, state)
            yield rule.name, (after, clocks_after_step(model, rule, clocks, after))
    if is_timed(model) and time_may_pass(model, state, clocks):
        yield TIME_STEP, (state, clocks_after_day(model, state, clocks))


def graph(model: Model) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    queue = deque()
    for s in initial_states(model):
        node = (s, initial_clocks(model))
        if node not in g:
            g.add_node(node, initial=True)
            queue.append(node)
    while queue:
        u = queue.popleft()
        for name, v in _steps(model, u):
            if v not in g:
                g.add_node(v, initial=False)
                queue.append(v)
            g.add_edge(u, v, key=name)
    return g


def _fair_names(model: Model) -> set[str]:
    names = {r.name for r in model.rules if r.duty or r.deadline_days is not None}
    return names | ({TIME_STEP} if is_timed(model) else set())


def _enabled(model: Model, g: nx.MultiDiGraph, node: Node) -> set[str]:
    return {k for _, _, k in g.out_edges(node, keys=True)}


def _matches(model: Model, pattern: StepPattern, state, name: str) -> bool:  # noqa: ANN001
    if name == TIME_STEP:
        return False
    rule = next(r for r in model.rules if r.name == name)
    return bool(evaluate(pattern.where, state, step_label(rule, model)))


def verdict(model: Model, trigger: Expr | StepPattern | None, target: Expr | StepPattern) -> str:
    """'holds' or 'fails' for `eventually target` (trigger None) or `trigger leads_to target`."""
    g = graph(model)

    def goal_state(node: Node) -> bool:
        return not isinstance(target, StepPattern) and bool(evaluate(target, node[0]))

    def goal_edge(u: Node, name: str) -> bool:
        return isinstance(target, StepPattern) and _matches(model, target, u[0], name)

    if trigger is None:
        starts = {n for n, d in g.nodes(data=True) if d["initial"]}
    elif isinstance(trigger, StepPattern):
        starts = {v for u, v, k in g.edges(keys=True) if _matches(model, trigger, u[0], k)}
    else:
        starts = {n for n in g if evaluate(trigger, n[0])}
    region: set[Node] = set()
    todo = [n for n in starts if not goal_state(n)]
    while todo:
        u = todo.pop()
        if u in region:
            continue
        region.add(u)
        for _, v, k in g.out_edges(u, keys=True):
            if not goal_state(v) and not goal_edge(u, k):
                todo.append(v)
    fair = _fair_names(model)
    if not is_timed(model) and any(not (_enabled(model, g, n) & fair) for n in region):
        return "fails"  # a run may stop where no duty is pending
    sub = nx.MultiDiGraph()
    sub.add_nodes_from(region)
    sub.add_edges_from(
        (u, v, k) for u, v, k in g.edges(region, keys=True) if v in region and not goal_edge(u, k)
    )
    for comp in nx.strongly_connected_components(sub):
        inner = [(u, k) for u, v, k in sub.edges(comp, keys=True) if v in comp]
        if not inner:
            continue
        taken = {k for _, k in inner}
        # weak fairness: each fair action is taken inside, or disabled in some state of comp
        if all(a in taken or any(a not in _enabled(model, g, n) for n in comp) for a in fair):
            return "fails"
    return "holds"


def within_violated(model: Model, form: LeadsTo, horizon: int) -> bool:
    """Bounded response on the uncapped timed run: absolute days up to `horizon`."""
    assert form.within_days is not None
    bound = form.within_days
    deadline = [r for r in model.rules if r.deadline_days is not None]

    def observe(since, day, state, trigger_step):  # noqa: ANN001, ANN202
        if evaluate(form.target, state):
            return None
        if since is None and (
            trigger_step
            or (not isinstance(form.trigger, StepPattern) and evaluate(form.trigger, state))
        ):
            return day
        return since

    seen = set()
    queue = deque()
    for s in initial_states(model):
        due = tuple(0 if evaluate(r.guard, s) else None for r in deadline)
        node = (s, due, 0, observe(None, 0, s, False))
        seen.add(node)
        queue.append(node)
    while queue:
        state, due, day, since = queue.popleft()
        succ = []
        for rule in model.rules:
            if not evaluate(rule.guard, state):
                continue
            after = apply(model, rule, state)
            new_due = tuple(
                (d if d is not None and r.name != rule.name else day)
                if evaluate(r.guard, after)
                else None
                for r, d in zip(deadline, due, strict=True)
            )
            hit = isinstance(form.trigger, StepPattern) and bool(
                evaluate(form.trigger.where, state, step_label(rule, model))
            )
            succ.append((after, new_due, day, observe(since, day, after, hit)))
        allowed = all(
            d is None or day + 1 - d <= r.deadline_days  # type: ignore[operator]
            for r, d in zip(deadline, due, strict=True)
        )
        if allowed:
            if since is not None and day + 1 - since > bound:
                return True
            if day + 1 <= horizon:
                succ.append((state, due, day + 1, since))
        for node in succ:
            if node not in seen:
                seen.add(node)
                queue.append(node)
    return False


def assert_fair_lasso(model: Model, trace: Trace) -> None:
    """Every fair action is disabled at some state of the loop or taken in it (reference
    semantics, clocks recomputed)."""
    assert trace.loop_start is not None
    nodes: list[Node] = [(trace.initial, initial_clocks(model))]
    for name, after in trace.steps:
        state, clocks = nodes[-1]
        if name == TIME_STEP:
            nodes.append((after, clocks_after_day(model, state, clocks)))
        else:
            rule = next(r for r in model.rules if r.name == name)
            nodes.append((after, clocks_after_step(model, rule, clocks, after)))
    loop = nodes[trace.loop_start :]
    taken = {name for name, _ in trace.steps[trace.loop_start :]}
    for a in _fair_names(model):
        if a in taken:
            continue
        enabled_everywhere = all(a in {k for k, _ in _steps(model, n)} for n in loop)
        assert not enabled_everywhere, f"{a} is enabled throughout the loop and never taken"
