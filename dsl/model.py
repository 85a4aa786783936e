"""The checked model: names resolved, expressions typed, rules instantiated, quantifiers unrolled.

This is the only representation the engines see. A state is a flat tuple with one *slot* per
scalar variable and per entry of a map variable (`share[c1]`, `share[c2]`); every expression
here refers to slots by index, so both engines can evaluate or encode it without names.

Values in a state: `bool` for booleans, `int` for integers, `str` for enum and set elements.

One module although it is long: type definitions only, the whole contract between the front
end and the engines in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dsl.source import NO_SPAN, Span

# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class BoolType:
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True, slots=True)
class IntType:
    """An integer range `lo..hi`; `None` bounds mean unbounded (the symbolic engine only)."""

    lo: int | None = None
    hi: int | None = None

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    def contains(self, value: int) -> bool:
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)

    def __str__(self) -> str:
        if self.lo is None and self.hi is None:
            return "int"
        return f"{'' if self.lo is None else self.lo}..{'' if self.hi is None else self.hi}"


@dataclass(frozen=True, slots=True)
class EnumType:
    """A finite set of named values: an anonymous enum `{a, b}` or the elements of a `set`."""

    name: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        return "{" + ", ".join(self.values) + "}"


Type = BoolType | IntType | EnumType
BOOL = BoolType()
INT = IntType()
Value = bool | int | str

# --------------------------------------------------------------------------- expressions

StepField = Literal["rule", "actor", "kind"]
BinaryOp = Literal["and", "or", "implies", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*"]


@dataclass(frozen=True, slots=True)
class Lit:
    value: Value


@dataclass(frozen=True, slots=True)
class SlotRef:
    """The current value of one state slot; `name` is for display (`share[c1]`)."""

    slot: int
    name: str = field(compare=False)


@dataclass(frozen=True, slots=True)
class MapRef:
    """A map entry chosen by a run-time key: slot `first + keys.index(key)`."""

    first: int
    keys: tuple[str, ...]
    key: Expr
    name: str = field(compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    op: BinaryOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class In:
    """Membership in a finite set of literal values."""

    operand: Expr
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Ite:
    cond: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True, slots=True)
class StepAttr:
    """An attribute of the step being matched (only inside step patterns); values are names."""

    field: StepField


Expr = Lit | SlotRef | MapRef | Not | Neg | Binary | In | Ite | StepAttr

# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Source:
    """A legal source a rule may cite: an article, its title, and optionally its text."""

    name: str
    title: str
    zh: str = ""
    text: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
    title_zh: str = ""  # the citation in Chinese (民事诉讼法第二百四十四条)


@dataclass(frozen=True, slots=True)
class Organ:
    """An organ type; `parent` makes a hierarchy (`enforcement_organ is court`)."""

    name: str
    parent: str | None = None
    label: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ActKind:
    name: str
    label: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    organ: str
    label: str = ""
    organ_chain: tuple[str, ...] = ()  # the organ and all its ancestors, nearest first
    span: Span = field(default=NO_SPAN, compare=False)
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class Slot:
    """One scalar position of the state tuple."""

    name: str  # display name: `stage`, `share[c1]`
    var: str
    key: str | None
    type: Type


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: Type  # the type of each entry for a map
    first_slot: int
    keys: tuple[str, ...] | None = None  # None for a scalar; the index set's elements for a map
    index_set: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def slots(self) -> range:
        return range(self.first_slot, self.first_slot + (len(self.keys) if self.keys else 1))


@dataclass(frozen=True, slots=True)
class Update:
    slot: int
    value: Expr


@dataclass(frozen=True, slots=True)
class RuleInstance:
    """One rule for one binding of its parameters: the unit both engines step with."""

    name: str  # display name: `pay_back(c1)`
    rule: str  # the declared rule's name: `pay_back`
    binding: tuple[tuple[str, str], ...]
    actor: str
    kind: str | None
    citations: tuple[str, ...]
    guard: Expr
    updates: tuple[Update, ...]
    duty: bool = False
    deadline_days: int | None = None
    title: str = ""
    origin: str = ""  # provenance in a consolidated law: "base.rev", "amended by bill.rev", ...
    span: Span = field(default=NO_SPAN, compare=False)
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class ValueTitle:
    """What `var` having `value` means in words (`value` None: what the variable is)."""

    var: str
    value: Value | None
    title: str
    title_zh: str = ""


# --------------------------------------------------------------------------- properties


@dataclass(frozen=True, slots=True)
class StepPattern:
    """Matches a step: `where` may use StepAttr fields and the state *before* the step."""

    where: Expr


@dataclass(frozen=True, slots=True)
class Invariant:
    """`always P` (and `never P` as `always not P`)."""

    predicate: Expr


@dataclass(frozen=True, slots=True)
class Reachable:
    predicate: Expr


@dataclass(frozen=True, slots=True)
class NeverStep:
    pattern: StepPattern


@dataclass(frozen=True, slots=True)
class RequiresEarlier:
    """Every step matching `step` is preceded on its run by a step matching `earlier`."""

    step: StepPattern
    earlier: StepPattern


@dataclass(frozen=True, slots=True)
class AfterPossible:
    """From every state right after a `step` step, some continuation takes a `target` step."""

    step: StepPattern
    target: StepPattern


@dataclass(frozen=True, slots=True)
class Eventually:
    predicate: Expr


@dataclass(frozen=True, slots=True)
class LeadsTo:
    """`P leads_to Q` or `S leads_to Q`, optionally `within N days`."""

    trigger: Expr | StepPattern
    target: Expr | StepPattern  # a state, or a step being taken
    within_days: int | None = None


PropertyForm = (
    Invariant | Reachable | NeverStep | RequiresEarlier | AfterPossible | Eventually | LeadsTo
)
SAFETY_FORMS = (Invariant, Reachable, NeverStep, RequiresEarlier)


@dataclass(frozen=True, slots=True)
class Property:
    name: str
    form: PropertyForm
    title: str = ""
    text: str = ""  # the property as written, for reports
    origin: str = ""  # the file that declared it (a library for principles)
    missing: str = (
        ""  # non-empty: the model lacks what the property needs (verdict: not applicable)
    )
    span: Span = field(default=NO_SPAN, compare=False)
    # a library principle: (name it reads, the procedure's name it was resolved to), for reports
    reads: tuple[tuple[str, str], ...] = ()
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class Expectation:
    property: str
    verdict: Literal["holds", "fails", "not applicable", "holds vacuously", "silent"]
    reason: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True, slots=True)
class ScenarioStep:
    """One step of a scenario's prefix: any of `instances` (of the declared `rule`), and, if
    `after` is given, the state after the step must satisfy it. With `days` (no rule, no
    instances) the step is the passage of that many days with no act in between: the model's
    time steps, judged against its deadlines (`checker.scenario.restrict`)."""

    rule: str
    instances: tuple[str, ...]
    after: Expr | None
    text: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
    days: int | None = None


@dataclass(frozen=True, slots=True)
class GivenFact:
    """A `given` fact about one variable's initial value (one slot), as a predicate on it."""

    slot: int
    predicate: Expr
    text: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


ScenarioGoal = Literal["always", "reachable", "eventually", "final"]


@dataclass(frozen=True, slots=True)
class Scenario:
    """Facts and what must follow on the runs consistent with them.

    The runs start in a state satisfying every `given` fact, begin with exactly `steps`, and
    the goal is judged from the state the last step reaches on (`checker.scenario`)."""

    name: str
    title: str
    given: tuple[GivenFact, ...]
    steps: tuple[ScenarioStep, ...]
    goal: ScenarioGoal
    predicate: Expr
    text: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
    citations: tuple[str, ...] = ()  # the articles the facts and the goal rest on


# --------------------------------------------------------------------------- reviewed findings


@dataclass(frozen=True, slots=True)
class Allowance:
    """`allow CODE for RULES "reason"`: findings of CODE (about one of RULES, when given) are
    accepted after review; `lint` reports them as allowed and they do not fail it."""

    code: str
    rules: tuple[str, ...]
    reason: str
    span: Span = field(default=NO_SPAN, compare=False)

    def covers(self, code: str, rules: tuple[str, ...]) -> bool:
        return code == self.code and (not self.rules or any(r in self.rules for r in rules))


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class Model:
    """A procedure (or library) after resolution, type checking and lowering."""

    name: str
    title: str
    is_library: bool
    path: str
    sources: tuple[Source, ...]
    organs: tuple[Organ, ...]
    kinds: tuple[ActKind, ...]
    actors: tuple[Actor, ...]
    sets: tuple[tuple[str, tuple[str, ...]], ...]
    variables: tuple[Variable, ...]
    slots: tuple[Slot, ...]
    initial: tuple[tuple[Value, ...] | None, ...]  # per slot: the possible values; None = any int
    rules: tuple[RuleInstance, ...]
    final: Expr | None  # lawful end states; None when the file declares no `final`
    properties: tuple[Property, ...]
    expectations: tuple[Expectation, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    value_titles: tuple[ValueTitle, ...] = ()
    scenarios: tuple[Scenario, ...] = ()  # checked by checker.scenario on a restricted model
    allows: tuple[Allowance, ...] = ()  # reviewed lint findings and warnings (`allow`)
    title_zh: str = ""

    @property
    def finite(self) -> bool:
        """Every slot has a finite domain (the explicit engine can enumerate it)."""
        return all(domain_of(s.type) is not None for s in self.slots) and all(
            init is not None for init in self.initial
        )

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)

    def actor(self, name: str) -> Actor | None:
        return next((a for a in self.actors if a.name == name), None)

    def property(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)


def domain_of(t: Type) -> tuple[Value, ...] | None:
    """All values of a finite type, in order; None when unbounded."""
    match t:
        case BoolType():
            return (False, True)
        case IntType(lo=lo, hi=hi):
            if lo is None or hi is None:
                return None
            return tuple(range(lo, hi + 1))
        case EnumType(values=values):
            return values
    raise AssertionError(t)
