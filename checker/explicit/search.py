"""The explicit engine: breadth-first exploration of a finite model's reachable states.

Input: a checked `Model` and `CheckOptions`. Output: a `StateSpace` (`explore`) that property
checkers, dead-end detection and later liveness analyses (SCCs, fairness) all share, and a
`ModelResult` (`check`). Raises `UnboundedModel` (from `checker.explicit.compile`) for infinite
models.

The state graph it builds, its numbering and its edge arrays: `checker.explicit.space`.
"""

from __future__ import annotations

import time
from array import array
from dataclasses import dataclass, field

from checker.core.limits import limit_note
from checker.core.result import CheckOptions, DeadEnd, ModelResult, RangeError
from checker.core.semantics import RangeViolation, apply, initial_clocks, initial_states
from checker.core.verdict import Method
from checker.explicit.compile import CompiledModel, Predicate, Successors, compile_model
from checker.explicit.judge import judge
from checker.explicit.space import StateSpace, Watch, Watched
from dsl.model import Expr, Invariant, Model, NeverStep, Reachable, StepPattern

DEAD_END_CAP = 20  # dead ends reported with a trace; all are counted


def explore(
    model: Model,
    options: CheckOptions | None = None,
    watch: Watch | None = None,
    keep_edges: bool = True,
    stop_when_settled: bool = False,
) -> StateSpace:
    """Breadth-first search from every initial state (in `initial_states` order).

    `keep_edges=False` records no edges (safety checks on the fly need none), only their
    count. A search that watches no step pattern runs the model's inlined loop
    (`CompiledModel.search`); one that does, the generic loop over `expand` (both give the
    same space: tests/test_explicit.py). With `stop_when_settled` the search ends as soon as every
    watched expression and pattern has been found: the space is then incomplete (`settled`)
    but the findings are exactly those of the full search, since both run in the same order."""
    options = options or CheckOptions()
    watch = watch or Watch()
    inline = not watch.steps  # a search watching steps runs the generic loop
    compiled = compile_model(model, inline, keep_edges, watch.states)
    run = _Run(model, compiled, options, watch)
    if inline:
        _inlined(run, stop_when_settled)
    else:
        _generic(run, keep_edges, stop_when_settled)
    for j in range(run.expanded, len(run.codes)) if run.pending else ():  # found, not expanded
        if hit := run.watch(run.codes[j], run.pending):
            run.found.append((j, hit))
            run.pending &= ~hit
    return run.space(keep_edges)


_STOPS = (None, Method.STATE_LIMIT, Method.TIME_LIMIT, None)  # `CompiledModel.search`'s codes


class _Run:
    """One search's growing arrays and what it still watches for."""

    def __init__(
        self, model: Model, compiled: CompiledModel, options: CheckOptions, watch: Watch
    ) -> None:
        self.model, self.compiled, self.options = model, compiled, options
        self.max_states = options.max_states
        self.deadline = None if options.timeout_s is None else time.monotonic() + options.timeout_s
        self.codes: list[int] = []
        self.index: dict[int, int] = {}
        self.parent, self.via = array("i"), array("i")
        self.edge_start, self.edge_rule, self.edge_dst = array("i", [0]), array("i"), array("i")
        self.deadlocked = array("l")
        self.range_hits: dict[int, int] = {}
        self.stopped: Method | None = None
        self.settled = False
        self.expanded = self.transitions = 0
        self.watch_keys = watch.states
        self.watch = compiled.watcher(watch.states)
        self.pending = (1 << len(watch.states)) - 1  # bit j: watch.states[j] not yet found
        self.found: list[tuple[int, int]] = []  # (state id, the bits it was first found for)
        self.pending_steps = [(p, compiled.pattern(p).per_rule) for p in watch.steps]
        self.first_step: dict[StepPattern, tuple[int, int, int] | None] = {
            p: None for p in watch.steps
        }
        zero = initial_clocks(model) if compiled.timed else ()
        for state in initial_states(model):
            c = compiled.layout.encode(state, zero)
            if c not in self.index:
                if len(self.codes) >= self.max_states:
                    self.stopped = Method.STATE_LIMIT
                    break
                self.index[c] = len(self.codes)
                self.codes.append(c)
                self.parent.append(-1)
                self.via.append(-1)

    @property
    def watch_empty(self) -> bool:
        return not self.watch_keys and not self.first_step

    def first_state(self) -> dict[tuple[Expr, bool], int | None]:
        out: dict[tuple[Expr, bool], int | None] = {key: None for key in self.watch_keys}
        for sid, bits in self.found:
            for j, key in enumerate(self.watch_keys):
                if bits >> j & 1:
                    out[key] = sid
        return out

    def space(self, keep_edges: bool) -> StateSpace:
        stopped = self.stopped
        return StateSpace(
            model=self.model,
            compiled=self.compiled,
            codes=self.codes,
            index=self.index,
            parent=self.parent,
            via=self.via,
            edge_start=self.edge_start,
            edge_rule=self.edge_rule,
            edge_dst=self.edge_dst,
            expanded=self.expanded,
            deadlocked=self.deadlocked,
            range_hits=tuple(sorted((sid, r) for r, sid in self.range_hits.items())),
            stopped=stopped,
            limit=self.max_states
            if stopped is Method.STATE_LIMIT
            else self.options.timeout_s
            if stopped
            else None,
            transitions=self.transitions,
            has_edges=keep_edges,
            watched=None if self.watch_empty else Watched(self.first_state(), self.first_step),
            settled=self.settled,
        )


def _inlined(run: _Run, stop_when_settled: bool) -> None:
    """The model's own loop (`CompiledModel.search`)."""
    assert run.compiled.search is not None
    if run.stopped is not None:
        return
    run.expanded, _, run.transitions, why = run.compiled.search(
        run.codes,
        run.index,
        run.parent,
        run.via,
        run.deadlocked,
        run.range_hits,
        0,
        len(run.codes),
        run.max_states,
        run.deadline,
        run.watch,
        run.pending,
        run.found,
        stop_when_settled,
        run.edge_start,
        run.edge_rule,
        run.edge_dst,
    )
    for _, bits in run.found:
        run.pending &= ~bits
    run.stopped, run.settled = _STOPS[why], why == 3


def _generic(run: _Run, keep: bool, stop_when_settled: bool) -> None:
    """The loop over `expand`'s successor lists: timed models, edges, step watches."""
    expand, time_rule = run.compiled.expand, run.compiled.time_rule
    codes, index, deadlocked, range_hits = run.codes, run.index, run.deadlocked, run.range_hits
    edge_rule, edge_dst, edge_start = run.edge_rule, run.edge_dst, run.edge_start
    watch, pending, found = run.watch, run.pending, run.found
    pending_steps, first_step = run.pending_steps, run.first_step
    max_states, deadline = run.max_states, run.deadline
    # The hot loop: locals for every attribute it touches; one hash per successor.
    lookup, add_code = index.setdefault, codes.append
    add_parent, add_via = run.parent.append, run.via.append
    add_rule, add_dst, close = edge_rule.append, edge_dst.append, edge_start.append
    stopped, settled = run.stopped, False
    transitions = 0
    i, n = 0, len(codes)
    while stopped is None and i < n:
        if deadline is not None and not i & 1023 and time.monotonic() >= deadline:
            stopped = Method.TIME_LIMIT
            break
        s = codes[i]
        if pending and (hit := watch(s, pending)):
            found.append((i, hit))
            pending &= ~hit
        succ = expand(s)
        if not succ or succ[0][0] == time_rule:  # no discrete step (time comes last)
            deadlocked.append(i)
        steps = 0
        for r, t in succ:
            if t is None:
                range_hits.setdefault(r, i)
                continue
            steps += 1
            j = lookup(t, n)
            if j == n:
                if n >= max_states:
                    del index[t]
                    stopped = Method.STATE_LIMIT
                    break
                n += 1
                add_code(t)
                add_parent(i)
                add_via(r)
            if keep:
                add_rule(r)
                add_dst(j)
        else:
            if keep:
                close(len(edge_dst))
            transitions += steps
            if pending_steps:
                pending_steps = _watch_steps(pending_steps, first_step, s, i, succ, index)
            i += 1
            if stop_when_settled and not pending and not pending_steps:
                settled = True
                break
    if stopped is not None:  # drop the half-expanded state's edges: edges are whole rows
        del edge_rule[edge_start[-1] :]
        del edge_dst[edge_start[-1] :]
    run.pending, run.pending_steps = pending, pending_steps
    run.stopped, run.settled, run.expanded, run.transitions = stopped, settled, i, transitions


_PendingStep = list[tuple[StepPattern, tuple[Predicate | None, ...]]]


def _watch_steps(
    pending: _PendingStep,
    found: dict[StepPattern, tuple[int, int, int] | None],
    s: int,
    sid: int,
    succ: Successors,
    index: dict[int, int],
) -> _PendingStep:
    """Record the first of state `sid`'s steps each pending pattern matches (time steps and
    range errors match none); the patterns still pending."""
    rest = []
    for item in pending:
        pattern, per_rule = item
        for r, t in succ:
            if t is not None and (m := per_rule[r]) is not None and m(s):
                found[pattern] = (sid, r, index[t])
                break
        else:
            rest.append(item)
    return rest


def dead_ends(space: StateSpace, cap: int = DEAD_END_CAP) -> tuple[tuple[DeadEnd, ...], int]:
    """The first `cap` dead ends in BFS order, with shortest traces, and how many there are.

    A dead end is an expanded state where no rule instance is enabled and `final` does not
    hold. A model without `final` declares no lawful end, so every such state is a dead end.
    """
    ids = dead_end_ids(space)
    return tuple(DeadEnd(space.trace_to(i)) for i in ids[:cap]), len(ids)


def dead_end_ids(space: StateSpace) -> list[int]:
    """Every dead end's id, in BFS order."""
    final, codes = space.compiled.final, space.codes
    return [i for i in space.deadlocked if final is None or not final(codes[i])]


def range_errors(space: StateSpace) -> tuple[RangeError, ...]:
    """One `RangeError` per rule instance that can leave a declared range, at its first
    (shortest) occurrence; the message comes from the reference semantics."""
    out = []
    for sid, r in space.range_hits:
        rule = space.model.rules[r]
        try:
            apply(space.model, rule, space.states[sid])
        except RangeViolation as violation:
            message = str(violation)
        else:
            raise AssertionError(f"compiled range check disagrees with semantics at {rule.name}")
        out.append(RangeError(message, space.trace_to(sid), rule=rule.name))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ExplicitResult(ModelResult):
    """The explicit engine's result: the engine-neutral one and the state space it explored
    (`diff` compares spaces; a safety-only check kept no edges, see `StateSpace.has_edges`)."""

    space: StateSpace | None = field(default=None, compare=False, repr=False)


# Forms judged during the search; any other form needs the edges afterwards.
_WATCHED = (Invariant, Reachable, NeverStep)


def plan(model: Model) -> tuple[Watch, bool]:
    """What the search watches, and whether it must keep edges (some property needs them)."""
    states: list[tuple[Expr, bool]] = []
    steps: list[StepPattern] = []
    needs_edges = False
    for prop in model.properties:
        if prop.missing:
            continue
        match prop.form:
            case Invariant(predicate=p):
                key = (p, False)
                states += [key] if key not in states else []
            case Reachable(predicate=p):
                key = (p, True)
                states += [key] if key not in states else []
            case NeverStep(pattern=pattern):
                steps += [pattern] if pattern not in steps else []
            case _:
                needs_edges = True
    # with the edges kept, a step pattern is matched against them afterwards (`judge`)
    return Watch(tuple(states), () if needs_edges else tuple(steps)), needs_edges


def check(
    model: Model, options: CheckOptions | None = None, first_violation: bool = False
) -> ExplicitResult:
    """Explore the model, then judge every property, list dead ends and range errors.

    Safety properties are judged during the search; edges are kept only when some property
    needs them. `first_violation` stops the search once every property is settled when all
    of them can be judged on the fly (a benchmark's or a quick check's mode: the dead ends,
    which need every state, are then not looked for, and the space is reported incomplete)."""
    started = time.perf_counter()
    watch, needs_edges = plan(model)
    early = first_violation and not needs_edges
    space = explore(model, options, watch, keep_edges=needs_edges, stop_when_settled=early)
    verdicts = tuple(judge(space, prop) for prop in model.properties)
    ends, count = dead_ends(space) if not space.settled else ((), None)
    return ExplicitResult(
        model=model,
        verdicts=verdicts,
        dead_ends=ends,
        range_errors=range_errors(space),
        states=len(space.states),
        transitions=space.transitions,
        complete=space.complete,
        seconds=time.perf_counter() - started,
        engine="explicit",
        dead_end_count=count,
        space=space,
        stopped=space.stopped,
        limit_note=""
        if space.stopped is None
        else limit_note(model, space.stopped, len(space.states), time.perf_counter() - started),
    )
