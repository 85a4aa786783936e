"""Building `scenario` blocks from the parse tree (a mixin of `dsl.build_ast._Builder`).

Kept apart from the rest of the builder so that scenarios are one place to read.
"""

from __future__ import annotations

from typing import Any

from lark import Token, v_args

from dsl import ast
from dsl.source import Span


class _Goal:
    """`then always|reachable|eventually|final P` before it becomes part of the declaration."""

    __slots__ = ("form", "predicate")

    def __init__(self, form: str, predicate: ast.Expr) -> None:
        self.form = form
        self.predicate = predicate


class _Given:
    __slots__ = ("predicate",)

    def __init__(self, predicate: ast.Expr) -> None:
        self.predicate = predicate


class _Cites:
    __slots__ = ("names", "spans")

    def __init__(self, names: tuple[str, ...], spans: tuple[Span, ...]) -> None:
        self.names = names
        self.spans = spans


class _Happened:
    __slots__ = ("steps",)

    def __init__(self, steps: tuple[ast.ScenarioStep, ...]) -> None:
        self.steps = steps


class ScenarioBuilder:
    """The tree callbacks for scenarios; `_span` and `_text` come from the builder."""

    def _span(self, meta: Any) -> Span:
        raise NotImplementedError

    def _text(self, meta: Any) -> str:
        raise NotImplementedError

    @v_args(meta=True)
    def scenario_decl(self, meta: Any, children: list[Any]) -> ast.ScenarioDecl:
        name = str(children[0])
        from dsl.build_ast import unquote

        title = next((unquote(c) for c in children[1:] if isinstance(c, Token)), "")
        given = tuple(c.predicate for c in children if isinstance(c, _Given))
        steps = tuple(s for c in children if isinstance(c, _Happened) for s in c.steps)
        cites = [c for c in children if isinstance(c, _Cites)]
        goal = children[-1]
        assert isinstance(goal, _Goal)
        return ast.ScenarioDecl(
            name,
            title,
            given,
            steps,
            goal.form,  # type: ignore[arg-type]
            goal.predicate,
            self._text(meta),
            self._span(meta),
            tuple(n for c in cites for n in c.names),
            tuple(s for c in cites for s in c.spans),
        )

    def scenario_cites(self, names: list[Token]) -> _Cites:
        return _Cites(tuple(str(n) for n in names), tuple(self._tspan(n) for n in names))

    def _tspan(self, tok: Token) -> Span:
        raise NotImplementedError

    @v_args(inline=True)
    def scenario_given(self, predicate: ast.Expr) -> _Given:
        return _Given(predicate)

    def scenario_happened(self, steps: list[ast.ScenarioStep]) -> _Happened:
        return _Happened(tuple(steps))

    @v_args(meta=True)
    def scenario_step(self, meta: Any, children: list[Any]) -> ast.ScenarioStep:
        rule = str(children[0])
        args: tuple[str, ...] = ()
        after: ast.Expr | None = None
        for c in children[1:]:
            if isinstance(c, tuple):
                args = c
            else:
                after = c
        return ast.ScenarioStep(rule, args, after, self._text(meta), self._span(meta))

    @v_args(meta=True)
    def scenario_wait(self, meta: Any, children: list[Token]) -> ast.ScenarioStep:
        """`16 days pass`: a step of the prefix that is no act (the NUMBER is the only child)."""
        return ast.ScenarioStep(
            "", (), None, self._text(meta), self._span(meta), days=int(children[0])
        )

    def scenario_args(self, names: list[Token]) -> tuple[str, ...]:
        return tuple(str(n) for n in names)

    def target_scenario(self, _: list[Any]) -> str:
        """`repeal scenario NAME` (applied by `dsl.imports.amend`)."""
        return "scenario"

    @v_args(meta=True, inline=True)
    def amend_scenario(self, meta: Any, scenario: ast.ScenarioDecl) -> ast.AmendScenario:
        return ast.AmendScenario(scenario, self._span(meta))

    @v_args(inline=True)
    def goal_always(self, predicate: ast.Expr) -> _Goal:
        return _Goal("always", predicate)

    @v_args(inline=True)
    def goal_reachable(self, predicate: ast.Expr) -> _Goal:
        return _Goal("reachable", predicate)

    @v_args(inline=True)
    def goal_eventually(self, predicate: ast.Expr) -> _Goal:
        return _Goal("eventually", predicate)

    @v_args(inline=True)
    def goal_final(self, predicate: ast.Expr) -> _Goal:
        return _Goal("final", predicate)
