"""Scenarios: facts lowered against the model, checked for what can be told without a search.

Part of the checking stage (`dsl.check_model`). A `given` fact must be about one variable (one
state slot), so that it narrows that variable's initial values; a step names a rule (and, for a
rule with parameters, may name its arguments). Whether the facts can happen at all needs a
search: `checker.scenario` reports that (E310, E311). Emits E102, E105, E201, E312.
"""

from __future__ import annotations

from dsl import ast
from dsl import model as m
from dsl.ast_walk import span_of
from dsl.check_context import CheckingContext
from dsl.diagnostics import error
from dsl.suggest import closest


def slots_in(e: m.Expr) -> set[int]:
    """The state slots an expression reads (every entry of a map read by a run-time key)."""
    match e:
        case m.SlotRef(slot=i):
            return {i}
        case m.MapRef(first=first, keys=keys, key=key):
            return set(range(first, first + len(keys))) | slots_in(key)
        case m.Not(operand=o) | m.Neg(operand=o) | m.In(operand=o):
            return slots_in(o)
        case m.Ite(cond=c, then=t, other=o):
            return slots_in(c) | slots_in(t) | slots_in(o)
        case m.Binary(left=a, right=b):
            return slots_in(a) | slots_in(b)
    return set()


def conjuncts(e: m.Expr) -> list[m.Expr]:
    if isinstance(e, m.Binary) and e.op == "and":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


class ScenarioChecks(CheckingContext):
    """The scenario part of `ModelChecker` (a mixin: it shares the checker's tables)."""

    scenario_names: tuple[
        str, ...
    ] = ()  # every declared scenario, also one with errors (for `expect`)

    def _scenarios(self, rules: list[m.RuleInstance]) -> list[m.Scenario]:
        out = []
        for _, d in self._decls(ast.ScenarioDecl):
            assert isinstance(d, ast.ScenarioDecl)
            if not self.names.declare("property", d.name, d.span, "scenario or property"):
                continue
            self.scenario_names = (*self.scenario_names, d.name)
            given = self._given(d)
            steps = [self._step(s, rules) for s in d.steps]
            # like a property's, the goal may say `final` (the lawful end states)
            scope = self._base_scope(final=self.final_expr, final_allowed=True)
            predicate = self._boolean(d.predicate, scope, f"`then {d.goal}`")
            self._check_citations(d.cites, d.cite_spans)
            if given is None or any(s is None for s in steps):
                continue
            out.append(
                m.Scenario(
                    d.name,
                    d.title,
                    given,
                    tuple(s for s in steps if s is not None),
                    d.goal,
                    predicate,
                    d.text,
                    d.span,
                    d.cites,
                )
            )
        return out

    def _given(self, d: ast.ScenarioDecl) -> tuple[m.GivenFact, ...] | None:
        facts = []
        ok = True
        for g in d.given:
            lowered = self._boolean(g, self._base_scope(), "a `given` fact")
            for part in conjuncts(lowered):
                if isinstance(part, m.Lit):
                    continue
                read = slots_in(part)
                if len(read) != 1:
                    names = sorted(self.slots[i].name for i in read)
                    self.diags.append(
                        error(
                            "E312",
                            "a `given` fact must be about the initial value of one variable",
                            span_of(g),
                            f"this reads {', '.join(names)}" if names else "",
                            help=(
                                "write one fact per variable: "
                                "`given basis == revoked and held == 2`"
                            ),
                        )
                    )
                    ok = False
                    continue
                facts.append(m.GivenFact(read.pop(), part, "", span_of(g)))
        return tuple(facts) if ok else None

    def _step(self, s: ast.ScenarioStep, rules: list[m.RuleInstance]) -> m.ScenarioStep | None:
        if s.days is not None:  # days that pass: whether the model has a clock is E313, later
            return m.ScenarioStep("", (), None, s.text, s.span, days=s.days)
        declared = {r.rule for r in rules}
        if s.rule not in declared:
            close = closest(s.rule, sorted(declared))
            self.diags.append(
                error(
                    "E102",
                    f"unknown rule '{s.rule}'",
                    s.span,
                    "no such rule",
                    help=f"did you mean '{close}'?" if close else "",
                )
            )
            return None
        instances = [r for r in rules if r.rule == s.rule]
        if s.args:
            wanted = f"{s.rule}({', '.join(s.args)})"
            instances = [r for r in instances if r.name == wanted]
            if not instances:
                arity = len(next(r for r in rules if r.rule == s.rule).binding)
                self.diags.append(
                    error(
                        "E201",
                        f"'{wanted}' is no instance of rule '{s.rule}'",
                        s.span,
                        f"the rule takes {arity} argument{'' if arity == 1 else 's'}",
                        help="name elements of the rule's parameter sets, in order",
                    )
                )
                return None
        after = None
        if s.after is not None:
            after = self._boolean(s.after, self._base_scope(), "a step's `with` fact")
        return m.ScenarioStep(s.rule, tuple(r.name for r in instances), after, s.text, s.span)
