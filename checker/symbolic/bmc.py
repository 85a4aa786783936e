"""Monitors and their outcomes: what the symbolic engine searches for, and what it found.

Every safety form reduces to a monitor: `always P` is bad in `not P`; `reachable P` searches
`P` (a proof is a proof of unreachability); a step pattern is bad in a state from which a
matching step can be taken, and `S requires earlier S2` adds a history bit for `S2`.
`search` settles a list of monitors by the schedule of `checker.symbolic.prove` (bounded model
checking for shortest runs, k-induction, Spacer invariants).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import z3

from checker.core.semantics import State
from checker.symbolic.encode import StateVars
from checker.symbolic.prove import Progress, settle
from dsl.model import Expr

BadCondition = Callable[[StateVars, dict[Expr, z3.BoolRef]], z3.BoolRef]


@dataclass(frozen=True, slots=True, eq=False)
class Monitor:
    bad: BadCondition
    histories: tuple[Expr, ...] = ()  # `earlier` patterns whose history bit `bad` reads
    prove: bool = True  # try to prove that no bad state is reachable
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
    invariant: Expr | None = None  # an inductive invariant Spacer found (re-checked)
    refuted: bool = False  # Spacer proved a bad state reachable (the run may be unfound)

    @property
    def proved(self) -> bool:
        """No bad state is reachable: by k-induction or by an inductive invariant."""
        return self.proven is not None or self.invariant is not None

    @property
    def how_proved(self) -> str:
        if self.invariant is not None:
            return "inductive invariant (Spacer)"
        return f"k-inductive, k = {self.proven}"


def search(
    enc: object,
    monitors: list[Monitor],
    depth: int,
    deadline: float | None = None,
    *,
    spacer: bool = True,
    induction: bool = True,
    strengthen: bool = True,
) -> list[Outcome]:
    """Settle every monitor (see `checker.symbolic.prove`); `spacer`, `induction`,
    `strengthen`: which proof methods to try (tests switch some off to exercise the others)."""
    progress, timed_out = settle(
        enc,  # type: ignore[arg-type]
        monitors,
        depth,
        deadline,
        spacer=spacer,
        induction=induction,
        strengthen=strengthen,
    )
    return [_outcome(p, timed_out) for p in progress]


def _outcome(p: Progress, timed_out: bool) -> Outcome:
    hits = tuple(Hit(states, rules) for states, rules in p.hits)  # type: ignore[arg-type]
    settled = p.done or p.proven is not None or p.invariant is not None
    return Outcome(
        hits, p.proven, p.depth, timed_out and not settled and not hits, p.invariant, p.refuted
    )
