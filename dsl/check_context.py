"""What the halves of the checking stage share: the tables `ModelChecker` builds.

`RuleChecks` and `PropertyChecks` are mixins of `ModelChecker`; this base class only declares
the attributes and helpers they use, so each half type-checks on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsl import ast
from dsl import model as m
from dsl.codes import Code
from dsl.diagnostics import Diagnostic, error
from dsl.lower_expr import ExprLowering
from dsl.scope import Scope, T
from dsl.source import Span
from dsl.suggest import closest

if TYPE_CHECKING:
    from dsl.check_model import Program, _Names


class CheckingContext:
    program: Program
    diags: list[Diagnostic]
    names: _Names
    lowering: ExprLowering
    sources: dict[str, m.Source]
    organs: dict[str, m.Organ]
    kinds: dict[str, m.ActKind]
    actors: dict[str, m.Actor]
    sets: dict[str, tuple[str, ...]]
    variables: dict[str, m.Variable]
    consts: dict[str, m.Value]
    slots: list[m.Slot]
    final_expr: m.Expr | None

    def _base_scope(self, **kw: object) -> Scope:
        raise NotImplementedError

    def _boolean(self, e: ast.Expr, scope: Scope, what: str) -> m.Expr:
        """`e` lowered as a condition; its diagnostics join the checker's."""
        lowered, found = self.lowering.boolean(e, scope, what)
        self.diags += found
        return lowered

    def _lowered_constant(self, e: ast.Expr, scope: Scope, what: str) -> m.Value | None:
        value, found = self.lowering.constant(e, scope, what)
        self.diags += found
        return value

    def _typed(self, e: ast.Expr, scope: Scope) -> tuple[m.Expr, T]:
        lowered, t, found = self.lowering.typed(e, scope)
        self.diags += found
        return lowered, t

    def _decls(self, cls: type | tuple[type, ...]) -> list[tuple[ast.Module, object]]:
        raise NotImplementedError

    def _unknown_set(self, name: str, span: Span) -> None:
        raise NotImplementedError

    def _check_citations(self, names: tuple[str, ...], spans: tuple[Span, ...]) -> None:
        """E105 for each cited source the procedure does not declare (rules and scenarios)."""
        for name, sp in zip(names, spans, strict=True):
            if name in self.sources:
                continue
            close = closest(name, list(self.sources))
            hint = f"did you mean '{close}'?" if close else 'declare it: source NAME "title"'
            self.diags.append(
                error("E105", f"unknown source '{name}'", sp, "not declared", help=hint)
            )

    def _check_value(
        self, value: m.Value, vt: object, t: m.Type, span: Span, name: str, code: Code
    ) -> bool:
        raise NotImplementedError
