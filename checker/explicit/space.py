"""The explored state graph the explicit engine's judges, reports and diffs share.

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
`Watch` says what the search judges on the fly; `Watched` is what it found.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from checker.core.semantics import State
from checker.core.trace import TIME_STEP, Trace, replay
from checker.core.verdict import Method
from checker.explicit.compile import CompiledModel, Predicate
from checker.explicit.packing import StateView
from dsl.model import Expr, Model, StepPattern

T = TypeVar("T")


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
    _shared: dict[object, tuple[object, object]] = field(
        default_factory=dict, compare=False, repr=False
    )

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

    def shared(self, kind: str, key: object, make: Callable[[], T], last_only: bool = False) -> T:
        """What `make` derives from this space for `key`, made once and shared by the judges
        that ask for the same `kind` and `key`. `last_only` keeps the most recent key of the
        kind alone, for what is as large as the space (properties that share one are judged
        one after the other)."""
        slot = kind if last_only else (kind, key)
        found = self._shared.get(slot)
        if found is None or found[0] != key:
            found = self._shared[slot] = (key, make())
        return found[1]  # type: ignore[return-value]

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
