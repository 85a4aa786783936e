"""Rules: clauses checked, parameters instantiated, guards and simultaneous updates lowered.

Part of the checking stage (`dsl.check_model`). Emits E102, E105, E107, E108, E201, E203,
E205, E206, E301-E303 and the warnings W401-W402.
"""

from __future__ import annotations

import itertools
import math

from dsl import ast
from dsl import model as m
from dsl.ast_walk import span_of
from dsl.check_context import CheckingContext
from dsl.diagnostics import error, warning
from dsl.scope import ErrorType, Scope, SymbolType, type_name
from dsl.suggest import closest

MAX_INSTANCES = 10_000


class RuleChecks(CheckingContext):
    """The rule half of `ModelChecker` (a mixin: it shares the checker's tables)."""

    def _rules(self) -> list[m.RuleInstance]:
        instances: list[m.RuleInstance] = []
        for mod, d in self._decls(ast.RuleDecl):
            assert isinstance(d, ast.RuleDecl)
            if not self.names.declare("rule", d.name, d.span, "rule"):
                continue
            if mod is not self.program.main and self.program.main.kind == "procedure":
                pass  # rules in libraries are allowed (shared procedural building blocks)
            instances.extend(self._rule(d))
            if len(instances) > MAX_INSTANCES:
                self.diags.append(error("E303", "too many rule instances", d.span))
                break
        return instances

    def _clauses(self, d: ast.RuleDecl) -> dict[type, object]:
        found: dict[type, object] = {}
        for c in d.clauses:
            key = type(c)
            if key in found:
                word = {
                    ast.By: "by",
                    ast.KindClause: "kind",
                    ast.Cites: "cites",
                    ast.When: "when",
                    ast.Then: "then",
                    ast.Modality: "duty/power",
                }[key]
                self.diags.append(
                    error(
                        "E302",
                        f"rule '{d.name}' has more than one `{word}`",
                        span_of(c),
                        "second clause",
                        help="combine them into one clause",
                    )
                )
                continue
            found[key] = c
        return found

    def _rule(self, d: ast.RuleDecl) -> list[m.RuleInstance]:
        c = self._clauses(d)
        by = c.get(ast.By)
        kind = c.get(ast.KindClause)
        cites = c.get(ast.Cites)
        modality = c.get(ast.Modality)
        actor = ""
        if by is None:
            self.diags.append(
                error(
                    "E301",
                    f"rule '{d.name}' does not say who acts",
                    d.span,
                    "no `by`",
                    help="add `by ACTOR`: every act has an acting organ or party",
                )
            )
        else:
            assert isinstance(by, ast.By)
            actor = by.actor
            if actor not in self.actors:
                close = closest(actor, list(self.actors))
                self.diags.append(
                    error(
                        "E108",
                        f"unknown actor '{actor}'",
                        by.span,
                        "not declared",
                        help=f"did you mean '{close}'?"
                        if close
                        else "declare it: actor NAME is ORGAN",
                    )
                )
        kind_name = None
        if kind is None:
            self.diags.append(
                warning("W402", f"rule '{d.name}' does not say what kind of act it is", d.span)
            )
        else:
            assert isinstance(kind, ast.KindClause)
            kind_name = kind.kind
            if kind_name not in self.kinds:
                close = closest(kind_name, list(self.kinds))
                self.diags.append(
                    error(
                        "E107",
                        f"unknown act kind '{kind_name}'",
                        kind.span,
                        "not declared",
                        help=f"did you mean '{close}'?"
                        if close
                        else "declare it: kind NAME, or `import principles`",
                    )
                )
        citations: tuple[str, ...] = ()
        if cites is None:
            if self.sources:  # a puzzle that declares no sources at all cites nothing
                self.diags.append(warning("W401", f"rule '{d.name}' cites no legal source", d.span))
        else:
            assert isinstance(cites, ast.Cites)
            citations = cites.sources
            self._check_citations(cites.sources, cites.source_spans)
        duty = False
        deadline = None
        if modality is not None:
            assert isinstance(modality, ast.Modality)
            duty = modality.duty
            if modality.within is not None:
                days = self._lowered_constant(modality.within, self._base_scope(), "a deadline")
                if isinstance(days, int) and not isinstance(days, bool) and days >= 0:
                    deadline = days
                elif days is not None:
                    self.diags.append(
                        error(
                            "E201", "a deadline is a whole number of days", span_of(modality.within)
                        )
                    )
        for p in d.params:
            if p.set_name not in self.sets:
                self._unknown_set(p.set_name, p.span)
                return []
        named: set[str] = set()
        for p in d.params:  # `rule r(p in S, p in S)`: the second `p` would shadow the first
            if p.name in named:
                self.diags.append(
                    error(
                        "E101",
                        f"parameter '{p.name}' appears twice in rule '{d.name}'",
                        p.span,
                        "a second parameter of this name",
                    )
                )
                return []
            named.add(p.name)
        count = math.prod(len(self.sets[p.set_name]) for p in d.params)
        if count > MAX_INSTANCES:  # refuse before instantiating (hostile input)
            self.diags.append(
                error(
                    "E303",
                    f"rule '{d.name}' has {count:,} instances, more than {MAX_INSTANCES:,}",
                    d.span,
                )
            )
            return []
        provenance = self.program.provenance.get(("rule", d.name))
        origin = str(provenance) if provenance else d.span.path
        out = []
        for binding in itertools.product(*(self.sets[p.set_name] for p in d.params)):
            scope = self._base_scope()
            for p, value in zip(d.params, binding, strict=True):
                scope = scope.bind(p.name, value, p.set_name)
            when = c.get(ast.When)
            guard: m.Expr = m.Lit(True)
            if when is not None:
                assert isinstance(when, ast.When)
                guard = self._boolean(when.guard, scope, "a rule's condition (`when`)")
            updates = self._updates(c.get(ast.Then), scope, d.name)
            name = d.name if not d.params else f"{d.name}({', '.join(binding)})"
            out.append(
                m.RuleInstance(
                    name,
                    d.name,
                    tuple((p.name, v) for p, v in zip(d.params, binding, strict=True)),
                    actor,
                    kind_name,
                    citations,
                    guard,
                    updates,
                    duty,
                    deadline,
                    d.title,
                    origin,
                    d.span,
                    d.title_zh,
                )
            )
        return out

    def _updates(self, then: object, scope: Scope, rule: str) -> tuple[m.Update, ...]:
        if then is None:
            return ()
        assert isinstance(then, ast.Then)
        updates: dict[int, m.Update] = {}
        for a in then.assignments:
            var = self.variables.get(a.target)
            if var is None:
                if a.target in self.consts:
                    self.diags.append(
                        error("E201", f"'{a.target}' is a constant and cannot be assigned", a.span)
                    )
                else:
                    close = closest(a.target, list(self.variables))
                    self.diags.append(
                        error(
                            "E102",
                            f"unknown variable '{a.target}'",
                            a.span,
                            "not declared",
                            help=f"did you mean '{close}'?" if close else "",
                        )
                    )
                continue
            value, vt = self._typed(a.value, scope)
            targets: list[tuple[int, m.Expr]] = []
            if var.keys is None:
                if a.index is not None:
                    self.diags.append(error("E205", f"'{a.target}' is not a map", span_of(a.index)))
                    continue
                targets.append((var.first_slot, value))
            else:
                if a.index is None:
                    self.diags.append(
                        error(
                            "E205",
                            f"'{a.target}' is a map: assign one entry, "
                            f"e.g. {a.target}[{var.keys[0] if var.keys else 'x'}]",
                            a.span,
                        )
                    )
                    continue
                key, kt = self._typed(a.index, scope)
                if isinstance(key, m.Lit):
                    if key.value not in var.keys:
                        self.diags.append(
                            error(
                                "E205",
                                f"'{key.value}' is not an element of '{var.index_set}'",
                                span_of(a.index),
                            )
                        )
                        continue
                    targets.append((var.first_slot + var.keys.index(key.value), value))
                else:
                    if not (isinstance(kt, m.EnumType) and set(kt.values) <= set(var.keys)):
                        self.diags.append(
                            error(
                                "E205",
                                f"the index of '{a.target}' must be an element of "
                                f"'{var.index_set}'",
                                span_of(a.index),
                            )
                        )
                        continue
                    for i, k in enumerate(var.keys):
                        old = m.SlotRef(var.first_slot + i, f"{a.target}[{k}]")
                        targets.append(
                            (var.first_slot + i, m.Ite(m.Binary("==", key, m.Lit(k)), value, old))
                        )
            if not self._assignable(vt, var.type):
                self.diags.append(
                    error(
                        "E201",
                        f"'{a.target}' holds {type_name(var.type)}, not {type_name(vt)}",
                        span_of(a.value),
                    )
                )
                continue
            if isinstance(value, m.Lit) and not isinstance(vt, ErrorType):
                self._check_value(value.value, vt, var.type, span_of(a.value), a.target, "E203")
            for slot, expr in targets:
                if slot in updates:
                    self.diags.append(
                        error(
                            "E206",
                            f"rule '{rule}' assigns {self.slots[slot].name} twice in one step",
                            a.span,
                            help="assignments in `then` happen at once; assign each variable once",
                        )
                    )
                    continue
                updates[slot] = m.Update(slot, expr)
        return tuple(updates[s] for s in sorted(updates))

    def _assignable(self, vt: object, t: m.Type) -> bool:
        if isinstance(vt, ErrorType):
            return True
        if isinstance(t, m.BoolType):
            return isinstance(vt, m.BoolType)
        if isinstance(t, m.IntType):
            return isinstance(vt, m.IntType)
        if isinstance(vt, SymbolType):
            return vt.value in t.values
        if isinstance(vt, m.EnumType):
            return set(vt.values) <= set(t.values)
        return False
