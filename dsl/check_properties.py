"""Finals, properties and expectations: forms lowered, library principles checked strictly.

Part of the checking stage (`dsl.check_model`). Emits E101, E102, E106, E107, E109, E113, E201.
"""

from __future__ import annotations

from dsl import ast
from dsl import model as m
from dsl.ast_walk import nodes_in, span_of
from dsl.check_bindings import BindingChecks
from dsl.diagnostics import Diagnostic, error
from dsl.fold import make_binary
from dsl.scope import Scope
from dsl.suggest import closest


class PropertyChecks(BindingChecks):
    """The property half of `ModelChecker` (a mixin: it shares the checker's tables)."""

    def _final(self) -> m.Expr | None:
        finals = self._decls(ast.FinalDecl)
        if not finals:
            return None
        acc: m.Expr = m.Lit(False)

        for _, d in finals:
            assert isinstance(d, ast.FinalDecl)
            acc = make_binary("or", acc, self._boolean(d.predicate, self._base_scope(), "`final`"))
        return acc

    def _pattern(self, p: ast.StepPatternExpr, scope: Scope) -> m.StepPattern:
        if p.where is None:
            return m.StepPattern(m.Lit(True))
        scope.in_step_pattern = True
        try:
            return m.StepPattern(self._boolean(p.where, scope, "a step pattern"))
        finally:
            scope.in_step_pattern = False

    def _excluded(self) -> set[str]:
        """Library properties the procedure declines with `import … except` (E113 if unknown)."""
        library_props = {
            d.name
            for mod in self.program.libraries
            for d in mod.decls
            if isinstance(d, ast.PropertyDecl)
        }
        excluded: set[str] = set()
        for d in self.program.main.decls:
            if not isinstance(d, ast.Import):
                continue
            for name, span in zip(d.excepted, d.excepted_spans, strict=True):
                if name not in library_props:
                    close = closest(name, sorted(library_props))
                    self.diags.append(
                        error(
                            "E113",
                            f"the imported libraries have no property '{name}'",
                            span,
                            "nothing to except",
                            help=f"did you mean '{close}'?" if close else "",
                        )
                    )
                excluded.add(name)
        return excluded

    def _properties(self) -> list[m.Property]:
        excluded = self._excluded()
        bindings = self._bindings()
        out = []
        for mod, d in self._decls(ast.PropertyDecl):
            assert isinstance(d, ast.PropertyDecl)
            if not self.names.declare("property", d.name, d.span, "property"):
                continue
            if d.name in excluded:
                out.append(
                    m.Property(
                        d.name,
                        m.Invariant(m.Lit(True)),
                        d.title,
                        d.text,
                        d.span.path,
                        f"excluded by this procedure (`import … except {d.name}`)",
                        d.span,
                        title_zh=d.title_zh,
                    )
                )
                continue
            from_library = mod is not self.program.main or mod.kind == "library"
            imported = mod is not self.program.main
            aliases = bindings.get(mod.name, {}) if imported else {}
            scope = self._base_scope(
                report_unknown=not from_library,
                final=self.final_expr,
                final_allowed=True,
                aliases=aliases,
            )
            if from_library:
                self._library_vocabulary(d.body, aliases)
            mark = len(self.diags)
            form = self._form(d.body, scope)
            missing = ""
            if imported:
                new = self.diags[mark:]
                del self.diags[mark:]
                missing, _ = self._misfit(
                    d.name, mod, d.body, [x for x in new if x.is_error], aliases
                )
                # the case's names do not fit: W405 said so, and the errors go
                self.diags.extend(x for x in new if not (missing and x.is_error))
            if not missing and scope.missing and from_library:
                missing = self._not_modelled(d.name, mod, d.body, scope.missing, aliases)
            reads: tuple[tuple[str, str], ...] = ()
            if imported:
                r = self._reads(mod, d.body)
                lacking = set(scope.missing)  # only names that resolved: the rest are in `missing`
                reads = tuple(
                    (n, aliases.get(n, n))
                    for n in r.conventional
                    if aliases.get(n, n) not in lacking
                ) + tuple((n, aliases[n]) for n in r.vocabulary if n in aliases)
            if form is not None:
                out.append(
                    m.Property(
                        d.name,
                        form,
                        d.title,
                        d.text,
                        d.span.path,
                        missing,
                        d.span,
                        reads=reads,
                        title_zh=d.title_zh,
                    )
                )
        return out

    def _library_vocabulary(self, body: ast.PropertyBody, aliases: dict[str, str]) -> None:
        """A principle may name state a procedure lacks (then: not applicable), but its act
        kinds and organs are the library's own vocabulary: a typo there is an error, or the
        principle would silently be 'not applicable' everywhere."""
        for node in nodes_in(body):
            if (
                isinstance(node, ast.IsOrgan)
                and aliases.get(node.organ, node.organ) not in self.organs
            ):
                close = closest(node.organ, list(self.organs))
                self.diags.append(
                    error(
                        "E106",
                        f"unknown organ '{node.organ}'",
                        node.organ_span,
                        "not declared",
                        help=f"did you mean '{close}'?" if close else "",
                    )
                )
            names: list[ast.Name] = []
            if isinstance(node, ast.BinOp) and node.op in ("==", "!="):
                for a, b in ((node.left, node.right), (node.right, node.left)):
                    if (
                        isinstance(a, ast.StepField)
                        and a.field == "kind"
                        and isinstance(b, ast.Name)
                    ):
                        names.append(b)
            if (
                isinstance(node, ast.Member)
                and isinstance(node.operand, ast.StepField)
                and node.operand.field == "kind"
                and isinstance(node.collection, ast.SetLiteral)
            ):
                names += [i for i in node.collection.items if isinstance(i, ast.Name)]
            for n in names:
                if aliases.get(n.name, n.name) not in self.kinds:
                    close = closest(n.name, list(self.kinds))
                    self.diags.append(
                        error(
                            "E107",
                            f"unknown act kind '{n.name}'",
                            n.span,
                            "not declared",
                            help=f"did you mean '{close}'?" if close else "",
                        )
                    )

    def _form(self, b: ast.PropertyBody, scope: Scope) -> m.PropertyForm | None:
        ops = b.operands

        def pred(e: object, what: str) -> m.Expr:
            return self._boolean(e, scope, what)  # type: ignore[arg-type]

        def pat(e: object) -> m.StepPattern:
            return self._pattern(e, scope)  # type: ignore[arg-type]

        within = None
        if b.within is not None:
            days = self._lowered_constant(b.within, scope, "a period")
            if isinstance(days, int) and not isinstance(days, bool) and days >= 0:
                within = days
            elif days is not None:
                self.diags.append(
                    error("E201", "a period is a whole number of days", span_of(b.within))
                )
        match b.form:
            case "always":
                return m.Invariant(pred(ops[0], "`always`"))
            case "never_state":
                from dsl.fold import make_not

                return m.Invariant(make_not(pred(ops[0], "`never`")))
            case "never_step":
                return m.NeverStep(pat(ops[0]))
            case "reachable":
                return m.Reachable(pred(ops[0], "`reachable`"))
            case "eventually":
                return m.Eventually(pred(ops[0], "`eventually`"))
            case "requires_earlier":
                return m.RequiresEarlier(pat(ops[0]), pat(ops[1]))
            case "after_possible":
                return m.AfterPossible(pat(ops[0]), pat(ops[1]))
            case "leads_to_state" | "leads_to_step":
                trigger = (
                    pred(ops[0], "the left side of `leads_to`")
                    if b.form == "leads_to_state"
                    else pat(ops[0])
                )
                target = (
                    pat(ops[1])
                    if isinstance(ops[1], ast.StepPatternExpr)
                    else pred(ops[1], "the right side of `leads_to`")
                )
                return m.LeadsTo(trigger, target, within)
        raise AssertionError(b.form)

    def _expectations(
        self, properties: list[m.Property], scenarios: tuple[str, ...] = ()
    ) -> list[m.Expectation]:
        names = [p.name for p in properties] + list(scenarios)
        out: dict[str, m.Expectation] = {}
        for _, d in self._decls(ast.ExpectDecl):
            assert isinstance(d, ast.ExpectDecl)
            if d.property not in names:
                close = closest(d.property, names)
                self.diags.append(
                    error(
                        "E109",
                        f"`expect` names no property '{d.property}'",
                        d.span,
                        "no such property",
                        help=f"did you mean '{close}'?" if close else "",
                    )
                )
                continue
            if d.property in out:
                self.diags.append(
                    Diagnostic(
                        "E101",
                        f"two expectations for '{d.property}'",
                        d.span,
                        secondary=((out[d.property].span, "first expectation"),),
                    )
                )
                continue
            if self._misused_finding(d):
                continue
            out[d.property] = m.Expectation(d.property, d.verdict, d.reason, d.span)
        return list(out.values())

    def _misused_finding(self, d: ast.ExpectDecl) -> bool:
        """`silent` and `holds vacuously` are findings about the law: they must say why, and
        `silent` (the law has no such rule) fits only a principle the case imports, since a
        property the case writes itself always applies to it."""
        if d.verdict not in ("silent", "holds vacuously"):
            return False
        if not d.reason:
            self.diags.append(
                error(
                    "E304",
                    f"`expect {d.property} {d.verdict}` gives no reason",
                    d.span,
                    "say why",
                    help=f'e.g. expect {d.property} {d.verdict} "CPL 217 …"',
                )
            )
            return True
        own = {x.name for x in self.program.main.decls if isinstance(x, ast.PropertyDecl)}
        if d.verdict == "silent" and d.property in own:
            self.diags.append(
                error(
                    "E304",
                    f"'{d.property}' is the case's own property: it cannot be silent",
                    d.span,
                    "a property the case declares always applies",
                    help="`silent` is for an imported principle the law has no rule for",
                )
            )
            return True
        return False
