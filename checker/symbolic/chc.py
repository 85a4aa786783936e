"""Safety as constrained Horn clauses, solved by Z3's Spacer (PDR/IC3): invariants found by the
solver.

Input: an `Encoding`, a bad condition over a state and its history bits, the history patterns
it reads, proven lemmas, and a time limit. Output: a `HornResult`: *proved* with the inductive
invariant Spacer found (a Z3 formula over the state constants `enc.cur` and the history bits),
*refuted* (a bad state is reachable; the shortest run is left to bounded model checking), or
*unknown* (time limit, or Spacer gave up).

The clauses, with `Inv` an unknown relation over a state and its history bits:

    init(s) and not h                                   ->  Inv(s, h)
    Inv(s, h) and L(s, h) and guard_r(s) and in_range_r(s)  ->  Inv(update_r(s), h or match_r(s))
    Inv(s, h) and bad(s, h)                             ->  false

one transition clause per rule instance `r`; `L` is the conjunction of the invariants proven
before (they hold in every reachable state, so adding them leaves the reachable states as they
are and gives Spacer a head start). A solution of the clauses interprets `Inv` by a formula
that holds initially, is closed under every step and excludes every bad state: an inductive
invariant, which `checker.symbolic.invariant` prints and re-checks with a separate query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import z3

from checker.symbolic.encode import Encoding, StateVars

__all__ = ["BadCondition", "HornResult", "StateVars", "history_vars", "solve"]
from dsl.model import Expr, Lit

BadCondition = Callable[[StateVars, dict[Expr, z3.BoolRef]], z3.BoolRef]


@dataclass(frozen=True, slots=True, eq=False)
class HornResult:
    status: Literal["proved", "refuted", "unknown"]
    invariant: z3.BoolRef | None = None  # over `enc.cur` and `history_vars`
    reason: str = ""


def history_vars(
    enc: Encoding, histories: Sequence[Expr], tag: str = "cur"
) -> dict[Expr, z3.BoolRef]:
    return {p: z3.Bool(f"h{n}@{tag}", enc.ctx) for n, p in enumerate(histories)}


def solve(
    enc: Encoding,
    bad: BadCondition,
    histories: Sequence[Expr],
    lemmas: Sequence[BadCondition],
    timeout_ms: int,
) -> HornResult:
    """Spacer on the clauses above; see the module docstring."""
    ctx, s = enc.ctx, enc.cur
    h = history_vars(enc, histories)
    hv = list(h.values())
    variables = [*s, *hv]
    inv = z3.Function("Inv", *(x.sort() for x in variables), z3.BoolSort(ctx))
    solver = z3.SolverFor("HORN", ctx=ctx)
    solver.set("timeout", max(1, timeout_ms))
    here = inv(*variables)
    known = enc.all([z3.Not(lemma(s, h)) for lemma in lemmas])
    start = enc.all([enc.well_typed(s), enc.init(s), *(z3.Not(b) for b in hv)])
    solver.add(z3.ForAll(variables, z3.Implies(start, here)))
    for k, rule in enumerate(enc.model.rules):
        after = enc.successor(k, s)
        marks = []
        for p, bit in h.items():
            rest = enc.residual(p, k)
            if isinstance(rest, Lit):
                marks.append(bit if not rest.value else enc.true)
            else:
                marks.append(z3.Or(bit, enc.expr(rest, s)))
        body = enc.all([here, known, enc.can_fire(rule, s)])
        solver.add(z3.ForAll(variables, z3.Implies(body, inv(*after, *marks))))
    solver.add(z3.ForAll(variables, z3.Implies(z3.And(here, bad(s, h)), enc.false)))
    try:
        result = solver.check()
    except z3.Z3Exception as exc:  # interrupted, or a theory Spacer does not support
        return HornResult("unknown", reason=str(exc))
    if result == z3.sat:
        return HornResult("proved", _interpretation(solver.model(), inv, variables))
    if result == z3.unsat:
        return HornResult("refuted")
    return HornResult("unknown", reason=solver.reason_unknown())


def _interpretation(
    zm: z3.ModelRef, inv: z3.FuncDeclRef, variables: list[z3.ExprRef]
) -> z3.BoolRef:
    """The solution for `Inv`, as a formula over `variables` (the model's `Var(i)` is the
    i-th argument; a finite table of entries, if any, becomes an if-chain)."""
    interp = zm[inv]
    if isinstance(interp, z3.QuantifierRef):  # a lambda
        return z3.substitute_vars(interp.body(), *reversed(variables))
    if interp is None:
        return z3.BoolVal(False, inv.ctx)  # unconstrained: the empty relation solves the clauses
    out = z3.substitute_vars(interp.else_value(), *variables)
    for i in range(interp.num_entries() - 1, -1, -1):
        entry = interp.entry(i)
        cond = z3.And(*(x == entry.arg_value(j) for j, x in enumerate(variables)))
        out = z3.If(cond, entry.value(), out)
    return out
