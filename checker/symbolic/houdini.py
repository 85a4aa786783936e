"""Auxiliary invariants: value pairs that never occur together, and amounts tied to a stage.

Input: an `Encoding`, the `earlier` patterns whose history bits the properties read, and a
time budget. Output: `Strengthening`, a set of clauses that is *jointly inductive*: it holds
initially and every step from a state satisfying all of them leads to a state satisfying all
of them. So each clause holds in every reachable state, and the clauses serve as lemmas for
k-induction and Spacer. The candidates, each `not (l1 and l2)`:
- pairwise exclusions `not (x == a and y == b)` (and `x != a`) over the slots with a small
  finite domain (enums, sets, bools, ranges of at most `SMALL` values) and the history bits
  (`earlier(p)`: a step matching `p` has been taken): a procedure's stages are mostly tied
  together pairwise, and a property that is not inductive on its own usually is once the
  unreachable pairs are excluded;
- comparisons of two amounts (integer slots, bounded or not), alone or under one value of a
  small finite slot: `x >= y`, and `stage == c implies x >= y`. These are the three-way
  relations among a stage and two amounts (`rev == restored implies creditor == keep`, from
  `>=` both ways) that a property over amounts needs and that neither pairs nor Spacer find
  quickly.

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
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import z3

from checker.core.semantics import State
from checker.core.show_expr import show
from checker.symbolic import pystep
from checker.symbolic.decode import read_state
from checker.symbolic.encode import Encoding, StateVars
from dsl.model import (
    Binary,
    BoolType,
    EnumType,
    Expr,
    IntType,
    Lit,
    Not,
    SlotRef,
    Type,
    Value,
    domain_of,
)

SMALL = 8  # an integer range with at most this many values counts as finite here
MAX_AMOUNTS = 6  # more integer slots than this: their comparisons are not candidates
MAX_CANDIDATES = 4000  # beyond this the search costs more than the proofs it helps
WALKS = 100
WALK_LENGTH = 60
CTI_WALKS = 4  # runs from the pre-state of each counterexample to induction
CTI_WALK_LENGTH = 10

# A candidate is `not (l1 and l2 ...)`; a literal is a value of a slot `(i, v)` or a comparison
# of two amounts `(i, "<", j)`: slot i holds less than slot j. Slots past the model's are the
# history bits, in the order of `histories`.
Literal = tuple[int, Value] | tuple[int, str, int]
Key = tuple[Literal, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Strengthening:
    clauses: tuple[Expr, ...]  # each holds in every reachable state (over slots + history bits)
    proven: bool  # False: the budget ran out; `clauses` is then empty
    # the clauses as one Z3 formula over `over` (a state's slots, then its history bits),
    # built once: each use is a substitution, not a rebuild from the expressions
    conjunction: z3.BoolRef | None = None
    over: tuple[z3.ExprRef, ...] = ()

    def formula(self, enc: Encoding, s: Sequence[z3.ExprRef]) -> z3.BoolRef:
        """The clauses over `s`: a state's slots followed by its history bits."""
        if self.conjunction is None:
            return enc.all([enc.expr(c, s) for c in self.clauses])
        pairs = list(zip(self.over, s, strict=True))
        return z3.substitute(self.conjunction, *pairs)


class _Vocabulary:
    """The slots of a state and its history bits: names, types, domains."""

    def __init__(self, enc: Encoding, histories: Sequence[Expr]) -> None:
        self.enc = enc
        self.histories = tuple(histories)
        slots = enc.model.slots
        self.names = [s.name for s in slots] + [f"earlier({show(p)})" for p in histories]
        self.types: list[Type] = [s.type for s in slots] + [BoolType()] * len(histories)
        self.finite: list[tuple[int, tuple[Value, ...]]] = []
        for i, t in enumerate(self.types):
            if isinstance(t, (BoolType, EnumType)) or (
                isinstance(t, IntType) and t.bounded and t.hi - t.lo < SMALL  # type: ignore[operator]
            ):
                dom = domain_of(t)
                if dom is not None and len(dom) > 1:
                    self.finite.append((i, dom))
        ints = [i for i, t in enumerate(self.types) if isinstance(t, IntType)]
        self.amounts = ints if len(ints) <= MAX_AMOUNTS else []
        self._moves: dict[State, list[tuple[State, tuple[bool, ...]]]] = {}
        self._successors: pystep.Moves | None = None  # generated when first asked for

    def moves(self, state: State) -> list[tuple[State, tuple[bool, ...]]]:
        """The successors of `state` by the reference semantics, each with which history
        patterns its step matches (computed once per state: runs revisit states often)."""
        found = self._moves.get(state)
        if found is None:
            if self._successors is None:
                enc = self.enc
                marks = [
                    [enc.residual(p, k) for p in self.histories]
                    for k in range(len(enc.model.rules))
                ]
                self._successors = pystep.moves(enc.model, marks)
            found = self._moves[state] = self._successors(state)
        return found

    def ref(self, i: int) -> SlotRef:
        return SlotRef(i, self.names[i])

    def literal(self, lit: Literal) -> Expr:
        if len(lit) == 3:
            return Binary("<", self.ref(lit[0]), self.ref(lit[2]))
        i, v = lit
        if isinstance(v, bool):
            return self.ref(i) if v else Not(self.ref(i))
        return Binary("==", self.ref(i), Lit(v))

    def value(self, i: int, v: Value) -> z3.ExprRef:
        if i >= len(self.enc.model.slots):
            return z3.BoolVal(bool(v), self.enc.ctx)
        return self.enc.slot_value(i, v)


def _candidates(vocab: _Vocabulary) -> list[tuple[Key, Expr]]:
    doms = vocab.finite
    keys: list[Key] = [((i, v),) for i, dom in doms for v in dom]
    for (i, di), (j, dj) in combinations(doms, 2):
        keys += [((i, a), (j, b)) for a in di for b in dj]
    # two amounts compared, alone or under one value of a small finite slot
    for i in vocab.amounts:
        for j in vocab.amounts:
            if i != j:
                rel: Literal = (i, "<", j)
                keys.append((rel,))
                keys += [((k, c), rel) for k, dk in doms for c in dk]
    out: list[tuple[Key, Expr]] = []
    for key in keys:
        parts = [vocab.literal(lit) for lit in key]
        conj = parts[0] if len(parts) == 1 else Binary("and", parts[0], parts[1])
        out.append((key, Not(conj)))
    return out


def count(enc: Encoding, histories: Sequence[Expr] = ()) -> int:
    """How many candidates `candidates` would make (without making them)."""
    vocab = _Vocabulary(enc, histories)
    sizes = [len(dom) for _, dom in vocab.finite]
    pairs = (sum(sizes) ** 2 - sum(n * n for n in sizes)) // 2
    rels = len(vocab.amounts) * (len(vocab.amounts) - 1)
    return sum(sizes) + pairs + rels * (1 + sum(sizes))


def candidates(enc: Encoding, histories: Sequence[Expr] = ()) -> list[tuple[Key, Expr]]:
    """Every candidate of the module docstring, over the slots and the history bits."""
    return _candidates(_Vocabulary(enc, histories))


def strengthen(
    enc: Encoding, budget_s: float = 5.0, seed: int = 0, histories: Sequence[Expr] = ()
) -> Strengthening:
    """The jointly inductive candidates; see the module docstring."""
    started = time.monotonic()
    vocab = _Vocabulary(enc, histories)
    cands = _candidates(vocab)
    if not cands:
        return Strengthening((), True)
    alive = [True] * len(cands)
    index = {atoms: n for n, (atoms, _) in enumerate(cands)}
    rng = random.Random(seed)
    for state in set(_samples(enc, vocab, rng)):
        _drop(vocab, index, alive, state)
    s, hs = enc.state("hd0"), _bits(enc, vocab, "hd0")
    t, ht = enc.state("hd1"), _bits(enc, vocab, "hd1")
    label = enc.label("hd")
    solver = enc.solver()
    solver.add(enc.well_typed(s), enc.well_typed(t), enc.transition(s, label, t))
    for p, a, b in zip(vocab.histories, hs, ht, strict=True):
        solver.add(b == z3.Or(a, enc.label_matches(p, s, label)))
    lits = [enc.boolean(f"cand{n}") for n in range(len(cands))]
    now, not_now = _formulas(vocab, cands, (*s, *hs))
    _, not_then = _formulas(vocab, cands, (*t, *ht))
    ref = enc.ctx.ref()
    for lit, c in zip(lits, now, strict=True):  # by C calls: thousands of them
        z3.Z3_solver_assert(ref, solver.solver, z3.Z3_mk_implies(ref, lit.as_ast(), c.as_ast()))
    pending = {n for n in range(len(cands)) if alive[n]}
    # initiation: drop candidates some initial state breaks
    first = enc.solver()
    first.add(enc.well_typed(s), enc.init(s), *(z3.Not(b) for b in hs))
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
        _drop(vocab, index, alive, _read(enc, first.model(), s, hs))
        pending = {n for n in pending if alive[n]}
    while pending:
        left = budget_s - (time.monotonic() - started)
        if left <= 0:
            return Strengthening((), False)
        solver.set("timeout", int(left * 1000) + 1)
        broken = _or(enc.ctx, [not_then[n] for n in pending])
        result = _check(solver, [lits[n] for n in sorted(pending)], broken)
        if result == z3.unsat:
            break
        if result != z3.sat:
            return Strengthening((), False)
        zm = solver.model()
        _drop(vocab, index, alive, _read(enc, zm, t, ht))
        # every state reachable from the pre-state satisfies the greatest inductive subset of
        # the candidates (the pre-state satisfies them all), so what any of them breaks is no
        # part of it: a few runs from there drop in one round what would take many queries
        pre = _read(enc, zm, s, hs)
        for state in set(_walks(enc, vocab, [pre], CTI_WALKS, CTI_WALK_LENGTH, rng)):
            _drop(vocab, index, alive, state)
        pending = {n for n in pending if alive[n]}
    kept = sorted(pending)
    conj = z3.And(*(now[n] for n in kept)) if kept else z3.BoolVal(True, enc.ctx)
    return Strengthening(tuple(cands[n][1] for n in kept), True, conj, (*s, *hs))


def _bits(enc: Encoding, vocab: _Vocabulary, tag: str) -> tuple[z3.BoolRef, ...]:
    return tuple(z3.Bool(f"hb{n}@{tag}", enc.ctx) for n in range(len(vocab.histories)))


def _read(enc: Encoding, zm: z3.ModelRef, s: StateVars, bits: Sequence[z3.BoolRef]) -> State:
    extra = tuple(z3.is_true(zm.eval(b, model_completion=True)) for b in bits)
    return read_state(enc, zm, s) + extra


def _check(solver: z3.Solver, assumptions: list[z3.BoolRef], goal: z3.BoolRef) -> z3.CheckSatResult:
    """`solver.check(*assumptions, goal)` by one C call (the Python wrapper converts every
    one of thousands of assumptions, which cost more than the query)."""
    every = [*assumptions, goal]
    arr = (z3.Ast * len(every))(*(a.as_ast() for a in every))
    ctx = goal.ctx
    r = z3.Z3_solver_check_assumptions(ctx.ref(), solver.solver, len(every), arr)
    return z3.CheckSatResult(r)


def _formulas(
    vocab: _Vocabulary, cands: list[tuple[Key, Expr]], s: Sequence[z3.ExprRef]
) -> tuple[list[z3.BoolRef], list[z3.BoolRef]]:
    """Each candidate and its negation over `s`, built from shared atoms by direct C calls
    (thousands of candidates; the Python wrappers would dominate the time)."""
    ctx = vocab.enc.ctx
    atoms: dict[Literal, z3.BoolRef] = {}
    pos: list[z3.BoolRef] = []
    neg: list[z3.BoolRef] = []
    for key, _ in cands:
        parts = []
        for lit in key:
            a = atoms.get(lit)
            if a is None:
                a = _literal(vocab, lit, s)
                atoms[lit] = a
            parts.append(a)
        if len(parts) == 1:
            conj = parts[0]
        else:
            arr = (z3.Ast * len(parts))(*(x.as_ast() for x in parts))
            conj = z3.BoolRef(z3.Z3_mk_and(ctx.ref(), len(parts), arr), ctx)
        neg.append(conj)
        pos.append(z3.BoolRef(z3.Z3_mk_not(ctx.ref(), conj.as_ast()), ctx))
    return pos, neg


def _literal(vocab: _Vocabulary, lit: Literal, s: Sequence[z3.ExprRef]) -> z3.BoolRef:
    if len(lit) == 3:
        return s[lit[0]] < s[lit[2]]
    i, v = lit
    if v is True:
        return s[i]
    if v is False:
        return z3.Not(s[i])
    return s[i] == vocab.value(i, v)


def _or(ctx: z3.Context, terms: list[z3.BoolRef]) -> z3.BoolRef:
    """A disjunction built by one C call (the Python wrapper coerces every argument)."""
    if not terms:
        return z3.BoolVal(False, ctx)
    arr = (z3.Ast * len(terms))(*(t.as_ast() for t in terms))
    return z3.BoolRef(z3.Z3_mk_or(ctx.ref(), len(terms), arr), ctx)


def _drop(vocab: _Vocabulary, index: dict[Key, int], alive: list[bool], state: State) -> None:
    """Drop every candidate that `state` (slots, then history bits) breaks: its literals all
    hold in it."""
    slots = [i for i, _ in vocab.finite]
    for i in vocab.amounts:
        for j in vocab.amounts:
            if state[i] < state[j]:  # type: ignore[operator]
                rel = (i, "<", j)
                n = index.get((rel,))
                if n is not None:
                    alive[n] = False
                for k in slots:
                    n = index.get(((k, state[k]), rel))
                    if n is not None:
                        alive[n] = False
    for a, i in enumerate(slots):
        n = index.get(((i, state[i]),))
        if n is not None:
            alive[n] = False
        for j in slots[a + 1 :]:
            n = index.get(((i, state[i]), (j, state[j])))
            if n is not None:
                alive[n] = False


def _samples(enc: Encoding, vocab: _Vocabulary, rng: random.Random) -> list[State]:
    """States (with their history bits) on random runs through the reference semantics, from
    solver-chosen initial states."""
    s = enc.state("hdi")
    solver = enc.solver()
    solver.add(enc.well_typed(s), enc.init(s))
    starts: list[State] = []
    for _ in range(4):
        if solver.check() != z3.sat:
            break
        start = read_state(enc, solver.model(), s)
        starts.append(start)
        solver.add(enc.distinct(s, tuple(enc.slot_value(i, v) for i, v in enumerate(start))))
    no_bits = (False,) * len(vocab.histories)
    return _walks(enc, vocab, [x + no_bits for x in starts], WALKS, WALK_LENGTH, rng)


def _walks(
    enc: Encoding,
    vocab: _Vocabulary,
    starts: list[State],
    walks: int,
    length: int,
    rng: random.Random,
) -> list[State]:
    """The states (slots, then history bits) of `walks` random runs of up to `length` steps
    through the reference semantics, from `starts` in turn."""
    n = len(enc.model.slots)
    seen: list[State] = []
    for w in range(walks if starts else 0):
        start = starts[w % len(starts)]
        state, bits = start[:n], start[n:]
        seen.append(start)
        for _ in range(length):
            moves = vocab.moves(state)
            if not moves:
                break
            after, marks = moves[rng.randrange(len(moves))]
            state = after
            bits = tuple(b or m for b, m in zip(bits, marks, strict=True))
            seen.append(state + bits)
    return seen
