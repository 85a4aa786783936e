"""Liveness, duties and time: known answers, the clock cap against uncapped runs, lassos."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.result import CheckOptions
from checker.core.show_expr import show
from checker.core.trace import TIME_STEP, ReplayError, Trace, replay
from checker.core.verdict import Method, Status
from checker.explicit.fair_runs import Goal as _Goal
from checker.explicit.fair_runs import Region as _Region
from checker.explicit.fair_runs import components as _components
from checker.explicit.graph import to_networkx
from checker.explicit.search import check, explore
from checker.explicit.space import Watch
from dsl.frontend import compile_file, compile_text
from dsl.model import (
    BOOL,
    EnumType,
    Eventually,
    Expr,
    IntType,
    LeadsTo,
    Lit,
    Model,
    Not,
    SlotRef,
    StepAttr,
    StepPattern,
)
from tests import naive_live
from tests.handmade import Builder, and_, eq, ite, not_, op, per_builder
from tests.spaces import ANY_STEP, assert_same_space

MODELS = Path(__file__).parent / "models"
ROOT = Path(__file__).parent.parent
STAGE = EnumType("stage", ("pending", "decided"))


def load(name: str) -> Model:
    front = compile_file(str(MODELS / name))
    assert front.model is not None, [d.message for d in front.diagnostics]
    return front.model


def verdicts(model: Model, **options: int) -> dict[str, object]:
    result = check(model, CheckOptions(**options))
    return {v.property: v for v in result.verdicts}


def expected(model: Model) -> dict[str, str]:
    return {e.property: e.verdict for e in model.expectations}


# --------------------------------------------------------------------------- known answers


@pytest.mark.parametrize(
    "name",
    ["peterson.rev", "naive_flags.rev", "polite_flags.rev", "philosophers.rev", "deadline.rev"],
)
def test_known_answers_meet_their_expectations(name: str) -> None:
    model = load(name)
    found = verdicts(model)
    for prop, verdict in expected(model).items():
        v = found[prop]
        assert v.status.value == verdict, (prop, v.note)
        if v.trace is not None:
            replay(model, v.trace)
            if v.trace.loop_start is not None:
                naive_live.assert_fair_lasso(model, v.trace)


def test_peterson_has_no_starvation_but_needs_fairness() -> None:
    model = load("peterson.rev")
    assert check(model).dead_end_count == 0
    found = verdicts(model)
    assert found["no_starvation_0"].method is Method.EXHAUSTIVE
    # without the duty to keep going, a process that asked may stop half way
    text = (
        (MODELS / "peterson.rev")
        .read_text()
        .replace("rule enter_0 { by p0 kind move duty ", "rule enter_0 { by p0 kind move power ")
    )
    weak = compile_text(text, directory=str(MODELS)).model
    v = verdicts(weak)["no_starvation_0"]
    assert v.status is Status.FAILS and "enter_0 is a power of p0" in v.note


def test_peterson_keeping_the_turn_loses_mutual_exclusion() -> None:
    """Each process gives the turn to itself instead of the other: both can enter."""
    text = (MODELS / "peterson.rev").read_text()
    text = text.replace("then turn := p1; pc[p0] := waiting", "then turn := p0; pc[p0] := waiting")
    text = text.replace("then turn := p0; pc[p1] := waiting", "then turn := p1; pc[p1] := waiting")
    model = compile_text(text, directory=str(MODELS)).model
    found = verdicts(model)
    assert found["mutual_exclusion"].status is Status.FAILS


def test_naive_flags_deadlock_is_a_stop() -> None:
    model = load("naive_flags.rev")
    result = check(model)
    assert result.dead_end_count == 1
    v = result.verdict("no_starvation_0")
    assert v.status is Status.FAILS and v.trace.loop_start is None
    assert v.trace.states[-1] == result.dead_ends[0].trace.states[-1]
    assert "dead end" in v.note


def test_polite_flags_livelock_is_a_lasso() -> None:
    model = load("polite_flags.rev")
    result = check(model)
    assert result.dead_end_count == 0
    v = result.verdict("retrying_0_enters")
    assert v.status is Status.FAILS and v.trace.loop_start is not None
    assert v.how == f"counterexample: lasso of {len(v.trace)} steps"
    assert "enter_0 is a duty of p0, but not applicable throughout the loop" in v.note


def test_dining_philosophers_deadlock() -> None:
    model = load("philosophers.rev")
    result = check(model)
    assert result.dead_end_count == 1
    (end,) = result.dead_ends
    assert end.trace.states[-1][:3] == ("one_fork",) * 3
    assert result.verdict("hungry_0_eats").status is Status.FAILS


def stage_model(duty: bool, within: int | None = None) -> tuple[Builder, SlotRef]:
    m = Builder("decision")
    s = m.var("stage", STAGE, "pending")
    m.rule("decide", eq(s, "pending"), {s: "decided"}, duty=duty, within=within)
    return m, s


@pytest.mark.parametrize("timed", [False, True])
def test_duty_without_fairness_is_a_lasso_or_stop_with_fairness_it_holds(timed: bool) -> None:
    for duty, status in [(False, Status.FAILS), (True, Status.HOLDS)]:
        m, s = stage_model(duty)
        m.prop("decided", Eventually(eq(s, "decided")))
        if timed:  # a `within` property makes the model timed: time may pass for ever
            m.prop("anyway", LeadsTo(Lit(True), Lit(True), within_days=1))
        model = m.build()
        v = check(model).verdicts[0]
        assert v.status is status
        if status is Status.FAILS:
            assert "decide is a power of court" in v.note
            replay(model, v.trace)
            if timed:
                assert v.trace.loop_start == 0 and v.trace.steps == ((TIME_STEP, ("pending",)),)
                assert "Time passes for ever: no deadline binds court" in v.note
                naive_live.assert_fair_lasso(model, v.trace)
            else:
                assert v.trace.loop_start is None and len(v.trace) == 0


# --------------------------------------------------------------------------- time


def test_a_deadline_blocks_time() -> None:
    m, s = stage_model(True, within=3)
    model = m.build()
    space = explore(model)
    assert space.timed and space.clocks is not None
    assert sorted(space.clocks) == [(0,), (0,), (1,), (2,), (3,)]
    for sid in range(len(space.states)):
        steps = {space.step_name(r) for r, _ in space.out_edges(sid, with_time=True)}
        pending = space.states[sid] == ("pending",)
        assert (TIME_STEP in steps) == (not pending or space.clocks[sid][0] < 3)
    assert space.deadlocked.tolist() == [space.id_of(("decided",), (0,))]
    assert [e for e in space.edges() if e[1] == space.time_rule] == []  # acts only by default


@pytest.mark.parametrize(
    ("bound", "status"), [(2, Status.FAILS), (3, Status.HOLDS), (4, Status.HOLDS)]
)
def test_bounded_response_against_the_deadline(bound: int, status: Status) -> None:
    m, s = stage_model(True, within=3)
    m.prop("in_time", LeadsTo(eq(s, "pending"), eq(s, "decided"), within_days=bound))
    v = check(m.build()).verdicts[0]
    assert v.status is status
    if status is Status.FAILS:
        assert [n for n, _ in v.trace.steps] == [TIME_STEP] * (bound + 1)
        assert "decide is a duty of court within 3 days" in v.note


def test_without_a_deadline_the_bound_fails_but_the_response_comes() -> None:
    m, s = stage_model(True)
    m.prop("in_time", LeadsTo(eq(s, "pending"), eq(s, "decided"), within_days=30))
    m.prop("eventually", LeadsTo(eq(s, "pending"), eq(s, "decided")))
    in_time, eventually = check(m.build()).verdicts
    assert in_time.status is Status.FAILS and len(in_time.trace) == 31
    assert "no deadline forces it in time" in in_time.note
    assert eventually.status is Status.HOLDS


def test_time_steps_replay_through_the_timed_semantics() -> None:
    m, _ = stage_model(True, within=1)
    model = m.build()
    day = (TIME_STEP, ("pending",))
    replay(model, Trace(("pending",), (day,)))
    with pytest.raises(ReplayError, match="beyond a deadline"):
        replay(model, Trace(("pending",), (day, day)))
    with pytest.raises(ReplayError, match="changes the state"):
        replay(model, Trace(("pending",), ((TIME_STEP, ("decided",)),)))
    untimed, _ = stage_model(True)
    with pytest.raises(ReplayError, match="without time"):
        replay(untimed.build(), Trace(("pending",), (day,)))


def test_a_lasso_must_close_on_the_clocks_too() -> None:
    m, s = stage_model(True, within=5)
    m.rule("reopen", eq(s, "decided"), {s: "pending"})
    model = m.build()
    day = (TIME_STEP, ("pending",))
    with pytest.raises(ReplayError, match="clocks differ"):
        replay(model, Trace(("pending",), (day,), loop_start=0))
    decided = (("decide", ("decided",)), ("reopen", ("pending",)))
    replay(model, Trace(("pending",), decided, loop_start=0))


def test_a_step_trigger_and_a_step_goal() -> None:
    m, s = stage_model(True, within=2)
    m.rule("reopen", eq(s, "decided"), {s: "pending"})
    reopened = StepPattern(eq(StepAttr("rule"), "reopen"))
    decision = StepPattern(eq(StepAttr("rule"), "decide"))
    m.prop("answered", LeadsTo(reopened, eq(s, "decided"), within_days=2))
    m.prop("by_a_decision", LeadsTo(Lit(True), decision))  # type: ignore[arg-type]
    m.prop("late", LeadsTo(reopened, eq(s, "decided"), within_days=1))
    answered, by_decision, late = check(m.build()).verdicts
    assert answered.status is Status.HOLDS
    assert by_decision.status is Status.FAILS  # once decided, nothing forces a new decision
    assert late.status is Status.FAILS and [n for n, _ in late.trace.steps][:2] == [
        "decide",
        "reopen",
    ]
    assert "at step 2" in late.note


# --------------------------------------------------------------------------- the clock cap


INT = IntType(0, 2)
ENUM = EnumType("pq", ("p", "q"))


@st.composite
def _atom_made(draw: st.DrawFn, m: Builder) -> Expr:
    i = draw(st.integers(0, len(m.slots) - 1))
    ref = SlotRef(i, m.slots[i].name)
    t = m.slots[i].type
    if t == BOOL:
        out: Expr = ref
    elif t == INT:
        out = op(draw(st.sampled_from(["<=", "==", "!="])), ref, draw(st.integers(0, 2)))
    else:
        out = eq(ref, draw(st.sampled_from(ENUM.values)))
    return Not(out) if draw(st.booleans()) else out


_atom = per_builder(_atom_made)


def _change(m: Builder, i: int, how: int) -> Expr:
    """A new value for slot `i` that stays within its range."""
    ref = SlotRef(i, m.slots[i].name)
    t = m.slots[i].type
    if t == BOOL:
        return not_(ref) if how else Lit(True)
    if t == INT:
        return ite(op("<", ref, 2), op("+", ref, 1), 0) if how else Lit(0)
    return ite(eq(ref, "p"), "q", "p") if how else Lit("p")


@st.composite
def timed_models(draw: st.DrawFn) -> Model:
    m = Builder("random_timed")
    timed = draw(st.booleans())  # untimed: no deadline and no `within`, so runs may stop
    kinds = draw(st.lists(st.sampled_from([BOOL, INT, ENUM]), min_size=1, max_size=3))
    for n, t in enumerate(kinds):
        domain = {BOOL: [False, True], INT: [0, 1, 2], ENUM: ["p", "q"]}[t]
        init = draw(st.lists(st.sampled_from(domain), min_size=1, max_size=2, unique=True))
        m.var(f"v{n}", t, *init)
    for n in range(draw(st.integers(1, 4))):
        targets = draw(
            st.lists(st.integers(0, len(m.slots) - 1), min_size=1, max_size=2, unique=True)
        )
        guard = draw(st.one_of(st.just(Lit(True)), _atom(m), _atom(m).map(lambda a: and_(a, a))))
        modality = draw(
            st.sampled_from(["power", "duty", "deadline"] if timed else ["power", "duty"])
        )
        m.rule(
            f"r{n}",
            guard,
            {SlotRef(i, m.slots[i].name): _change(m, i, draw(st.integers(0, 1))) for i in targets},
            duty=modality != "power",
            within=draw(st.integers(0, 2)) if modality == "deadline" else None,
            kind=draw(st.sampled_from(["decision", None])),
        )
    step = StepPattern(and_(eq(StepAttr("kind"), "decision"), draw(_atom(m))))
    m.prop("eventually", Eventually(draw(_atom(m))))
    m.prop("leads_to", LeadsTo(draw(_atom(m)), draw(_atom(m))))
    m.prop("step_leads_to", LeadsTo(step, draw(_atom(m))))
    if timed:
        m.prop("within", LeadsTo(draw(_atom(m)), draw(_atom(m)), draw(st.integers(0, 3))))
        m.prop("step_within", LeadsTo(step, draw(_atom(m)), draw(st.integers(0, 2))))
    return m.build()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timed_models())
def test_capped_clocks_agree_with_uncapped_days_and_fairness_oracle(model: Model) -> None:
    """The engine (clocks 0..N, observer 0..N+1) against an uncapped run with absolute days
    (horizon: a shortest violation has at most one day per timed state, plus the bound), and
    `eventually` / `leads_to` against NetworkX components with the fairness test written anew."""
    result = check(model)
    horizon = len(naive_live.graph(model)) + 5
    for prop, v in zip(model.properties, result.verdicts, strict=True):
        form = prop.form
        if isinstance(form, LeadsTo) and form.within_days is not None:
            violated = naive_live.within_violated(model, form, horizon)
            assert v.status is (Status.FAILS if violated else Status.HOLDS), prop.name
        else:
            trigger = form.trigger if isinstance(form, LeadsTo) else None
            target = form.target if isinstance(form, LeadsTo) else form.predicate
            assert v.status.value == naive_live.verdict(model, trigger, target), prop.name
        if v.trace is not None:
            replay(model, v.trace)
            if v.trace.loop_start is not None:
                naive_live.assert_fair_lasso(model, v.trace)


def test_an_explicit_day_counter_gives_the_same_within_verdicts() -> None:
    """The same procedure written with an ordinary day counter `day : 0..K` and a `tick` rule
    that the deadline guards itself: `within` on the timed model against an invariant on the
    day counter (K well above every constant)."""
    for bound, deadline in [(1, 2), (2, 2), (3, 2), (0, 0), (1, 0)]:
        m, s = stage_model(True, within=deadline)
        m.prop("in_time", LeadsTo(eq(s, "pending"), eq(s, "decided"), within_days=bound))
        timed = check(m.build()).verdicts[0].status

        k = 10
        c = Builder("counter")
        st_ = c.var("stage", STAGE, "pending")
        day = c.var("day", IntType(0, k), 0)
        c.rule("decide", eq(st_, "pending"), {st_: "decided"}, duty=True)
        may_tick = and_(op("<", day, k), or_not_pending(st_, day, deadline))
        c.rule("tick", may_tick, {day: op("+", day, 1)})
        from dsl.model import Invariant

        c.prop("in_time", Invariant(not_(and_(eq(st_, "pending"), op(">", day, bound)))))
        counted = check(c.build()).verdicts[0].status
        assert timed is counted, (bound, deadline)


def or_not_pending(stage: SlotRef, day: SlotRef, deadline: int) -> Expr:
    from tests.handmade import or_

    return or_(not_(eq(stage, "pending")), op("<", day, deadline))


# --------------------------------------------------------------------------- engine parts


def test_components_agree_with_networkx() -> None:
    model = load("philosophers.rev")
    space = explore(model)
    goal = _Goal.of(space, Lit(False))
    region = _Region(space, goal, [(0, [(-1, 0)])])
    mine = {frozenset(c) for c in _components(space, region)}
    g = to_networkx(space)
    theirs = {
        frozenset(c)
        for c in nx.strongly_connected_components(g)
        if len(c) > 1 or any(g.has_edge(v, v) for v in c)
    }
    assert mine == theirs and len(mine) >= 1


def test_state_limit_gives_unknown() -> None:
    model = load("peterson.rev")
    v = verdicts(model, max_states=5)["no_starvation_0"]
    assert (v.status, v.method, v.bound) == (Status.UNKNOWN, Method.STATE_LIMIT, 5)


def test_show_expressions() -> None:
    m = Builder()
    a = m.var("a", IntType(0, 3), 0)
    b = m.var("b", BOOL, False)
    e = and_(op("or", b, eq(a, 1)), not_(op("<", op("+", a, 1), 3)))
    assert show(e) == "(b or a == 1) and not (a + 1 < 3)"


def test_prc_liveness_expectations() -> None:
    root = Path(__file__).parent.parent
    front = compile_file(str(root / "cases" / "prc" / "current.rev"))
    assert front.model is not None
    found = verdicts(front.model)
    for prop in ("ruling_follows_docketing", "ruling_within_30_days"):
        assert found[prop].status.value == expected(front.model)[prop], found[prop].note


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timed_models(), st.sampled_from([None, 1, 4, 9]), st.booleans())
def test_inlined_timed_loop_finds_the_generic_space(
    model: Model, limit: int | None, edges: bool
) -> None:
    """With clocks and time steps, the inlined loop (`CompiledModel.search`) and the generic
    loop over `expand` (forced by watching a step pattern) find the same states, steps and
    edges, at a state limit too."""
    options = CheckOptions(max_states=limit or 1_000_000)
    inlined = explore(model, options, keep_edges=edges)
    generic = explore(model, options, Watch((), (ANY_STEP,)), keep_edges=edges)
    assert inlined.compiled.search is not None and generic.compiled.search is None
    assert_same_space(inlined, generic, edges)


@pytest.mark.parametrize(
    "path", ["cases/de/zpo_717.rev", "cases/prc/current.rev", "cases/prc/statute_only.rev"]
)
@pytest.mark.parametrize("cut", [False, True])
def test_inlined_loop_finds_the_generic_space_on_cases(path: str, cut: bool) -> None:
    """The same on shipped cases, whole and cut by a state limit at half their states: every
    state, step and edge."""
    model = compile_file(str(ROOT / path)).model
    assert model is not None
    options = CheckOptions()
    if cut:
        options = CheckOptions(max_states=len(explore(model).codes) // 2)
    inlined = explore(model, options)
    generic = explore(model, options, Watch((), (ANY_STEP,)))
    assert_same_space(inlined, generic, edges=True)
    assert inlined.stopped is (Method.STATE_LIMIT if cut else None)
