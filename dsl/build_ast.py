"""Lark parse tree -> frozen AST with spans. Pure; the tree's shape is fixed by grammar.lark.

One module although it is long: one small method per grammar rule, in the grammar's order, so a
rule and its builder are found together (scenario blocks are in `dsl.build_scenario`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, Tree, v_args

from dsl import ast
from dsl.build_scenario import ScenarioBuilder
from dsl.source import SourceFile, Span


def unquote(token: Token) -> str:
    """The text of a STRING token: quotes removed, escapes \\" \\\\ \\n \\t resolved."""
    body = str(token)[1:-1]
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _ZhTitle:
    """`zh "…"` after an English title (rules, actors, values)."""

    text: str


@dataclass(frozen=True, slots=True)
class _Key:
    """The value a `value` declaration titles."""

    value: bool | int | str


class _Builder(ScenarioBuilder, Transformer):  # type: ignore[type-arg]
    def __init__(self, source: SourceFile) -> None:
        super().__init__()
        self.source = source

    # ---------------------------------------------------------------- helpers
    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.source.path, 0, 0, 0, 0)
        return Span(self.source.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, tok: Token) -> Span:
        return Span(
            self.source.path, tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0
        )

    def _text(self, meta: Any) -> str:
        if getattr(meta, "empty", True):
            return ""
        return " ".join(self.source.text[meta.start_pos : meta.end_pos].split())

    # ---------------------------------------------------------------- module
    @v_args(meta=True)
    def start(self, meta: Any, children: list[Any]) -> ast.Module:
        kind, name, title, title_zh = children[0]
        return ast.Module(
            kind, name, title, tuple(children[1:]), self.source.path, self._span(meta), title_zh
        )

    @staticmethod
    def _header(kind: str, children: list[Any]) -> tuple[str, str, str, str]:
        title = next((unquote(c) for c in children[1:] if isinstance(c, Token)), "")
        zh = next((c.text for c in children[1:] if isinstance(c, _ZhTitle)), "")
        return (kind, str(children[0]), title, zh)

    def procedure_header(self, children: list[Any]) -> tuple[str, str, str, str]:
        return self._header("procedure", children)

    def library_header(self, children: list[Any]) -> tuple[str, str, str, str]:
        return self._header("library", children)

    # ---------------------------------------------------------------- declarations
    @v_args(meta=True)
    def import_decl(self, meta: Any, children: list[Token]) -> ast.Import:
        target, *excepted = children
        is_path = target.type == "STRING"
        return ast.Import(
            unquote(target) if is_path else str(target),
            is_path,
            tuple(str(n) for n in excepted),
            tuple(self._tspan(n) for n in excepted),
            self._span(meta),
        )

    @v_args(meta=True)
    def bind_decl(self, meta: Any, children: list[Any]) -> ast.Bind:
        library, *pairs = children
        return ast.Bind(
            str(library),
            tuple((str(a), str(b)) for a, b in pairs),
            tuple((self._tspan(a), self._tspan(b)) for a, b in pairs),
            self._tspan(library),
            self._span(meta),
        )

    def bind_pair(self, children: list[Token]) -> tuple[Token, Token]:
        return children[0], children[1]

    @v_args(meta=True)
    def allow_decl(self, meta: Any, children: list[Token]) -> ast.Allow:
        code, *rules, reason = children
        return ast.Allow(
            str(code),
            tuple(str(r) for r in rules),
            unquote(reason),
            self._tspan(code),
            tuple(self._tspan(r) for r in rules),
            self._span(meta),
        )

    @v_args(meta=True, inline=True)
    def extends_decl(self, meta: Any, path: Token) -> ast.Extends:
        return ast.Extends(unquote(path), self._span(meta))

    @v_args(meta=True)
    def source_decl(self, meta: Any, children: list[Any]) -> ast.SourceDecl:
        name, title, *extras = children
        zh = next((v for k, v in extras if k == "zh"), "")
        text = next((v for k, v in extras if k == "text"), "")
        title_zh = next((v for k, v in extras if k == "title_zh"), "")
        return ast.SourceDecl(str(name), unquote(title), zh, text, self._span(meta), title_zh)

    @v_args(inline=True)
    def source_title_zh(self, s: Token) -> tuple[str, str]:
        return ("title_zh", unquote(s))

    @v_args(inline=True)
    def zh_title(self, s: Token) -> _ZhTitle:
        return _ZhTitle(unquote(s))

    @v_args(meta=True)
    def value_decl(self, meta: Any, children: list[Any]) -> ast.ValueDecl:
        var, *rest = children
        zh = next((c.text for c in rest if isinstance(c, _ZhTitle)), "")
        title = next(unquote(c) for c in rest if isinstance(c, Token) and c.type == "STRING")
        key = next((c for c in rest if isinstance(c, _Key)), None)
        return ast.ValueDecl(str(var), key.value if key else None, title, zh, self._span(meta))

    @v_args(inline=True)
    def key_name(self, tok: Token) -> _Key:
        return _Key(str(tok))

    @v_args(inline=True)
    def key_number(self, tok: Token) -> _Key:
        return _Key(int(tok))

    def key_true(self, _: list[Any]) -> _Key:
        return _Key(True)

    def key_false(self, _: list[Any]) -> _Key:
        return _Key(False)

    @v_args(inline=True)
    def source_zh(self, s: Token) -> tuple[str, str]:
        return ("zh", unquote(s))

    @v_args(inline=True)
    def source_text(self, s: Token) -> tuple[str, str]:
        return ("text", unquote(s))

    @v_args(meta=True)
    def organ_decl(self, meta: Any, children: list[Token]) -> ast.OrganDecl:
        name = children[0]
        parent = next((c for c in children[1:] if c.type == "NAME"), None)
        label = next((unquote(c) for c in children[1:] if c.type == "STRING"), "")
        pspan = self._tspan(parent) if parent is not None else self._span(meta)
        return ast.OrganDecl(
            str(name), str(parent) if parent else None, label, pspan, self._span(meta)
        )

    @v_args(meta=True, inline=True)
    def kind_decl(self, meta: Any, name: Token, label: Token | None = None) -> ast.KindDecl:
        return ast.KindDecl(str(name), unquote(label) if label else "", self._span(meta))

    @v_args(meta=True)
    def actor_decl(self, meta: Any, children: list[Any]) -> ast.ActorDecl:
        name, organ, *rest = children
        label = next((unquote(c) for c in rest if isinstance(c, Token)), "")
        zh = next((c.text for c in rest if isinstance(c, _ZhTitle)), "")
        return ast.ActorDecl(
            str(name),
            str(organ),
            label,
            self._tspan(organ),
            self._span(meta),
            zh,
        )

    @v_args(meta=True, inline=True)
    def const_decl(self, meta: Any, name: Token, value: ast.Expr) -> ast.ConstDecl:
        return ast.ConstDecl(str(name), value, self._span(meta))

    @v_args(meta=True, inline=True)
    def set_decl(self, meta: Any, name: Token, names: list[Token]) -> ast.SetDecl:
        return ast.SetDecl(
            str(name),
            tuple(str(n) for n in names),
            tuple(self._tspan(n) for n in names),
            self._span(meta),
        )

    def name_list(self, children: list[Token]) -> list[Token]:
        return children

    @v_args(meta=True, inline=True)
    def var_decl(
        self, meta: Any, name: Token, type_: ast.TypeExpr, initial: Any = None
    ) -> ast.VarDecl:
        return ast.VarDecl(str(name), type_, initial, self._span(meta))

    # ---------------------------------------------------------------- types and initial values
    @v_args(meta=True, inline=True)
    def bool_type(self, meta: Any) -> ast.BoolTypeExpr:
        return ast.BoolTypeExpr(self._span(meta))

    @v_args(meta=True, inline=True)
    def int_type(self, meta: Any) -> ast.IntTypeExpr:
        return ast.IntTypeExpr(self._span(meta))

    @v_args(meta=True, inline=True)
    def enum_type(self, meta: Any, names: list[Token]) -> ast.EnumTypeExpr:
        return ast.EnumTypeExpr(
            tuple(str(n) for n in names), tuple(self._tspan(n) for n in names), self._span(meta)
        )

    @v_args(meta=True, inline=True)
    def range_type(self, meta: Any, lo: ast.Expr, hi: ast.Expr) -> ast.RangeTypeExpr:
        return ast.RangeTypeExpr(lo, hi, self._span(meta))

    @v_args(meta=True, inline=True)
    def map_type(self, meta: Any, index: Token, element: ast.TypeExpr) -> ast.MapTypeExpr:
        return ast.MapTypeExpr(str(index), element, self._span(meta))

    @v_args(meta=True, inline=True)
    def element_type(self, meta: Any, name: Token) -> ast.ElementTypeExpr:
        return ast.ElementTypeExpr(str(name), self._span(meta))

    @v_args(meta=True, inline=True)
    def any_initial(self, meta: Any) -> ast.AnyInitial:
        return ast.AnyInitial(self._span(meta))

    @v_args(meta=True)
    def map_initial(self, meta: Any, entries: list[tuple[Token, ast.Expr]]) -> ast.MapInitial:
        return ast.MapInitial(
            tuple((str(k), v) for k, v in entries),
            tuple(self._tspan(k) for k, _ in entries),
            self._span(meta),
        )

    @v_args(inline=True)
    def map_entry(self, key: Token, value: ast.Expr) -> tuple[Token, ast.Expr]:
        return (key, value)

    # ---------------------------------------------------------------- rules
    @v_args(meta=True)
    def rule_decl(self, meta: Any, children: list[Any]) -> ast.RuleDecl:
        name = children[0]
        params: tuple[ast.Param, ...] = ()
        title = title_zh = ""
        clauses = []
        for c in children[1:]:
            if isinstance(c, tuple) and c and isinstance(c[0], ast.Param):
                params = c
            elif isinstance(c, Token) and c.type == "STRING":
                title = unquote(c)
            elif isinstance(c, _ZhTitle):
                title_zh = c.text
            elif c is not None:
                clauses.append(c)
        return ast.RuleDecl(str(name), params, title, tuple(clauses), self._span(meta), title_zh)

    def rule_params(self, children: list[ast.Param]) -> tuple[ast.Param, ...]:
        return tuple(children)

    @v_args(meta=True, inline=True)
    def param(self, meta: Any, name: Token, set_name: Token) -> ast.Param:
        return ast.Param(str(name), str(set_name), self._span(meta))

    @v_args(meta=True, inline=True)
    def by_clause(self, meta: Any, actor: Token) -> ast.By:
        return ast.By(str(actor), self._tspan(actor))

    @v_args(meta=True, inline=True)
    def kind_clause(self, meta: Any, kind: Token) -> ast.KindClause:
        return ast.KindClause(str(kind), self._tspan(kind))

    @v_args(meta=True)
    def cites_clause(self, meta: Any, names: list[Token]) -> ast.Cites:
        return ast.Cites(
            tuple(str(n) for n in names), tuple(self._tspan(n) for n in names), self._span(meta)
        )

    @v_args(meta=True, inline=True)
    def when_clause(self, meta: Any, guard: ast.Expr) -> ast.When:
        return ast.When(guard, self._span(meta))

    @v_args(meta=True)
    def then_clause(self, meta: Any, assignments: list[ast.Assignment]) -> ast.Then:
        return ast.Then(tuple(assignments), self._span(meta))

    @v_args(meta=True)
    def assignment(self, meta: Any, children: list[Any]) -> ast.Assignment:
        if len(children) == 3:
            target, index, value = children
        else:
            (target, value), index = children, None
        return ast.Assignment(str(target), index, value, self._tspan(target))

    @v_args(meta=True)
    def duty_clause(self, meta: Any, children: list[Any]) -> ast.Modality:
        return ast.Modality(True, children[0] if children else None, self._span(meta))

    @v_args(meta=True, inline=True)
    def power_clause(self, meta: Any) -> ast.Modality:
        return ast.Modality(False, None, self._span(meta))

    @v_args(inline=True)
    def within(self, days: ast.Expr) -> ast.Expr:
        return days

    @v_args(meta=True, inline=True)
    def final_decl(self, meta: Any, predicate: ast.Expr) -> ast.FinalDecl:
        return ast.FinalDecl(predicate, self._span(meta))

    # ---------------------------------------------------------------- properties
    @v_args(meta=True)
    def property_decl(self, meta: Any, children: list[Any]) -> ast.PropertyDecl:
        name = children[0]
        title = next((unquote(c) for c in children[1:-1] if isinstance(c, Token)), "")
        title_zh = next((c.text for c in children[1:-1] if isinstance(c, _ZhTitle)), "")
        body: tuple[ast.PropertyBody, str] = children[-1]
        return ast.PropertyDecl(str(name), title, body[0], body[1], self._span(meta), title_zh)

    def _body(self, form: str, meta: Any, operands: list[Any], within: Any = None) -> Any:
        body = ast.PropertyBody(form, tuple(operands), within, self._span(meta))  # type: ignore[arg-type]
        return (body, self._text(meta))

    @v_args(meta=True)
    def always(self, meta: Any, c: list[Any]) -> Any:
        return self._body("always", meta, c)

    @v_args(meta=True)
    def never_state(self, meta: Any, c: list[Any]) -> Any:
        return self._body("never_state", meta, c)

    @v_args(meta=True)
    def never_step(self, meta: Any, c: list[Any]) -> Any:
        return self._body("never_step", meta, c)

    @v_args(meta=True)
    def reachable(self, meta: Any, c: list[Any]) -> Any:
        return self._body("reachable", meta, c)

    @v_args(meta=True)
    def eventually(self, meta: Any, c: list[Any]) -> Any:
        return self._body("eventually", meta, c)

    @v_args(meta=True)
    def requires_earlier(self, meta: Any, c: list[Any]) -> Any:
        return self._body("requires_earlier", meta, c)

    @v_args(meta=True)
    def after_possible(self, meta: Any, c: list[Any]) -> Any:
        return self._body("after_possible", meta, c)

    @v_args(meta=True)
    def leads_to_state(self, meta: Any, c: list[Any]) -> Any:
        return self._body("leads_to_state", meta, c[:2], c[2] if len(c) > 2 else None)

    @v_args(meta=True)
    def leads_to_step(self, meta: Any, c: list[Any]) -> Any:
        return self._body("leads_to_step", meta, c[:2], c[2] if len(c) > 2 else None)

    @v_args(meta=True)
    def step_pattern(self, meta: Any, c: list[Any]) -> ast.StepPatternExpr:
        return ast.StepPatternExpr(c[0] if c else None, self._span(meta))

    @v_args(meta=True)
    def expect_decl(self, meta: Any, c: list[Any]) -> ast.ExpectDecl:
        name, verdict, *rest = c
        reason = unquote(rest[0]) if rest else ""
        return ast.ExpectDecl(str(name), verdict, reason, self._span(meta))

    def not_applicable(self, _: list[Any]) -> str:
        return "not applicable"

    def holds(self, _: list[Any]) -> str:
        return "holds"

    def fails(self, _: list[Any]) -> str:
        return "fails"

    def holds_vacuously(self, _: list[Any]) -> str:
        return "holds vacuously"

    def silent(self, _: list[Any]) -> str:
        return "silent"

    # ---------------------------------------------------------------- amendments
    @v_args(meta=True, inline=True)
    def repeal_decl(self, meta: Any, target: str, name: Token) -> ast.Repeal:
        return ast.Repeal(target, str(name), self._span(meta))  # type: ignore[arg-type]

    @v_args(meta=True, inline=True)
    def repeal_final(self, meta: Any) -> ast.Repeal:
        return ast.Repeal("final", "", self._span(meta))

    def target_rule(self, _: list[Any]) -> str:
        return "rule"

    def target_var(self, _: list[Any]) -> str:
        return "var"

    def target_property(self, _: list[Any]) -> str:
        return "property"

    def target_expect(self, _: list[Any]) -> str:
        return "expect"

    @v_args(meta=True)
    def amend_decl(self, meta: Any, children: list[Any]) -> ast.Amend:
        name = children[0]
        title = title_zh = ""
        clauses = []
        for c in children[1:]:
            if isinstance(c, Token) and c.type == "STRING":
                title = unquote(c)
            elif isinstance(c, _ZhTitle):
                title_zh = c.text
            else:
                clauses.append(c)
        return ast.Amend(str(name), title, tuple(clauses), self._span(meta), title_zh)

    @v_args(meta=True, inline=True)
    def amend_var(self, meta: Any, var: ast.VarDecl) -> ast.AmendVar:
        return ast.AmendVar(var, self._span(meta))

    @v_args(meta=True, inline=True)
    def amend_property(self, meta: Any, prop: ast.PropertyDecl) -> ast.AmendProperty:
        return ast.AmendProperty(prop, self._span(meta))

    @v_args(meta=True, inline=True)
    def insert_decl(self, meta: Any, rule: ast.RuleDecl) -> ast.Insert:
        return ast.Insert(rule, self._span(meta))

    # ---------------------------------------------------------------- expressions
    def _bin(self, op: str, meta: Any, left: ast.Expr, right: ast.Expr) -> ast.BinOp:
        return ast.BinOp(op, left, right, self._span(meta))

    @v_args(meta=True, inline=True)
    def implies(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Expr:
        return self._bin("implies", meta, a, b)

    @v_args(meta=True, inline=True)
    def or_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Expr:
        return self._bin("or", meta, a, b)

    @v_args(meta=True, inline=True)
    def and_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Expr:
        return self._bin("and", meta, a, b)

    @v_args(meta=True, inline=True)
    def not_(self, meta: Any, a: ast.Expr) -> ast.Expr:
        return ast.Unary("not", a, self._span(meta))

    @v_args(meta=True, inline=True)
    def compare(self, meta: Any, a: ast.Expr, op: Token, b: ast.Expr) -> ast.Expr:
        return self._bin(str(op), meta, a, b)

    @v_args(meta=True, inline=True)
    def arith(self, meta: Any, a: ast.Expr, op: Token, b: ast.Expr) -> ast.Expr:
        return self._bin(str(op), meta, a, b)

    @v_args(meta=True, inline=True)
    def neg(self, meta: Any, _minus: Token, a: ast.Expr) -> ast.Expr:
        if isinstance(a, ast.Number):
            return ast.Number(-a.value, self._span(meta))
        return ast.Unary("-", a, self._span(meta))

    @v_args(meta=True, inline=True)
    def member(self, meta: Any, a: ast.Expr, coll: Any) -> ast.Expr:
        return ast.Member(a, coll, False, self._span(meta))

    @v_args(meta=True, inline=True)
    def not_member(self, meta: Any, a: ast.Expr, coll: Any) -> ast.Expr:
        return ast.Member(a, coll, True, self._span(meta))

    @v_args(meta=True, inline=True)
    def is_organ(self, meta: Any, a: ast.Expr, organ: Token) -> ast.Expr:
        return ast.IsOrgan(a, str(organ), self._tspan(organ), self._span(meta))

    @v_args(meta=True)
    def set_literal(self, meta: Any, items: list[ast.Expr]) -> ast.SetLiteral:
        return ast.SetLiteral(tuple(items), self._span(meta))

    @v_args(meta=True, inline=True)
    def range_literal(self, meta: Any, lo: ast.Expr, hi: ast.Expr) -> ast.RangeLiteral:
        return ast.RangeLiteral(lo, hi, self._span(meta))

    @v_args(meta=True, inline=True)
    def set_name(self, meta: Any, name: Token) -> ast.Name:
        return ast.Name(str(name), self._tspan(name))

    @v_args(meta=True, inline=True)
    def index(self, meta: Any, target: Token, idx: ast.Expr) -> ast.Expr:
        return ast.Index(ast.Name(str(target), self._tspan(target)), idx, self._span(meta))

    @v_args(meta=True, inline=True)
    def number(self, meta: Any, tok: Token) -> ast.Expr:
        return ast.Number(int(tok), self._tspan(tok))

    @v_args(meta=True, inline=True)
    def true(self, meta: Any) -> ast.Expr:
        return ast.Boolean(True, self._span(meta))

    @v_args(meta=True, inline=True)
    def false(self, meta: Any) -> ast.Expr:
        return ast.Boolean(False, self._span(meta))

    @v_args(meta=True, inline=True)
    def name(self, meta: Any, tok: Token) -> ast.Expr:
        return ast.Name(str(tok), self._tspan(tok))

    @v_args(meta=True, inline=True)
    def step_kind(self, meta: Any) -> ast.Expr:
        return ast.StepField("kind", self._span(meta))

    @v_args(meta=True, inline=True)
    def step_actor(self, meta: Any) -> ast.Expr:
        return ast.StepField("actor", self._span(meta))

    @v_args(meta=True, inline=True)
    def final_ref(self, meta: Any) -> ast.Expr:
        return ast.FinalRef(self._span(meta))

    @v_args(meta=True, inline=True)
    def step_rule(self, meta: Any) -> ast.Expr:
        return ast.StepField("rule", self._span(meta))

    def _quant(self, q: str, meta: Any, var: Token, set_name: Token, body: ast.Expr) -> ast.Expr:
        return ast.Quantified(
            q,  # type: ignore[arg-type]
            str(var),
            str(set_name),
            body,
            self._tspan(set_name),
            self._span(meta),
        )

    @v_args(meta=True, inline=True)
    def forall(self, meta: Any, var: Token, s: Token, body: ast.Expr) -> ast.Expr:
        return self._quant("forall", meta, var, s, body)

    @v_args(meta=True, inline=True)
    def exists(self, meta: Any, var: Token, s: Token, body: ast.Expr) -> ast.Expr:
        return self._quant("exists", meta, var, s, body)

    @v_args(meta=True, inline=True)
    def sum(self, meta: Any, var: Token, s: Token, body: ast.Expr) -> ast.Expr:
        return self._quant("sum", meta, var, s, body)

    @v_args(meta=True, inline=True)
    def count(self, meta: Any, var: Token, s: Token, body: ast.Expr) -> ast.Expr:
        return self._quant("count", meta, var, s, body)


def tree_depth(tree: Tree) -> tuple[int, tuple[int, int]]:  # type: ignore[type-arg]
    """The depth of a parse tree and the (line, column) of its deepest node, computed
    without recursion (hostile input may nest deeply)."""
    deepest, where = 0, (1, 1)
    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if isinstance(node, Token) and node.line:
                where = (node.line, node.column or 1)
            elif isinstance(node, Tree) and not node.meta.empty:
                where = (node.meta.line, node.meta.column)
        if isinstance(node, Tree):
            stack.extend((child, depth + 1) for child in node.children)
    return deepest, where


def build_module(tree: Tree, source: SourceFile) -> ast.Module:  # type: ignore[type-arg]
    return _Builder(source).transform(tree)  # type: ignore[no-any-return]
