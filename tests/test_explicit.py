"""The explicit engine: compiled step functions, BFS, safety verdicts, dead ends, limits."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.result import CheckOptions
from checker.core.semantics import successors
from checker.core.trace import replay
from checker.core.verdict import Method, Status
from checker.explicit.compile import UnboundedModel, compile_model
from checker.explicit.graph import to_networkx
from checker.explicit.search import check, explore, plan
from checker.explicit.space import Watch
from checker.select import ENGINES
from dsl.model import (
    BOOL,
    AfterPossible,
    Binary,
    EnumType,
    Eventually,
    Expr,
    In,
    IntType,
    Invariant,
    Ite,
    Lit,
    MapRef,
    Neg,
    NeverStep,
    Not,
    Reachable,
    RequiresEarlier,
    SlotRef,
    StepAttr,
    StepPattern,
)
from tests import naive_bfs
from tests.handmade import Builder, and_, eq, hanoi, ite, jugs, not_, op, per_builder, step
from tests.spaces import ANY_STEP, assert_same_space

STAGE = EnumType("stage", ("start", "decided", "returned", "closed"))


def counter(hi: int = 5) -> tuple[Builder, SlotRef]:
    m = Builder("counter")
    x = m.var("x", IntType(0, hi), 0)
    m.rule("inc", op("<", x, hi), {x: op("+", x, 1)}, kind="decision")
    return m, x


def stages() -> tuple[Builder, SlotRef]:
    """start -decide-> decided -return-> returned, decided -close-> closed."""
    m = Builder("stages")
    s = m.var("stage", STAGE, "start")
    m.rule("decide", eq(s, "start"), {s: "decided"}, kind="decision")
    m.rule("give_back", eq(s, "decided"), {s: "returned"}, actor="party")
    m.rule("close", eq(s, "decided"), {s: "closed"})
    return m, s


# --------------------------------------------------------------------------- invariants, reachable


def test_invariant_holds_exhaustively() -> None:
    m, x = counter()
    m.prop("bounded", Invariant(op("<=", x, 5)))
    v = check(m.build()).verdicts[0]
    assert (v.status, v.method, v.states) == (Status.HOLDS, Method.EXHAUSTIVE, 6)


def test_invariant_fails_with_the_shortest_trace() -> None:
    m, x = counter()
    m.rule("jump", eq(x, 0), {x: 4})
    m.prop("small", Invariant(op("<", x, 3)))
    v = check(m.build()).verdicts[0]
    assert (v.status, v.method) == (Status.FAILS, Method.COUNTEREXAMPLE)
    assert v.trace is not None and len(v.trace) == 1
    assert v.trace.steps == (("jump", (4,)),)


def test_reachable_witness_and_exhaustive_failure() -> None:
    m, x = counter()
    m.prop("three", Reachable(eq(x, 3)))
    m.prop("seven", Reachable(eq(x, 7)))
    three, seven = check(m.build()).verdicts
    assert (three.status, three.method, len(three.trace)) == (Status.HOLDS, Method.WITNESS, 3)
    assert (seven.status, seven.method, seven.states) == (Status.FAILS, Method.EXHAUSTIVE, 6)


# --------------------------------------------------------------------------- step properties


def test_never_step_fails_at_the_first_matching_step() -> None:
    m, x = counter()
    m.prop("no_inc_at_2", NeverStep(StepPattern(and_(eq(StepAttr("rule"), "inc"), eq(x, 2)))))
    m.prop("no_party", NeverStep(step(actor="party")))
    bad, good = check(m.build()).verdicts
    assert bad.status is Status.FAILS and len(bad.trace) == 3
    assert bad.trace.steps[-1] == ("inc", (3,))
    assert (good.status, good.method) == (Status.HOLDS, Method.EXHAUSTIVE)


def test_step_pattern_kind_may_be_none() -> None:
    m, _ = stages()
    m.prop("undeclared_kind", NeverStep(StepPattern(eq(StepAttr("kind"), "decision"))))
    m.prop("kind_is_none", NeverStep(StepPattern(Not(In(StepAttr("kind"), ("decision",))))))
    decision, none = check(m.build()).verdicts
    assert decision.status is Status.FAILS and len(decision.trace) == 1
    assert none.status is Status.FAILS and len(none.trace) == 2


def approvals(guarded: bool) -> Builder:
    m = Builder("approvals")
    approved = m.var("approved", BOOL, False)
    done = m.var("done", BOOL, False)
    m.rule("approve", not_(approved), {approved: True})
    m.rule("execute", and_(not_(done), approved) if guarded else not_(done), {done: True})
    return m


@pytest.mark.parametrize(("guarded", "status"), [(True, Status.HOLDS), (False, Status.FAILS)])
def test_requires_earlier(guarded: bool, status: Status) -> None:
    m = approvals(guarded)
    m.prop("approved_first", RequiresEarlier(step(rule="execute"), step(rule="approve")))
    v = check(m.build()).verdicts[0]
    assert v.status is status
    if status is Status.FAILS:  # one path approves first, the shortest one does not
        assert [name for name, _ in v.trace.steps] == ["execute"]


def test_requires_earlier_is_strict() -> None:
    m, _ = counter()
    m.prop("self", RequiresEarlier(step(rule="inc"), step(rule="inc")))
    v = check(m.build()).verdicts[0]
    assert v.status is Status.FAILS and len(v.trace) == 1


def test_requires_earlier_on_a_later_path() -> None:
    """The violating step comes only after a step that does not count as the earlier one."""
    m = Builder()
    a = m.var("a", IntType(0, 2), 0)
    m.rule("prepare", eq(a, 0), {a: 1})
    m.rule("skip", eq(a, 0), {a: 2})
    m.rule("act", op(">", a, 0), {a: 0})
    m.prop("prepared", RequiresEarlier(step(rule="act"), step(rule="prepare")))
    v = check(m.build()).verdicts[0]
    assert [n for n, _ in v.trace.steps] == ["skip", "act"]


def test_after_possible() -> None:
    m, _ = stages()
    m.prop("after_decide", AfterPossible(step(rule="decide"), step(rule="give_back")))
    m.prop("after_close", AfterPossible(step(rule="close"), step(rule="give_back")))
    m.prop("vacuous", AfterPossible(step(actor="nobody"), step(rule="give_back")))
    decide, close, vacuous = check(m.build(), CheckOptions()).verdicts
    assert decide.status is Status.HOLDS
    assert close.status is Status.FAILS and "no run" in close.note
    assert [n for n, _ in close.trace.steps] == ["decide", "close"]
    assert vacuous.status is Status.HOLDS


# --------------------------------------------------------------------------- dead ends, ranges


def test_dead_ends_exclude_final_states() -> None:
    m, s = stages()
    result = check(m.build(final=eq(s, "returned")))
    assert result.dead_end_count == 1
    assert result.dead_ends[0].trace.states[-1] == ("closed",)
    assert len(check(m.build()).dead_ends) == 2  # no `final`: every deadlock is a dead end


def test_dead_ends_are_capped_but_counted_in_bfs_order() -> None:
    m = Builder()
    m.var("x", IntType(0, 29), *range(30))
    result = check(m.build())
    assert result.dead_end_count == 30
    assert [d.trace.initial for d in result.dead_ends] == [(i,) for i in range(20)]


def test_range_error_reports_the_pre_state_and_drops_the_step() -> None:
    m = Builder()
    x = m.var("x", IntType(0, 3), 0)
    m.rule("inc", True, {x: op("+", x, 1)})
    result = check(m.build())
    assert result.states == 4 and result.dead_end_count == 0
    (err,) = result.range_errors
    assert err.rule == "inc" and "outside 0..3" in err.message
    assert err.trace.states[-1] == (3,) and len(err.trace) == 3


def test_enum_range_error() -> None:
    m = Builder()
    a = m.var("a", EnumType("ab", ("a", "b")), "a")
    c = m.var("c", EnumType("abc", ("a", "b", "c")), "c")
    m.rule("copy", True, {a: c})
    (err,) = check(m.build()).range_errors
    assert err.rule == "copy" and len(err.trace) == 0


def test_bool_and_int_literals_keep_their_types() -> None:
    """`ite(c, True, False)` and `ite(c, 1, 0)` compare equal as expressions."""
    m = Builder()
    b = m.var("b", BOOL, False)
    n = m.var("n", IntType(0, 1), 0)
    m.rule("set", not_(b), {b: ite(not_(b), True, False), n: ite(not_(b), 1, 0)})
    space = explore(m.build())
    assert [type(v) for v in space.states[1]] == [bool, int]


# --------------------------------------------------------------------------- limits, refusal


def test_state_limit_gives_unknown_except_definitive_answers() -> None:
    model = hanoi(3)
    m = Builder()
    m.slots, m.variables, m.initial, m.rules = (
        list(model.slots),
        list(model.variables),
        list(model.initial),
        list(model.rules),
    )
    d0 = SlotRef(0, "on[d0]")
    m.prop("always", Invariant(Lit(True)))
    m.prop("d0_stays", Invariant(eq(d0, "a")))
    m.prop("solved", model.properties[0].form)
    m.prop("d0_moves", Reachable(eq(d0, "b")))
    result = check(m.build(), CheckOptions(max_states=10))
    assert result.states == 10 and not result.complete
    always, stays, solved, moves = result.verdicts
    assert (always.status, always.method, always.bound) == (Status.UNKNOWN, Method.STATE_LIMIT, 10)
    assert stays.status is Status.FAILS
    assert solved.status is Status.UNKNOWN
    assert moves.status is Status.HOLDS


def test_time_limit() -> None:
    m, x = counter()
    m.prop("small", Invariant(op("<", x, 9)))
    result = check(m.build(), CheckOptions(timeout_s=0.0))
    assert not result.complete and result.states == 1
    v = result.verdicts[0]
    assert (v.status, v.method, v.bound) == (Status.UNKNOWN, Method.TIME_LIMIT, 0.0)


def test_exactly_enough_states_is_complete() -> None:
    assert check(hanoi(3), CheckOptions(max_states=27)).complete


def test_unbounded_models_are_refused() -> None:
    m = Builder()
    m.var("owed", IntType(), 0)
    with pytest.raises(UnboundedModel, match="owed"):
        check(m.build())
    m = Builder()
    m.var("held", IntType(0, 3), any_=True)
    with pytest.raises(UnboundedModel, match="held"):
        explore(m.build())


def test_liveness_is_judged_and_powers_are_not_forced() -> None:
    m, x = counter()  # `inc` is a power: the run may stop at any count
    m.prop("ends", Eventually(eq(x, 5)))
    v = check(m.build()).verdicts[0]
    assert v.status is Status.FAILS and "power" in v.note and v.trace.loop_start is None


def test_determinism() -> None:
    m, s = stages()
    m.prop("after_close", AfterPossible(step(rule="close"), step(rule="give_back")))
    model = m.build()
    a, b = check(model), check(model)
    assert (a.verdicts, a.dead_ends, a.states) == (b.verdicts, b.dead_ends, b.states)
    assert compile_model(model).source == compile_model(model).source
    assert explore(model).states == explore(model).states


def test_engine_registry_and_graph() -> None:
    result = ENGINES["explicit"](hanoi(2), CheckOptions())
    assert result.states == 9 and result.engine == "explicit"
    graph = to_networkx(explore(hanoi(2)))
    assert graph.number_of_nodes() == 9 and graph.number_of_edges() == result.transitions


# --------------------------------------------------------------------------- puzzles


def test_two_jugs() -> None:
    result = check(jugs())
    v = result.verdicts[0]
    assert v.status is Status.HOLDS and len(v.trace) == 6
    assert result.states == 16


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_hanoi(n: int) -> None:
    result = check(hanoi(n))
    assert result.states == 3**n
    assert len(result.verdicts[0].trace) == 2**n - 1
    assert result.dead_end_count == 0


# --------------------------------------------------------------------------- differential


INT = IntType(0, 2)
ENUM = EnumType("pq", ("p", "q"))


@st.composite
def exprs_made(draw: st.DrawFn, m: Builder, kind: str, depth: int, steps: bool = False) -> Expr:
    """A well-typed expression of `kind` (bool, int, enum) over the builder's slots."""
    refs = [SlotRef(i, s.name) for i, s in enumerate(m.slots) if _kind(s.type) == kind]
    leaves: list[Expr] = [Lit(draw(_values(kind)))]
    if refs:
        leaves.append(refs[draw(_INDEX[len(refs)])])
    if steps and kind == "bool":
        leaves.append(eq(StepAttr(draw(_STEP_FIELDS)), "r0"))
        leaves.append(In(StepAttr("kind"), ("decision",)))
        leaves.append(eq(StepAttr("actor"), "court"))
    if kind == "bool" and any(s.var == "m" for s in m.slots):
        first = next(i for i, s in enumerate(m.slots) if s.var == "m")
        key = draw(exprs(m, "enum", max(depth - 1, 0)))
        leaves.append(MapRef(first, ENUM.values, key, "m[?]"))
    if depth == 0 or draw(_BOOLS):
        return leaves[draw(_INDEX[len(leaves)])]
    sub = lambda k: exprs(m, k, depth - 1, steps)  # noqa: E731
    shape = draw(_INDEX[4])
    if shape == 0:
        return Ite(draw(sub("bool")), draw(sub(kind)), draw(sub(kind)))
    if kind == "int":
        o = draw(_ARITH)
        return (
            Neg(draw(sub("int"))) if o == "neg" else Binary(o, draw(sub("int")), draw(sub("int")))
        )
    if kind == "enum":
        return draw(sub("enum"))
    if shape == 1:
        o = draw(_CONNECTIVES)
        return Binary(o, draw(sub("bool")), draw(sub("bool")))
    if shape == 2:
        o = draw(_COMPARISONS)
        return Binary(o, draw(sub("int")), draw(sub("int")))
    k = draw(_KINDS)
    if k == "bool":
        return Not(draw(sub("bool")))
    return In(draw(sub(k)), tuple(draw(_VALUE_LISTS[k])))


exprs = per_builder(exprs_made)


def _kind(t: object) -> str:
    return {IntType: "int", EnumType: "enum"}.get(type(t), "bool")


_VALUES = {"bool": st.booleans(), "int": st.integers(-1, 3), "enum": st.sampled_from(ENUM.values)}
# Strategies made once: Hypothesis pays for every strategy object it meets anew
_BOOLS = st.booleans()
_INDEX = [st.just(0), *(st.integers(0, k - 1) for k in range(1, 9))]  # _INDEX[k]: 0..k-1
_STEP_FIELDS = st.sampled_from(("rule", "actor", "kind"))
_ARITH = st.sampled_from(("+", "-", "*", "neg"))
_CONNECTIVES = st.sampled_from(("and", "or", "implies"))
_COMPARISONS = st.sampled_from(("==", "!=", "<", "<=", ">", ">="))
_KINDS = st.sampled_from(("int", "enum", "bool"))
_VALUE_LISTS = {k: st.lists(v, min_size=1, max_size=2) for k, v in _VALUES.items()}


def _values(kind: str) -> st.SearchStrategy:
    return _VALUES[kind]


@st.composite
def _atom_made(draw: st.DrawFn, m: Builder) -> Expr:
    """A comparison of one slot with a constant: guards and goals that are sometimes true."""
    i = draw(st.integers(0, len(m.slots) - 1))
    ref = SlotRef(i, m.slots[i].name)
    kind = _kind(m.slots[i].type)
    if kind == "int":
        return Binary(
            draw(st.sampled_from(["<=", "!=", "<", "=="])), ref, Lit(draw(st.integers(0, 2)))
        )
    if kind == "bool":
        return ref
    return eq(ref, draw(st.sampled_from(ENUM.values)))


_atom = per_builder(_atom_made)


@st.composite
def _update_made(draw: st.DrawFn, m: Builder, i: int) -> Expr:
    """A new value for slot `i`: often a small change, so that runs get long."""
    ref = SlotRef(i, m.slots[i].name)
    kind = _kind(m.slots[i].type)
    if draw(st.booleans()):
        return draw(exprs(m, kind, 2))
    if kind == "int":
        return Binary(draw(st.sampled_from(["+", "-"])), ref, Lit(1))
    if kind == "bool":
        return Not(ref)
    return Ite(eq(ref, "p"), Lit("q"), Lit("p"))


_update = per_builder(_update_made)


@st.composite
def models(draw: st.DrawFn):  # noqa: ANN201
    m = Builder("random")
    for n, kind in enumerate(
        draw(st.lists(st.sampled_from(["bool", "int", "enum"]), min_size=2, max_size=3))
    ):
        t = {"bool": BOOL, "int": INT, "enum": ENUM}[kind]
        domain = {"bool": [False, True], "int": [0, 1, 2], "enum": ["p", "q"]}[kind]
        init = draw(st.lists(st.sampled_from(domain), min_size=1, max_size=2, unique=True))
        m.var(f"v{n}", t, *init)
    if draw(st.booleans()):
        m.map("m", ENUM.values, BOOL, False)
    for n in range(draw(st.integers(1, 4))):
        targets = draw(
            st.lists(st.sampled_from(range(len(m.slots))), min_size=1, max_size=2, unique=True)
        )
        updates = {SlotRef(i, m.slots[i].name): draw(_update(m, i)) for i in targets}
        m.rule(
            f"r{n}",
            draw(st.one_of(st.just(Lit(True)), _atom(m), _atom(m).map(Not), exprs(m, "bool", 2))),
            updates,  # type: ignore[arg-type]
            actor=draw(st.sampled_from(["court", "party"])),
            kind=draw(st.sampled_from(["decision", None])),
            rule=draw(st.sampled_from(["r0", "r1"])),
        )
    pattern = lambda: StepPattern(draw(exprs(m, "bool", 2, steps=True)))  # noqa: E731
    pred = lambda: draw(st.one_of(_atom(m), _atom(m).map(Not), exprs(m, "bool", 2)))  # noqa: E731
    m.prop("inv", Invariant(pred()))
    m.prop("reach", Reachable(pred()))
    m.prop("never", NeverStep(pattern()))
    m.prop("earlier", RequiresEarlier(pattern(), pattern()))
    m.prop("after", AfterPossible(pattern(), pattern()))
    return m.build(final=pred() if draw(st.booleans()) else None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_compiled_engine_agrees_with_naive_bfs(model) -> None:  # noqa: ANN001
    oracle = naive_bfs.explore(model)
    space = explore(model)
    assert set(space.states) == set(oracle.depth)
    assert [space.depth(i) for i in range(len(space.states))] == [
        oracle.depth[s] for s in space.states
    ]
    for i, s in enumerate(space.states[: space.expanded]):  # compiled steps == reference steps
        mine = [(model.rules[r].name, space.states[d]) for r, d in space.out_edges(i)]
        assert mine == [(r.name, t) for r, t in _safe_successors(model, s)]
    result = check(model)
    for prop, verdict in zip(model.properties, result.verdicts, strict=True):
        status, length = naive_bfs.verdict(model, oracle, prop.form)
        assert verdict.status.value == status, prop.name
        assert (None if verdict.trace is None else len(verdict.trace)) == length, prop.name
        if verdict.trace is not None:
            replay(model, verdict.trace)
    ends = naive_bfs.dead_ends(model, oracle)
    assert result.dead_end_count == len(ends)
    for d in result.dead_ends:
        assert ends[d.trace.states[-1]] == len(d.trace)
    assert {e.rule: len(e.trace) for e in result.range_errors} == oracle.range_depth


def _safe_successors(model, state):  # noqa: ANN001, ANN202
    from checker.core.semantics import RangeViolation, apply, enabled

    for rule in enabled(model, state):
        try:
            yield rule, apply(model, rule, state)
        except RangeViolation:
            continue


def test_successors_is_the_reference() -> None:
    model = jugs()
    space = explore(model)
    for i, s in enumerate(space.states):
        mine = [(model.rules[r].name, space.states[d]) for r, d in space.out_edges(i)]
        assert mine == [(r.name, t) for r, t in successors(model, s)]


SAFETY_ONLY = (Invariant, Reachable, NeverStep)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.sampled_from([None, 1, 3, 7]))
def test_every_search_loop_finds_the_same_space(model, limit) -> None:  # noqa: ANN001
    """The model's inlined loop (with and without edges) and the generic loop over `expand`
    (a step pattern watched forces it) agree on everything, at a state limit too; what they
    watch is what a scan afterwards finds; and stopping at the first violation changes no
    verdict of a safety-only model."""
    options = CheckOptions(max_states=limit or 1_000_000)
    watch, _ = plan(model)
    steps = Watch(
        watch.states,
        tuple(p.form.pattern for p in model.properties if isinstance(p.form, NeverStep)),
    )
    full = explore(model, options)  # inlined, with edges
    generic_full = explore(model, options, Watch(steps.states, (*steps.steps, ANY_STEP)))
    inlined = explore(model, options, watch, keep_edges=False)
    generic = explore(model, options, steps, keep_edges=False)
    assert full.compiled.search is not None  # the inlined loop ran (its edges: below)
    assert generic_full.compiled.search is None  # the generic loop ran
    assert (inlined.compiled.search is not None) == (not watch.steps)
    assert_same_space(generic_full, full, edges=True)
    assert full.transitions == len(full.edge_dst)
    for other in (inlined, generic):
        assert_same_space(other, full, edges=False)
    for space in (inlined, generic):
        assert space.watched is not None
        for (e, wanted), found in space.watched.first_state.items():
            pred = full.compiled.predicate(e)
            assert found == next((i for i, c in enumerate(full.codes) if pred(c) == wanted), None)
    assert generic.watched is not None
    for p, edge in generic.watched.first_step.items():
        assert edge == next(full.matching_edges(full.compiled.pattern(p).per_rule), None)
    safety = replace(
        model, properties=tuple(p for p in model.properties if isinstance(p.form, SAFETY_ONLY))
    )
    quick, slow = check(safety, options, first_violation=True), check(safety, options)
    for a, b in zip(quick.verdicts, slow.verdicts, strict=True):
        if a.status is not Status.UNKNOWN or quick.complete:
            assert (a.status, a.method, a.trace) == (b.status, b.method, b.trace)
