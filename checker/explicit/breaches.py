"""Every provision that breaks a `never step` principle, each with its shortest run.

A counterexample is the *shortest* run that breaks a principle, so it shows one provision: for
PRC law in force, trial–execution separation is first broken by the refusal of a reversal
request under Interp. art. 481(2) (three steps), not by the reversal ruling of SPC art. 65 that
the literature criticises. A lawyer asks which rules of the law break the principle at all:
here, one shortest run per declared rule whose step matches the pattern, found in the same BFS
order as the counterexample (so each is a shortest run ending in that rule's step).
"""

from __future__ import annotations

from dataclasses import replace

from checker.core.result import CheckOptions
from checker.core.trace import Trace
from checker.explicit.search import explore
from checker.explicit.space import StateSpace
from dsl.model import Model, StepPattern


def breaches(space: StateSpace, pattern: StepPattern) -> tuple[tuple[str, Trace], ...]:
    """(declared rule, shortest trace whose last step is that rule matching `pattern`), one per
    rule, in the order their shortest runs are found (shortest first)."""
    found: dict[str, Trace] = {}
    for src, r, dst in space.matching_edges(space.compiled.pattern(pattern).per_rule):
        rule = space.model.rules[r].rule
        if rule not in found:
            found[rule] = space.trace([*space.path_to(src), (r, dst)])
    return tuple(found.items())


def space_with_edges(model: Model, space: StateSpace | None, options: CheckOptions) -> StateSpace:
    """`space` if it kept its edges, else the model explored again with them."""
    if space is not None and space.has_edges:
        return space
    return explore(model, replace(options, engine="explicit"), keep_edges=True)
