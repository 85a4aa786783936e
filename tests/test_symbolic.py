"""The symbolic engine: encoding vs the reference semantics, BMC shortest traces, k-induction
proofs over unbounded integers, dead ends, range errors and distribution consistency."""

from __future__ import annotations

from pathlib import Path

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.result import CheckOptions
from checker.core.semantics import evaluate
from checker.core.trace import replay
from checker.core.verdict import Method, Status
from checker.symbolic.encode import Encoding
from checker.symbolic.engine import check
from dsl.frontend import compile_file, compile_text
from dsl.model import (
    BOOL,
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
    SlotRef,
)
from tests.handmade import Builder, hanoi, jugs

ROOT = Path(__file__).parent.parent
MODELS = Path(__file__).parent / "models"
SYMBOLIC = CheckOptions(engine="symbolic", depth=30)


def model_of(text: str) -> Model:
    front = compile_text(text, directory=str(ROOT / "cases" / "prc"))
    assert front.model is not None, [str(d.message) for d in front.diagnostics]
    return front.model


def verdicts(model: Model, depth: int = 30) -> dict:  # type: ignore[type-arg]
    result = check(model, CheckOptions(engine="symbolic", depth=depth))
    return {v.property: v for v in result.verdicts}


# --------------------------------------------------------------------------- encoding


KEYS = ("k1", "k2", "k3")
COLOURS = EnumType("colour", ("red", "green", "blue"))
SLOTS = (
    BOOL,
    IntType(-3, 3),
    COLOURS,
    IntType(None, None),
    IntType(0, 2),
    IntType(0, 2),
    IntType(0, 2),
)
KEY_SET = EnumType("keys", KEYS)


def _slot(i: int) -> SlotRef:
    return SlotRef(i, f"s{i}")


def int_expr(depth: int) -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.integers(-4, 4).map(Lit), st.sampled_from([_slot(1), _slot(3), _slot(4), _slot(6)])
    )
    if depth == 0:
        return leaves
    sub = int_expr(depth - 1)
    return st.one_of(
        leaves,
        st.builds(lambda o, a, b: Binary(o, a, b), st.sampled_from(["+", "-"]), sub, sub),
        st.builds(lambda a, c: Binary("*", a, Lit(c)), sub, st.integers(-2, 2)),
        st.builds(Neg, sub),
        st.builds(Ite, bool_expr(depth - 1), sub, sub),
        st.builds(lambda k: MapRef(4, KEYS, k, "m"), key_expr()),
    )


def key_expr() -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.sampled_from(KEYS).map(Lit),
        st.builds(
            lambda c, a, b: Ite(c, Lit(a), Lit(b)),
            st.just(_slot(0)),
            st.sampled_from(KEYS),
            st.sampled_from(KEYS),
        ),
    )


def bool_expr(depth: int) -> st.SearchStrategy[Expr]:
    leaves = st.one_of(st.booleans().map(Lit), st.just(_slot(0)))
    if depth == 0:
        return leaves
    sub, num = bool_expr(depth - 1), int_expr(depth - 1)
    return st.one_of(
        leaves,
        st.builds(
            lambda o, a, b: Binary(o, a, b),
            st.sampled_from(["and", "or", "implies", "==", "!="]),
            sub,
            sub,
        ),
        st.builds(
            lambda o, a, b: Binary(o, a, b),
            st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
            num,
            num,
        ),
        st.builds(Not, sub),
        st.builds(
            lambda vs: In(_slot(2), tuple(vs)),
            st.lists(st.sampled_from(COLOURS.values), max_size=3),
        ),
        st.builds(lambda a, vs: In(a, tuple(vs)), num, st.lists(st.integers(-3, 3), max_size=3)),
        st.builds(lambda c: Binary("==", _slot(2), Lit(c)), st.sampled_from(COLOURS.values)),
    )


def _probe_model() -> Model:
    m = Builder("probe")
    for i, t in enumerate(SLOTS[:4]):
        m.var(f"s{i}", t, any_=True)
    m.map("m", KEYS, IntType(0, 2), 0)
    return m.build()


states = st.tuples(
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(COLOURS.values),
    st.integers(-50, 50),
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(0, 2),
)


@settings(derandomize=True, deadline=None, max_examples=150)
@given(bool_expr(3), int_expr(3), states)
def test_encoding_means_the_reference_semantics(b: Expr, n: Expr, state: tuple) -> None:  # type: ignore[type-arg]
    """`evaluate` and Z3's evaluation of the encoded expression agree on random states."""
    enc = Encoding(_probe_model())
    s = enc.state("x")
    pin = z3.Solver(ctx=enc.ctx)
    pin.add(*(x == enc.slot_value(i, v) for i, (x, v) in enumerate(zip(s, state, strict=True))))
    assert pin.check() == z3.sat
    zm = pin.model()
    got_b = zm.eval(enc.expr(b, s), model_completion=True)
    assert z3.is_true(got_b) == evaluate(b, state)
    got_n = zm.eval(enc.expr(n, s), model_completion=True)
    assert got_n.as_long() == evaluate(n, state)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- BMC


def test_jugs_and_hanoi_shortest_traces() -> None:
    for path, name, length in [
        (MODELS / "jugs.rev", "four_litres", 6),
        (MODELS / "jugs.rev", "never_four", 6),
        (MODELS / "hanoi3.rev", "solved", 7),
        (MODELS / "river.rev", "all_across", 7),
    ]:
        model = compile_file(str(path)).model
        assert model is not None
        v = verdicts(model)[name]
        assert v.trace is not None and len(v.trace) == length, (path, name)
        replay(model, v.trace)
    assert len(verdicts(jugs())["goal"].trace) == 6  # type: ignore[arg-type]
    assert len(verdicts(hanoi(3))["solved"].trace) == 7  # type: ignore[arg-type]


def test_finite_safety_is_proven_not_bounded() -> None:
    model = compile_file(str(MODELS / "jugs.rev")).model
    assert model is not None
    v = verdicts(model)
    assert v["total_at_most_eight"].status is Status.HOLDS
    assert v["total_at_most_eight"].method is Method.K_INDUCTION


# --------------------------------------------------------------------------- k-induction

COUNTER = """
procedure counter "a counter that can only grow"
organ clerk
kind tick
actor c is clerk
var x : int = 0
rule grow { by c kind tick when true then x := x + 1 }
property nonnegative { always x >= 0 }
property reaches_five { reachable x == 5 }
property never_negative_one { reachable x == -1 }
"""


def test_counter_is_one_inductive() -> None:
    v = verdicts(model_of(COUNTER))
    assert v["nonnegative"].status is Status.HOLDS
    assert v["nonnegative"].method is Method.K_INDUCTION and v["nonnegative"].bound == 1
    assert v["nonnegative"].how == "k-inductive, k = 1"
    assert v["reaches_five"].status is Status.HOLDS and len(v["reaches_five"].trace) == 5  # type: ignore[arg-type]
    # unreachability of x == -1 is proven, so `reachable` fails (without a trace)
    assert v["never_negative_one"].status is Status.FAILS
    assert v["never_negative_one"].method is Method.K_INDUCTION


# The classic non-inductive invariant: `follower` copies `leader` one step late. `follower >= 0`
# is not 1-inductive: from an unreachable state with leader = -5, follower = 0 (which satisfies
# it) one step makes follower = -5. It is 2-inductive: two steps that both keep follower >= 0
# force leader >= 0 at the first of them, so the copy in the second is >= 0 too. (The stronger
# `leader >= 0 and follower >= 0` is 1-inductive.)
DELAYED_COPY = """
procedure delayed_copy "follower copies leader one step late"
organ clerk
kind tick
actor c is clerk
var leader : int = 0
var follower : int = 0
rule advance { by c kind tick when true then leader := leader + 1; follower := leader }
property follower_nonnegative { always follower >= 0 }
"""


def test_delayed_copy_needs_k_two() -> None:
    """Not 1-inductive on its own: proved by Spacer's invariant, or 1-inductive once the
    auxiliary invariants (`follower <= leader` among them) are lemmas, or, with both off, by
    k = 2 (the backoff schedule tries k = 1, then 2)."""
    model = model_of(DELAYED_COPY)
    v = verdicts(model)["follower_nonnegative"]
    assert v.status is Status.HOLDS
    assert v.method is Method.INVARIANT or (v.method is Method.K_INDUCTION and v.bound in (1, 2))
    opts = CheckOptions(engine="symbolic", depth=30)
    result = check(model, opts, spacer=False, strengthen=False)
    assert result.verdicts[0].how == "k-inductive, k = 2"


def test_proven_invariants_are_lemmas() -> None:
    """With the stronger invariant declared too, it is proven first (k = 1) and then serves
    as a lemma: the weaker one becomes 1-inductive."""
    text = DELAYED_COPY + "property both_nonnegative { always leader >= 0 and follower >= 0 }\n"
    v = verdicts(model_of(text))
    assert v["both_nonnegative"].bound == 1
    assert v["follower_nonnegative"].status is Status.HOLDS and v["follower_nonnegative"].bound == 1


def test_bounded_never_plain_holds() -> None:
    text = """
procedure nonlinear "a sum of squares bound that induction cannot see"
organ clerk
kind tick
actor c is clerk
var x : int = 0
var y : int = 0
rule up { by c kind tick when true then x := x + 2; y := y + x }
property y_not_one { always y != 1 }
"""
    v = verdicts(model_of(text), depth=6)["y_not_one"]
    assert v.status in (Status.HOLDS, Status.BOUNDED)
    if v.status is Status.BOUNDED:
        assert v.method is Method.BOUNDED and v.word == "holds up to depth 6"


def test_timeout_gives_unknown() -> None:
    result = check(model_of(DELAYED_COPY), CheckOptions(engine="symbolic", timeout_s=0.0))
    for v in result.verdicts:
        assert v.status is Status.UNKNOWN and v.method is Method.TIME_LIMIT


# --------------------------------------------------------------------------- step properties


STEPS = """
procedure steps "a decision before and without a hearing"
import principles
actor bureau is enforcement_organ
actor bench is trial_organ
actor debtor is party
var stage : {start, heard, decided} = start
var amount : int = any
rule hear { by bench kind hearing when stage == start and amount > 10 then stage := heard }
rule decide { by bureau kind substantive_decision when stage != decided then stage := decided }
rule apply { by debtor kind initiation when stage == decided and amount < 0 then stage := start }
final stage == decided
"""


def test_step_patterns_and_requires_earlier() -> None:
    v = verdicts(model_of(STEPS))
    sep = v["trial_execution_separation"]
    assert sep.status is Status.FAILS and len(sep.trace) == 1  # type: ignore[arg-type]
    assert sep.trace.steps[-1][0] == "decide"  # type: ignore[union-attr]
    hearing = v["hearing_before_decision"]
    assert hearing.status is Status.FAILS and len(hearing.trace) == 1  # type: ignore[arg-type]
    assert v["party_disposition"].status is Status.HOLDS
    remedy = v["remedy_after_decision"]  # no rule takes an appeal step
    assert remedy.status is Status.FAILS and len(remedy.trace) == 1  # type: ignore[arg-type]


# --------------------------------------------------------------------------- dead ends, ranges


def test_dead_ends_and_range_errors() -> None:
    text = """
procedure gaps "a gap and a range error"
organ clerk
kind tick
actor c is clerk
var stage : {a, b, c, done} = a
var n : 0..3 = 0
rule ab { by c kind tick when stage == a then stage := b }
rule bump { by c kind tick when stage == b and n == 0 then n := n + 2 }
rule bc { by c kind tick when stage == b and n > 2 then stage := c }
rule overflow { by c kind tick when stage == b and n == 0 then n := n + 4 }
final stage == done
"""
    result = check(model_of(text), SYMBOLIC)
    assert [len(d.trace) for d in result.dead_ends] == [2]  # a -> b -> (n = 2): stuck
    assert not result.complete
    assert len(result.range_errors) == 1 and result.range_errors[0].rule == "overflow"
    assert len(result.range_errors[0].trace) == 1
    assert "outside 0..3" in result.range_errors[0].message
    no_gaps = check(model_of(COUNTER), SYMBOLIC)
    assert no_gaps.dead_ends == () and no_gaps.complete  # absence proven by induction


# --------------------------------------------------------------------------- distribution


def test_distribution_consistency_is_proven_for_unbounded_amounts() -> None:
    model = compile_file(str(ROOT / "cases" / "prc" / "distribution.rev")).model
    assert model is not None and not model.finite
    v = verdicts(model)
    for name in ("conservation", "no_excess_return", "standing_creditors_keep", "obligor_restored"):
        assert v[name].status is Status.HOLDS and v[name].method is Method.K_INDUCTION, name
    for exp in model.expectations:
        assert v[exp.property].status.value == exp.verdict, exp.property


def test_reopening_the_plan_differs_where_expected() -> None:
    model = compile_file(str(ROOT / "cases" / "prc" / "distribution_reopen.rev")).model
    assert model is not None
    v = verdicts(model)
    assert v["obligor_restored"].status is Status.FAILS
    assert v["obligor_at_most"].status is Status.HOLDS
    assert v["conservation"].status is Status.HOLDS
    for exp in model.expectations:
        assert v[exp.property].status.value == exp.verdict, exp.property


def test_a_broken_conservation_is_caught() -> None:
    text = (ROOT / "cases" / "prc" / "distribution.rev").read_text(encoding="utf-8")
    broken = text.replace(
        "then returned[c] := received[c]; recovered := recovered + received[c] - returned[c]; "
        "reversal[c] := done\n}\n\nrule enforce_return",
        "then returned[c] := received[c]; recovered := recovered + received[c]; "
        "reversal[c] := done\n}\n\nrule enforce_return",
    )
    assert broken != text
    v = verdicts(model_of(broken))
    assert v["conservation"].status is Status.FAILS
    replay(model_of(broken), v["conservation"].trace)  # type: ignore[arg-type]


# Liveness over an unbounded amount: a duty to pay whatever is owed, while a power may add to
# the debt. `owed > 0 leads_to owed == 0` holds for every amount: `pay` is enabled while
# anything is owed (a fair duty is taken unless its condition goes away first) and paying
# clears the debt. With `pay` a power nobody need exercise, no proof exists.
OWED = """
procedure owed "a debt paid by duty"
organ clerk
kind act
actor c is clerk
var owed : int = any
var paid : bool = false
rule pay { by c kind act duty when owed > 0 then owed := 0; paid := true }
rule borrow { by c kind act when owed >= 0 then owed := owed + 1 }
property debt_paid { owed > 0 leads_to owed == 0 }
property always_paid { eventually paid }
"""


def test_leads_to_over_an_unbounded_amount_is_proved_by_a_helpful_duty() -> None:
    v = verdicts(model_of(OWED))
    assert v["debt_paid"].status is Status.HOLDS and v["debt_paid"].method is Method.FAIRNESS
    assert "helpful duty pay" in v["debt_paid"].how
    # `eventually paid` is false (owed may start at 0 or below and nothing forces a debt):
    # the engine has no proof and says why, instead of claiming anything
    assert v["always_paid"].status is Status.UNKNOWN
    assert "WF1" in v["always_paid"].note


def test_without_a_fair_duty_liveness_stays_unknown() -> None:
    v = verdicts(model_of(OWED.replace("kind act duty when", "kind act power when")))
    assert v["debt_paid"].status is Status.UNKNOWN
    assert "WF1" in v["debt_paid"].note
