"""Small checked models built directly in Python (no parser), for engine tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dsl.model import (
    BOOL,
    ActKind,
    Actor,
    Binary,
    EnumType,
    Expr,
    In,
    IntType,
    Ite,
    Lit,
    Model,
    Not,
    Organ,
    Property,
    PropertyForm,
    RuleInstance,
    Slot,
    SlotRef,
    StepAttr,
    StepPattern,
    Type,
    Update,
    Value,
    Variable,
)


def lit(v: Value) -> Lit:
    return Lit(v)


def op(o: str, a: Expr | Value, b: Expr | Value) -> Binary:
    return Binary(o, _e(a), _e(b))  # type: ignore[arg-type]


def eq(a: Expr | Value, b: Expr | Value) -> Binary:
    return op("==", a, b)


def and_(*xs: Expr) -> Expr:
    out = xs[0]
    for x in xs[1:]:
        out = Binary("and", out, x)
    return out


def or_(*xs: Expr) -> Expr:
    out = xs[0]
    for x in xs[1:]:
        out = Binary("or", out, x)
    return out


def not_(x: Expr) -> Not:
    return Not(x)


def ite(c: Expr, a: Expr | Value, b: Expr | Value) -> Ite:
    return Ite(c, _e(a), _e(b))


def in_(x: Expr, *values: Value) -> In:
    return In(x, values)


def step(**attrs: str) -> StepPattern:
    """A step pattern matching the given step attributes (`rule=`, `actor=`, `kind=`)."""
    conds = [eq(StepAttr(k), v) for k, v in attrs.items()]  # type: ignore[arg-type]
    return StepPattern(and_(*conds) if conds else Lit(True))


def _e(x: Expr | Value) -> Expr:
    return x if not isinstance(x, bool | int | str) else Lit(x)


@dataclass
class Builder:
    """Declares variables and rules in order, then builds a `Model`."""

    name: str = "handmade"
    slots: list[Slot] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    initial: list[tuple[Value, ...] | None] = field(default_factory=list)
    rules: list[RuleInstance] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)

    def var(self, name: str, type_: Type, *initial: Value, any_: bool = False) -> SlotRef:
        i = len(self.slots)
        self.slots.append(Slot(name, name, None, type_))
        self.variables.append(Variable(name, type_, i))
        self.initial.append(None if any_ else tuple(initial))
        return SlotRef(i, name)

    def map(self, name: str, keys: tuple[str, ...], type_: Type, init: Value) -> list[SlotRef]:
        first = len(self.slots)
        self.variables.append(Variable(name, type_, first, keys, f"{name}_keys"))
        refs = []
        for n, k in enumerate(keys):
            self.slots.append(Slot(f"{name}[{k}]", name, k, type_))
            self.initial.append((init,))
            refs.append(SlotRef(first + n, f"{name}[{k}]"))
        return refs

    def rule(
        self,
        name: str,
        guard: Expr | bool,
        updates: dict[SlotRef, Expr | Value] | None = None,
        *,
        actor: str = "court",
        kind: str | None = None,
        rule: str | None = None,
        duty: bool = False,
        within: int | None = None,
    ) -> None:
        """A rule instance; `duty` makes it weakly fair, `within` adds a deadline (and duty)."""
        ups = tuple(Update(ref.slot, _e(v)) for ref, v in (updates or {}).items())
        self.rules.append(
            RuleInstance(
                name,
                rule or name,
                (),
                actor,
                kind,
                (),
                _e(guard),
                ups,
                duty=duty or within is not None,
                deadline_days=within,
            )
        )

    def prop(self, name: str, form: PropertyForm) -> None:
        self.properties.append(Property(name, form))

    def build(self, final: Expr | None = None) -> Model:
        return Model(
            name=self.name,
            title="",
            is_library=False,
            path="<handmade>",
            sources=(),
            organs=(Organ("court"), Organ("party")),
            kinds=(ActKind("decision"), ActKind("initiation")),
            actors=(Actor("court", "court"), Actor("party", "party")),
            sets=(),
            variables=tuple(self.variables),
            slots=tuple(self.slots),
            initial=tuple(self.initial),
            rules=tuple(self.rules),
            final=final,
            properties=tuple(self.properties),
            expectations=(),
        )


# --------------------------------------------------------------------------- puzzles


def jugs(small: int = 3, big: int = 5, goal: int = 4) -> Model:
    """Two jugs: `reachable b == goal` (3 and 5 litres: shortest solution 6 steps)."""
    from dsl.model import Reachable

    m = Builder("jugs")
    a = m.var("a", IntType(0, small), 0)
    b = m.var("b", IntType(0, big), 0)
    total = op("+", a, b)
    m.rule("fill_a", op("<", a, small), {a: small})
    m.rule("fill_b", op("<", b, big), {b: big})
    m.rule("empty_a", op(">", a, 0), {a: 0})
    m.rule("empty_b", op(">", b, 0), {b: 0})
    fits_b, fits_a = op("<=", total, big), op("<=", total, small)
    m.rule(
        "pour_a_b",
        and_(op(">", a, 0), op("<", b, big)),
        {a: ite(fits_b, 0, op("-", total, big)), b: ite(fits_b, total, big)},
    )
    m.rule(
        "pour_b_a",
        and_(op(">", b, 0), op("<", a, small)),
        {a: ite(fits_a, total, small), b: ite(fits_a, 0, op("-", total, small))},
    )
    m.prop("goal", Reachable(eq(b, goal)))
    return m.build()


PEGS = EnumType("pegs", ("a", "b", "c"))


def hanoi(n: int) -> Model:
    """Tower of Hanoi with `n` disks: one slot per disk (its peg, disk 0 the smallest), one
    rule instance per (from, to) pair. 3**n states; `reachable` all on peg c in 2**n - 1."""
    from dsl.model import Reachable

    m = Builder(f"hanoi{n}")
    on = m.map("on", tuple(f"d{d}" for d in range(n)), PEGS, "a")

    def top(peg: str) -> Expr:  # the smallest disk on `peg`, n when it is empty
        out: Expr = Lit(n)
        for d in reversed(range(n)):
            out = ite(eq(on[d], peg), d, out)
        return out

    for x in PEGS.values:
        for y in PEGS.values:
            if x != y:
                moved = top(x)
                m.rule(
                    f"move({x}, {y})",
                    op("<", moved, top(y)),
                    {on[d]: ite(eq(moved, d), y, on[d]) for d in range(n)},
                    rule="move",
                    kind="decision",
                )
    m.prop("solved", Reachable(and_(*(eq(on[d], "c") for d in range(n)))))
    return m.build()


__all__ = ["BOOL", "Builder", "hanoi", "in_", "jugs", "lit", "not_", "or_", "step"]


@dataclass(frozen=True)
class SlotView:
    """What a strategy made by `per_builder` reads of a builder: its slots when it was made."""

    slots: tuple[Slot, ...]


_STRATEGIES: dict[tuple[Any, ...], Any] = {}


def per_builder(strategy: Callable[..., Any]) -> Callable[..., Any]:
    """A strategy factory `f(m, *args)` whose strategies are made once per slot layout and
    arguments, shared by every builder with the same slots. Hypothesis pays for every strategy
    object it meets anew (labels, emptiness), which costs more than the draws of a small model;
    a strategy made per builder was new in every example. The strategy is given a `SlotView`
    of the slots as they are when it is asked for, never the builder, so what it draws cannot
    depend on which builder made it."""

    def made(m: Builder | SlotView, *args: Any, **kwargs: Any) -> Any:
        slots = tuple(m.slots)
        key = (strategy, slots, args, tuple(sorted(kwargs.items())))
        hit = _STRATEGIES.get(key)
        if hit is None:
            hit = _STRATEGIES[key] = strategy(SlotView(slots), *args, **kwargs)
        return hit

    return made
