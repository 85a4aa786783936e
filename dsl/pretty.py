"""AST -> source text: the inverse of the parser, up to spans, layout and comments.

Input: a `dsl.ast.Module` (or any expression or declaration). Output: text that parses back
to an equal AST, `parse(pretty(m)) == m` (tests/test_roundtrip.py), for every AST the parser
can produce. Parentheses are written only where the grammar's precedence needs them;
`forall`/`exists` are parenthesised everywhere except at the top of an expression, since
their body extends as far right as possible. Emits no diagnostics.

Two ASTs are not produced by the parser and so are not round-tripped: a `Unary("-", Number)`
(the parser folds `-3` to `Number(-3)`) and empty tuples where the grammar needs one item.
"""

from __future__ import annotations

from typing import assert_never

from dsl import ast

# Precedence levels, loosest first; a context level says what may appear without brackets.
TOP = 0  # a whole expression: quantifiers allowed
IMPLIES = 1
OR = 2
AND = 3
NOT = 4
COMPARISON = 5
SUM = 6
PRODUCT = 7
UNARY = 8
ATOM = 9

_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
_INDENT = "  "


def quote(text: str) -> str:
    """A STRING token whose `build_ast.unquote` is `text`."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


# ----------------------------------------------------------------------------- expressions


def pretty_expr(e: ast.Expr, context: int = TOP) -> str:
    """`e` as text that parses back to `e` in a position that admits level `context`."""
    text, level = _expr(e)
    if level < context:
        return f"({text})"
    return text


def _expr(e: ast.Expr) -> tuple[str, int]:
    match e:
        case ast.Number(value=v):
            return str(v), (UNARY if v < 0 else ATOM)
        case ast.Boolean(value=v):
            return ("true" if v else "false"), ATOM
        case ast.Name(name=name):
            return name, ATOM
        case ast.FinalRef():
            return "final", ATOM
        case ast.StepField(field=f):
            return f, ATOM
        case ast.Index(target=target, index=index):
            return f"{target.name}[{pretty_expr(index)}]", ATOM
        case ast.Unary(op="not", operand=a):
            return f"not {pretty_expr(a, NOT)}", NOT
        case ast.Unary(op="-", operand=a):
            inner = pretty_expr(a, UNARY)
            return ("- " if inner.startswith("-") else "-") + inner, UNARY
        case ast.Unary():
            raise ValueError(f"unknown unary operator {e.op!r}")
        case ast.BinOp():
            return _binop(e)
        case ast.Member(operand=a, collection=coll, negated=negated):
            word = "not in" if negated else "in"
            return f"{pretty_expr(a, SUM)} {word} {_collection(coll)}", COMPARISON
        case ast.IsOrgan(operand=a, organ=organ):
            return f"{pretty_expr(a, SUM)} is {organ}", COMPARISON
        case ast.Quantified(quantifier=q, var=var, set_name=s, body=body):
            if q in ("sum", "count"):
                return f"{q}({var} in {s}: {pretty_expr(body)})", ATOM
            return f"{q} {var} in {s}: {pretty_expr(body)}", TOP
    assert_never(e)


def _binop(e: ast.BinOp) -> tuple[str, int]:
    op = e.op
    if op == "implies":  # right-associative
        return f"{pretty_expr(e.left, OR)} implies {pretty_expr(e.right, IMPLIES)}", IMPLIES
    if op == "or":
        return f"{pretty_expr(e.left, OR)} or {pretty_expr(e.right, AND)}", OR
    if op == "and":
        return f"{pretty_expr(e.left, AND)} and {pretty_expr(e.right, NOT)}", AND
    if op in _COMPARISONS:  # non-associative
        return f"{pretty_expr(e.left, SUM)} {op} {pretty_expr(e.right, SUM)}", COMPARISON
    if op in ("+", "-"):
        return f"{pretty_expr(e.left, SUM)} {op} {pretty_expr(e.right, PRODUCT)}", SUM
    if op == "*":
        return f"{pretty_expr(e.left, PRODUCT)} * {pretty_expr(e.right, UNARY)}", PRODUCT
    raise ValueError(f"unknown binary operator {op!r}")


def _collection(c: ast.SetLiteral | ast.RangeLiteral | ast.Name) -> str:
    match c:
        case ast.SetLiteral(items=items):
            return "{" + ", ".join(pretty_expr(i, SUM) for i in items) + "}"
        case ast.RangeLiteral(lo=lo, hi=hi):
            return f"{pretty_expr(lo, SUM)}..{pretty_expr(hi, SUM)}"
        case ast.Name(name=name):
            return name
    assert_never(c)


# ----------------------------------------------------------------------------- types and values


def pretty_type(t: ast.TypeExpr) -> str:
    match t:
        case ast.BoolTypeExpr():
            return "bool"
        case ast.IntTypeExpr():
            return "int"
        case ast.EnumTypeExpr(values=values):
            return "{" + ", ".join(values) + "}"
        case ast.RangeTypeExpr(lo=lo, hi=hi):
            return f"{pretty_expr(lo, SUM)}..{pretty_expr(hi, SUM)}"
        case ast.ElementTypeExpr(set_name=s):
            return s
        case ast.MapTypeExpr(index_set=s, element=element):
            return f"[{s}] {pretty_type(element)}"
    assert_never(t)


def _initial(init: ast.Initial) -> str:
    match init:
        case ast.AnyInitial():
            return "any"
        case ast.MapInitial(entries=entries):
            return "[" + ", ".join(f"{k}: {pretty_expr(v)}" for k, v in entries) + "]"
        case _:
            return pretty_expr(init)


# ----------------------------------------------------------------------------- declarations


def _title(title: str) -> str:
    return f" {quote(title)}" if title else ""


def _zh(title_zh: str) -> str:
    return f" zh {quote(title_zh)}" if title_zh else ""


def _clause(c: ast.Clause) -> str:
    match c:
        case ast.By(actor=actor):
            return f"by {actor}"
        case ast.KindClause(kind=kind):
            return f"kind {kind}"
        case ast.Cites(sources=sources):
            return "cites " + ", ".join(sources)
        case ast.When(guard=guard):
            return f"when {pretty_expr(guard)}"
        case ast.Then(assignments=assignments):
            return "then " + "; ".join(_assignment(a) for a in assignments)
        case ast.Modality(duty=False):
            return "power"
        case ast.Modality(duty=True, within=None):
            return "duty"
        case ast.Modality(duty=True, within=days) if days is not None:
            return f"duty within {pretty_expr(days)} days"
    raise AssertionError(c)


def _assignment(a: ast.Assignment) -> str:
    index = f"[{pretty_expr(a.index)}]" if a.index is not None else ""
    return f"{a.target}{index} := {pretty_expr(a.value)}"


def _clauses(clauses: tuple[ast.Clause, ...]) -> str:
    if not clauses:
        return "{ }"
    return "{\n" + "".join(f"{_INDENT}{_clause(c)}\n" for c in clauses) + "}"


def _rule(r: ast.RuleDecl) -> str:
    params = ""
    if r.params:
        params = "(" + ", ".join(f"{p.name} in {p.set_name}" for p in r.params) + ")"
    return f"rule {r.name}{params}{_title(r.title)}{_zh(r.title_zh)} {_clauses(r.clauses)}"


def _pattern(p: ast.StepPatternExpr) -> str:
    return "step" if p.where is None else f"step where {pretty_expr(p.where)}"


def _operand(o: ast.Expr | ast.StepPatternExpr) -> str:
    return _pattern(o) if isinstance(o, ast.StepPatternExpr) else pretty_expr(o)


def pretty_property_body(b: ast.PropertyBody) -> str:
    ops = [_operand(o) for o in b.operands]
    within = f" within {pretty_expr(b.within)} days" if b.within is not None else ""
    match b.form:
        case "always":
            return f"always {ops[0]}"
        case "never_state" | "never_step":
            return f"never {ops[0]}"
        case "reachable":
            return f"reachable {ops[0]}"
        case "eventually":
            return f"eventually {ops[0]}"
        case "requires_earlier":
            return f"{ops[0]} requires earlier {ops[1]}"
        case "after_possible":
            return f"after {ops[0]} possible {ops[1]}"
        case "leads_to_state" | "leads_to_step":
            return f"{ops[0]} leads_to {ops[1]}{within}"
    assert_never(b.form)


def pretty_decl(d: ast.Decl) -> str:
    match d:
        case ast.Import(target=target, is_path=is_path, excepted=excepted):
            rest = f" except {', '.join(excepted)}" if excepted else ""
            return f"import {quote(target) if is_path else target}{rest}"
        case ast.Extends(path=path):
            return f"extends {quote(path)}"
        case ast.Bind(library=library, pairs=pairs):
            return f"{library} bind " + ", ".join(f"{a} = {b}" for a, b in pairs)
        case ast.Allow(code=code, rules=rules, reason=reason):
            return f"allow {code}{' for ' + ', '.join(rules) if rules else ''} {quote(reason)}"
        case ast.SourceDecl(name=name, title=title, zh=zh, text=text, title_zh=title_zh):
            extra = (f" zh {quote(zh)}" if zh else "") + (f" text {quote(text)}" if text else "")
            extra += f" title zh {quote(title_zh)}" if title_zh else ""
            return f"source {name} {quote(title)}{extra}"
        case ast.OrganDecl(name=name, parent=parent, label=label):
            return f"organ {name}{f' is {parent}' if parent else ''}{_title(label)}"
        case ast.KindDecl(name=name, label=label):
            return f"kind {name}{_title(label)}"
        case ast.ActorDecl(name=name, organ=organ, label=label, title_zh=title_zh):
            return f"actor {name} is {organ}{_title(label)}{_zh(title_zh)}"
        case ast.ValueDecl(var=var, value=value, title=title, title_zh=title_zh):
            key = (
                ""
                if value is None
                else f" = {str(value).lower() if isinstance(value, bool) else value}"
            )
            return f"value {var}{key} {quote(title)}{_zh(title_zh)}"
        case ast.ConstDecl(name=name, value=value):
            return f"const {name} = {pretty_expr(value)}"
        case ast.SetDecl(name=name, elements=elements):
            return f"set {name} = {{{', '.join(elements)}}}"
        case ast.VarDecl(name=name, type=t, initial=init):
            initial = f" = {_initial(init)}" if init is not None else ""
            return f"var {name} : {pretty_type(t)}{initial}"
        case ast.RuleDecl():
            return _rule(d)
        case ast.FinalDecl(predicate=p):
            return f"final {pretty_expr(p)}"
        case ast.PropertyDecl(name=name, title=title, body=body, title_zh=title_zh):
            return (
                f"property {name}{_title(title)}{_zh(title_zh)} {{ {pretty_property_body(body)} }}"
            )
        case ast.ExpectDecl(property=prop, verdict=verdict, reason=reason):
            return f"expect {prop} {verdict}{_title(reason)}"
        case ast.Repeal(target="final"):
            return "repeal final"
        case ast.Repeal(target=target, name=name):
            return f"repeal {target} {name}"
        case ast.Amend(name=name, title=title, clauses=clauses, title_zh=title_zh):
            return f"amend rule {name}{_title(title)}{_zh(title_zh)} {_clauses(clauses)}"
        case ast.AmendVar(var=var):
            return f"amend {pretty_decl(var)}"
        case ast.AmendProperty(property=prop):
            return f"amend {pretty_decl(prop)}"
        case ast.Insert(rule=rule):
            return f"insert {_rule(rule)}"
        case ast.ScenarioDecl():
            return _scenario(d)
        case ast.AmendScenario(scenario=sc):
            return f"amend {_scenario(sc)}"
    assert_never(d)


def _scenario(d: ast.ScenarioDecl) -> str:
    lines = [f"scenario {d.name}{_title(d.title)} {{"]
    lines += [f"  cites {', '.join(d.cites)}"] if d.cites else []
    lines += [f"  given {pretty_expr(g)}" for g in d.given]
    if d.steps:
        steps = []
        for s in d.steps:
            if s.days is not None:  # `1 day passes`, `16 days pass`
                steps.append(f"{s.days} day passes" if s.days == 1 else f"{s.days} days pass")
                continue
            args = f"({', '.join(s.args)})" if s.args else ""
            steps.append(
                s.rule + args + (f" with {pretty_expr(s.after)}" if s.after is not None else "")
            )
        lines.append("  happened " + ",\n           ".join(steps))
    lines.append(f"  then {d.goal} {pretty_expr(d.predicate)}")
    return "\n".join(lines) + "\n}"


def pretty(module: ast.Module) -> str:
    """A whole file: the header, then one declaration per line (rules over several lines)."""
    lines = [f"{module.kind} {module.name}{_title(module.title)}{_zh(module.title_zh)}", ""]
    lines += [pretty_decl(d) for d in module.decls]
    return "\n".join(lines) + "\n"
