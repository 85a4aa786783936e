"""`P leads_to Q` and `eventually Q` over unbounded amounts, by one helpful duty (rule WF1).

Input: an `Encoding`, a liveness property whose trigger and target are state predicates, the
conditions proven unreachable (`lemmas`: every reachable state avoids them) and the history
patterns they read, and a time limit. Output: a `Helpful` (the duty and the waiting set) when
the property is proved, else None; the caller then keeps "unknown", with the reason.

Which runs count is the explicit engine's (docs/language.md §13, `checker.explicit.liveness`):
every duty is weakly fair (if it stays enabled from some point on, it is taken), powers are
not, and an untimed run may stop only where no duty is enabled. Lamport's rule WF1, for a
*waiting set* W (tried: `P and not Q`, then `not Q`) and a duty A, relative to the lemmas:
1. every state where the wait begins (`P and not Q`; for `eventually Q` the initial states
   without Q) lies in W;
2. every step from W leads to W or to Q;
3. A is enabled (its guard holds and its updates stay in range) in every state of W;
4. the step of A from W leads to Q.
Then a run waiting for Q stays in W (2) with A enabled throughout (3), so it can neither stop
nor, being fair, go on for ever without taking A, and A's step brings Q (4). Each obligation is
one Z3 query that must be unsatisfiable; the lemmas only exclude unreachable states, so the
proof is about the reachable ones. Rules with deadlines and `within N days` bounds are not
handled (their clocks are not encoded here). A model timed only by another property's `within`
has time steps that change no slot: they keep W (2), and a timed run that would stop lets time
pass instead, with A still enabled, so the argument stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from checker.core.semantics import deadline_rules
from checker.core.show_expr import show
from checker.symbolic.chc import BadCondition, history_vars
from checker.symbolic.encode import Encoding
from dsl.model import Binary, Eventually, Expr, LeadsTo, Not, PropertyForm

NOT_SIMPLE = (
    "needs the explicit engine: {form} is proved symbolically only by one duty that is enabled "
    "while it waits and brings it about (rule WF1), and none was found"
)
TIMED = "needs the explicit engine: {form} with deadlines or `within` (clocks are not encoded here)"
STEPS = (
    "needs the explicit engine: {form} with a step pattern is judged by a search for fair cycles"
)


@dataclass(frozen=True, slots=True)
class Helpful:
    rule: str  # the helpful duty (a rule instance's name)
    waiting: str  # the waiting set W, in the language's syntax

    @property
    def note(self) -> str:
        return f"helpful duty {self.rule}, enabled while {self.waiting}"


def why_not(clocks: bool, form: PropertyForm) -> str | None:
    """Why `form` is outside this rule (None: it is a candidate); `clocks`: the model has rules
    with deadlines."""
    name = "`eventually`" if isinstance(form, Eventually) else "`leads_to`"
    if clocks or (isinstance(form, LeadsTo) and form.within_days is not None):
        return TIMED.format(form=name)
    if isinstance(form, LeadsTo) and not (_is_expr(form.trigger) and _is_expr(form.target)):
        return STEPS.format(form=name)
    return None


def _is_expr(x: object) -> bool:
    return not hasattr(x, "where")


def prove(
    enc: Encoding,
    form: Eventually | LeadsTo,
    lemmas: Sequence[BadCondition],
    histories: Sequence[Expr],
    timeout_ms: int | None,
) -> Helpful | None:
    """The duty and waiting set of a WF1 proof of `form`, or None (see the module docstring)."""
    if why_not(bool(deadline_rules(enc.model)), form) is not None:
        return None
    if isinstance(form, Eventually):
        trigger: Expr | None = None
        target = form.predicate
    else:
        trigger, target = form.trigger, form.target  # type: ignore[assignment]
    waits: list[Expr] = [Not(target)]
    if trigger is not None:
        waits.insert(0, Binary("and", trigger, Not(target)))
    duties = [k for k, r in enumerate(enc.model.rules) if r.duty]
    if not duties:
        return None
    ob = _Obligations(enc, lemmas, histories, timeout_ms)
    for w in waits:
        if not ob.begins_in(w, trigger, target) or not ob.closed(w, target):
            continue
        for k in duties:
            if ob.enabled(w, k) and ob.brings(w, k, target):
                return Helpful(enc.model.rules[k].name, show(w))
    return None


class _Obligations:
    """The WF1 queries, over a fresh pair of states and their history bits."""

    def __init__(
        self,
        enc: Encoding,
        lemmas: Sequence[BadCondition],
        histories: Sequence[Expr],
        timeout_ms: int | None,
    ) -> None:
        self.enc = enc
        self.s, self.t = enc.state("wf0"), enc.state("wf1")
        self.hs, self.ht = history_vars(enc, histories, "wf0"), history_vars(enc, histories, "wf1")
        self.label = enc.label("wf")
        self.lemmas = [z3.Not(lemma(self.s, self.hs)) for lemma in lemmas]
        self.marks = [
            b == z3.Or(self.hs[p], enc.label_matches(p, self.s, self.label))
            for p, b in self.ht.items()
        ]
        self.timeout_ms = timeout_ms

    def _at(self, e: Expr, after: bool = False) -> z3.BoolRef:
        s, h = (self.t, self.ht) if after else (self.s, self.hs)
        return self.enc.expr(e, (*s, *h.values()))

    def _unsat(self, *parts: z3.BoolRef) -> bool:
        solver = z3.Solver(ctx=self.enc.ctx)  # Z3's defaults: a proof query, kept plain
        if self.timeout_ms is not None:
            solver.set("timeout", max(1, self.timeout_ms))
        solver.add(self.enc.well_typed(self.s), *self.lemmas, *parts)
        return bool(solver.check() == z3.unsat)

    def _step(self) -> list[z3.BoolRef]:
        enc = self.enc
        return [enc.well_typed(self.t), enc.transition(self.s, self.label, self.t), *self.marks]

    def begins_in(self, w: Expr, trigger: Expr | None, target: Expr) -> bool:
        start = (
            [self.enc.init(self.s), *(z3.Not(b) for b in self.hs.values())]
            if trigger is None
            else [self._at(trigger)]
        )
        return self._unsat(*start, z3.Not(self._at(target)), z3.Not(self._at(w)))

    def closed(self, w: Expr, target: Expr) -> bool:
        return self._unsat(
            self._at(w),
            *self._step(),
            z3.Not(self._at(w, after=True)),
            z3.Not(self._at(target, after=True)),
        )

    def enabled(self, w: Expr, k: int) -> bool:
        rule = self.enc.model.rules[k]
        return self._unsat(self._at(w), z3.Not(self.enc.can_fire(rule, self.s)))

    def brings(self, w: Expr, k: int, target: Expr) -> bool:
        return self._unsat(
            self._at(w),
            *self._step(),
            self.label == k,
            z3.Not(self._at(target, after=True)),
        )
