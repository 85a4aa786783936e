"""The explicit engine: breadth-first exploration of a finite model's reachable states.

Input: a checked `Model` and `CheckOptions`. Output: a `StateSpace` (`explore`) that property
checkers, dead-end detection and later liveness analyses (SCCs, fairness) all share, and a
`ModelResult` (`check`). Raises `UnboundedModel` (from `checker.explicit.compile`) for infinite models.

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
from dataclasses import dataclass
from typing import Any

from checker.core.limits import limit_note
from checker.core.result import CheckOptions, DeadEnd, ModelResult, RangeError
from checker.core.semantics import RangeViolation, State, apply, initial_clocks, initial_states
from checker.core.trace import TIME_STEP, Trace, replay
from checker.core.verdict import Method
from checker.explicit.compile import CompiledModel, compile_model
from checker.explicit.judge import judge
from dsl.model import Model

DEAD_END_CAP = 20  # dead ends reported with a trace; all are counted


@dataclass(frozen=True, slots=True, eq=False)
class StateSpace:
    """The explored part of the state graph (all of it unless `stopped` says why not)."""

    model: Model
    compiled: CompiledModel
    states: list[State]  # id -> the model's state, breadth-first order
    index: dict[State, int]  # full state (model slots, then clocks) -> id
    parent: array  # id -> the id it was discovered from; -1 for an initial state
    via: array  # id -> the rule index of that step; -1 for an initial state
    edge_start: array  # out-edges of state i are edge_start[i]:edge_start[i + 1]
    edge_rule: array
    edge_dst: array
    expanded: int  # states 0..expanded-1 have all their out-edges recorded
    deadlocked: array  # ids of expanded states where no rule instance is enabled
    range_hits: tuple[tuple[int, int], ...]  # (state id, rule index): first hit per rule
    stopped: Method | None  # STATE_LIMIT or TIME_LIMIT when exploration stopped early
    limit: Any = None  # the limit that stopped it (state count or seconds)
    clocks: list[tuple[int, ...]] | None = None  # id -> deadline clocks (timed models only)

    @property
    def timed(self) -> bool:
        return self.compiled.timed

    @property
    def time_rule(self) -> int:
        """The rule index of a time step in `edge_rule` and `via`."""
        return self.compiled.time_rule

    @property
    def complete(self) -> bool:
        return self.stopped is None

    @property
    def transitions(self) -> int:
        return len(self.edge_dst)

    def edges(self, with_time: bool = False) -> Iterator[tuple[int, int, int]]:
        """Every recorded edge as (source id, rule index, destination id), in BFS order;
        time steps only `with_time`."""
        start, rule, dst = self.edge_start, self.edge_rule, self.edge_dst
        skip = -1 if with_time or not self.timed else self.time_rule
        for src in range(self.expanded):
            for e in range(start[src], start[src + 1]):
                if rule[e] != skip:
                    yield src, rule[e], dst[e]

    def out_edges(self, src: int, with_time: bool = False) -> Iterator[tuple[int, int]]:
        """(rule index, destination id) for each step from state `src` (if expanded)."""
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


def explore(model: Model, options: CheckOptions | None = None) -> StateSpace:
    """Breadth-first search from every initial state (in `initial_states` order)."""
    options = options or CheckOptions()
    compiled = compile_model(model)
    expand = compiled.expand
    timed, width, time_rule = compiled.timed, compiled.width, compiled.time_rule
    zero = initial_clocks(model) if timed else ()
    max_states = options.max_states
    deadline = None if options.timeout_s is None else time.monotonic() + options.timeout_s
    states: list[State] = []
    index: dict[State, int] = {}
    parent, via = array("l"), array("l")
    edge_start, edge_rule, edge_dst = array("l", [0]), array("l"), array("l")
    deadlocked = array("l")
    range_hits: dict[int, int] = {}
    stopped: Method | None = None

    for s in initial_states(model):
        s = s + zero
        if s not in index:
            if len(states) >= max_states:
                stopped = Method.STATE_LIMIT
                break
            index[s] = len(states)
            states.append(s)
            parent.append(-1)
            via.append(-1)

    # The hot loop: locals for every attribute it touches; one hash per successor.
    lookup, add_state = index.setdefault, states.append
    add_parent, add_via = parent.append, via.append
    add_rule, add_dst, close = edge_rule.append, edge_dst.append, edge_start.append
    i, n = 0, len(states)
    while stopped is None and i < n:
        if deadline is not None and not i & 1023 and time.monotonic() >= deadline:
            stopped = Method.TIME_LIMIT
            break
        succ = expand(states[i])
        if not succ or succ[0][0] == time_rule:  # no discrete step (time comes last)
            deadlocked.append(i)
        for r, t in succ:
            if t is None:
                range_hits.setdefault(r, i)
                continue
            j = lookup(t, n)
            if j == n:
                if n >= max_states:
                    del index[t]
                    stopped = Method.STATE_LIMIT
                    break
                n += 1
                add_state(t)
                add_parent(i)
                add_via(r)
            add_rule(r)
            add_dst(j)
        else:
            close(len(edge_dst))
            i += 1
    if stopped is not None:  # drop the half-expanded state's edges: edges are whole rows
        del edge_rule[edge_start[-1] :]
        del edge_dst[edge_start[-1] :]
    hits = tuple(sorted((sid, r) for r, sid in range_hits.items()))
    clocks = None
    if timed:  # the search ran on full states; keep the model's part apart from the clocks
        clocks = [s[width:] for s in states]
        states = [s[:width] for s in states]
    return StateSpace(
        model=model,
        compiled=compiled,
        states=states,
        clocks=clocks,
        index=index,
        parent=parent,
        via=via,
        edge_start=edge_start,
        edge_rule=edge_rule,
        edge_dst=edge_dst,
        expanded=i,
        deadlocked=deadlocked,
        range_hits=hits,
        stopped=stopped,
        limit=max_states
        if stopped is Method.STATE_LIMIT
        else options.timeout_s
        if stopped
        else None,
    )


def dead_ends(space: StateSpace, cap: int = DEAD_END_CAP) -> tuple[tuple[DeadEnd, ...], int]:
    """The first `cap` dead ends in BFS order, with shortest traces, and how many there are.

    A dead end is an expanded state where no rule instance is enabled and `final` does not
    hold. A model without `final` declares no lawful end, so every such state is a dead end.
    """
    final = space.compiled.final
    ids = [i for i in space.deadlocked if final is None or not final(space.states[i])]
    return tuple(DeadEnd(space.trace_to(i)) for i in ids[:cap]), len(ids)


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


def check(model: Model, options: CheckOptions | None = None) -> ModelResult:
    """Explore the model, then judge every property, list dead ends and range errors."""
    started = time.perf_counter()
    space = explore(model, options)
    verdicts = tuple(judge(space, prop) for prop in model.properties)
    ends, count = dead_ends(space)
    return ModelResult(
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
        space=space if options is not None and options.keep_state_space else None,
        stopped=space.stopped,
        limit_note=""
        if space.stopped is None
        else limit_note(model, space.stopped, len(space.states), time.perf_counter() - started),
    )
