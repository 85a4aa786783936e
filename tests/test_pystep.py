"""Houdini's generated steps (`checker.symbolic.pystep`) mean the reference semantics.

The sampler feeds Houdini's candidate invariants; a step that differs from
`checker.core.semantics` would let it keep (or drop) the wrong candidates. Compared state by
state: the successors in rule order (a step leaving a declared range is none) and which
pre-state predicates hold, on the shipped cases' reachable states, on random walks through
the cases with unbounded amounts, and on Hypothesis-generated models."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from checker.core.semantics import RangeViolation, State, apply, evaluate
from checker.explicit.search import explore
from checker.select import unbounded_slots
from checker.symbolic.pystep import moves
from dsl.frontend import compile_file
from dsl.model import Expr, Model
from tests.test_differential import models

ROOT = Path(__file__).parent.parent
CASES = sorted(
    str(p.relative_to(ROOT))
    for p in (ROOT / "cases").rglob("*.rev")
    if not p.name.endswith("_scenarios.rev")
)


def _marks(model: Model) -> list[list[Expr]]:
    """Per rule, its own guard and every property's state predicate that is one."""
    preds = [p.form.predicate for p in model.properties if hasattr(p.form, "predicate")]
    return [[r.guard, *preds[:4]] for r in model.rules]


def reference(
    model: Model, marks: list[list[Expr]], state: State
) -> list[tuple[State, tuple[bool, ...]]]:
    out = []
    for k, rule in enumerate(model.rules):
        if not evaluate(rule.guard, state):
            continue
        try:
            after = apply(model, rule, state)
        except RangeViolation:
            continue
        out.append((after, tuple(bool(evaluate(m, state)) for m in marks[k])))
    return out


def _assert_same(model: Model, states: list[State]) -> None:
    marks = _marks(model)
    step = moves(model, marks)
    for s in states:
        assert step(s) == reference(model, marks, s), s
        for after, _ in step(s):  # values keep their types: 1 is not True
            assert [type(v) for v in after] == [type(v) for v in s]


@pytest.mark.parametrize("path", CASES)
def test_generated_steps_are_the_reference_on_the_cases(path: str) -> None:
    model = compile_file(str(ROOT / path)).model
    assert model is not None
    if model.is_library:
        pytest.skip("a library has no rules to step")
    if not unbounded_slots(model):
        space = explore(model)
        states = list(space.states)[:3000]
    else:  # unbounded amounts: random walks from concrete initial values
        rng = random.Random(7)
        states = []
        for _ in range(40):  # each initial value: one of its options, an `any` int 0..5
            s = tuple(rng.choice(v) if v is not None else rng.randint(0, 5) for v in model.initial)
            for _ in range(30):
                states.append(s)
                nxt = reference(model, [[] for _ in model.rules], s)
                if not nxt:
                    break
                s = rng.choice(nxt)[0]
    assert states
    _assert_same(model, states)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_generated_steps_are_the_reference_on_random_models(model: Model) -> None:
    _assert_same(model, list(explore(model).states))  # every reachable state
