"""Auxiliary invariants for the finite part of a model: which value pairs can never occur together.

Input: an `Encoding` and a time budget. Output: `Strengthening`, a set of clauses
`not (x == a and y == b)` (and `x != a`) over the slots with a small finite domain (enums, sets,
bools, ranges of at most `SMALL` values) that is *jointly inductive*: it holds initially and
every step from a state satisfying all of them leads to a state satisfying all of them. So each
clause holds in every reachable state, and the clauses serve as lemmas for k-induction and
Spacer: a procedure's stages are mostly tied together pairwise, and a property that is not
inductive on its own usually is once the unreachable pairs are excluded.

Found the Houdini way (Flanagan and Leino, 2001): start from every candidate, drop those false
in some reachable state (random runs through the reference semantics find most of them), then
repeat one Z3 query, "a step from a state satisfying all candidates to one that breaks some",
dropping every candidate the solver's successor breaks, until the query is unsatisfiable. The
last, unsatisfiable query is the proof of consecution; initiation is one more query. Dropping is
always sound; only what survives is claimed.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from itertools import combinations

import z3

from checker.core.semantics import RangeViolation, State, apply, evaluate
from checker.symbolic.decode import read_state
from checker.symbolic.encode import Encoding, StateVars
from dsl.model import Binary, BoolType, EnumType, Expr, IntType, Lit, Not, SlotRef, Value, domain_of

TRIPLES = False
CONTROL = 4  # an enum with at least this many values is a control variable (triples)
SMALL = 8  # an integer range with at most this many values counts as finite here
MAX_CANDIDATES = 4000  # beyond this the search costs more than the proofs it helps
WALKS = 100
WALK_LENGTH = 60


@dataclass(frozen=True, slots=True, eq=False)
class Strengthening:
    clauses: tuple[Expr, ...]  # each holds in every reachable state
    proven: bool  # False: the budget ran out; `clauses` is then empty

    def formula(self, enc: Encoding, s: StateVars) -> z3.BoolRef:
        return enc.all([enc.expr(c, s) for c in self.clauses])


def _domains(enc: Encoding) -> list[tuple[int, tuple[Value, ...]]]:
    out = []
    for i, slot in enumerate(enc.model.slots):
        if isinstance(slot.type, (BoolType, EnumType)) or (
            isinstance(slot.type, IntType)
            and slot.type.bounded
            and slot.type.hi - slot.type.lo < SMALL  # type: ignore[operator]
        ):
            dom = domain_of(slot.type)
            if dom is not None and len(dom) > 1:
                out.append((i, dom))
    return out


def _atom(enc: Encoding, i: int, v: Value) -> Expr:
    ref = SlotRef(i, enc.model.slots[i].name)
    if isinstance(v, bool):
        return ref if v else Not(ref)
    return Binary("==", ref, Lit(v))


def candidates(enc: Encoding) -> list[tuple[tuple[tuple[int, Value], ...], Expr]]:
    """Every single-value and pairwise exclusion over the small finite slots."""
    doms = _domains(enc)
    out: list[tuple[tuple[tuple[int, Value], ...], Expr]] = []
    for i, dom in doms:
        for v in dom:
            out.append((((i, v),), Not(_atom(enc, i, v))))
    for (i, di), (j, dj) in combinations(doms, 2):
        for a in di:
            for b in dj:
                out.append(
                    (((i, a), (j, b)), Not(Binary("and", _atom(enc, i, a), _atom(enc, j, b))))
                )
    # amounts tied to the stage: a value of a control variable (an enum of at least
    # `CONTROL` values: the stage of a procedure) with a pair of small integer slots
    ints = [(i, d) for i, d in doms if isinstance(enc.model.slots[i].type, IntType)]
    for k, dk in doms:
        if not TRIPLES or not isinstance(enc.model.slots[k].type, EnumType) or len(dk) < CONTROL:
            continue
        for (i, di), (j, dj) in combinations(ints, 2):
            for c in dk:
                for a in di:
                    for b in dj:
                        atoms = tuple(sorted(((k, c), (i, a), (j, b))))
                        conj = Binary(
                            "and",
                            _atom(enc, *atoms[0]),
                            Binary("and", _atom(enc, *atoms[1]), _atom(enc, *atoms[2])),
                        )
                        out.append((atoms, Not(conj)))
    return out


def strengthen(enc: Encoding, budget_s: float = 5.0, seed: int = 0) -> Strengthening:
    """The jointly inductive pairwise exclusions; see the module docstring."""
    started = time.monotonic()
    cands = candidates(enc)
    if not cands:
        return Strengthening((), True)
    alive = [True] * len(cands)
    index = {atoms: n for n, (atoms, _) in enumerate(cands)}
    slots = [i for i, _ in _domains(enc)]
    for state in set(_samples(enc, seed)):
        _drop(index, alive, slots, state)
    s, t = enc.state("hd0"), enc.state("hd1")
    label = enc.label("hd")
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.well_typed(s), enc.well_typed(t), enc.transition(s, label, t))
    lits = [z3.Bool(f"cand{n}", enc.ctx) for n in range(len(cands))]
    now, not_now = _formulas(enc, cands, s)
    _, not_then = _formulas(enc, cands, t)
    for lit, c in zip(lits, now, strict=True):
        solver.add(z3.Implies(lit, c))
    pending = {n for n in range(len(cands)) if alive[n]}
    # initiation: drop candidates some initial state breaks
    first = z3.Solver(ctx=enc.ctx)
    first.add(enc.well_typed(s), enc.init(s))
    while True:
        left = budget_s - (time.monotonic() - started)
        if left <= 0:
            return Strengthening((), False)
        first.set("timeout", int(left * 1000) + 1)
        goal = _or(enc.ctx, [not_now[n] for n in pending])
        result = first.check(goal)
        if result == z3.unknown:
            return Strengthening((), False)
        if result != z3.sat:
            break
        _drop(index, alive, slots, read_state(enc, first.model(), s))
        pending = {n for n in pending if alive[n]}
    while pending:
        left = budget_s - (time.monotonic() - started)
        if left <= 0:
            return Strengthening((), False)
        solver.set("timeout", int(left * 1000) + 1)
        broken = _or(enc.ctx, [not_then[n] for n in pending])
        result = solver.check(*(lits[n] for n in pending), broken)
        if result == z3.unsat:
            break
        if result != z3.sat:
            return Strengthening((), False)
        _drop(index, alive, slots, read_state(enc, solver.model(), t))
        pending = {n for n in pending if alive[n]}
    return Strengthening(tuple(cands[n][1] for n in sorted(pending)), True)


def _formulas(
    enc: Encoding, cands: list[tuple[tuple[tuple[int, Value], ...], Expr]], s: StateVars
) -> tuple[list[z3.BoolRef], list[z3.BoolRef]]:
    """Each candidate and its negation over `s`, built from shared atoms by direct C calls
    (thousands of candidates; the Python wrappers would dominate the time)."""
    ctx = enc.ctx
    atoms: dict[tuple[int, Value], z3.BoolRef] = {}
    pos: list[z3.BoolRef] = []
    neg: list[z3.BoolRef] = []
    for key, _ in cands:
        parts = []
        for i, v in key:
            a = atoms.get((i, v))
            if a is None:
                a = (
                    s[i]
                    if v is True
                    else z3.Not(s[i])
                    if v is False
                    else s[i] == enc.slot_value(i, v)
                )
                atoms[(i, v)] = a
            parts.append(a)
        if len(parts) == 1:
            conj = parts[0]
        else:
            arr = (z3.Ast * len(parts))(*(x.as_ast() for x in parts))
            conj = z3.BoolRef(z3.Z3_mk_and(ctx.ref(), len(parts), arr), ctx)
        neg.append(conj)
        pos.append(z3.BoolRef(z3.Z3_mk_not(ctx.ref(), conj.as_ast()), ctx))
    return pos, neg


def _or(ctx: z3.Context, terms: list[z3.BoolRef]) -> z3.BoolRef:
    """A disjunction built by one C call (the Python wrapper coerces every argument)."""
    if not terms:
        return z3.BoolVal(False, ctx)
    arr = (z3.Ast * len(terms))(*(t.as_ast() for t in terms))
    return z3.BoolRef(z3.Z3_mk_or(ctx.ref(), len(terms), arr), ctx)


def _drop(
    index: dict[tuple[tuple[int, Value], ...], int],
    alive: list[bool],
    slots: list[int],
    state: State,
) -> None:
    """Drop every candidate that `state` breaks (its atoms all hold in it)."""
    for a, i in enumerate(slots):
        n = index.get(((i, state[i]),))
        if n is not None:
            alive[n] = False
        for b, j in enumerate(slots[a + 1 :], a + 1):
            n = index.get(((i, state[i]), (j, state[j])))
            if n is not None:
                alive[n] = False
            for k in slots[b + 1 :]:
                n = index.get(((i, state[i]), (j, state[j]), (k, state[k])))
                if n is not None:
                    alive[n] = False


def _samples(enc: Encoding, seed: int) -> list[State]:
    """States on random runs through the reference semantics (from solver-chosen initial states)."""
    model = enc.model
    s = enc.state("hdi")
    solver = z3.Solver(ctx=enc.ctx)
    solver.add(enc.well_typed(s), enc.init(s))
    starts: list[State] = []
    for _ in range(4):
        if solver.check() != z3.sat:
            break
        start = read_state(enc, solver.model(), s)
        starts.append(start)
        solver.add(enc.distinct(s, tuple(enc.slot_value(i, v) for i, v in enumerate(start))))
    rng = random.Random(seed)
    seen: list[State] = []
    for w in range(WALKS if starts else 0):
        state = starts[w % len(starts)]
        seen.append(state)
        for _ in range(WALK_LENGTH):
            moves = [r for r in model.rules if evaluate(r.guard, state)]
            rng.shuffle(moves)
            for r in moves:
                try:
                    state = apply(model, r, state)
                    break
                except RangeViolation:
                    continue
            else:
                break
            seen.append(state)
    return seen
