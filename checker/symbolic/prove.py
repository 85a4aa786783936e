"""Settle every monitor by the cheapest method that works: the schedule of the symbolic engine.

Input: an `Encoding`, `Monitor`s (each a *bad* condition on a state and its history bits), a
depth bound `K` and an optional deadline. Output: one `Outcome` per monitor: runs that reach a
bad state (`hits`, shortest first), a proof that none is reachable (k-induction with its `k`,
or an inductive invariant found by Spacer and re-checked), or how deep the search went.

The schedule, cheapest first; every monitor leaves it as soon as it is settled:
1. depth 0 of bounded model checking (BMC), then 1-induction;
2. BMC up to a small depth (`QUICK_DEPTH`) for what is left: most counterexamples are short;
   if some property is still open, auxiliary invariants for the finite part of the model
   (`houdini`), proven once, become lemmas for every proof from here on, and 1-induction is
   tried again;
3. Spacer (`chc`) on the rest, with a time cap per property: *proved* (the invariant is
   translated to the language and re-checked by a separate query before it is believed),
   *refuted* (BMC then searches, past `K` if need be, for the shortest run), or unknown;
4. BMC on to depth `K` with k-induction on a backoff schedule (k = 2, 4, 8, ...), not at
   every depth.

Every proven property becomes a lemma for the later ones (in declaration order), as in a
TLA+ proof. BMC is one incremental solver over one unrolled run from the initial states (the
transition relation instantiated per step by substitution): each check switches its bad
condition on by an assumption literal, and at each depth one query first asks whether *any*
open monitor is bad there, so a depth without a hit costs one query whatever the number of
properties. Since depths are tried in increasing order, the first hit is a shortest run, the
length breadth-first search finds.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import z3

from checker.symbolic import chc, houdini
from checker.symbolic.decode import read_run, state_term
from checker.symbolic.encode import Encoding, assert_all
from checker.symbolic.induction import InductionStep
from checker.symbolic.invariant import recheck, to_expr
from checker.symbolic.unroll import Path
from dsl.model import Expr

if TYPE_CHECKING:
    from checker.symbolic.bmc import Monitor

QUICK_DEPTH = 8  # BMC depth tried before Spacer
SPACER_CAP_S = 3.0  # Spacer's time per property, when no overall limit is tighter
HOUDINI_CAP_S = 10.0
BACKOFF = (2, 4, 8, 16, 32, 64, 128)
REFUTE_DEPTH = 200  # how far BMC unrolls to find a run Spacer proved to exist


class TimeUp(Exception):
    pass


class Clock:
    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline

    def remaining_ms(self, cap_s: float | None = None) -> int | None:
        """Milliseconds left (at most `cap_s`); raises `TimeUp` when none are."""
        left = None if self.deadline is None else self.deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeUp
        if cap_s is not None:
            left = cap_s if left is None else min(left, cap_s)
        return None if left is None else int(left * 1000) + 1


@dataclass(slots=True)
class Progress:
    """What is known about one monitor so far."""

    hits: list[tuple[tuple[object, ...], tuple[int, ...]]] = field(default_factory=list)
    depth: int = -1  # every depth up to this one has been searched completely
    proven: int | None = None  # k of a k-induction proof
    invariant: Expr | None = None  # Spacer's invariant, re-checked
    refuted: bool = False  # Spacer found a bad state reachable
    done: bool = False


def settle(
    enc: Encoding,
    monitors: Sequence[Monitor],
    depth: int,
    deadline: float | None = None,
    *,
    spacer: bool = True,
    induction: bool = True,
    strengthen: bool = True,
) -> tuple[list[Progress], bool]:
    """Run the schedule of the module docstring; returns the progress and whether time ran out."""
    histories: list[Expr] = []
    for m in monitors:
        histories += [h for h in m.histories if h not in histories]
    hist = tuple(histories)
    clock = Clock(deadline)
    state = _Schedule(enc, monitors, hist, depth, clock, spacer)
    state.use_induction = induction
    state.use_strengthen = strengthen
    try:
        state.run()
    except TimeUp:
        return state.progress, True
    return state.progress, False


class _Schedule:
    def __init__(
        self,
        enc: Encoding,
        monitors: Sequence[Monitor],
        hist: tuple[Expr, ...],
        depth: int,
        clock: Clock,
        spacer: bool,
    ) -> None:
        self.enc, self.monitors, self.hist, self.depth = enc, monitors, hist, depth
        self.clock, self.use_spacer = clock, spacer
        self.use_induction = True
        self.use_strengthen = True
        self.progress = [Progress() for _ in monitors]
        self.bads = [_built_once(enc, hist, m.bad) for m in monitors]
        self.bmc = Path(enc, hist, initial=True, simple=False, tag="b")
        self.lemmas: list[chc.BadCondition] = []
        self._step: InductionStep | None = None
        self._goal = 0

    # ------------------------------------------------------------------ the schedule

    def run(self) -> None:
        self._deepen(0)
        self._induction(1)
        if self._open(provable=True) and self._strengthen():
            self._induction(1)  # again, with the auxiliary invariants as lemmas
        for d in range(1, min(QUICK_DEPTH, self.depth) + 1):
            if not self._open():
                return
            self._deepen(d)
        if self.use_spacer:
            for i in self._open(provable=True):
                self._spacer(i)
        d = len(self.bmc.states)
        for k in BACKOFF:  # the steps of the backoff schedule the quick search went past
            if k <= d and self._open(provable=True):
                self._induction(k)
        while self._open(bounded_by=d):
            self._deepen(d)
            if d + 1 in BACKOFF and d + 1 <= self.depth + 1:
                self._induction(d + 1)
            d += 1

    def _open(self, provable: bool = False, bounded_by: int | None = None) -> list[int]:
        out = []
        for i, (m, p) in enumerate(zip(self.monitors, self.progress, strict=True)):
            if p.done:
                continue
            if provable and (not m.prove or p.hits or p.refuted):
                continue
            if (
                bounded_by is not None
                and bounded_by > self.depth
                and not (p.refuted and not p.hits)
            ):
                continue  # past the bound only to find the run Spacer says exists
            out.append(i)
        return out

    def _strengthen(self) -> bool:
        """Auxiliary invariants as lemmas (True if any were found and proven)."""
        if not self.use_strengthen:
            return False
        if houdini.count(self.enc, self.hist) > houdini.MAX_CANDIDATES:
            return False
        ms = self.clock.remaining_ms(HOUDINI_CAP_S)
        found = houdini.strengthen(self.enc, (ms or 1000) / 1000, histories=self.hist)
        if not (found.proven and found.clauses):
            return False
        enc, hist = self.enc, self.hist

        def lemma(s: chc.StateVars, h: dict[Expr, z3.BoolRef]) -> z3.BoolRef:
            return z3.Not(found.formula(enc, (*s, *(h[x] for x in hist))))

        self.lemmas.append(lemma)
        if self._step is not None:
            self._step.add_lemma(lemma)
        return True

    # ------------------------------------------------------------------ BMC

    def _deepen(self, d: int) -> None:
        """Search depth `d` for every open monitor (one query when none is bad there)."""
        bmc = self.bmc
        while len(bmc.states) <= d:
            bmc.extend()
        s, h = bmc.states[d], bmc.hist[d]
        open_ = [i for i in self._open(bounded_by=d) if self.progress[i].depth < d]
        if not open_:
            return
        bads = {i: self.bads[i](s, h) for i in open_}
        if len(open_) > 1 and self._check(self.enc.any(list(bads.values()))) == z3.unsat:
            for i in open_:
                self._searched(i, d)
            return
        for i in open_:
            self._bounded(i, d, bads[i])

    def _check(self, cond: z3.BoolRef) -> z3.CheckSatResult:
        goal = self.enc.boolean(f"goal{self._goal}")
        self._goal += 1
        solver = self.bmc.solver
        assert_all(solver, z3.Implies(goal, cond))
        ms = self.clock.remaining_ms()
        if ms is not None:
            solver.set("timeout", ms)
        result = solver.check(goal)
        if result == z3.unknown:
            raise TimeUp
        self._last_goal = goal
        return result

    def _bounded(self, i: int, d: int, bad: z3.BoolRef) -> None:
        enc, m, p = self.enc, self.monitors[i], self.progress[i]
        while len(p.hits) < m.limit:
            cond = bad
            if p.hits:  # distinct bad states: block those found already
                cond = z3.And(
                    cond,
                    *(
                        enc.distinct(self.bmc.states[d], state_term(enc, x[0][-1]))  # type: ignore[arg-type]
                        for x in p.hits
                    ),
                )
            result = self._check(cond)
            if result == z3.sat:
                p.hits.append(
                    read_run(enc, self.bmc.solver.model(), self.bmc.states, self.bmc.labels)
                )
                p.hits[-1] = (p.hits[-1][0][: d + 1], p.hits[-1][1][:d])
            assert_all(self.bmc.solver, z3.Not(self._last_goal))
            if result == z3.unsat:
                break
        self._searched(i, d)

    def _searched(self, i: int, d: int) -> None:
        m, p = self.monitors[i], self.progress[i]
        p.depth = d
        if len(p.hits) >= m.limit or (p.hits and p.refuted):
            p.done = True
        elif p.refuted and not p.hits and d >= max(REFUTE_DEPTH, 4 * self.depth):
            p.done = True  # reachable, says Spacer, but by a run longer than we unroll

    # ------------------------------------------------------------------ proofs

    def _induction(self, k: int) -> None:
        """The step case with `k` for every open monitor clean up to depth k - 1; each proof
        becomes a lemma, so repeat until a round proves nothing new."""
        todo = [i for i in self._open(provable=True) if self.progress[i].depth >= k - 1]
        if not todo or not self.use_induction:
            return
        if self._step is None:
            self._step = InductionStep(self.enc, self.hist)
            for lemma in self.lemmas:
                self._step.add_lemma(lemma)
        while todo:
            still = []
            for i in todo:
                result = self._step.check(i, self.bads[i], k, self.clock.remaining_ms())
                if result == z3.unsat:
                    self._proved(i, k=k)
                elif result == z3.sat:
                    still.append(i)
                else:
                    raise TimeUp
            if len(still) == len(todo):
                break
            todo = still

    def _spacer(self, i: int) -> None:
        p = self.progress[i]
        ms = self.clock.remaining_ms(SPACER_CAP_S)
        assert ms is not None
        result = chc.solve(self.enc, self.bads[i], self.hist, self.lemmas, ms)
        if result.status == "refuted":
            p.refuted = True
        elif result.status == "proved" and result.invariant is not None:
            inv = to_expr(self.enc, result.invariant, self.hist)
            if (
                inv is not None
                and recheck(
                    self.enc,
                    inv,
                    self.monitors[i].bad,  # built afresh: the re-check shares no template
                    self.hist,
                    self.lemmas,
                    self.clock.remaining_ms(SPACER_CAP_S),
                )
                is None
            ):
                self._proved(i, invariant=inv)

    def _proved(self, i: int, k: int | None = None, invariant: Expr | None = None) -> None:
        p = self.progress[i]
        p.proven, p.invariant, p.done = k, invariant, True
        lemma: chc.BadCondition = self.bads[i]
        if invariant is not None:
            enc, hist, e = self.enc, self.hist, invariant

            def lemma(s: chc.StateVars, h: dict[Expr, z3.BoolRef]) -> z3.BoolRef:
                return z3.Not(enc.expr(e, (*s, *(h[x] for x in hist))))

        self.lemmas.append(lemma)
        if self._step is not None:
            self._step.add_lemma(lemma)


def _built_once(enc: Encoding, hist: tuple[Expr, ...], bad: chc.BadCondition) -> chc.BadCondition:
    """`bad` built once over the template state and history bits; each state it is asked for
    gets the template instantiated by substitution (a model's conditions are built from its
    expressions once, not once per state of every unrolling)."""
    bits = chc.history_vars(enc, hist, "tmpl")
    src = [*enc.cur, *bits.values()]
    made: list[z3.ExprRef] = []
    seen: dict[tuple[int, int], tuple[object, object, z3.BoolRef]] = {}

    def at(s: chc.StateVars, h: dict[Expr, z3.BoolRef]) -> z3.BoolRef:
        key = (id(s), id(h))
        found = seen.get(key)
        if found is not None and found[0] is s and found[1] is h:
            return found[2]
        if not made:
            made.append(bad(enc.cur, bits))
        out = enc.substitute(made[0], src, [*s, *(h[p] for p in hist)])
        seen[key] = (s, h, out)
        return out

    return at
