"""What an amendment changes in the law's guarantees, beside its rules: actors, properties,
expectations.

A CI gate that only compares verdicts can be fooled: a bill that repeals the property it would
break, or drops an `expect`, or reclassifies a judge from the trial to the enforcement organ,
changes no verdict of the properties that remain. These changes are therefore regressions by
default (`LawChange.regression`), each with the old and the new text:

- a property or principle removed, or its formula changed (revcheck does not try to prove that
  the new formula is at least as strong, so any change counts as a possible weakening);
- an `expect` removed, or weakened (`holds` becomes `fails` or `not applicable`);
- an actor's organ type changed (a rule by that actor now acts in another capacity);
- a rule's act kind changed (reported by `checker.diff.rules`, classified here).

`--allow-removed NAME` (repeatable) accepts a deliberate change of NAME (a property, an
expectation's property, an actor or a rule): it is still reported, marked "allowed".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from checker.diff.rules import RuleChange, RuleChangeKind, header
from dsl.model import Model
from dsl.source import Span


class LawChangeKind(enum.Enum):
    PROPERTY_REMOVED = "property removed"
    PROPERTY_CHANGED = "property changed"
    EXPECT_REMOVED = "expectation removed"
    EXPECT_WEAKENED = "expectation weakened"
    EXPECT_CHANGED = "expectation changed"
    ACTOR_RECLASSIFIED = "actor reclassified"
    ACTOR_REMOVED = "actor removed"
    RULE_KIND_CHANGED = "act kind changed"


# kinds that are regressions unless allowed
REGRESSIONS = frozenset(
    {
        LawChangeKind.PROPERTY_REMOVED,
        LawChangeKind.PROPERTY_CHANGED,
        LawChangeKind.EXPECT_REMOVED,
        LawChangeKind.EXPECT_WEAKENED,
        LawChangeKind.ACTOR_RECLASSIFIED,
        LawChangeKind.RULE_KIND_CHANGED,
    }
)


@dataclass(frozen=True, slots=True)
class LawChange:
    kind: LawChangeKind
    name: str  # the property, expectation's property, actor or rule
    old: str  # the old text ("" if none)
    new: str  # the new text ("" if removed)
    span: Span  # where to point: the new declaration, else the new file's header
    allowed: bool = False  # accepted with --allow-removed NAME

    @property
    def regression(self) -> bool:
        return self.kind in REGRESSIONS and not self.allowed


_STRENGTH = {"holds": 2, "not applicable": 1, "fails": 0}


def _properties(old: Model, new: Model) -> list[LawChange]:
    after = {p.name: p for p in new.properties}
    out: list[LawChange] = []
    for p in old.properties:
        q = after.get(p.name)
        if q is None:
            out.append(LawChange(LawChangeKind.PROPERTY_REMOVED, p.name, p.text, "", header(new)))
        elif q.text != p.text:
            out.append(LawChange(LawChangeKind.PROPERTY_CHANGED, p.name, p.text, q.text, q.span))
    return out


def _expectations(old: Model, new: Model) -> list[LawChange]:
    after = {e.property: e for e in new.expectations}
    out: list[LawChange] = []
    for e in old.expectations:
        f = after.get(e.property)
        before = f"expect {e.property} {e.verdict}"
        if f is None:
            out.append(LawChange(LawChangeKind.EXPECT_REMOVED, e.property, before, "", header(new)))
            continue
        if f.verdict == e.verdict:
            continue
        kind = (
            LawChangeKind.EXPECT_WEAKENED
            if _STRENGTH[f.verdict] < _STRENGTH[e.verdict]
            else LawChangeKind.EXPECT_CHANGED
        )
        out.append(LawChange(kind, e.property, before, f"expect {f.property} {f.verdict}", f.span))
    return out


def _actors(old: Model, new: Model) -> list[LawChange]:
    after = {a.name: a for a in new.actors}
    out: list[LawChange] = []
    for a in old.actors:
        b = after.get(a.name)
        if b is None:
            out.append(
                LawChange(
                    LawChangeKind.ACTOR_REMOVED,
                    a.name,
                    f"actor {a.name} is {a.organ}",
                    "",
                    header(new),
                )
            )
        elif b.organ != a.organ:
            out.append(
                LawChange(
                    LawChangeKind.ACTOR_RECLASSIFIED,
                    a.name,
                    f"actor {a.name} is {a.organ}",
                    f"actor {b.name} is {b.organ}",
                    b.span,
                )
            )
    return out


def _rule_kinds(rules: tuple[RuleChange, ...]) -> list[LawChange]:
    out: list[LawChange] = []
    for c in rules:
        if c.kind is not RuleChangeKind.AMENDED:
            continue
        k = c.clause("kind")
        if k is not None:
            out.append(
                LawChange(
                    LawChangeKind.RULE_KIND_CHANGED,
                    c.rule,
                    f"kind {k.old}",
                    f"kind {k.new}",
                    c.span,
                )
            )
    return out


def diff_law(
    old: Model, new: Model, rules: tuple[RuleChange, ...], allow: frozenset[str] = frozenset()
) -> tuple[LawChange, ...]:
    """Every change of a guarantee between `old` and `new`, in a stable order."""
    found = _properties(old, new) + _expectations(old, new) + _actors(old, new) + _rule_kinds(rules)
    return tuple(replace(c, allowed=c.name in allow) for c in found)
