"""What an amendment makes possible or impossible: reachable steps and dead ends compared.

Input: the explored state spaces (`checker.explicit.explore`) of an old and a new model.
Output: a `ReachDiff`.

A *step* is read legally, as (declared rule, actor, organ, kind): `pay_back(c1)` and
`pay_back(c2)` are one step; an amended actor makes a different step. A step is reachable when
some reachable edge of the state space takes it. For each step reachable in only one version
the witness is a shortest trace (in that version) whose last step is it: edges are scanned in
breadth-first order, so the first edge with a label leaves from a state of least depth.

Dead ends are compared by their state read on the variables both versions share (a state of
the old law and one of the new are "the same situation" when those variables agree); for each
situation a shortest trace to the first dead end in it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.core.trace import Trace
from checker.diff.rules import header
from checker.explicit.search import dead_end_ids
from checker.explicit.space import StateSpace
from dsl.model import Model, Value
from dsl.source import Span

WITNESS_CAP = 20  # dead ends reported with a trace per direction; all are counted


@dataclass(frozen=True, slots=True, order=True)
class StepLabel:
    rule: str  # the declared rule
    actor: str
    organ: str
    kind: str | None

    def __str__(self) -> str:
        return f"{self.rule}: {self.actor} ({self.organ}) — {self.kind or 'act of unstated kind'}"


@dataclass(frozen=True, slots=True)
class StepWitness:
    label: StepLabel
    trace: Trace  # a shortest trace in its version whose last step is this step
    span: Span  # the rule in its version


@dataclass(frozen=True, slots=True)
class DeadEndWitness:
    state: tuple[tuple[str, Value], ...]  # the full dead-end state in its version
    trace: Trace  # a shortest trace to it
    span: Span  # the rule of the last step into it (the model's header for an initial state)


@dataclass(frozen=True, slots=True)
class ReachDiff:
    removed_steps: tuple[StepWitness, ...] = ()  # reachable in the old version only
    added_steps: tuple[StepWitness, ...] = ()  # reachable in the new version only
    removed_dead_ends: tuple[DeadEndWitness, ...] = ()  # old dead-end situations gone
    new_dead_ends: tuple[DeadEndWitness, ...] = ()
    removed_dead_end_count: int = 0
    new_dead_end_count: int = 0
    notes: tuple[str, ...] = ()  # e.g. why the comparison may be incomplete

    @property
    def changed(self) -> bool:
        return bool(
            self.removed_steps or self.added_steps or self.removed_dead_ends or self.new_dead_ends
        )


def step_label(model: Model, rule_index: int) -> StepLabel | None:
    """The legal reading of rule instance `rule_index`; None for a built-in (time) step."""
    if not 0 <= rule_index < len(model.rules):
        return None
    rule = model.rules[rule_index]
    actor = model.actor(rule.actor)
    return StepLabel(rule.rule, rule.actor, actor.organ if actor else "", rule.kind)


def first_edges(space: StateSpace) -> dict[StepLabel, tuple[int, int, int]]:
    """Each reachable step's first edge (source, rule index, destination) in BFS order."""
    found: dict[StepLabel, tuple[int, int, int]] = {}
    labels: dict[int, StepLabel | None] = {}
    for src, r, dst in space.edges():
        if r not in labels:
            labels[r] = step_label(space.model, r)
        label = labels[r]
        if label is not None and label not in found:
            found[label] = (src, r, dst)
    return found


def _witnesses(
    space: StateSpace, edges: dict[StepLabel, tuple[int, int, int]], only: set[StepLabel]
) -> tuple[StepWitness, ...]:
    rules = space.model.rules
    chosen = sorted((e for label, e in edges.items() if label in only), key=lambda e: (e[1], e[0]))
    out = []
    for src, r, dst in chosen:
        label = step_label(space.model, r)
        assert label is not None
        out.append(StepWitness(label, space.trace_to(src, then=(r, dst)), rules[r].span))
    return tuple(out)


def _situations(space: StateSpace, common: list[str]) -> dict[tuple[Value, ...], int]:
    """Dead-end situation (values of the `common` variables) -> its first dead end's id."""
    where = {s.name: i for i, s in enumerate(space.model.slots)}
    idx = [where[n] for n in common]
    out: dict[tuple[Value, ...], int] = {}
    for sid in dead_end_ids(space):
        state = space.states[sid]
        out.setdefault(tuple(state[i] for i in idx), sid)
    return out


def _dead_end(space: StateSpace, sid: int) -> DeadEndWitness:
    model = space.model
    trace = space.trace_to(sid)
    state = tuple((s.name, v) for s, v in zip(model.slots, space.states[sid], strict=True))
    span = header(model)
    if trace.steps:
        last = trace.steps[-1][0]
        span = next((r.span for r in model.rules if r.name == last), span)
    return DeadEndWitness(state, trace, span)


def diff_reach(old: StateSpace, new: StateSpace) -> ReachDiff:
    notes = [
        f"exploring the {side} version stopped at a limit ({space.stopped.value} {space.limit}): "
        "steps and dead ends found only in the other version may be missing here"
        for side, space in (("old", old), ("new", new))
        if space.stopped is not None
    ]
    old_edges, new_edges = first_edges(old), first_edges(new)
    removed = _witnesses(old, old_edges, set(old_edges) - set(new_edges))
    added = _witnesses(new, new_edges, set(new_edges) - set(old_edges))
    old_names = {s.name for s in old.model.slots}
    common = [s.name for s in new.model.slots if s.name in old_names]
    old_sits, new_sits = _situations(old, common), _situations(new, common)
    gone = [sid for key, sid in old_sits.items() if key not in new_sits]
    came = [sid for key, sid in new_sits.items() if key not in old_sits]
    return ReachDiff(
        removed_steps=removed,
        added_steps=added,
        removed_dead_ends=tuple(_dead_end(old, sid) for sid in sorted(gone)[:WITNESS_CAP]),
        new_dead_ends=tuple(_dead_end(new, sid) for sid in sorted(came)[:WITNESS_CAP]),
        removed_dead_end_count=len(gone),
        new_dead_end_count=len(came),
        notes=tuple(notes),
    )
