"""The surface AST: names are strings, every node carries its span (excluded from equality).

One module although it is long: it is a list of small frozen dataclasses, one per construct of
`grammar.lark`, kept in step with the grammar and read as one (as `dsl.model` is for the
checked model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dsl.source import NO_SPAN, Span


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)


# --------------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Number:
    value: int
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Boolean:
    value: bool
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StepField:
    """`kind`, `actor` or `rule` of the step being matched (step patterns only)."""

    field: Literal["kind", "actor", "rule"]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Index:
    target: Name
    index: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Unary:
    op: Literal["not", "-"]
    operand: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # and or implies == != < <= > >= + - *
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SetLiteral:
    items: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RangeLiteral:
    lo: Expr
    hi: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Member:
    """`e in {a, b}`, `e in lo..hi`, `e in SET`; `negated` for `not in`."""

    operand: Expr
    collection: SetLiteral | RangeLiteral | Name
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class IsOrgan:
    """`actor is enforcement_organ`: the actor's organ is the named organ or a sub-organ."""

    operand: Expr
    organ: str
    organ_span: Span = _span()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Quantified:
    """`forall`/`exists`/`sum`/`count` over the elements of a finite set."""

    quantifier: Literal["forall", "exists", "sum", "count"]
    var: str
    set_name: str
    body: Expr
    set_span: Span = _span()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FinalRef:
    """`final` inside a property: the procedure's lawful end states (its `final` lines)."""

    span: Span = _span()


Expr = (
    Number
    | Boolean
    | Name
    | StepField
    | Index
    | Unary
    | BinOp
    | Member
    | IsOrgan
    | Quantified
    | FinalRef
)

# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class BoolTypeExpr:
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class IntTypeExpr:
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class EnumTypeExpr:
    values: tuple[str, ...]
    value_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RangeTypeExpr:
    lo: Expr
    hi: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ElementTypeExpr:
    """A variable holding one element of a declared set: `var winner : creditors`."""

    set_name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MapTypeExpr:
    index_set: str
    element: TypeExpr
    span: Span = _span()


TypeExpr = BoolTypeExpr | IntTypeExpr | EnumTypeExpr | RangeTypeExpr | ElementTypeExpr | MapTypeExpr


@dataclass(frozen=True, slots=True)
class AnyInitial:
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MapInitial:
    entries: tuple[tuple[str, Expr], ...]
    key_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    span: Span = _span()


Initial = AnyInitial | MapInitial | Expr

# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Import:
    """`import principles` (or a quoted path); `except a, b` leaves those properties unchecked."""

    target: str  # a library name (`principles`) or a quoted path
    is_path: bool
    excepted: tuple[str, ...] = ()
    excepted_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Bind:
    """`principles bind sale = auction_done`: the library's name, then (read, declared) pairs."""

    library: str
    pairs: tuple[tuple[str, str], ...]
    pair_spans: tuple[tuple[Span, Span], ...] = field(default=(), compare=False, repr=False)
    library_span: Span = _span()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Allow:
    """`allow L603 for a, b "reason"`: a reviewed finding of `lint` (or a warning) accepted."""

    code: str
    rules: tuple[str, ...]
    reason: str
    code_span: Span = _span()
    rule_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Extends:
    path: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SourceDecl:
    name: str
    title: str
    zh: str = ""
    text: str = ""
    span: Span = _span()
    title_zh: str = ""  # `title zh "…"`: how a Chinese reader cites it (民事诉讼法第二百四十四条)


@dataclass(frozen=True, slots=True)
class OrganDecl:
    name: str
    parent: str | None = None
    label: str = ""
    parent_span: Span = _span()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class KindDecl:
    name: str
    label: str = ""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ActorDecl:
    name: str
    organ: str
    label: str = ""
    organ_span: Span = _span()
    span: Span = _span()
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class ConstDecl:
    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SetDecl:
    name: str
    elements: tuple[str, ...]
    element_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class VarDecl:
    name: str
    type: TypeExpr
    initial: Initial | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    set_name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Assignment:
    target: str
    index: Expr | None
    value: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class By:
    actor: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class KindClause:
    kind: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Cites:
    sources: tuple[str, ...]
    source_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class When:
    guard: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Then:
    assignments: tuple[Assignment, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Modality:
    """`duty` (optionally `within N days`) or `power`."""

    duty: bool
    within: Expr | None = None
    span: Span = _span()


Clause = By | KindClause | Cites | When | Then | Modality


@dataclass(frozen=True, slots=True)
class RuleDecl:
    name: str
    params: tuple[Param, ...]
    title: str
    clauses: tuple[Clause, ...]
    span: Span = _span()
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class ValueDecl:
    """`value VAR = V "title" zh "…"`: what a variable having a value means, in words (without
    `= V`: what the variable is); only explanations and reports use it."""

    var: str
    value: bool | int | str | None
    title: str
    title_zh: str = ""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FinalDecl:
    predicate: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StepPatternExpr:
    where: Expr | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PropertyBody:
    """One property form; `form` names it, the operands depend on the form."""

    form: Literal[
        "always",
        "never_state",
        "never_step",
        "reachable",
        "eventually",
        "requires_earlier",
        "after_possible",
        "leads_to_state",
        "leads_to_step",
    ]
    operands: tuple[Expr | StepPatternExpr, ...]
    within: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PropertyDecl:
    name: str
    title: str
    body: PropertyBody
    text: str = field(default="", compare=False)
    span: Span = _span()
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class ExpectDecl:
    property: str
    verdict: Literal["holds", "fails", "not applicable", "holds vacuously", "silent"]
    reason: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Repeal:
    """`repeal rule|var|property|expect|scenario NAME`, or `repeal final` (every `final` line of
    the law being amended; `name` is then "")."""

    target: Literal["rule", "var", "property", "expect", "scenario", "final"]
    name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Amend:
    """`amend rule R { clauses }`: the named clause kinds replace the base rule's."""

    name: str
    title: str
    clauses: tuple[Clause, ...]
    span: Span = _span()
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class Insert:
    rule: RuleDecl
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AmendVar:
    """`amend var x : TYPE = INITIAL`: replaces the base variable's declaration in place."""

    var: VarDecl
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AmendProperty:
    """`amend property P "title"? { BODY }`: replaces the base property's body (and its title,
    if one is given) in place; the property's `expect` stays unless the bill restates it."""

    property: PropertyDecl
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ScenarioStep:
    """One step of a scenario's prefix: `rule`, `rule(c1)`, optionally `with P` on the state
    after; or, with `days` (and no rule), `16 days pass`: that many days with no act."""

    rule: str
    args: tuple[str, ...]
    after: Expr | None
    text: str = field(default="", compare=False)
    span: Span = _span()
    days: int | None = None


@dataclass(frozen=True, slots=True)
class ScenarioDecl:
    """`scenario NAME "title" { given P  happened s1, s2 with Q  then GOAL P }`."""

    name: str
    title: str
    given: tuple[Expr, ...]
    steps: tuple[ScenarioStep, ...]
    goal: Literal["always", "reachable", "eventually", "final"]
    predicate: Expr
    text: str = field(default="", compare=False)
    span: Span = _span()
    cites: tuple[str, ...] = ()
    cite_spans: tuple[Span, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class AmendScenario:
    """`amend scenario S "title"? { facts  then GOAL P }`: replaces the base scenario whole, in
    place (its title too, if one is given); the scenario's `expect` stays unless the bill
    restates it, as for `amend property`."""

    scenario: ScenarioDecl
    span: Span = _span()


Decl = (
    Import
    | Bind
    | Allow
    | Extends
    | SourceDecl
    | OrganDecl
    | KindDecl
    | ActorDecl
    | ConstDecl
    | SetDecl
    | VarDecl
    | RuleDecl
    | FinalDecl
    | PropertyDecl
    | ExpectDecl
    | Repeal
    | Amend
    | AmendVar
    | AmendProperty
    | Insert
    | ScenarioDecl
    | AmendScenario
    | ValueDecl
)


@dataclass(frozen=True, slots=True)
class Module:
    """One file: a procedure (rule set) or a library (vocabulary and principles)."""

    kind: Literal["procedure", "library"]
    name: str
    title: str
    decls: tuple[Decl, ...]
    path: str = field(default="", compare=False)
    span: Span = _span()
    title_zh: str = ""
