"""A bill applied to the law it `extends`: its repeals, amendments and insertions, in order.

Input: the base law's module (already consolidated with the laws it extends), the bill, and the
provenance of the base's parts. Output: the consolidated module, the provenance of its parts
(`dsl.provenance`), and E101/E111 for what could not be applied. Loading the files is
`dsl.imports`; this module only rewrites declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dsl import ast
from dsl.diagnostics import Diagnostic, error
from dsl.provenance import Part, Provenance
from dsl.source import Span
from dsl.suggest import closest

_REPEALABLE = {
    "rule": ast.RuleDecl,
    "var": ast.VarDecl,
    "property": ast.PropertyDecl,
    "expect": ast.ExpectDecl,
    "scenario": ast.ScenarioDecl,
}


def _decl_name(d: object) -> str | None:
    if isinstance(d, ast.ExpectDecl):
        return d.property
    return getattr(d, "name", None)


def _without_allowed_rule(decls: list[ast.Decl], name: str) -> list[ast.Decl]:
    """`decls` with the repealed rule `name` taken out of every `allow … for` line; a line that
    allowed a finding for that rule only goes with it."""
    out: list[ast.Decl] = []
    for d in decls:
        if isinstance(d, ast.Allow) and name in d.rules:
            keep = tuple(r for r in d.rules if r != name)
            if not keep:
                continue
            spans = tuple(sp for r, sp in zip(d.rules, d.rule_spans, strict=False) if r != name)
            d = replace(d, rules=keep, rule_spans=spans)
        out.append(d)
    return out


def amend(
    base: ast.Module, bill: ast.Module, origins: dict[Part, Provenance]
) -> tuple[ast.Module, dict[Part, Provenance], list[Diagnostic]]:
    """The law as amended: the bill's repeals, amendments and insertions applied to `base`,
    in the bill's order (one method of `_Amending` per kind of declaration), and what could
    not be applied (E101, E111)."""
    amending = _Amending(base, bill, list(base.decls), dict(origins))
    for d in bill.decls:
        match d:
            case ast.Extends():
                pass
            case ast.Repeal(target="final"):
                amending.repeal_final(d)
            case ast.Repeal():
                amending.repeal(d)
            case ast.Amend():
                amending.amend_rule(d)
            case ast.AmendVar() | ast.AmendProperty():
                amending.amend_declaration(d)
            case ast.AmendScenario():
                amending.amend_scenario(d)
            case ast.Insert(rule=rule):
                amending.add_rule(rule, d.span, "use `amend rule` to change it")
            case ast.RuleDecl():
                amending.add_rule(
                    d, d.span, "use `amend rule` to change it, or `repeal rule` first"
                )
            case ast.ExpectDecl(property=prop):
                amending.drop(ast.ExpectDecl, prop)
                amending.decls.append(d)
            case _:
                amending.decls.append(d)
    merged = ast.Module(
        "procedure",
        bill.name,
        bill.title or base.title,
        tuple(amending.decls),
        bill.path,
        bill.span,
        bill.title_zh or base.title_zh,
    )
    return merged, amending.origins, amending.diags


@dataclass
class _Amending:
    """The declarations of the law being amended, and their provenance, while a bill's
    declarations are applied one by one."""

    base: ast.Module
    bill: ast.Module
    decls: list[ast.Decl]
    origins: dict[Part, Provenance]
    diags: list[Diagnostic] = field(default_factory=list)
    from_base: set[int] = field(default_factory=set)  # `repeal final` removes only these

    def __post_init__(self) -> None:
        self.from_base = {id(d) for d in self.base.decls}

    def find(self, cls: type, name: str) -> int | None:
        return next(
            (i for i, d in enumerate(self.decls) if isinstance(d, cls) and _decl_name(d) == name),
            None,
        )

    def drop(self, cls: type, name: str) -> None:
        i = self.find(cls, name)
        if i is not None:
            del self.decls[i]

    def nothing_to(self, what: str, span: Span, label: str, help: str = "") -> None:
        self.diags.append(
            error("E111", f"the law being amended has no {what}", span, label, help=help)
        )

    def repeal_final(self, d: ast.Repeal) -> None:
        finals = [x for x in self.decls if isinstance(x, ast.FinalDecl) and id(x) in self.from_base]
        if not finals:
            self.nothing_to("`final` lines to repeal", d.span, "nothing to repeal")
            return
        self.decls = [x for x in self.decls if not any(x is f for f in finals)]

    def repeal(self, d: ast.Repeal) -> None:
        i = self.find(_REPEALABLE[d.target], d.name)
        if i is None:
            help = self.scenario_help(d.name) if d.target == "scenario" else ""
            self.nothing_to(
                f"{d.target} '{d.name}' to repeal", d.span, "nothing to repeal", help=help
            )
            return
        del self.decls[i]
        self.origins.pop((d.target, d.name), None)
        if d.target == "rule":  # a reviewed lint finding about the rule goes with it
            self.decls = _without_allowed_rule(self.decls, d.name)
        if d.target in ("property", "scenario"):  # its expectation goes with it
            self.drop(ast.ExpectDecl, d.name)

    def amend_rule(self, d: ast.Amend) -> None:
        i = self.find(ast.RuleDecl, d.name)
        if i is None:
            self.nothing_to(
                f"rule '{d.name}' to amend",
                d.span,
                "nothing to amend",
                help="use `insert rule` for a new rule",
            )
            return
        old = self.decls[i]
        assert isinstance(old, ast.RuleDecl)
        # A replaced clause keeps its place, so the consolidated rule reads like the original.
        given = {type(c): c for c in d.clauses}
        kept = tuple(given.pop(type(c), c) for c in old.clauses)
        clauses = kept + tuple(c for c in d.clauses if type(c) in given)
        self.decls[i] = replace(
            old, clauses=clauses, title=d.title or old.title, title_zh=d.title_zh or old.title_zh
        )
        before = self.origins.get(("rule", d.name), Provenance.declared(self.base.path))
        self.origins[("rule", d.name)] = before.amended(self.bill.path)

    def amend_declaration(self, d: ast.AmendVar | ast.AmendProperty) -> None:
        """`amend var` / `amend property`: the declaration replaced whole."""
        new: ast.VarDecl | ast.PropertyDecl = d.var if isinstance(d, ast.AmendVar) else d.property
        kind = "var" if isinstance(d, ast.AmendVar) else "property"
        i = self.find(type(new), new.name)
        if i is None:
            self.nothing_to(
                f"{kind} '{new.name}' to amend",
                d.span,
                "nothing to amend",
                help=f"declare a new {kind} without `amend`",
            )
            return
        old = self.decls[i]
        if isinstance(new, ast.PropertyDecl):  # no title given: the old one stays
            assert isinstance(old, ast.PropertyDecl)
            new = replace(new, title=new.title or old.title, title_zh=new.title_zh or old.title_zh)
        self.decls[i] = new
        declared = Provenance.declared(old.span.path or self.base.path)
        self.origins[(kind, new.name)] = self.origins.get((kind, new.name), declared).amended(
            self.bill.path
        )

    def scenario_help(self, name: str) -> str:
        """`did you mean` for a scenario the law being amended does not have (E111)."""
        names = sorted(d.name for d in self.decls if isinstance(d, ast.ScenarioDecl))
        close = closest(name, names)
        if close:
            return f"did you mean '{close}'?"
        if not names:
            return "the law being amended declares no scenarios"
        return ""

    def amend_scenario(self, d: ast.AmendScenario) -> None:
        """`amend scenario`: the scenario replaced whole, in place (the old title stays if the
        bill gives none); its `expect` stays unless the bill restates it."""
        new = d.scenario
        i = self.find(ast.ScenarioDecl, new.name)
        if i is None:
            help = self.scenario_help(new.name) or "declare a new scenario without `amend`"
            self.nothing_to(
                f"scenario '{new.name}' to amend", d.span, "nothing to amend", help=help
            )
            return
        old = self.decls[i]
        assert isinstance(old, ast.ScenarioDecl)
        self.decls[i] = replace(new, title=new.title or old.title)
        declared = Provenance.declared(old.span.path or self.base.path)
        part = ("scenario", new.name)
        self.origins[part] = self.origins.get(part, declared).amended(self.bill.path)

    def add_rule(self, rule: ast.RuleDecl, span: Span, help: str) -> None:
        """`insert rule`, or a plain rule declared in the bill: a new rule."""
        if self.find(ast.RuleDecl, rule.name) is not None:
            self.diags.append(
                error(
                    "E101",
                    f"rule '{rule.name}' already exists in the law being amended",
                    span,
                    help=help,
                )
            )
            return
        self.decls.append(rule)
        self.origins[("rule", rule.name)] = Provenance.inserted(self.bill.path)
