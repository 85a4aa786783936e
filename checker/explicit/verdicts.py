"""The shapes of the explicit engine's verdicts, written once for safety and liveness.

Every verdict names the property and the number of states explored; a counterexample's trace
has been replayed through the reference semantics (`StateSpace.trace`). "holds" is only ever
built for a complete search: on an incomplete one it becomes "unknown" with the limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.core.trace import Trace
from checker.core.verdict import Method, Status, Verdict
from dsl.model import Property

if TYPE_CHECKING:
    from checker.explicit.space import StateSpace

Path = list[tuple[int, int]]  # [(rule index, state id)], the first with rule -1


def holds(space: StateSpace, prop: Property) -> Verdict:
    """Exhaustive proof; "unknown" when a limit cut the search short."""
    if not space.complete:
        return unknown(space, prop)
    return Verdict(prop.name, Status.HOLDS, Method.EXHAUSTIVE, states=len(space.states))


def unknown(space: StateSpace, prop: Property, note: str = "") -> Verdict:
    return Verdict(
        prop.name,
        Status.UNKNOWN,
        space.stopped or Method.NOT_APPLICABLE,
        states=len(space.states),
        bound=space.limit,
        note=note,
    )


def counterexample(space: StateSpace, prop: Property, trace: Trace, note: str = "") -> Verdict:
    return Verdict(
        prop.name,
        Status.FAILS,
        Method.COUNTEREXAMPLE,
        states=len(space.states),
        trace=trace,
        note=note,
    )


def fails(space: StateSpace, prop: Property, path: Path, note: str = "") -> Verdict:
    """A counterexample along `path` (a finite run; lassos come from `counterexample`)."""
    return counterexample(space, prop, space.trace(path), note)
