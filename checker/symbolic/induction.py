"""k-induction: the step case, over simple paths from anywhere.

Input: an `Encoding` and the monitors still open. Output: for a monitor whose bad condition
`B` has not been reached within depth `k - 1` (the base case, from `checker.symbolic.bmc`),
whether `not B` is *k-inductive*: no path `s0 .. sk` of pairwise distinct states (history bits
included) has `not B` in `s0 .. s(k-1)` and `B` in `sk`. If none has, `not B` holds in every
reachable state: take a shortest run to a `B` state; it is a simple path, `B` holds only at its
end, and either it is shorter than `k` (the base case would have found it) or its last `k + 1`
states are such a path. For a finite model the simple-path constraint makes the method
complete: at the latest when `k` exceeds the number of states, the step case has no path.

One solver serves every monitor: the assumption `not B(si)` is asserted under the monitor's
own literal and switched on per check (`check(literal, ...)`), so the path is shared.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from checker.symbolic.encode import Encoding, StateVars
from checker.symbolic.unroll import Path
from dsl.model import Expr

BadCondition = Callable[[StateVars, dict[Expr, z3.BoolRef]], z3.BoolRef]


class InductionStep:
    def __init__(self, enc: Encoding, histories: tuple[Expr, ...]) -> None:
        self.enc = enc
        self.path = Path(enc, histories, initial=False, simple=True, tag="i")
        self._assumed: dict[int, tuple[z3.BoolRef, int]] = {}  # monitor id -> (literal, states)
        self._fresh = 0

    def check(self, key: int, bad: BadCondition, k: int, timeout_ms: int | None) -> z3.CheckSatResult:
        """`unsat` iff `not bad` is k-inductive (given the base case up to depth k - 1)."""
        path = self.path
        while len(path.states) < k + 1:
            path.extend()
        literal, covered = self._assumed.get(key, (None, 0))
        if literal is None:
            literal = z3.Bool(f"assume{key}", self.enc.ctx)
        for i in range(covered, k):
            path.solver.add(z3.Implies(literal, z3.Not(bad(path.states[i], path.hist[i]))))
        self._assumed[key] = (literal, k)
        goal = z3.Bool(f"goal{self._fresh}", self.enc.ctx)
        self._fresh += 1
        path.solver.add(z3.Implies(goal, bad(path.states[k], path.hist[k])))
        if timeout_ms is not None:
            path.solver.set("timeout", max(1, timeout_ms))
        result = path.solver.check(literal, goal)
        path.solver.add(z3.Not(goal))
        return result
