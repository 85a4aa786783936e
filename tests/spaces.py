"""Comparing two explorations of one model: the search loops must agree on everything."""

from __future__ import annotations

from checker.explicit.space import StateSpace
from dsl.model import Lit, StepPattern

ANY_STEP = StepPattern(Lit(True))  # watching it forces the generic loop over `expand`


def assert_same_space(a: StateSpace, b: StateSpace, edges: bool) -> None:
    """Two searches found the same states, in the same order, by the same steps; with
    `edges`, also the same edges, else `a` recorded none (`b` may have)."""
    assert a.codes == b.codes and a.index == b.index
    assert a.parent == b.parent and a.via == b.via
    assert a.deadlocked == b.deadlocked and a.range_hits == b.range_hits
    assert (a.expanded, a.stopped, a.transitions) == (b.expanded, b.stopped, b.transitions)
    if edges:
        assert (a.edge_start, a.edge_rule, a.edge_dst) == (b.edge_start, b.edge_rule, b.edge_dst)
    else:
        assert not a.edge_dst
