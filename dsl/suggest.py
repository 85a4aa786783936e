"""`did you mean`: the declared name nearest a misspelt one, found within a budget.

difflib compares a name with every candidate. A file that declared a set of 20,000 elements
and misspelt 300 names made about six million comparisons (17 s). So `compile_file` gives
each file one budget of comparisons (`budget`); once it is spent, an error comes without its
suggestion. The error itself (its code, place and message) does not change, and which
suggestions are made depends only on the input, so output stays deterministic.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

COMPARISONS = 100_000  # per file; about half a second of difflib when all are spent
_LEFT: ContextVar[list[int] | None] = ContextVar("suggestion_budget", default=None)


@contextmanager
def budget(comparisons: int = COMPARISONS) -> Iterator[None]:
    """Suggestions looked for inside share `comparisons` comparisons of a name with a
    candidate."""
    token = _LEFT.set([comparisons])
    try:
        yield
    finally:
        _LEFT.reset(token)


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like `name` (difflib's ratio, at least `cutoff`), or None. None
    also when the budget left cannot pay for comparing every candidate; outside `budget`, one
    call may compare up to `COMPARISONS` candidates."""
    pool = list(candidates)
    left = _LEFT.get()
    if len(pool) > (COMPARISONS if left is None else left[0]):
        return None
    if left is not None:
        left[0] -= len(pool)
    found = difflib.get_close_matches(name, pool, n=1, cutoff=cutoff)
    return found[0] if found else None
