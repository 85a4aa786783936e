"""From Z3 models back to the reference semantics: states, runs and replayed `Trace`s.

Input: a Z3 model of an unrolled `Path`. Output: Python states (the flat tuples of
`checker.core.semantics`) and rule indices; `trace` builds a `Trace` and *always* replays it through
the reference semantics; a trace that does not replay is an internal error (`ReplayError`),
never output. `final_step` picks, with the reference semantics, the step that completes a
step-property counterexample (the solver proved one exists).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import z3
from z3.z3 import _to_expr_ref

from checker.core.semantics import RangeViolation, State, apply, evaluate, fold
from checker.core.trace import ReplayError, Trace, replay
from checker.symbolic.encode import Encoding, StateVars
from dsl.model import BoolType, Expr, Lit, Value


def read_state(enc: Encoding, zmodel: z3.ModelRef, s: StateVars) -> State:
    """The values of `s` in `zmodel` (completed), read by direct C calls: a run's every slot is
    read, and the Python wrappers cost more than the evaluation."""
    ctx = enc.ctx.ref()
    out: list[Value] = []
    for slot, e, v in zip(enc.model.slots, enc.slot_enum, _evaluated(enc, zmodel, s), strict=True):
        if isinstance(slot.type, BoolType):
            out.append(z3.Z3_get_bool_value(ctx, v) == z3.Z3_L_TRUE)
        elif e is not None:
            name = e.by_id.get(z3.Z3_get_ast_id(ctx, v))
            out.append(name if name is not None else enc.name_of(_to_expr_ref(v, enc.ctx)))
        else:
            out.append(int(z3.Z3_get_numeral_string(ctx, v)))
    return tuple(out)


def read_ints(enc: Encoding, zmodel: z3.ModelRef, terms: Sequence[z3.ExprRef]) -> list[int]:
    """The values of integer `terms` in `zmodel` (completed)."""
    ctx = enc.ctx.ref()
    return [int(z3.Z3_get_numeral_string(ctx, v)) for v in _evaluated(enc, zmodel, terms)]


def _evaluated(enc: Encoding, zmodel: z3.ModelRef, terms: Sequence[z3.ExprRef]) -> Iterator[Any]:
    """Each of `terms` evaluated in `zmodel` with model completion, as a raw AST that lives
    until the next call creating one (so each must be read before the next is made)."""
    ctx, m = enc.ctx.ref(), zmodel.model
    out = (z3.Ast * 1)()
    for t in terms:
        if not z3.Z3_model_eval(ctx, m, t.as_ast(), True, out):
            raise z3.Z3Exception("failed to evaluate expression in the model")
        yield out[0]


def read_run(
    enc: Encoding, zmodel: z3.ModelRef, states: Sequence[StateVars], labels: Sequence[z3.ArithRef]
) -> tuple[tuple[State, ...], tuple[int, ...]]:
    """The states and rule indices of a run in a satisfying assignment."""
    return tuple(read_state(enc, zmodel, s) for s in states), tuple(read_ints(enc, zmodel, labels))


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
