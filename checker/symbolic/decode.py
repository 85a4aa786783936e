"""From Z3 models back to the reference semantics: states, runs and replayed `Trace`s.

Input: a Z3 model of an unrolled `Path`. Output: Python states (the flat tuples of
`checker.core.semantics`) and rule indices; `trace` builds a `Trace` and *always* replays it through
the reference semantics; a trace that does not replay is an internal error (`ReplayError`),
never output. `final_step` picks, with the reference semantics, the step that completes a
step-property counterexample (the solver proved one exists).
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker.core.semantics import RangeViolation, State, apply, evaluate, fold
from checker.core.trace import ReplayError, Trace, replay
from checker.symbolic.encode import Encoding, StateVars
from dsl.model import BoolType, EnumType, Expr, Lit, Value


def read_state(enc: Encoding, zmodel: z3.ModelRef, s: StateVars) -> State:
    out: list[Value] = []
    for slot, x in zip(enc.model.slots, s, strict=True):
        v = zmodel.eval(x, model_completion=True)
        if isinstance(slot.type, BoolType):
            out.append(z3.is_true(v))
        elif isinstance(slot.type, EnumType):
            out.append(enc.name_of(v))
        else:
            out.append(v.as_long())
    return tuple(out)


def read_run(
    enc: Encoding, zmodel: z3.ModelRef, states: Sequence[StateVars], labels: Sequence[z3.ArithRef]
) -> tuple[tuple[State, ...], tuple[int, ...]]:
    """The states and rule indices of a run in a satisfying assignment."""
    return (
        tuple(read_state(enc, zmodel, s) for s in states),
        tuple(zmodel.eval(lab, model_completion=True).as_long() for lab in labels),
    )


def state_term(enc: Encoding, state: State) -> tuple[z3.ExprRef, ...]:
    return tuple(enc.slot_value(i, v) for i, v in enumerate(state))


def trace(enc: Encoding, states: Sequence[State], rules: Sequence[int]) -> Trace:
    """A replayed trace: the symbolic engine's runs mean what the reference semantics says."""
    names = [enc.model.rules[r].name for r in rules]
    result = Trace(initial=states[0], steps=tuple(zip(names, states[1:], strict=True)))
    try:
        replay(enc.model, result)
    except ReplayError as exc:
        raise ReplayError(f"symbolic engine produced a trace that does not replay: {exc}") from exc
    return result


def final_step(enc: Encoding, state: State, where: Expr) -> tuple[int, State]:
    """The first rule instance (in declaration order) whose step from `state` matches
    `where` and stays in range, with the state after it."""
    for k, rule in enumerate(enc.model.rules):
        rest = fold(where, enc.labels[k])
        if isinstance(rest, Lit) and not rest.value:
            continue
        if not evaluate(rule.guard, state) or not evaluate(rest, state):
            continue
        try:
            return k, apply(enc.model, rule, state)
        except RangeViolation:
            continue
    raise ReplayError(
        "symbolic engine: the solver's matching step does not exist in the reference semantics"
    )
