"""Bounded model checking, interleaved with k-induction, for a set of state monitors.

Input: an `Encoding`, `Monitor`s (each a *bad* condition on a state and its history bits),
a depth bound `K` and an optional deadline. Output: one `Outcome` per monitor: the runs that
reach a bad state (`hits`, shortest first), a k-induction proof that none is reachable
(`proven`), or how deep the search went (`depth`) before the bound or the deadline.

Incremental: one solver holds the unrolled run from the initial states, one step added per
depth; each check switches its bad condition on by an assumption literal, so a run of depth
`d` is shared by every monitor and every depth after it. Since depths are tried in increasing
order, the first hit is a shortest run, the same length breadth-first search finds. After
depth `d` has no hit, the induction step with `k = d + 1` is tried (`checker.symbolic.induction`).

Every safety form reduces to a monitor: `always P` is bad in `not P`; `reachable P` searches
`P` (a proof is a proof of unreachability); a step pattern is bad in a state from which a
matching step can be taken, and `S requires earlier S2` adds a history bit for `S2`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import z3

from checker.core.semantics import State
from checker.symbolic.decode import read_run, state_term
from checker.symbolic.encode import Encoding, StateVars
from checker.symbolic.induction import InductionStep
from checker.symbolic.unroll import Path
from dsl.model import Expr

BadCondition = Callable[[StateVars, dict[Expr, z3.BoolRef]], z3.BoolRef]


@dataclass(frozen=True, slots=True, eq=False)
class Monitor:
    bad: BadCondition
    histories: tuple[Expr, ...] = ()  # `earlier` patterns whose history bit `bad` reads
    prove: bool = True  # try to prove by k-induction that no bad state is reachable
    limit: int = 1  # collect up to this many distinct bad states (dead ends: more than one)


@dataclass(frozen=True, slots=True)
class Hit:
    """A run to a bad state: `states[0]` is initial, `rules[i]` leads to `states[i + 1]`."""

    states: tuple[State, ...]
    rules: tuple[int, ...]

    @property
    def depth(self) -> int:
        return len(self.rules)


@dataclass(frozen=True, slots=True)
class Outcome:
    hits: tuple[Hit, ...] = ()
    proven: int | None = None  # k when `never bad` is k-inductive
    depth: int = -1  # every depth up to this one has been searched completely
    timed_out: bool = False


@dataclass(slots=True)
class _Progress:
    hits: list[Hit]
    depth: int = -1
    proven: int | None = None
    done: bool = False


class TimeUp(Exception):
    pass


class _Clock:
    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline

    def remaining_ms(self) -> int | None:
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeUp
        return int(left * 1000) + 1


def search(
    enc: Encoding, monitors: list[Monitor], depth: int, deadline: float | None = None
) -> list[Outcome]:
    """Search every monitor up to `depth` steps; see the module docstring."""
    histories: list[Expr] = []
    for m in monitors:
        histories += [h for h in m.histories if h not in histories]
    bmc = Path(enc, tuple(histories), initial=True, simple=False, tag="b")
    step: InductionStep | None = None
    progress = [_Progress([]) for _ in monitors]
    clock = _Clock(deadline)
    timed_out = False
    try:
        for d in range(depth + 1):
            bmc.extend()
            for m, p in zip(monitors, progress, strict=True):
                if not p.done:
                    _bounded(enc, bmc, m, p, d, clock)
            provable = [
                (i, m) for i, (m, p) in enumerate(zip(monitors, progress, strict=True))
                if not p.done and m.prove and not p.hits
            ]
            if not provable:
                if all(p.done for p in progress):
                    break
                continue
            if step is None:
                step = InductionStep(enc, tuple(histories))
            _induction_round(step, provable, progress, d + 1, clock)
    except TimeUp:
        timed_out = True
    return [
        Outcome(tuple(p.hits), p.proven, p.depth, timed_out and not p.done and p.proven is None)
        for p in progress
    ]


def _induction_round(
    step: InductionStep,
    provable: list[tuple[int, Monitor]],
    progress: list[_Progress],
    k: int,
    clock: _Clock,
) -> None:
    """Try the step case with `k` for every open monitor; each proof becomes a lemma, so
    repeat until a round proves nothing new."""
    open_ = list(provable)
    while open_:
        still = []
        for i, m in open_:
            result = step.check(i, m.bad, k, clock.remaining_ms())
            if result == z3.unsat:
                progress[i].proven = k
                progress[i].done = True
                step.add_lemma(m.bad)
            elif result == z3.sat:
                still.append((i, m))
            else:
                raise TimeUp
        if len(still) == len(open_):
            break
        open_ = still


def _bounded(enc: Encoding, bmc: Path, m: Monitor, p: _Progress, d: int, clock: _Clock) -> None:
    """Look for bad states at depth `d`, up to the monitor's limit of distinct ones."""
    s, h = bmc.states[d], bmc.hist[d]
    solver = bmc.solver
    while len(p.hits) < m.limit:
        cond = m.bad(s, h)
        if p.hits:  # distinct bad states: block those found already
            cond = z3.And(cond, *(enc.distinct(s, state_term(enc, x.states[-1])) for x in p.hits))
        goal = z3.Bool(f"goal{id(p)}_{d}_{len(p.hits)}", enc.ctx)
        solver.add(z3.Implies(goal, cond))
        ms = clock.remaining_ms()
        if ms is not None:
            solver.set("timeout", ms)
        result = solver.check(goal)
        if result == z3.sat:
            states, rules = read_run(enc, solver.model(), bmc.states, bmc.labels)
            p.hits.append(Hit(states, rules))
        solver.add(z3.Not(goal))
        if result == z3.unsat:
            break
        if result != z3.sat:
            raise TimeUp
    p.depth = d
    if len(p.hits) >= m.limit:
        p.done = True
