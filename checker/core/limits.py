"""What a search cut short by a limit can and cannot say, in words.

A search stopped at `--max-states` or `--timeout` has shown nothing about the states it did not
reach: its "holds" is "unknown", and "no dead end found" is not "no dead end". This module
words those results (`limit_note`, `dead_ends_unsettled`) and estimates the size of the
space from the variables' domains (`domain_space`), so that a report can say how far the search
was from the end and what to change in the model ("project onto fewer variables", "bound this
range").
"""

from __future__ import annotations

from checker.core.result import ModelResult
from checker.core.verdict import Method
from dsl.model import BoolType, EnumType, IntType, Model, Slot

LIMITS = (Method.STATE_LIMIT, Method.TIME_LIMIT)
HINT = "project onto fewer variables, or bound the widest ranges"


def slot_size(slot: Slot) -> int | None:
    """How many values a slot can take; None when its type is unbounded."""
    t = slot.type
    if isinstance(t, BoolType):
        return 2
    if isinstance(t, EnumType):
        return len(t.values)
    if isinstance(t, IntType):
        if t.lo is None or t.hi is None:
            return None
        return max(0, t.hi - t.lo + 1)
    return None


def domain_space(model: Model) -> int | None:
    """The product of every slot's domain size: an upper bound on the reachable model states
    (deadline clocks aside); None when some slot is unbounded."""
    total = 1
    for slot in model.slots:
        size = slot_size(slot)
        if size is None:
            return None
        total *= size
    return total


def _count(n: int) -> str:
    """A count in words a reader can take in: 1,234,567 or 1.0e+10."""
    return f"{n:,}" if n < 10**9 else f"{float(n):.1e}"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    days = seconds / 86400
    return f"{days:.0f} days" if days < 1e6 else f"{days:.1e} days"


def widest(model: Model, n: int = 3) -> list[str]:
    """The `n` slots with the most values, as 'name (k values)'."""
    sized = [(slot_size(s), s.name) for s in model.slots]
    known = sorted(((k, name) for k, name in sized if k is not None and k > 2), reverse=True)
    return [f"{name} ({k:,} values)" for k, name in known[:n]]


def limit_note(model: Model, stopped: Method, states: int, seconds: float) -> str:
    """Why a search stopped, how fast it went, how big the space may be, and what to change."""
    rate = states / seconds if seconds > 0 else 0.0
    parts = [f"searched {states:,} states in {seconds:.1f} s ({rate:,.0f} states/s)"]
    space = domain_space(model)
    if space is not None and space > states:
        estimate = f"the variables' domains allow up to {_count(space)} states"
        if rate > 0:
            estimate += f" (about {_duration(space / rate)} at this rate)"
        parts.append(estimate)
    names = widest(model)
    hint = HINT + (": " + ", ".join(names) if names else "")
    if stopped is Method.STATE_LIMIT:
        hint += "; or raise --max-states"
    elif stopped is Method.TIME_LIMIT:
        hint += "; or raise --timeout"
    parts.append("hint: " + hint)
    return "; ".join(parts)


def stopped_of(result: ModelResult) -> Method | None:
    """The limit that left `result` unsettled: its search's, or one a verdict names (after
    `--engine auto`, the fallback may have settled what the explicit search's limit left)."""
    if result.stopped is not None:
        return result.stopped
    return next((v.method for v in result.verdicts if v.method in LIMITS), None)


def dead_ends_unsettled(result: ModelResult) -> str:
    """Why the dead-end search says nothing definite ('' when it does): a search that stopped at
    a limit, or a bounded symbolic search, may have missed dead ends."""
    if result.complete:
        return ""
    stopped = stopped_of(result)
    found = max(result.dead_end_count or 0, len(result.dead_ends))
    more = " more" if found else ""
    if stopped is Method.TIME_LIMIT:
        return f"time limit reached; there may be{more} dead ends among the states not searched"
    if stopped is Method.STATE_LIMIT:
        return f"state limit reached; there may be{more} dead ends among the states not explored"
    if result.engine == "symbolic":
        return f"searched up to depth {result.depth}; there may be{more} dead ends deeper"
    return f"the search stopped early; there may be{more} dead ends"
