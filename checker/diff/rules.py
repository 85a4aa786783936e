"""Rules added, repealed or amended between two consolidated rule sets.

Input: the old and the new checked `Model` (and, if the new file is an amendment bill, its
`repeal`/`amend`/`insert` declarations, for locating each change on the bill's own lines).
Output: `RuleChange`s in declaration order (new rules first in the new model's order, then
repealed ones in the old model's order).

Rules are compared by their declared name and meaning: actor, kind, citations, duty and
deadline, and guards and effects with state slots read by *name*, so that adding a variable
elsewhere (which renumbers the slots) does not make every rule look amended. Provenance
(`RuleInstance.origin`) and spans are not part of the comparison.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from checker.core.show_expr import show
from dsl import ast
from dsl.model import MapRef, Model, RuleInstance, SlotRef
from dsl.parser import parse
from dsl.source import SourceFile, Span


class RuleChangeKind(enum.Enum):
    ADDED = "added"
    REPEALED = "repealed"
    AMENDED = "amended"


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """One clause of a rule, before and after: `when`, `then`, `by`, `kind`, `cites`, …"""

    clause: str  # actor | kind | cites | duty | deadline | instances | when | then | title
    old: str
    new: str

    @property
    def text(self) -> str:
        return f"{self.clause}: {self.old} → {self.new}"


@dataclass(frozen=True, slots=True)
class RuleChange:
    rule: str  # the declared rule's name
    kind: RuleChangeKind
    clauses: tuple[ClauseChange, ...]  # for an amendment: what changed, old and new text
    origin: str  # provenance in the new consolidated law ("" for a repealed rule)
    span: Span  # where the change is written: the bill's line, else the rule in the new file

    @property
    def details(self) -> tuple[str, ...]:
        """Each changed clause in words: `actor: a (enforcement_organ) → b (trial_organ)`."""
        return tuple(c.text for c in self.clauses)

    def clause(self, name: str) -> ClauseChange | None:
        return next((c for c in self.clauses if c.clause == name), None)


def _canon(model: Model, value: object) -> object:
    """A comparable form of a model value with slot numbers replaced by slot names."""
    match value:
        case SlotRef(slot=slot):
            return ("slot", model.slots[slot].name)
        case MapRef(name=name, keys=keys, key=key):
            return ("map", name, keys, _canon(model, key))
        case tuple():
            return tuple(_canon(model, v) for v in value)
        case _ if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = [
                _canon(model, getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.compare
            ]
            return (type(value).__name__, *fields)
    return value


def _effects(model: Model, rule: RuleInstance) -> object:
    return tuple((model.slots[u.slot].name, _canon(model, u.value)) for u in rule.updates)


def _group(model: Model) -> dict[str, list[RuleInstance]]:
    out: dict[str, list[RuleInstance]] = {}
    for r in model.rules:
        out.setdefault(r.rule, []).append(r)
    return out


def _names(xs: tuple[str, ...]) -> str:
    return ", ".join(xs) or "none"


def _organ(model: Model, actor: str) -> str:
    a = model.actor(actor)
    return a.organ if a else "?"


def _deadline(d: int | None) -> str:
    return "none" if d is None else f"{d} days"


def _guards(rules: list[RuleInstance]) -> str:
    return "; ".join(
        f"{r.name}: {show(r.guard)}" if len(rules) > 1 else show(r.guard) for r in rules
    )


def _updates(model: Model, rules: list[RuleInstance]) -> str:
    def one(r: RuleInstance) -> str:
        text = (
            "; ".join(f"{model.slots[u.slot].name} := {show(u.value)}" for u in r.updates)
            or "nothing"
        )
        return f"{r.name}: {text}" if len(rules) > 1 else text

    return " | ".join(one(r) for r in rules)


def _amendments(
    old: Model, new: Model, a: list[RuleInstance], b: list[RuleInstance]
) -> list[ClauseChange]:
    """What changed in a declared rule, clause by clause; empty when it means the same."""
    first_a, first_b = a[0], b[0]
    out: list[ClauseChange] = []
    if first_a.actor != first_b.actor:
        out.append(
            ClauseChange(
                "actor",
                f"{first_a.actor} ({_organ(old, first_a.actor)})",
                f"{first_b.actor} ({_organ(new, first_b.actor)})",
            )
        )
    if first_a.kind != first_b.kind:
        out.append(ClauseChange("kind", first_a.kind or "none", first_b.kind or "none"))
    if first_a.citations != first_b.citations:
        out.append(ClauseChange("cites", _names(first_a.citations), _names(first_b.citations)))
    if first_a.duty != first_b.duty:
        out.append(
            ClauseChange("duty", "yes" if first_a.duty else "no", "yes" if first_b.duty else "no")
        )
    if first_a.deadline_days != first_b.deadline_days:
        out.append(
            ClauseChange(
                "deadline", _deadline(first_a.deadline_days), _deadline(first_b.deadline_days)
            )
        )
    if [r.binding for r in a] != [r.binding for r in b]:
        out.append(
            ClauseChange("instances", ", ".join(r.name for r in a), ", ".join(r.name for r in b))
        )
    elif [_canon(old, r.guard) for r in a] != [_canon(new, r.guard) for r in b]:
        out.append(ClauseChange("when", _guards(a), _guards(b)))
    if len(a) == len(b) and [_effects(old, r) for r in a] != [_effects(new, r) for r in b]:
        out.append(ClauseChange("then", _updates(old, a), _updates(new, b)))
    if first_a.title != first_b.title:
        out.append(ClauseChange("title", repr(first_a.title), repr(first_b.title)))
    return out


def bill_spans(files: dict[str, SourceFile], path: str) -> dict[tuple[str, str], Span]:
    """(`repeal`|`amend`|`insert`, rule name) -> the declaration's span in the bill at `path`."""
    source = files.get(path)
    if source is None:
        return {}
    module, _ = parse(source)
    if module is None:
        return {}
    out: dict[tuple[str, str], Span] = {}
    for d in module.decls:
        match d:
            case ast.Repeal(target="rule", name=name, span=span):
                out[("repeal", name)] = span
            case ast.Amend(name=name, span=span):
                out[("amend", name)] = span
            case ast.Insert(rule=rule, span=span):
                out[("insert", rule.name)] = span
    return out


def header(model: Model) -> Span:
    """The first line of a model's file (the `procedure` line): where file-wide news goes."""
    s = model.span
    return Span(
        s.path, max(s.line, 1), max(s.col, 1), max(s.line, 1), max(s.col, 1) + len("procedure")
    )


def diff_rules(
    old: Model, new: Model, bill: dict[tuple[str, str], Span] | None = None
) -> tuple[RuleChange, ...]:
    bill = bill or {}
    before, after = _group(old), _group(new)
    out: list[RuleChange] = []
    for name, rules in after.items():
        span = rules[0].span
        if name not in before:
            out.append(
                RuleChange(
                    name,
                    RuleChangeKind.ADDED,
                    (),
                    rules[0].origin,
                    bill.get(("insert", name), span),
                )
            )
            continue
        details = _amendments(old, new, before[name], rules)
        if details:
            out.append(
                RuleChange(
                    name,
                    RuleChangeKind.AMENDED,
                    tuple(details),
                    rules[0].origin,
                    bill.get(("amend", name), span),
                )
            )
    for name in before:
        if name not in after:
            out.append(
                RuleChange(
                    name, RuleChangeKind.REPEALED, (), "", bill.get(("repeal", name), header(new))
                )
            )
    return tuple(out)
