"""A model's steps as generated Python code over the reference semantics' states.

Input: a `Model` and step patterns. Output: `Moves`, a function from a state (the flat tuple of
`checker.core.semantics`) to its successors, each with which patterns its step matches: what
`houdini` asks of every state on thousands of random steps. It means exactly
`checker.core.semantics` (`evaluate` and `apply`: the same operators, short-circuits, order of
evaluation and range checks; a step whose update leaves its range is no successor). The
explicit engine's compiler needs finite domains; these models may have unbounded amounts.

Generated once per model as Python source and `exec`uted: interpreting the expression tree per
state is several times slower. A rule whose code Python cannot compile (nesting too deep)
falls back to the reference semantics itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import assert_never

from checker.core.semantics import RangeViolation, State, apply, evaluate
from dsl.model import (
    Binary,
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
)
from dsl.operators import STRICT_OPERATORS

Successor = tuple[State, tuple[bool, ...]]  # the state after a step, which patterns it matches
Step = Callable[[State], Successor | None]  # one rule instance: None when it cannot fire
Moves = Callable[[State], list[Successor]]


def moves(model: Model, marks: Sequence[Sequence[Expr]]) -> Moves:
    """The successors of a state by each rule instance in turn, with `marks[k]` (one pre-state
    predicate per pattern, for rule instance `k`) evaluated for each step taken."""
    steps = [_step(model, k, rule, marks[k]) for k, rule in enumerate(model.rules)]

    def successors(state: State) -> list[Successor]:
        out = []
        for step in steps:
            found = step(state)
            if found is not None:
                out.append(found)
        return out

    return successors


def _step(model: Model, k: int, rule: RuleInstance, marks: Sequence[Expr]) -> Step:
    code = _Source()
    try:
        lines = [f"def step{k}(s):", f"    if not {code.expr(rule.guard)}:", "        return None"]
        values = []
        for n, u in enumerate(rule.updates):  # every value first, then the range checks
            lines.append(f"    v{n} = {code.expr(u.value)}")
            values.append((u.slot, f"v{n}"))
        for slot, v in values:
            t = model.slots[slot].type
            if isinstance(t, IntType):
                bounds = [f"{v} >= {t.lo}"] if t.lo is not None else []
                bounds += [f"{v} <= {t.hi}"] if t.hi is not None else []
                if bounds:
                    lines.append(f"    if not ({' and '.join(bounds)}):")
                    lines.append("        return None")
            elif isinstance(t, EnumType):
                lines.append(f"    if {v} not in {code.const(t.values)}:")
                lines.append("        return None")
        new = [f"s[{i}]" for i in range(len(model.slots))]
        for slot, v in values:
            new[slot] = v
        hits = "".join(f"bool({code.expr(m)}), " for m in marks)
        after = "".join(f"{v}, " for v in new)
        lines.append(f"    return ({after}), ({hits})")
        namespace = dict(code.namespace)
        exec(compile("\n".join(lines), f"<step {rule.name}>", "exec"), namespace)
    except (SyntaxError, RecursionError, MemoryError):
        return _interpreted(model, rule, marks)
    return namespace[f"step{k}"]  # type: ignore[return-value]


def _interpreted(model: Model, rule: RuleInstance, marks: Sequence[Expr]) -> Step:
    def step(state: State) -> Successor | None:
        if not evaluate(rule.guard, state):
            return None
        try:
            after = apply(model, rule, state)
        except RangeViolation:
            return None
        return after, tuple(bool(evaluate(m, state)) for m in marks)

    return step


def _outside_step() -> None:
    raise ValueError("step attribute evaluated outside a step pattern")


class _Source:
    """Python source for expressions over the state `s`; constants go into `namespace`."""

    def __init__(self) -> None:
        self.namespace: dict[str, object] = {"_outside_step": _outside_step}

    def const(self, value: tuple[object, ...]) -> str:
        name = f"_c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def expr(self, e: Expr) -> str:
        """`e` as a Python expression with `evaluate`'s meaning."""
        x = self.expr
        match e:
            case Lit(value=v):
                return repr(v)
            case SlotRef(slot=i):
                return f"s[{i}]"
            case MapRef(first=first, keys=keys, key=key):
                return f"s[{first} + {self.const(keys)}.index({x(key)})]"
            case Not(operand=o):
                return f"(not {x(o)})"
            case Neg(operand=o):
                return f"(-int({x(o)}))"
            case In(operand=o, values=values):
                return f"({x(o)} in {self.const(values)})"
            case Ite(cond=c, then=t, other=o):
                return f"({x(t)} if {x(c)} else {x(o)})"
            case StepAttr():
                return "_outside_step()"
            case Binary(op=op, left=left, right=right):
                if op == "and":
                    return f"(bool({x(left)}) and bool({x(right)}))"
                if op == "or":
                    return f"(bool({x(left)}) or bool({x(right)}))"
                if op == "implies":
                    return f"((not {x(left)}) or bool({x(right)}))"
                if op in STRICT_OPERATORS:
                    return f"({x(left)} {op} {x(right)})"
                raise ValueError(f"unknown operator {op}")
            case _:
                assert_never(e)
