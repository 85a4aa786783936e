"""The reference semantics' closures mean what a plain walk of the expression tree means.

`checker.core.semantics.evaluate` builds a closure per node once; the walk below is the
definition it replaced, kept here as the oracle: the same value, or the same error, on random
well-typed expressions over random states and steps.
"""

from __future__ import annotations

from typing import assert_never

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core import semantics
from checker.core.semantics import State, evaluate
from dsl.model import (
    Binary,
    Expr,
    In,
    Ite,
    Lit,
    MapRef,
    Neg,
    Not,
    SlotRef,
    StepAttr,
    Value,
)
from dsl.operators import STRICT_OPERATORS
from tests.handmade import eq
from tests.test_explicit import ENUM

Step = dict[str, str | None]


def walk(expr: Expr, state: State, step: Step | None) -> Value:
    """The value of `expr`, by recursion over the tree (the former reference semantics)."""
    match expr:
        case Lit(value=v):
            return v
        case SlotRef(slot=i):
            return state[i]
        case MapRef(first=first, keys=keys, key=key):
            return state[first + keys.index(walk(key, state, step))]
        case Not(operand=e):
            return not walk(e, state, step)
        case Neg(operand=e):
            return -int(walk(e, state, step))
        case In(operand=e, values=values):
            return walk(e, state, step) in values
        case Ite(cond=c, then=t, other=o):
            return walk(t if walk(c, state, step) else o, state, step)
        case StepAttr(field=f):
            if step is None:
                raise ValueError("step attribute evaluated outside a step pattern")
            return step[f]
        case Binary(op="and", left=a, right=b):
            return bool(walk(a, state, step)) and bool(walk(b, state, step))
        case Binary(op="or", left=a, right=b):
            return bool(walk(a, state, step)) or bool(walk(b, state, step))
        case Binary(op="implies", left=a, right=b):
            return (not walk(a, state, step)) or bool(walk(b, state, step))
        case Binary(op=op, left=a, right=b):
            x, y = walk(a, state, step), walk(b, state, step)
            if op in STRICT_OPERATORS:
                return STRICT_OPERATORS[op](x, y)  # type: ignore[no-any-return]
            raise ValueError(f"unknown operator {op}")
        case _:
            assert_never(expr)


def _outcome(f: object, *args: object) -> tuple[str, object]:
    try:
        return "value", f(*args)  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001 - the same error is part of the meaning
        return type(exc).__name__, str(exc)


# Well-typed expressions over the state (b: bool, n: int, e: enum, m[p], m[q]: bool), every
# node kind at every depth: `st.deferred` picks among the branches evenly, where the engine
# tests' builder-driven expressions lean on literals
ENUMS_ = st.sampled_from(ENUM.values)
ints: st.SearchStrategy[Expr] = st.deferred(
    lambda: st.one_of(
        st.builds(Lit, st.integers(-2, 4)),
        st.just(SlotRef(1, "n")),
        st.builds(Binary, st.sampled_from(("+", "-", "*")), ints, ints),
        st.builds(Neg, ints),
        st.builds(Ite, bools, ints, ints),
    )
)
enums: st.SearchStrategy[Expr] = st.deferred(
    lambda: st.one_of(
        st.builds(Lit, ENUMS_),
        st.just(SlotRef(2, "e")),
        st.builds(Ite, bools, enums, enums),
    )
)
bools: st.SearchStrategy[Expr] = st.deferred(
    lambda: st.one_of(
        st.builds(Lit, st.booleans()),
        st.sampled_from((SlotRef(0, "b"), SlotRef(3, "m[p]"), SlotRef(4, "m[q]"))),
        st.builds(lambda k: MapRef(3, ENUM.values, k, "m[?]"), enums),
        st.builds(
            lambda f, v: eq(StepAttr(f), v),
            st.sampled_from(("rule", "actor", "kind")),
            st.sampled_from(("r0", "court", "decision")),
        ),
        st.builds(Binary, st.sampled_from(("and", "or", "implies")), bools, bools),
        st.builds(Binary, st.sampled_from(("==", "!=", "<", "<=", ">", ">=")), ints, ints),
        st.builds(Binary, st.sampled_from(("==", "!=")), enums, enums),
        st.builds(Not, bools),
        st.builds(In, ints, st.lists(st.integers(-1, 3), max_size=3).map(tuple)),
        st.builds(In, enums, st.lists(ENUMS_, max_size=2).map(tuple)),
        st.builds(Ite, bools, bools, bools),
    )
)
EXPRS = {"bool": bools, "int": ints, "enum": enums}


STATES = st.tuples(
    st.booleans(), st.integers(-2, 4), st.sampled_from(ENUM.values), st.booleans(), st.booleans()
)
STEPS = st.none() | st.fixed_dictionaries(
    {
        "rule": st.sampled_from(("r0", "r1")),
        "actor": st.sampled_from(("court", "party", None)),
        "kind": st.sampled_from(("decision", None)),
    }
)
KINDS = st.sampled_from(("bool", "int", "enum"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), KINDS, STATES, STEPS)
def test_closures_mean_what_the_tree_walk_means(
    data: st.DataObject, kind: str, state: State, step: Step | None
) -> None:
    expr = data.draw(EXPRS[kind])
    assert _outcome(evaluate, expr, state, step) == _outcome(walk, expr, state, step)


def test_a_full_table_is_emptied_and_equal_expressions_keep_their_own_closures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(semantics, "_EVALUATORS_MAX", 3)
    monkeypatch.setattr(semantics, "_EVALUATORS", {})
    state = (True, 2, "q", False, True)
    for n in range(10):  # fresh expressions past the table's size: each still right
        expr = Binary("+", SlotRef(1, "n"), Lit(n))
        assert evaluate(expr, state) == 2 + n
        assert len(semantics._EVALUATORS) <= 3
    a, b = eq(SlotRef(2, "e"), "q"), eq(SlotRef(2, "e"), "q")
    assert a == b and a is not b
    assert evaluate(a, state) is True and evaluate(b, state) is True
    assert semantics.evaluator(a) is semantics.evaluator(a)


def test_an_unknown_operator_and_a_step_outside_a_pattern_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown operator"):
        evaluate(Binary("%%", Lit(1), Lit(2)), ())
    with pytest.raises(ValueError, match="outside a step pattern"):
        evaluate(StepAttr("rule"), ())
