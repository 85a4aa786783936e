"""k-induction: the step case, over simple paths from anywhere.

Input: an `Encoding` and the monitors still open. Output: for a monitor whose bad condition
`B` has not been reached within depth `k - 1` (the base case, from `checker.symbolic.bmc`),
whether `not B` is *k-inductive*: no path `s0 .. sk` of pairwise distinct states (history bits
included) has `not B` in `s0 .. s(k-1)` and `B` in `sk`. If none has, `not B` holds in every
reachable state: take a shortest run to a `B` state; it is a simple path, `B` holds only at its
end, and either it is shorter than `k` (the base case would have found it) or its last `k + 1`
states are such a path. For a finite model the simple-path constraint makes the method
complete: at the latest when `k` exceeds the number of states, the step case has no path.

Proven invariants are *lemmas*: once `not B` is proven it holds in every reachable state, so
it is asserted on every state of the step case (the shortest counterexample above runs through
reachable states only). Properties declared after their lemmas can then be proven even when they
are not inductive on their own, as in a TLA+ proof.

The simple-path constraint is added lazily (Eén and Sörensson, "Temporal induction by
incremental SAT solving", 2003): only when a step-case path repeats a state is that pair
forbidden, for good, and the check repeated.

One solver serves every monitor: the assumption `not B(si)` is asserted under the monitor's
own literal and switched on per check (`check(literal, ...)`), so the path is shared.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from checker.symbolic.encode import Encoding, StateVars, assert_all
from checker.symbolic.unroll import Path
from dsl.model import Expr

BadCondition = Callable[[StateVars, dict[Expr, z3.BoolRef]], z3.BoolRef]


class InductionStep:
    def __init__(self, enc: Encoding, histories: tuple[Expr, ...]) -> None:
        self.enc = enc
        self.path = Path(enc, histories, initial=False, simple=False, tag="i")
        self._distinct: set[tuple[int, int]] = set()
        self._differs: dict[tuple[int, int], z3.BoolRef] = {}
        self._assumed: dict[int, tuple[z3.BoolRef, int]] = {}  # monitor id -> (literal, states)
        self._fresh = 0
        self._lemmas: list[BadCondition] = []

    def add_lemma(self, bad: BadCondition) -> None:
        """`not bad` is proven invariant: assert it on every state of the step case."""
        self._lemmas.append(bad)
        for s, h in zip(self.path.states, self.path.hist, strict=True):
            assert_all(self.path.solver, z3.Not(bad(s, h)))

    def _extend(self) -> None:
        self.path.extend()
        s, h = self.path.states[-1], self.path.hist[-1]
        for bad in self._lemmas:
            assert_all(self.path.solver, z3.Not(bad(s, h)))

    def check(
        self, key: int, bad: BadCondition, k: int, timeout_ms: int | None
    ) -> z3.CheckSatResult:
        """`unsat` iff `not bad` is k-inductive (given the base case up to depth k - 1).

        `k` never falls below an earlier check's: the path's steps are asserted, so on a
        longer path state `k` would have to have a successor, and a counterexample ending in
        a dead end would be missed (a wrong "holds"). The schedule only raises `k`."""
        path = self.path
        if len(path.states) > k + 1:
            raise AssertionError(f"k-induction asked for k = {k} after a longer step case")
        while len(path.states) < k + 1:
            self._extend()
        literal, covered = self._assumed.get(key, (None, 0))
        if literal is None:
            literal = self.enc.boolean(f"assume{key}")
        for i in range(covered, k):
            assert_all(path.solver, z3.Implies(literal, z3.Not(bad(path.states[i], path.hist[i]))))
        self._assumed[key] = (literal, k)
        goal = self.enc.boolean(f"goal{self._fresh}")
        self._fresh += 1
        assert_all(path.solver, z3.Implies(goal, bad(path.states[k], path.hist[k])))
        if timeout_ms is not None:
            path.solver.set("timeout", max(1, timeout_ms))
        while True:
            result = path.solver.check(literal, goal)
            if result != z3.sat or not self._refine(k):
                break
        assert_all(path.solver, z3.Not(goal))
        return result

    def _refine(self, k: int) -> bool:
        """The simple-path constraint, lazily: if the path found visits a state twice, forbid
        that pair and say so (check again); else the path is simple and the step case fails."""
        zm = self.path.solver.model()
        for j in range(1, k + 1):  # one evaluation per pair, not one per slot and state
            for i in range(j):
                if (i, j) in self._distinct:
                    continue
                if z3.is_false(zm.eval(self._differ(i, j), model_completion=True)):
                    self._forbid(i, j)
                    return True
        return False

    def _differ(self, i: int, j: int) -> z3.BoolRef:
        """States `i` and `j` of the path differ (history bits included); built once per pair,
        as refinement asks about the same pairs after every check."""
        found = self._differs.get((i, j))
        if found is None:
            path, enc = self.path, self.enc
            diff = [enc.distinct(path.states[i], path.states[j])]
            diff += [path.hist[i][p] != path.hist[j][p] for p in path.histories]
            found = self._differs[(i, j)] = enc.any(diff)
        return found

    def _forbid(self, i: int, j: int) -> None:
        if (i, j) in self._distinct:
            raise AssertionError("simple-path refinement did not take effect")
        self._distinct.add((i, j))
        assert_all(self.path.solver, self._differ(i, j))
