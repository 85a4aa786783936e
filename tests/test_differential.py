"""Differential testing: the explicit and the symbolic engine on random small finite models.

Hypothesis builds models directly as `dsl.model.Model` values (a bool, a 0..3 counter and a
three-valued enum; random guards, updates that may leave the range, random actors and kinds)
with one property of each safety form. The symbolic engine runs twice: with its whole schedule
(Houdini lemmas, k-induction, Spacer), and with k-induction off, so Spacer's invariants and
refutations are exercised too; every invariant it finds must hold in every reachable state. The
bound is larger than the number of (history-augmented) states, so k-induction with simple paths must
be definitive; both engines must then agree on every verdict, on the length of every shortest trace,
on the dead-end states and on the range errors; every trace must replay.

A disagreement that Hypothesis shrinks becomes a permanent entry in `tests/corpus/` (a `.rev`
file checked by `test_corpus.py`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import explicit
from checker.api import check_model_file
from checker.core.outcome import Match
from checker.core.result import CheckOptions
from checker.core.semantics import evaluate
from checker.core.show_expr import show
from checker.core.trace import replay
from checker.core.verdict import Method, Status
from checker.select import compare_verdicts, cross_check
from checker.symbolic.bmc import search
from checker.symbolic.encode import Encoding
from checker.symbolic.engine import _Job, _Verdicts
from checker.symbolic.engine import check as symbolic_check
from dsl.frontend import compile_file
from dsl.model import (
    BOOL,
    SAFETY_FORMS,
    Binary,
    EnumType,
    Eventually,
    Expr,
    In,
    IntType,
    Invariant,
    Ite,
    LeadsTo,
    Lit,
    Model,
    NeverStep,
    Not,
    Reachable,
    RequiresEarlier,
    SlotRef,
    StepAttr,
    StepPattern,
)
from tests.handmade import Builder
from tests.naive_bfs import explore

COLOURS = EnumType("colour", ("x", "y", "z"))
B, N, E = SlotRef(0, "b"), SlotRef(1, "n"), SlotRef(2, "e")
STATES = 2 * 4 * 3
DEPTH = 2 * STATES + 1  # history bits at most double the states


@functools.cache  # built once: a strategy built per draw costs more than the draw
def num(depth: int) -> st.SearchStrategy[Expr]:
    leaf = st.one_of(
        st.integers(0, 3).map(Lit),
        st.just(N),
        st.builds(
            lambda o, c: Binary(o, N, Lit(c)), st.sampled_from(["+", "-"]), st.integers(1, 2)
        ),
    )
    if depth == 0:
        return leaf
    sub = num(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda o, a, b: Binary(o, a, b), st.sampled_from(["+", "-"]), sub, sub),
        st.builds(Ite, cond(depth - 1), sub, sub),
    )


@functools.cache
def colour() -> st.SearchStrategy[Expr]:
    return st.one_of(st.just(E), st.sampled_from(COLOURS.values).map(Lit))


@functools.cache
def cond(depth: int) -> st.SearchStrategy[Expr]:
    leaf = st.one_of(
        st.just(B),
        st.builds(
            lambda o, a, b: Binary(o, a, b),
            st.sampled_from(["==", "<", ">=", "!="]),
            st.just(N),
            st.integers(0, 3).map(Lit),
        ),
        st.builds(lambda c: Binary("==", E, Lit(c)), st.sampled_from(COLOURS.values)),
        st.builds(
            lambda vs: In(E, tuple(vs)),
            st.lists(st.sampled_from(COLOURS.values), max_size=2, unique=True),
        ),
    )
    if depth == 0:
        return leaf
    sub = cond(depth - 1)
    return st.one_of(
        leaf,
        st.builds(
            lambda o, a, b: Binary(o, a, b), st.sampled_from(["and", "or", "implies"]), sub, sub
        ),
        st.builds(Not, sub),
        st.builds(lambda a: Binary("<=", a, Lit(2)), num(depth - 1)),
    )


@functools.cache
def pattern() -> st.SearchStrategy[StepPattern]:
    attr = st.one_of(
        st.builds(
            lambda r: Binary("==", StepAttr("rule"), Lit(r)),
            st.sampled_from(["r0", "r1", "r2", "r3"]),
        ),
        st.builds(
            lambda a: Binary("==", StepAttr("actor"), Lit(a)), st.sampled_from(["court", "party"])
        ),
        st.builds(
            lambda k: Binary("==", StepAttr("kind"), Lit(k)),
            st.sampled_from(["decision", "initiation"]),
        ),
    )
    return st.builds(
        lambda a, c, with_c: StepPattern(Binary("and", a, c) if with_c else a),
        attr,
        cond(1),
        st.booleans(),
    )


@st.composite
def models(draw: st.DrawFn) -> Model:
    m = Builder("random")
    m.var("b", BOOL, *draw(st.sampled_from([(False,), (True,), (False, True)])))
    m.var("n", IntType(0, 3), *draw(st.sampled_from([(0,), (1,), (0, 3)])))
    m.var("e", COLOURS, draw(st.sampled_from(COLOURS.values)))
    often = st.integers(0, 3).map(lambda i: i > 0)  # three times in four
    for k in range(draw(st.integers(1, 4))):
        updates: dict[SlotRef, Expr] = {}
        if draw(often):
            updates[B] = draw(st.one_of(st.booleans().map(Lit), st.just(Not(B)), cond(1)))
        if draw(often):
            updates[N] = draw(num(1))
        if draw(often):
            updates[E] = draw(colour())
        m.rule(
            f"r{k}",
            draw(st.one_of(st.just(Lit(True)), cond(0), cond(1))),
            updates,  # type: ignore[arg-type]
            actor=draw(st.sampled_from(["court", "party"])),
            kind=draw(st.sampled_from(["decision", "initiation", None])),
        )
    m.prop("inv", Invariant(draw(cond(2))))
    m.prop("reach", Reachable(draw(cond(2))))
    m.prop("never_step", NeverStep(draw(pattern())))
    m.prop("earlier", RequiresEarlier(draw(pattern()), draw(pattern())))
    final = draw(st.one_of(st.none(), cond(1)))
    return m.build(final=final)


def assert_agree(model: Model) -> None:
    options = CheckOptions(depth=DEPTH)
    ex = explicit.check(model, options)
    sy = symbolic_check(model, CheckOptions(engine="symbolic", depth=DEPTH))
    for e, s in zip(ex.verdicts, sy.verdicts, strict=True):
        assert s.status in (Status.HOLDS, Status.FAILS), (s, "k-induction must be definitive here")
        assert compare_verdicts(e, s, DEPTH) is None, (e, s)
        assert e.status is s.status, (e, s)
        for t in (e.trace, s.trace):
            if t is not None:
                replay(model, t)
    assert sy.complete or sy.dead_ends, "no dead ends must be proven"
    assert {d.trace.states[-1] for d in ex.dead_ends} == {d.trace.states[-1] for d in sy.dead_ends}
    if ex.dead_ends:
        assert min(len(d.trace) for d in ex.dead_ends) == min(len(d.trace) for d in sy.dead_ends)
    assert {(r.rule, len(r.trace)) for r in ex.range_errors} == {
        (r.rule, len(r.trace)) for r in sy.range_errors
    }


@settings(
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(models())
def test_explicit_and_symbolic_agree(model: Model) -> None:
    assert_agree(model)


def assert_spacer_agrees(model: Model) -> None:
    """The Spacer path (k-induction off): every definitive verdict equals the explicit one,
    and every invariant Spacer found holds in every state the naive BFS reaches."""
    ex = explicit.check(model, CheckOptions(depth=DEPTH))
    sy = symbolic_check(model, CheckOptions(engine="symbolic", depth=DEPTH), induction=False)
    for e, s in zip(ex.verdicts, sy.verdicts, strict=True):
        assert compare_verdicts(e, s, DEPTH) is None, (e, s)
        if s.status in (Status.HOLDS, Status.FAILS):
            assert e.status is s.status, (e, s)
    enc = Encoding(model)
    builder = _Verdicts(enc, CheckOptions(engine="symbolic"))
    jobs = [
        builder.job(p)
        for p in model.properties
        if isinstance(p.form, (Invariant, Reachable, NeverStep))
    ]
    monitors = [j.monitor for j in jobs if isinstance(j, _Job)]
    reachable = list(explore(model).depth)
    for out in search(enc, monitors, DEPTH, induction=False):
        if out.invariant is not None:
            for state in reachable:
                assert evaluate(out.invariant, state), (show(out.invariant), state)


@settings(
    derandomize=True,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(models())
def test_spacer_agrees_with_explicit(model: Model) -> None:
    assert_spacer_agrees(model)


# ----------------------------------------------------------------------------- liveness


@st.composite
def live_models(draw: st.DrawFn) -> Model:
    """Random models with duties and powers, and one `leads_to` and one `eventually`."""
    m = Builder("random_live")
    m.var("b", BOOL, *draw(st.sampled_from([(False,), (True,), (False, True)])))
    m.var("n", IntType(0, 3), *draw(st.sampled_from([(0,), (1,), (0, 3)])))
    m.var("e", COLOURS, draw(st.sampled_from(COLOURS.values)))
    for k in range(draw(st.integers(1, 4))):
        updates: dict[SlotRef, Expr] = {}
        if draw(st.booleans()):
            updates[B] = draw(st.one_of(st.booleans().map(Lit), st.just(Not(B))))
        if draw(st.booleans()):
            updates[N] = draw(num(1))
        if draw(st.booleans()) or not updates:
            updates[E] = draw(colour())
        m.rule(
            f"r{k}",
            draw(st.one_of(st.just(Lit(True)), cond(0), cond(1))),
            updates,  # type: ignore[arg-type]
            duty=draw(st.integers(0, 3).map(lambda i: i > 0)),
        )
    m.prop("leads", LeadsTo(draw(cond(1)), draw(cond(1))))
    m.prop("ever", Eventually(draw(cond(1))))
    return m.build(final=draw(st.one_of(st.none(), cond(1))))


@settings(
    derandomize=True,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(live_models())
def test_a_fairness_proof_is_never_contradicted(model: Model) -> None:
    """The symbolic engine's liveness proofs (one helpful duty, rule WF1) on random finite
    models: wherever it says *holds*, the explicit engine's fair-cycle search says so too;
    elsewhere it says *unknown* (it never refutes liveness)."""
    ex = explicit.check(model, CheckOptions(depth=DEPTH))
    sy = symbolic_check(model, CheckOptions(engine="symbolic", depth=DEPTH))
    for e, s in zip(ex.verdicts[-2:], sy.verdicts[-2:], strict=True):
        assert s.status in (Status.HOLDS, Status.UNKNOWN), s
        if s.status is Status.HOLDS:
            assert s.method is Method.FAIRNESS and e.status is Status.HOLDS, (e, s)


# ----------------------------------------------------------------------------- the puzzles

MODELS = Path(__file__).parent / "models"
PUZZLE_DEPTH = 30  # `CheckOptions().depth`: k-induction proves every puzzle invariant by then
# ... except the dining philosophers, whose proof needs k close to 30 (84 s of Z3 on 2 cores);
# a bound of 8 keeps "holds up to depth 8" against the explicit proof (0.7 s).
SHALLOW = {"philosophers.rev": 8}


@pytest.mark.parametrize("path", sorted(MODELS.glob("*.rev")), ids=lambda p: p.name)
def test_engines_agree_on_the_puzzles(path: Path) -> None:
    """`check --cross-check` on the known-answer puzzles, verdict by verdict: no disagreement,
    every explicit safety verdict definitive and equal to a definitive symbolic one (a bounded
    symbolic verdict only where the explicit proof holds), and every expectation met."""
    front = compile_file(str(path))
    assert front.model is not None
    model = front.model
    depth = SHALLOW.get(path.name, PUZZLE_DEPTH)
    checked = cross_check(model, CheckOptions(depth=depth))
    assert checked.agree, checked.disagreements
    compared = 0
    for prop in model.properties:
        e, s = checked.result.verdict(prop.name), checked.symbolic.verdict(prop.name)
        assert e is not None and s is not None
        assert e.status in (Status.HOLDS, Status.FAILS), e
        if prop.missing or not isinstance(prop.form, SAFETY_FORMS):
            continue
        compared += 1
        if s.status in (Status.HOLDS, Status.FAILS):
            assert s.status is e.status, (prop.name, e, s)
        else:  # bounded: only the shallow bound may leave a proof open, and only a true one
            assert path.name in SHALLOW and s.status is Status.BOUNDED, (prop.name, s)
            assert s.bound == depth and e.status is Status.HOLDS, (prop.name, e, s)
        for t in (e.trace, s.trace):
            if t is not None:
                replay(model, t)
    assert compared or path.name == "deadline.rev", "a puzzle without a safety property"
    report = check_model_file(str(path), CheckOptions())
    assert all(o.match is Match.MET for o in report.outcomes), [
        (o.property.name, o.match) for o in report.outcomes
    ]
