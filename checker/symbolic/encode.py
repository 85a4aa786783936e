"""Encode a checked model as a Z3 transition relation.

Input: a `dsl.model.Model`. Output: an `Encoding` that builds, for any number of steps,
- one Z3 constant per slot and step (`Bool`, `Int`; an enum or set element is an `Int` holding
  the element's *code*, see below), with the slot's domain as a constraint on every state;
- `init(s)`: the initial-state predicate (an `any` initial value leaves the slot free);
- `transition(s, label, t)`: some rule instance fires from `s` to `t`; `label` is an `Int`
  constant holding the index of the instance (the *step label*), so the rule, actor, organ and
  kind of a step are functions of it;
- expressions of the model over a state (and, inside step patterns, over a rule's label).

Codes: every name value (enum and set elements, actors, rule and kind names, and `None` for a
rule without a kind) gets one integer, shared by the whole model, so `==` between names is
`==` between codes whatever enum they come from. The codes of each enum's values are handed
out first and in order, so an enum's domain is usually an integer interval.

The encoding means exactly `checker.core.semantics`: a rule instance fires when its guard holds and
every updated value lies in its slot's declared domain (an update that leaves it is a range
error, reported separately, and no step of the state graph); all updates are simultaneous and
every slot not updated keeps its value (frame condition).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import assert_never

import z3

from checker.core.semantics import STRICT_OPERATORS, fold
from dsl.model import (
    Binary,
    BoolType,
    EnumType,
    Expr,
    In,
    IntType,
    Ite,
    Lit,
    MapRef,
    Model,
    Neg,
    Not,
    RuleInstance,
    SlotRef,
    StepAttr,
    Type,
    Value,
)

StateVars = tuple[z3.ExprRef, ...]
Label = dict[str, Value | None]


class Encoding:
    """One model's Z3 vocabulary; each instance owns a fresh Z3 context."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.ctx = z3.Context()
        self._codes: dict[Value | None, int] = {}
        self._names: dict[int, Value | None] = {}
        for slot in model.slots:
            if isinstance(slot.type, EnumType):
                for v in slot.type.values:
                    self.code(v)
        self.true = z3.BoolVal(True, self.ctx)
        self.false = z3.BoolVal(False, self.ctx)
        self.labels: tuple[Label, ...] = tuple(
            {"rule": r.rule, "actor": r.actor, "kind": r.kind} for r in model.rules
        )
        self._residuals: dict[tuple[int, Expr], Expr] = {}

    # ------------------------------------------------------------------ names and values

    def code(self, value: Value | None) -> int:
        """The integer standing for a name value (or `None`, the kind of a kindless rule)."""
        found = self._codes.get(value)
        if found is None:
            found = len(self._codes)
            self._codes[value] = found
            self._names[found] = value
        return found

    def name_of(self, code: int) -> Value | None:
        return self._names[code]

    def value(self, v: Value | None) -> z3.ExprRef:
        """A literal as a Z3 term."""
        if isinstance(v, bool):
            return z3.BoolVal(v, self.ctx)
        if isinstance(v, int):
            return z3.IntVal(v, self.ctx)
        return z3.IntVal(self.code(v), self.ctx)

    # ------------------------------------------------------------------ states

    def state(self, tag: str) -> StateVars:
        """Fresh constants for one state; `tag` keeps names unique within a solver."""
        out: list[z3.ExprRef] = []
        for slot in self.model.slots:
            name = f"{slot.name}@{tag}"
            if isinstance(slot.type, BoolType):
                out.append(z3.Bool(name, self.ctx))
            else:
                out.append(z3.Int(name, self.ctx))
        return tuple(out)

    def label(self, tag: str) -> z3.ArithRef:
        return z3.Int(f"step@{tag}", self.ctx)

    def in_domain(self, t: Type, x: z3.ExprRef) -> z3.BoolRef:
        """`x` is a value of type `t`."""
        match t:
            case BoolType():
                return self.true
            case IntType(lo=lo, hi=hi):
                parts = []
                if lo is not None:
                    parts.append(x >= lo)  # type: ignore[operator]
                if hi is not None:
                    parts.append(x <= hi)  # type: ignore[operator]
                return self.all(parts)
            case EnumType(values=values):
                codes = [self.code(v) for v in values]
                if codes == list(range(codes[0], codes[0] + len(codes))):
                    return z3.And(x >= codes[0], x <= codes[-1])  # type: ignore[operator]
                return self.any([x == c for c in codes])
        assert_never(t)

    def well_typed(self, s: StateVars) -> z3.BoolRef:
        """Every slot of `s` holds a value of its declared type."""
        return self.all(
            [self.in_domain(slot.type, x) for slot, x in zip(self.model.slots, s, strict=True)]
        )

    def init(self, s: StateVars) -> z3.BoolRef:
        parts = []
        for values, x in zip(self.model.initial, s, strict=True):
            if values is not None:
                parts.append(self.any([x == self.value(v) for v in values]))
        return self.all(parts)

    def distinct(self, a: StateVars, b: StateVars) -> z3.BoolRef:
        return self.any([x != y for x, y in zip(a, b, strict=True)])

    # ------------------------------------------------------------------ steps

    def fires(self, rule: RuleInstance, s: StateVars, t: StateVars) -> z3.BoolRef:
        """`rule` is enabled in `s` and yields `t` (the domain of `t` is asserted separately)."""
        new = list(s)
        for u in rule.updates:
            new[u.slot] = self.expr(u.value, s)
        return self.all([self.expr(rule.guard, s), *(x == y for x, y in zip(t, new, strict=True))])

    def in_range(self, rule: RuleInstance, s: StateVars) -> z3.BoolRef:
        """Every value `rule` assigns in `s` lies in its slot's domain."""
        slots = self.model.slots
        return self.all(
            [self.in_domain(slots[u.slot].type, self.expr(u.value, s)) for u in rule.updates]
        )

    def can_fire(self, rule: RuleInstance, s: StateVars) -> z3.BoolRef:
        """`rule` has a successor in `s`: its guard holds and its updates stay in range."""
        return z3.And(self.expr(rule.guard, s), self.in_range(rule, s))

    def transition(self, s: StateVars, label: z3.ArithRef, t: StateVars) -> z3.BoolRef:
        """Rule instance number `label` fires from `s` to `t`.

        Functional form: the guard of the chosen instance holds, and each slot of `t` is an
        if-chain over the instances that update it, ending in the slot's old value (frame)."""
        rules = self.model.rules
        if not rules:
            return self.false
        guard: z3.BoolRef = self.expr(rules[-1].guard, s)  # type: ignore[assignment]
        for k in range(len(rules) - 2, -1, -1):
            guard = z3.If(label == k, self.expr(rules[k].guard, s), guard)
        parts = [label >= 0, label < len(rules), guard]
        for i, (old, new) in enumerate(zip(s, t, strict=True)):
            value = old
            for k, rule in reversed(list(enumerate(rules))):
                for u in rule.updates:
                    if u.slot == i:
                        value = z3.If(label == k, self.expr(u.value, s), value)
            parts.append(new == value)
        return self.all(parts)

    def residual(self, where: Expr, k: int) -> Expr:
        """A step pattern's condition for steps of rule instance `k`: a pre-state predicate."""
        key = (k, where)
        found = self._residuals.get(key)
        if found is None:
            found = fold(where, self.labels[k])
            self._residuals[key] = found
        return found

    def step_matches(self, where: Expr, s: StateVars) -> Iterator[tuple[int, z3.BoolRef]]:
        """For each rule instance that can match `where`: (index, its step matches from `s`)."""
        for k, rule in enumerate(self.model.rules):
            rest = self.residual(where, k)
            if isinstance(rest, Lit) and not rest.value:
                continue
            yield k, z3.And(self.can_fire(rule, s), self.expr(rest, s))

    def some_step_matches(self, where: Expr, s: StateVars) -> z3.BoolRef:
        """Some step matching `where` can be taken from `s`."""
        return self.any([m for _, m in self.step_matches(where, s)])

    def label_matches(self, where: Expr, s: StateVars, label: z3.ArithRef) -> z3.BoolRef:
        """The step numbered `label` taken from `s` matches `where`."""
        parts = []
        for k in range(len(self.model.rules)):
            rest = self.residual(where, k)
            if isinstance(rest, Lit) and not rest.value:
                continue
            parts.append(z3.And(label == k, self.expr(rest, s)))
        return self.any(parts)

    # ------------------------------------------------------------------ expressions

    def expr(self, e: Expr, s: Sequence[z3.ExprRef], label: Label | None = None) -> z3.ExprRef:
        """`e` over the state `s` (and the step `label`, inside a step pattern)."""
        match e:
            case Lit(value=v):
                return self.value(v)
            case SlotRef(slot=i):
                return s[i]
            case MapRef(first=first, keys=keys, key=key):
                if isinstance(key, Lit):
                    return s[first + keys.index(key.value)]  # type: ignore[arg-type]
                k = self.expr(key, s, label)
                out = s[first + len(keys) - 1]
                for n in range(len(keys) - 2, -1, -1):
                    out = z3.If(k == self.code(keys[n]), s[first + n], out)
                return out
            case Not(operand=o):
                return z3.Not(self.expr(o, s, label))
            case Neg(operand=o):
                return -self.expr(o, s, label)  # type: ignore[operator]
            case In(operand=o, values=values):
                x = self.expr(o, s, label)
                return self.any([x == self.value(v) for v in values])
            case Ite(cond=c, then=t, other=o):
                return z3.If(self.expr(c, s, label), self.expr(t, s, label), self.expr(o, s, label))
            case StepAttr(field=f):
                if label is None:
                    raise ValueError("step attribute encoded outside a step pattern")
                return self.value(label[f])
            case Binary(op=op, left=left, right=right):
                return self._binary(op, self.expr(left, s, label), self.expr(right, s, label))
            case _:
                assert_never(e)

    def _binary(self, op: str, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        match op:
            case "and":
                return z3.And(a, b)
            case "or":
                return z3.Or(a, b)
            case "implies":
                return z3.Implies(a, b)
            case _ if op in STRICT_OPERATORS:
                return STRICT_OPERATORS[op](a, b)  # type: ignore[no-any-return]
        raise ValueError(f"unknown operator {op}")

    def all(self, parts: Sequence[z3.BoolRef]) -> z3.BoolRef:
        parts = [p for p in parts if not z3.is_true(p)]
        if not parts:
            return self.true
        return parts[0] if len(parts) == 1 else z3.And(*parts)

    def any(self, parts: Sequence[z3.BoolRef]) -> z3.BoolRef:
        parts = [p for p in parts if not z3.is_false(p)]
        if not parts:
            return self.false
        return parts[0] if len(parts) == 1 else z3.Or(*parts)


# --------------------------------------------------------------------------- step patterns
