"""The explicit engine: breadth-first exploration of a finite model's reachable states.

Input: a checked `Model` and `CheckOptions`. Output: a `StateSpace` (`explore`) that property
checkers, dead-end detection and later liveness analyses (SCCs, fairness) all share, and a
`ModelResult` (`check`). Raises `UnboundedModel` (from `checker.explicit.compile`) for infinite
models.

States are the model's flat tuples, numbered in discovery order; since discovery is
breadth-first, following parent pointers gives a *shortest* trace and the first state (or
edge) in id order with some property is one a shortest trace reaches. Edges are kept in
compressed sparse rows (`edge_start`, `edge_rule`, `edge_dst`): a state's out-edges are
contiguous because states are expanded in id order. `array` columns cost 8 bytes an entry
where a tuple per edge would cost about 70.

A timed model (`checker.core.semantics.is_timed`) is searched over timed states, the model's slots
followed by the deadline clocks; `states` keeps the model's part (what predicates, traces and
reports see: a model state may occur several times, with different clocks), `clocks` the rest.
Time steps are edges with rule index `time_rule`; `edges()` and `out_edges()` leave them out
unless asked (`with_time=True`), so safety checks and reports see only legal acts.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checker.core.limits import limit_note
from checker.core.result import CheckOptions, DeadEnd, ModelResult, RangeError
from checker.core.semantics import RangeViolation, State, apply, initial_clocks, initial_states
from checker.core.trace import TIME_STEP, Trace, replay
from checker.core.verdict import Method
from checker.explicit.compile import CompiledModel, Predicate, Successors, compile_model
from checker.explicit.judge import judge
from checker.explicit.packing import StateView
from dsl.model import Expr, Invariant, Model, NeverStep, Reachable, StepPattern

DEAD_END_CAP = 20  # dead ends reported with a trace; all are counted


@dataclass(frozen=True, slots=True, eq=False)
class StateSpace:
    """The explored part of the state graph (all of it unless `stopped` says why not)."""

    model: Model
    compiled: CompiledModel
    codes: list[int]  # id -> the packed state (`checker.explicit.packing`), breadth-first order
    index: dict[int, int]  # packed state (model slots, then clocks) -> id
    parent: array[int]  # id -> the id it was discovered from; -1 for an initial state
    via: array[int]  # id -> the rule index of that step; -1 for an initial state
    edge_start: array[int]  # out-edges of state i are edge_start[i]:edge_start[i + 1]
    edge_rule: array[int]
    edge_dst: array[int]
    expanded: int  # states 0..expanded-1 have all their out-edges recorded
    deadlocked: array[int]  # ids of expanded states where no rule instance is enabled
    range_hits: tuple[tuple[int, int], ...]  # (state id, rule index): first hit per rule
    stopped: Method | None  # STATE_LIMIT or TIME_LIMIT when exploration stopped early
    limit: Any = None  # the limit that stopped it (state count or seconds)
    transitions: int = 0  # steps from expanded states, time steps included (recorded or not)
    has_edges: bool = True  # False: a safety-only search that kept no edges
    watched: Watched | None = None  # what the search judged on the fly
    settled: bool = False  # stopped once every watched property was settled (`check`)
    _lists: list[list[int]] = field(default_factory=list, compare=False, repr=False)

    @property
    def states(self) -> StateView:
        """id -> the model's state as a tuple (decoded on access)."""
        return StateView(self.codes, self.compiled.layout)

    @property
    def clocks(self) -> StateView | None:
        """id -> the deadline clocks (timed models only)."""
        return StateView(self.codes, self.compiled.layout, clocks=True) if self.timed else None

    @property
    def timed(self) -> bool:
        return self.compiled.timed

    @property
    def time_rule(self) -> int:
        """The rule index of a time step in `edge_rule` and `via`."""
        return self.compiled.time_rule

    def id_of(self, state: State, clocks: tuple[int, ...] = ()) -> int | None:
        """The id of a model state (with its clocks, in a timed model), None if unexplored."""
        try:
            return self.index.get(self.compiled.layout.encode(state, clocks))
        except ValueError:
            return None

    @property
    def complete(self) -> bool:
        return self.stopped is None and not self.settled

    def edge_lists(self) -> tuple[list[int], list[int], list[int]]:
        """`edge_start`, `edge_rule`, `edge_dst` as lists (no boxing per access in the loops
        of `checker.explicit.liveness`), made once per space and shared by its properties."""
        assert self.has_edges, "this search kept no edges"
        if not self._lists:
            self._lists.extend(
                [self.edge_start.tolist(), self.edge_rule.tolist(), self.edge_dst.tolist()]
            )
        return self._lists[0], self._lists[1], self._lists[2]

    def matching_edges(
        self, per_rule: tuple[Predicate | None, ...]
    ) -> Iterator[tuple[int, int, int]]:
        """The edges (source, rule index, destination) a compiled step pattern matches, in BFS
        order (a time step matches none: its entry is None)."""
        rules = [r for r, m in enumerate(per_rule) if m is not None]
        if not rules:
            return
        _, rule, dst = self.edge_lists()
        source, by_rule = self.edges_by_rule()
        codes = self.codes
        edges = (
            by_rule[rules[0]] if len(rules) == 1 else sorted(e for r in rules for e in by_rule[r])
        )
        for e in edges:  # edge ids are in BFS order
            r, src = rule[e], source[e]
            if per_rule[r](codes[src]):  # type: ignore[misc]
                yield src, r, dst[e]

    def edges_by_rule(self) -> tuple[list[int], list[list[int]]]:
        """Each edge's source, and each rule index's edges in BFS order (time steps too):
        a step pattern then looks only at the edges of the rules it can match. Made once per
        space, like `edge_lists`."""
        if len(self._lists) < 5:
            start, rule, _ = self.edge_lists()
            source = [0] * len(rule)
            by_rule: list[list[int]] = [[] for _ in range(self.time_rule + 1)]
            for src in range(self.expanded):
                for e in range(start[src], start[src + 1]):
                    source[e] = src
                    by_rule[rule[e]].append(e)
            self._lists.extend([source, by_rule])  # type: ignore[list-item]
        return self._lists[3], self._lists[4]  # type: ignore[return-value]

    def edges(self, with_time: bool = False) -> Iterator[tuple[int, int, int]]:
        """Every recorded edge as (source id, rule index, destination id), in BFS order;
        time steps only `with_time`."""
        assert self.has_edges, "this search kept no edges"
        start, rule, dst = self.edge_start, self.edge_rule, self.edge_dst
        skip = -1 if with_time or not self.timed else self.time_rule
        for src in range(self.expanded):
            for e in range(start[src], start[src + 1]):
                if rule[e] != skip:
                    yield src, rule[e], dst[e]

    def out_edges(self, src: int, with_time: bool = False) -> Iterator[tuple[int, int]]:
        """(rule index, destination id) for each step from state `src` (if expanded)."""
        assert self.has_edges, "this search kept no edges"
        skip = -1 if with_time or not self.timed else self.time_rule
        if src < self.expanded:
            for e in range(self.edge_start[src], self.edge_start[src + 1]):
                if self.edge_rule[e] != skip:
                    yield self.edge_rule[e], self.edge_dst[e]

    def step_name(self, r: int) -> str:
        """The trace name of rule index `r`: a rule instance's name, or `TIME_STEP`."""
        return TIME_STEP if r == self.time_rule else self.model.rules[r].name

    def depth(self, sid: int) -> int:
        d = 0
        while self.parent[sid] >= 0:
            sid = self.parent[sid]
            d += 1
        return d

    def path_to(self, sid: int) -> list[tuple[int, int]]:
        """The shortest path to `sid` as [(rule index, state id)], the first with rule -1."""
        path = []
        while sid >= 0:
            path.append((self.via[sid], sid))
            sid = self.parent[sid]
        path.reverse()
        return path

    def trace(self, path: list[tuple[int, int]], loop_start: int | None = None) -> Trace:
        """A `Trace` from [(rule index, state id)], checked by replay (an internal error if not);
        `loop_start` makes it a lasso whose last state is its `loop_start`-th."""
        states = self.states
        trace = Trace(
            initial=states[path[0][1]],
            steps=tuple((self.step_name(r), states[s]) for r, s in path[1:]),
            loop_start=loop_start,
        )
        replay(self.model, trace)
        return trace

    def trace_to(self, sid: int, then: tuple[int, int] | None = None) -> Trace:
        """The shortest trace to `sid`, optionally extended by one (rule index, state id) step."""
        path = self.path_to(sid)
        if then is not None:
            path.append(then)
        return self.trace(path)


@dataclass(frozen=True, slots=True)
class Watch:
    """What `explore` judges while it searches, in BFS order, so that no second pass over the
    states is needed: the first state where an expression has a given truth value (`always`
    and `never` look for False, `reachable` for True) and the first edge a step pattern
    matches (`never S`)."""

    states: tuple[tuple[Expr, bool], ...] = ()
    steps: tuple[StepPattern, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.states and not self.steps


@dataclass(frozen=True, slots=True)
class Watched:
    """What the watch found: a state id / an edge (source, rule index, destination), or None
    when no explored state or edge has it."""

    first_state: dict[tuple[Expr, bool], int | None]
    first_step: dict[StepPattern, tuple[int, int, int] | None]


def explore(
    model: Model,
    options: CheckOptions | None = None,
    watch: Watch | None = None,
    keep_edges: bool = True,
    stop_when_settled: bool = False,
) -> StateSpace:
    """Breadth-first search from every initial state (in `initial_states` order).

    `keep_edges=False` records no edges (safety checks on the fly need none), only their
    count; an untimed such search that watches no step pattern runs the model's inlined loop
    (`CompiledModel.search`). With `stop_when_settled` the search ends as soon as every
    watched expression and pattern has been found: the space is then incomplete (`settled`)
    but the findings are exactly those of the full search, since both run in the same order."""
    options = options or CheckOptions()
    run = _Run(model, compile_model(model), options, watch or Watch())
    if run.compiled.search is not None and not keep_edges and not run.pending_steps:
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
