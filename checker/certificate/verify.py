"""Verifying a certificate without the engine that produced it.

Input: the case's path and one file entry of a certificate (`checker.certificate.write`).
Output: one `Finding` per part: the state space (re-enumerated by the reference semantics and
compared by count and digest), each verdict (a trace replayed and checked as a counterexample
or witness; an inductive invariant read from its text and checked with a fresh Z3 query; an
exhaustive verdict re-judged on the re-enumerated states where the form allows) and the dead
ends. A rejection says which part is wrong and why.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from checker.certificate.digest import FullState, TooManyStates, enumerate_states, state_digest
from checker.certificate.expression import ExpressionReader, NotAnExpression
from checker.certificate.inductive import check_implies, check_inductive
from checker.certificate.traces import check_trace
from checker.certificate.write import no_dead_end
from checker.core.semantics import (
    RangeViolation,
    apply,
    evaluate,
    fold,
    initial_states,
    is_final,
    step_label,
)
from checker.core.trace import ReplayError, trace_of_itf
from dsl.model import (
    AfterPossible,
    Expr,
    Invariant,
    Lit,
    Model,
    NeverStep,
    Not,
    Property,
    Reachable,
    RequiresEarlier,
    RuleInstance,
    StepPattern,
)

VERIFIED, REJECTED, NOT_CERTIFIED = "verified", "rejected", "not certified"


@dataclass(frozen=True, slots=True)
class Finding:
    part: str  # "state space", "property NAME", "dead ends"
    status: str  # VERIFIED | REJECTED | NOT_CERTIFIED
    message: str = ""


class _Space:
    """The re-enumerated states, computed once and only if some part needs them."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._states: list[FullState] | None = None
        self._model_states: list[FullState] | None = None
        self._steps: dict[FullState, list[tuple[RuleInstance, FullState]]] = {}
        self.error = ""

    def states(self) -> list[FullState] | None:
        if self._states is None and not self.error:
            try:
                self._states = enumerate_states(self.model, steps=self._steps)
            except TooManyStates as exc:
                self.error = str(exc)
        return self._states

    def model_states(self) -> list[FullState]:
        if self._model_states is None:
            width = len(self.model.slots)
            self._model_states = list(dict.fromkeys(s[:width] for s in self.states() or ()))
        return self._model_states

    def steps(self, state: FullState) -> list[tuple[RuleInstance, FullState]]:
        """The discrete steps from a model state (a step that would leave a range is none)."""
        found = self._steps.get(state)
        if found is None:
            found = []
            for rule in self.model.rules:
                if evaluate(rule.guard, state):
                    try:
                        found.append((rule, apply(self.model, rule, state)))
                    except RangeViolation:
                        continue
            self._steps[state] = found
        return found


def verify_file(model: Model, case_path: str, entry: dict[str, Any]) -> list[Finding]:
    if entry.get("procedure") != model.name:
        return [
            Finding(
                "procedure",
                REJECTED,
                f"the certificate is for {entry.get('procedure')!r}, the case is {model.name!r}",
            )
        ]
    space = _Space(model)
    out: list[Finding] = []
    certified = entry.get("state_space")
    space_ok = False
    if isinstance(certified, dict):
        found = _check_space(space, certified)
        out.append(found)
        space_ok = found.status == VERIFIED
    invariants: dict[str, str] = {}  # invariant text -> '' or why it is not inductive
    verdicts = entry.get("verdicts")
    verdicts = verdicts if isinstance(verdicts, list) else []
    reader = ExpressionReader(case_path, _invariant_texts(verdicts, entry.get("dead_ends")))
    for v in verdicts:
        if not isinstance(v, dict):
            out.append(Finding("verdicts", REJECTED, f"not a verdict entry: {str(v)[:60]!r}"))
            continue
        out.append(_check_verdict(model, reader, v, space, space_ok, invariants))
    out.append(_check_dead_ends(model, reader, entry.get("dead_ends"), space, space_ok, invariants))
    return out


def _invariant_texts(verdicts: list[Any], dead_ends: Any) -> list[str]:
    """Every invariant the certificate states, to be read in one compile of the case."""
    out = []
    for v in verdicts:
        evidence = v.get("evidence") if isinstance(v, dict) else None
        if isinstance(evidence, dict) and evidence.get("kind") == "inductive-invariant":
            out.append(str(evidence.get("invariant", "")))
    if isinstance(dead_ends, dict) and dead_ends.get("evidence") == "inductive-invariant":
        out.append(str(dead_ends.get("invariant", "")))
    return out


def _check_space(space: _Space, certified: dict[str, Any]) -> Finding:
    states = space.states()
    if states is None:
        return Finding("state space", NOT_CERTIFIED, f"cannot re-enumerate: {space.error}")
    if certified.get("states") != len(states):
        return Finding(
            "state space",
            REJECTED,
            f"the certificate counts {certified.get('states')} "
            f"states; the reference semantics reaches {len(states):,}",
        )
    digest = state_digest(states)
    if certified.get("digest") != digest:
        return Finding(
            "state space",
            REJECTED,
            f"the digest {certified.get('digest')} differs "
            f"from that of the re-enumerated states, {digest}",
        )
    return Finding("state space", VERIFIED, f"{len(states):,} states, {digest[:19]}…")


def _check_verdict(
    model: Model,
    reader: ExpressionReader,
    v: Any,
    space: _Space,
    space_ok: bool,
    invariants: dict[str, str],
) -> Finding:
    name = str(v.get("property"))
    part = f"property {name}"
    prop = model.property(name)
    if prop is None:
        return Finding(part, REJECTED, f"{model.name} has no property {name!r}")
    evidence = v.get("evidence") if isinstance(v.get("evidence"), dict) else {}
    kind = evidence.get("kind")
    verdict = v.get("verdict")
    if kind == "trace":
        want = "holds" if isinstance(prop.form, Reachable) else "fails"
        if verdict != want:
            return Finding(
                part, REJECTED, f"verdict: a trace shows that it {want}, not that it {verdict}"
            )
        try:
            check_trace(model, trace_of_itf(model, evidence.get("trace")), name)
        except ReplayError as exc:
            return Finding(part, REJECTED, f"trace: {exc}")
        return Finding(part, VERIFIED, f"{want}: the trace replays and shows it")
    if kind == "state-space":
        if not space_ok:
            return Finding(part, REJECTED, "state space: no verified state space to rest on")
        return _rejudge(model, prop, str(verdict), space)
    if kind == "inductive-invariant":
        return _check_invariant(model, reader, prop, str(verdict), evidence, invariants)
    if kind == "none":
        return Finding(part, NOT_CERTIFIED, str(evidence.get("why", "")))
    return Finding(part, REJECTED, f"evidence: unknown kind {kind!r}")


def _check_invariant(
    model: Model,
    reader: ExpressionReader,
    prop: Property,
    verdict: str,
    evidence: dict[str, Any],
    invariants: dict[str, str],
) -> Finding:
    part = f"property {prop.name}"
    if isinstance(prop.form, Invariant):
        want, target = "holds", prop.form.predicate
    elif isinstance(prop.form, Reachable):
        want, target = "fails", Not(prop.form.predicate)
    else:
        return Finding(
            part,
            REJECTED,
            "invariant: an invariant proves only `always`, `never` and an unreachable `reachable`",
        )
    if verdict != want:
        return Finding(
            part, REJECTED, f"verdict: an invariant shows that it {want}, not that it {verdict}"
        )
    text = str(evidence.get("invariant", ""))
    try:
        invariant = reader.read(text)
    except NotAnExpression as exc:
        return Finding(
            part, REJECTED, f"invariant: `{text[:80]}` is not an expression of the case: {exc}"
        )
    if text not in invariants:
        invariants[text] = check_inductive(model, invariant)
    why = invariants[text] or check_implies(model, invariant, target)
    if why:
        return Finding(part, REJECTED, f"invariant: {why}")
    return Finding(
        part, VERIFIED, f"{want}: the invariant is inductive and implies the property (Z3)"
    )


def _rejudge(model: Model, prop: Property, verdict: str, space: _Space) -> Finding:
    """An exhaustive verdict judged again on the re-enumerated states, where the form allows."""
    part = f"property {prop.name}"
    form = prop.form
    states = space.model_states()
    if isinstance(form, Invariant):
        found = _first(form.predicate, states, False)
        got = "holds" if found is None else "fails"
    elif isinstance(form, Reachable):
        found = _first(form.predicate, states, True)
        got = "holds" if found is not None else "fails"
    elif isinstance(form, NeverStep):
        step = _Pattern(model, form.pattern)
        got = "fails" if any(step(s, r) for s in states for r, _ in space.steps(s)) else "holds"
    elif isinstance(form, RequiresEarlier):
        got = _requires_earlier(model, form, space)
    elif isinstance(form, AfterPossible):
        got = _after_possible(model, form, space, states)
    else:
        return Finding(
            part,
            NOT_CERTIFIED,
            "the state space it was judged on is verified, but "
            "a liveness form (fairness) is not judged again",
        )
    if got != verdict:
        return Finding(
            part,
            REJECTED,
            f"verdict: on the re-enumerated states it {got}, the certificate says {verdict}",
        )
    return Finding(part, VERIFIED, f"{got}: judged again on the re-enumerated states")


def _first(e: Expr, states: list[FullState], wanted: bool) -> FullState | None:
    return next((s for s in states if bool(evaluate(e, s)) == wanted), None)


class _Pattern:
    """A step pattern folded per rule instance (`checker.core.semantics.fold`, as both engines
    do), so that matching a step is one evaluation on its pre-state."""

    def __init__(self, model: Model, pattern: StepPattern) -> None:
        self.per_rule = {r.name: fold(pattern.where, step_label(r, model)) for r in model.rules}

    def __call__(self, state: FullState, rule: RuleInstance) -> bool:
        folded = self.per_rule[rule.name]
        if isinstance(folded, Lit):
            return bool(folded.value)
        return bool(evaluate(folded, state))


def _requires_earlier(model: Model, form: RequiresEarlier, space: _Space) -> str:
    """'fails' iff a `step` step is reachable by steps none of which matches `earlier`."""
    step, earlier = _Pattern(model, form.step), _Pattern(model, form.earlier)
    seen = set(initial_states(model))
    queue = deque(seen)
    while queue:
        s = queue.popleft()
        for rule, t in space.steps(s):
            if step(s, rule):
                return "fails"
            if not earlier(s, rule) and t not in seen:
                seen.add(t)
                queue.append(t)
    return "holds"


def _after_possible(
    model: Model, form: AfterPossible, space: _Space, states: list[FullState]
) -> str:
    """'fails' iff some `step` step leads where no run can take a `target` step any more."""
    step, target = _Pattern(model, form.step), _Pattern(model, form.target)
    can = {s for s in states if any(target(s, r) for r, _ in space.steps(s))}
    preds: dict[FullState, list[FullState]] = {}
    for s in states:
        for _, t in space.steps(s):
            preds.setdefault(t, []).append(s)
    stack = list(can)
    while stack:
        for p in preds.get(stack.pop(), []):
            if p not in can:
                can.add(p)
                stack.append(p)
    bad = any(step(s, r) and t not in can for s in states for r, t in space.steps(s))
    return "fails" if bad else "holds"


def _check_dead_ends(
    model: Model,
    reader: ExpressionReader,
    certified: Any,
    space: _Space,
    space_ok: bool,
    invariants: dict[str, str],
) -> Finding:
    if not isinstance(certified, dict):
        return Finding("dead ends", NOT_CERTIFIED, "the certificate says nothing about dead ends")
    traces = certified.get("traces")
    for i, t in enumerate(traces if isinstance(traces, list) else []):
        try:
            check_trace(model, trace_of_itf(model, t), "dead end")
        except ReplayError as exc:
            return Finding("dead ends", REJECTED, f"trace {i + 1}: {exc}")
    if certified.get("evidence") == "inductive-invariant":
        if certified.get("count") != 0 or certified.get("traces"):
            return Finding("dead ends", REJECTED, "an invariant can only show that there are none")
        text = str(certified.get("invariant", ""))
        try:
            invariant = reader.read(text)
        except NotAnExpression as exc:
            return Finding(
                "dead ends", REJECTED, f"invariant: not an expression of the case: {exc}"
            )
        if text not in invariants:
            invariants[text] = check_inductive(model, invariant)
        why = invariants[text] or check_implies(model, invariant, no_dead_end(model))
        if why:
            return Finding("dead ends", REJECTED, f"invariant: {why}")
        return Finding(
            "dead ends",
            VERIFIED,
            "none: the invariant is inductive and implies that "
            "every state is final or lets a rule apply (Z3)",
        )
    if certified.get("evidence") != "state-space":
        return Finding(
            "dead ends",
            NOT_CERTIFIED if not certified.get("traces") else VERIFIED,
            "only the listed dead ends' traces are checked",
        )
    if not space_ok:
        return Finding("dead ends", REJECTED, "state space: no verified state space to rest on")
    width = len(model.slots)
    dead = {s: _dead(model, s, space) for s in space.model_states()}
    count = sum(1 for s in space.states() or () if dead[s[:width]])
    if certified.get("count") != count:
        return Finding(
            "dead ends",
            REJECTED,
            f"the certificate counts {certified.get('count')}; "
            f"the re-enumerated states have {count}",
        )
    return Finding("dead ends", VERIFIED, f"{count} dead end(s), counted again")


def _dead(model: Model, state: FullState, space: _Space) -> bool:
    """Not final, and no rule applies (a state with a step has one applying; only without
    steps are the guards asked again: a rule whose update leaves a range still applies)."""
    if is_final(model, state) or space.steps(state):
        return False
    return not any(evaluate(r.guard, state) for r in model.rules)
