"""The reference semantics: what a state, a step and an expression's value *are*.

Deliberately simple: an expression means what its node's closure below computes, built once
per expression and kept apart from the generated source the explicit engine runs (packed
states, hoisted subterms). The explicit engine runs code compiled from the same model
(`checker.explicit.compile`); the symbolic engine encodes it; every reported trace is replayed here
first (`checker.core.trace.replay`), so a disagreement is an internal error, never output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import product
from typing import assert_never

from dsl.model import (
    Binary,
    EnumType,
    Expr,
    In,
    IntType,
    Ite,
    LeadsTo,
    Lit,
    MapRef,
    Model,
    Neg,
    Not,
    RuleInstance,
    SlotRef,
    StepAttr,
    Value,
)
from dsl.operators import STRICT_OPERATORS

State = tuple[Value, ...]


class RangeViolation(Exception):
    """An update left a variable's declared range: a modelling error, reported with its trace."""

    def __init__(self, rule: RuleInstance, slot_name: str, value: Value, type_: object) -> None:
        super().__init__(f"rule '{rule.name}' sets {slot_name} to {value}, outside {type_}")
        self.rule = rule
        self.slot_name = slot_name
        self.value = value


def step_label(rule: RuleInstance, model: Model) -> dict[str, str | None]:
    return {"rule": rule.rule, "actor": rule.actor, "kind": rule.kind}


Step = dict[str, str | None]
Evaluator = Callable[[State, Step | None], Value]


def evaluate(expr: Expr, state: State, step: Step | None = None) -> Value:
    """The value of `expr` in `state` (and, inside a step pattern, for `step`)."""
    return evaluator(expr)(state, step)


_EVALUATORS: dict[int, tuple[Expr, Evaluator]] = {}
_EVALUATORS_MAX = 100_000


def evaluator(expr: Expr) -> Evaluator:
    """`expr` as a function of a state and a step, built once per expression object.

    A guard is asked in every state: walking its tree by `match` each time cost the
    certificate verifier most of its seconds. The entry keeps `expr` alive, so its `id` is
    not reused while the entry stands; the table is emptied when it is full."""
    hit = _EVALUATORS.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    if len(_EVALUATORS) >= _EVALUATORS_MAX:
        _EVALUATORS.clear()
    fn = _closure(expr)
    _EVALUATORS[id(expr)] = (expr, fn)
    return fn


def _closure(expr: Expr) -> Evaluator:
    """One small function per node; what each node means is read off here."""
    match expr:
        case Lit(value=v):
            return lambda state, step: v
        case SlotRef(slot=i):
            return lambda state, step: state[i]
        case MapRef(first=first, keys=keys, key=key):
            k = _closure(key)
            return lambda state, step: state[first + keys.index(k(state, step))]
        case Not(operand=e):
            f = _closure(e)
            return lambda state, step: not f(state, step)
        case Neg(operand=e):
            f = _closure(e)
            return lambda state, step: -int(f(state, step))
        case In(operand=e, values=values):
            f = _closure(e)
            return lambda state, step: f(state, step) in values
        case Ite(cond=c, then=t, other=o):
            fc, ft, fo = _closure(c), _closure(t), _closure(o)
            return lambda state, step: ft(state, step) if fc(state, step) else fo(state, step)
        case StepAttr(field=f):
            return _step_attr(f)
        case Binary(op=op, left=left, right=right):
            return _binary(op, _closure(left), _closure(right))
        case _:
            assert_never(expr)


def _step_attr(field: str) -> Evaluator:
    def read(state: State, step: Step | None) -> Value:
        if step is None:
            raise ValueError("step attribute evaluated outside a step pattern")
        return step[field]  # type: ignore[return-value]

    return read


# Comparison and arithmetic come from the one operator table (`dsl.operators`): the same
# Python operators serve values here, folding in the front end, the explicit engine's code, and
# Z3 terms in the symbolic engine (Z3 overloads them); `checker.symbolic.encode` imports it here.


def _binary(op: str, left: Evaluator, right: Evaluator) -> Evaluator:
    """`and`, `or` and `implies` evaluate their right side only when it decides."""
    if op == "and":
        return lambda state, step: bool(left(state, step)) and bool(right(state, step))
    if op == "or":
        return lambda state, step: bool(left(state, step)) or bool(right(state, step))
    if op == "implies":
        return lambda state, step: (not left(state, step)) or bool(right(state, step))
    strict = STRICT_OPERATORS.get(op)
    if strict is not None:
        return lambda state, step: strict(left(state, step), right(state, step))

    def unknown(state: State, step: Step | None) -> Value:
        left(state, step), right(state, step)
        raise ValueError(f"unknown operator {op}")

    return unknown


def initial_states(model: Model) -> Iterator[State]:
    """Every combination of the slots' possible initial values, in declaration order."""
    domains = []
    for init in model.initial:
        if init is None:
            raise ValueError("an unbounded `any` initial value has no explicit enumeration")
        domains.append(init)
    for combo in product(*domains):
        yield tuple(combo)


def enabled(model: Model, state: State) -> list[RuleInstance]:
    return [r for r in model.rules if evaluate(r.guard, state)]


def apply(model: Model, rule: RuleInstance, state: State) -> State:
    """The state after `rule` fires in `state`: simultaneous assignment, range-checked."""
    values = [(u.slot, evaluate(u.value, state)) for u in rule.updates]
    new = list(state)
    for slot, value in values:
        t = model.slots[slot].type
        if isinstance(t, IntType) and not t.contains(value):  # type: ignore[arg-type]
            raise RangeViolation(rule, model.slots[slot].name, value, t)
        if isinstance(t, EnumType) and value not in t.values:
            raise RangeViolation(rule, model.slots[slot].name, value, t)
        new[slot] = value
    return tuple(new)


def successors(model: Model, state: State) -> Iterator[tuple[RuleInstance, State]]:
    for rule in enabled(model, state):
        yield rule, apply(model, rule, state)


def is_final(model: Model, state: State) -> bool:
    return model.final is not None and bool(evaluate(model.final, state))


# --------------------------------------------------------------------------- time

Clocks = tuple[int, ...]


_DEADLINE_RULES: dict[int, tuple[Model, tuple[RuleInstance, ...]]] = {}


def deadline_rules(model: Model) -> tuple[RuleInstance, ...]:
    """The rule instances with a deadline (`duty within N days`), in declaration order: one
    clock each in a timed state. Found once per model: the clock functions below ask for
    them at every step (a model is not hashed: that would walk all of it; its entry keeps it
    alive, so its `id` is not reused while the entry stands)."""
    hit = _DEADLINE_RULES.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    if len(_DEADLINE_RULES) >= 64:  # a repair search makes a model per candidate
        _DEADLINE_RULES.clear()
    found = tuple(r for r in model.rules if r.deadline_days is not None)
    _DEADLINE_RULES[id(model)] = (model, found)
    return found


def is_timed(model: Model) -> bool:
    """A model is timed when a rule has a deadline or a property a `within N days` bound; only
    timed models have time steps."""
    return bool(deadline_rules(model)) or any(
        isinstance(p.form, LeadsTo) and p.form.within_days is not None for p in model.properties
    )


def initial_clocks(model: Model) -> Clocks:
    return tuple(0 for _ in deadline_rules(model))


Due = tuple[bool, ...]  # per deadline rule (`deadline_rules` order): its guard holds


def due_in(model: Model, state: State) -> Due:
    """Which deadline rules are enabled in `state`. The clock functions below take it when
    the caller has it already (a model state recurs with many clocks; its guards do not
    change), and compute it otherwise."""
    return tuple(bool(evaluate(r.guard, state)) for r in deadline_rules(model))


def clocks_after_step(
    model: Model, rule: RuleInstance, clocks: Clocks, after: State, due: Due | None = None
) -> Clocks:
    """A deadline rule's clock counts the whole days it has been continuously enabled since it
    was last performed: a discrete step takes no time, and resets the clock of the rule it
    performs (the duty is discharged) and of every deadline rule it leaves disabled. (`due`:
    `due_in(model, after)`.)"""
    due = due_in(model, after) if due is None else due
    return tuple(
        c if r.name != rule.name and on else 0
        for r, c, on in zip(deadline_rules(model), clocks, due, strict=True)
    )


def time_may_pass(model: Model, state: State, clocks: Clocks, due: Due | None = None) -> bool:
    """A day may pass unless an enabled deadline rule would then be overdue: `duty within N
    days` forbids time to pass beyond N days while the duty is enabled and not performed.
    (`due`: `due_in(model, state)`.)"""
    due = due_in(model, state) if due is None else due
    return all(
        c + 1 <= r.deadline_days or not on  # type: ignore[operator]
        for r, c, on in zip(deadline_rules(model), clocks, due, strict=True)
    )


def clocks_after_day(model: Model, state: State, clocks: Clocks, due: Due | None = None) -> Clocks:
    """One day passes: every enabled deadline rule's clock advances (the state is unchanged).
    (`due`: `due_in(model, state)`.)"""
    due = due_in(model, state) if due is None else due
    return tuple(c + 1 if on else 0 for c, on in zip(clocks, due, strict=True))


# --------------------------------------------------------------------------- step patterns


def fold(e: Expr, label: dict[str, str | None]) -> Expr:
    """A step pattern for one kind of step: the step attributes replaced by `label`'s values
    and constant subexpressions folded, leaving a predicate on the pre-state (or a `Lit`).

    Both engines compile step patterns per rule instance through this one function, so
    "which steps match" has a single meaning."""
    match expr := e:
        case Lit() | SlotRef():
            return expr
        case StepAttr(field=f):
            return Lit(label[f])  # type: ignore[arg-type]
        case MapRef(first=first, keys=keys, key=key, name=name):
            return MapRef(first, keys, fold(key, label), name)
        case Not(operand=o):
            return _literal(Not(fold(o, label)))
        case Neg(operand=o):
            return _literal(Neg(fold(o, label)))
        case In(operand=o, values=values):
            return _literal(In(fold(o, label), values))
        case Ite(cond=c, then=t, other=o):
            fc = fold(c, label)
            if isinstance(fc, Lit):
                return fold(t if fc.value else o, label)
            return Ite(fc, fold(t, label), fold(o, label))
        case Binary(op=op, left=left, right=right):
            return _fold_binary(op, fold(left, label), fold(right, label))
        case _:
            assert_never(expr)


def _fold_binary(op: str, a: Expr, b: Expr) -> Expr:
    if op in ("and", "or", "implies") and isinstance(a, Lit):
        if {"and": not a.value, "or": bool(a.value), "implies": not a.value}[op]:
            return Lit(op != "and")
        return b if not isinstance(b, Lit) else Lit(bool(b.value))
    if op in ("and", "or", "implies") and isinstance(b, Lit):
        if op == "and" and not b.value:
            return Lit(False)
        if op in ("or", "implies") and b.value:
            return Lit(True)
        return Not(a) if op == "implies" else a
    return _literal(Binary(op, a, b))  # type: ignore[arg-type]


def _literal(e: Not | Neg | In | Binary) -> Expr:
    """`e` as a literal when its operands are all literals."""
    operands = (e.left, e.right) if isinstance(e, Binary) else (e.operand,)
    if all(isinstance(x, Lit) for x in operands):
        return Lit(evaluate(e, ()))
    return e
