"""What a trace proves: that it really is a counterexample (or witness) of its property.

Input: a model, a property (or a dead end, a range error) and a `Trace` that already replays
(`checker.core.trace.replay`, which returns the deadline clocks along it). Output: nothing, or
`ReplayError` saying why the trace does not show what it is attached to. Everything here is
the reference semantics (`checker.core.semantics`); no engine is involved, so a tampered trace
(a dropped day, a wrong loop index) is caught whichever engine produced the original.

Runs are read as `checker.explicit.liveness` defines them (docs/language.md): duties, and in a
timed model the passage of days, are weakly fair; an untimed run may stop where no duty is
enabled; a timed run never stops (days pass).
"""

from __future__ import annotations

from collections import deque

from checker.core.semantics import (
    Clocks,
    RangeViolation,
    State,
    apply,
    evaluate,
    is_final,
    is_timed,
    step_label,
    time_may_pass,
)
from checker.core.show_expr import show
from checker.core.trace import TIME_STEP, ReplayError, Trace, rule_by_name
from dsl.model import (
    AfterPossible,
    Eventually,
    Expr,
    Invariant,
    LeadsTo,
    Model,
    NeverStep,
    Property,
    Reachable,
    RequiresEarlier,
    StepPattern,
)

MAX_STATES_AFTER = 200_000  # `after_possible`: the states searched after a counterexample


def matches(model: Model, pattern: StepPattern, before: State, step: str) -> bool:
    """Step `step` taken in `before` matches `pattern` (a day passing is no legal act)."""
    if step == TIME_STEP:
        return False
    label = step_label(rule_by_name(model, step), model)
    return bool(evaluate(pattern.where, before, label))


def check_evidence(model: Model, prop: Property, trace: Trace, clocks: list[Clocks]) -> None:
    """The trace is a counterexample of `prop` (a witness, for `reachable`): else ReplayError."""
    form = prop.form
    states = trace.states
    steps = [name for name, _ in trace.steps]
    if isinstance(form, Invariant):
        if all(evaluate(form.predicate, s) for s in states):
            raise ReplayError(
                f"not a counterexample of {prop.name}: "
                f"`{show(form.predicate)}` holds in every state of the trace"
            )
    elif isinstance(form, Reachable):
        if not any(evaluate(form.predicate, s) for s in states):
            raise ReplayError(
                f"not a witness of {prop.name}: "
                f"`{show(form.predicate)}` holds in no state of the trace"
            )
    elif isinstance(form, NeverStep):
        if not any(matches(model, form.pattern, states[k], n) for k, n in enumerate(steps)):
            raise ReplayError(f"not a counterexample of {prop.name}: no step matches the pattern")
    elif isinstance(form, RequiresEarlier):
        _requires_earlier(model, prop, form, states, steps)
    elif isinstance(form, AfterPossible):
        _after_possible(model, prop, form, trace)
    elif isinstance(form, Eventually):
        if any(evaluate(form.predicate, s) for s in states):
            first = next(i for i, s in enumerate(states) if evaluate(form.predicate, s))
            raise ReplayError(
                f"not a counterexample of {prop.name}: "
                f"`{show(form.predicate)}` holds in state {first}"
            )
        _run_shape(model, prop, trace, clocks)
    elif isinstance(form, LeadsTo):
        _leads_to(model, prop, form, trace, clocks)
    else:
        raise ReplayError(f"{prop.name}: no counterexample form for this property")


def check_dead_end(model: Model, trace: Trace) -> None:
    """The trace ends in a dead end: no rule applies and the state is not final."""
    last = trace.states[-1]
    if is_final(model, last):
        raise ReplayError(f"not a dead end: the state after step {len(trace)} is final")
    enabled = [r.name for r in model.rules if evaluate(r.guard, last)]
    if enabled:
        raise ReplayError(f"not a dead end: after step {len(trace)} {enabled[0]!r} applies")


def check_range_error(model: Model, trace: Trace, rule_name: str) -> None:
    """Rule `rule_name` applies after the trace and would leave a declared range."""
    last = trace.states[-1]
    rule = rule_by_name(model, rule_name)
    if not evaluate(rule.guard, last):
        raise ReplayError(
            f"not a range error: {rule_name!r} does not apply after step {len(trace)}"
        )
    try:
        apply(model, rule, last)
    except RangeViolation:
        return
    raise ReplayError(f"not a range error: {rule_name!r} stays in range after step {len(trace)}")


# --------------------------------------------------------------------------- step properties


def _requires_earlier(
    model: Model, prop: Property, form: RequiresEarlier, states: tuple[State, ...], steps: list[str]
) -> None:
    for k, name in enumerate(steps):
        if matches(model, form.step, states[k], name):
            return
        if matches(model, form.earlier, states[k], name):
            break
    raise ReplayError(
        f"not a counterexample of {prop.name}: no step matching the pattern "
        "comes before a step matching the earlier pattern"
    )


def _after_possible(model: Model, prop: Property, form: AfterPossible, trace: Trace) -> None:
    if not trace.steps or not matches(model, form.step, trace.states[-2], trace.steps[-1][0]):
        raise ReplayError(
            f"not a counterexample of {prop.name}: the last step does not match the pattern"
        )
    seen = {trace.states[-1]}
    queue = deque(seen)
    while queue:
        if len(seen) > MAX_STATES_AFTER:  # an unbounded model: the search need not end
            raise ReplayError(
                f"{prop.name}: cannot be re-checked: more than {MAX_STATES_AFTER:,} states "
                f"follow step {len(trace)}, and a step matching the target might come after "
                "any of them"
            )
        s = queue.popleft()
        for rule in model.rules:
            if not evaluate(rule.guard, s):
                continue
            if matches(model, form.target, s, rule.name):
                raise ReplayError(
                    f"not a counterexample of {prop.name}: after step "
                    f"{len(trace)} a run can still take {rule.name!r}"
                )
            try:
                t = apply(model, rule, s)
            except RangeViolation:
                continue
            if t not in seen:
                seen.add(t)
                queue.append(t)


# --------------------------------------------------------------------------- liveness


def _enabled(model: Model, state: State, clocks: Clocks) -> set[str]:
    """The fair actions enabled in a timed state: duties with a successor, and time."""
    out = set()
    for r in model.rules:
        if (r.duty or r.deadline_days is not None) and evaluate(r.guard, state):
            try:
                apply(model, r, state)
            except RangeViolation:
                continue
            out.add(r.name)
    if is_timed(model) and time_may_pass(model, state, clocks):
        out.add(TIME_STEP)
    return out


def _run_shape(model: Model, prop: Property, trace: Trace, clocks: list[Clocks]) -> None:
    """The trace is a whole fair run: a stop where no duty is enabled (untimed models only), or
    a lasso whose loop takes or sees disabled every fair action."""
    last = len(trace)
    if trace.loop_start is None:
        if is_timed(model):
            raise ReplayError(
                f"not a counterexample of {prop.name}: the run stops after step "
                f"{last}, but days keep passing in a timed model (a loop is needed)"
            )
        duties = _enabled(model, trace.states[-1], clocks[-1])
        if duties:
            raise ReplayError(
                f"not a counterexample of {prop.name}: the run stops after step "
                f"{last}, where the duty {sorted(duties)[0]!r} is still enabled"
            )
        return
    start = trace.loop_start
    loop_states = range(start, last + 1)
    enabled_everywhere = set.intersection(
        *(_enabled(model, trace.states[i], clocks[i]) for i in loop_states)
    )
    taken = {name for name, _ in trace.steps[start:]}
    unfair = sorted(enabled_everywhere - taken)
    if unfair:
        what = "the passage of days" if unfair[0] == TIME_STEP else f"the duty {unfair[0]!r}"
        raise ReplayError(
            f"not a counterexample of {prop.name}: the loop (steps {start + 1}–"
            f"{last}) is not fair: {what} is enabled throughout and never taken"
        )


def _leads_to(
    model: Model, prop: Property, form: LeadsTo, trace: Trace, clocks: list[Clocks]
) -> None:
    states = trace.states
    names = [name for name, _ in trace.steps]
    triggers = _trigger_positions(model, form.trigger, states, names)

    def answered(i: int, k: int) -> bool:
        """The goal comes at state k, or by step k, for a wait that began at state i."""
        if isinstance(form.target, StepPattern):
            return k > i and matches(model, form.target, states[k - 1], names[k - 1])
        return bool(evaluate(form.target, states[k]))

    if form.within_days is not None:
        days = form.within_days
        best = -1
        for i in triggers:
            waited = 0
            for k in range(i, len(states)):
                if answered(i, k):
                    break
                if k > i and names[k - 1] == TIME_STEP:
                    waited += 1
                    if waited > days:
                        return
            best = max(best, waited)
        why = (
            "nothing triggers it"
            if not triggers
            else f"at most {best} day{'s' if best != 1 else ''} pass without the response; "
            f"a counterexample needs day {days + 1}"
        )
        raise ReplayError(f"not a counterexample of {prop.name} (within {days} days): {why}")
    for i in triggers:
        # the wait from state i, and the whole loop, which recurs for ever after i
        lo = i if trace.loop_start is None else min(i, trace.loop_start)
        if not any(
            answered(lo if isinstance(form.target, StepPattern) else i, k)
            for k in range(lo, len(states))
        ):
            _run_shape(model, prop, trace, clocks)
            return
    raise ReplayError(
        f"not a counterexample of {prop.name}: "
        + ("nothing triggers it" if not triggers else "the response comes")
    )


def _trigger_positions(
    model: Model, trigger: Expr | StepPattern, states: tuple[State, ...], names: list[str]
) -> list[int]:
    """The states where a wait begins: where the trigger holds, or right after a trigger step."""
    if isinstance(trigger, StepPattern):
        return [k + 1 for k, n in enumerate(names) if matches(model, trigger, states[k], n)]
    return [i for i, s in enumerate(states) if evaluate(trigger, s)]
