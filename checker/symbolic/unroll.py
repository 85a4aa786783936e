"""Unrolled runs: states `s0 .. sk`, step labels and history bits, asserted into one Z3 solver.

Input: an `Encoding`, the `earlier` patterns that need a history bit, and whether the run
starts in an initial state. Output: a `Path` that grows one state at a time (`extend`), for
bounded model checking (from the initial states) and for the induction step (from anywhere,
with every state distinct: the simple-path constraint).

A history bit `h[p]` of state `k` says that some step *before* state `k` matched pattern `p`
(for `S requires earlier S2`); it is part of the state for the simple-path constraint.
"""

from __future__ import annotations

import z3

from checker.symbolic.encode import Encoding, StateVars, assert_all
from dsl.model import Expr


class Path:
    def __init__(
        self, enc: Encoding, histories: tuple[Expr, ...], *, initial: bool, simple: bool, tag: str
    ) -> None:
        self.enc = enc
        self.histories = histories
        self.initial = initial
        self.simple = simple
        self.tag = tag
        self.solver = enc.solver()
        self.states: list[StateVars] = []
        self.hist: list[dict[Expr, z3.BoolRef]] = []
        self.labels: list[z3.ArithRef] = []

    @property
    def last(self) -> int:
        return len(self.states) - 1

    def extend(self) -> None:
        """Add the next state (and, after the first, the step leading to it)."""
        enc, k = self.enc, len(self.states)
        s = enc.state(f"{self.tag}{k}")
        h = {p: enc.boolean(f"h{n}@{self.tag}{k}") for n, p in enumerate(self.histories)}
        solver = self.solver
        assert_all(solver, enc.well_typed(s))
        if k == 0:
            if self.initial:
                assert_all(solver, enc.init(s))
                for bit in h.values():
                    assert_all(solver, z3.Not(bit))
        else:
            prev, before = self.states[-1], self.hist[-1]
            label = enc.label(f"{self.tag}{k - 1}")
            self.labels.append(label)
            assert_all(solver, enc.transition(prev, label, s))
            for p, bit in h.items():
                assert_all(solver, bit == z3.Or(before[p], enc.label_matches(p, prev, label)))
        if self.simple:
            for j, other in enumerate(self.states):
                diff = [enc.distinct(other, s)]
                diff += [self.hist[j][p] != h[p] for p in self.histories]
                assert_all(solver, enc.any(diff))
        self.states.append(s)
        self.hist.append(h)
