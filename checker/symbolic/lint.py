"""Static analysis of a rule set, before (and besides) any property: `revcheck lint`.

Input: a checked `Model`, a depth bound and an optional time limit. Output: `Finding`s, each
naming the rules (declared names), their citations and spans, and *how* it was established:
- dead provision: a rule none of whose instances is ever enabled: its guard is unsatisfiable
  outright (error), proven never enabled in a reachable state by k-induction (warning), or not
  enabled in any run up to depth K (note: a longer run might enable it);
- competence conflict: two rules by actors of different organs take the same kind of decision
  (an act kind whose name says `decision`; every kind if the vocabulary has none) in one
  situation: both enabled in a reachable state (warning), or their guards overlap but no run
  up to depth K reaches the overlap (note); overlaps proven unreachable are not reported;
- contradiction: two rules enabled in the same situation set a variable to different values
  (neither guard excludes the other), at least one of them a duty: witnessed (a warning; when both
  are duties they command incompatible outcomes, a collision of norms the law resolves, not a broken
  file) or bounded (note). Two powers with different effects are a choice the law leaves open
  (discretion), not a contradiction, and are not reported; nor are one actor's duties of one act
  kind, which model the alternative outcomes of one decision (dismiss or uphold);
- vacuous property: an `always` implication whose premise never holds, or a `requires
  earlier` whose step never happens: unsatisfiable outright (error), proven (warning) or not
  reached up to depth K (note).
Severities (docs/output.md, "Lint levels"): an error only where the rule set cannot mean what it
says (a condition no state satisfies); a warning for a legal finding proven or witnessed; a note for
one only not refuted up to the bound. Each kind has a code (dsl.codes.LINT_CODES: L601-L604) that
`allow` can accept.
Pairs are of different declared rules (instances of one rule are one provision's cases) whose
instances agree on their shared parameters: `pay(c1)` and `enforce(c2)` concern two creditors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import combinations
from typing import Literal

import z3

from checker.symbolic.bmc import BadCondition, Monitor, Outcome, search
from checker.symbolic.encode import Encoding, StateVars
from dsl.model import Binary, Expr, Invariant, Model, Property, RequiresEarlier, RuleInstance
from dsl.source import Span

# error: the rule set cannot mean what it says (a condition or a premise no state satisfies,
# whatever the runs); warning: a legal finding established (proven or witnessed); note: a
# finding only not refuted up to the depth bound.
Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Finding:
    code: Literal["dead-rule", "competence-conflict", "contradiction", "vacuous-property"]
    severity: Severity
    message: str
    rules: tuple[str, ...]  # declared rule names
    citations: tuple[tuple[str, str], ...]  # (source name, title) of every rule named
    spans: tuple[Span, ...] = ()
    how: str = ""  # how it was established: "unsatisfiable outright", "k-inductive, k = 2", ...
    property: str = ""


@dataclass(frozen=True, slots=True)
class _Check:
    """A condition to search for, and what its outcome means."""

    monitor: Monitor
    report: Callable[[Outcome], Finding | None]


def lint(model: Model, depth: int = 30, timeout_s: float | None = None) -> tuple[Finding, ...]:
    """Every finding for `model`, in rule declaration order within each kind."""
    return lint_within(model, depth, timeout_s)[0]


def lint_within(
    model: Model, depth: int = 30, timeout_s: float | None = None
) -> tuple[tuple[Finding, ...], bool]:
    """`lint`, and whether the time limit cut some search short (its findings then are not all)."""
    enc = Encoding(model)
    linter = _Linter(enc, depth)
    checks: list[_Check] = []
    static: list[Finding] = []
    for part in (linter.dead_rules(), linter.pairs(), linter.vacuous()):
        for item in part:
            (static if isinstance(item, Finding) else checks).append(item)  # type: ignore[arg-type]
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    outcomes = search(enc, [c.monitor for c in checks], depth, deadline, spacer=False)
    found = [c.report(o) for c, o in zip(checks, outcomes, strict=True)]
    order = {"dead-rule": 0, "competence-conflict": 1, "contradiction": 2, "vacuous-property": 3}
    every = [*static, *(f for f in found if f is not None)]
    return tuple(sorted(every, key=lambda f: order[f.code])), any(o.timed_out for o in outcomes)


class _Linter:
    def __init__(self, enc: Encoding, depth: int) -> None:
        self.enc = enc
        self.model = enc.model
        self.depth = depth
        self._probe = enc.state("lint")
        self._solver = enc.solver()
        self._solver.add(enc.well_typed(self._probe))
        kinds = [k.name for k in self.model.kinds]
        decisions = {k for k in kinds if "decision" in k}
        self.decision_kinds = decisions or set(kinds) | {r.kind for r in self.model.rules if r.kind}

    def satisfiable(self, cond: Callable[[StateVars], z3.BoolRef]) -> bool:
        """`cond` holds in some well-typed state (reachable or not)."""
        answer: z3.CheckSatResult = self._solver.check(cond(self._probe))
        return bool(answer != z3.unsat)

    def _any_of(self, conds: Sequence[Callable[[StateVars], z3.BoolRef]]) -> BadCondition:
        """A monitor's condition: some of `conds` holds in the state (the history is not read)."""

        def bad(s: StateVars, _history: object) -> z3.BoolRef:
            return self.enc.any([c(s) for c in conds])

        return bad

    def _grouped(self) -> dict[str, list[RuleInstance]]:
        groups: dict[str, list[RuleInstance]] = {}
        for r in self.model.rules:
            groups.setdefault(r.rule, []).append(r)
        return groups

    def _cites(self, rules: list[RuleInstance]) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        for r in rules:
            for c in r.citations:
                src = self.model.source(c)
                item = (c, src.title if src else c)
                if item not in out:
                    out.append(item)
        return tuple(out)

    def _guard(self, r: RuleInstance) -> Callable[[StateVars], z3.BoolRef]:
        return lambda s: self.enc.expr(r.guard, s)

    def _bounded(self, out: Outcome) -> str:
        if out.timed_out:
            return f"time limit reached (searched up to depth {out.depth})"
        return f"not reached in any run up to depth {self.depth}"

    # ------------------------------------------------------------------ dead provisions

    def dead_rules(self) -> list[Finding | _Check]:
        items: list[Finding | _Check] = []
        for name, rules in self._grouped().items():
            live = [r for r in rules if self.satisfiable(self._guard(r))]
            base = Finding("dead-rule", "error", "", (name,), self._cites(rules), (rules[0].span,))
            if not live:
                items.append(
                    _with(
                        base,
                        f"rule '{name}' can never apply: its condition is unsatisfiable",
                        "unsatisfiable outright",
                    )
                )
                continue
            guards = [self._guard(r) for r in live]
            items.append(_Check(Monitor(self._any_of(guards)), partial(self._dead, base)))
        return items

    def _dead(self, base: Finding, out: Outcome) -> Finding | None:
        name = base.rules[0]
        if out.hits:
            return None
        if out.proved:
            return _with(
                base,
                f"rule '{name}' can never apply: no reachable state satisfies its condition",
                f"proven: {out.how_proved}",
                "warning",
            )
        return _with(
            base,
            f"rule '{name}' never applied in any run up to depth {self.depth}",
            self._bounded(out),
            "note",
        )

    # ------------------------------------------------------------------ pairs of rules

    def pairs(self) -> list[Finding | _Check]:
        items: list[Finding | _Check] = []
        groups = list(self._grouped().items())
        for i, j in self._pairs_to_compare(groups):
            (a, ra), (b, rb) = groups[i], groups[j]
            same = [(x, y) for x in ra for y in rb if _same_case(x, y)]
            conflicts = [(x, y) for x, y in same if self._competing(x, y)]
            if conflicts:
                items += self._pair_check("competence-conflict", a, b, ra + rb, conflicts, None)
            # two powers that set a variable differently are a choice (discretion), not a
            # contradiction: only a duty commands an outcome that another rule can contradict
            # and one actor's duties of one kind with different effects are the alternative
            # outcomes of one decision (dismiss or uphold: the merits are abstracted away)
            clashes = [
                (x, y)
                for x, y in same
                if _common_slots(x, y)
                and (x.duty or y.duty)
                and not (x.actor == y.actor and x.kind == y.kind)
            ]
            if clashes:
                items += self._pair_check("contradiction", a, b, ra + rb, clashes, True)
        return items

    def _pairs_to_compare(
        self, groups: list[tuple[str, list[RuleInstance]]]
    ) -> list[tuple[int, int]]:
        """The pairs of rules (indices into `groups`, in the order of `combinations`) that
        can compete or clash at all: they share a decision kind, or a variable they both set.
        Comparing every pair of instances was quadratic (2,000 rules: 12 s, all in Python)."""
        sharing: dict[tuple[str, object], list[int]] = {}
        for g, (_, rules) in enumerate(groups):
            keys: set[tuple[str, object]] = set()
            for r in rules:
                if r.kind is not None and r.kind in self.decision_kinds:
                    keys.add(("kind", r.kind))
                keys.update(("slot", u.slot) for u in r.updates)
            for key in keys:
                sharing.setdefault(key, []).append(g)
        pairs = {pair for members in sharing.values() for pair in combinations(members, 2)}
        return sorted(pairs)

    def _competing(self, x: RuleInstance, y: RuleInstance) -> bool:
        if x.kind is None or x.kind != y.kind or x.kind not in self.decision_kinds:
            return False
        ax, ay = self.model.actor(x.actor), self.model.actor(y.actor)
        return ax is not None and ay is not None and ax.organ != ay.organ

    def _pair_check(
        self,
        code: Literal["competence-conflict", "contradiction"],
        a: str,
        b: str,
        rules: list[RuleInstance],
        pairs: list[tuple[RuleInstance, RuleInstance]],
        clash: bool | None,
    ) -> list[Finding | _Check]:
        conds = [lambda s, x=x, y=y: self._overlap(x, y, s, bool(clash)) for x, y in pairs]
        live = [(c, p) for c, p in zip(conds, pairs, strict=True) if self.satisfiable(c)]
        if not live:
            return []
        conds = [c for c, _ in live]
        x, y = live[0][1]
        if code == "competence-conflict":
            ox, oy = self.model.actor(x.actor), self.model.actor(y.actor)
            what = (
                f"rules '{a}' ({x.actor}, {ox.organ if ox else '?'}) and '{b}' "
                f"({y.actor}, {oy.organ if oy else '?'}) both take a step of kind "
                f"'{x.kind}' in the same situation"
            )
        else:
            what = (
                f"rules '{a}' and '{b}' apply in the same situation and set "
                + ", ".join(self.model.slots[i].var for i in _common_slots(x, y))
                + " to different values"
            )
        first_b = next(r for r in rules if r.rule == b)
        base = Finding(
            code, "warning", what, (a, b), self._cites(rules), (rules[0].span, first_b.span)
        )

        def report(out: Outcome) -> Finding | None:
            if out.hits:
                how = f"witness: a run of {out.hits[0].depth} steps reaches it"
                if code == "contradiction" and x.duty and y.duty:  # two obligations collide
                    return _with(base, what + " (both are duties)", how, "warning")
                return _with(base, what, how)
            if out.proved:
                return None
            return _with(base, what + " (the overlap is satisfiable)", self._bounded(out), "note")

        return [_Check(Monitor(self._any_of(conds)), report)]

    def _overlap(self, x: RuleInstance, y: RuleInstance, s: StateVars, clash: bool) -> z3.BoolRef:
        enc = self.enc
        both = z3.And(enc.can_fire(x, s), enc.can_fire(y, s))
        if not clash:
            return both
        vx = {u.slot: u.value for u in x.updates}
        vy = {u.slot: u.value for u in y.updates}
        differ = [
            enc.expr(vx[i], s, sort=s[i].sort()) != enc.expr(vy[i], s, sort=s[i].sort())
            for i in _common_slots(x, y)
        ]
        return z3.And(both, enc.any(differ))

    # ------------------------------------------------------------------ vacuity

    def vacuous(self) -> list[Finding | _Check]:
        items: list[Finding | _Check] = []
        for prop in self.model.properties:
            if prop.missing:
                continue
            bad: Callable[[StateVars], z3.BoolRef] | None = None
            what = ""
            match prop.form:
                case Invariant(predicate=p):
                    premises = _premises(p)
                    if premises:
                        bad = lambda s, ps=premises: self.enc.any([self.enc.expr(q, s) for q in ps])  # noqa: E731
                        what = (
                            f"property '{prop.name}' is vacuous: "
                            "the premise of its implication never holds"
                        )
                case RequiresEarlier(step=st):
                    where = st.where
                    bad = lambda s, w=where: self.enc.some_step_matches(w, s)  # noqa: E731
                    what = f"property '{prop.name}' is vacuous: no step ever matches its pattern"
            if bad is None:
                continue
            base = Finding(
                "vacuous-property", "error", what, (), (), (prop.span,), property=prop.name
            )
            if not self.satisfiable(bad):
                items.append(_with(base, what, "unsatisfiable outright"))
                continue
            items.append(
                _Check(Monitor(self._any_of([bad])), partial(self._vacuous, base, prop=prop))
            )
        return items

    def _vacuous(self, base: Finding, out: Outcome, prop: Property) -> Finding | None:
        if out.hits:
            return None
        if out.proved:
            return _with(base, base.message, f"proven: {out.how_proved}", "warning")
        return _with(
            base,
            base.message.replace("never", "was never seen to").replace(
                "no step ever matches", "no step matched"
            ),
            self._bounded(out),
            "note",
        )


def _with(base: Finding, message: str, how: str, severity: Severity | None = None) -> Finding:
    return Finding(
        base.code,
        severity or base.severity,
        message,
        base.rules,
        base.citations,
        base.spans,
        how,
        base.property,
    )


def _same_case(x: RuleInstance, y: RuleInstance) -> bool:
    """The two instances agree on every parameter they share (`pay(c1)` and `enforce(c1)`)."""
    bx = dict(x.binding)
    return all(bx.get(k, v) == v for k, v in y.binding)


def _common_slots(x: RuleInstance, y: RuleInstance) -> list[int]:
    ys = {u.slot for u in y.updates}
    return [u.slot for u in x.updates if u.slot in ys]


def _premises(e: Expr) -> list[Expr]:
    """The premises of `P implies Q`, or of a conjunction of implications (a `forall`)."""
    match e:
        case Binary(op="implies", left=premise):
            return [premise]
        case Binary(op="and", left=left, right=right):
            a, b = _premises(left), _premises(right)
            return a + b if a and b else []
    return []
