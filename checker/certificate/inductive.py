"""Checking an inductive invariant with a fresh Z3 query, apart from the symbolic engine.

Input: a model, an invariant `I` and the property `P` it is to prove (both model expressions).
Output: '' when `I` holds initially (initiation), is kept by every rule (consecution, one query
per rule so a failure names the rule), and implies `P`; else which of these fails, with a state
Z3 found. The encoding here is written from the reference semantics (`checker.core.semantics`):
a step is a rule whose guard holds and whose updates stay in their declared ranges, applied
simultaneously; days passing change no model state, so invariants need no clocks. It shares
no code with `checker.symbolic`.
"""

from __future__ import annotations

from typing import assert_never

import z3

from checker.core.show_expr import value_text
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

TIMEOUT_MS = 60_000


class _Encoder:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.ctx = z3.Context()
        self.codes: dict[str, int] = {}
        for slot in model.slots:
            if isinstance(slot.type, EnumType):
                for v in slot.type.values:
                    self.codes.setdefault(v, len(self.codes))
        self.names = {c: v for v, c in self.codes.items()}

    def state(self, tag: str) -> list[z3.ExprRef]:
        out: list[z3.ExprRef] = []
        for i, slot in enumerate(self.model.slots):
            name = f"{tag}_{i}"
            if isinstance(slot.type, BoolType):
                out.append(z3.Bool(name, self.ctx))
            else:
                out.append(z3.Int(name, self.ctx))
        return out

    def value(self, v: Value) -> z3.ExprRef:
        if isinstance(v, bool):
            return z3.BoolVal(v, self.ctx)
        if isinstance(v, int):
            return z3.IntVal(v, self.ctx)
        return z3.IntVal(self.codes.setdefault(v, len(self.codes)), self.ctx)

    def expr(self, e: Expr, s: list[z3.ExprRef]) -> z3.ExprRef:
        match e:
            case Lit(value=v):
                return self.value(v)
            case SlotRef(slot=i):
                return s[i]
            case MapRef(first=first, keys=keys, key=key):
                k = self.expr(key, s)
                out = s[first + len(keys) - 1]
                for j in range(len(keys) - 2, -1, -1):
                    out = z3.If(k == self.value(keys[j]), s[first + j], out)
                return out
            case Not(operand=o):
                return z3.Not(self.expr(o, s))
            case Neg(operand=o):
                return -self.expr(o, s)
            case In(operand=o, values=values):
                x = self.expr(o, s)
                return z3.Or([x == self.value(v) for v in values] or [z3.BoolVal(False, self.ctx)])
            case Ite(cond=c, then=t, other=o):
                return z3.If(self.expr(c, s), self.expr(t, s), self.expr(o, s))
            case Binary(op=op, left=left, right=right):
                a, b = self.expr(left, s), self.expr(right, s)
                if op == "and":
                    return z3.And(a, b)
                if op == "or":
                    return z3.Or(a, b)
                if op == "implies":
                    return z3.Implies(a, b)
                return {
                    "==": lambda: a == b,
                    "!=": lambda: a != b,
                    "<": lambda: a < b,
                    "<=": lambda: a <= b,
                    ">": lambda: a > b,
                    ">=": lambda: a >= b,
                    "+": lambda: a + b,
                    "-": lambda: a - b,
                    "*": lambda: a * b,
                }[op]()
            case StepAttr():
                raise ValueError("a step attribute in a state invariant")
            case _:
                assert_never(e)

    def in_type(self, x: z3.ExprRef, t: Type) -> z3.BoolRef:
        if isinstance(t, IntType):
            parts = []
            if t.lo is not None:
                parts.append(x >= t.lo)
            if t.hi is not None:
                parts.append(x <= t.hi)
            return z3.And(parts) if parts else z3.BoolVal(True, self.ctx)
        if isinstance(t, EnumType):
            return z3.Or([x == self.value(v) for v in t.values])
        return z3.BoolVal(True, self.ctx)

    def domain(self, s: list[z3.ExprRef]) -> z3.BoolRef:
        return z3.And(
            [self.in_type(x, slot.type) for x, slot in zip(s, self.model.slots, strict=True)]
        )

    def initial(self, s: list[z3.ExprRef]) -> z3.BoolRef:
        parts = [
            z3.Or([x == self.value(v) for v in init])
            for x, init in zip(s, self.model.initial, strict=True)
            if init is not None
        ]
        return z3.And(parts) if parts else z3.BoolVal(True, self.ctx)

    def step(self, rule: RuleInstance, s: list[z3.ExprRef], t: list[z3.ExprRef]) -> z3.BoolRef:
        updated = {u.slot: self.expr(u.value, s) for u in rule.updates}
        parts = [self.expr(rule.guard, s)]
        for i, slot in enumerate(self.model.slots):
            if i in updated:
                parts.append(self.in_type(updated[i], slot.type))
                parts.append(t[i] == updated[i])
            else:
                parts.append(t[i] == s[i])
        return z3.And(parts)

    def show_state(self, m: z3.ModelRef, s: list[z3.ExprRef]) -> str:
        out = []
        for x, slot in zip(s, self.model.slots, strict=True):
            v = m.eval(x, model_completion=True)
            if isinstance(slot.type, BoolType):
                text = "true" if z3.is_true(v) else "false"
            elif isinstance(slot.type, EnumType):
                text = self.names.get(v.as_long(), str(v))
            else:
                text = value_text(v.as_long())
            out.append(f"{slot.name} = {text}")
        return ", ".join(out)


def check_inductive(model: Model, invariant: Expr) -> str:
    """'' if `invariant` holds initially and every rule keeps it; else the part that fails."""
    enc = _Encoder(model)
    s, t = enc.state("s"), enc.state("t")
    inv_s, inv_t = enc.expr(invariant, s), enc.expr(invariant, t)
    found = _counter(enc, enc.domain(s), enc.initial(s), z3.Not(inv_s))
    if found is not None:
        return _why("initiation", "an initial state violates the invariant", enc, found, s)
    for rule in model.rules:
        found = _counter(enc, enc.domain(s), inv_s, enc.step(rule, s, t), z3.Not(inv_t))
        if found is not None:
            return _why(
                f"consecution (rule {rule.name!r})",
                f"{rule.name!r} leads from a state satisfying the invariant to one that does not",
                enc,
                found,
                s,
            )
    return ""


def check_implies(model: Model, invariant: Expr, prop: Expr) -> str:
    """'' if every state (in the declared ranges) satisfying `invariant` satisfies `prop`."""
    enc = _Encoder(model)
    s = enc.state("s")
    found = _counter(enc, enc.domain(s), enc.expr(invariant, s), z3.Not(enc.expr(prop, s)))
    if found is not None:
        return _why(
            "implication", "a state satisfies the invariant but not the property", enc, found, s
        )
    return ""


def _counter(enc: _Encoder, *facts: z3.BoolRef) -> z3.ModelRef | str | None:
    """A model of `facts`, None if unsatisfiable, 'unknown' if Z3 gave up."""
    solver = z3.Solver(ctx=enc.ctx)
    solver.set("timeout", TIMEOUT_MS)
    solver.add(*facts)
    result = solver.check()
    if result == z3.unsat:
        return None
    if result == z3.sat:
        return solver.model()
    return "unknown"


def _why(part: str, what: str, enc: _Encoder, found: z3.ModelRef | str, s: list[z3.ExprRef]) -> str:
    if isinstance(found, str):
        return f"{part}: Z3 could not decide it within {TIMEOUT_MS // 1000} s"
    return f"{part}: {what}: {enc.show_state(found, s)}"
